//! Issue 18, the remaining command pages: the documented options and worked
//! examples of the Search Reference pages of stats, where, table, eval,
//! lookup, inputlookup, outputlookup, join, append, appendpipe, transaction,
//! spath, fromjson, xmlkv, iplocation, rare, timechart, chart, foreach, map,
//! tstats, makeresults, multikv, nomv and mvcombine, each test citing its
//! page. Examples that need Splunk's sample data run over small inputs shaped
//! like the page's.

use std::path::Path;

use crate::common::{col, fails, run_spl};
use serde_json::{json, Value};

/// Events at the given times with the given fields, in the order given.
fn timed(evs: &[(i64, Value)]) -> String {
    let evs: Vec<Value> = evs
        .iter()
        .map(|(t, f)| {
            let mut o = f.as_object().unwrap().clone();
            o.insert("_time".into(), json!(t));
            Value::Object(o)
        })
        .collect();
    crate::common::ndjson(&evs)
}

/// A rules folder with `lookups/<name>` files.
fn rules(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let lk = dir.path().join("lookups");
    std::fs::create_dir_all(&lk).unwrap();
    for (name, text) in files {
        std::fs::write(lk.join(name), text).unwrap();
    }
    dir
}

/// Runs `spl` with `--rules dir --write-lookups`; must succeed.
fn run_in(dir: &Path, spl: &str, events: &str) -> Vec<Value> {
    let dir = dir.to_str().expect("a UTF-8 temp path");
    crate::common::run_spl_with(&["--write-lookups", "--rules", dir], spl, events)
}

// ---- stats --------------------------------------------------------------------

// Search Reference, stats, allnum: "If true, computes numerical statistics on
// each field if and only if all of the values of that field are numerical."
#[test]
fn stats_allnum_leaves_out_fields_with_text_values() {
    let input = crate::common::in_order(&[
        json!({"a": "1", "n": "10", "b": "x"}),
        json!({"a": "2", "n": "20", "b": "y"}),
        json!({"a": "z", "n": "30", "b": "x"}),
    ]);
    let r = run_spl(
        "* | stats allnum=true sum(a) AS s, sum(n) AS t, count(a) AS c BY b",
        &input,
    );
    assert_eq!(col(&r, "s"), ["", ""]);
    assert_eq!(col(&r, "t"), ["40", "20"]);
    assert_eq!(col(&r, "c"), ["2", "1"]);
    // The default, allnum=false, sums the numbers and skips the text.
    let r = run_spl("* | stats sum(a) AS s BY b", &input);
    assert_eq!(col(&r, "s"), ["1", "2"]);
}

// Search Reference, stats: `delim`, `partitions` and `dedup_splitvals` are
// options before the functions; `BY` and `by` are the same; `AS` renames.
#[test]
fn stats_options_by_and_as() {
    let input = crate::common::in_order(&[
        json!({"a": "1", "b": "x"}),
        json!({"a": "2", "b": "y"}),
        json!({"a": "3", "b": "x"}),
    ]);
    for spl in [
        "* | stats partitions=2 count AS n, sum(a) as total BY b",
        "* | stats delim=\",\" dedup_splitvals=true count as n, sum(a) AS total by b",
    ] {
        let r = run_spl(spl, &input);
        assert_eq!(col(&r, "b"), ["x", "y"], "{spl}");
        assert_eq!(col(&r, "n"), ["2", "1"], "{spl}");
        assert_eq!(col(&r, "total"), ["4", "2"], "{spl}");
    }
}

// Search Reference, stats, Example "Return the average transfer rate for each
// host" and "Search the access logs, and return the number of hits from the
// top 100 values of referer_domain": stats with BY over several fields.
#[test]
fn stats_examples_avg_and_count_by_two_fields() {
    let input = crate::common::in_order(&[
        json!({"host": "h1", "kbps": "10", "method": "GET"}),
        json!({"host": "h1", "kbps": "20", "method": "POST"}),
        json!({"host": "h2", "kbps": "5", "method": "GET"}),
    ]);
    let r = run_spl("* | stats avg(kbps) BY host", &input);
    assert_eq!(col(&r, "avg(kbps)"), ["15", "5"]);
    let r = run_spl("* | stats count BY host, method", &input);
    assert_eq!(col(&r, "host"), ["h1", "h1", "h2"]);
    assert_eq!(col(&r, "method"), ["GET", "POST", "GET"]);
}

// ---- where --------------------------------------------------------------------

