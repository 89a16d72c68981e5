//! Conformance audit, fourth pass over the eval function pages of the Search
//! Reference (SPL1, 10.0 edition as stored): the worked examples of the
//! Comparison and Conditional, Informational, Statistical eval,
//! Cryptographic, Trig and Hyperbolic, Bitwise and Date and Time pages that
//! earlier passes had no test for, checked against the page text. The ledger
//! is grammar/examples/functions.md (rows marked "(verified)").

use crate::common::{col, eval_one, eval_row, fails, ndjson, run_spl};
use serde_json::json;

// ---- Comparison and Conditional functions ------------------------------------

// "Comparison and Conditional functions", case, extended example, the custom
// sort order: after `eval Description=case(depth<=70, "Low", depth>70 AND
// depth<=300, "Mid", depth>300, "Deep") | stats count min(mag) max(mag) by
// Description`, `eval sort_field=case(Description="Low", 1,
// Description="Mid", 2, Description="Deep",3) | sort sort_field` gives Low,
// Mid, Deep instead of the alphabetical Deep, Low, Mid.
#[test]
fn case_depth_custom_sort_order() {
    let quakes = ndjson(&[
        json!({"depth": 400, "mag": 4.1}),
        json!({"depth": 10, "mag": -0.6}),
        json!({"depth": 150, "mag": 0.8}),
        json!({"depth": 70, "mag": 7.7}),
        json!({"depth": 301, "mag": 6.7}),
    ]);
    let r = run_spl(
        "* | eval Description=case(depth<=70, \"Low\", depth>70 AND depth<=300, \"Mid\", \
         depth>300, \"Deep\") | stats count min(mag) max(mag) by Description \
         | eval sort_field=case(Description=\"Low\", 1, Description=\"Mid\", 2, Description=\"Deep\",3) \
         | sort sort_field",
        &quakes,
    );
    assert_eq!(col(&r, "Description"), ["Low", "Mid", "Deep"]);
    assert_eq!(col(&r, "count"), ["2", "1", "2"]);
    assert_eq!(col(&r, "min(mag)"), ["-0.6", "0.8", "4.1"]);
    assert_eq!(col(&r, "max(mag)"), ["7.7", "0.8", "6.7"]);
    assert_eq!(col(&r, "sort_field"), ["1", "2", "3"]);
}

// Same page, true(), basic example: `sourcetype=access_* | eval
// description=case(status==200,"OK", status==404, "Not found", true(),
// "Other") | table status description`: 408 and 406 (and here 500, which
// this search does not name) get the default "Other".
#[test]
fn true_as_the_default_of_case() {
    let ev = ndjson(&[
        json!({"status": "200"}),
        json!({"status": "408"}),
        json!({"status": "404"}),
        json!({"status": "406"}),
        json!({"status": "500"}),
    ]);
    let r = run_spl(
        "* | eval description=case(status==200,\"OK\", status==404, \"Not found\", true(), \"Other\") \
         | table status description",
        &ev,
    );
    assert_eq!(
        col(&r, "description"),
        ["OK", "Other", "Not found", "Other", "Other"]
    );
}

// Same page, null(): its "Basic examples" heading has a sentence and no
// search: zeros that are placeholders for "no value" interfere with an
// average, and null() removes them. `eval x=if(x==0, null(), x)` before
// `stats avg(x)` averages 4 and 8, not 4, 0, 8 and 0.
#[test]
fn null_removes_zero_placeholders_before_an_average() {
    let ev = ndjson(&[
        json!({"x": 4}),
        json!({"x": 0}),
        json!({"x": 8}),
        json!({"x": 0}),
    ]);
    let r = run_spl("* | stats avg(x) AS with_zeros", &ev);
    assert_eq!(col(&r, "with_zeros"), ["3"]);
    let r = run_spl(
        "* | eval x=if(x==0, null(), x) | stats avg(x) AS without count(x) AS n",
        &ev,
    );
    assert_eq!(col(&r, "without"), ["6"]);
    assert_eq!(col(&r, "n"), ["2"]);
}

