//! `| from <dataset-type>:<dataset-name>` (also written with a space,
//! `| from datamodel Web.Web`): reads a dataset — a data model dataset, a
//! lookup or a saved search. `datamodel:` runs: the input events in the
//! dataset, with their `Dataset.field` view added; `lookup:` and
//! `inputlookup:` read the lookup's rows like `inputlookup`; `savedsearch:`
//! is parsed only.

use std::any::Any;
use std::fmt;

use super::tstats::DatamodelRef;
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::content::datamodels::View;
use crate::spl::ast::{Command, CommandKind, Span};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "from",
    aliases: &[],
    parse,
    syntax: "| from datamodel:<model>.<dataset> | lookup:<name> | inputlookup:<name> | savedsearch:<name>",
    plan: super::planner::<FromCmd>,
};

/// The dataset types `from` reads.
const KINDS: &[&str] = &["datamodel", "lookup", "inputlookup", "savedsearch"];

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type")]
pub enum FromSource {
    Datamodel {
        datamodel: DatamodelRef,
    },
    /// `lookup:`, `inputlookup:` or `savedsearch:` and the name.
    Named {
        kind: String,
        name: String,
    },
}

#[derive(Debug)]
pub struct FromCmd {
    pub source: FromSource,
    /// Written `type:name` (true) or `type name` (false).
    pub colon: bool,
    pub span: Span,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let start = ws(i);
    let (r, kind) = lex::ident(start).map_err(|_| {
        nom::Err::Failure(PErr::at(
            start,
            "expected a dataset type, e.g. datamodel:<name>",
        ))
    })?;
    let lkind = kind.to_ascii_lowercase();
    if !KINDS.contains(&lkind.as_str()) {
        return Err(nom::Err::Failure(
            PErr::spanning(src.span(start, r), format!("unknown dataset type '{kind}'"))
                .with_help("from reads datamodel:, lookup:, inputlookup: or savedsearch:"),
        ));
    }
    let (after, colon) = match r.strip_prefix(':') {
        Some(a) => (a, true),
        None if lex::ws1(r).is_some() => (ws(r), false),
        None => return cut(fail(r, "expected ':' after the dataset type")),
    };
    if lex::at_command_end(after) {
        return cut(fail(after, "expected a dataset name"));
    }
    let (rest, name) = cut(lex::field_name(after))?;
    let name_span = src.span(after, rest);
    let source = if lkind == "datamodel" {
        FromSource::Datamodel {
            datamodel: DatamodelRef::parse(&name, name_span),
        }
    } else {
        FromSource::Named { kind: lkind, name }
    };
    Ok((
        rest,
        Box::new(FromCmd {
            source,
            colon,
            span: src.span(start, rest),
        }),
    ))
}

impl fmt::Display for FromCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sep = if self.colon { ":" } else { " " };
        match &self.source {
            FromSource::Datamodel { datamodel } => write!(f, "from datamodel{sep}{datamodel}"),
            FromSource::Named { kind, name } => {
                write!(f, "from {kind}{sep}{}", lex::print_field(name))
            }
        }
    }
}

/// The input events in a dataset, with the dataset's view fields added
/// (`flat`: named without the dataset prefix).
pub(crate) struct DatasetEvents {
    pub view: View,
    pub flat: bool,
}

impl Operator for DatasetEvents {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let Some(mut v) = self.view.build(&ev, true)? else {
            return Ok(());
        };
        if self.flat {
            let names: Vec<String> = v
                .names()
                .filter(|n| !ev.contains(n) && n.contains('.'))
                .map(|n| n.to_string())
                .collect();
            for n in names {
                let short = n.rsplit('.').next().unwrap_or(&n).to_string();
                if let Some(x) = v.remove(&n) {
                    v.set(short, x);
                }
            }
        }
        out(v)
    }
    fn accepts(&self, ev: &Event) -> bool {
        // An error building the view: let push report it.
        self.view.contains(ev).unwrap_or(true)
    }
}

impl Command for FromCmd {
    fn name(&self) -> &'static str {
        "from"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Generating
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "source": self.source, "colon": self.colon, "span": self.span })
    }
    fn reads_events(&self) -> bool {
        matches!(self.source, FromSource::Datamodel { .. })
    }
    fn runnable(&self) -> bool {
        match &self.source {
            FromSource::Datamodel { .. } => true,
            FromSource::Named { kind, .. } => kind != "savedsearch",
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for FromCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        match &self.source {
            FromSource::Datamodel { datamodel } => Ok(Box::new(DatasetEvents {
                view: ctx
                    .datamodels()
                    .view(&datamodel.model, datamodel.dataset.as_deref(), &ctx.fn_ctx)
                    .map_err(|e| e.at(datamodel.span))?,
                flat: false,
            })),
            // Search Reference, from: `lookup:` and `inputlookup:` read a
            // lookup's rows, as `| inputlookup <name>` does.
            FromSource::Named { kind, name } if kind != "savedsearch" => {
                super::inputlookup::InputlookupCmd {
                    options: Vec::new(),
                    table: super::support::fields::FieldRef {
                        name: name.clone(),
                        span: self.span,
                    },
                    filter: None,
                    first: true,
                }
                .plan(ctx)
            }
            FromSource::Named { kind, .. } => Err(SplError::plan(format!(
                "from {kind}: is not supported offline (use the saved search's text)"
            ))),
        }
    }
}
