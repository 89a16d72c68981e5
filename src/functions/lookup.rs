//! `lookup(<lookup_table>, <json_object> [, <json_array>])`: a lookup from
//! inside an expression (Search Reference, evaluation functions, lookup).
//!
//! The table is resolved as the `lookup` command resolves it (a definition
//! in `<rules>/lookups/`, or a file there named directly, with the
//! definition's match types, case sensitivity and match limits). The object's
//! keys are lookup fields and its values the values to match (text, numbers
//! or booleans); the array names the lookup fields to return (without it,
//! every field of the table other than the matched ones). The result is a
//! JSON object with each returned field's value: a string when one row
//! matched, an array of strings when several did (a field empty in every
//! matching row is left out). No matching row, or a null value to match,
//! gives null.

use serde_json::{Map, Value as J};

use crate::base::value::Value;
use crate::functions::{EvalFunction, FnCtx};

/// Where `lookup()` finds its tables: the content layer's lookups of a rules
/// root (`content::lookups::RootTables`), given to the functions through
/// [`FnCtx::lookups`] since functions sit below content.
pub trait Tables: Send + Sync + std::fmt::Debug {
    /// The rules root the tables come from.
    fn root(&self) -> &std::path::Path;
    /// The values of `outputs` (None: every field but the matched ones), in
    /// that order, over the rows of `table` whose `fields` hold `values`
    /// (the empty cells left out); None when no row matches.
    #[allow(clippy::type_complexity)]
    fn find(
        &self,
        table: &str,
        fields: &[String],
        values: &[String],
        outputs: Option<&[String]>,
    ) -> Result<Option<Vec<(String, Vec<String>)>>, String>;
}

pub static FUNCTIONS: &[EvalFunction] = &[EvalFunction {
    name: "lookup",
    min_args: 2,
    max_args: Some(3),
    imp: lookup_fn,
}];

fn lookup_fn(args: &[Value], ctx: &FnCtx) -> Result<Value, String> {
    let Some(name) = args[0].as_text() else {
        return Err("the lookup table's name is null".into());
    };
    let input: J = match args[1].as_text() {
        Some(t) => serde_json::from_str(&t)
            .map_err(|_| "the second argument must be a JSON object (json_object(…))")?,
        None => return Ok(Value::Null),
    };
    let J::Object(input) = input else {
        return Err("the second argument must be a JSON object (json_object(…))".into());
    };
    if input.is_empty() {
        return Err("the JSON object names no field to match".into());
    }
    let mut fields = Vec::with_capacity(input.len());
    let mut values = Vec::with_capacity(input.len());
    for (k, v) in &input {
        let text = match v {
            J::String(s) => s.clone(),
            J::Number(n) => n.to_string(),
            J::Bool(b) => b.to_string(),
            J::Null => return Ok(Value::Null),
            _ => {
                return Err(format!(
                    "the value to match for {k:?} must be text or a number, not {v}"
                ))
            }
        };
        fields.push(k.clone());
        values.push(text);
    }
    let outputs: Option<Vec<String>> = match args.get(2) {
        None => None,
        Some(a) => {
            let Some(t) = a.as_text() else {
                return Err("the third argument is null".into());
            };
            match serde_json::from_str::<J>(&t) {
                Ok(J::Array(items)) => Some(
                    items
                        .into_iter()
                        .map(|i| match i {
                            J::String(s) => Ok(s),
                            other => Err(format!("the output fields must be names, not {other}")),
                        })
                        .collect::<Result<_, _>>()?,
                ),
                _ => {
                    return Err(
                        "the third argument must be a JSON array of field names (json_array(…))"
                            .into(),
                    )
                }
            }
        }
    };
    let Some(tables) = ctx.lookups.as_deref() else {
        return Err("needs a rules folder holding lookups/ (give --rules DIR)".into());
    };
    let Some(found) = tables.find(&name, &fields, &values, outputs.as_deref())? else {
        return Ok(Value::Null);
    };
    let mut out = Map::new();
    for (name, mut vals) in found {
        match vals.len() {
            0 => {}
            1 => {
                out.insert(name, J::String(vals.remove(0)));
            }
            _ => {
                out.insert(name, J::Array(vals.into_iter().map(J::String).collect()));
            }
        }
    }
    Ok(Value::Str(J::Object(out).to_string()))
}
