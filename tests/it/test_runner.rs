//! `spleval test` over a small attack_data-shaped tree built here.

use crate::common;

use std::fs;
use std::path::Path;

use crate::common::spleval;

const DATA_URL: &str =
    "https://media.githubusercontent.com/media/splunk/attack_data/master/datasets/attack_techniques/T0000/demo/demo.log";

fn write(p: &Path, text: &str) {
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn detection(name: &str, search: &str, data_url: &str, extra: &str) -> String {
    format!(
        "name: {name}\nid: 00000000-0000-0000-0000-000000000000\nsearch: '{search}'\ntests:\n- name: True Positive Test\n  attack_data:\n  - data: {data_url}\n    source: demo\n    sourcetype: demo:json\n{extra}"
    )
}

/// A rules tree with four detections and a data tree with one dataset.
fn fixture() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let r = t.path().join("rules");
    write(
        &r.join("macros/demo.yml"),
        "name: demo\ndefinition: sourcetype=demo:json\n",
    );
    write(
        &r.join("detections/pass.yml"),
        &detection(
            "Passes",
            "`demo` action=blocked | stats count by user",
            DATA_URL,
            "",
        ),
    );
    write(
        &r.join("detections/fail.yml"),
        &detection(
            "Cannot Match",
            "`demo` action=nothing_like_this | stats count by user",
            DATA_URL,
            "",
        ),
    );
    write(
        &r.join("detections/missing.yml"),
        &detection(
            "Missing Data",
            "`demo` | stats count",
            "https://media.githubusercontent.com/media/splunk/attack_data/master/datasets/nowhere/none.log",
            "",
        ),
    );
    write(
        &r.join("detections/rows.yml"),
        &detection(
            "Exact Rows",
            "`demo` action=blocked | stats count by user",
            DATA_URL,
            "  expected:\n    rows:\n    - user: alice\n      count: 2\n    - user: bob\n      count: 1\n",
        ),
    );
    write(
        &t.path()
            .join("data/datasets/attack_techniques/T0000/demo/demo.log"),
        concat!(
            "{\"_time\":1700000000,\"user\":\"alice\",\"action\":\"blocked\"}\n",
            "{\"_time\":1700000010,\"user\":\"alice\",\"action\":\"blocked\"}\n",
            "{\"_time\":1700000020,\"user\":\"bob\",\"action\":\"blocked\"}\n",
            "{\"_time\":1700000030,\"user\":\"carol\",\"action\":\"allowed\"}\n",
        ),
    );
    t
}

fn run(t: &tempfile::TempDir, args: &[&str]) -> (i32, String) {
    let out = spleval()
        .arg("test")
        .arg("--data")
        .arg(t.path().join("data"))
        .args(args)
        .arg(t.path().join("rules/detections"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn pass_fail_skip_and_expected_rows() {
    let t = fixture();
    let (code, out) = run(&t, &["--format", "json"]);
    assert_eq!(code, 1, "a failure and a skip make the run fail:\n{out}");
    let rows = common::rows(out.as_bytes());
    let status = |det: &str| {
        rows.iter()
            .find(|r| r["detection"] == det)
            .unwrap_or_else(|| panic!("no outcome for {det}"))["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("Passes"), "passed", "{out}");
    assert_eq!(status("Cannot Match"), "failed");
    assert_eq!(status("Missing Data"), "skipped");
    assert_eq!(status("Exact Rows"), "passed");
    let missing = rows
        .iter()
        .find(|r| r["detection"] == "Missing Data")
        .unwrap();
    assert!(missing["reason"]
        .as_str()
        .unwrap()
        .contains("datasets/nowhere/none.log"));
}

#[test]
fn text_report_ends_with_the_counts() {
    let t = fixture();
    let (code, out) = run(&t, &[]);
    assert_eq!(code, 1);
    assert_eq!(out.lines().last().unwrap(), "2 passed, 1 failed, 1 skipped");
    assert!(out.contains("FAIL Cannot Match: True Positive Test"));
    assert!(out.contains("the detection returned no results"));
}

#[test]
fn wrong_expected_rows_fail_with_the_difference() {
    let t = fixture();
    let p = t.path().join("rules/detections/rows.yml");
    let text = fs::read_to_string(&p)
        .unwrap()
        .replace("count: 2", "count: 3");
    fs::write(&p, text).unwrap();
    let (_, out) = run(&t, &["--format", "json"]);
    let rows = common::rows(out.as_bytes());
    let r = rows
        .iter()
        .find(|r| r["detection"] == "Exact Rows")
        .unwrap();
    assert_eq!(r["status"], "failed");
    assert!(
        r["reason"]
            .as_str()
            .unwrap()
            .contains("count is 2, expected 3"),
        "{r}"
    );
}

#[test]
fn allow_missing_lets_skips_pass() {
    let t = fixture();
    fs::remove_file(t.path().join("rules/detections/fail.yml")).unwrap();
    let (code, out) = run(&t, &[]);
    assert_eq!(code, 1, "{out}");
    let (code, out) = run(&t, &["--allow-missing"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn junit_output_is_valid_xml_with_one_testcase_each() {
    let t = fixture();
    let junit = t.path().join("junit.xml");
    let (_, _) = run(&t, &["--junit", junit.to_str().unwrap()]);
    let xml = fs::read_to_string(&junit).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures, mut skipped) = (Vec::new(), 0, 0);
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().0 {
                    "testcase" => {
                        let name = e
                            .try_get_attribute("name")
                            .unwrap()
                            .unwrap()
                            .normalized_value(quick_xml::XmlVersion::default())
                            .unwrap()
                            .into_owned();
                        cases.push(name);
                    }
                    "failure" => failures += 1,
                    "skipped" => skipped += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    cases.sort();
    assert_eq!(
        cases,
        vec![
            "Cannot Match: True Positive Test",
            "Exact Rows: True Positive Test",
            "Missing Data: True Positive Test",
            "Passes: True Positive Test",
        ]
    );
    assert_eq!((failures, skipped), (1, 1));
}

#[test]
fn the_seed_detection_passes_its_own_test() {
    let out = spleval()
        .args(["test", "--data", "tests/fixtures/attack_data", common::SEED])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert_eq!(stdout.lines().last().unwrap(), "1 passed, 0 failed");
}
