//! `eval field=expression[, field=expression]…`: computes fields, left to
//! right (a later assignment sees an earlier one).

use std::any::Any;
use std::fmt;

use super::support::fields::{field_ref, FieldRef};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::eval::{self, Compiled};
use crate::functions::FnCtx;
use crate::spl::ast::{Command, CommandKind};
use crate::spl::expr::{parse_expr, Expr};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "eval",
    aliases: &[],
    parse,
    syntax: "eval <field>=<expression> [, <field>=<expression>]…",
    plan: super::planner::<EvalCmd>,
};

#[derive(Debug, serde::Serialize)]
pub struct Assignment {
    pub field: FieldRef,
    pub expr: Expr,
}

#[derive(Debug)]
pub struct EvalCmd {
    pub assigns: Vec<Assignment>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut assigns = Vec::new();
    let mut rest = ws(i);
    loop {
        let (r, field) = field_ref(src, rest)?;
        let r = ws(r);
        let Some(r) = r.strip_prefix('=') else {
            return cut(fail(r, "expected '=' after the field name in eval"));
        };
        let (r, expr) = cut(parse_expr(src, r))?;
        assigns.push(Assignment { field, expr });
        let r = ws(r);
        match r.strip_prefix(',') {
            Some(after) => rest = ws(after),
            None => {
                rest = r;
                break;
            }
        }
    }
    if !lex::at_command_end(rest) {
        return cut(fail(rest, "expected ',' between eval assignments"));
    }
    Ok((rest, Box::new(EvalCmd { assigns })))
}

impl fmt::Display for EvalCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("eval ")?;
        for (n, a) in self.assigns.iter().enumerate() {
            if n > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}={}", a.field, a.expr)?;
        }
        Ok(())
    }
}

impl Command for EvalCmd {
    fn name(&self) -> &'static str {
        "eval"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "assignments": self.assigns })
    }
    fn exprs(&self) -> Vec<&Expr> {
        self.assigns.iter().map(|a| &a.expr).collect()
    }
    fn writes(&self) -> Vec<String> {
        self.assigns.iter().map(|a| a.field.name.clone()).collect()
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        let exprs: Vec<&Expr> = self.assigns.iter().map(|a| &a.expr).collect();
        crate::spl::fields::exprs_flow(&exprs, self.assigns.iter().map(|a| a.field.name.clone()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for EvalCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        // Splunk rejects these before the search runs, whatever the events.
        for a in &self.assigns {
            if is_boolean(&a.expr) {
                return Err(boolean_assignment(&a.field.name).at(a.expr.span()));
            }
        }
        let assigns = self
            .assigns
            .iter()
            .map(|a| Ok((a.field.name.clone(), eval::compile(&a.expr, &ctx.fn_ctx)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Box::new(EvalOp {
            assigns,
            ctx: ctx.fn_ctx.clone(),
        }))
    }
}

/// Whether an expression always yields a boolean (a comparison, a logical
/// operator, or a predicate function); assigning one to a field is an error.
fn is_boolean(e: &Expr) -> bool {
    use crate::spl::expr::{BinOp, UnOp};
    match e {
        Expr::Binary { op, .. } => !matches!(
            op,
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod | BinOp::Concat
        ),
        Expr::Unary { op, .. } => *op == UnOp::Not,
        Expr::In { .. } => true,
        Expr::Call { name, .. } => [
            "true",
            "false",
            "isnull",
            "isnotnull",
            "in",
            "like",
            "match",
            "cidrmatch",
            "searchmatch",
            "isnum",
            "isstr",
            "isint",
            "isbool",
        ]
        .iter()
        .any(|f| f.eq_ignore_ascii_case(name)),
        _ => false,
    }
}

fn boolean_assignment(field: &str) -> SplError {
    SplError::new(
        crate::base::diag::ErrorKind::Plan,
        format!("eval: fields cannot be assigned a boolean result ('{field}')"),
    )
    .with_help("use if(<condition>, <value if true>, <value if false>)")
}

struct EvalOp {
    assigns: Vec<(String, Compiled)>,
    ctx: FnCtx,
}

impl Operator for EvalOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        for (field, expr) in &self.assigns {
            let v = eval::eval(expr, &ev, &self.ctx)?;
            if let Value::Bool(_) = v {
                return Err(SplError::runtime(format!(
                    "eval: fields cannot be assigned a boolean result ('{field}')"
                ))
                .with_help("use if(<condition>, <value if true>, <value if false>)"));
            }
            ev.set(field.as_str(), v);
        }
        out(ev)
    }
}
