//! `chart [options] <agg>… [OVER <row-field> [BY <column-field>] | BY <row-field> [<column-field>]]`:
//! a table with one row per value of the row field and, with a column
//! (split-by) field, one column per value of it.
//!
//! Options: `limit=[top|bottom]<N>` (default 10 series, ranked by the sum of
//! their cells; 0 keeps all), `useother=<bool>` (default true: the series
//! beyond the limit are merged into an `OTHER` column), `otherstr=`,
//! `usenull=<bool>` (default true: events lacking the split-by field make a
//! `NULL` series), `nullstr=`, `format=`/`sep=` (column names with several
//! aggregations, default `<agg>: <value>`), `agg=` (the ranking function),
//! `cont=`. Rows are sorted by the row value (bin ranges such as `10-20` by
//! their lower bound); events lacking the row field are left out. Empty
//! cells are 0 for `count`/`dc` and empty otherwise. With `cont=true` (the
//! default) a row field binned by chart's bin options gets a row for every
//! empty bin between its first and last (at most 50,000 rows).
//!
//! Bin options (`bins=`, `span=`, `start=`, `end=`, `minspan=`,
//! `aligntime=`) after the row or column field bin that field as the `bin`
//! command would before chart (`BY size bins=10`, `BY duration span=log2`,
//! `BY date_mday span=3 date_hour span=12`); before the split clause they
//! bin the row field.
//!
//! `WHERE <agg> in top5` / `WHERE <agg> > 100` after the column field
//! chooses its series ([`super::support::series_where`]).

use std::any::Any;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use super::bin::BinOp;
use super::eventstats::{agg_exprs, aggs_order_sensitive, join_aggs};
use super::stats::{group_keys, parse_agg, Agg, AggSpec};
use super::support::fields::{at_keyword, field_ref, FieldRef};
use super::support::series_where::{self, SeriesWhere};
use super::support::stats_support::{
    bool_value, by_fields, extract, feed, key_text, known_option, zero_when_empty, TimeSpan,
};
use super::timechart::MAX_ROWS;
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::{sort_cmp, Value};
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::functions::FnCtx;
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::expr::Expr;
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "chart",
    aliases: &[],
    parse,
    syntax: "chart [limit=<N>] [useother=<bool>] [usenull=<bool>] <fn>(<field>) [AS <name>]… \
             [OVER <row-field> [<bin-options>] [BY <column-field> [<bin-options>]] \
             | BY <row-field> [<bin-options>] [<column-field> [<bin-options>]]] \
             [WHERE <agg> (in|notin) (top|bottom)<N> | WHERE <agg> (<|>) <num>]",
    plan: super::planner::<ChartCmd>,
};

/// Options chart and timechart share (series shaping).
pub(crate) const SERIES_OPTIONS: &[&str] = &[
    "limit",
    "useother",
    "usenull",
    "otherstr",
    "nullstr",
    "format",
    "sep",
    "agg",
    "cont",
    "dedup_splitvals",
    // The chart page's basic example 8 spells it without the s.
    "dedup_splitval",
];

/// Binning options: written after the row or column field they bin
/// (`BY size bins=10`, `BY date_mday span=3 date_hour span=12`); written
/// before the split clause they bin the row field.
const BIN_OPTIONS: &[&str] = &["span", "bins", "start", "end", "minspan", "aligntime"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum SplitStyle {
    /// `OVER row [BY column]`
    Over,
    /// `BY row [column]`
    By,
}

#[derive(Debug)]
pub struct ChartCmd {
    pub options: Vec<Opt>,
    pub aggs: Vec<Agg>,
    pub style: SplitStyle,
    pub row: Option<FieldRef>,
    pub column: Option<FieldRef>,
    /// Bin options written right after the row field.
    pub row_bins: Vec<Opt>,
    /// Bin options written right after the column field.
    pub column_bins: Vec<Opt>,
    /// The column field's `WHERE <agg> in top5` / `WHERE <agg> > 100`.
    pub where_: Option<SeriesWhere>,
}

fn is_bin_option(o: &Opt) -> bool {
    BIN_OPTIONS.iter().any(|b| b.eq_ignore_ascii_case(&o.key))
}

/// Which split field the last bin option read belongs to.
#[derive(Clone, Copy, PartialEq)]
enum BinTarget {
    Leading,
    Row,
    Column,
}

fn all_options() -> Vec<&'static str> {
    SERIES_OPTIONS.iter().chain(BIN_OPTIONS).copied().collect()
}

