//! `spleval test`: detections' own `tests:` against local attack data.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use super::args::{self, ClockArgs, KnowledgeArgs, MacroArgs, ReportFormat};
use super::{indent, CheckFailed};
use crate::app::testrun::{self, Status};
use crate::base::diag::SplError;
use crate::content::rules;

#[derive(Args)]
pub struct TestArgs {
    /// Detection files or folders (recursed)
    #[arg(value_name = "PATHS", required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: MacroArgs,
    /// Root of the attack data: a dataset URL maps to the path after /attack_data/<branch>/ under it
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Write JUnit XML here
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// text: progress, failures, a summary and `N passed, N failed`; json: one object per test case
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Detections run in parallel on N threads [default: all cores]
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Missing datasets skip their tests without failing the run
    #[arg(long)]
    pub allow_missing: bool,
    #[command(flatten)]
    pub clock: ClockArgs,
    #[command(flatten)]
    pub knowledge: KnowledgeArgs,
}

pub fn exec(a: TestArgs) -> Result<(), SplError> {
    let root = args::rules_root(
        a.rules.rules.as_deref(),
        a.paths.first().map(|p| p.as_path()),
    )?;
    let macros = rules::load_macros(root.as_deref(), &a.rules.macros)?;
    if !a.data.is_dir() {
        return Err(SplError::usage(format!(
            "--data {} is not a folder",
            a.data.display()
        )));
    }
    let ctx = args::plan_ctx(&a.clock, Some(&a.knowledge), root, Some(&macros))?;
    let dets = testrun::load_detections(&a.paths)?;
    let mut cases = Vec::new();
    for d in dets {
        cases.extend(testrun::cases(d, &a.data)?);
    }
    let data = testrun::load_datasets(&cases, Some(a.knowledge.load()?));
    let jobs = a.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let show_bar = a.format == ReportFormat::Text && std::io::stderr().is_terminal();
    let bar = indicatif::ProgressBar::new(cases.len() as u64);
    if !show_bar {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let outcomes = testrun::run_all(&cases, &data, &macros, &ctx, jobs, &|_| bar.inc(1));
    bar.finish_and_clear();
    let passed = outcomes
        .iter()
        .filter(|o| o.status == Status::Passed)
        .count();
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Failed(_)))
        .count();
    let skipped = outcomes.len() - passed - failed;
    if let Some(j) = &a.junit {
        std::fs::write(j, testrun::junit(&outcomes))
            .map_err(|e| SplError::input(format!("cannot write {}: {e}", j.display())))?;
    }
    match a.format {
        ReportFormat::Json => {
            for o in &outcomes {
                println!("{}", o.to_json());
            }
        }
        ReportFormat::Text => {
            for o in &outcomes {
                match &o.status {
                    Status::Failed(r) => println!("FAIL {}\n{}", o.case.label(), indent(r)),
                    Status::Skipped(r) => println!("SKIP {}: {r}", o.case.label()),
                    Status::Passed => {}
                }
            }
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::ASCII_MARKDOWN);
            t.set_header(vec!["detection", "test", "status", "results", "seconds"]);
            for o in &outcomes {
                let st = match o.status {
                    Status::Passed => "passed",
                    Status::Failed(_) => "failed",
                    Status::Skipped(_) => "skipped",
                };
                t.add_row(vec![
                    o.case.detection.name.clone(),
                    o.case.name.clone(),
                    st.to_string(),
                    o.results.to_string(),
                    format!("{:.3}", o.time.as_secs_f64()),
                ]);
            }
            println!("{t}");
            if skipped > 0 {
                println!("{passed} passed, {failed} failed, {skipped} skipped");
            } else {
                println!("{passed} passed, {failed} failed");
            }
        }
    }
    if failed > 0 || (skipped > 0 && !a.allow_missing) {
        return Err(CheckFailed.into());
    }
    Ok(())
}
