//! `bin [span=<span>] [bins=<int>] [minspan=<span>] [start=<num>] [end=<num>]
//! [aligntime=<time>] <field> [AS <newfield>]` (alias `bucket`).
//!
//! Times (`_time`, or any field when the span has a time unit) are set to
//! the start of their bin, as epoch seconds. Spans under a day are aligned
//! to whole multiples since the epoch in the `--tz` zone's wall clock;
//! `d` and `w` spans to local midnights (`w` counts 7-day blocks from the
//! epoch, a Thursday); `mon`, `q`, `y` to the first of a month (multiples
//! of the span since January 1970). Other numbers become the range
//! `<lo>-<hi>` of their bin (`span=10`: 23 → `20-30`; `span=log` or
//! `2log10`: logarithmic bins). Without `span`, `bins` (default 100) picks
//! the smallest standard span giving at most that many bins over the values
//! seen (the command then holds all results until the input ends).

use std::any::Any;
use std::fmt;

use chrono::{Datelike, Offset, TimeZone};

use super::support::fields::{at_keyword, field_ref, FieldRef};
use super::support::xutil::{self, get, known_option};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::{format_number, parse_number, Value};
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "bin",
    aliases: &["bucket", "discretize"],
    parse,
    syntax: "bin [span=<span>] [bins=<int>] [minspan=<span>] [start=<num>] [end=<num>] [aligntime=<time>] <field> [AS <newfield>]",
    plan: super::planner::<BinCmd>,
};

const OPTIONS: &[&str] = &["span", "bins", "minspan", "start", "end", "aligntime"];

#[derive(Debug)]
pub struct BinCmd {
    pub options: Vec<Opt>,
    pub field: FieldRef,
    pub alias: Option<FieldRef>,
}

/// A parsed span.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BinSpan {
    /// A time span in seconds.
    Secs(f64),
    Months(i64),
    /// A plain number (seconds for `_time`).
    Number(f64),
    Log {
        coef: f64,
        base: f64,
    },
}

impl BinSpan {
    pub fn parse(s: &str) -> std::result::Result<BinSpan, String> {
        let t = s.trim();
        let split = t
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
            .map(|(i, _)| i)
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let unit_l = unit.to_ascii_lowercase();
        if let Some(base) = unit_l.strip_prefix("log") {
            let coef = if num.is_empty() {
                1.0
            } else {
                num.parse::<f64>()
                    .map_err(|_| format!("invalid span {s:?}"))?
            };
            let base = if base.is_empty() {
                10.0
            } else {
                base.parse::<f64>()
                    .map_err(|_| format!("invalid log span {s:?}"))?
            };
            if base.is_nan() || coef.is_nan() || base <= 1.0 || coef <= 0.0 || coef >= base {
                return Err(format!(
                    "invalid log span {s:?}: needs a base above 1 and 0 < coefficient < base"
                ));
            }
            return Ok(BinSpan::Log { coef, base });
        }
        let n = if num.is_empty() {
            1.0
        } else {
            num.parse::<f64>()
                .map_err(|_| format!("invalid span {s:?}"))?
        };
        if n.is_nan() || n <= 0.0 {
            return Err(format!("span must be positive (got {s:?})"));
        }
        let secs = |k: f64| Ok(BinSpan::Secs(n * k));
        let months = |k: i64| {
            if n.fract() != 0.0 {
                Err(format!("month spans must be whole (got {s:?})"))
            } else {
                Ok(BinSpan::Months(n as i64 * k))
            }
        };
        match unit_l.as_str() {
            "" => Ok(BinSpan::Number(n)),
            "s" | "sec" | "secs" | "second" | "seconds" => secs(1.0),
            "m" | "min" | "mins" | "minute" | "minutes" => secs(60.0),
            "h" | "hr" | "hrs" | "hour" | "hours" => secs(3600.0),
            "d" | "day" | "days" => secs(86400.0),
            "w" | "week" | "weeks" => secs(7.0 * 86400.0),
            "mon" | "month" | "months" => months(1),
            "q" | "qtr" | "qtrs" | "quarter" | "quarters" => months(3),
            "y" | "yr" | "yrs" | "year" | "years" => months(12),
            "us" => secs(1e-6),
            "ms" => secs(1e-3),
            "cs" => secs(1e-2),
            "ds" => secs(1e-1),
            other => Err(format!(
                "unknown span unit '{other}' (s, m, h, d, w, mon, q, y, us, ms, cs, ds, or log)"
            )),
        }
    }

