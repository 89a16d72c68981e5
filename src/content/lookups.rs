//! Lookup tables: definitions in `<rules_root>/lookups/*.yml` (the
//! security_content schema, which mirrors a `transforms.conf` stanza), the
//! CSV files next to them, and matching rows the way Splunk does.
//!
//! A definition has a `name` and either a `filename` (a CSV in the same
//! folder) or a `collection` (a KV store collection, read from
//! `<collection>.csv` / `<collection>.json` in the folder when present).
//! Matching rules follow transforms.conf: `match_type` (`EXACT` by default,
//! `WILDCARD(field)`, `CIDR(field)`), `case_sensitive_match` (default true),
//! `max_matches` (default 100 for lookups without a time field), `min_matches`
//! (default 0) and `default_match` (default empty). A lookup may also be named
//! by its file name (`lookup users.csv …`); it then uses those defaults.
//!
//! Files resolve only inside the lookups folder: absolute paths and `..` are
//! refused. Tables are read once and shared (re-read when the file changes).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use aho_corasick::AhoCorasick;
use ipnet::IpNet;

use crate::base::diag::{ErrorKind, Result, SplError};

/// transforms.conf default for `max_matches` when the lookup has no time field.
pub const DEFAULT_MAX_MATCHES: usize = 100;

/// Enterprise Security lookups security_content relies on, with their columns.
pub const ES_LOOKUPS: &[(&str, &[&str])] = &[
    (
        "asset_lookup_by_str",
        &[
            "asset",
            "asset_id",
            "ip",
            "mac",
            "nt_host",
            "dns",
            "owner",
            "priority",
            "bunit",
            "category",
            "pci_domain",
            "is_expected",
        ],
    ),
    (
        "asset_lookup_by_cidr",
        &[
            "asset",
            "asset_id",
            "ip",
            "mac",
            "nt_host",
            "dns",
            "owner",
            "priority",
            "bunit",
            "category",
            "pci_domain",
            "is_expected",
        ],
    ),
    (
        "identity_lookup_expanded",
        &[
            "identity",
            "identity_tag",
            "prefix",
            "nick",
            "first",
            "last",
            "suffix",
            "email",
            "phone",
            "managedBy",
            "priority",
            "bunit",
            "category",
            "watchlist",
            "startDate",
            "endDate",
        ],
    ),
];

/// Scripted (external) lookups of add-on apps: parsed, not runnable.
pub const EXTERNAL_LOOKUPS: &[(&str, &str)] = &[("ut_shannon_lookup", "URL Toolbox")];

/// How a lookup field is compared with event values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum MatchKind {
    Exact,
    /// Table values may hold `*` wildcards.
    Wildcard,
    /// Table values are subnets (`10.0.0.0/8`); event values are addresses.
    Cidr,
}

/// Where a lookup's rows come from.
#[derive(Debug, Clone, PartialEq)]
pub enum TableSource {
    /// A file in the lookups folder.
    File(String),
    /// A KV store collection.
    Collection(String),
}

/// A lookup definition (one `lookups/*.yml`, or the defaults for a file named directly).
#[derive(Debug, Clone)]
pub struct Definition {
    pub name: String,
    pub source: TableSource,
    /// Non-exact match types by lookup field name.
    pub match_types: HashMap<String, MatchKind>,
    pub case_sensitive: bool,
    pub max_matches: usize,
    pub min_matches: usize,
    pub default_match: String,
    /// `fields_list` of a KV store collection.
    pub fields_list: Vec<String>,
    /// The YAML file it came from (None for a file named directly).
    pub yml: Option<PathBuf>,
}

impl Definition {
    /// The definition Splunk uses when a lookup is named by its file name.
    pub fn for_file(file: &str) -> Definition {
        Definition {
            name: file.to_string(),
            source: TableSource::File(file.to_string()),
            match_types: HashMap::new(),
            case_sensitive: true,
            max_matches: DEFAULT_MAX_MATCHES,
            min_matches: 0,
            default_match: String::new(),
            fields_list: Vec::new(),
            yml: None,
        }
    }

    pub fn match_kind(&self, field: &str) -> MatchKind {
        self.match_types
            .get(field)
            .copied()
            .unwrap_or(MatchKind::Exact)
    }

    pub fn is_collection(&self) -> bool {
        matches!(self.source, TableSource::Collection(_))
    }

