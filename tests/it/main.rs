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
mod data_sources;
mod diagnostics;
mod evtx;
mod filter;
mod findings;
mod findings_ocsf;
mod findings_report;
mod grammar_doc;
mod hunt;
mod input_formats;
mod knowledge_coverage;
mod layers;
mod macro_tools;
mod prefilter_property;
mod real_data;
mod reliability;
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