    fn is_time(&self) -> bool {
        matches!(self, BinSpan::Secs(_) | BinSpan::Months(_))
    }

    /// Seconds in the span, for comparisons (months as 30 days).
    fn approx_secs(&self) -> f64 {
        match self {
            BinSpan::Secs(secs) => *secs,
            BinSpan::Months(m) => *m as f64 * 30.0 * 86400.0,
            BinSpan::Number(n) => *n,
            BinSpan::Log { .. } => 0.0,
        }
    }
}

/// Checks the value of one binning option at parse time (shared by `bin`
/// and the bin options of `chart`): spans parse, `bins` is at least 1,
/// `start`/`end` are numbers. Other keys pass.
pub fn check_bin_option(o: &Opt) -> std::result::Result<(), nom::Err<PErr>> {
    match o.key.to_ascii_lowercase().as_str() {
        "span" | "minspan" => {
            if let Err(m) = BinSpan::parse(&o.value) {
                return Err(nom::Err::Failure(PErr::spanning(o.span, m)));
            }
        }
        "bins" if xutil::check_uint(o)? < 1 => {
            return Err(nom::Err::Failure(PErr::spanning(
                o.span,
                "bins must be at least 1",
            )));
        }
        "start" | "end" if parse_number(&o.value).is_none() => {
            return Err(nom::Err::Failure(PErr::spanning(
                o.span,
                format!("{} must be a number", o.key),
            )));
        }
        _ => {}
    }
    Ok(())
}

/// The epoch an `aligntime=` value names: a number, a relative time such
/// as `@d+5h` taken from now, or `earliest`/`latest`, the run's time range
/// (`--earliest`/`--latest`; without it, a plan error).
pub fn aligntime_value(o: &Opt, ctx: &PlanCtx) -> Result<f64> {
    let v = o.value.trim();
    let bound = if v.eq_ignore_ascii_case("earliest") {
        Some((ctx.time_range.0, "--earliest"))
    } else if v.eq_ignore_ascii_case("latest") {
        Some((ctx.time_range.1, "--latest"))
    } else {
        None
    };
    if let Some((t, flag)) = bound {
        return t.filter(|t| t.is_finite()).ok_or_else(|| {
            SplError::plan(format!(
                "aligntime={v} needs the search's time range: run with {flag}, or give a time such as @d or an epoch"
            ))
            .at(o.span)
        });
    }
    parse_number(v)
        .map(Ok)
        .unwrap_or_else(|| crate::time::relative_time(ctx.fn_ctx.now, v, ctx.fn_ctx.tz))
        .map_err(|m| SplError::plan(format!("aligntime: {m}")).at(o.span))
}

/// True when a span is written in days, weeks, months, quarters or years:
/// the pages say `aligntime` is then ignored.
pub fn calendar_span(text: &str) -> bool {
    let unit: String = text
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
        .to_ascii_lowercase();
    matches!(
        unit.as_str(),
        "d" | "day"
            | "days"
            | "w"
            | "week"
            | "weeks"
            | "mon"
            | "month"
            | "months"
            | "q"
            | "qtr"
            | "qtrs"
            | "quarter"
            | "quarters"
            | "y"
            | "yr"
            | "yrs"
            | "year"
            | "years"
    )
}

/// The operator that bins `field` (into `alias`, or in place) as
/// `bin <options> <field> [AS <alias>]` does; `chart` runs it on its row and
/// column fields.
pub fn bin_operator(
    field: &str,
    alias: Option<&str>,
    options: &[Opt],
    ctx: &PlanCtx,
) -> Result<Box<dyn Operator>> {
    Ok(Box::new(bin_op(field, alias, options, ctx)?))
}

