//! The value type every field and every eval expression produces.
//!
//! Splunk stores extracted fields as text and decides "numeric or not" when a
//! value is used, so values read from events stay [`Value::Str`] with their
//! original text; eval arithmetic produces [`Value::Num`]. Booleans only exist
//! inside eval/where expressions (Splunk refuses to store them in a field).

use std::cmp::Ordering;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// A multivalue field: never nested, never empty (an empty list is Null).
    Multi(Vec<Value>),
}

impl Value {
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(s.into())
    }

    /// Builds a multivalue from parts; 0 parts → Null, 1 part → that value.
    pub fn multi(mut parts: Vec<Value>) -> Value {
        parts.retain(|v| !v.is_null());
        match parts.len() {
            0 => Value::Null,
            1 => parts.pop().unwrap(),
            _ => {
                let mut flat = Vec::with_capacity(parts.len());
                for p in parts {
                    match p {
                        Value::Multi(inner) => flat.extend(inner),
                        other => flat.push(other),
                    }
                }
                Value::Multi(flat)
            }
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The values of a field: one for a single value, each for a multivalue, none for Null.
    pub fn values(&self) -> &[Value] {
        match self {
            Value::Null => &[],
            Value::Multi(v) => v,
            other => std::slice::from_ref(other),
        }
    }

    pub fn mv_count(&self) -> usize {
        self.values().len()
    }

    /// Numeric reading of a value: numbers, and strings that are entirely a number
    /// (leading/trailing spaces allowed, hex `0x..` not). Multivalue uses its first value.
    pub fn as_num(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            Value::Str(s) => parse_number(s),
            Value::Bool(_) | Value::Null => None,
            Value::Multi(v) => v.first().and_then(Value::as_num),
        }
    }

    /// Text reading of a scalar (Splunk's rendering of numbers). Multivalue: first value.
    pub fn as_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        use std::borrow::Cow;
        match self {
            Value::Null => None,
            Value::Str(s) => Some(Cow::Borrowed(s)),
            Value::Num(n) => Some(Cow::Owned(format_number(*n))),
            Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            Value::Multi(v) => v.first().and_then(|x| x.as_text()),
        }
    }

    /// Text of the whole value, multivalues joined with newlines (as Splunk's table shows them).
    pub fn to_display(&self, sep: &str) -> String {
        match self {
            Value::Multi(v) => v
                .iter()
                .map(|x| x.to_display(sep))
                .collect::<Vec<_>>()
                .join(sep),
            other => other.as_text().map(|c| c.into_owned()).unwrap_or_default(),
        }
    }

    /// Truthiness for where/search of an eval result.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Null => false,
            _ => true,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Num(n) => number_json(*n),
            Value::Str(s) => serde_json::Value::String(s.clone()),
            Value::Multi(v) => serde_json::Value::Array(v.iter().map(Value::to_json).collect()),
        }
    }
}

fn number_json(n: f64) -> serde_json::Value {
    if let Some(i) = whole_number(n) {
        serde_json::Value::from(i)
    } else {
        serde_json::Number::from_f64(n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }
}

/// Parses text the way Splunk decides a field is numeric.
pub fn parse_number(s: &str) -> Option<f64> {
    // The common case, a short run of digits (`4688`), without the float parser.
    let b = s.as_bytes();
    if !b.is_empty() && b.len() <= 15 && b.iter().all(u8::is_ascii_digit) {
        return Some(b.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0')) as f64);
    }
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let b = t.as_bytes();
    // Reject things f64::from_str accepts but Splunk does not treat as numbers.
    let first = b[0];
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return None;
    }
    if b.iter()
        .any(|c| c.is_ascii_alphabetic() && *c != b'e' && *c != b'E')
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Renders a number as Splunk does: integers without a fraction, others with
/// up to 15 significant digits and no trailing zeros.
/// A number written as an integer, in text and in JSON alike: whole and
/// below 1e17 (past that, `{}` of the float is shorter than its digits).
/// Every such `f64` converts to `i64` exactly.
pub fn whole_number(n: f64) -> Option<i64> {
    (n.fract() == 0.0 && n.abs() < 1e17).then_some(n as i64)
}

pub fn format_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if let Some(i) = whole_number(n) {
        return i.to_string();
    }
    let s = format!("{}", n);
    if s.contains('e') || s.len() <= 17 {
        return s;
    }
    // Trim float noise such as 0.30000000000000004 to 15 significant digits.
    let digits = 15 - (n.abs().log10().floor() as i32 + 1);
    let prec = digits.clamp(0, 17) as usize;
    let mut out = format!("{:.*}", prec, n);
    if out.contains('.') {
        while out.ends_with('0') {
            out.pop();
        }
        if out.ends_with('.') {
            out.pop();
        }
    }
    out
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_display("\n"))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}
impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Num(n)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// Ordering of two scalars as `sort` and `stats` group keys use it: numbers
/// before strings, numbers numerically, strings lexicographically.
pub fn sort_cmp(a: &Value, b: &Value) -> Ordering {
    match (a.as_num(), b.as_num()) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => match (a.as_text(), b.as_text()) {
            (Some(x), Some(y)) => x.cmp(&y),
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (None, None) => Ordering::Equal,
        },
    }
}

/// Comparison for `<`, `>`, ... in eval and search: numeric when both sides are
/// numbers or numeric strings, otherwise lexical. None when either is null.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    if a.is_null() || b.is_null() {
        return None;
    }
    match (a.as_num(), b.as_num()) {
        (Some(x), Some(y)) => x.partial_cmp(&y),
        _ => Some(a.as_text()?.as_ref().cmp(b.as_text()?.as_ref())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_render_like_splunk() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(-2.5), "-2.5");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(1700000000.0), "1700000000");
    }

    #[test]
    fn numeric_strings() {
        assert_eq!(parse_number(" 42 "), Some(42.0));
        assert_eq!(parse_number("4688"), Some(4688.0));
        assert_eq!(parse_number("007"), Some(7.0));
        assert_eq!(parse_number("999999999999999"), Some(999999999999999.0));
        assert_eq!(
            parse_number("12345678901234567890"),
            Some(1.2345678901234567e19)
        );
        assert_eq!(parse_number("1e3"), Some(1000.0));
        assert_eq!(parse_number("0x1A"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("10.0.0.1"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn compare_is_numeric_only_when_both_numeric() {
        assert_eq!(compare(&"10".into(), &"9".into()), Some(Ordering::Greater));
        assert_eq!(compare(&"10".into(), &"a".into()), Some(Ordering::Less));
        assert_eq!(compare(&"abc".into(), &"abd".into()), Some(Ordering::Less));
        assert_eq!(compare(&Value::Null, &"a".into()), None);
    }

    #[test]
    fn multi_flattens_and_collapses() {
        assert_eq!(Value::multi(vec![]), Value::Null);
        assert_eq!(Value::multi(vec!["a".into()]), Value::from("a"));
        let m = Value::multi(vec!["a".into(), Value::multi(vec!["b".into(), "c".into()])]);
        assert_eq!(m.mv_count(), 3);
    }
}
