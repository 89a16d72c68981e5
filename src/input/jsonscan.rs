//! A projecting reader for one NDJSON line: walks the top-level object and
//! builds an event from only the keys a search needs ([`Wanted`]), skipping
//! the other values without decoding them. What it builds is what the full
//! reader ([`crate::input`]) would build for those fields: the same
//! flattening (`a.b`, `a{}`), the same number rendering (via serde_json for
//! anything but plain integers), the same string decoding.
//!
//! Anything unusual — a line that is not one object, a Splunk export wrapper
//! (`result`/`results`), a syntax error — answers [`Scan::Fallback`], and the
//! caller parses the line with the full reader, which reports errors with
//! their position. The skipper checks what the full reader would refuse
//! (escapes, number syntax, lone surrogates) so that a line either reader
//! accepts is accepted by both; a wanted key seen twice, or nesting deeper
//! than [`MAX_SCAN_DEPTH`], falls back too, so the answer is the full
//! reader's whatever path reads the field (`tests/it/reliability.rs`
//! checks this over generated nasty events). Raw control characters in
//! strings are kept by both.

use std::borrow::Cow;
use std::collections::HashSet;

type FastSet = HashSet<Box<[u8]>, foldhash::fast::RandomState>;

use crate::base::event::Event;
use crate::base::value::Value;
use crate::input::projection::Projection;

/// The top-level keys to decode, prepared once from a [`Projection`].
#[derive(Debug, Clone)]
pub struct Wanted {
    /// Every needed field name and each of its prefixes that ends before a
    /// `.` or `{` (the key `status` holds `status.errorCode`).
    keys: FastSet,
    /// Which key lengths occur (63: that long or longer): most keys of a
    /// line are skipped on their length alone, without hashing.
    lengths: [bool; 64],
    /// The field names the search reads.
    pub names: HashSet<String>,
    pub time: bool,
    pub raw: bool,
}

impl Wanted {
    pub fn new(p: &Projection) -> Wanted {
        let mut keys = FastSet::default();
        let mut add = |n: &str| {
            keys.insert(n.as_bytes().into());
            for (i, b) in n.bytes().enumerate() {
                if (b == b'.' || b == b'{') && i > 0 {
                    keys.insert(n.as_bytes()[..i].into());
                }
            }
        };
        for n in &p.names {
            add(n);
        }
        // Metadata the reader and the knowledge look at.
        for n in ["sourcetype", "source", "host", "index"] {
            add(n);
        }
        if p.time {
            add("_time");
            for n in crate::input::json::TIME_FIELDS {
                add(n);
            }
        }
        if p.raw {
            add("_raw");
        }
        let mut lengths = [false; 64];
        for k in &keys {
            lengths[k.len().min(63)] = true;
        }
        Wanted {
            keys,
            lengths,
            names: p.names.clone(),
            time: p.time,
            raw: p.raw,
        }
    }

    fn wants(&self, key: &[u8]) -> bool {
        self.lengths[key.len().min(63)] && self.keys.contains(key)
    }
}

/// The `_raw` a line's projected event has when `_raw` is wanted: its
/// `_raw` key, else the line.
pub fn raw_of(line: &[u8]) -> Value {
    static W: std::sync::OnceLock<Wanted> = std::sync::OnceLock::new();
    let want = W.get_or_init(|| {
        Wanted::new(&Projection {
            names: HashSet::new(),
            time: false,
            raw: true,
        })
    });
    match scan_line(line, want) {
        Scan::Event(ev) => ev.get("_raw").cloned(),
        Scan::Fallback => None,
    }
    .unwrap_or_else(|| Value::Str(crate::base::lossy_string(line)))
}

/// What scanning a line gave.
pub enum Scan {
    Event(Event),
    /// Read this line with the full reader.
    Fallback,
}

/// Builds the projected event of one NDJSON line (`_raw` and `_time` as the
/// full reader sets them, when wanted).
pub fn scan_line(line: &[u8], want: &Wanted) -> Scan {
    let mut ev = Event::with_capacity(want.keys.len().min(16));
    match scan_object(line, want, &mut ev) {
        Some(()) => {}
        None => return Scan::Fallback,
    }
    if want.raw && !ev.contains("_raw") {
        ev.set("_raw", Value::Str(crate::base::lossy_string(line)));
    }
    if want.time {
        crate::input::json::set_time(&mut ev);
    }
    Scan::Event(ev)
}

/// Nesting past which a line is left to the full reader (serde_json's own
/// limit is 128 levels; past it the line is malformed for both).
pub const MAX_SCAN_DEPTH: usize = 100;

