//! Search-language matching: a [`SearchExpr`] compiled once into a
//! [`Matcher`] (wildcards → regexes, values lower-cased, CIDRs parsed,
//! relative times resolved), then tested against each event.
//!
//! Splunk's rules: `field=value` compares strings, case-insensitively, with
//! `*` wildcards (`1` does not match `1.0`; `field=CASE(Value)` is
//! case-sensitive); `<`, `>`, `<=`, `>=` compare numbers numerically and other
//! values lexicographically; a multivalue field matches when any value does;
//! `field!=value` needs the field to exist; a bare term matches a whole token
//! of `_raw` (tokens are split at Splunk's major and minor breakers).

use ipnet::IpNet;
use regex::Regex;
use std::sync::OnceLock;

use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::event::Fields;
use crate::base::span::Span;
use crate::base::value::{compare, parse_number, Value};
use crate::functions::FnCtx;
use crate::spl::ast::Pipeline;
use crate::spl::search_expr::TermKind as ValueKind;
use crate::spl::search_expr::{CmpOp, SValue, SearchExpr, TermKind};

/// Characters that separate tokens in `_raw` (Splunk's default major and minor breakers).
const BREAKERS: &str = r#"\s\[\]<>(){}|!;,'"*&?+/:=@.\-$#%\\_"#;
const MAJOR_BREAKERS: &str = r#"\s\[\]<>(){}|!;,'"*&?+"#;

#[derive(Debug)]
pub enum Pattern {
    /// `field=*`: the field exists.
    Exists,
    /// Exact text (lower-cased): the search command's `=` compares strings
    /// (Search Reference, search command: "1" does not match "1.0").
    Exact { lower: String },
    /// `field=CASE(Value)`: exact text, case-sensitively.
    ExactCase(String),
    /// Wildcard pattern, anchored and case-insensitive: matched piece by
    /// piece on ASCII text, by the regex otherwise (Unicode case folding).
    Wild(WildRegex, Glob),
    /// `field=10.0.0.0/8`: addresses in the subnet.
    Cidr(IpNet),
}

/// Compiles a wildcard's regex once per process: detections repeat the same
/// patterns (`*\\cmd.exe`), and a hunt plans ~1,500 of them.
fn wildcard_regex(re: &str) -> std::result::Result<Regex, regex::Error> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, Regex>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(r) = cache.lock().ok().and_then(|c| c.get(re).cloned()) {
        return Ok(r);
    }
    let r = Regex::new(re)?;
    if let Ok(mut c) = cache.lock() {
        if c.len() > 10_000 {
            c.clear();
        }
        c.insert(re.to_string(), r.clone());
    }
    Ok(r)
}

/// A wildcard's regex, compiled when first needed: an ASCII pattern needs
/// it only for non-ASCII text, which most inputs never hold, and a hunt
/// plans thousands of patterns (building their automata was a fifth of the
/// instructions of a hunt over one Mordor file). Patterns the glob cannot
/// decide alone, and long ones, are compiled at plan time, so a pattern too
/// large for the regex engine is a plan error there.
#[derive(Debug)]
pub struct WildRegex {
    src: String,
    re: OnceLock<Option<Regex>>,
}

impl WildRegex {
    /// Patterns shorter than this, glob-decidable on ASCII, compile lazily.
    const LAZY_MAX: usize = 4096;

    fn new(src: String, eager: bool) -> std::result::Result<WildRegex, regex::Error> {
        let re = OnceLock::new();
        if eager || src.len() > Self::LAZY_MAX {
            let _ = re.set(Some(wildcard_regex(&src)?));
        }
        Ok(WildRegex { src, re })
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.re
            .get_or_init(|| wildcard_regex(&self.src).ok())
            .as_ref()
            .is_some_and(|r| r.is_match(text))
    }
}

/// A `*` wildcard pattern as its literal pieces (lower-cased), for ASCII
/// text: what the detections' `*\\cmd.exe` patterns need, without a regex
/// scan per value.
#[derive(Debug)]
pub struct Glob {
    pieces: Vec<Vec<u8>>,
    /// The pattern is ASCII (else the regex always decides).
    ascii: bool,
}

