//! The flags that `run`, `hunt`, `test`, `repl` and `filter` share
//! (`src/cli/args.rs`): declared once, honoured by each subcommand.

use std::path::Path;

use crate::common::{spleval, SEED, SEED_SAMPLE};

/// A knowledge pack that stamps every event of `sourcetype=flagtest`.
fn pack(dir: &Path) {
    std::fs::write(
        dir.join("stamp.yml"),
        "- name: stamp\n  sourcetype: flagtest\n  eval: {stamp: '\"from the pack\"'}\n",
    )
    .unwrap();
}

#[test]
fn repl_applies_knowledge_folders_and_no_knowledge() {
    let dir = tempfile::tempdir().unwrap();
    pack(dir.path());
    let events = dir.path().join("e.jsonl");
    std::fs::write(&events, "{\"a\":1}\n").unwrap();
    let session = |extra: &[&str]| {
        let xdg = tempfile::tempdir().unwrap();
        let out = spleval()
            .arg("repl")
            .args(["--sourcetype", "flagtest", "--format", "json"])
            .args(extra)
            .arg(&events)
            .env("XDG_DATA_HOME", xdg.path())
            .write_stdin("search * | table stamp\n")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let knowledge = dir.path().to_string_lossy().into_owned();
    assert!(session(&["--knowledge", &knowledge]).contains("from the pack"));
    assert!(!session(&[]).contains("from the pack"));
    assert!(!session(&["--knowledge", &knowledge, "--no-knowledge"]).contains("from the pack"));
}

#[test]
fn a_bad_time_zone_is_a_usage_error_in_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let invocations: Vec<Vec<&str>> = vec![
        vec!["run", "--tz", "Mars/Base", SEED, SEED_SAMPLE],
        vec![
            "test",
            "--tz",
            "Mars/Base",
            "--data",
            "tests/fixtures/attack_data",
            SEED,
        ],
        vec![
            "filter",
            "--tz",
            "Mars/Base",
            "--with",
            "search *",
            SEED,
            SEED_SAMPLE,
        ],
        vec!["repl", "--tz", "Mars/Base"],
    ];
    for args in invocations {
        let out = spleval()
            .args(&args)
            .env("XDG_DATA_HOME", dir.path())
            .write_stdin("")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("--tz"), "{args:?}: {err}");
    }
}

#[test]
fn a_missing_knowledge_folder_is_an_error_in_test_and_filter() {
    for args in [
        vec![
            "test",
            "--knowledge",
            "no/such/dir",
            "--data",
            "tests/fixtures/attack_data",
            SEED,
        ],
        vec![
            "filter",
            "--knowledge",
            "no/such/dir",
            "--with",
            "search *",
            SEED,
            SEED_SAMPLE,
        ],
    ] {
        let out = spleval().args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            err.contains("knowledge folder no/such/dir does not exist"),
            "{args:?}: {err}"
        );
    }
}