// Search Reference, where, Examples: `where foo=bar` compares two fields,
// `where like(src, "10.9.165.%") OR cidrmatch("10.9.165.0/25", dst)`, and a
// quoted string is a literal.
#[test]
fn where_examples() {
    let input = crate::common::in_order(&[
        json!({"id": "1", "foo": "a", "bar": "a", "src": "10.9.165.7", "dst": "1.1.1.1"}),
        json!({"id": "2", "foo": "a", "bar": "b", "src": "1.2.3.4", "dst": "10.9.165.8"}),
        json!({"id": "3", "foo": "bar", "bar": "c", "src": "1.2.3.4", "dst": "10.9.165.200"}),
    ]);
    let r = run_spl("* | where foo=bar | table id", &input);
    assert_eq!(col(&r, "id"), ["1"]);
    let r = run_spl("* | where foo=\"bar\" | table id", &input);
    assert_eq!(col(&r, "id"), ["3"]);
    let r = run_spl(
        "* | where like(src, \"10.9.165.%\") OR cidrmatch(\"10.9.165.0/25\", dst) | table id",
        &input,
    );
    assert_eq!(col(&r, "id"), ["1", "2"]);
    // Example: numeric comparison of a field with a number.
    let r = run_spl(
        "* | eval n=id*10 | where n > 15 AND n < 35 | table id",
        &input,
    );
    assert_eq!(col(&r, "id"), ["2", "3"]);
}

// ---- table --------------------------------------------------------------------

// Search Reference, table: fields in the order listed, wildcards, commas or
// spaces between names, and a field no result has is left out of the rows.
#[test]
fn table_examples() {
    let input = crate::common::in_order(&[
        json!({"host": "h", "action": "a", "date_hour": "1", "date_mday": "2"}),
    ]);
    let r = run_spl("* | table action, host, date*", &input);
    let keys: Vec<&String> = r[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["action", "host", "date_hour", "date_mday"]);
    let r = run_spl("* | table host nosuch", &input);
    assert_eq!(r, [json!({"host": "h"})]);
}

// ---- eval (command) --------------------------------------------------------------

// Search Reference, eval (command), Examples: several comma-separated
// assignments, each seeing the ones before; `case`; string concatenation with
// `.`; a new field overwrites an existing one.
#[test]
fn eval_command_examples() {
    let input = crate::common::in_order(&[
        json!({"first": "Ann", "last": "Lee", "status": "404", "velocity": "10", "time": "2"}),
        json!({"first": "Bo", "last": "Ng", "status": "200", "velocity": "9", "time": "3"}),
    ]);
    let r = run_spl(
        "* | eval full_name = first.\" \".last, distance = velocity * time, d2 = distance * 2, \
         description = case(status == 200, \"OK\", status == 404, \"Not found\") \
         | table full_name distance d2 description",
        &input,
    );
    assert_eq!(col(&r, "full_name"), ["Ann Lee", "Bo Ng"]);
    assert_eq!(col(&r, "distance"), ["20", "27"]);
    assert_eq!(col(&r, "d2"), ["40", "54"]);
    assert_eq!(col(&r, "description"), ["Not found", "OK"]);
    let r = run_spl("* | eval status=\"x\" | table status", &input);
    assert_eq!(col(&r, "status"), ["x", "x"]);
}

// ---- lookup -------------------------------------------------------------------

const HOSTS: &[(&str, &str)] = &[("hosts.csv", "host,region\nh1,east\nh2,west\nh3,north\n")];

fn host_events() -> String {
    crate::common::in_order(&[
        json!({"host": "h1", "region": "old"}),
        json!({"host": "h2"}),
        json!({"host": "h4", "region": "keep"}),
    ])
}

// Search Reference, lookup, OUTPUT vs OUTPUTNEW: "If the OUTPUT clause is
// specified, the output lookup fields overwrite existing fields"; OUTPUTNEW
// fills only fields the result does not have.
#[test]
fn lookup_output_and_outputnew() {
    let dir = rules(HOSTS);
    let r = run_in(
        dir.path(),
        "* | lookup hosts.csv host OUTPUT region | table host region",
        &host_events(),
    );
    // A result the table has no row for: OUTPUT leaves its field alone here
    // (grammar/README.md, "An event that lacks a lookup's match field…").
    assert_eq!(col(&r, "region")[..2], ["east", "west"]);
    let r = run_in(
        dir.path(),
        "* | lookup hosts.csv host OUTPUTNEW region | table host region",
        &host_events(),
    );
    assert_eq!(col(&r, "region"), ["old", "west", "keep"]);
}

