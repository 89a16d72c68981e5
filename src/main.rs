//! The `spleval` command line.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use spleval::diag::{self, SplError};
use spleval::engine;
use spleval::functions::FnCtx;
use spleval::input::{Meta, Source};
use spleval::knowledge::Knowledge;
use spleval::macros::{MacroSet, Origin};
use spleval::output::{Format, Writer};
use spleval::pipeline::PlanCtx;
use spleval::rules;

#[derive(Parser)]
#[command(
    name = "spleval",
    version,
    about = "Run Splunk SPL detections (security_content YAML) over JSON events, no Splunk server needed",
    after_help = "Exit codes: 0 success (zero results included), 1 runtime or input error, 2 usage, parse or macro error."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run a detection YAML's search (or --spl) over events
    Run(Box<RunArgs>),
    /// Print the SPL with every macro expanded
    Expand(SearchArgs),
    /// Load, expand, parse and (unless --parse-only) plan every detection under PATHS
    Check(CheckArgs),
    /// Print the parsed AST (as SPL, or --json)
    Parse {
        #[command(flatten)]
        search: SearchArgs,
        /// Print the AST as JSON (with spans) instead of SPL
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct SearchArgs {
    /// A detection YAML file (security_content schema)
    #[arg(value_name = "RULE")]
    rule: Option<PathBuf>,
    /// Use this SPL instead of a rule file
    #[arg(long, value_name = "SPL")]
    spl: Option<String>,
    /// Rules root holding macros/; default: the nearest ancestor of RULE that holds macros/, else ./rules
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// An extra macro folder (repeatable; later folders override earlier ones)
    #[arg(long, value_name = "DIR")]
    macros: Vec<PathBuf>,
}

#[derive(Args)]
struct CheckArgs {
    /// Detection files or folders (recursed; any YAML with a `search:` key)
    #[arg(value_name = "PATHS", required = true)]
    paths: Vec<PathBuf>,
    /// Rules root holding macros/; default: the nearest ancestor of the first path that holds macros/, else ./rules
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// An extra macro folder (repeatable; later folders override earlier ones)
    #[arg(long, value_name = "DIR")]
    macros: Vec<PathBuf>,
    /// Stop after parsing: do not require every command to be runnable
    #[arg(long)]
    parse_only: bool,
    /// text: a diagnostic per failure, a summary, then `N passed, N failed`; json: one object per file
    #[arg(long, value_enum, default_value = "text")]
    format: CheckFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CheckFormat {
    Text,
    Json,
}

#[derive(Args)]
struct RunArgs {
    /// RULE (a detection YAML) then EVENTS; with --spl, all are EVENTS.
    /// EVENTS are files or folders (recursed) of NDJSON, JSON arrays, Splunk
    /// exports, Windows XML events, CSV or raw text (detected by content;
    /// gzip/zstd read transparently), or - for stdin; none: stdin (not read
    /// when the search starts with a generating command such as | makeresults)
    #[arg(value_name = "RULE | EVENTS")]
    args: Vec<String>,
    /// Run this SPL instead of a rule file
    #[arg(long, value_name = "SPL")]
    spl: Option<String>,
    /// Rules root holding macros/; default: the nearest ancestor of RULE that holds macros/, else ./rules
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// An extra macro folder (repeatable; later folders override earlier ones)
    #[arg(long, value_name = "DIR")]
    macros: Vec<PathBuf>,
    /// Set sourcetype on events that lack it
    #[arg(long, value_name = "V")]
    sourcetype: Option<String>,
    /// Set source on events that lack it (default: the file name)
    #[arg(long, value_name = "V")]
    source: Option<String>,
    /// Set host on events that lack it
    #[arg(long, value_name = "V")]
    host: Option<String>,
    /// Set index on events that lack it
    #[arg(long, value_name = "V")]
    index: Option<String>,
    /// Output format [default: table on a terminal, json otherwise]
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Fix now() and relative times to this epoch time
    #[arg(long, value_name = "EPOCH")]
    now: Option<f64>,
    /// Time zone for rendering and reading local times
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    tz: String,
    /// Only events at or after this time (epoch, ISO-8601, or relative like -7d@d)
    #[arg(long, value_name = "TIME")]
    earliest: Option<String>,
    /// Only events before this time (epoch, ISO-8601, or relative like now or @d)
    #[arg(long, value_name = "TIME")]
    latest: Option<String>,
    /// MaxMind database (.mmdb) for iplocation [env: SPLEVAL_GEOIP]
    #[arg(long, value_name = "FILE")]
    geoip: Option<PathBuf>,
    /// A folder of search-time knowledge YAML, applied after the shipped packs
    /// (repeatable; later folders win)
    #[arg(long, value_name = "DIR")]
    knowledge: Vec<PathBuf>,
    /// Apply no search-time knowledge (not even the shipped packs)
    #[arg(long)]
    no_knowledge: bool,
    /// Do not run the search: show the first event's fields and the rule that produced each
    #[arg(long)]
    explain_fields: bool,
}

/// Reads a --earliest/--latest value.
fn time_arg(flag: &str, v: &str, ctx: &FnCtx) -> Result<f64, SplError> {
    if let Some(n) = spleval::value::parse_number(v) {
        return Ok(n);
    }
    if let Some(t) = spleval::time::parse_timestamp(v) {
        return Ok(t);
    }
    spleval::time::relative_time(ctx.now, v, ctx.tz)
        .map_err(|e| SplError::usage(format!("{flag} {v:?}: {e}")))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.cmd {
        Cmd::Run(a) => cmd_run(*a),
        Cmd::Expand(a) => cmd_expand(a),
        Cmd::Check(a) => cmd_check(a),
        Cmd::Parse { search, json } => cmd_parse(search, json),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.msg.is_empty() {
                report(&e);
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn report(e: &SplError) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", diag::render(e, color));
}

/// The search to work on, with its macros.
fn load_search(
    rule: Option<&Path>,
    spl: Option<&str>,
    rules_dir: Option<&Path>,
    extra_macros: &[PathBuf],
) -> Result<(Origin, MacroSet), SplError> {
    let origin = match (rule, spl) {
        (Some(_), Some(_)) => {
            return Err(SplError::usage(
                "give either a RULE file or --spl, not both",
            ))
        }
        (None, None) => return Err(SplError::usage("give a RULE file or --spl <SPL>")),
        (None, Some(s)) => Origin {
            label: "--spl".into(),
            text: s.to_string(),
        },
        (Some(r), None) => rules::load_detection(r)?.origin(),
    };
    let root = match rules_dir {
        Some(d) => {
            if !d.is_dir() {
                return Err(SplError::new(
                    diag::ErrorKind::Rule,
                    format!("rules folder {} does not exist", d.display()),
                ));
            }
            Some(d.to_path_buf())
        }
        None => rule
            .and_then(rules::find_rules_root)
            .or_else(|| Some(PathBuf::from("rules")).filter(|p| p.is_dir())),
    };
    let macros = rules::load_macros(root.as_deref(), extra_macros)?;
    Ok((origin, macros))
}

fn fn_ctx(now: Option<f64>, tz: &str) -> Result<FnCtx, SplError> {
    let tz = spleval::time::parse_tz(tz).map_err(|e| SplError::usage(format!("--tz: {e}")))?;
    let now = now.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0)
    });
    Ok(FnCtx { now, tz })
}

fn cmd_run(a: RunArgs) -> Result<(), SplError> {
    let mut positional = a.args.clone();
    let knowledge = if a.no_knowledge {
        Arc::new(Knowledge::empty())
    } else {
        Arc::new(Knowledge::load(&a.knowledge)?)
    };
    let is_rule = |s: &String| s.ends_with(".yml") || s.ends_with(".yaml");
    if a.explain_fields && a.spl.is_none() && !positional.first().is_some_and(is_rule) {
        return explain_fields(&a, &positional, knowledge);
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
        if !matches!(
            r.extension().and_then(|e| e.to_str()),
            Some("yml") | Some("yaml")
        ) && r.exists()
        {
            return Err(SplError::usage(format!(
                "{} is not a rule file (.yml); to run SPL over it use --spl",
                r.display()
            )));
        }
    }
    let (origin, macros) = load_search(
        rule.as_deref(),
        a.spl.as_deref(),
        a.rules.as_deref(),
        &a.macros,
    )?;
    let mut ctx = PlanCtx::new(fn_ctx(a.now, &a.tz)?);
    ctx.rules_root = a
        .rules
        .clone()
        .or_else(|| rule.as_deref().and_then(rules::find_rules_root))
        .or_else(|| Some(PathBuf::from("rules")).filter(|p| p.is_dir()));
    ctx.geoip = a
        .geoip
        .clone()
        .or_else(|| std::env::var_os("SPLEVAL_GEOIP").map(PathBuf::from));
    let query = engine::prepare(origin, &macros)?;
    let sources: Vec<Source> = if positional.is_empty() {
        vec![Source::Stdin]
    } else {
        positional.iter().map(|s| Source::from_arg(s)).collect()
    };
    check_sources(&sources)?;
    if a.explain_fields {
        return explain_fields(&a, &positional, knowledge);
    }
    let meta = Meta {
        sourcetype: a.sourcetype.clone(),
        source: a.source.clone(),
        host: a.host.clone(),
        index: a.index.clone(),
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
        knowledge: Some(knowledge),
    };
    let stdout = std::io::stdout();
    let format = a.format.unwrap_or(if stdout.is_terminal() {
        Format::Table
    } else {
        Format::Json
    });
    let mut writer = Writer::new(format, stdout.lock(), ctx.fn_ctx.tz);
    let report = query.run(&ctx, &sources, &meta, &mut |ev| writer.push(ev))?;
    let _ = writer.finish(report.returns_events)?;
    if report.input.malformed > 0 {
        eprintln!(
            "warning: {} malformed line(s) skipped, {} event(s) read",
            report.input.malformed, report.input.events
        );
    }
    Ok(())
}

fn check_sources(sources: &[Source]) -> Result<(), SplError> {
    for s in sources {
        if let Source::File(p) = s {
            if !p.exists() {
                return Err(SplError::input(format!(
                    "event file {} not found",
                    p.display()
                )));
            }
        }
    }
    Ok(())
}

/// `run --explain-fields`: the first event's fields, each with the rule that produced it.
fn explain_fields(
    a: &RunArgs,
    events: &[String],
    knowledge: Arc<Knowledge>,
) -> Result<(), SplError> {
    let sources: Vec<Source> = if events.is_empty() {
        vec![Source::Stdin]
    } else {
        events.iter().map(|s| Source::from_arg(s)).collect()
    };
    check_sources(&sources)?;
    let meta = Meta {
        sourcetype: a.sourcetype.clone(),
        source: a.source.clone(),
        host: a.host.clone(),
        index: a.index.clone(),
        knowledge: Some(knowledge),
        ..Default::default()
    };
    match spleval::input::explain_first(&sources, &meta)? {
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

fn cmd_expand(a: SearchArgs) -> Result<(), SplError> {
    let (origin, macros) = load_search(
        a.rule.as_deref(),
        a.spl.as_deref(),
        a.rules.as_deref(),
        &a.macros,
    )?;
    let m = engine::expand(origin, &macros)?;
    println!("{}", m.text);
    Ok(())
}

fn cmd_parse(a: SearchArgs, json: bool) -> Result<(), SplError> {
    let (origin, macros) = load_search(
        a.rule.as_deref(),
        a.spl.as_deref(),
        a.rules.as_deref(),
        &a.macros,
    )?;
    let q = engine::prepare(origin, &macros)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&q.pipeline.to_json()).unwrap_or_default()
        );
    } else {
        println!("{}", q.pipeline);
    }
    Ok(())
}

