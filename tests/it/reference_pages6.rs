//! Issue 18, the sixth sweep: `fieldsummary` and `multisearch`, two Search
//! Reference commands that were parsed generically and not run. Each test
//! cites the page and the example or sentence it encodes.

use crate::common::{col, fails, ndjson, roundtrip, run_spl, spleval};
use serde_json::{json, Value};

/// A parse or plan error's rendered diagnostic (exit code 2).
fn diagnostic(spl: &str) -> String {
    let (code, err) = fails(spl);
    assert_eq!(code, 2, "{spl:?}: {err}");
    err
}

/// The result row whose `field` is `name`.
fn row<'a>(rows: &'a [Value], name: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["field"] == name)
        .unwrap_or_else(|| panic!("no row for {name} in {rows:?}"))
}

/// A numeric column of a row.
fn num(r: &Value, col: &str) -> f64 {
    r[col]
        .as_f64()
        .unwrap_or_else(|| panic!("{col} is not a number in {r}"))
}

/// The `values` column parsed back into (value, count) pairs.
fn values(r: &Value) -> Vec<(String, u64)> {
    let text = r["values"].as_str().expect("values is a string");
    let parsed: Vec<Value> = serde_json::from_str(text).expect("values is a JSON array");
    parsed
        .iter()
        .map(|o| {
            (
                o["value"].as_str().expect("value is text").to_string(),
                o["count"].as_u64().expect("count is a number"),
            )
        })
        .collect()
}

/// The orders dataset of the SPL2 "fieldsummary command: Examples" page,
/// example 1. The page's second row has no clientip (its columns are shifted
/// one to the left) and its third row has no price; both are kept so.
fn orders() -> String {
    let rows = [
        (
            1_642_680_000,
            Some("192.0.2.0"),
            "purchase",
            "DC-SG-G02",
            1,
            Some(39.99),
        ),
        (
            1_642_679_880,
            None,
            "addtochart",
            "MB-AG-G07",
            3,
            Some(27.99),
        ),
        (
            1_642_679_880,
            Some("203.0.113.0"),
            "purchase",
            "WC-SH-A01",
            1,
            None,
        ),
        (
            1_642_679_760,
            Some("198.51.100.255"),
            "changequantity",
            "PZ-SG-G05",
            2,
            Some(4.99),
        ),
        (
            1_642_679_460,
            Some("192.0.2.0"),
            "purchase",
            "SF-BVS-01",
            1,
            Some(49.99),
        ),
        (
            1_642_679_220,
            Some("198.51.100.0"),
            "purchase",
            "SF-BVS-G01",
            1,
            Some(26.99),
        ),
        (
            1_642_678_920,
            Some("192.0.2.0"),
            "purchase",
            "WC-SH-T02",
            2,
            Some(19.99),
        ),
        (
            1_642_678_740,
            Some("198.51.100.0"),
            "purchase",
            "PZ-SG-G05",
            1,
            Some(4.99),
        ),
    ];
    let events: Vec<Value> = rows
        .iter()
        .map(|(t, ip, action, pid, q, price)| {
            let mut e = json!({"_time": t, "action": action, "pid": pid, "quantity": q});
            if let Some(ip) = ip {
                e["clientip"] = json!(ip);
            }
            if let Some(p) = price {
                e["price"] = json!(p);
            }
            e
        })
        .collect();
    ndjson(&events)
}

