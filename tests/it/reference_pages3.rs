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

// ---- rex ------------------------------------------------------------------------

// Search Reference, rex, Example "Extract email values using regular
// expressions": `rex field=_raw "From: <(?<from>.*)> To: <(?<to>.*)>"`.
#[test]
fn rex_from_to() {
    let r = run_spl(
        "* | rex field=_raw \"From: <(?<from>.*)> To: <(?<to>.*)>\" | table from to",
        &in_order(&[json!({"_raw": "Date: x From: <alice@a.com> To: <bob@b.com>"})]),
    );
    assert_eq!(col(&r, "from"), ["alice@a.com"]);
    assert_eq!(col(&r, "to"), ["bob@b.com"]);
}

// Search Reference, rex, Example "Extract from multi-valued fields using
// max_match" and the savedsearch_id example: three groups from one field,
// and `max_match=N` keeping at most N matches.
#[test]
fn rex_savedsearch_id_and_max_match() {
    let r = run_spl(
        "* | rex field=savedsearch_id \"(?<user>\\w+);(?<app>\\w+);(?<SavedSearchName>\\w+)\" | table user app SavedSearchName",
        &in_order(&[json!({"savedsearch_id": "bob;search;my_saved_search"})]),
    );
    assert_eq!(col(&r, "user"), ["bob"]);
    assert_eq!(col(&r, "app"), ["search"]);
    assert_eq!(col(&r, "SavedSearchName"), ["my_saved_search"]);
    let r = run_spl(
        "* | rex field=s max_match=2 \"(?<n>\\d+)\" | eval k=mvcount(n) | table k",
        &in_order(&[json!({"s": "1 22 333 4444"})]),
    );
    assert_eq!(col(&r, "k"), ["2"]);
}

// Search Reference, rex, sed-expression: `s/<regex>/<replacement>/<flags>`
// (flags `g` or a number N, the Nth match) and `y/<chars>/<chars>/`
// (transliteration).
#[test]
fn rex_sed_flags_and_y() {
    let one = |sed: &str| {
        let r = run_spl(
            &format!("* | rex field=s mode=sed \"{sed}\" | table s"),
            &in_order(&[json!({"s": "a1a2a3"})]),
        );
        col(&r, "s").remove(0)
    };
    assert_eq!(one("s/a/b/"), "b1a2a3");
    assert_eq!(one("s/a/b/g"), "b1b2b3");
    assert_eq!(one("s/a/b/2"), "a1b2a3");
    assert_eq!(one("y/a1/xy/"), "xyx2x3");
}

// ---- makemv / mvexpand -------------------------------------------------------------

// Search Reference, makemv, Example "Use a colon delimiter and allow empty
// values": `makemv delim=":" allowempty=true my_values`; and setsv.
#[test]
fn makemv_colon_allowempty() {
    let r = run_spl(
        "| makeresults | eval my_values=\"345:339:23:::50\" | makemv delim=\":\" allowempty=true my_values | eval n=mvcount(my_values) | table n",
        "",
    );
    assert_eq!(col(&r, "n"), ["6"]);
    let r = run_spl(
        "| makeresults | eval my_values=\"345:339:23:::50\" | makemv delim=\":\" my_values | eval n=mvcount(my_values) | table n",
        "",
    );
    assert_eq!(col(&r, "n"), ["4"]);
}

// Search Reference, mvexpand, `limit=<int>`: "Specify the number of values of
// <field> to use for each input event".
#[test]
fn mvexpand_limit() {
    let r = run_spl(
        "| makeresults | eval foo=split(\"a b c d\", \" \") | mvexpand foo limit=2 | table foo",
        "",
    );
    assert_eq!(col(&r, "foo"), ["a", "b"]);
}

// ---- untable / reverse / accum / tail / makecontinuous -------------------------------

