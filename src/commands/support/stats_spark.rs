//! The aggregation forms that work per time bucket: parsing and printing
//! `sparkline(<func>[(<field>)][, <span>])`, and the error for timechart's
//! `per_second` … `per_day` elsewhere.

use std::fmt;

use super::fields::field_ref;
use super::stats_support::parse_timespan;
use crate::base::diag::SplError;
use crate::commands::stats::AggArg;
use crate::functions::stats;
use crate::spl::lex::{self, cut, ws, PErr, PResult, Src};

/// The inside of a sparkline's parentheses, `dc(device),5m`, as written
/// back (no space before the span, as the pages write it).
pub(crate) struct SparkText<'a>(pub(crate) &'a AggArg);

impl fmt::Display for SparkText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let AggArg::Spark {
            func,
            field,
            bucket,
        } = self.0
        {
            f.write_str(func)?;
            if let Some(x) = field {
                write!(f, "({x})")?;
            }
            if let Some(b) = bucket {
                write!(f, ",{b}")?;
            }
        }
        Ok(())
    }
}

/// Parses the inside of `sparkline(…)` (the input starts after the `(`) up
/// to and with the closing `)`: Search Reference, stats, "sparkline-agg":
/// `sparkline(count(<wc-field>), <span-length>)` or
/// `sparkline(<sparkline-func>(<wc-field>), <span-length>)`, the span
/// optional, and only `count` without a field.
pub(crate) fn parse_spark<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, AggArg> {
    let inner = ws(i);
    let (r, func) = cut(lex::ident(inner))?;
    if !stats::sparkline_func(func) {
        return Err(nom::Err::Failure(
            PErr::spanning(
                src.span(inner, r),
                format!("'{func}' is not a sparkline function"),
            )
            .with_help(format!(
                "sparkline(<func>(<field>)[, <span>]) takes one of {}",
                stats::SPARKLINE_FUNCS.join(", ")
            )),
        ));
    }
    let mut r = ws(r);
    let field = if let Some(f) = r.strip_prefix('(') {
        let (after, x) = cut(field_ref(src, ws(f)))?;
        let (after, _) = cut(lex::expect_char(after, ')'))?;
        r = ws(after);
        Some(x)
    } else {
        if !matches!(func.to_ascii_lowercase().as_str(), "count" | "c") {
            return Err(nom::Err::Failure(PErr::spanning(
                src.span(inner, r),
                format!(
                    "sparkline({func}) needs a field: sparkline({func}(<field>)); only count \
                     goes without one"
                ),
            )));
        }
        None
    };
    let bucket = if let Some(after) = r.strip_prefix(',') {
        let text_start = ws(after);
        let len = text_start
            .find(|c: char| c == ')' || c == ',' || c.is_whitespace())
            .unwrap_or(text_start.len());
        let (text, rest) = text_start.split_at(len);
        let at = src.span(text_start, rest);
        let span = parse_timespan(text)
            .map_err(|m| nom::Err::Failure(PErr::spanning(at, format!("sparkline span: {m}"))))?;
        if span.fixed_secs().is_none() {
            return Err(nom::Err::Failure(PErr::spanning(
                at,
                format!(
                    "sparkline span: '{text}' is not of fixed length; use seconds, minutes, \
                     hours, days or weeks"
                ),
            )));
        }
        r = ws(rest);
        Some(span)
    } else {
        None
    };
    let (r, _) = cut(lex::expect_char(r, ')'))?;
    Ok((
        r,
        AggArg::Spark {
            func: func.to_string(),
            field,
            bucket,
        },
    ))
}

/// The error for `per_second` … `per_day` outside timechart.
pub(crate) fn per_unit_refused(func: &str) -> SplError {
    SplError::plan(format!(
        "{func}() runs in timechart only: it divides by the width of timechart's time bucket"
    ))
    .with_help("outside timechart, compute sum(<field>) and divide it with eval")
}
