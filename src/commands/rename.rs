//! `rename <field> AS <new> [, <field> AS <new>]…`, wildcards allowed
//! (`rename Processes.* AS *`). Renaming onto an existing field replaces
//! it; renaming a field a result lacks removes the new name's field from
//! that result, as the Search Reference says ("Renaming a field that does
//! not exist").

use std::any::Any;
use std::fmt;

use super::support::fields::{
    at_keyword, field_ref, unescape_backslashes, wildcard_captures, wildcard_fill, FieldRef,
};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "rename",
    aliases: &[],
    parse,
    syntax: "rename <field> AS <new-name> [, <field> AS <new-name>]…",
    plan: super::planner::<RenameCmd>,
};

#[derive(Debug, serde::Serialize)]
pub struct RenamePair {
    pub from: FieldRef,
    pub to: FieldRef,
}

#[derive(Debug)]
pub struct RenameCmd {
    pub pairs: Vec<RenamePair>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut pairs = Vec::new();
    let mut rest = ws(i);
    loop {
        let (r, from) = field_ref(src, rest)?;
        let Some(r) = at_keyword(r, &["as"]) else {
            return cut(fail(ws(r), "expected AS in rename"));
        };
        let (r, to) = cut(field_ref(src, r))?;
        // "The number of asterisks ( * ) in the original name must match the
        // number of asterisks in the new name" (Search Reference, rename).
        if from.name.matches('*').count() != to.name.matches('*').count() {
            return Err(nom::Err::Failure(lex::PErr::spanning(
                to.span,
                "wildcard rename needs the same number of '*' on both sides",
            )));
        }
        // "You can't rename one field with multiple names" (same page).
        if pairs.iter().any(|p: &RenamePair| p.from.name == from.name) {
            return Err(nom::Err::Failure(lex::PErr::spanning(
                from.span,
                "rename cannot give one field several new names",
            )));
        }
        pairs.push(RenamePair { from, to });
        let r = ws(r);
        rest = match r.strip_prefix(',') {
            Some(after) => ws(after),
            None => r,
        };
        if lex::at_command_end(rest) {
            break;
        }
    }
    Ok((rest, Box::new(RenameCmd { pairs })))
}

impl fmt::Display for RenameCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .pairs
            .iter()
            .map(|p| format!("{} AS {}", p.from, p.to))
            .collect();
        write!(f, "rename {}", parts.join(", "))
    }
}

impl Command for RenameCmd {
    fn name(&self) -> &'static str {
        "rename"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn columns(&self, before: Option<Vec<String>>) -> Option<Vec<String>> {
        let mut cols = before?;
        for p in &self.pairs {
            let (from, to) = (&unescape_backslashes(&p.from.name), &p.to.name);
            let renamed: Vec<(usize, String)> = cols
                .iter()
                .enumerate()
                .filter_map(|(n, c)| {
                    wildcard_captures(from, c).map(|caps| (n, wildcard_fill(to, &caps)))
                })
                .collect();
            for (n, new) in renamed {
                cols[n] = new;
            }
            // A rename onto an existing name replaces it: keep the first.
            let mut seen = std::collections::HashSet::new();
            cols.retain(|c| seen.insert(c.clone()));
        }
        Some(cols)
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "pairs": self.pairs })
    }
    fn writes(&self) -> Vec<String> {
        self.pairs.iter().map(|p| p.to.name.clone()).collect()
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::reads(
            self.pairs
                .iter()
                .flat_map(|p| [unescape_backslashes(&p.from.name), p.to.name.clone()]),
        )
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for RenameCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        for p in &self.pairs {
            if p.to.name.contains('*') && !p.from.name.contains('*') {
                return Err(
                    SplError::plan("wildcard in the new name needs one in the old name")
                        .at(p.to.span),
                );
            }
        }
        Ok(Box::new(RenameOp {
            pairs: self
                .pairs
                .iter()
                .map(|p| (unescape_backslashes(&p.from.name), p.to.name.clone()))
                .collect(),
        }))
    }
}

struct RenameOp {
    pairs: Vec<(String, String)>,
}

impl Operator for RenameOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        for (from, to) in &self.pairs {
            if from.contains('*') {
                let moves: Vec<(String, String)> = ev
                    .names()
                    .filter_map(|n| {
                        wildcard_captures(from, n)
                            .map(|caps| (n.to_string(), wildcard_fill(to, &caps)))
                    })
                    .collect();
                for (a, b) in moves {
                    ev.rename(&a, &b);
                }
            } else if ev.contains(from) {
                ev.rename(from, to);
            } else if from != to {
                // "If fieldB does exist, the result of the rename is that the
                // data in fieldB is removed" (Search Reference, rename).
                ev.remove(to);
            }
        }
        out(ev)
    }
}
