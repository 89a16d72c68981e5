//! `join [type=inner|left|outer] [usetime=<bool>] [earlier=<bool>] [overwrite=<bool>]
//! [max=<int>] [<field-list>] [subsearch]`, or with aliases
//! `join [options] left=<alias> right=<alias> where <alias>.<f>=<alias>.<g>… [subsearch]`
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
//!
//! With aliases, the `where` comparisons name the field of each side
//! (`L.product_id=R.pid`; several are separated by spaces, commas or `AND`),
//! and every output field is named after its side: `L.<field>` for the
//! result's, `R.<field>` for the subsearch's, so nothing is overwritten.
//! Internal fields (`_time`, `_raw`, …) of the result keep their names.

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
    syntax: "join [type=inner|left|outer] [usetime=<bool>] [earlier=<bool>] [overwrite=<bool>] [max=<int>] ( [<field>…] | left=<alias> right=<alias> where <alias>.<field>=<alias>.<field>… ) [subsearch]",
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

/// Most `where` comparisons one aliased join takes.
pub const MAX_JOIN_CONDITIONS: usize = 100;

#[derive(Debug)]
pub struct JoinCmd {
    pub options: Vec<Opt>,
    pub fields: Vec<FieldRef>,
    /// `left=L right=R where L.a=R.b …`
    pub aliases: Option<JoinAliases>,
    pub sub: Pipeline,
    pub sub_span: Span,
}

/// The aliased form of a join.
#[derive(Debug, serde::Serialize)]
pub struct JoinAliases {
    pub left: String,
    pub right: String,
    /// One per comparison: the left side's field, the right side's field.
    pub on: Vec<JoinOn>,
    pub span: Span,
}

/// `<left-alias>.<left>=<right-alias>.<right>` (written either way round).
#[derive(Debug, serde::Serialize)]
pub struct JoinOn {
    pub left: String,
    pub right: String,
    pub span: Span,
}

/// Splits `alias.field` at the alias (`field` may contain dots itself).
fn split_alias<'n>(name: &'n str, aliases: [&str; 2]) -> Option<(usize, &'n str)> {
    aliases.iter().enumerate().find_map(|(n, a)| {
        name.strip_prefix(a)
            .and_then(|r| r.strip_prefix('.'))
            .filter(|f| !f.is_empty())
            .map(|f| (n, f))
    })
}

