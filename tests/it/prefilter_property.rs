//! The reader's shortcuts never change results: generated NDJSON events
//! (escaped characters, `\u` escapes, unicode, case-folding characters,
//! numbers in several spellings, nested objects, escaped keys, export
//! wrappers) give the same output with the literal prefilter and the
//! projection (decoding only the fields a search reads) as without them.

use assert_cmd::Command;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Pieces of JSON string content (already escaped for JSON).
const PIECES: &[&str] = &[
    "powershell.exe",
    "PowerShell.EXE",
    "\\u0070owershell.exe",
    "power\\u017fhell.exe",
    "power\u{17f}hell.exe",
    "\u{212a}ill",
    "kill",
    "C:\\\\Windows\\\\System32\\\\",
    "\\\"quoted\\\"",
    "caf\u{e9}",
    "caf\\u00e9",
    "Microsoft-Windows-Sysmon/Operational",
    "Microsoft-Windows-Sysmon\\/Operational",
    "cmd.exe",
    " -enc ",
    "1",
    "01",
    "1.0",
    "\u{65e5}\u{672c}",
    "\\n\\t",
    "skk",
];

fn string(rng: &mut StdRng) -> String {
    let n = rng.random_range(0..4);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(PIECES[rng.random_range(0..PIECES.len())]);
    }
    format!("\"{s}\"")
}

fn value(rng: &mut StdRng, depth: u32) -> String {
    match rng.random_range(0..10) {
        0 => rng.random_range(0..5).to_string(),
        1 => format!("{}.0", rng.random_range(0..3)),
        2 => "1e0".into(),
        3 => "true".into(),
        // The same number written as JSON can write it: only the integer
        // holds the digits `4104` (and a string, and its escape).
        6 => [
            "4104",
            "4104.0",
            "4.104e3",
            "41040e-1",
            "41040",
            "-4104",
            "\"4104\"",
            "\"\\u0034104\"",
        ][rng.random_range(0..8)]
        .into(),
        4 if depth < 2 => format!("{{\"Image\":{}}}", value(rng, depth + 1)),
        5 if depth < 2 => format!("[{},{}]", value(rng, depth + 1), value(rng, depth + 1)),
        _ => string(rng),
    }
}

fn corpus(seed: u64, n: usize) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    let keys = [
        "Image",
        "EventID",
        "CommandLine",
        "Channel",
        "Hostname",
        "User",
    ];
    let mut out = String::new();
    for _ in 0..n {
        let mut fields = Vec::new();
        for k in keys {
            if rng.random_range(0..5) > 0 {
                let key = if rng.random_range(0..20) == 0 {
                    // An escaped key: `Image` written with a \u escape.
                    k.replacen('I', "\\u0049", 1)
                } else {
                    k.to_string()
                };
                fields.push(format!("\"{key}\":{}", value(&mut rng, 0)));
            }
        }
        if rng.random_range(0..30) == 0 {
            out.push_str(&format!("{{\"result\":{{{}}}}}\n", fields.join(",")));
        } else {
            out.push_str(&format!("{{{}}}\n", fields.join(",")));
        }
    }
    out
}

const QUERIES: &[&str] = &[
    r#"Image="*powershell.exe""#,
    r#"EventID=1 Image="*powershell.exe" | stats count by Hostname"#,
    "EventID=4104 | stats count by Image",
    "EventID=-4104 | stats count",
    "Image=4104 OR EventID=4104 | stats count",
    "EventID=41* | stats count by EventID",
    "powershell",
    "kill",
    r#"Image="*skk*" User=*"#,
    r#"Channel="Microsoft-Windows-Sysmon/Operational" | stats count by EventID"#,
    r#"CommandLine="*café*""#,
    r#"Image="*\"quoted*""#,
    r#"Image.Image="*exe" | table Image.Image"#,
    r#"Image{}="*powershell*" | stats count"#,
    r#"CommandLine="*-enc*" NOT Image=cmd.exe"#,
    r#"User="*kill*" | eval x=upper(User) | table x"#,
    // Projection: only the fields these read are decoded.
    "* | stats count dc(Image) values(Hostname) by EventID",
    "EventID=* | eval l=len(CommandLine) | where l > 5 | stats max(l) as m by Channel",
    "* | rename Image as img | stats count by img",
    "* | sort - EventID | head 5 | table EventID Image",
    "* | dedup Hostname | table Hostname User",
    "* | stats count by Image.Image",
    "* | stats count values(Image{}) by User",
    "* | fields + EventID Channel | stats count by EventID Channel",
    "* | bin EventID span=2 | stats count by EventID",
    r#"* | rex field=CommandLine "(?<flag>-\w+)" | stats count by flag"#,
    "* | eventstats count as n by EventID | stats max(n) as m by Hostname",
    "* | streamstats count as k by User | stats max(k) as m by User",
    "* | top limit=3 Image by EventID",
    "* | rare Hostname",
    "* | fillnull value=none User | stats count by User",
    r#"* | makemv delim="\" Image | mvexpand Image | stats count by Image"#,
    "* | timechart span=1h count by EventID",
    "* | chart count over Hostname by EventID",
    r#"* | replace "*.exe" with "X" in Image | stats count by Image"#,
    r#"* | regex Image="(?i)shell" | stats count by Image"#,
];

