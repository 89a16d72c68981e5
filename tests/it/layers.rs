//! The crate's layering (declared in `src/lib.rs`): every import points down,
//! and no source file passes 1,200 lines.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::common::root;

/// The layer order, lowest first, as `src/lib.rs` declares it.
fn declared_order() -> Vec<String> {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let line = lib
        .lines()
        .find_map(|l| l.strip_prefix("//! Layers, lowest first: "))
        .expect("src/lib.rs declares `Layers, lowest first: …`");
    line.trim_end_matches('.')
        .split(',')
        .map(|s| s.trim().to_string())
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level modules a line names: `crate::x`, or `super::…::x` where
/// the `super`s climb to the crate root from a module `depth` deep.
fn named_modules(line: &str, depth: usize) -> Vec<String> {
    let mut out = Vec::new();
    let word = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in line.match_indices("crate::") {
        let before = line[..i].chars().last();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '"') {
            continue;
        }
        out.push(word(&line[i + "crate::".len()..]));
    }
    let mut i = 0;
    while let Some(off) = line[i..].find("super::") {
        let mut end = i + off;
        let mut climbs = 0;
        while line[end..].starts_with("super::") {
            end += "super::".len();
            climbs += 1;
        }
        if climbs >= depth {
            out.push(word(&line[end..]));
        }
        i = end;
    }
    out
}

#[test]
fn every_import_points_down() {
    let order = declared_order();
    let rank: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(n, m)| (m.as_str(), n))
        .collect();
    let src = root().join("src");
    // Every top-level module of the library has a place in the order.
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    for m in lib.lines().filter_map(|l| l.strip_prefix("pub mod ")) {
        let m = m.trim_end_matches(';');
        assert!(
            rank.contains_key(m),
            "src/lib.rs: `{m}` is not in the layer list"
        );
    }
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.len() < 2 {
            continue; // lib.rs, main.rs: the crate root and the binary
        }
        let top = parts[0].as_str();
        let own = *rank
            .get(top)
            .unwrap_or_else(|| panic!("src/{top}/ is not in the layer list of src/lib.rs"));
        // How deep the module is: src/a/b.rs is a::b (2), src/a/mod.rs is a (1).
        let depth = parts.len() - usize::from(parts.last().is_some_and(|p| p == "mod.rs"));
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for m in named_modules(line, depth) {
                if let Some(&r) = rank.get(m.as_str()) {
                    if r > own {
                        wrong.push(format!(
                            "src/{}:{}: {top} (layer {own}) imports {m} (layer {r})",
                            rel.display(),
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that point up ({}):\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_checker_sees_upward_imports() {
    // `crate::` paths and `super::` chains that climb to the crate root.
    assert_eq!(named_modules("use crate::engine::run;", 2), ["engine"]);
    assert_eq!(
        named_modules("    crate::app::x(crate::base::y)", 1),
        ["app", "base"]
    );
    assert_eq!(named_modules("use super::super::cli::x;", 2), ["cli"]);
    assert!(named_modules("use super::json::x;", 2).is_empty());
    assert!(named_modules(r#"code("spleval::input")"#, 1).is_empty());
}

#[test]
fn no_source_file_passes_1200_lines() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 1200).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "files over 1,200 lines: {long:?}");
    let main = std::fs::read_to_string(root().join("src/main.rs")).unwrap();
    assert!(main.lines().count() <= 300, "src/main.rs is over 300 lines");
}
