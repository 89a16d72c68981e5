//! Multivalue eval functions: `mvappend`, `mvcount`, `mvindex`, `mvjoin`,
//! `mvdedup`, `mvfind`, `mvsort`, `mvreverse`, `mvzip`, `mvrange`, `split`,
//! `mv_to_json_array`, `commands`. (`mvfilter` and `mvmap` need unevaluated arguments and
//! live in the evaluator.)
//!
//! Conventions shared by the whole family: a Null multivalue argument gives
//! Null; results go through [`Value::multi`], so an empty result is Null and a
//! one-value result is a plain scalar, as Splunk shows them.

use chrono::{Datelike, LocalResult, NaiveDateTime, TimeDelta, TimeZone};

use crate::base::value::{format_number, Value};
use crate::functions::{EvalFunction, FnCtx};

pub static FUNCTIONS: &[EvalFunction] = &[
    EvalFunction {
        name: "commands",
        min_args: 1,
        max_args: Some(1),
        imp: commands,
    },
    EvalFunction {
        name: "mvappend",
        min_args: 1,
        max_args: None,
        imp: mvappend,
    },
    EvalFunction {
        name: "mvcount",
        min_args: 1,
        max_args: Some(1),
        imp: mvcount,
    },
    EvalFunction {
        name: "mvindex",
        min_args: 2,
        max_args: Some(3),
        imp: mvindex,
    },
    EvalFunction {
        name: "mvjoin",
        min_args: 2,
        max_args: Some(2),
        imp: mvjoin,
    },
    EvalFunction {
        name: "mvdedup",
        min_args: 1,
        max_args: Some(1),
        imp: mvdedup,
    },
    EvalFunction {
        name: "mvfind",
        min_args: 2,
        max_args: Some(2),
        imp: mvfind,
    },
    EvalFunction {
        name: "mvsort",
        min_args: 1,
        max_args: Some(1),
        imp: mvsort,
    },
    EvalFunction {
        name: "mvreverse",
        min_args: 1,
        max_args: Some(1),
        imp: mvreverse,
    },
    EvalFunction {
        name: "mvzip",
        min_args: 2,
        max_args: Some(3),
        imp: mvzip,
    },
    EvalFunction {
        name: "mvrange",
        min_args: 2,
        max_args: Some(3),
        imp: mvrange,
    },
    EvalFunction {
        name: "split",
        min_args: 2,
        max_args: Some(2),
        imp: split,
    },
    EvalFunction {
        name: "mv_to_json_array",
        min_args: 1,
        max_args: Some(2),
        imp: mv_to_json_array,
    },
];

/// Most values `mvrange` may produce; beyond this the call is an error rather
/// than an unbounded allocation.
const MVRANGE_LIMIT: usize = 1_000_000;

/// Text of one scalar value (numbers rendered as Splunk renders them).
fn text(v: &Value) -> String {
    match v {
        Value::Multi(vs) => vs.iter().map(text).collect::<Vec<_>>().join("\n"),
        other => other.as_text().map(|c| c.into_owned()).unwrap_or_default(),
    }
}

fn mvappend(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    // Counted before anything is copied: a fan-out past the budget stops
    // here, not in the allocator.
    let n: usize = args.iter().map(|a| a.mv_count()).sum();
    let max = crate::base::budget::VALUES.get();
    if n > max {
        return Err(crate::base::budget::VALUES.message());
    }
    Ok(Value::multi(args.to_vec()))
}

fn mvcount(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    match args[0].mv_count() {
        0 => Ok(Value::Null),
        n => Ok(Value::Num(n as f64)),
    }
}

/// An index argument: a number (numeric text allowed), truncated toward zero.
fn index_arg(v: &Value) -> Option<i64> {
    let n = v.as_num()?;
    if !n.is_finite() {
        return None;
    }
    Some(n.trunc() as i64)
}

