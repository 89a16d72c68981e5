//! `fieldsummary [maxvals=<unsigned_int>] [<wc-field-list>]`: one result per
//! field with summary statistics of its values (Search Reference,
//! "fieldsummary").
//!
//! The columns are the reference's: `field`, `count` (results holding the
//! field), `distinct_count`, `is_exact`, `max`, `mean`, `min` (over the
//! values that are numbers; absent when there are none), `numeric_count`,
//! `stdev` (sample standard deviation) and `values`, a JSON array of the
//! most frequent values with their counts. `maxvals` caps that array
//! (default 100, 0: no cap). Where the reference is silent the choices are
//! listed in grammar/README.md under "Differences we chose": rows sorted by
//! field name, ties in `values` by value, each value of a multivalue field
//! counted, internal fields (`_time`, `_raw`) only when named, and
//! `distinct_count` always exact while `is_exact` follows Splunk's rule (0
//! when the field has more distinct values than `maxvals`).

use std::any::Any;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use super::support::fields::wildcard_captures;
use super::support::scoring::OptsAndFields;
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "fieldsummary",
    aliases: &[],
    parse,
    syntax: "fieldsummary [maxvals=<unsigned_int>] [<wc-field-list>]",
    plan: super::planner::<FieldsummaryCmd>,
};

const OPTIONS: &[&str] = &["maxvals"];

/// Splunk's default `maxvals`.
pub const DEFAULT_MAXVALS: u64 = 100;

/// The result columns, in the reference's order.
pub const COLUMNS: &[&str] = &[
    "field",
    "count",
    "distinct_count",
    "is_exact",
    "max",
    "mean",
    "min",
    "numeric_count",
    "stdev",
    "values",
];

#[derive(Debug)]
pub struct FieldsummaryCmd(pub OptsAndFields);

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, of) = OptsAndFields::parse(src, i, "fieldsummary", OPTIONS, check)?;
    Ok((rest, Box::new(FieldsummaryCmd(of))))
}

/// The error for a value an option does not take.
fn check(o: &Opt) -> Option<String> {
    // maxvals is the only option.
    o.value.trim().parse::<u64>().is_err().then(|| {
        format!(
            "bad value for fieldsummary {}: expected a whole number, 0 or more (0: every value)",
            o.key
        )
    })
}

impl FieldsummaryCmd {
    /// The `maxvals` in force (0: no cap).
    pub fn maxvals(&self) -> u64 {
        self.0
            .option("maxvals")
            .and_then(|o| o.value.trim().parse::<u64>().ok())
            .unwrap_or(DEFAULT_MAXVALS)
    }
}

impl fmt::Display for FieldsummaryCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.print(f, "fieldsummary")
    }
}

impl Command for FieldsummaryCmd {
    fn name(&self) -> &'static str {
        "fieldsummary"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Transforming
    }
    fn to_json(&self) -> serde_json::Value {
        self.0.to_json()
    }
    fn columns(&self, _before: Option<Vec<String>>) -> Option<Vec<String>> {
        Some(COLUMNS.iter().map(|c| c.to_string()).collect())
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        if self.0.fields.is_empty() {
            crate::spl::fields::Flow::Any
        } else {
            crate::spl::fields::Flow::replaces(self.0.names())
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for FieldsummaryCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(FieldsummaryOp {
            patterns: self.0.names(),
            maxvals: self.maxvals(),
            fields: BTreeMap::new(),
            held: 0,
        }))
    }
}

/// One field's running summary.
#[derive(Default)]
struct Summary {
    /// Results holding the field.
    count: u64,
    /// Each distinct value's text and how many times it was seen.
    values: HashMap<String, u64>,
    numeric_count: u64,
    min: f64,
    max: f64,
    /// Welford's running mean and sum of squared deviations.
    mean: f64,
    m2: f64,
}

