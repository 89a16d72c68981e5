//! Knowledge packs for text data sources: every security_content data
//! source whose `example_log` is text (not XML or JSON), read with its
//! `source` and `sourcetype` (and a host, as a forwarder sets one), gets
//! `_time` from the time written in the log and the add-on's field names,
//! with values checked per family. Each family prints the listed fields it
//! carries (Splunk-internal ones aside); every listed field must be carried
//! except the few each family names as out of reach (not in the text), and
//! the knowledge restricted to one field (what a search reading only that
//! field gets) must give it the same value.

use crate::common;

use std::path::Path;
use std::sync::Arc;

use spleval::base::event::Event;
use spleval::content::knowledge::Knowledge;
use spleval::input::{read_bytes, Meta};

/// The reading clock: 2024-06-01T00:00:00Z (for times without a year or date).
const NOW: f64 = 1_717_200_000.0;
const HOST: &str = "example-host";

fn internal(f: &str) -> bool {
    f.starts_with("date_")
        || f.starts_with("tag")
        || matches!(
            f,
            "punct"
                | "linecount"
                | "splunk_server"
                | "splunk_server_group"
                | "eventtype"
                | "timestartpos"
                | "timeendpos"
                | "index"
        )
}

/// A data source and the event its example makes.
struct Example {
    name: String,
    text: String,
    meta: Meta,
    listed: Vec<String>,
    ev: Event,
}

fn example(shared: &Path, file: &str) -> Example {
    let path = shared.join("security_content/data_sources").join(file);
    let doc: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let s = |k: &str| {
        doc.get(k)
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .to_string()
    };
    let text = s("example_log").trim().to_string();
    assert!(
        !text.starts_with(['<', '{', '[']),
        "{file}: the example is not text"
    );
    let meta = Meta {
        sourcetype: Some(s("sourcetype")),
        source: Some(s("source")),
        host: Some(HOST.into()),
        now: Some(NOW),
        ..Default::default()
    };
    let mut listed: Vec<String> = Vec::new();
    for f in doc
        .get("fields")
        .and_then(|x| x.as_array())
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str())
    {
        if !internal(f) && !listed.iter().any(|l| l == f) {
            listed.push(f.to_string());
        }
    }
    let (mut events, bad) = read_bytes(text.as_bytes(), "example_log", &meta).unwrap();
    assert!(bad.is_empty(), "{file}: {bad:?}");
    assert_eq!(events.len(), 1, "{file}: one event");
    Example {
        name: file.trim_end_matches(".yml").to_string(),
        text,
        meta,
        listed,
        ev: events.remove(0),
    }
}

impl Example {
    fn get(&self, f: &str) -> String {
        self.ev
            .get(f)
            .map(|v| v.to_display(","))
            .unwrap_or_default()
    }

    fn time(&self) -> f64 {
        self.ev
            .time()
            .unwrap_or_else(|| panic!("{}: no _time", self.name))
    }

    fn assert_time(&self, want: f64) {
        let t = self.time();
        assert!(
            (t - want).abs() < 1e-6,
            "{}: _time {t}, want {want}",
            self.name
        );
    }

    fn assert_fields(&self, want: &[(&str, &str)]) {
        for (f, v) in want {
            assert_eq!(self.get(f), *v, "{}: {f}", self.name);
        }
    }
}

/// Prints the family's carried/listed figure, fails on a listed field that
/// is missing but not named in `out_of_reach`, and checks that knowledge
/// restricted to each listed field gives it the same value.
fn carried(family: &str, examples: &[&Example], out_of_reach: &[&str]) {
    let (mut have, mut total) = (0, 0);
    let mut missing = Vec::new();
    for e in examples {
        for f in &e.listed {
            total += 1;
            if e.ev.contains(f) {
                have += 1;
            } else {
                missing.push(format!("{}:{f}", e.name));
            }
        }
        restricted_agrees(e);
    }
    println!("{family}: {have}/{total} listed fields carried; missing {missing:?}");
    for m in &missing {
        let field = m.rsplit(':').next().unwrap();
        assert!(
            out_of_reach.contains(&field),
            "{family}: {m} is listed by the data source but not carried"
        );
    }
}

