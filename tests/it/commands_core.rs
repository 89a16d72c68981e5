//! Issue 2's commands, each option and behaviour, through the binary.

use crate::common::{col, rows, run_spl, spleval};
use serde_json::{json, Value};

fn nd(events: &[Value]) -> String {
    events
        .iter()
        .map(|e| serde_json::to_string(e).unwrap() + "\n")
        .collect()
}

/// One `| makeresults | eval …` row (now = 1700000000 = 2023-11-14T22:13:20Z).
fn eval1(assignments: &str) -> Value {
    let r = run_spl(&format!("| makeresults | eval {assignments}"), "");
    assert_eq!(r.len(), 1);
    r.into_iter().next().unwrap()
}

/// Five events with distinct times (id 5 newest).
fn five() -> Vec<Value> {
    vec![
        json!({"id": "1", "user": "a", "n": "3", "h": "x", "_time": 100}),
        json!({"id": "2", "user": "a", "n": "10", "h": "y", "_time": 200}),
        json!({"id": "3", "user": "b", "n": "abc", "h": "x", "_time": 300}),
        json!({"id": "4", "user": "b", "n": "2", "_time": 400}),
        json!({"id": "5", "user": "B", "n": "-1", "_time": 500}),
    ]
}

fn ids(spl: &str) -> Vec<String> {
    col(&run_spl(spl, &nd(&five())), "id")
}

// ---- eval ------------------------------------------------------------------

#[test]
fn eval_arithmetic_and_concatenation() {
    let r = eval1(
        "a=1+2*3, b=(1+2)*3, c=10/4, d=7%3, e=\"x\".1, f=\"a\"+\"b\", g=1+\"2\", h=-a, i=2-3-4, j=1/0, k=a+missing",
    );
    assert_eq!(r["a"], json!(7));
    assert_eq!(r["b"], json!(9));
    assert_eq!(r["c"], json!(2.5));
    assert_eq!(r["d"], json!(1));
    assert_eq!(r["e"], json!("x1"));
    assert_eq!(r["f"], json!("ab"));
    assert_eq!(r["g"], json!(3));
    assert_eq!(r["h"], json!(-7));
    assert_eq!(r["i"], json!(-5));
    // Division by zero and arithmetic with null give null (no field).
    assert!(r.get("j").is_none());
    assert!(r.get("k").is_none());
}

#[test]
fn eval_later_assignments_see_earlier_ones() {
    let r = eval1("x=2, y=x*10, x=x+1");
    assert_eq!(r["x"], json!(3));
    assert_eq!(r["y"], json!(20));
}

#[test]
fn eval_if_case_coalesce() {
    let r = eval1(
        "a=if(1>0, \"y\", \"n\"), b=if(missing>0, \"y\", \"n\"), \
         c=case(1=2, \"one\", 2=2, \"two\", true(), \"other\"), d=case(1=2, \"one\"), \
         e=coalesce(null(), missing, \"z\", \"w\"), f=coalesce(missing)",
    );
    assert_eq!(r["a"], json!("y"));
    assert_eq!(r["b"], json!("n"));
    assert_eq!(r["c"], json!("two"));
    assert!(r.get("d").is_none());
    assert_eq!(r["e"], json!("z"));
    assert!(r.get("f").is_none());
}

#[test]
fn eval_isnull_isnotnull_null() {
    let r = eval1(
        "a=if(isnull(missing), \"y\", \"n\"), b=if(isnull(_time), \"y\", \"n\"), \
         c=if(isnotnull(_time), \"y\", \"n\"), d=if(isnotnull(null()), \"y\", \"n\"), \
         e=null(), _time=_time",
    );
    assert_eq!(r["a"], json!("y"));
    assert_eq!(r["b"], json!("n"));
    assert_eq!(r["c"], json!("y"));
    assert_eq!(r["d"], json!("n"));
    assert!(r.get("e").is_none());
    // Assigning null removes a field.
    let r = eval1("x=1, x=null()");
    assert!(r.get("x").is_none());
}

