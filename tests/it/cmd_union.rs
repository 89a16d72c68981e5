//! `union` (Search Reference, SPL1 "union", 10.0 edition as stored): every
//! worked example of the page — the four numbered examples, the three
//! searches of "Why unioned results might be truncated" and the
//! "Interleaving results" datasets — plus the named datasets spleval cannot
//! read (errors at the dataset) and the syntax errors. The ledger is the
//! `## union` table of grammar/examples/commands-b.md.

use crate::common::{col, fails, in_order, ndjson, roundtrip, rules_with_lookups, run_spl};
use serde_json::json;

/// Events of indexes a, b and c, newest first (n: 6 down to 1).
fn three_indexes() -> String {
    ndjson(&[
        json!({"_time": 1_700_000_006, "index": "a", "n": 6}),
        json!({"_time": 1_700_000_005, "index": "b", "n": 5}),
        json!({"_time": 1_700_000_004, "index": "c", "n": 4}),
        json!({"_time": 1_700_000_003, "index": "a", "n": 3}),
        json!({"_time": 1_700_000_002, "index": "b", "n": 2}),
        json!({"_time": 1_700_000_001, "index": "a", "n": 1}),
    ])
}

// Search Reference, union, Example 1 "Union events from two subsearches":
// `| union [search index=a | eval type = "foo"] [search index=b | eval
// mytype = "bar"]` merges the events of index a and index b, each subsearch
// adding its own field. Both subsearches are distributable streaming, so
// (Usage, "How the command is processed") they merge as multisearch does,
// interleaved on _time.
#[test]
fn union_example_1_two_subsearches_interleave() {
    let r = run_spl(
        "| union [search index=a | eval type = \"foo\"] [search index=b | eval mytype = \"bar\"]",
        &three_indexes(),
    );
    assert_eq!(col(&r, "n"), ["6", "5", "3", "2", "1"], "{r:?}");
    assert_eq!(col(&r, "index"), ["a", "b", "a", "b", "a"]);
    assert_eq!(col(&r, "type"), ["foo", "", "foo", "", "foo"]);
    assert_eq!(col(&r, "mytype"), ["", "bar", "", "bar", ""]);
    // Written in the other order, the interleave is the same.
    let r = run_spl(
        "| union [search index=b | eval mytype = \"bar\"] [search index=a | eval type = \"foo\"]",
        &three_indexes(),
    );
    assert_eq!(col(&r, "n"), ["6", "5", "3", "2", "1"]);
}

// Search Reference, union, Usage, "Interleaving results": dataset_A (_time
// 4 mailsrv1 2412, 1 dns15 231) and dataset_B (3 router1 23, 2 dns12 22o),
// both in descending time order; `| union dataset_A, dataset_B` gives 4
// mailsrv1, 3 router1, 2 dns12, 1 dns15. spleval reads no named datasets,
// so the two are given as subsearches (comma-separated, as the page allows).
// "Optimized syntax for streaming datasets": `<streaming_dataset1> | union
// <streaming_dataset2>` gives the same results as `| union <dataset1>,
// <dataset2>`.
#[test]
fn union_interleaving_results_on_time() {
    let events = ndjson(&[
        json!({"_time": 4, "ds": "A", "host": "mailsrv1", "bytes": "2412"}),
        json!({"_time": 1, "ds": "A", "host": "dns15", "bytes": "231"}),
        json!({"_time": 3, "ds": "B", "host": "router1", "bytes": "23"}),
        json!({"_time": 2, "ds": "B", "host": "dns12", "bytes": "22o"}),
    ]);
    let want_host = ["mailsrv1", "router1", "dns12", "dns15"];
    let want_bytes = ["2412", "23", "22o", "231"];
    for spl in [
        "| union [search ds=A], [search ds=B]",
        "| union [search ds=A] [search ds=B]",
        "ds=A | union [search ds=B]",
    ] {
        let r = run_spl(spl, &events);
        assert_eq!(col(&r, "_time"), ["4", "3", "2", "1"], "{spl}");
        assert_eq!(col(&r, "host"), want_host, "{spl}");
        assert_eq!(col(&r, "bytes"), want_bytes, "{spl}");
    }
    // When the incoming results are not distributable streaming (Usage,
    // "Where the command is run": dataset 1 non-streaming runs on the search
    // head, processed as append), the dataset comes after them.
    let r = run_spl("ds=A | head 5 | union [search ds=B]", &events);
    assert_eq!(col(&r, "host"), ["mailsrv1", "dns15", "router1", "dns12"]);
}

