//! `spleval hunt`: every detection under a rules folder over events in one
//! pass, results labelled by detection, the same rows as `spleval run`.

use crate::common;

use std::path::Path;

use crate::common::{rows, spleval, SEED, SEED_SAMPLE};
use serde_json::Value;

/// The rows of one detection in hunt output, without the `detection` label.
fn rows_of(all: &[Value], name: &str) -> Vec<Value> {
    all.iter()
        .filter(|r| r["detection"] == name)
        .map(|r| {
            let mut m = r.as_object().expect("object").clone();
            m.shift_remove("detection");
            Value::Object(m)
        })
        .collect()
}

#[test]
fn hunt_over_our_rules_finds_the_seed_rows_labelled() {
    let run = spleval()
        .args(["run", "--format", "json", SEED, SEED_SAMPLE])
        .output()
        .unwrap();
    assert!(run.status.success());
    let want = rows(&run.stdout);
    assert!(!want.is_empty());
    let out = spleval()
        .args(["hunt", "--rules", "rules", "--format", "json", SEED_SAMPLE])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = rows(&out.stdout);
    let name = "O365 User Consent Denied for OAuth Application";
    assert_eq!(got.len(), want.len());
    // `detection` comes first, then the detection's own fields in order.
    for r in &got {
        assert_eq!(r.as_object().unwrap().keys().next().unwrap(), "detection");
    }
    assert_eq!(rows_of(&got, name), want);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("1 runnable"), "{err}");
    assert!(err.contains("detections with results: 1"), "{err}");
    assert!(err.contains("elapsed:"), "{err}");
}

#[test]
fn hunt_table_has_a_heading_per_detection() {
    let out = spleval()
        .args(["hunt", "--rules", "rules", "--format", "table", SEED_SAMPLE])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("== O365 User Consent Denied for OAuth Application (2 results)\n"),
        "{text}"
    );
    assert!(text.contains("alice@contoso.onmicrosoft.com"), "{text}");
}

const EVENTS: &str = r#"{"sourcetype":"app:log","action":"login","user":"ann","status":"fail","n":1}
{"sourcetype":"app:log","action":"login","user":"ann","status":"fail","n":2}
{"sourcetype":"app:log","action":"login","user":"bob","status":"ok","n":3}
{"sourcetype":"app:log","action":"delete","user":"bob","object":"db","n":4}
{"sourcetype":"other","action":"delete","user":"eve","object":"x","n":5}
"#;

/// `spleval hunt --format json --rules RULES --summary SUMMARY EVENTS` and `extra` flags.
fn hunt_json(rules: &Path, summary: &Path, events: &Path, extra: &[&str]) -> std::process::Output {
    spleval()
        .args(["hunt", "--format", "json", "--rules"])
        .arg(rules)
        .arg("--summary")
        .arg(summary)
        .arg(events)
        .args(extra)
        .output()
        .unwrap()
}

/// A rules folder: three detections that run (one never fires), one that
/// cannot run, one deprecated; macros in macros/.
fn temp_rules(dir: &Path) {
    let det = dir.join("detections/app");
    std::fs::create_dir_all(&det).unwrap();
    std::fs::create_dir_all(dir.join("detections/deprecated")).unwrap();
    std::fs::create_dir_all(dir.join("macros")).unwrap();
    std::fs::write(
        dir.join("macros/app_log.yml"),
        "name: app_log\ndefinition: sourcetype=app:log\n",
    )
    .unwrap();
    let write = |file: &str, name: &str, search: &str| {
        std::fs::write(
            det.join(file),
            format!("name: {name}\nid: x\nsearch: '{search}'\n"),
        )
        .unwrap();
    };
    write(
        "failed_logins.yml",
        "Failed Logins",
        "`app_log` action=login status=fail | stats count by user",
    );
    write(
        "deletes.yml",
        "Deletes",
        "`app_log` action IN (delete, drop) | table user object",
    );
    write(
        "never.yml",
        "Never Fires",
        "`app_log` action=reboot | table user",
    );
    write(
        "no_run.yml",
        "Cannot Run",
        "`app_log` | mstats avg(x) where index=metrics",
    );
    std::fs::write(
        dir.join("detections/deprecated/old.yml"),
        "name: Old\nstatus: deprecated\nsearch: '`app_log` | table user'\n",
    )
    .unwrap();
    // A YAML without a search is not a detection.
    std::fs::write(det.join("notes.yml"), "name: notes\n").unwrap();
}