    /// Reads one definition file.
    pub fn load(path: &Path) -> Result<Definition> {
        let bad = |msg: String| {
            SplError::new(
                ErrorKind::Rule,
                format!("malformed lookup definition {}: {msg}", path.display()),
            )
        };
        let text = std::fs::read_to_string(path).map_err(|e| {
            SplError::new(
                ErrorKind::Rule,
                format!("cannot read lookup definition {}: {e}", path.display()),
            )
        })?;
        let doc: serde_json::Value =
            serde_saphyr::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let get = |k: &str| doc.get(k).and_then(scalar_text);
        let name = get("name").ok_or_else(|| bad("no `name`".into()))?;
        let source = match (get("filename"), get("collection")) {
            (Some(f), _) => TableSource::File(f),
            (None, Some(c)) => TableSource::Collection(c),
            (None, None) => return Err(bad("neither `filename` nor `collection`".into())),
        };
        let mut def = Definition::for_file("");
        def.name = name;
        def.source = source;
        def.yml = Some(path.to_path_buf());
        if let Some(m) = get("match_type") {
            def.match_types = parse_match_types(&m).map_err(bad)?;
        }
        if let Some(c) = get("case_sensitive_match") {
            def.case_sensitive = parse_bool(&c).ok_or_else(|| {
                bad(format!(
                    "case_sensitive_match must be true or false, not {c:?}"
                ))
            })?;
        }
        let int = |k: &str, lo: usize, hi: usize| -> Result<Option<usize>> {
            match get(k) {
                None => Ok(None),
                Some(v) => match v.trim().parse::<usize>() {
                    Ok(n) if (lo..=hi).contains(&n) => Ok(Some(n)),
                    _ => Err(bad(format!(
                        "{k} must be a whole number from {lo} to {hi}, not {v:?}"
                    ))),
                },
            }
        };
        if let Some(n) = int("max_matches", 1, 1000)? {
            def.max_matches = n;
        }
        if let Some(n) = int("min_matches", 0, 1000)? {
            def.min_matches = n;
        }
        if let Some(d) = get("default_match") {
            def.default_match = d;
        }
        if let Some(f) = get("fields_list") {
            def.fields_list = f
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
        Ok(def)
    }
}

fn scalar_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.trim().to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "1" | "yes" => Some(true),
        "false" | "f" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// `WILDCARD(a), CIDR(b), EXACT(c)` → kinds by field.
pub fn parse_match_types(s: &str) -> std::result::Result<HashMap<String, MatchKind>, String> {
    let mut out = HashMap::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let open = rest
            .find('(')
            .ok_or_else(|| format!("match_type {s:?}: expected KIND(field)"))?;
        let close = rest[open..]
            .find(')')
            .map(|c| c + open)
            .ok_or_else(|| format!("match_type {s:?}: missing ')'"))?;
        let kind = match rest[..open].trim().to_ascii_uppercase().as_str() {
            "WILDCARD" => MatchKind::Wildcard,
            "CIDR" => MatchKind::Cidr,
            "EXACT" => MatchKind::Exact,
            k => {
                return Err(format!(
                    "match_type {s:?}: unknown kind {k:?} (WILDCARD, CIDR or EXACT)"
                ))
            }
        };
        let field = rest[open + 1..close].trim();
        if field.is_empty() {
            return Err(format!("match_type {s:?}: empty field name"));
        }
        out.insert(field.to_string(), kind);
        rest = rest[close + 1..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    Ok(out)
}

/// A loaded table: header and rows (every row as long as the header).
#[derive(Debug, Default)]
pub struct Table {
    pub fields: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f == name)
    }

