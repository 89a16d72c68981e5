//! Memory budgets: how much one value, one command's groups or one
//! command's buffered rows may hold. Past a budget the search stops with an
//! error naming the command and the limit, instead of allocating until the
//! process aborts. Each limit is set far above what a real detection needs
//! (the corpus runs well inside them) and can be raised with an environment
//! variable (read once per process).

use std::sync::OnceLock;

use crate::base::diag::SplError;

/// One budget: its environment variable and default.
pub struct Budget {
    pub env: &'static str,
    pub default: usize,
    /// What it counts, for the message (`values in one multivalue field`).
    pub what: &'static str,
    cell: OnceLock<usize>,
}

impl Budget {
    const fn new(env: &'static str, default: usize, what: &'static str) -> Budget {
        Budget {
            env,
            default,
            what,
            cell: OnceLock::new(),
        }
    }

    /// The limit: the environment variable's number (`_` allowed as a
    /// separator), else the default.
    pub fn get(&self) -> usize {
        *self.cell.get_or_init(|| {
            std::env::var(self.env)
                .ok()
                .and_then(|v| v.replace('_', "").trim().parse::<usize>().ok())
                .filter(|n| *n > 0)
                .unwrap_or(self.default)
        })
    }

    /// What going past this budget is (`more than 10 groups (the limit;
    /// raise it with SPLEVAL_MAX_GROUPS=N)`).
    pub fn message(&self) -> String {
        format!(
            "more than {} {} (the limit; raise it with {}=N)",
            self.get(),
            self.what,
            self.env
        )
    }

    /// The error for `command` going past this budget.
    pub fn exceeded(&self, command: &str) -> SplError {
        SplError::runtime(format!("{command}: {}", self.message()))
    }

    /// Err when `n` is past the limit.
    pub fn check(&self, n: usize, command: &str) -> Result<(), SplError> {
        if n > self.get() {
            Err(self.exceeded(command))
        } else {
            Ok(())
        }
    }
}

/// Values in one multivalue field made by an eval function (`mvappend`,
/// `split`, `mvrange`, …).
pub static VALUES: Budget = Budget::new(
    "SPLEVAL_MAX_VALUES",
    1_000_000,
    "values in one multivalue field",
);

/// Bytes of one string made by an eval function or operator.
pub static STRING: Budget =
    Budget::new("SPLEVAL_MAX_STRING", 64 << 20, "bytes in one string value");

/// Groups of one `stats` (and the commands built on it).
pub static GROUPS: Budget = Budget::new("SPLEVAL_MAX_GROUPS", 10_000_000, "groups");

/// Rows one command holds at once (`sort`, `eventstats`, `streamstats`
/// windows and groups).
pub static ROWS: Budget = Budget::new("SPLEVAL_MAX_ROWS", 20_000_000, "rows held in memory");

/// Estimated bytes of events one search-order buffer or `sort` holds in
/// memory; past it they are sorted into runs on disk and merged at the end
/// (not an error: the budget only bounds memory).
pub static SORT_MEMORY: Budget = Budget::new(
    "SPLEVAL_SORT_MEMORY",
    256 << 20,
    "bytes of events held in memory before sorting on disk",
);
