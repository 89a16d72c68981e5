//! `head [<N> | (<eval-expression>)] [limit=<int>] [null=<bool>] [keeplast=<bool>]`:
//! the first N results (default 10) in search order, or, with an
//! expression, the results up to the first one for which it is false (kept
//! with `keeplast=true`); a NULL result counts as false unless `null=true`,
//! which passes the result and goes on. With both a number and an
//! expression the smaller limit applies (Search Reference, head).

use std::any::Any;
use std::fmt;

use super::support::xutil;
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::eval::{self, Compiled};
use crate::functions::FnCtx;
use crate::spl::ast::{Command, CommandKind, Opt, Span};
use crate::spl::expr::{parse_expr, BinOp, Expr};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "head",
    aliases: &[],
    parse,
    syntax: "head [<N> | (<eval-expression>)] [limit=<int>] [null=<bool>] [keeplast=<bool>]",
    plan: super::planner::<HeadCmd>,
};

#[derive(Debug)]
pub struct HeadCmd {
    /// The most results to keep (`u64::MAX` when only an expression limits them).
    pub count: u64,
    /// Written as `limit=N`.
    pub as_option: bool,
    /// `head (<eval-expression>)`: results pass until it is false.
    pub expr: Option<Expr>,
    /// `null=` and `keeplast=`.
    pub options: Vec<Opt>,
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
    let mut rest = ws(i);
    let mut count: Option<(u64, bool, Span)> = None;
    let mut expr = None;
    let mut options = Vec::new();
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if let Some((r, o)) = lex::option(rest, src) {
            let key = o.key.to_ascii_lowercase();
            if key == "limit" || key == "null" || key == "keeplast" {
                if key == "limit" {
                    let n = o.value.parse::<u64>().map_err(|_| {
                        nom::Err::Failure(lex::PErr::spanning(
                            o.span,
                            "limit must be a whole number",
                        ))
                    })?;
                    if count.is_some() {
                        return Err(nom::Err::Failure(lex::PErr::spanning(
                            o.span,
                            "head takes a number or limit=, not both",
                        )));
                    }
                    count = Some((n, true, o.span));
                } else {
                    xutil::check_bool(&o)?;
                    options.push(o);
                }
                rest = r;
                continue;
            }
        }
        if let Ok((r, n)) = lex::uint(rest) {
            if lex::at_command_end(r) || lex::ws1(r).is_some() {
                let span = src.span(rest, r);
                if count.is_some() {
                    return Err(nom::Err::Failure(lex::PErr::spanning(
                        span,
                        "head takes a number or limit=, not both",
                    )));
                }
                count = Some((n, false, span));
                rest = r;
                continue;
            }
        }
        if expr.is_some() {
            return cut(fail(rest, "head takes one expression"));
        }
        let (r, e) = cut(parse_expr(src, rest))?;
        expr = Some(e);
        rest = r;
    }
    if expr.is_none() {
        if let Some(o) = options.first() {
            return Err(nom::Err::Failure(
                lex::PErr::spanning(
                    o.span,
                    format!("{} needs an eval expression to act on", o.key),
                )
                .with_help("write the condition after head: head (count<5) keeplast=true"),
            ));
        }
    }
    let (count, as_option) = match count {
        Some((n, o, _)) => (n, o),
        // With an expression alone, results pass until it is false.
        None if expr.is_some() => (u64::MAX, false),
        None => (10, false),
    };
    Ok((
        rest,
        Box::new(HeadCmd {
            count,
            as_option,
            expr,
            options,
        }),
    ))
}

impl fmt::Display for HeadCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("head")?;
        if self.expr.is_none() || self.count != u64::MAX {
            if self.as_option {
                write!(f, " limit={}", self.count)?;
            } else {
                write!(f, " {}", self.count)?;
            }
        }
        if let Some(e) = &self.expr {
            write!(f, " ({e})")?;
        }
        xutil::print_opts(f, &self.options)
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
        serde_json::json!({
            "count": self.count, "limit_option": self.as_option, "expr": self.expr, "options": self.options
        })
    }
    fn exprs(&self) -> Vec<&Expr> {
        self.expr.iter().collect()
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        match &self.expr {
            Some(e) => crate::spl::fields::exprs_flow(&[e], []),
            None => crate::spl::fields::Flow::Reads(Vec::new()),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for HeadCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        // A comparison with a null side is NULL in Splunk (our eval says
        // false), so a comparison's sides are also evaluated to tell.
        let sides = match &self.expr {
            Some(Expr::Binary {
                op:
                    BinOp::Eq
                    | BinOp::EqEq
                    | BinOp::Ne
                    | BinOp::Like
                    | BinOp::Lt
                    | BinOp::Le
                    | BinOp::Gt
                    | BinOp::Ge,
                left,
                right,
                ..
            }) => Some((
                eval::compile(left, &ctx.fn_ctx)?,
                eval::compile(right, &ctx.fn_ctx)?,
            )),
            _ => None,
        };
        Ok(Box::new(HeadOp {
            sides,
            left: self.count,
            expr: match &self.expr {
                Some(e) => Some(eval::compile(e, &ctx.fn_ctx)?),
                None => None,
            },
            ctx: ctx.fn_ctx.clone(),
            keeplast: xutil::opt_bool(&self.options, "keeplast", false)?,
            null: xutil::opt_bool(&self.options, "null", false)?,
            stopped: false,
        }))
    }
}

struct HeadOp {
    sides: Option<(Compiled, Compiled)>,
    left: u64,
    expr: Option<Compiled>,
    ctx: FnCtx,
    keeplast: bool,
    null: bool,
    stopped: bool,
}

impl Operator for HeadOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if self.left == 0 || self.stopped {
            return Ok(());
        }
        if let Some(e) = &self.expr {
            let mut v = eval::eval(e, &ev, &self.ctx)?;
            if let Some((l, r)) = &self.sides {
                if eval::eval(l, &ev, &self.ctx)?.is_null()
                    || eval::eval(r, &ev, &self.ctx)?.is_null()
                {
                    v = Value::Null;
                }
            }
            let pass = match v {
                Value::Null => self.null,
                other => other.truthy_bool(),
            };
            if !pass {
                // The result that ends the run is kept only with keeplast=true.
                self.stopped = true;
                if !self.keeplast {
                    return Ok(());
                }
            }
        }
        self.left -= 1;
        out(ev)
    }
    fn done(&self) -> bool {
        self.left == 0 || self.stopped
    }
}
