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
use crate::spl::ast::{Command, Pipeline, Span};
use crate::spl::lex::{self, fail, ws, PErr, PResult, Src};
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
pub mod from;
pub mod generic;
pub mod head;
pub mod inputlookup;
pub mod join;
pub mod lookup;
pub mod makeresults;
pub mod map;
pub mod mstats;
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
pub mod where_;

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
    tstats::SPEC,
    mstats::SPEC,
    datamodel::SPEC,
    from::SPEC,
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
    fn is_builtin(&self, name: &str) -> bool {
        lookup(name).is_some()
    }
}

/// Parses a complete search with the registry's commands.
pub fn parse_pipeline(text: &str) -> std::result::Result<Pipeline, PErr> {
    crate::spl::parse_pipeline(text, &GRAMMAR)
}

/// Search text with the registry's commands, for parsers that start below
/// the pipeline (a search string given as an option value).
pub fn src(text: &str) -> Src<'_> {
    Src::with_grammar(text, &GRAMMAR)
}

/// A field name as written in a command, with its span.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FieldRef {
    pub name: String,
    pub span: Span,
}

impl std::fmt::Display for FieldRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&lex::print_field(&self.name))
    }
}

/// One field name.
pub fn field_ref<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, FieldRef> {
    let i = ws(i);
    if lex::at_command_end(i) {
        return fail(i, "expected a field name");
    }
    let (rest, name) = lex::field_name(i)?;
    Ok((
        rest,
        FieldRef {
            name,
            span: src.span(i, rest),
        },
    ))
}

/// Is the input at one of these keywords (case-insensitive)?
pub fn at_keyword<'a>(i: &'a str, kws: &[&str]) -> Option<&'a str> {
    let i = ws(i);
    kws.iter().find_map(|k| lex::keyword(i, k))
}

/// Field names separated by spaces and/or commas, up to the end of the command
/// or one of `stop` keywords.
pub fn field_list<'a>(src: &Src<'a>, i: &'a str, stop: &[&str]) -> PResult<'a, Vec<FieldRef>> {
    let mut out = Vec::new();
    let mut rest = ws(i);
    loop {
        if lex::at_command_end(rest) || at_keyword(rest, stop).is_some() {
            break;
        }
        let (r, f) = field_ref(src, rest)?;
        out.push(f);
        rest = ws(r);
        // Commas separate fields; Splunk tolerates repeated ones (`a, , b`).
        while let Some(r) = rest.strip_prefix(',') {
            rest = ws(r);
        }
    }
    Ok((rest, out))
}

pub fn join_fields(fields: &[FieldRef]) -> String {
    fields
        .iter()
        .map(|f| f.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splunk wildcard field-name matching (`Processes.*`, `*_ip`): returns the
/// parts the `*`s matched, or None.
pub fn wildcard_captures(pattern: &str, name: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return (pattern == name).then(Vec::new);
    }
    let mut caps = Vec::new();
    let first = parts[0];
    let last = parts[parts.len() - 1];
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return None;
    }
    let mut pos = first.len();
    let end_limit = name.len() - last.len();
    for mid in &parts[1..parts.len() - 1] {
        let hay = &name[pos..end_limit];
        let found = hay.find(mid)?;
        caps.push(hay[..found].to_string());
        pos += found + mid.len();
    }
    caps.push(name[pos..end_limit].to_string());
    Some(caps)
}

/// Substitutes captured wildcard parts into a target pattern's `*`s, in order.
pub fn wildcard_fill(target: &str, caps: &[String]) -> String {
    let mut out = String::new();
    let mut it = caps.iter();
    for (n, part) in target.split('*').enumerate() {
        if n > 0 {
            out.push_str(it.next().map(String::as_str).unwrap_or(""));
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_capture_and_fill() {
        assert_eq!(
            wildcard_captures("Processes.*", "Processes.dest"),
            Some(vec!["dest".to_string()])
        );
        assert_eq!(wildcard_captures("Processes.*", "Other.dest"), None);
        assert_eq!(
            wildcard_captures("*_ip", "src_ip"),
            Some(vec!["src".to_string()])
        );
        assert_eq!(wildcard_fill("*", &["dest".to_string()]), "dest");
        assert_eq!(wildcard_fill("new_*", &["x".to_string()]), "new_x");
    }

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
