//! JSON eval functions: `json`, `json_valid`, `json_object`, `json_array`,
//! `json_keys`, `json_entries`, `json_has_key_exact`, `json_extract`,
//! `json_extract_exact`, `json_array_to_mv`, `json_set`, `json_set_exact`,
//! `json_append`, `json_extend`, `json_delete`.
//!
//! JSON documents travel as text: every function that produces JSON returns
//! it as a compact `Value::Str` (`{"a":1}`), and every function that reads a
//! document parses its text. Values extracted from a document come back as
//! Splunk native values: strings unquoted, numbers as numbers, `true`/`false`
//! as the text "true"/"false" (fields cannot hold booleans), JSON null as
//! Null, objects and arrays as compact JSON text.
//!
//! Paths use Splunk's syntax: keys separated by `.`, `{N}` for the N-th array
//! element (negative counts from the end), `{}` for every element, e.g.
//! `cities{}.Bridges{0}.name`. A key containing `.` needs the `_exact`
//! variants.

use serde_json::{Map, Value as J};

use crate::base::value::{format_number, Value};
use crate::functions::json_path::{extract_one, parse_path, select_mut, set_path};
use crate::functions::{EvalFunction, FnCtx};

pub static FUNCTIONS: &[EvalFunction] = &[
    EvalFunction {
        name: "json",
        min_args: 1,
        max_args: Some(1),
        imp: json_fn,
    },
    EvalFunction {
        name: "json_valid",
        min_args: 1,
        max_args: Some(1),
        imp: json_valid,
    },
    EvalFunction {
        name: "json_object",
        min_args: 0,
        max_args: None,
        imp: json_object,
    },
    EvalFunction {
        name: "json_array",
        min_args: 0,
        max_args: None,
        imp: json_array,
    },
    EvalFunction {
        name: "json_keys",
        min_args: 1,
        max_args: Some(1),
        imp: json_keys,
    },
    EvalFunction {
        name: "json_entries",
        min_args: 1,
        max_args: Some(1),
        imp: json_entries,
    },
    EvalFunction {
        name: "json_has_key_exact",
        min_args: 2,
        max_args: Some(2),
        imp: json_has_key_exact,
    },
    EvalFunction {
        name: "json_extract",
        min_args: 1,
        max_args: None,
        imp: json_extract,
    },
    EvalFunction {
        name: "json_extract_exact",
        min_args: 1,
        max_args: None,
        imp: json_extract_exact,
    },
    EvalFunction {
        name: "json_array_to_mv",
        min_args: 1,
        max_args: Some(2),
        imp: json_array_to_mv,
    },
    EvalFunction {
        name: "json_set",
        min_args: 3,
        max_args: None,
        imp: json_set,
    },
    EvalFunction {
        name: "json_set_exact",
        min_args: 3,
        max_args: Some(3),
        imp: json_set_exact,
    },
    EvalFunction {
        name: "json_append",
        min_args: 3,
        max_args: None,
        imp: json_append,
    },
    EvalFunction {
        name: "json_extend",
        min_args: 3,
        max_args: None,
        imp: json_extend,
    },
    EvalFunction {
        name: "json_delete",
        min_args: 2,
        max_args: None,
        imp: json_delete,
    },
];

// ---------------------------------------------------------------------------
// Conversions between Values and JSON

/// Text of a scalar argument (numbers rendered as Splunk renders them).
fn text(v: &Value) -> Option<String> {
    v.as_text().map(|c| c.into_owned())
}

/// The JSON document an argument holds: its text parsed as JSON (numbers and
/// booleans are already JSON). A multivalue reads its first value. None for
/// Null or text that is not valid JSON.
fn parse_doc(v: &Value) -> Option<J> {
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(J::Bool(*b)),
        Value::Num(n) => Some(Value::Num(*n).to_json()),
        Value::Str(s) => serde_json::from_str(s).ok(),
        Value::Multi(vs) => vs.first().and_then(parse_doc),
    }
}

/// A value as it goes into a JSON document being built. Text that is a JSON
/// object or array (what `json_object`/`json_array` return) is embedded as
/// JSON; any other text is a JSON string. A multivalue becomes an array.
fn to_json(v: &Value) -> J {
    match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Num(_) => v.to_json(),
        Value::Str(s) => {
            let t = s.trim_start();
            if t.starts_with('{') || t.starts_with('[') {
                if let Ok(j @ (J::Object(_) | J::Array(_))) = serde_json::from_str::<J>(s) {
                    return j;
                }
            }
            J::String(s.clone())
        }
        Value::Multi(vs) => J::Array(vs.iter().map(to_json).collect()),
    }
}

