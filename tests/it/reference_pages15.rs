//! Fifteenth pass over the Search Reference command pages (SPL1, 10.0 edition
//! as stored): the worked examples of reverse, iplocation, tstats, transpose,
//! makecontinuous, multikv, xmlkv, gentimes, fieldsummary, multisearch and
//! outlier that the ledgers (grammar/examples/commands-b.md,
//! commands-seed.md) had no row or no faithful test for. Rows checked
//! against the page text are marked "(verified)" there.

use crate::common::{col, in_order, ndjson, run_spl, run_spl_args, run_spl_with};
use serde_json::{json, Value};

/// Runs SPL with extra `run` flags; the JSON rows.
fn run_flags(flags: &[&str], spl: &str, events: &str) -> Vec<Value> {
    run_spl_with(flags, spl, events)
}

// ---- makecontinuous ----------------------------------------------------------------

// Search Reference, makecontinuous, Example 1 "Make the _time field
// continuous with a span of 10 minutes": `... | makecontinuous _time
// span=10m`. Results fall on 10-minute boundaries and each empty span in
// between gets a result of its own.
#[test]
fn makecontinuous_example_1_ten_minute_spans() {
    let events = ndjson(&[
        json!({"_time": 1_700_000_400, "count": "4"}),
        json!({"_time": 1_699_999_250, "count": "7"}),
    ]);
    let r = run_spl(
        "* | table _time count | makecontinuous _time span=10m",
        &events,
    );
    // 1699999250 is in the span starting 1699999200; 1700000400 in 1700000400.
    assert_eq!(col(&r, "_time"), ["1699999200", "1699999800", "1700000400"]);
    assert_eq!(col(&r, "count"), ["7", "", "4"]);
}

// Search Reference, makecontinuous, bins options, start-end: "Sets the
// minimum and maximum extents for numerical bins. Data outside of the
// [start, end] range is discarded."
#[test]
fn makecontinuous_start_end_discards_data_outside() {
    let r = run_spl(
        "| makeresults | eval x=split(\"3,12,17,40\", \",\") | mvexpand x \
         | makecontinuous x span=5 start=5 end=20 | table x",
        "",
    );
    // 3 and 40 are outside [5, 20]: gone; 5..20 is filled.
    assert_eq!(col(&r, "x"), ["5", "10", "15", "20"]);
}

// ---- multikv ---------------------------------------------------------------------

// Search Reference, multikv, Description: the table "Name Age Occupation /
// Josh 42 SoftwareEngineer / Francine 35 CEO / Samantha 22 ProjectManager":
// "The multikv command can transform this table from one event into three
// events with the relevant fields."
#[test]
fn multikv_description_table_becomes_three_events() {
    let raw = "Name     Age   Occupation\nJosh     42    SoftwareEngineer\n\
               Francine 35    CEO\nSamantha 22    ProjectManager";
    let r = run_spl(
        "* | multikv | table Name Age Occupation",
        &ndjson(&[json!({"_time": 1, "_raw": raw})]),
    );
    assert_eq!(col(&r, "Name"), ["Josh", "Francine", "Samantha"]);
    assert_eq!(col(&r, "Age"), ["42", "35", "22"]);
    assert_eq!(
        col(&r, "Occupation"),
        ["SoftwareEngineer", "CEO", "ProjectManager"]
    );
}

/// A `ps`-style table in one event.
fn ps_event() -> String {
    let raw = "USER PID COMMAND\nroot 1 /sbin/init\nsplunk 311 splunkd -p 8089\n\
               www 402 nginx\nsplunk 512 splunkd helper";
    ndjson(&[json!({"_time": 5, "host": "h1", "_raw": raw})])
}

// Search Reference, multikv, Example 1 "Extract the "COMMAND" field when it
// occurs in rows that contain "splunkd"": `... | multikv fields COMMAND
// filter splunkd`. Only the rows holding splunkd become results, and only
// COMMAND is extracted ("Ignores any fields in the table which are not on
// this list").
#[test]
fn multikv_example_1_fields_command_filter_splunkd() {
    let r = run_spl(
        "* | multikv fields COMMAND filter splunkd | table COMMAND PID USER host",
        &ps_event(),
    );
    assert_eq!(col(&r, "COMMAND"), ["splunkd -p 8089", "splunkd helper"]);
    assert_eq!(col(&r, "PID"), ["", ""]);
    assert_eq!(col(&r, "USER"), ["", ""]);
    // copyattrs defaults to true: the original's fields are copied.
    assert_eq!(col(&r, "host"), ["h1", "h1"]);
}

// Search Reference, multikv, Example 2 "Extract the "pid" and "command"
// fields": `... | multikv fields pid command`.
#[test]
fn multikv_example_2_fields_pid_command() {
    let raw = "user pid command\nroot 1 init\nbob 22 vim";
    let r = run_spl(
        "* | multikv fields pid command | table user pid command",
        &ndjson(&[json!({"_time": 5, "_raw": raw})]),
    );
    assert_eq!(col(&r, "pid"), ["1", "22"]);
    assert_eq!(col(&r, "command"), ["init", "vim"]);
    assert_eq!(col(&r, "user"), ["", ""]);
}

// Search Reference, multikv, rmorig: "When false, the original events are
// retained in the output results, with each original emitted after the
// batch of generated results from that original." Default: true.
#[test]
fn multikv_rmorig_false_keeps_the_original_after_its_rows() {
    let r = run_spl("* | multikv rmorig=false | table PID _raw", &ps_event());
    assert_eq!(col(&r, "PID"), ["1", "311", "402", "512", ""]);
    assert!(col(&r, "_raw")[4].starts_with("USER PID COMMAND\n"));
    let r = run_spl("* | multikv | table PID", &ps_event());
    assert_eq!(col(&r, "PID"), ["1", "311", "402", "512"]);
}

