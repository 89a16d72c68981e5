//! What a detection says about the findings it makes: the risk message,
//! score, risk and threat objects, ATT&CK techniques and analytic stories
//! that Enterprise Security attaches to each result (its notable and risk
//! events).
//!
//! Two schemas, read from the detection YAML as written:
//!
//! - `tags:` (security_content until 2024, the shipped corpus): `tags.message`,
//!   `tags.risk_score`, `tags.confidence`, `tags.impact`, and
//!   `tags.observable` (`name`, `type`, `role: [Victim|Attacker]`). ES never
//!   sees observables: the content build turns them into risk and threat
//!   objects, and so do we, the same way: a Victim of type User, Username or
//!   Email Address is a `user` risk object; a Victim Device, Endpoint,
//!   Hostname or IP Address a `system` risk object; an Attacker Process or
//!   Process Name a `process` threat object, File / File Name / File Hash a
//!   `file_name`, IP Address an `ip_address`, URL / URL String a `url`, any
//!   other Attacker a threat object of its type in lower case; everything
//!   else an `other` risk object. Risk objects score `tags.risk_score`.
//! - `rba:` (contentctl 5): `rba.message`, `rba.risk_objects` (`field`,
//!   `type`, `score`) and `rba.threat_objects` (`field`, `type`); the risk
//!   score is the highest object score, as contentctl computes it.
//!   `tags.mitre_attack_id` and `tags.analytic_story` stay under `tags:`.
//!
//! A key of the wrong shape does not stop a run: it is left out with a
//! warning naming the file and the key.

use std::path::Path;

use serde_json::Value as J;

/// Which schema the annotations came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// `rba:` (message, risk_objects, threat_objects).
    Rba,
    /// `tags:` (message, risk_score, observable).
    Tags,
    /// Neither gives a message or objects.
    None,
}

impl Schema {
    pub fn name(self) -> &'static str {
        match self {
            Schema::Rba => "rba",
            Schema::Tags => "tags",
            Schema::None => "none",
        }
    }
}

/// A risk or threat object as the detection declares it: which result
/// field holds it and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectSpec {
    /// The result field whose value(s) are the object.
    pub field: String,
    /// ES's type: `user`, `system`, `other` for risk objects; `ip_address`,
    /// `process`, `file_name` … for threat objects.
    pub kind: String,
    /// The observable type as `tags.observable` writes it (`IP Address`).
    pub observable_type: Option<String>,
    /// `victim` or `attacker` (lower case), when `tags.observable` gives it.
    pub role: Option<String>,
    /// Risk objects only.
    pub score: Option<f64>,
}

/// A detection's finding annotations.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotations {
    pub schema: Schema,
    /// The message template, `$field$` tokens unexpanded.
    pub message: Option<String>,
    pub risk_score: Option<f64>,
    pub confidence: Option<f64>,
    pub impact: Option<f64>,
    pub risk_objects: Vec<ObjectSpec>,
    pub threat_objects: Vec<ObjectSpec>,
    /// `tags.mitre_attack_id`, as written.
    pub techniques: Vec<String>,
    /// `tags.analytic_story`.
    pub stories: Vec<String>,
    pub version: Option<String>,
    /// `type:` (TTP, Anomaly, Hunting, Correlation …).
    pub kind: Option<String>,
    pub description: Option<String>,
    pub security_domain: Option<String>,
    pub data_sources: Vec<String>,
}

impl Annotations {
    /// Reads them from a detection document; `path` names the file in the
    /// warnings returned for keys of the wrong shape.
    pub fn from_doc(doc: &J, path: &Path) -> (Annotations, Vec<String>) {
        let mut w = Warn {
            path,
            list: Vec::new(),
        };
        let tags = doc.get("tags").filter(|t| !t.is_null());
        if let Some(t) = tags {
            if !t.is_object() {
                w.say("tags", "is not a mapping; it is ignored");
            }
        }
        let tags = tags.filter(|t| t.is_object());
        let rba = doc.get("rba").filter(|t| !t.is_null());
        if let Some(r) = rba {
            if !r.is_object() {
                w.say("rba", "is not a mapping; it is ignored");
            }
        }
        let rba = rba.filter(|r| r.is_object());
        let mut a = Annotations {
            schema: Schema::None,
            message: None,
            risk_score: None,
            confidence: None,
            impact: None,
            risk_objects: Vec::new(),
            threat_objects: Vec::new(),
            techniques: strings(
                tags.and_then(|t| t.get("mitre_attack_id")),
                "tags.mitre_attack_id",
                &mut w,
            ),
            stories: strings(
                tags.and_then(|t| t.get("analytic_story")),
                "tags.analytic_story",
                &mut w,
            ),
            version: doc.get("version").and_then(scalar_text),
            kind: doc.get("type").and_then(scalar_text),
            description: doc.get("description").and_then(scalar_text),
            security_domain: tags
                .and_then(|t| t.get("security_domain"))
                .and_then(scalar_text),
            data_sources: strings(doc.get("data_source"), "data_source", &mut w),
        };
        if let Some(r) = rba {
            a.schema = Schema::Rba;
            a.message = text(r.get("message"), "rba.message", &mut w);
            a.risk_objects = rba_objects(r.get("risk_objects"), "rba.risk_objects", true, &mut w);
            a.threat_objects =
                rba_objects(r.get("threat_objects"), "rba.threat_objects", false, &mut w);
            a.risk_score = a
                .risk_objects
                .iter()
                .filter_map(|o| o.score)
                .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))));
        } else if let Some(t) = tags {
            a.message = text(t.get("message"), "tags.message", &mut w);
            a.risk_score = number(t.get("risk_score"), "tags.risk_score", &mut w);
            a.confidence = number(t.get("confidence"), "tags.confidence", &mut w);
            a.impact = number(t.get("impact"), "tags.impact", &mut w);
            observables(t.get("observable"), &mut a, &mut w);
            if a.message.is_some() || !a.risk_objects.is_empty() || !a.threat_objects.is_empty() {
                a.schema = Schema::Tags;
            }
        }
        (a, w.list)
    }
}

