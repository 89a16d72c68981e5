//! Findings as OCSF Detection Finding records (class 2004, category 2
//! Findings), schema version [`VERSION`], so they load into OCSF stores as
//! they are.
//!
//! - `finding_info`: `uid` the finding's id, `title` the detection's name,
//!   `desc` its description, `types` its type, `analytic` the detection
//!   (uid = its id, type Rule, version), `attacks` one per technique and
//!   tactic (sub-techniques as `sub_technique` under their parent),
//!   `first_seen_time`/`last_seen_time`;
//! - `observables`: every risk and threat object value (name = the result
//!   field, type from the object's type);
//! - `resources`: the risk objects (name = value, type = user/system/other,
//!   `data` = field, role and score);
//! - `evidences`: one, whose `data` is the result;
//! - `risk_score`, `confidence_score`, `impact_score`; `severity_id` from the
//!   risk score as contentctl maps it; `time` (and `start_time`/`end_time`) in
//!   epoch milliseconds;
//! - `metadata.version` the OCSF version, `metadata.product` spleval;
//! - `unmapped`: analytic stories, the detection file and status, the message
//!   template and unresolved tokens.

use serde_json::{json, Map, Value as J};

use super::{DetectionInfo, Finding, ObjectValue};
use crate::content::attack::Attack;

/// The OCSF schema version the records follow.
pub const VERSION: &str = "1.1.0";

fn ms(t: f64) -> J {
    json!((t * 1000.0).round() as i64)
}

/// OCSF severity (id, caption) for a risk score.
fn severity(score: Option<f64>) -> (u8, &'static str) {
    match super::severity(score) {
        None => (0, "Unknown"),
        Some("informational") => (1, "Informational"),
        Some("low") => (2, "Low"),
        Some("medium") => (3, "Medium"),
        Some("high") => (4, "High"),
        Some(_) => (5, "Critical"),
    }
}

/// The observable type (id, caption) of an object.
fn observable_type(o: &ObjectValue) -> (u8, &'static str) {
    let by_observable = match o.observable_type.as_deref().map(str::to_ascii_lowercase) {
        Some(t) => match t.as_str() {
            "hostname" | "endpoint" | "device" => Some((1, "Hostname")),
            "ip address" => Some((2, "IP Address")),
            "user" | "username" | "user name" => Some((4, "User Name")),
            "email address" => Some((5, "Email Address")),
            "url string" | "url" => Some((6, "URL String")),
            "file name" | "file" => Some((7, "File Name")),
            "file hash" | "hash" => Some((8, "Hash")),
            "process" | "process name" => Some((9, "Process Name")),
            _ => None,
        },
        None => None,
    };
    if let Some(t) = by_observable {
        return t;
    }
    match o.kind.as_str() {
        "user" => (4, "User Name"),
        "system" if o.value.parse::<std::net::IpAddr>().is_ok() => (2, "IP Address"),
        "system" | "domain" => (1, "Hostname"),
        "ip_address" => (2, "IP Address"),
        "email_address" => (5, "Email Address"),
        "url" => (6, "URL String"),
        "file_name" | "file_path" => (7, "File Name"),
        "file_hash" | "process_hash" | "tls_hash" => (8, "Hash"),
        "process" | "process_name" | "parent_process" | "parent_process_name" => {
            (9, "Process Name")
        }
        "registry_path" => (28, "Registry Key"),
        _ => (99, "Other"),
    }
}

fn attacks(techniques: &[String], attack: &Attack) -> Vec<J> {
    let mut out = Vec::new();
    for id in techniques {
        let id = id.trim();
        let Some(t) = attack.technique(id) else {
            out.push(json!({"technique": {"uid": id}, "version": crate::content::attack::VERSION}));
            continue;
        };
        let mut base = Map::new();
        match t.id.split_once('.') {
            Some((parent, _)) => {
                let pname = attack.technique(parent).map(|p| p.name.clone());
                let mut tech = Map::new();
                tech.insert("uid".into(), json!(parent));
                if let Some(n) = pname {
                    tech.insert("name".into(), json!(n));
                }
                base.insert("technique".into(), J::Object(tech));
                base.insert(
                    "sub_technique".into(),
                    json!({"uid": t.id, "name": t.own_name}),
                );
            }
            None => {
                base.insert("technique".into(), json!({"uid": t.id, "name": t.name}));
            }
        }
        base.insert("version".into(), json!(crate::content::attack::VERSION));
        if t.tactics.is_empty() {
            out.push(J::Object(base.clone()));
        }
        for &i in &t.tactics {
            let tac = &attack.tactics[i];
            let mut a = base.clone();
            a.insert("tactic".into(), json!({"uid": tac.id, "name": tac.name}));
            out.push(J::Object(a));
        }
    }
    out
}

