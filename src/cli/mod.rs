//! The command line: clap argument types and one module per subcommand.
//! Each subcommand turns its flags into a plan context and event metadata
//! through [`args`], runs the app layer and prints; `src/main.rs` parses
//! and dispatches.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::base::diag::{self, SplError};
use crate::content::macros::{MacroSet, Origin};
use crate::content::rules;
use crate::functions::FnCtx;
use crate::input::Source;

pub mod args;
pub mod check;
pub mod filter;
pub mod hunt;
pub mod macros;
pub mod merge;
pub mod repl;
pub mod run;
pub mod search;
pub mod test;

/// Reads a --earliest/--latest value.
pub fn time_arg(flag: &str, v: &str, ctx: &FnCtx) -> Result<f64, SplError> {
    if let Some(n) = crate::base::value::parse_number(v) {
        return Ok(n);
    }
    if let Some(t) = crate::time::parse_timestamp(v) {
        return Ok(t);
    }
    crate::time::relative_time(ctx.now, v, ctx.tz)
        .map_err(|e| SplError::usage(format!("{flag} {v:?}: {e}")))
}

/// The search to work on, with its macros.
pub fn load_search(
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
    let root = args::rules_root(rules_dir, rule)?;
    let macros = rules::load_macros(root.as_deref(), extra_macros)?;
    Ok((origin, macros))
}

/// EVENTS arguments as sources: none means stdin.
pub fn sources(events: &[String]) -> Vec<Source> {
    if events.is_empty() {
        vec![Source::Stdin]
    } else {
        events.iter().map(|s| Source::from_arg(s)).collect()
    }
}

pub fn check_sources(sources: &[Source]) -> Result<(), SplError> {
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

/// Exit 1 when input files could not be read (each was warned about and
/// skipped, and the run went on): the results are those of the others.
pub fn unreadable_inputs(n: u64) -> Result<(), SplError> {
    if n == 0 {
        return Ok(());
    }
    Err(SplError::input(format!(
        "{n} input file(s) could not be read and were skipped; the results are from the others"
    )))
}

/// Exit 1 without another message: the report above says what failed.
pub struct CheckFailed;

impl From<CheckFailed> for SplError {
    fn from(_: CheckFailed) -> SplError {
        SplError::new(diag::ErrorKind::Runtime, "")
    }
}

/// Prints a diagnostic to stderr (in colour on a terminal unless NO_COLOR).
pub fn report(e: &SplError) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", diag::render(e, color));
}

pub fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
