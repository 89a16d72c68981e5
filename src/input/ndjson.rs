//! NDJSON: one JSON object per line, read in large batches that rayon
//! workers prefilter and parse in parallel; events come out in input order.
//! Uncompressed files are memory-mapped and read in place.

use std::borrow::Cow;
use std::io::BufRead;
use std::path::Path;

use super::json::parse_json_record;
use super::jsonscan::Scan;
use super::source::{sniff, Format};
use super::{Emit, Item, Shortcuts};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::input::knowledge::State;

pub(crate) fn page_size() -> usize {
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
pub(crate) fn map_ndjson(path: &Path) -> Option<memmap2::Mmap> {
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

/// Bytes of NDJSON decoded per parallel batch.
pub(crate) const NDJSON_BATCH: usize = 4 << 20;

/// How NDJSON lines are read for one input: the search's shortcuts, and
/// what makes a parsed event ready (metadata and knowledge; a projected
/// event comes with its line), run on the worker that parsed it.
pub struct Ndjson<'a> {
    pub shortcuts: Shortcuts<'a>,
    pub prepare: &'a Prepare<'a>,
}

/// Makes a parsed event ready; a projected event comes with its line.
pub type Prepare<'a> = dyn Fn(&mut Event, Option<&[u8]>, &mut State) + Sync + 'a;

/// One NDJSON line, parsed.
pub(crate) enum Parsed {
    /// Only the wanted fields.
    Projected(Event),
    /// The events of a line, and the results of an export on it that are
    /// not objects (skipped, each said).
    Full(Vec<Event>, Vec<String>),
    Bad(String),
}

pub(crate) fn parse_ndjson_line(line: &[u8], nd: Option<&Ndjson<'_>>) -> Parsed {
    if let Some(nd) = nd {
        if let Some(w) = nd.shortcuts.wanted {
            if let Scan::Event(mut ev) = crate::input::jsonscan::scan_line(line, w) {
                if nd.shortcuts.complete_with.is_some() {
                    ev.record = Some(crate::base::lossy_string(line).into());
                }
                return Parsed::Projected(ev);
            }
        }
    }
    let text = crate::base::lossy_str(line);
    match parse_json_record(&text) {
        Ok((evs, odd)) => Parsed::Full(evs, odd),
        Err(msg) => Parsed::Bad(msg),
    }
}

/// NDJSON from a reader (decompressed input, stdin): read in large blocks,
/// cut at the last line end; see [`ndjson_batches`].
pub(crate) fn read_ndjson(
    reader: &mut (dyn BufRead + Send),
    name: &str,
    nd: Option<&Ndjson<'_>>,
    emit: &mut Emit<'_>,
) -> Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    let mut eof = false;
    // The batch before this one comes back as `spare`: its buffer is
    // reused, not freed and faulted in again.
    let next = move |spare: Option<Vec<u8>>| -> Option<Result<Cow<'static, [u8]>>> {
        let mut buf = spare.unwrap_or_default();
        buf.clear();
        buf.extend_from_slice(&carry);
        carry.clear();
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
                carry.extend_from_slice(&buf[i + 1..]);
                buf.truncate(i + 1);
            }
        }
        (!buf.is_empty()).then_some(Ok(Cow::Owned(buf)))
    };
    ndjson_batches(nd, emit, next)
}