#[test]
fn eval_string_functions() {
    let r = eval1(
        "a=len(\"héllo\"), b=lower(\"AbC\"), c=upper(\"AbC\"), d=substr(\"splunk\", 2, 3), \
         e=substr(\"splunk\", -3), f=substr(\"splunk\", 3), \
         g=replace(\"aaa\", \"a+\", \"b\"), h=replace(\"1/2/2023\", \"^(\\d+)/(\\d+)/\", \"\\2/\\1/\"), \
         i=len(12345)",
    );
    assert_eq!(r["a"], json!(5));
    assert_eq!(r["b"], json!("abc"));
    assert_eq!(r["c"], json!("ABC"));
    assert_eq!(r["d"], json!("plu"));
    assert_eq!(r["e"], json!("unk"));
    assert_eq!(r["f"], json!("lunk"));
    assert_eq!(r["g"], json!("b"));
    assert_eq!(r["h"], json!("2/1/2023"));
    assert_eq!(r["i"], json!(5));
}

#[test]
fn eval_multivalue_functions() {
    let r = eval1(
        "m=split(\"a,b,c\", \",\"), b=mvindex(m, 1), c=mvindex(m, -1), d=mvindex(m, 0, 1), \
         e=mvcount(m), f=mvjoin(m, \";\"), g=mvcount(missing), h=mvindex(m, 5)",
    );
    assert_eq!(r["m"], json!(["a", "b", "c"]));
    assert_eq!(r["b"], json!("b"));
    assert_eq!(r["c"], json!("c"));
    assert_eq!(r["d"], json!(["a", "b"]));
    assert_eq!(r["e"], json!(3));
    assert_eq!(r["f"], json!("a;b;c"));
    assert!(r.get("h").is_none());
}

#[test]
fn eval_conversion_functions() {
    let r = eval1(
        "a=tostring(1.50), b=tostring(255, \"hex\"), c=tostring(1234567, \"commas\"), \
         d=tostring(3661, \"duration\"), e=tostring(1==1), f=tonumber(\"1F\", 16), \
         g=tonumber(\"abc\"), i=round(2.567, 2), j=round(2.5), \
         l=tonumber(\"0A4\", 16), m=tonumber(\"101\", 2)",
    );
    assert_eq!(r["a"], json!("1.5"));
    assert_eq!(r["b"], json!("0xFF"));
    assert_eq!(r["c"], json!("1,234,567"));
    assert_eq!(r["d"], json!("01:01:01"));
    // Splunk: tostring of a Boolean is "True" or "False".
    assert_eq!(r["e"], json!("True"));
    assert_eq!(r["f"], json!(31));
    assert!(r.get("g").is_none());
    assert_eq!(r["i"], json!(2.57));
    assert_eq!(r["j"], json!(3));
    // Splunk's example: tonumber("0A4",16) is 164.
    assert_eq!(r["l"], json!(164));
    assert_eq!(r["m"], json!(5));
}

#[test]
fn eval_time_functions() {
    let r = eval1(
        "a=now(), b=relative_time(now(), \"-1d@d\"), c=relative_time(now(), \"+1h\"), \
         d=strftime(0, \"%Y-%m-%dT%H:%M:%S\"), e=strftime(1697108744.5, \"%d/%m/%Y %H:%M:%S.%3N\"), \
         f=strptime(\"2023-10-12 11:05:44\", \"%Y-%m-%d %H:%M:%S\"), \
         g=strptime(\"2023-10-12T11:05:44+0200\", \"%Y-%m-%dT%H:%M:%S%z\"), \
         h=strptime(\"nonsense\", \"%Y\"), i=relative_time(now(), \"@w0\")",
    );
    assert_eq!(r["a"], json!(1700000000));
    // 2023-11-14T22:13:20Z minus a day, snapped to midnight: 2023-11-13T00:00:00Z.
    assert_eq!(r["b"], json!(1699833600));
    assert_eq!(r["c"], json!(1700003600));
    assert_eq!(r["d"], json!("1970-01-01T00:00:00"));
    assert_eq!(r["e"], json!("12/10/2023 11:05:44.500"));
    assert_eq!(r["f"], json!(1697108744));
    assert_eq!(r["g"], json!(1697101544));
    assert!(r.get("h").is_none());
    // Sunday 2023-11-12T00:00:00Z.
    assert_eq!(r["i"], json!(1699747200));
}