fn run(file: &std::path::Path, q: &str, prefilter: bool) -> String {
    run_with(file, &["--spl", q], prefilter)
}

fn run_with(file: &std::path::Path, args: &[&str], prefilter: bool) -> String {
    let mut cmd = Command::cargo_bin("spleval").unwrap();
    if !prefilter {
        cmd.env("SPLEVAL_NO_PREFILTER", "1");
        cmd.env("SPLEVAL_NO_PROJECTION", "1");
    } else {
        cmd.env_remove("SPLEVAL_NO_PREFILTER");
        cmd.env_remove("SPLEVAL_NO_PROJECTION");
    }
    let out = cmd
        .args(["run", "--format", "json"])
        .args(args)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn shortcuts_never_change_results() {
    let dir = tempfile::tempdir().unwrap();
    // The last corpus spans several parallel pieces of the reader.
    for (seed, n) in [(7u64, 1500), (42, 1500), (1234, 6000)] {
        let file = dir.path().join(format!("events-{seed}.json"));
        std::fs::write(&file, corpus(seed, n)).unwrap();
        for q in QUERIES {
            let with = run(&file, q, true);
            let without = run(&file, q, false);
            assert_eq!(with, without, "seed {seed}, query {q}");
        }
    }
}

/// Windows events as JSON exports hold them (`--sourcetype windows:json`),
/// so the shipped knowledge derives CIM fields (`process_name` from `Image`
/// or `NewProcessName`, `user` from `User`, the tags of the data models).
fn windows_corpus(seed: u64, n: usize) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    let channels = [
        "\"Microsoft-Windows-Sysmon/Operational\"",
        "\"Security\"",
        "\"security\"",
    ];
    let mut out = String::new();
    for i in 0..n {
        let mut fields = vec![format!(
            "\"@timestamp\":\"2020-10-13T04:{:02}:{:02}.000Z\"",
            i / 60 % 60,
            i % 60
        )];
        let mut pick = |k: &str, v: String, rng: &mut StdRng| {
            if rng.random_range(0..6) > 0 {
                fields.push(format!("\"{k}\":{v}"));
            }
        };
        let ev = ["1", "4688", "\"1\"", "3", "8", "4688.0", "4.688e3"][rng.random_range(0..7)]
            .to_string();
        pick("EventID", ev, &mut rng);
        let ch = match rng.random_range(0..4) {
            3 => string(&mut rng),
            k => channels[k].to_string(),
        };
        pick("Channel", ch, &mut rng);
        for k in ["Image", "NewProcessName", "CommandLine", "User", "Hostname"] {
            let v = match rng.random_range(0..3) {
                0 => format!("\"C:\\\\Windows\\\\{}\"", &string(&mut rng)[1..]),
                _ => string(&mut rng),
            };
            let v = if v.ends_with("\"\"") {
                v[..v.len() - 1].to_string()
            } else {
                v
            };
            pick(k, v, &mut rng);
        }
        out.push_str(&format!("{{{}}}\n", fields.join(",")));
    }
    out
}

const KNOWLEDGE_QUERIES: &[&str] = &[
    r#"process_name="*powershell.exe" | stats count by dest process"#,
    r#"process_name=powershell.exe"#,
    r#"process_path="*kill*" | table process_path process_name"#,
    r#"user="*kill*" | stats count by user"#,
    r#"EventCode=4688 process_name="*.exe" | stats count by process_name"#,
    "EventCode=4688 | stats count by EventID",
    "EventID=4688 | stats count by EventCode",
    r#"| tstats count min(_time) as t from datamodel=Endpoint.Processes where Processes.process_name="powershell.exe" by Processes.dest Processes.process Processes.user"#,
    r#"| tstats dc(Processes.dest) as d values(Processes.user) as u latest(Processes.process) as p from datamodel=Endpoint.Processes by Processes.process_name"#,
    r#"| tstats count from datamodel=Endpoint.Processes where Processes.process_name="*skk*" Processes.user=* by Processes.process_name"#,
    r#"| tstats count from datamodel=Endpoint.Processes by Processes.process_name Processes.parent_process_name"#,
    r#"| tstats count from datamodel=Endpoint.Processes where nodename=Processes Processes.process_name="*exe" by Processes.process_name"#,
];

#[test]
fn shortcuts_through_knowledge_never_change_results() {
    let dir = tempfile::tempdir().unwrap();
    for (seed, n) in [(3u64, 2000), (99, 5000)] {
        let file = dir.path().join(format!("win-{seed}.json"));
        std::fs::write(&file, windows_corpus(seed, n)).unwrap();
        let mut fired = 0;
        for q in KNOWLEDGE_QUERIES {
            let args = ["--sourcetype", "windows:json", "--spl", q];
            let with = run_with(&file, &args, true);
            let without = run_with(&file, &args, false);
            assert_eq!(with, without, "seed {seed}, query {q}");
            fired += usize::from(!with.trim().is_empty());
        }
        assert!(fired >= 6, "the queries find rows ({fired} of them did)");
    }
}

