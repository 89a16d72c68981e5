//! Eval expressions: each `eval` runs over the synthetic events and the
//! search ends in `| stats count` (or a `where`), so the time is the
//! expression plus a counter. `baseline` is `stats count` alone.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

const SEARCHES: &[(&str, &str)] = &[
    ("baseline", "| stats count"),
    (
        "arithmetic",
        "| eval x=EventID*2+ProcessId/4-1, y=round((x-3)%7, 2) | stats count",
    ),
    (
        "if_case",
        r#"| eval kind=if(EventID==1, "process", "other"), port=case(DestinationPort==443, "https", DestinationPort==80, "http", DestinationPort==445, "smb", true(), "other") | stats count"#,
    ),
    (
        "like_match",
        r#"| eval ps=if(like(lower(Image), "%powershell.exe"), 1, 0), enc=if(match(CommandLine, "(?i)-e(nc|ncodedcommand)?\s+[A-Za-z0-9+/=]{20,}"), 1, 0) | stats count"#,
    ),
    (
        "string_functions",
        r#"| eval img=lower(Image), n=len(CommandLine), head=substr(CommandLine, 1, 12), exe=replace(Image, "^.*\\\\", "") | stats count"#,
    ),
    (
        "multivalue_coalesce",
        r#"| eval parts=split(CommandLine, " "), nparts=mvcount(parts), who=coalesce(SubjectUserName, TargetUserName, User) | stats count"#,
    ),
    (
        "cidrmatch",
        r#"| eval internal=if(cidrmatch("10.0.0.0/8", SourceIp), 1, 0) | stats count"#,
    ),
    // ../shared/bench/compare.py's Q3 shape: eval, then where on its result.
    (
        "eval_where",
        "| eval n=len(CommandLine) | where n > 80 | stats count max(n) as maxlen by Hostname",
    ),
];

fn eval(c: &mut Criterion) {
    let events = common::events(common::N_EVENTS);
    common::bench_searches(c, "eval", &events, SEARCHES);
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = eval
}
criterion_main!(benches);