/// 0-based index, negative counts from the end. Start out of range (or an
/// invalid index) → Null; an end past the last value is clamped to it; a
/// range that ends before it starts → Null.
fn mvindex(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let vals = args[0].values();
    let len = vals.len() as i64;
    if len == 0 {
        return Ok(Value::Null);
    }
    let Some(start) = index_arg(&args[1]) else {
        return Ok(Value::Null);
    };
    let start = if start < 0 { start + len } else { start };
    if start < 0 || start >= len {
        return Ok(Value::Null);
    }
    let end = match args.get(2) {
        None => start,
        Some(e) => {
            let Some(end) = index_arg(e) else {
                return Ok(Value::Null);
            };
            let end = if end < 0 { end + len } else { end };
            if end < start {
                return Ok(Value::Null);
            }
            end.min(len - 1)
        }
    };
    Ok(Value::multi(vals[start as usize..=end as usize].to_vec()))
}

fn mvjoin(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    if args[0].is_null() || args[1].is_null() {
        return Ok(Value::Null);
    }
    let delim = text(&args[1]);
    let joined = args[0]
        .values()
        .iter()
        .map(text)
        .collect::<Vec<_>>()
        .join(&delim);
    Ok(Value::Str(joined))
}

/// Removes repeated values (compared as text), keeping first occurrences in order.
fn mvdedup(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let mut seen = std::collections::HashSet::new();
    let kept: Vec<Value> = args[0]
        .values()
        .iter()
        .filter(|v| seen.insert(text(v)))
        .cloned()
        .collect();
    Ok(Value::multi(kept))
}

fn mvfind(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    if args[0].is_null() || args[1].is_null() {
        return Ok(Value::Null);
    }
    let re = crate::base::regex_util::compile(&text(&args[1]))?;
    for (i, v) in args[0].values().iter().enumerate() {
        // A regex runtime failure (backtrack limit) counts as no match.
        if crate::base::regex_util::is_match(&re, &text(v)).unwrap_or(false) {
            return Ok(Value::Num(i as f64));
        }
    }
    Ok(Value::Null)
}

/// Lexicographic (byte-wise UTF-8) order: "10" < "100" < "70" < "9", "B" < "a".
fn mvsort(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let mut vals: Vec<(String, Value)> = args[0]
        .values()
        .iter()
        .map(|v| (text(v), v.clone()))
        .collect();
    vals.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Value::multi(vals.into_iter().map(|(_, v)| v).collect()))
}

fn mvreverse(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let mut vals = args[0].values().to_vec();
    vals.reverse();
    Ok(Value::multi(vals))
}

/// Pairs values like Python's `zip`: stops at the shorter side.
fn mvzip(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    if args[0].is_null() || args[1].is_null() {
        return Ok(Value::Null);
    }
    let delim = match args.get(2) {
        None => ",".to_string(),
        Some(Value::Null) => return Ok(Value::Null),
        Some(d) => text(d),
    };
    let zipped = args[0]
        .values()
        .iter()
        .zip(args[1].values())
        .map(|(l, r)| Value::Str(format!("{}{}{}", text(l), delim, text(r))))
        .collect();
    Ok(Value::multi(zipped))
}

/// How `mvrange` steps: by a number, or by a timespan over epoch seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Step {
    Number(f64),
    /// Absolute seconds (s, m, h units).
    Seconds(f64),
    /// Calendar days in the search's time zone (d, w units).
    Days(i64),
    /// Calendar months in the search's time zone (mon, q, y units).
    Months(i64),
}

/// Parses a timespan such as `7d`, `-2h`, `1mon`, `30` (a bare number is a number step).
fn parse_step(v: &Value) -> Result<Step, String> {
    if let Some(n) = v.as_num() {
        return Ok(Step::Number(n));
    }
    let raw = text(v);
    let s = raw.trim();
    let split = s
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && (*c == '-' || *c == '+'))))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let count: i64 = match num {
        "" | "+" => 1,
        "-" => -1,
        n => n
            .parse()
            .map_err(|_| format!("mvrange: invalid step {raw:?}"))?,
    };
    let step = match unit.to_ascii_lowercase().as_str() {
        "s" | "sec" | "secs" | "second" | "seconds" => Step::Seconds(count as f64),
        "m" | "min" | "mins" | "minute" | "minutes" => Step::Seconds(count as f64 * 60.0),
        "h" | "hr" | "hrs" | "hour" | "hours" => Step::Seconds(count as f64 * 3600.0),
        "d" | "day" | "days" => Step::Days(count),
        "w" | "week" | "weeks" => Step::Days(count.saturating_mul(7)),
        "mon" | "month" | "months" => Step::Months(count),
        "q" | "qtr" | "qtrs" | "quarter" | "quarters" => Step::Months(count.saturating_mul(3)),
        "y" | "yr" | "yrs" | "year" | "years" => Step::Months(count.saturating_mul(12)),
        _ => return Err(format!("mvrange: invalid step {raw:?}")),
    };
    Ok(step)
}

