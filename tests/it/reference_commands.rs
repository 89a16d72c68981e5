//! Issue 18, commands: the documented options and worked examples of the
//! Search Reference pages of the commands spleval runs, each test citing
//! its page. Examples whose searches need Splunk's sample data run here
//! over small inputs shaped like the page's results.

use crate::common::{col, fails, roundtrip, run_spl, spleval};
use serde_json::{json, Value};

// ---- rename -------------------------------------------------------------------

// Search Reference, rename, "Renaming a field that does not exist": "If
// fieldB does exist, the result of the rename is that the data in fieldB is
// removed."
#[test]
fn rename_of_a_missing_field_removes_the_target() {
    let input = crate::common::in_order(&[
        json!({"id": "1", "fieldA": "a", "fieldB": "b"}),
        json!({"id": "2", "fieldB": "b"}),
        json!({"id": "3"}),
    ]);
    let r = run_spl(
        "* | rename fieldA AS fieldB | table id fieldA fieldB",
        &input,
    );
    assert_eq!(col(&r, "fieldB"), ["a", "", ""]);
    assert_eq!(col(&r, "fieldA"), ["", "", ""]);
}

// Search Reference, rename, "You can't merge multiple fields into one field":
// `rename pid AS product_id` overwrites product_id with nulls where pid is absent.
#[test]
fn rename_does_not_merge_fields() {
    let input = crate::common::in_order(&[json!({"pid": "1"}), json!({"product_id": "2"})]);
    let r = run_spl("* | rename pid AS product_id | table product_id", &input);
    assert_eq!(col(&r, "product_id"), ["1", ""]);
}

// Search Reference, rename, Examples 2 and 3, and "Rename multiple, similarly named fields".
#[test]
fn rename_examples() {
    let input = crate::common::in_order(&[
        json!({"usrname": "u", "usrid": "7", "count": "3", "EU_UK": "1", "EU_DE": "2"}),
    ]);
    let r = run_spl(
        "* | rename usr* AS user* | rename count AS \"Count of Events\" | rename EU* AS EMEA* | fields - _time _raw source",
        &input,
    );
    assert_eq!(
        r[0],
        json!({"username": "u", "userid": "7", "Count of Events": "3", "EMEA_UK": "1", "EMEA_DE": "2"})
    );
}

// ---- dedup --------------------------------------------------------------------

/// The page's examples dedup on `source`; events read from stdin all have
/// `source=stdin`, so these carry the value in `src`.
fn sources() -> String {
    crate::common::in_order(&[
        json!({"id": "1", "src": "a", "_size": "10"}),
        json!({"id": "2", "src": "b", "_size": "30"}),
        json!({"id": "3", "src": "a", "_size": "99"}),
        json!({"id": "4", "src": "c", "_size": "20"}),
        json!({"id": "5", "src": "b", "_size": "5"}),
        json!({"id": "6"}),
    ])
}

// Search Reference, dedup, Examples 1 and 2: `dedup source`, `dedup 3 source`.
#[test]
fn dedup_keeps_the_first_per_value() {
    assert_eq!(
        col(&run_spl("* | dedup src", &sources()), "id"),
        ["1", "2", "4"]
    );
    assert_eq!(
        col(&run_spl("* | dedup 2 src", &sources()), "id"),
        ["1", "2", "3", "4", "5"]
    );
}

// Search Reference, dedup, "sortby": "Remove duplicate results with the same
// source value and sort the results by the _size field in descending order"
// (`dedup source sortby -_size`); "The <sort-by-clause> determines which of
// the duplicate events to keep. When the list of events is sorted, the
// top-most event, of the duplicate events in the sorted list, is retained."
#[test]
fn dedup_sortby_sorts_the_kept_results() {
    let r = run_spl("* | dedup src sortby -_size", &sources());
    assert_eq!(col(&r, "id"), ["3", "2", "4"]);
    let r = run_spl("* | dedup src sortby +src", &sources());
    assert_eq!(col(&r, "id"), ["1", "2", "4"]);
    // Several keys and a typed key, as in sort.
    let r = run_spl("* | dedup src sortby num(_size) -src", &sources());
    assert_eq!(col(&r, "id"), ["5", "1", "4"]);
    roundtrip("a | dedup source sortby -_size +str(host)");
}

// Search Reference, dedup, keepempty, keepevents and consecutive.
#[test]
fn dedup_keepempty_keepevents_consecutive() {
    assert_eq!(
        col(&run_spl("* | dedup src keepempty=true", &sources()), "id"),
        ["1", "2", "4", "6"]
    );
    let r = run_spl("* | dedup src keepevents=true | table id src", &sources());
    assert_eq!(col(&r, "id"), ["1", "2", "3", "4", "5"]);
    assert_eq!(col(&r, "src"), ["a", "b", "", "c", ""]);
    let input = crate::common::in_order(&[
        json!({"x": "1"}),
        json!({"x": "1"}),
        json!({"x": "2"}),
        json!({"x": "1"}),
    ]);
    assert_eq!(
        col(&run_spl("* | dedup x consecutive=true", &input), "x"),
        ["1", "2", "1"]
    );
}

// ---- head ---------------------------------------------------------------------

fn seven() -> &'static str {
    "| makeresults count=7 | streamstats count | eval count=if(count=3,null(), count)"
}