struct Warn<'a> {
    path: &'a Path,
    list: Vec<String>,
}

impl Warn<'_> {
    fn say(&mut self, key: &str, what: &str) {
        self.list
            .push(format!("{}: `{key}` {what}", self.path.display()));
    }
}

/// A string, number or boolean as text.
fn scalar_text(v: &J) -> Option<String> {
    match v {
        J::String(s) => Some(s.clone()),
        J::Number(n) => Some(n.to_string()),
        J::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn text(v: Option<&J>, key: &str, w: &mut Warn) -> Option<String> {
    match v {
        None | Some(J::Null) => None,
        Some(v) => match scalar_text(v) {
            Some(s) => Some(s),
            None => {
                w.say(key, "is not text; it is left out");
                None
            }
        },
    }
}

fn number(v: Option<&J>, key: &str, w: &mut Warn) -> Option<f64> {
    match v {
        None | Some(J::Null) => None,
        Some(J::Number(n)) => n.as_f64().filter(|f| f.is_finite()),
        Some(J::String(s)) => match s.trim().parse::<f64>() {
            Ok(f) if f.is_finite() => Some(f),
            _ => {
                w.say(key, "is not a number; it is left out");
                None
            }
        },
        Some(_) => {
            w.say(key, "is not a number; it is left out");
            None
        }
    }
}

/// A list of strings (a single string counts as a list of one).
fn strings(v: Option<&J>, key: &str, w: &mut Warn) -> Vec<String> {
    match v {
        None | Some(J::Null) => Vec::new(),
        Some(J::Array(items)) => {
            let mut out = Vec::new();
            for (i, it) in items.iter().enumerate() {
                match scalar_text(it) {
                    Some(s) => out.push(s),
                    None => w.say(&format!("{key}[{i}]"), "is not text; it is left out"),
                }
            }
            out
        }
        Some(v) => match scalar_text(v) {
            Some(s) => vec![s],
            None => {
                w.say(key, "is not a list of text; it is left out");
                Vec::new()
            }
        },
    }
}

fn items<'a>(v: Option<&'a J>, key: &str, w: &mut Warn) -> &'a [J] {
    match v {
        None | Some(J::Null) => &[],
        Some(J::Array(a)) => a,
        Some(_) => {
            w.say(key, "is not a list; it is left out");
            &[]
        }
    }
}

fn rba_objects(v: Option<&J>, key: &str, risk: bool, w: &mut Warn) -> Vec<ObjectSpec> {
    let mut out = Vec::new();
    for (i, o) in items(v, key, w).iter().enumerate() {
        let at = format!("{key}[{i}]");
        let Some(field) = o
            .get("field")
            .and_then(scalar_text)
            .filter(|f| !f.is_empty())
        else {
            w.say(&at, "has no `field`; it is left out");
            continue;
        };
        let kind = o
            .get("type")
            .and_then(scalar_text)
            .map(|t| t.to_ascii_lowercase())
            .unwrap_or_else(|| "other".to_string());
        let score = if risk {
            number(o.get("score"), &format!("{at}.score"), w)
        } else {
            None
        };
        out.push(ObjectSpec {
            field,
            kind,
            observable_type: None,
            role: None,
            score,
        });
    }
    out
}

