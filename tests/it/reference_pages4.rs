//! Issue 18, the fourth sweep: the Search Reference pages of addinfo,
//! addcoltotals, appendcols, fieldformat, format and concurrency (commands
//! that were "not supported" before), and the eval function `lookup()`.
//! Each test cites its page and example; examples over Splunk's sample data
//! run over small inputs of the same shape.

use crate::common::{col, fails, in_order, roundtrip, rows, run_spl, run_spl_as, spleval};
use serde_json::json;

/// Runs SPL over NDJSON with extra `run` arguments; returns the rows as JSON.
fn run_with(args: &[&str], spl: &str, events: &str) -> Vec<serde_json::Value> {
    let out = spleval()
        .args(["run", "--now", "1700000000"])
        .args(args)
        .args(["--spl", spl])
        .write_stdin(events.to_string())
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "spleval failed for {spl:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    rows(&out.stdout)
}

/// A parse or plan error's rendered diagnostic (exit code 2).
fn diagnostic(spl: &str) -> String {
    let (code, err) = fails(spl);
    assert_eq!(code, 2, "{spl:?}: {err}");
    err
}

// ---- addinfo -------------------------------------------------------------------

/// Heartbeats: hosts and the times they were last heard from.
fn heartbeats() -> String {
    crate::common::ndjson(&[
        json!({"_time": 1_700_000_050, "host": "web1"}),
        json!({"_time": 1_700_000_040, "host": "web2"}),
        json!({"_time": 1_700_000_010, "host": "web1"}),
        json!({"_time": 1_699_999_900, "host": "db1"}),
    ])
}

// Search Reference, addinfo, example 1 "Add information to each event":
// `... | addinfo`. Each result gets info_min_time, info_max_time,
// info_search_time and info_sid; with no time range (All time) the range is
// 0 to +Infinity, the search time is the run's clock, the sid is fixed.
#[test]
fn addinfo_adds_the_four_fields() {
    let r = run_spl("* | addinfo", &heartbeats());
    assert_eq!(r.len(), 4);
    assert_eq!(col(&r, "info_min_time"), ["0"; 4]);
    assert_eq!(col(&r, "info_max_time"), ["+Infinity"; 4]);
    assert_eq!(col(&r, "info_search_time"), ["1700000000"; 4]);
    assert_eq!(col(&r, "info_sid"), ["spleval"; 4]);
    // The events keep their own fields.
    assert_eq!(col(&r, "host"), ["web1", "web2", "web1", "db1"]);
}

// Search Reference, addinfo, example 2 "Determine which heartbeats are later
// than expected": `... | stats latest(_time) AS latest_time BY host |
// addinfo | eval latest_age = info_max_time - latest_time | fields -
// info_*`. The search's time range is the run's --earliest/--latest.
#[test]
fn addinfo_heartbeat_age() {
    let r = run_with(
        &["--earliest", "1699999000", "--latest", "1700000100"],
        "* | stats latest(_time) AS latest_time BY host | addinfo \
         | eval latest_age = info_max_time - latest_time | fields - info_*",
        &heartbeats(),
    );
    assert_eq!(col(&r, "host"), ["db1", "web1", "web2"]);
    assert_eq!(col(&r, "latest_age"), ["200", "50", "60"]);
    assert!(r.iter().all(|row| row.get("info_sid").is_none()));
    // With the range given, addinfo reports it.
    let r = run_with(
        &["--earliest", "1699999000", "--latest", "1700000100"],
        "* | head 1 | addinfo",
        &heartbeats(),
    );
    assert_eq!(col(&r, "info_min_time"), ["1699999000"]);
    assert_eq!(col(&r, "info_max_time"), ["1700000100"]);
}

// ---- addcoltotals --------------------------------------------------------------

/// Sales per product, quarter by quarter.
fn sales() -> String {
    in_order(&[
        json!({"product": "tee", "q1_sales": "10", "q2_sales": "5", "returns": "1"}),
        json!({"product": "mug", "q1_sales": "20", "q2_sales": "7.5", "returns": "2"}),
        json!({"product": "cap", "q1_sales": "n/a", "q2_sales": "1", "returns": "0"}),
    ])
}