// Search Reference, multikv, copyattrs: "When false, no fields are copied
// from the original event. This means that the events will have no _time
// field".
#[test]
fn multikv_copyattrs_false_copies_not_even_time() {
    let r = run_spl("* | multikv copyattrs=false", &ps_event());
    assert_eq!(r.len(), 4);
    for row in &r {
        assert!(row.get("_time").is_none(), "{row}");
        assert!(row.get("host").is_none(), "{row}");
    }
    assert_eq!(col(&r, "PID"), ["1", "311", "402", "512"]);
}

// ---- xmlkv -------------------------------------------------------------------------

/// The XML of the xmlkv page's usage section.
fn games() -> String {
    let raw = "<game>\n   <name>Settlers of Catan</name>\n   <category>competitive</category>\n</game>\n\
               <game>\n   <name>Ticket to Ride</name>\n   <category>competitive</category>\n</game>";
    ndjson(&[json!({"_time": 1, "_raw": raw})])
}

// Search Reference, xmlkv, Usage "Keys and values in XML elements": "From
// the following XML, name is the key and Settlers of Catan is the value in
// the first element." Example 1 "Automatically extract key-value pairs":
// `... | xmlkv` (from `_raw`).
#[test]
fn xmlkv_example_1_extracts_from_raw() {
    let r = run_spl("* | xmlkv | table name category", &games());
    assert_eq!(r.len(), 1);
    let name = &r[0]["name"];
    let first = name
        .as_array()
        .map(|a| a[0].clone())
        .unwrap_or(name.clone());
    assert_eq!(first, json!("Settlers of Catan"));
    assert!(
        name.to_string().contains("Ticket to Ride"),
        "second game's name kept: {name}"
    );
    assert!(r[0]["category"].to_string().contains("competitive"));
}

// Search Reference, xmlkv, Example 2 "Extract key-value pairs in a specific
// number of increments": `... | xmlkv maxinputs=10000`. The increments change
// how Splunk invokes the command, not what it extracts.
#[test]
fn xmlkv_example_2_maxinputs_extracts_the_same() {
    let a = run_spl("* | xmlkv | table name category", &games());
    let b = run_spl("* | xmlkv maxinputs=10000 | table name category", &games());
    assert_eq!(a, b);
    assert!(!col(&b, "name")[0].is_empty());
}

// ---- gentimes ------------------------------------------------------------------------

// Search Reference, gentimes, Example 4 "Generate time ranges by only
// specifying a start date": `| gentimes start=4/25/22` ("Generate daily time
// ranges from April 25 to today"; end defaults to "midnight, prior to the
// current time in local time"). Now is 2023-11-14 22:13:20 UTC: 568 days.
#[test]
fn gentimes_example_4_start_only_runs_to_last_midnight() {
    let out = run_spl_args("json", &["--tz", "UTC"], "| gentimes start=4/25/22", "");
    let r = crate::common::rows(out.as_bytes());
    assert_eq!(r.len(), 568);
    assert_eq!(col(&r, "starttime")[0], "1650844800");
    assert_eq!(col(&r, "starthuman")[0], "Mon Apr 25 00:00:00 2022");
    assert_eq!(col(&r, "endhuman")[567], "Mon Nov 13 23:59:59 2023");
}

// ---- transpose -------------------------------------------------------------------------

/// Successful access events: www1 ×3, www2 ×2, www3 ×1.
fn hosts() -> String {
    let mut evs = Vec::new();
    for (host, n) in [("www1", 3), ("www2", 2), ("www3", 1)] {
        for _ in 0..n {
            evs.push(json!({"sourcetype": "access_combined", "status": "200", "host": host}));
        }
    }
    evs.push(json!({"sourcetype": "access_combined", "status": "404", "host": "www1"}));
    in_order(&evs)
}

// Search Reference, transpose, Example 1 "Transpose the results of a chart
// command" and Example 2 "Specifying a header field": `sourcetype=access_*
// status=200 | chart count BY host | transpose` gives the columns `column`,
// `row 1`, `row 2`, `row 3` with the rows host and count; `... | transpose
// header_field=host` names the columns after the hosts and has only the
// count row.
#[test]
fn transpose_examples_1_and_2_chart_by_host() {
    let r = run_spl(
        "sourcetype=access_* status=200 | chart count BY host | transpose",
        &hosts(),
    );
    assert_eq!(r.len(), 2);
    assert_eq!(col(&r, "column"), ["host", "count"]);
    assert_eq!(col(&r, "row 1"), ["www1", "3"]);
    assert_eq!(col(&r, "row 2"), ["www2", "2"]);
    assert_eq!(col(&r, "row 3"), ["www3", "1"]);
    assert!(r[0].get("row 4").is_none());
    let r = run_spl(
        "sourcetype=access_* status=200 | chart count BY host | transpose header_field=host",
        &hosts(),
    );
    assert_eq!(r.len(), 1);
    assert_eq!(col(&r, "column"), ["count"]);
    assert_eq!(col(&r, "www1"), ["3"]);
    assert_eq!(col(&r, "www2"), ["2"]);
    assert_eq!(col(&r, "www3"), ["1"]);
    assert!(r[0].get("row 1").is_none());
}

