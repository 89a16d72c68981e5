//! Formatting times: `strftime` with Splunk's format variables.

use chrono::{DateTime, Datelike, Offset, Timelike};
use chrono_tz::{OffsetName, Tz};

use super::zones::{split_epoch, to_local, MONTHS, WEEKDAYS};

/// Renders `epoch` in zone `tz` with Splunk's `strftime` format variables.
/// Returns an empty string when the time cannot be represented (NaN, or
/// beyond chrono's year range); see [`try_strftime`].
pub fn strftime(epoch: f64, fmt: &str, tz: Tz) -> String {
    try_strftime(epoch, fmt, tz).unwrap_or_default()
}

/// Like [`strftime`], but None when `epoch` is not a representable time.
///
/// Supported: `%Y %y %C %G %g %m %d %e %j %H %I %k %l %M %S %p %P %a %A %b %B
/// %h %U %W %V %w %u %Z %z %:z %::z %:::z %Ez %s %c %+ %x %X %D %F %T %R %r %n
/// %t %%`, and subseconds `%N` (`%3N`, `%6N`, `%9N`, bare `%N` = `%9N` per
/// Splunk's docs), `%Q` (bare `%Q` = `%3Q`), `%f` (microseconds). `%E`/`%O`
/// modifiers other than `%Ez` are ignored. Unknown specifiers are copied
/// literally. Locale-dependent forms use the C/US-English rendering Splunk's
/// docs show: `%c` = `%a %b %e %H:%M:%S %Y`, `%+` = `%a %b %e %H:%M:%S %Z %Y`,
/// `%X` = `%H:%M:%S`; Choice: `%x` = `%m/%d/%Y` (docs show a 4-digit year).
pub fn try_strftime(epoch: f64, fmt: &str, tz: Tz) -> Option<String> {
    let (secs, nanos) = split_epoch(epoch)?;
    let dt = to_local(secs, nanos, tz)?;
    let mut out = String::with_capacity(fmt.len() + 16);
    format_into(&mut out, &dt, secs, nanos, fmt);
    Some(out)
}

pub(crate) fn format_into(out: &mut String, dt: &DateTime<Tz>, secs: i64, nanos: u32, fmt: &str) {
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let mut colons = 0;
        while i < chars.len() && chars[i] == ':' && colons < 3 {
            colons += 1;
            i += 1;
        }
        let mut width: Option<usize> = None;
        while i < chars.len() && chars[i].is_ascii_digit() {
            let d = chars[i] as usize - '0' as usize;
            width = Some(width.unwrap_or(0).saturating_mul(10).saturating_add(d));
            i += 1;
        }
        let mut modifier = None;
        if i < chars.len() && (chars[i] == 'E' || chars[i] == 'O') && i + 1 < chars.len() {
            modifier = Some(chars[i]);
            i += 1;
        }
        let Some(&conv) = chars.get(i) else {
            out.extend(&chars[start..]);
            break;
        };
        i += 1;
        if !format_one(out, dt, secs, nanos, conv, colons, width, modifier) {
            out.extend(&chars[start..i]);
        }
    }
}

pub(crate) fn push_num(out: &mut String, n: i64, width: usize, pad: char) {
    let s = n.unsigned_abs().to_string();
    if n < 0 {
        out.push('-');
    }
    for _ in s.len()..width {
        out.push(pad);
    }
    out.push_str(&s);
}

pub(crate) fn push_subsec(out: &mut String, nanos: u32, digits: usize) {
    let s = format!("{nanos:09}");
    out.push_str(&s[..digits]);
}

pub(crate) fn offset_parts(dt: &DateTime<Tz>) -> (char, i64, i64, i64) {
    let off = i64::from(dt.offset().fix().local_minus_utc());
    let sign = if off < 0 { '-' } else { '+' };
    let a = off.abs();
    (sign, a / 3600, (a % 3600) / 60, a % 60)
}