// Search Reference, untable, Example: `untable _time FieldName FieldValue`
// turns each (row, column) cell into a row.
#[test]
fn untable_example() {
    let r = run_spl(
        "* | table _time a b | untable _time FieldName FieldValue",
        &crate::common::ndjson(&[
            json!({"_time": 100, "a": "1", "b": "2"}),
            json!({"_time": 200, "a": "3"}),
        ]),
    );
    let cells: Vec<(String, String)> = col(&r, "FieldName")
        .into_iter()
        .zip(col(&r, "FieldValue"))
        .collect();
    assert!(cells.contains(&("a".into(), "1".into())));
    assert!(cells.contains(&("b".into(), "2".into())));
    assert!(cells.contains(&("a".into(), "3".into())));
    assert_eq!(cells.len(), 3, "{r:?}");
}

// Search Reference, reverse and tail: `reverse` flips the order; `tail 2`
// returns the last two results, last first.
#[test]
fn reverse_and_tail() {
    let data = in_order(&[json!({"n": "1"}), json!({"n": "2"}), json!({"n": "3"})]);
    assert_eq!(
        col(&run_spl("* | reverse | table n", &data), "n"),
        ["3", "2", "1"]
    );
    assert_eq!(
        col(&run_spl("* | tail 2 | table n", &data), "n"),
        ["3", "2"]
    );
}

// Search Reference, accum, Example: `accum quantity AS total_quantity`.
#[test]
fn accum_as() {
    let r = run_spl(
        "* | accum quantity AS total_quantity | table quantity total_quantity",
        &in_order(&[
            json!({"quantity": "2"}),
            json!({"quantity": "3"}),
            json!({"quantity": "5"}),
        ]),
    );
    assert_eq!(col(&r, "total_quantity"), ["2", "5", "10"]);
    assert_eq!(col(&r, "quantity"), ["2", "3", "5"]);
}

// Search Reference, makecontinuous, Example: `makecontinuous _time span=10m`
// fills the missing buckets.
#[test]
fn makecontinuous_span() {
    let r = run_spl(
        "* | table _time count | makecontinuous _time span=10m",
        &crate::common::ndjson(&[
            json!({"_time": 0, "count": "1"}),
            json!({"_time": 1800, "count": "2"}),
        ]),
    );
    assert_eq!(col(&r, "_time"), ["0", "600", "1200", "1800"]);
    assert_eq!(col(&r, "count"), ["1", "", "", "2"]);
}

// ---- rename / replace / sort / dedup / regex ------------------------------------------

// Search Reference, rename, Example "Rename a field with special
// characters": `rename count AS "Count of Events"`; and `rename foo* AS bar*`.
#[test]
fn rename_quoted_and_wildcard() {
    let r = run_spl(
        "* | stats count | rename count AS \"Count of Events\"",
        &in_order(&[json!({"a": "1"}), json!({"a": "2"})]),
    );
    assert_eq!(col(&r, "Count of Events"), ["2"]);
    let r = run_spl(
        "* | rename foo* AS bar* | table bar1 bar2 foo1",
        &in_order(&[json!({"foo1": "x", "foo2": "y"})]),
    );
    assert_eq!(col(&r, "bar1"), ["x"]);
    assert_eq!(col(&r, "bar2"), ["y"]);
    assert_eq!(col(&r, "foo1"), [""]);
}

// Search Reference, replace, Examples: `replace 127.0.0.1 WITH localhost IN
// host`, `replace aug WITH August IN start_month end_month`.
#[test]
fn replace_in_several_fields() {
    let r = run_spl(
        "* | replace aug WITH August IN start_month end_month | table start_month end_month",
        &in_order(&[
            json!({"start_month": "aug", "end_month": "aug"}),
            json!({"start_month": "august", "end_month": "aug"}),
        ]),
    );
    assert_eq!(col(&r, "start_month"), ["August", "august"]);
    assert_eq!(col(&r, "end_month"), ["August", "August"]);
}

