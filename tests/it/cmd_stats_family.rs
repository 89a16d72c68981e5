//! The statistics family through the binary: eventstats, streamstats,
//! top/rare, chart, timechart, transaction, and the parsed-only commands
//! (anomalydetection, tstats, mstats, datamodel, from). Examples from the
//! Splunk Search Reference are marked "doc".

use crate::common;

use crate::common::{col, run_spl, spleval};

/// Events given newest first (descending `_time`), so search order is the listed order.
fn events(rows: &[&str]) -> String {
    let n = rows.len() as i64;
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let t = 1_700_000_000 + (n - i as i64) * 60;
            format!("{{\"_time\": {t}, {r}}}\n")
        })
        .collect()
}

/// The doc's streamstats data: host / action / bytes, in search order.
fn host_action_bytes() -> String {
    events(&[
        r#""host": "x", "action": "LOGON", "bytes": 100"#,
        r#""host": "y", "action": "APP_START", "bytes": 200"#,
        r#""host": "x", "action": "FILE_DOWNLOAD", "bytes": 400"#,
        r#""host": "x", "action": "REBOOT", "bytes": 50"#,
        r#""host": "y", "action": "LOGON", "bytes": 150"#,
        r#""host": "x", "action": "LOGON", "bytes": 100"#,
    ])
}

// ---------------------------------------------------------------- eventstats

#[test]
fn eventstats_adds_group_aggregates_to_every_event_in_order() {
    let rows = run_spl(
        "* | eventstats avg(bytes) AS avg_bytes, count BY host",
        &host_action_bytes(),
    );
    assert_eq!(col(&rows, "action").len(), 6);
    assert_eq!(
        col(&rows, "action"),
        [
            "LOGON",
            "APP_START",
            "FILE_DOWNLOAD",
            "REBOOT",
            "LOGON",
            "LOGON"
        ]
    );
    // x: 100, 400, 50, 100 → 162.5; y: 200, 150 → 175
    assert_eq!(
        col(&rows, "avg_bytes"),
        ["162.5", "175", "162.5", "162.5", "175", "162.5"]
    );
    assert_eq!(col(&rows, "count"), ["4", "2", "4", "4", "2", "4"]);
}

#[test]
fn eventstats_without_by_and_events_missing_the_by_field() {
    let ev = events(&[
        r#""user": "a", "n": 1"#,
        r#""n": 5"#,
        r#""user": "a", "n": 3"#,
    ]);
    let rows = run_spl("* | eventstats max(n) AS top_n, sum(n) AS total", &ev);
    assert_eq!(col(&rows, "top_n"), ["5", "5", "5"]);
    assert_eq!(col(&rows, "total"), ["9", "9", "9"]);
    let rows = run_spl("* | eventstats count AS c BY user", &ev);
    // The event without `user` passes through without the field.
    assert_eq!(col(&rows, "c"), ["2", "", "2"]);
    assert_eq!(col(&rows, "n"), ["1", "5", "3"]);
}

#[test]
fn eventstats_allnum_ignores_groups_with_text_values() {
    let ev = events(&[
        r#""g": "a", "v": "1""#,
        r#""g": "a", "v": "x""#,
        r#""g": "b", "v": "2""#,
    ]);
    let rows = run_spl("* | eventstats allnum=true sum(v) AS s BY g", &ev);
    assert_eq!(col(&rows, "s"), ["", "", "2"]);
    let rows = run_spl("* | eventstats sum(v) AS s BY g", &ev);
    assert_eq!(col(&rows, "s"), ["1", "1", "2"]);
}

// ---------------------------------------------------------------- streamstats

#[test]
fn streamstats_running_count_doc() {
    let rows = run_spl("* | streamstats count", &host_action_bytes());
    assert_eq!(col(&rows, "count"), ["1", "2", "3", "4", "5", "6"]);
    let rows = run_spl("* | streamstats count BY host", &host_action_bytes());
    assert_eq!(col(&rows, "count"), ["1", "1", "2", "3", "2", "4"]);
}

#[test]
fn streamstats_moving_average_over_three_events_doc() {
    let rows = run_spl(
        "* | streamstats window=3 avg(bytes) | eval a=round('avg(bytes)', 2)",
        &host_action_bytes(),
    );
    assert_eq!(
        col(&rows, "a"),
        ["100", "150", "233.33", "216.67", "200", "100"]
    );
}

