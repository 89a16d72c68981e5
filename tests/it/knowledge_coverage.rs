//! Field coverage of the shipped knowledge packs: for every security_content
//! data source whose `example_log` is XML or JSON, the event spleval makes of
//! that example (read with the data source's `source` and `sourcetype`)
//! must carry the data source's `fields` (Splunk-internal ones aside): at
//! least 85% of them over all data sources. Prints the figure per family.
//! `SPLEVAL_COVERAGE_VERBOSE=1` lists the missing fields per data source.

use crate::common;

use std::collections::BTreeMap;

use spleval::input::{read_bytes, Meta};

fn internal(f: &str) -> bool {
    f.starts_with("date_")
        || f.starts_with("tag")
        || matches!(
            f,
            "punct"
                | "linecount"
                | "splunk_server"
                | "eventtype"
                | "timestartpos"
                | "timeendpos"
                | "index"
        )
}

fn text(v: &serde_json::Value, k: &str) -> String {
    v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string()
}

#[test]
fn field_coverage_of_data_source_examples() {
    let Some(shared) = common::shared() else {
        return;
    };
    let dir = shared.join("security_content").join("data_sources");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("data_sources")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    files.sort();
    let verbose = std::env::var_os("SPLEVAL_COVERAGE_VERBOSE").is_some();
    // family → (sources, fields listed, fields present)
    let mut fams: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let (mut total, mut present, mut sources) = (0usize, 0usize, 0usize);
    let mut macro_sum = 0.0;
    for f in &files {
        let yaml = std::fs::read_to_string(f).unwrap();
        let doc: serde_json::Value = serde_saphyr::from_str(&yaml).unwrap();
        let example = text(&doc, "example_log");
        let t = example.trim();
        let kind = if t.starts_with('<') {
            "xml"
        } else if t.starts_with('{')
            || (t.starts_with('[') && serde_json::from_str::<serde_json::Value>(t).is_ok())
        {
            "json"
        } else {
            continue;
        };
        let (st, src) = (text(&doc, "sourcetype"), text(&doc, "source"));
        let meta = Meta {
            sourcetype: Some(st.clone()),
            source: Some(src.clone()),
            ..Default::default()
        };
        let (events, bad) = read_bytes(t.as_bytes(), "example_log", &meta).unwrap();
        let fields: Vec<String> = doc
            .get("fields")
            .and_then(|x| x.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let fields: Vec<String> = fields.into_iter().filter(|f| !internal(f)).collect();
        let have = |name: &str| events.iter().any(|e| e.contains(name));
        let missing: Vec<&String> = fields.iter().filter(|f| !have(f)).collect();
        let n = fields.len();
        let p = n - missing.len();
        let stl = st.to_lowercase();
        let family = if stl.contains("wineventlog") && src.contains(':') {
            format!("{stl} {}", src.split_once(':').map(|x| x.1).unwrap_or(""))
        } else {
            stl
        };
        let e = fams.entry(family).or_default();
        e.0 += 1;
        e.1 += n;
        e.2 += p;
        total += n;
        present += p;
        sources += 1;
        if n > 0 {
            macro_sum += p as f64 / n as f64;
        }
        if verbose && !missing.is_empty() {
            eprintln!(
                "{} ({kind}, {} events, {} malformed): {p}/{n} missing {:?}",
                f.file_name().unwrap().to_string_lossy(),
                events.len(),
                bad.len(),
                missing
            );
        }
    }
    println!("field coverage per data source family (sources, present/listed):");
    for (fam, (k, n, p)) in &fams {
        println!(
            "  {fam:<70} {k:>3}  {p:>5}/{n:<5} {:>5.1}%",
            100.0 * *p as f64 / (*n).max(1) as f64
        );
    }
    let overall = 100.0 * present as f64 / total.max(1) as f64;
    println!(
        "overall: {present}/{total} fields = {overall:.1}% over {sources} data sources (mean per data source {:.1}%)",
        100.0 * macro_sum / sources.max(1) as f64
    );
    assert!(sources >= 100, "only {sources} XML/JSON data sources found");
    assert!(overall >= 85.0, "field coverage {overall:.1}% is under 85%");
}
