//! Findings: each result of a detection as Enterprise Security would record
//! it, a notable/risk event carrying the detection's name and id, its message
//! with `$field$` tokens filled from the result, the risk score, the risk and
//! threat objects with their values, ATT&CK techniques (with tactics) and
//! analytic stories, first and last time, and the result itself.
//!
//! Written as NDJSON (`--format findings`, schema in
//! `grammar/findings.schema.json`) or as OCSF Detection Finding records
//! (`--format ocsf`, [`ocsf`]); the HTML report (`app::report`) reads the
//! same [`Finding`]s.
//!
//! Choices where ES's behaviour is not written down:
//!
//! - a token whose field is absent from the result (or null) stays as the
//!   YAML writes it (`$user$`), and is listed in `unresolved_tokens`; a token
//!   `$result.x$` reads field `x` when the result has no field `result.x`;
//! - a multivalue field in the message renders its values joined by `, `;
//! - a risk or threat object gives one object per distinct non-empty value of
//!   its field, none when the field is absent;
//! - `first_time`/`last_time` come from the result's `firstTime`/`lastTime`
//!   (epoch seconds, or the `%Y-%m-%dT%H:%M:%S` text
//!   `security_content_ctime` makes, read in `--tz`), else from its `_time`;
//!   `time` is the last of those, else the run's `now`.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{json, Map, Value as J};
use sha2::{Digest, Sha256};

use crate::app::output;
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::content::annotations::{Annotations, ObjectSpec};
use crate::content::attack::Attack;
use crate::content::rules::Detection;

pub mod ocsf;

/// Version of the findings schema (`grammar/findings.schema.json`); it
/// changes only when a field is removed or changes meaning.
pub const SCHEMA: &str = "spleval.finding/1";

/// `--format findings` or `--format ocsf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Findings,
    Ocsf,
}

/// A detection as findings describe it.
#[derive(Debug, Clone)]
pub struct DetectionInfo {
    pub name: String,
    pub id: Option<String>,
    pub path: PathBuf,
    pub status: Option<String>,
    pub ann: Annotations,
}

impl DetectionInfo {
    /// From a loaded detection, with warnings for annotation keys of the wrong shape.
    pub fn of(d: &Detection) -> (DetectionInfo, Vec<String>) {
        let (ann, warnings) = Annotations::from_doc(&d.doc, &d.path);
        (
            DetectionInfo {
                name: d.name.clone(),
                id: d.id.clone(),
                path: d.path.clone(),
                status: d.status.clone(),
                ann,
            },
            warnings,
        )
    }
}

/// A risk or threat object with its value from one result.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectValue {
    pub field: String,
    pub kind: String,
    pub observable_type: Option<String>,
    pub role: Option<String>,
    pub score: Option<f64>,
    pub value: String,
}

/// One result as a finding.
#[derive(Debug, Clone)]
pub struct Finding {
    pub uid: String,
    pub message: Option<String>,
    /// Fields named by tokens the result lacks.
    pub unresolved: Vec<String>,
    pub risk_objects: Vec<ObjectValue>,
    pub threat_objects: Vec<ObjectValue>,
    pub first_time: Option<f64>,
    pub last_time: Option<f64>,
    /// `last_time`, else `first_time`, else the run's now.
    pub time: f64,
    /// The result as `--format json` writes it.
    pub result: J,
}

/// Builds findings of one detection.
pub struct Builder {
    pub det: Arc<DetectionInfo>,
    tz: chrono_tz::Tz,
    now: f64,
    count: u64,
}

impl Builder {
    pub fn new(det: Arc<DetectionInfo>, tz: chrono_tz::Tz, now: f64) -> Builder {
        Builder {
            det,
            tz,
            now,
            count: 0,
        }
    }

    /// The finding of the next result.
    pub fn finding(&mut self, row: &Event) -> Finding {
        let n = self.count;
        self.count += 1;
        let ann = &self.det.ann;
        let (message, unresolved) = match &ann.message {
            Some(m) => {
                let (text, missing) = render_message(m, row);
                (Some(text), missing)
            }
            None => (None, Vec::new()),
        };
        let result = output::to_json(row);
        let (first_time, last_time) = times(row, self.tz);
        Finding {
            uid: uid(&self.det, n, &result),
            message,
            unresolved,
            risk_objects: objects(&ann.risk_objects, row),
            threat_objects: objects(&ann.threat_objects, row),
            first_time,
            last_time,
            time: last_time.or(first_time).unwrap_or(self.now),
            result,
        }
    }
}

/// A deterministic id: the detection, the result's place among its results,
/// and the result.
fn uid(det: &DetectionInfo, n: u64, result: &J) -> String {
    let mut h = Sha256::new();
    h.update(det.id.as_deref().unwrap_or(&det.name).as_bytes());
    h.update(b"\n");
    h.update(n.to_le_bytes());
    h.update(result.to_string().as_bytes());
    let d = h.finalize();
    let hex: String = d.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The field a token names, if the result has it (`$result.x$` falls back to `x`).
fn token_value<'a>(row: &'a Event, name: &str) -> Option<&'a Value> {
    row.get(name).filter(|v| !v.is_null()).or_else(|| {
        name.strip_prefix("result.")
            .and_then(|n| row.get(n))
            .filter(|v| !v.is_null())
    })
}

