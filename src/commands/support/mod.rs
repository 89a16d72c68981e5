pub mod fields;
pub mod pipeline;
pub mod stats_support;
pub mod sub;
pub mod xutil;
