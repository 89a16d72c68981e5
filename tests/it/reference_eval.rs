//! Issue 18, the Search Reference conformance sweep: the search command's
//! comparisons and directives, eval's operators, dynamic field names and
//! functions, and the stats functions. Each test encodes a documented
//! behaviour or worked example and cites its page.

use crate::common::{col, rows, run_spl, spleval};
use serde_json::{json, Value};

/// NDJSON from JSON values.
fn nd(events: &[Value]) -> String {
    events
        .iter()
        .map(|e| serde_json::to_string(e).unwrap() + "\n")
        .collect()
}

/// The sorted `id`s of the results of `spl` over `events`.
fn id_set(spl: &str, events: &[Value]) -> Vec<String> {
    let mut v = col(&run_spl(spl, &nd(events)), "id");
    v.sort();
    v
}

/// One field of the single result of a generating search (`| makeresults …`).
fn one(spl: &str, field: &str) -> String {
    let r = run_spl(spl, "");
    assert_eq!(r.len(), 1, "{spl}: {r:?}");
    col(&r, field).remove(0)
}

/// The stderr of a search that fails, with its exit code.
fn fails(spl: &str) -> (i32, String) {
    let out = spleval()
        .args(["run", "--now", "1700000000", "--spl", spl])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(rows(&out.stdout).is_empty());
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// ---- search command ---------------------------------------------------------

// Search Reference, search command, "Comparison expression options":
// "Comparison expressions with the equal ( = ) or not equal ( != ) operator
// compare string values. For example, "1" does not match "1.0"."
#[test]
fn search_equality_compares_strings() {
    let ev = [
        json!({"id": "1", "x": "1"}),
        json!({"id": "1.0", "x": "1.0"}),
        json!({"id": "10", "x": "10"}),
        json!({"id": "01", "x": "01"}),
    ];
    assert_eq!(id_set("x=1", &ev), ["1"]);
    assert_eq!(id_set("x=1.0", &ev), ["1.0"]);
    assert_eq!(id_set("x!=1", &ev), ["01", "1.0", "10"]);
    assert_eq!(id_set("search x=\"1\"", &ev), ["1"]);
    // Wildcards match the text too.
    assert_eq!(id_set("x=1*", &ev), ["1", "1.0", "10"]);
    assert_eq!(id_set("x=*1", &ev), ["01", "1"]);
    // IN is a list of `=` tests.
    assert_eq!(id_set("x IN (1, 01)", &ev), ["01", "1"]);
    // Still case-insensitive.
    assert_eq!(
        id_set("u=ADMIN", &[json!({"id": "a", "u": "admin"})]),
        ["a"]
    );
}

// Same page: "Comparison expressions with greater than or less than operators
// < > <= >= numerically compare two numbers and lexicographically compare
// other values."
#[test]
fn search_relational_operators_numeric_else_lexicographic() {
    let ev = [
        json!({"id": "1.0", "x": "1.0"}),
        json!({"id": "9", "x": "9"}),
        json!({"id": "10", "x": "10"}),
        json!({"id": "b", "x": "b"}),
    ];
    assert_eq!(id_set("x>=1", &ev), ["1.0", "10", "9", "b"]);
    assert_eq!(id_set("x<=1", &ev), ["1.0"]);
    assert_eq!(id_set("x>9", &ev), ["10", "b"]);
    assert_eq!(id_set("x<a", &ev), ["1.0", "10", "9"]);
}

// Search Manual, "Use CASE() and TERM() to match phrases": "CASE(<term>) …
// Search for case-sensitive matches for terms and field values"; the example
// `host=CASE(LOCALHOST)` "only matches events that contain localhost in
// uppercase in the host field", and CASE works with wildcards (`CASE(%ASA-1*)`).
#[test]
fn case_directive_on_field_values() {
    let ev = [
        json!({"id": "upper", "host": "LOCALHOST", "m": "%ASA-1-134568"}),
        json!({"id": "lower", "host": "localhost", "m": "%asa-1-12345"}),
    ];
    assert_eq!(id_set("host=CASE(LOCALHOST)", &ev), ["upper"]);
    assert_eq!(id_set("host=localhost", &ev), ["lower", "upper"]);
    assert_eq!(id_set("host!=CASE(LOCALHOST)", &ev), ["lower"]);
    assert_eq!(id_set("m=CASE(%ASA-1*)", &ev), ["upper"]);
    assert_eq!(id_set("m=case(\"%asa-1*\")", &ev), ["lower"]);
    // As a bare term it still looks in _raw.
    let raw = [
        json!({"id": "u", "_raw": "user Admin logged in"}),
        json!({"id": "l", "_raw": "user admin logged in"}),
    ];
    assert_eq!(id_set("CASE(Admin)", &raw), ["u"]);
}

// Same page: "TERM(<term>) Match whatever is inside the parentheses as a single
// term", e.g. an IP address with its periods. A field value is already one
// whole value, so `field=TERM(x)` matches the value x.
#[test]
fn term_directive_on_field_values() {
    let ev = [
        json!({"id": "a", "ip": "10.0.0.1"}),
        json!({"id": "b", "ip": "10.0.0.12"}),
    ];
    assert_eq!(id_set("ip=TERM(10.0.0.1)", &ev), ["a"]);
    assert_eq!(id_set("ip=term(10.0.0.1*)", &ev), ["a", "b"]);
    assert_eq!(id_set("ip!=TERM(10.0.0.1)", &ev), ["b"]);
}

// ---- eval operators -----------------------------------------------------------

// Search Reference, eval command, "Boolean expressions": "The order in which
// Boolean expressions are evaluated with the eval command is: Expressions
// within parentheses, NOT clauses, AND clauses, OR clauses, XOR clauses."
#[test]
fn eval_boolean_order_puts_xor_last() {
    let t = |e: &str| {
        one(
            &format!("| makeresults | eval r=if({e}, \"t\", \"f\")"),
            "r",
        )
    };
    // (true OR false) XOR true = false; OR-after-XOR would give true.
    assert_eq!(t("true() OR false() XOR true()"), "f");
    assert_eq!(t("true() XOR false() OR true()"), "f");
    // AND before OR; NOT before AND.
    assert_eq!(t("true() OR true() AND false()"), "t");
    assert_eq!(t("NOT false() AND false()"), "f");
    assert_eq!(t("NOT (false() AND false())"), "t");
    // Parentheses first.
    assert_eq!(t("true() OR (false() XOR true())"), "t");
    // The same order in where.
    let ev = [json!({"id": "1", "a": 1})];
    assert_eq!(
        id_set("| where a=1 OR a=2 XOR a=1", &ev),
        Vec::<String>::new()
    );
}

// Search Reference, eval command, "Operators": `.` concatenates (numbers in
// their string form), `+` adds numbers or concatenates two strings, `=` is a
// synonym for `==`, LIKE takes `%` and `_`; "Division by zero results in a
// null field."
#[test]
fn eval_operators() {
    assert_eq!(one("| makeresults | eval r=\"a\".(1+2)", "r"), "a3");
    assert_eq!(one("| makeresults | eval r=1+2 . 3", "r"), "33");
    assert_eq!(one("| makeresults | eval r=\"a\"+\"b\"", "r"), "ab");
    assert_eq!(
        one(
            "| makeresults | eval r=if(\"axxbc\" LIKE \"a%b_\", 1, 0)",
            "r"
        ),
        "1"
    );
    assert_eq!(one("| makeresults | eval r=if(2=2.0, 1, 0)", "r"), "1");
    assert_eq!(one("| makeresults | eval r=1/0", "r"), "");
    // Example 9: tostring(x, "commas") of 1000000.1278 is 1,000,000.13.
    assert_eq!(
        one(
            "| makeresults | eval x=1000000.1278 | eval x=\"$\".tostring(x,\"commas\")",
            "x"
        ),
        "$1,000,000.13"
    );
}

// Search Reference, eval command, "Dynamic field name creation": "if you have
// an event with the aName=counter and aValue=1234 fields, use | eval
// {aName}=aValue to return counter=1234", and `eval field1="counter",
// {field1}="1234"` gives counter=1234.
#[test]
fn eval_dynamic_field_names() {
    let r = run_spl(
        "| eval {aName}=aValue",
        &nd(&[json!({"aName": "counter", "aValue": "1234"})]),
    );
    assert_eq!(col(&r, "counter"), ["1234"]);
    assert_eq!(
        one(
            "| makeresults | eval field1=\"counter\", {field1}=\"1234\"",
            "counter"
        ),
        "1234"
    );
    // Example 4: each value of `counter` names a new field.
    let r = run_spl(
        "counter=* Value=* | eval {counter} = Value | table cpu disk",
        &nd(&[
            json!({"counter": "cpu", "Value": "5"}),
            json!({"counter": "disk", "Value": "7"}),
        ]),
    );
    let mut got: Vec<String> = col(&r, "cpu").into_iter().chain(col(&r, "disk")).collect();
    got.sort();
    assert_eq!(got, ["", "", "5", "7"]);
    // Around other text, and literal braces stay literal.
    assert_eq!(
        one("| makeresults | eval k=\"x\", pre_{k}_post=1", "pre_x_post"),
        "1"
    );
    assert_eq!(one("| makeresults | eval \"tags{}\"=2", "tags{}"), "2");
}

// Same section: "Searches that dynamically create field names generate errors
// and do not complete if there are unbounded recursive replacements", the
// example `eval p="{p}", v_{p} = p`.
#[test]
fn eval_dynamic_field_name_recursion_is_an_error() {
    let (code, err) = fails("| makeresults | eval p=\"{p}\", v_{p} = p");
    assert_eq!(code, 1);
    insta::assert_snapshot!(err);
}

// ---- eval functions -------------------------------------------------------------

// Search Reference, "Comparison and Conditional functions", nullif: "returns
// NULL if the value in <field1> is equal to the value in <field2>. Otherwise
// returns the value in <field1>."
#[test]
fn nullif_function() {
    let r = run_spl(
        "| eval r=nullif(a, b)",
        &nd(&[
            json!({"id": "same", "a": "x", "b": "x"}),
            json!({"id": "diff", "a": "x", "b": "y"}),
        ]),
    );
    let mut pairs: Vec<(String, String)> = col(&r, "id").into_iter().zip(col(&r, "r")).collect();
    pairs.sort();
    assert_eq!(
        pairs,
        [("diff".into(), "x".into()), ("same".into(), String::new())]
    );
}

// Search Reference, "Statistical eval functions", avg: the worked examples.
#[test]
fn avg_eval_function_examples() {
    // Example 1: a=5.0, b="9", avg(a, b, c) is 7 (c does not exist).
    assert_eq!(
        one(
            "| makeresults | eval a = 5.0, b = \"9\", x = avg(a, b, c)",
            "x"
        ),
        "7"
    );
    // Example 2: avg(1, 2, 3) is 2; with tonumber("3") too.
    assert_eq!(one("| makeresults | eval c=avg(1, 2, 3)", "c"), "2");
    assert_eq!(
        one("| makeresults | eval c=avg(1, 2, tonumber(\"3\"))", "c"),
        "2"
    );
    // Example 3: a field holding "1" is read as a number.
    assert_eq!(
        one("| makeresults | eval a=\"1\", c=avg(a, 2, 3)", "c"),
        "2"
    );
    // Example 4: a field holding text is left out: 2.5.
    assert_eq!(
        one("| makeresults | eval a=\"somedata\", c=avg(a, 2, 3)", "c"),
        "2.5"
    );
    // A multivalue field adds each value.
    assert_eq!(
        one(
            "| makeresults | eval n=split(\"1,2,6\", \",\"), c=avg(n)",
            "c"
        ),
        "3"
    );
}

// Same page: "the following example returns an error because one of the
// arguments in the function is a string": avg(1, 2, "3").
#[test]
fn avg_with_a_quoted_string_is_an_error() {
    let (code, err) = fails("| makeresults | eval c=avg(1, 2, \"3\")");
    assert_eq!(code, 2);
    insta::assert_snapshot!(err);
}

// Search Reference, "Mathematical functions", sum: the sum of the numeric values.
#[test]
fn sum_eval_function() {
    assert_eq!(one("| makeresults | eval s=sum(1, 2, 3.5)", "s"), "6.5");
    assert_eq!(
        one(
            "| makeresults | eval n=split(\"1,2\", \",\"), s=sum(n, 4, x)",
            "s"
        ),
        "7"
    );
}

// Search Reference, "Statistical eval functions", max/min: "Strings are
// greater than numbers"; max(n) of the multivalue 1 3 5 6 4 2 is 6, min(n) of
// 3 5 6 4 7 2 is 2.
#[test]
fn max_min_eval_examples() {
    assert_eq!(
        one(
            "| makeresults | eval name=\"baz\", n=max(1, 3, 6, 7, \"foo\", name)",
            "n"
        ),
        "foo"
    );
    assert_eq!(
        one(
            "| makeresults | eval name=\"zaz\", n=max(1, 3, 6, 7, \"foo\", name)",
            "n"
        ),
        "zaz"
    );
    assert_eq!(
        one(
            "| makeresults | eval size=9, n=min(3, 6, 7, \"maria\", size)",
            "n"
        ),
        "3"
    );
    assert_eq!(
        one(
            "| makeresults | eval n = \"1 3 5 6 4 2\" | makemv n | eval maxn = max(n)",
            "maxn"
        ),
        "6"
    );
    assert_eq!(
        one(
            "| makeresults | eval n = \"3 5 6 4 7 2\" | makemv n | eval minn = min(n)",
            "minn"
        ),
        "2"
    );
}

// Search Reference, "Bitwise functions", examples 1, 2, 3, 6 and 8, through eval.
#[test]
fn bitwise_eval_examples() {
    let spl = "| makeresults | eval AND_result = bit_and(4, 6), OR_result = bit_or(4, 6), \
               XOR_result = bit_xor(4, 6), LEFT_result = bit_shift_left(2,1), \
               RIGHT_result = bit_shift_right(2,1), string = tostring(LEFT_result, \"binary\")";
    let r = run_spl(spl, "");
    assert_eq!(col(&r, "AND_result"), ["4"]);
    assert_eq!(col(&r, "OR_result"), ["6"]);
    assert_eq!(col(&r, "XOR_result"), ["2"]);
    assert_eq!(col(&r, "LEFT_result"), ["4"]);
    assert_eq!(col(&r, "RIGHT_result"), ["1"]);
    assert_eq!(col(&r, "string"), ["100"]);
    assert_eq!(
        one(
            "| makeresults | eval flags = \"00010\", result = tonumber(flags, 2) \
             | eval result = bit_or(result, tonumber(\"11001\", 2)) \
             | eval result = tostring(result, \"binary\")",
            "result"
        ),
        "11011"
    );
    assert_eq!(
        one(
            "| makeresults | eval number1 = tonumber(\"10011\", 2), number2 = tonumber(\"10001\", 2) \
             | eval m = bit_xor(number1, number2) | eval m = bit_not(m, tonumber(\"11111\",2)) \
             | eval m = tostring(m, \"binary\")",
            "m"
        ),
        "11101"
    );
    // Example 5: beyond 2^53 - 1 gives null.
    assert_eq!(
        one("| makeresults | eval r = bit_and(pow(2, 53), 1)", "r"),
        ""
    );
}

// Search Reference, "Trigonometry and Hyperbolic functions".
#[test]
fn trig_eval_functions() {
    assert_eq!(one("| makeresults | eval r=hypot(3,4)", "r"), "5");
    assert_eq!(
        one("| makeresults | eval r=round(acos(0), 4)", "r"),
        "1.5708"
    );
    assert_eq!(
        one("| makeresults | eval r=round(atan2(0.50, 0.75), 4)", "r"),
        "0.588"
    );
    assert_eq!(
        one("| makeresults | eval r=cos(0) + sinh(0) + tanh(0)", "r"),
        "1"
    );
    assert_eq!(one("| makeresults | eval r=acos(2)", "r"), "");
}

// Search Reference, "Text functions", spath(<value>,<path>): extracts from
// JSON and XML like the spath command.
#[test]
fn spath_eval_function() {
    let r = run_spl(
        "| eval a=spath(j, \"user.name\"), b=spath(j, \"tags{}\"), c=spath(x, \"vendor.product\")",
        &nd(&[json!({
            "j": "{\"user\": {\"name\": \"ana\"}, \"tags\": [\"x\", \"y\"]}",
            "x": "<vendor><product>spleval</product></vendor>"
        })]),
    );
    assert_eq!(col(&r, "a"), ["ana"]);
    assert_eq!(r[0]["b"], json!(["x", "y"]));
    assert_eq!(col(&r, "c"), ["spleval"]);
}

// Search Reference, "Multivalue eval functions", commands(<value>):
// commands("search foo | stats count | sort count") is search, stats, sort.
#[test]
fn commands_eval_function() {
    let r = run_spl(
        "| makeresults | eval x=commands(\"search foo | stats count | sort count\")",
        "",
    );
    assert_eq!(r[0]["x"], json!(["search", "stats", "sort"]));
}

// Search Reference, "Conversion functions", tostring(X, "binary") (cited by
// "Bitwise functions": "To convert a number to a string version of its binary
// representation, see tostring(X,Y)").
#[test]
fn tostring_formats() {
    assert_eq!(
        one("| makeresults | eval r=tostring(9, \"binary\")", "r"),
        "1001"
    );
    assert_eq!(
        one("| makeresults | eval r=tostring(15, \"hex\")", "r"),
        "0xF"
    );
    assert_eq!(
        one("| makeresults | eval r=tostring(615, \"duration\")", "r"),
        "00:10:15"
    );
    assert_eq!(
        one(
            "| makeresults | eval r=tostring(12345.6789, \"commas\")",
            "r"
        ),
        "12,345.68"
    );
}

// ---- stats functions ---------------------------------------------------------------

fn stat(func: &str, values: &[&str]) -> String {
    let ev: Vec<Value> = values.iter().map(|v| json!({ "Y": v })).collect();
    let spl = format!("| stats {func}(Y) AS r");
    col(&run_spl(&spl, &nd(&ev)), "r").remove(0)
}

// Search Reference, "Statistical and charting functions", median: "If you have
// an even number of events, by default the median calculation is approximated
// to the higher of the two values"; the example: 8 13 34 37 38 58 74 → 37.
#[test]
fn median_even_count_takes_the_higher_middle_value() {
    assert_eq!(
        stat("median", &["37", "58", "8", "34", "13", "74", "38"]),
        "37"
    );
    assert_eq!(stat("median", &["1", "2", "3", "4"]), "3");
    assert_eq!(stat("median", &["10", "20"]), "20");
    assert_eq!(stat("median", &["5"]), "5");
}

// Same page, perc: "Consider this list of values Y = {10,9,8,7,6,5,4,3,2,1}":
// perc50(Y) returns 5.5 and perc95(Y) returns 9.55; upperperc is the same as
// perc under 1000 values; exactperc gives the exact value.
#[test]
fn percentile_examples() {
    let y = ["10", "9", "8", "7", "6", "5", "4", "3", "2", "1"];
    assert_eq!(stat("perc50", &y), "5.5");
    assert_eq!(stat("perc95", &y), "9.55");
    assert_eq!(stat("p50", &y), "5.5");
    assert_eq!(stat("upperperc95", &y), "9.55");
    assert_eq!(stat("exactperc95", &y), "9.55");
    assert_eq!(stat("perc99.5", &y), "9.955");
}

// Same page, mode: ages 32 45 29 45 37 → 45; surnames → Garcia; hosts → www1.
// range: "the difference between the max and min values", sales 1200 … 1650 → 450.
#[test]
fn mode_and_range_examples() {
    assert_eq!(stat("mode", &["32", "45", "29", "45", "37"]), "45");
    assert_eq!(
        stat("mode", &["Garcia", "Mayer", "Garcia", "Zhang", "Garcia"]),
        "Garcia"
    );
    assert_eq!(stat("range", &["1200", "1400", "1650"]), "450");
    assert_eq!(stat("range", &["1175", "1550", "1425"]), "375");
}

// Same page: stdev/stdevp/var/varp (sample and population), sumsq, and the
// distinct counts (dc, estdc, and estdc_error, the estimate's error — 0, as
// our distinct count is exact).
#[test]
fn spread_and_distinct_count_functions() {
    let xs = ["2", "4", "4", "4", "5", "5", "7", "9"];
    assert_eq!(stat("stdevp", &xs), "2");
    assert_eq!(stat("varp", &xs), "4");
    assert_eq!(stat("var", &xs), "4.571428571428571");
    assert_eq!(stat("sumsq", &["1", "2", "3"]), "14");
    assert_eq!(stat("dc", &["a", "b", "a"]), "2");
    assert_eq!(stat("estdc", &["a", "b", "a"]), "2");
    assert_eq!(stat("estdc_error", &["a", "b", "a"]), "0");
    // estdc: "The string values 1.0 and 1 are considered distinct values and
    // counted separately."
    assert_eq!(stat("estdc", &["1", "1.0", "1"]), "2");
    assert_eq!(stat("dc", &["1", "1.0"]), "2");
    assert_eq!(stat("mean", &["1", "2"]), "1.5");
}

// Same page, rate: "(latest(X) - earliest(X)) / (latest_time(X) - earliest_time(X))";
// and earliest_time/latest_time.
#[test]
fn rate_and_time_functions() {
    let ev = nd(&[
        json!({"_time": 100, "c": 10}),
        json!({"_time": 110, "c": 40}),
        json!({"_time": 105, "c": 20}),
    ]);
    let r = run_spl(
        "| stats rate(c) AS r earliest_time(c) AS et latest_time(c) AS lt earliest(c) AS e latest(c) AS l",
        &ev,
    );
    assert_eq!(col(&r, "r"), ["3"]);
    assert_eq!(col(&r, "et"), ["100"]);
    assert_eq!(col(&r, "lt"), ["110"]);
    assert_eq!(col(&r, "e"), ["10"]);
    assert_eq!(col(&r, "l"), ["40"]);
}
