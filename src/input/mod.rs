//! Reading events. The format of each input is detected from its content
//! (after transparent gzip/zstd decompression), not from its name:
//!
//! - `{` → NDJSON, one JSON object per line; Splunk export lines
//!   (`{"result":{…}}`) and `{"results":[…]}` documents are unwrapped, and a
//!   pretty-printed object (or a sequence of them) is read as whole documents;
//! - `[` → a JSON array of objects;
//! - `<Event`/`<?xml` → Windows XML events (XmlWinEventLog), one `<Event>…</Event>` per
//!   line as attack_data stores them (an event spanning lines is joined);
//! - CSV with a header row (by the `.csv` extension or a convincing header);
//! - anything else → raw text, one event per line (`_raw`, and `_time` from a
//!   leading timestamp when one parses).
//!
//! Folders are recursed (files in sorted order). Nested JSON objects flatten to
//! dotted names (`status.errorCode`), arrays to `{}` names holding multivalues
//! (`tags{}`, `list{}.k`). `_raw` is the record as read; `_time` comes from the
//! event's own timestamp fields. A malformed record is reported on stderr with
//! `file:line` (and its record number where lines do not delimit records),
//! skipped and counted. Then the search-time knowledge (`crate::content::knowledge`)
//! is applied to each event.

pub mod jsonscan;
pub mod prefilter;
pub mod projection;
pub mod winxml;

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;

use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::{format_number, Value};
use crate::content::knowledge::Knowledge;
use crate::input::jsonscan::{Scan, Wanted};
use crate::input::prefilter::Prefilter;

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

/// Timestamp fields tried, in order, when the event has no `_time`.
pub const TIME_FIELDS: &[&str] = &[
    "timestamp",
    "@timestamp",
    "createdDateTime",
    "eventTime",
    "CreationTime",
    "TimeCreated",
    "time",
    "date",
];

/// Counts of what was read.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub events: u64,
    pub malformed: u64,
    pub files: u64,
}

/// Where events come from: `-` is stdin.
#[derive(Debug, Clone)]
pub enum Source {
    Stdin,
    /// A file or a folder (recursed, files in sorted order).
    File(PathBuf),
    /// Input already read into memory (stdin, when subsearches need to read it again).
    Memory(String, std::sync::Arc<[u8]>),
    /// An input with its own metadata.
    WithMeta(Box<Source>, FileMeta),
}

impl Source {
    pub fn from_arg(s: &str) -> Source {
        if s == "-" {
            Source::Stdin
        } else {
            Source::File(PathBuf::from(s))
        }
    }
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "stdin".into(),
            Source::File(p) => p.display().to_string(),
            Source::Memory(name, _) => name.clone(),
            Source::WithMeta(s, _) => s.name(),
        }
    }

    /// This input with its own metadata.
    pub fn with_meta(self, meta: FileMeta) -> Source {
        match self {
            Source::WithMeta(s, _) => Source::WithMeta(s, meta),
            s => Source::WithMeta(Box::new(s), meta),
        }
    }

    /// Reads stdin into memory so the input can be read more than once.
    pub fn buffered(self) -> Result<Source> {
        match self {
            Source::Stdin => {
                let mut buf = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut buf)
                    .map_err(|e| SplError::input(format!("cannot read stdin: {e}")))?;
                Ok(Source::Memory("stdin".into(), std::sync::Arc::from(buf)))
            }
            Source::WithMeta(s, m) => Ok(Source::WithMeta(Box::new(s.buffered()?), m)),
            other => Ok(other),
        }
    }
}

/// The detected format of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ndjson,
    JsonArray,
    /// Whole JSON documents (pretty-printed objects, `{"results":[…]}`).
    JsonDocs,
    WinXml,
    Csv,
    Raw,
}

/// One record read from an input.
pub enum Item {
    /// An event; `raw_only` when only `_raw` (and `_time`) came from the
    /// input, so search-time extraction (`kv_mode`) applies to it;
    /// `projected` when only the fields the search needs were read and no
    /// knowledge applies to it.
    Event {
        ev: Event,
        raw_only: bool,
        projected: bool,
    },
    /// A malformed record: its line, its record number where lines do not
    /// delimit records, and what is wrong.
    Bad {
        line: u64,
        record: Option<u64>,
        msg: String,
    },
}

type Emit<'a> = dyn FnMut(Item) -> Result<bool> + 'a;

/// Reads every source in turn, calling `f` per event; `f` returns false to stop.
/// Malformed records are reported on stderr with file:line and counted.
pub fn read_all(
    sources: &[Source],
    meta: &Meta,
    f: &mut dyn FnMut(Event) -> Result<bool>,
) -> Result<Summary> {
    read_all_with(sources, meta, None, f)
}

/// What a search lets the NDJSON reader skip (the events that reach the
/// search are the same, with at least the fields it reads).
#[derive(Clone, Copy, Default)]
pub struct Shortcuts<'a> {
    /// Lines that cannot match are not parsed ([`crate::engine::prefilter`]).
    pub prefilter: Option<&'a Prefilter>,
    /// Only these fields are decoded ([`crate::input::jsonscan`]).
    pub wanted: Option<&'a Wanted>,
}

/// [`read_all`], skipping NDJSON lines that the prefilter says cannot match
/// (see [`crate::engine::prefilter`]; the events that remain are the same).
pub fn read_all_with(
    sources: &[Source],
    meta: &Meta,
    prefilter: Option<&Prefilter>,
    f: &mut dyn FnMut(Event) -> Result<bool>,
) -> Result<Summary> {
    read_all_planned(
        sources,
        meta,
        Shortcuts {
            prefilter,
            wanted: None,
        },
        f,
    )
}

