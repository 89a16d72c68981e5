//! The search language (what follows `search`, and the start of every
//! query): terms, phrases, `field=value`, `IN`, `NOT`/`AND`/`OR` with the
//! search precedence — OR binds tighter than AND (`a b OR c` is `a AND (b OR c)`).
//! Boolean operators are recognised only in upper case, as in Splunk.

use std::fmt;

use serde::Serialize;

use super::ast::{Pipeline, Span};
use super::lex::{self, cut, dquoted, fail, ws, PResult, Src};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `name::value`, the indexed-field form: spleval has no index, so it
    /// tests the field as `=` does.
    Indexed,
}

/// The time modifiers of the search language, whose `=` (or `::`) sets a
/// bound on `_time` instead of testing a field: Some(true) for a lower bound
/// (`earliest`, `starttime`, `starttimeu`), Some(false) for an upper one.
pub fn time_modifier(field: &str) -> Option<bool> {
    match field.to_ascii_lowercase().as_str() {
        "earliest" | "starttime" | "starttimeu" => Some(true),
        "latest" | "endtime" | "endtimeu" => Some(false),
        _ => None,
    }
}

impl CmpOp {
    pub fn symbol(&self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Indexed => "::",
        }
    }
}

/// How a bare term was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TermKind {
    /// `foo`, `foo*`, `"a phrase"`
    Plain,
    /// `TERM(10.0.0.1)`: matched as one indexed token.
    Term,
    /// `CASE(Admin)`: matched case-sensitively.
    Case,
}

/// A value as written: its text (unescaped) and whether it was quoted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SValue {
    pub text: String,
    pub quoted: bool,
    pub span: Span,
}

impl fmt::Display for SValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.quoted || needs_quotes(&self.text) {
            f.write_str(&lex::quote(&self.text))
        } else {
            f.write_str(&self.text)
        }
    }
}

fn needs_quotes(t: &str) -> bool {
    t.is_empty()
        || t.contains(|c: char| c.is_whitespace() || matches!(c, '"' | '|' | '[' | ']' | '=' | ','))
        || !balanced(t)
        || ["AND", "OR", "NOT"].contains(&t)
}

fn balanced(t: &str) -> bool {
    let mut depth = 0i32;
    for c in t.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

#[derive(Debug, Serialize)]
#[serde(tag = "type")]
pub enum SearchExpr {
    And {
        items: Vec<SearchExpr>,
        span: Span,
    },
    Or {
        items: Vec<SearchExpr>,
        span: Span,
    },
    Not {
        expr: Box<SearchExpr>,
        span: Span,
    },
    Compare {
        field: String,
        op: CmpOp,
        value: SValue,
        /// `field=CASE(Value)` / `field=TERM(x)`: the directive around the value.
        kind: TermKind,
        span: Span,
    },
    In {
        field: String,
        values: Vec<SValue>,
        span: Span,
    },
    Term {
        value: SValue,
        kind: TermKind,
        span: Span,
    },
    /// `[ … ]`, or `field OP [ … ]` when `cmp` is set: there the subsearch's
    /// text (what `return $x` gives) stands as the comparison's value.
    Subsearch {
        #[serde(skip_serializing_if = "Option::is_none")]
        cmp: Option<(String, CmpOp)>,
        #[serde(serialize_with = "ser_pipeline")]
        pipeline: Pipeline,
        span: Span,
    },
}

fn ser_pipeline<S: serde::Serializer>(p: &Pipeline, s: S) -> Result<S::Ok, S::Error> {
    p.to_json().serialize(s)
}

impl SearchExpr {
    pub fn span(&self) -> Span {
        match self {
            SearchExpr::And { span, .. }
            | SearchExpr::Or { span, .. }
            | SearchExpr::Not { span, .. }
            | SearchExpr::Compare { span, .. }
            | SearchExpr::In { span, .. }
            | SearchExpr::Term { span, .. }
            | SearchExpr::Subsearch { span, .. } => *span,
        }
    }

    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a SearchExpr)) {
        f(self);
        match self {
            SearchExpr::And { items, .. } | SearchExpr::Or { items, .. } => {
                items.iter().for_each(|x| x.walk(f))
            }
            SearchExpr::Not { expr, .. } => expr.walk(f),
            _ => {}
        }
    }

    fn is_compound(&self) -> bool {
        matches!(self, SearchExpr::And { .. } | SearchExpr::Or { .. })
    }
}