// Search Reference, head, Extended example 1, first search: null=true keeps
// the NULL result and goes on; keeplast=true keeps the result (count 5)
// that stopped it.
#[test]
fn head_expression_null_true_keeplast() {
    let r = run_spl(
        &format!("{} | head count<5 keeplast=true null=true", seven()),
        "",
    );
    assert_eq!(col(&r, "count"), ["1", "2", "", "4", "5"]);
}

// Search Reference, head, Extended example 1, second search: null=false stops
// at the NULL result, which keeplast=true keeps.
#[test]
fn head_expression_null_false_keeplast() {
    let r = run_spl(
        &format!("{} | head count<5 keeplast=true null=false", seven()),
        "",
    );
    assert_eq!(col(&r, "count"), ["1", "2", ""]);
    // keeplast=false (the default) drops it.
    let r = run_spl(&format!("{} | head (count<5)", seven()), "");
    assert_eq!(col(&r, "count"), ["1", "2"]);
    let r = run_spl(&format!("{} | head (count<5) null=true", seven()), "");
    assert_eq!(col(&r, "count"), ["1", "2", "", "4"]);
}

// Search Reference, head, "Setting limits" and "Using an <eval-expression>":
// `head limit=10 (1==1)` returns up to 10; `head limit=10 (0==1)` none; a
// number and limit= together are an error.
#[test]
fn head_limits_and_expressions() {
    let many = "| makeresults count=12 | streamstats count";
    assert_eq!(
        run_spl(&format!("{many} | head limit=10 (1==1)"), "").len(),
        10
    );
    assert_eq!(
        run_spl(&format!("{many} | head limit=10 (0==1)"), "").len(),
        0
    );
    assert_eq!(run_spl(&format!("{many} | head 3 (count<10)"), "").len(), 3);
    // An expression alone has no default limit of 10.
    assert_eq!(run_spl(&format!("{many} | head (count<12)"), "").len(), 11);
    // Basic example 1 and 2.
    assert_eq!(run_spl(&format!("{many} | head 20"), "").len(), 12);
    let r = run_spl(
        "| makeresults count=5 | streamstats count | eval _time=count*40 | streamstats range(_time) as timerange | head (timerange<100)",
        "",
    );
    assert_eq!(col(&r, "count"), ["1", "2", "3"]);
    let (code, err) = fails("| makeresults | head 5 limit=5");
    assert_eq!(code, 2);
    insta::assert_snapshot!("head_number_and_limit", err);
    let (code, err) = fails("| makeresults | head keeplast=true");
    assert_eq!(code, 2);
    insta::assert_snapshot!("head_keeplast_without_expression", err);
    roundtrip("a | head 5 (count < 5) keeplast=true null=false");
    roundtrip("a | head count<5 keeplast=true");
    roundtrip("a | head limit=3");
}

// ---- filldown -----------------------------------------------------------------

// Search Reference, filldown, Examples 1–3.
#[test]
fn filldown_examples() {
    let input = crate::common::in_order(&[
        json!({"id": "1", "count": "1", "score1": "a", "other": "x"}),
        json!({"id": "2"}),
        json!({"id": "3", "count": "3"}),
        json!({"id": "4", "score2": "z"}),
    ]);
    // Example 1: every field.
    let r = run_spl("* | filldown | table id count score1 other score2", &input);
    assert_eq!(col(&r, "count"), ["1", "1", "3", "3"]);
    assert_eq!(col(&r, "other"), ["x", "x", "x", "x"]);
    // No earlier value: left empty.
    assert_eq!(col(&r, "score2"), ["", "", "", "z"]);
    // Example 2: count only.
    let r = run_spl("* | filldown count | table id count score1", &input);
    assert_eq!(col(&r, "count"), ["1", "1", "3", "3"]);
    assert_eq!(col(&r, "score1"), ["a", "", "", ""]);
    // Example 3: count and score*.
    let r = run_spl(
        "* | filldown count score* | table id count score1 other",
        &input,
    );
    assert_eq!(col(&r, "score1"), ["a", "a", "a", "a"]);
    assert_eq!(col(&r, "other"), ["x", "", "", ""]);
    roundtrip("a | filldown count score*");
    roundtrip("a | filldown");
}

// ---- convert ------------------------------------------------------------------

// Search Reference, convert, num(): "Like auto(), except non-convertible
// values are removed."; auto(): "if not all values of a particular field can
// be converted …, the field is left untouched".
#[test]
fn convert_num_removes_what_does_not_convert() {
    let r = run_spl(
        "| makeresults | eval a=\"12\", b=\"abc\", c=\"1,024\", d=split(\"1,x\", \",\"), e=\"abc\" | convert num(a) num(b) num(c) num(d) auto(e) num(e) AS e2 | fields - _time",
        "",
    );
    assert_eq!(r[0], json!({"a": 12, "c": 1024, "d": 1, "e": "abc"}));
    let r = run_spl(
        "| makeresults | eval d=split(\"1,x\", \",\") | convert auto(d) | fields - _time",
        "",
    );
    assert_eq!(r[0], json!({"d": ["1", "x"]}));
}