/// [`read_all`] with the shortcuts a planned search allows.
pub fn read_all_planned(
    sources: &[Source],
    meta: &Meta,
    shortcuts: Shortcuts<'_>,
    f: &mut dyn FnMut(Event) -> Result<bool>,
) -> Result<Summary> {
    let mut summary = Summary::default();
    let mut seq = 0u64;
    let knowledge = meta.knowledge();
    let mut state = knowledge.state();
    for src in sources {
        let (src, fmeta) = match src {
            Source::WithMeta(s, m) => (&**s, Some(m)),
            s => (s, None),
        };
        let inputs: Vec<(String, Box<dyn Read + Send>, Option<PathBuf>)> = match src {
            Source::Stdin => vec![("stdin".into(), Box::new(std::io::stdin()), None)],
            Source::Memory(name, data) => vec![(
                name.clone(),
                Box::new(std::io::Cursor::new(data.clone())),
                None,
            )],
            Source::File(p) => {
                let mut files = Vec::new();
                collect_files(p, &mut files)?;
                let mut v: Vec<(String, Box<dyn Read + Send>, Option<PathBuf>)> = Vec::new();
                for file in files {
                    v.push((
                        file.display().to_string(),
                        Box::new(open(&file)?),
                        Some(file),
                    ));
                }
                v
            }
            Source::WithMeta(..) => unreachable!("nested metadata is flattened by with_meta"),
        };
        for (name, reader, path) in inputs {
            summary.files += 1;
            let mut stop = false;
            // A projected event is used only when no knowledge stanza applies
            // to it (the stanzas may read fields it does not have).
            let plain_gate = !knowledge.matches_any(
                &effective_meta(None, "sourcetype", fmeta, meta, &name),
                &effective_meta(None, "source", fmeta, meta, &name),
                &effective_meta(None, "host", fmeta, meta, &name),
            );
            let gate = |ev: &Event| -> bool {
                if !["sourcetype", "source", "host"]
                    .iter()
                    .any(|k| ev.contains(k))
                {
                    return plain_gate;
                }
                !knowledge.matches_any(
                    &effective_meta(Some(ev), "sourcetype", fmeta, meta, &name),
                    &effective_meta(Some(ev), "source", fmeta, meta, &name),
                    &effective_meta(Some(ev), "host", fmeta, meta, &name),
                )
            };
            let meta_wanted = |k: &str| shortcuts.wanted.is_none_or(|w| w.names.contains(k));
            let mut emit = |item: Item| -> Result<bool> {
                match item {
                    Item::Event {
                        mut ev,
                        raw_only,
                        projected,
                    } => {
                        if projected {
                            set_file_meta(&mut ev, fmeta, meta, &name, &meta_wanted);
                        } else {
                            apply_file_meta(&mut ev, fmeta, meta, &name);
                            knowledge.apply(&mut ev, raw_only, &mut state);
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
                    Item::Bad { line, record, msg } => {
                        summary.malformed += 1;
                        match record {
                            None => eprintln!("warning: {name}:{line}: {msg}; line skipped"),
                            Some(n) => eprintln!(
                                "warning: {name}:{line}: record {n}: {msg}; record skipped"
                            ),
                        }
                    }
                }
                Ok(true)
            };
            let ndjson = Ndjson {
                shortcuts,
                gate: &gate,
            };
            match path.as_deref().and_then(map_ndjson) {
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
                None => read_stream_with(reader, &name, path.as_deref(), Some(&ndjson), &mut emit)?,
            }
            if stop {
                return Ok(summary);
            }
        }
    }
    Ok(summary)
}

/// The value a metadata field has after [`apply_file_meta`]: the event's own,
/// else the input's, else the run's (`source` defaults to the input's name).
fn effective_meta(
    ev: Option<&Event>,
    k: &str,
    fmeta: Option<&FileMeta>,
    meta: &Meta,
    name: &str,
) -> String {
    if let Some(v) = ev.and_then(|e| e.get(k)).and_then(|v| v.as_text()) {
        return v.into_owned();
    }
    let pick = |m: (&Option<String>, &Option<String>)| m.0.clone().or_else(|| m.1.clone());
    let v = match k {
        "sourcetype" => pick((&fmeta.and_then(|m| m.sourcetype.clone()), &meta.sourcetype)),
        "source" => pick((&fmeta.and_then(|m| m.source.clone()), &meta.source)),
        "host" => pick((&fmeta.and_then(|m| m.host.clone()), &meta.host)),
        _ => None,
    };
    match (v, k) {
        (Some(v), _) => v,
        (None, "source") => name.to_string(),
        _ => String::new(),
    }
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if n > 0 {
        n as usize
    } else {
        4096
    }
}

/// An uncompressed NDJSON file, memory-mapped: the workers read its lines in
/// place, with no copy through a read buffer. None for anything else (it is
/// read as a stream).
fn map_ndjson(path: &Path) -> Option<memmap2::Mmap> {
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() == 0 {
        return None;
    }
    // SAFETY: the map is read-only and lives while the file is read. As with
    // any mapped input, a file truncated by another process while we read it
    // would fault; spleval reads detection data that is not being written.
    let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    let head = &map[..map.len().min(8192)];
    let compressed = head.starts_with(&[0x1f, 0x8b]) || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
    (!compressed && sniff(head, Some(path)) == Format::Ndjson).then_some(map)
}

/// A file, or every file under a folder (recursed, sorted by name, hidden
/// files left out).
pub fn collect_files(p: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
            .map_err(|e| SplError::input(format!("cannot read folder {}: {e}", p.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                !p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'))
            })
            .collect();
        entries.sort();
        for e in entries {
            collect_files(&e, out)?;
        }
    } else {
        out.push(p.to_path_buf());
    }
    Ok(())
}

fn open(p: &Path) -> Result<std::fs::File> {
    std::fs::File::open(p).map_err(|e| SplError::input(format!("cannot open {}: {e}", p.display())))
}

/// Reads up to `n` bytes (fewer at end of input) without losing them: returns
/// them and a reader that yields them again followed by the rest.
fn peek(
    mut r: Box<dyn Read + Send>,
    n: usize,
    name: &str,
) -> Result<(Vec<u8>, Box<dyn Read + Send>)> {
    let mut buf = Vec::with_capacity(n);
    (&mut r)
        .take(n as u64)
        .read_to_end(&mut buf)
        .map_err(|e| SplError::input(format!("{name}: cannot read: {e}")))?;
    let head = buf.clone();
    Ok((head, Box::new(std::io::Cursor::new(buf).chain(r))))
}

/// Decompresses (gzip, zstd) when the magic bytes say so.
fn decompress(r: Box<dyn Read + Send>, name: &str) -> Result<Box<dyn Read + Send>> {
    let (head, r) = peek(r, 4, name)?;
    if head.starts_with(&[0x1f, 0x8b]) {
        return Ok(Box::new(flate2::read::MultiGzDecoder::new(r)));
    }
    if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        let d = zstd::stream::read::Decoder::new(r)
            .map_err(|e| SplError::input(format!("{name}: cannot start zstd: {e}")))?;
        return Ok(Box::new(d));
    }
    Ok(r)
}

/// Detects the format of an input from its first bytes (and its file name for CSV).
pub fn sniff(head: &[u8], path: Option<&Path>) -> Format {
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    let is_csv_name = path
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .is_some_and(|n| {
            let n = n.to_ascii_lowercase();
            n.ends_with(".csv") || n.contains(".csv.")
        });
    if t.starts_with('{') {
        let first = t.lines().next().unwrap_or("").trim();
        if serde_json::from_str::<serde_json::Value>(first).is_ok() || first.ends_with('}') {
            return Format::Ndjson;
        }
        return Format::JsonDocs;
    }
    if t.starts_with('[') && !is_csv_name {
        // `[` followed by a JSON value, not a bracketed log prefix like `[19/Aug/2024…`.
        let rest = t[1..].trim_start();
        if rest.is_empty() || rest.starts_with(['{', '[', '"', ']']) {
            return Format::JsonArray;
        }
    }
    if t.starts_with("<Event") || t.starts_with("<?xml") || t.starts_with("<Events") {
        return Format::WinXml;
    }
    if is_csv_name || convincing_csv_header(t) {
        return Format::Csv;
    }
    Format::Raw
}

/// A first line of 2+ comma-separated names (no numbers, no spaces around
/// words only), and a second line with as many cells.
fn convincing_csv_header(t: &str) -> bool {
    let mut lines = t.lines();
    let Some(first) = lines.next() else {
        return false;
    };
    let cells = csv_cells(first);
    if cells.len() < 2 {
        return false;
    }
    let name_ok = |c: &String| {
        !c.is_empty()
            && c.trim() == c
            && c.len() <= 64
            && c.chars()
                .next()
                .is_some_and(|ch| ch.is_alphabetic() || ch == '_' || ch == '@')
            && c.chars().all(|ch| {
                ch.is_alphanumeric() || matches!(ch, '_' | '.' | ':' | '{' | '}' | '@' | '-' | ' ')
            })
    };
    if !cells.iter().all(name_ok) {
        return false;
    }
    match lines.next() {
        Some(second) if !second.trim().is_empty() => csv_cells(second).len() == cells.len(),
        _ => false,
    }
}

fn csv_cells(line: &str) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    r.records()
        .next()
        .and_then(|x| x.ok())
        .map(|rec| rec.iter().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Reads one input (decompressing and detecting its format), emitting records.
pub fn read_stream(
    reader: Box<dyn Read + Send>,
    name: &str,
    path: Option<&Path>,
    emit: &mut Emit<'_>,
) -> Result<()> {
    read_stream_with(reader, name, path, None, emit)
}

fn read_stream_with(
    reader: Box<dyn Read + Send>,
    name: &str,
    path: Option<&Path>,
    ndjson: Option<&Ndjson<'_>>,
    emit: &mut Emit<'_>,
) -> Result<()> {
    let reader = decompress(reader, name)?;
    let (head, reader) = peek(reader, 8192, name)?;
    let format = sniff(&head, path);
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    match format {
        Format::Ndjson => read_ndjson(&mut reader, name, ndjson, emit),
        Format::JsonArray | Format::JsonDocs => read_json_values(&mut reader, name, emit),
        Format::WinXml => read_winxml(&mut reader, name, emit),
        Format::Csv => read_csv(reader, name, emit),
        Format::Raw => read_raw(&mut reader, name, emit),
    }
}

/// Calls `f(lineno, text)` for each line (without its line end).
fn for_lines(
    reader: &mut dyn BufRead,
    name: &str,
    f: &mut dyn FnMut(u64, &str) -> Result<bool>,
) -> Result<()> {
    let mut buf = Vec::new();
    let mut lineno = 0u64;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| SplError::input(format!("{name}:{}: cannot read: {e}", lineno + 1)))?;
        if n == 0 {
            return Ok(());
        }
        lineno += 1;
        let text = String::from_utf8_lossy(&buf);
        let mut text = text.trim_end_matches(['\n', '\r']);
        if lineno == 1 {
            text = text.trim_start_matches('\u{feff}');
        }
        if !f(lineno, text)? {
            return Ok(());
        }
    }
}

