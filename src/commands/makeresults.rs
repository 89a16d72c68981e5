//! `| makeresults [count=N] [annotate=t] [format=csv|json data=<string>]`:
//! generates N results with `_time` set to now (the `--now` time when
//! given), or one result per row of `data` (CSV with a header row, or a JSON
//! array of objects), each with `_time` unless the data gives one.

use std::any::Any;
use std::fmt;

use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "makeresults",
    aliases: &[],
    parse,
    syntax: "| makeresults [count=<N> | <N>] [annotate=<bool>] [format=csv|json data=<string>]",
    plan: super::planner::<MakeresultsCmd>,
};

#[derive(Debug)]
pub struct MakeresultsCmd {
    pub options: Vec<Opt>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut options = Vec::new();
    let mut rest = ws(i);
    while !lex::at_command_end(rest) {
        // A bare count (`| makeresults 1`, as the searchmatch page's example
        // writes it) is `count=<N>`.
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && options.is_empty() {
            let after = &rest[digits..];
            if after.is_empty()
                || after.starts_with(char::is_whitespace)
                || lex::at_command_end(after)
            {
                options.push(Opt {
                    key: "count".into(),
                    value: rest[..digits].to_string(),
                    quoted: false,
                    span: src.span(rest, after),
                });
                rest = ws(after);
                continue;
            }
        }
        let Some((r, o)) = lex::option(rest, src) else {
            return cut(fail(rest, "expected count=<N> or annotate=<bool>"));
        };
        let key = o.key.to_ascii_lowercase();
        if ![
            "count",
            "annotate",
            "splunk_server",
            "splunk_server_group",
            "format",
            "data",
        ]
        .contains(&key.as_str())
        {
            return Err(nom::Err::Failure(lex::PErr::spanning(
                o.span,
                format!("unknown makeresults option '{}'", o.key),
            )));
        }
        options.push(o);
        rest = ws(r);
    }
    Ok((rest, Box::new(MakeresultsCmd { options })))
}

impl fmt::Display for MakeresultsCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("makeresults")?;
        for o in &self.options {
            write!(f, " {o}")?;
        }
        Ok(())
    }
}

impl Command for MakeresultsCmd {
    fn name(&self) -> &'static str {
        "makeresults"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Generating
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for MakeresultsCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let mut count = 1u64;
        let mut annotate = false;
        let mut format = None;
        let mut data = None;
        for o in &self.options {
            match o.key.to_ascii_lowercase().as_str() {
                "count" => {
                    count = o
                        .value
                        .parse()
                        .map_err(|_| SplError::plan("count must be a whole number").at(o.span))?
                }
                "annotate" => {
                    annotate = o.as_bool().ok_or_else(|| {
                        SplError::plan("annotate must be true or false").at(o.span)
                    })?
                }
                "format" => format = Some(o),
                "data" => data = Some(o),
                _ => {}
            }
        }
        let rows = match (format, data) {
            (None, None) => None,
            (Some(f), Some(d)) => {
                if !["csv", "json"].contains(&f.value.to_ascii_lowercase().as_str()) {
                    return Err(SplError::plan(format!(
                        "makeresults format must be csv or json, not '{}'",
                        f.value
                    ))
                    .at(f.span));
                }
                Some(data_rows(&f.value, &d.value).map_err(|e| e.at(d.span))?)
            }
            (Some(o), None) | (None, Some(o)) => {
                return Err(SplError::plan("makeresults needs both format= and data=").at(o.span))
            }
        };
        Ok(Box::new(MakeresultsOp {
            count,
            annotate,
            now: ctx.fn_ctx.now,
            rows,
        }))
    }
}

/// `splunk_server` of `annotate=true` results.
pub const SERVER_NAME: &str = "spleval";

struct MakeresultsOp {
    count: u64,
    annotate: bool,
    now: f64,
    /// `format=`/`data=`: the rows to generate (count is then ignored).
    rows: Option<Vec<Vec<(String, Value)>>>,
}

/// The rows of `data=` in `format=csv` (a header row, then one row per
/// result; cells and names trimmed of spaces) or `format=json` (an array of
/// objects, or one object).
fn data_rows(format: &str, data: &str) -> Result<Vec<Vec<(String, Value)>>> {
    match format.to_ascii_lowercase().as_str() {
        "csv" => {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .trim(csv::Trim::All)
                .from_reader(data.as_bytes());
            let mut header: Option<Vec<String>> = None;
            let mut rows = Vec::new();
            for rec in rdr.records() {
                let rec = rec.map_err(|e| SplError::plan(format!("makeresults data: {e}")))?;
                let cells: Vec<String> = rec.iter().map(|c| c.trim().to_string()).collect();
                match &header {
                    None => header = Some(cells),
                    Some(h) => {
                        if cells.iter().all(|c| c.is_empty()) {
                            continue;
                        }
                        rows.push(
                            h.iter()
                                .zip(cells)
                                .filter(|(_, c)| !c.is_empty())
                                .map(|(n, c)| (n.clone(), Value::Str(c)))
                                .collect(),
                        );
                    }
                }
            }
            Ok(rows)
        }
        "json" => {
            let j: serde_json::Value = serde_json::from_str(data)
                .map_err(|e| SplError::plan(format!("makeresults data is not JSON: {e}")))?;
            let objects = match j {
                serde_json::Value::Array(a) => a,
                o @ serde_json::Value::Object(_) => vec![o],
                _ => {
                    return Err(SplError::plan(
                        "makeresults format=json data must be an object or an array of objects",
                    ))
                }
            };
            let mut rows = Vec::new();
            for o in objects {
                let serde_json::Value::Object(m) = o else {
                    return Err(SplError::plan(
                        "makeresults format=json data must be an object or an array of objects",
                    ));
                };
                rows.push(
                    m.iter()
                        .filter(|(_, v)| !v.is_null())
                        .map(|(k, v)| {
                            let v = match v {
                                serde_json::Value::Array(a) => Value::multi(
                                    a.iter()
                                        .map(|x| {
                                            Value::Str(crate::functions::spath_path::render_json(x))
                                        })
                                        .collect(),
                                ),
                                x => Value::Str(crate::functions::spath_path::render_json(x)),
                            };
                            (k.clone(), v)
                        })
                        .collect(),
                );
            }
            Ok(rows)
        }
        other => Err(SplError::plan(format!(
            "makeresults format must be csv or json, not '{other}'"
        ))),
    }
}

impl Operator for MakeresultsOp {
    fn push(&mut self, _ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        Ok(())
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        if let Some(rows) = self.rows.take() {
            for (n, row) in rows.into_iter().enumerate() {
                let mut ev = Event::new();
                ev.set("_time", Value::Num(self.now.floor()));
                for (k, v) in row {
                    ev.set(k, v);
                }
                ev.orig_time = self.now;
                ev.seq = n as u64;
                out(ev)?;
            }
            return Ok(());
        }
        for n in 0..self.count {
            let mut ev = Event::new();
            ev.set("_time", Value::Num(self.now.floor()));
            if self.annotate {
                // Splunk adds _raw, host, source, sourcetype and splunk_server_group
                // without values (no field here) and splunk_server, the name of
                // the server the search ran on.
                ev.set("splunk_server", Value::str(SERVER_NAME));
            }
            ev.orig_time = self.now;
            ev.seq = n;
            out(ev)?;
        }
        Ok(())
    }
}
