//! Trigonometry and hyperbolic eval functions (Search Reference,
//! "Trigonometry and Hyperbolic functions"): `acos acosh asin asinh atan
//! atan2 atanh cos cosh hypot sin sinh tan tanh`. Angles are in radians.
//!
//! Like the other numeric functions: numbers and numeric strings are read,
//! a Null or non-numeric argument or a result outside the function's domain
//! (`acos(2)`) gives Null, and a multivalue argument of a one-argument
//! function is computed value by value.

use crate::base::value::Value;
use crate::functions::math::{finite, map_num};
use crate::functions::{EvalFunction, FnCtx};

macro_rules! unary {
    ($($name:ident => $f:expr),* $(,)?) => {
        $(
            fn $name(args: &[Value], _: &FnCtx) -> Result<Value, String> {
                Ok(map_num(&args[0], &$f))
            }
        )*
    };
}

unary! {
    acos => f64::acos,
    acosh => f64::acosh,
    asin => f64::asin,
    asinh => f64::asinh,
    atan => f64::atan,
    atanh => f64::atanh,
    cos => f64::cos,
    cosh => f64::cosh,
    sin => f64::sin,
    sinh => f64::sinh,
    tan => f64::tan,
    tanh => f64::tanh,
}

const fn one(name: &'static str, imp: crate::functions::EvalImpl) -> EvalFunction {
    EvalFunction {
        name,
        min_args: 1,
        max_args: Some(1),
        imp,
    }
}

pub static FUNCTIONS: &[EvalFunction] = &[
    one("acos", acos),
    one("acosh", acosh),
    one("asin", asin),
    one("asinh", asinh),
    one("atan", atan),
    EvalFunction {
        name: "atan2",
        min_args: 2,
        max_args: Some(2),
        imp: atan2,
    },
    one("atanh", atanh),
    one("cos", cos),
    one("cosh", cosh),
    EvalFunction {
        name: "hypot",
        min_args: 2,
        max_args: Some(2),
        imp: hypot,
    },
    one("sin", sin),
    one("sinh", sinh),
    one("tan", tan),
    one("tanh", tanh),
];

fn two(args: &[Value], f: fn(f64, f64) -> f64) -> Value {
    match (args[0].as_num(), args[1].as_num()) {
        (Some(a), Some(b)) => finite(f(a, b)),
        _ => Value::Null,
    }
}

/// `atan2(Y, X)`: the angle of the point (X, Y), in (−π, π].
fn atan2(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(two(args, f64::atan2))
}

fn hypot(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(two(args, f64::hypot))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[Value]) -> Value {
        let f = FUNCTIONS.iter().find(|f| f.name == name).unwrap();
        (f.imp)(args, &FnCtx::default()).unwrap()
    }

    fn near(v: Value, want: f64) -> bool {
        matches!(v, Value::Num(n) if (n - want).abs() < 1e-9)
    }

    #[test]
    fn reference_examples() {
        // Search Reference, "Trigonometry and Hyperbolic functions".
        assert!(near(
            call("acos", &[Value::Num(0.0)]),
            std::f64::consts::FRAC_PI_2
        ));
        assert!(near(
            call("hypot", &[Value::Num(3.0), Value::Num(4.0)]),
            5.0
        ));
        assert!(near(
            call("atan2", &[Value::Num(0.5), Value::Num(0.75)]),
            0.5f64.atan2(0.75)
        ));
        assert!(near(call("cos", &[Value::from("0")]), 1.0));
        // Outside the domain: Null.
        assert_eq!(call("acos", &[Value::Num(2.0)]), Value::Null);
        assert_eq!(call("acosh", &[Value::Num(0.5)]), Value::Null);
        assert_eq!(call("sin", &[Value::from("x")]), Value::Null);
    }
}
