//! Search Reference, timechart (10.0 page text): the split-by field's
//! `<where-clause>`, columns of series beginning with an underscore
//! (`VALUE_…`), week spans snapped to a weekday, and the basic and extended
//! examples not tested elsewhere.

use crate::common::{col, fails, ndjson, roundtrip, run_spl};
use serde_json::{json, Value};

fn diagnostic(spl: &str) -> String {
    let (code, err) = fails(spl);
    assert_eq!(code, 2, "{spl:?}: {err}");
    err
}

const HOUR: i64 = 3600;
/// 2023-11-14 22:00:00 UTC, on the hour.
const T0: i64 = 1_699_999_200;

/// Events of `source` series over three hours: (hour, source, count).
fn sources(spec: &[(i64, &str, usize)]) -> String {
    let mut ev = Vec::new();
    for (hour, source, n) in spec {
        for k in 0..*n {
            ev.push(json!({
                "_time": T0 + hour * HOUR + k as i64,
                "source": source,
                "log_level": if k % 2 == 0 { "INFO" } else { "WARN" },
            }));
        }
    }
    ndjson(&ev)
}

/// Series a..e: a is busy in one hour (a spike), b steady, c and d rare,
/// e steady and small.
fn five_series() -> String {
    sources(&[
        (0, "a", 1),
        (1, "a", 30),
        (2, "a", 1),
        (0, "b", 12),
        (1, "b", 12),
        (2, "b", 12),
        (0, "c", 1),
        (2, "d", 2),
        (0, "e", 3),
        (1, "e", 3),
        (2, "e", 3),
    ])
}

/// The column names of a row other than `_time`, in order.
fn series(row: &Value) -> Vec<String> {
    row.as_object()
        .unwrap()
        .keys()
        .filter(|k| *k != "_time")
        .cloned()
        .collect()
}

// "Where clause examples", example 2: `index=_internal | timechart span=1h
// count by source WHERE max in top5`, "the 5 most frequent series based on
// the maximum values. All other series values will be labeled as other".
// With top2: a (spike 30) and b (12); c, d and e go to OTHER.
#[test]
fn where_max_in_top_keeps_the_spikes() {
    let r = run_spl(
        "* | timechart span=1h count by source WHERE max in top2",
        &five_series(),
    );
    assert_eq!(series(&r[0]), ["a", "b", "OTHER"]);
    assert_eq!(col(&r, "a"), ["1", "30", "1"]);
    assert_eq!(col(&r, "OTHER"), ["4", "3", "5"]);
    // By the sum instead (the default ranking), b (36) beats a (32), and e
    // (9) comes third: `where sum in top3`.
    let r = run_spl(
        "* | timechart span=1h count by source WHERE sum in top3",
        &five_series(),
    );
    assert_eq!(series(&r[0]), ["a", "b", "e", "OTHER"]);
}

// Example 1: `... WHERE min in bottom5`, "the 5 most rare series based on
// the minimum count values"; "To hide the other series, specify the
// argument useother=f".
#[test]
fn where_min_in_bottom_keeps_the_rare_series() {
    let r = run_spl(
        "* | timechart span=1h count by source WHERE min in bottom2 useother=f",
        &five_series(),
    );
    // Minimum cells: a 1, c 1, d 2, e 3, b 12; the two lowest are a and c.
    assert_eq!(series(&r[0]), ["a", "c"]);
}

