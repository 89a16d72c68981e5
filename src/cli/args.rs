//! Flags several subcommands share, declared once, and the one place where
//! they become the run's function context, plan context and event metadata.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, ValueEnum};

use crate::app::findings::Style;
use crate::app::output::Format;
use crate::base::diag::{ErrorKind, SplError};
use crate::commands::support::pipeline::PlanCtx;
use crate::content::datamodels::Datamodels;
use crate::content::knowledge::Knowledge;
use crate::content::macros::MacroSet;
use crate::content::rules;
use crate::functions::FnCtx;
use crate::input::Meta;

/// Where macros come from.
#[derive(Args, Clone, Default)]
pub struct MacroArgs {
    /// Rules root holding macros/ (and detections/, lookups/); default: the
    /// nearest ancestor of the rule or path that holds macros/, else ./rules
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// An extra macro folder (repeatable; later folders override earlier ones)
    #[arg(long, value_name = "DIR")]
    pub macros: Vec<PathBuf>,
}

/// Metadata set on events that lack it.
#[derive(Args, Clone, Default)]
pub struct EventArgs {
    /// Set sourcetype on events that lack it
    #[arg(long, value_name = "V")]
    pub sourcetype: Option<String>,
    /// Set source on events that lack it (default: the file name)
    #[arg(long, value_name = "V")]
    pub source: Option<String>,
    /// Set host on events that lack it
    #[arg(long, value_name = "V")]
    pub host: Option<String>,
    /// Set index on events that lack it
    #[arg(long, value_name = "V")]
    pub index: Option<String>,
}

/// The clock and time zone of a run.
#[derive(Args, Clone)]
pub struct ClockArgs {
    /// Fix now() and relative times to this epoch time
    #[arg(long, value_name = "EPOCH")]
    pub now: Option<f64>,
    /// Time zone for rendering and reading local times
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: String,
}

/// Search-time knowledge, data models and GeoIP data.
#[derive(Args, Clone, Default)]
pub struct KnowledgeArgs {
    /// A folder of search-time knowledge YAML, applied after the shipped packs
    /// (repeatable; later folders win)
    #[arg(long, value_name = "DIR")]
    pub knowledge: Vec<PathBuf>,
    /// Apply no search-time knowledge (not even the shipped packs)
    #[arg(long)]
    pub no_knowledge: bool,
    /// A folder of data model YAML (tstats, from datamodel:, datamodel); its
    /// models add to the shipped ones and replace those of the same name (repeatable)
    #[arg(long, value_name = "DIR")]
    pub datamodels: Vec<PathBuf>,
    /// MaxMind database (.mmdb) for iplocation [env: SPLEVAL_GEOIP]
    #[arg(long, value_name = "FILE")]
    pub geoip: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

/// `--format` of `run` and `hunt`: result rows, or findings made of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    /// An aligned table
    Table,
    /// One JSON object per result (NDJSON)
    Json,
    /// A header row, then one row per result
    Csv,
    /// One finding per result (NDJSON, grammar/findings.schema.json): the
    /// detection, its rendered message, risk score, risk and threat objects, ATT&CK, stories
    Findings,
    /// One OCSF Detection Finding (class 2004) per result (NDJSON)
    Ocsf,
}

impl OutFormat {
    /// Rows in this format, or findings in that style.
    pub fn split(self) -> Result<Format, Style> {
        match self {
            OutFormat::Table => Ok(Format::Table),
            OutFormat::Json => Ok(Format::Json),
            OutFormat::Csv => Ok(Format::Csv),
            OutFormat::Findings => Err(Style::Findings),
            OutFormat::Ocsf => Err(Style::Ocsf),
        }
    }

    /// The format given, else a table on a terminal and JSON otherwise.
    pub fn or_default(f: Option<OutFormat>) -> OutFormat {
        use std::io::IsTerminal;
        f.unwrap_or(if std::io::stdout().is_terminal() {
            OutFormat::Table
        } else {
            OutFormat::Json
        })
    }
}

impl ClockArgs {
    /// `now()` and the time zone.
    pub fn fn_ctx(&self) -> Result<FnCtx, SplError> {
        let tz =
            crate::time::parse_tz(&self.tz).map_err(|e| SplError::usage(format!("--tz: {e}")))?;
        let now = self.now.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0)
        });
        Ok(FnCtx {
            now,
            tz,
            lookups: None,
        })
    }
}

impl KnowledgeArgs {
    /// The knowledge in force: none, or the shipped packs then `--knowledge` folders.
    pub fn load(&self) -> Result<Arc<Knowledge>, SplError> {
        Ok(Arc::new(if self.no_knowledge {
            Knowledge::empty()
        } else {
            Knowledge::load(&self.knowledge)?
        }))
    }
}

/// The plan context every subcommand runs searches with: the clock, the
/// rules root (lookups), the macros in force, data models and GeoIP data.
pub fn plan_ctx(
    clock: &ClockArgs,
    know: Option<&KnowledgeArgs>,
    rules_root: Option<PathBuf>,
    macros: Option<&MacroSet>,
) -> Result<PlanCtx, SplError> {
    let mut ctx = PlanCtx::new(clock.fn_ctx()?);
    ctx.rules_root = rules_root;
    ctx.macros = macros.map(|m| Arc::new(m.clone()));
    if let Some(dirs) = know.map(|k| &k.datamodels).filter(|d| !d.is_empty()) {
        ctx.datamodels = Some(Arc::new(Datamodels::load(dirs)?));
    }
    ctx.geoip = know
        .and_then(|k| k.geoip.clone())
        .or_else(|| std::env::var_os("SPLEVAL_GEOIP").map(PathBuf::from));
    Ok(ctx)
}

/// The metadata set on events, with the knowledge applied to them.
pub fn meta(events: &EventArgs, knowledge: Option<Arc<Knowledge>>) -> Meta {
    Meta {
        sourcetype: events.sourcetype.clone(),
        source: events.source.clone(),
        host: events.host.clone(),
        index: events.index.clone(),
        knowledge,
        ..Default::default()
    }
}

/// The rules root: `--rules` (which must exist), else the nearest ancestor
/// of `near` (a rule file, or a folder of them) holding `macros/`, else
/// `./rules` when it exists.
pub fn rules_root(flag: Option<&Path>, near: Option<&Path>) -> Result<Option<PathBuf>, SplError> {
    if let Some(d) = flag {
        if !d.is_dir() {
            return Err(SplError::new(
                ErrorKind::Rule,
                format!("rules folder {} does not exist", d.display()),
            ));
        }
        return Ok(Some(d.to_path_buf()));
    }
    Ok(near
        .and_then(|p| {
            if p.is_dir() {
                rules::find_rules_root(&p.join("x"))
            } else {
                rules::find_rules_root(p)
            }
        })
        .or_else(|| Some(PathBuf::from("rules")).filter(|p| p.is_dir())))
}
