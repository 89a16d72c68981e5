//! Windows `.evtx` files read directly (../shared/datasets/evtx: the
//! EVTX-ATTACK-SAMPLES recordings, read in place): every record read,
//! the same fields as the XmlWinEventLog path, and security_content's
//! detections firing on the files that record their technique.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use spleval::base::event::Event;
use spleval::input::{self, Meta, Source};

use crate::common;

/// `../shared/datasets/evtx`, or None (with the SKIPPED message).
fn evtx_dir() -> Option<PathBuf> {
    let d = common::shared()?.join("datasets/evtx");
    if d.is_dir() {
        Some(d)
    } else {
        eprintln!("SKIPPED: {} is absent", d.display());
        None
    }
}

fn evtx_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    input::collect_files(dir, &mut out).unwrap();
    out.retain(|p| p.extension().is_some_and(|e| e == "evtx"));
    out
}

/// Records in an `.evtx` file, counted without the `evtx` crate: the chunks
/// (`ElfChnk\0`, 64 KiB each after the 4 KiB file header) walked record
/// header by record header (`**\0\0`, then the record's size) up to each
/// chunk's free-space offset.
fn count_records(data: &[u8]) -> u64 {
    const HEADER: usize = 4096;
    const CHUNK: usize = 65536;
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap()) as usize;
    let mut n = 0;
    let mut at = HEADER;
    while at + CHUNK <= data.len() {
        let chunk = &data[at..at + CHUNK];
        at += CHUNK;
        if !chunk.starts_with(b"ElfChnk\0") {
            continue;
        }
        let free = u32_at(chunk, 48).min(CHUNK);
        let mut off = 512;
        while off + 24 <= free && &chunk[off..off + 4] == b"**\0\0" {
            let size = u32_at(chunk, off + 4);
            if size < 28 {
                break;
            }
            n += 1;
            off += size;
        }
    }
    n
}

/// Every event of one input, with the shipped knowledge, and the
/// malformed-record count.
fn read(p: &Path, meta: &Meta) -> (Vec<Event>, u64) {
    let mut evs = Vec::new();
    let s = input::read_all(&[Source::File(p.to_path_buf())], meta, &mut |e| {
        evs.push(e);
        Ok(true)
    })
    .unwrap();
    (evs, s.malformed)
}

#[test]
fn every_record_of_every_file_is_read() {
    let Some(dir) = evtx_dir() else { return };
    let files = evtx_files(&dir);
    assert!(files.len() >= 200, "only {} .evtx files", files.len());
    let meta = Meta {
        knowledge: Some(Arc::new(spleval::content::knowledge::Knowledge::empty())),
        ..Default::default()
    };
    let mut total = 0;
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let expected = count_records(&data);
        let (evs, malformed) = read(f, &meta);
        assert_eq!(
            evs.len() as u64,
            expected,
            "{}: read {} of {expected} records",
            f.display(),
            evs.len()
        );
        assert_eq!(malformed, 0, "{}", f.display());
        assert!(evs.iter().all(|e| e
            .get("sourcetype")
            .is_some_and(|v| v.to_display("\n") == "XmlWinEventLog")));
        total += expected;
    }
    // python-evtx (an independent parser) counts 6,967 in this folder.
    assert!(total > 6000, "{total}");
}

/// The evtx path and the XmlWinEventLog path (the record's XML as a line
/// of a text input, with the sourcetype and source Splunk gives it) give
/// the same fields, knowledge included, for the event codes detections
/// read most.
#[test]
fn fields_match_the_xml_path() {
    let Some(dir) = evtx_dir() else { return };
    let want: &[(&str, &[&str])] = &[
        ("Sysmon", &["1", "3", "10", "11", "12", "13"]),
        ("Security", &["4624", "4688", "4662", "5145"]),
    ];
    let mut seen: Vec<(String, String)> = Vec::new();
    let meta = Meta::default();
    for f in evtx_files(&dir) {
        let (evs, _) = read(&f, &meta);
        for ev in evs {
            let text = |k: &str| ev.get(k).map(|v| v.to_display("\n")).unwrap_or_default();
            let (code, source) = (text("EventCode"), text("source"));
            let Some((channel, _)) = want
                .iter()
                .find(|(c, codes)| source.contains(c) && codes.contains(&code.as_str()))
            else {
                continue;
            };
            if seen.contains(&(channel.to_string(), code.clone())) {
                continue;
            }
            seen.push((channel.to_string(), code.clone()));
            let xml_meta = Meta {
                sourcetype: Some("XmlWinEventLog".into()),
                source: Some(source.clone()),
                ..Default::default()
            };
            let raw = text("_raw");
            let (xml, bad) = input::read_bytes(raw.as_bytes(), "events.xml", &xml_meta).unwrap();
            assert!(bad.is_empty(), "{bad:?}");
            assert_eq!(xml.len(), 1);
            let fields = |e: &Event| {
                let mut v: Vec<(String, String)> = e
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_display("\n")))
                    .collect();
                v.sort();
                v
            };
            assert_eq!(
                fields(&ev),
                fields(&xml[0]),
                "{} EventCode {code} in {}",
                channel,
                f.display()
            );
            if code == "1" || code == "4688" {
                assert!(ev.get("process_name").is_some(), "knowledge applied");
            }
        }
    }
    for (channel, codes) in want {
        for c in *codes {
            assert!(
                seen.contains(&(channel.to_string(), c.to_string())),
                "no {channel} {c} record in {}",
                dir.display()
            );
        }
    }
}

