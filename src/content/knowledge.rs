//! Search-time knowledge: what Splunk's add-ons (props.conf/transforms.conf)
//! do to events, written as YAML stanzas. Loaded once, compiled once
//! (regexes, wildcards, eval expressions), then applied to every event as it
//! is read.
//!
//! A knowledge file holds a list of stanzas (or `stanzas: [...]`):
//!
//! ```yaml
//! - name: windows-json-envelope          # required, unique; a later stanza of the same name replaces it
//!   sourcetype: [windows:json]           # selectors: string or list, `*` wildcards, case-insensitive;
//!   source: "XmlWinEventLog:*"           # every selector given must match (sourcetype, source, host)
//!   timestamp: {field: "@timestamp", format: "%Y-%m-%dT%H:%M:%S.%3N%Z", zone: UTC}
//!   rewrite: {source: '"XmlWinEventLog:" . Channel', host: Hostname}   # eval expressions
//!   kv_mode: json                        # json | xml | auto | none (for events read as raw text)
//!   extract:                             # regexes with named groups, on _raw or `in: field`
//!     - {regex: 'user=(?<user>\S+)', in: _raw}
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

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use indexmap::IndexMap;
use regex::Regex;

use crate::base::diag::{ErrorKind, Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::eval::{self, Compiled};
use crate::functions::FnCtx;

/// The packs we ship (`rules/knowledge/*.yml`), compiled into the binary.
pub const SHIPPED: &[(&str, &str)] = &[
    // windows_json first: its aliases (EventCode, Computer, …) feed windows.yml's.
    (
        "windows_json.yml",
        include_str!("../../rules/knowledge/windows_json.yml"),
    ),
    (
        "windows.yml",
        include_str!("../../rules/knowledge/windows.yml"),
    ),
    (
        "aws_cloudtrail.yml",
        include_str!("../../rules/knowledge/aws_cloudtrail.yml"),
    ),
    ("o365.yml", include_str!("../../rules/knowledge/o365.yml")),
    (
        "azure_aad.yml",
        include_str!("../../rules/knowledge/azure_aad.yml"),
    ),
];

/// Search-time knowledge: compiled stanzas in load order.
#[derive(Debug, Default)]
pub struct Knowledge {
    stanzas: Vec<Stanza>,
}

#[derive(Debug)]
struct Stanza {
    name: String,
    /// Where it was written (file), for `--explain-fields` and errors.
    file: String,
    sourcetype: Vec<Pat>,
    source: Vec<Pat>,
    host: Vec<Pat>,
    timestamp: Option<TimeRule>,
    rewrite: Vec<(String, Compiled)>,
    kv_mode: Option<KvMode>,
    extract: Vec<Extract>,
    alias: Vec<(String, String)>,
    eval: Vec<Vec<(String, Compiled)>>,
    lookup: Vec<Lookup>,
}

/// An automatic lookup with its table inline: the value of `input` looked up
/// in `table` sets each `output` field.
#[derive(Debug)]
struct Lookup {
    input: String,
    output: Vec<String>,
    table: HashMap<String, String>,
}

#[derive(Debug)]
enum Pat {
    Exact(String),
    Wild(Regex),
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
            Regex::new(&re)
                .map(Pat::Wild)
                .map_err(|e| format!("bad pattern {p:?}: {e}"))
        } else {
            Ok(Pat::Exact(p.to_lowercase()))
        }
    }
    fn matches(&self, v: &str) -> bool {
        match self {
            Pat::Exact(s) => v.eq_ignore_ascii_case(s),
            Pat::Wild(re) => re.is_match(v),
        }
    }
}

