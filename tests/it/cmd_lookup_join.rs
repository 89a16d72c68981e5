//! lookup, inputlookup, outputlookup, join, append, appendpipe, rest through
//! the binary, with a temporary rules folder holding lookups/.

use crate::common;

use std::path::Path;

use crate::common::{col, rows, rules_with_lookups as rules, spleval};
use serde_json::Value;
use spleval::content::lookups::{Lookups, TableSource};

fn run(dir: &Path, spl: &str, events: &str) -> std::process::Output {
    spleval()
        .args([
            "run",
            "--write-lookups",
            "--now",
            "1700000000",
            "--format",
            "json",
            "--rules",
        ])
        .arg(dir)
        .args(["--spl", spl])
        .write_stdin(events.to_string())
        .output()
        .expect("runs")
}

fn ok(dir: &Path, spl: &str, events: &str) -> Vec<Value> {
    let out = run(dir, spl, events);
    assert!(
        out.status.success(),
        "spleval failed for {spl:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    rows(&out.stdout)
}

/// Runs a search that must fail with exit code 2; returns stderr.
fn fails(dir: &Path, spl: &str) -> String {
    let out = run(dir, spl, "");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected exit 2 for {spl:?}; stderr: {err}"
    );
    err
}

const USERTOGROUP: &[(&str, &str)] = &[
    (
        "usertogroup.yml",
        "name: usertogroup\nfilename: usertogroup.csv\ndescription: users and groups\n",
    ),
    (
        "usertogroup.csv",
        "user,group,dept\nalice,admins,IT\nBob,users,Sales\nalice,devs,IT\n",
    ),
];

#[test]
fn lookup_output_as_renames_and_collects_every_match() {
    // Splunk's doc example: lookup usertogroup user as local_user OUTPUT group as user_group
    let d = rules(USERTOGROUP);
    let r = ok(
        d.path(),
        "| lookup usertogroup user as local_user OUTPUT group as user_group | table local_user user_group",
        "{\"local_user\":\"alice\"}\n{\"local_user\":\"Bob\"}\n{\"local_user\":\"carol\"}\n",
    );
    assert_eq!(r.len(), 3);
    assert_eq!(r[0]["user_group"], serde_json::json!(["admins", "devs"]));
    assert_eq!(r[1]["user_group"], "users");
    assert!(
        r[2].get("user_group").is_none(),
        "no match, no field: {}",
        r[2]
    );
}

#[test]
fn lookup_without_output_clause_outputs_every_other_field() {
    let d = rules(USERTOGROUP);
    let r = ok(
        d.path(),
        "| lookup usertogroup user | table user group dept",
        "{\"user\":\"Bob\"}\n",
    );
    assert_eq!(col(&r, "group"), ["users"]);
    assert_eq!(col(&r, "dept"), ["Sales"]);
}

#[test]
fn output_overwrites_and_outputnew_only_fills_missing_fields() {
    let d = rules(USERTOGROUP);
    let ev = "{\"user\":\"Bob\",\"group\":\"old\"}\n{\"user\":\"zed\",\"group\":\"old\"}\n";
    let r = ok(
        d.path(),
        "| lookup usertogroup user OUTPUT group | table user group",
        ev,
    );
    // OUTPUT replaces the value, and clears it when nothing matches.
    assert_eq!(col(&r, "group"), ["users", ""]);
    let r = ok(
        d.path(),
        "| lookup usertogroup user OUTPUTNEW group, dept | table user group dept",
        ev,
    );
    assert_eq!(col(&r, "group"), ["old", "old"]);
    assert_eq!(col(&r, "dept"), ["Sales", ""]);
}

