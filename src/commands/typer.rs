//! `typer [eventtypes=<string>] [maxlen=<int>]`: parsed, with its documented options checked, but not run:
//! typer adds the event types of eventtypes.conf, and spleval loads no eventtypes.conf knowledge (see `support::unavailable`).

use super::support::unavailable::{self, Shape, Unavailable};
use super::CommandSpec;
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "typer",
    aliases: &[],
    parse,
    syntax: "typer [eventtypes=<string>] [maxlen=<int>]",
    plan: super::planner::<Unavailable>,
};

pub const SHAPE: Shape = Shape {
    name: "typer",
    kind: CommandKind::Streaming,
    options: &["eventtypes", "maxlen"],
    words: false,
    why: "typer adds the event types of eventtypes.conf, and spleval loads no eventtypes.conf knowledge",
    help: "set eventtype with eval: eval eventtype=if(searchmatch(\"…\"), \"name\", null())",
};

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    unavailable::parse(src, i, &SHAPE)
}