/// Bytes of NDJSON decoded per parallel batch.
const NDJSON_BATCH: usize = 4 << 20;

/// How NDJSON lines may be read for one input: the search's shortcuts, and
/// whether a projected event may be used (no knowledge applies to it).
pub struct Ndjson<'a> {
    pub shortcuts: Shortcuts<'a>,
    pub gate: &'a (dyn Fn(&Event) -> bool + Sync),
}

/// One NDJSON line, parsed.
enum Parsed {
    /// Only the wanted fields; no knowledge applies.
    Projected(Event),
    Full(Vec<Event>),
    Bad(String),
}

fn parse_ndjson_line(line: &[u8], nd: Option<&Ndjson<'_>>) -> Parsed {
    if let Some(nd) = nd {
        if let Some(w) = nd.shortcuts.wanted {
            if let Scan::Event(ev) = crate::input::jsonscan::scan_line(line, w) {
                if (nd.gate)(&ev) {
                    return Parsed::Projected(ev);
                }
            }
        }
    }
    let text = String::from_utf8_lossy(line);
    match parse_json_record(&text) {
        Ok(evs) => Parsed::Full(evs),
        Err(msg) => Parsed::Bad(msg),
    }
}

/// NDJSON from a reader (decompressed input, stdin): read in large blocks,
/// cut at the last line end; see [`ndjson_batches`].
fn read_ndjson(
    reader: &mut (dyn BufRead + Send),
    name: &str,
    nd: Option<&Ndjson<'_>>,
    emit: &mut Emit<'_>,
) -> Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    let mut eof = false;
    let next = move || -> Option<Result<Cow<'static, [u8]>>> {
        let mut buf = std::mem::take(&mut carry);
        while !eof && (buf.len() < NDJSON_BATCH || memchr::memrchr(b'\n', &buf).is_none()) {
            let old = buf.len();
            buf.resize(old + (1 << 20), 0);
            match reader.read(&mut buf[old..]) {
                Ok(0) => {
                    buf.truncate(old);
                    eof = true;
                }
                Ok(k) => buf.truncate(old + k),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(old),
                Err(e) => {
                    return Some(Err(SplError::input(format!("{name}: cannot read: {e}"))));
                }
            }
        }
        if !eof {
            if let Some(i) = memchr::memrchr(b'\n', &buf) {
                carry = buf[i + 1..].to_vec();
                buf.truncate(i + 1);
            }
        }
        (!buf.is_empty()).then_some(Ok(Cow::Owned(buf)))
    };
    ndjson_batches(nd, emit, next)
}