/// 60,000 events in each of the indexes union_1, union_2 and union_3 (the
/// page's "Why unioned results might be truncated"), newest first.
fn union_indexes() -> String {
    let mut s = String::with_capacity(180_000 * 42);
    for k in 0..180_000u32 {
        s.push_str(&format!(
            "{{\"_time\":{},\"index\":\"union_{}\"}}\n",
            1_700_000_000 - k,
            k % 3 + 1
        ));
    }
    s
}

fn counts(r: &[serde_json::Value]) -> Vec<(String, String)> {
    col(r, "index").into_iter().zip(col(r, "count")).collect()
}

// Search Reference, union, Usage, "Why unioned results might be truncated",
// with 60,000 events in each index:
// - `| union maxout=10000000 [ search index=union_1 ] [ search index=union_2 ]
//   [ search index=union_3 ] | stats count by index`: all streaming, unioned
//   as multisearch: 60000 each;
// - `[ search index=union_1 | head 60000]` first: processed as append from
//   there on, the default maxout (50,000) enforced on the subsearches after
//   it: 60000, 50000, 50000;
// - `[ search index=union_3 | head 60000 ]` last: the first two as
//   multisearch, the last appended with the default maxout: 60000, 60000,
//   50000.
#[test]
fn union_truncation_examples_enforce_the_default_maxout() {
    let events = union_indexes();
    let s = |a: &str, b: &str, c: &str| {
        vec![
            ("union_1".to_string(), a.to_string()),
            ("union_2".to_string(), b.to_string()),
            ("union_3".to_string(), c.to_string()),
        ]
    };
    let r = run_spl(
        "| union maxout=10000000\n   [ search index=union_1 ]\n   [ search index=union_2 ]\n   [ search index=union_3 ]\n| stats count by index",
        &events,
    );
    assert_eq!(counts(&r), s("60000", "60000", "60000"));
    let r = run_spl(
        "| union maxout=10000000\n   [ search index=union_1  | head 60000]\n   [ search index=union_2 ]\n   [ search index=union_3 ]\n| stats count by index",
        &events,
    );
    assert_eq!(counts(&r), s("60000", "50000", "50000"));
    let r = run_spl(
        "| union maxout=10000000\n   [ search index=union_1 ]\n   [ search index=union_2 ]\n   [ search index=union_3 | head 60000 ]\n| stats count by index",
        &events,
    );
    assert_eq!(counts(&r), s("60000", "60000", "50000"));
}

// The same rule on a few events, showing the order the page's internal
// conversions give: `| search index=union_1 | head 60000 | append [ search
// index=union_2 ] | append [ search index=union_3 ]` — the first dataset's
// results, then each appended dataset's, not interleaved; and `| multisearch
// [ search index=union_1 ] [ search index=union_2 ] | append [ search
// index=union_3 | head 60000 ]` — the first two interleaved, the last after.
#[test]
fn union_appends_from_the_first_non_streaming_dataset_on() {
    let r = run_spl(
        "| union [search index=a | head 60000] [search index=b] [search index=c]",
        &three_indexes(),
    );
    assert_eq!(col(&r, "n"), ["6", "3", "1", "5", "2", "4"]);
    let r = run_spl(
        "| union [search index=a] [search index=b] [search index=c | head 60000]",
        &three_indexes(),
    );
    assert_eq!(col(&r, "n"), ["6", "5", "3", "2", "1", "4"]);
    // A dataset given maxout smaller than the default keeps that many (the
    // subsearch-options: "the maximum number of results to return from the
    // subsearch"); the streaming ones are not capped.
    let r = run_spl(
        "| union maxout=1 [search index=a] [search index=c | head 60000] [search index=b]",
        &three_indexes(),
    );
    assert_eq!(col(&r, "n"), ["6", "3", "1", "4", "5"]);
}

/// Events for examples 2 and 4: categories of the main search, and error
/// events with a second category.
fn category_events() -> String {
    in_order(&[
        json!({"category1": "books", "_raw": "ok"}),
        json!({"category1": "games", "_raw": "ok"}),
        json!({"category1": "books", "_raw": "ok"}),
        json!({"category2": "disk", "_raw": "an error here"}),
        json!({"category2": "net", "_raw": "error again"}),
        json!({"category2": "disk", "_raw": "error once more"}),
    ])
}

