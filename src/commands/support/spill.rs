//! Sorting more events than fit in memory: an external merge sort.
//!
//! Events are held in memory until their estimated size passes a budget
//! ([`crate::base::budget::SORT_MEMORY`]); then they are sorted and written
//! to an unnamed temporary file as one sorted *run*, and memory starts
//! again from empty. At the end the runs (and what is still in memory) are
//! merged into one ordered stream. Memory then stays flat whatever the input
//! size: one budget's worth of events plus one event per run.
//!
//! The order is total and stable: events that compare equal come out in the
//! order they arrived, as an in-memory stable sort would give them (runs
//! hold arrival order, and ties between runs go to the earlier run).
//!
//! Runs use a small binary encoding of events written here; it only has to
//! be read back by the same process, so it has no versioning. The files are
//! unnamed (`tempfile::tempfile_in`): they vanish when closed, even when the
//! process is killed.

use std::cmp::Ordering;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::Arc;

use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;

/// How two events compare in the wanted order.
pub type Compare = dyn Fn(&Event, &Event) -> Ordering + Send + Sync;

/// Past this many runs on disk, they are merged into one before the next
/// is written: open files stay few however large the input.
const MAX_RUNS: usize = 64;

/// Events held in memory, then on disk in sorted runs.
pub struct SpillSort {
    cmp: Arc<Compare>,
    budget: usize,
    buf: Vec<Event>,
    /// Estimated bytes of `buf`.
    held: usize,
    runs: Vec<Run>,
    /// The command the sort belongs to, for error messages.
    command: &'static str,
}

/// One sorted run on disk.
struct Run {
    file: File,
    events: u64,
}

impl SpillSort {
    /// A sort holding at most `budget` estimated bytes in memory.
    pub fn new(command: &'static str, budget: usize, cmp: Arc<Compare>) -> SpillSort {
        SpillSort {
            cmp,
            budget: budget.max(1),
            buf: Vec::new(),
            held: 0,
            runs: Vec::new(),
            command,
        }
    }

    /// Takes one event.
    pub fn push(&mut self, ev: Event) -> Result<()> {
        self.held += approx_bytes(&ev);
        self.buf.push(ev);
        if self.held >= self.budget {
            self.spill()?;
        }
        Ok(())
    }

    /// Runs written to disk so far.
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    /// Sorts what is in memory and writes it out as a run.
    fn spill(&mut self) -> Result<()> {
        if self.runs.len() >= MAX_RUNS {
            self.compact()?;
        }
        let cmp = &self.cmp;
        self.buf.sort_by(|a, b| cmp(a, b));
        let buf = std::mem::take(&mut self.buf);
        self.held = 0;
        let run = self.write_run(buf.into_iter().map(Ok))?;
        self.runs.push(run);
        Ok(())
    }

    /// Merges every run on disk into one.
    fn compact(&mut self) -> Result<()> {
        let runs = std::mem::take(&mut self.runs);
        let merged = Merge::new(self.command, runs, Vec::new(), self.cmp.clone())?;
        let run = self.write_run(merged)?;
        self.runs.push(run);
        Ok(())
    }

