//! `mvexpand <field> [limit=<int>]`: one result per value of a multivalue
//! field (at most `limit` per result), each a copy of the original with the
//! field set to that value. Results without the field are dropped, as in
//! Splunk.

use std::any::Any;
use std::fmt;

use super::support::fields::FieldRef;
use super::support::xutil::{self, check_uint, opt_uint};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "mvexpand",
    aliases: &[],
    parse,
    syntax: "mvexpand <field> [limit=<int>]",
    plan: super::planner::<MvexpandCmd>,
};

#[derive(Debug)]
pub struct MvexpandCmd {
    pub field: FieldRef,
    pub options: Vec<Opt>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, (field, options)) = xutil::one_field_and_options(
        src,
        i,
        "mvexpand",
        &["limit"],
        |o| check_uint(o).map(|_| ()),
        "mvexpand needs a field",
    )?;
    Ok((rest, Box::new(MvexpandCmd { field, options })))
}

impl fmt::Display for MvexpandCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mvexpand {}", self.field)?;
        xutil::print_opts(f, &self.options)
    }
}

impl Command for MvexpandCmd {
    fn name(&self) -> &'static str {
        "mvexpand"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "field": self.field, "options": self.options })
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::reads([self.field.name.clone()])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for MvexpandCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(MvexpandOp {
            field: self.field.name.clone(),
            limit: opt_uint(&self.options, "limit")?
                .filter(|n| *n > 0)
                .map(|n| n as usize)
                .unwrap_or(usize::MAX),
        }))
    }
}

struct MvexpandOp {
    field: String,
    limit: usize,
}

impl Operator for MvexpandOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let Some(v) = ev.get(&self.field) else {
            return Ok(());
        };
        let vals: Vec<_> = v.values().iter().take(self.limit).cloned().collect();
        for x in vals {
            let mut copy = ev.clone();
            copy.set(self.field.clone(), x);
            out(copy)?;
        }
        Ok(())
    }
}
