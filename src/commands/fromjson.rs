//! `fromjson <field> [prefix=<string>]`: the top-level keys of a JSON object
//! held in a field become fields (named `<prefix><key>`). Arrays become
//! multivalue fields (objects inside them as JSON text), nested objects stay
//! JSON text, `null` makes no field.

use std::any::Any;
use std::fmt;

use serde_json::Value as J;

use super::support::fields::FieldRef;
use super::support::xutil::{self, get};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "fromjson",
    aliases: &[],
    parse,
    syntax: "fromjson <field> [prefix=<string>]",
    plan: super::planner::<FromjsonCmd>,
};

#[derive(Debug)]
pub struct FromjsonCmd {
    pub field: FieldRef,
    pub options: Vec<Opt>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, (field, options)) = xutil::one_field_and_options(
        src,
        i,
        "fromjson",
        &["prefix"],
        xutil::any_value,
        "fromjson needs a field holding JSON",
    )?;
    Ok((rest, Box::new(FromjsonCmd { field, options })))
}

impl fmt::Display for FromjsonCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fromjson {}", self.field)?;
        xutil::print_opts(f, &self.options)
    }
}

impl Command for FromjsonCmd {
    fn name(&self) -> &'static str {
        "fromjson"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "field": self.field, "options": self.options })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for FromjsonCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(FromjsonOp {
            field: self.field.name.clone(),
            prefix: get(&self.options, "prefix")
                .map(|o| o.value.clone())
                .unwrap_or_default(),
        }))
    }
}

struct FromjsonOp {
    field: String,
    prefix: String,
}

fn scalar(j: &J) -> Option<Value> {
    match j {
        J::Null => None,
        other => Some(Value::Str(super::spath::render_json(other))),
    }
}

impl Operator for FromjsonOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let text = ev
            .get(&self.field)
            .and_then(|v| v.as_text().map(|t| t.into_owned()));
        if let Some(Ok(J::Object(m))) = text.map(|t| serde_json::from_str::<J>(t.trim())) {
            for (k, v) in m {
                let val = match &v {
                    J::Array(a) => Value::multi(a.iter().filter_map(scalar).collect()),
                    other => scalar(other).unwrap_or(Value::Null),
                };
                let name = format!("{}{k}", self.prefix);
                if !val.is_null() {
                    ev.set(name, val);
                }
            }
        }
        out(ev)
    }
}