/// NDJSON already in memory (a mapped file, buffered stdin): batches are
/// slices of it, nothing is copied.
fn read_ndjson_data(
    data: &[u8],
    release: Option<&(dyn Fn(usize, usize) + Sync)>,
    nd: Option<&Ndjson<'_>>,
    emit: &mut Emit<'_>,
) -> Result<()> {
    let mut pos = 0;
    let next = move || -> Option<Result<Cow<'_, [u8]>>> {
        // The batches before `pos` are parsed: their pages may go.
        if let Some(r) = release {
            r(0, pos);
        }
        if pos >= data.len() {
            return None;
        }
        let mut end = (pos + NDJSON_BATCH).min(data.len());
        if end < data.len() {
            end = memchr::memchr(b'\n', &data[end..]).map_or(data.len(), |i| end + i + 1);
        }
        let batch = &data[pos..end];
        pos = end;
        Some(Ok(Cow::Borrowed(batch)))
    };
    ndjson_batches(nd, emit, next)
}

/// Bytes of NDJSON one worker task filters and parses.
const NDJSON_PIECE: usize = 256 << 10;

/// Runs the NDJSON pipeline: a thread takes batches of whole lines from
/// `next` and has rayon workers filter and parse pieces of each; events are
/// emitted here, in input order, while the next batch is being parsed.
fn ndjson_batches<'d>(
    nd: Option<&Ndjson<'_>>,
    emit: &mut Emit<'_>,
    mut next: impl FnMut() -> Option<Result<Cow<'d, [u8]>>> + Send,
) -> Result<()> {
    type Batch = Vec<(u64, Parsed)>;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Batch>>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            // Lines before the current batch.
            let mut before = 0u64;
            while let Some(batch) = next() {
                let batch = match batch {
                    Ok(b) => b,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                let (parsed, lines) = parse_batch(&batch, before, nd);
                before += lines;
                if tx.send(Ok(parsed)).is_err() {
                    // The search stopped reading.
                    return;
                }
            }
        });
        for batch in rx {
            for (n, r) in batch? {
                let go = match r {
                    Parsed::Projected(ev) => emit(Item::Event {
                        ev,
                        raw_only: false,
                        projected: true,
                    })?,
                    Parsed::Full(evs) => {
                        let mut go = true;
                        for ev in evs {
                            if !emit(Item::Event {
                                ev,
                                raw_only: false,
                                projected: false,
                            })? {
                                go = false;
                                break;
                            }
                        }
                        go
                    }
                    Parsed::Bad(msg) => emit(Item::Bad {
                        line: n,
                        record: None,
                        msg,
                    })?,
                };
                if !go {
                    return Ok(());
                }
            }
        }
        Ok(())
    })
}

/// Filters and parses one batch of whole lines in parallel pieces; returns
/// the parsed lines with their line numbers and how many lines it held.
fn parse_batch(batch: &[u8], before: u64, nd: Option<&Ndjson<'_>>) -> (Vec<(u64, Parsed)>, u64) {
    use rayon::prelude::*;
    let mut cuts = vec![0];
    let mut pos = 0;
    while pos + NDJSON_PIECE < batch.len() {
        let from = pos + NDJSON_PIECE;
        match memchr::memchr(b'\n', &batch[from..]) {
            Some(i) if from + i + 1 < batch.len() => {
                pos = from + i + 1;
                cuts.push(pos);
            }
            _ => break,
        }
    }
    cuts.push(batch.len());
    let pieces: Vec<(Vec<(u64, Parsed)>, u64)> = cuts
        .par_windows(2)
        .map(|w| parse_piece(&batch[w[0]..w[1]], before == 0 && w[0] == 0, nd))
        .collect();
    let mut out = Vec::new();
    let mut base = before;
    for (parsed, lines) in pieces {
        out.extend(parsed.into_iter().map(|(n, p)| (base + n, p)));
        base += lines;
    }
    (out, base - before)
}

