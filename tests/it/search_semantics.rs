//! Issue 2, "Events and values", and grammar/README.md's semantics: one test
//! per rule, through the binary.

use crate::common;

use crate::common::{col, run_spl, spleval};
use serde_json::{json, Value};

/// NDJSON from JSON values.
fn nd(events: &[Value]) -> String {
    events
        .iter()
        .map(|e| serde_json::to_string(e).unwrap() + "\n")
        .collect()
}

/// The `id`s of the results of `spl` over `events`, in output order.
fn ids(spl: &str, events: &[Value]) -> Vec<String> {
    col(&run_spl(spl, &nd(events)), "id")
}

/// Like [`ids`], sorted (for rules that are not about order).
fn id_set(spl: &str, events: &[Value]) -> Vec<String> {
    let mut v = ids(spl, events);
    v.sort();
    v
}

// ---- field=value ---------------------------------------------------------

#[test]
fn field_value_is_case_insensitive() {
    let ev = [
        json!({"id": "1", "user": "Alice"}),
        json!({"id": "2", "user": "ALICE"}),
        json!({"id": "3", "user": "alice"}),
        json!({"id": "4", "user": "alicia"}),
    ];
    assert_eq!(id_set("user=alice", &ev), ["1", "2", "3"]);
    assert_eq!(id_set("user=\"aLiCe\"", &ev), ["1", "2", "3"]);
    // Field names are case-sensitive.
    assert_eq!(id_set("User=alice", &ev), Vec::<String>::new());
}

#[test]
fn wildcards_anywhere_in_a_value() {
    let ev = [
        json!({"id": "1", "p": "C:\\Windows\\System32\\cmd.exe"}),
        json!({"id": "2", "p": "cmd.exe"}),
        json!({"id": "3", "p": "cmd.exe.bak"}),
        json!({"id": "4", "p": "CMDLINE"}),
        json!({"id": "5", "p": "abxyzb"}),
    ];
    assert_eq!(id_set("p=*cmd.exe", &ev), ["1", "2"]);
    assert_eq!(id_set("p=cmd*", &ev), ["2", "3", "4"]);
    assert_eq!(id_set("p=*md.ex*", &ev), ["1", "2", "3"]);
    assert_eq!(id_set("p=a*b", &ev), ["5"]);
    assert_eq!(id_set("p=\"*\\\\System32\\\\*\"", &ev), ["1"]);
    assert_eq!(id_set("p=*", &ev), ["1", "2", "3", "4", "5"]);
}

#[test]
fn json_number_and_string_match_alike() {
    let ev = [
        json!({"id": "n", "status": {"errorCode": 65004}}),
        json!({"id": "s", "status": {"errorCode": "65004"}}),
        json!({"id": "f", "status": {"errorCode": 65004.0}}),
        json!({"id": "x", "status": {"errorCode": 650040}}),
    ];
    // A JSON number is its text (`65004.0` stays "65004.0").
    assert_eq!(id_set("status.errorCode=65004", &ev), ["n", "s"]);
    assert_eq!(id_set("status.errorCode=\"65004\"", &ev), ["n", "s"]);
    // Search Reference, search command, "comparison-operator": `=` and `!=`
    // compare string values, so "1" does not match "1.0".
    assert_eq!(id_set("status.errorCode=65004.0", &ev), ["f"]);
    assert_eq!(
        id_set("status.errorCode=65004.00", &ev),
        Vec::<String>::new()
    );
}

#[test]
fn multivalue_matches_when_any_value_does() {
    let ev = [
        json!({"id": "1", "tags": ["red", "Green"]}),
        json!({"id": "2", "tags": ["blue"]}),
        json!({"id": "3", "n": [1, 20]}),
    ];
    assert_eq!(id_set("tags{}=green", &ev), ["1"]);
    assert_eq!(id_set("tags{}=bl*", &ev), ["2"]);
    assert_eq!(id_set("n{}>10", &ev), ["3"]);
    assert_eq!(id_set("tags{} IN (blue, red)", &ev), ["1", "2"]);
}

