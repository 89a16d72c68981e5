//! The eval/where expression language: AST, parser (eval precedence: AND
//! before OR) and printer.

use std::fmt;

use serde::Serialize;

use super::ast::Span;
use super::lex::{self, cut, dquoted, fail, squoted, ws, AggMode, PErr, PResult, Src};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BinOp {
    Or,
    Xor,
    And,
    Eq,
    EqEq,
    Ne,
    Like,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Concat,
    Mul,
    Div,
    Mod,
}

impl BinOp {
    pub fn symbol(&self) -> &'static str {
        match self {
            BinOp::Or => "OR",
            BinOp::Xor => "XOR",
            BinOp::And => "AND",
            BinOp::Eq => "=",
            BinOp::EqEq => "==",
            BinOp::Ne => "!=",
            BinOp::Like => "LIKE",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Concat => ".",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
        }
    }

    /// Binding strength, higher binds tighter.
    /// The order is the Search Reference's (eval command, "Boolean
    /// expressions"): parentheses, NOT, AND, OR, then XOR last.
    pub fn precedence(&self) -> u8 {
        match self {
            BinOp::Xor => 1,
            BinOp::Or => 2,
            BinOp::And => 3,
            // 4: NOT
            BinOp::Eq | BinOp::EqEq | BinOp::Ne | BinOp::Like => 5,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 6,
            BinOp::Add | BinOp::Sub | BinOp::Concat => 7,
            BinOp::Mul | BinOp::Div | BinOp::Mod => 8,
        }
    }
}

const PREC_NOT: u8 = 4;
const PREC_IN: u8 = 5;
const PREC_NEG: u8 = 9;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UnOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum Expr {
    Num {
        value: f64,
        text: String,
        span: Span,
    },
    Str {
        value: String,
        span: Span,
    },
    Field {
        name: String,
        /// Written as `'name'`.
        quoted: bool,
        span: Span,
    },
    Call {
        name: String,
        args: Vec<Expr>,
        span: Span,
    },
    Unary {
        op: UnOp,
        expr: Box<Expr>,
        span: Span,
    },
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
        span: Span,
    },
    /// `X IN (a, b, …)`
    In {
        expr: Box<Expr>,
        list: Vec<Expr>,
        span: Span,
    },
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Num { span, .. }
            | Expr::Str { span, .. }
            | Expr::Field { span, .. }
            | Expr::Call { span, .. }
            | Expr::Unary { span, .. }
            | Expr::Binary { span, .. }
            | Expr::In { span, .. } => *span,
        }
    }

    fn precedence(&self) -> u8 {
        match self {
            Expr::Binary { op, .. } => op.precedence(),
            Expr::Unary { op: UnOp::Not, .. } => PREC_NOT,
            Expr::Unary { op: UnOp::Neg, .. } => PREC_NEG,
            Expr::In { .. } => PREC_IN,
            _ => 10,
        }
    }

    /// Visits this expression and every sub-expression.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Call { args, .. } => args.iter().for_each(|a| a.walk(f)),
            Expr::Unary { expr, .. } => expr.walk(f),
            Expr::Binary { left, right, .. } => {
                left.walk(f);
                right.walk(f);
            }
            Expr::In { expr, list, .. } => {
                expr.walk(f);
                list.iter().for_each(|a| a.walk(f));
            }
            _ => {}
        }
    }

    /// Field names this expression reads.
    pub fn fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Field { name, .. } = e {
                out.push(name.clone());
            }
        });
        out
    }
}

/// Prints a field reference for eval: bare when it is a plain identifier.
pub fn eval_field(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(lex::is_word_char)
        && !is_reserved(name);
    if plain {
        name.to_string()
    } else {
        format!("'{name}'")
    }
}

