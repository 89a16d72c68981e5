//! `--format ocsf`: Detection Finding records, checked field by field here
//! and validated against the published OCSF schema of the version they name
//! by the PyPI package ocsf-json-schema (pinned in .ci/requirements.txt,
//! installed by .ci/setup). Without it the validation prints SKIPPED.

use std::path::Path;
use std::process::Command;

use serde_json::Value as J;

use crate::common::{rows, spleval, SEED, SEED_SAMPLE};

/// Validates each NDJSON line against the OCSF class schema of its
/// `metadata.version` and `class_uid`, with the package's bundled schema
/// exports; prints one line per error, then `records N errors N`.
const VALIDATE: &str = r#"
import json, sys
import jsonschema
from ocsf_json_schema import get_ocsf_schema, OcsfJsonSchemaEmbedded
validators, errors, n = {}, 0, 0
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    rec = json.loads(line)
    key = (rec["metadata"]["version"], rec["class_uid"])
    if key not in validators:
        s = OcsfJsonSchemaEmbedded(get_ocsf_schema(version=key[0]))
        cls = s.lookup_class_name_from_uid(class_uid=key[1])
        validators[key] = jsonschema.Draft202012Validator(s.get_class_schema(class_name=cls, profiles=[]))
    for e in validators[key].iter_errors(rec):
        errors += 1
        print(f"line {n}: {list(e.absolute_path)}: {e.message[:400]}")
print(f"records {n} errors {errors}")
sys.exit(1 if errors or n == 0 else 0)
"#;

/// The Python that has the validator: $SPLEVAL_PYTHON, else python3.
fn validator() -> Option<String> {
    let py = std::env::var("SPLEVAL_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&py)
        .args(["-c", "import ocsf_json_schema, jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Some(py)
    } else {
        eprintln!(
            "SKIPPED: OCSF validation: {py} lacks ocsf-json-schema/jsonschema (CI installs them: bash .ci/setup)"
        );
        None
    }
}

/// Runs the validator over records; panics with its report on any error.
pub fn validate(records: &[J]) {
    let Some(py) = validator() else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("records.ndjson");
    let text: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&file, text).unwrap();
    let out = Command::new(py)
        .args(["-c", VALIDATE, file.to_str().unwrap()])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "OCSF validation failed:\n{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("OCSF validation: {}", report.trim());
}

fn ocsf(args: &[&str], cwd: Option<&Path>) -> Vec<J> {
    let mut c = spleval();
    if let Some(d) = cwd {
        c.current_dir(d);
    }
    let out = c.args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    rows(&out.stdout)
}

#[test]
fn findings_ocsf_seed_records() {
    let r = ocsf(&["run", "--format", "ocsf", SEED, SEED_SAMPLE], None);
    assert_eq!(r.len(), 2);
    let x = &r[0];
    assert_eq!(x["class_uid"], 2004);
    assert_eq!(x["category_uid"], 2);
    assert_eq!(x["type_uid"], 200401);
    assert_eq!(x["metadata"]["version"], "1.1.0");
    assert_eq!(x["metadata"]["product"]["name"], "spleval");
    assert_eq!(x["time"], 1697108744000i64);
    assert_eq!(x["risk_score"], 30);
    assert_eq!(x["severity_id"], 2);
    let info = &x["finding_info"];
    assert_eq!(
        info["title"],
        "O365 User Consent Denied for OAuth Application"
    );
    assert_eq!(
        info["analytic"]["uid"],
        "2d8679ef-b075-46be-8059-c25116cb1072"
    );
    assert_eq!(info["analytic"]["type_id"], 1);
    assert_eq!(info["attacks"][0]["technique"]["uid"], "T1528");
    assert_eq!(info["attacks"][0]["tactic"]["uid"], "TA0006");
    assert_eq!(
        x["message"],
        "User alice@contoso.onmicrosoft.com denied consent for an OAuth application."
    );
    let obs: Vec<(&str, i64, &str)> = x["observables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap(),
                o["type_id"].as_i64().unwrap(),
                o["value"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        obs,
        [
            ("user", 4, "alice@contoso.onmicrosoft.com"),
            ("src_ip", 2, "203.0.113.10")
        ]
    );
    assert_eq!(x["resources"][0]["name"], "alice@contoso.onmicrosoft.com");
    assert_eq!(x["resources"][0]["type"], "user");
    assert_eq!(x["evidences"][0]["data"]["appDisplayName"], "MailSyncPro");
    assert_eq!(
        x["unmapped"]["analytic_stories"][0],
        "Office 365 Account Takeover"
    );
    validate(&r);
}

#[test]
fn findings_ocsf_validate_varied_records() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("macros")).unwrap();
    std::fs::create_dir_all(d.path().join("detections")).unwrap();
    // Sub-techniques, an unknown technique, multivalues, an IP as a system,
    // a missing field, no times at all, rba: and tags: schemas, odd types.
    let search = r#"sourcetype=t | eval user=if(n=2, null(), "u".n), dest=split("10.1.1.".n.",host".n, ","), cmd="a <b> & \"c\"", h="d41d8cd98f00b204e9800998ecf8427e" | table n user dest cmd h"#;
    std::fs::write(
        d.path().join("events.jsonl"),
        "{\"n\":1,\"sourcetype\":\"t\"}\n{\"n\":2,\"sourcetype\":\"t\"}\n{\"n\":3,\"sourcetype\":\"t\"}\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("detections/a.yml"),
        format!("name: A\nid: a-1\nversion: 1\ntype: TTP\ndescription: d\ndata_source: [X]\nsearch: '{search}'\ntags:\n  message: $user$ ran $cmd$ on $dest$\n  risk_score: 95\n  confidence: 50\n  impact: 80\n  mitre_attack_id: [T1059.001, T1027, T0000]\n  analytic_story: [S]\n  security_domain: endpoint\n  observable:\n  - {{name: user, type: User, role: [Victim]}}\n  - {{name: dest, type: Endpoint, role: [Victim]}}\n  - {{name: cmd, type: Other, role: [Attacker]}}\n  - {{name: h, type: File Hash, role: [Attacker]}}\n"),
    )
    .unwrap();
    std::fs::write(
        d.path().join("detections/b.yml"),
        format!("name: B\nsearch: '{search}'\nrba:\n  message: x\n  risk_objects:\n  - {{field: dest, type: system, score: 10}}\n  threat_objects:\n  - {{field: cmd, type: command}}\n  - {{field: h, type: file_hash}}\n  - {{field: u, type: registry_path}}\n"),
    )
    .unwrap();
    std::fs::write(
        d.path().join("detections/c.yml"),
        format!("name: C\nsearch: '{search}'\n"),
    )
    .unwrap();
    let r = ocsf(
        &[
            "hunt",
            "--rules",
            ".",
            "--format",
            "ocsf",
            "--no-progress",
            "--now",
            "1700000000",
            "events.jsonl",
        ],
        Some(d.path()),
    );
    assert_eq!(r.len(), 9);
    // No time in the results: the run's now.
    assert!(r.iter().all(|x| x["time"] == 1700000000000i64));
    assert_eq!(r[0]["severity_id"], 5);
    assert_eq!(
        r[0]["finding_info"]["attacks"][0]["sub_technique"]["uid"],
        "T1059.001"
    );
    assert_eq!(
        r[0]["finding_info"]["attacks"][0]["technique"]["uid"],
        "T1059"
    );
    let c = r
        .iter()
        .find(|x| x["finding_info"]["title"] == "C")
        .unwrap();
    assert_eq!(c["severity_id"], 0);
    assert!(c.get("message").is_none());
    validate(&r);
}
