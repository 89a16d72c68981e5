//! `| tstats [summariesonly=<bool>] [allow_old_summaries=<bool>] [fillnull_value=<text>]
//! [prestats=<bool>] [local=<bool>] [append=<bool>] [chunk_size=<N>]
//! [include_reduced_buckets=<bool>] <agg>… [FROM datamodel=<model>[.<dataset>] | FROM <namespace>
//! | FROM sid=<id>] [WHERE <search-expression>] [BY|GROUPBY <field>… [span=<span>]]`.
//!
//! Fully parsed (the `where` clause is the search language, with quoted
//! field names allowed: `"DNS.query"="*.arpa"`); options may also stand
//! between the aggregations and inside the `BY` list (`by _time span=1h
//! Processes.dest`).
//!
//! Offline there are no summaries: tstats reads the search's input events,
//! builds each one's data model view (see [`crate::content::datamodels`]), keeps those
//! the `where` clause matches and aggregates them as `stats` does.
//! `summariesonly`, `allow_old_summaries` and the other tuning options are
//! accepted and mean nothing here; `fillnull_value=` fills missing group-by
//! fields instead of dropping the event; `prestats=t` passes the filtered
//! views on for a following `stats` to aggregate.

use std::any::Any;
use std::fmt;

use super::eventstats::{agg_exprs, join_aggs};
use super::stats::{parse_agg, Agg, AggSpec, StatsOp};
use super::support::fields::{at_keyword, field_ref, join_fields, FieldRef};
use super::support::stats_support::{
    at_stop, bool_value, known_option, option_key, parse_timespan, uint_value, TimeSpan,
};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::content::datamodels::View;
use crate::eval::matcher::Matcher;
use crate::spl::ast::{Command, CommandKind, Opt, Span};
use crate::spl::expr::Expr;
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};
use crate::spl::search_expr::{parse_search_with, CmpOp, SearchExpr, SearchOpts};

pub const SPEC: CommandSpec = CommandSpec {
    name: "tstats",
    aliases: &[],
    parse,
    syntax: "| tstats [<option>=<value>…] <fn>(<field>) [AS <name>]… [FROM datamodel=<model>[.<dataset>]] \
             [WHERE <search>] [BY <field>… [span=<span>]]",
    plan: super::planner::<TstatsCmd>,
};

const OPTIONS: &[&str] = &[
    "summariesonly",
    "allow_old_summaries",
    "fillnull_value",
    "prestats",
    "local",
    "append",
    "chunk_size",
    "include_reduced_buckets",
];

const BOOL_OPTIONS: &[&str] = &[
    "summariesonly",
    "allow_old_summaries",
    "prestats",
    "local",
    "append",
    "include_reduced_buckets",
];

/// A data model reference, `Endpoint.Processes`: the model and the dataset path.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DatamodelRef {
    pub model: String,
    /// The dataset (`Processes`, or a nested path `All_Changes.Account_Management`).
    pub dataset: Option<String>,
    pub span: Span,
}

impl DatamodelRef {
    pub fn parse(text: &str, span: Span) -> DatamodelRef {
        match text.split_once('.') {
            Some((m, d)) if !d.is_empty() => DatamodelRef {
                model: m.to_string(),
                dataset: Some(d.to_string()),
                span,
            },
            _ => DatamodelRef {
                model: text.trim_end_matches('.').to_string(),
                dataset: None,
                span,
            },
        }
    }
}

impl fmt::Display for DatamodelRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match &self.dataset {
            Some(d) => format!("{}.{d}", self.model),
            None => self.model.clone(),
        };
        f.write_str(&lex::print_field(&text))
    }
}

/// Where tstats reads from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type")]
pub enum TstatsSource {
    /// `FROM datamodel=M.D`, or the `datamodel=M.D` option (`from: false`).
    Datamodel { datamodel: DatamodelRef, from: bool },
    /// `FROM sid=<tscollect job>`
    Sid { sid: String },
    /// `FROM <tscollect namespace>`
    Namespace { name: String },
}

impl fmt::Display for TstatsSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TstatsSource::Datamodel { datamodel, from } => {
                if *from {
                    f.write_str("FROM ")?;
                }
                write!(f, "datamodel={datamodel}")
            }
            TstatsSource::Sid { sid } => write!(f, "FROM sid={}", lex::print_field(sid)),
            TstatsSource::Namespace { name } => write!(f, "FROM {}", lex::print_field(name)),
        }
    }
}

