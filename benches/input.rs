//! Reading NDJSON into events: one line at a time (`input::parse_line`) and
//! a whole in-memory buffer through the reader (`input::read_bytes`: format
//! sniffing, line splitting, `_time`), without search-time knowledge.

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use spleval::input;

fn input(c: &mut Criterion) {
    let text = common::ndjson(common::N_EVENTS);
    let meta = common::meta();
    let mut g = c.benchmark_group("input");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("parse_line", |b| {
        b.iter(|| {
            text.lines()
                .map(|l| input::json::parse_line(black_box(l), &meta, "synthetic.jsonl"))
                .filter(Result::is_ok)
                .count()
        })
    });
    g.bench_function("read_bytes", |b| {
        b.iter(|| {
            input::read_bytes(black_box(text.as_bytes()), "synthetic.jsonl", &meta)
                .expect("reads")
                .0
                .len()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = input
}
criterion_main!(benches);
