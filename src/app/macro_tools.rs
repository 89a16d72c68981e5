//! `spleval macro list|show|check` and writing macro files: which macros a
//! rules folder defines, which detections use them (directly or through
//! other macros), whether every definition parses as an SPL fragment, and
//! which calls nobody defines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::base::diag::{ErrorKind, Result, SplError};
use crate::content::macros::{self, MacroDef, MacroSet, Origin};
use crate::content::rules::{self, Detection};
use crate::engine::run;

/// The detections under `<rules>/detections` (recursively), sorted by path.
/// Files that cannot be read are returned as errors beside them.
pub fn detections(rules_root: &Path) -> (Vec<Detection>, Vec<SplError>) {
    let dir = rules_root.join("detections");
    let mut found = Vec::new();
    let mut errors = Vec::new();
    if !dir.is_dir() {
        return (found, errors);
    }
    let files = match crate::app::check::collect_files(&[dir]) {
        Ok(f) => f,
        Err(e) => return (found, vec![e]),
    };
    for f in files {
        match rules::load_search_only(&f) {
            Ok(Some(d)) => found.push(d),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    (found, errors)
}

/// Who uses which macro.
#[derive(Debug, Default)]
pub struct Usage {
    /// Macro key → detections (paths) whose search uses it, directly or
    /// through other macros.
    pub used_by: BTreeMap<String, BTreeSet<PathBuf>>,
    /// Undefined macro key → who calls it (detection paths, or `macro KEY`).
    pub undefined: BTreeMap<String, BTreeSet<String>>,
    /// `*_filter` macros detections call that no file defines (they expand to `search *`).
    pub generated_filters: BTreeSet<String>,
    /// Defined macros whose definition (transitively) calls an undefined macro.
    pub calls_undefined: BTreeSet<String>,
}

impl Usage {
    /// How many detections use the macro with this key.
    pub fn count(&self, key: &str) -> usize {
        self.used_by.get(key).map_or(0, |s| s.len())
    }
}

/// Scans the detections' searches and the macro definitions for calls.
pub fn usage(macros: &MacroSet, detections: &[Detection]) -> Usage {
    let mut u = Usage::default();
    for d in detections {
        let mut seen = BTreeSet::new();
        let caller = d.path.display().to_string();
        for (name, arity) in macros::calls(&d.search) {
            visit(macros, &name, arity, &caller, &mut seen, &mut u);
        }
        for k in seen {
            u.used_by.entry(k).or_default().insert(d.path.clone());
        }
    }
    // Calls inside definitions nobody uses are checked too.
    for m in macros.iter() {
        for (name, arity) in macros::calls(&m.definition) {
            let mut seen = BTreeSet::new();
            visit(
                macros,
                &name,
                arity,
                &format!("macro {}", m.key()),
                &mut seen,
                &mut u,
            );
        }
    }
    // Which definitions lead to an undefined macro.
    for m in macros.iter() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<(String, usize)> = macros::calls(&m.definition);
        while let Some((name, arity)) = stack.pop() {
            let k = macros::key(&name, arity);
            if !seen.insert(k.clone()) {
                continue;
            }
            match macros.get(&name, arity) {
                Some(d) => stack.extend(macros::calls(&d.definition)),
                None if is_generated_filter(&name, arity) => {}
                None => {
                    u.calls_undefined.insert(m.key());
                    break;
                }
            }
        }
    }
    u
}

fn is_generated_filter(name: &str, arity: usize) -> bool {
    arity == 0 && name.ends_with("_filter")
}

fn visit(
    macros: &MacroSet,
    name: &str,
    arity: usize,
    caller: &str,
    seen: &mut BTreeSet<String>,
    u: &mut Usage,
) {
    let k = macros::key(name, arity);
    match macros.get(name, arity) {
        Some(def) => {
            if !seen.insert(k.clone()) {
                return;
            }
            let me = format!("macro {k}");
            for (n, a) in macros::calls(&def.definition) {
                visit(macros, &n, a, &me, seen, u);
            }
        }
        None if is_generated_filter(name, arity) => {
            seen.insert(k.clone());
            u.generated_filters.insert(k);
        }
        None => {
            u.undefined.entry(k).or_default().insert(caller.to_string());
        }
    }
}

/// A call of the macro with its argument names as the arguments, e.g.
/// `` `security_content_ctime(field)` `` (or `$field$` when `dollars`).
fn sample_call(def: &MacroDef, dollars: bool) -> String {
    if def.args.is_empty() {
        format!("`{}`", def.name)
    } else {
        let args: Vec<String> = def
            .args
            .iter()
            .map(|a| if dollars { format!("${a}$") } else { a.clone() })
            .collect();
        format!("`{}({})`", def.name, args.join(", "))
    }
}

/// The macro's full expansion, arguments shown as `$name$`.
pub fn expansion(def: &MacroDef, macros: &MacroSet) -> Result<String> {
    let origin = Origin {
        label: format!("macro {}", def.key()),
        text: sample_call(def, true),
    };
    Ok(run::expand(origin, macros)?.text)
}

/// Checks that a definition, expanded with its argument names as the
/// arguments, parses as an SPL fragment.
pub fn check_definition(def: &MacroDef, macros: &MacroSet) -> Result<()> {
    let origin = Origin {
        label: format!("a call of macro {}", def.key()),
        text: sample_call(def, false),
    };
    let expanded = run::expand(origin, macros)?;
    run::parse_fragment(&expanded)?;
    Ok(())
}

/// The outcome of `spleval macro check`.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub checked: usize,
    /// Definitions that do not parse: (macro key, diagnostic).
    pub bad: Vec<(String, SplError)>,
    /// Definitions not parsed because they call an undefined macro.
    pub skipped: Vec<String>,
    pub usage: Usage,
    /// Macros defined in files that no detection uses.
    pub unused: Vec<String>,
    pub detections: usize,
    /// Detection files that could not be read.
    pub unreadable: Vec<SplError>,
}

