//! Search-time knowledge: what Splunk's add-ons (props.conf/transforms.conf)
//! do to events, written as YAML stanzas. Loaded once, compiled once
//! (regexes, wildcards, eval expressions) here; applied to every event as it
//! is read by [`crate::input::knowledge`].
//!
//! A knowledge file holds a list of stanzas (or `stanzas: [...]`):
//!
//! ```yaml
//! - name: windows-json-envelope          # required, unique; a later stanza of the same name replaces it
//!   sourcetype: [windows:json]           # selectors: string or list, `*` wildcards, case-insensitive;
//!   source: "XmlWinEventLog:*"           # every selector given must match (sourcetype, source, host)
//!   timestamp: {field: "@timestamp", format: "%Y-%m-%dT%H:%M:%S.%3N%Z", zone: UTC}
//!   # or, from the raw text (TIME_PREFIX, TIME_FORMAT, MAX_TIMESTAMP_LOOKAHEAD):
//!   # timestamp: {prefix: 'msg=audit\(', format: '%s.%3N', lookahead: 20}
//!   rewrite: {source: '"XmlWinEventLog:" . Channel', host: Hostname}   # eval expressions
//!   kv_mode: json                        # json | xml | auto | none (for events read as raw text)
//!   extract:                             # on _raw, or on `in: field`; run in order
//!     - {regex: 'user=(?<user>\S+)', in: _raw}             # named groups of the first match
//!     - {regex: '(\w+)=(?:"([^"]*)"|(\S+))', format: '$1::$2$3'}   # every match: name::value
//!     - {delims: ",", fields: [future_use1, receive_time, serial]}  # positional (DELIMS/FIELDS)
//!   alias: {EventCode: EventID}          # new_name: existing_field (copies when it exists)
//!   eval: {dest: 'coalesce(dest, Computer)'}   # SPL eval; a list of maps = groups run in order
//!   lookup:                              # automatic lookups, table inline
//!     - {input: EventCode, output: [signature], table: {"4624": "An account was successfully logged on"}}
//! ```
//!
//! Order, per event (Splunk's): index time — `timestamp`, then `rewrite` of
//! `source`/`sourcetype`/`host` (stanzas matched on the metadata as read);
//! search time, stanzas matched again on the rewritten metadata — `kv_mode`
//! extraction, `extract` regexes, `alias`, `eval` (each group's expressions
//! all see the event as it was before the group, as Splunk's calculated
//! fields do, and a later stanza's value for the same field wins), then
//! `lookup`. Lookups from files and tags are not applied.
//!
//! `timestamp`: the time is read from `field` (`_raw` when only `prefix` is
//! given), after the first match of the `prefix` regex when there is one
//! (no match: no time), at most `lookahead` characters (default
//! [`DEFAULT_LOOKAHEAD`]), with the strptime `format` (auto-detected
//! without one; required with `prefix`) in `zone` (default UTC) unless the
//! text names its zone. A format without a year or a date takes them from
//! the reading clock (`--now`, else the wall clock), a year earlier when
//! that would put the time more than two days ahead (Splunk's
//! `MAX_DAYS_HENCE`).
//!
//! `extract` items, each on `in` (default `_raw`), in order (an item may
//! read a field an earlier one set): `regex` alone sets each non-empty named
//! group of the first match (props.conf `EXTRACT-`). `regex` with `format:
//! 'name::value'` (transforms.conf `REGEX` + `FORMAT`) sets, for every
//! match, the field the name half expands to to what the value half
//! expands to; `$n` is capture group n (empty when it did not take part);
//! names are cleaned as Splunk's `CLEAN_KEYS` does (`clean_keys: false`
//! keeps them), names starting with `_` and empty values are skipped; a
//! name seen again keeps its first value unless `mv_add: true` (then a
//! multivalue). `delims` (transforms.conf `DELIMS` + `FIELDS`): the text
//! split at any of the `delims` characters, the n-th value to the n-th name
//! of `fields` (an empty name skips a position; extra values are ignored;
//! empty values are not set); a value that starts with `"` runs to its
//! closing quote, may hold delimiters, `""` in it is one `"`, and is given
//! without the quotes; every delimiter separates (two spaces in a row give
//! an empty value). Limits, each an error naming the file and line: at
//! most [`MAX_DELIM_FIELDS`] `fields`, [`MAX_REGEX_LEN`] characters in a
//! regex, a `lookahead` of [`MAX_LOOKAHEAD`].
//!
//! Errors name the file and line: malformed YAML at its line and column, a
//! stanza that does not compile at the line of the wrong value (the item,
//! in a list) or of the stanza.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