#[test]
fn eval_time_functions_follow_tz() {
    let out = spleval()
        .args([
            "run",
            "--now",
            "1700000000",
            "--tz",
            "America/New_York",
            "--format",
            "json",
            "--spl",
            "| makeresults | eval a=strftime(0, \"%Y-%m-%d %H:%M\"), \
             b=strptime(\"2023-11-14 00:00\", \"%Y-%m-%d %H:%M\"), c=relative_time(now(), \"@d\")",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let r = &rows(&out.stdout)[0];
    assert_eq!(r["a"], json!("1969-12-31 19:00"));
    // Midnight in New York (EST, UTC-5).
    assert_eq!(r["b"], json!(1699938000));
    assert_eq!(r["c"], json!(1699938000));
}

#[test]
fn eval_match_and_like() {
    let r = eval1(
        "a=if(match(\"abc123\", \"^\\w+\\d$\"), \"y\", \"n\"), b=if(match(\"abc\", \"^b\"), \"y\", \"n\"), \
         c=if(match(\"xABCx\", \"abc\"), \"y\", \"n\"), \
         d=if(like(\"abc\", \"a%\"), \"y\", \"n\"), e=if(like(\"abc\", \"a_c\"), \"y\", \"n\"), \
         f=if(like(\"abc\", \"b%\"), \"y\", \"n\"), g=if(\"abc\" LIKE \"%c\", \"y\", \"n\"), \
         h=if(like(\"ABC\", \"a%\"), \"y\", \"n\")",
    );
    assert_eq!(r["a"], json!("y"));
    assert_eq!(r["b"], json!("n"));
    // match() is a case-sensitive regex search (unanchored).
    assert_eq!(r["c"], json!("n"));
    assert_eq!(r["d"], json!("y"));
    assert_eq!(r["e"], json!("y"));
    assert_eq!(r["f"], json!("n"));
    assert_eq!(r["g"], json!("y"));
    assert_eq!(r["h"], json!("n"));
}

#[test]
fn eval_comparisons_and_booleans() {
    let r = eval1(
        "a=if(\"abc\"<\"abd\", \"y\", \"n\"), \
         c=if(NOT 1=2, \"y\", \"n\"), d=if(1=1 XOR 2=2, \"y\", \"n\"), e=if(missing=1, \"y\", \"n\"), \
         f=if(missing!=1, \"y\", \"n\"), g=if(1=1.0, \"y\", \"n\")",
    );
    assert_eq!(r["a"], json!("y"));
    assert_eq!(r["c"], json!("y"));
    assert_eq!(r["d"], json!("n"));
    // A comparison with a null side is false.
    assert_eq!(r["e"], json!("n"));
    assert_eq!(r["f"], json!("n"));
    assert_eq!(r["g"], json!("y"));
}

#[test]
fn eval_boolean_assignment_is_an_error() {
    // Splunk: "Fields cannot be assigned a boolean result. Instead, try if([bool expr], [expr], [expr])."
    for spl in [
        "| makeresults | eval x=1==1",
        "| makeresults | eval x=isnull(y)",
        "| makeresults | eval x=(1<2) AND true()",
        "| makeresults | eval x=if(true(), 1=1, 0)",
    ] {
        let out = spleval()
            .args(["run", "--now", "1700000000", "--spl", spl])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{spl} should fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("boolean"), "{spl}: {err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn eval_on_events() {
    let r = run_spl(
        "* | eval u=upper(user), n2=n*2 | table id u n2",
        &nd(&five()),
    );
    assert_eq!(col(&r, "u"), ["B", "B", "B", "A", "A"]);
    assert_eq!(col(&r, "n2"), ["-2", "4", "", "20", "6"]);
}

// ---- stats -----------------------------------------------------------------

#[test]
fn stats_functions_by_group() {
    let r = run_spl(
        "* | stats count dc(h) values(n) list(n) min(n) max(n) sum(n) avg(n) \
         earliest(n) latest(n) first(n) last(n) by user",
        &nd(&five()),
    );
    assert_eq!(
        r,
        [
            json!({"user": "B", "count": 1, "dc(h)": 0, "values(n)": "-1", "list(n)": "-1",
                   "min(n)": -1, "max(n)": -1, "sum(n)": -1, "avg(n)": -1,
                   "earliest(n)": "-1", "latest(n)": "-1", "first(n)": "-1", "last(n)": "-1"}),
            json!({"user": "a", "count": 2, "dc(h)": 2, "values(n)": ["10", "3"], "list(n)": ["10", "3"],
                   "min(n)": 3, "max(n)": 10, "sum(n)": 13, "avg(n)": 6.5,
                   "earliest(n)": "3", "latest(n)": "10", "first(n)": "10", "last(n)": "3"}),
            json!({"user": "b", "count": 2, "dc(h)": 1, "values(n)": ["2", "abc"], "list(n)": ["2", "abc"],
                   "min(n)": 2, "max(n)": 2, "sum(n)": 2, "avg(n)": 2,
                   "earliest(n)": "abc", "latest(n)": "2", "first(n)": "2", "last(n)": "abc"}),
        ]
    );
}

#[test]
fn stats_as_and_commas_and_no_by() {
    let r = run_spl(
        "* | stats count as c, dc(user) AS users, max(_time) as last",
        &nd(&five()),
    );
    assert_eq!(r, [json!({"c": 5, "users": 3, "last": 500})]);
    let r = run_spl("* | stats c(h), count(n) as cn", &nd(&five()));
    assert_eq!(r, [json!({"c(h)": 3, "cn": 5})]);
}

#[test]
fn stats_over_nothing() {
    assert_eq!(run_spl("* | stats count", ""), [json!({"count": 0})]);
    assert_eq!(run_spl("* | stats count by user", ""), Vec::<Value>::new());
    assert_eq!(
        run_spl("nomatch | stats count max(n)", &nd(&five())),
        [json!({"count": 0})]
    );
}

#[test]
fn stats_min_max_values_on_strings() {
    let ev = [json!({"s": "b"}), json!({"s": "a"}), json!({"s": "C"})];
    let r = run_spl("* | stats min(s) max(s) values(s) dc(s)", &nd(&ev));
    assert_eq!(
        r,
        [json!({"min(s)": "C", "max(s)": "b", "values(s)": ["C", "a", "b"], "dc(s)": 3})]
    );
}

#[test]
fn stats_multivalue_field_values_count_each() {
    let ev = [json!({"t": ["x", "y"]}), json!({"t": ["y"]})];
    let r = run_spl(
        "* | stats count(t{}) as c values(t{}) as v dc(t{}) as d",
        &nd(&ev),
    );
    assert_eq!(r, [json!({"c": 3, "v": ["x", "y"], "d": 2})]);
}

#[test]
fn stats_list_keeps_at_most_100_values() {
    let ev: Vec<Value> = (0..150).map(|i| json!({"i": i})).collect();
    let r = run_spl("* | stats list(i) as l, values(i) as v", &nd(&ev));
    assert_eq!(r[0]["l"].as_array().unwrap().len(), 100);
    assert_eq!(r[0]["v"].as_array().unwrap().len(), 150);
}

// ---- rename ----------------------------------------------------------------

#[test]
fn rename_plain_and_wildcards() {
    let r = run_spl(
        "* | rename user AS who, n as num | table id who num user n",
        &nd(&five()),
    );
    assert_eq!(col(&r, "who"), ["B", "b", "b", "a", "a"]);
    assert_eq!(col(&r, "num")[0], "-1");
    assert!(r[0].get("user").is_none() && r[0].get("n").is_none());

    let ev = [
        json!({"Processes": {"dest": "d", "user": "u"}, "other": "o", "src_ip": "1", "dest_ip": "2"}),
    ];
    let r = run_spl(
        "* | rename Processes.* AS * | table dest user other",
        &nd(&ev),
    );
    assert_eq!(r, [json!({"dest": "d", "user": "u", "other": "o"})]);
    let r = run_spl("* | rename *_ip AS ip_* | table ip_*", &nd(&ev));
    assert_eq!(r, [json!({"ip_src": "1", "ip_dest": "2"})]);
    // A quoted new name with spaces.
    let r = run_spl(
        "* | rename other AS \"Other Thing\" | table \"Other Thing\"",
        &nd(&ev),
    );
    assert_eq!(r, [json!({"Other Thing": "o"})]);
}

#[test]
fn rename_over_an_existing_field_replaces_it() {
    let r = run_spl("* | rename n AS id | table id", &nd(&five()));
    assert_eq!(col(&r, "id"), ["-1", "2", "abc", "10", "3"]);
}

#[test]
fn rename_missing_field_is_a_no_op() {
    let r = run_spl("* | rename nosuch AS x | table id x", &nd(&five()));
    assert_eq!(r.len(), 5);
    assert!(r.iter().all(|x| x.get("x").is_none()));
}

// ---- table / fields ----------------------------------------------------------

#[test]
fn table_picks_columns_in_order() {
    let r = run_spl("* | table n, id h*", &nd(&five()));
    let keys: Vec<Vec<&String>> = r
        .iter()
        .map(|x| x.as_object().unwrap().keys().collect())
        .collect();
    assert_eq!(keys[0], ["n", "id"]);
    assert_eq!(keys[1], ["n", "id"]);
    assert_eq!(keys[2], ["n", "id", "h"]);
    // No _time or _raw unless asked for.
    assert!(r
        .iter()
        .all(|x| x.get("_raw").is_none() && x.get("_time").is_none()));
}

#[test]
fn table_columns_show_even_when_empty() {
    // Splunk's table command names its columns; a field no result has is an
    // empty column, in table and CSV output alike.
    let out = spleval()
        .args([
            "run",
            "--format",
            "csv",
            "--spl",
            "* | table id nosuch h | head 2",
        ])
        .write_stdin(nd(&five()))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "id,nosuch,h\n5,,\n4,,\n"
    );
    // ... and so do stats aggregates with no value.
    let out = spleval()
        .args([
            "run",
            "--format",
            "csv",
            "--spl",
            "* | stats count max(nosuch) by user",
        ])
        .write_stdin(nd(&five()))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "user,count,max(nosuch)\nB,1,\na,2,\nb,2,\n"
    );
    // Renamed and removed columns follow.
    let out = spleval()
        .args([
            "run",
            "--format",
            "csv",
            "--spl",
            "* | table id nosuch h | rename nosuch AS other | fields - h | head 1",
        ])
        .write_stdin(nd(&five()))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "id,other\n5,\n");
}

