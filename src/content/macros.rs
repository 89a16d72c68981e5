//! Search macros: definitions loaded from security_content-style YAML
//! (`name`, `definition`, optional `arguments`, `description`), addressed by
//! name and arity, expanded textually and recursively. The expansion keeps a
//! map from every byte of the expanded text back to the text it was copied
//! from (the detection's `search:` or a macro's `definition:`), so errors
//! point at what the author wrote.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::base::diag::{ErrorKind, Result, SplError};
use crate::base::span::Span;

/// Where a piece of SPL text was written.
#[derive(Debug, Clone)]
pub struct Origin {
    /// Label for diagnostics, e.g. `rules/macros/o365_graph.yml:1 (macro o365_graph)`.
    pub label: String,
    /// The text as written.
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct MacroDef {
    pub name: String,
    pub args: Vec<String>,
    pub definition: String,
    pub description: Option<String>,
    /// The file it came from (None: built in or defined in a session).
    pub file: Option<PathBuf>,
    /// Line of `definition:` in the file.
    pub line: usize,
    /// Where a macro without a file was defined (`session`, `--with`);
    /// None: built in.
    pub defined_in: Option<String>,
}

impl MacroDef {
    pub fn arity(&self) -> usize {
        self.args.len()
    }
    /// `name` or `name(2)`, as Splunk's macros.conf names them.
    pub fn key(&self) -> String {
        key(&self.name, self.args.len())
    }
    pub fn location(&self) -> String {
        match (&self.file, &self.defined_in) {
            (Some(f), _) => format!("{}:{}", f.display(), self.line),
            (None, Some(d)) => d.clone(),
            (None, None) => "built-in".to_string(),
        }
    }

    /// A macro defined outside any file (a REPL session, `--with`).
    pub fn adhoc(name: &str, args: Vec<String>, definition: &str, defined_in: &str) -> MacroDef {
        MacroDef {
            name: name.to_string(),
            args,
            definition: definition.to_string(),
            description: None,
            file: None,
            line: 0,
            defined_in: Some(defined_in.to_string()),
        }
    }
}

/// `name` or `name(2)`: how a macro is addressed.
pub fn key(name: &str, arity: usize) -> String {
    if arity == 0 {
        name.to_string()
    } else {
        format!("{name}({arity})")
    }
}

/// Macros security_content relies on that ship with Splunk apps (CIM, ES),
/// not in the repo. The ES enrichment macros read ES's asset and corporate
/// domain tables; offline those tables are empty, and with empty tables the
/// macros change nothing, so they expand to `search *`.
pub const BUILTINS: &[(&str, &[&str], &str)] = &[
    ("drop_dm_object_name", &["object"], "rename $object$.* AS *"),
    ("get_asset", &["field"], "search *"),
    ("get_identity4events", &["field"], "search *"),
    ("cim_corporate_web_domain_search", &["domain"], "search *"),
    ("cim_corporate_web_domain_search", &[], "search *"),
];

#[derive(Debug, Clone, Default)]
pub struct MacroSet {
    defs: BTreeMap<String, MacroDef>,
}

#[derive(serde::Deserialize)]
struct MacroFile {
    name: serde_saphyr::Spanned<String>,
    definition: serde_saphyr::Spanned<String>,
    #[serde(default)]
    arguments: Option<Vec<String>>,
    #[serde(default)]
    description: Option<String>,
}

impl MacroSet {
    /// The built-in macros only.
    pub fn with_builtins() -> MacroSet {
        let mut s = MacroSet::default();
        for (name, args, def) in BUILTINS {
            s.insert(MacroDef {
                name: name.to_string(),
                args: args.iter().map(|a| a.to_string()).collect(),
                definition: def.to_string(),
                description: Some("built-in (Splunk CIM app)".into()),
                file: None,
                line: 0,
                defined_in: None,
            });
        }
        s
    }

    pub fn insert(&mut self, m: MacroDef) {
        self.defs.insert(m.key(), m);
    }

    pub fn get(&self, name: &str, arity: usize) -> Option<&MacroDef> {
        self.defs.get(&key(name, arity))
    }

    pub fn iter(&self) -> impl Iterator<Item = &MacroDef> {
        self.defs.values()
    }

