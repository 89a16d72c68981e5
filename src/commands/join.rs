//! `join [type=inner|left|outer] [usetime=<bool>] [earlier=<bool>] [overwrite=<bool>]
//! [max=<int>] [<field-list>] [subsearch]`
//!
//! Combines each incoming result with the subsearch results that have the
//! same values in the join fields (compared exactly, as text; a multivalue
//! compares as a whole). `max` (default 1; 0 = no limit) caps how many
//! subsearch results one result joins with, in subsearch order; each joined
//! pair is one output row. `type=inner` (default) drops results without a
//! match or missing a join field; `left`/`outer` keep them unchanged.
//! `overwrite=t` (default) lets subsearch values replace the result's.
//! `usetime=t` joins only with subsearch results at or before (`earlier=t`,
//! default) or at or after (`earlier=f`) the result's `_time`. Without join
//! fields, the fields common to both sides (internal `_` fields aside) are
//! used. The subsearch keeps at most 50,000 results, Splunk's join limit.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;

use super::support::fields::{field_ref, join_fields, FieldRef};
use super::support::sub::{self, OptKind};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt, Pipeline, Span};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "join",
    aliases: &[],
    parse,
    syntax: "join [type=inner|left|outer] [usetime=<bool>] [earlier=<bool>] [overwrite=<bool>] [max=<int>] [<field>…] [subsearch]",
    plan: super::planner::<JoinCmd>,
};

const OPTIONS: &[(&str, OptKind)] = &[
    ("type", OptKind::Text),
    ("usetime", OptKind::Bool),
    ("earlier", OptKind::Bool),
    ("overwrite", OptKind::Bool),
    ("max", OptKind::Uint),
];

/// Splunk's cap on join subsearch results.
pub const JOIN_MAXOUT: usize = 50_000;

#[derive(Debug)]
pub struct JoinCmd {
    pub options: Vec<Opt>,
    pub fields: Vec<FieldRef>,
    pub sub: Pipeline,
    pub sub_span: Span,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut options = Vec::new();
    let mut fields = Vec::new();
    let mut rest = ws(i);
    // Options and fields may interleave (`join user type=outer [...]`).
    loop {
        if rest.starts_with('[') || lex::at_command_end(rest) {
            break;
        }
        if let Some((r, o)) = lex::option(rest, src) {
            if ["left", "right", "where"].contains(&o.key.to_ascii_lowercase().as_str()) {
                return Err(nom::Err::Failure(PErr::spanning(
                    o.span,
                    "join with left=/right=/where aliases is not supported; list the join fields instead",
                )));
            }
            sub::check_option(&o, "join", OPTIONS)?;
            if o.key.eq_ignore_ascii_case("type")
                && !["inner", "left", "outer"].contains(&o.value.to_ascii_lowercase().as_str())
            {
                return Err(nom::Err::Failure(PErr::spanning(
                    o.span,
                    "join type must be inner, left or outer",
                )));
            }
            options.push(o);
            rest = ws(r);
            continue;
        }
        let (r, f) = cut(field_ref(src, rest))?;
        fields.push(f);
        rest = ws(r);
        if let Some(r) = rest.strip_prefix(',') {
            rest = ws(r);
        }
    }
    if !rest.starts_with('[') {
        return cut(fail(rest, "join needs a [subsearch] to join with"));
    }
    let (rest, (sub, sub_span)) = sub::subsearch(src, rest, "join")?;
    Ok((
        rest,
        Box::new(JoinCmd {
            options,
            fields,
            sub,
            sub_span,
        }),
    ))
}

impl fmt::Display for JoinCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("join")?;
        sub::print_opts(f, &self.options)?;
        if !self.fields.is_empty() {
            write!(f, " {}", join_fields(&self.fields))?;
        }
        write!(f, " [{}]", self.sub)
    }
}

impl Command for JoinCmd {
    fn name(&self) -> &'static str {
        "join"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "options": self.options,
            "fields": self.fields,
            "subsearch": self.sub.to_json(),
        })
    }
    fn subsearches(&self) -> Vec<&Pipeline> {
        vec![&self.sub]
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for JoinCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let rows = sub::run_subsearch(ctx, &self.sub, JOIN_MAXOUT, "join")
            .map_err(|e| e.at(self.sub_span))?;
        let o = &self.options;
        let left = matches!(
            sub::opt_text(o, "type")
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("left") | Some("outer")
        );
        let mut op = JoinOp {
            fields: self.fields.iter().map(|f| f.name.clone()).collect(),
            rows,
            index: HashMap::new(),
            left,
            usetime: sub::opt_bool(o, "usetime", false),
            earlier: sub::opt_bool(o, "earlier", true),
            overwrite: sub::opt_bool(o, "overwrite", true),
            max: sub::opt_uint(o, "max", 1) as usize,
            pending: if self.fields.is_empty() {
                Some(Vec::new())
            } else {
                None
            },
        };
        if op.pending.is_none() {
            op.build_index();
        }
        Ok(Box::new(op))
    }
}

struct JoinOp {
    fields: Vec<String>,
    rows: Vec<Event>,
    index: HashMap<Vec<String>, Vec<usize>>,
    left: bool,
    usetime: bool,
    earlier: bool,
    overwrite: bool,
    /// 0: no limit.
    max: usize,
    /// Without join fields the main results are held until the common fields are known.
    pending: Option<Vec<Event>>,
}

fn key(ev: &Event, fields: &[String]) -> Option<Vec<String>> {
    fields
        .iter()
        .map(|f| {
            ev.get(f)
                .filter(|v| !v.is_null())
                .map(|v| v.to_display("\n"))
        })
        .collect()
}

impl JoinOp {
    fn build_index(&mut self) {
        for (n, r) in self.rows.iter().enumerate() {
            if let Some(k) = key(r, &self.fields) {
                self.index.entry(k).or_default().push(n);
            }
        }
    }

    fn join_one(&self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let matches: Vec<usize> = match key(&ev, &self.fields) {
            Some(k) if !self.fields.is_empty() => {
                let t = ev.time();
                self.index
                    .get(&k)
                    .map(|v| {
                        v.iter()
                            .copied()
                            .filter(|&n| {
                                if !self.usetime {
                                    return true;
                                }
                                match (t, self.rows[n].time()) {
                                    (Some(t), Some(s)) => {
                                        if self.earlier {
                                            s <= t
                                        } else {
                                            s >= t
                                        }
                                    }
                                    _ => false,
                                }
                            })
                            .take(if self.max == 0 { usize::MAX } else { self.max })
                            .collect()
                    })
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        };
        if matches.is_empty() {
            if self.left {
                out(ev)?;
            }
            return Ok(());
        }
        for n in matches {
            let mut joined = ev.clone();
            for (k, v) in self.rows[n].iter() {
                if self.overwrite || !joined.contains(k) {
                    joined.set(k.clone(), v.clone());
                }
            }
            out(joined)?;
        }
        Ok(())
    }
}

impl Operator for JoinOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if let Some(p) = &mut self.pending {
            p.push(ev);
            return Ok(());
        }
        self.join_one(ev, out)
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        let Some(main) = self.pending.take() else {
            return Ok(());
        };
        let mut mine: Vec<String> = Vec::new();
        for r in &main {
            for k in r.names() {
                if !k.starts_with('_') && !mine.contains(k) {
                    mine.push(k.clone());
                }
            }
        }
        self.fields = mine
            .into_iter()
            .filter(|k| self.rows.iter().any(|r| r.contains(k)))
            .collect();
        self.build_index();
        for ev in main {
            self.join_one(ev, out)?;
        }
        Ok(())
    }
}
