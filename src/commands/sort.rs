//! `sort [<count>] [+|-]<field> | [+|-]<fn>(<field>) … [desc] [limit=<count>]`.
//! Numbers sort before strings; `num()`/`str()`/`ip()`/`auto()` force a
//! comparison. Without a count, at most 10,000 results are kept (Splunk's
//! default); `sort 0` keeps all.

use std::any::Any;
use std::cmp::Ordering;
use std::fmt;
use std::net::IpAddr;

use super::support::fields::{field_ref, FieldRef};
use super::support::spill::SpillSort;
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::{sort_cmp, Value};
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "sort",
    aliases: &[],
    parse,
    syntax: "sort [<count>] [+|-]<field>|[+|-]auto|str|ip|num(<field>)[, …] [desc|d]",
    plan: super::planner::<SortCmd>,
};

pub const DEFAULT_LIMIT: u64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum SortAs {
    Default,
    Auto,
    Str,
    Ip,
    Num,
}

#[derive(Debug, serde::Serialize)]
pub struct SortKey {
    pub field: FieldRef,
    pub descending: bool,
    pub as_: SortAs,
}

#[derive(Debug)]
pub struct SortCmd {
    pub count: Option<u64>,
    pub limit_option: Option<u64>,
    pub keys: Vec<SortKey>,
    pub desc: bool,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut count = None;
    let mut limit_option = None;
    if let Ok((r, n)) = lex::uint(rest) {
        if lex::ws1(r).is_some() {
            count = Some(n);
            rest = ws(r);
        }
    }
    if let Some((r, o)) = lex::option(rest, src) {
        if o.key.eq_ignore_ascii_case("limit") {
            let n = o.value.parse().map_err(|_| {
                nom::Err::Failure(lex::PErr::spanning(o.span, "limit must be a whole number"))
            })?;
            limit_option = Some(n);
            rest = ws(r);
        }
    }
    let mut keys = Vec::new();
    let mut desc = false;
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        // `desc`, or its short form `d` after the sort keys (Search Reference,
        // sort: "Syntax: d | desc"); a lone `d` is a field.
        let short = if keys.is_empty() {
            None
        } else {
            lex::keyword(rest, "d")
        };
        if let Some(r) = lex::keyword(rest, "desc").or(short) {
            if lex::at_command_end(r) {
                desc = true;
                rest = r;
                break;
            }
        }
        let (r3, key) = sort_key(src, rest)?;
        keys.push(key);
        rest = ws(r3);
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        }
    }
    if keys.is_empty() {
        return cut(fail(rest, "sort needs at least one field"));
    }
    Ok((
        rest,
        Box::new(SortCmd {
            count,
            limit_option,
            keys,
            desc,
        }),
    ))
}

/// One sort key: `[+|-]<field>` or `[+|-]auto|str|ip|num(<field>)`.
pub fn sort_key<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, SortKey> {
    let (r, descending) = if let Some(r) = i.strip_prefix('-') {
        (ws(r), true)
    } else if let Some(r) = i.strip_prefix('+') {
        (ws(r), false)
    } else {
        (i, false)
    };
    let mut as_ = SortAs::Default;
    let mut r2 = r;
    for (name, kind) in [
        ("auto", SortAs::Auto),
        ("str", SortAs::Str),
        ("ip", SortAs::Ip),
        ("num", SortAs::Num),
    ] {
        if let Some(after) = lex::keyword(r, name) {
            if let Some(inner) = after.strip_prefix('(') {
                as_ = kind;
                r2 = inner;
                break;
            }
        }
    }
    let (mut r3, field) = cut(field_ref(src, r2))?;
    if as_ != SortAs::Default {
        let (after, _) = cut(lex::expect_char(r3, ')'))?;
        r3 = after;
    }
    Ok((
        r3,
        SortKey {
            field,
            descending,
            as_,
        },
    ))
}

impl fmt::Display for SortKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.descending {
            f.write_str("-")?;
        }
        match self.as_ {
            SortAs::Default => write!(f, "{}", self.field),
            SortAs::Auto => write!(f, "auto({})", self.field),
            SortAs::Str => write!(f, "str({})", self.field),
            SortAs::Ip => write!(f, "ip({})", self.field),
            SortAs::Num => write!(f, "num({})", self.field),
        }
    }
}

