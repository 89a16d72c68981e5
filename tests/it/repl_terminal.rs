//! The REPL on a pseudo-terminal: Tab completion and history.
#![cfg(unix)]

use crate::common;

use std::process::Command;
use std::time::Duration;

use expectrl::session::OsSession;
use expectrl::{Eof, Expect, Regex, Session};

const UP: &str = "\x1b[A";

fn start(xdg: &std::path::Path) -> OsSession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_spleval"));
    cmd.current_dir(common::root())
        .args(["repl", "--now", "1700000000", common::SEED_SAMPLE])
        .env("XDG_DATA_HOME", xdg)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut s = Session::spawn(cmd).expect("spawns on a pseudo-terminal");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s
}

#[test]
fn completion_and_history_on_a_terminal() {
    let xdg = tempfile::tempdir().unwrap();
    let history = xdg.path().join("spleval").join("history");

    let mut s = start(xdg.path());
    s.expect("6 event(s) loaded").unwrap();
    s.expect("spl> ").unwrap();
    // `| sta<TAB>` completes the command name.
    s.send("`o365_graph` | sta\t").unwrap();
    s.expect("stats ").unwrap();
    s.send("count\r").unwrap();
    s.expect("| 5     |").unwrap();
    s.expect("1 result(s)").unwrap();
    s.expect("spl> ").unwrap();
    // A macro name and a field name complete too.
    s.send("`o365_gr\t").unwrap();
    s.expect("o365_graph`").unwrap();
    s.send(" | stats dc(userPrin\t").unwrap();
    s.expect("userPrincipalName").unwrap();
    s.send(")\r").unwrap();
    s.expect(Regex(r"\| 3 +\|")).unwrap();
    s.expect("spl> ").unwrap();
    // Up arrow twice recalls the first line; Enter runs it again.
    s.send(UP).unwrap();
    s.send(UP).unwrap();
    s.expect("`o365_graph` | stats count").unwrap();
    s.send("\r").unwrap();
    s.expect("| 5     |").unwrap();
    s.expect("spl> ").unwrap();
    s.send(".quit\r").unwrap();
    s.expect(Eof).unwrap();

    let text = std::fs::read_to_string(&history).expect("history file written");
    assert!(text.contains("`o365_graph` | stats count"), "{text}");
    assert!(text.contains("dc(userPrincipalName)"), "{text}");

    // A new session starts with that history, newest first.
    let mut s = start(xdg.path());
    s.expect("spl> ").unwrap();
    s.send(UP).unwrap();
    s.expect(".quit").unwrap();
    s.send(UP).unwrap();
    s.expect("`o365_graph` | stats count").unwrap();
    s.send(UP).unwrap();
    s.expect("dc(userPrincipalName)").unwrap();
    s.send("\r").unwrap();
    s.expect(Regex(r"\| 3 +\|")).unwrap();
    s.send("\x04").unwrap();
    s.expect(Eof).unwrap();
}
