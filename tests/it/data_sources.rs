//! `spleval check --data-sources` over a small rules tree built here: each
//! detection's search against its data sources' example logs.

use std::fs;
use std::path::Path;

use crate::common::{self, spleval};

fn write(p: &Path, text: &str) {
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn fixture() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let r = t.path();
    write(
        &r.join("macros/demo.yml"),
        "name: demo\ndefinition: sourcetype=demo:json\n",
    );
    write(
        &r.join("data_sources/demo_process.yml"),
        "name: Demo Process\nsourcetype: demo:json\nsource: demo\nfields:\n- process_name\n- user\nexample_log: '{\"process_name\": \"cmd.exe\", \"user\": \"bob\", \"kind\": \"start\"}'\n",
    );
    write(
        &r.join("data_sources/demo_blind.yml"),
        "name: Demo Blind\nsourcetype: demo:json\nsource: demo\nfields:\n- process_name\n",
    );
    // The add-on's eventtype, as knowledge: start events are processes.
    write(
        &r.join("knowledge/demo.yml"),
        "- name: demo-tags\n  sourcetype: demo:json\n  eval:\n    tag: 'if(kind=\"start\", split(\"process,report\", \",\"), null())'\n",
    );
    let det = |name: &str, search: &str, sources: &str| {
        format!("name: {name}\nid: 00000000-0000-0000-0000-000000000000\nsearch: '{search}'\ndata_source:\n{sources}")
    };
    write(
        &r.join("detections/plain.yml"),
        &det(
            "Plain",
            "`demo` process_name=cmd.exe | eval who=user | stats count by who, dest",
            "- Demo Process\n",
        ),
    );
    write(
        &r.join("detections/tstats.yml"),
        &det(
            "Tstats",
            "| tstats count from datamodel=Endpoint.Processes by Processes.process_name Processes.dest",
            "- Demo Process\n- Demo Blind\n",
        ),
    );
    write(
        &r.join("detections/unknown.yml"),
        &det(
            "Unknown Source",
            "`demo` | stats count by user",
            "- Nowhere\n",
        ),
    );
    write(
        &r.join("detections/fine.yml"),
        &det(
            "Fine",
            "`demo` | rename user as account | stats count by account, process_name",
            "- Demo Process\n",
        ),
    );
    t
}

#[test]
fn reports_missing_fields_unverifiable_and_unknown_sources() {
    let t = fixture();
    let r = t.path();
    let out = spleval()
        .args(["check", "--data-sources", "--knowledge"])
        .arg(r.join("knowledge"))
        .arg("--rules")
        .arg(r)
        .arg(r.join("detections"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // `who` comes from the eval, `user` is in the example; `dest` is not.
    assert!(text.contains("Plain ("), "{text}");
    assert!(text.contains("  Demo Process: missing dest\n"), "{text}");
    // The example enters Endpoint.Processes through the knowledge's tag.
    assert!(
        text.contains("  Demo Process: missing Processes.dest\n"),
        "{text}"
    );
    assert!(
        text.contains("  Demo Blind: unverifiable (no example log)"),
        "{text}"
    );
    assert!(text.contains("  Nowhere: no such data source"), "{text}");
    assert!(
        !text.contains("Fine ("),
        "rename and stats read only what is there: {text}"
    );
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("4 detection(s): 1 verified, 2 missing fields, 1 unverifiable"),
        "{last}"
    );
    assert!(
        last.contains("data model reach 1/1 uses (100.0%)"),
        "{last}"
    );

    // Without the knowledge, the example enters no dataset.
    let out = spleval()
        .args(["check", "--data-sources", "--format", "json", "--rules"])
        .arg(r)
        .arg(r.join("detections/tstats.yml"))
        .output()
        .unwrap();
    let rows = common::rows(&out.stdout);
    let ds = &rows[0]["data_sources"][0];
    assert_eq!(ds["data_source"], "Demo Process");
    assert_eq!(ds["enters_dataset"], false);
    assert_eq!(rows[0]["dataset"], "Endpoint.Processes");
    assert_eq!(rows[1]["summary"]["datamodel_uses_entered"], 0);
}

#[test]
fn needs_a_data_sources_folder() {
    let t = fixture();
    fs::remove_dir_all(t.path().join("data_sources")).unwrap();
    let out = spleval()
        .args(["check", "--data-sources", "--rules"])
        .arg(t.path())
        .arg(t.path().join("detections"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}

/// The whole corpus, in seconds (timed by the CI log, not asserted): a
/// summary line, the CrowdStrike process events in Endpoint.Processes, and
/// the same report with knowledge evals specialised or not.
#[test]
fn corpus_lint_runs() {
    let Some(shared) = common::shared() else {
        return;
    };
    let sc = shared.join("security_content");
    let lint = |specialise: bool| {
        let mut cmd = spleval();
        if specialise {
            cmd.env_remove("SPLEVAL_NO_SPECIALISE");
        } else {
            cmd.env("SPLEVAL_NO_SPECIALISE", "1");
        }
        cmd.args(["check", "--data-sources", "--format", "json", "--rules"])
            .arg(&sc)
            .arg(sc.join("detections"))
            .output()
            .unwrap()
    };
    let out = lint(true);
    assert!(out.status.success());
    // Every example log gets the same fields with the knowledge's evals
    // specialised per key value as without (content::knowledge::specialise).
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&lint(false).stdout)
    );
    let rows = common::rows(&out.stdout);
    let summary = &rows.last().unwrap()["summary"];
    assert!(summary["detections"].as_u64().unwrap() > 1000, "{summary}");
    let whoami = rows
        .iter()
        .find(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("system_user_discovery_with_whoami.yml"))
        })
        .expect("whoami detection");
    let cs = whoami["data_sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["data_source"] == "CrowdStrike ProcessRollup2")
        .expect("lists CrowdStrike");
    assert_eq!(cs["enters_dataset"], true, "{cs}");
}