/// One piece of whole lines: split, prefiltered (all lines at once), parsed.
/// Line numbers are relative to the piece (1-based).
fn parse_piece(
    piece: &[u8],
    input_start: bool,
    nd: Option<&Ndjson<'_>>,
) -> (Vec<(u64, Parsed)>, u64) {
    let mut lines: Vec<&[u8]> = Vec::with_capacity(piece.len() / 1024 + 1);
    let mut numbers: Vec<u64> = Vec::with_capacity(piece.len() / 1024 + 1);
    let mut start = 0;
    let mut n = 0u64;
    let last = (!piece.is_empty() && !piece.ends_with(b"\n")).then_some(piece.len());
    for end in memchr::memchr_iter(b'\n', piece).chain(last) {
        let mut line = &piece[start..end];
        start = end + 1;
        n += 1;
        while let [rest @ .., b'\r'] = line {
            line = rest;
        }
        if input_start && n == 1 {
            line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        }
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        lines.push(line);
        numbers.push(n);
    }
    let keep = match nd.and_then(|x| x.shortcuts.prefilter) {
        Some(p) => p.keep_lines(piece, &lines),
        None => vec![true; lines.len()],
    };
    let parsed = lines
        .iter()
        .zip(numbers)
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|((l, num), _)| (num, parse_ndjson_line(l, nd)))
        .collect();
    (parsed, n)
}

/// One JSON text (an NDJSON line or an array element) → its events: an
/// object, or the results of a Splunk export (`{"result":{…}}`, `{"results":[…]}`).
fn parse_json_record(text: &str) -> std::result::Result<Vec<Event>, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("malformed JSON ({e})"))?;
    let serde_json::Value::Object(obj) = v else {
        return Err("not a JSON object".into());
    };
    Ok(match export_results(&obj) {
        Some(results) => results.into_iter().map(from_export_result).collect(),
        None => {
            let mut ev = from_object(&obj);
            if !ev.contains("_raw") {
                ev.set("_raw", Value::Str(text.to_string()));
            }
            vec![ev]
        }
    })
}

/// The result objects of a Splunk export line or document, if `obj` is one.
fn export_results(
    obj: &serde_json::Map<String, serde_json::Value>,
) -> Option<Vec<&serde_json::Map<String, serde_json::Value>>> {
    const ENVELOPE: &[&str] = &[
        "preview",
        "offset",
        "lastrow",
        "init_offset",
        "messages",
        "fields",
        "highlighted",
        "post_process_count",
    ];
    let only_envelope = |key: &str| {
        obj.keys()
            .all(|k| k == key || ENVELOPE.contains(&k.as_str()))
    };
    if let Some(serde_json::Value::Object(r)) = obj.get("result") {
        if only_envelope("result") {
            return Some(vec![r]);
        }
    }
    if let Some(serde_json::Value::Array(rs)) = obj.get("results") {
        if only_envelope("results") && rs.iter().all(|r| r.is_object()) {
            return Some(rs.iter().filter_map(|r| r.as_object()).collect());
        }
    }
    None
}

/// A Splunk export result: fields as Splunk returned them (a JSON array is a
/// multivalue field of the same name), `_raw` and `_time` kept.
fn from_export_result(obj: &serde_json::Map<String, serde_json::Value>) -> Event {
    let mut ev = Event::with_capacity(obj.len() + 2);
    for (k, v) in obj {
        match v {
            serde_json::Value::Array(a) => ev.set(
                k.clone(),
                Value::multi(a.iter().filter_map(scalar).collect()),
            ),
            serde_json::Value::Object(_) => {
                let mut acc = IndexMap::new();
                flatten(k, v, &mut acc);
                for (k, vals) in acc {
                    ev.set(k, Value::multi(vals));
                }
            }
            other => {
                if let Some(s) = scalar(other) {
                    ev.set(k.clone(), s);
                }
            }
        }
    }
    set_time(&mut ev);
    ev
}

/// A JSON array of records, or a sequence of whole JSON documents: records
/// are split at the top level (so one malformed record does not lose the
/// rest) and parsed one at a time.
fn read_json_values(reader: &mut dyn BufRead, name: &str, emit: &mut Emit<'_>) -> Result<()> {
    let mut splitter = JsonSplitter::default();
    let mut record = 0u64;
    let mut buf = Vec::new();
    let mut lineno = 0u64;
    let mut pending: Vec<(u64, String)> = Vec::new();
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| SplError::input(format!("{name}:{}: cannot read: {e}", lineno + 1)))?;
        if n == 0 {
            break;
        }
        lineno += 1;
        let text = String::from_utf8_lossy(&buf);
        let text = if lineno == 1 {
            text.trim_start_matches('\u{feff}')
        } else {
            &text
        };
        splitter.feed(text, lineno, &mut pending);
        for (line, text) in pending.drain(..) {
            record += 1;
            if !emit_json_record(&text, line, record, emit)? {
                return Ok(());
            }
        }
    }
    if let Some((line, text)) = splitter.finish() {
        record += 1;
        if !text.trim().is_empty() {
            emit(Item::Bad {
                line,
                record: Some(record),
                msg: "unterminated JSON record at end of input".into(),
            })?;
        }
    }
    Ok(())
}

