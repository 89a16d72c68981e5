//! `spleval repl`: SPL typed (or piped) line by line and run over loaded
//! events, with meta-commands (`.load`, `.macro`, `.expand`, …) for
//! trying searches and writing macros.
//!
//! On a terminal the line editor (rustyline, see [`editor`]) gives history,
//! completion, syntax hints and multi-line input; otherwise lines are read
//! from stdin without prompts, so sessions can be scripted and tested.

pub mod editor;

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::app::macro_tools;
use crate::app::output::{Format, Writer};
use crate::base::diag::{self, ErrorKind, Result, SplError};
use crate::base::event::Event;
use crate::commands::support::pipeline::PlanCtx;
use crate::content::macros::{MacroDef, MacroSet, Origin};
use crate::content::rules;
use crate::engine::run;
use crate::input::{self, Meta, Source};

/// What the REPL starts with (from the command line).
pub struct Options {
    /// Rules root holding `macros/` (and `detections/` for `.run`).
    pub rules: Option<PathBuf>,
    /// Extra macro folders, later ones overriding.
    pub macros: Vec<PathBuf>,
    /// Metadata for events that lack it (for EVENTS and `.load`).
    pub meta: Meta,
    /// NDJSON files to load at the start.
    pub events: Vec<PathBuf>,
    pub format: Format,
    pub ctx: PlanCtx,
}

/// Names the line editor completes, kept current by the session.
#[derive(Debug, Default, Clone)]
pub struct Names {
    /// Field names seen in the loaded events.
    pub fields: Vec<String>,
    /// Macro names with their arities.
    pub macros: Vec<(String, usize)>,
}

/// The meta-commands, with their argument syntax (for `.help`, completion and hints).
pub const META_COMMANDS: &[(&str, &str, &str)] = &[
    (
        ".load",
        "PATH… [--sourcetype ST] [--source S] [--host H] [--index I]",
        "load NDJSON events (added to those loaded)",
    ),
    (".clear", "", "forget the loaded events"),
    (
        ".rules",
        "DIR",
        "use DIR as the rules root (its macros/ and detections/)",
    ),
    (
        ".macro",
        "NAME[(a, b)] = DEFINITION",
        "define a session macro (overrides files; usable at once)",
    ),
    (
        ".macros",
        "[TEXT]",
        "list macros (those whose name contains TEXT)",
    ),
    (".expand", "SPL", "print SPL with its macros expanded"),
    (
        ".fields",
        "",
        "field names of the loaded events, with how many events have each",
    ),
    (".format", "table|json|csv", "how results print"),
    (
        ".explain",
        "SPL",
        "run SPL, then rows in / rows out / time per command",
    ),
    (
        ".run",
        "DETECTION",
        "run a detection (a YAML path, or a name or file name under <rules>/detections)",
    ),
    (
        ".save-macro",
        "NAME [DIR] [--description TEXT]",
        "write a session macro as security_content YAML (default DIR: <rules>/macros)",
    ),
    (".help", "", "this list"),
    (".quit", "", "leave (also .exit, Ctrl-D)"),
];

/// What to do after a line.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

/// The REPL's state: loaded events, macros, output format.
pub struct Session {
    rules_root: Option<PathBuf>,
    extra_macros: Vec<PathBuf>,
    file_macros: MacroSet,
    /// Session macros in definition order (a later one with the same key replaces).
    session_macros: Vec<MacroDef>,
    events: Arc<Vec<Event>>,
    meta: Meta,
    format: Format,
    ctx: PlanCtx,
    names: Arc<Mutex<Names>>,
    color: bool,
}

