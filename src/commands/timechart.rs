//! `timechart [span=<span> | bins=<N>] [limit=…] [useother=…] [usenull=…]
//! [cont=<bool>] … <agg>… [BY <split-by-field>]`: one row per time bucket
//! (`_time` = the bucket start), one column per aggregation or, with a
//! split-by field, per series (see [`super::chart`] for series limits,
//! `OTHER` and `NULL`).
//!
//! Buckets are aligned to the span in the time zone of the run: seconds,
//! minutes and hours on the clock, days and weeks at local midnight (weeks
//! counted from the epoch, as Splunk's `span=1w`), months, quarters and years
//! on the first of the month. With `cont=true` (the default) every bucket
//! from the first to the last one with events is output, empty ones with 0
//! for `count`/`dc` and no value for other functions. Without `span`, the
//! span is the smallest of 1s, 5s, 10s, 30s, 1m, 5m, 10m, 30m, 1h, 1d, 1mon
//! that gives at most `bins` (default 100) buckets over the events' time range
//! and is at least `minspan=`. `aligntime=<time>` (`@d+5h`, an epoch, or
//! `earliest`/`latest` of `--earliest`/`--latest`) starts buckets at that
//! time plus whole spans, except for spans in days or longer (ignored, as
//! the page says). With `fixedrange=true` (the default) the buckets cover
//! the search's time range (`--earliest`/`--latest`) and an automatic span
//! is chosen over it; `partial=false` drops a first or last bucket that
//! range cuts; `start=`/`end=` (epochs) are the extents instead, and events
//! outside them are discarded.
//!
//! After the split-by field, `WHERE <agg> (in|notin) (top|bottom)<N>` or
//! `WHERE <agg> (<|>) <num>` chooses the series
//! ([`super::support::series_where`]). A series column whose name starts
//! with `_` is named `VALUE_…` (the page: "Prepending VALUE to the names of
//! some fields that begin with underscore").

use std::any::Any;
use std::fmt;

use super::chart::{check_series_option, SeriesOpts, SeriesTable, SERIES_OPTIONS};
use super::eventstats::{agg_exprs, aggs_order_sensitive, join_aggs, parse_aggs_and_by};
use super::stats::{Agg, AggSpec};
use super::support::fields::{at_keyword, FieldRef};
use super::support::series_where::{self, SeriesWhere};
use super::support::stats_support::{parse_timespan, uint_value, TimeSpan};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::expr::Expr;
use crate::spl::lex::{cut, fail, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "timechart",
    aliases: &[],
    parse,
    syntax: "timechart [span=<span>] [bins=<N>] [minspan=<span>] [aligntime=<time>] [fixedrange=<bool>] [partial=<bool>] [start=<epoch>] [end=<epoch>] [limit=<N>] [useother=<bool>] [usenull=<bool>] \
             [cont=<bool>] <fn>(<field>) [AS <name>]… [BY <field> [WHERE <agg> (in|notin) (top|bottom)<N> | WHERE <agg> (<|>) <num>]]",
    plan: super::planner::<TimechartCmd>,
};

const OWN_OPTIONS: &[&str] = &[
    "span",
    "bins",
    "minspan",
    "partial",
    "fixedrange",
    "aligntime",
    "start",
    "end",
    "dedup_splitvals",
];

/// Splunk refuses a span that would make more rows than this (chart's
/// `cont=true` fill keeps to it too).
pub(crate) const MAX_ROWS: usize = 50_000;

/// Spans tried, smallest first, when none is given.
const AUTO_SPANS: &[&str] = &[
    "1s", "5s", "10s", "30s", "1m", "5m", "10m", "30m", "1h", "1d", "1mon",
];

