//! `spleval check`: load → expand → parse → (unless parse-only) confirm every
//! command is one the evaluator runs, for every detection under some paths.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::base::diag::{ErrorKind, SplError};
use crate::content::macros::MacroSet;
use crate::content::rules;
use crate::engine::run;

/// The outcome for one file.
#[derive(Debug)]
pub struct FileCheck {
    pub path: PathBuf,
    pub name: String,
    pub parsed: bool,
    pub runnable: bool,
    /// Commands that parse but do not run, in order of first use.
    pub unsupported: Vec<String>,
    pub error: Option<SplError>,
    /// For a parsed but not runnable search: a diagnostic at the first such command.
    pub unsupported_diag: Option<SplError>,
}

impl FileCheck {
    pub fn passed(&self, parse_only: bool) -> bool {
        if parse_only {
            self.parsed
        } else {
            self.parsed && self.runnable
        }
    }

    /// The failure cause for the summary.
    pub fn cause(&self, parse_only: bool) -> Option<String> {
        if let Some(e) = &self.error {
            return Some(match e.kind {
                ErrorKind::Macro => "macro error".into(),
                ErrorKind::Rule => "unreadable rule file".into(),
                _ => "parse error".into(),
            });
        }
        if !parse_only && !self.runnable {
            return Some(format!("not runnable: {}", self.unsupported.join(", ")));
        }
        None
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "path": self.path.display().to_string(),
            "name": self.name,
            "parsed": self.parsed,
            "runnable": self.runnable,
            "unsupported": self.unsupported,
            "error": self.error.as_ref().map(|e| e.msg.clone()),
        })
    }
}

/// Every `.yml`/`.yaml` file under the paths (folders recursed), sorted.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, SplError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out)?;
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(SplError::input(format!("{} does not exist", p.display())));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), SplError> {
    let rd = std::fs::read_dir(dir)
        .map_err(|e| SplError::input(format!("cannot read folder {}: {e}", dir.display())))?;
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("yml") | Some("yaml")
        ) {
            out.push(p);
        }
    }
    Ok(())
}

/// Checks one file; None when it is YAML without a `search:` key.
pub fn check_file(path: &Path, macros: &MacroSet) -> Option<FileCheck> {
    let det = match rules::load_search_only(path) {
        Ok(Some(d)) => d,
        Ok(None) => return None,
        Err(e) => {
            return Some(FileCheck {
                path: path.to_path_buf(),
                name: String::new(),
                parsed: false,
                runnable: false,
                unsupported: Vec::new(),
                error: Some(e),
                unsupported_diag: None,
            })
        }
    };
    let mut fc = FileCheck {
        path: path.to_path_buf(),
        name: det.name.clone(),
        parsed: false,
        runnable: false,
        unsupported: Vec::new(),
        error: None,
        unsupported_diag: None,
    };
    match run::prepare(det.origin(), macros) {
        Err(e) => fc.error = Some(e),
        Ok(q) => {
            fc.parsed = true;
            let mut first_bad: Option<SplError> = None;
            q.pipeline.walk(&mut |node| {
                if !node.cmd.runnable() {
                    let n = node.cmd.name().to_string();
                    if !fc.unsupported.contains(&n) {
                        fc.unsupported.push(n.clone());
                    }
                    if first_bad.is_none() {
                        first_bad = Some(
                            SplError::plan(format!("command '{n}' is parsed but not runnable"))
                                .at(node.name_span)
                                .with_label("not runnable"),
                        );
                    }
                }
            });
            fc.runnable = fc.unsupported.is_empty();
            if let Some(e) = first_bad {
                // Kept for the text report only; `error` stays None (it parsed).
                let e = q.locate(e);
                fc.unsupported_diag = Some(e);
            }
        }
    }
    Some(fc)
}

/// Counts failures by cause, most frequent first: `not runnable: tstats ×877`.
pub fn summarize(results: &[FileCheck], parse_only: bool) -> Vec<(String, usize)> {
    let mut m: BTreeMap<String, usize> = BTreeMap::new();
    for r in results {
        if let Some(c) = r.cause(parse_only) {
            *m.entry(c).or_default() += 1;
        }
    }
    let mut v: Vec<(String, usize)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}