// Search Reference, transpose, Example 3 "Count the number of events by
// sourcetype and transpose the results to display the 3 highest counts":
// `index=_internal | stats count by sourcetype | sort -count | transpose 3`.
#[test]
fn transpose_example_3_three_highest_counts() {
    let mut evs = Vec::new();
    for (st, n) in [
        ("splunkd", 5),
        ("scheduler", 1),
        ("splunkd_access", 4),
        ("mongod", 2),
        ("web", 3),
    ] {
        for _ in 0..n {
            evs.push(json!({"index": "_internal", "sourcetype": st}));
        }
    }
    let r = run_spl(
        "index=_internal | stats count by sourcetype | sort -count | transpose 3",
        &in_order(&evs),
    );
    assert_eq!(r.len(), 2);
    assert_eq!(col(&r, "column"), ["sourcetype", "count"]);
    assert_eq!(col(&r, "row 1"), ["splunkd", "5"]);
    assert_eq!(col(&r, "row 2"), ["splunkd_access", "4"]);
    assert_eq!(col(&r, "row 3"), ["web", "3"]);
    assert!(r[0].get("row 4").is_none());
}

// Search Reference, transpose, Example 4 "Transpose a set of data into a
// series to produce a chart": `sourcetype=access_* status=200 | stats count
// AS views count(eval(action="addtocart")) AS addtocart
// count(eval(action="purchase")) AS purchases | transpose` turns the single
// row into one row per column; with `| table addtocart purchases` before
// the transpose the views row is gone.
#[test]
fn transpose_example_4_single_row_into_a_series() {
    let mut evs = Vec::new();
    for (action, n) in [("view", 4), ("addtocart", 2), ("purchase", 1)] {
        for _ in 0..n {
            evs.push(json!({"sourcetype": "access_combined", "status": "200", "action": action}));
        }
    }
    let events = in_order(&evs);
    let stats = "sourcetype=access_* status=200 | stats count AS views \
                 count(eval(action=\"addtocart\")) AS addtocart \
                 count(eval(action=\"purchase\")) AS purchases";
    let r = run_spl(&format!("{stats} | transpose"), &events);
    assert_eq!(col(&r, "column"), ["views", "addtocart", "purchases"]);
    assert_eq!(col(&r, "row 1"), ["7", "2", "1"]);
    assert!(r[0].get("row 2").is_none());
    let r = run_spl(
        &format!("{stats} | table addtocart purchases | transpose"),
        &events,
    );
    assert_eq!(col(&r, "column"), ["addtocart", "purchases"]);
    assert_eq!(col(&r, "row 1"), ["2", "1"]);
}

// ---- iplocation ---------------------------------------------------------------------------

/// Writes the City test database (81.2.69.0/24 → Linkoping, Sweden) into a
/// temp dir; the dir and the file's path.
fn city_db() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.mmdb");
    std::fs::write(&db, crate::cmd_extraction::mmdb::city_db()).unwrap();
    let p = db.to_string_lossy().into_owned();
    (dir, p)
}

/// Web access events from a known and an internal address.
fn access() -> String {
    in_order(&[
        json!({"sourcetype": "access_combined", "status": "408", "clientip": "81.2.69.142"}),
        json!({"sourcetype": "access_combined", "status": "200", "clientip": "10.1.2.3"}),
        json!({"sourcetype": "access_combined", "status": "503", "clientip": "81.2.69.7"}),
    ])
}

// Search Reference, iplocation, Example 1 "Add location information to web
// access events": `sourcetype=access_* | iplocation clientip`. "By default,
// the iplocation command adds the City, Country, lat, lon, and Region fields
// to the results"; "For IP addresses which do not have a location, such as
// internal addresses, no fields are added."
#[test]
fn iplocation_example_1_default_fields() {
    let (_dir, db) = city_db();
    let r = run_flags(
        &["--geoip", &db],
        "sourcetype=access_* | iplocation clientip",
        &access(),
    );
    assert_eq!(r.len(), 3);
    assert_eq!(r[0]["City"], json!("Linkoping"));
    assert_eq!(r[0]["Country"], json!("Sweden"));
    assert_eq!(r[0]["Region"], json!("Ostergotland"));
    assert_eq!(r[0]["lat"], json!("58.41670"));
    assert_eq!(r[0]["lon"], json!("15.61670"));
    // allfields=false: no Continent, MetroCode or Timezone.
    for f in ["Continent", "MetroCode", "Timezone"] {
        assert!(r[0].get(f).is_none(), "{f} in {}", r[0]);
    }
    // The internal address gets no field at all.
    for f in ["City", "Country", "Region", "lat", "lon"] {
        assert!(r[1].get(f).is_none(), "{f} in {}", r[1]);
    }
}

// Search Reference, iplocation, Example 2 "Search for client errors and
// return the first 20 results": `sourcetype=access_* status>=400 | head 20
// | iplocation clientip | table clientip, status, City, Country`.
#[test]
fn iplocation_example_2_client_errors_table() {
    let (_dir, db) = city_db();
    let r = run_flags(
        &["--geoip", &db],
        "sourcetype=access_* status>=400 | head 20 | iplocation clientip | table clientip, status, City, Country",
        &access(),
    );
    assert_eq!(
        r,
        [
            json!({"clientip": "81.2.69.142", "status": "408", "City": "Linkoping", "Country": "Sweden"}),
            json!({"clientip": "81.2.69.7", "status": "503", "City": "Linkoping", "Country": "Sweden"}),
        ]
    );
}

