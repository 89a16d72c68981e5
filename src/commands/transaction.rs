//! `transaction [<field-list>] [maxspan=<span>] [maxpause=<span>] [maxevents=<N>]
//! [startswith=<filter>] [endswith=<filter>] [connected=<bool>] [keepevicted=<bool>]
//! [mvlist=<bool>|<field-list>] [keeporphans=<bool>] …`: groups events into transactions.
//!
//! As in Splunk, events are read newest first, so a transaction is opened by
//! its newest event and grows backwards in time:
//! - an event joins the open transaction (most recently extended first)
//!   whose field values it shares: for every listed field both have, the
//!   values agree; with `connected=true` (the default) at least one listed
//!   field must be shared. Events with none of the fields are orphans (left
//!   out unless `keeporphans=true`, which passes them on with `_txn_orphan=1`);
//! - `maxspan` closes a transaction before an event that would make it span
//!   longer; `maxpause` before an event further than that from the
//!   transaction's oldest event; `maxevents` (default 1000) once it is full;
//! - `endswith=<filter>` marks the newest event of a transaction: an ending
//!   event closes the open transaction and starts a new one;
//!   `startswith=<filter>` closes a transaction after its (oldest) starting
//!   event;
//! - a transaction missing a required start or end is evicted: left out
//!   unless `keepevicted=true`. With `keepevicted=true` every transaction gets
//!   `closed_txn`: 1 when a maxspan/maxpause/maxevents/startswith condition
//!   closed it, else 0.
//!
//! A filter is a search expression, `"quoted"`, in parentheses
//! (`startswith=(EventCode=4698)`) or one bare term, or `eval(<expr>)`.
//!
//! Each transaction is one event: `_time` is its earliest event's,
//! `duration` = latest − earliest, `eventcount`, `_raw` the events' `_raw`
//! oldest first joined by newlines, and every other field the union of the
//! events' values (distinct values in lexicographic order; `mvlist=true`
//! keeps every value oldest first, `mvlist=<fields>` for
//! those fields only). Transactions come out newest first.

use std::any::Any;
use std::collections::{BTreeSet, HashMap};
use std::fmt;

use super::support::fields::{join_fields, list_item, FieldRef};
use super::support::stats_support::{
    bool_value, duration_value, known_option, option_key, uint_value,
};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::eval::matcher::Matcher;
use crate::eval::{self, Compiled};
use crate::functions::FnCtx;
use crate::spl::ast::{Command, CommandKind, Opt, Span};
use crate::spl::expr::{parse_expr, Expr};
use crate::spl::lex::{self, cut, ws, PErr, PResult, Src};
use crate::spl::search_expr::{parse_group, parse_search, SearchExpr};

pub const SPEC: CommandSpec = CommandSpec {
    name: "transaction",
    aliases: &[],
    parse,
    syntax: "transaction [<field>…] [maxspan=<span>] [maxpause=<span>] [maxevents=<N>] \
             [startswith=<filter>] [endswith=<filter>] [connected=<bool>] [keepevicted=<bool>]",
    plan: super::planner::<TransactionCmd>,
};

const OPTIONS: &[&str] = &[
    "maxspan",
    "maxpause",
    "maxevents",
    "connected",
    "unifyends",
    "keeporphans",
    "maxopentxn",
    "maxopenevents",
    "keepevicted",
    "mvlist",
    "delim",
    "nullstr",
    "mvraw",
    "name",
];

/// Splunk's default `maxevents`.
pub const DEFAULT_MAXEVENTS: u64 = 1000;

/// How a filter was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum FilterForm {
    /// `startswith="…"`
    Quoted,
    /// `startswith=(…)`
    Paren,
    /// `startswith=term`
    Bare,
}

#[derive(Debug, serde::Serialize)]
#[serde(tag = "type")]
pub enum TxnFilter {
    Search { expr: SearchExpr, form: FilterForm },
    Eval { expr: Expr },
}

impl fmt::Display for TxnFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TxnFilter::Eval { expr } => write!(f, "eval({expr})"),
            TxnFilter::Search { expr, form } => match form {
                FilterForm::Quoted => f.write_str(&lex::quote(&expr.to_string())),
                FilterForm::Paren => write!(f, "({expr})"),
                FilterForm::Bare => write!(f, "{expr}"),
            },
        }
    }
}

#[derive(Debug, serde::Serialize)]
pub struct FilterOpt {
    /// `startswith` or `endswith` as written.
    pub key: String,
    pub filter: TxnFilter,
    pub span: Span,
}

