//! PCRE-style regexes as SPL uses them (`rex`, `regex`, `match()`, `replace()`):
//! compiled once per pattern and cached, with a backtracking limit so a
//! pathological pattern fails instead of hanging.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

pub use fancy_regex::Regex;

/// Backtracking steps allowed per match attempt (PCRE's default match limit is 10,000,000).
pub const BACKTRACK_LIMIT: usize = 1_000_000;

thread_local! {
    static CACHE: RefCell<HashMap<String, Arc<Regex>>> = RefCell::new(HashMap::new());
}

/// Compiles `pattern` (PCRE syntax: lookarounds, `(?i)`, `(?<name>…)`) or returns
/// the cached compilation. The error text names what is wrong with the pattern.
pub fn compile(pattern: &str) -> Result<Arc<Regex>, String> {
    if let Some(r) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(r);
    }
    let re = fancy_regex::RegexBuilder::new(&translate(pattern))
        .backtrack_limit(BACKTRACK_LIMIT)
        .build()
        .map_err(|e| format!("invalid regex {pattern:?}: {e}"))?;
    let re = Arc::new(re);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 4096 {
            c.clear();
        }
        c.insert(pattern.to_string(), re.clone());
    });
    Ok(re)
}

/// PCRE spellings fancy-regex does not take, rewritten: `(?P=name)` stays,
/// `\Z` → `\z`-like end anchor, possessive quantifiers are not supported and
/// left to fail with a clear error.
fn translate(p: &str) -> String {
    p.replace("\\Z", "$")
}

/// True when `text` matches; a regex runtime error (backtrack limit) counts as no match.
pub fn is_match(re: &Regex, text: &str) -> Result<bool, String> {
    re.is_match(text)
        .map_err(|e| format!("regex evaluation failed: {e}"))
}
