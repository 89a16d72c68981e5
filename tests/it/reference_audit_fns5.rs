//! Conformance audit, second reading: the "JSON functions" page and the
//! stats function pages of the SPL1 Search Reference ("Aggregate
//! functions", "Event order functions", "Multivalue stats and chart
//! functions", "Time functions"). Earlier audits tested most examples with
//! SPL close to the page's; these tests run the examples whose SPL was
//! missing or paraphrased in the ledger exactly as the pages write them (`...`
//! the page's elided search, run as `*`), over small events built to give the
//! pages' result tables where they show one. The ledger is
//! grammar/examples/functions.md.
//!
//! The pages' text was read from a stored copy of the 10.0 edition.

use crate::common::{col, fails, ndjson, run_spl};
use serde_json::{json, Value};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// The number in `field` of `row`.
fn num(row: &Value, field: &str) -> f64 {
    row.get(field)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("{field} is not a number in {row:?}"))
}

// ---- JSON functions ------------------------------------------------------------

// "JSON functions", json_extract, example 1: `... |eval extracted_cities =
// json_extract(cities,"{}")` over a `cities` field holding the whole object
// ("The cities field contains only one object. The key is the entire
// object."): the object comes back as it is.
#[test]
fn json_extract_example_1_whole_object() {
    let object = r#"{"cities":[{"name":"London","Bridges":[{"name":"Tower Bridge","length":801},{"name":"Millennium Bridge","length":1066}]},{"name":"Venice","Bridges":[{"name":"Rialto Bridge","length":157},{"name":"Bridge of Sighs","length":36},{"name":"Ponte della Paglia"}]},{"name":"San Francisco","Bridges":[{"name":"Golden Gate Bridge","length":8981},{"name":"Bay Bridge","length":23556}]}]}"#;
    let r = run_spl(
        r#"* |eval extracted_cities = json_extract(cities,"{}") | table extracted_cities"#,
        &ndjson(&[json!({ "cities": object })]),
    );
    assert_eq!(col(&r, "extracted_cities"), [object]);
}

