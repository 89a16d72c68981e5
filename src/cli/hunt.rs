//! `spleval hunt`: every runnable detection of a rules folder over events,
//! reading them once; results by detection, then a summary on stderr.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use super::args::{self, ClockArgs, EventArgs, KnowledgeArgs, OutFormat};
use super::{check_sources, sources, CheckFailed};
use crate::app::findings::{self, Builder, DetectionInfo};
use crate::app::hunt::{self, Hunt};
use crate::app::output::{Format, Writer};
use crate::app::report;
use crate::base::diag::SplError;
use crate::content::rules;
use crate::input::Source;

#[derive(Args)]
pub struct HuntArgs {
    /// NDJSON (or any format `run` reads) event files or folders; none, or -: stdin
    #[arg(value_name = "EVENTS")]
    pub events: Vec<String>,
    /// Rules root: DIR/detections (recursed), DIR/macros, DIR/lookups
    #[arg(long, value_name = "DIR", required = true)]
    pub rules: PathBuf,
    /// An extra macro folder (repeatable; later folders override earlier ones)
    #[arg(long, value_name = "DIR")]
    pub macros: Vec<PathBuf>,
    #[command(flatten)]
    pub meta: EventArgs,
    /// Output format: rows (table, json, csv) or findings made of them (findings,
    /// ocsf) [default: table on a terminal, json otherwise]
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,
    /// Write a JSON summary here: counts, and per detection its results (0 included) or why it did not run
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Write an HTML report of the findings here: one self-contained file
    /// (summary, ATT&CK matrix, timeline, risk objects, each detection's
    /// messages, results and SPL), written atomically. Without --format,
    /// results are then not printed on stdout
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub clock: ClockArgs,
    #[command(flatten)]
    pub knowledge: KnowledgeArgs,
    /// No progress bar (it is shown only when stderr is a terminal)
    #[arg(long)]
    pub no_progress: bool,
    /// In the summary, list each detection that is not runnable with its
    /// reason, and the detections that took the most events
    #[arg(short, long)]
    pub verbose: bool,
    /// Also run detections that use `map` (a search per result, each reading
    /// the input again); by default they are left out and listed
    #[arg(long)]
    pub include_map: bool,
    /// Exit 1 when a detection failed while running (by default a hunt that
    /// ran every detection it could exits 0 and lists the failures)
    #[arg(long)]
    pub strict: bool,
}

