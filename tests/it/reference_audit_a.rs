//! Conformance audit, part A: the worked examples of Search Reference
//! command pages (eval, fillnull, rename, dedup, convert, eventstats, bin,
//! fields, append, appendpipe, …) that had no test. Each test cites the page
//! and quotes the example's SPL; the events are small ones built here, not
//! Splunk's tutorial data. The ledger is grammar/examples/commands-a.md.

use crate::common::{col, in_order, ndjson, run_spl, run_spl_with as run_with};
use serde_json::json;

// ---- eval ----------------------------------------------------------------------

// Search Reference, eval, Example "Create a new field that contains the result
// of a calculation": `... | eval velocity=distance/time`.
#[test]
fn eval_example_velocity_is_distance_over_time() {
    let input = in_order(&[
        json!({"distance": "100", "time": "4"}),
        json!({"distance": "9", "time": "2"}),
        json!({"distance": "5"}),
    ]);
    let r = run_spl("* | eval velocity=distance/time | table velocity", &input);
    // A missing operand makes the result null (no field).
    assert_eq!(col(&r, "velocity"), ["25", "4.5", ""]);
}

// Search Reference, eval, Example "Use the if function to analyze field
// values": `... | eval error = if(status == 200, "OK", "Problem")`.
#[test]
fn eval_example_if_status_ok_or_problem() {
    let input = in_order(&[
        json!({"status": "200"}),
        json!({"status": "404"}),
        json!({"status": "503"}),
    ]);
    let r = run_spl(
        "* | eval error = if(status == 200, \"OK\", \"Problem\") | table status error",
        &input,
    );
    assert_eq!(col(&r, "error"), ["OK", "Problem", "Problem"]);
}

// Search Reference, eval, Example "Convert values to lowercase":
// `... | eval lowuser = lower(username)`.
#[test]
fn eval_example_lowercase_username() {
    let input = in_order(&[json!({"username": "Ann.LEE"}), json!({"username": "bo"})]);
    let r = run_spl(
        "* | eval lowuser = lower(username) | table username lowuser",
        &input,
    );
    assert_eq!(col(&r, "lowuser"), ["ann.lee", "bo"]);
    assert_eq!(col(&r, "username"), ["Ann.LEE", "bo"]);
}

// Search Reference, eval, Example "Separate multiple eval operations with a
// comma": `... | eval full_name = first_name." ".last_name, low_name =
// lower(full_name)` — the second expression reads the field the first made.
#[test]
fn eval_example_comma_separated_operations() {
    let input = in_order(&[json!({"first_name": "Ann", "last_name": "LEE"})]);
    let r = run_spl(
        "* | eval full_name = first_name.\" \".last_name, low_name = lower(full_name) \
         | table full_name low_name",
        &input,
    );
    assert_eq!(col(&r, "full_name"), ["Ann LEE"]);
    assert_eq!(col(&r, "low_name"), ["ann lee"]);
}

// Search Reference, eval, Extended example "Coalesce a field from two
// different source types, create a transaction of events": `sourcetype=A OR
// sourcetype=B | eval phone=coalesce(number,subscribernumber) | transaction
// phone maxspan=2m`.
#[test]
fn eval_example_coalesce_then_transaction() {
    let input = ndjson(&[
        json!({"_time": 400, "sourcetype": "B", "subscribernumber": "555-1", "x": "c"}),
        json!({"_time": 160, "sourcetype": "B", "subscribernumber": "555-1", "x": "b"}),
        json!({"_time": 100, "sourcetype": "A", "number": "555-1", "x": "a"}),
        json!({"_time": 110, "sourcetype": "C", "number": "555-1", "x": "z"}),
    ]);
    let r = run_spl(
        "sourcetype=A OR sourcetype=B | eval phone=coalesce(number,subscribernumber) \
         | transaction phone maxspan=2m | table phone eventcount x",
        &input,
    );
    // The A event (number) and the B event 60s later (subscribernumber) share
    // a phone and fall within 2m; the B event 5 minutes later does not; the C
    // event is not searched.
    assert_eq!(r.len(), 2, "{r:?}");
    let joined = r
        .iter()
        .find(|t| t["eventcount"] == json!(2))
        .expect("a two-event transaction");
    assert_eq!(joined["phone"], json!("555-1"));
    assert_eq!(joined["x"], json!(["a", "b"]));
    let alone = r
        .iter()
        .find(|t| t["eventcount"] == json!(1))
        .expect("a one-event transaction");
    assert_eq!(alone["x"], json!("c"));
}