// Search Reference, lookup: `local=true` and `update=true` are accepted (one
// machine, the table read at the start); without OUTPUT every other column is
// output; `AS` renames the output field.
#[test]
fn lookup_local_update_and_as() {
    let dir = rules(HOSTS);
    let r = run_in(
        dir.path(),
        "* | lookup local=true update=true hosts.csv host OUTPUT region AS r | table host r",
        &host_events(),
    );
    assert_eq!(col(&r, "r")[..2], ["east", "west"]);
    let r = run_in(
        dir.path(),
        "* | fields - region | lookup hosts.csv host | table host region",
        &host_events(),
    );
    assert_eq!(col(&r, "region"), ["east", "west", ""]);
}

// ---- inputlookup ------------------------------------------------------------------

// Search Reference, inputlookup: `start` (0-based offset), `max`, `where`
// and `append=true` (after the current results).
#[test]
fn inputlookup_start_max_where_append() {
    let dir = rules(HOSTS);
    let r = run_in(dir.path(), "| inputlookup start=1 max=1 hosts.csv", "");
    assert_eq!(col(&r, "host"), ["h2"]);
    let r = run_in(
        dir.path(),
        "| inputlookup hosts.csv where region=\"west\"",
        "",
    );
    assert_eq!(col(&r, "host"), ["h2"]);
    let r = run_in(
        dir.path(),
        "* | head 1 | table host | inputlookup append=true hosts.csv",
        &host_events(),
    );
    assert_eq!(col(&r, "host"), ["h1", "h1", "h2", "h3"]);
    assert_eq!(col(&r, "region"), ["", "east", "west", "north"]);
}

// ---- outputlookup ----------------------------------------------------------------

// Search Reference, outputlookup: `append=true` adds rows to an existing file;
// `create_empty=false` with no results makes no file; `override_if_empty=false`
// with no results keeps the existing file; `key_field` is accepted.
#[test]
fn outputlookup_append_create_empty_override_if_empty() {
    let dir = rules(&[]);
    let lk = dir.path().join("lookups");
    run_in(
        dir.path(),
        "| makeresults | eval a=1 | fields - _time | outputlookup append=true ap.csv",
        "",
    );
    run_in(
        dir.path(),
        "| makeresults | eval a=2 | fields - _time | outputlookup append=true ap.csv",
        "",
    );
    assert_eq!(
        std::fs::read_to_string(lk.join("ap.csv")).unwrap(),
        "a\n1\n2\n"
    );
    run_in(
        dir.path(),
        "| makeresults | where false() | outputlookup override_if_empty=false ap.csv",
        "",
    );
    assert!(lk.join("ap.csv").exists());
    run_in(
        dir.path(),
        "| makeresults | where false() | outputlookup create_empty=false none.csv",
        "",
    );
    assert!(!lk.join("none.csv").exists());
    let r = run_in(
        dir.path(),
        "| makeresults | eval k=1 | outputlookup key_field=k kf.csv | table k",
        "",
    );
    assert_eq!(col(&r, "k"), ["1"]);
}

// ---- join ----------------------------------------------------------------------

fn join_events() -> String {
    crate::common::in_order(&[
        json!({"id": "1", "v": "a"}),
        json!({"id": "2", "v": "b"}),
        json!({"id": "1", "v": "c"}),
    ])
}

// Search Reference, join: `type=left` (and its synonym `outer`) keeps the
// main results without a match; `max=0` joins every matching subsearch
// result; `overwrite=false` keeps the main result's values.
#[test]
fn join_type_max_overwrite() {
    let input = join_events();
    for t in ["left", "outer"] {
        let r = run_spl(
            &format!("* | join type={t} id [search v=c | eval w=v | fields id w] | table id w"),
            &input,
        );
        assert_eq!(col(&r, "w"), ["c", "", "c"], "{t}");
    }
    let r = run_spl(
        "* | join type=inner id [search v=c | eval w=v | fields id w] | table id",
        &input,
    );
    assert_eq!(col(&r, "id"), ["1", "1"]);
    let r = run_spl(
        "* | join max=0 id [search * | eval w=v | fields id w] | table v w",
        &input,
    );
    assert_eq!(col(&r, "v"), ["a", "a", "b", "c", "c"]);
    assert_eq!(col(&r, "w"), ["a", "c", "b", "a", "c"]);
    let r = run_spl(
        "* | join overwrite=false id [search v=c | eval v=\"z\" | fields id v] | table v",
        &input,
    );
    assert_eq!(col(&r, "v"), ["a", "c"]);
    let r = run_spl(
        "* | join id [search v=c | eval v=\"z\" | fields id v] | table v",
        &input,
    );
    assert_eq!(col(&r, "v"), ["z", "z"]);
}