fn render(j: &J) -> Value {
    // Serializing a serde_json::Value cannot fail.
    Value::Str(serde_json::to_string(j).unwrap_or_default())
}

/// Largest integer an f64 holds exactly.
const EXACT_INT: f64 = 9_007_199_254_740_992.0;

/// A JSON value as a Splunk native value.
fn native(j: &J) -> Value {
    match j {
        J::Null => Value::Null,
        J::Bool(b) => Value::Str(b.to_string()),
        J::String(s) => Value::Str(s.clone()),
        J::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() || f.abs() <= EXACT_INT => Value::Num(f),
            // Integers beyond f64 precision keep their exact digits.
            _ => Value::Str(n.to_string()),
        },
        J::Object(_) | J::Array(_) => render(j),
    }
}

// ---------------------------------------------------------------------------
// Paths

// ---------------------------------------------------------------------------
// Functions

/// `json(value)`: the value when it is valid JSON, otherwise Null.
fn json_fn(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(match parse_doc(&args[0]) {
        Some(_) => match &args[0] {
            Value::Multi(vs) => vs[0].clone(),
            v => v.clone(),
        },
        None => Value::Null,
    })
}

/// TRUE/FALSE; a missing value is not valid JSON.
fn json_valid(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(Value::Bool(parse_doc(&args[0]).is_some()))
}

fn json_object(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    if !args.len().is_multiple_of(2) {
        return Err("json_object: arguments must be key-value pairs".into());
    }
    let mut m = Map::new();
    for pair in args.chunks(2) {
        let key = text(&pair[0]).ok_or("json_object: a key is null")?;
        m.insert(key, to_json(&pair[1]));
    }
    Ok(render(&J::Object(m)))
}

fn json_array(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(render(&J::Array(args.iter().map(to_json).collect())))
}

/// Top-level keys of an object as a JSON array; Null for anything else.
fn json_keys(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(match parse_doc(&args[0]) {
        Some(J::Object(m)) => render(&J::Array(m.keys().cloned().map(J::String).collect())),
        _ => Value::Null,
    })
}

fn json_entries(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    Ok(match parse_doc(&args[0]) {
        Some(J::Object(m)) => {
            let entries = m
                .into_iter()
                .map(|(k, v)| {
                    let mut e = Map::new();
                    e.insert("key".into(), J::String(k));
                    e.insert("value".into(), v);
                    J::Object(e)
                })
                .collect();
            render(&J::Array(entries))
        }
        _ => Value::Null,
    })
}

/// TRUE when the object has the key, taken literally (dots included).
fn json_has_key_exact(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    if args[0].is_null() || args[1].is_null() {
        return Ok(Value::Null);
    }
    let key = text(&args[1]).unwrap_or_default();
    Ok(Value::Bool(matches!(
        parse_doc(&args[0]),
        Some(J::Object(m)) if m.contains_key(&key)
    )))
}

/// Shared shape of `json_extract` and `json_extract_exact`: no selector → the
/// whole document as a native value; one → its match as a native value; more
/// → a JSON array with one element per selector (null where nothing matched).
fn extract_with(args: &[Value], one: impl Fn(&J, &str) -> Option<J>) -> Result<Value, String> {
    let Some(doc) = parse_doc(&args[0]) else {
        return Ok(Value::Null);
    };
    let selectors = &args[1..];
    if selectors.is_empty() {
        return Ok(native(&doc));
    }
    let mut results = Vec::with_capacity(selectors.len());
    for s in selectors {
        let found = text(s).and_then(|p| one(&doc, &p));
        if selectors.len() == 1 {
            return Ok(found.as_ref().map(native).unwrap_or(Value::Null));
        }
        results.push(found.unwrap_or(J::Null));
    }
    Ok(render(&J::Array(results)))
}

fn json_extract(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    extract_with(args, extract_one)
}

fn json_extract_exact(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    extract_with(args, |doc, key| match doc {
        J::Object(m) => m.get(key).cloned(),
        _ => None,
    })
}

/// Elements of a JSON array as a multivalue. Strings lose their quotes unless
/// the second argument is true; other elements are their JSON text.
fn json_array_to_mv(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let keep_quotes = match args.get(1) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Num(n)) => *n != 0.0,
        Some(v) => text(v).is_some_and(|t| t.eq_ignore_ascii_case("true")),
    };
    let Some(J::Array(items)) = parse_doc(&args[0]) else {
        return Ok(Value::Null);
    };
    let values = items
        .iter()
        .map(|j| match j {
            J::String(s) if !keep_quotes => Value::Str(s.clone()),
            other => Value::Str(serde_json::to_string(other).unwrap_or_default()),
        })
        .collect();
    Ok(Value::multi(values))
}

