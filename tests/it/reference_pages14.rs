//! Fourteenth pass over the Search Reference command pages (SPL1, 10.0
//! edition as stored): worked examples and documented options of stats,
//! sort, top, streamstats, map, join, inputlookup, timechart and smaller
//! pages that the ledger (grammar/examples/commands-b.md) had no row or no
//! faithful test for. Rows checked against the page text are marked
//! "(verified)" there.

use crate::common::{col, fails, in_order, ndjson, run_spl};
use serde_json::json;

// ---- stats -------------------------------------------------------------------

// Search Reference, stats, Extended example 3 "Calculate aggregate statistics
// for the magnitudes of earthquakes in an area": `source=all_month.csv
// place=*California* | stats count, max(mag), min(mag), range(mag), avg(mag)
// BY magType`. The page's table has one row per magType with the columns
// count, max(mag), min(mag), range(mag), avg(mag) (Me: 2, 2.0, 1.6, …, 1.8;
// here 1.5 in place of 1.6, so the range is exact in binary).
#[test]
fn stats_extended_example_3_california_magnitudes_by_type() {
    let quakes = ndjson(&[
        json!({"source": "all_month.csv", "place": "10km NW of Pinnacles, California", "magType": "Me", "mag": 2.0}),
        json!({"source": "all_month.csv", "place": "5km S of Ukiah, California", "magType": "Me", "mag": 1.5}),
        json!({"source": "all_month.csv", "place": "Central California", "magType": "Md", "mag": 0.1}),
        json!({"source": "all_month.csv", "place": "Gulf of Alaska", "magType": "Md", "mag": 5.0}),
        json!({"source": "other.csv", "place": "Baja California", "magType": "Md", "mag": 3.0}),
    ]);
    let r = run_spl(
        "source=all_month.csv place=*California* \
         | stats count, max(mag), min(mag), range(mag), avg(mag) BY magType",
        &quakes,
    );
    assert_eq!(
        r,
        [
            json!({"magType": "Md", "count": 1, "max(mag)": 0.1, "min(mag)": 0.1,
                   "range(mag)": 0, "avg(mag)": 0.1}),
            json!({"magType": "Me", "count": 2, "max(mag)": 2, "min(mag)": 1.5,
                   "range(mag)": 0.5, "avg(mag)": 1.75}),
        ]
    );
}

// Search Reference, stats, Usage "Wildcards in BY clauses": "The stats command
// does not support wildcard characters in field values in BY clauses. For
// example, you cannot specify | stats count BY source*." spleval refuses it
// at parse time, pointing at the field.
#[test]
fn stats_usage_wildcard_in_by_clause_is_an_error() {
    let (code, err) = fails("* | stats count BY source*");
    assert_eq!(code, 2, "{err}");
    insta::assert_snapshot!(err);
    // A BY field without a wildcard still runs.
    let r = run_spl(
        "* | stats count BY source",
        &ndjson(&[json!({"source": "a"}), json!({"source": "a"})]),
    );
    assert_eq!(r, [json!({"source": "a", "count": 2})]);
}

