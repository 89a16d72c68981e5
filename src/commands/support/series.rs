//! The syntax `accum`, `delta` and `autoregress` share:
//! `<cmd> <field> [AS <newfield>] [<option>=<value>]…`, options before or
//! after the field.

use std::fmt;

use super::fields::{at_keyword, field_ref, FieldRef};
use super::xutil;
use crate::spl::ast::Opt;
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

#[derive(Debug, serde::Serialize)]
pub struct FieldAs {
    pub field: FieldRef,
    pub alias: Option<FieldRef>,
    pub options: Vec<Opt>,
}

pub fn parse<'a>(src: &Src<'a>, i: &'a str, cmd: &str, allowed: &[&str]) -> PResult<'a, FieldAs> {
    let mut rest = ws(i);
    let mut field = None;
    let mut alias = None;
    let mut options = Vec::new();
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if !allowed.is_empty() {
            let (r, o) = xutil::known_option(src, rest, cmd, allowed)?;
            if let Some(o) = o {
                options.push(o);
                rest = r;
                continue;
            }
        }
        if field.is_some() {
            if alias.is_none() {
                if let Some(r) = at_keyword(rest, &["as"]) {
                    let (r, a) = cut(field_ref(src, r))?;
                    alias = Some(a);
                    rest = r;
                    continue;
                }
            }
            return cut(fail(rest, format!("{cmd} takes one field")));
        }
        let (r, f) = field_ref(src, rest)?;
        field = Some(f);
        rest = r;
    }
    match field {
        Some(field) => Ok((
            rest,
            FieldAs {
                field,
                alias,
                options,
            },
        )),
        None => cut(fail(rest, format!("{cmd} needs a field"))),
    }
}

impl fmt::Display for FieldAs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.field)?;
        if let Some(a) = &self.alias {
            write!(f, " AS {a}")?;
        }
        xutil::print_opts(f, &self.options)
    }
}
