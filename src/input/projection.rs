//! The fields a search needs from each input event, as planned by
//! [`crate::engine::projection`]: the NDJSON reader materializes only these,
//! and [`Projection::apply`] cuts a whole event down to them.

use std::collections::HashSet;

use crate::base::event::Event;

/// The fields a search needs from each input event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Projection {
    /// Field names as the search writes them (`status.errorCode`, `tags{}`).
    pub names: HashSet<String>,
    /// `_time` (and the timestamp fields it comes from) is needed.
    pub time: bool,
    /// `_raw` is needed.
    pub raw: bool,
}

impl Projection {
    /// Whether a top-level JSON key is needed: a field with that name, or a
    /// flattened field under it (`status` for `status.errorCode`, `tags` for `tags{}`).
    pub fn wants_key(&self, key: &str) -> bool {
        if self.names.contains(key) {
            return true;
        }
        self.names.iter().any(|n| {
            n.len() > key.len()
                && n.starts_with(key)
                && matches!(n.as_bytes()[key.len()], b'.' | b'{')
        })
    }
}

impl Projection {
    /// A copy of the event with only the fields this projection needs
    /// (`names`, plus `_time` when `time` and `_raw` when `raw`), in the
    /// event's order, with the same `orig_time` and `seq`.
    pub fn apply(&self, ev: &Event) -> Event {
        let meta = [(self.time, "_time"), (self.raw, "_raw")];
        ev.subset(
            self.names
                .iter()
                .map(String::as_str)
                .chain(meta.iter().filter(|(on, _)| *on).map(|(_, n)| *n)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::value::Value;

    #[test]
    fn apply_keeps_needed_fields_in_order() {
        let mut ev = Event::new();
        ev.set("_raw", Value::from("line"));
        ev.set("b", Value::from("1"));
        ev.set("status.errorCode", Value::from("0"));
        ev.set("a", Value::from("2"));
        ev.set("_time", Value::Num(5.0));
        ev.orig_time = 5.0;
        ev.seq = 7;
        let p = Projection {
            names: ["a", "status.errorCode", "missing"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            time: true,
            raw: false,
        };
        let out = p.apply(&ev);
        let names: Vec<&str> = out.names().map(|s| s.as_str()).collect();
        assert_eq!(names, ["status.errorCode", "a", "_time"]);
        assert_eq!((out.orig_time, out.seq), (5.0, 7));
        let p = Projection {
            raw: true,
            ..Default::default()
        };
        assert_eq!(p.apply(&ev).get("_raw"), Some(&Value::from("line")));
        assert_eq!(p.apply(&ev).len(), 1);
    }
}
