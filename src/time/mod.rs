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

mod detect;
mod relative;
mod strftime;
mod strptime;
mod zones;

pub use detect::parse_timestamp;
pub use relative::relative_time;
pub use strftime::{format_iso, strftime, try_strftime};
pub use strptime::{strptime, strptime_at};
pub use zones::parse_tz;

#[cfg(test)]
mod tests {
    use super::zones::{join_epoch, split_epoch};
    use super::*;
    use chrono_tz::Tz;

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
        // Epoch milliseconds as props.conf writes them: the fraction takes its digits.
        assert_eq!(
            strptime("1713805173418", "%s%3N", Tz::UTC),
            Some(1713805173.418)
        );
        assert_eq!(
            strptime("1713805173418123", "%s%6N", Tz::UTC),
            Some(1713805173.418123)
        );
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
