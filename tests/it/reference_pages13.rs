//! Thirteenth pass over the Search Reference command pages (SPL1, 10.0
//! edition as stored): chart and eventstats re-read in full, with the
//! options and Usage rules of the chart page that had no row in the ledger
//! (grammar/examples/commands-a.md), and the remaining rows of that ledger
//! checked against the page text.

use crate::common::{col, fails, ndjson, rules_with_lookups, run_spl, run_spl_with};
use serde_json::json;

// ---- chart -----------------------------------------------------------------------

/// Events whose `s` series have 1, 2, 3 and 4 events (x, y, z, and four
/// without `s`, the NULL series), rows a and b.
fn series() -> String {
    let mut v = vec![
        json!({"h": "a", "s": "x", "v": 1}),
        json!({"h": "a", "s": "y", "v": 2}),
        json!({"h": "a", "s": "y", "v": 3}),
    ];
    for _ in 0..3 {
        v.push(json!({"h": "b", "s": "z", "v": 4}));
    }
    for _ in 0..4 {
        v.push(json!({"h": "b", "v": 5}));
    }
    ndjson(&v)
}

// Search Reference, chart, "Chart options" and "tc options": `limit=(top |
// bottom) <int>` ("the top or bottom N values are retained, based on the
// sum of each series"; "If limit=0, all results are returned"), `usenull`
// and `nullstr` (default NULL: the series of events without the split-by
// field), `useother` and `otherstr` (default OTHER: the series left out).
#[test]
fn chart_limit_null_and_other_series_options() {
    let r = run_spl("* | chart limit=0 count over h by s", &series());
    assert_eq!(
        r,
        [
            json!({"h": "a", "x": 1, "y": 2, "z": 0, "NULL": 0}),
            json!({"h": "b", "x": 0, "y": 0, "z": 3, "NULL": 4}),
        ]
    );
    // The top series is NULL (4 events); the rest go to OTHER.
    let r = run_spl("* | chart limit=1 count over h by s", &series());
    assert_eq!(
        r,
        [
            json!({"h": "a", "NULL": 0, "OTHER": 3}),
            json!({"h": "b", "NULL": 4, "OTHER": 3}),
        ]
    );
    let r = run_spl(
        "* | chart limit=1 count over h by s usenull=f otherstr=rest",
        &series(),
    );
    assert_eq!(
        r,
        [
            json!({"h": "a", "z": 0, "rest": 3}),
            json!({"h": "b", "z": 3, "rest": 0}),
        ]
    );
    let r = run_spl(
        "* | chart limit=bottom1 count over h by s useother=f",
        &series(),
    );
    assert_eq!(r, [json!({"h": "a", "x": 1}), json!({"h": "b", "x": 0})]);
    let r = run_spl(
        "* | chart limit=bottom2 count over h by s nullstr=none",
        &series(),
    );
    assert_eq!(
        r,
        [
            json!({"h": "a", "x": 1, "y": 2, "OTHER": 0}),
            json!({"h": "b", "x": 0, "y": 0, "OTHER": 7}),
        ]
    );
    let r = run_spl("* | chart count over h by s nullstr=none", &series());
    assert_eq!(col(&r, "none"), ["0", "4"]);
}

// Search Reference, chart, "Chart options": `sep=<string>` names the columns
// of several aggregations split by a field `$AGG$<sep>$VAL$`, and
// `format=<string>` ("takes precedence over sep") with `$AGG$` and `$VAL$`.
#[test]
fn chart_sep_and_format_name_the_columns() {
    let spl = |opts: &str| format!("* | chart {opts} sum(v) max(v) over h by s usenull=f");
    let r = run_spl(&spl("sep=_"), &series());
    assert_eq!(
        r[0],
        json!({"h": "a", "sum(v)_x": 1, "max(v)_x": 1, "sum(v)_y": 5, "max(v)_y": 3})
    );
    let r = run_spl(&spl("format=$VAL$-$AGG$ sep=_"), &series());
    assert_eq!(r[1], json!({"h": "b", "z-sum(v)": 12, "z-max(v)": 4}));
}