impl fmt::Display for SearchExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sub = |e: &SearchExpr| {
            if e.is_compound() {
                format!("({e})")
            } else {
                e.to_string()
            }
        };
        match self {
            SearchExpr::And { items, .. } => {
                let parts: Vec<String> = items.iter().map(sub).collect();
                f.write_str(&parts.join(" "))
            }
            SearchExpr::Or { items, .. } => {
                let parts: Vec<String> = items.iter().map(sub).collect();
                f.write_str(&parts.join(" OR "))
            }
            SearchExpr::Not { expr, .. } => write!(f, "NOT {}", sub(expr)),
            SearchExpr::Compare {
                field,
                op,
                value,
                kind,
                ..
            } => {
                write!(f, "{}{}", lex::print_field(field), op.symbol())?;
                match kind {
                    TermKind::Plain => write!(f, "{value}"),
                    TermKind::Term => write!(f, "TERM({value})"),
                    TermKind::Case => write!(f, "CASE({value})"),
                }
            }
            SearchExpr::In { field, values, .. } => {
                let parts: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                write!(f, "{} IN ({})", lex::print_field(field), parts.join(", "))
            }
            SearchExpr::Term { value, kind, .. } => match kind {
                TermKind::Plain => write!(f, "{value}"),
                TermKind::Term => write!(f, "TERM({value})"),
                TermKind::Case => write!(f, "CASE({value})"),
            },
            SearchExpr::Subsearch { cmp, pipeline, .. } => {
                if let Some((field, op)) = cmp {
                    write!(f, "{}{}", lex::print_field(field), op.symbol())?;
                }
                write!(f, "[{pipeline}]")
            }
        }
    }
}

/// True where the search expression (at the current command) ends.
fn at_end(i: &str) -> bool {
    lex::at_command_end(i)
}

/// How a search expression embedded in another command is read (the `where`
/// clause of `tstats`/`mstats`). The default is the `search` command's own rules.
#[derive(Debug, Clone, Copy, Default)]
pub struct SearchOpts<'k> {
    /// Keywords (case-insensitive, followed by whitespace or the end) that end
    /// the expression when they appear as a whole term outside parentheses.
    pub stop: &'k [&'k str],
    /// `"DNS.query"="*.arpa"`: a quoted name right before a comparison operator
    /// or `IN` is a field name, not a phrase (tstats where clauses use this).
    pub quoted_fields: bool,
}

impl SearchOpts<'_> {
    /// At a stop keyword (only at the top level of the expression).
    fn at_stop(&self, i: &str) -> bool {
        self.stop.iter().any(|k| match lex::keyword(i, k) {
            Some(r) => r.is_empty() || r.starts_with(char::is_whitespace),
            None => false,
        })
    }

    /// The same options inside parentheses: stop keywords no longer apply.
    fn nested(&self) -> SearchOpts<'static> {
        SearchOpts {
            stop: &[],
            quoted_fields: self.quoted_fields,
        }
    }
}

/// Parses a search expression up to the end of the command; `None` when empty.
pub fn parse_search<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Option<SearchExpr>> {
    // Splunk's search also reads `"DNS.query"="*.arpa"` as a field comparison;
    // a quoted string not followed by an operator stays a phrase.
    parse_search_with(
        src,
        i,
        SearchOpts {
            stop: &[],
            quoted_fields: true,
        },
    )
}

/// Parses a search expression up to the end of the command or, at the top
/// level, one of `opts.stop`; `None` when empty. The input left starts at the
/// stop keyword (or the end of the command).
pub fn parse_search_with<'a>(
    src: &Src<'a>,
    i: &'a str,
    opts: SearchOpts<'_>,
) -> PResult<'a, Option<SearchExpr>> {
    let i = ws(i);
    if at_end(i) || opts.at_stop(i) {
        return Ok((i, None));
    }
    let (rest, e) = and_expr(src, i, &opts)?;
    let rest = ws(rest);
    if !at_end(rest) && !opts.at_stop(rest) {
        if rest.starts_with(')') {
            return cut(fail(rest, "unbalanced ')' in search"));
        }
        return cut(fail(rest, "unexpected input in search"));
    }
    Ok((rest, Some(e)))
}

/// A parenthesized search expression, `( … )` (the input starts at `(`), as
/// `transaction startswith=(…)` writes it.
pub fn parse_group<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, SearchExpr> {
    let i = ws(i);
    if !i.starts_with('(') {
        return fail(i, "expected '(' to start a search expression");
    }
    primary(src, i, &SearchOpts::default())
}

