//! `strcat`, `rangemap`, `uniq`, `trendline`, `reltime`, `setfields`,
//! `return`: each page's worked examples, options, errors at their position
//! and the printed form read back.

use serde_json::json;

use crate::common::{col, fails, in_order, roundtrip, run_spl};

// ---- strcat ----------------------------------------------------------------

fn ips() -> String {
    in_order(&[
        json!({"sourceIP": "10.0.0.1", "destIP": "192.168.1.9", "host": "mailserver", "port": "25"}),
        json!({"sourceIP": "10.0.0.2", "host": "web", "port": 443}),
        json!({"sourceIP": "10.0.0.1", "destIP": "192.168.1.9", "host": "mailserver"}),
    ])
}

// Search Reference, strcat, Example 1: `... | strcat sourceIP "/" destIP comboIP`.
// A missing source field is an empty string (allrequired defaults to false).
#[test]
fn strcat_example_1_joins_fields_and_literals() {
    let r = run_spl("* | strcat sourceIP \"/\" destIP comboIP", &ips());
    assert_eq!(
        col(&r, "comboIP"),
        ["10.0.0.1/192.168.1.9", "10.0.0.2/", "10.0.0.1/192.168.1.9"]
    );
}

// Search Reference, strcat, Example 2:
// `host="mailserver" | strcat sourceIP "/" destIP comboIP | chart count by comboIP`.
#[test]
fn strcat_example_2_chart_of_the_combined_field() {
    let r = run_spl(
        "host=\"mailserver\" | strcat sourceIP \"/\" destIP comboIP | chart count by comboIP",
        &ips(),
    );
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(col(&r, "comboIP"), ["10.0.0.1/192.168.1.9"]);
    assert_eq!(col(&r, "count"), ["2"]);
}

// Search Reference, strcat, Example 3: `... | strcat host "::" port address`;
// a number gives its text.
#[test]
fn strcat_example_3_host_and_port() {
    let r = run_spl("* | strcat host \"::\" port address", &ips());
    assert_eq!(
        col(&r, "address"),
        ["mailserver::25", "web::443", "mailserver::"]
    );
}

// Search Reference, strcat, allrequired: "If allrequired=t, the values are
// written to destination field only if all source fields exist."
#[test]
fn strcat_allrequired_writes_only_when_every_source_exists() {
    let r = run_spl(
        "* | strcat allrequired=t sourceIP \"/\" destIP comboIP",
        &ips(),
    );
    assert_eq!(r.len(), 3);
    assert_eq!(
        col(&r, "comboIP"),
        ["10.0.0.1/192.168.1.9", "", "10.0.0.1/192.168.1.9"]
    );
    assert!(r[1].get("comboIP").is_none());
    let r = run_spl("* | strcat allrequired=false destIP sourceIP both", &ips());
    assert_eq!(col(&r, "both")[1], "10.0.0.2");
}

#[test]
fn strcat_round_trips_and_errors() {
    roundtrip("a | strcat sourceIP \"/\" destIP comboIP");
    roundtrip("a | strcat allrequired=true host \"::\" port \"the address\"");
    roundtrip("a | strcat 'a b' \"-\" c d");
    let (code, err) = fails("| makeresults | strcat comboIP");
    assert_eq!(code, 2);
    insta::assert_snapshot!("strcat_no_source", err);
    let (code, err) = fails("| makeresults | strcat a b c allrequired=t");
    assert_eq!(code, 2);
    insta::assert_snapshot!("strcat_option_after_fields", err);
    let (code, err) = fails("| makeresults | strcat allrequired=maybe a b");
    assert_eq!(code, 2);
    insta::assert_snapshot!("strcat_allrequired_not_bool", err);
}

// ---- rangemap --------------------------------------------------------------

