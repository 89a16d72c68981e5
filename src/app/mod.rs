//! What the subcommands do, apart from their flags: checking and testing
//! detections, hunting with a whole rules pack, trying filter macros, macro
//! tools, writing results, and the REPL.

pub mod check;
pub mod datasources;
pub mod filter;
pub mod findings;
pub mod hunt;
pub mod macro_tools;
pub mod output;
pub mod repl;
pub mod report;
pub mod testrun;