    pub fn len(&self) -> usize {
        self.defs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// Arities under which `name` is defined.
    pub fn arities(&self, name: &str) -> Vec<usize> {
        self.defs
            .values()
            .filter(|m| m.name == name)
            .map(|m| m.arity())
            .collect()
    }

    /// Loads every `*.yml`/`*.yaml` in `dir` (not recursive); later loads override.
    pub fn load_dir(&mut self, dir: &Path) -> Result<usize> {
        let files = super::yaml_files(dir, "macro")?;
        let n = files.len();
        for f in files {
            self.insert(load_file(&f)?);
        }
        Ok(n)
    }
}

/// Reads one macro YAML file.
pub fn load_file(path: &Path) -> Result<MacroDef> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        SplError::new(
            ErrorKind::Rule,
            format!("cannot read macro file {}: {e}", path.display()),
        )
    })?;
    let mf: MacroFile = serde_saphyr::from_str(&text).map_err(|e| {
        SplError::new(
            ErrorKind::Rule,
            format!(
                "malformed macro file {}: {}",
                path.display(),
                crate::base::diag::yaml_message(&e, path)
            ),
        )
    })?;
    Ok(MacroDef {
        name: mf.name.value,
        args: mf.arguments.unwrap_or_default(),
        definition: mf.definition.value,
        description: mf.description,
        file: Some(path.to_path_buf()),
        line: mf.definition.referenced.line() as usize,
        defined_in: None,
    })
}

/// A piece of expanded text copied from an origin.
#[derive(Debug, Clone)]
struct Segment {
    exp_start: usize,
    len: usize,
    origin: Arc<Origin>,
    orig_start: usize,
}

/// Text with a map back to where each part was written.
#[derive(Debug, Clone, Default)]
pub struct Mapped {
    pub text: String,
    segs: Vec<Segment>,
}

impl Mapped {
    pub fn from_origin(origin: Origin) -> Mapped {
        let origin = Arc::new(origin);
        let mut m = Mapped::default();
        let len = origin.text.len();
        m.text.push_str(&origin.text);
        m.segs.push(Segment {
            exp_start: 0,
            len,
            origin,
            orig_start: 0,
        });
        m
    }

    /// Appends `self`'s bytes `range` of `other` (keeping their origins).
    fn push_slice(&mut self, other: &Mapped, start: usize, end: usize) {
        if start >= end {
            return;
        }
        let base = self.text.len();
        self.text.push_str(&other.text[start..end]);
        for s in &other.segs {
            let s_end = s.exp_start + s.len;
            let a = s.exp_start.max(start);
            let b = s_end.min(end);
            if a < b {
                self.segs.push(Segment {
                    exp_start: base + (a - start),
                    len: b - a,
                    origin: s.origin.clone(),
                    orig_start: s.orig_start + (a - s.exp_start),
                });
            }
        }
    }

    fn push_mapped(&mut self, other: &Mapped) {
        self.push_slice(other, 0, other.text.len());
    }

    /// Where an offset of the expanded text was written: the origin and the offset in it.
    pub fn locate(&self, offset: usize) -> Option<(&Origin, usize)> {
        let seg = self
            .segs
            .iter()
            .find(|s| offset >= s.exp_start && offset < s.exp_start + s.len)
            .or_else(|| {
                // The end of the text: the last segment.
                self.segs
                    .iter()
                    .rev()
                    .find(|s| offset == s.exp_start + s.len)
            })?;
        Some((&seg.origin, seg.orig_start + (offset - seg.exp_start)))
    }

    /// Attaches the origin text and a span (mapped back) to a diagnostic about
    /// `span` of the expanded text. Falls back to the expanded text when the
    /// span crosses origins.
    pub fn attach(&self, mut err: SplError, span: Span) -> SplError {
        let located = self.locate(span.start).and_then(|(o, start)| {
            let end_off = if span.is_empty() {
                span.start
            } else {
                span.end - 1
            };
            let (o2, end) = self.locate(end_off)?;
            let end = if span.is_empty() { end } else { end + 1 };
            (std::ptr::eq(o, o2) && end >= start).then(|| (o.clone(), Span::new(start, end)))
        });
        match located {
            Some((origin, s)) => {
                err.span = Some(s);
                err.source = Some(miette::NamedSource::new(
                    origin.label.clone(),
                    origin.text.clone(),
                ));
                if self.segs.len() > 1 || origin.text != self.text {
                    err.notes.push(format!("expanded search: {}", self.text));
                }
            }
            None => {
                err.span = Some(span);
                err.source = Some(miette::NamedSource::new(
                    "expanded search",
                    self.text.clone(),
                ));
            }
        }
        err
    }
}