impl Glob {
    fn new(text: &str) -> Glob {
        Glob {
            pieces: text
                .split('*')
                .map(|p| p.to_ascii_lowercase().into_bytes())
                .collect(),
            ascii: text.is_ascii(),
        }
    }

    /// Whether ASCII `text` matches (case-insensitively); None when the
    /// text or the pattern is not ASCII.
    fn matches(&self, text: &str) -> Option<bool> {
        if !self.ascii || !text.is_ascii() {
            return None;
        }
        let t = text.as_bytes();
        let (first, rest) = self.pieces.split_first()?;
        let (last, middle) = match rest.split_last() {
            Some(x) => x,
            // No `*` at all: the whole text.
            None => return Some(t.eq_ignore_ascii_case(first)),
        };
        if t.len() < first.len() + last.len() || !t[..first.len()].eq_ignore_ascii_case(first) {
            return Some(false);
        }
        let end = t.len() - last.len();
        if !t[end..].eq_ignore_ascii_case(last) {
            return Some(false);
        }
        // The middle pieces, in order, between the two ends (leftmost first).
        let mut at = first.len();
        for p in middle {
            match find_ignore_case(&t[at..end], p) {
                Some(i) => at += i + p.len(),
                None => return Some(false),
            }
        }
        Some(true)
    }
}

