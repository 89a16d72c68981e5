//! `stats [options] <agg>[(<field> | eval(<expr>))] [AS <name>]… [BY <field-list>]`.
//! Rows come out sorted by the group-by values; events that lack a group-by
//! field are left out; a multivalue group-by field puts the event in one
//! group per value.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;

use super::support::fields::{
    at_keyword, field_ref, join_fields, wildcard_captures, wildcard_fill, FieldRef,
};
use super::support::stats_over::Over;
use super::support::stats_spark::{parse_spark, per_unit_refused, SparkText};
pub use super::support::stats_support::group_keys;
use super::support::stats_support::TimeSpan;
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::{sort_cmp, Value};
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::eval::{self, Compiled};
use crate::functions::stats::{self, Accumulator};
use crate::functions::FnCtx;
use crate::spl::ast::{Command, CommandKind, Opt, Span};
use crate::spl::expr::{parse_expr, Expr};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "stats",
    aliases: &[],
    parse,
    syntax: "stats <fn>(<field>) [AS <name>]… [BY <field>…]",
    plan: super::planner::<StatsCmd>,
};

const OPTIONS: &[&str] = &["allnum", "delim", "partitions", "dedup_splitvals"];

#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "type")]
pub enum AggArg {
    Field(FieldRef),
    Eval {
        expr: Expr,
    },
    /// `eval(<expression over aggregations>)` in place of a function, for
    /// `chart` and `timechart` (`eval(avg(size)/max(delay)) AS ratio`); the
    /// aggregation's `func` is `eval`.
    Over {
        expr: Expr,
    },
    /// `sparkline(<func>[(<field>)][, <span>])` (the aggregation's `func` is
    /// `sparkline`): the function per time bucket of the span (default one
    /// hour). A bare `sparkline` has no argument.
    Spark {
        func: String,
        field: Option<FieldRef>,
        bucket: Option<TimeSpan>,
    },
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Agg {
    /// The function name as written (`count`, `c`, `p95`).
    pub func: String,
    pub arg: Option<AggArg>,
    pub alias: Option<FieldRef>,
    pub span: Span,
}

/// Adds the fields the aggregations read; false when an `eval(…)` argument
/// may read any field.
/// Adds `_time` when an aggregation reads the events' time (`earliest`,
/// `latest_time`, `rate`, …), so that a search reading only some fields
/// still reads it.
pub(crate) fn agg_time(aggs: &[Agg], out: &mut Vec<String>) {
    if aggs.iter().any(Agg::reads_time) {
        out.push("_time".into());
    }
}

pub(crate) fn agg_fields(aggs: &[Agg], out: &mut Vec<String>) -> bool {
    for a in aggs {
        match &a.arg {
            Some(AggArg::Field(f)) | Some(AggArg::Spark { field: Some(f), .. }) => {
                out.push(f.name.clone())
            }
            Some(AggArg::Eval { expr } | AggArg::Over { expr })
                if !crate::spl::fields::expr_fields(expr, out) =>
            {
                return false;
            }
            Some(AggArg::Eval { .. } | AggArg::Over { .. } | AggArg::Spark { .. }) | None => {}
        }
    }
    true
}

impl Agg {
    /// The output column name: the alias, or `func(field)`.
    pub fn output_name(&self) -> String {
        if let Some(a) = &self.alias {
            return a.name.clone();
        }
        match &self.arg {
            None => self.func.clone(),
            Some(AggArg::Field(f)) => stats::default_name(&self.func, Some(&f.name)),
            Some(AggArg::Eval { expr }) => format!("{}(eval({expr}))", self.func),
            Some(AggArg::Over { expr }) => format!("eval({expr})"),
            Some(spark @ AggArg::Spark { .. }) => format!("{}({})", self.func, SparkText(spark)),
        }
    }

    /// Whether the result depends on the order events arrive in (`first`,
    /// `list`, … or an eval over one of them).
    pub fn order_sensitive(&self) -> bool {
        let sensitive = |f: &str| stats::lookup(f).is_some_and(|(fun, _)| fun.order_sensitive);
        match &self.arg {
            Some(AggArg::Over { expr }) => {
                let mut found = false;
                expr.walk(&mut |e| {
                    if let Expr::Call { name, .. } = e {
                        found |= sensitive(name);
                    }
                });
                found
            }
            _ => sensitive(&self.func),
        }
    }