#[test]
fn case_sensitivity_follows_the_definition() {
    let mut files = USERTOGROUP.to_vec();
    files.push((
        "ci_users.yml",
        "name: ci_users\nfilename: usertogroup.csv\ncase_sensitive_match: 'false'\n",
    ));
    let d = rules(&files);
    let ev = "{\"user\":\"BOB\"}\n";
    // Splunk's default: case-sensitive. Named by file, the defaults apply.
    let r = ok(d.path(), "| lookup usertogroup user OUTPUT group", ev);
    assert_eq!(col(&r, "group"), [""]);
    let r = ok(d.path(), "| lookup usertogroup.csv user OUTPUT group", ev);
    assert_eq!(col(&r, "group"), [""]);
    let r = ok(d.path(), "| lookup ci_users user OUTPUT group", ev);
    assert_eq!(col(&r, "group"), ["users"]);
}

#[test]
fn wildcard_lookup_with_max_matches_and_default_match() {
    let d = rules(&[
        (
            "tools.yml",
            "name: tools\nfilename: tools.csv\nmatch_type: WILDCARD(process)\ncase_sensitive_match: 'false'\nmax_matches: 1\nmin_matches: 1\ndefault_match: 'false'\n",
        ),
        (
            "tools.csv",
            "process,is_tool,note\n*\\mimikatz.exe,true,creds\n*\\psexec*.exe,true,lateral\n*\\cmd.exe,maybe,\n*.exe,generic,any exe\n",
        ),
    ]);
    let r = ok(
        d.path(),
        "| lookup tools process AS p OUTPUT is_tool note | table p is_tool note",
        concat!(
            "{\"p\":\"C:\\\\Temp\\\\MIMIKATZ.EXE\"}\n",
            "{\"p\":\"C:\\\\x\\\\PsExec64.exe\"}\n",
            "{\"p\":\"C:\\\\Windows\\\\cmd.exe\"}\n",
            "{\"p\":\"notes.txt\"}\n",
        ),
    );
    // First match in file order only (max_matches: 1).
    assert_eq!(col(&r, "is_tool"), ["true", "true", "maybe", "false"]);
    // An empty cell in a matching row stays empty; no match gets default_match.
    assert_eq!(col(&r, "note"), ["creds", "lateral", "", "false"]);
}

#[test]
fn cidr_lookup_prefers_the_most_specific_subnet() {
    let d = rules(&[
        (
            "zones.yml",
            "name: zones\nfilename: zones.csv\nmatch_type: CIDR(net)\nmax_matches: 1\n",
        ),
        (
            "zones.csv",
            "net,zone\n10.0.0.0/8,corp\n10.20.0.0/16,lab\n2001:db8::/32,v6\n",
        ),
    ]);
    let r = ok(
        d.path(),
        "| lookup zones net AS ip OUTPUT zone | table ip zone",
        "{\"ip\":\"10.20.3.4\"}\n{\"ip\":\"10.1.1.1\"}\n{\"ip\":\"2001:db8::5\"}\n{\"ip\":\"192.168.1.1\"}\n",
    );
    assert_eq!(col(&r, "zone"), ["lab", "corp", "v6", ""]);
}

#[test]
fn multivalue_inputs_are_each_looked_up() {
    let d = rules(USERTOGROUP);
    let r = ok(
        d.path(),
        "| lookup usertogroup user AS users{} OUTPUT dept | table dept",
        "{\"users\":[\"Bob\",\"nobody\",\"alice\"]}\n",
    );
    assert_eq!(r[0]["dept"], serde_json::json!(["Sales", "IT", "IT"]));
}

#[test]
fn event_without_the_match_field_is_left_alone() {
    let d = rules(USERTOGROUP);
    let r = ok(
        d.path(),
        "| lookup usertogroup user OUTPUT group | table x group",
        "{\"x\":\"1\",\"group\":\"kept\"}\n",
    );
    assert_eq!(col(&r, "group"), ["kept"]);
}

#[test]
fn multi_field_lookup_matches_all_fields() {
    let d = rules(USERTOGROUP);
    let r = ok(
        d.path(),
        "| lookup usertogroup user, group AS g OUTPUT dept | table user g dept",
        "{\"user\":\"alice\",\"g\":\"devs\"}\n{\"user\":\"alice\",\"g\":\"users\"}\n",
    );
    assert_eq!(col(&r, "dept"), ["IT", ""]);
}

