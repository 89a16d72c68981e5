//! `rex [field=<field>] [max_match=<int>] [offset_field=<string>] "<regex>"`
//! and `rex [field=<field>] mode=sed "s/<re>/<repl>/<flags>" | "y/<from>/<to>/"`.
//!
//! Extract mode: named groups (`(?<name>…)`, `(?P<name>…)`) become fields;
//! `max_match` (default 1, 0 = unlimited) matches make multivalue fields; a
//! regex that does not match leaves the event's fields as they were.
//! Sed mode rewrites the field in place: `s` replaces the first match (or
//! every match with `g`, or the Nth with a number), `\1`…`\9` in the
//! replacement insert groups; `y` transliterates characters.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use super::support::xutil::{self, check_uint, get, known_option};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::regex_util::{self, Regex};
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt, Span};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "rex",
    aliases: &[],
    parse,
    syntax: "rex [field=<field>] [max_match=<int>] [offset_field=<field>] \"<regex>\" | rex [field=<field>] mode=sed \"s/<re>/<repl>/[g|N]\"",
    plan: super::planner::<RexCmd>,
};

const OPTIONS: &[&str] = &["field", "max_match", "offset_field", "mode"];

#[derive(Debug)]
pub struct RexCmd {
    pub options: Vec<Opt>,
    /// The regex (or sed expression), unescaped.
    pub pattern: String,
    pub pattern_span: Span,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut options = Vec::new();
    let mut pattern: Option<(String, Span)> = None;
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        let (r, o) = known_option(src, rest, "rex", OPTIONS)?;
        if let Some(o) = o {
            match o.key.to_ascii_lowercase().as_str() {
                "max_match" => {
                    check_uint(&o)?;
                }
                "mode" if !o.value.eq_ignore_ascii_case("sed") => {
                    return xutil::fail_at(o.span, "rex mode must be sed");
                }
                _ => {}
            }
            options.push(o);
            rest = r;
            continue;
        }
        if rest.starts_with('"') {
            if pattern.is_some() {
                return cut(fail(rest, "rex takes one regular expression"));
            }
            let (r, s) = lex::dquoted(rest)?;
            pattern = Some((s, src.span(rest, r)));
            rest = r;
            continue;
        }
        return cut(fail(
            rest,
            "expected a quoted regular expression or a rex option (field=, max_match=, offset_field=, mode=sed)",
        ));
    }
    let Some((pattern, pattern_span)) = pattern else {
        return cut(fail(rest, "rex needs a quoted regular expression"));
    };
    let cmd = RexCmd {
        options,
        pattern,
        pattern_span,
    };
    // Check the expression now, so its errors point at it.
    if cmd.is_sed() {
        if let Err(m) = Sed::parse(&cmd.pattern) {
            return Err(nom::Err::Failure(PErr::spanning(pattern_span, m)));
        }
    } else {
        match regex_util::compile(&cmd.pattern) {
            Err(m) => return Err(nom::Err::Failure(PErr::spanning(pattern_span, m))),
            Ok(re) => {
                if named_groups(&re).is_empty() {
                    return Err(nom::Err::Failure(
                        PErr::spanning(
                            pattern_span,
                            "the regex does not extract anything: it needs at least one named group",
                        )
                        .with_help("name a group like (?<user>\\w+)"),
                    ));
                }
            }
        }
    }
    Ok((rest, Box::new(cmd)))
}

impl RexCmd {
    fn is_sed(&self) -> bool {
        get(&self.options, "mode").is_some_and(|o| o.value.eq_ignore_ascii_case("sed"))
    }
}

impl fmt::Display for RexCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("rex")?;
        xutil::print_opts(f, &self.options)?;
        write!(f, " {}", lex::quote(&self.pattern))
    }
}

/// Named groups of a regex with their group index.
pub fn named_groups(re: &Regex) -> Vec<(usize, String)> {
    re.capture_names()
        .enumerate()
        .filter_map(|(i, n)| n.map(|n| (i, n.to_string())))
        .collect()
}

