//! `union [maxtime=<int>] [maxout=<int>] [timeout=<int>] <dataset> [<dataset>…]`:
//! merges several datasets into one (Search Reference, "union").
//!
//! A dataset is a `[subsearch]` or a named dataset `<type>:<name>`; the
//! datasets are separated by spaces or commas. Of the named ones spleval
//! reads `datamodel:<model>.<dataset>` (the input events in the data model
//! dataset, as `| from datamodel:…`) and `inputlookup:<name>` (the lookup's
//! rows, as `| inputlookup <name>`); a saved search (`savedsearch:<name>`)
//! or a dataset named without a type cannot be had offline, and planning
//! says so at the dataset.
//!
//! How the datasets merge follows the page's "How the command is
//! processed": distributable streaming datasets merge as `multisearch`
//! does, interleaved by time (newest first, ties in the datasets' order),
//! with no cap; from the first dataset that is not streaming on, each
//! dataset is appended as `append` does, keeping at most `maxout` results —
//! and there the default 50,000 is enforced even when a larger `maxout` is
//! given (the page's "Why unioned results might be truncated" shows
//! `maxout=10000000` still giving 50,000). A smaller `maxout` applies.
//! Written first (`| union …`), the first dataset is the search the others
//! merge into and is never capped. After a pipe, the incoming results are
//! the first dataset: streaming when every command before `union` is, in
//! which case they interleave with the streaming datasets; otherwise the
//! datasets are all appended after them. A subsearch is streaming when all
//! its commands are streaming; a data model dataset is, a lookup is not.
//! `maxtime` and `timeout` are accepted and have no effect offline.

use std::any::Any;
use std::fmt;

use super::from::{FromCmd, FromSource};
use super::support::sub::{self, OptKind};
use super::tstats::DatamodelRef;
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, CommandNode, Opt, Pipeline, Span};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "union",
    aliases: &[],
    parse,
    syntax: "union [maxtime=<int>] [maxout=<int>] [timeout=<int>] <dataset> [, <dataset>…] (dataset: [subsearch] | datamodel:<name> | inputlookup:<name> | savedsearch:<name>)",
    plan: super::planner::<UnionCmd>,
};

const OPTIONS: &[(&str, OptKind)] = &[
    ("maxtime", OptKind::Uint),
    ("maxout", OptKind::Uint),
    ("timeout", OptKind::Uint),
];

/// The `maxout` enforced on the datasets merged as `append` does.
pub const UNION_MAXOUT: u64 = 50_000;

/// The dataset types of a named dataset.
const TYPES: &[&str] = &["datamodel", "savedsearch", "inputlookup"];

/// What a dataset is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatasetKind {
    Subsearch,
    Datamodel,
    Inputlookup,
    Savedsearch,
    /// A name written without a type (`union dataset_A, dataset_B`).
    Untyped,
}

impl DatasetKind {
    fn label(self) -> &'static str {
        match self {
            DatasetKind::Subsearch => "subsearch",
            DatasetKind::Datamodel => "datamodel",
            DatasetKind::Inputlookup => "inputlookup",
            DatasetKind::Savedsearch => "savedsearch",
            DatasetKind::Untyped => "named",
        }
    }
}

#[derive(Debug)]
pub struct Dataset {
    pub kind: DatasetKind,
    /// The name of a named dataset (empty for a subsearch).
    pub name: String,
    /// What runs: the subsearch, or `from <type>:<name>` for a named
    /// dataset spleval reads (None: one it cannot read).
    pub search: Option<Pipeline>,
    /// The brackets of a subsearch, the `<type>:<name>` of a named dataset.
    pub span: Span,
}

impl Dataset {
    /// Distributable streaming: merged as `multisearch` merges.
    fn streaming(&self) -> bool {
        match self.kind {
            DatasetKind::Datamodel => true,
            DatasetKind::Subsearch => self.search.as_ref().is_some_and(|p| {
                p.commands
                    .iter()
                    .all(|c| c.cmd.kind() == CommandKind::Streaming)
            }),
            _ => false,
        }
    }
}

