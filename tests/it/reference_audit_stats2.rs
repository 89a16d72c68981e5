//! Conformance audit of the stats functions the first function audit left
//! out: the worked examples of the SPL1 Search Reference (9.x) pages
//! "Aggregate functions" (estdc, estdc_error, exactperc, mean, mode, perc,
//! range, stdevp, sumsq, upperperc, var, varp), "Time functions" (per_day,
//! per_hour, per_minute, per_second) and the sparkline options of the chart
//! and stats pages, each adapted to small events built here (the pages use
//! Splunk's tutorial data). The ledger is grammar/examples/functions.md.

use crate::common::{col, ndjson, run_spl};
use serde_json::{json, Value};

/// The one number in `field` of the only row.
fn num(rows: &[Value], field: &str) -> f64 {
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows[0]
        .get(field)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("{field} is not a number in {rows:?}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

// ---- stdevp and varp ----------------------------------------------------------

// "Aggregate functions", stdevp: "Returns the population standard deviation
// of the field specified"; the page's Basic and Extended example headings
// have no example under them. 2, 4, 4, 4, 5, 5, 7, 9 have mean 5 and squared
// deviations summing to 32: population deviation sqrt(32/8) = 2, sample
// deviation sqrt(32/7) ≈ 2.138.
#[test]
fn stdevp_is_the_population_deviation() {
    let evs: Vec<Value> = [2, 4, 4, 4, 5, 5, 7, 9]
        .iter()
        .map(|x| json!({ "x": x }))
        .collect();
    let r = run_spl(
        "* | stats stdevp(x), stdev(x) | eval s=round('stdev(x)', 4)",
        &ndjson(&evs),
    );
    assert_eq!(col(&r, "stdevp(x)"), ["2"]);
    assert_eq!(col(&r, "s"), ["2.1381"]);
}

// Same page, varp: "Returns the population variance of the field specified"
// (no worked example under its heading). The values above: 32/8 = 4 against
// the sample variance 32/7.
#[test]
fn varp_is_the_population_variance() {
    let evs: Vec<Value> = [2, 4, 4, 4, 5, 5, 7, 9]
        .iter()
        .map(|x| json!({ "x": x }))
        .collect();
    let r = run_spl("* | stats varp(x), var(x)", &ndjson(&evs));
    assert_eq!(col(&r, "varp(x)"), ["4"]);
    assert_eq!(col(&r, "var(x)"), ["4.571428571428571"]);
}

// ---- var (mean's extended example) ---------------------------------------------

// Same page, var: "See the Extended example for the mean() function", which
// runs `source=usgs place=*California* | stats count mean(mag), stdev(mag),
// var(mag) BY magType`; its results give a type with one quake (MbLg, count
// 1) a standard deviation and variance of 0, not an empty cell.
#[test]
fn mean_extended_example_stdev_and_var_by_mag_type() {
    let quakes = ndjson(&[
        json!({"place": "5km N of Fresno, California", "magType": "H", "mag": 1.5}),
        json!({"place": "2km S of Ukiah, California", "magType": "H", "mag": 2.5}),
        json!({"place": "Central California", "magType": "H", "mag": 3.5}),
        json!({"place": "Gulf of Alaska", "magType": "H", "mag": 9}),
        json!({"place": "Northern California", "magType": "MbLg", "mag": 0}),
        json!({"place": "Baja California", "magType": "Md", "mag": 1}),
        json!({"place": "The Geysers, California", "magType": "Md", "mag": 3}),
    ]);
    let r = run_spl(
        "place=*California* | stats count mean(mag), stdev(mag), var(mag) BY magType",
        &quakes,
    );
    assert_eq!(col(&r, "magType"), ["H", "MbLg", "Md"]);
    assert_eq!(col(&r, "count"), ["3", "1", "2"]);
    assert_eq!(col(&r, "mean(mag)"), ["2.5", "0", "2"]);
    // H: deviations -1, 0, 1 → 2/2 = 1; Md: -1, 1 → 2/1 = 2.
    assert_eq!(col(&r, "var(mag)"), ["1", "0", "2"]);
    assert_eq!(col(&r, "stdev(mag)"), ["1", "0", "1.4142135623730951"]);
}

// ---- sumsq -----------------------------------------------------------------------

// Same page, sumsq, basic example: the week's 8 AM temperatures 65 42 40 31
// 47 53 64 and `...|stats mean(temp), sumsq(temp), stdev(temp)`, which the
// page answers with 48.857142857142854, 17664 and 12.615183595289349.
#[test]
fn sumsq_week_of_temperatures() {
    let evs: Vec<Value> = [65, 42, 40, 31, 47, 53, 64]
        .iter()
        .map(|t| json!({ "temp": t }))
        .collect();
    let r = run_spl(
        "* |stats mean(temp), sumsq(temp), stdev(temp)",
        &ndjson(&evs),
    );
    assert_eq!(col(&r, "mean(temp)"), ["48.857142857142854"]);
    assert_eq!(col(&r, "sumsq(temp)"), ["17664"]);
    assert_eq!(col(&r, "stdev(temp)"), ["12.615183595289349"]);
}

// ---- estdc and estdc_error --------------------------------------------------------

/// Nine events over six hosts.
fn hosts() -> String {
    let hs = [
        "www1", "www2", "www1", "www3", "mailsv", "vendor", "www2", "db1", "www1",
    ];
    ndjson(&hs.iter().map(|h| json!({ "host": h })).collect::<Vec<_>>())
}

// Same page, estdc, basic example: `... | stats estdc(host)`, "the results
// look something like" 6. Under 1,000 distinct values Splunk uses the real
// count; the page also says "1.0 and 1 are considered distinct values".
#[test]
fn estdc_of_hosts() {
    let r = run_spl("* | stats estdc(host)", &hosts());
    assert_eq!(col(&r, "estdc(host)"), ["6"]);
    let r = run_spl(
        "* | stats estdc(v)",
        &ndjson(&[json!({"v": "1"}), json!({"v": "1.0"}), json!({"v": "1"})]),
    );
    assert_eq!(col(&r, "estdc(v)"), ["2"]);
}

// Same page, estdc_error, basic example: `... | stats estdc_error(host)`, the
// error ratio |estimate − real| / real of estdc's count, 0 for a count that
// is the real one.
#[test]
fn estdc_error_of_hosts() {
    let r = run_spl(
        "* | stats estdc_error(host), estdc(host), dc(host)",
        &hosts(),
    );
    assert_eq!(col(&r, "estdc_error(host)"), ["0"]);
    assert_eq!(col(&r, "estdc(host)"), col(&r, "dc(host)"));
}

// ---- perc, exactperc, upperperc -------------------------------------------------

// Same page, perc, basic examples: "Consider this list of values Y =
// {10,9,8,7,6,5,4,3,2,1}": `...| stats perc50(Y)` returns 5.5 and `...|
// stats perc95(Y)` 9.55. exactperc ("Examples: See the perc function") gives
// the exact value, and upperperc "returns the same percentile as the perc
// function" below 1,000 values; `p` is perc's abbreviation.
#[test]
fn perc_exactperc_upperperc_basic_examples() {
    let evs: Vec<Value> = (1..=10).rev().map(|y| json!({ "Y": y })).collect();
    let r = run_spl(
        "* | stats perc50(Y) perc95(Y) p95(Y) exactperc50(Y) exactperc95(Y) \
         upperperc50(Y) upperperc95(Y)",
        &ndjson(&evs),
    );
    for f in ["perc50(Y)", "exactperc50(Y)", "upperperc50(Y)"] {
        assert_eq!(col(&r, f), ["5.5"], "{f}");
    }
    for f in ["perc95(Y)", "p95(Y)", "exactperc95(Y)", "upperperc95(Y)"] {
        assert!(close(num(&r, f), 9.55), "{f}: {r:?}");
    }
}

// Same page, perc, extended example: visitors per store hour, `index=
// visitor_count | streamstats sum(visitors) as 'visitors total' | stats
// perc50('visitors total') perc95('visitors total')`, answered with 1996.5
// and 3858.35. The page's running totals add 376 to 3306 as 3673 (and end
// at 4010); summed correctly they end 3682, 4019, so the 95th percentile of
// the search as written is 3682 + 0.55 × 337 = 3867.35, and the page's
// printed totals give its 3858.35.
#[test]
fn perc_extended_example_visitor_totals() {
    let visitors = [
        ("0800", 0),
        ("0900", 212),
        ("1000", 367),
        ("1100", 489),
        ("1200", 624),
        ("1300", 609),
        ("1400", 492),
        ("1500", 513),
        ("1600", 376),
        ("1700", 337),
    ];
    let evs: Vec<Value> = visitors
        .iter()
        .map(|(h, v)| json!({"hour": h, "visitors": v}))
        .collect();
    let r = run_spl(
        "* | streamstats sum(visitors) as 'visitors total' \
         | stats perc50('visitors total') perc95('visitors total')",
        &ndjson(&evs),
    );
    assert!(close(num(&r, "perc50(visitors total)"), 1996.5), "{r:?}");
    assert!(close(num(&r, "perc95(visitors total)"), 3867.35), "{r:?}");
    // The stats step over the running totals as the page prints them.
    let printed = [0, 212, 579, 1068, 1692, 2301, 2793, 3306, 3673, 4010];
    let evs: Vec<Value> = printed.iter().map(|t| json!({"total": t})).collect();
    let r = run_spl("* | stats perc50(total) perc95(total)", &ndjson(&evs));
    assert!(close(num(&r, "perc50(total)"), 1996.5), "{r:?}");
    assert!(close(num(&r, "perc95(total)"), 3858.35), "{r:?}");
}

// ---- range and mode ----------------------------------------------------------------

/// The range example's sales (products, quarter, sales).
fn sales() -> String {
    let rows = [
        ("ProductA", "QTR1", 1200),
        ("ProductB", "QTR1", 1400),
        ("ProductC", "QTR1", 1650),
        ("ProductA", "QTR2", 1425),
        ("ProductB", "QTR2", 1175),
        ("ProductC", "QTR2", 1550),
        ("ProductA", "QTR3", 1300),
        ("ProductB", "QTR3", 1250),
        ("ProductC", "QTR3", 1375),
        ("ProductA", "QTR4", 1550),
        ("ProductB", "QTR4", 1700),
        ("ProductC", "QTR4", 1625),
    ];
    ndjson(
        &rows
            .iter()
            .map(|(p, q, s)| json!({"products": p, "quarter": q, "sales": s}))
            .collect::<Vec<_>>(),
    )
}

// Same page, range, basic example: `source="addtotalsData.csv" | chart
// sum(sales) min(sales) max(sales) range(sales) BY products`. The page's
// result table is the one BY quarter (QTR1 4250 1200 1650 450, QTR2 4150
// 1175 1550 375, QTR3 3925 1250 1375 125, QTR4 4875 1550 1700 150); the
// search as written gives one row per product.
#[test]
fn range_of_sales_by_product_and_by_quarter() {
    let r = run_spl(
        "* | chart sum(sales) min(sales) max(sales) range(sales) BY quarter",
        &sales(),
    );
    assert_eq!(col(&r, "quarter"), ["QTR1", "QTR2", "QTR3", "QTR4"]);
    assert_eq!(col(&r, "sum(sales)"), ["4250", "4150", "3925", "4875"]);
    assert_eq!(col(&r, "min(sales)"), ["1200", "1175", "1250", "1550"]);
    assert_eq!(col(&r, "max(sales)"), ["1650", "1550", "1375", "1700"]);
    assert_eq!(col(&r, "range(sales)"), ["450", "375", "125", "150"]);
    let r = run_spl(
        "* | chart sum(sales) min(sales) max(sales) range(sales) BY products",
        &sales(),
    );
    assert_eq!(col(&r, "products"), ["ProductA", "ProductB", "ProductC"]);
    assert_eq!(col(&r, "sum(sales)"), ["5475", "5525", "6200"]);
    assert_eq!(col(&r, "range(sales)"), ["350", "525", "275"]);
}

// Same page, mode, the second data set: five access_combined events whose
// hosts are www1 www1 www2 www3 www1; `... |stats mode(host)` is www1.
#[test]
fn mode_of_hosts() {
    let evs = ndjson(&[
        json!({"_time": 1586192783, "host": "www1", "sourcetype": "access_combined"}),
        json!({"_time": 1586169259, "host": "www1", "sourcetype": "access_combined"}),
        json!({"_time": 1585921938, "host": "www2", "sourcetype": "access_combined"}),
        json!({"_time": 1585813199, "host": "www3", "sourcetype": "access_combined"}),
        json!({"_time": 1585769758, "host": "www1", "sourcetype": "access_combined"}),
    ]);
    let r = run_spl("* |stats mode(host)", &evs);
    assert_eq!(col(&r, "mode(host)"), ["www1"]);
}

// Same page, mean, basic example: `... | stats mean(kbps)`, "exactly the
// same as the values calculated using the avg() function".
#[test]
fn mean_of_kbps_is_avg() {
    let evs: Vec<Value> = [12.5, 7.5, 30.0, 10.0]
        .iter()
        .map(|k| json!({ "kbps": k }))
        .collect();
    let r = run_spl("* | stats mean(kbps), avg(kbps)", &ndjson(&evs));
    assert_eq!(col(&r, "mean(kbps)"), ["15"]);
    assert_eq!(col(&r, "avg(kbps)"), ["15"]);
}

// ==== Command pages re-read (rows once written from memory) ====================

// ---- eventstats ----------------------------------------------------------------

/// Web access events of one host and another, for the transaction examples.
fn www1_sessions() -> String {
    ndjson(&[
        json!({"_time": 168, "host": "www1", "clientip": "c", "date_minute": 2}),
        json!({"_time": 160, "host": "www1", "clientip": "c", "date_minute": 2}),
        json!({"_time": 112, "host": "www1", "clientip": "b", "date_minute": 1}),
        json!({"_time": 110, "host": "www1", "clientip": "b", "date_minute": 1}),
        json!({"_time": 103, "host": "www1", "clientip": "a", "date_minute": 1}),
        json!({"_time": 100, "host": "www1", "clientip": "a", "date_minute": 1}),
        json!({"_time": 100, "host": "www2", "clientip": "a", "date_minute": 1}),
    ])
}

// eventstats, Basic example 1 "Calculate the overall average duration":
// `host=www1 | transaction clientip host maxspan=30s maxpause=5s |
// eventstats avg(duration) AS avgdur`, and example 2 "…grouped by a specific
// field": the same with `eventstats avg(duration) As avgdur  BY
// date_minute`. Client c's two events are 8 s apart (past maxpause=5s), so
// they are two transactions of duration 0; a's is 3 s, b's 2 s.
#[test]
fn eventstats_average_transaction_duration_overall_and_by_minute() {
    let r = run_spl(
        "host=www1 | transaction clientip host maxspan=30s maxpause=5s \
         | eventstats avg(duration) AS avgdur | table clientip duration avgdur",
        &www1_sessions(),
    );
    assert_eq!(col(&r, "clientip"), ["c", "c", "b", "a"]);
    assert_eq!(col(&r, "duration"), ["0", "0", "2", "3"]);
    assert_eq!(col(&r, "avgdur"), ["1.25"; 4]);
    let r = run_spl(
        "host=www1 | transaction clientip host maxspan=30s maxpause=5s \
         | eventstats avg(duration) As avgdur  BY date_minute | table clientip avgdur",
        &www1_sessions(),
    );
    assert_eq!(col(&r, "clientip"), ["c", "c", "b", "a"]);
    assert_eq!(col(&r, "avgdur"), ["0", "0", "2.5", "2.5"]);
}

/// The eventstats extended example's four events, `age` of the fourth given.
fn ages(fourth: &str) -> String {
    format!(
        "| makeresults count=4 | streamstats count \
         | eval age = case(count=1, 25, count=2, 39, count=3, 31, count=4, {fourth}) \
         | eval city = case(count=1 OR count=3, \"San Francisco\", count=2 OR count=4, \"Seattle\")"
    )
}

// eventstats, Extended example: `| makeresults count=4 | streamstats count |
// eval age = case(count=1, 25, count=2, 39, count=3, 31, count=4, null()) |
// eval city = …` then `| eventstats avg(age) BY city` (San Francisco 28,
// Seattle 39 on both its events), `| eventstats avg(age) AS "average age by
// city" BY city`, the fourth age "test" (treated as null: the same
// averages), and `| eventstats allnum=true avg(age) BY city` (Seattle, with
// "test", gets no average; San Francisco still 28).
#[test]
fn eventstats_extended_example_ages_by_city() {
    let r = run_spl(
        &format!("{} | eventstats avg(age) BY city", ages("null()")),
        "",
    );
    assert_eq!(col(&r, "count"), ["1", "2", "3", "4"]);
    assert_eq!(col(&r, "age"), ["25", "39", "31", ""]);
    assert_eq!(col(&r, "avg(age)"), ["28", "39", "28", "39"]);
    let r = run_spl(
        &format!(
            "{} | eventstats avg(age) AS \"average age by city\" BY city",
            ages("null()")
        ),
        "",
    );
    assert_eq!(col(&r, "average age by city"), ["28", "39", "28", "39"]);
    let r = run_spl(
        &format!("{} | eventstats avg(age) BY city", ages("\"test\"")),
        "",
    );
    assert_eq!(col(&r, "age"), ["25", "39", "31", "test"]);
    assert_eq!(col(&r, "avg(age)"), ["28", "39", "28", "39"]);
    let r = run_spl(
        &format!(
            "{} | eventstats allnum=true avg(age) BY city",
            ages("\"test\"")
        ),
        "",
    );
    assert_eq!(col(&r, "avg(age)"), ["28", "", "28", ""]);
}

// ---- chart ------------------------------------------------------------------------

// chart, Basic examples 1 and 2: `... | chart max(delay) OVER site` and `...
// | chart max(delay) OVER site BY org` (a cell with no events stays empty).
#[test]
fn chart_max_delay_over_site_by_org() {
    let evs = ndjson(&[
        json!({"site": "s1", "org": "o1", "delay": 5}),
        json!({"site": "s1", "org": "o2", "delay": 9}),
        json!({"site": "s2", "org": "o1", "delay": 2}),
    ]);
    let r = run_spl("* | chart max(delay) OVER site", &evs);
    assert_eq!(col(&r, "site"), ["s1", "s2"]);
    assert_eq!(col(&r, "max(delay)"), ["9", "2"]);
    let r = run_spl("* | chart max(delay) OVER site BY org", &evs);
    assert_eq!(col(&r, "site"), ["s1", "s2"]);
    assert_eq!(col(&r, "o1"), ["5", "2"]);
    assert_eq!(col(&r, "o2"), ["9", ""]);
}

// chart, Extended example 1: `source="addtotalsData.csv" | chart sum(sales)
// BY products quarter`, whose table is ProductA 1200 1425 1300 1550, ProductB
// 1400 1175 1250 1700, ProductC 1650 1550 1375 1625.
#[test]
fn chart_sum_of_sales_by_products_and_quarter() {
    let r = run_spl("* | chart sum(sales) BY products quarter", &sales());
    assert_eq!(col(&r, "products"), ["ProductA", "ProductB", "ProductC"]);
    assert_eq!(col(&r, "QTR1"), ["1200", "1400", "1650"]);
    assert_eq!(col(&r, "QTR2"), ["1425", "1175", "1550"]);
    assert_eq!(col(&r, "QTR3"), ["1300", "1250", "1375"]);
    assert_eq!(col(&r, "QTR4"), ["1550", "1700", "1625"]);
}

// chart, Extended example 5 "Chart customer purchases": `sourcetype=access_*
// status=200 action=purchase | chart dc(clientip) OVER date_hour BY
// categoryId usenull=f` — distinct buyers per hour and category, no NULL
// column for a purchase without a category.
#[test]
fn chart_distinct_buyers_over_hour_by_category() {
    let ev = |ip: &str, hour: u32, cat: Option<&str>, status: u32| {
        let mut e = json!({"sourcetype": "access_combined", "status": status,
            "action": "purchase", "clientip": ip, "date_hour": hour});
        if let Some(c) = cat {
            e["categoryId"] = json!(c);
        }
        e
    };
    let evs = ndjson(&[
        ev("a", 0, Some("ARCADE"), 200),
        ev("b", 0, Some("ARCADE"), 200),
        ev("a", 0, Some("ARCADE"), 200),
        ev("a", 1, Some("TEE"), 200),
        ev("c", 1, None, 200),
        ev("d", 1, Some("TEE"), 404),
    ]);
    let r = run_spl(
        "sourcetype=access_* status=200 action=purchase \
         | chart dc(clientip) OVER date_hour BY categoryId usenull=f",
        &evs,
    );
    assert_eq!(col(&r, "date_hour"), ["0", "1"]);
    assert_eq!(col(&r, "ARCADE"), ["2", "0"]);
    assert_eq!(col(&r, "TEE"), ["0", "1"]);
    assert!(r.iter().all(|x| x.get("NULL").is_none()), "{r:?}");
}

// chart, Extended example 6: `source=all_month.csv place=*alaska* mag>=3.5 |
// chart count BY mag place useother=f | rename mag AS Magnitude`.
#[test]
fn chart_alaska_quakes_by_magnitude_and_place() {
    let q = |place: &str, mag: f64| json!({"source": "all_month.csv", "place": place, "mag": mag});
    let evs = ndjson(&[
        q("10km S of Kodiak, Alaska", 3.5),
        q("Gulf of Alaska", 3.5),
        q("Gulf of Alaska", 4.1),
        q("Gulf of Alaska", 3.4),
        q("Central California", 5.0),
    ]);
    let r = run_spl(
        "source=all_month.csv place=*alaska* mag>=3.5 \
         | chart count BY mag place useother=f | rename mag AS Magnitude",
        &evs,
    );
    assert_eq!(col(&r, "Magnitude"), ["3.5", "4.1"]);
    assert_eq!(col(&r, "Gulf of Alaska"), ["1", "1"]);
    assert_eq!(col(&r, "10km S of Kodiak, Alaska"), ["1", "0"]);
}

// ---- stats ------------------------------------------------------------------------

/// Access events: status and host.
fn statuses() -> String {
    let evs: Vec<Value> = [
        ("200", "www1"),
        ("200", "www2"),
        ("200", "www1"),
        ("403", "www2"),
        ("404", "www1"),
    ]
    .iter()
    .map(|(s, h)| json!({"sourcetype": "access_combined", "status": s, "host": h}))
    .collect();
    ndjson(&evs)
}

// stats, Extended example 1 "Compare the difference between using the stats
// and chart commands": `sourcetype=access_* | stats count BY status, host`
// (a row per combination) and `sourcetype=access_* | chart count BY status,
// host` (a column per host, 0 where a status has no event of that host).
#[test]
fn stats_and_chart_count_by_status_and_host() {
    let r = run_spl(
        "sourcetype=access_* | stats count BY status, host",
        &statuses(),
    );
    assert_eq!(col(&r, "status"), ["200", "200", "403", "404"]);
    assert_eq!(col(&r, "host"), ["www1", "www2", "www2", "www1"]);
    assert_eq!(col(&r, "count"), ["2", "1", "1", "1"]);
    let r = run_spl(
        "sourcetype=access_* | chart count BY status, host",
        &statuses(),
    );
    assert_eq!(col(&r, "status"), ["200", "403", "404"]);
    assert_eq!(col(&r, "www1"), ["2", "0", "1"]);
    assert_eq!(col(&r, "www2"), ["1", "1", "0"]);
}

// stats, Extended example 4 "In a table display items sold by ID, type, and
// name and calculate the revenue for each product": `sourcetype=access_*
// status=200 action=purchase | stats values(categoryId) AS Type,
// values(productName) AS "Product Name", sum(price) AS "Revenue" by
// productId | rename productId AS "Product ID" | eval Revenue="$
// ".tostring(Revenue,"commas")`.
#[test]
fn stats_revenue_per_product_with_values_and_commas() {
    let p = |id: &str, cat: &str, name: &str, price: f64, action: &str| {
        json!({"sourcetype": "access_combined", "status": 200, "action": action,
            "productId": id, "categoryId": cat, "productName": name, "price": price})
    };
    let evs = ndjson(&[
        p("WC-SH-G04", "SHOOTER", "World of Cheese", 24.99, "purchase"),
        p("WC-SH-G04", "SHOOTER", "World of Cheese", 24.99, "purchase"),
        p(
            "DC-SG-G02",
            "SIMULATION",
            "Dream Crusher",
            1000.0,
            "purchase",
        ),
        p("DC-SG-G02", "SIMULATION", "Dream Crusher", 1000.0, "view"),
    ]);
    let r = run_spl(
        "sourcetype=access_* status=200 action=purchase \
         | stats values(categoryId) AS Type, values(productName) AS \"Product Name\", sum(price) \
           AS \"Revenue\" by productId \
         | rename productId AS \"Product ID\" \
         | eval Revenue=\"$ \".tostring(Revenue,\"commas\")",
        &evs,
    );
    assert_eq!(col(&r, "Product ID"), ["DC-SG-G02", "WC-SH-G04"]);
    assert_eq!(col(&r, "Type"), ["SIMULATION", "SHOOTER"]);
    assert_eq!(
        col(&r, "Product Name"),
        ["Dream Crusher", "World of Cheese"]
    );
    assert_eq!(col(&r, "Revenue"), ["$ 1,000", "$ 49.98"]);
}

/// Referrers and actions of four access events.
fn referrers() -> String {
    let evs: Vec<Value> = [
        ("a.com", "view"),
        ("a.com", "purchase"),
        ("b.com", "view"),
        ("a.com", "view"),
    ]
    .iter()
    .map(|(r, a)| {
        json!({"sourcetype": "access_combined", "referer": r, "referer_domain": r, "action": a})
    })
    .collect();
    ndjson(&evs)
}

// stats, Extended example 6 "Search Web access logs for the total number of
// hits from the top 10 referring domains": `sourcetype=access_* | top
// limit=10 referer` then `... | stats sum(count) AS total`.
#[test]
fn stats_total_hits_of_the_top_ten_referrers() {
    let r = run_spl("sourcetype=access_* | top limit=10 referer", &referrers());
    assert_eq!(col(&r, "referer"), ["a.com", "b.com"]);
    assert_eq!(col(&r, "count"), ["3", "1"]);
    let r = run_spl(
        "sourcetype=access_* | top limit=10 referer | stats sum(count) AS total",
        &referrers(),
    );
    assert_eq!(col(&r, "total"), ["4"]);
}

// ---- top ----------------------------------------------------------------------------

// top, Example 1 "Return the 20 most common values for a field":
// `sourcetype=access_* | top limit=20 referer` (count and percent), and
// Example 2 "Return top values for one field organized by another field":
// `sourcetype=access_* | top action by referer_domain` (no limit: every
// combination, percent within each referer_domain).
#[test]
fn top_referer_and_action_by_referer_domain() {
    let r = run_spl("sourcetype=access_* | top limit=20 referer", &referrers());
    assert_eq!(col(&r, "referer"), ["a.com", "b.com"]);
    assert_eq!(col(&r, "percent"), ["75.000000", "25.000000"]);
    let r = run_spl(
        "sourcetype=access_* | top action by referer_domain",
        &referrers(),
    );
    assert_eq!(col(&r, "referer_domain"), ["a.com", "a.com", "b.com"]);
    assert_eq!(col(&r, "action"), ["view", "purchase", "view"]);
    assert_eq!(col(&r, "count"), ["2", "1", "1"]);
    assert_eq!(col(&r, "percent"), ["66.666667", "33.333333", "100.000000"]);
}

// ---- sort ---------------------------------------------------------------------------

// sort, Basic example 2 "Specifying the number of results to sort": `... |
// sort 100 -num(size), +str(source)`; example 6 "Use a label with the
// <count>": `... | sort limit=12 host`; Extended example "Specify a custom
// sort order": `... | eval wd=lower(Day) | eval sort_field=case(wd=="monday",1,
// …, wd=="weekend",6) | sort sort_field | fields - sort_field`.
#[test]
fn sort_count_label_and_custom_order_examples() {
    let evs = ndjson(&[
        json!({"size": "10", "source": "b"}),
        json!({"size": "9", "source": "a"}),
        json!({"size": "10", "source": "a"}),
        json!({"size": "100", "source": "c"}),
    ]);
    let r = run_spl("* | sort 100 -num(size), +str(source)", &evs);
    assert_eq!(col(&r, "size"), ["100", "10", "10", "9"]);
    assert_eq!(col(&r, "source"), ["c", "a", "b", "a"]);
    let r = run_spl("* | sort 2 -num(size), +str(source)", &evs);
    assert_eq!(col(&r, "source"), ["c", "a"]);
    let hosts: Vec<Value> = (0..15)
        .map(|k| json!({"host": format!("h{:02}", 14 - k)}))
        .collect();
    let r = run_spl("* | sort limit=12 host", &ndjson(&hosts));
    assert_eq!(r.len(), 12);
    assert_eq!(col(&r, "host")[0], "h00");
    assert_eq!(col(&r, "host")[11], "h11");
    let days = ndjson(&[
        json!({"Day": "Weekend", "Total": 1022}),
        json!({"Day": "Friday", "Total": 120}),
        json!({"Day": "Monday", "Total": 93}),
        json!({"Day": "Wednesday", "Total": 248}),
        json!({"Day": "Tuesday", "Total": 124}),
        json!({"Day": "Thursday", "Total": 356}),
    ]);
    let r = run_spl(
        "* | eval wd=lower(Day) | eval sort_field=case(wd==\"monday\",1, wd==\"tuesday\",2, \
         wd==\"wednesday\",3, wd==\"thursday\",4, wd==\"friday\",5, wd==\"weekend\",6) \
         | sort sort_field | fields - sort_field",
        &days,
    );
    assert_eq!(
        col(&r, "Day"),
        [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Weekend"
        ]
    );
    assert_eq!(col(&r, "Total"), ["93", "124", "248", "356", "120", "1022"]);
    assert!(r.iter().all(|x| x.get("sort_field").is_none()), "{r:?}");
}

// ---- map ----------------------------------------------------------------------------

// map, Basic example 3 "Use the map command with a subsearch": `| makeresults
// count=4 | streamstats count | eval field="hello".count | map [ makeresults
// | eval pony=1,field="$field$",serial="$_serial_id$",hello="buttercup"]`,
// and example 4, the same search escaped in `map search="…"`: one result per
// input row, `$_serial_id$` the number of the search run (1 … 4).
#[test]
fn map_subsearch_and_escaped_search_with_serial_ids() {
    let r = run_spl(
        "| makeresults count=4 | streamstats count | eval field=\"hello\".count \
         | map [ makeresults \
         | eval pony=1,field=\"$field$\",serial=\"$_serial_id$\",hello=\"buttercup\"]",
        "",
    );
    assert_eq!(col(&r, "field"), ["hello1", "hello2", "hello3", "hello4"]);
    assert_eq!(col(&r, "serial"), ["1", "2", "3", "4"]);
    assert_eq!(col(&r, "hello"), ["buttercup"; 4]);
    assert_eq!(col(&r, "pony"), ["1"; 4]);
    let r = run_spl(
        r#"| makeresults count=4 | eval field="hello" | map search="| makeresults | eval pony=1,field=\"$field$\",serial=\"$_serial_id$\",hello=\"buttercup\" ""#,
        "",
    );
    assert_eq!(col(&r, "field"), ["hello"; 4]);
    assert_eq!(col(&r, "serial"), ["1", "2", "3", "4"]);
}
