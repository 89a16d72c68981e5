//! `convert [timeformat="…"] <fn>(<field>) [AS <new>]…` with the functions
//! `ctime mktime dur2sec mstime memk num auto rmcomma rmunit none`.
//! `timeformat` defaults to `%m/%d/%Y %H:%M:%S`; times render in `--tz`.

use std::any::Any;
use std::fmt;

use super::support::fields::{at_keyword, field_ref, wildcard_captures, wildcard_fill, FieldRef};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::{format_number, parse_number, Value};
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::functions::FnCtx;
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "convert",
    aliases: &[],
    parse,
    syntax: "convert [timeformat=<string>] ctime|mktime|dur2sec|mstime|memk|num|auto|rmcomma|rmunit|none(<field>) [AS <new>]…",
    plan: super::planner::<ConvertCmd>,
};

pub const DEFAULT_TIMEFORMAT: &str = "%m/%d/%Y %H:%M:%S";

const FUNCS: &[&str] = &[
    "ctime", "mktime", "dur2sec", "mstime", "memk", "num", "auto", "rmcomma", "rmunit", "none",
];

#[derive(Debug, serde::Serialize)]
pub struct Conversion {
    pub func: String,
    pub field: FieldRef,
    pub alias: Option<FieldRef>,
}

#[derive(Debug)]
pub struct ConvertCmd {
    pub timeformat: Option<Opt>,
    pub conversions: Vec<Conversion>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut timeformat = None;
    let mut conversions = Vec::new();
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if let Some((r, o)) = lex::option(rest, src) {
            if o.key.eq_ignore_ascii_case("timeformat") {
                timeformat = Some(o);
                rest = r;
                continue;
            }
        }
        let (r, name) = cut(lex::ident(rest))?;
        let lname = name.to_ascii_lowercase();
        if !FUNCS.contains(&lname.as_str()) {
            return Err(nom::Err::Failure(
                lex::PErr::spanning(
                    src.span(rest, r),
                    format!("unknown convert function '{name}'"),
                )
                .with_help(format!("convert functions: {}", FUNCS.join(", "))),
            ));
        }
        let (r, _) = cut(lex::expect_char(r, '('))?;
        let (r, field) = cut(field_ref(src, r))?;
        let (r, _) = cut(lex::expect_char(r, ')'))?;
        let (r, alias) = match at_keyword(r, &["as"]) {
            Some(after) => {
                let (r, a) = cut(field_ref(src, after))?;
                (r, Some(a))
            }
            None => (r, None),
        };
        conversions.push(Conversion {
            func: lname,
            field,
            alias,
        });
        rest = ws(r);
        if let Some(r) = rest.strip_prefix(',') {
            rest = r;
        }
    }
    if conversions.is_empty() {
        return cut(fail(
            rest,
            "convert needs at least one conversion such as ctime(field)",
        ));
    }
    Ok((
        rest,
        Box::new(ConvertCmd {
            timeformat,
            conversions,
        }),
    ))
}

impl fmt::Display for ConvertCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("convert")?;
        if let Some(t) = &self.timeformat {
            write!(f, " timeformat={}", lex::quote(&t.value))?;
        }
        for c in &self.conversions {
            write!(f, " {}({})", c.func, c.field)?;
            if let Some(a) = &c.alias {
                write!(f, " AS {a}")?;
            }
        }
        Ok(())
    }
}

impl Command for ConvertCmd {
    fn name(&self) -> &'static str {
        "convert"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "timeformat": self.timeformat, "conversions": self.conversions })
    }
    fn writes(&self) -> Vec<String> {
        self.conversions
            .iter()
            .filter_map(|c| c.alias.as_ref().map(|a| a.name.clone()))
            .collect()
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::reads(self.conversions.iter().flat_map(|c| {
            std::iter::once(c.field.name.clone()).chain(c.alias.as_ref().map(|a| a.name.clone()))
        }))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for ConvertCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        for c in &self.conversions {
            if let Some(a) = &c.alias {
                if a.name.contains('*') && !c.field.name.contains('*') {
                    return Err(
                        SplError::plan("a wildcard AS name needs a wildcard field").at(a.span)
                    );
                }
            }
        }
        Ok(Box::new(ConvertOp {
            timeformat: self
                .timeformat
                .as_ref()
                .map(|o| o.value.clone())
                .unwrap_or_else(|| DEFAULT_TIMEFORMAT.to_string()),
            convs: self
                .conversions
                .iter()
                .map(|c| {
                    (
                        c.func.clone(),
                        c.field.name.clone(),
                        c.alias.as_ref().map(|a| a.name.clone()),
                    )
                })
                .collect(),
            ctx: ctx.fn_ctx.clone(),
        }))
    }
}

struct ConvertOp {
    timeformat: String,
    convs: Vec<(String, String, Option<String>)>,
    ctx: FnCtx,
}

impl ConvertOp {
    fn convert_one(&self, func: &str, v: &Value) -> Option<Value> {
        let text = v.as_text()?;
        match func {
            "ctime" => {
                let t = v.as_num()?;
                Some(Value::Str(crate::time::strftime(
                    t,
                    &self.timeformat,
                    self.ctx.tz,
                )))
            }
            "mktime" => crate::time::strptime(&text, &self.timeformat, self.ctx.tz).map(Value::Num),
            "dur2sec" => dur2sec(&text).map(Value::Num),
            "mstime" => mstime(&text).map(Value::Num),
            "memk" => memk(&text).map(Value::Num),
            "num" | "auto" => auto_number(&text).map(Value::Num),
            "rmcomma" => Some(Value::Str(text.replace(',', ""))),
            "rmunit" => leading_number(&text, true)
                .map(|n| Value::Str(format_number(n)))
                .or_else(|| Some(v.clone())),
            _ => Some(v.clone()),
        }
    }
}

