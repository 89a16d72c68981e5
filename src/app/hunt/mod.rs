//! `spleval hunt`: every runnable detection under a rules folder over the
//! same events, reading the input once.
//!
//! Each detection is planned once; each event is then offered to the plans
//! that can want it:
//!
//! 1. an index by equality keys: the top-level conjunction of a detection's
//!    leading search (or the root constraint of its tstats data model) often
//!    requires `field=value` (`EventCode=4688`, `sourcetype=…`, `tag=process`).
//!    The detection is filed under one such field and its values; an event is
//!    only tested against the detections filed under a value it has (plus
//!    those with no usable key, tested always);
//! 2. a gate on the borrowed event ([`Plan::accepts`]): the leading search's
//!    matcher, or the tstats view's dataset constraints. Only events that pass
//!    are cloned and pushed;
//! 3. a plan that is done (`head` reached) takes no more events.
//!
//! Detections with subsearches run them while being planned (each subsearch
//! reading the input once more, as `spleval run` does); their main search
//! then takes part in the single pass. Searches that read no events
//! (`| makeresults`, `| inputlookup`, `| rest` …) are not run by a hunt.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::base::diag::{ErrorKind, Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Plan, PlanCtx};
use crate::content::macros::MacroSet;
use crate::engine::projection;
use crate::engine::run::{self, Feed, FileFeed, Query};
use crate::input::projection::Projection;
use crate::input::{Meta, Source, Summary};
use crate::spl::ast::Pipeline;

mod gate;
mod index;
mod pass;
mod report;

use gate::Gate;
use index::Req;
use pass::Pass;
pub use pass::PassReport;

/// One member of a pass: a planned pipeline, its gate, its results.
pub struct Hunter {
    pub name: String,
    pub path: PathBuf,
    /// The detection (None for a batched subsearch).
    pub detection: Option<Arc<rules::Detection>>,
    plan: Plan,
    gate: Gate,
    pub returns_events: bool,
    pub columns: Option<Vec<String>>,
    pub rows: Vec<Event>,
    /// A runtime error (the member stopped taking events).
    pub error: Option<SplError>,
    /// True when its search has subsearches.
    pub subsearch: bool,
    /// What it is filed under in the index (None: tested against every event).
    pub key: Option<Req>,
    query: Option<Query>,
    stopped: bool,
    /// The fields its search needs from an event (None: whole events); an
    /// accepted event is copied with only these.
    proj: Option<Projection>,
    /// Events that passed its gate and were pushed.
    pub pushed: u64,
    /// The fields its gate reads ([`gate::gate_fields`]); used when it
    /// needs whole events (no `proj`).
    gate_fields: Option<Vec<String>>,
}

impl Hunter {
    /// Whether it copies only some fields of the events it takes.
    pub fn projected(&self) -> bool {
        self.proj.is_some()
    }

    /// Its search with every macro expanded.
    pub fn expanded_spl(&self) -> Option<&str> {
        self.query.as_ref().map(|q| q.expanded.text.as_str())
    }
}

/// A detection that cannot run, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub name: String,
    pub path: PathBuf,
    /// The cause for the summary (`uses mstats`, `plan error` …).
    pub reason: String,
    /// The full message.
    pub detail: String,
}

/// A loaded hunt: the detections planned, those waiting for their
/// subsearches, and what could not run.
pub struct Hunt {
    main: Pass,
    /// Detections with subsearches, planned after [`Hunt::run_subsearches`].
    deferred: Vec<(rules::Detection, Query)>,
    /// Subsearch results by the subsearch's text.
    sub_results: Arc<HashMap<String, Vec<Event>>>,
    pub skipped: Vec<Skipped>,
    /// Runnable detections left out of the one-pass run because they use
    /// `map` (a search per result, each reading the input again); see
    /// [`Hunt::load`]'s `include_map`.
    pub left_out: Vec<Skipped>,
    /// Files with a `search:` read under `detections/`.
    pub loaded: usize,
    /// Deprecated or removed detections left out.
    pub retired: usize,
    rereads: Arc<AtomicU64>,
    feed: Arc<dyn Feed>,
    ctx: PlanCtx,
    /// Distinct subsearches run together in one pass.
    pub batched_subsearches: usize,
    /// Per batched subsearch: its text, the events it took, whether it
    /// copied only some fields of them, the rows it returned.
    pub subsearch_taken: Vec<(String, u64, bool, usize)>,
}

