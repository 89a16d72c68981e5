//! `mvcombine [delim=<string>] <field>`: results identical in every other
//! field are merged into one whose `<field>` holds all their values (in
//! arrival order). Internal `_` fields are not compared; the merged result
//! keeps those of the first result of its group. Groups come out in the
//! order their first result arrived. `delim` is Splunk's separator for the
//! single-value rendering; spleval keeps the values as a multivalue field,
//! and a `nomv` of the field right after joins them with `delim` (as the
//! Search Reference says to use it).

use std::any::Any;
use std::collections::HashMap;
use std::fmt;

use super::support::fields::FieldRef;
use super::support::xutil;
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "mvcombine",
    aliases: &[],
    parse,
    syntax: "mvcombine [delim=<string>] <field>",
    plan: super::planner::<MvcombineCmd>,
};

#[derive(Debug)]
pub struct MvcombineCmd {
    pub options: Vec<Opt>,
    pub field: FieldRef,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, (field, options)) = xutil::one_field_and_options(
        src,
        i,
        "mvcombine",
        &["delim"],
        xutil::any_value,
        "mvcombine needs a field",
    )?;
    Ok((rest, Box::new(MvcombineCmd { options, field })))
}

impl fmt::Display for MvcombineCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("mvcombine")?;
        xutil::print_opts(f, &self.options)?;
        write!(f, " {}", self.field)
    }
}

impl Command for MvcombineCmd {
    fn name(&self) -> &'static str {
        "mvcombine"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Transforming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "field": self.field })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for MvcombineCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(MvcombineOp {
            field: self.field.name.clone(),
            index: HashMap::new(),
            groups: Vec::new(),
        }))
    }
}

struct MvcombineOp {
    field: String,
    index: HashMap<Vec<(String, String)>, usize>,
    groups: Vec<(Event, Vec<Value>)>,
}

impl Operator for MvcombineOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        let mut key: Vec<(String, String)> = ev
            .iter()
            .filter(|(k, _)| !k.starts_with('_') && **k != self.field)
            .map(|(k, v)| (k.to_string(), v.to_display("\n")))
            .collect();
        key.sort();
        let vals: Vec<Value> = ev
            .get(&self.field)
            .map(|v| v.values().to_vec())
            .unwrap_or_default();
        match self.index.get(&key) {
            Some(&g) => self.groups[g].1.extend(vals),
            None => {
                self.index.insert(key, self.groups.len());
                self.groups.push((ev, vals));
            }
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        for (n, (mut ev, vals)) in std::mem::take(&mut self.groups).into_iter().enumerate() {
            ev.set(self.field.clone(), Value::multi(vals));
            ev.seq = n as u64;
            out(ev)?;
        }
        Ok(())
    }
}
