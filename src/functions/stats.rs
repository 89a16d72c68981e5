//! Aggregation functions for `stats` (and later `eventstats`, `streamstats`,
//! `tstats`, `chart`): a registry of (name, whether it takes a field,
//! whether it depends on event order, constructor).

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::base::value::Value;

/// Running state of one aggregation over one group.
pub trait Accumulator: Send {
    /// Adds one value (a multivalue field contributes each value separately);
    /// `time` is the event's `_time`.
    fn add(&mut self, v: &Value, time: Option<f64>);
    fn result(&self) -> Value;
}

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
        Box::new(Sparkline::default())
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
}

/// `list()`: every value in arrival order, at most 100 (Splunk's `list_maxsize`).
struct List(Vec<Value>);
pub const LIST_MAX: usize = 100;
impl Accumulator for List {
    fn add(&mut self, v: &Value, _t: Option<f64>) {
        if self.0.len() < LIST_MAX {
            self.0.push(v.clone());
        }
    }
    fn result(&self) -> Value {
        Value::multi(self.0.clone())
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
impl Accumulator for MinMax {
    fn add(&mut self, v: &Value, _t: Option<f64>) {
        if let Some(n) = v.as_num() {
            self.num = Some(match self.num {
                None => n,
                Some(m) if self.max => m.max(n),
                Some(m) => m.min(n),
            });
        } else if let Some(t) = v.as_text() {
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
    fn result(&self) -> Value {
        match (&self.num, &self.text) {
            (Some(n), _) => Value::Num(*n),
            (None, Some(t)) => Value::Str(t.clone()),
            _ => Value::Null,
        }
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
            MomentKind::Var | MomentKind::Stdev if m.n < 2 => return Value::Null,
            MomentKind::Var => ss / (n - 1.0),
            MomentKind::Stdev => (ss / (n - 1.0)).sqrt(),
        };
        Value::Num(r)
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
}

/// `rate(X)`: `(latest(X) − earliest(X)) / (latest_time(X) − earliest_time(X))`
/// over the numeric values, for counters; null when the times are equal.
#[derive(Default)]
struct Rate {
    first: Option<(f64, f64)>,
    last: Option<(f64, f64)>,
}
impl Accumulator for Rate {
    fn add(&mut self, v: &Value, t: Option<f64>) {
        let (Some(t), Some(x)) = (t, v.as_num()) else {
            return;
        };
        if self.first.is_none_or(|(ft, _)| t < ft) {
            self.first = Some((t, x));
        }
        if self.last.is_none_or(|(lt, _)| t > lt) {
            self.last = Some((t, x));
        }
    }
    fn result(&self) -> Value {
        match (self.first, self.last) {
            (Some((t0, x0)), Some((t1, x1))) if t1 > t0 => Value::Num((x1 - x0) / (t1 - t0)),
            _ => Value::Null,
        }
    }
}

/// `mode`: the most frequent value (first seen wins a tie).
#[derive(Default)]
struct Mode {
    counts: HashMap<String, (u64, usize)>,
}
impl Accumulator for Mode {
    fn add(&mut self, v: &Value, _t: Option<f64>) {
        let n = self.counts.len();
        self.counts.entry(key(v)).or_insert((0, n)).0 += 1;
    }
    fn result(&self) -> Value {
        self.counts
            .iter()
            .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
            .map(|(k, _)| Value::Str(k.clone()))
            .unwrap_or(Value::Null)
    }
}

/// `earliest`/`latest` (the value at the smallest/largest `_time`) and
/// `earliest_time`/`latest_time` (that time itself).
struct ByTime {
    latest: bool,
    want_time: bool,
    best: Option<(f64, Value)>,
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
impl Accumulator for ByTime {
    fn add(&mut self, v: &Value, t: Option<f64>) {
        let Some(t) = t else { return };
        let better = match &self.best {
            None => true,
            Some((bt, _)) => {
                if self.latest {
                    t > *bt
                } else {
                    t < *bt
                }
            }
        };
        if better {
            self.best = Some((t, v.clone()));
        }
    }
    fn result(&self) -> Value {
        match &self.best {
            None => Value::Null,
            Some((t, _)) if self.want_time => Value::Num(*t),
            Some((_, v)) => v.clone(),
        }
    }
}

/// `first`: the first value seen in search order (the newest event).
struct First(Option<Value>);
impl Accumulator for First {
    fn add(&mut self, v: &Value, _t: Option<f64>) {
        if self.0.is_none() {
            self.0 = Some(v.clone());
        }
    }
    fn result(&self) -> Value {
        self.0.clone().unwrap_or(Value::Null)
    }
}

struct Last(Option<Value>);
impl Accumulator for Last {
    fn add(&mut self, v: &Value, _t: Option<f64>) {
        self.0 = Some(v.clone());
    }
    fn result(&self) -> Value {
        self.0.clone().unwrap_or(Value::Null)
    }
}

/// `sparkline`: event counts per time bucket, as Splunk's multivalue
/// `##__SPARKLINE__##,n1,n2,…`. Buckets are one hour wide (Splunk derives the
/// width from the search's time range, which offline searches do not have).
#[derive(Default)]
struct Sparkline {
    times: Vec<f64>,
}
pub const SPARKLINE_SPAN: f64 = 3600.0;
impl Accumulator for Sparkline {
    fn add(&mut self, _v: &Value, t: Option<f64>) {
        if let Some(t) = t {
            self.times.push(t);
        }
    }
    fn result(&self) -> Value {
        let mut parts = vec![Value::from("##__SPARKLINE__##")];
        if let (Some(lo), Some(hi)) = (
            self.times.iter().cloned().reduce(f64::min),
            self.times.iter().cloned().reduce(f64::max),
        ) {
            let first = (lo / SPARKLINE_SPAN).floor();
            let n = ((hi / SPARKLINE_SPAN).floor() - first) as usize + 1;
            let mut counts = vec![0u64; n.min(10_000)];
            for t in &self.times {
                let i = ((t / SPARKLINE_SPAN).floor() - first) as usize;
                if let Some(c) = counts.get_mut(i) {
                    *c += 1;
                }
            }
            parts.extend(counts.into_iter().map(|c| Value::Str(c.to_string())));
        }
        Value::Multi(parts)
    }
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
}
