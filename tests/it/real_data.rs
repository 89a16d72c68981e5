//! security_content's own detections over real Windows events (the
//! Security-Datasets "Mordor" JSON exports in ../shared/datasets/mordor),
//! read as `windows:json` so the shipped knowledge maps them to Splunk's
//! field names: each detection fires on a dataset recording the attack and
//! stays quiet on one that does not.

use crate::common;

fn fires(detection: &str, dataset: &str) {
    if let Some(rows) = common::run_mordor(detection, dataset) {
        assert!(!rows.is_empty(), "{detection} found nothing in {dataset}");
    }
}

fn quiet(detection: &str, dataset: &str) {
    if let Some(rows) = common::run_mordor(detection, dataset) {
        assert!(rows.is_empty(), "{detection} fired on {dataset}: {rows:?}");
    }
}

#[test]
fn create_remote_thread_into_lsass() {
    let d = "create_remote_thread_into_lsass.yml";
    if let Some(rows) = common::run_mordor(
        d,
        "empire_persistence_registry_modification_run_keys_standard_user_2020-09-04030609.json.gz",
    ) {
        assert!(!rows.is_empty());
        let dest = common::col(&rows, "dest");
        assert_eq!(dest[0], "WORKSTATION5.theshire.local");
        assert_eq!(common::col(&rows, "EventCode")[0], "8");
    }
    quiet(
        d,
        "cmd_bitsadmin_download_psh_script_2020-10-2302365189.json.gz",
    );
}

#[test]
fn kerberos_tgt_request_using_rc4_encryption() {
    let d = "kerberos_tgt_request_using_rc4_encryption.yml";
    for ds in [
        "empire_shell_rubeus_asktgt_createnetonly_2020-09-21230246.json.gz",
        "empire_shell_rubeus_asktgt_ptt_2020-09-21223848.json.gz",
    ] {
        if let Some(rows) = common::run_mordor(d, ds) {
            assert!(!rows.is_empty(), "nothing on {ds}");
            assert_eq!(common::col(&rows, "ServiceName")[0], "krbtgt");
            assert_eq!(common::col(&rows, "src_ip")[0], "172.18.39.6");
        }
    }
    quiet(
        d,
        "cmd_bitsadmin_download_psh_script_2020-10-2302365189.json.gz",
    );
}

#[test]
fn windows_process_injection_remote_thread() {
    let d = "windows_process_injection_remote_thread.yml";
    fires(d, "psh_mavinject_dll_notepad_2020-10-2121410529.json.gz");
    fires(
        d,
        "purplesharp_pe_injection_createremotethread_2020-10-2303121085.json.gz",
    );
    quiet(
        d,
        "cmd_process_herpaderping_snippingtool_2020-10-2708290130.json.gz",
    );
}

#[test]
fn executable_file_written_in_administrative_smb_share() {
    let d = "executable_file_written_in_administrative_smb_share.yml";
    fires(
        d,
        "covenant_copy_smb_CreateRequest_2020-09-22145302.json.gz",
    );
    quiet(
        d,
        "covenant_sc_query_dcerpc_smb_svcctl_2020-08-05034820.json.gz",
    );
}

#[test]
fn winevent_scheduled_task_created_to_spawn_shell() {
    let d = "winevent_scheduled_task_created_to_spawn_shell.yml";
    fires(d, "schtask_create_2020-12-1907003032.json.gz");
    quiet(d, "schtask_modification_2020-12-1907505969.json.gz");
}

#[test]
fn detect_credential_dumping_through_lsass_access() {
    let d = "detect_credential_dumping_through_lsass_access.yml";
    fires(
        d,
        "psh_lsass_memory_dump_comsvcs_2020-10-18T19500924.json.gz",
    );
    // Dumpert opens lsass with other access rights than the ones the detection looks for.
    quiet(
        d,
        "cmd_lsass_memory_dumpert_syscalls_2020-10-1822561997.json.gz",
    );
}

#[test]
fn explain_fields_names_the_rules() {
    let Some(shared) = common::shared() else {
        return;
    };
    let data = shared
        .join("datasets/mordor")
        .join("cmd_bitsadmin_download_psh_script_2020-10-2302365189.json.gz");
    let out = common::spleval()
        .args(["run", "--explain-fields", "--sourcetype", "windows:json"])
        .arg(&data)
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let line = |field: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(field))
            .unwrap_or_else(|| panic!("no {field} in {text}"))
            .to_string()
    };
    assert!(line("EventCode").contains("alias EventCode = EventID"));
    assert!(line("source").contains("rewrite source"));
    assert!(line("sourcetype").contains("--sourcetype"));
    assert!(line("EventID").contains("input"));
}

/// A search that returns events gives them newest first, which needs every
/// event before the first can go out. Past the memory budget the events are
/// sorted into runs on disk and merged: the output is byte for byte the
/// in-memory one, in search order, and no run file is left behind.
#[test]
fn returning_events_past_the_memory_budget_sorts_on_disk_with_the_same_output() {
    let Some(shared) = common::shared() else {
        return;
    };
    let mordor = shared.join("datasets/mordor");
    let data = [
        mordor.join("cmd_seatbelt_group_user_2020-11-0216391814.json.gz"),
        mordor.join("empire_shell_rubeus_asktgt_ptt_2020-09-21223848.json.gz"),
    ];
    assert!(data.iter().all(|d| d.exists()), "{data:?}");
    let tmp = tempfile::tempdir().unwrap();
    let run = |budget: &str| {
        let out = common::spleval()
            .args(["run", "--no-knowledge", "--format", "json", "--spl"])
            .arg("search EventID=* | eval k=EventID*2 | fields _time EventID k Hostname")
            .args(&data)
            .env("SPLEVAL_SORT_MEMORY", budget)
            .env("SPLEVAL_TMPDIR", tmp.path())
            .output()
            .unwrap();
        common::stdout_ok(out)
    };
    let in_memory = run("100000000000");
    // About 50 KB of events per run: dozens of runs for these files.
    let on_disk = run("50000");
    let rows = common::rows(&in_memory);
    assert!(rows.len() > 1000, "{} rows", rows.len());
    assert!(in_memory == on_disk, "spilled output differs");
    // Newest first across both files.
    let times: Vec<String> = common::col(&rows, "_time");
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "not newest first");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}
