//! Applying search-time knowledge ([`crate::content::knowledge`]) to events
//! as they are read: index-time timestamp and metadata rewrites, then
//! search-time extraction (`kv_mode`), regexes, aliases, evals and lookups,
//! in the order the content module describes.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use indexmap::IndexMap;
use regex::Regex;

use crate::base::event::Event;
use crate::base::value::Value;
use crate::content::knowledge::{Knowledge, KvMode};
use crate::eval;
use crate::functions::FnCtx;

/// (sourcetype, source, host).
type MetaKey = (String, String, String);

/// Per-reader caches (which stanzas match which metadata).
#[derive(Default)]
pub struct State {
    cache: HashMap<MetaKey, Arc<[usize]>>,
    /// The few most recent keys (an event is matched before and after its
    /// metadata rewrite), checked before the map.
    recent: Vec<(MetaKey, Arc<[usize]>)>,
}

/// What produced each field, for `--explain-fields`.
pub type Trace = Vec<(String, String)>;

pub(crate) fn note(trace: &mut Option<&mut Trace>, field: &str, label: impl FnOnce() -> String) {
    if let Some(t) = trace.as_deref_mut() {
        t.push((field.to_string(), label()));
    }
}

/// Search-time extraction from `_raw` for events read as raw text; fields the
/// event already has are kept.
pub(crate) fn kv_extract(
    ev: &mut Event,
    mode: KvMode,
    trace: &mut Option<&mut Trace>,
    label: &str,
) {
    let Some(raw) = ev
        .get("_raw")
        .and_then(|v| v.as_text())
        .map(|c| c.into_owned())
    else {
        return;
    };
    let mut set = |ev: &mut Event, k: String, v: Value| {
        if !ev.contains(&k) {
            note(trace, &k, || label.to_string());
            ev.set(k, v);
        }
    };
    match mode {
        KvMode::None => {}
        KvMode::Json => {
            let t = raw.trim();
            let start = t.find('{');
            if let Some(Ok(serde_json::Value::Object(o))) =
                start.map(|s| serde_json::from_str::<serde_json::Value>(&t[s..]))
            {
                let mut acc = IndexMap::new();
                for (k, v) in &o {
                    crate::input::json::flatten(k, v, &mut acc);
                }
                for (k, vals) in acc {
                    set(ev, k, Value::multi(vals));
                }
            }
        }
        KvMode::Xml => {
            if let Some(i) = raw.find("<Event") {
                if let Ok(fields) = crate::input::winxml::extract(&raw[i..]) {
                    for (k, vals) in fields {
                        set(
                            ev,
                            k,
                            Value::multi(vals.into_iter().map(Value::Str).collect()),
                        );
                    }
                }
            }
        }
        KvMode::Auto => {
            static KV: OnceLock<Regex> = OnceLock::new();
            let re = KV.get_or_init(|| {
                Regex::new(
                    r#"(?:^|[\s,;])([A-Za-z_][A-Za-z0-9_.]*)=(?:"([^"]*)"|'([^']*)'|([^\s,;"']*))"#,
                )
                .expect("valid kv regex")
            });
            for c in re.captures_iter(&raw) {
                let k = c[1].to_string();
                let v = c
                    .get(2)
                    .or_else(|| c.get(3))
                    .or_else(|| c.get(4))
                    .map(|m| m.as_str())
                    .unwrap_or("");
                if !v.is_empty() {
                    set(ev, k, Value::Str(v.to_string()));
                }
            }
        }
    }
}

impl Knowledge {
    pub fn state(&self) -> State {
        State::default()
    }

    /// Applies the knowledge to one event (see the module docs for the order).
    pub fn apply(&self, ev: &mut Event, raw_only: bool, state: &mut State) {
        self.apply_traced(ev, raw_only, state, None);
    }

