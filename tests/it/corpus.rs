//! The whole security_content corpus: every detection loads, expands, parses
//! into a typed AST, and prints back to SPL that parses to the same AST.
//! Skips (saying so) when ../shared is absent; CI always has it.

use crate::common;

use std::path::PathBuf;

use spleval::{app::check, content::rules, engine::run};

fn corpus() -> Option<(PathBuf, spleval::content::macros::MacroSet)> {
    let shared = common::shared()?;
    let sc = shared.join("security_content");
    let macros = rules::load_macros(Some(&sc), &[]).expect("corpus macros load");
    Some((sc, macros))
}

#[test]
fn check_parse_only_passes_on_every_detection() {
    let Some(_) = corpus() else { return };
    let out = common::spleval()
        .args([
            "check",
            "--parse-only",
            "--rules",
            "../shared/security_content",
            "../shared/security_content/detections",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert_eq!(last, "1711 passed, 0 failed", "check output:\n{stdout}");
    assert!(out.status.success());
}

#[test]
fn non_deprecated_detections_number_1613_and_all_parse() {
    let Some((sc, macros)) = corpus() else { return };
    let files = check::collect_files(&[sc.join("detections")]).unwrap();
    let live: Vec<_> = files
        .iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "deprecated"))
        .filter_map(|p| check::check_file(p, &macros))
        .collect();
    assert_eq!(live.len(), 1613);
    let failed: Vec<String> = live
        .iter()
        .filter(|r| !r.parsed)
        .map(|r| {
            format!(
                "{}: {}",
                r.path.display(),
                r.error.as_ref().map(|e| e.msg.clone()).unwrap_or_default()
            )
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn every_detection_round_trips_through_the_printer() {
    let Some((sc, macros)) = corpus() else { return };
    let files = check::collect_files(&[sc.join("detections")]).unwrap();
    let mut bad = Vec::new();
    let mut n = 0;
    for f in &files {
        let Ok(Some(det)) = rules::load_search_only(f) else {
            continue;
        };
        let Ok(q) = run::prepare(det.origin(), &macros) else {
            continue;
        };
        n += 1;
        let printed = q.pipeline.to_string();
        match spleval::commands::parse_pipeline(&printed) {
            Ok(again) if again.shape() == q.pipeline.shape() => {}
            Ok(_) => bad.push(format!("{}: AST changed; printed: {printed}", f.display())),
            Err(e) => bad.push(format!(
                "{}: printed SPL does not parse ({}): {printed}",
                f.display(),
                e.msg
            )),
        }
    }
    assert!(n > 1600, "only {n} detections parsed");
    assert!(
        bad.is_empty(),
        "{} of {n} did not round-trip:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
