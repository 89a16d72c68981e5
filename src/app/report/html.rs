//! Rendering the report page: every text from detections and events goes
//! through [`esc`]; ids and classes are made here, never taken from input.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::assets::{CSS, JS};
use super::{rank_risk_objects, technique_counts, Fired, Limits, Summary};
use crate::app::findings::{iso, severity};
use crate::content::attack::{self, Attack};

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Controls other than tab and newlines would make the text unreadable.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters, with what was cut said.
fn cut(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return esc(s);
    }
    let head: String = s.chars().take(max).collect();
    format!(
        "{}<span class=\"note\"> … ({} more characters)</span>",
        esc(&head),
        n - max
    )
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn sha256_b64(s: &str) -> String {
    base64(&Sha256::digest(s.as_bytes()))
}

fn sev_class(s: Option<&str>) -> &str {
    s.unwrap_or("none")
}

fn fmt_num(n: f64) -> String {
    crate::base::value::format_number(n)
}

fn time_text(t: f64, tz: chrono_tz::Tz) -> String {
    crate::time::try_strftime(t, "%Y-%m-%d %H:%M:%S %Z", tz).unwrap_or_else(|| fmt_num(t))
}

/// The page.
pub fn page(summary: &Summary, fired: &[Fired], tz: chrono_tz::Tz, limits: Limits) -> String {
    let attack = Attack::shipped();
    let findings: usize = fired.iter().map(|d| d.findings.len()).sum();
    let mut h = String::with_capacity(64 * 1024);
    let csp = format!(
        "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; img-src data:; base-uri 'none'; form-action 'none'",
        sha256_b64(CSS),
        sha256_b64(JS)
    );
    let _ = writeln!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\" data-report=\"spleval\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>spleval report: {} finding{}</title>\n<style>{CSS}</style>\n<script>{JS}</script>\n</head>\n<body>",
        findings,
        if findings == 1 { "" } else { "s" }
    );
    let _ = writeln!(
        h,
        "<header><h1>spleval findings report</h1><p>{} detection{} fired, {} finding{} over {} event{}; generated {} by spleval {}</p></header>\n\
<nav><a href=\"#summary\">Summary</a><a href=\"#matrix\">ATT&amp;CK matrix</a><a href=\"#timeline\">Timeline</a><a href=\"#risk\">Risk objects</a><a href=\"#detections\">Detections</a></nav>\n<main>",
        fired.len(),
        if fired.len() == 1 { "" } else { "s" },
        findings,
        if findings == 1 { "" } else { "s" },
        summary.events,
        if summary.events == 1 { "" } else { "s" },
        esc(&time_text(summary.generated, tz)),
        env!("CARGO_PKG_VERSION"),
    );
    summary_section(&mut h, summary, fired, findings, tz);
    matrix_section(&mut h, fired, attack);
    timeline_section(&mut h, fired, tz);
    risk_section(&mut h, fired, limits);
    detections_section(&mut h, fired, tz, limits, attack);
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn summary_section(
    h: &mut String,
    s: &Summary,
    fired: &[Fired],
    findings: usize,
    tz: chrono_tz::Tz,
) {
    let times: Vec<f64> = fired
        .iter()
        .flat_map(|d| &d.findings)
        .filter_map(|f| f.last_time.or(f.first_time))
        .collect();
    let first = times.iter().copied().fold(f64::INFINITY, f64::min);
    let last = times.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let objects = rank_risk_objects(fired.iter().enumerate()).len();
    h.push_str("<section id=\"summary\"><h2>Summary</h2>\n<dl class=\"cards\">");
    for (label, value) in [
        ("events read", s.events.to_string()),
        ("detections run", s.runnable.to_string()),
        ("detections fired", fired.len().to_string()),
        ("findings", findings.to_string()),
        ("risk objects", objects.to_string()),
        ("failed while running", s.failed.len().to_string()),
    ] {
        let _ = write!(h, "<div><dt>{label}</dt><dd>{}</dd></div>", esc(&value));
    }
    h.push_str("</dl>\n<dl class=\"facts\">");
    let mut fact = |k: &str, v: String| {
        let _ = write!(h, "<dt>{k}</dt><dd>{v}</dd>");
    };
    fact("rules", esc(&s.rules));
    fact(
        "inputs",
        if s.inputs.is_empty() {
            "stdin".into()
        } else {
            s.inputs
                .iter()
                .map(|i| esc(i))
                .collect::<Vec<_>>()
                .join("<br>")
        },
    );
    fact(
        "detections",
        format!(
            "{} loaded, {} run, {} not runnable, {} left out (map)",
            s.loaded, s.runnable, s.not_runnable, s.left_out
        ),
    );
    if s.malformed > 0 {
        fact("malformed records", s.malformed.to_string());
    }
    if !times.is_empty() {
        fact(
            "findings from",
            format!(
                "{} to {}",
                esc(&time_text(first, tz)),
                esc(&time_text(last, tz))
            ),
        );
    }
    fact("time taken", format!("{:.2} s", s.seconds));
    fact(
        "ATT&amp;CK",
        format!("Enterprise {} (MITRE)", attack::VERSION),
    );
    h.push_str("</dl>\n");
    if !s.failed.is_empty() {
        h.push_str("<h3>Failed while running</h3><ul>");
        for (name, err) in &s.failed {
            let _ = write!(h, "<li><b>{}</b>: {}</li>", esc(name), esc(err));
        }
        h.push_str("</ul>");
    }
    h.push_str("</section>\n");
}