// Search Reference, iplocation, Example 3 "Add a prefix to the fields added
// by the iplocation command": `sourcetype = access_* | iplocation
// prefix=iploc_ allfields=true clientip | fields iploc_*`. allfields "adds
// the fields City, Continent, Country, MetroCode, Region, Timezone, _time,
// lat (latitude), and lon (longitude)".
#[test]
fn iplocation_example_3_prefix_and_allfields() {
    let (_dir, db) = city_db();
    let r = run_flags(
        &["--geoip", &db],
        "sourcetype = access_* | iplocation prefix=iploc_ allfields=true clientip | fields iploc_* | fields - _*",
        &access(),
    );
    assert_eq!(
        r[0],
        json!({
            "iploc_City": "Linkoping", "iploc_Continent": "Europe", "iploc_Country": "Sweden",
            "iploc_MetroCode": "5", "iploc_Region": "Ostergotland",
            "iploc_Timezone": "Europe/Stockholm", "iploc_lat": "58.41670", "iploc_lon": "15.61670"
        })
    );
    assert_eq!(r[1], json!({}));
}

// Search Reference, iplocation, lang: "To specify more than one language,
// separate them with a comma. This also indicates the priority in
// descending order. Specify lang=code to return the fields as two letter
// ISO abbreviations."
#[test]
fn iplocation_lang_list_and_code() {
    let (_dir, db) = city_db();
    let run = |spl: &str| run_flags(&["--geoip", &db], spl, &access());
    // "fr" is not in the database: the next language, es, is used.
    let r = run("* | iplocation lang=fr,es clientip | table City Country");
    assert_eq!(r[0], json!({"City": "Linkoping-es", "Country": "Suecia"}));
    let r = run("* | iplocation lang=\"de, en\" clientip | table City Country");
    assert_eq!(r[0], json!({"City": "Linkoping", "Country": "Sweden"}));
    let r = run(
        "* | iplocation lang=code allfields=true clientip | table City Country Region Continent",
    );
    assert_eq!(
        r[0],
        json!({"City": "Linkoping", "Country": "SE", "Region": "E", "Continent": "EU"})
    );
    crate::common::roundtrip("a | iplocation lang=es,en clientip");
}

/// A MaxMind City database with IP version 6 mapping 2001:4860::/32 to a
/// record with only a country and a location, as the page's IPv6 example
/// shows (no City, no Region).
fn ipv6_db() -> Vec<u8> {
    use crate::cmd_extraction::mmdb::{single_network_db, D};
    let prefix = u128::from(
        "2001:4860::"
            .parse::<std::net::Ipv6Addr>()
            .expect("an IPv6 address"),
    );
    let rec = D::M(vec![
        (
            "country",
            D::M(vec![("names", D::M(vec![("en", D::S("United States"))]))]),
        ),
        (
            "location",
            D::M(vec![
                ("latitude", D::F(37.751)),
                ("longitude", D::F(-97.822)),
            ]),
        ),
    ]);
    single_network_db(prefix, 128, 32, &rec, vec![D::S("en")], "spleval ipv6 test")
}

// Search Reference, iplocation, Example 5 "Identify IPv6 address
// locations": `| makeresults | eval myip="2001:4860:4860::8888" |
// iplocation myip`. The page's result row: City and Region empty, Country
// "United States", lat 37.75100, lon -97.82200.
#[test]
fn iplocation_example_5_ipv6_address() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v6.mmdb");
    std::fs::write(&db, ipv6_db()).unwrap();
    let r = run_flags(
        &["--geoip", &db.to_string_lossy()],
        "| makeresults | eval myip=\"2001:4860:4860::8888\" | iplocation myip",
        "",
    );
    assert_eq!(
        r,
        [json!({
            "City": "", "Country": "United States", "Region": "", "_time": 1700000000,
            "lat": "37.75100", "lon": "-97.82200", "myip": "2001:4860:4860::8888"
        })]
    );
}

// ---- fieldsummary ------------------------------------------------------------------------

/// The `values` column of a fieldsummary row, as (value, count) pairs.
fn values(row: &Value) -> Vec<(String, i64)> {
    let text = row["values"].as_str().expect("values is text");
    let arr: Vec<Value> = serde_json::from_str(text).expect("values is a JSON array");
    arr.iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap_or_default().to_string(),
                v["count"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

/// The row of one field.
fn field_row<'a>(r: &'a [Value], f: &str) -> &'a Value {
    r.iter()
        .find(|x| x["field"] == json!(f))
        .unwrap_or_else(|| panic!("no row for {f}: {r:?}"))
}

/// _internal events: three in the last 15 minutes (now is 1700000000), one
/// older, one from another index.
fn internal() -> String {
    ndjson(&[
        json!({"_time": 1_699_999_990, "index": "_internal", "group": "queue", "current_size": 10, "event_count": 1}),
        json!({"_time": 1_699_999_500, "index": "_internal", "group": "queue", "current_size": 30, "event_count": 2}),
        json!({"_time": 1_699_999_200, "index": "_internal", "group": "pipeline", "max_size_kb": 500}),
        json!({"_time": 1_699_990_000, "index": "_internal", "group": "old", "current_size": 99}),
        json!({"_time": 1_699_999_995, "index": "main", "group": "web", "current_size": 7}),
    ])
}

// Search Reference, fieldsummary, Example 1 "Return summaries for all
// fields": `index=_internal earliest=-15m latest=now | fieldsummary`. One row
// per field of the events searched, with the summary fields the usage table
// lists.
#[test]
fn fieldsummary_example_1_all_fields() {
    let r = run_spl(
        "index=_internal earliest=-15m latest=now | fieldsummary",
        &internal(),
    );
    // (The input's own `source` field aside.)
    let fields: Vec<String> = col(&r, "field")
        .into_iter()
        .filter(|f| f != "source")
        .collect();
    assert_eq!(
        fields,
        [
            "current_size",
            "event_count",
            "group",
            "index",
            "max_size_kb"
        ]
    );
    let size = field_row(&r, "current_size");
    assert_eq!(size["count"], json!(2));
    assert_eq!(size["distinct_count"], json!(2));
    assert_eq!(size["is_exact"], json!(1));
    assert_eq!(size["min"], json!(10));
    assert_eq!(size["max"], json!(30));
    assert_eq!(size["mean"], json!(20));
    assert_eq!(size["numeric_count"], json!(2));
    let group = field_row(&r, "group");
    assert_eq!(group["count"], json!(3));
    assert_eq!(group["numeric_count"], json!(0));
    // "sorted first by highest count and then by distinct value, in
    // ascending order".
    assert_eq!(
        values(group),
        [("queue".to_string(), 2), ("pipeline".to_string(), 1)]
    );
}