#[test]
fn metadata_of_a_record() {
    let Some(dir) = evtx_dir() else { return };
    let f = dir.join("Credential Access/CA_DCSync_4662.evtx");
    let (evs, _) = read(&f, &Meta::default());
    let ev = &evs[0];
    let text = |k: &str| ev.get(k).map(|v| v.to_display("\n")).unwrap_or_default();
    assert_eq!(text("sourcetype"), "XmlWinEventLog");
    assert_eq!(text("source"), "XmlWinEventLog:Security");
    assert_eq!(text("host"), "DC1.insecurebank.local");
    assert_eq!(text("EventCode"), "4662");
    assert_eq!(text("SubjectUserName"), "Administrator");
    // TimeCreated SystemTime='2019-05-08T02:10:43.4872170Z'
    assert_eq!(ev.time(), Some(1557281443.487217));
    assert!(text("_raw").starts_with("<Event xmlns="));
    assert!(!text("_raw").contains("<?xml"));
}

/// Runs a security_content detection, unmodified, over one `.evtx` file.
fn run_detection(detection: &str, file: &str) -> Option<Vec<serde_json::Value>> {
    let dir = evtx_dir()?;
    let sc = common::shared()?.join("security_content");
    let out = common::spleval()
        .args(["run", "--format", "json", "--rules"])
        .arg(&sc)
        .arg(sc.join("detections").join(detection))
        .arg(dir.join(file))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{detection} on {file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(common::rows(&out.stdout))
}

/// The detection finds something in the file recording its technique and
/// nothing in `quiet`, a file of the same channel recording something else.
fn fires_on(detection: &str, file: &str, quiet: &str) -> Vec<serde_json::Value> {
    let Some(rows) = run_detection(detection, file) else {
        return Vec::new();
    };
    assert!(!rows.is_empty(), "{detection} found nothing in {file}");
    let q = run_detection(detection, quiet).unwrap_or_default();
    assert!(q.is_empty(), "{detection} fired on {quiet}: {q:?}");
    rows
}

// tstats over Endpoint.Processes (Sysmon 1).
#[test]
fn fodhelper_uac_bypass() {
    let rows = fires_on(
        "endpoint/fodhelper_uac_bypass.yml",
        "Privilege Escalation/Sysmon_UACME_33.evtx",
        "Privilege Escalation/Sysmon_UACME_34.evtx",
    );
    if !rows.is_empty() {
        assert_eq!(common::col(&rows, "parent_process_name"), ["fodhelper.exe"]);
        assert_eq!(common::col(&rows, "process_name"), ["cmd.exe"]);
        assert_eq!(common::col(&rows, "dest"), ["MSEDGEWIN10"]);
    }
}

#[test]
fn hiding_files_with_attrib() {
    fires_on(
        "endpoint/hiding_files_and_directories_with_attrib_exe.yml",
        "Defense Evasion/de_hiding_files_via_attrib_cmdlet.evtx",
        "Defense Evasion/sysmon_13_rdp_settings_tampering.evtx",
    );
}

#[test]
fn dump_lsass_via_comsvcs() {
    fires_on(
        "endpoint/dump_lsass_via_comsvcs_dll.yml",
        "Credential Access/sysmon_10_1_memdump_comsvcs_minidump.evtx",
        "Credential Access/sysmon_10_11_lsass_memdump.evtx",
    );
}

// tstats over Endpoint.Registry (Sysmon 12/13).
#[test]
fn enable_rdp_in_other_port_number() {
    let rows = fires_on(
        "endpoint/enable_rdp_in_other_port_number.yml",
        "Defense Evasion/sysmon_13_rdp_settings_tampering.evtx",
        "Persistence/persistence_sysmon_11_13_1_shime_appfix.evtx",
    );
    if !rows.is_empty() {
        assert_eq!(common::col(&rows, "registry_value_name"), ["PortNumber"]);
    }
}

#[test]
fn disable_show_hidden_files() {
    fires_on(
        "endpoint/disable_show_hidden_files.yml",
        "Persistence/persistence_sysmon_11_13_1_shime_appfix.evtx",
        "Defense Evasion/sysmon_13_rdp_settings_tampering.evtx",
    );
}

// Plain searches over the Security channel.
#[test]
fn kerberos_tgt_request_rc4() {
    let rows = fires_on(
        "endpoint/kerberos_tgt_request_using_rc4_encryption.yml",
        "Privilege Escalation/samaccount_spoofing_CVE-2021-42287_CVE-2021-42278_DC_securitylogs.evtx",
        "Credential Access/CA_DCSync_4662.evtx",
    );
    if !rows.is_empty() {
        assert_eq!(common::col(&rows, "ServiceName"), ["krbtgt"]);
        assert_eq!(common::col(&rows, "src_ip"), ["172.16.66.19"]);
    }
}

#[test]
fn suspicious_computer_account_name_change_4781() {
    fires_on(
        "endpoint/suspicious_computer_account_name_change.yml",
        "Privilege Escalation/samaccount_spoofing_CVE-2021-42287_CVE-2021-42278_DC_securitylogs.evtx",
        "Defense Evasion/DE_Fake_ComputerAccount_4720.evtx",
    );
}

#[test]
fn computer_account_created_by_computer_account_4741() {
    fires_on(
        "endpoint/windows_computer_account_created_by_computer_account.yml",
        "Privilege Escalation/samaccount_spoofing_CVE-2021-42287_CVE-2021-42278_DC_securitylogs.evtx",
        "Defense Evasion/DE_Fake_ComputerAccount_4720.evtx",
    );
}

#[test]
fn sedebugprivilege_4703() {
    fires_on(
        "endpoint/windows_access_token_manipulation_sedebugprivilege.yml",
        "Privilege Escalation/win10_4703_SeDebugPrivilege_enabled.evtx",
        "Credential Access/CA_DCSync_4662.evtx",
    );
}

#[test]
fn scheduled_task_to_spawn_shell_4698() {
    // The quiet file holds a 4698 too, for a task that starts no shell.
    fires_on(
        "endpoint/winevent_scheduled_task_created_to_spawn_shell.yml",
        "Execution/temp_scheduled_task_4698_4699.evtx",
        "Privilege Escalation/PrivEsc_SeImpersonatePriv_enabled_back_for_upnp_localsvc_4698.evtx",
    );
}

#[test]
fn new_local_admin_account_4720() {
    fires_on(
        "endpoint/detect_new_local_admin_account.yml",
        "Defense Evasion/DE_Fake_ComputerAccount_4720.evtx",
        "Privilege Escalation/samaccount_spoofing_CVE-2021-42287_CVE-2021-42278_DC_securitylogs.evtx",
    );
}

#[test]
fn domain_root_acl_modification_5136() {
    fires_on(
        "application/windows_ad_domain_root_acl_modification.yml",
        "Persistence/DACL_DCSync_Right_Powerview_ Add-DomainObjectAcl.evtx",
        "Credential Access/CA_DCSync_4662.evtx",
    );
}

// Plain searches over Sysmon 8, 10 and 21, and PowerShell 4104.
#[test]
fn create_remote_thread_into_lsass_sysmon_8() {
    let rows = fires_on(
        "endpoint/create_remote_thread_into_lsass.yml",
        "Credential Access/CA_sysmon_hashdump_cmd_meterpreter.evtx",
        "Credential Access/sysmon_10_11_lsass_memdump.evtx",
    );
    if !rows.is_empty() {
        assert_eq!(common::col(&rows, "EventCode"), ["8"]);
        assert_eq!(common::col(&rows, "dest"), ["IEWIN7"]);
    }
}

#[test]
fn access_lsass_memory_for_dump_sysmon_10() {
    fires_on(
        "endpoint/access_lsass_memory_for_dump_creation.yml",
        "Credential Access/sysmon_10_11_lsass_memdump.evtx",
        "Credential Access/CA_sysmon_hashdump_cmd_meterpreter.evtx",
    );
}

#[test]
fn wmi_permanent_event_subscription_sysmon_21() {
    fires_on(
        "endpoint/wmi_permanent_event_subscription___sysmon.yml",
        "Persistence/sysmon_20_21_1_CommandLineEventConsumer.evtx",
        "Defense Evasion/sysmon_13_rdp_settings_tampering.evtx",
    );
}

#[test]
fn powershell_4104_hunting() {
    fires_on(
        "endpoint/powershell_4104_hunting.yml",
        "Other/emotet/exec_emotet_ps_4104.evtx",
        "Execution/temp_scheduled_task_4698_4699.evtx",
    );
}

/// `spleval test` with a dataset that is an `.evtx` file: the detection's
/// own YAML, its attack_data pointed at the recording.
#[test]
fn test_command_reads_an_evtx_dataset() {
    let Some(dir) = evtx_dir() else { return };
    let sc = common::shared().unwrap().join("security_content");
    let yml =
        std::fs::read_to_string(sc.join("detections/endpoint/fodhelper_uac_bypass.yml")).unwrap();
    let url = "https://media.githubusercontent.com/media/splunk/attack_data/master/datasets/attack_techniques/T1548.002/atomic_red_team/windows-sysmon.log";
    assert!(yml.contains(url), "the detection's dataset changed");
    let t = tempfile::tempdir().unwrap();
    let make = |name: &str, file: &str| {
        let p = t.path().join(name);
        let text = yml.replace(
            url,
            &format!("https://media.githubusercontent.com/media/splunk/attack_data/master/{file}"),
        );
        std::fs::write(&p, text).unwrap();
        p
    };
    let pass = make("pass.yml", "Privilege Escalation/Sysmon_UACME_33.evtx");
    let out = common::spleval()
        .args(["test", "--format", "json", "--rules"])
        .arg(&sc)
        .arg("--data")
        .arg(&dir)
        .arg(&pass)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("\"status\":\"passed\""), "{text}");
    assert!(text.contains("\"results\":1"), "{text}");
    let fail = make("fail.yml", "Privilege Escalation/Sysmon_UACME_34.evtx");
    let out = common::spleval()
        .args(["test", "--format", "json", "--rules"])
        .arg(&sc)
        .arg("--data")
        .arg(&dir)
        .arg(&fail)
        .output()
        .unwrap();
    assert!(!out.status.success(), "no fodhelper in UACME 34");
}

