//! Command pages of grammar/examples/commands-a.md re-read against the full
//! page text of the Search Reference (10.0 edition): worked examples further
//! down the pages (usage sections, extended examples) and the pages' 10.0
//! wording of examples the ledger had from openings or older editions.

use crate::common::{col, fails, in_order, ndjson, run_spl, run_spl_as, run_spl_with};
use serde_json::json;

// ---- eval ---------------------------------------------------------------------

// Search Reference, eval, Basic example 3 "Convert values to lowercase" (10.0):
// `... | eval low-user = lower(username)` — a field name with a hyphen on the
// left of the assignment.
#[test]
fn eval_low_user_with_a_hyphen() {
    let r = run_spl(
        "* | eval low-user = lower(username) | table username low-user",
        &in_order(&[json!({"username": "Ann.LEE"}), json!({"username": "bo"})]),
    );
    assert_eq!(col(&r, "low-user"), ["ann.lee", "bo"]);
}

// Search Reference, eval, Basic example 9: "If the original value of x is
// 1000000.1278, the following search returns x as 1,000,000.13"
// (`eval x=tostring(x,"commas")`), and `eval x="$".tostring(x,"commas")`
// "returns x as $1,000,000.13".
#[test]
fn eval_tostring_commas_and_a_currency_symbol() {
    let ev = in_order(&[json!({"x": "1000000.1278"})]);
    let r = run_spl("* | eval x=tostring(x,\"commas\") | table x", &ev);
    assert_eq!(col(&r, "x"), ["1,000,000.13"]);
    let r = run_spl("* | eval x=\"$\".tostring(x,\"commas\") | table x", &ev);
    assert_eq!(col(&r, "x"), ["$1,000,000.13"]);
}

// Search Reference, eval, Basic example 10 "Rounding with values outside of
// the range of supported values": the page's table shows 9007199254740991,
// 9007199254740992, 9007199254740992.
#[test]
fn eval_values_beyond_two_to_the_53() {
    let out = run_spl_as(
        "csv",
        "| makeresults | eval max_supported_val = pow(2, 53)-1, val1 = max_supported_val + 1, \
         val2 = max_supported_val + 2 | table max_supported_val val1 val2",
        "",
    );
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "max_supported_val,val1,val2",
            "9007199254740991,9007199254740992,9007199254740992"
        ]
    );
}

// Search Reference, eval, Usage "The = and == operators": `| eval
// description=case(status==200, "OK", status==404, "Not found", status==500,
// "Internal Server Error")`; "Field names": a trailing space in a field name
// is valid (`| makeresults | eval "first  " = 123 | eval second='first  '`).
#[test]
fn eval_usage_case_description_and_a_trailing_space_name() {
    let r = run_spl(
        "* | eval description=case(status==200, \"OK\", status==404, \"Not found\", \
         status==500, \"Internal Server Error\") | table description",
        &in_order(&[
            json!({"status": "500"}),
            json!({"status": "200"}),
            json!({"status": "404"}),
            json!({"status": "302"}),
        ]),
    );
    assert_eq!(
        col(&r, "description"),
        ["Internal Server Error", "OK", "Not found", ""]
    );
    let r = run_spl(
        "| makeresults | eval \"first  \" = 123 | eval second='first  ' | table second",
        "",
    );
    assert_eq!(col(&r, "second"), ["123"]);
}

// Search Reference, eval, Extended example 1 (10.0): `sourcetype=A OR
// sourcetype=B | eval phone=coalesce(number,subscriberNumber) | transaction
// phone maxspan=2m` — the field is `subscriberNumber` (field names are
// case-sensitive).
#[test]
fn eval_coalesce_subscriber_number_then_transaction() {
    let input = ndjson(&[
        json!({"_time": 160, "sourcetype": "B", "subscriberNumber": "555-1"}),
        json!({"_time": 100, "sourcetype": "A", "number": "555-1"}),
        json!({"_time": 90, "sourcetype": "B", "subscribernumber": "555-2"}),
    ]);
    let r = run_spl(
        "sourcetype=A OR sourcetype=B | eval phone=coalesce(number,subscriberNumber) \
         | transaction phone maxspan=2m | table phone eventcount",
        &input,
    );
    // The lower-case `subscribernumber` is another field: no phone, so that
    // event is in no transaction.
    assert_eq!(r, [json!({"phone": "555-1", "eventcount": 2})]);
}

fn mail() -> String {
    in_order(&[
        json!({"mailfrom": "na.lui@sample.net"}),
        json!({"mailfrom": "MAILER-DAEMON@hcp2mailsec.sample.net"}),
        json!({"mailfrom": "AlexMartin@oursample.de"}),
        json!({"mailfrom": "buttercup-forum+SEMAG8PUC4RETTUB@groups.com"}),
    ])
}

// Search Reference, eval, Extended example 4 (10.0): `sourcetype="cisco:esa"
// mailfrom=* | eval accountname=split(mailfrom,"@"),
// from_user=mvindex(accountname,0), from_domain=mvindex(accountname,-1) |
// table mailfrom, from_user, from_domain`, rows of the page's table.
#[test]
fn eval_split_into_user_and_domain() {
    let r = run_spl_with(
        &["--sourcetype", "cisco:esa"],
        "sourcetype=\"cisco:esa\" mailfrom=* | eval accountname=split(mailfrom,\"@\"), \
         from_user=mvindex(accountname,0), from_domain=mvindex(accountname,-1) \
         | table mailfrom, from_user, from_domain",
        &mail(),
    );
    assert_eq!(
        r[0],
        json!({"mailfrom": "na.lui@sample.net", "from_user": "na.lui", "from_domain": "sample.net"})
    );
    assert_eq!(
        col(&r, "from_user"),
        [
            "na.lui",
            "MAILER-DAEMON",
            "AlexMartin",
            "buttercup-forum+SEMAG8PUC4RETTUB"
        ]
    );
    assert_eq!(
        col(&r, "from_domain"),
        [
            "sample.net",
            "hcp2mailsec.sample.net",
            "oursample.de",
            "groups.com"
        ]
    );
}

// Search Reference, eval, Extended example 5 (10.0) "Categorize events using
// the match function": `... location=if(match(from_domain,
// "[^\n\r\s]+\.(com|net|org)"), "local", "abroad") | stats count BY location`.
#[test]
fn eval_match_location_local_or_abroad() {
    let r = run_spl_with(
        &["--sourcetype", "cisco:esa"],
        "sourcetype=\"cisco:esa\" mailfrom=*| eval accountname=split(mailfrom,\"@\"),  \
         from_domain=mvindex(accountname,-1), \
         location=if(match(from_domain, \"[^\\n\\r\\s]+\\.(com|net|org)\"), \"local\", \"abroad\") \
         | stats count BY location",
        &mail(),
    );
    assert_eq!(
        r,
        [
            json!({"location": "abroad", "count": 1}),
            json!({"location": "local", "count": 3})
        ]
    );
}