use crate::content::rules;

/// Why a detection that uses `map` is left out of a hunt by default.
pub const MAP_LEFT_OUT: &str = "uses map, which runs a search per result";

/// A feed that counts how often it is read (subsearches reading the input again).
struct Counted {
    inner: FileFeed,
    reads: Arc<AtomicU64>,
}

impl Feed for Counted {
    fn feed(&self, f: &mut dyn FnMut(Event) -> Result<bool>) -> Result<Summary> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.inner.feed(f)
    }
    fn feed_planned(
        &self,
        p: &Pipeline,
        ctx: &PlanCtx,
        f: &mut dyn FnMut(Event) -> Result<bool>,
    ) -> Result<Summary> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.inner.feed_planned(p, ctx, f)
    }
}

/// Every `.yml`/`.yaml` under `<rules>/detections` (sorted), or an error
/// saying there is none.
pub fn detection_files(rules: &Path) -> Result<Vec<PathBuf>> {
    let dir = rules.join("detections");
    if !dir.is_dir() {
        return Err(SplError::new(
            ErrorKind::Rule,
            format!(
                "{} has no detections/ folder: nothing to hunt with",
                rules.display()
            ),
        )
        .with_help("pass --rules DIR where DIR/detections holds detection YAML"));
    }
    crate::app::check::collect_files(&[dir])
}

fn new_hunter(
    det: &rules::Detection,
    plan: Plan,
    query: Query,
    ctx: &PlanCtx,
    subs: &HashMap<String, Vec<Event>>,
) -> Hunter {
    Hunter {
        proj: projection::plan_with(&query.pipeline, ctx),
        gate_fields: gate::gate_fields(&query.pipeline, ctx, subs),
        pushed: 0,
        name: det.name.clone(),
        path: det.path.clone(),
        detection: Some(Arc::new(det.clone())),
        returns_events: plan.returns_events,
        columns: plan.columns.clone(),
        subsearch: query.has_subsearch(),
        plan,
        gate: Gate::Plan,
        rows: Vec::new(),
        error: None,
        key: None,
        query: Some(query),
        stopped: false,
    }
}

