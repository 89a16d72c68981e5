//! `eventstats [allnum=<bool>] <agg>… [BY <field-list>]`: computes the
//! aggregations as `stats` does, then adds them to every event of the group,
//! keeping the events and their order. Events lacking a group-by field get
//! nothing added. A wildcard field name (`avg(*)`, `avg(*) AS mean_*`)
//! aggregates every field it matches, as in `stats`. Buffers all events.

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::fmt;

use super::stats::{is_wildcard, parse_agg, Agg, AggArg, AggSpec, Wild, WildAccs};
use super::support::fields::{at_keyword, join_fields, FieldRef};
use super::support::stats_support::{by_fields, extract, key_text, known_option};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::functions::stats::{self, Accumulator};
use crate::functions::FnCtx;
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::expr::Expr;
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "eventstats",
    aliases: &[],
    parse,
    syntax: "eventstats [allnum=<bool>] <fn>(<field>) [AS <name>]… [BY <field>…]",
    plan: super::planner::<EventstatsCmd>,
};

const OPTIONS: &[&str] = &["allnum"];

#[derive(Debug)]
pub struct EventstatsCmd {
    pub options: Vec<Opt>,
    pub aggs: Vec<Agg>,
    pub by: Vec<FieldRef>,
}

/// Options, aggregations and a `BY` clause, options allowed anywhere
/// (`eventstats`, `streamstats`, `timechart` share this shape); the BY
/// fields end at a keyword of `by_stop` (timechart's `WHERE`), which
/// `special` then reads.
pub(crate) fn parse_aggs_and_by<'a>(
    src: &Src<'a>,
    i: &'a str,
    command: &str,
    options: &[&str],
    by_stop: &[&str],
    mut special: impl FnMut(&Src<'a>, &'a str) -> PResult<'a, bool>,
) -> PResult<'a, (Vec<Opt>, Vec<Agg>, Vec<FieldRef>)> {
    let mut opts = Vec::new();
    let mut aggs = Vec::new();
    let mut by = Vec::new();
    let mut rest = ws(i);
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        let (r, took) = special(src, rest)?;
        if took {
            rest = r;
            continue;
        }
        if let Some((r, o)) = known_option(src, rest, options, command)? {
            opts.push(o);
            rest = r;
            continue;
        }
        if let Some(after) = at_keyword(rest, &["by"]) {
            if !by.is_empty() {
                return cut(fail(rest, "only one BY clause is allowed"));
            }
            let (r, fields) = by_fields(src, after, by_stop)?;
            if fields.is_empty() {
                return cut(fail(r, "expected field names after BY"));
            }
            by = fields;
            rest = r;
            continue;
        }
        if !by.is_empty() {
            return cut(fail(
                rest,
                format!("unexpected input after the {command} BY clause"),
            ));
        }
        let (r, a) = parse_agg(src, rest)?;
        aggs.push(a);
        rest = ws(r);
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        }
    }
    if aggs.is_empty() {
        return cut(fail(
            rest,
            format!("{command} needs at least one function, e.g. count"),
        ));
    }
    Ok((rest, (opts, aggs, by)))
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, (options, aggs, by)) =
        parse_aggs_and_by(src, i, "eventstats", OPTIONS, &[], |_, r| Ok((r, false)))?;
    for o in &options {
        super::support::stats_support::bool_value(o)?;
    }
    Ok((rest, Box::new(EventstatsCmd { options, aggs, by })))
}

/// Prints aggregations separated by commas.
pub(crate) fn join_aggs(aggs: &[Agg]) -> String {
    aggs.iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The eval expressions inside aggregations.
pub(crate) fn agg_exprs(aggs: &[Agg]) -> Vec<&Expr> {
    aggs.iter()
        .filter_map(|a| match &a.arg {
            Some(AggArg::Eval { expr }) => Some(expr),
            _ => None,
        })
        .collect()
}

/// True when an aggregation's result depends on arrival order.
pub(crate) fn aggs_order_sensitive(aggs: &[Agg]) -> bool {
    aggs.iter().any(Agg::order_sensitive)
}

impl fmt::Display for EventstatsCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("eventstats")?;
        for o in &self.options {
            write!(f, " {o}")?;
        }
        write!(f, " {}", join_aggs(&self.aggs))?;
        if !self.by.is_empty() {
            write!(f, " BY {}", join_fields(&self.by))?;
        }
        Ok(())
    }
}

