//! `spleval filter`: try a new definition of a detection's `*_filter` macro
//! and see which results it removes and which it keeps.

use std::collections::HashMap;

use crate::app::output;
use crate::base::diag::{ErrorKind, Result, SplError};
use crate::base::event::Event;
use crate::commands::support::pipeline::PlanCtx;
use crate::content::macros::{self, MacroDef, MacroSet};
use crate::content::rules::Detection;
use crate::engine::run;
use crate::input::{Meta, Source};

/// Text for a filter macro's `description` when it has none.
pub const DEFAULT_DESCRIPTION: &str =
    "Update this macro to limit the output results to filter out false positives.";

/// The `*_filter` macro the detection's search calls (the last one, when
/// it calls several).
pub fn filter_macro_name(det: &Detection) -> Result<String> {
    macros::calls(&det.search)
        .into_iter()
        .filter(|(n, a)| *a == 0 && n.ends_with("_filter"))
        .map(|(n, _)| n)
        .next_back()
        .ok_or_else(|| {
            SplError::new(
                ErrorKind::Rule,
                format!(
                    "the search of {} calls no `*_filter` macro",
                    det.path.display()
                ),
            )
            .with_help("spleval filter tries a new definition of the detection's filter macro")
        })
}

/// The two runs compared.
#[derive(Debug)]
pub struct Comparison {
    pub macro_name: String,
    /// The filter macro as it is now (a file's, or the generated `search *`).
    pub current: MacroDef,
    /// The definition tried.
    pub candidate: MacroDef,
    /// Results with the current filter.
    pub before: Vec<Event>,
    /// Results with the current filter that the new one removes.
    pub removed: Vec<Event>,
    /// Results with the new filter that the current one also returns.
    pub kept: Vec<Event>,
    /// Results with the new filter that the current one does not return.
    pub added: Vec<Event>,
    pub returns_events: bool,
}

/// Runs the detection with its filter macro as defined now and with `with`.
pub fn compare(
    det: &Detection,
    macros: &MacroSet,
    with: &str,
    ctx: &PlanCtx,
    sources: &[Source],
    meta: &Meta,
) -> Result<Comparison> {
    let name = filter_macro_name(det)?;
    let current = macros.get(&name, 0).cloned().unwrap_or_else(|| {
        let mut d = MacroDef::adhoc(&name, Vec::new(), macros::DEFAULT_FILTER, "generated");
        d.description = Some(DEFAULT_DESCRIPTION.into());
        d
    });
    let mut candidate = MacroDef::adhoc(&name, Vec::new(), with.trim(), "--with");
    candidate.description = current
        .description
        .clone()
        .filter(|_| current.file.is_some())
        .or_else(|| Some(DEFAULT_DESCRIPTION.into()));
    let mut with_set = macros.clone();
    with_set.insert(candidate.clone());
    // Both runs read the input: keep stdin in memory.
    let sources = sources
        .iter()
        .cloned()
        .map(Source::buffered)
        .collect::<Result<Vec<_>>>()?;
    let (before, returns_events) = run(det, macros, ctx, &sources, meta)?;
    let (after, _) = run(det, &with_set, ctx, &sources, meta)?;

    let mut remaining: HashMap<String, usize> = HashMap::new();
    for r in &after {
        *remaining.entry(row_key(r)).or_default() += 1;
    }
    let mut removed = Vec::new();
    let mut matched: HashMap<String, usize> = HashMap::new();
    for r in &before {
        let k = row_key(r);
        match remaining.get_mut(&k) {
            Some(n) if *n > 0 => {
                *n -= 1;
                *matched.entry(k).or_default() += 1;
            }
            _ => removed.push(r.clone()),
        }
    }
    let mut kept = Vec::new();
    let mut added = Vec::new();
    for r in after {
        let k = row_key(&r);
        match matched.get_mut(&k) {
            Some(n) if *n > 0 => {
                *n -= 1;
                kept.push(r);
            }
            _ => added.push(r),
        }
    }
    Ok(Comparison {
        macro_name: name,
        current,
        candidate,
        before,
        removed,
        kept,
        added,
        returns_events,
    })
}

fn run(
    det: &Detection,
    macros: &MacroSet,
    ctx: &PlanCtx,
    sources: &[Source],
    meta: &Meta,
) -> Result<(Vec<Event>, bool)> {
    let q = run::prepare(det.origin(), macros)?;
    let mut rows = Vec::new();
    let report = q.run(ctx, sources, meta, &mut |ev| {
        rows.push(ev);
        Ok(())
    })?;
    Ok((rows, report.returns_events))
}

fn row_key(ev: &Event) -> String {
    output::to_json(ev).to_string()
}

impl Comparison {
    /// `kept K of N results (removed R)`.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "kept {} of {} results (removed {})",
            self.kept.len(),
            self.before.len(),
            self.removed.len()
        );
        if !self.added.is_empty() {
            s.push_str(&format!(
                "; {} result(s) the current filter removes pass the new one",
                self.added.len()
            ));
        }
        s
    }
}