impl Hunt {
    /// Loads, expands, parses and plans every detection under
    /// `<rules>/detections`; those with subsearches wait for
    /// [`Hunt::run_subsearches`]. Detections that use `map` run a search per
    /// result, each reading the input again: unless `include_map`, they are
    /// left out (listed in [`Hunt::left_out`]) so the input is read once.
    pub fn load(
        rules: &Path,
        macros: &MacroSet,
        ctx: &PlanCtx,
        sources: &[Source],
        meta: &Meta,
        include_map: bool,
    ) -> Result<Hunt> {
        let files = detection_files(rules)?;
        let rereads = Arc::new(AtomicU64::new(0));
        let feed: Arc<dyn Feed> = Arc::new(Counted {
            inner: FileFeed {
                sources: sources.to_vec(),
                meta: meta.clone(),
            },
            reads: rereads.clone(),
        });
        let mut hunt = Hunt {
            main: Pass::default(),
            deferred: Vec::new(),
            sub_results: Arc::new(HashMap::new()),
            skipped: Vec::new(),
            left_out: Vec::new(),
            loaded: 0,
            retired: 0,
            rereads,
            feed,
            ctx: ctx.clone(),
            batched_subsearches: 0,
            subsearch_taken: Vec::new(),
        };
        // Reading, expanding and parsing ~1,700 rule files is independent
        // work: done on every core, then planned in file order.
        let prepared: Vec<_> = {
            use rayon::prelude::*;
            files
                .into_par_iter()
                .map(|f| {
                    let det = rules::load_detection(&f);
                    let query = match &det {
                        Ok(d) if !d.retired() => Some(run::prepare(d.origin(), macros)),
                        _ => None,
                    };
                    (f, det, query)
                })
                .collect()
        };
        for (f, det, query) in prepared {
            let det = match det {
                Ok(d) => d,
                Err(e) if e.msg.ends_with("has no `search:` key") => continue,
                Err(e) => {
                    hunt.loaded += 1;
                    hunt.skip(&f, "", "unreadable rule file", &e);
                    continue;
                }
            };
            hunt.loaded += 1;
            let Some(query) = query else {
                hunt.retired += 1;
                continue;
            };
            let query = match query {
                Ok(q) => q,
                Err(e) => {
                    let why = if e.kind == ErrorKind::Macro {
                        "macro error"
                    } else {
                        "parse error"
                    };
                    hunt.skip(&f, &det.name, why, &e);
                    continue;
                }
            };
            let mut unsupported: Vec<String> = Vec::new();
            query.pipeline.walk(&mut |node| {
                if !node.cmd.runnable() {
                    let n = node.cmd.name().to_string();
                    if !unsupported.contains(&n) {
                        unsupported.push(n);
                    }
                }
            });
            if !unsupported.is_empty() {
                let why = format!("uses {}", unsupported.join(", "));
                let e = SplError::plan(format!("not runnable: {why}"));
                hunt.skip(&f, &det.name, &why, &e);
                continue;
            }
            if !include_map {
                let mut map = false;
                query
                    .pipeline
                    .walk(&mut |node| map |= node.cmd.name() == "map");
                if map {
                    hunt.left_out.push(Skipped {
                        name: det.name.clone(),
                        path: f.clone(),
                        reason: MAP_LEFT_OUT.to_string(),
                        detail: format!(
                            "{MAP_LEFT_OUT}: run it with `spleval run`, or hunt with --include-map"
                        ),
                    });
                    continue;
                }
            }
            if query.has_subsearch() {
                hunt.deferred.push((det, query));
                continue;
            }
            hunt.plan_one(det, query);
        }
        if hunt.loaded == 0 {
            return Err(SplError::new(
                ErrorKind::Rule,
                format!(
                    "no detections under {}: nothing to hunt with",
                    rules.join("detections").display()
                ),
            )
            .with_help("detections are YAML files with a `search:` key"));
        }
        Ok(hunt)
    }

    /// The context a detection is planned in: subsearches answered from the
    /// batched results, else by reading the input again.
    fn det_ctx(&self) -> PlanCtx {
        let mut c = self.ctx.clone();
        let feed = self.feed.clone();
        let done = self.sub_results.clone();
        c.subsearch = Some(Arc::new(move |p: &Pipeline, c: &PlanCtx| {
            match done.get(&p.to_string()) {
                Some(rows) => Ok(rows.clone()),
                None => run::run_collect(p, c, feed.as_ref()),
            }
        }));
        c
    }

    fn plan_one(&mut self, det: rules::Detection, query: Query) {
        let c = self.det_ctx();
        let plan = match query.plan(&c) {
            Ok(p) => p,
            Err(e) => {
                self.skip(&det.path, &det.name, "plan error", &e);
                return;
            }
        };
        if plan.generating {
            let e = SplError::plan("the search generates its results and reads no events");
            self.skip(
                &det.path,
                &det.name,
                "reads no events (generating search)",
                &e,
            );
            return;
        }
        let (gate, key) = self.main.gate(&query.pipeline, &c);
        let mut h = new_hunter(&det, plan, query, &c, &self.sub_results);
        h.gate = gate;
        h.key = key;
        self.main.add(h);
    }

    /// Detections waiting for their subsearches.
    pub fn deferred(&self) -> usize {
        self.deferred.len()
    }