// Search Reference, convert, Basic examples 2, 4, 5, 6 and Extended example 3.
#[test]
fn convert_examples() {
    let input = crate::common::in_order(&[json!({
        "src_ip": "10", "n": "5", "delay": "00:10:15", "duration": "212 sec",
        "virt": "2m", "time_elapsed": "00:01:30"
    })]);
    // Example 2: everything but src_ip.
    let r = run_spl("* | convert auto(*) none(src_ip) | fields - _time", &input);
    assert_eq!(r[0]["src_ip"], json!("10"));
    assert_eq!(r[0]["n"], json!(5));
    // Example 4: dur2sec.
    let r = run_spl("* | convert dur2sec(delay) | table delay", &input);
    assert_eq!(r[0]["delay"], json!(615));
    // Example 5: rmunit.
    let r = run_spl("* | convert rmunit(duration) | table duration", &input);
    assert_eq!(col(&r, "duration"), ["212"]);
    // Example 6: memk.
    let r = run_spl("* | convert memk(virt) | table virt", &input);
    assert_eq!(r[0]["virt"], json!(2048));
    // Extended example 3: num() of an HH:MM:SS time, then summed in minutes.
    let r = run_spl(
        "* | convert num(time_elapsed) | stats sum(eval(time_elapsed/60)) AS Minutes",
        &input,
    );
    assert_eq!(r[0]["Minutes"], json!(1.5));
}

// ---- accum, delta, autoregress ------------------------------------------------

fn views() -> String {
    crate::common::in_order(&[
        json!({"productId": "DB-SG-G01", "views": "1796"}),
        json!({"productId": "DC-SG-G02", "views": "1642"}),
        json!({"productId": "FS-SG-G03", "views": "1482"}),
        json!({"productId": "PZ-SG-G05", "views": "1300"}),
    ])
}

// Search Reference, accum, Basic example 1: `accum views as TotalViews`.
#[test]
fn accum_running_total() {
    let r = run_spl("* | accum views as TotalViews", &views());
    assert_eq!(col(&r, "TotalViews"), ["1796", "3438", "4920", "6220"]);
    // Without AS the field itself becomes the total; non-numbers pass unchanged.
    let input = crate::common::in_order(&[json!({"v": "1"}), json!({"v": "x"}), json!({"v": "2"})]);
    assert_eq!(col(&run_spl("* | accum v", &input), "v"), ["1", "x", "3"]);
    roundtrip("a | accum views AS TotalViews");
}

// Search Reference, delta, Extended example 1 (the page's table of top
// clientip counts) and Basic examples 2 and 3.
#[test]
fn delta_examples() {
    let counts = ["134", "95", "91", "72", "60", "60", "56", "49", "48", "46"];
    let input = crate::common::in_order(
        &counts
            .iter()
            .map(|c| json!({"count": c}))
            .collect::<Vec<_>>(),
    );
    let r = run_spl("* | delta count p=1", &input);
    assert_eq!(
        col(&r, "delta(count)"),
        ["", "-39", "-4", "-19", "-12", "0", "-4", "-7", "-1", "-2"]
    );
    let r = run_spl("* | delta count p=3", &input);
    assert_eq!(col(&r, "delta(count)")[..5], ["", "", "", "-62", "-35"]);
    let r = run_spl("* | delta count AS countdiff", &input);
    assert_eq!(col(&r, "countdiff")[1], "-39");
    // "If <field> is not a numeric field, no output field is generated."
    let input = crate::common::in_order(&[json!({"c": "1"}), json!({"c": "x"}), json!({"c": "4"})]);
    assert_eq!(
        col(&run_spl("* | delta c", &input), "delta(c)"),
        ["", "", "3"]
    );
    roundtrip("a | delta count AS countdiff p=3");
    let (code, err) = fails("| makeresults | delta count p=0");
    assert_eq!(code, 2);
    insta::assert_snapshot!("delta_p_out_of_range", err);
}

// Search Reference, autoregress, Examples 1–3.
#[test]
fn autoregress_examples() {
    let input = crate::common::in_order(
        &(1..=6)
            .map(|k| json!({"ip": format!("10.0.0.{k}"), "count": k.to_string()}))
            .collect::<Vec<_>>(),
    );
    // Example 1: the 3rd previous ip into old_ip.
    let r = run_spl("* | autoregress ip AS old_ip p=3", &input);
    assert_eq!(
        col(&r, "old_ip"),
        ["", "", "", "10.0.0.1", "10.0.0.2", "10.0.0.3"]
    );
    // Example 2: count_p2 … count_p5.
    let r = run_spl("* | autoregress count p=2-5", &input);
    assert_eq!(col(&r, "count_p2"), ["", "", "1", "2", "3", "4"]);
    assert_eq!(col(&r, "count_p5"), ["", "", "", "", "", "1"]);
    assert!(r[5].get("count_p1").is_none());
    // Example 3: a moving average, null for the first results.
    let r = run_spl(
        "* | eval rawlen=count*10 | autoregress rawlen p=1-4 | eval moving_average=(rawlen + rawlen_p1 + rawlen_p2 + rawlen_p3 +rawlen_p4 ) /5",
        &input,
    );
    assert_eq!(col(&r, "moving_average"), ["", "", "", "", "30", "40"]);
    // Default p=1 into <field>_p1.
    assert_eq!(
        col(&run_spl("* | autoregress count", &input), "count_p1")[1],
        "1"
    );
    roundtrip("a | autoregress count p=2-5");
    let (code, err) = fails("| makeresults | autoregress count AS c p=2-5");
    assert_eq!(code, 2);
    insta::assert_snapshot!("autoregress_as_with_a_range", err);
    let (code, err) = fails("| makeresults | autoregress count p=1-100000");
    assert_eq!(code, 2);
    insta::assert_snapshot!("autoregress_p_too_far", err);
}

