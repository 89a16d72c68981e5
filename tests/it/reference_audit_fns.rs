//! Conformance audit of the Search Reference's eval and stats function
//! pages: each test encodes the worked examples of one function, adapted to
//! small events built here (the pages use Splunk's tutorial data). The ledger
//! is grammar/examples/functions.md.

use crate::common::{col, eval_one, eval_row, ndjson, run_spl};
use serde_json::json;

/// Web access events with the fields the tutorial examples use.
fn access() -> String {
    ndjson(&[
        json!({"_time": 400, "status": "200", "clientip": "123.132.32.7", "host": "www1", "size": 10}),
        json!({"_time": 300, "status": "404", "ipaddress": "10.1.1.1", "host": "www1", "size": 30}),
        json!({"_time": 200, "status": "500", "clientip": "198.51.100.9", "host": "www2", "size": 5}),
        json!({"_time": 100, "status": "408", "ipaddress": "123.132.32.200", "host": "www2", "size": 7}),
    ])
}

// ---- Comparison and Conditional functions ------------------------------------

// "Comparison and Conditional functions", case, basic example:
// `sourcetype=access_* | eval description=case(status==200, "OK",
// status==404, "Not found", status==500, "Internal Server Error") | table
// status description` (408 gets no description), and the second example
// adding `true(), "Other"` as the default.
#[test]
fn case_status_descriptions_and_default() {
    let r = run_spl(
        "* | eval description=case(status==200, \"OK\", status==404, \"Not found\", \
         status==500, \"Internal Server Error\") | table status description",
        &access(),
    );
    assert_eq!(col(&r, "status"), ["200", "404", "500", "408"]);
    assert_eq!(
        col(&r, "description"),
        ["OK", "Not found", "Internal Server Error", ""]
    );
    assert!(r[3].get("description").is_none(), "{:?}", r[3]);
    let r = run_spl(
        "* | eval description=case(status==200, \"OK\", status==404, \"Not found\", \
         status==500, \"Internal Server Error\", true(), \"Other\") | table status description",
        &access(),
    );
    assert_eq!(
        col(&r, "description"),
        ["OK", "Not found", "Internal Server Error", "Other"]
    );
}

// Same page, case, extended example (earthquakes): `source=all_month.csv |
// eval Description=case(depth<=70, "Low", depth>70 AND depth<=300, "Mid",
// depth>300, "Deep") | stats count min(mag) max(mag) by Description` (the
// 10.0 page names the shallow category "Low"; its results come out Deep,
// Low, Mid).
#[test]
fn case_depth_categories_then_stats() {
    let quakes = ndjson(&[
        json!({"depth": 10, "mag": 2.5}),
        json!({"depth": 70, "mag": 4.0}),
        json!({"depth": 71, "mag": 3.1}),
        json!({"depth": 300, "mag": 5.2}),
        json!({"depth": 301, "mag": 6.0}),
    ]);
    let r = run_spl(
        "* | eval Description=case(depth<=70, \"Low\", depth>70 AND depth<=300, \"Mid\", \
         depth>300, \"Deep\") | stats count min(mag) max(mag) by Description",
        &quakes,
    );
    assert_eq!(col(&r, "Description"), ["Deep", "Low", "Mid"]);
    assert_eq!(col(&r, "count"), ["1", "2", "2"]);
    assert_eq!(col(&r, "min(mag)"), ["6", "2.5", "3.1"]);
    assert_eq!(col(&r, "max(mag)"), ["6", "4", "5.2"]);
}

// Same page, cidrmatch: `... | eval isLocal=if(cidrmatch("123.132.32.0/25",ip),
// "local", "not local")`, and `... | where cidrmatch("123.132.32.0/25", ip)`;
// the subnet can also come from a field, in IPv4 or IPv6.
#[test]
fn cidrmatch_examples() {
    let ips = ndjson(&[
        json!({"ip": "123.132.32.5"}),
        json!({"ip": "123.132.32.127"}),
        json!({"ip": "123.132.32.128"}),
        json!({"ip": "10.0.0.1"}),
    ]);
    let r = run_spl(
        "* | eval isLocal=if(cidrmatch(\"123.132.32.0/25\",ip), \"local\", \"not local\")",
        &ips,
    );
    assert_eq!(
        col(&r, "isLocal"),
        ["local", "local", "not local", "not local"]
    );
    let r = run_spl("* | where cidrmatch(\"123.132.32.0/25\", ip)", &ips);
    assert_eq!(col(&r, "ip"), ["123.132.32.5", "123.132.32.127"]);
    let r = eval_row(
        "subnet=\"192.0.2.0/24\", ip=\"192.0.3.0\", a=if(cidrmatch(subnet, ip), \"in\", \"out\"), \
         s6=\"2001:0db8:ffff:ffff:ffff:ffff:ffff:ff00/120\", \
         b=if(cidrmatch(s6, \"2001:db8:ffff:ffff:ffff:ffff:ffff:ff99\"), \"in\", \"out\"), \
         c=if(cidrmatch(s6, \"2001:db8:ffff:ffff:ffff:ffff:fffe:ff99\"), \"in\", \"out\") \
         | fields a b c",
    );
    assert_eq!(r, json!({"a": "out", "b": "in", "c": "out"}));
}