// Search Reference, chart, "where clause": `<single-agg> (in | notin) (top |
// bottom)<int>` and `( < | > ) <num>` choose the column field's series;
// the others go to OTHER unless `useother=f`. Usage "X-axis": "The limit
// and agg options are ignored if an explicit where-clause is provided".
#[test]
fn chart_where_clause_chooses_the_series() {
    let top2 = [
        json!({"h": "a", "y": 2, "z": 0, "OTHER": 1}),
        json!({"h": "b", "y": 0, "z": 3, "OTHER": 0}),
    ];
    let r = run_spl(
        "* | chart count over h by s where count in top2 usenull=f",
        &series(),
    );
    assert_eq!(r, top2);
    let r = run_spl(
        "* | chart limit=1 agg=min(v) count over h by s where count in top2 usenull=f",
        &series(),
    );
    assert_eq!(r, top2);
    let r = run_spl(
        "* | chart count over h by s where count > 2 useother=f",
        &series(),
    );
    assert_eq!(
        r,
        [
            json!({"h": "a", "z": 0, "NULL": 0}),
            json!({"h": "b", "z": 3, "NULL": 4})
        ]
    );
    let r = run_spl(
        "* | chart count over h by s where max(v) notin bottom3 useother=f",
        &series(),
    );
    assert_eq!(
        r,
        [json!({"h": "a", "NULL": 0}), json!({"h": "b", "NULL": 4})]
    );
}

// Search Reference, chart, Usage "Using row-split and column-split fields":
// "you cannot specify the same field in a function and as the row-split
// field", so `... | chart sum(A) by A span=log2` is not run; the page's way
// round it, `... | eval A1=A | chart sum(A) by A1 span=log2`, is.
#[test]
fn chart_same_field_in_function_and_row_split() {
    let (code, err) = fails("| makeresults | eval A=3 | chart sum(A) by A span=log2");
    assert_eq!(code, 2);
    insta::assert_snapshot!("chart_same_field_in_function_and_row_split", err);
    let (code, _) = fails("| makeresults | eval A=3 | chart max(A) OVER A");
    assert_eq!(code, 2);
    let evs = ndjson(&[
        json!({"A": 1}),
        json!({"A": 3}),
        json!({"A": 2}),
        json!({"A": 6}),
    ]);
    let r = run_spl("* | eval A1=A | chart sum(A) by A1 span=log2", &evs);
    assert_eq!(
        r,
        [
            json!({"A1": "1-2", "sum(A)": 1}),
            json!({"A1": "2-4", "sum(A)": 5}),
            json!({"A1": "4-8", "sum(A)": 6}),
        ]
    );
}

// Search Reference, chart, Usage "Evaluation expressions": "Unless you
// specify a split-by clause, the eval expression must be renamed" (basic
// example 3 renames it: `chart eval(avg(size)/max(delay)) AS ratio BY host
// user`).
#[test]
fn chart_eval_expression_must_be_renamed_without_a_split() {
    let (code, err) = fails(
        "| makeresults | eval size=4, delay=2, host=h | chart eval(avg(size)/max(delay)) BY host",
    );
    assert_eq!(code, 2);
    insta::assert_snapshot!("chart_eval_expression_not_renamed", err);
    let evs = ndjson(&[
        json!({"host": "h", "user": "u", "size": 4, "delay": 2}),
        json!({"host": "h", "user": "u", "size": 8, "delay": 3}),
    ]);
    let r = run_spl(
        "* | chart eval(avg(size)/max(delay)) AS ratio BY host",
        &evs,
    );
    assert_eq!(r, [json!({"host": "h", "ratio": 2})]);
    let r = run_spl("* | chart eval(avg(size)/max(delay)) BY host user", &evs);
    assert_eq!(r, [json!({"host": "h", "u": 2})]);
}

// Search Reference, chart, Usage "Apply a statistical function to all
// available fields": "The chart command allows this behavior only with the
// count function", so `chart count` counts the events and `chart sum` with
// no field is an error.
#[test]
fn chart_only_count_goes_without_a_field() {
    let r = run_spl("* | chart count", &series());
    assert_eq!(r, [json!({"count": 10})]);
    let (code, _) = fails("| makeresults | chart sum");
    assert_eq!(code, 2);
}

// ---- eventstats ------------------------------------------------------------------

/// Test runs of two test cases, newest first (as a search returns them).
fn test_runs() -> String {
    let run = |t: i64, case: &str, start: i64, pass: i64, status: &str, hist: &str| {
        json!({"_time": t, "index": "test", "sourcetype": "testDb", "testCaseId": case,
               "startTime": start, "LastPass": pass, "status": status, "histID": hist})
    };
    ndjson(&[
        run(300, "t1", 30, 20, "fail", "h3"),
        run(200, "t1", 20, 10, "pass", "h2"),
        run(150, "t2", 5, 5, "pass", "g1"),
        run(100, "t1", 10, 10, "pass", "h1"),
    ])
}