// Search Reference, eval, Extended example "Separate events into categories,
// count and display minimum and maximum values": `source=all_month.csv | eval
// Description=case(depth<=70, "Shallow", depth>70 AND depth<=300, "Mid",
// depth>300, "Deep") | stats count min(mag) max(mag) by Description`.
#[test]
fn eval_example_depth_categories_with_stats() {
    let input = in_order(&[
        json!({"depth": "10", "mag": "2.5"}),
        json!({"depth": "70", "mag": "4.1"}),
        json!({"depth": "150", "mag": "3"}),
        json!({"depth": "301", "mag": "5.2"}),
        json!({"depth": "500", "mag": "6"}),
    ]);
    let r = run_with(
        &["--source", "all_month.csv"],
        "source=all_month.csv | eval Description=case(depth<=70, \"Shallow\", depth>70 AND depth<=300, \"Mid\", depth>300, \"Deep\") \
         | stats count min(mag) max(mag) by Description",
        &input,
    );
    assert_eq!(col(&r, "Description"), ["Deep", "Mid", "Shallow"]);
    assert_eq!(col(&r, "count"), ["2", "1", "2"]);
    assert_eq!(col(&r, "min(mag)"), ["5.2", "3", "2.5"]);
    assert_eq!(col(&r, "max(mag)"), ["6", "3", "4.1"]);
}

// Search Reference, eval, Extended example "Use eval to categorize IP
// addresses by network": `sourcetype=access_* | eval
// network=if(cidrmatch("182.236.164.11/16", clientip), "local", "other")`.
#[test]
fn eval_example_cidrmatch_network() {
    let input = in_order(&[
        json!({"clientip": "182.236.1.2"}),
        json!({"clientip": "182.237.1.2"}),
        json!({"clientip": "10.0.0.1"}),
    ]);
    let r = run_with(
        &["--sourcetype", "access_combined"],
        "sourcetype=access_* | eval network=if(cidrmatch(\"182.236.164.11/16\", clientip), \"local\", \"other\") \
         | table clientip network",
        &input,
    );
    assert_eq!(col(&r, "network"), ["local", "other", "other"]);
}

/// Mail events for the eval page's cisco:esa examples.
fn mail() -> String {
    in_order(&[
        json!({"mailfrom": "ann@example.com"}),
        json!({"mailfrom": "bo@mail.example.org"}),
        json!({"mailfrom": "cy@example.de"}),
        json!({"rcptto": "dee@example.com"}),
    ])
}

// Search Reference, eval, Extended example "Extract information from an event
// into a separate field, create a multivalue field": `sourcetype="cisco:esa"
// mailfrom=* | eval accountname=split(mailfrom,"@"),
// from_domain=mvindex(accountname,-1) | table mailfrom, from_domain`.
#[test]
fn eval_example_split_and_mvindex_domain() {
    let r = run_with(
        &["--sourcetype", "cisco:esa"],
        "sourcetype=\"cisco:esa\" mailfrom=* | eval accountname=split(mailfrom,\"@\"), \
         from_domain=mvindex(accountname,-1) | table mailfrom, from_domain",
        &mail(),
    );
    assert_eq!(
        col(&r, "from_domain"),
        ["example.com", "mail.example.org", "example.de"]
    );
    let r = run_with(
        &["--sourcetype", "cisco:esa"],
        "sourcetype=\"cisco:esa\" mailfrom=* | eval accountname=split(mailfrom,\"@\") | table accountname",
        &mail(),
    );
    assert_eq!(r[0]["accountname"], json!(["ann", "example.com"]));
}