#[test]
fn comparisons_are_numeric_for_numbers_else_lexical() {
    let ev = [
        json!({"id": "10", "x": "10"}),
        json!({"id": "5", "x": 5}),
        json!({"id": "9", "x": "9.0"}),
        json!({"id": "abc", "x": "abc"}),
        json!({"id": "1a", "x": "1a"}),
    ];
    // "10" > 9 numerically (lexically "10" < "9"); "abc" > "9" and "1a" < "9"
    // lexically because they are not numbers.
    assert_eq!(id_set("x>9", &ev), ["10", "abc"]);
    assert_eq!(id_set("x>=9", &ev), ["10", "9", "abc"]);
    assert_eq!(id_set("x<9", &ev), ["1a", "5"]);
    assert_eq!(id_set("x<=9", &ev), ["1a", "5", "9"]);
    // The same rule in where.
    assert_eq!(id_set("| where x>9", &ev), ["10", "abc"]);
    assert_eq!(id_set("| where x<9", &ev), ["1a", "5"]);
}

#[test]
fn where_and_eval_equality_is_case_sensitive() {
    let ev = [
        json!({"id": "1", "user": "alice"}),
        json!({"id": "2", "user": "Alice"}),
    ];
    assert_eq!(id_set("| where user==\"alice\"", &ev), ["1"]);
    assert_eq!(id_set("| where user=\"Alice\"", &ev), ["2"]);
    assert_eq!(id_set("| where user!=\"alice\"", &ev), ["2"]);
    let r = run_spl(
        "| eval same=if(user==\"alice\", \"y\", \"n\") | table id same",
        &nd(&ev),
    );
    assert_eq!(col(&r, "same"), ["y", "n"]);
    // ... while search is not.
    assert_eq!(id_set("| search user=alice", &ev), ["1", "2"]);
}

#[test]
fn not_equal_needs_the_field_but_not_does_not() {
    let ev = [
        json!({"id": "1", "x": "1"}),
        json!({"id": "2", "x": "2"}),
        json!({"id": "none", "y": "1"}),
    ];
    // Splunk Search Manual, "Difference between != and NOT": != returns events
    // that have a value in the field that does not match; NOT also returns
    // events without the field.
    assert_eq!(id_set("x!=1", &ev), ["2"]);
    assert_eq!(id_set("NOT x=1", &ev), ["2", "none"]);
    assert_eq!(id_set("x!=nosuchvalue", &ev), ["1", "2"]);
    assert_eq!(id_set("y!=1", &ev), Vec::<String>::new());
}

// ---- bare terms and phrases ------------------------------------------------

#[test]
fn bare_term_matches_whole_tokens_of_raw_case_insensitively() {
    let ev = [
        json!({"id": "1", "cmd": "C:\\Windows\\PowerShell.exe -nop -enc AAAA"}),
        json!({"id": "2", "cmd": "xpowershellx.exe"}),
        json!({"id": "3", "cmd": "powershell_ise.exe"}),
        json!({"id": "4", "cmd": "cmd.exe /c whoami"}),
    ];
    assert_eq!(id_set("powershell", &ev), ["1", "3"]);
    assert_eq!(id_set("POWERSHELL", &ev), ["1", "3"]);
    // A token prefix does not match without a wildcard ...
    assert_eq!(id_set("power", &ev), Vec::<String>::new());
    // ... and does with one.
    assert_eq!(id_set("power*", &ev), ["1", "3"]);
    assert_eq!(id_set("WHOAMI", &ev), ["4"]);
    // The term is looked for in _raw: field names count too.
    assert_eq!(id_set("cmd", &ev), ["1", "2", "3", "4"]);
}

