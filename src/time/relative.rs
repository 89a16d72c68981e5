//! Relative time modifiers: `-1d@d`, `@w1`, `-mon@mon+7d`, `now`.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Offset};
use chrono_tz::Tz;

use super::strptime::strptime;
use super::zones::{join_epoch, resolve_local, split_epoch, to_local, NANOS_PER_SEC};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Unit {
    /// A subsecond unit, in nanoseconds (us, ms, cs, ds).
    Sub(i64),
    Second,
    Minute,
    Hour,
    Day,
    /// Week; for snapping, the weekday to snap to (0 = Sunday).
    Week(u32),
    Month,
    Quarter,
    Year,
}

pub(crate) fn unit_from_name(name: &str) -> Option<Unit> {
    Some(match name {
        "us" => Unit::Sub(1_000),
        "ms" => Unit::Sub(1_000_000),
        "cs" => Unit::Sub(10_000_000),
        "ds" => Unit::Sub(100_000_000),
        "s" | "sec" | "secs" | "second" | "seconds" => Unit::Second,
        "m" | "min" | "mins" | "minute" | "minutes" => Unit::Minute,
        "h" | "hr" | "hrs" | "hour" | "hours" => Unit::Hour,
        "d" | "day" | "days" => Unit::Day,
        "w" | "week" | "weeks" => Unit::Week(0),
        "mon" | "month" | "months" => Unit::Month,
        "q" | "qtr" | "qtrs" | "quarter" | "quarters" => Unit::Quarter,
        "y" | "yr" | "yrs" | "year" | "years" => Unit::Year,
        _ => return None,
    })
}

/// A point in time being adjusted: whole seconds and nanoseconds.
#[derive(Clone, Copy)]
pub(crate) struct Instant {
    secs: i64,
    nanos: u32,
}

/// Applies a Splunk relative time modifier to `base` (epoch seconds), snapping
/// in zone `tz`.
///
/// Accepted: `now` (also `now()`); a plain non-negative number, taken as an
/// absolute epoch time (`0`, `1`, `1700000000`); an absolute time
/// `%m/%d/%Y:%H:%M:%S` as in `earliest=`; and any sequence of offsets
/// `[+|-]<n><unit>` (n defaults to 1, so `-h` is `-1h`) and snaps `@<unit>`,
/// applied left to right (`-1d@d+6h`, `@d-1h`, `-mon@mon+7d`).
/// Units: s/sec/secs/second/seconds, m/min/mins/minute/minutes,
/// h/hr/hrs/hour/hours, d/day/days, w/week/weeks, mon/month/months,
/// q/qtr/qtrs/quarter/quarters, y/yr/yrs/year/years, and subseconds
/// us/ms/cs/ds. Snaps: any of those, plus `@w0`..`@w7` (Sunday..Saturday,
/// w7 = Sunday; `@w` = `@w0`). Snapping always rounds down to the start of
/// the unit in `tz`.
///
/// Seconds, minutes and hours move the instant by exact durations; days and
/// weeks move the local calendar date keeping the wall-clock time (so `-1d`
/// across a DST change is 23 or 25 hours); months, quarters and years move
/// the month keeping the day, and a day past the end of the target month
/// rolls into the next month as C's `mktime` does (Choice: March 31 `-1mon`
/// is March 3, or March 2 in leap years). Choice: an unsigned `<n><unit>` is
/// read as `+<n><unit>`.
pub fn relative_time(base: f64, spec: &str, tz: Tz) -> Result<f64, String> {
    let s = spec.trim();
    if s.is_empty() {
        return Err("empty relative time specifier".into());
    }
    if s.eq_ignore_ascii_case("now") || s.eq_ignore_ascii_case("now()") {
        return Ok(base);
    }
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return s.parse::<f64>().map_err(|_| format!("invalid time '{s}'"));
    }
    if s.contains('/') {
        return strptime(s, "%m/%d/%Y:%H:%M:%S", tz)
            .ok_or_else(|| format!("invalid absolute time '{s}' (expected %m/%d/%Y:%H:%M:%S)"));
    }
    let (secs, nanos) =
        split_epoch(base).ok_or_else(|| format!("invalid base time {base} for '{s}'"))?;
    let mut t = Instant { secs, nanos };
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let item_start = i;
        if b[i] == b'@' {
            i += 1;
            let letters = take_while(b, &mut i, |c| c.is_ascii_alphabetic()).to_ascii_lowercase();
            let digits = take_while(b, &mut i, |c| c.is_ascii_digit());
            let piece = &s[item_start..i];
            if letters.is_empty() {
                return Err(format!("missing snap-to time unit in '{piece}' of '{s}'"));
            }
            let mut unit = unit_from_name(&letters)
                .ok_or_else(|| format!("unknown snap-to time unit '{letters}' in '{s}'"))?;
            if !digits.is_empty() {
                match (unit, digits.parse::<u32>()) {
                    (Unit::Week(_), Ok(d)) if d <= 7 && letters == "w" => {
                        unit = Unit::Week(d % 7);
                    }
                    _ => return Err(format!("invalid snap-to time unit '{piece}' in '{s}'")),
                }
            }
            t = snap(t, unit, tz).ok_or_else(|| format!("time out of range at '{piece}'"))?;
            continue;
        }
        let sign: i64 = match b[i] {
            b'+' => {
                i += 1;
                1
            }
            b'-' => {
                i += 1;
                -1
            }
            c if c.is_ascii_digit() => 1,
            _ => {
                return Err(format!(
                    "unexpected '{}' in relative time '{s}'",
                    &s[item_start..]
                ))
            }
        };
        let digits = take_while(b, &mut i, |c| c.is_ascii_digit());
        let letters = take_while(b, &mut i, |c| c.is_ascii_alphabetic()).to_ascii_lowercase();
        let piece = &s[item_start..i];
        if letters.is_empty() {
            return Err(format!("missing time unit in '{piece}' of '{s}'"));
        }
        let unit = unit_from_name(&letters)
            .ok_or_else(|| format!("unknown time unit '{letters}' in '{s}'"))?;
        let n: i64 = if digits.is_empty() {
            1
        } else {
            digits
                .parse()
                .map_err(|_| format!("time amount too large in '{piece}'"))?
        };
        t = offset(t, unit, sign * n, tz)
            .ok_or_else(|| format!("time out of range at '{piece}'"))?;
    }
    Ok(join_epoch(t.secs, t.nanos))
}