// ---- append / appendpipe ------------------------------------------------------------

// Search Reference, append: `maxout` caps the subsearch's results; `maxtime`
// and `extendtimerange` are accepted. appendpipe, Example 1: a subtotal row
// from `stats` over the current results is appended after them.
#[test]
fn append_maxout_and_appendpipe_subtotal() {
    let input = join_events();
    let r = run_spl(
        "* | append maxout=1 [search * | eval s=1] | table v s",
        &input,
    );
    assert_eq!(col(&r, "v"), ["a", "b", "c", "a"]);
    assert_eq!(col(&r, "s"), ["", "", "", "1"]);
    let r = run_spl(
        "* | append extendtimerange=true maxtime=10 [search v=a] | stats count",
        &input,
    );
    assert_eq!(col(&r, "count"), ["4"]);
    let r = run_spl(
        "* | stats count BY id | appendpipe [stats sum(count) AS count | eval id=\"ALL\"]",
        &input,
    );
    assert_eq!(col(&r, "id"), ["1", "2", "ALL"]);
    assert_eq!(col(&r, "count"), ["2", "1", "3"]);
}

// ---- transaction -----------------------------------------------------------------

fn txn_events() -> String {
    timed(&[
        (1101, json!({"host": "b", "msg": "other", "_raw": "other"})),
        (
            1100,
            json!({"host": "a", "msg": "start y", "_raw": "start y"}),
        ),
        (1010, json!({"host": "a", "msg": "end", "_raw": "end"})),
        (1005, json!({"host": "a", "msg": "mid", "_raw": "mid"})),
        (
            1000,
            json!({"host": "a", "msg": "start x", "_raw": "start x"}),
        ),
    ])
}

// Search Reference, transaction: `maxspan`, `maxpause`, `maxevents`; the
// transaction's `duration` and `eventcount`.
#[test]
fn transaction_limits() {
    let input = txn_events();
    for spl in [
        "* | transaction host maxspan=30s",
        "* | transaction host maxpause=60s",
    ] {
        let r = run_spl(&format!("{spl} | table host duration eventcount"), &input);
        assert_eq!(col(&r, "host"), ["b", "a", "a"], "{spl}");
        assert_eq!(col(&r, "eventcount"), ["1", "1", "3"], "{spl}");
        assert_eq!(col(&r, "duration"), ["0", "0", "10"], "{spl}");
    }
    let r = run_spl(
        "* | transaction host maxpause=4s | table eventcount",
        &input,
    );
    assert_eq!(col(&r, "eventcount"), ["1", "1", "1", "1", "1"]);
    let r = run_spl(
        "* | transaction host maxevents=2 | table eventcount",
        &input,
    );
    assert_eq!(col(&r, "eventcount"), ["1", "2", "2"]);
}

// Search Reference, transaction, startswith/endswith: a search string, a
// search in parentheses, or `eval(…)`; keepevicted: "The 'closed_txn' field
// is set to '1' if one of the following conditions is met: maxevents,
// maxpause, maxspan, startswith."
#[test]
fn transaction_starts_ends_and_evicted() {
    let input = txn_events();
    let r = run_spl(
        "* | transaction host startswith=\"start\" endswith=\"end\" | table host eventcount _raw",
        &input,
    );
    assert_eq!(col(&r, "eventcount"), ["3"]);
    assert_eq!(col(&r, "_raw"), ["start x\nmid\nend"]);
    let r = run_spl(
        "* | transaction host endswith=(msg=end) | table eventcount",
        &input,
    );
    assert_eq!(col(&r, "eventcount"), ["3"]);
    let r = run_spl(
        "* | transaction host startswith=eval(msg==\"start x\") | table eventcount",
        &input,
    );
    // No end condition: "start y" opens the transaction that "start x" closes.
    assert_eq!(col(&r, "eventcount"), ["4"]);
    // endswith is not one of the closing conditions: every transaction is 0.
    let r = run_spl(
        "* | transaction host endswith=\"end\" keepevicted=true | table eventcount closed_txn",
        &input,
    );
    assert_eq!(col(&r, "eventcount"), ["1", "1", "3"]);
    assert_eq!(col(&r, "closed_txn"), ["0", "0", "0"]);
    let r = run_spl(
        "* | transaction host maxspan=30s keepevicted=true | table eventcount closed_txn",
        &input,
    );
    assert_eq!(col(&r, "closed_txn"), ["0", "1", "0"]);
}

