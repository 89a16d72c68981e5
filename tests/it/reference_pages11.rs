//! Re-read of the Search Reference (10.0) command pages against their full
//! text: the worked examples and documented arguments the ledger
//! (grammar/examples/commands-b.md, commands-seed.md) lacked or paraphrased.
//! Each test cites the page and the example; the events are small ones built
//! here (the pages use Splunk's tutorial data).

use crate::common::{col, in_order, ndjson, rules_with_lookups, run_spl, run_spl_with};
use serde_json::{json, Value};

/// Runs `spl` over NDJSON `events` with the rules folder `dir` (lookups
/// may be written); the result rows.
fn run_with_rules(dir: &std::path::Path, spl: &str, events: &str) -> Vec<Value> {
    let dir = dir.to_str().expect("a UTF-8 temp path");
    run_spl_with(&["--write-lookups", "--rules", dir], spl, events)
}

// ---- search ---------------------------------------------------------------------

// Search Reference 10.0, search, Example 2 "Using boolean and comparison
// operators": `(code=10 OR code=29) host!="localhost" xqp>5` and the revised
// `code IN(10, 29) host!="localhost" xqp>5` (10.0 lists two codes, 9.x three).
#[test]
fn search_example_2_two_codes_and_in() {
    let evs = in_order(&[
        json!({"id": 1, "code": 10, "host": "web", "xqp": 7}),
        json!({"id": 2, "code": 29, "host": "localhost", "xqp": 9}),
        json!({"id": 3, "code": 29, "host": "web", "xqp": 5}),
        json!({"id": 4, "code": 43, "host": "web", "xqp": 8}),
        json!({"id": 5, "code": 29, "host": "db", "xqp": 6}),
    ]);
    for spl in [
        r#"(code=10 OR code=29) host!="localhost" xqp>5 | table id"#,
        r#"code IN(10, 29) host!="localhost" xqp>5 | table id"#,
    ] {
        assert_eq!(col(&run_spl(spl, &evs), "id"), ["1", "5"], "{spl}");
    }
}

// Search Reference 10.0, search, Example 5 "Specifying a secondary search":
// `eventtype=web-traffic | transaction clientip startswith="login"
// endswith="logout" | search eventcount>3` keeps the sessions of more than
// three events (run without the event type).
#[test]
fn search_example_5_secondary_search_after_transaction() {
    let evs = ndjson(&[
        json!({"_time": 1, "clientip": "a", "_raw": "login a"}),
        json!({"_time": 2, "clientip": "a", "_raw": "view a"}),
        json!({"_time": 3, "clientip": "a", "_raw": "view b"}),
        json!({"_time": 4, "clientip": "a", "_raw": "logout a"}),
        json!({"_time": 5, "clientip": "b", "_raw": "login b"}),
        json!({"_time": 6, "clientip": "b", "_raw": "logout b"}),
    ]);
    let r = run_spl(
        r#"* | transaction clientip startswith="login" endswith="logout" | search eventcount>3"#,
        &evs,
    );
    assert_eq!(col(&r, "clientip"), ["a"]);
    assert_eq!(col(&r, "eventcount"), ["4"]);
}

// Search Reference 10.0, search, Example 7 "Using search to perform CIDR
// matching": `| makeresults | eval ip="192.0.2.56" | search
// ip="192.0.2.0/24"` shows the row (ip 192.0.2.56), as does `where
// cidrmatch("192.0.2.0/24", ip)`; the IPv6 form with
// `ip="2001:0db8:ffff:ffff:ffff:ffff:ffff:ff00/120"` shows
// 2001:0db8:ffff:ffff:ffff:ffff:ffff:ff99. An address outside gives nothing.
#[test]
fn search_example_7_cidr_matching_ipv4_and_ipv6() {
    for spl in [
        r#"| makeresults | eval ip="192.0.2.56" | search ip="192.0.2.0/24""#,
        r#"| makeresults | eval ip="192.0.2.56" | where cidrmatch("192.0.2.0/24", ip)"#,
    ] {
        assert_eq!(col(&run_spl(spl, ""), "ip"), ["192.0.2.56"], "{spl}");
    }
    let v6 = r#"| makeresults | eval ip="2001:0db8:ffff:ffff:ffff:ffff:ffff:ff99" | search ip="2001:0db8:ffff:ffff:ffff:ffff:ffff:ff00/120""#;
    assert_eq!(
        col(&run_spl(v6, ""), "ip"),
        ["2001:0db8:ffff:ffff:ffff:ffff:ffff:ff99"]
    );
    let out = r#"| makeresults | eval ip="192.0.3.56" | search ip="192.0.2.0/24""#;
    assert!(run_spl(out, "").is_empty());
}

