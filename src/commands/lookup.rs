//! `lookup [local=<bool>] [update=<bool>] <lookup> (<lookup-field> [AS <event-field>])…
//! [OUTPUT | OUTPUTNEW (<lookup-field> [AS <event-field>])…]`
//!
//! Each event's values of the event fields are looked up (every value of a
//! multivalue field); the matching rows' output fields are copied into the
//! event, multivalued when several rows match. Without an OUTPUT clause every
//! table field except the match fields is output. OUTPUT overwrites (a
//! lookup without a match clears the field); OUTPUTNEW only fills fields the
//! event lacks. An event missing a match field is left as it is. Matching
//! rules come from the lookup definition (see [`crate::content::lookups`]).

use std::any::Any;
use std::fmt;

use super::support::fields::{at_keyword, field_ref, FieldRef};
use super::support::sub::{self, OptKind};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::content::lookups::{self, LazyIndex};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "lookup",
    aliases: &[],
    parse,
    syntax: "lookup [local=<bool>] [update=<bool>] <lookup> <field> [AS <event-field>]… [OUTPUT|OUTPUTNEW <field> [AS <event-field>]…]",
    plan: super::planner::<LookupCmd>,
};

const OPTIONS: &[(&str, OptKind)] = &[("local", OptKind::Bool), ("update", OptKind::Bool)];

/// Cap on value combinations looked up for one event (multivalue match fields multiply).
const MAX_COMBINATIONS: usize = 10_000;

/// `field [AS other]`.
#[derive(Debug, serde::Serialize)]
pub struct FieldMap {
    pub field: FieldRef,
    #[serde(rename = "as")]
    pub alias: Option<FieldRef>,
}

impl FieldMap {
    /// The event-side name.
    pub fn event_name(&self) -> &str {
        &self.alias.as_ref().unwrap_or(&self.field).name
    }
}

impl fmt::Display for FieldMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.field)?;
        if let Some(a) = &self.alias {
            write!(f, " AS {a}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum OutputMode {
    #[serde(rename = "OUTPUT")]
    Output,
    #[serde(rename = "OUTPUTNEW")]
    OutputNew,
}

#[derive(Debug)]
pub struct LookupCmd {
    pub options: Vec<Opt>,
    pub table: FieldRef,
    pub inputs: Vec<FieldMap>,
    /// None: no OUTPUT clause (all non-match fields, overwriting).
    pub output: Option<(OutputMode, Vec<FieldMap>)>,
}

/// `field [AS field]` items separated by spaces or commas, up to the end or a stop keyword.
fn field_maps<'a>(src: &Src<'a>, i: &'a str, stop: &[&str]) -> PResult<'a, Vec<FieldMap>> {
    let mut out = Vec::new();
    let mut rest = ws(i);
    loop {
        if lex::at_command_end(rest) || at_keyword(rest, stop).is_some() {
            break;
        }
        let (r, field) = cut(field_ref(src, rest))?;
        let (r, alias) = match at_keyword(r, &["as"]) {
            Some(after) => {
                let (r, a) = cut(field_ref(src, after))?;
                (r, Some(a))
            }
            None => (r, None),
        };
        out.push(FieldMap { field, alias });
        rest = ws(r);
        if let Some(r) = rest.strip_prefix(',') {
            rest = ws(r);
        }
    }
    Ok((rest, out))
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, options) = sub::options(src, i, "lookup", OPTIONS)?;
    let (rest, table) = sub::name_arg(src, rest, "a lookup name")?;
    let (rest, inputs) = field_maps(src, rest, &["output", "outputnew"])?;
    if inputs.is_empty() {
        return cut(fail(
            ws(rest),
            "lookup needs at least one field to match on",
        ));
    }
    let rest = ws(rest);
    let (rest, output) = if let Some(r) = lex::keyword(rest, "outputnew") {
        let (r, fields) = field_maps(src, r, &[])?;
        (r, Some((OutputMode::OutputNew, fields)))
    } else if let Some(r) = lex::keyword(rest, "output") {
        let (r, fields) = field_maps(src, r, &[])?;
        (r, Some((OutputMode::Output, fields)))
    } else {
        (rest, None)
    };
    if let Some((mode, fields)) = &output {
        if fields.is_empty() {
            let kw = if *mode == OutputMode::Output {
                "OUTPUT"
            } else {
                "OUTPUTNEW"
            };
            return cut(fail(ws(rest), format!("{kw} needs at least one field")));
        }
    }
    Ok((
        rest,
        Box::new(LookupCmd {
            options,
            table,
            inputs,
            output,
        }),
    ))
}

impl fmt::Display for LookupCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("lookup")?;
        sub::print_opts(f, &self.options)?;
        write!(f, " {}", sub::print_name(&self.table.name))?;
        let ins: Vec<String> = self.inputs.iter().map(|m| m.to_string()).collect();
        write!(f, " {}", ins.join(", "))?;
        if let Some((mode, fields)) = &self.output {
            let kw = match mode {
                OutputMode::Output => "OUTPUT",
                OutputMode::OutputNew => "OUTPUTNEW",
            };
            let outs: Vec<String> = fields.iter().map(|m| m.to_string()).collect();
            write!(f, " {kw} {}", outs.join(", "))?;
        }
        Ok(())
    }
}