impl Session {
    pub fn new(opts: Options) -> Result<Session> {
        let rules_root = match opts.rules {
            Some(d) => Some(d),
            None => Some(PathBuf::from("rules")).filter(|p| p.join("macros").is_dir()),
        };
        let file_macros = rules::load_macros(rules_root.as_deref(), &opts.macros)?;
        let mut ctx = opts.ctx;
        ctx.rules_root = rules_root.clone();
        let mut s = Session {
            rules_root,
            extra_macros: opts.macros,
            file_macros,
            session_macros: Vec::new(),
            events: Arc::new(Vec::new()),
            meta: opts.meta,
            format: opts.format,
            ctx,
            names: Arc::new(Mutex::new(Names::default())),
            color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        for p in &opts.events {
            let meta = s.meta.clone();
            s.load(p, &meta)?;
        }
        s.refresh_names();
        Ok(s)
    }

    /// The names the editor completes (shared; updated as the session changes).
    pub fn names(&self) -> Arc<Mutex<Names>> {
        self.names.clone()
    }

    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    /// File macros with the session's on top.
    pub fn macros(&self) -> MacroSet {
        let mut set = self.file_macros.clone();
        for m in &self.session_macros {
            set.insert(m.clone());
        }
        set
    }

    fn refresh_names(&self) {
        let mut fields: indexmap::IndexSet<String> = indexmap::IndexSet::new();
        for ev in self.events.iter() {
            for k in ev.names() {
                if !fields.contains(k.as_str()) {
                    fields.insert(k.to_string());
                }
            }
        }
        let macros = self
            .macros()
            .iter()
            .map(|m| (m.name.clone(), m.arity()))
            .collect();
        if let Ok(mut n) = self.names.lock() {
            n.fields = fields.into_iter().collect();
            n.macros = macros;
        }
    }

    /// Renders an error as the CLI does.
    pub fn report(&self, e: &SplError) {
        eprint!("{}", diag::render(e, self.color));
    }

    /// Runs one (possibly multi-line) input: SPL or a meta-command.
    pub fn handle(&mut self, input: &str) -> Result<Flow> {
        let text = input.trim();
        if text.is_empty() {
            return Ok(Flow::Continue);
        }
        if text.starts_with('.') {
            return self.meta_command(text);
        }
        self.run_spl(text, false)?;
        Ok(Flow::Continue)
    }

    fn meta_command(&mut self, text: &str) -> Result<Flow> {
        let (cmd, rest) = match text.find(char::is_whitespace) {
            Some(i) => (&text[..i], text[i..].trim()),
            None => (text, ""),
        };
        match cmd {
            ".quit" | ".exit" | ".q" => return Ok(Flow::Quit),
            ".help" | ".h" | ".?" => help(),
            ".load" => {
                let words = split_words(rest)?;
                let (paths, meta) = load_args(&words, &self.meta)?;
                if paths.is_empty() {
                    return Err(usage(".load PATH… [--sourcetype ST] [--source S]"));
                }
                for p in paths {
                    self.load(Path::new(&p), &meta)?;
                }
                self.refresh_names();
            }
            ".clear" => {
                let n = self.events.len();
                self.events = Arc::new(Vec::new());
                self.refresh_names();
                eprintln!("cleared {n} event(s)");
            }
            ".rules" => {
                let words = split_words(rest)?;
                let [dir] = words.as_slice() else {
                    return Err(usage(".rules DIR"));
                };
                let dir = PathBuf::from(dir);
                if !dir.is_dir() {
                    return Err(SplError::new(
                        ErrorKind::Rule,
                        format!("rules folder {} does not exist", dir.display()),
                    ));
                }
                self.file_macros = rules::load_macros(Some(&dir), &self.extra_macros)?;
                self.ctx.rules_root = Some(dir.clone());
                self.rules_root = Some(dir.clone());
                self.refresh_names();
                eprintln!(
                    "rules folder {}: {} macro(s)",
                    dir.display(),
                    self.file_macros.len()
                );
            }
            ".macro" => self.define_macro(rest)?,
            ".macros" => self.list_macros(rest),
            ".expand" => {
                if rest.is_empty() {
                    return Err(usage(".expand SPL"));
                }
                let m = run::expand(origin(rest), &self.macros())?;
                println!("{}", m.text);
            }
            ".fields" => self.fields(),
            ".format" => {
                self.format = match rest {
                    "table" => Format::Table,
                    "json" => Format::Json,
                    "csv" => Format::Csv,
                    _ => return Err(usage(".format table|json|csv")),
                };
                eprintln!("format: {rest}");
            }
            ".explain" => {
                if rest.is_empty() {
                    return Err(usage(".explain SPL"));
                }
                crate::commands::support::pipeline::set_stage_timing(true);
                let r = self.run_spl(rest, true);
                crate::commands::support::pipeline::set_stage_timing(false);
                r?;
            }
            ".run" => {
                let words = split_words(rest)?;
                let [which] = words.as_slice() else {
                    return Err(usage(".run DETECTION"));
                };
                let det = self.find_detection(which)?;
                eprintln!("{} ({})", det.name, det.path.display());
                self.run_origin(det.origin(), false)?;
            }
            ".save-macro" => self.save_macro(rest)?,
            _ => {
                return Err(SplError::usage(format!("unknown meta-command {cmd}"))
                    .with_help("type .help for the list"))
            }
        }
        Ok(Flow::Continue)
    }

    /// Reads an NDJSON file into the session.
    fn load(&mut self, path: &Path, meta: &Meta) -> Result<()> {
        if !path.is_file() {
            return Err(SplError::input(format!(
                "event file {} not found",
                path.display()
            )));
        }
        let mut evs = Vec::new();
        let summary = input::read_all(&[Source::File(path.to_path_buf())], meta, &mut |ev| {
            evs.push(ev);
            Ok(true)
        })?;
        let all = Arc::make_mut(&mut self.events);
        let base = all.len() as u64;
        for (n, mut ev) in evs.into_iter().enumerate() {
            ev.seq = base + n as u64;
            all.push(ev);
        }
        let mut msg = format!(
            "loaded {} event(s) from {} ({} in all)",
            summary.events,
            path.display(),
            all.len()
        );
        if summary.malformed > 0 {
            msg.push_str(&format!(
                "; {} malformed record(s) skipped",
                summary.malformed
            ));
        }
        eprintln!("{msg}");
        Ok(())
    }

    fn run_spl(&mut self, spl: &str, explain: bool) -> Result<()> {
        self.run_origin(origin(spl), explain)
    }

    fn run_origin(&mut self, origin: Origin, explain: bool) -> Result<()> {
        let started = Instant::now();
        let query = run::prepare(origin, &self.macros())?;
        let stdout = std::io::stdout();
        let mut writer = Writer::new(self.format, stdout.lock(), self.ctx.fn_ctx.tz);
        let mut report = query.run_events(&self.ctx, &self.events, &mut |ev| writer.push(ev))?;
        let count = writer.count;
        writer.declare_display(std::mem::take(&mut report.display), self.ctx.fn_ctx.clone());
        let _ = writer.finish(report.returns_events)?;
        let elapsed = started.elapsed();
        if explain {
            eprint!(
                "{}",
                crate::engine::explain::render(
                    &report.stages,
                    &query.expanded.text,
                    &report.input,
                    elapsed
                )
            );
        }
        let mut msg = format!(
            "{count} result(s) in {:.1} ms",
            elapsed.as_secs_f64() * 1000.0
        );
        if self.events.is_empty() && count == 0 {
            msg.push_str(" (no events loaded: .load PATH)");
        }
        eprintln!("{msg}");
        Ok(())
    }

    fn define_macro(&mut self, rest: &str) -> Result<()> {
        let syntax = ".macro NAME = DEFINITION or .macro NAME(a, b) = DEFINITION";
        let Some(eq) = rest.find('=') else {
            return Err(usage(syntax));
        };
        let head = rest[..eq].trim();
        let def = rest[eq + 1..].trim();
        if def.is_empty() {
            return Err(usage(syntax));
        }
        let (name, args) = match head.find('(') {
            None => (head, Vec::new()),
            Some(p) => {
                let Some(inner) = head[p + 1..].strip_suffix(')') else {
                    return Err(usage(syntax).with_help("close the argument list with ')'"));
                };
                let args: Vec<String> = inner
                    .split(',')
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect();
                (head[..p].trim(), args)
            }
        };
        let ok_name = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
        };
        if !ok_name(name) {
            return Err(SplError::usage(format!("invalid macro name {name:?}")));
        }
        if let Some(a) = args.iter().find(|a| !ok_name(a)) {
            return Err(SplError::usage(format!("invalid argument name {a:?}")));
        }
        let mut m = MacroDef::adhoc(name, args, def, "session");
        m.description = Some("Defined in a spleval REPL session.".into());
        let key = m.key();
        self.session_macros.retain(|x| x.key() != key);
        self.session_macros.push(m.clone());
        self.refresh_names();
        eprintln!("defined macro `{key}`");
        // Immediate feedback: does it parse as an SPL fragment?
        if let Err(e) = macro_tools::check_definition(&m, &self.macros()) {
            eprintln!("warning: the definition does not parse on its own:");
            self.report(&e);
        }
        Ok(())
    }

