//! JSON records: objects flattened into fields (`status.errorCode`,
//! `tags{}`), `_time` from the event's own timestamp fields, Splunk export
//! wrappers unwrapped, and JSON arrays or sequences of documents split into
//! records.

use std::io::BufRead;

use indexmap::IndexMap;

use super::{Emit, InputMeta, Item, Meta};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::{format_number, Value};

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

/// One JSON text (an NDJSON line or an array element) → its events: an
/// object, or the results of a Splunk export (`{"result":{…}}`,
/// `{"results":[…]}`); and the results of an export that are not objects,
/// each said with its position (they are skipped, the others kept).
pub fn parse_json_record(text: &str) -> std::result::Result<(Vec<Event>, Vec<String>), String> {
    let v = parse_value(text.as_bytes()).map_err(|e| format!("malformed JSON ({e})"))?;
    let serde_json::Value::Object(obj) = v else {
        return Err("not a JSON object".into());
    };
    let mut odd = Vec::new();
    let evs = match export_results(&obj) {
        Some(results) => results
            .into_iter()
            .enumerate()
            .filter_map(|(i, r)| match r {
                serde_json::Value::Object(o) => Some(from_export_result(o)),
                other => {
                    odd.push(format!(
                        "result {} of {} is not a JSON object but {}; that result skipped",
                        i + 1,
                        obj.get("results")
                            .and_then(|r| r.as_array())
                            .map_or(1, |a| a.len()),
                        kind(other)
                    ));
                    None
                }
            })
            .collect(),
        None => {
            let mut ev = from_object(&obj);
            if !ev.contains("_raw") {
                ev.set("_raw", Value::Str(text.to_string()));
            }
            vec![ev]
        }
    };
    Ok((evs, odd))
}

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// The results of a Splunk export line or document, if `obj` is one: the
/// object of `{"result":{…}}`, or the elements of `{"results":[…]}` (when
/// none is an object, and there are some, it is an ordinary event).
pub(crate) fn export_results(
    obj: &serde_json::Map<String, serde_json::Value>,
) -> Option<Vec<&serde_json::Value>> {
    const ENVELOPE: &[&str] = &[
        "preview",
        "offset",
        "lastrow",
        "init_offset",
        "messages",
        "fields",
        "highlighted",
        "post_process_count",
    ];
    let only_envelope = |key: &str| {
        obj.keys()
            .all(|k| k == key || ENVELOPE.contains(&k.as_str()))
    };
    if let Some(r @ serde_json::Value::Object(_)) = obj.get("result") {
        if only_envelope("result") {
            return Some(vec![r]);
        }
    }
    if let Some(serde_json::Value::Array(rs)) = obj.get("results") {
        if only_envelope("results") && (rs.is_empty() || rs.iter().any(|r| r.is_object())) {
            return Some(rs.iter().collect());
        }
    }
    None
}

/// JSON text parsed as serde_json parses it, but keeping what serde_json
/// would lose or refuse where Splunk keeps the text: a number an f64
/// cannot hold exactly (`1e400`, `123456789012345678901234567890`) becomes
/// a string of its text, and raw control characters in strings are kept.
/// Both the whole-event reader and the projecting scanner parse with it.
pub fn parse_value(text: &[u8]) -> std::result::Result<serde_json::Value, serde_json::Error> {
    match serde_json::from_slice::<serde_json::Value>(text) {
        Ok(v) => {
            if has_float(&v) {
                if let Some(t) = keep_text(text) {
                    if let Ok(v) = serde_json::from_slice(&t) {
                        return Ok(v);
                    }
                }
            }
            Ok(v)
        }
        Err(e) => match keep_text(text) {
            Some(t) => serde_json::from_slice(&t).map_err(|_| e),
            None => Err(e),
        },
    }
}

/// Whether a parsed value holds a number serde_json made an f64 (the only
/// numbers it may not hold exactly).
fn has_float(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(n) => n.is_f64(),
        serde_json::Value::Array(a) => a.iter().any(has_float),
        serde_json::Value::Object(o) => o.values().any(has_float),
        _ => false,
    }
}