// Same page, coalesce: "the IP address is extracted to either clientip or
// ipaddress": `... | eval ip=coalesce(clientip,ipaddress)`.
#[test]
fn coalesce_clientip_or_ipaddress() {
    let r = run_spl(
        "* | eval ip=coalesce(clientip,ipaddress) | table ip",
        &access(),
    );
    assert_eq!(
        col(&r, "ip"),
        ["123.132.32.7", "10.1.1.1", "198.51.100.9", "123.132.32.200"]
    );
}

// Same page, if: `... | eval err=if(error == 200, "OK", "Error")`.
#[test]
fn if_error_ok_else_error() {
    let ev = ndjson(&[
        json!({"error": 200}),
        json!({"error": 404}),
        json!({"other": 1}),
    ]);
    let r = run_spl("* | eval err=if(error == 200, \"OK\", \"Error\")", &ev);
    assert_eq!(col(&r, "err"), ["OK", "Error", "Error"]);
}

// Same page, in: `... | where in(status, "400", "401", "403", "404")` and
// `... | eval error=if(in(status, "error", "failure", "severe"),"true","false")`.
#[test]
fn in_where_and_eval_examples() {
    let r = run_spl(
        "* | where in(status, \"400\", \"401\", \"403\", \"404\") | table status",
        &access(),
    );
    assert_eq!(col(&r, "status"), ["404"]);
    let ev = ndjson(&[
        json!({"status": "failure"}),
        json!({"status": "ok"}),
        json!({"status": "severe"}),
    ]);
    let r = run_spl(
        "* | eval error=if(in(status, \"error\", \"failure\", \"severe\"),\"true\",\"false\")",
        &ev,
    );
    assert_eq!(col(&r, "error"), ["true", "false", "true"]);
}

// Same page, like: `... | eval is_a_foo=if(like(field, "foo%"), "yes a foo",
// "not a foo")`, `... | where like(field, "addr%")` and `... | where
// like(ipaddress, "198.%")`.
#[test]
fn like_examples() {
    let ev = ndjson(&[
        json!({"field": "foobar", "ipaddress": "198.51.100.1"}),
        json!({"field": "address", "ipaddress": "10.198.0.1"}),
        json!({"field": "Foo", "ipaddress": "198.0.0.1"}),
    ]);
    let r = run_spl(
        "* | eval is_a_foo=if(like(field, \"foo%\"), \"yes a foo\", \"not a foo\")",
        &ev,
    );
    assert_eq!(col(&r, "is_a_foo"), ["yes a foo", "not a foo", "not a foo"]);
    let r = run_spl("* | where like(field, \"addr%\")", &ev);
    assert_eq!(col(&r, "field"), ["address"]);
    let r = run_spl("* | where like(ipaddress, \"198.%\")", &ev);
    assert_eq!(col(&r, "field"), ["foobar", "Foo"]);
}

// Same page, match: `... | eval matches = if(match(ipaddress,
// "^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$"), 1, 0)`.
#[test]
fn match_ip_address_pattern() {
    let ev = ndjson(&[
        json!({"ipaddress": "192.0.2.10"}),
        json!({"ipaddress": "192.0.2"}),
        json!({"ipaddress": "host 192.0.2.10"}),
    ]);
    let r = run_spl(
        "* | eval matches = if(match(ipaddress,\"^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$\"), 1, 0)",
        &ev,
    );
    assert_eq!(col(&r, "matches"), ["1", "0", "0"]);
}

// Same page, searchmatch: `| makeresults 1 | eval _raw = "x=hi y=bye" | eval
// x="hi" | eval y="bye" | eval test=if(searchmatch("x=hi y=*"), "yes", "no") |
// table _raw test x y`, verbatim: `makeresults 1` is a bare count.
#[test]
fn searchmatch_makeresults_example() {
    let r = run_spl(
        "| makeresults 1 | eval _raw = \"x=hi y=bye\" | eval x=\"hi\" | eval y=\"bye\" \
         | eval test=if(searchmatch(\"x=hi y=*\"), \"yes\", \"no\") | table _raw test x y",
        "",
    );
    assert_eq!(
        r,
        [json!({"_raw": "x=hi y=bye", "test": "yes", "x": "hi", "y": "bye"})]
    );
    let r = run_spl(
        "| makeresults count=1 | eval _raw = \"x=hi y=bye\" | eval x=\"hi\" | eval y=\"bye\" \
         | eval test=if(searchmatch(\"x=ho y=*\"), \"yes\", \"no\") | table test",
        "",
    );
    assert_eq!(col(&r, "test"), ["no"]);
}

// ---- Conversion functions -----------------------------------------------------

