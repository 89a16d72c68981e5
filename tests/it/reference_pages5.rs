//! Issue 18, the fifth sweep: `outlier`, the one Search Reference command a
//! security_content detection uses that did not run
//! (`potential_password_in_username.yml`: `| outlier action=RM count`).
//! Each test cites the page and the example or sentence it encodes.

use crate::common::{col, fails, ndjson, roundtrip, run_spl};
use serde_json::json;

/// A parse or plan error's rendered diagnostic (exit code 2).
fn diagnostic(spl: &str) -> String {
    let (code, err) = fails(spl);
    assert_eq!(code, 2, "{spl:?}: {err}");
    err
}

/// Five rows of `count`: 1, 2, 3, 4 and 100, with a label each. Sorted,
/// the 25th percentile is 2 and the 75th is 4 (the closest-rank
/// interpolation perc25/perc75 use), so the IQR is 2 and the default upper
/// threshold 4 + 2.5·2 = 9.
fn counts(values: &[i64]) -> String {
    let events: Vec<_> = values
        .iter()
        .enumerate()
        .map(|(i, v)| json!({"_time": 1_700_000_100 - i as i64, "user": format!("u{i}"), "count": v}))
        .collect();
    ndjson(&events)
}

// Search Reference, outlier, "Usage": "If a field value in an event is less
// than (25th percentile) - param*IQR or greater than (75th percentile) +
// param*IQR, that field is transformed or that event is removed based on the
// action parameter." action defaults to transform: "truncates the outlying
// values to the threshold for outliers".
#[test]
fn outlier_transforms_values_above_the_upper_threshold_by_default() {
    let r = run_spl("* | outlier count", &counts(&[1, 2, 3, 4, 100]));
    assert_eq!(col(&r, "count"), ["1", "2", "3", "4", "9"]);
    assert_eq!(col(&r, "user"), ["u0", "u1", "u2", "u3", "u4"]);
}

// The detection's own form: `outlier action=RM count` (the abbreviation rm,
// written in capitals) removes the events holding an outlier.
#[test]
fn outlier_action_rm_removes_the_event() {
    let r = run_spl("* | outlier action=RM count", &counts(&[1, 2, 3, 4, 100]));
    assert_eq!(col(&r, "user"), ["u0", "u1", "u2", "u3"]);
    let r = run_spl(
        "* | outlier action=remove count",
        &counts(&[1, 2, 3, 4, 100]),
    );
    assert_eq!(r.len(), 4);
}

// "uselower: Controls whether to look for outliers for values below the
// median in addition to above. Default: false".
#[test]
fn outlier_looks_below_only_with_uselower() {
    // Sorted -100, 1, 2, 3, 4: 25th percentile 1, 75th 3, IQR 2, so the
    // lower threshold is 1 - 2.5·2 = -4.
    let data = counts(&[-100, 1, 2, 3, 4]);
    let r = run_spl("* | outlier count", &data);
    assert_eq!(col(&r, "count"), ["-100", "1", "2", "3", "4"]);
    let r = run_spl("* | outlier uselower=true count", &data);
    assert_eq!(col(&r, "count"), ["-4", "1", "2", "3", "4"]);
    let r = run_spl("* | outlier uselower=t action=rm count", &data);
    assert_eq!(col(&r, "user"), ["u1", "u2", "u3", "u4"]);
}

// "mark: If action=transform and mark=true, prefixes the outlying values
// with "000". If action=remove, the mark argument has no effect."
#[test]
fn outlier_mark_prefixes_the_transformed_value() {
    let data = counts(&[1, 2, 3, 4, 100]);
    let r = run_spl("* | outlier mark=true count", &data);
    assert_eq!(col(&r, "count"), ["1", "2", "3", "4", "0009"]);
    let r = run_spl("* | outlier action=remove mark=true count", &data);
    assert_eq!(col(&r, "user"), ["u0", "u1", "u2", "u3"]);
}