/// The comparisons after `where`, up to the subsearch.
fn parse_on<'a>(
    src: &Src<'a>,
    mut rest: &'a str,
    left: &str,
    right: &str,
) -> PResult<'a, Vec<JoinOn>> {
    let mut on = Vec::new();
    loop {
        rest = ws(rest);
        // Options may follow the comparisons (`where L.a=R.b max=0`).
        if rest.starts_with('[')
            || lex::at_command_end(rest)
            || lex::option(rest, src).is_some()
            || lex::keyword(rest, "where").is_some()
        {
            break;
        }
        if !on.is_empty() {
            if let Some(r) = rest.strip_prefix(',') {
                rest = ws(r);
            } else if let Some(r) = lex::keyword(rest, "AND") {
                rest = ws(r);
            }
        }
        let start = rest;
        let (r, a) = cut(field_ref(src, rest))?;
        let r = ws(r);
        let Some(r) = r
            .strip_prefix('=')
            .map(|r| r.strip_prefix('=').unwrap_or(r))
        else {
            return cut(fail(
                r,
                "expected '=' between the two sides of a join condition",
            ));
        };
        let (r, b) = cut(field_ref(src, ws(r)))?;
        let span = src.span(start, r);
        let sides = [left, right];
        let pair = match (split_alias(&a.name, sides), split_alias(&b.name, sides)) {
            (Some((0, l)), Some((1, r))) | (Some((1, r)), Some((0, l))) => Some((l, r)),
            _ => None,
        };
        let Some((l, r_)) = pair else {
            return Err(nom::Err::Failure(
                PErr::spanning(
                    span,
                    format!("a join condition compares a field of {left} with a field of {right}"),
                )
                .with_help(format!("write it as {left}.<field>={right}.<field>")),
            ));
        };
        if on.len() == MAX_JOIN_CONDITIONS {
            return Err(nom::Err::Failure(PErr::spanning(
                span,
                format!("join takes at most {MAX_JOIN_CONDITIONS} where conditions"),
            )));
        }
        on.push(JoinOn {
            left: l.to_string(),
            right: r_.to_string(),
            span,
        });
        rest = r;
    }
    Ok((rest, on))
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut options = Vec::new();
    let mut fields = Vec::new();
    let mut left: Option<Opt> = None;
    let mut right: Option<Opt> = None;
    let mut on: Option<(Vec<JoinOn>, &'a str, &'a str)> = None;
    let start = ws(i);
    let mut rest = start;
    // Options and fields may interleave (`join user type=outer [...]`).
    loop {
        if rest.starts_with('[') || lex::at_command_end(rest) {
            break;
        }
        if let Some(r) = lex::keyword(rest, "where") {
            let (Some(l), Some(rt)) = (&left, &right) else {
                return cut(fail(
                    rest,
                    "join's where needs left=<alias> and right=<alias> before it",
                ));
            };
            if on.is_some() {
                return cut(fail(rest, "join takes one where clause"));
            }
            let (r2, conds) = parse_on(src, r, &l.value, &rt.value)?;
            if conds.is_empty() {
                return cut(fail(
                    rest,
                    "join's where needs <alias>.<field>=<alias>.<field>",
                ));
            }
            on = Some((conds, rest, r2));
            rest = ws(r2);
            continue;
        }
        if let Some((r, o)) = lex::option(rest, src) {
            let key = o.key.to_ascii_lowercase();
            if key == "left" || key == "right" {
                if o.value.is_empty()
                    || o.value.contains(|c: char| c == '.' || lex::is_token_end(c))
                {
                    return Err(nom::Err::Failure(PErr::spanning(
                        o.span,
                        format!("join {key}= takes an alias without dots or spaces"),
                    )));
                }
                let other = if key == "left" { &right } else { &left };
                if other.as_ref().is_some_and(|x| x.value == o.value) {
                    return Err(nom::Err::Failure(PErr::spanning(
                        o.span,
                        "join's left and right aliases must differ",
                    )));
                }
                let slot = if key == "left" { &mut left } else { &mut right };
                *slot = Some(o);
                rest = ws(r);
                continue;
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
    let aliases = match (left, right, on) {
        (None, None, None) => None,
        (Some(l), Some(r), Some((on, from, to))) => {
            if let Some(f) = fields.first() {
                return Err(nom::Err::Failure(
                    PErr::spanning(
                        f.span,
                        "join takes either a field list or left=/right=/where, not both",
                    )
                    .with_help("move the field into the where clause"),
                ));
            }
            let span = l.span.to(r.span).to(src.span(from, to));
            Some(JoinAliases {
                left: l.value,
                right: r.value,
                on,
                span,
            })
        }
        (l, r, _) => {
            let at = l
                .or(r)
                .map(|o| o.span)
                .unwrap_or_else(|| src.span(start, rest));
            return Err(nom::Err::Failure(
                PErr::spanning(
                    at,
                    "join with aliases needs left=<alias>, right=<alias> and where",
                )
                .with_help("e.g. join left=L right=R where L.pid=R.pid [search …]"),
            ));
        }
    };
    let (rest, (sub, sub_span)) = sub::subsearch(src, rest, "join")?;
    Ok((
        rest,
        Box::new(JoinCmd {
            options,
            fields,
            aliases,
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
        if let Some(a) = &self.aliases {
            let (l, r) = (&a.left, &a.right);
            write!(f, " left={l} right={r} where")?;
            for c in &a.on {
                write!(
                    f,
                    " {}={}",
                    lex::print_field(&format!("{l}.{}", c.left)),
                    lex::print_field(&format!("{r}.{}", c.right))
                )?;
            }
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
            "aliases": self.aliases,
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
        let (fields, right_fields, aliases) = match &self.aliases {
            Some(a) => (
                a.on.iter().map(|c| c.left.clone()).collect(),
                a.on.iter().map(|c| c.right.clone()).collect(),
                Some((a.left.clone(), a.right.clone())),
            ),
            None => {
                let f: Vec<String> = self.fields.iter().map(|f| f.name.clone()).collect();
                (f.clone(), f, None)
            }
        };
        let mut op = JoinOp {
            pending: if fields.is_empty() {
                Some(Vec::new())
            } else {
                None
            },
            fields,
            right_fields,
            aliases,
            rows,
            index: HashMap::new(),
            left,
            usetime: sub::opt_bool(o, "usetime", false),
            earlier: sub::opt_bool(o, "earlier", true),
            overwrite: sub::opt_bool(o, "overwrite", true),
            max: sub::opt_uint(o, "max", 1) as usize,
        };
        if op.pending.is_none() {
            op.build_index();
        }
        Ok(Box::new(op))
    }
}

struct JoinOp {
    /// The join fields of the incoming results …
    fields: Vec<String>,
    /// … and of the subsearch results (the same names unless aliased).
    right_fields: Vec<String>,
    /// `left=`/`right=`: output fields are named `<alias>.<field>`.
    aliases: Option<(String, String)>,
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
    /// With aliases: the result's fields as `L.<field>` (internal ones kept
    /// as they are) and the matched subsearch result's as `R.<field>`.
    fn prefixed(&self, ev: Event, right: Option<&Event>) -> Event {
        let Some((l, r)) = &self.aliases else {
            return ev;
        };
        let mut out = Event::with_capacity(ev.len() + right.map_or(0, Event::len));
        for (k, v) in ev.iter() {
            if k.starts_with('_') {
                out.set(k.clone(), v.clone());
            } else {
                out.set(format!("{l}.{k}"), v.clone());
            }
        }
        for (k, v) in right.into_iter().flat_map(Event::iter) {
            out.set(format!("{r}.{k}"), v.clone());
        }
        out
    }

    fn build_index(&mut self) {
        for (n, r) in self.rows.iter().enumerate() {
            if let Some(k) = key(r, &self.right_fields) {
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
                out(self.prefixed(ev, None))?;
            }
            return Ok(());
        }
        if self.aliases.is_some() {
            for n in matches {
                out(self.prefixed(ev.clone(), Some(&self.rows[n])))?;
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
                if !k.starts_with('_') && !mine.iter().any(|m| m == k) {
                    mine.push(k.to_string());
                }
            }
        }
        self.fields = mine
            .into_iter()
            .filter(|k| self.rows.iter().any(|r| r.contains(k)))
            .collect();
        self.right_fields = self.fields.clone();
        self.build_index();
        for ev in main {
            self.join_one(ev, out)?;
        }
        Ok(())
    }
}
