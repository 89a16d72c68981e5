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

/// Saves `def` as the definition in force of the macro `current` is: when
/// a file defines it now, in that file, with only the text of its
/// `definition:` value replaced (comments, other keys and their order kept
/// byte for byte); else in a new `<dir>/<name>.yml`. Written through a
/// temporary file, synced and renamed, and read back to confirm. Returns
/// the path.
pub fn write_definition(current: &MacroDef, def: &MacroDef, dir: &Path) -> Result<PathBuf> {
    let Some(path) = current.file.as_deref() else {
        return write_file(def, dir);
    };
    let rule_err = |msg: String| SplError::new(ErrorKind::Rule, msg);
    let text = std::fs::read_to_string(path)
        .map_err(|e| rule_err(format!("cannot read macro file {}: {e}", path.display())))?;
    let edited = edit_definition(&text, &def.definition)
        .map_err(|e| rule_err(format!("cannot edit {}: {e}", path.display())))?;
    crate::base::atomic::write_atomic(path, edited.as_bytes())
        .map_err(|e| rule_err(format!("cannot write {}: {e}", path.display())))?;
    let back = macros::load_file(path)?;
    if back.name != current.name || back.args != current.args || back.definition != def.definition {
        // Put the file back as it was.
        let _ = crate::base::atomic::write_atomic(path, text.as_bytes());
        return Err(rule_err(format!(
            "{} does not read back as the macro written (definition {:?}); left as it was",
            path.display(),
            back.definition
        )));
    }
    Ok(path.to_path_buf())
}

/// A macro file's text with the value of `definition:` replaced by
/// `definition` (a double-quoted YAML scalar), the rest unchanged.
pub fn edit_definition(text: &str, definition: &str) -> std::result::Result<String, String> {
    #[derive(serde::Deserialize)]
    struct Def {
        definition: serde_saphyr::Spanned<String>,
    }
    let d: Def = serde_saphyr::from_str(text).map_err(|e| e.to_string())?;
    let span = d.definition.referenced.span();
    let (Some(start), Some(len)) = (span.byte_offset(), span.byte_len()) else {
        return Err("no position for its definition".into());
    };
    let (mut start, len) = (start as usize, len as usize);
    let hint = start + len;
    if start > text.len() || !text.is_char_boundary(start) {
        return Err("its definition's position is outside the file".into());
    }
    // A block scalar's position is its content's: its indicator (`|`,
    // `>-`) is the first thing after the key's colon.
    if let Some(colon) = text[..start].rfind(':') {
        let after = colon
            + 1
            + (text[colon + 1..].len() - text[colon + 1..].trim_start_matches([' ', '\t']).len());
        if text[after..].starts_with(['|', '>']) {
            start = after;
        }
    }
    let end = value_end(text, start, hint);
    if end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return Err("its definition's position is outside the file".into());
    }
    // JSON's string syntax is YAML's double-quoted scalar.
    let quoted = serde_json::to_string(definition).map_err(|e| e.to_string())?;
    Ok(format!("{}{}{}", &text[..start], quoted, &text[end..]))
}

/// Where a scalar value that starts at `start` ends: a block scalar
/// (`|`, `>`) runs over its more-indented lines, a plain one over its
/// continuation lines; `hint` is the end the parser gave.
fn value_end(text: &str, start: usize, hint: usize) -> usize {
    let first = text[start..].chars().next();
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let key_indent = text[line_start..].chars().take_while(|c| *c == ' ').count();
    match first {
        Some('"') | Some('\'') => hint,
        _ => {
            // Block and plain scalars: the value runs to the end of its
            // line, then over the lines indented more than its key (blank
            // lines inside included), comments after it left alone.
            let mut end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            if matches!(first, Some('|') | Some('>')) || hint > end {
                let mut pos = end;
                while pos < text.len() {
                    let next = text[pos + 1..]
                        .find('\n')
                        .map_or(text.len(), |i| pos + 1 + i);
                    let line = &text[pos + 1..next];
                    let indent = line.chars().take_while(|c| *c == ' ').count();
                    if line.trim().is_empty() {
                        pos = next;
                        continue;
                    }
                    if indent <= key_indent || line.trim_start().starts_with('#') {
                        break;
                    }
                    end = next;
                    pos = next;
                }
            } else {
                // A comment after a plain value on its line stays.
                let line = &text[start..end];
                if let Some(i) = line.find(" #") {
                    end = start + i;
                }
                end = start + text[start..end].trim_end().len();
            }
            end.max(hint.min(end))
        }
    }
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
    crate::base::atomic::write_atomic(&path, text.as_bytes()).map_err(|e| {
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
    fn edits_only_the_definition() {
        let cases = [
            "# top comment\nname: f\ndefinition: search *  # why\nextra: [1, 2]\ndescription: d\n",
            "definition: 'a ''b'' c'\nname: f\n",
            "name: f\ndefinition: \"x\\\"y\"\n# after\n",
            "name: f\ndefinition: |\n  search *\n  | where x=1\n\n# kept\ndescription: d\n",
            "name: f\ndefinition: >-\n  search\n  *\ndescription: d\n",
            "name: f\ndefinition: plain\n  continued\ndescription: d\n",
        ];
        for text in cases {
            let out = edit_definition(text, "new \"def\" `m`").unwrap();
            #[derive(serde::Deserialize)]
            struct M {
                definition: String,
                name: String,
            }
            let m: M = serde_saphyr::from_str(&out).unwrap_or_else(|e| panic!("{out}: {e}"));
            assert_eq!(m.definition, "new \"def\" `m`", "{out}");
            assert_eq!(m.name, "f");
            // Everything outside the value is the same bytes.
            let i = text.find("definition:").unwrap() + "definition:".len();
            assert_eq!(&out[..i], &text[..i], "{out}");
            for keep in [
                "# top comment",
                "# why",
                "extra: [1, 2]",
                "# after",
                "# kept",
                "description: d",
            ] {
                assert_eq!(text.contains(keep), out.contains(keep), "{keep}: {out}");
            }
        }
    }

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
