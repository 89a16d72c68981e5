//! `reltime [timefield=<field-list>] [prefix=<string>]`: adds to each result
//! how long before the search's start ("now") the time in a field was, in
//! words: `1 hour ago`, `5 days ago` (Search Reference, reltime). Without
//! `timefield` the time is `_time`. The added field is `reltime` for one
//! time field without a prefix, `reltime_<field>` for each of several, and
//! `<prefix><field>` with a prefix (the page's examples 3 and 5). A field
//! that is missing or not a number of epoch seconds gets no relative time.
//!
//! The words: the whole number of the largest unit that fits, of seconds,
//! minutes, hours, days, months (30 days) and years (365 days), singular
//! for 1 (`1 minute ago`); under a second is `now`, a time after now is
//! `in 3 hours`.

use std::any::Any;
use std::fmt;

use super::support::xutil::{self, get};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt};
use crate::spl::lex::{PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "reltime",
    aliases: &[],
    parse,
    syntax: "reltime [timefield=<field-list>] [prefix=<string>]",
    plan: super::planner::<ReltimeCmd>,
};

/// The prefix of the fields added for several time fields without `prefix=`.
pub const MULTI_PREFIX: &str = "reltime_";

#[derive(Debug)]
pub struct ReltimeCmd {
    pub options: Vec<Opt>,
    /// The time fields, from `timefield=` (default `_time`).
    pub fields: Vec<String>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let (rest, options) = xutil::only_options(
        src,
        i,
        "reltime",
        &["timefield", "prefix"],
        "reltime takes only timefield= and prefix=",
        xutil::any_value,
    )?;
    let fields = match get(&options, "timefield") {
        Some(o) => {
            let names: Vec<String> = o
                .value
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            if names.is_empty() {
                return Err(nom::Err::Failure(PErr::spanning(
                    o.span,
                    "reltime's timefield needs one or more field names, separated by commas",
                )));
            }
            names
        }
        None => vec!["_time".to_string()],
    };
    Ok((rest, Box::new(ReltimeCmd { options, fields })))
}

impl fmt::Display for ReltimeCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("reltime")?;
        xutil::print_opts(f, &self.options)
    }
}

impl ReltimeCmd {
    /// (time field, added field) pairs.
    fn targets(&self) -> Vec<(String, String)> {
        let prefix = get(&self.options, "prefix").map(|o| o.value.as_str());
        self.fields
            .iter()
            .map(|name| {
                let out = match prefix {
                    Some(p) => format!("{p}{name}"),
                    None if self.fields.len() == 1 => "reltime".to_string(),
                    None => format!("{MULTI_PREFIX}{name}"),
                };
                (name.clone(), out)
            })
            .collect()
    }
}

impl Command for ReltimeCmd {
    fn name(&self) -> &'static str {
        "reltime"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "options": self.options, "fields": self.fields })
    }
    fn writes(&self) -> Vec<String> {
        self.targets().into_iter().map(|(_, t)| t).collect()
    }
    fn field_flow(&self) -> crate::spl::fields::Flow {
        crate::spl::fields::Flow::reads(self.fields.iter().cloned())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for ReltimeCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        Ok(Box::new(ReltimeOp {
            now: ctx.fn_ctx.now,
            targets: self.targets(),
        }))
    }
}

struct ReltimeOp {
    now: f64,
    targets: Vec<(String, String)>,
}

/// `then` relative to `now`, in words.
pub fn relative(now: f64, then: f64) -> String {
    const UNITS: [(f64, &str); 6] = [
        (365.0 * 86_400.0, "year"),
        (30.0 * 86_400.0, "month"),
        (86_400.0, "day"),
        (3_600.0, "hour"),
        (60.0, "minute"),
        (1.0, "second"),
    ];
    let diff = now - then;
    let secs = diff.abs();
    let Some((n, unit)) = UNITS
        .iter()
        .find(|(size, _)| secs >= *size)
        .map(|(size, unit)| ((secs / size).floor() as u64, *unit))
    else {
        return "now".to_string();
    };
    let plural = if n == 1 { "" } else { "s" };
    if diff >= 0.0 {
        format!("{n} {unit}{plural} ago")
    } else {
        format!("in {n} {unit}{plural}")
    }
}

impl Operator for ReltimeOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        for (field, target) in &self.targets {
            let t = ev.get(field).and_then(Value::as_num);
            if let Some(t) = t.filter(|t| t.is_finite()) {
                ev.set(target.clone(), Value::Str(relative(self.now, t)));
            }
        }
        out(ev)
    }
}

#[cfg(test)]
mod tests {
    use super::relative;

    #[test]
    fn relative_times_in_words() {
        assert_eq!(relative(3600.0, 0.0), "1 hour ago");
        assert_eq!(relative(5.0 * 86_400.0 + 7.0, 0.0), "5 days ago");
        assert_eq!(relative(119.0, 0.0), "1 minute ago");
        assert_eq!(relative(2.0 * 365.0 * 86_400.0, 0.0), "2 years ago");
        assert_eq!(relative(10.0, 10.5), "now");
        assert_eq!(relative(0.0, 3.0 * 3600.0), "in 3 hours");
        assert_eq!(relative(45.0, 0.0), "45 seconds ago");
    }
}