// Search Reference, eval, Extended example "Categorize the domains":
// `... | stats count(eval(match(from_domain, "[^\n\r\s]+\.(com|net|org)")))
// AS "Top Domains", count(eval(NOT match(from_domain,
// "[^\n\r\s]+\.(com|net|org)"))) AS "Other Domains"`.
#[test]
fn eval_example_count_top_and_other_domains() {
    let r = run_with(
        &["--sourcetype", "cisco:esa"],
        "sourcetype=\"cisco:esa\" mailfrom=* | eval accountname=split(mailfrom,\"@\"), \
         from_domain=mvindex(accountname,-1) \
         | stats count(eval(match(from_domain, \"[^\\n\\r\\s]+\\.(com|net|org)\"))) AS \"Top Domains\", \
         count(eval(NOT match(from_domain, \"[^\\n\\r\\s]+\\.(com|net|org)\"))) AS \"Other Domains\"",
        &mail(),
    );
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["Top Domains"], json!(2));
    assert_eq!(r[0]["Other Domains"], json!(1));
}

// ---- rename ----------------------------------------------------------------------

// Search Reference, rename, Example 1 "Rename a single field":
// `... | rename _ip AS IPAddress` — the old name is gone.
#[test]
fn rename_example_single_field() {
    let input = in_order(&[json!({"_ip": "1.2.3.4", "host": "h"})]);
    let r = run_spl(
        "* | rename _ip AS IPAddress | table IPAddress _ip host",
        &input,
    );
    assert_eq!(r, [json!({"IPAddress": "1.2.3.4", "host": "h"})]);
}

// ---- dedup -----------------------------------------------------------------------

fn source_host() -> String {
    in_order(&[
        json!({"id": "1", "source": "a", "host": "x"}),
        json!({"id": "2", "source": "a", "host": "y"}),
        json!({"id": "3", "source": "a", "host": "x"}),
        json!({"id": "4", "source": "a", "host": "x"}),
        json!({"id": "5", "source": "b", "host": "x"}),
        json!({"id": "6", "source": "b", "host": "x"}),
        json!({"id": "7", "source": "b", "host": "x"}),
        json!({"id": "8", "source": "b", "host": "x"}),
    ])
}

// Search Reference, dedup, Example "Keep the first 3 duplicate results":
// `... | dedup 3 source`.
#[test]
fn dedup_example_keep_first_three() {
    let r = run_spl("* | dedup 3 source | table id", &source_host());
    assert_eq!(col(&r, "id"), ["1", "2", "3", "5", "6", "7"]);
}

// Search Reference, dedup, Example "Keep results that have the same
// combination of values in multiple fields": `... | dedup source host` and,
// with a count, `... | dedup 2 source host`.
#[test]
fn dedup_example_combination_of_fields() {
    let r = run_spl("* | dedup source host | table id", &source_host());
    assert_eq!(col(&r, "id"), ["1", "2", "5"]);
    let r = run_spl("* | dedup 2 source host | table id", &source_host());
    assert_eq!(col(&r, "id"), ["1", "2", "3", "5", "6"]);
}

// ---- convert ---------------------------------------------------------------------

// Search Reference, convert, Basic example 1 "Convert all field values to
// numeric values": `... | convert auto(*)`; a field with a value that does not
// convert is left as it was.
#[test]
fn convert_example_auto_everything() {
    let input = in_order(&[json!({"a": "12", "b": "1.5", "c": "abc"})]);
    let r = run_spl("* | convert auto(*) | table a b c", &input);
    assert_eq!(r[0]["a"], json!(12));
    assert_eq!(r[0]["b"], json!(1.5));
    assert_eq!(r[0]["c"], json!("abc"));
}

// Search Reference, convert, Basic example 3 "Change the duration values to
// seconds for the specified fields": `... | convert dur2sec(xdelay)
// dur2sec(delay)`.
#[test]
fn convert_example_dur2sec_two_fields() {
    let input = in_order(&[json!({"xdelay": "00:00:09", "delay": "1+01:00:00"})]);
    let r = run_spl(
        "* | convert dur2sec(xdelay) dur2sec(delay) | table xdelay delay",
        &input,
    );
    assert_eq!(r[0]["xdelay"], json!(9));
    assert_eq!(r[0]["delay"], json!(90000));
}