// Search Reference, sort, `ip()` and `auto()` sort-by functions and the
// `limit=` form of the count.
#[test]
fn sort_ip_auto_limit() {
    let data = in_order(&[
        json!({"ip": "10.0.0.10"}),
        json!({"ip": "10.0.0.9"}),
        json!({"ip": "9.1.1.1"}),
    ]);
    assert_eq!(
        col(&run_spl("* | sort ip(ip) | table ip", &data), "ip"),
        ["9.1.1.1", "10.0.0.9", "10.0.0.10"]
    );
    assert_eq!(
        col(&run_spl("* | sort str(ip) | table ip", &data), "ip"),
        ["10.0.0.10", "10.0.0.9", "9.1.1.1"]
    );
    assert_eq!(
        col(&run_spl("* | sort limit=1 -ip(ip) | table ip", &data), "ip"),
        ["10.0.0.10"]
    );
}

// Search Reference, regex, Example: `regex _raw="(?<!\d)10\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\d)"`
// (lookaround) keeps the events with a 10.x.x.x address.
#[test]
fn regex_lookaround_example() {
    let r = run_spl(
        "* | regex _raw=\"(?<!\\d)10\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}(?!\\d)\" | table n",
        &in_order(&[
            json!({"n": "1", "_raw": "from 10.1.2.3 ok"}),
            json!({"n": "2", "_raw": "from 110.1.2.3 no"}),
            json!({"n": "3", "_raw": "from 192.168.0.1"}),
        ]),
    );
    assert_eq!(col(&r, "n"), ["1"]);
}

// Search Reference, dedup, `sortby` with a sort function: `dedup source
// sortby num(size)`; the sort picks which result is kept ("the top-most event,
// of the duplicate events in the sorted list, is retained").
#[test]
fn dedup_sortby_num() {
    let r = run_spl(
        "* | dedup source sortby num(size) | table source size",
        &in_order(&[
            json!({"source": "a", "size": "10"}),
            json!({"source": "b", "size": "9"}),
            json!({"source": "a", "size": "2"}),
        ]),
    );
    assert_eq!(col(&r, "size"), ["2", "9"]);
}

// ---- convert ------------------------------------------------------------------------

// Search Reference, convert, `dur2sec`, `memk`, `rmunit`, `rmcomma` and
// `ctime(...) AS` with `timeformat=`.
#[test]
fn convert_functions() {
    let r = run_spl(
        "* | convert dur2sec(d) memk(m) rmunit(u) rmcomma(c) | convert timeformat=\"%Y-%m-%d\" ctime(t) AS day | table d m u c day",
        &in_order(&[json!({"d": "01:02:03", "m": "2m", "u": "42kb", "c": "1,234,567", "t": "86400"})]),
    );
    assert_eq!(col(&r, "d"), ["3723"]);
    assert_eq!(col(&r, "m"), ["2048"]);
    assert_eq!(col(&r, "u"), ["42"]);
    assert_eq!(col(&r, "c"), ["1234567"]);
    assert_eq!(col(&r, "day"), ["1970-01-02"]);
}

// ---- eventstats ------------------------------------------------------------------------

// Search Reference, eventstats, `allnum=<bool>`: with allnum=true a
// statistic is computed only when every value of the field is numeric.
#[test]
fn eventstats_allnum() {
    let data = in_order(&[json!({"x": "1"}), json!({"x": "abc"}), json!({"x": "3"})]);
    let r = run_spl("* | eventstats sum(x) AS s | table s", &data);
    assert_eq!(col(&r, "s"), ["4", "4", "4"]);
    let r = run_spl("* | eventstats allnum=true sum(x) AS s | table s", &data);
    assert_eq!(col(&r, "s"), ["", "", ""]);
}

// Search Reference, rex, Example "Extract values from a field using a <sed-expression>"
// with back-references, `(?P<name>…)` groups (PCRE's Python form, as in the
// page's `(?i) msg=(?P<msg>[^,]+)` example) and another sed delimiter.
#[test]
fn rex_backrefs_python_groups() {
    let one = |spl: &str, f: &str| col(&run_spl(spl, ""), f).remove(0);
    assert_eq!(
        one("| makeresults | eval s=\"john smith\" | rex field=s mode=sed \"s/(\\w+) (\\w+)/\\2 \\1/\" | table s", "s"),
        "smith john"
    );
    assert_eq!(
        one("| makeresults | eval _raw=\"x MSG=hello, y\" | rex \"(?i) msg=(?P<msg>[^,]+)\" | table msg", "msg"),
        "hello"
    );
}

