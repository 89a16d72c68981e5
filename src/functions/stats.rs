//! Aggregation functions for `stats` (and later `eventstats`, `streamstats`,
//! `tstats`, `chart`): a registry of (name, whether it takes a field,
//! whether it depends on event order, constructor).

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::Value as J;

use crate::base::value::Value;

/// Running state of one aggregation over one group.
///
/// An accumulator's [`state`](Accumulator::state) can be shipped (a partial
/// result of one shard, `run --partial`) and [`merge`](Accumulator::merge)d
/// into another accumulator of the same function: merging the states of
/// shards in their input order gives the result of one accumulator fed every
/// value in that order. Functions that depend on which value came first
/// (`first`, `last`, `list`, `mode`'s ties, `earliest`/`latest` ties) keep the
/// *arrival key* of their values ([`Accumulator::add_ordered`]): a larger key
/// arrived earlier; equal keys arrived in the order their states are merged.
pub trait Accumulator: Send {
    /// Adds one value (a multivalue field contributes each value separately);
    /// `time` is the event's `_time`.
    fn add(&mut self, v: &Value, time: Option<f64>);
    /// [`Accumulator::add`] with the value's arrival key: the event's search
    /// order time (`orig_time`, newest first) when the search hands events in
    /// search order, else a constant. Only kept for merging.
    fn add_ordered(&mut self, v: &Value, time: Option<f64>, arrival: f64) {
        let _ = arrival;
        self.add(v, time)
    }
    /// Adds a value to the `i`th aggregation of a composite accumulator (an
    /// eval over aggregations); others have no parts and ignore it.
    fn add_inner(&mut self, i: usize, v: &Value, time: Option<f64>, arrival: f64) {
        let _ = (i, v, time, arrival);
    }
    /// The number of aggregations of a composite accumulator (None: a plain one).
    fn parts(&self) -> Option<usize> {
        None
    }
    /// Tells the accumulator the width, in seconds, of the time bucket its
    /// group covers (timechart's `per_second` and friends divide by it);
    /// others ignore it.
    fn set_bucket_width(&mut self, secs: f64) {
        let _ = secs;
    }
    fn result(&self) -> Value;
    /// The state, as JSON, for a partial result.
    fn state(&self) -> J;
    /// Merges a state written by [`Accumulator::state`] of the same function
    /// (from a later shard) into this one.
    fn merge(&mut self, state: &J) -> Result<(), String>;
}

use super::state::{field, json_nums, json_strs, num_opt_json, opt_num};
pub use super::state::{json_num, json_value, num_json, value_json};
use super::stats_time::PerUnit;
pub use super::stats_time::{
    per_unit, sparkline_func, Sparkline, SPARKLINE_FUNCS, SPARKLINE_MAX_BUCKETS, SPARKLINE_SPAN,
};

pub type MakeFn = fn(Option<f64>) -> Box<dyn Accumulator>;

pub struct StatsFunction {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// `count` alone is allowed; every other function needs a field.
    pub arg_optional: bool,
    /// Results depend on the order events arrive in (`first`, `last`, `list`).
    pub order_sensitive: bool,
    pub make: MakeFn,
}

pub static STATS_FUNCTIONS: &[StatsFunction] = &[
    f("count", &["c"], true, false, |_| Box::new(Count(0))),
    f("dc", &["distinct_count", "estdc"], false, false, |_| {
        Box::new(Distinct(HashSet::default()))
    }),
    f("values", &[], false, false, |_| {
        Box::new(Values(BTreeSet::new()))
    }),
    f("list", &[], false, true, |_| Box::new(List(Vec::new()))),
    f("min", &[], false, false, |_| Box::new(MinMax::new(false))),
    f("max", &[], false, false, |_| Box::new(MinMax::new(true))),
    f("sum", &[], false, false, |_| Box::new(Moments::default())),
    f("avg", &["mean"], false, false, |_| {
        Box::new(Moments::default())
    }),
    f("stdev", &[], false, false, |_| Box::new(Moments::default())),
    f(
        "stdevp",
        &[],
        false,
        false,
        |_| Box::new(Moments::default()),
    ),
    f("var", &[], false, false, |_| Box::new(Moments::default())),
    f("varp", &[], false, false, |_| Box::new(Moments::default())),
    f("sumsq", &[], false, false, |_| Box::new(Moments::default())),
    f("range", &[], false, false, |_| Box::new(Moments::default())),
    f("median", &[], false, false, |_| {
        Box::new(Median(Vec::new()))
    }),
    f("mode", &[], false, false, |_| Box::new(Mode::default())),
    f(
        "perc",
        &["p", "exactperc", "upperperc"],
        false,
        false,
        |p| Box::new(Percentile::new(p.unwrap_or(50.0))),
    ),
    f("earliest", &[], false, false, |_| {
        Box::new(ByTime::new(false, false))
    }),
    f("latest", &[], false, false, |_| {
        Box::new(ByTime::new(true, false))
    }),
    f("earliest_time", &[], false, false, |_| {
        Box::new(ByTime::new(false, true))
    }),
    f("estdc_error", &[], false, false, |_| {
        Box::new(EstdcError(false))
    }),
    f("rate", &[], false, false, |_| Box::new(Rate::default())),
    f("latest_time", &[], false, false, |_| {
        Box::new(ByTime::new(true, true))
    }),
    f("first", &[], false, true, |_| Box::new(First(None))),
    f("sparkline", &[], true, false, |_| {
        Box::new(Sparkline::new("count", SPARKLINE_SPAN))
    }),
    f("per_second", &[], false, false, |_| {
        Box::new(PerUnit::new(1.0))
    }),
    f("per_minute", &[], false, false, |_| {
        Box::new(PerUnit::new(60.0))
    }),
    f("per_hour", &[], false, false, |_| {
        Box::new(PerUnit::new(3600.0))
    }),
    f("per_day", &[], false, false, |_| {
        Box::new(PerUnit::new(86400.0))
    }),
    f("last", &[], false, true, |_| Box::new(Last(None))),
];

