//! Differential: the projecting scanner and the whole-event reader give the
//! same fields for one NDJSON line. When the scanner builds an event, the
//! whole reader must read the line as one event with the same values for
//! every wanted field (and `_raw`, `_time`).
#![no_main]
use libfuzzer_sys::fuzz_target;
use spleval::input::jsonscan::{scan_line, Scan, Wanted};
use spleval::input::projection::Projection;

const NAMES: &[&str] = &["a", "b", "a.b", "a{}", "c{}.d", "k", "x.y{}", "_raw", "_time", "time"];

fuzz_target!(|data: &[u8]| {
    // The reader gives lines without their line end.
    if data.contains(&b'\n') {
        return;
    }
    let want = Wanted::new(&Projection {
        names: NAMES.iter().map(|s| s.to_string()).collect(),
        time: true,
        raw: true,
    });
    let Scan::Event(projected) = scan_line(data, &want) else {
        return;
    };
    let text = String::from_utf8_lossy(data);
    let (whole, odd) = match spleval::input::json::parse_json_record(&text) {
        Ok(x) => x,
        Err(e) => panic!("scanner took a line the whole reader refuses: {e}"),
    };
    assert!(odd.is_empty());
    assert_eq!(whole.len(), 1, "one event");
    for n in NAMES {
        assert_eq!(projected.get(n), whole[0].get(n), "field {n}");
    }
});