// ---- spath / filldown / convert ----------------------------------------------------------

// Search Reference, spath, Example "Extract and expand XML events": XML
// elements as dotted paths, attributes as `{@attr}`, repeated elements as
// multivalues; and `path=...{@id} output=`.
#[test]
fn spath_xml_attributes() {
    let xml = "<vendor><product id=\\\"7\\\"><desc>Mouse</desc></product><product id=\\\"8\\\"><desc>Pad</desc></product></vendor>";
    let r = run_spl(
        &format!("| makeresults | eval x=\"{xml}\" | spath input=x | eval n=mvcount('vendor.product.desc') | table n vendor.product{{@id}}"),
        "",
    );
    assert_eq!(col(&r, "n"), ["2"]);
    assert_eq!(col(&r, "vendor.product{@id}"), ["[\"7\",\"8\"]"]);
    let r = run_spl(
        &format!("| makeresults | eval x=\"{xml}\" | spath input=x path=vendor.product{{@id}} output=pid | eval k=mvindex(pid, 1) | table k"),
        "",
    );
    assert_eq!(col(&r, "k"), ["8"]);
}

// Search Reference, filldown, `filldown <wc-field-list>`: a wildcard picks
// the fields to fill.
#[test]
fn filldown_wildcard() {
    let r = run_spl(
        "* | filldown w_* | table v w_1",
        &in_order(&[
            json!({"v": "x1", "w_1": "y"}),
            json!({"n": "2"}),
            json!({"v": "x3", "w_1": "z"}),
        ]),
    );
    assert_eq!(col(&r, "w_1"), ["y", "y", "z"]);
    assert_eq!(col(&r, "v"), ["x1", "", "x3"]);
}

// Search Reference, convert, `mktime` with `timeformat=`, `mstime`
// ("[MM:]SS.SSS" to seconds), and `none(a)` exempting `a` from a
// wildcard conversion (`num(*)` removes what it cannot convert).
#[test]
fn convert_mktime_mstime_none() {
    let r = run_spl(
        "| makeresults | eval t=\"1970-01-02 00:00:10\", m=\"01:02.500\" | convert timeformat=\"%Y-%m-%d %H:%M:%S\" mktime(t) mstime(m) | table t m",
        "",
    );
    assert_eq!(col(&r, "t"), ["86410"]);
    assert_eq!(col(&r, "m"), ["62.5"]);
    let r = run_spl(
        "* | convert num(*) none(a) | table a b c",
        &in_order(&[json!({"a": "x", "b": "y", "c": "3"})]),
    );
    assert_eq!(col(&r, "a"), ["x"]);
    assert_eq!(col(&r, "b"), [""]);
    assert_eq!(col(&r, "c"), ["3"]);
}

// Search Reference, sort, `desc` — "Syntax: d | desc": the short form `d`
// after the sort keys reverses the order too; `sort d` alone sorts by a
// field named d.
#[test]
fn sort_d_short_for_desc() {
    let data = in_order(&[
        json!({"x": "2", "d": "b"}),
        json!({"x": "3", "d": "a"}),
        json!({"x": "1", "d": "c"}),
    ]);
    assert_eq!(
        col(&run_spl("* | sort 0 x d | table x", &data), "x"),
        ["3", "2", "1"]
    );
    assert_eq!(
        col(&run_spl("* | sort x desc | table x", &data), "x"),
        ["3", "2", "1"]
    );
    assert_eq!(
        col(&run_spl("* | sort d | table x", &data), "x"),
        ["3", "2", "1"]
    );
    assert_eq!(
        col(&run_spl("* | sort -d | table x", &data), "x"),
        ["1", "2", "3"]
    );
    crate::common::roundtrip("a | sort 0 x d");
}

// ---- transaction / regex / head and tail defaults ------------------------------------------