// ---- reverse ------------------------------------------------------------------

// Search Reference, reverse: "Reverses the order of the results."
#[test]
fn reverse_reverses() {
    let input =
        crate::common::in_order(&[json!({"id": "1"}), json!({"id": "2"}), json!({"id": "3"})]);
    assert_eq!(col(&run_spl("* | reverse", &input), "id"), ["3", "2", "1"]);
    assert_eq!(col(&run_spl("* | reverse | head 1", &input), "id"), ["3"]);
    roundtrip("a | reverse");
}

// ---- xyseries, untable --------------------------------------------------------

fn top_categories() -> String {
    crate::common::in_order(&[
        json!({"categoryId": "STRATEGY", "count": "806", "percent": "30.495649"}),
        json!({"categoryId": "ARCADE", "count": "493", "percent": "18.653046"}),
        json!({"categoryId": "TEE", "count": "367", "percent": "13.885736"}),
        json!({"categoryId": "SPORTS", "count": "138", "percent": "5.221339"}),
    ])
}

// Search Reference, xyseries, Example (`top categoryId | xyseries categoryId count percent`).
#[test]
fn xyseries_example() {
    let r = run_spl("* | xyseries categoryId count percent", &top_categories());
    assert_eq!(
        col(&r, "categoryId"),
        ["ARCADE", "SPORTS", "STRATEGY", "TEE"]
    );
    assert_eq!(r[0], json!({"categoryId": "ARCADE", "493": "18.653046"}));
    assert_eq!(r[1], json!({"categoryId": "SPORTS", "138": "5.221339"}));
    let keys: Vec<&String> = r[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["categoryId", "493"]);
    roundtrip("a | xyseries grouped=false categoryId count percent sep=\"-\"");
    roundtrip("a | maketable clientip referer_domain count(host), count(productId) format=\"$AGG$ + $VAL$ TEST\"");
}

// Search Reference, xyseries, Extended example: several data fields, with
// the default name format ("separates the field name and field value by the
// default ":" … looks like count(host):referrer_domain"), sep= and format=
// (which wins over sep).
#[test]
fn xyseries_several_data_fields() {
    let input = crate::common::in_order(&[
        json!({"clientip": "1.1.1.1", "referer_domain": "a.com", "count(host)": "2", "count(productId)": "1"}),
        json!({"clientip": "1.1.1.1", "referer_domain": "b.com", "count(host)": "3", "count(productId)": "0"}),
        json!({"clientip": "2.2.2.2", "referer_domain": "a.com", "count(host)": "4", "count(productId)": "4"}),
    ]);
    let base = "* | xyseries clientip referer_domain count(host), count(productId)";
    let r = run_spl(base, &input);
    assert_eq!(r.len(), 2);
    assert_eq!(r[0]["count(host):a.com"], json!("2"));
    assert_eq!(r[0]["count(productId):b.com"], json!("0"));
    assert!(r[1].get("count(host):b.com").is_none());
    let r = run_spl(&format!("{base} sep=\"-\""), &input);
    assert_eq!(r[0]["count(host)-a.com"], json!("2"));
    let r = run_spl(
        &format!("{base} sep=\"-\" format=\"$AGG$ + $VAL$ TEST\""),
        &input,
    );
    assert_eq!(r[0]["count(host) + a.com TEST"], json!("2"));
}

// Search Reference, untable, Example (`untable _time FieldName FieldValue`)
// and the round trip through xyseries with a record number.
#[test]
fn untable_example_and_back() {
    let input = crate::common::in_order(&[
        json!({"recno": "1", "EventCode": "4136", "Message": "Too late now"}),
        json!({"recno": "2", "EventCode": "1234", "Message": "I dont know"}),
    ]);
    let r = run_spl(
        "* | fields - source | untable recno FieldName FieldValue",
        &input,
    );
    assert_eq!(
        r,
        [
            json!({"recno": "1", "FieldName": "EventCode", "FieldValue": "4136"}),
            json!({"recno": "1", "FieldName": "Message", "FieldValue": "Too late now"}),
            json!({"recno": "2", "FieldName": "EventCode", "FieldValue": "1234"}),
            json!({"recno": "2", "FieldName": "Message", "FieldValue": "I dont know"}),
        ]
    );
    let r = run_spl(
        "* | fields - source | untable recno FieldName FieldValue | xyseries recno FieldName FieldValue",
        &input,
    );
    assert_eq!(
        r[1],
        json!({"recno": "2", "EventCode": "1234", "Message": "I dont know"})
    );
    roundtrip("a | untable _time FieldName FieldValue");
    let (code, err) = fails("| makeresults | untable a b");
    assert_eq!(code, 2);
    insta::assert_snapshot!("untable_needs_three_fields", err);
}

