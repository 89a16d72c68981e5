//! Issue 18, the third sweep: the `join` alias form, `timechart`/`chart`
//! `agg=`, and the Search Reference pages of rex, lookup, transaction,
//! mvexpand, spath, makemv, fillnull, filldown, xyseries, untable, transpose,
//! reverse, accum, delta, autoregress, makecontinuous, replace, rename, head,
//! tail, sort, dedup, eventstats, regex, iplocation and convert. Each test
//! cites its page and example; examples over Splunk's sample data run over
//! small inputs of the same shape.

use crate::common::{col, fails, in_order, run_spl};
use serde_json::json;

// ---- join ---------------------------------------------------------------------

/// Products (the main search, `qty=*`) and vendors (the subsearch, `vendor=*`).
fn products_vendors() -> String {
    in_order(&[
        json!({"product_id": "p1", "product_name": "tee", "qty": "3"}),
        json!({"product_id": "p2", "product_name": "mug", "qty": "5"}),
        json!({"product_id": "p3", "product_name": "cap", "qty": "1"}),
        json!({"pid": "p1", "product_id": "p1", "name": "tee", "vendor": "Acme"}),
        json!({"pid": "p1", "product_id": "p1", "name": "shirt", "vendor": "Bolt"}),
        json!({"pid": "p2", "product_id": "p2", "name": "cup", "vendor": "Cola"}),
    ])
}

// Search Reference, join, the description's form `join left=L right=R where
// L.pid = R.pid [subsearch]` and the example "Join datasets on fields that
// have the same name": `join left=L right=R where L.product_id=R.product_id
// [search vendors]`. Each side's fields come out named after its alias; only
// the first matching subsearch row joins (max=1), and rows without a match are
// dropped (type=inner).
#[test]
fn join_aliases_same_field_name() {
    let r = run_spl(
        "qty=* | join left=L right=R where L.product_id = R.product_id [search vendor=*] | sort L.product_id",
        &products_vendors(),
    );
    assert_eq!(col(&r, "L.product_id"), ["p1", "p2"]);
    assert_eq!(col(&r, "R.product_id"), ["p1", "p2"]);
    assert_eq!(col(&r, "L.qty"), ["3", "5"]);
    assert_eq!(col(&r, "R.vendor"), ["Acme", "Cola"]);
    // Nothing keeps its bare name: the aliases avoid the collision.
    assert!(r
        .iter()
        .all(|row| row.get("product_id").is_none() && row.get("vendor").is_none()));
    // Internal fields of the main result keep their names.
    assert!(r.iter().all(|row| row.get("_time").is_some()));
}

// Search Reference, join, example "Join datasets on fields that have
// different names": `join left=L right=R where L.product_id=R.pid [search
// vendors]`, and "Use words instead of letters as aliases": `join
// left=products right=vendors where products.product_id=vendors.pid`.
#[test]
fn join_aliases_different_names_and_word_aliases() {
    let data = products_vendors();
    let r = run_spl(
        "qty=* | join left=L right=R where L.product_id=R.pid [search vendor=* | fields - product_id] | sort L.product_id",
        &data,
    );
    assert_eq!(col(&r, "L.product_id"), ["p1", "p2"]);
    assert_eq!(col(&r, "R.pid"), ["p1", "p2"]);
    let r = run_spl(
        "qty=* | join left=products right=vendors where products.product_id=vendors.pid [search vendor=*] | sort products.product_id",
        &data,
    );
    assert_eq!(col(&r, "vendors.vendor"), ["Acme", "Cola"]);
    assert_eq!(col(&r, "products.product_name"), ["tee", "mug"]);
    // The condition may name the right side first.
    let r = run_spl(
        "qty=* | join left=L right=R where R.pid=L.product_id [search vendor=*] | sort L.product_id",
        &data,
    );
    assert_eq!(col(&r, "R.vendor"), ["Acme", "Cola"]);
}

// Search Reference, join, example "Return all matching rows in the
// subsearch": `max=0`; with `type=left` (or outer) the unmatched product
// stays, with its own fields only.
#[test]
fn join_aliases_max_and_type() {
    let r = run_spl(
        "qty=* | join type=left max=0 left=L right=R where L.product_id=R.pid [search vendor=*] | sort L.product_id, R.vendor",
        &products_vendors(),
    );
    assert_eq!(col(&r, "L.product_id"), ["p1", "p1", "p2", "p3"]);
    assert_eq!(col(&r, "R.vendor"), ["Acme", "Bolt", "Cola", ""]);
    assert_eq!(col(&r, "L.qty"), ["3", "3", "5", "1"]);
}