// Search Reference, addcoltotals, basic example 1 "Compute the sums of all
// the fields, and put the sums in a summary event called change_name":
// `... | addcoltotals labelfield=change_name label=ALL`. A result is added
// after the others; text values ("n/a") are left out of the sums.
#[test]
fn addcoltotals_all_fields_with_label() {
    let r = run_spl(
        "* | table product q1_sales q2_sales returns | addcoltotals labelfield=change_name label=ALL",
        &sales(),
    );
    assert_eq!(r.len(), 4);
    let last = &r[3];
    assert_eq!(last["change_name"], "ALL");
    assert_eq!(last["q1_sales"], 30);
    assert_eq!(last["q2_sales"], 13.5);
    assert_eq!(last["returns"], 3);
    // The product names are text: no sum.
    assert!(last.get("product").is_none());
    // The other results are unchanged, without the label field.
    assert_eq!(col(&r[..3], "change_name"), ["", "", ""]);
    assert_eq!(col(&r[..3], "q1_sales"), ["10", "20", "n/a"]);
}

// Search Reference, addcoltotals, basic examples 2 "Add a column total for
// two specific fields" and 3 "Create the totals for a field that match a
// field name pattern" (a wildcard in the list). Only the listed fields are
// summed; without labelfield, label has no effect.
#[test]
fn addcoltotals_field_list_and_wildcard() {
    let r = run_spl(
        "* | table product q1_sales q2_sales returns | addcoltotals q1_sales returns",
        &sales(),
    );
    assert_eq!(r.len(), 4);
    assert_eq!(r[3], json!({"q1_sales": 30, "returns": 3}));
    let r = run_spl(
        "* | table product q1_sales q2_sales returns | addcoltotals label=Quarterly *_sales",
        &sales(),
    );
    assert_eq!(r[3], json!({"q1_sales": 30, "q2_sales": 13.5}));
    let r = run_spl(
        "* | table product q1_sales q2_sales returns | addcoltotals labelfield=product label=\"Quarterly Total\" *_sales",
        &sales(),
    );
    assert_eq!(
        r[3],
        json!({"product": "Quarterly Total", "q1_sales": 30, "q2_sales": 13.5})
    );
}

#[test]
fn addcoltotals_over_no_results_adds_the_label_row() {
    let r = run_spl(
        "* | search product=none | addcoltotals labelfield=what",
        &sales(),
    );
    assert_eq!(r, [json!({"what": "Total"})]);
}

// ---- appendcols ----------------------------------------------------------------

/// Web requests: host and status.
fn requests() -> String {
    in_order(&[
        json!({"host": "www1", "status": "200"}),
        json!({"host": "www2", "status": "404"}),
        json!({"host": "www1", "status": "404"}),
        json!({"host": "www3", "status": "200"}),
        json!({"host": "www1", "status": "503"}),
    ])
}

// Search Reference, appendcols, description: "the first subsearch result is
// merged with the first main result, the second subsearch result is merged
// with the second main result, and so on", and the example of counting
// events per host and appending the count of errors (a transforming command
// before appendcols): `... | stats count by host | appendcols [search
// status=404 | stats count AS errors by host]`.
#[test]
fn appendcols_merges_by_position() {
    let r = run_spl(
        "* | stats count by host | appendcols [search status>=400 | stats count AS errors by host | fields - host]",
        &requests(),
    );
    assert_eq!(col(&r, "host"), ["www1", "www2", "www3"]);
    assert_eq!(col(&r, "count"), ["3", "1", "1"]);
    // The subsearch's rows: www1 (2 errors), www2 (1), in that order.
    assert_eq!(col(&r, "errors"), ["2", "1", ""]);
}

// Search Reference, appendcols, override: "If the override argument is
// false, and if a field is present in both a subsearch result and the main
// result, the main result is used. If override=true, the subsearch result
// value is used." Internal fields of the subsearch are not appended.
#[test]
fn appendcols_override() {
    let spl = |o: &str| {
        format!(
            "* | stats count by host | appendcols {o} [search status=404 | stats count by host | eval _hidden=1]"
        )
    };
    let r = run_spl(&spl(""), &requests());
    assert_eq!(col(&r, "host"), ["www1", "www2", "www3"]);
    assert_eq!(col(&r, "count"), ["3", "1", "1"]);
    let r = run_spl(&spl("override=true"), &requests());
    // The subsearch's rows are www1 (1) and www2 (1): they replace the first two.
    assert_eq!(col(&r, "host"), ["www1", "www2", "www3"]);
    assert_eq!(col(&r, "count"), ["1", "1", "1"]);
    let r = run_spl(&spl("override=t maxout=1"), &requests());
    assert_eq!(col(&r, "count"), ["1", "1", "1"]);
    assert!(r.iter().all(|row| row.get("_hidden").is_none()));
}

