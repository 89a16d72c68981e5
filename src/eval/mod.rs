//! Evaluation of eval/where expressions. An [`Expr`] is compiled once at plan
//! time into a [`Compiled`] tree (functions resolved to their implementation,
//! regexes and search strings prepared); evaluation then only walks it.

pub mod analysis;
mod bind;
pub mod matcher;

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::base::diag::{Result, SplError};
use crate::base::event::{Fields, Overlay};
use crate::base::value::{compare, Value};
use crate::eval::matcher::Matcher;
use crate::functions::{self, EvalImpl, FnCtx};
use crate::spl::expr::{BinOp, Expr, UnOp};

#[derive(Debug, Clone)]
pub enum Special {
    If,
    Case,
    Coalesce,
    Validate,
    MvFilter(String),
    MvMap(String),
    SearchMatch(std::sync::Arc<Matcher>),
    /// `sigfig(a <op> b)`: the arguments are the whole expression and its two
    /// operands; `muldiv` for `*` and `/` (else `+` and `-`); the operands'
    /// precision when they are number literals (their text as written).
    SigFig {
        muldiv: bool,
        lits: [Option<Precision>; 2],
    },
    IsNull,
    IsNotNull,
    Null,
    Now,
    In,
    True,
    False,
    /// `replace(X, "regex", "replacement")` with a literal regex, compiled once.
    Replace(std::sync::Arc<crate::base::regex_util::Regex>, String),
    /// `match(X, "regex")` with a literal regex, compiled once.
    Match(std::sync::Arc<crate::base::regex_util::Regex>),
}

#[derive(Debug, Clone)]
pub enum Compiled {
    Lit(Value),
    Field(String),
    Call {
        name: String,
        imp: EvalImpl,
        args: Vec<Compiled>,
    },
    Special(Special, Vec<Compiled>),
    Unary(UnOp, Box<Compiled>),
    Binary(BinOp, Box<Compiled>, Box<Compiled>),
    In(Box<Compiled>, Vec<Compiled>),
}