    /// Whether it reads the events' `_time` (`earliest`, `rate`, …, or an
    /// eval over one of them).
    pub fn reads_time(&self) -> bool {
        match &self.arg {
            Some(AggArg::Over { expr }) => {
                let mut found = false;
                expr.walk(&mut |e| {
                    if let Expr::Call { name, .. } = e {
                        found |= stats::lookup(name).is_some() && stats::reads_time(name);
                    }
                });
                found
            }
            _ => stats::reads_time(&self.func),
        }
    }
}

impl fmt::Display for Agg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.arg {
            None => f.write_str(&self.func)?,
            Some(AggArg::Field(x)) => write!(f, "{}({x})", self.func)?,
            Some(AggArg::Eval { expr }) => write!(f, "{}(eval({expr}))", self.func)?,
            Some(AggArg::Over { expr }) => write!(f, "eval({expr})")?,
            Some(spark @ AggArg::Spark { .. }) => write!(f, "{}({})", self.func, SparkText(spark))?,
        }
        if let Some(a) = &self.alias {
            write!(f, " AS {a}")?;
        }
        Ok(())
    }
}

/// Parses `fn(arg) [as name]`, separated by spaces or commas, until BY or the end.
pub fn parse_aggs<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Vec<Agg>> {
    let mut aggs = Vec::new();
    let mut rest = ws(i);
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) || at_keyword(rest, &["by"]).is_some() {
            break;
        }
        let (r, agg) = parse_agg(src, rest)?;
        aggs.push(agg);
        rest = ws(r);
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        }
    }
    Ok((rest, aggs))
}

/// Parses one aggregation, `fn[(field | eval(expr))] [AS name]` (the input
/// starts at the function name).
pub fn parse_agg<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Agg> {
    let rest = ws(i);
    let start = rest;
    let (r, name) = cut(lex::ident(rest))?;
    // A fractional percentile, `perc99.95(x)`, `p99.9(x)` (Search Reference,
    // perc: "floating point numbers between 0 and 100, such as 99.95").
    let (r, name) = match r.strip_prefix('.') {
        Some(after)
            if after.starts_with(|c: char| c.is_ascii_digit())
                && name.ends_with(|c: char| c.is_ascii_digit())
                && rest.starts_with(name) =>
        {
            let digits = after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len());
            (&after[digits..], &rest[..name.len() + 1 + digits])
        }
        _ => (r, name),
    };
    // Search Reference, chart and timechart: an aggregation may be
    // `eval(<eval-expression>)` over stats functions, renamed with AS.
    if name.eq_ignore_ascii_case("eval") && r.starts_with('(') {
        let over = src.with_agg(lex::AggMode::Over);
        let (after, expr) = cut(parse_expr(&over, &r[1..]))?;
        let (after, _) = cut(lex::expect_char(after, ')'))?;
        let (after, alias) = match at_keyword(after, &["as"]) {
            Some(a) => {
                let (a, alias) = cut(field_ref(src, a))?;
                (a, Some(alias))
            }
            None => (after, None),
        };
        return Ok((
            after,
            Agg {
                func: "eval".to_string(),
                arg: Some(AggArg::Over { expr }),
                alias,
                span: src.span(start, after),
            },
        ));
    }
    if stats::lookup(name).is_none() {
        return Err(nom::Err::Failure(PErr::spanning(
            src.span(rest, r),
            format!("unknown stats function '{name}'"),
        )));
    }
    let mut r = r;
    let arg = if let Some(inner) = r
        .strip_prefix('(')
        .filter(|_| name.eq_ignore_ascii_case("sparkline"))
    {
        let (after, arg) = parse_spark(src, inner)?;
        r = after;
        Some(arg)
    } else if let Some(inner) = r.strip_prefix('(') {
        let inner = ws(inner);
        let (after, arg) = if let Some(e) = lex::keyword(inner, "eval") {
            let e = ws(e);
            let Some(e) = e.strip_prefix('(') else {
                return cut(fail(e, "expected '(' after eval"));
            };
            let (after, expr) = cut(parse_expr(src, e))?;
            let (after, _) = cut(lex::expect_char(after, ')'))?;
            (after, AggArg::Eval { expr })
        } else {
            let (after, f) = cut(field_ref(src, inner))?;
            (after, AggArg::Field(f))
        };
        let (after, _) = cut(lex::expect_char(after, ')'))?;
        r = after;
        Some(arg)
    } else {
        let (fun, _) = stats::lookup(name).expect("checked above");
        if !fun.arg_optional {
            return cut(fail(r, format!("{name}() needs a field: {name}(<field>)")));
        }
        None
    };
    let (r, alias) = match at_keyword(r, &["as"]) {
        Some(after) => {
            let (r, a) = cut(field_ref(src, after))?;
            (r, Some(a))
        }
        None => (r, None),
    };
    Ok((
        r,
        Agg {
            func: name.to_string(),
            arg,
            alias,
            span: src.span(start, r),
        },
    ))
}

