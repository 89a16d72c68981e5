//! What the commands that score every field of a buffered result set
//! share (`anomalydetection`, `outlier`): their syntax, `cmd
//! [key=value]… [<field>[,] …]` with each option's value checked as it is
//! read, and the fields and numbers they look at.

use std::fmt;

use super::fields::{join_fields, list_item, FieldRef};
use super::stats_support::known_option;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::spl::ast::Opt;
use crate::spl::lex::{self, ws, PErr, PResult, Src};

/// Options, then the fields named (none: every field).
#[derive(Debug)]
pub struct OptsAndFields {
    pub options: Vec<Opt>,
    pub fields: Vec<FieldRef>,
}

impl OptsAndFields {
    /// Parses the options in `known` and the field list; `check` returns
    /// the error for a value an option does not take, shown at the option.
    pub fn parse<'a>(
        src: &Src<'a>,
        i: &'a str,
        cmd: &str,
        known: &[&str],
        check: fn(&Opt) -> Option<String>,
    ) -> PResult<'a, OptsAndFields> {
        let mut options = Vec::new();
        let mut fields = Vec::new();
        let mut rest = ws(i);
        loop {
            rest = ws(rest);
            if lex::at_command_end(rest) {
                break;
            }
            if let Some((r, o)) = known_option(src, rest, known, cmd)? {
                if let Some(msg) = check(&o) {
                    return Err(nom::Err::Failure(PErr::spanning(o.span, msg)));
                }
                options.push(o);
                rest = r;
                continue;
            }
            let (r, f) = list_item(src, rest)?;
            fields.push(f);
            rest = r;
        }
        Ok((rest, OptsAndFields { options, fields }))
    }

    /// Prints the command back: `cmd opts fields`.
    pub fn print(&self, f: &mut fmt::Formatter<'_>, cmd: &str) -> fmt::Result {
        f.write_str(cmd)?;
        for o in &self.options {
            write!(f, " {o}")?;
        }
        if !self.fields.is_empty() {
            write!(f, " {}", join_fields(&self.fields))?;
        }
        Ok(())
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "fields": self.fields })
    }

    /// The last value given for an option, if any.
    pub fn option(&self, key: &str) -> Option<&Opt> {
        self.options
            .iter()
            .rev()
            .find(|o| o.key.eq_ignore_ascii_case(key))
    }

    /// [`Self::option`]'s value in lower case.
    pub fn value(&self, key: &str) -> Option<String> {
        self.option(key).map(|o| o.value.to_ascii_lowercase())
    }

    /// A Boolean option's value (false when not given).
    pub fn flag(&self, key: &str) -> bool {
        self.option(key).and_then(|o| o.as_bool()).unwrap_or(false)
    }

    /// The names of the fields named.
    pub fn names(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.name.clone()).collect()
    }
}

/// The number a value counts as in a numerical field (single values only).
pub fn num_of(v: &Value) -> Option<f64> {
    match v {
        Value::Multi(_) => None,
        other => other.as_num().filter(|n| n.is_finite()),
    }
}

/// `named`, or when it is empty every field of `events` except internal
/// ones (names starting with `_`), in order of first appearance.
pub fn fields_or_all(named: &[String], events: &[Event]) -> Vec<String> {
    if !named.is_empty() {
        return named.to_vec();
    }
    let mut seen = indexmap::IndexSet::new();
    for ev in events {
        for name in ev.names() {
            if !name.starts_with('_') && !seen.contains(name.as_str()) {
                seen.insert(name.to_string());
            }
        }
    }
    seen.into_iter().collect()
}
