//! Reading events. The format of each input is detected from its content
//! (after transparent gzip/zstd decompression), not from its name:
//!
//! - `{` → NDJSON, one JSON object per line; Splunk export lines
//!   (`{"result":{…}}`) and `{"results":[…]}` documents are unwrapped, and a
//!   pretty-printed object (or a sequence of them) is read as whole documents;
//! - `[` → a JSON array of objects;
//! - `<Event`/`<?xml` → Windows XML events (XmlWinEventLog), one `<Event>…</Event>` per
//!   line as attack_data stores them (an event spanning lines is joined);
//! - `ElfFile\0` → a Windows event log file (`.evtx`), one event per record
//!   as XmlWinEventLog ([`evtx`]);
//! - CSV with a header row (by the `.csv` extension or a convincing header);
//! - anything else → raw text, one event per line (`_raw`, and `_time` from a
//!   leading timestamp when one parses).
//!
//! Folders are recursed (files in sorted order). Nested JSON objects flatten to
//! dotted names (`status.errorCode`), arrays to `{}` names holding multivalues
//! (`tags{}`, `list{}.k`). `_raw` is the record as read; `_time` comes from the
//! event's own timestamp fields. A malformed record is reported on stderr with
//! `file:line` (and its record number where lines do not delimit records),
//! skipped and counted. Then the search-time knowledge is applied to each
//! event ([`knowledge`]).
//!
//! Modules: [`source`] opens inputs and detects their format; one reader per
//! format ([`ndjson`] with its projecting scanner [`jsonscan`], [`json`],
//! [`csv`], [`raw`], [`winxml`], [`evtx`]); [`prefilter`] and [`projection`] are what
//! a planned search lets the NDJSON reader skip; [`explain`] serves
//! `run --explain-fields`.

mod ahead;
pub mod csv;
pub mod evtx;
pub mod explain;
pub mod json;
pub mod jsonscan;
pub mod knowledge;
pub mod ndjson;
pub mod prefilter;
pub mod projection;
pub mod raw;
pub mod source;
pub mod winxml;

use std::path::PathBuf;
use std::sync::Arc;

use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::content::knowledge::Knowledge;
use crate::input::jsonscan::Wanted;
use crate::input::prefilter::Prefilter;
use ndjson::{map_ndjson, page_size, read_ndjson_data, Ndjson};
pub use source::{collect_files, Format, Source};
use source::{read_stream, read_stream_with};

/// Metadata to set on events that lack it, and what to apply to every event.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub sourcetype: Option<String>,
    pub source: Option<String>,
    pub host: Option<String>,
    pub index: Option<String>,
    /// Keep only events with `_time` at or after this (epoch seconds).
    pub earliest: Option<f64>,
    /// Keep only events before this.
    pub latest: Option<f64>,
    /// Search-time knowledge to apply; None: the shipped packs
    /// ([`Knowledge::shipped`]). `Some(Knowledge::empty())` applies none.
    pub knowledge: Option<Arc<Knowledge>>,
    /// The clock a knowledge timestamp without a year or a date is read
    /// against (`--now`); None: the wall clock.
    pub now: Option<f64>,
}

impl Meta {
    /// Whether an event is inside the `--earliest`/`--latest` window.
    pub fn in_window(&self, ev: &Event) -> bool {
        if self.earliest.is_none() && self.latest.is_none() {
            return true;
        }
        let Some(t) = ev.time() else { return false };
        self.earliest.is_none_or(|e| t >= e) && self.latest.is_none_or(|l| t < l)
    }

    /// The knowledge applied to events.
    pub fn knowledge(&self) -> &Knowledge {
        match &self.knowledge {
            Some(k) => k,
            None => Knowledge::shipped(),
        }
    }
}

/// Per-input metadata (`source`, `sourcetype`, `host`, `index`), set on that
/// input's events that lack the field; it takes precedence over [`Meta`]'s.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileMeta {
    pub sourcetype: Option<String>,
    pub source: Option<String>,
    pub host: Option<String>,
    pub index: Option<String>,
}

