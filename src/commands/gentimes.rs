//! `| gentimes start=<timestamp> [end=<timestamp>] [increment=<int>(s|m|h|d)]`:
//! one result per adjacent time range from `start` up to, not including,
//! `end` (default: the midnight before now), each `increment` long (default
//! 1d), with `starttime`/`endtime` (epoch seconds; `endtime` is the range's
//! last second) and `starthuman`/`endhuman` (`Sun Apr 4 00:00:00 2021`).
//! A timestamp is `MM/DD/YYYY[:HH:MM:SS]` (two-digit years are 20xx) or a
//! whole number of days from today's midnight (`-5`: five days ago), in the
//! search's time zone (`--tz`) (Search Reference, gentimes).

use std::any::Any;
use std::fmt;

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;

use super::support::xutil;
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{cut, fail, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "gentimes",
    aliases: &[],
    parse,
    syntax: "| gentimes start=<timestamp> [end=<timestamp>] [increment=<int>(s|m|h|d)]",
    plan: super::planner::<GentimesCmd>,
};

/// The most results one gentimes makes (past it: an error at `start`).
pub const MAX_ROWS: u64 = 1_000_000;

#[derive(Debug)]
pub struct GentimesCmd {
    pub options: Vec<Opt>,
}

/// A documented timestamp: days from today's midnight, or a local date and time.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stamp {
    Days(i64),
    Local(chrono::NaiveDateTime),
}

fn stamp(s: &str) -> Option<Stamp> {
    let s = s.trim();
    if let Ok(n) = s.parse::<i64>() {
        return (n.abs() <= 1_000_000).then_some(Stamp::Days(n));
    }
    let (date, time) = match s.split_once(':') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut parts = date.split('/');
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    let ytext = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let mut y: i32 = ytext.parse().ok()?;
    if ytext.len() <= 2 {
        y += 2000;
    }
    let day = NaiveDate::from_ymd_opt(y, m, d)?;
    let (hh, mm, ss) = match time {
        None => (0, 0, 0),
        Some(t) => {
            let v: Vec<u32> = t
                .split(':')
                .map(|x| x.parse().ok())
                .collect::<Option<Vec<u32>>>()?;
            match v.as_slice() {
                [h, m, s] => (*h, *m, *s),
                _ => return None,
            }
        }
    };
    Some(Stamp::Local(day.and_hms_opt(hh, mm, ss)?))
}

fn increment(s: &str) -> Option<u64> {
    let s = s.trim();
    let unit = s.chars().last()?;
    let mult = match unit.to_ascii_lowercase() {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    };
    let n: u64 = s[..s.len() - 1].parse().ok()?;
    // At most about 317,000 years: keeps every sum of times in range.
    (n > 0)
        .then(|| n.checked_mul(mult))
        .flatten()
        .filter(|v| *v <= 10_000_000_000_000)
}

fn check(o: &Opt) -> std::result::Result<(), nom::Err<PErr>> {
    let ok = match o.key.to_ascii_lowercase().as_str() {
        "start" | "end" => stamp(&o.value).is_some(),
        _ => increment(&o.value).is_some(),
    };
    if ok {
        return Ok(());
    }
    let what = if o.key.eq_ignore_ascii_case("increment") {
        "increment must be a positive whole number followed by s, m, h or d (e.g. 1h)"
    } else {
        "a gentimes timestamp is MM/DD/YYYY[:HH:MM:SS] or a whole number of days from today (-5)"
    };
    Err(nom::Err::Failure(PErr::spanning(o.span, what)))
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, options) = xutil::only_options(
        src,
        i,
        "gentimes",
        &["start", "end", "increment"],
        "gentimes takes start=, end= and increment=",
        check,
    )?;
    if xutil::get(&options, "start").is_none() {
        return cut(fail(rest, "gentimes needs start=<timestamp>"));
    }
    Ok((rest, Box::new(GentimesCmd { options })))
}

impl fmt::Display for GentimesCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("gentimes")?;
        xutil::print_opts(f, &self.options)
    }
}

impl Command for GentimesCmd {
    fn name(&self) -> &'static str {
        "gentimes"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Generating
    }
    fn columns(&self, _before: Option<Vec<String>>) -> Option<Vec<String>> {
        Some(
            ["endhuman", "endtime", "starthuman", "starttime"]
                .map(String::from)
                .to_vec(),
        )
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Today's local midnight, as epoch seconds.
fn midnight(now: f64, tz: Tz) -> i64 {
    let t = tz
        .timestamp_opt(now.floor() as i64, 0)
        .single()
        .unwrap_or_else(|| tz.timestamp_opt(0, 0).unwrap());
    let day = t
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists");
    local(day, tz)
}

fn local(dt: chrono::NaiveDateTime, tz: Tz) -> i64 {
    match tz.from_local_datetime(&dt).earliest() {
        Some(t) => t.timestamp(),
        // A local time a clock change skips: the same wall time an hour on.
        None => local(dt + chrono::Duration::hours(1), tz),
    }
}

fn resolve(s: Stamp, now: f64, tz: Tz) -> i64 {
    match s {
        Stamp::Days(n) => midnight(now, tz) + n * 86_400,
        Stamp::Local(dt) => local(dt, tz),
    }
}

fn human(t: i64, tz: Tz) -> String {
    match tz.timestamp_opt(t, 0).single() {
        Some(d) => d.format("%a %b %-d %H:%M:%S %Y").to_string(),
        None => String::new(),
    }
}

impl ToOperator for GentimesCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let tz = ctx.fn_ctx.tz;
        let now = ctx.fn_ctx.now;
        let start_opt = xutil::get(&self.options, "start").expect("checked at parse");
        let start = resolve(stamp(&start_opt.value).expect("checked"), now, tz);
        let end = match xutil::get(&self.options, "end") {
            Some(o) => resolve(stamp(&o.value).expect("checked"), now, tz),
            None => midnight(now, tz),
        };
        let step = match xutil::get(&self.options, "increment") {
            Some(o) => increment(&o.value).expect("checked"),
            None => 86_400,
        } as i64;
        let rows = if end > start {
            ((end - start) as u64).div_ceil(step as u64)
        } else {
            0
        };
        if rows > MAX_ROWS {
            return Err(SplError::plan(format!(
                "gentimes would make {rows} results, more than {MAX_ROWS}; use a shorter range or a larger increment"
            ))
            .at(start_opt.span));
        }
        Ok(Box::new(GentimesOp {
            start,
            end,
            step,
            tz,
        }))
    }
}

struct GentimesOp {
    start: i64,
    end: i64,
    step: i64,
    tz: Tz,
}

impl Operator for GentimesOp {
    fn push(&mut self, _ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        Ok(())
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        let mut t = self.start;
        let mut seq = 0;
        while t < self.end {
            let last = t + self.step - 1;
            let mut ev = Event::new();
            ev.seq = seq;
            ev.set("endhuman", Value::Str(human(last, self.tz)));
            ev.set("endtime", Value::Num(last as f64));
            ev.set("starthuman", Value::Str(human(t, self.tz)));
            ev.set("starttime", Value::Num(t as f64));
            out(ev)?;
            t += self.step;
            seq += 1;
        }
        Ok(())
    }
}
