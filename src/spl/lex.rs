//! Token-level parsers shared by every command's syntax.
//!
//! All parsers work on suffixes of one source string, so a position is
//! `source.len() - rest.len()`; errors carry the remaining length and the
//! parser entry point turns that into an offset for the diagnostic.

use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::char;
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Parser};

use super::ast::Span;

/// A parse failure: what was expected, and where (as the length of the input left).
#[derive(Debug, Clone, PartialEq)]
pub struct PErr {
    pub at: ErrAt,
    pub len: usize,
    pub msg: String,
    pub help: Option<String>,
}

/// Where an error is: as the length of the input left, or as an absolute offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ErrAt {
    Rest(usize),
    Abs(usize),
}

impl PErr {
    /// An error at an absolute span.
    pub fn spanning(span: Span, msg: impl Into<String>) -> PErr {
        PErr {
            at: ErrAt::Abs(span.start),
            len: span.len().max(1),
            msg: msg.into(),
            help: None,
        }
    }
    /// The absolute start offset of this error in a source of length `src_len`.
    pub fn offset(&self, src_len: usize) -> usize {
        match self.at {
            ErrAt::Rest(r) => src_len.saturating_sub(r),
            ErrAt::Abs(a) => a,
        }
    }
    pub fn at(rest: &str, msg: impl Into<String>) -> PErr {
        PErr {
            at: ErrAt::Rest(rest.len()),
            len: token_len(rest),
            msg: msg.into(),
            help: None,
        }
    }
    pub fn with_help(mut self, help: impl Into<String>) -> PErr {
        self.help = Some(help.into());
        self
    }
    pub fn with_len(mut self, len: usize) -> PErr {
        self.len = len;
        self
    }
}

fn token_len(rest: &str) -> usize {
    let n = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || *c == '|')
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    n.max(rest.chars().next().map(char::len_utf8).unwrap_or(0))
}

