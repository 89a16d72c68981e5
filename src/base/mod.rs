pub mod diag;
pub mod event;
pub mod regex_util;
pub mod span;
pub mod value;