/// Orders two results by sort keys (field, descending, how): missing values
/// sort last in either direction.
pub fn cmp_events(keys: &[(String, bool, SortAs)], a: &Event, b: &Event) -> Ordering {
    for (field, desc, as_) in keys {
        let o = match (a.get(field), b.get(field)) {
            (Some(x), Some(y)) => {
                let o = cmp_as(x, y, *as_);
                if *desc {
                    o.reverse()
                } else {
                    o
                }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

impl fmt::Display for SortCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("sort")?;
        if let Some(c) = self.count {
            write!(f, " {c}")?;
        }
        if let Some(l) = self.limit_option {
            write!(f, " limit={l}")?;
        }
        let keys: Vec<String> = self.keys.iter().map(|k| k.to_string()).collect();
        write!(f, " {}", keys.join(", "))?;
        if self.desc {
            f.write_str(" desc")?;
        }
        Ok(())
    }
}

impl Command for SortCmd {
    fn name(&self) -> &'static str {
        "sort"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "count": self.count, "limit": self.limit_option, "keys": self.keys, "desc": self.desc
        })
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::reads(self.keys.iter().map(|k| k.field.name.clone()))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for SortCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let limit = self.limit_option.or(self.count).unwrap_or(DEFAULT_LIMIT);
        let keys: std::sync::Arc<Vec<(String, bool, SortAs)>> = std::sync::Arc::new(
            self.keys
                .iter()
                .map(|k| (k.field.name.clone(), k.descending != self.desc, k.as_))
                .collect(),
        );
        let limit = if limit == 0 { u64::MAX } else { limit };
        // Every row kept: past the memory budget, sorted on disk.
        let all = (limit > KEEP_IN_MEMORY).then(|| {
            let k = keys.clone();
            SpillSort::new(
                "sort",
                crate::base::budget::SORT_MEMORY.get(),
                std::sync::Arc::new(move |a: &Event, b: &Event| cmp_events(&k, a, b)),
            )
        });
        Ok(Box::new(SortOp {
            keys,
            limit,
            buf: Vec::new(),
            all,
        }))
    }
}

/// Up to this limit, `sort` keeps only the first `limit` rows in memory
/// (cut down as they come); above it (`limit=0`: all), it keeps every row
/// and sorts on disk past the memory budget ([`SpillSort`]).
const KEEP_IN_MEMORY: u64 = 1_000_000;

struct SortOp {
    keys: std::sync::Arc<Vec<(String, bool, SortAs)>>,
    limit: u64,
    buf: Vec<Event>,
    all: Option<SpillSort>,
}

impl SortOp {
    /// Sorts the buffer (stable: ties keep arrival order) and keeps the first `limit`.
    fn trim(&mut self) {
        let keys = &self.keys;
        self.buf.sort_by(|a, b| cmp_events(keys, a, b));
        self.buf.truncate(self.limit as usize);
    }
}

fn cmp_as(a: &Value, b: &Value, as_: SortAs) -> Ordering {
    match as_ {
        SortAs::Default | SortAs::Auto => sort_cmp(a, b),
        SortAs::Num => match (a.as_num(), b.as_num()) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
        SortAs::Str => a
            .as_text()
            .unwrap_or_default()
            .cmp(&b.as_text().unwrap_or_default()),
        SortAs::Ip => {
            let ip = |v: &Value| v.as_text().and_then(|t| t.trim().parse::<IpAddr>().ok());
            match (ip(a), ip(b)) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => sort_cmp(a, b),
            }
        }
    }
}

impl Operator for SortOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        if let Some(all) = &mut self.all {
            return all.push(ev);
        }
        self.buf.push(ev);
        if self.buf.len() as u64 >= (self.limit * 2).max(1024) {
            self.trim();
        }
        Ok(())
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        if let Some(all) = self.all.take() {
            for ev in all
                .finish()?
                .take(self.limit.min(usize::MAX as u64) as usize)
            {
                out(ev?)?;
            }
            return Ok(());
        }
        self.trim();
        for ev in std::mem::take(&mut self.buf) {
            out(ev)?;
        }
        Ok(())
    }
}