    /// Reads a CSV lookup file. Cells and header names are trimmed of
    /// surrounding spaces; a UTF-8 byte-order mark is dropped; short rows are
    /// padded with empty cells.
    pub fn read_csv(path: &Path) -> Result<Table> {
        let err =
            |e: String| SplError::input(format!("cannot read lookup file {}: {e}", path.display()));
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_path(path)
            .map_err(|e| err(e.to_string()))?;
        let mut table = Table::default();
        let mut rec = csv::ByteRecord::new();
        let mut first = true;
        loop {
            match rdr.read_byte_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(err(e.to_string())),
            }
            let cells: Vec<String> = rec
                .iter()
                .map(|c| String::from_utf8_lossy(c).trim().to_string())
                .collect();
            if first {
                first = false;
                table.fields = cells;
                if let Some(f) = table.fields.first_mut() {
                    if let Some(s) = f.strip_prefix('\u{feff}') {
                        *f = s.trim().to_string();
                    }
                }
                continue;
            }
            if cells.len() == 1 && cells[0].is_empty() && table.fields.len() > 1 {
                continue; // blank line
            }
            let mut row = cells;
            row.resize(table.fields.len(), String::new());
            table.rows.push(row);
        }
        Ok(table)
    }

    /// Reads a KV store collection exported as JSON: an array of objects, or
    /// one object per line.
    pub fn read_json(path: &Path) -> Result<Table> {
        let err = |e: String| {
            SplError::input(format!(
                "cannot read collection file {}: {e}",
                path.display()
            ))
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let objs: Vec<serde_json::Value> = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Array(a)) => a,
            Ok(o @ serde_json::Value::Object(_)) => vec![o],
            Ok(_) => return Err(err("expected an array of objects".into())),
            Err(_) => text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .enumerate()
                .map(|(n, l)| {
                    serde_json::from_str(l).map_err(|e| err(format!("line {}: {e}", n + 1)))
                })
                .collect::<Result<_>>()?,
        };
        let mut table = Table::default();
        let mut maps = Vec::with_capacity(objs.len());
        for o in objs {
            let serde_json::Value::Object(m) = o else {
                return Err(err("expected JSON objects".into()));
            };
            for k in m.keys() {
                if !table.fields.contains(k) {
                    table.fields.push(k.clone());
                }
            }
            maps.push(m);
        }
        for m in maps {
            let row = table
                .fields
                .iter()
                .map(|f| match m.get(f) {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                })
                .collect();
            table.rows.push(row);
        }
        Ok(table)
    }
}

/// A lookup name resolved to its definition and rows.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub def: Definition,
    pub table: Arc<Table>,
    /// The file the rows came from (None for an absent KV store collection).
    pub path: Option<PathBuf>,
}

/// The lookups folder of a rules root and the definitions in it.
#[derive(Debug)]
pub struct Lookups {
    pub dir: PathBuf,
    pub defs: BTreeMap<String, Definition>,
    /// Definition files that failed to load, with the reason.
    pub broken: Vec<(PathBuf, String)>,
}

type DefCache = Mutex<HashMap<PathBuf, Arc<Lookups>>>;
type TableCache = Mutex<HashMap<PathBuf, (Option<SystemTime>, u64, Arc<Table>)>>;

fn def_cache() -> &'static DefCache {
    static C: OnceLock<DefCache> = OnceLock::new();
    C.get_or_init(Default::default)
}

fn table_cache() -> &'static TableCache {
    static C: OnceLock<TableCache> = OnceLock::new();
    C.get_or_init(Default::default)
}

/// Prints a warning once per process for a given key.
fn warn_once(key: &str, msg: &str) {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let seen = SEEN.get_or_init(Default::default);
    let first = seen
        .lock()
        .map(|mut s| s.insert(key.to_string()))
        .unwrap_or(true);
    if first {
        eprintln!("warning: {msg}");
    }
}

impl Lookups {
    /// The lookups of a rules root (`<root>/lookups/`), read once per process.
    pub fn open(root: &Path) -> Result<Arc<Lookups>> {
        let dir = root.join("lookups");
        if let Ok(c) = def_cache().lock() {
            if let Some(l) = c.get(&dir) {
                return Ok(l.clone());
            }
        }
        let l = Arc::new(Lookups::load_dir(&dir)?);
        if let Ok(mut c) = def_cache().lock() {
            c.insert(dir, l.clone());
        }
        Ok(l)
    }

