//! spleval: run Splunk SPL detections (security_content YAML) over JSON
//! events without a Splunk server.
//!
//! Data flows one way: rule YAML → macro expansion (with a map back to the
//! YAML) → parse → plan → streaming operators → output.

pub mod app;
pub mod base;
pub mod cli;
pub mod commands;
pub mod content;
pub mod engine;
pub mod eval;
pub mod functions;
pub mod input;
pub mod spl;
pub mod time;
