//! Detection rules in the security_content schema, and the rules folder
//! layout (`detections/`, `macros/`, …).

use std::path::{Path, PathBuf};

use crate::base::diag::{ErrorKind, Result, SplError};
use crate::content::macros::{MacroSet, Origin};

/// A loaded detection. `doc` keeps the whole YAML document (unknown keys included).
#[derive(Debug, Clone)]
pub struct Detection {
    pub path: PathBuf,
    pub name: String,
    pub id: Option<String>,
    pub search: String,
    /// Line of `search:` in the file.
    pub search_line: usize,
    /// `status:` (production, experimental, deprecated, removed), when given.
    pub status: Option<String>,
    pub doc: serde_json::Value,
}

#[derive(serde::Deserialize)]
struct Head {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    status: Option<String>,
    search: Option<serde_saphyr::Spanned<String>>,
}

impl Detection {
    /// The search as an origin for macro expansion and diagnostics.
    pub fn origin(&self) -> Origin {
        Origin {
            label: format!("{}:{} (search)", self.path.display(), self.search_line),
            text: self.search.clone(),
        }
    }

    /// The `tests:` block as written.
    pub fn tests(&self) -> &[serde_json::Value] {
        self.doc
            .get("tests")
            .and_then(|t| t.as_array())
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }
}

/// Reads a detection YAML file; it must have a `search:` string.
pub fn load_detection(path: &Path) -> Result<Detection> {
    load(path, true)
}

/// Like [`load_detection`] but skips keeping the whole document (faster, for checks).
/// `Ok(None)` when the YAML has no `search:` key.
pub fn load_search_only(path: &Path) -> Result<Option<Detection>> {
    match load(path, false) {
        Ok(d) => Ok(Some(d)),
        Err(e) if e.msg.ends_with("has no `search:` key") => Ok(None),
        Err(e) => Err(e),
    }
}

fn load(path: &Path, full: bool) -> Result<Detection> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        SplError::new(
            ErrorKind::Rule,
            format!("cannot read rule file {}: {e}", path.display()),
        )
    })?;
    let yaml_err = |e: serde_saphyr::Error| {
        SplError::new(
            ErrorKind::Rule,
            format!(
                "malformed rule file {}: {}",
                path.display(),
                crate::base::diag::yaml_message(&e, path)
            ),
        )
    };
    let head: Head = serde_saphyr::from_str(&text).map_err(yaml_err)?;
    let doc: serde_json::Value = if full {
        serde_saphyr::from_str(&text).map_err(yaml_err)?
    } else {
        serde_json::Value::Null
    };
    let Some(search) = head.search else {
        return Err(SplError::new(
            ErrorKind::Rule,
            format!("{} has no `search:` key", path.display()),
        ));
    };
    Ok(Detection {
        path: path.to_path_buf(),
        name: head.name.unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        }),
        id: head.id,
        search_line: search.referenced.line() as usize,
        search: search.value,
        status: head.status,
        doc,
    })
}

impl Detection {
    /// Deprecated or removed: `status: deprecated|removed`, or kept under a
    /// `deprecated/` or `removed/` folder (security_content's layout).
    pub fn retired(&self) -> bool {
        self.status.as_deref().is_some_and(|s| {
            s.eq_ignore_ascii_case("deprecated") || s.eq_ignore_ascii_case("removed")
        }) || self
            .path
            .components()
            .any(|c| c.as_os_str() == "deprecated" || c.as_os_str() == "removed")
    }
}

/// The rules root for a rule file: the nearest ancestor holding `macros/`.
/// The path is kept as written (relative stays relative, so diagnostics name
/// `rules/macros/x.yml`); only when no written ancestor has one are the
/// canonical ancestors searched.
pub fn find_rules_root(rule: &Path) -> Option<PathBuf> {
    let mut dir = rule.parent();
    while let Some(d) = dir {
        let probe = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        if probe.join("macros").is_dir() {
            return Some(probe.to_path_buf());
        }
        if d.file_name().is_none() {
            // `..` (or the root): its written parent is not its real one.
            break;
        }
        dir = d.parent();
    }
    let abs = rule.canonicalize().ok()?;
    let mut dir = abs.parent();
    while let Some(d) = dir {
        if d.join("macros").is_dir() {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

/// Built-in macros, then `<root>/macros`, then each extra folder (later wins).
pub fn load_macros(root: Option<&Path>, extra: &[PathBuf]) -> Result<MacroSet> {
    let mut set = MacroSet::with_builtins();
    if let Some(root) = root {
        let dir = root.join("macros");
        if dir.is_dir() {
            set.load_dir(&dir)?;
        } else if !root.is_dir() {
            return Err(SplError::new(
                ErrorKind::Rule,
                format!("rules folder {} does not exist", root.display()),
            ));
        }
    }
    for d in extra {
        if !d.is_dir() {
            return Err(SplError::new(
                ErrorKind::Rule,
                format!("macro folder {} does not exist", d.display()),
            ));
        }
        set.load_dir(d)?;
    }
    Ok(set)
}
