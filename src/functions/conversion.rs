//! Conversion and informational eval functions: `tostring tonumber typeof
//! isnum isstr isint isbool`.
//!
//! Field values read from events are text, and Splunk decides at use time
//! whether a value is a number; so a string holding a number counts as a
//! Number here (`typeof`, `isnum`, `isint`, `isstr`).

use crate::base::value::{format_number, parse_number, Value};
use crate::functions::{EvalFunction, FnCtx};

pub static FUNCTIONS: &[EvalFunction] = &[
    EvalFunction {
        name: "tostring",
        min_args: 1,
        max_args: Some(2),
        imp: tostring,
    },
    EvalFunction {
        name: "tonumber",
        min_args: 1,
        max_args: Some(2),
        imp: tonumber,
    },
    EvalFunction {
        name: "typeof",
        min_args: 1,
        max_args: Some(1),
        imp: type_of,
    },
    EvalFunction {
        name: "isnum",
        min_args: 1,
        max_args: Some(1),
        imp: isnum,
    },
    EvalFunction {
        name: "isstr",
        min_args: 1,
        max_args: Some(1),
        imp: isstr,
    },
    EvalFunction {
        name: "isint",
        min_args: 1,
        max_args: Some(1),
        imp: isint,
    },
    EvalFunction {
        name: "isbool",
        min_args: 1,
        max_args: Some(1),
        imp: isbool,
    },
    EvalFunction {
        name: "isdouble",
        min_args: 1,
        max_args: Some(1),
        imp: isdouble,
    },
    EvalFunction {
        name: "ismv",
        min_args: 1,
        max_args: Some(1),
        imp: ismv,
    },
    EvalFunction {
        name: "isarray",
        min_args: 1,
        max_args: Some(1),
        imp: isarray,
    },
    EvalFunction {
        name: "isobject",
        min_args: 1,
        max_args: Some(1),
        imp: isobject,
    },
];

/// `isdouble(X)`: a number that is not an integer, or text written as a
/// number with a decimal point or an exponent (`1.5`, `2.0`, `1e3`).
fn isdouble(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let r = match scalar(&args[0]) {
        Value::Num(n) => n.is_finite() && n.fract() != 0.0,
        Value::Str(s) => parse_number(s).is_some() && s.contains(['.', 'e', 'E']),
        _ => false,
    };
    Ok(Value::Bool(r))
}

/// `ismv(X)`: X holds more than one value.
fn ismv(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(Value::Bool(
        matches!(&args[0], Value::Multi(v) if v.len() > 1),
    ))
}

/// The JSON value a text holds, when it is JSON.
fn json_of(v: &Value) -> Option<serde_json::Value> {
    match v {
        Value::Str(s) => serde_json::from_str(s.trim()).ok(),
        _ => None,
    }
}

/// `isarray(X)`: X is a JSON array (`isarray("[1, 2, 3]")` is true,
/// `isarray(1)` false: Search Reference, Informational functions).
fn isarray(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let r = json_of(scalar(&args[0])).is_some_and(|j| j.is_array());
    Ok(Value::Bool(r))
}

/// `isobject(X)`: X is a JSON object.
fn isobject(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let r = json_of(scalar(&args[0])).is_some_and(|j| j.is_object());
    Ok(Value::Bool(r))
}

