//! The command registry. Each command lives in its own file holding its
//! syntax (parser), AST node (with `Display` printing valid SPL) and runtime
//! operator; adding a command is one file and one line in [`COMMANDS`].
//!
//! The registry is the syntax layer's [`Grammar`] (the pipeline parser finds
//! each command's argument parser here) and the planner's way from a parsed
//! node to its operator ([`plan`]): the AST's [`Command`] trait knows nothing
//! of operators, so each command implements [`ToOperator`] beside it and its
//! [`CommandSpec`] names the node type that plans.

use crate::base::diag::{Result, SplError};
use crate::spl::ast::{Command, Pipeline};
use crate::spl::lex::{PErr, PResult, Src};
use crate::spl::parser::Grammar;
use support::pipeline::{Operator, PlanCtx};

pub mod anomalydetection;
pub mod append;
pub mod appendpipe;
pub mod chart;
pub mod convert;
pub mod datamodel;
pub mod dedup;
pub mod eval;
pub mod eventstats;
pub mod fields;
pub mod fieldsummary;
pub mod from;
pub mod generic;
pub mod head;
pub mod inputlookup;
pub mod join;
pub mod lookup;
pub mod makeresults;
pub mod map;
pub mod mstats;
pub mod multisearch;
pub mod outlier;
pub mod outputlookup;
pub mod rare;
pub mod rename;
pub mod rest;
pub mod search;
pub mod sort;
pub mod stats;

pub mod streamstats;

pub mod table;
pub mod tail;
pub mod timechart;
pub mod top;
pub mod transaction;
pub mod tstats;
pub mod union;
pub mod where_;

// reshaping and series commands
pub mod accum;
pub mod addcoltotals;
pub mod addinfo;
pub mod appendcols;
pub mod autoregress;
pub mod concurrency;
pub mod delta;
pub mod fieldformat;
pub mod filldown;
pub mod format;
pub mod gentimes;
pub mod makecontinuous;
pub mod rangemap;
pub mod reltime;
pub mod return_;
pub mod reverse;
pub mod setfields;
pub mod strcat;
pub mod transpose;
pub mod trendline;
pub mod uniq;
pub mod untable;
pub mod xyseries;
// parsed, not run (support::unavailable)
pub mod geostats;
pub mod metadata;
pub mod tags;
pub mod typer;

// extraction commands
pub mod addtotals;
pub mod bin;
pub mod extract;
pub mod fillnull;
pub mod foreach;
pub mod fromjson;
pub mod iplocation;
pub mod makemv;
pub mod multikv;
pub mod mvcombine;
pub mod mvexpand;
pub mod nomv;
pub mod regex;
pub mod replace;
pub mod rex;
pub mod spath;
pub mod support;
pub mod xmlkv;

/// Parses a command's arguments (the input starts after the command name).
pub type ParseFn = for<'a> fn(&Src<'a>, &'a str) -> PResult<'a, Box<dyn Command>>;

/// Builds a parsed command's operator (see [`ToOperator`]).
pub type PlanFn = fn(&dyn Command, &PlanCtx) -> Result<Box<dyn Operator>>;

/// Builds the runtime operator of a parsed command.
pub trait ToOperator {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>>;
}

pub struct CommandSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub parse: ParseFn,
    /// `planner::<NodeType>`: plans the nodes `parse` returns.
    pub plan: PlanFn,
    /// One-line syntax summary (help, REPL hints, grammar checks).
    pub syntax: &'static str,
}