/// Whether `s` can be a token's field name (no spaces, no `$`).
fn token_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | ':' | '-' | '@' | '{' | '}'))
}

/// Fills `$field$` tokens from the result; returns the text and the fields
/// that were missing (their tokens stay as written).
pub fn render_message(template: &str, row: &Event) -> (String, Vec<String>) {
    let mut out = String::with_capacity(template.len());
    let mut missing: Vec<String> = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('$') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('$') {
            Some(end) if token_name(&after[..end]) => {
                let name = &after[..end];
                match token_value(row, name) {
                    Some(v) => out.push_str(&v.to_display(", ")),
                    None => {
                        out.push('$');
                        out.push_str(name);
                        out.push('$');
                        if !missing.iter().any(|m| m == name) {
                            missing.push(name.to_string());
                        }
                    }
                }
                rest = &after[end + 1..];
            }
            _ => {
                // A lone `$` (or `$…$` that is no field name): kept as written.
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, missing)
}

fn objects(specs: &[ObjectSpec], row: &Event) -> Vec<ObjectValue> {
    let mut out: Vec<ObjectValue> = Vec::new();
    for s in specs {
        let Some(v) = row.get(&s.field) else {
            continue;
        };
        let mut seen: Vec<String> = Vec::new();
        for one in v.values() {
            let text = one.to_display("");
            if text.trim().is_empty() || seen.contains(&text) {
                continue;
            }
            seen.push(text.clone());
            out.push(ObjectValue {
                field: s.field.clone(),
                kind: s.kind.clone(),
                observable_type: s.observable_type.clone(),
                role: s.role.clone(),
                score: s.score,
                value: text,
            });
        }
    }
    out
}

/// A time field as epoch seconds: a number, or `security_content_ctime`'s text.
fn time_of(v: &Value, tz: chrono_tz::Tz) -> Option<f64> {
    let v = v.values().first()?;
    if let Some(n) = v.as_num() {
        return Some(n);
    }
    let t = v.as_text()?;
    crate::time::strptime(t.trim(), "%Y-%m-%dT%H:%M:%S", tz)
        .or_else(|| crate::time::parse_timestamp(&t))
}

fn times(row: &Event, tz: chrono_tz::Tz) -> (Option<f64>, Option<f64>) {
    let pick = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| row.get(n).and_then(|v| time_of(v, tz)))
    };
    let t = row.get("_time").and_then(|v| time_of(v, tz));
    let first = pick(&["firstTime", "first_time", "earliest"]).or(t);
    let last = pick(&["lastTime", "last_time", "latest"]).or(t);
    (first, last)
}

/// A score as JSON: an integer when it is whole.
pub fn num(n: f64) -> J {
    if let Some(i) = crate::base::value::whole_number(n) {
        json!(i)
    } else {
        json!(n)
    }
}

/// ES's severity for a risk score, as contentctl derives it.
pub fn severity(score: Option<f64>) -> Option<&'static str> {
    let s = score?;
    Some(if s <= 20.0 {
        "informational"
    } else if s <= 40.0 {
        "low"
    } else if s <= 60.0 {
        "medium"
    } else if s <= 80.0 {
        "high"
    } else {
        "critical"
    })
}

/// An epoch time as ISO-8601 in `tz`.
pub fn iso(t: f64, tz: chrono_tz::Tz) -> String {
    crate::time::try_strftime(t, "%Y-%m-%dT%H:%M:%S.%3N%:z", tz).unwrap_or_else(|| t.to_string())
}

/// The `mitre_attack` list: each technique with its name and tactics.
pub fn attack_json(techniques: &[String], attack: &Attack) -> J {
    J::Array(
        techniques
            .iter()
            .map(|id| match attack.technique(id) {
                Some(t) => json!({
                    "technique_id": t.id,
                    "technique_name": t.name,
                    "tactics": t.tactics.iter().map(|&i| {
                        let tac = &attack.tactics[i];
                        json!({"id": tac.id, "name": tac.name})
                    }).collect::<Vec<_>>(),
                }),
                None => json!({"technique_id": id.trim(), "technique_name": null, "tactics": []}),
            })
            .collect(),
    )
}

fn object_json(o: &ObjectValue, risk: bool) -> J {
    let mut m = Map::new();
    m.insert("field".into(), json!(o.field));
    m.insert("type".into(), json!(o.kind));
    m.insert("observable_type".into(), json!(o.observable_type));
    m.insert("role".into(), json!(o.role));
    if risk {
        m.insert("score".into(), o.score.map(num).unwrap_or(J::Null));
    }
    m.insert("value".into(), json!(o.value));
    J::Object(m)
}