fn and_expr<'a>(src: &Src<'a>, i: &'a str, opts: &SearchOpts<'_>) -> PResult<'a, SearchExpr> {
    let start = ws(i);
    let mut items = Vec::new();
    let mut rest = start;
    loop {
        let r = ws(rest);
        if at_end(r) || r.starts_with(')') || opts.at_stop(r) {
            break;
        }
        let r = match upper_kw(r, "AND") {
            Some(after) => {
                if items.is_empty() {
                    return cut(fail(r, "AND needs a term before it"));
                }
                ws(after)
            }
            None => r,
        };
        let (after, e) = cut(or_expr(src, r, opts))?;
        items.push(e);
        rest = after;
    }
    match items.len() {
        0 => fail(start, "expected a search term"),
        1 => Ok((rest, items.pop().unwrap())),
        _ => {
            let span = items[0].span().to(items[items.len() - 1].span());
            Ok((rest, SearchExpr::And { items, span }))
        }
    }
}

fn or_expr<'a>(src: &Src<'a>, i: &'a str, opts: &SearchOpts<'_>) -> PResult<'a, SearchExpr> {
    let (mut rest, first) = not_expr(src, i, opts)?;
    let mut items = vec![first];
    loop {
        let r = ws(rest);
        let Some(after) = upper_kw(r, "OR") else {
            break;
        };
        let (after, e) = cut(not_expr(src, ws(after), opts))?;
        items.push(e);
        rest = after;
    }
    if items.len() == 1 {
        return Ok((rest, items.pop().unwrap()));
    }
    let span = items[0].span().to(items[items.len() - 1].span());
    Ok((rest, SearchExpr::Or { items, span }))
}

fn not_expr<'a>(src: &Src<'a>, i: &'a str, opts: &SearchOpts<'_>) -> PResult<'a, SearchExpr> {
    let i = ws(i);
    if let Some(after) = upper_kw(i, "NOT") {
        let _level = super::lex::nest(i)?;
        let (rest, e) = cut(not_expr(src, ws(after), opts))?;
        let span = Span::new(src.pos(i), e.span().end);
        return Ok((
            rest,
            SearchExpr::Not {
                expr: Box::new(e),
                span,
            },
        ));
    }
    primary(src, i, opts)
}

/// An upper-case boolean keyword followed by a delimiter.
fn upper_kw<'a>(i: &'a str, kw: &str) -> Option<&'a str> {
    let rest = i.strip_prefix(kw)?;
    match rest.chars().next() {
        None => Some(rest),
        Some(c) if c.is_whitespace() || c == '(' || c == '[' => Some(rest),
        _ => None,
    }
}

