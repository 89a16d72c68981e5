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

use crate::commands::search::SearchCmd;
use crate::commands::tstats::{TstatsCmd, TstatsSource};
use crate::diag::{ErrorKind, Result, SplError};
use crate::engine::{self, Feed, FileFeed, Query};
use crate::event::Event;
use crate::input::{self, Meta, Source, Summary};
use crate::macros::MacroSet;
use crate::pipeline::{Plan, PlanCtx};
use crate::spl::ast::Pipeline;
use crate::spl::search_expr::{CmpOp, SearchExpr};
use crate::value::Value;

/// A detection taking part in the hunt.
pub struct Hunter {
    pub name: String,
    pub path: PathBuf,
    plan: Plan,
    pub returns_events: bool,
    pub columns: Option<Vec<String>>,
    pub rows: Vec<Event>,
    /// A runtime error (the detection stopped taking events).
    pub error: Option<SplError>,
    /// True when its subsearches read the input again.
    pub subsearch: bool,
    /// The key it is filed under (for `--explain`-like diagnostics).
    pub key: Option<(String, Vec<String>)>,
    query: Query,
    stopped: bool,
}

/// A detection that cannot run, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub name: String,
    pub path: PathBuf,
    /// The cause for the summary (`not runnable: rest`, `plan error` …).
    pub reason: String,
    /// The full message.
    pub detail: String,
}

/// A loaded hunt: the plans, the index, and what could not run.
pub struct Hunt {
    pub hunters: Vec<Hunter>,
    pub skipped: Vec<Skipped>,
    /// Files with a `search:` read under `detections/`.
    pub loaded: usize,
    /// Deprecated or removed detections left out.
    pub retired: usize,
    index: Index,
    rereads: Arc<AtomicU64>,
}

/// What a pass over the input read.
#[derive(Debug, Default, Clone)]
pub struct PassReport {
    pub input: Summary,
    /// Events offered to a plan (passed its gate, cloned and pushed).
    pub pushed: u64,
}

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