fn heat(count: usize, max: usize) -> usize {
    if count == 0 || max == 0 {
        return 0;
    }
    // Five steps on a log scale of the largest count.
    let r = ((count as f64).ln_1p() / (max as f64).ln_1p() * 5.0).ceil() as usize;
    r.clamp(1, 5)
}

/// A matrix cell: technique id, findings, the detections that fired it.
type Cell<'a> = (&'a String, usize, &'a Vec<usize>);

fn matrix_section(h: &mut String, fired: &[Fired], attack: &Attack) {
    let counts = technique_counts(fired);
    h.push_str("<section id=\"matrix\"><h2>ATT&amp;CK matrix</h2>\n");
    if counts.is_empty() {
        h.push_str("<p class=\"empty\">No detection that fired names an ATT&amp;CK technique.</p></section>\n");
        return;
    }
    let max = counts.values().map(|c| c.0).max().unwrap_or(0);
    // Tactic columns in matrix order, then techniques MITRE does not know.
    let mut columns: Vec<(String, String, Vec<Cell>)> = attack
        .tactics
        .iter()
        .map(|t| (t.name.clone(), t.id.clone(), Vec::new()))
        .collect();
    let mut unknown = Vec::new();
    for (id, (n, dets)) in &counts {
        match attack.technique(id) {
            Some(t) if !t.tactics.is_empty() => {
                for &i in &t.tactics {
                    columns[i].2.push((id, *n, dets));
                }
            }
            _ => unknown.push((id, *n, dets)),
        }
    }
    if !unknown.is_empty() {
        columns.push(("Not in ATT&CK".into(), "unknown ids".into(), unknown));
    }
    let _ = write!(
        h,
        "<p class=\"note\">Each cell is a technique that fired, shaded by its findings (darker: more); {} technique{} in all. Click a cell to open its first detection.</p>\n<div class=\"matrix\">",
        counts.len(),
        if counts.len() == 1 { "" } else { "s" }
    );
    for (name, id, mut cells) in columns {
        cells.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let _ = write!(
            h,
            "<div class=\"tactic\" data-tactic=\"{}\"><h3>{}<small>{} · {}</small></h3>",
            esc(&id),
            esc(&name),
            esc(&id),
            cells.len()
        );
        for (tid, n, dets) in cells {
            let tname = attack.technique(tid).map(|t| t.name.as_str()).unwrap_or("");
            let names: Vec<String> = dets.iter().map(|&i| fired[i].info.name.clone()).collect();
            let _ = write!(
                h,
                "<a class=\"cell h{}\" href=\"#det-{}\" data-open=\"det-{}\" data-technique=\"{}\" title=\"{}\"><b>{}</b>{} <span class=\"note\">({} finding{})</span></a>",
                heat(n, max),
                dets[0],
                dets[0],
                esc(tid),
                esc(&names.join("\n")),
                esc(tid),
                esc(tname),
                n,
                if n == 1 { "" } else { "s" }
            );
        }
        h.push_str("</div>");
    }
    h.push_str("</div></section>\n");
}

const SEVERITIES: [(&str, &str); 6] = [
    ("critical", "#b3202a"),
    ("high", "#e0662b"),
    ("medium", "#d9a321"),
    ("low", "#3b82c4"),
    ("informational", "#7a8699"),
    ("none", "#aab2bf"),
];

