//! Mathematical and statistical eval functions: `abs ceil ceiling floor pow
//! sqrt exp ln log pi exact sigfig random min max round sum avg`.
//!
//! Numeric arguments accept numbers and numeric strings (field values are
//! text). A Null or non-numeric argument, or a result that is not a finite
//! number (`sqrt(-1)`, `ln(0)`), yields Null. Single-argument functions
//! applied to a multivalue compute each value.

use std::cmp::Ordering;

use crate::base::value::Value;
use crate::functions::{EvalFunction, FnCtx};

pub static FUNCTIONS: &[EvalFunction] = &[
    EvalFunction {
        name: "abs",
        min_args: 1,
        max_args: Some(1),
        imp: abs,
    },
    EvalFunction {
        name: "ceil",
        min_args: 1,
        max_args: Some(1),
        imp: ceil,
    },
    EvalFunction {
        name: "ceiling",
        min_args: 1,
        max_args: Some(1),
        imp: ceil,
    },
    EvalFunction {
        name: "floor",
        min_args: 1,
        max_args: Some(1),
        imp: floor,
    },
    EvalFunction {
        name: "pow",
        min_args: 2,
        max_args: Some(2),
        imp: pow,
    },
    EvalFunction {
        name: "sqrt",
        min_args: 1,
        max_args: Some(1),
        imp: sqrt,
    },
    EvalFunction {
        name: "exp",
        min_args: 1,
        max_args: Some(1),
        imp: exp,
    },
    EvalFunction {
        name: "ln",
        min_args: 1,
        max_args: Some(1),
        imp: ln,
    },
    EvalFunction {
        name: "log",
        min_args: 1,
        max_args: Some(2),
        imp: log,
    },
    EvalFunction {
        name: "pi",
        min_args: 0,
        max_args: Some(0),
        imp: pi,
    },
    EvalFunction {
        name: "exact",
        min_args: 1,
        max_args: Some(1),
        imp: exact,
    },
    EvalFunction {
        name: "sigfig",
        min_args: 1,
        max_args: Some(1),
        imp: sigfig,
    },
    EvalFunction {
        name: "random",
        min_args: 0,
        max_args: Some(0),
        imp: random,
    },
    EvalFunction {
        name: "min",
        min_args: 1,
        max_args: None,
        imp: min,
    },
    EvalFunction {
        name: "max",
        min_args: 1,
        max_args: None,
        imp: max,
    },
    EvalFunction {
        name: "round",
        min_args: 1,
        max_args: Some(2),
        imp: round,
    },
    EvalFunction {
        name: "sum",
        min_args: 1,
        max_args: None,
        imp: sum,
    },
    EvalFunction {
        name: "avg",
        min_args: 1,
        max_args: None,
        imp: avg,
    },
];

// ---------------------------------------------------------------- helpers

pub(crate) fn finite(x: f64) -> Value {
    if x.is_finite() {
        // Avoid rendering "-0".
        Value::Num(if x == 0.0 { 0.0 } else { x })
    } else {
        Value::Null
    }
}

/// Applies a numeric function to each value of `v`.
pub(crate) fn map_num(v: &Value, f: &dyn Fn(f64) -> f64) -> Value {
    match v {
        Value::Multi(vs) => Value::multi(vs.iter().map(|x| map_num(x, f)).collect()),
        other => match other.as_num() {
            Some(n) => finite(f(n)),
            None => Value::Null,
        },
    }
}

// ---------------------------------------------------------------- unary

fn abs(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(map_num(&args[0], &f64::abs))
}

fn ceil(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(map_num(&args[0], &f64::ceil))
}

fn floor(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(map_num(&args[0], &f64::floor))
}

fn sqrt(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(map_num(&args[0], &f64::sqrt))
}

fn exp(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(map_num(&args[0], &f64::exp))
}

fn ln(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(map_num(&args[0], &f64::ln))
}

/// `exact(X)`: Splunk only changes how much precision is displayed; the value
/// is unchanged.
fn exact(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(map_num(&args[0], &|x| x))
}

/// `sigfig(X)`: Splunk rounds the result of an expression to the significant
/// figures of its operands (`sigfig(1.00*1111)` = 1110). The eval compiler
/// handles `sigfig(a <op> b)` itself (it needs the operands as written, see
/// `eval::Special::SigFig`); any other argument reaches this function and is
/// returned unchanged.
fn sigfig(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(map_num(&args[0], &|x| x))
}

