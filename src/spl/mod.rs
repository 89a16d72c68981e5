//! SPL syntax: tokens, the pipeline AST, the search and eval expression
//! languages, the pipeline parser, and which fields a command reads.
//!
//! This layer knows no command and no runtime type: the pipeline parser
//! finds each command's argument parser through a [`parser::Grammar`] (the
//! registry in `crate::commands` is one), and a parsed command becomes an
//! operator in the command layer (`crate::commands::plan`).

pub mod ast;
pub mod expr;
pub mod fields;
pub mod lex;
pub mod parser;
pub mod search_expr;

pub use parser::parse_pipeline;