// Search Reference, rangemap, Example 1:
// `... | rangemap field=date_second green=1-30 blue=31-39 red=40-59 default=gray`
// ("gray", if no range matches (for example, if date_second=0)).
#[test]
fn rangemap_example_1_date_second() {
    let input = in_order(
        &[0, 1, 30, 31, 39, 40, 59]
            .iter()
            .map(|s| json!({"date_second": s.to_string()}))
            .collect::<Vec<_>>(),
    );
    let r = run_spl(
        "* | rangemap field=date_second green=1-30 blue=31-39 red=40-59 default=gray",
        &input,
    );
    assert_eq!(
        col(&r, "range"),
        ["gray", "green", "green", "blue", "blue", "red", "red"]
    );
}

// Search Reference, rangemap, Example 2:
// `... | rangemap field=count low=0-0 elevated=1-100 default=severe`.
#[test]
fn rangemap_example_2_count_levels() {
    let input = in_order(&[
        json!({"count": "0"}),
        json!({"count": "57"}),
        json!({"count": "101"}),
    ]);
    let r = run_spl(
        "* | rangemap field=count low=0-0 elevated=1-100 default=severe",
        &input,
    );
    assert_eq!(col(&r, "range"), ["low", "elevated", "severe"]);
}

fn quakes() -> String {
    // (magnitude, how many quakes of it) from the page's result table.
    let table = [
        ("3.7", 15),
        ("3.8", 31),
        ("3.9", 29),
        ("4", 22),
        ("4.1", 30),
        ("4.2", 15),
        ("4.3", 10),
        ("4.4", 22),
        ("4.5", 3),
        ("4.6", 8),
        ("4.7", 9),
        ("4.8", 6),
        ("4.9", 6),
        ("5", 2),
        ("5.1", 2),
        ("5.2", 5),
    ];
    let mut evs = Vec::new();
    for (mag, n) in table {
        for _ in 0..n {
            evs.push(json!({"source": "all_month.csv", "place": "100km N of Alaska", "mag": mag}));
        }
    }
    evs.push(json!({"source": "all_month.csv", "place": "Nevada", "mag": "4.1"}));
    in_order(&evs)
}

// Search Reference, rangemap, Extended example: the Alaska magnitudes
// coloured light/strong/severe/weak, the page's result table.
#[test]
fn rangemap_extended_example_magnitudes() {
    let r = run_spl(
        "source=all_month.csv place=*alaska* mag>=3.5 | stats count BY mag | rename mag AS magnitude \
         | rangemap field=magnitude light=3.9-4.3 strong=4.4-4.9 severe=5.0-9.0 default=weak",
        &quakes(),
    );
    assert_eq!(col(&r, "magnitude")[..4], ["3.7", "3.8", "3.9", "4"]);
    assert_eq!(col(&r, "count")[..4], ["15", "31", "29", "22"]);
    assert_eq!(
        col(&r, "range"),
        [
            "weak", "weak", "light", "light", "light", "light", "light", "strong", "strong",
            "strong", "strong", "strong", "strong", "severe", "severe", "severe"
        ]
    );
}

// Search Reference, rangemap, "Summarize the results by range value" and
// "Arrange the results in a custom sort order" (the page's two tables).
#[test]
fn rangemap_extended_example_sum_by_range_and_custom_order() {
    let base = "source=all_month.csv place=*alaska* mag>=3.5 | stats count BY mag | rename mag AS magnitude \
         | rangemap field=magnitude green=3.9-4.2 yellow=4.3-4.6 red=4.7-5.0 default=gray \
         | stats sum(count) by range";
    let r = run_spl(base, &quakes());
    // gray holds 3.7, 3.8, 5.1, 5.2 (15+31+2+5); green 3.9-4.2 (29+22+30+15).
    assert_eq!(col(&r, "range"), ["gray", "green", "red", "yellow"]);
    assert_eq!(col(&r, "sum(count)"), ["53", "96", "23", "43"]);
    let r = run_spl(
        &format!(
            "{base} | eval sort_field=case(range=\"red\",1, range=\"yellow\",2, range=\"green\",3, range=\"gray\",4) \
             | sort sort_field"
        ),
        &quakes(),
    );
    assert_eq!(col(&r, "range"), ["red", "yellow", "green", "gray"]);
    assert_eq!(col(&r, "sort_field"), ["1", "2", "3", "4"]);
}