#[test]
fn quoted_phrases_match_in_sequence() {
    let ev = [
        json!({"id": "1", "msg": "User declined to consent to access the app."}),
        json!({"id": "2", "msg": "consent declined"}),
    ];
    assert_eq!(id_set("\"declined to consent\"", &ev), ["1"]);
    assert_eq!(id_set("\"DECLINED TO CONSENT\"", &ev), ["1"]);
    assert_eq!(id_set("\"consent declined\"", &ev), ["2"]);
    assert_eq!(id_set("\"to declined\"", &ev), Vec::<String>::new());
}

// ---- boolean structure ---------------------------------------------------

fn abc_events() -> Vec<Value> {
    vec![
        json!({"id": "ab", "a": "1", "b": "1"}),
        json!({"id": "ac", "a": "1", "c": "1"}),
        json!({"id": "c", "c": "1"}),
        json!({"id": "a", "a": "1"}),
    ]
}

#[test]
fn or_binds_tighter_than_and_in_search() {
    // `a b OR c` is `a AND (b OR c)`, not `(a AND b) OR c`.
    assert_eq!(id_set("a=1 b=1 OR c=1", &abc_events()), ["ab", "ac"]);
    assert_eq!(id_set("a=1 AND b=1 OR c=1", &abc_events()), ["ab", "ac"]);
    assert_eq!(id_set("b=1 OR c=1 a=1", &abc_events()), ["ab", "ac"]);
    // Lower-case "or" is a search term, not an operator.
    assert_eq!(id_set("a=1 or", &abc_events()), Vec::<String>::new());
}

#[test]
fn and_binds_tighter_than_or_in_where() {
    let ev = [
        json!({"id": "x", "x": 1, "y": 0, "z": 0}),
        json!({"id": "y", "x": 0, "y": 1, "z": 0}),
        json!({"id": "yz", "x": 0, "y": 1, "z": 1}),
    ];
    // x=1 OR (y=1 AND z=1)
    assert_eq!(id_set("| where x=1 OR y=1 AND z=1", &ev), ["x", "yz"]);
    assert_eq!(id_set("| where (x=1 OR y=1) AND z=1", &ev), ["yz"]);
    assert_eq!(id_set("| where NOT x=1 AND y=1", &ev), ["y", "yz"]);
}

#[test]
fn not_negates() {
    let ev = abc_events();
    assert_eq!(id_set("NOT a=1", &ev), ["c"]);
    assert_eq!(id_set("a=1 NOT b=1", &ev), ["a", "ac"]);
    assert_eq!(id_set("NOT NOT c=1", &ev), ["ac", "c"]);
    assert_eq!(id_set("NOT (b=1 OR c=1)", &ev), ["a"]);
}

#[test]
fn in_lists() {
    let ev = [
        json!({"id": "1", "p": "cmd.exe"}),
        json!({"id": "2", "p": "PowerShell.exe"}),
        json!({"id": "3", "p": "rundll32.exe"}),
        json!({"id": "4", "p": "a b"}),
        json!({"id": "5", "q": "cmd.exe"}),
    ];
    assert_eq!(
        id_set("p IN (cmd.exe, \"powershell.exe\", \"a b\")", &ev),
        ["1", "2", "4"]
    );
    assert_eq!(id_set("p IN (run*)", &ev), ["3"]);
    assert_eq!(id_set("p in (cmd.exe)", &ev), ["1"]);
    assert_eq!(id_set("NOT p IN (cmd.exe, run*)", &ev), ["2", "4", "5"]);
    // where's IN is eval's: exact, case-sensitive.
    assert_eq!(
        id_set("| where p IN (\"cmd.exe\", \"powershell.exe\")", &ev),
        ["1"]
    );
}

#[test]
fn parentheses_group() {
    let ev = abc_events();
    assert_eq!(id_set("(a=1 b=1) OR c=1", &ev), ["ab", "ac", "c"]);
    assert_eq!(id_set("(b=1 OR c=1) a=1", &ev), ["ab", "ac"]);
    assert_eq!(id_set("((a=1))", &ev), ["a", "ab", "ac"]);
}

// ---- event fields ----------------------------------------------------------