    /// Reads every `*.yml` / `*.yaml` definition in a folder (absent folder: none).
    pub fn load_dir(dir: &Path) -> Result<Lookups> {
        let mut out = Lookups {
            dir: dir.to_path_buf(),
            defs: BTreeMap::new(),
            broken: Vec::new(),
        };
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => {
                return Err(SplError::input(format!(
                    "cannot read lookups folder {}: {e}",
                    dir.display()
                )))
            }
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yml") | Some("yaml")
                )
            })
            .collect();
        paths.sort();
        for p in paths {
            match Definition::load(&p) {
                Ok(d) => {
                    out.defs.insert(d.name.clone(), d);
                }
                Err(e) => out.broken.push((p, e.msg.clone())),
            }
        }
        Ok(out)
    }

    /// A file name from a search or a definition, as a path inside the
    /// lookups folder. Absolute paths and `..` are refused.
    pub fn file_path(&self, name: &str) -> Result<PathBuf> {
        let p = Path::new(name);
        let refuse_because = |why: &str| {
            SplError::plan(format!(
                "lookup file {name:?} is outside the lookups folder{why}; name a file inside {}",
                self.dir.display()
            ))
            .with_help(
                "lookup files resolve only inside <rules>/lookups/ (no absolute paths, no `..`, no symbolic links that lead out of it)",
            )
        };
        let refuse = || refuse_because("");
        if name.is_empty() || p.is_absolute() || name.starts_with('/') || name.starts_with('\\') {
            return Err(refuse());
        }
        for c in p.components() {
            if !matches!(c, Component::Normal(_)) {
                return Err(refuse());
            }
        }
        if name.contains("..") && name.split(['/', '\\']).any(|s| s == "..") {
            return Err(refuse());
        }
        let full = self.dir.join(p);
        // A symbolic link (to a file or a folder on the way, or to
        // nothing) must not lead out either.
        if let Err(why) = crate::base::paths::confine(&self.dir, &full) {
            return Err(refuse_because(&format!(" ({why})")));
        }
        Ok(full)
    }

    /// The definition a search names: a definition `name`, else a file in the folder.
    pub fn definition(&self, name: &str) -> Result<Definition> {
        if let Some(d) = self.defs.get(name) {
            return Ok(d.clone());
        }
        let path = self.file_path(name)?;
        if path.is_file() {
            return Ok(Definition::for_file(name));
        }
        if let Some((_, fields)) = ES_LOOKUPS.iter().find(|(n, _)| *n == name) {
            // Enterprise Security's asset and identity tables: a KV collection
            // that is empty offline unless <name>.csv is put in the lookups folder.
            let mut d = Definition::for_file(name);
            d.source = TableSource::Collection(name.to_string());
            d.fields_list = fields.iter().map(|f| f.to_string()).collect();
            return Ok(d);
        }
        if let Some((_, app)) = EXTERNAL_LOOKUPS.iter().find(|(n, _)| *n == name) {
            return Err(SplError::plan(format!(
                "lookup {name:?} is a scripted lookup of the {app} app; spleval cannot run it"
            )));
        }
        let mut e = SplError::plan(format!(
            "no lookup named {name:?}: no definition in {} has that name and no such file is there",
            self.dir.display()
        ));
        for (p, why) in &self.broken {
            if p.file_stem().and_then(|s| s.to_str()) == Some(name) {
                e = e.with_note(format!("{}: {why}", p.display()));
            }
        }
        Err(e.with_help("lookups live in <rules>/lookups/: NAME.yml (name, filename, match_type…) next to the CSV"))
    }

    /// Resolves a lookup and loads its rows.
    pub fn resolve(&self, name: &str) -> Result<Resolved> {
        let def = self.definition(name)?;
        match &def.source {
            TableSource::File(f) => {
                let path = self.file_path(f)?;
                if !path.is_file() {
                    return Err(SplError::plan(format!(
                        "lookup {name:?}: file {} does not exist",
                        path.display()
                    )));
                }
                let table = load_table(&path, false)?;
                Ok(Resolved {
                    def,
                    table,
                    path: Some(path),
                })
            }
            TableSource::Collection(c) => {
                for ext in ["csv", "json"] {
                    let path = self.file_path(&format!("{c}.{ext}"))?;
                    if path.is_file() {
                        let table = load_table(&path, ext == "json")?;
                        return Ok(Resolved {
                            def,
                            table,
                            path: Some(path),
                        });
                    }
                }
                warn_once(
                    &format!("kv:{}", self.dir.join(c).display()),
                    &format!(
                        "lookup {name:?} is KV store collection {c:?}; no {c}.csv or {c}.json in {}, so it is empty",
                        self.dir.display()
                    ),
                );
                let table = Table {
                    fields: def.fields_list.clone(),
                    rows: Vec::new(),
                };
                Ok(Resolved {
                    def,
                    table: Arc::new(table),
                    path: None,
                })
            }
        }
    }

    /// Where `outputlookup` writes a lookup: the definition's file (a
    /// collection's `<collection>.csv`), or a file named directly.
    pub fn output_path(&self, name: &str) -> Result<PathBuf> {
        if let Some(d) = self.defs.get(name) {
            return match &d.source {
                TableSource::File(f) => self.file_path(f),
                TableSource::Collection(c) => self.file_path(&format!("{c}.csv")),
            };
        }
        let path = self.file_path(name)?;
        if path.extension().and_then(|e| e.to_str()) == Some("csv") {
            return Ok(path);
        }
        Err(SplError::plan(format!(
            "no lookup definition named {name:?} in {}; to write a file, name it with .csv",
            self.dir.display()
        )))
    }
}