fn restricted_agrees(e: &Example) {
    for f in &e.listed {
        let mut needed = std::iter::once(f.clone()).collect();
        let k = Knowledge::shipped()
            .restrict(&mut needed)
            .expect("no rule reads every field");
        let meta = Meta {
            knowledge: Some(Arc::new(k)),
            ..e.meta.clone()
        };
        let (evs, _) = read_bytes(e.text.as_bytes(), "example_log", &meta).unwrap();
        assert_eq!(
            evs[0].get(f),
            e.ev.get(f),
            "{}: {f} with the knowledge restricted to it",
            e.name
        );
    }
}

#[test]
fn linux_auditd() {
    let Some(shared) = common::shared() else {
        return;
    };
    let ex = |f: &str| example(&shared, f);
    let syscall = ex("linux_auditd_syscall.yml");
    // msg=audit(1723035666.627:3663): epoch seconds and milliseconds (the
    // serial after `:` is not time) = 2024-08-07T13:01:06.627Z.
    syscall.assert_time(1_723_035_666.627);
    syscall.assert_fields(&[
        ("type", "SYSCALL"),
        ("msg", "audit(1723035666.627:3663):"),
        ("syscall", "59"),
        ("comm", "lsmod"),
        ("exe", "/usr/bin/kmod"),
        ("key", "rootcmd"),
        ("AUID", "ubuntu"),
        ("SYSCALL", "execve"),
        ("FSGID", "root"),
        ("process", "/usr/bin/kmod"),
        ("process_name", "lsmod"),
        ("process_id", "1301"),
        ("parent_process_id", "1300"),
        ("user", "root"),
        ("dest", HOST),
        ("tag", "process,report"),
    ]);
    let execve = ex("linux_auditd_execve.yml");
    execve.assert_time(1_723_044_684.257); // audit(1723044684.257:15795)
    execve.assert_fields(&[
        ("argc", "3"),
        ("a0", "sudo"),
        ("a1", "LD_PRELOAD=./myfopen.so"),
        ("a2", "./prog"),
        ("process_name", "sudo"),
        ("tag", "process,report"),
    ]);
    let add_user = ex("linux_auditd_add_user.yml");
    add_user.assert_time(1_722_950_859.266); // audit(1722950859.266:6994)
                                             // The quoted message's pairs, and UID right after its closing quote.
    add_user.assert_fields(&[
        ("type", "ADD_USER"),
        ("op", "adding user"),
        ("id", "1002"),
        ("exe", "/usr/sbin/useradd"),
        ("hostname", "ar-linux1"),
        ("addr", "?"),
        ("terminal", "pts/1"),
        ("res", "success"),
        ("UID", "root"),
        ("AUID", "ubuntu"),
        ("ID", "unknown(1002)"),
        ("src_user", "ubuntu"),
        ("tag", "change,account"),
    ]);
    let path = ex("linux_auditd_path.yml");
    path.assert_time(1_723_043_687.149);
    path.assert_fields(&[
        ("name", "/etc/ssh/ssh_config~"),
        ("dev", "103:01"),
        ("nametype", "DELETE"),
        ("OGID", "root"),
    ]);
    let title = ex("linux_auditd_proctitle.yml");
    title.assert_time(1_722_944_427.844);
    title.assert_fields(&[("proctitle", "63686D6F640037373700312E7368")]);
    let stop = ex("linux_auditd_service_stop.yml");
    stop.assert_time(1_722_957_155.494);
    stop.assert_fields(&[
        ("unit", "atd"),
        ("comm", "systemd"),
        ("AUID", "unset"),
        ("service_name", "atd"),
        ("tag", "service,report"),
    ]);
    carried(
        "linux:audit",
        &[&syscall, &execve, &add_user, &path, &title, &stop],
        &[],
    );
}