// Search Reference, rangemap: overlapping ranges make a multivalue ("if
// low=1-10, elevated=5-15, and the input field value is 10"), negative
// ranges (`Dislike=-5--1 DontCare=0-0 Like=1-5`), and the default "None".
#[test]
fn rangemap_overlaps_negatives_and_the_default() {
    let input = in_order(&[
        json!({"v": "10"}),
        json!({"v": "-3"}),
        json!({"v": "20"}),
        json!({"v": "abc"}),
        json!({"w": "1"}),
    ]);
    let r = run_spl("* | rangemap field=v low=1-10 elevated=5-15", &input);
    assert_eq!(r[0]["range"], json!(["low", "elevated"]));
    assert_eq!(col(&r[1..], "range"), ["None", "None", "None", "None"]);
    let r = run_spl(
        "* | rangemap field=v Dislike=-5--1 DontCare=0-0 Like=1-5",
        &input,
    );
    assert_eq!(col(&r, "range")[1], "Dislike");
}

#[test]
fn rangemap_round_trips_and_errors() {
    roundtrip("a | rangemap field=date_second green=1-30 blue=31-39 red=40-59 default=gray");
    roundtrip("a | rangemap field=\"the value\" Dislike=-5--1 light=3.9-4.3 default=\"no match\"");
    let (code, err) = fails("| makeresults | rangemap green=1-30");
    assert_eq!(code, 2);
    insta::assert_snapshot!("rangemap_no_field", err);
    let (code, err) = fails("| makeresults | rangemap field=x low=a-b");
    assert_eq!(code, 2);
    insta::assert_snapshot!("rangemap_bad_range", err);
    let (code, err) = fails("| makeresults | rangemap field=x low=10-1");
    assert_eq!(code, 2);
    insta::assert_snapshot!("rangemap_range_reversed", err);
    let (code, err) = fails("| makeresults | rangemap field=x low");
    assert_eq!(code, 2);
    insta::assert_snapshot!("rangemap_not_an_option", err);
}

// ---- uniq ------------------------------------------------------------------

// Search Reference, uniq, Example 1: `eventtype=webtraffic earliest=-1h@s |
// uniq` (the eventtype aside: "removes any search result if that result is
// an exact duplicate of the previous result").
#[test]
fn uniq_example_1_drops_repeats_of_the_previous_result() {
    let t = 1_700_000_000 - 60;
    let ev = |raw: &str, secs: i64| json!({"_time": secs, "_raw": raw, "page": raw});
    let input = crate::common::ndjson(&[
        ev("a", t),
        ev("a", t),
        ev("b", t - 1),
        ev("a", t - 2),
        ev("a", t - 2),
        ev("a", t - 2),
        ev("old", t - 7200),
    ]);
    let r = run_spl("earliest=-1h@s | uniq", &input);
    assert_eq!(col(&r, "page"), ["a", "b", "a"]);
    // Only exact duplicates go: a differing field keeps the result.
    let input = in_order(&[
        json!({"x": "1", "y": "1"}),
        json!({"x": "1", "y": "2"}),
        json!({"y": "2", "x": "1"}),
        json!({"x": "1"}),
    ]);
    let r = run_spl("* | fields - _time _raw | uniq", &input);
    assert_eq!(col(&r, "y"), ["1", "2", ""]);
}

#[test]
fn uniq_round_trips_and_errors() {
    roundtrip("a | uniq | uniq");
    let (code, err) = fails("| makeresults | uniq x");
    assert_eq!(code, 2);
    insta::assert_snapshot!("uniq_takes_no_arguments", err);
}

// ---- trendline -------------------------------------------------------------

fn near(got: &str, want: f64) -> bool {
    got.parse::<f64>().is_ok_and(|g| (g - want).abs() < 1e-9)
}

