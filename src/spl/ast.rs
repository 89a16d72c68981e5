//! The pipeline-level AST: spans, pipelines, command nodes and the
//! [`Command`] trait each command's own module implements. The trait is
//! syntax only (name, kind, printing, JSON, the fields it reads); planning a
//! node into an operator is the command layer's `ToOperator`.

use std::any::Any;
use std::fmt;

use serde::Serialize;

pub use crate::base::span::Span;

/// A `key=value` command option.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Opt {
    pub key: String,
    pub value: String,
    pub quoted: bool,
    pub span: Span,
}

impl Opt {
    pub fn as_bool(&self) -> Option<bool> {
        match self.value.to_ascii_lowercase().as_str() {
            "t" | "true" | "1" | "yes" => Some(true),
            "f" | "false" | "0" | "no" => Some(false),
            _ => None,
        }
    }
}

impl fmt::Display for Opt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.quoted || self.value.is_empty() || self.value.contains(char::is_whitespace) {
            write!(f, "{}={}", self.key, super::lex::quote(&self.value))
        } else {
            write!(f, "{}={}", self.key, self.value)
        }
    }
}

/// What kind of command this is, for planning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandKind {
    /// Produces events itself (`makeresults`, `inputlookup`); must come first.
    Generating,
    /// Works event by event, keeps order (`eval`, `where`, `rename`).
    Streaming,
    /// Depends on the order events arrive in (`head`, `dedup`, `streamstats`).
    OrderSensitive,
    /// Consumes all events and produces a result table (`stats`, `sort`).
    Transforming,
}

/// A parsed command. Each command module defines a struct implementing this.
pub trait Command: fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// The command's canonical name (as in the registry).
    fn name(&self) -> &'static str;
    fn kind(&self) -> CommandKind;
    /// The AST as JSON for tooling (`spleval parse --json`); spans included.
    fn to_json(&self) -> serde_json::Value;
    /// Whether this command is one spleval can run (false for third-party commands).
    fn runnable(&self) -> bool {
        true
    }
    /// Subsearches inside this command, for checks and planning.
    fn subsearches(&self) -> Vec<&Pipeline> {
        Vec::new()
    }
    /// The subsearches that run over the search's input (all of them but
    /// `appendpipe`'s, which runs over the results so far).
    fn input_subsearches(&self) -> Vec<&Pipeline> {
        self.subsearches()
    }
    /// True when running this command reads the search's input again
    /// (a subsearch, or a search built at run time like `map`).
    fn reads_input_again(&self) -> bool {
        !self.input_subsearches().is_empty()
    }
    /// True for a generating command that still reads the search's input
    /// events (`tstats` and `datamodel` build data model views of them).
    fn reads_events(&self) -> bool {
        false
    }
    /// Eval expressions inside this command (for function checks).
    fn exprs(&self) -> Vec<&super::expr::Expr> {
        Vec::new()
    }
    /// The columns of the results after this command, given those declared
    /// before it (None: not known; output then takes them from the results).
    /// A Splunk result table keeps a column its command names even when no
    /// result has a value in it (`table a missing`, `stats max(x)` over no x).
    /// By default streaming and order-sensitive commands keep the columns
    /// (fields they add are found in the results); transforming and
    /// generating commands make them unknown unless they say otherwise.
    fn columns(&self, before: Option<Vec<String>>) -> Option<Vec<String>> {
        match self.kind() {
            CommandKind::Streaming | CommandKind::OrderSensitive => before,
            CommandKind::Transforming | CommandKind::Generating => None,
        }
    }
    /// When true for an order-sensitive command, it also needs events newest first.
    fn needs_time_order(&self) -> bool {
        self.kind() == CommandKind::OrderSensitive
    }
    /// How this command uses the fields of its input rows, so the reader can
    /// parse only the fields a search needs (see [`crate::engine::projection`]).
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::Any
    }
    /// Fields this command sets on the rows it passes on (`eval` targets,
    /// `rex` groups, `rename` targets, `lookup` outputs, …): a field read
    /// after it comes from the search, not from the events. Only what is
    /// known from the search text; empty by default.
    fn writes(&self) -> Vec<String> {
        Vec::new()
    }
    fn as_any(&self) -> &dyn Any;
}

/// One command in a pipeline with its position.
#[derive(Debug)]
pub struct CommandNode {
    /// Span of the whole command text (name and arguments).
    pub span: Span,
    /// Span of the command name (or of the implicit `search`).
    pub name_span: Span,
    /// True when the command name was not written (the leading implicit search).
    pub implicit: bool,
    pub cmd: Box<dyn Command>,
}

/// `cmd | cmd | ...`, the top-level search or a `[subsearch]`.
#[derive(Debug)]
pub struct Pipeline {
    pub commands: Vec<CommandNode>,
    pub span: Span,
}

impl Pipeline {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "span": self.span,
            "commands": self.commands.iter().map(|c| serde_json::json!({
                "command": c.cmd.name(),
                "span": c.span,
                "implicit": c.implicit,
                "ast": c.cmd.to_json(),
            })).collect::<Vec<_>>(),
        })
    }

    /// The AST without positions: what "the same AST" means for round trips.
    pub fn shape(&self) -> serde_json::Value {
        strip_spans(self.to_json())
    }

    /// Visits every command in this pipeline and its subsearches.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a CommandNode)) {
        for c in &self.commands {
            f(c);
            for s in c.cmd.subsearches() {
                s.walk(f);
            }
        }
    }
}

impl PartialEq for Pipeline {
    fn eq(&self, other: &Self) -> bool {
        self.shape() == other.shape()
    }
}

fn strip_spans(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        J::Object(m) => J::Object(
            m.into_iter()
                .filter(|(k, _)| !k.ends_with("span"))
                .map(|(k, v)| (k, strip_spans(v)))
                .collect(),
        ),
        J::Array(a) => J::Array(a.into_iter().map(strip_spans).collect()),
        other => other,
    }
}

impl fmt::Display for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, c) in self.commands.iter().enumerate() {
            if n > 0 {
                f.write_str(" | ")?;
            }
            if n == 0 && c.implicit {
                // The leading search without its name: print just the expression.
                let text = c.cmd.to_string();
                f.write_str(text.strip_prefix("search ").unwrap_or(&text))?;
            } else {
                if n == 0 && c.cmd.name() != "search" {
                    f.write_str("| ")?;
                }
                write!(f, "{}", c.cmd)?;
            }
        }
        Ok(())
    }
}
