//! Binning options inside `chart` and `timechart` that earlier audits
//! recorded as gaps, now run: bin options after chart's row and column
//! fields (Search Reference, chart: "Bin options", basic examples 4, 6, 7,
//! extended examples 3 and 4) and timechart's `aligntime=` and `minspan=`
//! (Search Reference, timechart: "Bin options", "Spans used when minspan is
//! specified", basic example 7). A field is binned as `bin` bins it.

use crate::common::{ndjson, roundtrip, run_spl, run_spl_with};
use serde_json::json;

/// `--now` of the test runs is 1700000000 (2023-11-14T22:13:20Z), so in
/// UTC `@d` is 1699920000 and `@d+5h` is 1699938000.
const AT5: i64 = 1_699_938_000;
const H: i64 = 3600;

fn sizes(extra: &[serde_json::Value]) -> String {
    let mut v = vec![
        json!({"size": 3, "delay": 1}),
        json!({"size": 17, "delay": 5}),
        json!({"size": 12, "delay": 9}),
        json!({"size": 45, "delay": 2}),
        json!({"size": 99, "delay": 7}),
    ];
    v.extend(extra.iter().cloned());
    ndjson(&v)
}

// Search Reference, chart, basic example 4, "Chart the maximum "delay" by
// "size" and separate "size" into bins" (`... | chart max(delay) BY size
// bins=10`): size "is broken down into a maximum of 10 equal sized bins";
// the Bin options section: "the search finds the smallest bin size that
// results in no more than 300 distinct bins" (here 10).
#[test]
fn chart_max_delay_by_size_bins() {
    let spl = "* | chart max(delay) BY size bins=10";
    // Sizes 3..99: span 10 makes 10 bins (0-10 … 90-100); with cont=true
    // (the default) the empty ones show a null maximum.
    let r = run_spl(spl, &sizes(&[]));
    let mut want = vec![
        json!({"size": "0-10", "max(delay)": 1}),
        json!({"size": "10-20", "max(delay)": 9}),
    ];
    want.extend(["20-30", "30-40"].map(|b| json!({ "size": b })));
    want.push(json!({"size": "40-50", "max(delay)": 2}));
    want.extend(["50-60", "60-70", "70-80", "80-90"].map(|b| json!({ "size": b })));
    want.push(json!({"size": "90-100", "max(delay)": 7}));
    assert_eq!(r, want);
    // cont=false shows the bins with values only, as `bin` before chart.
    assert_eq!(
        run_spl(
            "* | chart max(delay) BY size bins=10 cont=false",
            &sizes(&[])
        ),
        run_spl(
            "* | bin size bins=10 | chart max(delay) BY size",
            &sizes(&[])
        )
    );
    // With a size of 150, span 10 would make 16 bins: span 100 makes 2.
    let more = sizes(&[json!({"size": 150, "delay": 4})]);
    assert_eq!(
        run_spl(spl, &more),
        [
            json!({"size": "0-100", "max(delay)": 9}),
            json!({"size": "100-200", "max(delay)": 4}),
        ]
    );
    // Bin options written before the aggregation bin the row field too.
    assert_eq!(
        run_spl("* | chart bins=10 max(delay) BY size", &more),
        run_spl(spl, &more)
    );
}

fn days_hours() -> String {
    ndjson(&[
        json!({"date_mday": 1, "date_hour": 3}),
        json!({"date_mday": 2, "date_hour": 13}),
        json!({"date_mday": 5, "date_hour": 23}),
        json!({"date_mday": 4, "date_hour": 11}),
        json!({"date_mday": 31, "date_hour": 0}),
    ])
}

