//! Compressed files decoded ahead of the reader, on their own threads: the
//! gzip and zstd decoders are single-threaded, so a folder of `.json.gz`
//! files read one after the other keeps one core decoding while the parse
//! workers wait. Here up to one decoder per core runs on the next files
//! while the reader parses the current one; files still come out in order,
//! and each decoder holds at most [`CHUNKS`] decoded chunks of
//! [`CHUNK`] bytes waiting, so memory does not grow with the input.

use std::io::Read;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use super::source::{decompress, Input};

/// Bytes per decoded chunk.
const CHUNK: usize = 1 << 20;
/// Decoded chunks a decoder may hold before the reader takes them.
const CHUNKS: usize = 4;

type Chunk = std::result::Result<Vec<u8>, String>;

/// One file for a decoder: its raw reader, its name, where its chunks go.
type Job = (Box<dyn Read + Send>, String, SyncSender<Chunk>);

/// The decoded bytes of one file, as its decoder thread sends them.
pub(crate) struct Decoded {
    rx: Receiver<Chunk>,
    buf: Vec<u8>,
    pos: usize,
}

impl Read for Decoded {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.buf.len() {
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    self.buf = chunk;
                    self.pos = 0;
                }
                Ok(Err(msg)) => return Err(std::io::Error::other(msg)),
                // The decoder is done.
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Whether a file starts with the gzip or zstd magic bytes.
fn compressed(path: &std::path::Path) -> bool {
    let mut head = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|_| super::source::compressed_magic(&head))
}

/// The inputs, with each compressed file's reader replaced by the reader of
/// its decoded bytes (true: already decoded). Decoders are spread over the
/// cores: decoder `j` takes the compressed files `j`, `j + k`, … in order,
/// each when the reader has taken (or dropped) its previous one.
pub(crate) fn decode_ahead(inputs: Vec<Input>) -> Vec<(Input, bool)> {
    let k = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8));
    let mut work: Vec<Vec<Job>> = (0..k).map(|_| Vec::new()).collect();
    let mut out = Vec::with_capacity(inputs.len());
    let mut n = 0;
    for (name, reader, path) in inputs {
        if !path.as_deref().is_some_and(compressed) {
            out.push(((name, reader, path), false));
            continue;
        }
        let (tx, rx) = sync_channel(CHUNKS);
        work[n % k].push((reader, name.clone(), tx));
        n += 1;
        let decoded: Box<dyn Read + Send> = Box::new(Decoded {
            rx,
            buf: Vec::new(),
            pos: 0,
        });
        out.push(((name, decoded, path), true));
    }
    for files in work.into_iter().filter(|w| !w.is_empty()) {
        std::thread::spawn(move || {
            for (reader, name, tx) in files {
                decode(reader, &name, &tx);
            }
        });
    }
    out
}

/// Decodes one file into `tx` until its end, an error, or the reader
/// dropping it.
fn decode(reader: Box<dyn Read + Send>, name: &str, tx: &SyncSender<Chunk>) {
    let mut r = match decompress(reader, name) {
        Ok(r) => r,
        Err(e) => {
            let _ = tx.send(Err(e.msg.clone()));
            return;
        }
    };
    loop {
        let mut chunk = vec![0u8; CHUNK];
        let mut filled = 0;
        while filled < CHUNK {
            match r.read(&mut chunk[filled..]) {
                Ok(0) => break,
                Ok(m) => filled += m,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let _ = tx.send(Err(e.to_string()));
                    return;
                }
            }
        }
        if filled == 0 {
            return;
        }
        chunk.truncate(filled);
        let last = filled < CHUNK;
        if tx.send(Ok(chunk)).is_err() || last {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn decoded_in_order_and_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut inputs: Vec<Input> = Vec::new();
        let mut want = Vec::new();
        for i in 0..7 {
            // Several chunks each, and one plain file among them.
            let text: String = (0..60_000)
                .map(|n| format!("{{\"f\":{i},\"n\":{n}}}\n"))
                .collect();
            let path = dir.path().join(format!("{i}.json"));
            if i == 3 {
                std::fs::write(&path, &text).unwrap();
            } else {
                let mut gz = flate2::write::GzEncoder::new(
                    std::fs::File::create(&path).unwrap(),
                    flate2::Compression::fast(),
                );
                gz.write_all(text.as_bytes()).unwrap();
                gz.finish().unwrap();
            }
            want.push((text.clone(), i != 3));
            let f: Box<dyn Read + Send> = Box::new(std::fs::File::open(&path).unwrap());
            inputs.push((format!("{i}"), f, Some(path)));
        }
        let got = decode_ahead(inputs);
        for (((_, mut r, _), decoded), (text, gz)) in got.into_iter().zip(want) {
            assert_eq!(decoded, gz);
            let mut s = String::new();
            r.read_to_string(&mut s).unwrap();
            // A plain file is left to the reader as it is.
            assert_eq!(s, text);
        }
    }

    #[test]
    fn a_corrupt_file_is_an_error_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.gz");
        std::fs::write(&path, b"\x1f\x8b\x08\x00garbage that is no deflate stream").unwrap();
        let f: Box<dyn Read + Send> = Box::new(std::fs::File::open(&path).unwrap());
        let mut got = decode_ahead(vec![("bad".into(), f, Some(path))]);
        let ((_, mut r, _), decoded) = got.remove(0);
        assert!(decoded);
        assert!(r.read_to_end(&mut Vec::new()).is_err());
    }
}