#[test]
fn field_names_with_dots_and_braces() {
    let ev = [json!({
        "id": "1",
        "status": {"errorCode": 65004},
        "tags": ["x", "y"],
        "list": [{"k": "a"}, {"k": "b"}]
    })];
    assert_eq!(ids("status.errorCode=65004", &ev), ["1"]);
    assert_eq!(ids("tags{}=y", &ev), ["1"]);
    assert_eq!(ids("list{}.k=b", &ev), ["1"]);
    assert_eq!(ids("| where 'list{}.k'=\"b\"", &ev), ["1"]);
    assert_eq!(ids("| where 'status.errorCode'=65004", &ev), ["1"]);
}

#[test]
fn nested_json_flattens_and_arrays_become_multivalue() {
    let ev = json!({
        "id": "1",
        "a": {"b": {"c": 1}, "d": "x"},
        "arr": [1, 2, 3],
        "objs": [{"k": "p", "n": {"m": 1}}, {"k": "q"}],
        "deep": [[1, 2], [3]],
        "nul": null,
        "t": true,
        "empty": []
    });
    let r = run_spl("*", &nd(&[ev]));
    assert_eq!(r.len(), 1);
    let r = &r[0];
    assert_eq!(r["a.b.c"], json!("1"));
    assert_eq!(r["a.d"], json!("x"));
    assert_eq!(r["arr{}"], json!(["1", "2", "3"]));
    assert_eq!(r["objs{}.k"], json!(["p", "q"]));
    assert_eq!(r["objs{}.n.m"], json!("1"));
    assert_eq!(r["deep{}{}"], json!(["1", "2", "3"]));
    assert_eq!(r["t"], json!("true"));
    // JSON null makes no field; an empty array neither.
    assert!(r.get("nul").is_none());
    assert!(r.get("empty{}").is_none());
    assert!(r.get("a").is_none());
    // _raw is the line as read.
    let line = nd(&[json!({"id": "1", "a": {"b": 1}})]);
    let r = run_spl("*", &line);
    assert_eq!(r[0]["_raw"], json!(line.trim_end()));
}

#[test]
fn metadata_fields_from_event_or_flags() {
    let out = spleval()
        .args([
            "run",
            "--format",
            "json",
            "--spl",
            "*",
            "--sourcetype",
            "st",
            "--host",
            "h",
            "--index",
            "i",
        ])
        .write_stdin(nd(&[
            json!({"id": "1"}),
            json!({"id": "2", "sourcetype": "own", "host": "own_host"}),
        ]))
        .output()
        .unwrap();
    assert!(out.status.success());
    let r = common::rows(&out.stdout);
    assert_eq!(col(&r, "sourcetype"), ["st", "own"]);
    assert_eq!(col(&r, "host"), ["h", "own_host"]);
    assert_eq!(col(&r, "index"), ["i", "i"]);
    // source defaults to the file name; stdin's is "stdin".
    assert_eq!(col(&r, "source"), ["stdin", "stdin"]);
    let out = spleval()
        .args(["run", "--format", "json", "--spl", "*", common::SEED_SAMPLE])
        .output()
        .unwrap();
    let r = common::rows(&out.stdout);
    assert!(col(&r, "source").iter().all(|s| s == common::SEED_SAMPLE));
}

// ---- _time -----------------------------------------------------------------

#[test]
fn time_from_each_known_timestamp_field() {
    for f in [
        "timestamp",
        "@timestamp",
        "createdDateTime",
        "eventTime",
        "CreationTime",
        "TimeCreated",
        "time",
        "date",
    ] {
        let mut ev = serde_json::Map::new();
        ev.insert(f.into(), json!("2023-10-12T11:05:44Z"));
        let r = run_spl("*", &nd(&[Value::Object(ev.clone())]));
        assert_eq!(r[0]["_time"], json!(1697108744), "ISO in {f}");
        ev.insert(f.into(), json!(1697108744));
        let r = run_spl("*", &nd(&[Value::Object(ev.clone())]));
        assert_eq!(r[0]["_time"], json!(1697108744), "epoch in {f}");
        ev.insert(f.into(), json!("1697108744.5"));
        let r = run_spl("*", &nd(&[Value::Object(ev)]));
        assert_eq!(r[0]["_time"], json!(1697108744.5), "epoch text in {f}");
    }
}