// ---- Informational functions ---------------------------------------------------

// "Informational functions", isbool: `| makeresults | eval result =
// if(isbool(1==2), "True", "False")` is True "because 1==2 is Boolean";
// `if(isbool(a), "True", "False")` is False "because the value a is not
// Boolean" (also when a field a holds the text "true").
#[test]
fn isbool_page_examples() {
    let r = eval_row(
        r#"result = if(isbool(1==2), "True", "False"), other = if(isbool(a), "True", "False")"#,
    );
    assert_eq!(r, json!({"result": "True", "other": "False"}));
    assert_eq!(
        eval_one(
            r#"a = "true" | eval result = if(isbool(a), "True", "False")"#,
            "result"
        ),
        "False"
    );
}

// Same page, typeof: `| makeresults | eval t=typeof(_time)` is Number; the
// concatenated example "returns \"NumberStringBoolInvalid\"".
#[test]
fn typeof_of_time_and_the_concatenated_example() {
    let r = run_spl(
        "| makeresults | eval t=typeof(_time), \
         n=typeof(12) + typeof(\"string\") + typeof(1==2) + typeof(badfield) | fields t n",
        "",
    );
    assert_eq!(col(&r, "t"), ["Number"]);
    assert_eq!(col(&r, "n"), ["NumberStringBoolInvalid"]);
}

// ---- Statistical eval functions --------------------------------------------------

// "Statistical eval functions", min: `... | eval n=min(3, 6, 7, "maria",
// size)` is 3 when size is 9 and 1 when size is 1; max: `max(1, 3, 6, 7,
// "foo", name)` is "foo" for name "baz" and "zaz" for "zaz".
#[test]
fn min_max_with_a_size_or_name_field() {
    let ev = ndjson(&[
        json!({"size": 9, "name": "baz"}),
        json!({"size": 1, "name": "zaz"}),
    ]);
    let r = run_spl(
        "* | eval n=min(3, 6, 7, \"maria\", size), m=max(1, 3, 6, 7, \"foo\", name) | table n m",
        &ev,
    );
    assert_eq!(col(&r, "n"), ["3", "1"]);
    assert_eq!(col(&r, "m"), ["foo", "zaz"]);
}

// Same page, avg, example 4: "the following example returns an error
// because the string argument is specified directly within the function":
// `... | eval c=avg("somedata", 2, 3)`.
#[test]
fn avg_of_a_quoted_text_argument_is_an_error() {
    let (code, err) = fails("| makeresults | eval c=avg(\"somedata\", 2, 3)");
    assert_eq!(code, 2);
    insta::assert_snapshot!(err);
}

// Same page, random: `... | eval n=random()` is an integer from 0 to
// 2147483647; `... | eval n=(random() % 100000) + 1` is between 1 and
// 100,000.
#[test]
fn random_page_examples() {
    let r = run_spl(
        "| makeresults count=200 | eval n=random(), m=(random() % 100000) + 1 \
         | eval ok=if(n>=0 AND n<=2147483647 AND n==floor(n) AND m>=1 AND m<=100000 AND m==floor(m), 1, 0) \
         | stats min(ok) AS ok dc(n) AS distinct",
        "",
    );
    assert_eq!(col(&r, "ok"), ["1"]);
    let distinct: u32 = col(&r, "distinct")[0].parse().unwrap();
    assert!(distinct > 190, "{r:?}");
}

// ---- Cryptographic functions -------------------------------------------------------