// Search Reference, eval, Extended example 6: `sourcetype=access_* |
// transaction clientip maxspan=10m | eval
// durationstr=tostring(duration,"duration")` — "a string formatted as
// HH:MM:SS".
#[test]
fn eval_transaction_duration_as_a_string() {
    let input = ndjson(&[
        json!({"_time": 1000 + 125, "sourcetype": "access_combined", "clientip": "1.2.3.4"}),
        json!({"_time": 1000, "sourcetype": "access_combined", "clientip": "1.2.3.4"}),
    ]);
    let r = run_spl(
        "sourcetype=access_* | transaction clientip maxspan=10m \
         | eval durationstr=tostring(duration,\"duration\") | table duration durationstr",
        &input,
    );
    assert_eq!(col(&r, "duration"), ["125"]);
    assert_eq!(col(&r, "durationstr"), ["00:02:05"]);
}

// ---- fillnull -----------------------------------------------------------------

// Search Reference, fillnull, Example 1 "Fill all empty field values with the
// default value": the page's ACCESSORIES…TEE table, before and after.
#[test]
fn fillnull_default_zero_on_the_page_table() {
    let input = in_order(&[
        json!({"_time": "2021-03-17", "ACCESSORIES": "5", "ARCADE": "17", "SHOOTER": "6", "SIMULATION": "3", "SPORTS": "5", "STRATEGY": "32"}),
        json!({"_time": "2021-03-16", "ARCADE": "63", "SHOOTER": "39", "SIMULATION": "30", "SPORTS": "22", "STRATEGY": "127", "TEE": "56"}),
        json!({"_time": "2021-03-15", "ACCESSORIES": "65", "ARCADE": "94", "SHOOTER": "38", "SIMULATION": "42", "STRATEGY": "128", "TEE": "60"}),
    ]);
    let r = run_spl(
        "* | fillnull | table ACCESSORIES ARCADE SHOOTER SIMULATION SPORTS STRATEGY TEE",
        &input,
    );
    assert_eq!(col(&r, "TEE"), ["0", "56", "60"]);
    assert_eq!(col(&r, "ACCESSORIES"), ["5", "0", "65"]);
    assert_eq!(col(&r, "SPORTS"), ["5", "22", "0"]);
    assert_eq!(col(&r, "STRATEGY"), ["32", "127", "128"]);
}

fn kbps() -> String {
    in_order(&[
        json!({"host": "danube.sample.com", "instanenous_kbps": "1.865", "kbps": "3.420"}),
        json!({"host": "mekong.buttercupgames.com", "average_kbps": "0.710", "instanenous_kbps": "0.164", "kbps": "1.256"}),
        json!({"host": "danube.sample.com", "average_kbps": "1.325", "kbps": "2.230"}),
        json!({"host": "yangtze.buttercupgames.com", "average_kbps": "2.249", "instanenous_kbps": "0.000", "kbps": "2.249"}),
        json!({"average_kbps": "2.874", "instanenous_kbps": "3.841", "kbps": "1.906"}),
        json!({"host": "nile.example.net", "average_kbps": "2.023", "instanenous_kbps": "0.915"}),
    ])
}

// Search Reference, fillnull, Example 3: `... | fillnull value=unknown host
// kbps` fills only those two fields (average_kbps and instanenous_kbps stay
// empty), and `... | fillnull value=unknown host kbps bytes` creates bytes
// with "unknown" in every result (the page's two result tables).
#[test]
fn fillnull_unknown_on_the_page_table() {
    let r = run_spl(
        "* | fillnull value=unknown host kbps | table host average_kbps instanenous_kbps kbps",
        &kbps(),
    );
    assert_eq!(
        col(&r, "host"),
        [
            "danube.sample.com",
            "mekong.buttercupgames.com",
            "danube.sample.com",
            "yangtze.buttercupgames.com",
            "unknown",
            "nile.example.net"
        ]
    );
    assert_eq!(
        col(&r, "kbps"),
        ["3.420", "1.256", "2.230", "2.249", "1.906", "unknown"]
    );
    assert_eq!(col(&r, "average_kbps")[0], "");
    assert_eq!(col(&r, "instanenous_kbps")[2], "");
    let r = run_spl(
        "* | fillnull value=unknown host kbps bytes | table host kbps bytes",
        &kbps(),
    );
    assert_eq!(col(&r, "bytes"), ["unknown"; 6]);
    assert_eq!(col(&r, "kbps")[5], "unknown");
}

// Search Reference, fillnull, Example 4: `sourcetype="web" | timechart count
// by host | fillnull value=NULL` — runs after timechart (whose empty counts
// are already 0, so nothing is left for NULL).
#[test]
fn fillnull_after_timechart() {
    let input = ndjson(&[
        json!({"_time": 7200, "sourcetype": "web", "host": "a"}),
        json!({"_time": 3600, "sourcetype": "web", "host": "b"}),
    ]);
    let r = run_spl(
        "sourcetype=\"web\" | timechart span=1h count by host | fillnull value=NULL",
        &input,
    );
    assert_eq!(col(&r, "a"), ["0", "1"]);
    assert_eq!(col(&r, "b"), ["1", "0"]);
}

// ---- rename -------------------------------------------------------------------

// Search Reference, rename, Example 2 (10.0): `... | rename usr* AS user*`.
#[test]
fn rename_usr_prefix_to_user() {
    let r = run_spl(
        "* | rename usr* AS user* | fields - _raw _time source",
        &in_order(&[json!({"usr_id": "7", "usrname": "ann", "other": "x"})]),
    );
    assert_eq!(
        r,
        [json!({"user_id": "7", "username": "ann", "other": "x"})]
    );
}

// Search Reference, rename, Usage: "You can't rename one field with multiple
// names ... you can't specify | rename A as B, A as C"; "the following search
// fails because there is one wildcard character in the original name, but
// none in the name that replaces it" (`rename price-a*price-b AS
// price-a\price-b`), while `rename price-a*price-b AS price-a*Newprice-b`
// "completes successfully".
#[test]
fn rename_one_field_twice_and_unequal_wildcards_are_errors() {
    let (code, err) = fails("| makeresults | eval A=1 | rename A as B, A as C");
    assert_eq!(code, 2);
    insta::assert_snapshot!("rename_one_field_several_names", err);
    let (code, err) = fails("| makeresults | rename price-a*price-b AS price-a\\price-b");
    assert_eq!(code, 2);
    insta::assert_snapshot!("rename_wildcard_count_mismatch", err);
    let r = run_spl(
        "* | rename price-a*price-b AS price-a*Newprice-b | fields - _raw _time source",
        &in_order(&[json!({"price-a1price-b": "9"})]),
    );
    assert_eq!(r, [json!({"price-a1Newprice-b": "9"})]);
}

