//! How numbers are written: a whole number reads the same in the table, in
//! CSV and in JSON, up to 1e17 (the Bitwise functions page shows
//! `bit_not(9)` as 9007199254740982, past the 2^53 that JSON readers keep
//! exactly; the integer is still the exact value of the f64).

use crate::common::{run_spl, run_spl_as};

#[test]
fn whole_numbers_past_9e15_are_integers_in_json() {
    let rows = run_spl(
        "| makeresults | eval a=bit_not(9), b=pow(2,53), c=1e16, d=1e17, e=-123456789012345678, f=2.5",
        "",
    );
    let r = &rows[0];
    assert_eq!(r["a"].to_string(), "9007199254740982");
    assert_eq!(r["b"].to_string(), "9007199254740992");
    assert_eq!(r["c"].to_string(), "10000000000000000");
    // From 1e17 on, a float's own text is shorter: 1e17 stays a float.
    assert_eq!(r["d"].as_f64(), Some(1e17));
    assert!(r["d"].is_f64(), "{}", r["d"]);
    assert!(r["e"].is_f64(), "{}", r["e"]);
    assert_eq!(r["f"].to_string(), "2.5");
}

#[test]
fn json_and_csv_agree_on_whole_numbers() {
    let csv = run_spl_as("csv", "| makeresults | eval a=bit_not(9) | table a", "");
    assert_eq!(csv.lines().nth(1), Some("9007199254740982"), "{csv}");
}
