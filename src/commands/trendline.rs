//! `trendline (<trendtype><period>(<field>) [AS <newfield>])...`: moving
//! averages of numeric fields over the results in the order they arrive
//! (Search Reference, trendline). `sma<n>` is the mean of the last `n`
//! values, `wma<n>` their mean weighted 1 (oldest) to `n` (newest), both
//! given once `n` values were seen; `ema<n>` is the page's formula
//! `EMA(t) = alpha * EMA(t-1) + (1 - alpha) * field(t)` with
//! `alpha = 2/(n + 1)`, starting from the first value. The output field is
//! `newfield`, default `<trendtype><period>(<field>)`. Results where the
//! field is not a number get no output and do not count as a value. Each
//! trend keeps a window of its last `n` values.

use std::any::Any;
use std::collections::VecDeque;
use std::fmt;

use serde::Serialize;

use super::support::fields::{at_keyword, field_ref, FieldRef};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Span};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "trendline",
    aliases: &[],
    parse,
    syntax: "trendline (<sma|ema|wma><period>(<field>) [AS <newfield>])...",
    plan: super::planner::<TrendlineCmd>,
};

/// The period's bounds (the page: "an integer between 2 and 10000").
pub const MIN_PERIOD: u64 = 2;
pub const MAX_PERIOD: u64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TrendType {
    Sma,
    Ema,
    Wma,
}

impl TrendType {
    fn as_str(self) -> &'static str {
        match self {
            TrendType::Sma => "sma",
            TrendType::Ema => "ema",
            TrendType::Wma => "wma",
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Trend {
    pub kind: TrendType,
    pub period: u64,
    pub field: FieldRef,
    pub alias: Option<FieldRef>,
    pub span: Span,
}

impl Trend {
    fn target(&self) -> String {
        match &self.alias {
            Some(a) => a.name.clone(),
            None => format!("{}{}({})", self.kind.as_str(), self.period, self.field.name),
        }
    }
}

#[derive(Debug)]
pub struct TrendlineCmd {
    pub trends: Vec<Trend>,
}

/// `<trendtype><period>(<field>)`.
fn trend<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, (TrendType, u64, FieldRef)> {
    let letters = i
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(i.len());
    let kind = match i[..letters].to_ascii_lowercase().as_str() {
        "sma" => TrendType::Sma,
        "ema" => TrendType::Ema,
        "wma" => TrendType::Wma,
        _ => {
            let end = i
                .find(|c: char| c.is_whitespace() || c == '|')
                .unwrap_or(i.len());
            return Err(nom::Err::Failure(
                PErr::spanning(
                    src.span(i, &i[end..]),
                    "trendline expects <trendtype><period>(<field>), the trend type sma, ema or wma",
                )
                .with_help("for example sma5(foo) or ema10(bar)"),
            ));
        }
    };
    let after = &i[letters..];
    let digits = after
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after.len());
    let num = &after[..digits];
    let rest = &after[digits..];
    let period: Option<u64> = num.parse().ok();
    let Some(period) = period.filter(|p| (MIN_PERIOD..=MAX_PERIOD).contains(p)) else {
        let end = digits.max(1).min(after.len());
        return Err(nom::Err::Failure(PErr::spanning(
            src.span(after, &after[end..]),
            format!(
                "trendline's period must be a whole number between {MIN_PERIOD} and {MAX_PERIOD}"
            ),
        )));
    };
    let Some(inner) = rest.strip_prefix('(') else {
        return cut(fail(
            rest,
            "expected '(' and the field after the trend's period",
        ));
    };
    let (r, field) = cut(field_ref(src, ws(inner)))?;
    let r = ws(r);
    let Some(r) = r.strip_prefix(')') else {
        return cut(fail(r, "expected ')' after the trend's field"));
    };
    Ok((r, (kind, period, field)))
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut trends = Vec::new();
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        let start = rest;
        let (r, (kind, period, field)) = trend(src, rest)?;
        let mut alias = None;
        let mut r = r;
        if let Some(r2) = at_keyword(r, &["as"]) {
            let (r3, a) = cut(field_ref(src, r2))?;
            alias = Some(a);
            r = r3;
        }
        trends.push(Trend {
            kind,
            period,
            field,
            alias,
            span: src.span(start, r),
        });
        rest = r;
    }
    if trends.is_empty() {
        return cut(fail(
            rest,
            "trendline needs a trend: <trendtype><period>(<field>), e.g. sma5(foo)",
        ));
    }
    Ok((rest, Box::new(TrendlineCmd { trends })))
}

