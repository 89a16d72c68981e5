//! `| makeresults [count=N] [annotate=t]`: generates N results with `_time`
//! set to now (the `--now` time when given).

use std::any::Any;
use std::fmt;

use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "makeresults",
    aliases: &[],
    parse,
    syntax: "| makeresults [count=<N>] [annotate=<bool>]",
    plan: super::planner::<MakeresultsCmd>,
};

#[derive(Debug)]
pub struct MakeresultsCmd {
    pub options: Vec<Opt>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut options = Vec::new();
    let mut rest = ws(i);
    while !lex::at_command_end(rest) {
        let Some((r, o)) = lex::option(rest, src) else {
            return cut(fail(rest, "expected count=<N> or annotate=<bool>"));
        };
        let key = o.key.to_ascii_lowercase();
        if !["count", "annotate", "splunk_server", "splunk_server_group"].contains(&key.as_str()) {
            return Err(nom::Err::Failure(lex::PErr::spanning(
                o.span,
                format!("unknown makeresults option '{}'", o.key),
            )));
        }
        options.push(o);
        rest = ws(r);
    }
    Ok((rest, Box::new(MakeresultsCmd { options })))
}

impl fmt::Display for MakeresultsCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("makeresults")?;
        for o in &self.options {
            write!(f, " {o}")?;
        }
        Ok(())
    }
}

impl Command for MakeresultsCmd {
    fn name(&self) -> &'static str {
        "makeresults"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Generating
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for MakeresultsCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let mut count = 1u64;
        let mut annotate = false;
        for o in &self.options {
            match o.key.to_ascii_lowercase().as_str() {
                "count" => {
                    count = o
                        .value
                        .parse()
                        .map_err(|_| SplError::plan("count must be a whole number").at(o.span))?
                }
                "annotate" => {
                    annotate = o.as_bool().ok_or_else(|| {
                        SplError::plan("annotate must be true or false").at(o.span)
                    })?
                }
                _ => {}
            }
        }
        Ok(Box::new(MakeresultsOp {
            count,
            annotate,
            now: ctx.fn_ctx.now,
        }))
    }
}

/// `splunk_server` of `annotate=true` results.
pub const SERVER_NAME: &str = "spleval";

struct MakeresultsOp {
    count: u64,
    annotate: bool,
    now: f64,
}

impl Operator for MakeresultsOp {
    fn push(&mut self, _ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        Ok(())
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        for n in 0..self.count {
            let mut ev = Event::new();
            ev.set("_time", Value::Num(self.now.floor()));
            if self.annotate {
                // Splunk adds _raw, host, source, sourcetype and splunk_server_group
                // without values (no field here) and splunk_server, the name of
                // the server the search ran on.
                ev.set("splunk_server", Value::str(SERVER_NAME));
            }
            ev.orig_time = self.now;
            ev.seq = n;
            out(ev)?;
        }
        Ok(())
    }
}
