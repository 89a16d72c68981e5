//! Search Reference forms that earlier audits recorded as gaps, now run:
//! eval expressions over aggregations in `chart` and `timechart`, and the
//! `name::value` indexed-field terms (with the `starttimeu::`/`endtimeu::`
//! time modifiers).

use crate::common::{ndjson, roundtrip, run_spl};
use serde_json::json;

/// A multiple of one hour.
const B: i64 = 1_699_999_200;

fn cpu_mem() -> String {
    ndjson(&[
        json!({"_time": B + 70, "host": "a", "CPU": 30, "MEM": 4, "processor": "p1", "cpu_seconds": 1.234}),
        json!({"_time": B + 50, "host": "b", "CPU": 5, "MEM": 2, "processor": "p2", "cpu_seconds": 2.0}),
        json!({"_time": B + 20, "host": "a", "CPU": 10, "MEM": 2, "processor": "p1", "cpu_seconds": 2.111}),
        json!({"_time": B, "host": "a", "CPU": 20, "MEM": 6, "processor": "p2", "cpu_seconds": 0.5}),
    ])
}

// Search Reference, timechart, Example "Chart the product of the average
// "CPU" and average "MEM" for each "host"" (`... | timechart span=1m
// eval(avg(CPU) * avg(MEM)) BY host`): the expression per span and host.
#[test]
fn timechart_product_of_averages_by_host() {
    let r = run_spl(
        "* | timechart span=1m eval(avg(CPU) * avg(MEM)) BY host",
        &cpu_mem(),
    );
    // First minute: a has CPU 20, 10 (avg 15) and MEM 6, 2 (avg 4): 60;
    // b has 5 × 2 = 10. Second minute: a alone, 30 × 4 = 120.
    assert_eq!(
        r,
        [
            json!({"_time": B, "a": 60, "b": 10}),
            json!({"_time": B + 60, "a": 120}),
        ]
    );
}

// Search Reference, "Overview of stats and chart functions" ("Using eval
// expressions in statistical and charting functions"): `... | timechart
// eval(round(avg(cpu_seconds),2)) BY processor`.
#[test]
fn timechart_rounded_average_by_processor() {
    let r = run_spl(
        "* | timechart span=1h eval(round(avg(cpu_seconds),2)) BY processor",
        &cpu_mem(),
    );
    // p1: (1.234 + 2.111) / 2 = 1.6725 → 1.67; p2: (2.0 + 0.5) / 2 = 1.25.
    assert_eq!(r, [json!({"_time": B, "p1": 1.67, "p2": 1.25})]);
}

// An eval over aggregations mixes with plain ones, takes `count()`,
// `count(eval(<expr>))` and percentiles; without a column split it needs AS
// (the chart page: "Unless you specify a split-by clause, the eval expression
// must be renamed"); a group with no value for an aggregation leaves the
// expression null.
#[test]
fn eval_over_aggregations_forms() {
    let r = run_spl(
        "* | chart count, eval(count() * 10) AS tens, eval(count(eval(CPU>=10)) / count()) AS share, \
         eval(p50(CPU) + max(MEM)) AS pm BY host",
        &cpu_mem(),
    );
    assert_eq!(
        r,
        [
            json!({"host": "a", "count": 3, "tens": 30, "share": 1, "pm": 26}),
            json!({"host": "b", "count": 1, "tens": 10, "share": 0, "pm": 7}),
        ]
    );
    let r = run_spl("* | chart eval(avg(missing) + 1) AS x BY host", &cpu_mem());
    assert_eq!(r, [json!({"host": "a"}), json!({"host": "b"})]);
}

// The form prints back as it parses.
#[test]
fn eval_over_aggregations_round_trips() {
    for spl in [
        "* | chart eval(avg(size) / max(delay)) AS ratio BY host user",
        "* | timechart span=1m eval(round(avg(cpu_seconds), 2)) BY processor",
    ] {
        let p = roundtrip(spl);
        assert_eq!(p.to_string(), spl);
    }
}

/// Events on two hosts; `src` and `_raw` hold IPv6 addresses.
fn hosts() -> String {
    ndjson(&[
        json!({"_time": 300, "host": "WWW1", "src": "10.0.0.1", "_raw": "e"}),
        json!({"_time": 200, "host": "www2", "src": "::1", "_raw": "c ::1 d"}),
        json!({"_time": 100, "host": "www1", "src": "fe80::1", "_raw": "a fe80::1 b"}),
    ])
}

// Search Reference, search, "Use the `field::value` syntax to search indexed
// fields": spleval has no index, so `host::www1` tests the field as
// `host=www1` does (case-insensitive, wildcards). A token that is an IPv6
// address (`fe80::1`, `::1`) stays a plain term ("The search command
// supports IPv4 and IPv6 addresses").
#[test]
fn indexed_field_terms_test_the_field() {
    let hosts_of = |spl: &str| crate::common::col(&run_spl(spl, &hosts()), "host");
    assert_eq!(hosts_of("host::www1"), ["WWW1", "www1"]);
    assert_eq!(hosts_of("host::www*"), ["WWW1", "www2", "www1"]);
    assert_eq!(hosts_of("NOT host::www1"), ["www2"]);
    assert_eq!(hosts_of("host::CASE(www1)"), ["www1"]);
    assert_eq!(
        hosts_of("host::www1 OR host::www2"),
        ["WWW1", "www2", "www1"]
    );
    // IPv6 terms search the raw text, as before.
    assert_eq!(hosts_of("fe80::1"), ["www1"]);
    assert_eq!(hosts_of("::1"), ["www2"]);
    assert_eq!(hosts_of("src=fe80::1"), ["www1"]);
    // The form prints back as it parses, the IPv6 term too.
    let p = roundtrip("search host::www1 fe80::1 NOT sourcetype::\"a b\"");
    assert_eq!(
        p.to_string(),
        "search host::www1 fe80::1 NOT sourcetype::\"a b\""
    );
    // Nothing after `::` is an error at that position.
    let (code, err) = crate::common::fails("host:: | stats count");
    assert_eq!(code, 2);
    assert!(err.contains("expected a value after host::"), "{err}");
}

