pub mod datamodels;
pub mod knowledge;
pub mod lookups;
pub mod macros;
pub mod rules;
