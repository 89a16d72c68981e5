//! `| outputlookup [append=<bool>] [create_empty=<bool>] [override_if_empty=<bool>]
//! [max=<int>] [key_field=<field>] … <lookup>`
//!
//! Writes the results to a lookup's CSV in the lookups folder (a definition's
//! `filename`, a KV store collection's `<collection>.csv`, or a `.csv` named
//! directly) and passes them on unchanged. Columns are the results' fields in
//! first-seen order, leaving out internal fields except `_time` and `_key`;
//! a multivalue is written as one space-delimited value (one value per line
//! for a KV store collection). With `append=t` the rows are added after the
//! file's rows, in the file's columns only (other fields are lost). With
//! no results: `override_if_empty=f` leaves the file alone; otherwise
//! `create_empty=t` writes an empty file and `create_empty=f` (the default)
//! removes it.
//!
//! Files are written only when the run allows it (`spleval run
//! --write-lookups`): running a detection must not change or delete the rule
//! pack's lookups by accident. Otherwise the results pass through and one
//! warning says what would have been written.

use crate::base::atomic::write_atomic;
use std::any::Any;
use std::fmt;
use std::path::PathBuf;

use super::support::fields::FieldRef;
use super::support::sub::{self, OptKind};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::content::lookups::{self, Table};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::PResult;
use crate::spl::lex::Src;

pub const SPEC: CommandSpec = CommandSpec {
    name: "outputlookup",
    aliases: &[],
    parse,
    syntax: "| outputlookup [append=<bool>] [create_empty=<bool>] [override_if_empty=<bool>] [max=<int>] [key_field=<field>] <lookup>",
    plan: super::planner::<OutputlookupCmd>,
};

const OPTIONS: &[(&str, OptKind)] = &[
    ("append", OptKind::Bool),
    ("create_empty", OptKind::Bool),
    ("override_if_empty", OptKind::Bool),
    ("max", OptKind::Uint),
    ("key_field", OptKind::Text),
    ("allow_updates", OptKind::Bool),
    ("createinapp", OptKind::Bool),
    ("create_context", OptKind::Text),
    ("output_format", OptKind::Text),
];

#[derive(Debug)]
pub struct OutputlookupCmd {
    pub options: Vec<Opt>,
    pub table: FieldRef,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, options) = sub::options(src, i, "outputlookup", OPTIONS)?;
    let (rest, table) = sub::name_arg(src, rest, "a lookup name or .csv file")?;
    // Options may also follow the name.
    let (rest, more) = sub::options(src, rest, "outputlookup", OPTIONS)?;
    let mut options = options;
    options.extend(more);
    Ok((rest, Box::new(OutputlookupCmd { options, table })))
}

impl fmt::Display for OutputlookupCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("outputlookup")?;
        sub::print_opts(f, &self.options)?;
        write!(f, " {}", sub::print_name(&self.table.name))
    }
}

impl Command for OutputlookupCmd {
    fn name(&self) -> &'static str {
        "outputlookup"
    }
    fn kind(&self) -> CommandKind {
        // Rows are written in search order.
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "table": self.table })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for OutputlookupCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let lk = lookups::open_for(ctx.rules_root.as_deref(), "outputlookup")?;
        let path = lk
            .output_path(&self.table.name)
            .map_err(|e| e.at(self.table.span))?;
        let o = &self.options;
        Ok(Box::new(OutputlookupOp {
            path,
            rows: Vec::new(),
            append: sub::opt_bool(o, "append", false),
            create_empty: sub::opt_bool(o, "create_empty", false),
            override_if_empty: sub::opt_bool(o, "override_if_empty", true),
            max: sub::opt_uint(o, "max", 0) as usize,
            write: ctx.write_lookups,
            collection: lk
                .defs
                .get(&self.table.name)
                .is_some_and(|d| d.is_collection()),
        }))
    }
}

struct OutputlookupOp {
    path: PathBuf,
    rows: Vec<Event>,
    append: bool,
    create_empty: bool,
    override_if_empty: bool,
    /// 0: no cap.
    max: usize,
    /// Writing is allowed (`--write-lookups`).
    write: bool,
    /// The target is a KV store collection (multivalues kept as lines).
    collection: bool,
}

fn written(name: &str) -> bool {
    !name.starts_with('_') || name == "_time" || name == "_key"
}

impl OutputlookupOp {
    fn write(&mut self) -> Result<()> {
        let err = |e: String| {
            SplError::runtime(format!(
                "outputlookup: cannot write {}: {e}",
                self.path.display()
            ))
        };
        if self.max > 0 {
            self.rows.truncate(self.max);
        }
        if self.rows.is_empty() {
            if self.append || !self.override_if_empty {
                if self.create_empty && !self.path.exists() {
                    write_atomic(&self.path, b"").map_err(|e| err(e.to_string()))?;
                }
                return Ok(());
            }
            if self.create_empty {
                write_atomic(&self.path, b"").map_err(|e| err(e.to_string()))?;
            } else if self.path.exists() {
                std::fs::remove_file(&self.path).map_err(|e| err(e.to_string()))?;
            }
            lookups::invalidate(&self.path);
            return Ok(());
        }
        let existing = if self.append && self.path.is_file() {
            Table::read_csv(&self.path)?
        } else {
            Table::default()
        };
        // The page's Append results: with append=true only the fields
        // already in the file are written ("Field C is lost").
        let mut cols = existing.fields.clone();
        let keep_header = self.append && !cols.is_empty();
        for r in self.rows.iter().filter(|_| !keep_header) {
            for k in r.names() {
                if written(k) && !cols.iter().any(|c| c == k) {
                    cols.push(k.to_string());
                }
            }
        }
        // Written whole in memory, then through a temporary file renamed
        // over the table: an interrupted write leaves the old table.
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&cols).map_err(|e| err(e.to_string()))?;
        for row in &existing.rows {
            let rec: Vec<&str> = (0..cols.len())
                .map(|n| row.get(n).map(String::as_str).unwrap_or(""))
                .collect();
            w.write_record(&rec).map_err(|e| err(e.to_string()))?;
        }
        // A static table gets a multivalue "merged into single
        // space-delimited value" (the page); a collection keeps the values.
        let sep = if self.collection { "\n" } else { " " };
        for r in &self.rows {
            let rec: Vec<String> = cols
                .iter()
                .map(|c| r.get(c).map(|v| v.to_display(sep)).unwrap_or_default())
                .collect();
            w.write_record(&rec).map_err(|e| err(e.to_string()))?;
        }
        let bytes = w.into_inner().map_err(|e| err(e.to_string()))?;
        write_atomic(&self.path, &bytes).map_err(|e| err(e.to_string()))?;
        lookups::invalidate(&self.path);
        Ok(())
    }
}

impl Operator for OutputlookupOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        if self.write {
            self.rows.push(ev.clone());
        } else {
            // Only the count is reported.
            self.rows.push(Event::new());
        }
        out(ev)
    }
    fn finish(&mut self, _out: &mut Emit<'_>) -> Result<()> {
        if !self.write {
            eprintln!(
                "warning: outputlookup: {} result(s) not written to {} \
                 (run with --write-lookups to write lookup files)",
                self.rows.len(),
                self.path.display()
            );
            return Ok(());
        }
        self.write()
    }
}