// "param: ... An outlier is defined as a numerical value that is outside of
// param multiplied by the inter-quartile range (IQR). Default: 2.5".
#[test]
fn outlier_param_scales_the_threshold() {
    // 1…5: 25th percentile 2, 75th 4, IQR 2.
    let data = counts(&[1, 2, 3, 4, 5]);
    assert_eq!(
        col(&run_spl("* | outlier count", &data), "count"),
        ["1", "2", "3", "4", "5"]
    );
    // param=0: anything above the 75th percentile is truncated to it.
    assert_eq!(
        col(&run_spl("* | outlier param=0 count", &data), "count"),
        ["1", "2", "3", "4", "4"]
    );
    // param=0.25: 4 + 0.5 = 4.5.
    assert_eq!(
        col(&run_spl("* | outlier param=0.25 count", &data), "count"),
        ["1", "2", "3", "4", "4.5"]
    );
}

// Example 2, "Remove all outlying numerical values": `... | outlier
// action=remove` with no field list ("If no fields are specified, then the
// outlier command attempts to process all fields"). Non-numerical values
// and internal fields (_time) are left alone; an event is removed when any
// of its fields is outlying.
#[test]
fn outlier_without_fields_processes_every_numerical_field() {
    let events = ndjson(&[
        json!({"_time": 1_700_000_005, "a": 1, "b": 10, "name": "x"}),
        json!({"_time": 1_700_000_004, "a": 2, "b": 11, "name": "y"}),
        json!({"_time": 1_700_000_003, "a": 3, "b": 12, "name": "z"}),
        json!({"_time": 1_700_000_002, "a": 4, "b": 900, "name": "w"}),
        json!({"_time": 1_700_000_001, "a": 100, "b": 13, "name": "v"}),
    ]);
    let r = run_spl("* | outlier action=remove", &events);
    assert_eq!(col(&r, "name"), ["x", "y", "z"]);
    let r = run_spl("* | outlier", &events);
    assert_eq!(col(&r, "a"), ["1", "2", "3", "4", "9"]);
    // b: sorted 10, 11, 12, 13, 900: 25th 11, 75th 13, threshold 18.
    assert_eq!(col(&r, "b"), ["10", "11", "12", "18", "13"]);
    assert_eq!(col(&r, "name"), ["x", "y", "z", "w", "v"]);
    assert_eq!(
        col(&r, "_time"),
        [
            "1700000005",
            "1700000004",
            "1700000003",
            "1700000002",
            "1700000001"
        ]
    );
}

// Example 1, "For a timechart of webserver events, transform the outlying
// average CPU values": `404 host="webserver" | timechart avg(cpu_seconds)
// by host | outlier action=tf`. Over five hours of one host with one busy
// hour, the busy hour's average is truncated; the _time column is not.
#[test]
fn outlier_example_timechart_then_transform() {
    let mut events = Vec::new();
    for (hour, cpu) in [1.0, 2.0, 3.0, 4.0, 50.0].iter().enumerate() {
        let t = 1_700_000_000 - 1_700_000_000 % 3600 + 3600 * hour as i64;
        events
            .push(json!({"_time": t + 60, "status": 404, "host": "webserver", "cpu_seconds": cpu}));
        events.push(
            json!({"_time": t + 120, "status": 404, "host": "webserver", "cpu_seconds": cpu}),
        );
    }
    events.reverse();
    let r = run_spl(
        "404 host=\"webserver\" | timechart span=1h avg(cpu_seconds) by host | outlier action=tf",
        &ndjson(&events),
    );
    assert_eq!(col(&r, "webserver"), ["1", "2", "3", "4", "9"]);
    let times = col(&r, "_time");
    assert_eq!(times.len(), 5);
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
}

// The options print back as written, and a bad value is an error at the option.
#[test]
fn outlier_round_trips_and_rejects_bad_values() {
    roundtrip("* | outlier action=rm mark=true param=3 uselower=f count, total");
    roundtrip("* | outlier");
    insta::assert_snapshot!(diagnostic("* | outlier action=drop count"));
    insta::assert_snapshot!(diagnostic("* | outlier param=-1 count"));
}
