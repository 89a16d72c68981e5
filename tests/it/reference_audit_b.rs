//! Conformance audit (helper b): the worked examples of Search Reference
//! command pages that had no test yet. Each test cites the page and quotes
//! the example's SPL; the events are small ones built to exercise it. The
//! ledger of every example of these pages is grammar/examples/commands-b.md.

use crate::common::{col, in_order, run_spl};
use serde_json::json;

// ---- stats ------------------------------------------------------------------------

/// Web and mail events: referer_domain, host, mailfrom.
fn web_mail() -> String {
    in_order(&[
        json!({"referer_domain": "a.com", "host": "h1", "mailfrom": "x@corp.com", "bytes": 100}),
        json!({"referer_domain": "a.com", "host": "h2", "mailfrom": "y@site.net", "bytes": 20}),
        json!({"referer_domain": "b.com", "host": "h1", "mailfrom": "z@charity.org", "bytes": 3}),
        json!({"referer_domain": "c.com", "host": "h3", "mailfrom": "w@mail.io", "bytes": 7}),
        json!({"referer_domain": "c.com", "host": "h3", "mailfrom": "v@corp.com", "bytes": 1}),
    ])
}

// Search Reference, stats, Basic example "Search the access logs, and return
// the total number of hits from the top 100 values of referer_domain":
// `sourcetype=access_combined | top limit=100 referer_domain | stats sum(count) AS total`.
// With `limit=2` only the two most common domains are summed.
#[test]
fn stats_sum_of_top_counts() {
    let r = run_spl(
        "* | top limit=100 referer_domain | stats sum(count) AS total",
        &web_mail(),
    );
    assert_eq!(r, [json!({"total": 5})]);
    let r = run_spl(
        "* | top limit=2 referer_domain | stats sum(count) AS total",
        &web_mail(),
    );
    assert_eq!(r, [json!({"total": 4})]);
}

// Search Reference, stats, Basic example "Remove duplicates in the result
// set and return the total count for the unique results": `... | stats dc(host)`.
#[test]
fn stats_distinct_count_of_hosts() {
    let r = run_spl("* | stats dc(host)", &web_mail());
    assert_eq!(r, [json!({"dc(host)": 3})]);
}

// Search Reference, stats, Extended example "Determine how much email comes
// from each domain": `eval accountname=split(mailfrom,"@"),
// from_domain=mvindex(accountname,-1) | stats count(eval(match(from_domain,
// "[^\n\r\s]+\.com"))) AS ".com", … count(eval(NOT match(from_domain,
// "[^\n\r\s]+\.(com|net|org)"))) AS "other"`.
#[test]
fn stats_count_eval_match_per_mail_domain() {
    let spl = r#"* | eval accountname=split(mailfrom,"@"), from_domain=mvindex(accountname,-1) | stats count(eval(match(from_domain, "[^\n\r\s]+\.com"))) AS ".com", count(eval(match(from_domain, "[^\n\r\s]+\.net"))) AS ".net", count(eval(match(from_domain, "[^\n\r\s]+\.org"))) AS ".org", count(eval(NOT match(from_domain, "[^\n\r\s]+\.(com|net|org)"))) AS "other""#;
    let r = run_spl(spl, &web_mail());
    assert_eq!(r, [json!({".com": 2, ".net": 1, ".org": 1, "other": 1})]);
}

// Search Reference (SPL2), "stats command: Examples" 1 and 2: `... | stats
// sum(bytes)` is one row, one column named after the aggregation; `... |
// stats sum(bytes) BY host` one row per host, the BY field first.
#[test]
fn stats_sum_and_sum_by_host() {
    let r = run_spl("* | stats sum(bytes)", &web_mail());
    assert_eq!(r, [json!({"sum(bytes)": 131})]);
    let r = run_spl("* | stats sum(bytes) BY host", &web_mail());
    assert_eq!(
        r,
        [
            json!({"host": "h1", "sum(bytes)": 103}),
            json!({"host": "h2", "sum(bytes)": 20}),
            json!({"host": "h3", "sum(bytes)": 8}),
        ]
    );
}

// ---- search -----------------------------------------------------------------------

