//! `anomalydetection` (histogram method), from Splunk's Search Reference
//! page and hand-computed small inputs. Every expected number is worked out
//! in the comments: event probability = product over the fields of
//! (count of the event's value, or of its histogram bin) / (number of events).
//! Default threshold on ln(probability): Q1 - 1.5·IQR with `cutoff=false`,
//! Q1 - 3·IQR with `cutoff=true` (the default; our choice, see
//! grammar/README.md); quartiles interpolate at position (n-1)·q.

use crate::common::*;

fn num(r: &serde_json::Value, f: &str) -> f64 {
    match r.get(f) {
        Some(serde_json::Value::Number(n)) => n.as_f64().unwrap(),
        Some(serde_json::Value::String(s)) => s.parse().unwrap(),
        other => panic!("{f} is not a number: {other:?} in {r}"),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Ten events, `user` alice nine times and mallory once (at n=4).
fn ten_users() -> String {
    (0..10)
        .map(|i| {
            let u = if i == 4 { "mallory" } else { "alice" };
            format!("{{\"n\":{i},\"user\":\"{u}\"}}\n")
        })
        .collect()
}

#[test]
fn filter_keeps_only_the_rare_value_and_is_the_default() {
    // freq(alice) = 9/10, freq(mallory) = 1/10.
    // log probs sorted: [ln .1, ln .9 ×9]; Q1 (pos 2.25) = Q3 (pos 6.75) = ln .9,
    // IQR 0, threshold ln .9: only mallory (ln .1 = -2.302585) is below.
    for spl in [
        "* | anomalydetection user",
        "* | anomalydetection method=histogram action=filter user",
    ] {
        let rows = run_spl(spl, &ten_users());
        assert_eq!(col(&rows, "n"), ["4"], "{spl}");
        let r = &rows[0];
        assert!(close(num(r, "log_event_prob"), 0.1f64.ln()), "{r}");
        assert_eq!(col(&rows, "probable_cause"), ["user"]);
        assert!(close(num(r, "probable_cause_freq"), 0.1), "{r}");
        assert!(close(num(r, "max_freq"), 0.1), "{r}");
    }
}

/// Ten events, newest first: a = y for n 0,1 else x; b = p for n < 5 else q.
fn two_fields() -> String {
    (0..10)
        .map(|i| {
            let a = if i < 2 { "y" } else { "x" };
            let b = if i < 5 { "p" } else { "q" };
            format!(
                "{{\"_time\":{},\"n\":{i},\"a\":\"{a}\",\"b\":\"{b}\"}}\n",
                1_700_000_000 - i
            )
        })
        .collect()
}

#[test]
fn annotate_keeps_every_event_and_marks_the_anomalous_ones() {
    // freq: a=y .2, a=x .8, b=p .5, b=q .5.
    // n 0,1: .2·.5 = .1   → ln .1, cause a (.2), max .5   (anomalous: below ln .4)
    // n 2-9: .8·.5 = .4   → ln .4, not anomalous: no fields added
    // (the corpus detection keeps the anomalies with `search probable_cause=*`).
    let rows = run_spl("* | anomalydetection a b action=annotate", &two_fields());
    assert_eq!(
        col(&rows, "n"),
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
    );
    for (i, r) in rows.iter().enumerate() {
        if i < 2 {
            assert_eq!(r["probable_cause"], "a", "{r}");
            assert!(
                close(num(r, "log_event_prob"), 0.2f64.ln() + 0.5f64.ln()),
                "{r}"
            );
            assert!(close(num(r, "probable_cause_freq"), 0.2), "{r}");
            assert!(close(num(r, "max_freq"), 0.5), "{r}");
        } else {
            for f in [
                "probable_cause",
                "log_event_prob",
                "probable_cause_freq",
                "max_freq",
            ] {
                assert!(r.get(f).is_none(), "{f} on a normal event: {r}");
            }
        }
    }
}

#[test]
fn summary_is_one_row_of_six_fields() {
    // Same data: log probs sorted [ln .1 ×2, ln .4 ×8]; Q1 (pos 2.25) and
    // Q3 (pos 6.75) = ln .4, IQR 0 → threshold ln .4 (thresh .4 as a
    // probability); events 0 and 1 are below it.
    let rows = run_spl("* | anomalydetection a b action=summary", &two_fields());
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(num(r, "num_anomalies"), 2.0);
    assert!(close(num(r, "thresh"), 0.4), "{r}");
    assert!(close(num(r, "max_logprob"), 0.4f64.ln()), "{r}");
    assert!(close(num(r, "min_logprob"), 0.1f64.ln()), "{r}");
    assert!(close(num(r, "1st_quartile"), 0.4f64.ln()), "{r}");
    assert!(close(num(r, "3rd_quartile"), 0.4f64.ln()), "{r}");
    let mut keys: Vec<_> = r.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "1st_quartile",
            "3rd_quartile",
            "max_logprob",
            "min_logprob",
            "num_anomalies",
            "thresh"
        ]
    );
}