/// The `bin` operator itself, for a caller that asks it afterwards which
/// span it used (chart's `cont=true`).
pub(crate) fn bin_op(
    field: &str,
    alias: Option<&str>,
    options: &[Opt],
    ctx: &PlanCtx,
) -> Result<BinOp> {
    let span_of = |k: &str| -> Result<Option<BinSpan>> {
        match get(options, k) {
            None => Ok(None),
            Some(o) => BinSpan::parse(&o.value)
                .map(Some)
                .map_err(|m| SplError::plan(m).at(o.span)),
        }
    };
    let num_of = |k: &str| get(options, k).and_then(|o| parse_number(&o.value));
    let align = match get(options, "aligntime") {
        None => None,
        Some(o) => {
            let a = aligntime_value(o, ctx)?;
            // "Ignored if span is in days, months, or years."
            match get(options, "span") {
                Some(s) if calendar_span(&s.value) => None,
                _ => Some(a),
            }
        }
    };
    Ok(BinOp {
        time_field: field == "_time",
        alias: alias.map(str::to_string),
        field: field.to_string(),
        span: span_of("span")?,
        minspan: span_of("minspan")?,
        bins: xutil::opt_uint(options, "bins")?.unwrap_or(100).max(1),
        start: num_of("start"),
        end: num_of("end"),
        align,
        tz: ctx.fn_ctx.tz,
        buf: Vec::new(),
        used: None,
    })
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut options = Vec::new();
    let mut field = None;
    let mut alias = None;
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if field.is_some() && alias.is_none() {
            if let Some(r) = at_keyword(rest, &["as"]) {
                let (r, a) = cut(field_ref(src, r))?;
                alias = Some(a);
                rest = r;
                continue;
            }
        }
        let (r, o) = known_option(src, rest, "bin", OPTIONS)?;
        if let Some(o) = o {
            check_bin_option(&o)?;
            options.push(o);
            rest = r;
            continue;
        }
        if field.is_some() {
            return cut(fail(
                rest,
                "bin takes one field (then optionally AS <name>)",
            ));
        }
        let (r, f) = field_ref(src, rest)?;
        field = Some(f);
        rest = r;
    }
    let Some(field) = field else {
        return cut(fail(rest, "bin needs a field, e.g. bin _time span=5m"));
    };
    Ok((
        rest,
        Box::new(BinCmd {
            options,
            field,
            alias,
        }),
    ))
}

impl fmt::Display for BinCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("bin")?;
        xutil::print_opts(f, &self.options)?;
        write!(f, " {}", self.field)?;
        if let Some(a) = &self.alias {
            write!(f, " AS {a}")?;
        }
        Ok(())
    }
}

impl Command for BinCmd {
    fn name(&self) -> &'static str {
        "bin"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "field": self.field, "alias": self.alias })
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::reads(
            std::iter::once(self.field.name.clone())
                .chain(self.alias.as_ref().map(|a| a.name.clone())),
        )
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for BinCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        bin_operator(
            &self.field.name,
            self.alias.as_ref().map(|a| a.name.as_str()),
            &self.options,
            ctx,
        )
    }
}

pub(crate) struct BinOp {
    field: String,
    alias: Option<String>,
    time_field: bool,
    span: Option<BinSpan>,
    minspan: Option<BinSpan>,
    bins: u64,
    start: Option<f64>,
    end: Option<f64>,
    align: Option<f64>,
    tz: chrono_tz::Tz,
    buf: Vec<Event>,
    /// The span the bins were made with, once known (an automatic span is
    /// chosen when the operator finishes).
    used: Option<BinSpan>,
}

fn tz_offset(t: f64, tz: chrono_tz::Tz) -> f64 {
    match tz.timestamp_opt(t.floor() as i64, 0) {
        chrono::LocalResult::Single(dt) => f64::from(dt.offset().fix().local_minus_utc()),
        _ => 0.0,
    }
}

/// The start of `t`'s bin for a time span.
pub fn time_bin(t: f64, span: BinSpan, tz: chrono_tz::Tz, align: Option<f64>) -> f64 {
    match span {
        BinSpan::Secs(secs) | BinSpan::Number(secs) => match align {
            Some(a) => a + ((t - a) / secs).floor() * secs,
            None => {
                let off = tz_offset(t, tz);
                let b = ((t + off) / secs).floor() * secs - off;
                // Across a DST change the local offset of the bin start can differ.
                let off2 = tz_offset(b, tz);
                if off2 != off {
                    ((t + off2) / secs).floor() * secs - off2
                } else {
                    b
                }
            }
        },
        BinSpan::Months(n) => {
            let Some(dt) = tz.timestamp_opt(t.floor() as i64, 0).single() else {
                return t;
            };
            let idx = (dt.year() as i64 - 1970) * 12 + dt.month0() as i64;
            let b = idx.div_euclid(n) * n;
            let (y, m) = (1970 + b.div_euclid(12), b.rem_euclid(12) + 1);
            tz.with_ymd_and_hms(y as i32, m as u32, 1, 0, 0, 0)
                .earliest()
                .map(|d| d.timestamp() as f64)
                .unwrap_or(t)
        }
        BinSpan::Log { .. } => t,
    }
}