/// Counts of what was read.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub events: u64,
    pub malformed: u64,
    pub files: u64,
    /// Inputs skipped as binary (each warned).
    pub binary: u64,
    /// Files that could not be opened (each warned): the run goes on, and
    /// ends in error.
    pub unreadable: u64,
    /// The literals of the line prefilter, when one ran.
    pub prefilter: Vec<String>,
    /// Lines the prefilter tested, and those it skipped without parsing.
    pub prefilter_lines: u64,
    pub prefiltered: u64,
}

/// One record read from an input.
pub enum Item {
    /// An event; `raw_only` when only `_raw` (and `_time`) came from the
    /// input, so search-time extraction (`kv_mode`) applies to it; `ready`
    /// when its metadata and knowledge were applied already (by the NDJSON
    /// parse workers).
    Event {
        ev: Event,
        raw_only: bool,
        ready: bool,
    },
    /// Lines the prefilter tested and how many it skipped (they cannot match).
    Skipped { tested: u64, skipped: u64 },
    /// A malformed record: its line, its record number where lines do not
    /// delimit records, and what is wrong.
    Bad {
        line: u64,
        record: Option<u64>,
        msg: String,
    },
    /// A malformed record of a binary input, where it is (`chunk 3, record
    /// at offset 0x1a0`, `record 4711`, `file header`) and what is wrong.
    BadAt { at: String, msg: String },
    /// The whole input is not read (binary content): why.
    SkippedFile { msg: String },
}

type Emit<'a> = dyn FnMut(Item) -> Result<bool> + 'a;

/// Reads every source in turn, calling `f` per event; `f` returns false to stop.
/// Malformed records are reported on stderr with file:line and counted.
pub fn read_all(
    sources: &[Source],
    meta: &Meta,
    f: &mut dyn FnMut(Event) -> Result<bool>,
) -> Result<Summary> {
    read_all_planned(sources, meta, Shortcuts::default(), f)
}

/// What a search lets the NDJSON reader skip (the events that reach the
/// search are the same, with at least the fields it reads).
#[derive(Clone, Copy, Default)]
pub struct Shortcuts<'a> {
    /// Lines that cannot match are not parsed ([`crate::engine::prefilter`]).
    pub prefilter: Option<&'a Prefilter>,
    /// Only these fields are decoded ([`crate::input::jsonscan`]).
    pub wanted: Option<&'a Wanted>,
    /// Keep each projected event's line ([`Event::record`]) so it can be
    /// completed later ([`complete`]); events read whole get this knowledge
    /// (the meta's applies to projected events only).
    pub complete_with: Option<&'a Knowledge>,
    /// Run on the parse workers once an event is ready; what it returns is
    /// the event's [`Event::route`]. An event read otherwise (not NDJSON)
    /// comes without one.
    pub route: Option<&'a Route<'a>>,
}

/// See [`Shortcuts::route`].
pub type Route<'a> = dyn Fn(&Event) -> Box<[u32]> + Sync + 'a;

