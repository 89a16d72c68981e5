//! Conformance audit, third pass over the eval function pages of the Search
//! Reference (SPL1, 10.0 edition as stored): the worked examples of the
//! Multivalue, Text, Comparison and Conditional, Conversion and Date and
//! Time pages that the first pass (reference_audit_fns) had written from
//! memory. The ledger is grammar/examples/functions.md (rows marked
//! "(verified)").

use crate::common::{col, eval_row, ndjson, run_spl};
use serde_json::json;

// "Multivalue eval functions", mvindex: over `names` (alex … wei)
// `mvindex(names,2)` is claudia and `mvindex(names,0,3)` the first four; over
// `ponies` (buttercup … rarity) `mvindex(ponies,-1)` rarity,
// `mvindex(ponies,-3)` minty, `mvindex(ponies, -3, -1)` minty,pinky,rarity.
#[test]
fn mvindex_names_and_ponies() {
    let r = eval_row(
        "names=split(\"alex,celestino,claudia,david,ikraam,nyah,rutherford,wei\",\",\"), \
         ponies=split(\"buttercup,dash,flutter,honey,ivory,minty,pinky,rarity\",\",\") \
         | eval a=mvindex(names,2), b=mvindex(names,0,3), c=mvindex(ponies,-1), \
         d=mvindex(ponies,-3), e=mvindex(ponies, -3, -1), z=mvindex(ponies, 8) \
         | fields - names ponies",
    );
    assert_eq!(
        r,
        json!({"a": "claudia", "b": ["alex", "celestino", "claudia", "david"],
               "c": "rarity", "d": "minty", "e": ["minty", "pinky", "rarity"]})
    );
}

// Same page, mvcount extended example: `To_count=mvcount(split(To,"@"))-1`,
// `From_count=mvcount(From)`, and with no Cc field `Cc_count` is NULL.
#[test]
fn mvcount_sendmail_counts() {
    let r = run_spl(
        "* | eval To_count=mvcount(split(To,\"@\"))-1 | eval From_count=mvcount(From) \
         | eval Cc_count= mvcount(split(Cc,\"@\"))-1 | table To_count From_count Cc_count",
        &ndjson(&[json!({"To": "a@x.com", "From": "b@y.com"})]),
    );
    assert_eq!(r, [json!({"To_count": 1, "From_count": 1})]);
}

// Same page, mvjoin: `base=mvrange(1,6), joined=mvjoin('base'," OR ")` is
// "1 OR 2 OR 3 OR 4 OR 5"; `mvjoin(myfield, ";")`.
#[test]
fn mvjoin_base_with_or() {
    let r = eval_row(
        "base=mvrange(1,6), joined=mvjoin('base',\" OR \"), myfield=split(\"a,b\",\",\") \
         | eval n=mvjoin(myfield, \";\") | fields joined n",
    );
    assert_eq!(r, json!({"joined": "1 OR 2 OR 3 OR 4 OR 5", "n": "a;b"}));
}

// Same page, split: the ponies on ";", "" one value per character, "def"
// and "::" as multi-character delimiters.
#[test]
fn split_page_examples() {
    let r = eval_row(
        "test=\"buttercup;rarity;tenderhoof;dash;mcintosh;fleetfoot;mistmane\" \
         | eval ponies=split(test,\";\"), a=split(\"abcd\",\"\"), \
         b=split(\"1a2b3c4def567890\",\"def\"), c=split(\"name::value\",\"::\") | fields - test",
    );
    assert_eq!(
        r,
        json!({
            "ponies": ["buttercup", "rarity", "tenderhoof", "dash", "mcintosh", "fleetfoot", "mistmane"],
            "a": ["a", "b", "c", "d"], "b": ["1a2b3c4", "567890"], "c": ["name", "value"]
        })
    );
}

// Same page, mvappend without nesting: `mvappend("localhost", srcip, destip,
// "192.168.1.1")` with 203.0.113.0 and 203.0.113.255.
#[test]
fn mvappend_flat_four_values() {
    let r = eval_row("srcip=\"203.0.113.0\", destip=\"203.0.113.255\" \
         | eval ipaddresses=mvappend(\"localhost\", srcip, destip, \"192.168.1.1\") | fields ipaddresses");
    assert_eq!(
        r,
        json!({"ipaddresses": ["localhost", "203.0.113.0", "203.0.113.255", "192.168.1.1"]})
    );
}