/// The lookups of the plan's rules root, or a clear error when there is none.
pub fn open_for(root: Option<&Path>, what: &str) -> Result<Arc<Lookups>> {
    match root {
        Some(r) => Lookups::open(r),
        None => Err(SplError::plan(format!(
            "{what} needs a rules folder holding lookups/ (give --rules DIR)"
        ))),
    }
}

fn load_table(path: &Path, json: bool) -> Result<Arc<Table>> {
    let meta = std::fs::metadata(path).ok();
    let mtime = meta.as_ref().and_then(|m| m.modified().ok());
    let len = meta.as_ref().map(|m| m.len()).unwrap_or(0);
    if let Ok(c) = table_cache().lock() {
        if let Some((t, l, tab)) = c.get(path) {
            if *t == mtime && *l == len {
                return Ok(tab.clone());
            }
        }
    }
    let table = Arc::new(if json {
        Table::read_json(path)?
    } else {
        Table::read_csv(path)?
    });
    if let Ok(mut c) = table_cache().lock() {
        c.insert(path.to_path_buf(), (mtime, len, table.clone()));
    }
    Ok(table)
}

/// Forgets a cached table (after `outputlookup` rewrote it).
pub fn invalidate(path: &Path) {
    if let Ok(mut c) = table_cache().lock() {
        c.remove(path);
    }
}

// ---------------------------------------------------------------- matching

/// One table cell of a match field, prepared for comparison.
#[derive(Debug)]
enum Cell {
    /// Exact text (lower-cased when matching ignores case).
    Lit(String),
    /// `*` wildcard pattern, split at the `*`s.
    Glob(Vec<String>),
    Net(IpNet),
}

impl Cell {
    fn new(text: &str, kind: MatchKind, fold: bool) -> Cell {
        let t = if fold {
            text.to_lowercase()
        } else {
            text.to_string()
        };
        match kind {
            MatchKind::Wildcard if t.contains('*') => {
                Cell::Glob(t.split('*').map(str::to_string).collect())
            }
            MatchKind::Cidr => {
                if let Ok(n) = t.parse::<IpNet>() {
                    Cell::Net(n)
                } else if let Ok(ip) = t.parse::<IpAddr>() {
                    Cell::Net(IpNet::from(ip))
                } else {
                    Cell::Lit(t)
                }
            }
            _ => Cell::Lit(t),
        }
    }

    fn matches(&self, v: &str, ip: Option<IpAddr>) -> bool {
        match self {
            Cell::Lit(s) => s == v,
            Cell::Glob(parts) => glob_match(parts, v),
            Cell::Net(n) => ip.is_some_and(|ip| n.contains(&ip)),
        }
    }

    fn prefix_len(&self) -> u8 {
        match self {
            Cell::Net(n) => n.prefix_len(),
            _ => 255,
        }
    }
}

/// Matches `v` against a pattern already split at its `*`s.
pub fn glob_match(parts: &[String], v: &str) -> bool {
    match parts {
        [] => v.is_empty(),
        [only] => only == v,
        [first, mid @ .., last] => {
            if v.len() < first.len() + last.len()
                || !v.starts_with(first.as_str())
                || !v.ends_with(last.as_str())
            {
                return false;
            }
            let mut hay = &v[first.len()..v.len() - last.len()];
            for m in mid {
                match hay.find(m.as_str()) {
                    Some(at) => hay = &hay[at + m.len()..],
                    None => return false,
                }
            }
            true
        }
    }
}

