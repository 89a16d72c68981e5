//! `tags [outputfield=<field>] [inclname=<bool>] [inclvalue=<bool>] [<field>…]`: parsed, with its documented options checked, but not run:
//! tags adds the tags of tags.conf, and spleval loads no tags.conf knowledge (see `support::unavailable`).

use super::support::unavailable::{self, Shape, Unavailable};
use super::CommandSpec;
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "tags",
    aliases: &[],
    parse,
    syntax: "tags [outputfield=<field>] [inclname=<bool>] [inclvalue=<bool>] [<field>…]",
    plan: super::planner::<Unavailable>,
};

pub const SHAPE: Shape = Shape {
    name: "tags",
    kind: CommandKind::Streaming,
    options: &["outputfield", "inclname", "inclvalue"],
    words: true,
    why: "tags adds the tags of tags.conf, and spleval loads no tags.conf knowledge",
    help: "add the tag fields the detection needs with eval or a lookup",
};

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    unavailable::parse(src, i, &SHAPE)
}
