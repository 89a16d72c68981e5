//! Issue 18, the second sweep: the worked examples of the Search Reference
//! pages of stats, eventstats, streamstats, where, table, fields, eval,
//! rare/top, timechart/chart/bin and tstats, and of the eval function pages
//! (Conversion, Text, Date and time, JSON, Multivalue, Comparison and
//! Conditional, Mathematical, Statistical eval). Each test cites its page and
//! example; examples over Splunk's sample data run over small inputs of the
//! same shape.

use crate::common::{col, fails, in_order, run_spl};
use serde_json::json;

// ---- stats --------------------------------------------------------------------

/// Web access events: host, method, the two delay fields, bytes, status.
fn web() -> String {
    in_order(&[
        json!({"host": "www1", "method": "GET", "delay": "10", "xdelay": "1", "bytes": "100", "status": "200"}),
        json!({"host": "www1", "method": "POST", "delay": "20", "xdelay": "3", "bytes": "300", "status": "404"}),
        json!({"host": "www2", "method": "GET", "delay": "30", "bytes": "50", "status": "200"}),
        json!({"host": "www2", "method": "GET", "delay": "40", "xdelay": "5", "bytes": "50", "status": "503"}),
        json!({"host": "www3", "method": "POST", "status": "200"}),
    ])
}

// Search Reference, stats, Example "Use eval expressions to count the
// different types of requests against each Web server":
// `stats count(eval(method="GET")) as GET, count(eval(method="POST")) as POST BY host`.
#[test]
fn stats_count_eval_by_host() {
    let r = run_spl(
        "* | stats count(eval(method=\"GET\")) as GET, count(eval(method=\"POST\")) as POST BY host",
        &web(),
    );
    assert_eq!(col(&r, "host"), ["www1", "www2", "www3"]);
    assert_eq!(col(&r, "GET"), ["1", "2", "0"]);
    assert_eq!(col(&r, "POST"), ["1", "0", "1"]);
}

// Search Reference, stats, Example "Return the average for each hour, of any
// unique field that ends with the string "lay"": `stats avg(*lay) BY
// date_hour` gives one column per matching field (delay, xdelay); the
// stats-agg-term syntax allows "wild card characters in field names".
#[test]
fn stats_wildcard_field_names() {
    let r = run_spl("* | stats avg(*lay) BY host", &web());
    assert_eq!(col(&r, "host"), ["www1", "www2", "www3"]);
    assert_eq!(col(&r, "avg(delay)"), ["15", "35", ""]);
    assert_eq!(col(&r, "avg(xdelay)"), ["2", "5", ""]);
    // The alias's `*` takes what the field's `*` matched.
    let r = run_spl("* | stats max(*lay) AS max_*lay", &web());
    assert_eq!(col(&r, "max_delay"), ["40"]);
    assert_eq!(col(&r, "max_xdelay"), ["5"]);
    // `values(*) AS * BY host`: every other field's values under its own
    // name (the BY field stays the group's value, `_` fields are left out).
    let r = run_spl("* | stats values(*) AS * BY host", &web());
    assert_eq!(col(&r, "method"), ["[\"GET\",\"POST\"]", "GET", "POST"]);
    assert_eq!(
        col(&r, "status"),
        ["[\"200\",\"404\"]", "[\"200\",\"503\"]", "200"]
    );
    assert_eq!(col(&r, "host"), ["www1", "www2", "www3"]);
    assert_eq!(col(&r, "_time"), ["", "", ""]);
    // Mixed with plain aggregations.
    let r = run_spl("* | stats count, sum(*ytes) AS total_*", &web());
    assert_eq!(col(&r, "count"), ["5"]);
    assert_eq!(col(&r, "total_b"), ["500"]);
}

// The other stats-family commands do not expand wildcards here: planning
// says so rather than aggregating nothing (grammar/README.md).
#[test]
fn wildcard_aggregations_outside_stats_are_refused() {
    for spl in [
        "| makeresults | eventstats avg(*lay)",
        "| makeresults | streamstats max(*)",
        "| makeresults | timechart avg(*lay)",
    ] {
        let (code, err) = fails(spl);
        assert_ne!(code, 0, "{spl}");
        assert!(err.contains("supported by stats only"), "{spl}: {err}");
    }
}
