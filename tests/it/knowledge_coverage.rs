//! Field coverage of the shipped knowledge packs: for every security_content
//! data source whose `example_log` is XML or JSON, the event spleval makes of
//! that example (read with the data source's `source` and `sourcetype`)
//! must carry the data source's `fields` (Splunk-internal ones aside): at
//! least 95% of them over all data sources. Prints the figure per family.
//! And the data model reach: for every tstats detection over a data model,
//! whether each of its data sources' XML/JSON examples enters the dataset
//! (at least 95% of such uses, weighted by detections).
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
                // Set by Splunk from the input (the forwarder's host), not
                // by an add-on; an example event alone does not carry it.
                | "host"
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
    assert!(overall >= 95.0, "field coverage {overall:.1}% is under 95%");
}

#[test]
fn datamodel_reach_of_data_source_examples() {
    use spleval::app::datasources::{check_detection, Catalog, Verdict};
    let Some(shared) = common::shared() else {
        return;
    };
    let sc = shared.join("security_content");
    let catalog = Catalog::load(
        &sc.join("data_sources"),
        std::sync::Arc::new(spleval::content::knowledge::Knowledge::load(&[]).unwrap()),
    )
    .unwrap();
    let macros = spleval::content::rules::load_macros(Some(&sc), &[]).unwrap();
    let ctx = spleval::commands::support::pipeline::PlanCtx::new(Default::default());
    let mut files = Vec::new();
    spleval::input::collect_files(&sc.join("detections"), &mut files).unwrap();
    // family (sourcetype) → (uses, entered)
    let mut fams: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "yml"))
    {
        let Some(r) = check_detection(f, &macros, &ctx, &catalog) else {
            continue;
        };
        for (name, v) in &r.sources {
            let (
                Verdict::Checked {
                    entered: Some(e), ..
                },
                Some(ds),
            ) = (v, catalog.get(name))
            else {
                continue;
            };
            if ds.kind != "xml" && ds.kind != "json" {
                continue;
            }
            let fam = fams.entry(ds.sourcetype.to_lowercase()).or_default();
            fam.0 += 1;
            fam.1 += usize::from(*e);
        }
    }
    println!(
        "data model reach per data source family (tstats detection uses entering the dataset):"
    );
    let (mut uses, mut entered) = (0, 0);
    for (fam, (u, e)) in &fams {
        println!(
            "  {fam:<50} {e:>5}/{u:<5} {:>5.1}%",
            100.0 * *e as f64 / (*u).max(1) as f64
        );
        uses += u;
        entered += e;
    }
    let reach = 100.0 * entered as f64 / uses.max(1) as f64;
    println!("overall: {entered}/{uses} uses = {reach:.1}%");
    assert!(uses >= 1000, "only {uses} tstats uses found");
    assert!(reach >= 95.0, "data model reach {reach:.1}% is under 95%");
}

/// In an eval expression `a.b` is `a` concatenated with `b`; a field whose
/// name has a dot (`userIdentity.arn`, `tags{}`) must be single-quoted.
/// Every shipped pack's eval and rewrite expressions say so.
#[test]
fn shipped_expressions_quote_dotted_field_names() {
    let dotted = regex::Regex::new(r"[A-Za-z_@][\w@]*(?:\.[A-Za-z_@]|\{\})").unwrap();
    let quoted = regex::Regex::new(r#""(?:[^"\\]|\\.)*"|'[^']*'"#).unwrap();
    for (file, text) in spleval::content::knowledge::SHIPPED {
        let doc: serde_json::Value = serde_saphyr::from_str(text).unwrap();
        let stanzas = doc.as_array().cloned().unwrap_or_default();
        for st in stanzas {
            let mut exprs: Vec<String> = Vec::new();
            let mut take = |v: &serde_json::Value| {
                if let Some(m) = v.as_object() {
                    exprs.extend(m.values().filter_map(|x| x.as_str().map(str::to_string)));
                }
            };
            if let Some(r) = st.get("rewrite") {
                take(r);
            }
            match st.get("eval") {
                Some(serde_json::Value::Array(groups)) => groups.iter().for_each(&mut take),
                Some(g) => take(g),
                None => {}
            }
            for e in exprs {
                // Outside string literals and quoted names.
                let bare = quoted.replace_all(&e, "");
                assert!(
                    !dotted.is_match(&bare),
                    "{file}: {e}: quote dotted field names ('a.b')"
                );
            }
        }
    }
}