// Search Reference, convert, Extended example 1 "Convert a UNIX time to a more
// readable time format": `... | convert timeformat="%H:%M:%S" ctime(_time) AS
// c_time | table _time, c_time` — `_time` stays, `c_time` is added.
#[test]
fn convert_example_ctime_as_c_time() {
    let input = ndjson(&[json!({"_time": 1700000000})]);
    let r = run_spl(
        "* | convert timeformat=\"%H:%M:%S\" ctime(_time) AS c_time | table _time, c_time",
        &input,
    );
    assert_eq!(r, [json!({"_time": 1700000000, "c_time": "22:13:20"})]);
}

// Search Reference, convert, Extended example 2 "Convert a time in MM:SS.SSS
// to a number in seconds": `... | convert mstime(_time) AS ms_time` (here on a
// text field, since our `_time` is already epoch seconds).
#[test]
fn convert_example_mstime_as_new_field() {
    let input = in_order(&[json!({"t": "03:25.500"})]);
    let r = run_spl("* | convert mstime(t) AS ms_time | table t ms_time", &input);
    assert_eq!(r[0]["t"], json!("03:25.500"));
    assert_eq!(r[0]["ms_time"], json!(205.5));
}

// ---- eventstats ------------------------------------------------------------------

// Search Reference, eventstats, Example "Search for spikes in the volume of
// errors": `eventtype="error" | eventstats avg(bytes) AS avg | where
// bytes>avg` — the average is over the searched events only.
#[test]
fn eventstats_example_spikes_above_average() {
    let input = in_order(&[
        json!({"eventtype": "error", "bytes": "10"}),
        json!({"eventtype": "error", "bytes": "50"}),
        json!({"eventtype": "ok", "bytes": "500"}),
        json!({"eventtype": "error", "bytes": "30"}),
    ]);
    let r = run_spl(
        "eventtype=\"error\" | eventstats avg(bytes) AS avg | where bytes>avg | table bytes avg",
        &input,
    );
    assert_eq!(r, [json!({"bytes": "50", "avg": 30})]);
}

// ---- bin -------------------------------------------------------------------------

// Search Reference, bin, Example 3 "Create bins with an end value larger than
// you need": `... | bin amount end=1000` — with the default 100 bins the
// range 0–1000 gives bins of 10.
#[test]
fn bin_example_end_value() {
    let input = in_order(&[json!({"amount": "25"}), json!({"amount": "437"})]);
    let r = run_spl("* | bin amount end=1000 | table amount", &input);
    assert_eq!(col(&r, "amount"), ["20-30", "430-440"]);
}

// ---- fields ----------------------------------------------------------------------

// Search Reference, fields, Example 1 "Remove fields from the search
// results": `... | fields - host, ip`.
#[test]
fn fields_example_remove_host_and_ip() {
    let input = in_order(&[json!({"host": "h", "ip": "1.2.3.4", "a": "x"})]);
    let r = run_spl("* | fields - host, ip", &input);
    assert!(
        r[0].get("host").is_none() && r[0].get("ip").is_none(),
        "{r:?}"
    );
    assert_eq!(r[0]["a"], json!("x"));
    assert!(r[0].get("_raw").is_some());
}

// Search Reference, fields, Example 2 "Keep only the host and ip fields, and
// remove all of the internal fields": `... | fields host, ip | fields - _*`.
#[test]
fn fields_example_keep_two_then_remove_internal() {
    let input = ndjson(&[json!({"_time": 5, "host": "h", "ip": "1.2.3.4", "a": "x"})]);
    let r = run_spl("* | fields host, ip | fields - _*", &input);
    assert_eq!(r, [json!({"host": "h", "ip": "1.2.3.4"})]);
}

