//! Plans the literal prefilter once from the leading command (the filter
//! itself, run on raw lines, is [`crate::input::prefilter::Prefilter`]).
//!
//! Each required item of the top-level conjunction of the leading search
//! (or of a leading `tstats … where`, its data model fields mapped to the
//! event fields they are copied from) contributes the longest literal piece
//! of its value (between `*` wildcards): `field=value`, or a bare term.
//! A number counts like any other value: `=` compares the value's text
//! (`EventID=4104` does not match `4104.0` or `4.104e3`, as the Search
//! Reference says of `=`, and as Splunk, which looks the term `4104` up in
//! the raw text before it extracts fields), so a line without the digits
//! cannot match. A field the metadata sets (`source`, `host`, …)
//! is never used; a field the search-time knowledge derives only when the
//! knowledge cuts it from the record's own text
//! ([`Knowledge::text_visible`]): `process_name=whoami.exe` keeps the lines
//! that contain `whoami.exe`, since `process_name` is the end of `Image`.

use crate::commands::search::SearchCmd;
use crate::commands::support::pipeline::PlanCtx;
use crate::commands::tstats::TstatsCmd;
use crate::content::knowledge::Knowledge;
use crate::input::prefilter::{is_integer, usable, Prefilter};
use crate::spl::ast::Pipeline;
use crate::spl::search_expr::{CmpOp, SearchExpr};

/// Fields set from outside the JSON line.
const META_FIELDS: &[&str] = &["source", "sourcetype", "host", "index", "_time", "_raw"];

/// The longest usable piece of a value with `*` wildcards. An integer is
/// usable only as the whole value of a field (`whole_value`).
fn best_piece(text: &str, whole_value: bool) -> Option<String> {
    // Shorter integers (Sysmon's `EventID=1`) are in nearly every line.
    let whole_integer = whole_value
        && !text.contains('*')
        && is_integer(text)
        && text.trim_start_matches('-').len() >= 3;
    text.split('*')
        .filter(|p| usable(p) && (whole_integer || !is_integer(p)))
        .max_by_key(|p| p.len())
        .map(|p| p.to_ascii_lowercase())
}

/// Where the conjuncts' fields come from.
struct Fields<'a> {
    knowledge: &'a Knowledge,
    /// Maps a field of the conjunction to the event field it is copied
    /// from (None: it is computed, not copied); identity for a search.
    map: &'a dyn Fn(&str) -> Option<String>,
    /// Bare terms are looked for in `_raw` (a search, not a tstats view).
    terms: bool,
}

fn collect(e: &SearchExpr, fields: &Fields<'_>, out: &mut Vec<String>) {
    match e {
        SearchExpr::And { items, .. } => {
            for x in items {
                collect(x, fields, out);
            }
        }
        SearchExpr::Compare {
            field,
            op: CmpOp::Eq | CmpOp::Indexed,
            value,
            ..
        } => {
            let Some(field) = (fields.map)(field) else {
                return;
            };
            let lower = field.to_ascii_lowercase();
            if META_FIELDS.contains(&lower.as_str())
                || crate::spl::search_expr::time_modifier(&lower).is_some()
                || value.text == "*"
                || value.text.parse::<ipnet::IpNet>().is_ok()
            {
                return;
            }
            if let Some(piece) = best_piece(&value.text, true) {
                if fields.knowledge.text_visible(&field, &piece) {
                    out.push(piece);
                }
            }
        }
        SearchExpr::Term { value, .. } => {
            if !fields.terms || value.text == "*" {
                return;
            }
            if let Some(piece) = best_piece(&value.text, false) {
                if fields.knowledge.text_visible("_raw", &piece) {
                    out.push(piece);
                }
            }
        }
        _ => {}
    }
}

impl Prefilter {
    /// Plans the prefilter for a pipeline whose first command is a search or
    /// a tstats with a `where` clause; `knowledge` is what is applied to the
    /// events read.
    pub fn plan(p: &Pipeline, ctx: &PlanCtx, knowledge: &Knowledge) -> Option<Prefilter> {
        let first = p.commands.first()?;
        let mut literals = Vec::new();
        if let Some(search) = first.cmd.as_any().downcast_ref::<SearchCmd>() {
            let fields = Fields {
                knowledge,
                map: &|f| Some(f.to_string()),
                terms: true,
            };
            collect(search.expr.as_ref()?, &fields, &mut literals);
        } else if let Some(t) = first.cmd.as_any().downcast_ref::<TstatsCmd>() {
            let w = t.where_.as_ref()?;
            let view = t.view(ctx);
            let map = |f: &str| match &view {
                // The view computes `nodename` from the datasets matched.
                Some(_) if f == "nodename" => None,
                Some(v) if v.is_view_field(f) => v.source_field(f).map(str::to_string),
                _ => Some(f.to_string()),
            };
            let fields = Fields {
                knowledge,
                map: &map,
                terms: false,
            };
            collect(w, &fields, &mut literals);
        }
        Prefilter::from_literals(literals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces() {
        assert_eq!(
            best_piece("*powershell.exe", true).as_deref(),
            Some("powershell.exe")
        );
        assert_eq!(best_piece("12*34", true), None);
        assert_eq!(best_piece("a\"b", true), None);
        // An integer only as a field's whole value.
        assert_eq!(best_piece("4104", true).as_deref(), Some("4104"));
        assert_eq!(best_piece("-4104", true).as_deref(), Some("-4104"));
        assert_eq!(best_piece("-5", true), None);
        assert_eq!(best_piece("4104", false), None);
        assert_eq!(best_piece("41*", true), None);
        assert_eq!(best_piece("4104.5", true), None);
        assert_eq!(best_piece("1e3", true), None);
    }
}
