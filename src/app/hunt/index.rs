//! The index by equality keys: which `field=value` a detection's leading
//! search (or data model root constraint) requires, and the detections an
//! event can want, found by the values it has.

use std::collections::HashMap;

use crate::base::event::Event;
use crate::base::value::Value;
use crate::spl::search_expr::{CmpOp, SearchExpr};

/// Numbers are looked up by the bits of their f64 (0 and -0 as one).
fn num_key(n: f64) -> Option<u64> {
    if n.is_nan() {
        return None;
    }
    let n = if n == 0.0 { 0.0 } else { n };
    Some(n.to_bits())
}

/// Text is looked up lower-cased; `buf` holds it when the text is not
/// lower case already, so looking up allocates nothing per event.
fn lower<'a>(t: &'a str, buf: &'a mut String) -> &'a str {
    if t.bytes().any(|b| b.is_ascii_uppercase()) || !t.is_ascii() {
        buf.clear();
        if t.is_ascii() {
            buf.push_str(t);
            buf.make_ascii_lowercase();
        } else {
            buf.push_str(&t.to_lowercase());
        }
        buf
    } else {
        t
    }
}

type Ids = Vec<u32>;
type FastMap<K> = HashMap<K, Ids, foldhash::fast::FixedState>;

/// One indexed field: a pattern value is found by its lower-cased text
/// ([`crate::eval::matcher::Pattern`] matches a value as case-insensitive
/// text) and, when it reads as a number, by that number too, which finds a
/// superset (the matcher decides).
#[derive(Default)]
pub(crate) struct FieldMap {
    nums: FastMap<u64>,
    texts: FastMap<String>,
}

impl FieldMap {
    fn add(&mut self, pattern: &str, id: u32) {
        let push = |list: &mut Ids| {
            if list.last() != Some(&id) {
                list.push(id);
            }
        };
        push(self.texts.entry(pattern.to_lowercase()).or_default());
        if let Some(k) = crate::base::value::parse_number(pattern).and_then(num_key) {
            push(self.nums.entry(k).or_default());
        }
    }

    /// The ids filed under a (scalar) value of an event.
    fn find(&self, v: &Value, buf: &mut String, f: &mut dyn FnMut(&[u32])) {
        if !self.nums.is_empty() {
            if let Some(ids) = v.as_num().and_then(num_key).and_then(|k| self.nums.get(&k)) {
                f(ids);
            }
        }
        if let Some(t) = v.as_text() {
            if let Some(ids) = self.texts.get(lower(&t, buf)) {
                f(ids);
            }
        }
    }
}

/// A requirement on an event: it has one of the values in one of the
/// fields (a disjunction of `field=value` tests).
pub type Req = Vec<(String, Vec<String>)>;

/// Detections filed by field and value, and those tested always.
#[derive(Default)]
pub(crate) struct Index {
    pub(crate) fields: Vec<String>,
    pub(crate) maps: Vec<FieldMap>,
    pub(crate) always: Vec<u32>,
    /// Position in `fields` by name.
    by_name: HashMap<String, usize, foldhash::fast::FixedState>,
}

impl Index {
    pub(crate) fn add(&mut self, id: u32, key: Option<&Req>) {
        let Some(req) = key else {
            self.always.push(id);
            return;
        };
        for (field, values) in req {
            let f = match self.by_name.get(field) {
                Some(&f) => f,
                None => {
                    self.fields.push(field.clone());
                    self.maps.push(FieldMap::default());
                    self.by_name.insert(field.clone(), self.fields.len() - 1);
                    self.fields.len() - 1
                }
            };
            for v in values {
                self.maps[f].add(v, id);
            }
        }
    }

    /// Calls `f` with each detection that may want the event (one may be
    /// given more than once).
    pub(crate) fn candidates(&self, ev: &Event, f: &mut dyn FnMut(u32)) {
        for &id in &self.always {
            f(id);
        }
        let mut buf = String::new();
        let mut offer = |n: usize, v: &Value| {
            for x in v.values().iter() {
                self.maps[n].find(x, &mut buf, &mut |ids| ids.iter().for_each(|&id| f(id)));
            }
        };
        // Whichever is shorter is walked, the other looked up in.
        if ev.len() < self.fields.len() {
            for (name, v) in ev.iter() {
                if let Some(&n) = self.by_name.get(name.as_str()) {
                    offer(n, v);
                }
            }
        } else {
            for (n, field) in self.fields.iter().enumerate() {
                if let Some(v) = ev.get(field) {
                    offer(n, v);
                }
            }
        }
    }
}

