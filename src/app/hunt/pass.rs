//! One pass over the input: each event offered to the detections that can
//! want it, in parallel over batches.

use super::gate::{gate_and_key, Gate};
use super::index::{Index, Req};
use super::{expand_sources, Hunter};

use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::PlanCtx;
use crate::engine::run::restrict_reading;
use crate::input::jsonscan::Wanted;
use crate::input::projection::Projection;
use crate::input::{self, Meta, Source, Summary};
use crate::spl::ast::Pipeline;

/// An event's row in a shared tstats view, for the gates.
enum Row<'a> {
    Ok(crate::content::datamodels::LazyRow<'a>),
    /// Building it failed: the event goes to the plans, which report it.
    Failed,
}

/// How an event reaches the members: the index finds the candidates, each
/// candidate's gate admits it or not. Read on the parse workers (each event
/// gets its [`Event::route`] there) while the members take events here.
struct Router<'a> {
    index: &'a Index,
    views: &'a [crate::content::datamodels::View],
    admit: Vec<Admit>,
}

/// A member's gate as the parse workers test it.
enum Admit {
    Always,
    /// Its plan's first stage, shared ([`crate::commands::support::pipeline::Plan::shared_accepts`]).
    Shared(crate::commands::support::pipeline::Accepts),
    View {
        view: usize,
        where_: Option<std::sync::Arc<crate::eval::matcher::Matcher>>,
    },
    /// Only its plan can tell, on the thread that pushes to it: routed, and
    /// tested there.
    Plan,
}

impl Router<'_> {
    fn new<'a>(
        members: &[Hunter],
        index: &'a Index,
        views: &'a [crate::content::datamodels::View],
    ) -> Router<'a> {
        let admit = members
            .iter()
            .map(|h| match &h.gate {
                Gate::Any => Admit::Always,
                Gate::View { view, where_ } => Admit::View {
                    view: *view,
                    where_: where_.clone(),
                },
                Gate::Plan => h.plan.shared_accepts().map_or(Admit::Plan, Admit::Shared),
            })
            .collect();
        Router {
            index,
            views,
            admit,
        }
    }

    /// The members the event goes to, ascending, each once.
    fn route(&self, ev: &Event) -> Box<[u32]> {
        let mut ids = Vec::new();
        self.index.candidates(ev, &mut |id| ids.push(id));
        ids.sort_unstable();
        ids.dedup();
        // Per shared view, this event's row (built when first needed; an
        // event meets few views: a list, no hashing).
        let mut rows: Vec<(usize, Option<Row<'_>>)> = Vec::new();
        ids.retain(|&id| match &self.admit[id as usize] {
            Admit::Always | Admit::Plan => true,
            Admit::Shared(accepts) => accepts(ev),
            Admit::View { view, where_ } => {
                // The view's row, its fields computed as the `where` reads
                // them; an error (in a constraint or a field's eval) lets
                // the event through, for the plan to report.
                let at = match rows.iter().position(|(v, _)| v == view) {
                    Some(at) => at,
                    None => {
                        let row = match self.views[*view].lazy_row(ev) {
                            Ok(r) => r.map(Row::Ok),
                            Err(_) => Some(Row::Failed),
                        };
                        rows.push((*view, row));
                        rows.len() - 1
                    }
                };
                match (&rows[at].1, where_) {
                    (None, _) => false,
                    (Some(Row::Failed), _) | (Some(_), None) => true,
                    (Some(Row::Ok(r)), Some(m)) => m.matches(r).unwrap_or(true) || r.failed.get(),
                }
            }
        });
        ids.into_boxed_slice()
    }
}

/// What a pass over the input read.
#[derive(Debug, Default, Clone)]
pub struct PassReport {
    pub input: Summary,
    /// Events offered to a plan (passed its gate, cloned and pushed).
    pub pushed: u64,
    /// Whether it read only the fields its members read (not whole events).
    pub projected: bool,
}

/// Members offered the same events, with their index and shared views.
#[derive(Default)]
pub(crate) struct Pass {
    pub(crate) members: Vec<Hunter>,
    pub(crate) index: Index,
    pub(crate) views: Vec<crate::content::datamodels::View>,
    pub(crate) view_keys: Vec<String>,
}

impl Pass {
    /// The gate and index key of a pipeline, planned in this pass.
    pub(crate) fn gate(&mut self, p: &Pipeline, ctx: &PlanCtx) -> (Gate, Option<Req>) {
        gate_and_key(p, ctx, &mut self.views, &mut self.view_keys)
    }

    pub(crate) fn add(&mut self, h: Hunter) {
        self.index.add(self.members.len() as u32, h.key.as_ref());
        self.members.push(h);
    }