    /// [`Knowledge::apply`], recording which rule set each field.
    pub fn apply_traced(
        &self,
        ev: &mut Event,
        raw_only: bool,
        state: &mut State,
        mut trace: Option<&mut Trace>,
    ) {
        if self.stanzas.is_empty() {
            if raw_only {
                kv_extract(ev, KvMode::Auto, &mut trace, "kv_mode auto (default)");
            }
            return;
        }
        let ctx = FnCtx::default();
        // Index time: timestamp, then metadata rewrites.
        let first = self.matching(ev, state);
        for &i in first.iter() {
            let s = &self.stanzas[i];
            if let Some(tr) = &s.timestamp {
                if let Some(t) = ev
                    .get(&tr.field)
                    .and_then(|v| v.as_text())
                    .and_then(|t| match &tr.format {
                        Some(f) => crate::time::strptime(&t, f, tr.zone),
                        None => crate::time::parse_timestamp(&t),
                    })
                {
                    ev.set("_time", Value::Num(t));
                    ev.orig_time = t;
                    note(&mut trace, "_time", || {
                        format!("{}: timestamp from {}", s.label(), tr.field)
                    });
                }
            }
        }
        let mut rewritten = false;
        for &i in first.iter() {
            let s = &self.stanzas[i];
            if s.rewrite.is_empty() {
                continue;
            }
            let vals: Vec<Option<Value>> = s
                .rewrite
                .iter()
                .map(|(_, c)| eval::eval(c, ev, &ctx).ok().filter(|v| !v.is_null()))
                .collect();
            for ((field, _), v) in s.rewrite.iter().zip(vals) {
                if let Some(v) = v {
                    let v = Value::Str(v.to_display("\n"));
                    if ev.get(field) != Some(&v) {
                        rewritten = true;
                    }
                    ev.set(field.clone(), v);
                    note(&mut trace, field, || {
                        format!("{}: rewrite {field}", s.label())
                    });
                }
            }
        }
        let matched = if rewritten {
            self.matching(ev, state)
        } else {
            first
        };
        // Search time.
        if raw_only {
            let mode = matched
                .iter()
                .filter_map(|&i| self.stanzas[i].kv_mode.map(|m| (i, m)))
                .next_back();
            let (label, mode) = match mode {
                Some((i, m)) => (format!("{}: kv_mode", self.stanzas[i].label()), m),
                None => ("kv_mode auto (default)".to_string(), KvMode::Auto),
            };
            kv_extract(ev, mode, &mut trace, &label);
        }
        for &i in matched.iter() {
            let s = &self.stanzas[i];
            for x in &s.extract {
                let Some(text) = ev
                    .get(&x.input)
                    .and_then(|v| v.as_text())
                    .map(|c| c.into_owned())
                else {
                    continue;
                };
                if let Ok(Some(caps)) = x.regex.captures(&text) {
                    for n in &x.names {
                        if let Some(m) = caps.name(n) {
                            if !m.as_str().is_empty() {
                                ev.set(n.clone(), Value::Str(m.as_str().to_string()));
                                note(&mut trace, n, || format!("{}: extract", s.label()));
                            }
                        }
                    }
                }
            }
        }
        for &i in matched.iter() {
            let s = &self.stanzas[i];
            for (to, from) in &s.alias {
                if let Some(v) = ev.get(from).cloned() {
                    ev.set(to.clone(), v);
                    note(&mut trace, to, || {
                        format!("{}: alias {to} = {from}", s.label())
                    });
                }
            }
        }
        let groups = matched
            .iter()
            .map(|&i| self.stanzas[i].eval.len())
            .max()
            .unwrap_or(0);
        let mut out: Vec<(usize, &str, Value)> = Vec::new();
        for g in 0..groups {
            out.clear();
            for &i in matched.iter() {
                let Some(group) = self.stanzas[i].eval.get(g) else {
                    continue;
                };
                for (field, c) in group {
                    if let Ok(v) = eval::eval(c, ev, &ctx) {
                        if !v.is_null() && !matches!(v, Value::Bool(_)) {
                            out.push((i, field, v));
                        }
                    }
                }
            }
            for (i, field, v) in out.drain(..) {
                ev.set(field, v);
                note(&mut trace, field, || {
                    format!("{}: eval {field}", self.stanzas[i].label())
                });
            }
        }
        self.apply_lookups(ev, &matched, &mut trace);
    }

