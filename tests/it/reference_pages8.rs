//! Search Reference stats-function forms that the audit-stats2 ledger
//! recorded as differences, now run: the "Time functions" page's
//! `per_second`, `per_minute`, `per_hour` and `per_day` in `timechart`, and
//! the stats/chart pages' `sparkline(<func>(<field>)[, <span>])`.

use crate::common::{ndjson, roundtrip, run_spl};
use serde_json::json;

/// A multiple of one hour (and so of five minutes); 2023-11-14 22:00 UTC.
const B: i64 = 1_699_999_200;

fn web() -> String {
    ndjson(&[
        json!({"_time": B, "kb": 30, "total": 30, "method": "GET", "host": "a"}),
        json!({"_time": B + 10, "kb": 90, "total": 90, "method": "POST", "action": "purchase", "host": "b"}),
        json!({"_time": B + 70, "kb": 60, "total": 60, "method": "GET", "host": "a"}),
        json!({"_time": B + 3700, "kb": 12, "total": 12, "method": "GET", "action": "purchase", "host": "a"}),
    ])
}

// Search Reference, "Time functions", per_second: "returns the values for
// the field kb for each second" (`... | timechart per_second(kb)`): the sum
// of kb in each bucket divided by the bucket's width in seconds.
#[test]
fn per_second_of_kb() {
    let r = run_spl("* | timechart span=1m per_second(kb)", &web());
    // First minute: 30 + 90 = 120 kb over 60 s = 2; the second minute 60/60.
    // The hour's later buckets are empty (no value), and the last has 12/60.
    assert_eq!(r.len(), 62);
    assert_eq!(r[0], json!({"_time": B, "per_second(kb)": 2}));
    assert_eq!(r[1], json!({"_time": B + 60, "per_second(kb)": 1}));
    assert_eq!(r[2], json!({"_time": B + 120}));
    assert_eq!(r[61], json!({"_time": B + 3660, "per_second(kb)": 0.2}));
    // By a split-by field, each series divides its own sum.
    let r = run_spl("* | timechart span=1m per_second(kb) BY host", &web());
    assert_eq!(r[0], json!({"_time": B, "a": 0.5, "b": 1.5}));
    assert_eq!(r[1], json!({"_time": B + 60, "a": 1}));
}

// Search Reference, "Time functions": `... | timechart per_minute(total)`,
// `... | timechart per_hour(total)`, `... | timechart per_day(total)`
// ("returns the values for the field total for each minute/hour/day").
#[test]
fn per_minute_per_hour_per_day_of_total() {
    let r = run_spl(
        "* | timechart span=1h per_minute(total), per_hour(total), per_day(total)",
        &web(),
    );
    // First hour: 30 + 90 + 60 = 180 → 3 a minute, 180 an hour, 4320 a day;
    // the second hour: 12 → 0.2, 12, 288.
    assert_eq!(
        r,
        [
            json!({"_time": B, "per_minute(total)": 3, "per_hour(total)": 180, "per_day(total)": 4320}),
            json!({"_time": B + 3600, "per_minute(total)": 0.2, "per_hour(total)": 12, "per_day(total)": 288}),
        ]
    );
    // A bucket of one calendar month divides by its own length: November
    // 2023 has 30 days, so 192 in it is 6.4 a day.
    let r = run_spl("* | timechart span=1mon per_day(total)", &web());
    assert_eq!(r, [json!({"_time": 1_698_796_800, "per_day(total)": 6.4})]);
}

// Search Reference, "Time functions": `... | timechart per_day(eval(method="GET"))
// AS Views`, `... | timechart per_hour(eval(method="POST")) AS Views`,
// `... | timechart per_minute(eval(method="GET")) AS Views`: a true
// comparison counts one.
#[test]
fn per_unit_of_an_eval_expression() {
    let r = run_spl(
        "* | timechart span=1h per_day(eval(method=\"GET\")) AS Views",
        &web(),
    );
    // Two GETs in the first hour, 2 × 24 a day; one in the second, 24.
    assert_eq!(
        r,
        [
            json!({"_time": B, "Views": 48}),
            json!({"_time": B + 3600, "Views": 24}),
        ]
    );
    let r = run_spl(
        "* | timechart span=1h per_hour(eval(method=\"POST\")) AS Views",
        &web(),
    );
    // The second hour has no POST: no value.
    assert_eq!(
        r,
        [json!({"_time": B, "Views": 1}), json!({"_time": B + 3600})]
    );
    let r = run_spl(
        "* | timechart span=1h per_minute(eval(method=\"GET\")) AS Views",
        &web(),
    );
    assert_eq!(
        r,
        [
            json!({"_time": B, "Views": 2.0 * 60.0 / 3600.0}),
            json!({"_time": B + 3600, "Views": 60.0 / 3600.0}),
        ]
    );
}

