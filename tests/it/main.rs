//! The integration tests, one binary: a module per command family or area.
//! Tests that read ../shared print `SKIPPED: … is absent` when it is missing.

mod cli_seed;
mod cmd_anomalydetection;
mod cmd_extraction;
mod cmd_lookup_join;
mod cmd_stats_family;
mod commands_core;
mod common;
mod corpus;
mod corpus_runtime;
mod diagnostics;
mod evtx;
mod filter;
mod grammar_doc;
mod hunt;
mod input_formats;
mod knowledge_coverage;
mod knowledge_text;
mod layers;
mod macro_tools;
mod prefilter_property;
mod real_data;
mod repl;
mod repl_terminal;
mod roundtrip;
mod roundtrip_extraction;
mod roundtrip_lookup_join;
mod roundtrip_stats_family;
mod search_semantics;
mod shared_flags;
mod test_runner;
mod tstats;