/// [`read_all`] with the shortcuts a planned search allows.
pub fn read_all_planned(
    sources: &[Source],
    meta: &Meta,
    shortcuts: Shortcuts<'_>,
    f: &mut dyn FnMut(Event) -> Result<bool>,
) -> Result<Summary> {
    let mut summary = Summary {
        prefilter: shortcuts
            .prefilter
            .map(|p| p.literals().to_vec())
            .unwrap_or_default(),
        ..Default::default()
    };
    let mut seq = 0u64;
    let knowledge = meta.knowledge();
    let mut state = knowledge.state();
    state.set_now(meta.now);
    for src in sources {
        let (src, fmeta) = src.split_meta();
        let inputs = ahead::decode_ahead(src.inputs(&mut summary.unreadable)?);
        for ((name, reader, path), decoded) in inputs {
            summary.files += 1;
            let mut stop = false;
            let input_meta = InputMeta::new(fmeta, meta, &name);
            let meta_wanted = |k: &str| shortcuts.wanted.is_none_or(|w| w.names.contains(k));
            // Run on the parse workers: metadata, then the knowledge (a
            // projected event has the fields the planned knowledge reads).
            let whole_knowledge = shortcuts.complete_with.unwrap_or(knowledge);
            let prepare = |ev: &mut Event, line: Option<&[u8]>, state: &mut knowledge::State| {
                state.set_now(meta.now);
                if let Some(line) = line {
                    input_meta.fill(ev, &meta_wanted);
                    // `_raw`, when the search does not read it, only for
                    // the stanzas that do.
                    knowledge.apply_without_raw(ev, state, &|| jsonscan::raw_of(line));
                } else {
                    input_meta.fill(ev, &|_| true);
                    whole_knowledge.apply(ev, false, state);
                }
                if let Some(route) = shortcuts.route {
                    ev.route = Some(route(ev));
                }
            };
            let mut emit = |item: Item| -> Result<bool> {
                match item {
                    Item::Event {
                        mut ev,
                        raw_only,
                        ready,
                    } => {
                        if !ready {
                            input_meta.fill(&mut ev, &|_| true);
                            whole_knowledge.apply(&mut ev, raw_only, &mut state);
                        }
                        if !meta.in_window(&ev) {
                            return Ok(true);
                        }
                        ev.seq = seq;
                        seq += 1;
                        summary.events += 1;
                        if !f(ev)? {
                            stop = true;
                            return Ok(false);
                        }
                    }
                    Item::Skipped { tested, skipped } => {
                        summary.prefilter_lines += tested;
                        summary.prefiltered += skipped;
                    }
                    Item::Bad { line, record, msg } => {
                        summary.malformed += 1;
                        match record {
                            None => eprintln!("warning: {name}:{line}: {msg}; line skipped"),
                            Some(n) => eprintln!(
                                "warning: {name}:{line}: record {n}: {msg}; record skipped"
                            ),
                        }
                    }
                    Item::BadAt { at, msg } => {
                        summary.malformed += 1;
                        eprintln!("warning: {name}: {at}: {msg}");
                    }
                    Item::SkippedFile { msg } => {
                        summary.binary += 1;
                        eprintln!("warning: {name}: {msg}; file skipped");
                    }
                }
                Ok(true)
            };
            let ndjson = Ndjson {
                shortcuts,
                prepare: &prepare,
            };
            match path.as_deref().filter(|_| !decoded).and_then(map_ndjson) {
                Some(map) => {
                    drop(reader);
                    // Mapped pages of parsed batches are dropped from this
                    // process (they stay in the page cache), so resident
                    // memory does not grow with the file.
                    let page = page_size();
                    let released = std::sync::atomic::AtomicUsize::new(0);
                    let release = |_: usize, upto: usize| {
                        let from = released.load(std::sync::atomic::Ordering::Relaxed);
                        let to = upto / page * page;
                        if to > from {
                            // SAFETY: nothing borrows the mapped bytes below
                            // `upto` any more (events own their text), and
                            // dropping pages of a read-only file mapping only
                            // makes later reads fault them in again.
                            let _ = unsafe {
                                map.unchecked_advise_range(
                                    memmap2::UncheckedAdvice::DontNeed,
                                    from,
                                    to - from,
                                )
                            };
                            released.store(to, std::sync::atomic::Ordering::Relaxed);
                        }
                    };
                    read_ndjson_data(&map, Some(&release), Some(&ndjson), &mut emit)?;
                }
                None => read_stream_with(
                    reader,
                    &name,
                    path.as_deref(),
                    decoded,
                    Some(&ndjson),
                    &mut emit,
                )?,
            }
            if stop {
                return Ok(summary);
            }
        }
    }
    Ok(summary)
}

