//! The report's inline style and script. The page's Content-Security-Policy
//! allows exactly these two by their SHA-256, nothing else.

/// The style sheet.
pub const CSS: &str = r#"
:root { --fg:#1d2430; --muted:#5b6575; --line:#d8dde5; --bg:#ffffff; --panel:#f5f7fa; --accent:#2458a6;
  --info:#7a8699; --low:#3b82c4; --medium:#d9a321; --high:#e0662b; --critical:#b3202a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 18px 28px; background: #14213d; color: #fff; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #c9d3e6; }
nav { position: sticky; top: 0; z-index: 2; background: var(--panel); border-bottom: 1px solid var(--line); padding: 8px 28px; }
nav a { margin-right: 18px; color: var(--accent); text-decoration: none; font-weight: 600; }
main { padding: 8px 28px 40px; }
section { margin-top: 26px; }
h2 { font-size: 18px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 0; }
.cards div { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 16px; min-width: 150px; }
.cards dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.cards dd { margin: 2px 0 0; font-size: 22px; font-weight: 700; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.matrix { display: grid; grid-auto-flow: column; grid-auto-columns: minmax(112px, 1fr); gap: 6px; overflow: auto; max-height: 75vh; border: 1px solid var(--line); border-radius: 6px; padding: 0 4px 4px; }
.tactic h3 { position: sticky; top: 0; font-size: 12px; margin: 0 0 4px; padding: 6px; background: #14213d; color: #fff; border-radius: 0 0 4px 4px; min-height: 44px; }
.tactic h3 small { display: block; font-weight: 400; color: #c9d3e6; }
.cell { display: block; margin: 0 0 4px; padding: 5px 6px; border-radius: 4px; font-size: 12px; color: #111; text-decoration: none; border: 1px solid rgba(0,0,0,.08); }
.cell b { display: block; }
.cell .note { color: inherit; opacity: .75; }
.h1 { background: #fde8d7; } .h2 { background: #fbcba6; } .h3 { background: #f7a573; } .h4 { background: #ef7a45; color: #fff; } .h5 { background: #c8442a; color: #fff; }
.empty { color: var(--muted); font-style: italic; }
svg.timeline { width: 100%; height: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
svg.timeline text { font-size: 11px; fill: var(--muted); }
.legend span { display: inline-block; margin-right: 14px; font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
.sev { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 600; color: #fff; }
.sev-informational, i.sev-informational { background: var(--info); }
.sev-low, i.sev-low { background: var(--low); }
.sev-medium, i.sev-medium { background: var(--medium); }
.sev-high, i.sev-high { background: var(--high); }
.sev-critical, i.sev-critical { background: var(--critical); }
.sev-none, i.sev-none { background: #aab2bf; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: var(--panel); }
td { overflow-wrap: anywhere; white-space: pre-wrap; max-width: 520px; }
td.num, th.num { text-align: right; white-space: nowrap; }
.wide { overflow-x: auto; }
details.det { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; background: #fff; }
details.det > summary { cursor: pointer; padding: 8px 12px; background: var(--panel); border-radius: 6px; }
details.det[open] > summary { border-bottom: 1px solid var(--line); border-radius: 6px 6px 0 0; }
details.det > div { padding: 4px 14px 12px; }
summary .name { font-weight: 700; }
summary .meta { color: var(--muted); margin-left: 8px; }
pre { background: #0f1726; color: #e6edf7; padding: 10px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.note { color: var(--muted); font-size: 12px; }
.pager { margin: 4px 0 10px; font-size: 12px; }
.pager button { margin-right: 6px; }
#filter { padding: 5px 8px; width: 320px; max-width: 100%; border: 1px solid var(--line); border-radius: 4px; }
"#;

/// The script: pages long tables, filters detections by name, opens a
/// detection from the matrix, and marks the page when it ran without error
/// (`data-report-ready="ok"` on `<html>`; `data-report-error` otherwise).
/// Violations of the page's Content-Security-Policy are recorded in
/// `data-csp-violation`: it runs in `<head>`, before the body is parsed.
pub const JS: &str = r#"
(function () {
  "use strict";
  var root = document.documentElement;
  window.addEventListener("error", function (e) {
    root.setAttribute("data-report-error", String(e.message || e));
  });
  document.addEventListener("securitypolicyviolation", function (e) {
    root.setAttribute("data-csp-violation", e.violatedDirective + " " + (e.blockedURI || ""));
  });
  function button(label) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    return b;
  }
  function page(table) {
    var body = table.tBodies[0];
    if (!body) return;
    var rows = Array.prototype.slice.call(body.rows);
    var per = parseInt(table.getAttribute("data-page") || "25", 10);
    if (rows.length <= per) return;
    var pages = Math.ceil(rows.length / per), at = 0;
    var nav = document.createElement("div");
    nav.className = "pager";
    var prev = button("\u2039 previous"), next = button("next \u203a");
    var info = document.createElement("span");
    nav.appendChild(prev); nav.appendChild(next); nav.appendChild(info);
    function show() {
      for (var i = 0; i < rows.length; i++) rows[i].hidden = Math.floor(i / per) !== at;
      info.textContent = "page " + (at + 1) + " of " + pages + " (" + rows.length + " rows)";
      prev.disabled = at === 0;
      next.disabled = at === pages - 1;
    }
    prev.addEventListener("click", function () { if (at > 0) { at--; show(); } });
    next.addEventListener("click", function () { if (at < pages - 1) { at++; show(); } });
    table.parentNode.insertBefore(nav, table.nextSibling);
    show();
  }
  function ready() {
    try {
      var tables = document.querySelectorAll("table.paged");
      for (var i = 0; i < tables.length; i++) page(tables[i]);
      var q = document.getElementById("filter");
      var dets = document.querySelectorAll("details.det");
      if (q) q.addEventListener("input", function () {
        var s = q.value.toLowerCase();
        for (var j = 0; j < dets.length; j++) {
          var n = (dets[j].getAttribute("data-name") || "").toLowerCase();
          dets[j].hidden = s !== "" && n.indexOf(s) < 0;
        }
      });
      var links = document.querySelectorAll("a[data-open]");
      for (var k = 0; k < links.length; k++) links[k].addEventListener("click", function () {
        var d = document.getElementById(this.getAttribute("data-open"));
        if (d) d.open = true;
      });
      root.setAttribute("data-paged-tables", String(tables.length));
      if (!root.hasAttribute("data-report-error")) root.setAttribute("data-report-ready", "ok");
    } catch (e) {
      root.setAttribute("data-report-error", String(e && e.message || e));
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
"#;