/// Candidate rows for one field's values: literal cells hashed, wildcard
/// patterns found through their longest literal piece (Aho-Corasick), and
/// cells that must be tried one by one (subnets, a bare `*`).
#[derive(Debug)]
struct FieldIndex {
    exact: HashMap<String, Vec<u32>>,
    pieces: Option<AhoCorasick>,
    piece_rows: Vec<u32>,
    always: Vec<u32>,
}

impl FieldIndex {
    fn build(cells: &[Cell]) -> FieldIndex {
        let mut exact: HashMap<String, Vec<u32>> = HashMap::new();
        let mut pieces = Vec::new();
        let mut piece_rows = Vec::new();
        let mut always = Vec::new();
        for (n, c) in cells.iter().enumerate() {
            let n = n as u32;
            match c {
                Cell::Lit(s) => exact.entry(s.clone()).or_default().push(n),
                Cell::Glob(parts) => match parts.iter().max_by_key(|p| p.len()) {
                    Some(p) if !p.is_empty() => {
                        pieces.push(p.clone());
                        piece_rows.push(n);
                    }
                    _ => always.push(n),
                },
                Cell::Net(_) => always.push(n),
            }
        }
        let pieces = if pieces.is_empty() {
            None
        } else {
            AhoCorasick::new(&pieces).ok()
        };
        if pieces.is_none() {
            always.append(&mut piece_rows);
        }
        FieldIndex {
            exact,
            pieces,
            piece_rows,
            always,
        }
    }

    fn candidates(&self, v: &str, out: &mut Vec<u32>) {
        if let Some(rows) = self.exact.get(v) {
            out.extend_from_slice(rows);
        }
        if let Some(ac) = &self.pieces {
            for m in ac.find_overlapping_iter(v) {
                out.push(self.piece_rows[m.pattern().as_usize()]);
            }
        }
        out.extend_from_slice(&self.always);
    }
}

/// A table prepared for lookups on a given list of match fields.
#[derive(Debug)]
pub struct Index {
    fold: bool,
    /// Per match field, per row.
    cells: Vec<Vec<Cell>>,
    cidr: bool,
    driver: usize,
    index: FieldIndex,
    max_matches: usize,
}

/// An [`Index`] built on first use, and shared between the plans that look
/// up the same table on the same fields: a hunt plans ~1,500 detections,
/// and the largest table (92,000 dynamic DNS wildcards) need not be indexed
/// when no event ever reaches its lookup.
pub struct LazyIndex {
    def: Definition,
    table: Arc<Table>,
    fields: Vec<String>,
    cell: OnceLock<Option<Arc<Index>>>,
}

impl LazyIndex {
    /// Checks now that the table has every field (the error names the first missing).
    pub fn new(def: &Definition, table: &Arc<Table>, fields: &[String]) -> Result<LazyIndex> {
        if let Some(f) = fields.iter().find(|f| table.column(f).is_none()) {
            return Err(SplError::plan(format!(
                "lookup {:?} has no field {f:?} (its fields: {})",
                def.name,
                table.fields.join(", ")
            )));
        }
        Ok(LazyIndex {
            def: def.clone(),
            table: table.clone(),
            fields: fields.to_vec(),
            cell: OnceLock::new(),
        })
    }

    /// The index (None only if it cannot be built, which `new` rules out).
    pub fn get(&self) -> Option<&Index> {
        self.cell
            .get_or_init(|| Self::shared(&self.def, &self.table, &self.fields))
            .as_deref()
    }

    fn shared(def: &Definition, table: &Arc<Table>, fields: &[String]) -> Option<Arc<Index>> {
        type Key = (String, Vec<String>);
        type Cache = Mutex<HashMap<Key, Vec<(Arc<Table>, Arc<Index>)>>>;
        static CACHE: OnceLock<Cache> = OnceLock::new();
        let key = (format!("{def:?}"), fields.to_vec());
        let cache = CACHE.get_or_init(Default::default);
        let hit = cache.lock().ok().and_then(|c| {
            c.get(&key)?
                .iter()
                .find(|(t, _)| Arc::ptr_eq(t, table))
                .map(|(_, i)| i.clone())
        });
        if hit.is_some() {
            return hit;
        }
        let index = Arc::new(Index::build(def, table, fields).ok()?);
        if let Ok(mut c) = cache.lock() {
            if c.len() > 1024 {
                c.clear();
            }
            c.entry(key)
                .or_default()
                .push((table.clone(), index.clone()));
        }
        Some(index)
    }
}