#[test]
fn pthresh_sets_the_probability_threshold() {
    // Probabilities .1 (n 0,1) and .4 (n 2-9).
    let rows = run_spl("* | anomalydetection pthresh=0.2 a b", &two_fields());
    assert_eq!(col(&rows, "n"), ["0", "1"]);
    let rows = run_spl("* | anomalydetection pthresh=0.05 a b", &two_fields());
    assert!(rows.is_empty(), "{rows:?}");
    let rows = run_spl("* | anomalydetection pthresh=0.5 a b", &two_fields());
    assert_eq!(rows.len(), 10);
    let rows = run_spl(
        "* | anomalydetection pthresh=0.2 action=summary a b",
        &two_fields(),
    );
    assert_eq!(col(&rows, "num_anomalies"), ["2"]);
    assert!(close(num(&rows[0], "thresh"), 0.2));
}

#[test]
fn numeric_fields_are_binned() {
    // bytes: 0 ×8, 5, 10. n = 10 → ceil(log2 10) + 1 = 5 bins of width
    // (10-0)/5 = 2: [0,2) 8 values, [4,6) holds 5, [8,10] holds 10.
    // freq .8, .1, .1 (were 5 and 10 in one bin, both would be .2; were the
    // values categorical, 0 would still be .8 but 5 and 10 .1 — so also
    // check a spread field below).
    let mut ev = String::new();
    for (i, b) in [0, 0, 0, 0, 0, 0, 0, 0, 5, 10].iter().enumerate() {
        ev.push_str(&format!("{{\"n\":{i},\"bytes\":{b}}}\n"));
    }
    // pthresh=1 marks every event, so annotate shows every frequency.
    let rows = run_spl("* | anomalydetection bytes action=annotate pthresh=1", &ev);
    let freqs: Vec<f64> = rows.iter().map(|r| num(r, "probable_cause_freq")).collect();
    let want = [0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.1, 0.1];
    for (g, w) in freqs.iter().zip(want) {
        assert!(close(*g, w), "{freqs:?}");
    }

    // Ten distinct numbers 10..18 and 100: categorical counting would give
    // every event .1 (no anomaly); binned, 5 bins of width 18: [10,28)
    // holds nine values (.9), [82,100] holds 100 (.1). Threshold ln .9
    // (IQR 0): only 100 is anomalous.
    let mut ev = String::new();
    for (i, b) in [10, 11, 12, 13, 14, 15, 16, 17, 18, 100].iter().enumerate() {
        ev.push_str(&format!("{{\"n\":{i},\"bytes\":\"{b}\"}}\n"));
    }
    let rows = run_spl("* | anomalydetection bytes", &ev);
    assert_eq!(col(&rows, "n"), ["9"]);
    assert!(close(num(&rows[0], "log_event_prob"), 0.1f64.ln()));
    assert!(close(num(&rows[0], "max_freq"), 0.1));
}

/// Ten events with v: A, B once, C three times, D five times.
fn spread() -> String {
    let vals = ["A", "B", "C", "C", "C", "D", "D", "D", "D", "D"];
    vals.iter()
        .enumerate()
        .map(|(i, v)| format!("{{\"n\":{i},\"v\":\"{v}\"}}\n"))
        .collect()
}

#[test]
fn cutoff_false_uses_the_plain_iqr_formula() {
    // log probs sorted: [ln .1 ×2, ln .3 ×3, ln .5 ×5].
    // Q1 (pos 2.25) = ln .3 = -1.203973, Q3 (pos 6.75) = ln .5 = -0.693147,
    // IQR = ln(5/3) = 0.510826.
    // cutoff=false: Q1 - 1.5·IQR = -1.970212 → A and B (ln .1 = -2.302585).
    // cutoff=true (default): Q1 - 3·IQR = -2.736451 → none.
    let rows = run_spl("* | anomalydetection cutoff=false v", &spread());
    assert_eq!(col(&rows, "n"), ["0", "1"]);
    let rows = run_spl("* | anomalydetection v", &spread());
    assert!(rows.is_empty(), "{rows:?}");
    let rows = run_spl("* | anomalydetection cutoff=true v", &spread());
    assert!(rows.is_empty(), "{rows:?}");

    // Summary: thresh = exp(Q1 - 1.5·IQR) = .3·(.3/.5)^1.5 = 0.139427…
    let rows = run_spl(
        "* | anomalydetection cutoff=false action=summary v",
        &spread(),
    );
    let r = &rows[0];
    assert_eq!(num(r, "num_anomalies"), 2.0);
    assert!(close(num(r, "thresh"), 0.3 * 0.6f64.powf(1.5)), "{r}");
    assert!(close(num(r, "1st_quartile"), 0.3f64.ln()), "{r}");
    assert!(close(num(r, "3rd_quartile"), 0.5f64.ln()), "{r}");
}