/// The text with each number an f64 cannot hold exactly quoted (a string
/// of its text) and raw control characters in strings escaped; None when
/// there is nothing to change.
fn keep_text(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len() + 16);
    let mut changed = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'"' {
            out.push(c);
            i += 1;
            while i < b.len() {
                let c = b[i];
                if c == b'\\' {
                    out.push(c);
                    if let Some(&n) = b.get(i + 1) {
                        out.push(n);
                    }
                    i += 2;
                    continue;
                }
                i += 1;
                if c == b'"' {
                    out.push(c);
                    break;
                }
                if c < 0x20 {
                    out.extend_from_slice(format!("\\u{c:04x}").as_bytes());
                    changed = true;
                } else {
                    out.push(c);
                }
            }
            continue;
        }
        if c == b'-' || c.is_ascii_digit() {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_digit() || matches!(b[i], b'+' | b'-' | b'.' | b'e' | b'E'))
            {
                i += 1;
            }
            let tok = &b[start..i];
            if inexact_number(tok) {
                out.push(b'"');
                out.extend_from_slice(tok);
                out.push(b'"');
                changed = true;
            } else {
                out.extend_from_slice(tok);
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    changed.then_some(out)
}

/// Whether a JSON number's text is one serde_json cannot give back: not an
/// integer it keeps exactly (i64, u64), and out of f64's range, or with
/// other significant digits than the f64 nearest to it (more than 15 are
/// never trusted: serde_json's float parsing is not always correctly
/// rounded past that).
pub(crate) fn inexact_number(tok: &[u8]) -> bool {
    let Ok(t) = std::str::from_utf8(tok) else {
        return false;
    };
    if t.parse::<i64>().is_ok() || t.parse::<u64>().is_ok() {
        return false;
    }
    let Ok(f) = t.parse::<f64>() else {
        return false;
    };
    if !f.is_finite() {
        return true;
    }
    let sig = |m: &str| -> String {
        let d: String = m.chars().filter(char::is_ascii_digit).collect();
        d.trim_start_matches('0').trim_end_matches('0').to_string()
    };
    let written = sig(t.split(['e', 'E']).next().unwrap_or(""));
    if written.len() > 15 {
        return true;
    }
    let shortest = format!("{:e}", f.abs());
    written != sig(shortest.split('e').next().unwrap_or(""))
}

/// A Splunk export result: fields as Splunk returned them (a JSON array is a
/// multivalue field of the same name), `_raw` and `_time` kept.
pub(crate) fn from_export_result(obj: &serde_json::Map<String, serde_json::Value>) -> Event {
    let mut ev = Event::with_capacity(obj.len() + 2);
    for (k, v) in obj {
        match v {
            serde_json::Value::Array(a) => ev.set(
                k.clone(),
                Value::multi(a.iter().filter_map(scalar).collect()),
            ),
            serde_json::Value::Object(_) => {
                let mut acc = IndexMap::new();
                flatten(k, v, &mut acc);
                for (k, vals) in acc {
                    ev.set(k, Value::multi(vals));
                }
            }
            other => {
                if let Some(s) = scalar(other) {
                    ev.set(k.clone(), s);
                }
            }
        }
    }
    set_time(&mut ev);
    ev
}