#[test]
fn hunt_labels_each_detection_and_counts_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    temp_rules(tmp.path());
    let events = tmp.path().join("events.json");
    std::fs::write(&events, EVENTS).unwrap();
    let summary = tmp.path().join("summary.json");
    let out = hunt_json(tmp.path(), &summary, &events, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let got = rows(&out.stdout);
    // Sorted by detection name: Deletes, then Failed Logins.
    assert_eq!(
        got,
        vec![
            serde_json::json!({"detection": "Deletes", "user": "bob", "object": "db"}),
            serde_json::json!({"detection": "Failed Logins", "user": "ann", "count": 2}),
        ]
    );
    assert!(
        err.contains(
            "5 detection(s) loaded, 1 deprecated/removed left out, 3 runnable, 1 not runnable"
        ),
        "{err}"
    );
    assert!(err.contains("uses mstats ×1"), "{err}");
    assert!(err.contains("events: 5 read in one pass"), "{err}");
    assert!(err.contains("detections with results: 2"), "{err}");
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(s["runnable"], 3);
    assert_eq!(s["not_runnable"], 1);
    assert_eq!(s["not_runnable_reasons"]["uses mstats"], 1);
    assert_eq!(s["events"], 5);
    let by_name = |n: &str| {
        s["detections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["detection"] == n)
            .cloned()
            .unwrap_or_else(|| panic!("{n} in the summary"))
    };
    assert_eq!(by_name("Never Fires")["results"], 0);
    assert_eq!(by_name("Failed Logins")["results"], 1);
    assert_eq!(by_name("Cannot Run")["runnable"], false);
    assert_eq!(by_name("Cannot Run")["reason"], "uses mstats");

    // Each detection's rows are those `spleval run` gives for it.
    for (file, name) in [
        ("failed_logins.yml", "Failed Logins"),
        ("deletes.yml", "Deletes"),
        ("never.yml", "Never Fires"),
    ] {
        let run = spleval()
            .args(["run", "--format", "json"])
            .arg(tmp.path().join("detections/app").join(file))
            .arg(&events)
            .output()
            .unwrap();
        assert!(run.status.success());
        assert_eq!(rows_of(&got, name), rows(&run.stdout), "{name}");
    }

    // CSV: one header, `detection` then the union of the fields.
    let out = spleval()
        .args(["hunt", "--format", "csv", "--rules"])
        .arg(tmp.path())
        .arg(&events)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "detection,user,object,count\nDeletes,bob,db,\nFailed Logins,ann,,2\n"
    );
}

#[test]
fn hunt_reads_stdin() {
    let tmp = tempfile::tempdir().unwrap();
    temp_rules(tmp.path());
    let out = spleval()
        .args(["hunt", "--format", "json", "--rules"])
        .arg(tmp.path())
        .write_stdin(EVENTS)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(rows(&out.stdout).len(), 2);
}