fn map_values(v: &Value, f: &dyn Fn(&Value) -> Result<Value, String>) -> Result<Value, String> {
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

/// First value of a multivalue, the value itself otherwise.
fn scalar(v: &Value) -> &Value {
    match v {
        Value::Multi(vs) => vs.first().unwrap_or(&Value::Null),
        other => other,
    }
}

// ---------------------------------------------------------------- tostring

/// `tostring(X[, "hex"|"commas"|"duration"])`. Booleans become "True"/"False".
/// The format applies to numbers (and numeric strings); other values are
/// returned as their text. An unknown format is an error.
fn tostring(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let format = match args.get(1) {
        None => None,
        Some(Value::Null) => return Ok(Value::Null),
        Some(f) => {
            let f = f.as_text().unwrap_or_default().to_ascii_lowercase();
            if !matches!(f.as_str(), "hex" | "commas" | "duration" | "binary") {
                return Err(format!(
                    "tostring(): unknown format {f:?} (expected \"binary\", \"hex\", \"commas\" or \"duration\")"
                ));
            }
            Some(f)
        }
    };
    map_values(&args[0], &|x| {
        if let Value::Bool(b) = x {
            return Ok(Value::str(if *b { "True" } else { "False" }));
        }
        let text = match (format.as_deref(), x.as_num()) {
            (Some("hex"), Some(n)) => to_hex(n),
            (Some("binary"), Some(n)) => to_binary(n),
            (Some("commas"), Some(n)) => to_commas(n),
            (Some("duration"), Some(n)) => to_duration(n),
            _ => match x.as_text() {
                Some(t) => t.into_owned(),
                None => return Ok(Value::Null),
            },
        };
        Ok(Value::Str(text))
    })
}

/// The binary digits of the integer part, without leading zeros (Search
/// Reference, "Bitwise functions": `tostring(4, "binary")` is `100`).
fn to_binary(n: f64) -> String {
    let i = n.trunc();
    if i.abs() >= 1.8e19 {
        return format_number(n);
    }
    let sign = if i < 0.0 { "-" } else { "" };
    format!("{sign}{:b}", i.abs() as u64)
}

/// `0x` + upper-case hex digits of the integer part.
fn to_hex(n: f64) -> String {
    let i = n.trunc();
    if i.abs() >= 1.8e19 {
        return format_number(n);
    }
    let mag = i.abs() as u64;
    let sign = if i < 0.0 { "-" } else { "" };
    format!("{sign}0x{mag:X}")
}

/// Thousands separators; rounded to two decimals, which are shown only when
/// the rounded value is not whole.
fn to_commas(n: f64) -> String {
    if !n.is_finite() {
        return format_number(n);
    }
    let fixed = format!("{:.2}", round2(n.abs()));
    let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, "00"));
    let mut out = String::new();
    if n < 0.0 && fixed.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    let bytes = int.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && (bytes.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*b as char);
    }
    if frac != "00" {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Round half away from zero to two decimals, on the shortest decimal text
/// (so 2.675 gives 2.68).
fn round2(a: f64) -> f64 {
    let text = format!("{a}");
    let Some((int, frac)) = text.split_once('.') else {
        return a;
    };
    if frac.len() <= 2 {
        return a;
    }
    let kept: f64 = format!("{int}.{}", &frac[..2]).parse().unwrap_or(a);
    if frac.as_bytes()[2] >= b'5' {
        // Add one hundredth through decimal text to avoid binary drift.
        let cents = (kept * 100.0).round() + 1.0;
        cents / 100.0
    } else {
        kept
    }
}

/// Seconds as `[D+]HH:MM:SS[.ffffff]`.
fn to_duration(n: f64) -> String {
    if !n.is_finite() {
        return format_number(n);
    }
    let sign = if n < 0.0 { "-" } else { "" };
    let a = n.abs();
    let whole = a.trunc();
    let micros = ((a - whole) * 1e6).round() as u64;
    let (whole, micros) = if micros >= 1_000_000 {
        (whole + 1.0, 0)
    } else {
        (whole, micros)
    };
    let total = whole as u64;
    let days = total / 86_400;
    let h = (total % 86_400) / 3_600;
    let m = (total % 3_600) / 60;
    let s = total % 60;
    let mut out = String::from(sign);
    if days > 0 {
        out.push_str(&format!("{days}+"));
    }
    out.push_str(&format!("{h:02}:{m:02}:{s:02}"));
    if micros > 0 {
        out.push_str(&format!(".{micros:06}"));
    }
    out
}

// ---------------------------------------------------------------- tonumber

/// `tonumber(X[, base])`: base 2..36 (10 by default). Text that is not
/// entirely a number in that base — including text with leading or trailing
/// spaces — gives Null.
fn tonumber(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let base = match args.get(1) {
        None => 10,
        Some(Value::Null) => return Ok(Value::Null),
        Some(b) => match b.as_num() {
            Some(b) if b.fract() == 0.0 && (2.0..=36.0).contains(&b) => b as u32,
            _ => {
                return Err(format!(
                    "tonumber(): base must be an integer from 2 to 36, got {}",
                    b.to_display(",")
                ))
            }
        },
    };
    map_values(&args[0], &|x| {
        Ok(match x {
            Value::Num(n) if base == 10 => Value::Num(*n),
            Value::Num(n) => parse_radix(&format_number(*n), base)
                .map(Value::Num)
                .unwrap_or(Value::Null),
            Value::Str(s) if base == 10 => {
                if s.trim() != s {
                    Value::Null
                } else {
                    parse_number(s).map(Value::Num).unwrap_or(Value::Null)
                }
            }
            Value::Str(s) => parse_radix(s, base).map(Value::Num).unwrap_or(Value::Null),
            _ => Value::Null,
        })
    })
}

/// Integer text in `base`: optional sign, for base 16 an optional `0x`.
fn parse_radix(s: &str, base: u32) -> Option<f64> {
    let (neg, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let rest = if base == 16 {
        rest.strip_prefix("0x")
            .or_else(|| rest.strip_prefix("0X"))
            .unwrap_or(rest)
    } else {
        rest
    };
    if rest.is_empty() {
        return None;
    }
    let mut acc = 0f64;
    for c in rest.chars() {
        let d = c.to_digit(base)?;
        acc = acc * f64::from(base) + f64::from(d);
    }
    Some(if neg { -acc } else { acc })
}

// ---------------------------------------------------------------- typeof / is*

fn is_numeric(v: &Value) -> bool {
    match v {
        Value::Num(n) => !n.is_nan(),
        Value::Str(s) => parse_number(s).is_some(),
        _ => false,
    }
}

/// `typeof(X)`: "Number", "String", "Bool", or "Invalid" for Null (the
/// Informational functions page: the example "returns
/// \"NumberStringBoolInvalid\"").
/// A multivalue reports the type of its first value.
fn type_of(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let v = scalar(&args[0]);
    let t = match v {
        Value::Null => "Invalid",
        Value::Bool(_) => "Bool",
        v if is_numeric(v) => "Number",
        Value::Num(_) => "Number",
        _ => "String",
    };
    Ok(Value::str(t))
}

fn isnum(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(Value::Bool(is_numeric(scalar(&args[0]))))
}

fn isstr(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let v = scalar(&args[0]);
    Ok(Value::Bool(matches!(v, Value::Str(_)) && !is_numeric(v)))
}

/// Integers: numbers without a fraction; text that is an optionally signed
/// run of digits (so "12" is, "12.0" and "1e3" are not).
fn isint(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let r = match scalar(&args[0]) {
        Value::Num(n) => n.is_finite() && n.fract() == 0.0,
        Value::Str(s) => {
            let t = s.trim();
            let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    };
    Ok(Value::Bool(r))
}

/// Only real Booleans (results of comparisons, `cidrmatch`, ...): the text
/// "true" in a field is a string.
fn isbool(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(Value::Bool(matches!(scalar(&args[0]), Value::Bool(_))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn try_call(name: &str, args: &[Value]) -> Result<Value, String> {
        let f = FUNCTIONS
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no function {name}"));
        assert!(args.len() >= f.min_args, "{name}: too few args");
        if let Some(max) = f.max_args {
            assert!(args.len() <= max, "{name}: too many args");
        }
        (f.imp)(args, &FnCtx::default())
    }
    fn call(name: &str, args: &[Value]) -> Value {
        try_call(name, args).unwrap()
    }
    fn n(x: f64) -> Value {
        Value::Num(x)
    }
    fn s(x: &str) -> Value {
        Value::from(x)
    }
    fn text(v: Value) -> String {
        match v {
            Value::Str(t) => t,
            other => panic!("expected a string, got {other:?}"),
        }
    }

    // doc: tostring(1==1) + " " + tostring(15, "hex") + " " + tostring(12345.6789, "commas")
    //      returns "True 0xF 12,345.68"
    #[test]
    fn tostring_doc_example() {
        let out = format!(
            "{} {} {}",
            text(call("tostring", &[Value::Bool(true)])),
            text(call("tostring", &[n(15.0), s("hex")])),
            text(call("tostring", &[n(12345.6789), s("commas")])),
        );
        assert_eq!(out, "True 0xF 12,345.68");
    }

    // Search Reference, "Bitwise functions", examples 3, 4 and 6:
    // tostring(…, "binary").
    #[test]
    fn tostring_binary_doc_examples() {
        assert_eq!(call("tostring", &[n(4.0), s("binary")]), s("100"));
        assert_eq!(
            call("tostring", &[n(9007199254740982.0), s("binary")]),
            s("11111111111111111111111111111111111111111111111110110")
        );
        assert_eq!(call("tostring", &[n(27.0), s("binary")]), s("11011"));
        assert_eq!(call("tostring", &[n(0.0), s("binary")]), s("0"));
    }

    // doc: foo=615, tostring(foo, "duration") returns 00:10:15
    #[test]
    fn tostring_duration_doc_example() {
        assert_eq!(call("tostring", &[n(615.0), s("duration")]), s("00:10:15"));
        assert_eq!(call("tostring", &[s("615"), s("duration")]), s("00:10:15"));
    }

    #[test]
    fn tostring_duration_days_and_fractions() {
        assert_eq!(
            call("tostring", &[n(90061.0), s("duration")]),
            s("1+01:01:01")
        );
        assert_eq!(
            call("tostring", &[n(86400.0), s("duration")]),
            s("1+00:00:00")
        );
        assert_eq!(call("tostring", &[n(0.0), s("duration")]), s("00:00:00"));
        assert_eq!(
            call("tostring", &[n(1.5), s("duration")]),
            s("00:00:01.500000")
        );
        assert_eq!(call("tostring", &[n(-61.0), s("duration")]), s("-00:01:01"));
    }

    #[test]
    fn tostring_commas_and_hex() {
        assert_eq!(
            call("tostring", &[n(1234567.0), s("commas")]),
            s("1,234,567")
        );
        assert_eq!(call("tostring", &[n(999.0), s("commas")]), s("999"));
        assert_eq!(call("tostring", &[n(1000.5), s("commas")]), s("1,000.50"));
        assert_eq!(
            call("tostring", &[n(-1234.567), s("commas")]),
            s("-1,234.57")
        );
        assert_eq!(call("tostring", &[n(2.675), s("commas")]), s("2.68"));
        assert_eq!(call("tostring", &[n(0.004), s("commas")]), s("0"));
        assert_eq!(call("tostring", &[n(255.0), s("hex")]), s("0xFF"));
        assert_eq!(call("tostring", &[s("255"), s("hex")]), s("0xFF"));
        assert_eq!(call("tostring", &[n(0.0), s("hex")]), s("0x0"));
        assert_eq!(call("tostring", &[s("abc"), s("hex")]), s("abc"));
        assert!(try_call("tostring", &[n(1.0), s("bogus")]).is_err());
    }

    #[test]
    fn tostring_plain() {
        assert_eq!(call("tostring", &[n(3.0)]), s("3"));
        assert_eq!(call("tostring", &[n(0.5)]), s("0.5"));
        assert_eq!(call("tostring", &[s("abc")]), s("abc"));
        assert_eq!(call("tostring", &[Value::Bool(false)]), s("False"));
        assert_eq!(call("tostring", &[Value::Null]), Value::Null);
        assert_eq!(call("tostring", &[n(1.0), Value::Null]), Value::Null);
        assert_eq!(
            call("tostring", &[Value::Multi(vec![n(1.0), n(2.0)])]),
            Value::Multi(vec![s("1"), s("2")])
        );
    }

    // doc: tonumber("0A4", 16) returns 164; text with leading/trailing spaces gives NULL
    #[test]
    fn tonumber_doc_examples() {
        assert_eq!(call("tonumber", &[s("0A4"), n(16.0)]), n(164.0));
        assert_eq!(call("tonumber", &[s(" 42 ")]), Value::Null);
        assert_eq!(call("tonumber", &[s("42")]), n(42.0));
    }

    #[test]
    fn tonumber_bases_and_failures() {
        assert_eq!(call("tonumber", &[s("1010"), n(2.0)]), n(10.0));
        assert_eq!(call("tonumber", &[s("ff"), n(16.0)]), n(255.0));
        assert_eq!(call("tonumber", &[s("0xFF"), n(16.0)]), n(255.0));
        assert_eq!(call("tonumber", &[s("-z"), n(36.0)]), n(-35.0));
        assert_eq!(call("tonumber", &[s("12"), n(8.0)]), n(10.0));
        assert_eq!(call("tonumber", &[s("19"), n(8.0)]), Value::Null);
        assert_eq!(call("tonumber", &[s("1.5e3")]), n(1500.0));
        assert_eq!(call("tonumber", &[s("-0.25")]), n(-0.25));
        assert_eq!(call("tonumber", &[s("abc")]), Value::Null);
        assert_eq!(call("tonumber", &[s("0x10")]), Value::Null);
        assert_eq!(call("tonumber", &[s("")]), Value::Null);
        assert_eq!(call("tonumber", &[n(7.5)]), n(7.5));
        assert_eq!(call("tonumber", &[n(10.0), n(16.0)]), n(16.0));
        assert_eq!(call("tonumber", &[Value::Bool(true)]), Value::Null);
        assert_eq!(call("tonumber", &[Value::Null]), Value::Null);
        assert!(try_call("tonumber", &[s("1"), n(1.0)]).is_err());
        assert!(try_call("tonumber", &[s("1"), n(37.0)]).is_err());
    }

    // doc: typeof(12) + typeof("string") + typeof(1==2) + typeof(badfield)
    //      returns "NumberStringBoolInvalid"
    #[test]
    fn typeof_doc_example() {
        let out = [n(12.0), s("string"), Value::Bool(false), Value::Null]
            .iter()
            .map(|v| text(call("typeof", std::slice::from_ref(v))))
            .collect::<String>();
        assert_eq!(out, "NumberStringBoolInvalid");
    }

    #[test]
    fn typeof_field_text() {
        assert_eq!(call("typeof", &[s("404")]), s("Number"));
        assert_eq!(call("typeof", &[s("10.0.0.1")]), s("String"));
        assert_eq!(call("typeof", &[s("")]), s("String"));
        assert_eq!(
            call("typeof", &[Value::Multi(vec![s("a"), n(1.0)])]),
            s("String")
        );
    }

    // doc: isbool(1==2) is True; isbool(a) is False (field text is never Boolean)
    #[test]
    fn isbool_doc() {
        assert_eq!(call("isbool", &[Value::Bool(false)]), Value::Bool(true));
        assert_eq!(call("isbool", &[s("true")]), Value::Bool(false));
        assert_eq!(call("isbool", &[Value::Null]), Value::Bool(false));
    }

    #[test]
    fn isnum_isstr_isint() {
        assert_eq!(call("isnum", &[n(1.5)]), Value::Bool(true));
        assert_eq!(call("isnum", &[s("1.5")]), Value::Bool(true));
        assert_eq!(call("isnum", &[s("abc")]), Value::Bool(false));
        assert_eq!(call("isnum", &[Value::Null]), Value::Bool(false));
        assert_eq!(call("isnum", &[Value::Bool(true)]), Value::Bool(false));
        assert_eq!(call("isstr", &[s("abc")]), Value::Bool(true));
        // Search Reference, Informational functions: isarray("[1, 2, 3]") is
        // True, isarray(1) False.
        assert_eq!(call("isarray", &[s("[1, 2, 3]")]), Value::Bool(true));
        assert_eq!(call("isarray", &[n(1.0)]), Value::Bool(false));
        assert_eq!(call("isarray", &[s("{\"a\": 1}")]), Value::Bool(false));
        assert_eq!(call("isobject", &[s("{\"a\": 1}")]), Value::Bool(true));
        assert_eq!(call("isobject", &[s("[1]")]), Value::Bool(false));
        assert_eq!(
            call("ismv", &[Value::Multi(vec![s("a"), s("b")])]),
            Value::Bool(true)
        );
        assert_eq!(call("ismv", &[s("a")]), Value::Bool(false));
        assert_eq!(call("isdouble", &[n(1.5)]), Value::Bool(true));
        assert_eq!(call("isdouble", &[s("2.0")]), Value::Bool(true));
        assert_eq!(call("isdouble", &[n(42.0)]), Value::Bool(false));
        assert_eq!(call("isdouble", &[s("42")]), Value::Bool(false));
        assert_eq!(call("isstr", &[s("123")]), Value::Bool(false));
        assert_eq!(call("isstr", &[n(1.0)]), Value::Bool(false));
        assert_eq!(call("isstr", &[Value::Null]), Value::Bool(false));
        assert_eq!(call("isint", &[n(3.0)]), Value::Bool(true));
        assert_eq!(call("isint", &[n(3.5)]), Value::Bool(false));
        assert_eq!(call("isint", &[s("-12")]), Value::Bool(true));
        assert_eq!(call("isint", &[s("12.0")]), Value::Bool(false));
        assert_eq!(call("isint", &[s("1e3")]), Value::Bool(false));
        assert_eq!(call("isint", &[s("abc")]), Value::Bool(false));
        assert_eq!(call("isint", &[Value::Null]), Value::Bool(false));
    }
}
