//! Hostile input ends in a clear error or the right answer, never a crash:
//! nesting and pipeline limits, macro expansion budgets, printf sizes,
//! a closed standard output, transaction over many keys.

use std::fs;

use spleval::spl::lex::MAX_DEPTH;

use crate::common::{self, spleval};

fn rule(dir: &std::path::Path, name: &str, search: &str) -> std::path::PathBuf {
    fs::create_dir_all(dir.join("macros")).unwrap();
    let p = dir.join(name);
    fs::write(
        &p,
        format!(
            "name: t\nsearch: {}\n",
            serde_json::to_string(search).unwrap()
        ),
    )
    .unwrap();
    p
}

/// Right under the limit everything works on a 2 MiB stack (rayon's and
/// the test harness's), parsing, evaluating and dropping; one more level
/// is an error at its place.
#[test]
fn nesting_up_to_the_limit_works_on_a_small_stack_and_past_it_is_an_error() {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let n = MAX_DEPTH - 1;
            let parens = "(".repeat(n) + "1" + &")".repeat(n);
            let c = spleval::eval::compile_text(&parens).unwrap();
            let ctx = spleval::functions::FnCtx::default();
            let ev = spleval::base::event::Event::new();
            assert_eq!(
                spleval::eval::eval(&c, &ev, &ctx).unwrap().to_display(","),
                "1"
            );
            let chain = vec!["1"; n].join("+");
            let c = spleval::eval::compile_text(&chain).unwrap();
            assert_eq!(
                spleval::eval::eval(&c, &ev, &ctx).unwrap().to_display(","),
                n.to_string()
            );
            let search = format!("search {}a=1{}", "(".repeat(n), ")".repeat(n));
            let p = spleval::commands::parse_pipeline(&search).unwrap();
            drop(p);
            let nots = format!("search {}a=1", "NOT ".repeat(n));
            spleval::commands::parse_pipeline(&nots).unwrap();
            // One level more.
            let e = spleval::eval::compile_text(&format!("(({parens}))")).unwrap_err();
            assert!(e.contains("nested too deeply"), "{e}");
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn deep_nesting_is_an_error_at_its_place() {
    let t = tempfile::tempdir().unwrap();
    let deep = format!("search {}a=1{}", "(".repeat(10_000), ")".repeat(10_000));
    let r = rule(t.path(), "deep.yml", &deep);
    let out = spleval().args(["parse"]).arg(&r).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nested too deeply: more than 400 levels"),
        "{err}"
    );
    // The caret is at the 401st parenthesis: column 8 + 400.
    assert!(err.contains("deep.yml:2 (search):1:408"), "{err}");
    // Long flat chains too: 20,000 ANDs in where, 20,000 terms in eval.
    let and = format!(
        "| makeresults | where {}",
        vec!["x=1"; 20_000].join(" AND ")
    );
    let r = rule(t.path(), "and.yml", &and);
    let out = spleval()
        .args(["run", "--rules"])
        .arg(t.path())
        .arg(&r)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nested too deeply"));
    // A flat OR of 20,000 search terms is a list, not a nest: it runs.
    let or = format!(
        "| makeresults | eval x=19999 | search {}",
        (0..20_000)
            .map(|i| format!("x={i}"))
            .collect::<Vec<_>>()
            .join(" OR ")
    );
    let r = rule(t.path(), "or.yml", &or);
    let out = spleval()
        .args(["run", "--format", "json", "--rules"])
        .arg(t.path())
        .arg(&r)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(common::rows(&out.stdout).len(), 1);
}

#[test]
fn too_many_commands_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    let long = format!("| makeresults {}", "| eval x=1 ".repeat(20_000));
    let r = rule(t.path(), "long.yml", &long);
    let out = spleval().args(["parse"]).arg(&r).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("too many commands: a search may have at most 1000"),
        "{err}"
    );
    let ok = format!("| makeresults {}", "| eval x=1 ".repeat(998));
    let r = rule(t.path(), "ok.yml", &ok);
    let out = spleval().args(["parse"]).arg(&r).output().unwrap();
    assert!(out.status.success());
}

/// A macro calling the next one twice, 39 levels deep: 2^39 calls.
#[test]
fn exponential_macro_expansion_stops_with_its_chain() {
    let t = tempfile::tempdir().unwrap();
    let m = t.path().join("macros");
    fs::create_dir_all(&m).unwrap();
    for i in 0..39 {
        fs::write(
            m.join(format!("m{i}.yml")),
            format!("name: m{i}\ndefinition: '`m{}` `m{}`'\n", i + 1, i + 1),
        )
        .unwrap();
    }
    fs::write(m.join("m39.yml"), "name: m39\ndefinition: 'x=1'\n").unwrap();
    let r = rule(t.path(), "b.yml", "`m0` | stats count");
    let out = spleval()
        .args(["expand", "--rules"])
        .arg(t.path())
        .arg(&r)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("macro expansion too large: more than 100000 macro calls"),
        "{err}"
    );
    assert!(err.contains("m0 ->"), "the chain is named: {err}");
    let out = spleval()
        .args(["macro", "check", "--rules"])
        .arg(t.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).is_empty());
}

#[test]
fn dedup_with_a_negative_count_is_an_error() {
    let out = spleval()
        .args(["run", "--spl", "| makeresults | eval x=1 | dedup -1 x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}

/// `>&-`: results have nowhere to go; that is an error, not exit 0. A
/// reader that goes away (`| head`) stays quiet.
#[test]
fn closed_stdout_is_an_error() {
    let bin = assert_cmd::cargo::cargo_bin("spleval");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' run --spl '| makeresults count=3' >&-",
            bin.display()
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard output is closed"));
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' run --format json --spl '| makeresults count=100000' | head -1",
            bin.display()
        ))
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}

/// 40,000 transactions, one per id: each event its own transaction (the
/// open ones are found by value, not by a scan of all of them).
#[test]
fn transaction_over_many_distinct_ids() {
    let mut events = String::new();
    for i in 0..40_000 {
        events.push_str(&format!(
            "{{\"_time\":{},\"id\":\"u{}\"}}\n",
            1_700_000_000 + i,
            i % 20_000
        ));
    }
    let out = spleval()
        .args([
            "run",
            "--format",
            "json",
            "--spl",
            "* | transaction id | stats count by eventcount",
        ])
        .write_stdin(events)
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows = common::rows(&out.stdout);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["eventcount"], 2);
    assert_eq!(rows[0]["count"], 20000);
}