// Search Reference, transaction, mvlist: "Either a boolean or a list of
// fields": a listed field keeps every value in order, the others their
// distinct values. connected=false: an event may join a transaction without
// sharing a field.
#[test]
fn transaction_mvlist_and_connected() {
    let input = timed(&[
        (1002, json!({"host": "a", "msg": "x"})),
        (1001, json!({"host": "a", "msg": "x"})),
        (1000, json!({"host": "a", "msg": "y"})),
    ]);
    let r = run_spl("* | transaction host mvlist=msg | table host msg", &input);
    assert_eq!(r, [json!({"host": "a", "msg": ["y", "x", "x"]})]);
    let r = run_spl("* | transaction host mvlist=true | table host msg", &input);
    assert_eq!(
        r,
        [json!({"host": ["a", "a", "a"], "msg": ["y", "x", "x"]})]
    );
    let r = run_spl("* | transaction host | table host msg", &input);
    assert_eq!(r, [json!({"host": "a", "msg": ["x", "y"]})]);
    let r = run_spl(
        "* | transaction host connected=false | table eventcount",
        &txn_events(),
    );
    assert_eq!(col(&r, "eventcount"), ["1", "4"]);
}

// ---- spath / fromjson / xmlkv ------------------------------------------------------

fn json_event() -> String {
    let raw = r#"{"a":{"b":[1,2]},"c":"x"}"#;
    crate::common::ndjson(&[
        json!({"_time": 1000, "_raw": raw, "j": raw, "x": "<r><k>v</k><k2>w</k2></r>"}),
    ])
}

// Search Reference, spath: without arguments it extracts every field of
// `_raw`, arrays as `name{}`; `output=` names the result; `path=` (or the
// path alone) picks one; `input=` reads another field; `{N}` picks an
// element (counting from 0 in JSON).
#[test]
fn spath_examples() {
    let input = json_event();
    let r = run_spl("* | spath | table a.b{} c", &input);
    assert_eq!(r, [json!({"a.b{}": ["1", "2"], "c": "x"})]);
    let r = run_spl("* | spath output=o path=a.b{} | table o", &input);
    assert_eq!(r, [json!({"o": ["1", "2"]})]);
    let r = run_spl("* | spath input=j path=c | table c", &input);
    assert_eq!(col(&r, "c"), ["x"]);
    let r = run_spl("* | spath a.b{1} | table a.b{1}", &input);
    assert_eq!(col(&r, "a.b{1}"), ["2"]);
}

// Search Reference, fromjson: top-level keys become fields (objects stay
// JSON text); `prefix=` prefixes their names. xmlkv: `<k>v</k>` becomes k=v.
#[test]
fn fromjson_and_xmlkv() {
    let input = json_event();
    let r = run_spl("* | fromjson j | table c a", &input);
    assert_eq!(r, [json!({"c": "x", "a": "{\"b\":[1,2]}"})]);
    let r = run_spl("* | fromjson j prefix=p_ | table p_c", &input);
    assert_eq!(col(&r, "p_c"), ["x"]);
    let r = run_spl("* | eval _raw=x | xmlkv | table k k2", &input);
    assert_eq!(r, [json!({"k": "v", "k2": "w"})]);
}

// Search Reference, iplocation: without a database spleval adds no location
// fields and warns once (grammar/README.md, "Differences we chose").
#[test]
fn iplocation_without_a_database_adds_nothing() {
    let r = run_spl(
        "| makeresults | eval ip=\"8.8.8.8\" | iplocation ip | fields - _time",
        "",
    );
    assert_eq!(r, [json!({"ip": "8.8.8.8"})]);
}

// ---- rare ------------------------------------------------------------------------

// Search Reference, rare: the least common values first with count and
// percent; `limit` and `by`.
#[test]
fn rare_examples() {
    let input = crate::common::in_order(&[
        json!({"host": "a", "u": "x"}),
        json!({"host": "a", "u": "y"}),
        json!({"host": "b", "u": "x"}),
        json!({"host": "c"}),
        json!({"host": "a", "u": "x"}),
    ]);
    let r = run_spl("* | rare host", &input);
    assert_eq!(col(&r, "host"), ["b", "c", "a"]);
    assert_eq!(col(&r, "count"), ["1", "1", "3"]);
    let r = run_spl("* | rare limit=1 host BY u", &input);
    assert_eq!(col(&r, "u"), ["x", "y"]);
    assert_eq!(col(&r, "host"), ["b", "a"]);
}