// Example 3: `index=_internal | timechart span=1h
// sum(eval(if(log_level=="INFO",1,0))) by source WHERE sum > 100`; and
// example 4: `... count by source WHERE count > 100` and `WHERE sum > 100`
// give the same series ("This yields results similar to using the sum
// function").
#[test]
fn where_threshold_on_sum_and_count() {
    let info = run_spl(
        r#"* | timechart span=1h sum(eval(if(log_level=="INFO",1,0))) by source WHERE sum > 10"#,
        &five_series(),
    );
    // INFO events: a 1+15+1, b 6·3; the others have fewer than 10.
    assert_eq!(series(&info[0]), ["a", "b", "OTHER"]);
    let by_count = run_spl(
        "* | timechart span=1h count by source WHERE count > 30",
        &five_series(),
    );
    let by_sum = run_spl(
        "* | timechart span=1h count by source WHERE sum > 30",
        &five_series(),
    );
    assert_eq!(series(&by_count[0]), ["a", "b", "OTHER"]);
    assert_eq!(by_count, by_sum);
    // `<` and no space: the series below the threshold.
    let low = run_spl(
        "* | timechart span=1h count by source WHERE count<5 useother=f",
        &five_series(),
    );
    assert_eq!(series(&low[0]), ["c", "d"]);
    // notin: the complement of the group.
    let not = run_spl(
        "* | timechart span=1h count by source WHERE sum notin top2",
        &five_series(),
    );
    assert_eq!(series(&not[0]), ["c", "d", "e", "OTHER"]);
}

// The where clause's aggregation may name a field: then it aggregates the
// series' events ("A single aggregation applied to a single field").
#[test]
fn where_with_a_field_aggregates_the_events() {
    let ev = ndjson(&[
        json!({"_time": T0, "host": "h1", "bytes": 10}),
        json!({"_time": T0 + 1, "host": "h1", "bytes": 900}),
        json!({"_time": T0 + 2, "host": "h2", "bytes": 20}),
        json!({"_time": T0 + 3, "host": "h2", "bytes": 30}),
        json!({"_time": T0 + 4, "host": "h3", "bytes": 500}),
    ]);
    let r = run_spl(
        "* | timechart span=1h count by host WHERE max(bytes) > 400 useother=f",
        &ev,
    );
    assert_eq!(series(&r[0]), ["h1", "h3"]);
    // chart takes the clause after its column field too.
    let r = run_spl(
        "* | chart count over host by bytes WHERE count in top1 useother=f",
        &ev,
    );
    assert_eq!(r.len(), 3);
}

// Basic example 6: `sshd failed OR failure | timechart span=1m
// count(eventtype) BY source_ip usenull=f WHERE count>10`.
#[test]
fn basic_example_6_sshd_failures_where_count_over_10() {
    let mut ev = Vec::new();
    for (ip, n) in [("10.0.0.1", 12), ("10.0.0.2", 3), ("10.0.0.3", 11)] {
        for k in 0..n {
            ev.push(json!({
                "_time": T0 + k, "_raw": "sshd[1]: failed password",
                "eventtype": "sshd_failed", "source_ip": ip,
            }));
        }
    }
    // Events without source_ip: left out by usenull=f.
    for k in 0..20 {
        ev.push(json!({"_time": T0 + k, "_raw": "sshd[1]: failure", "eventtype": "x"}));
    }
    let r = run_spl(
        "sshd failed OR failure | timechart span=1m count(eventtype) BY source_ip usenull=f WHERE count>10",
        &ndjson(&ev),
    );
    assert_eq!(r.len(), 1);
    assert_eq!(series(&r[0]), ["10.0.0.1", "10.0.0.3", "OTHER"]);
    assert_eq!(r[0]["10.0.0.1"], json!(12));
    assert_eq!(r[0]["OTHER"], json!(3));
}

