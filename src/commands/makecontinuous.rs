//! `makecontinuous [<field>] [span=<span>] [start=<num>] [end=<num>]
//! [bins=<int>] [minspan=<span>]`: makes the field (default `_time`)
//! continuous: each result's value is put at the start of its span, and a
//! result holding only the field is added for every span between the first
//! and last (or `start`/`end`) that no result falls in; results come out in
//! ascending order of the field (Search Reference, makecontinuous). A result
//! whose value is below `start` or above `end` is discarded, as the page's
//! bins options say.
//!
//! Runs with `span=` (a time span, bucketed in `--tz` for `_time`, or a
//! number); `bins=`/`minspan=` without `span=` (Splunk's automatic spans),
//! month and log spans parse but planning says they are not run. Results
//! whose field is not a number come last, unchanged.

use std::any::Any;
use std::fmt;

use super::bin::{time_bin, BinSpan};
use super::support::fields::FieldRef;
use super::support::xutil::{self, get};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "makecontinuous",
    aliases: &[],
    parse,
    syntax: "makecontinuous [<field>] [span=<span>] [start=<num>] [end=<num>] [bins=<int>] [minspan=<span>]",
    plan: super::planner::<MakecontinuousCmd>,
};

/// The most spans one makecontinuous fills.
pub const MAX_BUCKETS: f64 = 1_000_000.0;

#[derive(Debug)]
pub struct MakecontinuousCmd {
    pub field: Option<FieldRef>,
    pub options: Vec<Opt>,
}

fn check(o: &Opt) -> std::result::Result<(), nom::Err<PErr>> {
    let bad = |m: String| Err(nom::Err::Failure(PErr::spanning(o.span, m)));
    match o.key.to_ascii_lowercase().as_str() {
        "span" | "minspan" => match BinSpan::parse(&o.value) {
            Ok(_) => Ok(()),
            Err(e) => bad(e),
        },
        "bins" => xutil::check_uint(o).map(|_| ()),
        _ => match o.value.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(()),
            _ => bad(format!("{} must be a number", o.key)),
        },
    }
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, (options, mut fields)) = xutil::options_and_fields(
        src,
        i,
        "makecontinuous",
        &["span", "start", "end", "bins", "minspan"],
        &check,
    )?;
    if fields.len() > 1 {
        return cut(fail(lex::ws(rest), "makecontinuous takes one field"));
    }
    Ok((
        rest,
        Box::new(MakecontinuousCmd {
            field: fields.pop(),
            options,
        }),
    ))
}

impl fmt::Display for MakecontinuousCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("makecontinuous")?;
        if let Some(x) = &self.field {
            write!(f, " {x}")?;
        }
        xutil::print_opts(f, &self.options)
    }
}

impl MakecontinuousCmd {
    fn name_of(&self) -> String {
        self.field
            .as_ref()
            .map(|f| f.name.clone())
            .unwrap_or_else(|| "_time".into())
    }
}

impl Command for MakecontinuousCmd {
    fn name(&self) -> &'static str {
        "makecontinuous"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Transforming
    }
    fn columns(&self, before: Option<Vec<String>>) -> Option<Vec<String>> {
        before
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "field": self.field, "options": self.options })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for MakecontinuousCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let Some(span_opt) = get(&self.options, "span") else {
            return Err(SplError::plan(
                "makecontinuous runs with span=<span>; Splunk's automatic spans (bins=, minspan=) are not implemented",
            )
            .with_help("give the span the results were bucketed with, e.g. makecontinuous _time span=1h"));
        };
        let span =
            BinSpan::parse(&span_opt.value).map_err(|e| SplError::plan(e).at(span_opt.span))?;
        let step = match span {
            BinSpan::Secs(s) | BinSpan::Number(s) => s,
            _ => {
                return Err(SplError::plan(
                    "makecontinuous runs with second-based and numeric spans; month and log spans are not implemented",
                )
                .at(span_opt.span))
            }
        };
        let num = |k: &str| get(&self.options, k).and_then(|o| o.value.trim().parse::<f64>().ok());
        let field = self.name_of();
        Ok(Box::new(MakecontinuousOp {
            time: field == "_time" && matches!(span, BinSpan::Secs(_)),
            field,
            span,
            step,
            start: num("start"),
            end: num("end"),
            span_opt: span_opt.clone(),
            tz: ctx.fn_ctx.tz,
            rows: Vec::new(),
            other: Vec::new(),
        }))
    }
}

struct MakecontinuousOp {
    field: String,
    time: bool,
    span: BinSpan,
    step: f64,
    start: Option<f64>,
    end: Option<f64>,
    span_opt: Opt,
    tz: chrono_tz::Tz,
    rows: Vec<(f64, Event)>,
    other: Vec<Event>,
}

impl MakecontinuousOp {
    fn bucket(&self, v: f64) -> f64 {
        if self.time {
            time_bin(v, self.span, self.tz, None)
        } else {
            (v / self.step).floor() * self.step
        }
    }
}

impl Operator for MakecontinuousOp {
    fn push(&mut self, mut ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        match ev.get(&self.field).and_then(Value::as_num) {
            Some(v) if v.is_finite() => {
                // "Data outside of the [start, end] range is discarded."
                if self.start.is_some_and(|s| v < s) || self.end.is_some_and(|e| v > e) {
                    return Ok(());
                }
                let b = self.bucket(v);
                ev.set(self.field.clone(), Value::Num(b));
                self.rows.push((b, ev));
            }
            _ => self.other.push(ev),
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        let mut rows = std::mem::take(&mut self.rows);
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        let lo = self
            .start
            .map(|s| self.bucket(s))
            .or(rows.first().map(|r| r.0));
        let hi = self
            .end
            .map(|e| self.bucket(e))
            .or(rows.last().map(|r| r.0));
        let mut seq = 0u64;
        let mut emit = |mut ev: Event, out: &mut Emit<'_>| {
            ev.seq = seq;
            seq += 1;
            out(ev)
        };
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if (hi - lo) / self.step > MAX_BUCKETS {
                return Err(SplError::runtime(format!(
                    "makecontinuous would add more than {MAX_BUCKETS} spans; use a larger span"
                ))
                .at(self.span_opt.span));
            }
            let mut it = rows.into_iter().peekable();
            let mut b = lo;
            let mut k = 0u64;
            while b <= hi + self.step * 1e-9 {
                let mut any = false;
                while let Some((x, _)) = it.peek() {
                    if *x < b + self.step * (1.0 - 1e-9) {
                        let (_, ev) = it.next().expect("peeked");
                        emit(ev, out)?;
                        any = true;
                    } else {
                        break;
                    }
                }
                if !any {
                    let mut ev = Event::new();
                    ev.set(self.field.clone(), Value::Num(b));
                    if self.time {
                        ev.orig_time = b;
                    }
                    emit(ev, out)?;
                }
                k += 1;
                b = if self.time {
                    self.bucket(lo + k as f64 * self.step + self.step / 2.0)
                } else {
                    lo + k as f64 * self.step
                };
            }
            for (_, ev) in it {
                emit(ev, out)?;
            }
        }
        for ev in std::mem::take(&mut self.other) {
            emit(ev, out)?;
        }
        Ok(())
    }
}