#[derive(Debug)]
pub struct TimechartCmd {
    pub options: Vec<Opt>,
    pub span: Option<TimeSpan>,
    pub aggs: Vec<Agg>,
    pub by: Option<FieldRef>,
    /// The split-by field's `WHERE <agg> in top5` / `WHERE <agg> > 100`.
    pub where_: Option<SeriesWhere>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let allowed: Vec<&str> = SERIES_OPTIONS.iter().chain(OWN_OPTIONS).copied().collect();
    let mut where_: Option<SeriesWhere> = None;
    let (rest, (options, aggs, by)) = parse_aggs_and_by(
        src,
        i,
        "timechart",
        &allowed,
        &["where"],
        |src, r| match at_keyword(r, &["where"]) {
            Some(after) if where_.is_none() => {
                let (r, w) = series_where::parse(src, r, after)?;
                where_ = Some(w);
                Ok((r, true))
            }
            Some(_) => cut(fail(r, "only one WHERE clause is allowed")),
            None => Ok((r, false)),
        },
    )?;
    let mut span = None;
    for o in &options {
        check_series_option(o)?;
        match o.key.to_ascii_lowercase().as_str() {
            "span" => {
                span = Some(parse_timespan(&o.value).map_err(|m| {
                    nom::Err::Failure(PErr::spanning(o.span, format!("span: {m}")))
                })?);
            }
            "bins" => {
                uint_value(o)?;
            }
            "minspan" => {
                parse_timespan(&o.value).map_err(|m| {
                    nom::Err::Failure(PErr::spanning(o.span, format!("minspan: {m}")))
                })?;
            }
            _ => {}
        }
    }
    if by.len() > 1 {
        return Err(nom::Err::Failure(PErr::spanning(
            by[1].span,
            "timechart takes one split-by field",
        )));
    }
    if aggs.is_empty() {
        return cut(fail(rest, "timechart needs a function, e.g. count"));
    }
    if let (Some(w), true) = (&where_, by.is_empty()) {
        return Err(nom::Err::Failure(PErr::spanning(
            w.span,
            "a WHERE clause chooses series, so it needs a split-by field (BY <field>)",
        )));
    }
    Ok((
        rest,
        Box::new(TimechartCmd {
            options,
            span,
            aggs,
            by: by.into_iter().next(),
            where_,
        }),
    ))
}

impl fmt::Display for TimechartCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("timechart")?;
        for o in &self.options {
            write!(f, " {o}")?;
        }
        write!(f, " {}", join_aggs(&self.aggs))?;
        if let Some(b) = &self.by {
            write!(f, " BY {b}")?;
        }
        if let Some(w) = &self.where_ {
            write!(f, " {w}")?;
        }
        Ok(())
    }
}

impl Command for TimechartCmd {
    fn name(&self) -> &'static str {
        "timechart"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Transforming
    }
    fn needs_time_order(&self) -> bool {
        aggs_order_sensitive(&self.aggs)
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "options": self.options, "bucket": self.span, "aggregations": self.aggs, "by": self.by,
            "where": self.where_,
        })
    }
    fn exprs(&self) -> Vec<&Expr> {
        agg_exprs(&self.aggs)
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        let mut v: Vec<String> = self.by.iter().map(|f| f.name.clone()).collect();
        v.push("_time".into());
        let rank: Vec<Agg> = super::chart::rank_agg(&self.options)
            .into_iter()
            .chain(self.where_.iter().map(|w| w.agg.clone()))
            .collect();
        if !super::stats::agg_fields(&self.aggs, &mut v) || !super::stats::agg_fields(&rank, &mut v)
        {
            return crate::spl::fields::Flow::Any;
        }
        crate::spl::fields::Flow::replaces(v)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for TimechartCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let mut cont = true;
        let mut bins = 100u64;
        let mut minspan = None;
        let mut align = None;
        let (mut fixedrange, mut partial) = (true, true);
        let (mut start, mut end) = (None, None);
        for o in &self.options {
            match o.key.to_ascii_lowercase().as_str() {
                "cont" => cont = o.as_bool().unwrap_or(true),
                "bins" => bins = o.value.trim().parse().unwrap_or(100).max(1),
                "minspan" => {
                    minspan = Some(
                        parse_timespan(&o.value)
                            .map_err(|m| SplError::plan(format!("minspan: {m}")).at(o.span))?,
                    )
                }
                "aligntime" => align = Some(super::bin::aligntime_value(o, ctx)?),
                "fixedrange" => fixedrange = bool_option(o)?,
                "partial" => partial = bool_option(o)?,
                "start" => start = Some(num_option(o)?),
                "end" => end = Some(num_option(o)?),
                _ => {}
            }
        }
        // `start=`/`end=` are the extents (data outside is discarded); else
        // the search's time range unless `fixedrange=false`.
        let extent = if start.is_some() || end.is_some() {
            Extent {
                lo: start,
                hi: end,
                discard: true,
            }
        } else if fixedrange {
            Extent {
                lo: ctx.time_range.0,
                hi: ctx.time_range.1,
                discard: false,
            }
        } else {
            Extent::default()
        };
        Ok(Box::new(TimechartOp {
            table: SeriesTable::new(
                AggSpec::plan_timechart(&self.aggs, ctx)?,
                SeriesOpts {
                    value_prefix: true,
                    ..SeriesOpts::from_options(&self.options, ctx)?
                        .with_where(self.where_.as_ref(), ctx)?
                },
                ctx.fn_ctx.clone(),
            ),
            span: self.span.clone(),
            bins,
            minspan,
            align,
            cont,
            extent,
            partial,
            by: self.by.as_ref().map(|f| f.name.clone()),
            events: Vec::new(),
        }))
    }
}

