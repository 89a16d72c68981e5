//! `nomv <field>`: a multivalue field becomes one value, its values joined
//! with newlines; right after `mvcombine delim=<string> <field>` (the same
//! field), joined with that delimiter, as the mvcombine page says ("to use
//! the delim argument, you must use the nomv command immediately after the
//! mvcombine command").

use std::any::Any;
use std::fmt;

use super::support::fields::{field_ref, FieldRef};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "nomv",
    aliases: &[],
    parse,
    syntax: "nomv <field>",
    plan: super::planner::<NomvCmd>,
};

#[derive(Debug)]
pub struct NomvCmd {
    pub field: FieldRef,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, field) = crate::spl::lex::cut(field_ref(src, i))?;
    Ok((rest, Box::new(NomvCmd { field })))
}

impl fmt::Display for NomvCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "nomv {}", self.field)
    }
}

impl Command for NomvCmd {
    fn name(&self) -> &'static str {
        "nomv"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "field": self.field })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for NomvCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(self.op_with_delim("\n"))
    }
}

impl NomvCmd {
    /// The operator, joining the values with `delim`.
    pub fn op_with_delim(&self, delim: &str) -> Box<dyn Operator> {
        Box::new(NomvOp {
            field: self.field.name.clone(),
            delim: delim.to_string(),
        })
    }
}

/// The delimiter `nomv` joins with when it comes right after `prev`: the
/// `delim=` of an `mvcombine` of the same field.
pub fn delim_after(prev: &dyn Command, nomv: &NomvCmd) -> Option<String> {
    let m = prev
        .as_any()
        .downcast_ref::<super::mvcombine::MvcombineCmd>()?;
    if m.field.name != nomv.field.name {
        return None;
    }
    super::support::xutil::get(&m.options, "delim").map(|o| o.value.clone())
}

struct NomvOp {
    field: String,
    delim: String,
}

impl Operator for NomvOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if let Some(v @ Value::Multi(_)) = ev.get(&self.field) {
            let joined = Value::Str(v.to_display(&self.delim));
            ev.set(self.field.clone(), joined);
        }
        out(ev)
    }
}