/// Reads stats' options (`allnum=`, `delim=`, …) at `i` into `options`,
/// returning the input after them.
fn stats_options<'a>(src: &Src<'a>, i: &'a str, options: &mut Vec<Opt>) -> &'a str {
    let mut rest = ws(i);
    while let Some((r, o)) = lex::option(rest, src) {
        if !is_stats_option(&o) {
            break;
        }
        options.push(o);
        rest = ws(r);
    }
    rest
}

fn is_stats_option(o: &Opt) -> bool {
    OPTIONS.contains(&o.key.to_ascii_lowercase().as_str())
}

/// Parses an optional `BY field-list`, up to the end of the command or one
/// of stats' options (`dedup_splitvals=true`).
pub fn parse_by<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Vec<FieldRef>> {
    let Some(after) = at_keyword(i, &["by"]) else {
        return Ok((i, Vec::new()));
    };
    let mut fields = Vec::new();
    let mut rest = ws(after);
    while !lex::at_command_end(rest) {
        if lex::option(rest, src).is_some_and(|(_, o)| is_stats_option(&o)) {
            break;
        }
        let (r, f) = cut(field_ref(src, rest))?;
        // Search Reference, stats, Usage "Wildcards in BY clauses": "you
        // cannot specify | stats count BY source*".
        if f.name.contains('*') {
            return cut(fail(
                rest,
                "stats does not support wildcards in BY fields: name each field",
            ));
        }
        fields.push(f);
        rest = ws(r);
        // Commas separate fields; Splunk tolerates repeated ones (`a, , b`).
        while let Some(r) = rest.strip_prefix(',') {
            rest = ws(r);
        }
    }
    if fields.is_empty() {
        return cut(fail(rest, "expected field names after BY"));
    }
    Ok((rest, fields))
}

#[derive(Debug)]
pub struct StatsCmd {
    pub options: Vec<Opt>,
    pub aggs: Vec<Agg>,
    pub by: Vec<FieldRef>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut options = Vec::new();
    let rest = stats_options(src, i, &mut options);
    let (rest, aggs) = parse_aggs(src, rest)?;
    if aggs.is_empty() {
        return cut(fail(rest, "stats needs at least one function, e.g. count"));
    }
    let (rest, by) = parse_by(src, rest)?;
    // Options may also follow the BY clause (Search Reference, stats, basic
    // example 5: `stats avg(field) BY mvfield dedup_splitvals=true`).
    let rest = stats_options(src, rest, &mut options);
    Ok((rest, Box::new(StatsCmd { options, aggs, by })))
}

impl fmt::Display for StatsCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("stats")?;
        for o in &self.options {
            write!(f, " {o}")?;
        }
        let aggs: Vec<String> = self.aggs.iter().map(|a| a.to_string()).collect();
        write!(f, " {}", aggs.join(", "))?;
        if !self.by.is_empty() {
            write!(f, " BY {}", join_fields(&self.by))?;
        }
        Ok(())
    }
}

impl Command for StatsCmd {
    fn name(&self) -> &'static str {
        "stats"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Transforming
    }
    fn needs_time_order(&self) -> bool {
        self.aggs.iter().any(Agg::order_sensitive)
    }
    fn columns(&self, _before: Option<Vec<String>>) -> Option<Vec<String>> {
        if self.aggs.iter().any(is_wildcard) {
            return None;
        }
        let mut cols: Vec<String> = self.by.iter().map(|f| f.name.clone()).collect();
        for a in &self.aggs {
            let name = a.output_name();
            if !cols.contains(&name) {
                cols.push(name);
            }
        }
        Some(cols)
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "aggregations": self.aggs, "by": self.by })
    }
    fn exprs(&self) -> Vec<&Expr> {
        self.aggs
            .iter()
            .filter_map(|a| match &a.arg {
                Some(AggArg::Eval { expr }) => Some(expr),
                _ => None,
            })
            .collect()
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        let mut v: Vec<String> = self.by.iter().map(|f| f.name.clone()).collect();
        agg_time(&self.aggs, &mut v);
        if !agg_fields(&self.aggs, &mut v) {
            return crate::spl::fields::Flow::Any;
        }
        crate::spl::fields::Flow::replaces(v)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for StatsCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let mut op = self.stats_op(ctx)?;
        // A shard of a split search (`run --partial`): keep the groups' states.
        op.partial = ctx.partial_stats.clone();
        Ok(Box::new(op))
    }
}