#[derive(Debug)]
pub struct UnionCmd {
    pub options: Vec<Opt>,
    pub datasets: Vec<Dataset>,
    /// Written as the first command of its (sub)search: it generates.
    pub first: bool,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let first = super::inputlookup::is_first(src, i, "union");
    let (mut rest, options) = sub::options(src, i, "union", OPTIONS)?;
    let mut datasets = Vec::new();
    loop {
        rest = ws(rest);
        if !datasets.is_empty() {
            if let Some(r) = rest.strip_prefix(',') {
                rest = ws(r);
                if lex::at_command_end(rest) {
                    return cut(fail(rest, "expected a dataset after ','"));
                }
            }
        }
        if lex::at_command_end(rest) {
            break;
        }
        let (r, d) = dataset(src, rest)?;
        datasets.push(d);
        rest = r;
    }
    if datasets.is_empty() {
        return Err(nom::Err::Failure(
            PErr::at(rest, "union needs at least one dataset").with_help(
                "write `union [search …] [search …]` or name a dataset, e.g. datamodel:<model>.<dataset>",
            ),
        ));
    }
    Ok((
        rest,
        Box::new(UnionCmd {
            options,
            datasets,
            first,
        }),
    ))
}

/// One dataset: a `[subsearch]`, `<type>:<name>` or a bare name.
fn dataset<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Dataset> {
    if i.starts_with('[') {
        let (r, (p, span)) = sub::subsearch(src, i, "union")?;
        return Ok((
            r,
            Dataset {
                kind: DatasetKind::Subsearch,
                name: String::new(),
                search: Some(p),
                span,
            },
        ));
    }
    if let Some((_, o)) = lex::option(i, src) {
        return Err(nom::Err::Failure(
            PErr::spanning(o.span, "union options come before the datasets")
                .with_help("write `union maxout=<int> [search …] [search …]`"),
        ));
    }
    if let Ok((r, ty)) = lex::ident(i) {
        if let Some(after) = r.strip_prefix(':') {
            let lty = ty.to_ascii_lowercase();
            if !TYPES.contains(&lty.as_str()) {
                return Err(nom::Err::Failure(
                    PErr::spanning(src.span(i, r), format!("unknown dataset type '{ty}'"))
                        .with_help("union reads [subsearch]es and datamodel:, savedsearch: or inputlookup: datasets"),
                ));
            }
            if lex::at_command_end(after) || after.starts_with(char::is_whitespace) {
                return cut(fail(after, "expected a dataset name after ':'"));
            }
            let (rest, name) = cut(lex::field_name(after))?;
            let span = src.span(i, rest);
            let name_span = src.span(after, rest);
            let (kind, source) = match lty.as_str() {
                "datamodel" => (
                    DatasetKind::Datamodel,
                    Some(FromSource::Datamodel {
                        datamodel: DatamodelRef::parse(&name, name_span),
                    }),
                ),
                "inputlookup" => (
                    DatasetKind::Inputlookup,
                    Some(FromSource::Named {
                        kind: lty.clone(),
                        name: name.clone(),
                    }),
                ),
                _ => (DatasetKind::Savedsearch, None),
            };
            let search = source.map(|source| from_pipeline(source, span));
            return Ok((
                rest,
                Dataset {
                    kind,
                    name,
                    search,
                    span,
                },
            ));
        }
    }
    let (rest, name) = lex::field_name(i).map_err(|_| {
        nom::Err::Failure(PErr::at(
            i,
            "expected a dataset: a [subsearch] or <type>:<name>",
        ))
    })?;
    Ok((
        rest,
        Dataset {
            kind: DatasetKind::Untyped,
            name,
            search: None,
            span: src.span(i, rest),
        },
    ))
}

