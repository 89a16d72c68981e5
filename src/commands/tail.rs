//! `tail [N]`: the last N results (default 10), returned in reverse order
//! (last result first), as Splunk does.

use std::any::Any;
use std::collections::VecDeque;
use std::fmt;

use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "tail",
    aliases: &[],
    parse,
    syntax: "tail [<N>]",
    plan: super::planner::<TailCmd>,
};

#[derive(Debug)]
pub struct TailCmd {
    pub count: u64,
    pub as_option: bool,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, (count, as_option)) = super::head::count_arg(src, i, 10)?;
    Ok((rest, Box::new(TailCmd { count, as_option })))
}

impl fmt::Display for TailCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.as_option {
            write!(f, "tail limit={}", self.count)
        } else {
            write!(f, "tail {}", self.count)
        }
    }
}

impl Command for TailCmd {
    fn name(&self) -> &'static str {
        "tail"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "count": self.count, "limit_option": self.as_option })
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::Reads(Vec::new())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for TailCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(TailOp {
            n: self.count as usize,
            buf: VecDeque::new(),
        }))
    }
}

struct TailOp {
    n: usize,
    buf: VecDeque<Event>,
}

impl Operator for TailOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        if self.n == 0 {
            return Ok(());
        }
        if self.buf.len() == self.n {
            self.buf.pop_front();
        }
        self.buf.push_back(ev);
        Ok(())
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        while let Some(ev) = self.buf.pop_back() {
            out(ev)?;
        }
        Ok(())
    }
}