#[test]
fn table_format_shows_blank_cells() {
    let out = spleval()
        .args([
            "run",
            "--format",
            "table",
            "--spl",
            "* | table id h | head 2",
        ])
        .write_stdin(nd(&five()))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "| id | h |\n|----|---|\n| 5  |   |\n| 4  |   |\n"
    );
}

#[test]
fn fields_keep_and_remove() {
    let r = run_spl("* | fields id, user", &nd(&five()));
    let keys: Vec<&String> = r[0].as_object().unwrap().keys().collect();
    // Keeping fields keeps _time and _raw too.
    assert_eq!(keys, ["id", "user", "_time", "_raw"]);
    let r = run_spl("* | fields + id", &nd(&five()));
    let keys: Vec<&String> = r[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "_time", "_raw"]);
    let r = run_spl("* | fields - n, h source", &nd(&five()));
    let keys: Vec<&String> = r[2].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "user", "_time", "_raw"]);
    let r = run_spl("* | fields - _raw | fields u*", &nd(&five()));
    let keys: Vec<&String> = r[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["user", "_time"]);
}

// ---- convert ---------------------------------------------------------------

#[test]
fn convert_ctime_default_format() {
    let r = run_spl(
        "* | head 1 | convert ctime(_time) AS t | table t",
        &nd(&five()),
    );
    assert_eq!(r, [json!({"t": "01/01/1970 00:08:20"})]);
    let r = eval1("t=1697108744 | convert ctime(t)");
    assert_eq!(r["t"], json!("10/12/2023 11:05:44"));
}