/// `from <type>:<name>`, the search a named dataset runs.
fn from_pipeline(source: FromSource, span: Span) -> Pipeline {
    let cmd = FromCmd {
        source,
        colon: true,
        span,
    };
    Pipeline {
        commands: vec![CommandNode {
            span,
            name_span: Span::new(span.start, span.start),
            implicit: false,
            cmd: Box::new(cmd),
        }],
        span,
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, &self.search) {
            (DatasetKind::Subsearch, Some(p)) => write!(f, "[{p}]"),
            (DatasetKind::Untyped, _) => f.write_str(&lex::print_field(&self.name)),
            (kind, _) => write!(f, "{}:{}", kind.label(), lex::print_field(&self.name)),
        }
    }
}

impl fmt::Display for UnionCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("union")?;
        sub::print_opts(f, &self.options)?;
        for d in &self.datasets {
            write!(f, " {d}")?;
        }
        Ok(())
    }
}

impl Command for UnionCmd {
    fn name(&self) -> &'static str {
        "union"
    }
    fn kind(&self) -> CommandKind {
        if self.first {
            CommandKind::Generating
        } else {
            // The incoming results come in search order, first.
            CommandKind::OrderSensitive
        }
    }
    fn to_json(&self) -> serde_json::Value {
        let datasets: Vec<serde_json::Value> = self
            .datasets
            .iter()
            .map(|d| match (d.kind, &d.search) {
                (DatasetKind::Subsearch, Some(p)) => {
                    serde_json::json!({ "type": "subsearch", "subsearch": p.to_json(), "span": d.span })
                }
                (kind, _) => {
                    serde_json::json!({ "type": kind.label(), "name": d.name, "span": d.span })
                }
            })
            .collect();
        serde_json::json!({ "options": self.options, "first": self.first, "datasets": datasets })
    }
    fn subsearches(&self) -> Vec<&Pipeline> {
        self.datasets
            .iter()
            .filter_map(|d| d.search.as_ref())
            .collect()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for UnionCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        // Without knowing what came before, the incoming results are taken
        // as not streaming (the pipeline planner says, see `plan_after`).
        self.plan_after(ctx, false)
    }
}

impl UnionCmd {
    /// The `maxout` of the datasets appended: the option, but no more than
    /// the enforced default.
    fn cap(&self) -> usize {
        match sub::opt_uint(&self.options, "maxout", UNION_MAXOUT) {
            0 => UNION_MAXOUT as usize,
            n => n.min(UNION_MAXOUT) as usize,
        }
    }

    /// Plans the union; `streaming_input`: every command before it is
    /// distributable streaming (then its incoming events interleave with
    /// the streaming datasets).
    pub fn plan_after(&self, ctx: &PlanCtx, streaming_input: bool) -> Result<Box<dyn Operator>> {
        for d in &self.datasets {
            if d.search.is_none() {
                return Err(unreadable(d));
            }
        }
        // The first dataset that is not streaming: it and the ones after it
        // are appended.
        let split = self
            .datasets
            .iter()
            .position(|d| !d.streaming())
            .unwrap_or(self.datasets.len());
        let hold_input = !self.first && streaming_input && split > 0;
        let mut op = UnionOp {
            hold_input,
            held: Vec::new(),
            merged: Vec::new(),
            interleave: true,
            appended: Vec::new(),
            seen: 0,
        };
        // The datasets from `appended` on are appended, each capped.
        let appended = if self.first {
            if split == 0 {
                // The first dataset is the search the others append to.
                op.interleave = false;
                1
            } else {
                split
            }
        } else if streaming_input {
            split
        } else {
            0
        };
        let mut held = 0usize;
        for (n, d) in self.datasets.iter().enumerate() {
            let Some(p) = &d.search else { continue };
            let cap = if n >= appended { self.cap() } else { 0 };
            let rows = sub::run_subsearch(ctx, p, cap, "union").map_err(|e| e.at(d.span))?;
            held = held.saturating_add(rows.len());
            crate::base::budget::ROWS
                .check(held, "union")
                .map_err(|e| e.at(d.span))?;
            if n < appended {
                op.merged.extend(rows);
            } else {
                op.appended.extend(rows);
            }
        }
        Ok(Box::new(op))
    }
}