/// `auto` and `num`: the best known conversion of the whole text to a
/// number: a number, a number written with thousands commas (`1,024`), or
/// a `[D+]HH:MM:SS` duration in seconds (the page's `num(time_elapsed)`).
fn auto_number(t: &str) -> Option<f64> {
    let t = t.trim();
    parse_number(t)
        .or_else(|| {
            let plain = t.replace(',', "");
            (t.contains(',') && !t.starts_with(',') && !t.contains(",,"))
                .then(|| parse_number(&plain))
                .flatten()
        })
        .or_else(|| t.contains(':').then(|| dur2sec(t)).flatten())
}

/// `rmunit`: a leading number (`prefix`), else the whole text as a number.
fn leading_number(t: &str, prefix: bool) -> Option<f64> {
    let t = t.trim();
    if !prefix {
        return parse_number(t);
    }
    let end = t
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .map(|(n, _)| n)
        .unwrap_or(t.len());
    parse_number(&t[..end])
}

/// `[D+]HH:MM:SS` → seconds: the page's format, exactly three parts (the
/// seconds may have a fraction); other text (`12:30`, `03:25.500`, which is
/// `mstime()`'s `MM:SS.SSS`) is not a duration.
fn dur2sec(t: &str) -> Option<f64> {
    let t = t.trim();
    let (days, rest) = match t.split_once('+') {
        Some((d, r)) => (d.trim().parse::<u64>().ok()? as f64, r),
        None => (0.0, t),
    };
    let parts: Vec<&str> = rest.split(':').map(str::trim).collect();
    let [h, m, s] = parts.as_slice() else {
        return None;
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
    if !digits(h) || !digits(m) || !digits(whole) || !digits(frac) {
        return None;
    }
    let n = |x: &str| x.parse::<f64>().ok();
    Some(days * 86400.0 + n(h)? * 3600.0 + n(m)? * 60.0 + n(s)?)
}

/// `[MM:]SS.SSS` → seconds.
fn mstime(t: &str) -> Option<f64> {
    let t = t.trim();
    match t.split_once(':') {
        Some((m, s)) => Some(m.parse::<f64>().ok()? * 60.0 + s.parse::<f64>().ok()?),
        None => t.parse().ok(),
    }
}

/// `10k`, `3m`, `2g` (or a plain number of kilobytes) → kilobytes.
fn memk(t: &str) -> Option<f64> {
    let t = t.trim();
    let (num, mult) = match t.chars().last()?.to_ascii_lowercase() {
        'k' => (&t[..t.len() - 1], 1.0),
        'm' => (&t[..t.len() - 1], 1024.0),
        'g' => (&t[..t.len() - 1], 1024.0 * 1024.0),
        _ => (t, 1.0),
    };
    Some(num.trim().parse::<f64>().ok()? * mult)
}

impl Operator for ConvertOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        // none(<wc-field>): fields the other conversions leave alone.
        let excluded = |n: &str| {
            self.convs
                .iter()
                .any(|(f, p, _)| f == "none" && wildcard_captures(p, n).is_some())
        };
        for (func, field, alias) in &self.convs {
            if func == "none" {
                continue;
            }
            let targets: Vec<(String, String)> = if field.contains('*') {
                ev.names()
                    .filter(|n| !excluded(n) && (!n.starts_with('_') || field.starts_with('_')))
                    .filter_map(|n| {
                        wildcard_captures(field, n).map(|caps| {
                            let to = alias
                                .as_ref()
                                .map(|a| wildcard_fill(a, &caps))
                                .unwrap_or_else(|| n.to_string());
                            (n.to_string(), to)
                        })
                    })
                    .collect()
            } else {
                vec![(
                    field.clone(),
                    alias.clone().unwrap_or_else(|| field.clone()),
                )]
            };
            for (from, to) in targets {
                let Some(v) = ev.get(&from) else { continue };
                let converted: Vec<Value> = v
                    .values()
                    .iter()
                    .filter_map(|x| self.convert_one(func, x))
                    .collect();
                if func == "num" {
                    // "Like auto(), except non-convertible values are removed"
                    // (Search Reference, convert).
                    ev.set(to, Value::multi(converted));
                    continue;
                }
                if func == "auto" && converted.len() < v.mv_count() {
                    // "if not all values of a particular field can be
                    // converted …, the field is left untouched".
                    continue;
                }
                if converted.is_empty() {
                    // A value that does not convert is left as it was (Splunk keeps it).
                    if from != to {
                        let keep = v.clone();
                        ev.set(to, keep);
                    }
                    continue;
                }
                ev.set(to, Value::multi(converted));
            }
        }
        out(ev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(dur2sec("00:01:30"), Some(90.0));
        assert_eq!(dur2sec("1+00:00:01"), Some(86401.0));
        assert_eq!(dur2sec("01:02:03.25"), Some(3723.25));
        // Not [D+]HH:MM:SS: two or four parts, signs, empty parts.
        for t in [
            "12:30",
            "03:25.500",
            "1:2:3:4",
            "-1:00:00",
            "1::3",
            "a+00:00:01",
        ] {
            assert_eq!(dur2sec(t), None, "{t}");
        }
        assert_eq!(auto_number("03:25.500"), None);
        assert_eq!(auto_number("1,024"), Some(1024.0));
        assert_eq!(mstime("01:02.5"), Some(62.5));
        assert_eq!(memk("2m"), Some(2048.0));
    }
}
