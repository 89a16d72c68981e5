//! Opening inputs: files and folders, stdin, memory; transparent
//! decompression; format detection from the first bytes.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::csv::{convincing_csv_header, read_csv};
use super::json::read_json_values;
use super::ndjson::{read_ndjson, Ndjson};
use super::raw::read_raw;
use super::winxml::read_winxml;
use super::{Emit, FileMeta, Item};
use crate::base::diag::{Result, SplError};

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

/// One input to read: its name, a reader, and its path when it is a file.
pub(crate) type Input = (String, Box<dyn Read + Send>, Option<PathBuf>);

impl Source {
    /// The source without its per-input metadata, and that metadata.
    pub(crate) fn split_meta(&self) -> (&Source, Option<&FileMeta>) {
        match self {
            Source::WithMeta(s, m) => (s, Some(m)),
            s => (s, None),
        }
    }

    /// The inputs this source stands for: stdin, bytes in memory, or every
    /// file under a path (sorted). Metadata wrappers are never nested
    /// ([`Source::split_meta`] takes the one there is), so one yields nothing.
    /// A file that cannot be opened (permission denied, gone) is warned
    /// about and skipped, and counted in `unreadable`; the others are read.
    pub(crate) fn inputs(&self, unreadable: &mut u64) -> Result<Vec<Input>> {
        Ok(match self {
            Source::Stdin => vec![("stdin".into(), Box::new(std::io::stdin()), None)],
            Source::Memory(name, data) => vec![(
                name.clone(),
                Box::new(std::io::Cursor::new(data.clone())),
                None,
            )],
            Source::File(p) => {
                let mut files = Vec::new();
                collect_files(p, &mut files)?;
                let mut v: Vec<Input> = Vec::new();
                for file in files {
                    match open(&file) {
                        Ok(f) => v.push((file.display().to_string(), Box::new(f), Some(file))),
                        Err(e) => {
                            eprintln!("warning: {}; file skipped", e.msg);
                            *unreadable += 1;
                        }
                    }
                }
                v
            }
            Source::WithMeta(..) => Vec::new(),
        })
    }

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
    /// A Windows event log file (`ElfFile\0`).
    Evtx,
    Csv,
    Raw,
}

/// A file, or every file under a folder (recursed, sorted by name, hidden
/// files left out). In a folder, what is not a regular file (a FIFO, a
/// socket, a device) is skipped with a warning and never opened (a FIFO
/// would wait for a writer forever); a file named on its own is taken as
/// it is (`<(zcat x.gz)`).
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
            match std::fs::metadata(&e) {
                Ok(m) if m.is_dir() => collect_files(&e, out)?,
                Ok(m) if m.is_file() => out.push(e),
                Ok(m) => eprintln!(
                    "warning: {}: {}, not a regular file; skipped",
                    e.display(),
                    file_kind(&m)
                ),
                // A link to nothing: opening it says why, and it is
                // counted as unreadable.
                Err(_) => out.push(e),
            }
        }
    } else {
        out.push(p.to_path_buf());
    }
    Ok(())
}

fn file_kind(m: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = m.file_type();
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "not a file"
    }
}

/// Whether the first bytes of an input are binary, not text: NUL bytes
/// (at least 5, and 1 in 100 bytes; a text log with a stray NUL in a line
/// is text), or more than one in ten bytes not valid UTF-8 (a sequence cut
/// at the end of the block aside). Such a file would be read as hundreds
/// of garbage "events"; it is skipped instead.
pub(crate) fn looks_binary(head: &[u8]) -> bool {
    if head.is_empty() {
        return false;
    }
    let nuls = memchr::memchr_iter(0, head).count();
    if nuls >= 5 && nuls * 100 >= head.len() {
        return true;
    }
    let mut bad = 0usize;
    let mut rest = head;
    while let Err(e) = std::str::from_utf8(rest) {
        match e.error_len() {
            None => break,
            Some(n) => {
                bad += n;
                rest = &rest[e.valid_up_to() + n..];
            }
        }
    }
    bad * 10 > head.len()
}

pub(crate) fn open(p: &Path) -> Result<std::fs::File> {
    std::fs::File::open(p).map_err(|e| SplError::input(format!("cannot open {}: {e}", p.display())))
}

/// Reads up to `n` bytes (fewer at end of input) without losing them: returns
/// them and a reader that yields them again followed by the rest.
pub(crate) fn peek(
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

/// Whether these first bytes are gzip's or zstd's magic.
pub(crate) fn compressed_magic(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b]) || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
}

/// Decompresses (gzip, zstd) when the magic bytes say so.
pub(crate) fn decompress(r: Box<dyn Read + Send>, name: &str) -> Result<Box<dyn Read + Send>> {
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
    if head.starts_with(super::evtx::MAGIC) {
        return Format::Evtx;
    }
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

/// Reads one input (decompressing and detecting its format), emitting records.
pub fn read_stream(
    reader: Box<dyn Read + Send>,
    name: &str,
    path: Option<&Path>,
    emit: &mut Emit<'_>,
) -> Result<()> {
    read_stream_with(reader, name, path, false, None, emit)
}

/// [`read_stream`]; `decoded`: the reader gives decompressed bytes already
/// (see [`super::ahead`]).
pub(crate) fn read_stream_with(
    reader: Box<dyn Read + Send>,
    name: &str,
    path: Option<&Path>,
    decoded: bool,
    ndjson: Option<&Ndjson<'_>>,
    emit: &mut Emit<'_>,
) -> Result<()> {
    let (reader, in_place) = if decoded {
        (reader, false)
    } else {
        let (head, reader) = peek(reader, 4, name)?;
        (decompress(reader, name)?, !compressed_magic(&head))
    };
    let (head, reader) = peek(reader, 8192, name)?;
    let format = sniff(&head, path);
    if format != Format::Evtx && looks_binary(&head) {
        emit(Item::SkippedFile {
            msg: "binary content (NUL bytes or mostly invalid UTF-8), not events".into(),
        })?;
        return Ok(());
    }
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    match format {
        // A file on disk, not compressed, is read in place.
        Format::Evtx => match path.filter(|_| in_place) {
            Some(p) => super::evtx::read_evtx_file(p, emit),
            None => super::evtx::read_evtx_stream(&mut reader, name, emit),
        },
        Format::Ndjson => read_ndjson(&mut reader, name, ndjson, emit),
        Format::JsonArray | Format::JsonDocs => read_json_values(&mut reader, name, emit),
        Format::WinXml => read_winxml(&mut reader, name, emit),
        Format::Csv => read_csv(reader, name, emit),
        Format::Raw => read_raw(&mut reader, name, emit),
    }
}

/// Calls `f(lineno, text)` for each line (without its line end).
pub(crate) fn for_lines(
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
