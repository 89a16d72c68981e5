//! `accum <field> [AS <newfield>]`: for each result where the field is a
//! number, the running total of the field so far, written back to the field
//! or to `newfield`; other results pass unchanged (Search Reference, accum).

use std::any::Any;
use std::fmt;

use super::support::series::{self, FieldAs};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "accum",
    aliases: &[],
    parse,
    syntax: "accum <field> [AS <newfield>]",
    plan: super::planner::<AccumCmd>,
};

#[derive(Debug)]
pub struct AccumCmd {
    pub args: FieldAs,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, args) = series::parse(src, i, "accum", &[])?;
    Ok((rest, Box::new(AccumCmd { args })))
}

impl fmt::Display for AccumCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "accum {}", self.args)
    }
}

impl Command for AccumCmd {
    fn name(&self) -> &'static str {
        "accum"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "args": self.args })
    }
    fn writes(&self) -> Vec<String> {
        vec![self.target()]
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::reads([self.args.field.name.clone()])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl AccumCmd {
    fn target(&self) -> String {
        self.args
            .alias
            .as_ref()
            .unwrap_or(&self.args.field)
            .name
            .clone()
    }
}

impl ToOperator for AccumCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(AccumOp {
            field: self.args.field.name.clone(),
            target: self.target(),
            total: 0.0,
        }))
    }
}

struct AccumOp {
    field: String,
    target: String,
    total: f64,
}

impl Operator for AccumOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if let Some(n) = ev.get(&self.field).and_then(Value::as_num) {
            self.total += n;
            ev.set(self.target.clone(), Value::Num(self.total));
        }
        out(ev)
    }
}
