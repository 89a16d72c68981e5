//! `| multisearch <subsearch1> <subsearch2> [<subsearch3> …]`: a generating
//! command that runs several streaming searches and returns their events
//! together, interleaved by time (Search Reference, "multisearch").
//!
//! As the reference says: at least two subsearches, and only streaming
//! commands inside them (`search`, `eval`, `where`, `fields`, `rex`, …);
//! both are checked when the search is parsed, an error pointing at the
//! missing subsearch or at the command that is not streaming. Each
//! subsearch runs over the same input as the main search. The events come
//! out newest first, as a search returns them; an event two subsearches
//! both return appears once per subsearch (ties keep the subsearches'
//! order). Unlike `append`, no `maxout` cap applies; the rows held count
//! against the row budget (`SPLEVAL_MAX_ROWS`).

use std::any::Any;
use std::fmt;

use super::support::sub;
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Pipeline, Span};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "multisearch",
    aliases: &[],
    parse,
    syntax: "multisearch <subsearch1> <subsearch2> [<subsearch3> …]",
    plan: super::planner::<MultisearchCmd>,
};

#[derive(Debug)]
pub struct MultisearchCmd {
    /// Each subsearch with the span of its brackets.
    pub subs: Vec<(Pipeline, Span)>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let start = ws(i);
    let mut subs = Vec::new();
    let mut rest = start;
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        if !rest.starts_with('[') {
            return cut(fail(
                rest,
                "multisearch takes only [subsearch]es, e.g. [search index=a] [search index=b]",
            ));
        }
        let (r, (p, span)) = sub::subsearch(src, rest, "multisearch")?;
        streaming_only(&p)?;
        subs.push((p, span));
        rest = r;
    }
    if subs.len() < 2 {
        let at = if subs.is_empty() {
            src.span(start, start)
        } else {
            subs[0].1
        };
        return Err(nom::Err::Failure(
            PErr::spanning(
                at,
                format!(
                    "multisearch needs at least two subsearches, found {}",
                    subs.len()
                ),
            )
            .with_help("write `| multisearch [search …] [search …]`"),
        ));
    }
    Ok((rest, Box::new(MultisearchCmd { subs })))
}

/// Splunk runs a multisearch's subsearches as streaming searches: any
/// other command in one is an error at the command's name. A subsearch
/// nested in one of its commands (`[search a [search b | stats …]]`, a
/// filter built before the search runs) is not part of the stream and may
/// hold any command.
fn streaming_only(p: &Pipeline) -> std::result::Result<(), nom::Err<PErr>> {
    let Some((name, span, kind)) = p
        .commands
        .iter()
        .find(|node| node.cmd.kind() != CommandKind::Streaming)
        .map(|node| (node.cmd.name(), node.name_span, node.cmd.kind()))
    else {
        return Ok(());
    };
    let what = if kind == CommandKind::Generating {
        "a generating command"
    } else {
        "not a streaming command"
    };
    Err(nom::Err::Failure(
        PErr::spanning(
            span,
            format!("multisearch subsearches take only streaming commands; '{name}' is {what}"),
        )
        .with_help("streaming commands such as search, eval, where, fields and rex are allowed; run the other commands after the multisearch"),
    ))
}

impl fmt::Display for MultisearchCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("multisearch")?;
        for (p, _) in &self.subs {
            write!(f, " [{p}]")?;
        }
        Ok(())
    }
}

impl Command for MultisearchCmd {
    fn name(&self) -> &'static str {
        "multisearch"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Generating
    }
    fn to_json(&self) -> serde_json::Value {
        let subs: Vec<serde_json::Value> = self.subs.iter().map(|(p, _)| p.to_json()).collect();
        serde_json::json!({ "subsearches": subs })
    }
    fn subsearches(&self) -> Vec<&Pipeline> {
        self.subs.iter().map(|(p, _)| p).collect()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for MultisearchCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let mut rows: Vec<Event> = Vec::new();
        for (p, span) in &self.subs {
            let got = sub::run_subsearch(ctx, p, 0, "multisearch").map_err(|e| e.at(*span))?;
            crate::base::budget::ROWS
                .check(rows.len().saturating_add(got.len()), "multisearch")
                .map_err(|e| e.at(*span))?;
            rows.extend(got);
        }
        // Newest first; a stable sort keeps the subsearches' order on ties.
        rows.sort_by(Event::search_order);
        Ok(Box::new(MultisearchOp { rows: Some(rows) }))
    }
}

/// Emits the subsearches' events, already interleaved, at the end.
struct MultisearchOp {
    rows: Option<Vec<Event>>,
}

impl Operator for MultisearchOp {
    fn push(&mut self, _ev: Event, _out: &mut Emit<'_>) -> Result<()> {
        Ok(())
    }
    fn finish(&mut self, out: &mut Emit<'_>) -> Result<()> {
        for (n, mut ev) in self.rows.take().unwrap_or_default().into_iter().enumerate() {
            ev.seq = n as u64;
            out(ev)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::parse_pipeline;

    use crate::commands::parse_error as err;

    #[test]
    fn parses_and_prints_two_or_more_subsearches() {
        let spl = "| multisearch [search index=a | eval type=\"foo\"] [search index=b | eval mytype=\"bar\"] [search index=c]";
        let p = parse_pipeline(spl).expect("parses");
        assert_eq!(p.commands[0].cmd.name(), "multisearch");
        assert_eq!(p.commands[0].cmd.subsearches().len(), 3);
        let again = parse_pipeline(&p.to_string()).expect("prints back");
        assert_eq!(again.shape(), p.shape());
    }

    #[test]
    fn needs_two_subsearches() {
        assert!(err("| multisearch [search index=a]").contains("at least two"));
        assert!(err("| multisearch").contains("at least two"));
        assert!(err("| multisearch index=a").contains("only [subsearch]es"));
    }

    #[test]
    fn refuses_commands_that_are_not_streaming() {
        for (spl, name) in [
            ("| multisearch [search a | stats count] [search b]", "stats"),
            ("| multisearch [search a] [search b | sort x]", "sort"),
            ("| multisearch [search a | head 5] [search b]", "head"),
            ("| multisearch [search a | dedup x] [search b]", "dedup"),
            ("| multisearch [| makeresults] [search b]", "makeresults"),
        ] {
            let e = err(spl);
            assert!(e.contains(&format!("'{name}'")), "{spl}: {e}");
        }
        let ok = "| multisearch [search a | where x>1 | fields x | rex field=x \"(?<y>.)\"] [search b | eval z=1 | rename z as w]";
        parse_pipeline(ok).unwrap_or_else(|e| panic!("{ok}: {}", e.msg));
    }
}
