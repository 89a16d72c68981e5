//! `spleval check`: load, expand, parse and plan every detection.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use super::args::{self, ClockArgs, KnowledgeArgs, MacroArgs, ReportFormat};
use super::CheckFailed;
use crate::base::diag::{self, SplError};
use crate::content::rules;

#[derive(Args)]
pub struct CheckArgs {
    /// Detection files or folders (recursed; any YAML with a `search:` key)
    #[arg(value_name = "PATHS", required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: MacroArgs,
    /// Stop after parsing: do not require every command to be runnable
    #[arg(long)]
    pub parse_only: bool,
    /// Check instead that each detection's data sources give the fields its
    /// search reads: their example logs (`<rules>/data_sources/*.yml`) read
    /// with the knowledge in force, held against the fields the search reads
    /// (the data model dataset and view fields for tstats); reports what is
    /// missing per detection, and detections whose data source has no example
    /// log as unverifiable
    #[arg(long)]
    pub data_sources: bool,
    #[command(flatten)]
    pub know: KnowledgeArgs,
    /// text: a diagnostic per failure, a summary, then `N passed, N failed`; json: one object per file
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
}

pub fn exec(a: CheckArgs) -> Result<(), SplError> {
    let root = args::rules_root(
        a.rules.rules.as_deref(),
        a.paths.first().map(|p| p.as_path()),
    )?;
    let macros = rules::load_macros(root.as_deref(), &a.rules.macros)?;
    let files = crate::app::check::collect_files(&a.paths)?;
    if a.data_sources {
        return data_sources(&a, root, &macros, &files);
    }
    let results: Vec<_> = files
        .iter()
        .filter_map(|f| crate::app::check::check_file(f, &macros))
        .collect();
    let passed = results.iter().filter(|r| r.passed(a.parse_only)).count();
    let failed = results.len() - passed;
    match a.format {
        ReportFormat::Json => {
            for r in &results {
                println!("{}", r.to_json());
            }
        }
        ReportFormat::Text => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            for r in results.iter().filter(|r| !r.passed(a.parse_only)) {
                if let Some(e) = r.error.as_ref().or(r.unsupported_diag.as_ref()) {
                    println!("{}: {}", r.path.display(), r.name);
                    print!("{}", diag::render(e, color));
                }
            }
            let summary = crate::app::check::summarize(&results, a.parse_only);
            if !summary.is_empty() {
                println!("failures by cause:");
                for (cause, n) in &summary {
                    println!("  {cause} ×{n}");
                }
            }
            println!("{passed} passed, {failed} failed");
        }
    }
    if failed > 0 {
        return Err(CheckFailed.into());
    }
    Ok(())
}

/// `check --data-sources`: per detection, what its data sources' example
/// logs do not give its search; a summary line; exit 0 (it is a report).
fn data_sources(
    a: &CheckArgs,
    root: Option<PathBuf>,
    macros: &crate::content::macros::MacroSet,
    files: &[PathBuf],
) -> Result<(), SplError> {
    use crate::app::datasources::{self as ds, Verdict};
    let Some(dir) = root
        .as_ref()
        .map(|r| r.join("data_sources"))
        .filter(|d| d.is_dir())
    else {
        return Err(SplError::usage(
            "--data-sources needs the rules root's data_sources/ folder (give --rules DIR where DIR/data_sources holds the data source YAML)",
        ));
    };
    let knowledge = a.know.load()?;
    let catalog = ds::Catalog::load(&dir, knowledge)?;
    let ctx = args::plan_ctx(
        &ClockArgs {
            now: None,
            tz: "UTC".into(),
        },
        Some(&a.know),
        root,
        Some(macros),
    )?;
    let reports: Vec<ds::DetectionReport> = {
        use rayon::prelude::*;
        files
            .par_iter()
            .filter_map(|f| ds::check_detection(f, macros, &ctx, &catalog))
            .collect()
    };
    let summary = ds::summarize(&reports, &catalog);
    match a.format {
        ReportFormat::Json => {
            for r in &reports {
                println!("{}", r.to_json());
            }
            println!(
                "{}",
                serde_json::json!({
                    "summary": {
                        "detections": summary.detections,
                        "verified": summary.verified,
                        "missing": summary.missing,
                        "unverifiable": summary.unverifiable,
                        "without_data_source": summary.no_data_source,
                        "unreadable": summary.errors,
                        "datamodel_uses": summary.reach.0,
                        "datamodel_uses_entered": summary.reach.1,
                        "top_missing": summary.top_missing.iter().take(20).map(|(f, n)| serde_json::json!({"field": f, "detections": n})).collect::<Vec<_>>(),
                    }
                })
            );
        }
        ReportFormat::Text => {
            for r in &reports {
                if let Some(e) = &r.error {
                    println!("{}: cannot be read: {e}", r.path.display());
                    continue;
                }
                let mut lines = Vec::new();
                for (n, v) in &r.sources {
                    match v {
                        Verdict::Unknown => {
                            lines.push(format!("{n}: no such data source in {}", dir.display()))
                        }
                        Verdict::Unverifiable => {
                            lines.push(format!("{n}: unverifiable (no example log)"))
                        }
                        Verdict::Checked {
                            entered: Some(false),
                            ..
                        } => lines.push(format!(
                            "{n}: its example does not enter {}",
                            r.dataset.as_deref().unwrap_or("the dataset")
                        )),
                        Verdict::Checked { missing, .. } if !missing.is_empty() => {
                            lines.push(format!("{n}: missing {}", missing.join(", ")))
                        }
                        Verdict::Checked { .. } => {}
                    }
                }
                if !lines.is_empty() {
                    println!("{} ({})", r.name, r.path.display());
                    for l in lines {
                        println!("  {l}");
                    }
                }
            }
            println!("{}", summary.line());
        }
    }
    Ok(())
}