// Search Reference, trendline, Example 1:
// `... | trendline sma5(foo) AS smoothed_foo ema10(bar)`; EMA is the page's
// formula EMA(t) = alpha * EMA(t-1) + (1 - alpha) * field(t), alpha = 2/(period + 1).
#[test]
fn trendline_example_1_sma_and_ema() {
    let input = in_order(
        &(1..=7)
            .map(|k| json!({"foo": k.to_string(), "bar": (k * 10).to_string()}))
            .collect::<Vec<_>>(),
    );
    let r = run_spl("* | trendline sma5(foo) AS smoothed_foo ema10(bar)", &input);
    assert_eq!(col(&r, "smoothed_foo"), ["", "", "", "", "3", "4", "5"]);
    let ema = col(&r, "ema10(bar)");
    let alpha = 2.0 / 11.0;
    let mut e = 10.0;
    assert!(near(&ema[0], e), "{ema:?}");
    for (k, got) in ema.iter().enumerate().skip(1) {
        e = alpha * e + (1.0 - alpha) * ((k + 1) * 10) as f64;
        assert!(near(got, e), "{k}: {got} vs {e}");
    }
    assert!(r[0].get("sma5(foo)").is_none());
}

// Search Reference, trendline, Example 2:
// `index="bar" | stats count BY date_month | trendline sma2(count) AS trend | fields * trend`.
#[test]
fn trendline_example_2_over_a_chart() {
    let mut evs = Vec::new();
    for (m, n) in [("april", 2), ("february", 4), ("january", 6), ("march", 3)] {
        for _ in 0..n {
            evs.push(json!({"index": "bar", "date_month": m}));
        }
    }
    let r = run_spl(
        "index=\"bar\" | stats count BY date_month | trendline sma2(count) AS trend | fields * trend",
        &in_order(&evs),
    );
    assert_eq!(
        col(&r, "date_month"),
        ["april", "february", "january", "march"]
    );
    assert_eq!(col(&r, "trend"), ["", "3", "5", "4.5"]);
}

// Search Reference, trendline: "WMA puts more weight on recent values";
// results without a number neither get a value nor count.
#[test]
fn trendline_wma_and_non_numbers() {
    let input = in_order(&[
        json!({"x": "1"}),
        json!({"x": "2"}),
        json!({"x": "n/a"}),
        json!({"x": "3"}),
        json!({"x": "4"}),
    ]);
    let r = run_spl("* | trendline wma3(x) sma2(x) AS s", &input);
    let wma = col(&r, "wma3(x)");
    assert_eq!(wma[..3], ["", "", ""]);
    assert!(near(&wma[3], 14.0 / 6.0), "{wma:?}");
    assert!(near(&wma[4], 20.0 / 6.0), "{wma:?}");
    assert_eq!(col(&r, "s"), ["", "1.5", "", "2.5", "3.5"]);
}

#[test]
fn trendline_round_trips_and_errors() {
    roundtrip("a | trendline sma5(foo) AS smoothed_foo ema10(bar) WMA2(\"a b\")");
    let (code, err) = fails("| makeresults | trendline sma1(x)");
    assert_eq!(code, 2);
    insta::assert_snapshot!("trendline_period_too_small", err);
    let (code, err) = fails("| makeresults | trendline ema10001(x)");
    assert_eq!(code, 2);
    insta::assert_snapshot!("trendline_period_too_large", err);
    let (code, err) = fails("| makeresults | trendline avg5(x)");
    assert_eq!(code, 2);
    insta::assert_snapshot!("trendline_unknown_type", err);
    let (code, err) = fails("| makeresults | trendline sma5 x");
    assert_eq!(code, 2);
    insta::assert_snapshot!("trendline_no_parenthesis", err);
    let (code, err) = fails("| makeresults | trendline");
    assert_eq!(code, 2);
    insta::assert_snapshot!("trendline_no_trend", err);
}

// ---- reltime ---------------------------------------------------------------

const NOW: i64 = 1_700_000_000;

fn times() -> String {
    crate::common::ndjson(&[json!({
        "_time": NOW - 3600,
        "earliest_time": NOW - 5 * 86_400,
        "current_time": NOW - 60,
        "max_time": NOW - 2 * 365 * 86_400,
        "min_time": NOW - 90,
    })])
}