// Search Reference, search, time modifiers: `starttimeu=<integer>` and
// `endtimeu=<integer>` bound `_time` in epoch seconds, written with `::` in
// the map page's example (`... | map search="search starttimeu::$start$
// endtimeu::$end$" maxsearches=10`).
#[test]
fn starttimeu_and_endtimeu_bound_the_time() {
    let hosts_of = |spl: &str| crate::common::col(&run_spl(spl, &hosts()), "host");
    assert_eq!(hosts_of("starttimeu::150 endtimeu::250"), ["www2"]);
    assert_eq!(hosts_of("starttimeu=150"), ["WWW1", "www2"]);
    assert_eq!(hosts_of("endtimeu=150"), ["www1"]);
    // map: one search per result, each with its own window.
    let r = run_spl(
        "| makeresults count=2 | streamstats count AS n | eval start=if(n=1, 50, 250), \
         end=if(n=1, 150, 350) | map search=\"search starttimeu::$start$ endtimeu::$end$\" \
         maxsearches=10 | table host",
        &hosts(),
    );
    assert_eq!(crate::common::col(&r, "host"), ["www1", "WWW1"]);
}

// Search Reference, top, "Lexicographic order of results": with `limit`,
// of equally common values the last one sorted lexicographically is kept;
// the page's search gives Orlando for each user, count 1, 33.333333%:
// `| makeresults | eval location="Orlando Dallas Atlanta" | makemv location
// | mvexpand location | eval user="Alex Kai Morgan" | makemv user
// | mvexpand user | top limit=1 location by user`.
#[test]
fn top_ties_keep_the_last_value() {
    let r = run_spl(
        "| makeresults | eval location=\"Orlando Dallas Atlanta\" | makemv location \
         | mvexpand location | eval user=\"Alex Kai Morgan\" | makemv user \
         | mvexpand user | top limit=1 location by user",
        "",
    );
    assert_eq!(
        r,
        [
            json!({"user": "Alex", "location": "Orlando", "count": 1, "percent": "33.333333"}),
            json!({"user": "Kai", "location": "Orlando", "count": 1, "percent": "33.333333"}),
            json!({"user": "Morgan", "location": "Orlando", "count": 1, "percent": "33.333333"}),
        ]
    );
    // rare keeps the first of its ties.
    let r = run_spl(
        "| makeresults | eval location=\"Orlando Dallas Atlanta\" | makemv location \
         | mvexpand location | rare limit=1 location",
        "",
    );
    assert_eq!(crate::common::col(&r, "location"), ["Atlanta"]);
}

// Search Reference, stats, basic example 5 (`...| stats avg(field) BY mvfield
// dedup_splitvals=true`): options may follow the BY clause, and
// "dedup_splitvals: Specifies whether to remove duplicate values in
// multivalued BY clause fields" (default false: a repeated value counts the
// event again in its group).
#[test]
fn stats_dedup_splitvals_after_by() {
    let base = "| makeresults | eval f=\"a a b\", x=2 | makemv f \
                | append [| makeresults | eval f=\"a\", x=4] | stats count avg(x) BY f";
    let r = run_spl(&format!("{base} dedup_splitvals=true"), "");
    assert_eq!(
        r,
        [
            json!({"f": "a", "count": 2, "avg(x)": 3}),
            json!({"f": "b", "count": 1, "avg(x)": 2}),
        ]
    );
    let r = run_spl(base, "");
    assert_eq!(crate::common::col(&r, "count"), ["3", "1"]);
    let p = roundtrip("* | stats avg(x) BY f dedup_splitvals=true");
    assert_eq!(p.to_string(), "* | stats dedup_splitvals=true avg(x) BY f");
}

// Search Reference, chart, basic example 8 (`...| chart avg(field) BY mvfield
// dedup_splitval=true`): duplicate values of a multivalue split field count
// once; timechart takes the option (`dedup_splitvals`) for its series too.
#[test]
fn chart_and_timechart_dedup_splitvals() {
    let base = "| makeresults | eval f=\"a a b\", x=2 | makemv f \
                | append [| makeresults | eval f=\"a\", x=4]";
    let r = run_spl(
        &format!("{base} | chart count avg(x) BY f dedup_splitval=true"),
        "",
    );
    assert_eq!(
        r,
        [
            json!({"f": "a", "count": 2, "avg(x)": 3}),
            json!({"f": "b", "count": 1, "avg(x)": 2}),
        ]
    );
    let r = run_spl(&format!("{base} | chart count BY f"), "");
    assert_eq!(crate::common::col(&r, "count"), ["3", "1"]);
    // As the split-by (column) field, in chart and timechart.
    let r = run_spl(
        &format!("{base} | eval h=1 | chart count OVER h BY f dedup_splitvals=t"),
        "",
    );
    assert_eq!(r, [json!({"h": 1, "a": 2, "b": 1})]);
    let r = run_spl(
        &format!("{base} | eval _time=0 | timechart span=1h count BY f dedup_splitvals=true"),
        "",
    );
    assert_eq!(r, [json!({"_time": 0, "a": 2, "b": 1})]);
    let r = run_spl(
        &format!("{base} | eval _time=0 | timechart span=1h count BY f"),
        "",
    );
    assert_eq!(r, [json!({"_time": 0, "a": 3, "b": 1})]);
}
