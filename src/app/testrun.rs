//! `spleval test`: runs detections' own `tests:` blocks against local copies
//! of their attack datasets, with contentctl's pass criterion (at least one
//! result), or exact expectations of ours (`expected: {count: N}` or
//! `expected: {rows: [...]}`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::app::output;
use crate::base::diag::{self, SplError};
use crate::base::event::Event;
use crate::commands::support::pipeline::PlanCtx;
use crate::content::knowledge::Knowledge;
use crate::content::macros::MacroSet;
use crate::content::rules::{self, Detection};
use crate::engine::run::{self, MemFeed};
use crate::input::{self, Meta, Source};

/// One dataset of a test: where it is and how to read it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Dataset {
    pub url: String,
    pub path: PathBuf,
    pub source: Option<String>,
    pub sourcetype: Option<String>,
    /// Why the path is not read: it leads outside `--data` (`..`, a
    /// symbolic link out).
    pub refused: Option<String>,
}

/// What a test expects beyond "at least one result".
#[derive(Debug, Clone)]
pub enum Expected {
    AtLeastOne,
    Count(u64),
    Rows(Vec<serde_json::Map<String, serde_json::Value>>),
}

/// One test case: a detection's test.
#[derive(Debug, Clone)]
pub struct Case {
    pub detection: Arc<Detection>,
    pub name: String,
    pub datasets: Vec<Dataset>,
    pub expected: Expected,
}

