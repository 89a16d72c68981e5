//! Which fields a command or expression reads: each command states its
//! [`Flow`], and the helpers here read it off eval and search expressions.
//! The engine uses this to plan which input fields a search needs.

use super::expr::Expr;
use super::search_expr::SearchExpr;

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
/// when it may read any field (a wildcard field name, a subsearch whose
/// rows' fields cannot be told from its text: see [`returned_fields`]).
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
        // `field>[ … ]`: the subsearch's text is read as search text, which
        // may name any field.
        SearchExpr::Subsearch { cmp: Some(_), .. } => false,
        SearchExpr::Subsearch { pipeline, .. } => match returned_fields(pipeline) {
            Some(names) => {
                out.extend(names);
                true
            }
            None => false,
        },
    }
}

/// The fields the rows of a pipeline can hold, when its text tells: it ends
/// in a command that builds its rows from named columns (`table a b`,
/// `stats … by x`, `tstats`), followed only by commands that drop or reorder
/// rows without setting fields (`head`, `sort`, `dedup`, `search`, `where`,
/// `fields a`). A subsearch's rows become a search on those fields, so this
/// is what a search with that subsearch reads; a column named `search` or
/// `query` becomes search terms, which read `_raw`.
pub fn returned_fields(p: &super::ast::Pipeline) -> Option<Vec<String>> {
    use super::ast::CommandKind;
    const FILTERS: [&str; 9] = [
        "head", "tail", "sort", "dedup", "search", "where", "fields", "reverse", "uniq",
    ];
    let at = p
        .commands
        .iter()
        .rposition(|n| !FILTERS.contains(&n.cmd.name()) || !n.cmd.subsearches().is_empty())?;
    let anchor = &p.commands[at];
    let builds = anchor.cmd.name() == "table" || anchor.cmd.kind() == CommandKind::Transforming;
    if !builds {
        return None;
    }
    let mut cols = anchor.cmd.columns(None)?;
    if cols.iter().any(|c| c.contains('*')) {
        return None;
    }
    if cols
        .iter()
        .any(|c| c.eq_ignore_ascii_case("search") || c.eq_ignore_ascii_case("query"))
    {
        cols.push("_raw".into());
    }
    Some(cols)
}
