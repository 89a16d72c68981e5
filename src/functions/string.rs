//! Text eval functions: `len lower upper substr replace trim ltrim rtrim
//! urldecode printf like match spath`.
//!
//! Conventions shared by these functions:
//! - a Null argument yields Null;
//! - a multivalue first argument is processed value by value (the result is a
//!   multivalue of the per-value results), except `like`/`match`, which are
//!   true when any value matches;
//! - numbers are read as their Splunk rendering (`format_number`).

use std::borrow::Cow;

use crate::base::regex_util;
use crate::base::value::Value;
use crate::functions::{EvalFunction, FnCtx};

pub static FUNCTIONS: &[EvalFunction] = &[
    EvalFunction {
        name: "spath",
        min_args: 2,
        max_args: Some(2),
        imp: spath,
    },
    EvalFunction {
        name: "len",
        min_args: 1,
        max_args: Some(1),
        imp: len,
    },
    EvalFunction {
        name: "length",
        min_args: 1,
        max_args: Some(1),
        imp: len,
    },
    EvalFunction {
        name: "lower",
        min_args: 1,
        max_args: Some(1),
        imp: lower,
    },
    EvalFunction {
        name: "upper",
        min_args: 1,
        max_args: Some(1),
        imp: upper,
    },
    EvalFunction {
        name: "substr",
        min_args: 2,
        max_args: Some(3),
        imp: substr,
    },
    EvalFunction {
        name: "replace",
        min_args: 3,
        max_args: Some(3),
        imp: replace,
    },
    EvalFunction {
        name: "trim",
        min_args: 1,
        max_args: Some(2),
        imp: trim,
    },
    EvalFunction {
        name: "ltrim",
        min_args: 1,
        max_args: Some(2),
        imp: ltrim,
    },
    EvalFunction {
        name: "rtrim",
        min_args: 1,
        max_args: Some(2),
        imp: rtrim,
    },
    EvalFunction {
        name: "urldecode",
        min_args: 1,
        max_args: Some(1),
        imp: urldecode,
    },
    EvalFunction {
        name: "printf",
        min_args: 1,
        max_args: None,
        imp: printf,
    },
    EvalFunction {
        name: "like",
        min_args: 2,
        max_args: Some(2),
        imp: like,
    },
    EvalFunction {
        name: "match",
        min_args: 2,
        max_args: Some(2),
        imp: match_fn,
    },
];

// ---------------------------------------------------------------- helpers

/// Text of a scalar as string functions read it.
fn text_of(v: &Value) -> Option<Cow<'_, str>> {
    v.as_text()
}

/// Applies `f` to each value of `v` (Null → Null, multivalue → per value).
fn map_values(
    v: &Value,
    f: &mut dyn FnMut(&Value) -> Result<Value, String>,
) -> Result<Value, String> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::Multi(vs) => {
            let mut out = Vec::with_capacity(vs.len());
            for x in vs {
                out.push(f(x)?);
            }
            Ok(Value::multi(out))
        }
        other => f(other),
    }
}

/// Applies a text transformation to each value of `v`.
fn map_text(v: &Value, f: &dyn Fn(&str) -> String) -> Result<Value, String> {
    map_values(v, &mut |x| {
        Ok(match text_of(x) {
            Some(t) => Value::Str(f(&t)),
            None => Value::Null,
        })
    })
}

fn any_null(args: &[Value]) -> bool {
    args.iter().any(Value::is_null)
}

// ---------------------------------------------------------------- len / case

fn len(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    map_values(&args[0], &mut |x| {
        Ok(text_of(x)
            .map(|t| Value::Num(t.chars().count() as f64))
            .unwrap_or(Value::Null))
    })
}

fn lower(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    map_values(&args[0], &mut |x| {
        Ok(match x {
            Value::Num(_) => x.clone(),
            _ => text_of(x)
                .map(|t| Value::Str(t.to_lowercase()))
                .unwrap_or(Value::Null),
        })
    })
}

fn upper(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    map_values(&args[0], &mut |x| {
        Ok(match x {
            Value::Num(_) => x.clone(),
            _ => text_of(x)
                .map(|t| Value::Str(t.to_uppercase()))
                .unwrap_or(Value::Null),
        })
    })
}

// ---------------------------------------------------------------- substr

/// `substr(X, start[, length])`: 1-based start; a negative start counts from
/// the end; start 0 is treated as 1; a negative or zero length gives "".
fn substr(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    if any_null(args) {
        return Ok(Value::Null);
    }
    let Some(start) = args[1].as_num() else {
        return Ok(Value::Null);
    };
    let length = match args.get(2) {
        Some(v) => match v.as_num() {
            Some(n) => Some(n.trunc()),
            None => return Ok(Value::Null),
        },
        None => None,
    };
    let start = start.trunc();
    map_text(&args[0], &|s: &str| substr_chars(s, start, length))
}