fn bool_option(o: &Opt) -> Result<bool> {
    o.as_bool().ok_or_else(|| {
        SplError::plan(format!("timechart {}= takes true or false", o.key)).at(o.span)
    })
}

fn num_option(o: &Opt) -> Result<f64> {
    crate::base::value::parse_number(o.value.trim()).ok_or_else(|| {
        SplError::plan(format!(
            "timechart {}= takes a number (an epoch time)",
            o.key
        ))
        .at(o.span)
    })
}

/// The time extent the buckets cover: the search's time range
/// (`--earliest`/`--latest`, latest excluded) or `start=`/`end=` (both
/// included; events outside are discarded).
#[derive(Debug, Default, Clone, Copy)]
struct Extent {
    lo: Option<f64>,
    hi: Option<f64>,
    discard: bool,
}

impl Extent {
    fn outside(&self, t: f64) -> bool {
        self.discard && (self.lo.is_some_and(|lo| t < lo) || self.hi.is_some_and(|hi| t > hi))
    }
    /// The last instant inside the extent.
    fn last(&self) -> Option<f64> {
        let hi = self.hi?;
        Some(if self.discard { hi } else { hi - 1e-6 })
    }
}

struct TimechartOp {
    table: SeriesTable,
    span: Option<TimeSpan>,
    bins: u64,
    /// `minspan=`: the automatic span is at least this.
    minspan: Option<TimeSpan>,
    /// `aligntime=`: buckets start at this epoch plus whole spans.
    align: Option<f64>,
    cont: bool,
    extent: Extent,
    /// `partial=false`: a first or last bucket the extent cuts is dropped.
    partial: bool,
    by: Option<String>,
    /// Events held until the span is known (automatic span only).
    events: Vec<Event>,
}

impl TimechartOp {
    fn add(&mut self, ev: &Event, span: &TimeSpan) -> Result<()> {
        let Some(t) = ev.time().filter(|t| !self.extent.outside(*t)) else {
            return Ok(());
        };
        let b = self.bucket(span, t);
        self.table.add(ev, vec![Value::Num(b)], self.by.as_deref())
    }

    /// The alignment for `span`: `aligntime=` is "ignored if span is in
    /// days, months, or years".
    fn align_for(&self, span: &TimeSpan) -> Option<(f64, f64)> {
        let a = self.align?;
        if super::bin::calendar_span(&span.text) {
            return None;
        }
        span.fixed_secs().filter(|s| *s > 0.0).map(|s| (a, s))
    }