    fn apply_lookups(&self, ev: &mut Event, matched: &[usize], trace: &mut Option<&mut Trace>) {
        for &i in matched {
            let s = &self.stanzas[i];
            for l in &s.lookup {
                let Some(v) = ev
                    .get(&l.input)
                    .and_then(|v| v.as_text())
                    .and_then(|k| l.table.get(k.as_ref()))
                    .cloned()
                else {
                    continue;
                };
                for o in &l.output {
                    ev.set(o.clone(), Value::Str(v.clone()));
                    note(trace, o, || {
                        format!("{}: lookup {o} from {}", s.label(), l.input)
                    });
                }
            }
        }
    }

    /// Indices of the stanzas matching the event's sourcetype, source and host.
    fn matching(&self, ev: &Event, state: &mut State) -> Arc<[usize]> {
        let text = |k: &str| {
            ev.get(k)
                .and_then(|v| v.as_text())
                .unwrap_or(std::borrow::Cow::Borrowed(""))
        };
        let (st, src, host) = (text("sourcetype"), text("source"), text("host"));
        // Most events of an input share their metadata: compare before allocating.
        for (k, v) in &state.recent {
            if k.0 == st && k.1 == src && k.2 == host {
                return v.clone();
            }
        }
        let (st, src, host) = (st.into_owned(), src.into_owned(), host.into_owned());
        let key = (st, src, host);
        let v = match state.cache.get(&key) {
            Some(v) => v.clone(),
            None => {
                let v: Arc<[usize]> = self
                    .stanzas
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.matches(&key.0, &key.1, &key.2))
                    .map(|(i, _)| i)
                    .collect();
                if state.cache.len() > 10_000 {
                    state.cache.clear();
                }
                state.cache.insert(key.clone(), v.clone());
                v
            }
        };
        if state.recent.len() >= 4 {
            state.recent.remove(0);
        }
        state.recent.push((key, v.clone()));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(pairs: &[(&str, &str)]) -> Event {
        let mut e = Event::new();
        for (k, v) in pairs {
            e.set(*k, Value::from(*v));
        }
        e
    }

    #[test]
    fn phases_and_parallel_evals() {
        let mut k = Knowledge::empty();
        k.add_text(
            "t.yml",
            r#"
- name: a
  sourcetype: "my:*"
  rewrite: {source: '"S:" . Channel'}
  extract: ['user=(?<user>\w+)']
  alias: {EventCode: EventID}
  eval:
    - {x: 'EventCode * 2', y: 'x'}
    - {z: 'x + 1'}
- name: b
  source: "S:*"
  eval: {y: '"from b"'}
"#,
        )
        .unwrap();
        let mut e = ev(&[
            ("sourcetype", "my:st"),
            ("Channel", "Sec"),
            ("EventID", "4"),
            ("_raw", "user=bob"),
        ]);
        let mut tr = Trace::new();
        k.apply_traced(&mut e, false, &mut k.state(), Some(&mut tr));
        let get = |k: &str| e.get(k).map(|v| v.to_display(","));
        assert_eq!(get("source").as_deref(), Some("S:Sec"));
        assert_eq!(get("user").as_deref(), Some("bob"));
        assert_eq!(get("EventCode").as_deref(), Some("4"));
        assert_eq!(get("x").as_deref(), Some("8"));
        // `y` sees no `x` (parallel), and stanza b (matched via the rewritten source) wins.
        assert_eq!(get("y").as_deref(), Some("from b"));
        assert_eq!(get("z").as_deref(), Some("9"));
        assert!(tr.iter().any(|(f, r)| f == "y" && r.contains("[b]")));
    }
}
