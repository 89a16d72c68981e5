//! `addinfo`: adds to each result the fields that describe the search
//! (Search Reference, addinfo): `info_min_time` and `info_max_time` (the
//! search's time range), `info_search_time` (when it ran) and `info_sid`
//! (the search job's id).
//!
//! There is no search job here, so the values are those of the run: the
//! time range is `--earliest`/`--latest` (0 and `+Infinity`, as Splunk
//! gives for All time, when not set), the search time is the run's clock
//! (`--now`), and the id is the fixed [`SID`]. See grammar/README.md,
//! "Differences we chose".

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
    name: "addinfo",
    aliases: &[],
    parse,
    syntax: "addinfo",
    plan: super::planner::<AddinfoCmd>,
};

/// The search id every run reports (there is no search job to name).
pub const SID: &str = "spleval";

/// The fields addinfo sets.
pub const FIELDS: [&str; 4] = [
    "info_min_time",
    "info_max_time",
    "info_search_time",
    "info_sid",
];

#[derive(Debug)]
pub struct AddinfoCmd;

fn parse<'a>(_src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let rest = ws(i);
    if !lex::at_command_end(rest) {
        return cut(fail(rest, "addinfo takes no arguments"));
    }
    Ok((rest, Box::new(AddinfoCmd)))
}

impl fmt::Display for AddinfoCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("addinfo")
    }
}

impl Command for AddinfoCmd {
    fn name(&self) -> &'static str {
        "addinfo"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({})
    }
    fn writes(&self) -> Vec<String> {
        FIELDS.iter().map(|f| f.to_string()).collect()
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::reads(Vec::<String>::new())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for AddinfoCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let (earliest, latest) = ctx.time_range;
        Ok(Box::new(AddinfoOp {
            values: [
                Value::Num(earliest.unwrap_or(0.0)),
                latest.map_or_else(|| Value::str("+Infinity"), Value::Num),
                Value::Num(ctx.fn_ctx.now),
                Value::str(SID),
            ],
        }))
    }
}

struct AddinfoOp {
    values: [Value; 4],
}

impl Operator for AddinfoOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        for (k, v) in FIELDS.iter().zip(&self.values) {
            ev.set_named(k, v.clone());
        }
        out(ev)
    }
}
