//! `map search="<search with $field$ tokens>" [maxsearches=N]` or
//! `map [<search>] [maxsearches=N]`: for each input result (at most
//! `maxsearches`, default 10 as in Splunk), runs the search with `$field$`
//! replaced by that result's value, over the same input events, and returns
//! all their results. Macros in the search string are expanded when it runs.

use std::any::Any;
use std::fmt;

use super::{CommandSpec, ToOperator};
use crate::base::diag::{ErrorKind, Result, SplError};
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::content::macros::{self, Mapped, Origin};
use crate::spl::ast::{Command, CommandKind, Opt, Pipeline};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "map",
    aliases: &[],
    parse,
    syntax: "map search=\"<search with $field$>\" | [<search>] [maxsearches=<N>]",
    plan: super::planner::<MapCmd>,
};

pub const DEFAULT_MAXSEARCHES: u64 = 10;

#[derive(Debug)]
pub enum MapSearch {
    /// `search="…"`: text, expanded and parsed per result.
    Text(String),
    /// `[ … ]`: a parsed search, printed and re-parsed per result.
    Sub(Pipeline),
}

#[derive(Debug)]
pub struct MapCmd {
    pub search: MapSearch,
    pub maxsearches: Option<Opt>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut search = None;
    let mut maxsearches = None;
    while !lex::at_command_end(rest) {
        if let Some(r) = rest.strip_prefix('[') {
            let (r, p) = cut(crate::spl::parser::pipeline(src, r, true))?;
            let r2 = ws(r);
            let Some(r) = r2.strip_prefix(']') else {
                return cut(fail(r2, "expected ']' to close the map search"));
            };
            search = Some(MapSearch::Sub(p));
            rest = ws(r);
            continue;
        }
        let Some((r, o)) = lex::option(rest, src) else {
            return cut(fail(
                rest,
                "expected search=\"…\", [search] or maxsearches=N",
            ));
        };
        match o.key.to_ascii_lowercase().as_str() {
            "search" => search = Some(MapSearch::Text(o.value.clone())),
            "maxsearches" => {
                if o.value.parse::<u64>().is_err() {
                    return Err(nom::Err::Failure(PErr::spanning(
                        o.span,
                        "maxsearches must be a whole number",
                    )));
                }
                maxsearches = Some(o)
            }
            _ => {
                return Err(nom::Err::Failure(PErr::spanning(
                    o.span,
                    format!("unknown map option '{}'", o.key),
                )))
            }
        }
        rest = ws(r);
    }
    let Some(search) = search else {
        return cut(fail(rest, "map needs search=\"…\" or a [search]"));
    };
    Ok((
        rest,
        Box::new(MapCmd {
            search,
            maxsearches,
        }),
    ))
}

impl fmt::Display for MapCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.search {
            MapSearch::Text(t) => write!(f, "map search={}", lex::quote(t))?,
            MapSearch::Sub(p) => write!(f, "map [{p}]")?,
        }
        if let Some(m) = &self.maxsearches {
            write!(f, " {m}")?;
        }
        Ok(())
    }
}

impl Command for MapCmd {
    fn name(&self) -> &'static str {
        "map"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Transforming
    }
    fn needs_time_order(&self) -> bool {
        true
    }
    fn to_json(&self) -> serde_json::Value {
        let search = match &self.search {
            MapSearch::Text(t) => serde_json::json!({ "text": t }),
            MapSearch::Sub(p) => serde_json::json!({ "subsearch": p.to_json() }),
        };
        serde_json::json!({ "search": search, "maxsearches": self.maxsearches })
    }
    fn reads_input_again(&self) -> bool {
        true
    }
    fn subsearches(&self) -> Vec<&Pipeline> {
        match &self.search {
            MapSearch::Sub(p) => vec![p],
            MapSearch::Text(_) => Vec::new(),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for MapCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let template = match &self.search {
            MapSearch::Text(t) => t.clone(),
            MapSearch::Sub(p) => p.to_string(),
        };
        let max = self
            .maxsearches
            .as_ref()
            .and_then(|o| o.value.parse().ok())
            .unwrap_or(DEFAULT_MAXSEARCHES);
        Ok(Box::new(MapOp {
            template,
            max,
            rows: Vec::new(),
            ctx: ctx.clone(),
        }))
    }
}

struct MapOp {
    template: String,
    max: u64,
    rows: Vec<Event>,
    ctx: PlanCtx,
}

/// Replaces `$field$` with the row's value (multivalues joined by spaces);
/// a token naming no field is left as it is.
pub fn substitute(template: &str, row: &Event) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(s) = rest.find('$') {
        out.push_str(&rest[..s]);
        let after = &rest[s + 1..];
        match after.find('$') {
            Some(e) => {
                let name = &after[..e];
                match row.get(name) {
                    Some(v) if !name.is_empty() => {
                        out.push_str(&v.to_display(" "));
                        rest = &after[e + 1..];
                    }
                    _ => {
                        out.push('$');
                        rest = after;
                    }
                }
            }
            None => {
                out.push_str(&rest[s..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

impl Operator for MapOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        if (self.rows.len() as u64) < self.max {
            self.rows.push(ev);
        }
        Ok(())
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        let macros = self.ctx.macros.clone().unwrap_or_default();
        for (n, row) in std::mem::take(&mut self.rows).into_iter().enumerate() {
            // Search Reference, map: `$_serial_id$` is the number of the
            // search being run, 1 for the first (the page's examples 3 and 4).
            let template = self.template.replace("$_serial_id$", &(n + 1).to_string());
            let text = substitute(&template, &row);
            let mapped = macros::expand(
                &Mapped::from_origin(Origin {
                    label: "map search".into(),
                    text: text.clone(),
                }),
                &macros,
            )?;
            let p = crate::commands::parse_pipeline(&mapped.text).map_err(|e| {
                SplError::new(
                    ErrorKind::Runtime,
                    format!(
                        "map: the search {:?} does not parse: {}",
                        mapped.text, e.msg
                    ),
                )
            })?;
            for r in self.ctx.run_subsearch(&p)? {
                out(r)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::value::Value;

    #[test]
    fn tokens_take_the_row_values() {
        let mut ev = Event::new();
        ev.set("TargetLogonId", Value::from("0x3e7"));
        assert_eq!(
            substitute(
                "search EventCode=4624 TargetLogonId=$TargetLogonId$ $nosuch$",
                &ev
            ),
            "search EventCode=4624 TargetLogonId=0x3e7 $nosuch$"
        );
    }
}