    fn list_macros(&self, filter: &str) {
        let set = self.macros();
        let mut n = 0;
        for m in set.iter().filter(|m| m.key().contains(filter)) {
            n += 1;
            let def: String = m
                .definition
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let def = if def.chars().count() > 70 {
                def.chars().take(69).collect::<String>() + "…"
            } else {
                def
            };
            println!("{:<40} {:<12} {def}", m.key(), short_location(m));
        }
        eprintln!("{n} macro(s)");
    }

    fn fields(&self) {
        let mut counts: indexmap::IndexMap<&str, usize> = indexmap::IndexMap::new();
        for ev in self.events.iter() {
            for k in ev.names() {
                *counts.entry(k.as_str()).or_default() += 1;
            }
        }
        let mut v: Vec<(&str, usize)> = counts.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let width = v.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
        for (k, n) in &v {
            println!("{k:<width$}  {n}");
        }
        eprintln!("{} field(s) in {} event(s)", v.len(), self.events.len());
    }

    fn find_detection(&self, which: &str) -> Result<rules::Detection> {
        let p = Path::new(which);
        if p.is_file() {
            return rules::load_detection(p);
        }
        let Some(root) = &self.rules_root else {
            return Err(SplError::new(
                ErrorKind::Rule,
                format!("{which} is not a file, and no rules folder is set (.rules DIR)"),
            ));
        };
        let (dets, _) = macro_tools::detections(root);
        let want = which.trim_end_matches(".yml").to_ascii_lowercase();
        let found = dets.into_iter().find(|d| {
            d.name.to_ascii_lowercase() == want
                || d.id.as_deref() == Some(which)
                || d.path
                    .file_stem()
                    .is_some_and(|s| s.to_string_lossy().to_ascii_lowercase() == want)
        });
        match found {
            Some(d) => rules::load_detection(&d.path),
            None => Err(SplError::new(
                ErrorKind::Rule,
                format!(
                    "no detection named {which:?} under {}",
                    root.join("detections").display()
                ),
            )),
        }
    }