impl<'a> ParseError<&'a str> for PErr {
    fn from_error_kind(input: &'a str, kind: ErrorKind) -> Self {
        let what = match kind {
            ErrorKind::TakeWhile1 => "expected a name or value".to_string(),
            ErrorKind::Char => "expected a different character".to_string(),
            other => format!("unexpected input ({other:?})"),
        };
        PErr::at(input, what)
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
}

pub type PResult<'a, T> = IResult<&'a str, T, PErr>;

/// The deepest an expression or search may nest: parentheses, `NOT` and
/// unary operators, function calls, subsearches, and each operator of a
/// chain (`a + b + c` nests its operators). Past it the parser stops with
/// an error at the place, instead of overflowing the stack while parsing,
/// evaluating or dropping the tree. Splunk documents no such limit; real
/// searches nest a few dozen levels at most.
pub const MAX_DEPTH: usize = 400;

thread_local! {
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// One level of nesting, given back when dropped (see [`nest`]).
pub struct Nested(());

impl Drop for Nested {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// One more level of `counter` at `i`: fails with `msg` past `max`; the
/// guard `wrap` builds (only once the level is taken) gives it back when
/// dropped.
fn enter<G>(
    counter: &'static std::thread::LocalKey<std::cell::Cell<usize>>,
    max: usize,
    i: &str,
    msg: impl FnOnce() -> String,
    wrap: fn() -> G,
) -> Result<G, nom::Err<PErr>> {
    counter.with(|d| {
        let n = d.get() + 1;
        if n > max {
            return Err(nom::Err::Failure(PErr::at(i, msg())));
        }
        d.set(n);
        Ok(wrap())
    })
}

/// Enters one more level of nesting at `i`; fails past [`MAX_DEPTH`].
pub fn nest(i: &str) -> Result<Nested, nom::Err<PErr>> {
    enter(
        &DEPTH,
        MAX_DEPTH,
        i,
        || {
            format!(
        "nested too deeply: more than {MAX_DEPTH} levels of parentheses, NOT, function calls, subsearches or chained operators"
    )
        },
        || Nested(()),
    )
}

/// The deepest subsearches may nest (`[search [search …]]`). Each level
/// parses through a whole pipeline, its command and its search expression,
/// many stack frames where a parenthesis takes one or two, so
/// [`MAX_DEPTH`] levels of them would overflow a thread's stack. Splunk
/// documents no limit; the corpus nests two at most.
pub const MAX_SUBSEARCH_DEPTH: usize = 40;

thread_local! {
    static SUB_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// One level of subsearch nesting, given back when dropped.
pub struct NestedSub(());

impl Drop for NestedSub {
    fn drop(&mut self) {
        SUB_DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Enters one more subsearch at `i`; fails past [`MAX_SUBSEARCH_DEPTH`].
pub fn nest_subsearch(i: &str) -> Result<NestedSub, nom::Err<PErr>> {
    enter(
        &SUB_DEPTH,
        MAX_SUBSEARCH_DEPTH,
        i,
        || {
            format!(
                "subsearches nested too deeply: more than {MAX_SUBSEARCH_DEPTH} levels of [ … ]"
            )
        },
        || NestedSub(()),
    )
}

thread_local! {
    /// The text of the parse under way (start address, length).
    static TOP: std::cell::Cell<(usize, usize)> = const { std::cell::Cell::new((0, 0)) };
    /// Subsearch bodies that failed in this parse, by address, and how.
    static FAILED_SUBS: std::cell::RefCell<std::collections::HashMap<usize, nom::Err<PErr>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// One parse of a whole search text: what is remembered about its
/// subsearches lives as long as this, and a parse nested in it (a search
/// string given as an option) starts afresh and gives the outer one back
/// what it had when done.
pub struct ParseScope {
    top: (usize, usize),
    failed: std::collections::HashMap<usize, nom::Err<PErr>>,
}

impl ParseScope {
    pub fn enter(text: &str) -> ParseScope {
        let top = TOP.with(|t| t.replace((text.as_ptr() as usize, text.len())));
        let failed = FAILED_SUBS.with(|f| std::mem::take(&mut *f.borrow_mut()));
        ParseScope { top, failed }
    }
}

impl Drop for ParseScope {
    fn drop(&mut self) {
        TOP.with(|t| t.set(self.top));
        FAILED_SUBS.with(|f| *f.borrow_mut() = std::mem::take(&mut self.failed));
    }
}

/// The address of `i` when it lies in the text being parsed (only there
/// is an address a position: other strings come and go).
fn top_addr(i: &str) -> Option<usize> {
    let at = i.as_ptr() as usize;
    let (start, len) = TOP.with(|t| t.get());
    (at >= start && at + i.len() == start + len).then_some(at)
}

/// How the subsearch body at `i` failed before in this parse, if it did.
pub fn failed_sub(i: &str) -> Option<nom::Err<PErr>> {
    let at = top_addr(i)?;
    FAILED_SUBS.with(|f| f.borrow().get(&at).cloned())
}

/// Remembers that the subsearch body at `i` failed with `e`.
pub fn remember_failed_sub(i: &str, e: &nom::Err<PErr>) {
    if let Some(at) = top_addr(i) {
        FAILED_SUBS.with(|f| f.borrow_mut().insert(at, e.clone()));
    }
}

/// Starts a parse from the top: no nesting yet.
pub fn reset_depth() {
    DEPTH.with(|d| d.set(0));
    SUB_DEPTH.with(|d| d.set(0));
}

/// A recoverable failure (alternatives may still match).
pub fn fail<T>(rest: &str, msg: impl Into<String>) -> PResult<'_, T> {
    Err(nom::Err::Error(PErr::at(rest, msg)))
}

/// An unrecoverable failure: stop and report this one.
pub fn cut_err<T>(rest: &str, msg: impl Into<String>) -> PResult<'_, T> {
    Err(nom::Err::Failure(PErr::at(rest, msg)))
}

/// Turns a recoverable error into a final one.
pub fn cut<T>(r: PResult<'_, T>) -> PResult<'_, T> {
    match r {
        Err(nom::Err::Error(e)) => Err(nom::Err::Failure(e)),
        other => other,
    }
}

/// The parse context: the whole source, for turning positions into spans,
/// and the commands a pipeline may name (none for text that holds only an
/// expression: a `[subsearch]` in it is then an error).
#[derive(Clone, Copy)]
pub struct Src<'a> {
    pub text: &'a str,
    pub grammar: Option<&'a dyn super::parser::Grammar>,
    /// Whether eval expressions may call stats functions (see [`AggMode`]).
    pub agg: AggMode,
}

/// Where in an eval over aggregations (`chart eval(avg(size)/max(delay))`)
/// an expression is being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggMode {
    /// A plain eval expression: only eval functions.
    Off,
    /// The expression over aggregations: stats functions are calls too.
    Over,
    /// The argument of such a stats function: a field, or `eval(<expr>)`.
    Arg,
}

impl<'a> Src<'a> {
    /// Expression text: no commands, so no subsearches.
    pub fn new(text: &'a str) -> Self {
        Src {
            text,
            grammar: None,
            agg: AggMode::Off,
        }
    }
    /// Search text whose pipelines and subsearches name the grammar's commands.
    pub fn with_grammar(text: &'a str, grammar: &'a dyn super::parser::Grammar) -> Self {
        Src {
            text,
            grammar: Some(grammar),
            agg: AggMode::Off,
        }
    }
    /// The same text read in another [`AggMode`].
    pub fn with_agg(&self, agg: AggMode) -> Src<'a> {
        Src {
            text: self.text,
            grammar: self.grammar,
            agg,
        }
    }
    pub fn pos(&self, rest: &str) -> usize {
        self.text.len() - rest.len()
    }
    /// Span from `start` (a remaining input) to `end` (a later remaining input).
    pub fn span(&self, start: &str, end: &str) -> Span {
        Span::new(self.pos(start), self.pos(end))
    }
}

/// Whitespace and ```comments```; line breaks count as whitespace.
pub fn ws(mut i: &str) -> &str {
    loop {
        let t = i.trim_start();
        if let Some(after) = t.strip_prefix("```") {
            match after.find("```") {
                Some(end) => {
                    i = &after[end + 3..];
                    continue;
                }
                None => return t, // unterminated comment: left for the caller to report
            }
        }
        return t;
    }
}

/// Like [`ws`] but requires that something was skipped or the input ended/closes.
pub fn ws1(i: &str) -> Option<&str> {
    let r = ws(i);
    if r.len() < i.len() || r.is_empty() || r.starts_with('|') || r.starts_with(']') {
        Some(r)
    } else {
        None
    }
}

/// True at the end of a command: end of input, a pipe, or a closing bracket.
pub fn at_command_end(i: &str) -> bool {
    let r = ws(i);
    r.is_empty() || r.starts_with('|') || r.starts_with(']')
}

/// Matches a keyword (case-insensitive) followed by a non-word character.
pub fn keyword<'a>(i: &'a str, kw: &str) -> Option<&'a str> {
    if i.len() >= kw.len() && i.is_char_boundary(kw.len()) && i[..kw.len()].eq_ignore_ascii_case(kw)
    {
        let rest = &i[kw.len()..];
        match rest.chars().next() {
            Some(c) if is_word_char(c) => None,
            _ => Some(rest),
        }
    } else {
        None
    }
}

pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A plain identifier: command names, function names, option keys.
pub fn ident(i: &str) -> PResult<'_, &str> {
    let (rest, s) = take_while1(|c: char| is_word_char(c) || c == '-').parse(i)?;
    if s.starts_with('-') {
        return fail(i, "expected a name");
    }
    Ok((rest, s))
}

