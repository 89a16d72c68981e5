//! `| mstats [prestats=<bool>] [append=<bool>] [backfill=<bool>] [update_period=<N>]
//! [fillnull_value=<text>] [chunk_size=<N>] [every=<span>] <agg>(<metric>)…
//! WHERE <search-expression> [BY <field>…] [span=<span>]`: statistics over
//! metric indexes. Fully parsed (metric names may hold wildcards:
//! `avg(process.*) AS process.*`); not runnable (spleval has no metric store).

use std::any::Any;
use std::fmt;

use super::eventstats::{agg_exprs, join_aggs};
use super::stats::Agg;
use super::support::fields::FieldRef;
use super::tstats::{fmt_by, parse_clauses};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::commands::support::pipeline::{Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::expr::Expr;
use crate::spl::lex::{cut, fail, PResult, Src};
use crate::spl::search_expr::SearchExpr;

pub const SPEC: CommandSpec = CommandSpec {
    name: "mstats",
    aliases: &[],
    parse,
    syntax: "| mstats [<option>=<value>…] <fn>(<metric>) [AS <name>]… WHERE <search> [BY <field>…] [span=<span>]",
    plan: super::planner::<MstatsCmd>,
};

const OPTIONS: &[&str] = &[
    "prestats",
    "append",
    "backfill",
    "update_period",
    "fillnull_value",
    "chunk_size",
    "every",
    "allow_skew",
    "local",
];

#[derive(Debug)]
pub struct MstatsCmd {
    pub options: Vec<Opt>,
    pub aggs: Vec<Agg>,
    pub where_: SearchExpr,
    pub by_keyword: Option<String>,
    pub by: Vec<FieldRef>,
    pub span: Option<Opt>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, c) = parse_clauses(src, i, "mstats", OPTIONS, false)?;
    let Some(where_) = c.where_ else {
        return cut(fail(
            rest,
            "mstats needs a WHERE clause naming the metric index",
        ));
    };
    Ok((
        rest,
        Box::new(MstatsCmd {
            options: c.options,
            aggs: c.aggs,
            where_,
            by_keyword: c.by_keyword,
            by: c.by,
            span: c.span,
        }),
    ))
}

impl fmt::Display for MstatsCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("mstats")?;
        for o in &self.options {
            write!(f, " {o}")?;
        }
        write!(f, " {} WHERE {}", join_aggs(&self.aggs), self.where_)?;
        fmt_by(f, &self.by_keyword, &self.by, &self.span)
    }
}

impl Command for MstatsCmd {
    fn name(&self) -> &'static str {
        "mstats"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Generating
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "options": self.options, "aggregations": self.aggs, "where": self.where_,
            "by_keyword": self.by_keyword.as_ref().map(|k| k.to_ascii_lowercase()),
            "by": self.by, "span_option": self.span,
        })
    }
    fn runnable(&self) -> bool {
        false
    }
    fn exprs(&self) -> Vec<&Expr> {
        agg_exprs(&self.aggs)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for MstatsCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Err(SplError::plan(
            "mstats needs a metric store: not runnable yet",
        ))
    }
}
