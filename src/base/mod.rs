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
