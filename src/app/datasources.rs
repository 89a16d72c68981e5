//! `spleval check --data-sources`: does each detection's data get the
//! fields its search reads?
//!
//! A detection names its data sources (`data_source: [Sysmon EventID 1,
//! CrowdStrike ProcessRollup2]`); each data source (`<rules>/data_sources/*.yml`)
//! names its `source` and `sourcetype` and usually holds a real
//! `example_log`. The example is read as spleval reads events, with that
//! source and sourcetype and the knowledge in force, and held against what
//! the search reads:
//!
//! - a `tstats` over a data model: the example must enter the dataset (its
//!   constraints hold), and every view field the `tstats` names (aggregations,
//!   `by`, `where`) must have a value;
//! - any other search: the event fields its commands read, up to the first
//!   command that builds new rows, less those an earlier command of the
//!   search sets (`eval` targets, `rex` groups, `rename` targets, `lookup`
//!   outputs, …) and Splunk's own fields (`_time`, `index`, `tag`, …). A
//!   command that may read any field ends the list (the report says the
//!   list is partial).
//!
//! A data source without an example log is *unverifiable*, not fine; one
//! the folder does not define is *unknown*.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::base::diag::{Result, SplError};
use crate::base::event::{Event, Fields};
use crate::commands::support::pipeline::PlanCtx;
use crate::commands::tstats::{TstatsCmd, TstatsSource};
use crate::content::knowledge::Knowledge;
use crate::content::macros::MacroSet;
use crate::content::rules;
use crate::engine::run;
use crate::input::{read_bytes, Meta};
use crate::spl::ast::Pipeline;
use crate::spl::fields::Flow;

/// Largest example log read (bytes); a bigger one is reported, not read.
const MAX_EXAMPLE: usize = 1 << 20;

/// One data source of the folder, its example read.
pub struct DataSource {
    pub name: String,
    pub file: PathBuf,
    pub sourcetype: String,
    pub source: String,
    /// The fields the add-on extracts, as the data source lists them.
    pub fields: Vec<String>,
    /// `xml`, `json`, `text`, or `none` (no example log).
    pub kind: &'static str,
    /// The example's events, with the knowledge applied.
    pub events: Vec<Event>,
}

/// The data sources of a folder, by name (case-insensitive).
pub struct Catalog {
    pub sources: Vec<DataSource>,
    by_name: HashMap<String, usize>,
}

impl Catalog {
    /// Reads every `*.yml` under `dir` and its example log.
    pub fn load(dir: &Path, knowledge: Arc<Knowledge>) -> Result<Catalog> {
        let mut files = Vec::new();
        crate::input::collect_files(dir, &mut files)?;
        files.retain(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"));
        let read = |f: &PathBuf| -> Result<Option<DataSource>> {
            let text = std::fs::read_to_string(f).map_err(|e| {
                SplError::input(format!("cannot read data source {}: {e}", f.display()))
            })?;
            let doc: serde_json::Value = serde_saphyr::from_str(&text).map_err(|e| {
                SplError::input(format!("{}: not a data source YAML: {e}", f.display()))
            })?;
            let s = |k: &str| {
                doc.get(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let name = s("name");
            if name.is_empty() {
                return Ok(None);
            }
            let fields = strings(doc.get("fields"));
            let example = s("example_log");
            let t = example.trim();
            let kind = if t.is_empty() {
                "none"
            } else if t.starts_with('<') {
                "xml"
            } else if t.starts_with('{') || t.starts_with('[') {
                "json"
            } else {
                "text"
            };
            let (sourcetype, source) = (s("sourcetype"), s("source"));
            let events = if t.is_empty() || t.len() > MAX_EXAMPLE {
                Vec::new()
            } else {
                let meta = Meta {
                    sourcetype: Some(sourcetype.clone()).filter(|x| !x.is_empty()),
                    source: Some(source.clone()).filter(|x| !x.is_empty()),
                    knowledge: Some(knowledge.clone()),
                    ..Default::default()
                };
                let name = format!("{} (example_log)", f.display());
                read_bytes(t.as_bytes(), &name, &meta)
                    .map(|r| r.0)
                    .unwrap_or_default()
            };
            Ok(Some(DataSource {
                name,
                file: f.clone(),
                sourcetype,
                source,
                fields,
                kind,
                events,
            }))
        };
        let sources: Vec<DataSource> = {
            use rayon::prelude::*;
            files
                .par_iter()
                .map(read)
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .flatten()
                .collect()
        };
        let by_name = sources
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name.to_lowercase(), i))
            .collect();
        Ok(Catalog { sources, by_name })
    }

    pub fn get(&self, name: &str) -> Option<&DataSource> {
        self.by_name
            .get(&name.trim().to_lowercase())
            .map(|&i| &self.sources[i])
    }
}

/// What one data source of a detection gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The folder defines no data source of that name.
    Unknown,
    /// It has no example log to check against.
    Unverifiable,
    /// Checked on its example: whether it enters the tstats dataset (None:
    /// no tstats), and the fields read that it does not give.
    Checked {
        entered: Option<bool>,
        missing: Vec<String>,
    },
}

