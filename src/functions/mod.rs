//! Eval function registry: one table per family, each entry is
//! (name, arity range, implementation). The evaluator looks names up here at
//! plan time (unknown function = error with its position) and calls `imp`
//! with already-evaluated arguments.
//!
//! A few forms need unevaluated arguments (`if`, `case`, `mvfilter`,
//! `mvmap`, `searchmatch`, ...): those are evaluated by the evaluator itself
//! and listed in [`SPECIAL_FORMS`] so the checker knows them.

pub mod state;
pub mod stats;
pub mod stats_time;

use crate::base::value::Value;

pub mod bitwise;
pub mod conditional;
pub mod conversion;
pub mod hashing;
pub mod json;
pub mod json_path;
pub mod lookup;
pub mod math;
pub mod multivalue;
pub mod network;
pub mod spath_path;
pub mod string;
pub mod time_fns;
pub mod trig;

/// What a function may read besides its arguments.
#[derive(Debug, Clone)]
pub struct FnCtx {
    /// `now()` and the base of relative times, epoch seconds.
    pub now: f64,
    /// The zone `strftime`/`strptime` render and read local times in.
    pub tz: chrono_tz::Tz,
    /// The lookup tables the `lookup()` function reads (those of the plan's
    /// rules root, set when a search is planned; see [`lookup::Tables`]).
    pub lookups: Option<std::sync::Arc<dyn lookup::Tables>>,
}

impl Default for FnCtx {
    fn default() -> Self {
        FnCtx {
            now: 0.0,
            tz: chrono_tz::UTC,
            lookups: None,
        }
    }
}

pub type EvalImpl = fn(&[Value], &FnCtx) -> Result<Value, String>;

pub struct EvalFunction {
    pub name: &'static str,
    pub min_args: usize,
    /// None: any number of arguments.
    pub max_args: Option<usize>,
    pub imp: EvalImpl,
}

/// Functions the evaluator implements itself because they need lazy or
/// per-value evaluation of their arguments: (name, min args, max args).
pub static SPECIAL_FORMS: &[(&str, usize, Option<usize>)] = &[
    ("if", 3, Some(3)),
    ("case", 2, None),
    ("coalesce", 1, None),
    ("validate", 2, None),
    ("mvfilter", 1, Some(1)),
    ("mvmap", 2, Some(2)),
    ("searchmatch", 1, Some(1)),
    ("isnull", 1, Some(1)),
    ("isnotnull", 1, Some(1)),
    ("null", 0, Some(0)),
    ("now", 0, Some(0)),
    ("true", 0, Some(0)),
    ("false", 0, Some(0)),
    ("in", 2, None),
];

static TABLES: &[&[EvalFunction]] = &[
    string::FUNCTIONS,
    math::FUNCTIONS,
    multivalue::FUNCTIONS,
    conversion::FUNCTIONS,
    time_fns::FUNCTIONS,
    network::FUNCTIONS,
    hashing::FUNCTIONS,
    json::FUNCTIONS,
    trig::FUNCTIONS,
    bitwise::FUNCTIONS,
    conditional::FUNCTIONS,
    lookup::FUNCTIONS,
];

/// Looks a function up by name (Splunk's function names are lower case; we
/// accept any case).
pub fn lookup(name: &str) -> Option<&'static EvalFunction> {
    TABLES
        .iter()
        .flat_map(|t| t.iter())
        .find(|f| f.name.eq_ignore_ascii_case(name))
}

/// Every known function name (table entries and special forms), for completion and checks.
pub fn all_names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = TABLES
        .iter()
        .flat_map(|t| t.iter().map(|f| f.name))
        .chain(SPECIAL_FORMS.iter().map(|s| s.0))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}