impl StatsCmd {
    /// The operator, concrete (the merge side of a split search fills its groups).
    pub(crate) fn stats_op(&self, ctx: &PlanCtx) -> Result<StatsOp> {
        // Search Reference, stats, Example "…of any unique field that ends
        // with the string "lay"": `avg(*lay)` aggregates every field the
        // pattern matches, one column each (`values(*) AS *`).
        let (wild, fixed): (Vec<&Agg>, Vec<&Agg>) = self.aggs.iter().partition(|a| is_wildcard(a));
        let wild = Wild::plan(&wild)?;
        let mut op = StatsOp::new(
            AggSpec::plan_refs(&fixed, ctx)?,
            self.by.iter().map(|f| f.name.clone()).collect(),
            ctx.fn_ctx.clone(),
        );
        op.wild = wild;
        // Search Reference, stats: "allnum: If true, computes numerical
        // statistics on each field if and only if all of the values of that
        // field are numerical."
        op.allnum = self
            .options
            .iter()
            .any(|o| o.key.eq_ignore_ascii_case("allnum") && o.as_bool() == Some(true));
        // "dedup_splitvals: Specifies whether to remove duplicate values in
        // multivalued BY clause fields."
        op.dedup_splitvals = self
            .options
            .iter()
            .any(|o| o.key.eq_ignore_ascii_case("dedup_splitvals") && o.as_bool() == Some(true));
        Ok(op)
    }
}

/// What an aggregation reads from each event.
pub enum Input {
    /// `count` without a field: every event counts once.
    Event,
    Field(String),
    /// `count(eval(x))`: the expression's value; a true boolean counts, false/null do not.
    Eval(Compiled),
    /// `eval(<expression over aggregations>)` (chart, timechart).
    Over(Box<Over>),
}

/// The planned aggregations of a stats-like command.
pub struct AggSpec {
    pub items: Vec<(String, String, Input)>,
    /// Per item, a sparkline's function and bucket width in seconds.
    spark: Vec<Option<(String, f64)>>,
    /// Some function depends on event order (`first`, `last`, `list`): events
    /// arrive in search order, and each value's arrival key is its event's
    /// search time (see [`Accumulator::add_ordered`]).
    pub ordered: bool,
}

/// Whether an aggregation names its field with a `*` wildcard (`avg(*lay)`).
pub(crate) fn is_wildcard(a: &Agg) -> bool {
    matches!(&a.arg, Some(AggArg::Field(f)) if f.name.contains('*'))
}

impl AggSpec {
    /// Plans the aggregations; a wildcard field name is for `stats`,
    /// `eventstats` and `streamstats` only (they expand it themselves) and an
    /// error here, and an eval over aggregations is for `chart` and
    /// `timechart` ([`AggSpec::plan_series`]).
    pub fn plan(aggs: &[Agg], ctx: &PlanCtx) -> Result<AggSpec> {
        Self::plan_wild_refused(aggs, ctx, false, false)
    }

    /// [`AggSpec::plan`] for `chart` and `timechart`, which also take
    /// `eval(<expression over aggregations>)`.
    pub fn plan_series(aggs: &[Agg], ctx: &PlanCtx) -> Result<AggSpec> {
        Self::plan_wild_refused(aggs, ctx, true, false)
    }

    /// [`AggSpec::plan_series`] for `timechart`, which also takes
    /// `per_second`, `per_minute`, `per_hour` and `per_day` (its table sets
    /// their bucket widths).
    pub fn plan_timechart(aggs: &[Agg], ctx: &PlanCtx) -> Result<AggSpec> {
        Self::plan_wild_refused(aggs, ctx, true, true)
    }

    fn plan_wild_refused(
        aggs: &[Agg],
        ctx: &PlanCtx,
        over: bool,
        per_unit: bool,
    ) -> Result<AggSpec> {
        let refs: Vec<&Agg> = aggs.iter().collect();
        if let Some(a) = refs.iter().find(|a| is_wildcard(a)) {
            return Err(SplError::plan(format!(
                "a wildcard field name in {}(…) is supported by stats, eventstats and streamstats only",
                a.func
            ))
            .at(a.span));
        }
        Self::plan_aggs(&refs, ctx, over, per_unit)
    }

    pub(crate) fn plan_refs(aggs: &[&Agg], ctx: &PlanCtx) -> Result<AggSpec> {
        Self::plan_aggs(aggs, ctx, false, false)
    }