impl Case {
    pub fn label(&self) -> String {
        format!("{}: {}", self.detection.name, self.name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Passed,
    Failed(String),
    Skipped(String),
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub case: Case,
    pub status: Status,
    pub results: u64,
    pub time: Duration,
    /// The results, when the run keeps them (`spleval test --format findings`).
    pub rows: Vec<Event>,
}

impl Outcome {
    pub fn to_json(&self) -> serde_json::Value {
        let (status, reason) = match &self.status {
            Status::Passed => ("passed", None),
            Status::Failed(r) => ("failed", Some(r.clone())),
            Status::Skipped(r) => ("skipped", Some(r.clone())),
        };
        serde_json::json!({
            "detection": self.case.detection.name,
            "path": self.case.detection.path.display().to_string(),
            "test": self.case.name,
            "status": status,
            "reason": reason,
            "results": self.results,
            "seconds": self.time.as_secs_f64(),
            "datasets": self.case.datasets.iter().map(|d| d.path.display().to_string()).collect::<Vec<_>>(),
        })
    }
}

/// Maps a dataset URL to a file under `data`: the path after
/// `/attack_data/<branch>/`, or a relative path as it is.
pub fn dataset_path(data: &Path, url: &str) -> PathBuf {
    if let Some(i) = url.find("/attack_data/") {
        let after = &url[i + "/attack_data/".len()..];
        let rel = after.split_once('/').map(|(_, r)| r).unwrap_or(after);
        return data.join(rel);
    }
    if let Some(rest) = url.split_once("://").map(|(_, r)| r) {
        // Another URL: keep its path after the host.
        let rel = rest.split_once('/').map(|(_, r)| r).unwrap_or(rest);
        return data.join(rel);
    }
    data.join(url.trim_start_matches('/'))
}

/// The test cases of a detection.
pub fn cases(det: Arc<Detection>, data: &Path) -> Result<Vec<Case>, SplError> {
    let mut out = Vec::new();
    for (n, t) in det.tests().iter().enumerate() {
        let name = t
            .get("name")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("test {}", n + 1));
        let mut datasets = Vec::new();
        for a in t
            .get("attack_data")
            .and_then(|v| v.as_array())
            .map(|v| v.as_slice())
            .unwrap_or(&[])
        {
            let Some(url) = a.get("data").and_then(|v| v.as_str()) else {
                return Err(SplError::new(
                    diag::ErrorKind::Rule,
                    format!(
                        "{}: test {name:?} has an attack_data entry without `data:`",
                        det.path.display()
                    ),
                ));
            };
            let path = dataset_path(data, url);
            let refused = crate::base::paths::confine(data, &path).err().map(|why| {
                format!(
                    "attack_data {url:?} is outside the data folder {} ({why}); refused",
                    data.display()
                )
            });
            datasets.push(Dataset {
                url: url.to_string(),
                refused,
                path,
                source: a.get("source").and_then(|v| v.as_str()).map(str::to_string),
                sourcetype: a
                    .get("sourcetype")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
            });
        }
        let expected = match t.get("expected") {
            None => Expected::AtLeastOne,
            Some(e) => {
                if let Some(c) = e.get("count").and_then(|v| v.as_u64()) {
                    Expected::Count(c)
                } else if let Some(rows) = e.get("rows").and_then(|v| v.as_array()) {
                    Expected::Rows(rows.iter().filter_map(|r| r.as_object().cloned()).collect())
                } else {
                    return Err(SplError::new(
                        diag::ErrorKind::Rule,
                        format!(
                            "{}: test {name:?}: `expected:` takes `count: N` or `rows: [...]`",
                            det.path.display()
                        ),
                    ));
                }
            }
        };
        out.push(Case {
            detection: det.clone(),
            name,
            datasets,
            expected,
        });
    }
    Ok(out)
}

/// Reads each distinct dataset once (in parallel), applying `knowledge`
/// (None: the shipped packs).
pub fn load_datasets(
    cases: &[Case],
    knowledge: Option<Arc<Knowledge>>,
) -> HashMap<Dataset, Result<Arc<Vec<Event>>, String>> {
    let mut uniq: Vec<Dataset> = cases.iter().flat_map(|c| c.datasets.clone()).collect();
    uniq.sort_by(|a, b| a.path.cmp(&b.path));
    uniq.dedup();
    uniq.into_par_iter()
        .filter(|d| d.refused.is_some() || d.path.is_file())
        .map(|d| {
            if let Some(why) = &d.refused {
                let why = why.clone();
                return (d, Err(why));
            }
            let meta = Meta {
                source: d.source.clone(),
                sourcetype: d.sourcetype.clone(),
                knowledge: knowledge.clone(),
                ..Default::default()
            };
            let mut evs = Vec::new();
            let r = input::read_all(&[Source::File(d.path.clone())], &meta, &mut |e| {
                evs.push(e);
                Ok(true)
            });
            let v = r
                .map(|_| Arc::new(evs))
                .map_err(|e| diag::render(&e, false));
            (d, v)
        })
        .collect()
}

/// Runs one case over the loaded datasets; `keep_rows` keeps its results in the outcome.
pub fn run_case(
    case: &Case,
    data: &HashMap<Dataset, Result<Arc<Vec<Event>>, String>>,
    macros: &MacroSet,
    ctx: &PlanCtx,
    keep_rows: bool,
) -> Outcome {
    let started = Instant::now();
    let done = |status, results| Outcome {
        case: case.clone(),
        status,
        results,
        time: started.elapsed(),
        rows: Vec::new(),
    };
    if case.datasets.is_empty() {
        return done(Status::Skipped("the test names no attack_data".into()), 0);
    }
    let mut parts = Vec::new();
    for d in &case.datasets {
        match data.get(d) {
            None => {
                return done(
                    Status::Skipped(format!("dataset not found: {}", d.path.display())),
                    0,
                )
            }
            Some(Err(e)) if d.refused.is_some() => return done(Status::Failed(e.clone()), 0),
            Some(Err(e)) => return done(Status::Failed(format!("cannot read dataset: {e}")), 0),
            Some(Ok(evs)) => parts.push(evs.clone()),
        }
    }
    let events = if parts.len() == 1 {
        parts.pop().expect("one part")
    } else {
        let mut all: Vec<Event> = parts.iter().flat_map(|p| p.iter().cloned()).collect();
        for (n, e) in all.iter_mut().enumerate() {
            e.seq = n as u64;
        }
        Arc::new(all)
    };
    let query = match run::prepare(case.detection.origin(), macros) {
        Ok(q) => q,
        Err(e) => return done(Status::Failed(diag::render(&e, false)), 0),
    };
    let mut rows = Vec::new();
    let r = query.run_feed(ctx, Arc::new(MemFeed(events)), &mut |ev| {
        rows.push(ev);
        Ok(())
    });
    if let Err(e) = r {
        return done(Status::Failed(diag::render(&e, false)), rows.len() as u64);
    }
    let n = rows.len() as u64;
    let status = match &case.expected {
        Expected::AtLeastOne if n > 0 => Status::Passed,
        Expected::AtLeastOne => Status::Failed("the detection returned no results".into()),
        Expected::Count(c) if *c == n => Status::Passed,
        Expected::Count(c) => Status::Failed(format!("expected {c} result(s), got {n}")),
        Expected::Rows(want) => match compare_rows(want, &rows) {
            None => Status::Passed,
            Some(why) => Status::Failed(why),
        },
    };
    let mut o = done(status, n);
    if keep_rows {
        o.rows = rows;
    }
    o
}

/// Compares expected rows with results, in order, on the fields the expectation names.
fn compare_rows(
    want: &[serde_json::Map<String, serde_json::Value>],
    got: &[Event],
) -> Option<String> {
    if want.len() != got.len() {
        return Some(format!("expected {} row(s), got {}", want.len(), got.len()));
    }
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        let gj = output::to_json(g);
        for (k, v) in w {
            let actual = gj.get(k).cloned().unwrap_or(serde_json::Value::Null);
            if text(v) != text(&actual) {
                return Some(format!("row {}: {k} is {}, expected {}", i + 1, actual, v));
            }
        }
    }
    None
}

