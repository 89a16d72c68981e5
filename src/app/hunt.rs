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
use crate::commands::datamodel::DatamodelCmd;
use crate::commands::from::{FromCmd, FromSource};
use crate::commands::search::SearchCmd;
use crate::commands::support::pipeline::{Plan, PlanCtx};
use crate::commands::tstats::{TstatsCmd, TstatsSource};
use crate::content::macros::MacroSet;
use crate::engine::projection;
use crate::engine::run::{self as engine, Feed, FileFeed, Query};
use crate::input::projection::Projection;
use crate::input::{self, Meta, Source, Summary};
use crate::spl::ast::Pipeline;
use crate::spl::search_expr::{CmpOp, SearchExpr};

/// A value an equality test can be looked up by: a number, or lower-cased text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Num(u64),
    Text(String),
}

fn num_key(n: f64) -> Option<Key> {
    if n.is_nan() {
        return None;
    }
    let n = if n == 0.0 { 0.0 } else { n };
    Some(Key::Num(n.to_bits()))
}

/// The keys a pattern value is found under: [`crate::eval::matcher::Pattern`]
/// matches a value numerically or as case-insensitive text.
fn pattern_keys(text: &str) -> Vec<Key> {
    let mut out = vec![Key::Text(text.to_lowercase())];
    if let Some(k) = crate::base::value::parse_number(text).and_then(num_key) {
        out.push(k);
    }
    out
}

/// The keys an event's (scalar) value is looked up by.
fn value_keys(v: &Value, out: &mut Vec<Key>) {
    if let Some(k) = v.as_num().and_then(num_key) {
        out.push(k);
    }
    if let Some(t) = v.as_text() {
        out.push(Key::Text(t.to_lowercase()));
    }
}

/// A requirement on an event: it has one of the values in one of the
/// fields (a disjunction of `field=value` tests).
pub type Req = Vec<(String, Vec<String>)>;

/// Detections filed by field and value, and those tested always.
#[derive(Default)]
struct Index {
    fields: Vec<String>,
    maps: Vec<HashMap<Key, Vec<u32>>>,
    always: Vec<u32>,
}

impl Index {
    fn add(&mut self, id: u32, key: Option<&Req>) {
        let Some(req) = key else {
            self.always.push(id);
            return;
        };
        for (field, values) in req {
            let f = match self.fields.iter().position(|x| x == field) {
                Some(f) => f,
                None => {
                    self.fields.push(field.clone());
                    self.maps.push(HashMap::new());
                    self.fields.len() - 1
                }
            };
            for v in values {
                for k in pattern_keys(v) {
                    let list = self.maps[f].entry(k).or_default();
                    if list.last() != Some(&id) {
                        list.push(id);
                    }
                }
            }
        }
    }

    /// Calls `f` with each detection that may want the event (each once).
    fn candidates(&self, ev: &Event, stamp: &mut [u64], now: u64, f: &mut dyn FnMut(u32)) {
        for &id in &self.always {
            f(id);
        }
        let mut keys = Vec::new();
        for (n, field) in self.fields.iter().enumerate() {
            let Some(v) = ev.get(field) else { continue };
            keys.clear();
            for x in v.values().iter() {
                value_keys(x, &mut keys);
            }
            for k in &keys {
                if let Some(ids) = self.maps[n].get(k) {
                    for &id in ids {
                        if stamp[id as usize] != now {
                            stamp[id as usize] = now;
                            f(id);
                        }
                    }
                }
            }
        }
    }
}

/// How little a field's value says about an event: 2 for metadata many
/// detections share, 1 for event-type codes, 0 for anything more specific.
fn weakness(f: &str) -> u8 {
    match f.to_ascii_lowercase().as_str() {
        "sourcetype" | "index" | "host" | "source" | "tag" | "eventtype" => 2,
        "eventcode" | "eventid" | "eventname" | "eventsource" | "channel" | "signature_id"
        | "operation" | "workload" | "category" => 1,
        _ => 0,
    }
}

