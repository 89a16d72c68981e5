//! Date and time eval functions: `time()`, `relative_time(X,Y)`,
//! `strftime(X,Y)`, `strptime(X,Y)`. (`now()` is a special form in the
//! evaluator.) The formatting and parsing rules live in [`crate::time`].
//!
//! Null in gives Null out, as does an argument of the wrong kind (a time that
//! is not a number or numeric string, text that does not parse): Splunk
//! leaves the field empty in those cases rather than failing the search.

use crate::base::value::Value;
use crate::functions::{EvalFunction, FnCtx};
use crate::time;

pub static FUNCTIONS: &[EvalFunction] = &[
    EvalFunction {
        name: "time",
        min_args: 0,
        max_args: Some(0),
        imp: fn_time,
    },
    EvalFunction {
        name: "relative_time",
        min_args: 2,
        max_args: Some(2),
        imp: fn_relative_time,
    },
    EvalFunction {
        name: "strftime",
        min_args: 2,
        max_args: Some(2),
        imp: fn_strftime,
    },
    EvalFunction {
        name: "strptime",
        min_args: 2,
        max_args: Some(2),
        imp: fn_strptime,
    },
];

/// `time()`. Splunk returns the wall-clock time at the moment each result is
/// evaluated (unlike `now()`, the search start). We return the fixed
/// `ctx.now` instead so that runs are reproducible.
fn fn_time(_args: &[Value], ctx: &FnCtx) -> Result<Value, String> {
    Ok(Value::Num(ctx.now))
}

/// `relative_time(X, Y)`: the relative time specifier Y applied to epoch X,
/// snapping in `ctx.tz`. An invalid specifier gives Null, as in Splunk.
fn fn_relative_time(args: &[Value], ctx: &FnCtx) -> Result<Value, String> {
    let (Some(base), Some(spec)) = (args[0].as_num(), args[1].as_text()) else {
        return Ok(Value::Null);
    };
    Ok(time::relative_time(base, &spec, ctx.tz)
        .map(Value::Num)
        .unwrap_or(Value::Null))
}

/// `strftime(X, Y)`: epoch X (a number or numeric string) rendered with format
/// Y in `ctx.tz`. Times that cannot be represented give Null.
fn fn_strftime(args: &[Value], ctx: &FnCtx) -> Result<Value, String> {
    let (Some(t), Some(fmt)) = (args[0].as_num(), args[1].as_text()) else {
        return Ok(Value::Null);
    };
    Ok(time::try_strftime(t, &fmt, ctx.tz)
        .map(Value::Str)
        .unwrap_or(Value::Null))
}