#[test]
fn convert_timeformat_and_mktime() {
    let r = eval1(
        "a=1697108744, b=\"2023-10-12T11:05:44\", c=\"10/12/2023 11:05:44\" \
         | convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(a) mktime(b) \
         | convert mktime(c) AS c2",
    );
    assert_eq!(r["a"], json!("2023-10-12T11:05:44"));
    assert_eq!(r["b"], json!(1697108744));
    assert_eq!(r["c"], json!("10/12/2023 11:05:44"));
    assert_eq!(r["c2"], json!(1697108744));
}

#[test]
fn convert_leaves_values_it_cannot_convert() {
    let r = eval1("a=\"soon\" | convert ctime(a) mktime(missing)");
    assert_eq!(r["a"], json!("soon"));
    assert!(r.get("missing").is_none());
}

#[test]
fn convert_renders_in_tz() {
    let out = spleval()
        .args([
            "run",
            "--now",
            "1700000000",
            "--tz",
            "Asia/Tokyo",
            "--format",
            "json",
            "--spl",
            "| makeresults | convert ctime(_time) AS t",
        ])
        .output()
        .unwrap();
    assert_eq!(rows(&out.stdout)[0]["t"], json!("11/15/2023 07:13:20"));
}

// ---- head / tail ---------------------------------------------------------------

