//! `fieldformat <field>=<eval-expression>` (Search Reference, fieldformat):
//! changes how a field's value is shown when the results render, not the
//! value itself. Later commands see the value unchanged.
//!
//! spleval renders results in `--format table`: there each result's field
//! shows the expression's value, computed from the final result (one
//! fieldformat per field: the last one given wins). JSON and CSV output
//! are exports of the data and keep the underlying values, as Splunk's
//! exports (`outputcsv`, `outputlookup`) keep them (grammar/README.md,
//! "Differences we chose").

use std::any::Any;
use std::fmt;

use super::support::fields::{field_ref, FieldRef};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::eval::{self, Compiled};
use crate::functions::FnCtx;
use crate::spl::ast::{Command, CommandKind, Pipeline};
use crate::spl::expr::{parse_expr, Expr};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "fieldformat",
    aliases: &[],
    parse,
    syntax: "fieldformat <field>=<eval-expression>",
    plan: super::planner::<FieldformatCmd>,
};

#[derive(Debug)]
pub struct FieldformatCmd {
    pub field: FieldRef,
    pub expr: Expr,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let i = ws(i);
    if lex::at_command_end(i) {
        return cut(fail(i, "fieldformat needs <field>=<eval-expression>"));
    }
    let (r, field) = cut(field_ref(src, i))?;
    if field.name.contains('*') {
        return Err(nom::Err::Failure(crate::spl::lex::PErr::spanning(
            field.span,
            "fieldformat takes one field name, without wildcards",
        )));
    }
    let r = ws(r);
    let Some(r) = r.strip_prefix('=') else {
        return cut(fail(r, "expected '=' after the field name in fieldformat"));
    };
    let (r, expr) = cut(parse_expr(src, r))?;
    let r = ws(r);
    if r.starts_with(',') {
        return cut(fail(
            r,
            "fieldformat takes one <field>=<eval-expression>; use one fieldformat per field",
        ));
    }
    if !lex::at_command_end(r) {
        return cut(fail(r, "unexpected text after the fieldformat expression"));
    }
    Ok((r, Box::new(FieldformatCmd { field, expr })))
}

impl fmt::Display for FieldformatCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fieldformat {}={}", self.field, self.expr)
    }
}

impl Command for FieldformatCmd {
    fn name(&self) -> &'static str {
        "fieldformat"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "field": self.field, "expr": self.expr })
    }
    fn exprs(&self) -> Vec<&Expr> {
        vec![&self.expr]
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        // The values pass unchanged; the expression reads at output time.
        crate::spl::fields::exprs_flow(&[&self.expr], [self.field.name.clone()])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for FieldformatCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        // Compiled now so a bad expression is an error before the run.
        eval::compile(&self.expr, &ctx.fn_ctx)?;
        Ok(Box::new(PassOp))
    }
}

struct PassOp;

impl Operator for PassOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        out(ev)
    }
}

/// How one field is shown (the last `fieldformat` of a pipeline for it).
#[derive(Debug)]
pub struct DisplayFormat {
    pub field: String,
    pub expr: Compiled,
}

/// The display formats of a pipeline's own commands (not its subsearches'),
/// the last one per field.
pub fn display_formats(p: &Pipeline, ctx: &FnCtx) -> Result<Vec<DisplayFormat>> {
    let mut out: Vec<DisplayFormat> = Vec::new();
    for c in &p.commands {
        if let Some(ff) = c.cmd.as_any().downcast_ref::<FieldformatCmd>() {
            out.retain(|d| d.field != ff.field.name);
            out.push(DisplayFormat {
                field: ff.field.name.clone(),
                expr: eval::compile(&ff.expr, ctx)?,
            });
        }
    }
    Ok(out)
}

/// A result as shown: each formatted field replaced by its expression's
/// value over the result (unchanged when that value is null or an error).
pub fn render(ev: &Event, formats: &[DisplayFormat], ctx: &FnCtx) -> Event {
    let mut shown = ev.clone();
    for d in formats {
        if let Ok(v) = eval::eval(&d.expr, ev, ctx) {
            if !v.is_null() {
                shown.set_named(&d.field, v);
            }
        }
    }
    shown
}
