//! Issue 18, the second sweep: the worked examples of the Search Reference
//! pages of stats, eventstats, streamstats, where, table, fields, eval,
//! rare/top, timechart/chart/bin and tstats, and of the eval function pages
//! (Conversion, Text, Date and time, JSON, Multivalue, Comparison and
//! Conditional, Mathematical, Statistical eval). Each test cites its page and
//! example; examples over Splunk's sample data run over small inputs of the
//! same shape.

use crate::common::{col, eval_one, eval_row, fails, in_order, ndjson, run_spl};
use serde_json::{json, Value};

/// A field of a row as text ("" when missing), like `col`.
fn txt(row: &Value, field: &str) -> String {
    col(std::slice::from_ref(row), field).remove(0)
}

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

// chart, timechart and tstats do not expand wildcards here: planning says
// so rather than aggregating nothing (grammar/README.md).
#[test]
fn wildcard_aggregations_outside_stats_are_refused() {
    for spl in [
        "| makeresults | chart max(*)",
        "| makeresults | timechart avg(*lay)",
    ] {
        let (code, err) = fails(spl);
        assert_ne!(code, 0, "{spl}");
        assert!(
            err.contains("supported by stats, eventstats and streamstats only"),
            "{spl}: {err}"
        );
    }
}

/// Earthquake-like events: magnitude and its type.
fn quakes() -> String {
    in_order(&[
        json!({"mag": "2.5", "magType": "ml"}),
        json!({"mag": "3.5", "magType": "ml"}),
        json!({"mag": "4", "magType": "md"}),
        json!({"mag": "1", "magType": "md"}),
        json!({"mag": "6", "magType": "ml"}),
    ])
}

// Search Reference, stats, Example "Calculate a wide range of statistics by a
// specific field": `stats count(mag), max(mag), min(mag), range(mag),
// avg(mag) BY magType`.
#[test]
fn stats_wide_range_of_statistics_by_type() {
    let r = run_spl(
        "* | stats count(mag), max(mag), min(mag), range(mag), avg(mag) BY magType",
        &quakes(),
    );
    assert_eq!(col(&r, "magType"), ["md", "ml"]);
    assert_eq!(col(&r, "count(mag)"), ["2", "3"]);
    assert_eq!(col(&r, "max(mag)"), ["4", "6"]);
    assert_eq!(col(&r, "min(mag)"), ["1", "2.5"]);
    assert_eq!(col(&r, "range(mag)"), ["3", "3.5"]);
    assert_eq!(col(&r, "avg(mag)"), ["2.5", "4"]);
}

// Same page, Example "…the mean, standard deviation, and variance of the
// magnitudes": `stats mean(mag), stdev(mag), var(mag) BY magType` (sample
// statistics: n - 1).
#[test]
fn stats_mean_stdev_var_by_type() {
    let r = run_spl(
        "* | stats mean(mag), stdev(mag), var(mag) BY magType | eval sd=round('stdev(mag)', 4)",
        &quakes(),
    );
    assert_eq!(col(&r, "mean(mag)"), ["2.5", "4"]);
    assert_eq!(col(&r, "var(mag)"), ["4.5", "3.25"]);
    assert_eq!(col(&r, "sd"), ["2.1213", "1.8028"]);
}

/// Ten events with v = 10 … 1 (newest first) and a category h.
fn tens() -> String {
    let hs = ["a", "b", "a", "b", "a", "a", "b", "a", "a", "c"];
    let evs: Vec<Value> = (0..10)
        .map(|k| json!({"v": (10 - k).to_string(), "h": hs[k]}))
        .collect();
    in_order(&evs)
}

// Search Reference, stats (Stats function options) with "Statistical and
// charting functions": perc95 and its short form p95 give the same value;
// perc50 renamed with AS; range, sumsq, stdev (sample) and stdevp
// (population), mode.
#[test]
fn stats_percentiles_and_spread() {
    let r = run_spl(
        "* | stats perc95(v), p95(v), perc50(v) AS med, range(v), sumsq(v), \
         stdev(v) AS sd, stdevp(v) AS sdp, mode(h) | eval sd=round(sd,4), sdp=round(sdp,4)",
        &tens(),
    );
    assert_eq!(col(&r, "perc95(v)"), ["9.55"]);
    assert_eq!(col(&r, "p95(v)"), ["9.55"]);
    assert_eq!(col(&r, "med"), ["5.5"]);
    assert_eq!(col(&r, "range(v)"), ["9"]);
    assert_eq!(col(&r, "sumsq(v)"), ["385"]);
    assert_eq!(col(&r, "sd"), ["3.0277"]);
    assert_eq!(col(&r, "sdp"), ["2.8723"]);
    assert_eq!(col(&r, "mode(h)"), ["a"]);
}