// ---------------------------------------------------------------- binary

fn pow(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    match (args[0].as_num(), args[1].as_num()) {
        (Some(b), Some(e)) => Ok(finite(b.powf(e))),
        _ => Ok(Value::Null),
    }
}

/// `log(X[, base])`, base 10 by default.
fn log(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let base = match args.get(1) {
        None => 10.0,
        Some(b) => match b.as_num() {
            Some(b) => b,
            None => return Ok(Value::Null),
        },
    };
    Ok(map_num(&args[0], &|x| {
        if base == 10.0 {
            x.log10()
        } else if base == 2.0 {
            x.log2()
        } else {
            x.ln() / base.ln()
        }
    }))
}

/// `pi()`: "the constant pi to 11 digits of precision" (Mathematical
/// functions), 3.14159265358; the Trig page's `acos(0)*180/pi()` is
/// 90.0000000003 with it, not 90.
#[allow(clippy::approx_constant)] // pi truncated to 11 digits on purpose
const PI_11_DIGITS: f64 = 3.141_592_653_58;

fn pi(_: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(Value::Num(PI_11_DIGITS))
}

/// `random()`: a pseudo-random integer from 0 to 2^31-1.
fn random(_: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(Value::Num(f64::from(rand::random::<u32>() & 0x7fff_ffff)))
}

// ---------------------------------------------------------------- round

/// `round(X[, Y])`: X rounded to Y decimal places (0 by default; a negative Y
/// rounds to tens, hundreds, ...), halves away from zero. Rounding works on
/// the shortest decimal rendering of X, so `round(2.555, 2)` is 2.56 as the
/// decimal text suggests, not 2.55 as the binary double would give.
fn round(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let places = match args.get(1) {
        None => 0,
        Some(p) => match p.as_num() {
            Some(p) if p.is_finite() => p.trunc().clamp(-400.0, 400.0) as i32,
            _ => return Ok(Value::Null),
        },
    };
    Ok(map_num(&args[0], &|x| round_decimal(x, places)))
}

fn round_decimal(x: f64, places: i32) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let text = format!("{}", x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    // "0" in front leaves room for a carry.
    let mut digits: Vec<u8> = Vec::with_capacity(int.len() + frac.len() + 1);
    digits.push(b'0');
    digits.extend_from_slice(int.as_bytes());
    digits.extend_from_slice(frac.as_bytes());
    let point = 1 + int.len() as i64;
    let cut = point + i64::from(places);
    if cut >= digits.len() as i64 {
        return x;
    }
    if cut < 1 {
        return 0.0;
    }
    let cut = cut as usize;
    let up = digits[cut] >= b'5';
    digits.truncate(cut);
    if up {
        let mut i = cut;
        loop {
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let point = point as usize;
    let mut s = String::with_capacity(digits.len() + 8);
    if cut > point {
        s.push_str(std::str::from_utf8(&digits[..point]).unwrap());
        s.push('.');
        s.push_str(std::str::from_utf8(&digits[point..]).unwrap());
    } else {
        s.push_str(std::str::from_utf8(&digits).unwrap());
        s.extend(std::iter::repeat_n('0', point - cut));
    }
    let r: f64 = s.parse().unwrap_or(x.abs());
    if x < 0.0 {
        -r
    } else {
        r
    }
}

// ---------------------------------------------------------------- min / max

/// Order used by `min`/`max`: numbers (and numeric strings) below strings,
/// numbers numerically, strings lexicographically.
fn minmax_cmp(a: &Value, b: &Value) -> Ordering {
    match (a.as_num(), b.as_num()) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => {
            let x = a.as_text().unwrap_or_default();
            let y = b.as_text().unwrap_or_default();
            x.cmp(&y)
        }
    }
}

/// The values min/max consider: every value of every argument, Nulls and
/// Booleans left out.
fn candidates(args: &[Value]) -> impl Iterator<Item = &Value> {
    args.iter()
        .flat_map(Value::values)
        .filter(|v| !matches!(v, Value::Null | Value::Bool(_)))
        .filter(|v| !matches!(v, Value::Num(n) if n.is_nan()))
}

fn min(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(candidates(args)
        .min_by(|a, b| minmax_cmp(a, b))
        .cloned()
        .unwrap_or(Value::Null))
}

fn max(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    // max_by returns the last of equal elements; keep the first instead.
    Ok(candidates(args)
        .fold(None::<&Value>, |best, v| match best {
            Some(b) if minmax_cmp(v, b) != Ordering::Greater => Some(b),
            _ => Some(v),
        })
        .cloned()
        .unwrap_or(Value::Null))
}

// ---------------------------------------------------------------- sum / avg

/// The numbers `sum`/`avg` add up: each numeric value of each argument (a
/// multivalue gives each of its values); Nulls and values that are not
/// numbers are left out (Search Reference, "Statistical eval functions", avg:
/// "ignores arguments that don't exist in an event or can't be converted to
/// a number").
fn numbers(args: &[Value]) -> impl Iterator<Item = f64> + '_ {
    args.iter()
        .flat_map(Value::values)
        .filter(|v| !matches!(v, Value::Bool(_)))
        .filter_map(Value::as_num)
}

