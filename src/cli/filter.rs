//! `spleval filter`: try a new definition of a detection's `*_filter` macro.

use std::path::PathBuf;

use clap::Args;

use super::args::{self, ClockArgs, EventArgs, KnowledgeArgs};
use super::sources;
use crate::app::output::{Format, Writer};
use crate::base::diag::SplError;
use crate::content::rules;
use crate::input::Source;

#[derive(Args)]
pub struct FilterArgs {
    /// The detection YAML, then NDJSON event files (none, or -: stdin)
    #[arg(value_name = "DETECTION", required = true)]
    pub detection: PathBuf,
    #[arg(value_name = "EVENTS")]
    pub events: Vec<String>,
    /// The filter macro's new definition, e.g. 'search NOT user="svc_*"'
    #[arg(long, value_name = "SPL", required = true)]
    pub with: String,
    /// Save the new definition as <rules>/macros/<name>_filter.yml
    #[arg(long)]
    pub write: bool,
    /// Rules root holding macros/; default: the nearest ancestor of DETECTION that holds macros/, else ./rules
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// An extra macro folder (repeatable; later folders override earlier ones)
    #[arg(long, value_name = "DIR")]
    pub macros: Vec<PathBuf>,
    #[command(flatten)]
    pub meta: EventArgs,
    #[command(flatten)]
    pub clock: ClockArgs,
    #[command(flatten)]
    pub knowledge: KnowledgeArgs,
}

pub fn exec(a: FilterArgs) -> Result<(), SplError> {
    let det = rules::load_detection(&a.detection)?;
    let root = args::rules_root(a.rules.as_deref(), Some(&a.detection))?;
    let macros = rules::load_macros(root.as_deref(), &a.macros)?;
    let ctx = args::plan_ctx(&a.clock, Some(&a.knowledge), root.clone(), Some(&macros))?;
    let sources = sources(&a.events);
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
    let c = crate::app::filter::compare(
        &det,
        &macros,
        &a.with,
        &ctx,
        &sources,
        &args::meta(&a.meta, Some(a.knowledge.load()?)),
    )?;
    println!(
        "filter macro `{}`: now {:?} ({}), trying {:?}",
        c.macro_name,
        c.current.definition,
        c.current.location(),
        c.candidate.definition
    );
    let tz = ctx.fn_ctx.tz;
    let table = |title: &str, rows: &[crate::base::event::Event]| -> Result<(), SplError> {
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
        let path = crate::app::macro_tools::write_definition(
            &c.current,
            &c.candidate,
            &root.join("macros"),
        )?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