#[test]
fn streamstats_running_total_and_current_false() {
    let rows = run_spl(
        "* | streamstats sum(bytes) AS total | streamstats current=f last(bytes) AS prev",
        &host_action_bytes(),
    );
    assert_eq!(
        col(&rows, "total"),
        ["100", "300", "700", "750", "900", "1000"]
    );
    assert_eq!(col(&rows, "prev"), ["", "100", "200", "400", "50", "150"]);
    // With current=false a count over nothing is 0.
    let rows = run_spl(
        "* | streamstats current=false count AS n",
        &host_action_bytes(),
    );
    assert_eq!(col(&rows, "n"), ["0", "1", "2", "3", "4", "5"]);
}

#[test]
fn streamstats_window_global_and_per_group() {
    // global=true: the last 2 events of any host, counting those of the event's host.
    let rows = run_spl(
        "* | streamstats window=2 count AS n BY host",
        &host_action_bytes(),
    );
    assert_eq!(col(&rows, "n"), ["1", "1", "1", "2", "1", "1"]);
    let rows = run_spl(
        "* | streamstats window=2 global=false count AS n BY host",
        &host_action_bytes(),
    );
    assert_eq!(col(&rows, "n"), ["1", "1", "2", "2", "2", "2"]);
    // The corpus's time delta: with the global window only consecutive events
    // of the same host give a delta; per-host windows give every host's delta.
    let rows = run_spl(
        "* | streamstats window=2 current=1 range(_time) AS TimeDelta BY host",
        &host_action_bytes(),
    );
    assert_eq!(col(&rows, "TimeDelta"), ["0", "0", "0", "60", "0", "0"]);
    let rows = run_spl(
        "* | streamstats window=2 global=f range(_time) AS TimeDelta BY host",
        &host_action_bytes(),
    );
    assert_eq!(
        col(&rows, "TimeDelta"),
        ["0", "0", "120", "60", "180", "120"]
    );
}

#[test]
fn streamstats_time_window() {
    // Events 60s apart; a 2m window holds this one and the one before.
    let rows = run_spl(
        "* | streamstats time_window=2m sum(bytes) AS s",
        &host_action_bytes(),
    );
    assert_eq!(col(&rows, "s"), ["100", "300", "600", "450", "200", "250"]);
}

#[test]
fn streamstats_resets() {
    let ev = host_action_bytes();
    let rows = run_spl("* | streamstats count AS n reset_after=\"(n>=2)\"", &ev);
    assert_eq!(col(&rows, "n"), ["1", "2", "1", "2", "1", "2"]);
    let rows = run_spl(
        "* | streamstats count AS n reset_before=(action==\"LOGON\")",
        &ev,
    );
    assert_eq!(col(&rows, "n"), ["1", "2", "3", "4", "1", "1"]);
    let rows = run_spl(
        "* | streamstats reset_on_change=true count AS n BY host",
        &ev,
    );
    assert_eq!(col(&rows, "n"), ["1", "1", "1", "2", "1", "1"]);
}

#[test]
fn streamstats_follows_search_order_whatever_the_input_order() {
    // Input oldest first: streamstats still sees the newest event first.
    let ev = "{\"_time\": 100, \"v\": 1}\n{\"_time\": 200, \"v\": 2}\n{\"_time\": 300, \"v\": 3}\n";
    let rows = run_spl(
        "* | streamstats list(v) AS seen | eval seen=mvjoin(seen, \",\")",
        ev,
    );
    assert_eq!(col(&rows, "seen"), ["3", "3,2", "3,2,1"]);
}

// ---------------------------------------------------------------- top / rare

#[test]
fn top_counts_and_percentages() {
    let rows = run_spl("* | top host", &host_action_bytes());
    assert_eq!(col(&rows, "host"), ["x", "y"]);
    assert_eq!(col(&rows, "count"), ["4", "2"]);
    assert_eq!(col(&rows, "percent"), ["66.666667", "33.333333"]);
}

#[test]
fn top_options_limit_other_and_names() {
    let rows = run_spl(
        "* | top limit=1 useother=t countfield=n percentfield=pct action",
        &host_action_bytes(),
    );
    assert_eq!(col(&rows, "action"), ["LOGON", "OTHER"]);
    assert_eq!(col(&rows, "n"), ["3", "3"]);
    assert_eq!(col(&rows, "pct"), ["50.000000", "50.000000"]);
    let rows = run_spl("* | top 2 showperc=f action", &host_action_bytes());
    // Ties come from the last value (Search Reference, top, "Lexicographic
    // order of results": of equally common values, the last is kept).
    assert_eq!(col(&rows, "action"), ["LOGON", "REBOOT"]);
    assert_eq!(col(&rows, "percent"), ["", ""]);
}

