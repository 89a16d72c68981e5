//! `transpose [<int>] [column_name=<string>] [header_field=<field>]
//! [include_empty=<bool>]`: the first N results (default 5; 0 means all)
//! turned on their side. Each field becomes a result: its name in
//! `column_name` (default `column`), then its value in each of the N
//! results, in columns `row 1`, `row 2`, … or, with `header_field`, named
//! by that field's value in each result. `include_empty=false` leaves out
//! fields with no value in any of the results (Search Reference, transpose).
//!
//! Choices: internal fields (names starting with `_`) are not transposed;
//! the header field itself is not a row; at most 10,000 results become
//! columns (past that it stops with an error).

use std::any::Any;
use std::fmt;

use indexmap::IndexSet;

use super::support::xutil::{self, get};
use super::xyseries::MAX_COLUMNS;
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt, Span};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "transpose",
    aliases: &[],
    parse,
    syntax:
        "transpose [<int>] [column_name=<string>] [header_field=<field>] [include_empty=<bool>]",
    plan: super::planner::<TransposeCmd>,
};

#[derive(Debug)]
pub struct TransposeCmd {
    pub count: Option<u64>,
    pub count_span: Option<Span>,
    pub options: Vec<Opt>,
}

const OPTIONS: &[&str] = &["column_name", "header_field", "include_empty"];

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut count = None;
    let mut count_span = None;
    let mut options = Vec::new();
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        let (r, o) = xutil::known_option(src, rest, "transpose", OPTIONS)?;
        if let Some(o) = o {
            if o.key.eq_ignore_ascii_case("include_empty") {
                xutil::check_bool(&o)?;
            }
            options.push(o);
            rest = r;
            continue;
        }
        if count.is_none() {
            if let Ok((r, n)) = lex::uint(rest) {
                if lex::at_command_end(r) || lex::ws1(r).is_some() {
                    count = Some(n);
                    count_span = Some(src.span(rest, r));
                    rest = r;
                    continue;
                }
            }
        }
        return cut(fail(
            rest,
            "transpose takes a number of results and column_name=, header_field=, include_empty=",
        ));
    }
    Ok((
        rest,
        Box::new(TransposeCmd {
            count,
            count_span,
            options,
        }),
    ))
}

impl fmt::Display for TransposeCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("transpose")?;
        if let Some(n) = self.count {
            write!(f, " {n}")?;
        }
        xutil::print_opts(f, &self.options)
    }
}

impl Command for TransposeCmd {
    fn name(&self) -> &'static str {
        "transpose"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Transforming
    }
    fn needs_time_order(&self) -> bool {
        // It takes the first results in search order.
        true
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "count": self.count, "options": self.options })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for TransposeCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let n = self.count.unwrap_or(5);
        let limit = if n == 0 { usize::MAX } else { n as usize };
        if n as u128 > MAX_COLUMNS as u128 {
            let mut e = SplError::plan(format!(
                "transpose {n} would make more than {MAX_COLUMNS} columns"
            ));
            if let Some(s) = self.count_span {
                e = e.at(s);
            }
            return Err(e);
        }
        Ok(Box::new(TransposeOp {
            limit,
            column_name: get(&self.options, "column_name")
                .map(|o| o.value.clone())
                .unwrap_or_else(|| "column".into()),
            header: get(&self.options, "header_field").map(|o| o.value.clone()),
            include_empty: xutil::opt_bool(&self.options, "include_empty", true)?,
            rows: Vec::new(),
        }))
    }
}

struct TransposeOp {
    limit: usize,
    column_name: String,
    header: Option<String>,
    include_empty: bool,
    rows: Vec<Event>,
}

impl Operator for TransposeOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        if self.rows.len() < self.limit {
            if self.rows.len() >= MAX_COLUMNS {
                return Err(SplError::runtime(format!(
                    "transpose 0 would make more than {MAX_COLUMNS} columns (one per result)"
                )));
            }
            self.rows.push(ev);
        }
        Ok(())
    }
    fn done(&self) -> bool {
        self.rows.len() >= self.limit
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        let heads: Vec<String> = self
            .rows
            .iter()
            .enumerate()
            .map(|(k, r)| {
                self.header
                    .as_ref()
                    .and_then(|h| r.get(h))
                    .map(|v| v.to_display("\n"))
                    .unwrap_or_else(|| format!("row {}", k + 1))
            })
            .collect();
        let mut names: IndexSet<String> = IndexSet::new();
        for r in &self.rows {
            for n in r.names() {
                if !n.starts_with('_') && self.header.as_deref() != Some(n.as_str()) {
                    names.insert(n.to_string());
                }
            }
        }
        for (seq, name) in names.into_iter().enumerate() {
            let cells: Vec<Option<&Value>> = self.rows.iter().map(|r| r.get(&name)).collect();
            let empty = cells.iter().all(|c| match c {
                None => true,
                Some(v) => v.to_display("\n").is_empty(),
            });
            if empty && !self.include_empty {
                continue;
            }
            let mut ev = Event::new();
            ev.seq = seq as u64;
            ev.set(self.column_name.clone(), Value::Str(name.clone()));
            for (h, c) in heads.iter().zip(cells) {
                if let Some(v) = c {
                    ev.set(h.clone(), v.clone());
                }
            }
            out(ev)?;
        }
        Ok(())
    }
}
