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

use crate::commands::support::pipeline::PlanCtx;
use crate::commands::tstats::TstatsCmd;
use crate::input::projection::Projection;
use crate::spl::ast::Pipeline;
use crate::spl::fields::Flow;

/// [`plan`], knowing the data models: a leading `tstats` over a data model
/// reads only what its view fields and the datasets' constraints need.
pub fn plan_with(p: &Pipeline, ctx: &PlanCtx) -> Option<Projection> {
    let first = p.commands.first()?;
    if let Some(t) = first.cmd.as_any().downcast_ref::<TstatsCmd>() {
        if !first.cmd.subsearches().is_empty() {
            return None;
        }
        let names: HashSet<String> = t.input_fields(ctx)?.into_iter().collect();
        return Some(Projection {
            raw: names.contains("_raw"),
            names,
            time: true,
        });
    }
    plan(p)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn proj(spl: &str) -> Option<Projection> {
        plan(&crate::commands::parse_pipeline(spl).unwrap())
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
        // Streaming commands that read named fields and pass the rest on.
        assert_eq!(
            names(r#"a=1 | rex field=m "(?<u>x)" | eventstats count by g | stats count by u"#),
            ["a", "g", "m", "u"]
        );
        assert_eq!(
            names("a=1 | lookup t k AS ek OUTPUT v AS ev | top limit=2 ev by h"),
            ["a", "ek", "ev", "h"]
        );
        assert_eq!(names("a=1 | timechart count by h"), ["_time", "a", "h"]);
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
            "a=1 | fillnull | stats count by b",
            "a=1 | rex \"(?<u>x)\" | table *",
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
