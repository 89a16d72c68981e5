//! `spleval hunt --report FILE`: the HTML report, loaded in a real headless
//! Chromium (Debian's chromium-headless-shell or chromium, installed by
//! .ci/setup) and checked by structure: the page's own script marks
//! `<html data-report-ready="ok">` when it ran without error, the sections
//! are there, a `<script>` in an event value stays text. Without Chromium
//! the browser part prints SKIPPED; the checks on the file itself always run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{spleval, SEED_SAMPLE};

/// The headless browser: $SPLEVAL_CHROMIUM, else chromium-headless-shell or chromium on PATH.
fn chromium() -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match std::env::var_os("SPLEVAL_CHROMIUM") {
        Some(p) => vec![PathBuf::from(p)],
        None => std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .flat_map(|d| [d.join("chromium-headless-shell"), d.join("chromium")])
            .collect(),
    };
    let found = candidates.into_iter().find(|p| p.is_file());
    if found.is_none() {
        eprintln!(
            "SKIPPED: the browser part of the report test: no chromium-headless-shell or chromium (CI installs it: bash .ci/setup)"
        );
    }
    found
}

/// Runs the browser headless on a local file, without network and with a
/// fresh profile; returns what it printed, killing it after two minutes.
fn browse(bin: &Path, extra: &[&str], page: &Path) -> (String, Duration) {
    let profile = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish in two minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (reader.join().unwrap(), started.elapsed())
}

/// The `<html …>` start tag of a dumped DOM.
fn html_tag(dom: &str) -> &str {
    let at = dom.find("<html").expect("an <html> element");
    let end = dom[at..].find('>').expect("its end") + at;
    &dom[at..=end]
}

fn hunt_report(dir: &Path, rules: &str, events: &[&str]) -> (PathBuf, String) {
    let file = dir.join("report.html");
    let mut args = vec![
        "hunt",
        "--rules",
        rules,
        "--no-progress",
        "--now",
        "1700000000",
    ];
    let f = file.to_str().unwrap().to_string();
    args.extend(["--report", f.as_str()]);
    args.extend(events);
    let out = spleval().args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // With --report and no --format, results are not printed.
    assert!(out.stdout.is_empty());
    let html = std::fs::read_to_string(&file).expect("the report was written");
    (file, html)
}

/// What every report must be, read from the file: one inline script and
/// style, a policy that allows nothing else, no address to load from.
fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none';"));
    assert_eq!(html.matches("<script").count(), 1, "one script, ours");
    assert_eq!(html.matches("<style").count(), 1);
    assert_eq!(html.matches("<svg").count(), 1, "one drawing, the timeline");
    for bad in [
        "<link", "<img", "<iframe", "<object", "<embed", "<audio", "<video", "<source",
    ] {
        assert!(!html.contains(bad), "the report holds {bad:?}");
    }
    let style = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap()];
    assert!(!style.contains("url(") && !style.contains("@import"));
    for attr in html.split(" href=\"").skip(1) {
        assert!(
            attr.starts_with('#'),
            "href to elsewhere: {}",
            &attr[..attr.len().min(60)]
        );
    }
}

/// The browser's view: the script ran, nothing was blocked, the sections are there.
fn assert_rendered(dom: &str, detections: usize) {
    let tag = html_tag(dom);
    assert!(
        tag.contains("data-report-ready=\"ok\""),
        "the page's script did not finish: {tag}"
    );
    assert!(!tag.contains("data-report-error"), "{tag}");
    assert!(!tag.contains("data-csp-violation"), "{tag}");
    for id in ["summary", "matrix", "timeline", "risk", "detections"] {
        assert!(
            dom.contains(&format!("<section id=\"{id}\"")),
            "no #{id} section"
        );
    }
    assert!(dom.contains("<svg class=\"timeline\""));
    assert!(dom.contains("class=\"tactic\""));
    assert_eq!(dom.matches("<details class=\"det\"").count(), detections);
}