// Search Reference, fieldsummary, Example 2 "Return summaries for specific
// fields": `index=_internal earliest=-15m latest=now | fieldsummary
// maxvals=10 *size* *count*`: only the fields whose names contain "size" or
// "count", each with at most 10 values.
#[test]
fn fieldsummary_example_2_maxvals_and_wildcards() {
    let mut evs = Vec::new();
    for k in 0..12 {
        evs.push(json!({"_time": 1_699_999_900 - k, "index": "_internal",
                        "queue_size": k, "event_count": k % 2, "group": "queue"}));
    }
    let r = run_spl(
        "index=_internal earliest=-15m latest=now | fieldsummary maxvals=10 *size* *count*",
        &ndjson(&evs),
    );
    assert_eq!(col(&r, "field"), ["event_count", "queue_size"]);
    let q = field_row(&r, "queue_size");
    assert_eq!(values(q).len(), 10);
    assert_eq!(q["distinct_count"], json!(12));
    assert_eq!(q["is_exact"], json!(0));
    let e = field_row(&r, "event_count");
    assert_eq!(values(e), [("0".to_string(), 6), ("1".to_string(), 6)]);
    assert_eq!(e["is_exact"], json!(1));
}

// ---- multisearch ---------------------------------------------------------------------------

// Search Reference, multisearch, Usage "Subsearch processing and
// limitations": "Unlike the append command, the multisearch command does
// not run the subsearch to completion first. The following subsearch
// example with the append command is not the same as using the multisearch
// command": `index=a | eval type = "foo" | append [search index=b | eval
// mytype = "bar"]`. append gives all of index a, then all of index b;
// multisearch interleaves them by time.
#[test]
fn multisearch_differs_from_append() {
    let events = ndjson(&[
        json!({"_time": 4, "index": "b", "n": 4}),
        json!({"_time": 3, "index": "a", "n": 3}),
        json!({"_time": 2, "index": "b", "n": 2}),
        json!({"_time": 1, "index": "a", "n": 1}),
    ]);
    let r = run_spl(
        "index=a | eval type = \"foo\" | append [search index=b | eval mytype = \"bar\"]",
        &events,
    );
    assert_eq!(col(&r, "n"), ["3", "1", "4", "2"]);
    assert_eq!(col(&r, "type"), ["foo", "foo", "", ""]);
    let r = run_spl(
        "| multisearch [search index=a | eval type = \"foo\"] [search index=b | eval mytype = \"bar\"]",
        &events,
    );
    assert_eq!(col(&r, "n"), ["4", "3", "2", "1"]);
    assert_eq!(col(&r, "mytype"), ["bar", "", "bar", ""]);
}

// ---- tstats --------------------------------------------------------------------------------

/// Indexed events: _internal (splunkd family and scheduler) and myindex.
fn indexed() -> String {
    ndjson(&[
        json!({"_time": 1_699_999_990, "index": "_internal", "sourcetype": "splunkd", "host": "sh1", "source": "/var/log/splunk/splunkd.log"}),
        json!({"_time": 1_699_999_980, "index": "_internal", "sourcetype": "splunkd_access", "host": "sh1", "source": "/var/log/splunk/splunkd_access.log"}),
        json!({"_time": 1_699_996_300, "index": "_internal", "sourcetype": "splunkd", "host": "sh1", "source": "/var/log/splunk/splunkd.log"}),
        json!({"_time": 1_699_910_000, "index": "_internal", "sourcetype": "splunkd_conf", "host": "sh1", "source": "/var/log/splunk/conf.log"}),
        json!({"_time": 1_699_999_970, "index": "_internal", "sourcetype": "scheduler", "host": "sh1", "source": "/var/log/splunk/scheduler.log"}),
        json!({"_time": 1_699_999_960, "index": "myindex", "host": "x", "source": "a.log", "test": "value2", "result": 7, "size": 10}),
        json!({"_time": 1_699_999_950, "index": "myindex", "host": "x", "source": "a.log", "test": "value2", "result": 9, "size": 30}),
        json!({"_time": 1_699_999_940, "index": "myindex", "host": "x", "source": "b.log", "test": "value2", "result": 2, "size": 1000}),
        json!({"_time": 1_699_999_930, "index": "myindex", "host": "y", "source": "b.log", "test": "value1", "result": 8, "size": 500}),
    ])
}

// Search Reference, tstats, Examples 1 "Get a count of all events in an
// index" (`| tstats count WHERE index=_internal`), 2 "Use a filter to get the
// average" (`| tstats avg(size) WHERE index=myindex test=value2 result>5`)
// and 3 "Return the count by splitting by source" (`| tstats count WHERE
// index=myindex host=x by source`).
#[test]
fn tstats_examples_1_to_3_count_avg_by_source() {
    let r = run_spl("| tstats count WHERE index=_internal", &indexed());
    assert_eq!(r, [json!({"count": 5})]);
    let r = run_spl(
        "| tstats avg(size) WHERE index=myindex test=value2 result>5",
        &indexed(),
    );
    assert_eq!(r, [json!({"avg(size)": 20})]);
    let r = run_spl(
        "| tstats count WHERE index=myindex host=x by source",
        &indexed(),
    );
    assert_eq!(
        r,
        [
            json!({"source": "a.log", "count": 2}),
            json!({"source": "b.log", "count": 1}),
        ]
    );
}