/// Adds `months` months and `days` days to a local wall-clock time.
fn add_calendar(local: NaiveDateTime, months: i64, days: i64) -> Option<NaiveDateTime> {
    let mut t = local;
    if months != 0 {
        let total = (t.year() as i64 * 12 + t.month0() as i64).checked_add(months)?;
        let (y, m0) = (total.div_euclid(12), total.rem_euclid(12));
        let y = i32::try_from(y).ok()?;
        // Clamp the day to the target month's length (Jan 31 + 1mon → Feb 28/29).
        let mut day = t.day();
        loop {
            if let Some(d) = chrono::NaiveDate::from_ymd_opt(y, m0 as u32 + 1, day) {
                t = d.and_time(t.time());
                break;
            }
            day -= 1;
            if day == 0 {
                return None;
            }
        }
    }
    t.checked_add_signed(TimeDelta::try_days(days)?)
}

/// Epoch seconds of `start` moved by a calendar amount in `tz`.
fn calendar_step(start: f64, months: i64, days: i64, tz: chrono_tz::Tz) -> Option<f64> {
    let secs = start.floor();
    let frac = start - secs;
    let utc = chrono::DateTime::from_timestamp(secs as i64, 0)?;
    let local = utc.with_timezone(&tz).naive_local();
    let moved = add_calendar(local, months, days)?;
    let resolved = match tz.from_local_datetime(&moved) {
        LocalResult::Single(t) => t,
        LocalResult::Ambiguous(first, _) => first,
        // A wall-clock time skipped by a DST change: use the time an hour later.
        LocalResult::None => tz
            .from_local_datetime(&moved.checked_add_signed(TimeDelta::hours(1))?)
            .earliest()?,
    };
    Some(resolved.timestamp() as f64 + frac)
}

/// `mvrange(start, end[, step])`: start, start+step, ... up to but excluding end.
fn mvrange(args: &[Value], ctx: &FnCtx) -> Result<Value, String> {
    if args.iter().any(Value::is_null) {
        return Ok(Value::Null);
    }
    let (Some(start), Some(end)) = (args[0].as_num(), args[1].as_num()) else {
        return Err("mvrange: start and end must be numbers".into());
    };
    let step = match args.get(2) {
        None => Step::Number(1.0),
        Some(s) => parse_step(s)?,
    };
    let forward = match step {
        Step::Number(n) | Step::Seconds(n) => {
            if n == 0.0 || !n.is_finite() {
                return Err("mvrange: step must not be zero".into());
            }
            n > 0.0
        }
        Step::Days(n) | Step::Months(n) => {
            if n == 0 {
                return Err("mvrange: step must not be zero".into());
            }
            n > 0
        }
    };
    let mut out = Vec::new();
    for k in 0.. {
        let v = match step {
            Step::Number(n) | Step::Seconds(n) => start + n * k as f64,
            Step::Days(n) => match n
                .checked_mul(k)
                .and_then(|d| calendar_step(start, 0, d, ctx.tz))
            {
                Some(v) => v,
                None => break,
            },
            Step::Months(n) => match n
                .checked_mul(k)
                .and_then(|m| calendar_step(start, m, 0, ctx.tz))
            {
                Some(v) => v,
                None => break,
            },
        };
        if (forward && v >= end) || (!forward && v <= end) {
            break;
        }
        if out.len() >= MVRANGE_LIMIT {
            return Err(format!(
                "mvrange: more than {MVRANGE_LIMIT} values requested"
            ));
        }
        out.push(Value::Num(v));
    }
    Ok(Value::multi(out))
}