// Search Reference, rename, "Support for backslash characters": "use 2
// backslashes for each backslash in the original field name. For example, to
// rename the field name http\\:8000 to localhost:8000" use `rename
// http\\\\:* AS localhost:*`.
#[test]
fn rename_doubled_backslashes_match_one() {
    let r = run_spl(
        "* | rename http\\\\\\\\:* AS localhost:* | fields - _raw _time source",
        &in_order(&[json!({"http\\\\:8000": "up"})]),
    );
    assert_eq!(r, [json!({"localhost:8000": "up"})]);
}

// ---- dedup --------------------------------------------------------------------

fn dedup_events() -> String {
    ndjson(&[
        json!({"_time": 50, "source": "a", "host": "h1", "_size": "10", "n": "9", "ip": "10.0.0.9"}),
        json!({"_time": 40, "source": "a", "host": "h1", "_size": "30", "n": "10", "ip": "10.0.0.10"}),
        json!({"_time": 30, "source": "b", "host": "h1", "_size": "20", "n": "100"}),
        json!({"_time": 20, "source": "a", "host": "h2", "_size": "5"}),
        json!({"_time": 10, "source": "a", "host": "h1", "_size": "7"}),
    ])
}

fn times(r: &[serde_json::Value]) -> Vec<String> {
    col(r, "_time")
}

// Search Reference, dedup, Examples 1-6 (10.0): `dedup host`, `dedup source
// sortby +_time`, `dedup source sortby -_size`, `dedup 3 source`, `dedup 2
// source host`, `dedup consecutive=true source host`. sortby "determines
// which of the duplicate events to keep ... the top-most event, of the
// duplicate events in the sorted list, is retained".
#[test]
fn dedup_page_examples() {
    let t = |q: &str| times(&run_spl(&format!("* | {q} | table _time"), &dedup_events()));
    assert_eq!(t("dedup host"), ["50", "20"]);
    // Ascending _time: the oldest of each source, oldest first.
    assert_eq!(t("dedup source sortby +_time"), ["10", "30"]);
    // Descending _size: source a keeps its biggest (30), then b (20).
    assert_eq!(t("dedup source sortby -_size"), ["40", "30"]);
    assert_eq!(t("dedup 3 source"), ["50", "40", "30", "20"]);
    assert_eq!(t("dedup 2 source host"), ["50", "40", "30", "20"]);
    assert_eq!(
        t("dedup consecutive=true source host"),
        ["50", "30", "20", "10"]
    );
}

// Search Reference, dedup, "Sort field options" (`auto()`, `str()`, `ip()`,
// `num()`) and keepempty: "use the fillnull command to provide a non-null
// value ... `...| fillnull value="MISSING" field1 field2 | dedup field1
// field2`"; "Multivalue fields": "the fields must match all values".
#[test]
fn dedup_sort_field_options_missing_values_and_multivalues() {
    let t = |q: &str| times(&run_spl(&format!("* | {q} | table _time"), &dedup_events()));
    assert_eq!(t("dedup host sortby -num(n)"), ["30", "20"]);
    // As strings, "9" sorts after "100" and "10".
    assert_eq!(t("dedup host sortby -str(n)"), ["50", "20"]);
    assert_eq!(t("dedup host sortby -auto(n)"), ["30", "20"]);
    assert_eq!(t("dedup host sortby -ip(ip)"), ["40", "20"]);
    // Without a value n, only the events with one are kept; MISSING keeps
    // one representative per host.
    assert_eq!(t("dedup n"), ["50", "40", "30"]);
    assert_eq!(
        t("fillnull value=\"MISSING\" n host | dedup n host"),
        ["50", "40", "30", "20", "10"]
    );
    assert_eq!(
        t("fillnull value=\"MISSING\" n | dedup n"),
        ["50", "40", "30", "20"]
    );
    let r = run_spl(
        "| makeresults count=3 | streamstats count AS k \
         | eval m=if(k==2, \"a\", mvappend(\"a\", \"b\")) | dedup m | table k",
        "",
    );
    assert_eq!(col(&r, "k"), ["1", "2"]);
}

// ---- convert ------------------------------------------------------------------

// Search Reference, convert, Basic examples 2-6 (10.0): `convert auto(*)
// none(src_ip)`; `convert dur2sec(xdelay) dur2sec(delay)`; "if
// delay="00:10:15", the resulting value is delay="615""; "if duration="212
// sec", the resulting value is duration="212"" (rmunit); memk(virt); and
// "rmcomma(1,000,000.00) returns 1000000.00".
#[test]
fn convert_basic_examples_with_the_page_values() {
    let ev = in_order(&[json!({
        "src_ip": "10", "bytes": "42", "delay": "00:10:15", "xdelay": "1+00:00:01",
        "duration": "212 sec", "virt": "2m", "amount": "1,000,000.00"
    })]);
    let r = run_spl("* | convert auto(*) none(src_ip) | table src_ip bytes", &ev);
    assert_eq!(r, [json!({"src_ip": "10", "bytes": 42})]);
    let r = run_spl(
        "* | convert dur2sec(xdelay) dur2sec(delay) | table xdelay delay",
        &ev,
    );
    assert_eq!(r, [json!({"xdelay": 86401, "delay": 615})]);
    let r = run_spl(
        "* | convert rmunit(duration) memk(virt) rmcomma(amount) | table duration virt amount",
        &ev,
    );
    assert_eq!(col(&r, "duration"), ["212"]);
    assert_eq!(col(&r, "virt"), ["2048"]);
    assert_eq!(col(&r, "amount"), ["1000000.00"]);
}

