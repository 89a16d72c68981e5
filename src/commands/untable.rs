//! `untable <x-field> <y-name-field> <y-data-field>`: the inverse of
//! `xyseries`. Each result becomes one result per other field it has:
//! the x-field's value, the other field's name in `<y-name-field>` and its
//! value in `<y-data-field>` (Search Reference, untable). Internal fields
//! (names starting with `_`) other than the x-field are not turned into rows.

use std::any::Any;
use std::fmt;

use super::support::fields::{field_ref, FieldRef};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "untable",
    aliases: &[],
    parse,
    syntax: "untable <x-field> <y-name-field> <y-data-field>",
    plan: super::planner::<UntableCmd>,
};

#[derive(Debug)]
pub struct UntableCmd {
    pub x: FieldRef,
    pub name: FieldRef,
    pub data: FieldRef,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut got = Vec::new();
    for what in ["<x-field>", "<y-name-field>", "<y-data-field>"] {
        rest = ws(rest);
        if let Some(r) = rest.strip_prefix(',') {
            rest = ws(r);
        }
        if lex::at_command_end(rest) {
            return cut(fail(
                rest,
                format!("untable needs three fields: <x-field> <y-name-field> <y-data-field>; {what} is missing"),
            ));
        }
        let (r, f) = cut(field_ref(src, rest))?;
        got.push(f);
        rest = r;
    }
    let rest = ws(rest);
    if !lex::at_command_end(rest) {
        return cut(fail(rest, "untable takes exactly three fields"));
    }
    let data = got.pop().expect("three fields");
    let name = got.pop().expect("three fields");
    let x = got.pop().expect("three fields");
    Ok((rest, Box::new(UntableCmd { x, name, data })))
}

impl fmt::Display for UntableCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "untable {} {} {}", self.x, self.name, self.data)
    }
}

impl Command for UntableCmd {
    fn name(&self) -> &'static str {
        "untable"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn columns(&self, _before: Option<Vec<String>>) -> Option<Vec<String>> {
        Some(vec![
            self.x.name.clone(),
            self.name.name.clone(),
            self.data.name.clone(),
        ])
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "x": self.x, "name": self.name, "data": self.data })
    }
    fn writes(&self) -> Vec<String> {
        vec![self.name.name.clone(), self.data.name.clone()]
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for UntableCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(UntableOp {
            x: self.x.name.clone(),
            name: self.name.name.clone(),
            data: self.data.name.clone(),
        }))
    }
}

struct UntableOp {
    x: String,
    name: String,
    data: String,
}

impl Operator for UntableOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let x = ev.get(&self.x).cloned();
        for (n, v) in ev.iter() {
            if *n == self.x || n.starts_with('_') {
                continue;
            }
            let mut row = Event::new();
            row.orig_time = ev.orig_time;
            row.seq = ev.seq;
            if let Some(x) = &x {
                row.set(self.x.clone(), x.clone());
            }
            row.set(self.name.clone(), Value::Str(n.to_string()));
            row.set(self.data.clone(), v.clone());
            out(row)?;
        }
        Ok(())
    }
}