/// The report for one detection.
#[derive(Debug, Clone)]
pub struct DetectionReport {
    pub path: PathBuf,
    pub name: String,
    /// `Endpoint.Processes` for a tstats over a data model.
    pub dataset: Option<String>,
    /// The fields the search reads from events (view fields for tstats).
    pub reads: Vec<String>,
    /// The list of fields read stops at a command that may read any field.
    pub partial: bool,
    pub sources: Vec<(String, Verdict)>,
    /// The detection could not be read, expanded or parsed.
    pub error: Option<String>,
}

impl DetectionReport {
    /// Every data source checked and none missing anything.
    pub fn verified(&self) -> bool {
        self.error.is_none()
            && !self.sources.is_empty()
            && self.sources.iter().all(|(_, v)| {
                matches!(v, Verdict::Checked { entered, missing }
                    if *entered != Some(false) && missing.is_empty())
            })
    }

    pub fn unverifiable(&self) -> bool {
        self.sources
            .iter()
            .any(|(_, v)| matches!(v, Verdict::Unverifiable | Verdict::Unknown))
    }

    pub fn to_json(&self) -> serde_json::Value {
        let sources: Vec<serde_json::Value> = self
            .sources
            .iter()
            .map(|(n, v)| match v {
                Verdict::Unknown => serde_json::json!({"data_source": n, "status": "unknown"}),
                Verdict::Unverifiable => {
                    serde_json::json!({"data_source": n, "status": "unverifiable"})
                }
                Verdict::Checked { entered, missing } => serde_json::json!({
                    "data_source": n,
                    "status": if *entered == Some(false) || !missing.is_empty() { "missing" } else { "ok" },
                    "enters_dataset": entered,
                    "missing": missing,
                }),
            })
            .collect();
        serde_json::json!({
            "path": self.path.display().to_string(),
            "name": self.name,
            "dataset": self.dataset,
            "reads": self.reads,
            "partial": self.partial,
            "verified": self.verified(),
            "data_sources": sources,
            "error": self.error,
        })
    }
}

/// The strings of a YAML list (none when it is not one).
fn strings(v: Option<&serde_json::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Fields Splunk sets on every event or at search time without an add-on.
fn internal(f: &str) -> bool {
    f.starts_with("date_")
        || f.starts_with("tag::")
        || f.starts_with('_')
        || matches!(
            f,
            "index"
                | "source"
                | "sourcetype"
                | "host"
                | "splunk_server"
                | "eventtype"
                | "tag"
                | "punct"
                | "linecount"
                | "timestartpos"
                | "timeendpos"
                | "nodename"
        )
}

/// What a search reads from its events.
enum Reads {
    /// A tstats over a data model: the dataset, its view, the view fields named.
    Dataset(String, Box<crate::content::datamodels::View>, Vec<String>),
    /// Event fields, and whether the list stopped early.
    Fields(Vec<String>, bool),
}

fn reads_of(p: &Pipeline, ctx: &PlanCtx) -> Reads {
    if let Some(first) = p.commands.first() {
        if let Some(t) = first.cmd.as_any().downcast_ref::<TstatsCmd>() {
            if let (Some(TstatsSource::Datamodel { datamodel, .. }), Some(view)) =
                (&t.source, t.view(ctx))
            {
                // What an `eval(…)` argument or a term reads may be left
                // out; the view fields named are what is checked.
                let mut names = Vec::new();
                crate::commands::stats::agg_fields(&t.aggs, &mut names);
                names.extend(t.by.iter().map(|f| f.name.clone()));
                if let Some(w) = &t.where_ {
                    crate::spl::fields::search_fields(w, &mut names);
                }
                let mut seen = HashSet::new();
                names.retain(|n| view.is_view_field(n) && seen.insert(n.clone()));
                return Reads::Dataset(datamodel.to_string(), Box::new(view), names);
            }
        }
    }
    let mut written: HashSet<String> = HashSet::new();
    let mut need: Vec<String> = Vec::new();
    let mut partial = false;
    for node in &p.commands {
        let (names, last) = match node.cmd.field_flow() {
            Flow::Any => {
                partial = true;
                break;
            }
            Flow::Reads(n) => (n, false),
            Flow::Replaces(n) => (n, true),
        };
        // A command's flow may name what it sets too (`eval x=…` keeps x
        // when the value is null); what it sets is not asked of the events.
        let writes = node.cmd.writes();
        for n in names {
            if !written.contains(&n) && !writes.contains(&n) && !internal(&n) && !need.contains(&n)
            {
                need.push(n);
            }
        }
        if last {
            break;
        }
        written.extend(writes);
    }
    Reads::Fields(need, partial)
}

/// Checks one detection file; None when it is not a detection (no
/// `search:`) or is deprecated or removed.
pub fn check_detection(
    path: &Path,
    macros: &MacroSet,
    ctx: &PlanCtx,
    catalog: &Catalog,
) -> Option<DetectionReport> {
    let det = match rules::load_detection(path) {
        Ok(d) if d.retired() => return None,
        Ok(d) => d,
        Err(e) if e.msg.ends_with("has no `search:` key") => return None,
        Err(e) => {
            return Some(DetectionReport {
                path: path.to_path_buf(),
                name: String::new(),
                dataset: None,
                reads: Vec::new(),
                partial: false,
                sources: Vec::new(),
                error: Some(e.msg.clone()),
            })
        }
    };
    let names = strings(det.doc.get("data_source"));
    let mut report = DetectionReport {
        path: path.to_path_buf(),
        name: det.name.clone(),
        dataset: None,
        reads: Vec::new(),
        partial: false,
        sources: Vec::new(),
        error: None,
    };
    let query = match run::prepare(det.origin(), macros) {
        Ok(q) => q,
        Err(e) => {
            report.error = Some(e.msg.clone());
            return Some(report);
        }
    };
    let reads = reads_of(&query.pipeline, ctx);
    match &reads {
        Reads::Dataset(d, _, f) => {
            report.dataset = Some(d.clone());
            report.reads = f.clone();
        }
        Reads::Fields(f, partial) => {
            report.reads = f.clone();
            report.partial = *partial;
        }
    }
    for n in names {
        let verdict = match catalog.get(&n) {
            None => Verdict::Unknown,
            Some(ds) if ds.events.is_empty() => Verdict::Unverifiable,
            Some(ds) => check_source(ds, &reads),
        };
        report.sources.push((n, verdict));
    }
    Some(report)
}

fn check_source(ds: &DataSource, reads: &Reads) -> Verdict {
    match reads {
        Reads::Fields(need, _) => Verdict::Checked {
            entered: None,
            missing: need
                .iter()
                .filter(|n| {
                    !ds.events
                        .iter()
                        .any(|e| e.get(n).is_some_and(|v| !v.is_null()))
                })
                .cloned()
                .collect(),
        },
        Reads::Dataset(_, view, need) => {
            let rows: Vec<_> = ds
                .events
                .iter()
                .filter_map(|e| view.lazy_row(e).ok().flatten())
                .collect();
            if rows.is_empty() {
                return Verdict::Checked {
                    entered: Some(false),
                    missing: need.clone(),
                };
            }
            Verdict::Checked {
                entered: Some(true),
                missing: need
                    .iter()
                    .filter(|n| !rows.iter().any(|r| r.field(n).is_some()))
                    .cloned()
                    .collect(),
            }
        }
    }
}

/// Totals over the reports.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub detections: usize,
    pub verified: usize,
    pub missing: usize,
    pub unverifiable: usize,
    pub no_data_source: usize,
    pub errors: usize,
    /// tstats detection × data source with an XML or JSON example:
    /// (uses, uses whose example enters the dataset).
    pub reach: (usize, usize),
    /// Missing fields, most often missing first.
    pub top_missing: Vec<(String, usize)>,
}