// Search Reference, tstats, Example 4 "Produce a timechart": `| tstats
// prestats=t count WHERE index=_internal BY _time span=1h | timechart
// span=1d count`. The hourly prestats rows are counted per day.
#[test]
fn tstats_example_4_prestats_into_timechart() {
    let r = run_spl(
        "| tstats prestats=t count WHERE index=_internal BY _time span=1h | timechart span=1d count",
        &indexed(),
    );
    // 1699910000 is 2023-11-13; the other four are 2023-11-14 (UTC).
    assert_eq!(col(&r, "_time"), ["1699833600", "1699920000"]);
    assert_eq!(col(&r, "count"), ["1", "4"]);
}

// Search Reference, tstats, WHERE clause arguments: `| tstats count WHERE
// index=_internal sourcetype=splunkd* by sourcetype` returns splunkd,
// splunkd_access and splunkd_conf with their counts: "wildcard characters
// are accepted in the search criteria".
#[test]
fn tstats_where_wildcard_by_sourcetype() {
    let r = run_spl(
        "| tstats count WHERE index=_internal sourcetype=splunkd* by sourcetype",
        &indexed(),
    );
    assert_eq!(
        col(&r, "sourcetype"),
        ["splunkd", "splunkd_access", "splunkd_conf"]
    );
    assert_eq!(col(&r, "count"), ["2", "1", "1"]);
}

// Search Reference, tstats, Limitations "Multiple time ranges": `| tstats
// prestats=t count where index=_internal earliest=-5s latest=-4s | tstats
// prestats=t append=true count where index=_internal earliest=-3s
// latest=-2s | stats count`: the second tstats appends its prestats results
// to the first's, and stats counts both ranges.
#[test]
fn tstats_prestats_append_two_time_ranges() {
    let events = ndjson(&[
        json!({"_time": 1_699_999_999, "index": "_internal"}),
        json!({"_time": 1_699_999_998, "index": "_internal"}),
        json!({"_time": 1_699_999_997, "index": "_internal"}),
        json!({"_time": 1_699_999_996, "index": "_internal"}),
        json!({"_time": 1_699_999_995, "index": "_internal"}),
        json!({"_time": 1_699_999_995, "index": "main"}),
    ]);
    let r = run_spl(
        "| tstats prestats=t count where index=_internal earliest=-5s latest=-4s \
         | tstats prestats=t append=true count where index=_internal earliest=-3s latest=-2s \
         | stats count",
        &events,
    );
    // [-5s, -4s) holds 1699999995; [-3s, -2s) holds 1699999997.
    assert_eq!(r, [json!({"count": 2})]);
}

/// A rules folder whose `datamodels/` holds the models the page's examples
/// name: mydm, internal_server (server > scheduler > alerts, and
/// server > splunkdaccess) and ButtercupGamesPromos (Tokyo >
/// GiantRobotBattles > MechaGodzilla).
fn models() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mydm.yml"),
        "model: mydm\ndatasets:\n  - name: mydm\n    constraint: 'sourcetype=web'\n    fields: [status]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("internal_server.yml"),
        "model: internal_server\ndatasets:\n  - name: server\n    constraint: 'index=_internal'\n    fields: [status, uri]\n\
         \x20 - name: scheduler\n    parent: server\n    constraint: 'sourcetype=scheduler'\n\
         \x20 - name: alerts\n    parent: scheduler\n    constraint: 'alert_actions=*'\n\
         \x20 - name: splunkdaccess\n    parent: server\n    constraint: 'sourcetype=splunkd_access'\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("promos.yml"),
        "model: ButtercupGamesPromos\ndatasets:\n  - name: Tokyo\n    constraint: 'office=tokyo'\n\
         \x20 - name: GiantRobotBattles\n    parent: Tokyo\n    constraint: 'kind=battle'\n\
         \x20 - name: MechaGodzilla\n    parent: GiantRobotBattles\n    constraint: 'robot=mechagodzilla'\n\
         \x20 - name: UFORobotGrendizer\n    parent: GiantRobotBattles\n    constraint: 'robot=grendizer'\n",
    )
    .unwrap();
    dir
}

/// Events for the data model examples.
fn dm_events() -> String {
    ndjson(&[
        json!({"_time": 1_699_999_000, "sourcetype": "web", "status": "200"}),
        json!({"_time": 1_699_990_500, "sourcetype": "web", "status": "500"}),
        json!({"_time": 1_699_991_000, "sourcetype": "web", "status": "200"}),
        json!({"_time": 1_699_999_500, "index": "_internal", "sourcetype": "scheduler", "source": "/splunk/scheduler.log", "alert_actions": "email"}),
        json!({"_time": 1_699_999_400, "index": "_internal", "sourcetype": "scheduler", "source": "/splunk/scheduler.log.1"}),
        json!({"_time": 1_699_999_300, "index": "_internal", "sourcetype": "splunkd_access", "source": "/splunk/splunkd_access.log", "status": "200", "uri": "/services/a"}),
        json!({"_time": 1_699_999_200, "index": "_internal", "sourcetype": "splunkd_access", "source": "/splunk/splunkd_access.log", "status": "200", "uri": "/services/a"}),
        json!({"_time": 1_699_999_100, "index": "_internal", "sourcetype": "splunkd_access", "source": "/splunk/splunkd_access.log", "status": "404", "uri": "/services/b"}),
        json!({"_time": 1_699_999_000, "office": "tokyo", "kind": "battle", "robot": "mechagodzilla"}),
        json!({"_time": 1_699_998_000, "office": "tokyo", "kind": "battle", "robot": "mechagodzilla"}),
        json!({"_time": 1_699_997_000, "office": "tokyo", "kind": "battle", "robot": "grendizer"}),
        json!({"_time": 1_699_996_000, "office": "tokyo", "kind": "parade"}),
    ])
}

