//! Data models (`rules/datamodels/*.yml`): CIM-style models whose datasets
//! carry a constraint (search language) and fields. Offline there are no
//! accelerated summaries, so the dataset view of each raw event is built on
//! the fly, as Splunk does for an unaccelerated model: an event belongs to a
//! dataset when its constraint and every ancestor's match; the view names each
//! field `<dataset path>.<field>` (`Processes.process_name`,
//! `All_Changes.Account_Management.src_user`).
//!
//! File schema (one model per file, or a list of them):
//! ```yaml
//! model: Endpoint
//! datasets:
//!   - name: Processes
//!     parent: null              # or the parent dataset's name
//!     constraint: 'tag=process tag=report'
//!     fields: [dest, process_name, {name: process_exec, eval: 'process_name'}]
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use indexmap::IndexMap;

use crate::base::diag::{ErrorKind, Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::eval::matcher::Matcher;
use crate::eval::{self, Compiled};
use crate::functions::FnCtx;

/// The shipped models, embedded so the binary works from any folder.
const SHIPPED: &[(&str, &str)] = &[
    (
        "Endpoint.yml",
        include_str!("../../rules/datamodels/Endpoint.yml"),
    ),
    (
        "Network_Traffic.yml",
        include_str!("../../rules/datamodels/Network_Traffic.yml"),
    ),
    (
        "Network_Resolution.yml",
        include_str!("../../rules/datamodels/Network_Resolution.yml"),
    ),
    ("Web.yml", include_str!("../../rules/datamodels/Web.yml")),
    (
        "Authentication.yml",
        include_str!("../../rules/datamodels/Authentication.yml"),
    ),
    (
        "Change.yml",
        include_str!("../../rules/datamodels/Change.yml"),
    ),
    ("Risk.yml", include_str!("../../rules/datamodels/Risk.yml")),
    (
        "Others.yml",
        include_str!("../../rules/datamodels/Others.yml"),
    ),
];

/// Names of the shipped model files (tests check each is in `rules/datamodels`).
pub fn shipped_files() -> Vec<&'static str> {
    SHIPPED.iter().map(|(n, _)| *n).collect()
}

#[derive(Debug, Clone)]
pub struct DmField {
    pub name: String,
    /// Text of the eval expression computing it (None: the event's field of the same name).
    pub eval: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Dataset {
    pub name: String,
    pub parent: Option<String>,
    /// `Root.Child` path (the field prefix and the `nodename`).
    pub path: String,
    pub constraint: Option<String>,
    pub fields: Vec<DmField>,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub datasets: Vec<Dataset>,
}

impl Model {
    /// Finds a dataset by path (`All_Changes.Account_Management`) or name.
    pub fn dataset(&self, d: &str) -> Option<usize> {
        self.datasets
            .iter()
            .position(|x| x.path.eq_ignore_ascii_case(d))
            .or_else(|| {
                self.datasets
                    .iter()
                    .position(|x| x.name.eq_ignore_ascii_case(d))
            })
    }

    /// The chain of dataset indexes from the root to `i`.
    fn chain(&self, i: usize) -> Vec<usize> {
        let mut out = vec![i];
        let mut cur = i;
        while let Some(p) = &self.datasets[cur].parent {
            match self.datasets.iter().position(|x| &x.name == p) {
                Some(pi) if !out.contains(&pi) => {
                    out.push(pi);
                    cur = pi;
                }
                _ => break,
            }
        }
        out.reverse();
        out
    }

    /// `i` and every dataset below it.
    fn subtree(&self, i: usize) -> Vec<usize> {
        (0..self.datasets.len())
            .filter(|&j| self.chain(j).contains(&i))
            .collect()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Datamodels {
    models: IndexMap<String, Model>,
}

impl Datamodels {
    /// The shipped models (parsed once).
    pub fn shipped() -> &'static Datamodels {
        static D: OnceLock<Datamodels> = OnceLock::new();
        D.get_or_init(|| {
            let mut d = Datamodels::default();
            for (name, text) in SHIPPED {
                d.add_text(&format!("rules/datamodels/{name}"), text)
                    .unwrap_or_else(|e| panic!("shipped data model {name}: {}", e.msg));
            }
            d
        })
    }

    /// The shipped models, then each folder's `*.yml` (a model named like an
    /// earlier one replaces it).
    pub fn load(dirs: &[PathBuf]) -> Result<Datamodels> {
        let mut d = Datamodels::shipped().clone();
        for dir in dirs {
            d.add_dir(dir)?;
        }
        Ok(d)
    }

    pub fn add_dir(&mut self, dir: &Path) -> Result<()> {
        let rd = std::fs::read_dir(dir).map_err(|e| {
            SplError::new(
                ErrorKind::Rule,
                format!("cannot read data model folder {}: {e}", dir.display()),
            )
        })?;
        let mut files: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(|e| {
                SplError::new(
                    ErrorKind::Rule,
                    format!("cannot read data model file {}: {e}", f.display()),
                )
            })?;
            self.add_text(&f.display().to_string(), &text)?;
        }
        Ok(())
    }

