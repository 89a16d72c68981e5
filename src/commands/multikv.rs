//! `multikv [copyattrs=<bool>] [forceheader=<int>] [noheader=<bool>]
//! [rmorig=<bool>] [multitable=<bool>] [fields <field-list>] [filter <term-list>]`:
//! a table written in `_raw` becomes one result per row.
//!
//! The header is the first non-empty line (or line `forceheader`); its
//! column names are cleaned like extracted keys. Columns are split at commas
//! when the header has commas (CSV-like; quotes are kept in values), else at
//! runs of whitespace, the last column taking the rest of the line. Each row
//! result gets the row as `_raw` and, with `copyattrs=true` (default), the
//! other fields of the original event (`copyattrs=false`: none, not even
//! `_time`). `rmorig=false` keeps the original, after the rows made from it.

use std::any::Any;
use std::fmt;

use super::support::fields::{at_keyword, join_fields, FieldRef};
use super::support::xutil::{self, check_bool, check_uint, known_option, opt_bool, opt_uint};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "multikv",
    aliases: &[],
    parse,
    syntax: "multikv [copyattrs=<bool>] [forceheader=<int>] [noheader=<bool>] [rmorig=<bool>] [fields <field-list>] [filter <term-list>]",
    plan: super::planner::<MultikvCmd>,
};

const OPTIONS: &[&str] = &[
    "conf",
    "copyattrs",
    "forceheader",
    "multitable",
    "noheader",
    "rmorig",
];

#[derive(Debug)]
pub struct MultikvCmd {
    pub options: Vec<Opt>,
    pub fields: Vec<FieldRef>,
    pub filter: Vec<String>,
}

fn term<'a>(i: &'a str) -> PResult<'a, String> {
    if i.starts_with('"') {
        return lex::dquoted(i);
    }
    let (r, (v, _)) = lex::option_value(i)?;
    Ok((r, v))
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut options = Vec::new();
    let mut fields = Vec::new();
    let mut filter = Vec::new();
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if let Some(r) = at_keyword(rest, &["fields"]) {
            let (r, mut fs) = super::support::fields::field_list(src, r, &["filter"])?;
            fields.append(&mut fs);
            rest = r;
            continue;
        }
        if let Some(r) = at_keyword(rest, &["filter"]) {
            let mut r = ws(r);
            while !lex::at_command_end(r) && at_keyword(r, &["fields"]).is_none() {
                if lex::option(r, src).is_some() {
                    break;
                }
                let (r2, t) = cut(term(r))?;
                filter.push(t);
                r = ws(r2);
                if let Some(r3) = r.strip_prefix(',') {
                    r = ws(r3);
                }
            }
            rest = r;
            continue;
        }
        let (r, o) = known_option(src, rest, "multikv", OPTIONS)?;
        let Some(o) = o else {
            return cut(fail(
                rest,
                "expected a multikv option, fields <list> or filter <terms>",
            ));
        };
        match o.key.to_ascii_lowercase().as_str() {
            "forceheader" => {
                check_uint(&o)?;
            }
            "conf" => {}
            _ => check_bool(&o)?,
        }
        options.push(o);
        rest = r;
    }
    Ok((
        rest,
        Box::new(MultikvCmd {
            options,
            fields,
            filter,
        }),
    ))
}

impl fmt::Display for MultikvCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("multikv")?;
        xutil::print_opts(f, &self.options)?;
        if !self.fields.is_empty() {
            write!(f, " fields {}", join_fields(&self.fields))?;
        }
        if !self.filter.is_empty() {
            f.write_str(" filter")?;
            for t in &self.filter {
                write!(f, " {}", lex::quote(t))?;
            }
        }
        Ok(())
    }
}

impl Command for MultikvCmd {
    fn name(&self) -> &'static str {
        "multikv"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "fields": self.fields, "filter": self.filter })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for MultikvCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(MultikvOp {
            copyattrs: opt_bool(&self.options, "copyattrs", true)?,
            rmorig: opt_bool(&self.options, "rmorig", true)?,
            noheader: opt_bool(&self.options, "noheader", false)?,
            forceheader: opt_uint(&self.options, "forceheader")?.map(|n| n as usize),
            fields: self.fields.iter().map(|f| f.name.clone()).collect(),
            filter: self.filter.iter().map(|t| t.to_lowercase()).collect(),
        }))
    }
}

struct MultikvOp {
    copyattrs: bool,
    rmorig: bool,
    noheader: bool,
    forceheader: Option<usize>,
    fields: Vec<String>,
    filter: Vec<String>,
}

/// Splits a row into at most `n` columns (the last takes the rest), or at commas.
fn split_row(line: &str, n: usize, csv: bool) -> Vec<String> {
    if csv {
        return line.split(',').map(|s| s.trim().to_string()).collect();
    }
    let mut out = Vec::new();
    let mut rest = line.trim();
    while !rest.is_empty() {
        if n > 0 && out.len() + 1 == n {
            out.push(rest.to_string());
            break;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        out.push(rest[..end].to_string());
        rest = rest[end..].trim_start();
    }
    out
}

impl Operator for MultikvOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let Some(raw) = ev
            .get("_raw")
            .and_then(|v| v.as_text().map(|t| t.into_owned()))
        else {
            return out(ev);
        };
        let lines: Vec<&str> = raw
            .lines()
            .map(|l| l.trim_end_matches('\r'))
            .filter(|l| !l.trim().is_empty())
            .collect();
        let (header, body, csv): (Vec<String>, &[&str], bool) = if self.noheader {
            (Vec::new(), &lines[..], false)
        } else {
            let h = self.forceheader.unwrap_or(1).max(1) - 1;
            if h >= lines.len() {
                return if self.rmorig { Ok(()) } else { out(ev) };
            }
            let csv = lines[h].contains(',');
            (
                split_row(lines[h], 0, csv)
                    .iter()
                    .map(|c| xutil::clean_key(c))
                    .collect(),
                &lines[h + 1..],
                csv,
            )
        };
        let base = if self.copyattrs {
            let mut b = ev.clone();
            b.remove("_raw");
            b
        } else {
            // "no fields are copied from the original event. This means that
            // the events will have no _time field".
            let mut b = Event::new();
            b.orig_time = ev.orig_time;
            b.seq = ev.seq;
            b
        };
        for line in body {
            if !self.filter.is_empty() {
                let l = line.to_lowercase();
                if !self.filter.iter().any(|t| l.contains(t)) {
                    continue;
                }
            }
            let cols = split_row(line, header.len(), csv);
            let mut row = base.clone();
            for (n, v) in cols.into_iter().enumerate() {
                let name = match header.get(n) {
                    Some(h) => h.clone(),
                    None => format!("Column_{}", n + 1),
                };
                if !self.fields.is_empty() && !self.fields.contains(&name) {
                    continue;
                }
                row.set(name, Value::Str(v));
            }
            row.set("_raw", Value::Str(line.to_string()));
            out(row)?;
        }
        // "each original emitted after the batch of generated results from
        // that original" (rmorig=false).
        if !self.rmorig {
            out(ev)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_split() {
        assert_eq!(
            split_row("1 root  /usr/bin/python -m x", 3, false),
            vec!["1", "root", "/usr/bin/python -m x"]
        );
        assert_eq!(split_row("\"a\",\"b\"", 0, true), vec!["\"a\"", "\"b\""]);
        assert_eq!(xutil::clean_key("\"sc_status\""), "sc_status_");
    }
}