// Search Reference, reltime, Example 1: `... | reltime` (a field called
// reltime from _time; "a _time value that translates to 5 a.m." at 6 a.m.
// is "1 hour ago").
#[test]
fn reltime_example_1_from_time() {
    let r = run_spl("* | reltime", &times());
    assert_eq!(col(&r, "reltime"), ["1 hour ago"]);
}

// Search Reference, reltime, Examples 2 and 3.
#[test]
fn reltime_examples_2_and_3_one_time_field() {
    let r = run_spl("* | reltime timefield=earliest_time", &times());
    assert_eq!(col(&r, "reltime"), ["5 days ago"]);
    let r = run_spl(
        "* | reltime timefield=current_time prefix=reltime_now_",
        &times(),
    );
    assert_eq!(col(&r, "reltime_now_current_time"), ["1 minute ago"]);
    assert!(r[0].get("reltime").is_none());
}

// Search Reference, reltime, Examples 4 and 5.
#[test]
fn reltime_examples_4_and_5_several_time_fields() {
    let r = run_spl(
        "* | reltime timefield=\"max_time,min_time,current_time\"",
        &times(),
    );
    assert_eq!(col(&r, "reltime_max_time"), ["2 years ago"]);
    assert_eq!(col(&r, "reltime_min_time"), ["1 minute ago"]);
    assert_eq!(col(&r, "reltime_current_time"), ["1 minute ago"]);
    let r = run_spl(
        "* | reltime timefield=\"max_time,min_time\" prefix=usr_prefix_",
        &times(),
    );
    assert_eq!(col(&r, "usr_prefix_max_time"), ["2 years ago"]);
    assert_eq!(col(&r, "usr_prefix_min_time"), ["1 minute ago"]);
    assert!(r[0].get("reltime_max_time").is_none());
}

#[test]
fn reltime_round_trips_and_errors() {
    roundtrip("a | reltime");
    roundtrip("a | reltime timefield=\"max_time,min_time\" prefix=usr_prefix_");
    let (code, err) = fails("| makeresults | reltime field=_time");
    assert_eq!(code, 2);
    insta::assert_snapshot!("reltime_unknown_option", err);
    let (code, err) = fails("| makeresults | reltime timefield=\",\"");
    assert_eq!(code, 2);
    insta::assert_snapshot!("reltime_empty_timefield", err);
}

// ---- setfields -------------------------------------------------------------

// Search Reference, setfields, Example 1:
// `... | setfields ip="10.10.10.10", foo="foo bar"`, the same as
// `... | eval ip="10.10.10.10" | eval foo="foo bar"`.
#[test]
fn setfields_example_1_matches_eval() {
    let input = in_order(&[json!({"ip": "1.2.3.4"}), json!({"x": "1"})]);
    let a = run_spl("* | setfields ip=\"10.10.10.10\", foo=\"foo bar\"", &input);
    let b = run_spl("* | eval ip=\"10.10.10.10\" | eval foo=\"foo bar\"", &input);
    assert_eq!(a, b);
    assert_eq!(col(&a, "ip"), ["10.10.10.10", "10.10.10.10"]);
    assert_eq!(col(&a, "foo"), ["foo bar", "foo bar"]);
}

// Search Reference, setfields: "Standard key cleaning is performed".
#[test]
fn setfields_cleans_keys() {
    let r = run_spl("| makeresults | setfields _my-field=\"v\" a.b=\"w\"", "");
    assert_eq!(col(&r, "my_field"), ["v"]);
    assert_eq!(col(&r, "a_b"), ["w"]);
}

#[test]
fn setfields_round_trips_and_errors() {
    roundtrip("a | setfields ip=\"10.10.10.10\", foo=\"foo bar\"");
    let (code, err) = fails("| makeresults | setfields ip");
    assert_eq!(code, 2);
    insta::assert_snapshot!("setfields_not_a_pair", err);
    let (code, err) = fails("| makeresults | setfields");
    assert_eq!(code, 2);
    insta::assert_snapshot!("setfields_nothing", err);
}

