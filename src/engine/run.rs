//! The whole flow for one search: expand macros → parse → plan → run over
//! events → results. Used by the CLI and (later) the test runner and REPL.

use std::sync::Arc;

use crate::base::diag::{ErrorKind, Result, SplError};
use crate::base::event::Event;
use crate::commands::parse_pipeline;
use crate::commands::support::pipeline::{Plan, PlanCtx, StageStats};
use crate::content::macros::{self, MacroSet, Mapped, Origin};
use crate::input::jsonscan::Wanted;
use crate::input::prefilter::Prefilter;
use crate::input::projection::Projection;
use crate::input::{self, Meta, Source, Summary};
use crate::spl::ast::{Pipeline, Span};

/// A search ready to plan: the expanded text (with its map back to the
/// YAML) and the AST.
pub struct Query {
    pub expanded: Mapped,
    pub pipeline: Pipeline,
}

/// Expands macros in `origin` (macro errors point into the text as written).
pub fn expand(origin: Origin, macros: &MacroSet) -> Result<Mapped> {
    let m = Mapped::from_origin(origin);
    macros::expand(&m, macros)
}

/// Expands and parses; parse errors point at the token in the text as written.
pub fn prepare(origin: Origin, macros: &MacroSet) -> Result<Query> {
    let expanded = expand(origin, macros)?;
    let pipeline = parse(&expanded)?;
    Ok(Query { expanded, pipeline })
}

/// Parses expanded text, mapping a failure back to where it was written.
pub fn parse(expanded: &Mapped) -> Result<Pipeline> {
    parse_with_prefix(expanded, "")
}