fn substr_chars(s: &str, start: f64, length: Option<f64>) -> String {
    let n = s.chars().count() as f64;
    let begin = if start < 0.0 {
        (n + start).max(0.0)
    } else if start == 0.0 {
        0.0
    } else {
        start - 1.0
    };
    if begin >= n {
        return String::new();
    }
    let take = match length {
        Some(l) if l <= 0.0 => return String::new(),
        Some(l) => l.min(n - begin),
        None => n - begin,
    };
    s.chars().skip(begin as usize).take(take as usize).collect()
}

// ---------------------------------------------------------------- replace

/// `replace(X, REGEX, Y)`: every match of REGEX in X is replaced by Y, where
/// `\0`..`\9` in Y insert capture groups and `\\` inserts a backslash.
fn replace(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    if any_null(args) {
        return Ok(Value::Null);
    }
    let pattern = text_of(&args[1]).unwrap_or_default();
    let replacement = text_of(&args[2]).unwrap_or_default();
    let re = regex_util::compile(&pattern)?;
    replace_with(&re, &args[0], &replacement)
}

/// `replace()` with its regex compiled (the evaluator compiles a literal
/// pattern once, at plan time).
pub(crate) fn replace_with(
    re: &regex_util::Regex,
    v: &Value,
    replacement: &str,
) -> Result<Value, String> {
    map_values(v, &mut |x| match text_of(x) {
        Some(t) => replace_all(re, &t, replacement).map(Value::Str),
        None => Ok(Value::Null),
    })
}

fn replace_all(re: &regex_util::Regex, text: &str, repl: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for caps in re.captures_iter(text) {
        let caps = caps.map_err(|e| format!("replace(): regex evaluation failed: {e}"))?;
        let m = caps.get(0).expect("group 0 always participates");
        out.push_str(&text[last..m.start()]);
        expand_replacement(repl, &caps, &mut out);
        last = m.end();
    }
    out.push_str(&text[last..]);
    Ok(out)
}

fn expand_replacement(repl: &str, caps: &fancy_regex::Captures<'_>, out: &mut String) {
    let mut chars = repl.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some(d) if d.is_ascii_digit() => {
                chars.next();
                let idx = d.to_digit(10).unwrap() as usize;
                if let Some(g) = caps.get(idx) {
                    out.push_str(g.as_str());
                }
            }
            Some('\\') => {
                chars.next();
                out.push('\\');
            }
            _ => out.push('\\'),
        }
    }
}

// ---------------------------------------------------------------- trim

/// Characters stripped when no set is given: Splunk documents "spaces and tabs".
const DEFAULT_TRIM: &str = " \t";

fn trim_set(args: &[Value]) -> Option<String> {
    match args.get(1) {
        None => Some(DEFAULT_TRIM.to_string()),
        Some(v) => text_of(v).map(Cow::into_owned),
    }
}

fn trim_with(args: &[Value], left: bool, right: bool) -> Result<Value, String> {
    if any_null(args) {
        return Ok(Value::Null);
    }
    let Some(set) = trim_set(args) else {
        return Ok(Value::Null);
    };
    map_text(&args[0], &|s: &str| {
        let is_in = |c: char| set.contains(c);
        let mut t = s;
        if left {
            t = t.trim_start_matches(is_in);
        }
        if right {
            t = t.trim_end_matches(is_in);
        }
        t.to_string()
    })
}

fn trim(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    trim_with(args, true, true)
}

fn ltrim(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    trim_with(args, true, false)
}

fn rtrim(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    trim_with(args, false, true)
}

// ---------------------------------------------------------------- urldecode

/// `urldecode(X)`: `%XX` escapes decoded (UTF-8, invalid bytes replaced),
/// `+` decoded as a space; malformed escapes are kept as they are.
fn urldecode(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    map_text(&args[0], &|s: &str| {
        let plus = s.replace('+', " ");
        percent_encoding::percent_decode_str(&plus)
            .decode_utf8_lossy()
            .into_owned()
    })
}

// ---------------------------------------------------------------- like / match

/// True when any value of `subject` satisfies `pred`; Null when subject is Null.
fn any_value(
    subject: &Value,
    pred: &mut dyn FnMut(&str) -> Result<bool, String>,
) -> Result<Value, String> {
    if subject.is_null() {
        return Ok(Value::Null);
    }
    for v in subject.values() {
        if let Some(t) = text_of(v) {
            if pred(&t)? {
                return Ok(Value::Bool(true));
            }
        }
    }
    Ok(Value::Bool(false))
}

/// SQL LIKE pattern → anchored regex: `%` any run, `_` one character,
/// backslash escapes the next character; everything else literal, case-sensitive.
fn like_to_regex(pattern: &str) -> String {
    let mut re = String::from("(?s)^");
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => re.push_str(".*"),
            '_' => re.push('.'),
            '\\' => match chars.next() {
                Some(n) => push_literal(&mut re, n),
                None => push_literal(&mut re, '\\'),
            },
            other => push_literal(&mut re, other),
        }
    }
    re.push('$');
    re
}