// Usage, "Prepending VALUE to the names of some fields that begin with
// underscore": `index="_internal" OR index="_audit" | timechart span=1m
// sum(linecount) by index` gives columns `VALUE_audit` and
// `VALUE_internal`; basic example 9, `... | rename VALUE_* as *`, takes the
// prefix off.
#[test]
fn series_beginning_with_underscore_get_value_prefix() {
    let ev = ndjson(&[
        json!({"_time": T0, "index": "_internal", "linecount": 586}),
        json!({"_time": T0 + 1, "index": "_audit", "linecount": 1}),
        json!({"_time": T0 + 60, "index": "_internal", "linecount": 295}),
        json!({"_time": T0 + 61, "index": "_audit", "linecount": 1}),
    ]);
    let r = run_spl(
        r#"index="_internal" OR index="_audit" | timechart span=1m sum(linecount) by index"#,
        &ev,
    );
    assert_eq!(series(&r[0]), ["VALUE_audit", "VALUE_internal"]);
    assert_eq!(col(&r, "VALUE_internal"), ["586", "295"]);
    let r = run_spl(
        r#"index="_internal" OR index="_audit" | timechart span=1m sum(linecount) by index | rename VALUE_* as *"#,
        &ev,
    );
    // The page: "The columns in your search results now display without
    // the leading VALUE_ in the field name" (the wildcard takes the rest).
    assert_eq!(series(&r[0]), ["audit", "internal"]);
    // chart is not timechart: its columns keep the value as it is.
    let r = run_spl("* | eval h=1 | chart sum(linecount) over h by index", &ev);
    assert_eq!(r[0]["_audit"], json!(2), "{:?}", r[0]);
}

// Basic example 8: `...| timechart avg(field) BY mvfield
// dedup_splitval=true`: an event whose multivalue split field repeats a
// value counts once in that series.
#[test]
fn basic_example_8_dedup_splitval() {
    let ev = ndjson(&[
        json!({"_time": T0, "field": 10, "m": "x,x,y"}),
        json!({"_time": T0 + 1, "field": 40, "m": "x"}),
    ]);
    let on = run_spl(
        r#"* | eval mvfield=split(m, ",") | timechart span=1h count, avg(field) BY mvfield dedup_splitval=true"#,
        &ev,
    );
    assert_eq!(on[0]["count: x"], json!(2));
    assert_eq!(on[0]["avg(field): x"], json!(25));
    let off = run_spl(
        r#"* | eval mvfield=split(m, ",") | timechart span=1h count, avg(field) BY mvfield"#,
        &ev,
    );
    assert_eq!(off[0]["count: x"], json!(3));
    assert_eq!(off[0]["avg(field): x"], json!(20));
}

// Extended example 2: `sourcetype=access_* action=purchase | timechart
// span=1d count by categoryId usenull=f` — one row per day, a column per
// category, purchases without a category left out.
#[test]
fn extended_example_2_daily_purchases_by_category() {
    let day = 86_400;
    let base = 1_522_281_600; // 2018-03-29 00:00:00 UTC
    let ev = ndjson(&[
        json!({"_time": base + 10, "sourcetype": "access_combined", "action": "purchase", "categoryId": "ARCADE"}),
        json!({"_time": base + 20, "sourcetype": "access_combined", "action": "purchase", "categoryId": "ARCADE"}),
        json!({"_time": base + 30, "sourcetype": "access_combined", "action": "purchase"}),
        json!({"_time": base + day + 5, "sourcetype": "access_combined", "action": "purchase", "categoryId": "TEE"}),
        json!({"_time": base + day + 6, "sourcetype": "access_combined", "action": "view", "categoryId": "TEE"}),
    ]);
    let r = run_spl(
        "sourcetype=access_* action=purchase | timechart span=1d count by categoryId usenull=f",
        &ev,
    );
    assert_eq!(series(&r[0]), ["ARCADE", "TEE"]);
    assert_eq!(
        col(&r, "_time"),
        [base.to_string(), (base + day).to_string()]
    );
    assert_eq!(col(&r, "ARCADE"), ["2", "0"]);
    assert_eq!(col(&r, "TEE"), ["0", "1"]);
}