// ---- transpose ----------------------------------------------------------------

// Search Reference, transpose: int (default 5, 0 for all), column_name,
// header_field, include_empty.
#[test]
fn transpose_options() {
    let input = crate::common::in_order(
        &(1..=7)
            .map(|k| json!({"host": format!("h{k}"), "count": k.to_string()}))
            .collect::<Vec<_>>(),
    );
    let r = run_spl("* | table host count | transpose", &input);
    assert_eq!(col(&r, "column"), ["host", "count"]);
    assert_eq!(r[0]["row 1"], json!("h1"));
    assert_eq!(r[0]["row 5"], json!("h5"));
    assert!(r[0].get("row 6").is_none());
    let r = run_spl("* | table host count | transpose 0", &input);
    assert_eq!(r[1]["row 7"], json!("7"));
    let r = run_spl(
        "* | table host count | transpose 2 column_name=field header_field=host",
        &input,
    );
    assert_eq!(r, [json!({"field": "count", "h1": "1", "h2": "2"})]);
    let input = crate::common::in_order(&[json!({"a": "1", "b": ""}), json!({"a": "2"})]);
    assert_eq!(
        col(&run_spl("* | fields a b | transpose", &input), "column"),
        ["a", "b"]
    );
    assert_eq!(
        col(
            &run_spl("* | fields a b | transpose include_empty=false", &input),
            "column"
        ),
        ["a"]
    );
    roundtrip("a | transpose 3 column_name=\"name\" header_field=host include_empty=false");
    let (code, err) = fails("| makeresults | transpose 1000000");
    assert_eq!(code, 2);
    insta::assert_snapshot!("transpose_too_many_columns", err);
}

// ---- gentimes -----------------------------------------------------------------

fn gentimes(spl: &str, tz: &str) -> Vec<Value> {
    let out = spleval()
        .args([
            "run",
            "--now",
            "1700000000",
            "--tz",
            tz,
            "--format",
            "json",
            "--spl",
            spl,
        ])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    crate::common::rows(&out.stdout)
}

// Search Reference, gentimes, Example 1: the page's results, in its zone (US Pacific).
#[test]
fn gentimes_example_1() {
    let r = gentimes("| gentimes start=4/4/21 end=4/7/21", "America/Los_Angeles");
    assert_eq!(
        col(&r, "starttime"),
        ["1617519600", "1617606000", "1617692400"]
    );
    assert_eq!(
        col(&r, "endtime"),
        ["1617605999", "1617692399", "1617778799"]
    );
    assert_eq!(
        col(&r, "starthuman"),
        [
            "Sun Apr 4 00:00:00 2021",
            "Mon Apr 5 00:00:00 2021",
            "Tue Apr 6 00:00:00 2021"
        ]
    );
    assert_eq!(col(&r, "endhuman")[0], "Sun Apr 4 23:59:59 2021");
}

// Search Reference, gentimes, Examples 2, 3, 4 and 5.
#[test]
fn gentimes_other_examples() {
    // now = 2023-11-14T22:13:20Z; today's midnight (UTC) = 1699920000.
    let r = gentimes("| gentimes start=-30 end=-27", "UTC");
    assert_eq!(r.len(), 3);
    assert_eq!(
        col(&r, "starttime")[0],
        (1699920000 - 30 * 86400).to_string()
    );
    let r = gentimes("| gentimes start=12/1/21 end=12/5/21 increment=1h", "UTC");
    assert_eq!(r.len(), 96);
    assert_eq!(col(&r, "endhuman")[0], "Wed Dec 1 00:59:59 2021");
    // Only a start: up to today's midnight.
    let r = gentimes("| gentimes start=11/10/23", "UTC");
    assert_eq!(r.len(), 4);
    let r = gentimes("| gentimes start=12/1/21 end=4/30/22 increment=7d", "UTC");
    assert_eq!(r.len(), 22);
    let r = gentimes("| gentimes start=4/1/21:12:34:56 end=4/2/21", "UTC");
    assert_eq!(col(&r, "starthuman"), ["Thu Apr 1 12:34:56 2021"]);
    roundtrip("| gentimes start=4/4/21 end=4/7/21 increment=1h");
    let (code, err) = fails("| gentimes start=1/1/1000 increment=1s");
    assert_eq!(code, 2);
    insta::assert_snapshot!("gentimes_too_many_results", err);
    let (code, err) = fails("| gentimes start=yesterday");
    assert_eq!(code, 2);
    insta::assert_snapshot!("gentimes_bad_timestamp", err);
}

// ---- fillnull -----------------------------------------------------------------

// Search Reference, fillnull, examples: every field with 0; `value=unknown
// host kbps`; `value=NULL` after a table of series.
#[test]
fn fillnull_examples() {
    let input =
        crate::common::in_order(&[json!({"host": "a", "kbps": "1"}), json!({"other": "x"})]);
    let r = run_spl("* | fillnull | table host kbps other", &input);
    assert_eq!(col(&r, "host"), ["a", "0"]);
    assert_eq!(col(&r, "other"), ["0", "x"]);
    let r = run_spl(
        "* | fillnull value=unknown host kbps | table host kbps other",
        &input,
    );
    assert_eq!(col(&r, "kbps"), ["1", "unknown"]);
    assert_eq!(col(&r, "other"), ["", "x"]);
    let r = run_spl("* | fillnull value=NULL | table host", &input);
    assert_eq!(col(&r, "host"), ["a", "NULL"]);
}