    fn save_macro(&mut self, rest: &str) -> Result<()> {
        let syntax = ".save-macro NAME [DIR] [--description TEXT]";
        let words = split_words(rest)?;
        let mut pos = Vec::new();
        let mut description = None;
        let mut it = words.into_iter();
        while let Some(w) = it.next() {
            if w == "--description" {
                description = Some(it.next().ok_or_else(|| usage(syntax))?);
            } else {
                pos.push(w);
            }
        }
        let (name, dir) = match pos.as_slice() {
            [n] => (n.clone(), None),
            [n, d] => (n.clone(), Some(PathBuf::from(d))),
            _ => return Err(usage(syntax)),
        };
        let matching: Vec<&MacroDef> = self
            .session_macros
            .iter()
            .filter(|m| m.key() == name || m.name == name)
            .collect();
        let def = match matching.as_slice() {
            [] => {
                return Err(SplError::usage(format!(
                    "no session macro {name:?} (define it with .macro)"
                )))
            }
            [one] => (*one).clone(),
            many => {
                let keys: Vec<String> = many.iter().map(|m| m.key()).collect();
                return Err(SplError::usage(format!(
                    "{name} is defined with several arities ({}); name one",
                    keys.join(", ")
                )));
            }
        };
        let dir = match dir {
            Some(d) => d,
            None => match &self.rules_root {
                Some(r) => r.join("macros"),
                None => {
                    return Err(SplError::usage(
                        "no rules folder is set: give the folder (.save-macro NAME DIR)",
                    ))
                }
            },
        };
        let mut def = def;
        if let Some(d) = description {
            def.description = Some(d);
        }
        let path = macro_tools::write_file(&def, &dir)?;
        eprintln!("wrote {}", path.display());
        Ok(())
    }
}

fn origin(spl: &str) -> Origin {
    Origin {
        label: "input".into(),
        text: spl.to_string(),
    }
}

fn usage(syntax: &str) -> SplError {
    SplError::usage(format!("usage: {syntax}"))
}

fn short_location(m: &MacroDef) -> String {
    match &m.file {
        Some(f) => f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        None => m.location(),
    }
}

fn help() {
    println!("Type SPL to run it over the loaded events. A line ending in '|', or with an");
    println!("open bracket, quote or backtick, continues on the next line (a blank line");
    println!("ends it anyway). Meta-commands:");
    let heads: Vec<String> = META_COMMANDS
        .iter()
        .map(|(name, args, _)| format!("{name} {args}").trim_end().to_string())
        .collect();
    let width = heads.iter().map(|h| h.chars().count()).max().unwrap_or(0);
    for (head, (_, _, what)) in heads.iter().zip(META_COMMANDS) {
        println!("  {head:<width$}  {what}");
    }
}