#[derive(Debug)]
pub struct TransactionCmd {
    pub fields: Vec<FieldRef>,
    pub options: Vec<Opt>,
    pub startswith: Option<FilterOpt>,
    pub endswith: Option<FilterOpt>,
}

/// Parses a search string given as text (a quoted filter).
fn search_from_text(text: &str) -> std::result::Result<SearchExpr, String> {
    let src = super::src(text);
    match parse_search(&src, text) {
        Ok((_, Some(e))) => Ok(e),
        Ok((_, None)) => Err("empty search string".into()),
        Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => Err(e.msg),
        Err(nom::Err::Incomplete(_)) => Err("incomplete search string".into()),
    }
}

/// A filter value (the input starts after `=`).
fn filter_value<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, TxnFilter> {
    let i = ws(i);
    if i.starts_with('"') {
        let (rest, text) = lex::dquoted(i)?;
        let expr = search_from_text(&text).map_err(|m| {
            nom::Err::Failure(PErr::spanning(src.span(i, rest), format!("in filter: {m}")))
        })?;
        return Ok((
            rest,
            TxnFilter::Search {
                expr,
                form: FilterForm::Quoted,
            },
        ));
    }
    if let Some(r) = lex::keyword(i, "eval") {
        let r = ws(r);
        if let Some(inner) = r.strip_prefix('(') {
            let (after, expr) = cut(parse_expr(src, inner))?;
            let (after, _) = cut(lex::expect_char(after, ')'))?;
            return Ok((after, TxnFilter::Eval { expr }));
        }
    }
    if i.starts_with('(') {
        let (rest, expr) = cut(parse_group(src, i))?;
        return Ok((
            rest,
            TxnFilter::Search {
                expr,
                form: FilterForm::Paren,
            },
        ));
    }
    let (rest, (text, _)) = lex::option_value(i)
        .map_err(|_| nom::Err::Failure(PErr::at(i, "expected a filter: \"…\", (…) or eval(…)")))?;
    let expr = search_from_text(&text).map_err(|m| {
        nom::Err::Failure(PErr::spanning(src.span(i, rest), format!("in filter: {m}")))
    })?;
    Ok((
        rest,
        TxnFilter::Search {
            expr,
            form: FilterForm::Bare,
        },
    ))
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut fields = Vec::new();
    let mut options = Vec::new();
    let mut startswith = None;
    let mut endswith = None;
    let mut rest = ws(i);
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if let Some(key) = option_key(rest) {
            let lkey = key.to_ascii_lowercase();
            if lkey == "startswith" || lkey == "endswith" {
                let start = rest;
                let (after_key, _) = lex::ident(rest)?;
                let after_eq = ws(after_key).strip_prefix('=').unwrap_or(after_key);
                let (r, filter) = filter_value(src, after_eq)?;
                let slot = if lkey == "startswith" {
                    &mut startswith
                } else {
                    &mut endswith
                };
                if slot.is_some() {
                    return Err(nom::Err::Failure(PErr::spanning(
                        src.span(start, r),
                        format!("{key} is given twice"),
                    )));
                }
                *slot = Some(FilterOpt {
                    key: key.to_string(),
                    filter,
                    span: src.span(start, r),
                });
                rest = r;
                continue;
            }
        }
        if let Some((r, o)) = known_option(src, rest, OPTIONS, "transaction")? {
            match o.key.to_ascii_lowercase().as_str() {
                "maxspan" | "maxpause" => {
                    duration_value(&o)?;
                }
                "maxevents" | "maxopentxn" | "maxopenevents" if o.value.trim() != "-1" => {
                    uint_value(&o)?;
                }
                "connected" | "unifyends" | "keeporphans" | "keepevicted" | "mvraw" => {
                    bool_value(&o)?;
                }
                // Search Reference, transaction: `mvlist=<bool> | <field-list>`.
                "mvlist" if o.as_bool().is_none() && mvlist_fields(&o.value).is_empty() => {
                    bool_value(&o)?;
                }
                _ => {}
            }
            options.push(o);
            rest = r;
            continue;
        }
        let (r, f) = list_item(src, rest)?;
        fields.push(f);
        rest = r;
    }
    Ok((
        rest,
        Box::new(TransactionCmd {
            fields,
            options,
            startswith,
            endswith,
        }),
    ))
}

