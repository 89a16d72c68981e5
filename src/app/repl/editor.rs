//! The line editor on a terminal: history (kept in the XDG data folder),
//! completion of command names, eval functions, macro names, field names,
//! meta-commands and file paths, a hint of the command's syntax, and
//! multi-line input while a line ends with `|` or something is left open.

use std::borrow::Cow;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{CompletionType, Config, Context, Editor, Helper};

use super::{needs_more, Flow, Names, Session, META_COMMANDS};
use crate::base::diag::{Result, SplError};

/// Completion, hints and multi-line validation for the REPL.
#[derive(Helper)]
pub struct SplHelper {
    names: Arc<Mutex<Names>>,
    files: FilenameCompleter,
    color: bool,
}

impl SplHelper {
    pub fn new(names: Arc<Mutex<Names>>, color: bool) -> SplHelper {
        SplHelper {
            names,
            files: FilenameCompleter::new(),
            color,
        }
    }
}

/// Characters of a word being completed (field names have `.` and `{}`).
fn word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '{' | '}' | '@' | '-')
}

/// Meta-commands whose arguments are file paths.
const PATH_COMMANDS: &[&str] = &[".load", ".rules", ".run", ".save-macro"];
/// Meta-commands whose argument is SPL.
const SPL_COMMANDS: &[&str] = &[".expand", ".explain"];

/// What to complete at `pos`: (start of the replaced text, candidates).
/// `None` means: complete a file path.
pub fn candidates(line: &str, pos: usize, names: &Names) -> Option<(usize, Vec<Pair>)> {
    let before = &line[..pos];
    if let Some(meta) = before.strip_prefix('.') {
        let Some(sp) = meta.find(char::is_whitespace) else {
            // The meta-command's name.
            let v = META_COMMANDS
                .iter()
                .filter(|(n, _, _)| n.starts_with(before))
                .map(|(n, _, _)| pair(n, &format!("{n} ")))
                .collect();
            return Some((0, v));
        };
        let cmd = &before[..sp + 1];
        if PATH_COMMANDS.contains(&cmd) {
            return None;
        }
        if !SPL_COMMANDS.contains(&cmd) {
            return Some((pos, Vec::new()));
        }
        let off = sp + 1;
        let (s, v) = spl_candidates(&before[off..], names);
        return Some((off + s, v));
    }
    Some(spl_candidates(before, names))
}

/// Completion inside SPL (`before` is the text up to the cursor).
fn spl_candidates(before: &str, names: &Names) -> (usize, Vec<Pair>) {
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| word_char(*c))
        .last()
        .map_or(before.len(), |(i, _)| i);
    let word = &before[start..];
    let prefix = &before[..start];
    // Inside a macro call: an odd number of backticks before the word.
    if prefix.matches('`').count() % 2 == 1 && prefix.ends_with('`') {
        let v = names
            .macros
            .iter()
            .filter(|(n, _)| n.starts_with(word))
            .map(|(n, a)| {
                if *a == 0 {
                    pair(n, &format!("{n}`"))
                } else {
                    pair(&format!("{n}({a})"), &format!("{n}("))
                }
            })
            .collect();
        return (start, v);
    }
    let trimmed = prefix.trim_end();
    let at_command = trimmed.ends_with('|') || trimmed.is_empty() || trimmed.ends_with("[");
    if at_command {
        let mut v: Vec<Pair> = Vec::new();
        for c in crate::commands::COMMANDS {
            for n in std::iter::once(&c.name).chain(c.aliases.iter()) {
                if n.starts_with(&word.to_ascii_lowercase()) && !v.iter().any(|p| p.display == *n) {
                    v.push(pair(n, &format!("{n} ")));
                }
            }
        }
        v.sort_by(|a, b| a.display.cmp(&b.display));
        return (start, v);
    }
    let mut v: Vec<Pair> = names
        .fields
        .iter()
        .filter(|f| f.starts_with(word))
        .map(|f| pair(f, f))
        .collect();
    let lower = word.to_ascii_lowercase();
    v.extend(
        crate::functions::all_names()
            .into_iter()
            .filter(|f| f.starts_with(&lower))
            .map(|f| pair(&format!("{f}()"), &format!("{f}("))),
    );
    (start, v)
}

fn pair(display: &str, replacement: &str) -> Pair {
    Pair {
        display: display.to_string(),
        replacement: replacement.to_string(),
    }
}

impl Completer for SplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let names = self.names.lock().map(|n| n.clone()).unwrap_or_default();
        match candidates(line, pos, &names) {
            Some(r) => Ok(r),
            None => self.files.complete(line, pos, ctx),
        }
    }
}

/// A syntax hint: shown after the cursor, never inserted.
pub struct SyntaxHint(String);

impl Hint for SyntaxHint {
    fn display(&self) -> &str {
        &self.0
    }
    fn completion(&self) -> Option<&str> {
        None
    }
}

