//! `filldown [<wc-field>…]`: a result missing a field takes the field's
//! last value from an earlier result (in the order results arrive). With no
//! field list every field is filled down (internal `_` fields aside); a
//! field with no earlier value stays missing (Search Reference, filldown).

use std::any::Any;
use std::fmt;

use indexmap::IndexMap;

use super::support::fields::{field_list, join_fields, wildcard_captures, FieldRef};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "filldown",
    aliases: &[],
    parse,
    syntax: "filldown [<wc-field>…]",
    plan: super::planner::<FilldownCmd>,
};

#[derive(Debug)]
pub struct FilldownCmd {
    pub fields: Vec<FieldRef>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, fields) = field_list(src, i, &[])?;
    Ok((rest, Box::new(FilldownCmd { fields })))
}

impl fmt::Display for FilldownCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("filldown")?;
        if !self.fields.is_empty() {
            write!(f, " {}", join_fields(&self.fields))?;
        }
        Ok(())
    }
}

impl Command for FilldownCmd {
    fn name(&self) -> &'static str {
        "filldown"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "fields": self.fields })
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        if self.fields.is_empty() {
            return crate::spl::fields::Flow::Any;
        }
        crate::spl::fields::Flow::reads(self.fields.iter().map(|f| f.name.clone()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for FilldownCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(FilldownOp {
            patterns: self.fields.iter().map(|f| f.name.clone()).collect(),
            last: IndexMap::new(),
        }))
    }
}

struct FilldownOp {
    /// Empty: every field that is not internal.
    patterns: Vec<String>,
    last: IndexMap<String, Value>,
}

impl FilldownOp {
    fn wanted(&self, name: &str) -> bool {
        if self.patterns.is_empty() {
            return !name.starts_with('_');
        }
        self.patterns
            .iter()
            .any(|p| wildcard_captures(p, name).is_some())
    }
}

impl Operator for FilldownOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        for (name, v) in &self.last {
            if !ev.contains(name) {
                ev.set(name.clone(), v.clone());
            }
        }
        let seen: Vec<(String, Value)> = ev
            .iter()
            .filter(|(n, _)| self.wanted(n))
            .map(|(n, v)| (n.to_string(), v.clone()))
            .collect();
        for (n, v) in seen {
            self.last.insert(n, v);
        }
        out(ev)
    }
}