#[test]
fn lookup_errors_name_the_problem() {
    let d = rules(USERTOGROUP);
    let e = fails(
        d.path(),
        "| makeresults | lookup usertogroup login OUTPUT group",
    );
    assert!(e.contains("no field \"login\""), "{e}");
    let e = fails(
        d.path(),
        "| makeresults | lookup usertogroup user OUTPUT missing",
    );
    assert!(e.contains("no field \"missing\" to output"), "{e}");
    let e = fails(d.path(), "| makeresults | lookup nosuch user");
    assert!(e.contains("no lookup named \"nosuch\""), "{e}");
    let e = fails(d.path(), "| makeresults | lookup bogus=1 usertogroup user");
    assert!(e.contains("unknown lookup option 'bogus'"), "{e}");
    let e = fails(d.path(), "| makeresults | lookup usertogroup");
    assert!(e.contains("at least one field"), "{e}");
}

#[test]
fn lookup_files_outside_the_folder_are_refused() {
    let d = rules(&[
        ("escape.yml", "name: escape\nfilename: ../secret.csv\n"),
        ("abs.yml", "name: abs\nfilename: /etc/passwd\n"),
    ]);
    std::fs::write(d.path().join("secret.csv"), "user,pw\nalice,hunter2\n").unwrap();
    for spl in [
        "| makeresults | lookup ../secret.csv user",
        "| makeresults | lookup escape user",
        "| makeresults | lookup abs user",
        "| inputlookup ../secret.csv",
        "| inputlookup sub/../../secret.csv",
        "| makeresults | outputlookup ../written.csv",
        "| makeresults | outputlookup /tmp/spleval_written.csv",
    ] {
        let e = fails(d.path(), spl);
        assert!(e.contains("outside the lookups folder"), "{spl}: {e}");
        assert!(!e.contains("hunter2"));
    }
    assert!(!d.path().join("written.csv").exists());
}

#[test]
fn kv_store_collection_without_data_is_empty_with_one_warning() {
    let kv = (
        "seen.yml",
        "name: seen\ncollection: seen_coll\nfields_list: _key, user, firstTimeSeen\n",
    );
    let d = rules(&[kv]);
    let out = run(
        d.path(),
        "| inputlookup seen | append [| inputlookup seen] | append [| makeresults | eval user=\"a\" | lookup seen user OUTPUT firstTimeSeen]",
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("warning:").count(), 1, "one warning: {err}");
    assert!(err.contains("KV store collection \"seen_coll\""), "{err}");
    let r = rows(&out.stdout);
    assert_eq!(r.len(), 1);
    assert!(r[0].get("firstTimeSeen").is_none());

    // With <collection>.json present, its rows are the collection.
    let d = rules(&[
        kv,
        (
            "seen_coll.json",
            "[{\"_key\":\"1\",\"user\":\"a\",\"firstTimeSeen\":1690000000}]",
        ),
    ]);
    let out = run(
        d.path(),
        "| makeresults | eval user=\"a\" | lookup seen user OUTPUT firstTimeSeen",
        "",
    );
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
    assert_eq!(col(&rows(&out.stdout), "firstTimeSeen"), ["1690000000"]);
}

#[test]
fn inputlookup_generates_filters_and_appends() {
    let d = rules(USERTOGROUP);
    let r = ok(d.path(), "| inputlookup usertogroup", "");
    assert_eq!(col(&r, "user"), ["alice", "Bob", "alice"]);
    assert_eq!(col(&r, "group"), ["admins", "users", "devs"]);
    // Doc example shape: inputlookup … where <search>
    let r = ok(
        d.path(),
        "| inputlookup usertogroup.csv where group=dev* OR dept=sales",
        "",
    );
    assert_eq!(col(&r, "group"), ["users", "devs"]);
    let r = ok(d.path(), "| inputlookup start=1 max=1 usertogroup", "");
    assert_eq!(col(&r, "user"), ["Bob"]);
    let r = ok(
        d.path(),
        "| makeresults | eval user=\"first\" | inputlookup append=t usertogroup | table user",
        "",
    );
    assert_eq!(col(&r, "user"), ["first", "alice", "Bob", "alice"]);
    let e = fails(d.path(), "| makeresults | inputlookup usertogroup");
    assert!(e.contains("must be the first command"), "{e}");
}