/// Compiles an expression; errors carry the span of the offending part.
pub fn compile(e: &Expr, ctx: &FnCtx) -> Result<Compiled> {
    Ok(match e {
        Expr::Num { value, .. } => Compiled::Lit(Value::Num(*value)),
        Expr::Str { value, .. } => Compiled::Lit(Value::Str(value.clone())),
        Expr::Field { name, .. } => Compiled::Field(name.clone()),
        Expr::Unary { op, expr, .. } => Compiled::Unary(*op, Box::new(compile(expr, ctx)?)),
        Expr::Binary {
            op, left, right, ..
        } => Compiled::Binary(
            *op,
            Box::new(compile(left, ctx)?),
            Box::new(compile(right, ctx)?),
        ),
        Expr::In { expr, list, .. } => Compiled::In(
            Box::new(compile(expr, ctx)?),
            list.iter()
                .map(|x| compile(x, ctx))
                .collect::<Result<_>>()?,
        ),
        Expr::Call { name, args, span } => {
            let lname = name.to_ascii_lowercase();
            let special = match lname.as_str() {
                "if" => Some(Special::If),
                "case" => Some(Special::Case),
                "coalesce" => Some(Special::Coalesce),
                "validate" => Some(Special::Validate),
                "isnull" => Some(Special::IsNull),
                "isnotnull" => Some(Special::IsNotNull),
                "null" => Some(Special::Null),
                "now" => Some(Special::Now),
                "in" => Some(Special::In),
                "true" => Some(Special::True),
                "false" => Some(Special::False),
                "mvfilter" | "mvmap" => {
                    let target = args.first().and_then(first_field).ok_or_else(|| {
                        SplError::plan(format!(
                            "{lname}() needs an expression that names a multivalue field"
                        ))
                        .at(*span)
                    })?;
                    Some(if lname == "mvfilter" {
                        Special::MvFilter(target)
                    } else {
                        Special::MvMap(target)
                    })
                }
                "sigfig" => {
                    if let Some(Expr::Binary {
                        op: op @ (BinOp::Mul | BinOp::Div | BinOp::Add | BinOp::Sub),
                        left,
                        right,
                        ..
                    }) = args.first()
                    {
                        if args.len() != 1 {
                            return Err(SplError::plan("sigfig() takes one argument").at(*span));
                        }
                        let lit = |e: &Expr| match e {
                            Expr::Num { text, .. } => Precision::of(text),
                            _ => None,
                        };
                        let special = Special::SigFig {
                            muldiv: matches!(op, BinOp::Mul | BinOp::Div),
                            lits: [lit(left), lit(right)],
                        };
                        let cargs = vec![
                            compile(&args[0], ctx)?,
                            compile(left, ctx)?,
                            compile(right, ctx)?,
                        ];
                        return Ok(Compiled::Special(special, cargs));
                    }
                    None
                }
                "searchmatch" => {
                    let Some(Expr::Str { value, span: s }) = args.first() else {
                        return Err(
                            SplError::plan("searchmatch() takes a quoted search string").at(*span)
                        );
                    };
                    let m = Matcher::from_search_text(value, ctx).map_err(|e| e.at(*s))?;
                    Some(Special::SearchMatch(std::sync::Arc::new(m)))
                }
                // A literal regex is compiled here, once; one that does not
                // compile is left to the call, which reports it per event as before.
                "replace" => match args.as_slice() {
                    [_, Expr::Str { value: p, .. }, Expr::Str { value: r, .. }] => {
                        crate::base::regex_util::compile(p)
                            .ok()
                            .map(|re| Special::Replace(re, r.clone()))
                    }
                    _ => None,
                },
                "match" => match args.as_slice() {
                    [_, Expr::Str { value: p, .. }] => {
                        crate::base::regex_util::compile(p).ok().map(Special::Match)
                    }
                    _ => None,
                },
                _ => None,
            };
            let cargs = args
                .iter()
                .map(|x| compile(x, ctx))
                .collect::<Result<Vec<_>>>()?;
            match special {
                Some(s) => Compiled::Special(s, cargs),
                None => {
                    // Search Reference, "Statistical eval functions", avg: a
                    // quoted string argument is an error (`avg(1, 2, "3")`),
                    // while a field holding text is read as a number or left out.
                    if lname == "avg" {
                        if let Some(Expr::Str { span: s, .. }) =
                            args.iter().find(|a| matches!(a, Expr::Str { .. }))
                        {
                            return Err(SplError::plan(
                                "avg() takes numbers: a quoted string argument is not one",
                            )
                            .at(*s)
                            .with_help("convert it with tonumber(\"…\")"));
                        }
                    }
                    let f = functions::lookup(name).ok_or_else(|| {
                        SplError::plan(format!("unknown eval function '{name}'")).at(*span)
                    })?;
                    Compiled::Call {
                        name: f.name.to_string(),
                        imp: f.imp,
                        args: cargs,
                    }
                }
            }
        }
    })
}

fn first_field(e: &Expr) -> Option<String> {
    let mut found = None;
    e.walk(&mut |x| {
        if found.is_none() {
            if let Expr::Field { name, .. } = x {
                found = Some(name.clone());
            }
        }
    });
    found
}

/// Parses and compiles an eval expression from text, once (knowledge packs
/// and data model fields hold expressions as text).
pub fn compile_text(text: &str) -> std::result::Result<Compiled, String> {
    crate::spl::lex::reset_depth();
    let src = crate::spl::lex::Src::new(text);
    let expr = match crate::spl::expr::parse_expr(&src, text) {
        Ok((rest, e)) if rest.trim().is_empty() => e,
        Ok((rest, _)) => return Err(format!("unexpected text {:?} in {text:?}", rest.trim())),
        Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => {
            return Err(format!("{} in {text:?}", e.msg))
        }
        Err(nom::Err::Incomplete(_)) => return Err(format!("incomplete expression {text:?}")),
    };
    compile(&expr, &FnCtx::default()).map_err(|e| format!("{} in {text:?}", e.msg))
}

/// [`eval`] without copying a field's or a literal's value: conditions and
/// comparisons read them in place.
fn eval_ref<'e>(c: &'e Compiled, ev: &'e dyn Fields, ctx: &FnCtx) -> Result<Cow<'e, Value>> {
    static NULL: Value = Value::Null;
    Ok(match c {
        Compiled::Lit(v) => Cow::Borrowed(v),
        Compiled::Field(name) => Cow::Borrowed(ev.field(name).unwrap_or(&NULL)),
        other => Cow::Owned(eval(other, ev, ctx)?),
    })
}