/// `tags.observable` into risk and threat objects, as the content build maps them.
fn observables(v: Option<&J>, a: &mut Annotations, w: &mut Warn) {
    const USER: &[&str] = &["user", "username", "email address"];
    const SYSTEM: &[&str] = &["device", "endpoint", "hostname", "ip address"];
    for (i, o) in items(v, "tags.observable", w).iter().enumerate() {
        let at = format!("tags.observable[{i}]");
        let Some(field) = o
            .get("name")
            .and_then(scalar_text)
            .filter(|f| !f.is_empty())
        else {
            w.say(&at, "has no `name`; it is left out");
            continue;
        };
        let otype = o.get("type").and_then(scalar_text).unwrap_or_default();
        let roles = strings(o.get("role"), &format!("{at}.role"), w);
        let has = |r: &str| roles.iter().any(|x| x.eq_ignore_ascii_case(r));
        let t = otype.to_ascii_lowercase();
        let role = if has("victim") {
            Some("victim".to_string())
        } else if has("attacker") {
            Some("attacker".to_string())
        } else {
            roles.first().map(|r| r.to_ascii_lowercase())
        };
        let spec = |kind: &str, score: Option<f64>| ObjectSpec {
            field: field.clone(),
            kind: kind.to_string(),
            observable_type: Some(otype.clone()).filter(|s| !s.is_empty()),
            role: role.clone(),
            score,
        };
        if has("victim") && USER.contains(&t.as_str()) {
            a.risk_objects.push(spec("user", a.risk_score));
        } else if has("victim") && SYSTEM.contains(&t.as_str()) {
            a.risk_objects.push(spec("system", a.risk_score));
        } else if has("attacker") {
            let kind = match t.as_str() {
                "process name" | "process" => "process".to_string(),
                "file name" | "file" | "file hash" => "file_name".to_string(),
                "ip address" => "ip_address".to_string(),
                "url string" | "url" => "url".to_string(),
                other => other.replace(' ', "_"),
            };
            a.threat_objects.push(spec(&kind, None));
        } else {
            a.risk_objects.push(spec("other", a.risk_score));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(yaml: &str) -> (Annotations, Vec<String>) {
        let doc: J = serde_saphyr::from_str(yaml).unwrap();
        Annotations::from_doc(&doc, Path::new("x.yml"))
    }

    #[test]
    fn tags_observables_become_risk_and_threat_objects() {
        let (a, w) = read(
            "type: TTP\nversion: 4\ntags:\n  message: User $user$ from $src_ip$\n  risk_score: 30\n  confidence: 100\n  impact: 30\n  mitre_attack_id: [T1528]\n  analytic_story: [S]\n  observable:\n  - {name: user, type: User, role: [Victim]}\n  - {name: src_ip, type: IP Address, role: [Attacker]}\n  - {name: dest, type: Hostname, role: [Victim]}\n  - {name: process_name, type: Process Name, role: [Attacker]}\n  - {name: thing, type: Other, role: [Victim]}\n",
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(a.schema, Schema::Tags);
        assert_eq!(a.risk_score, Some(30.0));
        assert_eq!(a.version.as_deref(), Some("4"));
        let r: Vec<(&str, &str)> = a
            .risk_objects
            .iter()
            .map(|o| (o.field.as_str(), o.kind.as_str()))
            .collect();
        assert_eq!(
            r,
            [("user", "user"), ("dest", "system"), ("thing", "other")]
        );
        let t: Vec<(&str, &str)> = a
            .threat_objects
            .iter()
            .map(|o| (o.field.as_str(), o.kind.as_str()))
            .collect();
        assert_eq!(t, [("src_ip", "ip_address"), ("process_name", "process")]);
        assert_eq!(a.threat_objects[0].role.as_deref(), Some("attacker"));
        assert_eq!(a.risk_objects[0].score, Some(30.0));
    }

    #[test]
    fn rba_block_wins_and_scores_by_its_highest_object() {
        let (a, w) = read(
            "rba:\n  message: on $dest$\n  risk_objects:\n  - {field: user, type: user, score: 36}\n  - {field: dest, type: system, score: 49}\n  threat_objects:\n  - {field: parent_process_name, type: parent_process_name}\ntags:\n  mitre_attack_id: [T1550.003]\n  message: old\n",
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(a.schema, Schema::Rba);
        assert_eq!(a.message.as_deref(), Some("on $dest$"));
        assert_eq!(a.risk_score, Some(49.0));
        assert_eq!(a.threat_objects[0].kind, "parent_process_name");
        assert_eq!(a.techniques, ["T1550.003"]);
    }

    #[test]
    fn wrong_shapes_are_left_out_with_a_warning() {
        let (a, w) = read(
            "rba:\n  message: [a]\n  risk_objects:\n  - {type: user, score: 3}\n  - {field: u, score: lots}\n  threat_objects: nope\n",
        );
        assert_eq!(a.message, None);
        assert_eq!(a.risk_objects.len(), 1);
        assert_eq!(a.risk_objects[0].score, None);
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(w[0].starts_with("x.yml: `rba.message`"));
    }
}