// ---- not run: geostats, metadata, tags, typer -----------------------------------

#[test]
fn unavailable_commands_say_why() {
    for spl in [
        "* | geostats latfield=lat longfield=lon count by host",
        "| metadata type=sourcetypes index=main",
        "* | tags outputfield=t host",
        "* | typer",
    ] {
        roundtrip(spl);
    }
    let (code, err) = fails("| makeresults | geostats count");
    assert_eq!(code, 2);
    insta::assert_snapshot!("geostats_not_run", err);
    let (code, err) = fails("| metadata type=hosts");
    assert_eq!(code, 2);
    insta::assert_snapshot!("metadata_not_run", err);
    let (code, err) = fails("| makeresults | typer eventtype=x");
    assert_eq!(code, 2);
    insta::assert_snapshot!("typer_unknown_option", err);
}

// ---- mvexpand -----------------------------------------------------------------

// Search Reference, mvexpand, Examples 1–3 (Example 3: two multivalue fields
// zipped with mvzip, expanded, then split again with rex).
#[test]
fn mvexpand_examples() {
    let input = crate::common::ndjson(&[
        json!({"_time": 1522541483, "_raw": "2018-04-01 00:11:23 a=22 b=21 a=23 b=32 a=51 b=24"}),
        json!({"_time": 1522541482, "_raw": "2018-04-01 00:11:22 a=1 b=2 a=2 b=3 a=5 b=2"}),
    ]);
    let r = run_spl(
        "* | rex field=_raw \"a=(?<a>\\d+)\" max_match=5 | rex field=_raw \"b=(?<b>\\d+)\" max_match=5 \
         | eval fields = mvzip(a,b) | mvexpand fields | rex field=fields \"(?<alpha>\\d+),(?<beta>\\d+)\" \
         | table _time alpha beta",
        &input,
    );
    assert_eq!(col(&r, "alpha"), ["22", "23", "51", "1", "2", "5"]);
    assert_eq!(col(&r, "beta"), ["21", "32", "24", "2", "3", "2"]);
    // Examples 1 and 2: every value, or the first N.
    let mv = "| makeresults | eval foo=split(\"a,b,c\", \",\")";
    assert_eq!(
        col(&run_spl(&format!("{mv} | mvexpand foo"), ""), "foo"),
        ["a", "b", "c"]
    );
    assert_eq!(
        col(&run_spl(&format!("{mv} | mvexpand foo limit=2"), ""), "foo"),
        ["a", "b"]
    );
}

// ---- makecontinuous -----------------------------------------------------------

// Search Reference, makecontinuous, Example 1 (`makecontinuous _time span=10m`):
// the missing spans between the first and last get results of their own.
#[test]
fn makecontinuous_fills_missing_spans() {
    let input = crate::common::ndjson(&[
        json!({"_time": 600, "count": "1"}),
        json!({"_time": 2410, "count": "2"}),
        json!({"_time": 1250, "count": "3"}),
    ]);
    let r = run_spl(
        "* | table _time count | makecontinuous _time span=10m",
        &input,
    );
    assert_eq!(col(&r, "count"), ["1", "3", "", "2"]);
    assert_eq!(col(&r, "_time"), ["600", "1200", "1800", "2400"]);
    let r = run_spl("| makeresults | eval x=split(\"3,17\", \",\") | mvexpand x | makecontinuous x span=5 start=0 | table x", "");
    assert_eq!(col(&r, "x"), ["0", "5", "10", "15"]);
    roundtrip("a | makecontinuous _time span=10m");
    let (code, err) = fails("| makeresults | makecontinuous bins=10");
    assert_eq!(code, 2);
    insta::assert_snapshot!("makecontinuous_needs_span", err);
}

// ---- sort, tail, top ------------------------------------------------------------

fn mixed() -> String {
    crate::common::in_order(&[
        json!({"a": "10", "b": "x", "ip": "10.0.0.10", "size": "5"}),
        json!({"a": "9", "b": "Y", "ip": "10.0.0.9", "size": "50"}),
        json!({"a": "abc", "b": "y", "ip": "9.1.1.1", "size": "5"}),
        json!({"b": "Z", "size": "7"}),
    ])
}

// Search Reference, sort, "Sort order": numbers sort numerically and before
// text, text lexicographically with upper case before lower case; missing
// values last. Examples: `sort num(ip), -str(url)`, `sort 100 -size, +source`,
// `sort 1 -_time`, and `desc` reversing the whole order.
#[test]
fn sort_documented_forms() {
    assert_eq!(
        col(&run_spl("* | sort a", &mixed()), "a"),
        ["9", "10", "abc", ""]
    );
    assert_eq!(
        col(&run_spl("* | sort b", &mixed()), "b"),
        ["Y", "Z", "x", "y"]
    );
    assert_eq!(
        col(&run_spl("* | sort str(a)", &mixed()), "a"),
        ["10", "9", "abc", ""]
    );
    assert_eq!(
        col(&run_spl("* | sort ip(ip)", &mixed()), "ip"),
        ["9.1.1.1", "10.0.0.9", "10.0.0.10", ""]
    );
    assert_eq!(
        col(&run_spl("* | sort 3 -size, +b", &mixed()), "b"),
        ["Y", "Z", "x"]
    );
    assert_eq!(col(&run_spl("* | sort 1 -_time", &mixed()), "a"), ["10"]);
    assert_eq!(
        col(&run_spl("* | sort -size, b desc", &mixed()), "b"),
        ["y", "x", "Z", "Y"]
    );
    assert_eq!(run_spl("* | sort 0 b", &mixed()).len(), 4);
}