// Search Reference, stats, Examples "Return a list of the unique values" and
// "distinct count": values() is the distinct values in lexicographic order,
// list() every value in order, dc() the number of distinct values.
#[test]
fn stats_dc_values_list() {
    let r = run_spl(
        "* | stats dc(h) AS hosts, values(v) AS vs, list(h) AS hs",
        &tens(),
    );
    assert_eq!(col(&r, "hosts"), ["3"]);
    assert_eq!(
        col(&r, "vs"),
        [r#"["1","10","2","3","4","5","6","7","8","9"]"#]
    );
    assert_eq!(
        col(&r, "hs"),
        [r#"["a","b","a","b","a","a","b","a","a","c"]"#]
    );
}

// Search Reference, stats, Example "Determine how much email comes from each
// domain": `stats count BY from_domain | sort -count`; with AS renames and a
// second aggregation.
#[test]
fn stats_count_by_then_sort() {
    let r = run_spl(
        "* | stats count AS n, sum(v) AS total BY h | sort -n",
        &tens(),
    );
    assert_eq!(col(&r, "h"), ["a", "b", "c"]);
    assert_eq!(col(&r, "n"), ["6", "3", "1"]);
    assert_eq!(col(&r, "total"), ["34", "20", "1"]);
    let r = run_spl("* | stats count BY h | sort count", &tens());
    assert_eq!(col(&r, "h"), ["c", "b", "a"]);
}

// Search Reference, stats, BY several fields (Example "Search the access logs,
// and return the number of hits … by host and status"): one row per
// combination, sorted by the BY values.
#[test]
fn stats_by_several_fields() {
    let r = run_spl(
        "* | stats count AS hits, sum(bytes) AS b BY host, status",
        &web(),
    );
    assert_eq!(col(&r, "host"), ["www1", "www1", "www2", "www2", "www3"]);
    assert_eq!(col(&r, "status"), ["200", "404", "200", "503", "200"]);
    assert_eq!(col(&r, "hits"), ["1", "1", "1", "1", "1"]);
    assert_eq!(col(&r, "b"), ["100", "300", "50", "50", ""]);
}

// Search Reference, "Statistical and charting functions", Event order
// functions: first/last are the first and last seen (newest first),
// earliest/latest by `_time`.
#[test]
fn stats_event_order_functions() {
    let r = run_spl(
        "* | stats first(v), last(v), earliest(v), latest(v), min(h), max(h)",
        &tens(),
    );
    assert_eq!(col(&r, "first(v)"), ["10"]);
    assert_eq!(col(&r, "last(v)"), ["1"]);
    assert_eq!(col(&r, "earliest(v)"), ["1"]);
    assert_eq!(col(&r, "latest(v)"), ["10"]);
    assert_eq!(col(&r, "min(h)"), ["a"]);
    assert_eq!(col(&r, "max(h)"), ["c"]);
}

// ---- eventstats -----------------------------------------------------------------

/// Events with foo = 1 … 6 and a group bar.
fn foos() -> String {
    in_order(&[
        json!({"foo": "1", "bar": "a", "bytes": "10"}),
        json!({"foo": "2", "bar": "b", "bytes": "20"}),
        json!({"foo": "3", "bar": "a", "bytes": "30"}),
        json!({"foo": "4", "bar": "b", "bytes": "40"}),
        json!({"foo": "5", "bar": "a", "bytes": "50"}),
        json!({"foo": "6", "bar": "a", "bytes": "60"}),
    ])
}

// Search Reference, eventstats, Examples "Compute the overall average
// duration and add it to each event" (`eventstats avg(duration) AS avgdur`)
// and "…search for events above the average": a following `where`.
#[test]
fn eventstats_overall_average_on_each_event() {
    let r = run_spl(
        "* | eventstats avg(foo) AS avgfoo | table foo avgfoo",
        &foos(),
    );
    assert_eq!(col(&r, "foo"), ["1", "2", "3", "4", "5", "6"]);
    assert_eq!(col(&r, "avgfoo"), ["3.5"; 6]);
    let r = run_spl(
        "* | eventstats avg(foo) AS avgfoo | where foo > avgfoo",
        &foos(),
    );
    assert_eq!(col(&r, "foo"), ["4", "5", "6"]);
}

// Search Reference, eventstats, Example "…by a field" (`eventstats
// avg(duration) AS avgdur BY date_minute`), and a quoted new name with
// spaces; the events stay in their order.
#[test]
fn eventstats_by_with_quoted_name() {
    let r = run_spl("* | eventstats avg(foo) AS avgfoo BY bar", &foos());
    assert_eq!(col(&r, "bar"), ["a", "b", "a", "b", "a", "a"]);
    assert_eq!(
        col(&r, "avgfoo"),
        ["3.75", "3", "3.75", "3", "3.75", "3.75"]
    );
    let r = run_spl("* | eventstats count AS \"Count by bar\" BY bar", &foos());
    assert_eq!(col(&r, "Count by bar"), ["4", "2", "4", "2", "4", "4"]);
}

// Search Reference, eventstats: a total beside each result for a percentage
// (`stats count BY … | eventstats sum(count) AS total | eval percent=…`).
#[test]
fn eventstats_total_for_percentages() {
    let r = run_spl(
        "* | stats count BY bar | eventstats sum(count) AS total \
         | eval percent=round(count*100/total, 1)",
        &foos(),
    );
    assert_eq!(col(&r, "bar"), ["a", "b"]);
    assert_eq!(col(&r, "total"), ["6", "6"]);
    assert_eq!(col(&r, "percent"), ["66.7", "33.3"]);
}

// ---- streamstats ----------------------------------------------------------------

// Search Reference, streamstats, Examples "Compute the average of a field, with
// a by clause, for each event" (`streamstats avg(foo) by bar`) and the running
// count (`streamstats count`).
#[test]
fn streamstats_running_average_by_and_count() {
    let r = run_spl("* | streamstats avg(foo) BY bar", &foos());
    assert_eq!(col(&r, "avg(foo)"), ["1", "2", "2", "3", "3", "3.75"]);
    let r = run_spl("* | streamstats count AS n", &foos());
    assert_eq!(col(&r, "n"), ["1", "2", "3", "4", "5", "6"]);
}

// Search Reference, streamstats, window and global: "Compute the average value
// of a field over the last 5 events" (`streamstats avg(foo) window=5`); with
// `global=false` each BY group has its own window, with the default
// `global=true` one window over all results.
#[test]
fn streamstats_window_and_global() {
    let r = run_spl("* | streamstats avg(foo) window=2", &foos());
    assert_eq!(
        col(&r, "avg(foo)"),
        ["1", "1.5", "2.5", "3.5", "4.5", "5.5"]
    );
    let r = run_spl(
        "* | streamstats global=false window=2 avg(foo) BY bar",
        &foos(),
    );
    assert_eq!(col(&r, "avg(foo)"), ["1", "2", "2", "3", "4", "5.5"]);
    let r = run_spl("* | streamstats window=2 avg(foo) BY bar", &foos());
    assert_eq!(col(&r, "avg(foo)"), ["1", "2", "3", "4", "5", "5.5"]);
}

// Search Reference, streamstats, reset_after: "…reset the statistics after
// the expression is true" (the page's `reset_after="("bytes_total >
// …")"`); reset_before resets before the event it is true for.
#[test]
fn streamstats_reset_after_and_before() {
    let r = run_spl(
        "* | streamstats sum(bytes) AS total reset_after=\"(total > 50)\"",
        &foos(),
    );
    assert_eq!(col(&r, "total"), ["10", "30", "60", "40", "90", "60"]);
    let r = run_spl(
        "* | streamstats sum(bytes) AS total reset_before=\"(bytes == 40)\"",
        &foos(),
    );
    assert_eq!(col(&r, "total"), ["10", "30", "60", "40", "90", "150"]);
}

// Search Reference, streamstats, Example "Calculate the running total of
// distinct users" (`streamstats dc(userid) AS dc_users`), and `current=false`
// with `last(_time)`: the previous event's time.
#[test]
fn streamstats_running_dc_and_previous_time() {
    let r = run_spl("* | streamstats dc(bar) AS d", &foos());
    assert_eq!(col(&r, "d"), ["1", "2", "2", "2", "2", "2"]);
    let r = run_spl(
        "* | streamstats current=false last(_time) AS prev | eval gap=prev-_time",
        &foos(),
    );
    assert_eq!(
        col(&r, "prev"),
        ["", "1006", "1005", "1004", "1003", "1002"]
    );
    assert_eq!(col(&r, "gap"), ["", "1", "1", "1", "1", "1"]);
}

// ---- where --------------------------------------------------------------------

fn people() -> String {
    in_order(&[
        json!({"first_name": "Ann", "last_name": "Lee", "error": "404", "count by host": "3", "ip": "10.1.2.3"}),
        json!({"first_name": "Bo", "last_name": "Ng", "error": "500", "count by host": "1", "ip": "192.168.0.1"}),
        json!({"first_name": "Cy", "error": "200", "count by host": "7", "ip": "8.8.8.8"}),
    ])
}

// Search Reference, where, Usage: a field name with spaces is written in
// single quotes (`where 'count by host' > 2`), and isnull/LIKE/IN in the
// expression.
#[test]
fn where_quoted_names_and_functions() {
    let r = run_spl(
        "* | where 'count by host' > 2 | table first_name",
        &people(),
    );
    assert_eq!(col(&r, "first_name"), ["Ann", "Cy"]);
    let r = run_spl("* | where isnull(last_name) | table first_name", &people());
    assert_eq!(col(&r, "first_name"), ["Cy"]);
    let r = run_spl(
        "* | where first_name LIKE \"A%\" OR first_name IN (\"Cy\") | table first_name",
        &people(),
    );
    assert_eq!(col(&r, "first_name"), ["Ann", "Cy"]);
    let r = run_spl(
        "* | where len(first_name) == 2 AND NOT error=500 | table first_name",
        &people(),
    );
    assert_eq!(col(&r, "first_name"), ["Cy"]);
}

// ---- fields / table ---------------------------------------------------------------

// Search Reference, fields, Examples: a comma list with wildcards keeps the
// named and matching fields (and `_raw`/`_time`); `fields - _*` removes the
// internal ones too.
#[test]
fn fields_comma_list_with_wildcards() {
    let r = run_spl("* | fields first_name, l* | fields - _*", &people());
    assert_eq!(
        r,
        [
            json!({"first_name": "Ann", "last_name": "Lee"}),
            json!({"first_name": "Bo", "last_name": "Ng"}),
            json!({"first_name": "Cy"}),
        ]
    );
}

// Search Reference, table: a field name with spaces in quotes, and wildcards
// (`table first* error`).
#[test]
fn table_quoted_and_wildcard_names() {
    let r = run_spl("* | table \"count by host\" first* error", &people());
    assert_eq!(col(&r, "count by host"), ["3", "1", "7"]);
    assert_eq!(col(&r, "first_name"), ["Ann", "Bo", "Cy"]);
    assert_eq!(col(&r, "error"), ["404", "500", "200"]);
    assert_eq!(col(&r, "last_name"), ["", "", ""]);
}

// ---- eval (command) --------------------------------------------------------------

// Search Reference, eval, Example "Concatenate values from two fields"
// (`eval full_name = first_name." ".last_name`): a missing field makes the
// result null.
#[test]
fn eval_concatenation_example() {
    let r = run_spl(
        "* | eval full_name = first_name.\" \".last_name | table full_name",
        &people(),
    );
    assert_eq!(col(&r, "full_name"), ["Ann Lee", "Bo Ng", ""]);
}

// Search Reference, eval, Example "Use the case function to determine the
// status": `eval error_msg = case(error == 404, "Not found", error == 500,
// "Internal Server Error", error == 200, "OK")`.
#[test]
fn eval_case_example() {
    let r = run_spl(
        "* | eval error_msg = case(error == 404, \"Not found\", error == 500, \
         \"Internal Server Error\", error == 200, \"OK\") | table error_msg",
        &people(),
    );
    assert_eq!(
        col(&r, "error_msg"),
        ["Not found", "Internal Server Error", "OK"]
    );
}

// Search Reference, eval, Example "Create a field that is the sum of the
// areas of two circles": `pi() * pow(radius_a, 2) + pi() * pow(radius_b, 2)`.
#[test]
fn eval_sum_of_areas_example() {
    let input = in_order(&[
        json!({"radius_a": "1", "radius_b": "2"}),
        json!({"radius_a": "2", "radius_b": "0"}),
    ]);
    let r = run_spl(
        "* | eval sum_of_areas = pi() * pow(radius_a, 2) + pi() * pow(radius_b, 2) \
         | eval s=round(sum_of_areas, 2)",
        &input,
    );
    assert_eq!(col(&r, "s"), ["15.71", "12.57"]);
}

// Search Reference, eval: "separate multiple expressions with a comma"; a
// later one reads a field an earlier one assigned, and an expression may
// overwrite the field it reads; `if` with cidrmatch (Example "…whether the
// address is internal").
#[test]
fn eval_several_assignments_and_if() {
    let r = run_spl(
        "* | eval x=1, y=x+1, z=y*10, first_name=lower(first_name), \
         internal=if(cidrmatch(\"10.0.0.0/8\", ip) OR cidrmatch(\"192.168.0.0/16\", ip), \"yes\", \"no\") \
         | table x y z first_name internal",
        &people(),
    );
    assert_eq!(col(&r, "z"), ["20", "20", "20"]);
    assert_eq!(col(&r, "first_name"), ["ann", "bo", "cy"]);
    assert_eq!(col(&r, "internal"), ["yes", "yes", "no"]);
}

// ---- rare / top --------------------------------------------------------------------

fn users() -> String {
    in_order(&[
        json!({"u": "x", "h": "h1"}),
        json!({"u": "x", "h": "h1"}),
        json!({"u": "y", "h": "h1"}),
        json!({"u": "x", "h": "h2"}),
        json!({"u": "z", "h": "h2"}),
        json!({"u": "w", "h": "h2"}),
        json!({"u": "y", "h": "h2"}),
    ])
}

// Search Reference, rare: `countfield`, `percentfield`, `limit`, and
// `showcount=f showperc=f` leaving the two fields out.
#[test]
fn rare_count_percent_fields_and_limit() {
    let r = run_spl("* | rare limit=2 u countfield=n percentfield=pc", &users());
    assert_eq!(col(&r, "u"), ["w", "z"]);
    assert_eq!(col(&r, "n"), ["1", "1"]);
    assert_eq!(col(&r, "pc"), ["14.285714", "14.285714"]);
    let r = run_spl("* | rare u showcount=f showperc=f", &users());
    assert_eq!(r[0], json!({"u": "w"}));
    assert_eq!(col(&r, "u"), ["w", "z", "y", "x"]);
}

// Search Reference, rare: `useother` with `otherstr` adds one row for the
// values past the limit; `by` ranks within each group (percent of the group).
#[test]
fn rare_useother_and_by() {
    let r = run_spl("* | rare u limit=2 useother=t otherstr=REST", &users());
    assert_eq!(col(&r, "u"), ["w", "z", "REST"]);
    assert_eq!(col(&r, "count"), ["1", "1", "5"]);
    assert_eq!(col(&r, "percent"), ["14.285714", "14.285714", "71.428571"]);
    let r = run_spl("* | rare u BY h", &users());
    assert_eq!(col(&r, "h"), ["h1", "h1", "h2", "h2", "h2", "h2"]);
    assert_eq!(col(&r, "u"), ["y", "x", "w", "x", "y", "z"]);
    assert_eq!(
        col(&r, "percent"),
        [
            "33.333333",
            "66.666667",
            "25.000000",
            "25.000000",
            "25.000000",
            "25.000000"
        ]
    );
}

// Search Reference, top: `limit=0` returns every value; two fields count
// their combinations; `top N … by` takes N per group.
#[test]
fn top_limit_zero_two_fields_and_by() {
    let r = run_spl("* | top limit=0 u", &users());
    // w and z tie: top lists ties from the last value (see
    // reference_pages7::top_ties_keep_the_last_value).
    assert_eq!(col(&r, "u"), ["x", "y", "z", "w"]);
    assert_eq!(col(&r, "count"), ["3", "2", "1", "1"]);
    let r = run_spl("* | top 1 u h", &users());
    assert_eq!(col(&r, "u"), ["x"]);
    assert_eq!(col(&r, "h"), ["h1"]);
    assert_eq!(col(&r, "percent"), ["28.571429"]);
    let r = run_spl("* | top 1 u BY h", &users());
    assert_eq!(col(&r, "h"), ["h1", "h2"]);
    assert_eq!(col(&r, "count"), ["2", "1"]);
}

// ---- timechart / chart / bin ---------------------------------------------------------

/// Five events over about three hours before now (1700000000).
fn hosts() -> String {
    ndjson(&[
        json!({"_time": 1700000000, "host": "a", "size": "10", "status": "200"}),
        json!({"_time": 1699999990, "host": "b", "size": "20", "status": "404"}),
        json!({"_time": 1699996400, "host": "a", "size": "30", "status": "200"}),
        json!({"_time": 1699996300, "host": "c", "size": "40"}),
        json!({"_time": 1699989200, "host": "a", "size": "50", "status": "500"}),
    ])
}

// Search Reference, timechart: `span=1h` buckets, empty buckets filled with
// 0 (cont=true, the default); `cont=false` leaves them out.
#[test]
fn timechart_span_and_cont() {
    let r = run_spl("* | timechart span=1h count", &hosts());
    assert_eq!(
        col(&r, "_time"),
        ["1699988400", "1699992000", "1699995600", "1699999200"]
    );
    assert_eq!(col(&r, "count"), ["1", "0", "2", "2"]);
    let r = run_spl("* | timechart span=1h cont=false count", &hosts());
    assert_eq!(col(&r, "count"), ["1", "2", "2"]);
}

// Search Reference, timechart: `limit` keeps the top series and `useother`
// sums the rest into OTHER (`useother=f` drops them); `usenull=f` drops the
// NULL series and `nullstr` names it.
#[test]
fn timechart_limit_useother_usenull_nullstr() {
    let r = run_spl("* | timechart span=1h count BY host limit=1", &hosts());
    assert_eq!(col(&r, "a"), ["1", "0", "1", "1"]);
    assert_eq!(col(&r, "OTHER"), ["0", "0", "1", "1"]);
    let r = run_spl(
        "* | timechart span=1h count BY host limit=1 useother=f",
        &hosts(),
    );
    assert_eq!(col(&r, "OTHER"), ["", "", "", ""]);
    let r = run_spl("* | timechart span=1h count BY status usenull=f", &hosts());
    assert!(r.iter().all(|row| row.get("NULL").is_none()), "{r:?}");
    assert_eq!(col(&r, "200"), ["0", "0", "1", "1"]);
    let r = run_spl(
        "* | timechart span=1h count BY status nullstr=NONE",
        &hosts(),
    );
    assert_eq!(col(&r, "NONE"), ["0", "0", "1", "0"]);
}

// Search Reference, chart: `chart count over host by status` (a NULL column
// for results without status), and `chart avg(size) by host`.
#[test]
fn chart_over_by_and_by_one_field() {
    let r = run_spl("* | chart count over host by status", &hosts());
    assert_eq!(col(&r, "host"), ["a", "b", "c"]);
    assert_eq!(col(&r, "200"), ["2", "0", "0"]);
    assert_eq!(col(&r, "500"), ["1", "0", "0"]);
    assert_eq!(col(&r, "NULL"), ["0", "0", "1"]);
    let r = run_spl("* | chart avg(size) by host", &hosts());
    assert_eq!(col(&r, "avg(size)"), ["30", "20", "40"]);
}

// Search Reference, bin: `span=` for numbers makes `lo-hi` ranges; `start`
// and `end` widen the range; on `_time` the bin is the span's start.
#[test]
fn bin_numeric_span_start_end_and_time() {
    let r = run_spl("* | bin size span=25 | stats count BY size", &hosts());
    assert_eq!(col(&r, "size"), ["0-25", "25-50", "50-75"]);
    assert_eq!(col(&r, "count"), ["2", "2", "1"]);
    let r = run_spl(
        "* | bin start=0 end=100 size span=50 | stats count BY size",
        &hosts(),
    );
    assert_eq!(col(&r, "size"), ["0-50", "50-100"]);
    assert_eq!(col(&r, "count"), ["4", "1"]);
    let r = run_spl("* | bin _time span=1h | stats count BY _time", &hosts());
    assert_eq!(col(&r, "_time"), ["1699988400", "1699995600", "1699999200"]);
    assert_eq!(col(&r, "count"), ["1", "2", "2"]);
}

// Search Reference, tstats, Examples over indexed fields: `tstats count
// where index=* by index`, `values(sourcetype) … by host`, `dc(host)`, and
// `by _time span=1h`.
#[test]
fn tstats_over_indexed_fields() {
    let input = ndjson(&[
        json!({"_time": 1700000000, "index": "main", "sourcetype": "st1", "host": "a"}),
        json!({"_time": 1699999990, "index": "main", "sourcetype": "st2", "host": "b"}),
        json!({"_time": 1699996400, "index": "other", "sourcetype": "st1", "host": "a"}),
    ]);
    let r = run_spl("| tstats count where index=* by index", &input);
    assert_eq!(col(&r, "index"), ["main", "other"]);
    assert_eq!(col(&r, "count"), ["2", "1"]);
    let r = run_spl(
        "| tstats values(sourcetype) AS st where index=main by host",
        &input,
    );
    assert_eq!(col(&r, "host"), ["a", "b"]);
    assert_eq!(col(&r, "st"), ["st1", "st2"]);
    let r = run_spl(
        "| tstats dc(host) AS hosts where index=* by sourcetype",
        &input,
    );
    assert_eq!(col(&r, "hosts"), ["1", "1"]);
    let r = run_spl("| tstats count where index=* by _time span=1h", &input);
    assert_eq!(col(&r, "_time"), ["1699995600", "1699999200"]);
    assert_eq!(col(&r, "count"), ["1", "2"]);
}

// ---- Conversion functions ------------------------------------------------------------

// Search Reference, "Conversion functions", tostring: "hex" (`0xF` style),
// "commas" (rounded to two decimals), "duration" (`615` is `00:10:15`; days
// as `D+`).
#[test]
fn tostring_hex_commas_duration() {
    let r = eval_row(
        "a=tostring(255,\"hex\"), b=tostring(1234567.891,\"commas\"), c=tostring(615,\"duration\"), \
         d=tostring(2*86400+3661,\"duration\"), e=tostring(12345,\"commas\")",
    );
    assert_eq!(
        r,
        json!({"a": "0xFF", "b": "1,234,567.89", "c": "00:10:15", "d": "2+01:01:01", "e": "12,345"})
    );
}

// Search Reference, "Conversion functions", tonumber: the base argument
// (`tonumber("0A4",16)` is 164, base 2), and a value that is not a number is
// null.
#[test]
fn tonumber_with_base() {
    assert_eq!(eval_one("n=tonumber(\"0A4\",16)", "n"), "164");
    assert_eq!(eval_one("n=tonumber(\"101\",2)", "n"), "5");
    assert_eq!(eval_one("n=tonumber(\"1.5e2\")", "n"), "150");
    assert_eq!(eval_one("n=tonumber(\"ff\")", "n"), "");
}

// Search Reference, "Conversion functions", printf: flags `-` `+` `0` space
// and `'` (thousands), width and precision (also `*`), and %d %i %s %f %e %x
// %X %o %c %%.
#[test]
fn printf_formats() {
    let r = eval_row(
        "a=printf(\"%04d|%-5s|%.2f|%x|%5.1f%%\",42,\"ab\",3.14159,255,12.345), \
         b=printf(\"%'d\", 12345), c=printf(\"%+d|% d\", 5, 5), d=printf(\"%*d|\", 5, 42), \
         e=printf(\"%X %o %c %i\", 255, 8, 65, 7.9), f=printf(\"%.3e\", 12345.678)",
    );
    assert_eq!(
        r,
        json!({
            "a": "0042|ab   |3.14|ff| 12.3%",
            "b": "12,345",
            "c": "+5| 5",
            "d": "   42|",
            "e": "FF 10 A 7",
            "f": "1.235e+04",
        })
    );
}

// ---- Text functions ---------------------------------------------------------------

// Search Reference, "Text functions": len, lower, upper, and ltrim/rtrim/trim
// with a set of characters (`ltrim("  ZZZZabcZZ ", " Z")` is `abcZZ `) or
// spaces by default.
#[test]
fn text_len_case_and_trims() {
    let r = eval_row(
        "a=len(\"hello\"), b=lower(\"ABC\"), c=upper(\"abc\"), d=ltrim(\"  ZZZZabcZZ \", \" Z\"), \
         e=rtrim(\"  ZZZZabcZZ \", \" Z\"), f=trim(\"  ZZZZabcZZ \", \" Z\"), g=trim(\"  x  \"), \
         h=len(\"héllo\")",
    );
    assert_eq!(
        r,
        json!({"a": 5, "b": "abc", "c": "ABC", "d": "abcZZ ", "e": "  ZZZZabc", "f": "abc", "g": "x", "h": 5})
    );
}

// Search Reference, "Text functions": replace with back-references (the
// page's month/day swap `replace(date, "^(\d{1,2})/(\d{1,2})/", "\2/\1/")`),
// substr with a negative start (`substr("splendid", -3)` is `did`), split,
// urldecode (the page's splunk.com URL).
#[test]
fn text_replace_substr_split_urldecode() {
    let r = eval_row(
        "a=replace(\"1/14/2023\",\"^(\\d{1,2})/(\\d{1,2})/\",\"\\2/\\1/\"), b=substr(\"splendid\",1,3), \
         c=substr(\"splendid\",-3), d=substr(\"splendid\",-3,2), e=split(\"a;b;c\",\";\"), \
         f=urldecode(\"http%3A%2F%2Fwww.splunk.com%2Fdownload%3Fr%3Dheader\")",
    );
    assert_eq!(
        r,
        json!({
            "a": "14/1/2023",
            "b": "spl",
            "c": "did",
            "d": "di",
            "e": ["a", "b", "c"],
            "f": "http://www.splunk.com/download?r=header",
        })
    );
}

// ---- Date and time functions ----------------------------------------------------------

// Search Reference, "Date and time functions", strftime with "Date and time
// format variables": %s, %Y-%m-%dT%H:%M:%S.%3N %z, %Q, %6N, %I %p, %a %b %j.
#[test]
fn strftime_format_variables() {
    let r = eval_row(
        "t=1700000000.123456, a=strftime(t,\"%Y-%m-%dT%H:%M:%S.%3N %z\"), b=strftime(t,\"%s\"), \
         c=strftime(t,\"%Q|%6N\"), d=strftime(t,\"%I:%M %p %a %d %b %Y %j\"), e=strftime(0,\"%F %T\")",
    );
    assert_eq!(txt(&r, "a"), "2023-11-14T22:13:20.123 +0000");
    assert_eq!(txt(&r, "b"), "1700000000");
    assert_eq!(txt(&r, "c"), "123|123456");
    assert_eq!(txt(&r, "d"), "10:13 PM Tue 14 Nov 2023 318");
    assert_eq!(txt(&r, "e"), "1970-01-01 00:00:00");
}

// Search Reference, "Date and time functions", strptime: the format's
// variables read back (with subseconds and a %z offset).
#[test]
fn strptime_examples() {
    assert_eq!(
        eval_one(
            "t=strptime(\"2023-11-14T22:13:20\",\"%Y-%m-%dT%H:%M:%S\")",
            "t"
        ),
        "1700000000"
    );
    assert_eq!(
        eval_one(
            "t=strptime(\"11/14/2023 22:13:20.250 +0100\",\"%m/%d/%Y %H:%M:%S.%3N %z\")",
            "t"
        ),
        "1699996400.25"
    );
    assert_eq!(
        eval_one(
            "t=strptime(\"14/Nov/2023:22:13:20 +0100\",\"%d/%b/%Y:%H:%M:%S %z\")",
            "t"
        ),
        "1699996400"
    );
}

// Search Reference, "Date and time functions", relative_time with snap-to
// (`relative_time(now(), "-1d@d")` is yesterday's midnight), `@d`, `+1h@h`,
// `@w0` (Sunday), `-1mon@mon`; now() and time() are the run's fixed now
// (grammar/README.md).
#[test]
fn relative_time_snaps_and_now() {
    let r = eval_row(
        "t=1700000000.123, a=relative_time(t,\"@d\"), b=relative_time(t,\"-1d@d\"), \
         c=relative_time(t,\"+1h@h\"), d=relative_time(t,\"@w0\"), e=relative_time(t,\"-1mon@mon\"), \
         f=now(), g=time()",
    );
    assert_eq!(txt(&r, "a"), "1699920000");
    assert_eq!(txt(&r, "b"), "1699833600");
    assert_eq!(txt(&r, "c"), "1700002800");
    assert_eq!(txt(&r, "d"), "1699747200");
    assert_eq!(txt(&r, "e"), "1696118400");
    assert_eq!(txt(&r, "f"), "1700000000");
    assert_eq!(txt(&r, "g"), "1700000000");
}

// ---- JSON functions -------------------------------------------------------------------

// Search Reference, "JSON functions": json_object (key/value pairs, numbers
// stay numbers), json_array, and json_extract with a path into an array
// (`{N}` from 0) or without a path (the whole value).
#[test]
fn json_object_array_extract() {
    let r = eval_row(
        "a=json_object(\"name\",\"maria\",\"age\",30), b=json_array(\"a\",1,\"true\"), \
         c=json_extract(\"{\\\"a\\\":{\\\"b\\\":[1,2,{\\\"c\\\":3}]}}\",\"a.b{2}.c\"), \
         d=json_extract(\"{\\\"a\\\":{\\\"b\\\":[1,2]}}\",\"a.b\"), e=json_extract(\"{\\\"a\\\":1}\"), \
         f=json_object(\"k\", json_array(1,2))",
    );
    assert_eq!(
        r,
        json!({
            "a": r#"{"name":"maria","age":30}"#,
            "b": r#"["a",1,"true"]"#,
            "c": 3,
            "d": "[1,2]",
            "e": r#"{"a":1}"#,
            "f": r#"{"k":[1,2]}"#,
        })
    );
}

// Search Reference, "JSON functions": json_keys (top-level keys as a JSON
// array), json_set (overwrites and adds), json_valid (a Boolean, so inside
// if), json_array_to_mv (with `true()` keeping the quotes).
#[test]
fn json_keys_set_valid_array_to_mv() {
    let r = eval_row(
        "a=json_keys(\"{\\\"x\\\":1,\\\"y\\\":{\\\"z\\\":2}}\"), \
         b=json_set(\"{\\\"a\\\":1}\",\"a\",\"2\",\"b.c\",3), \
         c=if(json_valid(\"{\\\"a\\\":1}\"),\"y\",\"n\"), d=if(json_valid(\"{a:1}\"),\"y\",\"n\"), \
         e=json_array_to_mv(\"[\\\"x\\\",\\\"y\\\",1]\"), f=json_array_to_mv(\"[\\\"x\\\",\\\"y\\\"]\", true())",
    );
    assert_eq!(
        r,
        json!({
            "a": r#"["x","y"]"#,
            "b": r#"{"a":"2","b":{"c":3}}"#,
            "c": "y",
            "d": "n",
            "e": ["x", "y", "1"],
            "f": ["\"x\"", "\"y\""],
        })
    );
    // json_valid's Boolean cannot be assigned to a field (eval, Usage).
    let (code, err) = fails("| makeresults | eval v=json_valid(\"{}\")");
    assert_ne!(code, 0);
    assert!(err.contains("boolean"), "{err}");
}

// ---- Multivalue eval functions ------------------------------------------------------------

// Search Reference, "Multivalue eval functions": mvcount, mvindex (negative
// counts from the end; a range is inclusive), mvfilter, mvfind (the page's
// `"err\d+"`, 0-based; no match is null), mvjoin.
#[test]
fn multivalue_count_index_filter_find_join() {
    let r = eval_row(
        "m=split(\"a,b,c,b\",\",\"), a=mvcount(m), b=mvindex(m,-1), c=mvindex(m,1,2), \
         d=mvindex(m,-2,-1), e=mvfilter(match(m,\"b\")), f=mvfind(split(\"ab,err42,cd\",\",\"), \"err\\d+\"), \
         g=mvfind(m,\"z\"), h=mvjoin(m,\";\") | fields - m",
    );
    assert_eq!(
        r,
        json!({
            "a": 4,
            "b": "b",
            "c": ["b", "c"],
            "d": ["c", "b"],
            "e": ["b", "b"],
            "f": 1,
            "h": "a;b;c;b",
        })
    );
}

// Search Reference, "Multivalue eval functions": mvsort (lexicographic:
// numbers before letters, upper case before lower), mvdedup, mvzip (shortest
// wins; a delimiter), mvappend, mvrange (the page's `mvrange(1,11,2)` and a
// `7d` time step), mv_to_json_array.
#[test]
fn multivalue_sort_dedup_zip_append_range_json() {
    let r = eval_row(
        "a=mvsort(split(\"10,9,b,A\",\",\")), b=mvdedup(split(\"a,b,a,c\",\",\")), \
         c=mvzip(split(\"1,2,3\",\",\"),split(\"x,y\",\",\")), d=mvzip(split(\"1,2\",\",\"),split(\"x,y\",\",\"),\"|\"), \
         e=mvappend(\"x\",split(\"a,b\",\",\"),\"y\"), f=mvrange(1,11,2), \
         g=mvrange(1236194323, 1236803123, \"7d\"), h=mv_to_json_array(split(\"1,x\",\",\"))",
    );
    assert_eq!(
        r,
        json!({
            "a": ["10", "9", "A", "b"],
            "b": ["a", "b", "c"],
            "c": ["1,x", "2,y"],
            "d": ["1|x", "2|y"],
            "e": ["x", "a", "b", "y"],
            "f": [1, 3, 5, 7, 9],
            "g": [1236194323, 1236799123],
            "h": r#"["1","x"]"#,
        })
    );
}

// ---- Comparison and Conditional functions ----------------------------------------------------

// Search Reference, "Comparison and Conditional functions": coalesce (the
// first non-null value; an empty string is a value), in, like (`%` any run,
// `_` one character, case-sensitive), match (a regex anywhere), case with a
// `true()` default.
#[test]
fn coalesce_in_like_match_case() {
    let r = eval_row(
        "x=\"abc\", a=coalesce(nofield,null(),\"\",x), a2=coalesce(nofield,x), \
         b=if(in(x,\"a\",\"abc\"),1,0), c=if(like(x,\"a_c\"),1,0), d=if(like(x,\"a%\"),1,0), \
         e=if(like(x,\"A%\"),1,0), f=if(match(x,\"^a.c$\"),1,0), g=if(match(x,\"b\"),1,0), \
         h=case(x==\"q\",1,true(),\"dflt\") | fields - x",
    );
    assert_eq!(
        r,
        json!({"a": "", "a2": "abc", "b": 1, "c": 1, "d": 1, "e": 0, "f": 1, "g": 1, "h": "dflt"})
    );
}

// Search Reference, "Comparison and Conditional functions": searchmatch (a
// search string over the event), validate (the first failing condition's
// message, the page's port check; null when all hold), cidrmatch (IPv4 and
// IPv6).
#[test]
fn searchmatch_validate_cidrmatch() {
    let input = in_order(&[
        json!({"x": "abc", "port": "80"}),
        json!({"x": "abd", "port": "70000"}),
        json!({"x": "zzz", "port": "x"}),
    ]);
    let r = run_spl(
        "* | eval s=if(searchmatch(\"x=ab*\"),1,0), \
         v=validate(isint(port), \"ERROR: Port is not an integer\", port >= 1 AND port <= 65535, \
         \"ERROR: Port is out of range\")",
        &input,
    );
    assert_eq!(col(&r, "s"), ["1", "1", "0"]);
    assert_eq!(
        col(&r, "v"),
        [
            "",
            "ERROR: Port is out of range",
            "ERROR: Port is not an integer"
        ]
    );
    let r = eval_row(
        "a=if(cidrmatch(\"192.0.2.0/24\",\"192.0.2.5\"),1,0), b=if(cidrmatch(\"192.0.2.0/24\",\"192.0.3.5\"),1,0), \
         c=if(cidrmatch(\"2001:db8::/32\",\"2001:db8::1\"),1,0)",
    );
    assert_eq!(r, json!({"a": 1, "b": 0, "c": 1}));
}

// ---- Mathematical functions -------------------------------------------------------------

// Search Reference, "Mathematical functions": abs, ceiling/ceil, floor, round
// (`round(3.5)` is 4, `round(2.555, 2)` is 2.56, negative digits), sqrt
// (`sqrt(9)` is 3), pow, exp (`exp(3)`), ln, log (base 10 by default; a
// base), pi ("the constant pi to 11 digits of precision"); out-of-domain
// results are null.
#[test]
#[allow(clippy::approx_constant)] // pi() is pi to 11 digits
fn math_functions() {
    let r = eval_row(
        "a=abs(-5.5), b=ceiling(1.2), b2=ceil(-1.2), c=floor(1.9), d=round(3.5), d2=round(2.555,2), \
         d3=round(1234.5678,-2), e=sqrt(9), f=pow(2,10), g=exp(3), h=ln(exp(2)), i=log(100), \
         j=log(8,2), k=pi(), l=sqrt(-1), m=ln(0)",
    );
    assert_eq!(
        r,
        json!({
            "a": 5.5, "b": 2, "b2": -1, "c": 1, "d": 4, "d2": 2.56, "d3": 1200, "e": 3, "f": 1024,
            "g": 20.085536923187668, "h": 2, "i": 2, "j": 3, "k": 3.14159265358,
        })
    );
}

// Search Reference, "Mathematical functions", exact and sigfig: exact keeps
// full precision; sigfig rounds a product or quotient to the fewest
// significant figures of its operands (`sigfig(1.00*1111)` is 1110) and a
// sum or difference to the fewest decimal places (123.0 + 4.567 is 127.6).
// An operand's precision is its text as written (a literal, or a field's
// value); a lone value is returned unchanged.
#[test]
fn exact_and_sigfig() {
    assert_eq!(eval_one("n=exact(3.14*2)", "n"), "6.28");
    assert_eq!(eval_one("n=exact(0.1+0.2)", "n"), "0.30000000000000004");
    let r = eval_row(
        "f=\"1.00\", a=sigfig(1.00*1111), b=sigfig(123.0 + 4.567), c=sigfig(f*1111), \
         d=sigfig(15.0/3), e=sigfig(0.0123*2.0), g=sigfig(10-0.55), h=sigfig(-1.00*1111), \
         i=sigfig(1111), j=sigfig(nofield*2) | fields - f",
    );
    assert_eq!(
        r,
        json!({"a": 1110, "b": 127.6, "c": 1110, "d": 5, "e": 0.025, "g": 9, "h": -1110, "i": 1111})
    );
    assert_eq!(eval_one("n=sigfig(\"x\")", "n"), "");
}

// ---- Statistical eval functions ------------------------------------------------------------

// Search Reference, "Statistical eval functions": max/min over numbers and
// strings ("strings are greater than numbers"); random() is an integer from
// 0 to 2^31-1 (`random() % 100` is 0 … 99).
#[test]
fn statistical_eval_max_min_random() {
    let r = eval_row(
        "m=max(1,\"abc\",3), n=min(1,\"abc\",3), p=min(2,\"10\"), r=random(), \
         ok=if(r>=0 AND r<=2147483647 AND r==floor(r),1,0), q=random() % 100, \
         ok2=if(q>=0 AND q<100,1,0) | fields m n p ok ok2",
    );
    assert_eq!(r, json!({"m": "abc", "n": 1, "p": 2, "ok": 1, "ok2": 1}));
}

// ---- more examples -----------------------------------------------------------------------

// Search Reference, top and rare: without `limit` at most 10 values ("The
// default is 10").
#[test]
fn top_and_rare_default_limit_is_ten() {
    for spl in [
        "| makeresults count=12 | streamstats count AS n | top n",
        "| makeresults count=12 | streamstats count AS n | rare n",
    ] {
        let r = run_spl(spl, "");
        assert_eq!(r.len(), 10, "{spl}");
        assert_eq!(col(&r, "count"), ["1"; 10], "{spl}");
    }
}

// Search Reference, eval, Example "Use eval to categorize values with case"
// (the earthquake depths: Shallow, Mid, Deep): the first true condition wins
// and the boundaries follow the comparisons; with no true condition (no
// depth) the field is null.
#[test]
fn eval_case_categories() {
    let input = in_order(&[
        json!({"depth": "70"}),
        json!({"depth": "71"}),
        json!({"depth": "300"}),
        json!({"depth": "301"}),
        json!({"other": "1"}),
    ]);
    let r = run_spl(
        "* | eval description=case(depth<=70, \"Shallow\", depth>70 AND depth<=300, \"Mid\", \
         depth>300, \"Deep\")",
        &input,
    );
    assert_eq!(
        col(&r, "description"),
        ["Shallow", "Mid", "Mid", "Deep", ""]
    );
}

// Search Reference, chart, Example "Chart the ratio of the average … "size"
// to the maximum "delay"" (`chart eval(avg(size)/max(delay)) AS ratio BY host
// user`): an eval expression over aggregations, computed per cell; it gives
// what stats then eval gives. `stats` itself takes no such term (its syntax
// lists only `<stats-func>(<field>)`), and says so at planning.
#[test]
fn eval_expression_over_aggregations_in_chart() {
    let input = in_order(&[
        json!({"host": "a", "user": "u1", "size": "10", "delay": "5"}),
        json!({"host": "a", "user": "u1", "size": "30", "delay": "2"}),
        json!({"host": "a", "user": "u2", "size": "9", "delay": "3"}),
        json!({"host": "b", "user": "u1", "size": "20", "delay": "10"}),
    ]);
    let r = run_spl(
        "* | chart eval(avg(size)/max(delay)) AS ratio BY host user",
        &input,
    );
    // a/u1: avg 20 / max 5 = 4; a/u2: 9/3 = 3; b/u1: 20/10 = 2; b/u2: none.
    assert_eq!(
        r,
        [
            json!({"host": "a", "u1": 4, "u2": 3}),
            json!({"host": "b", "u1": 2}),
        ]
    );
    // The same numbers from stats, then eval.
    let r = run_spl(
        "* | stats avg(size) AS s, max(delay) AS d BY host user | eval ratio=s/d \
         | fields host user ratio",
        &input,
    );
    assert_eq!(col(&r, "ratio"), ["4", "3", "2"]);
    let (code, err) = fails("| makeresults | stats eval(avg(size)*2) AS y");
    assert_eq!(code, 2);
    assert!(
        err.contains("supported by chart and timechart only"),
        "{err}"
    );
}

// Search Reference, "Informational functions", typeof: "Number", "String",
// "Bool" (the page's example "returns \"NumberStringBoolInvalid\""), and
// "Invalid" for a field that does not exist.
#[test]
fn typeof_examples() {
    let r = eval_row("a=typeof(12), b=typeof(\"s\"), c=typeof(1==2), d=typeof(badfield)");
    assert_eq!(
        r,
        json!({"a": "Number", "b": "String", "c": "Bool", "d": "Invalid"})
    );
}

// Search Reference, "Multivalue eval functions", mvmap: the expression runs
// once per value (`mvmap(results, results*10)`).
#[test]
fn mvmap_example() {
    let r = eval_row("results=split(\"1,2,3\",\",\"), t=mvmap(results, results*10) | fields t");
    assert_eq!(r, json!({"t": [10, 20, 30]}));
}

// Search Reference, "JSON functions": json_append adds to an array,
// json_extend adds an array's elements, json_delete removes a key,
// json_has_key_exact and json_extract_exact take a key with a period as one
// key.
#[test]
fn json_append_extend_delete_exact() {
    let r = eval_row(
        "a=json_append(\"{\\\"a\\\":[1]}\",\"a\",2), b=json_extend(\"{\\\"a\\\":[1]}\",\"a\",\"[2,3]\"), \
         c=json_delete(\"{\\\"a\\\":1,\\\"b\\\":2}\",\"a\"), \
         d=if(json_has_key_exact(\"{\\\"a.b\\\":1}\",\"a.b\"),1,0), \
         e=json_extract_exact(\"{\\\"a.b\\\":5}\",\"a.b\")",
    );
    assert_eq!(
        r,
        json!({"a": r#"{"a":[1,2]}"#, "b": r#"{"a":[1,2,3]}"#, "c": r#"{"b":2}"#, "d": 1, "e": 5})
    );
}

// Search Reference, "Conversion functions": tostring of a Boolean is "True"
// or "False"; ipmask applies a mask to an IPv4 address
// (`ipmask("255.255.255.0", "192.0.2.5")` style).
#[test]
fn tostring_boolean_and_ipmask() {
    let r = eval_row(
        "a=tostring(1==1), b=tostring(1==2), c=ipmask(\"255.255.255.0\",\"192.0.2.5\"), \
         d=ipmask(\"255.255.0.0\",\"192.168.33.4\")",
    );
    assert_eq!(
        r,
        json!({"a": "True", "b": "False", "c": "192.0.2.0", "d": "192.168.0.0"})
    );
}

// Search Reference, "Cryptographic functions": md5, sha1 and sha256 give the
// lower-case hex digest (the standard "abc" test vectors).
#[test]
fn cryptographic_functions() {
    let r = eval_row("a=md5(\"abc\"), b=sha1(\"abc\"), c=sha256(\"abc\")");
    assert_eq!(
        r,
        json!({
            "a": "900150983cd24fb0d6963f7d28e17f72",
            "b": "a9993e364706816aba3e25717850c26c9cd0d89d",
            "c": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        })
    );
}

// Search Reference, timechart, limit: `limit=top<N>` is `limit=<N>`;
// `limit=bottom<N>` keeps the series with the smallest totals.
#[test]
fn timechart_limit_top_and_bottom() {
    let r = run_spl(
        "* | timechart span=1h cont=false count BY host limit=top1",
        &hosts(),
    );
    assert_eq!(col(&r, "a"), ["1", "1", "1"]);
    assert_eq!(col(&r, "OTHER"), ["0", "1", "1"]);
    let r = run_spl(
        "* | timechart span=1h cont=false count BY host limit=bottom2 useother=f",
        &hosts(),
    );
    assert!(r.iter().all(|row| row.get("a").is_none()), "{r:?}");
    assert_eq!(col(&r, "b"), ["0", "0", "1"]);
    assert_eq!(col(&r, "c"), ["0", "1", "0"]);
}

// Search Reference, bin: a log span (`span=log` is base 10, `span=2log4` a
// coefficient and a base) gives `lo-hi` ranges of powers; `AS` writes the
// bin to a new field; `aligntime=@d+3h` aligns time spans to 03:00.
#[test]
fn bin_log_spans_as_and_aligntime() {
    let input = in_order(&[
        json!({"size": "10"}),
        json!({"size": "30"}),
        json!({"size": "150"}),
    ]);
    let r = run_spl("* | bin size span=log | table size", &input);
    assert_eq!(col(&r, "size"), ["10-100", "10-100", "100-1000"]);
    let r = run_spl("* | bin size span=2log4 | table size", &input);
    assert_eq!(col(&r, "size"), ["8-32", "8-32", "128-512"]);
    let r = run_spl("* | bin size AS sz span=100 | table size sz", &input);
    assert_eq!(col(&r, "size"), ["10", "30", "150"]);
    assert_eq!(col(&r, "sz"), ["0-100", "0-100", "100-200"]);
    // 1700000000 is 2023-11-14 22:13:20 UTC: the 12h bins start at 03:00
    // and 15:00, so this one starts at 15:00 (1699974000).
    let r = run_spl(
        "| makeresults | eval _time=1700000000 | bin _time span=12h aligntime=@d+3h AS tb",
        "",
    );
    assert_eq!(col(&r, "tb"), ["1699974000"]);
}