#[test]
fn palo_alto_threat() {
    let Some(shared) = common::shared() else {
        return;
    };
    let e = example(&shared, "palo_alto_network_threat.yml");
    // Generated time, the 7th column: 2022/05/10 11:08:38 (read as UTC) =
    // 2022-05-10T11:08:38Z; the syslog header's 11:08:39 is the receive time.
    e.assert_time(1_652_180_918.0);
    e.assert_fields(&[
        ("future_use1", "May 10 11:08:39 sjc.example.com 1"),
        ("type", "THREAT"),
        ("log_subtype", "url"),
        ("src_ip", "2.18.4.7"),
        ("dest_ip", "1.2.3.4"),
        ("dest_port", "443"),
        ("rule", "service-globalprotect"),
        ("app", "web-browsing"),
        ("vendor_action", "allow"),
        ("action", "allowed"),
        // A quoted column holding no comma, and one holding commas.
        ("misc", "sr.example.com/mgmt/tm/util/bash"),
        ("url", "sr.example.com/mgmt/tm/util/bash"),
        ("threat_id", "9999"),
        ("signature_id", "9999"),
        ("dest_name", "sr.example.com"),
        ("http_method", "POST"),
        (
            "http_user_agent",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_2) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/36.0.1944.0 Safari/537.36",
        ),
        ("dvc_name", "sjc1-fw-01"),
        ("dvc", HOST),
        ("content_version", "AppThreat-0-0"),
        (
            "url_category_list",
            "allow-URL,computer-and-internet-info,low-risk",
        ),
        ("rule_uuid", "5283cb95-6902-41db-96c6-ef807361eba5"),
        ("user", "unknown"),
        ("tag", "web,proxy"),
    ]);
    carried("pan:threat", &[&e], &[]);
}

#[test]
fn palo_alto_traffic() {
    let Some(shared) = common::shared() else {
        return;
    };
    let e = example(&shared, "palo_alto_network_traffic.yml");
    // Generated time 2024/02/22 12:33:50 (read as UTC; the syslog header
    // says the firewall is at -05:00) = 2024-02-22T12:33:50Z.
    e.assert_time(1_708_605_230.0);
    e.assert_fields(&[
        ("type", "TRAFFIC"),
        ("log_subtype", "end"),
        ("src_ip", "192.168.1.205"),
        ("src", "192.168.1.205"),
        ("dest_ip", "147.28.146.44"),
        ("dest_port", "443"),
        ("src_translated_ip", "201.17.96.104"),
        ("app", "screenconnect"),
        ("transport", "tcp"),
        ("action", "allowed"),
        ("bytes", "7419"),
        ("bytes_out", "6609"),
        ("bytes_in", "810"),
        ("packets", "25"),
        ("duration", "65"),
        ("start_time", "2024/02/22 12:32:29"),
        ("session_end_reason", "tcp-fin"),
        ("dvc_name", "PALO220"),
        ("rule_uuid", "0862e58b-4a54-436b-b3ac-ea3eccf8403b"),
        ("tag", "network,communicate"),
    ]);
    carried("pan:traffic", &[&e], &[]);
}

#[test]
fn nginx_kv() {
    let Some(shared) = common::shared() else {
        return;
    };
    let e = example(&shared, "nginx_access.yml");
    // time_local="22/Feb/2024:13:00:00 -0500" = 2024-02-22T18:00:00Z.
    e.assert_time(1_708_624_800.0);
    e.assert_fields(&[
        ("src", "198.51.100.1"),
        ("dest_ip", "192.0.2.1"),
        ("dest", "www.example.com"),
        ("http_method", "POST"),
        ("status", "200"),
        ("status_description", "OK"),
        ("status_type", "Successful"),
        ("uri_path", "/wp-json/bricks/v1/render_element"),
        ("http_user_agent", "python-requests/2.25.1"),
        ("http_user_agent_length", "22"),
        (
            "url",
            "https://www.example.com/wp-json/bricks/v1/render_element",
        ),
        ("url_domain", "www.example.com"),
        ("bytes", "1073741234"),
        ("version", "1.1"),
        ("action", "success"),
        ("tag", "web"),
    ]);
    // security_content's stream:ip example is the same format.
    let s = example(&shared, "splunk_stream_ip.yml");
    // time_local="14/Dec/2021:00:41:27 +0000" = 2021-12-14T00:41:27Z.
    s.assert_time(1_639_442_487.0);
    s.assert_fields(&[
        ("status", "400"),
        ("status_type", "Client Error"),
        ("action", "failure"),
        ("http_referrer", &s.get("http_referer")),
        ("url", "http://localhost/"),
    ]);
    assert!(s
        .get("http_referrer")
        .starts_with("${jndi:ldap://10.0.1.16:1389/"));
    carried("nginx:plus:kv", &[&e], &[]);
    // `https=""`: an empty value is not a field.
    carried("stream:ip", &[&s], &["https"]);
}

