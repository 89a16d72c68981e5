//! Pieces shared by the statistics family (`eventstats`, `streamstats`,
//! `top`/`rare`, `chart`, `timechart`, `transaction`, `tstats`, `mstats`):
//! option scanning with unknown-option errors, `BY` lists that end at an
//! option, time spans (`span=1h`, `maxspan=30m`, `time_window=1d`) and the
//! values an aggregation reads from one event.

use std::fmt;

use chrono::{Datelike, LocalResult, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::stats::{feed_input, AggSpec, Input};
use crate::commands::support::fields::{field_ref, FieldRef};
use crate::functions::stats::Accumulator;
use crate::functions::FnCtx;
use crate::spl::ast::Opt;
use crate::spl::expr::{parse_expr, Expr};
use crate::spl::lex::{self, ws, ErrAt, PErr, PResult, Src};

/// True when the input starts with `name=` (an option), not `name==`.
pub fn option_ahead(i: &str) -> bool {
    let i = ws(i);
    let Ok((r, _)) = lex::ident(i) else {
        return false;
    };
    let r = ws(r);
    r.starts_with('=') && !r.starts_with("==")
}

/// The option key at the input, when the input is an option (`key=…`).
pub fn option_key(i: &str) -> Option<&str> {
    if !option_ahead(i) {
        return None;
    }
    lex::ident(ws(i)).ok().map(|(_, k)| k)
}

/// Reads an option when the input is one: `Ok(None)` when it is not an
/// option, a parse error spanning it when its key is not in `allowed`.
pub fn known_option<'a>(
    src: &Src<'a>,
    i: &'a str,
    allowed: &[&str],
    command: &str,
) -> std::result::Result<Option<(&'a str, Opt)>, nom::Err<PErr>> {
    let i = ws(i);
    if !option_ahead(i) {
        return Ok(None);
    }
    let Some((r, o)) = lex::option(i, src) else {
        // `key=` with nothing usable after it.
        let (after, key) =
            lex::ident(i).map_err(|_| nom::Err::Failure(PErr::at(i, "bad option")))?;
        return Err(nom::Err::Failure(PErr::spanning(
            src.span(i, after),
            format!("expected a value after '{key}='"),
        )));
    };
    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(&o.key)) {
        return Err(nom::Err::Failure(
            PErr::spanning(o.span, format!("unknown {command} option '{}'", o.key))
                .with_help(format!("{command} takes {}", allowed.join("=, ") + "=")),
        ));
    }
    // `agg=<stats-agg-term>` (chart/timechart): the value runs to the
    // parenthesis that closes the function's, `agg=max(size)`.
    if o.key.eq_ignore_ascii_case("agg") && !o.quoted && o.value.contains('(') {
        let start = i.len() - r.len() - o.value.len();
        let from = &i[start..];
        let mut depth = 0usize;
        let mut end = None;
        for (n, c) in from.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = Some(n + 1);
                        break;
                    }
                }
                c if c.is_whitespace() || c == '|' || c == '[' || c == ']' => break,
                _ => {}
            }
        }
        let Some(end) = end else {
            return Err(nom::Err::Failure(PErr::spanning(
                o.span,
                "agg= needs a closing ')', e.g. agg=max(size)",
            )));
        };
        let rest = &from[end..];
        let o = Opt {
            value: from[..end].to_string(),
            span: src.span(i, rest),
            ..o
        };
        return Ok(Some((rest, o)));
    }
    Ok(Some((r, o)))
}

/// A failure spanning an option (bad value).
pub fn bad_option<T>(o: &Opt, msg: impl Into<String>) -> PResult<'static, T> {
    Err(nom::Err::Failure(PErr::spanning(o.span, msg)))
}

/// Reads a boolean option value as Splunk does (`t`/`true`/`1`/`yes`, `f`/…).
pub fn bool_value(o: &Opt) -> std::result::Result<bool, nom::Err<PErr>> {
    o.as_bool().ok_or_else(|| {
        nom::Err::Failure(PErr::spanning(
            o.span,
            format!("{} must be true or false", o.key),
        ))
    })
}