/// `strptime(X, Y)`: text X parsed with format Y, local to `ctx.tz` unless the
/// text carries a zone; a format without a date takes the current date of
/// `ctx.now`. Text that does not match gives Null.
fn fn_strptime(args: &[Value], ctx: &FnCtx) -> Result<Value, String> {
    let (Some(text), Some(fmt)) = (args[0].as_text(), args[1].as_text()) else {
        return Ok(Value::Null);
    };
    Ok(time::strptime_at(&text, &fmt, ctx.tz, ctx.now)
        .map(Value::Num)
        .unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-04-28 14:05:00 UTC, a Sunday.
    const NOW: f64 = 1714313100.0;

    fn ctx() -> FnCtx {
        FnCtx {
            now: NOW,
            tz: chrono_tz::UTC,
            ..Default::default()
        }
    }

    fn call(name: &str, args: &[Value]) -> Value {
        call_in(name, args, &ctx())
    }

    fn call_in(name: &str, args: &[Value], ctx: &FnCtx) -> Value {
        let f = FUNCTIONS
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no function {name}"));
        assert!(args.len() >= f.min_args);
        assert!(f.max_args.is_none_or(|m| args.len() <= m));
        (f.imp)(args, ctx).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    #[test]
    fn table_arities() {
        let arity = |n: &str| {
            let f = FUNCTIONS.iter().find(|f| f.name == n).unwrap();
            (f.min_args, f.max_args)
        };
        assert_eq!(arity("time"), (0, Some(0)));
        assert_eq!(arity("relative_time"), (2, Some(2)));
        assert_eq!(arity("strftime"), (2, Some(2)));
        assert_eq!(arity("strptime"), (2, Some(2)));
        assert_eq!(FUNCTIONS.len(), 4);
    }

    #[test]
    fn time_is_the_fixed_now() {
        assert_eq!(call("time", &[]), Value::Num(NOW));
        let other = FnCtx {
            now: 5.5,
            tz: chrono_tz::UTC,
            ..Default::default()
        };
        assert_eq!(call_in("time", &[], &other), Value::Num(5.5));
    }

    #[test]
    fn doc_example_relative_time_start_of_yesterday() {
        // ... | eval n=relative_time(now(), "-1d@d")
        let v = call("relative_time", &[Value::Num(NOW), "-1d@d".into()]);
        assert_eq!(v, Value::Num(1714176000.0)); // 2024-04-27 00:00:00 UTC
                                                 // Doc: earliest two hours ago and latest one hour ago, snapped to the hour.
        let v = call("relative_time", &[Value::Num(NOW), "-2h@h".into()]);
        assert_eq!(v, Value::Num(1714305600.0)); // 12:00
        let v = call("relative_time", &[Value::Num(NOW), "-1h@h".into()]);
        assert_eq!(v, Value::Num(1714309200.0)); // 13:00
    }

    #[test]
    fn relative_time_args() {
        // A numeric string works as the time.
        let v = call("relative_time", &[Value::from("1714313100"), "@d".into()]);
        assert_eq!(v, Value::Num(1714262400.0));
        // Snapping happens in ctx.tz: New York's midnight of the 28th is 04:00 UTC.
        let ny = FnCtx {
            now: NOW,
            tz: chrono_tz::America::New_York,
            ..Default::default()
        };
        let v = call_in("relative_time", &[Value::Num(NOW), "@d".into()], &ny);
        assert_eq!(v, Value::Num(1714276800.0));
        // Null and non-numeric inputs, and invalid specifiers, give Null.
        for args in [
            [Value::Null, "-1d".into()],
            [Value::Num(NOW), Value::Null],
            [Value::from("yesterday"), "-1d".into()],
            [Value::Num(NOW), "-1fortnight".into()],
            [Value::Num(NOW), "garbage".into()],
        ] {
            assert_eq!(call("relative_time", &args), Value::Null, "{args:?}");
        }
    }

    #[test]
    fn doc_example_strftime_iso_with_milliseconds() {
        // ... | eval t=strftime(_time, "%Y-%m-%dT%H:%M:%S.%Q")
        let t = Value::Num(1651275922.5);
        let v = call("strftime", &[t.clone(), "%Y-%m-%dT%H:%M:%S.%Q".into()]);
        assert_eq!(v, Value::from("2022-04-29T23:45:22.500"));
        // ... | eval eventHour=strftime(_time,"%H")
        assert_eq!(call("strftime", &[t, "%H".into()]), Value::from("23"));
    }

    #[test]
    fn strftime_args() {
        let v = call("strftime", &[Value::from("1651275922"), "%F".into()]);
        assert_eq!(v, Value::from("2022-04-29"));
        let la = FnCtx {
            now: NOW,
            tz: chrono_tz::America::Los_Angeles,
            ..Default::default()
        };
        let v = call_in(
            "strftime",
            &[Value::Num(1651275922.0), "%H:%M %Z".into()],
            &la,
        );
        assert_eq!(v, Value::from("16:45 PDT"));
        for args in [
            [Value::Null, "%F".into()],
            [Value::Num(0.0), Value::Null],
            [Value::from("not a time"), "%F".into()],
            [Value::Num(f64::NAN), "%F".into()],
        ] {
            assert_eq!(call("strftime", &args), Value::Null, "{args:?}");
        }
        // Multivalue: the first value is used.
        let mv = Value::multi(vec![Value::Num(0.0), Value::Num(86400.0)]);
        assert_eq!(
            call("strftime", &[mv, "%F".into()]),
            Value::from("1970-01-01")
        );
    }

    #[test]
    fn strptime_examples() {
        let v = call(
            "strptime",
            &["2018-08-13 11:22:33".into(), "%Y-%m-%d %H:%M:%S".into()],
        );
        assert_eq!(v, Value::Num(1534159353.0));
        let v = call(
            "strptime",
            &[
                "2022-04-29T23:45:22.123Z".into(),
                "%Y-%m-%dT%H:%M:%S.%QZ".into(),
            ],
        );
        assert_eq!(v, Value::Num(1651275922.123));
        // Doc: strptime(timeStr, "%H:%M") with timeStr "11:59" returns a
        // timestamp; without a date we use the current date.
        let v = call("strptime", &["11:59".into(), "%H:%M".into()]);
        assert_eq!(v, Value::Num(1714305540.0)); // 2024-04-28 11:59 UTC
                                                 // Local to ctx.tz.
        let ny = FnCtx {
            now: NOW,
            tz: chrono_tz::America::New_York,
            ..Default::default()
        };
        let v = call_in(
            "strptime",
            &["2024-01-15 07:00".into(), "%Y-%m-%d %H:%M".into()],
            &ny,
        );
        assert_eq!(v, Value::Num(1705320000.0)); // 12:00 UTC
                                                 // A number as the text is read as its digits.
        let v = call("strptime", &[Value::Num(20231012.0), "%Y%m%d".into()]);
        assert_eq!(v, Value::Num(1697068800.0));
    }

    #[test]
    fn strptime_nulls() {
        for args in [
            [Value::Null, "%F".into()],
            [Value::from("2024-01-01"), Value::Null],
            [Value::from("January"), "%Y-%m-%d".into()],
            [Value::from("2024-02-30"), "%Y-%m-%d".into()],
        ] {
            assert_eq!(call("strptime", &args), Value::Null, "{args:?}");
        }
    }

    #[test]
    fn round_trip_through_eval_functions() {
        let fmt = Value::from("%Y-%m-%d %H:%M:%S.%6N %z");
        let ny = FnCtx {
            now: NOW,
            tz: chrono_tz::America::New_York,
            ..Default::default()
        };
        for t in [0.0, 1697108744.123456, 1710052200.5, -86399.25] {
            let text = call_in("strftime", &[Value::Num(t), fmt.clone()], &ny);
            let back = call_in("strptime", &[text.clone(), fmt.clone()], &ny);
            assert_eq!(back, Value::Num(t), "{text}");
        }
    }
}
