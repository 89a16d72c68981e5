//! `streamstats [current=<bool>] [window=<int>] [time_window=<span>]
//! [global=<bool>] [allnum=<bool>] [reset_on_change=<bool>]
//! [reset_before="(<eval>)"] [reset_after="(<eval>)"] <agg>… [BY <field-list>]`:
//! running aggregations added to each event in search order (newest first).
//!
//! - Without a window the statistics accumulate over all earlier events of
//!   the event's group (and the event itself unless `current=false`).
//! - `window=N` limits them to the last N events: with `global=true` (the
//!   default) the N most recent events of any group, of which those of the
//!   event's group count; with `global=false` the group's own last N events.
//! - `time_window=<span>` limits them to events less than the span away from
//!   the current one.
//! - `reset_on_change=true` clears all statistics when a group-by value
//!   differs from the previous event's; `reset_before` clears them before an
//!   event for which the expression is true, `reset_after` after it (it can
//!   read the fields streamstats just added).
//! - An event lacking a group-by field passes through unchanged.
//! - A wildcard field name (`sum(*) as accu_total_*`) aggregates every
//!   field it matches, as in `stats`, one running statistic each.

use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::fmt;

use super::eventstats::{agg_exprs, join_aggs, parse_aggs_and_by};
use super::stats::{is_wildcard, Agg, AggSpec, Wild, WildAccs};
use super::support::fields::{join_fields, FieldRef};
use super::support::stats_support::{
    bool_value, expr_value, extract, feed, key_text, option_key, parse_timespan, uint_value,
};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::eval::{self, Compiled};
use crate::functions::stats::Accumulator;
use crate::functions::FnCtx;
use crate::spl::ast::{Command, CommandKind, Opt, Span};
use crate::spl::expr::Expr;
use crate::spl::lex::{self, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "streamstats",
    aliases: &[],
    parse,
    syntax: "streamstats [current=<bool>] [window=<N>] [time_window=<span>] [global=<bool>] \
             [reset_on_change=<bool>] [reset_before=\"(<eval>)\"] [reset_after=\"(<eval>)\"] \
             <fn>(<field>) [AS <name>]… [BY <field>…]",
    plan: super::planner::<StreamstatsCmd>,
};

const OPTIONS: &[&str] = &[
    "current",
    "window",
    "time_window",
    "global",
    "allnum",
    "reset_on_change",
];

#[derive(Debug, serde::Serialize)]
pub struct ResetExpr {
    /// `reset_before` or `reset_after`, as written.
    pub key: String,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Debug)]
pub struct StreamstatsCmd {
    pub options: Vec<Opt>,
    pub reset_before: Option<ResetExpr>,
    pub reset_after: Option<ResetExpr>,
    pub aggs: Vec<Agg>,
    pub by: Vec<FieldRef>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut reset_before = None;
    let mut reset_after = None;
    let (rest, (options, aggs, by)) =
        parse_aggs_and_by(src, i, "streamstats", OPTIONS, &[], |src, r| {
            let Some(key) = option_key(r) else {
                return Ok((r, false));
            };
            let lkey = key.to_ascii_lowercase();
            if lkey != "reset_before" && lkey != "reset_after" {
                return Ok((r, false));
            }
            let start = ws(r);
            let (after_key, _) = lex::ident(start)?;
            let after_eq = ws(after_key).strip_prefix('=').unwrap_or(after_key);
            let glued = glued_word(ws(after_eq)).and_then(|(rest, text)| {
                let quoted = lex::quote(&text);
                match expr_value(&Src::new(&quoted), &quoted) {
                    Ok((r, e)) if ws(r).is_empty() => Some((rest, e)),
                    _ => None,
                }
            });
            let (rest, expr) = match glued {
                Some(found) => found,
                None => expr_value(src, after_eq)?,
            };
            let slot = if lkey == "reset_before" {
                &mut reset_before
            } else {
                &mut reset_after
            };
            if slot.is_some() {
                return Err(nom::Err::Failure(PErr::spanning(
                    src.span(start, rest),
                    format!("{key} is given twice"),
                )));
            }
            *slot = Some(ResetExpr {
                key: key.to_string(),
                expr,
                span: src.span(start, rest),
            });
            Ok((rest, true))
        })?;
    for o in &options {
        match o.key.to_ascii_lowercase().as_str() {
            "window" => {
                uint_value(o)?;
            }
            "time_window" => {
                parse_timespan(&o.value).map_err(|m| {
                    nom::Err::Failure(PErr::spanning(o.span, format!("time_window: {m}")))
                })?;
            }
            _ => {
                bool_value(o)?;
            }
        }
    }
    Ok((
        rest,
        Box::new(StreamstatsCmd {
            options,
            reset_before,
            reset_after,
            aggs,
            by,
        }),
    ))
}

