//! Acceptance of issue 2 through the binary: the seed detection over the
//! shipped sample (README's command) in every output format, `expand`, and
//! the same detection run unmodified from the shared security_content corpus.

use crate::common;

use crate::common::{col, rows, shared, spleval, SEED, SEED_SAMPLE};
use serde_json::json;

const ALICE: &str = "alice@contoso.onmicrosoft.com";
const BOB: &str = "bob@contoso.onmicrosoft.com";
const DECLINED: &str = "User declined to consent to access the app.";

fn run_seed(format: &str) -> String {
    let out = spleval()
        .args(["run", "--format", format, SEED, SEED_SAMPLE])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "seed run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "no warnings expected: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The rows Splunk returns for the sample: alice's two 65004 refusals collapse
/// into one row whose lastTime is the newer one (11:05:44, not 09:15:02);
/// bob has one; alice's successful sign-in (errorCode 0), carol's 50126 and
/// dave's 65004 under another sourcetype are not selected.
fn expected_rows() -> Vec<serde_json::Value> {
    vec![
        json!({
            "user": ALICE,
            "src_ip": "203.0.113.10",
            "appDisplayName": "MailSyncPro",
            "status.failureReason": DECLINED,
            "lastTime": "2023-10-12T11:05:44",
        }),
        json!({
            "user": BOB,
            "src_ip": "198.51.100.7",
            "appDisplayName": "Graph Explorer",
            "status.failureReason": DECLINED,
            "lastTime": "2023-10-12T10:00:00",
        }),
    ]
}

#[test]
fn seed_json_rows_are_exact() {
    let got = rows(run_seed("json").as_bytes());
    assert_eq!(got, expected_rows());
    // Column order is the stats order: group-by fields, then the aggregate.
    let keys: Vec<&String> = got[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "user",
            "src_ip",
            "appDisplayName",
            "status.failureReason",
            "lastTime"
        ]
    );
    assert!(!col(&got, "user").contains(&"dave@contoso.onmicrosoft.com".to_string()));
    assert!(!col(&got, "user").contains(&"carol@contoso.onmicrosoft.com".to_string()));
}

#[test]
fn seed_default_format_off_a_terminal_is_json() {
    let out = spleval().args(["run", SEED, SEED_SAMPLE]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(rows(&out.stdout), expected_rows());
}

#[test]
fn seed_csv_is_exact() {
    assert_eq!(
        run_seed("csv"),
        "user,src_ip,appDisplayName,status.failureReason,lastTime\n\
         alice@contoso.onmicrosoft.com,203.0.113.10,MailSyncPro,User declined to consent to access the app.,2023-10-12T11:05:44\n\
         bob@contoso.onmicrosoft.com,198.51.100.7,Graph Explorer,User declined to consent to access the app.,2023-10-12T10:00:00\n"
    );
}

#[test]
fn seed_table_is_the_readme_table() {
    assert_eq!(
        run_seed("table"),
        "\
| user                          | src_ip       | appDisplayName | status.failureReason                        | lastTime            |
|-------------------------------|--------------|----------------|---------------------------------------------|---------------------|
| alice@contoso.onmicrosoft.com | 203.0.113.10 | MailSyncPro    | User declined to consent to access the app. | 2023-10-12T11:05:44 |
| bob@contoso.onmicrosoft.com   | 198.51.100.7 | Graph Explorer | User declined to consent to access the app. | 2023-10-12T10:00:00 |
"
    );
    // The README shows the same table.
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    assert!(readme.contains(
        "| alice@contoso.onmicrosoft.com | 203.0.113.10 | MailSyncPro    | User declined to consent to access the app. | 2023-10-12T11:05:44 |"
    ));
}

#[test]
fn seed_table_cells_match_the_json_rows() {
    // Every cell of the table is the JSON value of the same row and column.
    let table = run_seed("table");
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "header, rule, two rows: {table}");
    let cells = |l: &str| -> Vec<String> {
        l.trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    };
    let header = cells(lines[0]);
    for (line, want) in lines[2..].iter().zip(expected_rows()) {
        for (h, c) in header.iter().zip(cells(line)) {
            assert_eq!(want[h.as_str()], json!(c), "column {h}");
        }
    }
}

const EXPANDED_SEED: &str = "sourcetype=o365:graph:api status.errorCode=65004 \
| rename userPrincipalName as user | rename ipAddress as src_ip \
| stats max(_time) as lastTime by user src_ip appDisplayName status.failureReason \
| convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(lastTime) | search *";

