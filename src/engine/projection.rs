//! Which input fields a search reads, planned once before any event is read,
//! so the NDJSON reader materializes only those (see [`crate::input::jsonscan`]).
//!
//! Each command says how fields flow through it ([`Flow`]); the planner walks
//! the pipeline backwards from its output. A search that returns events shows
//! every field, so it needs them all; `stats count by a b` needs only what
//! `stats` reads, whatever came before it reads too. Any command that cannot
//! say (the default) makes the whole event needed. The answer is only ever a
//! superset of what the search looks at, so results do not change.

use std::collections::HashSet;

use crate::spl::ast::Pipeline;
use crate::spl::expr::Expr;
use crate::spl::search_expr::SearchExpr;

/// How a command uses the fields of the rows it receives.
#[derive(Debug, Clone, PartialEq)]
pub enum Flow {
    /// It may read any field, or pass every field on in a way we do not track.
    Any,
    /// It reads these fields and passes the others through unchanged
    /// (`search`, `where`, `eval`, `sort`).
    Reads(Vec<String>),
    /// Its output rows are built only from these input fields (`stats`, `table`).
    Replaces(Vec<String>),
}

impl Flow {
    /// A flow over names that may hold wildcards (`*`): any wildcard → [`Flow::Any`].
    pub fn reads(names: impl IntoIterator<Item = String>) -> Flow {
        checked(names).map_or(Flow::Any, Flow::Reads)
    }
    pub fn replaces(names: impl IntoIterator<Item = String>) -> Flow {
        checked(names).map_or(Flow::Any, Flow::Replaces)
    }
}

fn checked(names: impl IntoIterator<Item = String>) -> Option<Vec<String>> {
    let v: Vec<String> = names.into_iter().collect();
    if v.iter().any(|n| n.contains('*')) {
        None
    } else {
        Some(v)
    }
}

/// The fields a search needs from each input event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Projection {
    /// Field names as the search writes them (`status.errorCode`, `tags{}`).
    pub names: HashSet<String>,
    /// `_time` (and the timestamp fields it comes from) is needed.
    pub time: bool,
    /// `_raw` is needed.
    pub raw: bool,
}

impl Projection {
    /// Whether a top-level JSON key is needed: a field with that name, or a
    /// flattened field under it (`status` for `status.errorCode`, `tags` for `tags{}`).
    pub fn wants_key(&self, key: &str) -> bool {
        if self.names.contains(key) {
            return true;
        }
        self.names.iter().any(|n| {
            n.len() > key.len()
                && n.starts_with(key)
                && matches!(n.as_bytes()[key.len()], b'.' | b'{')
        })
    }
}

/// The projection of a pipeline, or None when it needs whole events.
///
/// Events flow only up to the first command that builds new rows
/// ([`Flow::Replaces`]); what comes after it sees those rows, not events.
/// So the events need what the commands up to there read, and nothing
/// else; without such a command the search returns events, whole.
pub fn plan(p: &Pipeline) -> Option<Projection> {
    let mut need: HashSet<String> = HashSet::new();
    let mut time = false;
    for node in &p.commands {
        if node.cmd.needs_time_order() {
            time = true;
        }
        if !node.cmd.subsearches().is_empty() || node.cmd.reads_input_again() {
            return None;
        }
        match node.cmd.field_flow() {
            Flow::Any => return None,
            Flow::Reads(names) => need.extend(names),
            Flow::Replaces(names) => {
                need.extend(names);
                let raw = need.contains("_raw");
                time |= need.contains("_time");
                return Some(Projection {
                    names: need,
                    time,
                    raw,
                });
            }
        }
    }
    None
}

/// Adds the fields an eval expression reads; false when it may read any field.
pub fn expr_fields(e: &Expr, out: &mut Vec<String>) -> bool {
    match e {
        Expr::Num { .. } | Expr::Str { .. } => true,
        Expr::Field { name, .. } => {
            out.push(name.clone());
            true
        }
        Expr::Call { name, args, .. } => {
            // These look fields up by names computed at run time.
            if matches!(name.to_ascii_lowercase().as_str(), "searchmatch" | "spath") {
                return false;
            }
            args.iter().all(|a| expr_fields(a, out))
        }
        Expr::Unary { expr, .. } => expr_fields(expr, out),
        Expr::Binary { left, right, .. } => expr_fields(left, out) && expr_fields(right, out),
        Expr::In { expr, list, .. } => {
            expr_fields(expr, out) && list.iter().all(|a| expr_fields(a, out))
        }
    }
}

