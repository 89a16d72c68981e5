//! `spleval macro list|show|check`.

use std::io::IsTerminal;

use clap::{Args, Subcommand};

use crate::app::macro_tools;
use crate::base::diag::{self, SplError};
use crate::content::rules;
use std::path::PathBuf;

use super::{report, CheckFailed};

#[derive(Subcommand)]
pub enum MacroCmd {
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
pub struct MacroArgs {
    /// Rules root holding macros/ and detections/ [default: ./rules]
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// An extra macro folder (repeatable; later folders override earlier ones)
    #[arg(long, value_name = "DIR")]
    macros: Vec<PathBuf>,
}

pub fn exec(cmd: MacroCmd) -> Result<(), SplError> {
    match cmd {
        MacroCmd::List(a) => {
            let root = super::args::rules_root(a.rules.as_deref(), None)?;
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
            let root = super::args::rules_root(a.rules.as_deref(), None)?;
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
            let root = super::args::rules_root(a.rules.as_deref(), None)?;
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