    fn plan_aggs(aggs: &[&Agg], ctx: &PlanCtx, over: bool, per_unit: bool) -> Result<AggSpec> {
        let mut items = Vec::new();
        let mut spark = Vec::new();
        for a in aggs {
            if let Some(AggArg::Over { expr }) = &a.arg {
                if !over {
                    return Err(SplError::plan(
                        "an eval expression over aggregations, eval(…), is supported by chart \
                         and timechart only",
                    )
                    .at(a.span));
                }
                let input = Input::Over(Box::new(Over::plan(expr, ctx, per_unit)?));
                items.push((a.func.clone(), a.output_name(), input));
                spark.push(None);
                continue;
            }
            if !per_unit && stats::per_unit(&a.func) {
                return Err(per_unit_refused(&a.func).at(a.span));
            }
            if stats::make(&a.func).is_none() {
                return Err(
                    SplError::plan(format!("unknown stats function '{}'", a.func)).at(a.span),
                );
            }
            let input = match &a.arg {
                None => Input::Event,
                Some(AggArg::Field(f)) => Input::Field(f.name.clone()),
                Some(AggArg::Spark { field, .. }) => match field {
                    Some(f) if f.name.contains('*') => {
                        return Err(SplError::plan(
                            "a wildcard field name in sparkline(…) is not supported",
                        )
                        .at(a.span))
                    }
                    Some(f) => Input::Field(f.name.clone()),
                    None => Input::Event,
                },
                Some(AggArg::Eval { expr }) => Input::Eval(eval::compile(expr, &ctx.fn_ctx)?),
                Some(AggArg::Over { .. }) => unreachable!("handled above"),
            };
            items.push((a.func.clone(), a.output_name(), input));
            spark.push(match &a.arg {
                Some(AggArg::Spark { func, bucket, .. }) => Some((
                    func.clone(),
                    bucket
                        .as_ref()
                        .and_then(TimeSpan::fixed_secs)
                        .unwrap_or(stats::SPARKLINE_SPAN),
                )),
                _ => None,
            });
        }
        let ordered = aggs.iter().any(|a| a.order_sensitive());
        Ok(AggSpec {
            items,
            spark,
            ordered,
        })
    }

    pub fn new_accumulators(&self) -> Vec<Box<dyn Accumulator>> {
        self.items
            .iter()
            .zip(&self.spark)
            .map(|((f, _, input), spark)| match (input, spark) {
                (_, Some((func, span))) => {
                    Box::new(stats::Sparkline::new(func, *span)) as Box<dyn Accumulator>
                }
                (Input::Over(o), _) => o.accumulator(),
                _ => stats::make(f).expect("checked at plan time"),
            })
            .collect()
    }

    /// Feeds one event into a group's accumulators.
    pub fn add(&self, accs: &mut [Box<dyn Accumulator>], ev: &Event, ctx: &FnCtx) -> Result<()> {
        let t = ev.time();
        let a = self.arrival(ev);
        for ((_, _, input), acc) in self.items.iter().zip(accs.iter_mut()) {
            match input {
                Input::Over(o) => {
                    for (i, input) in o.inputs().enumerate() {
                        feed_input(input, ev, ctx, |x| acc.add_inner(i, x, t, a))?;
                    }
                }
                _ => feed_input(input, ev, ctx, |x| acc.add_ordered(x, t, a))?,
            }
        }
        Ok(())
    }
}

/// Hands `add` the values one event gives an aggregation's input.
pub(crate) fn feed_input(
    input: &Input,
    ev: &Event,
    ctx: &FnCtx,
    mut add: impl FnMut(&Value),
) -> Result<()> {
    match input {
        Input::Event => add(&Value::Bool(true)),
        Input::Field(name) => {
            if let Some(v) = ev.get(name) {
                for x in v.values() {
                    add(x);
                }
            }
        }
        Input::Eval(c) => match eval::eval(c, ev, ctx)? {
            Value::Bool(true) => add(&Value::Bool(true)),
            Value::Bool(false) | Value::Null => {}
            v => {
                for x in v.values() {
                    add(x);
                }
            }
        },
        Input::Over(_) => unreachable!("an eval over aggregations is fed per aggregation"),
    }
    Ok(())
}

impl AggSpec {
    /// An event's arrival key: its search order time when events arrive in
    /// search order (newest first; no time sorts last), else 0 (input order).
    pub fn arrival(&self, ev: &Event) -> f64 {
        if !self.ordered {
            0.0
        } else if ev.orig_time.is_nan() {
            f64::NEG_INFINITY
        } else {
            ev.orig_time
        }
    }
}

struct Group {
    key: Vec<Value>,
    /// The arrival key of the event that made the group (its key values).
    arrival: f64,
    accs: Vec<Box<dyn Accumulator>>,
    /// The wildcard aggregations' accumulators, by (aggregation, field).
    wild: WildAccs,
}

/// A `func(<pattern>) [AS <name>]` aggregation whose field has `*`s: one
/// accumulator per matching field, named `func(field)` or the alias with the
/// `*`s filled in. Internal `_` fields match only a pattern starting with
/// `_`, and the BY fields are not aggregated.
pub(crate) struct Wild {
    func: String,
    pattern: String,
    alias: Option<String>,
}

/// The accumulators of a group's wildcard aggregations, by (aggregation,
/// field).
pub(crate) type WildAccs = std::collections::BTreeMap<(usize, String), Box<dyn Accumulator>>;