/// Characters that end an unquoted field name or value token.
pub fn is_token_end(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '|' | '(' | ')' | '[' | ']' | '=' | '"' | ',' | '<' | '>' | '!'
        )
}

/// A double-quoted string with SPL escapes (`\"` and `\\`); returns the unescaped text.
pub fn dquoted(i: &str) -> PResult<'_, String> {
    let (mut rest, _) = char('"').parse(i)?;
    let mut out = String::new();
    loop {
        let mut chars = rest.char_indices();
        match chars.next() {
            None => {
                return Err(nom::Err::Failure(
                    PErr::at(i, "unterminated quoted string").with_len(1),
                ))
            }
            Some((_, '"')) => return Ok((&rest[1..], out)),
            Some((_, '\\')) => match chars.next() {
                Some((j, c @ ('"' | '\\'))) => {
                    out.push(c);
                    rest = &rest[j + c.len_utf8()..];
                }
                Some((j, c)) => {
                    // Other escapes stay as written (regexes rely on this).
                    out.push('\\');
                    out.push(c);
                    rest = &rest[j + c.len_utf8()..];
                }
                None => {
                    return Err(nom::Err::Failure(
                        PErr::at(i, "unterminated quoted string").with_len(1),
                    ))
                }
            },
            Some((_, c)) => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
}

/// A single-quoted name (eval field references): `'status.errorCode'`.
pub fn squoted(i: &str) -> PResult<'_, String> {
    let (rest, _) = char('\'').parse(i)?;
    match rest.find('\'') {
        Some(end) => Ok((&rest[end + 1..], rest[..end].to_string())),
        None => Err(nom::Err::Failure(
            PErr::at(i, "unterminated single-quoted field name").with_len(1),
        )),
    }
}

