//! `concurrency duration=<field> [start=<field>] [output=<field>]` (Search
//! Reference, concurrency): for each result, how many results were in
//! progress when it started, itself included. A result Y is in progress at
//! the start of X when `Y.start <= X.start <= Y.start + Y.duration`.
//! `start` defaults to `_time`, `output` to `concurrency`; `duration` is in
//! the units of `start` (seconds for `_time`).
//!
//! A result whose start or duration is not a number (or whose duration is
//! negative) is passed on without an output value and counts for no other
//! result. Every result is held until the input ends; the results come out
//! in the order they came in.

use std::any::Any;
use std::fmt;

use super::support::fields::FieldRef;
use super::support::xutil::{self, get, opt_field};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "concurrency",
    aliases: &[],
    parse,
    syntax: "concurrency duration=<field> [start=<field>] [output=<field>]",
    plan: super::planner::<ConcurrencyCmd>,
};

const OPTIONS: &[&str] = &["duration", "start", "output"];

#[derive(Debug)]
pub struct ConcurrencyCmd {
    pub options: Vec<Opt>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, options) = xutil::only_options(
        src,
        i,
        "concurrency",
        OPTIONS,
        "concurrency takes only duration=, start= and output=",
        |o| {
            if o.value.is_empty() {
                return Err(nom::Err::Failure(PErr::spanning(
                    o.span,
                    format!("concurrency {} needs a field name", o.key),
                )));
            }
            Ok(())
        },
    )?;
    if get(&options, "duration").is_none() {
        return Err(nom::Err::Failure(
            PErr::at(rest, "concurrency needs duration=<field>").with_len(0),
        ));
    }
    Ok((rest, Box::new(ConcurrencyCmd { options })))
}

impl fmt::Display for ConcurrencyCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("concurrency")?;
        xutil::print_opts(f, &self.options)
    }
}

impl ConcurrencyCmd {
    fn field(&self, key: &str, default: &str) -> FieldRef {
        get(&self.options, key).map(opt_field).unwrap_or(FieldRef {
            name: default.to_string(),
            span: Default::default(),
        })
    }
}

impl Command for ConcurrencyCmd {
    fn name(&self) -> &'static str {
        "concurrency"
    }
    fn kind(&self) -> CommandKind {
        // It looks at every result; the results keep search order.
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options })
    }
    fn writes(&self) -> Vec<String> {
        vec![self.field("output", "concurrency").name]
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::reads([
            self.field("duration", "").name,
            self.field("start", "_time").name,
        ])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for ConcurrencyCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(ConcurrencyOp {
            duration: self.field("duration", "").name,
            start: self.field("start", "_time").name,
            output: self.field("output", "concurrency").name,
            rows: Vec::new(),
        }))
    }
}

struct ConcurrencyOp {
    duration: String,
    start: String,
    output: String,
    /// Each result with its (start, end) when both are numbers.
    rows: Vec<(Event, Option<(f64, f64)>)>,
}

impl Operator for ConcurrencyOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        crate::base::budget::ROWS.check(self.rows.len() + 1, "concurrency")?;
        let num = |k: &str| ev.get(k).and_then(Value::as_num).filter(|n| n.is_finite());
        let span = match (num(&self.start), num(&self.duration)) {
            (Some(s), Some(d)) if d >= 0.0 => Some((s, s + d)),
            _ => None,
        };
        self.rows.push((ev, span));
        Ok(())
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        let mut starts: Vec<f64> = self.rows.iter().filter_map(|r| r.1.map(|s| s.0)).collect();
        let mut ends: Vec<f64> = self.rows.iter().filter_map(|r| r.1.map(|s| s.1)).collect();
        starts.sort_by(f64::total_cmp);
        ends.sort_by(f64::total_cmp);
        for (mut ev, span) in std::mem::take(&mut self.rows) {
            if let Some((s, _)) = span {
                // Started at or before s, less those that ended before s
                // (an end before s is a start before it too).
                let started = starts.partition_point(|x| *x <= s);
                let ended = ends.partition_point(|x| *x < s);
                ev.set_named(&self.output, Value::Num((started - ended) as f64));
            }
            out(ev)?;
        }
        Ok(())
    }
}