#[test]
fn expand_prints_the_seed_without_macros() {
    let out = spleval().args(["expand", SEED]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text, format!("{EXPANDED_SEED}\n"));
    assert!(!text.contains('`'));
}

#[test]
fn expanded_seed_runs_like_the_rule() {
    let out = spleval()
        .args([
            "run",
            "--format",
            "json",
            "--spl",
            EXPANDED_SEED,
            SEED_SAMPLE,
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(rows(&out.stdout), expected_rows());
}

#[test]
fn seed_from_stdin() {
    let sample = std::fs::read_to_string(common::root().join(SEED_SAMPLE)).unwrap();
    let out = spleval()
        .args(["run", "--format", "json", SEED, "-"])
        .write_stdin(sample.clone())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(rows(&out.stdout), expected_rows());
    // No EVENTS at all: stdin too.
    let out = spleval()
        .args(["run", "--format", "json", SEED])
        .write_stdin(sample)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(rows(&out.stdout), expected_rows());
}

#[test]
fn zero_results_exit_zero() {
    let out = spleval()
        .args(["run", "--format", "json", SEED, "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

/// The sample with `sourcetype` removed from the Graph events (the shared
/// corpus' test data carries it in the test's metadata, not in the events);
/// dave's event keeps its other sourcetype, which --sourcetype must not override.
fn sample_without_sourcetype(dir: &std::path::Path) -> std::path::PathBuf {
    let sample = std::fs::read_to_string(common::root().join(SEED_SAMPLE)).unwrap();
    let mut out = String::new();
    for line in sample.lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
        let obj = v.as_object_mut().unwrap();
        if obj["sourcetype"] == "o365:graph:api" {
            obj.remove("sourcetype");
        }
        out.push_str(&serde_json::to_string(&v).unwrap());
        out.push('\n');
    }
    let p = dir.join("events.jsonl");
    std::fs::write(&p, out).unwrap();
    p
}

fn run_shared(extra: &[&str]) -> Option<Vec<serde_json::Value>> {
    let shared = shared()?;
    let dir = tempfile::tempdir().unwrap();
    let events = sample_without_sourcetype(dir.path());
    let rule = shared.join(
        "security_content/detections/cloud/o365_user_consent_denied_for_oauth_application.yml",
    );
    let out = spleval()
        .arg("run")
        .arg("--rules")
        .arg(shared.join("security_content"))
        .args(["--sourcetype", "o365:graph:api", "--format", "json"])
        .args(extra)
        .arg(rule)
        .arg(events)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(rows(&out.stdout))
}

#[test]
fn shared_corpus_rule_runs_unmodified() {
    let Some(got) = run_shared(&[]) else { return };
    // One row per user/src_ip/app/reason, lastTime as %Y-%m-%dT%H:%M:%S in UTC.
    assert_eq!(got, expected_rows());
    let re = regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$").unwrap();
    for t in col(&got, "lastTime") {
        assert!(re.is_match(&t), "{t}");
    }
}

#[test]
fn shared_corpus_expand_matches_ours() {
    let Some(shared) = shared() else { return };
    let out = spleval()
        .arg("expand")
        .arg("--rules")
        .arg(shared.join("security_content"))
        .arg(shared.join(
            "security_content/detections/cloud/o365_user_consent_denied_for_oauth_application.yml",
        ))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{EXPANDED_SEED}\n")
    );
}

#[test]
fn tz_changes_the_rendering() {
    let Some(got) = run_shared(&["--tz", "America/New_York"]) else {
        return;
    };
    // 2023-10-12 is in daylight saving time: UTC-4.
    assert_eq!(
        col(&got, "lastTime"),
        ["2023-10-12T07:05:44", "2023-10-12T06:00:00"]
    );
    let got = run_shared(&["--tz", "Asia/Kolkata"]).unwrap();
    assert_eq!(
        col(&got, "lastTime"),
        ["2023-10-12T16:35:44", "2023-10-12T15:30:00"]
    );
}

#[test]
fn tz_changes_the_rendering_of_the_seed() {
    // Same check on our own rule pack (no shared corpus needed).
    let out = spleval()
        .args([
            "run",
            "--format",
            "json",
            "--tz",
            "Europe/Lisbon",
            SEED,
            SEED_SAMPLE,
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        col(&rows(&out.stdout), "lastTime"),
        ["2023-10-12T12:05:44", "2023-10-12T11:00:00"]
    );
}