#[test]
fn linux_secure() {
    let Some(shared) = common::shared() else {
        return;
    };
    let e = example(&shared, "linux_secure.yml");
    // "May 27 09:28:36" has no year: the clock's (2024), as May 27 is
    // not ahead of June 1 = 2024-05-27T09:28:36Z.
    e.assert_time(1_716_802_116.0);
    e.assert_fields(&[
        ("dest", "ip-172-31-24-46"),
        ("process", "sshd"),
        ("pid", "5617"),
        ("vendor_action", "Accepted"),
        ("action", "success"),
        ("user", "mikael"),
        ("src", "84.202.159.161"),
        ("src_port", "63487"),
        ("sshd_protocol", "ssh2"),
        ("app", "sshd"),
        ("tag", "authentication"),
    ]);
    carried("linux_secure", &[&e], &[]);
    // Read on 2025-01-10, May 27 2025 would be months ahead: May 27 2024.
    let meta = Meta {
        now: Some(1_736_467_200.0),
        ..e.meta.clone()
    };
    let (evs, _) = read_bytes(e.text.as_bytes(), "example_log", &meta).unwrap();
    assert_eq!(evs[0].time(), Some(1_716_802_116.0));
}

#[test]
fn aws_cloudfront() {
    let Some(shared) = common::shared() else {
        return;
    };
    let e = example(&shared, "aws_cloudfront.yml");
    // date and time columns, UTC: 2023-11-07 16:58:21 = 2023-11-07T16:58:21Z.
    e.assert_time(1_699_376_301.0);
    e.assert_fields(&[
        ("x_edge_location", "IAD55-P5"),
        ("c_ip", "44.192.78.55"),
        ("src_ip", "44.192.78.55"),
        ("cs_method", "GET"),
        ("http_method", "GET"),
        (
            "cs_uri_stem",
            "/plugins/servlet/com.jsos.shell/ShellServlet",
        ),
        ("sc_status", "200"),
        ("status", "200"),
        ("x_host_header", "confluence.catjamfest.com"),
        (
            "url",
            "https://confluence.catjamfest.com/plugins/servlet/com.jsos.shell/ShellServlet",
        ),
        (
            "http_user_agent",
            "Slackbot-LinkExpanding%201.0%20(+https://api.slack.com/robots)",
        ),
        ("bytes", "1153"),
        ("ssl_protocol", "TLSv1.3"),
        ("c_port", "57232"),
        ("x_edge_detail_result_type", "LambdaGeneratedResponse"),
        ("sc_range_end", "-"),
        ("tag", "web"),
    ]);
    // The category and the edge location's city come from add-on lookups
    // spleval does not ship.
    carried(
        "aws:cloudfront:accesslogs",
        &[&e],
        &["category", "edge_location_name"],
    );
}

#[test]
fn aws_vpc_flow() {
    let Some(shared) = common::shared() else {
        return;
    };
    let e = example(&shared, "aws_cloudwatchlogs_vpcflow.yml");
    // start_time, the 11th column: 1697608042 = 2023-10-18T05:47:22Z.
    e.assert_time(1_697_608_042.0);
    e.assert_fields(&[
        ("version", "2"),
        ("account_id", "123397614277"),
        ("vendor_account", "123397614277"),
        ("interface_id", "eni-0b0f9f261f45e6489"),
        ("src_ip", "10.0.1.30"),
        ("dest_ip", "10.0.1.1"),
        ("src_port", "47254"),
        ("dest_port", "22"),
        ("protocol_code", "17"),
        ("transport", "udp"),
        ("protocol_full_name", "User Datagram Protocol"),
        ("packets", "2"),
        ("bytes", "98"),
        ("end_time", "1697608070"),
        ("duration", "28"),
        ("vpcflow_action", "ACCEPT"),
        ("action", "allowed"),
        ("log_status", "OK"),
        ("tag", "network,communicate"),
    ]);
    // The region, the app and the user id come from the CloudWatch input,
    // not from the record.
    carried(
        "aws:cloudwatchlogs:vpcflow",
        &[&e],
        &["app", "region", "user_id"],
    );
}

