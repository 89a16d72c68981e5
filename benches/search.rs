//! The search language on events: each search runs over the synthetic events
//! and ends in `| stats count`, so the time is matching plus a counter (no
//! result sort). `baseline` is `stats count` alone: feeding (and cloning) the
//! events; subtract it to see what the matching costs.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

const SEARCHES: &[(&str, &str)] = &[
    ("baseline", "| stats count"),
    ("field_eq_number", "EventID=1 | stats count"),
    (
        "field_eq_text",
        r#"Hostname="MORDORDC.theshire.local" | stats count"#,
    ),
    (
        "wildcard_suffix",
        r#"Image="*\\powershell.exe" | stats count"#,
    ),
    // Values match case-insensitively: this also matches "PowerShell.EXE".
    (
        "wildcard_other_case",
        r#"Image="*\\POWERSHELL.EXE" | stats count"#,
    ),
    ("wildcard_infix", r#"CommandLine="*-enc*" | stats count"#),
    (
        "in_list",
        r#"Image IN ("*\\cmd.exe", "*\\rundll32.exe", "*\\certutil.exe", "*\\schtasks.exe") | stats count"#,
    ),
    ("cidr", "DestinationIp=192.168.0.0/16 | stats count"),
    ("bare_term", "lsass.dmp | stats count"),
    (
        "and_or_not",
        r#"(EventID=1 OR EventID=4688) NOT User="NT AUTHORITY\\SYSTEM" (ParentImage="*\\WINWORD.EXE" OR CommandLine="*http*") | stats count"#,
    ),
    (
        "where_like",
        r#"| where like(Image, "%powershell.exe") | stats count"#,
    ),
    // ../shared/bench/compare.py's Q1, on synthetic events.
    (
        "q1_selective_stats",
        r#"EventID=1 Image="*powershell.exe" | stats count by Hostname ParentImage"#,
    ),
];

fn search(c: &mut Criterion) {
    let events = common::events(common::N_EVENTS);
    common::bench_searches(c, "search", &events, SEARCHES);
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = search
}
criterion_main!(benches);