    fn write_run(&self, events: impl Iterator<Item = Result<Event>>) -> Result<Run> {
        let io = |e: std::io::Error| disk_error(self.command, e);
        let file = tempfile::tempfile_in(spill_dir()).map_err(io)?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        let mut n = 0u64;
        for ev in events {
            write_event(&mut w, &ev?).map_err(io)?;
            n += 1;
        }
        let mut file = w.into_inner().map_err(|e| io(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        Ok(Run { file, events: n })
    }

    /// Every event taken, in order.
    pub fn finish(mut self) -> Result<Merge> {
        let cmp = &self.cmp;
        self.buf.sort_by(|a, b| cmp(a, b));
        Merge::new(self.command, self.runs, self.buf, self.cmp)
    }
}

/// Where runs are written: `SPLEVAL_TMPDIR`, else the system's temporary folder.
fn spill_dir() -> PathBuf {
    std::env::var_os("SPLEVAL_TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
}

fn disk_error(command: &str, e: std::io::Error) -> SplError {
    SplError::runtime(format!(
        "{command}: sorting events on disk in {}: {e}",
        spill_dir().display()
    ))
    .with_help("set SPLEVAL_TMPDIR to a folder with room, or raise SPLEVAL_SORT_MEMORY")
}

/// A rough size of an event in memory: enough to bound memory, cheap to compute.
pub fn approx_bytes(ev: &Event) -> usize {
    fn value(v: &Value) -> usize {
        match v {
            Value::Str(s) => s.len() + 24,
            Value::Multi(vs) => 24 + vs.iter().map(value).sum::<usize>(),
            _ => 16,
        }
    }
    let fields: usize = ev.iter().map(|(k, v)| k.len() + 48 + value(v)).sum();
    96 + fields + ev.record.as_ref().map_or(0, |r| r.len())
}

/// The k-way merge of sorted runs and one sorted list in memory. Sources
/// are few (at most [`MAX_RUNS`] + 1), so the next event is found by a
/// scan over the sources' next events.
pub struct Merge {
    command: &'static str,
    readers: Vec<BufReader<File>>,
    /// Events still to read per run.
    left: Vec<u64>,
    /// Each source's next event with its source index (the last source is
    /// memory); in no order.
    heads: Vec<(Event, usize)>,
    mem: std::vec::IntoIter<Event>,
    cmp: Arc<Compare>,
}

impl Merge {
    fn new(
        command: &'static str,
        runs: Vec<Run>,
        mem: Vec<Event>,
        cmp: Arc<Compare>,
    ) -> Result<Merge> {
        let mut m = Merge {
            command,
            readers: Vec::with_capacity(runs.len()),
            left: Vec::with_capacity(runs.len()),
            heads: Vec::with_capacity(runs.len() + 1),
            mem: mem.into_iter(),
            cmp,
        };
        for run in runs {
            m.readers
                .push(BufReader::with_capacity(256 << 10, run.file));
            m.left.push(run.events);
        }
        for source in 0..=m.readers.len() {
            if let Some(ev) = m.next_of(source)? {
                m.heads.push((ev, source));
            }
        }
        Ok(m)
    }

    /// The next event of one source.
    fn next_of(&mut self, source: usize) -> Result<Option<Event>> {
        if source == self.readers.len() {
            return Ok(self.mem.next());
        }
        if self.left[source] == 0 {
            return Ok(None);
        }
        self.left[source] -= 1;
        read_event(&mut self.readers[source])
            .map(Some)
            .map_err(|e| disk_error(self.command, e))
    }
}

impl Iterator for Merge {
    type Item = Result<Event>;
    fn next(&mut self) -> Option<Result<Event>> {
        // Ties go to the earlier source: runs hold earlier arrivals than
        // later runs, and memory holds the latest.
        let mut best = 0;
        for i in 1..self.heads.len() {
            let (ev, source) = &self.heads[i];
            let (bev, bsource) = &self.heads[best];
            if (self.cmp)(ev, bev).then(source.cmp(bsource)) == Ordering::Less {
                best = i;
            }
        }
        if self.heads.is_empty() {
            return None;
        }
        let (ev, source) = self.heads.swap_remove(best);
        match self.next_of(source) {
            Ok(Some(n)) => self.heads.push((n, source)),
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
        Some(Ok(ev))
    }
}

// ---- the run encoding: little-endian lengths, a tag byte per value ----

fn write_len(w: &mut impl Write, n: usize) -> std::io::Result<()> {
    w.write_all(&(n as u64).to_le_bytes())
}

fn write_str(w: &mut impl Write, s: &str) -> std::io::Result<()> {
    write_len(w, s.len())?;
    w.write_all(s.as_bytes())
}

fn write_value(w: &mut impl Write, v: &Value) -> std::io::Result<()> {
    match v {
        Value::Null => w.write_all(&[0]),
        Value::Bool(b) => w.write_all(&[1, u8::from(*b)]),
        Value::Num(n) => {
            w.write_all(&[2])?;
            w.write_all(&n.to_bits().to_le_bytes())
        }
        Value::Str(s) => {
            w.write_all(&[3])?;
            write_str(w, s)
        }
        Value::Multi(vs) => {
            w.write_all(&[4])?;
            write_len(w, vs.len())?;
            vs.iter().try_for_each(|v| write_value(w, v))
        }
    }
}

fn write_event(w: &mut impl Write, ev: &Event) -> std::io::Result<()> {
    w.write_all(&ev.orig_time.to_bits().to_le_bytes())?;
    w.write_all(&ev.seq.to_le_bytes())?;
    match &ev.record {
        None => w.write_all(&[0])?,
        Some(r) => {
            w.write_all(&[1])?;
            write_str(w, r)?;
        }
    }
    write_len(w, ev.len())?;
    for (k, v) in ev.iter() {
        write_str(w, k)?;
        write_value(w, v)?;
    }
    Ok(())
}

fn read_u64(r: &mut impl Read) -> std::io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

fn read_u8(r: &mut impl Read) -> std::io::Result<u8> {
    let mut b = [0u8; 1];
    r.read_exact(&mut b)?;
    Ok(b[0])
}

fn bad(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string())
}

fn read_string(r: &mut impl Read) -> std::io::Result<String> {
    let n = usize::try_from(read_u64(r)?).map_err(|_| bad("length out of range"))?;
    let mut b = Vec::new();
    r.take(n as u64).read_to_end(&mut b)?;
    if b.len() != n {
        return Err(bad("run file cut short"));
    }
    String::from_utf8(b).map_err(|_| bad("text is not UTF-8"))
}

fn read_value(r: &mut impl Read) -> std::io::Result<Value> {
    Ok(match read_u8(r)? {
        0 => Value::Null,
        1 => Value::Bool(read_u8(r)? != 0),
        2 => Value::Num(f64::from_bits(read_u64(r)?)),
        3 => Value::Str(read_string(r)?),
        4 => {
            let n = read_u64(r)?;
            let mut vs = Vec::new();
            for _ in 0..n {
                vs.push(read_value(r)?);
            }
            Value::Multi(vs)
        }
        _ => return Err(bad("unknown value tag")),
    })
}

fn read_event(r: &mut impl Read) -> std::io::Result<Event> {
    let orig_time = f64::from_bits(read_u64(r)?);
    let seq = read_u64(r)?;
    let record = match read_u8(r)? {
        0 => None,
        _ => Some(read_string(r)?.into_boxed_str()),
    };
    let n = read_u64(r)?;
    let mut ev = Event::with_capacity(n.min(1024) as usize);
    for _ in 0..n {
        let k = read_string(r)?;
        let v = read_value(r)?;
        ev.set(k, v);
    }
    ev.orig_time = orig_time;
    ev.seq = seq;
    ev.record = record;
    Ok(ev)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(t: f64, seq: u64, k: &str) -> Event {
        let mut e = Event::new();
        e.set("k", Value::str(k));
        e.set("n", Value::Num(seq as f64 / 3.0));
        e.set(
            "m",
            Value::Multi(vec![Value::str("a"), Value::Num(1.5), Value::Bool(true)]),
        );
        e.orig_time = t;
        e.seq = seq;
        if seq.is_multiple_of(2) {
            e.record = Some(format!("raw {seq}").into_boxed_str());
        }
        e
    }

    /// What an event holds, comparable (a NaN time is not equal to itself).
    fn key(e: &Event) -> (u64, u64, String, Option<Box<str>>) {
        (
            e.orig_time.to_bits(),
            e.seq,
            format!("{:?}", e.iter().collect::<Vec<_>>()),
            e.record.clone(),
        )
    }

    fn sorted(budget: usize, events: Vec<Event>) -> (Vec<Event>, usize) {
        let mut s = SpillSort::new("test", budget, Arc::new(Event::search_order));
        for e in events {
            s.push(e).unwrap();
        }
        let runs = s.runs();
        (s.finish().unwrap().map(|r| r.unwrap()).collect(), runs)
    }

    /// Times with repeats and NaN (no time), arriving in no order.
    fn input(n: u64) -> Vec<Event> {
        (0..n)
            .map(|i| {
                let t = if i % 17 == 0 {
                    f64::NAN
                } else {
                    ((i * 7919) % 101) as f64
                };
                ev(t, i, &format!("v{i}"))
            })
            .collect()
    }

    #[test]
    fn spilled_runs_merge_to_the_in_memory_order_with_every_field_intact() {
        let mut want = input(5000);
        want.sort_by(Event::search_order);
        let (all_in_memory, runs) = sorted(usize::MAX, input(5000));
        let want: Vec<_> = want.iter().map(key).collect();
        assert_eq!(runs, 0);
        assert!(all_in_memory.iter().map(key).eq(want.iter().cloned()));
        // A budget of about 20 events: hundreds of runs, compacted on the way.
        let (spilled, runs) = sorted(20 * approx_bytes(&ev(1.0, 1, "v1")), input(5000));
        assert!(runs >= 2, "{runs} runs");
        assert_eq!(spilled.len(), want.len());
        assert!(spilled.iter().map(key).eq(want.iter().cloned()));
    }

    #[test]
    fn equal_keys_keep_arrival_order_across_runs() {
        // Every event has the same time and the order compares only time:
        // the output must be the input order, across runs.
        let events: Vec<Event> = (0..300).map(|i| ev(5.0, 1000 - i, "x")).collect();
        let mut s = SpillSort::new(
            "test",
            10 * approx_bytes(&events[0]),
            Arc::new(|a: &Event, b: &Event| a.orig_time.total_cmp(&b.orig_time)),
        );
        for e in events.clone() {
            s.push(e).unwrap();
        }
        assert!(s.runs() > 2);
        let out: Vec<u64> = s.finish().unwrap().map(|r| r.unwrap().seq).collect();
        let want: Vec<u64> = events.iter().map(|e| e.seq).collect();
        assert_eq!(out, want);
    }

    #[test]
    fn the_encoding_reads_back_what_it_wrote() {
        let e = ev(f64::NAN, 2, "ünïcode\n\"q\"");
        let mut b = Vec::new();
        write_event(&mut b, &e).unwrap();
        let back = read_event(&mut b.as_slice()).unwrap();
        assert!(back.orig_time.is_nan());
        assert_eq!(back.seq, 2);
        assert_eq!(back.record, e.record);
        assert_eq!(
            back.iter().collect::<Vec<_>>(),
            e.iter().collect::<Vec<_>>()
        );
        // A cut file is an error, not a short event.
        assert!(read_event(&mut &b[..b.len() - 3]).is_err());
    }
}
