//! `spleval run`: a detection YAML's search (or `--spl`) over events.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;

use super::args::{self, ClockArgs, EventArgs, KnowledgeArgs, MacroArgs, OutFormat};
use super::{check_sources, load_search, sources, time_arg};
use crate::app::findings::{self, Builder, DetectionInfo};
use crate::app::output::Writer;
use crate::base::diag::SplError;
use crate::content::knowledge::Knowledge;
use crate::content::rules;
use crate::engine::run;
use crate::input::Meta;

#[derive(Args)]
pub struct RunArgs {
    /// RULE (a detection YAML) then EVENTS; with --spl, all are EVENTS.
    /// EVENTS are files or folders (recursed) of NDJSON, JSON arrays, Splunk
    /// exports, Windows XML events, .evtx files, CSV or raw text (detected by content;
    /// gzip/zstd read transparently), or - for stdin; none: stdin (not read
    /// when the search starts with a generating command such as | makeresults)
    #[arg(value_name = "RULE | EVENTS")]
    pub args: Vec<String>,
    /// Run this SPL instead of a rule file
    #[arg(long, value_name = "SPL")]
    pub spl: Option<String>,
    #[command(flatten)]
    pub rules: MacroArgs,
    #[command(flatten)]
    pub events: EventArgs,
    /// Output format: rows (table, json, csv) or findings made of them (findings,
    /// ocsf; these need a RULE) [default: table on a terminal, json otherwise]
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,
    #[command(flatten)]
    pub clock: ClockArgs,
    /// Only events at or after this time (epoch, ISO-8601, or relative like -7d@d); addinfo's info_min_time
    #[arg(long, value_name = "TIME")]
    pub earliest: Option<String>,
    /// Only events before this time (epoch, ISO-8601, or relative like now or @d); addinfo's info_max_time
    #[arg(long, value_name = "TIME")]
    pub latest: Option<String>,
    /// After the results, print to stderr per command: rows in, rows out, time (its own, not later commands')
    #[arg(long)]
    pub explain: bool,
    /// Let outputlookup write (and, with no results, remove) lookup files in
    /// the rules' lookups folder; without it, outputlookup only reports
    #[arg(long)]
    pub write_lookups: bool,
    #[command(flatten)]
    pub knowledge: KnowledgeArgs,
    /// Do not run the search: show the first event's fields and the rule that produced each
    #[arg(long)]
    pub explain_fields: bool,
    /// Write this shard's partial result (NDJSON: a header, then a leading
    /// tstats' or the first stats' states per group, or the rows of the
    /// streaming commands) to stdout instead of results; `spleval merge`
    /// merges partials
    #[arg(long, conflicts_with_all = ["format", "explain_fields"])]
    pub partial: bool,
}

pub fn exec(a: RunArgs) -> Result<(), SplError> {
    let mut positional = a.args.clone();
    let knowledge = a.knowledge.load()?;
    let is_rule = |s: &String| s.ends_with(".yml") || s.ends_with(".yaml");
    if a.explain_fields && a.spl.is_none() && !positional.first().is_some_and(is_rule) {
        return explain_fields(&a, &positional, knowledge);
    }
    let is_rule_file = |p: &str| {
        matches!(
            Path::new(p).extension().and_then(|e| e.to_str()),
            Some("yml") | Some("yaml")
        )
    };
    if a.spl.is_some() {
        if let Some(r) = positional.iter().find(|p| is_rule_file(p)) {
            return Err(SplError::usage(format!(
                "give either a RULE file or --spl, not both (got --spl and {r})"
            ))
            .with_help("with --spl every positional argument is an EVENTS file"));
        }
    }
    let format = OutFormat::or_default(a.format);
    if a.spl.is_some() && format.split().is_err() {
        return Err(SplError::usage(
            "--format findings and --format ocsf need a RULE file: a --spl search is no detection",
        )
        .with_help(
            "findings take their message, risk, ATT&CK and stories from the detection YAML",
        ));
    }
    let rule = if a.spl.is_none() {
        if positional.is_empty() {
            return Err(SplError::usage("give a RULE file or --spl <SPL>"));
        }
        Some(PathBuf::from(positional.remove(0)))
    } else {
        None
    };
    if let Some(r) = &rule {
        if !is_rule_file(&r.to_string_lossy()) && r.exists() {
            return Err(SplError::usage(format!(
                "{} is not a rule file (.yml); to run SPL over it use --spl",
                r.display()
            )));
        }
    }
    let (origin, macros) = load_search(
        rule.as_deref(),
        a.spl.as_deref(),
        a.rules.rules.as_deref(),
        &a.rules.macros,
    )?;
    let root = args::rules_root(a.rules.rules.as_deref(), rule.as_deref())?;
    let mut ctx = args::plan_ctx(&a.clock, Some(&a.knowledge), root, Some(&macros))?;
    ctx.write_lookups = a.write_lookups;
    let query = run::prepare(origin, &macros)?;
    let sources = sources(&positional);
    check_sources(&sources)?;
    if a.explain_fields {
        return explain_fields(&a, &positional, knowledge);
    }
    let meta = Meta {
        earliest: a
            .earliest
            .as_deref()
            .map(|v| time_arg("--earliest", v, &ctx.fn_ctx))
            .transpose()?,
        latest: a
            .latest
            .as_deref()
            .map(|v| time_arg("--latest", v, &ctx.fn_ctx))
            .transpose()?,
        now: a.clock.now,
        ..args::meta(&a.events, Some(knowledge))
    };
    ctx.time_range = (meta.earliest, meta.latest);
    let started = std::time::Instant::now();
    crate::commands::support::pipeline::set_stage_timing(a.explain);
    if a.partial {
        let stdout = std::io::stdout();
        let (split, report) = crate::engine::partial::run_shard(
            &query,
            &ctx,
            &sources,
            &meta,
            &mut std::io::BufWriter::new(stdout.lock()),
        )?;
        return finish_run(a.explain, &query, &report, started, Some(&split.why));
    }
    let report = write_results(format, rule.as_deref(), &ctx, &mut |sink| {
        query.run(&ctx, &sources, &meta, sink)
    })?;
    finish_run(a.explain, &query, &report, started, None)
}

