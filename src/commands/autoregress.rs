//! `autoregress <field> [AS <newfield>] [p=<int> | p=<int>-<int>]`: copies
//! the field's value from earlier results into each result: from the `p`th
//! earlier one (default 1), or from each of a range of them, into
//! `<field>_p<n>` (or `newfield`, allowed only with a single `p`). The first
//! results lack the values no result before them had (Search Reference,
//! autoregress).

use std::any::Any;
use std::collections::VecDeque;
use std::fmt;

use super::support::series::{self, FieldAs};
use super::support::xutil::get;
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind};
use crate::spl::lex::{PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "autoregress",
    aliases: &[],
    parse,
    syntax: "autoregress <field> [AS <newfield>] [p=<int> | p=<int>-<int>]",
    plan: super::planner::<AutoregressCmd>,
};

/// The farthest back `p` may reach, and so the most fields one range adds.
pub const MAX_P: u64 = 1_000;

#[derive(Debug)]
pub struct AutoregressCmd {
    pub args: FieldAs,
    pub from: u64,
    pub to: u64,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, args) = series::parse(src, i, "autoregress", &["p"])?;
    let (from, to) = match get(&args.options, "p") {
        Some(o) => {
            let bad = || {
                nom::Err::Failure(PErr::spanning(
                    o.span,
                    format!("autoregress's p must be a number or a range <from>-<to>, between 1 and {MAX_P}"),
                ))
            };
            let v = o.value.trim();
            let (a, b) = match v.split_once('-') {
                Some((a, b)) => (a.trim(), b.trim()),
                None => (v, v),
            };
            let a: u64 = a.parse().map_err(|_| bad())?;
            let b: u64 = b.parse().map_err(|_| bad())?;
            if a == 0 || b < a || b > MAX_P {
                return Err(bad());
            }
            if a != b {
                if let Some(al) = &args.alias {
                    return Err(nom::Err::Failure(PErr::spanning(
                        al.span,
                        "autoregress takes AS <newfield> only with a single p, not a range",
                    )));
                }
            }
            (a, b)
        }
        None => (1, 1),
    };
    Ok((rest, Box::new(AutoregressCmd { args, from, to })))
}

impl fmt::Display for AutoregressCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "autoregress {}", self.args)
    }
}

impl AutoregressCmd {
    fn targets(&self) -> Vec<(usize, String)> {
        (self.from..=self.to)
            .map(|k| {
                let name = match &self.args.alias {
                    Some(a) => a.name.clone(),
                    None => format!("{}_p{k}", self.args.field.name),
                };
                (k as usize, name)
            })
            .collect()
    }
}

impl Command for AutoregressCmd {
    fn name(&self) -> &'static str {
        "autoregress"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::OrderSensitive
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "args": self.args, "from": self.from, "to": self.to })
    }
    fn writes(&self) -> Vec<String> {
        self.targets().into_iter().map(|(_, n)| n).collect()
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::reads([self.args.field.name.clone()])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for AutoregressCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(AutoregressOp {
            field: self.args.field.name.clone(),
            targets: self.targets(),
            depth: self.to as usize,
            prev: VecDeque::new(),
        }))
    }
}

struct AutoregressOp {
    field: String,
    /// (how many results back, output field).
    targets: Vec<(usize, String)>,
    depth: usize,
    /// The field's value in the last `depth` results, newest first.
    prev: VecDeque<Option<Value>>,
}

impl Operator for AutoregressOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let current = ev.get(&self.field).cloned();
        for (k, name) in &self.targets {
            if let Some(Some(v)) = self.prev.get(k - 1) {
                ev.set(name.clone(), v.clone());
            }
        }
        self.prev.push_front(current);
        self.prev.truncate(self.depth);
        out(ev)
    }
}
