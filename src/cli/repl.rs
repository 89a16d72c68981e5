//! `spleval repl`: interactive SPL over loaded events.

use std::path::PathBuf;

use clap::Args;

use super::args::{self, ClockArgs, EventArgs, KnowledgeArgs};
use super::CheckFailed;
use crate::app::output::Format;
use crate::base::diag::SplError;

#[derive(Args)]
pub struct ReplArgs {
    /// NDJSON event files to load at the start (.load adds more)
    #[arg(value_name = "EVENTS")]
    pub events: Vec<PathBuf>,
    /// Rules root holding macros/ and detections/ [default: ./rules when it exists]
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// An extra macro folder (repeatable; later folders override earlier ones)
    #[arg(long, value_name = "DIR")]
    pub macros: Vec<PathBuf>,
    #[command(flatten)]
    pub meta: EventArgs,
    #[command(flatten)]
    pub clock: ClockArgs,
    /// Output format (.format changes it)
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub knowledge: KnowledgeArgs,
}

pub fn exec(a: ReplArgs) -> Result<(), SplError> {
    // A --rules folder must exist (the REPL loads it, or ./rules, itself).
    args::rules_root(a.rules.as_deref(), None)?;
    let ctx = args::plan_ctx(&a.clock, Some(&a.knowledge), None, None)?;
    let opts = crate::app::repl::Options {
        rules: a.rules.clone(),
        macros: a.macros.clone(),
        meta: args::meta(&a.meta, Some(a.knowledge.load()?)),
        events: a.events.clone(),
        format: a.format,
        ctx,
    };
    if crate::app::repl::run(opts)? {
        Ok(())
    } else {
        Err(CheckFailed.into())
    }
}