#[test]
fn top_by_group_and_multiple_fields() {
    let rows = run_spl("* | top 1 action BY host", &host_action_bytes());
    assert_eq!(col(&rows, "host"), ["x", "y"]);
    // y's APP_START and LOGON tie: the last value is kept.
    assert_eq!(col(&rows, "action"), ["LOGON", "LOGON"]);
    assert_eq!(col(&rows, "count"), ["2", "1"]);
    assert_eq!(col(&rows, "percent"), ["50.000000", "50.000000"]);
    let rows = run_spl("* | top host action", &host_action_bytes());
    assert_eq!(col(&rows, "host")[0], "x");
    assert_eq!(col(&rows, "action")[0], "LOGON");
    assert_eq!(col(&rows, "count")[0], "2");
    assert_eq!(rows.len(), 5);
}

#[test]
fn rare_is_least_common_first() {
    let rows = run_spl("* | rare action", &host_action_bytes());
    assert_eq!(
        col(&rows, "action"),
        ["APP_START", "FILE_DOWNLOAD", "REBOOT", "LOGON"]
    );
    assert_eq!(col(&rows, "count"), ["1", "1", "1", "3"]);
    assert_eq!(col(&rows, "percent")[3], "50.000000");
}

// ---------------------------------------------------------------- chart

#[test]
fn chart_count_over_by_fills_zero() {
    let rows = run_spl("* | chart count OVER host BY action", &host_action_bytes());
    assert_eq!(col(&rows, "host"), ["x", "y"]);
    assert_eq!(col(&rows, "LOGON"), ["2", "1"]);
    assert_eq!(col(&rows, "APP_START"), ["0", "1"]);
    assert_eq!(col(&rows, "REBOOT"), ["1", "0"]);
    // `BY row column` is the same chart.
    let rows2 = run_spl("* | chart count BY host action", &host_action_bytes());
    assert_eq!(rows, rows2);
}

#[test]
fn chart_limit_other_null_and_non_count_cells() {
    let ev = events(&[
        r#""h": "a", "s": "p", "v": 1"#,
        r#""h": "a", "s": "p", "v": 3"#,
        r#""h": "a", "s": "q", "v": 5"#,
        r#""h": "b", "s": "r", "v": 7"#,
        r#""h": "b", "v": 9"#,
    ]);
    let rows = run_spl("* | chart limit=1 count OVER h BY s", &ev);
    // p has 2 events, NULL/q/r have 1: p kept, the rest is OTHER.
    assert_eq!(col(&rows, "p"), ["2", "0"]);
    assert_eq!(col(&rows, "OTHER"), ["1", "2"]);
    let rows = run_spl("* | chart avg(v) OVER h BY s", &ev);
    assert_eq!(col(&rows, "p"), ["2", ""]);
    assert_eq!(col(&rows, "NULL"), ["", "9"]);
    let rows = run_spl("* | chart usenull=f count OVER h BY s", &ev);
    assert!(rows.iter().all(|r| r.get("NULL").is_none()));
    let rows = run_spl("* | chart count, sum(v) OVER h BY s", &ev);
    assert_eq!(col(&rows, "sum(v): p"), ["4", ""]);
    assert_eq!(col(&rows, "count: r"), ["0", "1"]);
}

#[test]
fn chart_without_split_is_like_stats() {
    let rows = run_spl("* | chart max(bytes) AS m BY host", &host_action_bytes());
    assert_eq!(col(&rows, "host"), ["x", "y"]);
    assert_eq!(col(&rows, "m"), ["400", "200"]);
}

// ---------------------------------------------------------------- timechart

#[test]
fn timechart_buckets_align_to_span_and_fill_empty_ones() {
    // 2023-11-14T22:13:20Z and 22:26:40Z: 5m buckets from 22:10 to 22:25.
    let ev = "{\"_time\": 1700000000, \"h\": \"a\"}\n{\"_time\": 1700000800, \"h\": \"b\"}\n{\"_time\": 1700000810, \"h\": \"a\"}\n";
    let rows = run_spl("* | timechart limit=0 span=5m count", ev);
    assert_eq!(
        col(&rows, "_time"),
        ["1699999800", "1700000100", "1700000400", "1700000700"]
    );
    assert_eq!(col(&rows, "count"), ["1", "0", "0", "2"]);
    let rows = run_spl("* | timechart span=5m count BY h", ev);
    assert_eq!(col(&rows, "a"), ["1", "0", "0", "1"]);
    assert_eq!(col(&rows, "b"), ["0", "0", "0", "1"]);
    let rows = run_spl("* | timechart span=5m cont=false count", ev);
    assert_eq!(col(&rows, "count"), ["1", "2"]);
}

