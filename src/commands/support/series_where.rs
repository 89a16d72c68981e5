//! The `<where-clause>` of `chart` and `timechart`'s split-by field:
//! `WHERE <single-agg> (in|notin) (top|bottom)<N>` or
//! `WHERE <single-agg> (<|>) <num>`, which decides the series (split-by
//! values) that get their own column; the others go to `OTHER`.
//!
//! Search Reference, timechart, "where clause": the single aggregation is
//! `count` or `<stats-func>(<field>)`; the default selection is the same as
//! `where sum in top10`. Its examples write the function alone (`WHERE max
//! in top5`, `WHERE sum > 100`): then it applies to each series' cells
//! (the first aggregation's value per row), and `count` is "the total
//! number of events over the period". With a field (`WHERE max(size) >
//! 100`) it aggregates the series' events, as `agg=max(size)` ranks them.

use std::fmt;

use crate::base::span::Span;
use crate::commands::stats::{parse_agg, Agg, AggArg};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

/// Functions that apply to a series' cells when written without a field.
pub const CELL_FUNCS: &[&str] = &["sum", "max", "min", "avg", "mean", "count"];

#[derive(Debug, Clone, serde::Serialize)]
pub struct SeriesWhere {
    pub agg: Agg,
    pub comp: WhereComp,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum WhereComp {
    /// `in topN`, `notin bottomN`, …
    Rank { notin: bool, bottom: bool, n: usize },
    /// `> 100`, `<5`
    Threshold { greater: bool, value: f64 },
}

impl SeriesWhere {
    /// The function to apply to the cells, when the aggregation has no field.
    pub fn cell_func(&self) -> Option<String> {
        self.agg
            .arg
            .is_none()
            .then(|| self.agg.func.to_ascii_lowercase())
    }

    /// Whether a series scoring `score` is kept, `rank` being its place (0
    /// first) when series are sorted by score, largest first.
    pub fn keeps(&self, score: f64, rank: usize, of: usize) -> bool {
        match self.comp {
            WhereComp::Rank { notin, bottom, n } => {
                let place = if bottom { of - 1 - rank } else { rank };
                (place < n) != notin
            }
            WhereComp::Threshold { greater, value } => {
                if greater {
                    score > value
                } else {
                    score < value
                }
            }
        }
    }
}

impl fmt::Display for SeriesWhere {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WHERE {} ", self.agg)?;
        match self.comp {
            WhereComp::Rank { notin, bottom, n } => write!(
                f,
                "{} {}{n}",
                if notin { "notin" } else { "in" },
                if bottom { "bottom" } else { "top" }
            ),
            WhereComp::Threshold { greater, value } => {
                write!(f, "{} {}", if greater { ">" } else { "<" }, value)
            }
        }
    }
}

/// Parses the clause; the input starts after the `WHERE` keyword, whose
/// text begins at `start`.
pub fn parse<'a>(src: &Src<'a>, start: &'a str, i: &'a str) -> PResult<'a, SeriesWhere> {
    let i = ws(i);
    if lex::at_command_end(i) {
        return cut(fail(
            i,
            "expected an aggregation after WHERE, e.g. WHERE max in top5",
        ));
    }
    let (after_name, name) = cut(lex::ident(i))?;
    let (rest, agg) = if after_name.starts_with('(') {
        parse_agg(src, i)?
    } else if CELL_FUNCS.contains(&name.to_ascii_lowercase().as_str()) {
        let agg = Agg {
            func: name.to_string(),
            arg: None,
            alias: None,
            span: src.span(i, after_name),
        };
        (after_name, agg)
    } else {
        return Err(nom::Err::Failure(
            PErr::spanning(
                src.span(i, after_name),
                format!("{name} needs a field here, e.g. {name}(bytes)"),
            )
            .with_help("without a field: count, sum, max, min, avg or mean of the cells"),
        ));
    };
    if let Some(a) = &agg.alias {
        return Err(nom::Err::Failure(PErr::spanning(
            a.span,
            "the WHERE clause's aggregation takes no AS name",
        )));
    }
    if let Some(AggArg::Over { .. }) = &agg.arg {
        return Err(nom::Err::Failure(PErr::spanning(
            agg.span,
            "the WHERE clause takes a single aggregation, not eval(…)",
        )));
    }
    let r = ws(rest);
    let (r, comp) = if let Some(after) = r.strip_prefix('>') {
        threshold(after, true)?
    } else if let Some(after) = r.strip_prefix('<') {
        threshold(after, false)?
    } else {
        let (after, notin) = if let Some(a) = lex::keyword(r, "notin") {
            (a, true)
        } else if let Some(a) = lex::keyword(r, "in") {
            (a, false)
        } else {
            return cut(fail(
                r,
                "expected in, notin, > or < after the WHERE clause's aggregation",
            ));
        };
        let g = ws(after);
        let lower = g.to_ascii_lowercase();
        let (digits, bottom) = if lower.starts_with("top") {
            (&g[3..], false)
        } else if lower.starts_with("bottom") {
            (&g[6..], true)
        } else {
            return cut(fail(g, "expected top<N> or bottom<N>, e.g. top5"));
        };
        let end = digits
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(digits.len());
        let n = digits[..end]
            .parse::<usize>()
            .map_err(|_| nom::Err::Failure(PErr::at(digits, "expected a count, e.g. top5")))?;
        (&digits[end..], WhereComp::Rank { notin, bottom, n })
    };
    Ok((
        r,
        SeriesWhere {
            agg,
            comp,
            span: src.span(start, r),
        },
    ))
}

/// `> 100`, `>100`: the number after the sign.
fn threshold(i: &str, greater: bool) -> PResult<'_, WhereComp> {
    let t = ws(i);
    let end = t
        .find(|c: char| c.is_whitespace() || c == '|' || c == ']')
        .unwrap_or(t.len());
    match t[..end].parse::<f64>() {
        Ok(value) if value.is_finite() => Ok((&t[end..], WhereComp::Threshold { greater, value })),
        _ => cut(fail(
            t,
            "expected a number after the comparison, e.g. > 100",
        )),
    }
}
