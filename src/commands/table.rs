//! `table <field-list>`: a result table with exactly these columns, in this
//! order (a wildcard expands to its matching fields in name order).

use std::any::Any;
use std::fmt;

use super::support::fields::{field_list, join_fields, wildcard_captures, FieldRef};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "table",
    aliases: &[],
    parse,
    syntax: "table <field>[, <field>]… (wildcards allowed)",
    plan: super::planner::<TableCmd>,
};

#[derive(Debug)]
pub struct TableCmd {
    pub fields: Vec<FieldRef>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, fields) = field_list(src, i, &[])?;
    Ok((rest, Box::new(TableCmd { fields })))
}

impl fmt::Display for TableCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "table {}", join_fields(&self.fields))
    }
}

impl Command for TableCmd {
    fn name(&self) -> &'static str {
        "table"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Transforming
    }
    fn needs_time_order(&self) -> bool {
        true
    }
    fn columns(&self, _before: Option<Vec<String>>) -> Option<Vec<String>> {
        // Named columns show even when empty; wildcards only name what exists.
        if self.fields.iter().any(|f| f.name.contains('*')) {
            return None;
        }
        let mut cols: Vec<String> = Vec::with_capacity(self.fields.len());
        for f in &self.fields {
            if !cols.contains(&f.name) {
                cols.push(f.name.clone());
            }
        }
        Some(cols)
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "fields": self.fields })
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::replaces(self.fields.iter().map(|f| f.name.clone()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for TableCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(TableOp {
            fields: self.fields.iter().map(|f| f.name.clone()).collect(),
        }))
    }
}

struct TableOp {
    fields: Vec<String>,
}

/// Projects an event onto a list of field patterns, in pattern order.
pub fn project(ev: &Event, patterns: &[String]) -> Event {
    let mut row = Event::with_capacity(patterns.len());
    row.orig_time = ev.orig_time;
    row.seq = ev.seq;
    for p in patterns {
        if p.contains('*') {
            // The page's `table host action date_m*` shows date_mday,
            // date_minute, date_month: a wildcard's matches in name order.
            let mut hits: Vec<_> = ev
                .iter()
                .filter(|(k, _)| wildcard_captures(p, k).is_some() && !row.contains(k))
                .collect();
            hits.sort_by(|a, b| a.0.cmp(b.0));
            for (k, v) in hits {
                row.set(k.clone(), v.clone());
            }
        } else if let Some(v) = ev.get(p) {
            if !row.contains(p) {
                row.set(p.clone(), v.clone());
            }
        }
    }
    row
}

impl Operator for TableOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        out(project(&ev, &self.fields))
    }
}