// Subsearch results past the last main result become results of their own
// (grammar/README.md, "Differences we chose").
#[test]
fn appendcols_longer_subsearch() {
    let r = run_spl(
        "* | stats count | appendcols [search * | stats count AS n by host]",
        &requests(),
    );
    assert_eq!(col(&r, "count"), ["5", "", ""]);
    assert_eq!(col(&r, "n"), ["3", "1", "1"]);
    assert_eq!(col(&r, "host"), ["www1", "www2", "www3"]);
}

// ---- fieldformat ---------------------------------------------------------------

/// Sales totals (numbers) and start times.
fn totals() -> String {
    in_order(&[
        json!({"product": "tee", "totalsales": 1234567, "start_time": 1_700_000_000}),
        json!({"product": "mug", "totalsales": 890, "start_time": 1_700_003_661}),
    ])
}

// Search Reference, fieldformat, example "Format numbers in a table with
// commas and a currency symbol": `... | fieldformat
// totalsales="$".tostring(totalsales, "commas")`. The rendered table shows
// the format; the value underneath is unchanged (JSON and CSV keep it).
#[test]
fn fieldformat_renders_in_table_output() {
    let spl = "* | fieldformat totalsales=\"$\".tostring(totalsales, \"commas\") | table product totalsales";
    let t = run_spl_as("table", spl, &totals());
    assert!(t.contains("$1,234,567"), "{t}");
    assert!(t.contains("$890"), "{t}");
    let r = run_spl(spl, &totals());
    assert_eq!(col(&r, "totalsales"), ["1234567", "890"]);
    let csv = run_spl_as("csv", spl, &totals());
    assert!(csv.contains("tee,1234567"), "{csv}");
}

// Search Reference, fieldformat, description: "This command changes the
// appearance of the results without changing the underlying value of the
// field", and example "Change the display of a time": `... | fieldformat
// start_time = strftime(start_time, "%H:%M:%S")`. A later command sees the
// number, and the last fieldformat of a field wins.
#[test]
fn fieldformat_keeps_values_for_later_commands() {
    let r = run_spl(
        "* | fieldformat start_time=strftime(start_time, \"%H:%M:%S\") | eval later=start_time+1 | table product later",
        &totals(),
    );
    assert_eq!(col(&r, "later"), ["1700000001", "1700003662"]);
    let t = run_spl_as(
        "table",
        "* | fieldformat start_time=\"no\" | fieldformat start_time=strftime(start_time, \"%H:%M:%S\") | where start_time > 1700000001 | table product start_time",
        &totals(),
    );
    assert!(t.contains("| mug     | 23:14:21"), "{t}");
    assert!(!t.contains("tee"), "{t}");
    assert!(!t.contains("no"), "{t}");
}

// The REPL renders fieldformat as `run --format table` does.
#[test]
fn fieldformat_renders_in_the_repl() {
    let xdg = tempfile::tempdir().unwrap();
    let out = spleval()
        .args(["repl", "--now", "1700000000"])
        .env("XDG_DATA_HOME", xdg.path())
        .write_stdin(
            ".format table\n| makeresults | eval n=1234567 | fieldformat n=tostring(n, \"commas\") | table n\n",
        )
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1,234,567"), "{text}");
}

// ---- format --------------------------------------------------------------------

/// Two results with host, source and sourcetype (the page's example data).
fn syslog() -> String {
    in_order(&[
        json!({"host": "mylaptop", "source": "syslog.log", "sourcetype": "syslog"}),
        json!({"host": "bobslaptop", "source": "bob-syslog.log", "sourcetype": "syslog"}),
        json!({"host": "third", "source": "x.log", "sourcetype": "syslog"}),
    ])
}

// Search Reference, format, example 1 "Example with no optional
// parameters": `... | head 2 | fields source, sourcetype, host | format`
// gives `( ( host="mylaptop" AND source="syslog.log" AND
// sourcetype="syslog" ) OR ( host="bobslaptop" AND source="bob-syslog.log"
// AND sourcetype="syslog" ) )` in a field named search.
#[test]
fn format_default() {
    let r = run_spl(
        "* | head 2 | fields source, sourcetype, host | format",
        &syslog(),
    );
    assert_eq!(
        r,
        [
            json!({"search": "( ( host=\"mylaptop\" AND source=\"syslog.log\" AND sourcetype=\"syslog\" ) OR ( host=\"bobslaptop\" AND source=\"bob-syslog.log\" AND sourcetype=\"syslog\" ) )"})
        ]
    );
}