fn cmd_check(a: CheckArgs) -> Result<(), SplError> {
    let root = match &a.rules {
        Some(d) => Some(d.clone()),
        None => a
            .paths
            .first()
            .and_then(|p| {
                if p.is_dir() {
                    rules::find_rules_root(&p.join("x"))
                } else {
                    rules::find_rules_root(p)
                }
            })
            .or_else(|| Some(PathBuf::from("rules")).filter(|p| p.is_dir())),
    };
    if let Some(r) = &root {
        if !r.is_dir() {
            return Err(SplError::new(
                diag::ErrorKind::Rule,
                format!("rules folder {} does not exist", r.display()),
            ));
        }
    }
    let macros = rules::load_macros(root.as_deref(), &a.macros)?;
    let files = spleval::check::collect_files(&a.paths)?;
    let results: Vec<_> = files
        .iter()
        .filter_map(|f| spleval::check::check_file(f, &macros))
        .collect();
    let passed = results.iter().filter(|r| r.passed(a.parse_only)).count();
    let failed = results.len() - passed;
    match a.format {
        CheckFormat::Json => {
            for r in &results {
                println!("{}", r.to_json());
            }
        }
        CheckFormat::Text => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            for r in results.iter().filter(|r| !r.passed(a.parse_only)) {
                if let Some(e) = r.error.as_ref().or(r.unsupported_diag.as_ref()) {
                    println!("{}: {}", r.path.display(), r.name);
                    print!("{}", diag::render(e, color));
                }
            }
            let summary = spleval::check::summarize(&results, a.parse_only);
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

/// Exit 1 without another message: the report above says what failed.
struct CheckFailed;

impl From<CheckFailed> for SplError {
    fn from(_: CheckFailed) -> SplError {
        SplError::new(diag::ErrorKind::Runtime, "")
    }
}