#[test]
fn subsearch_may_start_with_inputlookup() {
    let d = rules(USERTOGROUP);
    let r = ok(
        d.path(),
        "n=* [inputlookup usertogroup | fields user] | table user n",
        "{\"user\":\"alice\",\"n\":1}\n{\"user\":\"zed\",\"n\":2}\n{\"user\":\"BOB\",\"n\":3}\n",
    );
    // The subsearch becomes (user="alice") OR (user="Bob") …, case-insensitive as search is.
    assert_eq!(col(&r, "user"), ["alice", "BOB"]);
    let r = ok(
        d.path(),
        "n=* NOT [| inputlookup usertogroup | fields user] | table user",
        "{\"user\":\"alice\",\"n\":1}\n{\"user\":\"zed\",\"n\":2}\n",
    );
    assert_eq!(col(&r, "user"), ["zed"]);
}

#[test]
fn outputlookup_writes_only_when_allowed() {
    let d = rules(&[("seen.yml", "name: seen\nfilename: seen.csv\n")]);
    std::fs::write(d.path().join("lookups/seen.csv"), "user\nkept\n").unwrap();
    for spl in [
        "| makeresults | eval user=\"new\" | outputlookup seen",
        "| makeresults | where 1=2 | outputlookup seen",
    ] {
        let out = spleval()
            .args(["run", "--format", "json", "--rules"])
            .arg(d.path())
            .args(["--spl", spl])
            .output()
            .unwrap();
        assert!(out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("not written to") && err.contains("--write-lookups"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(d.path().join("lookups/seen.csv")).unwrap(),
            "user\nkept\n",
            "{spl}: the rules' lookup is untouched"
        );
    }
}

#[test]
fn outputlookup_writes_the_csv_and_passes_results_on() {
    let d = rules(&[
        ("seen.yml", "name: seen\nfilename: seen.csv\n"),
        ("kv.yml", "name: kv\ncollection: kvc\n"),
    ]);
    let ev = "{\"user\":\"a\",\"n\":1}\n{\"user\":\"b\",\"tags\":[\"x\",\"y\"]}\n";
    let r = ok(
        d.path(),
        "user=* | table user n tags{} | outputlookup seen",
        ev,
    );
    assert_eq!(r.len(), 2, "results pass through");
    let text = std::fs::read_to_string(d.path().join("lookups/seen.csv")).unwrap();
    // outputlookup, Usage "Multivalued fields": a static table gets the
    // values "merged into single space-delimited value".
    assert_eq!(text, "user,n,tags{}\na,1,\nb,,x y\n");
    // It reads back, and append=t adds rows in the file's columns only
    // (Usage "Append results": "Field C is lost because it does not already
    // exist in the CSV file").
    ok(
        d.path(),
        "| makeresults | eval user=\"c\", extra=\"e\" | fields - _time | outputlookup append=t seen.csv",
        "",
    );
    let r = ok(d.path(), "| inputlookup seen", "");
    assert_eq!(col(&r, "user"), ["a", "b", "c"]);
    assert_eq!(col(&r, "extra"), ["", "", ""]);
    let text = std::fs::read_to_string(d.path().join("lookups/seen.csv")).unwrap();
    assert_eq!(text.lines().next(), Some("user,n,tags{}"));
    // A KV store collection is written as <collection>.csv.
    ok(
        d.path(),
        "| makeresults | eval k=1 | fields - _time | outputlookup kv",
        "",
    );
    assert!(d.path().join("lookups/kvc.csv").is_file());
    // No results: the file goes, unless override_if_empty=f or create_empty=t.
    ok(
        d.path(),
        "| inputlookup seen | where user=\"nobody\" | outputlookup override_if_empty=f seen",
        "",
    );
    assert!(d.path().join("lookups/seen.csv").is_file());
    ok(
        d.path(),
        "| inputlookup seen | where user=\"nobody\" | outputlookup create_empty=t seen",
        "",
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join("lookups/seen.csv")).unwrap(),
        ""
    );
    ok(
        d.path(),
        "| makeresults | where 1=2 | outputlookup seen",
        "",
    );
    assert!(!d.path().join("lookups/seen.csv").exists());
    let e = fails(d.path(), "| makeresults | outputlookup nodef");
    assert!(e.contains("no lookup definition named \"nodef\""), "{e}");
}