#[derive(Debug)]
struct TimeRule {
    field: String,
    format: Option<String>,
    zone: chrono_tz::Tz,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KvMode {
    Json,
    Xml,
    Auto,
    None,
}

#[derive(Debug)]
struct Extract {
    regex: Arc<fancy_regex::Regex>,
    input: String,
    names: Vec<String>,
}

/// (sourcetype, source, host).
type MetaKey = (String, String, String);

/// Per-reader caches (which stanzas match which metadata).
#[derive(Default)]
pub struct State {
    cache: HashMap<MetaKey, Arc<[usize]>>,
    /// The few most recent keys (an event is matched before and after its
    /// metadata rewrite), checked before the map.
    recent: Vec<(MetaKey, Arc<[usize]>)>,
}

/// What produced each field, for `--explain-fields`.
pub type Trace = Vec<(String, String)>;

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
            for f in yaml_files(d)? {
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
    pub fn add_text(&mut self, file: &str, text: &str) -> Result<()> {
        let err = |msg: String| SplError::new(ErrorKind::Rule, format!("{file}: {msg}"));
        let doc: serde_json::Value =
            serde_saphyr::from_str(text).map_err(|e| err(format!("malformed YAML: {e}")))?;
        let list = match &doc {
            serde_json::Value::Array(a) => a.clone(),
            serde_json::Value::Object(o) => match o.get("stanzas") {
                Some(serde_json::Value::Array(a)) => a.clone(),
                _ => return Err(err("expected a list of stanzas or `stanzas:`".into())),
            },
            serde_json::Value::Null => Vec::new(),
            _ => return Err(err("expected a list of stanzas".into())),
        };
        for (i, s) in list.iter().enumerate() {
            let st = compile_stanza(s, file).map_err(|m| err(format!("stanza {}: {m}", i + 1)))?;
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

    /// Every field some stanza may set (whatever its selectors), `_time` included
    /// when a stanza reads timestamps; `_raw`-derived extraction (`kv_mode`)
    /// applies only to events read as raw text.
    pub fn written_fields(&self) -> std::collections::HashSet<String> {
        let mut out = std::collections::HashSet::new();
        for s in &self.stanzas {
            if s.timestamp.is_some() {
                out.insert("_time".to_string());
            }
            out.extend(s.rewrite.iter().map(|(f, _)| f.clone()));
            out.extend(s.extract.iter().flat_map(|x| x.names.iter().cloned()));
            out.extend(s.alias.iter().map(|(to, _)| to.clone()));
            out.extend(s.eval.iter().flatten().map(|(f, _)| f.clone()));
            out.extend(s.lookup.iter().flat_map(|l| l.output.iter().cloned()));
        }
        out
    }

    pub fn state(&self) -> State {
        State::default()
    }

    /// Applies the knowledge to one event (see the module docs for the order).
    pub fn apply(&self, ev: &mut Event, raw_only: bool, state: &mut State) {
        self.apply_traced(ev, raw_only, state, None);
    }

    /// [`Knowledge::apply`], recording which rule set each field.
    pub fn apply_traced(
        &self,
        ev: &mut Event,
        raw_only: bool,
        state: &mut State,
        mut trace: Option<&mut Trace>,
    ) {
        if self.stanzas.is_empty() {
            if raw_only {
                kv_extract(ev, KvMode::Auto, &mut trace, "kv_mode auto (default)");
            }
            return;
        }
        let ctx = FnCtx::default();
        // Index time: timestamp, then metadata rewrites.
        let first = self.matching(ev, state);
        for &i in first.iter() {
            let s = &self.stanzas[i];
            if let Some(tr) = &s.timestamp {
                if let Some(t) = ev
                    .get(&tr.field)
                    .and_then(|v| v.as_text())
                    .and_then(|t| match &tr.format {
                        Some(f) => crate::time::strptime(&t, f, tr.zone),
                        None => crate::time::parse_timestamp(&t),
                    })
                {
                    ev.set("_time", Value::Num(t));
                    ev.orig_time = t;
                    note(&mut trace, "_time", || {
                        format!("{}: timestamp from {}", s.label(), tr.field)
                    });
                }
            }
        }
        let mut rewritten = false;
        for &i in first.iter() {
            let s = &self.stanzas[i];
            if s.rewrite.is_empty() {
                continue;
            }
            let vals: Vec<Option<Value>> = s
                .rewrite
                .iter()
                .map(|(_, c)| eval::eval(c, ev, &ctx).ok().filter(|v| !v.is_null()))
                .collect();
            for ((field, _), v) in s.rewrite.iter().zip(vals) {
                if let Some(v) = v {
                    let v = Value::Str(v.to_display("\n"));
                    if ev.get(field) != Some(&v) {
                        rewritten = true;
                    }
                    ev.set(field.clone(), v);
                    note(&mut trace, field, || {
                        format!("{}: rewrite {field}", s.label())
                    });
                }
            }
        }
        let matched = if rewritten {
            self.matching(ev, state)
        } else {
            first
        };
        // Search time.
        if raw_only {
            let mode = matched
                .iter()
                .filter_map(|&i| self.stanzas[i].kv_mode.map(|m| (i, m)))
                .next_back();
            let (label, mode) = match mode {
                Some((i, m)) => (format!("{}: kv_mode", self.stanzas[i].label()), m),
                None => ("kv_mode auto (default)".to_string(), KvMode::Auto),
            };
            kv_extract(ev, mode, &mut trace, &label);
        }
        for &i in matched.iter() {
            let s = &self.stanzas[i];
            for x in &s.extract {
                let Some(text) = ev
                    .get(&x.input)
                    .and_then(|v| v.as_text())
                    .map(|c| c.into_owned())
                else {
                    continue;
                };
                if let Ok(Some(caps)) = x.regex.captures(&text) {
                    for n in &x.names {
                        if let Some(m) = caps.name(n) {
                            if !m.as_str().is_empty() {
                                ev.set(n.clone(), Value::Str(m.as_str().to_string()));
                                note(&mut trace, n, || format!("{}: extract", s.label()));
                            }
                        }
                    }
                }
            }
        }
        for &i in matched.iter() {
            let s = &self.stanzas[i];
            for (to, from) in &s.alias {
                if let Some(v) = ev.get(from).cloned() {
                    ev.set(to.clone(), v);
                    note(&mut trace, to, || {
                        format!("{}: alias {to} = {from}", s.label())
                    });
                }
            }
        }
        let groups = matched
            .iter()
            .map(|&i| self.stanzas[i].eval.len())
            .max()
            .unwrap_or(0);
        let mut out: Vec<(usize, &str, Value)> = Vec::new();
        for g in 0..groups {
            out.clear();
            for &i in matched.iter() {
                let Some(group) = self.stanzas[i].eval.get(g) else {
                    continue;
                };
                for (field, c) in group {
                    if let Ok(v) = eval::eval(c, ev, &ctx) {
                        if !v.is_null() && !matches!(v, Value::Bool(_)) {
                            out.push((i, field, v));
                        }
                    }
                }
            }
            for (i, field, v) in out.drain(..) {
                ev.set(field, v);
                note(&mut trace, field, || {
                    format!("{}: eval {field}", self.stanzas[i].label())
                });
            }
        }
        self.apply_lookups(ev, &matched, &mut trace);
    }

    fn apply_lookups(&self, ev: &mut Event, matched: &[usize], trace: &mut Option<&mut Trace>) {
        for &i in matched {
            let s = &self.stanzas[i];
            for l in &s.lookup {
                let Some(v) = ev
                    .get(&l.input)
                    .and_then(|v| v.as_text())
                    .and_then(|k| l.table.get(k.as_ref()))
                    .cloned()
                else {
                    continue;
                };
                for o in &l.output {
                    ev.set(o.clone(), Value::Str(v.clone()));
                    note(trace, o, || {
                        format!("{}: lookup {o} from {}", s.label(), l.input)
                    });
                }
            }
        }
    }

    /// Indices of the stanzas matching the event's sourcetype, source and host.
    fn matching(&self, ev: &Event, state: &mut State) -> Arc<[usize]> {
        let text = |k: &str| {
            ev.get(k)
                .and_then(|v| v.as_text())
                .unwrap_or(std::borrow::Cow::Borrowed(""))
        };
        let (st, src, host) = (text("sourcetype"), text("source"), text("host"));
        // Most events of an input share their metadata: compare before allocating.
        for (k, v) in &state.recent {
            if k.0 == st && k.1 == src && k.2 == host {
                return v.clone();
            }
        }
        let (st, src, host) = (st.into_owned(), src.into_owned(), host.into_owned());
        let key = (st, src, host);
        let v = match state.cache.get(&key) {
            Some(v) => v.clone(),
            None => {
                let v: Arc<[usize]> = self
                    .stanzas
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.matches(&key.0, &key.1, &key.2))
                    .map(|(i, _)| i)
                    .collect();
                if state.cache.len() > 10_000 {
                    state.cache.clear();
                }
                state.cache.insert(key.clone(), v.clone());
                v
            }
        };
        if state.recent.len() >= 4 {
            state.recent.remove(0);
        }
        state.recent.push((key, v.clone()));
        v
    }

    /// Whether any stanza applies to events with this metadata.
    pub fn matches_any(&self, sourcetype: &str, source: &str, host: &str) -> bool {
        self.stanzas
            .iter()
            .any(|s| s.matches(sourcetype, source, host))
    }

    /// Names of the stanzas matching this metadata (for diagnostics).
    pub fn stanza_names_for(&self, sourcetype: &str, source: &str, host: &str) -> Vec<String> {
        self.stanzas
            .iter()
            .filter(|s| s.matches(sourcetype, source, host))
            .map(|s| s.name.clone())
            .collect()
    }
}

impl Stanza {
    fn matches(&self, st: &str, src: &str, host: &str) -> bool {
        let sel = |pats: &[Pat], v: &str| pats.is_empty() || pats.iter().any(|p| p.matches(v));
        sel(&self.sourcetype, st) && sel(&self.source, src) && sel(&self.host, host)
    }
    fn label(&self) -> String {
        let file = Path::new(&self.file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.file.clone());
        format!("{file} [{}]", self.name)
    }
}

fn note(trace: &mut Option<&mut Trace>, field: &str, label: impl FnOnce() -> String) {
    if let Some(t) = trace.as_deref_mut() {
        t.push((field.to_string(), label()));
    }
}

/// Search-time extraction from `_raw` for events read as raw text; fields the
/// event already has are kept.
fn kv_extract(ev: &mut Event, mode: KvMode, trace: &mut Option<&mut Trace>, label: &str) {
    let Some(raw) = ev
        .get("_raw")
        .and_then(|v| v.as_text())
        .map(|c| c.into_owned())
    else {
        return;
    };
    let mut set = |ev: &mut Event, k: String, v: Value| {
        if !ev.contains(&k) {
            note(trace, &k, || label.to_string());
            ev.set(k, v);
        }
    };
    match mode {
        KvMode::None => {}
        KvMode::Json => {
            let t = raw.trim();
            let start = t.find('{');
            if let Some(Ok(serde_json::Value::Object(o))) =
                start.map(|s| serde_json::from_str::<serde_json::Value>(&t[s..]))
            {
                let mut acc = IndexMap::new();
                for (k, v) in &o {
                    crate::input::json::flatten(k, v, &mut acc);
                }
                for (k, vals) in acc {
                    set(ev, k, Value::multi(vals));
                }
            }
        }
        KvMode::Xml => {
            if let Some(i) = raw.find("<Event") {
                if let Ok(fields) = crate::input::winxml::extract(&raw[i..]) {
                    for (k, vals) in fields {
                        set(
                            ev,
                            k,
                            Value::multi(vals.into_iter().map(Value::Str).collect()),
                        );
                    }
                }
            }
        }
        KvMode::Auto => {
            static KV: OnceLock<Regex> = OnceLock::new();
            let re = KV.get_or_init(|| {
                Regex::new(
                    r#"(?:^|[\s,;])([A-Za-z_][A-Za-z0-9_.]*)=(?:"([^"]*)"|'([^']*)'|([^\s,;"']*))"#,
                )
                .expect("valid kv regex")
            });
            for c in re.captures_iter(&raw) {
                let k = c[1].to_string();
                let v = c
                    .get(2)
                    .or_else(|| c.get(3))
                    .or_else(|| c.get(4))
                    .map(|m| m.as_str())
                    .unwrap_or("");
                if !v.is_empty() {
                    set(ev, k, Value::Str(v.to_string()));
                }
            }
        }
    }
}

fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| {
            SplError::new(
                ErrorKind::Rule,
                format!("cannot read knowledge folder {}: {e}", dir.display()),
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yml") | Some("yaml")
            )
        })
        .collect();
    files.sort();
    Ok(files)
}

