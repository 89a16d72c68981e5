//! `xyseries [grouped=<bool>] <x-field> <y-name-field> <y-data-field>[,
//! <y-data-field>]… [sep=<string>] [format=<string>]` (alias `maketable`):
//! the inverse of `untable`. One result per value of the x-field, with a
//! column per value of the y-name-field holding the y-data-field's value
//! (Search Reference, xyseries). With several data fields a column is named
//! by `format` (`$AGG$` the data field, `$VAL$` the name value; default
//! `$AGG$:$VAL$` as the page gives it, and `sep=<s>` means
//! `$AGG$<s>$VAL$`).
//!
//! Choices where the page is silent: rows come out sorted by the x value
//! and columns by name (as the page's example shows its columns); when two
//! results give the same x and name, the first one's value is kept; results
//! without the x-field or the y-name-field are left out.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;

use indexmap::IndexMap;

use super::support::fields::{join_fields, FieldRef};
use super::support::xutil::{self, get};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::{sort_cmp, Value};
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt, Span};
use crate::spl::lex::{self, cut, fail, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "xyseries",
    aliases: &["maketable"],
    parse,
    syntax: "xyseries [grouped=<bool>] <x-field> <y-name-field> <y-data-field>… [sep=<string>] [format=<string>]",
    plan: super::planner::<XyseriesCmd>,
};

/// The most columns `xyseries` and `transpose` make: past it they stop with
/// an error instead of building an unbounded table.
pub const MAX_COLUMNS: usize = 10_000;

#[derive(Debug)]
pub struct XyseriesCmd {
    pub options: Vec<Opt>,
    pub x: FieldRef,
    pub name: FieldRef,
    pub data: Vec<FieldRef>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, (options, mut fields)) = xutil::options_and_fields(
        src,
        i,
        "xyseries",
        &["grouped", "sep", "format"],
        &|o: &Opt| {
            if o.key.eq_ignore_ascii_case("grouped") {
                xutil::check_bool(o)?;
            }
            Ok(())
        },
    )?;
    if fields.len() < 3 {
        return cut(fail(
            lex::ws(rest),
            "xyseries needs <x-field> <y-name-field> and at least one <y-data-field>",
        ));
    }
    let data = fields.split_off(2);
    let name = fields.pop().expect("two fields");
    let x = fields.pop().expect("one field");
    Ok((
        rest,
        Box::new(XyseriesCmd {
            options,
            x,
            name,
            data,
        }),
    ))
}

impl fmt::Display for XyseriesCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("xyseries")?;
        for o in self
            .options
            .iter()
            .filter(|o| o.key.eq_ignore_ascii_case("grouped"))
        {
            write!(f, " {o}")?;
        }
        write!(f, " {} {} {}", self.x, self.name, join_fields(&self.data))?;
        for o in self
            .options
            .iter()
            .filter(|o| !o.key.eq_ignore_ascii_case("grouped"))
        {
            write!(f, " {o}")?;
        }
        Ok(())
    }
}

impl Command for XyseriesCmd {
    fn name(&self) -> &'static str {
        "xyseries"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Transforming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "x": self.x, "name": self.name, "data": self.data })
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::replaces(
            [&self.x, &self.name]
                .into_iter()
                .chain(&self.data)
                .map(|f| f.name.clone()),
        )
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for XyseriesCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        xutil::opt_bool(&self.options, "grouped", false)?;
        let format = match (get(&self.options, "format"), get(&self.options, "sep")) {
            (Some(f), _) => f.value.clone(),
            (None, Some(s)) => format!("$AGG${}$VAL$", s.value),
            // "the default for this example looks like
            // count(host):referrer_domain" (xyseries page, extended example).
            (None, None) => "$AGG$:$VAL$".to_string(),
        };
        Ok(Box::new(XyseriesOp {
            x: self.x.name.clone(),
            name: self.name.name.clone(),
            name_span: self.name.span,
            data: self.data.iter().map(|f| f.name.clone()).collect(),
            format,
            rows: IndexMap::new(),
            columns: BTreeMap::new(),
        }))
    }
}

struct XyseriesOp {
    x: String,
    name: String,
    name_span: Span,
    data: Vec<String>,
    format: String,
    /// x value (as text) → (x value, cells by column name).
    rows: IndexMap<String, (Value, IndexMap<String, Value>)>,
    /// Column name → (data field index, name value), for ordering.
    columns: BTreeMap<String, (usize, Value)>,
}

impl XyseriesOp {
    fn column(&self, agg: &str, val: &str) -> String {
        if self.data.len() == 1 {
            val.to_string()
        } else {
            self.format.replace("$AGG$", agg).replace("$VAL$", val)
        }
    }
}

impl Operator for XyseriesOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        let (Some(x), Some(n)) = (ev.get(&self.x), ev.get(&self.name)) else {
            return Ok(());
        };
        let xkey = x.to_display("\n");
        let nval = n.to_display("\n");
        for (k, d) in self.data.iter().enumerate() {
            let Some(v) = ev.get(d) else { continue };
            let col = self.column(d, &nval);
            if !self.columns.contains_key(&col) {
                if self.columns.len() >= MAX_COLUMNS {
                    return Err(SplError::runtime(format!(
                        "xyseries would make more than {MAX_COLUMNS} columns (one per value of {})",
                        self.name
                    ))
                    .at(self.name_span));
                }
                self.columns
                    .insert(col.clone(), (k, Value::Str(nval.clone())));
            }
            let row = self
                .rows
                .entry(xkey.clone())
                .or_insert_with(|| (x.clone(), IndexMap::new()));
            row.1.entry(col).or_insert_with(|| v.clone());
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        let mut cols: Vec<(&String, &(usize, Value))> = self.columns.iter().collect();
        cols.sort_by(|a, b| a.1 .0.cmp(&b.1 .0).then_with(|| sort_cmp(&a.1 .1, &b.1 .1)));
        let mut rows: Vec<(Value, IndexMap<String, Value>)> =
            std::mem::take(&mut self.rows).into_values().collect();
        rows.sort_by(|a, b| sort_cmp(&a.0, &b.0));
        for (seq, (x, mut cells)) in rows.into_iter().enumerate() {
            let mut ev = Event::new();
            ev.seq = seq as u64;
            ev.set(self.x.clone(), x);
            for (c, _) in &cols {
                if let Some(v) = cells.shift_remove(*c) {
                    ev.set((*c).clone(), v);
                }
            }
            out(ev)?;
        }
        Ok(())
    }
}
