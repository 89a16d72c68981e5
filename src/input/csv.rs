//! CSV with a header row.

use std::io::{BufReader, Read};

use super::json::set_time;
use super::{Emit, Item};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;

/// A first line of 2+ comma-separated names (no numbers, no spaces around
/// words only), and a second line with as many cells.
pub(crate) fn convincing_csv_header(t: &str) -> bool {
    let mut lines = t.lines();
    let Some(first) = lines.next() else {
        return false;
    };
    let cells = csv_cells(first);
    if cells.len() < 2 {
        return false;
    }
    let name_ok = |c: &String| {
        !c.is_empty()
            && c.trim() == c
            && c.len() <= 64
            && c.chars()
                .next()
                .is_some_and(|ch| ch.is_alphabetic() || ch == '_' || ch == '@')
            && c.chars().all(|ch| {
                ch.is_alphanumeric() || matches!(ch, '_' | '.' | ':' | '{' | '}' | '@' | '-' | ' ')
            })
    };
    if !cells.iter().all(name_ok) {
        return false;
    }
    match lines.next() {
        Some(second) if !second.trim().is_empty() => csv_cells(second).len() == cells.len(),
        _ => false,
    }
}

pub(crate) fn csv_cells(line: &str) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    r.records()
        .next()
        .and_then(|x| x.ok())
        .map(|rec| rec.iter().map(str::to_string).collect())
        .unwrap_or_default()
}

/// CSV with a header row: each row an event, empty cells make no field; a
/// `_raw` column is kept, else `_raw` is the row as CSV text.
pub(crate) fn read_csv(
    reader: BufReader<Box<dyn Read + Send>>,
    name: &str,
    emit: &mut Emit<'_>,
) -> Result<()> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let headers: Vec<String> = match r.headers() {
        Ok(h) => h
            .iter()
            .map(|s| s.trim_start_matches('\u{feff}').to_string())
            .collect(),
        Err(e) => {
            return Err(SplError::input(format!(
                "{name}:1: cannot read CSV header: {e}"
            )))
        }
    };
    let mut record = csv::StringRecord::new();
    let mut n = 0u64;
    loop {
        n += 1;
        match r.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let mut ev = Event::with_capacity(headers.len() + 2);
                for (h, v) in headers.iter().zip(record.iter()) {
                    if !v.is_empty() {
                        ev.set(h.clone(), Value::Str(v.to_string()));
                    }
                }
                if !ev.contains("_raw") {
                    let mut w = csv::WriterBuilder::new()
                        .has_headers(false)
                        .terminator(csv::Terminator::Any(b'\n'))
                        .from_writer(Vec::new());
                    let _ = w.write_record(&record);
                    let raw = w.into_inner().unwrap_or_default();
                    let raw = String::from_utf8_lossy(&raw).trim_end().to_string();
                    ev.set("_raw", Value::Str(raw));
                }
                set_time(&mut ev);
                if !emit(Item::Event {
                    ev,
                    raw_only: false,
                    ready: false,
                })? {
                    return Ok(());
                }
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                let msg = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("malformed CSV row ({len} fields, the header has {expected_len})"),
                    _ => format!("malformed CSV row ({e})"),
                };
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(SplError::input(format!("{name}:{line}: cannot read: {e}")));
                }
                emit(Item::Bad {
                    line,
                    record: Some(n),
                    msg,
                })?;
            }
        }
    }
}