#[test]
fn timechart_other_aggregations_leave_empty_cells_empty() {
    let ev = "{\"_time\": 1700000000, \"v\": 4}\n{\"_time\": 1700000000, \"v\": 6}\n{\"_time\": 1700000700, \"v\": 1}\n";
    let rows = run_spl("* | timechart span=5m avg(v) AS a, max(v)", ev);
    assert_eq!(col(&rows, "a"), ["5", "", "", "1"]);
    assert_eq!(col(&rows, "max(v)"), ["6", "", "", "1"]);
}

#[test]
fn timechart_days_start_at_local_midnight() {
    let ev = "{\"_time\": 1700000000}\n{\"_time\": 1700090000}\n";
    let rows = run_spl("* | timechart span=1d count", ev);
    // 2023-11-14T00:00Z and 2023-11-15T00:00Z
    assert_eq!(col(&rows, "_time"), ["1699920000", "1700006400"]);
    let out = spleval()
        .args([
            "run",
            "--tz",
            "America/New_York",
            "--format",
            "json",
            "--spl",
            "* | timechart span=1d count",
        ])
        .write_stdin(ev)
        .output()
        .unwrap();
    let rows = common::rows(&out.stdout);
    // New York midnight is 05:00Z in November.
    assert_eq!(col(&rows, "_time"), ["1699938000", "1700024400"]);
}

#[test]
fn timechart_default_span_fits_100_buckets() {
    // Two hours of data: 1m spans would make 120 buckets, so 5m.
    let ev = "{\"_time\": 1700000000}\n{\"_time\": 1700007200}\n";
    let rows = run_spl("* | timechart count", ev);
    assert_eq!(rows.len(), 25);
    assert_eq!(col(&rows, "_time")[0], "1699999800");
}

// ---------------------------------------------------------------- transaction