/// The flow of commands whose only field use is their eval expressions.
pub fn exprs_flow(exprs: &[&Expr], extra: impl IntoIterator<Item = String>) -> Flow {
    let mut v: Vec<String> = extra.into_iter().collect();
    for e in exprs {
        if !expr_fields(e, &mut v) {
            return Flow::Any;
        }
    }
    Flow::reads(v)
}

/// Adds the fields a search expression reads (`_raw` for bare terms); false
/// when it may read any field (a subsearch, a wildcard field name).
pub fn search_fields(e: &SearchExpr, out: &mut Vec<String>) -> bool {
    match e {
        SearchExpr::And { items, .. } | SearchExpr::Or { items, .. } => {
            items.iter().all(|x| search_fields(x, out))
        }
        SearchExpr::Not { expr, .. } => search_fields(expr, out),
        SearchExpr::Compare { field, .. } | SearchExpr::In { field, .. } => {
            if field.contains('*') {
                return false;
            }
            // `earliest=`/`latest=` compare `_time`.
            let lower = field.to_ascii_lowercase();
            if matches!(
                lower.as_str(),
                "earliest" | "latest" | "_index_earliest" | "_index_latest"
            ) {
                out.push("_time".into());
            }
            out.push(field.clone());
            true
        }
        SearchExpr::Term { .. } => {
            // A bare term looks in `_raw`, or in every value when there is none.
            out.push("_raw".into());
            true
        }
        SearchExpr::Subsearch { .. } => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proj(spl: &str) -> Option<Projection> {
        plan(&crate::spl::parse_pipeline(spl).unwrap())
    }

    fn names(spl: &str) -> Vec<String> {
        let mut v: Vec<String> = proj(spl).expect(spl).names.into_iter().collect();
        v.sort();
        v
    }

    #[test]
    fn transforming_searches_need_only_what_they_read() {
        assert_eq!(
            names("EventID=1 Image=\"*powershell.exe\" | stats count by Hostname ParentImage"),
            ["EventID", "Hostname", "Image", "ParentImage"]
        );
        assert_eq!(
            names("x=1 | eval n=len(y) | where n > 3 | stats max(n) as m by h"),
            ["h", "n", "x", "y"]
        );
        assert_eq!(
            names("a=1 | rename b as c | table c d"),
            ["a", "b", "c", "d"]
        );
        // Commands after stats see its rows, not the events.
        assert_eq!(names("a=1 | stats count by b | eval z=q"), ["a", "b"]);
        assert_eq!(
            names("a=1 | stats count by b | lookup l b OUTPUT c"),
            ["a", "b"]
        );
        let p = proj("a=1 | stats count by _time").unwrap();
        assert!(p.time && !p.raw);
        // Bare terms look in _raw.
        assert!(proj("powershell | stats count").unwrap().raw);
        // Order-sensitive commands need the time order.
        assert!(proj("a=1 | dedup b | stats count").unwrap().time);
    }

    #[test]
    fn whole_events_when_unsure() {
        for spl in [
            "a=1",
            "a=1 | eval x=2",
            "a=1 | table *",
            "a=1 | stats values(*) as *",
            "a=1 | spath input=x | stats count by y",
            "a=1 | eval t=searchmatch(\"b=2\") | stats count by t",
            "a=1 [search b=2 | fields c] | stats count",
            "*Name=x | stats count",
        ] {
            assert_eq!(proj(spl), None, "{spl}");
        }
    }

    #[test]
    fn keys_that_hold_wanted_fields() {
        let p = proj("a=1 | stats count by status.errorCode tags{}").unwrap();
        assert!(p.wants_key("status") && p.wants_key("tags") && p.wants_key("a"));
        assert!(!p.wants_key("stat") && !p.wants_key("b"));
    }

    #[test]
    fn commands_after_the_row_builder_do_not_widen_the_input() {
        // security_content searches end in a filter macro (`search *`) after stats.
        assert_eq!(
            names("search EventCode=1 | stats count by host | search count>1 | eval x=count*2"),
            ["EventCode", "host"]
        );
        assert_eq!(
            names("search a=1 | stats count by b | fillnull value=0"),
            ["a", "b"]
        );
        // An untracked command before the row builder may read anything.
        assert_eq!(
            proj("search a=1 | fillnull value=0 | stats count by b"),
            None
        );
    }
}