pub fn exec(a: HuntArgs) -> Result<(), SplError> {
    let started = std::time::Instant::now();
    args::rules_root(Some(&a.rules), None)?;
    if let Some(p) = &a.report {
        report::check_target(p)?;
    }
    let knowledge = a.knowledge.load()?;
    let macros = rules::load_macros(Some(&a.rules), &a.macros)?;
    let ctx = args::plan_ctx(
        &a.clock,
        Some(&a.knowledge),
        Some(a.rules.clone()),
        Some(&macros),
    )?;
    let mut sources = sources(&a.events);
    check_sources(&sources)?;
    // Subsearches read the input again: keep stdin in memory.
    sources = sources
        .into_iter()
        .map(Source::buffered)
        .collect::<Result<Vec<_>, _>>()?;
    let meta = args::meta(&a.meta, Some(knowledge));
    let show_bar = !a.no_progress && std::io::stderr().is_terminal();
    let spinner = indicatif::ProgressBar::new_spinner();
    if show_bar {
        spinner.set_message("planning detections…");
        spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    } else {
        spinner.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut h = Hunt::load(&a.rules, &macros, &ctx, &sources, &meta, a.include_map)?;
    spinner.finish_and_clear();
    let files = hunt::expand_sources(&sources)?;
    let total = hunt::total_size(&files);
    let new_bar = |what: &str| {
        let bar = indicatif::ProgressBar::new(total);
        if show_bar {
            bar.set_style(
                indicatif::ProgressStyle::with_template(&format!(
                    "{what} {{bar:40}} {{bytes}}/{{total_bytes}} {{msg}} [{{elapsed_precise}}, eta {{eta}}]"
                ))
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
        } else {
            bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
        bar
    };
    let planned = started.elapsed();
    let bar = new_bar("hunt");
    let pass_started = std::time::Instant::now();
    let report = h.run(&sources, &meta, &mut |size, events| {
        bar.inc(size);
        bar.set_message(format!("{events} events"));
    })?;
    bar.finish_and_clear();
    let pass = pass_started.elapsed();
    let rereads = h.rereads();

    // Results, by detection name.
    let order = h.by_name();
    let stdout = std::io::stdout();
    let format = OutFormat::or_default(a.format);
    let tz = ctx.fn_ctx.tz;
    let print = a.report.is_none() || a.format.is_some();
    match format.split() {
        _ if !print => {}
        Err(style) => {
            let mut w = findings::Writer::new(stdout.lock(), style, tz);
            for &i in &order {
                let d = &h.hunters()[i];
                let Some(det) = d.detection.as_ref().filter(|_| !d.rows.is_empty()) else {
                    continue;
                };
                let (info, warnings) = DetectionInfo::of(det);
                for m in warnings {
                    eprintln!("warning: {m}");
                }
                let mut b = Builder::new(std::sync::Arc::new(info), tz, ctx.fn_ctx.now);
                for r in &d.rows {
                    w.push(&mut b, r)?;
                }
            }
            let _ = w.finish()?;
        }
        Ok(Format::Table) => {
            let mut first = true;
            for &i in &order {
                let d = &h.hunters()[i];
                if d.rows.is_empty() {
                    continue;
                }
                if !first {
                    println!();
                }
                first = false;
                println!(
                    "== {} ({} result{})",
                    d.name,
                    d.rows.len(),
                    if d.rows.len() == 1 { "" } else { "s" }
                );
                let mut w = Writer::new(Format::Table, stdout.lock(), tz);
                w.declare_columns(d.columns.clone());
                for r in &d.rows {
                    w.push(r.clone())?;
                }
                let _ = w.finish(d.returns_events)?;
            }
        }
        Ok(format) => {
            let mut w = Writer::new(format, stdout.lock(), tz);
            for &i in &order {
                let d = &h.hunters()[i];
                for r in &d.rows {
                    w.push(hunt::labelled(&d.name, r))?;
                }
            }
            let _ = w.finish(false)?;
        }
    }

    // The summary.
    let with_results = h.hunters().iter().filter(|d| !d.rows.is_empty()).count();
    let failed: Vec<&hunt::Hunter> = h.hunters().iter().filter(|d| d.error.is_some()).collect();
    let (keyed, always, views) = h.indexed();
    let subsearch = h.hunters().iter().filter(|d| d.subsearch).count();
    eprintln!(
        "hunt: {} detection(s) loaded, {} deprecated/removed left out, {} runnable, {} not runnable",
        h.loaded,
        h.retired,
        h.hunters().len(),
        h.skipped.len()
    );
    for (why, n) in h.skip_reasons() {
        eprintln!("  {why} ×{n}");
    }
    if a.verbose {
        for s in &h.skipped {
            eprintln!("  {} ({}): {}", s.name, s.path.display(), s.detail);
        }
    }
    if !h.left_out.is_empty() {
        eprintln!(
            "  {} left out: they use map, which runs a search per result: run them with `spleval run` (or hunt with --include-map)",
            h.left_out.len()
        );
        for s in &h.left_out {
            eprintln!("    {} ({})", s.name, s.path.display());
        }
    }
    eprintln!(
        "  {keyed} filed under equality keys, {always} offered every event, {views} tstats gated on a shared data model view"
    );
    eprintln!(
        "  {subsearch} with subsearches: {} distinct subsearch(es) ran in the same pass, {} detection(s) then given the events recorded for them; {rereads} extra pass(es) over the input",
        h.batched_subsearches,
        h.replayed
    );
    if a.verbose {
        for (name, why) in &h.read_again {
            eprintln!("    read again: {name} ({why})");
        }
    }
    eprintln!(
        "events: {} read in one pass ({} pushed to detections{})",
        report.input.events,
        report.pushed,
        if report.input.malformed > 0 {
            format!(", {} malformed record(s) skipped", report.input.malformed)
        } else {
            String::new()
        }
    );
    if a.verbose {
        eprintln!(
            "  reading {}",
            if report.projected {
                "only the fields the detections and subsearches read (and the knowledge deriving them)"
            } else {
                "whole events"
            }
        );
    }
    let results: usize = h.hunters().iter().map(|d| d.rows.len()).sum();
    eprintln!("detections with results: {with_results} ({results} result(s))");
    for &i in &order {
        let d = &h.hunters()[i];
        if !d.rows.is_empty() {
            eprintln!("  {}: {}", d.name, d.rows.len());
        }
    }
    if a.verbose {
        // Who took the most events: what a hunt's memory goes to (a plan that
        // returns events keeps each one it takes).
        let mut by_pushed: Vec<&hunt::Hunter> =
            h.hunters().iter().filter(|d| d.pushed > 0).collect();
        by_pushed.sort_by(|x, y| y.pushed.cmp(&x.pushed).then(x.name.cmp(&y.name)));
        let whole = h.hunters().iter().filter(|d| !d.projected()).count();
        eprintln!(
            "events taken, by detection ({whole} of {} copy whole events, the rest only the fields they read):",
            h.hunters().len()
        );
        for d in by_pushed.iter().take(20) {
            eprintln!(
                "  {:>9}  {}{}{}",
                d.pushed,
                d.name,
                if d.projected() { "" } else { " [whole events]" },
                if d.returns_events {
                    " [returns events]"
                } else {
                    ""
                }
            );
        }
        let returning: Vec<&hunt::Hunter> =
            h.hunters().iter().filter(|d| d.returns_events).collect();
        eprintln!(
            "  {} detection(s) return events (no transforming command): they keep the {} event(s) they return",
            returning.len(),
            returning.iter().map(|d| d.rows.len()).sum::<usize>()
        );
        let mut subs: Vec<&(String, u64, bool, usize)> = h.subsearch_taken.iter().collect();
        subs.sort_by_key(|x| std::cmp::Reverse(x.1));
        if !subs.is_empty() {
            eprintln!("events taken, by batched subsearch (rows returned):");
        }
        for (text, taken, projected, rows) in subs.iter().take(10) {
            let short: String = text.chars().take(100).collect();
            eprintln!(
                "  {taken:>9}  ({rows} rows){}  {short}",
                if *projected { "" } else { " [whole events]" }
            );
        }
    }
    if !failed.is_empty() {
        eprintln!("detections that failed while running: {}", failed.len());
        for d in &failed {
            if let Some(e) = &d.error {
                eprintln!("  {}: {}", d.name, e.msg);
            }
        }
    }
    eprintln!(
        "elapsed: {:.2}s (planning {:.2}s, reading and running {:.2}s)",
        started.elapsed().as_secs_f64(),
        planned.as_secs_f64(),
        pass.as_secs_f64()
    );
    if let Some(p) = &a.report {
        let mut fired = Vec::new();
        for &i in &order {
            let d = &h.hunters()[i];
            let Some(det) = d.detection.as_ref().filter(|_| !d.rows.is_empty()) else {
                continue;
            };
            let (info, _) = DetectionInfo::of(det);
            let info = std::sync::Arc::new(info);
            let mut b = Builder::new(info.clone(), tz, ctx.fn_ctx.now);
            let findings = d.rows.iter().map(|r| b.finding(r)).collect();
            let mut columns = d.columns.clone().unwrap_or_default();
            for c in crate::app::output::columns(&d.rows, d.returns_events) {
                if !columns.contains(&c) {
                    columns.push(c);
                }
            }
            fired.push(report::Fired {
                info,
                spl: d.expanded_spl().unwrap_or_default().to_string(),
                columns,
                rows: d.rows.clone(),
                findings,
            });
        }
        let summary = report::Summary {
            inputs: a.events.clone(),
            rules: a.rules.display().to_string(),
            events: report.input.events,
            malformed: report.input.malformed,
            loaded: h.loaded,
            runnable: h.hunters().len(),
            not_runnable: h.skipped.len(),
            left_out: h.left_out.len(),
            failed: failed
                .iter()
                .filter_map(|d| d.error.as_ref().map(|e| (d.name.clone(), e.msg.clone())))
                .collect(),
            seconds: started.elapsed().as_secs_f64(),
            generated: ctx.fn_ctx.now,
        };
        let html = report::render(&summary, &fired, tz, report::Limits::default());
        report::write_atomic(p, html.as_bytes())?;
        eprintln!(
            "report: {} ({} finding(s) of {} detection(s), {} KB)",
            p.display(),
            fired.iter().map(|d| d.findings.len()).sum::<usize>(),
            fired.len(),
            html.len().div_ceil(1024)
        );
    }
    if let Some(p) = &a.summary {
        let doc = h.summary(&order, &report, rereads, started.elapsed().as_secs_f64());
        let text = format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        );
        crate::base::atomic::write_atomic(p, text.as_bytes())
            .map_err(|e| SplError::input(format!("cannot write {}: {e}", p.display())))?;
    }
    if a.strict && !failed.is_empty() {
        return Err(CheckFailed.into());
    }
    crate::cli::unreadable_inputs(report.input.unreadable)
}