/// The error of a dataset spleval cannot read.
fn unreadable(d: &Dataset) -> SplError {
    let (msg, help) = match d.kind {
        DatasetKind::Savedsearch => (
            format!(
                "union: savedsearch:{} is a saved search of a Splunk server; spleval cannot read it offline",
                d.name
            ),
            "give the saved search's text as a [subsearch]",
        ),
        _ => (
            format!(
                "union: '{}' names a dataset without a type; spleval reads only [subsearch]es, datamodel: and inputlookup: datasets",
                d.name
            ),
            "write the dataset as a [subsearch], or as datamodel:<model>.<dataset> or inputlookup:<name>",
        ),
    };
    SplError::plan(msg).at(d.span).with_help(help)
}

/// Emits the union: the incoming results (held to interleave, or passed on
/// as they come), the streaming datasets' rows, then the appended ones.
struct UnionOp {
    /// Hold the incoming events to interleave them with `merged`.
    hold_input: bool,
    held: Vec<Event>,
    /// The rows merged as `multisearch` does (or the first dataset's).
    merged: Vec<Event>,
    /// Put `held` and `merged` in search order (newest first).
    interleave: bool,
    /// The rows appended after, in the datasets' order.
    appended: Vec<Event>,
    /// The number of incoming results passed on.
    seen: u64,
}

impl Operator for UnionOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if self.hold_input {
            self.held.push(ev);
            return Ok(());
        }
        self.seen = self.seen.max(ev.seq + 1);
        out(ev)
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        let mut rows = std::mem::take(&mut self.held);
        rows.append(&mut self.merged);
        // Numbered in the datasets' order, so ties in time keep it.
        for (n, ev) in rows.iter_mut().enumerate() {
            ev.seq = n as u64;
        }
        if self.interleave {
            rows.sort_by(Event::search_order);
        }
        rows.append(&mut self.appended);
        for (n, mut ev) in rows.into_iter().enumerate() {
            ev.seq = self.seen + n as u64;
            out(ev)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::parse_pipeline;

    use crate::commands::parse_error as err;

    #[test]
    fn parses_and_prints_every_dataset_form() {
        for spl in [
            "| union [search index=a | eval type = \"foo\"] [search index=b | eval mytype = \"bar\"]",
            "| union maxout=10000000 [ search index=union_1 | head 60000] [ search index=union_2 ] [ search index=union_3 ] | stats count by index",
            "index=x | chart count by category1 | union maxout=20000 maxtime=120 timeout=600 [search error | chart count by category2]",
            "index=x | union datamodel:\"internal_server.splunkdaccess\" [search index=a]",
            "| union dataset_A, dataset_B",
            "| union savedsearch:nightly, inputlookup:users.csv",
        ] {
            let p = parse_pipeline(spl).unwrap_or_else(|e| panic!("{spl}: {}", e.msg));
            let again = parse_pipeline(&p.to_string()).expect("prints back");
            assert_eq!(again.shape(), p.shape(), "{spl}");
        }
    }

    #[test]
    fn leading_union_generates() {
        use crate::spl::ast::CommandKind;
        let p = parse_pipeline("| union [search a] [search b]").unwrap();
        assert_eq!(p.commands[0].cmd.kind(), CommandKind::Generating);
        let p = parse_pipeline("a | union [search b]").unwrap();
        assert_eq!(p.commands[1].cmd.kind(), CommandKind::OrderSensitive);
        // A subsearch may start with it, as with the other generating commands.
        let p = parse_pipeline("| append [union [search a] [search b]]").unwrap();
        assert_eq!(
            p.commands[0].cmd.subsearches()[0].commands[0].cmd.name(),
            "union"
        );
    }

    #[test]
    fn syntax_errors() {
        assert!(err("| union").contains("at least one dataset"));
        assert!(err("| union maxout=5").contains("at least one dataset"));
        assert!(err("| union [search a] maxout=5").contains("options come before"));
        assert!(err("| union report:x [search a]").contains("unknown dataset type 'report'"));
        assert!(err("| union [search a],").contains("after ','"));
        assert!(err("| union maxout=x [search a]").contains("whole number"));
        assert!(err("| union limit=5 [search a]").contains("unknown union option"));
    }
}
