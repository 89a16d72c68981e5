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
//! `cont=`. Rows are sorted by the row value; events lacking the row field
//! are left out. Empty cells are 0 for `count`/`dc` and empty otherwise.

use std::any::Any;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use super::eventstats::{agg_exprs, aggs_order_sensitive, join_aggs};
use super::stats::{group_keys, parse_agg, Agg, AggSpec};
use super::support::fields::{at_keyword, field_ref, FieldRef};
use super::support::stats_support::{
    bool_value, by_fields, extract, feed, key_text, known_option, zero_when_empty, TimeSpan,
};
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
             [OVER <row-field> [BY <column-field>] | BY <row-field> [<column-field>]]",
    plan: super::planner::<ChartCmd>,
};

/// Options chart and timechart share (series shaping).
pub(crate) const SERIES_OPTIONS: &[&str] = &[
    "limit", "useother", "usenull", "otherstr", "nullstr", "format", "sep", "agg", "cont",
];

/// Binning options Splunk accepts on chart; parsed, not run yet.
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
}

fn all_options() -> Vec<&'static str> {
    SERIES_OPTIONS.iter().chain(BIN_OPTIONS).copied().collect()
}

/// Checks the values of the series options.
pub(crate) fn check_series_option(o: &Opt) -> std::result::Result<(), nom::Err<PErr>> {
    match o.key.to_ascii_lowercase().as_str() {
        "useother" | "usenull" | "cont" | "partial" | "fixedrange" => {
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
    let mut rest = ws(i);
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if let Some((r, o)) = known_option(src, rest, &allowed, "chart")? {
            check_series_option(&o)?;
            options.push(o);
            rest = r;
            continue;
        }
        if let Some(after) = at_keyword(rest, &["over"]) {
            if split_done {
                return cut(fail(rest, "OVER must come before BY"));
            }
            let (r, f) = cut(field_ref(src, after))?;
            style = SplitStyle::Over;
            row = Some(f);
            rest = r;
            let r2 = ws(rest);
            if let Some(after) = at_keyword(r2, &["by"]) {
                let (r, f) = cut(field_ref(src, after))?;
                column = Some(f);
                rest = r;
            }
            split_done = true;
            continue;
        }
        if let Some(after) = at_keyword(rest, &["by"]) {
            if split_done {
                return cut(fail(rest, "only one BY clause is allowed"));
            }
            let (r, fields) = by_fields(src, after, &[])?;
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
    Ok((
        rest,
        Box::new(ChartCmd {
            options,
            aggs,
            style,
            row,
            column,
        }),
    ))
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
                SplitStyle::Over => {
                    write!(f, " OVER {r}")?;
                    if let Some(c) = &self.column {
                        write!(f, " BY {c}")?;
                    }
                }
                SplitStyle::By => {
                    write!(f, " BY {r}")?;
                    if let Some(c) = &self.column {
                        write!(f, " {c}")?;
                    }
                }
            }
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
        let rank: Vec<Agg> = rank_agg(&self.options).into_iter().collect();
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
        for o in &self.options {
            if BIN_OPTIONS.iter().any(|b| b.eq_ignore_ascii_case(&o.key)) {
                return Err(SplError::plan(format!(
                    "chart {}= (binning the row field) is not supported yet; use | bin before chart",
                    o.key
                ))
                .at(o.span));
            }
        }
        let series = SeriesOpts::from_options(&self.options, ctx)?;
        Ok(Box::new(ChartOp {
            table: SeriesTable::new(
                AggSpec::plan_series(&self.aggs, ctx)?,
                series,
                ctx.fn_ctx.clone(),
            ),
            row: self.row.as_ref().map(|f| f.name.clone()),
            column: self.column.as_ref().map(|f| f.name.clone()),
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
}

impl SeriesOpts {
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
    time: Option<f64>,
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
        let series: Vec<Option<String>> = match split {
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
        let vals = extract(&self.spec, ev, &self.ctx)?;
        let rank_vals = match &self.opts.rank {
            Some(r) => extract(r, ev, &self.ctx)?,
            None => Vec::new(),
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
        let mut cells: HashMap<
            (Vec<String>, Option<String>),
            Vec<Box<dyn crate::functions::stats::Accumulator>>,
        > = HashMap::new();
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
        // Rank the series by the first aggregation's cells.
        let mut scores: HashMap<String, (f64, f64, f64, u64)> = HashMap::new();
        for ((_, s), accs) in &cells {
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
        let score = |x: &(f64, f64, f64, u64)| match self.opts.rank_by.as_str() {
            "max" => x.1,
            "min" => x.2,
            "avg" | "mean" => x.0 / x.3.max(1) as f64,
            _ => x.0,
        };
        let mut ranked: Vec<(String, f64)> = match &self.opts.rank {
            // `agg=<fn>(<field>)`: the aggregation over each series' events.
            Some(r) => {
                let mut accs: HashMap<&str, Vec<Box<dyn crate::functions::stats::Accumulator>>> =
                    HashMap::new();
                for e in &self.entries {
                    let Some(s) = &e.series else { continue };
                    let a = accs
                        .entry(s.as_str())
                        .or_insert_with(|| r.new_accumulators());
                    feed(a, &e.rank_vals, e.time);
                }
                scores
                    .keys()
                    .map(|k| {
                        let v = accs
                            .get(k.as_str())
                            .and_then(|a| a[0].result().as_num())
                            .unwrap_or(f64::NAN);
                        (k.clone(), v)
                    })
                    .collect()
            }
            None => scores.iter().map(|(k, v)| (k.clone(), score(v))).collect(),
        };
        ranked.sort_by(|a, b| {
            let o = b.1.partial_cmp(&a.1).unwrap_or(Ordering::Equal);
            let o = if self.opts.bottom { o.reverse() } else { o };
            // A series the `agg=` aggregation gives no number ranks last either way.
            let o = a.1.is_nan().cmp(&b.1.is_nan()).then(o);
            o.then_with(|| sort_cmp(&Value::Str(a.0.clone()), &Value::Str(b.0.clone())))
                .then_with(|| a.0.cmp(&b.0))
        });
        let limit = if self.opts.limit == 0 {
            ranked.len()
        } else {
            self.opts.limit.min(ranked.len())
        };
        let kept: std::collections::HashSet<String> =
            ranked[..limit].iter().map(|(k, _)| k.clone()).collect();
        let has_other = self.opts.useother && ranked.len() > limit;
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
            if n_aggs == 1 && self.opts.format.is_none() {
                return s.to_string();
            }
            let name = &self.spec.items[agg].1;
            match &self.opts.format {
                Some(f) => f.replace("$AGG$", name).replace("$VAL$", s),
                None => format!("{name}{}{s}", self.opts.sep),
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
}

impl Operator for ChartOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        let rows = match &self.row {
            Some(r) => group_keys(&ev, std::slice::from_ref(r)),
            None => vec![Vec::new()],
        };
        for row in rows {
            self.table.add(&ev, row, self.column.as_deref())?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
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
        // Values that sort as equal (`1`, `01`) are kept apart by their
        // text, so the order never depends on hashing.
        rows.sort_by(|a, b| {
            for (x, y) in a.1.iter().zip(&b.1) {
                let o = sort_cmp(x, y);
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