// Search Reference, chart, basic example 6, "Chart the number of events,
// grouped by date and hour" (`... | chart count BY date_mday span=3
// date_hour span=12`): "The span applies to the field immediately prior".
#[test]
fn chart_count_by_day_and_hour_with_a_span_each() {
    let r = run_spl(
        "* | chart count BY date_mday span=3 date_hour span=12",
        &days_hours(),
    );
    // Days 1, 2 → 0-3; 4, 5 → 3-6; 31 → 30-33. Hours 0, 3, 11 → 0-12;
    // 13, 23 → 12-24. cont=true (the default) shows the days between with
    // counts of 0.
    let mut want = vec![
        json!({"date_mday": "0-3", "0-12": 1, "12-24": 1}),
        json!({"date_mday": "3-6", "0-12": 1, "12-24": 1}),
    ];
    for d in (6..30).step_by(3) {
        want.push(json!({"date_mday": format!("{d}-{}", d + 3), "0-12": 0, "12-24": 0}));
    }
    want.push(json!({"date_mday": "30-33", "0-12": 1, "12-24": 0}));
    assert_eq!(r, want);
    assert_eq!(
        run_spl(
            "* | chart count BY date_mday span=3 date_hour span=12 cont=false",
            &days_hours()
        ),
        run_spl(
            "* | bin date_mday span=3 | bin date_hour span=12 | chart count BY date_mday date_hour",
            &days_hours()
        )
    );
    // The OVER … BY form takes bin options after each field as well.
    assert_eq!(
        r,
        run_spl(
            "* | chart count OVER date_mday span=3 BY date_hour span=12",
            &days_hours()
        )
    );
}

fn times() -> String {
    ndjson(&[
        json!({"_time": AT5}),          // 05:00
        json!({"_time": AT5 + 42_000}), // 16:40
        json!({"_time": AT5 + 43_199}), // 16:59:59
        json!({"_time": AT5 + 43_200}), // 17:00
        json!({"_time": AT5 + 92_000}), // next day 06:33:20
    ])
}

// Search Reference, chart, basic example 7, "Align the chart time bins to
// local time" (`...| chart count BY _time span=12h aligntime=@d+5h`): "The
// bins will represent 5am - 5pm, then 5pm - 5am (the next day)".
#[test]
fn chart_count_by_time_aligned_to_5am() {
    let utc = ["--tz", "UTC"];
    let spl = "* | chart count BY _time span=12h aligntime=@d+5h";
    let r = run_spl_with(&utc, spl, &times());
    assert_eq!(
        r,
        [
            json!({"_time": AT5, "count": 3}),
            json!({"_time": AT5 + 12 * H, "count": 1}),
            json!({"_time": AT5 + 24 * H, "count": 1}),
        ]
    );
    assert_eq!(
        r,
        run_spl_with(
            &utc,
            "* | bin _time span=12h aligntime=@d+5h | chart count BY _time",
            &times()
        )
    );
    // Without aligntime the bins start at midnight and noon.
    let midnight = AT5 - 5 * H;
    assert_eq!(
        run_spl_with(&utc, "* | chart count BY _time span=12h", &times()),
        [
            json!({"_time": midnight, "count": 1}),
            json!({"_time": midnight + 12 * H, "count": 3}),
            json!({"_time": midnight + 24 * H, "count": 1}),
        ]
    );
}

fn purchases() -> String {
    // One transaction per clientip: durations 0, 1, 3, 5, 2 and 130 seconds.
    let t = 1_699_990_000;
    let mut v = Vec::new();
    for (ip, offsets) in [
        ("10.0.0.1", &[0][..]),
        ("10.0.0.2", &[0, 1][..]),
        ("10.0.0.3", &[0, 3][..]),
        ("10.0.0.4", &[0, 5][..]),
        ("10.0.0.5", &[0, 1, 2][..]),
        ("10.0.0.6", &[0, 130][..]),
    ] {
        for o in offsets {
            v.push(json!({"_time": t + o, "clientip": ip, "status": 200, "action": "purchase"}));
        }
    }
    v.sort_by_key(|e| -e["_time"].as_i64().unwrap());
    ndjson(&v)
}

