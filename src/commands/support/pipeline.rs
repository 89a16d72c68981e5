//! Planning and running a parsed pipeline: each command becomes an
//! [`Operator`]; events are pushed through the chain one at a time.
//!
//! Splunk hands events to the pipeline newest first. Sorting everything up
//! front would hold the whole input in memory, so the planner inserts a
//! buffering sort only where order starts to matter: before the first
//! order-sensitive command (`head`, `dedup`, `stats first()` …), or at the
//! end when the search returns events. Commands before that point work
//! event by event and do not care about order, so they stream.

use std::time::{Duration, Instant};

use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::functions::FnCtx;
use crate::spl::ast::{CommandKind, Pipeline, Span};

/// Where an operator sends its output.
pub type Emit<'a> = dyn FnMut(Event) -> Result<()> + 'a;

/// The runtime form of one command.
pub trait Operator: Send {
    /// Takes one event, emits zero or more.
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()>;
    /// Called once after the last event: emit what was held back.
    fn finish(&mut self, _out: &mut Emit<'_>) -> Result<()> {
        Ok(())
    }
    /// True when no further input can change the output (`head` after N rows).
    fn done(&self) -> bool {
        false
    }
    /// False only when pushing this event would certainly have no effect
    /// (a search filter that drops it); a cheap test on a borrowed event,
    /// so callers can skip cloning it. Errors count as true (push reports them).
    fn accepts(&self, _ev: &Event) -> bool {
        true
    }
    /// [`Operator::accepts`] as a test other threads may run while this
    /// operator takes events; None when it cannot be shared.
    fn shared_accepts(&self) -> Option<Accepts> {
        None
    }
}

/// A shareable [`Operator::accepts`].
pub type Accepts = std::sync::Arc<dyn Fn(&Event) -> bool + Send + Sync>;

/// Runs a subsearch over the same input as the main search; returns its results.
pub type SubsearchRunner = dyn Fn(&Pipeline, &PlanCtx) -> Result<Vec<Event>> + Send + Sync;

/// Splunk's default cap on subsearch results (`maxout`).
pub const SUBSEARCH_MAXOUT: usize = 10_000;

/// What planning a command may use.
#[derive(Clone)]
pub struct PlanCtx {
    pub fn_ctx: FnCtx,
    /// The rules root (`lookups/`, later `datamodels/`…), when known.
    pub rules_root: Option<std::path::PathBuf>,
    /// Runs subsearches over the main search's input (None: not available here).
    pub subsearch: Option<std::sync::Arc<SubsearchRunner>>,
    /// MaxMind database for `iplocation` (`--geoip` or `SPLEVAL_GEOIP`).
    pub geoip: Option<std::path::PathBuf>,
    /// The macros in force, for searches built at run time (`map search="…"`).
    pub macros: Option<std::sync::Arc<crate::content::macros::MacroSet>>,
    /// The data models (None: the shipped ones).
    pub datamodels: Option<std::sync::Arc<crate::content::datamodels::Datamodels>>,
    /// `outputlookup` may write lookup files (`run --write-lookups`); off, it
    /// says what it would write and leaves the rules' files alone.
    pub write_lookups: bool,
    /// A shard of a split search (`run --partial`): its `stats` leaves the
    /// groups' states here instead of emitting rows.
    pub partial_stats: Option<crate::commands::stats::PartialSlot>,
    /// The run's time range (`--earliest`, `--latest`), for `addinfo`.
    pub time_range: (Option<f64>, Option<f64>),
}

impl PlanCtx {
    pub fn new(fn_ctx: FnCtx) -> PlanCtx {
        PlanCtx {
            fn_ctx,
            rules_root: None,
            subsearch: None,
            geoip: None,
            macros: None,
            datamodels: None,
            write_lookups: false,
            partial_stats: None,
            time_range: (None, None),
        }
    }

