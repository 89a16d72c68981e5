//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `spleval` binary, run from the project root, with a fixed clock and no colour.
pub fn spleval() -> Command {
    let mut c = Command::cargo_bin("spleval").expect("binary builds");
    c.current_dir(root()).env("NO_COLOR", "1");
    c
}

/// `../shared` (the corpus and datasets), or None with a message saying the
/// test is skipped because it is absent. CI always has it.
pub fn shared() -> Option<PathBuf> {
    let p = root().join("..").join("shared");
    if p.join("security_content").is_dir() {
        Some(p)
    } else {
        eprintln!(
            "SKIPPED: {} is absent; this test needs the shared corpus (CI always has it)",
            p.display()
        );
        None
    }
}

pub const SEED: &str = "rules/detections/cloud/o365_user_consent_denied_for_oauth_application.yml";
pub const SEED_SAMPLE: &str = "rules/samples/o365_graph_signins.jsonl";

/// Runs SPL over NDJSON given as a string; returns the result rows as JSON.
pub fn run_spl(spl: &str, events: &str) -> Vec<serde_json::Value> {
    rows(run_spl_as("json", spl, events).as_bytes())
}

/// Runs SPL over NDJSON given as a string, at a fixed clock, in `--format
/// <format>`; returns stdout (the test fails with stderr if the run does).
pub fn run_spl_as(format: &str, spl: &str, events: &str) -> String {
    run_spl_args(format, &[], spl, events)
}

/// [`run_spl`] with extra `spleval run` flags (`--sourcetype x`, `--rules
/// DIR`, …).
pub fn run_spl_with(flags: &[&str], spl: &str, events: &str) -> Vec<serde_json::Value> {
    rows(run_spl_args("json", flags, spl, events).as_bytes())
}

/// Runs SPL with extra `run` flags in `--format <format>`; returns stdout
/// (the test fails with stderr if the run does).
pub fn run_spl_args(format: &str, flags: &[&str], spl: &str, events: &str) -> String {
    let out = spleval()
        .args(["run", "--now", "1700000000", "--format", format])
        .args(flags)
        .args(["--spl", spl])
        .write_stdin(events.to_string())
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "spleval failed for {spl:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The stdout of a run that must have succeeded (else the test fails with its stderr).
pub fn stdout_ok(out: std::process::Output) -> Vec<u8> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Parses NDJSON output.
pub fn rows(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

/// One field of every row, as text ("" when missing).
pub fn col(rows: &[serde_json::Value], field: &str) -> Vec<String> {
    rows.iter()
        .map(|r| match r.get(field) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
        })
        .collect()
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}

/// Runs a security_content endpoint detection over one Mordor dataset read
/// as `windows:json`; None (with a SKIPPED message) when the data is absent.
pub fn run_mordor(detection: &str, dataset: &str) -> Option<Vec<serde_json::Value>> {
    let shared = shared()?;
    let data = shared.join("datasets/mordor").join(dataset);
    if !data.exists() {
        eprintln!("SKIPPED: {} is absent", data.display());
        return None;
    }
    let sc: std::path::PathBuf = shared.join("security_content");
    let out = spleval()
        .args([
            "run",
            "--format",
            "json",
            "--sourcetype",
            "windows:json",
            "--rules",
        ])
        .arg(&sc)
        .arg(sc.join("detections/endpoint").join(detection))
        .arg(&data)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{detection} on {dataset} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(rows(&out.stdout))
}

/// Parses, prints and parses the print again (sqlparser's `verified_stmt`):
/// the second AST must be the first (positions aside), and printing must be
/// stable after one round. Returns the parsed pipeline.
pub fn roundtrip(spl: &str) -> spleval::spl::ast::Pipeline {
    let a = spleval::commands::parse_pipeline(spl)
        .unwrap_or_else(|e| panic!("{spl:?} does not parse: {}", e.msg));
    let printed = a.to_string();
    let b = spleval::commands::parse_pipeline(&printed)
        .unwrap_or_else(|e| panic!("printed {printed:?} does not parse: {}", e.msg));
    assert_eq!(
        a.shape(),
        b.shape(),
        "round trip changed the AST of {spl:?} (printed {printed:?})"
    );
    assert_eq!(printed, b.to_string(), "printing is not stable for {spl:?}");
    a
}

/// Events as NDJSON, one object per line.
pub fn ndjson(events: &[serde_json::Value]) -> String {
    events
        .iter()
        .map(|e| serde_json::to_string(e).unwrap() + "\n")
        .collect()
}

/// Events with these fields in the order given, `_time` descending, so a
/// search sees them in input order (newest first).
pub fn in_order(fields: &[serde_json::Value]) -> String {
    let n = fields.len() as i64;
    let evs: Vec<serde_json::Value> = fields
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let mut o = f.as_object().unwrap().clone();
            o.insert("_time".into(), serde_json::json!(1000 + n - k as i64));
            serde_json::Value::Object(o)
        })
        .collect();
    ndjson(&evs)
}

/// Runs `spl` over no input (now fixed); returns (exit code, stderr).
pub fn fails(spl: &str) -> (i32, String) {
    let out = spleval()
        .args(["run", "--now", "1700000000", "--spl", spl])
        .write_stdin("")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The single row of `| makeresults | eval <assignments>`, without `_time`.
pub fn eval_row(assignments: &str) -> serde_json::Value {
    let r = run_spl(
        &format!("| makeresults | eval {assignments} | fields - _time"),
        "",
    );
    assert_eq!(r.len(), 1, "{assignments}: {r:?}");
    r[0].clone()
}

/// One field of [`eval_row`]'s row as text ("" when missing).
pub fn eval_one(assignments: &str, field: &str) -> String {
    col(&[eval_row(assignments)], field).remove(0)
}

/// A rules folder holding `lookups/<name>` files (removed when dropped).
pub fn rules_with_lookups(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let lk = dir.path().join("lookups");
    std::fs::create_dir_all(&lk).unwrap();
    for (name, text) in files {
        std::fs::write(lk.join(name), text).unwrap();
    }
    dir
}

/// A data model folder (for `--datamodels`) holding the Search Reference's
/// `internal_server` model: `server` (index=_internal, fields sourcetype)
/// and its child `splunkdaccess` (sourcetype=splunkd_access, fields uri).
pub fn internal_server_model() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("internal_server.yml"),
        "model: internal_server\ndatasets:\n  - name: server\n    constraint: 'index=_internal'\n    \
         fields: [sourcetype]\n  - name: splunkdaccess\n    parent: server\n    \
         constraint: 'sourcetype=splunkd_access'\n    fields: [uri]\n",
    )
    .unwrap();
    dir
}
