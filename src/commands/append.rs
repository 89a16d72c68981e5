//! `append [extendtimerange=<bool>] [maxtime=<int>] [maxout=<int>] [timeout=<int>] [subsearch]`
//!
//! Passes the incoming results on, then adds the subsearch's results after
//! them. The subsearch runs over the same input as the main search and keeps
//! at most `maxout` results (default 50,000, as Splunk). `maxtime`, `timeout`
//! and `extendtimerange` are accepted and have no effect offline.

use std::any::Any;
use std::fmt;

use super::support::sub::{self, OptKind};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Pipeline};
use crate::spl::lex::PResult;
use crate::spl::lex::Src;

pub const SPEC: CommandSpec = CommandSpec {
    name: "append",
    aliases: &[],
    parse,
    syntax:
        "append [extendtimerange=<bool>] [maxtime=<int>] [maxout=<int>] [timeout=<int>] [subsearch]",
    plan: super::planner::<AppendCmd>,
};

const OPTIONS: &[(&str, OptKind)] = &[
    ("extendtimerange", OptKind::Bool),
    ("maxtime", OptKind::Uint),
    ("maxout", OptKind::Uint),
    ("timeout", OptKind::Uint),
];

/// Splunk's default `maxout` for append.
pub const APPEND_MAXOUT: u64 = 50_000;

#[derive(Debug)]
pub struct AppendCmd {
    pub syntax: sub::OptsAndSub,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, syntax) = sub::OptsAndSub::parse(src, i, "append", OPTIONS)?;
    Ok((rest, Box::new(AppendCmd { syntax })))
}

impl fmt::Display for AppendCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.syntax.print(f, "append")
    }
}

impl Command for AppendCmd {
    fn name(&self) -> &'static str {
        "append"
    }
    fn kind(&self) -> CommandKind {
        // The incoming results come first, in search order.
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        self.syntax.to_json()
    }
    fn subsearches(&self) -> Vec<&Pipeline> {
        vec![&self.syntax.sub]
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for AppendCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let rows = self.syntax.rows(ctx, APPEND_MAXOUT, "append")?;
        Ok(Box::new(AppendOp { rows, seen: 0 }))
    }
}

/// Passes results on, then emits `rows` (numbered after the last one seen).
pub struct AppendOp {
    pub rows: Vec<Event>,
    pub seen: u64,
}

impl Operator for AppendOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        self.seen = self.seen.max(ev.seq + 1);
        out(ev)
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        for (n, mut ev) in std::mem::take(&mut self.rows).into_iter().enumerate() {
            ev.seq = self.seen + n as u64;
            out(ev)?;
        }
        Ok(())
    }
}