    /// The data models in force.
    pub fn datamodels(&self) -> &crate::content::datamodels::Datamodels {
        match &self.datamodels {
            Some(d) => d,
            None => crate::content::datamodels::Datamodels::shipped(),
        }
    }

    /// Runs a subsearch to completion (at most [`SUBSEARCH_MAXOUT`] results, as Splunk).
    pub fn run_subsearch(&self, p: &Pipeline) -> Result<Vec<Event>> {
        match &self.subsearch {
            Some(r) => {
                let mut rows = r(p, self)?;
                if rows.len() > SUBSEARCH_MAXOUT {
                    eprintln!(
                        "warning: subsearch returned {} results; only the first {SUBSEARCH_MAXOUT} are used (Splunk's maxout)",
                        rows.len()
                    );
                    rows.truncate(SUBSEARCH_MAXOUT);
                }
                Ok(rows)
            }
            None => Err(crate::eval::matcher::no_subsearch()),
        }
    }
}

impl crate::eval::matcher::SearchCtx for PlanCtx {
    fn fn_ctx(&self) -> &FnCtx {
        &self.fn_ctx
    }
    fn run_subsearch(&self, p: &Pipeline) -> Result<Vec<Event>> {
        PlanCtx::run_subsearch(self, p)
    }
}

/// Per-stage counters for `--explain`.
#[derive(Debug, Clone, Default)]
pub struct StageStats {
    pub name: String,
    /// The command in the expanded search (None: a stage the planner added).
    pub span: Option<Span>,
    pub rows_in: u64,
    pub rows_out: u64,
    /// Time spent in this stage itself, not in the stages after it.
    pub time: Duration,
}

struct Stage {
    op: Box<dyn Operator>,
    stats: StageStats,
    span: Option<Span>,
}

/// A planned pipeline, ready to take events.
pub struct Plan {
    stages: Vec<Stage>,
    /// True when the first command generates events (input is not read).
    pub generating: bool,
    /// True when the output is events (no transforming command ran).
    pub returns_events: bool,
    /// The result columns the commands declare (see [`crate::spl::ast::Command::columns`]).
    pub columns: Option<Vec<String>>,
}

/// Buffers events and releases them in Splunk's search order. When only the
/// first or last N in that order are read (`head N`, `tail N` right after),
/// only those are kept; before a `dedup`, only the first N of each
/// combination of its fields: memory stays flat however many events
/// arrive (for dedup: grows with the combinations). When every event is
/// read, they are held up to a memory budget and then sorted on disk
/// ([`super::spill`]), so memory stays flat too.
struct TimeOrder {
    buf: Vec<Event>,
    /// For [`Keep::All`].
    all: Option<super::spill::SpillSort>,
    keep: Keep,
    /// For [`Keep::PerKey`]: per combination, its first events so far.
    keyed: std::collections::HashMap<Vec<String>, Vec<Event>>,
}

enum Keep {
    All,
    First(usize),
    Last(usize),
    /// The first N per combination of these fields; events lacking one
    /// are kept (`keepempty=true`) or dropped.
    PerKey {
        fields: Vec<String>,
        n: usize,
        keepempty: bool,
    },
}

/// Past this count per combination, a dedup's buffer keeps everything.
const PER_KEY_MAX: usize = 1000;

impl TimeOrder {
    fn new(next: Option<&dyn crate::spl::ast::Command>) -> TimeOrder {
        let keep = match next.map(|c| c.as_any()) {
            Some(a) => match (
                a.downcast_ref::<crate::commands::head::HeadCmd>(),
                a.downcast_ref::<crate::commands::tail::TailCmd>(),
                a.downcast_ref::<crate::commands::dedup::DedupCmd>()
                    .and_then(|d| d.keeps_first()),
            ) {
                (Some(h), _, _) => Keep::First(usize::try_from(h.count).unwrap_or(usize::MAX)),
                (_, Some(t), _) => Keep::Last(usize::try_from(t.count).unwrap_or(usize::MAX)),
                (_, _, Some((fields, n, keepempty))) if n <= PER_KEY_MAX => Keep::PerKey {
                    fields,
                    n,
                    keepempty,
                },
                _ => Keep::All,
            },
            None => Keep::All,
        };
        let all = matches!(keep, Keep::All).then(|| {
            super::spill::SpillSort::new(
                "(search order)",
                crate::base::budget::SORT_MEMORY.get(),
                std::sync::Arc::new(Event::search_order),
            )
        });
        TimeOrder {
            buf: Vec::new(),
            all,
            keep,
            keyed: std::collections::HashMap::new(),
        }
    }