fn timeline_section(h: &mut String, fired: &[Fired], tz: chrono_tz::Tz) {
    h.push_str("<section id=\"timeline\"><h2>Timeline</h2>\n");
    let mut points: Vec<(f64, usize)> = Vec::new();
    let mut untimed = 0usize;
    for d in fired {
        let sev = sev_class(severity(d.info.ann.risk_score));
        let si = SEVERITIES.iter().position(|(s, _)| *s == sev).unwrap_or(5);
        for f in &d.findings {
            match f.last_time.or(f.first_time) {
                Some(t) if t.is_finite() => points.push((t, si)),
                _ => untimed += 1,
            }
        }
    }
    if points.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"empty\">No finding has a time ({untimed} without one).</p></section>"
        );
        return;
    }
    let lo = points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let hi = points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    const BUCKETS: usize = 60;
    let span = (hi - lo).max(1.0);
    let width = span / BUCKETS as f64;
    let mut b = vec![[0usize; 6]; BUCKETS];
    for (t, s) in &points {
        let i = (((t - lo) / width) as usize).min(BUCKETS - 1);
        b[i][*s] += 1;
    }
    let max = b
        .iter()
        .map(|c| c.iter().sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    let (x0, x1, y0, top) = (56.0, 990.0, 150.0, 14.0);
    let bw = (x1 - x0) / BUCKETS as f64;
    let _ = write!(
        h,
        "<svg class=\"timeline\" viewBox=\"0 0 1000 190\" role=\"img\" aria-label=\"findings over time\" xmlns=\"http://www.w3.org/2000/svg\">\
<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"#8892a2\"/><line x1=\"{x0}\" y1=\"{top}\" x2=\"{x0}\" y2=\"{y0}\" stroke=\"#8892a2\"/>\
<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{max}</text><text x=\"{}\" y=\"{y0}\" text-anchor=\"end\">0</text>",
        x0 - 6.0,
        top + 4.0,
        x0 - 6.0
    );
    for (i, counts) in b.iter().enumerate() {
        let total: usize = counts.iter().sum();
        if total == 0 {
            continue;
        }
        let x = x0 + i as f64 * bw;
        let from = lo + i as f64 * width;
        let mut y = y0;
        let _ = write!(
            h,
            "<g class=\"bar\"><title>{} to {}: {} finding{}</title>",
            esc(&time_text(from, tz)),
            esc(&time_text(from + width, tz)),
            total,
            if total == 1 { "" } else { "s" }
        );
        for (s, &n) in counts.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let bh = (y0 - top) * n as f64 / max as f64;
            y -= bh;
            let _ = write!(
                h,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"/>",
                x + 1.0,
                y,
                (bw - 2.0).max(1.0),
                bh,
                SEVERITIES[s].1
            );
        }
        h.push_str("</g>");
    }
    for (x, t, anchor) in [
        (x0, lo, "start"),
        ((x0 + x1) / 2.0, lo + span / 2.0, "middle"),
        (x1, hi, "end"),
    ] {
        let _ = write!(
            h,
            "<text x=\"{x}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            y0 + 18.0,
            esc(&time_text(t, tz))
        );
    }
    h.push_str("</svg>\n<p class=\"legend\">");
    for (s, _) in SEVERITIES {
        let _ = write!(h, "<span><i class=\"sev-{s}\"></i>{s}</span>");
    }
    let _ = write!(
        h,
        "</p><p class=\"note\">{} finding{} in {} buckets of {}",
        points.len(),
        if points.len() == 1 { "" } else { "s" },
        BUCKETS,
        duration(width)
    );
    if untimed > 0 {
        let _ = write!(h, "; {untimed} without a time are not drawn");
    }
    h.push_str(".</p></section>\n");
}

fn duration(secs: f64) -> String {
    if secs < 120.0 {
        format!("{secs:.0} s")
    } else if secs < 7200.0 {
        format!("{:.1} min", secs / 60.0)
    } else if secs < 172_800.0 {
        format!("{:.1} h", secs / 3600.0)
    } else {
        format!("{:.1} days", secs / 86400.0)
    }
}

