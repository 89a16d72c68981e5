//! `spleval macro list|show|check`, and `spleval run --explain`.

use crate::common;

use std::path::Path;

use crate::common::{shared, spleval, SEED, SEED_SAMPLE};

fn out(args: &[&str]) -> (i32, String, String) {
    let o = spleval().args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The row of `macro list` for a macro: [name, arity, defined in, detections].
fn list_row(stdout: &str, name: &str, arity: &str) -> Option<Vec<String>> {
    stdout
        .lines()
        .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .find(|w| w.len() == 4 && w[0] == name && w[1] == arity)
}

#[test]
fn list_shows_arity_origin_and_use() {
    let (code, stdout, stderr) = out(&["macro", "list"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        list_row(&stdout, "o365_graph", "0").unwrap(),
        ["o365_graph", "0", "rules/macros/o365_graph.yml:2", "1"]
    );
    assert_eq!(
        list_row(&stdout, "security_content_ctime", "1").unwrap()[3],
        "1"
    );
    assert_eq!(
        list_row(&stdout, "drop_dm_object_name", "1").unwrap(),
        ["drop_dm_object_name", "1", "built-in", "0"]
    );
    assert!(stderr.contains("1 detection(s) scanned"), "{stderr}");
}

#[test]
fn show_prints_definition_and_expansion() {
    let dir = tempfile::tempdir().unwrap();
    let macros = dir.path().join("macros");
    std::fs::create_dir_all(&macros).unwrap();
    std::fs::write(
        macros.join("outer.yml"),
        "name: outer\narguments:\n- f\ndefinition: '`o365_graph` | `security_content_ctime($f$)`'\ndescription: nested\n",
    )
    .unwrap();
    let (code, stdout, stderr) = out(&[
        "macro",
        "show",
        "outer(1)",
        "--macros",
        macros.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("definition:\n  `o365_graph` | `security_content_ctime($f$)`"));
    assert!(
        stdout.contains(
            "expansion:\n  sourcetype=o365:graph:api | convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime($f$)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("description: nested"));

    let (code, _, stderr) = out(&["macro", "show", "o365_grap"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no macro o365_grap is defined"), "{stderr}");
    assert!(stderr.contains("similar: o365_graph"), "{stderr}");
}

#[test]
fn check_passes_on_our_rules() {
    let (code, stdout, stderr) = out(&["macro", "check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("undefined macros: none"), "{stdout}");
    assert!(stdout.contains("generated `*_filter` macros (no file; they expand to `search *`): 1"));
}

/// Copies a folder tree.
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

#[test]
fn check_reports_bad_definitions_undefined_and_unused_macros() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("rules");
    copy_tree(&common::root().join("rules"), &root);
    std::fs::write(
        root.join("macros/broken.yml"),
        "name: broken\ndefinition: '| eval x=(1'\n",
    )
    .unwrap();
    std::fs::write(
        root.join("macros/lonely.yml"),
        "name: lonely\ndefinition: 'index=nothing'\n",
    )
    .unwrap();
    std::fs::write(
        root.join("detections/cloud/extra.yml"),
        "name: Extra\nsearch: '`o365_graph` | `missing_macro(user)` | `broken` | `extra_filter`'\n",
    )
    .unwrap();
    let (code, stdout, stderr) = out(&["macro", "check", "--rules", root.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("macro broken: definition does not parse"),
        "{stdout}"
    );
    assert!(
        stdout.contains("broken.yml"),
        "the diagnostic names the file: {stdout}"
    );
    assert!(stdout.contains("`missing_macro(1)` called by"), "{stdout}");
    assert!(stdout.contains("extra.yml"), "{stdout}");
    assert!(
        stdout.contains("unused macros (1, no detection uses them): lonely"),
        "{stdout}"
    );
    assert!(stdout.contains("generated `*_filter` macros (no file; they expand to `search *`): 2"));
}

#[test]
fn check_on_security_content_finds_no_undefined_macros() {
    let Some(shared) = shared() else { return };
    let rules = shared.join("security_content");
    let (_, stdout, stderr) = out(&["macro", "check", "--rules", rules.to_str().unwrap()]);
    assert!(
        stdout.contains("undefined macros: none"),
        "{stdout}{stderr}"
    );
    assert!(
        !stdout.lines().any(|l| l.starts_with("  `")),
        "no undefined macro is listed: {stdout}"
    );
    let filters = stdout
        .lines()
        .find(|l| l.starts_with("generated `*_filter` macros"))
        .unwrap();
    let n: usize = filters.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(n > 1000, "{filters}");
}

#[test]
fn run_explain_prints_a_line_per_command() {
    let (code, stdout, stderr) = out(&["run", "--explain", "--format", "json", SEED, SEED_SAMPLE]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(common::rows(stdout.as_bytes()).len(), 2);
    let lines: Vec<&str> = stderr.lines().collect();
    let top = lines.iter().position(|l| l.starts_with("command")).unwrap();
    assert!(lines[top].contains("rows in") && lines[top].contains("rows out"));
    // The search's `status.errorCode=65004` is a literal every matching
    // line holds: the prefilter's line comes first (all 6 lines hold it).
    let pf: Vec<&str> = lines[top + 1].split_whitespace().collect();
    assert_eq!(pf, ["(prefilter", "\"65004\")", "6", "6", "-"]);
    let head = top + 1;
    let cmds: Vec<&str> = lines[head + 1..head + 7]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        cmds,
        ["search", "rename", "rename", "stats", "convert", "search"]
    );
    // rows in, rows out, time per line: the search reads 6 events and keeps 3.
    let first: Vec<&str> = lines[head + 1].split_whitespace().collect();
    let n = first.len();
    assert_eq!(&first[n - 4..], ["6", "3", first[n - 2], "ms"]);
    assert!(first[n - 2].parse::<f64>().is_ok());
    let stats: Vec<&str> = lines[head + 4].split_whitespace().collect();
    assert_eq!(&stats[stats.len() - 4..stats.len() - 2], ["3", "2"]);
    assert_eq!(lines[head + 7].split(',').next(), Some("6 event(s) read"));
}

/// The line prefilter shows as the first line of `--explain`: the lines it
/// tested and those it left to parse. Here it looks through the knowledge:
/// `process_name` is the end of `Image`, so only lines holding the name
/// can match.
#[test]
fn run_explain_shows_what_the_prefilter_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let events = tmp.path().join("e.json");
    std::fs::write(
        &events,
        concat!(
            r#"{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\whoami.exe","Hostname":"h1"}"#, "\n",
            r#"{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\cmd.exe","Hostname":"h1"}"#, "\n",
            r#"{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\notepad.exe","Hostname":"h2"}"#, "\n",
        ),
    )
    .unwrap();
    let ev = events.to_string_lossy().into_owned();
    let (code, stdout, stderr) = out(&[
        "run",
        "--explain",
        "--format",
        "json",
        "--sourcetype",
        "windows:json",
        "--spl",
        "process_name=whoami.exe | stats count by dest",
        &ev,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        common::col(&common::rows(stdout.as_bytes()), "count"),
        ["1"]
    );
    let line = stderr
        .lines()
        .find(|l| l.starts_with("(prefilter"))
        .unwrap_or_else(|| panic!("{stderr}"));
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        cols,
        ["(prefilter", "\"whoami.exe\")", "3", "1", "-"],
        "{stderr}"
    );
}