fn push_literal(re: &mut String, c: char) {
    let mut buf = [0u8; 4];
    re.push_str(&fancy_regex::escape(c.encode_utf8(&mut buf)));
}

fn like(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    if any_null(args) {
        return Ok(Value::Null);
    }
    let pattern = text_of(&args[1]).unwrap_or_default();
    let re = regex_util::compile(&like_to_regex(&pattern))?;
    any_value(&args[0], &mut |t| regex_util::is_match(&re, t))
}

fn match_fn(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    if any_null(args) {
        return Ok(Value::Null);
    }
    let pattern = text_of(&args[1]).unwrap_or_default();
    let re = regex_util::compile(&pattern)?;
    match_with(&re, &args[0])
}

/// `match()` with its regex compiled (see [`replace_with`]).
pub(crate) fn match_with(re: &regex_util::Regex, v: &Value) -> Result<Value, String> {
    if v.is_null() {
        return Ok(Value::Null);
    }
    any_value(v, &mut |t| regex_util::is_match(re, t))
}

// ---------------------------------------------------------------- printf

/// `printf(format, args...)`: C `sprintf` conversions `%d %i %u %o %x %X %p
/// %c %s %z %f %F %e %E %g %G %a %A %%`, flags `- + space 0 # '`, width and
/// precision (either may be `*`). A Null or missing argument renders as "".
fn printf(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some(fmt) = text_of(&args[0]) else {
        return Ok(Value::Null);
    };
    Ok(Value::Str(sprintf(&fmt, &args[1..])))
}

#[derive(Default, Clone, Copy)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    zero: bool,
    alt: bool,
    group: bool,
    width: usize,
    prec: Option<usize>,
}

fn sprintf(fmt: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut next = args.iter();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        let begin = i - 1;
        let mut spec = Spec::default();
        while i < chars.len() {
            match chars[i] {
                '-' => spec.left = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '0' => spec.zero = true,
                '#' => spec.alt = true,
                '\'' => spec.group = true,
                _ => break,
            }
            i += 1;
        }
        if i < chars.len() && chars[i] == '*' {
            i += 1;
            let w = next.next().and_then(Value::as_num).unwrap_or(0.0) as i64;
            if w < 0 {
                spec.left = true;
            }
            spec.width = (w.unsigned_abs() as usize).min(MAX_WIDTH);
        } else {
            spec.width = read_int(&chars, &mut i);
        }
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            if i < chars.len() && chars[i] == '*' {
                i += 1;
                let p = next.next().and_then(Value::as_num).unwrap_or(0.0) as i64;
                spec.prec = (p >= 0).then_some((p as usize).min(MAX_WIDTH));
            } else {
                spec.prec = Some(read_int(&chars, &mut i));
            }
        }
        while i < chars.len() && matches!(chars[i], 'h' | 'l' | 'L' | 'q' | 'j' | 't') {
            i += 1;
        }
        let Some(&conv) = chars.get(i) else {
            out.extend(&chars[begin..]);
            break;
        };
        i += 1;
        match conv {
            '%' => out.push('%'),
            'd' | 'i' | 'u' | 'o' | 'x' | 'X' | 'p' | 'c' | 's' | 'z' | 'f' | 'F' | 'e' | 'E'
            | 'g' | 'G' | 'a' | 'A' => {
                let arg = next.next().unwrap_or(&Value::Null);
                out.push_str(&format_one(conv, spec, arg));
            }
            _ => out.extend(&chars[begin..i]),
        }
    }
    out
}

fn read_int(chars: &[char], i: &mut usize) -> usize {
    let mut n: usize = 0;
    while *i < chars.len() && chars[*i].is_ascii_digit() {
        n = n
            .saturating_mul(10)
            .saturating_add(chars[*i].to_digit(10).unwrap() as usize);
        *i += 1;
    }
    n.min(MAX_WIDTH)
}

/// The widest field and the longest precision `printf` pads or prints to,
/// written or given by `*` (C has no limit; past it a format would build
/// strings of any size from one number).
const MAX_WIDTH: usize = 10_000;

/// First value of an argument (printf formats one value per conversion).
fn scalar(v: &Value) -> &Value {
    match v {
        Value::Multi(vs) => vs.first().unwrap_or(&Value::Null),
        other => other,
    }
}

/// Numeric reading for numeric conversions: non-numeric text reads as 0.
fn num_of(v: &Value) -> f64 {
    match v {
        Value::Bool(b) => f64::from(u8::from(*b)),
        other => other.as_num().unwrap_or(0.0),
    }
}