/// The keys a pattern value is found under: [`crate::matcher::Pattern`]
/// matches a value numerically or as case-insensitive text.
fn pattern_keys(text: &str) -> Vec<Key> {
    let mut out = vec![Key::Text(text.to_lowercase())];
    if let Some(k) = crate::value::parse_number(text).and_then(num_key) {
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

/// Detections filed by field and value, and those tested always.
#[derive(Default)]
struct Index {
    fields: Vec<String>,
    maps: Vec<HashMap<Key, Vec<u32>>>,
    always: Vec<u32>,
}

impl Index {
    fn add(&mut self, id: u32, key: Option<&(String, Vec<String>)>) {
        let Some((field, values)) = key else {
            self.always.push(id);
            return;
        };
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

/// Fields whose value says little about an event (many detections share them).
fn weak_field(f: &str) -> bool {
    matches!(
        f.to_ascii_lowercase().as_str(),
        "sourcetype" | "index" | "host" | "source" | "tag" | "eventtype"
    )
}

/// Equality requirements of a search expression: (field, values) pairs of
/// which the event must satisfy every one (its field has one of the values).
fn required(e: &SearchExpr) -> Vec<(String, Vec<String>)> {
    let exact = |field: &str, text: &str| {
        !field.contains('*')
            && !matches!(
                field.to_ascii_lowercase().as_str(),
                "earliest" | "latest" | "starttime" | "endtime"
            )
            && !text.contains('*')
            && !(text.contains('/') && text.parse::<ipnet::IpNet>().is_ok())
    };
    match e {
        SearchExpr::And { items, .. } => items.iter().flat_map(required).collect(),
        SearchExpr::Compare {
            field,
            op: CmpOp::Eq,
            value,
            ..
        } if exact(field, &value.text) => vec![(field.clone(), vec![value.text.clone()])],
        SearchExpr::In { field, values, .. }
            if !values.is_empty() && values.iter().all(|v| exact(field, &v.text)) =>
        {
            vec![(
                field.clone(),
                values.iter().map(|v| v.text.clone()).collect(),
            )]
        }
        SearchExpr::Or { items, .. } if !items.is_empty() => {
            // A field every alternative requires: the union of their values.
            let alts: Vec<Vec<(String, Vec<String>)>> = items.iter().map(required).collect();
            let mut out = Vec::new();
            for (field, _) in &alts[0] {
                if out.iter().any(|(f, _): &(String, Vec<String>)| f == field) {
                    continue;
                }
                let mut all = Vec::new();
                let mut everywhere = true;
                for a in &alts {
                    let vals: Vec<&String> = a
                        .iter()
                        .filter(|(f, _)| f == field)
                        .flat_map(|(_, v)| v)
                        .collect();
                    if vals.is_empty() {
                        everywhere = false;
                        break;
                    }
                    // Within one alternative every requirement holds: any one will do.
                    let first = a.iter().find(|(f, _)| f == field).expect("present");
                    all.extend(first.1.iter().cloned());
                }
                if everywhere {
                    all.sort();
                    all.dedup();
                    out.push((field.clone(), all));
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The most selective requirement: a specific field first, then fewest values.
fn best_key(reqs: Vec<(String, Vec<String>)>) -> Option<(String, Vec<String>)> {
    reqs.into_iter()
        .min_by_key(|(f, v)| (weak_field(f), v.len()))
}

/// The equality key of a pipeline's first command, when it has one.
fn pipeline_key(p: &Pipeline, ctx: &PlanCtx) -> Option<(String, Vec<String>)> {
    let first = p.commands.first()?;
    if let Some(s) = first.cmd.as_any().downcast_ref::<SearchCmd>() {
        // A subsearch in it is one more ANDed condition: the others still hold.
        return best_key(required(s.expr.as_ref()?));
    }
    if let Some(t) = first.cmd.as_any().downcast_ref::<TstatsCmd>() {
        let Some(TstatsSource::Datamodel { datamodel, .. }) = &t.source else {
            return None;
        };
        let model = ctx.datamodels().model(&datamodel.model)?;
        let mut i = model.dataset(datamodel.dataset.as_deref()?)?;
        // The root dataset's constraint holds for every dataset below it.
        let mut hops = 0;
        while let Some(parent) = &model.datasets[i].parent {
            i = model.datasets.iter().position(|d| &d.name == parent)?;
            hops += 1;
            if hops > model.datasets.len() {
                return None;
            }
        }
        let c = model.datasets[i].constraint.as_deref()?;
        let src = crate::spl::lex::Src::new(c);
        let (_, e) = crate::spl::search_expr::parse_search(&src, c).ok()?;
        return best_key(required(&e?));
    }
    None
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
    crate::check::collect_files(&[dir])
}

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

impl Hunt {
    /// Loads, expands, parses and plans every detection under
    /// `<rules>/detections`; subsearches run over `sources`.
    pub fn load(
        rules: &Path,
        macros: &MacroSet,
        ctx: &PlanCtx,
        sources: &[Source],
        meta: &Meta,
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
            hunters: Vec::new(),
            skipped: Vec::new(),
            loaded: 0,
            retired: 0,
            index: Index::default(),
            rereads,
        };
        for f in files {
            let det = match crate::rules::load_detection(&f) {
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
                let why = format!("not runnable: {}", unsupported.join(", "));
                let e = SplError::plan(why.clone());
                hunt.skip(&f, &det.name, &why, &e);
                continue;
            }
            let subsearch = query.has_subsearch();
            let mut c = ctx.clone();
            if subsearch {
                let f2 = feed.clone();
                c.subsearch = Some(Arc::new(move |p: &Pipeline, c: &PlanCtx| {
                    engine::run_collect(p, c, f2.as_ref())
                }));
            }
            let plan = match query.plan(&c) {
                Ok(p) => p,
                Err(e) => {
                    hunt.skip(&f, &det.name, "plan error", &e);
                    continue;
                }
            };
            if plan.generating {
                let e = SplError::plan("the search generates its results and reads no events");
                hunt.skip(&f, &det.name, "reads no events (generating search)", &e);
                continue;
            }
            let key = pipeline_key(&query.pipeline, ctx);
            hunt.hunters.push(Hunter {
                name: det.name.clone(),
                path: f.clone(),
                returns_events: plan.returns_events,
                columns: plan.columns.clone(),
                plan,
                rows: Vec::new(),
                error: None,
                subsearch,
                key,
                query,
                stopped: false,
            });
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
        for (n, h) in hunt.hunters.iter().enumerate() {
            hunt.index.add(n as u32, h.key.as_ref());
        }
        Ok(hunt)
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

    /// Passes over the input that subsearches made (so far).
    pub fn rereads(&self) -> u64 {
        self.rereads.load(Ordering::Relaxed)
    }

    /// Detections filed under an equality key / tested against every event.
    pub fn indexed(&self) -> (usize, usize) {
        let always = self.index.always.len();
        (self.hunters.len() - always, always)
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

    /// A state for [`Hunt::offer`].
    pub fn offer_state(&self) -> OfferState {
        OfferState {
            stamp: vec![u64::MAX; self.hunters.len()],
            n: 0,
            ids: Vec::new(),
            live: self.hunters.len(),
            pushed: 0,
        }
    }

    /// Offers one event to every detection that may want it. Returns false
    /// when no detection takes events any more.
    pub fn offer(&mut self, ev: &Event, st: &mut OfferState) -> bool {
        st.n += 1;
        st.ids.clear();
        let ids = &mut st.ids;
        self.index
            .candidates(ev, &mut st.stamp, st.n, &mut |id| ids.push(id));
        for &id in st.ids.iter() {
            let h = &mut self.hunters[id as usize];
            if h.stopped || !h.plan.accepts(ev) {
                continue;
            }
            st.pushed += 1;
            let rows = &mut h.rows;
            let r = h.plan.push(ev.clone(), &mut |r| {
                rows.push(r);
                Ok(())
            });
            if let Err(e) = r {
                h.error = Some(h.query.locate(e));
                h.stopped = true;
            } else if h.plan.done() {
                h.stopped = true;
            }
            if h.stopped {
                st.live -= 1;
            }
        }
        st.live > 0
    }

    /// Ends the input: every plan flushes its held-back results.
    pub fn finish(&mut self) {
        for h in &mut self.hunters {
            if h.error.is_some() {
                continue;
            }
            let rows = &mut h.rows;
            if let Err(e) = h.plan.finish(&mut |r| {
                rows.push(r);
                Ok(())
            }) {
                h.error = Some(h.query.locate(e));
            }
        }
    }

    /// Reads the sources once, offering each event to the detections;
    /// `progress` is called after each input file with its size in bytes
    /// and the events read so far.
    pub fn run(
        &mut self,
        sources: &[Source],
        meta: &Meta,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<PassReport> {
        let mut st = self.offer_state();
        let mut report = PassReport::default();
        let mut seq = 0u64;
        let mut go = st.live > 0;
        for src in expand_sources(sources)? {
            if !go {
                break;
            }
            let size = match &src {
                Source::File(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
                _ => 0,
            };
            let s = input::read_all(std::slice::from_ref(&src), meta, &mut |mut ev| {
                // Numbered across all inputs, as one read of them all would.
                ev.seq = seq;
                seq += 1;
                go = self.offer(&ev, &mut st);
                Ok(go)
            })?;
            report.input.events += s.events;
            report.input.malformed += s.malformed;
            report.input.files += s.files;
            progress(size, report.input.events);
        }
        self.finish();
        report.pushed = st.pushed;
        Ok(report)
    }
}

/// Per-pass bookkeeping for [`Hunt::offer`].
pub struct OfferState {
    stamp: Vec<u64>,
    n: u64,
    ids: Vec<u32>,
    live: usize,
    pub pushed: u64,
}

/// Sources with folders expanded into their files (sorted, recursed, hidden
/// files left out, as the reader does), so progress can be told per file.
pub fn expand_sources(sources: &[Source]) -> Result<Vec<Source>> {
    fn walk(p: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| SplError::input(format!("cannot read folder {}: {e}", p.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    !p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with('.'))
                })
                .collect();
            entries.sort();
            for e in entries {
                walk(&e, out)?;
            }
        } else {
            out.push(p.to_path_buf());
        }
        Ok(())
    }
    let mut out = Vec::new();
    for s in sources {
        match s {
            Source::File(p) => {
                let mut files = Vec::new();
                walk(p, &mut files)?;
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

    fn req(text: &str) -> Option<(String, Vec<String>)> {
        let src = crate::spl::lex::Src::new(text);
        let (_, e) = crate::spl::search_expr::parse_search(&src, text).unwrap();
        best_key(required(&e.unwrap()))
    }

    #[test]
    fn keys_come_from_required_equalities() {
        assert_eq!(
            req("sourcetype=x EventCode=4688 Image=*cmd.exe"),
            Some(("EventCode".into(), vec!["4688".into()]))
        );
        assert_eq!(
            req("EventCode IN (1, 2) sourcetype=x"),
            Some(("EventCode".into(), vec!["1".into(), "2".into()]))
        );
        assert_eq!(
            req("(EventCode=1 a=b) OR (EventCode=3 c=d)"),
            Some(("EventCode".into(), vec!["1".into(), "3".into()]))
        );
        assert_eq!(req("a=1 OR b=2"), None);
        assert_eq!(req("NOT EventCode=1"), None);
        assert_eq!(req("Image=*cmd*"), None);
        assert_eq!(
            req("sourcetype=x"),
            Some(("sourcetype".into(), vec!["x".into()]))
        );
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
