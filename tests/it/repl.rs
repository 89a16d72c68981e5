//! The REPL driven through stdin (not a terminal: no prompts, no history).

use crate::common;

use crate::common::{rows, spleval};

/// Runs a REPL session over the given input lines; returns (exit ok, stdout, stderr).
fn session(args: &[&str], lines: &[&str]) -> (bool, String, String) {
    let xdg = tempfile::tempdir().unwrap();
    let out = spleval()
        .arg("repl")
        .args(["--now", "1700000000"])
        .args(args)
        .env("XDG_DATA_HOME", xdg.path())
        .write_stdin(lines.join("\n") + "\n")
        .output()
        .expect("runs");
    // Scripted sessions never write history.
    assert!(!xdg.path().join("spleval").join("history").exists());
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    let only: String = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| format!("{l}\n"))
        .collect();
    rows(only.as_bytes())
}

#[test]
fn load_run_macros_expand_fields_and_save() {
    let dir = tempfile::tempdir().unwrap();
    let save = format!(".save-macro count_by {}", dir.path().display());
    let (ok, out, err) = session(
        &[],
        &[
            ".load rules/samples/o365_graph_signins.jsonl",
            ".format json",
            "`o365_graph` status.errorCode=65004 | stats count by userPrincipalName | sort userPrincipalName",
            ".macro count_by(f) = stats count by $f$ | sort $f$",
            "`o365_graph` | `count_by(appDisplayName)`",
            ".expand `o365_graph` | `count_by(user)`",
            ".fields",
            &save,
            ".quit",
            "| makeresults | eval never=1",
        ],
    );
    assert!(ok, "{err}");
    assert!(err.contains("loaded 6 event(s)"), "{err}");
    assert!(err.contains("defined macro `count_by(1)`"), "{err}");
    let rows = json_lines(&out);
    // The refusals by user, then the session macro by app over all Graph events.
    let pairs: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            let k = r
                .get("userPrincipalName")
                .or(r.get("appDisplayName"))
                .unwrap();
            (k.as_str().unwrap().to_string(), r["count"].to_string())
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("alice@contoso.onmicrosoft.com", "2"),
        ("bob@contoso.onmicrosoft.com", "1"),
        ("Graph Explorer", "1"),
        ("MailSyncPro", "4"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(pairs, want, "nothing runs after .quit: {out}");
    assert!(
        out.lines()
            .any(|l| l == "sourcetype=o365:graph:api | stats count by user | sort user"),
        "{out}"
    );
    // .fields: name and how many events have it.
    let field = |name: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(str::to_string)
    };
    assert_eq!(field("userPrincipalName").as_deref(), Some("6"));
    assert_eq!(field("status.failureReason").as_deref(), Some("5"));
    assert_eq!(field("ipAddress").as_deref(), Some("6"));

    // The saved file is a security_content macro that loads back as written.
    let path = dir.path().join("count_by.yml");
    assert!(err.contains(&format!("wrote {}", path.display())), "{err}");
    let m = spleval::content::macros::load_file(&path).unwrap();
    assert_eq!(m.name, "count_by");
    assert_eq!(m.args, vec!["f".to_string()]);
    assert_eq!(m.definition, "stats count by $f$ | sort $f$");
    assert!(m.description.is_some());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("name: count_by"), "{text}");
    // ... and `spleval run` uses it from a macro folder.
    let out = spleval()
        .args(["run", "--format", "json", "--macros"])
        .arg(dir.path())
        .args(["--spl", "`o365_graph` | `count_by(ipAddress)`"])
        .arg(common::SEED_SAMPLE)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(rows_of(&out.stdout), 3, "one row per address");
}

fn rows_of(stdout: &[u8]) -> usize {
    rows(stdout).len()
}

#[test]
fn an_error_does_not_end_the_session() {
    let (ok, out, err) = session(
        &[common::SEED_SAMPLE],
        &[
            ".format json",
            "| nope",
            "| makeresults | eval ok=\"yes\"",
            ".macro broken = `no_such_macro`",
            "`broken` | stats count",
            ".frobnicate",
            "`o365_graph` | stats count",
        ],
    );
    assert!(!ok, "a scripted session with errors exits 1");
    assert!(err.contains("unknown command 'nope'"), "{err}");
    assert!(err.contains("unknown macro `no_such_macro`"), "{err}");
    assert!(err.contains("unknown meta-command .frobnicate"), "{err}");
    let rows = json_lines(&out);
    assert_eq!(rows.len(), 2, "{out}");
    assert_eq!(rows[0]["ok"], "yes");
    assert_eq!(rows[1]["count"], 5);
}

#[test]
fn tables_multi_line_input_and_overriding_macros() {
    let (ok, out, err) = session(
        &[common::SEED_SAMPLE],
        &[
            "`o365_graph` |",
            "  stats count",
            "| makeresults | eval x=if(1 > 0,",
            "  \"multi\", \"line\") | table x",
            ".macro o365_graph = sourcetype=elsewhere",
            "`o365_graph` | stats count",
            ".clear",
            "| makeresults count=2 | stats count",
        ],
    );
    assert!(ok, "{err}");
    let tables: Vec<&str> = out.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(
        tables,
        vec![
            "| count |",
            "| 5     |",
            "| x     |",
            "| multi |",
            "| count |",
            "| 0     |",
            "| count |",
            "| 2     |"
        ],
        "{out}"
    );
    assert!(err.contains("1 result(s) in"), "{err}");
    assert!(err.contains("cleared 6 event(s)"), "{err}");
}

#[test]
fn run_and_explain_detections_by_name() {
    let (ok, out, err) = session(
        &[common::SEED_SAMPLE],
        &[
            ".format csv",
            ".run o365_user_consent_denied_for_oauth_application",
            ".run \"O365 User Consent Denied for OAuth Application\"",
            ".explain `o365_graph` | head 2",
        ],
    );
    assert!(ok, "{err}");
    let alice = out
        .lines()
        .filter(|l| l.starts_with("alice@contoso.onmicrosoft.com,"))
        .count();
    assert_eq!(alice, 2, "{out}");
    assert!(err.contains("O365 User Consent Denied for OAuth Application (rules/detections/cloud/o365_user_consent_denied_for_oauth_application.yml)"), "{err}");
    let explain: Vec<&str> = err
        .lines()
        .skip_while(|l| !l.starts_with("command"))
        .take(4)
        .collect();
    assert!(
        explain[1].starts_with("search sourcetype=o365:graph:api"),
        "{err}"
    );
    assert!(explain[2].starts_with("(search order)"), "{err}");
    assert!(explain[3].starts_with("head 2"), "{err}");
}

#[test]
fn help_lists_the_meta_commands() {
    let (ok, out, _) = session(&[], &[".help"]);
    assert!(ok);
    for m in spleval::app::repl::META_COMMANDS {
        assert!(out.contains(m.0), "{} missing from .help", m.0);
    }
}