// "Conversion functions", tonumber: `... | eval n=tonumber("0A4",16)` is 164.
#[test]
fn tonumber_hex_example() {
    assert_eq!(eval_one("n=tonumber(\"0A4\",16)", "n"), "164");
    assert_eq!(eval_one("n=tonumber(\"0A4\")", "n"), "");
}

// Same page, tostring: `... | eval n=tostring(1==1) + " " + tostring(15,
// "hex") + " " + tostring(12345.6789, "commas")` is `True 0xF 12,345.68`, and
// `... | eval foo=615 | eval foo2 = tostring(foo, "duration")` is 00:10:15.
#[test]
fn tostring_examples() {
    assert_eq!(
        eval_one(
            "n=tostring(1==1) + \" \" + tostring(15, \"hex\") + \" \" + tostring(12345.6789, \"commas\")",
            "n"
        ),
        "True 0xF 12,345.68"
    );
    let r = run_spl(
        "| makeresults | eval foo=615 | eval foo2 = tostring(foo, \"duration\") | table foo foo2",
        "",
    );
    assert_eq!(col(&r, "foo2"), ["00:10:15"]);
}

// ---- Informational functions ---------------------------------------------------

// "Informational functions": `... | eval n=if(isnull(field),"yes","no")`, the
// same with isnotnull, `if(isint(field), "int", "not int")`,
// `if(isnum(field),"yes","no")`, `if(isstr(field),"yes","no")`.
#[test]
fn informational_is_functions() {
    let ev = ndjson(&[
        json!({"id": 1, "field": 42}),
        json!({"id": 2, "field": "abc"}),
        json!({"id": 3, "field": 4.5}),
        json!({"id": 4}),
    ]);
    let r = run_spl(
        "* | eval a=if(isnull(field),\"yes\",\"no\"), b=if(isnotnull(field),\"yes\",\"no\"), \
         c=if(isint(field), \"int\", \"not int\"), d=if(isnum(field),\"yes\",\"no\"), \
         e=if(isstr(field),\"yes\",\"no\")",
        &ev,
    );
    assert_eq!(col(&r, "a"), ["no", "no", "no", "yes"]);
    assert_eq!(col(&r, "b"), ["yes", "yes", "yes", "no"]);
    assert_eq!(col(&r, "c"), ["int", "not int", "not int", "not int"]);
    assert_eq!(col(&r, "d"), ["yes", "no", "yes", "no"]);
    assert_eq!(col(&r, "e"), ["no", "yes", "no", "no"]);
}

// Same page, typeof: `... | eval n=typeof(12) + typeof("string") +
// typeof(1==2) + typeof(badfield)`: "This example returns
// \"NumberStringBoolInvalid\"" (10.0 page text).
#[test]
fn typeof_concatenated_example() {
    assert_eq!(
        eval_one(
            "a=typeof(12) + typeof(\"string\") + typeof(1==2) + typeof(badfield)",
            "a"
        ),
        "NumberStringBoolInvalid"
    );
}

// ---- Date and Time functions ---------------------------------------------------

// "Date and Time functions": `... | eval n=now()` and `... | eval n=time()`
// (the run's clock, --now here), `... | eval n=relative_time(now(), "-1d@d")`
// (yesterday's midnight), `... | eval n=strftime(_time,
// "%Y-%m-%dT%H:%M:%S.%Q")`, and `... | eval n=strptime(timeStr, "%H:%M")` for
// a timeStr like 11:59 (today's 11:59).
#[test]
fn date_and_time_examples() {
    let r = eval_row("a=now(), b=time(), c=relative_time(now(), \"-1d@d\")");
    assert_eq!(
        r,
        json!({"a": 1700000000, "b": 1700000000, "c": 1699833600})
    );
    let r = run_spl(
        "* | eval n=strftime(_time, \"%Y-%m-%dT%H:%M:%S.%Q\") | table n",
        &ndjson(&[json!({"_time": 1700000000.25})]),
    );
    assert_eq!(col(&r, "n"), ["2023-11-14T22:13:20.250"]);
    let r = eval_row(
        "timeStr=\"11:59\" | eval n=strptime(timeStr, \"%H:%M\") | eval b=strftime(n, \"%Y-%m-%d %H:%M\")",
    );
    assert_eq!(col(&[r], "b"), ["2023-11-14 11:59"]);
}

// ---- Multivalue eval functions ---------------------------------------------------

// "Multivalue eval functions", mvappend: `... | eval
// fullName=mvappend("localhost", srcip)` (a literal and a field), the nested
// `mvappend(mvappend("localhost", srcip), destip, "192.168.1.1")`, and a
// multivalue argument adding each of its values.
#[test]
fn mvappend_example() {
    let r = run_spl(
        "* | eval fullName=mvappend(\"localhost\", srcip), \
         n=mvappend(mvappend(\"localhost\", srcip), destip, \"192.168.1.1\"), \
         m=mvappend(split(\"a,b\",\",\"), \"middle value\", srcip) | table fullName n m",
        &ndjson(&[json!({"srcip": "10.0.0.5", "destip": "10.0.0.9"})]),
    );
    assert_eq!(
        r,
        [json!({
            "fullName": ["localhost", "10.0.0.5"],
            "n": ["localhost", "10.0.0.5", "10.0.0.9", "192.168.1.1"],
            "m": ["a", "b", "middle value", "10.0.0.5"]
        })]
    );
}