fn risk_section(h: &mut String, fired: &[Fired], limits: Limits) {
    let ranked = rank_risk_objects(fired.iter().enumerate());
    h.push_str("<section id=\"risk\"><h2>Risk objects</h2>\n");
    if ranked.is_empty() {
        h.push_str("<p class=\"empty\">No finding has a risk object.</p></section>\n");
        return;
    }
    let _ = writeln!(
        h,
        "<p class=\"note\">Ranked by total risk score, the sum of the scores of every finding that names the object (as ES's risk analysis adds risk events up).{}</p>",
        if ranked.len() > limits.risk_objects {
            format!(" The first {} of {} are shown.", limits.risk_objects, ranked.len())
        } else {
            String::new()
        }
    );
    h.push_str("<div class=\"wide\"><table class=\"paged\" data-page=\"25\" id=\"risk-table\"><thead><tr><th class=\"num\">#</th><th>risk object</th><th>type</th><th class=\"num\">total score</th><th class=\"num\">findings</th><th>fields</th><th>detections</th></tr></thead><tbody>");
    for (n, o) in ranked.iter().take(limits.risk_objects).enumerate() {
        let dets: Vec<String> = o
            .detections
            .iter()
            .map(|&i| {
                format!(
                    "<a href=\"#det-{i}\" data-open=\"det-{i}\">{}</a>",
                    esc(&fired[i].info.name)
                )
            })
            .collect();
        let _ = write!(
            h,
            "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            n + 1,
            cut(&o.value, limits.cell),
            esc(&o.kind),
            fmt_num(o.total),
            o.findings,
            esc(&o.fields.join(", ")),
            dets.join("<br>")
        );
    }
    h.push_str("</tbody></table></div></section>\n");
}

fn detections_section(
    h: &mut String,
    fired: &[Fired],
    tz: chrono_tz::Tz,
    limits: Limits,
    attack: &Attack,
) {
    h.push_str("<section id=\"detections\"><h2>Detections</h2>\n");
    if fired.is_empty() {
        h.push_str("<p class=\"empty\">No detection fired.</p></section>\n");
        return;
    }
    h.push_str("<p><input id=\"filter\" type=\"search\" placeholder=\"filter detections by name\" aria-label=\"filter detections by name\"></p>\n");
    // Highest risk first, then most findings, then by name.
    let mut order: Vec<usize> = (0..fired.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&fired[a], &fired[b]);
        y.info
            .ann
            .risk_score
            .unwrap_or(-1.0)
            .total_cmp(&x.info.ann.risk_score.unwrap_or(-1.0))
            .then(y.findings.len().cmp(&x.findings.len()))
            .then(x.info.name.cmp(&y.info.name))
    });
    for i in order {
        detection(h, i, &fired[i], tz, limits, attack);
    }
    h.push_str("</section>\n");
}

fn detection(
    h: &mut String,
    i: usize,
    d: &Fired,
    tz: chrono_tz::Tz,
    limits: Limits,
    attack: &Attack,
) {
    let a = &d.info.ann;
    let sev = severity(a.risk_score);
    let n = d.findings.len();
    let _ = writeln!(
        h,
        "<details class=\"det\" id=\"det-{i}\" data-name=\"{}\"><summary><span class=\"name\">{}</span> <span class=\"sev sev-{}\">{}</span><span class=\"meta\">{} finding{}{}{}</span></summary><div>",
        esc(&d.info.name),
        esc(&d.info.name),
        sev_class(sev),
        esc(sev.unwrap_or("no score")),
        n,
        if n == 1 { "" } else { "s" },
        a.risk_score
            .map(|s| format!(" · risk score {}", fmt_num(s)))
            .unwrap_or_default(),
        if a.techniques.is_empty() {
            String::new()
        } else {
            format!(" · {}", esc(&a.techniques.join(", ")))
        }
    );
    h.push_str("<dl class=\"facts\">");
    let mut fact = |k: &str, v: String| {
        let _ = write!(h, "<dt>{k}</dt><dd>{v}</dd>");
    };
    fact("id", esc(d.info.id.as_deref().unwrap_or("—")));
    fact(
        "version · type · status",
        esc(&format!(
            "{} · {} · {}",
            a.version.as_deref().unwrap_or("—"),
            a.kind.as_deref().unwrap_or("—"),
            d.info.status.as_deref().unwrap_or("—")
        )),
    );
    fact(
        "YAML",
        format!("<code>{}</code>", esc(&d.info.path.display().to_string())),
    );
    if !a.techniques.is_empty() {
        let t: Vec<String> = a
            .techniques
            .iter()
            .map(|id| match attack.technique(id) {
                Some(t) => {
                    let tac: Vec<&str> = t
                        .tactics
                        .iter()
                        .map(|&i| attack.tactics[i].name.as_str())
                        .collect();
                    format!("{} {} ({})", esc(id), esc(&t.name), esc(&tac.join(", ")))
                }
                None => esc(id),
            })
            .collect();
        fact("ATT&amp;CK", t.join("<br>"));
    }
    if !a.stories.is_empty() {
        fact("analytic stories", esc(&a.stories.join(", ")));
    }
    if let Some(m) = &a.message {
        fact("message template", esc(m));
    }
    if let Some(desc) = &a.description {
        fact("description", cut(desc, 2000));
    }
    h.push_str("</dl>\n");
    // Messages, most frequent first.
    let mut msgs: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &d.findings {
        if let Some(m) = &f.message {
            *msgs.entry(m.as_str()).or_default() += 1;
        }
    }
    if !msgs.is_empty() {
        let mut v: Vec<(&str, usize)> = msgs.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let _ = write!(
            h,
            "<h4>Messages ({} distinct{})</h4><table class=\"paged\" data-page=\"10\"><thead><tr><th>message</th><th class=\"num\">findings</th></tr></thead><tbody>",
            v.len(),
            if v.len() > limits.messages {
                format!(", the first {} shown", limits.messages)
            } else {
                String::new()
            }
        );
        for (m, c) in v.iter().take(limits.messages) {
            let _ = write!(
                h,
                "<tr><td class=\"msg\">{}</td><td class=\"num\">{c}</td></tr>",
                cut(m, limits.cell)
            );
        }
        h.push_str("</tbody></table>\n");
    }
    objects_table(h, d, limits);
    results_table(h, d, tz, limits);
    let _ = writeln!(
        h,
        "<h4>Search (macros expanded)</h4><pre><code>{}</code></pre>",
        esc(&d.spl)
    );
    h.push_str("</div></details>\n");
}

