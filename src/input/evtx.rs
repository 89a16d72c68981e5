//! Windows event log files (`.evtx`, recognised by their `ElfFile\0` magic,
//! whatever their name), read with the `evtx` crate.
//!
//! Each record becomes the event Splunk's Windows add-on indexes with
//! `renderXml=true`: `_raw` is the record rendered as one line of XML, and
//! its fields are extracted by the same code as any other `XmlWinEventLog`
//! event ([`super::winxml`]), so the Windows knowledge packs and data models
//! apply unchanged. `sourcetype` is `XmlWinEventLog`, `source`
//! `XmlWinEventLog:<Channel>`, `host` the record's `Computer`, `_time` its
//! `TimeCreated/@SystemTime`.
//!
//! Chunks are parsed, rendered and extracted on the rayon pool, several at
//! a time; records come out in file order. A chunk or record that cannot be
//! read is reported with the file, the chunk and the record, counted as
//! malformed, and the rest of the file is still read.

use std::io::{Read, Seek};
use std::path::Path;

use evtx::err::EvtxError;
use evtx::{EvtxParser, ParserSettings};

use super::winxml;
use super::{Emit, Item};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;

/// The first bytes of every `.evtx` file.
pub const MAGIC: &[u8] = b"ElfFile\0";

/// Largest `.evtx` read into memory (one that is compressed, or on stdin);
/// a plain file on disk is read in place, whatever its size.
pub const MAX_IN_MEMORY: u64 = 4 << 30;

/// Bytes of the file header, and of each chunk after it.
const FILE_HEADER: u64 = 4096;
const CHUNK: u64 = 65536;

/// Reads the `.evtx` file at `path` in place.
pub(crate) fn read_evtx_file(path: &Path, emit: &mut Emit<'_>) -> Result<()> {
    let chunks = std::fs::File::open(path)
        .map(|mut f| Chunks::read(&mut f))
        .unwrap_or_default();
    match EvtxParser::from_path(path) {
        Ok(p) => read_records(p, &chunks, emit),
        Err(e) => unreadable(&e, emit),
    }
}

/// Reads an `.evtx` file from a stream (decompressed, or stdin): into memory
/// first, up to [`MAX_IN_MEMORY`] bytes.
pub(crate) fn read_evtx_stream(
    reader: &mut dyn Read,
    name: &str,
    emit: &mut Emit<'_>,
) -> Result<()> {
    let mut data = Vec::new();
    reader
        .take(MAX_IN_MEMORY + 1)
        .read_to_end(&mut data)
        .map_err(|e| SplError::input(format!("{name}: cannot read: {e}")))?;
    if data.len() as u64 > MAX_IN_MEMORY {
        return Err(SplError::input(format!(
            "{name}: an .evtx file read from a stream (compressed, or stdin) is limited to {} GiB in memory; decompress it to a file to read it in place",
            MAX_IN_MEMORY >> 30
        )));
    }
    let chunks = Chunks::read(&mut std::io::Cursor::new(&data));
    match EvtxParser::from_buffer(data) {
        Ok(p) => read_records(p, &chunks, emit),
        Err(e) => unreadable(&e, emit),
    }
}

/// A file whose header cannot be read: reported and counted, not fatal to
/// the other inputs.
fn unreadable(e: &EvtxError, emit: &mut Emit<'_>) -> Result<()> {
    emit(Item::BadAt {
        at: "file header".into(),
        msg: format!("not a readable .evtx file: {}; file skipped", chain(e)),
    })?;
    Ok(())
}

/// What the chunk headers say, read apart from the parser: the record ids
/// each chunk holds (to say which chunk a bad record is in), and the bytes
/// of a last chunk the file ends inside.
#[derive(Default)]
struct Chunks {
    ids: Vec<(u64, u64)>,
    /// The number of the chunk the file ends inside, and its bytes.
    cut: Option<(u64, Vec<u8>)>,
}