#[test]
fn crushftp_falco_splunk_audit() {
    let Some(shared) = common::shared() else {
        return;
    };
    let c = example(&shared, "crushftp.yml");
    // SESSION|05/14/2024 17:36:21.859| = 2024-05-14T17:36:21.859Z.
    c.assert_time(1_715_708_181.859);
    carried("crushftp:sessionlogs", &[&c], &[]);

    let f = example(&shared, "kubernetes_falco.yml");
    // "12:18:18.691725165:" has no date: the clock's, 2024-06-01 =
    // 2024-06-01T12:18:18.691725165Z.
    f.assert_time(1_717_244_298.691_725_2);
    f.assert_fields(&[
        ("evt_type", "execve"),
        ("user", "root"),
        ("process", "bash"),
        ("command", "bash -il"),
        ("container_image", "quay.io/signalfx/splunk-otel-collector"),
        ("k8s_pod_name", "my-splunk-otel-collector-agent-9sdhr"),
        ("priority", "Notice"),
    ]);
    carried("kube:container:falco", &[&f], &[]);

    let s = example(&shared, "splunk.yml");
    // timestamp=01-25-2023 22:08:54.818 = 2023-01-25T22:08:54.818Z.
    s.assert_time(1_674_684_534.818);
    s.assert_fields(&[
        ("timestamp", "01-25-2023 22:08:54.818"),
        ("user", "admin"),
        ("action", "search"),
        ("info", "granted"),
        ("dest", HOST),
    ]);
    carried("splunkd_ui_access", &[&s], &[]);
}

#[test]
fn windows_classic_text_and_powershell() {
    let Some(shared) = common::shared() else {
        return;
    };
    // The examples are the first line of a classic text rendering: the
    // time, with AM/PM.
    for (file, want) in [
        // 07/01/2021 04:20:47 PM = 2021-07-01T16:20:47Z
        ("windows_event_log_printservice_316.yml", 1_625_156_447.0),
        ("windows_event_log_printservice_808.yml", 1_625_156_447.0),
        // 11/17/2023 05:23:37 PM
        ("windows_event_log_defender_1129.yml", 1_700_241_817.0),
        // 04/26/2022 11:12:09 AM
        ("windows_event_log_security_4698.yml", 1_650_971_529.0),
        // 11/12/2021 05:16:44 PM
        ("windows_event_log_security_4699.yml", 1_636_737_404.0),
        // 10/09/2020 10:41:26 AM
        ("windows_event_log_security_4720.yml", 1_602_240_086.0),
        ("windows_event_log_security_4732.yml", 1_602_240_086.0),
        ("windows_event_log_system_4720.yml", 1_602_240_086.0),
        // 10/09/2020 10:41:29 AM
        ("windows_event_log_system_4726.yml", 1_602_240_089.0),
    ] {
        let e = example(&shared, file);
        e.assert_time(want);
        let n = e.listed.iter().filter(|f| e.ev.contains(f)).count();
        println!(
            "{}: {n}/{} listed fields carried (the example is one line)",
            e.name,
            e.listed.len()
        );
    }
    // The example holds one key="value" pair and no time.
    let p = example(&shared, "powershell_installed_iis_modules.yml");
    p.assert_fields(&[(
        "Schema",
        "Microsoft.IIs.PowerShell.Framework.ConfigurationElementSchema",
    )]);
    assert_eq!(p.ev.time(), None);
    carried("pwsh:installediismodules", &[&p], &["_time", "timestamp"]);
}

