//! Writing results: an aligned table, NDJSON, or CSV.
//!
//! JSON: one object per result; multivalues as arrays; `_time` as epoch
//! seconds. Table: event results show `_time` and `_raw` (Splunk's events
//! view); other results show every field in first-seen order.

use std::io::Write;

use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// Collects or streams results in the chosen format.
pub struct Writer<W: Write> {
    format: Format,
    out: W,
    rows: Vec<Event>,
    tz: chrono_tz::Tz,
    pub count: u64,
    /// Columns the search declares; shown even when no result has a value.
    declared: Option<Vec<String>>,
    /// How fields are shown in table output (`fieldformat`).
    display: Vec<crate::commands::fieldformat::DisplayFormat>,
    fn_ctx: crate::functions::FnCtx,
}

impl<W: Write> Writer<W> {
    pub fn new(format: Format, out: W, tz: chrono_tz::Tz) -> Writer<W> {
        Writer {
            format,
            out,
            rows: Vec::new(),
            tz,
            count: 0,
            declared: None,
            display: Vec::new(),
            fn_ctx: crate::functions::FnCtx::default(),
        }
    }

    /// Sets the columns the search declares (`table a b`, `stats … by …`):
    /// table and CSV output show them, in order, before any other field.
    pub fn declare_columns(&mut self, cols: Option<Vec<String>>) {
        self.declared = cols;
    }

    /// Sets how fields are shown (`fieldformat`): table output renders
    /// them; JSON and CSV, exports of the data, keep the values.
    pub fn declare_display(
        &mut self,
        display: Vec<crate::commands::fieldformat::DisplayFormat>,
        fn_ctx: crate::functions::FnCtx,
    ) {
        self.display = display;
        self.fn_ctx = fn_ctx;
    }

    pub fn push(&mut self, ev: Event) -> Result<()> {
        self.count += 1;
        match self.format {
            Format::Json => {
                let line = serde_json::to_string(&to_json(&ev))
                    .map_err(|e| SplError::runtime(e.to_string()))?;
                writeln!(self.out, "{line}").map_err(io_err)
            }
            _ => {
                self.rows.push(ev);
                Ok(())
            }
        }
    }

    /// Writes what was held back (table and CSV need every row for the columns).
    pub fn finish(mut self, returns_events: bool) -> Result<W> {
        let rows = std::mem::take(&mut self.rows);
        match self.format {
            Format::Json => {}
            Format::Table => {
                let rows: Vec<Event> = if self.display.is_empty() {
                    rows
                } else {
                    rows.iter()
                        .map(|r| {
                            crate::commands::fieldformat::render(r, &self.display, &self.fn_ctx)
                        })
                        .collect()
                };
                let cols = self.columns_of(&rows, returns_events);
                if rows.is_empty() {
                    eprintln!("No results found.");
                }
                if !cols.is_empty() {
                    let mut t = comfy_table::Table::new();
                    t.load_preset(comfy_table::presets::ASCII_MARKDOWN);
                    t.set_header(cols.clone());
                    for r in &rows {
                        t.add_row(cols.iter().map(|c| self.cell(r, c)).collect::<Vec<_>>());
                    }
                    writeln!(self.out, "{t}").map_err(io_err)?;
                }
            }
            Format::Csv => {
                let cols = self.columns_of(&rows, false);
                let mut w = csv::Writer::from_writer(&mut self.out);
                if !cols.is_empty() {
                    w.write_record(&cols)
                        .map_err(|e| SplError::runtime(e.to_string()))?;
                }
                for r in &rows {
                    let rec: Vec<String> = cols
                        .iter()
                        .map(|c| match (c.as_str(), r.get(c)) {
                            ("_time", Some(v)) => v
                                .as_num()
                                .map(|t| {
                                    crate::time::strftime(t, "%Y-%m-%dT%H:%M:%S.%3N%:z", self.tz)
                                })
                                .unwrap_or_else(|| v.to_display("\n")),
                            (_, Some(v)) => v.to_display("\n"),
                            (_, None) => String::new(),
                        })
                        .collect();
                    w.write_record(&rec)
                        .map_err(|e| SplError::runtime(e.to_string()))?;
                }
                w.flush().map_err(io_err)?;
            }
        }
        self.out.flush().map_err(io_err)?;
        Ok(self.out)
    }

    /// The columns of the rows, led by the declared ones for result tables.
    fn columns_of(&self, rows: &[Event], returns_events: bool) -> Vec<String> {
        let found = columns(rows, returns_events);
        match &self.declared {
            Some(d) if !returns_events && !rows.is_empty() => {
                let mut cols: indexmap::IndexSet<String> = d.iter().cloned().collect();
                cols.extend(found);
                cols.into_iter().collect()
            }
            _ => found,
        }
    }

    fn cell(&self, r: &Event, c: &str) -> String {
        match (c, r.get(c)) {
            ("_time", Some(v)) => v
                .as_num()
                .map(|t| crate::time::strftime(t, "%Y-%m-%d %H:%M:%S.%3N", self.tz))
                .unwrap_or_else(|| v.to_display("\n")),
            (_, Some(v)) => v.to_display("\n"),
            (_, None) => String::new(),
        }
    }
}

fn io_err(e: std::io::Error) -> SplError {
    SplError::runtime(format!("cannot write output: {e}"))
}

/// The columns of a result set.
pub fn columns(rows: &[Event], returns_events: bool) -> Vec<String> {
    if returns_events && rows.iter().any(|r| r.contains("_raw")) {
        return vec!["_time".into(), "_raw".into()];
    }
    let mut cols: indexmap::IndexSet<String> = indexmap::IndexSet::new();
    for r in rows {
        for k in r.names() {
            cols.insert(k.to_string());
        }
    }
    cols.into_iter().collect()
}

/// One result as a JSON object.
pub fn to_json(ev: &Event) -> serde_json::Value {
    let mut m = serde_json::Map::with_capacity(ev.len());
    for (k, v) in ev.iter() {
        let j = match (k.as_str(), v) {
            ("_time", v) => match v.as_num() {
                Some(t) => Value::Num(t).to_json(),
                None => v.to_json(),
            },
            _ => v.to_json(),
        };
        m.insert(k.to_string(), j);
    }
    serde_json::Value::Object(m)
}
