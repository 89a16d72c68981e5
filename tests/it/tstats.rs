//! Data models and `tstats` over raw events: dataset constraints (tags),
//! `Dataset.field` views, `where`, `by`, `span=`, `fillnull_value=`,
//! `prestats=t`, `from datamodel:` and `datamodel … search`; and
//! security_content's tstats detections over real Windows events.

use crate::common;

use crate::common::col;

/// Runs SPL over NDJSON events read as sourcetype `tagged`, whose test
/// knowledge pack turns the space-separated `tags` field into a multivalue
/// `tag` (as the shipped packs' tag evals do for Windows events).
fn run_spl(spl: &str, events: &str) -> Vec<serde_json::Value> {
    // A folder per call: tests run in parallel, and one writing tags.yml while
    // another reads it would make the reader see an empty pack.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    std::fs::write(
        dir.join("tags.yml"),
        "- name: test-tags\n  sourcetype: tagged\n  eval:\n    - tag: 'split(tags, \" \")'\n",
    )
    .unwrap();
    let out = common::spleval()
        .args([
            "run",
            "--format",
            "json",
            "--sourcetype",
            "tagged",
            "--knowledge",
        ])
        .arg(&dir)
        .args(["--spl", spl])
        .write_stdin(events.to_string())
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "spleval failed for {spl:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::rows(&out.stdout)
}

/// Process, registry and unrelated events, tagged as the packs would.
fn events() -> String {
    [
        r#"{"_time":1700000000,"tags":"process report","process_name":"whoami.exe","dest":"h1","user":"bob","process":"whoami /all"}"#,
        r#"{"_time":1700000010,"tags":"process report","process_name":"whoami.exe","dest":"h2","process":"whoami"}"#,
        r#"{"_time":1700003700,"tags":"process report","process_name":"cmd.exe","dest":"h1","user":"bob"}"#,
        r#"{"_time":1700000020,"tags":"endpoint registry","registry_path":"HKLM\\Run\\x","dest":"h1"}"#,
        r#"{"_time":1700000030,"tags":"process","process_name":"whoami.exe","dest":"h3"}"#,
        r#"{"_time":1700000040,"tags":"authentication","action":"failure","user":"eve","src":"1.2.3.4"}"#,
        r#"{"_time":1700000050,"tags":"authentication","action":"success","user":"eve","src":"1.2.3.4"}"#,
    ]
    .join("\n")
}

#[test]
fn tstats_counts_dataset_events_by_prefixed_fields() {
    let rows = run_spl(
        "| tstats count from datamodel=Endpoint.Processes by Processes.dest Processes.process_name",
        &events(),
    );
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(col(&rows, "Processes.dest"), ["h1", "h1", "h2"]);
    assert_eq!(col(&rows, "count"), ["1", "1", "1"]);
}

#[test]
fn tstats_where_filters_over_view_fields() {
    let rows = run_spl(
        "| tstats summariesonly=true allow_old_summaries=true count min(_time) as firstTime \
         from datamodel=Endpoint.Processes where Processes.process_name=whoami.exe by Processes.dest",
        &events(),
    );
    assert_eq!(col(&rows, "Processes.dest"), ["h1", "h2"]);
    assert_eq!(col(&rows, "firstTime"), ["1700000000", "1700000010"]);
}

#[test]
fn tstats_missing_group_field_drops_the_event_unless_fillnull_value() {
    let spl = "| tstats count from datamodel=Endpoint.Processes by Processes.user";
    assert_eq!(col(&run_spl(spl, &events()), "Processes.user"), ["bob"]);
    let spl = "| tstats fillnull_value=\"unknown\" count from datamodel=Endpoint.Processes by Processes.user";
    let rows = run_spl(spl, &events());
    assert_eq!(col(&rows, "Processes.user"), ["bob", "unknown"]);
    assert_eq!(col(&rows, "count"), ["2", "1"]);
}

#[test]
fn tstats_span_bins_time() {
    let rows = run_spl(
        "| tstats count from datamodel=Endpoint.Processes by _time span=1h",
        &events(),
    );
    assert_eq!(col(&rows, "count"), ["2", "1"], "{rows:?}");
}

#[test]
fn tstats_child_datasets_and_nodename() {
    let rows = run_spl(
        "| tstats count from datamodel=Authentication where nodename=Authentication.Failed_Authentication by Authentication.user",
        &events(),
    );
    assert_eq!(col(&rows, "Authentication.user"), ["eve"]);
    assert_eq!(col(&rows, "count"), ["1"]);
    let rows = run_spl(
        "| tstats count from datamodel=Authentication.Successful_Authentication by Authentication.src",
        &events(),
    );
    assert_eq!(col(&rows, "count"), ["1"]);
}

#[test]
fn tstats_prestats_feeds_a_following_stats() {
    let rows = run_spl(
        "| tstats prestats=t count from datamodel=Endpoint.Registry by Registry.dest | stats count by Registry.dest",
        &events(),
    );
    assert_eq!(col(&rows, "Registry.dest"), ["h1"]);
    assert_eq!(col(&rows, "count"), ["1"]);
}

