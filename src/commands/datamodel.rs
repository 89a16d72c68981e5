//! `| datamodel [<model>] [<dataset>] [search | flat | acceleration_search]
//! [strict_fields=<bool>] [allow_old_summaries=<bool>] [summariesonly=<bool>]`:
//! searches a data model's dataset (or describes the models). `search` and
//! `flat` run: the input events in the dataset with its view fields added
//! (`flat`: without the dataset prefix); describing models is not supported.

use std::any::Any;
use std::fmt;

use super::from::DatasetEvents;
use super::support::stats_support::{bool_value, known_option};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::commands::support::pipeline::{Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt, Span};
use crate::spl::lex::{self, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "datamodel",
    aliases: &[],
    parse,
    syntax: "| datamodel [<model>] [<dataset>] [search|flat|acceleration_search] [strict_fields=<bool>] \
             [allow_old_summaries=<bool>] [summariesonly=<bool>]",
    plan: super::planner::<DatamodelCmd>,
};

const OPTIONS: &[&str] = &["strict_fields", "allow_old_summaries", "summariesonly"];

/// What the command returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum DatamodelMode {
    Search,
    Flat,
    AccelerationSearch,
}

impl DatamodelMode {
    fn from_word(w: &str) -> Option<DatamodelMode> {
        match w.to_ascii_lowercase().as_str() {
            "search" => Some(DatamodelMode::Search),
            "flat" => Some(DatamodelMode::Flat),
            "acceleration_search" => Some(DatamodelMode::AccelerationSearch),
            _ => None,
        }
    }
    fn word(self) -> &'static str {
        match self {
            DatamodelMode::Search => "search",
            DatamodelMode::Flat => "flat",
            DatamodelMode::AccelerationSearch => "acceleration_search",
        }
    }
}

#[derive(Debug)]
pub struct DatamodelCmd {
    pub model: Option<String>,
    pub dataset: Option<String>,
    pub mode: Option<DatamodelMode>,
    pub options: Vec<Opt>,
    pub span: Span,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let start = ws(i);
    let mut words: Vec<(String, Span)> = Vec::new();
    let mut options = Vec::new();
    let mut rest = start;
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if let Some((r, o)) = known_option(src, rest, OPTIONS, "datamodel")? {
            bool_value(&o)?;
            options.push(o);
            rest = r;
            continue;
        }
        let (r, w) = lex::field_name(rest)?;
        words.push((w, src.span(rest, r)));
        rest = r;
    }
    let mut mode = None;
    if words.len() >= 2 {
        mode = words.last().and_then(|(w, _)| DatamodelMode::from_word(w));
        if mode.is_some() {
            words.pop();
        }
    }
    if words.len() > 2 {
        return Err(nom::Err::Failure(PErr::spanning(
            words[2].1,
            "datamodel takes a model, a dataset and a mode (search, flat or acceleration_search)",
        )));
    }
    let mut it = words.into_iter().map(|(w, _)| w);
    Ok((
        rest,
        Box::new(DatamodelCmd {
            model: it.next(),
            dataset: it.next(),
            mode,
            options,
            span: src.span(start, rest),
        }),
    ))
}

impl fmt::Display for DatamodelCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("datamodel")?;
        for w in [&self.model, &self.dataset].into_iter().flatten() {
            write!(f, " {}", lex::print_field(w))?;
        }
        if let Some(m) = self.mode {
            write!(f, " {}", m.word())?;
        }
        for o in &self.options {
            write!(f, " {o}")?;
        }
        Ok(())
    }
}

impl Command for DatamodelCmd {
    fn name(&self) -> &'static str {
        "datamodel"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Generating
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "model": self.model, "dataset": self.dataset, "mode": self.mode,
            "options": self.options, "span": self.span,
        })
    }
    fn reads_events(&self) -> bool {
        self.runnable()
    }
    fn runnable(&self) -> bool {
        self.model.is_some()
            && matches!(self.mode, Some(DatamodelMode::Search | DatamodelMode::Flat))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for DatamodelCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let Some(model) = &self.model else {
            return Err(SplError::plan(
                "datamodel without a model describes the models: not supported offline",
            ));
        };
        match self.mode {
            Some(DatamodelMode::Search) | Some(DatamodelMode::Flat) => {}
            Some(DatamodelMode::AccelerationSearch) => {
                return Err(SplError::plan(
                    "datamodel … acceleration_search reads summaries: not supported offline",
                ))
            }
            None => {
                return Err(SplError::plan(
                    "datamodel without search/flat describes the model: not supported offline",
                ))
            }
        }
        Ok(Box::new(DatasetEvents {
            view: ctx
                .datamodels()
                .view(model, self.dataset.as_deref(), &ctx.fn_ctx)
                .map_err(|e| e.at(self.span))?,
            flat: self.mode == Some(DatamodelMode::Flat),
        }))
    }
}
