//! The extraction commands through the binary: rex, regex, spath, xmlkv,
//! fromjson, extract/kv, multikv, replace, fillnull, makemv, mvexpand,
//! mvcombine, nomv, foreach, addtotals, bin/bucket, iplocation. Many cases
//! are the Splunk Search Reference examples.

use crate::common;

use crate::common::{col, run_spl, spleval};
use serde_json::{json, Value as J};

/// NDJSON from JSON values.
fn nd(rows: &[J]) -> String {
    rows.iter().map(|r| r.to_string() + "\n").collect()
}

/// One event per `_raw` text, with times newest first in input order.
fn raws(texts: &[&str]) -> String {
    let n = texts.len() as i64;
    nd(&texts
        .iter()
        .enumerate()
        .map(|(i, t)| json!({"_time": 1_700_000_000 + (n - i as i64), "_raw": t}))
        .collect::<Vec<_>>())
}

/// Runs and expects a failure; returns stderr.
fn run_err(spl: &str, events: &str) -> String {
    let out = spleval()
        .args([
            "run",
            "--now",
            "1700000000",
            "--format",
            "json",
            "--spl",
            spl,
        ])
        .write_stdin(events.to_string())
        .output()
        .expect("runs");
    assert!(!out.status.success(), "expected {spl:?} to fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn mv(rows: &[J], field: &str) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| match r.get(field) {
            None | Some(J::Null) => vec![],
            Some(J::Array(a)) => a
                .iter()
                .map(|x| x.as_str().map(String::from).unwrap_or(x.to_string()))
                .collect(),
            Some(J::String(s)) => vec![s.clone()],
            Some(v) => vec![v.to_string()],
        })
        .collect()
}

// ---------------------------------------------------------------- rex

#[test]
fn rex_doc_example_from_and_to() {
    let ev = raws(&[
        "Date: today From: <alice@example.com> To: <bob@example.com> Subject: hi",
        "no addresses here",
    ]);
    let r = run_spl(
        r#"* | rex field=_raw "From: <(?<from>.*)> To: <(?<to>.*)>" | table from to"#,
        &ev,
    );
    assert_eq!(col(&r, "from"), vec!["alice@example.com", ""]);
    assert_eq!(col(&r, "to"), vec!["bob@example.com", ""]);
}

#[test]
fn rex_doc_example_savedsearch_id_and_default_field() {
    let ev = raws(&["admin;search;Errors_Last_Hour"]);
    let r = run_spl(
        r#"* | rex "(?<user>\w+);(?<app>\w+);(?<SavedSearchName>\w+)" | table user app SavedSearchName"#,
        &ev,
    );
    assert_eq!(col(&r, "user"), vec!["admin"]);
    assert_eq!(col(&r, "app"), vec!["search"]);
    assert_eq!(col(&r, "SavedSearchName"), vec!["Errors_Last_Hour"]);
}

#[test]
fn rex_escaped_class_and_p_groups() {
    let ev = nd(&[json!({"_time": 1, "clientip": "192.168.1.20"})]);
    let r = run_spl(
        r#"* | rex field=clientip "(?<ipclass>\\d+)" | rex field=clientip "\.(?P<last>\d+)$" | table ipclass last"#,
        &ev,
    );
    assert_eq!(col(&r, "ipclass"), vec!["192"]);
    assert_eq!(col(&r, "last"), vec!["20"]);
}