#[test]
fn time_fields_are_tried_in_order() {
    // timestamp comes before createdDateTime, which comes before date.
    let r = run_spl(
        "*",
        &nd(&[json!({
            "date": "2020-01-01T00:00:00Z",
            "createdDateTime": "2021-01-01T00:00:00Z",
            "timestamp": "2022-01-01T00:00:00Z"
        })]),
    );
    assert_eq!(r[0]["_time"], json!(1640995200));
    let r = run_spl(
        "*",
        &nd(&[json!({"date": "2020-01-01T00:00:00Z", "TimeCreated": "2021-01-01T00:00:00Z"})]),
    );
    assert_eq!(r[0]["_time"], json!(1609459200));
    // A field that is not a time is skipped.
    let r = run_spl(
        "*",
        &nd(&[json!({"timestamp": "soon", "time": "2021-01-01T00:00:00Z"})]),
    );
    assert_eq!(r[0]["_time"], json!(1609459200));
}

#[test]
fn time_from_an_iso_or_epoch_time_field() {
    let r = run_spl(
        "*",
        &nd(&[
            json!({"id": "e", "_time": 1697108744, "createdDateTime": "2000-01-01T00:00:00Z"}),
            json!({"id": "i", "_time": "2023-10-12T11:05:40+02:00"}),
            json!({"id": "f", "_time": "2023-10-12T09:05:30.250Z"}),
        ]),
    );
    assert_eq!(col(&r, "id"), ["e", "i", "f"]);
    assert_eq!(r[0]["_time"], json!(1697108744));
    assert_eq!(r[1]["_time"], json!(1697101540));
    assert_eq!(r[2]["_time"], json!(1697101530.25));
}

// ---- order -----------------------------------------------------------------

fn timed() -> Vec<Value> {
    vec![
        json!({"id": "old", "k": "a", "v": "1", "_time": 100}),
        json!({"id": "new", "k": "a", "v": "2", "_time": 300}),
        json!({"id": "tie1", "k": "b", "v": "3", "_time": 200}),
        json!({"id": "mid", "k": "b", "v": "4", "_time": 250}),
        json!({"id": "tie2", "k": "a", "v": "5", "_time": 200}),
        json!({"id": "tie3", "k": "b", "v": "6", "_time": 200}),
    ]
}

#[test]
fn events_come_newest_first_ties_in_input_order() {
    assert_eq!(
        ids("*", &timed()),
        ["new", "mid", "tie1", "tie2", "tie3", "old"]
    );
    // Also after streaming commands.
    assert_eq!(
        ids("* | eval x=1 | where x=1 | fields id", &timed()),
        ["new", "mid", "tie1", "tie2", "tie3", "old"]
    );
}

#[test]
fn head_takes_the_newest() {
    assert_eq!(ids("* | head 2", &timed()), ["new", "mid"]);
    assert_eq!(ids("k=b | head 1", &timed()), ["mid"]);
}

#[test]
fn dedup_keeps_the_newest() {
    assert_eq!(ids("* | dedup k", &timed()), ["new", "mid"]);
}

#[test]
fn stats_first_is_newest_and_last_is_oldest() {
    let r = run_spl(
        "* | stats first(v) as f last(v) as l list(v) as li by k",
        &nd(&timed()),
    );
    assert_eq!(col(&r, "k"), ["a", "b"]);
    assert_eq!(col(&r, "f"), ["2", "4"]);
    assert_eq!(col(&r, "l"), ["1", "6"]);
    assert_eq!(r[0]["li"], json!(["2", "5", "1"]));
    assert_eq!(r[1]["li"], json!(["4", "3", "6"]));
}