#[test]
fn head_counts() {
    assert_eq!(ids("* | head 2"), ["5", "4"]);
    assert_eq!(ids("* | head limit=3"), ["5", "4", "3"]);
    let many: Vec<Value> = (0..20).map(|i| json!({"id": i, "_time": i})).collect();
    // Default 10.
    assert_eq!(col(&run_spl("* | head", &nd(&many)), "id").len(), 10);
}

#[test]
fn tail_returns_the_last_in_reverse() {
    assert_eq!(ids("* | tail 2"), ["1", "2"]);
    assert_eq!(ids("* | tail"), ["1", "2", "3", "4", "5"]);
}

// ---- sort ------------------------------------------------------------------

#[test]
fn sort_ascending_descending() {
    // Numbers numerically and before strings.
    assert_eq!(ids("* | sort n"), ["5", "4", "1", "2", "3"]);
    assert_eq!(ids("* | sort +n"), ["5", "4", "1", "2", "3"]);
    assert_eq!(ids("* | sort -n"), ["3", "2", "1", "4", "5"]);
    assert_eq!(ids("* | sort n desc"), ["3", "2", "1", "4", "5"]);
    // Several keys; upper case before lower case.
    assert_eq!(ids("* | sort user, -n"), ["5", "2", "1", "3", "4"]);
    assert_eq!(ids("* | sort user -_time"), ["5", "2", "1", "4", "3"]);
}

