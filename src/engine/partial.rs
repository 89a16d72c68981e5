//! A search split for scale-out (issue 20), the way Splunk splits one:
//! shards (indexers) run the streaming part and pre-aggregate, the merge
//! (the search head) combines what they ship and runs the rest.
//!
//! [`split_point`] finds the first `stats`; every command before it must work
//! row by row, whatever the order (streaming, not order-sensitive, no
//! subsearch, nothing held back to the end). Then a shard runs those commands
//! and the stats in its partial form ([`crate::commands::stats::StatsPartial`]:
//! one line per group with the accumulators' states), and the merge merges
//! the groups and runs the commands after the stats. When there is no such
//! stats (or a command before it cannot run per shard), a shard runs the
//! streaming commands before that command and ships its rows, and the merge
//! runs the rest over all of them, in search order.
//!
//! The partial file (`run --partial`) is NDJSON: a header, then one line per
//! group or row; see README.md, "Partial results and merge".

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value as J};

use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::commands::fillnull::FillnullCmd;
use crate::commands::stats::{PartialSlot, StatsCmd};
use crate::commands::support::pipeline::{Operator, PartStart, Plan, PlanCtx, StageStats};
use crate::commands::tstats::TstatsCmd;
use crate::engine::run::{self, Feed, FileFeed, Query, RunReport};
use crate::functions::stats::{json_num, json_value, num_json, value_json};
use crate::input::{Meta, Source, Summary};
use crate::spl::ast::{Command, CommandKind, Pipeline};

/// The version of the partial format this spleval writes and reads.
pub const VERSION: u64 = 1;

/// What a shard ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitKind {
    /// The states of the first `stats`' groups.
    Stats,
    /// The rows after the streaming commands.
    Rows,
}

impl SplitKind {
    pub fn name(self) -> &'static str {
        match self {
            SplitKind::Stats => "stats",
            SplitKind::Rows => "rows",
        }
    }
}

/// Where a search splits.
#[derive(Debug, Clone)]
pub struct Split {
    pub kind: SplitKind,
    /// The commands a shard runs before the stats (`Stats`), or all it runs (`Rows`).
    pub prefix: usize,
    /// Why, in words (for `--explain` and the partial header).
    pub why: String,
}

/// Whether a command gives the same rows run on each shard as run on all
/// events: streaming, not order-sensitive, no subsearch, nothing held back
/// to the end. Err says why not.
fn per_row(cmd: &dyn Command) -> std::result::Result<(), String> {
    let opt = |opts: &[crate::spl::ast::Opt], key: &str| {
        opts.iter()
            .find(|o| o.key.eq_ignore_ascii_case(key))
            .map(|o| o.as_bool())
    };
    if cmd.kind() != CommandKind::Streaming {
        return Err(match cmd.kind() {
            CommandKind::Generating => "it generates events".into(),
            CommandKind::OrderSensitive => "it depends on event order".into(),
            _ => "it transforms all the results".into(),
        });
    }
    if cmd.needs_time_order() {
        return Err("it depends on event order".into());
    }
    if cmd.reads_input_again() || !cmd.subsearches().is_empty() {
        return Err("it has a subsearch".into());
    }
    if !cmd.runnable() {
        return Err("spleval cannot run it".into());
    }
    let any = cmd.as_any();
    match cmd.name() {
        "eventstats" | "join" => Err("it looks at every result".into()),
        "addcoltotals" => Err("it adds a row of totals over every result".into()),
        "fillnull"
            if any
                .downcast_ref::<FillnullCmd>()
                .is_some_and(|f| f.fields.is_empty()) =>
        {
            Err("without fields it fills the fields of every result".into())
        }
        "addtotals"
            if any
                .downcast_ref::<crate::commands::addtotals::AddtotalsCmd>()
                .is_some_and(|a| opt(&a.options, "col") == Some(Some(true))) =>
        {
            Err("col=t adds a row of totals over every result".into())
        }
        "bin"
            if any
                .downcast_ref::<crate::commands::bin::BinCmd>()
                .is_some_and(|b| opt(&b.options, "span").is_none()) =>
        {
            Err("without span= it picks the span from every result".into())
        }
        _ => Ok(()),
    }
}