impl Command for RexCmd {
    fn name(&self) -> &'static str {
        "rex"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "options": self.options,
            "pattern": self.pattern,
            "pattern_span": self.pattern_span,
        })
    }
    fn writes(&self) -> Vec<String> {
        group_names(&self.pattern)
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        // It reads its input field (`_raw` by default) and adds the groups.
        let field = self
            .options
            .iter()
            .find(|o| o.key.eq_ignore_ascii_case("field"))
            .map_or_else(|| "_raw".to_string(), |o| o.value.clone());
        crate::spl::fields::Flow::reads([field])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for RexCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let field = get(&self.options, "field")
            .map(|o| o.value.clone())
            .unwrap_or_else(|| "_raw".to_string());
        if self.is_sed() {
            let sed =
                Sed::parse(&self.pattern).map_err(|m| SplError::plan(m).at(self.pattern_span))?;
            return Ok(Box::new(SedOp { field, sed }));
        }
        let re = regex_util::compile(&self.pattern)
            .map_err(|m| SplError::plan(m).at(self.pattern_span))?;
        let max = xutil::opt_uint(&self.options, "max_match")?.unwrap_or(1);
        Ok(Box::new(RexOp {
            field,
            groups: named_groups(&re),
            re,
            max: if max == 0 { usize::MAX } else { max as usize },
            offset_field: get(&self.options, "offset_field").map(|o| o.value.clone()),
        }))
    }
}

struct RexOp {
    field: String,
    re: Arc<Regex>,
    groups: Vec<(usize, String)>,
    max: usize,
    offset_field: Option<String>,
}

impl Operator for RexOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let texts: Vec<String> = match ev.get(&self.field) {
            Some(v) => v
                .values()
                .iter()
                .filter_map(|x| x.as_text().map(|t| t.into_owned()))
                .collect(),
            None => return out(ev),
        };
        let mut found: Vec<Vec<Value>> = vec![Vec::new(); self.groups.len()];
        let mut offsets: Vec<String> = Vec::new();
        let mut matches = 0usize;
        'values: for text in &texts {
            for caps in self.re.captures_iter(text) {
                if matches >= self.max {
                    break 'values;
                }
                let caps = caps
                    .map_err(|e| SplError::runtime(format!("rex: regex evaluation failed: {e}")))?;
                matches += 1;
                for (k, (idx, name)) in self.groups.iter().enumerate() {
                    if let Some(m) = caps.get(*idx) {
                        found[k].push(Value::Str(m.as_str().to_string()));
                        if self.offset_field.is_some() {
                            let start = text[..m.start()].chars().count();
                            let len = m.as_str().chars().count();
                            let end = (start + len).saturating_sub(1);
                            offsets.push(format!("{name}={start}-{end}"));
                        }
                    }
                }
            }
        }
        for ((_, name), vals) in self.groups.iter().zip(found) {
            if !vals.is_empty() {
                ev.set(name.clone(), Value::multi(vals));
            }
        }
        if let Some(of) = &self.offset_field {
            if !offsets.is_empty() {
                ev.set(of.clone(), Value::Str(offsets.join("&")));
            }
        }
        out(ev)
    }
}

/// A parsed sed expression.
#[derive(Debug)]
enum Sed {
    /// `s/re/repl/flags`: `nth` 0 = every match (g), else only the Nth.
    Subst {
        re: Arc<Regex>,
        repl: String,
        nth: usize,
    },
    /// `y/from/to/`.
    Translit { from: Vec<char>, to: Vec<char> },
}

/// Splits `rest` at unescaped `delim`s into `n` parts plus what follows.
fn split_parts(rest: &str, delim: char, n: usize) -> Option<(Vec<String>, String)> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(d) if d == delim => cur.push(d),
                Some(d) => {
                    cur.push('\\');
                    cur.push(d);
                }
                None => cur.push('\\'),
            }
        } else if c == delim {
            parts.push(std::mem::take(&mut cur));
            if parts.len() == n {
                return Some((parts, chars.collect()));
            }
        } else {
            cur.push(c);
        }
    }
    None
}