// "Cryptographic functions", md5: `... | eval n=md5("Hello World")` is
// b10a8db164e0754105b7a99be72e3fe5 (the 9.3 page's opening; the 10.0 copy is
// not stored). sha1, sha256 and sha512 of the same phrase, in the same
// lowercase hex, are the digests every implementation gives.
#[test]
fn hashes_of_hello_world() {
    let r = eval_row(
        r#"a=md5("Hello World"), b=sha1("Hello World"), c=sha256("Hello World"), d=sha512("Hello World")"#,
    );
    assert_eq!(
        r,
        json!({
            "a": "b10a8db164e0754105b7a99be72e3fe5",
            "b": "0a4d55a8d778e5022fab701977c5d840bbc486d0",
            "c": "a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e",
            "d": "2c74fd17edafd80e8447b0d46741ee243b7eb74dd2149a0ab1b9246fb30382f27e853d8585719e0e67cbda0daa8f51671064615d645ae27acb15bfb1447f459b"
        })
    );
}

// Same page, md5, the large random string: `| makeresults count=32768 | eval
// message=md5("". random()) | stats values(message) as message | eval
// message = mvjoin(message, "")`: one string of 32-character lowercase hex
// digests, one per distinct random number.
#[test]
fn md5_large_random_string() {
    let r = run_spl(
        "| makeresults count=32768 | eval message=md5(\"\". random()) \
         | stats values(message) as message | eval message = mvjoin(message, \"\")",
        "",
    );
    assert_eq!(r.len(), 1);
    let message = r[0]["message"].as_str().expect("one string");
    assert_eq!(message.len() % 32, 0);
    assert!(message.len() / 32 > 32_000, "{}", message.len());
    assert!(
        message
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "not lowercase hex"
    );
}

// ---- Trig and Hyperbolic functions ----------------------------------------------

// "Trig and Hyperbolic functions": every example's documented value.
// `acos(0)` 1.5707963267948966; `acos(0)*180/pi()` 90.0000000003 (pi() has
// 11 digits: "Mathematical functions"); `acosh(2)` 1.3169578969248166;
// `asin(1)` 1.5707963267948966 and `asin(1)*180/pi()`; `asinh(1)`
// 0.881373587019543; `atan(0.50)` 0.46; `atan2(0.50, 0.75)` 0.59;
// `atanh(0.500)` 0.549; `cos(-1)` 0.5403023058681398; `cos(pi())` -1;
// `cosh(1)` 1.5430806348152437; `hypot(3,4)` 5; `sin(1)` 0.8414709848078965;
// `sin(90 * pi()/180)` (1); `sinh(1)` 1.1752011936438014; `tan(1)`
// 1.5574077246549023; `tan(135)` -0.08871575677006045; `tanh(1)`
// 0.7615941559557649.
#[test]
#[allow(clippy::approx_constant)] // the page's printed values, as printed
fn trig_and_hyperbolic_page_values() {
    let r = eval_row(
        "a=acos(0), degrees=round(acos(0)*180/pi(), 10), c=acosh(2), d=asin(1), \
         e=round(asin(1)*180/pi(), 10), f=asinh(1), g=round(atan(0.50), 2), \
         h=round(atan2(0.50, 0.75), 2), i=round(atanh(0.500), 3), j=cos(-1), k=cos(pi()), \
         l=cosh(1), m=hypot(3,4), n=sin(1), o=sin(90 * pi()/180), p=sinh(1), q=tan(1), \
         r=tan(135), s=tanh(1)",
    );
    assert_eq!(
        r,
        json!({
            "a": 1.5707963267948966, "degrees": 90.0000000003, "c": 1.3169578969248166,
            "d": 1.5707963267948966, "e": 90.0000000003, "f": 0.881373587019543, "g": 0.46,
            "h": 0.59, "i": 0.549, "j": 0.5403023058681398, "k": -1, "l": 1.5430806348152437,
            "m": 5, "n": 0.8414709848078965, "o": 1, "p": 1.1752011936438014,
            "q": 1.5574077246549023, "r": -0.08871575677006045, "s": 0.7615941559557649
        })
    );
}

// ---- Bitwise functions --------------------------------------------------------------