/// Real detections, unmodified, over real events: the same rows with the
/// knowledge-aware prefilter and projection as without.
#[test]
fn shortcuts_on_real_detections_never_change_results() {
    let Some(shared) = crate::common::shared() else {
        return;
    };
    let sc = shared.join("security_content");
    let data = shared.join("datasets/mordor");
    let cases = [
        ("system_user_discovery_with_whoami.yml", "covenant_com_wsman_automation_2020-10-13002455.json.gz"),
        ("ntdsutil_export_ntds.yml", "cmd_dumping_ntds_dit_file_ntdsutil.json.gz"),
        ("create_remote_thread_into_lsass.yml", "empire_persistence_registry_modification_run_keys_standard_user_2020-09-04030609.json.gz"),
        ("windows_process_injection_remote_thread.yml", "empire_persistence_registry_modification_run_keys_standard_user_2020-09-04030609.json.gz"),
        ("net_localgroup_discovery.yml", "cmd_seatbelt_group_user_2020-11-0216391814.json.gz"),
        ("detect_rare_executables.yml", "covenant_com_wsman_automation_2020-10-13002455.json.gz"),
    ];
    let mut fired = 0;
    for (det, ds) in cases {
        let file = data.join(ds);
        let rule = sc.join("detections/endpoint").join(det);
        assert!(
            file.exists() && rule.exists(),
            "{} / {}",
            rule.display(),
            file.display()
        );
        let rules = sc.to_string_lossy().into_owned();
        let rule = rule.to_string_lossy().into_owned();
        let args = ["--sourcetype", "windows:json", "--rules", &rules, &rule];
        let with = run_with(&file, &args, true);
        let without = run_with(&file, &args, false);
        assert_eq!(with, without, "{det} over {ds}");
        fired += usize::from(!with.trim().is_empty());
    }
    assert!(fired >= 3, "the detections fire ({fired} did)");
}

#[test]
fn prefilter_plans_literals() {
    use spleval::input::prefilter::Prefilter;
    let p = spleval::commands::parse_pipeline(r#"EventID=1 Image="*powershell.exe" | stats count"#)
        .unwrap();
    let ctx = spleval::commands::support::pipeline::PlanCtx::new(Default::default());
    let none = spleval::content::knowledge::Knowledge::empty();
    let pf = Prefilter::plan(&p, &ctx, &none).unwrap();
    assert_eq!(pf.literals(), ["powershell.exe"]);
    // An integer is a literal as a field's whole value, from three digits
    // (shorter ones are in nearly every line); not as a wildcard's piece.
    let p = spleval::commands::parse_pipeline("EventID=1 | stats count").unwrap();
    assert!(Prefilter::plan(&p, &ctx, &none).is_none());
    let p = spleval::commands::parse_pipeline("EventID=4688 | stats count").unwrap();
    assert_eq!(
        Prefilter::plan(&p, &ctx, &none).unwrap().literals(),
        ["4688"]
    );
    let p = spleval::commands::parse_pipeline("EventID=4688* | stats count").unwrap();
    assert!(Prefilter::plan(&p, &ctx, &none).is_none());
    let p = spleval::commands::parse_pipeline("4688 | stats count").unwrap();
    assert!(Prefilter::plan(&p, &ctx, &none).is_none());
    let p = spleval::commands::parse_pipeline("EventID=4688.0 | stats count").unwrap();
    assert!(Prefilter::plan(&p, &ctx, &none).is_none());
    let p = spleval::commands::parse_pipeline("sourcetype=foo host=bar").unwrap();
    assert!(Prefilter::plan(&p, &ctx, &none).is_none());
}

#[test]
fn prefilter_looks_through_the_knowledge() {
    use spleval::content::knowledge::Knowledge;
    use spleval::input::prefilter::Prefilter;
    let ctx = spleval::commands::support::pipeline::PlanCtx::new(Default::default());
    let k = Knowledge::shipped();
    let plan = |spl: &str| {
        let p = spleval::commands::parse_pipeline(spl).unwrap();
        Prefilter::plan(&p, &ctx, k).map(|pf| pf.literals().to_vec())
    };
    // process_name is the end of Image/NewProcessName: the raw line holds it.
    assert_eq!(
        plan("process_name=whoami.exe | stats count").unwrap(),
        ["whoami.exe"]
    );
    assert_eq!(
        plan("| tstats count from datamodel=Endpoint.Processes where Processes.process_name=\"whoami.exe\" by Processes.dest").unwrap(),
        ["whoami.exe"]
    );
    // A field from a lookup table, or a literal the knowledge writes: no filter.
    assert_eq!(plan("signature=\"Process Create\" | stats count"), None);
    assert_eq!(
        plan("vendor_product=\"Microsoft Sysmon\" | stats count"),
        None
    );
}