impl fmt::Display for TransactionCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("transaction")?;
        if !self.fields.is_empty() {
            write!(f, " {}", join_fields(&self.fields))?;
        }
        for o in &self.options {
            write!(f, " {o}")?;
        }
        for s in [&self.startswith, &self.endswith].into_iter().flatten() {
            write!(f, " {}={}", s.key, s.filter)?;
        }
        Ok(())
    }
}

impl Command for TransactionCmd {
    fn name(&self) -> &'static str {
        "transaction"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "fields": self.fields, "options": self.options,
            "startswith": self.startswith, "endswith": self.endswith,
        })
    }
    fn exprs(&self) -> Vec<&Expr> {
        [&self.startswith, &self.endswith]
            .into_iter()
            .flatten()
            .filter_map(|f| match &f.filter {
                TxnFilter::Eval { expr } => Some(expr),
                _ => None,
            })
            .collect()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for TransactionCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let mut op = TransactionOp {
            fields: self.fields.iter().map(|f| f.name.clone()).collect(),
            maxspan: None,
            maxpause: None,
            maxevents: DEFAULT_MAXEVENTS as usize,
            connected: true,
            keepevicted: false,
            keeporphans: false,
            mvlist: false,
            mvlist_fields: Vec::new(),
            start: None,
            end: None,
            ctx: ctx.fn_ctx.clone(),
            open: Vec::new(),
            live: BTreeSet::new(),
            index: HashMap::new(),
            done: Vec::new(),
            orphans: Vec::new(),
            tick: 0,
        };
        for o in &self.options {
            let err = |m: String| SplError::plan(m).at(o.span);
            match o.key.to_ascii_lowercase().as_str() {
                "maxspan" => {
                    op.maxspan = duration_value(o).map_err(|_| err("bad maxspan".into()))?
                }
                "maxpause" => {
                    op.maxpause = duration_value(o).map_err(|_| err("bad maxpause".into()))?
                }
                "maxevents" => {
                    op.maxevents = match o.value.trim() {
                        "-1" => usize::MAX,
                        v => v.parse().map_err(|_| err("bad maxevents".into()))?,
                    }
                }
                "connected" => op.connected = o.as_bool().unwrap_or(true),
                "keepevicted" => op.keepevicted = o.as_bool().unwrap_or(false),
                "keeporphans" => op.keeporphans = o.as_bool().unwrap_or(false),
                "mvlist" => match o.as_bool() {
                    Some(b) => op.mvlist = b,
                    None => op.mvlist_fields = mvlist_fields(&o.value),
                },
                "name" => return Err(err(
                    "transaction name= needs transactiontypes.conf, which spleval does not read"
                        .into(),
                )),
                "mvraw" | "delim" | "nullstr" | "unifyends" => {
                    return Err(err(format!("transaction {}= is not supported yet", o.key)))
                }
                // Memory limits: spleval keeps every open transaction.
                _ => {}
            }
        }
        op.start = self
            .startswith
            .as_ref()
            .map(|f| Filter::compile(&f.filter, ctx))
            .transpose()?;
        op.end = self
            .endswith
            .as_ref()
            .map(|f| Filter::compile(&f.filter, ctx))
            .transpose()?;
        Ok(Box::new(op))
    }
}

enum Filter {
    Search(Matcher),
    Eval(Compiled),
}

impl Filter {
    fn compile(f: &TxnFilter, ctx: &PlanCtx) -> Result<Filter> {
        Ok(match f {
            TxnFilter::Search { expr, .. } => Filter::Search(Matcher::compile(expr, ctx)?),
            TxnFilter::Eval { expr } => Filter::Eval(eval::compile(expr, &ctx.fn_ctx)?),
        })
    }
    fn matches(&self, ev: &Event, ctx: &FnCtx) -> Result<bool> {
        match self {
            Filter::Search(m) => m.matches(ev),
            Filter::Eval(c) => Ok(eval::eval(c, ev, ctx)? == Value::Bool(true)),
        }
    }
}

struct Txn {
    /// Members in arrival order (newest first).
    events: Vec<Event>,
    /// The listed fields' values seen so far.
    values: HashMap<String, BTreeSet<String>>,
    latest: Option<f64>,
    earliest: Option<f64>,
    has_end: bool,
    has_start: bool,
    touched: u64,
}

