//! Recognizing event timestamps written in common formats (ISO-8601 and its
//! relatives, epoch seconds, US dates).

use chrono::{DateTime, NaiveDate, Utc};

use super::strptime::{read_frac, read_offset};
use super::zones::join_epoch;

/// Auto-detects an event timestamp and returns epoch seconds (with fraction).
///
/// Recognised:
/// - plain epoch numbers: seconds, or milliseconds when ≥ 1e11, or
///   microseconds when ≥ 1e14 (a fraction is allowed);
/// - ISO-8601 `YYYY-MM-DD` followed by `T`, `t` or a space and
///   `HH:MM[:SS[.fraction]]` (0–9+ fraction digits, `.` or `,`), then
///   optionally `Z`, `±hh:mm`, `±hhmm`, `±hh` or ` UTC`/` GMT`; date only is
///   midnight; no zone means UTC. `/` is also accepted as the date separator;
/// - `MM/DD/YYYY` with an optional ` HH:MM:SS(.fff)` (or `:HH:MM:SS`) and zone;
/// - RFC 2822 (`Thu, 12 Oct 2023 11:05:44 +0000`).
pub fn parse_timestamp(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(n) = plain_epoch(t) {
        return Some(n);
    }
    let chars: Vec<char> = t.chars().collect();
    if let Some(v) = parse_iso_like(&chars) {
        return Some(v);
    }
    if let Some(v) = parse_us_date(&chars) {
        return Some(v);
    }
    DateTime::parse_from_rfc2822(t).ok().map(|d| {
        let d = d.with_timezone(&Utc);
        join_epoch(d.timestamp(), d.timestamp_subsec_nanos())
    })
}

pub(crate) fn plain_epoch(t: &str) -> Option<f64> {
    let body = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let n: f64 = t.parse().ok()?;
    let a = n.abs();
    Some(if a >= 1e14 {
        n / 1e6
    } else if a >= 1e11 {
        n / 1e3
    } else {
        n
    })
}

/// Reads `min..=max` digits.
pub(crate) fn digits_at(c: &[char], pos: &mut usize, min: usize, max: usize) -> Option<u32> {
    let start = *pos;
    let mut v: u32 = 0;
    while *pos < c.len() && *pos - start < max && c[*pos].is_ascii_digit() {
        v = v * 10 + c[*pos].to_digit(10)?;
        *pos += 1;
    }
    (*pos - start >= min).then_some(v)
}

/// Reads `HH:MM[:SS[.frac]]` and an optional zone to the end of input.
/// Returns (seconds of day, nanos, offset seconds).
pub(crate) fn time_and_zone(c: &[char], pos: &mut usize) -> Option<(i64, u32, i32)> {
    let h = digits_at(c, pos, 1, 2)?;
    if c.get(*pos) != Some(&':') {
        return None;
    }
    *pos += 1;
    let m = digits_at(c, pos, 2, 2)?;
    let mut s = 0;
    let mut nanos = 0;
    if c.get(*pos) == Some(&':') {
        *pos += 1;
        s = digits_at(c, pos, 2, 2)?;
        if matches!(c.get(*pos), Some('.') | Some(',')) {
            *pos += 1;
            nanos = read_frac(c, pos, usize::MAX)?;
        }
    }
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let off = zone_to_end(c, pos)?;
    Some((i64::from(h * 3600 + m * 60 + s), nanos, off))
}

/// An optional zone designator that must end the input.
pub(crate) fn zone_to_end(c: &[char], pos: &mut usize) -> Option<i32> {
    if *pos == c.len() {
        return Some(0);
    }
    if c[*pos] == ' ' {
        *pos += 1;
    }
    let rest: String = c[*pos..].iter().collect();
    let upper = rest.to_ascii_uppercase();
    if matches!(upper.as_str(), "UTC" | "GMT") {
        return Some(0);
    }
    let off = read_offset(c, pos, false)?;
    (*pos == c.len()).then_some(off)
}

pub(crate) fn parse_iso_like(c: &[char]) -> Option<f64> {
    let mut pos = 0;
    let y = digits_at(c, &mut pos, 4, 4)?;
    let sep = *c.get(pos)?;
    if sep != '-' && sep != '/' {
        return None;
    }
    pos += 1;
    let mo = digits_at(c, &mut pos, 1, 2)?;
    if c.get(pos) != Some(&sep) {
        return None;
    }
    pos += 1;
    let d = digits_at(c, &mut pos, 1, 2)?;
    let date = NaiveDate::from_ymd_opt(y as i32, mo, d)?;
    if pos == c.len() {
        return Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp() as f64);
    }
    if !matches!(c[pos], 'T' | 't' | ' ') {
        return None;
    }
    pos += 1;
    finish(date, c, &mut pos)
}

pub(crate) fn finish(date: NaiveDate, c: &[char], pos: &mut usize) -> Option<f64> {
    let (sod, nanos, off) = time_and_zone(c, pos)?;
    let midnight = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp();
    Some(join_epoch(midnight + sod - i64::from(off), nanos))
}

pub(crate) fn parse_us_date(c: &[char]) -> Option<f64> {
    let mut pos = 0;
    let mo = digits_at(c, &mut pos, 1, 2)?;
    if c.get(pos) != Some(&'/') {
        return None;
    }
    pos += 1;
    let d = digits_at(c, &mut pos, 1, 2)?;
    if c.get(pos) != Some(&'/') {
        return None;
    }
    pos += 1;
    let y = digits_at(c, &mut pos, 4, 4)?;
    let date = NaiveDate::from_ymd_opt(y as i32, mo, d)?;
    if pos == c.len() {
        return Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp() as f64);
    }
    if !matches!(c[pos], ' ' | ':' | 'T') {
        return None;
    }
    pos += 1;
    finish(date, c, &mut pos)
}