// ---- stats -----------------------------------------------------------------

#[test]
fn stats_leaves_out_events_missing_a_group_field() {
    let ev = [
        json!({"user": "a", "host": "h1"}),
        json!({"user": "a"}),
        json!({"host": "h1"}),
        json!({"user": "b", "host": "h2"}),
    ];
    let r = run_spl("* | stats count by user host", &nd(&ev));
    assert_eq!(
        r,
        [
            json!({"user": "a", "host": "h1", "count": 1}),
            json!({"user": "b", "host": "h2", "count": 1})
        ]
    );
}

#[test]
fn stats_rows_are_sorted_by_group_keys() {
    let ev = [
        json!({"k": "b", "n": "10"}),
        json!({"k": "a", "n": "9"}),
        json!({"k": "B", "n": "100"}),
        json!({"k": "a", "n": "x"}),
        json!({"k": "10", "n": "1"}),
        json!({"k": "9", "n": "1"}),
    ];
    let r = run_spl("* | stats count by k", &nd(&ev));
    // Numbers numerically and before strings; strings lexicographically (upper case first).
    assert_eq!(col(&r, "k"), ["9", "10", "B", "a", "b"]);
    let r = run_spl("* | stats count by n", &nd(&ev));
    assert_eq!(col(&r, "n"), ["1", "9", "10", "100", "x"]);
    let r = run_spl("* | stats count by k n", &nd(&ev));
    assert_eq!(col(&r, "k"), ["9", "10", "B", "a", "a", "b"]);
    assert_eq!(col(&r, "n"), ["1", "1", "100", "9", "x", "10"]);
}

#[test]
fn stats_count_of_eval() {
    let ev = [
        json!({"user": "a", "code": 65004}),
        json!({"user": "a", "code": 0}),
        json!({"user": "a", "code": "65004"}),
        json!({"user": "b", "code": 1}),
    ];
    let r = run_spl(
        "* | stats count(eval(code==65004)) as refused, count by user",
        &nd(&ev),
    );
    assert_eq!(
        r,
        [
            json!({"user": "a", "refused": 2, "count": 3}),
            json!({"user": "b", "refused": 0, "count": 1})
        ]
    );
}

#[test]
fn stats_multivalue_group_by_puts_the_event_in_each_group() {
    let ev = [
        json!({"tags": ["x", "y"]}),
        json!({"tags": ["y"]}),
        json!({"tags": ["z", "x", "y"]}),
    ];
    let r = run_spl("* | stats count by tags{}", &nd(&ev));
    assert_eq!(col(&r, "tags{}"), ["x", "y", "z"]);
    assert_eq!(col(&r, "count"), ["2", "3", "1"]);
}

// ---- time bounds -------------------------------------------------------------

#[test]
fn earliest_and_latest_relative_to_now() {
    // --now 1700000000 is 2023-11-14T22:13:20Z (run_spl fixes it).
    let ev = [
        json!({"id": "now-30m", "_time": 1700000000 - 1800}),
        json!({"id": "now-2h", "_time": 1700000000 - 7200}),
        json!({"id": "yesterday", "_time": "2023-11-13T12:00:00Z"}),
        json!({"id": "2days", "_time": "2023-11-12T23:59:59Z"}),
        json!({"id": "future", "_time": 1700000000 + 60}),
    ];
    assert_eq!(id_set("earliest=-1h latest=now", &ev), ["now-30m"]);
    assert_eq!(id_set("earliest=-1d@d latest=@d", &ev), ["yesterday"]);
    assert_eq!(id_set("earliest=-3h latest=-1h", &ev), ["now-2h"]);
    // Epoch bounds; earliest is inclusive, latest exclusive.
    assert_eq!(
        id_set("earliest=1699992800 latest=1699998200", &ev),
        ["now-2h"]
    );
    assert_eq!(
        id_set("earliest=1699992799 latest=1699998201", &ev),
        ["now-2h", "now-30m"]
    );
}

