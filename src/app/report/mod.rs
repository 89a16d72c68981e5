//! The HTML report (`spleval hunt --report FILE`): one self-contained file
//! an analyst opens in a browser: a summary, an ATT&CK matrix heat map of
//! the techniques that fired, a timeline of the findings (inline SVG), the
//! risk objects ranked by total risk score (as ES's risk analysis sums
//! them), and per detection its messages, objects, results, expanded SPL
//! and YAML path.
//!
//! Nothing is loaded from elsewhere: CSS, script and SVG are inline, and a
//! Content-Security-Policy allows only that style and that script (by their
//! SHA-256), so even a value that escaped escaping could not run or load
//! anything. Every text from detections and events is escaped ([`html::esc`]).
//! Large hunts stay readable: detections are collapsed `<details>`, long
//! tables are paged by the page's script, and what is shown is capped
//! ([`Limits`]), with the cap said where it applies. The file is written
//! to a temporary file in the same folder, then renamed over the target.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use crate::app::findings::{DetectionInfo, Finding};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;

mod assets;
mod html;

pub use html::esc;

/// What a report shows at most.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Result rows per detection.
    pub rows: usize,
    /// Characters per table cell.
    pub cell: usize,
    /// Distinct messages per detection.
    pub messages: usize,
    /// Risk objects in the ranking.
    pub risk_objects: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            rows: 1000,
            cell: 600,
            messages: 200,
            risk_objects: 1000,
        }
    }
}

/// A detection that fired: its findings and results.
pub struct Fired {
    pub info: Arc<DetectionInfo>,
    /// Its search, macros expanded.
    pub spl: String,
    /// Result columns in order.
    pub columns: Vec<String>,
    pub rows: Vec<Event>,
    pub findings: Vec<Finding>,
}

/// The run the report describes.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub inputs: Vec<String>,
    pub rules: String,
    pub events: u64,
    pub malformed: u64,
    pub loaded: usize,
    pub runnable: usize,
    pub not_runnable: usize,
    pub left_out: usize,
    /// Detections that failed while running: name, error.
    pub failed: Vec<(String, String)>,
    pub seconds: f64,
    /// When the report was made (the run's now), epoch seconds.
    pub generated: f64,
}

/// A risk object summed over findings, as ES's risk analysis ranks them.
#[derive(Debug, Clone)]
pub struct RankedObject {
    pub value: String,
    pub kind: String,
    pub total: f64,
    pub findings: usize,
    pub fields: Vec<String>,
    /// Indexes into the fired detections.
    pub detections: Vec<usize>,
}

/// Risk objects of all findings (or of one detection), highest total score first.
pub fn rank_risk_objects<'a>(
    fired: impl IntoIterator<Item = (usize, &'a Fired)>,
) -> Vec<RankedObject> {
    let mut m: HashMap<(String, String), RankedObject> = HashMap::new();
    for (i, d) in fired {
        for f in &d.findings {
            for o in &f.risk_objects {
                let e = m
                    .entry((o.kind.clone(), o.value.clone()))
                    .or_insert_with(|| RankedObject {
                        value: o.value.clone(),
                        kind: o.kind.clone(),
                        total: 0.0,
                        findings: 0,
                        fields: Vec::new(),
                        detections: Vec::new(),
                    });
                e.total += o.score.unwrap_or(0.0);
                e.findings += 1;
                if !e.fields.contains(&o.field) {
                    e.fields.push(o.field.clone());
                }
                if !e.detections.contains(&i) {
                    e.detections.push(i);
                }
            }
        }
    }
    let mut v: Vec<RankedObject> = m.into_values().collect();
    v.sort_by(|a, b| {
        b.total
            .total_cmp(&a.total)
            .then(b.findings.cmp(&a.findings))
            .then(a.value.cmp(&b.value))
            .then(a.kind.cmp(&b.kind))
    });
    v
}

/// Findings per technique: technique id → (findings, detections).
pub fn technique_counts(fired: &[Fired]) -> BTreeMap<String, (usize, Vec<usize>)> {
    let mut m: BTreeMap<String, (usize, Vec<usize>)> = BTreeMap::new();
    for (i, d) in fired.iter().enumerate() {
        let mut seen: Vec<String> = Vec::new();
        for t in &d.info.ann.techniques {
            let id = t.trim().to_ascii_uppercase();
            if id.is_empty() || seen.contains(&id) {
                continue;
            }
            seen.push(id.clone());
            let e = m.entry(id).or_default();
            e.0 += d.findings.len();
            e.1.push(i);
        }
    }
    m
}

/// The whole page.
pub fn render(summary: &Summary, fired: &[Fired], tz: chrono_tz::Tz, limits: Limits) -> String {
    html::page(summary, fired, tz, limits)
}

/// Checks that a report can go to `path` (its folder exists, it is no
/// folder), before the work that fills it. Returns the folder and file name.
pub fn check_target(path: &Path) -> Result<(std::path::PathBuf, String)> {
    let fail =
        |why: String| SplError::input(format!("cannot write report {}: {why}", path.display()));
    if path.is_dir() {
        return Err(
            fail("it is a folder".into()).with_help("give a file name, e.g. --report report.html")
        );
    }
    let name = path
        .file_name()
        .ok_or_else(|| fail("it names no file".into()))?
        .to_string_lossy()
        .into_owned();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(fail(format!("folder {} does not exist", dir.display())));
    }
    Ok((dir.to_path_buf(), name))
}

/// Writes `text` to `path` atomically ([`crate::base::atomic`]), after
/// checking the target (its folder exists, it is not a folder).
pub fn write_atomic(path: &Path, text: &[u8]) -> Result<()> {
    check_target(path)?;
    crate::base::atomic::write_atomic(path, text)
        .map_err(|e| SplError::input(format!("cannot write report {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary_file() {
        let d = tempfile_dir();
        let p = d.join("r.html");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        let names: Vec<String> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["r.html"]);
        let e = write_atomic(&d.join("no/such/r.html"), b"x").unwrap_err();
        assert!(e.msg.contains("does not exist"), "{}", e.msg);
        let e = write_atomic(&d, b"x").unwrap_err();
        assert!(e.msg.contains("is a folder"), "{}", e.msg);
        let _ = std::fs::remove_dir_all(&d);
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!(
            "spleval-report-test-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
