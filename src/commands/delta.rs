//! `delta <field> [AS <newfield>] [p=<int>]`: for each result where the
//! field is a number, the field minus its value `p` results earlier (in the
//! order results arrive), into `newfield` (default `delta(<field>)`).
//! Results where the field is not a number get no output field and do not
//! count as one of the `p` earlier results (Search Reference, delta).

use std::any::Any;
use std::collections::VecDeque;
use std::fmt;

use super::support::series::{self, FieldAs};
use super::support::xutil::{self, get};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "delta",
    aliases: &[],
    parse,
    syntax: "delta <field> [AS <newfield>] [p=<int>]",
    plan: super::planner::<DeltaCmd>,
};

/// The farthest back `p` may look (the values held per search).
pub const MAX_P: u64 = 100_000;

#[derive(Debug)]
pub struct DeltaCmd {
    pub args: FieldAs,
    pub p: u64,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, args) = series::parse(src, i, "delta", &["p"])?;
    let p = match get(&args.options, "p") {
        Some(o) => {
            let n = xutil::check_uint(o)?;
            if n == 0 || n > MAX_P {
                return Err(nom::Err::Failure(PErr::spanning(
                    o.span,
                    format!("delta's p must be between 1 and {MAX_P}"),
                )));
            }
            n
        }
        None => 1,
    };
    Ok((rest, Box::new(DeltaCmd { args, p })))
}

impl fmt::Display for DeltaCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "delta {}", self.args)
    }
}

impl DeltaCmd {
    fn target(&self) -> String {
        match &self.args.alias {
            Some(a) => a.name.clone(),
            None => format!("delta({})", self.args.field.name),
        }
    }
}

impl Command for DeltaCmd {
    fn name(&self) -> &'static str {
        "delta"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "args": self.args, "p": self.p })
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

impl ToOperator for DeltaCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(DeltaOp {
            field: self.args.field.name.clone(),
            target: self.target(),
            p: self.p as usize,
            prev: VecDeque::new(),
        }))
    }
}

struct DeltaOp {
    field: String,
    target: String,
    p: usize,
    /// The last `p` numeric values, oldest first.
    prev: VecDeque<f64>,
}

impl Operator for DeltaOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if let Some(n) = ev.get(&self.field).and_then(Value::as_num) {
            if self.prev.len() == self.p {
                let then = self.prev.pop_front().unwrap_or(0.0);
                ev.set(self.target.clone(), Value::Num(n - then));
            }
            self.prev.push_back(n);
        }
        out(ev)
    }
}