// Search Reference, fields, Example 3 "Remove unwanted internal fields":
// `index=_internal sourcetype="splunkd" | head 5 | fields - _raw _indextime
// _sourcetype _subsecond _serial | outputcsv MyTestCsvfile`. The fields part
// runs; outputcsv is parsed but not run (see the ledger).
#[test]
fn fields_example_remove_internal_fields_by_name() {
    let input = ndjson(
        &(0..7)
            .map(|k| json!({"_time": 1000 - k, "n": k, "sourcetype": "splunkd"}))
            .collect::<Vec<_>>(),
    );
    let r = run_with(
        &["--index", "_internal"],
        "index=_internal sourcetype=\"splunkd\" | head 5 | fields - _raw _indextime _sourcetype _subsecond _serial",
        &input,
    );
    assert_eq!(col(&r, "n"), ["0", "1", "2", "3", "4"]);
    assert!(r.iter().all(|e| e.get("_raw").is_none()), "{r:?}");
    assert!(r.iter().all(|e| e.get("_time").is_some()), "{r:?}");
}

// ---- append ----------------------------------------------------------------------

// Search Reference, append, Example "Count the number of earthquakes that
// occurred in and around California yesterday and then calculate the total":
// `source=usgs place=*California* | stats count by magType | append [search
// index=usgs_* source=usgs place=*California* | stats count]`.
#[test]
fn append_example_counts_then_total() {
    let input = in_order(&[
        json!({"place": "Near California", "magType": "ml"}),
        json!({"place": "Offshore California", "magType": "md"}),
        json!({"place": "Northern California", "magType": "ml"}),
        json!({"place": "Alaska", "magType": "ml"}),
    ]);
    let r = run_with(
        &["--source", "usgs", "--index", "usgs_2024"],
        "source=usgs place=*California* | stats count by magType \
         | append [search index=usgs_* source=usgs place=*California* | stats count]",
        &input,
    );
    assert_eq!(col(&r, "magType"), ["md", "ml", ""]);
    assert_eq!(col(&r, "count"), ["1", "2", "3"]);
}

// ---- appendpipe ------------------------------------------------------------------

// Search Reference, appendpipe, Example 1 "Append subtotals for each action
// across all users": `index=_audit | stats count by action user | appendpipe
// [stats sum(count) as count by action | eval user = "TOTAL - ALL USERS"] |
// sort action` — each subtotal sorts after its action's rows.
#[test]
fn appendpipe_example_subtotals_sorted_by_action() {
    let input = in_order(&[
        json!({"action": "login", "user": "a"}),
        json!({"action": "search", "user": "b"}),
        json!({"action": "login", "user": "b"}),
        json!({"action": "login", "user": "a"}),
    ]);
    let r = run_with(
        &["--index", "_audit"],
        "index=_audit | stats count by action user | appendpipe [stats sum(count) as count by action \
         | eval user = \"TOTAL - ALL USERS\"] | sort action",
        &input,
    );
    assert_eq!(
        col(&r, "action"),
        ["login", "login", "login", "search", "search"]
    );
    assert_eq!(
        col(&r, "user"),
        ["a", "b", "TOTAL - ALL USERS", "b", "TOTAL - ALL USERS"]
    );
    assert_eq!(col(&r, "count"), ["2", "1", "3", "1", "1"]);
}

// ---- addtotals -------------------------------------------------------------------

// Search Reference, addtotals, Example "Sum specified fields, with a wildcard,
// into a named field": `... | addtotals fieldname=sum foobar* *baz*` — only
// the matching fields are summed.
#[test]
fn addtotals_example_wildcard_fields_into_sum() {
    let input = in_order(&[json!({"foobar1": "1", "foobar2": "2", "xbazy": "4", "other": "8"})]);
    let r = run_spl(
        "* | addtotals fieldname=sum foobar* *baz* | table sum",
        &input,
    );
    assert_eq!(col(&r, "sum"), ["7"]);
}

// ---- foreach ---------------------------------------------------------------------

// Search Reference, foreach, Example "Iterate over the items of a JSON array"
// (`mode=json_array`, `<<ITEM>>`): `| makeresults | eval ja=json_array(1, 2,
// 3), total=0 | foreach mode=json_array ja [eval total = total + <<ITEM>>]`.
#[test]
fn foreach_example_json_array_items() {
    let r = run_spl(
        "| makeresults | eval ja=json_array(1, 2, 3), total=0 \
         | foreach mode=json_array ja [eval total = total + <<ITEM>>] | table total",
        "",
    );
    assert_eq!(col(&r, "total"), ["6"]);
}

