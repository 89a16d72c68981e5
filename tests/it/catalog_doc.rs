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
