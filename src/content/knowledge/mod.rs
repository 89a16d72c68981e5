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

mod plan;

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
];

/// Search-time knowledge: compiled stanzas in load order.
#[derive(Debug, Default)]
pub struct Knowledge {
    pub(crate) stanzas: Vec<Stanza>,
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

#[derive(Debug, Clone)]
pub(crate) struct TimeRule {
    pub(crate) field: String,
    pub(crate) format: Option<String>,
    pub(crate) zone: chrono_tz::Tz,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KvMode {
    Json,
    Xml,
    Auto,
    None,
}

#[derive(Debug, Clone)]
pub(crate) struct Extract {
    pub(crate) regex: Arc<fancy_regex::Regex>,
    pub(crate) input: String,
    pub(crate) names: Vec<String>,
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
}

impl Stanza {
    pub(crate) fn matches(&self, st: &str, src: &str, host: &str) -> bool {
        let sel = |pats: &[Pat], v: &str| pats.is_empty() || pats.iter().any(|p| p.matches(v));
        sel(&self.sourcetype, st) && sel(&self.source, src) && sel(&self.host, host)
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

pub(crate) fn compile_stanza(
    v: &serde_json::Value,
    file: &str,
) -> std::result::Result<Stanza, String> {
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
        let table = Arc::new(t.iter().map(|(k, v)| (k.clone(), text_of(v))).collect());
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
        for f in crate::content::yaml_files(&dir, "knowledge").unwrap() {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                SHIPPED.iter().any(|(n, _)| *n == name),
                "rules/knowledge/{name} is not in knowledge::SHIPPED"
            );
        }
    }
}
