//! `spleval expand` and `spleval parse`: the search with its macros expanded,
//! and its AST.

use std::path::PathBuf;

use clap::Args;

use super::args::MacroArgs;
use super::load_search;
use crate::base::diag::SplError;
use crate::engine::run;

#[derive(Args)]
pub struct SearchArgs {
    /// A detection YAML file (security_content schema)
    #[arg(value_name = "RULE")]
    pub rule: Option<PathBuf>,
    /// Use this SPL instead of a rule file
    #[arg(long, value_name = "SPL")]
    pub spl: Option<String>,
    #[command(flatten)]
    pub rules: MacroArgs,
}

pub fn expand(a: SearchArgs) -> Result<(), SplError> {
    let (origin, macros) = load_search(
        a.rule.as_deref(),
        a.spl.as_deref(),
        a.rules.rules.as_deref(),
        &a.rules.macros,
    )?;
    let m = run::expand(origin, &macros)?;
    println!("{}", m.text);
    Ok(())
}

pub fn parse(a: SearchArgs, json: bool) -> Result<(), SplError> {
    let (origin, macros) = load_search(
        a.rule.as_deref(),
        a.spl.as_deref(),
        a.rules.rules.as_deref(),
        &a.rules.macros,
    )?;
    let q = run::prepare(origin, &macros)?;
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