    /// How to read for this pass: only the fields the members read (and
    /// the knowledge that derives them). A member that needs whole events
    /// adds the fields its gate reads, and the events it takes are completed
    /// ([`input::complete`]) from the line each keeps; true then. Whole
    /// events for all when some member's gate fields cannot be told.
    fn reading(&self, meta: &Meta) -> (Meta, Option<Wanted>, bool) {
        let whole = (meta.clone(), None, false);
        if std::env::var_os("SPLEVAL_NO_PROJECTION").is_some() || self.members.is_empty() {
            return whole;
        }
        let mut all = Projection::default();
        let mut completes = false;
        for h in &self.members {
            match (&h.proj, &h.gate_fields) {
                (Some(p), _) => {
                    all.names.extend(p.names.iter().cloned());
                    all.time |= p.time;
                    all.raw |= p.raw;
                }
                (None, Some(g)) => {
                    all.names.extend(g.iter().cloned());
                    completes = true;
                }
                (None, None) => return whole,
            }
        }
        // A completed event gets the metadata the projected one was given.
        all.names
            .extend(["sourcetype", "source", "host", "index"].map(String::from));
        all.time |= completes;
        match restrict_reading(meta, all) {
            Some((meta, wanted)) => (meta, Some(wanted), completes),
            None => whole,
        }
    }

    /// Reads the sources once, offering each event to the members; `progress`
    /// is called after each input file with its size and the events so far.
    pub(crate) fn run(
        &mut self,
        sources: &[Source],
        meta: &Meta,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<PassReport> {
        let mut report = PassReport::default();
        let mut live = self.members.len();
        let mut seq = 0u64;
        let mut pushed = 0u64;
        let mut room = super::record_room();
        let mut dead: Vec<Event> = Vec::new();
        let full_knowledge = meta.knowledge();
        let (meta, wanted, completes) = self.reading(meta);
        report.projected = wanted.is_some();
        let meta = &meta;
        // Per event, its completed form (for members that need whole events).
        let mut whole: (u64, Option<Event>) = (u64::MAX, None);
        // The sources are read in one go, so compressed files are decoded
        // ahead in parallel across files; progress is told when the
        // events' `source` (the file they came from) changes.
        let sizes: std::collections::HashMap<String, u64> = expand_sources(sources)?
            .iter()
            .filter_map(|s| match s {
                Source::File(p) => Some((
                    p.display().to_string(),
                    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
                )),
                _ => None,
            })
            .collect();
        let total: u64 = sizes.values().sum();
        let mut told = 0u64;
        let mut current = String::new();
        {
            let Pass {
                members,
                index,
                views,
                ..
            } = self;
            let router = Router::new(members, index, views);
            let route = |ev: &Event| router.route(ev);
            let shortcuts = input::Shortcuts {
                prefilter: None,
                wanted: wanted.as_ref(),
                complete_with: completes.then_some(full_knowledge),
                route: Some(&route),
            };
            let s = input::read_all_planned(sources, meta, shortcuts, &mut |mut ev| {
                if let Some(Value::Str(src)) = ev.get("source") {
                    if *src != current {
                        if let Some(size) = sizes.get(&current) {
                            told += size;
                            progress(*size, seq);
                        }
                        current.clear();
                        current.push_str(src);
                    }
                }
                // Numbered across all inputs, as one read of them all would.
                ev.seq = seq;
                let n = seq;
                seq += 1;
                // Routed on a parse worker, or (not NDJSON) here.
                let ids = ev.route.take().unwrap_or_else(|| router.route(&ev));
                for &id in ids.iter() {
                    let h = &mut members[id as usize];
                    if h.stopped {
                        continue;
                    }
                    if matches!(router.admit[id as usize], Admit::Plan) && !h.plan.accepts(&ev) {
                        continue;
                    }
                    pushed += 1;
                    // Plans may keep what they are given (time order, returned
                    // events): copy only the fields the search needs.
                    let copy = match &h.proj {
                        Some(p) => p.apply(&ev),
                        None if ev.record.is_some() => {
                            if whole.0 != n {
                                whole = (n, input::complete(&ev, full_knowledge));
                            }
                            let mut full = whole.1.clone().unwrap_or_else(|| ev.clone());
                            full.record = None;
                            full
                        }
                        None => ev.clone(),
                    };
                    h.take(copy, &mut room);
                    if h.stopped {
                        live -= 1;
                    }
                }
                // Dropping an event with its derived fields is work of
                // its own: done on the pool, off this (serial) thread.
                dead.push(ev);
                if dead.len() >= 1024 {
                    let batch = std::mem::take(&mut dead);
                    rayon::spawn(move || drop(batch));
                }
                Ok(live > 0)
            })?;
            report.input.events += s.events;
            report.input.malformed += s.malformed;
            report.input.unreadable += s.unreadable;
            report.input.binary += s.binary;
            report.input.files += s.files;
            progress(total.saturating_sub(told), report.input.events);
        }
        // What plans held back (stats groups, sorted rows) is finished on
        // all cores: nothing is read any more.
        {
            use rayon::prelude::*;
            self.members.par_iter_mut().for_each(|h| h.finish());
        }
        report.pushed = pushed;
        Ok(report)
    }
}
