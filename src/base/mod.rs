pub mod diag;
pub mod event;
pub mod regex_util;
pub mod value;
