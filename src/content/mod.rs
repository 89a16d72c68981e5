//! What a rules pack holds, loaded and compiled once: detections and their
//! macros, lookups, data models and search-time knowledge packs.

pub mod datamodels;
pub mod knowledge;
pub mod lookups;
pub mod macros;
pub mod rules;
