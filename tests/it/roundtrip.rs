//! parse(print(ast)) == ast: the printer writes SPL the parser reads back
//! into the same tree (positions aside).

use crate::common::roundtrip;

#[test]
fn search_language_round_trips() {
    for spl in [
        "sourcetype=o365:graph:api status.errorCode=65004",
        "a b OR c NOT d",
        "(a b) OR (c NOT (d OR e))",
        "x!=1 y<2 z<=3 w>4 v>=5",
        "Image=\"*\\\\powershell.exe\" CommandLine=\"*-enc *\"",
        "process_name IN (\"cmd.exe\", powershell.exe, \"a b\")",
        "NOT x=* \"quoted phrase\" term* TERM(10.0.0.1) CASE(Admin)",
        "host=CASE(LOCALHOST) ip=TERM(10.0.0.1) x!=CASE(\"a b\") y=case(%ASA-1*)",
        "search index=main earliest=-7d@d latest=now",
        "a [search b | fields c]",
        "field=\"with \\\"quotes\\\" inside\"",
        "*",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn eval_language_round_trips() {
    for spl in [
        "| makeresults | eval x=1+2*3, y=(1+2)*3, z=-x, s=\"a\" . 'field.name' . b",
        "| makeresults | eval a=if(x > 1 AND y < 2 OR NOT z == 3, \"t\", \"f\")",
        "| makeresults | eval a=case(x=1, \"one\", x=2, \"two\", true(), \"other\")",
        "| makeresults | where x IN (\"a\", \"b\") XOR y LIKE \"c%\"",
        "| makeresults | eval a=1-(2-3), b=(1-2)-3, c=2*(3/4), d=10 % 3",
        "| makeresults | where NOT (a=1 OR b=2)",
        "| makeresults | eval t=strftime(_time, \"%Y-%m-%dT%H:%M:%S\"), n=1.5e3",
        "| makeresults | where like(x, \"a%\") OR in(y, \"a\", \"b\")",
        "| makeresults | where (a OR b) XOR c AND d | where a OR (b XOR c)",
        "| makeresults | eval {aName}=aValue, v_{p}=p, \"tags{}\"=1",
    ] {
        roundtrip(spl);
    }
}

#[test]
fn commands_round_trip() {
    for spl in [
        "a | rename userPrincipalName as user, Processes.* AS *",
        "a | stats count max(_time) as lastTime values(x) AS \"Search Name\" by user src_ip \"status.failureReason\"",
        "a | stats count(eval(x==\"a\")) as n, dc(y), p95(z) BY host",
        "a | stats p99.9(x) exactperc99.95(y) upperperc50(z) median(z) estdc_error(u) rate(c)",
        "a | convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(lastTime) mktime(x) AS y",
        "a | table a, b c* | fields - d e | fields + f",
        "a | head 5 | tail limit=3 | sort 0 -count, +user num(x) | dedup 2 user host keepempty=true",
        "| makeresults count=3 annotate=t | eval x=1",
        "search a ```a comment``` | where x>1",
    ] {
        roundtrip(spl);
    }
}