// Same page, json_set_exact(<json>, <key_value_pairs>): "If you supply
// multiple key-value pairs to json_set_exact, the function outputs an array"
// — which array the page does not say, and its description says the
// function "Generates or overwrites a JSON object". spleval takes the one
// pair of the page's example and refuses more, at parse time, rather than
// guess (grammar/README.md, "Differences we chose"). json_set, whose syntax
// is the same `<path_value_pairs>`, applies several pairs left to right.
#[test]
fn json_set_exact_takes_one_pair_json_set_several() {
    let (code, err) =
        fails(r#"| makeresults | eval o=json_set_exact(json_object(), "a.b", 1, "c", 2)"#);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("function 'json_set_exact' takes 3 argument(s), got 5"),
        "{err}"
    );
    let r = run_spl(
        r#"| makeresults | eval o=json_set(json_object(), "a.b", 1, "c", 2) | table o"#,
        "",
    );
    assert_eq!(col(&r, "o"), [r#"{"a":{"b":1},"c":2}"#]);
}

// Same page, json_append's path table: "An empty array: json_append adds the
// corresponding <value> to that array, creating an array with a single
// value."
#[test]
fn json_append_to_an_empty_array() {
    let r = run_spl(
        r#"| makeresults | eval e=json_append(json_object("l", json_array()), "l", "x") | table e"#,
        "",
    );
    assert_eq!(col(&r, "e"), [r#"{"l":["x"]}"#]);
}

// ---- Aggregate functions: avg ---------------------------------------------------

// "Aggregate functions", avg, extended example 1: `| makeresults count=100 |
// eval test=3.99 | stats avg(test)` is 3.9900000000000055, with count=10000
// 3.990000000000215 ("numbers are treated as double-precision
// floating-point numbers"), and `| stats avg(test) AS test | eval
// new_test=sigfig(test*1.00)` gives 3.99.
#[test]
fn avg_extended_example_floating_point_accuracy() {
    let r = run_spl(
        "| makeresults count=100 | eval test=3.99 | stats avg(test)",
        "",
    );
    assert_eq!(r, [json!({"avg(test)": 3.9900000000000055})]);
    let r = run_spl(
        "| makeresults count=10000 | eval test=3.99 | stats avg(test)",
        "",
    );
    assert_eq!(r, [json!({"avg(test)": 3.990000000000215})]);
    let r = run_spl(
        "| makeresults count=10000 | eval test=3.99 | stats avg(test) AS test \
         | eval new_test=sigfig(test*1.00)",
        "",
    );
    assert_eq!(col(&r, "new_test"), ["3.99"]);
}

// Same page, avg, extended example 2: `sourcetype=access_* status=200
// action=purchase | transaction clientip maxspan=30m | chart
// avg(eventcount) by duration span=log2` — the average number of events of
// a transaction, by its duration in base-2 logarithmic bins.
#[test]
fn avg_extended_example_transactions_by_log2_duration() {
    let ev = |t: i64, ip: &str, status: i64| {
        json!({"_time": t, "sourcetype": "access_combined", "status": status,
               "action": "purchase", "clientip": ip})
    };
    let r = run_spl(
        "sourcetype=access_* status=200 action=purchase | transaction clientip maxspan=30m \
         | chart avg(eventcount) by duration span=log2",
        &ndjson(&[
            ev(1000, "a", 200),
            ev(1003, "a", 200),
            ev(1005, "a", 200),
            ev(2000, "b", 200),
            ev(2006, "b", 200),
            ev(2500, "e", 200),
            ev(2502, "e", 200),
            ev(2504, "e", 200),
            ev(2506, "e", 200),
            ev(3000, "c", 200),
            ev(3020, "c", 200),
            ev(4100, "d", 404),
        ]),
    );
    // a: 5 s, 3 events; b: 6 s, 2 events; e: 6 s, 4 events (4-8: 3 on
    // average); c: 20 s, 2 events. The empty 8-16 bin is shown with a null
    // average (chart's cont=true, the default).
    assert_eq!(col(&r, "duration"), ["4-8", "8-16", "16-32"]);
    assert_eq!(col(&r, "avg(eventcount)"), ["3", "", "2"]);
}

// Same page, avg, basic example 4: `... | timechart
// eval(round(avg(cpu_seconds),2)) BY processor`, with timechart's own span
// (all events in one second here: one row).
#[test]
fn avg_example_4_rounded_average_by_processor() {
    let ev =
        |p: &str, cpu: f64| json!({"_time": 1_700_000_000, "processor": p, "cpu_seconds": cpu});
    let r = run_spl(
        "* | timechart eval(round(avg(cpu_seconds),2)) BY processor",
        &ndjson(&[
            ev("p1", 1.234),
            ev("p1", 2.111),
            ev("p2", 2.0),
            ev("p2", 0.5),
        ]),
    );
    // p1: (1.234 + 2.111) / 2 = 1.6725 → 1.67; p2: 1.25.
    assert_eq!(r, [json!({"_time": 1_700_000_000, "p1": 1.67, "p2": 1.25})]);
}

// ---- count ---------------------------------------------------------------------

fn access() -> String {
    let ev = |st: &str, host: &str, status: &str, method: &str, size: i64| json!({"sourcetype": st, "host": host, "status": status, "method": method, "size": size});
    ndjson(&[
        ev("access_combined", "www1", "404", "GET", 12),
        ev("access_combined", "www1", "200", "GET", 95),
        ev("access_combined", "www2", "404", "POST", 130),
        ev("access_combined", "www2", "200", "POST", 7),
        ev("access_combined", "www3", "200", "GET", 50),
        ev("secure", "www1", "404", "GET", 3),
        ev("secure", "www1", "200", "GET", 210),
    ])
}

// Same page, count, basic examples: `...| stats count(eval(status="404")) AS
// count_status BY sourcetype`, the events whose status is 404 for each
// sourcetype; `... | bin size bins=10 | stats count(_raw) BY size`, the
// events of each of at most 10 size bins.
#[test]
fn count_basic_examples_eval_and_bins() {
    let r = run_spl(
        r#"* | stats count(eval(status="404")) AS count_status BY sourcetype"#,
        &access(),
    );
    assert_eq!(col(&r, "sourcetype"), ["access_combined", "secure"]);
    assert_eq!(col(&r, "count_status"), ["2", "1"]);
    let r = run_spl(
        "* | bin size bins=10 | stats count(_raw) BY size",
        &access(),
    );
    // 3 … 210 in ten bins or fewer: spans of 100.
    assert_eq!(col(&r, "size"), ["0-100", "100-200", "200-300"]);
    assert_eq!(col(&r, "count(_raw)"), ["5", "1", "1"]);
}

// Same page, count, basic example: `sourcetype=access_* | timechart
// count(eval(action="purchase")) BY productName usenull=f useother=f`, the
// purchases of each product; usenull=f leaves out the events without a
// productName, useother=f keeps every series.
#[test]
fn count_basic_example_timechart_purchases_by_product() {
    let ev = |action: &str, product: Option<&str>| {
        let mut e =
            json!({"_time": 1_700_000_000, "sourcetype": "access_combined", "action": action});
        if let Some(p) = product {
            e["productName"] = json!(p);
        }
        e
    };
    let r = run_spl(
        r#"sourcetype=access_* | timechart count(eval(action="purchase")) BY productName usenull=f useother=f"#,
        &ndjson(&[
            ev("purchase", Some("Dream Crusher")),
            ev("purchase", Some("Dream Crusher")),
            ev("purchase", Some("Mediocre Kingdoms")),
            ev("view", Some("Orvil the Wolverine")),
            ev("purchase", None),
        ]),
    );
    assert_eq!(
        r,
        [
            json!({"_time": 1_700_000_000, "Dream Crusher": 2, "Mediocre Kingdoms": 1,
                "Orvil the Wolverine": 0})
        ]
    );
}

// Same page, count, extended example 1: `source=all_month.csv | chart count
// AS "Number of Earthquakes" BY mag span=1 | rename mag AS "Magnitude
// Range"`, whose table starts -1-0, 0-1, 1-2, ….
#[test]
fn count_extended_example_quakes_by_magnitude_range() {
    let quakes: Vec<Value> = [-0.4, 0.2, 0.9, 1.5, 2.0, 2.7, 2.1, 4.4]
        .iter()
        .map(|m| json!({"source": "all_month.csv", "mag": m}))
        .collect();
    let r = run_spl(
        r#"source=all_month.csv | chart count AS "Number of Earthquakes" BY mag span=1 | rename mag AS "Magnitude Range""#,
        &ndjson(&quakes),
    );
    // cont=true (chart's default) shows the empty 3-4 bin with a count of 0.
    assert_eq!(
        col(&r, "Magnitude Range"),
        ["-1-0", "0-1", "1-2", "2-3", "3-4", "4-5"]
    );
    assert_eq!(
        col(&r, "Number of Earthquakes"),
        ["1", "2", "1", "3", "0", "1"]
    );
}

// Same page, count, extended example 2: `sourcetype=access_* | chart
// count(eval(method="GET")) AS GET, count(eval(method="POST")) AS POST BY
// host` — the page's table is one row per host with its GET and POST
// counts (www1 8431 5197, …).
#[test]
fn count_extended_example_get_and_post_by_host_in_chart() {
    let r = run_spl(
        r#"sourcetype=access_* | chart count(eval(method="GET")) AS GET, count(eval(method="POST")) AS POST BY host"#,
        &access(),
    );
    assert_eq!(
        r,
        [
            json!({"host": "www1", "GET": 2, "POST": 0}),
            json!({"host": "www2", "GET": 0, "POST": 2}),
            json!({"host": "www3", "GET": 1, "POST": 0}),
        ]
    );
}

// ---- dc --------------------------------------------------------------------------

// Same page, distinct_count, basic example `... | stats dc(host)`; extended
// example `sourcetype=access_* action=purchase | stats dc(clientip) BY
// categoryId`, the different buyers of each category (its table has a
// category named NULL).
#[test]
fn dc_of_hosts_and_buyers_by_category() {
    let r = run_spl("* | stats dc(host)", &access());
    assert_eq!(col(&r, "dc(host)"), ["3"]);
    let ev = |ip: &str, cat: &str, action: &str| json!({"sourcetype": "access_combined", "clientip": ip, "categoryId": cat, "action": action});
    let r = run_spl(
        "sourcetype=access_* action=purchase | stats dc(clientip) BY categoryId",
        &ndjson(&[
            ev("10.0.0.1", "ARCADE", "purchase"),
            ev("10.0.0.2", "ARCADE", "purchase"),
            ev("10.0.0.1", "ARCADE", "purchase"),
            ev("10.0.0.3", "NULL", "purchase"),
            ev("10.0.0.4", "TEE", "purchase"),
            ev("10.0.0.5", "TEE", "view"),
        ]),
    );
    assert_eq!(col(&r, "categoryId"), ["ARCADE", "NULL", "TEE"]);
    assert_eq!(col(&r, "dc(clientip)"), ["2", "1", "1"]);
}

// ---- max, min ---------------------------------------------------------------------

// Same page, max, extended example (also min's and range's): `source=
// all_month.csv place=*California* | stats count, max(mag), min(mag),
// range(mag), avg(mag) BY magType`. The page's MbLg row (one quake of
// magnitude 0) is 1 0 0 0 0, its Me row 2 2.0 1.6 .04 1.8 (the range is 0.4).
#[test]
fn max_extended_example_quake_magnitudes_by_type() {
    let q = |place: &str, t: &str, mag: f64| json!({"source": "all_month.csv", "place": place, "magType": t, "mag": mag});
    let r = run_spl(
        "source=all_month.csv place=*California* | stats count, max(mag), min(mag), range(mag), avg(mag) BY magType",
        &ndjson(&[
            q("5km N of Fresno, California", "H", 0.5),
            q("Central California", "H", 2.8),
            q("Northern California", "MbLg", 0.0),
            q("Baja California", "Me", 2.0),
            q("The Geysers, California", "Me", 1.6),
            q("Gulf of Alaska", "Me", 5.0),
            q("Central California", "Ml", -0.4),
            q("Southern California", "Ml", 4.3),
        ]),
    );
    assert_eq!(col(&r, "magType"), ["H", "MbLg", "Me", "Ml"]);
    assert_eq!(col(&r, "count"), ["2", "1", "2", "2"]);
    assert_eq!(col(&r, "max(mag)"), ["2.8", "0", "2", "4.3"]);
    assert_eq!(col(&r, "min(mag)"), ["0.5", "0", "1.6", "-0.4"]);
    assert_eq!(col(&r, "avg(mag)"), ["1.65", "0", "1.8", "1.95"]);
    let ranges: Vec<f64> = r.iter().map(|row| num(row, "range(mag)")).collect();
    for (got, want) in ranges.iter().zip([2.3, 0.0, 0.4, 4.7]) {
        assert!(close(*got, want), "{ranges:?}");
    }
}

// Same page, min, basic examples: `index=_internal component=HotBucketRoller
// | stats min(size), max(size)` and `index=_internal | chart
// min(cpu_seconds), max(cpu_seconds) BY processor`. Values are compared as
// numbers when they are numbers ("1024" is more than "300").
#[test]
fn min_basic_examples_hot_buckets_and_processors() {
    let ev = |component: &str, size: &str, processor: &str, cpu: f64| {
        json!({"index": "_internal", "component": component, "size": size,
               "processor": processor, "cpu_seconds": cpu})
    };
    let evs = ndjson(&[
        ev("HotBucketRoller", "1024", "indexer", 0.5),
        ev("HotBucketRoller", "300", "parser", 1.25),
        ev("Metrics", "99999", "indexer", 2.0),
        ev("Metrics", "5", "parser", 0.75),
    ]);
    let r = run_spl(
        "index=_internal component=HotBucketRoller | stats min(size), max(size)",
        &evs,
    );
    assert_eq!(r, [json!({"min(size)": 300, "max(size)": 1024})]);
    let r = run_spl(
        "index=_internal | chart min(cpu_seconds), max(cpu_seconds) BY processor",
        &evs,
    );
    assert_eq!(
        r,
        [
            json!({"processor": "indexer", "min(cpu_seconds)": 0.5, "max(cpu_seconds)": 2}),
            json!({"processor": "parser", "min(cpu_seconds)": 0.75, "max(cpu_seconds)": 1.25}),
        ]
    );
}

// ---- mode, stdev, sum -------------------------------------------------------------

// Same page, mode, basic examples over the table firstname/surname/age
// (Claudia Garcia 32, David Mayer 45, Alex Garcia 29, Wei Zhang 45, Javier
// Garcia 37): `...| stats mode(age)` is 45, `...| stats mode(surname)` is
// Garcia.
#[test]
fn mode_of_ages_and_surnames() {
    let people = ndjson(&[
        json!({"firstname": "Claudia", "surname": "Garcia", "age": 32}),
        json!({"firstname": "David", "surname": "Mayer", "age": 45}),
        json!({"firstname": "Alex", "surname": "Garcia", "age": 29}),
        json!({"firstname": "Wei", "surname": "Zhang", "age": 45}),
        json!({"firstname": "Javier", "surname": "Garcia", "age": 37}),
    ]);
    assert_eq!(
        col(&run_spl("*| stats mode(age)", &people), "mode(age)"),
        ["45"]
    );
    assert_eq!(
        col(&run_spl("*| stats mode(surname)", &people), "mode(surname)"),
        ["Garcia"]
    );
}

// Same page, stdev, basic example: `... | stats stdev(*delay)`, "the
// standard deviation of wildcarded fields "*delay" which can apply to both,
// "delay" and "xdelay"" — one column per matching field.
#[test]
fn stdev_of_wildcarded_delay_fields() {
    let r = run_spl(
        "* | stats stdev(*delay)",
        &ndjson(&[
            json!({"delay": 3, "xdelay": 10, "size": 1}),
            json!({"delay": 5, "xdelay": 14, "size": 2}),
            json!({"delay": 7, "size": 3}),
        ]),
    );
    assert_eq!(r.len(), 1, "{r:?}");
    let keys: Vec<&String> = r[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["stdev(delay)", "stdev(xdelay)"]);
    // delay 3 5 7: sample deviation 2; xdelay 10 14: sqrt(8).
    assert!(close(num(&r[0], "stdev(delay)"), 2.0), "{r:?}");
    assert!(close(num(&r[0], "stdev(xdelay)"), 8f64.sqrt()), "{r:?}");
}

// Same page, sum, basic examples: `...| stats sum(bytes)` is 21502; `...|
// stats sum(bytes) AS "total bytes"` the same in a renamed column; `...|
// stats sum(bytes) AS "total bytes" by date_hour` 07 6509, 11 3726, 15
// 6569, 23 4698 (events built to give those sums).
#[test]
fn sum_of_bytes_total_and_by_hour() {
    let evs: Vec<Value> = [
        ("07", 6000),
        ("07", 509),
        ("11", 3726),
        ("15", 6569),
        ("23", 4000),
        ("23", 600),
        ("23", 98),
    ]
    .iter()
    .map(|(h, b)| json!({"date_hour": h, "bytes": b}))
    .collect();
    let evs = ndjson(&evs);
    assert_eq!(
        run_spl("*| stats sum(bytes)", &evs),
        [json!({"sum(bytes)": 21502})]
    );
    assert_eq!(
        run_spl(r#"*| stats sum(bytes) AS "total bytes""#, &evs),
        [json!({"total bytes": 21502})]
    );
    let r = run_spl(r#"*| stats sum(bytes) AS "total bytes" by date_hour"#, &evs);
    assert_eq!(col(&r, "date_hour"), ["07", "11", "15", "23"]);
    assert_eq!(col(&r, "total bytes"), ["6509", "3726", "6569", "4698"]);
}

// ---- Time functions: earliest, latest ---------------------------------------------

/// The six sshd events of the "Time functions" page (2023, newest first).
fn secure_2023() -> String {
    let ev = |t: i64, src: &str, raw: &str| json!({"_time": t, "sourcetype": "secure", "source": src, "_raw": raw});
    ndjson(&[
        ev(1682900105, "tutorialdata.zip:./mailsv/secure.log", "Mon May 01 2023 00:15:05 mailsv1 sshd[5258]: Failed password for invalid user tomcat from 67.170.226.218 port 1490 ssh2"),
        ev(1682813777, "tutorialdata.zip:./www2/secure.log", "Sun Apr 30 2023 00:16:17 www2 sshd[5258]: Failed password for invalid user brian from 130.253.37.97 port 4284 ssh2"),
        ev(1682813485, "tutorialdata.zip:./www3/secure.log", "Sun Apr 30 2023 00:11:25 www3 sshd[5258]: Failed password for invalid user operator from 222.169.224.226 port 1711 ssh2"),
        ev(1682727541, "tutorialdata.zip:./www1/secure.log", "Sat Apr 29 2023 00:19:01 www1 sshd[5258]: Failed password for invalid user rightscale from 87.194.216.51 port 3361 ssh2"),
        ev(1682727225, "tutorialdata.zip:./mailsv/secure.log", "Sat Apr 29 2023 00:13:45 mailsv1 sshd[5258]: Failed password for invalid user testuser from 194.8.74.23 port 3626 ssh2"),
        ev(1682641408, "tutorialdata.zip:./www1/secure.log", "Fri Apr 28 2023 00:23:28 www1 sshd[5258]: Failed password for invalid user redmine from 91.208.184.24 port 3587 ssh2"),
    ])
}

// "Time functions", earliest and latest, basic examples: `sourcetype=secure
// invalid user "sshd[5258]" | table _time source _raw | stats earliest(_raw)`
// returns the event of 2023-04-28 00:23:28 (redmine), the oldest; with
// `stats latest(_raw)` the one of 2023-05-01 00:15:05 (tomcat), the newest.
// earliest_time/latest_time ("the UNIX time of the chronologically
// earliest-seen occurrence") give those events' times.
#[test]
fn earliest_and_latest_secure_log_examples() {
    let base = r#"sourcetype=secure invalid user "sshd[5258]" | table _time source _raw"#;
    let r = run_spl(&format!("{base} | stats earliest(_raw)"), &secure_2023());
    assert_eq!(
        col(&r, "earliest(_raw)"),
        ["Fri Apr 28 2023 00:23:28 www1 sshd[5258]: Failed password for invalid user redmine from 91.208.184.24 port 3587 ssh2"]
    );
    let r = run_spl(&format!("{base} | stats latest(_raw)"), &secure_2023());
    assert_eq!(
        col(&r, "latest(_raw)"),
        ["Mon May 01 2023 00:15:05 mailsv1 sshd[5258]: Failed password for invalid user tomcat from 67.170.226.218 port 1490 ssh2"]
    );
    let r = run_spl(
        &format!("{base} | stats earliest_time(_raw) latest_time(_raw)"),
        &secure_2023(),
    );
    assert_eq!(
        r,
        [json!({"earliest_time(_raw)": 1682641408, "latest_time(_raw)": 1682900105})]
    );
}

// ---- Event order functions: first, last --------------------------------------------

// "Event order functions", first and last, basic examples: over the page's
// six sshd events in the order it lists them, `sourcetype=secure invalid
// user "sshd[5258]" | table _time source _raw | stats first(_raw)` is the
// first listed (2020-04-28 00:15:05, tomcat) and `stats last(_raw)` the last
// listed (2020-04-27 00:15:01, redmine). The page's listing is not in time
// order; spleval gives events to the search newest first by _time, so the
// events here carry no _time and keep the listed order.
#[test]
fn first_and_last_secure_log_examples() {
    let ev = |src: &str, raw: &str| json!({"sourcetype": "secure", "source": src, "_raw": raw});
    let evs = ndjson(&[
        ev("tutorialdata.zip:./mailsv/secure.log", "Mon Apr 28 2020 00:15:05 mailsv1 sshd[5258]: Failed password for invalid user tomcat from 67.170.226.218 port 1490 ssh2"),
        ev("tutorialdata.zip:./www2/secure.log", "Thu May 01 2020 00:15:04 www2 sshd[5258]: Failed password for invalid user brian from 130.253.37.97 port 4284 ssh2"),
        ev("tutorialdata.zip:./www3/secure.log", "Wed Apr 30 2020 00:15:02 www3 sshd[5258]: Failed password for invalid user operator from 222.169.224.226 port 1711 ssh2"),
        ev("tutorialdata.zip:./www1/secure.log", "Mon Apr 28 2020 00:15:01 www1 sshd[5258]: Failed password for invalid user rightscale from 87.194.216.51 port 3361 ssh2"),
        ev("tutorialdata.zip:./mailsv/secure.log", "Thu May 01 2020 00:15:05 mailsv1 sshd[5258]: Failed password for invalid user testuser from 194.8.74.23 port 3626 ssh2"),
        ev("tutorialdata.zip:./www1/secure.log", "Sun Apr 27 2020 00:15:01 www1 sshd[5258]: Failed password for invalid user redmine from 91.208.184.24 port 3587 ssh2"),
    ]);
    let base = r#"sourcetype=secure invalid user "sshd[5258]" | table _time source _raw"#;
    let r = run_spl(&format!("{base} | stats first(_raw)"), &evs);
    assert_eq!(
        col(&r, "first(_raw)"),
        ["Mon Apr 28 2020 00:15:05 mailsv1 sshd[5258]: Failed password for invalid user tomcat from 67.170.226.218 port 1490 ssh2"]
    );
    let r = run_spl(&format!("{base} | stats last(_raw)"), &evs);
    assert_eq!(
        col(&r, "last(_raw)"),
        ["Sun Apr 27 2020 00:15:01 www1 sshd[5258]: Failed password for invalid user redmine from 91.208.184.24 port 3587 ssh2"]
    );
}

// Same page, first and last, extended examples: `| makeresults count=5 |
// streamstats count | eval _time=_time-(count*3600) | eval field1=20-count
// | stats first(field1)` is 19 (the first result processed); with
// `count*86400` and `stats last(field1)` it is 15 (the fifth, processed
// last). The intermediate tables: field1 19 … 15, _time an hour (a day)
// earlier each row.
#[test]
fn first_and_last_makeresults_extended_examples() {
    let r = run_spl(
        "| makeresults count=5 | streamstats count | eval _time=_time-(count*3600) | eval field1=20-count",
        "",
    );
    assert_eq!(col(&r, "field1"), ["19", "18", "17", "16", "15"]);
    assert_eq!(
        col(&r, "_time"),
        [
            "1699996400",
            "1699992800",
            "1699989200",
            "1699985600",
            "1699982000"
        ]
    );
    let r = run_spl(
        "| makeresults count=5 | streamstats count | eval _time=_time-(count*3600) \
         | eval field1=20-count | stats first(field1)",
        "",
    );
    assert_eq!(r, [json!({"first(field1)": 19})]);
    let r = run_spl(
        "| makeresults count=5 | streamstats count | eval _time=_time-(count*86400) \
         | eval field1=20-count | stats last(field1)",
        "",
    );
    assert_eq!(r, [json!({"last(field1)": 15})]);
}

// ---- Time functions: per_day, per_hour, per_minute, per_second ----------------------

/// Web events on 2023-11-14 and 2023-11-19 (UTC): five days apart, so
/// timechart's own span is one day.
fn web_days() -> String {
    const D0: i64 = 1_699_920_000;
    const D5: i64 = D0 + 5 * 86_400;
    let ev = |t: i64, method: &str, action: &str, total: i64, kb: i64| {
        json!({"_time": t, "sourcetype": "access_combined", "method": method,
               "action": action, "total": total, "kb": kb})
    };
    ndjson(&[
        ev(D0 + 3_600, "GET", "purchase", 48, 43_200),
        ev(D0 + 7_200, "POST", "view", 24, 43_200),
        ev(D5 + 60, "GET", "view", 144, 172_800),
        ev(D5 + 120, "GET", "purchase", 0, 0),
    ])
}

/// The first and last rows (the two days with events) of a timechart over
/// [`web_days`], after checking the four empty days between them.
fn first_and_last_day(spl: &str) -> (Value, Value) {
    let r = run_spl(spl, &web_days());
    assert_eq!(r.len(), 6, "{spl}: {r:?}");
    assert_eq!(r[0]["_time"], json!(1_699_920_000), "{spl}");
    for row in &r[1..5] {
        assert_eq!(row.as_object().unwrap().len(), 1, "{spl}: {row:?}");
    }
    (r[0].clone(), r[5].clone())
}

// "Time functions", per_day/per_hour/per_minute basic examples `... |
// timechart per_day(total)` (and per_hour, per_minute) and per_second's `...
// | timechart per_second(kb)`, with timechart's own span (one day here):
// the day's sum per day, per hour (/24), per minute (/1440), per second
// (/86400).
#[test]
fn per_unit_basic_examples_with_timechart_own_span() {
    let (a, b) = first_and_last_day("* | timechart per_day(total)");
    assert_eq!(
        (num(&a, "per_day(total)"), num(&b, "per_day(total)")),
        (72.0, 144.0)
    );
    let (a, b) = first_and_last_day("* | timechart per_hour(total)");
    assert_eq!(
        (num(&a, "per_hour(total)"), num(&b, "per_hour(total)")),
        (3.0, 6.0)
    );
    let (a, b) = first_and_last_day("* | timechart per_minute(total)");
    assert!(close(num(&a, "per_minute(total)"), 0.05), "{a:?}");
    assert!(close(num(&b, "per_minute(total)"), 0.1), "{b:?}");
    let (a, b) = first_and_last_day("* | timechart per_second(kb)");
    assert_eq!(
        (num(&a, "per_second(kb)"), num(&b, "per_second(kb)")),
        (1.0, 2.0)
    );
}

// Same page, the eval-expression basic examples: `... | timechart
// per_day(eval(method="GET")) AS Views`, `... | timechart
// per_hour(eval(method="POST")) AS Views`, `... | timechart
// per_minute(eval(method="GET")) AS Views`: each true comparison counts one.
#[test]
fn per_unit_basic_examples_of_eval_expressions() {
    let (a, b) = first_and_last_day(r#"* | timechart per_day(eval(method="GET")) AS Views"#);
    assert_eq!((num(&a, "Views"), num(&b, "Views")), (1.0, 2.0));
    let (a, b) = first_and_last_day(r#"* | timechart per_hour(eval(method="POST")) AS Views"#);
    assert!(close(num(&a, "Views"), 1.0 / 24.0), "{a:?}");
    // No POST on the last day: no value.
    assert!(b.get("Views").is_none(), "{b:?}");
    let (a, b) = first_and_last_day(r#"* | timechart per_minute(eval(method="GET")) AS Views"#);
    assert!(close(num(&a, "Views"), 1.0 / 1440.0), "{a:?}");
    assert!(close(num(&b, "Views"), 2.0 / 1440.0), "{b:?}");
}

// Same page, per_day extended example: `sourcetype=access_* | timechart
// per_day(eval(method="GET")) AS Views_day, per_day(eval(action="purchase"))
// AS Purchases`, then with per_hour and per_minute of the GETs added.
#[test]
fn per_day_extended_example_views_and_purchases() {
    let (a, b) = first_and_last_day(
        r#"sourcetype=access_* | timechart per_day(eval(method="GET")) AS Views_day, per_day(eval(action="purchase")) AS Purchases"#,
    );
    assert_eq!(
        a,
        json!({"_time": 1_699_920_000, "Views_day": 1, "Purchases": 1})
    );
    assert_eq!(
        b,
        json!({"_time": 1_700_352_000, "Views_day": 2, "Purchases": 1})
    );
    let (a, b) = first_and_last_day(
        r#"sourcetype=access_* | timechart per_day(eval(method="GET")) AS Views_day, per_hour(eval(method="GET")) AS Views_hour, per_minute(eval(method="GET")) AS Views_minute, per_day(eval(action="purchase")) AS Purchases"#,
    );
    assert_eq!(
        (num(&a, "Views_day"), num(&a, "Purchases")),
        (1.0, 1.0),
        "{a:?}"
    );
    assert!(close(num(&a, "Views_hour"), 1.0 / 24.0), "{a:?}");
    assert!(close(num(&b, "Views_hour"), 2.0 / 24.0), "{b:?}");
    assert!(close(num(&b, "Views_minute"), 2.0 / 1440.0), "{b:?}");
}

// ---- mixed numbers and text in max/min (a difference) ------------------------------

// "Aggregate functions", max and min usage: "if the items are mixed, they're
// sorted in numeric and then lexicographical order with all numbers sorted
// before non-numeric items. For example, the items 1, c, a, 2, 100, b, 4, 9
// are sorted as 1, 2, 4, 9, 100, a, b, c." Read as max's order that would
// make max c; spleval compares the numbers only when there are any (max 100,
// min 1), and text lexicographically only when every value is text
// (grammar/README.md, "Differences we chose").
#[test]
fn max_min_over_mixed_numbers_and_text() {
    let evs: Vec<Value> = ["1", "c", "a", "2", "100", "b", "4", "9"]
        .iter()
        .map(|x| json!({ "x": x }))
        .collect();
    let r = run_spl("* | stats max(x) min(x)", &ndjson(&evs));
    assert_eq!(r, [json!({"max(x)": 100, "min(x)": 1})]);
    let evs: Vec<Value> = ["b", "C", "a"].iter().map(|x| json!({ "x": x })).collect();
    let r = run_spl("* | stats max(x) min(x)", &ndjson(&evs));
    // Uppercase sorts before lowercase.
    assert_eq!(r, [json!({"max(x)": "b", "min(x)": "C"})]);
}
