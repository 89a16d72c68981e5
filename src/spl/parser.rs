//! Pipelines: `search-expression | command args | …`, and `[subsearches]`.
//! Each command's arguments are parsed by that command's own parser, found in
//! the registry ([`crate::commands::lookup`]).

use super::ast::{CommandNode, Pipeline};
use super::lex::{self, cut, fail, ws, PErr, PResult, Src};

/// Parses a complete search. The error carries an absolute offset.
pub fn parse_pipeline(text: &str) -> Result<Pipeline, PErr> {
    let src = Src::new(text);
    match pipeline(&src, text, false) {
        Ok((rest, p)) => {
            let rest = ws(rest);
            if rest.is_empty() {
                Ok(p)
            } else if rest.starts_with(']') {
                Err(absolute(&src, PErr::at(rest, "unbalanced ']'")))
            } else {
                Err(absolute(&src, PErr::at(rest, "unexpected input")))
            }
        }
        Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => Err(absolute(&src, e)),
        Err(nom::Err::Incomplete(_)) => Err(PErr::spanning(
            super::ast::Span::new(text.len(), text.len()),
            "incomplete search",
        )),
    }
}

fn absolute(src: &Src, e: PErr) -> PErr {
    let off = e.offset(src.text.len());
    PErr {
        at: lex::ErrAt::Abs(off),
        ..e
    }
}

/// A pipeline up to the end of input (or the `]` closing a subsearch).
pub fn pipeline<'a>(src: &Src<'a>, i: &'a str, sub: bool) -> PResult<'a, Pipeline> {
    let start = ws(i);
    let mut commands = Vec::new();
    let mut rest = start;
    if rest.starts_with('`') {
        return cut(fail(
            rest,
            "unexpanded macro: macros are expanded before parsing",
        ));
    }
    if !rest.starts_with('|') {
        if let Some((r, node)) = sub.then(|| generating_first(src, rest)).flatten() {
            // `[inputlookup x]`: a subsearch may start with a generating command without a pipe.
            commands.push(node);
            rest = r;
        } else {
            // The leading search: `search` written or implied.
            let (r, node) = leading_search(src, rest)?;
            if let Some(n) = node {
                commands.push(n);
            }
            rest = r;
        }
    }
    loop {
        let r = ws(rest);
        if r.is_empty() || (sub && r.starts_with(']')) {
            rest = r;
            break;
        }
        if r.starts_with(']') {
            return cut(fail(r, "unbalanced ']'"));
        }
        let Some(after_pipe) = r.strip_prefix('|') else {
            return cut(fail(r, "expected '|' before the next command"));
        };
        let (after, node) = command(src, ws(after_pipe))?;
        commands.push(node);
        rest = after;
    }
    if commands.is_empty() {
        return cut(fail(start, "empty search"));
    }
    let span = commands[0].span.to(commands[commands.len() - 1].span);
    Ok((rest, Pipeline { commands, span }))
}

/// A subsearch written `[inputlookup x]` / `[tstats …]`: Splunk runs a
/// generating command named first without a `|`. Any other first word is a
/// search term.
fn generating_first<'a>(src: &Src<'a>, i: &'a str) -> Option<(&'a str, CommandNode)> {
    let (_, name) = lex::ident(i).ok()?;
    if name.eq_ignore_ascii_case("search") || crate::commands::lookup(name).is_none() {
        return None;
    }
    match command(src, i) {
        Ok((rest, node)) if node.cmd.kind() == super::ast::CommandKind::Generating => {
            Some((rest, node))
        }
        _ => None,
    }
}

fn leading_search<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Option<CommandNode>> {
    if let Some(after) = lex::keyword(i, "search") {
        let (rest, node) = command(src, i)?;
        let _ = after;
        return Ok((rest, Some(node)));
    }
    let (rest, cmd) = crate::commands::search::parse_args(src, i)?;
    if lex::at_command_end(i) {
        return Ok((rest, None));
    }
    let span = src.span(i, rest);
    let node = CommandNode {
        span: super::ast::Span::new(
            span.start,
            src.pos(rest.trim_end_matches(char::is_whitespace))
                .min(span.end),
        ),
        name_span: super::ast::Span::new(span.start, span.start),
        implicit: true,
        cmd,
    };
    Ok((rest, Some(node)))
}

/// One command: its name, then its own argument parser.
pub fn command<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, CommandNode> {
    let start = i;
    if i.starts_with('`') {
        return cut(fail(
            i,
            "unexpanded macro: macros are expanded before parsing",
        ));
    }
    let (after_name, name) = match lex::ident(i) {
        Ok(x) => x,
        Err(_) => return cut(fail(i, "expected a command name after '|'")),
    };
    let name_span = src.span(i, after_name);
    if !after_name.is_empty() && lex::ws1(after_name).is_none() && !after_name.starts_with('(') {
        return cut(fail(after_name, "expected a space after the command name"));
    }
    let (rest, cmd) = match crate::commands::lookup(name) {
        Some(spec) => cut((spec.parse)(src, ws(after_name)))?,
        None => match crate::commands::generic::provenance(name) {
            Some(prov) => cut(crate::commands::generic::parse(
                src,
                name,
                prov,
                ws(after_name),
            ))?,
            None => {
                return Err(nom::Err::Failure(
                    PErr::spanning(name_span, format!("unknown command '{name}'")).with_help(
                        "neither a Splunk command nor a known add-on command; see grammar/spl.ebnf",
                    ),
                ));
            }
        },
    };
    let r = ws(rest);
    if !lex::at_command_end(r) {
        return cut(fail(
            r,
            format!("unexpected input in '{}' arguments", cmd.name()),
        ));
    }
    let end = src.pos(rest).max(name_span.end);
    Ok((
        rest,
        CommandNode {
            span: super::ast::Span::new(src.pos(start), end),
            name_span,
            implicit: false,
            cmd,
        },
    ))
}
