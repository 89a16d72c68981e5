//! `addcoltotals [labelfield=<field>] [label=<string>] [<wc-field-list>]`
//! (Search Reference, addcoltotals): after the last result, one more result
//! holding the sum of each numeric field (only the listed fields, `*`
//! wildcards allowed, when a list is given; otherwise every field but the
//! internal `_` ones). With `labelfield`, the summary result also has that
//! field set to `label` (default `Total`); without it `label` does nothing.
//! Each value of a multivalue field counts; text values are left out.

use std::any::Any;
use std::fmt;

use super::support::fields::{join_fields, FieldRef};
use super::support::xutil::{self, get};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::commands::support::pipeline::{Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "addcoltotals",
    aliases: &[],
    parse,
    syntax: "addcoltotals [labelfield=<field>] [label=<string>] [<wc-field-list>]",
    plan: super::planner::<AddcoltotalsCmd>,
};

const OPTIONS: &[&str] = &["labelfield", "label"];

#[derive(Debug)]
pub struct AddcoltotalsCmd {
    pub options: Vec<Opt>,
    pub fields: Vec<FieldRef>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, (options, fields)) =
        xutil::options_and_fields(src, i, "addcoltotals", OPTIONS, &|_| Ok(()))?;
    Ok((rest, Box::new(AddcoltotalsCmd { options, fields })))
}

impl fmt::Display for AddcoltotalsCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("addcoltotals")?;
        xutil::print_opts(f, &self.options)?;
        if !self.fields.is_empty() {
            write!(f, " {}", join_fields(&self.fields))?;
        }
        Ok(())
    }
}

impl Command for AddcoltotalsCmd {
    fn name(&self) -> &'static str {
        "addcoltotals"
    }
    fn kind(&self) -> CommandKind {
        // As `addtotals col=true`: the summary result is numbered after
        // every other one.
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "fields": self.fields })
    }
    fn writes(&self) -> Vec<String> {
        get(&self.options, "labelfield")
            .map(|o| vec![o.value.clone()])
            .unwrap_or_default()
    }
    fn columns(&self, before: Option<Vec<String>>) -> Option<Vec<String>> {
        let mut cols = before?;
        if let Some(o) = get(&self.options, "labelfield") {
            if !cols.contains(&o.value) {
                cols.push(o.value.clone());
            }
        }
        Some(cols)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for AddcoltotalsCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(super::addtotals::column_totals(
            get(&self.options, "labelfield").map(|o| o.value.clone()),
            get(&self.options, "label")
                .map(|o| o.value.clone())
                .unwrap_or_else(|| "Total".to_string()),
            self.fields.iter().map(|f| f.name.clone()).collect(),
        ))
    }
}
