//! Splunk commands spleval parses, with their documented options checked,
//! but cannot run offline (`geostats`, `metadata`, `tags`, `typer`): a
//! search using one parses and prints back, and planning it is an error
//! that says why (what the command needs that spleval does not have).

use std::any::Any;
use std::fmt;

use crate::base::diag::{Result, SplError};
use crate::commands::generic::{self, Arg, GenericCmd, Provenance};
use crate::commands::support::pipeline::{Operator, PlanCtx};
use crate::commands::ToOperator;
use crate::spl::ast::{Command, CommandKind, Pipeline};
use crate::spl::lex::{PErr, PResult, Src};

#[derive(Debug)]
pub struct Unavailable {
    pub name: &'static str,
    pub kind: CommandKind,
    pub args: GenericCmd,
    /// Why it does not run (the plan error).
    pub why: &'static str,
    pub help: &'static str,
}

/// What a command's arguments may be.
pub struct Shape {
    pub name: &'static str,
    pub kind: CommandKind,
    /// The option keys it documents.
    pub options: &'static [&'static str],
    /// Whether it takes other arguments (fields, aggregations) too.
    pub words: bool,
    pub why: &'static str,
    pub help: &'static str,
}

pub fn parse<'a>(src: &Src<'a>, i: &'a str, shape: &Shape) -> PResult<'a, Box<dyn Command>> {
    let (rest, args) = generic::parse_args(src, shape.name, Provenance::Splunk, i)?;
    for a in &args.args {
        match a {
            Arg::Option { key, span, .. }
                if !shape.options.iter().any(|k| k.eq_ignore_ascii_case(key)) =>
            {
                let mut e = PErr::spanning(*span, format!("unknown {} option '{key}'", shape.name));
                if !shape.options.is_empty() {
                    e = e.with_help(format!(
                        "{} options: {}",
                        shape.name,
                        shape.options.join(", ")
                    ));
                }
                return Err(nom::Err::Failure(e));
            }
            Arg::Word { span, .. } | Arg::Quoted { span, .. } | Arg::Subsearch { span, .. }
                if !shape.words =>
            {
                return Err(nom::Err::Failure(
                    PErr::spanning(*span, format!("{} takes only options", shape.name)).with_help(
                        format!("{} options: {}", shape.name, shape.options.join(", ")),
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok((
        rest,
        Box::new(Unavailable {
            name: shape.name,
            kind: shape.kind,
            args,
            why: shape.why,
            help: shape.help,
        }),
    ))
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.args.fmt(f)
    }
}

impl Command for Unavailable {
    fn name(&self) -> &'static str {
        self.name
    }
    fn kind(&self) -> CommandKind {
        self.kind
    }
    fn runnable(&self) -> bool {
        false
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "args": self.args.args, "runnable": false })
    }
    fn subsearches(&self) -> Vec<&Pipeline> {
        self.args.subsearches()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for Unavailable {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Err(SplError::plan(self.why.to_string()).with_help(self.help))
    }
}