/// Requirements of a search expression, each of which an event must meet.
fn required(e: &SearchExpr) -> Vec<Req> {
    let exact = |field: &str, text: &str| {
        !field.contains('*')
            && !matches!(
                field.to_ascii_lowercase().as_str(),
                "earliest" | "latest" | "starttime" | "endtime"
            )
            && !text.contains('*')
            && (!text.contains('/') || text.parse::<ipnet::IpNet>().is_err())
    };
    match e {
        SearchExpr::And { items, .. } => items.iter().flat_map(required).collect(),
        SearchExpr::Compare {
            field,
            op: CmpOp::Eq,
            value,
            ..
        } if exact(field, &value.text) => vec![vec![(field.clone(), vec![value.text.clone()])]],
        SearchExpr::In { field, values, .. }
            if !values.is_empty() && values.iter().all(|v| exact(field, &v.text)) =>
        {
            vec![vec![(
                field.clone(),
                values.iter().map(|v| v.text.clone()).collect(),
            )]]
        }
        SearchExpr::Or { items, .. } if !items.is_empty() => {
            // Each alternative meets its own best requirement: one of them holds.
            let mut out: Req = Vec::new();
            for x in items {
                let Some(r) = best_req(required(x)) else {
                    return Vec::new();
                };
                for (f, vals) in r {
                    match out.iter_mut().find(|(g, _)| *g == f) {
                        Some((_, vs)) => {
                            for v in vals {
                                if !vs.contains(&v) {
                                    vs.push(v);
                                }
                            }
                        }
                        None => out.push((f, vals)),
                    }
                }
            }
            vec![out]
        }
        _ => Vec::new(),
    }
}

/// The most selective requirement: specific fields first, then fewest values.
fn best_req(reqs: Vec<Req>) -> Option<Req> {
    reqs.into_iter().filter(|r| !r.is_empty()).min_by_key(|r| {
        let weak = r.iter().map(|(f, _)| weakness(f)).max().unwrap_or(0);
        let n: usize = r.iter().map(|(_, v)| v.len()).sum();
        (weak, n)
    })
}

/// One member of a pass: a planned pipeline, its gate, its results.
pub struct Hunter {
    pub name: String,
    pub path: PathBuf,
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
}

impl Hunter {
    /// Whether it copies only some fields of the events it takes.
    pub fn projected(&self) -> bool {
        self.proj.is_some()
    }
}

/// How an event is tested before it is cloned and pushed.
enum Gate {
    /// [`Plan::accepts`] (the leading search's matcher).
    Plan,
    /// A tstats data model view, shared by the detections on the same
    /// dataset and built once per event, and the tstats `where` on it.
    View {
        view: usize,
        where_: Option<crate::eval::matcher::Matcher>,
    },
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

/// What a pass over the input read.
#[derive(Debug, Default, Clone)]
pub struct PassReport {
    pub input: Summary,
    /// Events offered to a plan (passed its gate, cloned and pushed).
    pub pushed: u64,
}

/// Members offered the same events, with their index and shared views.
#[derive(Default)]
struct Pass {
    members: Vec<Hunter>,
    index: Index,
    views: Vec<crate::content::datamodels::View>,
    view_keys: Vec<String>,
}

impl Pass {
    /// The gate and index key of a pipeline, planned in this pass.
    fn gate(&mut self, p: &Pipeline, ctx: &PlanCtx) -> (Gate, Option<Req>) {
        gate_and_key(p, ctx, &mut self.views, &mut self.view_keys)
    }

    fn add(&mut self, h: Hunter) {
        self.index.add(self.members.len() as u32, h.key.as_ref());
        self.members.push(h);
    }