// Search Reference, tail: "Returns the last N number of specified results.
// The events are returned in reverse order"; default 10.
#[test]
fn tail_returns_the_last_in_reverse() {
    assert_eq!(col(&run_spl("* | tail 2", &mixed()), "b"), ["Z", "y"]);
    assert_eq!(run_spl("* | tail", &mixed()).len(), 4);
}

// Search Reference, top: limit/N, countfield, percentfield, showcount,
// showperc, useother with otherstr, and BY.
#[test]
fn top_options() {
    let input = crate::common::in_order(&[
        json!({"u": "a", "h": "1"}),
        json!({"u": "a", "h": "1"}),
        json!({"u": "b", "h": "2"}),
        json!({"u": "c", "h": "2"}),
    ]);
    let r = run_spl("* | top limit=1 u", &input);
    assert_eq!(r, [json!({"u": "a", "count": 2, "percent": "50.000000"})]);
    let r = run_spl("* | top 1 u countfield=n percentfield=p showperc=f", &input);
    assert_eq!(r, [json!({"u": "a", "n": 2})]);
    let r = run_spl("* | top 1 u showcount=f useother=t otherstr=REST", &input);
    assert_eq!(col(&r, "u"), ["a", "REST"]);
    assert!(r[0].get("count").is_none());
    let r = run_spl("* | top 1 u by h", &input);
    assert_eq!(col(&r, "h"), ["1", "2"]);
    assert_eq!(col(&r, "count"), ["2", "1"]);
}

// ---- rex, regex, makemv, replace ------------------------------------------------

// Search Reference, rex: mode=sed (the page's credit-card masking example),
// max_match=0 (no limit: a multivalue), offset_field.
#[test]
fn rex_documented_options() {
    let r = run_spl(
        "| makeresults | eval ccnumber=\"1234-5678-9012-3456\" | rex field=ccnumber mode=sed \"s/(\\d{4}-){3}/XXXX-XXXX-XXXX-/g\" | table ccnumber",
        "",
    );
    assert_eq!(col(&r, "ccnumber"), ["XXXX-XXXX-XXXX-3456"]);
    let r = run_spl(
        "| makeresults | eval _raw=\"from: a@x.com to: b@y.com\" | rex max_match=0 \"(?<email>\\w+@\\w+\\.com)\" | table email",
        "",
    );
    assert_eq!(r[0]["email"], json!(["a@x.com", "b@y.com"]));
    let r = run_spl(
        "| makeresults | eval _raw=\"user=bob\" | rex \"user=(?<u>\\w+)\" offset_field=off | table u off",
        "",
    );
    assert_eq!(r[0], json!({"u": "bob", "off": "u=5-7"}));
}

// Search Reference, regex: `<field>!=<regex>` keeps the results that do not match.
#[test]
fn regex_not_equal() {
    let r = run_spl(
        "| makeresults count=3 | streamstats count | regex count!=\"^2$\" | table count",
        "",
    );
    assert_eq!(col(&r, "count"), ["1", "3"]);
}

// Search Reference, makemv: delim=, allowempty=, tokenizer=.
#[test]
fn makemv_options() {
    let mv = |e: &str, c: &str| {
        run_spl(
            &format!("| makeresults | eval senders=\"{e}\" | makemv {c} senders | table senders"),
            "",
        )[0]["senders"]
            .clone()
    };
    assert_eq!(mv("a,b,c", "delim=\",\""), json!(["a", "b", "c"]));
    assert_eq!(
        mv("a,b,,c", "delim=\",\" allowempty=true"),
        json!(["a", "b", "", "c"])
    );
    assert_eq!(
        mv("ab12,cd34,", "tokenizer=\"([[:alpha:]]+)\\d+,\""),
        json!(["ab", "cd"])
    );
}

// Search Reference, replace: wildcards in the old value, several pairs,
// and `*` in both moving the matched part.
#[test]
fn replace_examples() {
    let r = run_spl(
        "| makeresults | eval host=\"my.localhost\", lvl=\"0\" | replace *localhost WITH localhost IN host | replace 0 WITH Critical, 1 WITH Error IN lvl | table host lvl",
        "",
    );
    assert_eq!(r[0], json!({"host": "localhost", "lvl": "Critical"}));
    let r = run_spl(
        "| makeresults | eval host=\"aaa localhost\" | replace \"* localhost\" WITH \"localhost *\" IN host | table host",
        "",
    );
    assert_eq!(col(&r, "host"), ["localhost aaa"]);
}

// ---- eventstats, streamstats, addtotals, fields -----------------------------------

fn hb() -> String {
    crate::common::in_order(&[
        json!({"h": "a", "b": "10"}),
        json!({"h": "a", "b": "20"}),
        json!({"h": "b", "b": "5"}),
        json!({"h": "b", "b": "x"}),
    ])
}

