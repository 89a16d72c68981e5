//! How stats states and rows are written in partial results (`run
//! --partial`): numbers that read back to the same `f64`, values that keep
//! their type (a number stays a number, a string a string).

use serde_json::Value as J;

use crate::base::value::Value;

/// A number in a state: an integer when it is one (exactly), else its
/// shortest text, which reads back to the same `f64` (NaN and infinities included).
pub fn num_json(x: f64) -> J {
    match crate::base::value::whole_number(x) {
        Some(i) if !(x == 0.0 && x.is_sign_negative()) => J::from(i),
        _ => J::String(format!("{x:?}")),
    }
}

/// Reads a number written by [`num_json`].
pub fn json_num(j: &J) -> Result<f64, String> {
    match j {
        J::Number(n) => n.as_f64().ok_or_else(|| format!("bad number {n}")),
        J::String(s) => s.parse::<f64>().map_err(|_| format!("bad number {s:?}")),
        other => Err(format!("expected a number, got {other}")),
    }
}

/// A value in a state or a row: strings as strings, numbers as
/// `{"n": …}` unless they are exact integers (then plain numbers),
/// multivalues as arrays, booleans and null as themselves.
pub fn value_json(v: &Value) -> J {
    match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Str(s) => J::String(s.clone()),
        Value::Num(n) => match num_json(*n) {
            J::String(s) => serde_json::json!({ "n": s }),
            j => j,
        },
        Value::Multi(vs) => J::Array(vs.iter().map(value_json).collect()),
    }
}

/// Reads a value written by [`value_json`].
pub fn json_value(j: &J) -> Result<Value, String> {
    Ok(match j {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::String(s) => Value::Str(s.clone()),
        J::Number(_) => Value::Num(json_num(j)?),
        J::Object(m) => match m.get("n") {
            Some(n) if m.len() == 1 => Value::Num(json_num(n)?),
            _ => return Err(format!("bad value {j}")),
        },
        J::Array(a) => Value::Multi(a.iter().map(json_value).collect::<Result<_, _>>()?),
    })
}

pub(crate) fn json_nums(j: &J) -> Result<Vec<f64>, String> {
    j.as_array()
        .ok_or_else(|| format!("expected an array of numbers, got {j}"))?
        .iter()
        .map(json_num)
        .collect()
}

pub(crate) fn json_strs(j: &J) -> Result<Vec<String>, String> {
    j.as_array()
        .ok_or_else(|| format!("expected an array of strings, got {j}"))?
        .iter()
        .map(|x| {
            x.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("expected a string, got {x}"))
        })
        .collect()
}

pub(crate) fn field<'a>(j: &'a J, name: &str) -> Result<&'a J, String> {
    j.get(name)
        .ok_or_else(|| format!("state lacks {name:?}: {j}"))
}

pub(crate) fn opt_num(j: &J) -> Result<Option<f64>, String> {
    if j.is_null() {
        Ok(None)
    } else {
        json_num(j).map(Some)
    }
}

pub(crate) fn num_opt_json(x: Option<f64>) -> J {
    x.map_or(J::Null, num_json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_numbers_read_back_exactly() {
        for x in [
            0.1,
            -0.0,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            3.0,
            2.5e-310,
        ] {
            let back = json_num(&num_json(x)).unwrap();
            assert_eq!(back.to_bits(), x.to_bits(), "{x}");
            let v = json_value(&value_json(&Value::Num(x))).unwrap();
            assert!(matches!(v, Value::Num(y) if y.to_bits() == x.to_bits()));
        }
        assert_eq!(
            json_value(&value_json(&Value::from("3"))).unwrap(),
            Value::from("3")
        );
    }
}