// Search Reference, eventstats, Usage "Event order functions": the search
// with `latest`/`earliest` (`index=test sourcetype=testDb | eventstats
// latest(LastPass) AS LastPass, earliest(_time) AS mostRecentTestTime BY
// testCaseId | where startTime==LastPass OR _time==mostRecentTestTime |
// stats latest(startTime) AS startTime, latest(status) AS status,
// latest(histID) AS currentHistId, earliest(histID) AS lastPassHistId BY
// testCaseId`), and the one with `first`/`last` it replaces, which agrees
// with it over results in time order (newest first). For t1: LastPass 20
// (the newest run's) and the earliest time 100 keep the runs h2 (startTime
// 20) and h1 (time 100).
#[test]
fn eventstats_event_order_functions_searches() {
    let latest = "index=test sourcetype=testDb \
        | eventstats latest(LastPass) AS LastPass, earliest(_time) AS mostRecentTestTime BY testCaseId \
        | where startTime==LastPass OR _time==mostRecentTestTime \
        | stats latest(startTime) AS startTime, latest(status) AS status, \
          latest(histID) AS currentHistId, earliest(histID) AS lastPassHistId BY testCaseId";
    let r = run_spl(latest, &test_runs());
    assert_eq!(
        r,
        [
            json!({"testCaseId": "t1", "startTime": "20", "status": "pass",
                   "currentHistId": "h2", "lastPassHistId": "h1"}),
            json!({"testCaseId": "t2", "startTime": "5", "status": "pass",
                   "currentHistId": "g1", "lastPassHistId": "g1"}),
        ]
    );
    let first = "index=test sourcetype=testDb \
        | eventstats first(LastPass) as LastPass, last(_time) as mostRecentTestTime BY testCaseId \
        | where startTime==LastPass OR _time==mostRecentTestTime \
        | stats first(startTime) AS startTime, first(status) AS status, \
          first(histID) AS currentHistId, last(histID) AS lastPassHistId BY testCaseId";
    assert_eq!(run_spl(first, &test_runs()), r);
}

// Search Reference, eventstats, Usage "How eventstats generates
// aggregations": of 5 events, 3 have the field; the aggregation is over
// those 3 and "is added to every event, even events that were not used".
#[test]
fn eventstats_adds_the_aggregation_to_every_event() {
    let evs = ndjson(&[
        json!({"n": 1, "bytes": 10}),
        json!({"n": 2}),
        json!({"n": 3, "bytes": 20}),
        json!({"n": 4}),
        json!({"n": 5, "bytes": 60}),
    ]);
    let r = run_spl("* | eventstats avg(bytes) AS avg | table n avg", &evs);
    assert_eq!(col(&r, "n"), ["1", "2", "3", "4", "5"]);
    assert_eq!(col(&r, "avg"), ["30"; 5]);
}

// ---- addtotals -------------------------------------------------------------------

// Search Reference, addtotals, `labelfield`: "If there is no field in your
// result set that matches the labelfield, a new field is added using the
// labelfield value", with `label` "Default: Total"; `row` "Default: true"
// (the row sums in Total).
#[test]
fn addtotals_labelfield_new_field_and_default_label() {
    let evs = ndjson(&[json!({"a": 1, "b": 2}), json!({"a": 3, "b": 4})]);
    let r = run_spl("* | table a b | addtotals col=t labelfield=newf", &evs);
    assert_eq!(col(&r, "Total"), ["3", "7", "10"]);
    assert_eq!(col(&r, "a"), ["1", "3", "4"]);
    assert_eq!(col(&r, "newf"), ["", "", "Total"]);
}

// ---- convert ---------------------------------------------------------------------

// Search Reference, convert, `mktime()`: "Convert a human readable time
// string to an epoch time. Use timeformat option to specify exact format to
// convert from"; `timeformat` "Default: %m/%d/%Y %H:%M:%S" (for ctime too).
#[test]
fn convert_mktime_and_the_default_timeformat() {
    let evs = ndjson(&[json!({"t": "11/14/2023 22:13:20", "d": "2023-11-14", "e": 1_700_000_000})]);
    let r = run_spl_with(
        &["--tz", "UTC"],
        "* | convert mktime(t) ctime(e) AS c | convert timeformat=\"%Y-%m-%d\" mktime(d) AS dd \
         | table t c d dd",
        &evs,
    );
    assert_eq!(
        r,
        [
            json!({"t": 1_700_000_000, "c": "11/14/2023 22:13:20", "d": "2023-11-14", "dd": 1_699_920_000})
        ]
    );
}