// Search Reference, convert, Extended examples 1-3: `source="all_month.csv" |
// convert timeformat="%H:%M:%S" ctime(_time) AS c_time | table _time, c_time`
// (2018-03-27 17:20:14.839 gives 17:20:14); `sourcetype=syslog | convert
// mstime(_time) AS ms_time | table _time, ms_time` (the epoch time,
// 1522196414.839 for the page's first row); `...| convert num(time_elapsed)
// | stats sum(eval(time_elapsed/60)) AS Minutes BY user_id` (HH:MM:SS values).
#[test]
fn convert_extended_examples() {
    let r = run_spl_with(
        &["--source", "all_month.csv", "--sourcetype", "syslog"],
        "source=\"all_month.csv\" | convert timeformat=\"%H:%M:%S\" ctime(_time) AS c_time \
         | table _time, c_time",
        &ndjson(&[json!({"_time": 1522171214.839})]),
    );
    assert_eq!(col(&r, "c_time"), ["17:20:14"]);
    let r = run_spl_with(
        &["--sourcetype", "syslog"],
        "sourcetype=syslog | convert mstime(_time) AS ms_time | table _time, ms_time",
        &ndjson(&[json!({"_time": 1522196414.839})]),
    );
    assert_eq!(col(&r, "ms_time"), ["1522196414.839"]);
    let r = run_spl(
        "* | convert num(time_elapsed) | stats sum(eval(time_elapsed/60)) AS Minutes BY user_id",
        &in_order(&[
            json!({"time_elapsed": "00:01:30", "user_id": "u1"}),
            json!({"time_elapsed": "00:03:00", "user_id": "u1"}),
            json!({"time_elapsed": "01:00:00", "user_id": "u2"}),
        ]),
    );
    assert_eq!(
        r,
        [
            json!({"user_id": "u1", "Minutes": 4.5}),
            json!({"user_id": "u2", "Minutes": 60})
        ]
    );
}

// ---- bin ----------------------------------------------------------------------

// Search Reference, bin, Example 5 "Specify a UTC time to align the bins to":
// `...| bin _time aligntime=1500567890` — the bins start at that time, not
// at a multiple of the span from epoch 0.
#[test]
fn bin_aligned_to_a_utc_time() {
    const AT: i64 = 1_500_567_890;
    let input = ndjson(
        &(1..=5)
            .map(|k| json!({"_time": AT + k * 7000}))
            .collect::<Vec<_>>(),
    );
    let r = run_spl(
        "* | bin _time aligntime=1500567890 AS b | table _time b",
        &input,
    );
    assert_eq!(r.len(), 5);
    let spans: Vec<i64> = r
        .iter()
        .map(|row| {
            let (t, b) = (row["_time"].as_i64().unwrap(), row["b"].as_i64().unwrap());
            assert!(b <= t, "{row}");
            t - b
        })
        .collect();
    for row in &r {
        let b = row["b"].as_i64().unwrap();
        // The automatic span here is 5 minutes; 1500567890 is no multiple of it.
        assert_eq!((b - AT) % 300, 0, "{row}");
        assert_ne!(b % 300, 0, "{row}");
    }
    assert!(spans.iter().all(|d| *d < 300));
}

// Search Reference, bin, Bin options and Span options: `span=2log10` ("Example:
// span=2log10"), `bins`, `start`/`end`, `minspan`, `AS <newfield>`, the
// `bucket` alias and a subsecond span ("valid millisecond span values are 1,
// 2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 125, 200, 250, or 500ms").
#[test]
fn bin_span_and_range_options() {
    let r = run_spl(
        "| makeresults count=5 | streamstats count | eval x=count*37 \
         | bin x span=2log10 AS lx | bucket x bins=3 start=0 end=1000 AS bx \
         | bin x minspan=100 AS mx | table x lx bx mx",
        "",
    );
    assert_eq!(col(&r, "lx"), ["20-200"; 5]);
    assert_eq!(col(&r, "bx"), ["0-1000"; 5]);
    assert_eq!(
        col(&r, "mx"),
        ["0-100", "0-100", "100-200", "100-200", "100-200"]
    );
    let r = run_spl(
        "* | bin _time span=250ms AS ms | table ms",
        &ndjson(&[
            json!({"_time": 1500567890.7}),
            json!({"_time": 1500567890.3}),
        ]),
    );
    assert_eq!(col(&r, "ms"), ["1500567890.5", "1500567890.25"]);
}

// ---- fields -------------------------------------------------------------------

// Search Reference, fields, "Displaying internal fields": `index=_internal |
// head 5 | fields + _bkt | eval bkt=_bkt | table bkt` (a copy without the
// underscore shows); "Support for backslash characters": "to display fields
// that contain http:\\, use" `fields http:\\\\*`.
#[test]
fn fields_internal_copy_and_doubled_backslashes() {
    let r = run_spl_with(
        &["--index", "_internal"],
        "index=_internal | head 5 | fields + _bkt | eval bkt=_bkt | table bkt",
        &in_order(&[json!({"_bkt": "main~1~A", "x": "1"})]),
    );
    assert_eq!(r, [json!({"bkt": "main~1~A"})]);
    let r = run_spl(
        "* | fields http:\\\\\\\\* | fields - _raw _time",
        &in_order(&[json!({"http:\\\\a": "1", "http:b": "2", "c": "3"})]),
    );
    assert_eq!(r, [json!({"http:\\\\a": "1"})]);
}

// Search Reference, fields, Usage "Internal fields and the outputcsv command"
// and Example 3 (10.0): `fields - _raw, _indextime, _sourcetype, _subsecond,
// _serial` with commas (the search before `outputcsv`).
#[test]
fn fields_remove_internal_fields_with_commas() {
    let r = run_spl_with(
        &["--index", "_internal", "--sourcetype", "splunkd"],
        "index=_internal sourcetype=\"splunkd\" | head 5 \
         | fields - _raw, _indextime, _sourcetype, _subsecond, _serial | fields - index sourcetype source",
        &ndjson(&[json!({"_time": 5, "_indextime": 6, "_serial": 0, "_subsecond": ".1", "_sourcetype": "splunkd", "msg": "m"})]),
    );
    assert_eq!(r, [json!({"_time": 5, "msg": "m"})]);
}

// ---- append -------------------------------------------------------------------

fn access() -> String {
    ndjson(&[
        json!({"_time": 100, "clientip": "1.1.1.1", "method": "GET", "action": "purchase", "categoryId": "ARCADE"}),
        json!({"_time": 90, "clientip": "1.1.1.1", "method": "GET", "action": "purchase", "categoryId": "ARCADE"}),
        json!({"_time": 80, "clientip": "2.2.2.2", "method": "POST", "action": "purchase", "categoryId": "TEE"}),
        json!({"_time": 70, "clientip": "3.3.3.3", "method": "GET", "action": "view", "categoryId": "TEE"}),
    ])
}

// Search Reference, append, Example 2: `sourcetype=access_* action=purchase |
// stats dc(clientip) BY categoryId | append [search sourcetype=access_*
// action=purchase | top 1 clientip BY categoryId] | table categoryId,
// dc(clientip), clientip, count` — "append just tacks on the results of the
// subsearch to the end".
#[test]
fn append_top_purchaser_per_category() {
    let r = run_spl_with(
        &["--sourcetype", "access_combined"],
        "sourcetype=access_* action=purchase | stats dc(clientip) BY categoryId \
         | append [search sourcetype=access_* action=purchase | top 1 clientip BY categoryId] \
         | table categoryId, dc(clientip), clientip, count",
        &access(),
    );
    assert_eq!(
        r,
        [
            json!({"categoryId": "ARCADE", "dc(clientip)": 1}),
            json!({"categoryId": "TEE", "dc(clientip)": 1}),
            json!({"categoryId": "ARCADE", "clientip": "1.1.1.1", "count": 2}),
            json!({"categoryId": "TEE", "clientip": "2.2.2.2", "count": 1}),
        ]
    );
}