/// Quotes a string for SPL output: `"..."` with `\"` and `\\` escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => {
                // A backslash that escaped something other than a quote/backslash was kept
                // as written by `dquoted`; write it back the same way.
                match chars.peek() {
                    Some('"') | Some('\\') | None => out.push_str("\\\\"),
                    Some(_) => out.push('\\'),
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A field name in command arguments: quoted, or a run of non-delimiters.
/// Allows dots, braces, wildcards, colons (`status.errorCode`, `tags{}`, `Processes.*`).
pub fn field_name(i: &str) -> PResult<'_, String> {
    if i.starts_with('\'') {
        return squoted(i);
    }
    // Quoted and bare parts written next to each other form one name, as in
    // Splunk: `"Web".*` is `Web.*` (macros produce this from quoted arguments).
    let mut out = String::new();
    let mut rest = i;
    loop {
        if rest.starts_with('"') {
            let (r, s) = dquoted(rest)?;
            out.push_str(&s);
            rest = r;
            continue;
        }
        // Balanced parentheses belong to the name (`aceFlags(inheritance)`, `dc(x)`).
        let mut depth = 0usize;
        let end = rest
            .char_indices()
            .find(|(_, c)| match c {
                '(' if !out.is_empty() || depth > 0 || !rest.starts_with('(') => {
                    depth += 1;
                    false
                }
                ')' if depth > 0 => {
                    depth -= 1;
                    false
                }
                c => is_token_end(*c) || *c == '\'',
            })
            .map(|(n, _)| n)
            .unwrap_or(rest.len());
        if end == 0 || depth > 0 {
            if depth > 0 {
                return fail(i, "unbalanced '(' in field name");
            }
            break;
        }
        out.push_str(&rest[..end]);
        rest = &rest[end..];
    }
    if rest.len() == i.len() {
        return fail(i, "expected a field name");
    }
    Ok((rest, out))
}

/// Prints a field name so that [`field_name`] reads it back.
pub fn print_field(name: &str) -> String {
    if !name.is_empty()
        && !name.contains(|c: char| is_token_end(c) || c == '\'')
        && !name.starts_with('-')
        && !name.starts_with('+')
    {
        name.to_string()
    } else {
        quote(name)
    }
}

/// An option value: quoted string or a run of non-space characters.
pub fn option_value(i: &str) -> PResult<'_, (String, bool)> {
    if i.starts_with('"') {
        let (r, s) = dquoted(i)?;
        return Ok((r, (s, true)));
    }
    let (rest, s) =
        take_while1(|c: char| !c.is_whitespace() && !matches!(c, '|' | '[' | ']' | ',' | ')'))
            .parse(i)?;
    Ok((rest, (s.to_string(), false)))
}

/// `key=value` where key is an identifier. Does not consume on mismatch.
pub fn option<'a>(i: &'a str, src: &Src<'a>) -> Option<(&'a str, super::ast::Opt)> {
    let (r, key) = ident(i).ok()?;
    let r2 = ws(r);
    let r2 = r2.strip_prefix('=')?;
    if r2.starts_with('=') {
        return None;
    }
    let r2 = ws(r2);
    let (rest, (value, quoted)) = option_value(r2).ok()?;
    Some((
        rest,
        super::ast::Opt {
            key: key.to_string(),
            value,
            quoted,
            span: src.span(i, rest),
        },
    ))
}

/// Skips whitespace then expects `c`.
pub fn expect_char(i: &str, c: char) -> PResult<'_, ()> {
    let r = ws(i);
    match r.strip_prefix(c) {
        Some(rest) => Ok((rest, ())),
        None => fail(r, format!("expected '{c}'")),
    }
}

/// Digits (an unsigned integer).
pub fn uint(i: &str) -> PResult<'_, u64> {
    let (rest, d) = take_while1(|c: char| c.is_ascii_digit()).parse(i)?;
    match d.parse() {
        Ok(n) => Ok((rest, n)),
        Err(_) => fail(i, "number too large"),
    }
}

pub fn take_ws(i: &str) -> PResult<'_, &str> {
    take_while(char::is_whitespace).parse(i)
}