/// The page's escaped form `reset_after="("match(test,\"yes\")")"`: quoted
/// and bare pieces glued into one word (`\"` a quote), here the text
/// `(match(test,"yes"))`. None unless the value opens with a quoted `"("`.
fn glued_word(i: &str) -> Option<(&str, String)> {
    if !i.starts_with("\"(\"") {
        return None;
    }
    let mut out = String::new();
    // `quoted`: inside a "…" piece; `literal`: inside a \"…\" string of a
    // bare piece (its spaces belong to the word).
    let (mut quoted, mut literal) = (false, false);
    let mut chars = i.char_indices();
    while let Some((k, c)) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' => {
                let (_, n) = chars.next()?;
                if n == '"' && !quoted {
                    literal = !literal;
                }
                if n != '"' && n != '\\' {
                    out.push('\\');
                }
                out.push(n);
            }
            c if !quoted && !literal && (c.is_whitespace() || c == '|' || c == ']') => {
                return Some((&i[k..], out));
            }
            c => out.push(c),
        }
    }
    if quoted || literal {
        None
    } else {
        Some((&i[i.len()..], out))
    }
}

impl fmt::Display for StreamstatsCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("streamstats")?;
        for o in &self.options {
            write!(f, " {o}")?;
        }
        for r in [&self.reset_before, &self.reset_after]
            .into_iter()
            .flatten()
        {
            let text = format!("({})", r.expr);
            write!(f, " {}={}", r.key, lex::quote(&text))?;
        }
        write!(f, " {}", join_aggs(&self.aggs))?;
        if !self.by.is_empty() {
            write!(f, " BY {}", join_fields(&self.by))?;
        }
        Ok(())
    }
}

impl Command for StreamstatsCmd {
    fn name(&self) -> &'static str {
        "streamstats"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "options": self.options,
            "reset_before": self.reset_before,
            "reset_after": self.reset_after,
            "aggregations": self.aggs,
            "by": self.by,
        })
    }
    fn exprs(&self) -> Vec<&Expr> {
        let mut out = agg_exprs(&self.aggs);
        for r in [&self.reset_before, &self.reset_after]
            .into_iter()
            .flatten()
        {
            out.push(&r.expr);
        }
        out
    }
    fn writes(&self) -> Vec<String> {
        self.aggs.iter().map(|a| a.output_name()).collect()
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        if self.reset_before.is_some() || self.reset_after.is_some() {
            return crate::spl::fields::Flow::Any;
        }
        let mut v: Vec<String> = self.by.iter().map(|f| f.name.clone()).collect();
        super::stats::agg_time(&self.aggs, &mut v);
        if !super::stats::agg_fields(&self.aggs, &mut v) {
            return crate::spl::fields::Flow::Any;
        }
        crate::spl::fields::Flow::reads(v)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for StreamstatsCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        // A wildcard field name (the page's `streamstats global=f sum(*) as
        // accu_total_*`) aggregates every field it matches, as in stats.
        let (wild, fixed): (Vec<&Agg>, Vec<&Agg>) = self.aggs.iter().partition(|a| is_wildcard(a));
        let mut op = StreamstatsOp {
            spec: AggSpec::plan_refs(&fixed, ctx)?,
            wild: Wild::plan(&wild)?,
            by: self.by.iter().map(|f| f.name.clone()).collect(),
            current: true,
            window: 0,
            time_window: None,
            global: true,
            reset_on_change: false,
            reset_before: None,
            reset_after: None,
            ctx: ctx.fn_ctx.clone(),
            groups: HashMap::new(),
            recent: VecDeque::new(),
            group_recent: HashMap::new(),
            last_key: None,
        };
        for o in &self.options {
            let bad = || SplError::plan(format!("bad value for {}", o.key)).at(o.span);
            match o.key.to_ascii_lowercase().as_str() {
                "current" => op.current = o.as_bool().ok_or_else(bad)?,
                "global" => op.global = o.as_bool().ok_or_else(bad)?,
                "reset_on_change" => op.reset_on_change = o.as_bool().ok_or_else(bad)?,
                "window" => op.window = o.value.trim().parse().map_err(|_| bad())?,
                "time_window" => {
                    let s = parse_timespan(&o.value).map_err(|m| SplError::plan(m).at(o.span))?;
                    op.time_window = Some(s.approx_secs());
                }
                _ => {}
            }
        }
        op.reset_before = match &self.reset_before {
            Some(r) => Some(eval::compile(&r.expr, &ctx.fn_ctx)?),
            None => None,
        };
        op.reset_after = match &self.reset_after {
            Some(r) => Some(eval::compile(&r.expr, &ctx.fn_ctx)?),
            None => None,
        };
        Ok(Box::new(op))
    }
}

/// A group's running accumulators: the named aggregations', the wildcard ones'.
type GroupAccs = (Vec<Box<dyn Accumulator>>, WildAccs);

/// What one event contributed, kept for windows.
struct Entry {
    key: Vec<String>,
    time: Option<f64>,
    vals: Vec<Vec<Value>>,
    /// The values the wildcard aggregations took (see [`Wild::matched`]).
    wild_vals: Vec<(usize, String, Vec<Value>)>,
}