#[test]
fn rex_max_match_makes_multivalue() {
    let ev = raws(&["ips 10.0.0.1 10.0.0.2 10.0.0.3"]);
    let all = run_spl(
        r#"* | rex max_match=0 "(?<ip>\d+\.\d+\.\d+\.\d+)" | table ip"#,
        &ev,
    );
    assert_eq!(
        mv(&all, "ip"),
        vec![vec!["10.0.0.1", "10.0.0.2", "10.0.0.3"]]
    );
    let two = run_spl(
        r#"* | rex max_match=2 "(?<ip>\d+\.\d+\.\d+\.\d+)" | table ip"#,
        &ev,
    );
    assert_eq!(mv(&two, "ip"), vec![vec!["10.0.0.1", "10.0.0.2"]]);
    let one = run_spl(r#"* | rex "(?<ip>\d+\.\d+\.\d+\.\d+)" | table ip"#, &ev);
    assert_eq!(col(&one, "ip"), vec!["10.0.0.1"]);
}

#[test]
fn rex_no_match_keeps_existing_field() {
    let ev = nd(&[json!({"_time": 1, "user": "keep", "_raw": "nothing"})]);
    let r = run_spl(r#"* | rex "user=(?<user>\w+)" | table user"#, &ev);
    assert_eq!(col(&r, "user"), vec!["keep"]);
}

#[test]
fn rex_offset_field() {
    let ev = raws(&["abcdefghijklmnop"]);
    let r = run_spl(
        r#"* | rex "(?<tenchars>.{10})" offset_field=off | table tenchars off"#,
        &ev,
    );
    assert_eq!(col(&r, "tenchars"), vec!["abcdefghij"]);
    assert_eq!(col(&r, "off"), vec!["tenchars=0-9"]);
}

#[test]
fn rex_sed_doc_example_masks_card_numbers() {
    let ev = nd(&[json!({"_time": 1, "ccnumber": "1234-5678-9012-3456"})]);
    let r = run_spl(
        r#"* | rex field=ccnumber mode=sed "s/(\\d{4}-){3}/XXXX-XXXX-XXXX-/g" | table ccnumber"#,
        &ev,
    );
    assert_eq!(col(&r, "ccnumber"), vec!["XXXX-XXXX-XXXX-3456"]);
}

#[test]
fn rex_sed_flags_backrefs_and_y() {
    let ev = nd(&[json!({"_time": 1, "a": "x-x-x", "b": "user@corp", "c": "abc"})]);
    let r = run_spl(
        r#"* | rex field=a mode=sed "s/x/y/2" | rex field=b mode=sed "s/(\w+)@(\w+)/\2 at \1/" | rex field=c mode=sed "y/abc/ABC/" | table a b c"#,
        &ev,
    );
    assert_eq!(col(&r, "a"), vec!["x-y-x"]);
    assert_eq!(col(&r, "b"), vec!["corp at user"]);
    assert_eq!(col(&r, "c"), vec!["ABC"]);
}

#[test]
fn rex_errors_point_at_the_problem() {
    let e = run_err(r#"| makeresults | rex colour=x "(?<a>.)""#, "");
    assert!(e.contains("unknown rex option 'colour'"), "{e}");
    let e = run_err(r#"| makeresults | rex "(?<a>[)""#, "");
    assert!(e.contains("invalid regex"), "{e}");
    let e = run_err(r#"| makeresults | rex "no groups""#, "");
    assert!(e.contains("named group"), "{e}");
    let e = run_err(r#"| makeresults | rex mode=sed "s/a/b/z""#, "");
    assert!(e.contains("sed flags"), "{e}");
}

// ---------------------------------------------------------------- regex

#[test]
fn regex_doc_examples_keep_and_drop() {
    let ev = raws(&[
        "connection from 10.1.2.3 accepted",
        "connection from 192.168.0.1 accepted",
        "110.1.2.3 is not private",
    ]);
    let r = run_spl(
        r#"* | regex _raw="(?<!\d)10\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\d)" | table _raw"#,
        &ev,
    );
    assert_eq!(col(&r, "_raw"), vec!["connection from 10.1.2.3 accepted"]);
    let r = run_spl(r#"* | regex _raw!="^\d{1,3}\.\d" | table _raw"#, &ev);
    assert_eq!(r.len(), 2);
    // The default field is _raw.
    let r = run_spl(r#"* | regex "192\.168" | table _raw"#, &ev);
    assert_eq!(
        col(&r, "_raw"),
        vec!["connection from 192.168.0.1 accepted"]
    );
}

#[test]
fn regex_on_fields_multivalue_and_missing() {
    let ev = nd(&[
        json!({"_time": 3, "process": "C:\\Windows\\dllhost.exe", "tags": "a zz"}),
        json!({"_time": 2, "process": "notepad.exe"}),
        json!({"_time": 1, "other": "x"}),
    ]);
    let r = run_spl(
        r#"* | regex process="(?i)(dllhost\.exe.{0,4}$)" | table process"#,
        &ev,
    );
    assert_eq!(col(&r, "process"), vec!["C:\\Windows\\dllhost.exe"]);
    let r = run_spl(r#"* | makemv tags | regex tags = "^z" | table tags"#, &ev);
    assert_eq!(r.len(), 1);
    // != keeps results without the field.
    let r = run_spl(r#"* | regex process!="dllhost" | table other process"#, &ev);
    assert_eq!(col(&r, "process"), vec!["notepad.exe", ""]);
}

// ---------------------------------------------------------------- spath

#[test]
fn spath_doc_example_commit_authors() {
    let doc = json!({"commits": [
        {"author": {"name": "Ann"}, "id": 1},
        {"author": {"name": "Ben"}, "id": 2}
    ]})
    .to_string();
    let ev = nd(&[json!({"_time": 1, "payload": doc})]);
    let r = run_spl(
        "* | spath input=payload output=commit_author path=commits{}.author.name | table commit_author",
        &ev,
    );
    assert_eq!(mv(&r, "commit_author"), vec![vec!["Ann", "Ben"]]);
    // {N} counts from 0 in JSON (the spath page, Usage: "JSON uses
    // zero-based indexing"); a bare path names the output.
    let r = run_spl(
        "* | spath input=payload commits{1}.author.name | table commits{1}.author.name",
        &ev,
    );
    assert_eq!(col(&r, "commits{1}.author.name"), vec!["Ben"]);
}

#[test]
fn spath_auto_mode_flattens_like_splunk() {
    let doc = r#"{"a":{"b":1,"c":[true,false]},"list":[{"k":"x"},{"k":"y"}],"n":null,"e":1.5}"#;
    let ev = nd(&[json!({"_time": 1, "data": doc})]);
    let r = run_spl(
        r#"* | spath input=data | table a.b a.c{} list{}.k n e"#,
        &ev,
    );
    assert_eq!(col(&r, "a.b"), vec!["1"]);
    assert_eq!(mv(&r, "a.c{}"), vec![vec!["true", "false"]]);
    assert_eq!(mv(&r, "list{}.k"), vec![vec!["x", "y"]]);
    assert_eq!(col(&r, "n"), vec!["null"]);
    assert_eq!(col(&r, "e"), vec!["1.5"]);
}

#[test]
fn spath_objects_come_out_as_json_and_expand() {
    // The corpus pattern: a policy's statements, expanded, then read again.
    let policy = r#"{"Statement":[{"Action":["s3:Get","s3:Put"],"Principal":{"AWS":"arn:1"}},{"Action":"kms:*","Principal":{"AWS":"arn:2"}}]}"#;
    let ev = nd(&[json!({"_time": 1, "policy": policy})]);
    let r = run_spl(
        "* | spath input=policy output=st path=Statement{} | mvexpand st | spath input=st output=who path=Principal.AWS | spath input=st output=acts path=Action{} | spath input=st output=act path=Action | table who acts act",
        &ev,
    );
    assert_eq!(col(&r, "who"), vec!["arn:1", "arn:2"]);
    // `{}` runs over arrays only: a plain string under Action{} is not found.
    assert_eq!(mv(&r, "acts"), vec![vec!["s3:Get", "s3:Put"], vec![]]);
    assert_eq!(col(&r, "act"), vec![r#"["s3:Get","s3:Put"]"#, "kms:*"]);
}

#[test]
fn spath_doc_example_xml_attribute() {
    let xml = r#"<vendorProductSet><product><desc><locDesc locale="en-US">Widget</locDesc></desc></product></vendorProductSet>"#;
    let ev = raws(&[xml]);
    let r = run_spl(
        r#"* | spath output="locDesc.locale" path="vendorProductSet.product.desc.locDesc{@locale}" | spath | table locDesc.locale vendorProductSet.product.desc.locDesc"#,
        &ev,
    );
    assert_eq!(col(&r, "locDesc.locale"), vec!["en-US"]);
    assert_eq!(
        col(&r, "vendorProductSet.product.desc.locDesc"),
        vec!["Widget"]
    );
}

#[test]
fn spath_missing_path_and_non_json_leave_results_alone() {
    let ev = nd(&[
        json!({"_time": 2, "j": "{\"a\":1}"}),
        json!({"_time": 1, "j": "not json"}),
    ]);
    let r = run_spl(
        "* | spath input=j output=z path=b | spath input=j | table z a",
        &ev,
    );
    assert_eq!(col(&r, "z"), vec!["", ""]);
    assert_eq!(col(&r, "a"), vec!["1", ""]);
    let e = run_err("| makeresults | spath inptu=x", "");
    assert!(e.contains("unknown spath option 'inptu'"), "{e}");
}

// ---------------------------------------------------------------- xmlkv

#[test]
fn xmlkv_extracts_leaf_elements() {
    let ev = nd(&[json!({"_time": 1, "Message":
        "<Event><System><EventID>4688</EventID><Computer>host1</Computer></System><EventData><Data Name='a'>one</Data><Data Name='b'>two</Data></EventData></Event>"})]);
    let r = run_spl("* | xmlkv Message | table EventID Computer Data", &ev);
    assert_eq!(col(&r, "EventID"), vec!["4688"]);
    assert_eq!(col(&r, "Computer"), vec!["host1"]);
    assert_eq!(mv(&r, "Data"), vec![vec!["one", "two"]]);
    let ev = raws(&["<foo>bar</foo><n>1 &amp; 2</n>"]);
    let r = run_spl("* | xmlkv | table foo n", &ev);
    assert_eq!(col(&r, "foo"), vec!["bar"]);
    assert_eq!(col(&r, "n"), vec!["1 & 2"]);
}

// ---------------------------------------------------------------- fromjson

#[test]
fn fromjson_doc_example_with_prefix() {
    let r = run_spl(
        r#"| makeresults | eval object=json_object("name", "Buttercup", "age", 7, "toys", json_array("ball", "yarn"), "owner", json_object("n", "x")) | fromjson object prefix=cat_ | table cat_name cat_age cat_toys cat_owner"#,
        "",
    );
    assert_eq!(col(&r, "cat_name"), vec!["Buttercup"]);
    assert_eq!(col(&r, "cat_age"), vec!["7"]);
    assert_eq!(mv(&r, "cat_toys"), vec![vec!["ball", "yarn"]]);
    assert_eq!(col(&r, "cat_owner"), vec![r#"{"n":"x"}"#]);
}

#[test]
fn fromjson_without_prefix_and_bad_json() {
    let ev = nd(&[
        json!({"_time": 2, "Data": "{\"sev\":\"high\",\"n\":null}"}),
        json!({"_time": 1, "Data": "oops"}),
    ]);
    let r = run_spl("* | fromjson Data | table sev n", &ev);
    assert_eq!(col(&r, "sev"), vec!["high", ""]);
    assert_eq!(col(&r, "n"), vec!["", ""]);
}

// ---------------------------------------------------------------- extract / kv

#[test]
fn extract_auto_pairs_and_quotes() {
    let ev = raws(&[r#"2023 user=alice action="log in" status=ok, src=1.2.3.4"#]);
    let r = run_spl("* | extract | table user action status src", &ev);
    assert_eq!(col(&r, "user"), vec!["alice"]);
    assert_eq!(col(&r, "action"), vec!["log in"]);
    assert_eq!(col(&r, "status"), vec!["ok"]);
    assert_eq!(col(&r, "src"), vec!["1.2.3.4"]);
    // kv is the same command.
    let r = run_spl("* | kv | table user", &ev);
    assert_eq!(col(&r, "user"), vec!["alice"]);
}

#[test]
fn extract_with_delimiters_doc_and_corpus() {
    let ev = raws(&["a=1|b:2;c=3"]);
    let r = run_spl(
        r#"* | extract pairdelim="|;", kvdelim="=:" | table a b c"#,
        &ev,
    );
    assert_eq!(col(&r, "a"), vec!["1"]);
    assert_eq!(col(&r, "b"), vec!["2"]);
    assert_eq!(col(&r, "c"), vec!["3"]);
    let ev = raws(&["Name: Bob Smith; Role: admin; Dept Code: 7"]);
    let r = run_spl(
        r#"* | extract pairdelim=";" kvdelim=":" | table Name Role Dept_Code"#,
        &ev,
    );
    assert_eq!(col(&r, "Name"), vec!["Bob Smith"]);
    assert_eq!(col(&r, "Role"), vec!["admin"]);
    assert_eq!(col(&r, "Dept_Code"), vec!["7"]);
}

#[test]
fn extract_keeps_existing_fields_and_mv_add() {
    let ev = nd(&[json!({"_time": 1, "user": "orig", "_raw": "user=new x=1 x=2"})]);
    let r = run_spl("* | extract | table user x", &ev);
    assert_eq!(col(&r, "user"), vec!["orig"]);
    assert_eq!(col(&r, "x"), vec!["1"]);
    let r = run_spl("* | extract mv_add=true | table x", &ev);
    assert_eq!(mv(&r, "x"), vec![vec!["1", "2"]]);
}

// ---------------------------------------------------------------- multikv

#[test]
fn multikv_table_rows_become_results() {
    let top = "PID USER COMMAND\n1 root /sbin/init splash\n22 www nginx: worker\n";
    let ev = nd(&[json!({"_time": 1, "host": "h1", "_raw": top})]);
    let r = run_spl("* | multikv | table host PID USER COMMAND", &ev);
    assert_eq!(col(&r, "PID"), vec!["1", "22"]);
    assert_eq!(col(&r, "USER"), vec!["root", "www"]);
    assert_eq!(
        col(&r, "COMMAND"),
        vec!["/sbin/init splash", "nginx: worker"]
    );
    assert_eq!(col(&r, "host"), vec!["h1", "h1"]);
    // Doc example: only some fields, only matching rows.
    let r = run_spl(
        "* | multikv fields COMMAND filter nginx | table PID COMMAND _raw",
        &ev,
    );
    assert_eq!(col(&r, "COMMAND"), vec!["nginx: worker"]);
    assert_eq!(col(&r, "PID"), vec![""]);
    assert_eq!(col(&r, "_raw"), vec!["22 www nginx: worker"]);
}

#[test]
fn multikv_csv_header_names_are_cleaned() {
    let csv = "\"c_ip\",\"sc_status\"\n\"1.2.3.4\",\"200\"\n";
    let ev = nd(&[json!({"_time": 1, "_raw": csv})]);
    let r = run_spl(
        r#"* | multikv | search sc_status_="\"200\"" | table c_ip_"#,
        &ev,
    );
    assert_eq!(col(&r, "c_ip_"), vec!["\"1.2.3.4\""]);
}

// ---------------------------------------------------------------- replace

#[test]
fn replace_doc_examples() {
    let ev = nd(&[
        json!({"_time": 3, "host": "mylocalhost", "msg_level": "0", "start_month": "aug", "end_month": "aug"}),
        json!({"_time": 2, "host": "127.0.0.1", "msg_level": "1", "start_month": "jul"}),
        json!({"_time": 1, "host": "web1", "msg_level": "2"}),
    ]);
    let r = run_spl(
        "* | replace *localhost WITH localhost IN host | replace 127.0.0.1 WITH localhost IN host | replace 0 WITH Critical, 1 WITH Error IN msg_level | replace aug WITH August IN start_month end_month | table host msg_level start_month end_month",
        &ev,
    );
    assert_eq!(col(&r, "host"), vec!["localhost", "localhost", "web1"]);
    assert_eq!(col(&r, "msg_level"), vec!["Critical", "Error", "2"]);
    assert_eq!(col(&r, "start_month"), vec!["August", "jul", ""]);
    assert_eq!(col(&r, "end_month"), vec!["August", "", ""]);
}

#[test]
fn replace_moves_wildcard_text_and_is_case_sensitive() {
    let ev = nd(&[json!({"_time": 1, "src": "::ffff:10.1.1.1", "a": "Aug", "m": "x1 y2"})]);
    let r = run_spl(
        r#"* | makemv m | replace "::ffff:*" with * in src | replace aug WITH August IN a | replace x* WITH *-x, "y*" WITH "Y *" IN m | table src a m"#,
        &ev,
    );
    assert_eq!(col(&r, "src"), vec!["10.1.1.1"]);
    assert_eq!(col(&r, "a"), vec!["Aug"]);
    assert_eq!(mv(&r, "m"), vec![vec!["1-x", "Y 2"]]);
    // Without IN: every field.
    let r = run_spl("* | replace Aug WITH August | table a", &ev);
    assert_eq!(col(&r, "a"), vec!["August"]);
}

// ---------------------------------------------------------------- fillnull

#[test]
fn fillnull_all_fields_seen_in_results() {
    let ev = nd(&[json!({"_time": 2, "a": "1"}), json!({"_time": 1, "b": "2"})]);
    let r = run_spl("* | fillnull | table a b", &ev);
    assert_eq!(col(&r, "a"), vec!["1", "0"]);
    assert_eq!(col(&r, "b"), vec!["0", "2"]);
    let r = run_spl("* | fillnull value=NULL | table a b", &ev);
    assert_eq!(col(&r, "a"), vec!["1", "NULL"]);
}

#[test]
fn fillnull_listed_fields_doc_example() {
    let ev = nd(&[
        json!({"_time": 2, "host": "h"}),
        json!({"_time": 1, "kbps": "5"}),
    ]);
    let r = run_spl(
        "* | fillnull value=unknown host, kbps newfield | table host kbps newfield",
        &ev,
    );
    assert_eq!(col(&r, "host"), vec!["h", "unknown"]);
    assert_eq!(col(&r, "kbps"), vec!["unknown", "5"]);
    assert_eq!(col(&r, "newfield"), vec!["unknown", "unknown"]);
    let r = run_spl(
        "| makeresults | stats count by nothing | fillnull value=0 x | table x",
        "",
    );
    assert!(r.is_empty());
}

// ---------------------------------------------------------------- makemv, mvexpand, mvcombine, nomv

#[test]
fn makemv_doc_examples() {
    let ev = nd(&[json!({"_time": 1, "senders": "a@x.com,b@y.com,,c@z.com", "s": "one two"})]);
    let r = run_spl(
        r#"* | makemv delim="," senders | makemv s | table senders s"#,
        &ev,
    );
    assert_eq!(
        mv(&r, "senders"),
        vec![vec!["a@x.com", "b@y.com", "c@z.com"]]
    );
    assert_eq!(mv(&r, "s"), vec![vec!["one", "two"]]);
    let r = run_spl(
        r#"* | makemv tokenizer="([^,]+),?" senders | eval n=mvcount(senders) | table n"#,
        &ev,
    );
    assert_eq!(col(&r, "n"), vec!["3"]);
    let r = run_spl(
        r#"* | makemv delim="," allowempty=true senders | eval n=mvcount(senders) | table n"#,
        &ev,
    );
    assert_eq!(col(&r, "n"), vec!["4"]);
    let r = run_spl(
        r#"* | makemv delim="," setsv=true senders | table senders"#,
        &ev,
    );
    assert_eq!(col(&r, "senders"), vec!["a@x.com,b@y.com,c@z.com"]);
}

#[test]
fn mvexpand_one_result_per_value() {
    let ev = nd(&[
        json!({"_time": 3, "id": "a", "v": "1,2,3"}),
        json!({"_time": 2, "id": "b", "v": "9"}),
        json!({"_time": 1, "id": "c"}),
    ]);
    let r = run_spl(r#"* | makemv delim="," v | mvexpand v | table id v"#, &ev);
    assert_eq!(col(&r, "id"), vec!["a", "a", "a", "b"]);
    assert_eq!(col(&r, "v"), vec!["1", "2", "3", "9"]);
    let r = run_spl(
        r#"* | makemv delim="," v | mvexpand v limit=2 | table id v"#,
        &ev,
    );
    assert_eq!(col(&r, "v"), vec!["1", "2", "9"]);
}

#[test]
fn mvcombine_merges_identical_rows() {
    let ev = nd(&[
        json!({"_time": 4, "user": "u1", "host": "h1"}),
        json!({"_time": 3, "user": "u2", "host": "h2"}),
        json!({"_time": 2, "user": "u1", "host": "h3"}),
        json!({"_time": 1, "user": "u3", "host": "h4"}),
    ]);
    let r = run_spl(r#"* | table user host | mvcombine delim="," host"#, &ev);
    assert_eq!(col(&r, "user"), vec!["u1", "u2", "u3"]);
    assert_eq!(
        mv(&r, "host"),
        vec![vec!["h1", "h3"], vec!["h2"], vec!["h4"]]
    );
}

#[test]
fn nomv_joins_with_newlines() {
    let ev = nd(&[json!({"_time": 1, "senders": "a b"})]);
    let r = run_spl(
        "* | makemv senders | nomv senders | eval n=mvcount(senders) | table senders n",
        &ev,
    );
    assert_eq!(col(&r, "senders"), vec!["a\nb"]);
    assert_eq!(col(&r, "n"), vec!["1"]);
}

// ---------------------------------------------------------------- foreach

#[test]
fn foreach_doc_examples() {
    let ev = nd(&[json!({"_time": 1, "test1": "1.26", "test2": "2.49", "other": "x"})]);
    let r = run_spl(
        "* | eval total=0 | foreach test* [eval total=total + <<FIELD>>] | table total",
        &ev,
    );
    assert_eq!(col(&r, "total"), vec!["3.75"]);
    let r = run_spl(
        "* | foreach test* [eval <<FIELD>>=round(<<FIELD>>, 1)] | table test1 test2",
        &ev,
    );
    assert_eq!(col(&r, "test1"), vec!["1.3"]);
    assert_eq!(col(&r, "test2"), vec!["2.5"]);
    let r = run_spl(
        r#"* | foreach test* [eval new_<<MATCHSTR>>="<<FIELD>>:<<MATCHSTR>>"] | table new_1 new_2"#,
        &ev,
    );
    assert_eq!(col(&r, "new_1"), vec!["test1:1"]);
    assert_eq!(col(&r, "new_2"), vec!["test2:2"]);
}

#[test]
fn foreach_corpus_null_cleanup_and_quoted_names() {
    let ev = nd(&[
        json!({"_time": 1, "a": "null", "b": "ok", "stdev_x": "1", "avg_x": "10", "x": "20"}),
    ]);
    let r = run_spl(
        r#"* | foreach * [ eval <<FIELD>> = if(<<FIELD>>="null",null(),<<FIELD>>)] | table a b"#,
        &ev,
    );
    assert_eq!(col(&r, "a"), vec![""]);
    assert_eq!(col(&r, "b"), vec!["ok"]);
    let r = run_spl(
        r#"* | eval anomalies="" | foreach stdev_* [ eval anomalies=if('<<MATCHSTR>>' > ('avg_<<MATCHSTR>>' + 3 * 'stdev_<<MATCHSTR>>'), anomalies . "<<MATCHSTR>> high; ", anomalies)] | table anomalies"#,
        &ev,
    );
    assert_eq!(col(&r, "anomalies"), vec!["x high; "]);
}

#[test]
fn foreach_multiple_wildcards_and_multivalue_mode() {
    let ev = nd(&[json!({"_time": 1, "a_in_b": "1", "c_in_d": "2", "vals": "1 2 3"})]);
    let r = run_spl(
        r#"* | foreach *_in_* [eval <<MATCHSEG2>>_from_<<MATCHSEG1>>=<<FIELD>>] | table b_from_a d_from_c"#,
        &ev,
    );
    assert_eq!(col(&r, "b_from_a"), vec!["1"]);
    assert_eq!(col(&r, "d_from_c"), vec!["2"]);
    let r = run_spl(
        "* | makemv vals | eval s=0 | foreach mode=multivalue vals [eval s=s+<<ITEM>>] | table s",
        &ev,
    );
    assert_eq!(col(&r, "s"), vec!["6"]);
}

#[test]
fn foreach_template_errors() {
    let e = run_err("| makeresults | foreach x [eval <<FIELD>>=(]", "");
    assert!(e.contains("foreach template"), "{e}");
    let e = run_err("| makeresults | foreach x [stats count]", "");
    assert!(e.contains("cannot run inside foreach"), "{e}");
    let e = run_err("| makeresults | foreach x", "");
    assert!(e.contains("template in brackets"), "{e}");
}

// ---------------------------------------------------------------- addtotals

#[test]
fn addtotals_rows_and_columns() {
    let ev = nd(&[
        json!({"_time": 2, "name": "a", "x": "1", "y": "2.5"}),
        json!({"_time": 1, "name": "b", "x": "3", "y": "oops"}),
    ]);
    let r = run_spl("* | table name x y | addtotals", &ev);
    assert_eq!(col(&r, "Total"), vec!["3.5", "3"]);
    let r = run_spl("* | table name x y | addtotals fieldname=sum x", &ev);
    assert_eq!(col(&r, "sum"), vec!["1", "3"]);
    // Doc example: column totals only, labelled.
    let r = run_spl(
        "* | table name x y | addtotals row=f col=t labelfield=name label=ALL",
        &ev,
    );
    assert_eq!(r.len(), 3);
    assert_eq!(col(&r, "name"), vec!["a", "b", "ALL"]);
    assert_eq!(col(&r, "x"), vec!["1", "3", "4"]);
    assert_eq!(col(&r, "y"), vec!["2.5", "oops", "2.5"]);
}

#[test]
fn addtotals_corpus_score_with_missing_fields() {
    let ev = nd(&[
        json!({"_time": 2, "is_autodiscover": "1", "powershell": "1", "mapi": "1"}),
        json!({"_time": 1, "is_autodiscover": "1"}),
    ]);
    let r = run_spl(
        "* | addtotals fieldname=Score is_autodiscover, powershell, mapi | where Score > 2 | table Score",
        &ev,
    );
    assert_eq!(col(&r, "Score"), vec!["3"]);
}

// ---------------------------------------------------------------- bin / bucket

#[test]
fn bin_time_spans() {
    // 2023-11-14T22:13:20Z and 22:17:05Z.
    let ev = nd(&[
        json!({"_time": 1_700_000_225, "v": "x"}),
        json!({"_time": 1_700_000_000, "v": "y"}),
    ]);
    let r = run_spl("* | bin _time span=5m | table _time", &ev);
    assert_eq!(col(&r, "_time"), vec!["1700000100", "1699999800"]);
    let r = run_spl("* | bucket _time span=1h | table _time", &ev);
    assert_eq!(col(&r, "_time"), vec!["1699999200", "1699999200"]);
    let r = run_spl("* | bin span=1d _time as day | table day _time", &ev);
    assert_eq!(col(&r, "day"), vec!["1699920000", "1699920000"]);
    assert_eq!(col(&r, "_time"), vec!["1700000225", "1700000000"]);
    let r = run_spl("* | bin _time span=1mon | table _time", &ev);
    assert_eq!(col(&r, "_time"), vec!["1698796800", "1698796800"]);
}

#[test]
fn bin_day_follows_tz() {
    let ev = nd(&[json!({"_time": 1_700_000_000})]);
    let out = spleval()
        .args([
            "run",
            "--tz",
            "America/New_York",
            "--format",
            "json",
            "--spl",
            "* | bin _time span=1d | table _time",
        ])
        .write_stdin(ev)
        .output()
        .unwrap();
    assert!(out.status.success());
    let r = common::rows(&out.stdout);
    // Midnight in New York (UTC-5) on 2023-11-14.
    assert_eq!(col(&r, "_time"), vec!["1699938000"]);
}

#[test]
fn bin_numbers_span_and_bins() {
    let ev = nd(&[
        json!({"_time": 4, "size": "23"}),
        json!({"_time": 3, "size": "7"}),
        json!({"_time": 2, "size": "150"}),
        json!({"_time": 1, "size": "n/a"}),
    ]);
    let r = run_spl("* | bin size span=10 | table size", &ev);
    assert_eq!(col(&r, "size"), vec!["20-30", "0-10", "150-160", "n/a"]);
    let r = run_spl("* | bin size bins=10 | table size", &ev);
    assert_eq!(col(&r, "size"), vec!["0-100", "0-100", "100-200", "n/a"]);
    let r = run_spl("* | bin size span=log | table size", &ev);
    assert_eq!(col(&r, "size"), vec!["10-100", "1-10", "100-1000", "n/a"]);
    let e = run_err("| makeresults | bin _time span=5x", "");
    assert!(e.contains("unknown span unit"), "{e}");
}

#[test]
fn bin_then_stats_counts_per_bucket() {
    let ev = nd(&[
        json!({"_time": 1_700_000_290}),
        json!({"_time": 1_700_000_285}),
        json!({"_time": 1_700_000_100}),
    ]);
    let r = run_spl("* | bucket span=2m _time | stats count by _time", &ev);
    assert_eq!(col(&r, "count"), vec!["1", "2"]);
}

// ---------------------------------------------------------------- iplocation

#[test]
fn iplocation_without_database_warns_once_and_runs() {
    let ev = nd(&[
        json!({"_time": 2, "src": "81.2.69.142"}),
        json!({"_time": 1, "src": "10.0.0.1"}),
    ]);
    let out = spleval()
        .env_remove("SPLEVAL_GEOIP")
        .args([
            "run", "--format", "json", "--spl",
            "* | iplocation prefix=src_ src | iplocation allfields=true src | table src src_City Country",
        ])
        .write_stdin(ev)
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("iplocation").count(), 1, "{err}");
    assert!(err.contains("--geoip"), "{err}");
    let r = common::rows(&out.stdout);
    assert_eq!(col(&r, "src"), vec!["81.2.69.142", "10.0.0.1"]);
    assert_eq!(col(&r, "src_City"), vec!["", ""]);
    assert_eq!(col(&r, "Country"), vec!["", ""]);
}

/// A minimal MaxMind DB (IPv4, 24-bit records) mapping 81.2.69.0/24 to one
/// City record: enough to test iplocation without shipping a database.
pub(crate) mod mmdb {
    fn ctrl(out: &mut Vec<u8>, ty: u8, size: usize) {
        assert!(size < 29);
        if ty <= 7 {
            out.push((ty << 5) | size as u8);
        } else {
            out.push(size as u8);
            out.push(ty - 7);
        }
    }
    pub enum D {
        S(&'static str),
        F(f64),
        U16(u16),
        U32(u32),
        U64(u64),
        M(Vec<(&'static str, D)>),
        A(Vec<D>),
    }
    fn uint(out: &mut Vec<u8>, ty: u8, v: u64, width: usize) {
        let bytes = v.to_be_bytes();
        let b = &bytes[8 - width..];
        ctrl(out, ty, b.len());
        out.extend_from_slice(b);
    }
    pub fn enc(d: &D, out: &mut Vec<u8>) {
        match d {
            D::S(s) => {
                ctrl(out, 2, s.len());
                out.extend_from_slice(s.as_bytes());
            }
            D::F(f) => {
                ctrl(out, 3, 8);
                out.extend_from_slice(&f.to_be_bytes());
            }
            D::U16(v) => uint(out, 5, *v as u64, 2),
            D::U32(v) => uint(out, 6, *v as u64, 4),
            D::U64(v) => uint(out, 9, *v, 8),
            D::M(m) => {
                ctrl(out, 7, m.len());
                for (k, v) in m {
                    enc(&D::S(k), out);
                    enc(v, out);
                }
            }
            D::A(a) => {
                ctrl(out, 11, a.len());
                for v in a {
                    enc(v, out);
                }
            }
        }
    }
    fn names(en: &'static str, es: &'static str) -> D {
        D::M(vec![(
            "names",
            D::M(vec![("en", D::S(en)), ("es", D::S(es))]),
        )])
    }
    /// A named record with an ISO code (`iso_code`, or `code` for a continent).
    fn coded(key: &'static str, code: &'static str, en: &'static str, es: &'static str) -> D {
        D::M(vec![
            (key, D::S(code)),
            ("names", D::M(vec![("en", D::S(en)), ("es", D::S(es))])),
        ])
    }
    /// A database whose search tree leads the first `depth` bits of
    /// `prefix` (an address of `width` bits, 32 or 128) to `record`, every
    /// other address to nothing.
    pub fn single_network_db(
        prefix: u128,
        width: u32,
        depth: u32,
        record: &D,
        languages: Vec<D>,
        description: &'static str,
    ) -> Vec<u8> {
        let node_count = depth;
        let mut out = Vec::new();
        for i in 0..depth {
            let bit = (prefix >> (width - 1 - i)) & 1;
            let next = if i + 1 == depth {
                node_count + 16 // data section offset 0
            } else {
                i + 1
            };
            let (l, r) = if bit == 0 {
                (next, node_count)
            } else {
                (node_count, next)
            };
            out.extend_from_slice(&l.to_be_bytes()[1..]);
            out.extend_from_slice(&r.to_be_bytes()[1..]);
        }
        out.extend_from_slice(&[0u8; 16]);
        enc(record, &mut out);
        out.extend_from_slice(b"\xAB\xCD\xEFMaxMind.com");
        let meta = D::M(vec![
            ("binary_format_major_version", D::U16(2)),
            ("binary_format_minor_version", D::U16(0)),
            ("build_epoch", D::U64(1_700_000_000)),
            ("database_type", D::S("GeoIP2-City")),
            ("description", D::M(vec![("en", D::S(description))])),
            ("ip_version", D::U16(if width == 32 { 4 } else { 6 })),
            ("languages", D::A(languages)),
            ("node_count", D::U32(node_count)),
            ("record_size", D::U16(24)),
        ]);
        enc(&meta, &mut out);
        out
    }

    pub fn city_db() -> Vec<u8> {
        let prefix: u32 = u32::from_be_bytes([81, 2, 69, 0]);
        let rec = D::M(vec![
            ("city", names("Linkoping", "Linkoping-es")),
            ("continent", coded("code", "EU", "Europe", "Europa")),
            ("country", coded("iso_code", "SE", "Sweden", "Suecia")),
            (
                "subdivisions",
                D::A(vec![coded(
                    "iso_code",
                    "E",
                    "Ostergotland",
                    "Ostergotland-es",
                )]),
            ),
            (
                "location",
                D::M(vec![
                    ("latitude", D::F(58.4167)),
                    ("longitude", D::F(15.6167)),
                    ("metro_code", D::U16(5)),
                    ("time_zone", D::S("Europe/Stockholm")),
                ]),
            ),
        ]);
        single_network_db(
            u128::from(prefix),
            32,
            24,
            &rec,
            vec![D::S("en"), D::S("es")],
            "spleval test",
        )
    }
}

#[test]
fn iplocation_with_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.mmdb");
    std::fs::write(&db, mmdb::city_db()).unwrap();
    let ev = nd(&[
        json!({"_time": 2, "src": "81.2.69.142"}),
        json!({"_time": 1, "src": "10.0.0.1"}),
    ]);
    let run = |spl: &str| {
        let out = spleval()
            .args(["run", "--format", "json", "--geoip"])
            .arg(&db)
            .args(["--spl", spl])
            .write_stdin(ev.clone())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        common::rows(&out.stdout)
    };
    let r = run("* | iplocation src | table src City Country Region lat lon Continent");
    assert_eq!(col(&r, "City"), vec!["Linkoping", ""]);
    assert_eq!(col(&r, "Country"), vec!["Sweden", ""]);
    assert_eq!(col(&r, "Region"), vec!["Ostergotland", ""]);
    assert_eq!(col(&r, "lat"), vec!["58.41670", ""]);
    assert_eq!(col(&r, "lon"), vec!["15.61670", ""]);
    assert_eq!(col(&r, "Continent"), vec!["", ""]);
    let r = run(
        "* | iplocation prefix=geo_ allfields=true lang=es src | table geo_City geo_Continent geo_MetroCode geo_Timezone",
    );
    assert_eq!(col(&r, "geo_City"), vec!["Linkoping-es", ""]);
    assert_eq!(col(&r, "geo_Continent"), vec!["Europa", ""]);
    assert_eq!(col(&r, "geo_MetroCode"), vec!["5", ""]);
    assert_eq!(col(&r, "geo_Timezone"), vec!["Europe/Stockholm", ""]);
}