const fn f(
    name: &'static str,
    aliases: &'static [&'static str],
    arg_optional: bool,
    order_sensitive: bool,
    make: MakeFn,
) -> StatsFunction {
    StatsFunction {
        name,
        aliases,
        arg_optional,
        order_sensitive,
        make,
    }
}

/// Finds a stats function; `perc95`, `p95`, `exactperc99.9` carry their percentile.
pub fn lookup(name: &str) -> Option<(&'static StatsFunction, Option<f64>)> {
    let lname = name.to_ascii_lowercase();
    if let Some(fun) = STATS_FUNCTIONS
        .iter()
        .find(|s| s.name == lname || s.aliases.contains(&lname.as_str()))
    {
        if fun.name != "perc" {
            return Some((fun, None));
        }
    }
    for prefix in ["exactperc", "upperperc", "perc", "p"] {
        if let Some(num) = lname.strip_prefix(prefix) {
            if let Ok(p) = num.parse::<f64>() {
                if (0.0..=100.0).contains(&p) {
                    let fun = STATS_FUNCTIONS.iter().find(|s| s.name == "perc")?;
                    return Some((fun, Some(p)));
                }
            }
        }
    }
    None
}

/// Whether a function reads the events' `_time` (besides its field).
pub fn reads_time(name: &str) -> bool {
    lookup(name).is_some_and(|(f, _)| {
        matches!(
            f.name,
            "earliest" | "latest" | "earliest_time" | "latest_time" | "rate" | "sparkline"
        )
    })
}

/// Builds the accumulator for a function name as written (`avg`, `p95`, …).
pub fn make(name: &str) -> Option<Box<dyn Accumulator>> {
    let (fun, param) = lookup(name)?;
    let mut acc = (fun.make)(param);
    // Moments-based functions share one accumulator type; tell it which result to give.
    let lname = name.to_ascii_lowercase();
    if let Some(which) = MomentKind::from_name(&lname) {
        acc = Box::new(MomentsAs {
            inner: Moments::default(),
            which,
        });
    }
    Some(acc)
}

struct Count(u64);
impl Accumulator for Count {
    fn add(&mut self, _v: &Value, _t: Option<f64>) {
        self.0 += 1;
    }
    fn result(&self) -> Value {
        Value::Num(self.0 as f64)
    }
    fn state(&self) -> J {
        J::from(self.0)
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        self.0 += state
            .as_u64()
            .ok_or_else(|| format!("expected a count, got {state}"))?;
        Ok(())
    }
}

fn key(v: &Value) -> String {
    v.as_text().map(|c| c.into_owned()).unwrap_or_default()
}

struct Distinct(HashSet<String, foldhash::fast::RandomState>);
impl Accumulator for Distinct {
    fn add(&mut self, v: &Value, _t: Option<f64>) {
        // Allocate only for a value not seen before.
        if let Some(t) = v.as_text() {
            if !self.0.contains(t.as_ref()) {
                self.0.insert(t.into_owned());
            }
        } else {
            self.0.insert(String::new());
        }
    }
    fn result(&self) -> Value {
        Value::Num(self.0.len() as f64)
    }
    fn state(&self) -> J {
        let mut v: Vec<&String> = self.0.iter().collect();
        v.sort();
        J::Array(v.into_iter().map(|s| J::String(s.clone())).collect())
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        self.0.extend(json_strs(state)?);
        Ok(())
    }
}

