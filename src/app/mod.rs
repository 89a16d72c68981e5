pub mod check;
pub mod filter;
pub mod hunt;
pub mod macro_tools;
pub mod output;
pub mod repl;
pub mod testrun;