// Same page, mvmap: `results*10`, `results*threshold`, and
// `mvmap(mvindex(results, 1,2), results*threshold)` mapping only the 2nd and
// 3rd values.
#[test]
fn mvmap_threshold_and_mvindex() {
    let r = eval_row(
        "results=split(\"1,2,3\",\",\"), threshold=3 \
         | eval a=mvmap(results, results*10), b=mvmap(results, results*threshold), \
         c=mvmap(mvindex(results, 1,2), results*threshold) | fields a b c",
    );
    assert_eq!(r, json!({"a": [10, 20, 30], "b": [3, 6, 9], "c": [6, 9]}));
}

// Same page, mvrange: `mvrange(1514834731,1524134919,"7d")` steps a week
// (16 values; in UTC every step is 604800 s, the page's zone moves an hour
// at daylight saving).
#[test]
fn mvrange_seven_day_steps() {
    let r = eval_row("mv=mvrange(1514834731,1524134919,\"7d\")");
    let want: Vec<i64> = (0..16).map(|k| 1514834731 + k * 604800).collect();
    assert_eq!(r, json!({ "mv": want }));
}

// "Comparison and Conditional functions", cidrmatch extended examples (IPv4
// and IPv6, eval with a subnet field, where with a literal subnet, and
// `search ip="192.0.2.0/24"`).
#[test]
fn cidrmatch_extended_examples() {
    let r = eval_row(
        "subnet=\"192.0.2.0/24\", ip=\"192.0.3.0\" \
         | eval result=if(cidrmatch(subnet, ip), \"true\", \"false\") | fields result",
    );
    assert_eq!(r, json!({"result": "false"}));
    let r = eval_row(
        "subnet=\"2001:0db8:ffff:ffff:ffff:ffff:ffff:ff00/120\", \
         ip=\"2001:0db8:ffff:ffff:ffff:ffff:ffff:ff99\" \
         | eval result = if(cidrmatch(subnet, ip), \"true\", \"false\") | fields result",
    );
    assert_eq!(r, json!({"result": "true"}));
    for spl in [
        "| makeresults | eval ip=\"192.0.2.56\" | where cidrmatch(\"192.0.2.0/24\", ip) | fields ip",
        "| makeresults | eval ip=\"192.0.2.56\" | search ip=\"192.0.2.0/24\" | fields ip",
    ] {
        assert_eq!(col(&run_spl(spl, ""), "ip"), ["192.0.2.56"], "{spl}");
    }
    let r = run_spl(
        "| makeresults | eval ip=\"2001:0db8:ffff:ffff:ffff:ffff:ffff:ff99\" \
         | where cidrmatch(\"2001:0db8:ffff:ffff:ffff:ffff:ffff:ff00/120\", ip) | fields ip",
        "",
    );
    assert_eq!(col(&r, "ip"), ["2001:0db8:ffff:ffff:ffff:ffff:ffff:ff99"]);
}

// Same page, match: `n=if(match(field, "^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$"),
// 1, 0)`, `matches = if(match(test,"yes"), 1, 0)`, and the escaped quotes
// `test="\"yes\"" | eval matches = if(match(test, "\"yes\""), 1, 0)`.
#[test]
fn match_page_examples() {
    let r = run_spl(
        "* | eval n=if(match(field, \"^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$\"), 1, 0), \
         matches = if(match(test,\"yes\"), 1, 0) | table n matches",
        &ndjson(&[
            json!({"field": "10.1.2.3", "test": "oh yes"}),
            json!({"field": "10.1.2.3x", "test": "no"}),
        ]),
    );
    assert_eq!(col(&r, "n"), ["1", "0"]);
    assert_eq!(col(&r, "matches"), ["1", "0"]);
    let r =
        eval_row("test=\"\\\"yes\\\"\" | eval matches = if(match(test, \"\\\"yes\\\"\"), 1, 0)");
    assert_eq!(r, json!({"test": "\"yes\"", "matches": 1}));
}