/// Parses a macro definition (expanded) as the SPL fragment it is: a
/// pipeline when it starts with `|`, commands when it starts with a command
/// name (`convert …`, `rename …`), else a search expression (possibly
/// followed by `| commands`). Errors point into the definition.
pub fn parse_fragment(expanded: &Mapped) -> Result<Pipeline> {
    let text = expanded.text.trim_start();
    let first = text
        .split(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let is_command = !first.eq_ignore_ascii_case("search")
        && (crate::commands::lookup(first).is_some()
            || crate::commands::generic::provenance(first).is_some());
    if text.starts_with('|') || !is_command {
        return parse(expanded);
    }
    // A command fragment; if it does not parse as commands, it may still be
    // search terms that happen to start with a command's name.
    parse_with_prefix(expanded, "| ").or_else(|e| parse(expanded).map_err(|_| e))
}

/// Parses `prefix` + the expanded text; error offsets are in the expanded text.
fn parse_with_prefix(expanded: &Mapped, prefix: &str) -> Result<Pipeline> {
    let full;
    let input = if prefix.is_empty() {
        expanded.text.as_str()
    } else {
        full = format!("{prefix}{}", expanded.text);
        full.as_str()
    };
    parse_pipeline(input).map_err(|e| {
        let len = expanded.text.len();
        let off = e.offset(input.len()).saturating_sub(prefix.len());
        let (span, label) = if off >= len && len > 0 {
            // At the end of the text: point at its last character.
            let last = expanded.text[..len]
                .char_indices()
                .next_back()
                .map(|(i, _)| i)
                .unwrap_or(0);
            (Span::new(last, len), "the search ends here")
        } else {
            (Span::new(off, (off + e.len.max(1)).min(len)), "here")
        };
        let mut err = SplError::new(ErrorKind::Parse, e.msg.clone()).with_label(label);
        if let Some(h) = e.help {
            err = err.with_help(h);
        }
        expanded.attach(err, span)
    })
}

/// What a run produced besides the results.
#[derive(Debug, Default)]
pub struct RunReport {
    pub input: Summary,
    pub stages: Vec<StageStats>,
    pub returns_events: bool,
    /// The result columns the search declares (`table`, `stats`), when known.
    pub columns: Option<Vec<String>>,
    /// How fields are shown (`fieldformat`), for table output.
    pub display: Vec<crate::commands::fieldformat::DisplayFormat>,
}

impl Query {
    /// Plans the pipeline; plan errors point at the command.
    pub fn plan(&self, ctx: &PlanCtx) -> Result<Plan> {
        Plan::build(&self.pipeline, ctx).map_err(|e| self.locate(e))
    }

    /// Maps an error's span (in expanded text) back to where it was written.
    pub fn locate(&self, e: SplError) -> SplError {
        match e.span {
            Some(span) if e.source.is_none() => self.expanded.attach(e, span),
            _ => e,
        }
    }

    /// Runs over the sources (not read for a generating search), sending results to `sink`.
    pub fn run(
        &self,
        ctx: &PlanCtx,
        sources: &[Source],
        meta: &Meta,
        sink: &mut dyn FnMut(Event) -> Result<()>,
    ) -> Result<RunReport> {
        let mut sources = sources.to_vec();
        if self.has_subsearch() {
            // Subsearches read the same input again: keep stdin in memory.
            sources = sources
                .into_iter()
                .map(Source::buffered)
                .collect::<Result<Vec<_>>>()?;
        }
        let feed = Arc::new(FileFeed {
            sources,
            meta: meta.clone(),
        });
        self.run_feed(ctx, feed, sink)
    }

    /// Runs over any feed of events; subsearches read the same feed again.
    pub fn run_feed(
        &self,
        ctx: &PlanCtx,
        feed: Arc<dyn Feed>,
        sink: &mut dyn FnMut(Event) -> Result<()>,
    ) -> Result<RunReport> {
        let mut ctx = ctx.clone();
        if self.has_subsearch() {
            let f2 = feed.clone();
            ctx.subsearch = Some(Arc::new(move |p: &Pipeline, c: &PlanCtx| {
                run_collect(p, c, f2.as_ref())
            }));
        }
        let ctx = &ctx;
        let mut plan = self.plan(ctx)?;
        let mut report = RunReport {
            returns_events: plan.returns_events,
            columns: plan.columns.clone(),
            display: crate::commands::fieldformat::display_formats(&self.pipeline, &ctx.fn_ctx)
                .map_err(|e| self.locate(e))?,
            ..Default::default()
        };
        if !plan.generating {
            report.input = feed
                .feed_planned(&self.pipeline, ctx, &mut |ev| {
                    plan.push(ev, sink)?;
                    Ok(!plan.done())
                })
                .map_err(|e| self.locate(e))?;
        }
        plan.finish(sink).map_err(|e| self.locate(e))?;
        report.stages = plan.stats();
        Ok(report)
    }

    /// Runs over events already in memory (the REPL's loaded events);
    /// subsearches run over the same events.
    pub fn run_events(
        &self,
        ctx: &PlanCtx,
        events: &Arc<Vec<Event>>,
        sink: &mut dyn FnMut(Event) -> Result<()>,
    ) -> Result<RunReport> {
        let mut ctx = ctx.clone();
        if self.has_subsearch() {
            let evs = events.clone();
            ctx.subsearch = Some(Arc::new(move |p: &Pipeline, c: &PlanCtx| {
                let mut plan = Plan::build(p, c)?;
                collect_from(&mut plan, &evs)
            }));
        }
        let mut plan = self.plan(&ctx)?;
        let mut report = RunReport {
            returns_events: plan.returns_events,
            display: crate::commands::fieldformat::display_formats(&self.pipeline, &ctx.fn_ctx)
                .map_err(|e| self.locate(e))?,
            ..Default::default()
        };
        if !plan.generating {
            for ev in events.iter() {
                if plan.done() {
                    break;
                }
                report.input.events += 1;
                plan.push(ev.clone(), sink).map_err(|e| self.locate(e))?;
            }
        }
        plan.finish(sink).map_err(|e| self.locate(e))?;
        report.stages = plan.stats();
        Ok(report)
    }

    /// True when some command holds a subsearch.
    pub fn has_subsearch(&self) -> bool {
        let mut found = false;
        self.pipeline.walk(&mut |c| {
            if c.cmd.reads_input_again() {
                found = true;
            }
        });
        found
    }
}

/// A source of events that can be read more than once.
pub trait Feed: Send + Sync {
    /// Calls `f` per event until it returns false.
    fn feed(&self, f: &mut dyn FnMut(Event) -> Result<bool>) -> Result<Summary>;

    /// [`Feed::feed`] for a pipeline: a feed may skip events that the
    /// pipeline's leading search certainly drops (the results are the same).
    fn feed_planned(
        &self,
        _p: &Pipeline,
        _ctx: &PlanCtx,
        f: &mut dyn FnMut(Event) -> Result<bool>,
    ) -> Result<Summary> {
        self.feed(f)
    }
}

/// Events read from files (or buffered stdin) with their metadata.
pub struct FileFeed {
    pub sources: Vec<Source>,
    pub meta: Meta,
}

impl Feed for FileFeed {
    fn feed(&self, f: &mut dyn FnMut(Event) -> Result<bool>) -> Result<Summary> {
        input::read_all(&self.sources, &self.meta, f)
    }

    fn feed_planned(
        &self,
        p: &Pipeline,
        ctx: &PlanCtx,
        f: &mut dyn FnMut(Event) -> Result<bool>,
    ) -> Result<Summary> {
        let r = self.plan_reading(p, ctx);
        input::read_all_planned(
            &self.sources,
            &r.meta,
            input::Shortcuts {
                prefilter: r.prefilter.as_ref(),
                wanted: r.wanted.as_ref(),
                complete_with: None,
                route: None,
            },
            f,
        )
    }
}

/// How a feed reads for one search ([`FileFeed::plan_reading`]).
pub struct Reading {
    /// The metadata, carrying the knowledge to apply.
    pub meta: Meta,
    pub prefilter: Option<Prefilter>,
    pub wanted: Option<Wanted>,
}

impl FileFeed {
    /// What reading for `p` may skip: the prefilter (through the full
    /// knowledge), and when the search reads only some fields, those fields
    /// plus what the knowledge reads to derive them, with only that
    /// knowledge applied (the meta returned carries it).
    pub fn plan_reading(&self, p: &Pipeline, ctx: &PlanCtx) -> Reading {
        let knowledge = self.meta.knowledge();
        let pf = if std::env::var_os("SPLEVAL_NO_PREFILTER").is_some() {
            None
        } else {
            Prefilter::plan(p, ctx, knowledge)
        };
        let projection = if std::env::var_os("SPLEVAL_NO_PROJECTION").is_some() {
            None
        } else {
            crate::engine::projection::plan_with(p, ctx)
        };
        let (meta, wanted) = match projection.and_then(|proj| restrict_reading(&self.meta, proj)) {
            Some((meta, wanted)) => (meta, Some(wanted)),
            None => (self.meta.clone(), None),
        };
        Reading {
            meta,
            prefilter: pf,
            wanted,
        }
    }
}

/// Reading for a search that needs only the fields of `proj`: those fields
/// plus what the knowledge reads to derive them are decoded, and only that
/// knowledge is applied (the meta returned carries it). None when the
/// knowledge it needs may read any field.
pub fn restrict_reading(meta: &Meta, mut proj: Projection) -> Option<(Meta, Wanted)> {
    proj.time |= meta.earliest.is_some() || meta.latest.is_some();
    let mut needed = proj.names.clone();
    if proj.time {
        needed.insert("_time".into());
    }
    if proj.raw {
        needed.insert("_raw".into());
    }
    let k = meta.knowledge().restrict(&mut needed)?;
    proj.time |= needed.contains("_time");
    proj.raw |= needed.contains("_raw");
    proj.names = needed;
    let mut meta = meta.clone();
    meta.knowledge = Some(Arc::new(k));
    Some((meta, Wanted::new(&proj)))
}

/// Events already in memory (the test runner parses each dataset once).
pub struct MemFeed(pub Arc<Vec<Event>>);

impl Feed for MemFeed {
    fn feed(&self, f: &mut dyn FnMut(Event) -> Result<bool>) -> Result<Summary> {
        let mut s = Summary::default();
        for ev in self.0.iter() {
            s.events += 1;
            if !f(ev.clone())? {
                break;
            }
        }
        Ok(s)
    }
}

/// Runs a (sub)pipeline over a feed and collects its results.
pub fn run_collect(p: &Pipeline, ctx: &PlanCtx, feed: &dyn Feed) -> Result<Vec<Event>> {
    let mut plan = Plan::build(p, ctx)?;
    let mut rows = Vec::new();
    if !plan.generating {
        feed.feed_planned(p, ctx, &mut |ev| {
            plan.push(ev, &mut |r| {
                rows.push(r);
                Ok(())
            })?;
            Ok(!plan.done())
        })?;
    }
    plan.finish(&mut |r| {
        rows.push(r);
        Ok(())
    })?;
    Ok(rows)
}

/// Runs a planned (sub)pipeline over in-memory events and collects its results.
fn collect_from(plan: &mut Plan, events: &[Event]) -> Result<Vec<Event>> {
    let mut rows = Vec::new();
    if !plan.generating {
        for ev in events {
            if plan.done() {
                break;
            }
            plan.push(ev.clone(), &mut |r| {
                rows.push(r);
                Ok(())
            })?;
        }
    }
    plan.finish(&mut |r| {
        rows.push(r);
        Ok(())
    })?;
    Ok(rows)
}