/// `values()`: distinct values, sorted lexicographically.
struct Values(BTreeSet<String>);
impl Accumulator for Values {
    fn add(&mut self, v: &Value, _t: Option<f64>) {
        match v.as_text() {
            Some(t) if self.0.contains(t.as_ref()) => {}
            _ => {
                self.0.insert(key(v));
            }
        }
    }
    fn result(&self) -> Value {
        Value::multi(self.0.iter().map(|s| Value::Str(s.clone())).collect())
    }
    fn state(&self) -> J {
        J::Array(self.0.iter().map(|s| J::String(s.clone())).collect())
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        self.0.extend(json_strs(state)?);
        Ok(())
    }
}

/// `list()`: every value in arrival order, at most 100 (Splunk's
/// `list_maxsize`), each with its arrival key for merging.
struct List(Vec<(Value, f64)>);
pub const LIST_MAX: usize = 100;
impl Accumulator for List {
    fn add(&mut self, v: &Value, t: Option<f64>) {
        self.add_ordered(v, t, 0.0)
    }
    fn add_ordered(&mut self, v: &Value, _t: Option<f64>, arrival: f64) {
        if self.0.len() < LIST_MAX {
            self.0.push((v.clone(), arrival));
        }
    }
    fn result(&self) -> Value {
        Value::multi(self.0.iter().map(|(v, _)| v.clone()).collect())
    }
    fn state(&self) -> J {
        serde_json::json!({
            "v": self.0.iter().map(|(v, _)| value_json(v)).collect::<Vec<_>>(),
            "a": self.0.iter().map(|(_, a)| num_json(*a)).collect::<Vec<_>>(),
        })
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        let vs = field(state, "v")?
            .as_array()
            .ok_or_else(|| format!("bad list state {state}"))?;
        let arrivals = json_nums(field(state, "a")?)?;
        if vs.len() != arrivals.len() {
            return Err(format!("bad list state {state}"));
        }
        let theirs = vs
            .iter()
            .map(json_value)
            .zip(arrivals)
            .map(|(v, a)| v.map(|v| (v, a)))
            .collect::<Result<Vec<_>, _>>()?;
        // Both lists are in arrival order: interleave them, ours first on a
        // tie (this state's shard came earlier), and keep the first 100.
        let ours = std::mem::take(&mut self.0);
        let (mut i, mut k) = (0, 0);
        while self.0.len() < LIST_MAX && (i < ours.len() || k < theirs.len()) {
            if k == theirs.len() || (i < ours.len() && ours[i].1 >= theirs[k].1) {
                self.0.push(ours[i].clone());
                i += 1;
            } else {
                self.0.push(theirs[k].clone());
                k += 1;
            }
        }
        Ok(())
    }
}

/// `min`/`max`: numeric over the numeric values when there are any, else lexicographic.
struct MinMax {
    max: bool,
    num: Option<f64>,
    text: Option<String>,
}
impl MinMax {
    fn new(max: bool) -> MinMax {
        MinMax {
            max,
            num: None,
            text: None,
        }
    }
}
impl MinMax {
    fn take_num(&mut self, n: f64) {
        self.num = Some(match self.num {
            None => n,
            Some(m) if self.max => m.max(n),
            Some(m) => m.min(n),
        });
    }
    fn take_text(&mut self, t: std::borrow::Cow<'_, str>) {
        let better = match &self.text {
            None => true,
            Some(cur) => {
                if self.max {
                    t.as_ref() > cur.as_str()
                } else {
                    t.as_ref() < cur.as_str()
                }
            }
        };
        if better {
            self.text = Some(t.into_owned());
        }
    }
}
impl Accumulator for MinMax {
    fn add(&mut self, v: &Value, _t: Option<f64>) {
        if let Some(n) = v.as_num() {
            self.take_num(n);
        } else if let Some(t) = v.as_text() {
            self.take_text(t);
        }
    }
    fn result(&self) -> Value {
        match (&self.num, &self.text) {
            (Some(n), _) => Value::Num(*n),
            (None, Some(t)) => Value::Str(t.clone()),
            _ => Value::Null,
        }
    }
    fn state(&self) -> J {
        serde_json::json!({
            "num": num_opt_json(self.num),
            "text": self.text.as_ref().map_or(J::Null, |t| J::String(t.clone())),
        })
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        if let Some(n) = opt_num(field(state, "num")?)? {
            self.take_num(n);
        }
        match field(state, "text")? {
            J::Null => {}
            J::String(t) => self.take_text(std::borrow::Cow::Borrowed(t)),
            other => return Err(format!("bad min/max state text {other}")),
        }
        Ok(())
    }
}

#[derive(Default, Clone)]
struct Moments {
    n: u64,
    sum: f64,
    sumsq: f64,
    min: Option<f64>,
    max: Option<f64>,
}

