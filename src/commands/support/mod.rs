//! What commands plug into and share: the operator trait, the plan context
//! and the operator chain (`pipeline`), field-name helpers (`fields`),
//! option and field parsers (`xutil`), stats-family pieces
//! (`stats_support`, `stats_spark`, `stats_over`), chart/timechart's
//! series `WHERE` clause (`series_where`), subsearch arguments (`sub`), and sorting more
//! events than fit in memory (`spill`).

pub mod fields;
pub mod pipeline;
pub mod scoring;
pub mod series;
pub mod series_where;
pub mod spill;
pub mod stats_over;
pub mod stats_spark;
pub mod stats_support;
pub mod sub;
pub mod unavailable;
pub mod xutil;