/// A macro call found in text: `` `name(args)` ``.
struct Call {
    start: usize,
    end: usize,
    name: String,
    /// Argument byte ranges in the text.
    args: Vec<(usize, usize)>,
}

/// Finds the next macro call at or after `from`; skips ```comments```.
fn next_call(text: &str, from: usize) -> std::result::Result<Option<Call>, (Span, String)> {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut in_quotes = false;
    while i < bytes.len() {
        // A backtick inside a double-quoted string is text, not a macro (`replace(x, "`", "")`).
        if in_quotes {
            match bytes[i] {
                b'\\' => i += 1,
                b'"' => in_quotes = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if bytes[i] == b'\\' {
            // `\"` outside quotes is an escaped quote, not the start of a string.
            i += 2;
            continue;
        }
        if bytes[i] == b'"' {
            in_quotes = true;
            i += 1;
            continue;
        }
        if bytes[i] == b'`' {
            if text[i..].starts_with("```") {
                match text[i + 3..].find("```") {
                    Some(e) => {
                        i = i + 3 + e + 3;
                        continue;
                    }
                    None => {
                        return Err((Span::new(i, i + 3), "unterminated ``` comment".into()));
                    }
                }
            }
            let start = i;
            let Some(close) = text[i + 1..].find('`') else {
                return Err((
                    Span::new(i, i + 1),
                    "unterminated macro call: missing closing backtick".into(),
                ));
            };
            let end = i + 1 + close + 1;
            let inner_start = i + 1;
            let inner = &text[inner_start..end - 1];
            let (name, args) = match inner.find('(') {
                None => (inner.trim().to_string(), Vec::new()),
                Some(p) => {
                    let name = inner[..p].trim().to_string();
                    let body_start = inner_start + p + 1;
                    // The last `)` after the `(` (`a)b(c` has none).
                    let Some(rp) = inner.rfind(')').filter(|rp| *rp > p) else {
                        return Err((
                            Span::new(start, end),
                            format!("macro call `{name}(` is missing ')'"),
                        ));
                    };
                    let body_end = inner_start + rp;
                    (name, split_args(text, body_start, body_end))
                }
            };
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
            {
                return Err((
                    Span::new(start, end),
                    format!("invalid macro name {name:?}"),
                ));
            }
            return Ok(Some(Call {
                start,
                end,
                name,
                args,
            }));
        }
        i += 1;
    }
    Ok(None)
}

/// The macro calls written in `text` (not those inside their definitions),
/// as (name, arity), in order; scanning stops at a malformed call.
pub fn calls(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Ok(Some(c)) = next_call(text, pos) {
        out.push((c.name, c.args.len()));
        pos = c.end;
    }
    out
}

/// Splits `text[start..end]` at commas outside double quotes and parentheses.
fn split_args(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let body = &text[start..end];
    if body.trim().is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut in_q = false;
    let mut esc = false;
    let mut seg_start = 0;
    for (n, c) in body.char_indices() {
        if esc {
            esc = false;
            continue;
        }
        match c {
            '\\' if in_q => esc = true,
            '"' => in_q = !in_q,
            '(' if !in_q => depth += 1,
            ')' if !in_q => depth -= 1,
            ',' if !in_q && depth == 0 => {
                out.push(trim_range(body, seg_start, n, start));
                seg_start = n + 1;
            }
            _ => {}
        }
    }
    out.push(trim_range(body, seg_start, body.len(), start));
    out
}

fn trim_range(body: &str, a: usize, b: usize, base: usize) -> (usize, usize) {
    let s = &body[a..b];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    (base + a + lead, base + b - trail)
}

/// What to do with a `*_filter` macro no file defines.
pub const DEFAULT_FILTER: &str = "search *";

const MAX_DEPTH: usize = 50;

/// The most macro calls one search may expand (a macro calling the next
/// twice, 39 levels deep, would otherwise make 2^39 of them).
pub const MAX_EXPANSIONS: usize = 100_000;

/// The largest a search may grow by expansion, in bytes.
pub const MAX_EXPANDED: usize = 16 << 20;

/// What expanding one search has spent.
struct Budget {
    calls: usize,
}

/// Expands every macro in `input` recursively.
pub fn expand(input: &Mapped, macros: &MacroSet) -> Result<Mapped> {
    let mut stack = Vec::new();
    expand_inner(input, macros, &mut stack, &mut Budget { calls: 0 })
}

fn over_budget(input: &Mapped, span: Span, stack: &[String], k: &str, what: String) -> SplError {
    let chain = if stack.is_empty() {
        k.to_string()
    } else {
        format!("{} -> {k}", stack.join(" -> "))
    };
    input.attach(
        SplError::new(ErrorKind::Macro, format!("{what}; while expanding {chain}"))
            .with_label("expansion stopped here"),
        span,
    )
}

fn expand_inner(
    input: &Mapped,
    macros: &MacroSet,
    stack: &mut Vec<String>,
    budget: &mut Budget,
) -> Result<Mapped> {
    let mut out = Mapped::default();
    let mut pos = 0;
    loop {
        let call = match next_call(&input.text, pos) {
            Ok(c) => c,
            Err((span, msg)) => {
                return Err(input.attach(SplError::new(ErrorKind::Macro, msg), span));
            }
        };
        let Some(call) = call else { break };
        out.push_slice(input, pos, call.start);
        let span = Span::new(call.start, call.end);
        let arity = call.args.len();
        let def = match macros.get(&call.name, arity) {
            Some(d) => d.clone(),
            None if arity == 0 && call.name.ends_with("_filter") => MacroDef {
                name: call.name.clone(),
                args: Vec::new(),
                definition: DEFAULT_FILTER.to_string(),
                description: Some("filter macro no file defines (generated)".into()),
                file: None,
                line: 0,
                defined_in: Some("generated".into()),
            },
            None => {
                let others = macros.arities(&call.name);
                let err = if others.is_empty() {
                    SplError::new(ErrorKind::Macro, format!("unknown macro `{}`", call.name))
                        .with_label("not defined in any macro file")
                        .with_help("define it in a macros/*.yml file, or pass --macros DIR")
                } else {
                    let list: Vec<String> = others.iter().map(|a| key(&call.name, *a)).collect();
                    SplError::new(
                        ErrorKind::Macro,
                        format!(
                            "macro `{}` called with {arity} argument(s), but it is defined as {}",
                            call.name,
                            list.join(", ")
                        ),
                    )
                    .with_label("wrong number of arguments")
                };
                return Err(input.attach(err, span));
            }
        };
        let k = def.key();
        if stack.contains(&k) {
            let chain = format!("{} -> {k}", stack.join(" -> "));
            return Err(input.attach(
                SplError::new(ErrorKind::Macro, format!("macro cycle: {chain}"))
                    .with_label("expands into itself"),
                span,
            ));
        }
        if stack.len() >= MAX_DEPTH {
            return Err(input.attach(
                SplError::new(
                    ErrorKind::Macro,
                    "macros nested too deeply (more than 50 levels)",
                ),
                span,
            ));
        }
        budget.calls += 1;
        if budget.calls > MAX_EXPANSIONS {
            return Err(over_budget(
                input,
                span,
                stack,
                &k,
                format!("macro expansion too large: more than {MAX_EXPANSIONS} macro calls in one search"),
            ));
        }
        let body = substitute(&def, input, &call.args);
        stack.push(k);
        let expanded = expand_inner(&body, macros, stack, budget)?;
        let k = stack.pop().unwrap_or_default();
        out.push_mapped(&expanded);
        if out.text.len() > MAX_EXPANDED {
            return Err(over_budget(
                input,
                span,
                stack,
                &k,
                format!(
                    "macro expansion too large: the search grows past {} MiB",
                    MAX_EXPANDED >> 20
                ),
            ));
        }
        pos = call.end;
    }
    out.push_slice(input, pos, input.text.len());
    Ok(out)
}

/// The macro's definition with `$arg$` replaced by the call's argument text.
fn substitute(def: &MacroDef, caller: &Mapped, args: &[(usize, usize)]) -> Mapped {
    let origin = Arc::new(Origin {
        label: match &def.file {
            Some(f) => format!("{}:{} (macro {})", f.display(), def.line, def.key()),
            None => format!("macro {} ({})", def.key(), def.location()),
        },
        text: def.definition.clone(),
    });
    let def_mapped = Mapped {
        text: def.definition.clone(),
        segs: vec![Segment {
            exp_start: 0,
            len: def.definition.len(),
            origin,
            orig_start: 0,
        }],
    };
    if def.args.is_empty() {
        return def_mapped;
    }
    let names: HashMap<&str, usize> = def
        .args
        .iter()
        .enumerate()
        .map(|(n, a)| (a.as_str(), n))
        .collect();
    let mut out = Mapped::default();
    let text = &def.definition;
    let mut pos = 0;
    let mut i = 0;
    while let Some(off) = text[i..].find('$') {
        let s = i + off;
        let Some(e_off) = text[s + 1..].find('$') else {
            break;
        };
        let e = s + 1 + e_off;
        let name = &text[s + 1..e];
        if let Some(&n) = names.get(name) {
            out.push_slice(&def_mapped, pos, s);
            let (a, b) = args[n];
            out.push_slice(caller, a, b);
            pos = e + 1;
            i = e + 1;
        } else {
            i = s + 1;
        }
    }
    out.push_slice(&def_mapped, pos, text.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(defs: &[(&str, &[&str], &str)]) -> MacroSet {
        let mut s = MacroSet::with_builtins();
        for (n, a, d) in defs {
            s.insert(MacroDef {
                name: n.to_string(),
                args: a.iter().map(|x| x.to_string()).collect(),
                definition: d.to_string(),
                description: None,
                file: None,
                line: 0,
                defined_in: None,
            });
        }
        s
    }

    fn exp(text: &str, s: &MacroSet) -> Result<String> {
        let m = Mapped::from_origin(Origin {
            label: "t".into(),
            text: text.into(),
        });
        expand(&m, s).map(|m| m.text)
    }

    #[test]
    fn expands_recursively_with_arguments() {
        let s = set(&[
            ("a", &[], "x=1 `b(2, \"c,d\")`"),
            ("b", &["p", "q"], "y=$p$ z=$q$"),
        ]);
        assert_eq!(
            exp("`a` | stats count", &s).unwrap(),
            "x=1 y=2 z=\"c,d\" | stats count"
        );
    }

    #[test]
    fn arity_distinguishes_macros() {
        let s = set(&[("m", &[], "zero"), ("m", &["x"], "one $x$")]);
        assert_eq!(exp("`m` `m(1)`", &s).unwrap(), "zero one 1");
        let e = exp("`m(1,2)`", &s).unwrap_err();
        assert!(e.msg.contains("called with 2 argument"), "{}", e.msg);
    }

    #[test]
    fn undefined_filter_macros_are_search_star() {
        let s = set(&[]);
        assert_eq!(exp("a | `x_filter`", &s).unwrap(), "a | search *");
        assert!(exp("`nope`", &s).is_err());
    }

    #[test]
    fn calls_lists_the_macros_written() {
        assert_eq!(
            calls("`a` x=\"`not`\" ```c `d` ``` | `b(1, \"x,y\")`"),
            vec![("a".to_string(), 0), ("b".to_string(), 2)]
        );
        assert!(calls("`open").is_empty());
    }

    #[test]
    fn cycles_are_errors() {
        let s = set(&[("a", &[], "`b`"), ("b", &[], "`a`")]);
        let e = exp("`a`", &s).unwrap_err();
        assert!(e.msg.contains("cycle"), "{}", e.msg);
    }

    #[test]
    fn map_points_back_into_macro_definitions() {
        let s = set(&[("m", &["f"], "eval x=$f$ +")]);
        let m = Mapped::from_origin(Origin {
            label: "search".into(),
            text: "a | `m(y)`".into(),
        });
        let out = expand(&m, &s).unwrap();
        assert_eq!(out.text, "a | eval x=y +");
        let (o, off) = out.locate(out.text.find('y').unwrap()).unwrap();
        assert_eq!(o.label, "search");
        assert_eq!(&o.text[off..off + 1], "y");
        let (o, off) = out.locate(out.text.find('+').unwrap()).unwrap();
        assert!(o.label.contains("macro m(1)"));
        assert_eq!(&o.text[off..off + 1], "+");
    }
}