/// Applies `(path, value)` pairs left to right to the document in `args[0]`.
fn update_pairs(
    name: &str,
    args: &[Value],
    mut apply: impl FnMut(&mut J, &str, &J) -> Result<(), String>,
) -> Result<Value, String> {
    if !(args.len() - 1).is_multiple_of(2) {
        return Err(format!(
            "{name}: arguments after the JSON must be path-value pairs"
        ));
    }
    let Some(mut doc) = parse_doc(&args[0]) else {
        return Ok(Value::Null);
    };
    for pair in args[1..].chunks(2) {
        let Some(path) = text(&pair[0]) else { continue };
        apply(&mut doc, &path, &to_json(&pair[1]))?;
    }
    Ok(render(&doc))
}

fn json_set(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    update_pairs("json_set", args, |doc, path, val| {
        if let Ok(segs) = parse_path(path) {
            set_path(doc, &segs, val);
        }
        Ok(())
    })
}

/// Sets one top-level key, taken literally. (The documentation leaves the
/// multi-pair form unclear, so only one pair is accepted.)
fn json_set_exact(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    update_pairs("json_set_exact", args, |doc, key, val| {
        if let J::Object(m) = doc {
            m.insert(key.to_string(), val.clone());
        }
        Ok(())
    })
}

/// Appends to the array(s) at each path; a non-array there is first wrapped
/// in an array. Paths that match nothing are ignored.
fn append_at(doc: &mut J, path: &str, items: &[J]) {
    let Ok(segs) = parse_path(path) else { return };
    let mut targets = Vec::new();
    select_mut(doc, &segs, &mut targets);
    for t in targets {
        if !t.is_array() {
            let old = t.take();
            *t = J::Array(vec![old]);
        }
        if let J::Array(a) = t {
            a.extend(items.iter().cloned());
        }
    }
}

/// `json_append`: each value is added as one element (arrays stay nested).
fn json_append(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    update_pairs("json_append", args, |doc, path, val| {
        append_at(doc, path, std::slice::from_ref(val));
        Ok(())
    })
}

/// `json_extend`: the value's elements are added one by one (a non-array
/// value counts as a one-element array).
fn json_extend(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    update_pairs("json_extend", args, |doc, path, val| {
        match val {
            J::Array(items) => append_at(doc, path, items),
            other => append_at(doc, path, std::slice::from_ref(other)),
        }
        Ok(())
    })
}

/// Removes the key at a dotted path through nested objects, if it is there.
fn delete_path(node: &mut J, parts: &[&str]) {
    match parts {
        [] => {}
        [last] => {
            if let J::Object(m) = node {
                m.shift_remove(*last);
            }
        }
        [first, rest @ ..] => {
            if let Some(child) = node.get_mut(*first) {
                delete_path(child, rest);
            }
        }
    }
}

