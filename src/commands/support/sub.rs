//! Pieces shared by the lookup and multi-search commands (`lookup`,
//! `inputlookup`, `outputlookup`, `join`, `append`, `appendpipe`, `rest`):
//! option lists with checked names and values, `[subsearch]` arguments, and
//! running a subsearch with a command's own result cap.

use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::commands::support::pipeline::PlanCtx;
use crate::spl::ast::{Opt, Pipeline, Span};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

/// What values an option takes.
#[derive(Clone, Copy)]
pub enum OptKind {
    Bool,
    /// A whole number ≥ 0.
    Uint,
    /// Any text.
    Text,
}

/// Reads `key=value` options while they come, checking names and values.
/// A `key=value` whose key is not in `known` is an error at its span.
pub fn options<'a>(
    src: &Src<'a>,
    i: &'a str,
    cmd: &str,
    known: &[(&str, OptKind)],
) -> PResult<'a, Vec<Opt>> {
    let mut out = Vec::new();
    let mut rest = ws(i);
    while let Some((r, o)) = lex::option(rest, src) {
        check_option(&o, cmd, known)?;
        out.push(o);
        rest = ws(r);
    }
    Ok((rest, out))
}

/// Checks one option against the command's known options.
pub fn check_option(
    o: &Opt,
    cmd: &str,
    known: &[(&str, OptKind)],
) -> std::result::Result<(), nom::Err<PErr>> {
    let key = o.key.to_ascii_lowercase();
    let Some((_, kind)) = known.iter().find(|(k, _)| *k == key) else {
        let names: Vec<&str> = known.iter().map(|(k, _)| *k).collect();
        return Err(nom::Err::Failure(
            PErr::spanning(o.span, format!("unknown {cmd} option '{}'", o.key))
                .with_help(format!("{cmd} options: {}", names.join(", "))),
        ));
    };
    let ok = match kind {
        OptKind::Bool => o.as_bool().is_some(),
        OptKind::Uint => o.value.parse::<u64>().is_ok(),
        OptKind::Text => true,
    };
    if !ok {
        let what = match kind {
            OptKind::Bool => "true or false",
            _ => "a whole number",
        };
        return Err(nom::Err::Failure(PErr::spanning(
            o.span,
            format!("{cmd} option {} must be {what}", o.key),
        )));
    }
    Ok(())
}

/// The value of a boolean option (last one wins), or the default.
pub fn opt_bool(opts: &[Opt], key: &str, default: bool) -> bool {
    opts.iter()
        .rev()
        .find(|o| o.key.eq_ignore_ascii_case(key))
        .and_then(Opt::as_bool)
        .unwrap_or(default)
}

/// The value of a whole-number option (last one wins), or the default.
pub fn opt_uint(opts: &[Opt], key: &str, default: u64) -> u64 {
    opts.iter()
        .rev()
        .find(|o| o.key.eq_ignore_ascii_case(key))
        .and_then(|o| o.value.parse().ok())
        .unwrap_or(default)
}

/// The value of a text option, if given.
pub fn opt_text<'o>(opts: &'o [Opt], key: &str) -> Option<&'o str> {
    opts.iter()
        .rev()
        .find(|o| o.key.eq_ignore_ascii_case(key))
        .map(|o| o.value.as_str())
}

pub fn print_opts(f: &mut std::fmt::Formatter<'_>, opts: &[Opt]) -> std::fmt::Result {
    for o in opts {
        write!(f, " {o}")?;
    }
    Ok(())
}

/// `<command> [<option>=<value>]… [subsearch]`: the syntax of `append` and
/// `appendcols`, which differ only in what they do with the rows.
#[derive(Debug)]
pub struct OptsAndSub {
    pub options: Vec<Opt>,
    pub sub: Pipeline,
    pub sub_span: Span,
}

impl OptsAndSub {
    pub fn parse<'a>(
        src: &Src<'a>,
        i: &'a str,
        cmd: &str,
        known: &[(&str, OptKind)],
    ) -> PResult<'a, OptsAndSub> {
        let (rest, options) = options(src, i, cmd, known)?;
        let (rest, (sub, sub_span)) = subsearch(src, rest, cmd)?;
        Ok((
            rest,
            OptsAndSub {
                options,
                sub,
                sub_span,
            },
        ))
    }

    /// Prints the command back: `cmd opts [subsearch]`.
    pub fn print(&self, f: &mut std::fmt::Formatter<'_>, cmd: &str) -> std::fmt::Result {
        f.write_str(cmd)?;
        print_opts(f, &self.options)?;
        write!(f, " [{}]", self.sub)
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "subsearch": self.sub.to_json() })
    }

    /// The subsearch's rows (at most `maxout=`, else `default_maxout`); an
    /// error points at the subsearch.
    pub fn rows(&self, ctx: &PlanCtx, default_maxout: u64, cmd: &str) -> Result<Vec<Event>> {
        let maxout = opt_uint(&self.options, "maxout", default_maxout) as usize;
        run_subsearch(ctx, &self.sub, maxout, cmd).map_err(|e| e.at(self.sub_span))
    }
}