impl Wild {
    /// The wildcard aggregations of `aggs` (those [`is_wildcard`] picks).
    pub(crate) fn plan(aggs: &[&Agg]) -> Result<Vec<Wild>> {
        let mut out = Vec::new();
        for a in aggs {
            if stats::per_unit(&a.func) {
                return Err(per_unit_refused(&a.func).at(a.span));
            }
            let Some(AggArg::Field(f)) = &a.arg else {
                continue;
            };
            out.push(Wild {
                func: a.func.clone(),
                pattern: f.name.clone(),
                alias: a.alias.as_ref().map(|f| f.name.clone()),
            });
        }
        Ok(out)
    }

    /// Whether the aggregation takes field `name`: a match of the pattern,
    /// not a BY field, and internal only for a pattern starting with `_`.
    fn takes(&self, name: &str, by: &[String]) -> bool {
        (self.pattern.starts_with('_') || !name.starts_with('_'))
            && !by.iter().any(|b| b == name)
            && wildcard_captures(&self.pattern, name).is_some()
    }

    /// The output name for `field`: `func(field)`, or the alias with the
    /// pattern's captures filled in.
    fn name_for(&self, field: &str) -> String {
        match &self.alias {
            Some(a) => match wildcard_captures(&self.pattern, field) {
                Some(caps) => wildcard_fill(a, &caps),
                None => a.clone(),
            },
            None => stats::default_name(&self.func, Some(field)),
        }
    }

    /// Feeds the fields of `ev` the wildcard aggregations take into `accs`;
    /// `non_numeric` hears of each field of a numerical statistic with a
    /// value that is not a number (for `allnum`).
    pub(crate) fn add_all(
        wild: &[Wild],
        by: &[String],
        accs: &mut WildAccs,
        ev: &Event,
        mut non_numeric: impl FnMut(&str),
    ) {
        let t = ev.time();
        for (i, w) in wild.iter().enumerate() {
            for (name, v) in ev.iter() {
                if !w.takes(name, by) {
                    continue;
                }
                if numerical_fn(&w.func) && v.values().iter().any(|x| x.as_num().is_none()) {
                    non_numeric(name);
                }
                let acc = accs
                    .entry((i, name.to_string()))
                    .or_insert_with(|| stats::make(&w.func).expect("checked at parse time"));
                for x in v.values() {
                    acc.add(x, t);
                }
            }
        }
    }

    /// The values of the fields of `ev` the wildcard aggregations take, by
    /// aggregation (kept by streamstats for its windows).
    pub(crate) fn matched(
        wild: &[Wild],
        by: &[String],
        ev: &Event,
    ) -> Vec<(usize, String, Vec<Value>)> {
        let mut out = Vec::new();
        for (i, w) in wild.iter().enumerate() {
            for (name, v) in ev.iter() {
                if w.takes(name, by) {
                    out.push((i, name.to_string(), v.values().to_vec()));
                }
            }
        }
        out
    }

    /// Feeds values [`Wild::matched`] found into `accs`.
    pub(crate) fn feed(
        wild: &[Wild],
        accs: &mut WildAccs,
        matched: &[(usize, String, Vec<Value>)],
        t: Option<f64>,
    ) {
        for (i, name, vals) in matched {
            let acc = accs
                .entry((*i, name.clone()))
                .or_insert_with(|| stats::make(&wild[*i].func).expect("checked at parse time"));
            for x in vals {
                acc.add(x, t);
            }
        }
    }

    /// The results of `accs`, named, leaving out the numerical statistics
    /// of the fields `skip` names (`allnum`).
    pub(crate) fn results(
        wild: &[Wild],
        accs: &WildAccs,
        skip: impl Fn(&str) -> bool,
    ) -> Vec<(String, Value)> {
        accs.iter()
            .filter_map(|((i, field), acc)| {
                let w = &wild[*i];
                if numerical_fn(&w.func) && skip(field) {
                    return None;
                }
                Some((w.name_for(field), acc.result()))
            })
            .collect()
    }
}

/// What a stats operator of a shard leaves (`run --partial`): each group's
/// key, arrival key and accumulator states, sorted by key, and with
/// `allnum`, the fields seen with a value that is not a number.
#[derive(Default)]
pub struct StatsPartial {
    pub groups: Vec<(Vec<Value>, f64, Vec<serde_json::Value>)>,
    pub non_numeric: Vec<String>,
    /// Whether the stats hands values their search order (see [`AggSpec::ordered`]).
    pub ordered: bool,
}

/// Where a shard's stats operator leaves its [`StatsPartial`].
pub type PartialSlot = std::sync::Arc<std::sync::Mutex<Option<StatsPartial>>>;

