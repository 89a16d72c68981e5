//! `makemv [delim=<string> | tokenizer=<regex>] [allowempty=<bool>] [setsv=<bool>] <field>`:
//! splits a field's text into a multivalue field, at `delim` (default a
//! space) or taking each match of `tokenizer` (its first group, or the whole
//! match). Empty values are dropped unless `allowempty=true`. With
//! `setsv=true` the values are joined back into one value.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use super::support::fields::{field_ref, FieldRef};
use super::support::xutil::{self, check_bool, get, known_option, opt_bool};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::regex_util::{self, Regex};
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "makemv",
    aliases: &[],
    parse,
    syntax:
        "makemv [delim=<string> | tokenizer=<regex>] [allowempty=<bool>] [setsv=<bool>] <field>",
    plan: super::planner::<MakemvCmd>,
};

#[derive(Debug)]
pub struct MakemvCmd {
    pub options: Vec<Opt>,
    pub field: FieldRef,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut options = Vec::new();
    let mut field = None;
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        let (r, o) = known_option(
            src,
            rest,
            "makemv",
            &["delim", "tokenizer", "allowempty", "setsv"],
        )?;
        if let Some(o) = o {
            match o.key.to_ascii_lowercase().as_str() {
                "allowempty" | "setsv" => check_bool(&o)?,
                "tokenizer" => {
                    if let Err(m) = regex_util::compile(&o.value) {
                        return Err(nom::Err::Failure(PErr::spanning(o.span, m)));
                    }
                }
                _ => {}
            }
            options.push(o);
            rest = r;
            continue;
        }
        if field.is_some() {
            return cut(fail(rest, "makemv takes one field"));
        }
        let (r, f) = field_ref(src, rest)?;
        field = Some(f);
        rest = r;
    }
    let Some(field) = field else {
        return cut(fail(rest, "makemv needs a field"));
    };
    if let (Some(d), Some(_)) = (get(&options, "delim"), get(&options, "tokenizer")) {
        return xutil::fail_at(d.span, "give either delim= or tokenizer=, not both");
    }
    Ok((rest, Box::new(MakemvCmd { options, field })))
}

impl fmt::Display for MakemvCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("makemv")?;
        xutil::print_opts(f, &self.options)?;
        write!(f, " {}", self.field)
    }
}

impl Command for MakemvCmd {
    fn name(&self) -> &'static str {
        "makemv"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "field": self.field })
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::reads([self.field.name.clone()])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for MakemvCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let split = match get(&self.options, "tokenizer") {
            Some(o) => Split::Tokenizer(
                regex_util::compile(&o.value).map_err(|m| SplError::plan(m).at(o.span))?,
            ),
            None => Split::Delim(
                get(&self.options, "delim")
                    .map(|o| o.value.clone())
                    .unwrap_or_else(|| " ".into()),
            ),
        };
        Ok(Box::new(MakemvOp {
            field: self.field.name.clone(),
            split,
            allowempty: opt_bool(&self.options, "allowempty", false)?,
            setsv: opt_bool(&self.options, "setsv", false)?,
        }))
    }
}

enum Split {
    Delim(String),
    Tokenizer(Arc<Regex>),
}

struct MakemvOp {
    field: String,
    split: Split,
    allowempty: bool,
    setsv: bool,
}

impl MakemvOp {
    fn split(&self, t: &str) -> Result<Vec<String>> {
        let parts: Vec<String> = match &self.split {
            Split::Delim(d) if d.is_empty() => vec![t.to_string()],
            Split::Delim(d) => t.split(d.as_str()).map(str::to_string).collect(),
            Split::Tokenizer(re) => {
                let mut v = Vec::new();
                for caps in re.captures_iter(t) {
                    let caps =
                        caps.map_err(|e| SplError::runtime(format!("makemv: regex failed: {e}")))?;
                    let m = caps.get(1).or_else(|| caps.get(0));
                    if let Some(m) = m {
                        v.push(m.as_str().to_string());
                    }
                }
                v
            }
        };
        Ok(parts
            .into_iter()
            .filter(|p| self.allowempty || !p.is_empty())
            .collect())
    }
}

impl Operator for MakemvOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if let Some(v) = ev.get(&self.field) {
            let mut vals = Vec::new();
            for x in v.values() {
                if let Some(t) = x.as_text() {
                    vals.extend(self.split(&t)?);
                }
            }
            let nv = if self.setsv {
                let sep = match &self.split {
                    Split::Delim(d) => d.as_str(),
                    Split::Tokenizer(_) => " ",
                };
                Value::Str(vals.join(sep))
            } else {
                match vals.len() {
                    // Keep empty strings when allowed (Value::multi would drop none, but one
                    // value must stay a plain value).
                    1 => Value::Str(vals.pop().unwrap_or_default()),
                    _ => Value::multi(vals.into_iter().map(Value::Str).collect()),
                }
            };
            let field = self.field.clone();
            ev.set(field, nv);
        }
        out(ev)
    }
}