mod extract;
mod plan;
pub(crate) mod specialise;

pub use extract::{clean_key, split_delimited, MAX_DELIM_FIELDS, MAX_REGEX_LEN};
pub(crate) use extract::{Extract, ExtractKind};

use indexmap::IndexMap;
use regex::Regex;

use crate::base::diag::{ErrorKind, Result, SplError};
use crate::eval::Compiled;

/// The packs we ship (`rules/knowledge/*.yml`), compiled into the binary.
pub const SHIPPED: &[(&str, &str)] = &[
    // windows_json first: its aliases (EventCode, Computer, …) feed windows.yml's.
    (
        "windows_json.yml",
        include_str!("../../../rules/knowledge/windows_json.yml"),
    ),
    (
        "windows.yml",
        include_str!("../../../rules/knowledge/windows.yml"),
    ),
    (
        "aws_cloudtrail.yml",
        include_str!("../../../rules/knowledge/aws_cloudtrail.yml"),
    ),
    (
        "o365.yml",
        include_str!("../../../rules/knowledge/o365.yml"),
    ),
    (
        "azure_aad.yml",
        include_str!("../../../rules/knowledge/azure_aad.yml"),
    ),
    (
        "crowdstrike.yml",
        include_str!("../../../rules/knowledge/crowdstrike.yml"),
    ),
    (
        "suricata.yml",
        include_str!("../../../rules/knowledge/suricata.yml"),
    ),
    (
        "splunk_stream.yml",
        include_str!("../../../rules/knowledge/splunk_stream.yml"),
    ),
    (
        "defender_advanced_hunting.yml",
        include_str!("../../../rules/knowledge/defender_advanced_hunting.yml"),
    ),
    (
        "windows_text.yml",
        include_str!("../../../rules/knowledge/windows_text.yml"),
    ),
    (
        "linux_auditd.yml",
        include_str!("../../../rules/knowledge/linux_auditd.yml"),
    ),
    (
        "linux_secure.yml",
        include_str!("../../../rules/knowledge/linux_secure.yml"),
    ),
    (
        "paloalto.yml",
        include_str!("../../../rules/knowledge/paloalto.yml"),
    ),
    (
        "nginx.yml",
        include_str!("../../../rules/knowledge/nginx.yml"),
    ),
    (
        "aws_text.yml",
        include_str!("../../../rules/knowledge/aws_text.yml"),
    ),
    (
        "text_misc.yml",
        include_str!("../../../rules/knowledge/text_misc.yml"),
    ),
];

/// Search-time knowledge: compiled stanzas in load order.
#[derive(Debug, Default)]
pub struct Knowledge {
    pub(crate) stanzas: Vec<Stanza>,
    /// Evals specialised per value of their key field, made as events need them.
    pub(crate) specialised: specialise::Specialised,
}

#[derive(Debug, Clone)]
pub(crate) struct Stanza {
    pub(crate) name: String,
    /// Where it was written (file), for `--explain-fields` and errors.
    pub(crate) file: String,
    pub(crate) sourcetype: Vec<Pat>,
    pub(crate) source: Vec<Pat>,
    pub(crate) host: Vec<Pat>,
    pub(crate) timestamp: Option<TimeRule>,
    pub(crate) rewrite: Vec<(String, Arc<Compiled>)>,
    pub(crate) kv_mode: Option<KvMode>,
    pub(crate) extract: Vec<Extract>,
    pub(crate) alias: Vec<(String, String)>,
    pub(crate) eval: Vec<Vec<(String, Arc<Compiled>)>>,
    pub(crate) lookup: Vec<Lookup>,
    /// A rule reads `_raw` (see [`Stanza::reading_raw`]).
    pub(crate) reads_raw: bool,
}

/// An automatic lookup with its table inline: the value of `input` looked up
/// in `table` sets each `output` field.
#[derive(Debug, Clone)]
pub(crate) struct Lookup {
    pub(crate) input: String,
    pub(crate) output: Vec<String>,
    pub(crate) table: Arc<HashMap<String, String>>,
}

#[derive(Debug, Clone)]
pub(crate) enum Pat {
    Exact(String),
    /// The pattern as a regex, and its text before the first `*` (lower-cased).
    Wild(Regex, String),
}