impl Chunks {
    fn read<R: Read + Seek>(r: &mut R) -> Chunks {
        let mut c = Chunks::default();
        let Ok(len) = r.seek(std::io::SeekFrom::End(0)) else {
            return c;
        };
        let whole = len.saturating_sub(FILE_HEADER) / CHUNK;
        let rest = len.saturating_sub(FILE_HEADER) % CHUNK;
        if len > FILE_HEADER && rest > 0 {
            let mut tail = Vec::new();
            if r.seek(std::io::SeekFrom::Start(FILE_HEADER + whole * CHUNK))
                .is_ok()
                && r.read_to_end(&mut tail).is_ok()
            {
                c.cut = Some((whole, tail));
            }
        }
        for i in 0..whole {
            let mut h = [0u8; 40];
            let ok = r
                .seek(std::io::SeekFrom::Start(FILE_HEADER + i * CHUNK))
                .is_ok()
                && r.read_exact(&mut h).is_ok()
                && h.starts_with(b"ElfChnk\0");
            let id = |at: usize| u64::from_le_bytes(h[at..at + 8].try_into().unwrap_or_default());
            c.ids.push(if ok { (id(24), id(32)) } else { (1, 0) });
        }
        c
    }

    /// The chunk whose header says it holds this record id.
    fn of(&self, record: u64) -> Option<usize> {
        self.ids
            .iter()
            .position(|&(first, last)| (first..=last).contains(&record))
    }

    /// `record N`, with its chunk when the headers say.
    fn place(&self, record: u64) -> String {
        match self.of(record) {
            Some(c) => format!("chunk {c}, record {record}"),
            None => format!("record {record}"),
        }
    }
}

/// A record made into an event, or why it could not be.
type Made = std::result::Result<Event, (At, String)>;

fn read_records<T: Read + Seek>(
    mut parser: EvtxParser<T>,
    chunks: &Chunks,
    emit: &mut Emit<'_>,
) -> Result<()> {
    parser = parser.with_configuration(
        ParserSettings::new()
            .num_threads(0)
            .indent(false)
            .validate_checksums(false),
    );
    for made in parser.serialized_records(|r| Ok(make_event(r))) {
        let item = match made {
            Ok(Ok(ev)) => Item::Event {
                ev,
                raw_only: false,
                ready: false,
            },
            Ok(Err((at, msg))) => Item::BadAt {
                at: at.place(chunks),
                msg: format!("{msg}; record skipped"),
            },
            // A chunk that could not be read at all.
            Err(e) => Item::BadAt {
                at: where_(&e).place(chunks),
                msg: format!("{}; chunk skipped", chain(&e)),
            },
        };
        if !emit(item)? {
            return Ok(());
        }
    }
    if let Some((chunk, tail)) = &chunks.cut {
        read_cut_chunk(*chunk, tail, emit)?;
    }
    Ok(())
}

/// The chunk a file ends inside (copied while it was written, or cut
/// short): the parser leaves it out, so its records up to the cut are read
/// here, from the chunk padded to its size, and the cut is reported.
fn read_cut_chunk(number: u64, tail: &[u8], emit: &mut Emit<'_>) -> Result<()> {
    let mut data = tail.to_vec();
    data.resize(CHUNK as usize, 0);
    let settings = std::sync::Arc::new(ParserSettings::new().indent(false));
    let mut read = 0u64;
    if let Ok(mut chunk_data) = evtx::EvtxChunkData::new(data, false) {
        if let Ok(mut chunk) = chunk_data.parse(settings) {
            for r in chunk.iter() {
                // Past the cut the chunk is zeros; a record reaching into
                // them does not parse.
                let Ok(ev) = make_event(r) else { break };
                read += 1;
                if !emit(Item::Event {
                    ev,
                    raw_only: false,
                    ready: false,
                })? {
                    return Ok(());
                }
            }
        }
    }
    emit(Item::BadAt {
        at: format!("chunk {number}"),
        msg: format!(
            "the file ends {} bytes into this chunk of {CHUNK} (cut short); {read} record(s) before the cut were read, the rest of the chunk is lost",
            tail.len()
        ),
    })?;
    Ok(())
}