// Search Reference, "Time functions", per_day, Extended example:
// `sourcetype=access_* | timechart per_day(eval(method="GET")) AS Views_day,
// per_hour(eval(method="GET")) AS Views_hour, per_minute(eval(method="GET"))
// AS Views_minute, per_day(eval(action="purchase")) AS Purchases`.
#[test]
fn per_day_extended_example_views_and_purchases() {
    let r = run_spl(
        "* | timechart span=1h per_day(eval(method=\"GET\")) AS Views_day, \
         per_hour(eval(method=\"GET\")) AS Views_hour, per_minute(eval(method=\"GET\")) AS Views_minute, \
         per_day(eval(action=\"purchase\")) AS Purchases",
        &web(),
    );
    assert_eq!(
        r,
        [
            json!({"_time": B, "Views_day": 48, "Views_hour": 2, "Views_minute": 2.0 * 60.0 / 3600.0, "Purchases": 24}),
            json!({"_time": B + 3600, "Views_day": 24, "Views_hour": 1, "Views_minute": 60.0 / 3600.0, "Purchases": 24}),
        ]
    );
    // In an eval over aggregations too: per_minute(kb) × 2.
    let r = run_spl(
        "* | timechart span=1h eval(per_minute(kb) * 2) AS twice",
        &web(),
    );
    assert_eq!(
        r,
        [
            json!({"_time": B, "twice": 6}),
            json!({"_time": B + 3600, "twice": 0.4}),
        ]
    );
}

// The per_* functions print back as they parse.
#[test]
fn per_unit_round_trips() {
    for spl in [
        "* | timechart per_second(kb)",
        "* | timechart span=1h per_day(eval(method=\"GET\")) AS Views, per_minute(total) BY host",
    ] {
        roundtrip(spl);
    }
}

fn devices() -> String {
    ndjson(&[
        json!({"_time": B, "host": "a", "user": "u1", "device": "d1", "source": "s1", "sourcetype": "st1", "x": 10}),
        json!({"_time": B + 60, "host": "a", "device": "d2", "source": "s2", "sourcetype": "st1", "x": 20}),
        json!({"_time": B + 400, "host": "a", "user": "u2", "device": "d1", "source": "s1", "sourcetype": "st1", "x": 30}),
        json!({"_time": B + 3700, "host": "b", "user": "u3", "device": "d3", "source": "s3", "sourcetype": "st2", "x": 5}),
        json!({"_time": B + 7300, "host": "a", "device": "d1", "source": "s1", "sourcetype": "st1", "x": 40}),
    ])
}

/// A sparkline's value: the marker and then the numbers.
fn spark(vals: &[&str]) -> serde_json::Value {
    let mut v = vec!["##__SPARKLINE__##".to_string()];
    v.extend(vals.iter().map(|s| s.to_string()));
    json!(v)
}

// Search Reference, "Aggregate functions", count, basic examples: "generates
// a sparkline chart to count the events that use the _raw field"
// (`... sparkline(count)`) and "…that have the user field" (`...
// sparkline(count(user))`); one-hour buckets, as the bare `sparkline`.
#[test]
fn sparkline_count_and_count_of_user() {
    let r = run_spl(
        "* | stats sparkline(count), sparkline(count(user)), sparkline BY host",
        &devices(),
    );
    // host a: three events in the first hour, none in the second, one in the
    // third; two of them have a user, both in the first hour. host b: one.
    assert_eq!(
        r,
        [
            json!({"host": "a", "sparkline(count)": spark(&["3", "0", "1"]),
                   "sparkline(count(user))": spark(&["2"]), "sparkline": spark(&["3", "0", "1"])}),
            json!({"host": "b", "sparkline(count)": spark(&["1"]),
                   "sparkline(count(user))": spark(&["1"]), "sparkline": spark(&["1"])}),
        ]
    );
}

