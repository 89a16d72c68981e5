//! `replace <wc-string> WITH <wc-string> [, <wc-string> WITH <wc-string>]… [IN <field-list>]`:
//! replaces whole field values. `*` in the old value matches any text
//! (case-sensitively, the whole value); each `*` in the new value is filled
//! with what the matching `*` took. When several pairs match a value, the
//! page's precedence holds: "Non-wildcard replacement values specified later
//! take precedence over those replacements specified earlier. For a
//! wildcard replacement, fuller matches take precedence over lesser
//! matches" (an exact pair beats a wildcard one; among wildcard pairs the
//! one with the most literal characters wins, the first on a tie). Without `IN`, every field except the internal `_` fields is
//! looked at. Each value of a multivalue field is replaced on its own.

use std::any::Any;
use std::fmt;

use super::support::fields::{
    at_keyword, field_list, join_fields, wildcard_captures, wildcard_fill, FieldRef,
};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Span};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "replace",
    aliases: &[],
    parse,
    syntax:
        "replace <wc-string> WITH <wc-string> [, <wc-string> WITH <wc-string>]… [IN <field-list>]",
    plan: super::planner::<ReplaceCmd>,
};

#[derive(Debug, serde::Serialize)]
pub struct ReplacePair {
    pub from: String,
    pub to: String,
    pub span: Span,
}

#[derive(Debug)]
pub struct ReplaceCmd {
    pub pairs: Vec<ReplacePair>,
    /// Empty: every non-internal field.
    pub fields: Vec<FieldRef>,
}

/// A quoted string or a bare token (to whitespace, comma or the end of the command).
fn wc_string<'a>(i: &'a str) -> PResult<'a, String> {
    if i.starts_with('"') {
        return lex::dquoted(i);
    }
    let end = i
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || matches!(c, ',' | '|' | ']'))
        .map(|(n, _)| n)
        .unwrap_or(i.len());
    if end == 0 {
        return fail(i, "expected a value");
    }
    Ok((&i[end..], i[..end].to_string()))
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut pairs = Vec::new();
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) || at_keyword(rest, &["in"]).is_some() {
            break;
        }
        let start = rest;
        let (r, from) = cut(wc_string(rest))?;
        let Some(r) = at_keyword(r, &["with"]) else {
            return cut(fail(
                ws(r),
                "expected WITH in replace (replace <old> WITH <new>)",
            ));
        };
        let r = ws(r);
        let (r, to) = cut(wc_string(r))?;
        let span = src.span(start, r);
        if to.matches('*').count() > from.matches('*').count() {
            return Err(nom::Err::Failure(PErr::spanning(
                span,
                "the new value has more '*' than the old value",
            )));
        }
        pairs.push(ReplacePair { from, to, span });
        rest = ws(r);
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        }
    }
    if pairs.is_empty() {
        return cut(fail(rest, "replace needs <old> WITH <new>"));
    }
    let (rest, fields) = match at_keyword(rest, &["in"]) {
        Some(r) => {
            let (r, fs) = field_list(src, r, &[])?;
            if fs.is_empty() {
                return cut(fail(r, "expected field names after IN"));
            }
            (r, fs)
        }
        None => (rest, Vec::new()),
    };
    Ok((rest, Box::new(ReplaceCmd { pairs, fields })))
}

fn print_wc(s: &str) -> String {
    let special = s.is_empty()
        || s.contains(|c: char| c.is_whitespace() || matches!(c, ',' | '|' | ']' | '"'))
        || s.eq_ignore_ascii_case("with")
        || s.eq_ignore_ascii_case("in");
    if special {
        lex::quote(s)
    } else {
        s.to_string()
    }
}

impl fmt::Display for ReplaceCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .pairs
            .iter()
            .map(|p| format!("{} WITH {}", print_wc(&p.from), print_wc(&p.to)))
            .collect();
        write!(f, "replace {}", parts.join(", "))?;
        if !self.fields.is_empty() {
            write!(f, " IN {}", join_fields(&self.fields))?;
        }
        Ok(())
    }
}

impl Command for ReplaceCmd {
    fn name(&self) -> &'static str {
        "replace"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "pairs": self.pairs, "fields": self.fields })
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        // Without `IN fields` it rewrites every field.
        if self.fields.is_empty() {
            return crate::spl::fields::Flow::Any;
        }
        crate::spl::fields::Flow::reads(self.fields.iter().map(|f| f.name.clone()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for ReplaceCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(ReplaceOp {
            pairs: self
                .pairs
                .iter()
                .map(|p| {
                    let literal = p.from.chars().filter(|&c| c != '*').count();
                    let wild = p.from.contains('*');
                    (p.from.clone(), p.to.clone(), wild, literal)
                })
                .collect(),
            fields: self.fields.iter().map(|f| f.name.clone()).collect(),
        }))
    }
}

struct ReplaceOp {
    /// (old, new, old has a `*`, literal characters of old).
    pairs: Vec<(String, String, bool, usize)>,
    fields: Vec<String>,
}

impl ReplaceOp {
    fn replace_one(&self, v: &Value) -> Value {
        let Some(t) = v.as_text() else {
            return v.clone();
        };
        // The last exact pair, else the fullest wildcard match.
        if let Some((_, to, _, _)) = self
            .pairs
            .iter()
            .rev()
            .find(|(from, _, wild, _)| !wild && *from == *t)
        {
            return Value::Str(to.clone());
        }
        let mut best: Option<(usize, &str, Vec<String>)> = None;
        for (from, to, wild, literal) in &self.pairs {
            if !wild || best.as_ref().is_some_and(|b| b.0 >= *literal) {
                continue;
            }
            if let Some(caps) = wildcard_captures(from, &t) {
                best = Some((*literal, to, caps));
            }
        }
        match best {
            Some((_, to, caps)) => Value::Str(wildcard_fill(to, &caps)),
            None => v.clone(),
        }
    }
}

impl Operator for ReplaceOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let targets: Vec<String> = if self.fields.is_empty() {
            ev.names()
                .filter(|n| !n.starts_with('_'))
                .map(|n| n.to_string())
                .collect()
        } else {
            super::support::xutil::matching_fields(&ev, &self.fields)
        };
        for name in targets {
            let Some(v) = ev.get(&name) else { continue };
            let nv = Value::multi(v.values().iter().map(|x| self.replace_one(x)).collect());
            if nv != *v {
                ev.set(name, nv);
            }
        }
        out(ev)
    }
}
