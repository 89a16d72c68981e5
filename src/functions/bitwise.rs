//! Bitwise eval functions (Search Reference, "Bitwise functions"):
//! `bit_and bit_or bit_xor bit_not bit_shift_left bit_shift_right`.
//!
//! Only integers from 0 to 2^53 − 1 are accepted; a negative, larger,
//! fractional or non-numeric argument gives Null, as the reference says.

use crate::base::value::Value;
use crate::functions::{EvalFunction, FnCtx};

/// 2^53 − 1, the largest value the bitwise functions take and give.
const MAX: u64 = (1 << 53) - 1;

pub static FUNCTIONS: &[EvalFunction] = &[
    EvalFunction {
        name: "bit_and",
        min_args: 2,
        max_args: None,
        imp: bit_and,
    },
    EvalFunction {
        name: "bit_or",
        min_args: 2,
        max_args: None,
        imp: bit_or,
    },
    EvalFunction {
        name: "bit_xor",
        min_args: 2,
        max_args: None,
        imp: bit_xor,
    },
    EvalFunction {
        name: "bit_not",
        min_args: 1,
        max_args: Some(2),
        imp: bit_not,
    },
    EvalFunction {
        name: "bit_shift_left",
        min_args: 2,
        max_args: Some(2),
        imp: bit_shift_left,
    },
    EvalFunction {
        name: "bit_shift_right",
        min_args: 2,
        max_args: Some(2),
        imp: bit_shift_right,
    },
];

/// An argument as a supported integer.
fn int(v: &Value) -> Option<u64> {
    let n = match v {
        Value::Multi(_) | Value::Null | Value::Bool(_) => return None,
        other => other.as_num()?,
    };
    (n >= 0.0 && n.fract() == 0.0 && n <= MAX as f64).then_some(n as u64)
}

fn fold(args: &[Value], f: fn(u64, u64) -> u64) -> Value {
    let mut acc: Option<u64> = None;
    for a in args {
        let Some(x) = int(a) else {
            return Value::Null;
        };
        acc = Some(acc.map_or(x, |y| f(y, x)));
    }
    acc.map_or(Value::Null, |n| Value::Num(n as f64))
}

fn bit_and(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(fold(args, |a, b| a & b))
}

fn bit_or(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(fold(args, |a, b| a | b))
}

fn bit_xor(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(fold(args, |a, b| a ^ b))
}

/// `bit_not(value[, bitmask])`: every bit of the 53 inverted, then ANDed with
/// the bitmask (default 2^53 − 1).
fn bit_not(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let mask = match args.get(1) {
        None => Some(MAX),
        Some(m) => int(m),
    };
    Ok(match (int(&args[0]), mask) {
        (Some(x), Some(m)) => Value::Num((!x & MAX & m) as f64),
        _ => Value::Null,
    })
}

/// Shifts drop the bits past the 53rd; an offset of 53 or more gives 0.
fn shift(args: &[Value], left: bool) -> Value {
    match (int(&args[0]), int(&args[1])) {
        (Some(_), Some(by)) if by >= 53 => Value::Num(0.0),
        (Some(x), Some(by)) => {
            let r = if left { (x << by) & MAX } else { x >> by };
            Value::Num(r as f64)
        }
        _ => Value::Null,
    }
}

fn bit_shift_left(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(shift(args, true))
}

fn bit_shift_right(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(shift(args, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[f64]) -> Value {
        let f = FUNCTIONS.iter().find(|f| f.name == name).unwrap();
        let args: Vec<Value> = args.iter().map(|n| Value::Num(*n)).collect();
        (f.imp)(&args, &FnCtx::default()).unwrap()
    }

    // Search Reference, "Bitwise functions": the worked examples.
    #[test]
    fn reference_examples() {
        assert_eq!(call("bit_and", &[12.0, 9.0]), Value::Num(8.0));
        assert_eq!(call("bit_or", &[4.0, 2.0]), Value::Num(6.0));
        assert_eq!(call("bit_xor", &[3.0, 2.0]), Value::Num(1.0));
        assert_eq!(call("bit_not", &[9.0]), Value::Num(9007199254740982.0));
        assert_eq!(call("bit_not", &[9.0, 15.0]), Value::Num(6.0));
        assert_eq!(call("bit_not", &[9.0, 7.0]), Value::Num(6.0));
        assert_eq!(call("bit_shift_left", &[2.0, 1.0]), Value::Num(4.0));
        assert_eq!(call("bit_shift_right", &[4.0, 1.0]), Value::Num(2.0));
        assert_eq!(call("bit_shift_left", &[1.0, 53.0]), Value::Num(0.0));
        assert_eq!(call("bit_shift_left", &[3.0, 1.0]), Value::Num(6.0));
        assert_eq!(
            call("bit_shift_left", &[3.0, 52.0]),
            Value::Num(4503599627370496.0)
        );
        assert_eq!(call("bit_shift_left", &[3.0, 57.0]), Value::Num(0.0));
        assert_eq!(call("bit_shift_left", &[67.0, 1.0]), Value::Num(134.0));
        assert_eq!(call("bit_shift_left", &[3.0, -2.0]), Value::Null);
        assert_eq!(call("bit_shift_right", &[-3.0, 1.0]), Value::Null);
        // Example 1: AND 4, OR 6, XOR 2 of (4, 6).
        assert_eq!(call("bit_and", &[4.0, 6.0]), Value::Num(4.0));
        assert_eq!(call("bit_xor", &[4.0, 6.0]), Value::Num(2.0));
        // Example 5: beyond 2^53 − 1 is Null.
        assert_eq!(call("bit_and", &[9007199254740992.0, 1.0]), Value::Null);
    }
}