/// The `lo-hi` range of `v`'s bin for a numeric span.
pub fn num_bin(v: f64, span: BinSpan) -> Option<String> {
    match span {
        BinSpan::Log { coef, base } => {
            if v <= 0.0 {
                return None;
            }
            let k = (v / coef).log(base).floor();
            let mut lo = coef * base.powf(k);
            if lo * base <= v {
                lo *= base;
            }
            Some(format!(
                "{}-{}",
                format_number(lo),
                format_number(lo * base)
            ))
        }
        other => {
            let s = other.approx_secs();
            let lo = (v / s).floor() * s;
            Some(format!(
                "{}-{}",
                format_number(round_noise(lo)),
                format_number(round_noise(lo + s))
            ))
        }
    }
}

/// The bounds of a `lo-hi` bin label (`10-20`, `-10-0`, `0.2-0.3`).
pub(crate) fn bin_range(v: &Value) -> Option<(f64, f64)> {
    let Value::Str(s) = v else { return None };
    let i = s.get(1..)?.find('-')? + 1;
    let lo = parse_number(&s[..i])?;
    let hi = parse_number(&s[i + 1..])?;
    Some((lo, hi))
}

fn round_noise(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// Standard time spans, smallest first, for `bins=`.
const TIME_SPANS: &[f64] = &[
    1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
    10800.0, 14400.0, 21600.0, 43200.0, 86400.0, 604800.0,
];

impl BinOp {
    fn time_mode(&self, span: Option<BinSpan>) -> bool {
        self.time_field || span.is_some_and(|s| s.is_time())
    }

    /// The span the bins were made with: the `span=` given, or after
    /// `finish` the one `bins=` chose (None when no value was binned).
    pub(crate) fn span_used(&self) -> Option<BinSpan> {
        self.span.or(self.used)
    }

    /// The bin after `v` (a bin this operator made: a bucket start time, or
    /// a `lo-hi` range), with the number it sorts by; None when `v` is not
    /// such a bin.
    pub(crate) fn next_bin(&self, v: &Value) -> Option<(Value, f64)> {
        let span = self.span_used()?;
        if self.time_mode(Some(span)) {
            let t = v.as_num()?;
            // A probe inside the next bin, whatever the month's length or a
            // daylight-saving day's.
            let step = match span {
                BinSpan::Months(n) => n as f64 * 31.0 * 86400.0,
                other => other.approx_secs() * 1.5,
            };
            let next = time_bin(t + step, span, self.tz, self.align);
            return (next > t).then_some((Value::Num(next), next));
        }
        let (lo, hi) = bin_range(v)?;
        let probe = match span {
            BinSpan::Log { base, .. } => hi * base.sqrt(),
            other => hi + other.approx_secs() / 2.0,
        };
        let label = num_bin(probe, span)?;
        let (next_lo, _) = bin_range(&Value::Str(label.clone()))?;
        (next_lo > lo).then_some((Value::Str(label), next_lo))
    }

    /// The number a bin sorts by: its start time, or its range's low end.
    pub(crate) fn bin_key(&self, v: &Value) -> Option<f64> {
        let span = self.span_used()?;
        if self.time_mode(Some(span)) {
            v.as_num()
        } else {
            bin_range(v).map(|r| r.0)
        }
    }

    fn apply(&self, mut ev: Event, span: BinSpan, out: &mut Emit<'_>) -> Result<()> {
        let time = self.time_mode(Some(span));
        let target = self.alias.clone().unwrap_or_else(|| self.field.clone());
        if let Some(v) = ev.get(&self.field) {
            let mut vals = Vec::with_capacity(v.mv_count());
            let mut changed = false;
            for x in v.values() {
                let n = match x {
                    Value::Num(n) => Some(*n),
                    other => other.as_text().and_then(|t| parse_number(&t)),
                };
                match n {
                    Some(n) if time => {
                        vals.push(Value::Num(time_bin(n, span, self.tz, self.align)));
                        changed = true;
                    }
                    Some(n) => match num_bin(n, span) {
                        Some(r) => {
                            vals.push(Value::Str(r));
                            changed = true;
                        }
                        None => vals.push(x.clone()),
                    },
                    None => vals.push(x.clone()),
                }
            }
            if changed || self.alias.is_some() {
                ev.set(target, Value::multi(vals));
            }
        }
        out(ev)
    }

    /// The span `bins=` gives for the values seen.
    fn auto_span(&self) -> BinSpan {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        let mut all_int = true;
        for ev in &self.buf {
            if let Some(v) = ev.get(&self.field) {
                for x in v.values() {
                    let n = match x {
                        Value::Num(n) => Some(*n),
                        other => other.as_text().and_then(|t| parse_number(&t)),
                    };
                    if let Some(n) = n {
                        lo = lo.min(n);
                        hi = hi.max(n);
                        all_int &= n.fract() == 0.0;
                    }
                }
            }
        }
        if let Some(s) = self.start {
            lo = lo.min(s);
        }
        if let Some(e) = self.end {
            hi = hi.max(e);
        }
        let range = if hi > lo { hi - lo } else { 0.0 };
        let bins = self.bins as f64;
        let min = self.minspan.map(|m| m.approx_secs()).unwrap_or(0.0);
        if self.time_mode(self.minspan) {
            let want = (range / bins).max(min);
            for s in TIME_SPANS {
                if *s >= want && (range / s).ceil() <= bins {
                    return BinSpan::Secs(*s);
                }
            }
            let months = ((want / (30.0 * 86400.0)).ceil() as i64).max(1);
            return BinSpan::Months(months);
        }
        let mut span = if range > 0.0 {
            10f64.powf((range / bins).log10().ceil())
        } else {
            1.0
        };
        // `range / span` may still exceed bins when the range sits across a boundary.
        while span > 0.0 && ((hi / span).floor() - (lo / span).floor() + 1.0) > bins {
            span *= 10.0;
        }
        if all_int {
            span = span.max(1.0);
        }
        BinSpan::Number(span.max(min))
    }
}

impl Operator for BinOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        match self.span {
            Some(span) => self.apply(ev, span, out),
            None => {
                self.buf.push(ev);
                Ok(())
            }
        }
    }

    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        if self.span.is_some() || self.buf.is_empty() {
            return Ok(());
        }
        let span = self.auto_span();
        self.used = Some(span);
        for ev in std::mem::take(&mut self.buf) {
            self.apply(ev, span, out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_parse() {
        assert_eq!(BinSpan::parse("5m"), Ok(BinSpan::Secs(300.0)));
        assert_eq!(BinSpan::parse("2mon"), Ok(BinSpan::Months(2)));
        assert_eq!(BinSpan::parse("10"), Ok(BinSpan::Number(10.0)));
        assert_eq!(
            BinSpan::parse("2log10"),
            Ok(BinSpan::Log {
                coef: 2.0,
                base: 10.0
            })
        );
        assert!(BinSpan::parse("5x").is_err());
        assert!(BinSpan::parse("0m").is_err());
    }

    #[test]
    fn time_bins() {
        let utc = chrono_tz::UTC;
        let five = BinSpan::parse("5m").unwrap();
        assert_eq!(time_bin(1_700_000_123.0, five, utc, None), 1_700_000_100.0);
        let day = BinSpan::parse("1d").unwrap();
        // 2023-11-14T22:13:20Z → midnight UTC, or midnight in New York.
        assert_eq!(time_bin(1_700_000_000.0, day, utc, None), 1_699_920_000.0);
        let ny = chrono_tz::America::New_York;
        assert_eq!(time_bin(1_700_000_000.0, day, ny, None), 1_699_938_000.0);
        let mon = BinSpan::Months(1);
        assert_eq!(time_bin(1_700_000_000.0, mon, utc, None), 1_698_796_800.0);
    }

    #[test]
    fn number_bins() {
        assert_eq!(num_bin(23.0, BinSpan::Number(10.0)).unwrap(), "20-30");
        assert_eq!(num_bin(-3.0, BinSpan::Number(10.0)).unwrap(), "-10-0");
        assert_eq!(
            num_bin(
                350.0,
                BinSpan::Log {
                    coef: 1.0,
                    base: 10.0
                }
            )
            .unwrap(),
            "100-1000"
        );
        assert_eq!(num_bin(0.25, BinSpan::Number(0.1)).unwrap(), "0.2-0.3");
    }
}