// Search Reference, stats, Usage "Event order functions": the page's search
// with first()/last() and its replacement with latest()/earliest():
// `index=test sourcetype=testDb | eventstats latest(LastPass) AS LastPass,
// earliest(_time) AS mostRecentTestTime BY testCaseId | where
// startTime==LastPass OR _time==mostRecentTestTime | stats latest(startTime)
// AS startTime, latest(status) AS status, latest(histID) AS currentHistId,
// earliest(histID) AS lastPassHistId BY testCaseId`. The time functions pick
// by `_time`; spleval's events arrive newest first, so first()/last() give the
// same rows here.
#[test]
fn stats_usage_event_order_functions_latest_and_earliest() {
    let evs = ndjson(&[
        json!({"_time": 100, "index": "test", "sourcetype": "testDb", "testCaseId": "T1",
               "startTime": "a", "LastPass": "a", "status": "pass", "histID": "h1"}),
        json!({"_time": 300, "index": "test", "sourcetype": "testDb", "testCaseId": "T1",
               "startTime": "c", "LastPass": "b", "status": "fail", "histID": "h3"}),
        json!({"_time": 200, "index": "test", "sourcetype": "testDb", "testCaseId": "T1",
               "startTime": "b", "LastPass": "a", "status": "fail", "histID": "h2"}),
        json!({"_time": 150, "index": "test", "sourcetype": "other", "testCaseId": "T1",
               "startTime": "b", "LastPass": "z", "status": "x", "histID": "h9"}),
    ]);
    let latest = "index=test sourcetype=testDb \
        | eventstats latest(LastPass) AS LastPass, earliest(_time) AS mostRecentTestTime BY testCaseId \
        | where startTime==LastPass OR _time==mostRecentTestTime \
        | stats latest(startTime) AS startTime, latest(status) AS status, \
          latest(histID) AS currentHistId, earliest(histID) AS lastPassHistId BY testCaseId";
    // LastPass becomes "b" (the newest event's), the earliest time 100: the
    // events kept are startTime b (time 200) and the one at time 100.
    let want = [
        json!({"testCaseId": "T1", "startTime": "b", "status": "fail",
                       "currentHistId": "h2", "lastPassHistId": "h1"}),
    ];
    assert_eq!(run_spl(latest, &evs), want);
    let first = "index=test sourcetype=testDb \
        | eventstats first(LastPass) as LastPass, last(_time) as mostRecentTestTime BY testCaseId \
        | where startTime==LastPass OR _time==mostRecentTestTime \
        | stats first(startTime) AS startTime, first(status) AS status, \
          first(histID) AS currentHistId, last(histID) AS lastPassHistId BY testCaseId";
    assert_eq!(run_spl(first, &evs), want);
}

// ---- sort --------------------------------------------------------------------

// Search Reference, sort, Usage: the table "Results in descending order":
// 10, 9, 1 "are sorted numerically because the values are all numeric";
// 9.1.a, 10.1.a "are sorted lexicographically because the values are
// alphanumeric strings". "Lexicographical order": "the numbers 10, 9, 70,
// 100 are sorted lexicographically as 10, 100, 70, 9"; "Uppercase letters
// are sorted before lowercase letters". Description: "Results missing a
// given field are treated as having the smallest or largest possible value
// of that field if the order is descending or ascending, respectively" (so
// they come last either way).
#[test]
fn sort_usage_numeric_lexicographic_and_missing_values() {
    let v = |vals: &[&str]| in_order(&vals.iter().map(|x| json!({"v": x})).collect::<Vec<_>>());
    let sorted = |spl: &str, evs: &str| col(&run_spl(&format!("{spl} | table v"), evs), "v");
    assert_eq!(
        sorted("* | sort -v", &v(&["1", "10", "9"])),
        ["10", "9", "1"]
    );
    assert_eq!(
        sorted("* | sort -v", &v(&["10.1.a", "9.1.a"])),
        ["9.1.a", "10.1.a"]
    );
    assert_eq!(
        sorted("* | sort str(v)", &v(&["10", "9", "70", "100"])),
        ["10", "100", "70", "9"]
    );
    assert_eq!(
        sorted("* | sort auto(v)", &v(&["10", "9", "70", "100"])),
        ["9", "10", "70", "100"]
    );
    assert_eq!(
        sorted("* | sort num(v)", &v(&["10", "9", "70", "100"])),
        ["9", "10", "70", "100"]
    );
    assert_eq!(
        sorted("* | sort v", &v(&["b", "B", "a", "A"])),
        ["A", "B", "a", "b"]
    );
    let gaps = in_order(&[json!({"v": "b"}), json!({"x": "1"}), json!({"v": "a"})]);
    let r = run_spl("* | sort v | table v x", &gaps);
    assert_eq!(col(&r, "x"), ["", "", "1"]);
    let r = run_spl("* | sort -v | table v x", &gaps);
    assert_eq!(col(&r, "v"), ["b", "a", ""]);
}

// Search Reference, sort, Description: "If no number is specified, the default
// limit of 10000 is used. If the number 0 is specified, all of the results
// are returned."
#[test]
fn sort_default_limit_ten_thousand_and_zero_for_all() {
    let evs: String = (0..10_005)
        .map(|k| format!("{{\"n\":{}}}\n", 10_005 - k))
        .collect();
    let r = run_spl("* | sort n", &evs);
    assert_eq!(r.len(), 10_000);
    assert_eq!(col(&r, "n")[0], "1");
    assert_eq!(col(&r, "n")[9_999], "10000");
    assert_eq!(run_spl("* | sort 0 n", &evs).len(), 10_005);
}