fn emit_json_record(text: &str, line: u64, record: u64, emit: &mut Emit<'_>) -> Result<bool> {
    match parse_json_record(text.trim()) {
        Ok(evs) => {
            for ev in evs {
                if !emit(Item::Event {
                    ev,
                    raw_only: false,
                    projected: false,
                })? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Err(msg) => emit(Item::Bad {
            line,
            record: Some(record),
            msg,
        }),
    }
}

/// Splits a stream of JSON text into top-level records: the elements of a
/// top-level array, or consecutive top-level values.
#[derive(Default)]
struct JsonSplitter {
    depth: u32,
    in_str: bool,
    escape: bool,
    /// Inside the top-level array (its elements are the records).
    in_array: bool,
    started: bool,
    cur: String,
    cur_line: u64,
}

impl JsonSplitter {
    fn feed(&mut self, text: &str, lineno: u64, out: &mut Vec<(u64, String)>) {
        for c in text.chars() {
            if !self.started {
                if c.is_whitespace() {
                    continue;
                }
                self.started = true;
                if c == '[' {
                    self.in_array = true;
                    continue;
                }
            }
            if self.in_str {
                self.cur.push(c);
                if self.escape {
                    self.escape = false;
                } else if c == '\\' {
                    self.escape = true;
                } else if c == '"' {
                    self.in_str = false;
                }
                continue;
            }
            let base = u32::from(self.in_array);
            match c {
                '"' => {
                    self.in_str = true;
                    self.start(lineno);
                    self.cur.push(c);
                }
                '{' | '[' => {
                    self.start(lineno);
                    self.depth += 1;
                    self.cur.push(c);
                }
                '}' | ']' if self.depth == 0 => {
                    // The top-level array's end.
                    if self.in_array && c == ']' {
                        self.flush(out);
                        self.in_array = false;
                        self.started = false;
                    } else {
                        self.start(lineno);
                        self.cur.push(c);
                    }
                }
                '}' | ']' => {
                    self.depth -= 1;
                    self.cur.push(c);
                    if self.depth == 0 && !self.in_array {
                        self.flush(out);
                    }
                }
                ',' if self.depth == 0 && base == 1 => self.flush(out),
                c if c.is_whitespace() && self.cur.is_empty() => {}
                c => {
                    self.start(lineno);
                    self.cur.push(c);
                }
            }
        }
    }

    fn start(&mut self, lineno: u64) {
        if self.cur.is_empty() {
            self.cur_line = lineno;
        }
    }

    fn flush(&mut self, out: &mut Vec<(u64, String)>) {
        let text = std::mem::take(&mut self.cur);
        if !text.trim().is_empty() {
            out.push((self.cur_line, text));
        }
    }

    fn finish(&mut self) -> Option<(u64, String)> {
        let text = std::mem::take(&mut self.cur);
        (!text.trim().is_empty()).then_some((self.cur_line, text))
    }
}

/// Windows XML events: each `<Event …>…</Event>` (one per line as
/// attack_data stores them; an event spanning lines is joined).
fn read_winxml(reader: &mut dyn BufRead, name: &str, emit: &mut Emit<'_>) -> Result<()> {
    let mut pending = String::new();
    let mut start_line = 0u64;
    for_lines(reader, name, &mut |lineno, text| {
        let mut rest = text;
        if !pending.is_empty() {
            pending.push('\n');
        }
        loop {
            if pending.is_empty() {
                let Some(i) = rest.find("<Event") else {
                    let t = rest.trim();
                    if !t.is_empty() && !is_xml_wrapper(t) {
                        return emit(Item::Bad {
                            line: lineno,
                            record: None,
                            msg: "not an <Event> element".into(),
                        });
                    }
                    return Ok(true);
                };
                // `<Events>` wrapper: skip it.
                if rest[i..].starts_with("<Events") {
                    rest = &rest[i + 7..];
                    continue;
                }
                start_line = lineno;
                rest = &rest[i..];
            }
            match rest.find("</Event>") {
                Some(j) => {
                    let end = j + "</Event>".len();
                    pending.push_str(&rest[..end]);
                    let raw = std::mem::take(&mut pending);
                    let item = match crate::input::winxml::parse_event(&raw) {
                        Ok(ev) => Item::Event {
                            ev,
                            raw_only: false,
                            projected: false,
                        },
                        Err(msg) => Item::Bad {
                            line: start_line,
                            record: None,
                            msg,
                        },
                    };
                    if !emit(item)? {
                        return Ok(false);
                    }
                    rest = &rest[end..];
                }
                None => {
                    pending.push_str(rest);
                    return Ok(true);
                }
            }
        }
    })?;
    if !pending.trim().is_empty() {
        // Cut short at the end of the input: keep what it holds, as Splunk's
        // extractions would, and say so.
        match crate::input::winxml::parse_truncated(&pending) {
            Ok(ev) => {
                eprintln!(
                    "warning: {name}:{start_line}: <Event> cut short at the end of the input; its fields up to the cut are kept"
                );
                emit(Item::Event {
                    ev,
                    raw_only: false,
                    projected: false,
                })?;
            }
            Err(msg) => {
                emit(Item::Bad {
                    line: start_line,
                    record: None,
                    msg: format!("unterminated <Event> element at end of input ({msg})"),
                })?;
            }
        }
    }
    Ok(())
}

fn is_xml_wrapper(t: &str) -> bool {
    (t.starts_with("<?xml") && t.ends_with("?>"))
        || t == "</Events>"
        || t.starts_with("<Events")
        || (t.starts_with("<!--") && t.ends_with("-->"))
}

/// CSV with a header row: each row an event, empty cells make no field; a
/// `_raw` column is kept, else `_raw` is the row as CSV text.
fn read_csv(
    reader: BufReader<Box<dyn Read + Send>>,
    name: &str,
    emit: &mut Emit<'_>,
) -> Result<()> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let headers: Vec<String> = match r.headers() {
        Ok(h) => h
            .iter()
            .map(|s| s.trim_start_matches('\u{feff}').to_string())
            .collect(),
        Err(e) => {
            return Err(SplError::input(format!(
                "{name}:1: cannot read CSV header: {e}"
            )))
        }
    };
    let mut record = csv::StringRecord::new();
    let mut n = 0u64;
    loop {
        n += 1;
        match r.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let mut ev = Event::with_capacity(headers.len() + 2);
                for (h, v) in headers.iter().zip(record.iter()) {
                    if !v.is_empty() {
                        ev.set(h.clone(), Value::Str(v.to_string()));
                    }
                }
                if !ev.contains("_raw") {
                    let mut w = csv::WriterBuilder::new()
                        .has_headers(false)
                        .terminator(csv::Terminator::Any(b'\n'))
                        .from_writer(Vec::new());
                    let _ = w.write_record(&record);
                    let raw = w.into_inner().unwrap_or_default();
                    let raw = String::from_utf8_lossy(&raw).trim_end().to_string();
                    ev.set("_raw", Value::Str(raw));
                }
                set_time(&mut ev);
                if !emit(Item::Event {
                    ev,
                    raw_only: false,
                    projected: false,
                })? {
                    return Ok(());
                }
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                let msg = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("malformed CSV row ({len} fields, the header has {expected_len})"),
                    _ => format!("malformed CSV row ({e})"),
                };
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(SplError::input(format!("{name}:{line}: cannot read: {e}")));
                }
                emit(Item::Bad {
                    line,
                    record: Some(n),
                    msg,
                })?;
            }
        }
    }
}

