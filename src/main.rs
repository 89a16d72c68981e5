//! The `spleval` command line.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use spleval::diag::{self, SplError};
use spleval::engine;
use spleval::functions::FnCtx;
use spleval::input::{Meta, Source};
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
struct RunArgs {
    /// RULE (a detection YAML) then EVENTS; with --spl, all are EVENTS.
    /// EVENTS are NDJSON files, or - for stdin; none: stdin (not read when the
    /// search starts with a generating command such as | makeresults)
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
        Cmd::Parse { search, json } => cmd_parse(search, json),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
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
    for s in &sources {
        if let Source::File(p) = s {
            if !p.is_file() {
                return Err(SplError::input(format!(
                    "event file {} not found",
                    p.display()
                )));
            }
        }
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
    };
    let stdout = std::io::stdout();
    let format = a.format.unwrap_or(if stdout.is_terminal() {
        Format::Table
    } else {
        Format::Json
    });
    let mut writer = Writer::new(format, stdout.lock(), ctx.fn_ctx.tz);
    let report = query.run(&ctx, &sources, &meta, &mut |ev| writer.push(ev))?;
    writer.declare_columns(report.columns.clone());
    let _ = writer.finish(report.returns_events)?;
    if report.input.malformed > 0 {
        eprintln!(
            "warning: {} malformed line(s) skipped, {} event(s) read",
            report.input.malformed, report.input.events
        );
    }
    Ok(())
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