pub(crate) struct StatsOp {
    spec: AggSpec,
    by: Vec<String>,
    /// Groups by their key text (see [`key_text`]).
    groups: HashMap<String, Group, foldhash::fast::RandomState>,
    /// The key text of the current event, reused between events.
    scratch: String,
    ctx: FnCtx,
    /// `allnum=true`: numerical statistics of a field that has a value that
    /// is not a number are null.
    pub(crate) allnum: bool,
    /// `dedup_splitvals=true`: an event whose multivalue BY field repeats a
    /// value joins that value's group once.
    pub(crate) dedup_splitvals: bool,
    /// With `allnum`, the fields seen with a value that is not a number.
    non_numeric: std::collections::HashSet<String>,
    /// Aggregations over wildcard field names.
    pub(crate) wild: Vec<Wild>,
    /// A shard of a split search: `finish` leaves the states here and emits nothing.
    pub(crate) partial: Option<PartialSlot>,
}

/// Whether a stats function is a numerical statistic (for `allnum`): every
/// function but the counting, listing and first/last ones.
fn numerical_fn(func: &str) -> bool {
    !matches!(
        func.to_ascii_lowercase().as_str(),
        "count"
            | "c"
            | "dc"
            | "distinct_count"
            | "estdc"
            | "estdc_error"
            | "values"
            | "list"
            | "first"
            | "last"
            | "earliest"
            | "latest"
            | "earliest_time"
            | "latest_time"
            | "mode"
    )
}

/// Appends one group-by value to a group's key text: length-prefixed, so
/// values holding any separator cannot run together.
fn key_text(buf: &mut String, v: &Value) {
    use std::fmt::Write;
    match v {
        Value::Multi(_) => {
            let t = v.to_display("\n");
            let _ = write!(buf, "{}:{t}", t.len());
        }
        _ => {
            let t = v.as_text().unwrap_or_default();
            let _ = write!(buf, "{}:", t.len());
            buf.push_str(&t);
        }
    }
}

impl StatsOp {
    /// A stats operator over planned aggregations (tstats aggregates with it).
    pub(crate) fn new(spec: AggSpec, by: Vec<String>, ctx: FnCtx) -> StatsOp {
        StatsOp {
            spec,
            by,
            groups: HashMap::default(),
            scratch: String::new(),
            ctx,
            allnum: false,
            dedup_splitvals: false,
            non_numeric: Default::default(),
            wild: Vec::new(),
            partial: None,
        }
    }

    /// Feeds one event into a group's wildcard aggregations.
    fn add_wild(
        wild: &[Wild],
        by: &[String],
        allnum: bool,
        non_numeric: &mut std::collections::HashSet<String>,
        g: &mut Group,
        ev: &Event,
    ) {
        Wild::add_all(wild, by, &mut g.wild, ev, |name| {
            if allnum {
                non_numeric.insert(name.to_string());
            }
        });
    }

    /// Merges one group of a shard's partial (shards merged in their input
    /// order): its key, the arrival key of the event that made it, and one
    /// state per aggregation.
    pub(crate) fn merge_group(
        &mut self,
        key: Vec<Value>,
        arrival: f64,
        states: &[serde_json::Value],
    ) -> Result<()> {
        if key.len() != self.by.len() || states.len() != self.spec.items.len() {
            return Err(SplError::input(format!(
                "a group has {} key value(s) and {} state(s); this stats has {} BY field(s) and {} aggregation(s)",
                key.len(),
                states.len(),
                self.by.len(),
                self.spec.items.len()
            )));
        }
        self.scratch.clear();
        for v in &key {
            key_text(&mut self.scratch, v);
        }
        let g = match self.groups.get_mut(self.scratch.as_str()) {
            Some(g) => {
                // The group's key values are the first event's: a later
                // shard's event came first only when strictly newer.
                if arrival > g.arrival {
                    g.key = key;
                    g.arrival = arrival;
                }
                g
            }
            None => {
                crate::base::budget::GROUPS.check(self.groups.len() + 1, "stats")?;
                let accs = self.spec.new_accumulators();
                self.groups.entry(self.scratch.clone()).or_insert(Group {
                    key,
                    arrival,
                    accs,
                    wild: Default::default(),
                })
            }
        };
        for ((acc, state), (func, name, _)) in g.accs.iter_mut().zip(states).zip(&self.spec.items) {
            acc.merge(state).map_err(|e| {
                SplError::input(format!("the state of {name} ({func}) does not read: {e}"))
            })?;
        }
        Ok(())
    }

    /// Merges a shard's `allnum` record: fields seen with a value that is not a number.
    pub(crate) fn merge_non_numeric(&mut self, names: impl IntoIterator<Item = String>) {
        self.non_numeric.extend(names);
    }

    /// Whether this stats hands values their search order.
    pub(crate) fn ordered(&self) -> bool {
        self.spec.ordered
    }
}

