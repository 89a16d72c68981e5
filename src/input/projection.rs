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
    fn apply_adds_time_and_raw_only_when_asked() {
        let mut ev = Event::new();
        ev.set("_raw", Value::from("line"));
        ev.set("a", Value::from("2"));
        ev.set("_time", Value::Num(5.0));
        let names = |p: &Projection| -> Vec<String> {
            p.apply(&ev).names().map(|n| n.to_string()).collect()
        };
        let mut p = Projection {
            names: ["a".to_string()].into_iter().collect(),
            ..Default::default()
        };
        assert_eq!(names(&p), ["a"]);
        p.time = true;
        assert_eq!(names(&p), ["a", "_time"]);
        p.raw = true;
        assert_eq!(names(&p), ["_raw", "a", "_time"]);
    }
}
