//! Aggregation over the synthetic events: `stats` with a few functions and
//! two group-by fields, and `eventstats` (which holds every event).

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

const SEARCHES: &[(&str, &str)] = &[
    ("count", "| stats count"),
    ("count_by_2", "| stats count by Hostname EventID"),
    (
        "count_dc_values_by_2",
        "| stats count dc(Image) as images values(User) as users by Hostname EventID",
    ),
    (
        "min_max_time_by_image",
        "| stats count min(_time) as firstTime max(_time) as lastTime by Image",
    ),
    // Many groups: every distinct (Hostname, CommandLine, User).
    (
        "count_by_3_many_groups",
        "| stats count by Hostname CommandLine User",
    ),
    (
        "eventstats_by_host",
        "| eventstats count as host_events dc(Image) as host_images by Hostname | stats count",
    ),
];

fn stats(c: &mut Criterion) {
    let events = common::events(common::N_EVENTS);
    common::bench_searches(c, "stats", &events, SEARCHES);
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = stats
}
criterion_main!(benches);