// Search Reference, append, Examples 3 and 4: `sourcetype=access_* | stats
// dc(clientip), count by method | append [search sourcetype=access_* | top 1
// clientip by method]` — the page's table has the columns method,
// dc(clientip), count, clientip, percent, the subsearch's two rows last; and
// the same with `append maxtime=30 maxout=1000`.
#[test]
fn append_top_client_per_method_with_maxtime_and_maxout() {
    for opts in ["", "maxtime=30 maxout=1000 "] {
        let r = run_spl_with(
            &["--sourcetype", "access_combined"],
            &format!(
                "sourcetype=access_* | stats dc(clientip), count by method \
                 | append {opts}[search sourcetype=access_* | top 1 clientip by method]"
            ),
            &access(),
        );
        assert_eq!(col(&r, "method"), ["GET", "POST", "GET", "POST"]);
        assert_eq!(col(&r, "dc(clientip)"), ["2", "1", "", ""]);
        assert_eq!(col(&r, "count"), ["3", "1", "2", "1"]);
        assert_eq!(col(&r, "clientip"), ["", "", "1.1.1.1", "2.2.2.2"]);
        assert_eq!(col(&r, "percent"), ["", "", "66.666667", "100.000000"]);
    }
    // maxout caps the subsearch's rows.
    let r = run_spl_with(
        &["--sourcetype", "access_combined"],
        "sourcetype=access_* | stats count by method \
         | append maxout=1 [search sourcetype=access_* | top 1 clientip by method]",
        &access(),
    );
    assert_eq!(r.len(), 3);
}

// Search Reference, append, Example 5: `index=_internal
// earliest=11/20/2017:00:00:00 latest=11/30/2017:00:00:00 |append
// extendtimerange=true [search index=_audit earliest=11/1/2017:00:00:00
// latest=11/25/2017:00:00:00] |timechart span=1d count` — the subsearch's
// own time range selects its events and its days are charted.
#[test]
fn append_extendtimerange_then_timechart() {
    let input = ndjson(&[
        json!({"_time": 1_511_568_000, "index": "_internal"}), // 2017-11-25
        json!({"_time": 1_509_840_000, "index": "_audit"}),    // 2017-11-05
        json!({"_time": 1_509_840_000, "index": "_internal"}), // outside the main range
        json!({"_time": 1_511_740_800, "index": "_audit"}), // 2017-11-27, outside the subsearch's
    ]);
    let out = run_spl_as(
        "csv",
        "index=_internal earliest=11/20/2017:00:00:00 latest=11/30/2017:00:00:00 \
         |append extendtimerange=true \
            [search index=_audit earliest=11/1/2017:00:00:00 latest=11/25/2017:00:00:00] \
         |timechart span=1d count",
        &input,
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[1], "2017-11-05T00:00:00.000+00:00,1");
    assert_eq!(lines.last(), Some(&"2017-11-25T00:00:00.000+00:00,1"));
    let total: u32 = lines[1..]
        .iter()
        .map(|l| l.rsplit(',').next().unwrap().parse::<u32>().unwrap())
        .sum();
    assert_eq!(total, 2);
}

// ---- appendpipe ---------------------------------------------------------------

// Search Reference, appendpipe, Example 1 with `run_in_preview=false`
// ("when the search finishes, the results include the impact of the
// appendpipe command").
#[test]
fn appendpipe_run_in_preview_false_still_appends() {
    let r = run_spl(
        "| makeresults count=2 | streamstats count | appendpipe run_in_preview=false \
         [stats sum(count) AS count | eval user = \"TOTAL - ALL USERS\"] | table count user",
        "",
    );
    assert_eq!(col(&r, "count"), ["1", "2", "3"]);
    assert_eq!(col(&r, "user"), ["", "", "TOTAL - ALL USERS"]);
}

// ---- delta / accum / autoregress ------------------------------------------------

// Search Reference, delta, Basic example 1: `sourcetype=tv activity="View" |
// sort - _time | delta _time AS timeDeltaS | eval timeDeltaS=abs(timeDeltaS)
// | stats sum(timeDeltaS) by ChannelName`.
#[test]
fn delta_time_between_views_by_channel() {
    let input = ndjson(&[
        json!({"_time": 300, "sourcetype": "tv", "activity": "View", "ChannelName": "A"}),
        json!({"_time": 200, "sourcetype": "tv", "activity": "View", "ChannelName": "B"}),
        json!({"_time": 150, "sourcetype": "tv", "activity": "View", "ChannelName": "A"}),
        json!({"_time": 100, "sourcetype": "tv", "activity": "Other", "ChannelName": "A"}),
    ]);
    let r = run_spl(
        "sourcetype=tv activity=\"View\" | sort - _time | delta _time AS timeDeltaS \
         | eval timeDeltaS=abs(timeDeltaS) | stats sum(timeDeltaS) by ChannelName",
        &input,
    );
    // The first view has no delta; 200 follows 300 (100 s), 150 follows 200.
    assert_eq!(
        r,
        [
            json!({"ChannelName": "A", "sum(timeDeltaS)": 50}),
            json!({"ChannelName": "B", "sum(timeDeltaS)": 100})
        ]
    );
}

/// Events whose `top clientip` counts are the delta page's table (134, 95,
/// 91, 72, 60, 60, 56, 49, 48, 46), plus two rarer addresses top leaves out.
fn buyers() -> String {
    let counts = [134, 95, 91, 72, 60, 60, 56, 49, 48, 46, 3, 2];
    let mut v = Vec::new();
    for (k, n) in counts.iter().enumerate() {
        for _ in 0..*n {
            v.push(json!({"sourcetype": "access_combined", "status": "200", "action": "purchase", "clientip": format!("10.0.0.{k}")}));
        }
    }
    in_order(&v)
}

// Search Reference, delta, Extended example 1: `sourcetype=access_*
// status=200 action=purchase | top clientip | delta count p=1` — the page's
// delta(count) column: empty, -39, -4, -19, -12, 0, -4, -7, -1, -2.
#[test]
fn delta_between_the_top_ten_buyers() {
    let r = run_spl(
        "sourcetype=access_* status=200 action=purchase | top clientip | delta count p=1",
        &buyers(),
    );
    assert_eq!(
        col(&r, "count"),
        ["134", "95", "91", "72", "60", "60", "56", "49", "48", "46"]
    );
    assert_eq!(
        col(&r, "delta(count)"),
        ["", "-39", "-4", "-19", "-12", "0", "-4", "-7", "-1", "-2"]
    );
}