/// Raw text: one event per non-empty line, `_raw` only, `_time` from a
/// leading timestamp when one parses.
fn read_raw(reader: &mut dyn BufRead, name: &str, emit: &mut Emit<'_>) -> Result<()> {
    for_lines(reader, name, &mut |lineno, text| {
        if text.trim().is_empty() {
            return Ok(true);
        }
        if text.contains(['\0', '\u{fffd}']) {
            return emit(Item::Bad {
                line: lineno,
                record: None,
                msg: "not text (NUL bytes or invalid UTF-8)".into(),
            });
        }
        let mut ev = Event::with_capacity(4);
        ev.set("_raw", Value::Str(text.to_string()));
        if let Some(t) = leading_timestamp(text) {
            ev.set("_time", Value::Num(t));
            ev.orig_time = t;
        }
        emit(Item::Event {
            ev,
            raw_only: true,
            projected: false,
        })
    })
}

/// A timestamp at the start of a text line: ISO-8601 (with `T` or a space),
/// epoch seconds, `[dd/Mon/yyyy:HH:MM:SS +zzzz]` (web logs).
pub fn leading_timestamp(text: &str) -> Option<f64> {
    let t = text.trim_start();
    if let Some(rest) = t.strip_prefix('[') {
        let inner = rest.split(']').next()?;
        let tz = chrono_tz::UTC;
        return crate::time::strptime(inner, "%d/%b/%Y:%H:%M:%S %z", tz)
            .or_else(|| crate::time::parse_timestamp(inner));
    }
    let mut words = t.split_whitespace();
    let w1 = words.next()?;
    if !w1.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let w1 = w1.trim_end_matches([',', ';', '|']);
    if let Some(w2) = words.next() {
        if w2.starts_with(|c: char| c.is_ascii_digit()) && w2.contains(':') {
            let mut both = format!("{w1} {w2}");
            if let Some(w3) = words.next() {
                if w3.starts_with(['+', '-', 'Z']) || w3.eq_ignore_ascii_case("UTC") {
                    both = format!("{both} {w3}");
                    if let Some(t) = crate::time::parse_timestamp(&both) {
                        return Some(t);
                    }
                    both = format!("{w1} {w2}");
                }
            }
            if let Some(t) = crate::time::parse_timestamp(&both) {
                return Some(t);
            }
        }
    }
    if w1.len() >= 10 && (w1.contains('-') || w1.contains('T') || w1.len() == 10) {
        return crate::time::parse_timestamp(w1);
    }
    None
}

/// One NDJSON line → an event.
pub fn parse_line(
    text: &str,
    meta: &Meta,
    source_name: &str,
) -> std::result::Result<Event, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("malformed JSON ({e})"))?;
    let serde_json::Value::Object(obj) = v else {
        return Err("not a JSON object".into());
    };
    let mut ev = from_object(&obj);
    if !ev.contains("_raw") {
        ev.set("_raw", Value::Str(text.to_string()));
    }
    apply_meta(&mut ev, meta, source_name);
    Ok(ev)
}

/// Flattens a JSON object into an event and sets `_time`.
pub fn from_object(obj: &serde_json::Map<String, serde_json::Value>) -> Event {
    let mut acc: IndexMap<String, Vec<Value>> = IndexMap::new();
    for (k, v) in obj {
        flatten(k, v, &mut acc);
    }
    let mut ev = Event::with_capacity(acc.len() + 4);
    for (k, vals) in acc {
        ev.set(k, Value::multi(vals));
    }
    set_time(&mut ev);
    ev
}

/// Sets `_time` (and the event's original time) from its timestamp fields.
pub fn set_time(ev: &mut Event) {
    let t = event_time(ev);
    if let Some(t) = t {
        ev.set("_time", Value::Num(t));
        ev.orig_time = t;
    } else {
        ev.remove("_time");
    }
}

fn scalar(v: &serde_json::Value) -> Option<Value> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::Bool(b) => Some(Value::Str(b.to_string())),
        serde_json::Value::Number(n) => Some(Value::Str(match n.as_f64() {
            Some(f) if n.is_f64() => {
                let s = n.to_string();
                if s.contains('e') || s.contains('E') {
                    format_number(f)
                } else {
                    s
                }
            }
            _ => n.to_string(),
        })),
        serde_json::Value::String(s) => Some(Value::Str(s.clone())),
        _ => None,
    }
}

/// Flattens a JSON value into dotted/`{}` field names (public for `kv_mode: json`).
pub fn flatten(name: &str, v: &serde_json::Value, acc: &mut IndexMap<String, Vec<Value>>) {
    match v {
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                flatten(&format!("{name}.{k}"), x, acc);
            }
        }
        serde_json::Value::Array(a) => {
            let key = format!("{name}{{}}");
            for x in a {
                flatten(&key, x, acc);
            }
        }
        other => {
            if let Some(s) = scalar(other) {
                acc.entry(name.to_string()).or_default().push(s);
            }
        }
    }
}

/// `_time` from a numeric or ISO `_time`, else the first known timestamp field.
pub fn event_time(ev: &Event) -> Option<f64> {
    if let Some(v) = ev.get("_time") {
        if let Some(t) = v.as_text().and_then(|t| crate::time::parse_timestamp(&t)) {
            return Some(t);
        }
    }
    TIME_FIELDS.iter().find_map(|f| {
        ev.get(f)
            .and_then(|v| v.as_text())
            .and_then(|t| crate::time::parse_timestamp(&t))
    })
}