/// Where an error is: a record (by id, its chunk found from the headers),
/// or a place the parser names itself.
enum At {
    Record(u64),
    Named(String),
}

impl At {
    fn place(self, chunks: &Chunks) -> String {
        match self {
            At::Record(id) => chunks.place(id),
            At::Named(s) => s,
        }
    }
}

/// One record: rendered as XML, its fields extracted as for `XmlWinEventLog`.
fn make_event(r: std::result::Result<evtx::EvtxRecord<'_>, EvtxError>) -> Made {
    let r = r.map_err(|e| (where_(&e), chain(&e)))?;
    let id = r.event_record_id;
    let xml = r.into_xml().map_err(|e| (At::Record(id), chain(&e)))?.data;
    let raw = one_line(&xml);
    let mut ev = winxml::parse_event(&raw).map_err(|msg| (At::Record(id), msg))?;
    ev.set("sourcetype", Value::from("XmlWinEventLog"));
    let channel = ev
        .get("Channel")
        .and_then(|v| v.as_text())
        .map(|c| c.into_owned());
    if let Some(c) = channel {
        ev.set("source", Value::Str(format!("XmlWinEventLog:{c}")));
    }
    if let Some(c) = ev.get("Computer").cloned() {
        ev.set("host", c);
    }
    Ok(ev)
}

/// The record's XML as Splunk's `_raw` holds it: without the XML
/// declaration, on one line (the renderer's line breaks between elements
/// dropped; text inside elements is kept as it is).
fn one_line(xml: &str) -> String {
    let body = match xml.find("<Event") {
        Some(i) => &xml[i..],
        None => xml,
    };
    let mut out = String::with_capacity(body.len());
    let mut lines = body.split('\n');
    if let Some(first) = lines.next() {
        out.push_str(first.trim_end_matches('\r'));
    }
    for l in lines {
        let l = l.trim_end_matches('\r');
        // A line starting with `<` after the renderer's break continues the
        // element structure; anything else is text that held a line break.
        if l.trim_start().starts_with('<') && out.ends_with('>') {
            out.push_str(l.trim_start());
        } else {
            out.push('\n');
            out.push_str(l);
        }
    }
    out.trim_end().to_string()
}

/// Where in the file an error is, from what the parser says.
fn where_(e: &EvtxError) -> At {
    At::Named(match e {
        EvtxError::FailedToParseChunk { chunk_id, .. } => format!("chunk {chunk_id}"),
        EvtxError::FailedToParseRecord { record_id, .. } => return At::Record(*record_id),
        EvtxError::FailedToReadRecordAt { chunk, offset, .. } => match chunk {
            Some(c) => format!("chunk {c}, record at offset {offset:#x}"),
            None => format!("record at offset {offset:#x}"),
        },
        _ => "file".into(),
    })
}

/// An error and its causes, on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renderer_line_breaks_are_dropped_text_breaks_kept() {
        let xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Event xmlns=\"x\">\n<System>\n<EventID>1</EventID></System>\n<EventData><Data Name=\"a\">one\ntwo</Data></EventData></Event>\n";
        assert_eq!(
            one_line(xml),
            "<Event xmlns=\"x\"><System><EventID>1</EventID></System><EventData><Data Name=\"a\">one\ntwo</Data></EventData></Event>"
        );
    }

    #[test]
    fn not_an_evtx_file_is_reported_not_fatal() {
        let mut bad = Vec::new();
        let mut data: &[u8] = b"ElfFile\0 but nothing else";
        read_evtx_stream(&mut data, "x.evtx", &mut |item| {
            if let Item::BadAt { at, msg } = item {
                bad.push(format!("{at}: {msg}"));
            }
            Ok(true)
        })
        .unwrap();
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert!(
            bad[0].starts_with("file header: not a readable .evtx file"),
            "{bad:?}"
        );
    }
}