/// Writes one conversion; false when it is not a known one (caller copies it literally).
#[allow(clippy::too_many_arguments)]
pub(crate) fn format_one(
    out: &mut String,
    dt: &DateTime<Tz>,
    secs: i64,
    nanos: u32,
    conv: char,
    colons: usize,
    width: Option<usize>,
    modifier: Option<char>,
) -> bool {
    if colons > 0 {
        if conv != 'z' || width.is_some() || modifier.is_some() {
            return false;
        }
        let (sign, h, m, s) = offset_parts(dt);
        match colons {
            1 => out.push_str(&format!("{sign}{h:02}:{m:02}")),
            2 => out.push_str(&format!("{sign}{h:02}:{m:02}:{s:02}")),
            _ if m == 0 && s == 0 => out.push_str(&format!("{sign}{h:02}")),
            _ => out.push_str(&format!("{sign}{h:02}:{m:02}")),
        }
        return true;
    }
    if let Some(w) = width {
        if !matches!(conv, 'N' | 'Q') || modifier.is_some() || !(1..=9).contains(&w) {
            return false;
        }
        push_subsec(out, nanos, w);
        return true;
    }
    if modifier == Some('E') && conv == 'z' {
        // Choice: Splunk documents %Ez as "timezone in minutes" without an
        // example; rendered as a signed minute count, e.g. -300 or +330.
        let off = dt.offset().fix().local_minus_utc() / 60;
        out.push_str(&format!("{}{}", if off < 0 { '-' } else { '+' }, off.abs()));
        return true;
    }
    let year = i64::from(dt.year());
    let hour12 = match dt.hour() % 12 {
        0 => 12,
        h => i64::from(h),
    };
    let wday0 = i64::from(dt.weekday().num_days_from_sunday());
    let yday0 = i64::from(dt.ordinal0());
    match conv {
        'Y' => push_num(out, year, 4, '0'),
        'y' => push_num(out, year.rem_euclid(100), 2, '0'),
        'C' => push_num(out, year.div_euclid(100), 2, '0'),
        'G' => push_num(out, i64::from(dt.iso_week().year()), 4, '0'),
        'g' => push_num(out, i64::from(dt.iso_week().year()).rem_euclid(100), 2, '0'),
        'm' => push_num(out, i64::from(dt.month()), 2, '0'),
        'd' => push_num(out, i64::from(dt.day()), 2, '0'),
        'e' => push_num(out, i64::from(dt.day()), 2, ' '),
        'j' => push_num(out, yday0 + 1, 3, '0'),
        'H' => push_num(out, i64::from(dt.hour()), 2, '0'),
        'k' => push_num(out, i64::from(dt.hour()), 2, ' '),
        'I' => push_num(out, hour12, 2, '0'),
        'l' => push_num(out, hour12, 2, ' '),
        'M' => push_num(out, i64::from(dt.minute()), 2, '0'),
        'S' => push_num(out, i64::from(dt.second()), 2, '0'),
        'p' => out.push_str(if dt.hour() < 12 { "AM" } else { "PM" }),
        'P' => out.push_str(if dt.hour() < 12 { "am" } else { "pm" }),
        'a' => out.push_str(&WEEKDAYS[wday0 as usize][..3]),
        'A' => out.push_str(WEEKDAYS[wday0 as usize]),
        'b' | 'h' => out.push_str(&MONTHS[dt.month0() as usize][..3]),
        'B' => out.push_str(MONTHS[dt.month0() as usize]),
        'U' => push_num(out, (yday0 + 7 - wday0) / 7, 2, '0'),
        'W' => push_num(out, (yday0 + 7 - (wday0 + 6) % 7) / 7, 2, '0'),
        'V' => push_num(out, i64::from(dt.iso_week().week()), 2, '0'),
        'w' => push_num(out, wday0, 1, '0'),
        'u' => push_num(out, if wday0 == 0 { 7 } else { wday0 }, 1, '0'),
        'Z' => match dt.offset().abbreviation() {
            Some(a) => out.push_str(a),
            None => {
                let (sign, h, m, _) = offset_parts(dt);
                out.push_str(&format!("{sign}{h:02}{m:02}"));
            }
        },
        'z' => {
            let (sign, h, m, _) = offset_parts(dt);
            out.push_str(&format!("{sign}{h:02}{m:02}"));
        }
        's' => out.push_str(&secs.to_string()),
        'N' => push_subsec(out, nanos, 9),
        'Q' => push_subsec(out, nanos, 3),
        'f' => push_subsec(out, nanos, 6),
        'c' => format_into(out, dt, secs, nanos, "%a %b %e %H:%M:%S %Y"),
        '+' => format_into(out, dt, secs, nanos, "%a %b %e %H:%M:%S %Z %Y"),
        'x' => format_into(out, dt, secs, nanos, "%m/%d/%Y"),
        'X' | 'T' => format_into(out, dt, secs, nanos, "%H:%M:%S"),
        'D' => format_into(out, dt, secs, nanos, "%m/%d/%y"),
        'F' => format_into(out, dt, secs, nanos, "%Y-%m-%d"),
        'R' => format_into(out, dt, secs, nanos, "%H:%M"),
        'r' => format_into(out, dt, secs, nanos, "%I:%M:%S %p"),
        'n' => out.push('\n'),
        't' => out.push('\t'),
        '%' => out.push('%'),
        _ => return false,
    }
    true
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC (milliseconds truncated), for diagnostics.
/// Times out of range print as the plain number.
pub fn format_iso(epoch: f64) -> String {
    try_strftime(epoch, "%Y-%m-%dT%H:%M:%S.%3QZ", Tz::UTC).unwrap_or_else(|| format!("{epoch}"))
}