#[test]
fn transaction_groups_by_field_with_duration_and_eventcount() {
    let ev = "\
{\"_time\": 100, \"user\": \"a\", \"op\": \"login\"}
{\"_time\": 130, \"user\": \"b\", \"op\": \"login\"}
{\"_time\": 160, \"user\": \"a\", \"op\": \"read\"}
{\"_time\": 400, \"user\": \"a\", \"op\": \"logout\"}
";
    let rows = run_spl("* | transaction user maxpause=2m", ev);
    assert_eq!(col(&rows, "user"), ["a", "b", "a"]);
    assert_eq!(col(&rows, "_time"), ["400", "130", "100"]);
    assert_eq!(col(&rows, "eventcount"), ["1", "1", "2"]);
    assert_eq!(col(&rows, "duration"), ["0", "0", "60"]);
    // Fields merge into multivalues (distinct, sorted); _raw joins oldest first.
    assert_eq!(rows[2]["op"], serde_json::json!(["login", "read"]));
    let raw = rows[2]["_raw"].as_str().unwrap();
    assert!(raw.find("login").unwrap() < raw.find("read").unwrap());
    assert_eq!(raw.lines().count(), 2);
    let rows = run_spl("* | transaction user", ev);
    assert_eq!(col(&rows, "user"), ["b", "a"]);
    assert_eq!(col(&rows, "eventcount"), ["1", "3"]);
    assert_eq!(col(&rows, "duration"), ["0", "300"]);
}

#[test]
fn transaction_maxspan_and_maxevents() {
    let ev = "\
{\"_time\": 0, \"k\": \"x\"}
{\"_time\": 50, \"k\": \"x\"}
{\"_time\": 100, \"k\": \"x\"}
{\"_time\": 150, \"k\": \"x\"}
";
    let rows = run_spl("* | transaction k maxspan=100s", ev);
    assert_eq!(col(&rows, "eventcount"), ["3", "1"]);
    assert_eq!(col(&rows, "_time"), ["50", "0"]);
    let rows = run_spl("* | transaction k maxevents=2", ev);
    assert_eq!(col(&rows, "eventcount"), ["2", "2"]);
}

#[test]
fn transaction_startswith_endswith_corpus_form() {
    // Scheduled task created (4698) then deleted (4699), as the detections write it.
    let ev = "\
{\"_time\": 10, \"Task_Name\": \"t1\", \"EventCode\": 4698}
{\"_time\": 70, \"Task_Name\": \"t1\", \"EventCode\": 4699}
{\"_time\": 20, \"Task_Name\": \"t2\", \"EventCode\": 4698}
";
    let spl = "* | transaction Task_Name startswith=(EventCode=4698) endswith=(EventCode=4699)";
    let rows = run_spl(spl, ev);
    assert_eq!(col(&rows, "Task_Name"), ["t1"]);
    assert_eq!(col(&rows, "duration"), ["60"]);
    assert_eq!(rows[0]["EventCode"], serde_json::json!(["4698", "4699"]));
    // t2 never ended: evicted, shown with keepevicted=true.
    let rows = run_spl(&format!("{spl} keepevicted=true"), ev);
    assert_eq!(col(&rows, "Task_Name"), ["t2", "t1"]);
    assert_eq!(col(&rows, "closed_txn"), ["0", "1"]);
}

#[test]
fn transaction_quoted_and_eval_filters_doc() {
    let ev = "\
{\"_time\": 1, \"_raw\": \"user=a login ok\", \"user\": \"a\"}
{\"_time\": 2, \"_raw\": \"user=a view page\", \"user\": \"a\"}
{\"_time\": 3, \"_raw\": \"user=a logout\", \"user\": \"a\"}
{\"_time\": 4, \"_raw\": \"user=a login again\", \"user\": \"a\"}
";
    let rows = run_spl(
        "* | transaction user startswith=\"login\" endswith=\"logout\"",
        ev,
    );
    assert_eq!(col(&rows, "eventcount"), ["3"]);
    assert_eq!(col(&rows, "_time"), ["1"]);
    let rows = run_spl(
        "* | transaction user startswith=eval(_time==1 OR _time==4) keepevicted=t",
        ev,
    );
    assert_eq!(col(&rows, "eventcount"), ["1", "3"]);
    assert_eq!(col(&rows, "closed_txn"), ["1", "1"]);
}

// ---------------------------------------------------------------- parsed, not runnable

#[test]
fn unrunnable_stats_family_commands_say_why() {
    for (spl, msg) in [
        ("| tstats count from sid=123 by host", "tstats"),
        (
            "| mstats avg(cpu) where index=metrics span=1m by host",
            "mstats",
        ),
        (
            "| datamodel Endpoint Processes acceleration_search",
            "datamodel",
        ),
        ("| from savedsearch:foo", "from"),
        (
            "* | anomalydetection method=zscore \"count\" \"user\" action=annotate",
            "anomalydetection",
        ),
    ] {
        let out = spleval()
            .args(["run", "--spl", spl])
            .write_stdin("")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{spl}");
        // The diagnostic wraps long messages: compare with the line breaks removed.
        let err = String::from_utf8_lossy(&out.stderr)
            .replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            err.contains("cannot run it") && err.contains(msg),
            "{spl}: {err}"
        );
    }
}

#[test]
fn unknown_options_are_parse_errors_at_the_option() {
    for (spl, opt) in [
        ("* | eventstats bogus=1 count", "bogus=1"),
        ("* | streamstats count windw=3", "windw=3"),
        ("* | top lmit=3 host", "lmit=3"),
        ("* | chart count over a by b lmit=2", "lmit=2"),
        ("* | timechart spam=1h count", "spam=1h"),
        ("* | transaction user maxspn=1h", "maxspn=1h"),
        (
            "| tstats count from datamodel=X summaryonly=t",
            "summaryonly=t",
        ),
        ("| mstats avg(x) where index=m foo=bar by h", ""),
    ] {
        let out = spleval().args(["parse", "--spl", spl]).output().unwrap();
        if opt.is_empty() {
            // `foo=bar` inside WHERE is a search term, not an option.
            assert!(out.status.success(), "{spl}");
            continue;
        }
        assert_eq!(out.status.code(), Some(2), "{spl}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("unknown") && err.contains(opt), "{spl}: {err}");
    }
}

#[test]
fn timechart_refuses_more_than_50000_buckets() {
    let ev = "{\"_time\": 1700000000}\n{\"_time\": 1700100000}\n";
    let out = spleval()
        .args(["run", "--spl", "* | timechart span=1s count"])
        .write_stdin(ev)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("too many (>50000) rows"));
}
