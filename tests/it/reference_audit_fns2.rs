//! Conformance audit of more eval function pages of the Search Reference
//! (SPL1, spl-search-reference): JSON functions, the JSON-related and
//! ordering multivalue functions, informational type tests, bitwise
//! functions, ipmask, false(). Each test encodes the worked examples of one
//! function, adapted to small events built here. The ledger is
//! grammar/examples/functions.md (the `audit-fns2` part).
//!
//! The pages' text was read from a stored copy of the 10.0 edition of each
//! page; the 9.x pages open the same way (same functions, same first
//! examples).

use crate::common::{col, eval_one, eval_row, ndjson, run_spl};
use serde_json::{json, Value};

/// A JSON text parsed, to compare documents without caring for spacing.
fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON {text:?}: {e}"))
}

// ---- JSON functions ----------------------------------------------------------

// "JSON functions", json_object, examples 1–4: `json_object("name", "maria")`;
// `json_object("name", json_array("maria", "arun"))`; `json_object("cities",
// json_array("London", "Sydney", "Berlin", "Santiago"))`; and the nested
// `games = json_object("category", json_object("boardgames",
// json_object("cooperative", gamelist)))` over a json_array gamelist.
#[test]
fn json_object_page_examples() {
    let r = eval_row(
        r#"name = json_object("name", "maria"),
        firstnames = json_object("name", json_array("maria", "arun")),
        locations = json_object("cities", json_array("London", "Sydney", "Berlin", "Santiago")),
        gamelist = json_array("Pandemic", "Forbidden Island", "Castle Panic"),
        games = json_object("category", json_object("boardgames", json_object("cooperative", gamelist)))"#,
    );
    assert_eq!(r["name"], json!(r#"{"name":"maria"}"#));
    assert_eq!(r["firstnames"], json!(r#"{"name":["maria","arun"]}"#));
    assert_eq!(
        r["locations"],
        json!(r#"{"cities":["London","Sydney","Berlin","Santiago"]}"#)
    );
    assert_eq!(
        r["games"],
        json!(
            r#"{"category":{"boardgames":{"cooperative":["Pandemic","Forbidden Island","Castle Panic"]}}}"#
        )
    );
}

// Same page, json(): example 1, `eval animals = json_object("animal",
// "pony"), result = json(animals)` gives the object back; example 2, `eval
// bridgesAsJson = json(bridges)` keeps JSON arrays and gives null for the
// plain text "Golden Gate Bridge". (The page's London row shows an output
// array other than its input; json() returns its input, as the page's
// description says, so we check that.)
#[test]
fn json_fn_page_examples() {
    let r = eval_row(r#"animals = json_object("animal", "pony"), result = json(animals)"#);
    assert_eq!(r["result"], json!(r#"{"animal":"pony"}"#));
    let london = r#"["bridges",{"name":"Tower Bridge"},{"length":"801"},{"name":"Millennium Bridge"},{"length":"1066"}]"#;
    let venice = r#"[{"name":"Rialto Bridge","length":157}, {"name":"Bridge of Sighs","length":36}, {"name":"Ponte della Paglia"}]"#;
    let r = run_spl(
        "* | eval bridgesAsJson = json(bridges) | table city bridgesAsJson",
        &ndjson(&[
            json!({"city": "London", "bridges": london}),
            json!({"city": "Venice", "bridges": venice}),
            json!({"city": "San Francisco", "bridges": "Golden Gate Bridge"}),
        ]),
    );
    assert_eq!(col(&r, "bridgesAsJson"), [london, venice, ""]);
    assert!(r[2].get("bridgesAsJson").is_none(), "{:?}", r[2]);
}

// Same page, json_append: example 1 appends "Fluttershy" to the ponylist
// array of `json_object("ponylist", json_array("Minty", "Rarity",
// "Buttercup"))`; example 2 appends "codebreaking" at the nested path
// `Fluttershy.ponySkills`. The usage text: an array value is appended as one
// element, a scalar at the path is wrapped in an array first, a path that
// matches nothing is ignored.
#[test]
fn json_append_page_examples() {
    let r = eval_row(
        r#"ponies = json_object("ponylist", json_array("Minty", "Rarity", "Buttercup")),
        updatePonies = json_append(ponies, "ponylist", "Fluttershy"),
        ponyDetails = json_object("Fluttershy", json_object("ponySkills", json_array("running", "jumping"))),
        ponyDetailsUpdated = json_append(ponyDetails, "Fluttershy.ponySkills", "codebreaking")"#,
    );
    assert_eq!(
        r["updatePonies"],
        json!(r#"{"ponylist":["Minty","Rarity","Buttercup","Fluttershy"]}"#)
    );
    assert_eq!(
        r["ponyDetailsUpdated"],
        json!(r#"{"Fluttershy":{"ponySkills":["running","jumping","codebreaking"]}}"#)
    );
    let r = eval_row(
        r#"doc = json_object("a", json_array("a", "b", "c"), "s", 1),
        out = json_append(doc, "a", json_array("d", "e", "f"), "s", 2, "nope", "x"),
        bad = json_append("not json", "a", "x")"#,
    );
    assert_eq!(
        r["out"],
        json!(r#"{"a":["a","b","c",["d","e","f"]],"s":[1,2]}"#)
    );
    assert!(r.get("bad").is_none(), "{r:?}");
}

// Same page, json_array: example 1 `json_array("buttercup", "fluttershy",
// "rarity")`; example 2 `json_array("dubois", json_object("name", "patel"))`
// (an object as an element).
#[test]
fn json_array_page_examples() {
    let r = eval_row(
        r#"ponies = json_array("buttercup", "fluttershy", "rarity"),
        surname = json_array("dubois", json_object("name", "patel"))"#,
    );
    assert_eq!(r["ponies"], json!(r#"["buttercup","fluttershy","rarity"]"#));
    assert_eq!(r["surname"], json!(r#"["dubois",{"name":"patel"}]"#));
}

// Same page, json_array_to_mv: `eval ponies = json_array("Buttercup",
// "Fluttershy", "Rarity"), my_sweet_ponies = json_array_to_mv(ponies)` gives
// three values without quotes; with `json_array_to_mv(ponies,true())` the
// quotes stay; `false()` is the default. Not an array: no value.
#[test]
fn json_array_to_mv_page_example() {
    let r = eval_row(
        r#"ponies = json_array("Buttercup", "Fluttershy", "Rarity"),
        my_sweet_ponies = json_array_to_mv(ponies),
        explicit_false = json_array_to_mv(ponies, false()),
        quoted = json_array_to_mv(ponies, true()),
        not_array = json_array_to_mv(json_object("a", 1))"#,
    );
    assert_eq!(
        r["my_sweet_ponies"],
        json!(["Buttercup", "Fluttershy", "Rarity"])
    );
    assert_eq!(r["explicit_false"], r["my_sweet_ponies"]);
    assert_eq!(
        r["quoted"],
        json!(["\"Buttercup\"", "\"Fluttershy\"", "\"Rarity\""])
    );
    assert!(r.get("not_array").is_none(), "{r:?}");
}

// Same page, json_delete, example 1: `eval object = {"name":"Wei Zhang",
// "SSN":"123-45-6789", "city":"Seattle", "accounts":[...]} | eval
// sales_account = json_delete(object, "SSN", "accounts")` (object literal in
// the expression), and the keys as an array `json_delete(object, ["SSN",
// "accounts"])`; example 2 removes the nested `addresses.email`. A key with
// a dot in its name is not found (the page's `student.name` note).
#[test]
fn json_delete_page_examples() {
    let r = eval_row(
        r#"object = {"name":"Wei Zhang", "SSN":"123-45-6789", "city":"Seattle", "accounts":["Hagal Quartz", "Caladan Water", "Arrakis Spices"]}
        | eval sales_account = json_delete(object, "SSN", "accounts"),
        as_array = json_delete(object, ["SSN", "accounts"])"#,
    );
    assert_eq!(
        r["sales_account"],
        json!(r#"{"name":"Wei Zhang","city":"Seattle"}"#)
    );
    assert_eq!(r["as_array"], r["sales_account"]);
    let r = eval_row(
        r#"employee = {"name":"Celestino Paulo", "company":"Isthmus Pastimes", "addresses": {"email":"celestino@sample.com", "office":"edificio 890 Avenida Demetrio Panama City Panama"}}
        | eval result = json_delete(employee, "addresses.email"),
        dotted = json_delete("{\"student.name\":\"Claudia\"}", "student.name")"#,
    );
    assert_eq!(
        parsed(r["result"].as_str().unwrap()),
        json!({"name":"Celestino Paulo", "company":"Isthmus Pastimes",
               "addresses": {"office":"edificio 890 Avenida Demetrio Panama City Panama"}})
    );
    assert_eq!(r["dotted"], json!(r#"{"student.name":"Claudia"}"#));
}

// Same page, json_delete, example 3 (written as an SPL2 pipeline, `$pipeline
// = from $source | eval cleaned = json_delete(employee, ["addresses.email"])
// | into $destination`): the eval part over supplier records, one per event.
#[test]
fn json_delete_nested_key_over_events() {
    let rec = |name: &str, company: &str, email: &str, office: &str| {
        json!({"employee": json!({"name": name, "company": company,
            "addresses": {"email": email, "office": office}}).to_string()})
    };
    let r = run_spl(
        r#"* | eval cleaned = json_delete(employee, ["addresses.email"]) | table cleaned"#,
        &ndjson(&[
            rec(
                "Celestino Paulo",
                "Isthmus Pastimes",
                "celestino@sample.com",
                "edificio 890 Avenida Demetrio Panama City Panama",
            ),
            rec(
                "David Mayer",
                "Euro Games",
                "david@sample.com",
                "567 Pariser Platz 2 10117 Berlin Germany",
            ),
        ]),
    );
    let cleaned: Vec<Value> = col(&r, "cleaned").iter().map(|t| parsed(t)).collect();
    assert_eq!(
        cleaned,
        [
            json!({"name": "Celestino Paulo", "company": "Isthmus Pastimes",
                "addresses": {"office": "edificio 890 Avenida Demetrio Panama City Panama"}}),
            json!({"name": "David Mayer", "company": "Euro Games",
                "addresses": {"office": "567 Pariser Platz 2 10117 Berlin Germany"}}),
        ]
    );
}

// Same page, json_entries: basic example `| makeresults | eval
// entries=json_entries("{\"a\": 1, \"b\": 2}")`; extended example over an
// employee_record field holding objects.
#[test]
fn json_entries_page_examples() {
    assert_eq!(
        eval_one(r#"entries=json_entries("{\"a\": 1, \"b\": 2}")"#, "entries"),
        r#"[{"key":"a","value":1},{"key":"b","value":2}]"#
    );
    let r = run_spl(
        "* | eval array_format = json_entries(employee_record) | table array_format",
        &ndjson(&[
            json!({"employee_record": r#"{"name":"maria","age":25,"status":"full-time"}"#}),
            json!({"employee_record": r#"{"name":"charlie","age":21,"status":"part-time"}"#}),
        ]),
    );
    assert_eq!(
        col(&r, "array_format"),
        [
            r#"[{"key":"name","value":"maria"},{"key":"age","value":25},{"key":"status","value":"full-time"}]"#,
            r#"[{"key":"name","value":"charlie"},{"key":"age","value":21},{"key":"status","value":"part-time"}]"#,
        ]
    );
}

// Same page, json_extend: example 1 extends fakeMovieBandList with a
// json_array of three more bands (flattened, unlike json_append); example 2
// extends characterClasses with `array2 = json_array(json_object("artifact",
// "deck of many things"))`, adding the object itself.
#[test]
fn json_extend_page_examples() {
    let r = eval_row(
        r#"fakeBandsInMovies = json_object("fakeMovieBandList", json_array("The Blues Brothers", "Spinal Tap", "Wyld Stallyns")),
        updateBandList = json_extend(fakeBandsInMovies, "fakeMovieBandList", json_array("The Soggy Bottom Boys", "The Weird Sisters", "The Barden Bellas")),
        dndChars = json_object("characterClasses", json_array("wizard", "rogue", "barbarian")),
        array2 = json_array(json_object("artifact", "deck of many things")),
        updatedParty = json_extend(dndChars, "characterClasses", array2),
        appended = json_append(dndChars, "characterClasses", array2)"#,
    );
    assert_eq!(
        r["updateBandList"],
        json!(
            r#"{"fakeMovieBandList":["The Blues Brothers","Spinal Tap","Wyld Stallyns","The Soggy Bottom Boys","The Weird Sisters","The Barden Bellas"]}"#
        )
    );
    assert_eq!(
        r["updatedParty"],
        json!(
            r#"{"characterClasses":["wizard","rogue","barbarian",{"artifact":"deck of many things"}]}"#
        )
    );
    // json_append keeps the array nested.
    assert_eq!(
        r["appended"],
        json!(
            r#"{"characterClasses":["wizard","rogue","barbarian",[{"artifact":"deck of many things"}]]}"#
        )
    );
}

const CITIES: &str = r#"[{"name":"London","Bridges":[{"name":"Tower Bridge","length":801},{"name":"Millennium Bridge","length":1066}]},{"name":"Venice","Bridges":[{"name":"Rialto Bridge","length":157},{"name":"Bridge of Sighs","length":36},{"name":"Ponte della Paglia"}]},{"name":"San Francisco","Bridges":[{"name":"Golden Gate Bridge","length":8981},{"name":"Bay Bridge","length":23556}]}]"#;

// Same page, json_extract, examples 1–8 over the `cities` data (London,
// Venice, San Francisco and their bridges): `json_extract(cities,"{}")` the
// whole object; `"{0}"` London; `"{2}"` San Francisco; `"{}.name"` the city
// names; `"{}.Bridges{}"` every bridge; `"{}.Bridges{}.name"` every bridge
// name; `"{2}.Bridges{0}"` the Golden Gate object; `"{2}.Bridges{0}.length"`
// 8981. Examples 2–8 index the array itself, so they run over the array.
#[test]
fn json_extract_page_examples_over_cities() {
    let object = format!(r#"{{"cities":{CITIES}}}"#);
    let r = run_spl(
        r#"* | eval extracted_cities = json_extract(cities_object,"{}"),
            London=json_extract(cities,"{0}"), San_Francisco=json_extract(cities,"{2}"),
            my_cities=json_extract(cities,"{}.name"), Bridges=json_extract(cities,"{}.Bridges{}"),
            Bridge_names=json_extract(cities,"{}.Bridges{}.name"),
            GG_Bridge=json_extract(cities,"{2}.Bridges{0}"),
            GG_Bridge_length=json_extract(cities,"{2}.Bridges{0}.length"),
            doubled=GG_Bridge_length*2"#,
        &ndjson(&[json!({"cities": CITIES, "cities_object": object})]),
    );
    let r = &r[0];
    assert_eq!(r["extracted_cities"], json!(object));
    assert_eq!(
        r["London"],
        json!(
            r#"{"name":"London","Bridges":[{"name":"Tower Bridge","length":801},{"name":"Millennium Bridge","length":1066}]}"#
        )
    );
    assert_eq!(
        r["San_Francisco"],
        json!(
            r#"{"name":"San Francisco","Bridges":[{"name":"Golden Gate Bridge","length":8981},{"name":"Bay Bridge","length":23556}]}"#
        )
    );
    assert_eq!(
        r["my_cities"],
        json!(r#"["London","Venice","San Francisco"]"#)
    );
    assert_eq!(
        r["Bridges"],
        json!(
            r#"[{"name":"Tower Bridge","length":801},{"name":"Millennium Bridge","length":1066},{"name":"Rialto Bridge","length":157},{"name":"Bridge of Sighs","length":36},{"name":"Ponte della Paglia"},{"name":"Golden Gate Bridge","length":8981},{"name":"Bay Bridge","length":23556}]"#
        )
    );
    assert_eq!(
        r["Bridge_names"],
        json!(
            r#"["Tower Bridge","Millennium Bridge","Rialto Bridge","Bridge of Sighs","Ponte della Paglia","Golden Gate Bridge","Bay Bridge"]"#
        )
    );
    assert_eq!(
        r["GG_Bridge"],
        json!(r#"{"name":"Golden Gate Bridge","length":8981}"#)
    );
    // A native number: arithmetic works on it.
    assert_eq!(r["GG_Bridge_length"], json!(8981));
    assert_eq!(r["doubled"], json!(17962));
}

// Same page, json_extract_exact: for an event `{"system.splunk.path":
// "/opt/splunk/"}`, `eval extracted_path=json_extract_exact(splunk_path,
// "system.splunk.path")` finds the dotted key, which json_extract (a path)
// does not.
#[test]
fn json_extract_exact_page_example() {
    let r = run_spl(
        r#"* | eval extracted_path=json_extract_exact(splunk_path, "system.splunk.path"),
            by_path=json_extract(splunk_path, "system.splunk.path")"#,
        &ndjson(&[json!({"splunk_path": r#"{"system.splunk.path":"/opt/splunk/"}"#})]),
    );
    assert_eq!(col(&r, "extracted_path"), ["/opt/splunk/"]);
    assert!(r[0].get("by_path").is_none(), "{:?}", r[0]);
}

// Same page, json_has_key_exact: `if(json_has_key_exact(json_object("name",
// "charlie"), "name"), "has key", "doesn't have key")`; the dotted key
// `"charlie.garcia"` taken literally; extended example over employee_record
// checking for `status`.
#[test]
fn json_has_key_exact_page_examples() {
    let r = eval_row(
        r#"test=if(json_has_key_exact(json_object("name", "charlie"), "name"), "has key", "doesn't have key"),
        dotted=if(json_has_key_exact("{\"charlie.garcia\":10}", "charlie.garcia"), "has key", "doesn't have key")"#,
    );
    assert_eq!(r["test"], json!("has key"));
    assert_eq!(r["dotted"], json!("has key"));
    let r = run_spl(
        r#"* | eval test_results=if(json_has_key_exact(employee_record, "status"), "has key", "doesn't have key") | table test_results"#,
        &ndjson(&[
            json!({"employee_record": r#"{"name":"maria","age":25,"status":"full-time"}"#}),
            json!({"employee_record": r#"{"name":"charlie","age":21,"region":"US"}"#}),
        ]),
    );
    assert_eq!(col(&r, "test_results"), ["has key", "doesn't have key"]);
}

// Same page, json_keys: examples 1 and 2, `eval bridge_keys =
// json_keys(bridges)` over one and then four bridge objects; not usable on
// arrays.
#[test]
fn json_keys_page_examples() {
    let r = run_spl(
        "* | eval bridge_keys = json_keys(bridges), of_array = json_keys(json_array(1, 2)) \
         | table bridge_keys of_array",
        &ndjson(&[
            json!({"bridges": r#"{"name": "Clifton Suspension Bridge", "length": 1352, "city": "Bristol", "country": "England"}"#}),
            json!({"bridges": r#"{"name":"Rialto Bridge","length":157, "city": "Venice", "region": "Veneto", "country": "Italy"}"#}),
            json!({"bridges": r#"{"name": "Helix Bridge", "length": 918, "city": "Singapore", "country": "Singapore"}"#}),
            json!({"bridges": r#"{"name": "Tilikum Crossing", "length": 1700, "city": "Portland", "state": "Oregon", "country": "United States"}"#}),
        ]),
    );
    assert_eq!(
        col(&r, "bridge_keys"),
        [
            r#"["name","length","city","country"]"#,
            r#"["name","length","city","region","country"]"#,
            r#"["name","length","city","country"]"#,
            r#"["name","length","city","state","country"]"#,
        ]
    );
    assert_eq!(col(&r, "of_array"), ["", "", "", ""]);
}

const GAMES: &str = r#"{"category":{"boardgames":{"cooperative":[{"name":"Pandemic"},{"name":"Forbidden Island"},{"name":"Castle Panic"}]}}}"#;

// Same page, json_set over the `games` object: example 1 overwrites
// `category.boardgames.cooperative{2}` (the page writes the value as
// `"name":"Sherlock Holmes: Consulting Detective"`, not an SPL expression; we
// give that object with json_object); example 2 creates the missing key
// `category.boardgames.competitive` holding a json_array of three objects;
// example 3 sets `competitive{}.available` to true() in every element, then
// `competitive{0}.available` to false(). A path that does not fit the
// document (`a.c` where a is a string) is skipped.
#[test]
fn json_set_page_examples() {
    let r = run_spl(
        r#"* | eval my_games = json_set(games,"category.boardgames.cooperative{2}", json_object("name", "Sherlock Holmes: Consulting Detective"))
           | eval my_games = json_set(my_games,"category.boardgames.competitive", json_array(json_object("name", "Settlers of Catan"), json_object("name", "Terraforming Mars"), json_object("name", "Ticket to Ride")))
           | eval all_available = json_set(my_games,"category.boardgames.competitive{}.available", true())
           | eval my_games = json_set(all_available,"category.boardgames.competitive{0}.available", false())
           | eval mismatch = json_set("{\"a\": \"b\"}", "a.c", "d")
           | table all_available my_games mismatch"#,
        &ndjson(&[json!({ "games": GAMES })]),
    );
    let all = parsed(r[0]["all_available"].as_str().unwrap());
    assert_eq!(
        all["category"]["boardgames"]["competitive"],
        json!([{"name": "Settlers of Catan", "available": true},
               {"name": "Terraforming Mars", "available": true},
               {"name": "Ticket to Ride", "available": true}])
    );
    let games = parsed(r[0]["my_games"].as_str().unwrap());
    assert_eq!(
        games,
        json!({"category": {"boardgames": {
            "cooperative": [{"name": "Pandemic"}, {"name": "Forbidden Island"},
                            {"name": "Sherlock Holmes: Consulting Detective"}],
            "competitive": [{"name": "Settlers of Catan", "available": false},
                            {"name": "Terraforming Mars", "available": true},
                            {"name": "Ticket to Ride", "available": true}]}}})
    );
    assert_eq!(
        parsed(r[0]["mismatch"].as_str().unwrap()),
        json!({"a": "b"})
    );
}

// Same page, json_set_exact: `| makeresults | eval my_object=json_object(),
// splunk_path=json_set_exact(my_object, "system.splunk.path",
// "/opt/splunk")` keeps the dotted key; json_set on the same arguments makes
// nested objects, as the page contrasts.
#[test]
fn json_set_exact_page_example() {
    let r = eval_row(
        r#"my_object=json_object(),
        splunk_path=json_set_exact(my_object, "system.splunk.path", "/opt/splunk"),
        nested=json_set(my_object, "system.splunk.path", "/opt/splunk")"#,
    );
    assert_eq!(r["my_object"], json!("{}"));
    assert_eq!(
        r["splunk_path"],
        json!(r#"{"system.splunk.path":"/opt/splunk"}"#)
    );
    assert_eq!(
        r["nested"],
        json!(r#"{"system":{"splunk":{"path":"/opt/splunk"}}}"#)
    );
}

// Same page, json_valid: `eval IsValid = if(json_valid(firstnames), "true",
// "false")` for the object `{ "names": ["maria", "arun"] }`; the same text
// without its closing brace is not valid.
#[test]
fn json_valid_page_example() {
    let r = run_spl(
        r#"* | eval IsValid = if(json_valid(firstnames), "true", "false") | table IsValid"#,
        &ndjson(&[
            json!({"firstnames": r#"{ "names": ["maria", "arun"] }"#}),
            json!({"firstnames": r#"{ "names": ["maria", "arun"]"#}),
            json!({"firstnames": "maria"}),
        ]),
    );
    assert_eq!(col(&r, "IsValid"), ["true", "false", "false"]);
}

// ---- Multivalue eval functions -------------------------------------------------

// "Multivalue eval functions", mvreverse: the usage examples `eval
// a=mvreverse(split("1,2,3", ","))` and `eval b = mvappend("1","2","3"),
// a=mvreverse(b)`; the examples reversing `myfield` built by `makemv
// tokenizer = "([^,]+),?"` from "one,two,three", `eval myfield =
// mvreverse(mvappend("1", "2", "3"))`, and `eval myfield =
// mvappend("1","2","3"), new_myfield=mvreverse(myfield)`.
#[test]
fn mvreverse_page_examples() {
    let r = eval_row(
        r#"a=mvreverse(split("1,2,3", ",")), b = mvappend("1","2","3"), c=mvreverse(b),
        myfield = mvreverse(mvappend("1", "2", "3"))"#,
    );
    assert_eq!(r["a"], json!(["3", "2", "1"]));
    assert_eq!(r["b"], json!(["1", "2", "3"]));
    assert_eq!(r["c"], json!(["3", "2", "1"]));
    assert_eq!(r["myfield"], json!(["3", "2", "1"]));
    let r = run_spl(
        r#"| makeresults | eval myfield = "one,two,three" | makemv tokenizer = "([^,]+),?" myfield
           | eval new_myfield = mvreverse(myfield) | fields - _time"#,
        "",
    );
    assert_eq!(r[0]["myfield"], json!(["one", "two", "three"]));
    assert_eq!(r[0]["new_myfield"], json!(["three", "two", "one"]));
    // A single value stays itself; a missing field stays missing.
    let r = eval_row(r#"one = mvreverse("x"), none = mvreverse(nosuch)"#);
    assert_eq!(r, json!({"one": "x"}));
}

// Same page, mv_to_json_array: `eval ponies = mvappend("\"Buttercup\"",
// "\"Fluttershy\"", "\"Rarity\"", "true", "null")`; `mv_to_json_array(ponies,
// false())` (and the default) writes every value as a string, quotes
// included; with `true()` the quotes go and true/null become JSON literals.
// With true(), a value that is not JSON once its quotes are removed becomes
// null (usage text).
#[test]
fn mv_to_json_array_page_example() {
    let r = eval_row(
        r#"ponies = mvappend("\"Buttercup\"", "\"Fluttershy\"", "\"Rarity\"", "true", "null"),
        plain = mv_to_json_array(ponies, false()), default = mv_to_json_array(ponies),
        my_sweet_ponies = mv_to_json_array(ponies, true()),
        numbers = mv_to_json_array(mvappend("1", "2.5", "abc"), true())"#,
    );
    assert_eq!(
        r["plain"],
        json!(r#"["\"Buttercup\"","\"Fluttershy\"","\"Rarity\"","true","null"]"#)
    );
    assert_eq!(r["default"], r["plain"]);
    assert_eq!(
        r["my_sweet_ponies"],
        json!(r#"["Buttercup","Fluttershy","Rarity",true,null]"#)
    );
    assert_eq!(r["numbers"], json!("[1,2.5,null]"));
}

// ---- Informational functions ---------------------------------------------------

// "Informational functions", isdouble: `| makeresults | eval result =
// if(isdouble(3.546), "True", "False")` is True; `if(isdouble(1000000),
// "True", "False")` is False.
#[test]
fn isdouble_page_examples() {
    let r = eval_row(
        r#"result = if(isdouble(3.546), "True", "False"),
        million = if(isdouble(1000000), "True", "False")"#,
    );
    assert_eq!(r, json!({"result": "True", "million": "False"}));
}

// Same page, ismv: `eval number_list=split("1, 2, 3", ",") | eval
// result=if(ismv(number_list), "True", "False")` is True; a single value is
// not multivalue.
#[test]
fn ismv_page_example() {
    let r = eval_row(
        r#"number_list=split("1, 2, 3", ",")
        | eval result=if(ismv(number_list), "True", "False"), single=if(ismv("1"), "True", "False")"#,
    );
    assert_eq!(r["number_list"], json!(["1", " 2", " 3"]));
    assert_eq!(r["result"], json!("True"));
    assert_eq!(r["single"], json!("False"));
}

// Same page, isobject: `eval games = "Ticket to Ride, Settlers of Catan" |
// eval result = if(isobject("games"), "True", "False")` is False; with games
// holding `{"type": "competitive", "name": "Ticket to Ride"}`,
// `if(isobject(games), ...)` is True; `isobject("{cities: \"3\"}")` (keys not
// quoted) is "is not object".
#[test]
fn isobject_page_examples() {
    let r = eval_row(
        r#"games = "Ticket to Ride, Settlers of Catan"
        | eval result = if(isobject("games"), "True", "False"), field = if(isobject(games), "True", "False")"#,
    );
    assert_eq!(r["result"], json!("False"));
    assert_eq!(r["field"], json!("False"));
    let r = eval_row(
        r#"games = "{\"type\": \"competitive\", \"name\": \"Ticket to Ride\"}"
        | eval result = if(isobject(games), "True", "False")"#,
    );
    assert_eq!(r["result"], json!("True"));
    assert_eq!(
        eval_one(
            r#"is_an_object = if(isobject("{cities: \"3\"}"), "is object", "is not object")"#,
            "is_an_object"
        ),
        "is not object"
    );
    // An array is not an object.
    assert_eq!(
        eval_one(r#"a = if(isobject("[1, 2]"), "True", "False")"#, "a"),
        "False"
    );
}

// ---- Bitwise functions -----------------------------------------------------------

// "Bitwise functions", bit_or: `| makeresults | eval result = bit_or(4, 2)`
// is 6; example 1 `bit_or(4, 6)` is 6; example 6 sets flags: "00010" OR
// "11001" is "11011"; example 9 appends a flag: "10001" shifted left once,
// OR 1, is "100011". More than two arguments fold left to right.
#[test]
fn bit_or_page_examples() {
    let r = eval_row("result = bit_or(4, 2), OR_result = bit_or(4, 6), three = bit_or(1, 2, 4)");
    assert_eq!(r, json!({"result": 6, "OR_result": 6, "three": 7}));
    let r = run_spl(
        r#"| makeresults | eval flags = "00010", result = tonumber(flags, 2)
           | eval result = bit_or(result, tonumber("11001", 2))
           | eval result = tostring(result, "binary") | table flags result"#,
        "",
    );
    assert_eq!(col(&r, "result"), ["11011"]);
    let r = run_spl(
        r#"| makeresults | eval flags = "10001", result = tonumber(flags, 2), flag_bool = 1
           | eval result = bit_shift_left(result, 1)
           | eval result = bit_or(result, flag_bool)
           | eval result = tostring(result, "binary") | table flags flag_bool result"#,
        "",
    );
    assert_eq!(col(&r, "result"), ["100011"]);
}

// Same page, bit_xor: `bit_xor(3, 2)` is 1; example 1 `bit_xor(4, 6)` is 2;
// example 8 finds matching bits: `bit_xor(number1, number2)` of "10011" and
// "10001", then `bit_not(matching_bits, tonumber("11111",2))`, is "11101".
#[test]
fn bit_xor_page_examples() {
    let r =
        eval_row("result = bit_xor(3, 2), XOR_result = bit_xor(4, 6), three = bit_xor(1, 3, 4)");
    assert_eq!(r, json!({"result": 1, "XOR_result": 2, "three": 6}));
    let r = run_spl(
        r#"| makeresults
           | eval bin_number1 = "10011", bin_number2 = "10001", number1 = tonumber(bin_number1, 2), number2 = tonumber(bin_number2, 2)
           | eval matching_bits = bit_xor(number1, number2)
           | eval matching_bits = bit_not(matching_bits, tonumber("11111",2))
           | eval matching_bits = tostring(matching_bits, "binary")
           | table bin_number1 bin_number2 matching_bits number1 number2"#,
        "",
    );
    assert_eq!(col(&r, "matching_bits"), ["11101"]);
    assert_eq!(col(&r, "number1"), ["19"]);
    assert_eq!(col(&r, "number2"), ["17"]);
}

// Same page, bit_not: `eval long_result = bit_not(9), short_result =
// bit_not(9, tonumber("1111", 2))` then both as binary: 9007199254740982
// (53 bits, 11…10110) and 6 (110); example 4, `bit_not(9)` and `bit_not(9,
// tonumber("111",2))` as binary. Out of range (negative, 2^53): null.
#[test]
fn bit_not_page_examples() {
    let r = run_spl(
        r#"| makeresults | eval long_result = bit_not(9), short_result = bit_not(9, tonumber("1111", 2))
           | eval long_binary = tostring(long_result, "binary"), short_binary = tostring(short_result, "binary")
           | eval long_text = long_result . "" | fields - _time"#,
        "",
    );
    let r = &r[0];
    assert_eq!(r["long_text"], json!("9007199254740982"));
    assert_eq!(r["long_result"].as_f64(), Some(9007199254740982.0));
    assert_eq!(
        r["long_binary"],
        json!("11111111111111111111111111111111111111111111111110110")
    );
    assert_eq!(r["short_result"], json!(6));
    assert_eq!(r["short_binary"], json!("110"));
    let r = run_spl(
        r#"| makeresults | eval NOT_result = bit_not(9, tonumber("111",2))
           | eval string = tostring(NOT_result, "binary") | fields - _time"#,
        "",
    );
    assert_eq!(r[0], json!({"NOT_result": 6, "string": "110"}));
    let r =
        eval_row("neg = bit_not(-1), big = bit_not(pow(2, 53)), mask_big = bit_not(1, pow(2, 53))");
    assert_eq!(r, json!({}));
}

// Same page, bit_shift_left: `bit_shift_left(2, 1)` is 4; `bit_shift_left(1,
// 53)` is 0 (the bit falls off); the table: (3, 1) 6, (3, 52)
// 4503599627370496, (3, 57) 0, (3, 2^53-1) 0, (3, 2^53) null, (67, 1) 134,
// (2^53, 1) null, (3, -2) null. Example 2 `bit_shift_left(2,1)` 4 and
// example 3 its binary "100".
#[test]
fn bit_shift_left_page_examples() {
    let r = eval_row(
        "result = bit_shift_left(2, 1), off_53 = bit_shift_left(1, 53),
        a = bit_shift_left(3, 1), b = bit_shift_left(3, 52), c = bit_shift_left(3, 57),
        d = bit_shift_left(3, pow(2, 53) - 1), e = bit_shift_left(3, pow(2, 53)),
        f = bit_shift_left(67, 1), g = bit_shift_left(pow(2, 53), 1), h = bit_shift_left(3, -2)",
    );
    assert_eq!(
        r,
        json!({"result": 4, "off_53": 0, "a": 6, "b": 4503599627370496_i64, "c": 0,
               "d": 0, "f": 134})
    );
    let r = run_spl(
        r#"| makeresults | eval LEFT_result = bit_shift_left(2,1)
           | eval string = tostring(LEFT_result, "binary") | fields - _time"#,
        "",
    );
    assert_eq!(r[0], json!({"LEFT_result": 4, "string": "100"}));
}

// Same page, bit_shift_right: `bit_shift_right(4, 1)` is 2; example 2
// `bit_shift_right(2,1)` is 1; the table's `bit_shift_right(-3, 1)` is null;
// example 10, `streamId = tonumber("0xa3b7514f19ce7", 16), result =
// bit_and(bit_shift_right(streamId,8), tonumber("0xFFFFFFFF",16))` is
// 1964306844 (streamId 2880123815697639).
#[test]
fn bit_shift_right_page_examples() {
    let r = eval_row(
        "result = bit_shift_right(4, 1), RIGHT_result = bit_shift_right(2,1),
        neg = bit_shift_right(-3, 1)",
    );
    assert_eq!(r, json!({"result": 2, "RIGHT_result": 1}));
    let r = eval_row(
        r#"streamId = tonumber("0xa3b7514f19ce7", 16),
        result = bit_and(bit_shift_right(streamId,8), tonumber("0xFFFFFFFF",16))"#,
    );
    assert_eq!(
        r,
        json!({"streamId": 2880123815697639_i64, "result": 1964306844_i64})
    );
}

// ---- Conversion functions --------------------------------------------------------

// "Conversion functions", ipmask: `eval maskedIP = ipmask("255.255.255.0",
// "10.20.30.120")` is 10.20.30.0; `ipmask("0.255.0.244", clientip)` over a
// clientip field (the page adds `AS maskedip`, its SPL2 `from` form; SPL1
// eval names the field on the left); `where ipmask("0.255.0.224",
// clientip)="10.20.30.120"`, where the masked value is 0.20.0.96 (so that
// event is not kept; comparing with 0.20.0.96 keeps it); the pipeline
// example's eval `ipmask("255.0.255.0", clientip)` then `fields - clientip`.
// A mask or address that is not IPv4: null.
#[test]
fn ipmask_page_examples() {
    assert_eq!(
        eval_one(
            r#"maskedIP = ipmask("255.255.255.0", "10.20.30.120")"#,
            "maskedIP"
        ),
        "10.20.30.0"
    );
    let events = ndjson(&[
        json!({"clientip": "10.20.30.120"}),
        json!({"clientip": "192.168.1.77"}),
    ]);
    let r = run_spl(
        r#"* | eval maskedip = ipmask("0.255.0.244", clientip) | table maskedip"#,
        &events,
    );
    assert_eq!(col(&r, "maskedip"), ["0.20.0.112", "0.168.0.68"]);
    let r = run_spl(
        r#"* | where ipmask("0.255.0.224", clientip)="10.20.30.120""#,
        &events,
    );
    assert!(r.is_empty(), "{r:?}");
    let r = run_spl(
        r#"* | where ipmask("0.255.0.224", clientip)="0.20.0.96" | table clientip"#,
        &events,
    );
    assert_eq!(col(&r, "clientip"), ["10.20.30.120"]);
    let r = run_spl(
        r#"* | eval maskedIP = ipmask("255.0.255.0", clientip) | fields - clientip"#,
        &events,
    );
    assert_eq!(col(&r, "maskedIP"), ["10.0.30.0", "192.0.1.0"]);
    assert!(r.iter().all(|row| row.get("clientip").is_none()), "{r:?}");
    let r = eval_row(
        r#"short_mask = ipmask("255.255.255", "10.20.30.120"),
        bad_ip = ipmask("255.255.255.0", "10.20.30.256"), v6 = ipmask("255.255.255.0", "::1")"#,
    );
    assert_eq!(r, json!({}));
}

// ---- Comparison and Conditional functions ----------------------------------------

// "Comparison and Conditional functions", false(): the page has no worked
// example (its "Basic examples" heading is empty). Documented behaviour: it
// returns FALSE, takes no field, and serves as an argument of other
// functions: in if, case (a false condition is skipped) and where.
#[test]
fn false_documented_behaviour() {
    let r = eval_row(
        r#"f = if(false(), "yes", "no"), n = if(NOT false(), "yes", "no"),
        c = case(false(), "first", true(), "second"), t = typeof(false()),
        same = if(false() == (1==0), "yes", "no")"#,
    );
    assert_eq!(
        r,
        json!({"f": "no", "n": "yes", "c": "second", "t": "Bool", "same": "yes"})
    );
    let events = ndjson(&[json!({"a": 1}), json!({"a": 2})]);
    assert!(run_spl("* | where false()", &events).is_empty());
    assert_eq!(
        col(&run_spl("* | where false() OR a=2 | table a", &events), "a"),
        ["2"]
    );
}