/// A JSON array of records, or a sequence of whole JSON documents: records
/// are split at the top level (so one malformed record does not lose the
/// rest) and parsed one at a time.
pub(crate) fn read_json_values(
    reader: &mut dyn BufRead,
    name: &str,
    emit: &mut Emit<'_>,
) -> Result<()> {
    let mut splitter = JsonSplitter::default();
    let mut record = 0u64;
    let mut buf = Vec::new();
    let mut lineno = 0u64;
    let mut pending: Vec<(u64, String)> = Vec::new();
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| SplError::input(format!("{name}:{}: cannot read: {e}", lineno + 1)))?;
        if n == 0 {
            break;
        }
        lineno += 1;
        let text = crate::base::lossy_str(&buf);
        let text = if lineno == 1 {
            text.trim_start_matches('\u{feff}')
        } else {
            &text
        };
        splitter.feed(text, lineno, &mut pending);
        for (line, text) in pending.drain(..) {
            record += 1;
            if !emit_json_record(&text, line, record, emit)? {
                return Ok(());
            }
        }
    }
    if let Some((line, text)) = splitter.finish() {
        record += 1;
        if !text.trim().is_empty() {
            // Cut short (Splunk truncates events at 10,000 bytes by
            // default, and exports keep the cut): the values before the
            // cut are kept, as for a Windows XML event, and it is said.
            match close_cut(&text) {
                Some(whole) if parse_json_record(&whole).is_ok() => {
                    eprintln!(
                        "warning: {name}:{line}: record {record}: JSON record cut short at the end of the input; its fields up to the cut are kept"
                    );
                    emit_json_record(&whole, line, record, emit)?;
                }
                _ => {
                    emit(Item::Bad {
                        line,
                        record: Some(record),
                        msg: "unterminated JSON record at end of input".into(),
                    })?;
                }
            }
        }
    }
    Ok(())
}

/// A JSON object cut short, closed after its last complete value: the text
/// up to the last `,` outside a string (or the last opening bracket), then
/// the brackets still open. None when it does not start with `{` or `[`,
/// or nothing complete is left.
pub(crate) fn close_cut(text: &str) -> Option<String> {
    let t = text.trim_start();
    if !t.starts_with(['{', '[']) {
        return None;
    }
    let bytes = t.as_bytes();
    // Where to cut: after the last opening bracket or before the last
    // comma, outside strings.
    let mut depth = 0usize;
    let mut cut = None;
    for (i, b) in structural(bytes) {
        match b {
            b'{' | b'[' => {
                depth += 1;
                cut = Some(i + 1);
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    // Complete after all: nothing to close.
                    return None;
                }
            }
            b',' => cut = Some(i),
            _ => {}
        }
    }
    let cut = cut?;
    // The brackets still open at the cut, closed innermost first.
    let mut open: Vec<u8> = Vec::new();
    for (_, b) in structural(&bytes[..cut]) {
        match b {
            b'{' | b'[' => open.push(b),
            b'}' | b']' => {
                open.pop();
            }
            _ => {}
        }
    }
    let mut out = t[..cut].to_string();
    while let Some(b) = open.pop() {
        out.push(if b == b'{' { '}' } else { ']' });
    }
    Some(out)
}

/// The bytes of JSON text outside its strings (quotes included), with
/// their positions.
fn structural(bytes: &[u8]) -> impl Iterator<Item = (usize, u8)> + '_ {
    let mut in_str = false;
    let mut escaped = false;
    bytes.iter().enumerate().filter_map(move |(i, &b)| {
        if in_str {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_str = false;
            }
            return None;
        }
        if b == b'"' {
            in_str = true;
            return None;
        }
        Some((i, b))
    })
}

