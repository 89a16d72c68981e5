//! `format [mvsep="<mv separator>"] [maxresults=<int>] ["<row prefix>"
//! "<column prefix>" "<column separator>" "<column end>" "<row separator>"
//! "<row end>"] [emptystr="<string>"]` (Search Reference, format).
//!
//! Turns the results into one result whose `search` field is a search
//! string: each result becomes `( f1="v1" AND f2="v2" )`, its fields in name
//! order, and the results are joined as `( <row> OR <row> )`. The six
//! positional strings replace `(`, `(`, `AND`, `)`, `OR` and `)` (all six or
//! none). A multivalue field becomes `( f="a" OR f="b" )`, its values
//! joined by `mvsep` (default `OR`). Internal fields (`_*`) are left out; a
//! field named `search` or `query` gives its value as search text, without
//! its name. `maxresults` (default 0: all) caps the results used. With no
//! results (or none with a field) the string is `emptystr`, default
//! `NOT( )`. This is the condition a `[subsearch]` in a search builds from
//! its results (`eval::matcher`, `from_results`).

use std::any::Any;
use std::fmt;

use super::support::xutil::{self, get};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt, Span};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "format",
    aliases: &[],
    parse,
    syntax: "format [mvsep=<string>] [maxresults=<int>] [\"<row prefix>\" \"<column prefix>\" \"<column separator>\" \"<column end>\" \"<row separator>\" \"<row end>\"] [emptystr=<string>]",
    plan: super::planner::<FormatCmd>,
};

const OPTIONS: &[&str] = &["mvsep", "maxresults", "emptystr"];

/// The six positional strings' defaults and names.
const DEFAULTS: [&str; 6] = ["(", "(", "AND", ")", "OR", ")"];

/// Splunk's string for no results.
pub const EMPTY: &str = "NOT( )";

#[derive(Debug)]
pub struct FormatCmd {
    pub options: Vec<Opt>,
    /// Row prefix, column prefix, column separator, column end, row
    /// separator, row end (none, or all six).
    pub positional: Vec<(String, Span)>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut options = Vec::new();
    let mut positional = Vec::new();
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        let (r, o) = xutil::known_option(src, rest, "format", OPTIONS)?;
        if let Some(o) = o {
            if o.key.eq_ignore_ascii_case("maxresults") {
                xutil::check_uint(&o)?;
            }
            options.push(o);
            rest = r;
            continue;
        }
        let (r, s) = if rest.starts_with('"') {
            lex::dquoted(rest)?
        } else {
            let end = rest
                .char_indices()
                .find(|(_, c)| c.is_whitespace() || matches!(c, '|' | ']'))
                .map(|(n, _)| n)
                .unwrap_or(rest.len());
            (&rest[end..], rest[..end].to_string())
        };
        positional.push((s, src.span(rest, r)));
        rest = r;
    }
    if !positional.is_empty() && positional.len() != 6 {
        let span = positional[0].1.to(positional[positional.len() - 1].1);
        return Err(nom::Err::Failure(
            PErr::spanning(
                span,
                format!(
                    "format takes all six row and column strings or none (got {})",
                    positional.len()
                ),
            )
            .with_help(
                "\"<row prefix>\" \"<column prefix>\" \"<column separator>\" \"<column end>\" \"<row separator>\" \"<row end>\"",
            ),
        ));
    }
    if rest.is_empty() || rest.starts_with('|') || rest.starts_with(']') {
        return Ok((
            rest,
            Box::new(FormatCmd {
                options,
                positional,
            }),
        ));
    }
    cut(fail(rest, "unexpected text in format"))
}

impl fmt::Display for FormatCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("format")?;
        xutil::print_opts(f, &self.options)?;
        for (s, _) in &self.positional {
            write!(f, " {}", lex::quote(s))?;
        }
        Ok(())
    }
}