/// Evaluates a compiled expression against an event.
/// A value made by a function or an operator, if it is within the memory
/// budgets ([`crate::base::budget`]): values in a multivalue, bytes in a
/// string.
fn within_budget(v: Value, what: &dyn Fn() -> String) -> Result<Value> {
    use crate::base::budget::{STRING, VALUES};
    // What made it (`replace()`) is named only when a budget is exceeded.
    let check = |b: &crate::base::budget::Budget, n: usize| {
        if n > b.get() {
            Err(b.exceeded(&what()))
        } else {
            Ok(())
        }
    };
    match &v {
        Value::Str(s) => check(&STRING, s.len())?,
        Value::Multi(m) => {
            check(&VALUES, m.len())?;
            check(
                &STRING,
                m.iter()
                    .map(|x| match x {
                        Value::Str(s) => s.len(),
                        _ => 8,
                    })
                    .sum(),
            )?;
        }
        _ => {}
    }
    Ok(v)
}

pub fn eval(c: &Compiled, ev: &dyn Fields, ctx: &FnCtx) -> Result<Value> {
    Ok(match c {
        Compiled::Lit(v) => v.clone(),
        Compiled::Field(name) => ev.field(name).cloned().unwrap_or(Value::Null),
        Compiled::Call { name, imp, args } => {
            let vals = args
                .iter()
                .map(|a| eval(a, ev, ctx))
                .collect::<Result<Vec<_>>>()?;
            let v = imp(&vals, ctx).map_err(|m| SplError::runtime(format!("{name}(): {m}")))?;
            within_budget(v, &|| format!("{name}()"))?
        }
        Compiled::Special(s, args) => special(s, args, ev, ctx)?,
        Compiled::Unary(op, inner) => {
            let v = eval_ref(inner, ev, ctx)?;
            match op {
                UnOp::Not => match v.as_ref() {
                    Value::Null => Value::Bool(true),
                    other => Value::Bool(!other.truthy_bool()),
                },
                UnOp::Neg => match v.as_num() {
                    Some(n) => Value::Num(-n),
                    None => Value::Null,
                },
            }
        }
        Compiled::Binary(op, l, r) => {
            within_budget(binary(*op, l, r, ev, ctx)?, &|| "an operator".into())?
        }
        Compiled::In(x, list) => {
            let v = eval_ref(x, ev, ctx)?;
            let mut hit = false;
            for item in list {
                let w = eval_ref(item, ev, ctx)?;
                if v.values()
                    .iter()
                    .any(|a| w.values().iter().any(|b| eq_values(a, b)))
                {
                    hit = true;
                    break;
                }
            }
            Value::Bool(hit)
        }
    })
}

impl Value {
    /// Boolean reading of an eval result inside a boolean operator.
    pub fn truthy_bool(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Null => false,
            _ => true,
        }
    }
}

/// `==` in eval: numeric when both are numbers, otherwise exact (case-sensitive) text.
pub fn eq_values(a: &Value, b: &Value) -> bool {
    compare(a, b) == Some(Ordering::Equal)
}

