//! `addtotals [row=<bool>] [col=<bool>] [labelfield=<field>] [label=<string>]
//! [fieldname=<field>] [<field-list>]`.
//!
//! `row=true` (default) adds to each result the sum of its numeric fields
//! (the listed ones, wildcards allowed, or every numeric field other than
//! the internal `_` fields) in `fieldname` (default `Total`); a result with
//! no numeric field among them gets no total. Each value of a multivalue
//! field counts. `col=true` appends a result holding each summed field's
//! column sum, with `labelfield` set to `label` (default `Total`).

use std::any::Any;
use std::fmt;

use indexmap::IndexMap;

use super::support::fields::{join_fields, wildcard_captures, FieldRef};
use super::support::xutil::{self, check_bool, get, opt_bool};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::{parse_number, Value};
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "addtotals",
    aliases: &[],
    parse,
    syntax: "addtotals [row=<bool>] [col=<bool>] [labelfield=<field>] [label=<string>] [fieldname=<field>] [<field-list>]",
    plan: super::planner::<AddtotalsCmd>,
};

const OPTIONS: &[&str] = &["row", "col", "labelfield", "label", "fieldname"];

#[derive(Debug)]
pub struct AddtotalsCmd {
    pub options: Vec<Opt>,
    pub fields: Vec<FieldRef>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, (options, fields)) =
        xutil::options_and_fields(src, i, "addtotals", OPTIONS, &|o| {
            if matches!(o.key.to_ascii_lowercase().as_str(), "row" | "col") {
                check_bool(o)?;
            }
            Ok(())
        })?;
    Ok((rest, Box::new(AddtotalsCmd { options, fields })))
}

impl fmt::Display for AddtotalsCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("addtotals")?;
        xutil::print_opts(f, &self.options)?;
        if !self.fields.is_empty() {
            write!(f, " {}", join_fields(&self.fields))?;
        }
        Ok(())
    }
}

impl Command for AddtotalsCmd {
    fn name(&self) -> &'static str {
        "addtotals"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "fields": self.fields })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for AddtotalsCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let s = |k: &str, d: &str| {
            get(&self.options, k)
                .map(|o| o.value.clone())
                .unwrap_or_else(|| d.to_string())
        };
        Ok(Box::new(AddtotalsOp {
            row: opt_bool(&self.options, "row", true)?,
            col: opt_bool(&self.options, "col", false)?,
            fieldname: s("fieldname", "Total"),
            labelfield: get(&self.options, "labelfield").map(|o| o.value.clone()),
            label: s("label", "Total"),
            fields: self.fields.iter().map(|f| f.name.clone()).collect(),
            sums: IndexMap::new(),
        }))
    }
}

/// Column totals only (`addcoltotals`): a summary result after the last
/// one, with the sum of each numeric field (the listed ones, wildcards
/// allowed, or every field but the internal `_` ones) and `labelfield` set
/// to `label` when given.
pub(crate) fn column_totals(
    labelfield: Option<String>,
    label: String,
    fields: Vec<String>,
) -> Box<dyn Operator> {
    Box::new(AddtotalsOp {
        row: false,
        col: true,
        // No row total is written, so no field is kept out as one.
        fieldname: String::new(),
        labelfield,
        label,
        fields,
        sums: IndexMap::new(),
    })
}

struct AddtotalsOp {
    row: bool,
    col: bool,
    fieldname: String,
    labelfield: Option<String>,
    label: String,
    fields: Vec<String>,
    sums: IndexMap<String, f64>,
}

impl AddtotalsOp {
    fn included(&self, name: &str) -> bool {
        if self.fields.is_empty() {
            !name.starts_with('_') && name != self.fieldname
        } else {
            self.fields
                .iter()
                .any(|p| wildcard_captures(p, name).is_some())
        }
    }
}

/// The numeric values of a field (each value of a multivalue field).
fn numbers(v: &Value) -> Vec<f64> {
    v.values()
        .iter()
        .filter_map(|x| match x {
            Value::Num(n) => Some(*n),
            Value::Str(s) => parse_number(s),
            _ => None,
        })
        .collect()
}

impl Operator for AddtotalsOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if self.row {
            let mut total = 0.0;
            let mut any = false;
            for (k, v) in ev.iter() {
                if *k == self.fieldname || !self.included(k) {
                    continue;
                }
                for n in numbers(v) {
                    total += n;
                    any = true;
                }
            }
            if any {
                ev.set(self.fieldname.clone(), Value::Num(total));
            }
        }
        if self.col {
            let names: Vec<String> = ev.names().map(|n| n.to_string()).collect();
            for k in names {
                let counted = self.included(&k) || (self.row && k == self.fieldname);
                if !counted || Some(&k) == self.labelfield.as_ref() {
                    continue;
                }
                let ns = numbers(ev.get(&k).expect("listed"));
                if !ns.is_empty() {
                    *self.sums.entry(k).or_insert(0.0) += ns.iter().sum::<f64>();
                }
            }
        }
        out(ev)
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        if !self.col {
            return Ok(());
        }
        let mut row = Event::new();
        if let Some(lf) = &self.labelfield {
            row.set(lf.clone(), Value::Str(self.label.clone()));
        }
        for (k, s) in std::mem::take(&mut self.sums) {
            row.set(k, Value::Num(s));
        }
        row.seq = u64::MAX;
        out(row)
    }
}
