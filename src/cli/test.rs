//! `spleval test`: detections' own `tests:` against local attack data.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use std::sync::Arc;

use clap::ValueEnum;

use super::args::{self, ClockArgs, KnowledgeArgs, MacroArgs};
use super::{indent, CheckFailed};
use crate::app::findings::{self, Builder, DetectionInfo, Style};
use crate::app::testrun::{self, Outcome, Status};
use crate::base::diag::SplError;
use crate::content::rules;

/// `spleval test --format`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// Progress, failures, a summary table and `N passed, N failed`
    Text,
    /// One object per test case
    Json,
    /// One finding per result of every test case (NDJSON, grammar/findings.schema.json);
    /// failures and the `N passed, N failed` line go to stderr
    Findings,
    /// One OCSF Detection Finding per result of every test case; as findings otherwise
    Ocsf,
}

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
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: TestFormat,
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
    let style = match a.format {
        TestFormat::Findings => Some(Style::Findings),
        TestFormat::Ocsf => Some(Style::Ocsf),
        _ => None,
    };
    let show_bar = a.format == TestFormat::Text && std::io::stderr().is_terminal();
    let bar = indicatif::ProgressBar::new(cases.len() as u64);
    if !show_bar {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let outcomes = testrun::run_all(&cases, &data, &macros, &ctx, jobs, style.is_some(), &|_| {
        bar.inc(1)
    });
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
        crate::base::atomic::write_atomic(j, testrun::junit(&outcomes).as_bytes())
            .map_err(|e| SplError::input(format!("cannot write {}: {e}", j.display())))?;
    }
    match a.format {
        TestFormat::Findings | TestFormat::Ocsf => {
            write_findings(&outcomes, style.unwrap_or(Style::Findings), &ctx)?;
            for o in &outcomes {
                match &o.status {
                    Status::Failed(r) => eprintln!("FAIL {}\n{}", o.case.label(), indent(r)),
                    Status::Skipped(r) => eprintln!("SKIP {}: {r}", o.case.label()),
                    Status::Passed => {}
                }
            }
            if skipped > 0 {
                eprintln!("{passed} passed, {failed} failed, {skipped} skipped");
            } else {
                eprintln!("{passed} passed, {failed} failed");
            }
        }
        TestFormat::Json => {
            for o in &outcomes {
                println!("{}", o.to_json());
            }
        }
        TestFormat::Text => {
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

/// Every test's results as findings, in test order; each carries its test's name.
fn write_findings(
    outcomes: &[Outcome],
    style: Style,
    ctx: &crate::commands::support::pipeline::PlanCtx,
) -> Result<(), SplError> {
    let tz = ctx.fn_ctx.tz;
    let mut w = findings::Writer::new(std::io::stdout().lock(), style, tz);
    let mut warned: Vec<std::path::PathBuf> = Vec::new();
    for o in outcomes.iter().filter(|o| !o.rows.is_empty()) {
        let (info, warnings) = DetectionInfo::of(&o.case.detection);
        if !warned.contains(&o.case.detection.path) {
            warned.push(o.case.detection.path.clone());
            for m in warnings {
                eprintln!("warning: {m}");
            }
        }
        let mut b = Builder::new(Arc::new(info), tz, ctx.fn_ctx.now);
        let test = [("test", serde_json::json!(o.case.name))];
        for r in &o.rows {
            w.push_with(&mut b, r, &test)?;
        }
    }
    let _ = w.finish()?;
    Ok(())
}
