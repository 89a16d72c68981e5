pub mod explain;
pub mod prefilter;
pub mod projection;
pub mod run;