#[test]
fn findings_report_seed_in_a_browser() {
    let d = tempfile::tempdir().unwrap();
    let (file, html) = hunt_report(d.path(), "rules", &[SEED_SAMPLE]);
    assert_self_contained(&html);
    assert!(html.contains("O365 User Consent Denied for OAuth Application"));
    assert!(html
        .contains("User alice@contoso.onmicrosoft.com denied consent for an OAuth application."));
    assert!(html.contains("data-technique=\"T1528\""));
    assert!(
        html.contains("rules/detections/cloud/o365_user_consent_denied_for_oauth_application.yml")
    );
    // The SPL with its macros expanded.
    assert!(html.contains("sourcetype=o365:graph:api"));
    let Some(bin) = chromium() else {
        return;
    };
    let (dom, took) = browse(&bin, &["--dump-dom"], &file);
    assert_rendered(&dom, 1);
    let shot = d.path().join("report.png");
    let arg = format!("--screenshot={}", shot.display());
    browse(&bin, &[&arg, "--window-size=1400,1800"], &file);
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000);
    eprintln!(
        "report: {} bytes, rendered in {:.2} s by {}",
        html.len(),
        took.as_secs_f64(),
        bin.display()
    );
}

#[test]
fn findings_report_keeps_hostile_text_inert() {
    let d = tempfile::tempdir().unwrap();
    let rules = d.path().join("rules");
    std::fs::create_dir_all(rules.join("macros")).unwrap();
    std::fs::create_dir_all(rules.join("detections")).unwrap();
    std::fs::write(
        rules.join("detections/x.yml"),
        "name: Hostile <b>name</b> & \"quotes\"\nid: x-1\nsearch: 'sourcetype=h | table _time n user cmd'\ndescription: <script>document.documentElement.setAttribute(\"data-pwned\",\"desc\")</script>\ntags:\n  message: $cmd$ by $user$ </textarea><script>document.documentElement.setAttribute(\"data-pwned\",\"msg\")</script>\n  risk_score: 90\n  mitre_attack_id: [T1059.001, \"<img src=x>\"]\n  analytic_story: [\"<svg onload=alert(1)>\"]\n  observable:\n  - {name: user, type: User, role: [Victim]}\n  - {name: cmd, type: Process, role: [Attacker]}\n",
    )
    .unwrap();
    let mut events = String::new();
    for n in 0..40 {
        let cmd = if n % 2 == 0 {
            "<script>document.documentElement.setAttribute('data-pwned','event')</script>"
        } else {
            "\"><img src=x onerror=\"document.documentElement.setAttribute('data-pwned','attr')\">"
        };
        events.push_str(
            &serde_json::json!({"sourcetype": "h", "n": n, "user": format!("u{}<i>", n % 3), "cmd": cmd, "_time": 1700000000 + n * 60})
                .to_string(),
        );
        events.push('\n');
    }
    let ev = d.path().join("events.jsonl");
    std::fs::write(&ev, events).unwrap();
    let (file, html) = hunt_report(d.path(), rules.to_str().unwrap(), &[ev.to_str().unwrap()]);
    assert_self_contained(&html);
    assert!(!html.contains("<script>document"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<b>name</b>"));
    assert!(html.contains("&lt;script&gt;document.documentElement.setAttribute(&#39;data-pwned&#39;,&#39;event&#39;)&lt;/script&gt;"));
    assert!(html.contains("Hostile &lt;b&gt;name&lt;/b&gt; &amp; &quot;quotes&quot;"));
    let Some(bin) = chromium() else {
        return;
    };
    let (dom, _) = browse(&bin, &["--dump-dom"], &file);
    assert_rendered(&dom, 1);
    let tag = html_tag(&dom);
    assert!(!tag.contains("data-pwned"), "hostile text ran: {tag}");
    // 40 results: the results table is paged by the page's script.
    assert!(dom.contains("class=\"pager\""), "no pager");
    assert!(dom.contains("page 1 of 2 (40 rows)"));
}

#[test]
fn findings_report_needs_a_folder_that_exists() {
    let out = spleval()
        .args([
            "hunt",
            "--rules",
            "rules",
            "--no-progress",
            "--report",
            "no_such_folder/report.html",
            SEED_SAMPLE,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}
