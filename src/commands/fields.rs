//! `fields [+|-] <field-list>`: keep (default) or remove fields. Keeping
//! also keeps the internal `_raw` and `_time`, as Splunk does.

use std::any::Any;
use std::fmt;

use super::support::fields::{
    field_list, join_fields, unescape_backslashes, wildcard_captures, FieldRef,
};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "fields",
    aliases: &[],
    parse,
    syntax: "fields [+|-] <field>[, <field>]…",
    plan: super::planner::<FieldsCmd>,
};

#[derive(Debug)]
pub struct FieldsCmd {
    pub remove: bool,
    /// `+` written explicitly.
    pub plus: bool,
    pub fields: Vec<FieldRef>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let i = ws(i);
    let (rest, remove, plus) = if let Some(r) = i.strip_prefix('-') {
        (r, true, false)
    } else if let Some(r) = i.strip_prefix('+') {
        (r, false, true)
    } else {
        (i, false, false)
    };
    let (rest, fields) = field_list(src, rest, &[])?;
    if fields.is_empty() {
        return cut(fail(rest, "fields needs at least one field name"));
    }
    Ok((
        rest,
        Box::new(FieldsCmd {
            remove,
            plus,
            fields,
        }),
    ))
}

impl fmt::Display for FieldsCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.remove {
            "- "
        } else if self.plus {
            "+ "
        } else {
            ""
        };
        write!(f, "fields {sign}{}", join_fields(&self.fields))
    }
}

impl Command for FieldsCmd {
    fn name(&self) -> &'static str {
        "fields"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn columns(&self, before: Option<Vec<String>>) -> Option<Vec<String>> {
        let mut cols = before?;
        let hit = |k: &str| {
            self.fields
                .iter()
                .any(|p| wildcard_captures(&unescape_backslashes(&p.name), k).is_some())
        };
        cols.retain(|c| hit(c) != self.remove);
        Some(cols)
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "remove": self.remove, "plus": self.plus, "fields": self.fields })
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        if self.remove {
            crate::spl::fields::Flow::Reads(Vec::new())
        } else {
            // Splunk keeps the internal fields too.
            let internal = ["_time".to_string(), "_raw".to_string()];
            crate::spl::fields::Flow::replaces(
                self.fields
                    .iter()
                    .map(|f| unescape_backslashes(&f.name))
                    .chain(internal),
            )
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for FieldsCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(FieldsOp {
            remove: self.remove,
            fields: self
                .fields
                .iter()
                .map(|f| unescape_backslashes(&f.name))
                .collect(),
        }))
    }
}

struct FieldsOp {
    remove: bool,
    fields: Vec<String>,
}

impl Operator for FieldsOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let hit =
            |k: &str, fields: &[String]| fields.iter().any(|p| wildcard_captures(p, k).is_some());
        if self.remove {
            ev.retain(|k| !hit(k, &self.fields));
        } else {
            ev.retain(|k| k == "_raw" || k == "_time" || hit(k, &self.fields));
        }
        out(ev)
    }
}
