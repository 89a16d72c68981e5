//! The `spleval` command line.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use spleval::app::output::{Format, Writer};
use spleval::base::diag::{self, SplError};
use spleval::commands::support::pipeline::PlanCtx;
use spleval::content::knowledge::Knowledge;
use spleval::content::macros::{MacroSet, Origin};
use spleval::content::rules;
use spleval::engine::run as engine;
use spleval::functions::FnCtx;
use spleval::input::{Meta, Source};

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
    /// Run detections' own tests against local attack data
    Test(TestArgs),
    /// Run every runnable detection under a rules folder over events, reading them once
    #[command(
        long_about = "Run every runnable detection under DIR/detections (macros and lookups from DIR, \
deprecated and removed detections left out) over the events, reading the input once.\n\n\
Results are labelled by detection, sorted by detection name: table: one table per detection \
with a heading `== NAME (N results)`; json: one object per line, `detection` first, then the \
result's fields; csv: one header row, `detection` then the union of every detection's fields. \
Detections without results print nothing; --summary FILE writes every detection's count (0 \
included) and why each skipped one cannot run. At the end a summary goes to stderr: detections \
loaded / runnable / not runnable (by reason), events read, detections with results, time.\n\n\
Detections with subsearches run them first (each reads the input once more); searches that \
read no events (| makeresults, | inputlookup, | rest) are not run."
    )]
    Hunt(Box<HuntArgs>),
    /// Print the parsed AST (as SPL, or --json)
    Parse {
        #[command(flatten)]
        search: SearchArgs,
        /// Print the AST as JSON (with spans) instead of SPL
        #[arg(long)]
        json: bool,
    },
    /// Interactive SPL over loaded events, with meta-commands (.help lists them)
    #[command(
        long_about = "Interactive SPL over loaded events. Each input is SPL run over the loaded events \
(results as a table, or the --format / .format chosen, then the count and time), or a \
meta-command: .load .clear .rules .macro .macros .expand .fields .format .explain .run \
.save-macro .help .quit. Input continues on the next line while it ends with '|' or a \
bracket, quote or backtick is open.\n\nOn a terminal: history (in \
$XDG_DATA_HOME/spleval/history, else ~/.local/share/spleval/history), Tab completion of \
commands, eval functions, macros, fields and paths, and syntax hints. Otherwise lines are \
read from stdin without prompts; the exit code is then 1 if any input failed."
    )]
    Repl(Box<ReplArgs>),
    /// List, show or check macros
    Macro {
        #[command(subcommand)]
        cmd: MacroCmd,
    },
    /// Try a new definition of a detection's `*_filter` macro: which results it removes and keeps
    Filter(Box<FilterArgs>),
}

#[derive(Subcommand)]
enum MacroCmd {
    /// Every macro: arity, where it is defined, how many detections use it
    List(MacroArgs),
    /// A macro's definition and its full expansion (NAME or NAME(N))
    Show {
        #[arg(value_name = "NAME")]
        name: String,
        #[command(flatten)]
        rules: MacroArgs,
    },
    /// Every definition parses; report undefined and unused macros (exit 1 on errors)
    Check(MacroArgs),
}

#[derive(Args)]
struct MacroArgs {
    /// Rules root holding macros/ and detections/ [default: ./rules]
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// An extra macro folder (repeatable; later folders override earlier ones)
    #[arg(long, value_name = "DIR")]
    macros: Vec<PathBuf>,
}

/// Metadata for events, shared by repl and filter.
#[derive(Args)]
struct EventMetaArgs {
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
    /// Fix now() and relative times to this epoch time
    #[arg(long, value_name = "EPOCH")]
    now: Option<f64>,
    /// Time zone for rendering and reading local times
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    tz: String,
}

impl EventMetaArgs {
    fn meta(&self) -> Meta {
        Meta {
            sourcetype: self.sourcetype.clone(),
            source: self.source.clone(),
            host: self.host.clone(),
            index: self.index.clone(),
            ..Default::default()
        }
    }
}