/// Reads a whole-number option value.
pub fn uint_value(o: &Opt) -> std::result::Result<u64, nom::Err<PErr>> {
    o.value.trim().parse::<u64>().map_err(|_| {
        nom::Err::Failure(PErr::spanning(
            o.span,
            format!("{} must be a whole number", o.key),
        ))
    })
}

/// The field names after `BY`: separated by spaces or commas, up to the end
/// of the command, an option (`key=value`) or one of `stop`.
pub fn by_fields<'a>(src: &Src<'a>, i: &'a str, stop: &[&str]) -> PResult<'a, Vec<FieldRef>> {
    let mut out = Vec::new();
    let mut rest = ws(i);
    loop {
        if lex::at_command_end(rest) || option_ahead(rest) || at_stop(rest, stop) {
            break;
        }
        let (r, f) = field_ref(src, rest)?;
        out.push(f);
        rest = ws(r);
        if let Some(r) = rest.strip_prefix(',') {
            rest = ws(r);
        }
    }
    Ok((rest, out))
}

/// At one of these keywords, followed by whitespace or the end.
pub fn at_stop(i: &str, stop: &[&str]) -> bool {
    let i = ws(i);
    stop.iter().any(|k| match lex::keyword(i, k) {
        Some(r) => r.is_empty() || r.starts_with(char::is_whitespace) || r.starts_with('|'),
        None => false,
    })
}

/// An eval expression given as an option value: `key=(expr)`, `key="(expr)"`
/// or `key=eval(expr)`. The input starts after the `=`.
pub fn expr_value<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Expr> {
    let i = ws(i);
    if let Some(body) = i.strip_prefix('"') {
        let (rest, text) = lex::dquoted(i)?;
        let raw = &body[..body.len() - rest.len() - 1];
        if raw == text {
            // No escapes: parse in place so spans point into the search.
            let (after, e) = lex::cut(parse_expr(src, body))?;
            let after_ws = ws(after);
            if after_ws.len() == rest.len() + 1 && after_ws.starts_with('"') {
                return Ok((rest, e));
            }
            return lex::cut_err(after_ws, "unexpected input in expression");
        }
        // Escaped quotes inside: parse the unescaped text on its own.
        let inner = Src::new(&text);
        return match parse_expr(&inner, &text) {
            Ok((r, e)) if ws(r).is_empty() => Ok((rest, e)),
            Ok((r, _)) => {
                let off = text.len() - r.len();
                Err(nom::Err::Failure(PErr::spanning(
                    src.span(i, rest),
                    format!("unexpected input in expression at '{}'", &text[off..]),
                )))
            }
            Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => {
                let at = match e.at {
                    ErrAt::Rest(r) => text.len().saturating_sub(r),
                    ErrAt::Abs(a) => a,
                };
                Err(nom::Err::Failure(PErr::spanning(
                    src.span(i, rest),
                    format!("{} (at offset {at} of the quoted expression)", e.msg),
                )))
            }
            Err(e) => Err(e),
        };
    }
    if let Some(r) = lex::keyword(i, "eval") {
        if ws(r).starts_with('(') {
            return lex::cut(parse_expr(src, ws(r)));
        }
    }
    if i.starts_with('(') {
        return lex::cut(parse_expr(src, i));
    }
    lex::cut_err(i, "expected an eval expression in parentheses: (<expr>)")
}

