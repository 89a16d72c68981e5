//! `uniq`: drops each result that is an exact duplicate of the result just
//! before it (the same fields with the same values); it takes no arguments
//! (Search Reference, uniq). It keeps only the previous result.

use std::any::Any;
use std::fmt;

use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "uniq",
    aliases: &[],
    parse,
    syntax: "uniq",
    plan: super::planner::<UniqCmd>,
};

#[derive(Debug)]
pub struct UniqCmd;

fn parse<'a>(_src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let rest = ws(i);
    if !lex::at_command_end(rest) {
        return cut(fail(rest, "uniq takes no arguments"));
    }
    Ok((rest, Box::new(UniqCmd)))
}

impl fmt::Display for UniqCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("uniq")
    }
}

impl Command for UniqCmd {
    fn name(&self) -> &'static str {
        "uniq"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({})
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for UniqCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(UniqOp { prev: None }))
    }
}

struct UniqOp {
    prev: Option<Event>,
}

/// A value as Splunk holds it: its text, each value of a multivalue.
fn texts(v: &Value) -> Vec<String> {
    v.values()
        .iter()
        .map(|x| x.as_text().map(|t| t.into_owned()).unwrap_or_default())
        .collect()
}

/// The same field names with the same values (as text), in any order.
fn same(a: &Event, b: &Event) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| texts(v) == texts(w)))
}

impl Operator for UniqOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if self.prev.as_ref().is_some_and(|p| same(p, &ev)) {
            return Ok(());
        }
        self.prev = Some(ev.clone());
        out(ev)
    }
}