// Extended example 3: `source=all_month.csv place=*alaska* mag>=3.5 |
// timechart span=w@w1 count BY mag`, "organized in spans of 1 week, where
// the week begins on Monday"; the page's first row is 2018-03-26, a Monday.
#[test]
fn extended_example_3_weeks_beginning_on_monday() {
    let ev = ndjson(&[
        // Wednesday 2018-03-28, Sunday 2018-04-01, Monday 2018-04-02.
        json!({"_time": "2018-03-28T10:00:00Z", "source": "all_month.csv", "place": "50km SE of Alaska", "mag": 3.5}),
        json!({"_time": "2018-04-01T10:00:00Z", "source": "all_month.csv", "place": "Central alaska", "mag": 3.6}),
        json!({"_time": "2018-04-02T10:00:00Z", "source": "all_month.csv", "place": "Southern Alaska", "mag": 4}),
        json!({"_time": "2018-04-02T11:00:00Z", "source": "all_month.csv", "place": "Southern Alaska", "mag": 2.1}),
        json!({"_time": "2018-04-02T12:00:00Z", "source": "all_month.csv", "place": "Nevada", "mag": 4}),
    ]);
    let r = run_spl(
        "source=all_month.csv place=*alaska* mag>=3.5 | timechart span=w@w1 count BY mag",
        &ev,
    );
    assert_eq!(
        col(&r, "_time"),
        ["1522022400", "1522627200"],
        "2018-03-26 and 2018-04-02, Mondays"
    );
    assert_eq!(col(&r, "3.5"), ["1", "0"]);
    assert_eq!(col(&r, "3.6"), ["1", "0"]);
    assert_eq!(col(&r, "4"), ["0", "1"]);
    // Without the snap, weeks count from the epoch's Thursday.
    let plain = run_spl(
        "source=all_month.csv place=*alaska* mag>=3.5 | timechart span=1w count",
        &ev,
    );
    assert_eq!(
        col(&plain, "_time")[0],
        "1521676800",
        "2018-03-22, a Thursday"
    );
    // w@w0 snaps to Sunday; two-week spans keep the weekday.
    let sunday = run_spl("* | timechart span=2w@w0 count", &ev);
    assert_eq!(
        col(&sunday, "_time")[0],
        "1521936000",
        "2018-03-25, a Sunday"
    );
}

// Extended example 4, search 1: `sourcetype=access_* action=purchase |
// timechart span=1d sum(price) by productName usenull=f`.
#[test]
fn extended_example_4_daily_revenue_by_product() {
    let base = 1_522_281_600;
    let ev = ndjson(&[
        json!({"_time": base + 1, "sourcetype": "access_combined", "action": "purchase", "productName": "Dream Crusher", "price": 39.99}),
        json!({"_time": base + 2, "sourcetype": "access_combined", "action": "purchase", "productName": "Dream Crusher", "price": 39.99}),
        json!({"_time": base + 3, "sourcetype": "access_combined", "action": "purchase", "productName": "Manganiello Bros.", "price": 39.99}),
        json!({"_time": base + 86_400, "sourcetype": "access_combined", "action": "purchase", "productName": "Orvil the Wolverine", "price": 24.99}),
        json!({"_time": base + 86_401, "sourcetype": "access_combined", "action": "purchase", "price": 9.99}),
    ]);
    let r = run_spl(
        "sourcetype=access_* action=purchase | timechart span=1d sum(price) by productName usenull=f",
        &ev,
    );
    // A cell with no purchases is empty (sum of nothing), so each day's
    // row holds its own products.
    assert_eq!(series(&r[0]), ["Dream Crusher", "Manganiello Bros."]);
    assert_eq!(series(&r[1]), ["Orvil the Wolverine"]);
    assert_eq!(r[0]["Dream Crusher"], json!(79.98));
    assert_eq!(r[1]["Orvil the Wolverine"], json!(24.99));
    assert_eq!(r[1]["Dream Crusher"], Value::Null);
}

