//! Keeping a path named by a rule or a search inside its folder: lookups
//! inside `<rules>/lookups/`, test datasets inside `--data`. A `..`
//! component is refused outright; then symbolic links are followed
//! (canonicalised) and the real path must start with the folder's real
//! path. A path that does not exist yet (a lookup about to be written) is
//! judged by its nearest existing folder; a link that leads nowhere is
//! refused (where it would write is not known).

use std::path::{Component, Path};

/// Ok when `path` stays inside `root` after following links; else why not.
/// A `root` that does not exist holds nothing to escape through (the read
/// or write then fails with its own error).
pub fn confine(root: &Path, path: &Path) -> Result<(), String> {
    // The part below the root (the root itself may be written with `..`).
    let below = path.strip_prefix(root).unwrap_or(path);
    if below
        .components()
        .any(|c| matches!(c, Component::ParentDir))
    {
        return Err("it climbs out with `..`".into());
    }
    let Ok(base) = root.canonicalize() else {
        return Ok(());
    };
    let real = match std::fs::symlink_metadata(path) {
        Ok(m) => match path.canonicalize() {
            Ok(r) => r,
            Err(_) if m.file_type().is_symlink() => {
                return Err("it is a symbolic link that leads nowhere".into())
            }
            Err(e) => return Err(e.to_string()),
        },
        Err(_) => {
            // Not there yet: where its nearest existing folder really is.
            let mut a = path.parent();
            loop {
                match a {
                    None => return Ok(()),
                    Some(p) if std::fs::symlink_metadata(p).is_ok() => {
                        break p.canonicalize().map_err(|_| {
                            format!("{} is a symbolic link that leads nowhere", p.display())
                        })?;
                    }
                    Some(p) => a = p.parent(),
                }
            }
        }
    };
    if real.starts_with(&base) {
        Ok(())
    } else {
        Err(format!("it leads to {}", real.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_out_of_the_folder_are_refused() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("root");
        let out = t.path().join("out");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        std::os::unix::fs::symlink(&out, root.join("away")).unwrap();
        std::os::unix::fs::symlink(out.join("none"), root.join("dangling.csv")).unwrap();
        std::os::unix::fs::symlink(root.join("sub"), root.join("inner")).unwrap();
        assert!(confine(&root, &root.join("sub/new.csv")).is_ok());
        assert!(confine(&root, &root.join("inner/new.csv")).is_ok());
        assert!(confine(&root, &root.join("away/new.csv")).is_err());
        assert!(confine(&root, &root.join("away/deeper/new.csv")).is_err());
        assert!(confine(&root, &root.join("dangling.csv")).is_err());
        assert!(confine(&root, &root.join("../out/x")).is_err());
    }
}