fn apply_file_meta(ev: &mut Event, fmeta: Option<&FileMeta>, meta: &Meta, source_name: &str) {
    if let Some(fm) = fmeta {
        let pairs = [
            ("sourcetype", &fm.sourcetype),
            ("source", &fm.source),
            ("host", &fm.host),
            ("index", &fm.index),
        ];
        for (k, v) in pairs {
            if let Some(v) = v {
                if !ev.contains(k) {
                    ev.set(k, Value::Str(v.clone()));
                }
            }
        }
    }
    apply_meta(ev, meta, source_name);
}

/// [`apply_file_meta`] for a projected event: only the metadata fields the
/// search reads are set.
fn set_file_meta(
    ev: &mut Event,
    fmeta: Option<&FileMeta>,
    meta: &Meta,
    source_name: &str,
    wanted: &dyn Fn(&str) -> bool,
) {
    for k in ["sourcetype", "source", "host", "index"] {
        if wanted(k) && !ev.contains(k) {
            let v = effective_meta(None, k, fmeta, meta, source_name);
            let v = match k {
                "index" => fmeta
                    .and_then(|m| m.index.clone())
                    .or_else(|| meta.index.clone())
                    .unwrap_or_default(),
                _ => v,
            };
            if !v.is_empty() {
                ev.set(k, Value::Str(v));
            }
        }
    }
}

fn apply_meta(ev: &mut Event, meta: &Meta, source_name: &str) {
    let pairs = [
        ("sourcetype", &meta.sourcetype),
        ("source", &meta.source),
        ("host", &meta.host),
        ("index", &meta.index),
    ];
    for (k, v) in pairs {
        if !ev.contains(k) {
            if let Some(v) = v {
                ev.set(k, Value::Str(v.clone()));
            } else if k == "source" {
                ev.set(k, Value::Str(source_name.to_string()));
            }
        }
    }
}

/// The first event of the sources with, for each field, what produced it:
/// the input, the metadata (`--sourcetype`, the file name, …) or a knowledge
/// rule (the last one that set it). Rows are (field, value, origin).
pub fn explain_first(
    sources: &[Source],
    meta: &Meta,
) -> Result<Option<Vec<(String, String, String)>>> {
    let knowledge = meta.knowledge();
    let mut state = knowledge.state();
    for src in sources {
        let (src, fmeta) = match src {
            Source::WithMeta(s, m) => (&**s, Some(m)),
            s => (s, None),
        };
        let inputs: Vec<(String, Box<dyn Read + Send>, Option<PathBuf>)> = match src {
            Source::Stdin => vec![("stdin".into(), Box::new(std::io::stdin()), None)],
            Source::Memory(name, data) => vec![(
                name.clone(),
                Box::new(std::io::Cursor::new(data.clone())),
                None,
            )],
            Source::File(p) => {
                let mut files = Vec::new();
                collect_files(p, &mut files)?;
                let mut v: Vec<(String, Box<dyn Read + Send>, Option<PathBuf>)> = Vec::new();
                for file in files {
                    v.push((
                        file.display().to_string(),
                        Box::new(open(&file)?),
                        Some(file),
                    ));
                }
                v
            }
            Source::WithMeta(..) => continue,
        };
        for (name, reader, path) in inputs {
            let mut found = None;
            read_stream(reader, &name, path.as_deref(), &mut |item| {
                let Item::Event {
                    mut ev, raw_only, ..
                } = item
                else {
                    return Ok(true);
                };
                let short = Path::new(&name)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| name.clone());
                let mut origin: IndexMap<String, String> = ev
                    .names()
                    .map(|n| (n.clone(), format!("input ({short})")))
                    .collect();
                apply_file_meta(&mut ev, fmeta, meta, &name);
                for n in ev.names() {
                    if !origin.contains_key(n) {
                        let how = match n.as_str() {
                            "source" if meta.source.is_none() => "metadata (the file name)".into(),
                            other => format!("metadata (--{other})"),
                        };
                        origin.insert(n.clone(), how);
                    }
                }
                let mut trace = Vec::new();
                knowledge.apply_traced(&mut ev, raw_only, &mut state, Some(&mut trace));
                for (f, rule) in trace {
                    origin.insert(f, rule);
                }
                let rows = ev
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.to_display(" | "),
                            origin.get(k).cloned().unwrap_or_else(|| "input".into()),
                        )
                    })
                    .collect::<Vec<_>>();
                found = Some(rows);
                Ok(false)
            })?;
            if found.is_some() {
                return Ok(found);
            }
        }
    }
    Ok(None)
}

/// A malformed record: its line, its record number (where lines do not delimit records), the message.
pub type Malformed = (u64, Option<u64>, String);

/// Reads events from bytes in memory (format detected as for files), with
/// metadata and knowledge applied; malformed records are returned as
/// `(line, record, message)`. For tests and tools.
pub fn read_bytes(data: &[u8], name: &str, meta: &Meta) -> Result<(Vec<Event>, Vec<Malformed>)> {
    let knowledge = meta.knowledge();
    let mut state = knowledge.state();
    let mut events = Vec::new();
    let mut bad = Vec::new();
    let path = PathBuf::from(name);
    read_stream(
        Box::new(std::io::Cursor::new(data.to_vec())),
        name,
        Some(&path),
        &mut |item| {
            match item {
                Item::Event {
                    mut ev, raw_only, ..
                } => {
                    apply_meta(&mut ev, meta, name);
                    knowledge.apply(&mut ev, raw_only, &mut state);
                    events.push(ev);
                }
                Item::Bad { line, record, msg } => bad.push((line, record, msg)),
            }
            Ok(true)
        },
    )?;
    Ok((events, bad))
}

#[cfg(test)]
mod tests {
    use super::*;

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