impl Summary {
    fn add_number(&mut self, x: f64) {
        if self.numeric_count == 0 {
            self.min = x;
            self.max = x;
        } else {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        self.numeric_count += 1;
        let d = x - self.mean;
        self.mean += d / self.numeric_count as f64;
        self.m2 += d * (x - self.mean);
    }

    /// The summary's result row for `field`.
    fn row(&self, field: &str, maxvals: u64) -> Event {
        let mut ev = Event::new();
        let distinct = self.values.len() as u64;
        ev.set("field", Value::str(field));
        ev.set("count", Value::Num(self.count as f64));
        ev.set("distinct_count", Value::Num(distinct as f64));
        let exact = maxvals == 0 || distinct <= maxvals;
        ev.set("is_exact", Value::Num(if exact { 1.0 } else { 0.0 }));
        if self.numeric_count > 0 {
            ev.set("max", Value::Num(self.max));
            ev.set("mean", Value::Num(self.mean));
            ev.set("min", Value::Num(self.min));
        }
        ev.set("numeric_count", Value::Num(self.numeric_count as f64));
        if self.numeric_count > 0 {
            let stdev = if self.numeric_count > 1 {
                (self.m2 / (self.numeric_count - 1) as f64).max(0.0).sqrt()
            } else {
                0.0
            };
            ev.set("stdev", Value::Num(stdev));
        }
        ev.set("values", Value::Str(self.values_json(maxvals)));
        ev
    }

    /// The `values` column: the most frequent values first (ties by value),
    /// at most `maxvals` of them (0: all).
    fn values_json(&self, maxvals: u64) -> String {
        let mut top: Vec<(&String, &u64)> = self.values.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        if maxvals > 0 {
            top.truncate(usize::try_from(maxvals).unwrap_or(usize::MAX));
        }
        // Written by hand so each object reads `value` then `count`, as the
        // reference shows it.
        let items: Vec<String> = top
            .into_iter()
            .map(|(v, n)| {
                format!(
                    "{{\"value\":{},\"count\":{n}}}",
                    serde_json::Value::String(v.clone())
                )
            })
            .collect();
        format!("[{}]", items.join(","))
    }
}

/// Summarises each field as results arrive; emits one row per field at the end.
struct FieldsummaryOp {
    /// The fields named (wildcards allowed); empty: every non-internal field.
    patterns: Vec<String>,
    maxvals: u64,
    /// Sorted by field name: the output order.
    fields: BTreeMap<String, Summary>,
    /// Distinct values held over all fields (bounded by the row budget).
    held: usize,
}

impl FieldsummaryOp {
    /// Is `name` summarised? With no field list, every field but internal
    /// ones; a pattern matches an internal field only when it starts with `_`.
    fn wanted(&self, name: &str) -> bool {
        if self.patterns.is_empty() {
            return !name.starts_with('_');
        }
        self.patterns.iter().any(|p| {
            (!name.starts_with('_') || p.starts_with('_')) && wildcard_captures(p, name).is_some()
        })
    }
}

impl Operator for FieldsummaryOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        for (name, value) in ev.iter() {
            if value.is_null() || !self.wanted(name.as_str()) {
                continue;
            }
            if !self.fields.contains_key(name.as_str()) {
                self.fields.insert(name.to_string(), Summary::default());
            }
            let Some(s) = self.fields.get_mut(name.as_str()) else {
                continue;
            };
            s.count += 1;
            for v in value.values() {
                let text = v.to_display("\n");
                match s.values.get_mut(&text) {
                    Some(n) => *n += 1,
                    None => {
                        self.held += 1;
                        crate::base::budget::ROWS.check(self.held, "fieldsummary")?;
                        s.values.insert(text, 1);
                    }
                }
                if let Some(x) = v.as_num().filter(|x| x.is_finite()) {
                    s.add_number(x);
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        for (n, (field, s)) in std::mem::take(&mut self.fields).into_iter().enumerate() {
            let mut row = s.row(&field, self.maxvals);
            row.seq = n as u64;
            out(row)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summarise(patterns: &[&str], maxvals: u64, events: Vec<Event>) -> Vec<Event> {
        let mut op = FieldsummaryOp {
            patterns: patterns.iter().map(|p| p.to_string()).collect(),
            maxvals,
            fields: BTreeMap::new(),
            held: 0,
        };
        let mut rows = Vec::new();
        for ev in events {
            op.push(ev, &mut |_| Ok(())).expect("push");
        }
        op.finish(&mut |r| {
            rows.push(r);
            Ok(())
        })
        .expect("finish");
        rows
    }

    fn ev(fields: &[(&str, Value)]) -> Event {
        let mut e = Event::new();
        for (k, v) in fields {
            e.set(*k, v.clone());
        }
        e
    }

    fn num(e: &Event, f: &str) -> Option<f64> {
        e.get(f).and_then(Value::as_num)
    }

    #[test]
    fn numeric_stats_use_the_sample_standard_deviation() {
        let events = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
            .iter()
            .map(|x| ev(&[("x", Value::Num(*x))]))
            .collect();
        let rows = summarise(&[], 100, events);
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(num(r, "count"), Some(8.0));
        assert_eq!(num(r, "distinct_count"), Some(5.0));
        assert_eq!(num(r, "min"), Some(2.0));
        assert_eq!(num(r, "max"), Some(9.0));
        assert_eq!(num(r, "mean"), Some(5.0));
        // Sum of squared deviations 32 over n-1 = 7.
        let sd = num(r, "stdev").expect("stdev");
        assert!((sd - (32.0f64 / 7.0).sqrt()).abs() < 1e-12, "{sd}");
    }

    #[test]
    fn text_fields_have_no_numeric_columns() {
        let rows = summarise(
            &[],
            100,
            vec![
                ev(&[("user", Value::str("a"))]),
                ev(&[("user", Value::str("b"))]),
            ],
        );
        let r = &rows[0];
        assert_eq!(num(r, "numeric_count"), Some(0.0));
        for c in ["min", "max", "mean", "stdev"] {
            assert!(r.get(c).is_none(), "{c}");
        }
    }

    #[test]
    fn values_are_ordered_by_count_then_value_and_capped_by_maxvals() {
        let events = ["b", "a", "c", "c", "b", "c"]
            .iter()
            .map(|v| ev(&[("f", Value::str(*v))]))
            .collect::<Vec<_>>();
        let rows = summarise(&[], 2, events.clone());
        let values = rows[0]
            .get("values")
            .and_then(Value::as_text)
            .expect("values");
        assert_eq!(
            values,
            r#"[{"value":"c","count":3},{"value":"b","count":2}]"#
        );
        assert_eq!(num(&rows[0], "is_exact"), Some(0.0));
        assert_eq!(num(&rows[0], "distinct_count"), Some(3.0));
        let all = summarise(&[], 0, events);
        let values = all[0]
            .get("values")
            .and_then(Value::as_text)
            .expect("values");
        assert!(values.ends_with(r#"{"value":"a","count":1}]"#), "{values}");
        assert_eq!(num(&all[0], "is_exact"), Some(1.0));
    }

    #[test]
    fn wildcards_and_internal_fields() {
        let e = || {
            ev(&[
                ("_time", Value::Num(1.0)),
                ("bytes_in", Value::Num(1.0)),
                ("bytes_out", Value::Num(2.0)),
                ("host", Value::str("h")),
            ])
        };
        let names = |rows: Vec<Event>| -> Vec<String> {
            rows.iter()
                .filter_map(|r| {
                    r.get("field")
                        .and_then(Value::as_text)
                        .map(|t| t.into_owned())
                })
                .collect()
        };
        assert_eq!(
            names(summarise(&[], 0, vec![e()])),
            ["bytes_in", "bytes_out", "host"]
        );
        assert_eq!(
            names(summarise(&["bytes_*"], 0, vec![e()])),
            ["bytes_in", "bytes_out"]
        );
        assert_eq!(
            names(summarise(&["*"], 0, vec![e()])),
            ["bytes_in", "bytes_out", "host"]
        );
        assert_eq!(
            names(summarise(&["_time", "host"], 0, vec![e()])),
            ["_time", "host"]
        );
    }

    #[test]
    fn multivalue_values_are_each_counted() {
        let rows = summarise(
            &[],
            0,
            vec![
                ev(&[("ip", Value::multi(vec![Value::str("1"), Value::str("x")]))]),
                ev(&[("ip", Value::str("1"))]),
            ],
        );
        let r = &rows[0];
        assert_eq!(num(r, "count"), Some(2.0));
        assert_eq!(num(r, "distinct_count"), Some(2.0));
        assert_eq!(num(r, "numeric_count"), Some(2.0));
    }
}