/// NDJSON already in memory (a mapped file, buffered stdin): batches are
/// slices of it, nothing is copied.
pub(crate) fn read_ndjson_data(
    data: &[u8],
    release: Option<&(dyn Fn(usize, usize) + Sync)>,
    nd: Option<&Ndjson<'_>>,
    emit: &mut Emit<'_>,
) -> Result<()> {
    let mut pos = 0;
    let next = move |_: Option<Vec<u8>>| -> Option<Result<Cow<'_, [u8]>>> {
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
pub(crate) const NDJSON_PIECE: usize = 256 << 10;

/// Runs the NDJSON pipeline: a thread takes batches of whole lines from
/// `next` (handing it back the last batch's buffer, when it owned one) and
/// has rayon workers filter and parse pieces of each; events are emitted
/// here, in input order, while the next batch is being parsed.
pub(crate) fn ndjson_batches<'d>(
    nd: Option<&Ndjson<'_>>,
    emit: &mut Emit<'_>,
    mut next: impl FnMut(Option<Vec<u8>>) -> Option<Result<Cow<'d, [u8]>>> + Send,
) -> Result<()> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Piece>>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            // Lines before the current batch.
            let mut before = 0u64;
            let mut spare = None;
            while let Some(batch) = next(spare.take()) {
                let batch = match batch {
                    Ok(b) => b,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                let parsed = parse_batch(&batch, before, nd);
                if let Cow::Owned(b) = batch {
                    spare = Some(b);
                }
                before += parsed.lines;
                if tx.send(Ok(parsed)).is_err() {
                    // The search stopped reading.
                    return;
                }
            }
        });
        for batch in rx {
            let batch = batch?;
            if batch.tested > 0 {
                emit(Item::Skipped {
                    tested: batch.tested,
                    skipped: batch.skipped,
                })?;
            }
            for (n, r) in batch.parsed {
                let go = match r {
                    Parsed::Projected(ev) => emit(Item::Event {
                        ev,
                        raw_only: false,
                        ready: nd.is_some(),
                    })?,
                    Parsed::Full(evs, odd) => {
                        for msg in odd {
                            emit(Item::BadAt {
                                at: format!("line {n}"),
                                msg,
                            })?;
                        }
                        let mut go = true;
                        for ev in evs {
                            if !emit(Item::Event {
                                ev,
                                raw_only: false,
                                ready: nd.is_some(),
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

/// Filters and parses one batch of whole lines in parallel pieces: the
/// parsed lines with their line numbers, how many lines it held, and what
/// the prefilter skipped.
pub(crate) fn parse_batch(batch: &[u8], before: u64, nd: Option<&Ndjson<'_>>) -> Piece {
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
    let pieces: Vec<Piece> = cuts
        .par_windows(2)
        .map(|w| parse_piece(&batch[w[0]..w[1]], before == 0 && w[0] == 0, nd))
        .collect();
    let mut all = Piece {
        parsed: Vec::new(),
        lines: 0,
        tested: 0,
        skipped: 0,
    };
    let mut base = before;
    for p in pieces {
        all.parsed
            .extend(p.parsed.into_iter().map(|(n, x)| (base + n, x)));
        base += p.lines;
        all.tested += p.tested;
        all.skipped += p.skipped;
    }
    all.lines = base - before;
    all
}

/// One piece of whole lines: split, prefiltered (all lines at once), parsed.
/// Line numbers are relative to the piece (1-based).
pub(crate) fn parse_piece(piece: &[u8], input_start: bool, nd: Option<&Ndjson<'_>>) -> Piece {
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
    let skipped = keep.iter().filter(|k| !**k).count() as u64;
    let tested = if nd.and_then(|x| x.shortcuts.prefilter).is_some() {
        lines.len() as u64
    } else {
        0
    };
    let mut state = State::default();
    let parsed = lines
        .iter()
        .zip(numbers)
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|((l, num), _)| {
            let mut p = parse_ndjson_line(l, nd);
            if let Some(nd) = nd {
                match &mut p {
                    Parsed::Projected(ev) => (nd.prepare)(ev, Some(l), &mut state),
                    Parsed::Full(evs, _) => {
                        for ev in evs {
                            (nd.prepare)(ev, None, &mut state);
                        }
                    }
                    Parsed::Bad(_) => {}
                }
            }
            (num, p)
        })
        .collect();
    Piece {
        parsed,
        lines: n,
        tested,
        skipped,
    }
}

/// One piece of whole lines, parsed: the lines kept (with their numbers
/// within the piece), how many lines it held, and what the prefilter did.
pub(crate) struct Piece {
    pub(crate) parsed: Vec<(u64, Parsed)>,
    pub(crate) lines: u64,
    pub(crate) tested: u64,
    pub(crate) skipped: u64,
}