fn format_one(conv: char, spec: Spec, arg: &Value) -> String {
    let arg = scalar(arg);
    if arg.is_null() {
        return pad(String::new(), "", spec, false);
    }
    match conv {
        's' | 'z' => {
            let t = text_of(arg).unwrap_or_default();
            let t: String = match spec.prec {
                Some(p) => t.chars().take(p).collect(),
                None => t.into_owned(),
            };
            pad(t, "", spec, false)
        }
        'c' => {
            let t = match arg {
                Value::Num(n) => char::from_u32(*n as u32).map(String::from),
                other => text_of(other).and_then(|t| t.chars().next().map(String::from)),
            }
            .unwrap_or_default();
            pad(t, "", spec, false)
        }
        'd' | 'i' => {
            let n = num_of(arg);
            let v = if n.is_nan() { 0 } else { n.trunc() as i64 };
            let sign = sign_str(v < 0, spec);
            let digits = int_digits(v.unsigned_abs(), 10, false, spec);
            pad_int(digits, sign, spec)
        }
        'u' | 'o' | 'x' | 'X' | 'p' => {
            let n = num_of(arg);
            let v = if n.is_nan() { 0 } else { n.trunc() as i64 } as u64;
            let (radix, upper) = match conv {
                'o' => (8, false),
                'x' => (16, false),
                'X' | 'p' => (16, true),
                _ => (10, false),
            };
            let mut digits = int_digits(v, radix, upper, spec);
            let mut prefix = "";
            if spec.alt {
                match conv {
                    'o' if !digits.starts_with('0') => digits.insert(0, '0'),
                    'x' if v != 0 => prefix = "0x",
                    'X' | 'p' if v != 0 => prefix = "0X",
                    _ => {}
                }
            }
            pad_int(digits, prefix, spec)
        }
        _ => {
            let n = num_of(arg);
            let sign = sign_str(n.is_sign_negative() && !n.is_nan(), spec);
            let upper = conv.is_ascii_uppercase();
            if !n.is_finite() {
                let t = if n.is_nan() { "nan" } else { "inf" };
                let t = if upper { t.to_uppercase() } else { t.into() };
                return pad(
                    t,
                    sign,
                    Spec {
                        zero: false,
                        ..spec
                    },
                    false,
                );
            }
            let a = n.abs();
            let (body, prefix) = match conv.to_ascii_lowercase() {
                'f' => (fmt_fixed(a, spec.prec.unwrap_or(6), spec), ""),
                'e' => (fmt_exp(a, spec.prec.unwrap_or(6), spec.alt), ""),
                'g' => (fmt_general(a, spec), ""),
                _ => (fmt_hexfloat(a, spec.prec, spec.alt), "0x"),
            };
            let body = if upper { body.to_uppercase() } else { body };
            let prefix = if upper && !prefix.is_empty() {
                "0X"
            } else {
                prefix
            };
            pad(body, &format!("{sign}{prefix}"), spec, true)
        }
    }
}

fn sign_str(negative: bool, spec: Spec) -> &'static str {
    if negative {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    }
}

/// Integer digits with C precision (minimum digit count; `.0` of 0 is empty)
/// and, for decimal, optional thousands grouping.
fn int_digits(v: u64, radix: u32, upper: bool, spec: Spec) -> String {
    let mut s = match radix {
        8 => format!("{v:o}"),
        16 if upper => format!("{v:X}"),
        16 => format!("{v:x}"),
        _ => v.to_string(),
    };
    if spec.prec == Some(0) && v == 0 {
        s.clear();
    }
    if let Some(p) = spec.prec {
        while s.len() < p {
            s.insert(0, '0');
        }
    }
    if spec.group && radix == 10 {
        s = group_thousands(&s);
    }
    s
}

fn pad_int(digits: String, prefix: &str, spec: Spec) -> String {
    // C: the 0 flag is ignored for integers when a precision is given.
    let spec = Spec {
        zero: spec.zero && spec.prec.is_none(),
        ..spec
    };
    pad(digits, prefix, spec, true)
}

/// Pads `body` (after `prefix`, i.e. sign and base) to the field width.
fn pad(body: String, prefix: &str, spec: Spec, numeric: bool) -> String {
    let len = prefix.chars().count() + body.chars().count();
    if len >= spec.width {
        return format!("{prefix}{body}");
    }
    let fill = spec.width - len;
    if spec.left {
        format!("{prefix}{body}{}", " ".repeat(fill))
    } else if spec.zero && numeric {
        format!("{prefix}{}{body}", "0".repeat(fill))
    } else {
        format!("{}{prefix}{body}", " ".repeat(fill))
    }
}

fn group_thousands(digits: &str) -> String {
    let bytes = digits.as_bytes();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && (bytes.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*b as char);
    }
    out
}

fn fmt_fixed(a: f64, prec: usize, spec: Spec) -> String {
    let s = format!("{a:.prec$}");
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s, None),
    };
    let int = if spec.group {
        group_thousands(&int)
    } else {
        int
    };
    match frac {
        Some(f) => format!("{int}.{f}"),
        None if spec.alt => format!("{int}."),
        None => int,
    }
}

