//! Search Reference 10.0 examples that used to be chosen differences.

use crate::common::{self, col};

/// Date and Time functions, strptime, Extended example:
/// `| gentimes start=8/13/18 increment=6h | fields starthuman endhuman |
/// eval startunix=strptime(starthuman,"%a %B %d %H:%M:%S.%N %Y")`. The
/// times have no subseconds, yet the page's table gives each a time
/// (1534143600.000000 for "Mon Aug 13 00:00:00 2018", in a zone seven
/// hours behind UTC): a subsecond part the value lacks is left out,
/// separator and all.
#[test]
fn strptime_extended_example_without_the_subseconds_the_format_names() {
    let out = common::spleval()
        .args(["run", "--now", "1534400000", "--tz", "America/Los_Angeles"])
        .args(["--format", "json", "--spl"])
        .arg(
            r#"| gentimes start=8/13/18 increment=6h | fields starthuman endhuman | eval startunix=strptime(starthuman,"%a %B %d %H:%M:%S.%N %Y")"#,
        )
        .output()
        .unwrap();
    let rows = common::rows(&common::stdout_ok(out));
    assert_eq!(
        col(&rows, "starthuman")[..2],
        ["Mon Aug 13 00:00:00 2018", "Mon Aug 13 06:00:00 2018"]
    );
    assert_eq!(
        col(&rows, "startunix")[..8],
        [
            "1534143600",
            "1534165200",
            "1534186800",
            "1534208400",
            "1534230000",
            "1534251600",
            "1534273200",
            "1534294800"
        ]
    );
}

/// The same leniency keeps the subseconds when they are there, and only a
/// subsecond conversion is skipped with its separator: another literal the
/// value lacks still makes the parse fail (NULL).
#[test]
fn strptime_subseconds_present_or_absent() {
    let row = common::eval_row(
        r#"a=strptime("2018-08-13 00:00:00.250", "%Y-%m-%d %H:%M:%S.%3N"), b=strptime("2018-08-13 00:00:00", "%Y-%m-%d %H:%M:%S.%3N"), c=strptime("2018-08-13 00:00:00", "%Y-%m-%d %H:%M:%S,%Q"), d=if(isnull(strptime("2018-08-13 00:00", "%Y-%m-%d %H:%M:%S")), "null", "time")"#,
    );
    assert_eq!(row["a"], serde_json::json!(1534118400.25));
    assert_eq!(row["b"], serde_json::json!(1534118400));
    assert_eq!(row["c"], serde_json::json!(1534118400));
    assert_eq!(row["d"], "null");
}

/// Two events at 22:15 and 22:25 (UTC) on 2023-11-14.
const TWO_EVENTS: &str = "{\"_time\":1700000100,\"a\":1}\n{\"_time\":1700000700,\"a\":2}\n";