#[test]
fn sort_num_and_str() {
    assert_eq!(ids("* | sort num(n)"), ["5", "4", "1", "2", "3"]);
    // Lexicographic: "-1" < "10" < "2" < "3" < "abc".
    assert_eq!(ids("* | sort str(n)"), ["5", "2", "4", "1", "3"]);
    assert_eq!(ids("* | sort -str(n)"), ["3", "1", "4", "2", "5"]);
}

#[test]
fn sort_limits() {
    assert_eq!(ids("* | sort 2 n"), ["5", "4"]);
    assert_eq!(ids("* | sort limit=2 -n"), ["3", "2"]);
    assert_eq!(ids("* | sort 0 n"), ["5", "4", "1", "2", "3"]);
    // Splunk keeps at most 10,000 results by default.
    let many: String = (0..10_050).map(|i| format!("{{\"i\":{i}}}\n")).collect();
    assert_eq!(run_spl("* | sort i", &many).len(), 10_000);
    assert_eq!(run_spl("* | sort 0 i", &many).len(), 10_050);
}

#[test]
fn sort_is_stable_and_missing_values_go_last() {
    // h is missing on 5 and 4. Splunk: "Results missing a given field are treated
    // as having the smallest possible value of that field if descending or largest
    // possible value of that field if ascending" (sort command usage), so they come
    // last either way; ties keep their incoming (newest-first) order.
    assert_eq!(ids("* | sort h"), ["3", "1", "2", "5", "4"]);
    assert_eq!(ids("* | sort -h"), ["2", "3", "1", "5", "4"]);
}

// ---- dedup -----------------------------------------------------------------

#[test]
fn dedup_keeps_first_in_search_order() {
    assert_eq!(ids("* | dedup user"), ["5", "4", "2"]);
    assert_eq!(ids("* | dedup 2 user"), ["5", "4", "3", "2", "1"]);
    assert_eq!(ids("* | dedup user h"), ["3", "2", "1"]);
}

#[test]
fn dedup_keepempty() {
    assert_eq!(ids("* | dedup h"), ["3", "2"]);
    assert_eq!(ids("* | dedup h keepempty=true"), ["5", "4", "3", "2"]);
    assert_eq!(ids("* | dedup h keepempty=false"), ["3", "2"]);
}

#[test]
fn dedup_consecutive() {
    // Newest first: B b b a a → only runs collapse.
    assert_eq!(ids("* | dedup user consecutive=true"), ["5", "4", "2"]);
    // h: (none) (none) x y x → missing dropped, x y x all kept.
    assert_eq!(ids("* | dedup h consecutive=true"), ["3", "2", "1"]);
}

#[test]
fn dedup_is_case_sensitive() {
    let ev = [
        json!({"id": "1", "u": "A", "_time": 2}),
        json!({"id": "2", "u": "a", "_time": 1}),
    ];
    assert_eq!(col(&run_spl("* | dedup u", &nd(&ev)), "id"), ["1", "2"]);
}

// ---- makeresults -------------------------------------------------------------

