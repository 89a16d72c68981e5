//! `--format findings` (issue 17): every finding validates against
//! `grammar/findings.schema.json`; the seed's findings carry what ES would
//! record; tokens, multivalues, missing fields, `rba:` and `tags:`; `run`,
//! `hunt` and `test` alike; the diagnostics.

use std::path::{Path, PathBuf};

use serde_json::{json, Value as J};

use crate::common::{self, root, rows, spleval, SEED, SEED_SAMPLE};

/// The findings schema, compiled once per test.
fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("grammar/findings.schema.json"))
        .expect("grammar/findings.schema.json");
    let doc: J = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::draft202012::new(&doc).expect("the schema compiles")
}

/// Asserts every finding is valid.
pub fn assert_valid(findings: &[J]) {
    let v = schema();
    for f in findings {
        let errors: Vec<String> = v
            .iter_errors(f)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "invalid finding {f}:\n{}",
            errors.join("\n")
        );
    }
}

fn findings_of(args: &[&str]) -> Vec<J> {
    let out = spleval().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let f = rows(&out.stdout);
    assert_valid(&f);
    f
}

/// A rules folder with one detection (and an empty macros folder).
fn rule(dir: &Path, yaml: &str) -> PathBuf {
    std::fs::create_dir_all(dir.join("macros")).unwrap();
    std::fs::create_dir_all(dir.join("detections")).unwrap();
    let p = dir.join("detections/d.yml");
    std::fs::write(&p, yaml).unwrap();
    p
}

const MAKE: &str = r#"| makeresults | eval user="bob", dest=split("h1,h2,h1", ","), src_ip="10.0.0.9", firstTime=1700000000, lastTime=1700000600 | fields - _time"#;

#[test]
fn findings_seed_acceptance() {
    let f = findings_of(&["run", "--format", "findings", SEED, SEED_SAMPLE]);
    // One finding per result (the seed returns two rows on its sample).
    assert_eq!(f.len(), 2);
    let users = [
        "alice@contoso.onmicrosoft.com",
        "bob@contoso.onmicrosoft.com",
    ];
    for (x, user) in f.iter().zip(users) {
        assert_eq!(x["detection"]["id"], "2d8679ef-b075-46be-8059-c25116cb1072");
        assert_eq!(
            x["detection"]["name"],
            "O365 User Consent Denied for OAuth Application"
        );
        assert_eq!(x["detection"]["version"], "4");
        assert_eq!(x["detection"]["type"], "TTP");
        assert_eq!(x["detection"]["status"], "production");
        assert_eq!(x["detection"]["file"], SEED);
        assert_eq!(x["mitre_attack"][0]["technique_id"], "T1528");
        assert_eq!(
            x["mitre_attack"][0]["tactics"][0]["name"],
            "Credential Access"
        );
        assert_eq!(x["risk_score"], 30);
        assert_eq!(x["confidence"], 100);
        assert_eq!(x["impact"], 30);
        assert_eq!(x["severity"], "low");
        // The message as this YAML writes it, with the user filled in.
        assert_eq!(
            x["message_template"],
            "User $user$ denied consent for an OAuth application."
        );
        assert_eq!(
            x["message"],
            format!("User {user} denied consent for an OAuth application.")
        );
        assert_eq!(x["result"]["user"], user);
        // The user is the victim (a risk object), the source address the attacker
        // (a threat object, as the content build maps an Attacker IP Address).
        let r = &x["risk_objects"];
        assert_eq!(r.as_array().unwrap().len(), 1);
        assert_eq!(r[0]["field"], "user");
        assert_eq!(r[0]["role"], "victim");
        assert_eq!(r[0]["type"], "user");
        assert_eq!(r[0]["score"], 30);
        assert_eq!(r[0]["value"], user);
        let t = &x["threat_objects"];
        assert_eq!(t[0]["field"], "src_ip");
        assert_eq!(t[0]["role"], "attacker");
        assert_eq!(t[0]["type"], "ip_address");
        assert_eq!(t[0]["value"], x["result"]["src_ip"]);
        assert_eq!(
            x["analytic_stories"],
            json!(["Office 365 Account Takeover"])
        );
    }
    assert_eq!(f[0]["last_time"], "2023-10-12T11:05:44.000+00:00");
    assert_eq!(f[0]["time"], f[0]["last_time"]);
    assert_ne!(f[0]["finding_id"], f[1]["finding_id"]);
    // The same run gives the same ids.
    let again = findings_of(&["run", "--format", "findings", SEED, SEED_SAMPLE]);
    assert_eq!(f[0]["finding_id"], again[0]["finding_id"]);
}