// ---------------------------------------------------------------------------
// Time spans
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum SpanUnit {
    Microsecond,
    Millisecond,
    Centisecond,
    Decisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl SpanUnit {
    fn from_name(n: &str) -> Option<SpanUnit> {
        Some(match n.to_ascii_lowercase().as_str() {
            "us" => SpanUnit::Microsecond,
            "ms" => SpanUnit::Millisecond,
            "cs" => SpanUnit::Centisecond,
            "ds" => SpanUnit::Decisecond,
            "" | "s" | "sec" | "secs" | "second" | "seconds" => SpanUnit::Second,
            "m" | "min" | "mins" | "minute" | "minutes" => SpanUnit::Minute,
            "h" | "hr" | "hrs" | "hour" | "hours" => SpanUnit::Hour,
            "d" | "day" | "days" => SpanUnit::Day,
            "w" | "week" | "weeks" => SpanUnit::Week,
            "mon" | "month" | "months" => SpanUnit::Month,
            "q" | "qtr" | "qtrs" | "quarter" | "quarters" => SpanUnit::Quarter,
            "y" | "yr" | "yrs" | "year" | "years" => SpanUnit::Year,
            _ => return None,
        })
    }

    /// Length in seconds for the fixed-length units.
    fn secs(self) -> Option<f64> {
        Some(match self {
            SpanUnit::Microsecond => 1e-6,
            SpanUnit::Millisecond => 1e-3,
            SpanUnit::Centisecond => 1e-2,
            SpanUnit::Decisecond => 1e-1,
            SpanUnit::Second => 1.0,
            SpanUnit::Minute => 60.0,
            SpanUnit::Hour => 3600.0,
            SpanUnit::Day => 86400.0,
            SpanUnit::Week => 7.0 * 86400.0,
            SpanUnit::Month | SpanUnit::Quarter | SpanUnit::Year => return None,
        })
    }

    fn months(self) -> Option<u32> {
        match self {
            SpanUnit::Month => Some(1),
            SpanUnit::Quarter => Some(3),
            SpanUnit::Year => Some(12),
            _ => None,
        }
    }
}

/// A time span as written: `<n><unit>` (`5m`, `1h`, `7d`, `1mon`); a bare number is seconds.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TimeSpan {
    pub n: f64,
    pub unit: SpanUnit,
    /// The text as written (printed back as is).
    pub text: String,
    /// `w@w1`: week buckets start on this weekday (0 Sunday … 6 Saturday;
    /// `w7` is Sunday too) instead of on the epoch's Thursday.
    pub snap_weekday: Option<u32>,
}

