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
//! Detections with subsearches take part in the same pass: their
//! subsearches run in it, batched, while a recorder keeps the events each
//! detection takes; after the pass each is planned with its subsearches'
//! rows and given what was recorded ([`Hunt::run`]). Searches that read no events
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
    /// A recorder: it keeps the events its detection would take (its plan
    /// is only the detection's first command, for the gate), to replay them
    /// once the detection's subsearches are answered. None when it gave up
    /// (too many events) or is not a recorder.
    record: Option<Vec<Event>>,
    recorder: bool,
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

    /// A member that is not a planned detection (a batched subsearch, a
    /// recorder): no detection, no query, no known columns.
    fn bare(
        name: String,
        path: PathBuf,
        plan: Plan,
        (gate, key): (Gate, Option<Req>),
        proj: Option<Projection>,
        gate_fields: Option<Vec<String>>,
    ) -> Hunter {
        Hunter {
            name,
            path,
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
            proj,
            gate_fields,
            pushed: 0,
            record: None,
            recorder: false,
        }
    }

    /// Takes an event that passed its gate: pushes it through the plan (or
    /// records it). True when it takes no more events (done, failed, or a
    /// recorder past `room`, which then drops what it recorded).
    fn take(&mut self, ev: Event, room: &mut u64) -> bool {
        self.pushed += 1;
        if self.recorder {
            if let Some(buf) = &mut self.record {
                if *room == 0 {
                    self.record = None;
                    self.stopped = true;
                } else {
                    *room -= 1;
                    buf.push(ev);
                }
            }
            return self.stopped;
        }
        let out = &mut self.rows;
        let r = self.plan.push(ev, &mut |r| {
            out.push(r);
            Ok(())
        });
        if let Err(e) = r {
            self.error = Some(match &self.query {
                Some(q) => q.locate(e),
                None => e,
            });
            self.stopped = true;
        } else if self.plan.done() {
            self.stopped = true;
        }
        self.stopped
    }

    /// Ends its input (nothing for a recorder or a failed member).
    fn finish(&mut self) {
        if self.error.is_some() || self.recorder {
            return;
        }
        let out = &mut self.rows;
        if let Err(e) = self.plan.finish(&mut |r| {
            out.push(r);
            Ok(())
        }) {
            self.error = Some(match &self.query {
                Some(q) => q.locate(e),
                None => e,
            });
        }
    }
}

/// How many events recorders may keep in all before the one taking the
/// next gives up (its detection then reads the input again after the pass).
pub const RECORD_ROOM: u64 = 1_000_000;

