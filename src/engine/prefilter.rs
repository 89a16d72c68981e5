//! Plans the literal prefilter once from the leading search (the filter
//! itself, run on raw lines, is [`crate::input::prefilter::Prefilter`]).
//!
//! Each required item of the leading search's top-level conjunction
//! (`field=value` with a non-numeric value, or a bare term) contributes the
//! longest literal piece of its value (between `*` wildcards). Fields that
//! the metadata (`source`, `sourcetype`, `host`, `index`, `_time`) or the
//! search-time knowledge can set are never used.

use std::collections::HashSet;

use crate::base::value::parse_number;
use crate::commands::search::SearchCmd;
use crate::input::prefilter::{usable, Prefilter};
use crate::spl::ast::Pipeline;
use crate::spl::search_expr::{CmpOp, SearchExpr};

/// Fields set from outside the JSON line.
const META_FIELDS: &[&str] = &["source", "sourcetype", "host", "index", "_time", "_raw"];

/// The longest usable piece of a value with `*` wildcards.
fn best_piece(text: &str) -> Option<String> {
    text.split('*')
        .filter(|p| usable(p))
        .max_by_key(|p| p.len())
        .map(|p| p.to_ascii_lowercase())
}

fn collect(e: &SearchExpr, excluded: &HashSet<String>, out: &mut Vec<String>) {
    match e {
        SearchExpr::And { items, .. } => {
            for x in items {
                collect(x, excluded, out);
            }
        }
        SearchExpr::Compare {
            field,
            op: CmpOp::Eq,
            value,
            ..
        } => {
            let lower = field.to_ascii_lowercase();
            if excluded.contains(field.as_str())
                || META_FIELDS.contains(&lower.as_str())
                || matches!(
                    lower.as_str(),
                    "earliest" | "latest" | "starttime" | "endtime"
                )
                || value.text == "*"
                || parse_number(&value.text).is_some()
                || value.text.parse::<ipnet::IpNet>().is_ok()
            {
                return;
            }
            out.extend(best_piece(&value.text));
        }
        SearchExpr::Term { value, .. } => {
            if excluded.contains("_raw") || value.text == "*" {
                return;
            }
            out.extend(best_piece(&value.text));
        }
        _ => {}
    }
}

impl Prefilter {
    /// Plans the prefilter for a pipeline whose first command is a search;
    /// `excluded` are the fields something other than the JSON line may set.
    pub fn plan(p: &Pipeline, excluded: &HashSet<String>) -> Option<Prefilter> {
        let first = p.commands.first()?;
        let search = first.cmd.as_any().downcast_ref::<SearchCmd>()?;
        let expr = search.expr.as_ref()?;
        let mut literals = Vec::new();
        collect(expr, excluded, &mut literals);
        Prefilter::from_literals(literals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces() {
        assert_eq!(
            best_piece("*powershell.exe").as_deref(),
            Some("powershell.exe")
        );
        assert_eq!(best_piece("12*34"), None);
        assert_eq!(best_piece("a\"b"), None);
    }
}
