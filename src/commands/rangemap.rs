//! `rangemap field=<field> [<attribute_name>=<num>-<num>]... [default=<string>]`:
//! sets `range` in each result to the names of the ranges (bounds included)
//! that hold the field's number, in the order the ranges are written; several
//! matching ranges make a multivalue. A result whose value is in no range,
//! is not a number or is missing gets `default` (default `None`) (Search
//! Reference, rangemap).

use std::any::Any;
use std::fmt;

use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::{parse_number, Value};
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "rangemap",
    aliases: &[],
    parse,
    syntax: "rangemap field=<field> [<attribute_name>=<num>-<num>]... [default=<string>]",
    plan: super::planner::<RangemapCmd>,
};

/// The value of a result outside every range when `default` is not given.
pub const DEFAULT: &str = "None";

#[derive(Debug, serde::Serialize)]
pub struct Range {
    pub name: String,
    pub low: f64,
    pub high: f64,
    pub opt: Opt,
}

#[derive(Debug)]
pub struct RangemapCmd {
    pub field: Opt,
    pub ranges: Vec<Range>,
    pub default: Option<Opt>,
}

/// `<num>-<num>`, either number may be negative (`-5--1`).
fn range_bounds(v: &str) -> Option<(f64, f64)> {
    let v = v.trim();
    let start = usize::from(v.starts_with('-'));
    let dash = v[start..].find('-')? + start;
    let low = parse_number(&v[..dash])?;
    let high = parse_number(&v[dash + 1..])?;
    Some((low, high))
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut field = None;
    let mut default = None;
    let mut ranges = Vec::new();
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        let Some((r, o)) = lex::option(rest, src) else {
            return cut(fail(
                rest,
                "rangemap takes field=<field>, <name>=<num>-<num> ranges and default=<string>",
            ));
        };
        match o.key.to_ascii_lowercase().as_str() {
            "field" => field = Some(o),
            "default" => default = Some(o),
            _ => {
                let Some((low, high)) = range_bounds(&o.value) else {
                    return Err(nom::Err::Failure(
                        PErr::spanning(
                            o.span,
                            format!("rangemap's range {} must be <num>-<num>", o.key),
                        )
                        .with_help("for example low=0-10 or Dislike=-5--1"),
                    ));
                };
                if low > high {
                    return Err(nom::Err::Failure(PErr::spanning(
                        o.span,
                        format!(
                            "rangemap's range {}: the first number must not be above the second",
                            o.key
                        ),
                    )));
                }
                ranges.push(Range {
                    name: o.key.clone(),
                    low,
                    high,
                    opt: o,
                });
            }
        }
        rest = r;
    }
    let Some(field) = field else {
        return cut(fail(rest, "rangemap needs field=<field>"));
    };
    Ok((
        rest,
        Box::new(RangemapCmd {
            field,
            ranges,
            default,
        }),
    ))
}

impl fmt::Display for RangemapCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rangemap {}", self.field)?;
        for r in &self.ranges {
            write!(f, " {}", r.opt)?;
        }
        if let Some(d) = &self.default {
            write!(f, " {d}")?;
        }
        Ok(())
    }
}

impl Command for RangemapCmd {
    fn name(&self) -> &'static str {
        "rangemap"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "field": self.field, "ranges": self.ranges, "default": self.default })
    }
    fn writes(&self) -> Vec<String> {
        vec!["range".to_string()]
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::Reads(vec![self.field.value.clone()])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for RangemapCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(RangemapOp {
            field: self.field.value.clone(),
            ranges: self
                .ranges
                .iter()
                .map(|r| (Value::str(r.name.clone()), r.low, r.high))
                .collect(),
            default: Value::str(
                self.default
                    .as_ref()
                    .map_or(DEFAULT.to_string(), |d| d.value.clone()),
            ),
        }))
    }
}

struct RangemapOp {
    field: String,
    ranges: Vec<(Value, f64, f64)>,
    default: Value,
}

impl Operator for RangemapOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let mut hits: Vec<Value> = Vec::new();
        if let Some(n) = ev.get(&self.field).and_then(Value::as_num) {
            for (name, low, high) in &self.ranges {
                if *low <= n && n <= *high {
                    hits.push(name.clone());
                }
            }
        }
        let v = match hits.len() {
            0 => self.default.clone(),
            1 => hits.pop().unwrap_or(Value::Null),
            _ => Value::multi(hits),
        };
        ev.set_named("range", v);
        out(ev)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn range_bounds_read_negative_and_decimal_numbers() {
        assert_eq!(super::range_bounds("-5--1"), Some((-5.0, -1.0)));
        assert_eq!(super::range_bounds("0-0"), Some((0.0, 0.0)));
        assert_eq!(super::range_bounds("3.9-4.3"), Some((3.9, 4.3)));
        assert_eq!(super::range_bounds("4"), None);
        assert_eq!(super::range_bounds("a-b"), None);
    }
}