impl CheckReport {
    pub fn failed(&self) -> bool {
        !self.bad.is_empty() || !self.usage.undefined.is_empty() || !self.unreadable.is_empty()
    }
}

/// Runs every check over a rules folder's macros and detections.
pub fn check(macros: &MacroSet, rules_root: Option<&Path>) -> CheckReport {
    let (dets, unreadable) = match rules_root {
        Some(r) => detections(r),
        None => (Vec::new(), Vec::new()),
    };
    let usage = usage(macros, &dets);
    let mut r = CheckReport {
        detections: dets.len(),
        unreadable,
        ..Default::default()
    };
    for m in macros.iter() {
        r.checked += 1;
        if usage.calls_undefined.contains(&m.key()) {
            r.skipped.push(m.key());
            continue;
        }
        if let Err(e) = check_definition(m, macros) {
            r.bad.push((m.key(), e));
        }
    }
    r.unused = macros
        .iter()
        .filter(|m| m.file.is_some())
        .map(|m| m.key())
        .filter(|k| usage.count(k) == 0)
        .collect();
    r.usage = usage;
    r
}

/// The security_content macro file text for a definition: `arguments`
/// (when any), `definition`, `description`, `name` (the corpus's key order).
pub fn to_yaml(def: &MacroDef) -> Result<String> {
    #[derive(serde::Serialize)]
    struct MacroYaml<'a> {
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        arguments: &'a [String],
        definition: &'a str,
        description: &'a str,
        name: &'a str,
    }
    let y = MacroYaml {
        arguments: &def.args,
        definition: &def.definition,
        description: def.description.as_deref().unwrap_or(""),
        name: &def.name,
    };
    serde_saphyr::to_string(&y)
        .map_err(|e| SplError::runtime(format!("cannot write macro {}: {e}", def.key())))
}

/// Writes `<dir>/<name>.yml` and reads it back to confirm it holds the same
/// macro. Returns the path.
pub fn write_file(def: &MacroDef, dir: &Path) -> Result<PathBuf> {
    let text = to_yaml(def)?;
    std::fs::create_dir_all(dir).map_err(|e| {
        SplError::new(
            ErrorKind::Rule,
            format!("cannot create macro folder {}: {e}", dir.display()),
        )
    })?;
    let path = dir.join(format!("{}.yml", def.name));
    std::fs::write(&path, &text).map_err(|e| {
        SplError::new(
            ErrorKind::Rule,
            format!("cannot write {}: {e}", path.display()),
        )
    })?;
    let back = macros::load_file(&path)?;
    if back.name != def.name || back.args != def.args || back.definition != def.definition {
        return Err(SplError::new(
            ErrorKind::Rule,
            format!(
                "{} does not read back as the macro written (definition {:?})",
                path.display(),
                back.definition
            ),
        ));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_round_trips_awkward_definitions() {
        let dir = tempfile::tempdir().unwrap();
        for def in [
            "user!=\"alice@contoso.onmicrosoft.com\"",
            "search * | where NOT match(x, \"^a: b#c\")",
            "'quoted' `other` $x$ | eval y=\"a\\\\b\"",
            "- leading dash: and colon",
            "multi\nline",
        ] {
            let mut m = MacroDef::adhoc("t_filter", vec!["x".into()], def, "test");
            m.description = Some("a: description # with marks".into());
            let p = write_file(&m, dir.path()).unwrap();
            let back = macros::load_file(&p).unwrap();
            assert_eq!(back.definition, def);
            assert_eq!(back.args, vec!["x".to_string()]);
            assert_eq!(back.description, m.description);
        }
    }
}