/// Runs SPL with the example data models.
fn run_dm(spl: &str) -> Vec<Value> {
    let dir = models();
    let d = dir.path().to_string_lossy().into_owned();
    run_flags(&["--datamodels", &d, "--tz", "UTC"], spl, &dm_events())
}

// Search Reference, tstats, Example 5 "Use summariesonly to get a time
// range of summarized data": `| tstats summariesonly=t min(_time) AS min,
// max(_time) AS max FROM datamodel=mydm | eval prettymin=strftime(min,
// "%c") | eval prettymax=strftime(max, "%c")`.
#[test]
fn tstats_example_5_time_range_of_a_data_model() {
    let r = run_dm(
        "| tstats summariesonly=t min(_time) AS min, max(_time) AS max FROM datamodel=mydm \
         | eval prettymin=strftime(min, \"%c\") | eval prettymax=strftime(max, \"%c\")",
    );
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["min"], json!(1_699_990_500));
    assert_eq!(r[0]["max"], json!(1_699_999_000));
    assert_eq!(r[0]["prettymin"], json!("Tue Nov 14 19:35:00 2023"));
    assert_eq!(r[0]["prettymax"], json!("Tue Nov 14 21:56:40 2023"));
}

// Search Reference, tstats, Example 6 "Find out how much data has been
// summarized": `| tstats summariesonly=t prestats=t count FROM
// datamodel=mydm BY _time span=1h | timechart span=1h count`, and the
// variant over the last 3 hours, `| tstats summariesonly=f prestats=t count
// FROM datamodel=mydm WHERE earliest=-3h BY _time span=1h | timechart
// span=1h count`.
#[test]
fn tstats_example_6_hourly_counts_of_a_data_model() {
    let r = run_dm(
        "| tstats summariesonly=t prestats=t count FROM datamodel=mydm BY _time span=1h | timechart span=1h count",
    );
    // 1699990500 and 1699991000 are in the 19:00 hour, 1699999000 in 21:00.
    assert_eq!(col(&r, "_time"), ["1699988400", "1699992000", "1699995600"]);
    assert_eq!(col(&r, "count"), ["2", "0", "1"]);
    let r = run_dm(
        "| tstats summariesonly=f prestats=t count FROM datamodel=mydm WHERE earliest=-3h BY _time span=1h \
         | timechart span=1h count",
    );
    // -3h is 1699989200: the 1699990500 and 1699991000 events are in.
    let total: i64 = col(&r, "count")
        .iter()
        .map(|c| c.parse::<i64>().unwrap())
        .sum();
    assert_eq!(total, 3);
    let r = run_dm(
        "| tstats summariesonly=f prestats=t count FROM datamodel=mydm WHERE earliest=-2h BY _time span=1h \
         | timechart span=1h count",
    );
    let total: i64 = col(&r, "count")
        .iter()
        .map(|c| c.parse::<i64>().unwrap())
        .sum();
    assert_eq!(total, 1);
}

// Search Reference, tstats, Example 7 "Get a list of values for source
// returned by the internal log data model" (`| tstats values(source) FROM
// datamodel=internal_server`) and Example 8, the Alerts dataset (`| tstats
// values(source) FROM datamodel=internal_server where
// nodename=server.scheduler.alerts`).
#[test]
fn tstats_examples_7_and_8_values_of_source() {
    let r = run_dm("| tstats values(source) FROM datamodel=internal_server");
    assert_eq!(
        r,
        [json!({"values(source)": [
            "/splunk/scheduler.log", "/splunk/scheduler.log.1", "/splunk/splunkd_access.log"
        ]})]
    );
    let r = run_dm(
        "| tstats values(source) FROM datamodel=internal_server where nodename=server.scheduler.alerts",
    );
    assert_eq!(r, [json!({"values(source)": "/splunk/scheduler.log"})]);
}

// Search Reference, tstats, Usage "A child dataset in an accelerated data
// model": `... | tstats count FROM datamodel=ButtercupGamesPromos.Tokyo
// where nodename=Tokyo.GiantRobotBattles.MechaGodzilla` selects the
// MechaGodzilla battles only.
#[test]
fn tstats_child_dataset_by_nodename() {
    let r = run_dm(
        "| tstats count FROM datamodel=ButtercupGamesPromos.Tokyo where nodename=Tokyo.GiantRobotBattles.MechaGodzilla",
    );
    assert_eq!(r, [json!({"count": 2})]);
    let r = run_dm("| tstats count FROM datamodel=ButtercupGamesPromos.Tokyo");
    assert_eq!(r, [json!({"count": 4})]);
}

// Search Reference, tstats, Limitations "Complex aggregate functions": the
// page's rewrite, `| tstats count from datamodel=internal_server.server
// where nodename=server.splunkdaccess by server.status, uri | eval
// success=if('server.status'="200", count, 0) | stats sum(success) as
// success by uri`.
#[test]
fn tstats_complex_aggregate_rewritten_with_eval_and_stats() {
    let r = run_dm(
        "| tstats count from datamodel=internal_server.server where nodename=server.splunkdaccess by server.status, server.uri \
         | eval success=if('server.status'=\"200\", count, 0) | stats sum(success) as success by server.uri",
    );
    assert_eq!(col(&r, "server.uri"), ["/services/a", "/services/b"]);
    assert_eq!(col(&r, "success"), ["2", "0"]);
}