#[test]
fn makeresults_generates_without_reading_input() {
    // stdin is never read (no input is given and the command does not block).
    let out = spleval()
        .args([
            "run",
            "--now",
            "1700000000",
            "--format",
            "json",
            "--spl",
            "| makeresults",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(rows(&out.stdout), [json!({"_time": 1700000000})]);
    let r = run_spl("| makeresults count=3 | eval x=1", "");
    assert_eq!(r.len(), 3);
    assert!(r.iter().all(|x| x["_time"] == json!(1700000000)));
}

#[test]
fn makeresults_annotate() {
    // Splunk: annotate=true adds _raw, host, source, sourcetype,
    // splunk_server_group (no value) and splunk_server (the server's name).
    let r = run_spl("| makeresults annotate=true", "");
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["_time"], json!(1700000000));
    assert!(r[0]["splunk_server"].is_string());
    let r = run_spl("| makeresults count=2 annotate=f", "");
    assert_eq!(
        r,
        [json!({"_time": 1700000000}), json!({"_time": 1700000000})]
    );
}

#[test]
fn makeresults_must_come_first() {
    let out = spleval()
        .args(["run", "--spl", "* | makeresults"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// ---- search as a command ----------------------------------------------------------

#[test]
fn search_command_keyword_is_optional_and_case_insensitive() {
    // user=b matches "b" and "B".
    assert_eq!(ids("search user=b"), ["5", "4", "3"]);
    assert_eq!(ids("SEARCH user=b | HEAD 1"), ["5"]);
    assert_eq!(ids("user=b | Search n=abc"), ["3"]);
}

#[test]
fn where_filters_with_eval_expressions() {
    // "abc" > "2" lexically.
    assert_eq!(ids("* | where n>2"), ["3", "2", "1"]);
    assert_eq!(ids("* | where isnull(h)"), ["5", "4"]);
    assert_eq!(ids("* | where like(user, \"B%\")"), ["5"]);
    assert_eq!(ids("* | where user=\"b\" AND n=\"abc\""), ["3"]);
}

/// Issue 14: the buffer before a dedup keeps only the first N events of
/// each combination (in search order). Checked against a model over events
/// whose times are shuffled, tied and missing, with fields missing: the rows are the first N per key in (time desc, input
/// order), then in that order.
#[test]
fn dedup_buffer_keeps_what_dedup_keeps() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x9e37_79b9);
    let mut rnd = |m: u64| rng.random_range(0..m);
    let mut evs = Vec::new();
    for i in 0..400 {
        let mut o = serde_json::Map::new();
        o.insert("id".into(), json!(i.to_string()));
        if rnd(10) > 0 {
            o.insert("_time".into(), json!(1000 + rnd(40)));
        }
        match rnd(8) {
            0 => {}
            1 => {
                o.insert("u".into(), json!(["a", "b"]));
            }
            k => {
                o.insert("u".into(), json!(format!("u{}", k % 4)));
            }
        }
        if rnd(6) > 0 {
            o.insert("h".into(), json!(format!("h{}", rnd(3))));
        }
        evs.push(serde_json::Value::Object(o));
    }
    // Search order: newest first (no time: last), then input order.
    let mut order: Vec<usize> = (0..evs.len()).collect();
    let t = |i: usize| evs[i]["_time"].as_u64().map_or(-1, |t| t as i64);
    order.sort_by_key(|&i| (std::cmp::Reverse(t(i)), i));
    let key = |i: usize, fields: &[&str]| -> Option<String> {
        let mut k = String::new();
        for f in fields {
            let v = &evs[i][*f];
            let text = match v {
                // A JSON array is the field `u{}`, not `u`.
                serde_json::Value::Null | serde_json::Value::Array(_) => return None,
                other => other.as_str().unwrap().to_string(),
            };
            k.push_str(&text);
            k.push('\u{1}');
        }
        Some(k)
    };
    let input = nd(&evs);
    for (spl, fields, n, keepempty) in [
        ("* | dedup u", &["u"][..], 1, false),
        ("* | dedup 3 u", &["u"][..], 3, false),
        ("* | dedup u h", &["u", "h"][..], 1, false),
        ("* | dedup 2 h keepempty=true", &["h"][..], 2, true),
    ] {
        let mut seen = std::collections::HashMap::new();
        let mut want = Vec::new();
        for &i in &order {
            match key(i, fields) {
                None if keepempty => want.push(i.to_string()),
                None => {}
                Some(k) => {
                    let c = seen.entry(k).or_insert(0);
                    if *c < n {
                        *c += 1;
                        want.push(i.to_string());
                    }
                }
            }
        }
        assert_eq!(col(&run_spl(spl, &input), "id"), want, "{spl}");
    }
}
