//! `rare [<N>] [options] <field-list> [BY <field-list>]`: the least common
//! values; the syntax, options and output of `top` (see [`super::top`]),
//! ordered by ascending count.

use super::CommandSpec;
use crate::spl::ast::Command;
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "rare",
    aliases: &[],
    parse,
    plan: super::planner::<super::top::TopCmd>,
    syntax: "rare [<N>] [limit=<N>] [countfield=<name>] [percentfield=<name>] [showcount=<bool>] \
             [showperc=<bool>] [useother=<bool>] [otherstr=<text>] <field>… [BY <field>…]",
};

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    super::top::parse_args(src, i, true)
}
