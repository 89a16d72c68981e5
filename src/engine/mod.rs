//! A search end to end: prepare it (expand macros, parse), plan what the
//! readers may skip (the fields it reads, the literals its lines need), run
//! it over sources, and explain where the time went.

pub mod explain;
pub mod partial;
pub mod prefilter;
pub mod projection;
pub mod run;
