//! Splunk's notion of time: `strftime`/`strptime` with Splunk's format
//! variables (including the subsecond extensions `%N`, `%Q`, `%f`, `%Ez`),
//! relative time modifiers (`-1d@d`, `@w1`, `-mon@mon+7d`, ...), and the
//! auto-detection of event timestamps.
//!
//! Epoch times are `f64` seconds. Subsecond digits are read from the shortest
//! decimal form of the number (the one Rust prints), so `1700000000.123`
//! formats as `.123`, never as `.122999...`; digits beyond the requested
//! width are truncated, never rounded up into the next second.
//!
//! Behaviours chosen where Splunk's documentation is silent are marked
//! "Choice:" below.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone,
    Timelike, Utc,
};
use chrono_tz::{OffsetName, Tz};

const NANOS_PER_SEC: i64 = 1_000_000_000;

const MONTHS: [&str; 12] = [
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

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

// ---------------------------------------------------------------------------
// Time zones
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Epoch helpers
// ---------------------------------------------------------------------------

/// Splits epoch seconds into whole seconds (floored) and nanoseconds, reading
/// the fraction from the shortest round-trip decimal form of the number.
fn split_epoch(epoch: f64) -> Option<(i64, u32)> {
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

fn join_epoch(secs: i64, nanos: u32) -> f64 {
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

fn to_local(secs: i64, nanos: u32, tz: Tz) -> Option<DateTime<Tz>> {
    DateTime::<Utc>::from_timestamp(secs, nanos).map(|d| d.with_timezone(&tz))
}

/// Epoch seconds of a local wall-clock time in `tz`. Ambiguous times (DST
/// fall-back) take the earlier instant; times inside a DST gap are read with
/// the offset in force before the gap (as C's `mktime` does), so 02:30 on a
/// spring-forward night in New York is 03:30 EDT.
fn resolve_local(naive: NaiveDateTime, tz: Tz) -> Option<i64> {
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

// ---------------------------------------------------------------------------
// strftime
// ---------------------------------------------------------------------------

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

fn format_into(out: &mut String, dt: &DateTime<Tz>, secs: i64, nanos: u32, fmt: &str) {
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

fn push_num(out: &mut String, n: i64, width: usize, pad: char) {
    let s = n.unsigned_abs().to_string();
    if n < 0 {
        out.push('-');
    }
    for _ in s.len()..width {
        out.push(pad);
    }
    out.push_str(&s);
}

fn push_subsec(out: &mut String, nanos: u32, digits: usize) {
    let s = format!("{nanos:09}");
    out.push_str(&s[..digits]);
}

fn offset_parts(dt: &DateTime<Tz>) -> (char, i64, i64, i64) {
    let off = i64::from(dt.offset().fix().local_minus_utc());
    let sign = if off < 0 { '-' } else { '+' };
    let a = off.abs();
    (sign, a / 3600, (a % 3600) / 60, a % 60)
}

/// Writes one conversion; false when it is not a known one (caller copies it literally).
#[allow(clippy::too_many_arguments)]
fn format_one(
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

// ---------------------------------------------------------------------------
// strptime
// ---------------------------------------------------------------------------

/// Parses `s` with a Splunk `strptime` format into epoch seconds. Times
/// without a zone (`%z`, `%Z`, `%Ez`, `%s`) are local to `tz`.
///
/// Leniency: fields the format lacks take defaults — a date without a time is
/// midnight; a format with no date fields at all uses 1970-01-01 here (the
/// eval function uses the search's current date, see [`strptime_at`]); a
/// missing year is 1970 (current year in [`strptime_at`]), a missing month or
/// day is 1. Whitespace in the format matches any run of whitespace,
/// numbers may omit leading zeros, names are case-insensitive.
/// Choice: text left over after the whole format has matched is ignored
/// (so `strptime("2023-01-02T03:04:05Z", "%Y-%m-%d")` is that midnight);
/// input that ends before the format does, or a mismatch, gives None, as does
/// an impossible date such as February 30.
pub fn strptime(s: &str, fmt: &str, tz: Tz) -> Option<f64> {
    let default = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    parse_with_default(s, fmt, tz, default)
}

/// [`strptime`] whose missing date parts come from the local date of `now`
/// in `tz`: `strptime("11:59", "%H:%M")` is today at 11:59, and `%m/%d`
/// without a year is in the current year. This is what the `strptime` eval
/// function uses (Choice: Splunk's docs only say "11:59" is returned "as a
/// timestamp"; the current date follows Splunk's timestamp extraction,
/// which fills a missing date from the current one).
pub fn strptime_at(s: &str, fmt: &str, tz: Tz, now: f64) -> Option<f64> {
    let (secs, nanos) = split_epoch(now)?;
    let today = to_local(secs, nanos, tz)?.date_naive();
    parse_with_default(s, fmt, tz, today)
}

#[derive(Default)]
struct Fields {
    year: Option<i32>,
    year2: Option<i32>,
    century: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    yday: Option<u32>,
    hour: Option<u32>,
    hour12: Option<u32>,
    pm: Option<bool>,
    minute: Option<u32>,
    second: Option<u32>,
    nanos: Option<u32>,
    offset: Option<i32>,
    zone: Option<Tz>,
    epoch: Option<i64>,
}

fn parse_with_default(s: &str, fmt: &str, tz: Tz, default: NaiveDate) -> Option<f64> {
    let input: Vec<char> = s.chars().collect();
    let fmt: Vec<char> = fmt.chars().collect();
    let mut f = Fields::default();
    let mut pos = 0;
    parse_fmt(&input, &mut pos, &fmt, &mut f)?;
    build(&f, tz, default)
}

fn skip_ws(inp: &[char], pos: &mut usize) {
    while *pos < inp.len() && inp[*pos].is_whitespace() {
        *pos += 1;
    }
}

/// Reads 1..=max digits (after optional whitespace) as a number within `lo..=hi`.
fn read_num(inp: &[char], pos: &mut usize, max: usize, lo: i64, hi: i64) -> Option<i64> {
    skip_ws(inp, pos);
    let start = *pos;
    let mut n: i64 = 0;
    while *pos < inp.len() && *pos - start < max && inp[*pos].is_ascii_digit() {
        n = n * 10 + (inp[*pos] as i64 - '0' as i64);
        *pos += 1;
    }
    if *pos == start || n < lo || n > hi {
        return None;
    }
    Some(n)
}

/// Reads up to `max` fraction digits as nanoseconds.
fn read_frac(inp: &[char], pos: &mut usize, max: usize) -> Option<u32> {
    let start = *pos;
    let mut nanos: u32 = 0;
    while *pos < inp.len() && inp[*pos].is_ascii_digit() && *pos - start < max {
        let k = (*pos - start) as u32;
        if k < 9 {
            nanos += (inp[*pos] as u32 - '0' as u32) * 10u32.pow(8 - k);
        }
        *pos += 1;
    }
    (*pos > start).then_some(nanos)
}

/// Case-insensitively matches one of `names` (full names first, then their
/// 3-letter abbreviations); returns its index.
fn read_name(inp: &[char], pos: &mut usize, names: &[&str]) -> Option<usize> {
    skip_ws(inp, pos);
    let matches_at = |word: &str| -> bool {
        let w: Vec<char> = word.chars().collect();
        *pos + w.len() <= inp.len()
            && w.iter()
                .zip(&inp[*pos..])
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
    };
    for (i, name) in names.iter().enumerate() {
        if matches_at(name) {
            *pos += name.len();
            return Some(i);
        }
    }
    for (i, name) in names.iter().enumerate() {
        if matches_at(&name[..3]) {
            *pos += 3;
            return Some(i);
        }
    }
    None
}

/// Reads a UTC offset: `Z`, `±hh`, `±hhmm`, `±hh:mm` (and `±hh:mm:ss`). With
/// `allow_short_hours`, a single hour digit is accepted (`+5`).
fn read_offset(inp: &[char], pos: &mut usize, allow_short_hours: bool) -> Option<i32> {
    let start = *pos;
    match inp.get(*pos) {
        Some('Z') | Some('z') => {
            *pos += 1;
            return Some(0);
        }
        Some('+') | Some('-') => {}
        _ => return None,
    }
    let neg = inp[*pos] == '-';
    *pos += 1;
    let digits = |pos: &mut usize, n: usize| -> Option<i32> {
        let mut v = 0;
        for _ in 0..n {
            let d = inp.get(*pos)?.to_digit(10)?;
            v = v * 10 + d as i32;
            *pos += 1;
        }
        Some(v)
    };
    let h = match digits(pos, 2) {
        Some(h) => h,
        None if allow_short_hours => match digits(pos, 1) {
            Some(h) => h,
            None => {
                *pos = start;
                return None;
            }
        },
        None => {
            *pos = start;
            return None;
        }
    };
    let mut m = 0;
    let mut s = 0;
    let save = *pos;
    let colon = inp.get(*pos) == Some(&':');
    if colon {
        *pos += 1;
    }
    match digits(pos, 2) {
        Some(v) => {
            m = v;
            if colon && inp.get(*pos) == Some(&':') {
                let save2 = *pos;
                *pos += 1;
                match digits(pos, 2) {
                    Some(v) => s = v,
                    None => *pos = save2,
                }
            }
        }
        None => *pos = save,
    }
    if h > 23 || m > 59 || s > 59 {
        *pos = start;
        return None;
    }
    let total = h * 3600 + m * 60 + s;
    Some(if neg { -total } else { total })
}

/// Fixed offsets of common zone abbreviations accepted by `%Z`.
fn abbreviation_offset(word: &str) -> Option<i32> {
    let h = 3600;
    Some(match word {
        "UTC" | "GMT" | "UT" | "Z" | "WET" | "ZULU" => 0,
        "EST" => -5 * h,
        "EDT" => -4 * h,
        "CST" => -6 * h,
        "CDT" => -5 * h,
        "MST" => -7 * h,
        "MDT" => -6 * h,
        "PST" => -8 * h,
        "PDT" => -7 * h,
        "AKST" => -9 * h,
        "AKDT" => -8 * h,
        "HST" => -10 * h,
        "BST" | "CET" | "WEST" => h,
        "CEST" | "EET" => 2 * h,
        "EEST" | "MSK" => 3 * h,
        "IST" => 5 * h + 1800,
        "HKT" | "SGT" | "AWST" => 8 * h,
        "JST" | "KST" => 9 * h,
        "ACST" => 9 * h + 1800,
        "AEST" => 10 * h,
        "AEDT" => 11 * h,
        "NZST" => 12 * h,
        "NZDT" => 13 * h,
        _ => return None,
    })
}

/// `%Z`: a UTC offset, `UTC`/`GMT` optionally followed by an offset, a common
/// abbreviation (`EST`, `PDT`, ...), or an IANA zone name.
fn read_zone(inp: &[char], pos: &mut usize, f: &mut Fields) -> Option<()> {
    skip_ws(inp, pos);
    if matches!(inp.get(*pos), Some('+') | Some('-')) {
        f.offset = Some(read_offset(inp, pos, true)?);
        return Some(());
    }
    let start = *pos;
    while *pos < inp.len() {
        let c = inp[*pos];
        let name_char = c.is_ascii_alphabetic() || c == '/' || c == '_';
        let inner_dash = (c == '-' || c == '+')
            && *pos > start
            && inp.get(*pos + 1).is_some_and(|n| n.is_ascii_alphabetic());
        if name_char || inner_dash {
            *pos += 1;
        } else {
            break;
        }
    }
    if *pos == start {
        return None;
    }
    let word: String = inp[start..*pos].iter().collect();
    let upper = word.to_ascii_uppercase();
    if let Some(off) = abbreviation_offset(&upper) {
        let mut extra = 0;
        if matches!(upper.as_str(), "UTC" | "GMT" | "UT") {
            if let Some(o) = read_offset(inp, pos, true) {
                extra = o;
            }
        }
        f.offset = Some(off + extra);
        return Some(());
    }
    match parse_tz(&word) {
        Ok(tz) => {
            f.zone = Some(tz);
            Some(())
        }
        Err(_) => {
            *pos = start;
            None
        }
    }
}

fn parse_fmt(inp: &[char], pos: &mut usize, fmt: &[char], f: &mut Fields) -> Option<()> {
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        if c.is_whitespace() {
            skip_ws(inp, pos);
            i += 1;
            continue;
        }
        if c != '%' {
            if inp.get(*pos) != Some(&c) {
                return None;
            }
            *pos += 1;
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let mut colons = 0;
        while i < fmt.len() && fmt[i] == ':' {
            colons += 1;
            i += 1;
        }
        let mut width: Option<usize> = None;
        while i < fmt.len() && fmt[i].is_ascii_digit() {
            let d = fmt[i] as usize - '0' as usize;
            width = Some(width.unwrap_or(0).saturating_mul(10).saturating_add(d));
            i += 1;
        }
        let mut modifier = None;
        if i + 1 < fmt.len() && (fmt[i] == 'E' || fmt[i] == 'O') {
            modifier = Some(fmt[i]);
            i += 1;
        }
        let Some(&conv) = fmt.get(i) else {
            // A lone trailing '%' matches itself.
            return match_literal(inp, pos, &fmt[start..]);
        };
        i += 1;
        if colons > 0 {
            if conv != 'z' {
                match_literal(inp, pos, &fmt[start..i])?;
                continue;
            }
            skip_ws(inp, pos);
            f.offset = Some(read_offset(inp, pos, false)?);
            continue;
        }
        if let Some(w) = width {
            let max = match conv {
                'N' | 'Q' | 'f' if (1..=9).contains(&w) => w,
                _ => {
                    match_literal(inp, pos, &fmt[start..i])?;
                    continue;
                }
            };
            f.nanos = Some(read_frac(inp, pos, max)?);
            continue;
        }
        if modifier == Some('E') && conv == 'z' {
            skip_ws(inp, pos);
            let neg = match inp.get(*pos) {
                Some('-') => {
                    *pos += 1;
                    true
                }
                Some('+') => {
                    *pos += 1;
                    false
                }
                _ => false,
            };
            let mins = read_num(inp, pos, 4, 0, 1439)? as i32;
            f.offset = Some(if neg { -mins * 60 } else { mins * 60 });
            continue;
        }
        match conv {
            'Y' => {
                skip_ws(inp, pos);
                let neg = inp.get(*pos) == Some(&'-');
                if neg {
                    *pos += 1;
                }
                let y = read_num(inp, pos, 4, 0, 9999)? as i32;
                f.year = Some(if neg { -y } else { y });
            }
            'y' => f.year2 = Some(read_num(inp, pos, 2, 0, 99)? as i32),
            'C' => f.century = Some(read_num(inp, pos, 2, 0, 99)? as i32),
            'G' => {
                read_num(inp, pos, 4, 0, 9999)?;
            }
            'g' => {
                read_num(inp, pos, 2, 0, 99)?;
            }
            'm' => f.month = Some(read_num(inp, pos, 2, 1, 12)? as u32),
            'd' | 'e' => f.day = Some(read_num(inp, pos, 2, 1, 31)? as u32),
            'j' => f.yday = Some(read_num(inp, pos, 3, 1, 366)? as u32),
            'H' | 'k' => f.hour = Some(read_num(inp, pos, 2, 0, 23)? as u32),
            'I' | 'l' => f.hour12 = Some(read_num(inp, pos, 2, 1, 12)? as u32),
            'M' => f.minute = Some(read_num(inp, pos, 2, 0, 59)? as u32),
            'S' => f.second = Some(read_num(inp, pos, 2, 0, 60)? as u32),
            'p' | 'P' => {
                skip_ws(inp, pos);
                let two: String = inp.iter().skip(*pos).take(2).collect();
                f.pm = Some(match two.to_ascii_uppercase().as_str() {
                    "AM" => false,
                    "PM" => true,
                    _ => return None,
                });
                *pos += 2;
            }
            'a' | 'A' => {
                read_name(inp, pos, &WEEKDAYS)?;
            }
            'b' | 'B' | 'h' => f.month = Some(read_name(inp, pos, &MONTHS)? as u32 + 1),
            'U' | 'W' | 'V' => {
                read_num(inp, pos, 2, 0, 53)?;
            }
            'w' => {
                read_num(inp, pos, 1, 0, 6)?;
            }
            'u' => {
                read_num(inp, pos, 1, 1, 7)?;
            }
            'z' => {
                skip_ws(inp, pos);
                f.offset = Some(read_offset(inp, pos, false)?);
            }
            'Z' => read_zone(inp, pos, f)?,
            's' => {
                skip_ws(inp, pos);
                let neg = inp.get(*pos) == Some(&'-');
                if neg {
                    *pos += 1;
                }
                let n = read_num(inp, pos, 15, 0, i64::MAX)?;
                f.epoch = Some(if neg { -n } else { n });
            }
            'N' => f.nanos = Some(read_frac(inp, pos, 9)?),
            'Q' => f.nanos = Some(read_frac(inp, pos, 3)?),
            'f' => f.nanos = Some(read_frac(inp, pos, 6)?),
            'c' => parse_sub(inp, pos, "%a %b %e %H:%M:%S %Y", f)?,
            '+' => parse_sub(inp, pos, "%a %b %e %H:%M:%S %Z %Y", f)?,
            'x' => parse_sub(inp, pos, "%m/%d/%Y", f)?,
            'X' | 'T' => parse_sub(inp, pos, "%H:%M:%S", f)?,
            'D' => parse_sub(inp, pos, "%m/%d/%y", f)?,
            'F' => parse_sub(inp, pos, "%Y-%m-%d", f)?,
            'R' => parse_sub(inp, pos, "%H:%M", f)?,
            'r' => parse_sub(inp, pos, "%I:%M:%S %p", f)?,
            'n' | 't' => skip_ws(inp, pos),
            '%' => match_literal(inp, pos, &['%'])?,
            // Unknown conversion: the input must contain it literally.
            _ => match_literal(inp, pos, &fmt[start..i])?,
        }
    }
    Some(())
}

fn parse_sub(inp: &[char], pos: &mut usize, sub: &str, f: &mut Fields) -> Option<()> {
    let sub: Vec<char> = sub.chars().collect();
    parse_fmt(inp, pos, &sub, f)
}

fn match_literal(inp: &[char], pos: &mut usize, lit: &[char]) -> Option<()> {
    if *pos + lit.len() <= inp.len() && &inp[*pos..*pos + lit.len()] == lit {
        *pos += lit.len();
        Some(())
    } else {
        None
    }
}

fn build(f: &Fields, tz: Tz, default: NaiveDate) -> Option<f64> {
    let nanos = f.nanos.unwrap_or(0);
    if let Some(e) = f.epoch {
        return Some(join_epoch(e, nanos));
    }
    let has_date = f.year.is_some()
        || f.year2.is_some()
        || f.century.is_some()
        || f.month.is_some()
        || f.day.is_some()
        || f.yday.is_some();
    let date = if has_date {
        let year = match (f.year, f.year2, f.century) {
            (Some(y), _, _) => y,
            (None, Some(y2), Some(c)) => c * 100 + y2,
            // POSIX: 69-99 are 1969-1999, 00-68 are 2000-2068.
            (None, Some(y2), None) if y2 >= 69 => 1900 + y2,
            (None, Some(y2), None) => 2000 + y2,
            (None, None, Some(c)) => c * 100,
            (None, None, None) => default.year(),
        };
        match (f.month, f.day, f.yday) {
            (None, None, Some(yd)) => NaiveDate::from_yo_opt(year, yd)?,
            (m, d, _) => NaiveDate::from_ymd_opt(year, m.unwrap_or(1), d.unwrap_or(1))?,
        }
    } else {
        default
    };
    let hour = match f.hour12 {
        Some(h12) => h12 % 12 + if f.pm == Some(true) { 12 } else { 0 },
        None => f.hour.unwrap_or(0),
    };
    let secs_of_day = i64::from(hour) * 3600
        + i64::from(f.minute.unwrap_or(0)) * 60
        + i64::from(f.second.unwrap_or(0));
    let naive = date
        .and_hms_opt(0, 0, 0)?
        .checked_add_signed(Duration::seconds(secs_of_day))?;
    let secs = if let Some(off) = f.offset {
        naive.and_utc().timestamp() - i64::from(off)
    } else {
        resolve_local(naive, f.zone.unwrap_or(tz))?
    };
    Some(join_epoch(secs, nanos))
}

// ---------------------------------------------------------------------------
// Relative time modifiers
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
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

fn unit_from_name(name: &str) -> Option<Unit> {
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
struct Instant {
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

fn take_while(b: &[u8], i: &mut usize, pred: impl Fn(u8) -> bool) -> String {
    let start = *i;
    while *i < b.len() && pred(b[*i]) {
        *i += 1;
    }
    String::from_utf8_lossy(&b[start..*i]).into_owned()
}

fn local_naive(t: Instant, tz: Tz) -> Option<NaiveDateTime> {
    to_local(t.secs, 0, tz).map(|d| d.naive_local())
}

fn add_nanos(t: Instant, delta: i128) -> Option<Instant> {
    let total = i128::from(t.secs) * i128::from(NANOS_PER_SEC) + i128::from(t.nanos) + delta;
    let secs = i64::try_from(total.div_euclid(i128::from(NANOS_PER_SEC))).ok()?;
    let nanos = total.rem_euclid(i128::from(NANOS_PER_SEC)) as u32;
    Some(Instant { secs, nanos })
}

fn add_months(date: NaiveDate, months: i64) -> Option<NaiveDate> {
    let total = i64::from(date.year()) * 12 + i64::from(date.month0()) + months;
    let year = i32::try_from(total.div_euclid(12)).ok()?;
    let month = total.rem_euclid(12) as u32 + 1;
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    // Days past the end of the month roll over, as mktime normalises them.
    first.checked_add_signed(Duration::days(i64::from(date.day()) - 1))
}

fn offset(t: Instant, unit: Unit, n: i64, tz: Tz) -> Option<Instant> {
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

fn snap(t: Instant, unit: Unit, tz: Tz) -> Option<Instant> {
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

// ---------------------------------------------------------------------------
// Event timestamp detection
// ---------------------------------------------------------------------------

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

fn plain_epoch(t: &str) -> Option<f64> {
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
fn digits_at(c: &[char], pos: &mut usize, min: usize, max: usize) -> Option<u32> {
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
fn time_and_zone(c: &[char], pos: &mut usize) -> Option<(i64, u32, i32)> {
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
fn zone_to_end(c: &[char], pos: &mut usize) -> Option<i32> {
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

fn parse_iso_like(c: &[char]) -> Option<f64> {
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

fn finish(date: NaiveDate, c: &[char], pos: &mut usize) -> Option<f64> {
    let (sod, nanos, off) = time_and_zone(c, pos)?;
    let midnight = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp();
    Some(join_epoch(midnight + sod - i64::from(off), nanos))
}

fn parse_us_date(c: &[char]) -> Option<f64> {
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

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC (milliseconds truncated), for diagnostics.
/// Times out of range print as the plain number.
pub fn format_iso(epoch: f64) -> String {
    try_strftime(epoch, "%Y-%m-%dT%H:%M:%S.%3QZ", Tz::UTC).unwrap_or_else(|| format!("{epoch}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ny() -> Tz {
        parse_tz("America/New_York").unwrap()
    }

    fn utc(s: &str) -> f64 {
        parse_timestamp(s).unwrap_or_else(|| panic!("bad test timestamp {s}"))
    }

    fn rt(base: f64, spec: &str) -> f64 {
        relative_time(base, spec, Tz::UTC).unwrap_or_else(|e| panic!("{spec}: {e}"))
    }

    // ---- parse_tz ----

    #[test]
    fn tz_names() {
        assert_eq!(parse_tz("UTC").unwrap(), Tz::UTC);
        assert_eq!(parse_tz("utc").unwrap(), Tz::UTC);
        assert_eq!(
            parse_tz("America/New_York").unwrap(),
            chrono_tz::America::New_York
        );
        assert_eq!(
            parse_tz("europe/london").unwrap(),
            chrono_tz::Europe::London
        );
        assert_eq!(parse_tz("+01:00").unwrap(), chrono_tz::Etc::GMTMinus1);
        assert_eq!(parse_tz("-0800").unwrap(), chrono_tz::Etc::GMTPlus8);
        let e = parse_tz("Mars/Olympus").unwrap_err();
        assert!(e.contains("Mars/Olympus"), "{e}");
        assert!(parse_tz("+05:30").is_err());
    }

    // ---- strftime: examples from Splunk's "Date and time format variables" ----

    #[test]
    fn doc_examples_of_common_formats() {
        // The docs' examples show 2022-04-29 23:45:22.
        let t = 1651275922.0;
        let f = |fmt: &str| strftime(t, fmt, Tz::UTC);
        assert_eq!(f("%Y-%m-%d"), "2022-04-29");
        assert_eq!(f("%y-%m-%d"), "22-04-29");
        assert_eq!(f("%b %d, %Y"), "Apr 29, 2022");
        assert_eq!(f("%B %d, %Y"), "April 29, 2022");
        assert_eq!(f("%a %b %d, %Y"), "Fri Apr 29, 2022");
        assert_eq!(f("%Y-%m-%dT%H:%M:%S.%Q"), "2022-04-29T23:45:22.000");
        assert_eq!(f("%Y-%m-%dT%H:%M:%S.%QZ"), "2022-04-29T23:45:22.000Z");
        assert_eq!(f("%T"), "23:45:22");
        assert_eq!(f("%F %R"), "2022-04-29 23:45");
    }

    #[test]
    fn doc_examples_of_locale_forms() {
        // "Thu Jul 18 09:30:00 2019" and "... PDT 2019" for US English on Linux.
        let t = 1563467400.0;
        let la = parse_tz("America/Los_Angeles").unwrap();
        assert_eq!(strftime(t, "%c", la), "Thu Jul 18 09:30:00 2019");
        assert_eq!(strftime(t, "%+", la), "Thu Jul 18 09:30:00 PDT 2019");
        assert_eq!(strftime(t, "%X", la), "09:30:00");
        assert_eq!(strftime(t, "%x", la), "07/18/2019");
        assert_eq!(strftime(t, "%D", la), "07/18/19");
        assert_eq!(strftime(t, "%r", la), "09:30:00 AM");
        // %e pads with a space.
        assert_eq!(
            strftime(1_000_000_000.0, "%c", Tz::UTC),
            "Sun Sep  9 01:46:40 2001"
        );
    }

    #[test]
    fn zone_variables() {
        // Doc: five hours behind UTC is -0500 (US Eastern Standard Time).
        let jan = utc("2024-01-15T12:00:00Z");
        assert_eq!(strftime(jan, "%z", ny()), "-0500");
        assert_eq!(strftime(jan, "%:z", ny()), "-05:00");
        assert_eq!(strftime(jan, "%::z", ny()), "-05:00:00");
        assert_eq!(strftime(jan, "%:::z", ny()), "-05");
        assert_eq!(strftime(jan, "%Z", ny()), "EST");
        assert_eq!(strftime(jan, "%Ez", ny()), "-300");
        let jul = utc("2024-07-15T12:00:00Z");
        assert_eq!(strftime(jul, "%Z %z %H", ny()), "EDT -0400 08");
        let kolkata = parse_tz("Asia/Kolkata").unwrap();
        assert_eq!(
            strftime(jan, "%z %:::z %H:%M", kolkata),
            "+0530 +05:30 17:30"
        );
        assert_eq!(strftime(jan, "%Z%z", Tz::UTC), "UTC+0000");
    }

    #[test]
    fn epoch_variable() {
        // Doc: %s of 1484993700 (the docs' date text for it is wrong: it is 2017).
        assert_eq!(strftime(1484993700.0, "%s", ny()), "1484993700");
        assert_eq!(
            strftime(1484993700.0, "%c", Tz::UTC),
            "Sat Jan 21 10:15:00 2017"
        );
        assert_eq!(strftime(1484993700.75, "%s", Tz::UTC), "1484993700");
        assert_eq!(strftime(-1.5, "%s %S.%3N", Tz::UTC), "-2 58.500");
    }

    #[test]
    fn dsp_doc_example_with_offset_zone() {
        // strftime(1545760232000 ms, "%Y-%m-%dT%H:%M:%S", "+01:00") = 2018-12-25T18:50:32
        let tz = parse_tz("+01:00").unwrap();
        assert_eq!(
            strftime(1545760232.0, "%Y-%m-%dT%H:%M:%S", tz),
            "2018-12-25T18:50:32"
        );
        // ... and 1586541874588 ms in UTC renders 18:04:34.
        assert_eq!(strftime(1586541874.588, "%H:%M:%S", Tz::UTC), "18:04:34");
    }

    #[test]
    fn subsecond_variables() {
        let t = 1700000000.123456;
        let f = |fmt: &str| strftime(t, fmt, Tz::UTC);
        assert_eq!(f("%3N"), "123");
        assert_eq!(f("%6N"), "123456");
        assert_eq!(f("%9N"), "123456000");
        assert_eq!(f("%N"), "123456000", "bare %N is %9N per the docs");
        assert_eq!(f("%Q"), "123", "bare %Q is %3Q");
        assert_eq!(f("%3Q|%6Q|%9Q"), "123|123456|123456000");
        assert_eq!(f("%f"), "123456");
        // 0.1 + 0.2 style float noise must not leak: 0.3 is 300, not 299.
        assert_eq!(strftime(1700000000.3, "%3N", Tz::UTC), "300");
        assert_eq!(strftime(1700000000.123, "%Q", Tz::UTC), "123");
    }

    #[test]
    fn subseconds_truncate_instead_of_rounding_up() {
        let t = 1700000000.9999;
        assert_eq!(strftime(t, "%S.%3N", Tz::UTC), "20.999");
        assert_eq!(strftime(1700000000.0009, "%Q", Tz::UTC), "000");
        // O365's 7 fraction digits survive in %9N.
        let o365 = utc("2023-10-12T11:05:44.1234567Z");
        assert_eq!(
            strftime(o365, "%H:%M:%S.%9N", Tz::UTC),
            "11:05:44.123456700"
        );
    }

    #[test]
    fn week_and_day_numbers() {
        // 2021-01-03 is a Sunday; ISO week 53 of 2020.
        let t = utc("2021-01-03T00:00:00Z");
        let f = |fmt: &str| strftime(t, fmt, Tz::UTC);
        assert_eq!(
            f("%j %U %W %V %G %g %w %u %a %A"),
            "003 01 00 53 2020 20 0 7 Sun Sunday"
        );
        let t = utc("2024-12-31T15:04:05Z");
        let f = |fmt: &str| strftime(t, fmt, Tz::UTC);
        assert_eq!(f("%j %U %W %V %G"), "366 52 53 01 2025");
        assert_eq!(f("%I %l %k %p %P %C %h"), "03  3 15 PM pm 20 Dec");
        let midnight = utc("2024-12-31T00:07:00Z");
        assert_eq!(strftime(midnight, "%I:%M %p", Tz::UTC), "12:07 AM");
    }

    #[test]
    fn literal_and_unknown_specifiers() {
        let t = 0.0;
        assert_eq!(strftime(t, "100%% at %H%n%t", Tz::UTC), "100% at 00\n\t");
        assert_eq!(strftime(t, "%K %q %5Y end%", Tz::UTC), "%K %q %5Y end%");
        assert_eq!(strftime(t, "%::Y", Tz::UTC), "%::Y");
        assert_eq!(strftime(t, "%EY %Oy", Tz::UTC), "1970 70");
        assert_eq!(strftime(t, "", Tz::UTC), "");
        assert_eq!(try_strftime(f64::NAN, "%Y", Tz::UTC), None);
        assert_eq!(try_strftime(1e300, "%Y", Tz::UTC), None);
    }

    // ---- strptime ----

    #[test]
    fn strptime_round_trips_doc_format() {
        let t = strptime("2022-04-29T23:45:22.123", "%Y-%m-%dT%H:%M:%S.%Q", Tz::UTC).unwrap();
        assert_eq!(t, 1651275922.123);
        let t = strptime("2022-04-29T23:45:22.000Z", "%Y-%m-%dT%H:%M:%S.%QZ", Tz::UTC).unwrap();
        assert_eq!(t, 1651275922.0);
        let t = strptime("2018-08-13 11:22:33", "%Y-%m-%d %H:%M:%S", Tz::UTC).unwrap();
        assert_eq!(t, 1534159353.0);
    }

    #[test]
    fn strptime_is_local_to_tz_unless_zoned() {
        let t = strptime("2024-01-15 07:00:00", "%Y-%m-%d %H:%M:%S", ny()).unwrap();
        assert_eq!(t, utc("2024-01-15T12:00:00Z"));
        let z = strptime("2024-01-15 07:00:00 -0700", "%Y-%m-%d %H:%M:%S %z", ny()).unwrap();
        assert_eq!(z, utc("2024-01-15T14:00:00Z"));
        let z = strptime("2024-01-15 07:00:00 +05:30", "%F %T %:z", Tz::UTC).unwrap();
        assert_eq!(z, utc("2024-01-15T01:30:00Z"));
        for (text, want) in [
            ("2024-01-15 07:00:00 UTC", "2024-01-15T07:00:00Z"),
            ("2024-01-15 07:00:00 Z", "2024-01-15T07:00:00Z"),
            ("2024-01-15 07:00:00 PST", "2024-01-15T15:00:00Z"),
            ("2024-01-15 07:00:00 GMT+02:00", "2024-01-15T05:00:00Z"),
            ("2024-01-15 07:00:00 -0300", "2024-01-15T10:00:00Z"),
            ("2024-07-15 07:00:00 Europe/Berlin", "2024-07-15T05:00:00Z"),
        ] {
            assert_eq!(
                strptime(text, "%Y-%m-%d %H:%M:%S %Z", ny()),
                Some(utc(want)),
                "{text}"
            );
        }
        assert_eq!(
            strptime("2024-01-15 07:00 -300", "%Y-%m-%d %H:%M %Ez", Tz::UTC),
            Some(utc("2024-01-15T12:00:00Z"))
        );
    }

    #[test]
    fn strptime_names_ampm_and_epoch() {
        let t = strptime(
            "Fri Apr 29, 2022 11:45:22 PM",
            "%a %b %d, %Y %I:%M:%S %p",
            Tz::UTC,
        );
        assert_eq!(t, Some(1651275922.0));
        let t = strptime("april 29 2022 12:05 am", "%B %d %Y %I:%M %p", Tz::UTC);
        assert_eq!(t, Some(utc("2022-04-29T00:05:00Z")));
        let t = strptime(
            "29/Apr/2022:12:00:00 +0000",
            "%d/%b/%Y:%H:%M:%S %z",
            Tz::UTC,
        );
        assert_eq!(t, Some(utc("2022-04-29T12:00:00Z")));
        assert_eq!(strptime("1484993700", "%s", ny()), Some(1484993700.0));
        assert_eq!(
            strptime("1484993700.250", "%s.%3N", ny()),
            Some(1484993700.25)
        );
        assert_eq!(
            strptime("Thu Jul 18 09:30:00 2019", "%c", Tz::UTC),
            Some(utc("2019-07-18T09:30:00Z"))
        );
        assert_eq!(
            strptime("2022-04-29 23:45:22.1234567", "%F %T.%N", Tz::UTC),
            Some(1651275922.1234567)
        );
        assert_eq!(
            strptime("12/31/99", "%D", Tz::UTC),
            Some(utc("1999-12-31T00:00:00Z"))
        );
        assert_eq!(
            strptime("01/02/03", "%m/%d/%y", Tz::UTC),
            Some(utc("2003-01-02T00:00:00Z"))
        );
        assert_eq!(
            strptime("2024 060", "%Y %j", Tz::UTC),
            Some(utc("2024-02-29T00:00:00Z"))
        );
    }

    #[test]
    fn strptime_lenience() {
        // Date only: midnight.
        assert_eq!(
            strptime("2023-10-12", "%Y-%m-%d", Tz::UTC),
            Some(utc("2023-10-12T00:00:00Z"))
        );
        // No leading zeros needed; whitespace runs match.
        assert_eq!(
            strptime("2023-1-2  3:4:5", "%Y-%m-%d %H:%M:%S", Tz::UTC),
            Some(utc("2023-01-02T03:04:05Z"))
        );
        // Trailing text is ignored.
        assert_eq!(
            strptime("2023-10-12T11:05:44Z", "%Y-%m-%d", Tz::UTC),
            Some(utc("2023-10-12T00:00:00Z"))
        );
        // Time only: 1970-01-01 here; strptime_at uses the current local date.
        assert_eq!(strptime("11:59", "%H:%M", Tz::UTC), Some(43140.0));
        let now = utc("2024-04-28T14:05:00Z");
        assert_eq!(
            strptime_at("11:59", "%H:%M", Tz::UTC, now),
            Some(utc("2024-04-28T11:59:00Z"))
        );
        // 02:00 UTC on the 28th is still the 27th in New York.
        let early = utc("2024-04-28T02:00:00Z");
        assert_eq!(
            strptime_at("11:59", "%H:%M", ny(), early),
            Some(utc("2024-04-27T15:59:00Z"))
        );
        assert_eq!(
            strptime_at("Mar 3", "%b %d", Tz::UTC, now),
            Some(utc("2024-03-03T00:00:00Z"))
        );
        // Failures.
        assert_eq!(strptime("2023-02-30", "%Y-%m-%d", Tz::UTC), None);
        assert_eq!(strptime("2023-10-12", "%Y-%m-%d %H:%M", Tz::UTC), None);
        assert_eq!(strptime("2023/10/12", "%Y-%m-%d", Tz::UTC), None);
        assert_eq!(strptime("25:00", "%H:%M", Tz::UTC), None);
        assert_eq!(strptime("", "%Y", Tz::UTC), None);
        assert_eq!(strptime("abc", "%Y", Tz::UTC), None);
        assert_eq!(strptime("100%", "100%%", Tz::UTC), Some(0.0));
    }

    #[test]
    fn strptime_dst_edges() {
        // Spring-forward gap: 02:30 read with EST is 03:30 EDT.
        let gap = strptime("2024-03-10 02:30", "%Y-%m-%d %H:%M", ny()).unwrap();
        assert_eq!(gap, utc("2024-03-10T07:30:00Z"));
        // Fall-back overlap: the earlier (EDT) instant.
        let dup = strptime("2024-11-03 01:30", "%Y-%m-%d %H:%M", ny()).unwrap();
        assert_eq!(dup, utc("2024-11-03T05:30:00Z"));
    }

    // ---- relative_time: examples from Splunk's time modifier docs ----

    #[test]
    fn doc_example_yesterday_midnight() {
        // "On April 28th at 14:05, earliest=-2d goes back to 14:05 on April 26th;
        // -2d@d goes back to 00:00 on April 26th."
        let now = utc("2024-04-28T14:05:00Z");
        assert_eq!(rt(now, "-2d"), utc("2024-04-26T14:05:00Z"));
        assert_eq!(rt(now, "-2d@d"), utc("2024-04-26T00:00:00Z"));
        // relative_time(now(), "-1d@d"): the start of yesterday.
        assert_eq!(rt(now, "-1d@d"), utc("2024-04-27T00:00:00Z"));
        assert_eq!(rt(now, "@d"), utc("2024-04-28T00:00:00Z"));
        assert_eq!(rt(now, "now"), now);
    }

    #[test]
    fn doc_example_hours() {
        // "If you run the search at 3:45, -1h is 2:45 and -h@h is 2:00."
        let now = utc("2024-04-28T03:45:00Z");
        assert_eq!(rt(now, "-1h"), utc("2024-04-28T02:45:00Z"));
        assert_eq!(rt(now, "-h@h"), utc("2024-04-28T02:00:00Z"));
        // "At 11:59:00, snapping to hours gives 11:00, not 12:00."
        assert_eq!(
            rt(utc("2024-04-28T11:59:00Z"), "@h"),
            utc("2024-04-28T11:00:00Z")
        );
        assert_eq!(rt(now, "-30m@h"), utc("2024-04-28T03:00:00Z"));
        assert_eq!(rt(now, "-60m"), utc("2024-04-28T02:45:00Z"));
        assert_eq!(rt(now, "-40s"), utc("2024-04-28T03:44:20Z"));
    }

    #[test]
    fn doc_example_chained_month() {
        // Splexicon: -mon@mon+7d is the 8th of last month.
        let now = utc("2024-04-28T14:05:00Z");
        assert_eq!(rt(now, "-mon@mon+7d"), utc("2024-03-08T00:00:00Z"));
        assert_eq!(rt(now, "-1d@d+6h"), utc("2024-04-27T06:00:00Z"));
        assert_eq!(rt(now, "@d-1h"), utc("2024-04-27T23:00:00Z"));
    }

    #[test]
    fn doc_example_weeks() {
        // Friday 23:59: @w6 (Saturday) is the previous Saturday at midnight.
        let fri = utc("2024-04-26T23:59:00Z");
        assert_eq!(rt(fri, "@w6"), utc("2024-04-20T00:00:00Z"));
        assert_eq!(rt(fri, "@w1"), utc("2024-04-22T00:00:00Z"));
        assert_eq!(rt(fri, "@w5"), utc("2024-04-26T00:00:00Z"));
        // @w, @w0 and @w7 are Sunday.
        for w in ["@w", "@w0", "@w7", "@week"] {
            assert_eq!(rt(fri, w), utc("2024-04-21T00:00:00Z"), "{w}");
        }
        assert_eq!(rt(fri, "-7d@w1"), utc("2024-04-15T00:00:00Z"));
        assert_eq!(rt(fri, "+2w"), utc("2024-05-10T23:59:00Z"));
    }

    #[test]
    fn doc_example_quarters_and_years() {
        // @q snaps to Jan 1, Apr 1, Jul 1 or Oct 1.
        for (at, want) in [
            ("2024-02-10T05:00:00Z", "2024-01-01T00:00:00Z"),
            ("2024-04-01T00:00:00Z", "2024-04-01T00:00:00Z"),
            ("2024-09-30T23:59:59Z", "2024-07-01T00:00:00Z"),
            ("2024-12-31T23:59:59Z", "2024-10-01T00:00:00Z"),
        ] {
            assert_eq!(rt(utc(at), "@q"), utc(want), "{at}");
            assert_eq!(rt(utc(at), "@qtr"), utc(want));
            assert_eq!(rt(utc(at), "@quarter"), utc(want));
        }
        let now = utc("2024-05-17T10:00:00Z");
        assert_eq!(rt(now, "@y"), utc("2024-01-01T00:00:00Z"));
        assert_eq!(rt(now, "-1y@y"), utc("2023-01-01T00:00:00Z"));
        assert_eq!(rt(now, "-1q"), utc("2024-02-17T10:00:00Z"));
        assert_eq!(rt(now, "@mon"), utc("2024-05-01T00:00:00Z"));
        assert_eq!(rt(now, "+1yr"), utc("2025-05-17T10:00:00Z"));
    }

    #[test]
    fn unit_spellings() {
        let now = utc("2024-04-28T14:05:00Z");
        for (spec, secs) in [
            ("-1s", 1.0),
            ("-1sec", 1.0),
            ("-2secs", 2.0),
            ("-1second", 1.0),
            ("-3seconds", 3.0),
            ("-1m", 60.0),
            ("-1min", 60.0),
            ("-2mins", 120.0),
            ("-1minute", 60.0),
            ("-2minutes", 120.0),
            ("-1h", 3600.0),
            ("-1hr", 3600.0),
            ("-2hrs", 7200.0),
            ("-1hour", 3600.0),
            ("-2hours", 7200.0),
            ("-1d", 86400.0),
            ("-1day", 86400.0),
            ("-2days", 172800.0),
            ("-1w", 604800.0),
            ("-1week", 604800.0),
            ("-2weeks", 1209600.0),
            ("-500ms", 0.5),
            ("+1d", -86400.0),
            ("-0d", 0.0),
        ] {
            assert_eq!(now - rt(now, spec), secs, "{spec}");
        }
        for spec in ["-1mon", "-1month", "-1months"] {
            assert_eq!(rt(now, spec), utc("2024-03-28T14:05:00Z"), "{spec}");
        }
        for spec in ["-1y", "-1yr", "-1yrs", "-1year", "-1years"] {
            assert_eq!(rt(now, spec), utc("2023-04-28T14:05:00Z"), "{spec}");
        }
        for spec in ["-1q", "-1qtr", "-1qtrs", "-1quarter", "-1quarters"] {
            assert_eq!(rt(now, spec), utc("2024-01-28T14:05:00Z"), "{spec}");
        }
    }

    #[test]
    fn absolute_times() {
        let now = utc("2024-04-28T14:05:00Z");
        // Doc: earliest=1 is UTC January 1, 1970 at 12:00:01 AM; 0 is the epoch.
        assert_eq!(rt(now, "1"), 1.0);
        assert_eq!(rt(now, "0"), 0.0);
        assert_eq!(rt(now, "1700000000"), 1700000000.0);
        // Doc: earliest=10/19/2018:00:00:00.
        assert_eq!(rt(now, "10/19/2018:00:00:00"), 1539907200.0);
        assert_eq!(
            relative_time(now, "10/19/2018:00:00:00", ny()).unwrap(),
            utc("2018-10-19T04:00:00Z")
        );
    }

    #[test]
    fn snapping_uses_the_zone() {
        // 02:00 UTC on the 28th is 22:00 on the 27th in New York (EDT).
        let now = utc("2024-04-28T02:00:00Z");
        assert_eq!(
            relative_time(now, "@d", ny()).unwrap(),
            utc("2024-04-27T04:00:00Z")
        );
        assert_eq!(
            relative_time(now, "@d", Tz::UTC).unwrap(),
            utc("2024-04-28T00:00:00Z")
        );
        let kolkata = parse_tz("Asia/Kolkata").unwrap();
        // 02:00 UTC = 07:30 IST; @h is 07:00 IST = 01:30 UTC.
        assert_eq!(
            relative_time(now, "@h", kolkata).unwrap(),
            utc("2024-04-28T01:30:00Z")
        );
    }

    #[test]
    fn days_keep_wall_clock_across_dst() {
        // 2024-03-10 is the spring-forward day in New York.
        let after = utc("2024-03-11T16:00:00Z"); // 12:00 EDT
        let back = relative_time(after, "-1d", ny()).unwrap();
        assert_eq!(back, utc("2024-03-10T16:00:00Z")); // 12:00 EDT, 23h earlier
        let back = relative_time(after, "-2d", ny()).unwrap();
        assert_eq!(back, utc("2024-03-09T17:00:00Z")); // 12:00 EST
        assert_eq!(relative_time(after, "-24h", ny()).unwrap(), after - 86400.0);
        assert_eq!(
            relative_time(after, "-1d@d", ny()).unwrap(),
            utc("2024-03-10T05:00:00Z")
        );
    }

    #[test]
    fn month_overflow_rolls_over() {
        let mar31 = utc("2023-03-31T12:00:00Z");
        assert_eq!(rt(mar31, "-1mon"), utc("2023-03-03T12:00:00Z"));
        assert_eq!(rt(mar31, "-1mon@mon"), utc("2023-03-01T00:00:00Z"));
        assert_eq!(
            rt(utc("2024-01-31T00:00:00Z"), "+1mon"),
            utc("2024-03-02T00:00:00Z")
        );
    }

    #[test]
    fn subseconds_are_kept_or_snapped() {
        let t = 1700000000.25;
        assert_eq!(rt(t, "-1h"), 1699996400.25);
        assert_eq!(rt(t, "@s"), 1700000000.0);
        assert_eq!(rt(1700000000.123456, "@ms"), 1700000000.123);
        assert_eq!(rt(t, "-1d"), 1699913600.25);
        assert_eq!(rt(t, "+250ms"), 1700000000.5);
    }

    #[test]
    fn relative_time_errors_name_the_bad_part() {
        let now = 1700000000.0;
        for (spec, needle) in [
            ("-1x", "'x'"),
            ("-1d@z", "'z'"),
            ("@", "'@'"),
            ("-5", "'-5'"),
            ("yesterday", "'yesterday'"),
            ("-1d@w9", "'@w9'"),
            ("", "empty"),
            ("-99999999999999999999d", "too large"),
            ("13/45/2020:00:00:00", "13/45/2020"),
        ] {
            let e = relative_time(now, spec, Tz::UTC).unwrap_err();
            assert!(e.contains(needle), "{spec}: {e}");
        }
        assert!(relative_time(f64::NAN, "-1d", Tz::UTC).is_err());
    }

    // ---- parse_timestamp ----

    #[test]
    fn timestamps_iso() {
        assert_eq!(parse_timestamp("2023-10-12T11:05:44Z"), Some(1697108744.0));
        assert_eq!(parse_timestamp("2023-10-12 11:05:44"), Some(1697108744.0));
        assert_eq!(
            parse_timestamp("2023-10-12T11:05:44.1234567Z"),
            Some(1697108744.1234567)
        );
        assert_eq!(parse_timestamp("2023-10-12T11:05:44.5"), Some(1697108744.5));
        assert_eq!(
            parse_timestamp("2023-10-12T11:05:44.123456789+00:00"),
            Some(1_697_108_744.123_456_7)
        );
        assert_eq!(
            parse_timestamp("2023-10-12T13:05:44+02:00"),
            Some(1697108744.0)
        );
        assert_eq!(
            parse_timestamp("2023-10-12T06:05:44-0500"),
            Some(1697108744.0)
        );
        assert_eq!(
            parse_timestamp("2023-10-12T06:05:44-05"),
            Some(1697108744.0)
        );
        assert_eq!(
            parse_timestamp("2023-10-12 11:05:44 UTC"),
            Some(1697108744.0)
        );
        assert_eq!(
            parse_timestamp("2023-10-12 11:05:44 +0000"),
            Some(1697108744.0)
        );
        assert_eq!(parse_timestamp("2023-10-12T11:05Z"), Some(1697108700.0));
        assert_eq!(parse_timestamp("2023-10-12"), Some(1697068800.0));
        assert_eq!(parse_timestamp(" 2023/10/12 11:05:44 "), Some(1697108744.0));
        assert_eq!(
            parse_timestamp("2023-10-12 11:05:44,250"),
            Some(1697108744.25)
        );
    }

    #[test]
    fn timestamps_epoch_and_us() {
        assert_eq!(parse_timestamp("1697108744"), Some(1697108744.0));
        assert_eq!(parse_timestamp("1697108744.25"), Some(1697108744.25));
        assert_eq!(parse_timestamp("1697108744123"), Some(1697108744.123));
        assert_eq!(parse_timestamp("1697108744123456"), Some(1697108744.123456));
        assert_eq!(parse_timestamp("0"), Some(0.0));
        assert_eq!(parse_timestamp("10/12/2023 11:05:44"), Some(1697108744.0));
        assert_eq!(
            parse_timestamp("10/12/2023 11:05:44.250"),
            Some(1697108744.25)
        );
        assert_eq!(parse_timestamp("10/12/2023"), Some(1697068800.0));
        assert_eq!(
            parse_timestamp("Thu, 12 Oct 2023 11:05:44 +0000"),
            Some(1697108744.0)
        );
    }

    #[test]
    fn timestamps_rejected() {
        for s in [
            "",
            "hello",
            "2023-13-01",
            "2023-02-30T00:00:00Z",
            "2023-10-12T25:00:00Z",
            "2023-10-12T11:05:44Zjunk",
            "2023-10-12X11:05:44",
            "13/45/2023",
            "1.2.3",
            "0x1A",
        ] {
            assert_eq!(parse_timestamp(s), None, "{s}");
        }
    }

    #[test]
    fn iso_diagnostics() {
        assert_eq!(format_iso(1697108744.1234567), "2023-10-12T11:05:44.123Z");
        assert_eq!(format_iso(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_iso(-0.5), "1969-12-31T23:59:59.500Z");
        assert_eq!(format_iso(f64::NAN), "NaN");
    }

    #[test]
    fn epoch_split_and_join() {
        assert_eq!(split_epoch(1.5), Some((1, 500_000_000)));
        assert_eq!(split_epoch(-1.5), Some((-2, 500_000_000)));
        assert_eq!(split_epoch(-2.0), Some((-2, 0)));
        assert_eq!(join_epoch(-2, 500_000_000), -1.5);
        assert_eq!(join_epoch(1697108744, 123_456_700), 1697108744.1234567);
        assert_eq!(split_epoch(f64::INFINITY), None);
    }
}