/// `split(str, delim)`: every piece is kept, empty ones included; an empty
/// delimiter splits into characters. A multivalue is split value by value and
/// the pieces joined into one multivalue.
fn split(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    if args[0].is_null() || args[1].is_null() {
        return Ok(Value::Null);
    }
    let delim = text(&args[1]);
    let mut parts = Vec::new();
    let max = crate::base::budget::VALUES.get();
    for v in args[0].values() {
        let s = text(v);
        // Counted before they are made.
        let n = if delim.is_empty() {
            s.chars().count()
        } else {
            s.matches(delim.as_str()).count() + 1
        };
        if parts.len() + n > max {
            return Err(crate::base::budget::VALUES.message());
        }
        if delim.is_empty() {
            parts.extend(s.chars().map(|c| Value::Str(c.to_string())));
        } else {
            parts.extend(s.split(delim.as_str()).map(Value::str));
        }
    }
    Ok(Value::multi(parts))
}

/// Truthiness of an optional flag argument (`true()`, `"true"`, non-zero numbers).
fn flag(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Num(n)) => *n != 0.0,
        Some(other) => {
            let t = text(other);
            match parse_number_flag(&t) {
                Some(n) => n,
                None => t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("t"),
            }
        }
    }
}

fn parse_number_flag(t: &str) -> Option<bool> {
    crate::base::value::parse_number(t).map(|n| n != 0.0)
}

/// `mv_to_json_array(mv[, infer_types])`: without inference every value
/// becomes a JSON string; with it each value is read as JSON text (one set of
/// quotes removed from strings) and anything that is not valid JSON becomes null.
fn mv_to_json_array(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    if args[0].is_null() {
        return Ok(Value::Null);
    }
    let infer = flag(args.get(1));
    let elems: Vec<serde_json::Value> = args[0]
        .values()
        .iter()
        .map(|v| {
            if infer {
                match v {
                    Value::Num(_) | Value::Bool(_) => v.to_json(),
                    other => serde_json::from_str(&text(other)).unwrap_or(serde_json::Value::Null),
                }
            } else {
                match v {
                    Value::Num(n) => serde_json::Value::String(format_number(*n)),
                    other => serde_json::Value::String(text(other)),
                }
            }
        })
        .collect();
    serde_json::to_string(&serde_json::Value::Array(elems))
        .map(Value::Str)
        .map_err(|e| e.to_string())
}

