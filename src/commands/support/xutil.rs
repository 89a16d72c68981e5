//! Helpers shared by the extraction commands (`rex`, `spath`, `bin`, …):
//! option parsing with exact spans for unknown keys, and option readers.

use crate::base::diag::{Result, SplError};
use crate::commands::support::fields::FieldRef;
use crate::spl::ast::Opt;
use crate::spl::lex::{self, PErr, PResult, Src};

/// Reads one `key=value` option at `i` (after whitespace). Returns None when
/// the input is not an option. An option whose key is not in `allowed` is a
/// parse failure spanning the whole option.
/// `<cmd> [options] <field> [options]`: exactly one field among known
/// options, each option checked by `check` (e.g. [`check_uint`]). Shared by
/// `fromjson`, `mvexpand` and `mvcombine`.
pub fn one_field_and_options<'a>(
    src: &Src<'a>,
    i: &'a str,
    cmd: &str,
    allowed: &[&str],
    check: fn(&Opt) -> std::result::Result<(), nom::Err<PErr>>,
    missing: &str,
) -> PResult<'a, (FieldRef, Vec<Opt>)> {
    let mut rest = lex::ws(i);
    let mut options = Vec::new();
    let mut field = None;
    loop {
        rest = lex::ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        let (r, o) = known_option(src, rest, cmd, allowed)?;
        if let Some(o) = o {
            check(&o)?;
            options.push(o);
            rest = r;
            continue;
        }
        if field.is_some() {
            return lex::cut(lex::fail(rest, format!("{cmd} takes one field")));
        }
        let (r, f) = crate::commands::support::fields::field_ref(src, rest)?;
        field = Some(f);
        rest = r;
    }
    match field {
        Some(f) => Ok((rest, (f, options))),
        None => lex::cut(lex::fail(rest, missing.to_string())),
    }
}

/// An option check that accepts anything.
pub fn any_value(_: &Opt) -> std::result::Result<(), nom::Err<PErr>> {
    Ok(())
}

pub fn known_option<'a>(
    src: &Src<'a>,
    i: &'a str,
    cmd: &str,
    allowed: &[&str],
) -> PResult<'a, Option<Opt>> {
    let i = lex::ws(i);
    let (rest, o) = match lex::option(i, src) {
        Some(x) => x,
        None => match bare_punct_option(src, i) {
            Some(x) => x,
            None => return Ok((i, None)),
        },
    };
    if !allowed.iter().any(|k| k.eq_ignore_ascii_case(&o.key)) {
        return Err(nom::Err::Failure(
            PErr::spanning(o.span, format!("unknown {cmd} option '{}'", o.key))
                .with_help(format!("{cmd} options: {}", allowed.join(", "))),
        ));
    }
    Ok((rest, Some(o)))
}

/// `<cmd> <option>=<value>…` and nothing else (`concurrency`, `gentimes`,
/// `reltime`): `check` validates each option; anything that is not an
/// option is an error saying `takes`.
pub fn only_options<'a>(
    src: &Src<'a>,
    i: &'a str,
    cmd: &str,
    allowed: &[&str],
    takes: &str,
    check: impl Fn(&Opt) -> std::result::Result<(), nom::Err<PErr>>,
) -> PResult<'a, Vec<Opt>> {
    let mut rest = lex::ws(i);
    let mut options = Vec::new();
    loop {
        rest = lex::ws(rest);
        if lex::at_command_end(rest) {
            return Ok((rest, options));
        }
        let (r, o) = known_option(src, rest, cmd, allowed)?;
        let Some(o) = o else {
            return lex::cut(lex::fail(rest, takes));
        };
        check(&o)?;
        options.push(o);
        rest = r;
    }
}

/// `<cmd> [options] [field[,] …]` with options and fields in any order
/// (`fillnull`, `addtotals`); `check` validates each known option's value.
pub fn options_and_fields<'a>(
    src: &Src<'a>,
    i: &'a str,
    cmd: &str,
    allowed: &[&str],
    check: &dyn Fn(&Opt) -> std::result::Result<(), nom::Err<PErr>>,
) -> PResult<'a, (Vec<Opt>, Vec<FieldRef>)> {
    let mut rest = lex::ws(i);
    let mut options = Vec::new();
    let mut fields = Vec::new();
    loop {
        rest = lex::ws(rest);
        if let Some(r) = rest.strip_prefix(',') {
            rest = lex::ws(r);
        }
        if lex::at_command_end(rest) {
            break;
        }
        let (r, o) = known_option(src, rest, cmd, allowed)?;
        if let Some(o) = o {
            check(&o)?;
            options.push(o);
            rest = r;
            continue;
        }
        let (r, f) = crate::commands::support::fields::field_ref(src, rest)?;
        fields.push(f);
        rest = r;
    }
    Ok((rest, (options, fields)))
}