impl fmt::Display for TimeSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Parses a span: `<number>[<unit>]`, the number positive; weeks may snap
/// to a weekday, `[<n>]w@w<d>` (Search Reference, timechart extended
/// example 3: `span=w@w1`, weeks beginning on Monday).
pub fn parse_timespan(text: &str) -> std::result::Result<TimeSpan, String> {
    let t = text.trim();
    if let Some((base, snap)) = t.split_once('@') {
        let day = snap
            .strip_prefix(['w', 'W'])
            .and_then(|d| d.parse::<u32>().ok())
            .filter(|d| *d <= 7)
            .ok_or_else(|| {
                format!("invalid time span '{t}': snap to a weekday, w0 (Sunday) to w6 or w7")
            })?;
        let base = if base.starts_with(|c: char| c.is_ascii_digit()) {
            base.to_string()
        } else {
            format!("1{base}")
        };
        let mut span = parse_timespan(&base)?;
        if span.unit != SpanUnit::Week {
            return Err(format!(
                "invalid time span '{t}': only week spans snap to a day (w@w1)"
            ));
        }
        span.snap_weekday = Some(day % 7);
        span.text = t.to_string();
        return Ok(span);
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = if num.is_empty() {
        return Err(format!(
            "invalid time span '{t}': expected <number><unit> such as 5m or 1h"
        ));
    } else {
        num.parse()
            .map_err(|_| format!("invalid time span '{t}': bad number '{num}'"))?
    };
    if n <= 0.0 || !n.is_finite() {
        return Err(format!("invalid time span '{t}': must be greater than 0"));
    }
    let unit = SpanUnit::from_name(unit).ok_or_else(|| {
        format!("invalid time span '{t}': unknown unit '{unit}' (use s, m, h, d, w, mon, q, y)")
    })?;
    if unit.months().is_some() && n.fract() != 0.0 {
        return Err(format!(
            "invalid time span '{t}': months, quarters and years must be whole"
        ));
    }
    Ok(TimeSpan {
        n,
        unit,
        text: t.to_string(),
        snap_weekday: None,
    })
}

impl TimeSpan {
    /// A span of fixed length in seconds (none for months, quarters, years).
    pub fn fixed_secs(&self) -> Option<f64> {
        self.unit.secs().map(|s| s * self.n)
    }

    /// Seconds, counting a month as 30 days (for choosing and comparing spans).
    pub fn approx_secs(&self) -> f64 {
        self.fixed_secs()
            .unwrap_or_else(|| self.n * f64::from(self.unit.months().unwrap_or(1)) * 30.0 * 86400.0)
    }

    fn span_months(&self) -> Option<i64> {
        self.unit.months().map(|m| self.n as i64 * i64::from(m))
    }

    /// The start of the bucket holding `t`. Spans of a day or more (and
    /// whole hours) start at local midnight / on the local clock of `tz`;
    /// months, quarters and years at the first day of the month.
    pub fn bucket(&self, t: f64, tz: Tz) -> f64 {
        if let Some(months) = self.span_months() {
            let Some(dt) = Utc.timestamp_opt(t.floor() as i64, 0).single() else {
                return t;
            };
            let local = dt.with_timezone(&tz);
            let idx = i64::from(local.year()) * 12 + i64::from(local.month0());
            let start = idx - idx.rem_euclid(months.max(1));
            return month_start(start, tz).unwrap_or(t);
        }
        let step = self.fixed_secs().unwrap_or(1.0);
        let off = offset_at(t, tz);
        // Day 0 of the epoch was a Thursday (weekday 4): weeks snapped to
        // weekday d count from the first such day after it.
        let anchor = self
            .snap_weekday
            .map_or(0.0, |d| f64::from((d + 3) % 7) * 86400.0);
        let local = t + off - anchor;
        let b = (local / step).floor() * step + anchor - off;
        // Round away float noise for sub-second spans.
        if step < 1.0 {
            (b * 1e6).round() / 1e6
        } else {
            b
        }
    }

    /// The start of the bucket after the one starting at `start`.
    pub fn next(&self, start: f64, tz: Tz) -> f64 {
        if let Some(months) = self.span_months() {
            let Some(dt) = Utc.timestamp_opt(start.floor() as i64, 0).single() else {
                return start + 30.0 * 86400.0;
            };
            let local = dt.with_timezone(&tz);
            let idx = i64::from(local.year()) * 12 + i64::from(local.month0());
            return month_start(idx + months.max(1), tz).unwrap_or(start + 30.0 * 86400.0);
        }
        let step = self.fixed_secs().unwrap_or(1.0);
        // Days and weeks keep local midnight across DST changes.
        self.bucket(start + step + step / 2.0, tz)
            .max(start + step / 2.0)
    }
}

fn offset_at(t: f64, tz: Tz) -> f64 {
    match Utc.timestamp_opt(t.floor() as i64, 0).single() {
        Some(dt) => f64::from(dt.with_timezone(&tz).offset().fix().local_minus_utc()),
        None => 0.0,
    }
}

/// Local midnight of the first day of month number `idx` (year*12 + month0).
fn month_start(idx: i64, tz: Tz) -> Option<f64> {
    let year = i32::try_from(idx.div_euclid(12)).ok()?;
    let month = (idx.rem_euclid(12) + 1) as u32;
    let naive = NaiveDate::from_ymd_opt(year, month, 1)?.and_hms_opt(0, 0, 0)?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(d) => Some(d.timestamp() as f64),
        LocalResult::Ambiguous(a, _) => Some(a.timestamp() as f64),
        LocalResult::None => Some(Utc.from_utc_datetime(&naive).timestamp() as f64),
    }
}

/// Parses a duration option such as `maxspan=30m`; `-1` means no limit (None).
pub fn duration_value(o: &Opt) -> std::result::Result<Option<f64>, nom::Err<PErr>> {
    let v = o.value.trim();
    if v == "-1" {
        return Ok(None);
    }
    let span = parse_timespan(v)
        .map_err(|m| nom::Err::Failure(PErr::spanning(o.span, format!("{}: {m}", o.key))))?;
    Ok(Some(span.approx_secs()))
}

// ---------------------------------------------------------------------------
// Aggregation inputs
// ---------------------------------------------------------------------------