// ---- timechart / chart -------------------------------------------------------------

fn chart_events() -> String {
    timed(&[
        (1210, json!({"host": "a", "u": "x", "n": "5"})),
        (1200, json!({"host": "c", "n": "4"})),
        (1100, json!({"host": "b", "u": "x", "n": "3"})),
        (1030, json!({"host": "a", "u": "y", "n": "2"})),
        (1000, json!({"host": "a", "u": "x", "n": "1"})),
    ])
}

// Search Reference, timechart: `span`, `cont=false` (no empty buckets),
// `limit` with `useother`, `usenull`, `bins`, and `<agg> by <split>`.
#[test]
fn timechart_options() {
    let input = chart_events();
    let r = run_spl("* | timechart span=1m count", &input);
    assert_eq!(col(&r, "_time"), ["960", "1020", "1080", "1140", "1200"]);
    assert_eq!(col(&r, "count"), ["1", "1", "1", "0", "2"]);
    let r = run_spl("* | timechart span=1m cont=f count", &input);
    assert_eq!(col(&r, "_time"), ["960", "1020", "1080", "1200"]);
    let r = run_spl("* | timechart span=1m limit=1 count by host", &input);
    assert_eq!(col(&r, "a"), ["1", "1", "0", "0", "1"]);
    assert_eq!(col(&r, "OTHER"), ["0", "0", "1", "0", "1"]);
    let r = run_spl(
        "* | timechart span=1m limit=1 useother=f count by host",
        &input,
    );
    assert!(r.iter().all(|row| row.get("OTHER").is_none()));
    let r = run_spl("* | timechart span=2m count by u", &input);
    assert_eq!(col(&r, "NULL"), ["0", "0", "1"]);
    let r = run_spl("* | timechart span=2m usenull=f count by u", &input);
    assert!(r.iter().all(|row| row.get("NULL").is_none()));
    let r = run_spl("* | timechart bins=2 count", &input);
    assert_eq!(col(&r, "count"), ["3", "2"]);
    let r = run_spl("* | timechart span=5m sum(n) by host", &input);
    assert_eq!(col(&r, "a"), ["3", "5"]);
    assert_eq!(col(&r, "c"), ["", "4"]);
}

// Search Reference, chart: `over … by …` (and `by <row> <column>`), `limit`
// and `useother`.
#[test]
fn chart_over_by_limit_useother() {
    let input = chart_events();
    for spl in [
        "* | where isnotnull(u) | chart count over host by u",
        "* | where isnotnull(u) | chart count by host u",
    ] {
        let r = run_spl(spl, &input);
        assert_eq!(col(&r, "host"), ["a", "b"], "{spl}");
        assert_eq!(col(&r, "x"), ["2", "1"], "{spl}");
        assert_eq!(col(&r, "y"), ["1", "0"], "{spl}");
    }
    let r = run_spl(
        "* | where isnotnull(u) | chart limit=1 count over host by u",
        &input,
    );
    assert_eq!(col(&r, "OTHER"), ["1", "0"]);
    let r = run_spl(
        "* | where isnotnull(u) | chart limit=1 useother=f count over host by u",
        &input,
    );
    assert!(r
        .iter()
        .all(|row| row.get("OTHER").is_none() && row.get("y").is_none()));
}

// ---- foreach / map ------------------------------------------------------------------