fn binary(op: BinOp, l: &Compiled, r: &Compiled, ev: &dyn Fields, ctx: &FnCtx) -> Result<Value> {
    // Boolean operators short-circuit.
    match op {
        BinOp::And => {
            let a = eval_ref(l, ev, ctx)?;
            if !a.truthy_bool() {
                return Ok(Value::Bool(false));
            }
            return Ok(Value::Bool(eval_ref(r, ev, ctx)?.truthy_bool()));
        }
        BinOp::Or => {
            let a = eval_ref(l, ev, ctx)?;
            if a.truthy_bool() {
                return Ok(Value::Bool(true));
            }
            return Ok(Value::Bool(eval_ref(r, ev, ctx)?.truthy_bool()));
        }
        BinOp::Xor => {
            let a = eval_ref(l, ev, ctx)?.truthy_bool();
            let b = eval_ref(r, ev, ctx)?.truthy_bool();
            return Ok(Value::Bool(a != b));
        }
        _ => {}
    }
    let a = eval_ref(l, ev, ctx)?;
    let b = eval_ref(r, ev, ctx)?;
    let (a, b) = (a.as_ref(), b.as_ref());
    Ok(match op {
        BinOp::Eq | BinOp::EqEq => Value::Bool(any_pair(a, b, eq_values)),
        BinOp::Ne => Value::Bool(!a.is_null() && !b.is_null() && !any_pair(a, b, eq_values)),
        BinOp::Lt => Value::Bool(any_pair(a, b, |x, y| compare(x, y) == Some(Ordering::Less))),
        BinOp::Le => Value::Bool(any_pair(a, b, |x, y| {
            matches!(compare(x, y), Some(Ordering::Less | Ordering::Equal))
        })),
        BinOp::Gt => Value::Bool(any_pair(a, b, |x, y| {
            compare(x, y) == Some(Ordering::Greater)
        })),
        BinOp::Ge => Value::Bool(any_pair(a, b, |x, y| {
            matches!(compare(x, y), Some(Ordering::Greater | Ordering::Equal))
        })),
        BinOp::Like => {
            if a.is_null() || b.is_null() {
                Value::Bool(false)
            } else {
                let f = functions::lookup("like").expect("like() is registered");
                (f.imp)(&[a.clone(), b.clone()], ctx).map_err(SplError::runtime)?
            }
        }
        BinOp::Concat => match (a.as_text(), b.as_text()) {
            (Some(x), Some(y)) => Value::Str(format!("{x}{y}")),
            _ => Value::Null,
        },
        BinOp::Add => match (a.as_num(), b.as_num()) {
            (Some(x), Some(y)) => Value::Num(x + y),
            _ => match (a, b) {
                (Value::Str(x), Value::Str(y)) => Value::Str(format!("{x}{y}")),
                _ => Value::Null,
            },
        },
        BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Mod => match (a.as_num(), b.as_num()) {
            (Some(x), Some(y)) => match op {
                BinOp::Sub => Value::Num(x - y),
                BinOp::Mul => Value::Num(x * y),
                BinOp::Div if y == 0.0 => Value::Null,
                BinOp::Div => Value::Num(x / y),
                BinOp::Mod if y == 0.0 => Value::Null,
                _ => Value::Num(x % y),
            },
            _ => Value::Null,
        },
        BinOp::And | BinOp::Or | BinOp::Xor => unreachable!("handled above"),
    })
}

/// A comparison on multivalue operands holds when it holds for any pair of values.
fn any_pair(a: &Value, b: &Value, f: impl Fn(&Value, &Value) -> bool) -> bool {
    a.values()
        .iter()
        .any(|x| b.values().iter().any(|y| f(x, y)))
}

fn special(s: &Special, args: &[Compiled], ev: &dyn Fields, ctx: &FnCtx) -> Result<Value> {
    Ok(match s {
        Special::If => {
            if eval_ref(&args[0], ev, ctx)?.truthy_bool() {
                eval(&args[1], ev, ctx)?
            } else {
                eval(&args[2], ev, ctx)?
            }
        }
        Special::Case => {
            for pair in args.chunks(2) {
                if pair.len() == 2 && eval_ref(&pair[0], ev, ctx)?.truthy_bool() {
                    return eval(&pair[1], ev, ctx);
                }
            }
            Value::Null
        }
        Special::Coalesce => {
            for a in args {
                let v = eval_ref(a, ev, ctx)?;
                if !v.is_null() {
                    return Ok(v.into_owned());
                }
            }
            Value::Null
        }
        Special::Validate => {
            for pair in args.chunks(2) {
                if pair.len() == 2 && !eval_ref(&pair[0], ev, ctx)?.truthy_bool() {
                    return eval(&pair[1], ev, ctx);
                }
            }
            Value::Null
        }
        Special::IsNull => Value::Bool(eval_ref(&args[0], ev, ctx)?.is_null()),
        Special::IsNotNull => Value::Bool(!eval_ref(&args[0], ev, ctx)?.is_null()),
        Special::Null => Value::Null,
        Special::Now => Value::Num(ctx.now),
        Special::Replace(re, repl) => {
            let v = eval_ref(&args[0], ev, ctx)?;
            let out = crate::functions::string::replace_with(re, &v, repl)
                .map_err(|m| SplError::runtime(format!("replace(): {m}")))?;
            within_budget(out, &|| "replace()".into())?
        }
        Special::Match(re) => {
            let v = eval_ref(&args[0], ev, ctx)?;
            crate::functions::string::match_with(re, &v)
                .map_err(|m| SplError::runtime(format!("match(): {m}")))?
        }
        Special::True => Value::Bool(true),
        Special::False => Value::Bool(false),
        Special::In => {
            let v = eval_ref(&args[0], ev, ctx)?;
            let mut hit = false;
            for a in &args[1..] {
                let w = eval_ref(a, ev, ctx)?;
                if any_pair(&v, &w, eq_values) {
                    hit = true;
                    break;
                }
            }
            Value::Bool(hit)
        }
        Special::MvFilter(field) | Special::MvMap(field) => {
            let is_map = matches!(s, Special::MvMap(_));
            // mvmap iterates its first argument's values (the page's
            // `mvmap(mvindex(results, 1,2), results*threshold)` maps only
            // those two), each bound to the field the argument names.
            let source = if is_map {
                eval(&args[0], ev, ctx)?
            } else {
                ev.field(field).cloned().unwrap_or(Value::Null)
            };
            let body = if is_map { &args[1] } else { &args[0] };
            let mut out = Vec::new();
            for v in source.values() {
                let overlay = Overlay {
                    base: ev,
                    name: field,
                    value: v,
                };
                let r = eval(body, &overlay, ctx)?;
                if is_map {
                    if !r.is_null() {
                        out.push(r);
                    }
                } else if r.truthy_bool() {
                    out.push(v.clone());
                }
            }
            Value::multi(out)
        }
        Special::SearchMatch(m) => Value::Bool(m.matches(ev)?),
        Special::SigFig { muldiv, lits } => {
            let whole = eval(&args[0], ev, ctx)?;
            let Some(x) = whole.as_num() else {
                return Ok(Value::Null);
            };
            let mut precs = Vec::with_capacity(2);
            for (lit, arg) in lits.iter().zip(&args[1..]) {
                let p = match lit {
                    Some(p) => Some(*p),
                    None => eval_ref(arg, ev, ctx)?
                        .as_text()
                        .and_then(|t| Precision::of(t.trim())),
                };
                match p {
                    Some(p) => precs.push(p),
                    None => return Ok(Value::Num(x)),
                }
            }
            Value::Num(if *muldiv {
                round_sig(x, precs.iter().map(|p| p.figures).min().unwrap_or(0))
            } else {
                round_places(x, precs.iter().map(|p| p.places).min().unwrap_or(0))
            })
        }
    })
}