#[derive(Debug)]
pub struct TstatsCmd {
    pub options: Vec<Opt>,
    pub aggs: Vec<Agg>,
    pub source: Option<TstatsSource>,
    pub where_: Option<SearchExpr>,
    /// `BY` or `GROUPBY` as written (None: no by clause).
    pub by_keyword: Option<String>,
    pub by: Vec<FieldRef>,
    /// `span=` of the by clause.
    pub span: Option<Opt>,
}

/// Clauses shared by tstats and mstats.
pub(crate) struct StatsClauses {
    pub options: Vec<Opt>,
    pub aggs: Vec<Agg>,
    pub source: Option<TstatsSource>,
    pub where_: Option<SearchExpr>,
    pub by_keyword: Option<String>,
    pub by: Vec<FieldRef>,
    pub span: Option<Opt>,
}

/// Parses `<option|agg>… [FROM …] [WHERE …] [BY …]` with clauses in any
/// order and options anywhere; `allow_from` is false for mstats.
pub(crate) fn parse_clauses<'a>(
    src: &Src<'a>,
    i: &'a str,
    command: &str,
    options: &[&str],
    allow_from: bool,
) -> PResult<'a, StatsClauses> {
    let mut c = StatsClauses {
        options: Vec::new(),
        aggs: Vec::new(),
        source: None,
        where_: None,
        by_keyword: None,
        by: Vec::new(),
        span: None,
    };
    let mut in_by = false;
    let mut rest = ws(i);
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if in_by {
            if let Some(r) = rest.strip_prefix(',') {
                rest = r;
                continue;
            }
        }
        if let Some(key) = option_key(rest) {
            let lkey = key.to_ascii_lowercase();
            if lkey == "span" {
                let (r, o) = known_option(src, rest, &["span"], command)?
                    .ok_or_else(|| nom::Err::Failure(PErr::at(rest, "expected span=<span>")))?;
                parse_timespan(&o.value)
                    .map_err(|m| nom::Err::Failure(PErr::spanning(o.span, format!("span: {m}"))))?;
                if c.span.is_some() {
                    return Err(nom::Err::Failure(PErr::spanning(
                        o.span,
                        "span is given twice",
                    )));
                }
                c.span = Some(o);
                rest = r;
                continue;
            }
            if lkey == "datamodel" && allow_from {
                let (r, o) =
                    known_option(src, rest, &["datamodel"], command)?.ok_or_else(|| {
                        nom::Err::Failure(PErr::at(rest, "expected datamodel=<name>"))
                    })?;
                if c.source.is_some() {
                    return Err(nom::Err::Failure(PErr::spanning(
                        o.span,
                        "the data source is given twice",
                    )));
                }
                c.source = Some(TstatsSource::Datamodel {
                    datamodel: DatamodelRef::parse(&o.value, o.span),
                    from: false,
                });
                rest = r;
                continue;
            }
            let (r, o) = known_option(src, rest, options, command)?
                .ok_or_else(|| nom::Err::Failure(PErr::at(rest, "expected an option")))?;
            let lk = o.key.to_ascii_lowercase();
            if BOOL_OPTIONS.contains(&lk.as_str()) {
                bool_value(&o)?;
            } else if lk == "chunk_size" {
                uint_value(&o)?;
            }
            c.options.push(o);
            rest = r;
            continue;
        }
        if allow_from {
            if let Some(after) = at_keyword(rest, &["from"]) {
                if c.source.is_some() {
                    return cut(fail(rest, "the data source is given twice"));
                }
                let (r, s) = parse_source(src, after)?;
                c.source = Some(s);
                in_by = false;
                rest = r;
                continue;
            }
        }
        if let Some(after) = at_keyword(rest, &["where"]) {
            if c.where_.is_some() {
                return cut(fail(rest, "only one WHERE clause is allowed"));
            }
            let stops: &[&str] = if allow_from && c.source.is_none() {
                &["by", "groupby", "from"]
            } else {
                &["by", "groupby"]
            };
            let opts = SearchOpts {
                stop: stops,
                quoted_fields: true,
            };
            let (r, e) = parse_search_with(src, after, opts)?;
            let Some(e) = e else {
                return cut(fail(r, "expected a search expression after WHERE"));
            };
            let (e, span) = take_span(e);
            if let Some(o) = span {
                parse_timespan(&o.value)
                    .map_err(|m| nom::Err::Failure(PErr::spanning(o.span, format!("span: {m}"))))?;
                if c.span.is_some() {
                    return Err(nom::Err::Failure(PErr::spanning(
                        o.span,
                        "span is given twice",
                    )));
                }
                c.span = Some(o);
            }
            if e.is_none() {
                return cut(fail(r, "expected a search expression after WHERE"));
            }
            c.where_ = e;
            in_by = false;
            rest = r;
            continue;
        }
        if let Some((after, kw)) = ["by", "groupby"]
            .iter()
            .find_map(|k| at_keyword(rest, &[k]).map(|a| (a, *k)))
        {
            if c.by_keyword.is_some() {
                return cut(fail(rest, "only one BY clause is allowed"));
            }
            let written = &ws(rest)[..kw.len()];
            c.by_keyword = Some(written.to_string());
            in_by = true;
            rest = after;
            continue;
        }
        if in_by {
            if at_stop(rest, &["where", "from"]) {
                in_by = false;
                continue;
            }
            let (r, f) = field_ref(src, rest)?;
            c.by.push(f);
            rest = r;
            continue;
        }
        let from_written = matches!(
            c.source,
            Some(TstatsSource::Datamodel { from: true, .. })
                | Some(TstatsSource::Sid { .. })
                | Some(TstatsSource::Namespace { .. })
        );
        if from_written || c.where_.is_some() {
            return cut(fail(
                rest,
                format!("unexpected input in {command}: aggregations come before FROM/WHERE"),
            ));
        }
        let (r, a) = parse_agg(src, rest)?;
        c.aggs.push(a);
        rest = ws(r);
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        }
    }
    if c.aggs.is_empty() {
        return cut(fail(
            rest,
            format!("{command} needs at least one function, e.g. count"),
        ));
    }
    if c.by_keyword.is_some() && c.by.is_empty() {
        return cut(fail(rest, "expected field names after BY"));
    }
    Ok((rest, c))
}

