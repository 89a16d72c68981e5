//! Macro expansion: the first lines define macros (`name(a,b)=definition`
//! or `name=definition`), the last is the search; expansion ends (in text
//! or an error) within its budgets, and the expanded text parses or not.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spleval::content::macros::{expand, MacroDef, MacroSet, Mapped, Origin};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines: Vec<&str> = s.split('\n').collect();
    let search = lines.pop().unwrap_or("");
    let mut set = MacroSet::with_builtins();
    for l in lines.iter().take(64) {
        let Some((head, def)) = l.split_once('=') else {
            continue;
        };
        let (name, args) = match head.split_once('(') {
            Some((n, rest)) => (
                n,
                rest.trim_end_matches(')')
                    .split(',')
                    .filter(|a| !a.is_empty())
                    .map(|a| a.trim().to_string())
                    .collect(),
            ),
            None => (head, Vec::new()),
        };
        set.insert(MacroDef::adhoc(name.trim(), args, def, "fuzz"));
    }
    let origin = Origin {
        label: "fuzz".into(),
        text: search.to_string(),
    };
    if let Ok(m) = expand(&Mapped::from_origin(origin), &set) {
        let _ = spleval::commands::parse_pipeline(&m.text);
    }
});