// ---- streamstats -------------------------------------------------------------

// Search Reference, streamstats, Extended example 3 "Calculate the running total
// of distinct users over time": `eventtype="download" | bin _time span=1d as day
// | stats values(clientip) as ips dc(clientip) by day | streamstats dc(ips) as
// "Cumulative total"`. "This search returns a table that includes: day, ips,
// dc(clientip), and Cumulative total."
#[test]
fn streamstats_extended_example_3_running_distinct_users() {
    let evs = ndjson(&[
        json!({"_time": 86_400, "eventtype": "download", "clientip": "10.0.0.1"}),
        json!({"_time": 86_460, "eventtype": "download", "clientip": "10.0.0.2"}),
        json!({"_time": 86_520, "eventtype": "download", "clientip": "10.0.0.1"}),
        json!({"_time": 172_800, "eventtype": "download", "clientip": "10.0.0.1"}),
        json!({"_time": 172_860, "eventtype": "download", "clientip": "10.0.0.3"}),
        json!({"_time": 172_900, "eventtype": "login", "clientip": "10.0.0.9"}),
        json!({"_time": 259_200, "eventtype": "download", "clientip": "10.0.0.2"}),
    ]);
    let r = run_spl(
        "eventtype=\"download\" | bin _time span=1d as day \
         | stats values(clientip) as ips dc(clientip) by day \
         | streamstats dc(ips) as \"Cumulative total\"",
        &evs,
    );
    assert_eq!(col(&r, "day"), ["86400", "172800", "259200"]);
    assert_eq!(col(&r, "dc(clientip)"), ["2", "2", "1"]);
    // Day 1: .1 and .2; day 2 adds .3; day 3 brings no new address.
    assert_eq!(col(&r, "Cumulative total"), ["2", "3", "3"]);
    assert_eq!(r[1]["ips"], json!(["10.0.0.1", "10.0.0.3"]));
}

// ---- map ---------------------------------------------------------------------

// Search Reference, map, maxsearches: "The maximum number of searches to run.
// … Zero ( 0 ) does not equate to unlimited searches. Default: 10".
#[test]
fn map_maxsearches_defaults_to_ten_and_zero_runs_none() {
    let per_result = "| makeresults count=12 | streamstats count \
                      | map search=\"| makeresults | eval c=$count$\"";
    let r = run_spl(&format!("{per_result} | stats count max(c) AS last"), "");
    assert_eq!(r, [json!({"count": 10, "last": 10})]);
    let r = run_spl(
        "| makeresults count=3 | streamstats count \
         | map maxsearches=0 search=\"| makeresults | eval c=$count$\" | stats count",
        "",
    );
    assert_eq!(r, [json!({"count": 0})]);
}

// ---- join --------------------------------------------------------------------

// Search Reference, join, Description: `<left-dataset> | join left=L right=R
// where L.pid = R.pid [subsearch]`, and the where clause: "You can specify
// the aliases and fields in a where clause on either side of the equal sign".
#[test]
fn join_description_where_with_spaces_and_either_side() {
    let evs = ndjson(&[
        json!({"pid": "1", "item": "cup"}),
        json!({"pid": "2", "item": "pen"}),
        json!({"vid": "1", "vendor": "Acme"}),
    ]);
    for spl in [
        "item=* | join left=L right=R where L.pid = R.vid [search vendor=*]",
        "item=* | join left=L right=R where R.vid=L.pid [search vendor=*]",
    ] {
        let r = run_spl(&format!("{spl} | table L.item R.vendor"), &evs);
        assert_eq!(r, [json!({"L.item": "cup", "R.vendor": "Acme"})], "{spl}");
    }
}

// ---- inputlookup -------------------------------------------------------------

// Search Reference, inputlookup, Example 2: `... [| inputlookup append=t
// usertogroup]`. The page says the table's fields are appended to the main
// search's results; a subsearch standing in the search as a term becomes a
// filter of the table's rows (see grammar/README.md, Differences we chose),
// so the results kept are the events that match a row.
#[test]
fn inputlookup_example_2_subsearch_in_the_search() {
    let d = crate::common::rules_with_lookups(&[
        (
            "usertogroup.yml",
            "name: usertogroup\nfilename: usertogroup.csv\n",
        ),
        ("usertogroup.csv", "user,group\nalice,admins\nbob,users\n"),
    ]);
    let evs = ndjson(&[
        json!({"user": "alice", "group": "admins", "n": 1}),
        json!({"user": "carol", "group": "users", "n": 2}),
        json!({"user": "bob", "group": "users", "n": 3}),
    ]);
    let r = crate::common::run_spl_with(
        &["--rules", d.path().to_str().unwrap()],
        "* [| inputlookup append=t usertogroup] | table n",
        &evs,
    );
    assert_eq!(col(&r, "n"), ["1", "3"]);
}