/// The precision of a number written as text, for `sigfig`: its significant
/// figures (leading zeros, and trailing zeros of a whole number without a
/// decimal point, do not count) and its decimal places.
#[derive(Debug, Clone, Copy)]
pub struct Precision {
    figures: u32,
    places: u32,
}

impl Precision {
    pub fn of(text: &str) -> Option<Precision> {
        crate::base::value::parse_number(text)?;
        let t = text.trim().trim_start_matches(['+', '-']);
        let mantissa = t.split(['e', 'E']).next().unwrap_or(t);
        if !mantissa.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return None;
        }
        let (int, frac) = match mantissa.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (mantissa, None),
        };
        let digits: String = int.chars().chain(frac.unwrap_or("").chars()).collect();
        let significant = digits.trim_start_matches('0');
        let significant = if frac.is_none() {
            significant.trim_end_matches('0')
        } else {
            significant
        };
        Some(Precision {
            figures: (significant.len() as u32).max(1),
            places: frac.map_or(0, |f| f.len() as u32),
        })
    }
}

/// Rounds to `n` significant figures.
fn round_sig(x: f64, n: u32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let magnitude = x.abs().log10().floor() as i32 + 1;
    let shift = n as i32 - magnitude;
    // Divide by a whole power of ten rather than multiply by a fraction, so
    // 1111 to 3 figures is exactly 1110.
    let r = if shift >= 0 {
        let f = 10f64.powi(shift.min(300));
        (x * f).round() / f
    } else {
        let f = 10f64.powi((-shift).min(300));
        (x / f).round() * f
    };
    if r.is_finite() {
        r
    } else {
        x
    }
}

/// Rounds to `n` decimal places.
fn round_places(x: f64, n: u32) -> f64 {
    let f = 10f64.powi(n.min(15) as i32);
    let r = (x * f).round() / f;
    if r.is_finite() {
        r
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_of_written_numbers() {
        let p = |t: &str| Precision::of(t).map(|p| (p.figures, p.places));
        assert_eq!(p("1.00"), Some((3, 2)));
        assert_eq!(p("1111"), Some((4, 0)));
        assert_eq!(p("1110"), Some((3, 0)));
        assert_eq!(p("0.0123"), Some((3, 4)));
        assert_eq!(p("-4.567"), Some((4, 3)));
        assert_eq!(p("0"), Some((1, 0)));
        assert_eq!(p("x"), None);
        assert_eq!(round_sig(1111.0, 3), 1110.0);
        assert_eq!(round_sig(0.0246, 2), 0.025);
        assert_eq!(round_places(127.567, 1), 127.6);
    }
}
