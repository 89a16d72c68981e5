//! `strcat [allrequired=<bool>] <source-fields> <dest-field>`: joins the
//! values of fields and quoted literals, in the order written, into the
//! destination field, the last argument (Search Reference, strcat). A source
//! field the result lacks counts as an empty string, unless
//! `allrequired=true`: then the result is passed on without the destination
//! written. A multivalue source gives its first value.

use std::any::Any;
use std::fmt;

use serde::Serialize;

use super::support::fields::{field_ref, FieldRef};
use super::support::xutil::{self, get};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt, Span};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "strcat",
    aliases: &[],
    parse,
    syntax: "strcat [allrequired=<bool>] (<field> | \"<string>\")... <dest-field>",
    plan: super::planner::<StrcatCmd>,
};

/// One source: a field, or a quoted literal.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type")]
pub enum Part {
    Field { name: String, span: Span },
    Literal { value: String, span: Span },
}

#[derive(Debug)]
pub struct StrcatCmd {
    pub options: Vec<Opt>,
    pub sources: Vec<Part>,
    pub dest: FieldRef,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut options = Vec::new();
    // The options come first (the page's syntax).
    loop {
        let (r, o) = xutil::known_option(src, rest, "strcat", &["allrequired"])?;
        let Some(o) = o else { break };
        xutil::check_bool(&o)?;
        options.push(o);
        rest = ws(r);
    }
    let mut parts: Vec<Part> = Vec::new();
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if let Some((_, o)) = lex::option(rest, src) {
            return Err(nom::Err::Failure(PErr::spanning(
                o.span,
                "strcat's options come before the source fields",
            )));
        }
        if rest.starts_with('"') {
            let (r, s) = lex::dquoted(rest)?;
            parts.push(Part::Literal {
                value: s,
                span: src.span(rest, r),
            });
            rest = r;
            continue;
        }
        let (r, f) = cut(field_ref(src, rest))?;
        parts.push(Part::Field {
            name: f.name,
            span: f.span,
        });
        rest = r;
    }
    let Some(last) = parts.pop() else {
        return cut(fail(
            rest,
            "strcat needs source fields and a destination field",
        ));
    };
    let dest = match last {
        Part::Field { name, span } | Part::Literal { value: name, span } => FieldRef { name, span },
    };
    if parts.is_empty() {
        return Err(nom::Err::Failure(PErr::spanning(
            dest.span,
            "strcat needs at least one source field or \"string\" before the destination field",
        )));
    }
    Ok((
        rest,
        Box::new(StrcatCmd {
            options,
            sources: parts,
            dest,
        }),
    ))
}

impl fmt::Display for StrcatCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("strcat")?;
        xutil::print_opts(f, &self.options)?;
        for p in &self.sources {
            match p {
                Part::Field { name, .. } => {
                    // A quoted name would read back as a literal.
                    let printed = lex::print_field(name);
                    if printed.starts_with('"') {
                        write!(f, " '{name}'")?;
                    } else {
                        write!(f, " {printed}")?;
                    }
                }
                Part::Literal { value, .. } => write!(f, " {}", lex::quote(value))?,
            }
        }
        write!(f, " {}", self.dest)
    }
}

impl Command for StrcatCmd {
    fn name(&self) -> &'static str {
        "strcat"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "sources": self.sources, "dest": self.dest })
    }
    fn writes(&self) -> Vec<String> {
        vec![self.dest.name.clone()]
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::Reads(self.fields())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl StrcatCmd {
    fn fields(&self) -> Vec<String> {
        self.sources
            .iter()
            .filter_map(|p| match p {
                Part::Field { name, .. } => Some(name.clone()),
                Part::Literal { .. } => None,
            })
            .collect()
    }
}

impl ToOperator for StrcatCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let all_required = get(&self.options, "allrequired")
            .and_then(Opt::as_bool)
            .unwrap_or(false);
        Ok(Box::new(StrcatOp {
            sources: self.sources.clone(),
            dest: self.dest.name.clone(),
            all_required,
        }))
    }
}

struct StrcatOp {
    sources: Vec<Part>,
    dest: String,
    all_required: bool,
}

impl Operator for StrcatOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let mut s = String::new();
        for p in &self.sources {
            match p {
                Part::Literal { value, .. } => s.push_str(value),
                Part::Field { name, .. } => match ev.get(name).and_then(Value::as_text) {
                    Some(t) => s.push_str(&t),
                    None if self.all_required => return out(ev),
                    None => {}
                },
            }
        }
        crate::base::budget::STRING.check(s.len(), "strcat")?;
        ev.set(self.dest.clone(), Value::Str(s));
        out(ev)
    }
}