const MAIN: &str = concat!(
    "{\"_time\":100,\"product_id\":\"p1\",\"qty\":1}\n",
    "{\"_time\":90,\"product_id\":\"p2\",\"qty\":2}\n",
    "{\"_time\":80,\"product_id\":\"p9\",\"qty\":3}\n",
    "{\"_time\":70,\"qty\":4}\n",
    "{\"_time\":50,\"vendor\":\"v1\",\"pid\":\"p1\",\"vendor_name\":\"Acme\"}\n",
    "{\"_time\":40,\"vendor\":\"v2\",\"pid\":\"p2\",\"vendor_name\":\"Bolt\"}\n",
    "{\"_time\":30,\"vendor\":\"v3\",\"pid\":\"p1\",\"vendor_name\":\"Cogs\"}\n",
);

#[test]
fn join_inner_and_left() {
    let d = rules(&[]);
    // Doc example: … | join product_id [search vendors | rename pid AS product_id]
    let r = ok(
        d.path(),
        "qty=* | join product_id [search vendor=* | rename pid AS product_id] | table product_id qty vendor_name",
        MAIN,
    );
    assert_eq!(col(&r, "product_id"), ["p1", "p2"]);
    assert_eq!(
        col(&r, "vendor_name"),
        ["Acme", "Bolt"],
        "max=1: first subsearch match"
    );
    let r = ok(
        d.path(),
        "qty=* | join type=left product_id [search vendor=* | rename pid AS product_id] | table product_id qty vendor_name",
        MAIN,
    );
    assert_eq!(col(&r, "qty"), ["1", "2", "3", "4"]);
    assert_eq!(col(&r, "vendor_name"), ["Acme", "Bolt", "", ""]);
    let r = ok(
        d.path(),
        "qty=* | join type=outer max=0 product_id [search vendor=* | rename pid AS product_id] | table product_id vendor_name",
        MAIN,
    );
    assert_eq!(col(&r, "vendor_name"), ["Acme", "Cogs", "Bolt", "", ""]);
}

#[test]
fn join_overwrite_usetime_and_common_fields() {
    let d = rules(&[]);
    let ev = concat!(
        "{\"_time\":100,\"k\":\"a\",\"v\":\"main\"}\n",
        "{\"_time\":10,\"k\":\"b\",\"v\":\"main\"}\n",
        "{\"_time\":50,\"sk\":\"a\",\"v\":\"sub\",\"w\":\"x\"}\n",
        "{\"_time\":50,\"sk\":\"b\",\"v\":\"sub\",\"w\":\"y\"}\n",
    );
    let sub = "[search sk=* | eval k=sk | fields - sk]";
    let r = ok(d.path(), &format!("k=* | join k {sub} | table k v w"), ev);
    assert_eq!(col(&r, "v"), ["sub", "sub"]);
    let r = ok(
        d.path(),
        &format!("k=* | join overwrite=false k {sub} | table k v w"),
        ev,
    );
    assert_eq!(col(&r, "v"), ["main", "main"]);
    assert_eq!(col(&r, "w"), ["x", "y"]);
    // usetime: only subsearch results earlier than the result (later with earlier=f).
    let r = ok(
        d.path(),
        &format!("k=* | join usetime=t k {sub} | table k w"),
        ev,
    );
    assert_eq!(col(&r, "k"), ["a"]);
    let r = ok(
        d.path(),
        &format!("k=* | join usetime=t earlier=f k {sub} | table k w"),
        ev,
    );
    assert_eq!(col(&r, "k"), ["b"]);
    // No fields: the common ones (k, v).
    let r = ok(
        d.path(),
        "k=* | table k v | join [search sk=* | eval k=sk, v=\"main\" | table k v w]",
        ev,
    );
    assert_eq!(col(&r, "w"), ["x", "y"]);
    // Options written after a field (corpus style: join user type=outer [...]).
    let r = ok(
        d.path(),
        "k=* | join k type=outer [search nothing=1] | table k",
        ev,
    );
    assert_eq!(col(&r, "k"), ["a", "b"]);
    let e = fails(d.path(), "| makeresults | join type=cross k [search x]");
    assert!(e.contains("inner, left or outer"), "{e}");
}