impl Accumulator for Moments {
    fn add(&mut self, v: &Value, _t: Option<f64>) {
        if let Some(x) = v.as_num() {
            self.n += 1;
            self.sum += x;
            self.sumsq += x * x;
            self.min = Some(self.min.map_or(x, |m| m.min(x)));
            self.max = Some(self.max.map_or(x, |m| m.max(x)));
        }
    }
    fn result(&self) -> Value {
        if self.n == 0 {
            Value::Null
        } else {
            Value::Num(self.sum)
        }
    }
    fn state(&self) -> J {
        serde_json::json!({
            "n": self.n,
            "sum": num_json(self.sum),
            "sumsq": num_json(self.sumsq),
            "min": num_opt_json(self.min),
            "max": num_opt_json(self.max),
        })
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        let n = field(state, "n")?
            .as_u64()
            .ok_or_else(|| format!("bad moments state {state}"))?;
        if n == 0 {
            return Ok(());
        }
        self.n += n;
        self.sum += json_num(field(state, "sum")?)?;
        self.sumsq += json_num(field(state, "sumsq")?)?;
        if let Some(x) = opt_num(field(state, "min")?)? {
            self.min = Some(self.min.map_or(x, |m| m.min(x)));
        }
        if let Some(x) = opt_num(field(state, "max")?)? {
            self.max = Some(self.max.map_or(x, |m| m.max(x)));
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum MomentKind {
    Sum,
    Avg,
    Stdev,
    Stdevp,
    Var,
    Varp,
    Sumsq,
    Range,
}

impl MomentKind {
    fn from_name(n: &str) -> Option<MomentKind> {
        Some(match n {
            "sum" => MomentKind::Sum,
            "avg" | "mean" => MomentKind::Avg,
            "stdev" => MomentKind::Stdev,
            "stdevp" => MomentKind::Stdevp,
            "var" => MomentKind::Var,
            "varp" => MomentKind::Varp,
            "sumsq" => MomentKind::Sumsq,
            "range" => MomentKind::Range,
            _ => return None,
        })
    }
}

struct MomentsAs {
    inner: Moments,
    which: MomentKind,
}

impl Accumulator for MomentsAs {
    fn add(&mut self, v: &Value, t: Option<f64>) {
        self.inner.add(v, t)
    }
    fn result(&self) -> Value {
        let m = &self.inner;
        if m.n == 0 {
            return Value::Null;
        }
        let n = m.n as f64;
        let mean = m.sum / n;
        let ss = (m.sumsq - n * mean * mean).max(0.0);
        let r = match self.which {
            MomentKind::Sum => m.sum,
            MomentKind::Avg => mean,
            MomentKind::Sumsq => m.sumsq,
            MomentKind::Range => m.max.unwrap_or(0.0) - m.min.unwrap_or(0.0),
            MomentKind::Varp => ss / n,
            MomentKind::Stdevp => (ss / n).sqrt(),
            // One value: 0, as the Search Reference's mean() extended example
            // shows for a magnitude type with a single quake (MbLg: count 1,
            // stdev 0, var 0).
            MomentKind::Var | MomentKind::Stdev if m.n < 2 => 0.0,
            MomentKind::Var => ss / (n - 1.0),
            MomentKind::Stdev => (ss / (n - 1.0)).sqrt(),
        };
        Value::Num(r)
    }
    fn state(&self) -> J {
        self.inner.state()
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        self.inner.merge(state)
    }
}

/// `perc`/`p`/`exactperc`/`upperperc`: linear interpolation between the
/// closest ranks, as the Search Reference's worked examples give ("Statistical
/// and charting functions", perc: Y = {10,9,…,1} gives perc50 5.5 and perc95
/// 9.55), although its prose names the nearest-rank method.
struct Percentile {
    p: f64,
    xs: Vec<f64>,
}
impl Percentile {
    fn new(p: f64) -> Percentile {
        Percentile { p, xs: Vec::new() }
    }
}
impl Accumulator for Percentile {
    fn add(&mut self, v: &Value, _t: Option<f64>) {
        if let Some(x) = v.as_num() {
            self.xs.push(x);
        }
    }
    fn result(&self) -> Value {
        if self.xs.is_empty() {
            return Value::Null;
        }
        let mut xs = self.xs.clone();
        xs.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        // p × (n − 1) / 100, multiplied first: `0.95 × 9` is 8.549999…
        let rank = (self.p * (xs.len() - 1) as f64 / 100.0).clamp(0.0, (xs.len() - 1) as f64);
        let lo = rank.floor() as usize;
        let hi = rank.ceil() as usize;
        let frac = rank - lo as f64;
        Value::Num(xs[lo] + (xs[hi] - xs[lo]) * frac)
    }
    fn state(&self) -> J {
        J::Array(self.xs.iter().map(|x| num_json(*x)).collect())
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        self.xs.extend(json_nums(state)?);
        Ok(())
    }
}

/// `median`: the middle value of the sorted numeric values; with an even
/// number of values, the higher of the two middle ones (Search Reference,
/// "Statistical and charting functions", median: "If you have an even number
/// of events, by default the median calculation is approximated to the higher
/// of the two values"), not their average.
struct Median(Vec<f64>);
impl Accumulator for Median {
    fn add(&mut self, v: &Value, _t: Option<f64>) {
        if let Some(x) = v.as_num() {
            self.0.push(x);
        }
    }
    fn result(&self) -> Value {
        if self.0.is_empty() {
            return Value::Null;
        }
        let mut xs = self.0.clone();
        xs.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        Value::Num(xs[xs.len() / 2])
    }
    fn state(&self) -> J {
        J::Array(self.0.iter().map(|x| num_json(*x)).collect())
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        self.0.extend(json_nums(state)?);
        Ok(())
    }
}

/// `estdc_error`: the error of `estdc`'s estimate, `|estimate − real| / real`.
/// Our `estdc` counts exactly, so the error is 0 once there is a value.
struct EstdcError(bool);
impl Accumulator for EstdcError {
    fn add(&mut self, v: &Value, _t: Option<f64>) {
        if !v.is_null() {
            self.0 = true;
        }
    }
    fn result(&self) -> Value {
        if self.0 {
            Value::Num(0.0)
        } else {
            Value::Null
        }
    }
    fn state(&self) -> J {
        J::Bool(self.0)
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        self.0 |= state
            .as_bool()
            .ok_or_else(|| format!("bad estdc_error state {state}"))?;
        Ok(())
    }
}

/// `rate(X)`: `(latest(X) − earliest(X)) / (latest_time(X) − earliest_time(X))`
/// over the numeric values, for counters; null when the times are equal.
/// Each end is (time, value, arrival key).
#[derive(Default)]
struct Rate {
    first: Option<(f64, f64, f64)>,
    last: Option<(f64, f64, f64)>,
}
/// Whether a candidate end (time `t`, arrival key `a`) replaces `cur`: an
/// earlier (`later`: a later) time wins; on a tie in time, only one that
/// arrived earlier (merging a later shard's state).
fn end_wins(cur: &Option<(f64, f64, f64)>, t: f64, a: Option<f64>, later: bool) -> bool {
    match cur {
        None => true,
        Some((ct, _, ca)) => {
            (if later { t > *ct } else { t < *ct }) || a.is_some_and(|a| t == *ct && a > *ca)
        }
    }
}
fn end_json(e: &Option<(f64, f64, f64)>) -> J {
    match e {
        None => J::Null,
        Some((t, x, a)) => J::Array(vec![num_json(*t), num_json(*x), num_json(*a)]),
    }
}
fn json_end(j: &J) -> Result<Option<(f64, f64, f64)>, String> {
    if j.is_null() {
        return Ok(None);
    }
    match json_nums(j)?.as_slice() {
        [t, x, a] => Ok(Some((*t, *x, *a))),
        _ => Err(format!("bad rate state {j}")),
    }
}
impl Accumulator for Rate {
    fn add(&mut self, v: &Value, t: Option<f64>) {
        self.add_ordered(v, t, 0.0)
    }
    fn add_ordered(&mut self, v: &Value, t: Option<f64>, arrival: f64) {
        let (Some(t), Some(x)) = (t, v.as_num()) else {
            return;
        };
        if end_wins(&self.first, t, None, false) {
            self.first = Some((t, x, arrival));
        }
        if end_wins(&self.last, t, None, true) {
            self.last = Some((t, x, arrival));
        }
    }
    fn result(&self) -> Value {
        match (self.first, self.last) {
            (Some((t0, x0, _)), Some((t1, x1, _))) if t1 > t0 => Value::Num((x1 - x0) / (t1 - t0)),
            _ => Value::Null,
        }
    }
    fn state(&self) -> J {
        serde_json::json!({ "first": end_json(&self.first), "last": end_json(&self.last) })
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        if let Some((t, x, a)) = json_end(field(state, "first")?)? {
            if end_wins(&self.first, t, Some(a), false) {
                self.first = Some((t, x, a));
            }
        }
        if let Some((t, x, a)) = json_end(field(state, "last")?)? {
            if end_wins(&self.last, t, Some(a), true) {
                self.last = Some((t, x, a));
            }
        }
        Ok(())
    }
}

/// `mode`: the most frequent value (first seen wins a tie). Per value: its
/// count, when it was first seen (arrival key, then position), for merging.
#[derive(Default)]
struct Mode {
    counts: HashMap<String, ModeEntry>,
    /// The next first-seen position.
    next: usize,
}
#[derive(Clone, Copy)]
struct ModeEntry {
    count: u64,
    pos: usize,
    arrival: f64,
}
impl Accumulator for Mode {
    fn add(&mut self, v: &Value, t: Option<f64>) {
        self.add_ordered(v, t, 0.0)
    }
    fn add_ordered(&mut self, v: &Value, _t: Option<f64>, arrival: f64) {
        let pos = self.next;
        let e = self.counts.entry(key(v)).or_insert_with(|| ModeEntry {
            count: 0,
            pos,
            arrival,
        });
        if e.pos == pos {
            self.next += 1;
        }
        e.count += 1;
    }
    fn result(&self) -> Value {
        // Most frequent; on a tie the first seen: the largest arrival key, then the earliest position.
        self.counts
            .iter()
            .max_by(|a, b| {
                a.1.count
                    .cmp(&b.1.count)
                    .then(a.1.arrival.total_cmp(&b.1.arrival))
                    .then(b.1.pos.cmp(&a.1.pos))
            })
            .map(|(k, _)| Value::Str(k.clone()))
            .unwrap_or(Value::Null)
    }
    fn state(&self) -> J {
        let mut v: Vec<(&String, &ModeEntry)> = self.counts.iter().collect();
        v.sort_by_key(|(_, e)| e.pos);
        J::Array(
            v.into_iter()
                .map(|(k, e)| serde_json::json!([k, e.count, num_json(e.arrival)]))
                .collect(),
        )
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        let items = state
            .as_array()
            .ok_or_else(|| format!("bad mode state {state}"))?;
        let base = self.next;
        for (k, item) in items.iter().enumerate() {
            let bad = || format!("bad mode state entry {item}");
            let (Some(name), Some(count), Some(arrival)) = (
                item.get(0).and_then(J::as_str),
                item.get(1).and_then(J::as_u64),
                item.get(2),
            ) else {
                return Err(bad());
            };
            let arrival = json_num(arrival)?;
            let theirs = ModeEntry {
                count,
                pos: base + k,
                arrival,
            };
            match self.counts.get_mut(name) {
                Some(e) => {
                    e.count += count;
                    if arrival > e.arrival {
                        e.pos = theirs.pos;
                        e.arrival = arrival;
                    }
                }
                None => {
                    self.counts.insert(name.to_string(), theirs);
                }
            }
        }
        self.next = base + items.len();
        Ok(())
    }
}

/// `earliest`/`latest` (the value at the smallest/largest `_time`) and
/// `earliest_time`/`latest_time` (that time itself).
struct ByTime {
    latest: bool,
    want_time: bool,
    /// Time, value, arrival key.
    best: Option<(f64, Value, f64)>,
}
impl ByTime {
    fn new(latest: bool, want_time: bool) -> ByTime {
        ByTime {
            latest,
            want_time,
            best: None,
        }
    }
}
impl ByTime {
    /// Whether a value at `t` replaces the best; on a tie in time, only one
    /// that arrived earlier (merging a later shard's state).
    fn better(&self, t: f64, arrival: Option<f64>) -> bool {
        match &self.best {
            None => true,
            Some((bt, _, ba)) => {
                (if self.latest { t > *bt } else { t < *bt })
                    || arrival.is_some_and(|a| t == *bt && a > *ba)
            }
        }
    }
}
impl Accumulator for ByTime {
    fn add(&mut self, v: &Value, t: Option<f64>) {
        self.add_ordered(v, t, 0.0)
    }
    fn add_ordered(&mut self, v: &Value, t: Option<f64>, arrival: f64) {
        let Some(t) = t else { return };
        if self.better(t, None) {
            self.best = Some((t, v.clone(), arrival));
        }
    }
    fn result(&self) -> Value {
        match &self.best {
            None => Value::Null,
            Some((t, _, _)) if self.want_time => Value::Num(*t),
            Some((_, v, _)) => v.clone(),
        }
    }
    fn state(&self) -> J {
        match &self.best {
            None => J::Null,
            Some((t, v, a)) => {
                serde_json::json!({"t": num_json(*t), "v": value_json(v), "a": num_json(*a)})
            }
        }
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        if state.is_null() {
            return Ok(());
        }
        let t = json_num(field(state, "t")?)?;
        let a = json_num(field(state, "a")?)?;
        if self.better(t, Some(a)) {
            self.best = Some((t, json_value(field(state, "v")?)?, a));
        }
        Ok(())
    }
}

/// `first`: the first value seen in search order (the newest event), with its arrival key.
struct First(Option<(Value, f64)>);
impl Accumulator for First {
    fn add(&mut self, v: &Value, t: Option<f64>) {
        self.add_ordered(v, t, 0.0)
    }
    fn add_ordered(&mut self, v: &Value, _t: Option<f64>, arrival: f64) {
        if self.0.is_none() {
            self.0 = Some((v.clone(), arrival));
        }
    }
    fn result(&self) -> Value {
        self.0.as_ref().map_or(Value::Null, |(v, _)| v.clone())
    }
    fn state(&self) -> J {
        seen_json(&self.0)
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        if let Some((v, a)) = json_seen(state)? {
            // A later shard's value came first only when it is strictly newer.
            if self.0.as_ref().is_none_or(|(_, ours)| a > *ours) {
                self.0 = Some((v, a));
            }
        }
        Ok(())
    }
}

struct Last(Option<(Value, f64)>);
impl Accumulator for Last {
    fn add(&mut self, v: &Value, t: Option<f64>) {
        self.add_ordered(v, t, 0.0)
    }
    fn add_ordered(&mut self, v: &Value, _t: Option<f64>, arrival: f64) {
        self.0 = Some((v.clone(), arrival));
    }
    fn result(&self) -> Value {
        self.0.as_ref().map_or(Value::Null, |(v, _)| v.clone())
    }
    fn state(&self) -> J {
        seen_json(&self.0)
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        if let Some((v, a)) = json_seen(state)? {
            // A later shard's value came last unless it is strictly newer.
            if self.0.as_ref().is_none_or(|(_, ours)| a <= *ours) {
                self.0 = Some((v, a));
            }
        }
        Ok(())
    }
}

fn seen_json(s: &Option<(Value, f64)>) -> J {
    match s {
        None => J::Null,
        Some((v, a)) => serde_json::json!({"v": value_json(v), "a": num_json(*a)}),
    }
}

fn json_seen(j: &J) -> Result<Option<(Value, f64)>, String> {
    if j.is_null() {
        return Ok(None);
    }
    Ok(Some((
        json_value(field(j, "v")?)?,
        json_num(field(j, "a")?)?,
    )))
}

/// Renders an aggregate's default output name: `count`, `max(_time)`, `p95(x)`.
pub fn default_name(func: &str, arg: Option<&str>) -> String {
    match arg {
        None => func.to_string(),
        Some(a) => format!("{func}({a})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    fn run(name: &str, xs: &[&str]) -> Value {
        let mut a = make(name).unwrap();
        for x in xs {
            a.add(&Value::from(*x), None);
        }
        a.result()
    }

    #[test]
    fn basic_aggregates() {
        assert_eq!(run("count", &["a", "b"]), Value::Num(2.0));
        assert_eq!(run("dc", &["a", "b", "a"]), Value::Num(2.0));
        assert_eq!(run("sum", &["1", "2", "x"]), Value::Num(3.0));
        assert_eq!(run("avg", &["1", "2"]), Value::Num(1.5));
        assert_eq!(run("max", &["9", "10"]), Value::Num(10.0));
        assert_eq!(run("max", &["b", "a"]), Value::from("b"));
        assert_eq!(run("min", &["9", "10", "x"]), Value::Num(9.0));
        assert_eq!(
            run("values", &["b", "a", "b", "10", "9"]),
            Value::multi(vec!["10".into(), "9".into(), "a".into(), "b".into()])
        );
        assert_eq!(run("list", &["b", "a", "b"]).mv_count(), 3);
        assert_eq!(run("range", &["4", "10"]), Value::Num(6.0));
    }

    #[test]
    fn spread_and_percentiles() {
        // Sample standard deviation of 2,4,4,4,5,5,7,9 is ~2.138; population is 2.
        let xs = ["2", "4", "4", "4", "5", "5", "7", "9"];
        assert_eq!(run("stdevp", &xs), Value::Num(2.0));
        let Value::Num(s) = run("stdev", &xs) else {
            panic!()
        };
        assert!((s - 2.138).abs() < 0.001);
        assert_eq!(run("median", &["1", "3", "2"]), Value::Num(2.0));
        // Search Reference, "Statistical and charting functions", median: an
        // even number of values gives the higher of the two middle ones.
        assert_eq!(run("median", &["1", "2", "3", "4"]), Value::Num(3.0));
        assert_eq!(run("p50", &["1", "2", "3", "4"]), Value::Num(2.5));
        // perc: Y = {10,9,…,1} gives perc50(Y) 5.5 and perc95(Y) 9.55.
        let y = ["10", "9", "8", "7", "6", "5", "4", "3", "2", "1"];
        assert_eq!(run("perc50", &y), Value::Num(5.5));
        let Value::Num(p95) = run("perc95", &y) else {
            panic!()
        };
        assert!((p95 - 9.55).abs() < 1e-9);
        assert_eq!(run("exactperc50", &y), Value::Num(5.5));
        assert_eq!(run("upperperc50", &y), Value::Num(5.5));
        assert_eq!(run("mode", &["a", "b", "b"]), Value::from("b"));
        assert!(lookup("perc95").is_some());
        assert!(lookup("exactperc99").is_some());
        assert!(lookup("nosuch").is_none());
    }

    /// Every name the registry answers to, percentiles included.
    const ALL: &[&str] = &[
        "count",
        "c",
        "dc",
        "distinct_count",
        "estdc",
        "values",
        "list",
        "min",
        "max",
        "sum",
        "avg",
        "mean",
        "stdev",
        "stdevp",
        "var",
        "varp",
        "sumsq",
        "range",
        "median",
        "mode",
        "p95",
        "perc50",
        "exactperc99",
        "upperperc10",
        "earliest",
        "latest",
        "earliest_time",
        "latest_time",
        "estdc_error",
        "rate",
        "first",
        "sparkline",
        "per_second",
        "per_minute",
        "per_hour",
        "per_day",
        "last",
    ];

    /// (value, _time, arrival key) items: numbers, strings, repeats, tied times.
    fn items(rng: &mut StdRng, n: usize) -> Vec<(Value, Option<f64>, f64)> {
        (0..n)
            .map(|_| {
                let v = match rng.random_range(0..6) {
                    0 => Value::from(["a", "b", "c", "Z", "10"][rng.random_range(0..5) as usize]),
                    1 => Value::Num(rng.random_range(0..8) as f64 + 0.5),
                    2 => Value::Null,
                    _ => Value::Num(rng.random_range(0..40) as f64 - 5.0),
                };
                let t = if rng.random_range(0..10) == 0 {
                    None
                } else {
                    Some(1_700_000_000.0 + 1800.0 * rng.random_range(0..12) as f64)
                };
                let arrival = match t {
                    Some(t) if rng.random_range(0..3) > 0 => t,
                    _ => f64::NEG_INFINITY,
                };
                (v, t, arrival)
            })
            .collect()
    }

    /// Shards cut at random points; each shard sees its items in search order
    /// (arrival key descending, stable) when `ordered`, else in input order.
    /// One accumulator over all items (in the same order over the whole
    /// input) must give what merging the shards' states in order gives.
    fn split_check(name: &str, rng: &mut StdRng, ordered: bool) {
        let n = rng.random_range(0..60) as usize;
        let mut all = items(rng, n);
        if !ordered {
            for it in &mut all {
                it.2 = 0.0;
            }
        }
        let shards = 1 + rng.random_range(0..5) as usize;
        let mut cuts: Vec<usize> = (1..shards)
            .map(|_| rng.random_range(0..n as u64 + 1) as usize)
            .collect();
        cuts.push(0);
        cuts.push(n);
        cuts.sort();
        let order = |xs: &mut Vec<(Value, Option<f64>, f64)>| {
            if ordered {
                xs.sort_by(|a, b| b.2.total_cmp(&a.2));
            }
        };
        let mut one = make(name).unwrap();
        let mut whole = all.clone();
        order(&mut whole);
        for (v, t, a) in &whole {
            one.add_ordered(v, *t, *a);
        }
        let mut merged = make(name).unwrap();
        for w in cuts.windows(2) {
            let mut part = all[w[0]..w[1]].to_vec();
            order(&mut part);
            let mut acc = make(name).unwrap();
            for (v, t, a) in &part {
                acc.add_ordered(v, *t, *a);
            }
            // Through text, as a partial file carries it.
            let text = serde_json::to_string(&acc.state()).unwrap();
            let state: J = serde_json::from_str(&text).unwrap();
            merged.merge(&state).unwrap();
        }
        assert_eq!(
            format!("{:?}", merged.result()),
            format!("{:?}", one.result()),
            "{name} (ordered: {ordered}) over {whole:?} cut at {cuts:?}"
        );
    }

    #[test]
    fn merged_states_equal_one_accumulator() {
        let mut rng = StdRng::seed_from_u64(0x9e37_79b9_7f4a_7c15);
        for name in ALL {
            for _ in 0..200 {
                split_check(name, &mut rng, false);
                split_check(name, &mut rng, true);
            }
        }
    }

    #[test]
    fn every_registry_function_has_a_state() {
        for f in STATS_FUNCTIONS {
            let name = if f.name == "perc" { "perc50" } else { f.name };
            assert!(
                ALL.contains(&f.name) || f.name == "perc",
                "{} is not in the split test",
                f.name
            );
            let mut a = make(name).unwrap();
            a.add(&Value::from("3"), Some(5.0));
            let mut b = make(name).unwrap();
            b.merge(&a.state()).unwrap();
            assert_eq!(
                format!("{:?}", b.result()),
                format!("{:?}", a.result()),
                "{name}"
            );
        }
    }

    #[test]
    fn list_keeps_100_after_merge() {
        let mut a = make("list").unwrap();
        let mut b = make("list").unwrap();
        for k in 0..80 {
            a.add_ordered(&Value::Num(k as f64), None, 10.0);
            b.add_ordered(&Value::Num(100.0 + k as f64), None, 20.0);
        }
        let mut m = make("list").unwrap();
        m.merge(&a.state()).unwrap();
        m.merge(&b.state()).unwrap();
        let r = m.result();
        assert_eq!(r.mv_count(), 100);
        // b's values are newer: they come first.
        assert_eq!(r.values()[0], Value::Num(100.0));
        assert_eq!(r.values()[80], Value::Num(0.0));
    }
}