// Search Reference, foreach: `<<FIELD>>`, `<<MATCHSTR>>`, `mode=multifield`,
// `mode=multivalue` with `<<ITEM>>`, and `fieldstr`/`matchstr` replacing the
// default tokens.
#[test]
fn foreach_examples() {
    let input = crate::common::in_order(&[json!({"test1": "1", "test2": "2", "mv": "p,q"})]);
    let r = run_spl(
        "* | foreach test* [eval <<FIELD>>=<<FIELD>>*10] | table test1 test2",
        &input,
    );
    assert_eq!(r, [json!({"test1": 10, "test2": 20})]);
    let r = run_spl(
        "* | foreach test* [eval new_<<MATCHSTR>>=<<FIELD>>] | table new_1 new_2",
        &input,
    );
    assert_eq!(r, [json!({"new_1": "1", "new_2": "2"})]);
    let r = run_spl(
        "* | eval s=0 | foreach mode=multifield test1 test2 [eval s=s+<<FIELD>>] | table s",
        &input,
    );
    assert_eq!(col(&r, "s"), ["3"]);
    // The page's multivalue example sums the values; the substitution is
    // textual, so a text item needs quotes around `<<ITEM>>`.
    let r = run_spl(
        "| makeresults | eval mvfield=mvappend(\"1\", \"2\", \"3\"), total=0 \
         | foreach mode=multivalue mvfield [eval total = total + <<ITEM>>] | table total",
        "",
    );
    assert_eq!(col(&r, "total"), ["6"]);
    let r = run_spl(
        "* | makemv delim=\",\" mv | foreach mode=multivalue mv [eval r=mvappend(r, \"<<ITEM>>!\")] | table r",
        &input,
    );
    assert_eq!(r, [json!({"r": ["p!", "q!"]})]);
    let r = run_spl(
        "* | foreach test* fieldstr=#f# matchstr=#m# [eval z#m#=#f#+1] | table z1 z2",
        &input,
    );
    assert_eq!(r, [json!({"z1": 2, "z2": 3})]);
}

// Search Reference, map: `$field$` takes each result's value; `maxsearches`
// caps how many searches run.
#[test]
fn map_examples() {
    let r = run_spl(
        "| makeresults count=2 | streamstats count AS n | map search=\"| makeresults | eval got=$n$\" | table got",
        "",
    );
    assert_eq!(col(&r, "got"), ["1", "2"]);
    let r = run_spl(
        "| makeresults count=3 | map maxsearches=2 search=\"| makeresults | eval z=1\" | stats count",
        "",
    );
    assert_eq!(col(&r, "count"), ["2"]);
}

// ---- tstats ---------------------------------------------------------------------

// Search Reference, tstats: over the events here, `by _time span=`,
// `summariesonly` (accepted) and `prestats=t` feeding `stats`.
#[test]
fn tstats_examples_over_events() {
    let input = chart_events();
    let r = run_spl("| tstats summariesonly=t count by _time span=1m", &input);
    assert_eq!(col(&r, "_time"), ["960", "1020", "1080", "1200"]);
    assert_eq!(col(&r, "count"), ["1", "1", "1", "2"]);
    let r = run_spl(
        "| tstats prestats=t count by host | stats count by host",
        &input,
    );
    assert_eq!(col(&r, "host"), ["a", "b", "c"]);
    assert_eq!(col(&r, "count"), ["3", "1", "1"]);
}

// ---- makeresults / multikv / nomv / mvcombine ---------------------------------------------

// Search Reference, makeresults: `count`; `annotate=true` adds
// splunk_server (the other annotated fields have no value).
#[test]
fn makeresults_count_and_annotate() {
    let r = run_spl("| makeresults count=3", "");
    assert_eq!(col(&r, "_time"), ["1700000000"; 3]);
    let r = run_spl("| makeresults annotate=true | fields - _time", "");
    assert_eq!(r, [json!({"splunk_server": "spleval"})]);
}

// Search Reference, makeresults, Examples "Create results from CSV data"
// and "…from JSON data": one result per row, each with `_time`; spaces
// around CSV cells and names are trimmed; `count` is ignored.
#[test]
fn makeresults_format_and_data() {
    let r = run_spl(
        "| makeresults count=5 format=csv data=\"name, age\nJohn,35\nSarah,39\"",
        "",
    );
    assert_eq!(
        r,
        [
            json!({"_time": 1700000000, "name": "John", "age": "35"}),
            json!({"_time": 1700000000, "name": "Sarah", "age": "39"}),
        ]
    );
    let r = run_spl(
        r#"| makeresults format=json data="[{\"name\":\"John\", \"age\":35}, {\"name\":\"Sarah\", \"age\":39, \"tags\":[\"a\",\"b\"]}]" | fields - _time"#,
        "",
    );
    assert_eq!(
        r,
        [
            json!({"name": "John", "age": "35"}),
            json!({"name": "Sarah", "age": "39", "tags": ["a", "b"]}),
        ]
    );
}

#[test]
fn makeresults_format_and_data_errors() {
    let (code, err) = fails("| makeresults format=xml data=\"<a/>\"");
    assert_eq!(code, 2);
    insta::assert_snapshot!("makeresults_format_unknown", err);
    let (_, err) = fails("| makeresults data=\"a\n1\"");
    insta::assert_snapshot!("makeresults_data_without_format", err);
    let (_, err) = fails("| makeresults format=json data=\"[1,\"");
    insta::assert_snapshot!("makeresults_data_not_json", err);
}