/// The first position of `needle` (lower-case ASCII) in ASCII `hay`, case-insensitively.
fn find_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    if hay.len() < needle.len() {
        return None;
    }
    // Candidates are found by their first byte in either case (memchr2,
    // SIMD), then compared whole.
    let first = needle[0];
    let last_start = hay.len() - needle.len();
    let mut from = 0;
    while from <= last_start {
        let at =
            from + memchr::memchr2(first, first.to_ascii_uppercase(), &hay[from..=last_start])?;
        if hay[at..at + needle.len()].eq_ignore_ascii_case(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

impl Pattern {
    pub fn new(text: &str) -> Result<Pattern> {
        if text == "*" {
            return Ok(Pattern::Exists);
        }
        if text.contains('*') {
            let mut re = String::from("(?is)^");
            for (n, part) in text.split('*').enumerate() {
                if n > 0 {
                    re.push_str(".*");
                }
                re.push_str(&regex::escape(part));
            }
            re.push('$');
            let glob = Glob::new(text);
            return WildRegex::new(re, !glob.ascii)
                .map(|r| Pattern::Wild(r, glob))
                .map_err(|e| SplError::plan(format!("bad wildcard pattern {text:?}: {e}")));
        }
        if text.contains('/') {
            if let Ok(net) = text.parse::<IpNet>() {
                return Ok(Pattern::Cidr(net));
            }
        }
        Ok(Pattern::Exact {
            lower: text.to_lowercase(),
        })
    }

    /// The pattern for a value written with a directive: `CASE(…)` matches
    /// case-sensitively (wildcards still apply); `TERM(…)` on a field value
    /// is the value itself (a field value is already one whole term).
    pub fn with_kind(text: &str, kind: ValueKind) -> Result<Pattern> {
        if kind != ValueKind::Case || text == "*" {
            return Pattern::new(text);
        }
        if text.contains('*') {
            let mut re = String::from("(?s)^");
            for (n, part) in text.split('*').enumerate() {
                if n > 0 {
                    re.push_str(".*");
                }
                re.push_str(&regex::escape(part));
            }
            re.push('$');
            let glob = Glob {
                pieces: Vec::new(),
                ascii: false,
            };
            return WildRegex::new(re, true)
                .map(|r| Pattern::Wild(r, glob))
                .map_err(|e| SplError::plan(format!("bad wildcard pattern {text:?}: {e}")));
        }
        Ok(Pattern::ExactCase(text.to_string()))
    }

    /// Does one scalar value match?
    pub fn matches(&self, v: &Value) -> bool {
        match self {
            Pattern::Exists => !v.is_null(),
            Pattern::Exact { lower } => match v.as_text() {
                Some(t) => eq_ignore_case(&t, lower),
                None => false,
            },
            Pattern::ExactCase(text) => v.as_text().is_some_and(|t| t == text.as_str()),
            Pattern::Wild(re, glob) => v.as_text().is_some_and(|t| match glob.matches(&t) {
                Some(m) => m,
                None => re.is_match(&t),
            }),
            Pattern::Cidr(net) => v
                .as_text()
                .and_then(|t| t.trim().parse::<std::net::IpAddr>().ok())
                .is_some_and(|ip| net.contains(&ip)),
        }
    }
}

/// Case-insensitive equality against an already lower-cased pattern.
fn eq_ignore_case(text: &str, lower: &str) -> bool {
    if text.is_ascii() {
        text.eq_ignore_ascii_case(lower)
    } else {
        text.to_lowercase() == lower
    }
}

#[derive(Debug)]
pub enum Matcher {
    All,
    And(Vec<Matcher>),
    Or(Vec<Matcher>),
    Not(Box<Matcher>),
    Eq {
        field: String,
        pat: Pattern,
    },
    Ne {
        field: String,
        pat: Pattern,
    },
    Cmp {
        field: String,
        op: CmpOp,
        value: Value,
    },
    In {
        field: String,
        pats: Vec<Pattern>,
    },
    /// A bare term or phrase against `_raw` (or every field when there is no `_raw`).
    Term(Regex),
    /// `_time` at or after (`earliest`) / before (`latest`) a bound.
    TimeAfter(f64),
    TimeBefore(f64),
}

/// What compiling a search expression needs from where it stands: the
/// function context (now, time zone) and a way to run `[subsearches]`.
/// The command layer's plan context provides both; a bare [`FnCtx`] runs
/// no subsearches.
pub trait SearchCtx {
    fn fn_ctx(&self) -> &FnCtx;
    /// Runs a subsearch to completion and returns its results.
    fn run_subsearch(&self, p: &Pipeline) -> Result<Vec<Event>>;
}

/// The error for a subsearch where no input is there to run it over.
pub fn no_subsearch() -> SplError {
    SplError::plan("subsearches cannot run here (no input to run them over)")
}

impl SearchCtx for FnCtx {
    fn fn_ctx(&self) -> &FnCtx {
        self
    }
    fn run_subsearch(&self, _: &Pipeline) -> Result<Vec<Event>> {
        Err(no_subsearch())
    }
}

/// Fields in the search language whose meaning is a time bound, not a field test.
use crate::spl::search_expr::time_modifier as time_bound;

impl Matcher {
    pub fn compile(e: &SearchExpr, ctx: &dyn SearchCtx) -> Result<Matcher> {
        Ok(match e {
            SearchExpr::And { items, .. } => Matcher::And(
                items
                    .iter()
                    .map(|x| Matcher::compile(x, ctx))
                    .collect::<Result<_>>()?,
            ),
            SearchExpr::Or { items, .. } => Matcher::Or(
                items
                    .iter()
                    .map(|x| Matcher::compile(x, ctx))
                    .collect::<Result<_>>()?,
            ),
            SearchExpr::Not { expr, .. } => Matcher::Not(Box::new(Matcher::compile(expr, ctx)?)),
            SearchExpr::Compare {
                field,
                op,
                value,
                kind,
                span,
            } => {
                if let Some(is_earliest) = time_bound(field) {
                    let t = resolve_time(&value.text, ctx.fn_ctx())
                        .map_err(|m| SplError::plan(m).at(*span).with_label("time modifier"))?;
                    return Ok(if is_earliest {
                        Matcher::TimeAfter(t)
                    } else {
                        Matcher::TimeBefore(t)
                    });
                }
                match op {
                    CmpOp::Eq | CmpOp::Indexed => Matcher::Eq {
                        field: field.clone(),
                        pat: Pattern::with_kind(&value.text, *kind)
                            .map_err(|e| e.at(value.span))?,
                    },
                    CmpOp::Ne => Matcher::Ne {
                        field: field.clone(),
                        pat: Pattern::with_kind(&value.text, *kind)
                            .map_err(|e| e.at(value.span))?,
                    },
                    _ => Matcher::Cmp {
                        field: field.clone(),
                        op: *op,
                        value: Value::Str(value.text.clone()),
                    },
                }
            }
            SearchExpr::In { field, values, .. } => Matcher::In {
                field: field.clone(),
                pats: values
                    .iter()
                    .map(|v| Pattern::new(&v.text).map_err(|e| e.at(v.span)))
                    .collect::<Result<_>>()?,
            },
            SearchExpr::Term { value, kind, span } => term(value, *kind, *span)?,
            SearchExpr::Subsearch {
                cmp: None,
                pipeline,
                span,
            } => {
                let rows = ctx.run_subsearch(pipeline).map_err(|e| e.at(*span))?;
                from_results(&rows, ctx).map_err(|e| e.at(*span))?
            }
            SearchExpr::Subsearch {
                cmp: Some((field, op)),
                pipeline,
                span,
            } => {
                let rows = ctx.run_subsearch(pipeline).map_err(|e| e.at(*span))?;
                let text = compare_text(field, *op, &rows).map_err(|e| e.at(*span))?;
                Matcher::from_search_text(&text, ctx.fn_ctx()).map_err(|e| e.at(*span))?
            }
        })
    }

    /// Compiles search-language text (for `searchmatch()`).
    pub fn from_search_text(text: &str, fn_ctx: &FnCtx) -> Result<Matcher> {
        let src = crate::spl::lex::Src::new(text);
        match crate::spl::search_expr::parse_search(&src, text) {
            Ok((_, None)) => Ok(Matcher::All),
            Ok((_, Some(e))) => Matcher::compile(&e, fn_ctx),
            Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => {
                Err(SplError::plan(format!("in search string: {}", e.msg)))
            }
            Err(nom::Err::Incomplete(_)) => Err(SplError::plan("incomplete search string")),
        }
    }

    pub fn matches(&self, ev: &dyn Fields) -> Result<bool> {
        Ok(match self {
            Matcher::All => true,
            Matcher::And(items) => {
                for m in items {
                    if !m.matches(ev)? {
                        return Ok(false);
                    }
                }
                true
            }
            Matcher::Or(items) => {
                for m in items {
                    if m.matches(ev)? {
                        return Ok(true);
                    }
                }
                false
            }
            Matcher::Not(m) => !m.matches(ev)?,
            Matcher::Eq { field, pat } => ev
                .field(field)
                .is_some_and(|v| v.values().iter().any(|x| pat.matches(x))),
            Matcher::Ne { field, pat } => ev
                .field(field)
                .is_some_and(|v| !v.values().iter().any(|x| pat.matches(x))),
            Matcher::In { field, pats } => ev
                .field(field)
                .is_some_and(|v| v.values().iter().any(|x| pats.iter().any(|p| p.matches(x)))),
            Matcher::Cmp { field, op, value } => ev.field(field).is_some_and(|v| {
                v.values().iter().any(|x| {
                    let Some(o) = compare(x, value) else {
                        return false;
                    };
                    match op {
                        CmpOp::Lt => o.is_lt(),
                        CmpOp::Le => o.is_le(),
                        CmpOp::Gt => o.is_gt(),
                        CmpOp::Ge => o.is_ge(),
                        CmpOp::Eq | CmpOp::Indexed => o.is_eq(),
                        CmpOp::Ne => o.is_ne(),
                    }
                })
            }),
            Matcher::Term(re) => match ev.field("_raw") {
                Some(raw) => raw
                    .values()
                    .iter()
                    .any(|v| v.as_text().is_some_and(|t| re.is_match(&t))),
                None => {
                    let mut hit = false;
                    ev.each(&mut |_, v| {
                        if !hit {
                            hit = v
                                .values()
                                .iter()
                                .any(|x| x.as_text().is_some_and(|t| re.is_match(&t)));
                        }
                    });
                    hit
                }
            },
            Matcher::TimeAfter(t) => ev
                .field("_time")
                .and_then(Value::as_num)
                .is_some_and(|x| x >= *t),
            Matcher::TimeBefore(t) => ev
                .field("_time")
                .and_then(Value::as_num)
                .is_some_and(|x| x < *t),
        })
    }
}

/// A subsearch's results as a search condition, as Splunk's `format` builds
/// it: `(f1="a" AND f2="b") OR (…)`. Internal fields (`_*`) are left out; a
/// `search` or `query` field is taken as search text. No results match nothing.
fn from_results(rows: &[Event], ctx: &dyn SearchCtx) -> Result<Matcher> {
    let mut alts = Vec::with_capacity(rows.len());
    for r in rows {
        let mut conds = Vec::new();
        for (k, v) in r.iter() {
            if k.starts_with('_') {
                continue;
            }
            if k == "search" || k == "query" {
                if let Some(t) = v.as_text() {
                    conds.push(Matcher::from_search_text(&t, ctx.fn_ctx())?);
                }
                continue;
            }
            let pats = v
                .values()
                .iter()
                .filter_map(|x| x.as_text().map(|t| exact_pattern(&t)))
                .collect::<Vec<_>>();
            conds.push(Matcher::In {
                field: k.to_string(),
                pats,
            });
        }
        if !conds.is_empty() {
            alts.push(Matcher::And(conds));
        }
    }
    Ok(Matcher::Or(alts))
}

/// `field OP [subsearch]`: the search text Splunk reads once the subsearch's
/// text stands in its place. That text is the `search` (or `query`) field
/// the subsearch ends with (`return $it` gives the bare value); a
/// subsearch without one has no text that can stand as a value.
pub fn compare_text(field: &str, op: CmpOp, rows: &[Event]) -> Result<String> {
    let mut texts = Vec::with_capacity(rows.len());
    for r in rows {
        match r.get("search").or_else(|| r.get("query")) {
            Some(v) => texts.push(v.as_text().unwrap_or_default().into_owned()),
            None => {
                return Err(SplError::plan(format!(
                    "a subsearch after `{}{}` must end in `return $<field>` (or give a \
                     `search` field): its text stands as the value",
                    crate::spl::lex::print_field(field),
                    op.symbol()
                )))
            }
        }
    }
    Ok(format!(
        "{}{}{}",
        crate::spl::lex::print_field(field),
        op.symbol(),
        texts.join(" ")
    ))
}

/// A subsearch value is matched literally (its `*` is not a wildcard once quoted by `format`;
/// Splunk does treat it as one, so we keep wildcard behaviour for fidelity).
fn exact_pattern(t: &str) -> Pattern {
    Pattern::new(t).unwrap_or(Pattern::Exact {
        lower: t.to_lowercase(),
    })
}

fn resolve_time(spec: &str, ctx: &FnCtx) -> std::result::Result<f64, String> {
    if let Some(n) = parse_number(spec) {
        return Ok(n);
    }
    crate::time::relative_time(ctx.now, spec, ctx.tz)
}

/// A bare term: matches where it stands between breakers (or the text's ends).
fn term(value: &SValue, kind: TermKind, span: Span) -> Result<Matcher> {
    if value.text == "*" && !value.quoted {
        return Ok(Matcher::All);
    }
    let breakers = if kind == TermKind::Term {
        MAJOR_BREAKERS
    } else {
        BREAKERS
    };
    let mut body = String::new();
    for (n, part) in value.text.split('*').enumerate() {
        if n > 0 {
            body.push_str(".*?");
        }
        body.push_str(&regex::escape(part));
    }
    let flags = if kind == TermKind::Case {
        "(?s)"
    } else {
        "(?is)"
    };
    let re = format!("{flags}(?:^|[{breakers}]){body}(?:[{breakers}]|$)");
    Regex::new(&re)
        .map(Matcher::Term)
        .map_err(|e| SplError::plan(format!("bad search term: {e}")).at(span))
}

#[cfg(test)]
mod tests {

    #[test]
    fn find_ignore_case_is_the_first_match_in_either_case() {
        let naive = |hay: &[u8], needle: &[u8]| {
            (0..=hay.len().saturating_sub(needle.len())).find(|&i| {
                i + needle.len() <= hay.len()
                    && hay[i..i + needle.len()].eq_ignore_ascii_case(needle)
            })
        };
        let hays: [&[u8]; 6] = [
            b"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
            b"ppppowershell",
            b"POWERSHELL",
            b"xx-enc-ENC",
            b"",
            b"\\\\share\\c$",
        ];
        let needles: [&[u8]; 7] = [
            b"powershell",
            b"p",
            b"-enc",
            b"\\",
            b"c$",
            b"shell.exe",
            b"zz",
        ];
        for h in hays {
            for n in needles {
                assert_eq!(find_ignore_case(h, n), naive(h, n), "{h:?} {n:?}");
            }
        }
    }
    use super::*;

    fn pat(t: &str, v: &str) -> bool {
        Pattern::new(t).unwrap().matches(&Value::from(v))
    }

    #[test]
    fn field_values_match_case_insensitively_with_wildcards() {
        assert!(pat("powershell.exe", "PowerShell.EXE"));
        assert!(pat("*powershell.exe", "C:\\Windows\\powershell.exe"));
        assert!(!pat("*powershell.exe", "C:\\Windows\\powershell.exe.bak"));
        assert!(pat("65004", "65004"));
        // Search Reference, search command, "comparison-operator": `=` and
        // `!=` compare string values, so "1" does not match "1.0".
        assert!(!pat("1.0", "1"));
        assert!(!pat("1", "1.0"));
        assert!(pat("10.0.0.0/8", "10.1.2.3"));
        assert!(!pat("10.0.0.0/8", "11.1.2.3"));
        assert!(pat("2001:db8::/32", "2001:db8::1"));
    }

    #[test]
    fn terms_match_whole_tokens() {
        let m = term(
            &SValue {
                text: "powershell".into(),
                quoted: false,
                span: Span::default(),
            },
            TermKind::Plain,
            Span::default(),
        )
        .unwrap();
        let Matcher::Term(re) = m else { panic!() };
        assert!(re.is_match("C:\\Windows\\PowerShell.exe -nop"));
        assert!(!re.is_match("C:\\Windows\\xpowershellx.exe"));
    }

    /// The piecewise glob agrees with the anchored regex on every pattern
    /// and text built from a small alphabet (cases, repeats, overlaps).
    #[test]
    fn glob_agrees_with_the_regex() {
        let alphabet = ["a", "B", "ab", "*", "\\", ".", "*", "bA"];
        let mut patterns = vec![String::new()];
        for _ in 0..3 {
            let mut next = Vec::new();
            for p in &patterns {
                for a in alphabet {
                    next.push(format!("{p}{a}"));
                }
            }
            patterns.extend(next);
        }
        let texts = [
            "", "a", "ab", "AB", "aab", "bab", "abab", "a.b", "\\ab", "xAbBa", "b.A",
        ];
        let mut checked = 0;
        for p in patterns.iter().filter(|p| p.contains('*')) {
            let Ok(Pattern::Wild(re, glob)) = Pattern::new(p) else {
                continue;
            };
            for t in texts {
                assert_eq!(glob.matches(t), Some(re.is_match(t)), "{p:?} on {t:?}");
                checked += 1;
            }
        }
        assert!(checked > 1000);
        // Non-ASCII text goes to the regex.
        let Ok(Pattern::Wild(_, glob)) = Pattern::new("*é*") else {
            panic!()
        };
        assert_eq!(glob.matches("café"), None);
        // An ASCII pattern on non-ASCII text: the regex, compiled on first
        // use, decides (with Unicode case folding).
        let p = Pattern::new("*CMD.exe").unwrap();
        assert!(p.matches(&Value::str("C:\\Ünïcode\\cmd.EXE".to_string())));
        assert!(!p.matches(&Value::str("C:\\Ünïcode\\cmd.exe.bak".to_string())));
        assert!(p.matches(&Value::str("c:\\x\\cmd.exe".to_string())));
    }
}