// Search Reference, tstats, Limitations "Sparkline charts": `| tstats count
// from datamodel=Authentication.Authentication BY _time, Authentication.src
// span=1h | stats sparkline(sum(count),1h) AS sparkline, sum(count) AS
// count BY Authentication.src`.
#[test]
fn tstats_sparkline_over_time_split_rows() {
    let events = ndjson(&[
        json!({"_time": 1_699_999_000, "tag": "authentication", "action": "failure", "user": "eve", "src": "1.2.3.4"}),
        json!({"_time": 1_699_995_000, "tag": "authentication", "action": "failure", "user": "eve", "src": "1.2.3.4"}),
        json!({"_time": 1_699_994_000, "tag": "authentication", "action": "failure", "user": "bob", "src": "5.6.7.8"}),
    ]);
    let r = run_spl(
        "| tstats count from datamodel=Authentication.Authentication BY _time, Authentication.src span=1h \
         | stats sparkline(sum(count),1h) AS sparkline, sum(count) AS count BY Authentication.src",
        &events,
    );
    assert_eq!(col(&r, "Authentication.src"), ["1.2.3.4", "5.6.7.8"]);
    assert_eq!(col(&r, "count"), ["2", "1"]);
    assert!(r[0].get("sparkline").is_some(), "{}", r[0]);
}

/// The tstats page's data.csv rows, as indexed events of index main.
fn data_csv() -> String {
    in_order(&[
        json!({"index": "main", "source": "/tmp/data.csv", "ip": "1.2.3.4", "description": "An IP address"}),
        json!({"index": "main", "source": "/tmp/data.csv", "ip": "5.6.7.8", "description": "Another IP address"}),
        json!({"index": "main", "source": "/tmp/data.csv", "ip": "this.is.a.hostname", "description": "A hostname"}),
        json!({"index": "main", "source": "/tmp/data.csv", "ip": "this.is.another.hostname", "description": "Another hostname"}),
    ])
}

// Search Reference, tstats, "Example of using CIDR match with tstats in a BY
// clause": the refiltering searches `| tstats count where index=main
// source=*data.csv ip="0.0.0.0/0" by ip | search ip="0.0.0.0/0"` and `... |
// WHERE cidrmatch("0.0.0.0/0", ip)` return only the two valid addresses.
#[test]
fn tstats_cidr_refiltered_with_search_or_where() {
    for tail in [
        "| search ip=\"0.0.0.0/0\"",
        "| WHERE cidrmatch(\"0.0.0.0/0\", ip)",
    ] {
        let r = run_spl(
            &format!(
                "| tstats count where index=main source=*data.csv ip=\"0.0.0.0/0\" by ip {tail}"
            ),
            &data_csv(),
        );
        assert_eq!(
            r,
            [
                json!({"ip": "1.2.3.4", "count": 1}),
                json!({"ip": "5.6.7.8", "count": 1}),
            ],
            "{tail}"
        );
    }
}

// ---- outlier ----------------------------------------------------------------------------------

// Search Reference, outlier, Example 1 "For a timechart of webserver events,
// transform the outlying average CPU values", as written: `404
// host="webserver" | timechart avg(cpu_seconds) by host | outlier
// action=tf`. Hourly averages 1, 2, 3, 4 and 50: the quartiles are 2 and 4,
// the threshold 4 + 2.5 * 2 = 9, so 50 becomes 9; empty spans stay empty.
#[test]
fn outlier_example_1_as_written() {
    let top = 1_700_000_000 - 1_700_000_000 % 3600;
    let mut evs: Vec<Value> = [1, 2, 3, 4, 50]
        .iter()
        .enumerate()
        .map(|(h, c)| {
            json!({"_time": top + 3600 * h as i64 + 60, "status": 404, "host": "webserver",
                   "cpu_seconds": c, "_raw": "404 GET /cpu"})
        })
        .collect();
    evs.push(
        json!({"_time": top + 120, "status": 200, "host": "webserver",
                    "cpu_seconds": 900, "_raw": "200 GET /cpu"}),
    );
    evs.reverse();
    let r = run_spl(
        "404 host=\"webserver\" | timechart avg(cpu_seconds) by host | outlier action=tf",
        &ndjson(&evs),
    );
    let values: Vec<String> = col(&r, "webserver")
        .into_iter()
        .filter(|v| !v.is_empty())
        .collect();
    assert_eq!(values, ["1", "2", "3", "4", "9"]);
}

// ---- replace -----------------------------------------------------------------------------------

// Search Reference, replace, Usage (9.3.2408 edition; no 10.0 copy is
// stored): "Non-wildcard replacement values specified later take precedence
// over those replacements specified earlier. For a wildcard replacement,
// fuller matches take precedence over lesser matches."
#[test]
fn replace_precedence_later_exact_and_fuller_wildcard() {
    let events = in_order(&[
        json!({"host": "127.0.0.1"}),
        json!({"host": "web.localhost"}),
        json!({"host": "db.example"}),
    ]);
    let r = run_spl(
        "* | replace 127.0.0.1 WITH loopback, 127.0.0.1 WITH localhost IN host",
        &events,
    );
    assert_eq!(
        col(&r, "host"),
        ["localhost", "web.localhost", "db.example"]
    );
    let r = run_spl(
        "* | replace * WITH other, *.localhost WITH localhost IN host",
        &events,
    );
    assert_eq!(col(&r, "host"), ["other", "localhost", "other"]);
    // An exact pair beats a wildcard one, wherever it stands.
    let r = run_spl(
        "* | replace db.example WITH db, *.example WITH ex IN host",
        &events,
    );
    assert_eq!(col(&r, "host"), ["127.0.0.1", "web.localhost", "db"]);
}