// ---- regex -------------------------------------------------------------------

// Search Reference, regex: "<field> … Default: _raw" (a bare expression tests
// `_raw`), and Usage: "Although != is valid within a regex command, NOT is
// not valid."
#[test]
fn regex_default_raw_and_not_is_an_error() {
    let evs = in_order(&[
        json!({"_raw": "from 10.1.2.3 ok", "n": 1}),
        json!({"_raw": "from 192.168.1.1 ok", "n": 2}),
    ]);
    let r = run_spl(r#"* | regex "(?<!\d)10\.\d{1,3}" | table n"#, &evs);
    assert_eq!(col(&r, "n"), ["1"]);
    let r = run_spl(r#"* | regex _raw!="(?<!\d)10\.\d{1,3}" | table n"#, &evs);
    assert_eq!(col(&r, "n"), ["2"]);
    let (code, err) = fails(r#"| makeresults | regex NOT _raw="10\.\d+""#);
    assert_eq!(code, 2, "{err}");
    insta::assert_snapshot!(err);
}

// ---- makeresults -------------------------------------------------------------

// Search Reference, makeresults: "If you do not specify any of the optional
// arguments, this command … generates one result with only the _time field";
// `splunk_server=local` (the default, "Use 'local' to refer to the search
// head") generates the same.
#[test]
fn makeresults_default_one_result_and_local_server() {
    for spl in ["| makeresults", "| makeresults splunk_server=local"] {
        let r = run_spl(spl, "");
        assert_eq!(r, [json!({"_time": 1_700_000_000})], "{spl}");
    }
}

// ---- outputlookup ------------------------------------------------------------

// Search Reference, outputlookup, max: "Specifies whether there is a limit to
// the number of rows to output to a CSV file … Default: no limit". The
// results still pass on.
#[test]
fn outputlookup_max_limits_the_rows_written() {
    let d = crate::common::rules_with_lookups(&[]);
    let dir = d.path().to_str().unwrap();
    let spl = "| makeresults count=3 | streamstats count | fields - _time";
    let r = crate::common::run_spl_with(
        &["--write-lookups", "--rules", dir],
        &format!("{spl} | outputlookup max=2 capped.csv"),
        "",
    );
    assert_eq!(col(&r, "count"), ["1", "2", "3"]);
    assert_eq!(
        std::fs::read_to_string(d.path().join("lookups/capped.csv")).unwrap(),
        "count\n1\n2\n"
    );
    crate::common::run_spl_with(
        &["--write-lookups", "--rules", dir],
        &format!("{spl} | outputlookup all.csv"),
        "",
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join("lookups/all.csv")).unwrap(),
        "count\n1\n2\n3\n"
    );
}

// ---- lookup ------------------------------------------------------------------

// Search Reference, lookup, Usage "Optimizing your lookup search": run
// `sourcetype=access_* | stats count by status | lookup status_desc status
// OUTPUT description` and not `sourcetype=access_* | lookup status_desc status
// OUTPUT description | stats count by description`: the first looks up only
// the stats rows. Both give each status its description.
#[test]
fn lookup_usage_after_or_before_the_transforming_command() {
    let d = crate::common::rules_with_lookups(&[
        (
            "status_desc.yml",
            "name: status_desc\nfilename: status_desc.csv\n",
        ),
        (
            "status_desc.csv",
            "status,description\n200,OK\n404,Not Found\n",
        ),
    ]);
    let dir = d.path().to_str().unwrap();
    let evs = ndjson(&[
        json!({"sourcetype": "access_combined", "status": 200}),
        json!({"sourcetype": "access_combined", "status": 404}),
        json!({"sourcetype": "access_combined", "status": 200}),
        json!({"sourcetype": "syslog", "status": 200}),
    ]);
    let r = crate::common::run_spl_with(
        &["--rules", dir],
        "sourcetype=access_* | stats count by status | lookup status_desc status OUTPUT description",
        &evs,
    );
    assert_eq!(
        r,
        [
            json!({"status": "200", "count": 2, "description": "OK"}),
            json!({"status": "404", "count": 1, "description": "Not Found"}),
        ]
    );
    let r = crate::common::run_spl_with(
        &["--rules", dir],
        "sourcetype=access_* | lookup status_desc status OUTPUT description | stats count by description",
        &evs,
    );
    assert_eq!(
        r,
        [
            json!({"description": "Not Found", "count": 1}),
            json!({"description": "OK", "count": 2}),
        ]
    );
}

// ---- where -------------------------------------------------------------------

// Search Reference, where, Usage "Using a wildcard with the where command":
// "You can only specify a wildcard by using the like function with the where
// command. The percent ( % ) symbol is the wildcard"; and "The
// <eval-expression> is case-sensitive."
#[test]
fn where_usage_wildcards_only_with_like_and_case_sensitive() {
    let evs = in_order(&[
        json!({"host": "www1", "n": 1}),
        json!({"host": "WWW2", "n": 2}),
        json!({"host": "www*", "n": 3}),
    ]);
    let kept = |spl: &str| col(&run_spl(&format!("* | {spl} | table n"), &evs), "n");
    assert_eq!(kept("where host=\"www*\""), ["3"]);
    assert_eq!(kept("where like(host, \"www%\")"), ["1", "3"]);
    assert_eq!(kept("where host=\"www1\""), ["1"]);
    assert_eq!(kept("where host=\"WWW1\""), Vec::<String>::new());
    // The search command's comparison is not case-sensitive and takes `*`.
    assert_eq!(kept("search host=www*"), ["1", "2", "3"]);
}

// ---- xyseries ----------------------------------------------------------------

// Search Reference, xyseries, Usage "Results with duplicate field values":
// "results that contain duplicate values are removed" (one row per x-field
// value, one cell per y-name value).
#[test]
fn xyseries_usage_duplicate_values_are_removed() {
    let evs = in_order(&[
        json!({"x": "A", "n": "1", "v": "5"}),
        json!({"x": "A", "n": "1", "v": "6"}),
        json!({"x": "A", "n": "2", "v": "8"}),
        json!({"x": "B", "n": "2", "v": "7"}),
    ]);
    let r = run_spl("* | xyseries x n v", &evs);
    assert_eq!(col(&r, "x"), ["A", "B"]);
    assert_eq!(col(&r, "2"), ["8", "7"]);
    assert!(["5", "6"].contains(&col(&r, "1")[0].as_str()), "{r:?}");
}

// ---- timechart ---------------------------------------------------------------

// Search Reference, timechart, optional arguments: `sep` "is equivalent to
// setting format to $AGG$<sep>$VAL$"; `format` "takes precedence over sep"
// and builds the names from the aggregation ($AGG$) and the split-by value
// ($VAL$); tc option `otherstr` labels the OTHER series.
#[test]
fn timechart_sep_format_and_otherstr() {
    let evs = ndjson(&[
        json!({"_time": 0, "host": "a", "x": 2}),
        json!({"_time": 10, "host": "b", "x": 4}),
        json!({"_time": 20, "host": "a", "x": 6}),
    ]);
    let r = run_spl("* | timechart span=1h sep=\"-\" count avg(x) by host", &evs);
    assert_eq!(
        r,
        [json!({"_time": 0, "count-a": 2, "avg(x)-a": 4, "count-b": 1, "avg(x)-b": 4})]
    );
    for spl in [
        "* | timechart span=1h format=\"$VAL$:$AGG$\" count avg(x) by host",
        "* | timechart span=1h sep=\"-\" format=\"$VAL$:$AGG$\" count avg(x) by host",
    ] {
        let r = run_spl(spl, &evs);
        assert_eq!(
            r,
            [json!({"_time": 0, "a:count": 2, "a:avg(x)": 4, "b:count": 1, "b:avg(x)": 4})],
            "{spl}"
        );
    }
    let r = run_spl(
        "* | timechart span=1h count by host limit=1 otherstr=REST",
        &evs,
    );
    assert_eq!(r, [json!({"_time": 0, "a": 2, "REST": 1})]);
}