/// `span=<span>` written inside the where clause (`WHERE index=m span=30s`)
/// is the by clause's span, not a field test: takes it out of the top level.
fn take_span(e: SearchExpr) -> (Option<SearchExpr>, Option<Opt>) {
    fn as_span(e: &SearchExpr) -> Option<Opt> {
        match e {
            SearchExpr::Compare {
                field,
                op: CmpOp::Eq,
                value,
                span,
                ..
            } if field.eq_ignore_ascii_case("span") => Some(Opt {
                key: field.clone(),
                value: value.text.clone(),
                quoted: value.quoted,
                span: *span,
            }),
            _ => None,
        }
    }
    if let Some(o) = as_span(&e) {
        return (None, Some(o));
    }
    match e {
        SearchExpr::And { items, span } => {
            let mut found = None;
            let mut rest = Vec::with_capacity(items.len());
            for it in items {
                match as_span(&it) {
                    Some(o) if found.is_none() => found = Some(o),
                    _ => rest.push(it),
                }
            }
            let e = match rest.len() {
                0 => None,
                1 => rest.pop(),
                _ => Some(SearchExpr::And { items: rest, span }),
            };
            (e, found)
        }
        other => (Some(other), None),
    }
}

/// After `FROM`: `datamodel=M.D`, `datamodel:M.D`, `sid=<id>` or a namespace.
fn parse_source<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, TstatsSource> {
    let i = ws(i);
    for (kw, is_dm) in [("datamodel", true), ("sid", false)] {
        if let Some(r) = lex::keyword(i, kw) {
            let r2 = ws(r);
            if let Some(v) = r2.strip_prefix('=').or_else(|| r2.strip_prefix(':')) {
                let v = ws(v);
                let (rest, name) = cut(lex::field_name(v))?;
                let span = src.span(i, rest);
                return Ok((
                    rest,
                    if is_dm {
                        TstatsSource::Datamodel {
                            datamodel: DatamodelRef::parse(&name, span),
                            from: true,
                        }
                    } else {
                        TstatsSource::Sid { sid: name }
                    },
                ));
            }
        }
    }
    if lex::at_command_end(i) || at_stop(i, &["where", "by", "groupby"]) {
        return cut(fail(
            i,
            "expected datamodel=<name>, sid=<id> or a namespace after FROM",
        ));
    }
    let (rest, name) = cut(lex::field_name(i))?;
    Ok((rest, TstatsSource::Namespace { name }))
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, c) = parse_clauses(src, i, "tstats", OPTIONS, true)?;
    Ok((
        rest,
        Box::new(TstatsCmd {
            options: c.options,
            aggs: c.aggs,
            source: c.source,
            where_: c.where_,
            by_keyword: c.by_keyword,
            by: c.by,
            span: c.span,
        }),
    ))
}

