//! `return [<count>] [<alias>=<field>...] [<field>...] [$<field>...]`: turns
//! the first `count` results (default 1) into one result whose only field,
//! `search`, is what a `[subsearch]` ending in it gives the outer search
//! (Search Reference, return). Each result becomes its items in the order
//! written, separated by spaces: `field` gives `field="value"`,
//! `alias=field` gives `alias="value"`, `$field` the bare value. Values are
//! put in quotes, and quotes inside them are not escaped (the page's
//! "Quotations in returned fields"). An item whose field the result lacks
//! is left out, and a result that repeats an earlier one's text is given
//! once. One result's text stands alone (`ip="10.1.1.2"`); several are
//! `(…) OR (…)`. With no results, or none with an item, `search` is the
//! empty string, which as a subsearch matches every event (the page's "When
//! the input for 'return' is 0 events").

use std::any::Any;
use std::fmt;

use serde::Serialize;

use super::support::fields::{field_ref, FieldRef};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Span};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "return",
    aliases: &[],
    parse,
    syntax: "return [<count>] [<alias>=<field>...] [<field>...] [$<field>...]",
    plan: super::planner::<ReturnCmd>,
};

/// One thing to return from each result.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type")]
pub enum Item {
    /// `field`: `field="value"`.
    Field { field: FieldRef },
    /// `alias=field`: `alias="value"`.
    Alias { alias: FieldRef, field: FieldRef },
    /// `$field`: the value alone.
    Value { field: FieldRef },
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Field { field } => write!(f, "{field}"),
            Item::Alias { alias, field } => write!(f, "{alias}={field}"),
            Item::Value { field } => write!(f, "${field}"),
        }
    }
}

#[derive(Debug)]
pub struct ReturnCmd {
    pub count: Option<(u64, Span)>,
    pub items: Vec<Item>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut count = None;
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    if digits > 0 && lex::is_token_end(rest[digits..].chars().next().unwrap_or(' ')) {
        let after = &rest[digits..];
        if !after.starts_with('=') {
            let n: u64 = rest[..digits].parse().map_err(|_| {
                nom::Err::Failure(PErr::spanning(
                    src.span(rest, after),
                    "return's count is too large",
                ))
            })?;
            count = Some((n, src.span(rest, after)));
            rest = after;
        }
    }
    let mut items = Vec::new();
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if let Some(r) = rest.strip_prefix('$') {
            let (r, field) = cut(field_ref(src, r))?;
            items.push(Item::Value { field });
            rest = r;
            continue;
        }
        let (r, name) = cut(field_ref(src, rest))?;
        if let Some(after) = r.strip_prefix('=') {
            if after.starts_with(char::is_whitespace) || lex::at_command_end(after) {
                return cut(fail(
                    r,
                    "return's <alias>=<field> takes no spaces around '='",
                ));
            }
            let (r2, field) = cut(field_ref(src, after))?;
            items.push(Item::Alias { alias: name, field });
            rest = r2;
            continue;
        }
        if ws(r).starts_with('=') {
            return cut(fail(
                ws(r),
                "return's <alias>=<field> takes no spaces around '='",
            ));
        }
        items.push(Item::Field { field: name });
        rest = r;
    }
    Ok((rest, Box::new(ReturnCmd { count, items })))
}

impl fmt::Display for ReturnCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("return")?;
        if let Some((n, _)) = self.count {
            write!(f, " {n}")?;
        }
        for it in &self.items {
            write!(f, " {it}")?;
        }
        Ok(())
    }
}

impl Command for ReturnCmd {
    fn name(&self) -> &'static str {
        "return"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Transforming
    }
    fn needs_time_order(&self) -> bool {
        // The first results are taken in search order.
        true
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "count": self.count.map(|c| c.0), "items": self.items })
    }
    fn writes(&self) -> Vec<String> {
        vec!["search".to_string()]
    }
    fn columns(&self, _before: Option<Vec<String>>) -> Option<Vec<String>> {
        // Not `search` alone: a subsearch ending here reads the fields its
        // text names, which the text of the search does not tell.
        None
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::replaces(self.items.iter().map(|it| match it {
            Item::Field { field } | Item::Alias { field, .. } | Item::Value { field } => {
                field.name.clone()
            }
        }))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for ReturnCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(ReturnOp {
            count: self.count.map_or(1, |c| c.0),
            items: self.items.clone(),
            taken: 0,
            rows: Vec::new(),
            len: 0,
        }))
    }
}

struct ReturnOp {
    count: u64,
    items: Vec<Item>,
    taken: u64,
    /// Each result's text, first occurrences only.
    rows: Vec<String>,
    len: usize,
}

impl ReturnOp {
    fn row(&self, ev: &Event) -> String {
        let mut parts = Vec::with_capacity(self.items.len());
        for it in &self.items {
            let (name, field) = match it {
                Item::Field { field } => (Some(&field.name), field),
                Item::Alias { alias, field } => (Some(&alias.name), field),
                Item::Value { field } => (None, field),
            };
            let Some(text) = ev.get(&field.name).and_then(Value::as_text) else {
                continue;
            };
            parts.push(match name {
                Some(n) => format!("{n}=\"{text}\""),
                None => text.into_owned(),
            });
        }
        parts.join(" ")
    }
}

impl Operator for ReturnOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        if self.taken >= self.count {
            return Ok(());
        }
        self.taken += 1;
        let r = self.row(&ev);
        if !r.is_empty() && !self.rows.contains(&r) {
            self.len += r.len() + 8;
            crate::base::budget::STRING.check(self.len, "return")?;
            self.rows.push(r);
        }
        Ok(())
    }
    fn done(&self) -> bool {
        self.taken >= self.count
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        let rows = std::mem::take(&mut self.rows);
        let search = match rows.len() {
            0 => String::new(),
            1 => rows.into_iter().next().unwrap_or_default(),
            _ => rows
                .iter()
                .map(|r| format!("({r})"))
                .collect::<Vec<_>>()
                .join(" OR "),
        };
        let mut ev = Event::new();
        ev.set("search", Value::Str(search));
        out(ev)
    }
}