// "Text functions": `length=len(names)` (buttercup 9, rarity 6, tenderhoof
// 10, dash 4, mistmane 8); `substr("string", 1, 3) + substr("string", -3)` is
// "string"; `x=ltrim(" ZZZZabcZZ ", " Z")` is "abcZZ ", rtrim keeps the
// leading space, trim is "abc"; `cost=ltrim(NET_COST, "$")`; replace on
// 1/14/2023 gives 14/1/2023.
#[test]
fn text_page_examples() {
    let r = run_spl(
        "* | eval length=len(names) | table length",
        &ndjson(
            &["buttercup", "rarity", "tenderhoof", "dash", "mistmane"]
                .map(|n| json!({ "names": n })),
        ),
    );
    assert_eq!(col(&r, "length"), ["9", "6", "10", "4", "8"]);
    let r = eval_row(
        "n=substr(\"string\", 1, 3) + substr(\"string\", -3), \
         x=ltrim(\" ZZZZabcZZ \", \" Z\"), r=rtrim(\" ZZZZabcZZ \", \" Z\"), \
         t=trim(\" ZZZZabcZZ \", \" Z\"), NET_COST=\"$120\" | eval cost=ltrim(NET_COST, \"$\") \
         | fields - NET_COST",
    );
    assert_eq!(
        r,
        json!({"n": "string", "x": "abcZZ ", "r": " ZZZZabc", "t": "abc", "cost": "120"})
    );
    let r = run_spl(
        "* | eval n=replace(date, \"^(\\d{1,2})/(\\d{1,2})/\", \"\\2/\\1/\") | table n",
        &ndjson(&[json!({"date": "1/14/2023"})]),
    );
    assert_eq!(col(&r, "n"), ["14/1/2023"]);
}

// "Conversion functions": `tonumber(store_sales)`, `tonumber("0101", 2)` is
// 5, `tonumber(trim(celsius))` (a padded value alone is NULL),
// `tostring(9, "binary")` is 1001.
#[test]
fn conversion_page_examples() {
    let r = run_spl(
        "* | eval n=tonumber(store_sales), temperature=tonumber(trim(celsius)), \
         padded=tonumber(celsius), b=tonumber(\"0101\", 2), s=tostring(9, \"binary\") \
         | table n temperature padded b s",
        &ndjson(&[json!({"store_sales": "1234", "celsius": " 21.5 "})]),
    );
    assert_eq!(
        r,
        [json!({"n": 1234, "temperature": 21.5, "b": 5, "s": "1001"})]
    );
}

// "Date and Time functions", strftime: `hour_min=strftime(_time, "%H:%M")`,
// `mytime=strftime(_time,"%Y-%m-%dT%H:%M:%S.%Q")` for 2022-08-14 14:00:15,
// `starttime=strftime(now(),…)`, and nanoseconds
// `strftime(StartTimestamp/pow(10,9),…)` (2018-03-19 13:55:03.049 in UTC;
// the page's zone shows 06:55:03.049).
#[test]
fn strftime_page_examples() {
    let r = run_spl(
        "* | eval hour_min=strftime(_time, \"%H:%M\"), \
         mytime=strftime(_time,\"%Y-%m-%dT%H:%M:%S.%Q\"), \
         starttime=strftime(now(),\"%Y-%m-%dT%H:%M:%S.%Q\") | table hour_min mytime starttime",
        &ndjson(&[json!({"_time": 1660485615})]),
    );
    assert_eq!(
        r,
        [
            json!({"hour_min": "14:00", "mytime": "2022-08-14T14:00:15.000",
                "starttime": "2023-11-14T22:13:20.000"})
        ]
    );
    let r = eval_row("StartTimestamp=\"1521467703049000000\" \
         | eval starttime=strftime(StartTimestamp/pow(10,9),\"%Y-%m-%dT%H:%M:%S.%Q\") | fields starttime");
    assert_eq!(r, json!({"starttime": "2018-03-19T13:55:03.049"}));
}

// Same page, relative_time: `where _time>relative_time(now(), "-2h@h") AND
// _time<relative_time(now(), "-1h@h")` (now is 22:13:20, so 20:00–21:00).
// time(): `strptime(starttime,"%s")` is the epoch back.
#[test]
fn relative_time_window_and_strptime_epoch() {
    let r = run_spl(
        "* | where _time>relative_time(now(), \"-2h@h\") AND _time<relative_time(now(), \"-1h@h\") \
         | table id",
        &ndjson(&[
            json!({"_time": 1699992000, "id": 1}),
            json!({"_time": 1699993000, "id": 2}),
            json!({"_time": 1699996500, "id": 3}),
            json!({"_time": 1699991000, "id": 4}),
        ]),
    );
    assert_eq!(col(&r, "id"), ["2"]);
    let r = eval_row(
        "starttime=\"1534143600\" | eval epoch_time=strptime(starttime,\"%s\") | fields epoch_time",
    );
    assert_eq!(r, json!({"epoch_time": 1534143600}));
}