    /// Sorts and cuts the buffer down to what can still be read.
    fn trim(&mut self) {
        match self.keep {
            Keep::All => self.buf.sort_by(Event::search_order),
            Keep::PerKey { .. } => {
                self.buf
                    .extend(std::mem::take(&mut self.keyed).into_values().flatten());
                self.buf.sort_by(Event::search_order);
            }
            Keep::First(n) => {
                self.buf.sort_by(Event::search_order);
                self.buf.truncate(n);
            }
            Keep::Last(n) => {
                self.buf.sort_by(Event::search_order);
                let cut = self.buf.len().saturating_sub(n);
                self.buf.drain(..cut);
            }
        }
    }
}

impl Operator for TimeOrder {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        if let Some(all) = &mut self.all {
            return all.push(ev);
        }
        if let Keep::PerKey {
            fields,
            n,
            keepempty,
        } = &self.keep
        {
            match crate::commands::dedup::dedup_key(&ev, fields) {
                None if *keepempty => self.buf.push(ev),
                None => {}
                Some(key) => {
                    crate::commands::dedup::keep_first(self.keyed.entry(key).or_default(), *n, ev)
                }
            }
            return Ok(());
        }
        self.buf.push(ev);
        if let Keep::First(n) | Keep::Last(n) = self.keep {
            if self.buf.len() >= n.saturating_mul(2).max(1024) {
                self.trim();
            }
        }
        Ok(())
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        if let Some(all) = self.all.take() {
            for ev in all.finish()? {
                out(ev?)?;
            }
            return Ok(());
        }
        self.trim();
        for ev in std::mem::take(&mut self.buf) {
            out(ev)?;
        }
        Ok(())
    }
}

/// Where a plan starts ([`Plan::build_part`]): a part of a split search.
#[derive(Clone, Copy, Debug)]
pub struct PartStart {
    /// The rows arrive in their final order already (after a transforming command).
    pub ordered: bool,
    /// The rows are events (no transforming command ran before).
    pub returns_events: bool,
    /// Put events in search order at the end when nothing did (off for a
    /// shard that ships its rows: the merge side orders them).
    pub order_at_end: bool,
}

impl Plan {
    pub fn build(p: &Pipeline, ctx: &PlanCtx) -> Result<Plan> {
        Plan::build_part(
            p,
            ctx,
            PartStart {
                ordered: false,
                returns_events: true,
                order_at_end: true,
            },
        )
    }