    pub fn add_text(&mut self, file: &str, text: &str) -> Result<()> {
        let err = |msg: String| SplError::new(ErrorKind::Rule, format!("{file}: {msg}"));
        let doc: serde_json::Value =
            serde_saphyr::from_str(text).map_err(|e| err(format!("malformed YAML: {e}")))?;
        let list = match doc {
            serde_json::Value::Array(a) => a,
            o @ serde_json::Value::Object(_) => match o.get("models") {
                Some(serde_json::Value::Array(a)) => a.clone(),
                _ => vec![o],
            },
            serde_json::Value::Null => Vec::new(),
            _ => return Err(err("expected a model (`model:`, `datasets:`)".into())),
        };
        for m in &list {
            let model = parse_model(m).map_err(err)?;
            self.models.insert(model.name.to_ascii_lowercase(), model);
        }
        Ok(())
    }

    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.get(&name.to_ascii_lowercase())
    }

    pub fn models(&self) -> impl Iterator<Item = &Model> {
        self.models.values()
    }

    /// Plans the view of `model[.dataset]`: every dataset named (with those
    /// below it), or the whole model.
    pub fn view(&self, model: &str, dataset: Option<&str>, ctx: &FnCtx) -> Result<View> {
        let Some(m) = self.model(model) else {
            let known: Vec<&str> = self.models.values().map(|m| m.name.as_str()).collect();
            return Err(SplError::plan(format!("unknown data model '{model}'"))
                .with_help(format!("known models: {}", known.join(", "))));
        };
        let targets: Vec<usize> = match dataset {
            Some(d) => {
                let Some(i) = m.dataset(d) else {
                    let known: Vec<&str> = m.datasets.iter().map(|x| x.path.as_str()).collect();
                    return Err(SplError::plan(format!(
                        "data model '{}' has no dataset '{d}'",
                        m.name
                    ))
                    .with_help(format!("its datasets: {}", known.join(", "))));
                };
                m.subtree(i)
            }
            None => (0..m.datasets.len()).collect(),
        };
        let mut matchers = Vec::with_capacity(m.datasets.len());
        let mut fields = Vec::with_capacity(m.datasets.len());
        let mut constraint_fields = Some(Vec::new());
        for ds in &m.datasets {
            if let (Some(c), Some(out)) = (&ds.constraint, constraint_fields.as_mut()) {
                let src = crate::spl::lex::Src::new(c);
                match crate::spl::search_expr::parse_search(&src, c) {
                    Ok((_, Some(e))) if crate::spl::fields::search_fields(&e, out) => {}
                    Ok((_, None)) => {}
                    _ => constraint_fields = None,
                }
            }
            matchers.push(match &ds.constraint {
                Some(c) => Some(Matcher::from_search_text(c, ctx).map_err(|e| {
                    SplError::plan(format!(
                        "data model {} dataset {}: constraint: {}",
                        m.name, ds.name, e.msg
                    ))
                })?),
                None => None,
            });
            let mut fs = Vec::with_capacity(ds.fields.len());
            for f in &ds.fields {
                let c = match &f.eval {
                    Some(t) => Some(crate::eval::compile_text(t).map_err(|e| {
                        SplError::plan(format!("data model {} field {}: {e}", m.name, f.name))
                    })?),
                    None => None,
                };
                fs.push((format!("{}.{}", ds.path, f.name), f.name.clone(), c));
            }
            fields.push(fs);
        }
        let mut by_name = HashMap::new();
        let mut slot = 0;
        for (d, fs) in fields.iter().enumerate() {
            for (i, (vname, _, _)) in fs.iter().enumerate() {
                by_name.entry(vname.clone()).or_insert((d, i, slot));
                slot += 1;
            }
        }
        Ok(View {
            by_name,
            chains: targets.iter().map(|&t| m.chain(t)).collect(),
            paths: m.datasets.iter().map(|d| d.path.clone()).collect(),
            matchers,
            fields,
            constraint_fields,
            ctx: ctx.clone(),
        })
    }
}

