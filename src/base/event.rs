//! An event (or a result row): named fields in insertion order, plus the key
//! that gives Splunk's search order (newest first, then input order).

use indexmap::IndexMap;

use crate::base::value::Value;

/// Field maps hash with foldhash: field names are not attacker-chosen keys
/// that need SipHash, and lookups are the evaluator's hottest path.
type FieldMap = IndexMap<Name, Value, foldhash::fast::RandomState>;

/// A field's name: names up to 24 bytes (nearly all) are kept inline,
/// without an allocation of their own.
pub type Name = compact_str::CompactString;

#[derive(Debug, Clone, Default)]
pub struct Event {
    fields: FieldMap,
    /// `_time` as read (epoch seconds; NaN when the event had none).
    pub orig_time: f64,
    /// Position in the input, for stable ordering.
    pub seq: u64,
    /// The record this event was cut from, when it holds only some of the
    /// record's fields (a hunt completes it for searches that need whole
    /// events; see `input::complete`). None otherwise.
    pub record: Option<Box<str>>,
    /// Where a reader's worker found the event should go, when a consumer
    /// asked it to ([`crate::input::Shortcuts::route`]: a hunt's members
    /// whose gates it passed). Not part of the event (`==` ignores it).
    pub route: Option<Box<[u32]>>,
}

impl PartialEq for Event {
    fn eq(&self, other: &Event) -> bool {
        self.fields == other.fields
            && self.orig_time == other.orig_time
            && self.seq == other.seq
            && self.record == other.record
    }
}

impl Event {
    pub fn new() -> Event {
        Event {
            fields: FieldMap::default(),
            orig_time: f64::NAN,
            seq: 0,
            record: None,
            route: None,
        }
    }

    pub fn with_capacity(n: usize) -> Event {
        Event {
            fields: FieldMap::with_capacity_and_hasher(n, Default::default()),
            orig_time: f64::NAN,
            seq: 0,
            record: None,
            route: None,
        }
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    /// Sets a field; Null removes it (Splunk has no null-valued fields).
    pub fn set(&mut self, name: impl Into<Name>, v: Value) {
        if v.is_null() {
            self.fields.shift_remove(name.into().as_str());
        } else {
            self.fields.insert(name.into(), v);
        }
    }

    /// [`Event::set`] by a borrowed name: the name is copied only when the
    /// event did not have the field (replacing a value or removing one
    /// allocates nothing).
    pub fn set_named(&mut self, name: &str, v: Value) {
        if v.is_null() {
            self.fields.shift_remove(name);
        } else if let Some(slot) = self.fields.get_mut(name) {
            *slot = v;
        } else {
            self.fields.insert(Name::from(name), v);
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<Value> {
        self.fields.shift_remove(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Name, &Value)> {
        self.fields.iter()
    }

    pub fn names(&self) -> impl Iterator<Item = &Name> {
        self.fields.keys()
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// `_time` as epoch seconds, if the event has one.
    pub fn time(&self) -> Option<f64> {
        self.get("_time").and_then(Value::as_num)
    }

    /// Keeps only fields for which `keep` is true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.fields.retain(|k, _| keep(k));
    }

    /// A copy with only the named fields (names not present are skipped), in
    /// this event's order, with the same `orig_time` and `seq`. Names are
    /// looked up as they are (flattened names such as `status.errorCode`).
    pub fn subset<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Event {
        let mut idx: Vec<usize> = names
            .into_iter()
            .filter_map(|n| self.fields.get_index_of(n))
            .collect();
        idx.sort_unstable();
        idx.dedup();
        let mut fields = FieldMap::with_capacity_and_hasher(idx.len(), Default::default());
        for i in idx {
            if let Some((k, v)) = self.fields.get_index(i) {
                fields.insert(k.clone(), v.clone());
            }
        }
        Event {
            fields,
            orig_time: self.orig_time,
            seq: self.seq,
            record: None,
            route: None,
        }
    }

    /// Renames a field, keeping its position; overwrites an existing target.
    pub fn rename(&mut self, from: &str, to: &str) {
        if from == to {
            return;
        }
        if let Some(idx) = self.fields.get_index_of(from) {
            self.fields.shift_remove(to);
            let idx = self.fields.get_index_of(from).unwrap_or(idx);
            let (_, v) = self.fields.shift_remove_index(idx).expect("index exists");
            let pos = idx.min(self.fields.len());
            self.fields.shift_insert(pos, Name::from(to), v);
        }
    }

    /// Splunk's search order: newer first, then earlier in the input.
    pub fn search_order(a: &Event, b: &Event) -> std::cmp::Ordering {
        let ta = if a.orig_time.is_nan() {
            f64::NEG_INFINITY
        } else {
            a.orig_time
        };
        let tb = if b.orig_time.is_nan() {
            f64::NEG_INFINITY
        } else {
            b.orig_time
        };
        tb.partial_cmp(&ta)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.seq.cmp(&b.seq))
    }
}

/// Read access to fields: an event, or an event with one field overridden
/// (used by `mvfilter`/`mvmap`, which see one value at a time).
pub trait Fields {
    fn field(&self, name: &str) -> Option<&Value>;
    /// Visits every field (bare search terms look at all values when there is no `_raw`).
    fn each(&self, f: &mut dyn FnMut(&str, &Value));
}

impl Fields for Event {
    fn field(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
    fn each(&self, f: &mut dyn FnMut(&str, &Value)) {
        for (k, v) in self.iter() {
            f(k, v)
        }
    }
}

pub struct Overlay<'a> {
    pub base: &'a dyn Fields,
    pub name: &'a str,
    pub value: &'a Value,
}

impl Fields for Overlay<'_> {
    fn field(&self, name: &str) -> Option<&Value> {
        if name == self.name {
            Some(self.value)
        } else {
            self.base.field(name)
        }
    }
    fn each(&self, f: &mut dyn FnMut(&str, &Value)) {
        f(self.name, self.value);
        self.base.each(&mut |k, v| {
            if k != self.name {
                f(k, v)
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_keeps_named_fields_in_event_order() {
        let mut ev = Event::new();
        ev.set("_raw", Value::from("line"));
        ev.set("b", Value::from("1"));
        ev.set("status.errorCode", Value::from("0"));
        ev.set("a", Value::from("2"));
        ev.set("_time", Value::Num(5.0));
        ev.orig_time = 5.0;
        ev.seq = 7;
        let out = ev.subset(["a", "status.errorCode", "missing", "_time", "a"]);
        let names: Vec<&str> = out.names().map(|s| s.as_str()).collect();
        assert_eq!(names, ["status.errorCode", "a", "_time"]);
        assert_eq!((out.orig_time, out.seq), (5.0, 7));
        assert_eq!(ev.subset(["_raw"]).get("_raw"), Some(&Value::from("line")));
        assert_eq!(ev.subset(["_raw"]).len(), 1);
    }
}