/// Paths and metadata of a `.load` line.
fn load_args(words: &[String], base: &Meta) -> Result<(Vec<String>, Meta)> {
    let mut meta = base.clone();
    let mut paths = Vec::new();
    let mut it = words.iter();
    while let Some(w) = it.next() {
        let slot = match w.as_str() {
            "--sourcetype" => &mut meta.sourcetype,
            "--source" => &mut meta.source,
            "--host" => &mut meta.host,
            "--index" => &mut meta.index,
            s if s.starts_with("--") => {
                return Err(SplError::usage(format!("unknown .load option {s}")))
            }
            _ => {
                paths.push(w.clone());
                continue;
            }
        };
        let v = it
            .next()
            .ok_or_else(|| SplError::usage(format!("{w} needs a value")))?;
        *slot = Some(v.clone());
    }
    Ok((paths, meta))
}

/// Splits meta-command arguments at whitespace; double or single quotes group.
pub fn split_words(s: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                has = true;
            }
            (None, c) if c.is_whitespace() => {
                if has {
                    out.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            (None, c) => {
                cur.push(c);
                has = true;
            }
        }
    }
    if quote.is_some() {
        return Err(SplError::usage("unterminated quote"));
    }
    if has {
        out.push(cur);
    }
    Ok(out)
}

/// True when the input is not finished: it ends with `|`, or a bracket,
/// double quote or backtick is still open. (A blank line ends it anyway:
/// the editor and the stdin reader check that.)
pub fn needs_more(text: &str) -> bool {
    let mut depth = 0i32;
    let mut in_q = false;
    let mut in_bt = false;
    let mut esc = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        if in_q {
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_q = false;
            }
            continue;
        }
        match c {
            '`' if rest.starts_with("``") => match rest[2..].find("```") {
                // A ```comment```: its text does not count.
                Some(e) => rest = &rest[2 + e + 3..],
                None => return true,
            },
            '"' => in_q = true,
            '`' => in_bt = !in_bt,
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ => {}
        }
    }
    in_q || in_bt || depth > 0 || text.trim_end().ends_with('|')
}

/// Where the history file lives: `$XDG_DATA_HOME/spleval/history`, else
/// `~/.local/share/spleval/history`.
pub fn history_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("share"))
        })?;
    Some(base.join("spleval").join("history"))
}

/// Runs the REPL until `.quit` or end of input. Returns false when a
/// scripted (non-terminal) session had an error.
pub fn run(opts: Options) -> Result<bool> {
    let mut session = Session::new(opts)?;
    if std::io::stdin().is_terminal() {
        editor::interactive(&mut session)?;
        return Ok(true);
    }
    let mut ok = true;
    let mut run_one = |session: &mut Session, input: &str| -> bool {
        let quit = match session.handle(input) {
            Ok(flow) => flow == Flow::Quit,
            Err(e) => {
                ok = false;
                session.report(&e);
                false
            }
        };
        let _ = std::io::stdout().flush();
        quit
    };
    let stdin = std::io::stdin();
    let mut buf = String::new();
    for line in stdin.lock().lines() {
        let line = line.map_err(|e| SplError::input(format!("cannot read stdin: {e}")))?;
        if !buf.is_empty() && (line.trim().is_empty() || line.starts_with('.')) {
            // A blank line, or a meta-command, ends an unfinished input.
            let input = std::mem::take(&mut buf);
            if run_one(&mut session, &input) {
                return Ok(ok);
            }
        }
        if !buf.is_empty() {
            buf.push('\n');
        }
        buf.push_str(&line);
        if needs_more(&buf) {
            continue;
        }
        let input = std::mem::take(&mut buf);
        if run_one(&mut session, &input) {
            return Ok(ok);
        }
    }
    if !buf.trim().is_empty() {
        run_one(&mut session, &buf);
    }
    Ok(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation() {
        assert!(needs_more("a |"));
        assert!(needs_more("a | eval x=if(a"));
        assert!(needs_more("a \"open"));
        assert!(needs_more("a [search b"));
        assert!(needs_more("`m(a"));
        assert!(!needs_more("a | eval x=\"(\""));
        assert!(!needs_more("a | stats count"));
        assert!(!needs_more("a ```(``` b"));
    }

    #[test]
    fn words() {
        assert_eq!(
            split_words(r#"a "b c" 'd e' f\g"#).unwrap(),
            vec!["a", "b c", "d e", "f\\g"]
        );
        assert!(split_words("\"open").is_err());
        assert_eq!(split_words("''").unwrap(), vec![""]);
    }
}