fn sum(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let mut n = 0usize;
    let total: f64 = numbers(args).inspect(|_| n += 1).sum();
    Ok(if n == 0 { Value::Null } else { finite(total) })
}

/// `avg(X, …)`: the mean of the numeric values, `sum(X, …)` divided by their count.
fn avg(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let mut n = 0usize;
    let total: f64 = numbers(args).inspect(|_| n += 1).sum();
    Ok(if n == 0 {
        Value::Null
    } else {
        finite(total / n as f64)
    })
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
    fn n(x: f64) -> Value {
        Value::Num(x)
    }
    fn s(x: &str) -> Value {
        Value::from(x)
    }
    fn num(v: Value) -> f64 {
        match v {
            Value::Num(x) => x,
            other => panic!("expected a number, got {other:?}"),
        }
    }

    // doc: eval absnum=abs(number); WHERE mydata>abs(-10.95)
    #[test]
    fn abs_doc() {
        assert_eq!(call("abs", &[n(-10.95)]), n(10.95));
        assert_eq!(call("abs", &[s("-3")]), n(3.0));
        assert_eq!(call("abs", &[s("abc")]), Value::Null);
        assert_eq!(call("abs", &[Value::Null]), Value::Null);
    }

    // doc: ceil(1.9) = 2, floor(1.9) = 1
    #[test]
    fn ceil_floor_doc() {
        assert_eq!(call("ceil", &[n(1.9)]), n(2.0));
        assert_eq!(call("ceiling", &[n(1.9)]), n(2.0));
        assert_eq!(call("floor", &[n(1.9)]), n(1.0));
        assert_eq!(call("ceil", &[n(-1.5)]), n(-1.0));
        assert_eq!(call("floor", &[s("-1.5")]), n(-2.0));
        let c = call("ceil", &[n(-0.5)]);
        assert_eq!(c.to_string(), "0");
    }

    // doc: exp(3) = 20.085536923187668
    #[test]
    fn exp_doc() {
        assert_eq!(call("exp", &[n(3.0)]), n(20.085536923187668));
    }

    // doc: ln(bytes); log(number, 2); log defaults to base 10
    #[test]
    fn ln_log_doc() {
        assert!((num(call("ln", &[n(std::f64::consts::E)])) - 1.0).abs() < 1e-15);
        assert_eq!(call("log", &[n(8.0), n(2.0)]), n(3.0));
        assert_eq!(call("log", &[n(100.0)]), n(2.0));
        assert_eq!(call("log", &[n(1000.0), n(10.0)]), n(3.0));
        assert!((num(call("log", &[n(81.0), n(3.0)])) - 4.0).abs() < 1e-12);
        assert_eq!(call("ln", &[n(0.0)]), Value::Null);
        assert_eq!(call("log", &[n(-1.0)]), Value::Null);
    }

    // doc: area_circle = pi() * pow(radius, 2)
    #[test]
    fn pi_pow_doc() {
        let area = num(call("pi", &[])) * num(call("pow", &[n(2.0), n(2.0)]));
        assert!((area - 12.56637061432).abs() < 1e-12);
        assert_eq!(call("pow", &[s("2"), s("10")]), n(1024.0));
        assert_eq!(call("pow", &[n(2.0), Value::Null]), Value::Null);
        assert_eq!(call("pow", &[n(-8.0), n(0.5)]), Value::Null);
    }

    // doc: sqrt(9) = 3
    #[test]
    fn sqrt_doc() {
        assert_eq!(call("sqrt", &[n(9.0)]), n(3.0));
        assert_eq!(call("sqrt", &[n(-1.0)]), Value::Null);
    }

    // doc: round(3.5) = 4, round(2.555, 2) = 2.56
    #[test]
    fn round_doc() {
        assert_eq!(call("round", &[n(3.5)]), n(4.0));
        assert_eq!(call("round", &[n(2.555), n(2.0)]), n(2.56));
    }

    #[test]
    fn round_edges() {
        assert_eq!(call("round", &[n(-3.5)]), n(-4.0));
        assert_eq!(call("round", &[n(2.5)]), n(3.0));
        assert_eq!(call("round", &[n(1.005), n(2.0)]), n(1.01));
        assert_eq!(call("round", &[n(1.23456), n(3.0)]), n(1.235));
        assert_eq!(call("round", &[n(9.995), n(2.0)]), n(10.0));
        assert_eq!(call("round", &[n(1234.5), n(-2.0)]), n(1200.0));
        assert_eq!(call("round", &[n(1250.0), n(-2.0)]), n(1300.0));
        assert_eq!(call("round", &[n(49.0), n(-2.0)]), n(0.0));
        assert_eq!(call("round", &[n(51.0), n(-2.0)]), n(100.0));
        assert_eq!(call("round", &[n(7.0), n(2.0)]), n(7.0));
        assert_eq!(call("round", &[s("2.675"), n(2.0)]), n(2.68));
        assert_eq!(call("round", &[n(-0.4)]).to_string(), "0");
        assert_eq!(call("round", &[s("x")]), Value::Null);
        assert_eq!(call("round", &[n(1.5), s("x")]), Value::Null);
    }

    // doc: exact(3.14 * num) — same value, more precision in display
    // (operands changed to keep clippy from reading them as an approximate pi)
    #[test]
    fn exact_and_sigfig_keep_value() {
        assert_eq!(call("exact", &[n(3.25 * 2.0)]), n(6.5));
        // doc: sigfig(1.00*1111) is 1110 — operand precision is not available
        // to the function, the evaluated value passes through.
        assert_eq!(call("sigfig", &[n(1111.0)]), n(1111.0));
        assert_eq!(call("sigfig", &[Value::Null]), Value::Null);
    }

    // doc: random() returns 0 .. 2^31-1; random() % 100001
    #[test]
    fn random_range() {
        for _ in 0..1000 {
            let r = num(call("random", &[]));
            assert!((0.0..=2147483647.0).contains(&r));
            assert_eq!(r.fract(), 0.0);
        }
    }

    // doc: max(1, 3, 6, 7, "foo", name): "foo" when name="baz", "zaz" when name="zaz"
    #[test]
    fn max_doc_strings_above_numbers() {
        let base = [n(1.0), n(3.0), n(6.0), n(7.0), s("foo")];
        let mut a = base.to_vec();
        a.push(s("baz"));
        assert_eq!(call("max", &a), s("foo"));
        let mut b = base.to_vec();
        b.push(s("zaz"));
        assert_eq!(call("max", &b), s("zaz"));
    }

    // doc: min(3, 6, 7, "maria", name) is 3 (numbers below strings)
    #[test]
    fn min_doc_numbers_below_strings() {
        let a = [n(3.0), n(6.0), n(7.0), s("maria"), s("bob")];
        assert_eq!(call("min", &a), n(3.0));
        assert_eq!(call("min", &[s("maria"), s("bob")]), s("bob"));
    }

    // doc: max over makemv n="1 3 4 5 6" returns 6
    #[test]
    fn minmax_flatten_multivalue() {
        let mvn = Value::Multi(["1", "3", "4", "5", "6"].iter().map(|x| s(x)).collect());
        assert_eq!(call("max", std::slice::from_ref(&mvn)), s("6"));
        assert_eq!(call("min", &[mvn, n(2.0)]), s("1"));
    }

    #[test]
    fn minmax_numeric_strings_compare_numerically() {
        assert_eq!(call("max", &[s("10"), s("9")]), s("10"));
        assert_eq!(call("min", &[s("10"), n(9.5)]), n(9.5));
        assert_eq!(call("max", &[Value::Null, n(1.0)]), n(1.0));
        assert_eq!(call("max", &[Value::Null]), Value::Null);
        assert_eq!(call("max", &[n(2.0), s("2")]), n(2.0));
    }

    #[test]
    fn unary_maps_multivalue() {
        let v = Value::Multi(vec![n(-1.0), s("-2"), s("x")]);
        assert_eq!(call("abs", &[v]), Value::Multi(vec![n(1.0), n(2.0)]));
    }
}