/// Prints the by clause (`BY f… span=…`), or a lone `span=`.
pub(crate) fn fmt_by(
    f: &mut fmt::Formatter<'_>,
    kw: &Option<String>,
    by: &[FieldRef],
    span: &Option<Opt>,
) -> fmt::Result {
    if let Some(kw) = kw {
        let kw = if kw.eq_ignore_ascii_case("groupby") {
            "groupby"
        } else {
            "BY"
        };
        write!(f, " {kw} {}", join_fields(by))?;
    }
    if let Some(s) = span {
        write!(f, " {s}")?;
    }
    Ok(())
}

impl fmt::Display for TstatsCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tstats")?;
        for o in &self.options {
            write!(f, " {o}")?;
        }
        if let Some(s @ TstatsSource::Datamodel { from: false, .. }) = &self.source {
            write!(f, " {s}")?;
        }
        write!(f, " {}", join_aggs(&self.aggs))?;
        match &self.source {
            Some(TstatsSource::Datamodel { from: false, .. }) | None => {}
            Some(s) => write!(f, " {s}")?,
        }
        if let Some(w) = &self.where_ {
            write!(f, " WHERE {w}")?;
        }
        fmt_by(f, &self.by_keyword, &self.by, &self.span)
    }
}

impl TstatsCmd {
    /// The data model view it reads, planned (None: it reads events as
    /// they are, or from no data model we can run).
    pub fn view(&self, ctx: &PlanCtx) -> Option<View> {
        match &self.source {
            Some(TstatsSource::Datamodel { datamodel, .. }) => ctx
                .datamodels()
                .view(&datamodel.model, datamodel.dataset.as_deref(), &ctx.fn_ctx)
                .ok(),
            _ => None,
        }
    }

    /// The event fields it reads: what its aggregations, `by` and `where`
    /// name, through the data model view when it has one (the view
    /// fields' sources and the datasets' constraints). None when unknown.
    pub fn input_fields(&self, ctx: &PlanCtx) -> Option<Vec<String>> {
        let mut names = Vec::new();
        if !super::stats::agg_fields(&self.aggs, &mut names) {
            return None;
        }
        names.extend(self.by.iter().map(|f| f.name.clone()));
        if names.iter().any(|n| n.contains('*')) {
            return None;
        }
        if let Some(w) = &self.where_ {
            if !crate::spl::fields::search_fields(w, &mut names) {
                return None;
            }
        }
        match &self.source {
            None => Some(names),
            Some(TstatsSource::Datamodel { .. }) => self.view(ctx)?.input_fields(&names),
            Some(_) => None,
        }
    }

    /// A boolean option's value, when given.
    pub(crate) fn option(&self, key: &str) -> Option<bool> {
        self.options
            .iter()
            .find(|o| o.key.eq_ignore_ascii_case(key))
            .and_then(|o| o.as_bool())
    }

    /// `prestats=t append=t`: "the prestats results append to existing
    /// results, instead of generating them" (the page's "Multiple time
    /// ranges" example runs one after another tstats).
    pub fn appends(&self) -> bool {
        self.option("prestats").unwrap_or(false) && self.option("append").unwrap_or(false)
    }

    /// The operator of an appending tstats after other commands: the results
    /// so far pass on, then this tstats' own rows over the search's input
    /// (run once, at plan time, as a subsearch `| tstats …` would).
    pub fn append_op(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let p = crate::commands::parse_pipeline(&format!("| {self}"))
            .map_err(|e| SplError::plan(format!("tstats: {}", e.msg)))?;
        let rows = super::support::sub::run_subsearch(ctx, &p, 0, "tstats")?;
        Ok(Box::new(super::append::AppendOp { rows, seen: 0 }))
    }
}

struct TstatsOp {
    /// None: no data model (`tstats count where index=* by sourcetype`): the events themselves.
    view: Option<View>,
    where_: Option<Matcher>,
    by: Vec<String>,
    fill: Option<String>,
    span: Option<TimeSpan>,
    tz: chrono_tz::Tz,
    /// None with prestats=t: the rows go on unaggregated.
    stats: Option<StatsOp>,
}

