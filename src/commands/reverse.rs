//! `reverse`: the results in the opposite order (Search Reference, reverse).
//! It holds every result until the input ends.

use std::any::Any;
use std::fmt;

use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "reverse",
    aliases: &[],
    parse,
    syntax: "reverse",
    plan: super::planner::<ReverseCmd>,
};

#[derive(Debug)]
pub struct ReverseCmd;

fn parse<'a>(_src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let rest = ws(i);
    if !lex::at_command_end(rest) {
        return cut(fail(rest, "reverse takes no arguments"));
    }
    Ok((rest, Box::new(ReverseCmd)))
}

impl fmt::Display for ReverseCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("reverse")
    }
}

impl Command for ReverseCmd {
    fn name(&self) -> &'static str {
        "reverse"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({})
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::Reads(Vec::new())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for ReverseCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(ReverseOp { buf: Vec::new() }))
    }
}

struct ReverseOp {
    buf: Vec<Event>,
}

impl Operator for ReverseOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        self.buf.push(ev);
        Ok(())
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        while let Some(ev) = self.buf.pop() {
            out(ev)?;
        }
        Ok(())
    }
}