/// Where `p` splits (see the module).
pub fn split_point(p: &Pipeline) -> Split {
    for (i, node) in p.commands.iter().enumerate() {
        // A wildcard aggregation (`values(*) AS *`) has no states to ship:
        // its columns are known only from the events.
        let wild = node
            .cmd
            .as_any()
            .downcast_ref::<StatsCmd>()
            .is_some_and(|s| s.aggs.iter().any(crate::commands::stats::is_wildcard));
        if wild {
            return Split {
                kind: SplitKind::Rows,
                prefix: i,
                why: format!(
                    "no split at stats (command {}): a wildcard field name in its aggregations has no partial states; each shard runs the {i} command(s) before it and ships its rows, merge runs the rest",
                    i + 1
                ),
            };
        }
        // A leading tstats aggregates the view's rows as stats does (not
        // with prestats=t, which passes the rows on).
        let tstats = node
            .cmd
            .as_any()
            .downcast_ref::<TstatsCmd>()
            .is_some_and(|t| i == 0 && t.option("prestats") != Some(true));
        if tstats {
            return Split {
                kind: SplitKind::Stats,
                prefix: 0,
                why: format!(
                    "split at tstats (command 1): each shard runs it and ships its partial states per group; merge merges them and runs the {} command(s) after",
                    p.commands.len() - 1
                ),
            };
        }
        if node.cmd.name() == "stats" {
            return Split {
                kind: SplitKind::Stats,
                prefix: i,
                why: format!(
                    "split at stats (command {}): each shard runs the {i} command(s) before it and ships stats' partial states per group; merge merges them and runs the {} command(s) after",
                    i + 1,
                    p.commands.len() - i - 1
                ),
            };
        }
        if let Err(why) = per_row(&*node.cmd) {
            return Split {
                kind: SplitKind::Rows,
                prefix: i,
                why: format!(
                    "no split at stats: `{}` (command {}) cannot run per shard ({why}); each shard runs the {i} command(s) before it and ships its rows, merge runs the rest",
                    node.cmd.name(),
                    i + 1
                ),
            };
        }
    }
    Split {
        kind: SplitKind::Rows,
        prefix: p.commands.len(),
        why: "no stats: each shard runs the whole search and ships its rows; merge puts them in search order".into(),
    }
}

/// A search with a subsearch reads the whole input again: neither side has it.
fn refuse_subsearch(query: &Query) -> Result<()> {
    if query.has_subsearch() {
        return Err(SplError::usage(
            "this search has a subsearch, which reads the whole input again: it cannot run split into partials",
        )
        .with_help("run it with `spleval run` over all the events"));
    }
    Ok(())
}

/// The commands `range` of the search, as a pipeline of their own (parsed
/// again from the expanded text: spans still point into it).
fn part(query: &Query, range: std::ops::Range<usize>) -> Result<Pipeline> {
    let mut p = run::parse(&query.expanded)?;
    p.commands.truncate(range.end);
    p.commands.drain(..range.start);
    Ok(p)
}

/// The file names the sources stand for, in reading order.
fn input_names(sources: &[Source]) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for s in sources {
        match s {
            Source::File(p) => {
                let mut files = Vec::new();
                crate::input::collect_files(p, &mut files)?;
                names.extend(files.iter().map(|f| f.display().to_string()));
            }
            other => names.push(other.name()),
        }
    }
    Ok(names)
}

