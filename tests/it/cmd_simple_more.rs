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
