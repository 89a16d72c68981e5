//! The Windows XML reader: any input (framed as events) is read into
//! events and warnings, never a panic or a hang; one event's text through
//! the field extraction too.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let meta = spleval::input::Meta {
        knowledge: Some(Arc::new(spleval::content::knowledge::Knowledge::empty())),
        ..Default::default()
    };
    let mut text = b"<Event".to_vec();
    text.extend_from_slice(data);
    let _ = spleval::input::read_bytes(&text, "fuzz.xml", &meta);
    if let Ok(s) = std::str::from_utf8(&text) {
        let _ = spleval::input::winxml::parse_event(s);
        let _ = spleval::input::winxml::parse_loose(s);
    }
});