// ---- extract ---------------------------------------------------------------------

// Search Reference, extract, Example "Extract field/value pairs and reload
// field extraction settings from disk": `... | extract reload=true` — there
// are no settings on disk to reload here, so it extracts the pairs as `extract`
// does.
#[test]
fn extract_example_reload_true() {
    let input = ndjson(&[json!({"_time": 1, "_raw": "a=1 b=two"})]);
    let r = run_spl("* | extract reload=true | table a b", &input);
    assert_eq!(r, [json!({"a": "1", "b": "two"})]);
}

// ---- chart -----------------------------------------------------------------------

/// Three results with the fields the chart page's basic examples name.
fn chart_input() -> String {
    in_order(&[
        json!({"foo": "a", "bar": "x", "delay": "5", "size": "100", "host": "h1",
               "date_mday": "3", "date_hour": "10", "method": "GET"}),
        json!({"foo": "a", "bar": "y", "delay": "9", "size": "300", "host": "h1",
               "date_mday": "3", "date_hour": "11", "method": "POST"}),
        json!({"foo": "b", "bar": "x", "delay": "2", "size": "50", "host": "h2",
               "date_mday": "4", "date_hour": "10", "method": "GET"}),
    ])
}

// Search Reference, chart, Basic examples "Chart the max(delay) for each value
// of foo" (`... | chart max(delay) OVER foo`) and "…split by the value of bar"
// (`... | chart max(delay) OVER foo BY bar`): one row per foo, one column per
// bar; a cell with no events stays empty (max has no value there).
#[test]
fn chart_example_max_delay_over_foo_by_bar() {
    let r = run_spl("* | chart max(delay) OVER foo", &chart_input());
    assert_eq!(col(&r, "foo"), ["a", "b"]);
    assert_eq!(col(&r, "max(delay)"), ["9", "2"]);
    let r = run_spl("* | chart max(delay) OVER foo BY bar", &chart_input());
    assert_eq!(col(&r, "foo"), ["a", "b"]);
    assert_eq!(col(&r, "x"), ["5", "2"]);
    assert_eq!(col(&r, "y"), ["9", ""]);
}

// Search Reference, chart, Basic example "Chart the average size for each
// distinct value in host": `... | chart avg(size) BY host`.
#[test]
fn chart_example_avg_size_by_host() {
    let r = run_spl("* | chart avg(size) BY host", &chart_input());
    assert_eq!(col(&r, "host"), ["h1", "h2"]);
    assert_eq!(col(&r, "avg(size)"), ["200", "50"]);
}

// Search Reference, chart, Basic example "Chart the number of events, grouped
// by date and hour of the day": `... | chart count BY date_mday date_hour` —
// the second field becomes the columns, and a count with no events is 0.
#[test]
fn chart_example_count_by_day_and_hour() {
    let r = run_spl("* | chart count BY date_mday date_hour", &chart_input());
    assert_eq!(col(&r, "date_mday"), ["3", "4"]);
    assert_eq!(col(&r, "10"), ["1", "1"]);
    assert_eq!(col(&r, "11"), ["1", "0"]);
}

// Search Reference, chart, Extended example "Chart the number of different page
// requests, GET and POST, that occurred for each Web server":
// `sourcetype=access_* | chart count(eval(method="GET")) AS GET,
// count(eval(method="POST")) AS POST by host`.
#[test]
fn chart_example_get_and_post_by_host() {
    let r = run_with(
        &["--sourcetype", "access_combined"],
        "sourcetype=access_* | chart count(eval(method=\"GET\")) AS GET, \
         count(eval(method=\"POST\")) AS POST by host",
        &chart_input(),
    );
    assert_eq!(col(&r, "host"), ["h1", "h2"]);
    assert_eq!(col(&r, "GET"), ["1", "1"]);
    assert_eq!(col(&r, "POST"), ["1", "0"]);
}

// ---- concurrency -----------------------------------------------------------------

