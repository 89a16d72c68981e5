//! `dedup [N] <field-list> [keepempty=<bool>] [consecutive=<bool>] [sortby [+|-]<field>…]`:
//! keeps the first N results (in search order, newest first) for each
//! combination of values; results missing a field are dropped unless
//! `keepempty=true`. With `sortby`, the results are first sorted by those
//! keys (`-` descending; `auto()`, `str()`, `ip()`, `num()` as in `sort`)
//! once the input ends, and the top-most of each combination is kept ("The
//! <sort-by-clause> determines which of the duplicate events to keep",
//! Search Reference, dedup).

use std::any::Any;
use std::collections::HashMap;
use std::fmt;

use super::sort::{cmp_events, sort_key, SortAs, SortKey};
use super::support::fields::{at_keyword, list_item, FieldRef};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "dedup",
    aliases: &[],
    parse,
    syntax: "dedup [<N>] <field>… [keepevents=<bool>] [keepempty=<bool>] [consecutive=<bool>] [sortby [+|-]<field>…]",
    plan: super::planner::<DedupCmd>,
};

#[derive(Debug)]
pub struct DedupCmd {
    pub count: Option<u64>,
    pub fields: Vec<FieldRef>,
    pub options: Vec<Opt>,
    /// `sortby` keys: the kept results come out in this order.
    pub sortby: Vec<SortKey>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut count = None;
    // A signed number first is a count (`dedup -1 x` is not a field named -1).
    let sign = rest.strip_prefix(['-', '+']);
    if let Ok((r, n)) = lex::uint(sign.unwrap_or(rest)) {
        if lex::ws1(r).is_some() {
            if rest.starts_with('-') || n == 0 {
                return lex::cut_err(
                    rest,
                    "dedup's count must be a positive integer (how many events to keep per combination)",
                );
            }
            count = Some(n);
            rest = ws(r);
        }
    }
    let mut fields = Vec::new();
    let mut options = Vec::new();
    let mut sortby = Vec::new();
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if let Some(r) = at_keyword(rest, &["sortby"]) {
            let mut r = ws(r);
            while !lex::at_command_end(r) {
                let (after, key) = sort_key(src, r)?;
                sortby.push(key);
                r = ws(after);
                if let Some(after) = r.strip_prefix(',') {
                    r = ws(after);
                }
            }
            if sortby.is_empty() {
                return cut(fail(r, "expected fields to sort by after sortby"));
            }
            rest = r;
            continue;
        }
        if let Some((r, o)) = lex::option(rest, src) {
            let key = o.key.to_ascii_lowercase();
            if !["keepevents", "keepempty", "consecutive"].contains(&key.as_str()) {
                return Err(nom::Err::Failure(lex::PErr::spanning(
                    o.span,
                    format!("unknown dedup option '{}'", o.key),
                )));
            }
            options.push(o);
            rest = r;
            continue;
        }
        let (r, f) = list_item(src, rest)?;
        fields.push(f);
        rest = r;
    }
    if fields.is_empty() {
        return cut(fail(rest, "dedup needs at least one field"));
    }
    Ok((
        rest,
        Box::new(DedupCmd {
            count,
            fields,
            options,
            sortby,
        }),
    ))
}

impl fmt::Display for DedupCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("dedup")?;
        if let Some(c) = self.count {
            write!(f, " {c}")?;
        }
        write!(f, " {}", super::support::fields::join_fields(&self.fields))?;
        for o in &self.options {
            write!(f, " {o}")?;
        }
        if !self.sortby.is_empty() {
            let keys: Vec<String> = self.sortby.iter().map(|k| k.to_string()).collect();
            write!(f, " sortby {}", keys.join(" "))?;
        }
        Ok(())
    }
}

