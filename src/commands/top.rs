//! `top [<N>] [countfield=<name>] [percentfield=<name>] [showcount=<bool>]
//! [showperc=<bool>] [limit=<N>] [useother=<bool>] [otherstr=<text>]
//! <field-list> [BY <field-list>]` and `rare` (same syntax, least common
//! first): the most (least) common combinations of the fields' values with
//! their count and percentage.
//!
//! Events lacking one of the fields (or a group-by field) are not counted; a
//! multivalue field counts each of its values. The percentage is of all the
//! counted values in the group, written with six decimals as Splunk does
//! (`33.333333`). Rows come grouped by the group-by values (sorted), then by
//! count (descending for `top`, ascending for `rare`), equal counts in value
//! order (from the last value for `top`, the first for `rare`). `limit=0` keeps every value; `useother=true` adds a row whose fields
//! are `otherstr` (default `OTHER`) holding the rest.

use std::any::Any;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use super::stats::group_keys;
use super::support::fields::{at_keyword, join_fields, list_item, FieldRef};
use super::support::stats_support::{bool_value, by_fields, key_text, known_option, uint_value};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::{sort_cmp, Value};
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "top",
    aliases: &[],
    parse: parse_top,
    syntax: "top [<N>] [limit=<N>] [countfield=<name>] [percentfield=<name>] [showcount=<bool>] \
             [showperc=<bool>] [useother=<bool>] [otherstr=<text>] <field>… [BY <field>…]",
    plan: super::planner::<TopCmd>,
};

const OPTIONS: &[&str] = &[
    "countfield",
    "percentfield",
    "showcount",
    "showperc",
    "limit",
    "useother",
    "otherstr",
];

/// Default number of rows per group.
pub const DEFAULT_LIMIT: u64 = 10;

#[derive(Debug)]
pub struct TopCmd {
    /// `rare` rather than `top`.
    pub rare: bool,
    /// The `N` written right after the command name.
    pub count: Option<u64>,
    pub options: Vec<Opt>,
    pub fields: Vec<FieldRef>,
    pub by: Vec<FieldRef>,
}

fn parse_top<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    parse_args(src, i, false)
}

/// Parses `top`/`rare` arguments.
pub fn parse_args<'a>(src: &Src<'a>, i: &'a str, rare: bool) -> PResult<'a, Box<dyn Command>> {
    let command = if rare { "rare" } else { "top" };
    let mut rest = ws(i);
    let mut count = None;
    if let Ok((r, n)) = lex::uint(rest) {
        if lex::ws1(r).is_some() {
            count = Some(n);
            rest = ws(r);
        }
    }
    let mut options = Vec::new();
    let mut fields = Vec::new();
    let mut by = Vec::new();
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if let Some((r, o)) = known_option(src, rest, OPTIONS, command)? {
            match o.key.to_ascii_lowercase().as_str() {
                "limit" => {
                    uint_value(&o)?;
                }
                "showcount" | "showperc" | "useother" => {
                    bool_value(&o)?;
                }
                _ => {}
            }
            options.push(o);
            rest = r;
            continue;
        }
        if let Some(after) = at_keyword(rest, &["by"]) {
            if !by.is_empty() {
                return cut(fail(rest, "only one BY clause is allowed"));
            }
            let (r, f) = by_fields(src, after, &[])?;
            if f.is_empty() {
                return cut(fail(r, "expected field names after BY"));
            }
            by = f;
            rest = r;
            continue;
        }
        if !by.is_empty() {
            return cut(fail(
                rest,
                format!("unexpected input after the {command} BY clause"),
            ));
        }
        let (r, f) = list_item(src, rest)?;
        fields.push(f);
        rest = r;
    }
    if fields.is_empty() {
        return cut(fail(rest, format!("{command} needs at least one field")));
    }
    Ok((
        rest,
        Box::new(TopCmd {
            rare,
            count,
            options,
            fields,
            by,
        }),
    ))
}

impl fmt::Display for TopCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.rare { "rare" } else { "top" })?;
        if let Some(n) = self.count {
            write!(f, " {n}")?;
        }
        for o in &self.options {
            write!(f, " {o}")?;
        }
        write!(f, " {}", join_fields(&self.fields))?;
        if !self.by.is_empty() {
            write!(f, " BY {}", join_fields(&self.by))?;
        }
        Ok(())
    }
}