/// A search run that sends its results to the sink it is given.
pub(crate) type Produce<'a> = dyn FnMut(
        &mut dyn FnMut(crate::base::event::Event) -> Result<(), SplError>,
    ) -> Result<run::RunReport, SplError>
    + 'a;

/// Writes a search's results to stdout in `format` (rows, or findings made
/// of them with the RULE's metadata); `produce` runs the search, sending
/// its results to the sink it is given (`run`, `merge`).
pub(crate) fn write_results(
    format: OutFormat,
    rule: Option<&Path>,
    ctx: &crate::commands::support::pipeline::PlanCtx,
    produce: &mut Produce<'_>,
) -> Result<run::RunReport, SplError> {
    let stdout = std::io::stdout();
    Ok(match (format.split(), rule) {
        (Ok(format), _) => {
            let mut writer = Writer::new(format, stdout.lock(), ctx.fn_ctx.tz);
            let report = produce(&mut |ev| writer.push(ev))?;
            writer.declare_columns(report.columns.clone());
            let mut report = report;
            writer.declare_display(std::mem::take(&mut report.display), ctx.fn_ctx.clone());
            let _ = writer.finish(report.returns_events)?;
            report
        }
        (Err(style), Some(rule)) => {
            let (info, warnings) = DetectionInfo::of(&rules::load_detection(rule)?);
            for w in warnings {
                eprintln!("warning: {w}");
            }
            let tz = ctx.fn_ctx.tz;
            let mut b = Builder::new(Arc::new(info), tz, ctx.fn_ctx.now);
            let mut w = findings::Writer::new(stdout.lock(), style, tz);
            let report = produce(&mut |ev| w.push(&mut b, &ev))?;
            let _ = w.finish()?;
            report
        }
        (Err(_), None) => return Err(SplError::usage(
            "--format findings and --format ocsf need a RULE file: a --spl search is no detection",
        )),
    })
}

/// After a run: `--explain` (with where a split search splits, for
/// `--partial` and `merge`), the malformed-input warning, unreadable inputs.
pub(crate) fn finish_run(
    explain: bool,
    query: &run::Query,
    report: &run::RunReport,
    started: std::time::Instant,
    split: Option<&str>,
) -> Result<(), SplError> {
    if explain {
        if let Some(why) = split {
            eprintln!("{why}");
        }
        eprint!(
            "{}",
            crate::engine::explain::render(
                &report.stages,
                &query.expanded.text,
                &report.input,
                started.elapsed()
            )
        );
    }
    if report.input.malformed > 0 {
        eprintln!(
            "warning: {} malformed record(s) skipped, {} event(s) read",
            report.input.malformed, report.input.events
        );
    }
    crate::cli::unreadable_inputs(report.input.unreadable)
}

/// `run --explain-fields`: the first event's fields, each with the rule that produced it.
fn explain_fields(
    a: &RunArgs,
    events: &[String],
    knowledge: Arc<Knowledge>,
) -> Result<(), SplError> {
    let sources = sources(events);
    check_sources(&sources)?;
    let meta = Meta {
        now: a.clock.now,
        ..args::meta(&a.events, Some(knowledge))
    };
    match crate::input::explain::explain_first(&sources, &meta)? {
        None => {
            println!("no event read");
            Ok(())
        }
        Some(rows) => {
            let w = rows.iter().map(|r| r.0.len()).max().unwrap_or(5).min(40);
            for (field, value, from) in rows {
                let mut v: String = value.replace(['\n', '\r'], " ");
                if v.chars().count() > 60 {
                    v = v.chars().take(57).collect::<String>() + "...";
                }
                println!("{field:<w$}  {v:<60}  {from}");
            }
            Ok(())
        }
    }
}
