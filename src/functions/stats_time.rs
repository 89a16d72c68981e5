//! The stats functions that work per time bucket: `sparkline(<func>…)`
//! (the function per bucket of its own span) and timechart's `per_second`,
//! `per_minute`, `per_hour`, `per_day` (the bucket's sum over its width).

use serde_json::Value as J;

use super::state::{field, json_num, num_json};
use super::stats::{make, Accumulator};
use crate::base::value::Value;

/// Whether a function is `per_second`, `per_minute`, `per_hour` or
/// `per_day` (timechart only: it needs the width of the time bucket).
pub fn per_unit(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "per_second" | "per_minute" | "per_hour" | "per_day"
    )
}

/// `sparkline[(<func>[(<field>)][, <span>])]`: the inner function's value
/// per time bucket, as Splunk's multivalue `##__SPARKLINE__##,v1,v2,…`, from
/// the first bucket with an event to the last (a bucket without events is
/// `0`, as is one whose function has no value). Buckets are `span` seconds
/// wide from the epoch; the bare form counts events per hour (Splunk derives
/// the default width from the search's time range, which offline searches do
/// not have). At most [`SPARKLINE_MAX_BUCKETS`] values are given: when the
/// buckets span more, each value merges that many consecutive buckets.
pub struct Sparkline {
    func: String,
    span: f64,
    buckets: std::collections::BTreeMap<i64, Box<dyn Accumulator>>,
}
pub const SPARKLINE_SPAN: f64 = 3600.0;
/// The most values a sparkline holds (more buckets are merged into wider ones).
pub const SPARKLINE_MAX_BUCKETS: usize = 10_000;

/// The functions a sparkline applies per bucket (Search Reference, stats,
/// "sparkline-func": c, count, dc, mean, avg, stdev, stdevp, var, varp, sum,
/// sumsq, min, max, range; and estdc, which the estdc page's examples use).
pub const SPARKLINE_FUNCS: &[&str] = &[
    "c",
    "count",
    "dc",
    "distinct_count",
    "estdc",
    "mean",
    "avg",
    "stdev",
    "stdevp",
    "var",
    "varp",
    "sum",
    "sumsq",
    "min",
    "max",
    "range",
];

/// Whether `name` may be a sparkline's function.
pub fn sparkline_func(name: &str) -> bool {
    SPARKLINE_FUNCS.contains(&name.to_ascii_lowercase().as_str())
}

impl Sparkline {
    /// A sparkline of `func` (one of [`SPARKLINE_FUNCS`]) over buckets of
    /// `span` seconds (positive and finite).
    pub fn new(func: &str, span: f64) -> Sparkline {
        Sparkline {
            func: func.to_ascii_lowercase(),
            span,
            buckets: Default::default(),
        }
    }

    fn inner(&self) -> Box<dyn Accumulator> {
        make(&self.func)
            .or_else(|| make("count"))
            .expect("count is a stats function")
    }

    fn bucket_mut(&mut self, k: i64) -> &mut Box<dyn Accumulator> {
        if !self.buckets.contains_key(&k) {
            let acc = self.inner();
            self.buckets.insert(k, acc);
        }
        self.buckets.get_mut(&k).expect("inserted above")
    }
}

impl Accumulator for Sparkline {
    fn add(&mut self, v: &Value, t: Option<f64>) {
        let Some(t) = t else { return };
        let k = (t / self.span).floor();
        if !k.is_finite() {
            return;
        }
        // `as` saturates: times beyond i64 buckets share the extreme one.
        self.bucket_mut(k as i64).add(v, Some(t));
    }
    fn result(&self) -> Value {
        let mut parts = vec![Value::from("##__SPARKLINE__##")];
        if let (Some((&lo, _)), Some((&hi, _))) = (
            self.buckets.first_key_value(),
            self.buckets.last_key_value(),
        ) {
            // More buckets than a sparkline holds: each value covers
            // `per` consecutive buckets, merged, so no event is left out.
            let n = i128::from(hi) - i128::from(lo) + 1;
            let per =
                ((n + SPARKLINE_MAX_BUCKETS as i128 - 1) / SPARKLINE_MAX_BUCKETS as i128).max(1);
            let cells = (n + per - 1) / per;
            let mut groups = self.buckets.iter().peekable();
            for c in 0..cells {
                let end = i128::from(lo) + (c + 1) * per;
                let mut value = Value::Null;
                let mut merged: Option<Box<dyn Accumulator>> = None;
                while let Some((_, acc)) = groups.next_if(|(k, _)| i128::from(**k) < end) {
                    if per == 1 {
                        value = acc.result();
                    } else {
                        let _ = merged
                            .get_or_insert_with(|| self.inner())
                            .merge(&acc.state());
                    }
                }
                if let Some(m) = merged {
                    value = m.result();
                }
                parts.push(Value::Str(match value {
                    Value::Null => "0".to_string(),
                    v => v.to_display(" "),
                }));
            }
        }
        Value::Multi(parts)
    }
    fn state(&self) -> J {
        J::Array(
            self.buckets
                .iter()
                .map(|(k, acc)| serde_json::json!([k, acc.state()]))
                .collect(),
        )
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        let items = state
            .as_array()
            .ok_or_else(|| format!("bad sparkline state {state}"))?;
        for item in items {
            let (Some(k), Some(s)) = (item.get(0).and_then(J::as_i64), item.get(1)) else {
                return Err(format!("bad sparkline state entry {item}"));
            };
            self.bucket_mut(k).merge(s)?;
        }
        Ok(())
    }
}

