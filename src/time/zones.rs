//! Time zones and the conversion between epoch seconds and local times.

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::strptime::read_offset;

pub(crate) const NANOS_PER_SEC: i64 = 1_000_000_000;

pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub(crate) const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Parses a time zone name: IANA names (`America/New_York`, any letter case),
/// `UTC`/`GMT`/`Z`, and whole-hour fixed offsets (`+01:00`, `-0800`,
/// `UTC+5`, `GMT-03:00`), which map to the matching `Etc/GMT∓N` zone.
pub fn parse_tz(name: &str) -> Result<Tz, String> {
    let n = name.trim();
    if n.is_empty() {
        return Err("empty time zone name".into());
    }
    let upper = n.to_ascii_uppercase();
    if matches!(upper.as_str(), "UTC" | "GMT" | "Z" | "UT" | "ZULU") {
        return Ok(Tz::UTC);
    }
    if let Ok(tz) = n.parse::<Tz>() {
        return Ok(tz);
    }
    if let Some(tz) = chrono_tz::TZ_VARIANTS
        .iter()
        .find(|tz| tz.name().eq_ignore_ascii_case(n))
    {
        return Ok(*tz);
    }
    let offset_part = upper
        .strip_prefix("UTC")
        .or_else(|| upper.strip_prefix("GMT"))
        .unwrap_or(&upper);
    let chars: Vec<char> = offset_part.chars().collect();
    let mut pos = 0;
    if let Some(secs) = read_offset(&chars, &mut pos, true) {
        if pos == chars.len() {
            if secs % 3600 != 0 {
                return Err(format!(
                    "time zone offset '{n}' is not a whole number of hours"
                ));
            }
            let hours = secs / 3600;
            // POSIX-style names have the sign inverted: Etc/GMT-1 is UTC+01:00.
            let etc = match hours {
                0 => "Etc/GMT".to_string(),
                h if h > 0 => format!("Etc/GMT-{h}"),
                h => format!("Etc/GMT+{}", -h),
            };
            return etc
                .parse::<Tz>()
                .map_err(|_| format!("time zone offset '{n}' is out of range"));
        }
    }
    Err(format!("unknown time zone '{n}'"))
}

/// Splits epoch seconds into whole seconds (floored) and nanoseconds, reading
/// the fraction from the shortest round-trip decimal form of the number.
pub(crate) fn split_epoch(epoch: f64) -> Option<(i64, u32)> {
    if !epoch.is_finite() || epoch.abs() >= 1e15 {
        return None;
    }
    let text = format!("{}", epoch.abs());
    let (int_part, frac_part) = text.split_once('.').unwrap_or((&text, ""));
    let whole: i64 = int_part.parse().ok()?;
    let mut nanos: u32 = 0;
    for (i, c) in frac_part.bytes().take(9).enumerate() {
        nanos += u32::from(c - b'0') * 10u32.pow(8 - i as u32);
    }
    if epoch < 0.0 && nanos > 0 {
        Some((-whole - 1, 1_000_000_000 - nanos))
    } else if epoch < 0.0 {
        Some((-whole, 0))
    } else {
        Some((whole, nanos))
    }
}

pub(crate) fn join_epoch(secs: i64, nanos: u32) -> f64 {
    if nanos == 0 {
        return secs as f64;
    }
    // Going through the decimal text makes 0.123 the nearest double to 0.123.
    let total = i128::from(secs) * i128::from(NANOS_PER_SEC) + i128::from(nanos);
    let sign = if total < 0 { "-" } else { "" };
    let abs = total.unsigned_abs();
    format!("{sign}{}.{:09}", abs / 1_000_000_000, abs % 1_000_000_000)
        .parse()
        .unwrap_or(f64::NAN)
}

pub(crate) fn to_local(secs: i64, nanos: u32, tz: Tz) -> Option<DateTime<Tz>> {
    DateTime::<Utc>::from_timestamp(secs, nanos).map(|d| d.with_timezone(&tz))
}

/// Epoch seconds of a local wall-clock time in `tz`. Ambiguous times (DST
/// fall-back) take the earlier instant; times inside a DST gap are read with
/// the offset in force before the gap (as C's `mktime` does), so 02:30 on a
/// spring-forward night in New York is 03:30 EDT.
pub(crate) fn resolve_local(naive: NaiveDateTime, tz: Tz) -> Option<i64> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(dt) => Some(dt.timestamp()),
        LocalResult::Ambiguous(a, _) => Some(a.timestamp()),
        LocalResult::None => {
            let before = naive.checked_sub_signed(Duration::hours(24))?;
            let off = tz.offset_from_utc_datetime(&before).fix().local_minus_utc();
            Some(naive.and_utc().timestamp() - i64::from(off))
        }
    }
}
