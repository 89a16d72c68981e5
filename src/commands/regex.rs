//! `regex [<field>=|<field>!=]"<regex>"`: keeps results whose field (default
//! `_raw`) matches the regex (any value of a multivalue field), or with `!=`
//! those where it does not match (including results without the field).

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use super::support::fields::FieldRef;
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::regex_util::{self, Regex};
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Span};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "regex",
    aliases: &[],
    parse,
    syntax: "regex [<field>=|<field>!=]\"<regex>\"",
    plan: super::planner::<RegexCmd>,
};

#[derive(Debug)]
pub struct RegexCmd {
    /// None: `_raw`.
    pub field: Option<FieldRef>,
    pub negate: bool,
    pub pattern: String,
    pub pattern_span: Span,
}

/// A regex value: quoted, or a bare run of non-space characters.
fn pattern_value<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, (String, Span)> {
    let i = ws(i);
    if i.starts_with('"') {
        let (r, s) = lex::dquoted(i)?;
        return Ok((r, (s, src.span(i, r))));
    }
    let end = i
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || *c == '|')
        .map(|(n, _)| n)
        .unwrap_or(i.len());
    if end == 0 {
        return cut(fail(i, "expected a regular expression"));
    }
    let r = &i[end..];
    Ok((r, (i[..end].to_string(), src.span(i, r))))
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let i = ws(i);
    if lex::at_command_end(i) {
        return cut(fail(i, "regex needs a regular expression"));
    }
    let (rest, field, negate) = if i.starts_with('"') {
        (i, None, false)
    } else {
        // `field=` or `field!=` before the pattern.
        let (r, name) = cut(lex::field_name(i))?;
        // Search Reference, regex, Usage: "Although != is valid within a
        // regex command, NOT is not valid."
        if name == "NOT" && !ws(r).starts_with('=') && !ws(r).starts_with("!=") {
            return cut(fail(
                i,
                "NOT is not valid in regex: write <field>!=\"<regex>\" to keep the results that do not match",
            ));
        }
        let fspan = src.span(i, r);
        let r2 = ws(r);
        if let Some(after) = r2.strip_prefix("!=") {
            (after, Some(FieldRef { name, span: fspan }), true)
        } else if let Some(after) = r2.strip_prefix('=') {
            (after, Some(FieldRef { name, span: fspan }), false)
        } else {
            return cut(fail(
                r2,
                "expected = or != after the field name (regex <field>=\"<regex>\")",
            ));
        }
    };
    let (rest, (pattern, pattern_span)) = pattern_value(src, rest)?;
    if let Err(m) = regex_util::compile(&pattern) {
        return Err(nom::Err::Failure(PErr::spanning(pattern_span, m)));
    }
    Ok((
        rest,
        Box::new(RegexCmd {
            field,
            negate,
            pattern,
            pattern_span,
        }),
    ))
}

impl fmt::Display for RegexCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("regex ")?;
        if let Some(fr) = &self.field {
            write!(f, "{fr}{}", if self.negate { "!=" } else { "=" })?;
        }
        f.write_str(&lex::quote(&self.pattern))
    }
}

impl Command for RegexCmd {
    fn name(&self) -> &'static str {
        "regex"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "field": self.field,
            "negate": self.negate,
            "pattern": self.pattern,
            "pattern_span": self.pattern_span,
        })
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        let field = self.field.as_ref().map_or("_raw", |f| f.name.as_str());
        crate::spl::fields::Flow::reads([field.to_string()])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for RegexCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let re = regex_util::compile(&self.pattern)
            .map_err(|m| SplError::plan(m).at(self.pattern_span))?;
        Ok(Box::new(RegexOp {
            field: self
                .field
                .as_ref()
                .map(|f| f.name.clone())
                .unwrap_or_else(|| "_raw".into()),
            negate: self.negate,
            re,
        }))
    }
}

struct RegexOp {
    field: String,
    negate: bool,
    re: Arc<Regex>,
}

impl Operator for RegexOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let mut hit = false;
        if let Some(v) = ev.get(&self.field) {
            for x in v.values() {
                if let Some(t) = x.as_text() {
                    if regex_util::is_match(&self.re, &t).map_err(SplError::runtime)? {
                        hit = true;
                        break;
                    }
                }
            }
        }
        if hit != self.negate {
            out(ev)?;
        }
        Ok(())
    }
}