impl Command for FormatCmd {
    fn name(&self) -> &'static str {
        "format"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Transforming
    }
    fn needs_time_order(&self) -> bool {
        // The rows are taken in search order.
        true
    }
    fn to_json(&self) -> serde_json::Value {
        let pos: Vec<&str> = self.positional.iter().map(|(s, _)| s.as_str()).collect();
        serde_json::json!({ "options": self.options, "positional": pos })
    }
    fn writes(&self) -> Vec<String> {
        vec!["search".to_string()]
    }
    fn columns(&self, _before: Option<Vec<String>>) -> Option<Vec<String>> {
        Some(vec!["search".to_string()])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for FormatCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let text =
            |k: &str, d: &str| get(&self.options, k).map_or(d.to_string(), |o| o.value.clone());
        let mut parts = DEFAULTS.map(str::to_string);
        for (n, (s, _)) in self.positional.iter().enumerate() {
            parts[n] = s.clone();
        }
        Ok(Box::new(FormatOp {
            mvsep: text("mvsep", "OR"),
            max: xutil::opt_uint(&self.options, "maxresults")?.unwrap_or(0),
            emptystr: text("emptystr", EMPTY),
            parts,
            rows: Vec::new(),
            taken: 0,
            len: 0,
        }))
    }
}

struct FormatOp {
    mvsep: String,
    max: u64,
    emptystr: String,
    parts: [String; 6],
    /// Each result with a field, as its formatted row.
    rows: Vec<String>,
    taken: u64,
    /// Bytes of the rows so far (for the string budget).
    len: usize,
}

/// `"v"` with `"` and `\` escaped.
fn quoted(v: &str) -> String {
    let mut s = String::with_capacity(v.len() + 2);
    s.push('"');
    for c in v.chars() {
        if matches!(c, '"' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('"');
    s
}

impl FormatOp {
    /// One result as `<column prefix> f="v" <column separator> … <column end>`,
    /// or None when it has no field to give.
    fn row(&self, ev: &Event) -> Option<String> {
        let mut names: Vec<&crate::base::event::Name> =
            ev.names().filter(|k| !k.starts_with('_')).collect();
        names.sort();
        let mut cols = Vec::with_capacity(names.len());
        for k in names {
            let v = ev.get(k).expect("listed");
            let texts: Vec<String> = v
                .values()
                .iter()
                .filter_map(Value::as_text)
                .map(|t| t.into_owned())
                .collect();
            if texts.is_empty() {
                continue;
            }
            if k == "search" || k == "query" {
                cols.push(texts.join(" "));
            } else if texts.len() == 1 {
                cols.push(format!("{k}={}", quoted(&texts[0])));
            } else {
                let alts: Vec<String> =
                    texts.iter().map(|t| format!("{k}={}", quoted(t))).collect();
                cols.push(format!("( {} )", alts.join(&format!(" {} ", self.mvsep))));
            }
        }
        if cols.is_empty() {
            return None;
        }
        let [_, cp, cs, ce, _, _] = &self.parts;
        Some(format!("{cp} {} {ce}", cols.join(&format!(" {cs} "))))
    }
}

impl Operator for FormatOp {
    fn push(&mut self, ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        if self.max > 0 && self.taken >= self.max {
            return Ok(());
        }
        self.taken += 1;
        if let Some(r) = self.row(&ev) {
            self.len += r.len() + self.parts[4].len() + 2;
            crate::base::budget::STRING.check(self.len, "format")?;
            self.rows.push(r);
        }
        Ok(())
    }
    fn done(&self) -> bool {
        self.max > 0 && self.taken >= self.max
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        let rows = std::mem::take(&mut self.rows);
        let search = if rows.is_empty() {
            self.emptystr.clone()
        } else {
            let [rp, _, _, _, rs, re] = &self.parts;
            format!("{rp} {} {re}", rows.join(&format!(" {rs} ")))
        };
        let mut ev = Event::new();
        ev.set("search", Value::Str(search));
        out(ev)
    }
}