fn scan_object(b: &[u8], want: &Wanted, ev: &mut Event) -> Option<()> {
    // Wanted keys met on this line: one met twice is left to the full
    // reader (its last value wins there).
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let mut i = ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return (ws(b, i + 1) == b.len()).then_some(());
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let kend = skip_string(b, i)?;
        let raw_key = &b[i + 1..kend - 1];
        // Keys with escapes are decoded; the rest are compared as bytes.
        let decoded = if memchr::memchr(b'\\', raw_key).is_some() {
            Some(key_text(&b[i..kend])?)
        } else {
            None
        };
        let key: &[u8] = decoded.as_ref().map_or(raw_key, |k| k.as_bytes());
        if key == b"result" || key == b"results" {
            // Maybe a Splunk export wrapper: the full reader decides.
            return None;
        }
        i = ws(b, kend);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = ws(b, i + 1);
        let vend = skip_value(b, i)?;
        if want.wants(key) {
            if seen.iter().any(|k| k == key) {
                return None;
            }
            seen.push(key.to_vec());
            take(std::str::from_utf8(key).ok()?, &b[i..vend], ev)?;
        }
        i = ws(b, vend);
        match b.get(i) {
            Some(b',') => i = ws(b, i + 1),
            Some(b'}') => break,
            _ => return None,
        }
    }
    (ws(b, i + 1) == b.len()).then_some(())
}

/// Adds the fields of one wanted key's value, flattened as the full reader does.
fn take(key: &str, v: &[u8], ev: &mut Event) -> Option<()> {
    let value = match v[0] {
        b'"' => Some(Value::Str(decode_string(v)?)),
        b'-' | b'0'..=b'9' if plain_integer(v) => {
            Some(Value::Str(std::str::from_utf8(v).ok()?.to_string()))
        }
        b'n' => None,
        b'{' | b'[' | b't' | b'f' | b'-' | b'0'..=b'9' => {
            let j = crate::input::json::parse_value(v).ok()?;
            let mut acc = indexmap::IndexMap::new();
            crate::input::json::flatten(key, &j, &mut acc);
            for (k, vals) in acc {
                for x in vals {
                    add(ev, &k, x);
                }
            }
            return Some(());
        }
        _ => return None,
    };
    if let Some(x) = value {
        add(ev, key, x);
    }
    Some(())
}

/// Sets a field, or appends to it (a name seen twice becomes a multivalue,
/// as when flattening gives the same dotted name twice).
fn add(ev: &mut Event, name: &str, x: Value) {
    match ev.remove(name) {
        None => ev.set(name, x),
        Some(prev) => {
            let mut vals = match prev {
                Value::Multi(v) => v,
                p => vec![p],
            };
            vals.push(x);
            ev.set(name, Value::multi(vals));
        }
    }
}

/// `0` or `-?[1-9][0-9]*` short enough to be an integer serde_json keeps exact.
fn plain_integer(v: &[u8]) -> bool {
    let d = v.strip_prefix(b"-").unwrap_or(v);
    !d.is_empty()
        && d.len() <= 18
        && d.iter().all(u8::is_ascii_digit)
        && (d == b"0" && v.len() == 1 || d[0] != b'0')
}

/// A key (with its quotes) → its text, borrowed when it has no escapes.
fn key_text(s: &[u8]) -> Option<Cow<'_, str>> {
    let inner = &s[1..s.len() - 1];
    if memchr::memchr(b'\\', inner).is_none() {
        return std::str::from_utf8(inner).ok().map(Cow::Borrowed);
    }
    serde_json::from_slice::<String>(s).ok().map(Cow::Owned)
}

/// A JSON string (with its quotes) → its text.
fn decode_string(s: &[u8]) -> Option<String> {
    let inner = &s[1..s.len() - 1];
    if memchr::memchr(b'\\', inner).is_none() {
        return Some(crate::base::lossy_string(inner));
    }
    serde_json::from_slice::<String>(s).ok()
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while let Some(c) = b.get(i) {
        if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            break;
        }
        i += 1;
    }
    i
}

/// The end (exclusive) of the string starting at `i` (its opening quote);
/// None when an escape is one serde_json refuses.
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let k = j + memchr::memchr2(b'"', b'\\', &b[j..])?;
        if b[k] == b'"' {
            return Some(k + 1);
        }
        j = escape_end(b, k)?;
    }
}

/// The end of the escape at `k` (its backslash), if serde_json takes it: a
/// one-letter escape, or `\u` and four hex digits that are not half of a
/// surrogate pair (a whole pair is two escapes).
fn escape_end(b: &[u8], k: usize) -> Option<usize> {
    match *b.get(k + 1)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(k + 2),
        b'u' => {
            let hex = |at: usize| -> Option<u16> {
                let h = std::str::from_utf8(b.get(at..at + 4)?).ok()?;
                if !h.bytes().all(|c| c.is_ascii_hexdigit()) {
                    return None;
                }
                u16::from_str_radix(h, 16).ok()
            };
            let u = hex(k + 2)?;
            match u {
                0xD800..=0xDBFF => {
                    if b.get(k + 6..k + 8)? != b"\\u" {
                        return None;
                    }
                    matches!(hex(k + 8)?, 0xDC00..=0xDFFF).then_some(k + 12)
                }
                0xDC00..=0xDFFF => None,
                _ => Some(k + 6),
            }
        }
        _ => None,
    }
}