fn objects_table(h: &mut String, d: &Fired, limits: Limits) {
    // Risk objects by total score, then threat objects by count.
    let ranked = rank_risk_objects(std::iter::once((0usize, d)));
    let mut threats: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for f in &d.findings {
        for o in &f.threat_objects {
            *threats
                .entry((o.value.clone(), o.kind.clone(), o.field.clone()))
                .or_default() += 1;
        }
    }
    if ranked.is_empty() && threats.is_empty() {
        return;
    }
    h.push_str("<h4>Risk and threat objects</h4><table class=\"paged\" data-page=\"10\"><thead><tr><th>object</th><th>kind</th><th>type</th><th>field</th><th class=\"num\">findings</th><th class=\"num\">total score</th></tr></thead><tbody>");
    for o in ranked.iter().take(limits.risk_objects) {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>risk</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            cut(&o.value, limits.cell),
            esc(&o.kind),
            esc(&o.fields.join(", ")),
            o.findings,
            fmt_num(o.total)
        );
    }
    let mut t: Vec<_> = threats.into_iter().collect();
    t.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for ((value, kind, field), n) in t.into_iter().take(limits.risk_objects) {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>threat</td><td>{}</td><td>{}</td><td class=\"num\">{n}</td><td class=\"num\"></td></tr>",
            cut(&value, limits.cell),
            esc(&kind),
            esc(&field)
        );
    }
    h.push_str("</tbody></table>\n");
}

fn results_table(h: &mut String, d: &Fired, tz: chrono_tz::Tz, limits: Limits) {
    let shown = d.rows.len().min(limits.rows);
    let _ = write!(
        h,
        "<h4>Results ({}{})</h4>",
        d.rows.len(),
        if shown < d.rows.len() {
            format!(", the first {shown} shown; --format findings writes them all")
        } else {
            String::new()
        }
    );
    h.push_str("<div class=\"wide\"><table class=\"paged results\" data-page=\"25\"><thead><tr>");
    for c in &d.columns {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    h.push_str("</tr></thead><tbody>");
    for r in d.rows.iter().take(shown) {
        h.push_str("<tr>");
        for c in &d.columns {
            let text = match (c.as_str(), r.get(c)) {
                ("_time", Some(v)) => v
                    .as_num()
                    .map(|t| iso(t, tz))
                    .unwrap_or_else(|| v.to_display("\n")),
                (_, Some(v)) => v.to_display("\n"),
                (_, None) => String::new(),
            };
            let _ = write!(h, "<td>{}</td>", cut(&text, limits.cell));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_base64() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\"\u{7}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\u{fffd}"
        );
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(
            cut("abcdef", 3),
            "abc<span class=\"note\"> … (3 more characters)</span>"
        );
    }
}