impl Operator for StatsOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        if self.allnum {
            for (func, _, input) in &self.spec.items {
                if let Input::Field(name) = input {
                    if numerical_fn(func)
                        && !self.non_numeric.contains(name)
                        && ev
                            .get(name)
                            .is_some_and(|v| v.values().iter().any(|x| x.as_num().is_none()))
                    {
                        self.non_numeric.insert(name.clone());
                    }
                }
            }
        }
        // Most events have one value per group-by field: find the group
        // without building the key values.
        self.scratch.clear();
        let mut single = true;
        for f in &self.by {
            match ev.get(f) {
                None => return Ok(()),
                Some(Value::Multi(_)) => {
                    single = false;
                    break;
                }
                Some(v) => key_text(&mut self.scratch, v),
            }
        }
        if single {
            let g = match self.groups.get_mut(self.scratch.as_str()) {
                Some(g) => g,
                None => {
                    crate::base::budget::GROUPS.check(self.groups.len() + 1, "stats")?;
                    let key = self.by.iter().filter_map(|f| ev.get(f).cloned()).collect();
                    let accs = self.spec.new_accumulators();
                    let arrival = self.spec.arrival(&ev);
                    self.groups.entry(self.scratch.clone()).or_insert(Group {
                        key,
                        arrival,
                        accs,
                        wild: Default::default(),
                    })
                }
            };
            if !self.wild.is_empty() {
                let nn = &mut self.non_numeric;
                Self::add_wild(&self.wild, &self.by, self.allnum, nn, g, &ev);
            }
            return self.spec.add(&mut g.accs, &ev, &self.ctx);
        }
        let mut seen: Vec<String> = Vec::new();
        for key in group_keys(&ev, &self.by) {
            self.scratch.clear();
            for v in &key {
                key_text(&mut self.scratch, v);
            }
            if self.dedup_splitvals {
                if seen.contains(&self.scratch) {
                    continue;
                }
                seen.push(self.scratch.clone());
            }
            if !self.groups.contains_key(self.scratch.as_str()) {
                crate::base::budget::GROUPS.check(self.groups.len() + 1, "stats")?;
            }
            let spec = &self.spec;
            let g = self
                .groups
                .entry(self.scratch.clone())
                .or_insert_with(|| Group {
                    key,
                    arrival: spec.arrival(&ev),
                    accs: spec.new_accumulators(),
                    wild: Default::default(),
                });
            if !self.wild.is_empty() {
                let nn = &mut self.non_numeric;
                Self::add_wild(&self.wild, &self.by, self.allnum, nn, g, &ev);
            }
            self.spec.add(&mut g.accs, &ev, &self.ctx)?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        if let Some(slot) = self.partial.clone() {
            let mut non_numeric: Vec<String> = self.non_numeric.iter().cloned().collect();
            non_numeric.sort();
            let groups = self
                .sorted_groups()
                .into_iter()
                .map(|g| (g.key, g.arrival, g.accs.iter().map(|a| a.state()).collect()))
                .collect();
            *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(StatsPartial {
                groups,
                non_numeric,
                ordered: self.spec.ordered,
            });
            return Ok(());
        }
        if self.groups.is_empty() && self.by.is_empty() {
            // `stats count` over nothing is one row with count=0.
            self.groups.insert(
                String::new(),
                Group {
                    key: Vec::new(),
                    arrival: 0.0,
                    accs: self.spec.new_accumulators(),
                    wild: Default::default(),
                },
            );
        }
        for (n, g) in self.sorted_groups().into_iter().enumerate() {
            let mut row = Event::with_capacity(self.by.len() + self.spec.items.len());
            row.seq = n as u64;
            for (f, v) in self.by.iter().zip(g.key) {
                row.set(f.clone(), v);
            }
            for ((func, name, input), acc) in self.spec.items.iter().zip(&g.accs) {
                if let Input::Field(f) = input {
                    if self.allnum && numerical_fn(func) && self.non_numeric.contains(f) {
                        continue;
                    }
                }
                row.set(name.clone(), acc.result());
            }
            let skip = |f: &str| self.allnum && self.non_numeric.contains(f);
            for (name, v) in Wild::results(&self.wild, &g.wild, skip) {
                row.set(name, v);
            }
            out(row)?;
        }
        Ok(())
    }
}

impl StatsOp {
    /// The groups, taken, sorted by their key values.
    fn sorted_groups(&mut self) -> Vec<Group> {
        let mut groups: Vec<Group> = std::mem::take(&mut self.groups).into_values().collect();
        groups.sort_by(|a, b| {
            for (x, y) in a.key.iter().zip(&b.key) {
                let o = sort_cmp(x, y);
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
            }
            // Keys equal as numbers ("1", "1.0") keep a fixed order.
            let text =
                |g: &Group| -> Vec<String> { g.key.iter().map(|v| v.to_display("\n")).collect() };
            text(a).cmp(&text(b))
        });
        groups
    }
}
