//! The lowest layer: spans, diagnostics, values, events and regex helpers.
//! Everything else builds on these; they import nothing of the crate above.

pub mod atomic;
pub mod budget;
pub mod diag;
pub mod event;
pub mod paths;
pub mod regex_util;
pub mod span;
pub mod value;

/// Bytes as text, invalid UTF-8 replaced by U+FFFD (as
/// `String::from_utf8_lossy`), but validated with the standard library's
/// word-at-a-time check first: input lines are nearly always valid, and the
/// lossy decoder walks them byte by byte (a tenth of a hunt's instructions
/// went there, copying each line as `_raw`).
pub fn lossy_string(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(b).into_owned(),
    }
}

/// [`lossy_string`], borrowed when the bytes are valid UTF-8.
pub fn lossy_str(b: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(b),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lossy_string_is_from_utf8_lossy() {
        for b in [
            &b"plain"[..],
            "h\u{e9}llo".as_bytes(),
            b"bad \xff\xfe byte",
            b"",
            b"cut \xe2\x82",
        ] {
            assert_eq!(super::lossy_string(b), String::from_utf8_lossy(b));
            assert_eq!(super::lossy_str(b), String::from_utf8_lossy(b));
        }
    }
}
