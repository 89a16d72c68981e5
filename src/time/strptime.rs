//! Reading times: `strptime` with Splunk's format variables.

use chrono::{Datelike, Duration, NaiveDate};
use chrono_tz::Tz;

use super::zones::{join_epoch, parse_tz, resolve_local, split_epoch, to_local, MONTHS, WEEKDAYS};

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
pub(crate) struct Fields {
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

pub(crate) fn parse_with_default(s: &str, fmt: &str, tz: Tz, default: NaiveDate) -> Option<f64> {
    let input: Vec<char> = s.chars().collect();
    let fmt: Vec<char> = fmt.chars().collect();
    let mut f = Fields::default();
    let mut pos = 0;
    parse_fmt(&input, &mut pos, &fmt, &mut f)?;
    build(&f, tz, default)
}

pub(crate) fn skip_ws(inp: &[char], pos: &mut usize) {
    while *pos < inp.len() && inp[*pos].is_whitespace() {
        *pos += 1;
    }
}

/// Reads 1..=max digits (after optional whitespace) as a number within `lo..=hi`.
pub(crate) fn read_num(inp: &[char], pos: &mut usize, max: usize, lo: i64, hi: i64) -> Option<i64> {
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
/// The digits a fraction directive right at the start of `fmt` reads
/// (`%3N` 3, `%Q` 3, `%f` 6, `%N` 9); 0 when `fmt` does not start with one.
fn fraction_width(fmt: &[char]) -> usize {
    if fmt.first() != Some(&'%') {
        return 0;
    }
    match (fmt.get(1), fmt.get(2)) {
        (Some(d), Some('N' | 'Q' | 'f')) if d.is_ascii_digit() && *d != '0' => {
            *d as usize - '0' as usize
        }
        (Some('N'), _) => 9,
        (Some('Q'), _) => 3,
        (Some('f'), _) => 6,
        _ => 0,
    }
}

pub(crate) fn read_frac(inp: &[char], pos: &mut usize, max: usize) -> Option<u32> {
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
pub(crate) fn read_name(inp: &[char], pos: &mut usize, names: &[&str]) -> Option<usize> {
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
pub(crate) fn read_offset(inp: &[char], pos: &mut usize, allow_short_hours: bool) -> Option<i32> {
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
pub(crate) fn abbreviation_offset(word: &str) -> Option<i32> {
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
pub(crate) fn read_zone(inp: &[char], pos: &mut usize, f: &mut Fields) -> Option<()> {
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

/// The length of a subsecond conversion (`%N`, `%Q`, `%f`, `%3N`…) at
/// `fmt[i..]`, if one starts there.
fn subsec_spec_len(fmt: &[char], i: usize) -> Option<usize> {
    if fmt.get(i) != Some(&'%') {
        return None;
    }
    let mut j = i + 1;
    while fmt.get(j).is_some_and(|d| d.is_ascii_digit()) {
        j += 1;
    }
    matches!(fmt.get(j), Some('N' | 'Q' | 'f')).then_some(j + 1 - i)
}

pub(crate) fn parse_fmt(inp: &[char], pos: &mut usize, fmt: &[char], f: &mut Fields) -> Option<()> {
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
                // `%S.%N` over "00:00:00 2018": a subsecond part the input
                // lacks is left out, separator and all (the strptime
                // example of the Date and Time functions page).
                if let Some(n) = subsec_spec_len(fmt, i + 1).filter(|_| matches!(c, '.' | ',')) {
                    i += 1 + n;
                    continue;
                }
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
                // `%s%3N` (epoch milliseconds, as Splunk's TIME_FORMAT
                // writes them): the digits the fraction takes are left to it.
                let digits = inp[*pos..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                let frac = fraction_width(&fmt[i..]);
                let take = if frac > 0 && digits > frac {
                    digits - frac
                } else {
                    15
                };
                let n = read_num(inp, pos, take.min(15), 0, i64::MAX)?;
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

pub(crate) fn parse_sub(inp: &[char], pos: &mut usize, sub: &str, f: &mut Fields) -> Option<()> {
    let sub: Vec<char> = sub.chars().collect();
    parse_fmt(inp, pos, &sub, f)
}

pub(crate) fn match_literal(inp: &[char], pos: &mut usize, lit: &[char]) -> Option<()> {
    if *pos + lit.len() <= inp.len() && &inp[*pos..*pos + lit.len()] == lit {
        *pos += lit.len();
        Some(())
    } else {
        None
    }
}

pub(crate) fn build(f: &Fields, tz: Tz, default: NaiveDate) -> Option<f64> {
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
