//! spleval: run Splunk SPL detections (security_content YAML) over JSON
//! events without a Splunk server.
//!
//! Data flows one way: rule YAML → macro expansion (with a map back to the
//! YAML) → parse → plan → streaming operators → output.
//!
//! The crate is built in layers. A module may import its own layer and the
//! layers below it, never one above (`tests/it/layers.rs` checks this
//! against the list below, and that no source file passes 1,200 lines).
//!
//! Layers, lowest first: base, time, functions, spl, eval, content, input, commands, catalog, engine, app, cli.
//!
//! - [`base`]: spans, diagnostics, values, events, regex helpers.
//! - [`time`]: time zones, `strftime`/`strptime`, relative times, timestamp detection.
//! - [`functions`]: the eval and stats function registries.
//! - [`spl`]: the language: lexer, AST, eval and search expression grammars,
//!   the pipeline parser. It names no command: the parser finds each
//!   command's argument parser through a [`spl::parser::Grammar`].
//! - [`eval`]: evaluating eval expressions and matching search expressions
//!   against an event.
//! - [`content`]: rules, macros, lookups, data models, knowledge packs (loaded
//!   and compiled).
//! - [`input`]: reading events (one module per format), the line prefilter,
//!   the projection of fields a search reads, applying knowledge.
//! - [`commands`]: one file per command (syntax, AST node, operator) and the
//!   registry; `commands/support` holds what they plug into (the operator
//!   trait, the plan context, the operator chain) and shared helpers.
//! - [`engine`]: a search end to end: prepare (expand, parse), plan the
//!   projection and prefilter, run over sources; `--explain`.
//! - [`app`]: what the subcommands do: check, test, hunt, filter, macro
//!   tools, output writers, the REPL.
//! - [`cli`]: clap argument types and one module per subcommand.

pub mod app;
pub mod base;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod content;
pub mod engine;
pub mod eval;
pub mod functions;
pub mod input;
pub mod spl;
pub mod time;