pub fn summarize(reports: &[DetectionReport], catalog: &Catalog) -> Summary {
    let mut s = Summary {
        detections: reports.len(),
        ..Default::default()
    };
    let mut missing: BTreeMap<String, usize> = BTreeMap::new();
    for r in reports {
        if r.error.is_some() {
            s.errors += 1;
            continue;
        }
        if r.sources.is_empty() {
            s.no_data_source += 1;
        } else if r.verified() {
            s.verified += 1;
        } else if r.unverifiable()
            && r.sources.iter().all(|(_, v)| match v {
                Verdict::Checked { entered, missing } => {
                    *entered != Some(false) && missing.is_empty()
                }
                _ => true,
            })
        {
            s.unverifiable += 1;
        } else {
            s.missing += 1;
        }
        let mut seen = HashSet::new();
        for (n, v) in &r.sources {
            if let Verdict::Checked {
                entered,
                missing: m,
            } = v
            {
                if let (Some(e), Some(ds)) = (entered, catalog.get(n)) {
                    if ds.kind == "xml" || ds.kind == "json" {
                        s.reach.0 += 1;
                        s.reach.1 += usize::from(*e);
                    }
                }
                for f in m {
                    if seen.insert(f.clone()) {
                        *missing.entry(f.clone()).or_default() += 1;
                    }
                }
            }
        }
    }
    let mut top: Vec<(String, usize)> = missing.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    s.top_missing = top;
    s
}

impl Summary {
    /// The one-line summary.
    pub fn line(&self) -> String {
        let (uses, entered) = self.reach;
        let top: Vec<String> = self
            .top_missing
            .iter()
            .take(5)
            .map(|(f, n)| format!("{f} ×{n}"))
            .collect();
        format!(
            "{} detection(s): {} verified, {} missing fields, {} unverifiable (a data source without an example log, or unknown), {} without data_source, {} unreadable; data model reach {entered}/{uses} uses ({:.1}%); missing most often: {}",
            self.detections,
            self.verified,
            self.missing,
            self.unverifiable,
            self.no_data_source,
            self.errors,
            100.0 * entered as f64 / uses.max(1) as f64,
            if top.is_empty() { "none".to_string() } else { top.join(", ") }
        )
    }
}
