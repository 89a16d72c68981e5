//! The SPL parser: any text parses or is an error, never a panic, a stack
//! overflow or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = spleval::commands::parse_pipeline(s);
    }
});