pub static COMMANDS: &[CommandSpec] = &[
    search::SPEC,
    where_::SPEC,
    eval::SPEC,
    stats::SPEC,
    rename::SPEC,
    table::SPEC,
    fields::SPEC,
    convert::SPEC,
    head::SPEC,
    tail::SPEC,
    sort::SPEC,
    dedup::SPEC,
    makeresults::SPEC,
    map::SPEC,
    lookup::SPEC,
    inputlookup::SPEC,
    outputlookup::SPEC,
    join::SPEC,
    append::SPEC,
    appendpipe::SPEC,
    rest::SPEC,
    // extraction commands
    addtotals::SPEC,
    bin::SPEC,
    extract::SPEC,
    fillnull::SPEC,
    foreach::SPEC,
    fromjson::SPEC,
    iplocation::SPEC,
    makemv::SPEC,
    multikv::SPEC,
    mvcombine::SPEC,
    mvexpand::SPEC,
    nomv::SPEC,
    regex::SPEC,
    replace::SPEC,
    rex::SPEC,
    spath::SPEC,
    xmlkv::SPEC,
    eventstats::SPEC,
    streamstats::SPEC,
    top::SPEC,
    rare::SPEC,
    chart::SPEC,
    timechart::SPEC,
    transaction::SPEC,
    anomalydetection::SPEC,
    outlier::SPEC,
    fieldsummary::SPEC,
    multisearch::SPEC,
    union::SPEC,
    tstats::SPEC,
    mstats::SPEC,
    datamodel::SPEC,
    from::SPEC,
    filldown::SPEC,
    reverse::SPEC,
    accum::SPEC,
    addinfo::SPEC,
    addcoltotals::SPEC,
    appendcols::SPEC,
    fieldformat::SPEC,
    format::SPEC,
    concurrency::SPEC,
    delta::SPEC,
    autoregress::SPEC,
    xyseries::SPEC,
    untable::SPEC,
    transpose::SPEC,
    gentimes::SPEC,
    makecontinuous::SPEC,
    geostats::SPEC,
    metadata::SPEC,
    tags::SPEC,
    typer::SPEC,
    strcat::SPEC,
    rangemap::SPEC,
    uniq::SPEC,
    trendline::SPEC,
    reltime::SPEC,
    setfields::SPEC,
    return_::SPEC,
];

/// Finds a command by name or alias, case-insensitively.
pub fn lookup(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| {
        c.name.eq_ignore_ascii_case(name) || c.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    })
}

/// Plans a node of type `T` (the [`PlanFn`] of a [`CommandSpec`]).
pub fn planner<T: Command + ToOperator>(
    c: &dyn Command,
    ctx: &PlanCtx,
) -> Result<Box<dyn Operator>> {
    match c.as_any().downcast_ref::<T>() {
        Some(t) => t.plan(ctx),
        None => Err(SplError::plan(format!(
            "internal error: the '{}' node is not the type its planner takes",
            c.name()
        ))),
    }
}

/// Builds the runtime operator of a parsed command.
pub fn plan(c: &dyn Command, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
    match lookup(c.name()) {
        Some(spec) => (spec.plan)(c, ctx),
        // Commands spleval does not run (third-party, not implemented) plan
        // into an error saying so.
        None => planner::<generic::GenericCmd>(c, ctx),
    }
}

/// The commands of [`COMMANDS`], then the known commands spleval does not
/// run ([`generic`]), as the parser's grammar.
pub struct Registry;

/// The grammar every search is parsed with.
pub static GRAMMAR: Registry = Registry;

impl Grammar for Registry {
    fn parse_command<'a>(
        &self,
        src: &Src<'a>,
        name: &'a str,
        args: &'a str,
    ) -> Option<PResult<'a, Box<dyn Command>>> {
        if let Some(spec) = lookup(name) {
            return Some((spec.parse)(src, args));
        }
        let prov = generic::provenance(name)?;
        Some(generic::parse(src, name, prov, args))
    }
    fn may_generate(&self, name: &str) -> bool {
        GENERATING.iter().any(|g| g.eq_ignore_ascii_case(name))
    }
}

/// The registry's commands that can be generating commands (their
/// `Command::kind`): the ones a subsearch may start with, without a `|`.
pub const GENERATING: &[&str] = &[
    "datamodel",
    "from",
    "gentimes",
    "inputlookup",
    "makeresults",
    "metadata",
    "mstats",
    "multisearch",
    "rest",
    "tstats",
    "union",
];

/// Parses a complete search with the registry's commands.
pub fn parse_pipeline(text: &str) -> std::result::Result<Pipeline, PErr> {
    crate::spl::parse_pipeline(text, &GRAMMAR)
}

/// Search text with the registry's commands, for parsers that start below
/// the pipeline (a search string given as an option value).
pub fn src(text: &str) -> Src<'_> {
    Src::with_grammar(text, &GRAMMAR)
}

/// The message of the parse error `spl` gives (unit tests; panics when it
/// parses).
#[cfg(test)]
pub(crate) fn parse_error(spl: &str) -> String {
    match parse_pipeline(spl) {
        Ok(p) => panic!("{spl:?} parsed as {p}"),
        Err(e) => e.msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_found_by_name_and_alias() {
        for c in COMMANDS {
            assert!(lookup(c.name).is_some());
            assert!(lookup(&c.name.to_uppercase()).is_some());
            for a in c.aliases {
                assert_eq!(lookup(a).unwrap().name, c.name);
            }
        }
    }
}