/// A `[subsearch]` argument. Returns the pipeline and the span of the brackets.
pub fn subsearch<'a>(src: &Src<'a>, i: &'a str, cmd: &str) -> PResult<'a, (Pipeline, Span)> {
    let start = ws(i);
    let Some(body) = start.strip_prefix('[') else {
        return cut(fail(start, format!("{cmd} needs a [subsearch]")));
    };
    let (rest, p) = crate::spl::parser::bracketed(src, body)?;
    Ok((rest, (p, src.span(start, rest))))
}

/// A `[subpipeline]` whose first command is a command, not a search
/// expression (`appendpipe [stats count by host]`); a leading `|` is allowed.
pub fn subpipeline<'a>(src: &Src<'a>, i: &'a str, cmd: &str) -> PResult<'a, (Pipeline, Span)> {
    let start = ws(i);
    let Some(body) = start.strip_prefix('[') else {
        return cut(fail(start, format!("{cmd} needs a [subpipeline]")));
    };
    let body = ws(body);
    let (rest, p) = if body.starts_with('|') {
        cut(crate::spl::parser::pipeline(src, body, true))?
    } else {
        if body.starts_with(']') {
            return cut(fail(
                body,
                format!("{cmd} needs commands in its [subpipeline]"),
            ));
        }
        let (r, first) = cut(crate::spl::parser::command(src, body))?;
        let r = ws(r);
        let mut commands = vec![first];
        let r = if r.starts_with('|') {
            let (r2, more) = cut(crate::spl::parser::pipeline(src, r, true))?;
            commands.extend(more.commands);
            r2
        } else {
            r
        };
        let span = commands[0].span.to(commands[commands.len() - 1].span);
        (r, Pipeline { commands, span })
    };
    let r = ws(rest);
    let Some(rest) = r.strip_prefix(']') else {
        return cut(fail(r, "expected ']' to close the subpipeline"));
    };
    Ok((rest, (p, src.span(start, rest))))
}

/// Runs a subsearch over the main search's input, keeping at most `maxout`
/// results (0: no cap) with a warning when some are dropped.
pub fn run_subsearch(ctx: &PlanCtx, p: &Pipeline, maxout: usize, cmd: &str) -> Result<Vec<Event>> {
    let Some(runner) = &ctx.subsearch else {
        return Err(SplError::plan(format!(
            "{cmd}: subsearches cannot run here (no input to run them over)"
        )));
    };
    let mut rows = runner(p, ctx)?;
    if maxout > 0 && rows.len() > maxout {
        eprintln!(
            "warning: {cmd} subsearch returned {} results; only the first {maxout} are used (Splunk's maxout)",
            rows.len()
        );
        rows.truncate(maxout);
    }
    Ok(rows)
}

/// A name argument (lookup table, file): a quoted string or a run of
/// characters up to a space, `|`, `]` or `,`.
pub fn name_arg<'a>(
    src: &Src<'a>,
    i: &'a str,
    what: &str,
) -> PResult<'a, crate::commands::support::fields::FieldRef> {
    let i = ws(i);
    if lex::at_command_end(i) {
        return cut(fail(i, format!("expected {what}")));
    }
    let (rest, name) = if i.starts_with('"') {
        lex::dquoted(i)?
    } else {
        let end = i
            .char_indices()
            .find(|(_, c)| c.is_whitespace() || matches!(c, '|' | ']' | '[' | ','))
            .map(|(n, _)| n)
            .unwrap_or(i.len());
        (&i[end..], i[..end].to_string())
    };
    if name.is_empty() {
        return cut(fail(i, format!("expected {what}")));
    }
    Ok((
        rest,
        crate::commands::support::fields::FieldRef {
            name,
            span: src.span(i, rest),
        },
    ))
}

/// Prints a name so that [`name_arg`] reads it back.
pub fn print_name(name: &str) -> String {
    if name.is_empty()
        || name.starts_with('"')
        || name.contains(|c: char| c.is_whitespace() || matches!(c, '|' | ']' | '[' | ',' | '='))
    {
        lex::quote(name)
    } else {
        name.to_string()
    }
}
