//! A subsearch as the value of a comparison in the search language
//! (Search Reference 10.0, makeresults, Basic example 2):
//! `index=_internal sourcetype=scheduler ( scheduled_time > [ makeresults |
//! eval it=relative_time(now(), "-m") | return $it ] )` — the subsearch's
//! text (`return $it` gives the bare value) stands where the value would be
//! written, so the outer search compares `scheduled_time` with the time one
//! minute before now.

use crate::common::{self, col, fails};

/// Scheduler events around now=1700000000 (the clock `run_spl` fixes):
/// three scheduled in the last minute, one earlier, one from another
/// sourcetype.
fn scheduler_events() -> String {
    common::ndjson(&[
        serde_json::json!({"index":"_internal","sourcetype":"scheduler","id":"a","scheduled_time":1699999900}),
        serde_json::json!({"index":"_internal","sourcetype":"scheduler","id":"b","scheduled_time":1699999950}),
        serde_json::json!({"index":"_internal","sourcetype":"scheduler","id":"c","scheduled_time":1699999990}),
        serde_json::json!({"index":"_internal","sourcetype":"scheduler","id":"d","scheduled_time":1700000000}),
        serde_json::json!({"index":"_internal","sourcetype":"other","id":"e","scheduled_time":1700000000}),
    ])
}

#[test]
fn makeresults_basic_example_2_subsearch_as_a_comparison_value() {
    let spl = r#"index=_internal sourcetype=scheduler ( scheduled_time > [ makeresults | eval it=relative_time(now(), "-m") | return $it ] )"#;
    let rows = common::run_spl(spl, &scheduler_events());
    // relative_time(now(), "-m") is 1699999940: b, c and d are later; a is
    // not, and e is not from the scheduler.
    assert_eq!(col(&rows, "id"), ["b", "c", "d"]);
}

#[test]
fn each_comparison_operator_takes_the_subsearch_text() {
    let events = scheduler_events();
    let ids = |op: &str| {
        let spl = format!(
            "sourcetype=scheduler scheduled_time{op}[ makeresults | eval it=1699999950 | return $it ]"
        );
        col(&common::run_spl(&spl, &events), "id")
    };
    assert_eq!(ids("<"), ["a"]);
    assert_eq!(ids("<="), ["a", "b"]);
    assert_eq!(ids(">="), ["b", "c", "d"]);
    assert_eq!(ids("="), ["b"]);
    assert_eq!(ids("!="), ["a", "c", "d"]);
}

#[test]
fn the_where_form_prints_back_and_parses_again() {
    let p = common::roundtrip("search scheduled_time>[| makeresults | eval it=1 | return $it]");
    assert_eq!(
        p.to_string(),
        "search scheduled_time>[| makeresults | eval it=1 | return $it]"
    );
}

#[test]
fn a_subsearch_without_a_text_cannot_stand_as_a_value() {
    let (code, err) = fails("| makeresults | search x > [ makeresults | eval it=1 ]");
    assert_ne!(code, 0);
    insta::assert_snapshot!(err);
}

/// Search Reference 10.0, format, Example 5: `index=_internal sourcetype=
/// [search index=does_not_exist | head 1 | fields sourcetype | format
/// emptystr="splunkd"]` — the subsearch finds nothing, so format gives its
/// `emptystr`, and the outer search keeps the splunkd events.
#[test]
fn format_example_5_emptystr_as_the_value_of_a_comparison() {
    let events = common::ndjson(&[
        serde_json::json!({"index":"_internal","sourcetype":"splunkd","id":"a"}),
        serde_json::json!({"index":"_internal","sourcetype":"scheduler","id":"b"}),
        serde_json::json!({"index":"_internal","sourcetype":"splunkd","id":"c"}),
        serde_json::json!({"index":"main","sourcetype":"splunkd","id":"d"}),
    ]);
    let spl = r#"index=_internal sourcetype= [search index=does_not_exist | head 1 | fields sourcetype | format emptystr="splunkd"]"#;
    assert_eq!(col(&common::run_spl(spl, &events), "id"), ["a", "c"]);
}