impl Command for DedupCmd {
    fn name(&self) -> &'static str {
        "dedup"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "count": self.count, "fields": self.fields, "options": self.options, "sortby": self.sortby
        })
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::reads(
            self.fields
                .iter()
                .chain(self.sortby.iter().map(|k| &k.field))
                .map(|f| f.name.clone()),
        )
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for DedupCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let mut op = DedupOp {
            n: self.count.unwrap_or(1).max(1),
            fields: self.fields.iter().map(|f| f.name.clone()).collect(),
            keepempty: false,
            keepevents: false,
            consecutive: false,
            seen: HashMap::new(),
            last: None,
            sortby: self
                .sortby
                .iter()
                .map(|k| (k.field.name.clone(), k.descending, k.as_))
                .collect(),
            held: Vec::new(),
        };
        for o in &self.options {
            let b = o.as_bool().ok_or_else(|| {
                SplError::plan(format!("{} must be true or false", o.key)).at(o.span)
            })?;
            match o.key.to_ascii_lowercase().as_str() {
                "keepempty" => op.keepempty = b,
                "keepevents" => op.keepevents = b,
                _ => op.consecutive = b,
            }
        }
        Ok(Box::new(op))
    }
}

struct DedupOp {
    n: u64,
    fields: Vec<String>,
    keepempty: bool,
    keepevents: bool,
    consecutive: bool,
    seen: HashMap<Vec<String>, u64>,
    last: Option<Vec<String>>,
    sortby: Vec<(String, bool, SortAs)>,
    /// With `sortby`: every result, sorted and deduplicated when the input ends.
    held: Vec<Event>,
}

impl DedupCmd {
    /// `(fields, count, keepempty)` when this dedup keeps, per combination
    /// of values, the first N events in search order and nothing else
    /// (not `consecutive`, not `keepevents`): what the buffer before it
    /// need hold ([`crate::commands::support::pipeline`]).
    pub(crate) fn keeps_first(&self) -> Option<(Vec<String>, usize, bool)> {
        if !self.sortby.is_empty() {
            return None;
        }
        let mut keepempty = false;
        for o in &self.options {
            let b = o.as_bool()?;
            match o.key.to_ascii_lowercase().as_str() {
                "keepempty" => keepempty = b,
                _ if b => return None,
                _ => {}
            }
        }
        let n = usize::try_from(self.count.unwrap_or(1).max(1)).ok()?;
        let fields = self.fields.iter().map(|f| f.name.clone()).collect();
        Some((fields, n, keepempty))
    }
}

/// The combination of values dedup compares (None: a field is missing).
pub(crate) fn dedup_key(ev: &Event, fields: &[String]) -> Option<Vec<String>> {
    fields
        .iter()
        .map(|f| ev.get(f).map(|v| v.to_display("\n")))
        .collect()
}

/// Keeps in `kept` the first `n` events in search order seen for one
/// combination: `ev` is added while there are fewer, else it replaces the
/// last one kept when it comes before it.
pub(crate) fn keep_first(kept: &mut Vec<Event>, n: usize, ev: Event) {
    if kept.len() < n {
        kept.push(ev);
    } else if let Some(worst) = kept
        .iter_mut()
        .max_by(|a, b| Event::search_order(a, b))
        .filter(|w| Event::search_order(&ev, w).is_lt())
    {
        *worst = ev;
    }
}

impl DedupOp {
    /// Keeps or drops one result, in the order the results are compared.
    fn step(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let Some(key) = dedup_key(&ev, &self.fields) else {
            return if self.keepempty { out(ev) } else { Ok(()) };
        };
        if self.consecutive {
            if self.last.as_ref() == Some(&key) {
                return Ok(());
            }
            self.last = Some(key);
            return out(ev);
        }
        let seen = self.seen.entry(key).or_insert(0);
        if *seen < self.n {
            *seen += 1;
            out(ev)
        } else if self.keepevents {
            for f in &self.fields {
                ev.remove(f);
            }
            out(ev)
        } else {
            Ok(())
        }
    }
}

impl Operator for DedupOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if self.sortby.is_empty() {
            self.step(ev, out)
        } else {
            self.held.push(ev);
            Ok(())
        }
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        let keys = &self.sortby;
        self.held.sort_by(|a, b| cmp_events(keys, a, b));
        for ev in std::mem::take(&mut self.held) {
            self.step(ev, out)?;
        }
        Ok(())
    }
}
