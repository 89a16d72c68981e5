//! `eval field=expression[, field=expression]…`: computes fields, left to
//! right (a later assignment sees an earlier one). A name with `{other}` in
//! it is dynamic: `eval {aName}=aValue` assigns to the field named by
//! `aName`'s value (Search Reference, eval, "Dynamic field name creation").

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
        // A dynamic name reads the fields its braces name.
        let names = self.assigns.iter().flat_map(|a| {
            let mut v = vec![a.field.name.clone()];
            v.extend(
                template_parts(&a.field.name)
                    .into_iter()
                    .filter_map(|p| match p {
                        Part::Field(f) => Some(f.to_string()),
                        Part::Text(_) => None,
                    }),
            );
            v
        });
        crate::spl::fields::exprs_flow(&exprs, names)
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
            .map(|a| {
                let dynamic = template_parts(&a.field.name)
                    .iter()
                    .any(|p| matches!(p, Part::Field(_)));
                Ok((
                    a.field.name.clone(),
                    dynamic,
                    eval::compile(&a.expr, &ctx.fn_ctx)?,
                ))
            })
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

/// A piece of a field name: literal text, or `{field}` (a non-empty name
/// that is not a number, so `tags{}` and `a{0}` stay literal).
enum Part<'a> {
    Text(&'a str),
    Field(&'a str),
}

fn template_parts(name: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut rest = name;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        let inner = &rest[open + 1..open + len];
        if inner.is_empty()
            || inner.contains('{')
            || inner.chars().all(|c| c.is_ascii_digit() || c == '-')
        {
            parts.push(Part::Text(&rest[..open + len + 1]));
        } else {
            parts.push(Part::Text(&rest[..open]));
            parts.push(Part::Field(inner));
        }
        rest = &rest[open + len + 1..];
    }
    parts.push(Part::Text(rest));
    parts
}

/// How many times a dynamic name may be rewritten before it counts as
/// replacing itself without end.
const MAX_NAME_ROUNDS: usize = 16;

/// The field a dynamic name assigns to for this event: each `{f}` replaced by
/// the value of `f`, again while the result still names fields (Splunk
/// replaces recursively). None when a named field has no value. An unbounded
/// replacement (`eval p="{p}", v_{p}=p`) is an error, as in Splunk.
fn dynamic_name(name: &str, ev: &Event) -> Result<Option<String>> {
    let mut cur = name.to_string();
    for _ in 0..MAX_NAME_ROUNDS {
        let parts = template_parts(&cur);
        if !parts.iter().any(|p| matches!(p, Part::Field(_))) {
            return Ok(Some(cur));
        }
        let mut next = String::new();
        for p in parts {
            match p {
                Part::Text(t) => next.push_str(t),
                Part::Field(f) => match ev.get(f).and_then(|v| v.values().first().cloned()) {
                    Some(v) => next.push_str(&v.as_text().unwrap_or_default()),
                    None => return Ok(None),
                },
            }
        }
        if next.len() > 10_000 {
            break;
        }
        cur = next;
    }
    Err(SplError::runtime(format!(
        "eval: unbounded recursive replacement in the field name '{name}'"
    ))
    .with_help("a field used in braces on the left of eval must not hold a braced name itself"))
}

struct EvalOp {
    /// (name, whether the name is dynamic, expression)
    assigns: Vec<(String, bool, Compiled)>,
    ctx: FnCtx,
}

impl Operator for EvalOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        for (field, dynamic, expr) in &self.assigns {
            let v = eval::eval(expr, &ev, &self.ctx)?;
            if let Value::Bool(_) = v {
                return Err(SplError::runtime(format!(
                    "eval: fields cannot be assigned a boolean result ('{field}')"
                ))
                .with_help("use if(<condition>, <value if true>, <value if false>)"));
            }
            if *dynamic {
                if let Some(name) = dynamic_name(field, &ev)? {
                    ev.set(name.as_str(), v);
                }
            } else {
                ev.set(field.as_str(), v);
            }
        }
        out(ev)
    }
}
