//! `spleval check`: load, expand, parse and plan every detection.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use super::args::{self, MacroArgs, ReportFormat};
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