// Search Reference, join, `where <left-alias>.<left-field>=<right-alias>.<right-field>...`:
// several comparisons must all hold (separated by spaces, commas or AND).
#[test]
fn join_aliases_several_conditions() {
    let data = products_vendors();
    for w in [
        "L.product_id=R.pid L.product_name=R.name",
        "L.product_id=R.pid, L.product_name=R.name",
        "L.product_id=R.pid AND L.product_name=R.name",
    ] {
        let r = run_spl(
            &format!("qty=* | join max=0 left=L right=R where {w} [search vendor=*]"),
            &data,
        );
        assert_eq!(col(&r, "L.product_id"), ["p1"], "{w}");
        assert_eq!(col(&r, "R.vendor"), ["Acme"], "{w}");
    }
}

// Search Reference, join: left= and right= go with where; a condition names
// one field of each alias.
#[test]
fn join_alias_errors() {
    for (spl, msg) in [
        (
            "a | join left=L right=R [search b]",
            "needs left=<alias>, right=<alias> and where",
        ),
        (
            "a | join where L.a=R.b [search b]",
            "needs left=<alias> and right=<alias>",
        ),
        (
            "a | join left=L right=R where L.a=X.b [search b]",
            "compares a field of L with a field of R",
        ),
        (
            "a | join left=L right=R where L.a=L.b [search b]",
            "compares a field of L with a field of R",
        ),
        (
            "a | join left=L right=L where L.a=L.b [search b]",
            "must differ",
        ),
        (
            "a | join k left=L right=R where L.a=R.b [search b]",
            "either a field list or",
        ),
    ] {
        let (code, err) = fails(spl);
        assert_eq!(code, 2, "{spl}");
        assert!(err.contains(msg), "{spl}: {err}");
    }
}

// ---- timechart / chart agg= -----------------------------------------------------

/// Host `a`: four small events; `b`: one large one; `c`: two middling ones.
fn sizes() -> String {
    in_order(&[
        json!({"host": "a", "size": "10"}),
        json!({"host": "a", "size": "5"}),
        json!({"host": "a", "size": "7"}),
        json!({"host": "a", "size": "3"}),
        json!({"host": "b", "size": "1000"}),
        json!({"host": "c", "size": "50"}),
        json!({"host": "c", "size": "40"}),
    ])
}

// Search Reference, timechart, options `limit=<chart-limit-opt>` and
// `agg=<stats-agg-term>`: the series kept are the top `limit` by the `agg`
// aggregation (the default ranks by the sum of the cells), e.g.
// `timechart limit=5 agg=max(size) count by host`.
#[test]
fn timechart_agg_ranks_series() {
    let data = sizes();
    // Default: by the sum of the counts, host a (4 events) wins.
    let r = run_spl("* | timechart span=1d limit=1 count by host", &data);
    assert_eq!(col(&r, "a"), ["4"]);
    assert_eq!(col(&r, "OTHER"), ["3"]);
    assert!(r[0].get("b").is_none());
    // agg=max(size): host b has the largest event.
    let r = run_spl(
        "* | timechart span=1d limit=1 agg=max(size) count by host",
        &data,
    );
    assert_eq!(col(&r, "b"), ["1"]);
    assert_eq!(col(&r, "OTHER"), ["6"]);
    assert!(r[0].get("a").is_none());
    // agg=sum(size) keeps b and c; limit=bottom1 with agg=avg(size) keeps a.
    let r = run_spl(
        "* | timechart span=1d limit=2 agg=sum(size) count by host",
        &data,
    );
    assert_eq!(
        (col(&r, "b"), col(&r, "c"), col(&r, "OTHER")),
        (
            vec!["1".to_string()],
            vec!["2".to_string()],
            vec!["4".to_string()]
        )
    );
    let r = run_spl(
        "* | timechart span=1d limit=bottom1 agg=avg(size) useother=f count by host",
        &data,
    );
    assert_eq!(col(&r, "a"), ["4"]);
    assert!(r[0].get("b").is_none() && r[0].get("OTHER").is_none());
}

// Search Reference, chart, the same `limit` and `agg=<stats-agg-term>`
// options: `chart limit=1 agg=max(size) count over kind by host`.
#[test]
fn chart_agg_ranks_series() {
    let data = sizes();
    let r = run_spl(
        "* | eval kind=\"k\" | chart limit=1 agg=max(size) count over kind by host",
        &data,
    );
    assert_eq!(col(&r, "b"), ["1"]);
    assert_eq!(col(&r, "OTHER"), ["6"]);
    // agg=dc(size): host a has the most distinct sizes.
    let r = run_spl(
        "* | eval kind=\"k\" | fields kind host size | chart limit=1 agg=dc(size) count over kind by host",
        &data,
    );
    assert_eq!(col(&r, "a"), ["4"]);
}

// agg= with a function is one aggregation term; it round-trips.
#[test]
fn agg_option_parses_and_prints() {
    for spl in [
        "a | timechart limit=5 agg=max(size) count by host",
        "a | chart limit=top3 agg=avg(eval(bytes*2)) count over x by y",
        "a | timechart agg=sum count by host",
    ] {
        crate::common::roundtrip(spl);
    }
    let (code, err) = fails("* | timechart agg=max(size count by host");
    assert_eq!(code, 2);
    assert!(err.contains("closing ')'"), "{err}");
}