impl Index {
    /// Prepares `table` for matching on `fields` (lookup-side names).
    pub fn build(def: &Definition, table: &Table, fields: &[String]) -> Result<Index> {
        let fold = !def.case_sensitive;
        let mut cells = Vec::with_capacity(fields.len());
        let mut kinds = Vec::with_capacity(fields.len());
        for f in fields {
            let col = table.column(f).ok_or_else(|| {
                SplError::plan(format!(
                    "lookup {:?} has no field {f:?} (its fields: {})",
                    def.name,
                    table.fields.join(", ")
                ))
            })?;
            let kind = def.match_kind(f);
            kinds.push(kind);
            cells.push(
                table
                    .rows
                    .iter()
                    .map(|r| Cell::new(&r[col], kind, fold))
                    .collect::<Vec<_>>(),
            );
        }
        // Drive candidate search from the field with the fewest rows to try one by one.
        let indexes: Vec<FieldIndex> = cells.iter().map(|c| FieldIndex::build(c)).collect();
        let driver = indexes
            .iter()
            .enumerate()
            .min_by_key(|(_, ix)| (ix.always.len(), ix.piece_rows.len()))
            .map(|(n, _)| n)
            .unwrap_or(0);
        let index = indexes
            .into_iter()
            .nth(driver)
            .unwrap_or_else(|| FieldIndex::build(&[]));
        Ok(Index {
            fold,
            cells,
            cidr: kinds.contains(&MatchKind::Cidr),
            driver,
            index,
            max_matches: def.max_matches,
        })
    }

    /// Rows matching one value per match field: file order (most specific
    /// subnet first for CIDR lookups), at most `max_matches`.
    pub fn find(&self, values: &[&str]) -> Vec<usize> {
        if values.len() != self.cells.len() || values.is_empty() {
            return Vec::new();
        }
        let norm: Vec<String> = values
            .iter()
            .map(|v| {
                if self.fold {
                    v.to_lowercase()
                } else {
                    v.to_string()
                }
            })
            .collect();
        let ips: Vec<Option<IpAddr>> = if self.cidr {
            norm.iter().map(|v| v.trim().parse().ok()).collect()
        } else {
            vec![None; norm.len()]
        };
        let mut cand = Vec::new();
        self.index.candidates(&norm[self.driver], &mut cand);
        cand.sort_unstable();
        cand.dedup();
        let mut hits: Vec<usize> = cand
            .into_iter()
            .map(|r| r as usize)
            .filter(|&r| {
                self.cells
                    .iter()
                    .zip(norm.iter().zip(&ips))
                    .all(|(col, (v, ip))| col[r].matches(v, *ip))
            })
            .collect();
        if self.cidr {
            hits.sort_by_key(|&r| {
                let spec: u32 = self.cells.iter().map(|c| c[r].prefix_len() as u32).sum();
                (std::cmp::Reverse(spec), r)
            });
        }
        hits.truncate(self.max_matches);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(fields: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            fields: fields.iter().map(|s| s.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
        }
    }

    #[test]
    fn match_types_parse() {
        let m = parse_match_types("WILDCARD(a), CIDR(b),EXACT(c)").unwrap();
        assert_eq!(m["a"], MatchKind::Wildcard);
        assert_eq!(m["b"], MatchKind::Cidr);
        assert_eq!(m["c"], MatchKind::Exact);
        assert!(parse_match_types("FUZZY(a)").is_err());
        assert!(parse_match_types("WILDCARD(a").is_err());
    }

    #[test]
    fn globs() {
        let p = |s: &str| s.split('*').map(str::to_string).collect::<Vec<_>>();
        assert!(glob_match(&p("*.evil.com*"), "a.evil.com"));
        assert!(glob_match(&p("*.evil.com*"), "x.evil.com:443"));
        assert!(!glob_match(&p("*.evil.com*"), "evil.com"));
        assert!(glob_match(&p("a*b*c"), "abc"));
        assert!(!glob_match(&p("a*b*c"), "acb"));
        assert!(glob_match(&p("*"), ""));
    }

    #[test]
    fn exact_wildcard_and_cidr_matching() {
        let mut def = Definition::for_file("t.csv");
        def.match_types = parse_match_types("WILDCARD(name)").unwrap();
        def.case_sensitive = false;
        let t = table(
            &["name", "v"],
            &[&["*\\cmd.exe", "1"], &["PowerShell.exe", "2"], &["*", "3"]],
        );
        let ix = Index::build(&def, &t, &["name".into()]).unwrap();
        assert_eq!(ix.find(&["C:\\Windows\\CMD.EXE"]), vec![0, 2]);
        assert_eq!(ix.find(&["powershell.exe"]), vec![1, 2]);

        let mut def = Definition::for_file("n.csv");
        def.match_types = parse_match_types("CIDR(net)").unwrap();
        def.max_matches = 1;
        let t = table(
            &["net", "zone"],
            &[&["10.0.0.0/8", "big"], &["10.1.0.0/16", "small"]],
        );
        let ix = Index::build(&def, &t, &["net".into()]).unwrap();
        assert_eq!(
            ix.find(&["10.1.2.3"]),
            vec![1],
            "most specific subnet first"
        );
        assert_eq!(ix.find(&["10.2.0.1"]), vec![0]);
        assert!(ix.find(&["192.168.0.1"]).is_empty());
    }

    #[test]
    fn case_sensitive_by_default() {
        let def = Definition::for_file("t.csv");
        let t = table(&["u", "g"], &[&["Alice", "a"]]);
        let ix = Index::build(&def, &t, &["u".into()]).unwrap();
        assert!(ix.find(&["alice"]).is_empty());
        assert_eq!(ix.find(&["Alice"]), vec![0]);
    }

    #[test]
    fn paths_stay_inside_the_folder() {
        let l = Lookups {
            dir: PathBuf::from("/tmp/nowhere/lookups"),
            defs: BTreeMap::new(),
            broken: Vec::new(),
        };
        assert!(l.file_path("../x.csv").is_err());
        assert!(l.file_path("a/../../x.csv").is_err());
        assert!(l.file_path("/etc/passwd").is_err());
        assert!(l.file_path("x.csv").is_ok());
    }
}

/// The lookups of a rules root as the eval function `lookup()` reads them
/// (see [`crate::functions::lookup::Tables`]): each call resolves the table
/// as the `lookup` command does (definitions and tables are cached per
/// process, indexes per table and fields).
#[derive(Debug)]
pub struct RootTables {
    pub root: PathBuf,
}

impl crate::functions::lookup::Tables for RootTables {
    fn root(&self) -> &Path {
        &self.root
    }

