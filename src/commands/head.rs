//! `head [N | limit=N]`: the first N results (default 10), in search order.

use std::any::Any;
use std::fmt;

use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "head",
    aliases: &[],
    parse,
    syntax: "head [<N> | limit=<N>]",
    plan: super::planner::<HeadCmd>,
};

#[derive(Debug)]
pub struct HeadCmd {
    pub count: u64,
    /// Written as `limit=N`.
    pub as_option: bool,
}

/// Parses `N` or `limit=N` (shared by head and tail).
pub fn count_arg<'a>(src: &Src<'a>, i: &'a str, default: u64) -> PResult<'a, (u64, bool)> {
    let i = ws(i);
    if lex::at_command_end(i) {
        return Ok((i, (default, false)));
    }
    if let Some((
        rest,
        Opt {
            key, value, span, ..
        },
    )) = lex::option(i, src)
    {
        if key.eq_ignore_ascii_case("limit") {
            return match value.parse::<u64>() {
                Ok(n) => Ok((rest, (n, true))),
                Err(_) => Err(nom::Err::Failure(lex::PErr::spanning(
                    span,
                    "limit must be a whole number",
                ))),
            };
        }
        return cut(fail(i, format!("unknown option '{key}'")));
    }
    let (rest, n) = cut(lex::uint(i))?;
    Ok((rest, (n, false)))
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, (count, as_option)) = count_arg(src, i, 10)?;
    Ok((rest, Box::new(HeadCmd { count, as_option })))
}

impl fmt::Display for HeadCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.as_option {
            write!(f, "head limit={}", self.count)
        } else {
            write!(f, "head {}", self.count)
        }
    }
}

impl Command for HeadCmd {
    fn name(&self) -> &'static str {
        "head"
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

impl ToOperator for HeadCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(HeadOp { left: self.count }))
    }
}

struct HeadOp {
    left: u64,
}

impl Operator for HeadOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if self.left > 0 {
            self.left -= 1;
            out(ev)?;
        }
        Ok(())
    }
    fn done(&self) -> bool {
        self.left == 0
    }
}