// Same page: `... | eval n=mvcount(multifield)`, `... | eval
// n=mvindex(multifield, 2)` (from 0), `... | eval n=mvjoin(foo, ";")`, `... |
// eval n=split(foo, ";")`, `... | eval s=mvdedup(mvfield)`, `... | eval
// s=mvsort(mvfield)`, `... | eval n=mvfind(mymvfield, "err\d+")`.
#[test]
fn multivalue_field_examples() {
    let r = eval_row(
        "multifield=split(\"a,b,c,d\",\",\"), foo=\"x;y;z\" \
         | eval c=mvcount(multifield), i=mvindex(multifield, 2), i2=mvindex(multifield, -1), \
         j=mvjoin(multifield, \";\"), s=split(foo, \";\"), \
         d=mvdedup(split(\"b,a,b,a\",\",\")), o=mvsort(split(\"b,10,a,2\",\",\")), \
         f=mvfind(split(\"ok,warn,err42\",\",\"), \"err\\d+\") | fields - multifield foo",
    );
    assert_eq!(
        r,
        json!({
            "c": 4, "i": "c", "i2": "d", "j": "a;b;c;d", "s": ["x", "y", "z"],
            "d": ["b", "a"], "o": ["10", "2", "a", "b"], "f": 2
        })
    );
}

// Same page, mvfilter: `... | eval n=mvfilter(match(email, "\.net$") OR
// match(email, "\.org$"))`.
#[test]
fn mvfilter_email_example() {
    let r = eval_row(
        "email=split(\"a@x.net,b@y.com,c@z.org,d@net.com\",\",\") \
         | eval n=mvfilter(match(email, \"\\.net$\") OR match(email, \"\\.org$\")) | fields n",
    );
    assert_eq!(r, json!({"n": ["a@x.net", "c@z.org"]}));
}

// Same page, mvrange: `... | eval mv=mvrange(1,11,2)` is 1 3 5 7 9, and
// `mvrange(1236194323, 1236803123, "7d")` steps a week.
#[test]
fn mvrange_examples() {
    let r = eval_row("mv=mvrange(1,11,2), w=mvrange(1236194323, 1236803123, \"7d\")");
    assert_eq!(
        r,
        json!({"mv": [1, 3, 5, 7, 9], "w": [1236194323, 1236799123]})
    );
}

// Same page, mvzip: `... | eval nserver=mvzip(hosts,ports)` and the nested
// `mvzip(mvzip(field1,field2,"|"),field3,"|")`.
#[test]
fn mvzip_examples() {
    let r = eval_row(
        "hosts=split(\"h1,h2\",\",\"), ports=split(\"80,443\",\",\"), f3=split(\"a,b\",\",\") \
         | eval nserver=mvzip(hosts,ports), n3=mvzip(mvzip(hosts,ports,\"|\"),f3,\"|\") \
         | fields nserver n3",
    );
    assert_eq!(
        r,
        json!({"nserver": ["h1,80", "h2,443"], "n3": ["h1|80|a", "h2|443|b"]})
    );
}

// ---- Statistical eval functions ---------------------------------------------------

// "Statistical eval functions": `... | eval n=max(1, 3, 6, 7, "foo", field)`
// gives "foo" (strings are greater than numbers) and `... | eval n=min(3, 6,
// 7, "maria", field)` the smallest number, 3 unless field is smaller.
#[test]
fn max_min_with_a_string_and_a_field() {
    let ev = ndjson(&[
        json!({"field": 2}),
        json!({"field": 9}),
        json!({"field": "zzz"}),
    ]);
    let r = run_spl(
        "* | eval n=max(1, 3, 6, 7, \"foo\", field), m=min(3, 6, 7, \"maria\", field)",
        &ev,
    );
    assert_eq!(col(&r, "n"), ["foo", "foo", "zzz"]);
    assert_eq!(col(&r, "m"), ["2", "3", "3"]);
}

// ---- Text functions ------------------------------------------------------------------

// "Text functions": `... | eval n=len(field)`, `... | eval
// username=lower(username)`, `... | eval n=upper(username)`, and the trims of
// `"  ZZZZabcZZ "` by `" Z"`: ltrim `abcZZ `, rtrim `  ZZZZabc`, trim `abc`.
#[test]
fn text_case_length_and_trim_examples() {
    let r = run_spl(
        "* | eval n=len(field), u=upper(username) | eval username=lower(username)",
        &ndjson(&[json!({"field": "hello!", "username": "MaRiA"})]),
    );
    assert_eq!(col(&r, "n"), ["6"]);
    assert_eq!(col(&r, "username"), ["maria"]);
    assert_eq!(col(&r, "u"), ["MARIA"]);
    let r = eval_row(
        "a=ltrim(\"  ZZZZabcZZ \", \" Z\"), b=rtrim(\"  ZZZZabcZZ \", \" Z\"), \
         c=trim(\"  ZZZZabcZZ \", \" Z\")",
    );
    assert_eq!(r, json!({"a": "abcZZ ", "b": "  ZZZZabc", "c": "abc"}));
}

