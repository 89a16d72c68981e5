//! Pipelines: `search-expression | command args | …`, and `[subsearches]`.
//! Each command's arguments are parsed by that command's own parser, which
//! the parser finds through a [`Grammar`]: the command registry
//! (`crate::commands`) is one, so this layer names no command itself.

use super::ast::{Command, CommandNode, Pipeline};
use super::lex::{self, cut, fail, ws, PErr, PResult, Src};

/// The commands a search may name, each with its argument parser.
pub trait Grammar: Sync {
    /// Parses the arguments of command `name` (written in any case; `args`
    /// starts after the name). None when no command has that name.
    fn parse_command<'a>(
        &self,
        src: &Src<'a>,
        name: &'a str,
        args: &'a str,
    ) -> Option<PResult<'a, Box<dyn Command>>>;
    /// Whether `name` is a command the grammar implements that can be a
    /// generating command: a subsearch may start with one without a `|`
    /// (`[inputlookup x]`); any other first word is a search term, so it is
    /// not parsed as a command first.
    fn may_generate(&self, name: &str) -> bool;
}

/// Parses a complete search whose commands come from `grammar`. The error
/// carries an absolute offset.
pub fn parse_pipeline(text: &str, grammar: &dyn Grammar) -> Result<Pipeline, PErr> {
    super::lex::reset_depth();
    let _scope = super::lex::ParseScope::enter(text);
    let src = Src::with_grammar(text, grammar);
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

/// Where text holds only an expression, a subsearch has no commands to name.
const NO_COMMANDS: &str = "a search pipeline is not allowed here";

/// A pipeline up to the end of input (or the `]` closing a subsearch).
/// The most commands one pipeline (or subsearch) may have. Splunk
/// documents no limit; the longest detection in the corpus has a few dozen.
pub const MAX_COMMANDS: usize = 1000;

pub fn pipeline<'a>(src: &Src<'a>, i: &'a str, sub: bool) -> PResult<'a, Pipeline> {
    let _level = if sub {
        Some(super::lex::nest_subsearch(i)?)
    } else {
        None
    };
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
        if commands.len() >= MAX_COMMANDS {
            return cut(fail(
                r,
                format!("too many commands: a search may have at most {MAX_COMMANDS}"),
            ));
        }
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

/// A subsearch's body after its `[`, up to and past its `]`. A body that
/// failed once fails the same way again: the failure is remembered by
/// position for the rest of the parse, so a parser that tries a second
/// reading of the text around it (a subsearch's first word as a generating
/// command, then as a search term) does not parse nested subsearches again
/// at every level, which took time exponential in the nesting.
pub fn bracketed<'a>(src: &Src<'a>, body: &'a str) -> PResult<'a, Pipeline> {
    if let Some(e) = super::lex::failed_sub(body) {
        return Err(e);
    }
    let r = (|| {
        let (rest, p) = cut(pipeline(src, body, true))?;
        let r = ws(rest);
        let Some(rest) = r.strip_prefix(']') else {
            return cut(fail(r, "expected ']' to close the subsearch"));
        };
        Ok((rest, p))
    })();
    if let Err(e) = &r {
        super::lex::remember_failed_sub(body, e);
    }
    r
}

/// A subsearch written `[inputlookup x]` / `[tstats …]`: Splunk runs a
/// generating command named first without a `|`. Any other first word is a
/// search term.
fn generating_first<'a>(src: &Src<'a>, i: &'a str) -> Option<(&'a str, CommandNode)> {
    let (_, name) = lex::ident(i).ok()?;
    if name.eq_ignore_ascii_case("search") || !src.grammar.is_some_and(|g| g.may_generate(name)) {
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
    let (rest, cmd) = match src.grammar {
        Some(g) => g
            .parse_command(src, "search", i)
            .unwrap_or_else(|| cut(fail(i, "the grammar has no 'search' command")))?,
        None => return cut(fail(i, NO_COMMANDS)),
    };
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
    let Some(grammar) = src.grammar else {
        return cut(fail(i, NO_COMMANDS));
    };
    let (rest, cmd) = match grammar.parse_command(src, name, ws(after_name)) {
        Some(r) => cut(r)?,
        None => {
            return Err(nom::Err::Failure(
                PErr::spanning(name_span, format!("unknown command '{name}'")).with_help(
                    "neither a Splunk command nor a known add-on command; see grammar/spl.ebnf",
                ),
            ));
        }
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
