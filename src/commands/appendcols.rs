//! `appendcols [override=<bool>] [maxtime=<int>] [maxout=<int>] [timeout=<int>] <subsearch>`
//! (Search Reference, appendcols).
//!
//! The subsearch runs first, over the same input as the main search. Its
//! first result's fields are added to the first incoming result, its second
//! result's to the second, and so on; internal fields (`_*`) of the
//! subsearch are left out. A field both results have keeps the main
//! result's value, or takes the subsearch's with `override=true`. Subsearch
//! results beyond the last incoming result are added after it as results of
//! their own (their non-internal fields). The subsearch keeps at most
//! `maxout` results (default 50,000, as Splunk); `maxtime` and `timeout`
//! are accepted and have no effect offline.

use std::any::Any;
use std::fmt;

use super::support::sub::{self, OptKind};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Pipeline};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "appendcols",
    aliases: &[],
    parse,
    syntax:
        "appendcols [override=<bool>] [maxtime=<int>] [maxout=<int>] [timeout=<int>] <subsearch>",
    plan: super::planner::<AppendcolsCmd>,
};

const OPTIONS: &[(&str, OptKind)] = &[
    ("override", OptKind::Bool),
    ("maxtime", OptKind::Uint),
    ("maxout", OptKind::Uint),
    ("timeout", OptKind::Uint),
];

#[derive(Debug)]
pub struct AppendcolsCmd {
    pub syntax: sub::OptsAndSub,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, syntax) = sub::OptsAndSub::parse(src, i, "appendcols", OPTIONS)?;
    Ok((rest, Box::new(AppendcolsCmd { syntax })))
}

impl fmt::Display for AppendcolsCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.syntax.print(f, "appendcols")
    }
}

impl Command for AppendcolsCmd {
    fn name(&self) -> &'static str {
        "appendcols"
    }
    fn kind(&self) -> CommandKind {
        // Results are paired by position.
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

impl ToOperator for AppendcolsCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let rows = self
            .syntax
            .rows(ctx, super::append::APPEND_MAXOUT, "appendcols")?;
        let rows = rows
            .into_iter()
            .map(|mut r| {
                r.retain(|k| !k.starts_with('_'));
                r
            })
            .collect::<Vec<_>>()
            .into_iter();
        Ok(Box::new(AppendcolsOp {
            over: sub::opt_bool(&self.syntax.options, "override", false),
            rows,
            seen: 0,
        }))
    }
}

struct AppendcolsOp {
    over: bool,
    rows: std::vec::IntoIter<Event>,
    seen: u64,
}

impl Operator for AppendcolsOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        self.seen = self.seen.max(ev.seq + 1);
        if let Some(row) = self.rows.next() {
            for (k, v) in row.iter() {
                if self.over || !ev.contains(k) {
                    ev.set_named(k, v.clone());
                }
            }
        }
        out(ev)
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        for (n, mut ev) in self.rows.by_ref().enumerate() {
            ev.seq = self.seen + n as u64;
            ev.orig_time = f64::NAN;
            out(ev)?;
        }
        Ok(())
    }
}