// ---- return ----------------------------------------------------------------

fn logins() -> String {
    in_order(&[
        json!({"_raw": "login ok", "user": "bob", "ip": "10.1.11.2", "srcip": "10.1.11.2", "source": "auth.log"}),
        json!({"_raw": "login ok", "user": "fred", "ip": "10.2.12.3", "srcip": "10.2.12.3", "source": "auth.log"}),
        json!({"_raw": "error x", "user": "bob", "ip": "10.1.11.2"}),
        json!({"_raw": "error y", "user": "fred", "ip": "10.2.12.3"}),
        json!({"_raw": "error z", "user": "bob", "ip": "10.2.12.3"}),
        json!({"_raw": "login ok", "user": "carl", "ip": "10.3.3.3"}),
        json!({"_raw": "error w", "user": "carl", "ip": "10.3.3.3"}),
    ])
}

// Search Reference, return, Usage: `return source`, `return ip=srcip`,
// `return $srcip`; several rows are OR clauses: `return 2 user ip` "might
// output '(user=bob ip=10.1.11.2) OR (user=fred ip=10.2.12.3)'".
#[test]
fn return_builds_the_subsearch_text() {
    let text = |spl: &str| col(&run_spl(&format!("login | {spl}"), &logins()), "search");
    assert_eq!(text("return source"), ["source=\"auth.log\""]);
    assert_eq!(text("return ip=srcip"), ["ip=\"10.1.11.2\""]);
    assert_eq!(text("return $srcip"), ["10.1.11.2"]);
    assert_eq!(
        text("return 2 user ip"),
        ["(user=\"bob\" ip=\"10.1.11.2\") OR (user=\"fred\" ip=\"10.2.12.3\")"]
    );
    assert_eq!(
        text("return 2 ip"),
        ["(ip=\"10.1.11.2\") OR (ip=\"10.2.12.3\")"]
    );
    let r = run_spl("login | return 2 user ip", &logins());
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].as_object().unwrap().len(), 1, "{r:?}");
}

// Search Reference, return, Example 1: `error [ search user=boss | return ip ]`.
#[test]
fn return_example_1_most_recent_ip() {
    let input = in_order(&[
        json!({"_raw": "login", "user": "boss", "ip": "10.1.11.2"}),
        json!({"_raw": "error a", "ip": "10.1.11.2"}),
        json!({"_raw": "error b", "ip": "10.9.9.9"}),
        json!({"_raw": "login", "user": "boss", "ip": "10.9.9.9"}),
        json!({"_raw": "error c", "ip": "10.1.11.2"}),
    ]);
    let r = run_spl("error [ search user=boss | return ip ]", &input);
    assert_eq!(col(&r, "_raw"), ["error a", "error c"]);
}

// Search Reference, return, Example 2: `error [ search login | return 2 user ip ]`.
#[test]
fn return_example_2_two_most_recent_logins() {
    let r = run_spl("error [ search login | return 2 user ip ]", &logins());
    assert_eq!(col(&r, "_raw"), ["error x", "error y"]);
}

// Search Reference, return, "Duplicate values": `return 2 user` over two
// events of one user returns that user once; `dedup user | return 2 user`
// returns two users.
#[test]
fn return_duplicate_values() {
    let input = in_order(&[
        json!({"sourcetype": "WinEventLog:Security", "user": "bob"}),
        json!({"sourcetype": "WinEventLog:Security", "user": "bob"}),
        json!({"sourcetype": "WinEventLog:Security", "user": "fred"}),
    ]);
    let r = run_spl("sourcetype=WinEventLog:Security | return 2 user", &input);
    assert_eq!(col(&r, "search"), ["user=\"bob\""]);
    let r = run_spl(
        "sourcetype=WinEventLog:Security | dedup user | return 2 user",
        &input,
    );
    assert_eq!(col(&r, "search"), ["(user=\"bob\") OR (user=\"fred\")"]);
}

