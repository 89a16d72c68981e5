//! Reading events: NDJSON (one JSON object per line) from files or stdin.
//! Nested objects flatten to dotted names (`status.errorCode`), arrays to
//! `{}` names holding multivalues (`tags{}`, `list{}.k`). `_raw` is the line
//! as read; `_time` comes from the event's own timestamp fields.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use crate::diag::{Result, SplError};
use crate::event::Event;
use crate::value::{format_number, Value};

/// Metadata to set on events that lack it.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub sourcetype: Option<String>,
    pub source: Option<String>,
    pub host: Option<String>,
    pub index: Option<String>,
    /// Keep only events with `_time` at or after this (epoch seconds).
    pub earliest: Option<f64>,
    /// Keep only events with `_time` before this.
    pub latest: Option<f64>,
}

impl Meta {
    /// Whether an event is inside the `--earliest`/`--latest` window.
    pub fn in_window(&self, ev: &Event) -> bool {
        if self.earliest.is_none() && self.latest.is_none() {
            return true;
        }
        let Some(t) = ev.time() else { return false };
        self.earliest.is_none_or(|e| t >= e) && self.latest.is_none_or(|l| t < l)
    }
}

/// Timestamp fields tried, in order, when the event has no `_time`.
pub const TIME_FIELDS: &[&str] = &[
    "timestamp",
    "@timestamp",
    "createdDateTime",
    "eventTime",
    "CreationTime",
    "TimeCreated",
    "time",
    "date",
];

/// Counts of what was read.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub events: u64,
    pub malformed: u64,
    pub files: u64,
}

/// Where events come from: `-` is stdin.
#[derive(Debug, Clone)]
pub enum Source {
    Stdin,
    File(PathBuf),
    /// Input already read into memory (stdin, when subsearches need to read it again).
    Memory(String, std::sync::Arc<[u8]>),
}

impl Source {
    pub fn from_arg(s: &str) -> Source {
        if s == "-" {
            Source::Stdin
        } else {
            Source::File(PathBuf::from(s))
        }
    }
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "stdin".into(),
            Source::File(p) => p.display().to_string(),
            Source::Memory(name, _) => name.clone(),
        }
    }

    /// Reads stdin into memory so the input can be read more than once.
    pub fn buffered(self) -> Result<Source> {
        match self {
            Source::Stdin => {
                let mut buf = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut buf)
                    .map_err(|e| SplError::input(format!("cannot read stdin: {e}")))?;
                Ok(Source::Memory("stdin".into(), std::sync::Arc::from(buf)))
            }
            other => Ok(other),
        }
    }
}

/// Reads every source in turn, calling `f` per event; `f` returns false to stop.
/// Malformed lines are reported on stderr with file:line and counted.
pub fn read_all(
    sources: &[Source],
    meta: &Meta,
    f: &mut dyn FnMut(Event) -> Result<bool>,
) -> Result<Summary> {
    let mut summary = Summary::default();
    let mut seq = 0u64;
    for src in sources {
        summary.files += 1;
        let reader: Box<dyn Read> = match src {
            Source::Stdin => Box::new(std::io::stdin()),
            Source::File(p) => Box::new(open(p)?),
            Source::Memory(_, data) => Box::new(std::io::Cursor::new(data.clone())),
        };
        let name = src.name();
        let mut reader = BufReader::with_capacity(1 << 16, reader);
        let mut line = String::new();
        let mut lineno = 0u64;
        loop {
            line.clear();
            let n = reader
                .read_line(&mut line)
                .map_err(|e| SplError::input(format!("{name}:{}: cannot read: {e}", lineno + 1)))?;
            if n == 0 {
                break;
            }
            lineno += 1;
            let text = line.trim_end_matches(['\n', '\r']);
            if text.trim().is_empty() {
                continue;
            }
            match parse_line(text, meta, &name) {
                Ok(ev) if !meta.in_window(&ev) => {}
                Ok(mut ev) => {
                    ev.seq = seq;
                    seq += 1;
                    summary.events += 1;
                    if !f(ev)? {
                        return Ok(summary);
                    }
                }
                Err(msg) => {
                    summary.malformed += 1;
                    eprintln!("warning: {name}:{lineno}: {msg}; line skipped");
                }
            }
        }
    }
    Ok(summary)
}

fn open(p: &Path) -> Result<std::fs::File> {
    std::fs::File::open(p).map_err(|e| SplError::input(format!("cannot open {}: {e}", p.display())))
}