/// Removes keys (dotted paths through nested objects; no array indexing).
/// Keys may be listed as arguments or given as a JSON array of strings.
fn json_delete(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some(mut doc) = parse_doc(&args[0]) else {
        return Ok(Value::Null);
    };
    if !doc.is_object() {
        return Ok(Value::Null);
    }
    let mut keys = Vec::new();
    for k in &args[1..] {
        match to_json(k) {
            J::Array(items) => keys.extend(items.iter().map(|i| match i {
                J::String(s) => s.clone(),
                other => other.to_string(),
            })),
            J::Null => {}
            J::String(s) => keys.push(s),
            other => keys.push(match other {
                J::Number(n) => n.as_f64().map(format_number).unwrap_or_default(),
                o => o.to_string(),
            }),
        }
    }
    for key in keys {
        let parts: Vec<&str> = key.split('.').collect();
        delete_path(&mut doc, &parts);
    }
    Ok(render(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::json_path::Seg;

    fn call(name: &str, args: &[Value]) -> Value {
        let f = FUNCTIONS
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no function {name}"));
        assert!(args.len() >= f.min_args, "{name}: too few args");
        assert!(
            f.max_args.is_none_or(|m| args.len() <= m),
            "{name}: too many args"
        );
        (f.imp)(args, &FnCtx::default()).unwrap_or_else(|e| panic!("{name} failed: {e}"))
    }

    fn s(x: &str) -> Value {
        Value::from(x)
    }

    /// Compares JSON text structurally (key order included, whitespace not).
    fn assert_json(actual: &Value, expected: &str) {
        let Value::Str(a) = actual else {
            panic!("expected JSON text, got {actual:?}")
        };
        let a: J = serde_json::from_str(a).unwrap_or_else(|e| panic!("bad JSON {a}: {e}"));
        let e: J = serde_json::from_str(expected).unwrap();
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&e).unwrap()
        );
    }

    const CITIES: &str = r#"[
        {"name": "London", "Bridges": [
            {"name": "Tower Bridge", "length": 801},
            {"name": "Millennium Bridge", "length": 1066}]},
        {"name": "Venice", "Bridges": [
            {"name": "Rialto Bridge", "length": 157},
            {"name": "Bridge of Sighs", "length": 36},
            {"name": "Ponte della Paglia"}]},
        {"name": "San Francisco", "Bridges": [
            {"name": "Golden Gate Bridge", "length": 8981},
            {"name": "Bay Bridge", "length": 23556}]}
    ]"#;

    #[test]
    fn json_object_doc_examples() {
        assert_eq!(
            call("json_object", &[s("name"), s("maria")]),
            s(r#"{"name":"maria"}"#)
        );
        let names = call("json_array", &[s("maria"), s("arun")]);
        assert_eq!(
            call("json_object", &[s("name"), names]),
            s(r#"{"name":["maria","arun"]}"#)
        );
        let cities = call(
            "json_array",
            &[s("London"), s("Sydney"), s("Berlin"), s("Santiago")],
        );
        assert_eq!(
            call("json_object", &[s("cities"), cities]),
            s(r#"{"cities":["London","Sydney","Berlin","Santiago"]}"#)
        );
        let gamelist = call(
            "json_array",
            &[s("Pandemic"), s("Forbidden Island"), s("Castle Panic")],
        );
        let coop = call("json_object", &[s("cooperative"), gamelist]);
        let board = call("json_object", &[s("boardgames"), coop]);
        let games = call("json_object", &[s("category"), board]);
        assert_eq!(
            games,
            s(
                r#"{"category":{"boardgames":{"cooperative":["Pandemic","Forbidden Island","Castle Panic"]}}}"#
            )
        );
    }

    #[test]
    fn json_object_value_types() {
        let mv = Value::multi(vec![s("a"), s("b")]);
        assert_eq!(
            call(
                "json_object",
                &[
                    s("n"),
                    Value::Num(801.0),
                    s("f"),
                    Value::Num(1.5),
                    s("b"),
                    Value::Bool(true),
                    s("z"),
                    Value::Null,
                    s("m"),
                    mv
                ]
            ),
            s(r#"{"n":801,"f":1.5,"b":true,"z":null,"m":["a","b"]}"#)
        );
        // Text that only looks like JSON scalars stays a string.
        assert_eq!(
            call("json_object", &[s("p"), s("443")]),
            s(r#"{"p":"443"}"#)
        );
        assert_eq!(call("json_object", &[]), s("{}"));
        let f = FUNCTIONS.iter().find(|f| f.name == "json_object").unwrap();
        assert!((f.imp)(&[s("lonely")], &FnCtx::default()).is_err());
    }

    #[test]
    fn json_doc_examples() {
        let animals = call("json_object", &[s("animal"), s("pony")]);
        assert_eq!(call("json", &[animals]), s(r#"{"animal":"pony"}"#));
        assert_eq!(call("json", &[s("Golden Gate Bridge")]), Value::Null);
        let venice = r#"[{"name":"Rialto Bridge","length":157}, {"name":"Bridge of Sighs","length":36}, {"name":"Ponte della Paglia"}]"#;
        assert_eq!(call("json", &[s(venice)]), s(venice));
        assert_eq!(call("json", &[Value::Null]), Value::Null);
    }

    #[test]
    fn json_append_doc_examples() {
        let list = call("json_array", &[s("Minty"), s("Rarity"), s("Buttercup")]);
        let ponies = call("json_object", &[s("ponylist"), list]);
        assert_eq!(
            call("json_append", &[ponies, s("ponylist"), s("Fluttershy")]),
            s(r#"{"ponylist":["Minty","Rarity","Buttercup","Fluttershy"]}"#)
        );
        let skills = call("json_array", &[s("running"), s("jumping")]);
        let inner = call("json_object", &[s("ponySkills"), skills]);
        let details = call("json_object", &[s("Fluttershy"), inner]);
        assert_eq!(
            call(
                "json_append",
                &[details, s("Fluttershy.ponySkills"), s("codebreaking")]
            ),
            s(r#"{"Fluttershy":{"ponySkills":["running","jumping","codebreaking"]}}"#)
        );
        // Arrays are appended as one element; scalars are wrapped; unknown paths ignored.
        let doc = s(r#"{"a":["a","b","c"],"s":1}"#);
        let def = call("json_array", &[s("d"), s("e"), s("f")]);
        assert_eq!(
            call(
                "json_append",
                &[doc, s("a"), def, s("s"), Value::Num(2.0), s("nope"), s("x")]
            ),
            s(r#"{"a":["a","b","c",["d","e","f"]],"s":[1,2]}"#)
        );
        assert_eq!(
            call("json_append", &[s("not json"), s("a"), s("x")]),
            Value::Null
        );
    }

    #[test]
    fn json_array_doc_examples() {
        assert_eq!(
            call(
                "json_array",
                &[s("buttercup"), s("fluttershy"), s("rarity")]
            ),
            s(r#"["buttercup","fluttershy","rarity"]"#)
        );
        let patel = call("json_object", &[s("name"), s("patel")]);
        assert_eq!(
            call("json_array", &[s("dubois"), patel]),
            s(r#"["dubois",{"name":"patel"}]"#)
        );
        assert_eq!(call("json_array", &[]), s("[]"));
    }

    #[test]
    fn json_array_to_mv_doc_example() {
        let ponies = call(
            "json_array",
            &[s("Buttercup"), s("Fluttershy"), s("Rarity")],
        );
        assert_eq!(
            call("json_array_to_mv", std::slice::from_ref(&ponies)),
            Value::multi(vec![s("Buttercup"), s("Fluttershy"), s("Rarity")])
        );
        assert_eq!(
            call("json_array_to_mv", &[ponies.clone(), Value::Bool(false)]),
            call("json_array_to_mv", std::slice::from_ref(&ponies))
        );
        assert_eq!(
            call("json_array_to_mv", &[ponies, Value::Bool(true)]),
            Value::multi(vec![
                s("\"Buttercup\""),
                s("\"Fluttershy\""),
                s("\"Rarity\"")
            ])
        );
        assert_eq!(
            call("json_array_to_mv", &[s(r#"[1,true,null,{"a":2}]"#)]),
            Value::multi(vec![s("1"), s("true"), s("null"), s(r#"{"a":2}"#)])
        );
        assert_eq!(call("json_array_to_mv", &[s(r#"{"a":1}"#)]), Value::Null);
        assert_eq!(call("json_array_to_mv", &[s("[]")]), Value::Null);
        assert_eq!(call("json_array_to_mv", &[s("nope")]), Value::Null);
    }

    #[test]
    fn json_delete_doc_examples() {
        let object = s(
            r#"{"name":"Wei Zhang", "SSN":"123-45-6789", "city":"Seattle", "accounts":["Hagal Quartz", "Caladan Water", "Arrakis Spices"]}"#,
        );
        assert_eq!(
            call("json_delete", &[object.clone(), s("SSN"), s("accounts")]),
            s(r#"{"name":"Wei Zhang","city":"Seattle"}"#)
        );
        let keys = call("json_array", &[s("SSN"), s("accounts")]);
        assert_eq!(
            call("json_delete", &[object, keys]),
            s(r#"{"name":"Wei Zhang","city":"Seattle"}"#)
        );
        let employee = s(
            r#"{"name":"Celestino Paulo", "company":"Isthmus Pastimes", "addresses": {"email":"celestino@sample.com", "office":"edificio 890 Avenida Demetrio Panama City Panama"}}"#,
        );
        assert_json(
            &call("json_delete", &[employee, s("addresses.email")]),
            r#"{"name":"Celestino Paulo", "company":"Isthmus Pastimes", "addresses": {"office":"edificio 890 Avenida Demetrio Panama City Panama"}}"#,
        );
        // A dotted key is not found literally.
        assert_eq!(
            call(
                "json_delete",
                &[s(r#"{"student.name":"Claudia"}"#), s("student.name")]
            ),
            s(r#"{"student.name":"Claudia"}"#)
        );
    }

    #[test]
    fn json_entries_doc_examples() {
        assert_eq!(
            call("json_entries", &[s(r#"{"a": 1, "b": 2}"#)]),
            s(r#"[{"key":"a","value":1},{"key":"b","value":2}]"#)
        );
        assert_eq!(
            call(
                "json_entries",
                &[s(r#"{"name":"maria","age":25,"status":"full-time"}"#)]
            ),
            s(
                r#"[{"key":"name","value":"maria"},{"key":"age","value":25},{"key":"status","value":"full-time"}]"#
            )
        );
        assert_eq!(call("json_entries", &[s("[1]")]), Value::Null);
    }

    #[test]
    fn json_extend_doc_examples() {
        let bands = call(
            "json_array",
            &[s("The Blues Brothers"), s("Spinal Tap"), s("Wyld Stallyns")],
        );
        let doc = call("json_object", &[s("fakeMovieBandList"), bands]);
        let more = call(
            "json_array",
            &[
                s("The Soggy Bottom Boys"),
                s("The Weird Sisters"),
                s("The Barden Bellas"),
            ],
        );
        assert_json(
            &call("json_extend", &[doc, s("fakeMovieBandList"), more]),
            r#"{"fakeMovieBandList": ["The Blues Brothers", "Spinal Tap", "Wyld Stallyns",
                "The Soggy Bottom Boys", "The Weird Sisters", "The Barden Bellas"]}"#,
        );
        let classes = call("json_array", &[s("wizard"), s("rogue"), s("barbarian")]);
        let chars = call("json_object", &[s("characterClasses"), classes]);
        let artifact = call("json_object", &[s("artifact"), s("deck of many things")]);
        let array2 = call("json_array", &[artifact]);
        assert_json(
            &call("json_extend", &[chars, s("characterClasses"), array2]),
            r#"{"characterClasses": ["wizard","rogue","barbarian",{"artifact":"deck of many things"}]}"#,
        );
    }

    #[test]
    fn json_extract_doc_examples() {
        let cities = s(CITIES);
        // 1. The whole object: "{}" on an object is the object itself.
        let obj = format!(r#"{{"cities":{CITIES}}}"#);
        assert_json(&call("json_extract", &[s(&obj), s("{}")]), &obj);
        // 2, 3. One element of the array.
        assert_json(
            &call("json_extract", &[cities.clone(), s("{0}")]),
            r#"{"name":"London","Bridges":[{"name":"Tower Bridge","length":801},{"name":"Millennium Bridge","length":1066}]}"#,
        );
        assert_json(
            &call("json_extract", &[cities.clone(), s("{2}")]),
            r#"{"name":"San Francisco","Bridges":[{"name":"Golden Gate Bridge","length":8981},{"name":"Bay Bridge","length":23556}]}"#,
        );
        // 4. A key from every element.
        assert_eq!(
            call("json_extract", &[cities.clone(), s("{}.name")]),
            s(r#"["London","Venice","San Francisco"]"#)
        );
        // 5. Every bridge of every city.
        assert_eq!(
            call("json_extract", &[cities.clone(), s("{}.Bridges{}")]),
            s(
                r#"[{"name":"Tower Bridge","length":801},{"name":"Millennium Bridge","length":1066},{"name":"Rialto Bridge","length":157},{"name":"Bridge of Sighs","length":36},{"name":"Ponte della Paglia"},{"name":"Golden Gate Bridge","length":8981},{"name":"Bay Bridge","length":23556}]"#
            )
        );
        // 6. Every bridge name.
        assert_eq!(
            call("json_extract", &[cities.clone(), s("{}.Bridges{}.name")]),
            s(
                r#"["Tower Bridge","Millennium Bridge","Rialto Bridge","Bridge of Sighs","Ponte della Paglia","Golden Gate Bridge","Bay Bridge"]"#
            )
        );
        // 7. One bridge of one city.
        assert_eq!(
            call("json_extract", &[cities.clone(), s("{2}.Bridges{0}")]),
            s(r#"{"name":"Golden Gate Bridge","length":8981}"#)
        );
        // 8. A scalar comes back as a native number.
        assert_eq!(
            call(
                "json_extract",
                &[cities.clone(), s("{2}.Bridges{0}.length")]
            ),
            Value::Num(8981.0)
        );
        // The same paths through the object form.
        assert_eq!(
            call("json_extract", &[s(&obj), s("cities{}.name")]),
            s(r#"["London","Venice","San Francisco"]"#)
        );
        // Missing keys inside a {} are skipped.
        assert_eq!(
            call("json_extract", &[cities, s("{1}.Bridges{}.length")]),
            s("[157,36]")
        );
    }

    #[test]
    fn json_extract_native_types_and_multiple_paths() {
        let doc = s(
            r#"{"s":"text","n":1.5,"b":true,"z":null,"big":12345678901234567890,"a":{"b":[10,20,30]}}"#,
        );
        assert_eq!(call("json_extract", &[doc.clone(), s("s")]), s("text"));
        assert_eq!(
            call("json_extract", &[doc.clone(), s("n")]),
            Value::Num(1.5)
        );
        assert_eq!(call("json_extract", &[doc.clone(), s("b")]), s("true"));
        assert_eq!(call("json_extract", &[doc.clone(), s("z")]), Value::Null);
        assert_eq!(
            call("json_extract", &[doc.clone(), s("big")]),
            s("12345678901234567890")
        );
        assert_eq!(
            call("json_extract", &[doc.clone(), s("a.b{1}")]),
            Value::Num(20.0)
        );
        assert_eq!(
            call("json_extract", &[doc.clone(), s("a.b{-1}")]),
            Value::Num(30.0)
        );
        assert_eq!(
            call("json_extract", &[doc.clone(), s("a.b{9}")]),
            Value::Null
        );
        assert_eq!(
            call("json_extract", &[doc.clone(), s("missing")]),
            Value::Null
        );
        assert_eq!(
            call("json_extract", &[doc.clone(), s("a.b")]),
            s("[10,20,30]")
        );
        // {} over a one-element array is still a list.
        assert_eq!(
            call("json_extract", &[s(r#"{"x":[{"id":"i1"}]}"#), s("x{}.id")]),
            s(r#"["i1"]"#)
        );
        // Several paths → one JSON array, null where a path found nothing.
        assert_eq!(
            call(
                "json_extract",
                &[doc.clone(), s("s"), s("n"), s("nope"), s("a.b{}")]
            ),
            s(r#"["text",1.5,null,[10,20,30]]"#)
        );
        // No path → the document as a native value.
        assert_eq!(call("json_extract", &[s(r#""just text""#)]), s("just text"));
        assert_eq!(call("json_extract", &[s(r#"{"k" : 1}"#)]), s(r#"{"k":1}"#));
        assert_eq!(call("json_extract", &[s("not json"), s("a")]), Value::Null);
        assert_eq!(call("json_extract", &[Value::Null, s("a")]), Value::Null);
        // Dotted keys are paths here, literal keys for the _exact variant.
        let dotted = s(r#"{"system.splunk.path":"/opt/splunk/"}"#);
        assert_eq!(
            call("json_extract", &[dotted.clone(), s("system.splunk.path")]),
            Value::Null
        );
        assert_eq!(
            call("json_extract_exact", &[dotted, s("system.splunk.path")]),
            s("/opt/splunk/")
        );
    }

    #[test]
    fn json_extract_exact_multiple_keys() {
        let doc = s(r#"{"a.b":1,"c":"x"}"#);
        assert_eq!(
            call(
                "json_extract_exact",
                &[doc.clone(), s("a.b"), s("c"), s("d")]
            ),
            s(r#"[1,"x",null]"#)
        );
        assert_eq!(
            call("json_extract_exact", &[doc]),
            s(r#"{"a.b":1,"c":"x"}"#)
        );
    }

    #[test]
    fn json_has_key_exact_doc_examples() {
        let charlie = call("json_object", &[s("name"), s("charlie")]);
        assert_eq!(
            call("json_has_key_exact", &[charlie, s("name")]),
            Value::Bool(true)
        );
        assert_eq!(
            call(
                "json_has_key_exact",
                &[s(r#"{"charlie.garcia":10}"#), s("charlie.garcia")]
            ),
            Value::Bool(true)
        );
        assert_eq!(
            call(
                "json_has_key_exact",
                &[
                    s(r#"{"name":"charlie","age":21,"region":"US"}"#),
                    s("status")
                ]
            ),
            Value::Bool(false)
        );
    }

    #[test]
    fn json_keys_doc_examples() {
        let rows = [
            (
                r#"{"name": "Clifton Suspension Bridge", "length": 1352, "city": "Bristol", "country": "England"}"#,
                r#"["name","length","city","country"]"#,
            ),
            (
                r#"{"name":"Rialto Bridge","length":157, "city": "Venice", "region": "Veneto", "country": "Italy"}"#,
                r#"["name","length","city","region","country"]"#,
            ),
            (
                r#"{"name": "Tilikum Crossing", "length": 1700, "city": "Portland", "state": "Oregon", "country": "United States"}"#,
                r#"["name","length","city","state","country"]"#,
            ),
        ];
        for (input, keys) in rows {
            assert_eq!(call("json_keys", &[s(input)]), s(keys));
        }
        // Not usable on arrays.
        assert_eq!(call("json_keys", &[s("[1,2]")]), Value::Null);
    }

    const GAMES: &str = r#"{"category":{"boardgames":{"cooperative":[{"name":"Pandemic"},{"name":"Forbidden Island"},{"name":"Castle Panic"}]}}}"#;

    #[test]
    fn json_set_doc_examples() {
        // 1. Overwrite an array element.
        let sherlock = call(
            "json_object",
            &[s("name"), s("Sherlock Holmes: Consulting Detective")],
        );
        let v = call(
            "json_set",
            &[s(GAMES), s("category.boardgames.cooperative{2}"), sherlock],
        );
        assert_eq!(
            v,
            s(
                r#"{"category":{"boardgames":{"cooperative":[{"name":"Pandemic"},{"name":"Forbidden Island"},{"name":"Sherlock Holmes: Consulting Detective"}]}}}"#
            )
        );
        // 2. Insert a list under a key that does not exist yet.
        let list = call(
            "json_array",
            &[
                call("json_object", &[s("name"), s("Settlers of Catan")]),
                call("json_object", &[s("name"), s("Terraforming Mars")]),
                call("json_object", &[s("name"), s("Ticket to Ride")]),
            ],
        );
        let v = call("json_set", &[v, s("category.boardgames.competitive"), list]);
        assert_eq!(
            call(
                "json_extract",
                &[v.clone(), s("category.boardgames.competitive{}.name")]
            ),
            s(r#"["Settlers of Catan","Terraforming Mars","Ticket to Ride"]"#)
        );
        // 3. Set a key in every element, then overwrite one.
        let v = call(
            "json_set",
            &[
                v,
                s("category.boardgames.competitive{}.available"),
                Value::Bool(true),
            ],
        );
        assert_eq!(
            call(
                "json_extract",
                &[v.clone(), s("category.boardgames.competitive{}.available")]
            ),
            s("[true,true,true]")
        );
        let v = call(
            "json_set",
            &[
                v,
                s("category.boardgames.competitive{0}.available"),
                Value::Bool(false),
            ],
        );
        assert_json(
            &call("json_extract", &[v, s("category.boardgames.competitive")]),
            r#"[{"name":"Settlers of Catan","available":false},{"name":"Terraforming Mars","available":true},{"name":"Ticket to Ride","available":true}]"#,
        );
    }

    #[test]
    fn json_set_creates_chains_and_skips_mismatches() {
        // Mismatch: "a" holds a string, so "a.c" is skipped.
        assert_eq!(
            call("json_set", &[s(r#"{"a":"b"}"#), s("a.c"), s("d")]),
            s(r#"{"a":"b"}"#)
        );
        assert_eq!(
            call("json_set", &[s("{}"), s("x.y.z"), Value::Num(1.0)]),
            s(r#"{"x":{"y":{"z":1}}}"#)
        );
        // Overwriting changes the type freely; pairs apply left to right.
        assert_eq!(
            call(
                "json_set",
                &[s(r#"{"n":1}"#), s("n"), s("one"), s("m"), s("two")]
            ),
            s(r#"{"n":"one","m":"two"}"#)
        );
        // Dots make nested objects (contrast with json_set_exact).
        assert_eq!(
            call(
                "json_set",
                &[
                    call("json_object", &[]),
                    s("system.splunk.path"),
                    s("/opt/splunk")
                ]
            ),
            s(r#"{"system":{"splunk":{"path":"/opt/splunk"}}}"#)
        );
        assert_eq!(call("json_set", &[s("bad"), s("a"), s("b")]), Value::Null);
        let f = FUNCTIONS.iter().find(|f| f.name == "json_set").unwrap();
        assert!((f.imp)(&[s("{}"), s("a"), s("b"), s("c")], &FnCtx::default()).is_err());
    }

    #[test]
    fn json_set_exact_doc_example() {
        let obj = call("json_object", &[]);
        assert_eq!(
            call(
                "json_set_exact",
                &[obj, s("system.splunk.path"), s("/opt/splunk")]
            ),
            s(r#"{"system.splunk.path":"/opt/splunk"}"#)
        );
    }

    #[test]
    fn json_valid_doc_example() {
        let names = call("json_array", &[s("maria"), s("arun")]);
        let firstnames = call("json_object", &[s("names"), names]);
        assert_eq!(call("json_valid", &[firstnames]), Value::Bool(true));
        assert_eq!(
            call("json_valid", &[s(r#"{"names": ["maria", "arun"]"#)]),
            Value::Bool(false)
        );
        assert_eq!(call("json_valid", &[s("plain text")]), Value::Bool(false));
        assert_eq!(call("json_valid", &[Value::Null]), Value::Bool(false));
    }

    #[test]
    fn path_parsing() {
        assert_eq!(
            parse_path("a.b{0}.c{}").unwrap(),
            vec![
                Seg::Key("a".into()),
                Seg::Key("b".into()),
                Seg::Index(0),
                Seg::Key("c".into()),
                Seg::All
            ]
        );
        assert_eq!(parse_path("{}").unwrap(), vec![Seg::All]);
        assert_eq!(
            parse_path("{1}{2}").unwrap(),
            vec![Seg::Index(1), Seg::Index(2)]
        );
        assert!(parse_path("a{x}").is_err());
        assert!(parse_path("a{1").is_err());
        assert!(parse_path("a}").is_ok());
    }
}