// "Bitwise functions", bit_and: `| makeresults | eval result = bit_and(12,
// 9)` is 8 (1100 AND 1001); example 1 `AND_result = bit_and(4, 6)` is 4;
// example 5, `max_supported_val = pow(2, 53)-1` (9007199254740991) then
// `bit_and(max_supported_val + 1, 1)`, gives no result field; example 7,
// flags "00010" `bit_and(result, 4)` is 0, so `if(result==0, "false",
// "true")` is "false" (the page's table shows the 0 of the step before).
#[test]
fn bit_and_page_examples() {
    let r = eval_row(
        "result = bit_and(12, 9), AND_result = bit_and(4, 6), OR_result = bit_or(4, 6), \
         XOR_result = bit_xor(4, 6), three = bit_and(7, 6, 12)",
    );
    assert_eq!(
        r,
        json!({"result": 8, "AND_result": 4, "OR_result": 6, "XOR_result": 2, "three": 4})
    );
    let r = run_spl(
        "| makeresults | eval max_supported_val = pow(2, 53)-1 \
         | eval result = bit_and(max_supported_val + 1, 1) | eval text = max_supported_val . \"\" \
         | fields - _time",
        "",
    );
    assert_eq!(r[0].get("result"), None, "{r:?}");
    assert_eq!(r[0]["text"], json!("9007199254740991"));
    assert_eq!(r[0]["max_supported_val"].as_f64(), Some(9007199254740991.0));
    let r = run_spl(
        "| makeresults | eval flags = \"00010\", result = tonumber(flags, 2) \
         | eval step = bit_and(result, 4) | eval result = bit_and(result, 4) \
         | eval result = if(result==0, \"false\", \"true\") | table flags step result",
        "",
    );
    assert_eq!(r, [json!({"flags": "00010", "step": 0, "result": "false"})]);
}

// ---- Date and Time functions ------------------------------------------------------

// "Date and Time functions", now(), extended example (events of the last 30
// minutes by hour and minute): `... earliest=-30d | eval
// eventHour=strftime(_time,"%H") | eval eventMin=strftime(_time,"%M") | eval
// curHour=strftime(now(),"%H") | eval curMin=strftime(now(),"%M") | where
// (eventHour=curHour and eventMin > curMin - 30) or (curMin < 30 and
// eventHour=curHour-1 and eventMin>curMin+30) | bucket _time span=1d | chart
// count by _time`. now() is 2023-11-14 22:13:20 (UTC); the lower-case
// `and`/`or` of the where clause are the operators.
#[test]
fn now_extended_example_last_thirty_minutes() {
    let ev = ndjson(&[
        // 22:05 today: the same hour, 5 > 13 - 30.
        json!({"_time": 1_699_999_500, "id": "a"}),
        // 21:50 today: curMin < 30, the hour before, 50 > 13 + 30.
        json!({"_time": 1_699_998_600, "id": "b"}),
        // 21:40 today: the hour before but 40 is not > 43.
        json!({"_time": 1_699_998_000, "id": "c"}),
        // 22:15 yesterday: the same hour (the search compares only the clock).
        json!({"_time": 1_699_913_700, "id": "d"}),
        // 40 days ago: outside earliest=-30d.
        json!({"_time": 1_696_544_100, "id": "e"}),
    ]);
    let spl = "* earliest=-30d | eval eventHour=strftime(_time,\"%H\") \
               | eval eventMin=strftime(_time,\"%M\") | eval curHour=strftime(now(),\"%H\") \
               | eval curMin=strftime(now(),\"%M\") \
               | where (eventHour=curHour and eventMin > curMin - 30) or \
                 (curMin < 30 and eventHour=curHour-1 and eventMin>curMin+30)";
    let r = run_spl(&format!("{spl} | table id"), &ev);
    assert_eq!(col(&r, "id"), ["a", "b", "d"]);
    let r = run_spl(
        &format!("{spl} | bucket _time span=1d | chart count by _time"),
        &ev,
    );
    assert_eq!(
        r,
        [
            json!({"_time": 1_699_833_600, "count": 1}),
            json!({"_time": 1_699_920_000, "count": 2})
        ]
    );
}