// Search Reference, "Aggregate functions", distinct_count, basic examples:
// "generates sparklines for the distinct count of devices and renames the
// field" (`...sparkline(dc(device)) AS numdevices`) and "counts the distinct
// sources for each sourcetype, and buckets the count for each five minute
// spans" (`...sparkline(dc(source),5m) BY sourcetype`); the estdc page has
// the same two with estdc.
#[test]
fn sparkline_distinct_counts() {
    for spl in [
        "* | stats sparkline(dc(device)) AS numdevices BY host",
        "* | stats sparkline(estdc(device)) AS numdevices BY host",
    ] {
        let r = run_spl(spl, &devices());
        // host a: d1, d2 (and d1 again) in the first hour, d1 in the third.
        assert_eq!(
            r,
            [
                json!({"host": "a", "numdevices": spark(&["2", "0", "1"])}),
                json!({"host": "b", "numdevices": spark(&["1"])}),
            ],
            "{spl}"
        );
    }
    // st1: s1 and s2 in B's five minutes, s1 in the next, none for 22
    // buckets, s1 at B + 7300 (the 25th bucket).
    let mut st1 = vec!["2", "1"];
    st1.extend(std::iter::repeat_n("0", 22));
    st1.push("1");
    for spl in [
        "* | stats sparkline(dc(source),5m) BY sourcetype",
        "* | stats sparkline(estdc(source),5m) BY sourcetype",
    ] {
        let r = run_spl(spl, &devices());
        let name = if spl.contains("estdc") {
            "sparkline(estdc(source),5m)"
        } else {
            "sparkline(dc(source),5m)"
        };
        assert_eq!(
            r,
            [
                json!({"sourcetype": "st1", name: spark(&st1)}),
                json!({"sourcetype": "st2", name: spark(&["1"])}),
            ],
            "{spl}"
        );
    }
}

// Search Reference, stats, "sparkline-func": c, count, dc, mean, avg, stdev,
// stdevp, var, varp, sum, sumsq, min, max, range, each "applied to the events
// that fall into each particular time bin"; in chart too ("sparkline-agg-term").
#[test]
fn sparkline_of_other_functions_and_in_chart() {
    let r = run_spl(
        "* | stats sparkline(avg(x), 5m) AS a, sparkline(max(x),1h) AS m, sparkline(sum(x), 2h) AS s \
         BY sourcetype",
        &devices(),
    );
    let mut avg = vec!["15", "30"];
    avg.extend(std::iter::repeat_n("0", 22));
    avg.push("40");
    // Two-hour buckets from the epoch: B starts one, so B + 7300 is in the next.
    assert_eq!(
        r,
        [
            json!({"sourcetype": "st1", "a": spark(&avg), "m": spark(&["30", "0", "40"]), "s": spark(&["60", "40"])}),
            json!({"sourcetype": "st2", "a": spark(&["5"]), "m": spark(&["5"]), "s": spark(&["5"])}),
        ]
    );
    let r = run_spl(
        "* | chart sparkline(count) AS trend, count OVER host",
        &devices(),
    );
    assert_eq!(
        r,
        [
            json!({"host": "a", "trend": spark(&["3", "0", "1"]), "count": 4}),
            json!({"host": "b", "trend": spark(&["1"]), "count": 1}),
        ]
    );
}

// The sparkline forms print back as they parse (the span without a space
// before it, as the pages write it).
#[test]
fn sparkline_round_trips() {
    for spl in [
        "* | stats sparkline(count)",
        "* | stats sparkline(count(user))",
        "* | stats sparkline(dc(device)) AS numdevices",
        "* | stats sparkline(dc(source),5m) BY sourcetype",
        "* | stats sparkline(avg(x), 5m), sparkline, count",
        "* | stats sparkline(c, 30s) AS t",
        "* | chart sparkline(count) AS trend, count OVER host",
    ] {
        roundtrip(spl);
    }
    let p = roundtrip("* | stats sparkline(avg(x), 5m)");
    assert_eq!(p.to_string(), "* | stats sparkline(avg(x),5m)");
}