#[test]
fn drop_dm_object_name_style_rename_works_on_tstats_output() {
    let rows = run_spl(
        "| tstats count from datamodel=Endpoint.Registry by Registry.registry_path | rename Registry.* as *",
        &events(),
    );
    assert_eq!(col(&rows, "registry_path"), ["HKLM\\Run\\x"]);
}

#[test]
fn from_datamodel_and_datamodel_search_return_dataset_events() {
    let rows = run_spl("| from datamodel:Endpoint.Processes", &events());
    assert_eq!(rows.len(), 3);
    assert_eq!(col(&rows, "Processes.process_name").len(), 3);
    let rows = run_spl(
        "| datamodel Endpoint Registry search | table Registry.dest",
        &events(),
    );
    assert_eq!(col(&rows, "Registry.dest"), ["h1"]);
    let rows = run_spl("| datamodel Endpoint Registry flat | table dest", &events());
    assert_eq!(col(&rows, "dest"), ["h1"]);
}

#[test]
fn unknown_datamodel_is_a_plan_error() {
    let out = common::spleval()
        .args(["run", "--spl", "| tstats count from datamodel=Nope.X"])
        .write_stdin("{}\n")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown data model 'Nope'"));
}

#[test]
fn datamodels_flag_adds_and_overrides_models() {
    let dir = std::env::temp_dir().join(format!("spleval-dm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("mine.yml"),
        "model: Mine\ndatasets:\n  - name: Things\n    constraint: 'kind=thing'\n    fields: [name, {name: upper, eval: 'upper(name)'}]\n",
    )
    .unwrap();
    let out = common::spleval()
        .args(["run", "--format", "json", "--datamodels"])
        .arg(&dir)
        .args([
            "--spl",
            "| tstats count from datamodel=Mine.Things by Things.upper",
        ])
        .write_stdin("{\"kind\":\"thing\",\"name\":\"a\"}\n{\"kind\":\"other\",\"name\":\"b\"}\n")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = common::rows(&out.stdout);
    assert_eq!(col(&rows, "Things.upper"), ["A"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_shipped_model_file_is_in_rules_datamodels() {
    let on_disk: Vec<String> = std::fs::read_dir(common::root().join("rules/datamodels"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for f in spleval::content::datamodels::shipped_files() {
        assert!(on_disk.contains(&f.to_string()), "{f}");
    }
    assert_eq!(
        on_disk.len(),
        spleval::content::datamodels::shipped_files().len()
    );
}

#[test]
fn whoami_discovery_fires_on_mimikatz_sam_access_only() {
    let Some(rows) = common::run_mordor(
        "system_user_discovery_with_whoami.yml",
        "empire_mimikatz_sam_access_2020-09-22041117.json.gz",
    ) else {
        return;
    };
    assert!(!rows.is_empty());
    assert!(col(&rows, "process_name").iter().all(|p| p == "whoami.exe"));
    let Some(rows) = common::run_mordor(
        "system_user_discovery_with_whoami.yml",
        "cmd_bitsadmin_download_psh_script_2020-10-2302365189.json.gz",
    ) else {
        return;
    };
    assert!(rows.is_empty(), "{rows:?}");
}

#[test]
fn netsh_detection_fires_on_firewall_port_opening() {
    let Some(rows) = common::run_mordor(
        "processes_launching_netsh.yml",
        "cmd_netsh_fw_mod_open_ports_2020-10-2100191105.json.gz",
    ) else {
        return;
    };
    assert!(!rows.is_empty());
    assert!(col(&rows, "process_name").iter().all(|p| p == "netsh.exe"));
}

/// More true positives found across the Mordor datasets (INDEX.jsonl titles):
/// each detection fires on its dataset, names the expected process, and stays
/// quiet on an unrelated one (the netsh firewall dataset).
#[test]
fn more_tstats_true_positives_on_mordor_datasets() {
    for (detection, dataset, process) in [
        (
            "bitsadmin_download_file.yml",
            "cmd_bitsadmin_download_psh_script_2020-10-2302365189.json.gz",
            "bitsadmin.exe",
        ),
        (
            "esentutl_sam_copy.yml",
            "cmd_sam_copy_esentutl_2020-10-1900290001.json.gz",
            "esentutl.exe",
        ),
        (
            "detect_mshta_inline_hta_execution.yml",
            "cmd_mshta_vbscript_execute_psh_2020-10-2202580804.json.gz",
            "mshta.exe",
        ),
        (
            "ntdsutil_export_ntds.yml",
            "cmd_dumping_ntds_dit_file_ntdsutil.json.gz",
            "ntdsutil.exe",
        ),
    ] {
        let Some(rows) = common::run_mordor(detection, dataset) else {
            return;
        };
        assert!(!rows.is_empty(), "{detection} found nothing in {dataset}");
        assert!(
            col(&rows, "process_name").iter().all(|p| p == process),
            "{detection}: {rows:?}"
        );
        let Some(rows) = common::run_mordor(
            detection,
            "cmd_netsh_fw_mod_open_ports_2020-10-2100191105.json.gz",
        ) else {
            return;
        };
        assert!(
            rows.is_empty(),
            "{detection} fired on the netsh dataset: {rows:?}"
        );
    }
}