    /// Runs the subsearches of the deferred detections together in one pass
    /// over the input (those that read it; generating ones need none), then
    /// plans those detections.
    pub fn run_subsearches(
        &mut self,
        sources: &[Source],
        meta: &Meta,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Option<PassReport>> {
        let deferred = std::mem::take(&mut self.deferred);
        let c = self.det_ctx();
        let mut batch = Pass::default();
        let mut seen: Vec<String> = Vec::new();
        for (_, q) in &deferred {
            for node in &q.pipeline.commands {
                for p in node.cmd.input_subsearches() {
                    let text = p.to_string();
                    if seen.contains(&text) {
                        continue;
                    }
                    seen.push(text.clone());
                    // Nested subsearches are answered by reading the input again.
                    let Ok(plan) = Plan::build(p, &c) else {
                        continue;
                    };
                    if plan.generating {
                        continue;
                    }
                    let (gate, key) = batch.gate(p, &c);
                    let h = Hunter {
                        name: text,
                        path: PathBuf::new(),
                        detection: None,
                        returns_events: plan.returns_events,
                        columns: None,
                        subsearch: false,
                        plan,
                        gate,
                        rows: Vec::new(),
                        error: None,
                        key,
                        query: None,
                        stopped: false,
                        proj: projection::plan_with(p, &c),
                        gate_fields: gate::gate_fields(p, &c, &HashMap::new()),
                        pushed: 0,
                    };
                    batch.add(h);
                }
            }
        }
        self.batched_subsearches = batch.members.len();
        let report = if batch.members.is_empty() {
            None
        } else {
            self.rereads.fetch_add(1, Ordering::Relaxed);
            let r = batch.run(sources, meta, progress)?;
            let mut m = HashMap::new();
            for h in batch.members {
                self.subsearch_taken.push((
                    h.name.clone(),
                    h.pushed,
                    h.proj.is_some(),
                    h.rows.len(),
                ));
                // A failed subsearch is run again with its detection, which then reports it.
                if h.error.is_none() {
                    m.insert(h.name, h.rows);
                }
            }
            self.sub_results = Arc::new(m);
            Some(r)
        };
        for (det, q) in deferred {
            self.plan_one(det, q);
        }
        Ok(report)
    }

    fn skip(&mut self, path: &Path, name: &str, reason: &str, e: &SplError) {
        self.skipped.push(Skipped {
            name: if name.is_empty() {
                path.display().to_string()
            } else {
                name.to_string()
            },
            path: path.to_path_buf(),
            reason: reason.to_string(),
            detail: e.msg.clone(),
        });
    }

    /// The detections that run.
    pub fn hunters(&self) -> &[Hunter] {
        &self.main.members
    }

    /// Passes over the input that subsearches made (so far).
    pub fn rereads(&self) -> u64 {
        self.rereads.load(Ordering::Relaxed)
    }

    /// Detections filed under an equality key / tested against every event /
    /// gated by a shared tstats view.
    pub fn indexed(&self) -> (usize, usize, usize) {
        let always = self.main.index.always.len();
        let views = self
            .main
            .members
            .iter()
            .filter(|h| matches!(h.gate, Gate::View { .. }))
            .count();
        (self.main.members.len() - always, always, views)
    }

    /// Skip counts by reason, most frequent first.
    pub fn skip_reasons(&self) -> Vec<(String, usize)> {
        let mut m: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &self.skipped {
            *m.entry(s.reason.as_str()).or_default() += 1;
        }
        let mut v: Vec<(String, usize)> = m.into_iter().map(|(k, n)| (k.into(), n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// The main pass: every planned detection over the input, read once.
    pub fn run(
        &mut self,
        sources: &[Source],
        meta: &Meta,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<PassReport> {
        self.main.run(sources, meta, progress)
    }
}

/// Sources with folders expanded into their files (sorted, recursed, hidden
/// files left out, as the reader does), so progress can be told per file.
pub fn expand_sources(sources: &[Source]) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    for s in sources {
        match s {
            Source::File(p) => {
                let mut files = Vec::new();
                crate::input::collect_files(p, &mut files)?;
                out.extend(files.into_iter().map(Source::File));
            }
            other => out.push(other.clone()),
        }
    }
    Ok(out)
}

/// Total size in bytes of the files among the sources (for progress).
pub fn total_size(sources: &[Source]) -> u64 {
    sources
        .iter()
        .map(|s| match s {
            Source::File(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            _ => 0,
        })
        .sum()
}

/// A result labelled with its detection: `detection` first, then its fields.
pub fn labelled(name: &str, row: &Event) -> Event {
    let mut out = Event::with_capacity(row.len() + 1);
    out.set("detection", Value::str(name.to_string()));
    for (k, v) in row.iter() {
        if k != "detection" {
            out.set(k.clone(), v.clone());
        }
    }
    out.seq = row.seq;
    out.orig_time = row.orig_time;
    out
}
