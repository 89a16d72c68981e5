//! `anomalydetection [method=histogram|zscore|iqr] [action=filter|annotate|summary|transform|remove]
//! [pthresh=<num>] [cutoff=<bool>] [param=<num>] [uselower=<bool>] [mark=<bool>] [<field>…]`.
//!
//! `method=histogram` (the default) runs, and `method=iqr`, which the
//! reference says "performs like the outlier command", runs as `outlier`
//! with the outlier options it names (`action=remove|rm|transform|tf`,
//! `mark`, `param`, `uselower`); `zscore` (like `anomalousvalue`) is parsed but not run.
//!
//! Histogram method, as Splunk's Search Reference describes it: each event's
//! probability is the product over the fields of the frequency of the
//! event's value, where the frequency of a categorical value is its count
//! divided by the number of events and that of a numerical value is the size
//! of its histogram bin divided by the number of events. Events with
//! unusually small probability are anomalous: below `pthresh` when given,
//! else below `threshold = 1st-quartile - 1.5 * IQR` of the log
//! probabilities (`cutoff=false`). Where the reference is silent (bins, the
//! `cutoff=true` formula, missing fields, ties) the choices are listed in
//! grammar/README.md, "Differences we chose".

use std::any::Any;
use std::fmt;

use std::collections::HashMap;

use super::support::scoring::{fields_or_all, num_of, OptsAndFields};
use super::support::stats_support::{bool_value, quantile};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "anomalydetection",
    aliases: &[],
    parse,
    syntax: "anomalydetection [method=histogram|zscore|iqr] [action=<action>] [pthresh=<num>] \
             [cutoff=<bool>] [param=<num>] [uselower=<bool>] [mark=<bool>] [<field>…]",
    plan: super::planner::<AnomalydetectionCmd>,
};

const OPTIONS: &[&str] = &[
    "method", "action", "pthresh", "cutoff", "param", "uselower", "mark",
];

/// The outlier options of `method=iqr` (the page: "you can specify the
/// outlier options <action>, <mark>, <param>, and <uselower>").
const IQR_ONLY: &[&str] = &["param", "uselower", "mark"];

#[derive(Debug)]
pub struct AnomalydetectionCmd(pub OptsAndFields);

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, of) = OptsAndFields::parse(src, i, "anomalydetection", OPTIONS, check)?;
    Ok((rest, Box::new(AnomalydetectionCmd(of))))
}

/// The error for a value an option does not take.
fn check(o: &Opt) -> Option<String> {
    let v = o.value.to_ascii_lowercase();
    let ok = match o.key.to_ascii_lowercase().as_str() {
        "method" => ["histogram", "zscore", "iqr"].contains(&v.as_str()),
        "action" => [
            "filter",
            "annotate",
            "summary",
            "transform",
            "tf",
            "remove",
            "rm",
        ]
        .contains(&v.as_str()),
        "pthresh" | "param" => v.parse::<f64>().is_ok(),
        _ => bool_value(o).is_ok(),
    };
    (!ok).then(|| format!("bad value for anomalydetection {}", o.key))
}

impl fmt::Display for AnomalydetectionCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.print(f, "anomalydetection")
    }
}

impl AnomalydetectionCmd {
    /// The last value given for an option (lower case), if any.
    fn option(&self, key: &str) -> Option<String> {
        self.0.value(key)
    }

    /// The action, its abbreviations (`rm`, `tf`) spelled out.
    fn action(&self) -> Option<String> {
        self.option("action").map(|a| match a.as_str() {
            "rm" => "remove".into(),
            "tf" => "transform".into(),
            _ => a,
        })
    }

    /// Why this form of the command is not run (None: it runs).
    fn not_run_reason(&self) -> Option<String> {
        let method = self.option("method").unwrap_or_else(|| "histogram".into());
        if method == "iqr" {
            // The page: pthresh with method=iqr "returns an invalid argument error".
            if self.option("pthresh").is_some() {
                return Some(
                    "anomalydetection pthresh= applies to method=histogram or zscore, \
                     not to method=iqr"
                        .into(),
                );
            }
            return match self.action() {
                Some(a) if !["remove", "transform"].contains(&a.as_str()) => Some(format!(
                    "anomalydetection action={a} applies to method=histogram or zscore; \
                     method=iqr takes remove or transform"
                )),
                _ => None,
            };
        }
        if let Some(o) = IQR_ONLY.iter().find(|o| self.option(o).is_some()) {
            return Some(format!(
                "anomalydetection {o}= is an outlier option: it applies to method=iqr only"
            ));
        }
        if method != "histogram" {
            return Some(format!(
                "anomalydetection method={method} is parsed but not run \
                 (method=histogram and method=iqr are implemented)"
            ));
        }
        if let Some(a) = self.action() {
            if !["filter", "annotate", "summary"].contains(&a.as_str()) {
                return Some(format!(
                    "anomalydetection action={a} applies to method=iqr only; \
                     method=histogram takes filter, annotate or summary"
                ));
            }
        }
        None
    }
}

