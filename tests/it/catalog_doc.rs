//! `grammar/commands.md` is the table `spleval::catalog::render()` makes
//! from the registries; this test fails when they drift apart.

use crate::common::{root, spleval};

#[test]
fn catalog_table_matches_the_registries() {
    let path = root().join("grammar/commands.md");
    let want = spleval::catalog::render();
    if std::env::var_os("SPLEVAL_BLESS").is_some() {
        std::fs::write(&path, &want).expect("writes grammar/commands.md");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "grammar/commands.md is out of date with the command and function registries; \
         regenerate it with: SPLEVAL_BLESS=1 cargo test --release --test it catalog"
    );
}

#[test]
fn parse_only_commands_plan_into_their_reason() {
    // One search per parse-only command; each parses and fails planning with its reason.
    let searches = [
        ("rest", "| rest /services/server/info"),
        ("mstats", "| mstats avg(cpu) WHERE index=m"),
        (
            "geostats",
            "* | geostats latfield=lat longfield=lon count by host",
        ),
        ("metadata", "| metadata type=hosts index=main"),
        ("tags", "* | tags outputfield=t host"),
        ("typer", "* | typer maxlen=10"),
    ];
    assert_eq!(searches.len(), spleval::catalog::PARSE_ONLY.len());
    for (name, spl) in searches {
        assert!(
            spleval::catalog::PARSE_ONLY.iter().any(|p| p.0 == name),
            "{name} is not listed as parse-only"
        );
        spleval::commands::parse_pipeline(spl)
            .unwrap_or_else(|e| panic!("{spl:?} does not parse: {}", e.msg));
        let out = spleval()
            .args(["run", "--spl", spl])
            .write_stdin("")
            .output()
            .expect("runs");
        assert!(!out.status.success(), "{spl:?} ran");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(
                "command '{name}' is parsed but spleval cannot run it"
            )),
            "{spl:?}: {err}"
        );
    }
}

#[test]
fn every_registered_command_and_function_is_in_the_table() {
    let doc = spleval::catalog::render();
    for c in spleval::commands::COMMANDS {
        assert!(doc.contains(&format!("| `{}` |", c.name)), "{}", c.name);
    }
    for n in spleval::functions::all_names() {
        assert!(doc.contains(&format!("| `{n}` | runs |")), "{n}");
    }
}

/// One row of a ledger in `grammar/examples/`: (file, page, example, test).
type LedgerRow = (String, String, String, String);

fn ledger_rows() -> Vec<LedgerRow> {
    let dir = root().join("grammar/examples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("grammar/examples exists")
        .map(|e| e.expect("reads grammar/examples").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    let mut rows = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("reads a ledger");
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let mut page = String::new();
        for line in text.lines() {
            if let Some(p) = line.strip_prefix("## ") {
                page = p.trim().to_string();
                continue;
            }
            let l = line.trim();
            if !l.starts_with('|') || l.starts_with("| example") || l.starts_with("|---") {
                continue;
            }
            // The test is the last cell; the example may itself hold `|`.
            let inner = l.trim_matches('|');
            let (example, test) = inner.rsplit_once('|').unwrap_or((inner, ""));
            assert!(
                !page.is_empty(),
                "{name}: a row before any `## page`: {line}"
            );
            rows.push((
                name.clone(),
                page.clone(),
                example.trim().to_string(),
                test.trim().to_string(),
            ));
        }
    }
    rows
}

/// Every row of the example ledgers names a test that exists, or a
/// difference that grammar/README.md explains under the page's name.
#[test]
fn example_ledgers_name_real_tests() {
    let rows = ledger_rows();
    assert!(!rows.is_empty(), "grammar/examples holds no rows");
    let readme = std::fs::read_to_string(root().join("grammar/README.md")).unwrap();
    let differences = readme
        .split("## Differences we chose")
        .nth(1)
        .expect("grammar/README.md has Differences we chose")
        .split("\n## ")
        .next()
        .unwrap_or_default()
        .to_string();
    let mut bad = Vec::new();
    for (file, page, example, test) in &rows {
        let ok = match test.as_str() {
            "difference" => {
                differences.contains(&format!("**{page}**"))
                    || differences.contains(&format!("`{page}`"))
                    || differences.contains(&format!("{page}("))
            }
            "none" => example.starts_with("(no worked example"),
            t => match t.rsplit_once("::") {
                Some((path, func)) => {
                    let file_path = if path.starts_with("src/") {
                        root().join(path)
                    } else {
                        root().join("tests/it").join(format!("{path}.rs"))
                    };
                    std::fs::read_to_string(&file_path)
                        .is_ok_and(|src| src.contains(&format!("fn {func}(")))
                }
                None => false,
            },
        };
        if !ok {
            bad.push(format!("{file} ## {page}: {example} → {test}"));
        }
    }
    assert!(
        bad.is_empty(),
        "ledger rows whose test does not exist (or whose difference grammar/README.md does not explain):\n{}",
        bad.join("\n")
    );
}

/// A known Splunk command that is not run says why when planned, with the
/// same reason the table gives.
#[test]
fn not_run_commands_name_their_reason() {
    for (name, why) in spleval::commands::generic::NOT_RUN_WHY {
        let spl = format!("| makeresults | {name} x=1");
        let out = spleval()
            .args(["run", "--spl", &spl])
            .write_stdin("")
            .output()
            .expect("runs");
        assert!(!out.status.success(), "{spl:?} ran");
        let err = String::from_utf8_lossy(&out.stderr).replace(['\n', '│', ' '], "");
        assert!(
            err.contains(&why.replace(' ', "")),
            "{spl:?} does not give its reason {why:?}: {err}"
        );
    }
}