impl Finding {
    /// The finding as `--format findings` writes it (see `grammar/findings.schema.json`).
    pub fn to_json(&self, det: &DetectionInfo, attack: &Attack, tz: chrono_tz::Tz) -> J {
        let a = &det.ann;
        let mut m = Map::new();
        m.insert("schema".into(), json!(SCHEMA));
        m.insert("finding_id".into(), json!(self.uid));
        m.insert(
            "detection".into(),
            json!({
                "name": det.name,
                "id": det.id,
                "version": a.version,
                "type": a.kind,
                "status": det.status,
                "file": det.path.display().to_string(),
                "annotations": a.schema.name(),
            }),
        );
        m.insert("time".into(), json!(iso(self.time, tz)));
        m.insert(
            "first_time".into(),
            json!(self.first_time.map(|t| iso(t, tz))),
        );
        m.insert(
            "last_time".into(),
            json!(self.last_time.map(|t| iso(t, tz))),
        );
        m.insert("message".into(), json!(self.message));
        m.insert("message_template".into(), json!(a.message));
        m.insert("unresolved_tokens".into(), json!(self.unresolved));
        m.insert(
            "risk_score".into(),
            a.risk_score.map(num).unwrap_or(J::Null),
        );
        m.insert("severity".into(), json!(severity(a.risk_score)));
        m.insert(
            "confidence".into(),
            a.confidence.map(num).unwrap_or(J::Null),
        );
        m.insert("impact".into(), a.impact.map(num).unwrap_or(J::Null));
        m.insert(
            "risk_objects".into(),
            J::Array(
                self.risk_objects
                    .iter()
                    .map(|o| object_json(o, true))
                    .collect(),
            ),
        );
        m.insert(
            "threat_objects".into(),
            J::Array(
                self.threat_objects
                    .iter()
                    .map(|o| object_json(o, false))
                    .collect(),
            ),
        );
        m.insert("mitre_attack".into(), attack_json(&a.techniques, attack));
        m.insert("analytic_stories".into(), json!(a.stories));
        m.insert("security_domain".into(), json!(a.security_domain));
        m.insert("result".into(), self.result.clone());
        J::Object(m)
    }
}

/// Streams findings of one or more detections as NDJSON (findings or OCSF).
pub struct Writer<W: Write> {
    out: W,
    style: Style,
    tz: chrono_tz::Tz,
    pub count: u64,
}

impl<W: Write> Writer<W> {
    pub fn new(out: W, style: Style, tz: chrono_tz::Tz) -> Writer<W> {
        Writer {
            out,
            style,
            tz,
            count: 0,
        }
    }

    /// Writes one result of the builder's detection, with extra keys (the
    /// test name for `spleval test`): top-level in a finding, under
    /// `unmapped` in OCSF.
    pub fn push_with(&mut self, b: &mut Builder, row: &Event, extra: &[(&str, J)]) -> Result<()> {
        let f = b.finding(row);
        let attack = Attack::shipped();
        let mut j = match self.style {
            Style::Findings => f.to_json(&b.det, attack, self.tz),
            Style::Ocsf => ocsf::record(&f, &b.det, attack),
        };
        // Extra keys go at the top of a finding, under `unmapped` in OCSF.
        let target = match (&mut j, self.style) {
            (J::Object(m), Style::Findings) => Some(m),
            (J::Object(m), Style::Ocsf) => m.get_mut("unmapped").and_then(|u| u.as_object_mut()),
            _ => None,
        };
        if let Some(m) = target {
            for (k, v) in extra {
                m.insert((*k).to_string(), v.clone());
            }
        }
        self.count += 1;
        let line = serde_json::to_string(&j).map_err(|e| SplError::runtime(e.to_string()))?;
        writeln!(self.out, "{line}")
            .map_err(|e| SplError::runtime(format!("cannot write output: {e}")))
    }

    pub fn push(&mut self, b: &mut Builder, row: &Event) -> Result<()> {
        self.push_with(b, row, &[])
    }

    pub fn finish(mut self) -> Result<W> {
        self.out
            .flush()
            .map_err(|e| SplError::runtime(format!("cannot write output: {e}")))?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(pairs: &[(&str, Value)]) -> Event {
        let mut e = Event::new();
        for (k, v) in pairs {
            e.set(*k, v.clone());
        }
        e
    }

    #[test]
    fn tokens_fill_from_the_result_and_missing_ones_stay() {
        let e = ev(&[
            ("user", Value::str("alice")),
            (
                "dest",
                Value::multi(vec![Value::str("h1"), Value::str("h2")]),
            ),
        ]);
        let (m, missing) = render_message("$user$ on $dest$ via $proc$, cost $5 and $$", &e);
        assert_eq!(m, "alice on h1, h2 via $proc$, cost $5 and $$");
        assert_eq!(missing, ["proc"]);
        let (m, _) = render_message("$result.user$", &e);
        assert_eq!(m, "alice");
    }

    #[test]
    fn ctime_text_reads_back_as_epoch() {
        let e = ev(&[("lastTime", Value::str("2023-10-12T11:05:44"))]);
        let (f, l) = times(&e, chrono_tz::UTC);
        assert_eq!(f, None);
        assert_eq!(l, Some(1697108744.0));
        assert_eq!(severity(Some(30.0)), Some("low"));
        assert_eq!(num(30.0), json!(30));
    }
}