// Same page, replace: `... | eval n=replace(date, "^(\d{1,2})/(\d{1,2})/",
// "\2/\1/")` swaps month and day; substr: `substr("splendid", 1, 3)` is spl
// and `substr("splendid", -3)` is did.
#[test]
fn replace_and_substr_examples() {
    let r = run_spl(
        "* | eval n=replace(date, \"^(\\d{1,2})/(\\d{1,2})/\", \"\\2/\\1/\") | table n",
        &ndjson(&[json!({"date": "1/14/2017"}), json!({"date": "12/3/2024"})]),
    );
    // (The dates also give the events their times, so 2024 comes first.)
    let mut n = col(&r, "n");
    n.sort();
    assert_eq!(n, ["14/1/2017", "3/12/2024"]);
    let r = eval_row("a=substr(\"splendid\", 1, 3), b=substr(\"splendid\", -3)");
    assert_eq!(r, json!({"a": "spl", "b": "did"}));
}

// Same page, spath: `... | eval locDesc=spath(_raw,
// "vendorProductSet.product.desc.locDesc")`, and `... | eval
// name=spath(_raw, "location.city")` over JSON.
#[test]
fn spath_eval_examples() {
    let raw = r#"{"vendorProductSet":{"product":{"desc":{"locDesc":"Tents"}}},"location":{"city":"Lima"}}"#;
    let r = run_spl(
        "* | eval locDesc=spath(_raw, \"vendorProductSet.product.desc.locDesc\"), \
         name=spath(_raw, \"location.city\") | table locDesc name",
        &ndjson(&[json!({ "_raw": raw })]),
    );
    assert_eq!(col(&r, "locDesc"), ["Tents"]);
    assert_eq!(col(&r, "name"), ["Lima"]);
}

// ---- Mathematical functions -------------------------------------------------------

// "Mathematical functions": `... | eval absnum=abs(number)`, `... | eval
// n=ceil(1.9)` (2), `... | eval n=floor(1.9)` (1), `... | eval y=exp(3)`,
// `... | eval lnBytes=ln(bytes)`, `... | eval num=log(number,2)`, `... | eval
// area_circle=pi()*pow(radius,2)`, `round(3.5)` 4, `round(2.555, 2)` 2.56,
// `sqrt(9)` 3.
#[test]
fn mathematical_function_examples() {
    let r = run_spl(
        "* | eval absnum=abs(number), lnBytes=ln(bytes), num=log(number2,2), \
         area_circle=pi()*pow(radius,2), c=ceil(1.9), f=floor(1.9), y=exp(3), \
         r1=round(3.5), r2=round(2.555, 2), s=sqrt(9) \
         | table absnum lnBytes num area_circle c f y r1 r2 s",
        &ndjson(&[json!({"number": -5.5, "bytes": 100, "number2": 8, "radius": 2})]),
    );
    assert_eq!(
        r,
        [json!({
            "absnum": 5.5, "lnBytes": 100f64.ln(), "num": 3,
            "area_circle": 12.56637061432, "c": 2, "f": 1,
            "y": 3f64.exp(), "r1": 4, "r2": 2.56, "s": 3
        })]
    );
}

// ---- Cryptographic functions -------------------------------------------------------

// "Cryptographic functions": `... | eval n=md5(field)`, and the same with
// sha1, sha256 and sha512 (hex digests of the field's value).
#[test]
fn cryptographic_function_examples() {
    let r = run_spl(
        "* | eval a=md5(field), b=sha1(field), c=sha256(field), d=sha512(field) | fields - field",
        &ndjson(&[json!({"field": "abc"})]),
    );
    assert_eq!(col(&r, "a"), ["900150983cd24fb0d6963f7d28e17f72"]);
    assert_eq!(col(&r, "b"), ["a9993e364706816aba3e25717850c26c9cd0d89d"]);
    assert_eq!(
        col(&r, "c"),
        ["ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"]
    );
    assert_eq!(
        col(&r, "d"),
        ["ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"]
    );
}

// ---- Trig and Hyperbolic functions ----------------------------------------------------

