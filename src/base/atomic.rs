//! Writing a file so that it is either the old one or the whole new one,
//! never a cut: the bytes go to a temporary file in the same folder, which
//! is synced to disk and then renamed over the target (and the folder
//! synced, so the rename lasts). An interrupted write leaves the old file.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically (see the module). A target that
/// exists and is not a regular file (`/dev/stdout`, a FIFO) is written
/// directly: renaming over it would replace the device or pipe.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return std::fs::write(path, bytes);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_and_leaves_no_temporary_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("t.csv");
        std::fs::write(&p, "old").unwrap();
        write_atomic(&p, b"new,text\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new,text\n");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
        // A folder that does not exist: an error, nothing written.
        assert!(write_atomic(&d.path().join("no/x.csv"), b"x").is_err());
        // A device is written, not replaced.
        write_atomic(Path::new("/dev/null"), b"x").unwrap();
        assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    }
}