/// `per_second`, `per_minute`, `per_hour`, `per_day` (timechart only): the
/// sum of the values in the bucket divided by the bucket's width in that
/// unit; no value until the width is known, or without numeric values.
pub(super) struct PerUnit {
    /// The unit in seconds.
    unit: f64,
    /// The number of numeric values and their sum.
    n: u64,
    sum: f64,
    width: Option<f64>,
}
impl PerUnit {
    pub(super) fn new(unit: f64) -> PerUnit {
        PerUnit {
            unit,
            n: 0,
            sum: 0.0,
            width: None,
        }
    }
}
impl Accumulator for PerUnit {
    fn add(&mut self, v: &Value, _t: Option<f64>) {
        // `per_day(eval(method="GET"))` (Time functions page: "how many
        // times the web pages were viewed"): a true comparison counts 1.
        let x = match v {
            Value::Bool(true) => Some(1.0),
            _ => v.as_num(),
        };
        if let Some(x) = x {
            self.n += 1;
            self.sum += x;
        }
    }
    fn set_bucket_width(&mut self, secs: f64) {
        self.width = Some(secs);
    }
    fn result(&self) -> Value {
        match (self.n, self.width) {
            (0, _) | (_, None) => Value::Null,
            (_, Some(w)) if w > 0.0 && w.is_finite() => Value::Num(self.sum * self.unit / w),
            _ => Value::Null,
        }
    }
    fn state(&self) -> J {
        serde_json::json!({"n": self.n, "sum": num_json(self.sum)})
    }
    fn merge(&mut self, state: &J) -> Result<(), String> {
        self.n += field(state, "n")?
            .as_u64()
            .ok_or_else(|| format!("bad per-unit state {state}"))?;
        self.sum += json_num(field(state, "sum")?)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_applies_its_function_per_bucket_and_merges() {
        let mut a = Sparkline::new("dc", 300.0);
        let mut b = Sparkline::new("dc", 300.0);
        a.add(&Value::from("x"), Some(0.0));
        a.add(&Value::from("y"), Some(10.0));
        b.add(&Value::from("x"), Some(20.0));
        b.add(&Value::from("z"), Some(900.0));
        let mut m = Sparkline::new("dc", 300.0);
        m.merge(&a.state()).unwrap();
        m.merge(&b.state()).unwrap();
        let text = |v: Value| v.to_display(",");
        assert_eq!(text(m.result()), "##__SPARKLINE__##,2,0,0,1");
        // Hostile widths stay bounded.
        let mut w = Sparkline::new("count", 1e-9);
        w.add(&Value::from("x"), Some(0.0));
        w.add(&Value::from("x"), Some(1e9));
        let r = w.result();
        assert!(
            r.mv_count() <= SPARKLINE_MAX_BUCKETS + 1,
            "{}",
            r.mv_count()
        );
        // Nothing is left out: the two events are the first and last values.
        let vals: Vec<String> = r.values().iter().map(|v| v.to_display("")).collect();
        assert_eq!(vals[1], "1");
        assert_eq!(vals.last().map(String::as_str), Some("1"));
        let total: f64 = vals[1..].iter().filter_map(|v| v.parse::<f64>().ok()).sum();
        assert_eq!(total, 2.0);
    }

    #[test]
    fn per_unit_divides_the_sum_by_the_bucket_width() {
        let mut a = make("per_minute").unwrap();
        for x in ["30", "90", "x"] {
            a.add(&Value::from(x), None);
        }
        assert_eq!(a.result(), Value::Null, "no width yet");
        a.set_bucket_width(3600.0);
        assert_eq!(a.result(), Value::Num(2.0));
        let mut e = make("per_second").unwrap();
        e.add(&Value::Bool(true), None);
        e.set_bucket_width(4.0);
        assert_eq!(e.result(), Value::Num(0.25));
    }
}