// Search Reference, return, "When the input for 'return' is 0 events":
// `index=B [index=A test_error | return clientip]` gives all events of index=B.
#[test]
fn return_of_no_events_matches_everything() {
    let input = in_order(&[
        json!({"index": "B", "clientip": "1.1.1.1"}),
        json!({"index": "B", "clientip": "2.2.2.2"}),
        json!({"index": "A", "_raw": "ok", "clientip": "1.1.1.1"}),
    ]);
    let r = run_spl(
        "index=B [search index=A test_error | return clientip]",
        &input,
    );
    assert_eq!(col(&r, "clientip"), ["1.1.1.1", "2.2.2.2"]);
    let r = run_spl("index=A test_error | return clientip", &input);
    assert_eq!(col(&r, "search"), [""]);
}

// Search Reference, return, "Quotations in returned fields": return does not
// escape quotes; `eval field2=replace(field1,"\"","\\\"")` escapes them first.
#[test]
fn return_does_not_escape_quotes() {
    let input = in_order(&[
        json!({"field1": "say \"hi\"", "field2x": "1"}),
        json!({"field1": "say \"hi\""}),
    ]);
    let r = run_spl("* | head 1 | return field1", &input);
    assert_eq!(col(&r, "search"), ["field1=\"say \"hi\"\""]);
    let r = run_spl(
        "* | head 1 | eval field2=replace(field1,\"\\\"\",\"\\\\\\\"\") | return field2",
        &input,
    );
    assert_eq!(col(&r, "search"), ["field2=\"say \\\"hi\\\"\""]);
    // Escaped, the value reads back whole in the outer search.
    let r = run_spl(
        "* [search * | head 1 | eval field2=replace(field1,\"\\\"\",\"\\\\\\\"\") | return field1=field2]",
        &input,
    );
    assert_eq!(r.len(), 2);
}

#[test]
fn return_round_trips_and_errors() {
    roundtrip("a [search user=boss | return ip]");
    roundtrip("a | return 2 user ip=srcip $id");
    roundtrip("a | return");
    let (code, err) = fails("| makeresults | return ip = srcip");
    assert_eq!(code, 2);
    insta::assert_snapshot!("return_spaces_around_equals", err);
    let (code, err) = fails("| makeresults | return ip= srcip");
    assert_eq!(code, 2);
    insta::assert_snapshot!("return_space_after_equals", err);
}

// A detection whose subsearch ends in `return` finds in `hunt` what `run`
// finds: the fields its search text names are read (`ip` here, not only
// `_raw` and `search`).
#[test]
fn return_subsearch_in_a_hunt_matches_run() {
    let tmp = tempfile::tempdir().unwrap();
    let det = tmp.path().join("detections/app");
    std::fs::create_dir_all(&det).unwrap();
    std::fs::create_dir_all(tmp.path().join("macros")).unwrap();
    std::fs::write(
        det.join("r.yml"),
        "name: Boss IP errors\nid: x\nsearch: 'error [search user=boss | return ip] | table ip n'\n",
    )
    .unwrap();
    let events = tmp.path().join("events.json");
    std::fs::write(
        &events,
        crate::common::in_order(&[
            json!({"_raw": "login", "user": "boss", "ip": "10.1.11.2"}),
            json!({"_raw": "error a", "ip": "10.1.11.2", "n": "1"}),
            json!({"_raw": "error b", "ip": "10.9.9.9", "n": "2"}),
        ]),
    )
    .unwrap();
    let run = crate::common::spleval()
        .args(["run", "--format", "json"])
        .arg(det.join("r.yml"))
        .arg(&events)
        .output()
        .unwrap();
    let run = crate::common::rows(&crate::common::stdout_ok(run));
    assert_eq!(run, [json!({"ip": "10.1.11.2", "n": "1"})]);
    let hunt = crate::common::spleval()
        .args(["hunt", "--format", "json", "--rules"])
        .arg(tmp.path())
        .arg(&events)
        .output()
        .unwrap();
    let hunt = crate::common::rows(&crate::common::stdout_ok(hunt));
    assert_eq!(
        hunt,
        [json!({"detection": "Boss IP errors", "ip": "10.1.11.2", "n": "1"})]
    );
}