struct TransactionOp {
    fields: Vec<String>,
    maxspan: Option<f64>,
    maxpause: Option<f64>,
    maxevents: usize,
    connected: bool,
    keepevicted: bool,
    keeporphans: bool,
    mvlist: bool,
    /// `mvlist=<field-list>`: the fields that keep every value.
    mvlist_fields: Vec<String>,
    start: Option<Filter>,
    end: Option<Filter>,
    ctx: FnCtx,
    /// Transactions by slot; a closed one leaves its slot empty (slots are
    /// not reused, so an index entry never points at a stranger).
    open: Vec<Option<Txn>>,
    /// The slots still open.
    live: BTreeSet<usize>,
    /// (field, value) → the slots of open transactions holding it: an event
    /// is offered only those sharing a value with it, not every open one.
    index: HashMap<String, HashMap<String, Vec<usize>>>,
    /// Closed transactions: (transaction, closed by a condition).
    done: Vec<(Txn, bool)>,
    orphans: Vec<Event>,
    tick: u64,
}

impl TransactionOp {
    fn event_values(&self, ev: &Event) -> HashMap<String, BTreeSet<String>> {
        let mut out = HashMap::new();
        for f in &self.fields {
            if let Some(v) = ev.get(f) {
                let set: BTreeSet<String> = v.values().iter().map(|x| x.to_display("\n")).collect();
                if !set.is_empty() {
                    out.insert(f.clone(), set);
                }
            }
        }
        out
    }