/// [`RECORD_ROOM`], or `SPLEVAL_HUNT_RECORD_ROOM` when set to a number.
pub fn record_room() -> u64 {
    std::env::var("SPLEVAL_HUNT_RECORD_ROOM")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(RECORD_ROOM)
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
    /// Detections with subsearches given the events recorded for them.
    pub replayed: usize,
    /// Detections with subsearches that read the input again after the
    /// pass, and why.
    pub read_again: Vec<(String, &'static str)>,
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
        record: None,
        recorder: false,
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
            replayed: 0,
            read_again: Vec::new(),
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
        let mut main = std::mem::take(&mut self.main);
        if let Some(h) = self.build(det, query, Some(&mut main)) {
            main.add(h);
        }
        self.main = main;
    }

    /// Plans a detection into a member, gated in `pass` (None: one that is
    /// given its events directly takes no gate); None when it cannot run
    /// (recorded in [`Hunt::skipped`]).
    fn build(
        &mut self,
        det: rules::Detection,
        query: Query,
        pass: Option<&mut Pass>,
    ) -> Option<Hunter> {
        let c = self.det_ctx();
        let plan = match query.plan(&c) {
            Ok(p) => p,
            Err(e) => {
                self.skip(&det.path, &det.name, "plan error", &e);
                return None;
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
            return None;
        }
        let mut h = new_hunter(&det, plan, query, &c, &self.sub_results);
        if let Some(pass) = pass {
            let (gate, key) = pass.gate(&h.query.as_ref()?.pipeline, &c);
            h.gate = gate;
            h.key = key;
        }
        Some(h)
    }

    /// Detections waiting for their subsearches.
    pub fn deferred(&self) -> usize {
        self.deferred.len()
    }

    /// Adds to `pass` a member per distinct subsearch of `deferred` that
    /// reads events (generating ones need no pass; nested ones are answered
    /// by reading the input again).
    fn add_subsearches(deferred: &[(rules::Detection, Query)], c: &PlanCtx, pass: &mut Pass) {
        let mut seen: Vec<String> = Vec::new();
        for (_, q) in deferred {
            for node in &q.pipeline.commands {
                for p in node.cmd.input_subsearches() {
                    let text = p.to_string();
                    if seen.contains(&text) {
                        continue;
                    }
                    seen.push(text.clone());
                    let Ok(plan) = Plan::build(p, c) else {
                        continue;
                    };
                    if plan.generating {
                        continue;
                    }
                    let (gate, key) = pass.gate(p, c);
                    let proj = projection::plan_with(p, c);
                    let fields = gate::gate_fields(p, c, &HashMap::new());
                    let h = Hunter::bare(text, PathBuf::new(), plan, (gate, key), proj, fields);
                    pass.add(h);
                }
            }
        }
    }

    /// A recorder for a detection with subsearches: it takes the events the
    /// detection would (same gate, same fields) while its subsearches run in
    /// the same pass. Its plan is the detection's with empty subsearch
    /// results, used only for the gate (the first command's matcher). When
    /// the first command itself has a subsearch, the gate is only the
    /// index key it has without it (none: no recorder), and the detection's
    /// own gate is applied at replay. An error says why there is none.
    fn recorder(
        &self,
        det: &rules::Detection,
        q: &Query,
        pass: &mut Pass,
    ) -> std::result::Result<Hunter, &'static str> {
        const UNPLANNED: &str = "it cannot be planned without its subsearches' rows";
        let first = q.pipeline.commands.first().ok_or(UNPLANNED)?;
        let mut c = self.ctx.clone();
        c.subsearch = Some(Arc::new(|_: &Pipeline, _: &PlanCtx| Ok(Vec::new())));
        let plan = Plan::build(&q.pipeline, &c).map_err(|_| UNPLANNED)?;
        if plan.generating {
            return Err(UNPLANNED);
        }
        let (mut gate, key) = pass.gate(&q.pipeline, &c);
        let mut gate_fields = gate::gate_fields(&q.pipeline, &c, &HashMap::new());
        if !first.cmd.subsearches().is_empty() {
            // Offered the events filed under its key: it reads that field.
            let Some(k) = &key else {
                return Err("a subsearch in its first command decides which events it takes, and it has no index key without it");
            };
            gate = Gate::Any;
            gate_fields = Some(k.iter().map(|(f, _)| f.clone()).collect());
        }
        let proj = projection::plan_with(&q.pipeline, &c);
        let mut h = Hunter::bare(
            det.name.clone(),
            det.path.clone(),
            plan,
            (gate, key),
            proj,
            gate_fields,
        );
        h.subsearch = true;
        h.returns_events = false;
        h.recorder = true;
        h.record = Some(Vec::new());
        Ok(h)
    }

    /// Keeps the rows of the batched subsearches that succeeded, by text
    /// (a failed one is run again with its detection, which reports it).
    fn keep_subsearch_results(&mut self, batch: Vec<Hunter>) {
        let mut m = HashMap::new();
        for h in batch {
            self.subsearch_taken
                .push((h.name.clone(), h.pushed, h.proj.is_some(), h.rows.len()));
            if h.error.is_none() {
                m.insert(h.name, h.rows);
            }
        }
        self.sub_results = Arc::new(m);
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
        let m = &self.main.members;
        let always = m.iter().filter(|h| h.key.is_none()).count();
        let views = m
            .iter()
            .filter(|h| matches!(h.gate, Gate::View { .. }))
            .count();
        (m.len() - always, always, views)
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

    /// The hunt: every planned detection over the input, read once.
    ///
    /// Detections with subsearches (deferred) take part too: their
    /// subsearches run in the same pass, batched, while a recorder per
    /// detection keeps the events the detection takes; once the pass ends,
    /// each is planned with its subsearches' rows and given what was
    /// recorded, in order. A detection that cannot be recorded (a subsearch
    /// in its first command, or past [`RECORD_ROOM`]) runs in a second pass
    /// after the first. `SPLEVAL_HUNT_NO_REPLAY=1` runs the subsearches in a
    /// pass of their own first instead (the earlier design, for comparison).
    pub fn run(
        &mut self,
        sources: &[Source],
        meta: &Meta,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<PassReport> {
        let deferred = std::mem::take(&mut self.deferred);
        if deferred.is_empty() {
            return self.main.run(sources, meta, progress);
        }
        let c = self.det_ctx();
        if std::env::var_os("SPLEVAL_HUNT_NO_REPLAY").is_some() {
            let mut batch = Pass::default();
            Self::add_subsearches(&deferred, &c, &mut batch);
            self.batched_subsearches = batch.members.len();
            if !batch.members.is_empty() {
                self.rereads.fetch_add(1, Ordering::Relaxed);
                batch.run(sources, meta, progress)?;
                self.keep_subsearch_results(batch.members);
            }
            for (det, q) in deferred {
                self.plan_one(det, q);
            }
            return self.main.run(sources, meta, progress);
        }
        // One pass: detections, subsearches and recorders.
        let first_sub = self.main.members.len();
        let mut main = std::mem::take(&mut self.main);
        Self::add_subsearches(&deferred, &c, &mut main);
        let first_rec = main.members.len();
        self.batched_subsearches = first_rec - first_sub;
        let mut waiting = Vec::new();
        for (det, q) in deferred {
            let slot = self.recorder(&det, &q, &mut main).map(|r| {
                main.add(r);
                main.members.len() - 1
            });
            waiting.push((det, q, slot));
        }
        let run = main.run(sources, meta, progress);
        let mut tail = main.members.split_off(first_sub);
        let recorders = tail.split_off(first_rec - first_sub);
        self.main = main;
        let mut report = run?;
        // Counted: what detections take (recorders' when it is replayed),
        // not what subsearches take.
        report.pushed -= recorders.iter().chain(&tail).map(|r| r.pushed).sum::<u64>();
        self.keep_subsearch_results(tail);

        let mut recorders: Vec<Option<Hunter>> = recorders.into_iter().map(Some).collect();
        // Replay, in the deferred detections' order; the rest read again.
        let mut again = Pass::default();
        for (det, q, slot) in waiting {
            let rec = match slot {
                Ok(i) => recorders[i - first_rec].take(),
                Err(_) => None,
            };
            let Some((events, gate, key)) =
                rec.and_then(|mut r| Some((r.record.take()?, r.gate, r.key)))
            else {
                let why = slot
                    .err()
                    .unwrap_or("it took more events than recorders may keep");
                self.read_again.push((det.name.clone(), why));
                if let Some(h) = self.build(det, q, Some(&mut again)) {
                    again.add(h);
                }
                continue;
            };
            let Some(mut h) = self.build(det, q, None) else {
                continue;
            };
            // Its own gate at replay when the recorder's was only the key;
            // for the summary, how it was gated in the pass.
            let own_gate = matches!(gate, Gate::Any);
            if !own_gate {
                h.gate = gate;
            }
            h.key = key;
            let mut room = u64::MAX;
            for ev in events {
                if own_gate && !h.plan.accepts(&ev) {
                    continue;
                }
                report.pushed += 1;
                if h.take(ev, &mut room) {
                    break;
                }
            }
            h.finish();
            self.replayed += 1;
            self.main.members.push(h);
        }
        if !again.members.is_empty() {
            self.rereads.fetch_add(1, Ordering::Relaxed);
            let r = again.run(sources, meta, progress)?;
            report.pushed += r.pushed;
            self.main.members.append(&mut again.members);
        }
        Ok(report)
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