// Search Reference 10.0, search, Usage "CIDR matching": with ip values
// 10.10.10.12, 50.10.10.17 and 10.10.10.23, `ip="10.10.10.0/24"` returns the
// first and last.
#[test]
fn search_usage_cidr_matching_three_values() {
    let evs = in_order(&[
        json!({"ip": "10.10.10.12"}),
        json!({"ip": "50.10.10.17"}),
        json!({"ip": "10.10.10.23"}),
    ]);
    let r = run_spl(r#"ip="10.10.10.0/24""#, &evs);
    assert_eq!(col(&r, "ip"), ["10.10.10.12", "10.10.10.23"]);
}

// Search Reference 10.0, search, Usage "Filter using the IN operator":
// `error_code IN (40*, 500)` (a wildcard in the list) and `NOT clientip IN
// (211.166.11.101, 182.236.164.11, 128.241.220.82)`; and, under
// <comparison-operator>, `=` compares strings: "1" does not match "1.0";
// and a keyword value is quoted: `country="IN"`.
#[test]
fn search_usage_in_lists_string_equality_and_quoted_keywords() {
    let evs = in_order(&[
        json!({"id": 1, "clientip": "211.166.11.101", "error_code": "404"}),
        json!({"id": 2, "clientip": "10.0.0.1", "error_code": "500"}),
        json!({"id": 3, "clientip": "10.0.0.2", "error_code": "501"}),
        json!({"id": 4, "clientip": "10.0.0.3", "error_code": "402"}),
        json!({"id": 5, "a": "1"}),
        json!({"id": 6, "a": "1.0"}),
        json!({"id": 7, "country": "IN"}),
        json!({"id": 8, "country": "US"}),
    ]);
    let ids = |spl: &str| col(&run_spl(&format!("{spl} | table id"), &evs), "id");
    assert_eq!(ids("error_code IN (40*, 500)"), ["1", "2", "4"]);
    assert_eq!(
        ids("error_code IN (40*, 500) NOT clientip IN (211.166.11.101, 182.236.164.11, 128.241.220.82)"),
        ["2", "4"]
    );
    assert_eq!(ids("a=1"), ["5"]);
    assert_eq!(ids(r#"country="IN""#), ["7"]);
}

// Search Reference 10.0, search, Usage "Comparing two fields": `search
// fieldA=fieldB` takes fieldB as a value; `where fieldA=fieldB`, `where
// fieldA!=fieldB` and `where NOT fieldA=fieldB` compare the fields.
#[test]
fn search_usage_comparing_two_fields_needs_where() {
    let evs = in_order(&[
        json!({"id": 1, "fieldA": "x", "fieldB": "x"}),
        json!({"id": 2, "fieldA": "fieldB", "fieldB": "y"}),
        json!({"id": 3, "fieldA": "p", "fieldB": "q"}),
    ]);
    let ids = |spl: &str| col(&run_spl(&format!("{spl} | table id"), &evs), "id");
    assert_eq!(ids("fieldA=fieldB"), ["2"]);
    assert_eq!(ids("* | where fieldA=fieldB"), ["1"]);
    assert_eq!(ids("* | where fieldA!=fieldB"), ["2", "3"]);
    assert_eq!(ids("* | where NOT fieldA=fieldB"), ["2", "3"]);
}

// Search Reference 10.0, search, Usage "Quotes and escaping characters":
// `... | search "error | stats count"` finds raw events holding that text;
// `error "AND"` searches for the word AND; `error "startswith=foo"` for the
// phrase, not a field.
#[test]
fn search_usage_quoted_pipes_keywords_and_pairs() {
    let evs = in_order(&[
        json!({"id": 1, "_raw": "error | stats count seen"}),
        json!({"id": 2, "_raw": "error AND more"}),
        json!({"id": 3, "_raw": "error startswith=foo"}),
        json!({"id": 4, "_raw": "error alone"}),
    ]);
    let ids = |spl: &str| col(&run_spl(&format!("{spl} | table id"), &evs), "id");
    assert_eq!(ids(r#"* | search "error | stats count""#), ["1"]);
    assert_eq!(ids(r#"error "AND""#), ["2"]);
    assert_eq!(ids(r#"error "startswith=foo""#), ["3"]);
}

// Search Reference 10.0, search, Usage "Boolean expressions": search
// evaluates OR before AND (`id=1 OR id=2 host=www22` is `(id=1 OR id=2)
// host=www22`); where, Usage "Boolean expressions", evaluates AND before OR
// (`id=1 OR id=2 AND host="www22"` is `id=1 OR (id=2 AND host="www22")`),
// and knows XOR.
#[test]
fn search_or_before_and_where_and_before_or_and_xor() {
    let evs = in_order(&[
        json!({"id": 1, "host": "www2"}),
        json!({"id": 2, "host": "www22"}),
        json!({"id": 3, "host": "www22"}),
    ]);
    let ids = |spl: &str| col(&run_spl(&format!("{spl} | table id"), &evs), "id");
    assert_eq!(ids("id=1 OR id=2 host=www22"), ["2"]);
    assert_eq!(
        ids(r#"* | where id=1 OR id=2 AND host="www22""#),
        ["1", "2"]
    );
    assert_eq!(ids(r#"* | where id=1 XOR host="www22""#), ["1", "2", "3"]);
    assert_eq!(ids(r#"* | where id=2 XOR host="www22""#), ["3"]);
}

// ---- where ----------------------------------------------------------------------

// Search Reference 10.0, where, Example 1 "Specify a wildcard with the where
// command": `... | where like(ipaddress, "198.%")`; and the Usage table:
// `where ipaddress=clientip` compares two fields, `where host="www2"` a
// field with a string, `search host=www2` the same value.
#[test]
fn where_example_1_like_and_usage_table() {
    let evs = in_order(&[
        json!({"id": 1, "ipaddress": "198.51.100.1", "clientip": "198.51.100.1", "host": "www2"}),
        json!({"id": 2, "ipaddress": "10.1.1.1", "clientip": "198.51.100.1", "host": "www22"}),
        json!({"id": 3, "ipaddress": "1.198.0.1", "clientip": "1.198.0.1", "host": "www1"}),
    ]);
    let ids = |spl: &str| col(&run_spl(&format!("{spl} | table id"), &evs), "id");
    assert_eq!(ids(r#"* | where like(ipaddress, "198.%")"#), ["1"]);
    assert_eq!(ids("* | where ipaddress=clientip"), ["1", "3"]);
    assert_eq!(ids(r#"* | where host="www2""#), ["1"]);
    assert_eq!(ids("* | search host=www2"), ["1"]);
}

// Search Reference 10.0, where, <eval-expression> table: a field name that
// starts with a digit is single-quoted (`'5minutes'="late"`), as is one with
// a dash (`new=count+'server-1'`), and a literal string is double-quoted
// (`new="server-"+count`).
#[test]
fn where_quoting_rules_of_the_expression_table() {
    let evs = in_order(&[
        json!({"id": 1, "5minutes": "late", "server-1": 3, "count": 2}),
        json!({"id": 2, "5minutes": "early", "server-1": 1, "count": 1}),
    ]);
    let r = run_spl(
        r#"* | where '5minutes'="late" | eval new=count+'server-1', new2="server-"+count | table id new new2"#,
        &evs,
    );
    assert_eq!(r, [json!({"id": "1", "new": 5, "new2": "server-2"})]);
}

// ---- table ----------------------------------------------------------------------

// Search Reference 10.0, table, Example 1: `source=all_month.csv
// place=*California | table time, place, mag, depth` shows only those
// fields, in that order (checked with the text output's header).
#[test]
fn table_example_1_quakes_in_california() {
    let evs = in_order(&[
        json!({"time": "2023-03-06T06:45:17.427Z", "place": "0 km S of Carnelian Bay, California", "mag": 0.2, "depth": 8, "latitude": 39.2}),
        json!({"time": "2023-03-06T07:00:00.000Z", "place": "Gulf of Alaska", "mag": 2.1, "depth": 3}),
        json!({"time": "2023-03-07T20:57:11.181Z", "place": "259 km W of Ferndale, California", "mag": 3.3, "depth": 16.554}),
    ]);
    let spl = "place=*California | table time, place, mag, depth";
    let r = run_spl(spl, &evs);
    assert_eq!(col(&r, "mag"), ["0.2", "3.3"]);
    assert!(r.iter().all(|row| row.get("latitude").is_none()));
    let csv = crate::common::run_spl_as("csv", spl, &evs);
    assert_eq!(csv.lines().next(), Some("time,place,mag,depth"));
}

// Search Reference 10.0, table, Example 2: `source=all_month.csv
// place="Northern California" | rename latitude as lat longitude as lon
// locationSource as locSource | table time, place, lat, lon, locS*`.
#[test]
fn table_example_2_renamed_coordinates_and_wildcard() {
    let evs = in_order(&[
        json!({"time": "2023-03-03T13:32:16.019Z", "place": "Northern California", "latitude": 39.3547, "longitude": -120.0101, "locationSource": "nn", "mag": 1}),
        json!({"time": "2023-03-04T00:00:00.000Z", "place": "Central California", "latitude": 36.1, "longitude": -120.2, "locationSource": "ci"}),
    ]);
    let spl = r#"place="Northern California" | rename latitude as lat longitude as lon locationSource as locSource | table time, place, lat, lon, locS*"#;
    let csv = crate::common::run_spl_as("csv", spl, &evs);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        [
            "time,place,lat,lon,locSource",
            "2023-03-03T13:32:16.019Z,Northern California,39.3547,-120.0101,nn"
        ]
    );
}

// Search Reference 10.0, table, Example 3: `sourcetype=access_* | dedup
// clientip | eval network=if(cidrmatch("192.0.0.0/16", clientip), "local",
// "other") | table clientip, network`. The page's result table marks
// 192.0.1.51 "other" though it lies in 192.0.0.0/16 (and 192.0.1.39
// "local"); we follow cidrmatch (see "Differences we chose").
#[test]
fn table_example_3_network_classification() {
    let evs = in_order(&[
        json!({"clientip": "192.0.1.39"}),
        json!({"clientip": "192.168.11.33"}),
        json!({"clientip": "192.0.1.39"}),
        json!({"clientip": "192.1.2.40"}),
    ]);
    let r = run_spl(
        r#"* | dedup clientip | eval network=if(cidrmatch("192.0.0.0/16", clientip), "local", "other") | table clientip, network"#,
        &evs,
    );
    assert_eq!(
        r,
        [
            json!({"clientip": "192.0.1.39", "network": "local"}),
            json!({"clientip": "192.168.11.33", "network": "other"}),
            json!({"clientip": "192.1.2.40", "network": "other"}),
        ]
    );
}

// Search Reference 10.0, table, Example 4: `sourcetype=access_* | table host
// action date_m*` gives the columns host, action, date_mday, date_minute,
// date_month: the wildcard's fields in name order. (Where `action` is missing
// from the first row, our text and CSV header put it after the wildcard's
// fields: see "Differences we chose".)
#[test]
fn table_example_4_wildcard_fields_in_name_order() {
    let evs = in_order(&[
        json!({"host": "www1", "action": "addtocart", "date_month": "july", "date_minute": 48, "date_mday": 20}),
        json!({"host": "www1", "date_month": "july", "date_minute": 51, "date_mday": 20, "date_hour": 3}),
    ]);
    let spl = "* | table host action date_m*";
    let r = run_spl(spl, &evs);
    let keys = |n: usize| -> Vec<&str> {
        r[n].as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
    };
    assert_eq!(
        keys(0),
        ["host", "action", "date_mday", "date_minute", "date_month"]
    );
    assert_eq!(keys(1), ["host", "date_mday", "date_minute", "date_month"]);
    let csv = crate::common::run_spl_as("csv", spl, &evs);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        [
            "host,action,date_mday,date_minute,date_month",
            "www1,addtocart,20,48,july",
            "www1,,20,51,july"
        ]
    );
}

// ---- rex --------------------------------------------------------------------------

// Search Reference 10.0, rex, Example 1, second search: `source="cisco_esa.txt"
// | rex field=_raw "From: <(?<from>.*)> To: <(?<to>.*)>" | dedup from to |
// table from to` lists each address pair once.
#[test]
fn rex_example_1_dedup_and_table_the_addresses() {
    let evs = in_order(&[
        json!({"_raw": "Info: Bounced: DCID 8413617 From: <MariaDubois@example.com> To: <zecora@buttercupgames.com> RID 0"}),
        json!({"_raw": "Info: Delayed: DCID 8414309 From: <WeiZhang@example.com> To: <mcintosh@buttercupgames.com> RID 0"}),
        json!({"_raw": "Info: Delayed: DCID 8414310 From: <MariaDubois@example.com> To: <zecora@buttercupgames.com> RID 0"}),
    ]);
    let r = run_spl(
        r#"* | rex field=_raw "From: <(?<from>.*)> To: <(?<to>.*)>" | dedup from to | table from to"#,
        &evs,
    );
    assert_eq!(
        r,
        [
            json!({"from": "MariaDubois@example.com", "to": "zecora@buttercupgames.com"}),
            json!({"from": "WeiZhang@example.com", "to": "mcintosh@buttercupgames.com"}),
        ]
    );
}

// Search Reference 10.0, rex, Example 2 "Extract from multi-valued fields
// using max_match": `| makeresults | eval test="a$1,b$2" | rex field=test
// max_match=0 "((?<field>[^$]*)\$(?<value>[^,]*),?)"` gives field a, b and
// value 1, 2 (multivalues).
#[test]
fn rex_example_2_max_match_zero_multivalues() {
    let r = run_spl(
        r#"| makeresults | eval test="a$1,b$2" | rex field=test max_match=0 "((?<field>[^$]*)\$(?<value>[^,]*),?)""#,
        "",
    );
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["field"], json!(["a", "b"]));
    assert_eq!(r[0]["value"], json!(["1", "2"]));
    assert_eq!(r[0]["test"], json!("a$1,b$2"));
}

// Search Reference 10.0, rex, Example 5 "Use a sed expression with capture
// replace for strings": the page's result turns `src_ip=TERM( "10.8.2.33" )
// OR src_ip=TERM( "172.17.154.197" )` into `src_ip=TERM(10.8.2.33) OR
// src_ip=TERM(172.17.154.197)`, orig_search unchanged.
#[test]
fn rex_example_5_sed_capture_replace() {
    let r = run_spl(
        r#"|makeresults |eval orig_search="src_ip=TERM( \"10.8.2.33\" ) OR src_ip=TERM( \"172.17.154.197\" )", search=orig_search |rex mode=sed field=search "s/\s\"(\d+\.\d+\.\d+\.\d+)\"\s/\1/g""#,
        "",
    );
    assert_eq!(
        col(&r, "search"),
        ["src_ip=TERM(10.8.2.33) OR src_ip=TERM(172.17.154.197)"]
    );
    assert_eq!(
        col(&r, "orig_search"),
        [r#"src_ip=TERM( "10.8.2.33" ) OR src_ip=TERM( "172.17.154.197" )"#]
    );
}

// Search Reference 10.0, rex, Example 6 "Use an offset_field": `rex
// offset_field=off field=list "(?<firstfive>abcde)"` gives off
// `firstfive=0-4`; with `"(?<middle>fgh)"`, `middle=5-7`.
#[test]
fn rex_example_6_offset_field() {
    for (re, name, val, off) in [
        ("(?<firstfive>abcde)", "firstfive", "abcde", "firstfive=0-4"),
        ("(?<middle>fgh)", "middle", "fgh", "middle=5-7"),
    ] {
        let r = run_spl(
            &format!(
                r#"| makeresults | eval list="abcdefghijklmnopqrstuvwxyz" | rex offset_field=off field=list "{re}""#
            ),
            "",
        );
        assert_eq!(col(&r, name), [val]);
        assert_eq!(col(&r, "off"), [off]);
    }
}

// Search Reference 10.0, rex, Usage "Anonymize multiline text using sed
// expressions": `rex mode=sed field=_raw "s/\\n/NEWLINE_REMOVED/g" | rex
// mode=sed field=_raw "s/<html.*html>/REDACTED/g"` first joins the lines,
// then redacts the whole HTML content.
#[test]
fn rex_usage_multiline_sed_in_two_steps() {
    let evs = ndjson(&[json!({"_time": 1, "_raw": "before <html>\n<b>x</b>\n</html> after"})]);
    let r = run_spl(
        r#"html | rex mode=sed field=_raw "s/\\n/NEWLINE_REMOVED/g" | rex mode=sed field=_raw "s/<html.*html>/REDACTED/g""#,
        &evs,
    );
    assert_eq!(col(&r, "_raw"), ["before REDACTED after"]);
}

// ---- lookup -----------------------------------------------------------------------

/// The lookup page's prices.csv and vendors.csv (first rows), as
/// prices_lookup and vendors_lookup, and ipv6test with match type CIDR(ip).
fn vendor_lookups() -> tempfile::TempDir {
    rules_with_lookups(&[
        (
            "prices.csv",
            "productId,product_name,price,sale_price,Code\nDB-SG-G01,Mediocre Kingdoms,24.99,19.99,A\nDC-SG-G02,Dream Crusher,39.99,24.99,B\n",
        ),
        ("prices_lookup.yml", "name: prices_lookup\nfilename: prices.csv\n"),
        (
            "vendors.csv",
            "Vendor,VendorCity,VendorID,VendorLatitude\nAnchorage Gaming,Anchorage,1001,61.17440033\nGames of Salt Lake,Salt Lake City,1002,40.78839874\n",
        ),
        ("vendors_lookup.yml", "name: vendors_lookup\nfilename: vendors.csv\n"),
        (
            "ipv6test.csv",
            "ip,expected\n2001:0db8:ffff:ffff:ffff:ffff:ffff:ff00/120,true\n",
        ),
        (
            "ipv6test.yml",
            "name: ipv6test\nfilename: ipv6test.csv\nmatch_type: CIDR(ip)\n",
        ),
    ])
}

fn vendor_sales() -> String {
    in_order(&[
        json!({"VendorID": "1001", "Code": "B", "AcctID": "6024298300471575"}),
        json!({"VendorID": "1001", "Code": "B", "AcctID": "8702194102896748"}),
        json!({"VendorID": "1002", "Code": "A", "AcctID": "2063718909897951"}),
        json!({"VendorID": "1243", "Code": "F", "AcctID": "8768831614147676"}),
    ])
}

// Search Reference 10.0, lookup, Extended example 1: `sourcetype=vendor_* |
// stats count by Code VendorID | lookup prices_lookup Code OUTPUTNEW
// product_name`, then `... | table product_name VendorID count | lookup
// vendors_lookup VendorID`: without OUTPUT every other field of vendors.csv
// is added; a code or vendor with no row gets nothing.
#[test]
fn lookup_extended_example_1_prices_then_vendors() {
    let d = vendor_lookups();
    let r = run_with_rules(
        d.path(),
        "* | stats count by Code VendorID | lookup prices_lookup Code OUTPUTNEW product_name",
        &vendor_sales(),
    );
    assert_eq!(
        r,
        [
            json!({"Code": "A", "VendorID": "1002", "count": 1, "product_name": "Mediocre Kingdoms"}),
            json!({"Code": "B", "VendorID": "1001", "count": 2, "product_name": "Dream Crusher"}),
            json!({"Code": "F", "VendorID": "1243", "count": 1}),
        ]
    );
    let r = run_with_rules(
        d.path(),
        "* | stats  count by Code VendorID | lookup prices_lookup Code OUTPUTNEW product_name | table product_name VendorID count | lookup vendors_lookup VendorID",
        &vendor_sales(),
    );
    assert_eq!(
        r[1],
        json!({"product_name": "Dream Crusher", "VendorID": "1001", "count": 2, "Vendor": "Anchorage Gaming", "VendorCity": "Anchorage", "VendorLatitude": "61.17440033"})
    );
    assert_eq!(r[2], json!({"VendorID": "1243", "count": 1}));
}

// Search Reference 10.0, lookup, Extended example 2 "IPv6 CIDR match":
// ipv6test.csv holds `2001:0db8:ffff:ffff:ffff:ffff:ffff:ff00/120,true` with
// match type CIDR(ip); `| makeresults | eval
// ip="2001:0db8:ffff:ffff:ffff:ffff:ffff:ff99" | lookup ipv6test ip OUTPUT
// expected` shows expected=true.
#[test]
fn lookup_extended_example_2_ipv6_cidr_match() {
    let d = vendor_lookups();
    let r = run_with_rules(
        d.path(),
        r#"| makeresults | eval ip="2001:0db8:ffff:ffff:ffff:ffff:ffff:ff99" | lookup ipv6test ip OUTPUT expected"#,
        "",
    );
    assert_eq!(col(&r, "expected"), ["true"]);
    let r = run_with_rules(
        d.path(),
        r#"| makeresults | eval ip="2001:0db8:ffff:ffff:ffff:ffff:fffe:ff99" | lookup ipv6test ip OUTPUT expected"#,
        "",
    );
    assert_eq!(col(&r, "expected"), [""]);
}

// Search Reference 10.0, lookup, Syntax note and Optional arguments: several
// match and output fields with AS, separated by commas (`lookup <table>
// <lookup-field1> AS <event-field1>, <lookup-field2> AS <event-field2>
// OUTPUTNEW <dest1> AS <event-dest1>, <dest2> AS <event-dest2>`), and
// `local=`/`update=` (the search head only: accepted, no effect here).
#[test]
fn lookup_several_fields_with_commas_local_and_update() {
    let d = vendor_lookups();
    let evs = in_order(&[
        json!({"code": "A", "pid": "DB-SG-G01"}),
        json!({"code": "A", "pid": "DC-SG-G02"}),
        json!({"code": "B", "pid": "DC-SG-G02", "pn": "kept"}),
    ]);
    let r = run_with_rules(
        d.path(),
        "* | lookup local=true update=false prices_lookup Code AS code, productId AS pid OUTPUTNEW product_name AS pn, price AS p | table code pn p",
        &evs,
    );
    assert_eq!(col(&r, "pn"), ["Mediocre Kingdoms", "", "kept"]);
    // OUTPUTNEW leaves the existing pn and fills the missing p.
    assert_eq!(col(&r, "p"), ["24.99", "", "39.99"]);
}

// ---- head -------------------------------------------------------------------------

// Search Reference 10.0, head, Required arguments: "If no options or limits
// are specified, the head command returns the first 10 results"; `limit=`
// is "another way to specify the number".
#[test]
fn head_default_ten_and_limit_option() {
    let r = run_spl("| makeresults count=15 | streamstats count | head", "");
    assert_eq!(
        col(&r, "count"),
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]
    );
    let r = run_spl(
        "| makeresults count=15 | streamstats count | head limit=4",
        "",
    );
    assert_eq!(col(&r, "count"), ["1", "2", "3", "4"]);
}

// ---- rare -------------------------------------------------------------------------

/// url /u0 once, /u1 twice, … /u7 eight times.
fn rare_urls() -> String {
    let mut evs = Vec::new();
    for i in 0..8 {
        for _ in 0..=i {
            evs.push(json!({"url": format!("/u{i}")}));
        }
    }
    in_order(&evs)
}

// Search Reference 10.0, rare, Example 1: `... | rare url limit=5` (the
// option after the field) returns the five least common urls, least first.
#[test]
fn rare_example_1_limit_after_the_field() {
    let r = run_spl("* | rare url limit=5", &rare_urls());
    assert_eq!(col(&r, "url"), ["/u0", "/u1", "/u2", "/u3", "/u4"]);
    assert_eq!(col(&r, "count"), ["1", "2", "3", "4", "5"]);
}

// Search Reference 10.0, rare, Example 2: `... | rare user by host` finds
// the least common users for each host, "by default, a maximum of 10
// results" (per host).
#[test]
fn rare_example_2_by_host_ten_per_host() {
    let mut evs = Vec::new();
    for i in 0..12 {
        for _ in 0..=i {
            evs.push(json!({"host": "h1", "user": format!("u{i:02}")}));
        }
    }
    evs.push(json!({"host": "h2", "user": "solo"}));
    evs.push(json!({"host": "h2", "user": "pair"}));
    evs.push(json!({"host": "h2", "user": "pair"}));
    let r = run_spl("* | rare user by host", &in_order(&evs));
    let h1: Vec<&Value> = r.iter().filter(|x| x["host"] == "h1").collect();
    assert_eq!(h1.len(), 10);
    assert_eq!(h1[0]["user"], "u00");
    assert_eq!(h1[9]["user"], "u09");
    let h2: Vec<String> = r
        .iter()
        .filter(|x| x["host"] == "h2")
        .map(|x| x["user"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(h2, ["solo", "pair"]);
}

// ---- streamstats ------------------------------------------------------------------

// Search Reference 10.0, streamstats, Usage "Escaping string values": `|
// makeresults count=3 | streamstats count | eval test=if(count==2,"yes","no")`
// gives test no, yes, no; adding `| streamstats count as testCount
// reset_after="("match(test,\"yes\")")"` (the value's quotes escaped) resets
// the count after the "yes" event. And `... | streamstats
// reset_after="("description==\"session is closed\"")"` the same way.
#[test]
fn streamstats_usage_escaped_reset_after() {
    let r = run_spl(
        r#"| makeresults count=3 | streamstats count | eval test=if(count==2,"yes","no") | streamstats count as testCount reset_after="("match(test,\"yes\")")""#,
        "",
    );
    assert_eq!(col(&r, "test"), ["no", "yes", "no"]);
    assert_eq!(col(&r, "testCount"), ["1", "2", "1"]);
    let evs = in_order(&[
        json!({"description": "opened"}),
        json!({"description": "session is closed"}),
        json!({"description": "opened again"}),
    ]);
    let r = run_spl(
        r#"* | streamstats count reset_after="("description==\"session is closed\"")" | table description count"#,
        &evs,
    );
    assert_eq!(col(&r, "count"), ["1", "2", "1"]);
}

// Search Reference 10.0, streamstats, Usage "The reset_on_change argument":
// shifts DAY DAY NIGHT NIGHT NIGHT NIGHT DAY NIGHT with `streamstats count BY
// shift reset_on_change=true` count 1 2 1 2 3 4 1 1.
#[test]
fn streamstats_usage_reset_on_change_shifts() {
    let shifts = [
        "DAY", "DAY", "NIGHT", "NIGHT", "NIGHT", "NIGHT", "DAY", "NIGHT",
    ];
    let evs: Vec<Value> = shifts.iter().map(|s| json!({ "shift": s })).collect();
    let r = run_spl(
        "* | streamstats count BY shift reset_on_change=true | table shift count",
        &in_order(&evs),
    );
    assert_eq!(col(&r, "shift"), shifts);
    assert_eq!(col(&r, "count"), ["1", "2", "1", "2", "3", "4", "1", "1"]);
}

// Search Reference 10.0, streamstats, Basic example 1 `... | streamstats
// avg(foo) window=5` (the last 5 events, the current one included), Basic
// example 2 `... | streamstats avg(foo) by bar window=5 global=f` (each bar
// its own 5), Basic example 3 `... | streamstats count` and `... |
// streamstats count current=f` (the current event left out).
#[test]
fn streamstats_basic_examples_1_to_3() {
    let evs: Vec<Value> = (1..=7)
        .map(|k| json!({"foo": k * 10, "bar": if k % 2 == 0 { "even" } else { "odd" }}))
        .collect();
    let evs = in_order(&evs);
    let r = run_spl("* | streamstats avg(foo) window=5", &evs);
    assert_eq!(
        col(&r, "avg(foo)"),
        ["10", "15", "20", "25", "30", "40", "50"]
    );
    let r = run_spl("* | streamstats avg(foo) by bar window=5 global=f", &evs);
    // odd: 10, 30, 50, 70; even: 20, 40, 60.
    assert_eq!(
        col(&r, "avg(foo)"),
        ["10", "20", "20", "30", "30", "40", "40"]
    );
    let r = run_spl("* | streamstats count", &evs);
    assert_eq!(col(&r, "count"), ["1", "2", "3", "4", "5", "6", "7"]);
    let r = run_spl("* | streamstats count current=f", &evs);
    assert_eq!(col(&r, "count"), ["0", "1", "2", "3", "4", "5", "6"]);
}

// Search Reference 10.0, streamstats, Basic example 4 `... | streamstats
// count time_window=5m`: in ascending time order the count is the events of
// the previous 5 minutes; in descending order, of the next 5 minutes.
#[test]
fn streamstats_basic_example_4_time_window() {
    let evs = ndjson(&[
        json!({"_time": 500}),
        json!({"_time": 380}),
        json!({"_time": 250}),
        json!({"_time": 100}),
    ]);
    let r = run_spl("* | sort _time | streamstats count time_window=5m", &evs);
    assert_eq!(col(&r, "_time"), ["100", "250", "380", "500"]);
    assert_eq!(col(&r, "count"), ["1", "2", "3", "3"]);
    let r = run_spl("* | streamstats count time_window=5m", &evs);
    assert_eq!(col(&r, "_time"), ["500", "380", "250", "100"]);
    assert_eq!(col(&r, "count"), ["1", "2", "3", "3"]);
}

// Search Reference 10.0, streamstats, Extended example 1 "Create events for
// testing": `| makeresults count=5 | streamstats count | eval
// _time=_time-(count*3600) | eval age = case(count=1, 25, …, count=5,
// null()) | eval city = case(…)`: the times an hour apart, age 25 39 31 27
// and empty, city San Francisco, Seattle, San Francisco, Seattle, Los Angeles.
#[test]
fn streamstats_extended_example_1_events_for_testing() {
    let r = run_spl(
        r#"| makeresults count=5 | streamstats count | eval _time=_time-(count*3600) | eval age = case(count=1, 25, count=2, 39, count=3, 31, count=4, 27, count=5, null()) | eval city = case(count=1 OR count=3, "San Francisco", count=2 OR count=4, "Seattle",count=5, "Los Angeles")"#,
        "",
    );
    assert_eq!(
        col(&r, "_time"),
        [
            "1699996400",
            "1699992800",
            "1699989200",
            "1699985600",
            "1699982000"
        ]
    );
    assert_eq!(col(&r, "age"), ["25", "39", "31", "27", ""]);
    assert_eq!(
        col(&r, "city"),
        [
            "San Francisco",
            "Seattle",
            "San Francisco",
            "Seattle",
            "Los Angeles"
        ]
    );
}

// Search Reference 10.0, streamstats, Extended example 2: `sourcetype=
// access_combined* | head 5 |sort _time | streamstats sum(bytes) as
// ASimpleSumOfBytes by clientip | table _time, clientip, bytes,
// ASimpleSumOfBytes`: a running sum of bytes per clientip, oldest first.
#[test]
fn streamstats_extended_example_2_running_sum_per_client() {
    let evs = ndjson(&[
        json!({"_time": 60, "clientip": "a", "bytes": 1}),
        json!({"_time": 50, "clientip": "b", "bytes": 10}),
        json!({"_time": 40, "clientip": "a", "bytes": 100}),
        json!({"_time": 30, "clientip": "b", "bytes": 1000}),
        json!({"_time": 20, "clientip": "a", "bytes": 10000}),
        json!({"_time": 10, "clientip": "a", "bytes": 99}),
    ]);
    let r = run_spl(
        "* | head 5 |sort _time | streamstats sum(bytes) as ASimpleSumOfBytes by clientip | table _time, clientip, bytes, ASimpleSumOfBytes",
        &evs,
    );
    assert_eq!(col(&r, "_time"), ["20", "30", "40", "50", "60"]);
    assert_eq!(
        col(&r, "ASimpleSumOfBytes"),
        ["10000", "1000", "10100", "1010", "10101"]
    );
}

// Search Reference 10.0, streamstats, Extended example 4: `... | timechart
// span=1h sum(bytes) as SumOfBytes | streamstats global=f sum(*) as
// accu_total_*` returns _time, SumOfBytes and accu_total_SumOfBytes. A
// wildcard in streamstats' aggregation is a plan error here (see "Differences
// we chose"); the field named, the same columns come out.
#[test]
fn streamstats_extended_example_4_hourly_cumulative_totals() {
    let evs = ndjson(&[
        json!({"_time": 7300, "bytes": 5}),
        json!({"_time": 3700, "bytes": 20}),
        json!({"_time": 3650, "bytes": 30}),
        json!({"_time": 100, "bytes": 1}),
    ]);
    let r = run_spl(
        "* | timechart span=1h sum(bytes) as SumOfBytes | streamstats global=f sum(SumOfBytes) as accu_total_SumOfBytes",
        &evs,
    );
    assert_eq!(col(&r, "SumOfBytes"), ["1", "50", "5"]);
    assert_eq!(col(&r, "accu_total_SumOfBytes"), ["1", "51", "56"]);
    // The page's own search, with the wildcard: "This search returns 3
    // columns: _time, SumOfBytes, and accu_total_SumOfBytes."
    let w = run_spl(
        "* | timechart span=1h sum(bytes) as SumOfBytes | streamstats global=f sum(*) as accu_total_*",
        &evs,
    );
    assert_eq!(w, r);
    for row in &w {
        let mut keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["SumOfBytes", "_time", "accu_total_SumOfBytes"]);
    }
}

// Search Reference 10.0, streamstats, Extended example 5: `source=dhcp
// MAC=54:00:00:00:00:00 | head 10 | streamstats current=f last(DHCP_IP) as
// new_dhcp_ip last(_time) as time_of_change by MAC | where
// DHCP_IP!=new_dhcp_ip | … | rename DHCP_IP as old_dhcp_ip | table
// time_of_change, MAC, old_dhcp_ip, new_dhcp_ip` (newest first: the previous
// event seen is the newer one).
#[test]
fn streamstats_extended_example_5_dhcp_lease_changes() {
    let evs = ndjson(&[
        json!({"_time": 400, "MAC": "54:00:00:00:00:00", "DHCP_IP": "10.0.0.3"}),
        json!({"_time": 300, "MAC": "54:00:00:00:00:00", "DHCP_IP": "10.0.0.2"}),
        json!({"_time": 200, "MAC": "54:00:00:00:00:00", "DHCP_IP": "10.0.0.2"}),
        json!({"_time": 100, "MAC": "54:00:00:00:00:00", "DHCP_IP": "10.0.0.1"}),
    ]);
    let r = run_spl(
        "MAC=54:00:00:00:00:00 | head 10 | streamstats current=f last(DHCP_IP) as new_dhcp_ip last(_time) as time_of_change by MAC | where DHCP_IP!=new_dhcp_ip | rename DHCP_IP as old_dhcp_ip | table time_of_change, MAC, old_dhcp_ip, new_dhcp_ip",
        &evs,
    );
    assert_eq!(col(&r, "old_dhcp_ip"), ["10.0.0.2", "10.0.0.1"]);
    assert_eq!(col(&r, "new_dhcp_ip"), ["10.0.0.3", "10.0.0.2"]);
    assert_eq!(col(&r, "time_of_change"), ["400", "200"]);
}

// ---- tail -----------------------------------------------------------------------

// Search Reference 10.0, tail: "The last 10 events are returned if no integer
// is specified", in reverse order.
#[test]
fn tail_default_ten_in_reverse() {
    let r = run_spl("| makeresults count=15 | streamstats count | tail", "");
    assert_eq!(
        col(&r, "count"),
        ["15", "14", "13", "12", "11", "10", "9", "8", "7", "6"]
    );
}

// ---- transaction ----------------------------------------------------------------

// Search Reference 10.0, transaction, Usage "Specifying multiple fields": with
// `... | transaction host cookie`, the events `event=1 host=a`, `event=2
// host=a cookie=b` and `event=3 cookie=b` can be one transaction (the fields
// related transitively).
#[test]
fn transaction_usage_transitive_fields() {
    let evs = ndjson(&[
        json!({"_time": 3, "event": "3", "cookie": "b"}),
        json!({"_time": 2, "event": "2", "host": "a", "cookie": "b"}),
        json!({"_time": 1, "event": "1", "host": "a"}),
    ]);
    let r = run_spl("* | transaction host cookie | table event eventcount", &evs);
    assert_eq!(r, [json!({"event": ["1", "2", "3"], "eventcount": 3})]);
}

// Search Reference 10.0, transaction, Basic example 3: `... | streamstats
// window=2 current=t latest(alert_level) AS last earliest(alert_level) AS
// first | transaction endswith=eval(first!=last) | table _time duration
// first last alert_level eventcount`: a transaction ends (its newest event)
// where the level changed; the newer events before any change are evicted.
#[test]
fn transaction_basic_example_3_level_changes() {
    let evs = ndjson(&[
        json!({"_time": 6, "alert_level": "low"}),
        json!({"_time": 5, "alert_level": "low"}),
        json!({"_time": 4, "alert_level": "high"}),
        json!({"_time": 3, "alert_level": "high"}),
        json!({"_time": 2, "alert_level": "high"}),
        json!({"_time": 1, "alert_level": "low"}),
    ]);
    let r = run_spl(
        "* | streamstats window=2 current=t latest(alert_level) AS last earliest(alert_level) AS first | transaction endswith=eval(first!=last) | table _time duration first last alert_level eventcount",
        &evs,
    );
    assert_eq!(col(&r, "_time"), ["2", "1"]);
    assert_eq!(col(&r, "eventcount"), ["3", "1"]);
    assert_eq!(col(&r, "duration"), ["2", "0"]);
    assert_eq!(col(&r, "alert_level"), ["high", "low"]);
}

// Search Reference 10.0, transaction, Extended example 3: `sourcetype=access_*
// action=purchase | transaction clientip maxspan=10m maxevents=3`: at most
// 3 events and 10 minutes per transaction.
#[test]
fn transaction_extended_example_3_maxspan_and_maxevents() {
    let evs = ndjson(&[
        json!({"_time": 700, "clientip": "a", "action": "purchase"}),
        json!({"_time": 650, "clientip": "a", "action": "purchase"}),
        json!({"_time": 600, "clientip": "a", "action": "purchase"}),
        json!({"_time": 550, "clientip": "a", "action": "purchase"}),
        json!({"_time": 540, "clientip": "a", "action": "view"}),
        json!({"_time": 10, "clientip": "a", "action": "purchase"}),
    ]);
    let r = run_spl(
        "action=purchase | transaction clientip maxspan=10m maxevents=3 | table _time eventcount duration",
        &evs,
    );
    assert_eq!(col(&r, "eventcount"), ["3", "2"]);
    assert_eq!(col(&r, "duration"), ["100", "540"]);
}

// Search Reference 10.0, transaction, Extended example 4:
// `sourcetype="cisco:esa" | transaction mid dcid icid maxevents=10
// endswith="Message done"`: the last event holds "Message done"; a message
// with no such event is no transaction.
#[test]
fn transaction_extended_example_4_endswith_message_done() {
    let evs = ndjson(&[
        json!({"_time": 50, "mid": "1", "dcid": "9", "icid": "5", "_raw": "Message done"}),
        json!({"_time": 40, "mid": "1", "dcid": "9", "icid": "5", "_raw": "deliver"}),
        json!({"_time": 30, "mid": "1", "dcid": "9", "icid": "5", "_raw": "start"}),
        json!({"_time": 20, "mid": "2", "dcid": "8", "icid": "6", "_raw": "start 2"}),
    ]);
    let r = run_spl(
        r#"* | transaction mid dcid icid maxevents=10 endswith="Message done" | table mid eventcount duration"#,
        &evs,
    );
    assert_eq!(r, [json!({"mid": "1", "eventcount": 3, "duration": 20})]);
}

// Search Reference 10.0, transaction, Extended example 6: `sourcetype=access_*
// | transaction JSESSIONID clientip startswith="view" endswith="purchase" |
// where duration>0` keeps the sessions from a view to a purchase that took
// time (a single event holding both words lasts 0 seconds).
#[test]
fn transaction_extended_example_6_view_to_purchase() {
    let evs = ndjson(&[
        json!({"_time": 100, "JSESSIONID": "S1", "clientip": "1.1.1.1", "_raw": "GET purchase"}),
        json!({"_time": 90, "JSESSIONID": "S1", "clientip": "1.1.1.1", "_raw": "GET view"}),
        json!({"_time": 80, "JSESSIONID": "S2", "clientip": "2.2.2.2", "_raw": "GET view purchase"}),
    ]);
    let r = run_spl(
        r#"* | transaction JSESSIONID clientip startswith="view" endswith="purchase" | where duration>0 | table JSESSIONID duration eventcount"#,
        &evs,
    );
    assert_eq!(
        r,
        [json!({"JSESSIONID": "S1", "duration": 10, "eventcount": 2})]
    );
}

// Search Reference 10.0, transaction, Extended example 7 (descending order):
// `|makeresults count=10 |streamstats count |eval _time=now()+10*count,
// user="nobody" |sort -_time |transaction user maxspan=11s` gives five
// transactions of two events ten seconds apart, count 10 and 9, 7 and 8, …
// (the page's closed_txn, field_match_sum and linecount columns are not
// added: see "Differences we chose").
#[test]
fn transaction_extended_example_7_sorted_descending() {
    let r = run_spl(
        r#"|makeresults count=10 |streamstats count |eval _time=now()+10*count, user="nobody" |sort -_time |transaction user maxspan=11s"#,
        "",
    );
    assert_eq!(r.len(), 5);
    assert_eq!(r[0]["count"], json!(["10", "9"]));
    assert_eq!(r[1]["count"], json!(["7", "8"]));
    assert_eq!(r[4]["count"], json!(["1", "2"]));
    assert!(r
        .iter()
        .all(|t| t["duration"] == json!(10) && t["eventcount"] == json!(2)));
}

// Search Reference 10.0, transaction, Basic example 2: `... | transaction from
// maxspan=30s maxpause=5s`: a pause over 5 seconds starts a new transaction;
// field values are merged distinct.
#[test]
fn transaction_basic_example_2_same_from_with_pause() {
    let evs = ndjson(&[
        json!({"_time": 40, "from": "a", "n": "2"}),
        json!({"_time": 37, "from": "a", "n": "2"}),
        json!({"_time": 35, "from": "a", "n": "1"}),
        json!({"_time": 20, "from": "a", "n": "0"}),
        json!({"_time": 19, "from": "b", "n": "9"}),
    ]);
    let r = run_spl(
        "* | transaction from maxspan=30s maxpause=5s | table from n eventcount",
        &evs,
    );
    assert_eq!(
        r,
        [
            json!({"from": "a", "n": ["1", "2"], "eventcount": 3}),
            json!({"from": "a", "n": "0", "eventcount": 1}),
            json!({"from": "b", "n": "9", "eventcount": 1}),
        ]
    );
}

// Search Reference 10.0, transaction, Extended example 5:
// `sourcetype="cisco:esa" | transaction mid dcid icid maxevents=10 maxspan=30s
// mvlist=true`: with mvlist=true every value is listed (repeats kept, oldest
// first), not only the distinct ones.
#[test]
fn transaction_extended_example_5_mvlist_keeps_every_value() {
    let evs = ndjson(&[
        json!({"_time": 40, "mid": "1", "dcid": "2", "icid": "3", "to": "x"}),
        json!({"_time": 30, "mid": "1", "dcid": "2", "icid": "3", "to": "x"}),
        json!({"_time": 20, "mid": "1", "dcid": "2", "icid": "3", "to": "y"}),
    ]);
    let r = run_spl(
        "* | transaction mid dcid icid maxevents=10 maxspan=30s mvlist=true | table to eventcount",
        &evs,
    );
    assert_eq!(r, [json!({"to": ["y", "x", "x"], "eventcount": 3})]);
    let r = run_spl(
        "* | transaction mid dcid icid maxevents=10 maxspan=30s | table to",
        &evs,
    );
    assert_eq!(r, [json!({"to": ["x", "y"]})]);
}

// ---- join -------------------------------------------------------------------------

/// Three sales (product_id P1..P3) and three vendor rows (two for P1).
fn sales_and_vendors() -> String {
    in_order(&[
        json!({"kind": "sale", "product_id": "P1", "n": "1"}),
        json!({"kind": "sale", "product_id": "P2", "n": "2"}),
        json!({"kind": "sale", "product_id": "P3", "n": "3"}),
        json!({"kind": "vendors", "product_id": "P1", "pid": "P1", "vendor": "V1"}),
        json!({"kind": "vendors", "product_id": "P1", "pid": "P1", "vendor": "V2"}),
        json!({"kind": "vendors", "product_id": "P2", "pid": "P2", "vendor": "V3"}),
    ])
}

// Search Reference 10.0, join, Basic example 1 `... | join product_id [search
// vendors]` (an inner join taking the first matching row) and Basic example
// 2 `... | join product_id max=0 [search vendors]` (every matching row).
#[test]
fn join_basic_examples_1_and_2_first_row_and_max_zero() {
    let r = run_spl(
        "kind=sale | join product_id [search kind=vendors] | table product_id n vendor",
        &sales_and_vendors(),
    );
    assert_eq!(col(&r, "product_id"), ["P1", "P2"]);
    assert_eq!(col(&r, "vendor"), ["V1", "V3"]);
    let r = run_spl(
        "kind=sale | join product_id max=0 [search kind=vendors] | table product_id n vendor",
        &sales_and_vendors(),
    );
    assert_eq!(col(&r, "product_id"), ["P1", "P1", "P2"]);
    assert_eq!(col(&r, "vendor"), ["V1", "V2", "V3"]);
}

// Search Reference 10.0, join, Basic example 6 "Perform a case-insensitive
// join": the field list is case sensitive, so `... | eval
// myfield=lower(myfield) | join myfield [... | eval myfield=lower(myfield)]`
// matches ABC with abc, which the plain join does not.
#[test]
fn join_basic_example_6_case_insensitive_with_lower() {
    let evs = in_order(&[
        json!({"kind": "a", "myfield": "ABC", "x": "1"}),
        json!({"kind": "b", "myfield": "abc", "y": "2"}),
    ]);
    let r = run_spl(
        "kind=a | eval myfield=lower(myfield) | join myfield [search kind=b | eval myfield=lower(myfield)] | table myfield x y",
        &evs,
    );
    assert_eq!(r, [json!({"myfield": "abc", "x": "1", "y": "2"})]);
    let r = run_spl(
        "kind=a | join myfield [search kind=b] | table myfield x y",
        &evs,
    );
    assert!(r.is_empty(), "{r:?}");
}

// Search Reference 10.0, join, Extended example 2: `... | join left=L right=R
// where L.product_id=R.pid [search vendors] | stats count by L.product_id`:
// later commands read the aliased field names.
#[test]
fn join_extended_example_2_aliases_after_the_join() {
    let r = run_spl(
        "kind=sale | join left=L right=R where L.product_id=R.pid [search kind=vendors] | stats count by L.product_id",
        &sales_and_vendors(),
    );
    assert_eq!(
        r,
        [
            json!({"L.product_id": "P1", "count": 1}),
            json!({"L.product_id": "P2", "count": 1}),
        ]
    );
}

// ---- mvexpand ---------------------------------------------------------------------

// Search Reference 10.0, mvexpand, Example 3, first search: `rex field=_raw
// "a=(?<a>\d+)" max_match=5 | rex field=_raw "b=(?<b>\d+)" max_match=5 | eval
// fields = mvzip(a,b) | table _time fields` pairs the values: 22,21 23,32
// 51,24 and 1,2 2,3 5,2.
#[test]
fn mvexpand_example_3_zipped_pairs_before_expanding() {
    let evs = ndjson(&[
        json!({"_time": 1522541483, "_raw": "2018-04-01 00:11:23 a=22 b=21 a=23 b=32 a=51 b=24"}),
        json!({"_time": 1522541482, "_raw": "2018-04-01 00:11:22 a=1 b=2 a=2 b=3 a=5 b=2"}),
    ]);
    let r = run_spl(
        r#"* | rex field=_raw "a=(?<a>\d+)" max_match=5 | rex field=_raw "b=(?<b>\d+)" max_match=5 | eval fields = mvzip(a,b) | table _time fields"#,
        &evs,
    );
    assert_eq!(r[0]["fields"], json!(["22,21", "23,32", "51,24"]));
    assert_eq!(r[1]["fields"], json!(["1,2", "2,3", "5,2"]));
}

// ---- makemv -----------------------------------------------------------------------

// Search Reference 10.0, makemv, Example 1: `eventtype="sendmail" | makemv
// delim="," senders | top senders`; Example 3: `| makeresults | eval
// my_multival="one,two,three" | makemv tokenizer="([^,]+),?" my_multival`;
// and the arguments: the default delimiter is a space, and without
// allowempty `a,,b` gives no empty value.
#[test]
fn makemv_examples_1_and_3_and_defaults() {
    let evs = in_order(&[json!({"senders": "a@x,b@x"}), json!({"senders": "a@x"})]);
    let r = run_spl(r#"* | makemv delim="," senders | top senders"#, &evs);
    assert_eq!(col(&r, "senders"), ["a@x", "b@x"]);
    assert_eq!(col(&r, "count"), ["2", "1"]);
    let r = run_spl(
        r#"| makeresults | eval my_multival="one,two,three" | makemv tokenizer="([^,]+),?" my_multival"#,
        "",
    );
    assert_eq!(r[0]["my_multival"], json!(["one", "two", "three"]));
    let r = run_spl(r#"| makeresults | eval p="a b c" | makemv p"#, "");
    assert_eq!(r[0]["p"], json!(["a", "b", "c"]));
    let r = run_spl(r#"| makeresults | eval p="a,,b" | makemv delim="," p"#, "");
    assert_eq!(r[0]["p"], json!(["a", "b"]));
    let r = run_spl(
        r#"| makeresults | eval p="a,,b" | makemv delim="," allowempty=true p"#,
        "",
    );
    assert_eq!(r[0]["p"], json!(["a", "", "b"]));
}

// ---- mvcombine --------------------------------------------------------------------

// Search Reference 10.0, mvcombine, Example 2: `index=* host=www* | stats
// max(bytes) AS max, min(bytes) AS min BY host | mvcombine delim="," host |
// nomv host` gives one row: host www1,www2,www3, max 4000, min 200.
#[test]
fn mvcombine_example_2_delimited_hosts() {
    let evs = in_order(&[
        json!({"host": "www1", "bytes": 200}),
        json!({"host": "www1", "bytes": 4000}),
        json!({"host": "www2", "bytes": 4000}),
        json!({"host": "www2", "bytes": 200}),
        json!({"host": "www3", "bytes": 200}),
        json!({"host": "www3", "bytes": 4000}),
        json!({"host": "db1", "bytes": 5}),
    ]);
    let r = run_spl(
        r#"host=www* | stats max(bytes) AS max, min(bytes) AS min BY host | mvcombine delim="," host | nomv host"#,
        &evs,
    );
    assert_eq!(
        r,
        [json!({"host": "www1,www2,www3", "max": 4000, "min": 200})]
    );
}

// Search Reference 10.0, mvcombine, Example 3: `sourcetype=
// "WMI:WinEventLog:Security" | fields EventCode, Category,RecordNumber |
// mvcombine delim="," RecordNumber | nomv RecordNumber`: events alike but for
// RecordNumber (and the internal fields, which mvcombine does not compare)
// become one; Example 4: `... | mvcombine delim=":" foo`.
#[test]
fn mvcombine_examples_3_and_4() {
    let evs = ndjson(&[
        json!({"_time": 3, "EventCode": "4624", "Category": "Logon", "RecordNumber": "11", "Other": "x"}),
        json!({"_time": 2, "EventCode": "4624", "Category": "Logon", "RecordNumber": "12", "Other": "y"}),
        json!({"_time": 1, "EventCode": "4625", "Category": "Logon", "RecordNumber": "13"}),
    ]);
    let r = run_spl(
        r#"* | fields EventCode, Category,RecordNumber | mvcombine delim="," RecordNumber | nomv RecordNumber"#,
        &evs,
    );
    assert_eq!(col(&r, "EventCode"), ["4624", "4625"]);
    assert_eq!(col(&r, "RecordNumber"), ["11,12", "13"]);
    let r = run_spl(
        r#"| makeresults count=3 | streamstats count | eval foo=count | fields - count | mvcombine delim=":" foo | nomv foo"#,
        "",
    );
    assert_eq!(col(&r, "foo"), ["1:2:3"]);
}

// ---- inputlookup ------------------------------------------------------------------

// Search Reference 10.0, inputlookup, Example 3 `| inputlookup users.csv` (a
// file named directly), Example 4 `| inputlookup kvstorecoll_lookup where
// (CustID>500) AND (CustName="P*") | stats count` (run over a CSV-backed
// definition; CustID compared as a number), and Example 7 `| inputlookup
// customers.csv | outputlookup kvstorecoll_lookup` (here a second CSV).
#[test]
fn inputlookup_examples_3_4_and_7() {
    let d = rules_with_lookups(&[
        ("users.csv", "user,group\nalice,admins\n"),
        (
            "customers.csv",
            "CustID,CustName,CustCity\n100,Pat,SF\n600,Pia,LA\n700,Quinn,NY\n800,Paul,SEA\n",
        ),
        (
            "kvstorecoll_lookup.yml",
            "name: kvstorecoll_lookup\nfilename: customers.csv\n",
        ),
        ("copy_lookup.yml", "name: copy_lookup\nfilename: copy.csv\n"),
    ]);
    let r = run_with_rules(d.path(), "| inputlookup users.csv", "");
    assert_eq!(r, [json!({"user": "alice", "group": "admins"})]);
    let r = run_with_rules(
        d.path(),
        r#"| inputlookup kvstorecoll_lookup where (CustID>500) AND (CustName="P*") | stats count"#,
        "",
    );
    assert_eq!(r, [json!({"count": 2})]);
    run_with_rules(
        d.path(),
        "| inputlookup customers.csv | outputlookup copy_lookup",
        "",
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join("lookups/copy.csv")).unwrap(),
        "CustID,CustName,CustCity\n100,Pat,SF\n600,Pia,LA\n700,Quinn,NY\n800,Paul,SEA\n"
    );
}

// ---- outputlookup -----------------------------------------------------------------

// Search Reference 10.0, outputlookup, Usage "Append results": a file with
// fields A, D, J and results with A, C, J: `append=false` writes A, C, J (D
// not retained); `append=true` keeps the file's fields, so C is lost and D
// retained (empty for the new row). "Multivalued fields": a static table gets
// a multivalue merged into one space-delimited value. Example 2 `|
// outputlookup users.csv`; Example 3 `| outputlookup users.csv
// override_if_empty=false` leaves the file when there are no results.
#[test]
fn outputlookup_usage_append_multivalues_and_examples_2_3() {
    let d = rules_with_lookups(&[
        ("adj.csv", "A,D,J\n1,d1,j1\n"),
        ("adj2.csv", "A,D,J\n1,d1,j1\n"),
    ]);
    let new_row = r#"| makeresults | eval A="2", C="c2", J="j2" | fields - _time"#;
    run_with_rules(
        d.path(),
        &format!("{new_row} | outputlookup append=true adj.csv"),
        "",
    );
    let read = |f: &str| std::fs::read_to_string(d.path().join("lookups").join(f)).unwrap();
    assert_eq!(read("adj.csv"), "A,D,J\n1,d1,j1\n2,,j2\n");
    run_with_rules(
        d.path(),
        &format!("{new_row} | outputlookup append=false adj2.csv"),
        "",
    );
    assert_eq!(read("adj2.csv"), "A,C,J\n2,c2,j2\n");
    run_with_rules(
        d.path(),
        r#"| makeresults | eval user="u1", m=split("a,b",",") | fields - _time | outputlookup users.csv"#,
        "",
    );
    assert_eq!(read("users.csv"), "user,m\nu1,a b\n");
    run_with_rules(
        d.path(),
        "| makeresults | where 1=2 | outputlookup users.csv override_if_empty=false",
        "",
    );
    assert_eq!(read("users.csv"), "user,m\nu1,a b\n");
}

// ---- spath ------------------------------------------------------------------------

fn spath_row(raw: &str, rest: &str) -> Value {
    let r = run_spl(
        &format!(
            "| makeresults | eval _raw={} | spath {rest} | fields - _time _raw",
            json!(raw)
        ),
        "",
    );
    assert_eq!(r.len(), 1, "{r:?}");
    r[0].clone()
}

// Search Reference 10.0, spath, Basic examples 2 to 5: `spath output=myfield
// server.name` (the path without `path=`), `path=vendorProductSet{1}` over
// `[1,2]` (arrays count from 1), `path=vendorProductSet.product{}.locDesc`
// over a nested array, and `spath output=dates
// path=purchases.book.title{@yearPublished} | table dates` (one multivalue of
// every year).
#[test]
fn spath_basic_examples_2_to_5() {
    let r = spath_row(r#"{"server":{"name":"s1"}}"#, "output=myfield server.name");
    assert_eq!(r, json!({"myfield": "s1"}));
    // JSON arrays count from zero (Usage: "JSON uses zero-based indexing"):
    // {1} is the second element.
    let r = spath_row(
        r#"{"vendorProductSet":[1,2]}"#,
        "output=myfield path=vendorProductSet{1}",
    );
    assert_eq!(r, json!({"myfield": "2"}));
    let r = spath_row(
        r#"{"vendorProductSet":{"product":[{"desc":1},{"locDesc":2}]}}"#,
        "output=myfield path=vendorProductSet.product{}.locDesc",
    );
    assert_eq!(r, json!({"myfield": "2"}));
    let xml = r#"<purchases><book><author>Martin, George R.R.</author><title yearPublished="1996">A Game of Thrones</title><title yearPublished="1998">A Clash of Kings</title></book><book><author>Clarke, Susanna</author><title yearPublished="2004">Jonathan Strange and Mr. Norrell</title></book></purchases>"#;
    let r = spath_row(
        xml,
        "output=dates path=purchases.book.title{@yearPublished}",
    );
    assert_eq!(r, json!({"dates": ["1996", "1998", "2004"]}));
}

// Search Reference 10.0, spath, Extended example 2: `spath
// path=vendorProductSet.product.desc.locDesc{4}{@locale}` gives the 4th
// locDesc's locale (ca); `output=locDesc path=….locDesc` every element.
#[test]
fn spath_extended_example_2_fourth_locale() {
    let xml = r#"<vendorProductSet vendorID="2"><product productID="17" units="mm"><desc descGroup="custom"><locDesc locale="es">Precios</locDesc><locDesc locale="fr">Prix</locDesc><locDesc locale="de">Preise</locDesc><locDesc locale="ca">Preus</locDesc><locDesc locale="pt">Preços</locDesc></desc></product></vendorProductSet>"#;
    let r = spath_row(
        xml,
        "path=vendorProductSet.product.desc.locDesc{4}{@locale}",
    );
    assert_eq!(
        r,
        json!({"vendorProductSet.product.desc.locDesc{4}{@locale}": "ca"})
    );
    let r = spath_row(
        xml,
        "output=locDesc path=vendorProductSet.product.desc.locDesc",
    );
    assert_eq!(
        r,
        json!({"locDesc": ["Precios", "Prix", "Preise", "Preus", "Preços"]})
    );
}

// Search Reference 10.0, spath, Extended example 3: `sourcetype=json | spath
// | rename … | eval x=mvzip(data,size)| mvexpand x | eval x = split(x,",") |
// eval data=mvindex(x,0) | eval size=mvindex(x,1) | table _time,data, size`
// gives Click here 36, Learn more 37, Help 38. Auto-extract names an array's
// fields `widget.text{}.size` (the page renames `widget.text.size`; see
// "Differences we chose"), so those names are renamed here.
#[test]
fn spath_extended_example_3_expand_json_arrays() {
    let raw = r#"{"widget":{"text":[{"data":"Click here","size":36},{"data":"Learn more","size":37},{"data":"Help","size":38}]}}"#;
    let evs = ndjson(&[json!({"_time": 1539870346, "_raw": raw})]);
    let r = run_spl(
        r#"* | spath | rename widget.text{}.size AS size, widget.text{}.data AS data | eval x=mvzip(data,size)| mvexpand x |  eval x = split(x,",") | eval data=mvindex(x,0) | eval size=mvindex(x,1) | table _time,data, size"#,
        &evs,
    );
    assert_eq!(col(&r, "data"), ["Click here", "Learn more", "Help"]);
    assert_eq!(col(&r, "size"), ["36", "37", "38"]);
}

// ---- regex ------------------------------------------------------------------------

// Search Reference 10.0, regex, Example 2 `...| regex
// email="^([a-z0-9_\.-]+)@([\da-z\.-]+)\.([a-z\.]{2,6})$"` keeps valid-looking
// addresses; Example 3 `... | regex not_usa_zip!="[0-9]{5}(-[0-9]{4})?"`
// keeps a Canadian code and results without the field.
#[test]
fn regex_examples_2_and_3_email_and_zip() {
    let evs = in_order(&[
        json!({"email": "buttercup@example.com"}),
        json!({"email": "Bad@Example"}),
        json!({"email": "a.b-c@mail.co.uk"}),
    ]);
    let r = run_spl(
        r#"* | regex  email="^([a-z0-9_\.-]+)@([\da-z\.-]+)\.([a-z\.]{2,6})$" | table email"#,
        &evs,
    );
    assert_eq!(
        col(&r, "email"),
        ["buttercup@example.com", "a.b-c@mail.co.uk"]
    );
    let evs = in_order(&[
        json!({"id": 1, "not_usa_zip": "94107"}),
        json!({"id": 2, "not_usa_zip": "94107-1234"}),
        json!({"id": 3, "not_usa_zip": "K1A 0B1"}),
        json!({"id": 4}),
    ]);
    let r = run_spl(
        r#"* | regex not_usa_zip!="[0-9]{5}(-[0-9]{4})?" | table id"#,
        &evs,
    );
    assert_eq!(col(&r, "id"), ["3", "4"]);
}

// Search Reference 10.0, regex, Usage "Using the regex command with !=" and
// Example 4: `| makeresults count=5 | eval Country="Canada" | append [ |
// makeresults count=5 | eval City="Toronto" ] | regex Country!="Canada"`
// returns the 5 Toronto events (Country undefined); `search
// Country!="Canada"` returns none; likewise `regex Location!="Calaveras
// Farms"` keeps events without Location.
#[test]
fn regex_example_4_not_equal_keeps_missing_fields() {
    let base = r#"| makeresults count=5 | eval Country="Canada" | append [ | makeresults count=5 | eval City="Toronto" ]"#;
    let r = run_spl(&format!(r#"{base} | regex Country!="Canada""#), "");
    assert_eq!(r.len(), 5);
    assert!(r.iter().all(|e| e["City"] == "Toronto"));
    let r = run_spl(&format!(r#"{base} | search Country!="Canada""#), "");
    assert!(r.is_empty());
    let evs = in_order(&[
        json!({"id": 1, "Location": "Calaveras Farms"}),
        json!({"id": 2, "Location": "Napa"}),
        json!({"id": 3}),
    ]);
    let r = run_spl(r#"* | regex Location!="Calaveras Farms" | table id"#, &evs);
    assert_eq!(col(&r, "id"), ["2", "3"]);
    let r = run_spl(r#"* | search Location!="Calaveras Farms" | table id"#, &evs);
    assert_eq!(col(&r, "id"), ["2"]);
}

// Search Reference 10.0, spath, Basic example 1 `... | spath output=myfield
// path=vendorProductSet.product.desc`, and Extended example 1 (GitHub push
// events): `spath output=repository path=repository.url`, `spath
// output=commit_author path=commits{}.author.name`, `spath output=commit_id
// path=commits{}.id`, then `top commit_author by repository` and `stats
// values(commit_id) by commit_author`.
#[test]
fn spath_basic_example_1_and_extended_example_1_github() {
    let r = spath_row(
        r#"{"vendorProductSet":{"product":{"desc":"Mouse"}}}"#,
        "output=myfield path=vendorProductSet.product.desc",
    );
    assert_eq!(r, json!({"myfield": "Mouse"}));
    let push = |repo: &str, commits: Value| json!({"_raw": json!({"repository": {"url": repo}, "commits": commits}).to_string()});
    let evs = in_order(&[
        push(
            "r1",
            json!([{"id": "c1", "author": {"name": "ann"}}, {"id": "c2", "author": {"name": "ann"}}]),
        ),
        push("r1", json!([{"id": "c3", "author": {"name": "bob"}}])),
        push("r2", json!([{"id": "c4", "author": {"name": "bob"}}])),
    ]);
    let extract = "* | spath output=repository path=repository.url | spath output=commit_author path=commits{}.author.name | spath output=commit_id path=commits{}.id";
    let r = run_spl(
        &format!("{extract} | top commit_author by repository"),
        &evs,
    );
    assert_eq!(col(&r, "repository"), ["r1", "r1", "r2"]);
    assert_eq!(col(&r, "commit_author"), ["ann", "bob", "bob"]);
    let r = run_spl(
        &format!("{extract} | stats values(commit_id) by commit_author"),
        &evs,
    );
    assert_eq!(
        r,
        [
            json!({"commit_author": "ann", "values(commit_id)": ["c1", "c2"]}),
            json!({"commit_author": "bob", "values(commit_id)": ["c3", "c4"]}),
        ]
    );
}

// ---- makeresults ------------------------------------------------------------------

// Search Reference 10.0, makeresults, Basic example 1 `| makeresults | eval
// newfield="some value"`; Usage: `format=json data="[{\"name\":\"John\",
// \"age\":35}, {\"name\":\"Sarah\", \"age\":39}]"` and `format=csv
// data="name, age\nJohn,35\nSarah,39"` make one event per object or line.
#[test]
fn makeresults_basic_example_1_and_inline_data() {
    let r = run_spl(r#"| makeresults | eval newfield="some value""#, "");
    assert_eq!(r, [json!({"_time": 1700000000, "newfield": "some value"})]);
    for spl in [
        r#"| makeresults format=json data="[{\"name\":\"John\", \"age\":35}, {\"name\":\"Sarah\", \"age\":39}]""#,
        "| makeresults format=csv data=\"name, age\nJohn,35\nSarah,39\"",
    ] {
        let r = run_spl(spl, "");
        assert_eq!(col(&r, "name"), ["John", "Sarah"], "{spl}");
        assert_eq!(col(&r, "age"), ["35", "39"], "{spl}");
    }
}

// Search Reference 10.0, makeresults, Extended example 4: four events, one
// without age; `| eventstats avg(age) BY city` gives San Francisco 28 = (25 +
// 31) / 2 and Seattle 39, also on the Seattle event with no age.
#[test]
fn makeresults_extended_example_4_eventstats_by_city() {
    let r = run_spl(
        r#"| makeresults count=4 | streamstats count | eval age = case(count=1, 25, count=2, 39, count=3, 31, count=4, null()) | eval city = case(count=1 OR count=3, "San Francisco", count=2 OR count=4, "Seattle") | eventstats avg(age) BY city"#,
        "",
    );
    assert_eq!(col(&r, "age"), ["25", "39", "31", ""]);
    assert_eq!(
        col(&r, "city"),
        ["San Francisco", "Seattle", "San Francisco", "Seattle"]
    );
    assert_eq!(col(&r, "avg(age)"), ["28", "39", "28", "39"]);
}

// Search Reference 10.0, makeresults, Extended examples 1 and 5: `|
// makeresults count=5` gives five results with only _time; `eval
// test=round(random()/random(),4)` at most four decimals.
#[test]
fn makeresults_extended_examples_1_and_5() {
    let r = run_spl("| makeresults count=5", "");
    assert_eq!(r.len(), 5);
    assert!(r.iter().all(|e| e == &json!({"_time": 1700000000})));
    let r = run_spl(
        "| makeresults count=5 | streamstats count | eval test=round(random()/random(),4)",
        "",
    );
    for t in col(&r, "test") {
        let decimals = t.split('.').nth(1).map_or(0, str::len);
        assert!(decimals <= 4 && t.parse::<f64>().is_ok(), "{t}");
    }
}

// ---- untable ----------------------------------------------------------------------

// Search Reference 10.0, untable, Basic example: `sourcetype=access_*
// status=200 action=purchase | top categoryId | untable categoryId
// calculation value` gives, per category, a count row and a percent row.
#[test]
fn untable_basic_example_top_categories() {
    let evs = in_order(&[
        json!({"categoryId": "STRATEGY"}),
        json!({"categoryId": "STRATEGY"}),
        json!({"categoryId": "STRATEGY"}),
        json!({"categoryId": "ARCADE"}),
    ]);
    let r = run_spl(
        "* | top categoryId | untable categoryId calculation value",
        &evs,
    );
    assert_eq!(
        col(&r, "categoryId"),
        ["STRATEGY", "STRATEGY", "ARCADE", "ARCADE"]
    );
    assert_eq!(
        col(&r, "calculation"),
        ["count", "percent", "count", "percent"]
    );
    assert_eq!(col(&r, "value"), ["3", "75.000000", "1", "25.000000"]);
}

// Search Reference 10.0, untable, Extended example: `...| table _time
// EventCode Message | untable _time FieldName FieldValue` (two rows per
// event); with duplicate times, `streamstats count as recno | untable recno
// FieldName FieldValue | xyseries recno FieldName FieldValue` puts the events
// back together, and `rename _time as time … | rename time as _time`
// restores the timestamps.
#[test]
fn untable_extended_example_round_trip_with_recno() {
    let evs = ndjson(&[
        json!({"_time": 5, "EventCode": "4136", "Message": "Too late now"}),
        json!({"_time": 4, "EventCode": "1234", "Message": "I dont know"}),
        json!({"_time": 3, "EventCode": "1256", "Message": "Everything is happening at once"}),
        json!({"_time": 3, "EventCode": "1257", "Message": "And right now, as well"}),
    ]);
    let r = run_spl(
        "* | table _time EventCode Message | untable _time FieldName FieldValue",
        &evs,
    );
    assert_eq!(r.len(), 8);
    assert_eq!(
        r[1],
        json!({"_time": 5, "FieldName": "Message", "FieldValue": "Too late now"})
    );
    let r = run_spl(
        "* | table _time EventCode Message | streamstats count as recno | untable recno FieldName FieldValue | xyseries recno FieldName FieldValue",
        &evs,
    );
    assert_eq!(col(&r, "recno"), ["1", "2", "3", "4"]);
    assert_eq!(col(&r, "EventCode"), ["4136", "1234", "1256", "1257"]);
    let r = run_spl(
        "* | table _time EventCode Message | streamstats count as recno | rename _time as time | untable recno FieldName FieldValue | xyseries recno FieldName FieldValue | rename time as _time",
        &evs,
    );
    assert_eq!(col(&r, "_time"), ["5", "4", "3", "3"]);
    assert_eq!(
        col(&r, "Message"),
        [
            "Too late now",
            "I dont know",
            "Everything is happening at once",
            "And right now, as well"
        ]
    );
}

// ---- nomv -------------------------------------------------------------------------

// Search Reference 10.0, nomv, Example 1: `eventtype="sendmail" | nomv senders
// | top senders`: each event's senders become one value (newline-joined),
// so top counts the combinations, not the single senders.
#[test]
fn nomv_example_1_then_top() {
    let evs = in_order(&[
        json!({"senders": ["a@x", "b@x"]}),
        json!({"senders": ["a@x", "b@x"]}),
        json!({"senders": ["a@x"]}),
    ]);
    let r = run_spl("* | nomv senders{} | top senders{}", &evs);
    assert_eq!(col(&r, "senders{}"), ["a@x\nb@x", "a@x"]);
    assert_eq!(col(&r, "count"), ["2", "1"]);
}