    /// Plans the commands of one part of a split search (`run --partial`,
    /// `merge`), starting where the part starts.
    pub fn build_part(p: &Pipeline, ctx: &PlanCtx, start: PartStart) -> Result<Plan> {
        // Eval's lookup() reads the lookups of the plan's rules root.
        let synced;
        let have = ctx.fn_ctx.lookups.as_ref().map(|l| l.root());
        let ctx = if have == ctx.rules_root.as_deref() {
            ctx
        } else {
            let mut c = ctx.clone();
            c.fn_ctx.lookups = ctx.rules_root.clone().map(|root| {
                std::sync::Arc::new(crate::content::lookups::RootTables { root })
                    as std::sync::Arc<dyn crate::functions::lookup::Tables>
            });
            synced = c;
            &synced
        };
        let mut stages = Vec::new();
        let mut ordered = start.ordered;
        let mut returns_events = start.returns_events;
        let mut columns = None;
        let generating = p
            .commands
            .first()
            .is_some_and(|c| c.cmd.kind() == CommandKind::Generating && !c.cmd.reads_events());
        for (n, node) in p.commands.iter().enumerate() {
            let cmd = &node.cmd;
            if !cmd.runnable() {
                // The command's own planner says why, when it can.
                let (why, help) = match crate::commands::plan(&**cmd, ctx) {
                    Err(e) => (format!(": {}", e.msg), e.help.clone()),
                    Ok(_) => (String::new(), None),
                };
                let mut err = SplError::plan(format!(
                    "command '{}' is parsed but spleval cannot run it{why}",
                    cmd.name()
                ))
                .at(node.name_span);
                if let Some(h) = help {
                    err = err.with_help(h);
                }
                return Err(err);
            }
            // `tstats prestats=t append=t` after other commands adds its rows
            // to theirs (the tstats page's "Multiple time ranges").
            let tstats_append = cmd
                .as_any()
                .downcast_ref::<crate::commands::tstats::TstatsCmd>()
                .filter(|t| n > 0 && t.appends());
            if cmd.kind() == CommandKind::Generating && n > 0 && tstats_append.is_none() {
                return Err(SplError::plan(format!(
                    "'{}' is a generating command and must be the first command",
                    cmd.name()
                ))
                .at(node.name_span)
                .with_help(format!(
                    "write it as `| {} …` at the start of the search",
                    cmd.name()
                )));
            }
            if !ordered && cmd.needs_time_order() {
                stages.push(Stage {
                    op: Box::new(TimeOrder::new(Some(&**cmd))),
                    stats: StageStats {
                        name: "(search order)".into(),
                        ..Default::default()
                    },
                    span: None,
                });
                ordered = true;
            }
            // `nomv` right after `mvcombine delim=…` of its field joins with
            // that delimiter (the mvcombine page's rule).
            let nomv = cmd
                .as_any()
                .downcast_ref::<crate::commands::nomv::NomvCmd>();
            let delim = nomv.zip(n.checked_sub(1)).and_then(|(nomv, prev)| {
                crate::commands::nomv::delim_after(&*p.commands[prev].cmd, nomv)
            });
            // `union` after a pipe interleaves the incoming events with its
            // streaming datasets when every command before it streams (the
            // union page's "How the command is processed").
            let union = cmd
                .as_any()
                .downcast_ref::<crate::commands::union::UnionCmd>();
            let op = match (nomv, delim, union, tstats_append) {
                (Some(nomv), Some(d), _, _) => nomv.op_with_delim(&d),
                (_, _, Some(u), _) => {
                    let streaming_input = !start.ordered
                        && start.returns_events
                        && p.commands[..n]
                            .iter()
                            .all(|c| c.cmd.kind() == CommandKind::Streaming);
                    u.plan_after(ctx, streaming_input)
                        .map_err(|e| e.at(node.span))?
                }
                (_, _, _, Some(t)) => t.append_op(ctx).map_err(|e| e.at(node.span))?,
                _ => crate::commands::plan(&**cmd, ctx).map_err(|e| e.at(node.span))?,
            };
            columns = cmd.columns(columns);
            stages.push(Stage {
                op,
                stats: StageStats {
                    name: cmd.name().to_string(),
                    span: Some(node.span),
                    ..Default::default()
                },
                span: Some(node.span),
            });
            match cmd.kind() {
                CommandKind::Transforming => {
                    ordered = true;
                    returns_events = false;
                }
                CommandKind::Generating => ordered = true,
                _ => {}
            }
        }
        if !ordered && returns_events && start.order_at_end {
            stages.push(Stage {
                op: Box::new(TimeOrder::new(None)),
                stats: StageStats {
                    name: "(search order)".into(),
                    ..Default::default()
                },
                span: None,
            });
        }
        Ok(Plan {
            stages,
            generating,
            returns_events,
            columns,
        })
    }