pub(crate) fn emit_json_record(
    text: &str,
    line: u64,
    record: u64,
    emit: &mut Emit<'_>,
) -> Result<bool> {
    match parse_json_record(text.trim()) {
        Ok((evs, odd)) => {
            for msg in odd {
                emit(Item::BadAt {
                    at: format!("line {line}, record {record}"),
                    msg,
                })?;
            }
            for ev in evs {
                if !emit(Item::Event {
                    ev,
                    raw_only: false,
                    ready: false,
                })? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Err(msg) => emit(Item::Bad {
            line,
            record: Some(record),
            msg,
        }),
    }
}

/// Splits a stream of JSON text into top-level records: the elements of a
/// top-level array, or consecutive top-level values.
#[derive(Default)]
pub(crate) struct JsonSplitter {
    depth: u32,
    in_str: bool,
    escape: bool,
    /// Inside the top-level array (its elements are the records).
    in_array: bool,
    started: bool,
    cur: String,
    cur_line: u64,
}

impl JsonSplitter {
    fn feed(&mut self, text: &str, lineno: u64, out: &mut Vec<(u64, String)>) {
        for c in text.chars() {
            if !self.started {
                if c.is_whitespace() {
                    continue;
                }
                self.started = true;
                if c == '[' {
                    self.in_array = true;
                    continue;
                }
            }
            if self.in_str {
                self.cur.push(c);
                if self.escape {
                    self.escape = false;
                } else if c == '\\' {
                    self.escape = true;
                } else if c == '"' {
                    self.in_str = false;
                }
                continue;
            }
            let base = u32::from(self.in_array);
            match c {
                '"' => {
                    self.in_str = true;
                    self.start(lineno);
                    self.cur.push(c);
                }
                '{' | '[' => {
                    self.start(lineno);
                    self.depth += 1;
                    self.cur.push(c);
                }
                '}' | ']' if self.depth == 0 => {
                    // The top-level array's end.
                    if self.in_array && c == ']' {
                        self.flush(out);
                        self.in_array = false;
                        self.started = false;
                    } else {
                        self.start(lineno);
                        self.cur.push(c);
                    }
                }
                '}' | ']' => {
                    self.depth -= 1;
                    self.cur.push(c);
                    if self.depth == 0 && !self.in_array {
                        self.flush(out);
                    }
                }
                ',' if self.depth == 0 && base == 1 => self.flush(out),
                c if c.is_whitespace() && self.cur.is_empty() => {}
                c => {
                    self.start(lineno);
                    self.cur.push(c);
                }
            }
        }
    }

    fn start(&mut self, lineno: u64) {
        if self.cur.is_empty() {
            self.cur_line = lineno;
        }
    }

    fn flush(&mut self, out: &mut Vec<(u64, String)>) {
        let text = std::mem::take(&mut self.cur);
        if !text.trim().is_empty() {
            out.push((self.cur_line, text));
        }
    }

    fn finish(&mut self) -> Option<(u64, String)> {
        let text = std::mem::take(&mut self.cur);
        (!text.trim().is_empty()).then_some((self.cur_line, text))
    }
}

/// One NDJSON line → an event.
pub fn parse_line(
    text: &str,
    meta: &Meta,
    source_name: &str,
) -> std::result::Result<Event, String> {
    let v = parse_value(text.as_bytes()).map_err(|e| format!("malformed JSON ({e})"))?;
    let serde_json::Value::Object(obj) = v else {
        return Err("not a JSON object".into());
    };
    let mut ev = from_object(&obj);
    if !ev.contains("_raw") {
        ev.set("_raw", Value::Str(text.to_string()));
    }
    InputMeta::new(None, meta, source_name).fill(&mut ev, &|_| true);
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
    set_time(&mut ev);
    ev
}

/// Sets `_time` (and the event's original time) from its timestamp fields.
pub fn set_time(ev: &mut Event) {
    let t = event_time(ev);
    if let Some(t) = t {
        ev.set("_time", Value::Num(t));
        ev.orig_time = t;
    } else {
        ev.remove("_time");
    }
}

pub(crate) fn scalar(v: &serde_json::Value) -> Option<Value> {
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

/// Flattens a JSON value into dotted/`{}` field names (public for `kv_mode: json`).
pub fn flatten(name: &str, v: &serde_json::Value, acc: &mut IndexMap<String, Vec<Value>>) {
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

#[cfg(test)]
mod tests {
    use super::close_cut;

    #[test]
    fn a_cut_record_is_closed_after_its_last_complete_value() {
        let c = |t: &str| close_cut(t);
        assert_eq!(c(r#"{"a":1,"b":"x,y"#).as_deref(), Some(r#"{"a":1}"#));
        assert_eq!(
            c(r#"{"a":1,"b":{"c":2"#).as_deref(),
            Some(r#"{"a":1,"b":{}}"#)
        );
        assert_eq!(c(r#"{"a":[1,2"#).as_deref(), Some(r#"{"a":[1]}"#));
        assert_eq!(
            c(r#"{"a":"q\",","b":2,"c"#).as_deref(),
            Some(r#"{"a":"q\",","b":2}"#)
        );
        assert_eq!(c(r#"{"a":1}"#), None, "complete");
        assert_eq!(c("not json"), None);
    }
}