impl Sed {
    fn parse(expr: &str) -> std::result::Result<Sed, String> {
        let mut chars = expr.chars();
        let cmd = chars.next();
        let delim = chars.next();
        let (Some(cmd), Some(delim)) = (cmd, delim) else {
            return Err(
                "a sed expression is s/<regex>/<replacement>/[flags] or y/<from>/<to>/".into(),
            );
        };
        let rest: String = chars.collect();
        match cmd {
            's' => {
                let (parts, flags) = split_parts(&rest, delim, 2).ok_or_else(|| {
                    format!("unterminated sed expression: expected s{delim}<regex>{delim}<replacement>{delim}[flags]")
                })?;
                let re = regex_util::compile(&parts[0])?;
                let nth = match flags.as_str() {
                    "" => 1,
                    "g" => 0,
                    n => n
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| format!("unknown sed flags {n:?}: use g or a number N"))?,
                };
                Ok(Sed::Subst {
                    re,
                    repl: parts[1].clone(),
                    nth,
                })
            }
            'y' => {
                let (parts, tail) = split_parts(&rest, delim, 2)
                    .ok_or_else(|| format!("unterminated sed expression: expected y{delim}<from>{delim}<to>{delim}"))?;
                if !tail.is_empty() {
                    return Err(format!("y takes no flags (got {tail:?})"));
                }
                let from: Vec<char> = parts[0].chars().collect();
                let to: Vec<char> = parts[1].chars().collect();
                if from.len() != to.len() {
                    return Err("y/<from>/<to>/ needs as many characters in <to> as in <from>".into());
                }
                Ok(Sed::Translit { from, to })
            }
            other => Err(format!(
                "unsupported sed command '{other}': only s (replace) and y (substitute characters) exist"
            )),
        }
    }

    fn apply(&self, text: &str) -> Result<String> {
        match self {
            Sed::Translit { from, to } => Ok(text
                .chars()
                .map(|c| match from.iter().position(|f| *f == c) {
                    Some(i) => to[i],
                    None => c,
                })
                .collect()),
            Sed::Subst { re, repl, nth } => {
                let mut out = String::with_capacity(text.len());
                let mut last = 0;
                for (n, caps) in re.captures_iter(text).enumerate() {
                    let caps = caps.map_err(|e| {
                        SplError::runtime(format!("rex: regex evaluation failed: {e}"))
                    })?;
                    let m = caps.get(0).expect("group 0");
                    if *nth != 0 && n + 1 != *nth {
                        if n + 1 > *nth {
                            break;
                        }
                        continue;
                    }
                    out.push_str(&text[last..m.start()]);
                    expand(repl, &caps, &mut out);
                    last = m.end();
                }
                out.push_str(&text[last..]);
                Ok(out)
            }
        }
    }
}

/// Writes a sed replacement: `\N` inserts group N, `\\` a backslash.
fn expand(repl: &str, caps: &fancy_regex::Captures<'_>, out: &mut String) {
    let mut chars = repl.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some(d) if d.is_ascii_digit() => {
                chars.next();
                if let Some(g) = caps.get(d.to_digit(10).unwrap_or(0) as usize) {
                    out.push_str(g.as_str());
                }
            }
            Some('\\') => {
                chars.next();
                out.push('\\');
            }
            Some('n') => {
                chars.next();
                out.push('\n');
            }
            Some('t') => {
                chars.next();
                out.push('\t');
            }
            _ => out.push('\\'),
        }
    }
}

struct SedOp {
    field: String,
    sed: Sed,
}

impl Operator for SedOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if let Some(v) = ev.get(&self.field) {
            let mut vals = Vec::with_capacity(v.mv_count());
            for x in v.values() {
                match x.as_text() {
                    Some(t) => vals.push(Value::Str(self.sed.apply(&t)?)),
                    None => vals.push(x.clone()),
                }
            }
            let field = self.field.clone();
            ev.set(field, Value::multi(vals));
        }
        out(ev)
    }
}

/// The names of a pattern's named groups (`(?<name>…)`, `(?P<name>…)`), in order.
pub(crate) fn group_names(pattern: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = pattern;
    while let Some(i) = rest.find("(?") {
        let after = &rest[i + 2..];
        let after = after.strip_prefix('P').unwrap_or(after);
        if let Some(name) = after.strip_prefix('<').and_then(|a| a.split_once('>')) {
            let n = name.0;
            if !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_') {
                out.push(n.to_string());
            }
        }
        rest = &rest[i + 2..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sed_substitutions() {
        let s = Sed::parse(r"s/(\d{4}-){3}/XXXX-XXXX-XXXX-/g").unwrap();
        assert_eq!(
            s.apply("1234-5678-9012-3456 and 1111-2222-3333-4444")
                .unwrap(),
            "XXXX-XXXX-XXXX-3456 and XXXX-XXXX-XXXX-4444"
        );
        let s = Sed::parse("s/a/b/").unwrap();
        assert_eq!(s.apply("aaa").unwrap(), "baa");
        let s = Sed::parse("s/a/b/2").unwrap();
        assert_eq!(s.apply("aaa").unwrap(), "aba");
        let s = Sed::parse(r"s/(\w+)@(\w+)/\2 at \1/").unwrap();
        assert_eq!(s.apply("bob@corp").unwrap(), "corp at bob");
        let s = Sed::parse(r"s/\//|/g").unwrap();
        assert_eq!(s.apply("a/b/c").unwrap(), "a|b|c");
        let y = Sed::parse("y/abc/xyz/").unwrap();
        assert_eq!(y.apply("aabbcc-d").unwrap(), "xxyyzz-d");
        assert!(Sed::parse("y/ab/x/").is_err());
        assert!(Sed::parse("s/a/b/q").is_err());
        assert!(Sed::parse("d/a/").is_err());
    }
}