/// Checks the values of the series options.
pub(crate) fn check_series_option(o: &Opt) -> std::result::Result<(), nom::Err<PErr>> {
    match o.key.to_ascii_lowercase().as_str() {
        "useother" | "usenull" | "cont" | "partial" | "fixedrange" | "dedup_splitvals"
        | "dedup_splitval" => {
            bool_value(o)?;
        }
        "agg" if o.value.contains('(') && rank_agg(std::slice::from_ref(o)).is_none() => {
            return Err(nom::Err::Failure(
                PErr::spanning(
                    o.span,
                    "agg= takes one statistical function, e.g. agg=max(size)",
                )
                .with_help("or sum, max, min, avg of the first aggregation's cells"),
            ));
        }
        "limit" => {
            parse_limit(&o.value).ok_or_else(|| {
                nom::Err::Failure(PErr::spanning(
                    o.span,
                    "limit must be a number, topN or bottomN",
                ))
            })?;
        }
        _ => {}
    }
    Ok(())
}

/// The `agg=<stats-agg-term>` option as an aggregation (`agg=max(size)`);
/// None without one, or for the bare `agg=sum|max|min|avg`.
pub(crate) fn rank_agg(options: &[Opt]) -> Option<Agg> {
    let o = options
        .iter()
        .rev()
        .find(|o| o.key.eq_ignore_ascii_case("agg") && o.value.contains('('))?;
    let text = o.value.as_str();
    let src = Src::new(text);
    let (rest, mut agg) = parse_agg(&src, text).ok()?;
    if !rest.trim().is_empty() || agg.alias.is_some() {
        return None;
    }
    agg.span = o.span;
    Some(agg)
}

/// `limit=10`, `limit=top5`, `limit=bottom 3`: (N, from the bottom).
pub(crate) fn parse_limit(v: &str) -> Option<(usize, bool)> {
    let l = v.trim().to_ascii_lowercase();
    let (rest, bottom) = if let Some(r) = l.strip_prefix("top") {
        (r, false)
    } else if let Some(r) = l.strip_prefix("bottom") {
        (r, true)
    } else {
        (l.as_str(), false)
    };
    rest.trim().parse::<usize>().ok().map(|n| (n, bottom))
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let allowed = all_options();
    let mut options = Vec::new();
    let mut aggs = Vec::new();
    let mut style = SplitStyle::By;
    let mut row = None;
    let mut column = None;
    let mut split_done = false;
    let mut row_bins = Vec::new();
    let mut column_bins = Vec::new();
    let mut target = BinTarget::Leading;
    let mut where_ = None;
    let mut rest = ws(i);
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if let Some(after) = at_keyword(rest, &["where"]).filter(|_| split_done) {
            if where_.is_some() {
                return cut(fail(rest, "only one WHERE clause is allowed"));
            }
            let (r, w) = series_where::parse(src, rest, after)?;
            where_ = Some(w);
            rest = r;
            continue;
        }
        if let Some((r, o)) = known_option(src, rest, &allowed, "chart")? {
            check_series_option(&o)?;
            rest = r;
            if is_bin_option(&o) {
                super::bin::check_bin_option(&o)?;
                match target {
                    BinTarget::Leading => options.push(o),
                    BinTarget::Row => row_bins.push(o),
                    BinTarget::Column => column_bins.push(o),
                }
            } else {
                options.push(o);
            }
            continue;
        }
        // `OVER <row> <bin-options> BY <column>`, `BY <row> <bin-options> <column>`.
        if split_done && column.is_none() && target == BinTarget::Row {
            let next = match style {
                SplitStyle::Over => at_keyword(rest, &["by"]),
                SplitStyle::By => Some(rest.strip_prefix(',').unwrap_or(rest))
                    .filter(|r| at_keyword(r, &["by", "over", "where"]).is_none()),
            };
            if let Some(after) = next {
                let (r, f) = cut(field_ref(src, after))?;
                column = Some(f);
                target = BinTarget::Column;
                rest = r;
                continue;
            }
        }
        if let Some(after) = at_keyword(rest, &["over"]) {
            if split_done {
                return cut(fail(rest, "OVER must come before BY"));
            }
            let (r, f) = cut(field_ref(src, after))?;
            style = SplitStyle::Over;
            row = Some(f);
            target = BinTarget::Row;
            rest = r;
            let r2 = ws(rest);
            if let Some(after) = at_keyword(r2, &["by"]) {
                let (r, f) = cut(field_ref(src, after))?;
                column = Some(f);
                target = BinTarget::Column;
                rest = r;
            }
            split_done = true;
            continue;
        }
        if let Some(after) = at_keyword(rest, &["by"]) {
            if split_done {
                return cut(fail(rest, "only one BY clause is allowed"));
            }
            let (r, fields) = by_fields(src, after, &["where"])?;
            match fields.len() {
                0 => return cut(fail(r, "expected field names after BY")),
                1 | 2 => {}
                _ => {
                    return Err(nom::Err::Failure(PErr::spanning(
                        fields[2].span,
                        "chart takes at most two BY fields (a row and a column field)",
                    )))
                }
            }
            target = if fields.len() == 2 {
                BinTarget::Column
            } else {
                BinTarget::Row
            };
            let mut it = fields.into_iter();
            row = it.next();
            column = it.next();
            style = SplitStyle::By;
            split_done = true;
            rest = r;
            continue;
        }
        if split_done {
            return cut(fail(
                rest,
                "unexpected input after the chart split-by clause",
            ));
        }
        let (r, a) = parse_agg(src, rest)?;
        aggs.push(a);
        rest = ws(r);
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        }
    }
    if aggs.is_empty() {
        return cut(fail(rest, "chart needs at least one function, e.g. count"));
    }
    check_split_fields(&aggs, row.as_ref(), column.as_ref())?;
    if let (Some(w), None) = (&where_, &column) {
        return Err(nom::Err::Failure(PErr::spanning(
            w.span,
            "a WHERE clause chooses the column field's series; give one (OVER <row> BY <column>, or BY <row> <column>)",
        )));
    }
    Ok((
        rest,
        Box::new(ChartCmd {
            options,
            aggs,
            style,
            row,
            column,
            row_bins,
            column_bins,
            where_,
        }),
    ))
}