/// Every text example is covered by one of the tests above.
#[test]
fn every_text_example_has_a_family() {
    let Some(shared) = common::shared() else {
        return;
    };
    const TESTED: &[&str] = &[
        "linux_auditd_syscall",
        "linux_auditd_execve",
        "linux_auditd_add_user",
        "linux_auditd_path",
        "linux_auditd_proctitle",
        "linux_auditd_service_stop",
        "palo_alto_network_threat",
        "palo_alto_network_traffic",
        "nginx_access",
        "splunk_stream_ip",
        "linux_secure",
        "aws_cloudfront",
        "aws_cloudwatchlogs_vpcflow",
        "crushftp",
        "kubernetes_falco",
        "splunk",
        "windows_event_log_printservice_316",
        "windows_event_log_printservice_808",
        "windows_event_log_defender_1129",
        "windows_event_log_security_4698",
        "windows_event_log_security_4699",
        "windows_event_log_security_4720",
        "windows_event_log_security_4732",
        "windows_event_log_system_4720",
        "windows_event_log_system_4726",
        "powershell_installed_iis_modules",
    ];
    let dir = shared.join("security_content/data_sources");
    let mut untested = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "yml") {
            continue;
        }
        let doc: serde_json::Value =
            serde_saphyr::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let ex = doc
            .get("example_log")
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .trim();
        let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
        if !ex.is_empty() && !ex.starts_with(['<', '{', '[']) && !TESTED.contains(&stem.as_str()) {
            untested.push(stem);
        }
    }
    assert!(
        untested.is_empty(),
        "text examples no test reads: {untested:?}"
    );
}

/// NDJSON records holding a text `_raw` (an export of linux:audit events):
/// a search that reads only derived fields is read projected, without
/// `_raw`; the reader still gives `_raw` to the events whose stanzas read
/// it, so the results are those of reading every field.
#[test]
fn projected_json_with_a_text_raw() {
    let raw = r#"type=SYSCALL msg=audit(1723035666.627:3663): arch=c000003e syscall=59 success=yes ppid=1300 pid=1301 comm=\"lsmod\" exe=\"/usr/bin/kmod\" key=\"rootcmd\" UID=\"root\""#;
    let events = format!(
        "{{\"sourcetype\":\"linux:audit\",\"host\":\"h1\",\"_raw\":\"{raw}\"}}\n{{\"sourcetype\":\"other\",\"comm\":\"lsmod\"}}\n"
    );
    let spl = "comm=lsmod | stats count by process_name user dest _time sourcetype";
    let run = |project: bool| {
        let mut c = common::spleval();
        if !project {
            c.env("SPLEVAL_NO_PROJECTION", "1");
        }
        let out = c
            .args([
                "run",
                "--now",
                "1700000000",
                "--format",
                "json",
                "--spl",
                spl,
            ])
            .write_stdin(events.clone())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        common::rows(&out.stdout)
    };
    let projected = run(true);
    assert_eq!(projected, run(false));
    assert_eq!(projected.len(), 1, "{projected:?}");
    let row = &projected[0];
    assert_eq!(common::col(&projected, "process_name"), ["lsmod"]);
    assert_eq!(common::col(&projected, "user"), ["root"]);
    assert_eq!(common::col(&projected, "dest"), ["h1"]);
    // msg=audit(1723035666.627:…)
    assert_eq!(row["_time"].as_f64(), Some(1_723_035_666.627));
}

/// The text packs' rules apply to their sourcetypes only, but the NDJSON
/// prefilter cannot tell a line's sourcetype: a rule that sets a common
/// field with a value not cut from the text (a concatenation, a decoding)
/// would stop the prefilter from looking for that field's values in every
/// input. These fields stay visible.
#[test]
fn text_packs_keep_the_prefilter_fields() {
    let k = Knowledge::shipped();
    for (field, needle) in [
        ("Image", "powershell.exe"),
        ("CommandLine", "whoami"),
        ("process", "whoami"),
        ("process_name", "whoami.exe"),
        ("process_path", "system32"),
        ("parent_process_name", "cmd.exe"),
        ("http_user_agent", "python"),
        ("http_method", "post"),
        ("uri_path", "/admin"),
        ("url_domain", "evil.com"),
        ("src_ip", "evil"),
        ("service_name", "psexesvc"),
        ("comm", "whoami"),
        ("exe", "/usr/bin/kmod"),
    ] {
        assert!(
            k.text_visible(field, needle),
            "{field}: a shipped rule sets it from something other than a piece of the text"
        );
    }
}
