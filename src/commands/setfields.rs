//! `setfields <field>="<value>", ...`: sets each named field to its value in
//! every result, adding missing fields and overwriting present ones (Search
//! Reference, setfields). Names get Splunk's key cleaning: characters other
//! than letters, digits and `_` become `_`, leading `_` are dropped.

use std::any::Any;
use std::fmt;

use super::support::xutil::clean_key;
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "setfields",
    aliases: &[],
    parse,
    syntax: "setfields <field>=\"<value>\", ...",
    plan: super::planner::<SetfieldsCmd>,
};

#[derive(Debug)]
pub struct SetfieldsCmd {
    pub pairs: Vec<Opt>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut pairs = Vec::new();
    loop {
        rest = ws(rest);
        if !pairs.is_empty() {
            if let Some(r) = rest.strip_prefix(',') {
                rest = ws(r);
            }
        }
        if lex::at_command_end(rest) {
            break;
        }
        let Some((r, o)) = pair(src, rest) else {
            return cut(fail(
                rest,
                "setfields takes <field>=\"<value>\" pairs, separated by commas",
            ));
        };
        pairs.push(o);
        rest = r;
    }
    if pairs.is_empty() {
        return cut(fail(
            rest,
            "setfields needs one or more <field>=\"<value>\" pairs",
        ));
    }
    Ok((rest, Box::new(SetfieldsCmd { pairs })))
}

/// `<name>=<value>`: the name runs to the `=` (key cleaning makes any
/// character usable), the value is quoted or runs to a blank or comma.
fn pair<'a>(src: &Src<'a>, i: &'a str) -> Option<(&'a str, Opt)> {
    let end =
        i.find(|c: char| c.is_whitespace() || matches!(c, '=' | ',' | '|' | '"' | '[' | ']'))?;
    if end == 0 {
        return None;
    }
    let r = ws(&i[end..]).strip_prefix('=')?;
    let (rest, (value, quoted)) = lex::option_value(ws(r)).ok()?;
    Some((
        rest,
        Opt {
            key: i[..end].to_string(),
            value,
            quoted,
            span: src.span(i, rest),
        },
    ))
}

impl fmt::Display for SetfieldsCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("setfields")?;
        for (n, p) in self.pairs.iter().enumerate() {
            let sep = if n == 0 { " " } else { ", " };
            write!(f, "{sep}{}={}", p.key, lex::quote(&p.value))?;
        }
        Ok(())
    }
}

impl SetfieldsCmd {
    fn names(&self) -> Vec<String> {
        self.pairs.iter().map(|p| clean_key(&p.key)).collect()
    }
}

impl Command for SetfieldsCmd {
    fn name(&self) -> &'static str {
        "setfields"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        let pairs: Vec<serde_json::Value> = self
            .pairs
            .iter()
            .map(|p| serde_json::json!({ "field": p.key, "value": p.value, "span": p.span }))
            .collect();
        serde_json::json!({ "pairs": pairs })
    }
    fn writes(&self) -> Vec<String> {
        self.names()
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::Reads(Vec::new())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for SetfieldsCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(SetfieldsOp {
            pairs: self
                .names()
                .into_iter()
                .zip(&self.pairs)
                .map(|(n, p)| (n, Value::str(p.value.clone())))
                .collect(),
        }))
    }
}

struct SetfieldsOp {
    pairs: Vec<(String, Value)>,
}

impl Operator for SetfieldsOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        for (k, v) in &self.pairs {
            ev.set(k.clone(), v.clone());
        }
        out(ev)
    }
}
