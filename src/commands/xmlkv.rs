//! `xmlkv [<field>] [maxinputs=<int>]`: every innermost XML element
//! `<key>value</key>` in the field (default `_raw`) becomes `key=value`;
//! a key seen more than once becomes a multivalue field.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;

use super::support::fields::{field_ref, FieldRef};
use super::support::xutil::{self, check_uint, known_option};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::regex_util::{self, Regex};
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "xmlkv",
    aliases: &[],
    parse,
    syntax: "xmlkv [<field>] [maxinputs=<int>]",
    plan: super::planner::<XmlkvCmd>,
};

/// An innermost element: a name, optional attributes, text without tags.
const LEAF: &str = r"<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>([^<]*)</\1\s*>";

#[derive(Debug)]
pub struct XmlkvCmd {
    pub options: Vec<Opt>,
    pub field: Option<FieldRef>,
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
        let (r, o) = known_option(src, rest, "xmlkv", &["maxinputs"])?;
        if let Some(o) = o {
            check_uint(&o)?;
            options.push(o);
            rest = r;
            continue;
        }
        if field.is_some() {
            return cut(fail(rest, "xmlkv takes one field"));
        }
        let (r, f) = field_ref(src, rest)?;
        field = Some(f);
        rest = r;
    }
    Ok((rest, Box::new(XmlkvCmd { options, field })))
}

impl fmt::Display for XmlkvCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("xmlkv")?;
        if let Some(x) = &self.field {
            write!(f, " {x}")?;
        }
        xutil::print_opts(f, &self.options)
    }
}

impl Command for XmlkvCmd {
    fn name(&self) -> &'static str {
        "xmlkv"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "field": self.field, "options": self.options })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for XmlkvCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(XmlkvOp {
            field: self
                .field
                .as_ref()
                .map(|f| f.name.clone())
                .unwrap_or_else(|| "_raw".into()),
            re: regex_util::compile(LEAF).map_err(SplError::plan)?,
        }))
    }
}

struct XmlkvOp {
    field: String,
    re: Arc<Regex>,
}

impl Operator for XmlkvOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let Some(v) = ev.get(&self.field) else {
            return out(ev);
        };
        let mut acc: IndexMap<String, Vec<Value>> = IndexMap::new();
        for x in v.values() {
            let Some(t) = x.as_text() else { continue };
            for caps in self.re.captures_iter(&t) {
                let caps =
                    caps.map_err(|e| SplError::runtime(format!("xmlkv: regex failed: {e}")))?;
                let (Some(k), Some(val)) = (caps.get(1), caps.get(2)) else {
                    continue;
                };
                acc.entry(k.as_str().to_string())
                    .or_default()
                    .push(Value::Str(super::spath::xml::unescape(val.as_str())));
            }
        }
        for (k, vals) in acc {
            ev.set(k, Value::multi(vals));
        }
        out(ev)
    }
}