    /// The open transaction this event can join.
    fn find(&self, vals: &HashMap<String, BTreeSet<String>>) -> Option<usize> {
        let mut best: Option<usize> = None;
        // Connected (the default) with fields: a transaction it can join
        // shares a value with it, so the index names every candidate.
        // (A slot named twice is looked at twice; the answer is the same.)
        let candidates: Box<dyn Iterator<Item = usize> + '_> =
            if self.connected && !self.fields.is_empty() {
                Box::new(
                    vals.iter()
                        .filter_map(|(f, vs)| Some((self.index.get(f)?, vs)))
                        .flat_map(|(by_value, vs)| vs.iter().filter_map(|v| by_value.get(v)))
                        .flatten()
                        .copied(),
                )
            } else {
                Box::new(self.live.iter().copied())
            };
        for n in candidates {
            let Some(t) = self.open[n].as_ref() else {
                continue;
            };
            let mut shared = false;
            let mut ok = true;
            for (f, vs) in vals {
                if let Some(tv) = t.values.get(f) {
                    shared = true;
                    if tv.is_disjoint(vs) {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok || (self.connected && !shared && !self.fields.is_empty()) {
                continue;
            }
            if best.is_none_or(|b| self.txn(b).touched < t.touched) {
                best = Some(n);
            }
        }
        best
    }

    fn txn(&self, n: usize) -> &Txn {
        self.open[n].as_ref().expect("an open slot")
    }

    fn close(&mut self, idx: usize, by_condition: bool) {
        let Some(t) = self.open[idx].take() else {
            return;
        };
        self.live.remove(&idx);
        for (f, vs) in &t.values {
            for v in vs {
                let Some(by_value) = self.index.get_mut(f) else {
                    continue;
                };
                if let Some(slots) = by_value.get_mut(v) {
                    slots.retain(|&n| n != idx);
                    if slots.is_empty() {
                        by_value.remove(v);
                    }
                }
            }
        }
        self.done.push((t, by_condition));
    }

    fn complete(&self, t: &Txn) -> bool {
        (self.start.is_none() || t.has_start) && (self.end.is_none() || t.has_end)
    }

    fn build(&self, t: Txn, closed: bool) -> Event {
        let mut events = t.events;
        events.reverse(); // oldest first
        let mut out = Event::new();
        let mut order: Vec<String> = Vec::new();
        let mut values: HashMap<String, Vec<Value>> = HashMap::new();
        let mut raws = Vec::new();
        for ev in &events {
            for (k, v) in ev.iter() {
                if k == "_raw" {
                    raws.push(v.to_display("\n"));
                    continue;
                }
                if k == "_time" {
                    continue;
                }
                if !values.contains_key(k.as_str()) {
                    order.push(k.to_string());
                }
                values
                    .entry(k.to_string())
                    .or_default()
                    .extend(v.values().iter().cloned());
            }
        }
        let earliest = t.earliest;
        let latest = t.latest;
        if let Some(e) = earliest {
            out.set("_time", Value::Num(e));
        }
        for k in order {
            let vs = values.remove(&k).unwrap_or_default();
            let v = if self.mvlist || self.mvlist_fields.contains(&k) {
                Value::multi(vs)
            } else {
                let mut seen = BTreeSet::new();
                let mut firsts: HashMap<String, Value> = HashMap::new();
                for v in vs {
                    let text = v.to_display("\n");
                    firsts.entry(text.clone()).or_insert(v);
                    seen.insert(text);
                }
                if seen.len() == 1 {
                    firsts.into_values().next().unwrap_or(Value::Null)
                } else {
                    Value::multi(seen.into_iter().map(Value::Str).collect())
                }
            };
            out.set(k, v);
        }
        if !raws.is_empty() {
            out.set("_raw", Value::Str(raws.join("\n")));
        }
        let duration = match (earliest, latest) {
            (Some(e), Some(l)) => l - e,
            _ => 0.0,
        };
        out.set("duration", Value::Num(duration));
        out.set("eventcount", Value::Num(events.len() as f64));
        if self.keepevicted {
            out.set("closed_txn", Value::Num(if closed { 1.0 } else { 0.0 }));
        }
        out.orig_time = earliest.unwrap_or(f64::NAN);
        out.seq = events.iter().map(|e| e.seq).min().unwrap_or(0);
        out
    }
}

impl Operator for TransactionOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        let vals = self.event_values(&ev);
        if !self.fields.is_empty() && vals.is_empty() {
            if self.keeporphans {
                let mut ev = ev;
                ev.set("_txn_orphan", Value::Num(1.0));
                self.orphans.push(ev);
            }
            return Ok(());
        }
        self.tick += 1;
        let t = ev.time();
        let is_end = match &self.end {
            Some(f) => f.matches(&ev, &self.ctx)?,
            None => false,
        };
        let is_start = match &self.start {
            Some(f) => f.matches(&ev, &self.ctx)?,
            None => false,
        };
        let mut idx = self.find(&vals);
        if let (Some(n), Some(t)) = (idx, t) {
            let txn = self.txn(n);
            let span_over = match (self.maxspan, txn.latest) {
                (Some(ms), Some(l)) => l - t > ms,
                _ => false,
            };
            let pause_over = match (self.maxpause, txn.earliest) {
                (Some(mp), Some(e)) => e - t > mp,
                _ => false,
            };
            if span_over || pause_over {
                self.close(n, true);
                idx = None;
            }
        }
        if let Some(n) = idx {
            if is_end {
                // An ending event belongs to a new, older transaction.
                self.close(n, false);
                idx = None;
            }
        }
        let n = match idx {
            Some(n) => n,
            None => {
                self.open.push(Some(Txn {
                    events: Vec::new(),
                    values: HashMap::new(),
                    latest: t,
                    earliest: t,
                    has_end: is_end,
                    has_start: false,
                    touched: 0,
                }));
                self.live.insert(self.open.len() - 1);
                self.open.len() - 1
            }
        };
        let tick = self.tick;
        let txn = self.open[n].as_mut().expect("an open slot");
        for (f, vs) in vals {
            let known = txn.values.entry(f.clone()).or_default();
            for v in vs {
                if known.insert(v.clone()) {
                    self.index
                        .entry(f.clone())
                        .or_default()
                        .entry(v)
                        .or_default()
                        .push(n);
                }
            }
        }
        if let Some(t) = t {
            txn.latest = Some(txn.latest.map_or(t, |l| l.max(t)));
            txn.earliest = Some(txn.earliest.map_or(t, |e| e.min(t)));
        }
        txn.touched = tick;
        txn.events.push(ev);
        let full = txn.events.len() >= self.maxevents;
        if is_start {
            txn.has_start = true;
            self.close(n, true);
        } else if full {
            self.close(n, true);
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        while let Some(&n) = self.live.last() {
            self.close(n, false);
        }
        let done = std::mem::take(&mut self.done);
        let mut results = Vec::new();
        for (t, by_condition) in done {
            let complete = self.complete(&t);
            if complete || self.keepevicted {
                results.push(self.build(t, complete && by_condition));
            }
        }
        results.extend(std::mem::take(&mut self.orphans));
        results.sort_by(Event::search_order);
        for ev in results {
            out(ev)?;
        }
        Ok(())
    }
}

/// The fields of `mvlist=<field-list>` (comma or space separated).
fn mvlist_fields(value: &str) -> Vec<String> {
    value
        .split([',', ' '])
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect()
}