// Search Reference, format, example 2 "Using the optional parameters":
// `... | head 2 | fields source, sourcetype, host | format "[" "[" "&&" "]"
// "||" "]"`, and maxresults (the maximum results to use).
#[test]
fn format_row_and_column_strings_and_maxresults() {
    let r = run_spl(
        "* | head 2 | fields source, sourcetype, host | format \"[\" \"[\" \"&&\" \"]\" \"||\" \"]\"",
        &syslog(),
    );
    assert_eq!(
        col(&r, "search"),
        ["[ [ host=\"mylaptop\" && source=\"syslog.log\" && sourcetype=\"syslog\" ] || [ host=\"bobslaptop\" && source=\"bob-syslog.log\" && sourcetype=\"syslog\" ] ]"]
    );
    let r = run_spl("* | fields host | format maxresults=1", &syslog());
    assert_eq!(col(&r, "search"), ["( ( host=\"mylaptop\" ) )"]);
}

// Search Reference, format, example 3 "Multivalue separator": a multivalue
// field becomes its values joined by mvsep (default OR) in parentheses.
#[test]
fn format_multivalue_mvsep() {
    let data = in_order(&[json!({"a": "1", "b": "2,3"})]);
    let r = run_spl("* | makemv delim=\",\" b | fields a b | format", &data);
    assert_eq!(
        col(&r, "search"),
        ["( ( a=\"1\" AND ( b=\"2\" OR b=\"3\" ) ) )"]
    );
    let r = run_spl(
        "* | makemv delim=\",\" b | fields a b | format mvsep=\"mvseparator\" \"{\" \"[\" \"AND\" \"]\" \"AND\" \"}\"",
        &data,
    );
    assert_eq!(
        col(&r, "search"),
        ["{ [ a=\"1\" AND ( b=\"2\" mvseparator b=\"3\" ) ] }"]
    );
}

// Search Reference, format, emptystr: "The value that the format command
// outputs instead of the default empty string NOT( ) if the results
// generated up to that point are empty", and the example `... | format
// emptystr="Error Found"`.
#[test]
fn format_no_results() {
    let r = run_spl("* | search host=none | format", &syslog());
    assert_eq!(col(&r, "search"), ["NOT( )"]);
    let r = run_spl(
        "* | search host=none | format emptystr=\"Error Found\"",
        &syslog(),
    );
    assert_eq!(col(&r, "search"), ["Error Found"]);
}

// A subsearch in a search is turned into its condition as format builds it
// (Search Manual, "Change the format of subsearch results"): searching with
// format's string keeps the same results as the subsearch. Quotes in values
// are escaped; a `search` field is taken as search text.
#[test]
fn format_agrees_with_subsearches() {
    let data = syslog();
    let f = run_spl(
        "* | search sourcetype=syslog host=*laptop | fields host source | format",
        &data,
    );
    let text = f[0]["search"].as_str().unwrap().to_string();
    let by_format = run_spl(&format!("* | search {text}"), &data);
    let by_sub = run_spl(
        "* [search sourcetype=syslog host=*laptop | fields host source]",
        &data,
    );
    assert_eq!(col(&by_format, "host"), ["mylaptop", "bobslaptop"]);
    assert_eq!(col(&by_format, "host"), col(&by_sub, "host"));
    let r = run_spl(
        "| makeresults | eval q=\"say \\\"hi\\\"\", search=\"host=a OR host=b\" | fields - _time | format",
        "",
    );
    assert_eq!(
        col(&r, "search"),
        ["( ( q=\"say \\\"hi\\\"\" AND host=a OR host=b ) )"]
    );
}

// ---- concurrency ---------------------------------------------------------------

// Search Reference, concurrency, usage: "An event X is concurrent with event
// Y if X.start is between Y.start and (Y.start + Y.duration)", counting the
// event itself; and example 1 (after transaction, whose duration is in
// seconds like the default start field _time): `... | concurrency
// duration=duration`.
#[test]
fn concurrency_default_start_and_output() {
    let data = crate::common::ndjson(&[
        json!({"_time": 130, "duration": 5}),
        json!({"_time": 112, "duration": 1}),
        json!({"_time": 110, "duration": 30}),
        json!({"_time": 105, "duration": 10}),
        json!({"_time": 100, "duration": 10}),
    ]);
    let r = run_spl(
        "* | concurrency duration=duration | table _time concurrency",
        &data,
    );
    // 100: itself. 105: 100 (to 110) and itself. 110: 100 (ends at 110),
    // 105 (to 115), itself. 112: 105, 110, itself. 130: 110 (to 140), itself.
    assert_eq!(col(&r, "_time"), ["130", "112", "110", "105", "100"]);
    assert_eq!(col(&r, "concurrency"), ["2", "3", "3", "2", "1"]);
}