fn strings(v: Option<&serde_json::Value>, key: &str) -> std::result::Result<Vec<String>, String> {
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

fn text_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Parses and compiles an eval expression once.
pub fn compile_eval(text: &str) -> std::result::Result<Compiled, String> {
    let src = crate::spl::lex::Src::new(text);
    let expr = match crate::spl::expr::parse_expr(&src, text) {
        Ok((rest, e)) if rest.trim().is_empty() => e,
        Ok((rest, _)) => return Err(format!("unexpected text {:?} in {text:?}", rest.trim())),
        Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => {
            return Err(format!("{} in {text:?}", e.msg))
        }
        Err(nom::Err::Incomplete(_)) => return Err(format!("incomplete expression {text:?}")),
    };
    eval::compile(&expr, &FnCtx::default()).map_err(|e| format!("{} in {text:?}", e.msg))
}

fn compile_map(
    v: &serde_json::Value,
    key: &str,
) -> std::result::Result<Vec<(String, Compiled)>, String> {
    let serde_json::Value::Object(o) = v else {
        return Err(format!("`{key}` must be a map of field: expression"));
    };
    o.iter()
        .map(|(f, e)| {
            compile_eval(&text_of(e))
                .map(|c| (f.clone(), c))
                .map_err(|m| format!("{key} {f}: {m}"))
        })
        .collect()
}

fn compile_stanza(v: &serde_json::Value, file: &str) -> std::result::Result<Stanza, String> {
    let serde_json::Value::Object(o) = v else {
        return Err("a stanza must be a map".into());
    };
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
        return Err(format!("unknown key `{k}` (known: {})", KEYS.join(", ")));
    }
    let name = match o.get("name") {
        Some(serde_json::Value::String(s)) => s.clone(),
        _ => return Err("`name` is required".into()),
    };
    let pats = |key: &str| -> std::result::Result<Vec<Pat>, String> {
        strings(o.get(key), key)?
            .iter()
            .map(|p| Pat::new(p))
            .collect()
    };
    let (sourcetype, source, host) = (pats("sourcetype")?, pats("source")?, pats("host")?);
    let ctx = |m: String| format!("{name}: {m}");
    if sourcetype.is_empty() && source.is_empty() && host.is_empty() {
        return Err(ctx("give `sourcetype`, `source` or `host` to match".into()));
    }
    let timestamp = match o.get("timestamp") {
        None => None,
        Some(serde_json::Value::Object(t)) => {
            let field = t
                .get("field")
                .map(text_of)
                .ok_or_else(|| ctx("timestamp needs `field`".into()))?;
            let zone = match t.get("zone") {
                Some(z) => crate::time::parse_tz(&text_of(z)).map_err(&ctx)?,
                None => chrono_tz::UTC,
            };
            Some(TimeRule {
                field,
                format: t.get("format").map(text_of),
                zone,
            })
        }
        Some(_) => return Err(ctx("`timestamp` must be a map (field, format, zone)".into())),
    };
    let rewrite = match o.get("rewrite") {
        None => Vec::new(),
        Some(v) => {
            let r = compile_map(v, "rewrite").map_err(ctx)?;
            if let Some((f, _)) = r
                .iter()
                .find(|(f, _)| !matches!(f.as_str(), "source" | "sourcetype" | "host" | "index"))
            {
                return Err(ctx(format!(
                    "rewrite sets only source, sourcetype, host, index, not {f}"
                )));
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
            return Err(ctx(format!(
                "kv_mode {other:?}: expected json, xml, auto or none"
            )))
        }
    };
    let mut extract = Vec::new();
    let items = match o.get("extract") {
        None => Vec::new(),
        Some(serde_json::Value::Array(a)) => a.clone(),
        Some(x) => vec![x.clone()],
    };
    for x in items {
        let (re, input) = match &x {
            serde_json::Value::String(s) => (s.clone(), "_raw".to_string()),
            serde_json::Value::Object(m) => (
                m.get("regex")
                    .map(text_of)
                    .ok_or_else(|| ctx("extract needs `regex`".into()))?,
                m.get("in").map(text_of).unwrap_or_else(|| "_raw".into()),
            ),
            _ => return Err(ctx("extract items are regexes or {regex, in}".into())),
        };
        let regex = crate::base::regex_util::compile(&re).map_err(ctx)?;
        let names: Vec<String> = regex
            .capture_names()
            .flatten()
            .map(str::to_string)
            .collect();
        if names.is_empty() {
            return Err(ctx(format!("extract regex {re:?} has no named group")));
        }
        extract.push(Extract {
            regex,
            input,
            names,
        });
    }
    let alias = match o.get("alias") {
        None => Vec::new(),
        Some(serde_json::Value::Object(m)) => {
            m.iter().map(|(k, v)| (k.clone(), text_of(v))).collect()
        }
        Some(_) => return Err(ctx("`alias` must be a map of new_name: field".into())),
    };
    let eval = match o.get("eval") {
        None => Vec::new(),
        Some(serde_json::Value::Array(groups)) => groups
            .iter()
            .map(|g| compile_map(g, "eval"))
            .collect::<std::result::Result<_, _>>()
            .map_err(ctx)?,
        Some(m) => vec![compile_map(m, "eval").map_err(ctx)?],
    };
    let mut lookup = Vec::new();
    let items = match o.get("lookup") {
        None => Vec::new(),
        Some(serde_json::Value::Array(a)) => a.clone(),
        Some(x) => vec![x.clone()],
    };
    for x in items {
        let serde_json::Value::Object(m) = &x else {
            return Err(ctx("lookup items are {input, output, table}".into()));
        };
        let input = m
            .get("input")
            .map(text_of)
            .ok_or_else(|| ctx("lookup needs `input`".into()))?;
        let output = strings(m.get("output"), "output").map_err(ctx)?;
        if output.is_empty() {
            return Err(ctx("lookup needs `output`".into()));
        }
        let Some(serde_json::Value::Object(t)) = m.get("table") else {
            return Err(ctx(
                "lookup needs `table` (a map of input value: output value)".into(),
            ));
        };
        let table = t.iter().map(|(k, v)| (k.clone(), text_of(v))).collect();
        lookup.push(Lookup {
            input,
            output,
            table,
        });
    }
    Ok(Stanza {
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(pairs: &[(&str, &str)]) -> Event {
        let mut e = Event::new();
        for (k, v) in pairs {
            e.set(*k, Value::from(*v));
        }
        e
    }

    #[test]
    fn phases_and_parallel_evals() {
        let mut k = Knowledge::empty();
        k.add_text(
            "t.yml",
            r#"
- name: a
  sourcetype: "my:*"
  rewrite: {source: '"S:" . Channel'}
  extract: ['user=(?<user>\w+)']
  alias: {EventCode: EventID}
  eval:
    - {x: 'EventCode * 2', y: 'x'}
    - {z: 'x + 1'}
- name: b
  source: "S:*"
  eval: {y: '"from b"'}
"#,
        )
        .unwrap();
        let mut e = ev(&[
            ("sourcetype", "my:st"),
            ("Channel", "Sec"),
            ("EventID", "4"),
            ("_raw", "user=bob"),
        ]);
        let mut tr = Trace::new();
        k.apply_traced(&mut e, false, &mut k.state(), Some(&mut tr));
        let get = |k: &str| e.get(k).map(|v| v.to_display(","));
        assert_eq!(get("source").as_deref(), Some("S:Sec"));
        assert_eq!(get("user").as_deref(), Some("bob"));
        assert_eq!(get("EventCode").as_deref(), Some("4"));
        assert_eq!(get("x").as_deref(), Some("8"));
        // `y` sees no `x` (parallel), and stanza b (matched via the rewritten source) wins.
        assert_eq!(get("y").as_deref(), Some("from b"));
        assert_eq!(get("z").as_deref(), Some("9"));
        assert!(tr.iter().any(|(f, r)| f == "y" && r.contains("[b]")));
    }

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
    fn shipped_packs_load() {
        assert!(Knowledge::shipped().len() >= 5);
    }

    #[test]
    fn every_pack_file_is_shipped() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/knowledge");
        for f in yaml_files(&dir).unwrap() {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                SHIPPED.iter().any(|(n, _)| *n == name),
                "rules/knowledge/{name} is not in knowledge::SHIPPED"
            );
        }
    }
}