// Search Reference, delta, Extended examples 2 and 3: `source=all_month.csv
// place=*alaska* | delta _time p=1 | rename delta(_time) AS timeDeltaS | eval
// timeDeltaS=abs(timeDeltaS) | eval "Time Between Quakes"=tostring(timeDeltaS,
// "duration") | table place, _time, "Time Between Quakes"` (the first row has
// none; 19:51:19 after 16:26:15 is 03:25:04), and `sourcetype=access_* |
// transaction JSESSIONID clientip startswith="view" endswith="purchase" |
// delta _time AS timeDelta p=1 | eval timeDelta=abs(timeDelta) | eval
// timeDelta=tostring(timeDelta,"duration")`.
#[test]
fn delta_time_between_quakes_and_transactions() {
    let r = run_spl_with(
        &["--source", "all_month.csv"],
        "source=all_month.csv place=*alaska* | delta _time p=1  | rename delta(_time) AS timeDeltaS \
         | eval timeDeltaS=abs(timeDeltaS) | eval \"Time Between Quakes\"=tostring(timeDeltaS,\"duration\") \
         | table place, _time, \"Time Between Quakes\"",
        &ndjson(&[
            json!({"_time": 1_522_871_479, "place": "32km N of Anchor Point, Alaska"}),
            json!({"_time": 1_522_859_175, "place": "6km NE of Healy, Alaska"}),
            json!({"_time": 1_522_858_918, "place": "34km NE of Valdez, Alaska"}),
            json!({"_time": 1_522_858_000, "place": "Hawaii"}),
        ]),
    );
    assert_eq!(col(&r, "Time Between Quakes"), ["", "03:25:04", "00:04:17"]);
    let r = run_spl_with(
        &["--sourcetype", "access_combined"],
        "sourcetype=access_* | transaction JSESSIONID clientip startswith=\"view\" endswith=\"purchase\" \
         | delta _time AS timeDelta p=1 | eval timeDelta=abs(timeDelta) \
         | eval timeDelta=tostring(timeDelta,\"duration\") | table JSESSIONID timeDelta",
        &ndjson(&[
            json!({"_time": 4200, "JSESSIONID": "S2", "clientip": "1.1.1.1", "_raw": "action=purchase"}),
            json!({"_time": 3900, "JSESSIONID": "S2", "clientip": "1.1.1.1", "_raw": "action=view"}),
            json!({"_time": 400, "JSESSIONID": "S1", "clientip": "1.1.1.1", "_raw": "action=purchase"}),
            json!({"_time": 100, "JSESSIONID": "S1", "clientip": "1.1.1.1", "_raw": "action=view"}),
        ]),
    );
    assert_eq!(col(&r, "JSESSIONID"), ["S2", "S1"]);
    // Both last 300 s, so their first and their last events are 3800 s apart.
    assert_eq!(col(&r, "timeDelta"), ["", "01:03:20"]);
}

// Search Reference, accum, Basic example 1: `sourcetype=access_* status=200
// categoryId=STRATEGY | chart count AS views by productId | accum views as
// TotalViews` — the page's table: 1796, 3438, 4920, 6220.
#[test]
fn accum_running_total_of_the_page_views() {
    let r = run_spl(
        "| makeresults count=6300 | streamstats count AS n \
         | eval sourcetype=\"access_combined\", status=200, \
           categoryId=if(n>6220, \"ARCADE\", \"STRATEGY\"), \
           productId=case(n<=1796, \"DB-SG-G01\", n<=3438, \"DC-SG-G02\", n<=4920, \"FS-SG-G03\", true(), \"PZ-SG-G05\") \
         | search sourcetype=access_* status=200 categoryId=STRATEGY \
         | chart count AS views by productId | accum views as TotalViews",
        "",
    );
    assert_eq!(
        col(&r, "productId"),
        ["DB-SG-G01", "DC-SG-G02", "FS-SG-G03", "PZ-SG-G05"]
    );
    assert_eq!(col(&r, "views"), ["1796", "1642", "1482", "1300"]);
    assert_eq!(col(&r, "TotalViews"), ["1796", "3438", "4920", "6220"]);
}

// Search Reference, autoregress, "newfield ... Invalid if p is set to a
// range", and the default names "if p=2-4 and field=count, the field names
// are count_p2, count_p3, count_p4".
#[test]
fn autoregress_newfield_with_a_range_is_an_error() {
    let (code, err) = fails("| makeresults | eval x=1 | autoregress x AS y p=2-4");
    assert_eq!(code, 2);
    insta::assert_snapshot!("autoregress_as_with_range", err);
    let r = run_spl(
        "| makeresults count=5 | streamstats count | autoregress count p=2-4 \
         | table count count_p2 count_p3 count_p4",
        "",
    );
    assert_eq!(
        r[4],
        json!({"count": 5, "count_p2": 3, "count_p3": 2, "count_p4": 1})
    );
    assert_eq!(col(&r, "count_p4"), ["", "", "", "", "1"]);
}

// ---- foreach ------------------------------------------------------------------

fn one_row(spl: &str) -> serde_json::Value {
    let r = run_spl(&format!("{spl} | fields - _time"), "");
    assert_eq!(r.len(), 1, "{r:?}");
    r[0].clone()
}