// Search Reference, concurrency, Usage: when events carry their completion
// time, subtract the duration first: `... | eval new_start = start - duration
// | concurrency start=new_start duration=duration`. b (80–90) starts inside
// a (50–100), so b counts two events in progress, a one.
#[test]
fn concurrency_example_start_from_completion_time() {
    let input = in_order(&[
        json!({"id": "a", "start": 100, "duration": 50}),
        json!({"id": "b", "start": 90, "duration": 10}),
    ]);
    let r = run_spl(
        "* | eval new_start = start - duration | concurrency start=new_start duration=duration \
         | table id new_start concurrency",
        &input,
    );
    let by_id = |id: &str| r.iter().find(|e| e["id"] == id).unwrap().clone();
    assert_eq!(by_id("a")["new_start"], json!(50));
    assert_eq!(by_id("a")["concurrency"], json!(1));
    assert_eq!(by_id("b")["new_start"], json!(80));
    assert_eq!(by_id("b")["concurrency"], json!(2));
}

// Search Reference, concurrency, Example "Calculate the number of concurrent
// events for each event and emit as field 'foo'": `... | concurrency
// duration=total_time output=foo`.
#[test]
fn concurrency_example_output_foo() {
    let input = ndjson(&[
        json!({"_time": 200, "id": "c", "total_time": 5}),
        json!({"_time": 130, "id": "b", "total_time": 10}),
        json!({"_time": 100, "id": "a", "total_time": 50}),
    ]);
    let r = run_spl(
        "* | concurrency duration=total_time output=foo | table id foo",
        &input,
    );
    let by_id = |id: &str| r.iter().find(|e| e["id"] == id).unwrap()["foo"].clone();
    assert_eq!(by_id("a"), json!(1));
    assert_eq!(by_id("b"), json!(2));
    assert_eq!(by_id("c"), json!(1));
    assert!(r.iter().all(|e| e.get("concurrency").is_none()), "{r:?}");
}

// ---- fromjson --------------------------------------------------------------------

// Search Reference, fromjson, Example 1 "Expand a JSON object to create new
// fields": `| makeresults | eval object=json_object("name", "Albert", "age",
// 63) | fromjson object` — name and age become fields, object stays.
#[test]
fn fromjson_example_expand_object() {
    let r = run_spl(
        "| makeresults | eval object=json_object(\"name\", \"Albert\", \"age\", 63) | fromjson object",
        "",
    );
    assert_eq!(col(&r, "name"), ["Albert"]);
    assert_eq!(col(&r, "age"), ["63"]);
    assert_eq!(col(&r, "object"), ["{\"name\":\"Albert\",\"age\":63}"]);
}

// Search Reference, fromjson, Example 2 "Prepend the name of extracted
// fields": `... | fromjson object prefix=json_` gives json_name and json_age.
#[test]
fn fromjson_example_prefix_json() {
    let r = run_spl(
        "| makeresults | eval object=json_object(\"name\", \"Albert\", \"age\", 63) \
         | fromjson object prefix=json_",
        "",
    );
    assert_eq!(col(&r, "json_name"), ["Albert"]);
    assert_eq!(col(&r, "json_age"), ["63"]);
    assert!(r[0].get("name").is_none(), "{r:?}");
}

// ---- rename and fields, examples in the Usage sections -----------------------------

// Search Reference, rename, Usage "Rename with a phrase": `... | rename
// SESSIONID AS "The session ID"`.
#[test]
fn rename_usage_session_id_phrase() {
    let input = in_order(&[json!({"SESSIONID": "s1"})]);
    let r = run_spl(
        "* | rename SESSIONID AS \"The session ID\" | table *",
        &input,
    );
    assert_eq!(col(&r, "The session ID"), ["s1"]);
    assert!(r[0].get("SESSIONID").is_none(), "{r:?}");
}

// Search Reference, fields, Usage "Internal fields and Splunk Web": to exclude
// a specific internal field, name it: `... | fields - _raw`; `_time` stays.
#[test]
fn fields_usage_remove_raw_only() {
    let input = ndjson(&[json!({"_time": 5, "a": "x"})]);
    let r = run_spl("* | fields - _raw", &input);
    assert!(r[0].get("_raw").is_none(), "{r:?}");
    assert_eq!(r[0]["_time"], json!(5));
    assert_eq!(r[0]["a"], json!("x"));
}