/// The metadata an input's events get where they lack it: the input's own
/// (`FileMeta`), else the run's; `source` defaults to the input's name.
/// Worked out once per input.
pub(crate) struct InputMeta([(&'static str, Option<String>); 4]);

impl InputMeta {
    pub(crate) fn new(fmeta: Option<&FileMeta>, meta: &Meta, name: &str) -> InputMeta {
        let pick = |f: Option<&Option<String>>, m: &Option<String>| {
            f.and_then(|x| x.clone()).or_else(|| m.clone())
        };
        InputMeta([
            (
                "sourcetype",
                pick(fmeta.map(|m| &m.sourcetype), &meta.sourcetype),
            ),
            (
                "source",
                pick(fmeta.map(|m| &m.source), &meta.source).or_else(|| Some(name.to_string())),
            ),
            ("host", pick(fmeta.map(|m| &m.host), &meta.host)),
            ("index", pick(fmeta.map(|m| &m.index), &meta.index)),
        ])
    }

    /// Sets the metadata fields the event lacks, of those `wanted`.
    pub(crate) fn fill(&self, ev: &mut Event, wanted: &dyn Fn(&str) -> bool) {
        for (k, v) in &self.0 {
            if let Some(v) = v {
                if wanted(k) && !ev.contains(k) {
                    ev.set(*k, Value::Str(v.clone()));
                }
            }
        }
    }
}

/// The whole event a projected one was cut from ([`Shortcuts::complete_with`]):
/// its line parsed again, the metadata it was given, and `knowledge`
/// applied, as if it had been read whole. None when it keeps no line.
pub fn complete(ev: &Event, knowledge: &Knowledge) -> Option<Event> {
    let line = ev.record.as_deref()?;
    let (mut evs, _) = json::parse_json_record(line).ok()?;
    if evs.len() != 1 {
        return None;
    }
    let mut full = evs.pop()?;
    for k in ["sourcetype", "source", "host", "index"] {
        if !full.contains(k) {
            if let Some(v) = ev.get(k) {
                full.set(k, v.clone());
            }
        }
    }
    knowledge.apply(&mut full, false, &mut knowledge.state());
    full.seq = ev.seq;
    Some(full)
}

/// A malformed record: its line, its record number (where lines do not delimit records), the message.
pub type Malformed = (u64, Option<u64>, String);

/// Reads events from bytes in memory (format detected as for files), with
/// metadata and knowledge applied; malformed records are returned as
/// `(line, record, message)`. For tests and tools.
pub fn read_bytes(data: &[u8], name: &str, meta: &Meta) -> Result<(Vec<Event>, Vec<Malformed>)> {
    let knowledge = meta.knowledge();
    let mut state = knowledge.state();
    state.set_now(meta.now);
    let mut events = Vec::new();
    let mut bad = Vec::new();
    let path = PathBuf::from(name);
    let input_meta = InputMeta::new(None, meta, name);
    read_stream(
        Box::new(std::io::Cursor::new(data.to_vec())),
        name,
        Some(&path),
        &mut |item| {
            match item {
                Item::Event {
                    mut ev, raw_only, ..
                } => {
                    input_meta.fill(&mut ev, &|_| true);
                    knowledge.apply(&mut ev, raw_only, &mut state);
                    events.push(ev);
                }
                Item::Bad { line, record, msg } => bad.push((line, record, msg)),
                Item::BadAt { at, msg } => bad.push((0, None, format!("{at}: {msg}"))),
                Item::SkippedFile { msg } => bad.push((0, None, msg)),
                Item::Skipped { .. } => {}
            }
            Ok(true)
        },
    )?;
    Ok((events, bad))
}

#[cfg(test)]
mod tests {
    use super::json::parse_line;
    use super::raw::leading_timestamp;
    use super::source::sniff;
    use super::*;
    use std::path::Path;

    fn read(data: &str, name: &str) -> (Vec<Event>, Vec<Malformed>) {
        let meta = Meta {
            knowledge: Some(Arc::new(Knowledge::empty())),
            ..Default::default()
        };
        read_bytes(data.as_bytes(), name, &meta).unwrap()
    }

    #[test]
    fn flattens_objects_and_arrays() {
        let ev = parse_line(
            r#"{"a":{"b":1,"c":[1,2]},"l":[{"k":"x"},{"k":"y"}],"n":null,"t":true}"#,
            &Meta::default(),
            "f",
        )
        .unwrap();
        assert_eq!(ev.get("a.b"), Some(&Value::from("1")));
        assert_eq!(ev.get("a.c{}").unwrap().mv_count(), 2);
        assert_eq!(ev.get("l{}.k").unwrap().mv_count(), 2);
        assert_eq!(ev.get("n"), None);
        assert_eq!(ev.get("t"), Some(&Value::from("true")));
        assert_eq!(ev.get("source"), Some(&Value::from("f")));
    }

    #[test]
    fn time_from_known_fields() {
        let ev = parse_line(
            r#"{"createdDateTime":"2023-10-12T11:05:44Z"}"#,
            &Meta::default(),
            "f",
        )
        .unwrap();
        assert_eq!(ev.time(), Some(1697108744.0));
        let ev = parse_line(r#"{"_time":1697108744.5}"#, &Meta::default(), "f").unwrap();
        assert_eq!(ev.time(), Some(1697108744.5));
    }

    #[test]
    fn malformed_lines_are_errors() {
        assert!(parse_line("{not json", &Meta::default(), "f").is_err());
        assert!(parse_line("[1,2]", &Meta::default(), "f").is_err());
    }

    #[test]
    fn sniffs_formats() {
        assert_eq!(sniff(b"{\"a\":1}\n", None), Format::Ndjson);
        assert_eq!(sniff(b"{\n  \"a\": 1\n}\n", None), Format::JsonDocs);
        assert_eq!(sniff(b"  [{\"a\":1}]", None), Format::JsonArray);
        assert_eq!(sniff(b"[19/Aug/2024:19:41:22 +0000] x", None), Format::Raw);
        assert_eq!(sniff(b"<Event xmlns='x'>", None), Format::WinXml);
        assert_eq!(sniff(b"user,src_ip\nbob,1.2.3.4\n", None), Format::Csv);
        assert_eq!(sniff(b"hello, world\n", None), Format::Raw);
        assert_eq!(
            sniff(b"a b\n", Some(Path::new("x.csv"))),
            Format::Csv,
            "by extension"
        );
    }

    #[test]
    fn json_array_with_a_bad_record() {
        let (evs, bad) = read(
            "[\n {\"a\": 1},\n {\"a\": 2, },\n {\"a\": \"x,]}\"}\n]\n",
            "f",
        );
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[1].get("a"), Some(&Value::from("x,]}")));
        assert_eq!(bad.len(), 1);
        assert_eq!((bad[0].0, bad[0].1), (3, Some(2)));
    }

    #[test]
    fn export_lines_and_documents() {
        let (evs, _) = read(
            "{\"preview\":false,\"result\":{\"_raw\":\"r1\",\"_time\":\"2023-10-12T11:05:44.000+00:00\",\"x\":[\"a\",\"b\"]}}\n",
            "f",
        );
        assert_eq!(evs[0].get("_raw"), Some(&Value::from("r1")));
        assert_eq!(evs[0].time(), Some(1697108744.0));
        assert_eq!(evs[0].get("x").unwrap().mv_count(), 2);
        let (evs, _) = read(
            "{\n \"results\": [\n  {\"a\": \"1\"},\n  {\"a\": \"2\"}\n ]\n}\n",
            "f",
        );
        assert_eq!(evs.len(), 2);
    }

    #[test]
    fn raw_lines_get_leading_times() {
        let (evs, _) = read("2023-10-12 11:05:44 hello\nno time here\n", "f.log");
        assert_eq!(evs[0].time(), Some(1697108744.0));
        assert_eq!(evs[1].time(), None);
        assert_eq!(evs[1].get("_raw"), Some(&Value::from("no time here")));
        assert_eq!(
            leading_timestamp("[19/Aug/2024:19:41:22 +0000] x"),
            Some(1724096482.0)
        );
    }

    #[test]
    fn csv_rows_and_a_bad_row() {
        let (evs, bad) = read("user,n\nbob,1\nalice,2,3\ncarol,\n", "f.csv");
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[1].get("n"), None);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].0, 3);
    }
}