impl fmt::Display for TrendlineCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("trendline")?;
        for t in &self.trends {
            write!(f, " {}{}({})", t.kind.as_str(), t.period, t.field)?;
            if let Some(a) = &t.alias {
                write!(f, " AS {a}")?;
            }
        }
        Ok(())
    }
}

impl Command for TrendlineCmd {
    fn name(&self) -> &'static str {
        "trendline"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "trends": self.trends })
    }
    fn writes(&self) -> Vec<String> {
        self.trends.iter().map(Trend::target).collect()
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::reads(self.trends.iter().map(|t| t.field.name.clone()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for TrendlineCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(TrendlineOp {
            trends: self
                .trends
                .iter()
                .map(|t| State {
                    kind: t.kind,
                    period: t.period as usize,
                    field: t.field.name.clone(),
                    target: t.target(),
                    window: VecDeque::new(),
                    sum: 0.0,
                    weighted: 0.0,
                    pushes: 0,
                    ema: None,
                })
                .collect(),
        }))
    }
}

struct State {
    kind: TrendType,
    period: usize,
    field: String,
    target: String,
    /// The last `period` values, oldest first (sma, wma).
    window: VecDeque<f64>,
    /// Their sum, and their sum weighted 1 (oldest) to `period`.
    sum: f64,
    weighted: f64,
    /// Values taken so far.
    pushes: usize,
    ema: Option<f64>,
}

impl State {
    /// The trend after `x`, when there is one yet.
    fn next(&mut self, x: f64) -> Option<f64> {
        match self.kind {
            TrendType::Ema => {
                let alpha = 2.0 / (self.period as f64 + 1.0);
                let e = match self.ema {
                    Some(prev) => alpha * prev + (1.0 - alpha) * x,
                    None => x,
                };
                self.ema = Some(e);
                Some(e)
            }
            TrendType::Sma | TrendType::Wma => {
                let n = self.period;
                if self.window.len() == n {
                    // The oldest leaves; every other value's weight drops by one.
                    let oldest = self.window.pop_front().unwrap_or(0.0);
                    self.weighted += n as f64 * x - self.sum;
                    self.sum += x - oldest;
                } else {
                    self.weighted += (self.window.len() + 1) as f64 * x;
                    self.sum += x;
                }
                self.window.push_back(x);
                self.pushes += 1;
                if self.pushes.is_multiple_of(n) {
                    // Summed afresh once per window: running sums drift.
                    self.sum = self.window.iter().sum();
                    self.weighted = self
                        .window
                        .iter()
                        .enumerate()
                        .map(|(k, v)| (k as f64 + 1.0) * v)
                        .sum();
                }
                if self.window.len() < n {
                    return None;
                }
                let n = n as f64;
                Some(if self.kind == TrendType::Sma {
                    self.sum / n
                } else {
                    self.weighted / (n * (n + 1.0) / 2.0)
                })
            }
        }
    }
}

struct TrendlineOp {
    trends: Vec<State>,
}

impl Operator for TrendlineOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        for t in &mut self.trends {
            let Some(x) = ev.get(&t.field).and_then(Value::as_num) else {
                continue;
            };
            if let Some(v) = t.next(x) {
                ev.set(t.target.clone(), Value::Num(v));
            }
        }
        out(ev)
    }
}
