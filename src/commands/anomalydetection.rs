//! `anomalydetection [method=histogram|zscore|iqr] [action=filter|annotate|summary|transform|remove]
//! [pthresh=<num>] [cutoff=<bool>] [<field>…]`: parsed, not run.
//!
//! Splunk's default `histogram` method scores each event by the probability
//! of its field values and picks the threshold with an undocumented
//! heuristic, so spleval cannot reproduce its output faithfully; the command
//! is reported as parsed but not runnable.

use std::any::Any;
use std::fmt;

use super::stats_support::{bool_value, known_option};
use super::{field_ref, join_fields, CommandSpec, FieldRef};
use crate::diag::{Result, SplError};
use crate::pipeline::{Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "anomalydetection",
    aliases: &[],
    parse,
    syntax: "anomalydetection [method=histogram|zscore|iqr] [action=<action>] [pthresh=<num>] \
             [cutoff=<bool>] [<field>…]",
};

const OPTIONS: &[&str] = &["method", "action", "pthresh", "cutoff"];

#[derive(Debug)]
pub struct AnomalydetectionCmd {
    pub options: Vec<Opt>,
    pub fields: Vec<FieldRef>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut options = Vec::new();
    let mut fields = Vec::new();
    let mut rest = ws(i);
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if let Some((r, o)) = known_option(src, rest, OPTIONS, "anomalydetection")? {
            let v = o.value.to_ascii_lowercase();
            let ok = match o.key.to_ascii_lowercase().as_str() {
                "method" => ["histogram", "zscore", "iqr"].contains(&v.as_str()),
                "action" => {
                    ["filter", "annotate", "summary", "transform", "remove"].contains(&v.as_str())
                }
                "pthresh" => v.parse::<f64>().is_ok(),
                _ => bool_value(&o).is_ok(),
            };
            if !ok {
                return Err(nom::Err::Failure(PErr::spanning(
                    o.span,
                    format!("bad value for anomalydetection {}", o.key),
                )));
            }
            options.push(o);
            rest = r;
            continue;
        }
        let (r, f) = field_ref(src, rest)?;
        fields.push(f);
        rest = ws(r);
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        }
    }
    Ok((rest, Box::new(AnomalydetectionCmd { options, fields })))
}

impl fmt::Display for AnomalydetectionCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("anomalydetection")?;
        for o in &self.options {
            write!(f, " {o}")?;
        }
        if !self.fields.is_empty() {
            write!(f, " {}", join_fields(&self.fields))?;
        }
        Ok(())
    }
}

impl Command for AnomalydetectionCmd {
    fn name(&self) -> &'static str {
        "anomalydetection"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Transforming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "fields": self.fields })
    }
    fn runnable(&self) -> bool {
        false
    }
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Err(SplError::plan(
            "anomalydetection is parsed but not run: Splunk's histogram thresholds cannot be reproduced",
        ))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