impl Command for LookupCmd {
    fn name(&self) -> &'static str {
        "lookup"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "options": self.options,
            "table": self.table,
            "inputs": self.inputs,
            "output": self.output.as_ref().map(|(m, f)| serde_json::json!({ "mode": m, "fields": f })),
        })
    }
    fn writes(&self) -> Vec<String> {
        let event_field = |m: &FieldMap| m.alias.as_ref().unwrap_or(&m.field).name.clone();
        self.output
            .iter()
            .flat_map(|(_, outs)| outs.iter().map(event_field))
            .collect()
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        // The event fields it matches on, and those it writes (OUTPUTNEW
        // reads whether they are set).
        let event_field = |m: &FieldMap| m.alias.as_ref().unwrap_or(&m.field).name.clone();
        let mut v: Vec<String> = self.inputs.iter().map(event_field).collect();
        if let Some((_, outs)) = &self.output {
            v.extend(outs.iter().map(event_field));
        }
        crate::spl::fields::Flow::reads(v)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for LookupCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let lk = lookups::open_for(ctx.rules_root.as_deref(), "lookup")?;
        let r = lk
            .resolve(&self.table.name)
            .map_err(|e| e.at(self.table.span))?;
        let match_fields: Vec<String> = self.inputs.iter().map(|m| m.field.name.clone()).collect();
        let empty_collection = r.path.is_none();
        let index = if empty_collection {
            None
        } else {
            Some(
                LazyIndex::new(&r.def, &r.table, &match_fields).map_err(|e| {
                    let span = self
                        .inputs
                        .iter()
                        .find(|m| r.table.column(&m.field.name).is_none())
                        .map(|m| m.field.span)
                        .unwrap_or(self.table.span);
                    e.at(span)
                })?,
            )
        };
        let (mode, outputs) = match &self.output {
            Some((mode, fields)) => {
                let mut outs = Vec::new();
                for m in fields {
                    match r.table.column(&m.field.name) {
                        Some(c) => outs.push((c, m.event_name().to_string())),
                        None if empty_collection => {}
                        None => {
                            return Err(SplError::plan(format!(
                                "lookup {:?} has no field {:?} to output (its fields: {})",
                                self.table.name,
                                m.field.name,
                                r.table.fields.join(", ")
                            ))
                            .at(m.field.span))
                        }
                    }
                }
                (*mode, outs)
            }
            None => (
                OutputMode::Output,
                r.table
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| !match_fields.contains(f))
                    .map(|(c, f)| (c, f.clone()))
                    .collect(),
            ),
        };
        Ok(Box::new(LookupOp {
            table: r.table.clone(),
            index,
            inputs: self
                .inputs
                .iter()
                .map(|m| m.event_name().to_string())
                .collect(),
            outputs,
            mode,
            min_matches: r.def.min_matches,
            default_match: r.def.default_match.clone(),
        }))
    }
}

struct LookupOp {
    table: std::sync::Arc<lookups::Table>,
    /// None for an absent KV store collection (nothing ever matches).
    index: Option<LazyIndex>,
    /// Event fields holding the values to match, in match-field order.
    inputs: Vec<String>,
    /// (table column, event field) to copy.
    outputs: Vec<(usize, String)>,
    mode: OutputMode,
    min_matches: usize,
    default_match: String,
}

impl LookupOp {
    /// The output values for one event, per output field.
    fn lookup(&self, values: &[Vec<String>]) -> Vec<Vec<Value>> {
        let mut outs: Vec<Vec<Value>> = vec![Vec::new(); self.outputs.len()];
        let mut combo = vec![0usize; values.len()];
        for _ in 0..MAX_COMBINATIONS {
            let key: Vec<&str> = combo
                .iter()
                .zip(values)
                .map(|(&k, vs)| vs[k].as_str())
                .collect();
            let rows = match self.index.as_ref().and_then(|ix| ix.get()) {
                Some(ix) => ix.find(&key),
                None => Vec::new(),
            };
            for &r in &rows {
                for (o, (col, _)) in self.outputs.iter().enumerate() {
                    let cell = &self.table.rows[r][*col];
                    if !cell.is_empty() {
                        outs[o].push(Value::Str(cell.clone()));
                    }
                }
            }
            if rows.len() < self.min_matches && !self.default_match.is_empty() {
                for _ in rows.len()..self.min_matches {
                    for out in outs.iter_mut() {
                        out.push(Value::Str(self.default_match.clone()));
                    }
                }
            }
            // Next combination (odometer over the multivalue inputs).
            let mut k = values.len();
            loop {
                if k == 0 {
                    return outs;
                }
                k -= 1;
                combo[k] += 1;
                if combo[k] < values[k].len() {
                    break;
                }
                combo[k] = 0;
            }
        }
        outs
    }
}

impl Operator for LookupOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let mut values = Vec::with_capacity(self.inputs.len());
        for f in &self.inputs {
            let vs: Vec<String> = match ev.get(f) {
                Some(v) => v
                    .values()
                    .iter()
                    .filter_map(|x| x.as_text().map(|t| t.into_owned()))
                    .collect(),
                None => Vec::new(),
            };
            if vs.is_empty() {
                // A match field the event lacks: no lookup for this event.
                return out(ev);
            }
            values.push(vs);
        }
        let results = self.lookup(&values);
        let existed: Vec<bool> = self.outputs.iter().map(|(_, f)| ev.contains(f)).collect();
        for (((_, field), vals), had) in self.outputs.iter().zip(results).zip(existed) {
            if self.mode == OutputMode::OutputNew && had {
                continue;
            }
            ev.set(field.clone(), Value::multi(vals));
        }
        out(ev)
    }
}
