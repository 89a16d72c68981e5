//! Comparison and conditional eval functions that take evaluated arguments
//! (the lazy ones — `if`, `case`, `coalesce`, `validate`, … — live in the
//! evaluator): `nullif`.

use crate::base::value::{compare, Value};
use crate::functions::{EvalFunction, FnCtx};

pub static FUNCTIONS: &[EvalFunction] = &[EvalFunction {
    name: "nullif",
    min_args: 2,
    max_args: Some(2),
    imp: nullif,
}];

/// `nullif(X, Y)`: Null when X equals Y (as `==` compares: numbers
/// numerically, text exactly), else X.
fn nullif(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let equal = match (&args[0], &args[1]) {
        (Value::Multi(a), Value::Multi(b)) => a == b,
        (a, b) => compare(a, b).is_some_and(|o| o.is_eq()),
    };
    Ok(if equal { Value::Null } else { args[0].clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(a: Value, b: Value) -> Value {
        nullif(&[a, b], &FnCtx::default()).unwrap()
    }

    // Search Reference, "Comparison and Conditional functions", nullif:
    // NULL when the two values are equal, else the first.
    #[test]
    fn reference_behaviour() {
        assert_eq!(call(Value::from("a"), Value::from("a")), Value::Null);
        assert_eq!(call(Value::from("a"), Value::from("b")), Value::from("a"));
        assert_eq!(call(Value::from("1"), Value::Num(1.0)), Value::Null);
        assert_eq!(call(Value::Null, Value::from("b")), Value::Null);
        assert_eq!(call(Value::from("a"), Value::Null), Value::from("a"));
    }
}
