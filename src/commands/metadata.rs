//! `| metadata type=<hosts|sources|sourcetypes> [index=<name>] [splunk_server=<name>] [datatype=<event|metric>]`: parsed, with its documented options checked, but not run:
//! metadata reads the index metadata of a Splunk server, and spleval runs offline over the events it is given (see `support::unavailable`).

use super::support::unavailable::{self, Shape, Unavailable};
use super::CommandSpec;
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "metadata",
    aliases: &[],
    parse,
    syntax: "| metadata type=<hosts|sources|sourcetypes> [index=<name>] [splunk_server=<name>] [datatype=<event|metric>]",
    plan: super::planner::<Unavailable>,
};

pub const SHAPE: Shape = Shape {
    name: "metadata",
    kind: CommandKind::Generating,
    options: &["type", "index", "splunk_server", "splunk_server_group", "datatype"],
    words: false,
    why: "metadata reads the index metadata of a Splunk server, and spleval runs offline over the events it is given",
    help: "count what the events hold with stats, e.g. `| stats count min(_time) AS firstTime max(_time) AS lastTime by host`",
};

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    unavailable::parse(src, i, &SHAPE)
}