/// An unquoted search token: runs to whitespace, `|`, `]`, or an unbalanced `)`.
/// A backslash keeps the next character in the token (`*\"x\":true*`).
fn bare_token(i: &str) -> Option<(&str, &str)> {
    let mut depth = 0i32;
    let mut end = i.len();
    let mut escaped = false;
    let mut in_q = false;
    for (n, c) in i.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        if in_q {
            match c {
                '\\' => escaped = true,
                '"' => in_q = false,
                _ => {}
            }
            continue;
        }
        match c {
            '\\' => escaped = true,
            // Inside parentheses a token goes on across spaces and quotes
            // (`relative_time(now(), "-10m@m")`), as Splunk reads it.
            '"' if depth > 0 => in_q = true,
            c if c.is_whitespace() && depth > 0 => {}
            c if c.is_whitespace() => {
                end = n;
                break;
            }
            '|' | ']' | '[' | '"' => {
                end = n;
                break;
            }
            '(' => depth += 1,
            ')' => {
                if depth == 0 {
                    end = n;
                    break;
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    if end == 0 {
        None
    } else {
        Some((&i[end..], &i[..end]))
    }
}

/// `name::value` at the start of `i`: the input after `::` and the name.
/// Not when the token is an IPv6 address (`fe80::1`, `::1`, `2001:db8::/32`)
/// or the name could be one's group (up to four hex digits, `fe80::*`), so
/// those stay plain terms.
fn indexed_field(i: &str) -> Option<(&str, &str)> {
    let end = i
        .find(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '|' | '"'))
        .unwrap_or(i.len());
    let token = &i[..end];
    let at = token.find("::")?;
    let name = &token[..at];
    let mut chars = name.chars();
    if !chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        || name.len() <= 4 && name.chars().all(|c| c.is_ascii_hexdigit())
        || ipv6_like(token)
    {
        return None;
    }
    Some((&i[at + 2..], name))
}

/// An IPv6 address or subnet, possibly with a wildcard.
fn ipv6_like(token: &str) -> bool {
    let addr = token.split('/').next().unwrap_or(token);
    addr.parse::<std::net::Ipv6Addr>().is_ok()
        || addr
            .chars()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.' | '*'))
}

/// A field name on the left of a comparison: stops at an operator.
fn cmp_field(i: &str) -> Option<(&str, &str)> {
    let end = i
        .char_indices()
        .find(|(_, c)| {
            c.is_whitespace()
                || matches!(c, '=' | '!' | '<' | '>' | '(' | ')' | '[' | ']' | '|' | '"')
        })
        .map(|(n, _)| n)
        .unwrap_or(i.len());
    if end == 0 {
        None
    } else {
        Some((&i[end..], &i[..end]))
    }
}

fn cmp_op(i: &str) -> Option<(&str, CmpOp)> {
    for (s, op) in [
        ("!=", CmpOp::Ne),
        ("<=", CmpOp::Le),
        (">=", CmpOp::Ge),
        ("==", CmpOp::Eq),
        ("=", CmpOp::Eq),
        ("<", CmpOp::Lt),
        (">", CmpOp::Gt),
    ] {
        if let Some(r) = i.strip_prefix(s) {
            return Some((r, op));
        }
    }
    None
}

fn svalue<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, SValue> {
    let start = i;
    if i.starts_with('"') {
        let (rest, text) = dquoted(i)?;
        return Ok((
            rest,
            SValue {
                text,
                quoted: true,
                span: src.span(start, rest),
            },
        ));
    }
    match bare_token(i) {
        Some((rest, t)) => {
            // `\"` in an unquoted value is a literal quote; other escapes stay as written.
            let text = t.replace("\\\"", "\"");
            // A value that prints back only in quotes counts as quoted (stable round trips).
            let quoted = needs_quotes(&text);
            Ok((
                rest,
                SValue {
                    text,
                    quoted,
                    span: src.span(start, rest),
                },
            ))
        }
        None => fail(i, "expected a value"),
    }
}

fn primary<'a>(src: &Src<'a>, i: &'a str, opts: &SearchOpts<'_>) -> PResult<'a, SearchExpr> {
    let i = ws(i);
    let start = i;
    if at_end(i) {
        return fail(i, "expected a search term");
    }
    if let Some(after) = i.strip_prefix('(') {
        let _level = super::lex::nest(i)?;
        let (rest, e) = cut(and_expr(src, after, &opts.nested()))?;
        let r = ws(rest);
        let Some(rest) = r.strip_prefix(')') else {
            return cut(fail(r, "expected ')' to close '('"));
        };
        return Ok((rest, e));
    }
    if let Some(after) = i.strip_prefix('[') {
        let _level = super::lex::nest(i)?;
        let (rest, pipeline) = super::parser::bracketed(src, after)?;
        return Ok((
            rest,
            SearchExpr::Subsearch {
                cmp: None,
                pipeline,
                span: src.span(start, rest),
            },
        ));
    }
    // TERM(...) / CASE(...)
    if let Some((rest, value, kind)) = directive(src, i)? {
        return Ok((
            rest,
            SearchExpr::Term {
                value,
                kind,
                span: src.span(start, rest),
            },
        ));
    }
    // field::value (indexed-field syntax)
    if let Some((after_op, field)) = indexed_field(i) {
        if at_end(after_op) || after_op.starts_with(')') {
            return cut(fail(after_op, format!("expected a value after {field}::")));
        }
        let (rest, value, kind) = compare_value(src, after_op)?;
        return Ok((
            rest,
            SearchExpr::Compare {
                field: field.to_string(),
                op: CmpOp::Indexed,
                value,
                kind,
                span: src.span(start, rest),
            },
        ));
    }
    // field OP value / field IN (...)
    let quoted_field = if opts.quoted_fields && i.starts_with('"') {
        match dquoted(i) {
            Ok((after, name)) => Some((after, name)),
            Err(nom::Err::Failure(e)) => return Err(nom::Err::Failure(e)),
            Err(_) => None,
        }
    } else {
        None
    };
    let field_part: Option<(&str, String)> = match quoted_field {
        Some(x) => Some(x),
        None if !i.starts_with('"') => cmp_field(i).map(|(r, f)| (r, f.to_string())),
        None => None,
    };
    if let Some((after_field, field)) = field_part {
        let r = ws(after_field);
        if let Some((after_op, op)) = cmp_op(r) {
            let v_in = ws(after_op);
            if let Some(after) = v_in.strip_prefix('[') {
                // `field>[ … | return $x ]`: the subsearch's text is the value.
                let _level = super::lex::nest(v_in)?;
                let (rest, pipeline) = super::parser::bracketed(src, after)?;
                return Ok((
                    rest,
                    SearchExpr::Subsearch {
                        cmp: Some((field, op)),
                        pipeline,
                        span: src.span(start, rest),
                    },
                ));
            }
            let (rest, value, kind) = if at_end(v_in) || v_in.starts_with(')') {
                // `field=` with nothing after: Splunk treats it as an empty value.
                (
                    v_in,
                    SValue {
                        text: String::new(),
                        quoted: true,
                        span: src.span(v_in, v_in),
                    },
                    TermKind::Plain,
                )
            } else {
                compare_value(src, v_in)?
            };
            return Ok((
                rest,
                SearchExpr::Compare {
                    field,
                    op,
                    value,
                    kind,
                    span: src.span(start, rest),
                },
            ));
        }
        if let Some(after_in) = lex::keyword(r, "IN") {
            let l = ws(after_in);
            if let Some(list_in) = l.strip_prefix('(') {
                let (rest, values) = cut(in_list(src, list_in))?;
                return Ok((
                    rest,
                    SearchExpr::In {
                        field,
                        values,
                        span: src.span(start, rest),
                    },
                ));
            }
        }
    }
    let (rest, value) = svalue(src, i)?;
    Ok((
        rest,
        SearchExpr::Term {
            value,
            kind: TermKind::Plain,
            span: src.span(start, rest),
        },
    ))
}

