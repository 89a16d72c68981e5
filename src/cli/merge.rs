//! `spleval merge`: partial results of shards (`run --partial`) merged into
//! the results one `run` over all their events prints.

use std::path::{Path, PathBuf};

use clap::Args;

use super::args::{self, ClockArgs, KnowledgeArgs, MacroArgs, OutFormat};
use super::load_search;
use super::run::{finish_run, write_results};
use crate::base::diag::SplError;
use crate::engine::{partial, run};

#[derive(Args)]
pub struct MergeArgs {
    /// RULE (a detection YAML) then PARTIALS; with --spl, all are PARTIALS:
    /// files written by `spleval run --partial` with the same search, in any order
    #[arg(value_name = "RULE | PARTIALS")]
    pub args: Vec<String>,
    /// Merge partials of this SPL instead of a rule file's search
    #[arg(long, value_name = "SPL")]
    pub spl: Option<String>,
    #[command(flatten)]
    pub rules: MacroArgs,
    /// Output format, as for run [default: table on a terminal, json otherwise]
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,
    #[command(flatten)]
    pub clock: ClockArgs,
    /// After the results, print to stderr where the search splits and, per command, rows in, rows out, time
    #[arg(long)]
    pub explain: bool,
    /// Let outputlookup write lookup files, as for run
    #[arg(long)]
    pub write_lookups: bool,
    #[command(flatten)]
    pub knowledge: KnowledgeArgs,
}

pub fn exec(a: MergeArgs) -> Result<(), SplError> {
    let mut positional = a.args.clone();
    let is_rule_file = |p: &str| {
        matches!(
            Path::new(p).extension().and_then(|e| e.to_str()),
            Some("yml") | Some("yaml")
        )
    };
    let rule = match &a.spl {
        Some(_) => {
            if let Some(r) = positional.iter().find(|p| is_rule_file(p)) {
                return Err(SplError::usage(format!(
                    "give either a RULE file or --spl, not both (got --spl and {r})"
                ))
                .with_help("with --spl every positional argument is a PARTIALS file"));
            }
            None
        }
        None => {
            if positional.is_empty() || !is_rule_file(&positional[0]) {
                return Err(SplError::usage(
                    "give a RULE file or --spl <SPL>, then PARTIALS",
                ));
            }
            Some(PathBuf::from(positional.remove(0)))
        }
    };
    if positional.is_empty() {
        return Err(SplError::usage(
            "give the PARTIALS to merge (files written by `spleval run --partial`)",
        ));
    }
    let format = OutFormat::or_default(a.format);
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
    let paths: Vec<PathBuf> = positional.iter().map(PathBuf::from).collect();
    let started = std::time::Instant::now();
    crate::commands::support::pipeline::set_stage_timing(a.explain);
    let mut why = String::new();
    let report = write_results(format, rule.as_deref(), &ctx, &mut |sink| {
        let (split, report) = partial::merge(&query, &ctx, &paths, sink)?;
        why = split.why;
        Ok(report)
    })?;
    finish_run(a.explain, &query, &report, started, Some(&why))
}