    /// Pushes one input event through the pipeline.
    pub fn push(&mut self, ev: Event, sink: &mut Emit<'_>) -> Result<()> {
        push_chain(&mut self.stages, ev, sink)
    }

    /// True when more input cannot change the results.
    pub fn done(&self) -> bool {
        // Only when every stage before the finished one streams statelessly is it
        // safe to stop reading; we keep it simple: the first stage being done.
        self.stages.first().is_some_and(|s| s.op.done())
    }

    /// False only when pushing `ev` would certainly change nothing: the first
    /// stage (a leading search, a tstats data model view) drops it.
    pub fn accepts(&self, ev: &Event) -> bool {
        self.stages.first().is_none_or(|s| s.op.accepts(ev))
    }

    /// [`Plan::accepts`] as a test other threads may run while the plan
    /// takes events; None when its first stage cannot give one.
    pub fn shared_accepts(&self) -> Option<Accepts> {
        match self.stages.first() {
            Some(s) => s.op.shared_accepts(),
            None => Some(std::sync::Arc::new(|_: &Event| true)),
        }
    }

    /// Ends the input: every stage flushes, in order.
    pub fn finish(&mut self, sink: &mut Emit<'_>) -> Result<()> {
        for k in 0..self.stages.len() {
            let (head, tail) = self.stages.split_at_mut(k + 1);
            let stage = &mut head[k];
            let started = Instant::now();
            let mut emitted = 0u64;
            let mut downstream = Duration::ZERO;
            let r = stage.op.finish(&mut |e| {
                emitted += 1;
                timed(&mut downstream, || push_chain(tail, e, sink))
            });
            stage.stats.rows_out += emitted;
            stage.stats.time += started.elapsed().saturating_sub(downstream);
            r.map_err(|e| match stage.span {
                Some(s) => e.at(s),
                None => e,
            })?;
        }
        Ok(())
    }

    pub fn stats(&self) -> Vec<StageStats> {
        self.stages.iter().map(|s| s.stats.clone()).collect()
    }
}

/// Runs `f`, adding the time it took to `acc`: what a stage spends passing
/// rows on is the later stages' time, not its own.
fn timed<T>(acc: &mut Duration, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let r = f();
    *acc += started.elapsed();
    r
}

/// Whether stages measure their own time (`--explain`, the REPL's
/// `.explain`); off, a stage only counts rows, which keeps two clock reads
/// per stage per event out of the hot path.
static STAGE_TIMING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns per-stage timing on or off for the plans that run after this.
pub fn set_stage_timing(on: bool) {
    STAGE_TIMING.store(on, std::sync::atomic::Ordering::Relaxed);
}

fn push_chain(stages: &mut [Stage], ev: Event, sink: &mut Emit<'_>) -> Result<()> {
    match stages.split_first_mut() {
        None => sink(ev),
        Some((first, rest)) if !STAGE_TIMING.load(std::sync::atomic::Ordering::Relaxed) => {
            first.stats.rows_in += 1;
            let mut emitted = 0u64;
            let r = first.op.push(ev, &mut |e| {
                emitted += 1;
                push_chain(rest, e, sink)
            });
            first.stats.rows_out += emitted;
            r.map_err(|e| match first.span {
                Some(s) => e.at(s),
                None => e,
            })
        }
        Some((first, rest)) => {
            first.stats.rows_in += 1;
            let started = Instant::now();
            let mut emitted = 0u64;
            let mut downstream = Duration::ZERO;
            let r = first.op.push(ev, &mut |e| {
                emitted += 1;
                timed(&mut downstream, || push_chain(rest, e, sink))
            });
            first.stats.rows_out += emitted;
            first.stats.time += started.elapsed().saturating_sub(downstream);
            r.map_err(|e| match first.span {
                Some(s) => e.at(s),
                None => e,
            })
        }
    }
}