/// `d.ddde±XX` with at least two exponent digits, as C prints it.
fn fmt_exp(a: f64, prec: usize, alt: bool) -> String {
    let s = format!("{a:.prec$e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut mant = mant.to_string();
    if alt && !mant.contains('.') {
        mant.push('.');
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mant}e{sign}{:02}", exp.abs())
}

fn fmt_general(a: f64, spec: Spec) -> String {
    let p = match spec.prec {
        Some(0) => 1,
        Some(p) => p,
        None => 6,
    };
    let x = if a == 0.0 {
        0
    } else {
        let e = format!("{a:.*e}", p - 1);
        e.split_once('e')
            .and_then(|(_, x)| x.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let mut s = if (p as i32) > x && x >= -4 {
        let prec = (p as i32 - 1 - x) as usize;
        fmt_fixed(
            a,
            prec,
            Spec {
                alt: spec.alt,
                group: spec.group,
                ..Spec::default()
            },
        )
    } else {
        fmt_exp(a, p - 1, spec.alt)
    };
    if !spec.alt {
        let (mant, exp) = match s.find('e') {
            Some(pos) => (s[..pos].to_string(), s[pos..].to_string()),
            None => (s.clone(), String::new()),
        };
        let mant = if mant.contains('.') {
            mant.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            mant
        };
        s = format!("{mant}{exp}");
    }
    s
}

/// Hexadecimal float body without the `0x` prefix: `1.921fb54442d18p+1`.
fn fmt_hexfloat(a: f64, prec: Option<usize>, alt: bool) -> String {
    if a == 0.0 {
        let frac = "0".repeat(prec.unwrap_or(0));
        let dot = if !frac.is_empty() || alt { "." } else { "" };
        return format!("0{dot}{frac}p+0");
    }
    let bits = a.to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    let (mut lead, exp) = if raw_exp == 0 {
        (0u64, -1022)
    } else {
        (1u64, raw_exp - 1023)
    };
    let digits = match prec {
        Some(p) if p < 13 => {
            let drop = (13 - p) * 4;
            let rem = mant & ((1u64 << drop) - 1);
            let half = 1u64 << (drop - 1);
            mant >>= drop;
            let kept_odd = if p == 0 { lead & 1 == 1 } else { mant & 1 == 1 };
            if rem > half || (rem == half && kept_odd) {
                mant += 1;
                if p == 0 || mant >> (p * 4) != 0 {
                    mant &= (1u64 << (p * 4)).wrapping_sub(1);
                    lead += 1;
                }
            }
            if p == 0 {
                String::new()
            } else {
                format!("{mant:0width$x}", width = p)
            }
        }
        Some(p) => format!("{mant:013x}{}", "0".repeat(p - 13)),
        None => format!("{mant:013x}").trim_end_matches('0').to_string(),
    };
    let dot = if !digits.is_empty() || alt { "." } else { "" };
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{lead}{dot}{digits}p{sign}{}", exp.abs())
}

/// `spath(X, path)`: the values the path selects in the JSON or XML text X,
/// as the `spath` command reads paths (`a.b{}.c`, `{N}`, `@attr`); none gives
/// Null, several a multivalue.
fn spath(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some(path) = args[1].as_text() else {
        return Ok(Value::Null);
    };
    let segs = crate::functions::spath_path::parse_path(&path);
    let mut out = Vec::new();
    for v in args[0].values() {
        if let Some(t) = v.as_text() {
            out.extend(
                crate::functions::spath_path::extract_path(&t, &segs)
                    .into_iter()
                    .map(Value::Str),
            );
        }
    }
    Ok(Value::multi(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[Value]) -> Value {
        let f = FUNCTIONS
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no function {name}"));
        assert!(args.len() >= f.min_args, "{name}: too few args");
        if let Some(max) = f.max_args {
            assert!(args.len() <= max, "{name}: too many args");
        }
        (f.imp)(args, &FnCtx::default()).unwrap()
    }

    fn s(x: &str) -> Value {
        Value::from(x)
    }
    fn n(x: f64) -> Value {
        Value::Num(x)
    }
    fn mv(xs: &[&str]) -> Value {
        Value::Multi(xs.iter().map(|x| s(x)).collect())
    }
    fn pf(fmt: &str, args: &[Value]) -> String {
        let mut all = vec![s(fmt)];
        all.extend_from_slice(args);
        match call("printf", &all) {
            Value::Str(t) => t,
            other => panic!("printf gave {other:?}"),
        }
    }

    // --- len: doc table buttercup 9, rarity 6, tenderhoof 10, dash 4, mistmane 8
    #[test]
    fn len_doc_example() {
        for (name, want) in [
            ("buttercup", 9.0),
            ("rarity", 6.0),
            ("tenderhoof", 10.0),
            ("dash", 4.0),
            ("mistmane", 8.0),
        ] {
            assert_eq!(call("len", &[s(name)]), n(want), "{name}");
        }
    }

    #[test]
    fn len_counts_code_points_not_bytes() {
        assert_eq!(call("len", &[s("héllo")]), n(5.0));
        assert_eq!(call("length", &[s("日本")]), n(2.0));
        assert_eq!(call("len", &[n(12345.0)]), n(5.0));
        assert_eq!(call("len", &[Value::Null]), Value::Null);
    }

    #[test]
    fn lower_upper() {
        assert_eq!(call("lower", &[s("UserName")]), s("username"));
        assert_eq!(call("upper", &[s("UserName")]), s("USERNAME"));
        assert_eq!(call("lower", &[Value::Null]), Value::Null);
        assert_eq!(call("upper", &[n(3.5)]), n(3.5));
        assert_eq!(call("lower", &[mv(&["A", "bC"])]), mv(&["a", "bc"]));
    }

    // --- substr doc: substr("splendid", 1, 3) . substr("chunk", -3) = "splunk"
    #[test]
    fn substr_doc_example() {
        let a = call("substr", &[s("splendid"), n(1.0), n(3.0)]);
        let b = call("substr", &[s("chunk"), n(-3.0)]);
        assert_eq!(a, s("spl"));
        assert_eq!(b, s("unk"));
    }

    #[test]
    fn substr_edges() {
        assert_eq!(call("substr", &[s("abcdef"), n(3.0)]), s("cdef"));
        assert_eq!(call("substr", &[s("abcdef"), n(2.0), n(100.0)]), s("bcdef"));
        assert_eq!(call("substr", &[s("abc"), n(5.0)]), s(""));
        assert_eq!(call("substr", &[s("abc"), n(-10.0), n(2.0)]), s("ab"));
        assert_eq!(call("substr", &[s("abc"), n(1.0), n(0.0)]), s(""));
        assert_eq!(call("substr", &[s("abc"), n(0.0), n(2.0)]), s("ab"));
        assert_eq!(call("substr", &[s("abc"), s("2")]), s("bc"));
        assert_eq!(call("substr", &[s("日本語"), n(2.0), n(1.0)]), s("本"));
        assert_eq!(call("substr", &[Value::Null, n(1.0)]), Value::Null);
        assert_eq!(call("substr", &[s("abc"), Value::Null]), Value::Null);
        assert_eq!(call("substr", &[s("abc"), s("x")]), Value::Null);
    }

    // --- replace doc: swap month and day: replace(date, "^(\d{1,2})/(\d{1,2})/", "\2/\1/")
    #[test]
    fn replace_doc_example_swaps_day_and_month() {
        let r = call(
            "replace",
            &[s("1/14/2023"), s(r"^(\d{1,2})/(\d{1,2})/"), s(r"\2/\1/")],
        );
        assert_eq!(r, s("14/1/2023"));
    }

    #[test]
    fn replace_all_occurrences_and_escapes() {
        assert_eq!(call("replace", &[s("aXbXc"), s("X"), s("-")]), s("a-b-c"));
        assert_eq!(call("replace", &[s("abc"), s("b"), s(r"\\")]), s(r"a\c"));
        assert_eq!(
            call("replace", &[s("abc"), s("(b)"), s(r"[\0\1\5]")]),
            s("a[bb]c")
        );
        assert_eq!(call("replace", &[s("abc"), s("b"), s("$1")]), s("a$1c"));
        assert_eq!(call("replace", &[s("abc"), s("x*"), s("-")]), s("-a-b-c-"));
        assert_eq!(
            call("replace", &[s("C:\\Windows"), s(r"(?i)c:\\"), s("X:/")]),
            s("X:/Windows")
        );
        assert_eq!(call("replace", &[Value::Null, s("a"), s("b")]), Value::Null);
        assert_eq!(
            call("replace", &[mv(&["ab", "cb"]), s("b"), s("")]),
            mv(&["a", "c"])
        );
        let f = FUNCTIONS.iter().find(|f| f.name == "replace").unwrap();
        assert!((f.imp)(&[s("a"), s("("), s("")], &FnCtx::default()).is_err());
    }

    // --- trim doc: " ZZZZabcZZ " with " Z"
    #[test]
    fn trim_doc_examples() {
        let x = s(" ZZZZabcZZ ");
        assert_eq!(call("ltrim", &[x.clone(), s(" Z")]), s("abcZZ "));
        assert_eq!(call("rtrim", &[x.clone(), s(" Z")]), s(" ZZZZabc"));
        assert_eq!(call("trim", &[x, s(" Z")]), s("abc"));
    }

    #[test]
    fn trim_default_is_spaces_and_tabs() {
        assert_eq!(call("trim", &[s(" \t abc \t ")]), s("abc"));
        assert_eq!(call("ltrim", &[s("  abc  ")]), s("abc  "));
        assert_eq!(call("rtrim", &[s("  abc  ")]), s("  abc"));
        assert_eq!(call("trim", &[s("\nabc\n")]), s("\nabc\n"));
        assert_eq!(call("trim", &[Value::Null]), Value::Null);
        assert_eq!(call("trim", &[s("x"), Value::Null]), Value::Null);
    }

    // --- urldecode doc example
    #[test]
    fn urldecode_doc_example() {
        assert_eq!(
            call(
                "urldecode",
                &[s("http%3A%2F%2Fwww.splunk.com%2Fdownload%3Fr%3Dheader")]
            ),
            s("http://www.splunk.com/download?r=header")
        );
    }

    #[test]
    fn urldecode_edges() {
        assert_eq!(call("urldecode", &[s("a+b%2Bc")]), s("a b+c"));
        assert_eq!(call("urldecode", &[s("100%")]), s("100%"));
        assert_eq!(call("urldecode", &[s("%zz%41")]), s("%zzA"));
        assert_eq!(call("urldecode", &[s("%C3%A9")]), s("é"));
        assert_eq!(call("urldecode", &[Value::Null]), Value::Null);
    }

    // --- like doc: like(field, "foo%"), like(ipaddress, "198.%")
    #[test]
    fn like_doc_examples() {
        assert_eq!(call("like", &[s("foobar"), s("foo%")]), Value::Bool(true));
        assert_eq!(call("like", &[s("barfoo"), s("foo%")]), Value::Bool(false));
        assert_eq!(
            call("like", &[s("198.51.100.1"), s("198.%")]),
            Value::Bool(true)
        );
        assert_eq!(
            call("like", &[s("1980.1.1.1"), s("198.%")]),
            Value::Bool(false)
        );
    }

    #[test]
    fn like_wildcards_and_escapes() {
        assert_eq!(call("like", &[s("abc"), s("a_c")]), Value::Bool(true));
        assert_eq!(call("like", &[s("abbc"), s("a_c")]), Value::Bool(false));
        assert_eq!(call("like", &[s("ABC"), s("abc")]), Value::Bool(false));
        assert_eq!(call("like", &[s("a.c"), s("a.c")]), Value::Bool(true));
        assert_eq!(call("like", &[s("abc"), s("a.c")]), Value::Bool(false));
        assert_eq!(call("like", &[s("50%"), s(r"50\%")]), Value::Bool(true));
        assert_eq!(call("like", &[s("500"), s(r"50\%")]), Value::Bool(false));
        assert_eq!(call("like", &[s("a\nb"), s("a%b")]), Value::Bool(true));
        assert_eq!(
            call("like", &[s("x (y) [z]"), s("x (y) [%]")]),
            Value::Bool(true)
        );
        assert_eq!(
            call("like", &[mv(&["x", "foo1"]), s("foo%")]),
            Value::Bool(true)
        );
        assert_eq!(call("like", &[Value::Null, s("%")]), Value::Null);
    }

    // --- match doc: IPv4 shape check
    #[test]
    fn match_doc_example() {
        let re = s(r"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$");
        assert_eq!(
            call("match", &[s("10.1.2.3"), re.clone()]),
            Value::Bool(true)
        );
        assert_eq!(call("match", &[s("10.1.2"), re]), Value::Bool(false));
    }

    #[test]
    fn match_is_unanchored() {
        assert_eq!(call("match", &[s("xxabcxx"), s("abc")]), Value::Bool(true));
        assert_eq!(call("match", &[s("ABC"), s("(?i)abc")]), Value::Bool(true));
        assert_eq!(
            call("match", &[mv(&["no", "yes"]), s("^y")]),
            Value::Bool(true)
        );
        assert_eq!(call("match", &[n(404.0), s("^40")]), Value::Bool(true));
        assert_eq!(call("match", &[Value::Null, s("a")]), Value::Null);
    }

    // --- printf: conversion table examples of the Splunk doc
    #[test]
    fn printf_doc_conversions() {
        assert_eq!(pf("%c,%c", &[n(65.0), s("Foo")]), "A,F");
        assert_eq!(pf("%d,%i,%d", &[n(-2.0), n(4.0), n(30.0)]), "-2,4,30");
        assert_eq!(pf("%.3e", &[n(std::f64::consts::PI)]), "3.142e+00");
        assert_eq!(pf("%.3E", &[n(std::f64::consts::PI)]), "3.142E+00");
        assert_eq!(pf("%f", &[n(std::f64::consts::PI)]), "3.141593");
        assert_eq!(pf("%g", &[n(std::f64::consts::PI)]), "3.14159");
        assert_eq!(pf("%o", &[n(255.0)]), "377");
        assert_eq!(pf("%s%z", &[s("foo"), s("bar")]), "foobar");
        assert_eq!(pf("%u", &[n(-1.0)]), "18446744073709551615");
        assert_eq!(pf("%x,%X", &[n(255.0), n(255.0)]), "ff,FF");
        assert_eq!(pf("%.3A", &[n(std::f64::consts::PI)]), "0X1.922P+1");
        assert_eq!(pf("100%%", &[]), "100%");
    }

    #[test]
    fn printf_doc_flags_width_precision() {
        assert_eq!(pf("%'d", &[n(12345.0)]), "12,345");
        assert_eq!(pf("%-4d|", &[n(1.0)]), "1   |");
        assert_eq!(pf("%+4d", &[n(1.0)]), "  +1");
        assert_eq!(pf("% -4d|", &[n(1.0)]), " 1  |");
        assert_eq!(pf("%04d", &[n(1.0)]), "0001");
        assert_eq!(pf("%#x", &[n(1.0)]), "0x1");
        assert_eq!(pf("%4d", &[n(1.0)]), "   1");
        assert_eq!(pf("%*d", &[n(5.0), n(123.0)]), "  123");
        assert_eq!(pf("%.2f", &[n(1.0)]), "1.00");
        assert_eq!(pf("%.*f", &[n(2.0), n(1.0)]), "1.00");
        assert_eq!(pf("%.f", &[n(1.0)]), "1");
        assert_eq!(pf("%.s|", &[s("abc")]), "|");
    }

    // doc extended example: printf("%04.4f %-30s", field_one, field_two)
    #[test]
    fn printf_doc_extended_example() {
        let out = pf("%04.4f %-30s|", &[n(1.5), s("abc")]);
        assert_eq!(out, format!("1.5000 abc{}|", " ".repeat(27)));
    }

    #[test]
    fn printf_widths_and_precisions_are_capped() {
        let f = |fmt: &str, a: Vec<Value>| {
            let mut args = vec![Value::from(fmt)];
            args.extend(a);
            printf(&args, &FnCtx::default()).unwrap().to_display(",")
        };
        for conv in ["f", "e", "g"] {
            let out = f(
                &format!("%.*{conv}"),
                vec![Value::Num(65536.0), Value::Num(1.0)],
            );
            assert!(out.len() <= MAX_WIDTH + 8, "%.*{conv}: {}", out.len());
        }
        assert_eq!(
            f("%*d", vec![Value::Num(1e9), Value::Num(1.0)]).len(),
            MAX_WIDTH
        );
        assert_eq!(
            f("%-*d|", vec![Value::Num(-1e9), Value::Num(1.0)]).len(),
            MAX_WIDTH + 1
        );
    }

    #[test]
    fn printf_c_semantics() {
        assert_eq!(pf("%08.3f", &[n(-1.23456)]), "-001.235");
        assert_eq!(pf("%+.1e", &[n(12345.0)]), "+1.2e+04");
        assert_eq!(pf("%e", &[n(0.0)]), "0.000000e+00");
        assert_eq!(pf("%g", &[n(0.0001)]), "0.0001");
        assert_eq!(pf("%g", &[n(0.00001)]), "1e-05");
        assert_eq!(pf("%g", &[n(1e6)]), "1e+06");
        assert_eq!(pf("%g", &[n(123456.0)]), "123456");
        assert_eq!(pf("%#g", &[n(1.0)]), "1.00000");
        assert_eq!(pf("%.3d", &[n(7.0)]), "007");
        assert_eq!(pf("%05.3d", &[n(7.0)]), "  007");
        assert_eq!(pf("%#o", &[n(8.0)]), "010");
        assert_eq!(pf("%#X", &[n(255.0)]), "0XFF");
        assert_eq!(pf("%'.2f", &[n(1234567.891)]), "1,234,567.89");
        assert_eq!(pf("%5s|%-5s|", &[s("ab"), s("cd")]), "   ab|cd   |");
        assert_eq!(pf("%05s", &[s("ab")]), "   ab");
        assert_eq!(pf("%.2s", &[s("abcd")]), "ab");
        assert_eq!(pf("%d", &[n(3.99)]), "3");
        assert_eq!(pf("%d", &[s("42")]), "42");
        assert_eq!(pf("%d", &[s("abc")]), "0");
        assert_eq!(pf("%s", &[n(2.5)]), "2.5");
        assert_eq!(pf("%s", &[n(7.0)]), "7");
        assert_eq!(pf("%a", &[n(1.0)]), "0x1p+0");
        assert_eq!(pf("%a", &[n(std::f64::consts::PI)]), "0x1.921fb54442d18p+1");
        assert_eq!(pf("%f", &[n(f64::INFINITY)]), "inf");
        assert_eq!(pf("%ld", &[n(5.0)]), "5");
        assert_eq!(pf("%y", &[n(5.0)]), "%y");
        assert_eq!(pf("a%", &[]), "a%");
        assert_eq!(pf("[%s][%d]", &[Value::Null]), "[][]");
        assert_eq!(pf("%c", &[n(233.0)]), "é");
        assert_eq!(pf("%-*d|", &[n(-4.0), n(1.0)]), "1   |");
        assert_eq!(call("printf", &[Value::Null, n(1.0)]), Value::Null);
    }
}