impl Pat {
    fn new(p: &str) -> std::result::Result<Pat, String> {
        if p.contains('*') {
            let mut re = String::from("(?is)^");
            for (n, part) in p.split('*').enumerate() {
                if n > 0 {
                    re.push_str(".*");
                }
                re.push_str(&regex::escape(part));
            }
            re.push('$');
            let head = p.split('*').next().unwrap_or("").to_lowercase();
            Regex::new(&re)
                .map(|re| Pat::Wild(re, head))
                .map_err(|e| format!("bad pattern {p:?}: {e}"))
        } else {
            Ok(Pat::Exact(p.to_lowercase()))
        }
    }
    fn matches(&self, v: &str) -> bool {
        match self {
            Pat::Exact(s) => v.eq_ignore_ascii_case(s),
            Pat::Wild(re, _) => re.is_match(v),
        }
    }

    /// Whether some value may match both (two wildcards do unless their
    /// texts before the first `*` differ).
    pub(crate) fn overlaps(&self, other: &Pat) -> bool {
        match (self, other) {
            (Pat::Exact(a), Pat::Exact(b)) => a == b,
            (Pat::Exact(a), w @ Pat::Wild(..)) | (w @ Pat::Wild(..), Pat::Exact(a)) => w.matches(a),
            (Pat::Wild(_, a), Pat::Wild(_, b)) => {
                a.starts_with(b.as_str()) || b.starts_with(a.as_str())
            }
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TimeRule {
    pub(crate) field: String,
    /// Splunk's `TIME_PREFIX`: the time is read right after its first match.
    pub(crate) prefix: Option<Arc<fancy_regex::Regex>>,
    pub(crate) format: Option<String>,
    pub(crate) zone: chrono_tz::Tz,
    /// Splunk's `MAX_TIMESTAMP_LOOKAHEAD`: characters read (after the prefix).
    pub(crate) lookahead: usize,
}

/// The default and the largest `lookahead` of a timestamp.
pub const DEFAULT_LOOKAHEAD: usize = 128;
pub const MAX_LOOKAHEAD: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KvMode {
    Json,
    Xml,
    Auto,
    None,
}

impl Knowledge {
    pub fn empty() -> Knowledge {
        Knowledge::default()
    }

    /// The shipped packs (loaded and compiled once).
    pub fn shipped() -> &'static Knowledge {
        static K: OnceLock<Knowledge> = OnceLock::new();
        K.get_or_init(|| {
            let mut k = Knowledge::empty();
            for (name, text) in SHIPPED {
                k.add_text(&format!("rules/knowledge/{name}"), text)
                    .unwrap_or_else(|e| panic!("shipped knowledge {name}: {}", e.msg));
            }
            k
        })
    }

    /// The shipped packs, then each folder's `*.yml` in order (a file named
    /// like a shipped pack replaces it; a stanza named like an earlier one
    /// replaces it; otherwise later stanzas apply after earlier ones, so
    /// their values win).
    pub fn load(dirs: &[PathBuf]) -> Result<Knowledge> {
        let mut files: IndexMap<String, (String, String)> = SHIPPED
            .iter()
            .map(|(n, t)| {
                (
                    n.to_string(),
                    (format!("rules/knowledge/{n}"), t.to_string()),
                )
            })
            .collect();
        let mut extra: Vec<(String, String)> = Vec::new();
        for d in dirs {
            if !d.is_dir() {
                return Err(SplError::new(
                    ErrorKind::Rule,
                    format!("knowledge folder {} does not exist", d.display()),
                ));
            }
            for f in super::yaml_files(d, "knowledge")? {
                let text = std::fs::read_to_string(&f).map_err(|e| {
                    SplError::new(
                        ErrorKind::Rule,
                        format!("cannot read knowledge file {}: {e}", f.display()),
                    )
                })?;
                let fname = f
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let label = f.display().to_string();
                if let Some(slot) = files.get_mut(&fname) {
                    if slot.0.starts_with("rules/knowledge/") {
                        *slot = (label, text);
                        continue;
                    }
                }
                extra.push((label, text));
            }
        }
        let mut k = Knowledge::empty();
        for (_, (label, text)) in files {
            k.add_text(&label, &text)?;
        }
        for (label, text) in extra {
            k.add_text(&label, &text)?;
        }
        Ok(k)
    }

    /// Adds the stanzas of one YAML text (`file` labels errors and traces).
    /// Malformed YAML is reported at its line and column; a stanza that
    /// does not compile at the line of the value that is wrong (or of the
    /// stanza).
    pub fn add_text(&mut self, file: &str, text: &str) -> Result<()> {
        let yaml_err = |e: serde_saphyr::Error| {
            SplError::new(
                ErrorKind::Rule,
                format!(
                    "malformed knowledge file {file}: {}",
                    crate::base::diag::yaml_message(&e, Path::new(file))
                ),
            )
        };
        let doc: serde_json::Value = serde_saphyr::from_str(text).map_err(yaml_err)?;
        let list: Vec<SpannedStanza> = match &doc {
            serde_json::Value::Array(_) => serde_saphyr::from_str(text).map_err(yaml_err)?,
            serde_json::Value::Object(o)
                if matches!(o.get("stanzas"), Some(serde_json::Value::Array(_))) =>
            {
                serde_saphyr::from_str::<StanzasDoc>(text)
                    .map_err(yaml_err)?
                    .stanzas
            }
            serde_json::Value::Null => Vec::new(),
            _ => {
                return Err(error_at(
                    file,
                    text,
                    1,
                    "expected a list of stanzas or `stanzas:`".into(),
                ))
            }
        };
        for (i, s) in list.iter().enumerate() {
            let obj: serde_json::Map<String, serde_json::Value> = s
                .value
                .iter()
                .map(|(k, v)| (k.clone(), v.value.value()))
                .collect();
            let st = compile_stanza(&obj, file).map_err(|e| {
                let at = e.key.as_ref().and_then(|k| s.value.get(k));
                let line = match (at, e.item) {
                    (Some(v), Some(n)) => v.value.item_line(n).unwrap_or(v.referenced.line()),
                    (Some(v), None) => v.referenced.line(),
                    (None, _) => s.referenced.line(),
                };
                let who = match obj.get("name") {
                    Some(serde_json::Value::String(n)) => format!("stanza `{n}`"),
                    _ => format!("stanza {}", i + 1),
                };
                error_at(file, text, line as usize, format!("{who}: {}", e.msg))
            })?;
            self.specialised = Default::default();
            if let Some(old) = self.stanzas.iter_mut().find(|x| x.name == st.name) {
                *old = st;
            } else {
                self.stanzas.push(st);
            }
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.stanzas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stanzas.is_empty()
    }
}

impl Stanza {
    pub(crate) fn matches(&self, st: &str, src: &str, host: &str) -> bool {
        let sel = |pats: &[Pat], v: &str| pats.is_empty() || pats.iter().any(|p| p.matches(v));
        sel(&self.sourcetype, st) && sel(&self.source, src) && sel(&self.host, host)
    }
    /// Whether one of its rules reads `_raw` (or may read any field): an
    /// event it matches needs `_raw` even when the search does not read it.
    pub(crate) fn reading_raw(&self) -> bool {
        let raw = |f: &str| f == "_raw";
        let mut reads = Vec::new();
        self.rewrite.iter().any(|(_, c)| {
            reads.clear();
            !c.read_fields(&mut reads) || reads.iter().any(|f| raw(f))
        }) || self.timestamp.as_ref().is_some_and(|t| raw(&t.field))
            || self.extract.iter().any(|x| raw(&x.input))
            || self.alias.iter().any(|(_, from)| raw(from))
            || self.lookup.iter().any(|l| raw(&l.input))
            || self.eval.iter().flatten().any(|(_, c)| {
                reads.clear();
                !c.read_fields(&mut reads) || reads.iter().any(|f| raw(f))
            })
    }

    pub(crate) fn label(&self) -> String {
        let file = Path::new(&self.file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.file.clone());
        format!("{file} [{}]", self.name)
    }
}

pub(crate) fn strings(
    v: Option<&serde_json::Value>,
    key: &str,
) -> std::result::Result<Vec<String>, String> {
    match v {
        None | Some(serde_json::Value::Null) => Ok(Vec::new()),
        Some(serde_json::Value::String(s)) => Ok(vec![s.clone()]),
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .map(|x| match x {
                serde_json::Value::String(s) => Ok(s.clone()),
                other => Ok(other.to_string()),
            })
            .collect(),
        Some(other) => Err(format!("`{key}` must be a string or a list, not {other}")),
    }
}

pub(crate) fn text_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn compile_map(
    v: &serde_json::Value,
    key: &str,
) -> std::result::Result<Vec<(String, Arc<Compiled>)>, String> {
    let serde_json::Value::Object(o) = v else {
        return Err(format!("`{key}` must be a map of field: expression"));
    };
    o.iter()
        .map(|(f, e)| {
            crate::eval::compile_text(&text_of(e))
                .map(|c| (f.clone(), Arc::new(c)))
                .map_err(|m| format!("{key} {f}: {m}"))
        })
        .collect()
}

/// A stanza as written: its keys with where each value starts.
type SpannedStanza = serde_saphyr::Spanned<BTreeMap<String, serde_saphyr::Spanned<Node>>>;

/// A stanza's value as written; a list keeps where each of its items starts.
enum Node {
    List(Vec<serde_saphyr::Spanned<serde_json::Value>>),
    One(serde_json::Value),
}

impl Node {
    fn value(&self) -> serde_json::Value {
        match self {
            Node::List(items) => {
                serde_json::Value::Array(items.iter().map(|i| i.value.clone()).collect())
            }
            Node::One(v) => v.clone(),
        }
    }
    fn item_line(&self, n: usize) -> Option<u64> {
        match self {
            Node::List(items) => items.get(n).map(|i| i.referenced.line()),
            Node::One(_) => None,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Node, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a YAML value")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(i) = seq.next_element()? {
                    items.push(i);
                }
                Ok(Node::List(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<Node, A::Error> {
                use serde::Deserialize;
                serde_json::Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Node::One)
            }
            fn visit_bool<E>(self, v: bool) -> std::result::Result<Node, E> {
                Ok(Node::One(serde_json::Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Node, E> {
                Ok(Node::One(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<Node, E> {
                Ok(Node::One(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Node, E> {
                Ok(Node::One(
                    serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into),
                ))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Node, E> {
                Ok(Node::One(v.into()))
            }
            fn visit_unit<E>(self) -> std::result::Result<Node, E> {
                Ok(Node::One(serde_json::Value::Null))
            }
            fn visit_none<E>(self) -> std::result::Result<Node, E> {
                Ok(Node::One(serde_json::Value::Null))
            }
            fn visit_some<D2: serde::Deserializer<'de>>(
                self,
                d: D2,
            ) -> std::result::Result<Node, D2::Error> {
                serde::Deserialize::deserialize(d)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(serde::Deserialize)]
struct StanzasDoc {
    stanzas: Vec<SpannedStanza>,
}

/// An error at `line` of a knowledge file, with that line shown.
fn error_at(file: &str, text: &str, line: usize, msg: String) -> SplError {
    let e = SplError::new(ErrorKind::Rule, format!("{file}:{line}: {msg}"));
    let mut start = 0;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        if n + 1 == line {
            let len = l.trim_end_matches(['\r', '\n']).len();
            return e
                .with_source(file, text.to_string())
                .at(crate::base::span::Span::new(start, start + len))
                .with_label("here");
        }
        start += l.len();
    }
    e
}

/// Why a stanza does not compile: the key whose value is wrong and, in a
/// list, which item (from 0).
pub(crate) struct StanzaError {
    pub(crate) key: Option<String>,
    pub(crate) item: Option<usize>,
    pub(crate) msg: String,
}

fn bad(key: &str, msg: impl Into<String>) -> StanzaError {
    StanzaError {
        key: Some(key.to_string()),
        item: None,
        msg: msg.into(),
    }
}

fn bad_item(key: &str, n: usize, msg: impl Into<String>) -> StanzaError {
    StanzaError {
        item: Some(n),
        ..bad(key, msg)
    }
}

fn compile_timestamp(t: &serde_json::Value) -> std::result::Result<TimeRule, String> {
    let serde_json::Value::Object(t) = t else {
        return Err("`timestamp` must be a map (field, prefix, format, lookahead, zone)".into());
    };
    const KEYS: &[&str] = &["field", "prefix", "format", "lookahead", "zone"];
    if let Some(k) = t.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!(
            "unknown timestamp key `{k}` (known: {})",
            KEYS.join(", ")
        ));
    }
    let prefix = match t.get("prefix") {
        None => None,
        Some(p) => {
            let p = text_of(p);
            if p.chars().count() > MAX_REGEX_LEN {
                return Err(format!(
                    "timestamp prefix is {} characters long; at most {MAX_REGEX_LEN}",
                    p.chars().count()
                ));
            }
            Some(crate::base::regex_util::compile(&p)?)
        }
    };
    let field = match (t.get("field"), &prefix) {
        (Some(f), _) => text_of(f),
        (None, Some(_)) => "_raw".to_string(),
        (None, None) => return Err("timestamp needs `field` (or `prefix`, on _raw)".into()),
    };
    let format = t.get("format").map(text_of);
    if prefix.is_some() && format.is_none() {
        return Err("a timestamp with `prefix` needs `format`".into());
    }
    let lookahead = match t.get("lookahead") {
        None => DEFAULT_LOOKAHEAD,
        Some(v) => match v.as_u64() {
            Some(n) if (1..=MAX_LOOKAHEAD as u64).contains(&n) => n as usize,
            _ => {
                return Err(format!(
                "timestamp lookahead {v} must be a number of characters from 1 to {MAX_LOOKAHEAD}"
            ))
            }
        },
    };
    let zone = match t.get("zone") {
        Some(z) => crate::time::parse_tz(&text_of(z))?,
        None => chrono_tz::UTC,
    };
    Ok(TimeRule {
        field,
        prefix,
        format,
        zone,
        lookahead,
    })
}

/// The items of a key that takes one item or a list of them.
fn items(v: Option<&serde_json::Value>) -> Vec<serde_json::Value> {
    match v {
        None => Vec::new(),
        Some(serde_json::Value::Array(a)) => a.clone(),
        Some(x) => vec![x.clone()],
    }
}

pub(crate) fn compile_stanza(
    o: &serde_json::Map<String, serde_json::Value>,
    file: &str,
) -> std::result::Result<Stanza, StanzaError> {
    const KEYS: &[&str] = &[
        "name",
        "description",
        "sourcetype",
        "source",
        "host",
        "timestamp",
        "rewrite",
        "kv_mode",
        "extract",
        "alias",
        "eval",
        "lookup",
    ];
    if let Some(k) = o.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(bad(
            k,
            format!("unknown key `{k}` (known: {})", KEYS.join(", ")),
        ));
    }
    let name = match o.get("name") {
        Some(serde_json::Value::String(s)) => s.clone(),
        _ => {
            return Err(StanzaError {
                key: None,
                item: None,
                msg: "`name` is required".into(),
            })
        }
    };
    let pats = |key: &str| -> std::result::Result<Vec<Pat>, StanzaError> {
        strings(o.get(key), key)
            .map_err(|m| bad(key, m))?
            .iter()
            .map(|p| Pat::new(p).map_err(|m| bad(key, m)))
            .collect()
    };
    let (sourcetype, source, host) = (pats("sourcetype")?, pats("source")?, pats("host")?);
    if sourcetype.is_empty() && source.is_empty() && host.is_empty() {
        return Err(bad(
            "name",
            "give `sourcetype`, `source` or `host` to match",
        ));
    }
    let timestamp = match o.get("timestamp") {
        None => None,
        Some(t) => Some(compile_timestamp(t).map_err(|m| bad("timestamp", m))?),
    };
    let rewrite = match o.get("rewrite") {
        None => Vec::new(),
        Some(v) => {
            let r = compile_map(v, "rewrite").map_err(|m| bad("rewrite", m))?;
            if let Some((f, _)) = r
                .iter()
                .find(|(f, _)| !matches!(f.as_str(), "source" | "sourcetype" | "host" | "index"))
            {
                return Err(bad(
                    "rewrite",
                    format!("rewrite sets only source, sourcetype, host, index, not {f}"),
                ));
            }
            r
        }
    };
    let kv_mode = match o.get("kv_mode").map(text_of).as_deref() {
        None => None,
        Some("json") => Some(KvMode::Json),
        Some("xml") => Some(KvMode::Xml),
        Some("auto") => Some(KvMode::Auto),
        Some("none") => Some(KvMode::None),
        Some(other) => {
            return Err(bad(
                "kv_mode",
                format!("kv_mode {other:?}: expected json, xml, auto or none"),
            ))
        }
    };
    let extract = items(o.get("extract"))
        .iter()
        .enumerate()
        .map(|(n, x)| {
            extract::compile(x)
                .map_err(|m| bad_item("extract", n, format!("extract item {}: {m}", n + 1)))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let alias = match o.get("alias") {
        None => Vec::new(),
        Some(serde_json::Value::Object(m)) => {
            m.iter().map(|(k, v)| (k.clone(), text_of(v))).collect()
        }
        Some(_) => return Err(bad("alias", "`alias` must be a map of new_name: field")),
    };
    let eval = match o.get("eval") {
        None => Vec::new(),
        Some(serde_json::Value::Array(groups)) => groups
            .iter()
            .enumerate()
            .map(|(n, g)| compile_map(g, "eval").map_err(|m| bad_item("eval", n, m)))
            .collect::<std::result::Result<_, _>>()?,
        Some(m) => vec![compile_map(m, "eval").map_err(|m| bad("eval", m))?],
    };
    let mut lookup = Vec::new();
    for (n, x) in items(o.get("lookup")).iter().enumerate() {
        let bad = |m: &str| bad_item("lookup", n, m);
        let serde_json::Value::Object(m) = x else {
            return Err(bad("lookup items are {input, output, table}"));
        };
        let input = m
            .get("input")
            .map(text_of)
            .ok_or_else(|| bad("lookup needs `input`"))?;
        let output = strings(m.get("output"), "output").map_err(|m| bad(&m))?;
        if output.is_empty() {
            return Err(bad("lookup needs `output`"));
        }
        let Some(serde_json::Value::Object(t)) = m.get("table") else {
            return Err(bad(
                "lookup needs `table` (a map of input value: output value)",
            ));
        };
        let table = Arc::new(t.iter().map(|(k, v)| (k.clone(), text_of(v))).collect());
        lookup.push(Lookup {
            input,
            output,
            table,
        });
    }
    let mut st = Stanza {
        name,
        lookup,
        file: file.to_string(),
        sourcetype,
        source,
        host,
        timestamp,
        rewrite,
        kv_mode,
        extract,
        alias,
        eval,
        reads_raw: false,
    };
    st.reads_raw = st.reading_raw();
    Ok(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_stanzas_are_errors() {
        let mut k = Knowledge::empty();
        assert!(k.add_text("t.yml", "- {name: a}").is_err());
        assert!(k
            .add_text("t.yml", "- {name: a, sourcetype: x, eval: {y: 'foo('}}")
            .is_err());
        assert!(k
            .add_text("t.yml", "- {name: a, sourcetype: x, typo: 1}")
            .is_err());
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let msg = |text: &str| {
            Knowledge::empty()
                .add_text("k.yml", text)
                .unwrap_err()
                .msg
                .clone()
        };
        let m = msg("- name: a\n  sourcetype: x\n  extract:\n    - '(?<a>x)'\n    - {delims: ',', fields: []}\n");
        assert!(m.starts_with("k.yml:5: stanza `a`: extract item 2:"), "{m}");
        let m = msg("stanzas:\n  - name: a\n    sourcetype: x\n  - name: b\n    sourcetype: z\n    lookup: {input: x}\n");
        assert!(
            m.starts_with("k.yml:6: stanza `b`: lookup needs `output`"),
            "{m}"
        );
        let m = msg("- name: a\n  sourcetype: x\n  eval:\n    - {a: '1'}\n    - {b: 'foo('}\n");
        assert!(m.starts_with("k.yml:5: stanza `a`: eval b:"), "{m}");
        let m = msg(
            "- name: a\n  sourcetype: x\n  timestamp: {prefix: 'x', format: '%s', lookahead: 0}\n",
        );
        assert!(
            m.starts_with("k.yml:3: stanza `a`: timestamp lookahead 0"),
            "{m}"
        );
        let m = msg("- sourcetype: x\n");
        assert!(
            m.starts_with("k.yml:1: stanza 1: `name` is required"),
            "{m}"
        );
        let m = msg("- name: a\n  sourcetype: [x\n");
        assert!(m.contains("k.yml:2:15"), "{m}");
        let m = msg("just text\n");
        assert!(m.starts_with("k.yml:1: expected a list of stanzas"), "{m}");
        let m = msg("- name: a\n  sourcetype: x\n  timestamp: {format: '%s'}\n");
        assert!(m.contains("needs `field`"), "{m}");
    }

    #[test]
    fn shipped_packs_load() {
        assert!(Knowledge::shipped().len() >= 5);
    }

    #[test]
    fn every_pack_file_is_shipped() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/knowledge");
        for f in crate::content::yaml_files(&dir, "knowledge").unwrap() {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                SHIPPED.iter().any(|(n, _)| *n == name),
                "rules/knowledge/{name} is not in knowledge::SHIPPED"
            );
        }
    }
}