/// Events for the search page's examples: src/dst, code, host, xqp, status,
/// action (the last event has no action).
fn search_events() -> String {
    in_order(&[
        json!({"id": 1, "src": "10.9.165.4", "dst": "192.0.2.1", "code": 10, "host": "webserver1", "xqp": 7, "status": 404, "action": "addtocart"}),
        json!({"id": 2, "src": "192.0.2.2", "dst": "10.9.165.8", "code": 29, "host": "localhost", "xqp": 9, "status": 200, "action": "purchase"}),
        json!({"id": 3, "src": "192.0.2.3", "dst": "10.9.165.80", "code": 43, "host": "webserver2", "xqp": 3, "status": 503, "action": "view"}),
        json!({"id": 4, "src": "192.0.2.4", "dst": "192.0.2.4", "code": 44, "host": "mail", "xqp": 8, "status": 500}),
    ])
}

fn ids(spl: &str) -> Vec<String> {
    col(
        &run_spl(&format!("{spl} | table id"), &search_events()),
        "id",
    )
}

// Search Reference, search, Examples: field-value matching with a wildcard
// and OR, `search src="10.9.165.*" OR dst="10.9.165.8"` (an exact value
// does not match a longer one).
#[test]
fn search_wildcard_value_or_exact_value() {
    assert_eq!(
        ids(r#"* | search src="10.9.165.*" OR dst="10.9.165.8""#),
        ["1", "2"]
    );
}

// Search Reference, search, Examples: boolean and comparison operators,
// `search (code=10 OR code=29 OR code=43) host!="localhost" xqp>5`, and the
// same with IN: `search code IN(10, 29, 43) host!="localhost" xqp>5`.
#[test]
fn search_boolean_comparison_and_in() {
    assert_eq!(
        ids(r#"* | search (code=10 OR code=29 OR code=43) host!="localhost" xqp>5"#),
        ["1"]
    );
    assert_eq!(
        ids(r#"* | search code IN(10, 29, 43) host!="localhost" xqp>5"#),
        ["1"]
    );
}

// Search Reference, search, Examples: wildcards in values, `search
// host=webserver* (status=4* OR status=5*)` and `search host=webserver*
// status IN(4*, 5*)`; and IN over text values, `search
// sourcetype=access_combined_wcookie action IN (addtocart, purchase)`.
#[test]
fn search_wildcards_and_in_lists() {
    assert_eq!(
        ids("* | search host=webserver* (status=4* OR status=5*)"),
        ["1", "3"]
    );
    assert_eq!(
        ids("* | search host=webserver* status IN(4*, 5*)"),
        ["1", "3"]
    );
    assert_eq!(
        ids("* | search action IN (addtocart, purchase)"),
        ["1", "2"]
    );
}

// Search Reference, search, Examples "Using the NOT or != comparisons":
// `NOT action=purchase` also returns events without an action field,
// `action!=purchase` only events that have one.
#[test]
fn search_not_versus_not_equal() {
    assert_eq!(ids("* | search NOT action=purchase"), ["1", "3", "4"]);
    assert_eq!(ids("* | search action!=purchase"), ["1", "3"]);
}

// ---- rex --------------------------------------------------------------------------

// Search Reference, rex, Example "Display IP address and ports of potential
// attackers": `sourcetype=linux_secure port "failed password" | rex
// "\s+(?<ports>port \d+)" | top src_ip ports showperc=0`.
#[test]
fn rex_ports_then_top_without_percent() {
    let events = in_order(&[
        json!({"_raw": "Failed password for root from 10.0.0.1 port 2222 ssh2", "src_ip": "10.0.0.1"}),
        json!({"_raw": "Failed password for bob from 10.0.0.1 port 2222 ssh2", "src_ip": "10.0.0.1"}),
        json!({"_raw": "Failed password for al from 10.0.0.2 port 3333 ssh2", "src_ip": "10.0.0.2"}),
        json!({"_raw": "Accepted password for al from 10.0.0.3 port 4444 ssh2", "src_ip": "10.0.0.3"}),
    ]);
    let r = run_spl(
        r#"port "failed password" | rex "\s+(?<ports>port \d+)" | top src_ip ports showperc=0"#,
        &events,
    );
    assert_eq!(
        r,
        [
            json!({"src_ip": "10.0.0.1", "ports": "port 2222", "count": 2}),
            json!({"src_ip": "10.0.0.2", "ports": "port 3333", "count": 1}),
        ]
    );
}

// ---- sort ---------------------------------------------------------------------------

// Search Reference, sort, Examples: `sort lastname, -firstname` (ascending,
// then descending for equal values) and `sort ip(ipaddress), -str(url)`.
#[test]
fn sort_mixed_orders_and_typed_fields() {
    let people = in_order(&[
        json!({"lastname": "Lee", "firstname": "Ann"}),
        json!({"lastname": "Kim", "firstname": "Bo"}),
        json!({"lastname": "Lee", "firstname": "Zed"}),
        json!({"lastname": "Kim", "firstname": "Al"}),
    ]);
    let r = run_spl(
        "* | sort lastname, -firstname | table lastname firstname",
        &people,
    );
    assert_eq!(col(&r, "firstname"), ["Bo", "Al", "Zed", "Ann"]);
    let hits = in_order(&[
        json!({"ipaddress": "10.0.0.10", "url": "/a"}),
        json!({"ipaddress": "9.0.0.1", "url": "/z"}),
        json!({"ipaddress": "10.0.0.10", "url": "/b"}),
        json!({"ipaddress": "10.0.0.9", "url": "/c"}),
    ]);
    let r = run_spl(
        "* | sort ip(ipaddress), -str(url) | table ipaddress url",
        &hits,
    );
    assert_eq!(col(&r, "url"), ["/z", "/c", "/b", "/a"]);
}

// ---- makeresults ----------------------------------------------------------------------

// Search Reference, makeresults, Example "Create a set of events with
// different timestamps": `| makeresults count=5 | streamstats count | eval
// _time=_time-(count*86400)`: one day apart, going back from now.
#[test]
fn makeresults_events_one_day_apart() {
    let r = run_spl(
        "| makeresults count=5 | streamstats count | eval _time=_time-(count*86400)",
        "",
    );
    assert_eq!(col(&r, "count"), ["1", "2", "3", "4", "5"]);
    assert_eq!(
        col(&r, "_time"),
        [
            "1699913600",
            "1699827200",
            "1699740800",
            "1699654400",
            "1699568000"
        ]
    );
}

// ---- where ----------------------------------------------------------------------------

// Search Reference, where, Example "Specify a calculation in the where
// expression": `sourcetype=physicsobjs | where distance/time > 100` keeps the
// results whose computed speed is above 100.
#[test]
fn where_calculation_in_the_expression() {
    let objs = in_order(&[
        json!({"obj": "a", "distance": 500, "time": 2}),
        json!({"obj": "b", "distance": 50, "time": 1}),
        json!({"obj": "c", "distance": 300, "time": 4}),
        json!({"obj": "d", "distance": 101, "time": 1}),
    ]);
    let r = run_spl("* | where distance/time > 100 | table obj", &objs);
    assert_eq!(col(&r, "obj"), ["a", "d"]);
}

// ---- top --------------------------------------------------------------------------------

// Search Reference, top, Example "Return the 20 most common values for a
// field": `... | top limit=20 url` (the default would be 10).
#[test]
fn top_limit_twenty() {
    let mut evs = Vec::new();
    for i in 1..=25 {
        for _ in 0..i {
            evs.push(json!({"url": format!("/u{i}")}));
        }
    }
    let evs = in_order(&evs);
    let r = run_spl("* | top limit=20 url", &evs);
    assert_eq!(r.len(), 20);
    assert_eq!(
        r[0],
        json!({"url": "/u25", "count": 25, "percent": "7.692308"})
    );
    assert_eq!(col(&r, "url")[19], "/u6");
    assert_eq!(run_spl("* | top url", &evs).len(), 10);
}

// Search Reference, top, Extended example "Return the top product purchased
// for each category": `sourcetype=access_* status=200 action=purchase | top 1
// productName by categoryId showperc=f countfield=total`.
#[test]
fn top_one_per_category_with_countfield() {
    let evs = in_order(&[
        json!({"status": 200, "action": "purchase", "categoryId": "ARCADE", "productName": "Manganiello"}),
        json!({"status": 200, "action": "purchase", "categoryId": "ARCADE", "productName": "Manganiello"}),
        json!({"status": 200, "action": "purchase", "categoryId": "ARCADE", "productName": "Orvil"}),
        json!({"status": 200, "action": "purchase", "categoryId": "STRATEGY", "productName": "Mediocre"}),
        json!({"status": 404, "action": "purchase", "categoryId": "STRATEGY", "productName": "Final"}),
        json!({"status": 404, "action": "purchase", "categoryId": "STRATEGY", "productName": "Final"}),
        json!({"status": 200, "action": "view", "categoryId": "STRATEGY", "productName": "Final"}),
    ]);
    let r = run_spl(
        "status=200 action=purchase | top 1 productName by categoryId showperc=f countfield=total",
        &evs,
    );
    assert_eq!(
        r,
        [
            json!({"categoryId": "ARCADE", "productName": "Manganiello", "total": 2}),
            json!({"categoryId": "STRATEGY", "productName": "Mediocre", "total": 1}),
        ]
    );
}

// ---- timechart --------------------------------------------------------------------------

/// Events a few seconds to minutes apart on two hosts, before `--now`;
/// `B` is a multiple of five minutes.
const B: i64 = 1_699_999_200;

fn cpu_events() -> String {
    crate::common::ndjson(&[
        json!({"_time": B + 430, "host": "a", "CPU": 8, "thruput": 3}),
        json!({"_time": B + 70, "host": "b", "CPU": 4, "thruput": 1}),
        json!({"_time": B + 30, "host": "a", "CPU": 20, "thruput": 7}),
        json!({"_time": B, "host": "a", "CPU": 10, "thruput": 5}),
    ])
}

// Search Reference, timechart, Examples "Chart the average of "CPU" for each
// "host"" (`... | timechart span=1m avg(CPU) BY host`) and "Chart the average
// "thruput" of hosts over time" (`... | timechart span=5m avg(thruput) BY host`):
// one row per span, one column per host.
#[test]
fn timechart_average_by_host_per_span() {
    let r = run_spl("* | timechart span=1m avg(CPU) BY host", &cpu_events());
    // The first minute holds a's 10 and 20, the second b's 4; then empty
    // minutes up to a's 8 in the eighth.
    assert_eq!(r.len(), 8);
    assert_eq!(r[0], json!({"_time": B, "a": 15}));
    assert_eq!(r[1], json!({"_time": B + 60, "b": 4}));
    assert_eq!(r[2], json!({"_time": B + 120}));
    assert_eq!(r[7], json!({"_time": B + 420, "a": 8}));
    // SPL2 examples, 1 (`count()` is SPL1's `count`): the events per host
    // and hour.
    let r = run_spl("* | timechart span=1h count BY host", &cpu_events());
    assert_eq!(r, [json!({"_time": 1_699_999_200, "a": 3, "b": 1})]);
    let r = run_spl("* | timechart span=5m avg(thruput) BY host", &cpu_events());
    assert_eq!(
        r,
        [
            json!({"_time": B, "a": 6, "b": 1}),
            json!({"_time": B + 300, "a": 3}),
        ]
    );
}

// ---- transaction ------------------------------------------------------------------------

// Search Reference, transaction, Example "Transactions with the same host,
// time range, and pause": `... | transaction host maxspan=30s maxpause=5s`.
// A gap over 5 seconds, or a span over 30, starts a new transaction.
#[test]
fn transaction_host_maxspan_maxpause() {
    let evs = crate::common::ndjson(&[
        json!({"_time": 140, "host": "b"}),
        json!({"_time": 120, "host": "a"}),
        json!({"_time": 106, "host": "a"}),
        json!({"_time": 104, "host": "b"}),
        json!({"_time": 103, "host": "a"}),
        json!({"_time": 100, "host": "a"}),
        json!({"_time": 100, "host": "b"}),
    ]);
    let r = run_spl(
        "* | transaction host maxspan=30s maxpause=5s | table _time host eventcount duration",
        &evs,
    );
    let mut got: Vec<(String, String, String, String)> = r
        .iter()
        .map(|row| {
            (
                row["host"].as_str().unwrap().to_string(),
                row["_time"].to_string(),
                row["eventcount"].to_string(),
                row["duration"].to_string(),
            )
        })
        .collect();
    got.sort();
    let want = [
        ("a", "100", "3", "6"),
        ("a", "120", "1", "0"),
        ("b", "100", "2", "4"),
        ("b", "140", "1", "0"),
    ];
    let want: Vec<(String, String, String, String)> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(got, want);
}

// ---- mvexpand ---------------------------------------------------------------------------

// Search Reference (SPL2), mvexpand, Examples "Limit the number of values
// from the multivalue field to expand" (`... | mvexpand limit=10
// my_mvfield`, the option before the field) and the pipeline example that
// takes every IP address out of `_raw` with `rex max_match=0` and expands them.
#[test]
fn mvexpand_limit_first_and_rex_every_match() {
    let r = run_spl(
        "| makeresults | eval my_mvfield=mvrange(0, 15) | mvexpand limit=10 my_mvfield | table my_mvfield",
        "",
    );
    assert_eq!(r.len(), 10);
    assert_eq!(col(&r, "my_mvfield")[9], "9");
    let raw = "9/13/2024 09:00:00 SERVER myserver STATUS: OK Server 1: 192.0.2.1Server 2: 192.0.2.2Server 3: 192.0.2.3";
    let r = run_spl(
        r#"* | rex field=_raw max_match=0 "(?P<iplist>\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})" | mvexpand iplist | table iplist"#,
        &in_order(&[json!({ "_raw": raw })]),
    );
    assert_eq!(col(&r, "iplist"), ["192.0.2.1", "192.0.2.2", "192.0.2.3"]);
}

// ---- mvcombine / nomv ---------------------------------------------------------------------

/// Hosts with their byte counts; a and b have the same max and min.
fn host_bytes() -> String {
    in_order(&[
        json!({"host": "a", "bytes": 5}),
        json!({"host": "b", "bytes": 5}),
        json!({"host": "c", "bytes": 9}),
        json!({"host": "c", "bytes": 1}),
    ])
}

// Search Reference, mvcombine, Example "Creating a multivalue field":
// `... | stats max(bytes) AS max, min(bytes) AS min BY host | mvcombine
// host`: rows identical but for host become one row whose host is
// multivalue.
#[test]
fn mvcombine_hosts_with_the_same_statistics() {
    let r = run_spl(
        "* | stats max(bytes) AS max, min(bytes) AS min BY host | mvcombine host",
        &host_bytes(),
    );
    assert_eq!(
        r,
        [
            json!({"host": ["a", "b"], "max": 5, "min": 5}),
            json!({"host": "c", "max": 9, "min": 1}),
        ]
    );
}

// Search Reference, mvcombine, delim: values "1", "2" and "3" combined with
// `delim=";"` read 1;2;3 once `nomv` comes right after ("To use the delim
// argument, you must use the nomv command immediately after the mvcombine
// command"). Elsewhere, and without delim, nomv joins with newlines.
#[test]
fn mvcombine_delim_then_nomv_joins_with_the_delimiter() {
    let three = "| makeresults count=3 | streamstats count | fields - _time";
    let r = run_spl(
        &format!("{three} | mvcombine delim=\";\" count | nomv count"),
        "",
    );
    assert_eq!(r, [json!({"count": "1;2;3"})]);
    let r = run_spl(&format!("{three} | mvcombine count | nomv count"), "");
    assert_eq!(r, [json!({"count": "1\n2\n3"})]);
    // Not immediately after: the delimiter no longer applies.
    let r = run_spl(
        &format!("{three} | mvcombine delim=\";\" count | eval x=1 | nomv count | fields count"),
        "",
    );
    assert_eq!(r, [json!({"count": "1\n2\n3"})]);
    // Another field's nomv is not affected.
    let r = run_spl(
        &format!("{three} | eval m=split(\"x,y\", \",\") | mvcombine delim=\";\" count | nomv m | fields m"),
        "",
    );
    assert_eq!(col(&r, "m"), ["x\ny"]);
}

// ---- makeresults (continued) --------------------------------------------------------------

// Search Reference, makeresults, Example "Add a field with string values":
// `| makeresults | eval test="buttercup rarity tenderhoof dash mcintosh
// fleetfoot mistmane" | makemv delim=" " test | mvexpand test`: one result
// per name.
#[test]
fn makeresults_string_values_expanded() {
    let r = run_spl(
        r#"| makeresults | eval test="buttercup rarity tenderhoof dash mcintosh fleetfoot mistmane" | makemv delim=" " test | mvexpand test | table test"#,
        "",
    );
    assert_eq!(
        col(&r, "test"),
        [
            "buttercup",
            "rarity",
            "tenderhoof",
            "dash",
            "mcintosh",
            "fleetfoot",
            "mistmane"
        ]
    );
}

// ---- map ------------------------------------------------------------------------------------

// Search Reference, map, Extended example: `sourcetype=syslog sudo | stats
// count by user host | map search="search index=ad_summary username=$user$
// type_logon=ad_last_logon"`: one search per user, each result's `$user$`
// substituted.
#[test]
fn map_one_search_per_sudo_user() {
    let evs = crate::common::ndjson(&[
        json!({"_time": 10, "sourcetype": "syslog", "_raw": "sudo: alice : COMMAND=/bin/ls", "user": "alice", "host": "h1"}),
        json!({"_time": 9, "sourcetype": "syslog", "_raw": "sudo: bob : COMMAND=/bin/ls", "user": "bob", "host": "h2"}),
        json!({"_time": 8, "sourcetype": "syslog", "_raw": "sshd: carol login", "user": "carol", "host": "h1"}),
        json!({"_time": 7, "index": "ad_summary", "username": "alice", "type_logon": "ad_last_logon", "last": "2023-11-01"}),
        json!({"_time": 6, "index": "ad_summary", "username": "carol", "type_logon": "ad_last_logon", "last": "2023-10-01"}),
        json!({"_time": 5, "index": "ad_summary", "username": "bob", "type_logon": "other", "last": "2023-09-01"}),
    ]);
    let r = run_spl(
        r#"sourcetype=syslog sudo | stats count by user host | map search="search index=ad_summary username=$user$ type_logon=ad_last_logon" | table username last"#,
        &evs,
    );
    assert_eq!(r, [json!({"username": "alice", "last": "2023-11-01"})]);
}

// ---- sort (continued) ---------------------------------------------------------------------

/// Response times on three hosts over two hours.
fn response_times() -> String {
    crate::common::ndjson(&[
        json!({"_time": 1_700_000_000, "host": "a", "time_taken": 10}),
        json!({"_time": 1_700_000_000, "host": "c", "time_taken": 30}),
        json!({"_time": 1_699_996_500, "host": "b", "time_taken": 70}),
        json!({"_time": 1_699_996_400, "host": "b", "time_taken": 50}),
    ])
}

// Search Reference, sort, Example "Sort results by the _time field in
// ascending order and then by the host value in descending order": `... |
// sort _time, -host`.
#[test]
fn sort_time_ascending_then_host_descending() {
    let r = run_spl(
        "* | sort _time, -host | table _time host",
        &response_times(),
    );
    assert_eq!(col(&r, "host"), ["b", "b", "c", "a"]);
    assert_eq!(
        col(&r, "_time"),
        ["1699996400", "1699996500", "1700000000", "1700000000"]
    );
}

// Search Reference, sort, Basic example 4 "Changing the time format of
// events for sorting": `... | bin _time span=60m | eval Time=strftime(_time,
// "%m/%d %H:%M %Z") | stats avg(time_taken) AS AverageResponseTime BY Time |
// sort - Time` (descending by the new Time field; the averages here rise
// the other way, so sorting by them instead would fail).
#[test]
fn sort_hourly_average_response_time_descending() {
    let out = crate::common::spleval()
        .args([
            "run",
            "--now",
            "1700000000",
            "--tz",
            "UTC",
            "--format",
            "json",
            "--spl",
            r#"* | bin _time span=60m | eval Time=strftime(_time, "%m/%d %H:%M %Z") | stats avg(time_taken) AS AverageResponseTime BY Time | sort - Time"#,
        ])
        .write_stdin(response_times())
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = crate::common::rows(&out.stdout);
    assert_eq!(
        r,
        [
            json!({"Time": "11/14 22:00 UTC", "AverageResponseTime": 20}),
            json!({"Time": "11/14 21:00 UTC", "AverageResponseTime": 60}),
        ]
    );
}
