//! `| rest <uri> [count=<int>] [strict=<bool>] [splunk_server=<wc-string>]
//! [splunk_server_group=<wc-string>]… [timeout=<int>] (<get-arg>=<value>)…`
//!
//! Parsed so that searches using it can be read and printed; it queries a
//! Splunk server's REST API, which spleval does not have, so planning it is
//! an error. Any other `key=value` is a GET argument for the endpoint, as in
//! Splunk.

use std::any::Any;
use std::fmt;

use super::support::fields::FieldRef;
use super::support::sub::{self, OptKind};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::commands::support::pipeline::{Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "rest",
    aliases: &[],
    parse,
    syntax: "| rest <uri> [count=<int>] [strict=<bool>] [splunk_server=<server>] [timeout=<int>] [<get-arg>=<value>]…",
    plan: super::planner::<RestCmd>,
};

/// Options with a fixed meaning (checked); other keys are GET arguments.
const OPTIONS: &[(&str, OptKind)] = &[
    ("count", OptKind::Uint),
    ("strict", OptKind::Bool),
    ("timeout", OptKind::Uint),
    ("splunk_server", OptKind::Text),
    ("splunk_server_group", OptKind::Text),
];

#[derive(Debug)]
pub struct RestCmd {
    pub uri: FieldRef,
    /// Options and GET arguments, in the order written.
    pub options: Vec<Opt>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut options = Vec::new();
    let mut uri = None;
    while !lex::at_command_end(rest) {
        if let Some((r, o)) = lex::option(rest, src) {
            if OPTIONS.iter().any(|(k, _)| o.key.eq_ignore_ascii_case(k)) {
                sub::check_option(&o, "rest", OPTIONS)?;
            }
            options.push(o);
            rest = ws(r);
            continue;
        }
        if uri.is_some() {
            return cut(fail(
                rest,
                "rest takes one endpoint; other arguments are key=value",
            ));
        }
        let (r, u) = sub::name_arg(src, rest, "a REST endpoint such as /services/server/info")?;
        uri = Some(u);
        rest = ws(r);
    }
    let Some(uri) = uri else {
        return cut(fail(
            rest,
            "rest needs an endpoint such as /services/server/info",
        ));
    };
    Ok((rest, Box::new(RestCmd { uri, options })))
}

impl fmt::Display for RestCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rest {}", sub::print_name(&self.uri.name))?;
        sub::print_opts(f, &self.options)
    }
}

impl Command for RestCmd {
    fn name(&self) -> &'static str {
        "rest"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Generating
    }
    fn runnable(&self) -> bool {
        false
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "uri": self.uri, "options": self.options })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for RestCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Err(SplError::plan(format!(
            "rest needs a Splunk server: {} is a Splunk REST endpoint, and spleval runs offline",
            self.uri.name
        ))
        .at(self.uri.span)
        .with_help("replace the rest call with an inputlookup of the data it would return"))
    }
}
