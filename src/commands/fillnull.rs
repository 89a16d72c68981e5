//! `fillnull [value=<string>] [<field-list>]`: gives missing fields a value
//! (default `0`). With a field list, those fields are set where missing
//! (created if no result has them). Without one, every field seen in any
//! result (other than the internal `_` fields) is filled in every result:
//! that needs all results, so the command holds them until the input ends.

use std::any::Any;
use std::fmt;

use indexmap::IndexSet;

use super::support::fields::{join_fields, FieldRef};
use super::support::xutil::{self, get};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "fillnull",
    aliases: &[],
    parse,
    syntax: "fillnull [value=<string>] [<field-list>]",
    plan: super::planner::<FillnullCmd>,
};

#[derive(Debug)]
pub struct FillnullCmd {
    pub options: Vec<Opt>,
    pub fields: Vec<FieldRef>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, (options, fields)) =
        xutil::options_and_fields(src, i, "fillnull", &["value"], &|_| Ok(()))?;
    Ok((rest, Box::new(FillnullCmd { options, fields })))
}

impl fmt::Display for FillnullCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("fillnull")?;
        xutil::print_opts(f, &self.options)?;
        if !self.fields.is_empty() {
            write!(f, " {}", join_fields(&self.fields))?;
        }
        Ok(())
    }
}

impl Command for FillnullCmd {
    fn name(&self) -> &'static str {
        "fillnull"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "fields": self.fields })
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        // Without a field list it fills every field.
        if self.fields.is_empty() {
            return crate::spl::fields::Flow::Any;
        }
        crate::spl::fields::Flow::reads(self.fields.iter().map(|f| f.name.clone()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for FillnullCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let value = get(&self.options, "value")
            .map(|o| o.value.clone())
            .unwrap_or_else(|| "0".into());
        Ok(Box::new(FillnullOp {
            value: Value::Str(value),
            fields: self.fields.iter().map(|f| f.name.clone()).collect(),
            seen: IndexSet::new(),
            buf: Vec::new(),
        }))
    }
}

struct FillnullOp {
    value: Value,
    fields: Vec<String>,
    seen: IndexSet<String>,
    buf: Vec<Event>,
}

impl Operator for FillnullOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if self.fields.is_empty() {
            for n in ev.names() {
                if !n.starts_with('_') && !self.seen.contains(n.as_str()) {
                    self.seen.insert(n.to_string());
                }
            }
            self.buf.push(ev);
            return Ok(());
        }
        for f in &self.fields {
            if !ev.contains(f) {
                ev.set(f.clone(), self.value.clone());
            }
        }
        out(ev)
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        for mut ev in std::mem::take(&mut self.buf) {
            for f in &self.seen {
                if !ev.contains(f) {
                    ev.set(f.clone(), self.value.clone());
                }
            }
            out(ev)?;
        }
        Ok(())
    }
}