// Search Reference, foreach, Usage and Examples 1-3, 5, 6 (multifield mode):
// `foreach myfield_* [eval <<FIELD>> = '<<FIELD>>' + <<MATCHSTR>>]` (6, 12);
// Example 1's www1/www2 totals (1500, 3750, 800, 600); Example 2 `eval
// total=0, test1=1, test2=2, test3=3 | foreach test* [eval total=total +
// <<FIELD>>]` (6); Example 3 `foreach name price category [eval <<FIELD>> =
// "<<FIELD>>"]`; Example 5 (6, 12); Example 6 `foreach test*ab*
// fieldstr=MYFIELD matchseg1=SEG1 matchseg2=SEG2 [eval MYFIELD = MYFIELD +
// SEG1 + SEG2]` (8, 15).
#[test]
fn foreach_multifield_page_examples() {
    assert_eq!(
        one_row("| makeresults | eval myfield_1 = 5, myfield_2 = 10 | foreach myfield_* [eval <<FIELD>> = '<<FIELD>>' + <<MATCHSTR>>]"),
        json!({"myfield_1": 6, "myfield_2": 12})
    );
    let r = run_spl(
        "* | eval total=0 | foreach www* [eval total=total + <<FIELD>>] | table categoryId total",
        &in_order(&[
            json!({"categoryId": "ACCESSORIES", "www1": "1000", "www2": "500"}),
            json!({"categoryId": "SIMULATION", "www1": "3000", "www2": "750"}),
            json!({"categoryId": "ARCADE", "www1": "800"}),
            json!({"categoryId": "STRATEGY", "www1": "400", "www2": "200"}),
        ]),
    );
    assert_eq!(col(&r, "total"), ["1500", "3750", "800", "600"]);
    assert_eq!(
        one_row("| makeresults | eval total=0, test1=1, test2=2, test3=3 | foreach test* [eval total=total + <<FIELD>>]")["total"],
        json!(6)
    );
    assert_eq!(
        one_row("| makeresults | foreach name price category [eval <<FIELD>> = \"<<FIELD>>\"]"),
        json!({"name": "name", "price": "price", "category": "category"})
    );
    assert_eq!(
        one_row("| makeresults | eval test1 = 5, test2 = 10 | foreach test* [eval <<FIELD>> = <<FIELD>> + <<MATCHSTR>>]"),
        json!({"test1": 6, "test2": 12})
    );
    assert_eq!(
        one_row("| makeresults | eval test1ab2=5, test2ab3=10 | foreach test*ab* fieldstr=MYFIELD matchseg1=SEG1 matchseg2=SEG2 [eval MYFIELD = MYFIELD + SEG1 + SEG2]"),
        json!({"test1ab2": 8, "test2ab3": 15})
    );
    // "…|foreach test* fieldstr=MYFIELD [eval total=total + MYFIELD]".
    assert_eq!(
        one_row("| makeresults | eval total=0, test1=1, test2=2 | foreach test* fieldstr=MYFIELD [eval total=total + MYFIELD]")["total"],
        json!(3)
    );
}

// Search Reference, foreach, Usage "Support for multiple eval statements"
// (`eval total = total + <<ITEM>>, count = count + 1`: 2 and 20), "Wildcards
// are not supported in multivalue fields" (the field `mv*`: 400), Examples 7
// (auto_collections, 6), 8 (grade average 60), 9 (json_array, 6), 10-12
// (`json_append(employees_array, "", <<ITEM>>)` gives ["Alex", "Claudia",
// "David"], `json_extract(IDs, <<ITEM>>)` gives [4125,2538,3957]), and the
// itemstr/iterstr options (`<<ITER>>` is the zero-based index).
#[test]
fn foreach_multivalue_json_array_and_auto_collections() {
    let r = one_row("| makeresults | eval mv=mvappend(\"5\", \"15\"), total = 0, count = 0 | foreach mode=multivalue mv [eval total = total + <<ITEM>>, count = count + 1]");
    assert_eq!((&r["total"], &r["count"]), (&json!(20), &json!(2)));
    let r = one_row("| makeresults | eval mv1=mvappend(\"1\", \"2\"), mv2=mvappend(\"3\", \"4\"), mv*=mvappend(\"100\", \"300\"), total = 0 | foreach mode=multivalue mv* [eval total = total + <<ITEM>>]");
    assert_eq!(r["total"], json!(400));
    for field in [
        "mvfield=mvappend(\"1\", \"2\", \"3\")",
        "mvfield=json_array(1, 2, 3)",
    ] {
        let r = one_row(&format!(
            "| makeresults | eval {field}, total=0 | foreach mode=auto_collections mvfield [eval total = total + <<ITEM>>] | table total"
        ));
        assert_eq!(r, json!({"total": 6}), "{field}");
    }
    let r = one_row("| makeresults | eval teacher=\"James\", student_grades=mvappend(\"50\", \"100\", \"30\"), sum = 0, count = 0 | foreach mode=multivalue student_grades [eval sum = sum + <<ITEM>>, count = count + 1] | eval average = sum / count");
    assert_eq!(
        (&r["average"], &r["count"], &r["sum"]),
        (&json!(60), &json!(3), &json!(180))
    );
    let r = one_row("| makeresults | eval jsonfield=json_array(1, 2, 3), total=0 | foreach mode=json_array jsonfield [eval total = total + <<ITEM>>] | table jsonfield, total");
    assert_eq!(r, json!({"jsonfield": "[1,2,3]", "total": 6}));
    let r = one_row("| makeresults | eval manager=\"Rutherford\", employees=mvappend(\"Alex\", \"Claudia\", \"David\"), employees_array=json_array() | foreach mode=multivalue employees [eval employees_array=json_append(employees_array, \"\", <<ITEM>>)]");
    assert_eq!(
        r["employees_array"],
        json!("[\"Alex\",\"Claudia\",\"David\"]")
    );
    let r = one_row("| makeresults | eval manager=\"Rutherford\", employees=mvappend(\"Alex\", \"Claudia\", \"David\"), ID_array=json_array(), IDs=json_object(\"Alex\", 4125, \"Claudia\", 2538, \"David\", 3957) | foreach mode=multivalue employees [eval ID_array=json_append(ID_array, \"\", json_extract(IDs, <<ITEM>>))]");
    assert_eq!(r["ID_array"], json!("[4125,2538,3957]"));
    // An item joined to a name stays text: count_GET, count_POST.
    let r = one_row("| makeresults | eval methods = split(\"GET POST\", \" \") | foreach mode=multivalue methods [eval count_<<ITEM>> = 0] | table count_*");
    assert_eq!(r, json!({"count_GET": 0, "count_POST": 0}));
    let r = one_row("| makeresults | eval numbers=mvappend(\"5\", \"7\", \"9\"), result=0 | foreach mode=multivalue itemstr=<<NUMBER>> numbers [ eval result = result + <<NUMBER>>] | table result");
    assert_eq!(r, json!({"result": 21}));
    let r = one_row("| makeresults | eval numbers=mvappend(\"5\", \"7\", \"9\"), result=0 | foreach mode=multivalue numbers [ eval result = result + <<ITER>>] | table result");
    assert_eq!(r, json!({"result": 3}));
    let r = one_row("| makeresults | eval numbers=mvappend(\"5\", \"7\", \"9\"), result=0 | foreach mode=multivalue iterstr=<<NUMBER>> numbers [ eval result = result + <<NUMBER>>] | table result");
    assert_eq!(r, json!({"result": 3}));
}