/// `key=,` or `key=)`: an unquoted value made of characters that end ordinary
/// option values (`makemv delim=, x`). The value runs to whitespace.
fn bare_punct_option<'a>(src: &Src<'a>, i: &'a str) -> Option<(&'a str, Opt)> {
    let (r, key) = lex::ident(i).ok()?;
    let r = lex::ws(r).strip_prefix('=')?;
    if r.starts_with('=') {
        return None;
    }
    let r = lex::ws(r);
    let end = r
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || *c == '|')
        .map(|(n, _)| n)
        .unwrap_or(r.len());
    if end == 0 {
        return None;
    }
    let rest = &r[end..];
    Some((
        rest,
        Opt {
            key: key.to_string(),
            value: r[..end].to_string(),
            quoted: true,
            span: src.span(i, rest),
        },
    ))
}

/// The last option named `key` (case-insensitive).
pub fn get<'o>(opts: &'o [Opt], key: &str) -> Option<&'o Opt> {
    opts.iter().rev().find(|o| o.key.eq_ignore_ascii_case(key))
}

pub fn opt_bool(opts: &[Opt], key: &str, default: bool) -> Result<bool> {
    match get(opts, key) {
        None => Ok(default),
        Some(o) => o
            .as_bool()
            .ok_or_else(|| SplError::plan(format!("{key} must be true or false")).at(o.span)),
    }
}

pub fn opt_uint(opts: &[Opt], key: &str) -> Result<Option<u64>> {
    match get(opts, key) {
        None => Ok(None),
        Some(o) => o.value.trim().parse::<u64>().map(Some).map_err(|_| {
            SplError::plan(format!("{key} must be a whole number (got {:?})", o.value)).at(o.span)
        }),
    }
}

/// Checks a boolean option at parse time (so the error is a parse error with its span).
pub fn check_bool(o: &Opt) -> std::result::Result<(), nom::Err<PErr>> {
    if o.as_bool().is_none() {
        return Err(nom::Err::Failure(PErr::spanning(
            o.span,
            format!("{} must be true or false", o.key),
        )));
    }
    Ok(())
}

/// Checks a whole-number option at parse time.
pub fn check_uint(o: &Opt) -> std::result::Result<u64, nom::Err<PErr>> {
    o.value.trim().parse::<u64>().map_err(|_| {
        nom::Err::Failure(PErr::spanning(
            o.span,
            format!("{} must be a whole number", o.key),
        ))
    })
}

/// A parse failure at a span.
pub fn fail_at<T>(span: crate::spl::ast::Span, msg: impl Into<String>) -> PResult<'static, T> {
    Err(nom::Err::Failure(PErr::spanning(span, msg)))
}

/// Prints options as ` k=v k=v` (leading space per option).
pub fn print_opts(f: &mut std::fmt::Formatter<'_>, opts: &[Opt]) -> std::fmt::Result {
    for o in opts {
        write!(f, " {o}")?;
    }
    Ok(())
}

/// A field given as an option value (`field=x`, `input=x`), with the option's span.
pub fn opt_field(o: &Opt) -> FieldRef {
    FieldRef {
        name: o.value.clone(),
        span: o.span,
    }
}

/// Splunk's key cleaning for extracted names: characters other than letters,
/// digits and `_` become `_`; leading underscores are dropped.
pub fn clean_key(k: &str) -> String {
    let s: String = k
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let t = s.trim_start_matches('_');
    if t.is_empty() {
        s
    } else {
        t.to_string()
    }
}

/// Field names in an event matching wildcard patterns, in event order
/// (internal `_` fields only when the pattern itself starts with `_`).
pub fn matching_fields(ev: &crate::base::event::Event, patterns: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in patterns {
        if p.contains('*') {
            for n in ev.names() {
                if n.starts_with('_') && !p.starts_with('_') {
                    continue;
                }
                if crate::commands::support::fields::wildcard_captures(p, n).is_some()
                    && !out.iter().any(|o| o == n)
                {
                    out.push(n.to_string());
                }
            }
        } else if !out.contains(p) {
            out.push(p.clone());
        }
    }
    out
}