// "Trig and Hyperbolic functions": `acos(0)` and `acos(0)*180/pi()` (the
// page: 90.0000000003, pi() having 11 digits), `asin(1)*180/pi()` (the
// same), `atan(0.50)`, `atan2(0.50, 0.75)`,
// `cos(pi())` (-1), `sin(90 * pi()/180)` (1), `hypot(3,4)` (5), and the
// hyperbolic acosh(2), asinh(1), atanh(0.500), cosh(1), sinh(1), tanh(1).
#[test]
fn trig_and_hyperbolic_examples() {
    let r = eval_row(
        "a=acos(0), b=acos(0)*180/pi(), c=asin(1)*180/pi(), d=atan(0.50), e=atan2(0.50, 0.75), \
         f=cos(pi()), g=sin(90 * pi()/180), h=hypot(3,4), i=acosh(2), j=asinh(1), k=atanh(0.500), \
         l=cosh(1), m=sinh(1), n=tanh(1), o=tan(1)",
    );
    assert_eq!(
        r,
        json!({
            "a": std::f64::consts::FRAC_PI_2, "b": 90.00000000028055, "c": 90.00000000028055,
            "d": 0.5f64.atan(),
            "e": 0.5f64.atan2(0.75), "f": -1, "g": 1, "h": 5, "i": 2f64.acosh(),
            "j": 1f64.asinh(), "k": 0.5f64.atanh(), "l": 1f64.cosh(), "m": 1f64.sinh(),
            "n": 1f64.tanh(), "o": 1f64.tan()
        })
    );
}

// ---- Stats functions ------------------------------------------------------------------

// "Aggregate functions", avg: `... | stats avg(size) BY host`; count:
// `... | stats count(eval(status="404")) AS count_status BY sourcetype`
// (here by host); max/min/sum/range of a field.
#[test]
fn aggregate_avg_count_eval_max_min_sum() {
    let r = run_spl("* | stats avg(size) BY host", &access());
    assert_eq!(col(&r, "host"), ["www1", "www2"]);
    assert_eq!(col(&r, "avg(size)"), ["20", "6"]);
    let r = run_spl(
        "* | stats count(eval(status=\"404\")) AS count_status count BY host",
        &access(),
    );
    assert_eq!(col(&r, "count_status"), ["1", "0"]);
    assert_eq!(col(&r, "count"), ["2", "2"]);
    let r = run_spl(
        "* | stats max(size) min(size) sum(size) range(size)",
        &access(),
    );
    assert_eq!(
        r,
        [json!({"max(size)": 30, "min(size)": 5, "sum(size)": 52, "range(size)": 25})]
    );
}

// Same page, dc: `... | stats dc(clientip)`-style distinct counts, here by host.
#[test]
fn aggregate_dc_by_host() {
    let ev = ndjson(&[
        json!({"host": "a", "clientip": "1"}),
        json!({"host": "a", "clientip": "2"}),
        json!({"host": "a", "clientip": "1"}),
        json!({"host": "b", "clientip": "1"}),
    ]);
    let r = run_spl("* | stats dc(clientip) BY host", &ev);
    assert_eq!(col(&r, "dc(clientip)"), ["2", "1"]);
}

// "Event order functions": first and last are the first and last values in
// the order results arrive (newest first), earliest and latest go by _time.
#[test]
fn event_order_first_last_earliest_latest() {
    // Given oldest first; spleval, like Splunk, searches newest first.
    let ev = ndjson(&[
        json!({"_time": 100, "status": "a"}),
        json!({"_time": 300, "status": "c"}),
        json!({"_time": 200, "status": "b"}),
    ]);
    let r = run_spl(
        "* | stats first(status) AS f last(status) AS l earliest(status) AS e latest(status) AS t",
        &ev,
    );
    assert_eq!(r, [json!({"f": "c", "l": "a", "e": "a", "t": "c"})]);
}

// "Multivalue stats and chart functions": values (distinct, in lexicographic
// order) and list (every value, in the order seen), e.g. `... | stats
// values(status)` and `... | stats list(status)`.
#[test]
fn multivalue_stats_values_and_list() {
    let r = run_spl("* | stats values(status) AS v list(status) AS l", &access());
    assert_eq!(
        r,
        [json!({"v": ["200", "404", "408", "500"], "l": ["200", "404", "500", "408"]})]
    );
}

// "Aggregate functions", stdev: the sample standard deviation of a field
// (`... | stats stdev(size)`), by group too.
#[test]
fn aggregate_stdev_is_the_sample_deviation() {
    let r = run_spl("* | stats stdev(size) AS s", &access());
    let s: f64 = col(&r, "s")[0].parse().unwrap();
    // 10 30 5 7: mean 13, squared deviations 398, over n-1 = 3.
    assert!((s - (398f64 / 3.0).sqrt()).abs() < 1e-9, "{s}");
    let r = run_spl("* | stats stdev(size) AS s BY host", &access());
    assert_eq!(col(&r, "host"), ["www1", "www2"]);
    let s: Vec<f64> = col(&r, "s").iter().map(|v| v.parse().unwrap()).collect();
    assert!((s[0] - 200f64.sqrt()).abs() < 1e-9, "{s:?}");
    assert!((s[1] - 2f64.sqrt()).abs() < 1e-9, "{s:?}");
}