/// Values compare as Splunk shows them: as text (numbers and strings alike).
fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join("\n"),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Loads every detection with a `search:` under the paths.
pub fn load_detections(paths: &[PathBuf]) -> Result<Vec<Arc<Detection>>, SplError> {
    let files = crate::app::check::collect_files(paths)?;
    let mut out = Vec::new();
    for f in files {
        match rules::load_detection(&f) {
            Ok(d) => out.push(Arc::new(d)),
            Err(e) if e.msg.ends_with("has no `search:` key") => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// JUnit XML: one `<testcase name="detection: test">` each, with `<failure>`/`<skipped>`.
pub fn junit(outcomes: &[Outcome]) -> String {
    use quick_xml::escape::escape;
    let failures = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Failed(_)))
        .count();
    let skipped = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Skipped(_)))
        .count();
    let total: f64 = outcomes.iter().map(|o| o.time.as_secs_f64()).sum();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(&format!(
        "<testsuites tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{total:.3}\">\n",
        outcomes.len()
    ));
    s.push_str(&format!(
        "  <testsuite name=\"spleval\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{total:.3}\">\n",
        outcomes.len()
    ));
    for o in outcomes {
        s.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
            escape(o.case.label().as_str()),
            escape(o.case.detection.path.display().to_string().as_str()),
            o.time.as_secs_f64()
        ));
        match &o.status {
            Status::Passed => s.push_str("/>\n"),
            Status::Failed(r) => s.push_str(&format!(
                ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                escape(first_line(r)),
                escape(r.as_str())
            )),
            Status::Skipped(r) => s.push_str(&format!(
                ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                escape(r.as_str())
            )),
        }
    }
    s.push_str("  </testsuite>\n</testsuites>\n");
    s
}

fn first_line(s: &str) -> &str {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// Runs all cases with `jobs` threads, reporting each finished case to
/// `progress`; `keep_rows` keeps each case's results in its outcome.
pub fn run_all(
    cases: &[Case],
    data: &HashMap<Dataset, Result<Arc<Vec<Event>>, String>>,
    macros: &MacroSet,
    ctx: &PlanCtx,
    jobs: usize,
    keep_rows: bool,
    progress: &(dyn Fn(&Outcome) + Sync),
) -> Vec<Outcome> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()
        .expect("thread pool");
    pool.install(|| {
        cases
            .par_iter()
            .map(|c| {
                let o = run_case(c, data, macros, ctx, keep_rows);
                progress(&o);
                o
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_map_under_the_data_folder() {
        let d = Path::new("/data");
        assert_eq!(
            dataset_path(d, "https://media.githubusercontent.com/media/splunk/attack_data/master/datasets/attack_techniques/T1528/x/x.log"),
            PathBuf::from("/data/datasets/attack_techniques/T1528/x/x.log")
        );
        assert_eq!(
            dataset_path(d, "datasets/a/b.log"),
            PathBuf::from("/data/datasets/a/b.log")
        );
    }
}