    /// Reads the sources once, offering each event to the members; `progress`
    /// is called after each input file with its size and the events so far.
    fn run(
        &mut self,
        sources: &[Source],
        meta: &Meta,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<PassReport> {
        let mut report = PassReport::default();
        let mut live = self.members.len();
        let mut stamp = vec![u64::MAX; self.members.len()];
        let mut rows: Vec<(u64, Option<Event>)> = vec![(u64::MAX, None); self.views.len()];
        let mut ids: Vec<u32> = Vec::new();
        let mut seq = 0u64;
        let mut pushed = 0u64;
        for src in expand_sources(sources)? {
            if live == 0 {
                break;
            }
            let size = match &src {
                Source::File(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
                _ => 0,
            };
            let s = input::read_all(std::slice::from_ref(&src), meta, &mut |mut ev| {
                // Numbered across all inputs, as one read of them all would.
                ev.seq = seq;
                let n = seq;
                seq += 1;
                ids.clear();
                self.index
                    .candidates(&ev, &mut stamp, n, &mut |id| ids.push(id));
                for &id in ids.iter() {
                    let h = &mut self.members[id as usize];
                    if h.stopped {
                        continue;
                    }
                    let pass = match &h.gate {
                        Gate::Plan => h.plan.accepts(&ev),
                        Gate::View { view, where_ } => {
                            let slot = &mut rows[*view];
                            if slot.0 != n {
                                // An error building the view: let the plan report it.
                                *slot = (
                                    n,
                                    self.views[*view]
                                        .build(&ev, false)
                                        .unwrap_or_else(|_| Some(ev.clone())),
                                );
                            }
                            match (&slot.1, where_) {
                                (None, _) => false,
                                (Some(_), None) => true,
                                (Some(r), Some(m)) => m.matches(r).unwrap_or(true),
                            }
                        }
                    };
                    if !pass {
                        continue;
                    }
                    pushed += 1;
                    h.pushed += 1;
                    // Plans may keep what they are given (time order, returned
                    // events): copy only the fields the search needs.
                    let copy = match &h.proj {
                        Some(p) => p.apply(&ev),
                        None => ev.clone(),
                    };
                    let out = &mut h.rows;
                    let r = h.plan.push(copy, &mut |r| {
                        out.push(r);
                        Ok(())
                    });
                    if let Err(e) = r {
                        h.error = Some(match &h.query {
                            Some(q) => q.locate(e),
                            None => e,
                        });
                        h.stopped = true;
                    } else if h.plan.done() {
                        h.stopped = true;
                    }
                    if h.stopped {
                        live -= 1;
                    }
                }
                Ok(live > 0)
            })?;
            report.input.events += s.events;
            report.input.malformed += s.malformed;
            report.input.files += s.files;
            progress(size, report.input.events);
        }
        for h in &mut self.members {
            if h.error.is_some() {
                continue;
            }
            let out = &mut h.rows;
            if let Err(e) = h.plan.finish(&mut |r| {
                out.push(r);
                Ok(())
            }) {
                h.error = Some(match &h.query {
                    Some(q) => q.locate(e),
                    None => e,
                });
            }
        }
        report.pushed = pushed;
        Ok(report)
    }
}

/// The requirements of a data model dataset's root constraint, which holds
/// for every dataset below it.
fn root_reqs(ctx: &PlanCtx, model_name: &str, dataset: Option<&str>) -> Vec<Req> {
    let mut reqs = Vec::new();
    let Some(model) = ctx.datamodels().model(model_name) else {
        return reqs;
    };
    let Some(mut i) = dataset.and_then(|d| model.dataset(d)) else {
        return reqs;
    };
    let mut hops = 0;
    while let Some(parent) = &model.datasets[i].parent {
        match model.datasets.iter().position(|d| &d.name == parent) {
            Some(pi) if hops <= model.datasets.len() => i = pi,
            _ => break,
        }
        hops += 1;
    }
    if model.datasets[i].parent.is_none() {
        if let Some(c) = model.datasets[i].constraint.as_deref() {
            let src = crate::commands::src(c);
            if let Ok((_, Some(e))) = crate::spl::search_expr::parse_search(&src, c) {
                reqs.extend(required(&e));
            }
        }
    }
    reqs
}

/// The gate and index key of a pipeline.
fn gate_and_key(
    p: &Pipeline,
    ctx: &PlanCtx,
    views: &mut Vec<crate::content::datamodels::View>,
    view_keys: &mut Vec<String>,
) -> (Gate, Option<Req>) {
    let Some(first) = p.commands.first() else {
        return (Gate::Plan, None);
    };
    if let Some(s) = first.cmd.as_any().downcast_ref::<SearchCmd>() {
        // A subsearch in it is one more ANDed condition: the others still hold.
        let key = s.expr.as_ref().and_then(|e| best_req(required(e)));
        return (Gate::Plan, key);
    }
    if let Some(f) = first.cmd.as_any().downcast_ref::<FromCmd>() {
        // `| from datamodel X.Y`: gated by the plan (the view's constraints);
        // keyed by the root dataset's constraint.
        let reqs = match &f.source {
            FromSource::Datamodel { datamodel } => {
                root_reqs(ctx, &datamodel.model, datamodel.dataset.as_deref())
            }
            FromSource::Named { .. } => Vec::new(),
        };
        return (Gate::Plan, best_req(reqs));
    }
    if let Some(d) = first.cmd.as_any().downcast_ref::<DatamodelCmd>() {
        let reqs = match &d.model {
            Some(m) => root_reqs(ctx, m, d.dataset.as_deref()),
            None => Vec::new(),
        };
        return (Gate::Plan, best_req(reqs));
    }
    let Some(t) = first.cmd.as_any().downcast_ref::<TstatsCmd>() else {
        return (Gate::Plan, None);
    };
    let Some(TstatsSource::Datamodel { datamodel, .. }) = &t.source else {
        return (Gate::Plan, None);
    };
    let mut reqs = root_reqs(ctx, &datamodel.model, datamodel.dataset.as_deref());
    let vkey = datamodel.to_string().to_ascii_lowercase();
    let view = match view_keys.iter().position(|k| *k == vkey) {
        Some(v) => Some(v),
        None => {
            match ctx
                .datamodels()
                .view(&datamodel.model, datamodel.dataset.as_deref(), &ctx.fn_ctx)
            {
                Ok(v) => {
                    views.push(v);
                    view_keys.push(vkey);
                    Some(views.len() - 1)
                }
                Err(_) => None,
            }
        }
    };
    let Some(view) = view else {
        return (Gate::Plan, best_req(reqs));
    };
    // The where clause tests view fields; those copied from an event field
    // give keys on that field.
    let mut has_sub = false;
    if let Some(w) = &t.where_ {
        w.walk(&mut |x| has_sub |= matches!(x, SearchExpr::Subsearch { .. }));
        for r in required(w) {
            let mapped: Option<Req> = r
                .iter()
                .map(|(f, v)| {
                    views[view]
                        .source_field(f)
                        .map(|src| (src.to_string(), v.clone()))
                })
                .collect();
            reqs.extend(mapped);
        }
    }
    let where_ = match &t.where_ {
        None => None,
        Some(_) if has_sub => return (Gate::Plan, best_req(reqs)),
        Some(w) => match crate::eval::matcher::Matcher::compile(w, ctx) {
            Ok(m) => Some(m),
            Err(_) => return (Gate::Plan, best_req(reqs)),
        },
    };
    (Gate::View { view, where_ }, best_req(reqs))
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
        f: &mut dyn FnMut(Event) -> Result<bool>,
    ) -> Result<Summary> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.inner.feed_planned(p, f)
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

fn new_hunter(det: &rules::Detection, plan: Plan, query: Query) -> Hunter {
    Hunter {
        proj: projection::plan(&query.pipeline),
        pushed: 0,
        name: det.name.clone(),
        path: det.path.clone(),
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
        for f in files {
            let det = match rules::load_detection(&f) {
                Ok(d) => d,
                Err(e) if e.msg.ends_with("has no `search:` key") => continue,
                Err(e) => {
                    hunt.loaded += 1;
                    hunt.skip(&f, "", "unreadable rule file", &e);
                    continue;
                }
            };
            hunt.loaded += 1;
            if det.retired() {
                hunt.retired += 1;
                continue;
            }
            let query = match engine::prepare(det.origin(), macros) {
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
                None => engine::run_collect(p, c, feed.as_ref()),
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
        let mut h = new_hunter(&det, plan, query);
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
                for p in node.cmd.subsearches() {
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
                        proj: projection::plan(p),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn req(text: &str) -> Option<Req> {
        let src = crate::commands::src(text);
        let (_, e) = crate::spl::search_expr::parse_search(&src, text).unwrap();
        best_req(required(&e.unwrap()))
    }

    fn one(f: &str, v: &[&str]) -> Option<Req> {
        Some(vec![(
            f.to_string(),
            v.iter().map(|s| s.to_string()).collect(),
        )])
    }

    #[test]
    fn keys_come_from_required_equalities() {
        assert_eq!(
            req("sourcetype=x EventCode=4688 Image=*cmd.exe"),
            one("EventCode", &["4688"])
        );
        assert_eq!(
            req("EventCode IN (1, 2) sourcetype=x"),
            one("EventCode", &["1", "2"])
        );
        assert_eq!(
            req("(EventCode=1 a=b) OR (EventCode=3 c=d)"),
            Some(vec![
                ("a".to_string(), vec!["b".to_string()]),
                ("c".to_string(), vec!["d".to_string()])
            ])
        );
        assert_eq!(
            req("EventCode=1 (process_name=a OR OriginalFileName=b)"),
            Some(vec![
                ("process_name".to_string(), vec!["a".to_string()]),
                ("OriginalFileName".to_string(), vec!["b".to_string()])
            ])
        );
        assert_eq!(req("a=1 OR b=*"), None);
        assert_eq!(req("NOT EventCode=1"), None);
        assert_eq!(req("Image=*cmd*"), None);
        assert_eq!(req("sourcetype=x"), one("sourcetype", &["x"]));
    }

    #[test]
    fn values_match_keys_as_patterns_do() {
        let mut k = Vec::new();
        value_keys(&Value::Num(4688.0), &mut k);
        assert!(pattern_keys("4688").iter().any(|p| k.contains(p)));
        k.clear();
        value_keys(&Value::str("PowerShell.EXE".to_string()), &mut k);
        assert!(pattern_keys("powershell.exe").iter().any(|p| k.contains(p)));
        k.clear();
        value_keys(&Value::str("4688.0".to_string()), &mut k);
        assert!(pattern_keys("4688").iter().any(|p| k.contains(p)));
    }
}