    fn find(
        &self,
        table: &str,
        fields: &[String],
        values: &[String],
        outputs: Option<&[String]>,
    ) -> std::result::Result<Option<Vec<(String, Vec<String>)>>, String> {
        let lk = Lookups::open(&self.root).map_err(|e| e.msg.clone())?;
        let r = lk.resolve(table).map_err(|e| e.msg.clone())?;
        let columns: Vec<(usize, String)> = match outputs {
            Some(names) => names
                .iter()
                .map(|n| match r.table.column(n) {
                    Some(c) => Ok((c, n.clone())),
                    None => Err(format!(
                        "{:?} has no field {n:?} to return (its fields: {})",
                        r.def.name,
                        r.table.fields.join(", ")
                    )),
                })
                .collect::<std::result::Result<_, _>>()?,
            None => r
                .table
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| !fields.contains(f))
                .map(|(c, f)| (c, f.clone()))
                .collect(),
        };
        if r.path.is_none() {
            // An absent KV store collection: nothing matches.
            return Ok(None);
        }
        let index = LazyIndex::new(&r.def, &r.table, fields).map_err(|e| e.msg.clone())?;
        let key: Vec<&str> = values.iter().map(String::as_str).collect();
        let rows = index.get().map(|ix| ix.find(&key)).unwrap_or_default();
        let mut found: Vec<(String, Vec<String>)> = columns
            .into_iter()
            .map(|(c, name)| {
                let vals = rows
                    .iter()
                    .map(|&row| r.table.rows[row][c].clone())
                    .filter(|v| !v.is_empty())
                    .collect();
                (name, vals)
            })
            .collect();
        if rows.len() < r.def.min_matches && !r.def.default_match.is_empty() {
            for (_, vals) in found.iter_mut() {
                for _ in rows.len()..r.def.min_matches {
                    vals.push(r.def.default_match.clone());
                }
            }
        }
        if found.iter().all(|(_, v)| v.is_empty()) {
            return Ok(None);
        }
        Ok(Some(found))
    }
}