impl Operator for TstatsOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let mut row = match &self.view {
            Some(v) => match v.build(&ev, false)? {
                Some(r) => r,
                None => return Ok(()),
            },
            None => ev,
        };
        if let Some(m) = &self.where_ {
            if !m.matches(&row)? {
                return Ok(());
            }
        }
        if let Some(fill) = &self.fill {
            for f in &self.by {
                if row.get(f).is_none_or(|v| v.is_null()) {
                    row.set(f.clone(), Value::str(fill.clone()));
                }
            }
        }
        if let Some(span) = &self.span {
            if let Some(t) = row.time() {
                row.set("_time", Value::Num(span.bucket(t, self.tz)));
            }
        }
        match &mut self.stats {
            Some(s) => s.push(row, out),
            None => out(row),
        }
    }
    fn accepts(&self, ev: &Event) -> bool {
        match &self.view {
            Some(v) => v.contains(ev).unwrap_or(true),
            None => true,
        }
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        match &mut self.stats {
            Some(s) => s.finish(out),
            None => Ok(()),
        }
    }
}

impl Command for TstatsCmd {
    fn name(&self) -> &'static str {
        "tstats"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Generating
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "options": self.options, "aggregations": self.aggs, "source": self.source,
            "where": self.where_, "by_keyword": self.by_keyword.as_ref().map(|k| k.to_ascii_lowercase()),
            "by": self.by, "span_option": self.span,
        })
    }
    fn reads_events(&self) -> bool {
        true
    }
    fn reads_input_again(&self) -> bool {
        self.appends() || !self.input_subsearches().is_empty()
    }
    fn runnable(&self) -> bool {
        matches!(self.source, None | Some(TstatsSource::Datamodel { .. }))
    }
    fn columns(&self, _before: Option<Vec<String>>) -> Option<Vec<String>> {
        if self.option("prestats").is_some_and(|v| v) {
            return None;
        }
        let mut cols: Vec<String> = self.by.iter().map(|f| f.name.clone()).collect();
        for a in &self.aggs {
            let name = a.output_name();
            if !cols.contains(&name) {
                cols.push(name);
            }
        }
        Some(cols)
    }
    fn exprs(&self) -> Vec<&Expr> {
        agg_exprs(&self.aggs)
    }
    fn subsearches(&self) -> Vec<&crate::spl::ast::Pipeline> {
        let mut out = Vec::new();
        if let Some(w) = &self.where_ {
            w.walk(&mut |x| {
                if let SearchExpr::Subsearch { pipeline, .. } = x {
                    out.push(pipeline);
                }
            });
        }
        out
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for TstatsCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let view = match &self.source {
            None => None,
            Some(TstatsSource::Datamodel { datamodel, .. }) => Some(
                ctx.datamodels()
                    .view(&datamodel.model, datamodel.dataset.as_deref(), &ctx.fn_ctx)
                    .map_err(|e| e.at(datamodel.span))?,
            ),
            Some(TstatsSource::Sid { .. }) => {
                return Err(SplError::plan(
                    "tstats FROM sid= reads a tscollect job's results; offline there are none",
                ))
            }
            Some(TstatsSource::Namespace { .. }) => {
                return Err(SplError::plan(
                    "tstats FROM <namespace> reads tscollect output; offline there is none",
                ))
            }
        };
        let where_ = match &self.where_ {
            Some(w) => Some(Matcher::compile(w, ctx)?),
            None => None,
        };
        let span = match &self.span {
            Some(o) => Some(
                parse_timespan(&o.value)
                    .map_err(|m| SplError::plan(format!("span: {m}")).at(o.span))?,
            ),
            None => None,
        };
        let by: Vec<String> = self.by.iter().map(|f| f.name.clone()).collect();
        let fill = self
            .options
            .iter()
            .find(|o| o.key.eq_ignore_ascii_case("fillnull_value"))
            .map(|o| o.value.clone());
        let prestats = self.option("prestats").unwrap_or(false);
        Ok(Box::new(TstatsOp {
            view,
            where_,
            fill,
            span,
            tz: ctx.fn_ctx.tz,
            stats: (!prestats)
                .then(|| {
                    let mut op = self.stats_op(ctx)?;
                    // A shard of a split search (`run --partial`): keep the groups' states.
                    op.partial = ctx.partial_stats.clone();
                    Ok::<_, SplError>(op)
                })
                .transpose()?,
            by,
        }))
    }
}

impl TstatsCmd {
    /// The aggregation over the view's rows (the merge side of a split
    /// search fills its groups from the shards' states).
    pub(crate) fn stats_op(&self, ctx: &PlanCtx) -> Result<StatsOp> {
        Ok(StatsOp::new(
            AggSpec::plan(&self.aggs, ctx)?,
            self.by.iter().map(|f| f.name.clone()).collect(),
            ctx.fn_ctx.clone(),
        ))
    }
}
