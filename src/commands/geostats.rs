//! `geostats [translatetoxy=<bool>] [latfield=<field>] [longfield=<field>] [globallimit=<int>] [locallimit=<int>] [outputlatfield=<string>] [outputlongfield=<string>] [binspanlat=<float> binspanlong=<float>] [maxzoomlevel=<int>] <stats-agg-term>… [BY <field>]`: parsed, with its documented options checked, but not run:
//! geostats bins results into map tiles for a map visualization, which spleval does not draw (see `support::unavailable`).

use super::support::unavailable::{self, Shape, Unavailable};
use super::CommandSpec;
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "geostats",
    aliases: &[],
    parse,
    syntax: "geostats [translatetoxy=<bool>] [latfield=<field>] [longfield=<field>] [globallimit=<int>] [locallimit=<int>] [outputlatfield=<string>] [outputlongfield=<string>] [binspanlat=<float> binspanlong=<float>] [maxzoomlevel=<int>] <stats-agg-term>… [BY <field>]",
    plan: super::planner::<Unavailable>,
};

pub const SHAPE: Shape = Shape {
    name: "geostats",
    kind: CommandKind::Transforming,
    options: &[
        "translatetoxy",
        "latfield",
        "longfield",
        "globallimit",
        "locallimit",
        "outputlatfield",
        "outputlongfield",
        "binspanlat",
        "binspanlong",
        "maxzoomlevel",
    ],
    words: true,
    why:
        "geostats bins results into map tiles for a map visualization, which spleval does not draw",
    help: "use stats … by a rounded latitude and longitude to count by place",
};

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    unavailable::parse(src, i, &SHAPE)
}