/// The syntax of the command being typed, when the cursor is right after its name.
pub fn syntax_hint(line: &str, pos: usize) -> Option<String> {
    if pos < line.len() {
        return None;
    }
    if line.starts_with('.') {
        let name = line.trim_end();
        let (_, args, _) = META_COMMANDS.iter().find(|(n, _, _)| *n == name)?;
        if args.is_empty() || line.len() > name.len() + 1 {
            return None;
        }
        let sep = if line.ends_with(char::is_whitespace) {
            ""
        } else {
            " "
        };
        return Some(format!("{sep}{args}"));
    }
    let seg = line.rsplit('|').next()?;
    let word = seg.trim_start();
    let name = word.trim_end();
    if name.is_empty() || name.contains(char::is_whitespace) || word.len() > name.len() + 1 {
        return None;
    }
    let spec = crate::commands::lookup(name)?;
    let syntax = spec.syntax.trim_start_matches("| ");
    let rest = syntax
        .strip_prefix(spec.name)
        .unwrap_or(syntax)
        .trim_start();
    if rest.is_empty() {
        return None;
    }
    let sep = if word.ends_with(char::is_whitespace) {
        ""
    } else {
        " "
    };
    Some(format!("{sep}{rest}"))
}

impl Hinter for SplHelper {
    type Hint = SyntaxHint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<SyntaxHint> {
        syntax_hint(line, pos).map(SyntaxHint)
    }
}

impl Highlighter for SplHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        false
    }
}

impl Validator for SplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        let blank_last = input.contains('\n')
            && input
                .rsplit('\n')
                .next()
                .is_some_and(|l| l.trim().is_empty());
        if needs_more(input) && !blank_last {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

/// Reads lines with the editor until `.quit` or Ctrl-D.
pub fn interactive(session: &mut Session) -> Result<()> {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .history_ignore_dups(true)
        .map_err(|e| SplError::runtime(format!("line editor: {e}")))?
        .max_history_size(10_000)
        .map_err(|e| SplError::runtime(format!("line editor: {e}")))?
        .build();
    let mut rl: Editor<SplHelper, rustyline::history::DefaultHistory> = Editor::with_config(config)
        .map_err(|e| SplError::runtime(format!("cannot start the line editor: {e}")))?;
    rl.set_helper(Some(SplHelper::new(session.names(), color)));
    let history = super::history_path();
    if let Some(h) = &history {
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if h.is_file() {
            let _ = rl.load_history(h);
        }
    }
    eprintln!(
        "spleval repl: {} event(s) loaded. Type SPL, or .help; Ctrl-D leaves.",
        session.event_count()
    );
    let prompt = if color {
        ("spl> ", "\x1b[1;36mspl>\x1b[0m ")
    } else {
        ("spl> ", "spl> ")
    };
    loop {
        let line = match rl.readline(&prompt) {
            Ok(l) => l,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(SplError::input(format!("cannot read input: {e}"))),
        };
        if !line.trim().is_empty() {
            let _ = rl.add_history_entry(line.as_str());
            if let Some(h) = &history {
                if let Err(e) = rl.append_history(h) {
                    eprintln!("warning: cannot write history {}: {e}", h.display());
                }
            }
        }
        match session.handle(&line) {
            Ok(Flow::Quit) => break,
            Ok(Flow::Continue) => {}
            Err(e) => session.report(&e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names {
            fields: vec!["user".into(), "status.errorCode".into()],
            macros: vec![("o365_graph".into(), 0), ("ctime".into(), 1)],
        }
    }

    fn repl(line: &str) -> Vec<String> {
        candidates(line, line.len(), &names())
            .map(|(_, v)| v.into_iter().map(|p| p.replacement).collect())
            .unwrap_or_default()
    }

    #[test]
    fn completes_by_context() {
        assert_eq!(repl("a | sta"), vec!["stats "]);
        assert_eq!(repl("`o3"), vec!["o365_graph`"]);
        assert_eq!(repl("a | `ct"), vec!["ctime("]);
        assert!(repl("a | eval x=us").contains(&"user".to_string()));
        assert!(repl("a | eval x=stat").contains(&"status.errorCode".to_string()));
        assert!(repl("a | eval x=lowe").contains(&"lower(".to_string()));
        assert_eq!(repl(".fie"), vec![".fields "]);
        assert!(candidates(".load rul", 9, &names()).is_none());
        assert_eq!(repl(".expand a | hea"), vec!["head "]);
    }

    #[test]
    fn hints_show_syntax_after_the_name() {
        assert_eq!(
            syntax_hint("a | head ", 9).as_deref(),
            Some("[<N> | (<eval-expression>)] [limit=<int>] [null=<bool>] [keeplast=<bool>]")
        );
        assert_eq!(
            syntax_hint("a | head", 8).as_deref(),
            Some(" [<N> | (<eval-expression>)] [limit=<int>] [null=<bool>] [keeplast=<bool>]")
        );
        assert_eq!(syntax_hint("a | head 5", 10), None);
        assert!(syntax_hint(".load ", 6).unwrap().starts_with("PATH"));
    }
}