/// Runs the shard side of the search over the sources and writes the
/// partial to `out`. Returns the split and the run's report.
pub fn run_shard(
    query: &Query,
    ctx: &PlanCtx,
    sources: &[Source],
    meta: &Meta,
    out: &mut dyn Write,
) -> Result<(Split, RunReport)> {
    refuse_subsearch(query)?;
    // The whole search plans as `run` would (same errors).
    let full = query.plan(ctx)?;
    let split = split_point(&query.pipeline);
    let slot: PartialSlot = Default::default();
    let mut shard_ctx = ctx.clone();
    let keep = match split.kind {
        SplitKind::Stats => {
            shard_ctx.partial_stats = Some(slot.clone());
            split.prefix + 1
        }
        SplitKind::Rows => split.prefix,
    };
    let shard = part(query, 0..keep)?;
    let mut plan = Plan::build_part(
        &shard,
        &shard_ctx,
        PartStart {
            ordered: false,
            returns_events: true,
            order_at_end: false,
        },
    )
    .map_err(|e| query.locate(e))?;
    let mut report = RunReport {
        returns_events: full.returns_events,
        columns: full.columns.clone(),
        ..Default::default()
    };
    // Rows before a plain `dedup`: only the first N per combination of its
    // fields can be among the first N of all shards together (search
    // order is time, then shard, then position), so only those are shipped.
    let dedup = (split.kind == SplitKind::Rows)
        .then(|| query.pipeline.commands.get(split.prefix))
        .flatten()
        .and_then(|node| {
            node.cmd
                .as_any()
                .downcast_ref::<crate::commands::dedup::DedupCmd>()
        })
        .and_then(|d| d.keeps_first());
    let mut per_key: HashMap<Vec<String>, Vec<Event>> = HashMap::new();
    let mut rows: Vec<String> = Vec::new();
    let mut sink = |ev: Event| -> Result<()> {
        if split.kind != SplitKind::Rows {
            return Ok(());
        }
        let Some((fields, n, keepempty)) = &dedup else {
            rows.push(row_line(&ev));
            return Ok(());
        };
        match crate::commands::dedup::dedup_key(&ev, fields) {
            None if *keepempty => rows.push(row_line(&ev)),
            None => {}
            Some(key) => {
                crate::commands::dedup::keep_first(per_key.entry(key).or_default(), *n, ev)
            }
        }
        Ok(())
    };
    if !full.generating {
        let feed = FileFeed {
            sources: sources.to_vec(),
            meta: meta.clone(),
        };
        // Read for the whole search: the fields it reads, its prefilter.
        report.input = feed
            .feed_planned(&query.pipeline, ctx, &mut |ev| {
                plan.push(ev, &mut sink)?;
                Ok(true)
            })
            .map_err(|e| query.locate(e))?;
    }
    plan.finish(&mut sink).map_err(|e| query.locate(e))?;
    let mut kept: Vec<Event> = per_key.into_values().flatten().collect();
    kept.sort_by(Event::search_order);
    rows.extend(kept.iter().map(row_line));
    report.stages = plan.stats();
    let mut header = json!({
        "spleval_partial": VERSION,
        "search": query.expanded.text,
        "split": split.kind.name(),
        "inputs": input_names(sources)?,
        "events": report.input.events,
        "reason": match &dedup {
            Some((_, n, _)) => format!("{}; before dedup, the shard ships only the first {n} row(s) of each combination", split.why),
            None => split.why.clone(),
        },
    });
    let mut lines = rows;
    if split.kind == SplitKind::Stats {
        let partial = slot
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or_default();
        if !partial.non_numeric.is_empty() {
            header["non_numeric"] = json!(partial.non_numeric);
        }
        for (key, arrival, states) in partial.groups {
            let mut line = json!({
                "key": key.iter().map(value_json).collect::<Vec<_>>(),
                "states": states,
            });
            if partial.ordered {
                line["at"] = num_json(arrival);
            }
            lines.push(line.to_string());
        }
    }
    let io = |e: std::io::Error| SplError::runtime(format!("cannot write the partial: {e}"));
    writeln!(out, "{header}").map_err(io)?;
    for l in lines {
        writeln!(out, "{l}").map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok((split, report))
}

/// A row of a "rows" partial: its search order time, its position in the
/// shard's input, and its fields in order.
fn row_line(ev: &Event) -> String {
    json!({
        "t": num_json(ev.orig_time),
        "seq": ev.seq,
        "fields": ev.iter().map(|(k, v)| json!([k.as_str(), value_json(v)])).collect::<Vec<_>>(),
    })
    .to_string()
}

fn read_row(j: &J) -> std::result::Result<Event, String> {
    let fields = j
        .get("fields")
        .and_then(J::as_array)
        .ok_or("a row needs \"fields\": [[name, value], …]")?;
    let mut ev = Event::with_capacity(fields.len());
    for f in fields {
        match f.as_array().map(Vec::as_slice) {
            Some([J::String(name), v]) => ev.set(name.clone(), json_value(v)?),
            _ => return Err(format!("a field is [name, value], not {f}")),
        }
    }
    ev.orig_time = json_num(j.get("t").ok_or("a row needs \"t\"")?)?;
    ev.seq = j
        .get("seq")
        .and_then(J::as_u64)
        .ok_or("a row needs \"seq\"")?;
    Ok(ev)
}

/// One partial file to merge: its path and header.
struct PartialFile {
    path: PathBuf,
    inputs: Vec<String>,
    events: u64,
    non_numeric: Vec<String>,
}

fn bad_line(path: &Path, line: usize, what: impl std::fmt::Display) -> SplError {
    SplError::input(format!(
        "{}:{line}: malformed partial line: {what}",
        path.display()
    ))
}

/// A JSON error on one line: the column (the line is the file's, given apart).
fn not_json(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    format!("not JSON: {msg} (column {})", e.column())
}

fn open(path: &Path) -> Result<std::io::Lines<std::io::BufReader<std::fs::File>>> {
    let f = std::fs::File::open(path)
        .map_err(|e| SplError::input(format!("cannot read partial {}: {e}", path.display())))?;
    Ok(std::io::BufReader::new(f).lines())
}

/// Reads and checks a partial's header: version, search, split.
fn read_header(path: &Path, search: &str, split: &Split) -> Result<PartialFile> {
    let first = match open(path)?.next() {
        Some(Ok(l)) => l,
        Some(Err(e)) => return Err(bad_line(path, 1, e)),
        None => {
            return Err(SplError::input(format!(
                "{}: empty file, not a spleval partial",
                path.display()
            )))
        }
    };
    let h: J = serde_json::from_str(&first).map_err(|e| bad_line(path, 1, not_json(&e)))?;
    let Some(version) = h.get("spleval_partial") else {
        return Err(SplError::input(format!(
            "{}:1: not a spleval partial: the first line has no \"spleval_partial\" version",
            path.display()
        ))
        .with_help("write partials with `spleval run --partial`"));
    };
    if version.as_u64() != Some(VERSION) {
        return Err(SplError::input(format!(
            "{}: partial format version {version}, but this spleval reads version {VERSION}",
            path.display()
        ))
        .with_help("write the partials again with this spleval's `run --partial`"));
    }
    let theirs = h.get("search").and_then(J::as_str).unwrap_or_default();
    if theirs != search {
        return Err(SplError::input(format!(
            "{}: the partial is of a different search than the one to merge",
            path.display()
        ))
        .with_help(format!(
            "the partial's search: {theirs}\nthe merge's search:   {search}"
        )));
    }
    let kind = h.get("split").and_then(J::as_str).unwrap_or_default();
    if kind != split.kind.name() {
        return Err(SplError::input(format!(
            "{}: the partial is split at {kind:?}, but this spleval splits the search at {:?}",
            path.display(),
            split.kind.name()
        )));
    }
    let strs = |k: &str| -> Result<Vec<String>> {
        match h.get(k) {
            None => Ok(Vec::new()),
            Some(J::Array(a)) if a.iter().all(J::is_string) => Ok(a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()),
            Some(other) => Err(bad_line(
                path,
                1,
                format!("\"{k}\" is a list of names, not {other}"),
            )),
        }
    };
    Ok(PartialFile {
        path: path.to_path_buf(),
        inputs: strs("inputs")?,
        events: h
            .get("events")
            .and_then(J::as_u64)
            .ok_or_else(|| bad_line(path, 1, "the header needs \"events\": N"))?,
        non_numeric: strs("non_numeric")?,
    })
}

/// Reads the partials, in their global order: by their inputs, then their
/// file names (whatever order they were given in).
fn read_headers(query: &Query, split: &Split, paths: &[PathBuf]) -> Result<Vec<PartialFile>> {
    let mut files = paths
        .iter()
        .map(|p| read_header(p, &query.expanded.text, split))
        .collect::<Result<Vec<_>>>()?;
    files.sort_by(|a, b| a.inputs.cmp(&b.inputs).then(a.path.cmp(&b.path)));
    Ok(files)
}

/// The lines after a partial's header, each with its line number.
fn body(f: &PartialFile) -> Result<impl Iterator<Item = Result<(usize, J)>> + '_> {
    Ok(open(&f.path)?
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.as_ref().is_ok_and(|l| l.trim().is_empty()))
        .map(|(n, l)| {
            let l = l.map_err(|e| bad_line(&f.path, n + 1, e))?;
            let j: J =
                serde_json::from_str(&l).map_err(|e| bad_line(&f.path, n + 1, not_json(&e)))?;
            Ok((n + 1, j))
        }))
}

