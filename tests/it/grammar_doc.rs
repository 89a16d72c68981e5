//! The grammar document names every command the parser knows.

#[test]
fn grammar_mentions_every_registered_command() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/grammar/spl.ebnf"))
        .expect("grammar/spl.ebnf exists");
    let missing: Vec<&str> = spleval::commands::COMMANDS
        .iter()
        .map(|c| c.name)
        .filter(|n| !doc.contains(&format!("command_{n} ")))
        .collect();
    assert!(
        missing.is_empty(),
        "grammar/spl.ebnf lacks rules for: {missing:?}"
    );
}