// Search Reference, transaction, `<field-list>` "One field or more field
// names" (the page writes `transaction host,cookie`): events agreeing on
// both fields form one transaction with `eventcount` and `duration`.
#[test]
fn transaction_comma_field_list() {
    let r = run_spl(
        "* | transaction host,cookie | sort host | table host cookie eventcount duration",
        &crate::common::ndjson(&[
            json!({"_time": 1, "host": "a", "cookie": "c1"}),
            json!({"_time": 4, "host": "a", "cookie": "c1"}),
            json!({"_time": 3, "host": "b", "cookie": "c2"}),
        ]),
    );
    assert_eq!(col(&r, "host"), ["a", "b"]);
    assert_eq!(col(&r, "eventcount"), ["2", "1"]);
    assert_eq!(col(&r, "duration"), ["3", "0"]);
}

// Search Reference, regex: without `<field>=` the regular expression
// applies to `_raw`.
#[test]
fn regex_on_raw_by_default() {
    let r = run_spl(
        "* | regex \"^ERR\\d+\" | table n",
        &in_order(&[
            json!({"n": "1", "_raw": "ERR42 disk"}),
            json!({"n": "2", "_raw": "ok ERR42"}),
        ]),
    );
    assert_eq!(col(&r, "n"), ["1"]);
}

// Search Reference, head and tail: "If no options or limits are specified,
// the head command returns the first 10 results" (tail: the last 10).
#[test]
fn head_tail_default_ten() {
    let data = in_order(
        &(1..=12)
            .map(|n| json!({"n": n.to_string()}))
            .collect::<Vec<_>>(),
    );
    let h = col(&run_spl("* | head | table n", &data), "n");
    assert_eq!(h.len(), 10);
    assert_eq!((h[0].as_str(), h[9].as_str()), ("1", "10"));
    let t = col(&run_spl("* | tail | table n", &data), "n");
    assert_eq!(t.len(), 10);
    assert_eq!((t[0].as_str(), t[9].as_str()), ("12", "3"));
}

// timechart `agg=<fn>(<field>)` where a series has no value for the field:
// it ranks last for both `limit=topN` and `limit=bottomN`.
#[test]
fn timechart_agg_series_without_values_rank_last() {
    let data = in_order(&[
        json!({"host": "a", "size": "10"}),
        json!({"host": "b"}),
        json!({"host": "c", "size": "50"}),
    ]);
    for (limit, kept) in [("limit=1", "c"), ("limit=bottom1", "a")] {
        let r = run_spl(
            &format!("* | timechart span=1d {limit} agg=max(size) useother=f count by host"),
            &data,
        );
        assert_eq!(col(&r, kept), ["1"], "{limit}");
        assert!(r[0].get("b").is_none(), "{limit}: {r:?}");
    }
}

// mvexpand over a result without the field (the page is silent; see
// grammar/README.md): the result is dropped, the others expand.
#[test]
fn mvexpand_missing_field_drops_the_result() {
    let r = run_spl(
        "* | eval f=if(n==\"1\", split(\"x y\", \" \"), null()) | mvexpand f | table n f",
        &in_order(&[json!({"n": "1"}), json!({"n": "2"})]),
    );
    assert_eq!(col(&r, "n"), ["1", "1"]);
    assert_eq!(col(&r, "f"), ["x", "y"]);
}

// Search Reference, join, `usetime`/`earlier` with the alias form, the
// options written after the comparisons: only subsearch results at or before
// the result's time join (at or after with earlier=f).
#[test]
fn join_aliases_usetime_after_where() {
    let data = crate::common::ndjson(&[
        json!({"_time": 10, "k": "1", "side": "main"}),
        json!({"_time": 5, "k": "1", "tag": "old"}),
        json!({"_time": 20, "k": "1", "tag": "new"}),
    ]);
    let run = |opts: &str| {
        let r = run_spl(
            &format!("side=main | join left=L right=R where L.k=R.k {opts} [search tag=*]"),
            &data,
        );
        col(&r, "R.tag")
    };
    assert_eq!(run("usetime=t"), ["old"]);
    assert_eq!(run("usetime=t earlier=f"), ["new"]);
}
