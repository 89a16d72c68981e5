//! `spleval filter`: trying a `*_filter` macro definition, and writing it.

use crate::common;

use std::path::Path;

use crate::common::{col, rows, spleval, SEED_SAMPLE};

const SEED_REL: &str = "detections/cloud/o365_user_consent_denied_for_oauth_application.yml";
const FILTER: &str = "o365_user_consent_denied_for_oauth_application_filter";

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// A temporary copy of rules/.
fn rules_copy() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("rules");
    copy_tree(&common::root().join("rules"), &root);
    (dir, root)
}

fn run_seed(root: &Path) -> Vec<serde_json::Value> {
    let out = spleval()
        .args(["run", "--format", "json"])
        .arg(root.join(SEED_REL))
        .arg(SEED_SAMPLE)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    rows(&out.stdout)
}

#[test]
fn shows_removed_and_kept_results() {
    let out = spleval()
        .args([
            "filter",
            "--with",
            "search user!=\"bob@contoso.onmicrosoft.com\"",
        ])
        .arg(common::SEED)
        .arg(SEED_SAMPLE)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&format!(
        "filter macro `{FILTER}`: now \"search *\" (generated)"
    )));
    let removed = stdout
        .find("removed by the new filter (1):")
        .expect(&stdout);
    let kept = stdout.find("kept (1):").expect(&stdout);
    let bob = stdout.find("| bob@contoso.onmicrosoft.com").expect(&stdout);
    let alice = stdout
        .find("| alice@contoso.onmicrosoft.com")
        .expect(&stdout);
    assert!(removed < bob && bob < kept && kept < alice, "{stdout}");
    assert_eq!(
        stdout.lines().last(),
        Some("kept 1 of 2 results (removed 1)"),
        "{stdout}"
    );
}

#[test]
fn write_saves_the_filter_the_next_run_uses() {
    let (_tmp, root) = rules_copy();
    assert_eq!(col(&run_seed(&root), "user").len(), 2);
    let with = "search NOT user=\"bob@*\" | where isnotnull(src_ip)";
    let out = spleval()
        .args(["filter", "--write", "--with", with])
        .arg(root.join(SEED_REL))
        .arg(SEED_SAMPLE)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("kept 1 of 2 results (removed 1)"),
        "{stdout}"
    );
    let path = root.join("macros").join(format!("{FILTER}.yml"));
    assert!(
        stdout.contains(&format!("wrote {}", path.display())),
        "{stdout}"
    );

    let m = spleval::content::macros::load_file(&path).unwrap();
    assert_eq!(m.name, FILTER);
    assert_eq!(m.definition, with);
    assert!(m.args.is_empty());
    assert!(m.description.is_some());

    assert_eq!(
        col(&run_seed(&root), "user"),
        vec!["alice@contoso.onmicrosoft.com"]
    );

    // Now the file's definition is the current one.
    let out = spleval()
        .args(["filter", "--with", "search *"])
        .arg(root.join(SEED_REL))
        .arg(SEED_SAMPLE)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("({}:", path.display())),
        "{stdout}"
    );
    assert!(
        stdout.contains("let through by the new filter only (1):"),
        "{stdout}"
    );
}

#[test]
fn a_filter_that_does_not_parse_is_not_written() {
    let (_tmp, root) = rules_copy();
    let out = spleval()
        .args(["filter", "--write", "--with", "where user=="])
        .arg(root.join(SEED_REL))
        .arg(SEED_SAMPLE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("(--with)"),
        "the error points at --with: {stderr}"
    );
    assert!(!root.join("macros").join(format!("{FILTER}.yml")).exists());
}

#[test]
fn a_detection_without_a_filter_macro_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let det = dir.path().join("d.yml");
    std::fs::write(&det, "name: D\nsearch: '`o365_graph` | stats count'\n").unwrap();
    let out = spleval()
        .args(["filter", "--rules", "rules", "--with", "search *"])
        .arg(&det)
        .arg(SEED_SAMPLE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("calls no `*_filter` macro"));
}