/// Merges the partials and runs the rest of the search, sending the
/// results to `sink`: the results of one `run` over all the shards' inputs
/// (in the order of the partials, see [`read_headers`]).
pub fn merge(
    query: &Query,
    ctx: &PlanCtx,
    paths: &[PathBuf],
    sink: &mut dyn FnMut(Event) -> Result<()>,
) -> Result<(Split, RunReport)> {
    refuse_subsearch(query)?;
    let full = query.plan(ctx)?;
    let split = split_point(&query.pipeline);
    let files = read_headers(query, &split, paths)?;
    let mut report = RunReport {
        returns_events: full.returns_events,
        columns: full.columns.clone(),
        input: Summary {
            events: files.iter().map(|f| f.events).sum(),
            files: files.len() as u64,
            ..Default::default()
        },
        ..Default::default()
    };
    match split.kind {
        SplitKind::Stats => {
            let node = &query.pipeline.commands[split.prefix];
            let any = node.cmd.as_any();
            let op = match (
                any.downcast_ref::<StatsCmd>(),
                any.downcast_ref::<TstatsCmd>(),
            ) {
                (Some(c), _) => c.stats_op(ctx),
                (_, Some(t)) => t.stats_op(ctx),
                _ => unreachable!("the split is at a stats or tstats command"),
            };
            let mut op = op.map_err(|e| query.locate(e.at(node.span)))?;
            let rest = part(query, split.prefix + 1..query.pipeline.commands.len())?;
            let mut plan = Plan::build_part(
                &rest,
                ctx,
                PartStart {
                    ordered: true,
                    returns_events: false,
                    order_at_end: true,
                },
            )
            .map_err(|e| query.locate(e))?;
            let mut merged = StageStats {
                // Rendered with its text (`stats count by …`); the split line above says it merges.
                name: node.cmd.name().into(),
                span: Some(node.span),
                ..Default::default()
            };
            for f in &files {
                op.merge_non_numeric(f.non_numeric.iter().cloned());
                for item in body(f)? {
                    let (n, j) = item?;
                    let bad = |what: String| bad_line(&f.path, n, what);
                    let key = j
                        .get("key")
                        .and_then(J::as_array)
                        .ok_or_else(|| bad("a group needs \"key\": [values]".into()))?
                        .iter()
                        .map(json_value)
                        .collect::<std::result::Result<Vec<_>, _>>()
                        .map_err(bad)?;
                    let states = j
                        .get("states")
                        .and_then(J::as_array)
                        .ok_or_else(|| bad("a group needs \"states\": [states]".into()))?;
                    let arrival = match j.get("at") {
                        None => 0.0,
                        Some(a) if op.ordered() => json_num(a).map_err(bad)?,
                        Some(_) => 0.0,
                    };
                    merged.rows_in += 1;
                    op.merge_group(key, arrival, states)
                        .map_err(|e| bad(e.msg.clone()))?;
                }
            }
            let started = std::time::Instant::now();
            let mut emitted = 0u64;
            op.finish(&mut |row| {
                emitted += 1;
                plan.push(row, &mut *sink)
            })
            .map_err(|e| query.locate(e.at(node.span)))?;
            merged.rows_out = emitted;
            merged.time = started.elapsed();
            plan.finish(&mut *sink).map_err(|e| query.locate(e))?;
            report.stages = std::iter::once(merged).chain(plan.stats()).collect();
        }
        SplitKind::Rows => {
            let rest = part(query, split.prefix..query.pipeline.commands.len())?;
            let mut plan = Plan::build(&rest, ctx).map_err(|e| query.locate(e))?;
            if !plan.generating {
                // Positions continue from shard to shard, as one run reads its inputs.
                let mut offset = 0u64;
                'files: for f in &files {
                    for item in body(f)? {
                        let (n, j) = item?;
                        let mut ev = read_row(&j).map_err(|e| bad_line(&f.path, n, e))?;
                        ev.seq += offset;
                        plan.push(ev, &mut *sink).map_err(|e| query.locate(e))?;
                        if plan.done() {
                            break 'files;
                        }
                    }
                    offset += f.events;
                }
            }
            plan.finish(&mut *sink).map_err(|e| query.locate(e))?;
            report.stages = plan.stats();
        }
    }
    Ok((split, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(spl: &str) -> Split {
        split_point(&crate::commands::parse_pipeline(spl).unwrap())
    }

    #[test]
    fn splits_at_the_first_stats_after_streaming_commands() {
        let s =
            split("EventID=1 | eval x=1 | where x>0 | stats count by host | sort - count | head 3");
        assert_eq!((s.kind, s.prefix), (SplitKind::Stats, 3));
        let s = split("* | stats count");
        assert_eq!((s.kind, s.prefix), (SplitKind::Stats, 1));
    }

    #[test]
    fn ships_rows_when_something_before_stats_cannot_run_per_shard() {
        for (spl, at) in [
            ("* | head 3 | stats count", 1),
            ("* | eval a=1 | dedup host | stats count", 2),
            ("* | eventstats count | stats count", 1),
            ("* | fillnull | stats count", 1),
            ("* | bin bins=10 x | stats count by x", 1),
            ("* | sort x | stats count", 1),
            ("| makeresults | stats count", 0),
        ] {
            let s = split(spl);
            assert_eq!(
                (s.kind, s.prefix),
                (SplitKind::Rows, at),
                "{spl}: {}",
                s.why
            );
        }
        let s = split("* | fillnull value=0 x | bin span=1h _time | eval y=2");
        assert_eq!((s.kind, s.prefix), (SplitKind::Rows, 4));
        assert!(s.why.starts_with("no stats"));
    }
}