impl Command for TopCmd {
    fn name(&self) -> &'static str {
        if self.rare {
            "rare"
        } else {
            "top"
        }
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Transforming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "count": self.count, "options": self.options, "fields": self.fields, "by": self.by
        })
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::replaces(
            self.fields.iter().chain(&self.by).map(|f| f.name.clone()),
        )
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for TopCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let mut op = TopOp {
            rare: self.rare,
            fields: self.fields.iter().map(|f| f.name.clone()).collect(),
            by: self.by.iter().map(|f| f.name.clone()).collect(),
            limit: self.count.unwrap_or(DEFAULT_LIMIT),
            countfield: "count".into(),
            percentfield: "percent".into(),
            showcount: true,
            showperc: true,
            useother: false,
            otherstr: "OTHER".into(),
            groups: HashMap::new(),
        };
        for o in &self.options {
            match o.key.to_ascii_lowercase().as_str() {
                "limit" => op.limit = o.value.trim().parse().unwrap_or(DEFAULT_LIMIT),
                "countfield" => op.countfield = o.value.clone(),
                "percentfield" => op.percentfield = o.value.clone(),
                "otherstr" => op.otherstr = o.value.clone(),
                "showcount" => op.showcount = o.as_bool().unwrap_or(true),
                "showperc" => op.showperc = o.as_bool().unwrap_or(true),
                "useother" => op.useother = o.as_bool().unwrap_or(false),
                _ => {}
            }
        }
        Ok(Box::new(op))
    }
}

struct Group {
    key: Vec<Value>,
    /// Each combination of values: the values and their count.
    counts: HashMap<Vec<String>, (Vec<Value>, u64)>,
    total: u64,
}

struct TopOp {
    rare: bool,
    fields: Vec<String>,
    by: Vec<String>,
    limit: u64,
    countfield: String,
    percentfield: String,
    showcount: bool,
    showperc: bool,
    useother: bool,
    otherstr: String,
    groups: HashMap<Vec<String>, Group>,
}

fn cmp_keys(a: &[Value], b: &[Value]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = sort_cmp(x, y);
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// A percentage as Splunk writes it in `top`/`rare`: six decimals.
pub fn format_percent(count: u64, total: u64) -> Value {
    let p = if total == 0 {
        0.0
    } else {
        count as f64 * 100.0 / total as f64
    };
    Value::Str(format!("{p:.6}"))
}

impl Operator for TopOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        let combos = group_keys(&ev, &self.fields);
        if combos.is_empty() {
            return Ok(());
        }
        for gkey in group_keys(&ev, &self.by) {
            let g = self.groups.entry(key_text(&gkey)).or_insert_with(|| Group {
                key: gkey,
                counts: HashMap::new(),
                total: 0,
            });
            for c in &combos {
                g.counts
                    .entry(key_text(c))
                    .or_insert_with(|| (c.clone(), 0))
                    .1 += 1;
                g.total += 1;
            }
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        // Keys that sort as equal (`1` and `01`, `0` and `0.0`) are kept
        // apart by their text, so the order never depends on hashing.
        let mut groups: Vec<(String, Group)> = std::mem::take(&mut self.groups)
            .into_iter()
            .map(|(k, g)| (k.join("\u{0}"), g))
            .collect();
        groups.sort_by(|a, b| cmp_keys(&a.1.key, &b.1.key).then_with(|| a.0.cmp(&b.0)));
        let mut seq = 0u64;
        for (_, g) in groups {
            let mut rows: Vec<(String, (Vec<Value>, u64))> = g
                .counts
                .into_iter()
                .map(|(k, r)| (k.join("\u{0}"), r))
                .collect();
            rows.sort_by(|(ka, a), (kb, b)| {
                let by_count = if self.rare {
                    a.1.cmp(&b.1)
                } else {
                    b.1.cmp(&a.1)
                };
                // Equal counts: Search Reference, top, "Lexicographic order
                // of results": `top limit=1 location by user` over three
                // equally common locations returns Orlando, "the last value
                // when sorted lexicographically", so top lists ties from the
                // last value; rare from the first.
                let by_value = cmp_keys(&a.0, &b.0).then_with(|| ka.cmp(kb));
                by_count.then(if self.rare {
                    by_value
                } else {
                    by_value.reverse()
                })
            });
            let mut rows: Vec<(Vec<Value>, u64)> = rows.into_iter().map(|(_, r)| r).collect();
            let keep = if self.limit == 0 {
                rows.len()
            } else {
                rows.len().min(self.limit.min(usize::MAX as u64) as usize)
            };
            let other: u64 = rows[keep..].iter().map(|r| r.1).sum();
            rows.truncate(keep);
            let mut emit = |vals: Vec<Value>, count: u64| -> Result<()> {
                let mut row = Event::with_capacity(self.by.len() + self.fields.len() + 2);
                row.seq = seq;
                seq += 1;
                for (f, v) in self.by.iter().zip(&g.key) {
                    row.set(f.clone(), v.clone());
                }
                for (f, v) in self.fields.iter().zip(vals) {
                    row.set(f.clone(), v);
                }
                if self.showcount {
                    row.set(self.countfield.clone(), Value::Num(count as f64));
                }
                if self.showperc {
                    row.set(self.percentfield.clone(), format_percent(count, g.total));
                }
                out(row)
            };
            for (vals, count) in rows {
                emit(vals, count)?;
            }
            if self.useother && other > 0 {
                let vals = vec![Value::Str(self.otherstr.clone()); self.fields.len()];
                emit(vals, other)?;
            }
        }
        Ok(())
    }
}