#[test]
fn no_field_list_scores_every_field_but_internal_ones() {
    // Fields user (alice ×9, mallory) and _id (distinct; internal, so not
    // scored). Were _id scored, mallory's log prob would be ln .1 + ln .1.
    let ev: String = (0..10)
        .map(|i| {
            let u = if i == 7 { "mallory" } else { "alice" };
            format!("{{\"_id\":\"e{i}\",\"user\":\"{u}\"}}\n")
        })
        .collect();
    let rows = run_spl("* | anomalydetection", &ev);
    assert_eq!(rows.len(), 1);
    assert_eq!(col(&rows, "user"), ["mallory"]);
    assert!(close(num(&rows[0], "log_event_prob"), 0.1f64.ln()));
}

#[test]
fn missing_fields_do_not_count_but_the_denominator_is_all_events() {
    // a: x in 8 events, absent in 2 (n 8, 9). freq(x) = 8/10.
    // n 0-7: ln .8; n 8, 9: no scored field → log prob 0, no cause.
    let ev: String = (0..10)
        .map(|i| {
            if i < 8 {
                format!("{{\"n\":{i},\"a\":\"x\"}}\n")
            } else {
                format!("{{\"n\":{i}}}\n")
            }
        })
        .collect();
    let rows = run_spl("* | anomalydetection a action=annotate pthresh=1", &ev);
    assert_eq!(rows.len(), 10);
    assert!(close(num(&rows[0], "log_event_prob"), 0.8f64.ln()));
    assert!(close(num(&rows[0], "probable_cause_freq"), 0.8));
    assert_eq!(num(&rows[9], "log_event_prob"), 0.0);
    assert_eq!(col(&rows, "probable_cause")[9], "");
}

#[test]
fn the_security_content_shape_runs() {
    // stats … by …, then annotate and search probable_cause=* (as the AWS
    // GetObject detection does): only the anomalous rows have a probable cause.
    // 20 alice rows and 1 bob row, each count 1: count is one bin (freq 1),
    // user_type 1, user_arn alice 20/21, bob 1/21. Log probabilities: ln(20/21)
    // ×20 and ln(1/21); Q1 = Q3 = ln(20/21), IQR 0 → threshold ln(20/21);
    // only bob's row is strictly below it.
    let mut ev = String::new();
    for i in 0..21 {
        let user = if i == 20 { "bob" } else { "alice" };
        ev.push_str(&format!(
            "{{\"user_type\":\"IAMUser\",\"user_arn\":\"{user}\",\"src_ip\":\"10.0.0.{i}\"}}\n"
        ));
    }
    let rows = run_spl(
        "* | stats count by src_ip user_type user_arn \
         | anomalydetection \"count\" \"user_type\" \"user_arn\" action=annotate \
         | search probable_cause=*",
        &ev,
    );
    assert_eq!(col(&rows, "user_arn"), ["bob"]);
    assert_eq!(rows[0]["probable_cause"], "user_arn");
    assert!(close(num(&rows[0], "probable_cause_freq"), 1.0 / 21.0));
    // annotate keeps all 21 rows.
    let all = run_spl(
        "* | stats count by src_ip user_type user_arn \
         | anomalydetection \"count\" \"user_type\" \"user_arn\" action=annotate",
        &ev,
    );
    assert_eq!(all.len(), 21);
}

// Search Reference, anomalydetection, method: "When method=iqr, performs
// like the outlier command"; its actions are remove and transform.
#[test]
fn iqr_runs_like_outlier() {
    let ev: String = [1, 2, 3, 4, 100]
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "{{\"_time\": {}, \"n\": \"e{i}\", \"count\": {c}}}\n",
                1_700_000_100 - i
            )
        })
        .collect();
    for (spl, want) in [
        (
            "* | anomalydetection method=iqr count",
            vec!["1", "2", "3", "4", "9"],
        ),
        (
            "* | anomalydetection method=iqr action=transform count",
            vec!["1", "2", "3", "4", "9"],
        ),
        ("* | outlier count", vec!["1", "2", "3", "4", "9"]),
        (
            "* | anomalydetection method=iqr action=remove count",
            vec!["1", "2", "3", "4"],
        ),
    ] {
        assert_eq!(col(&run_spl(spl, &ev), "count"), want, "{spl}");
    }
}

#[test]
fn zscore_and_mismatched_actions_are_parsed_but_not_run() {
    for (spl, msg) in [
        (
            "* | anomalydetection method=zscore action=filter pthresh=0.05",
            "method=zscore",
        ),
        (
            "* | anomalydetection method=iqr action=filter",
            "method=iqr takes remove or transform",
        ),
        ("* | anomalydetection action=remove", "action=remove"),
    ] {
        let out = spleval()
            .args(["run", "--spl", spl])
            .write_stdin("")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{spl}");
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