/// The value of a comparison (`field=value`, `field::value`): `CASE(…)`,
/// `TERM(…)` (`host=CASE(LOCALHOST)`, `ip=TERM(10.0.0.1)`) or a plain value.
#[allow(clippy::type_complexity)]
fn compare_value<'a>(
    src: &Src<'a>,
    i: &'a str,
) -> Result<(&'a str, SValue, TermKind), nom::Err<lex::PErr>> {
    if let Some(d) = directive(src, i)? {
        return Ok(d);
    }
    let (rest, value) = cut(svalue(src, i))?;
    Ok((rest, value, TermKind::Plain))
}

/// `TERM(…)` or `CASE(…)` (the keyword in any case) at the start of `i`:
/// the input after the closing `)`, the value inside and which directive.
#[allow(clippy::type_complexity)]
fn directive<'a>(
    src: &Src<'a>,
    i: &'a str,
) -> Result<Option<(&'a str, SValue, TermKind)>, nom::Err<lex::PErr>> {
    for (kw, kind) in [("TERM(", TermKind::Term), ("CASE(", TermKind::Case)] {
        if i.len() >= kw.len()
            && i.is_char_boundary(kw.len())
            && i[..kw.len()].eq_ignore_ascii_case(kw)
        {
            let inner = &i[kw.len()..];
            let (rest, value) = if inner.starts_with('"') {
                cut(svalue(src, inner))?
            } else {
                let end = inner.find(')').unwrap_or(inner.len());
                let rest = &inner[end..];
                let text = inner[..end].to_string();
                (
                    rest,
                    SValue {
                        quoted: needs_quotes(&text),
                        text,
                        span: src.span(inner, rest),
                    },
                )
            };
            let Some(rest) = rest.strip_prefix(')') else {
                return lex::cut_err(rest, format!("expected ')' to close {}", &kw[..4]))
                    .map(|(_, ())| None);
            };
            return Ok(Some((rest, value, kind)));
        }
    }
    Ok(None)
}

fn in_list<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Vec<SValue>> {
    let mut values = Vec::new();
    let mut rest = ws(i);
    loop {
        if let Some(r) = rest.strip_prefix(')') {
            if values.is_empty() {
                return fail(rest, "IN needs at least one value");
            }
            return Ok((r, values));
        }
        if rest.is_empty() || rest.starts_with('|') {
            return fail(rest, "expected ')' to close the IN list");
        }
        if let Some(r) = rest.strip_prefix(',') {
            // Empty list elements (`IN (,"a",)`) are ignored, as Splunk does.
            rest = ws(r);
            continue;
        }
        let (r, v) = if rest.starts_with('"') {
            svalue(src, rest)?
        } else {
            let end = rest
                .char_indices()
                .find(|(_, c)| c.is_whitespace() || matches!(c, ',' | ')' | '|'))
                .map(|(n, _)| n)
                .unwrap_or(rest.len());
            let r = &rest[end..];
            let text = rest[..end].to_string();
            (
                r,
                SValue {
                    quoted: needs_quotes(&text),
                    text,
                    span: src.span(rest, r),
                },
            )
        };
        values.push(v);
        rest = ws(r);
        // Separators; a doubled comma (`"a",, "b"`) is one separator.
        while let Some(r) = rest.strip_prefix(',') {
            rest = ws(r);
        }
    }
}