// "Comparison and Conditional functions", in: `where status in("400", "401",
// "403", "404")` (the operator-like form), `where "203.0.113.255"
// in(ipaddress, clientip)`, and the extended `eval error=if(in(status,
// "404","500","503"),"true","false") | stats count by error`.
#[test]
fn in_page_examples() {
    let r = run_spl(
        "* | where status in(\"400\", \"401\", \"403\", \"404\") | table status",
        &ndjson(&[json!({"status": "404"}), json!({"status": "200"})]),
    );
    assert_eq!(col(&r, "status"), ["404"]);
    let r = run_spl(
        "* | where \"203.0.113.255\" in(ipaddress, clientip) | table id",
        &ndjson(&[
            json!({"id": 1, "clientip": "203.0.113.255"}),
            json!({"id": 2, "ipaddress": "1.2.3.4"}),
            json!({"id": 3, "ipaddress": "203.0.113.255"}),
        ]),
    );
    assert_eq!(col(&r, "id"), ["1", "3"]);
    let r = run_spl(
        "* | eval error=if(in(status, \"404\",\"500\",\"503\"),\"true\",\"false\") | stats count by error",
        &ndjson(&[
            json!({"status": "404"}),
            json!({"status": "200"}),
            json!({"status": "503"}),
        ]),
    );
    assert_eq!(
        r,
        [
            json!({"error": "false", "count": 1}),
            json!({"error": "true", "count": 2})
        ]
    );
}

// Same page, nullif: the ponies (`names` buttercup rarity tenderhoof dash,
// `ponies` with buttercup changed to mistmane) and `compare = nullif(names,
// ponies)`: only buttercup keeps a value. validate: a port out of range.
#[test]
fn nullif_ponies_and_validate_port() {
    let r = run_spl(
        "| makeresults | eval names=\"buttercup rarity tenderhoof dash\" | makemv delim=\" \" names \
         | mvexpand names | eval ponies = if(names=\"buttercup\", \"mistmane\", names) \
         | eval compare = nullif(names, ponies) | table names ponies compare",
        "",
    );
    assert_eq!(
        col(&r, "ponies"),
        ["mistmane", "rarity", "tenderhoof", "dash"]
    );
    assert_eq!(col(&r, "compare"), ["buttercup", "", "", ""]);
    let r = run_spl(
        "* | eval n=validate(isint(port), \"ERROR: Port is not an integer\", port >= 1 AND port <= 65535, \"ERROR: Port is out of range\") | table n",
        &ndjson(&[json!({"port": 70000}), json!({"port": "x"}), json!({"port": 443})]),
    );
    assert_eq!(
        col(&r, "n"),
        [
            "ERROR: Port is out of range",
            "ERROR: Port is not an integer",
            ""
        ]
    );
}

// "Text functions", spath: `eval output=spath(_raw, "entities.hashtags")`
// (an array comes back as its JSON text).
#[test]
fn spath_hashtags() {
    let r = run_spl(
        "* | eval output=spath(_raw, \"entities.hashtags\") | table output",
        &ndjson(&[json!({"entities": {"hashtags": ["a", "b"]}})]),
    );
    assert_eq!(col(&r, "output"), ["[\"a\",\"b\"]"]);
}

// "Mathematical functions": `exact(3.14 * num)`; sigfig example 1
// `sigfig(1.00*1111)` is 1110; example 2: the average of 100 and of 10000
// results of 3.99 is 3.9900000000000055 and 3.990000000000215, and
// `sigfig(test*1.00)` gives 3.99.
#[test]
fn exact_and_sigfig_page_examples() {
    let r = eval_row("num=3 | eval n=exact(3.14 * num), s=sigfig(1.00*1111) | fields n s");
    assert_eq!(r, json!({"n": 9.42, "s": 1110}));
    let r = run_spl(
        "| makeresults count=100 | eval test=3.99 | stats avg(test)",
        "",
    );
    assert_eq!(r, [json!({"avg(test)": 3.9900000000000055})]);
    let r = run_spl(
        "| makeresults count=10000 | eval test=3.99 | stats avg(test) AS test \
         | eval new_test=sigfig(test*1.00)",
        "",
    );
    assert_eq!(r, [json!({"test": 3.990000000000215, "new_test": 3.99})]);
}

// "Conversion functions", tostring: `fieldformat
// totalSales="$".tostring(totalSales,"commas")` (the display only).
#[test]
fn tostring_commas_in_fieldformat() {
    let out = crate::common::run_spl_as(
        "table",
        "* | fieldformat totalSales=\"$\".tostring(totalSales,\"commas\") | table totalSales",
        &ndjson(&[json!({"totalSales": 1234567.891})]),
    );
    assert!(out.contains("$1,234,567.89"), "{out}");
    let r = run_spl(
        "* | fieldformat totalSales=\"$\".tostring(totalSales,\"commas\") | table totalSales",
        &ndjson(&[json!({"totalSales": 1234567.891})]),
    );
    assert_eq!(col(&r, "totalSales"), ["1234567.891"]);
}