/// The chart page's Usage: "you cannot specify the same field in a function
/// and as the row-split field", and "Unless you specify a split-by clause,
/// the eval expression must be renamed".
fn check_split_fields(
    aggs: &[Agg],
    row: Option<&FieldRef>,
    column: Option<&FieldRef>,
) -> std::result::Result<(), nom::Err<PErr>> {
    use super::stats::AggArg;
    for a in aggs {
        match (&a.arg, row) {
            (Some(AggArg::Field(f)), Some(r)) if f.name == r.name => {
                return Err(nom::Err::Failure(PErr::spanning(
                    r.span,
                    format!(
                        "{} is both in {}(…) and the row-split field; split by a copy (eval {}1={} | chart … BY {}1)",
                        r.name, a.func, r.name, r.name, r.name
                    ),
                )));
            }
            (Some(AggArg::Over { .. }), _) if a.alias.is_none() && column.is_none() => {
                return Err(nom::Err::Failure(PErr::spanning(
                    a.span,
                    "an eval(…) expression needs a name (AS <field>) unless there is a column split-by field",
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

impl fmt::Display for ChartCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("chart")?;
        for o in &self.options {
            write!(f, " {o}")?;
        }
        write!(f, " {}", join_aggs(&self.aggs))?;
        if let Some(r) = &self.row {
            match self.style {
                SplitStyle::Over => write!(f, " OVER {r}")?,
                SplitStyle::By => write!(f, " BY {r}")?,
            }
            for o in &self.row_bins {
                write!(f, " {o}")?;
            }
            if let Some(c) = &self.column {
                match self.style {
                    SplitStyle::Over => write!(f, " BY {c}")?,
                    SplitStyle::By => write!(f, " {c}")?,
                }
                for o in &self.column_bins {
                    write!(f, " {o}")?;
                }
            }
        }
        if let Some(w) = &self.where_ {
            write!(f, " {w}")?;
        }
        Ok(())
    }
}

impl Command for ChartCmd {
    fn name(&self) -> &'static str {
        "chart"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Transforming
    }
    fn needs_time_order(&self) -> bool {
        aggs_order_sensitive(&self.aggs)
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "options": self.options, "aggregations": self.aggs, "style": self.style,
            "row": self.row, "column": self.column,
            "row_bins": self.row_bins, "column_bins": self.column_bins, "where": self.where_,
        })
    }
    fn exprs(&self) -> Vec<&Expr> {
        agg_exprs(&self.aggs)
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        let mut v: Vec<String> = self
            .row
            .iter()
            .chain(&self.column)
            .map(|f| f.name.clone())
            .collect();
        let rank: Vec<Agg> = rank_agg(&self.options)
            .into_iter()
            .chain(self.where_.iter().map(|w| w.agg.clone()))
            .collect();
        super::stats::agg_time(&self.aggs, &mut v);
        super::stats::agg_time(&rank, &mut v);
        if !super::stats::agg_fields(&self.aggs, &mut v) || !super::stats::agg_fields(&rank, &mut v)
        {
            return crate::spl::fields::Flow::Any;
        }
        crate::spl::fields::Flow::replaces(v)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for ChartCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        // Each split field with bin options is binned as `bin` would bin it
        // before chart: options before the split clause, then those after
        // the row field (the later of a key wins); those after the column field.
        let leading: Vec<Opt> = self
            .options
            .iter()
            .filter(|o| is_bin_option(o))
            .cloned()
            .collect();
        let mut row_bin = None;
        if let Some(r) = &self.row {
            let opts: Vec<Opt> = leading.into_iter().chain(self.row_bins.clone()).collect();
            if !opts.is_empty() {
                row_bin = Some(super::bin::bin_op(&r.name, None, &opts, ctx)?);
            }
        } else if let Some(o) = leading.first() {
            return Err(SplError::plan(format!(
                "chart {}= bins the row field; give one with OVER <field> or BY <field>",
                o.key
            ))
            .at(o.span));
        }
        let mut col_bin = None;
        if let Some(c) = &self.column {
            if !self.column_bins.is_empty() {
                col_bin = Some(super::bin::bin_op(&c.name, None, &self.column_bins, ctx)?);
            }
        }
        let cont = match self
            .options
            .iter()
            .find(|o| o.key.eq_ignore_ascii_case("cont"))
        {
            None => true,
            Some(o) => o.as_bool().ok_or_else(|| {
                SplError::plan(format!("cont= takes true or false (got {:?})", o.value)).at(o.span)
            })?,
        };
        let series =
            SeriesOpts::from_options(&self.options, ctx)?.with_where(self.where_.as_ref(), ctx)?;
        Ok(Box::new(ChartOp {
            table: SeriesTable::new(
                AggSpec::plan_series(&self.aggs, ctx)?,
                series,
                ctx.fn_ctx.clone(),
            ),
            row: self.row.as_ref().map(|f| f.name.clone()),
            column: self.column.as_ref().map(|f| f.name.clone()),
            row_bin,
            col_bin,
            cont,
        }))
    }
}

/// How series (split-by values) become columns.
pub(crate) struct SeriesOpts {
    pub limit: usize,
    pub bottom: bool,
    pub useother: bool,
    pub usenull: bool,
    pub otherstr: String,
    pub nullstr: String,
    pub sep: String,
    pub format: Option<String>,
    /// The ranking function: sum, max, min or avg of the cells.
    pub rank_by: String,
    /// `agg=<fn>(<field>)`: series are ranked by this aggregation over their events instead.
    pub rank: Option<AggSpec>,
    /// `dedup_splitvals=true`: an event whose multivalue split field repeats
    /// a value counts once in that value's series (and, in chart, once in a
    /// row its multivalue row field repeats).
    pub dedup_splitvals: bool,
    /// timechart: a column named with a leading underscore gets `VALUE`
    /// before it (`VALUE_audit`), so that it is not hidden as internal.
    pub value_prefix: bool,
    /// The split-by field's `WHERE` clause, and its aggregation over events
    /// when it names a field.
    pub where_: Option<(SeriesWhere, Option<AggSpec>)>,
}

impl SeriesOpts {
    /// Adds the split-by field's `WHERE` clause.
    pub fn with_where(mut self, w: Option<&SeriesWhere>, ctx: &PlanCtx) -> Result<SeriesOpts> {
        if let Some(w) = w {
            let spec = match w.agg.arg {
                Some(_) => Some(AggSpec::plan(std::slice::from_ref(&w.agg), ctx)?),
                None => None,
            };
            self.where_ = Some((w.clone(), spec));
        }
        Ok(self)
    }

    pub fn from_options(options: &[Opt], ctx: &PlanCtx) -> Result<SeriesOpts> {
        let mut s = SeriesOpts {
            limit: 10,
            bottom: false,
            useother: true,
            usenull: true,
            otherstr: "OTHER".into(),
            nullstr: "NULL".into(),
            sep: ": ".into(),
            format: None,
            rank_by: "sum".into(),
            dedup_splitvals: false,
            value_prefix: false,
            where_: None,
            rank: match rank_agg(options) {
                Some(a) => Some(AggSpec::plan(std::slice::from_ref(&a), ctx)?),
                None => None,
            },
        };
        for o in options {
            let bad = || SplError::plan(format!("bad value for {}", o.key)).at(o.span);
            match o.key.to_ascii_lowercase().as_str() {
                "limit" => {
                    let (n, b) = parse_limit(&o.value).ok_or_else(bad)?;
                    s.limit = n;
                    s.bottom = b;
                }
                "useother" => s.useother = o.as_bool().ok_or_else(bad)?,
                "usenull" => s.usenull = o.as_bool().ok_or_else(bad)?,
                "dedup_splitvals" | "dedup_splitval" => {
                    s.dedup_splitvals = o.as_bool().ok_or_else(bad)?
                }
                "otherstr" => s.otherstr = o.value.clone(),
                "nullstr" => s.nullstr = o.value.clone(),
                "sep" => s.sep = o.value.clone(),
                "format" => s.format = Some(o.value.clone()),
                "agg" if o.value.contains('(') => {}
                "agg" => {
                    let f = o.value.trim().to_ascii_lowercase();
                    if !["sum", "max", "min", "avg", "mean"].contains(&f.as_str()) {
                        return Err(SplError::plan(
                            "agg= supports sum, max, min and avg for ranking series",
                        )
                        .at(o.span));
                    }
                    s.rank_by = f;
                }
                _ => {}
            }
        }
        Ok(s)
    }
}

/// One event's contribution: its row, its series, and the aggregation inputs.
struct Entry {
    row: Vec<String>,
    series: Option<String>,
    vals: Vec<Vec<Value>>,
    /// The `agg=` aggregation's input, when there is one.
    rank_vals: Vec<Vec<Value>>,
    /// The `WHERE` clause's aggregation input, when it names a field.
    where_vals: Vec<Vec<Value>>,
    time: Option<f64>,
}

/// Per (row, series): the aggregations' accumulators.
type Cells =
    HashMap<(Vec<String>, Option<String>), Vec<Box<dyn crate::functions::stats::Accumulator>>>;

/// Best score first (smallest first for `bottom`); a series with no number
/// ranks last either way; ties by series value.
fn sort_scores(v: &mut [(String, f64)], bottom: bool) {
    v.sort_by(|a, b| {
        let o = b.1.partial_cmp(&a.1).unwrap_or(Ordering::Equal);
        let o = if bottom { o.reverse() } else { o };
        let o = a.1.is_nan().cmp(&b.1.is_nan()).then(o);
        o.then_with(|| sort_cmp(&Value::Str(a.0.clone()), &Value::Str(b.0.clone())))
            .then_with(|| a.0.cmp(&b.0))
    });
}

/// Collects entries and lays them out as rows × series columns.
pub(crate) struct SeriesTable {
    pub spec: AggSpec,
    pub opts: SeriesOpts,
    pub ctx: FnCtx,
    entries: Vec<Entry>,
    /// Row key text → row values, for building output rows.
    pub rows: HashMap<Vec<String>, Vec<Value>>,
    /// timechart's span: each row's first value is the start of its time
    /// bucket, and the aggregations learn the bucket's width (`per_second`).
    pub span: Option<TimeSpan>,
}

impl SeriesTable {
    pub fn new(spec: AggSpec, opts: SeriesOpts, ctx: FnCtx) -> SeriesTable {
        SeriesTable {
            spec,
            opts,
            ctx,
            entries: Vec::new(),
            rows: HashMap::new(),
            span: None,
        }
    }

    /// Tells a row's accumulators the width of its time bucket (timechart).
    fn set_width(
        &self,
        row: &Vec<String>,
        accs: &mut [Box<dyn crate::functions::stats::Accumulator>],
    ) {
        let Some(span) = &self.span else { return };
        let Some(t) = self
            .rows
            .get(row)
            .and_then(|r| r.first())
            .and_then(Value::as_num)
        else {
            return;
        };
        let width = span.next(t, self.ctx.tz) - t;
        for a in accs {
            a.set_bucket_width(width);
        }
    }

    /// Adds an event under a row; `split` is the split-by field (None: no split).
    pub fn add(&mut self, ev: &Event, row: Vec<Value>, split: Option<&str>) -> Result<()> {
        let mut series: Vec<Option<String>> = match split {
            None => vec![None],
            Some(f) => match ev.get(f) {
                Some(v) if !v.values().is_empty() => v
                    .values()
                    .iter()
                    .map(|x| Some(x.to_display("\n")))
                    .collect(),
                _ if self.opts.usenull => vec![Some(self.opts.nullstr.clone())],
                _ => return Ok(()),
            },
        };
        if self.opts.dedup_splitvals {
            dedup_in_order(&mut series);
        }
        let vals = extract(&self.spec, ev, &self.ctx)?;
        let rank_vals = match &self.opts.rank {
            Some(r) => extract(r, ev, &self.ctx)?,
            None => Vec::new(),
        };
        let where_vals = match &self.opts.where_ {
            Some((_, Some(w))) => extract(w, ev, &self.ctx)?,
            _ => Vec::new(),
        };
        let rk = key_text(&row);
        self.rows.entry(rk.clone()).or_insert(row);
        let time = ev.time();
        for s in series {
            self.entries.push(Entry {
                row: rk.clone(),
                series: s,
                vals: vals.clone(),
                rank_vals: rank_vals.clone(),
                where_vals: where_vals.clone(),
                time,
            });
        }
        Ok(())
    }

    /// The column names and, per row key, the cells (column name → value).
    /// `split` says whether there is a split-by field.
    #[allow(clippy::type_complexity)]
    pub fn layout(&self, split: bool) -> (Vec<String>, HashMap<Vec<String>, Vec<(String, Value)>>) {
        let n_aggs = self.spec.items.len();
        // Accumulate per (row, series).
        let mut cells: Cells = HashMap::new();
        for e in &self.entries {
            let accs = cells
                .entry((e.row.clone(), e.series.clone()))
                .or_insert_with(|| self.spec.new_accumulators());
            feed(accs, &e.vals, e.time);
        }
        for ((row, _), accs) in cells.iter_mut() {
            self.set_width(row, accs);
        }
        let mut out: HashMap<Vec<String>, Vec<(String, Value)>> = HashMap::new();
        if !split {
            let cols: Vec<String> = self.spec.items.iter().map(|(_, n, _)| n.clone()).collect();
            for ((row, _), accs) in &cells {
                let vals = self
                    .spec
                    .items
                    .iter()
                    .zip(accs)
                    .map(|((_, name, _), a)| (name.clone(), a.result()))
                    .collect();
                out.insert(row.clone(), vals);
            }
            return (cols, out);
        }
        let ranked = self.rank_series(&cells);
        let kept: std::collections::HashSet<String> = match &self.opts.where_ {
            // The WHERE clause picks the series: the chart page, "The limit
            // and agg options are ignored if an explicit where-clause is provided".
            Some((w, spec)) => {
                let scored = self.where_scores(&cells, w, spec.as_ref());
                let n = scored.len();
                scored
                    .iter()
                    .enumerate()
                    .filter(|(i, (_, v))| !v.is_nan() && w.keeps(*v, *i, n))
                    .map(|(_, (k, _))| k.clone())
                    .collect()
            }
            None => {
                let limit = if self.opts.limit == 0 {
                    ranked.len()
                } else {
                    self.opts.limit.min(ranked.len())
                };
                ranked[..limit].iter().map(|(k, _)| k.clone()).collect()
            }
        };
        let has_other = self.opts.useother && ranked.len() > kept.len();
        // Columns: kept series in value order, NULL and OTHER last.
        let mut series: Vec<String> = kept.iter().cloned().collect();
        let nullstr = &self.opts.nullstr;
        series.sort_by(|a, b| {
            (a == nullstr)
                .cmp(&(b == nullstr))
                .then_with(|| sort_cmp(&Value::Str(a.clone()), &Value::Str(b.clone())))
                .then_with(|| a.cmp(b))
        });
        if has_other {
            series.push(self.opts.otherstr.clone());
        }
        let col_name = |agg: usize, s: &str| -> String {
            let name = &self.spec.items[agg].1;
            let col = match &self.opts.format {
                _ if n_aggs == 1 && self.opts.format.is_none() => s.to_string(),
                Some(f) => f.replace("$AGG$", name).replace("$VAL$", s),
                None => format!("{name}{}{s}", self.opts.sep),
            };
            if self.opts.value_prefix && col.starts_with('_') {
                format!("VALUE{col}")
            } else {
                col
            }
        };
        let mut cols = Vec::new();
        for s in &series {
            for a in 0..n_aggs {
                cols.push(col_name(a, s));
            }
        }
        // The OTHER cells: the dropped series' events aggregated together.
        let mut other: HashMap<Vec<String>, Vec<Box<dyn crate::functions::stats::Accumulator>>> =
            HashMap::new();
        if has_other {
            for e in &self.entries {
                if let Some(s) = &e.series {
                    if !kept.contains(s) {
                        let accs = other
                            .entry(e.row.clone())
                            .or_insert_with(|| self.spec.new_accumulators());
                        feed(accs, &e.vals, e.time);
                    }
                }
            }
        }
        for (row, accs) in other.iter_mut() {
            self.set_width(row, accs);
        }
        for row in self.rows.keys() {
            let mut vals = Vec::with_capacity(cols.len());
            for s in &series {
                let accs = if has_other && *s == self.opts.otherstr && !kept.contains(s) {
                    other.get(row)
                } else {
                    cells.get(&(row.clone(), Some(s.clone())))
                };
                for a in 0..n_aggs {
                    let v = match accs {
                        Some(accs) => accs[a].result(),
                        None if zero_when_empty(&self.spec.items[a].0) => Value::Num(0.0),
                        None => Value::Null,
                    };
                    vals.push((col_name(a, s), v));
                }
            }
            out.insert(row.clone(), vals);
        }
        (cols, out)
    }

    /// The series, best first: by `agg=<fn>(<field>)` over their events,
    /// else by `agg=` (default sum) of their first aggregation's cells;
    /// `limit=bottomN` reverses the order.
    fn rank_series(&self, cells: &Cells) -> Vec<(String, f64)> {
        let mut ranked = match &self.opts.rank {
            Some(r) => self.event_scores(cells, r, |e| &e.rank_vals),
            None => self.cell_scores(cells, &self.opts.rank_by),
        };
        sort_scores(&mut ranked, self.opts.bottom);
        ranked
    }

    /// The WHERE clause's score of each series, largest first.
    fn where_scores(
        &self,
        cells: &Cells,
        w: &SeriesWhere,
        spec: Option<&AggSpec>,
    ) -> Vec<(String, f64)> {
        let mut scored = match (spec, w.cell_func()) {
            (Some(spec), _) => self.event_scores(cells, spec, |e| &e.where_vals),
            (None, Some(f)) if f == "count" => {
                let mut n: HashMap<&str, f64> = HashMap::new();
                for e in &self.entries {
                    if let Some(s) = &e.series {
                        *n.entry(s.as_str()).or_default() += 1.0;
                    }
                }
                n.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            }
            // A clause without a field always names its cell function.
            (None, f) => self.cell_scores(cells, f.as_deref().unwrap_or("sum")),
        };
        sort_scores(&mut scored, false);
        scored
    }

    /// `func` (sum, max, min, avg) of each series' first-aggregation cells.
    fn cell_scores(&self, cells: &Cells, func: &str) -> Vec<(String, f64)> {
        let mut scores: HashMap<String, (f64, f64, f64, u64)> = HashMap::new();
        for ((_, s), accs) in cells {
            let Some(s) = s else { continue };
            let v = accs[0].result().as_num().unwrap_or(0.0);
            let e = scores
                .entry(s.clone())
                .or_insert((0.0, f64::NEG_INFINITY, f64::INFINITY, 0));
            e.0 += v;
            e.1 = e.1.max(v);
            e.2 = e.2.min(v);
            e.3 += 1;
        }
        scores
            .into_iter()
            .map(|(k, x)| {
                let v = match func {
                    "max" => x.1,
                    "min" => x.2,
                    "avg" | "mean" => x.0 / x.3.max(1) as f64,
                    _ => x.0,
                };
                (k, v)
            })
            .collect()
    }

    /// An aggregation over each series' events (NaN when it gives no
    /// number); `inputs` picks the entry's values for it.
    fn event_scores(
        &self,
        cells: &Cells,
        spec: &AggSpec,
        inputs: impl Fn(&Entry) -> &Vec<Vec<Value>>,
    ) -> Vec<(String, f64)> {
        let mut accs: HashMap<&str, Vec<Box<dyn crate::functions::stats::Accumulator>>> =
            HashMap::new();
        for e in &self.entries {
            let Some(s) = &e.series else { continue };
            let a = accs
                .entry(s.as_str())
                .or_insert_with(|| spec.new_accumulators());
            feed(a, inputs(e), e.time);
        }
        let series: std::collections::HashSet<&String> =
            cells.keys().filter_map(|(_, s)| s.as_ref()).collect();
        series
            .into_iter()
            .map(|k| {
                let v = accs
                    .get(k.as_str())
                    .and_then(|a| a[0].result().as_num())
                    .unwrap_or(f64::NAN);
                (k.clone(), v)
            })
            .collect()
    }

    /// The empty cells of a row with no events (timechart's filled buckets).
    pub fn empty_cells(&self, cols: &[String], split: bool) -> Vec<(String, Value)> {
        let n_aggs = self.spec.items.len();
        cols.iter()
            .enumerate()
            .map(|(n, c)| {
                let agg = if split { n % n_aggs.max(1) } else { n };
                let func = &self.spec.items[agg.min(n_aggs - 1)].0;
                let v = if zero_when_empty(func) {
                    Value::Num(0.0)
                } else {
                    Value::Null
                };
                (c.clone(), v)
            })
            .collect()
    }
}

struct ChartOp {
    table: SeriesTable,
    row: Option<String>,
    column: Option<String>,
    /// The `bin` operators of the row and column fields given bin options,
    /// run in that order before an event reaches the table.
    row_bin: Option<BinOp>,
    col_bin: Option<BinOp>,
    /// `cont=true` (the default): a binned row field gets rows for the
    /// empty bins between its first and last.
    cont: bool,
}

/// Runs `evs` through `bin` (when there is one).
fn bin_all(bin: Option<&mut BinOp>, evs: Vec<Event>) -> Result<Vec<Event>> {
    let Some(b) = bin else { return Ok(evs) };
    let mut outs = Vec::with_capacity(evs.len());
    for ev in evs {
        b.push(ev, &mut |e| {
            outs.push(e);
            Ok(())
        })?;
    }
    Ok(outs)
}

/// The events a `bin` operator holds back until it finishes (`bins=`).
fn flush(bin: Option<&mut BinOp>) -> Result<Vec<Event>> {
    let mut held = Vec::new();
    if let Some(b) = bin {
        b.finish(&mut |e| {
            held.push(e);
            Ok(())
        })?;
    }
    Ok(held)
}

/// A bin range label (`10-20`, `-10-0`, `0.2-0.3`) as its lower bound, so
/// binned rows sort in bin order.
fn range_low(v: &Value) -> Option<f64> {
    super::bin::bin_range(v).map(|r| r.0)
}

/// Row order: numbers and bin ranges (by their lower bound) first, in
/// numeric order, then text.
fn row_cmp(a: &Value, b: &Value) -> Ordering {
    let key = |v: &Value| v.as_num().or_else(|| range_low(v));
    match (key(a), key(b)) {
        (Some(x), Some(y)) => x
            .partial_cmp(&y)
            .unwrap_or(Ordering::Equal)
            .then_with(|| sort_cmp(a, b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => sort_cmp(a, b),
    }
}

/// Removes repeated items, keeping the first of each.
fn dedup_in_order<T: PartialEq>(v: &mut Vec<T>) {
    let mut i = 0;
    while i < v.len() {
        if v[..i].contains(&v[i]) {
            v.remove(i);
        } else {
            i += 1;
        }
    }
}

impl ChartOp {
    /// `cont=true`: rows for the bins of the row field that no event fell
    /// in, between its first and last bin ("bins that have no values will
    /// display with a count of 0 or null values", chart page).
    fn empty_bins(&self) -> Result<Vec<(Vec<String>, Vec<Value>)>> {
        let Some(bin) = &self.row_bin else {
            return Ok(Vec::new());
        };
        let mut first: Option<(f64, &Value)> = None;
        let mut last = f64::NEG_INFINITY;
        for vals in self.table.rows.values() {
            let [v] = vals.as_slice() else { continue };
            let Some(k) = bin.bin_key(v) else { continue };
            if first.is_none_or(|(f, _)| k < f) {
                first = Some((k, v));
            }
            last = last.max(k);
        }
        let Some((_, v)) = first else {
            return Ok(Vec::new());
        };
        let mut cur = v.clone();
        let mut out = Vec::new();
        let mut seen = 0usize;
        while let Some((next, nk)) = bin.next_bin(&cur) {
            if nk > last {
                break;
            }
            seen += 1;
            if seen > MAX_ROWS {
                return Err(SplError::runtime(format!(
                    "chart cont=true: the bins between the first and last would make more than {MAX_ROWS} rows (give a wider span, or cont=false)"
                )));
            }
            let key = key_text(std::slice::from_ref(&next));
            if !self.table.rows.contains_key(&key) {
                out.push((key, vec![next.clone()]));
            }
            cur = next;
        }
        Ok(out)
    }

    fn add(&mut self, ev: Event) -> Result<()> {
        let mut rows = match &self.row {
            Some(r) => group_keys(&ev, std::slice::from_ref(r)),
            None => vec![Vec::new()],
        };
        if self.table.opts.dedup_splitvals && rows.len() > 1 {
            dedup_in_order(&mut rows);
        }
        for row in rows {
            self.table.add(&ev, row, self.column.as_deref())?;
        }
        Ok(())
    }
}

impl Operator for ChartOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        if self.row_bin.is_none() && self.col_bin.is_none() {
            // Nothing to bin: no buffers per event.
            return self.add(ev);
        }
        let rows = bin_all(self.row_bin.as_mut(), vec![ev])?;
        for e in bin_all(self.col_bin.as_mut(), rows)? {
            self.add(e)?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        // Flush the bin operators in order (`bins=` holds events until its
        // span is known), the row binner's through the column binner.
        let held = flush(self.row_bin.as_mut())?;
        let mut evs = bin_all(self.col_bin.as_mut(), held)?;
        evs.extend(flush(self.col_bin.as_mut())?);
        for e in evs {
            self.add(e)?;
        }
        let split = self.column.is_some();
        if self.table.rows.is_empty() && self.row.is_none() {
            // `chart count` over nothing: one row, as stats.
            self.table.rows.insert(Vec::new(), Vec::new());
        }
        let (cols, mut cells) = self.table.layout(split);
        let mut rows: Vec<(Vec<String>, Vec<Value>)> = self
            .table
            .rows
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if self.cont {
            rows.extend(self.empty_bins()?);
        }
        // Values that sort as equal (`1`, `01`) are kept apart by their
        // text, so the order never depends on hashing.
        rows.sort_by(|a, b| {
            for (x, y) in a.1.iter().zip(&b.1) {
                let o = row_cmp(x, y);
                if o != Ordering::Equal {
                    return o;
                }
            }
            a.0.cmp(&b.0)
        });
        for (n, (k, vals)) in rows.into_iter().enumerate() {
            let mut ev = Event::with_capacity(cols.len() + 1);
            ev.seq = n as u64;
            if let (Some(r), Some(v)) = (&self.row, vals.into_iter().next()) {
                ev.set(r.clone(), v);
            }
            let row_cells = cells
                .remove(&k)
                .unwrap_or_else(|| self.table.empty_cells(&cols, split));
            for (c, v) in row_cells {
                ev.set(c, v);
            }
            out(ev)?;
        }
        Ok(())
    }
}