// Search Reference, union, Example 2 "Union the results of a subsearch to
// the results of the main search": `... | chart count by category1 | union
// [search error | chart count by category2]` appends the tabular results of
// the subsearch to the current results. Example 4 "Specify the subsearch
// options": the same with `union maxout=20000 maxtime=120 timeout=600`, at
// most 20,000 results from the subsearch.
#[test]
fn union_examples_2_and_4_append_a_table_to_the_results() {
    for spl in [
        "category1=* | chart count by category1 | union [search error | chart count by category2]",
        "category1=* | chart count by category1 | union maxout=20000 maxtime=120 timeout=600 [search error | chart count by category2]",
    ] {
        let r = run_spl(spl, &category_events());
        assert_eq!(col(&r, "category1"), ["books", "games", "", ""], "{spl}");
        assert_eq!(col(&r, "category2"), ["", "", "disk", "net"], "{spl}");
        assert_eq!(col(&r, "count"), ["2", "1", "2", "1"], "{spl}");
    }
    // maxout caps the subsearch's results.
    let r = run_spl(
        "category1=* | chart count by category1 | union maxout=1 maxtime=120 timeout=600 [search error | chart count by category2]",
        &category_events(),
    );
    assert_eq!(col(&r, "category2"), ["", "", "disk"]);
}

// Search Reference, union, Example 3 "Union events from a data model and
// events from an index": `... | union datamodel:"internal_server.splunkdaccess"
// [search index=a]`. The data model (model internal_server, dataset
// splunkdaccess) is given with --datamodels; its events and index a's are
// both streaming, and so are the incoming events here (`index=main`), so
// the three interleave on _time.
#[test]
fn union_example_3_data_model_and_index() {
    let dir = crate::common::internal_server_model();
    let events = ndjson(&[
        json!({"_time": 6, "index": "main", "n": 6}),
        json!({"_time": 5, "index": "_internal", "sourcetype": "splunkd_access", "uri": "/services/a"}),
        json!({"_time": 4, "index": "a", "n": 4}),
        json!({"_time": 3, "index": "_internal", "sourcetype": "splunkd", "uri": "/x"}),
        json!({"_time": 2, "index": "_internal", "sourcetype": "splunkd_access", "uri": "/services/b"}),
        json!({"_time": 1, "index": "a", "n": 1}),
    ]);
    let r = crate::common::run_spl_with(
        &["--datamodels", dir.path().to_str().unwrap()],
        "index=main | union datamodel:\"internal_server.splunkdaccess\" [search index=a]",
        &events,
    );
    assert_eq!(col(&r, "_time"), ["6", "5", "4", "2", "1"], "{r:?}");
    assert_eq!(
        col(&r, "index"),
        ["main", "_internal", "a", "_internal", "a"]
    );
    // Without the data model, the error points at the dataset.
    let (code, err) = fails("| union datamodel:\"internal_server.splunkdaccess\" [search index=a]");
    assert_ne!(code, 0);
    insta::assert_snapshot!("union_unknown_data_model", err);
}

// Search Reference, union, dataset: "For <dataset-type> you can specify a
// data model, a saved search, or an inputlookup." An inputlookup dataset
// reads the lookup's rows; a lookup is not a streaming dataset, so it and
// the datasets after it are appended.
#[test]
fn union_inputlookup_dataset_is_appended() {
    let dir = rules_with_lookups(&[("usertogroup.csv", "user,group\nann,admins\nbob,users\n")]);
    let r = crate::common::run_spl_with(
        &["--rules", dir.path().to_str().unwrap()],
        "| union [search index=a], inputlookup:usertogroup.csv, [search index=b]",
        &three_indexes(),
    );
    assert_eq!(col(&r, "n"), ["6", "3", "1", "", "", "5", "2"], "{r:?}");
    assert_eq!(col(&r, "user"), ["", "", "", "ann", "bob", "", ""]);
}