#[test]
fn append_adds_subsearch_results_after() {
    let d = rules(&[]);
    // Doc example shape: … | stats count by … | append [search … | stats …]
    let r = ok(
        d.path(),
        "qty=* | stats count by product_id | append [search vendor=* | stats count as vendors by vendor_name]",
        MAIN,
    );
    assert_eq!(col(&r, "product_id"), ["p1", "p2", "p9", "", "", ""]);
    assert_eq!(col(&r, "vendor_name"), ["", "", "", "Acme", "Bolt", "Cogs"]);
    let r = ok(
        d.path(),
        "qty=* | append maxout=1 [search vendor=*] | table qty vendor",
        MAIN,
    );
    assert_eq!(col(&r, "vendor"), ["", "", "", "", "v1"]);
}

#[test]
fn appendpipe_runs_over_the_current_results() {
    let d = rules(&[]);
    // Doc example: … | stats count by action user | appendpipe [stats sum(count) as count by action]
    let ev = concat!(
        "{\"action\":\"login\",\"user\":\"a\"}\n",
        "{\"action\":\"login\",\"user\":\"b\"}\n",
        "{\"action\":\"login\",\"user\":\"a\"}\n",
        "{\"action\":\"logout\",\"user\":\"a\"}\n",
    );
    let r = ok(
        d.path(),
        "action=* | stats count by action user | appendpipe [stats sum(count) as count by action] | table action user count",
        ev,
    );
    assert_eq!(
        col(&r, "action"),
        ["login", "login", "logout", "login", "logout"]
    );
    assert_eq!(col(&r, "user"), ["a", "b", "a", "", ""]);
    assert_eq!(col(&r, "count"), ["2", "1", "1", "3", "1"]);
    // With a leading pipe and a filter: the subpipeline sees results, not input.
    let r = ok(
        d.path(),
        "action=* | stats count by user | appendpipe [| where count > 2 | eval user=\"busy:\".user]",
        ev,
    );
    assert_eq!(col(&r, "user"), ["a", "b", "busy:a"]);
}

