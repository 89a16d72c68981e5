//! `outlier [action=remove|rm|transform|tf] [mark=<bool>] [param=<num>]
//! [uselower=<bool>] [type=iqr] [<field>…]`: removes or truncates outlying
//! numerical values (Search Reference, "outlier").
//!
//! As the reference describes it: per field, the inter-quartile range (IQR)
//! is the 75th percentile minus the 25th of the field's numerical values; a
//! value above `75th + param·IQR` (or, with `uselower=true`, below
//! `25th − param·IQR`) is an outlier. `action=transform` (the default)
//! replaces it with the threshold it crossed, prefixed with `000` when
//! `mark=true`; `action=remove` drops every event holding an outlier. With no
//! fields named, every non-internal field is processed. The percentiles are
//! the ones `perc25`/`perc75` give (linear interpolation between closest
//! ranks); grammar/README.md lists that choice under "Differences we chose".

use std::any::Any;
use std::fmt;

use super::support::scoring::{fields_or_all, num_of, OptsAndFields};
use super::support::stats_support::{bool_value, quantile};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "outlier",
    aliases: &[],
    parse,
    syntax: "outlier [action=remove|transform] [mark=<bool>] [param=<num>] [uselower=<bool>] \
             [<field>…]",
    plan: super::planner::<OutlierCmd>,
};

const OPTIONS: &[&str] = &["action", "mark", "param", "uselower", "type"];

#[derive(Debug)]
pub struct OutlierCmd(pub OptsAndFields);

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, of) = OptsAndFields::parse(src, i, "outlier", OPTIONS, check)?;
    Ok((rest, Box::new(OutlierCmd(of))))
}

/// The error for a value an option does not take.
fn check(o: &Opt) -> Option<String> {
    let v = o.value.to_ascii_lowercase();
    let (ok, want) = match o.key.to_ascii_lowercase().as_str() {
        "action" => (
            ["remove", "rm", "transform", "tf"].contains(&v.as_str()),
            "remove, rm, transform or tf",
        ),
        "param" => (
            v.parse::<f64>().is_ok_and(|p| p.is_finite() && p >= 0.0),
            "a number, 0 or more",
        ),
        "type" => (v == "iqr", "iqr"),
        _ => (bool_value(o).is_ok(), "true or false"),
    };
    (!ok).then(|| format!("bad value for outlier {}: expected {want}", o.key))
}

impl fmt::Display for OutlierCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.print(f, "outlier")
    }
}

impl Command for OutlierCmd {
    fn name(&self) -> &'static str {
        "outlier"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Transforming
    }
    fn needs_time_order(&self) -> bool {
        // The events it returns keep their order: Splunk's search order.
        true
    }
    fn to_json(&self) -> serde_json::Value {
        self.0.to_json()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for OutlierCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let of = &self.0;
        let remove = matches!(of.value("action").as_deref(), Some("remove" | "rm"));
        let param = of
            .option("param")
            .and_then(|o| o.value.parse::<f64>().ok())
            .unwrap_or(2.5);
        Ok(operator(
            of.names(),
            remove,
            of.flag("mark"),
            param,
            of.flag("uselower"),
        ))
    }
}

/// The operator: over `fields` (empty: every non-internal field), removes
/// (`remove`) or truncates the outlying values. Also `anomalydetection
/// method=iqr`, which the reference says "performs like the outlier command".
pub(crate) fn operator(
    fields: Vec<String>,
    remove: bool,
    mark: bool,
    param: f64,
    uselower: bool,
) -> Box<dyn Operator> {
    Box::new(OutlierOp {
        fields,
        remove,
        mark,
        param,
        uselower,
        buf: Vec::new(),
    })
}

/// Buffers every event; finds each field's thresholds and applies them in `finish`.
struct OutlierOp {
    /// The fields named; empty: every field of the events except internal ones.
    fields: Vec<String>,
    remove: bool,
    mark: bool,
    param: f64,
    uselower: bool,
    buf: Vec<Event>,
}

/// One field's bounds: values outside `[lo, hi]` are outliers (`lo` is
/// minus infinity without `uselower`).
struct Bounds {
    field: String,
    lo: f64,
    hi: f64,
}

impl OutlierOp {
    fn bounds(&self) -> Vec<Bounds> {
        let mut out = Vec::new();
        for field in fields_or_all(&self.fields, &self.buf) {
            let mut xs: Vec<f64> = self
                .buf
                .iter()
                .filter_map(|e| e.get(&field).and_then(num_of))
                .collect();
            if xs.is_empty() {
                continue;
            }
            xs.sort_by(f64::total_cmp);
            let q1 = quantile(&xs, 0.25);
            let q3 = quantile(&xs, 0.75);
            let iqr = q3 - q1;
            let lo = if self.uselower {
                q1 - self.param * iqr
            } else {
                f64::NEG_INFINITY
            };
            out.push(Bounds {
                field,
                lo,
                hi: q3 + self.param * iqr,
            });
        }
        out
    }
}

impl Operator for OutlierOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        crate::base::budget::ROWS.check(self.buf.len() + 1, "outlier")?;
        self.buf.push(ev);
        Ok(())
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        let bounds = self.bounds();
        for mut ev in std::mem::take(&mut self.buf) {
            let mut outlying = false;
            for b in &bounds {
                let Some(x) = ev.get(&b.field).and_then(num_of) else {
                    continue;
                };
                let limit = if x > b.hi {
                    b.hi
                } else if x < b.lo {
                    b.lo
                } else {
                    continue;
                };
                outlying = true;
                if self.remove {
                    break;
                }
                let v = if self.mark {
                    Value::Str(format!("000{}", Value::Num(limit).to_display("\n")))
                } else {
                    Value::Num(limit)
                };
                ev.set(b.field.as_str(), v);
            }
            if !(outlying && self.remove) {
                out(ev)?;
            }
        }
        Ok(())
    }
}