fn parse_model(v: &serde_json::Value) -> std::result::Result<Model, String> {
    let name = v
        .get("model")
        .and_then(|x| x.as_str())
        .ok_or("a model needs `model: <name>`")?
        .to_string();
    let list = v
        .get("datasets")
        .and_then(|x| x.as_array())
        .ok_or_else(|| format!("model {name}: needs `datasets:`"))?;
    let mut datasets: Vec<Dataset> = Vec::new();
    for d in list {
        let dname = d
            .get("name")
            .and_then(|x| x.as_str())
            .ok_or_else(|| format!("model {name}: a dataset needs `name:`"))?
            .to_string();
        let parent = d.get("parent").and_then(|x| x.as_str()).map(str::to_string);
        let path = match &parent {
            Some(p) => {
                let pd = datasets.iter().find(|x| &x.name == p).ok_or_else(|| {
                    format!("model {name}: dataset {dname}: parent {p} must come before it")
                })?;
                format!("{}.{dname}", pd.path)
            }
            None => dname.clone(),
        };
        let constraint = d
            .get("constraint")
            .and_then(|x| x.as_str())
            .map(str::to_string)
            .filter(|s| !s.trim().is_empty());
        if let Some(c) = &constraint {
            Matcher::from_search_text(c, &FnCtx::default())
                .map_err(|e| format!("model {name}: dataset {dname}: constraint: {}", e.msg))?;
        }
        let mut fields = Vec::new();
        for f in d
            .get("fields")
            .and_then(|x| x.as_array())
            .map(|a| a.as_slice())
            .unwrap_or(&[])
        {
            let field = match f {
                serde_json::Value::String(s) => DmField {
                    name: s.clone(),
                    eval: None,
                },
                serde_json::Value::Object(o) => DmField {
                    name: o
                        .get("name")
                        .and_then(|x| x.as_str())
                        .ok_or_else(|| {
                            format!("model {name}: dataset {dname}: a field needs `name:`")
                        })?
                        .to_string(),
                    eval: o.get("eval").and_then(|x| x.as_str()).map(str::to_string),
                },
                _ => return Err(format!("model {name}: dataset {dname}: bad field {f}")),
            };
            if let Some(e) = &field.eval {
                crate::eval::compile_text(e)
                    .map_err(|m| format!("model {name}: field {}: {m}", field.name))?;
            }
            fields.push(field);
        }
        datasets.push(Dataset {
            name: dname,
            parent,
            path,
            constraint,
            fields,
        });
    }
    Ok(Model { name, datasets })
}

/// Fields every dataset view keeps under their own names.
const META: &[&str] = &[
    "_time",
    "host",
    "source",
    "sourcetype",
    "index",
    "splunk_server",
    "_raw",
];

/// A planned dataset view: builds the `Dataset.field` view of an event.
pub struct View {
    chains: Vec<Vec<usize>>,
    paths: Vec<String>,
    matchers: Vec<Option<Matcher>>,
    /// Per dataset: (view name, event field, eval).
    fields: Vec<Vec<(String, String, Option<Compiled>)>>,
    /// The event fields the datasets' constraints read (None: unknown).
    constraint_fields: Option<Vec<String>>,
    /// View field name → (dataset, index in `fields[dataset]`, slot).
    by_name: HashMap<String, (usize, usize, usize)>,
    ctx: FnCtx,
}

/// The view of one event with its fields computed only when read: testing
/// a tstats `where` (one or two fields) on it does not build the whole row
/// (the hunt's gate, once per event for ~800 tstats detections).
pub struct LazyRow<'a> {
    view: &'a View,
    ev: &'a Event,
    /// The datasets the event is in (the targets matched).
    matched: Vec<usize>,
    /// Per dataset: whether the row has its fields (a matched one or an ancestor).
    on: Vec<bool>,
    slots: Vec<std::cell::OnceCell<Option<Value>>>,
    nodename: std::cell::OnceCell<Value>,
    /// An eval failed: the caller lets the search itself report it.
    pub failed: std::cell::Cell<bool>,
}

impl crate::base::event::Fields for LazyRow<'_> {
    fn field(&self, name: &str) -> Option<&Value> {
        if let Some(&(d, i, slot)) = self.view.by_name.get(name) {
            if !self.on[d] {
                return None;
            }
            let (_, fname, c) = &self.view.fields[d][i];
            return match c {
                None => self.ev.get(fname).filter(|v| !v.is_null()),
                Some(c) => self.slots[slot]
                    .get_or_init(|| match eval::eval(c, self.ev, &self.view.ctx) {
                        Ok(v) => (!v.is_null()).then_some(v),
                        Err(_) => {
                            self.failed.set(true);
                            None
                        }
                    })
                    .as_ref(),
            };
        }
        if name == "nodename" {
            return Some(self.nodename.get_or_init(|| {
                Value::multi(
                    self.matched
                        .iter()
                        .map(|&d| Value::str(self.view.paths[d].clone()))
                        .collect(),
                )
            }));
        }
        if META.contains(&name) {
            return self.ev.get(name);
        }
        None
    }

    fn each(&self, f: &mut dyn FnMut(&str, &Value)) {
        for m in META {
            if let Some(v) = self.ev.get(m) {
                f(m, v);
            }
        }
        for (d, fields) in self.view.fields.iter().enumerate() {
            if !self.on[d] {
                continue;
            }
            for (vname, _, _) in fields {
                if let Some(v) = self.field(vname) {
                    f(vname, v);
                }
            }
        }
        if let Some(v) = self.field("nodename") {
            f("nodename", v);
        }
    }
}