/// How little a field's value says about an event: 2 for metadata many
/// detections share, 1 for event-type codes, 0 for anything more specific.
pub(crate) fn weakness(f: &str) -> u8 {
    match f.to_ascii_lowercase().as_str() {
        "sourcetype" | "index" | "host" | "source" | "tag" | "eventtype" => 2,
        "eventcode" | "eventid" | "eventname" | "eventsource" | "channel" | "signature_id"
        | "operation" | "workload" | "category" => 1,
        _ => 0,
    }
}

/// Requirements of a search expression, each of which an event must meet.
pub(crate) fn required(e: &SearchExpr) -> Vec<Req> {
    let exact = |field: &str, text: &str| {
        !field.contains('*')
            && crate::spl::search_expr::time_modifier(field).is_none()
            && !text.contains('*')
            && (!text.contains('/') || text.parse::<ipnet::IpNet>().is_err())
    };
    match e {
        SearchExpr::And { items, .. } => items.iter().flat_map(required).collect(),
        SearchExpr::Compare {
            field,
            op: CmpOp::Eq | CmpOp::Indexed,
            value,
            ..
        } if exact(field, &value.text) => vec![vec![(field.clone(), vec![value.text.clone()])]],
        SearchExpr::In { field, values, .. }
            if !values.is_empty() && values.iter().all(|v| exact(field, &v.text)) =>
        {
            vec![vec![(
                field.clone(),
                values.iter().map(|v| v.text.clone()).collect(),
            )]]
        }
        SearchExpr::Or { items, .. } if !items.is_empty() => {
            // Each alternative meets its own best requirement: one of them holds.
            let mut out: Req = Vec::new();
            for x in items {
                let Some(r) = best_req(required(x)) else {
                    return Vec::new();
                };
                for (f, vals) in r {
                    match out.iter_mut().find(|(g, _)| *g == f) {
                        Some((_, vs)) => {
                            for v in vals {
                                if !vs.contains(&v) {
                                    vs.push(v);
                                }
                            }
                        }
                        None => out.push((f, vals)),
                    }
                }
            }
            vec![out]
        }
        _ => Vec::new(),
    }
}

/// The most selective requirement: specific fields first, then fewest values.
pub(crate) fn best_req(reqs: Vec<Req>) -> Option<Req> {
    reqs.into_iter().filter(|r| !r.is_empty()).min_by_key(|r| {
        let weak = r.iter().map(|(f, _)| weakness(f)).max().unwrap_or(0);
        let n: usize = r.iter().map(|(_, v)| v.len()).sum();
        (weak, n)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(text: &str) -> Option<Req> {
        let src = crate::commands::src(text);
        let (_, e) = crate::spl::search_expr::parse_search(&src, text).unwrap();
        best_req(required(&e.unwrap()))
    }

    fn one(f: &str, v: &[&str]) -> Option<Req> {
        Some(vec![(
            f.to_string(),
            v.iter().map(|s| s.to_string()).collect(),
        )])
    }

    #[test]
    fn keys_come_from_required_equalities() {
        assert_eq!(
            req("sourcetype=x EventCode=4688 Image=*cmd.exe"),
            one("EventCode", &["4688"])
        );
        assert_eq!(
            req("EventCode IN (1, 2) sourcetype=x"),
            one("EventCode", &["1", "2"])
        );
        assert_eq!(
            req("(EventCode=1 a=b) OR (EventCode=3 c=d)"),
            Some(vec![
                ("a".to_string(), vec!["b".to_string()]),
                ("c".to_string(), vec!["d".to_string()])
            ])
        );
        assert_eq!(
            req("EventCode=1 (process_name=a OR OriginalFileName=b)"),
            Some(vec![
                ("process_name".to_string(), vec!["a".to_string()]),
                ("OriginalFileName".to_string(), vec!["b".to_string()])
            ])
        );
        assert_eq!(req("a=1 OR b=*"), None);
        assert_eq!(req("NOT EventCode=1"), None);
        assert_eq!(req("Image=*cmd*"), None);
        assert_eq!(req("sourcetype=x"), one("sourcetype", &["x"]));
    }

    #[test]
    fn values_match_keys_as_patterns_do() {
        let found = |pattern: &str, v: Value| {
            let mut m = FieldMap::default();
            m.add(pattern, 7);
            let mut hit = Vec::new();
            m.find(&v, &mut String::new(), &mut |ids| {
                hit.extend_from_slice(ids)
            });
            hit.dedup();
            hit == [7]
        };
        assert!(found("4688", Value::Num(4688.0)));
        assert!(found(
            "powershell.exe",
            Value::str("PowerShell.EXE".to_string())
        ));
        assert!(found(
            "PowerShell.exe",
            Value::str("powershell.exe".to_string())
        ));
        assert!(found("4688", Value::str("4688.0".to_string())));
        assert!(found("ÄRGER", Value::str("ärger".to_string())));
        assert!(!found("4688", Value::Num(4689.0)));
        assert!(!found("cmd.exe", Value::str("cmd.exe2".to_string())));
    }
}