/// One finding as an OCSF Detection Finding.
pub fn record(f: &Finding, det: &DetectionInfo, attack: &Attack) -> J {
    let a = &det.ann;
    let (sev_id, sev) = severity(a.risk_score);
    let mut info = Map::new();
    info.insert("uid".into(), json!(f.uid));
    info.insert("title".into(), json!(det.name));
    if let Some(d) = &a.description {
        info.insert("desc".into(), json!(d));
    }
    if let Some(k) = &a.kind {
        info.insert("types".into(), json!([k]));
    }
    if !a.data_sources.is_empty() {
        info.insert("data_sources".into(), json!(a.data_sources));
    }
    let mut analytic = Map::new();
    if let Some(id) = &det.id {
        analytic.insert("uid".into(), json!(id));
    }
    analytic.insert("name".into(), json!(det.name));
    analytic.insert("type_id".into(), json!(1));
    analytic.insert("type".into(), json!("Rule"));
    if let Some(v) = &a.version {
        analytic.insert("version".into(), json!(v));
    }
    if let Some(c) = &a.security_domain {
        analytic.insert("category".into(), json!(c));
    }
    info.insert("analytic".into(), J::Object(analytic));
    let att = attacks(&a.techniques, attack);
    if !att.is_empty() {
        info.insert("attacks".into(), J::Array(att));
    }
    if let Some(t) = f.first_time {
        info.insert("first_seen_time".into(), ms(t));
    }
    if let Some(t) = f.last_time {
        info.insert("last_seen_time".into(), ms(t));
    }

    let mut r = Map::new();
    r.insert("activity_id".into(), json!(1));
    r.insert("activity_name".into(), json!("Create"));
    r.insert("category_uid".into(), json!(2));
    r.insert("category_name".into(), json!("Findings"));
    r.insert("class_uid".into(), json!(2004));
    r.insert("class_name".into(), json!("Detection Finding"));
    r.insert("type_uid".into(), json!(200401));
    r.insert("type_name".into(), json!("Detection Finding: Create"));
    r.insert("severity_id".into(), json!(sev_id));
    r.insert("severity".into(), json!(sev));
    r.insert("status_id".into(), json!(1));
    r.insert("status".into(), json!("New"));
    r.insert("time".into(), ms(f.time));
    if let Some(t) = f.first_time {
        r.insert("start_time".into(), ms(t));
    }
    if let Some(t) = f.last_time {
        r.insert("end_time".into(), ms(t));
    }
    if let Some(m) = &f.message {
        r.insert("message".into(), json!(m));
    }
    if let Some(s) = a.risk_score {
        r.insert("risk_score".into(), json!(s.round() as i64));
    }
    if let Some(c) = a.confidence {
        r.insert("confidence_score".into(), json!(c.round() as i64));
    }
    if let Some(i) = a.impact {
        r.insert("impact_score".into(), json!(i.round() as i64));
    }
    r.insert("finding_info".into(), J::Object(info));
    let observables: Vec<J> = f
        .risk_objects
        .iter()
        .chain(&f.threat_objects)
        .map(|o| {
            let (id, name) = observable_type(o);
            json!({"name": o.field, "type_id": id, "type": name, "value": o.value})
        })
        .collect();
    if !observables.is_empty() {
        r.insert("observables".into(), J::Array(observables));
    }
    let resources: Vec<J> = f
        .risk_objects
        .iter()
        .map(|o| {
            let mut data = Map::new();
            data.insert("field".into(), json!(o.field));
            if let Some(role) = &o.role {
                data.insert("role".into(), json!(role));
            }
            if let Some(s) = o.score {
                data.insert("risk_score".into(), super::num(s));
            }
            json!({"name": o.value, "type": o.kind, "data": J::Object(data)})
        })
        .collect();
    if !resources.is_empty() {
        r.insert("resources".into(), J::Array(resources));
    }
    r.insert("evidences".into(), json!([{"data": f.result}]));
    r.insert(
        "metadata".into(),
        json!({
            "version": VERSION,
            "product": {
                "name": "spleval",
                "vendor_name": "spleval",
                "version": env!("CARGO_PKG_VERSION"),
            },
            "uid": f.uid,
        }),
    );
    let mut unmapped = Map::new();
    unmapped.insert("analytic_stories".into(), json!(a.stories));
    unmapped.insert(
        "detection_file".into(),
        json!(det.path.display().to_string()),
    );
    if let Some(s) = &det.status {
        unmapped.insert("detection_status".into(), json!(s));
    }
    if let Some(m) = &a.message {
        unmapped.insert("message_template".into(), json!(m));
    }
    if !f.unresolved.is_empty() {
        unmapped.insert("unresolved_tokens".into(), json!(f.unresolved));
    }
    let threat: Vec<J> = f
        .threat_objects
        .iter()
        .map(|o| json!({"field": o.field, "type": o.kind, "role": o.role, "value": o.value}))
        .collect();
    if !threat.is_empty() {
        unmapped.insert("threat_objects".into(), J::Array(threat));
    }
    r.insert("unmapped".into(), J::Object(unmapped));
    J::Object(r)
}