// Search Reference, chart, extended example 3, "Chart the number of
// transactions by duration" (`sourcetype=access_* status=200
// action=purchase | transaction clientip maxspan=10m | chart count BY
// duration span=log2`), whose table starts `0`, `1-2`, `2-4`, `4-8`, and
// extended example 4 (`... | transaction clientip maxspan=30m | chart
// avg(eventcount) by duration span=log2`).
#[test]
fn chart_transactions_by_log2_duration() {
    let r = run_spl(
        "status=200 action=purchase | transaction clientip maxspan=10m | chart count BY duration span=log2",
        &purchases(),
    );
    // A duration of 0 has no logarithmic bin and stays as it is (the number 0).
    assert_eq!(
        r,
        [
            json!({"duration": 0, "count": 1}),
            json!({"duration": "1-2", "count": 1}),
            json!({"duration": "2-4", "count": 2}),
            json!({"duration": "4-8", "count": 1}),
            // cont=true (the default): the empty bins between, counted 0.
            json!({"duration": "8-16", "count": 0}),
            json!({"duration": "16-32", "count": 0}),
            json!({"duration": "32-64", "count": 0}),
            json!({"duration": "64-128", "count": 0}),
            json!({"duration": "128-256", "count": 1}),
        ]
    );
    assert_eq!(
        run_spl(
            "status=200 action=purchase | transaction clientip maxspan=10m | chart count BY duration span=log2 cont=false",
            &purchases()
        ),
        run_spl(
            "status=200 action=purchase | transaction clientip maxspan=10m | bin duration span=log2 | chart count BY duration",
            &purchases()
        )
    );
    // 2-4 holds the transactions of 2 (duration 3) and 3 events (duration 2).
    assert_eq!(
        run_spl(
            "status=200 action=purchase | transaction clientip maxspan=30m | chart avg(eventcount) by duration span=log2",
            &purchases(),
        ),
        [
            json!({"duration": 0, "avg(eventcount)": 1}),
            json!({"duration": "1-2", "avg(eventcount)": 2}),
            json!({"duration": "2-4", "avg(eventcount)": 2.5}),
            json!({"duration": "4-8", "avg(eventcount)": 2}),
            // The empty bins have no average (cont=true).
            json!({"duration": "8-16"}),
            json!({"duration": "16-32"}),
            json!({"duration": "32-64"}),
            json!({"duration": "64-128"}),
            json!({"duration": "128-256", "avg(eventcount)": 2}),
        ]
    );
}

// Search Reference, timechart, basic example 7, "Align the chart time bins
// to local time" (`...| timechart _time span=12h aligntime=@d+5h`, written
// there without an aggregation; run here with `count`), and the Bin options
// section: aligntime is "Ignored if span is in days, months, or years".
#[test]
fn timechart_aligned_to_5am() {
    let utc = ["--tz", "UTC"];
    let r = run_spl_with(
        &utc,
        "* | timechart span=12h aligntime=@d+5h count",
        &times(),
    );
    assert_eq!(
        r,
        [
            json!({"_time": AT5, "count": 3}),
            json!({"_time": AT5 + 12 * H, "count": 1}),
            json!({"_time": AT5 + 24 * H, "count": 1}),
        ]
    );
    // An empty bin between two aligned ones is filled (cont=true).
    let gap = ndjson(&[json!({"_time": AT5 + 30 * H}), json!({"_time": AT5 + H})]);
    assert_eq!(
        run_spl_with(&utc, "* | timechart span=12h aligntime=@d+5h count", &gap),
        [
            json!({"_time": AT5, "count": 1}),
            json!({"_time": AT5 + 12 * H, "count": 0}),
            json!({"_time": AT5 + 24 * H, "count": 1}),
        ]
    );
    // span=1d ignores aligntime: days start at midnight.
    assert_eq!(
        run_spl_with(
            &utc,
            "* | timechart span=1d aligntime=@d+5h count",
            &times()
        ),
        [
            json!({"_time": AT5 - 5 * H, "count": 4}),
            json!({"_time": AT5 + 19 * H, "count": 1}),
        ]
    );
    // aligntime=earliest: the run's --earliest (1699938060, a minute past
    // 05:00; the first event is before it and left out).
    assert_eq!(
        run_spl_with(
            &["--tz", "UTC", "--earliest", "1699938060"],
            "* | timechart span=12h aligntime=earliest count",
            &times(),
        ),
        [
            json!({"_time": AT5 + 60, "count": 3}),
            json!({"_time": AT5 + 60 + 12 * H, "count": 0}),
            json!({"_time": AT5 + 60 + 24 * H, "count": 1}),
        ]
    );
}

// Search Reference, bin, aligntime: "Ignored if span is in days, months, or
// years" (`bin` shares the code chart uses).
#[test]
fn bin_aligntime_ignored_for_day_spans() {
    let utc = ["--tz", "UTC"];
    assert_eq!(
        run_spl_with(
            &utc,
            "* | bin _time span=1d aligntime=@d+5h | stats count by _time",
            &times()
        ),
        [
            json!({"_time": AT5 - 5 * H, "count": 4}),
            json!({"_time": AT5 + 19 * H, "count": 1}),
        ]
    );
}