#[test]
fn findings_corpus_seed_keeps_the_yaml_message_typo() {
    let Some(shared) = common::shared() else {
        return;
    };
    let sc = shared.join("security_content");
    let det = sc.join("detections/cloud/o365_user_consent_denied_for_oauth_application.yml");
    let f = findings_of(&[
        "run",
        "--format",
        "findings",
        "--rules",
        sc.to_str().unwrap(),
        "--sourcetype",
        "o365:graph:api",
        det.to_str().unwrap(),
        SEED_SAMPLE,
    ]);
    assert_eq!(f.len(), 2);
    assert_eq!(
        f[0]["message"],
        "User alice@contoso.onmicrosoft.com denifed consent for an OAuth application."
    );
}

#[test]
fn findings_tags_tokens_multivalues_and_missing_fields() {
    let d = tempfile::tempdir().unwrap();
    let p = rule(
        d.path(),
        &format!(
            "name: T\nid: 11111111-2222-3333-4444-555555555555\nversion: 2\ntype: Anomaly\nsearch: '{MAKE}'\ntags:\n  message: $user$ reached $dest$ from $src_ip$ using $process$, $$ kept\n  risk_score: 64\n  mitre_attack_id: [T1003.001, T9999]\n  analytic_story: [A, B]\n  observable:\n  - {{name: user, type: User, role: [Victim]}}\n  - {{name: dest, type: Hostname, role: [Victim]}}\n  - {{name: process, type: Process, role: [Attacker]}}\n  - {{name: src_ip, type: IP Address, role: [Attacker]}}\n"
        ),
    );
    let f = findings_of(&["run", "--format", "findings", p.to_str().unwrap()]);
    assert_eq!(f.len(), 1);
    let x = &f[0];
    // Multivalues render joined; the missing field's token stays as written.
    assert_eq!(
        x["message"],
        "bob reached h1, h2, h1 from 10.0.0.9 using $process$, $$ kept"
    );
    assert_eq!(x["unresolved_tokens"], json!(["process"]));
    assert_eq!(x["detection"]["annotations"], "tags");
    assert_eq!(x["severity"], "high");
    assert_eq!(x["confidence"], J::Null);
    // One risk object per distinct value; none for the missing field.
    let vals: Vec<(&str, &str)> = x["risk_objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["field"].as_str().unwrap(), o["value"].as_str().unwrap()))
        .collect();
    assert_eq!(vals, [("user", "bob"), ("dest", "h1"), ("dest", "h2")]);
    assert_eq!(x["risk_objects"][1]["type"], "system");
    assert_eq!(x["threat_objects"].as_array().unwrap().len(), 1);
    assert_eq!(x["threat_objects"][0]["field"], "src_ip");
    // Sub-technique named with its parent; an unknown id kept, unnamed.
    assert_eq!(
        x["mitre_attack"][0]["technique_name"],
        "OS Credential Dumping: LSASS Memory"
    );
    assert_eq!(
        x["mitre_attack"][1],
        json!({"technique_id": "T9999", "technique_name": null, "tactics": []})
    );
    assert_eq!(x["first_time"], "2023-11-14T22:13:20.000+00:00");
    assert_eq!(x["last_time"], "2023-11-14T22:23:20.000+00:00");
}

#[test]
fn findings_rba_block_scores_objects_and_has_no_roles() {
    let d = tempfile::tempdir().unwrap();
    let p = rule(
        d.path(),
        &format!(
            "name: R\nid: r-1\nsearch: '{MAKE}'\nrba:\n  message: $user$ on $dest$\n  risk_objects:\n  - {{field: user, type: user, score: 36}}\n  - {{field: dest, type: system, score: 49}}\n  - {{field: nothing_here, type: other, score: 90}}\n  threat_objects:\n  - {{field: src_ip, type: ip_address}}\ntags:\n  message: the old message\n  mitre_attack_id: [T1528]\n"
        ),
    );
    let f = findings_of(&[
        "run",
        "--format",
        "findings",
        "--tz",
        "Asia/Tokyo",
        p.to_str().unwrap(),
    ]);
    let x = &f[0];
    assert_eq!(x["detection"]["annotations"], "rba");
    assert_eq!(x["message"], "bob on h1, h2, h1");
    // The highest declared score, even for an object this result lacks.
    assert_eq!(x["risk_score"], 90);
    let scores: Vec<(&str, i64)> = x["risk_objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["value"].as_str().unwrap(), o["score"].as_i64().unwrap()))
        .collect();
    assert_eq!(scores, [("bob", 36), ("h1", 49), ("h2", 49)]);
    assert_eq!(x["risk_objects"][0]["role"], J::Null);
    assert_eq!(x["threat_objects"][0]["value"], "10.0.0.9");
    // Times in --tz.
    assert_eq!(x["first_time"], "2023-11-15T07:13:20.000+09:00");
}

#[test]
fn findings_from_hunt_and_test() {
    let hunt = findings_of(&[
        "hunt",
        "--rules",
        "rules",
        "--format",
        "findings",
        "--no-progress",
        SEED_SAMPLE,
    ]);
    assert_eq!(hunt.len(), 2);
    assert!(hunt
        .iter()
        .all(|f| f["detection"]["id"] == "2d8679ef-b075-46be-8059-c25116cb1072"));
    let out = spleval()
        .args([
            "test",
            "--data",
            "tests/fixtures/attack_data",
            "--format",
            "findings",
            SEED,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let f = rows(&out.stdout);
    assert!(!f.is_empty());
    assert_valid(&f);
    assert!(f.iter().all(|x| x["test"] == "True Positive Test"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 passed, 0 failed"));
}

#[test]
fn findings_schema_rejects_what_it_should() {
    let good = findings_of(&["run", "--format", "findings", SEED, SEED_SAMPLE]).remove(0);
    let v = schema();
    assert!(v.is_valid(&good));
    for (key, bad) in [
        ("risk_score", json!("30")),
        ("finding_id", json!("x")),
        ("time", json!(1697108744)),
        ("surprise", json!(1)),
    ] {
        let mut b = good.clone();
        b[key] = bad;
        assert!(!v.is_valid(&b), "{key} should be refused");
    }
    let mut b = good.clone();
    b["threat_objects"][0]["score"] = json!(3);
    assert!(!v.is_valid(&b), "threat objects carry no score");
}

// ---- diagnostics -------------------------------------------------------------

#[test]
fn findings_need_a_rule_not_spl() {
    let out = spleval()
        .args(["run", "--format", "findings", "--spl", "| makeresults"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}

#[test]
fn findings_warn_about_annotations_of_the_wrong_shape() {
    let d = tempfile::tempdir().unwrap();
    let p = rule(
        d.path(),
        "name: W\nsearch: '| makeresults | eval user=\"u\"'\nrba:\n  message: [not, text]\n  risk_objects:\n  - {type: user, score: 3}\n  - {field: user, type: user, score: high}\n  threat_objects: src_ip\ntags:\n  mitre_attack_id: T1528\n",
    );
    let out = spleval()
        .current_dir(d.path())
        .args(["run", "--format", "findings", "detections/d.yml"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let f = rows(&out.stdout);
    assert_valid(&f);
    assert_eq!(f[0]["message"], J::Null);
    assert_eq!(f[0]["risk_objects"][0]["score"], J::Null);
    assert_eq!(f[0]["mitre_attack"][0]["technique_id"], "T1528");
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
    drop(p);
}

#[test]
fn findings_annotations_of_every_corpus_detection_read_cleanly() {
    let Some(shared) = common::shared() else {
        return;
    };
    let files = spleval::app::check::collect_files(&[shared.join("security_content/detections")])
        .expect("detections");
    let attack = spleval::content::attack::Attack::shipped();
    let (mut read, mut with_message, mut unknown) = (0, 0, Vec::new());
    for f in files {
        let Ok(d) = spleval::content::rules::load_detection(&f) else {
            continue;
        };
        let (info, warnings) = spleval::app::findings::DetectionInfo::of(&d);
        assert!(warnings.is_empty(), "{warnings:?}");
        read += 1;
        with_message += usize::from(info.ann.message.is_some());
        for t in &info.ann.techniques {
            if attack.technique(t).is_none() {
                unknown.push(format!("{}: {t}", f.display()));
            }
        }
    }
    assert!(read > 1700, "{read}");
    assert_eq!(with_message, read, "every corpus detection has a message");
    assert!(
        unknown.is_empty(),
        "techniques the ATT&CK table lacks: {unknown:?}"
    );
}