impl Command for EventstatsCmd {
    fn name(&self) -> &'static str {
        "eventstats"
    }
    fn kind(&self) -> CommandKind {
        // Keeps every event in its place; only the added fields need all of them.
        CommandKind::Streaming
    }
    fn needs_time_order(&self) -> bool {
        aggs_order_sensitive(&self.aggs)
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "aggregations": self.aggs, "by": self.by })
    }
    fn exprs(&self) -> Vec<&Expr> {
        agg_exprs(&self.aggs)
    }
    fn writes(&self) -> Vec<String> {
        self.aggs.iter().map(|a| a.output_name()).collect()
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
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

impl ToOperator for EventstatsCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let allnum = self
            .options
            .iter()
            .any(|o| o.key.eq_ignore_ascii_case("allnum") && o.as_bool() == Some(true));
        // A wildcard field name (`eventstats avg(*)`, the page's explicit
        // wildcard) aggregates every field it matches, as in stats.
        let (wild, fixed): (Vec<&Agg>, Vec<&Agg>) = self.aggs.iter().partition(|a| is_wildcard(a));
        Ok(Box::new(EventstatsOp {
            spec: AggSpec::plan_refs(&fixed, ctx)?,
            wild: Wild::plan(&wild)?,
            by: self.by.iter().map(|f| f.name.clone()).collect(),
            allnum,
            buf: Vec::new(),
            groups: HashMap::new(),
            ctx: ctx.fn_ctx.clone(),
        }))
    }
}

struct Group {
    accs: Vec<Box<dyn Accumulator>>,
    /// Per aggregation: a value that is not a number was seen (for `allnum`).
    non_numeric: Vec<bool>,
    /// The wildcard aggregations' accumulators, and the fields they saw a
    /// value that is not a number in.
    wild: WildAccs,
    wild_non_numeric: HashSet<String>,
}

struct EventstatsOp {
    spec: AggSpec,
    wild: Vec<Wild>,
    by: Vec<String>,
    allnum: bool,
    /// Each event with the group it takes its results from.
    buf: Vec<(Event, Option<Vec<String>>)>,
    groups: HashMap<Vec<String>, Group>,
    ctx: FnCtx,
}

impl Operator for EventstatsOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        let keys = super::stats::group_keys(&ev, &self.by);
        let mut first = None;
        if !keys.is_empty() {
            let vals = extract(&self.spec, &ev, &self.ctx)?;
            let t = ev.time();
            for key in keys {
                let k = key_text(&key);
                if !self.groups.contains_key(&k) {
                    crate::base::budget::GROUPS.check(self.groups.len() + 1, "eventstats")?;
                }
                let spec = &self.spec;
                let g = self.groups.entry(k.clone()).or_insert_with(|| Group {
                    accs: spec.new_accumulators(),
                    non_numeric: vec![false; spec.items.len()],
                    wild: WildAccs::new(),
                    wild_non_numeric: HashSet::new(),
                });
                if !self.wild.is_empty() {
                    let nn = &mut g.wild_non_numeric;
                    Wild::add_all(&self.wild, &self.by, &mut g.wild, &ev, |f| {
                        nn.insert(f.to_string());
                    });
                }
                for (n, (acc, vs)) in g.accs.iter_mut().zip(&vals).enumerate() {
                    for v in vs {
                        if v.as_num().is_none() && !matches!(v, Value::Bool(_)) {
                            g.non_numeric[n] = true;
                        }
                        acc.add(v, t);
                    }
                }
                if first.is_none() {
                    first = Some(k);
                }
            }
        }
        crate::base::budget::ROWS.check(self.buf.len() + 1, "eventstats")?;
        self.buf.push((ev, first));
        Ok(())
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        // Results once per group, then copied onto each event.
        let mut results: HashMap<Vec<String>, Vec<(String, Value)>> = HashMap::new();
        for (k, g) in &self.groups {
            let mut vals: Vec<(String, Value)> = self
                .spec
                .items
                .iter()
                .zip(&g.accs)
                .zip(&g.non_numeric)
                .map(|(((func, name, _), acc), non_num)| {
                    let v = if self.allnum && *non_num && numeric_function(func) {
                        Value::Null
                    } else {
                        acc.result()
                    };
                    (name.clone(), v)
                })
                .collect();
            let skip = |f: &str| self.allnum && g.wild_non_numeric.contains(f);
            vals.extend(Wild::results(&self.wild, &g.wild, skip));
            results.insert(k.clone(), vals);
        }
        for (mut ev, key) in std::mem::take(&mut self.buf) {
            if let Some(vals) = key.as_ref().and_then(|k| results.get(k)) {
                for (name, v) in vals {
                    ev.set(name.clone(), v.clone());
                }
            }
            out(ev)?;
        }
        Ok(())
    }
}

/// Functions `allnum=true` applies to: those computed over numbers.
fn numeric_function(func: &str) -> bool {
    let f = func.to_ascii_lowercase();
    matches!(
        f.as_str(),
        "sum" | "avg" | "mean" | "stdev" | "stdevp" | "var" | "varp" | "sumsq" | "range" | "median"
    ) || stats::lookup(&f).is_some_and(|(s, _)| s.name == "perc")
}