/// The values each aggregation of `spec` reads from one event (what
/// [`AggSpec::add`] would feed), so they can be kept and fed again later
/// (windows, `OTHER` series): one list per plain aggregation, and one per
/// aggregation named inside an eval over aggregations.
pub fn extract(spec: &AggSpec, ev: &Event, ctx: &FnCtx) -> Result<Vec<Vec<Value>>> {
    let mut out = Vec::with_capacity(spec.items.len());
    let mut take = |input: &Input| -> Result<()> {
        let mut vals = Vec::new();
        feed_input(input, ev, ctx, |x| vals.push(x.clone()))?;
        out.push(vals);
        Ok(())
    };
    for (_, _, input) in &spec.items {
        match input {
            Input::Over(o) => {
                for part in o.inputs() {
                    take(part)?;
                }
            }
            _ => take(input)?,
        }
    }
    Ok(out)
}

/// Feeds values [`extract`]ed with the same spec into accumulators.
pub fn feed(accs: &mut [Box<dyn Accumulator>], vals: &[Vec<Value>], time: Option<f64>) {
    let mut vals = vals.iter();
    for acc in accs.iter_mut() {
        match acc.parts() {
            None => {
                for v in vals.next().into_iter().flatten() {
                    acc.add(v, time);
                }
            }
            Some(n) => {
                for i in 0..n {
                    for v in vals.next().into_iter().flatten() {
                        acc.add_inner(i, v, time, 0.0);
                    }
                }
            }
        }
    }
}

/// A hashable form of a group-by key.
pub fn key_text(key: &[Value]) -> Vec<String> {
    key.iter().map(|v| v.to_display("\n")).collect()
}

/// Functions whose empty result is 0 rather than no value (`count`, `dc`).
pub fn zero_when_empty(func: &str) -> bool {
    matches!(
        func.to_ascii_lowercase().as_str(),
        "count" | "c" | "dc" | "distinct_count" | "estdc"
    )
}

/// The q-quantile of sorted values, linear interpolation between closest
/// ranks at position (n-1)·q.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = (sorted.len() - 1) as f64 * q;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// The values an event contributes to the group-by key: one key per
/// combination of values; none when a field is missing.
pub fn group_keys(ev: &Event, by: &[String]) -> Vec<Vec<Value>> {
    let mut keys: Vec<Vec<Value>> = vec![Vec::with_capacity(by.len())];
    for f in by {
        let Some(v) = ev.get(f) else {
            return Vec::new();
        };
        let vals = v.values();
        if vals.len() == 1 {
            for k in &mut keys {
                k.push(vals[0].clone());
            }
        } else {
            let mut next = Vec::with_capacity(keys.len() * vals.len());
            for k in &keys {
                for x in vals {
                    let mut k2 = k.clone();
                    k2.push(x.clone());
                    next.push(k2);
                }
            }
            keys = next;
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_parse_and_bucket() {
        let s = parse_timespan("5m").unwrap();
        assert_eq!(s.fixed_secs(), Some(300.0));
        assert_eq!(s.bucket(1_700_000_123.0, chrono_tz::UTC), 1_700_000_100.0);
        assert_eq!(s.next(1_700_000_100.0, chrono_tz::UTC), 1_700_000_400.0);
        let d = parse_timespan("1d").unwrap();
        // 2023-11-14T22:13:20Z → 2023-11-14T00:00:00Z
        assert_eq!(d.bucket(1_700_000_000.0, chrono_tz::UTC), 1_699_920_000.0);
        // In New York (UTC-5 in November) the day starts at 05:00Z.
        let ny: Tz = "America/New_York".parse().unwrap();
        assert_eq!(d.bucket(1_700_000_000.0, ny), 1_699_938_000.0);
        let m = parse_timespan("1mon").unwrap();
        // → 2023-11-01T00:00:00Z
        assert_eq!(m.bucket(1_700_000_000.0, chrono_tz::UTC), 1_698_796_800.0);
        assert_eq!(m.next(1_698_796_800.0, chrono_tz::UTC), 1_701_388_800.0);
        assert_eq!(parse_timespan("30").unwrap().fixed_secs(), Some(30.0));
        assert!(parse_timespan("5x").is_err());
        assert!(parse_timespan("0m").is_err());
        assert!(parse_timespan("h").is_err());
    }
}
