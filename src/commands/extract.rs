//! `extract [pairdelim=<chars>] [kvdelim=<chars>] [limit=<int>] [maxchars=<int>]
//! [mv_add=<bool>] [clean_keys=<bool>] …` (alias `kv`): key/value pairs from
//! `_raw`.
//!
//! Without delimiters, `key=value` and `key="quoted value"` pairs are found
//! anywhere in the text. With `pairdelim`/`kvdelim`, the text is split into
//! pairs at any of the `pairdelim` characters, and each pair into key and
//! value at the first of the `kvdelim` characters. Keys are cleaned (other
//! characters than letters, digits and `_` become `_`) unless
//! `clean_keys=false`. Fields that already exist keep their value; a key
//! seen twice keeps its first value unless `mv_add=true`.

use std::any::Any;
use std::fmt;

use indexmap::IndexMap;

use super::support::xutil::{self, check_bool, check_uint, get, known_option, opt_bool, opt_uint};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt, Span};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "extract",
    aliases: &["kv"],
    parse,
    syntax: "extract [pairdelim=<chars>] [kvdelim=<chars>] [limit=<int>] [maxchars=<int>] [mv_add=<bool>] [clean_keys=<bool>]",
    plan: super::planner::<ExtractCmd>,
};

const OPTIONS: &[&str] = &[
    "pairdelim",
    "kvdelim",
    "limit",
    "maxchars",
    "mv_add",
    "clean_keys",
    "reload",
    "segment",
    "auto",
];

#[derive(Debug)]
pub struct ExtractCmd {
    pub options: Vec<Opt>,
    /// Named extractions (transforms.conf stanzas): parsed, not runnable.
    pub extractors: Vec<(String, Span)>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut options = Vec::new();
    let mut extractors = Vec::new();
    loop {
        rest = ws(rest);
        if let Some(r) = rest.strip_prefix(',') {
            rest = ws(r);
        }
        if lex::at_command_end(rest) {
            break;
        }
        let (r, o) = known_option(src, rest, "extract", OPTIONS)?;
        if let Some(o) = o {
            match o.key.to_ascii_lowercase().as_str() {
                "limit" | "maxchars" => {
                    check_uint(&o)?;
                }
                "mv_add" | "clean_keys" | "reload" | "segment" | "auto" => check_bool(&o)?,
                _ => {}
            }
            options.push(o);
            rest = r;
            continue;
        }
        let Ok((r, name)) = lex::ident(rest) else {
            return cut(fail(
                rest,
                "expected an extract option such as pairdelim=\";\"",
            ));
        };
        extractors.push((name.to_string(), src.span(rest, r)));
        rest = r;
    }
    Ok((
        rest,
        Box::new(ExtractCmd {
            options,
            extractors,
        }),
    ))
}

impl fmt::Display for ExtractCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("extract")?;
        xutil::print_opts(f, &self.options)?;
        for (n, _) in &self.extractors {
            write!(f, " {n}")?;
        }
        Ok(())
    }
}

impl Command for ExtractCmd {
    fn name(&self) -> &'static str {
        "extract"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "options": self.options,
            "extractors": self.extractors.iter().map(|(n, s)| serde_json::json!({"name": n, "span": s})).collect::<Vec<_>>(),
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for ExtractCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        if let Some((n, s)) = self.extractors.first() {
            return Err(SplError::plan(format!(
                "named extractions ('{n}', from transforms.conf) are not available in spleval"
            ))
            .at(*s));
        }
        let pairdelim = get(&self.options, "pairdelim").map(|o| o.value.clone());
        let kvdelim = get(&self.options, "kvdelim").map(|o| o.value.clone());
        let mode = if pairdelim.is_none() && kvdelim.is_none() {
            Mode::Auto
        } else {
            Mode::Delims {
                pair: pairdelim.unwrap_or_else(|| " \t\n\r,;".into()),
                kv: kvdelim.unwrap_or_else(|| "=".into()),
            }
        };
        Ok(Box::new(ExtractOp {
            mode,
            limit: opt_uint(&self.options, "limit")?.unwrap_or(50) as usize,
            maxchars: opt_uint(&self.options, "maxchars")?.unwrap_or(10240) as usize,
            mv_add: opt_bool(&self.options, "mv_add", false)?,
            clean: opt_bool(&self.options, "clean_keys", true)?,
        }))
    }
}