#[test]
fn hunt_without_detections_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("macros")).unwrap();
    let out = spleval()
        .args(["hunt", "--rules"])
        .arg(tmp.path())
        .arg(SEED_SAMPLE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has no detections/ folder"), "{err}");

    std::fs::create_dir_all(tmp.path().join("detections")).unwrap();
    let out = spleval()
        .args(["hunt", "--rules"])
        .arg(tmp.path())
        .arg(SEED_SAMPLE)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no detections under"), "{err}");
    assert!(out.stdout.is_empty());

    let out = spleval()
        .args(["hunt", "--rules", "no/such/dir", SEED_SAMPLE])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

#[test]
fn hunt_help_names_the_flags() {
    let out = spleval().args(["hunt", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--rules",
        "--format",
        "--summary",
        "--no-progress",
        "--sourcetype",
    ] {
        assert!(text.contains(flag), "{flag} in {text}");
    }
    let out = spleval().arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("hunt"));
}

/// The whole security_content pack over a small Mordor slice: two
/// detections' rows are exactly those `spleval run` gives for each.
#[test]
fn hunt_over_a_mordor_slice_matches_run() {
    let Some(shared) = common::shared() else {
        return;
    };
    let mordor = shared.join("datasets/mordor");
    let data = [
        mordor.join("empire_shell_rubeus_asktgt_ptt_2020-09-21223848.json.gz"),
        mordor.join("schtask_create_2020-12-1907003032.json.gz"),
    ];
    if data.iter().any(|d| !d.exists()) {
        eprintln!("SKIPPED: the Mordor datasets are absent");
        return;
    }
    let sc = shared.join("security_content");
    let out = hunt_pack(&sc, &data, None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let got = rows(&out.stdout);
    for (file, name) in [
        (
            "kerberos_tgt_request_using_rc4_encryption.yml",
            "Kerberos TGT Request Using RC4 Encryption",
        ),
        (
            "winevent_scheduled_task_created_to_spawn_shell.yml",
            "WinEvent Scheduled Task Created to Spawn Shell",
        ),
    ] {
        let run = spleval()
            .args([
                "run",
                "--format",
                "json",
                "--sourcetype",
                "windows:json",
                "--rules",
            ])
            .arg(&sc)
            .arg(sc.join("detections/endpoint").join(file))
            .args(&data)
            .output()
            .unwrap();
        assert!(run.status.success());
        let want = rows(&run.stdout);
        assert!(!want.is_empty(), "{name} fires on the slice");
        assert_eq!(rows_of(&got, name), want, "{name}");
    }
    assert!(err.contains("not runnable"), "{err}");
}

/// A rules folder with one plain detection and one that uses `map`.
fn map_rules(dir: &Path) {
    let det = dir.join("detections");
    std::fs::create_dir_all(&det).unwrap();
    std::fs::write(
        det.join("logins.yml"),
        "name: Logins\nsearch: 'action=login | stats count by user'\n",
    )
    .unwrap();
    std::fs::write(
        det.join("per_user.yml"),
        "name: Per User\nsearch: 'action=delete | table user | map search=\"search user=$user$ | stats count by user\"'\n",
    )
    .unwrap();
}

#[test]
fn hunt_leaves_map_detections_out_unless_asked() {
    let tmp = tempfile::tempdir().unwrap();
    map_rules(tmp.path());
    let events = tmp.path().join("events.json");
    std::fs::write(&events, EVENTS).unwrap();
    let summary = tmp.path().join("summary.json");
    let out = hunt_json(tmp.path(), &summary, &events, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let got = rows(&out.stdout);
    assert!(got.iter().all(|r| r["detection"] == "Logins"), "{got:?}");
    assert!(
        err.contains(
            "1 left out: they use map, which runs a search per result: run them with `spleval run`"
        ),
        "{err}"
    );
    assert!(err.contains("Per User ("), "{err}");
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(s["left_out_map"], 1);
    let per_user = s["detections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["detection"] == "Per User")
        .cloned()
        .expect("Per User in the summary");
    assert_eq!(
        per_user["left_out"],
        "uses map, which runs a search per result"
    );

    // --include-map runs it (reading the input again per result).
    let out = spleval()
        .args(["hunt", "--format", "json", "--include-map", "--rules"])
        .arg(tmp.path())
        .arg(&events)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("left out: they use map"), "{err}");
    let got = rows(&out.stdout);
    assert_eq!(
        rows_of(&got, "Per User"),
        vec![
            serde_json::json!({"user": "bob", "count": 2}),
            serde_json::json!({"user": "eve", "count": 1})
        ]
    );
}

/// A detection that fails while running (Splunk refuses a timechart of more
/// than 50,000 rows too) does not fail the hunt: the others' results come
/// out, the failure is listed on stderr and in the summary; `--strict`
/// makes it exit 1.
#[test]
fn hunt_lists_failed_detections_and_exits_0_unless_strict() {
    let tmp = tempfile::tempdir().unwrap();
    temp_rules(tmp.path());
    std::fs::write(
        tmp.path().join("detections/app/too_wide.yml"),
        "name: Too Wide\nid: y\nsearch: '`app_log` | timechart span=1s count'\n",
    )
    .unwrap();
    let events = tmp.path().join("events.json");
    std::fs::write(
        &events,
        concat!(
            r#"{"_time": 1700000000, "sourcetype": "app:log", "action": "login", "status": "fail", "user": "bob"}"#,
            "\n",
            r#"{"_time": 1700900000, "sourcetype": "app:log", "action": "login", "status": "fail", "user": "bob"}"#,
            "\n"
        ),
    )
    .unwrap();
    let summary = tmp.path().join("summary.json");
    let out = hunt_json(tmp.path(), &summary, &events, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("detections that failed while running: 1") && err.contains("Too Wide: "),
        "{err}"
    );
    let rows = common::rows(&out.stdout);
    assert_eq!(rows_of(&rows, "Failed Logins").len(), 1, "{rows:?}");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    let failed = doc["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["detection"], "Too Wide");
    assert!(failed[0]["error"].as_str().unwrap().contains("50000"));
    let out = hunt_json(tmp.path(), &summary, &events, &["--strict"]);
    assert_eq!(out.status.code(), Some(1));
}

/// `spleval hunt --format json` of the rules pack `sc` over Mordor `data`
/// read as windows:json, with the environment switch `off` set when given.
fn hunt_pack(sc: &Path, data: &[std::path::PathBuf], off: Option<&str>) -> std::process::Output {
    let mut cmd = spleval();
    for switch in ["SPLEVAL_NO_PROJECTION", "SPLEVAL_NO_SPECIALISE"] {
        if off == Some(switch) {
            cmd.env(switch, "1");
        } else {
            cmd.env_remove(switch);
        }
    }
    cmd.args([
        "hunt",
        "--format",
        "json",
        "--sourcetype",
        "windows:json",
        "--rules",
    ])
    .arg(sc)
    .args(data)
    .output()
    .unwrap()
}

/// A hunt reads only the fields its detections read (with only the
/// knowledge that derives them), and completes the events it gives to
/// detections that need whole ones: the results are exactly those of
/// reading every event whole (`SPLEVAL_NO_PROJECTION`), over the whole
/// security_content pack and real events.
#[test]
fn hunt_results_do_not_depend_on_projection_or_specialisation() {
    let Some(shared) = common::shared() else {
        return;
    };
    let mordor = shared.join("datasets/mordor");
    let data = [
        mordor.join("covenant_com_wsman_automation_2020-10-13002455.json.gz"),
        mordor.join("cmd_seatbelt_group_user_2020-11-0216391814.json.gz"),
        mordor.join("empire_shell_rubeus_asktgt_ptt_2020-09-21223848.json.gz"),
    ];
    assert!(data.iter().all(|d| d.exists()), "{data:?}");
    let sc = shared.join("security_content");
    let hunt = |off: Option<&str>| {
        let out = hunt_pack(&sc, &data, off);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let projected = hunt(None);
    assert!(projected.lines().count() > 10, "{projected}");
    assert_eq!(projected, hunt(Some("SPLEVAL_NO_PROJECTION")));
    // Knowledge evals specialised per event code give what the whole
    // `case(EventCode=…)` chains give (see content::knowledge::specialise).
    assert_eq!(projected, hunt(Some("SPLEVAL_NO_SPECIALISE")));
}

// What a subsearch's rows hold, told from its text: a hunt reads only
// those fields for a search or tstats where on it.
fn returned(spl: &str) -> Option<Vec<String>> {
    spleval::spl::fields::returned_fields(&spleval::commands::parse_pipeline(spl).unwrap())
}

#[test]
fn a_subsearch_ending_in_named_columns_returns_those_fields() {
    let t = "| inputlookup t.csv | rename process as Processes.process | table Processes.process";
    assert_eq!(returned(t).unwrap(), ["Processes.process"]);
    assert_eq!(
        returned("search EventCode=1 | stats count by host user | head 5 | sort - count").unwrap(),
        ["host", "user", "count"]
    );
    assert_eq!(
        returned("| inputlookup t.csv | table search").unwrap(),
        ["search", "_raw"]
    );
}

#[test]
fn rows_whose_fields_the_text_does_not_tell_are_unknown() {
    // Rows straight from a lookup or from events, a command after the
    // table that sets fields, a wildcard column.
    assert!(returned("| inputlookup t.csv | fields a").is_none());
    assert!(returned("search x | head 1").is_none());
    assert!(returned("| inputlookup t.csv | table a | eval b=1").is_none());
    assert!(returned("| inputlookup t.csv | table a*").is_none());
    // A search on such a subsearch may read any field.
    let p = spleval::commands::parse_pipeline("search [| inputlookup t.csv | fields a]").unwrap();
    let cmd = p.commands[0]
        .cmd
        .as_any()
        .downcast_ref::<spleval::commands::search::SearchCmd>();
    let mut names = Vec::new();
    assert!(!spleval::spl::fields::search_fields(
        cmd.unwrap().expr.as_ref().unwrap(),
        &mut names
    ));
}

/// Detections with subsearches take part in the one pass: their subsearches
/// run batched beside the other detections while a recorder per detection
/// keeps the events it takes, replayed once the subsearches are answered.
/// Over the whole security_content pack and real events, the results and
/// per-detection figures equal those of running the subsearches in a pass
/// of their own first (`SPLEVAL_HUNT_NO_REPLAY`), and detections with
/// subsearches do fire on these events.
#[test]
fn hunt_replays_detections_with_subsearches_as_a_pass_of_their_own_would() {
    let Some(shared) = common::shared() else {
        return;
    };
    let mordor = shared.join("datasets/mordor");
    let data = [
        mordor.join("schtask_create_2020-12-1907003032.json.gz"),
        mordor.join("psh_mshta_html_application_execution_2020-10-2203521411.json.gz"),
    ];
    assert!(data.iter().all(|d| d.exists()), "{data:?}");
    let sc = shared.join("security_content");
    let tmp = tempfile::tempdir().unwrap();
    // replay: recorders (with room for `room` events) or a pass of the
    // subsearches first.
    let hunt = |replay: bool, room: &str| {
        let summary = tmp.path().join(format!("summary-{replay}-{room}.json"));
        let mut cmd = spleval();
        if replay {
            cmd.env_remove("SPLEVAL_HUNT_NO_REPLAY");
        } else {
            cmd.env("SPLEVAL_HUNT_NO_REPLAY", "1");
        }
        cmd.env("SPLEVAL_HUNT_RECORD_ROOM", room);
        let out = cmd
            .args([
                "hunt",
                "-v",
                "--format",
                "json",
                "--sourcetype",
                "windows:json",
            ])
            .arg("--summary")
            .arg(&summary)
            .arg("--rules")
            .arg(&sc)
            .args(&data)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{err}");
        let doc: Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
        (String::from_utf8(out.stdout).unwrap(), doc, err)
    };
    let (rows, doc, err) = hunt(true, "1000000");
    assert!(
        err.contains("given the events recorded for them; 0 extra pass(es)"),
        "{err}"
    );
    // Recorders read no more than the detections would: the pass still
    // reads only the fields wanted.
    assert!(err.contains("reading only the fields"), "{err}");
    let (want_rows, want_doc, _) = hunt(false, "1000000");
    assert_eq!(rows, want_rows);
    assert_eq!(doc["detections"], want_doc["detections"]);
    assert_eq!(doc["events"], want_doc["events"]);
    // With room for 10 recorded events, those that took more read the
    // input again after the pass: the same results.
    let (tight_rows, tight_doc, tight_err) = hunt(true, "10");
    assert!(
        tight_err.contains("given the events recorded for them; 1 extra pass(es)"),
        "{tight_err}"
    );
    assert!(
        tight_err.contains("(it took more events than recorders may keep)"),
        "{tight_err}"
    );
    assert_eq!(tight_rows, want_rows);
    assert_eq!(tight_doc["detections"], want_doc["detections"]);
    for name in [
        "Detect Prohibited Applications Spawning cmd exe",
        "Windows Credential Access From Browser Password Store",
    ] {
        assert!(
            !rows_of(&common::rows(rows.as_bytes()), name).is_empty(),
            "{name}"
        );
    }
}

/// NDJSON events are routed to the detections on the parse workers; other
/// formats (a JSON array here) on the thread that offers them. The same
/// events give the same rows either way, over the whole pack.
#[test]
fn hunt_routes_the_same_on_the_workers_and_the_offering_thread() {
    let Some(shared) = common::shared() else {
        return;
    };
    let file = shared.join("datasets/mordor/cmd_seatbelt_group_user_2020-11-0216391814.json.gz");
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(&file).unwrap()),
        &mut text,
    )
    .unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() > 100, "{}", lines.len());
    let tmp = tempfile::tempdir().unwrap();
    let (nd, arr) = (tmp.path().join("nd"), tmp.path().join("arr"));
    std::fs::create_dir_all(&nd).unwrap();
    std::fs::create_dir_all(&arr).unwrap();
    std::fs::write(nd.join("events.json"), lines.join("\n")).unwrap();
    std::fs::write(arr.join("events.json"), format!("[{}]", lines.join(",\n"))).unwrap();
    let sc = shared.join("security_content");
    let hunt = |dir: &Path| {
        let out = spleval()
            .current_dir(dir)
            .args([
                "hunt",
                "--format",
                "json",
                "--sourcetype",
                "windows:json",
                "--rules",
            ])
            .arg(&sc)
            .arg("events.json")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let routed_on_workers = hunt(&nd);
    assert!(routed_on_workers.lines().count() > 5, "{routed_on_workers}");
    assert_eq!(routed_on_workers, hunt(&arr));
}