// ---- from ------------------------------------------------------------------------

// Search Reference, from, Usage: "Generating commands use a leading pipe
// character and should be the first command in a search. However, you can
// use the from command inside the append command."
#[test]
fn from_inside_append() {
    let dir = rules_with_lookups(&[("sites.csv", "site,region\ns1,west\ns2,east\n")]);
    let rules = dir.path().to_str().unwrap();
    let r = run_spl_with(
        &["--rules", rules],
        "| makeresults | eval site=\"s0\" | append [| from lookup:sites.csv] | table site region",
        "",
    );
    assert_eq!(col(&r, "site"), ["s0", "s1", "s2"]);
    assert_eq!(col(&r, "region"), ["", "west", "east"]);
}

// ---- anomalydetection -------------------------------------------------------------

// Search Reference, anomalydetection, `pthresh`: "If you try to use this
// when method=iqr, it returns an invalid argument error"; IQR actions:
// "The abbreviation for remove is rm. The abbreviation for transform is tf."
#[test]
fn anomalydetection_iqr_refuses_pthresh_and_takes_rm_and_tf() {
    let (code, err) = fails("| makeresults | eval c=1 | anomalydetection method=iqr pthresh=0.1 c");
    assert_eq!(code, 2);
    insta::assert_snapshot!("anomalydetection_iqr_pthresh", err);
    let evs: String = [1, 2, 3, 4, 100]
        .iter()
        .map(|c| format!("{{\"count\": {c}}}\n"))
        .collect();
    let rm = run_spl("* | anomalydetection method=iqr action=rm count", &evs);
    assert_eq!(
        rm,
        run_spl("* | anomalydetection method=iqr action=remove count", &evs)
    );
    assert_eq!(col(&rm, "count"), ["1", "2", "3", "4"]);
    let tf = run_spl("* | anomalydetection method=iqr action=tf count", &evs);
    assert_eq!(
        tf,
        run_spl(
            "* | anomalydetection method=iqr action=transform count",
            &evs
        )
    );
    assert_eq!(col(&tf, "count").len(), 5);
    assert_ne!(col(&tf, "count")[4], "100");
}

// ---- foreach ---------------------------------------------------------------------

// Search Reference, foreach, "Supported commands": "The foreach command with
// all other modes (mode=auto_collections, mode=multivalue, or
// mode=json_array) only supports searches with the eval command", and
// "Support for multiple eval statements": those modes take a single eval
// (with as many assignments as wanted); multifield takes any streaming
// command.
#[test]
fn foreach_other_modes_take_one_eval_only() {
    let (code, err) = fails(
        "| makeresults | eval mv=mvappend(\"1\", \"2\") | foreach mode=multivalue mv [rex field=mv \"(?<d>\\d)\"]",
    );
    assert_eq!(code, 2);
    insta::assert_snapshot!("foreach_multivalue_template_not_eval", err);
    let (code, _) = fails(
        "| makeresults | eval j=json_array(1, 2), t=0 | foreach mode=json_array j [eval t = t + <<ITEM>> | eval u=1]",
    );
    assert_eq!(code, 2);
    let r = run_spl(
        "| makeresults | eval t1=\"a7\", t2=\"b8\" | foreach t* [rex field=<<FIELD>> \"(?<d_<<MATCHSTR>>>\\d)\"] | table d_1 d_2",
        "",
    );
    assert_eq!(r, [json!({"d_1": "7", "d_2": "8"})]);
}

// Search Reference, foreach, `matchseg3` / `<<MATCHSEG3>>`: "the segment of
// the field name that matches the third wildcard".
#[test]
fn foreach_matchseg3() {
    let r = run_spl(
        "| makeresults | eval a_b_c_d=1 | foreach *_*_*_d [eval <<MATCHSEG3>><<MATCHSEG2>><<MATCHSEG1>>=<<FIELD>>] | table cba",
        "",
    );
    assert_eq!(r, [json!({"cba": 1})]);
    let r = run_spl(
        "| makeresults | eval x1y2z3=5 | foreach x*y*z* matchseg3=S3 [eval t=S3] | table t",
        "",
    );
    assert_eq!(r, [json!({"t": 3})]);
}
