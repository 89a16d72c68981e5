//! `appendpipe [run_in_preview=<bool>] [<subpipeline>]`
//!
//! Passes the incoming results on, then runs the subpipeline over those same
//! results (not over the search's input) and adds its output after them:
//! `… | stats count by action user | appendpipe [stats sum(count) as count by action]`.
//! The subpipeline starts with a command (`[stats …]` or `[| stats …]`).

use std::any::Any;
use std::fmt;

use super::support::sub::{self, OptKind};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, Plan, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt, Pipeline, Span};
use crate::spl::lex::PResult;
use crate::spl::lex::Src;

pub const SPEC: CommandSpec = CommandSpec {
    name: "appendpipe",
    aliases: &[],
    parse,
    syntax: "appendpipe [run_in_preview=<bool>] [<subpipeline>]",
    plan: super::planner::<AppendpipeCmd>,
};

const OPTIONS: &[(&str, OptKind)] = &[("run_in_preview", OptKind::Bool)];

#[derive(Debug)]
pub struct AppendpipeCmd {
    pub options: Vec<Opt>,
    pub sub: Pipeline,
    pub sub_span: Span,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, options) = sub::options(src, i, "appendpipe", OPTIONS)?;
    let (rest, (sub, sub_span)) = sub::subpipeline(src, rest, "appendpipe")?;
    Ok((
        rest,
        Box::new(AppendpipeCmd {
            options,
            sub,
            sub_span,
        }),
    ))
}

impl fmt::Display for AppendpipeCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("appendpipe")?;
        sub::print_opts(f, &self.options)?;
        // Printed with a leading `|` so the subpipeline reads back as commands.
        let body = self.sub.to_string();
        if body.starts_with('|') {
            write!(f, " [{body}]")
        } else {
            write!(f, " [| {body}]")
        }
    }
}

impl Command for AppendpipeCmd {
    fn name(&self) -> &'static str {
        "appendpipe"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "subpipeline": self.sub.to_json() })
    }
    fn subsearches(&self) -> Vec<&Pipeline> {
        vec![&self.sub]
    }
    fn input_subsearches(&self) -> Vec<&Pipeline> {
        Vec::new()
    }
    fn reads_input_again(&self) -> bool {
        // Its subpipeline runs over the results; a subsearch inside it
        // still reads the input.
        let mut again = false;
        self.sub.walk(&mut |c| again |= c.cmd.reads_input_again());
        again
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for AppendpipeCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let plan = Plan::build(&self.sub, ctx).map_err(|e| e.at(self.sub_span))?;
        Ok(Box::new(AppendpipeOp {
            plan: Some(plan),
            held: Vec::new(),
            seen: 0,
        }))
    }
}

struct AppendpipeOp {
    plan: Option<Plan>,
    held: Vec<Event>,
    seen: u64,
}

impl Operator for AppendpipeOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        self.seen = self.seen.max(ev.seq + 1);
        self.held.push(ev.clone());
        out(ev)
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        let Some(mut plan) = self.plan.take() else {
            return Ok(());
        };
        let mut produced = Vec::new();
        if !plan.generating {
            for (n, mut ev) in std::mem::take(&mut self.held).into_iter().enumerate() {
                // The subpipeline sees the results in their current order.
                ev.orig_time = f64::NAN;
                ev.seq = n as u64;
                plan.push(ev, &mut |r| {
                    produced.push(r);
                    Ok(())
                })?;
                if plan.done() {
                    break;
                }
            }
        }
        plan.finish(&mut |r| {
            produced.push(r);
            Ok(())
        })?;
        for (n, mut ev) in produced.into_iter().enumerate() {
            ev.seq = self.seen + n as u64;
            out(ev)?;
        }
        Ok(())
    }
}
