//! Every runnable plain-search detection (not starting with tstats/mstats)
//! runs without a runtime error over the `example_log` of its first data
//! source, read with that data source's `source` and `sourcetype`.
//! Skips (saying so) when ../shared is absent; CI always has it.

use crate::common;

use std::collections::HashMap;
use std::sync::Arc;

use spleval::commands::support::pipeline::PlanCtx;
use spleval::engine::run::{self, FileFeed};
use spleval::input::{Meta, Source};
use spleval::{app::check, content::rules, functions::FnCtx};

struct DataSource {
    source: Option<String>,
    sourcetype: Option<String>,
    example: Option<String>,
}

fn data_sources(dir: &std::path::Path) -> HashMap<String, DataSource> {
    let mut out = HashMap::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap();
        let doc: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        let s = |k: &str| doc.get(k).and_then(|v| v.as_str()).map(str::to_string);
        if let Some(name) = s("name") {
            out.insert(
                name,
                DataSource {
                    source: s("source"),
                    sourcetype: s("sourcetype"),
                    example: s("example_log"),
                },
            );
        }
    }
    out
}

#[test]
fn runnable_plain_searches_run_over_their_example_logs() {
    run_over_example_logs(false);
}

/// The same for every runnable `tstats` detection (data model views built
/// from the example event).
#[test]
fn runnable_tstats_searches_run_over_their_example_logs() {
    run_over_example_logs(true);
}

fn run_over_example_logs(tstats: bool) {
    let Some(shared) = common::shared() else {
        return;
    };
    let sc = shared.join("security_content");
    let macros = rules::load_macros(Some(&sc), &[]).unwrap();
    let sources = data_sources(&sc.join("data_sources"));
    let files = check::collect_files(&[sc.join("detections")]).unwrap();
    let mut ctx = PlanCtx::new(FnCtx {
        now: 1_700_000_000.0,
        tz: chrono_tz::UTC,
        ..Default::default()
    });
    ctx.rules_root = Some(sc.clone());
    ctx.macros = Some(Arc::new(macros.clone()));
    let (mut ran, mut no_example, mut errors) = (0, 0, Vec::new());
    let mut third_party = Vec::new();
    for f in files
        .iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "deprecated"))
    {
        let det = rules::load_detection(f).unwrap();
        let trimmed = det.search.trim_start();
        let first = trimmed.strip_prefix('|').unwrap_or("").trim_start();
        let is_tstats = first.starts_with("tstats") || first.starts_with("mstats");
        if is_tstats != tstats {
            continue;
        }
        let Ok(q) = run::prepare(det.origin(), &macros) else {
            errors.push(format!("{}: does not parse", f.display()));
            continue;
        };
        let mut runnable = true;
        q.pipeline.walk(&mut |n| runnable &= n.cmd.runnable());
        if !runnable {
            continue;
        }
        let ds_name = det
            .doc
            .get("data_source")
            .and_then(|v| v.as_array())
            .and_then(|a| a.first())
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        let Some(ds) = sources.get(&ds_name) else {
            no_example += 1;
            continue;
        };
        let Some(example) = &ds.example else {
            no_example += 1;
            continue;
        };
        let feed = Arc::new(FileFeed {
            sources: vec![Source::Memory(
                "example_log".into(),
                Arc::from(example.clone().into_bytes()),
            )],
            meta: Meta {
                source: ds.source.clone(),
                sourcetype: ds.sourcetype.clone(),
                ..Default::default()
            },
        });
        ran += 1;
        if let Err(e) = q.run_feed(&ctx, feed, &mut |_| Ok(())) {
            if e.msg.contains("is a scripted lookup of the") {
                // Third-party app lookups (URL Toolbox) cannot run offline.
                third_party.push(det.name.clone());
                continue;
            }
            errors.push(format!("{} ({ds_name}): {}", f.display(), e.msg));
        }
    }
    eprintln!(
        "ran {ran} detections over example logs; {no_example} had no example log; \
         third-party lookups: {third_party:?}"
    );
    assert!(third_party.len() <= 2, "{third_party:?}");
    assert!(ran > 400, "only {ran} detections ran");
    assert!(
        errors.is_empty(),
        "{} of {ran} failed:\n{}",
        errors.len(),
        errors.join("\n")
    );
}
