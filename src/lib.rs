//! spleval: run Splunk SPL detections (security_content YAML) over JSON
//! events without a Splunk server.
//!
//! Data flows one way: rule YAML → macro expansion (with a map back to the
//! YAML) → parse → plan → streaming operators → output.

pub mod check;
pub mod commands;
pub mod datamodels;
pub mod diag;
pub mod engine;
pub mod eval;
pub mod event;
pub mod explain;
pub mod filter;
pub mod functions;
pub mod hunt;
pub mod input;
pub mod jsonscan;
pub mod knowledge;
pub mod lookups;
pub mod macro_tools;
pub mod macros;
pub mod matcher;
pub mod output;
pub mod pipeline;
pub mod prefilter;
pub mod projection;
pub mod regex_util;
pub mod repl;
pub mod rules;
pub mod spl;
pub mod stats_fns;
pub mod testrun;
pub mod time;
pub mod value;
pub mod winxml;
