//! `where <eval-expression>`: keeps events for which the expression is true.

use std::any::Any;
use std::fmt;

use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::eval::{self, Compiled};
use crate::functions::FnCtx;
use crate::spl::ast::{Command, CommandKind};
use crate::spl::expr::{parse_expr, Expr};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "where",
    aliases: &[],
    parse,
    syntax: "where <eval-expression>",
    plan: super::planner::<WhereCmd>,
};

#[derive(Debug)]
pub struct WhereCmd {
    pub expr: Expr,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, expr) = parse_expr(src, i)?;
    Ok((rest, Box::new(WhereCmd { expr })))
}

impl fmt::Display for WhereCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "where {}", self.expr)
    }
}

impl Command for WhereCmd {
    fn name(&self) -> &'static str {
        "where"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "expr": self.expr })
    }
    fn exprs(&self) -> Vec<&Expr> {
        vec![&self.expr]
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::exprs_flow(&[&self.expr], [])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for WhereCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(WhereOp {
            expr: eval::compile(&self.expr, &ctx.fn_ctx)?,
            ctx: ctx.fn_ctx.clone(),
        }))
    }
}

struct WhereOp {
    expr: Compiled,
    ctx: FnCtx,
}

impl Operator for WhereOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if eval::eval(&self.expr, &ev, &self.ctx)?.truthy_bool() {
            out(ev)?;
        }
        Ok(())
    }
}
