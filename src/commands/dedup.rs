//! `dedup [N] <field-list> [keepempty=<bool>] [consecutive=<bool>] [sortby [+|-]<field>…]`:
//! keeps the first N results (in search order, newest first) for each
//! combination of values; results missing a field are dropped unless
//! `keepempty=true`.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;

use super::support::fields::{at_keyword, field_ref, FieldRef};
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
    syntax: "dedup [<N>] <field>… [keepevents=<bool>] [keepempty=<bool>] [consecutive=<bool>]",
    plan: super::planner::<DedupCmd>,
};

#[derive(Debug)]
pub struct DedupCmd {
    pub count: Option<u64>,
    pub fields: Vec<FieldRef>,
    pub options: Vec<Opt>,
    pub sortby: Option<String>,
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
    let mut sortby = None;
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if let Some(r) = at_keyword(rest, &["sortby"]) {
            // Kept as written; sorting after dedup is `| sort`.
            let end = r.find('|').unwrap_or(r.len());
            let end = r[..end].find(']').unwrap_or(end);
            sortby = Some(r[..end].trim().to_string());
            rest = &r[end..];
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
        let (r, f) = field_ref(src, rest)?;
        fields.push(f);
        rest = ws(r);
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        }
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
        if let Some(s) = &self.sortby {
            write!(f, " sortby {s}")?;
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
        if self.sortby.is_some() {
            return crate::spl::fields::Flow::Any;
        }
        crate::spl::fields::Flow::reads(self.fields.iter().map(|f| f.name.clone()))
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
        if self.sortby.is_some() {
            return Err(SplError::plan(
                "dedup sortby is not supported; use | sort after dedup",
            ));
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
}

impl Operator for DedupOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let mut key = Vec::with_capacity(self.fields.len());
        for f in &self.fields {
            match ev.get(f) {
                Some(v) => key.push(v.to_display("\n")),
                None => {
                    return if self.keepempty { out(ev) } else { Ok(()) };
                }
            }
        }
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