impl Command for AnomalydetectionCmd {
    fn name(&self) -> &'static str {
        "anomalydetection"
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
    fn runnable(&self) -> bool {
        self.not_run_reason().is_none()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for AnomalydetectionCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        if let Some(why) = self.not_run_reason() {
            return Err(SplError::plan(why));
        }
        if self.option("method").as_deref() == Some("iqr") {
            // "When method=iqr, performs like the outlier command": its
            // options and defaults (param 2.5, upper side only, no mark).
            let remove = self.action().as_deref() == Some("remove");
            let param = self
                .option("param")
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(2.5);
            let fields = self.0.names();
            return Ok(super::outlier::operator(
                fields,
                remove,
                self.0.flag("mark"),
                param,
                self.0.flag("uselower"),
            ));
        }
        let action = match self.option("action").as_deref() {
            Some("annotate") => Action::Annotate,
            Some("summary") => Action::Summary,
            _ => Action::Filter,
        };
        let pthresh = self.option("pthresh").and_then(|v| v.parse::<f64>().ok());
        let cutoff = self
            .0
            .option("cutoff")
            .and_then(|o| o.as_bool())
            .unwrap_or(true);
        Ok(Box::new(HistogramOp {
            fields: self.0.names(),
            action,
            pthresh,
            cutoff,
            buf: Vec::new(),
        }))
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Action {
    Filter,
    Annotate,
    Summary,
}

/// The histogram method: buffers every event, scores them in `finish`.
struct HistogramOp {
    /// The fields named; empty: every field of the events except internal ones.
    fields: Vec<String>,
    action: Action,
    pthresh: Option<f64>,
    cutoff: bool,
    buf: Vec<Event>,
}

/// How one field's values map to frequencies.
enum FieldModel {
    /// Count of each value (by its text).
    Categorical(HashMap<String, usize>),
    /// Equal-width bins over `[min, max]`: counts per bin.
    Numerical {
        min: f64,
        width: f64,
        counts: Vec<usize>,
    },
}

/// The key a categorical value is counted under: its text, multivalues
/// joined with newlines.
fn cat_key(v: &Value) -> String {
    v.to_display("\n")
}

/// Number of histogram bins for `n` values: Sturges' rule, ceil(log2 n) + 1.
pub fn bin_count(n: usize) -> usize {
    if n <= 1 {
        1
    } else {
        (n as f64).log2().ceil() as usize + 1
    }
}

impl FieldModel {
    fn build(values: &[&Value]) -> FieldModel {
        let nums: Option<Vec<f64>> = values.iter().map(|v| num_of(v)).collect();
        match nums {
            Some(nums) if !nums.is_empty() => {
                let min = nums.iter().copied().fold(f64::INFINITY, f64::min);
                let max = nums.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let bins = if max > min { bin_count(nums.len()) } else { 1 };
                let width = if max > min {
                    (max - min) / bins as f64
                } else {
                    0.0
                };
                let mut counts = vec![0; bins];
                for x in nums {
                    counts[bin_of(x, min, width, bins)] += 1;
                }
                FieldModel::Numerical { min, width, counts }
            }
            _ => {
                let mut counts = HashMap::new();
                for v in values {
                    *counts.entry(cat_key(v)).or_insert(0) += 1;
                }
                FieldModel::Categorical(counts)
            }
        }
    }

    /// How many events share this value (categorical) or its bin (numerical).
    fn count(&self, v: &Value) -> usize {
        match self {
            FieldModel::Categorical(c) => c.get(&cat_key(v)).copied().unwrap_or(0),
            FieldModel::Numerical { min, width, counts } => match num_of(v) {
                Some(x) => counts[bin_of(x, *min, *width, counts.len())],
                None => 0,
            },
        }
    }
}

/// The bin of `x`: bins are `[min + i*width, min + (i+1)*width)`, the last
/// one also holding `max`.
fn bin_of(x: f64, min: f64, width: f64, bins: usize) -> usize {
    if width <= 0.0 {
        return 0;
    }
    let i = ((x - min) / width).floor();
    if i < 0.0 {
        0
    } else {
        (i as usize).min(bins - 1)
    }
}

/// One event's score.
struct Score {
    log_prob: f64,
    /// The field with the smallest frequency and that frequency.
    cause: Option<(String, f64)>,
    max_freq: Option<f64>,
}

impl HistogramOp {
    fn scores(&self) -> Vec<Score> {
        let n = self.buf.len() as f64;
        let fields = fields_or_all(&self.fields, &self.buf);
        let models: Vec<FieldModel> = fields
            .iter()
            .map(|f| {
                let vals: Vec<&Value> = self.buf.iter().filter_map(|e| e.get(f)).collect();
                FieldModel::build(&vals)
            })
            .collect();
        self.buf
            .iter()
            .map(|ev| {
                let mut log_prob = 0.0;
                let mut cause: Option<(String, f64)> = None;
                let mut max_freq: Option<f64> = None;
                for (f, m) in fields.iter().zip(&models) {
                    let Some(v) = ev.get(f) else { continue };
                    let freq = m.count(v) as f64 / n;
                    log_prob += freq.ln();
                    if cause.as_ref().is_none_or(|(_, c)| freq < *c) {
                        cause = Some((f.clone(), freq));
                    }
                    if max_freq.is_none_or(|m| freq > m) {
                        max_freq = Some(freq);
                    }
                }
                Score {
                    log_prob,
                    cause,
                    max_freq,
                }
            })
            .collect()
    }
}

/// The log-probability threshold: from `pthresh`, or from the quartiles of
/// the log probabilities (`sorted`, not empty).
fn log_threshold(sorted: &[f64], pthresh: Option<f64>, cutoff: bool) -> f64 {
    if let Some(p) = pthresh {
        return p.ln();
    }
    let q1 = quantile(sorted, 0.25);
    let q3 = quantile(sorted, 0.75);
    let k = if cutoff { 3.0 } else { 1.5 };
    q1 - k * (q3 - q1)
}

/// True when an event's log probability makes it anomalous.
fn is_anomalous(log_prob: f64, thresh: f64, pthresh: Option<f64>) -> bool {
    if pthresh.is_some() {
        // The threshold "has to be met": at or below pthresh.
        log_prob <= thresh
    } else {
        log_prob < thresh
    }
}

impl Operator for HistogramOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        crate::base::budget::ROWS.check(self.buf.len() + 1, "anomalydetection")?;
        self.buf.push(ev);
        Ok(())
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        if self.buf.is_empty() {
            if self.action == Action::Summary {
                let mut row = Event::new();
                row.set("num_anomalies", Value::Num(0.0));
                out(row)?;
            }
            return Ok(());
        }
        let scores = self.scores();
        let mut sorted: Vec<f64> = scores.iter().map(|s| s.log_prob).collect();
        sorted.sort_by(f64::total_cmp);
        let thresh = log_threshold(&sorted, self.pthresh, self.cutoff);
        let anomalous: Vec<bool> = scores
            .iter()
            .map(|s| is_anomalous(s.log_prob, thresh, self.pthresh))
            .collect();
        if self.action == Action::Summary {
            let mut row = Event::new();
            let num = anomalous.iter().filter(|a| **a).count();
            row.set("num_anomalies", Value::Num(num as f64));
            row.set("thresh", Value::Num(thresh.exp()));
            row.set("max_logprob", Value::Num(sorted[sorted.len() - 1]));
            row.set("min_logprob", Value::Num(sorted[0]));
            row.set("1st_quartile", Value::Num(quantile(&sorted, 0.25)));
            row.set("3rd_quartile", Value::Num(quantile(&sorted, 0.75)));
            self.buf.clear();
            return out(row);
        }
        let events = std::mem::take(&mut self.buf);
        for ((mut ev, s), anom) in events.into_iter().zip(scores).zip(anomalous) {
            if !anom {
                // `annotate` passes normal events on unchanged; `filter` drops them.
                if self.action == Action::Annotate {
                    out(ev)?;
                }
                continue;
            }
            ev.set("log_event_prob", Value::Num(s.log_prob));
            if let Some((f, freq)) = s.cause {
                ev.set("probable_cause", Value::Str(f));
                ev.set("probable_cause_freq", Value::Num(freq));
            }
            if let Some(m) = s.max_freq {
                ev.set("max_freq", Value::Num(m));
            }
            out(ev)?;
        }
        Ok(())
    }
}