/// One NDJSON line → an event.
pub fn parse_line(
    text: &str,
    meta: &Meta,
    source_name: &str,
) -> std::result::Result<Event, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("malformed JSON ({e})"))?;
    let serde_json::Value::Object(obj) = v else {
        return Err("not a JSON object".into());
    };
    let mut ev = from_object(&obj);
    if !ev.contains("_raw") {
        ev.set("_raw", Value::Str(text.to_string()));
    }
    apply_meta(&mut ev, meta, source_name);
    Ok(ev)
}

/// Flattens a JSON object into an event and sets `_time`.
pub fn from_object(obj: &serde_json::Map<String, serde_json::Value>) -> Event {
    let mut acc: IndexMap<String, Vec<Value>> = IndexMap::new();
    for (k, v) in obj {
        flatten(k, v, &mut acc);
    }
    let mut ev = Event::with_capacity(acc.len() + 4);
    for (k, vals) in acc {
        ev.set(k, Value::multi(vals));
    }
    let t = event_time(&ev);
    if let Some(t) = t {
        ev.set("_time", Value::Num(t));
        ev.orig_time = t;
    } else {
        ev.remove("_time");
    }
    ev
}

fn scalar(v: &serde_json::Value) -> Option<Value> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::Bool(b) => Some(Value::Str(b.to_string())),
        serde_json::Value::Number(n) => Some(Value::Str(match n.as_f64() {
            Some(f) if n.is_f64() => {
                let s = n.to_string();
                if s.contains('e') || s.contains('E') {
                    format_number(f)
                } else {
                    s
                }
            }
            _ => n.to_string(),
        })),
        serde_json::Value::String(s) => Some(Value::Str(s.clone())),
        _ => None,
    }
}

fn flatten(name: &str, v: &serde_json::Value, acc: &mut IndexMap<String, Vec<Value>>) {
    match v {
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                flatten(&format!("{name}.{k}"), x, acc);
            }
        }
        serde_json::Value::Array(a) => {
            let key = format!("{name}{{}}");
            for x in a {
                flatten(&key, x, acc);
            }
        }
        other => {
            if let Some(s) = scalar(other) {
                acc.entry(name.to_string()).or_default().push(s);
            }
        }
    }
}

/// `_time` from a numeric or ISO `_time`, else the first known timestamp field.
pub fn event_time(ev: &Event) -> Option<f64> {
    if let Some(v) = ev.get("_time") {
        if let Some(t) = v.as_text().and_then(|t| crate::time::parse_timestamp(&t)) {
            return Some(t);
        }
    }
    TIME_FIELDS.iter().find_map(|f| {
        ev.get(f)
            .and_then(|v| v.as_text())
            .and_then(|t| crate::time::parse_timestamp(&t))
    })
}

fn apply_meta(ev: &mut Event, meta: &Meta, source_name: &str) {
    let pairs = [
        ("sourcetype", &meta.sourcetype),
        ("source", &meta.source),
        ("host", &meta.host),
        ("index", &meta.index),
    ];
    for (k, v) in pairs {
        if !ev.contains(k) {
            if let Some(v) = v {
                ev.set(k, Value::Str(v.clone()));
            } else if k == "source" {
                ev.set(k, Value::Str(source_name.to_string()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_objects_and_arrays() {
        let ev = parse_line(
            r#"{"a":{"b":1,"c":[1,2]},"l":[{"k":"x"},{"k":"y"}],"n":null,"t":true}"#,
            &Meta::default(),
            "f",
        )
        .unwrap();
        assert_eq!(ev.get("a.b"), Some(&Value::from("1")));
        assert_eq!(ev.get("a.c{}").unwrap().mv_count(), 2);
        assert_eq!(ev.get("l{}.k").unwrap().mv_count(), 2);
        assert_eq!(ev.get("n"), None);
        assert_eq!(ev.get("t"), Some(&Value::from("true")));
        assert_eq!(ev.get("source"), Some(&Value::from("f")));
    }

    #[test]
    fn time_from_known_fields() {
        let ev = parse_line(
            r#"{"createdDateTime":"2023-10-12T11:05:44Z"}"#,
            &Meta::default(),
            "f",
        )
        .unwrap();
        assert_eq!(ev.time(), Some(1697108744.0));
        let ev = parse_line(r#"{"_time":1697108744.5}"#, &Meta::default(), "f").unwrap();
        assert_eq!(ev.time(), Some(1697108744.5));
    }

    #[test]
    fn malformed_lines_are_errors() {
        assert!(parse_line("{not json", &Meta::default(), "f").is_err());
        assert!(parse_line("[1,2]", &Meta::default(), "f").is_err());
    }
}