struct StreamstatsOp {
    spec: AggSpec,
    wild: Vec<Wild>,
    by: Vec<String>,
    current: bool,
    window: usize,
    time_window: Option<f64>,
    global: bool,
    reset_on_change: bool,
    reset_before: Option<Compiled>,
    reset_after: Option<Compiled>,
    ctx: FnCtx,
    /// Running accumulators per group (no window), with the wildcard
    /// aggregations' own.
    groups: HashMap<Vec<String>, GroupAccs>,
    /// The most recent events (global window).
    recent: VecDeque<Entry>,
    /// The most recent events per group (`global=false`).
    group_recent: HashMap<Vec<String>, VecDeque<Entry>>,
    last_key: Option<Vec<String>>,
}

impl StreamstatsOp {
    fn reset(&mut self) {
        self.groups.clear();
        self.recent.clear();
        self.group_recent.clear();
    }

    fn windowed(&self) -> bool {
        self.window > 0 || self.time_window.is_some()
    }

    /// Drops entries that fall out of the window before adding one at `time`.
    fn trim(q: &mut VecDeque<Entry>, window: usize, time_window: Option<f64>, time: Option<f64>) {
        if let (Some(tw), Some(t)) = (time_window, time) {
            while q
                .front()
                .is_some_and(|e| e.time.is_some_and(|et| (et - t).abs() >= tw))
            {
                q.pop_front();
            }
        }
        if window > 0 {
            while q.len() > window {
                q.pop_front();
            }
        }
    }

    fn results_from(&self, entries: &mut dyn Iterator<Item = &Entry>) -> Vec<(String, Value)> {
        let mut accs = self.spec.new_accumulators();
        let mut wild = WildAccs::new();
        for e in entries {
            feed(&mut accs, &e.vals, e.time);
            Wild::feed(&self.wild, &mut wild, &e.wild_vals, e.time);
        }
        named(&self.spec, &self.wild, &accs, &wild)
    }
}

/// The aggregations' results, named: the fixed ones, then the wildcard ones.
fn named(
    spec: &AggSpec,
    wild: &[Wild],
    accs: &[Box<dyn Accumulator>],
    waccs: &WildAccs,
) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = spec
        .items
        .iter()
        .zip(accs)
        .map(|((_, name, _), a)| (name.clone(), a.result()))
        .collect();
    out.extend(Wild::results(wild, waccs, |_| false));
    out
}

impl Operator for StreamstatsOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if let Some(c) = &self.reset_before {
            if eval::eval(c, &ev, &self.ctx)?.truthy_bool() {
                self.reset();
            }
        }
        let keys = super::stats::group_keys(&ev, &self.by);
        let Some(key) = keys.into_iter().next() else {
            // Lacks a group-by field: passes through unchanged.
            return out(ev);
        };
        let key = key_text(&key);
        if self.reset_on_change {
            if let Some(last) = &self.last_key {
                if *last != key {
                    self.reset();
                }
            }
            self.last_key = Some(key.clone());
        }
        let vals = extract(&self.spec, &ev, &self.ctx)?;
        let wild_vals = if self.wild.is_empty() {
            Vec::new()
        } else {
            Wild::matched(&self.wild, &self.by, &ev)
        };
        let time = ev.time();
        let results: Vec<(String, Value)> = if !self.windowed() {
            if !self.groups.contains_key(&key) {
                crate::base::budget::GROUPS.check(self.groups.len() + 1, "streamstats")?;
            }
            let (spec, wild) = (&self.spec, &self.wild);
            let (accs, waccs) = self
                .groups
                .entry(key.clone())
                .or_insert_with(|| (spec.new_accumulators(), WildAccs::new()));
            if self.current {
                feed(accs, &vals, time);
                Wild::feed(wild, waccs, &wild_vals, time);
                named(spec, wild, accs, waccs)
            } else {
                let r = named(spec, wild, accs, waccs);
                feed(accs, &vals, time);
                Wild::feed(wild, waccs, &wild_vals, time);
                r
            }
        } else {
            let entry = Entry {
                key: key.clone(),
                time,
                vals,
                wild_vals,
            };
            let (window, tw) = (self.window, self.time_window);
            // With current=false the window is the N events before this one.
            if !self.global && !self.group_recent.contains_key(&key) {
                // Each group keeps its own window: groups count as stats groups do.
                crate::base::budget::GROUPS.check(self.group_recent.len() + 1, "streamstats")?;
            }
            let mut q = if self.global {
                std::mem::take(&mut self.recent)
            } else {
                self.group_recent.remove(&key).unwrap_or_default()
            };
            crate::base::budget::ROWS.check(q.len() + 1, "streamstats")?;
            let r = if self.current {
                q.push_back(entry);
                Self::trim(&mut q, window, tw, time);
                self.results_from(&mut q.iter().filter(|e| e.key == key))
            } else {
                Self::trim(&mut q, window, tw, time);
                let r = self.results_from(&mut q.iter().filter(|e| e.key == key));
                q.push_back(entry);
                Self::trim(&mut q, window, None, None);
                r
            };
            if self.global {
                self.recent = q;
            } else {
                self.group_recent.insert(key.clone(), q);
            }
            r
        };
        for (name, v) in results {
            ev.set(name, v);
        }
        if let Some(c) = &self.reset_after {
            if eval::eval(c, &ev, &self.ctx)?.truthy_bool() {
                self.reset();
            }
        }
        out(ev)
    }
}
