//! The search language on events, two ways:
//!
//! - `search/…`: the whole pipeline `<search> | stats count` over the
//!   synthetic events (matching plus a counter, no result sort). `baseline`
//!   is `| stats count` alone: feeding the events, which `MemFeed` clones;
//!   subtract it to see what the matching costs.
//! - `match/…`: the same search expressions compiled once
//!   (`Matcher::from_search_text`, the `searchmatch()` entry point) and
//!   tested against each event by reference: matching alone.

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use spleval::eval::matcher::Matcher;

/// `(name, search expression)`.
const EXPRS: &[(&str, &str)] = &[
    ("field_eq_number", "EventID=1"),
    ("field_eq_text", r#"Hostname="MORDORDC.theshire.local""#),
    ("wildcard_suffix", r#"Image="*\\powershell.exe""#),
    // Values match case-insensitively: this also matches "PowerShell.EXE".
    ("wildcard_other_case", r#"Image="*\\POWERSHELL.EXE""#),
    ("wildcard_infix", r#"CommandLine="*-enc*""#),
    (
        "in_list",
        r#"Image IN ("*\\cmd.exe", "*\\rundll32.exe", "*\\certutil.exe", "*\\schtasks.exe")"#,
    ),
    ("cidr", "DestinationIp=192.168.0.0/16"),
    ("bare_term", "lsass.dmp"),
    (
        "and_or_not",
        r#"(EventID=1 OR EventID=4688) NOT User="NT AUTHORITY\\SYSTEM" (ParentImage="*\\WINWORD.EXE" OR CommandLine="*http*")"#,
    ),
];

/// Whole searches that are not a plain expression + count.
const OTHER: &[(&str, &str)] = &[
    ("baseline", "| stats count"),
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
    let counted: Vec<(&str, String)> = EXPRS
        .iter()
        .map(|(name, e)| (*name, format!("{e} | stats count")))
        .collect();
    let mut searches: Vec<(&str, &str)> = OTHER[..1].to_vec();
    searches.extend(counted.iter().map(|(n, s)| (*n, s.as_str())));
    searches.extend_from_slice(&OTHER[1..]);
    common::bench_searches(c, "search", &events, &searches);
}

fn match_only(c: &mut Criterion) {
    let events = common::events(common::N_EVENTS);
    let fn_ctx = common::ctx().fn_ctx;
    let mut g = c.benchmark_group("match");
    g.throughput(Throughput::Elements(events.len() as u64));
    for (name, expr) in EXPRS {
        let m = Matcher::from_search_text(expr, &fn_ctx)
            .unwrap_or_else(|e| panic!("{expr:?} compiles: {}", e.msg));
        let count = |m: &Matcher| {
            events
                .iter()
                .filter(|ev| m.matches(*ev).expect("matches"))
                .count()
        };
        eprintln!("match/{name}: {} of {}", count(&m), events.len());
        g.bench_function(*name, |b| b.iter(|| count(black_box(&m))));
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = search, match_only
}
criterion_main!(benches);