fn timechart(flags: &[&str], spl: &str, events: &str) -> Vec<(String, String)> {
    let spl = format!("{spl} | eval t=strftime(_time, \"%H:%M\")");
    let rows = common::run_spl_with(flags, &spl, events);
    col(&rows, "t")
        .into_iter()
        .zip(col(&rows, "count"))
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// timechart (10.0), fixedrange: "Specifies whether or not to enforce the
/// earliest and latest times of the search. Setting fixedrange=false
/// allows the timechart command to constrict or expand to the time range
/// covered by all events in the dataset." Default: true. The search's
/// time range here is `--earliest`/`--latest` (22:10 to 22:43:20).
#[test]
fn timechart_fixedrange_enforces_the_search_time_range() {
    let range = ["--earliest", "1699999800", "--latest", "1700001800"];
    assert_eq!(
        timechart(&range, "| timechart span=10m count", TWO_EVENTS),
        pairs(&[
            ("22:10", "1"),
            ("22:20", "1"),
            ("22:30", "0"),
            ("22:40", "0")
        ])
    );
    assert_eq!(
        timechart(
            &range,
            "| timechart span=10m fixedrange=false count",
            TWO_EVENTS
        ),
        pairs(&[("22:10", "1"), ("22:20", "1")])
    );
    // No events in the range: still one row per bucket of the range.
    assert_eq!(
        timechart(
            &["--earliest", "1699999800", "--latest", "1700001000"],
            "| timechart span=10m count",
            ""
        ),
        pairs(&[("22:10", "0"), ("22:20", "0")])
    );
    // Without a time range (all time) the events' own range is used.
    assert_eq!(
        timechart(&[], "| timechart span=10m count", TWO_EVENTS),
        pairs(&[("22:10", "1"), ("22:20", "1")])
    );
}

/// timechart (10.0), partial: "Controls if partial time bins should be
/// retained or not. Only the first and last bin can be partial." Default
/// true. From 22:11:40 to 22:41:40 the 22:10 and 22:40 bins are partial.
#[test]
fn timechart_partial_false_drops_the_cut_first_and_last_bins() {
    let range = ["--earliest", "1699999900", "--latest", "1700001700"];
    assert_eq!(
        timechart(&range, "| timechart span=10m count", TWO_EVENTS),
        pairs(&[
            ("22:10", "1"),
            ("22:20", "1"),
            ("22:30", "0"),
            ("22:40", "0")
        ])
    );
    assert_eq!(
        timechart(
            &range,
            "| timechart span=10m partial=false count",
            TWO_EVENTS
        ),
        pairs(&[("22:20", "1"), ("22:30", "0")])
    );
}

/// timechart (10.0), `<start-end>`: "Sets the minimum and maximum extents
/// for numerical bins. Data outside of the [start, end] range is
/// discarded." The 22:25 event is after end=22:23:20.
#[test]
fn timechart_start_end_set_the_extents_and_discard_outside() {
    assert_eq!(
        timechart(
            &[],
            "| timechart span=10m start=1700000000 end=1700000600 count",
            TWO_EVENTS
        ),
        pairs(&[("22:10", "1"), ("22:20", "0")])
    );
    assert_eq!(
        timechart(
            &[],
            "| timechart span=10m start=1699999200 count",
            TWO_EVENTS
        ),
        pairs(&[("22:00", "0"), ("22:10", "1"), ("22:20", "1")])
    );
}

#[test]
fn timechart_range_options_take_their_kinds_of_value() {
    let (code, err) = common::fails("| makeresults | timechart fixedrange=maybe count");
    assert_ne!(code, 0);
    insta::assert_snapshot!("timechart_fixedrange_not_a_bool", err);
    let (code, err) = common::fails("| makeresults | timechart start=yesterday count");
    assert_ne!(code, 0);
    insta::assert_snapshot!("timechart_start_not_a_number", err);
}

/// chart (10.0), Chart options, cont: "If cont=true, bins that have no
/// values will display with a count of 0 or null values." Default: true.
/// `cont=false` "replots the x-axis so that a noncontinuous sequence of
/// x-value bins show up adjacently".
#[test]
fn chart_cont_true_shows_the_empty_bins_between_first_and_last() {
    let events = common::ndjson(&[
        serde_json::json!({"size": 5, "v": 2}),
        serde_json::json!({"size": 35, "v": 4}),
        serde_json::json!({"size": 38, "v": 6}),
    ]);
    let rows = common::run_spl("* | chart count avg(v) over size span=10", &events);
    assert_eq!(col(&rows, "size"), ["0-10", "10-20", "20-30", "30-40"]);
    // A count of 0, a null average.
    assert_eq!(col(&rows, "count"), ["1", "0", "0", "2"]);
    assert!(rows[1].get("avg(v)").is_none(), "{rows:?}");
    assert_eq!(rows[3]["avg(v)"], serde_json::json!(5));
    let rows = common::run_spl("* | chart count over size span=10 cont=false", &events);
    assert_eq!(col(&rows, "size"), ["0-10", "30-40"]);
    // Log spans step by the base; bins= chooses the span first.
    let rows = common::run_spl("* | chart count over size span=log2", &events);
    assert_eq!(col(&rows, "size"), ["4-8", "8-16", "16-32", "32-64"]);
    assert_eq!(col(&rows, "count"), ["1", "0", "0", "2"]);
    let rows = common::run_spl("* | chart count over size bins=10", &events);
    assert_eq!(col(&rows, "size"), ["0-10", "10-20", "20-30", "30-40"]);
    // Time bins, with a split-by field: every column is 0 in an empty bin.
    let events = common::ndjson(&[
        serde_json::json!({"_time": 0, "h": "a"}),
        serde_json::json!({"_time": 10800, "h": "b"}),
    ]);
    let rows = common::run_spl(
        "* | chart count over _time span=1h by h | eval t=strftime(_time, \"%H\")",
        &events,
    );
    assert_eq!(col(&rows, "t"), ["00", "01", "02", "03"]);
    assert_eq!(col(&rows, "a"), ["1", "0", "0", "0"]);
    assert_eq!(col(&rows, "b"), ["0", "0", "0", "1"]);
    // Day bins across a daylight-saving change (a 25-hour day) still step
    // one local day at a time.
    let events = common::ndjson(&[
        serde_json::json!({"_time": 1699142400}),
        serde_json::json!({"_time": 1699401600}),
    ]);
    let rows = common::run_spl_with(
        &["--tz", "America/New_York"],
        "* | chart count over _time span=1d | eval d=strftime(_time, \"%d\")",
        &events,
    );
    // (1699401600 is 19:00 on the 7th in New York.)
    assert_eq!(col(&rows, "d"), ["04", "05", "06", "07"]);
    assert_eq!(col(&rows, "count"), ["1", "0", "0", "1"]);
    // An unbinned row field has no bins to fill.
    let rows = common::run_spl(
        "* | chart count over v",
        &common::ndjson(&[serde_json::json!({"v": 1}), serde_json::json!({"v": 5})]),
    );
    assert_eq!(col(&rows, "v"), ["1", "5"]);
}

/// The bins `cont=true` fills are counted: too many is an error at the
/// command, not a flood of rows.
#[test]
fn chart_cont_true_refuses_too_many_empty_bins() {
    let (code, err) = common::fails(
        "| makeresults count=2 | streamstats count AS c | eval size=if(c=1, 5, 500) | chart count over size span=0.001",
    );
    assert_ne!(code, 0);
    insta::assert_snapshot!(err);
}

/// eventstats (10.0), Usage "Statistical functions that are not applied to
/// specific fields": `| eventstats avg` returns the results of
/// `| eventstats avg(*)`; the implicit form is deprecated: "Write
/// | eventstats <function>(*) when you want a function to apply to all
/// possible fields."
#[test]
fn eventstats_explicit_wildcard_applies_to_every_field() {
    let events = common::ndjson(&[
        serde_json::json!({"a": 1, "b": 10, "h": "x"}),
        serde_json::json!({"a": 3, "b": 20, "h": "x"}),
        serde_json::json!({"a": 5, "b": "q", "h": "y"}),
    ]);
    let rows = common::run_spl("* | eventstats avg(*)", &events);
    // Every event keeps its fields and gets avg(a) and avg(b) over all
    // three; h is text, so avg(h) is null.
    assert_eq!(col(&rows, "a"), ["1", "3", "5"]);
    assert_eq!(col(&rows, "avg(a)"), ["3", "3", "3"]);
    assert_eq!(col(&rows, "avg(b)"), ["15", "15", "15"]);
    assert!(rows.iter().all(|r| r.get("avg(h)").is_none()), "{rows:?}");
    // With a BY field, per group and not over the BY field; an alias with
    // a wildcard names each result.
    let rows = common::run_spl("* | eventstats avg(*) AS mean_* BY h", &events);
    assert_eq!(col(&rows, "mean_a"), ["2", "2", "5"]);
    assert_eq!(col(&rows, "mean_b"), ["15", "15", ""]);
    assert!(rows.iter().all(|r| r.get("mean_h").is_none()), "{rows:?}");
    // The same numbers stats gives.
    let stats = common::run_spl("* | stats avg(*) AS mean_* BY h", &events);
    assert_eq!(col(&stats, "mean_a"), ["2", "5"]);
    // The implicit wildcard stays an error at the function.
    let (code, err) = common::fails("| makeresults | eventstats avg");
    assert_ne!(code, 0);
    assert!(err.contains("avg() needs a field"), "{err}");
}

/// streamstats with a wildcard field name in a window and with
/// `current=false`: each matching field gets its own running statistic,
/// computed as the named field would be.
#[test]
fn streamstats_wildcard_in_windows_matches_the_named_fields() {
    let events = common::ndjson(&[
        serde_json::json!({"_time": 4, "a": 1, "b": 10}),
        serde_json::json!({"_time": 3, "a": 7, "b": 20}),
        serde_json::json!({"_time": 2, "a": 5}),
        serde_json::json!({"_time": 1, "a": 2, "b": 5}),
    ]);
    for (wild, named) in [
        (
            "streamstats window=2 max(*)",
            "streamstats window=2 max(a) max(b)",
        ),
        (
            "streamstats current=f sum(*) AS s_*",
            "streamstats current=f sum(a) AS s_a sum(b) AS s_b",
        ),
    ] {
        let w = common::run_spl(&format!("* | table _time a b | {wild}"), &events);
        let n = common::run_spl(&format!("* | table _time a b | {named}"), &events);
        assert_eq!(w, n, "{wild}");
    }
    let w = common::run_spl("* | table _time a b | streamstats window=2 max(*)", &events);
    assert_eq!(col(&w, "max(a)"), ["1", "7", "7", "5"]);
}

/// `| makeresults 1`, the bare count the searchmatch page's example writes,
/// is `count=1`: it prints back as such, and `1x` is still an error.
#[test]
fn makeresults_takes_a_bare_count() {
    let rows = common::run_spl("| makeresults 3 annotate=false | stats count", "");
    assert_eq!(col(&rows, "count"), ["3"]);
    let p = common::roundtrip("| makeresults 2");
    assert_eq!(p.to_string(), "| makeresults count=2");
    let (code, err) = common::fails("| makeresults 1x");
    assert_ne!(code, 0);
    assert!(err.contains("expected count=<N>"), "{err}");
}