    fn bucket(&self, span: &TimeSpan, t: f64) -> f64 {
        match self.align_for(span) {
            Some((a, s)) => a + ((t - a) / s).floor() * s,
            None => span.bucket(t, self.table.ctx.tz),
        }
    }

    fn next(&self, span: &TimeSpan, t: f64) -> f64 {
        match self.align_for(span) {
            Some((_, s)) => t + s,
            None => span.next(t, self.table.ctx.tz),
        }
    }

    fn choose_span(&self) -> TimeSpan {
        let times: Vec<f64> = self.events.iter().filter_map(Event::time).collect();
        let lo = times.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = times.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        // The search's range when both ends are known, else the events'.
        let lo = self.extent.lo.unwrap_or(lo);
        let hi = self.extent.hi.unwrap_or(hi);
        let range = if lo.is_finite() && hi.is_finite() {
            (hi - lo).max(0.0)
        } else {
            0.0
        };
        let min = self.minspan.as_ref().map_or(0.0, TimeSpan::approx_secs);
        for s in AUTO_SPANS {
            let span = parse_timespan(s).expect("valid built-in span");
            if span.approx_secs() >= min && range / span.approx_secs() < self.bins as f64 {
                return span;
            }
        }
        // A minspan above every standard span is the span.
        if let Some(m) = self
            .minspan
            .as_ref()
            .filter(|m| m.approx_secs() > 30.0 * 86400.0)
        {
            return m.clone();
        }
        parse_timespan(AUTO_SPANS[AUTO_SPANS.len() - 1]).expect("valid built-in span")
    }
}

impl Operator for TimechartOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        match self.span.clone() {
            Some(span) => self.add(&ev, &span),
            None => {
                self.events.push(ev);
                Ok(())
            }
        }
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        if self.span.is_none() {
            let span = self.choose_span();
            for ev in std::mem::take(&mut self.events) {
                self.add(&ev, &span)?;
            }
            self.span = Some(span);
        }
        let span = self.span.clone().expect("set above");
        let split = self.by.is_some();
        self.table.span = Some(span.clone());
        let (cols, mut cells) = self.table.layout(split);
        let mut times: Vec<f64> = self
            .table
            .rows
            .values()
            .filter_map(|r| r.first().and_then(Value::as_num))
            .collect();
        times.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        let lo_bucket = self.extent.lo.map(|t| self.bucket(&span, t));
        let hi_bucket = self.extent.last().map(|t| self.bucket(&span, t));
        let first = lo_bucket.or(times.first().copied());
        let last = hi_bucket.or(times.last().copied());
        if let (true, Some(first), Some(last)) = (self.cont, first, last) {
            let mut all = Vec::new();
            let mut t = first;
            while t <= last {
                if all.len() >= MAX_ROWS {
                    return Err(SplError::runtime(format!(
                        "the specified span would result in too many (>{MAX_ROWS}) rows"
                    )));
                }
                all.push(t);
                t = self.next(&span, t);
            }
            times = all;
        }
        if !self.partial {
            // A bucket is partial when the extent starts after its start or
            // ends before its end.
            let cut_lo = lo_bucket.filter(|b| self.extent.lo.is_some_and(|lo| *b < lo));
            let cut_hi = hi_bucket.filter(|b| {
                self.extent
                    .hi
                    .is_some_and(|hi| self.next(&span, *b) > hi + f64::from(self.extent.discard))
            });
            times.retain(|t| Some(*t) != cut_lo && Some(*t) != cut_hi);
        }
        for (n, t) in times.into_iter().enumerate() {
            let key = super::support::stats_support::key_text(&[Value::Num(t)]);
            let mut ev = Event::with_capacity(cols.len() + 1);
            ev.seq = n as u64;
            ev.orig_time = t;
            ev.set("_time", Value::Num(t));
            let row_cells = cells
                .remove(&key)
                .unwrap_or_else(|| self.table.empty_cells(&cols, split));
            for (c, v) in row_cells {
                ev.set(c, v);
            }
            out(ev)?;
        }
        Ok(())
    }
}