/// Whether a token is a JSON number (`-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`).
fn json_number(t: &[u8]) -> bool {
    let mut i = usize::from(t.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let s = *i;
        while t.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - s
    };
    match t.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if t.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(t.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(t.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == t.len()
}

/// The end (exclusive) of the value starting at `i`, checked as serde_json
/// would check it (structure, strings, numbers), with an explicit stack.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    let mut stack: Vec<u8> = Vec::new();
    let mut j = i;
    'value: loop {
        match *b.get(j)? {
            b'"' => j = skip_string(b, j)?,
            c @ (b'{' | b'[') => {
                if stack.len() >= MAX_SCAN_DEPTH {
                    return None;
                }
                stack.push(c);
                j = ws(b, j + 1);
                let close = if c == b'{' { b'}' } else { b']' };
                if b.get(j) == Some(&close) {
                    stack.pop();
                    j += 1;
                } else {
                    if c == b'{' {
                        j = member_value(b, j)?;
                    }
                    continue 'value;
                }
            }
            _ => j = skip_scalar(b, j)?,
        }
        // After a value: the next element, or the ends of containers.
        loop {
            let Some(&top) = stack.last() else {
                return Some(j);
            };
            j = ws(b, j);
            match *b.get(j)? {
                b',' => {
                    j = ws(b, j + 1);
                    if top == b'{' {
                        j = member_value(b, j)?;
                    }
                    continue 'value;
                }
                b'}' if top == b'{' => {
                    stack.pop();
                    j += 1;
                }
                b']' if top == b'[' => {
                    stack.pop();
                    j += 1;
                }
                _ => return None,
            }
        }
    }
}

/// A member's key at `j` and its colon: where its value starts.
fn member_value(b: &[u8], j: usize) -> Option<usize> {
    if b.get(j) != Some(&b'"') {
        return None;
    }
    let k = ws(b, skip_string(b, j)?);
    (b.get(k) == Some(&b':')).then(|| ws(b, k + 1))
}

/// `true`, `false`, `null` or a number at `i`: its end.
fn skip_scalar(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    while let Some(c) = b.get(j) {
        if !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')) {
            break;
        }
        j += 1;
    }
    let tok = &b[i..j];
    (matches!(tok, b"true" | b"false" | b"null") || json_number(tok)).then_some(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(names: &[&str], time: bool, raw: bool) -> Wanted {
        Wanted::new(&Projection {
            names: names.iter().map(|s| s.to_string()).collect(),
            time,
            raw,
        })
    }

    fn full(line: &str) -> Event {
        crate::input::json::parse_line(line, &Default::default(), "x").unwrap()
    }

    fn scan(line: &str, w: &Wanted) -> Event {
        match scan_line(line.as_bytes(), w) {
            Scan::Event(e) => e,
            Scan::Fallback => panic!("fallback for {line}"),
        }
    }

    #[test]
    fn projected_fields_equal_the_full_reader() {
        let line = r#"{"EventID": 1, "Image": "C:\\Windows\\powershell.exe", "skip": {"a": [1, "x\"]"]}, "status": {"errorCode": 65004, "r": 1.50}, "tags": ["a", "b"], "n": -0.0, "t": true, "z": null, "u": "\u00e9"}"#;
        let w = wanted(
            &[
                "EventID",
                "Image",
                "status.errorCode",
                "tags{}",
                "n",
                "t",
                "z",
                "u",
            ],
            true,
            true,
        );
        let ev = scan(line, &w);
        let f = full(line);
        for n in [
            "EventID",
            "Image",
            "status.errorCode",
            "tags{}",
            "n",
            "t",
            "u",
            "_raw",
        ] {
            assert_eq!(ev.get(n), f.get(n), "{n}");
        }
        assert!(ev.get("z").is_none());
        assert!(ev.get("skip.a{}").is_none(), "not wanted, not decoded");
        assert_eq!(
            ev.get("Image").unwrap().as_text().unwrap(),
            "C:\\Windows\\powershell.exe"
        );
    }

    #[test]
    fn unusual_lines_fall_back() {
        let w = wanted(&["a"], false, false);
        for line in [
            r#"{"result": {"a": 1}}"#,
            r#"{"a": 1,}"#,
            r#"{"a" 1}"#,
            r#"[1, 2]"#,
            r#"{"a": 1} x"#,
            r#"{"a": [1, 2}"#,
            r#"{"a": "open}"#,
            r#"{"a": tru}"#,
        ] {
            assert!(
                matches!(scan_line(line.as_bytes(), &w), Scan::Fallback),
                "{line}"
            );
        }
    }

    #[test]
    fn time_only_when_wanted() {
        let line = r#"{"TimeCreated": "2021-04-27T04:07:34.160Z", "a": "1"}"#;
        let ev = scan(line, &wanted(&["a"], false, false));
        assert!(ev.get("_time").is_none() && ev.get("TimeCreated").is_none());
        let ev = scan(line, &wanted(&["a"], true, false));
        assert_eq!(ev.time(), full(line).time());
        assert!(ev.time().is_some());
    }
}