// SPL2 "fieldsummary command: Examples", 1. "Return summaries for all
// fields": `| FROM orders | fieldsummary`. The page's action row: count 8,
// distinct_count 3, is_exact 1, numeric_count 0, values
// [{"value":"purchase","count":6},{"value":"addtochart","count":1},…].
#[test]
fn fieldsummary_orders_example_summarises_every_field() {
    let r = run_spl("* | fieldsummary", &orders());
    // One row per field of the data (internal fields and the input's
    // `source` aside), in field-name order.
    let fields: Vec<String> = col(&r, "field")
        .into_iter()
        .filter(|f| f != "source")
        .collect();
    assert_eq!(fields, ["action", "clientip", "pid", "price", "quantity"]);

    let action = row(&r, "action");
    assert_eq!(num(action, "count"), 8.0);
    assert_eq!(num(action, "distinct_count"), 3.0);
    assert_eq!(num(action, "is_exact"), 1.0);
    assert_eq!(num(action, "numeric_count"), 0.0);
    for c in ["max", "mean", "min", "stdev"] {
        assert!(action.get(c).is_none(), "action has {c}: {action}");
    }
    assert_eq!(
        values(action),
        [
            ("purchase".to_string(), 6),
            ("addtochart".to_string(), 1),
            ("changequantity".to_string(), 1)
        ]
    );
    // The exact text the reference shows for the start of the array.
    assert!(
        action["values"].as_str().is_some_and(|v| v
            .starts_with(r#"[{"value":"purchase","count":6},{"value":"addtochart","count":1}"#)),
        "{action}"
    );

    // "count: The number of events/results with that field."
    assert_eq!(num(row(&r, "clientip"), "count"), 7.0);
    assert_eq!(num(row(&r, "clientip"), "distinct_count"), 4.0);
    assert_eq!(num(row(&r, "price"), "count"), 7.0);

    let q = row(&r, "quantity");
    assert_eq!(num(q, "count"), 8.0);
    assert_eq!(num(q, "numeric_count"), 8.0);
    assert_eq!(num(q, "min"), 1.0);
    assert_eq!(num(q, "max"), 3.0);
    assert_eq!(num(q, "mean"), 1.5);
    // Values 1,3,1,2,1,1,2,1: squared deviations sum to 4, over n-1 = 7.
    assert!(
        (num(q, "stdev") - (4.0f64 / 7.0).sqrt()).abs() < 1e-9,
        "{q}"
    );
    assert_eq!(values(q)[0], ("1".to_string(), 5));

    // pid PZ-SG-G05 appears twice, every other once.
    let pid = row(&r, "pid");
    assert_eq!(num(pid, "distinct_count"), 7.0);
    assert_eq!(values(pid)[0], ("PZ-SG-G05".to_string(), 2));
}

// SPL2 "fieldsummary command: Overview, syntax, and usage": visitor_log,
// hour 0800…1800 and visitor_count; `FROM visitor_log | fieldsummary`. The
// page's hour row: count 11, distinct_count 11, max 1800, mean 1300, min
// 800, numeric_count 11, stdev 331.6. (The page also shows is_exact 0 for
// it, which contradicts the syntax page's rule for 11 values under the
// default maxvals of 100; spleval follows the rule: 1.)
#[test]
fn fieldsummary_visitor_log_example_numeric_statistics() {
    let counts = [0, 212, 367, 489, 624, 609, 492, 513, 367, 337, 104];
    let events: Vec<Value> = counts
        .iter()
        .enumerate()
        .map(|(k, c)| {
            json!({
                "_time": 1_700_000_000 - k as i64,
                "hour": format!("{:04}", 800 + 100 * k),
                "visitor_count": c
            })
        })
        .collect();
    let r = run_spl("* | fieldsummary hour visitor_count", &ndjson(&events));
    assert_eq!(col(&r, "field"), ["hour", "visitor_count"]);
    let hour = row(&r, "hour");
    assert_eq!(num(hour, "count"), 11.0);
    assert_eq!(num(hour, "distinct_count"), 11.0);
    assert_eq!(num(hour, "is_exact"), 1.0);
    assert_eq!(num(hour, "max"), 1800.0);
    assert_eq!(num(hour, "mean"), 1300.0);
    assert_eq!(num(hour, "min"), 800.0);
    assert_eq!(num(hour, "numeric_count"), 11.0);
    assert_eq!((num(hour, "stdev") * 10.0).floor() / 10.0, 331.6);
    // The values keep their text ("0800"), not the number.
    assert!(values(hour).contains(&("0800".to_string(), 1)), "{hour}");

    let vc = row(&r, "visitor_count");
    assert_eq!(num(vc, "count"), 11.0);
    assert_eq!(num(vc, "distinct_count"), 10.0);
    assert_eq!(num(vc, "min"), 0.0);
    assert_eq!(num(vc, "max"), 624.0);
    // The repeated 367 comes first ("ordered by count").
    assert_eq!(values(vc)[0], ("367".to_string(), 2));
}

// SPL1 "fieldsummary", wc-field-list: "You can use the asterisk ( * ) as a
// wildcard to specify a list of fields with similar names. For example, if
// you want to specify all fields that start with "value", you can use a
// wildcard such as value*."
#[test]
fn fieldsummary_wildcard_field_list() {
    let events = ndjson(&[
        json!({"_time": 3, "value_a": 1, "value_b": "x", "valueless": 7, "other": 2}),
        json!({"_time": 2, "value_a": 2, "other": 3}),
    ]);
    let r = run_spl("* | fieldsummary value*", &events);
    assert_eq!(col(&r, "field"), ["value_a", "value_b", "valueless"]);
    assert_eq!(num(row(&r, "value_a"), "count"), 2.0);
    assert_eq!(num(row(&r, "value_b"), "count"), 1.0);
    let r = run_spl("* | fieldsummary value_* other", &events);
    assert_eq!(col(&r, "field"), ["other", "value_a", "value_b"]);
    // A named field nobody has gives no row.
    let r = run_spl("* | fieldsummary nosuchfield other", &events);
    assert_eq!(col(&r, "field"), ["other"]);
}

// SPL1 "fieldsummary", maxvals: "Specifies the maximum distinct values to
// return for each field. Cannot be negative. Set maxvals = 0 to return all
// available distinct values for each field. Default: 100"; is_exact: "If
// the number of values of the field exceeds maxvals, then fieldsummary will
// stop retaining all the values and compute an approximate distinct count
// instead of an exact one. 1 means it is exact, 0 means it is not."
#[test]
fn fieldsummary_maxvals_caps_values_and_sets_is_exact() {
    // 120 distinct users, user0 seen three times, user1 twice.
    let mut events = Vec::new();
    for k in 0..120 {
        events.push(json!({"_time": 2_000 - k, "user": format!("user{k}")}));
    }
    events.push(json!({"_time": 1, "user": "user0"}));
    events.push(json!({"_time": 1, "user": "user0"}));
    events.push(json!({"_time": 1, "user": "user1"}));
    let data = ndjson(&events);

    let default = run_spl("* | fieldsummary user", &data);
    let u = row(&default, "user");
    assert_eq!(values(u).len(), 100);
    assert_eq!(num(u, "is_exact"), 0.0);
    assert_eq!(num(u, "distinct_count"), 120.0);
    assert_eq!(num(u, "count"), 123.0);

    let two = run_spl("* | fieldsummary maxvals=2 user", &data);
    assert_eq!(
        values(row(&two, "user")),
        [("user0".to_string(), 3), ("user1".to_string(), 2)]
    );

    let all = run_spl("* | fieldsummary maxvals=0 user", &data);
    let u = row(&all, "user");
    assert_eq!(values(u).len(), 120);
    assert_eq!(num(u, "is_exact"), 1.0);

    let enough = run_spl("* | fieldsummary maxvals=120 user", &data);
    assert_eq!(num(row(&enough, "user"), "is_exact"), 1.0);
    let short = run_spl("* | fieldsummary maxvals=119 user", &data);
    assert_eq!(num(row(&short, "user"), "is_exact"), 0.0);
}

// The result is a table the rest of the search can use, as any
// transforming command's: find the fields that take a single value.
#[test]
fn fieldsummary_feeds_later_commands() {
    let r = run_spl(
        "* | fieldsummary | where numeric_count>0 | table field",
        &orders(),
    );
    assert_eq!(col(&r, "field"), ["price", "quantity"]);
}

/// `spl` over `events` under a row budget of `low` (fails, naming `what`
/// and the variable) and of `high` (succeeds); the JSON rows of the latter.
fn under_row_budget(spl: &str, events: &[Value], what: &str, low: &str, high: &str) -> Vec<Value> {
    let run = |budget: &str| {
        spleval()
            .env("SPLEVAL_MAX_ROWS", budget)
            .args(["run", "--format", "json", "--spl", spl])
            .write_stdin(ndjson(events))
            .output()
            .expect("runs")
    };
    let out = run(low);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(what) && err.contains("SPLEVAL_MAX_ROWS"),
        "{err}"
    );
    let out = run(high);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    crate::common::rows(&out.stdout)
}

// The distinct values held are bounded by the row budget.
#[test]
fn fieldsummary_respects_the_row_budget() {
    let events: Vec<Value> = (0..50).map(|k| json!({"_time": k, "id": k})).collect();
    let rows = under_row_budget("* | fieldsummary id", &events, "fieldsummary", "20", "100");
    assert_eq!(rows.len(), 1);
}

#[test]
fn fieldsummary_round_trips_and_rejects_bad_values() {
    roundtrip("* | fieldsummary");
    roundtrip("* | fieldsummary maxvals=10 value* status");
    roundtrip("* | fieldsummary maxvals=0");
    // "Cannot be negative."
    insta::assert_snapshot!(diagnostic("* | fieldsummary maxvals=-1"));
    insta::assert_snapshot!(diagnostic("* | fieldsummary maxval=3 host"));
}

/// Events of three indexes, written oldest first (not in search order).
fn three_indexes() -> String {
    ndjson(&[
        json!({"_time": 1_700_000_001, "index": "a", "n": 1}),
        json!({"_time": 1_700_000_002, "index": "b", "n": 2}),
        json!({"_time": 1_700_000_003, "index": "c", "n": 3}),
        json!({"_time": 1_700_000_004, "index": "a", "n": 4}),
        json!({"_time": 1_700_000_005, "index": "b", "n": 5}),
        json!({"_time": 1_700_000_006, "index": "a", "n": 6}),
    ])
}

// SPL1 "multisearch", example: `| multisearch [search index=a | eval
// type = "foo"] [search index=b | eval mytype = "bar"]`. "runs multiple
// streaming searches at the same time"; each subsearch's own commands
// apply to its events only.
#[test]
fn multisearch_example_runs_each_subsearch_with_its_own_commands() {
    let r = run_spl(
        "| multisearch [search index=a | eval type = \"foo\"] [search index=b | eval mytype = \"bar\"]",
        &three_indexes(),
    );
    assert_eq!(col(&r, "index"), ["a", "b", "a", "b", "a"]);
    assert_eq!(col(&r, "type"), ["foo", "", "foo", "", "foo"]);
    assert_eq!(col(&r, "mytype"), ["", "bar", "", "bar", ""]);
    // Index c matches neither subsearch.
    assert!(!col(&r, "index").contains(&"c".to_string()));
}

// The events come back interleaved by time, newest first, as a search
// returns events, whatever order the subsearches are written in.
#[test]
fn multisearch_interleaves_events_newest_first() {
    for spl in [
        "| multisearch [search index=a] [search index=b] [search index=c]",
        "| multisearch [search index=c] [search index=b] [search index=a]",
    ] {
        let r = run_spl(spl, &three_indexes());
        assert_eq!(col(&r, "n"), ["6", "5", "4", "3", "2", "1"], "{spl}");
    }
    // An event two subsearches return appears once for each.
    let r = run_spl(
        "| multisearch [search index=a n>3] [search n>5 | eval twice=1]",
        &three_indexes(),
    );
    assert_eq!(col(&r, "n"), ["6", "6", "4"]);
    assert_eq!(col(&r, "twice"), ["", "1", ""]);
}

// "The multisearch command is an event-generating command": the rest of the
// search works on its events.
#[test]
fn multisearch_results_feed_the_rest_of_the_search() {
    let r = run_spl(
        "| multisearch [search index=a | where n>1] [search index=b | fields index n] | stats count sum(n) as total by index",
        &three_indexes(),
    );
    assert_eq!(col(&r, "index"), ["a", "b"]);
    assert_eq!(col(&r, "count"), ["2", "2"]);
    assert_eq!(col(&r, "total"), ["10", "7"]);
    // A subsearch nested in a multisearch subsearch is a filter built
    // before it runs; it may hold any command.
    let r = run_spl(
        "| multisearch [search index=a [search index=b | stats max(n) as top | eval n=top+1 | fields n]] [search index=c]",
        &three_indexes(),
    );
    assert_eq!(col(&r, "n"), ["6", "3"]);
    // A subsearch may start with it, as with other generating commands.
    let r = run_spl(
        "index=c | append [multisearch [search index=a n=1] [search index=b n=2]]",
        &three_indexes(),
    );
    assert_eq!(col(&r, "n"), ["3", "2", "1"]);
}

// "Generating commands use a leading pipe character and should be the first
// command in a search." "This command requires at least two subsearches and
// allows only streaming operations in each subsearch."
#[test]
fn multisearch_refuses_what_splunk_refuses() {
    insta::assert_snapshot!(diagnostic("| multisearch [search index=a]"));
    insta::assert_snapshot!(diagnostic(
        "| multisearch [search index=a | stats count by host] [search index=b]"
    ));
    insta::assert_snapshot!(diagnostic(
        "| multisearch [search index=a] [search index=b | eval x=1 | sort - _time]"
    ));
    for (spl, name) in [
        ("| multisearch [search a | head 5] [search b]", "head"),
        ("| multisearch [search a] [search b | dedup host]", "dedup"),
        (
            "| multisearch [search a | transaction host] [search b]",
            "transaction",
        ),
        (
            "| multisearch [search a] [search b | timechart count]",
            "timechart",
        ),
        ("| multisearch [| makeresults] [search b]", "makeresults"),
    ] {
        let err = diagnostic(spl);
        assert!(
            err.contains(&format!("'{name}' is")) && err.contains("only streaming"),
            "{spl}: {err}"
        );
    }
    let err = diagnostic("index=a | multisearch [search index=a] [search index=b]");
    assert!(err.contains("must be the first command"), "{err}");
}

#[test]
fn multisearch_round_trips() {
    roundtrip(
        "| multisearch [search index=a | eval type=\"foo\"] [search index=b | eval mytype=\"bar\"]",
    );
    roundtrip("| multisearch [search a] [search b | rex field=_raw \"(?<u>\\w+)\"] [search c | where x>1] | stats count by u");
}

// The rows the subsearches return are held; they count against the row budget.
#[test]
fn multisearch_respects_the_row_budget() {
    let events: Vec<Value> = (0..30)
        .map(|k| json!({"_time": 1_700_000_000 + k, "index": if k % 2 == 0 { "a" } else { "b" }}))
        .collect();
    let spl = "| multisearch [search index=a] [search index=b]";
    let rows = under_row_budget(spl, &events, "multisearch", "20", "40");
    assert_eq!(rows.len(), 30);
}
