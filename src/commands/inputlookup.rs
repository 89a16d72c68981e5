//! `| inputlookup [append=<bool>] [strict=<bool>] [start=<int>] [max=<int>] <lookup> [WHERE <search>]`
//!
//! Returns a lookup table's rows as results (a row's empty cells make no
//! field). As the first command it generates results; later in a search it
//! needs `append=t` and adds the rows after the incoming results. `start`
//! skips rows and `max` caps them (both counted in the file, before WHERE);
//! WHERE filters with the search language.

use std::any::Any;
use std::fmt;

use super::support::fields::{at_keyword, FieldRef};
use super::support::sub::{self, OptKind};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::content::lookups;
use crate::eval::matcher::Matcher;
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{cut, fail, ws, PResult, Src};
use crate::spl::search_expr::{parse_search, SearchExpr};

pub const SPEC: CommandSpec = CommandSpec {
    name: "inputlookup",
    aliases: &[],
    parse,
    syntax: "| inputlookup [append=<bool>] [start=<int>] [max=<int>] <lookup> [WHERE <search>]",
    plan: super::planner::<InputlookupCmd>,
};

const OPTIONS: &[(&str, OptKind)] = &[
    ("append", OptKind::Bool),
    ("strict", OptKind::Bool),
    ("start", OptKind::Uint),
    ("max", OptKind::Uint),
];

/// Splunk's default `max`.
const DEFAULT_MAX: u64 = 1_000_000_000;

#[derive(Debug)]
pub struct InputlookupCmd {
    pub options: Vec<Opt>,
    pub table: FieldRef,
    pub filter: Option<SearchExpr>,
    /// True when written as the first command of its (sub)search.
    pub first: bool,
}

/// Is the command whose arguments start at `i` the first of its search?
/// (Only whitespace, an opening `[` or a leading `|` comes before its name.)
pub fn is_first(src: &Src<'_>, i: &str, name: &str) -> bool {
    let before = src.text[..src.pos(i)].trim_end();
    let n = before.len();
    if n < name.len() || !before.is_char_boundary(n - name.len()) {
        return false;
    }
    if !before[n - name.len()..].eq_ignore_ascii_case(name) {
        return false;
    }
    let before = before[..n - name.len()].trim_end();
    let before = before.strip_suffix('|').unwrap_or(before).trim_end();
    before.is_empty() || before.ends_with('[')
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let first = is_first(src, i, "inputlookup");
    let (rest, options) = sub::options(src, i, "inputlookup", OPTIONS)?;
    let (rest, table) = sub::name_arg(src, rest, "a lookup name")?;
    // Options may also follow the name (`inputlookup baseline append=t`).
    let (rest, more) = sub::options(src, rest, "inputlookup", OPTIONS)?;
    let mut options = options;
    options.extend(more);
    let (rest, filter) = match at_keyword(rest, &["where"]) {
        Some(after) => {
            let (r, e) = parse_search(src, after)?;
            if e.is_none() {
                return cut(fail(ws(r), "expected a search after WHERE"));
            }
            (r, e)
        }
        None => (rest, None),
    };
    Ok((
        rest,
        Box::new(InputlookupCmd {
            options,
            table,
            filter,
            first,
        }),
    ))
}

impl InputlookupCmd {
    fn append(&self) -> bool {
        sub::opt_bool(&self.options, "append", false)
    }
}

impl fmt::Display for InputlookupCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("inputlookup")?;
        sub::print_opts(f, &self.options)?;
        write!(f, " {}", sub::print_name(&self.table.name))?;
        if let Some(e) = &self.filter {
            write!(f, " WHERE {e}")?;
        }
        Ok(())
    }
}

impl Command for InputlookupCmd {
    fn name(&self) -> &'static str {
        "inputlookup"
    }
    fn kind(&self) -> CommandKind {
        if self.first || !self.append() {
            // Not first without append=t: the planner reports it must come first.
            CommandKind::Generating
        } else {
            CommandKind::OrderSensitive
        }
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "table": self.table, "where": self.filter })
    }
    fn subsearches(&self) -> Vec<&crate::spl::ast::Pipeline> {
        let mut out = Vec::new();
        if let Some(e) = &self.filter {
            e.walk(&mut |x| {
                if let SearchExpr::Subsearch { pipeline, .. } = x {
                    out.push(pipeline);
                }
            });
        }
        out
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for InputlookupCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let lk = lookups::open_for(ctx.rules_root.as_deref(), "inputlookup")?;
        let r = lk
            .resolve(&self.table.name)
            .map_err(|e| e.at(self.table.span))?;
        let m = match &self.filter {
            Some(e) => Some(Matcher::compile(e, ctx)?),
            None => None,
        };
        let start = sub::opt_uint(&self.options, "start", 0) as usize;
        let max = sub::opt_uint(&self.options, "max", DEFAULT_MAX) as usize;
        let mut rows = Vec::new();
        for row in r.table.rows.iter().skip(start).take(max) {
            let mut ev = Event::with_capacity(r.table.fields.len());
            for (f, cell) in r.table.fields.iter().zip(row) {
                if !cell.is_empty() {
                    ev.set(f.clone(), Value::Str(cell.clone()));
                }
            }
            if let Some(m) = &m {
                if !m.matches(&ev)? {
                    continue;
                }
            }
            rows.push(ev);
        }
        Ok(Box::new(InputlookupOp { rows, seen: 0 }))
    }
}

struct InputlookupOp {
    rows: Vec<Event>,
    seen: u64,
}

impl Operator for InputlookupOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        self.seen = self.seen.max(ev.seq + 1);
        out(ev)
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        for (n, mut ev) in std::mem::take(&mut self.rows).into_iter().enumerate() {
            ev.seq = self.seen + n as u64;
            out(ev)?;
        }
        Ok(())
    }
}