// Search Reference, eventstats: BY adds each group's aggregate to its
// results; allnum=true computes a field's numeric statistics only where all
// its values are numbers.
#[test]
fn eventstats_by_and_allnum() {
    let r = run_spl("* | eventstats avg(b) AS avgb by h | table h b avgb", &hb());
    assert_eq!(col(&r, "avgb"), ["15", "15", "5", "5"]);
    let r = run_spl(
        "* | eventstats allnum=t avg(b) AS avgb by h | table h b avgb",
        &hb(),
    );
    assert_eq!(col(&r, "avgb"), ["15", "15", "", ""]);
}

// Search Reference, streamstats: current=false with window=1 (the previous
// value), reset_on_change with BY.
#[test]
fn streamstats_current_window_reset() {
    let r = run_spl(
        "* | streamstats current=f window=1 last(b) AS prev | table b prev",
        &hb(),
    );
    assert_eq!(col(&r, "prev"), ["", "10", "20", "5"]);
    let r = run_spl(
        "* | streamstats reset_on_change=t count by h | table h count",
        &hb(),
    );
    assert_eq!(col(&r, "count"), ["1", "2", "1", "2"]);
}

// Search Reference, addtotals: fieldname= for row totals (non-numbers not
// summed); col=true adds a totals row labelled through labelfield/label.
#[test]
fn addtotals_row_and_col() {
    let r = run_spl(
        "* | table h b | addtotals fieldname=tot | addtotals col=t row=f labelfield=h label=ALL",
        &hb(),
    );
    assert_eq!(col(&r, "tot"), ["10", "20", "5", "", "35"]);
    assert_eq!(r[4]["h"], json!("ALL"));
    assert_eq!(r[4]["b"], json!(35));
}

// Search Reference, fields: `fields -` removes; `fields +` keeps the named
// fields and the internal `_raw` and `_time` (removed only when named with `-`).
#[test]
fn fields_keeps_internal_fields() {
    let r = run_spl("* | fields - b | fields + h", &hb());
    assert!(r[0].get("b").is_none());
    assert!(r[0].get("_raw").is_some() && r[0].get("_time").is_some());
    let r = run_spl("* | fields - _* | fields h", &hb());
    assert_eq!(r[0], json!({"h": "a"}));
}

// ---- bin ----------------------------------------------------------------------

// Search Reference, bin, Examples 1, 2 and 4, and the aliases (`bucket`
// per its Usage; `discretize` per the command quick reference).
#[test]
fn bin_examples() {
    let input = crate::common::ndjson(&[
        json!({"_time": 1700000000, "host": "a", "thruput": "10", "size": "3"}),
        json!({"_time": 1700000100, "host": "a", "thruput": "20", "size": "57"}),
        json!({"_time": 1700000400, "host": "b", "thruput": "30", "size": "99"}),
    ]);
    let r = run_spl(
        "* | bin _time span=5m | stats avg(thruput) by _time host",
        &input,
    );
    assert_eq!(col(&r, "_time"), ["1699999800", "1700000100", "1700000400"]);
    let r = run_spl("* | bin size bins=10 | stats count(_raw) by size", &input);
    assert_eq!(col(&r, "size"), ["0-10", "50-60", "90-100"]);
    // 3am-aligned 12h bins (now is 2023-11-14 22:13 UTC): the 3pm bin, 1699974000.
    let r = run_spl(
        "* | bin _time span=12h aligntime=@d+3h | stats count by _time",
        &input,
    );
    assert_eq!(col(&r, "_time"), ["1699974000"]);
    for alias in ["bucket", "discretize"] {
        let r = run_spl(&format!("* | {alias} size span=10 | table size"), &input);
        assert_eq!(col(&r, "size"), ["90-100", "50-60", "0-10"]);
    }
}

// Search Reference, fillnull, Usage ("Fields in the event set should have at
// least one non-null value"): its three searches, and Example 3's field that
// did not exist (`bytes`), which is created.
#[test]
fn fillnull_fills_only_fields_some_result_has() {
    let r = run_spl(
        "| makeresults | eval test=\"123123\", test2=null() | fillnull value=NULL | fields - _time",
        "",
    );
    assert_eq!(r, [json!({"test": "123123"})]);
    let r = run_spl(
        "| makeresults | eval test=\"123123\" | eval test2=null() | table test test2 | fillnull value=NULL",
        "",
    );
    assert_eq!(r, [json!({"test": "123123"})]);
    let r = run_spl(
        "| makeresults | eval test1=split(\"123,456\", \",\") | mvexpand test1 | eval test2=if(test1=\"123\", null(), \"abc\") | fillnull value=NULL",
        "",
    );
    assert_eq!(col(&r, "test2"), ["NULL", "abc"]);
    let input = crate::common::in_order(&[json!({"host": "a", "kbps": "1"}), json!({"kbps": "2"})]);
    let r = run_spl(
        "* | fillnull value=unknown host kbps bytes | table host bytes",
        &input,
    );
    assert_eq!(col(&r, "host"), ["a", "unknown"]);
    assert_eq!(col(&r, "bytes"), ["unknown", "unknown"]);
}