/// Damaged copies of a real three-chunk recording: what can be read is
/// read, each damage is a warning naming the file, the chunk and the
/// record, and counted; nothing panics.
#[test]
fn damaged_files_warn_and_read_the_rest() {
    let Some(dir) = evtx_dir() else { return };
    let orig =
        std::fs::read(dir.join("AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx"))
            .unwrap();
    let whole = &orig[..4096 + 3 * 65536];
    let all = count_records(whole);
    let t = tempfile::tempdir().unwrap();
    let run = |name: &str, data: &[u8]| {
        let p = t.path().join(name);
        std::fs::write(&p, data).unwrap();
        let out = common::spleval()
            .args([
                "run",
                "--no-knowledge",
                "--format",
                "csv",
                "--spl",
                "* | stats count",
            ])
            .arg(&p)
            .output()
            .unwrap();
        assert!(out.status.success());
        let n: u64 = String::from_utf8_lossy(&out.stdout)
            .lines()
            .nth(1)
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        (n, String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (n, err) = run("whole.evtx", whole);
    assert_eq!((n, err.contains("warning")), (all, false), "{err}");

    // A record's BinXML overwritten: that record alone is lost.
    let chunk1 = 4096 + 65536;
    let mut off = 512;
    for _ in 0..3 {
        off += u32::from_le_bytes(
            whole[chunk1 + off + 4..chunk1 + off + 8]
                .try_into()
                .unwrap(),
        ) as usize;
    }
    let mut bad = whole.to_vec();
    bad[chunk1 + off + 24..chunk1 + off + 88].fill(0xff);
    let (n, err) = run("record.evtx", &bad);
    assert_eq!(n, all - 1, "{err}");
    assert!(err.contains("record.evtx: chunk 1, record "), "{err}");
    assert!(err.contains("1 malformed record(s) skipped"), "{err}");

    // A chunk header destroyed: that chunk's records are lost.
    let mut bad = whole.to_vec();
    bad[chunk1..chunk1 + 8].copy_from_slice(b"XXXXXXXX");
    let in_chunk1 = all - count_records(&bad);
    let (n, err) = run("chunk.evtx", &bad);
    assert_eq!(n, all - in_chunk1, "{err}");
    assert!(err.contains("chunk.evtx: chunk 1: "), "{err}");

    // Cut inside the last chunk: the records before the cut are read.
    let cut = &whole[..4096 + 2 * 65536 + 30000];
    let in_whole_chunks = count_records(cut);
    let (n, err) = run("cut.evtx", cut);
    assert!(n > in_whole_chunks && n < all, "{n} of {all}: {err}");
    assert!(
        err.contains("cut.evtx: chunk 2: the file ends 30000 bytes into this chunk"),
        "{err}"
    );

    // Only part of the file header.
    let (n, err) = run("header.evtx", &whole[..3000]);
    assert_eq!(n, 0);
    assert!(
        err.contains("header.evtx: file header: not a readable .evtx file"),
        "{err}"
    );

    // Bytes changed at random (seeded): never a failure, never a panic.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for i in 0..40 {
        let mut bad = whole.to_vec();
        for _ in 0..(1 + next() % 200) {
            let j = 8 + (next() as usize) % (bad.len() - 8);
            bad[j] = next() as u8;
        }
        run(&format!("fuzz{i}.evtx"), &bad);
    }
}