// Search Reference, multikv: a table in `_raw` becomes one result per row,
// with the header row's names; `fields` keeps only some columns.
#[test]
fn multikv_examples() {
    let input = crate::common::ndjson(&[
        json!({"_time": 1, "_raw": "PID   USER   CMD\n1     root   init\n22    bob    vim"}),
    ]);
    let r = run_spl("* | multikv | table PID USER CMD", &input);
    assert_eq!(col(&r, "USER"), ["root", "bob"]);
    let r = run_spl("* | multikv fields PID CMD | table PID USER CMD", &input);
    assert_eq!(col(&r, "CMD"), ["init", "vim"]);
    assert_eq!(col(&r, "USER"), ["", ""]);
}

// Search Reference, nomv: "Converts values of the specified multivalue
// field into one single value" (newline separated); mvcombine merges results
// differing only in the field.
#[test]
fn nomv_and_mvcombine() {
    let input = crate::common::in_order(&[
        json!({"host": "a", "u": "x"}),
        json!({"host": "a", "u": "y"}),
        json!({"host": "b", "u": "x"}),
    ]);
    let r = run_spl("* | table host u | mvcombine delim=\",\" u", &input);
    assert_eq!(
        r,
        [
            json!({"host": "a", "u": ["x", "y"]}),
            json!({"host": "b", "u": "x"})
        ]
    );
    let r = run_spl("* | stats values(u) AS u BY host | nomv u", &input);
    assert_eq!(col(&r, "u"), ["x\ny", "x"]);
}

// ---- from / join usetime / multikv options ----------------------------------------------

// Search Reference, from: `from inputlookup:<file>` and `from lookup:<name>`
// read the lookup's rows (a later `where` filters them); `savedsearch:` is
// not run offline.
#[test]
fn from_lookup_datasets() {
    let dir = rules(HOSTS);
    let r = run_in(dir.path(), "| from inputlookup:hosts.csv", &host_events());
    assert_eq!(col(&r, "host"), ["h1", "h2", "h3"]);
    let r = run_in(
        dir.path(),
        "| from lookup:hosts.csv | where region=\"west\"",
        "",
    );
    assert_eq!(r, [json!({"host": "h2", "region": "west"})]);
    let (code, _) = fails("| from savedsearch:foo");
    assert_eq!(code, 2);
}

// Search Reference, join, earlier: "If earlier=false, the main search
// results are matched only against later results from the subsearch"
// (with usetime=true).
#[test]
fn join_usetime_earlier() {
    let input = timed(&[
        (1000, json!({"id": "1", "v": "a"})),
        (999, json!({"id": "2", "v": "b"})),
        (998, json!({"id": "1", "v": "c"})),
    ]);
    let r = run_spl(
        "* | join usetime=true earlier=false id [search v=c | eval w=1 | fields _time id w] | table v w",
        &input,
    );
    assert_eq!(col(&r, "v"), ["c"]);
    let r = run_spl(
        "* | join usetime=true earlier=true id [search v=c | eval w=1 | fields _time id w] | table v w",
        &input,
    );
    assert_eq!(col(&r, "v"), ["a", "c"]);
}

// Search Reference, multikv: `noheader=true` names the columns Column_1…;
// `filter` keeps rows holding a term; `forceheader=<n>` takes line n as the
// header; `copyattrs=false` leaves out the original event's fields.
#[test]
fn multikv_options() {
    let input = crate::common::ndjson(&[
        json!({"_time": 1, "host": "h", "_raw": "PID   USER   CMD\n1     root   init\n22    bob    vim"}),
    ]);
    let r = run_spl(
        "* | multikv noheader=true | table Column_1 Column_2",
        &input,
    );
    assert_eq!(col(&r, "Column_1"), ["PID", "1", "22"]);
    let r = run_spl("* | multikv filter bob | table PID", &input);
    assert_eq!(col(&r, "PID"), ["22"]);
    let r = run_spl("* | multikv forceheader=2 | table root", &input);
    assert_eq!(col(&r, "root"), ["bob"]);
    let r = run_spl("* | multikv copyattrs=false | table host PID", &input);
    assert_eq!(col(&r, "host"), ["", ""]);
    let r = run_spl("* | multikv | table host PID", &input);
    assert_eq!(col(&r, "host"), ["h", "h"]);
}