pub(crate) fn take_while(b: &[u8], i: &mut usize, pred: impl Fn(u8) -> bool) -> String {
    let start = *i;
    while *i < b.len() && pred(b[*i]) {
        *i += 1;
    }
    String::from_utf8_lossy(&b[start..*i]).into_owned()
}

pub(crate) fn local_naive(t: Instant, tz: Tz) -> Option<NaiveDateTime> {
    to_local(t.secs, 0, tz).map(|d| d.naive_local())
}

pub(crate) fn add_nanos(t: Instant, delta: i128) -> Option<Instant> {
    let total = i128::from(t.secs) * i128::from(NANOS_PER_SEC) + i128::from(t.nanos) + delta;
    let secs = i64::try_from(total.div_euclid(i128::from(NANOS_PER_SEC))).ok()?;
    let nanos = total.rem_euclid(i128::from(NANOS_PER_SEC)) as u32;
    Some(Instant { secs, nanos })
}

pub(crate) fn add_months(date: NaiveDate, months: i64) -> Option<NaiveDate> {
    let total = i64::from(date.year()) * 12 + i64::from(date.month0()) + months;
    let year = i32::try_from(total.div_euclid(12)).ok()?;
    let month = total.rem_euclid(12) as u32 + 1;
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    // Days past the end of the month roll over, as mktime normalises them.
    first.checked_add_signed(Duration::days(i64::from(date.day()) - 1))
}

pub(crate) fn offset(t: Instant, unit: Unit, n: i64, tz: Tz) -> Option<Instant> {
    let exact = |unit_nanos: i64| add_nanos(t, i128::from(n) * i128::from(unit_nanos));
    let calendar = |f: &dyn Fn(NaiveDate) -> Option<NaiveDate>| -> Option<Instant> {
        let local = local_naive(t, tz)?;
        let date = f(local.date())?;
        let secs = resolve_local(date.and_time(local.time()), tz)?;
        Some(Instant {
            secs,
            nanos: t.nanos,
        })
    };
    match unit {
        Unit::Sub(k) => exact(k),
        Unit::Second => exact(NANOS_PER_SEC),
        Unit::Minute => exact(60 * NANOS_PER_SEC),
        Unit::Hour => exact(3600 * NANOS_PER_SEC),
        Unit::Day => calendar(&|d| d.checked_add_signed(Duration::try_days(n)?)),
        Unit::Week(_) => {
            calendar(&|d| d.checked_add_signed(Duration::try_days(n.checked_mul(7)?)?))
        }
        Unit::Month => calendar(&|d| add_months(d, n)),
        Unit::Quarter => calendar(&|d| add_months(d, n.checked_mul(3)?)),
        Unit::Year => calendar(&|d| add_months(d, n.checked_mul(12)?)),
    }
}

pub(crate) fn snap(t: Instant, unit: Unit, tz: Tz) -> Option<Instant> {
    let midnight = |date: NaiveDate| -> Option<Instant> {
        let secs = resolve_local(date.and_hms_opt(0, 0, 0)?, tz)?;
        Some(Instant { secs, nanos: 0 })
    };
    // Minutes and hours snap on the local clock keeping the current offset,
    // so a repeated DST hour snaps within itself.
    let clock = |step: i64| -> Option<Instant> {
        let off = i64::from(to_local(t.secs, 0, tz)?.offset().fix().local_minus_utc());
        let local = t.secs + off;
        Some(Instant {
            secs: local - local.rem_euclid(step) - off,
            nanos: 0,
        })
    };
    match unit {
        Unit::Sub(k) => Some(Instant {
            secs: t.secs,
            nanos: t.nanos - (t.nanos % k as u32),
        }),
        Unit::Second => Some(Instant {
            secs: t.secs,
            nanos: 0,
        }),
        Unit::Minute => clock(60),
        Unit::Hour => clock(3600),
        Unit::Day => midnight(local_naive(t, tz)?.date()),
        Unit::Week(wd) => {
            let date = local_naive(t, tz)?.date();
            let cur = date.weekday().num_days_from_sunday();
            let back = (cur + 7 - wd) % 7;
            midnight(date.checked_sub_signed(Duration::days(i64::from(back)))?)
        }
        Unit::Month => {
            let d = local_naive(t, tz)?.date();
            midnight(NaiveDate::from_ymd_opt(d.year(), d.month(), 1)?)
        }
        Unit::Quarter => {
            let d = local_naive(t, tz)?.date();
            midnight(NaiveDate::from_ymd_opt(
                d.year(),
                d.month0() / 3 * 3 + 1,
                1,
            )?)
        }
        Unit::Year => {
            let d = local_naive(t, tz)?.date();
            midnight(NaiveDate::from_ymd_opt(d.year(), 1, 1)?)
        }
    }
}