// Search Reference, concurrency, example "Calculate the number of concurrent
// events using the 'et' field as the start time and 'length' as the
// duration": `... | concurrency duration=length start=et`, and output= to
// name the result field. Results without a numeric start or duration get no
// value and do not count.
#[test]
fn concurrency_start_and_output_fields() {
    let data = in_order(&[
        json!({"call": "c", "et": 20, "length": 5}),
        json!({"call": "b", "et": 12, "length": 10}),
        json!({"call": "x", "et": 11, "length": "long"}),
        json!({"call": "a", "et": 10, "length": 5}),
    ]);
    let r = run_spl(
        "* | concurrency duration=length start=et output=foo | table call foo",
        &data,
    );
    assert_eq!(col(&r, "call"), ["c", "b", "x", "a"]);
    assert_eq!(col(&r, "foo"), ["2", "2", "", "1"]);
}

// ---- syntax: round trips and diagnostics ---------------------------------------

#[test]
fn new_commands_round_trip() {
    for spl in [
        "* | addinfo",
        "* | addcoltotals",
        "* | addcoltotals labelfield=change_name label=\"Quarterly Total\" *_sales returns",
        "* | appendcols override=true maxout=10 [search status=404 | stats count]",
        "* | fieldformat totalsales=\"$\".tostring(totalsales, \"commas\")",
        "* | format",
        "* | format mvsep=\"||\" maxresults=5 \"[\" \"[\" \"&&\" \"]\" \"||\" \"]\" emptystr=\"nothing\"",
        "* | concurrency duration=length start=et output=foo",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn addinfo_takes_no_arguments() {
    insta::assert_snapshot!(diagnostic("* | addinfo now"));
}

#[test]
fn addcoltotals_unknown_option() {
    insta::assert_snapshot!(diagnostic("* | addcoltotals labelfeld=x count"));
}

#[test]
fn appendcols_errors() {
    insta::assert_snapshot!(
        "appendcols_needs_subsearch",
        diagnostic("* | appendcols override=t")
    );
    insta::assert_snapshot!(
        "appendcols_bad_override",
        diagnostic("* | appendcols override=maybe [search x]")
    );
}

#[test]
fn fieldformat_errors() {
    insta::assert_snapshot!("fieldformat_missing", diagnostic("* | fieldformat"));
    insta::assert_snapshot!(
        "fieldformat_two_assignments",
        diagnostic("* | fieldformat a=1, b=2")
    );
    insta::assert_snapshot!("fieldformat_wildcard", diagnostic("* | fieldformat a*=1"));
}

#[test]
fn format_errors() {
    insta::assert_snapshot!(
        "format_some_positional",
        diagnostic("* | format \"[\" \"[\" \"&&\"")
    );
    insta::assert_snapshot!(
        "format_bad_maxresults",
        diagnostic("* | format maxresults=all")
    );
}

#[test]
fn concurrency_errors() {
    insta::assert_snapshot!(
        "concurrency_needs_duration",
        diagnostic("* | concurrency start=et")
    );
    insta::assert_snapshot!(
        "concurrency_stray_argument",
        diagnostic("* | concurrency duration=d extra")
    );
}

// ---- the eval function lookup() --------------------------------------------------

/// A rules folder holding lookups/http_status.csv (the reference's table)
/// and a case-insensitive definition of it.
fn http_status_rules() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let lk = dir.path().join("lookups");
    std::fs::create_dir_all(&lk).unwrap();
    std::fs::write(
        lk.join("http_status.csv"),
        "status,status_description,status_type\n\
         200,OK,Successful\n\
         201,Created,Successful\n\
         404,Not Found,Client Error\n\
         503,Service Unavailable,Server Error\n",
    )
    .unwrap();
    std::fs::write(
        lk.join("status_ci.yml"),
        "name: status_ci\nfilename: http_status.csv\ncase_sensitive_match: 'false'\n",
    )
    .unwrap();
    dir
}

fn run_rules(dir: &std::path::Path, spl: &str) -> std::process::Output {
    spleval()
        .args(["run", "--now", "1700000000", "--format", "json", "--rules"])
        .arg(dir)
        .args(["--spl", spl])
        .write_stdin("")
        .output()
        .expect("runs")
}

fn ok_rules(dir: &std::path::Path, spl: &str) -> Vec<serde_json::Value> {
    let out = run_rules(dir, spl);
    assert!(
        out.status.success(),
        "spleval failed for {spl:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    rows(&out.stdout)
}

// Search Reference, evaluation functions, lookup(<lookup_table>,
// <json_object>, <json_array>): "performs a CSV lookup" and returns the
// output fields "in the form of a JSON object"; the example looks up the
// description of a status in http_status.csv: `| makeresults | eval
// output=lookup("http_status.csv", json_object("status", "404"),
// json_array("status_description"))`.
#[test]
fn eval_lookup_returns_a_json_object() {
    let d = http_status_rules();
    let r = ok_rules(
        d.path(),
        "| makeresults | eval output=lookup(\"http_status.csv\", json_object(\"status\", \"404\"), json_array(\"status_description\")) | table output",
    );
    assert_eq!(
        col(&r, "output"),
        ["{\"status_description\":\"Not Found\"}"]
    );
    // The values to match may come from fields (numbers too); several
    // output fields; every matching row's value (a JSON array).
    let r = ok_rules(
        d.path(),
        "| makeresults | eval code=503, type=\"Successful\" \
         | eval a=lookup(\"http_status.csv\", json_object(\"status\", code), json_array(\"status_description\", \"status_type\")), \
                b=lookup(\"http_status.csv\", json_object(\"status_type\", type), json_array(\"status\")) \
         | eval d=json_extract(a, \"status_description\") | table a b d",
    );
    assert_eq!(
        col(&r, "a"),
        ["{\"status_description\":\"Service Unavailable\",\"status_type\":\"Server Error\"}"]
    );
    assert_eq!(col(&r, "b"), ["{\"status\":[\"200\",\"201\"]}"]);
    assert_eq!(col(&r, "d"), ["Service Unavailable"]);
}

// Without the array, every other field of the table is returned; no match
// is null; the table may be a lookup definition (its match settings apply,
// as for the lookup command).
#[test]
fn eval_lookup_all_fields_no_match_and_definitions() {
    let d = http_status_rules();
    let r = ok_rules(
        d.path(),
        "| makeresults | eval all=lookup(\"http_status.csv\", json_object(\"status\", \"201\")), \
                             none=lookup(\"http_status.csv\", json_object(\"status\", \"999\")), \
                             cs=lookup(\"http_status.csv\", json_object(\"status_type\", \"client error\"), json_array(\"status\")), \
                             ci=lookup(\"status_ci\", json_object(\"status_type\", \"client error\"), json_array(\"status\")) \
         | eval none_is_null=if(isnull(none), \"yes\", \"no\") | table all none_is_null cs ci",
    );
    assert_eq!(
        col(&r, "all"),
        ["{\"status_description\":\"Created\",\"status_type\":\"Successful\"}"]
    );
    assert_eq!(col(&r, "none_is_null"), ["yes"]);
    assert_eq!(col(&r, "cs"), [""]);
    assert_eq!(col(&r, "ci"), ["{\"status\":\"404\"}"]);
}

#[test]
fn eval_lookup_errors() {
    let d = http_status_rules();
    let err = |spl: &str| {
        let out = run_rules(d.path(), spl);
        assert!(!out.status.success(), "{spl:?} succeeded");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let e = err("| makeresults | eval x=lookup(\"nosuch\", json_object(\"a\", \"1\"))");
    assert!(e.contains("nosuch"), "{e}");
    let e = err("| makeresults | eval x=lookup(\"http_status.csv\", json_object(\"status\", \"1\"), json_array(\"colour\"))");
    assert!(e.contains("no field \"colour\""), "{e}");
    let e = err("| makeresults | eval x=lookup(\"http_status.csv\", \"status\")");
    assert!(e.contains("JSON object"), "{e}");
    // Without --rules the lookups are the project's rules/lookups.
    let (code, e) =
        fails("| makeresults | eval x=lookup(\"http_status.csv\", json_object(\"status\", \"1\"))");
    assert_ne!(code, 0);
    assert!(e.contains("no lookup named \"http_status.csv\""), "{e}");
}