// "Comparison and Conditional functions": null() gives no value (`... | eval
// n=null()` removes n), true() and false() are the Boolean constants, used as
// predicates.
#[test]
fn null_true_false() {
    let r = run_spl(
        "* | eval n=null(), t=if(true(), \"yes\", \"no\"), f=if(false(), \"yes\", \"no\") | table n t f",
        &ndjson(&[json!({"n": "was here"})]),
    );
    assert!(r[0].get("n").is_none(), "{r:?}");
    assert_eq!(col(&r, "t"), ["yes"]);
    assert_eq!(col(&r, "f"), ["no"]);
}

// "JSON functions", json_extract over a field holding JSON: a dotted path, an
// array element `{N}` (from 0), and every element with `{}`.
#[test]
fn json_extract_paths_over_a_field() {
    let bridges = r#"{"name":"Clara","cities":[{"name":"London","Bridges":[{"name":"Tower Bridge","length":801},{"name":"Millennium Bridge","length":1066}]},{"name":"Venice","Bridges":[{"name":"Rialto Bridge","length":157}]}]}"#;
    let r = run_spl(
        "* | eval a=json_extract(bridges, \"name\"), b=json_extract(bridges, \"cities{0}.name\"), \
         c=json_extract(bridges, \"cities{0}.Bridges{1}.length\"), \
         d=json_extract(bridges, \"cities{}.name\") | table a b c d",
        &ndjson(&[json!({ "bridges": bridges })]),
    );
    assert_eq!(col(&r, "a"), ["Clara"]);
    assert_eq!(col(&r, "b"), ["London"]);
    assert_eq!(col(&r, "c"), ["1066"]);
    assert_eq!(r[0]["d"], json!(r#"["London","Venice"]"#));
}

// "Multivalue stats and chart functions", list: `| makeresults count=1000 |
// streamstats count AS rowNumber | stats list(rowNumber) AS numbers` gives
// the values in event order, at most the first 100; values: the same search
// with `values(rowNumber)` gives every distinct value, in lexicographic order
// (1, 10, 100, 1000, 101, …).
#[test]
fn list_and_values_makeresults_examples() {
    let r = run_spl(
        "| makeresults count=1000 | streamstats count AS rowNumber | stats list(rowNumber) AS numbers \
         | eval n=mvcount(numbers), f=mvjoin(mvindex(numbers,0,4),\" \"), l=mvindex(numbers,-1) | fields n f l",
        "",
    );
    assert_eq!(col(&r, "n"), ["100"]);
    assert_eq!(col(&r, "f"), ["1 2 3 4 5"]);
    assert_eq!(col(&r, "l"), ["100"]);
    let r = run_spl(
        "| makeresults count=1000 | streamstats count AS rowNumber | stats values(rowNumber) AS numbers \
         | eval n=mvcount(numbers), f=mvjoin(mvindex(numbers,0,4),\" \"), l=mvindex(numbers,-1) | fields n f l",
        "",
    );
    assert_eq!(col(&r, "n"), ["1000"]);
    assert_eq!(col(&r, "f"), ["1 10 100 1000 101"]);
    assert_eq!(col(&r, "l"), ["999"]);
}

// "Event order functions": the page's table of six results in the order the
// search returned them (not time order): first is the first of them, last the
// last, while latest and earliest go by _time (here the last is also the
// earliest). `sort seq` replays the page's order.
#[test]
fn event_order_page_table() {
    let ev = ndjson(&[
        json!({"seq": 1, "_time": 1588032905, "t": "2020-04-28 00:15:05"}),
        json!({"seq": 2, "_time": 1588292104, "t": "2020-05-01 00:15:04"}),
        json!({"seq": 3, "_time": 1588205702, "t": "2020-04-30 00:15:02"}),
        json!({"seq": 4, "_time": 1588032901, "t": "2020-04-28 00:15:01"}),
        json!({"seq": 5, "_time": 1588292105, "t": "2020-05-01 00:15:05"}),
        json!({"seq": 6, "_time": 1587946501, "t": "2020-04-27 00:15:01"}),
    ]);
    let r = run_spl(
        "* | sort seq | stats first(t) AS first last(t) AS last earliest(t) AS earliest latest(t) AS latest",
        &ev,
    );
    assert_eq!(
        r,
        [json!({
            "first": "2020-04-28 00:15:05", "last": "2020-04-27 00:15:01",
            "earliest": "2020-04-27 00:15:01", "latest": "2020-05-01 00:15:05"
        })]
    );
}

// "Time functions", earliest and latest: `sourcetype=secure invalid user
// "sshd[5258]" | stats earliest(_raw)` gives the chronologically earliest
// event's text (latest the newest); earliest_time/latest_time give their
// times.
#[test]
fn time_functions_secure_log_example() {
    let ev = ndjson(&[
        json!({"_time": 1682900105, "sourcetype": "secure", "_raw": "Mon May 01 2023 00:15:05 mailsv1 sshd[5258]: Failed password for invalid user tomcat from 67.170.226.218 port 1490 ssh2"}),
        json!({"_time": 1682813777, "sourcetype": "secure", "_raw": "Sun Apr 30 2023 00:16:17 www2 sshd[5258]: Failed password for invalid user brian from 130.253.37.97 port 4284 ssh2"}),
        json!({"_time": 1682727541, "sourcetype": "secure", "_raw": "Sat Apr 29 2023 00:19:01 www1 sshd[5258]: Failed password for invalid user rightscale from 87.194.216.51 port 3361 ssh2"}),
        json!({"_time": 1682727000, "sourcetype": "secure", "_raw": "Sat Apr 29 2023 00:10:00 www1 sshd[5259]: Failed password for invalid user x from 87.194.216.51 port 3361 ssh2"}),
    ]);
    let r = run_spl(
        "sourcetype=secure invalid user \"sshd[5258]\" | stats earliest(_raw) AS e latest(_raw) AS l \
         earliest_time(_raw) AS et latest_time(_raw) AS lt",
        &ev,
    );
    assert!(
        col(&r, "e")[0].starts_with("Sat Apr 29 2023 00:19:01 www1"),
        "{r:?}"
    );
    assert!(
        col(&r, "l")[0].starts_with("Mon May 01 2023 00:15:05 mailsv1"),
        "{r:?}"
    );
    assert_eq!(col(&r, "et"), ["1682727541"]);
    assert_eq!(col(&r, "lt"), ["1682900105"]);
}

// "Aggregate functions", avg, example 2: `... | bin _time span=5m | stats
// avg(thruput) BY _time host` (the average per host in each 5-minute span).
#[test]
fn avg_per_five_minute_span_and_host() {
    let ev = ndjson(&[
        json!({"_time": 610, "host": "a", "thruput": 30}),
        json!({"_time": 420, "host": "a", "thruput": 10}),
        json!({"_time": 310, "host": "a", "thruput": 20}),
        json!({"_time": 305, "host": "b", "thruput": 7}),
        json!({"_time": 10, "host": "a", "thruput": 4}),
    ]);
    let r = run_spl(
        "* | bin _time span=5m | stats avg(thruput) BY _time host",
        &ev,
    );
    assert_eq!(col(&r, "_time"), ["0", "300", "300", "600"]);
    assert_eq!(col(&r, "host"), ["a", "a", "b", "a"]);
    assert_eq!(col(&r, "avg(thruput)"), ["4", "15", "7", "30"]);
}

// "Aggregate functions", count, example 2: `sourcetype=access_* | stats
// count(eval(method="GET")) AS GET, count(eval(method="POST")) AS POST BY
// host`; dc: `... | stats dc(device)`.
#[test]
fn count_eval_get_post_by_host_and_dc_device() {
    let ev = ndjson(&[
        json!({"sourcetype": "access_combined", "host": "www1", "method": "GET", "device": "d1"}),
        json!({"sourcetype": "access_combined", "host": "www1", "method": "POST", "device": "d2"}),
        json!({"sourcetype": "access_combined", "host": "www1", "method": "GET", "device": "d1"}),
        json!({"sourcetype": "access_combined", "host": "www2", "method": "GET", "device": "d3"}),
        json!({"sourcetype": "other", "host": "www2", "method": "POST", "device": "d3"}),
    ]);
    let r = run_spl(
        "sourcetype=access_* | stats count(eval(method=\"GET\")) AS GET, \
         count(eval(method=\"POST\")) AS POST BY host",
        &ev,
    );
    assert_eq!(col(&r, "host"), ["www1", "www2"]);
    assert_eq!(col(&r, "GET"), ["2", "1"]);
    assert_eq!(col(&r, "POST"), ["1", "0"]);
    let r = run_spl("* | stats dc(device)", &ev);
    assert_eq!(col(&r, "dc(device)"), ["3"]);
}

// "Informational functions", isarray: `| makeresults | eval result =
// if(isarray("[1, 2, 3]"), "True", "False")` is True, and with `isarray(1)`
// False. The is-functions also filter directly in where (`... | where
// isint(field)`, `... | where isnull(field)`, and so on).
#[test]
fn isarray_examples_and_is_functions_in_where() {
    let r = eval_row(
        "a = if(isarray(\"[1, 2, 3]\"), \"True\", \"False\"), b = if(isarray(1), \"True\", \"False\")",
    );
    assert_eq!(r, json!({"a": "True", "b": "False"}));
    let ev = ndjson(&[
        json!({"id": 1, "field": 42}),
        json!({"id": 2, "field": "abc"}),
        json!({"id": 3}),
    ]);
    let ids = |cond: &str| col(&run_spl(&format!("* | where {cond} | table id"), &ev), "id");
    assert_eq!(ids("isint(field)"), ["1"]);
    assert_eq!(ids("isnum(field)"), ["1"]);
    assert_eq!(ids("isstr(field)"), ["2"]);
    assert_eq!(ids("isnull(field)"), ["3"]);
    assert_eq!(ids("isnotnull(field)"), ["1", "2"]);
}