// Search Reference, timechart, "Spans used when minspan is specified": "if
// you specify minspan=15m that is equivalent to 900 seconds. The minimum
// span that can be used is 1800 seconds, or 30 minutes."
#[test]
fn timechart_minspan_picks_the_next_standard_span() {
    let hour = 1_699_999_200;
    let ev = ndjson(&[json!({"_time": hour + 600}), json!({"_time": hour})]);
    // Ten minutes of events: the automatic span is 10s (61 rows) …
    assert_eq!(run_spl("* | timechart count", &ev).len(), 61);
    // … at least 15m: 30m, one row.
    assert_eq!(
        run_spl("* | timechart minspan=15m count", &ev),
        [json!({"_time": hour, "count": 2})]
    );
    // An explicit span wins over minspan.
    assert_eq!(
        run_spl("* | timechart span=5m minspan=15m count", &ev).len(),
        3
    );
}

/// Hostile bin values run without a panic: a huge `bins`, a tiny span.
#[test]
fn chart_bins_hostile_values_do_not_panic() {
    let ev = ndjson(&[
        json!({"x": 0.5, "y": 1e300}),
        json!({"x": 1e300, "y": -1e300}),
    ]);
    let r = run_spl(
        "* | chart count BY x bins=18446744073709551615 y span=0.000000001",
        &ev,
    );
    assert_eq!(r.len(), 2);
}

#[test]
fn chart_and_timechart_bin_options_round_trip() {
    for spl in [
        "* | chart max(delay) BY size bins=10",
        "* | chart count BY date_mday span=3 date_hour span=12",
        "* | chart count BY _time span=12h aligntime=@d+5h",
        "* | chart count OVER a bins=3 BY b span=2 limit=5",
        "* | chart bins=4 count BY x",
        "* | chart count BY a, b span=log2",
        "* | chart count BY a span=3, b span=log2",
        "* | transaction clientip maxspan=10m | chart count BY duration span=log2",
        "* | timechart span=12h aligntime=@d+5h count",
        "* | timechart minspan=15m count BY host",
    ] {
        roundtrip(spl);
    }
}

// Search Reference, stats, extended example 3 (`source=all_month.csv |
// chart count AS "Number of Earthquakes" BY mag span=1 | rename mag AS
// "Magnitude Range"`): magnitudes in bins of 1, in bin order.
#[test]
fn chart_earthquakes_by_magnitude_range() {
    let ev = ndjson(&[
        json!({"mag": 2.5}),
        json!({"mag": 1.8}),
        json!({"mag": 1.2}),
        json!({"mag": 0.3}),
        json!({"mag": -0.5}),
        json!({"mag": 10.1}),
    ]);
    assert_eq!(
        run_spl(
            "* | chart count AS \"Number of Earthquakes\" BY mag span=1 | rename mag AS \"Magnitude Range\"",
            &ev
        ),
        [
            json!({"Magnitude Range": "-1-0", "Number of Earthquakes": 1}),
            json!({"Magnitude Range": "0-1", "Number of Earthquakes": 1}),
            json!({"Magnitude Range": "1-2", "Number of Earthquakes": 2}),
            json!({"Magnitude Range": "2-3", "Number of Earthquakes": 1}),
            // cont=true (the default): the empty bins, counted 0.
            json!({"Magnitude Range": "3-4", "Number of Earthquakes": 0}),
            json!({"Magnitude Range": "4-5", "Number of Earthquakes": 0}),
            json!({"Magnitude Range": "5-6", "Number of Earthquakes": 0}),
            json!({"Magnitude Range": "6-7", "Number of Earthquakes": 0}),
            json!({"Magnitude Range": "7-8", "Number of Earthquakes": 0}),
            json!({"Magnitude Range": "8-9", "Number of Earthquakes": 0}),
            json!({"Magnitude Range": "9-10", "Number of Earthquakes": 0}),
            json!({"Magnitude Range": "10-11", "Number of Earthquakes": 1}),
        ]
    );
}