enum Mode {
    Auto,
    Delims { pair: String, kv: String },
}

struct ExtractOp {
    mode: Mode,
    limit: usize,
    maxchars: usize,
    mv_add: bool,
    clean: bool,
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

/// `key=value` pairs anywhere in the text (values may be quoted).
pub fn auto_pairs(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(off) = text[i..].find('=') {
        let eq = i + off;
        // Key: the word characters just before '='.
        let mut ks = eq;
        while ks > 0 {
            let c = b[ks - 1];
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'-' {
                ks -= 1;
            } else {
                break;
            }
        }
        let key = &text[ks..eq];
        let after = &text[eq + 1..];
        let (val, used) = if let Some(q) = after.strip_prefix('"') {
            match q.find('"') {
                Some(e) => (&q[..e], e + 2),
                None => (q, after.len()),
            }
        } else {
            let e = after
                .find(|c: char| c.is_whitespace() || c == ',' || c == ';')
                .unwrap_or(after.len());
            (&after[..e], e)
        };
        if !key.is_empty() && !key.starts_with(['.', '-']) {
            out.push((key.to_string(), val.to_string()));
        }
        i = eq + 1 + used;
        if i >= text.len() {
            break;
        }
    }
    out
}

/// Pairs split at any of `pair` and then at the first of `kv`.
pub fn delim_pairs(text: &str, pair: &str, kv: &str) -> Vec<(String, String)> {
    text.split(|c: char| pair.contains(c))
        .filter_map(|p| {
            let at = p.find(|c: char| kv.contains(c))?;
            let k = p[..at].trim();
            let v = unquote(&p[at + 1..]);
            (!k.is_empty()).then(|| (k.to_string(), v.to_string()))
        })
        .collect()
}

impl Operator for ExtractOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let Some(raw) = ev
            .get("_raw")
            .and_then(|v| v.as_text().map(|t| t.into_owned()))
        else {
            return out(ev);
        };
        let mut end = self.maxchars.min(raw.len());
        while !raw.is_char_boundary(end) {
            end -= 1;
        }
        let text = &raw[..end];
        let pairs = match &self.mode {
            Mode::Auto => auto_pairs(text),
            Mode::Delims { pair, kv } => delim_pairs(text, pair, kv),
        };
        let mut acc: IndexMap<String, Vec<Value>> = IndexMap::new();
        for (k, v) in pairs {
            let k = if self.clean { xutil::clean_key(&k) } else { k };
            if !acc.contains_key(&k) && acc.len() >= self.limit {
                continue;
            }
            let e = acc.entry(k).or_default();
            if e.is_empty() || self.mv_add {
                e.push(Value::Str(v));
            }
        }
        for (k, vals) in acc {
            if !ev.contains(&k) {
                ev.set(k, Value::multi(vals));
            }
        }
        out(ev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs() {
        assert_eq!(
            auto_pairs(r#"user=bob action="log in" n=3, x=y;z=1 =bad"#),
            vec![
                ("user".to_string(), "bob".to_string()),
                ("action".into(), "log in".into()),
                ("n".into(), "3".into()),
                ("x".into(), "y".into()),
                ("z".into(), "1".into()),
            ]
        );
        assert_eq!(
            delim_pairs("a:1;b: two ;c", ";", ":"),
            vec![
                ("a".to_string(), "1".to_string()),
                ("b".into(), "two".into())
            ]
        );
    }
}