// The clause prints back; bad clauses are errors at their position.
#[test]
fn where_clause_round_trips_and_rejects_bad_input() {
    roundtrip("* | timechart span=1h count BY source WHERE max in top5");
    roundtrip("* | timechart span=1h count BY source WHERE max(bytes) notin bottom3");
    roundtrip("* | timechart span=1m count(eventtype) BY source_ip usenull=f WHERE count > 10");
    roundtrip("* | chart count OVER host BY source WHERE sum < 2.5");
    roundtrip("* | timechart span=w@w1 count BY mag");
    insta::assert_snapshot!(diagnostic("* | timechart count WHERE max in top5"));
    insta::assert_snapshot!(diagnostic(
        "* | timechart count BY source WHERE max in tip5"
    ));
    insta::assert_snapshot!(diagnostic(
        "* | timechart count BY source WHERE median in top5"
    ));
    insta::assert_snapshot!(diagnostic("* | timechart count BY source WHERE sum >"));
    insta::assert_snapshot!(diagnostic("* | chart count BY source WHERE sum in top2"));
    insta::assert_snapshot!(diagnostic("* | timechart span=d@w1 count"));
}

/// Purchases 90 minutes apart, so that timechart's own span is one minute
/// (90 buckets; the default `bins=100`).
fn purchases() -> String {
    ndjson(&[
        json!({"_time": T0, "sourcetype": "access_combined", "method": "POST", "action": "purchase", "productName": "Dream Crusher", "price": 10}),
        json!({"_time": T0 + 30, "sourcetype": "access_combined", "method": "GET", "action": "purchase", "productName": "Dream Crusher", "price": 10}),
        json!({"_time": T0 + 40, "sourcetype": "access_combined", "method": "GET", "action": "view"}),
        json!({"_time": T0 + 5400, "sourcetype": "access_combined", "method": "GET", "action": "purchase", "productName": "Benign Space Debris", "price": 5}),
        json!({"_time": T0 + 5410, "sourcetype": "access_combined", "method": "POST", "action": "purchase", "price": 99}),
    ])
}

// Extended example 1: `sourcetype=access_* action=purchase | timechart
// per_hour(price) by productName usenull=f useother=f` — "Because a span is
// not provided … the per_hour() function converts the value so that it is
// a sum per hours": a one-minute bucket's sum times 60. Extended example 4,
// search 2: `... | timechart per_day(price) by productName usenull=f`, the
// sum times 1440.
#[test]
fn extended_examples_1_and_4_per_hour_and_per_day_of_price() {
    let r = run_spl(
        "sourcetype=access_* action=purchase | timechart per_hour(price) by productName usenull=f useother=f",
        &purchases(),
    );
    assert_eq!(r.len(), 91, "one row per minute, first to last");
    assert_eq!(r[0]["Dream Crusher"], json!(1200));
    assert_eq!(r[90]["Benign Space Debris"], json!(300));
    assert!(r.iter().all(|row| row.get("NULL").is_none()));
    let r = run_spl(
        "sourcetype=access_* action=purchase | timechart per_day(price) by productName usenull=f",
        &purchases(),
    );
    assert_eq!(r[0]["Dream Crusher"], json!(28800));
    assert_eq!(r[90]["Benign Space Debris"], json!(7200));
}

// Extended example 5: `sourcetype=access_* | timechart
// per_hour(eval(method="GET")) AS Views, per_hour(eval(action="purchase"))
// AS Purchases` — each true comparison counts one, per hour.
#[test]
fn extended_example_5_views_and_purchases_per_hour() {
    let r = run_spl(
        r#"sourcetype=access_* | timechart per_hour(eval(method="GET")) AS Views, per_hour(eval(action="purchase")) AS Purchases"#,
        &purchases(),
    );
    assert_eq!(r[0]["Views"], json!(120));
    assert_eq!(r[0]["Purchases"], json!(120));
    assert_eq!(r[90]["Views"], json!(60));
    assert_eq!(r[90]["Purchases"], json!(120));
}