#[test]
fn rest_parses_but_needs_a_server() {
    let out = spleval()
        .args([
            "parse",
            "--spl",
            "| rest /services/server/info splunk_server=local count=0 | table version",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "| rest /services/server/info splunk_server=local count=0 | table version"
    );
    let d = rules(&[]);
    let e = fails(d.path(), "| rest /services/server/info");
    assert!(e.contains("rest needs a Splunk server"), "{e}");
    let e = fails(d.path(), "| rest /services/x count=lots");
    assert!(e.contains("count must be a whole number"), "{e}");
}

#[test]
fn unknown_options_point_at_the_option() {
    let d = rules(USERTOGROUP);
    for (spl, needle) in [
        (
            "| inputlookup apend=t usertogroup",
            "unknown inputlookup option 'apend'",
        ),
        (
            "| makeresults | outputlookup bogus=t x.csv",
            "unknown outputlookup option 'bogus'",
        ),
        (
            "| makeresults | join foo=1 k [search x]",
            "unknown join option 'foo'",
        ),
        (
            "| makeresults | append max=3 [search x]",
            "unknown append option 'max'",
        ),
        (
            "| makeresults | appendpipe preview=t [stats count]",
            "unknown appendpipe option 'preview'",
        ),
        ("| makeresults | append [search x", "expected ']'"),
    ] {
        let e = fails(d.path(), spl);
        assert!(e.contains(needle), "{spl}: {e}");
    }
    // The caret sits under the option.
    let e = fails(d.path(), "| inputlookup apend=t usertogroup");
    assert!(e.contains("───┬───"), "{e}");
}

#[test]
fn corpus_lookup_runs_with_real_values() {
    let Some(shared) = common::shared() else {
        return;
    };
    let sc = shared.join("security_content");
    let out = spleval()
        .args(["run", "--format", "json", "--rules"])
        .arg(&sc)
        .args([
            "--spl",
            "process_name=* | lookup remote_access_software remote_utility AS process_name OUTPUT isutility, description as signature, category | table process_name isutility signature category",
        ])
        .write_stdin("{\"process_name\":\"rpcnet.exe\"}\n{\"process_name\":\"notepad.exe\"}\n")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = rows(&out.stdout);
    assert_eq!(
        col(&r, "isutility"),
        ["TRUE", "false"],
        "default_match 'false' fills in"
    );
    assert_eq!(col(&r, "signature")[0], "Absolute (Computrace)");
    // The dynamic DNS list: 90,000 wildcard rows with spaces after the commas.
    let out = spleval()
        .args(["run", "--format", "json", "--rules"])
        .arg(&sc)
        .args([
            "--spl",
            "query=* | lookup dynamic_dns_providers_default dynamic_dns_domains as query OUTPUTNEW isDynDNS_default | table query isDynDNS_default",
        ])
        .write_stdin("{\"query\":\"abc.3d-game.com\"}\n{\"query\":\"example.org\"}\n")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(col(&rows(&out.stdout), "isDynDNS_default"), ["True", ""]);
}
#[test]
fn every_shipped_lookup_definition_and_csv_loads() {
    let Some(shared) = common::shared() else {
        return;
    };
    let dir = shared.join("security_content").join("lookups");
    let lk = Lookups::load_dir(&dir).expect("lookups folder reads");
    assert!(
        lk.broken.is_empty(),
        "malformed definitions: {:?}",
        lk.broken
    );
    let ymls = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "yml"))
        })
        .count();
    assert_eq!(lk.defs.len(), ymls, "one definition per YAML file");
    let (mut csv, mut kv, mut models) = (0, 0, 0);
    let mut missing: Vec<String> = Vec::new();
    for (name, def) in &lk.defs {
        match &def.source {
            TableSource::File(f) if !f.ends_with(".csv") => {
                // Pre-trained MLTK models (.mlmodel) are not shipped in the corpus.
                assert!(f.ends_with(".mlmodel"), "{name}: unexpected file {f}");
                models += 1;
            }
            TableSource::File(f) if !dir.join(f).exists() => {
                // Some definitions name a file a baseline search writes
                // (outputlookup) and the corpus does not ship: using the
                // lookup is a clear error naming the file, never an empty table.
                let e = lk
                    .resolve(name)
                    .map(|_| ())
                    .expect_err("a missing file is an error");
                assert!(
                    e.msg.contains(f.as_str()) && e.msg.contains("does not exist"),
                    "{name}: {}",
                    e.msg
                );
                missing.push(f.clone());
            }
            TableSource::File(f) => {
                let r = lk
                    .resolve(name)
                    .unwrap_or_else(|e| panic!("{name} ({f}) does not load: {}", e.msg));
                assert!(!r.table.fields.is_empty(), "{name}: {f} has no header");
                // (A match_type naming a field the table lacks, as applockereventcodes
                // does, is ignored, as in Splunk.)
                assert!(r
                    .table
                    .rows
                    .iter()
                    .all(|row| row.len() == r.table.fields.len()));
                csv += 1;
            }
            TableSource::Collection(_) => {
                let r = lk.resolve(name).expect("an absent collection is empty");
                assert!(r.table.rows.is_empty());
                kv += 1;
            }
        }
    }
    eprintln!(
        "{csv} CSV lookups, {kv} KV store collections, {models} ML models skipped, \
         files not shipped: {missing:?}"
    );
    assert!(
        missing.len() <= 10,
        "most CSV files are shipped: {missing:?}"
    );
    assert!(csv >= 40, "expected the shipped CSV lookups, got {csv}");
}
