//! Raw text: one event per line.

use std::io::BufRead;

use super::source::for_lines;
use super::{Emit, Item};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;

/// Raw text: one event per non-empty line, `_raw` only, `_time` from a
/// leading timestamp when one parses.
pub(crate) fn read_raw(reader: &mut dyn BufRead, name: &str, emit: &mut Emit<'_>) -> Result<()> {
    for_lines(reader, name, &mut |lineno, text| {
        if text.trim().is_empty() {
            return Ok(true);
        }
        if text.contains(['\0', '\u{fffd}']) {
            return emit(Item::Bad {
                line: lineno,
                record: None,
                msg: "not text (NUL bytes or invalid UTF-8)".into(),
            });
        }
        let mut ev = Event::with_capacity(4);
        ev.set("_raw", Value::Str(text.to_string()));
        if let Some(t) = leading_timestamp(text) {
            ev.set("_time", Value::Num(t));
            ev.orig_time = t;
        }
        emit(Item::Event {
            ev,
            raw_only: true,
            ready: false,
        })
    })
}

/// A timestamp at the start of a text line: ISO-8601 (with `T` or a space),
/// epoch seconds, `[dd/Mon/yyyy:HH:MM:SS +zzzz]` (web logs).
pub fn leading_timestamp(text: &str) -> Option<f64> {
    let t = text.trim_start();
    if let Some(rest) = t.strip_prefix('[') {
        let inner = rest.split(']').next()?;
        let tz = chrono_tz::UTC;
        return crate::time::strptime(inner, "%d/%b/%Y:%H:%M:%S %z", tz)
            .or_else(|| crate::time::parse_timestamp(inner));
    }
    let mut words = t.split_whitespace();
    let w1 = words.next()?;
    if !w1.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let w1 = w1.trim_end_matches([',', ';', '|']);
    if let Some(w2) = words.next() {
        if w2.starts_with(|c: char| c.is_ascii_digit()) && w2.contains(':') {
            let mut both = format!("{w1} {w2}");
            if let Some(w3) = words.next() {
                if w3.starts_with(['+', '-', 'Z']) || w3.eq_ignore_ascii_case("UTC") {
                    both = format!("{both} {w3}");
                    if let Some(t) = crate::time::parse_timestamp(&both) {
                        return Some(t);
                    }
                    both = format!("{w1} {w2}");
                }
            }
            if let Some(t) = crate::time::parse_timestamp(&both) {
                return Some(t);
            }
        }
    }
    if w1.len() >= 10 && (w1.contains('-') || w1.contains('T') || w1.len() == 10) {
        return crate::time::parse_timestamp(w1);
    }
    None
}