fn is_reserved(w: &str) -> bool {
    ["AND", "OR", "NOT", "XOR", "LIKE", "IN"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(w))
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num { text, .. } => f.write_str(text),
            Expr::Str { value, .. } => f.write_str(&lex::quote(value)),
            Expr::Field { name, quoted, .. } => {
                if *quoted {
                    write!(f, "'{name}'")
                } else {
                    f.write_str(&eval_field(name))
                }
            }
            Expr::Call { name, args, .. } => {
                write!(f, "{name}(")?;
                for (n, a) in args.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
            Expr::Unary { op, expr, .. } => {
                let inner = if expr.precedence() < self.precedence() {
                    format!("({expr})")
                } else {
                    expr.to_string()
                };
                match op {
                    UnOp::Not => write!(f, "NOT {inner}"),
                    UnOp::Neg => write!(f, "-{inner}"),
                }
            }
            Expr::Binary {
                op, left, right, ..
            } => {
                let p = op.precedence();
                let l = if left.precedence() < p {
                    format!("({left})")
                } else {
                    left.to_string()
                };
                let r = if right.precedence() <= p {
                    format!("({right})")
                } else {
                    right.to_string()
                };
                write!(f, "{l} {} {r}", op.symbol())
            }
            Expr::In { expr, list, .. } => {
                if expr.precedence() <= PREC_IN {
                    write!(f, "({expr})")?;
                } else {
                    write!(f, "{expr}")?;
                }
                f.write_str(" IN (")?;
                for (n, a) in list.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// Parses an eval expression. Function names are checked against the eval
/// function registry.
pub fn parse_expr<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Expr> {
    binary(src, i, 1)
}

fn binop_at(i: &str) -> Option<(BinOp, &str)> {
    let i = ws(i);
    for (kw, op) in [
        ("OR", BinOp::Or),
        ("XOR", BinOp::Xor),
        ("AND", BinOp::And),
        ("LIKE", BinOp::Like),
    ] {
        if let Some(r) = lex::keyword(i, kw) {
            return Some((op, r));
        }
    }
    let two = [
        ("==", BinOp::EqEq),
        ("!=", BinOp::Ne),
        ("<=", BinOp::Le),
        (">=", BinOp::Ge),
    ];
    for (s, op) in two {
        if let Some(r) = i.strip_prefix(s) {
            return Some((op, r));
        }
    }
    let c = i.chars().next()?;
    let op = match c {
        '=' => BinOp::Eq,
        '<' => BinOp::Lt,
        '>' => BinOp::Gt,
        '+' => BinOp::Add,
        '-' => BinOp::Sub,
        '*' => BinOp::Mul,
        '/' => BinOp::Div,
        '%' => BinOp::Mod,
        '.' => {
            // `.5` after an operand is not valid anyway; `.` is concatenation.
            BinOp::Concat
        }
        _ => return None,
    };
    Some((op, &i[1..]))
}

fn binary<'a>(src: &Src<'a>, i: &'a str, min_prec: u8) -> PResult<'a, Expr> {
    let (mut rest, mut left) = if min_prec <= PREC_NOT {
        not_level(src, i, min_prec)?
    } else {
        unary(src, i)?
    };
    // Each operator of the chain nests the tree one level deeper.
    let mut levels = Vec::new();
    loop {
        // `X IN (…)` at the equality level.
        let r = ws(rest);
        if min_prec <= PREC_IN {
            if let Some(after) = lex::keyword(r, "IN") {
                let (after, list) = cut(paren_list(src, after))?;
                let span = left.span().to(Span::new(src.pos(r), src.pos(after)));
                left = Expr::In {
                    expr: Box::new(left),
                    list,
                    span,
                };
                rest = after;
                continue;
            }
        }
        let Some((op, after)) = binop_at(rest) else {
            break;
        };
        let p = op.precedence();
        if p < min_prec {
            break;
        }
        levels.push(lex::nest(r)?);
        let (after, right) = cut(binary(src, ws(after), p + 1))?;
        let span = left.span().to(right.span());
        left = Expr::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
            span,
        };
        rest = after;
    }
    Ok((rest, left))
}

/// Handles a NOT prefix at its precedence level, then continues with higher levels.
fn not_level<'a>(src: &Src<'a>, i: &'a str, _min: u8) -> PResult<'a, Expr> {
    let i = ws(i);
    if let Some(after) = lex::keyword(i, "NOT") {
        let _level = lex::nest(i)?;
        let (rest, inner) = cut(binary(src, ws(after), PREC_NOT))?;
        let span = Span::new(src.pos(i), inner.span().end);
        return Ok((
            rest,
            Expr::Unary {
                op: UnOp::Not,
                expr: Box::new(inner),
                span,
            },
        ));
    }
    binary(src, i, PREC_NOT + 1)
}

fn unary<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Expr> {
    let i = ws(i);
    if let Some(after) = i.strip_prefix('-') {
        if !after.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
            let _level = lex::nest(i)?;
            let (rest, inner) = cut(unary(src, after))?;
            let span = Span::new(src.pos(i), inner.span().end);
            return Ok((
                rest,
                Expr::Unary {
                    op: UnOp::Neg,
                    expr: Box::new(inner),
                    span,
                },
            ));
        }
    }
    if let Some(after) = i.strip_prefix('!') {
        if !after.starts_with('=') {
            let _level = lex::nest(i)?;
            let (rest, inner) = cut(unary(src, after))?;
            let span = Span::new(src.pos(i), inner.span().end);
            return Ok((
                rest,
                Expr::Unary {
                    op: UnOp::Not,
                    expr: Box::new(inner),
                    span,
                },
            ));
        }
    }
    primary(src, i)
}

fn number(i: &str) -> Option<(&str, &str)> {
    let b = i.as_bytes();
    let mut n = 0;
    if n < b.len() && b[n] == b'-' {
        n += 1;
    }
    let digits_start = n;
    while n < b.len() && b[n].is_ascii_digit() {
        n += 1;
    }
    if n < b.len() && b[n] == b'.' && n + 1 < b.len() && b[n + 1].is_ascii_digit() {
        n += 1;
        while n < b.len() && b[n].is_ascii_digit() {
            n += 1;
        }
    }
    if n == digits_start {
        return None;
    }
    if n < b.len() && (b[n] == b'e' || b[n] == b'E') {
        let mut m = n + 1;
        if m < b.len() && (b[m] == b'+' || b[m] == b'-') {
            m += 1;
        }
        if m < b.len() && b[m].is_ascii_digit() {
            while m < b.len() && b[m].is_ascii_digit() {
                m += 1;
            }
            n = m;
        }
    }
    // A number directly followed by letters is a field name like `4624abc`? Not in eval.
    if n < b.len() && (b[n].is_ascii_alphabetic() || b[n] == b'_') {
        return None;
    }
    Some((&i[n..], &i[..n]))
}

fn primary<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Expr> {
    let i = ws(i);
    let start = i;
    if i.is_empty() || i.starts_with('|') || i.starts_with(']') {
        return fail(i, "expected an expression");
    }
    if let Some(after) = i.strip_prefix('(') {
        let _level = lex::nest(i)?;
        let (rest, e) = cut(parse_expr(src, after))?;
        let (rest, _) = cut(lex::expect_char(rest, ')'))?;
        return Ok((rest, e));
    }
    if i.starts_with('"') {
        let (rest, s) = dquoted(i)?;
        return Ok((
            rest,
            Expr::Str {
                value: s,
                span: src.span(start, rest),
            },
        ));
    }
    if let Some((rest, value)) = json_literal(i) {
        return Ok((
            rest,
            Expr::Str {
                value,
                span: src.span(start, rest),
            },
        ));
    }
    if i.starts_with('\'') {
        let (rest, s) = squoted(i)?;
        return Ok((
            rest,
            Expr::Field {
                name: s,
                quoted: true,
                span: src.span(start, rest),
            },
        ));
    }
    if let Some((rest, text)) = number(i) {
        let value = text
            .parse::<f64>()
            .map_err(|_| nom::Err::Failure(PErr::at(i, format!("invalid number {text}"))))?;
        return Ok((
            rest,
            Expr::Num {
                value,
                text: text.to_string(),
                span: src.span(start, rest),
            },
        ));
    }
    // Identifier: a function call or a field name.
    let (rest, name) = match eval_ident(i) {
        Some(x) => x,
        None => return fail(i, "expected an expression"),
    };
    // Splunk allows a space before a call's parenthesis (`mvindex (x, 1)`), and
    // `like(…)` and `in(…)` are functions as well as operators.
    let after = ws(rest);
    let is_call = after.starts_with('(');
    let is_call_form =
        is_call && (name.eq_ignore_ascii_case("like") || name.eq_ignore_ascii_case("in"));
    if is_reserved(name) && !is_call_form {
        return fail(i, format!("expected an expression, found keyword {name}"));
    }
    if let Some(args_in) = after.strip_prefix('(') {
        let name_span = src.span(i, rest);
        // In an eval over aggregations a stats function is a call whose
        // argument is a field or `eval(<expr>)`.
        let (inner, checked) = match src.agg {
            AggMode::Over if crate::functions::stats::lookup(name).is_some() => {
                (src.with_agg(AggMode::Arg), false)
            }
            AggMode::Arg if name.eq_ignore_ascii_case("eval") => {
                (src.with_agg(AggMode::Off), false)
            }
            _ => (src.with_agg(src.agg), true),
        };
        let (rest, args) = cut(call_args(&inner, args_in))?;
        if checked {
            check_function(name, args.len(), name_span).map_err(nom::Err::Failure)?;
        }
        return Ok((
            rest,
            Expr::Call {
                name: name.to_string(),
                args,
                span: src.span(start, rest),
            },
        ));
    }
    Ok((
        rest,
        Expr::Field {
            name: name.to_string(),
            quoted: false,
            span: src.span(start, rest),
        },
    ))
}

/// A JSON object or array written in the expression (`{"a": [1, 2]}`,
/// `["SSN", "accounts"]`), as the JSON functions page's `json_delete`
/// examples write them: its compact JSON text, the form `json_object` and
/// `json_array` give. None when the text there is not one JSON value.
fn json_literal(i: &str) -> Option<(&str, String)> {
    if !i.starts_with(['{', '[']) {
        return None;
    }
    let mut values = serde_json::Deserializer::from_str(i).into_iter::<serde_json::Value>();
    let value = values.next()?.ok()?;
    let rest = &i[values.byte_offset()..];
    Some((rest, serde_json::to_string(&value).ok()?))
}

/// Eval identifiers: letters, digits, `_`; braces allowed inside (`tags{}`).
fn eval_ident(i: &str) -> Option<(&str, &str)> {
    let mut end = 0;
    for (n, c) in i.char_indices() {
        if lex::is_word_char(c) || ((c == '{' || c == '}') && n > 0) {
            end = n + c.len_utf8();
        } else {
            break;
        }
    }
    if end == 0 || i.starts_with(|c: char| c.is_ascii_digit()) && number(i).is_some() {
        return None;
    }
    Some((&i[end..], &i[..end]))
}

fn call_args<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Vec<Expr>> {
    let _level = lex::nest(i)?;
    let mut args = Vec::new();
    let mut rest = ws(i);
    if let Some(r) = rest.strip_prefix(')') {
        return Ok((r, args));
    }
    loop {
        let (r, e) = parse_expr(src, rest)?;
        args.push(e);
        let r = ws(r);
        if let Some(r) = r.strip_prefix(',') {
            rest = ws(r);
            continue;
        }
        if let Some(r) = r.strip_prefix(')') {
            return Ok((r, args));
        }
        return fail(r, "expected ',' or ')' in function arguments");
    }
}

fn paren_list<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Vec<Expr>> {
    let i = ws(i);
    match i.strip_prefix('(') {
        Some(r) => call_args(src, r),
        None => fail(i, "expected '(' after IN"),
    }
}

/// Unknown eval functions and wrong argument counts are parse errors.
pub fn check_function(name: &str, argc: usize, span: Span) -> Result<(), PErr> {
    let (min, max) = if let Some(f) = crate::functions::lookup(name) {
        (f.min_args, f.max_args)
    } else if let Some(s) = crate::functions::SPECIAL_FORMS
        .iter()
        .find(|s| s.0.eq_ignore_ascii_case(name))
    {
        (s.1, s.2)
    } else {
        return Err(PErr::spanning(
            span,
            format!("unknown eval function '{name}'"),
        ));
    };
    let ok = argc >= min && max.is_none_or(|m| argc <= m);
    if ok {
        return Ok(());
    }
    let want = match max {
        Some(m) if m == min => format!("{min}"),
        Some(m) => format!("{min} to {m}"),
        None => format!("at least {min}"),
    };
    Err(PErr::spanning(
        span,
        format!("function '{name}' takes {want} argument(s), got {argc}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Expr {
        crate::spl::lex::reset_depth();
        let src = Src::new(text);
        let (rest, e) = parse_expr(&src, text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        assert!(rest.trim().is_empty(), "{text}: left {rest:?}");
        e
    }

    #[test]
    fn json_object_and_array_literals() {
        let Expr::Str { value, .. } = parse(r#"{"name":"Wei Zhang", "accounts":["a", "b"]}"#)
        else {
            panic!("not a literal")
        };
        assert_eq!(value, r#"{"name":"Wei Zhang","accounts":["a","b"]}"#);
        let Expr::Call { name, args, .. } = parse(r#"json_delete(object, ["SSN", "accounts"])"#)
        else {
            panic!("not a call")
        };
        assert_eq!(name, "json_delete");
        assert!(
            matches!(&args[1], Expr::Str { value, .. } if value == r#"["SSN","accounts"]"#),
            "{args:?}"
        );
        // Not JSON: still an error, as before.
        crate::spl::lex::reset_depth();
        assert!(parse_expr(&Src::new("{cities: 3}"), "{cities: 3}").is_err());
        assert!(parse_expr(&Src::new("[1, 2"), "[1, 2").is_err());
    }
}