// Named datasets spleval cannot have — a saved search, and a name without a
// type (the page's `| union dataset_A, dataset_B`) — parse and print back,
// and planning them is an error at the dataset.
#[test]
fn union_datasets_spleval_cannot_read_are_errors_at_them() {
    let (code, err) = fails("| union dataset_A, dataset_B");
    assert_ne!(code, 0);
    insta::assert_snapshot!("union_untyped_dataset", err);
    let (code, err) = fails("| union [search index=a] savedsearch:nightly_logins");
    assert_ne!(code, 0);
    insta::assert_snapshot!("union_saved_search", err);
}

#[test]
fn union_syntax_errors_point_at_their_place() {
    for (name, spl) in [
        ("union_no_dataset", "| union maxout=5"),
        (
            "union_option_after_dataset",
            "| union [search index=a] maxout=5",
        ),
        (
            "union_unknown_dataset_type",
            "| union report:x [search index=a]",
        ),
        ("union_bad_maxout", "| union maxout=all [search index=a]"),
    ] {
        let (code, err) = fails(spl);
        assert_eq!(code, 2, "{spl}: {err}");
        insta::assert_snapshot!(name, err);
    }
}

// Every search of the page parses and prints back to the same AST.
#[test]
fn union_page_searches_round_trip() {
    for spl in [
        "| union [search index=a | eval type = \"foo\"] [search index=b | eval mytype = \"bar\"]",
        "index=x | chart count by category1 | union [search error | chart count by category2]",
        "index=x | union datamodel:\"internal_server.splunkdaccess\" [search index=a]",
        "index=x | chart count by category1 | union maxout=20000 maxtime=120 timeout=600 [search error | chart count by category2]",
        "| union maxout=10000000\n   [ search index=union_1 ]\n   [ search index=union_2 ]\n   [ search index=union_3 ]\n| stats count by index",
        "| union maxout=10000000\n   [ search index=union_1  | head 60000]\n   [ search index=union_2 ]\n   [ search index=union_3 ]\n| stats count by index",
        " | union dataset_A, dataset_B",
        "| union savedsearch:nightly, inputlookup:usertogroup.csv",
    ] {
        let p = roundtrip(spl);
        let u = p
            .commands
            .iter()
            .find(|c| c.cmd.name() == "union")
            .expect("a union");
        // Each dataset carries its span.
        let ast = u.cmd.to_json();
        for d in ast["datasets"].as_array().unwrap() {
            let span = &d["span"];
            let (s, e) = (
                span["start"].as_u64().unwrap() as usize,
                span["end"].as_u64().unwrap() as usize,
            );
            assert!(s < e && e <= spl.len(), "{spl}: {d}");
            let text = &spl[s..e];
            assert!(
                text.starts_with('[') || text.contains(d["name"].as_str().unwrap_or("\u{0}")),
                "{spl}: {text:?} for {d}"
            );
        }
    }
}

// ---- xpath -------------------------------------------------------------------

// Search Reference, xpath: spleval does not run it (grammar/README.md,
// "Differences we chose", **xpath**). The page's example searches parse,
// print back, and running one is an error; the catalog says why.
#[test]
fn xpath_examples_parse_and_say_why_they_do_not_run() {
    for spl in [
        "sourcetype=\"xml\" | xpath outfield=name \"//bar/@nickname\"",
        "index=x | xpath outfield=identity_id \"//DataSet/identity_id\"",
        "index=x | xpath outfield=instrument_id \"//DataSet[sname='BARC']/instrument_id\"",
        "| makeresults | eval xml=\"<DataSet xmlns=\\\"\\\"><identity_id>1037669</identity_id></DataSet>\" | xpath outfield=identity_id \"//DataSet/identity_id\" field=xml",
    ] {
        roundtrip(spl);
    }
    let (code, err) = fails(
        "| makeresults | eval xml=\"<DataSet><identity_id>1037669</identity_id></DataSet>\" | xpath outfield=identity_id \"//DataSet/identity_id\" field=xml",
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("'xpath' is parsed but spleval cannot run it"),
        "{err}"
    );
    // The error names the reason, as the catalog does.
    insta::assert_snapshot!("xpath_not_run", err);
    // The catalog (grammar/commands.md) gives the reason.
    let table = spleval::catalog::render();
    let row = table
        .lines()
        .find(|l| l.starts_with("| `xpath` |"))
        .expect("an xpath row");
    assert!(
        row.contains("not supported") && row.contains("ElementTree") && err.contains("ElementTree"),
        "{row}"
    );
}