/// `commands(X)`: the commands the search string X uses, in order (Search
/// Reference, "Multivalue eval functions": `commands("search foo | stats
/// count | sort count")` is `search, stats, sort`). The string is cut at the
/// pipes outside quotes and brackets; each part's first word is a command.
fn commands(args: &[Value], _: &FnCtx) -> Result<Value, String> {
    let Some(text) = args[0].as_text() else {
        return Ok(Value::Null);
    };
    let mut parts = Vec::new();
    let (mut depth, mut quoted, mut escaped, mut start) = (0i32, false, false, 0usize);
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth -= 1,
            '|' if !quoted && depth <= 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    let names: Vec<Value> = parts
        .iter()
        .filter_map(|p| p.split_whitespace().next())
        .map(|w| Value::Str(w.to_ascii_lowercase()))
        .collect();
    Ok(Value::multi(names))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[Value]) -> Value {
        call_ctx(name, args, &FnCtx::default())
    }

    fn call_ctx(name: &str, args: &[Value], ctx: &FnCtx) -> Value {
        let f = FUNCTIONS
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no function {name}"));
        assert!(args.len() >= f.min_args, "{name}: too few args");
        assert!(
            f.max_args.is_none_or(|m| args.len() <= m),
            "{name}: too many args"
        );
        (f.imp)(args, ctx).unwrap_or_else(|e| panic!("{name} failed: {e}"))
    }

    fn mv(items: &[&str]) -> Value {
        Value::multi(items.iter().map(|s| Value::from(*s)).collect())
    }

    fn texts(v: &Value) -> Vec<String> {
        v.values().iter().map(text).collect()
    }

    fn s(x: &str) -> Value {
        Value::from(x)
    }

    fn n(x: f64) -> Value {
        Value::Num(x)
    }

    #[test]
    fn mvappend_doc_examples() {
        // mvappend("localhost", srcip) and the nested form give the same list.
        let srcip = s("203.0.113.0");
        let destip = s("203.0.113.255");
        let flat = call(
            "mvappend",
            &[
                s("localhost"),
                srcip.clone(),
                destip.clone(),
                s("192.168.1.1"),
            ],
        );
        let inner = call("mvappend", &[s("localhost"), srcip]);
        let nested = call("mvappend", &[inner, destip, s("192.168.1.1")]);
        assert_eq!(
            texts(&flat),
            ["localhost", "203.0.113.0", "203.0.113.255", "192.168.1.1"]
        );
        assert_eq!(flat, nested);
        // Null arguments contribute nothing.
        assert_eq!(call("mvappend", &[Value::Null, s("a")]), s("a"));
        assert_eq!(call("mvappend", &[Value::Null]), Value::Null);
    }

    #[test]
    fn mvcount_counts_values() {
        assert_eq!(call("mvcount", &[mv(&["a", "b", "c"])]), n(3.0));
        assert_eq!(call("mvcount", &[s("a")]), n(1.0));
        assert_eq!(call("mvcount", &[Value::Null]), Value::Null);
        // Doc extended example: mvcount(split(To,"@"))-1 counts addresses.
        let to = call("split", &[s("a@x.com,b@y.com"), s("@")]);
        assert_eq!(call("mvcount", &[to]), n(3.0));
    }

    #[test]
    fn mvindex_doc_examples() {
        let names = mv(&[
            "alex",
            "celestino",
            "claudia",
            "david",
            "ikraam",
            "nyah",
            "rutherford",
            "wei",
        ]);
        assert_eq!(call("mvindex", &[names.clone(), n(2.0)]), s("claudia"));
        assert_eq!(
            texts(&call("mvindex", &[names, n(0.0), n(3.0)])),
            ["alex", "celestino", "claudia", "david"]
        );
        let ponies = mv(&[
            "buttercup",
            "dash",
            "flutter",
            "honey",
            "ivory",
            "minty",
            "pinky",
            "rarity",
        ]);
        assert_eq!(call("mvindex", &[ponies.clone(), n(-1.0)]), s("rarity"));
        assert_eq!(call("mvindex", &[ponies.clone(), n(-3.0)]), s("minty"));
        assert_eq!(
            texts(&call("mvindex", &[ponies.clone(), n(-3.0), n(-1.0)])),
            ["minty", "pinky", "rarity"]
        );
        // Out of range or invalid → Null.
        assert_eq!(call("mvindex", &[ponies.clone(), n(8.0)]), Value::Null);
        assert_eq!(call("mvindex", &[ponies.clone(), n(-9.0)]), Value::Null);
        assert_eq!(call("mvindex", &[ponies.clone(), s("x")]), Value::Null);
        assert_eq!(
            call("mvindex", &[ponies.clone(), n(3.0), n(1.0)]),
            Value::Null
        );
        // Numeric text indexes work; an end past the last value is clamped.
        assert_eq!(call("mvindex", &[ponies.clone(), s("1")]), s("dash"));
        assert_eq!(
            texts(&call("mvindex", &[ponies, n(6.0), n(100.0)])),
            ["pinky", "rarity"]
        );
        // A single value is a one-element list.
        assert_eq!(call("mvindex", &[s("only"), n(0.0)]), s("only"));
        assert_eq!(call("mvindex", &[s("only"), n(-1.0)]), s("only"));
        assert_eq!(call("mvindex", &[Value::Null, n(0.0)]), Value::Null);
    }

    #[test]
    fn mvjoin_doc_examples() {
        let base = call("mvrange", &[n(1.0), n(6.0)]);
        assert_eq!(
            call("mvjoin", &[base, s(" OR ")]),
            s("1 OR 2 OR 3 OR 4 OR 5")
        );
        assert_eq!(call("mvjoin", &[mv(&["a", "b"]), s(";")]), s("a;b"));
        assert_eq!(call("mvjoin", &[s("a"), s(";")]), s("a"));
        assert_eq!(call("mvjoin", &[Value::Null, s(";")]), Value::Null);
    }

    #[test]
    fn mvdedup_keeps_first_occurrences() {
        let v = call("mvdedup", &[mv(&["b", "a", "b", "c", "a"])]);
        assert_eq!(texts(&v), ["b", "a", "c"]);
        assert_eq!(call("mvdedup", &[mv(&["x", "x"])]), s("x"));
        assert_eq!(call("mvdedup", &[Value::Null]), Value::Null);
    }

    #[test]
    fn mvfind_doc_example() {
        let f = mv(&["ok", "warn", "err42", "err7"]);
        assert_eq!(call("mvfind", &[f.clone(), s(r"err\d+")]), n(2.0));
        assert_eq!(call("mvfind", &[f, s("^nothing$")]), Value::Null);
        assert_eq!(call("mvfind", &[s("abc"), s("b")]), n(0.0));
        let bad = (FUNCTIONS.iter().find(|f| f.name == "mvfind").unwrap().imp)(
            &[s("a"), s("(")],
            &FnCtx::default(),
        );
        assert!(bad.is_err());
    }

    #[test]
    fn mvsort_is_lexicographic() {
        // Doc: 10, 9, 70, 100 sort as 10, 100, 70, 9; uppercase before lowercase.
        let v = call("mvsort", &[mv(&["10", "9", "70", "100"])]);
        assert_eq!(texts(&v), ["10", "100", "70", "9"]);
        let v = call("mvsort", &[mv(&["banana", "Cherry", "apple"])]);
        assert_eq!(texts(&v), ["Cherry", "apple", "banana"]);
        let v = call("mvsort", &[Value::Multi(vec![n(10.0), n(9.0)])]);
        assert_eq!(v, Value::Multi(vec![n(10.0), n(9.0)]));
    }

    #[test]
    fn mvreverse_doc_example() {
        let v = call("mvreverse", &[call("split", &[s("1,2,3"), s(",")])]);
        assert_eq!(texts(&v), ["3", "2", "1"]);
    }

    #[test]
    fn mvzip_doc_examples() {
        let hosts = mv(&["h1", "h2", "h3"]);
        let ports = mv(&["80", "443"]);
        let v = call("mvzip", &[hosts.clone(), ports.clone()]);
        assert_eq!(texts(&v), ["h1,80", "h2,443"]);
        // Nested: mvzip(mvzip(field1,field2,"|"),field3,"|").
        let f3 = mv(&["a", "b"]);
        let inner = call("mvzip", &[hosts, ports, s("|")]);
        let v = call("mvzip", &[inner, f3, s("|")]);
        assert_eq!(texts(&v), ["h1|80|a", "h2|443|b"]);
        assert_eq!(call("mvzip", &[Value::Null, s("x")]), Value::Null);
    }

    #[test]
    fn mvrange_doc_examples() {
        let v = call("mvrange", &[n(1.0), n(11.0), n(2.0)]);
        assert_eq!(texts(&v), ["1", "3", "5", "7", "9"]);
        // End is excluded; default step 1; descending with a negative step.
        assert_eq!(texts(&call("mvrange", &[n(0.0), n(3.0)])), ["0", "1", "2"]);
        assert_eq!(
            texts(&call("mvrange", &[n(3.0), n(0.0), n(-1.0)])),
            ["3", "2", "1"]
        );
        assert_eq!(call("mvrange", &[n(5.0), n(5.0)]), Value::Null);
        assert_eq!(
            call("mvrange", &[s("1"), s("3")]),
            Value::Multi(vec![n(1.0), n(2.0)])
        );
    }

    #[test]
    fn mvrange_timespan_doc_example() {
        // Doc: 1/1/2018 .. 4/19/2018 by 7d. The listed values step by calendar
        // days in local time: across the US DST change (2018-03-11) the step is
        // 601200 s, not 604800 s.
        let ctx = FnCtx {
            now: 0.0,
            tz: chrono_tz::America::Los_Angeles,
            ..Default::default()
        };
        let v = call_ctx(
            "mvrange",
            &[n(1514834731.0), n(1524134919.0), s("7d")],
            &ctx,
        );
        let expected = [
            "1514834731",
            "1515439531",
            "1516044331",
            "1516649131",
            "1517253931",
            "1517858731",
            "1518463531",
            "1519068331",
            "1519673131",
            "1520277931",
            "1520879131",
            "1521483931",
            "1522088731",
            "1522693531",
            "1523298331",
            "1523903131",
        ];
        assert_eq!(texts(&v), expected);
    }

    #[test]
    fn mvrange_rejects_bad_steps() {
        let f = FUNCTIONS.iter().find(|f| f.name == "mvrange").unwrap();
        let ctx = FnCtx::default();
        assert!((f.imp)(&[n(0.0), n(5.0), n(0.0)], &ctx).is_err());
        assert!((f.imp)(&[n(0.0), n(5.0), s("7x")], &ctx).is_err());
        assert!((f.imp)(&[n(0.0), n(1e12)], &ctx).is_err());
        // Absurd calendar steps end the range instead of panicking.
        assert_eq!(
            call("mvrange", &[n(0.0), n(1e18), s("9223372036854775807d")]),
            n(0.0)
        );
        assert_eq!(
            call("mvrange", &[n(0.0), n(1e18), s("999999999999y")]),
            n(0.0)
        );
        // Hours are absolute seconds; months follow the calendar.
        assert_eq!(
            texts(&call("mvrange", &[n(0.0), n(7201.0), s("1h")])),
            ["0", "3600", "7200"]
        );
        // 2024-01-31 00:00 UTC + 1mon → 2024-02-29 (clamped), + 2mon → 2024-03-31.
        let jan31 = 1706659200.0;
        let v = call("mvrange", &[n(jan31), n(jan31 + 70.0 * 86400.0), s("1mon")]);
        assert_eq!(texts(&v), ["1706659200", "1709164800", "1711843200"]);
    }

    #[test]
    fn split_doc_examples() {
        assert_eq!(
            texts(&call("split", &[s("abcd"), s("")])),
            ["a", "b", "c", "d"]
        );
        let ponies = call(
            "split",
            &[
                s("buttercup;rarity;tenderhoof;dash;mcintosh;fleetfoot;mistmane"),
                s(";"),
            ],
        );
        assert_eq!(
            texts(&ponies),
            [
                "buttercup",
                "rarity",
                "tenderhoof",
                "dash",
                "mcintosh",
                "fleetfoot",
                "mistmane"
            ]
        );
        assert_eq!(
            texts(&call("split", &[s("1a2b3c4def567890"), s("def")])),
            ["1a2b3c4", "567890"]
        );
        assert_eq!(
            texts(&call("split", &[s("name::value"), s("::")])),
            ["name", "value"]
        );
        // Empty pieces are kept; no delimiter found → the string itself.
        assert_eq!(texts(&call("split", &[s("a,,b"), s(",")])), ["a", "", "b"]);
        assert_eq!(call("split", &[s("abc"), s(",")]), s("abc"));
        assert_eq!(call("split", &[Value::Null, s(",")]), Value::Null);
        assert_eq!(call("split", &[n(1.5), s(".")]), mv(&["1", "5"]));
        assert_eq!(
            call("split", &[mv(&["a;b", "c"]), s(";")]),
            mv(&["a", "b", "c"])
        );
    }

    #[test]
    fn mv_to_json_array_doc_example() {
        let ponies = mv(&[
            "\"Buttercup\"",
            "\"Fluttershy\"",
            "\"Rarity\"",
            "true",
            "null",
        ]);
        assert_eq!(
            call("mv_to_json_array", &[ponies.clone(), Value::Bool(false)]),
            s(r#"["\"Buttercup\"","\"Fluttershy\"","\"Rarity\"","true","null"]"#)
        );
        assert_eq!(
            call("mv_to_json_array", std::slice::from_ref(&ponies)),
            call("mv_to_json_array", &[ponies.clone(), Value::Bool(false)])
        );
        assert_eq!(
            call("mv_to_json_array", &[ponies, Value::Bool(true)]),
            s(r#"["Buttercup","Fluttershy","Rarity",true,null]"#)
        );
        // Inference: numbers become numbers, unrecognised text becomes null.
        let v = call("split", &[s("1, 2, 3,abc"), s(",")]);
        assert_eq!(
            call("mv_to_json_array", &[v, Value::Bool(true)]),
            s("[1,2,3,null]")
        );
        assert_eq!(call("mv_to_json_array", &[n(3.0)]), s(r#"["3"]"#));
        assert_eq!(call("mv_to_json_array", &[Value::Null]), Value::Null);
    }
}
