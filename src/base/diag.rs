//! Errors and warnings, rendered with miette: a kind (which decides the exit
//! code), a message, and where known the source text with the exact span.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};

use crate::base::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad command line (exit 2).
    Usage,
    /// SPL that does not parse (exit 2).
    Parse,
    /// Macro not found, wrong arity, cycle (exit 2).
    Macro,
    /// Rule file that cannot be read or is malformed (exit 2).
    Rule,
    /// A parsed search spleval cannot run (exit 2).
    Plan,
    /// Failure while running (exit 1).
    Runtime,
    /// Unreadable input (exit 1).
    Input,
}

impl ErrorKind {
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Runtime | ErrorKind::Input => 1,
            _ => 2,
        }
    }
    fn code(self) -> &'static str {
        match self {
            ErrorKind::Usage => "spleval::usage",
            ErrorKind::Parse => "spleval::parse",
            ErrorKind::Macro => "spleval::macro",
            ErrorKind::Rule => "spleval::rule",
            ErrorKind::Plan => "spleval::plan",
            ErrorKind::Runtime => "spleval::runtime",
            ErrorKind::Input => "spleval::input",
        }
    }
}

/// Every error spleval reports (boxed: errors travel through every `Result`).
#[derive(Debug)]
pub struct SplError(Box<ErrorData>);

/// The contents of a [`SplError`].
#[derive(Debug)]
pub struct ErrorData {
    pub kind: ErrorKind,
    pub msg: String,
    /// The text the span points into, with a name such as `rules/x.yml:12`.
    pub source: Option<NamedSource<String>>,
    pub span: Option<Span>,
    pub label: Option<String>,
    pub help: Option<String>,
    /// Extra lines: where a macro was defined, which file the search came from.
    pub notes: Vec<String>,
}

impl SplError {
    pub fn new(kind: ErrorKind, msg: impl Into<String>) -> SplError {
        SplError(Box::new(ErrorData {
            kind,
            msg: msg.into(),
            source: None,
            span: None,
            label: None,
            help: None,
            notes: Vec::new(),
        }))
    }
    pub fn runtime(msg: impl Into<String>) -> SplError {
        SplError::new(ErrorKind::Runtime, msg)
    }
    pub fn plan(msg: impl Into<String>) -> SplError {
        SplError::new(ErrorKind::Plan, msg)
    }
    pub fn input(msg: impl Into<String>) -> SplError {
        SplError::new(ErrorKind::Input, msg)
    }
    pub fn usage(msg: impl Into<String>) -> SplError {
        SplError::new(ErrorKind::Usage, msg)
    }
    pub fn at(mut self, span: Span) -> SplError {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }
    pub fn with_label(mut self, label: impl Into<String>) -> SplError {
        self.label = Some(label.into());
        self
    }
    pub fn with_help(mut self, help: impl Into<String>) -> SplError {
        self.help = Some(help.into());
        self
    }
    pub fn with_note(mut self, note: impl Into<String>) -> SplError {
        self.notes.push(note.into());
        self
    }
    /// Attaches the source text the span points into (kept if one is set already).
    pub fn with_source(mut self, name: impl AsRef<str>, text: impl Into<String>) -> SplError {
        if self.source.is_none() {
            self.source = Some(NamedSource::new(name, text.into()));
        }
        self
    }
    pub fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }
}

impl std::ops::Deref for SplError {
    type Target = ErrorData;
    fn deref(&self) -> &ErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for SplError {
    fn deref_mut(&mut self) -> &mut ErrorData {
        &mut self.0
    }
}

impl fmt::Display for SplError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for SplError {}

impl Diagnostic for SplError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let mut parts: Vec<String> = self.notes.clone();
        if let Some(h) = &self.help {
            parts.push(h.clone());
        }
        if parts.is_empty() {
            None
        } else {
            Some(Box::new(parts.join("\n")))
        }
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        self.source.as_ref()?;
        let label = self.label.clone().unwrap_or_else(|| "here".to_string());
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label),
            span,
        ))))
    }
}

pub type Result<T, E = SplError> = std::result::Result<T, E>;

/// Renders a diagnostic as text (no colour when `color` is false), as the CLI prints it.
pub fn render(err: &dyn Diagnostic, color: bool) -> String {
    let handler = if color {
        miette::GraphicalReportHandler::new()
    } else {
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
    }
    .with_width(100);
    let mut out = String::new();
    if handler.render_report(&mut out, err).is_err() {
        out = err.to_string();
    }
    out
}

/// A YAML error as text, its snippet named by the file (not `<input>`).
pub fn yaml_message(e: &serde_saphyr::Error, path: &std::path::Path) -> String {
    let name = path.display().to_string();
    e.render_with_options(serde_saphyr::render_options! { source_name: Some(&name) })
}
