//! What a rules pack holds, loaded and compiled once: detections and their
//! macros, lookups, data models and search-time knowledge packs.

pub mod annotations;
pub mod attack;
pub mod datamodels;
pub mod knowledge;
pub mod lookups;
pub mod macros;
pub mod rules;

use std::path::{Path, PathBuf};

use crate::base::diag::{ErrorKind, Result, SplError};

/// The `*.yml`/`*.yaml` files directly in `dir`, sorted by name; `what`
/// names the folder in the error (`macro`, `knowledge`).
pub(crate) fn yaml_files(dir: &Path, what: &str) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| {
            SplError::new(
                ErrorKind::Rule,
                format!("cannot read {what} folder {}: {e}", dir.display()),
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yml") | Some("yaml")
            )
        })
        .collect();
    files.sort();
    Ok(files)
}