#[derive(Args)]
struct ReplArgs {
    /// NDJSON event files to load at the start (.load adds more)
    #[arg(value_name = "EVENTS")]
    events: Vec<PathBuf>,
    /// Rules root holding macros/ and detections/ [default: ./rules when it exists]
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// An extra macro folder (repeatable; later folders override earlier ones)
    #[arg(long, value_name = "DIR")]
    macros: Vec<PathBuf>,
    #[command(flatten)]
    meta: EventMetaArgs,
    /// Output format (.format changes it)
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// MaxMind database (.mmdb) for iplocation [env: SPLEVAL_GEOIP]
    #[arg(long, value_name = "FILE")]
    geoip: Option<PathBuf>,
}

#[derive(Args)]
struct FilterArgs {
    /// The detection YAML, then NDJSON event files (none, or -: stdin)
    #[arg(value_name = "DETECTION", required = true)]
    detection: PathBuf,
    #[arg(value_name = "EVENTS")]
    events: Vec<String>,
    /// The filter macro's new definition, e.g. 'search NOT user="svc_*"'
    #[arg(long, value_name = "SPL", required = true)]
    with: String,
    /// Save the new definition as <rules>/macros/<name>_filter.yml
    #[arg(long)]
    write: bool,
    /// Rules root holding macros/; default: the nearest ancestor of DETECTION that holds macros/, else ./rules
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// An extra macro folder (repeatable; later folders override earlier ones)
    #[arg(long, value_name = "DIR")]
    macros: Vec<PathBuf>,
    #[command(flatten)]
    meta: EventMetaArgs,
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

#[derive(Args)]
struct TestArgs {
    /// Detection files or folders (recursed)
    #[arg(value_name = "PATHS", required = true)]
    paths: Vec<PathBuf>,
    /// Rules root holding macros/; default: the nearest ancestor of the first path that holds macros/, else ./rules
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// An extra macro folder (repeatable; later folders override earlier ones)
    #[arg(long, value_name = "DIR")]
    macros: Vec<PathBuf>,
    /// Root of the attack data: a dataset URL maps to the path after /attack_data/<branch>/ under it
    #[arg(long, value_name = "DIR")]
    data: PathBuf,
    /// Write JUnit XML here
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// text: progress, failures, a summary and `N passed, N failed`; json: one object per test case
    #[arg(long, value_enum, default_value = "text")]
    format: CheckFormat,
    /// Detections run in parallel on N threads [default: all cores]
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Missing datasets skip their tests without failing the run
    #[arg(long)]
    allow_missing: bool,
    /// Fix now() and relative times to this epoch time
    #[arg(long, value_name = "EPOCH")]
    now: Option<f64>,
}

#[derive(Args)]
struct HuntArgs {
    /// NDJSON (or any format `run` reads) event files or folders; none, or -: stdin
    #[arg(value_name = "EVENTS")]
    events: Vec<String>,
    /// Rules root: DIR/detections (recursed), DIR/macros, DIR/lookups
    #[arg(long, value_name = "DIR", required = true)]
    rules: PathBuf,
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
    /// Write a JSON summary here: counts, and per detection its results (0 included) or why it did not run
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Fix now() and relative times to this epoch time
    #[arg(long, value_name = "EPOCH")]
    now: Option<f64>,
    /// Time zone for rendering and reading local times
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    tz: String,
    /// A folder of search-time knowledge YAML, applied after the shipped packs (repeatable)
    #[arg(long, value_name = "DIR")]
    knowledge: Vec<PathBuf>,
    /// Apply no search-time knowledge (not even the shipped packs)
    #[arg(long)]
    no_knowledge: bool,
    /// A folder of data model YAML (adds to and overrides the shipped models; repeatable)
    #[arg(long, value_name = "DIR")]
    datamodels: Vec<PathBuf>,
    /// MaxMind database (.mmdb) for iplocation [env: SPLEVAL_GEOIP]
    #[arg(long, value_name = "FILE")]
    geoip: Option<PathBuf>,
    /// No progress bar (it is shown only when stderr is a terminal)
    #[arg(long)]
    no_progress: bool,
    /// In the summary, list each detection that is not runnable with its
    /// reason, and the detections that took the most events
    #[arg(short, long)]
    verbose: bool,
    /// Also run detections that use `map` (a search per result, each reading
    /// the input again); by default they are left out and listed
    #[arg(long)]
    include_map: bool,
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
    /// After the results, print to stderr per command: rows in, rows out, time (its own, not later commands')
    #[arg(long)]
    explain: bool,
    /// Let outputlookup write (and, with no results, remove) lookup files in
    /// the rules' lookups folder; without it, outputlookup only reports
    #[arg(long)]
    write_lookups: bool,
    /// A folder of search-time knowledge YAML, applied after the shipped packs
    /// (repeatable; later folders win)
    #[arg(long, value_name = "DIR")]
    knowledge: Vec<PathBuf>,
    /// Apply no search-time knowledge (not even the shipped packs)
    #[arg(long)]
    no_knowledge: bool,
    /// A folder of data model YAML (tstats, from datamodel:, datamodel); its
    /// models add to the shipped ones and replace those of the same name (repeatable)
    #[arg(long, value_name = "DIR")]
    datamodels: Vec<PathBuf>,
    /// Do not run the search: show the first event's fields and the rule that produced each
    #[arg(long)]
    explain_fields: bool,
}

/// Reads a --earliest/--latest value.
fn time_arg(flag: &str, v: &str, ctx: &FnCtx) -> Result<f64, SplError> {
    if let Some(n) = spleval::base::value::parse_number(v) {
        return Ok(n);
    }
    if let Some(t) = spleval::time::parse_timestamp(v) {
        return Ok(t);
    }
    spleval::time::relative_time(ctx.now, v, ctx.tz)
        .map_err(|e| SplError::usage(format!("{flag} {v:?}: {e}")))
}

fn main() -> ExitCode {
    // Like other Unix tools, end quietly when the reader of our output goes
    // away (`spleval run … | head`), instead of panicking on a closed pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
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
        Cmd::Test(a) => cmd_test(a),
        Cmd::Hunt(a) => cmd_hunt(*a),
        Cmd::Parse { search, json } => cmd_parse(search, json),
        Cmd::Repl(a) => cmd_repl(*a),
        Cmd::Macro { cmd } => cmd_macro(cmd),
        Cmd::Filter(a) => cmd_filter(*a),
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
    ctx.macros = Some(std::sync::Arc::new(macros.clone()));
    if !a.datamodels.is_empty() {
        ctx.datamodels = Some(Arc::new(spleval::content::datamodels::Datamodels::load(
            &a.datamodels,
        )?));
    }
    ctx.geoip = a
        .geoip
        .clone()
        .or_else(|| std::env::var_os("SPLEVAL_GEOIP").map(PathBuf::from));
    ctx.write_lookups = a.write_lookups;
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
    let started = std::time::Instant::now();
    let mut writer = Writer::new(format, stdout.lock(), ctx.fn_ctx.tz);
    spleval::commands::support::pipeline::set_stage_timing(a.explain);
    let report = query.run(&ctx, &sources, &meta, &mut |ev| writer.push(ev))?;
    writer.declare_columns(report.columns.clone());
    let _ = writer.finish(report.returns_events)?;
    if a.explain {
        eprint!(
            "{}",
            spleval::engine::explain::render(
                &report.stages,
                &query.expanded.text,
                report.input.events,
                started.elapsed()
            )
        );
    }
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
    match spleval::input::explain::explain_first(&sources, &meta)? {
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
    let files = spleval::app::check::collect_files(&a.paths)?;
    let results: Vec<_> = files
        .iter()
        .filter_map(|f| spleval::app::check::check_file(f, &macros))
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
            let summary = spleval::app::check::summarize(&results, a.parse_only);
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

fn rules_root_for(rules_flag: Option<&Path>, first: Option<&PathBuf>) -> Option<PathBuf> {
    match rules_flag {
        Some(d) => Some(d.to_path_buf()),
        None => first
            .and_then(|p| {
                if p.is_dir() {
                    rules::find_rules_root(&p.join("x"))
                } else {
                    rules::find_rules_root(p)
                }
            })
            .or_else(|| Some(PathBuf::from("rules")).filter(|p| p.is_dir())),
    }
}

fn cmd_test(a: TestArgs) -> Result<(), SplError> {
    use spleval::app::testrun::{self, Status};
    let root = rules_root_for(a.rules.as_deref(), a.paths.first());
    let macros = rules::load_macros(root.as_deref(), &a.macros)?;
    if !a.data.is_dir() {
        return Err(SplError::usage(format!(
            "--data {} is not a folder",
            a.data.display()
        )));
    }
    let mut ctx = PlanCtx::new(fn_ctx(a.now, "UTC")?);
    ctx.rules_root = root.clone();
    let dets = testrun::load_detections(&a.paths)?;
    let mut cases = Vec::new();
    for d in dets {
        cases.extend(testrun::cases(d, &a.data)?);
    }
    let data = testrun::load_datasets(&cases);
    let jobs = a.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let show_bar = a.format == CheckFormat::Text && std::io::stderr().is_terminal();
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
        CheckFormat::Json => {
            for o in &outcomes {
                println!("{}", o.to_json());
            }
        }
        CheckFormat::Text => {
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

fn cmd_hunt(a: HuntArgs) -> Result<(), SplError> {
    use spleval::app::hunt::{self, Hunt};
    let started = std::time::Instant::now();
    if !a.rules.is_dir() {
        return Err(SplError::new(
            diag::ErrorKind::Rule,
            format!("rules folder {} does not exist", a.rules.display()),
        ));
    }
    let knowledge = if a.no_knowledge {
        Arc::new(Knowledge::empty())
    } else {
        Arc::new(Knowledge::load(&a.knowledge)?)
    };
    let macros = rules::load_macros(Some(&a.rules), &a.macros)?;
    let mut ctx = PlanCtx::new(fn_ctx(a.now, &a.tz)?);
    ctx.rules_root = Some(a.rules.clone());
    ctx.macros = Some(Arc::new(macros.clone()));
    if !a.datamodels.is_empty() {
        ctx.datamodels = Some(Arc::new(spleval::content::datamodels::Datamodels::load(
            &a.datamodels,
        )?));
    }
    ctx.geoip = a
        .geoip
        .clone()
        .or_else(|| std::env::var_os("SPLEVAL_GEOIP").map(PathBuf::from));
    let mut sources: Vec<Source> = if a.events.is_empty() {
        vec![Source::Stdin]
    } else {
        a.events.iter().map(|s| Source::from_arg(s)).collect()
    };
    check_sources(&sources)?;
    // Subsearches read the input again: keep stdin in memory.
    sources = sources
        .into_iter()
        .map(Source::buffered)
        .collect::<Result<Vec<_>, _>>()?;
    let meta = Meta {
        sourcetype: a.sourcetype.clone(),
        source: a.source.clone(),
        host: a.host.clone(),
        index: a.index.clone(),
        knowledge: Some(knowledge),
        ..Default::default()
    };
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
    let deferred = h.deferred();
    let sub_started = std::time::Instant::now();
    if deferred > 0 {
        let bar = new_bar("subsearches");
        h.run_subsearches(&files, &meta, &mut |size, events| {
            bar.inc(size);
            bar.set_message(format!("{events} events"));
        })?;
        bar.finish_and_clear();
    }
    let sub_time = sub_started.elapsed();
    let planned = started.elapsed();
    let rereads = h.rereads();
    let bar = new_bar("hunt");
    let pass_started = std::time::Instant::now();
    let report = h.run(&files, &meta, &mut |size, events| {
        bar.inc(size);
        bar.set_message(format!("{events} events"));
    })?;
    bar.finish_and_clear();
    let pass = pass_started.elapsed();

    // Results, by detection name.
    let mut order: Vec<usize> = (0..h.hunters().len()).collect();
    order.sort_by(|&x, &y| {
        h.hunters()[x]
            .name
            .cmp(&h.hunters()[y].name)
            .then(x.cmp(&y))
    });
    let stdout = std::io::stdout();
    let format = a.format.unwrap_or(if stdout.is_terminal() {
        Format::Table
    } else {
        Format::Json
    });
    let tz = ctx.fn_ctx.tz;
    match format {
        Format::Table => {
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
        Format::Json | Format::Csv => {
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
        "  {subsearch} with subsearches: {} distinct subsearch(es) ran together in {rereads} extra pass(es) over the input before the main one ({:.2}s)",
        h.batched_subsearches,
        sub_time.as_secs_f64()
    );
    eprintln!(
        "events: {} read in one pass ({} pushed to detections{})",
        report.input.events,
        report.pushed,
        if report.input.malformed > 0 {
            format!(", {} malformed line(s) skipped", report.input.malformed)
        } else {
            String::new()
        }
    );
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
        "elapsed: {:.2}s (planning and subsearches {:.2}s, main pass {:.2}s)",
        started.elapsed().as_secs_f64(),
        planned.as_secs_f64(),
        pass.as_secs_f64()
    );
    if let Some(p) = &a.summary {
        let dets: Vec<serde_json::Value> = order
            .iter()
            .map(|&i| {
                let d = &h.hunters()[i];
                serde_json::json!({
                    "detection": d.name,
                    "path": d.path.display().to_string(),
                    "runnable": true,
                    "results": d.rows.len(),
                    "events_taken": d.pushed,
                    "whole_events": !d.projected(),
                    "error": d.error.as_ref().map(|e| e.msg.clone()),
                })
            })
            .chain(h.left_out.iter().map(|s| {
                serde_json::json!({
                    "detection": s.name,
                    "path": s.path.display().to_string(),
                    "runnable": true,
                    "left_out": s.reason,
                })
            }))
            .chain(h.skipped.iter().map(|s| {
                serde_json::json!({
                    "detection": s.name,
                    "path": s.path.display().to_string(),
                    "runnable": false,
                    "reason": s.reason,
                    "error": s.detail,
                })
            }))
            .collect();
        let reasons: serde_json::Map<String, serde_json::Value> = h
            .skip_reasons()
            .into_iter()
            .map(|(k, n)| (k, serde_json::json!(n)))
            .collect();
        let doc = serde_json::json!({
            "loaded": h.loaded,
            "retired": h.retired,
            "runnable": h.hunters().len(),
            "not_runnable": h.skipped.len(),
            "left_out_map": h.left_out.len(),
            "not_runnable_reasons": reasons,
            "events": report.input.events,
            "malformed": report.input.malformed,
            "detections_with_results": with_results,
            "results": results,
            "subsearch_passes": rereads,
            "seconds": started.elapsed().as_secs_f64(),
            "detections": dets,
        });
        std::fs::write(
            p,
            format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            ),
        )
        .map_err(|e| SplError::input(format!("cannot write {}: {e}", p.display())))?;
    }
    if !failed.is_empty() {
        return Err(CheckFailed.into());
    }
    Ok(())
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
fn cmd_repl(a: ReplArgs) -> Result<(), SplError> {
    let mut ctx = PlanCtx::new(fn_ctx(a.meta.now, &a.meta.tz)?);
    ctx.geoip = a
        .geoip
        .clone()
        .or_else(|| std::env::var_os("SPLEVAL_GEOIP").map(PathBuf::from));
    if let Some(r) = &a.rules {
        if !r.is_dir() {
            return Err(SplError::new(
                diag::ErrorKind::Rule,
                format!("rules folder {} does not exist", r.display()),
            ));
        }
    }
    let opts = spleval::app::repl::Options {
        rules: a.rules.clone(),
        macros: a.macros.clone(),
        meta: a.meta.meta(),
        events: a.events.clone(),
        format: a.format,
        ctx,
    };
    if spleval::app::repl::run(opts)? {
        Ok(())
    } else {
        Err(CheckFailed.into())
    }
}

/// `--rules` or ./rules (when it exists).
fn macro_root(a: &MacroArgs) -> Result<Option<PathBuf>, SplError> {
    match &a.rules {
        Some(d) if !d.is_dir() => Err(SplError::new(
            diag::ErrorKind::Rule,
            format!("rules folder {} does not exist", d.display()),
        )),
        Some(d) => Ok(Some(d.clone())),
        None => Ok(Some(PathBuf::from("rules")).filter(|p| p.is_dir())),
    }
}

fn cmd_macro(cmd: MacroCmd) -> Result<(), SplError> {
    use spleval::app::macro_tools;
    match cmd {
        MacroCmd::List(a) => {
            let root = macro_root(&a)?;
            let macros = rules::load_macros(root.as_deref(), &a.macros)?;
            let dets = root
                .as_deref()
                .map(|r| macro_tools::detections(r).0)
                .unwrap_or_default();
            let usage = macro_tools::usage(&macros, &dets);
            let rows: Vec<[String; 4]> = macros
                .iter()
                .map(|m| {
                    [
                        m.name.clone(),
                        m.arity().to_string(),
                        m.location(),
                        usage.count(&m.key()).to_string(),
                    ]
                })
                .collect();
            let head = ["macro", "arity", "defined in", "detections"].map(String::from);
            print_columns(&head, &rows);
            eprintln!(
                "{} macro(s); {} detection(s) scanned; {} `*_filter` macro(s) they call have no file (they expand to `search *`)",
                macros.len(),
                dets.len(),
                usage.generated_filters.len()
            );
            Ok(())
        }
        MacroCmd::Show { name, rules: a } => {
            let root = macro_root(&a)?;
            let macros = rules::load_macros(root.as_deref(), &a.macros)?;
            let (base, arity) = match name.strip_suffix(')').and_then(|s| s.split_once('(')) {
                Some((n, k)) => (
                    n.to_string(),
                    Some(k.trim().parse::<usize>().map_err(|_| {
                        SplError::usage(format!("{name}: write NAME or NAME(N), N a number"))
                    })?),
                ),
                None => (name.clone(), None),
            };
            let defs: Vec<_> = macros
                .iter()
                .filter(|m| m.name == base && arity.is_none_or(|k| m.arity() == k))
                .cloned()
                .collect();
            if defs.is_empty() {
                let similar: Vec<String> = macros
                    .iter()
                    .filter(|m| m.name.contains(&base))
                    .map(|m| m.key())
                    .take(8)
                    .collect();
                let mut e = SplError::new(
                    diag::ErrorKind::Macro,
                    format!("no macro {name} is defined"),
                );
                if !similar.is_empty() {
                    e = e.with_help(format!("similar: {}", similar.join(", ")));
                }
                return Err(e);
            }
            let dets = root
                .as_deref()
                .map(|r| macro_tools::detections(r).0)
                .unwrap_or_default();
            let usage = macro_tools::usage(&macros, &dets);
            for (n, m) in defs.iter().enumerate() {
                if n > 0 {
                    println!();
                }
                println!("{}  ({})", m.key(), m.location());
                if !m.args.is_empty() {
                    println!("arguments: {}", m.args.join(", "));
                }
                if let Some(d) = &m.description {
                    println!("description: {}", d.trim());
                }
                println!("definition:\n  {}", m.definition.trim());
                match macro_tools::expansion(m, &macros) {
                    Ok(x) => println!("expansion:\n  {}", x.trim()),
                    Err(e) => {
                        println!("expansion: fails");
                        report(&e);
                    }
                }
                println!("used by {} detection(s)", usage.count(&m.key()));
            }
            Ok(())
        }
        MacroCmd::Check(a) => {
            let root = macro_root(&a)?;
            let macros = rules::load_macros(root.as_deref(), &a.macros)?;
            let r = macro_tools::check(&macros, root.as_deref());
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            for e in &r.unreadable {
                print!("{}", diag::render(e, color));
            }
            for (key, e) in &r.bad {
                println!("macro {key}: definition does not parse");
                print!("{}", diag::render(e, color));
            }
            println!(
                "{} macro definition(s): {} parse, {} do not{}",
                r.checked,
                r.checked - r.bad.len() - r.skipped.len(),
                r.bad.len(),
                if r.skipped.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", {} not parsed (they call undefined macros: {})",
                        r.skipped.len(),
                        r.skipped.join(", ")
                    )
                }
            );
            if r.usage.undefined.is_empty() {
                println!("undefined macros: none");
            } else {
                println!("undefined macros: {}", r.usage.undefined.len());
                for (key, callers) in &r.usage.undefined {
                    let shown: Vec<&str> = callers.iter().map(String::as_str).take(3).collect();
                    let more = callers.len().saturating_sub(shown.len());
                    println!(
                        "  `{key}` called by {}{}",
                        shown.join(", "),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    );
                }
            }
            println!(
                "generated `*_filter` macros (no file; they expand to `search *`): {}",
                r.usage.generated_filters.len()
            );
            if r.unused.is_empty() {
                println!("unused macros: none");
            } else {
                println!(
                    "unused macros ({}, no detection uses them): {}",
                    r.unused.len(),
                    r.unused.join(", ")
                );
            }
            println!("{} detection(s) scanned", r.detections);
            if r.failed() {
                return Err(CheckFailed.into());
            }
            Ok(())
        }
    }
}

/// Prints rows as left-aligned columns, the numeric ones right-aligned.
fn print_columns(head: &[String; 4], rows: &[[String; 4]]) {
    let mut w = [0usize; 4];
    for r in std::iter::once(head).chain(rows.iter()) {
        for (k, c) in r.iter().enumerate() {
            w[k] = w[k].max(c.chars().count());
        }
    }
    for r in std::iter::once(head).chain(rows.iter()) {
        println!(
            "{:<w0$}  {:>w1$}  {:<w2$}  {:>w3$}",
            r[0],
            r[1],
            r[2],
            r[3],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3]
        );
    }
}

fn cmd_filter(a: FilterArgs) -> Result<(), SplError> {
    let det = rules::load_detection(&a.detection)?;
    let root = match &a.rules {
        Some(d) if !d.is_dir() => {
            return Err(SplError::new(
                diag::ErrorKind::Rule,
                format!("rules folder {} does not exist", d.display()),
            ))
        }
        Some(d) => Some(d.clone()),
        None => rules::find_rules_root(&a.detection)
            .or_else(|| Some(PathBuf::from("rules")).filter(|p| p.is_dir())),
    };
    let macros = rules::load_macros(root.as_deref(), &a.macros)?;
    let mut ctx = PlanCtx::new(fn_ctx(a.meta.now, &a.meta.tz)?);
    ctx.rules_root = root.clone();
    let sources: Vec<Source> = if a.events.is_empty() {
        vec![Source::Stdin]
    } else {
        a.events.iter().map(|s| Source::from_arg(s)).collect()
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
    let c = spleval::app::filter::compare(&det, &macros, &a.with, &ctx, &sources, &a.meta.meta())?;
    println!(
        "filter macro `{}`: now {:?} ({}), trying {:?}",
        c.macro_name,
        c.current.definition,
        c.current.location(),
        c.candidate.definition
    );
    let tz = ctx.fn_ctx.tz;
    let table = |title: &str, rows: &[spleval::base::event::Event]| -> Result<(), SplError> {
        println!("\n{title} ({}):", rows.len());
        if rows.is_empty() {
            println!("(none)");
            return Ok(());
        }
        let mut w = Writer::new(Format::Table, std::io::stdout().lock(), tz);
        for r in rows {
            w.push(r.clone())?;
        }
        let _ = w.finish(c.returns_events)?;
        Ok(())
    };
    table("removed by the new filter", &c.removed)?;
    table("kept", &c.kept)?;
    if !c.added.is_empty() {
        table("let through by the new filter only", &c.added)?;
    }
    println!("\n{}", c.summary());
    if a.write {
        let Some(root) = root else {
            return Err(SplError::usage(
                "--write needs a rules folder: pass --rules DIR",
            ));
        };
        let path = spleval::app::macro_tools::write_file(&c.candidate, &root.join("macros"))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