// Search Reference, foreach, Example 4 "Monitor license usage":
// `index=_internal source=*license_usage.log type!="*Summary" earliest=-30d |
// timechart span=1d sum(b) AS daily_bytes by st | foreach * [eval
// <<FIELD>>='<<FIELD>>'/1024/1024/1024]` — bytes per source type become
// gigabytes; `_time` is not among `*`.
#[test]
fn foreach_license_usage_in_gigabytes() {
    const DAY: i64 = 86_400;
    let day = 1_700_000_000 / DAY * DAY - DAY;
    let input = ndjson(&[
        json!({"_time": day + 10, "index": "_internal", "source": "/opt/splunk/license_usage.log", "type": "Usage", "st": "csv", "b": 1_073_741_824_i64}),
        json!({"_time": day + 20, "index": "_internal", "source": "/opt/splunk/license_usage.log", "type": "Usage", "st": "json", "b": 536_870_912_i64}),
        json!({"_time": day + 30, "index": "_internal", "source": "/opt/splunk/license_usage.log", "type": "RolloverSummary", "st": "csv", "b": 99}),
    ]);
    let r = run_spl(
        "index=_internal source=*license_usage.log type!=\"*Summary\" earliest=-30d \
         | timechart span=1d sum(b) AS daily_bytes by st \
         | foreach * [eval <<FIELD>>='<<FIELD>>'/1024/1024/1024]",
        &input,
    );
    let last = r.last().expect("a row");
    assert_eq!(last["_time"], json!(day));
    assert_eq!(last["csv"], json!(1));
    assert_eq!(last["json"], json!(0.5));
}

// ---- format -------------------------------------------------------------------

// Search Reference, format, Example 3: `index=_internal |head 1 |eval
// foo="eventtype,log_level" | makemv delim="," foo | fields foo | format
// mvsep="mvseparator" "{" "[" "AND" "]" "AND" "}"` gives `{ [ (
// foo="eventtype" mvseparator foo="log_level" ) ] }`; Example 4: `|
// makeresults count=1 | format emptystr="Error Found"` gives "Error Found"
// (makeresults' result has only internal fields), and without emptystr the
// default empty string.
#[test]
fn format_mvsep_and_emptystr_page_searches() {
    let r = run_spl_with(
        &["--index", "_internal"],
        "index=_internal |head 1 |eval foo=\"eventtype,log_level\" | makemv delim=\",\" foo \
         | fields foo | format mvsep=\"mvseparator\" \"{\" \"[\" \"AND\" \"]\" \"AND\" \"}\"",
        &in_order(&[json!({"x": "1"}), json!({"x": "2"})]),
    );
    assert_eq!(
        r,
        [json!({"search": "{ [ ( foo=\"eventtype\" mvseparator foo=\"log_level\" ) ] }"})]
    );
    let r = run_spl(
        "| makeresults count=1 | format emptystr=\"Error Found\"",
        "",
    );
    assert_eq!(r, [json!({"search": "Error Found"})]);
    let r = run_spl("| makeresults count=1 | format", "");
    assert_eq!(r, [json!({"search": "NOT( )"})]);
}

// ---- addtotals ----------------------------------------------------------------

/// The addtotals page's addtotalsData.csv rows.
fn sales() -> String {
    let rows = [
        ("ProductA", "QTR1", 1200, 1000),
        ("ProductB", "QTR1", 1400, 1550),
        ("ProductC", "QTR1", 1650, 1275),
        ("ProductA", "QTR2", 1425, 1300),
        ("ProductB", "QTR2", 1175, 1425),
        ("ProductC", "QTR2", 1550, 1450),
        ("ProductA", "QTR3", 1300, 1400),
        ("ProductB", "QTR3", 1250, 1125),
        ("ProductC", "QTR3", 1375, 1475),
        ("ProductA", "QTR4", 1550, 1300),
        ("ProductB", "QTR4", 1700, 1225),
        ("ProductC", "QTR4", 1625, 1350),
    ];
    in_order(
        &rows
            .iter()
            .map(|(p, q, s, quota)| json!({"products": p, "quarter": q, "sales": s.to_string(), "quota": quota.to_string()}))
            .collect::<Vec<_>>(),
    )
}

// Search Reference, addtotals, Examples 1, 4 and 5 on the page's data:
// `source="addtotalsData.csv" | chart sum(sales) BY products quarter |
// addtotals` (Total 5475, 5525, 6200), `... | stats sum(sales) BY products`
// (the same sums), `... | stats sum(quota) by quarter| addtotals row=f col=t
// labelfield=quarter sum(quota)` (3825, 4175, 4000, 3875, Total 15875), and
// `... | chart sum(sales) by products quarter| addtotals col=t
// labelfield=products label="Quarterly Totals" fieldname="Product Totals"`
// (Quarterly Totals 4250, 4150, 3925, 4875, 17200); Examples 2 and 3
// (`addtotals fieldname=sum`, `addtotals fieldname=TotalAmount amount*
// *size*`).
#[test]
fn addtotals_page_examples_on_the_sales_data() {
    let run = |spl: &str| run_spl_with(&["--source", "addtotalsData.csv"], spl, &sales());
    let r = run("source=\"addtotalsData.csv\" | chart sum(sales) BY products quarter | addtotals");
    assert_eq!(col(&r, "Total"), ["5475", "5525", "6200"]);
    assert_eq!(col(&r, "QTR4"), ["1550", "1700", "1625"]);
    let r = run("source=\"addtotalsData.csv\" | stats sum(sales) BY products");
    assert_eq!(col(&r, "sum(sales)"), ["5475", "5525", "6200"]);
    let r = run(
        "source=\"addtotalsData.csv\" | stats sum(quota) by quarter| addtotals row=f col=t labelfield=quarter sum(quota)",
    );
    assert_eq!(
        col(&r, "quarter"),
        ["QTR1", "QTR2", "QTR3", "QTR4", "Total"]
    );
    assert_eq!(
        col(&r, "sum(quota)"),
        ["3825", "4175", "4000", "3875", "15875"]
    );
    let r = run(
        "source=\"addtotalsData.csv\" | chart sum(sales) by products quarter| addtotals col=t \
         labelfield=products label=\"Quarterly Totals\" fieldname=\"Product Totals\"",
    );
    assert_eq!(
        r[3],
        json!({"products": "Quarterly Totals", "QTR1": 4250, "QTR2": 4150, "QTR3": 3925, "QTR4": 4875, "Product Totals": 17200})
    );
    assert_eq!(col(&r, "Product Totals"), ["5475", "5525", "6200", "17200"]);
    let r = run_spl(
        "* | addtotals fieldname=sum | table sum",
        &in_order(&[json!({"a": "1", "b": "2.5", "c": "x"})]),
    );
    assert_eq!(col(&r, "sum"), ["3.5"]);
    let r = run_spl(
        "* | addtotals fieldname=TotalAmount amount* *size* | table TotalAmount",
        &in_order(&[json!({"amount1": "1", "amount2": "2", "filesize_kb": "10", "other": "100"})]),
    );
    assert_eq!(col(&r, "TotalAmount"), ["13"]);
}