#[test]
fn relative_time_bounds_snap_in_the_tz() {
    // now is 2023-11-14T17:13:20 in New York (EST): @d is 2023-11-14T05:00:00Z.
    let ev = nd(&[
        json!({"id": "utc-today", "_time": "2023-11-14T03:00:00Z"}),
        json!({"id": "ny-today", "_time": "2023-11-14T06:00:00Z"}),
    ]);
    let run = |tz: &str| {
        let out = spleval()
            .args(["run", "--now", "1700000000", "--tz", tz, "--format", "json"])
            .args(["--spl", "earliest=@d"])
            .write_stdin(ev.clone())
            .output()
            .unwrap();
        assert!(out.status.success());
        col(&common::rows(&out.stdout), "id")
    };
    assert_eq!(run("UTC"), ["ny-today", "utc-today"]);
    assert_eq!(run("America/New_York"), ["ny-today"]);
}

#[test]
fn cidr_in_search() {
    let ev = [
        json!({"id": "1", "src": "10.1.2.3"}),
        json!({"id": "2", "src": "192.168.1.5"}),
        json!({"id": "3", "src": "10.255.0.1"}),
        json!({"id": "4", "src": "2001:db8::1"}),
        json!({"id": "5", "src": "not-an-ip"}),
    ];
    assert_eq!(id_set("src=10.0.0.0/8", &ev), ["1", "3"]);
    assert_eq!(id_set("src=192.168.1.0/24", &ev), ["2"]);
    assert_eq!(id_set("src=2001:db8::/32", &ev), ["4"]);
    assert_eq!(id_set("NOT src=10.0.0.0/8", &ev), ["2", "4", "5"]);
    assert_eq!(
        id_set("src IN (10.0.0.0/8, 192.168.0.0/16)", &ev),
        ["1", "2", "3"]
    );
}

#[test]
fn search_later_in_the_pipeline() {
    let ev = [
        json!({"id": "1", "user": "Alice", "n": 5}),
        json!({"id": "2", "user": "bob", "n": 50}),
    ];
    assert_eq!(id_set("* | search user=alice", &ev), ["1"]);
    assert_eq!(id_set("* | search n>10", &ev), ["2"]);
    // After a transforming command the search runs over result fields.
    let r = run_spl("* | stats count by user | search user=BOB", &nd(&ev));
    assert_eq!(col(&r, "user"), ["bob"]);
    let r = run_spl("* | stats count by user | search alice", &nd(&ev));
    assert_eq!(col(&r, "user"), ["Alice"]);
}

/// `head N` / `tail N` after the leading search read the first / last N
/// events in search order (newest first, then input order): the search
/// keeps only those while reading, and they are the same events a full sort
/// would give, over thousands of events in shuffled time order with ties.
#[test]
fn head_and_tail_keep_the_newest_and_oldest_in_search_order() {
    let n = 5000u64;
    // A permutation of times with ties (every time appears twice).
    let events: Vec<Value> = (0..n)
        .map(|i| json!({"id": i.to_string(), "_time": 1_700_000_000 + (i * 7919) % (n / 2)}))
        .collect();
    let mut order: Vec<(u64, u64)> = (0..n)
        .map(|i| (1_700_000_000 + (i * 7919) % (n / 2), i))
        .collect();
    // Search order: newest first, then earlier in the input first.
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let want = |r: &[(u64, u64)]| r.iter().map(|x| x.1.to_string()).collect::<Vec<_>>();
    assert_eq!(ids("search * | head 7", &events), want(&order[..7]));
    let mut last = want(&order[order.len() - 4..]);
    let got = ids("search * | tail 4", &events);
    // tail returns them last first.
    last.reverse();
    assert_eq!(got, last);
    assert_eq!(ids("search * | head 3000", &events).len(), 3000);
    assert!(ids("search * | head 0", &events).is_empty());
}
