//! SPL syntax: tokens, the pipeline AST, the search and eval expression
//! languages, and the pipeline parser.

pub mod ast;
pub mod expr;
pub mod fields;
pub mod lex;
pub mod parser;
pub mod search_expr;

pub use parser::parse_pipeline;