impl View {
    /// The datasets (indexes) the event belongs to among the view's targets.
    fn matched(&self, ev: &Event) -> Result<Vec<usize>> {
        let mut cache: Vec<Option<bool>> = vec![None; self.matchers.len()];
        let mut out = Vec::new();
        'chains: for chain in &self.chains {
            for &d in chain {
                let ok = match cache[d] {
                    Some(b) => b,
                    None => {
                        let b = match &self.matchers[d] {
                            Some(m) => m.matches(ev)?,
                            None => true,
                        };
                        cache[d] = Some(b);
                        b
                    }
                };
                if !ok {
                    continue 'chains;
                }
            }
            out.push(*chain.last().expect("chains are never empty"));
        }
        Ok(out)
    }

    /// Whether `name` is one of the view's fields (`Processes.process_name`).
    pub fn is_view_field(&self, name: &str) -> bool {
        self.fields.iter().flatten().any(|(v, _, _)| v == name)
    }

    /// The event field a view field (`Processes.process_name`) is copied
    /// from; None when an eval computes it or the view has no such field.
    pub fn source_field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .flatten()
            .find(|(v, _, _)| v == name)
            .and_then(|(_, f, c)| c.is_none().then_some(f.as_str()))
    }

    /// The event fields that building the view fields `names` reads (with
    /// every dataset constraint's): a view field's source field or what its
    /// eval reads; a name that is no view field (`_time`, `index`) as it is.
    /// None when unknown (a constraint or eval that may read any field).
    pub fn input_fields(&self, names: &[String]) -> Option<Vec<String>> {
        let mut out = self.constraint_fields.clone()?;
        for n in names {
            match self.fields.iter().flatten().find(|(v, _, _)| v == n) {
                Some((_, _, Some(c))) => {
                    if !c.read_fields(&mut out) {
                        return None;
                    }
                }
                Some((_, f, None)) => out.push(f.clone()),
                None => out.push(n.clone()),
            }
        }
        out.push("_time".into());
        Some(out)
    }

    /// The event's view with fields computed when read (None: it is in none
    /// of the datasets).
    pub fn lazy_row<'a>(&'a self, ev: &'a Event) -> Result<Option<LazyRow<'a>>> {
        let matched = self.matched(ev)?;
        if matched.is_empty() {
            return Ok(None);
        }
        let mut on = vec![false; self.fields.len()];
        for &d in &matched {
            if let Some(chain) = self.chains.iter().find(|c| c.last() == Some(&d)) {
                for &a in chain {
                    on[a] = true;
                }
            }
        }
        let slots = self.fields.iter().map(Vec::len).sum();
        Ok(Some(LazyRow {
            view: self,
            ev,
            matched,
            on,
            slots: (0..slots).map(|_| std::cell::OnceCell::new()).collect(),
            nodename: std::cell::OnceCell::new(),
            failed: std::cell::Cell::new(false),
        }))
    }

    /// Whether the event is in one of the view's datasets (no view is built).
    pub fn contains(&self, ev: &Event) -> Result<bool> {
        Ok(!self.matched(ev)?.is_empty())
    }

    /// The event's view (None: it is in none of the datasets). With
    /// `keep_event`, the event's own fields stay too (`datamodel … search`).
    pub fn build(&self, ev: &Event, keep_event: bool) -> Result<Option<Event>> {
        let matched = self.matched(ev)?;
        if matched.is_empty() {
            return Ok(None);
        }
        let mut out = if keep_event {
            ev.clone()
        } else {
            let mut o = Event::with_capacity(32);
            o.seq = ev.seq;
            for m in META {
                if let Some(v) = ev.get(m) {
                    o.set(*m, v.clone());
                }
            }
            o
        };
        let mut done: Vec<usize> = Vec::new();
        let mut nodes = Vec::new();
        for &d in &matched {
            nodes.push(Value::str(self.paths[d].clone()));
            for &a in &self
                .chains
                .iter()
                .find(|c| c.last() == Some(&d))
                .expect("own chain")[..]
            {
                if done.contains(&a) {
                    continue;
                }
                done.push(a);
                for (vname, fname, c) in &self.fields[a] {
                    let v = match c {
                        Some(c) => eval::eval(c, ev, &self.ctx)?,
                        None => ev.get(fname).cloned().unwrap_or(Value::Null),
                    };
                    if !v.is_null() {
                        out.set(vname.clone(), v);
                    }
                }
            }
        }
        out.set("nodename", Value::multi(nodes));
        Ok(Some(out))
    }
}
