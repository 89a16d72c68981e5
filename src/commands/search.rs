//! `search <expression>`: keeps events matching the search language.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::commands::support::pipeline::{Accepts, Emit, Operator, PlanCtx};
use crate::eval::matcher::Matcher;
use crate::spl::ast::{Command, CommandKind, Pipeline};
use crate::spl::lex::{PResult, Src};
use crate::spl::search_expr::{parse_search, SearchExpr};

pub const SPEC: CommandSpec = CommandSpec {
    name: "search",
    aliases: &[],
    parse,
    syntax: "search <term | field=value | field IN (…) | NOT … | … OR … | (…) | [subsearch]>…",
    plan: super::planner::<SearchCmd>,
};

#[derive(Debug)]
pub struct SearchCmd {
    pub expr: Option<SearchExpr>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    parse_args(src, i)
}

/// The search expression up to the end of the command (also the leading search).
pub fn parse_args<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, expr) = parse_search(src, i)?;
    Ok((rest, Box::new(SearchCmd { expr })))
}

impl fmt::Display for SearchCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.expr {
            Some(e) => write!(f, "search {e}"),
            None => f.write_str("search"),
        }
    }
}

impl Command for SearchCmd {
    fn name(&self) -> &'static str {
        "search"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "expr": self.expr })
    }
    fn subsearches(&self) -> Vec<&Pipeline> {
        let mut out = Vec::new();
        if let Some(e) = &self.expr {
            e.walk(&mut |x| {
                if let SearchExpr::Subsearch { pipeline, .. } = x {
                    out.push(pipeline);
                }
            });
        }
        out
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        let mut v = Vec::new();
        match &self.expr {
            Some(e) if !crate::spl::fields::search_fields(e, &mut v) => {
                crate::spl::fields::Flow::Any
            }
            _ => crate::spl::fields::Flow::reads(v),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for SearchCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let m = match &self.expr {
            Some(e) => Matcher::compile(e, ctx)?,
            None => Matcher::All,
        };
        Ok(Box::new(Filter { m: Arc::new(m) }))
    }
}

struct Filter {
    m: Arc<Matcher>,
}

impl Operator for Filter {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if self.m.matches(&ev)? {
            out(ev)?;
        }
        Ok(())
    }
    fn accepts(&self, ev: &Event) -> bool {
        self.m.matches(ev).unwrap_or(true)
    }
    fn shared_accepts(&self) -> Option<Accepts> {
        let m = self.m.clone();
        Some(Arc::new(move |ev: &Event| m.matches(ev).unwrap_or(true)))
    }
}
