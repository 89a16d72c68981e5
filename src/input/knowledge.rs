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
use crate::content::knowledge::specialise::{KeyValue, Program, SetPrograms};
use crate::content::knowledge::{Extract, ExtractKind, Knowledge, KvMode, TimeRule};
use crate::eval;
use crate::functions::FnCtx;

/// (sourcetype, source, host).
type MetaKey = (String, String, String);

/// Per-reader caches (which stanzas match which metadata, and their evals
/// specialised per value of the field they test most), and the clock
/// timestamps without a year or a date are read against.
#[derive(Default)]
pub struct State {
    cache: HashMap<MetaKey, Arc<Matched>>,
    /// The few most recent keys (an event is matched before and after its
    /// metadata rewrite), checked before the map.
    recent: Vec<(MetaKey, Arc<Matched>)>,
    /// Fixed by [`State::set_now`] (`--now`); else the wall clock, read once.
    now: Option<f64>,
    /// Numbers the [`Matched`] sets, so a program is never taken for another set's.
    sets: u64,
    /// The programs this reader used, by set and key value: the shared
    /// ones ([`SetPrograms`]) are behind a lock.
    programs: HashMap<(u64, KeyValue), Arc<Program>>,
}

/// Programs a reader keeps at hand; past it they are looked up again.
const LOCAL_PROGRAMS: usize = 4096;

/// The stanzas matching some metadata, in order, and their specialised evals.
struct Matched {
    id: u64,
    stanzas: Vec<usize>,
    programs: Arc<SetPrograms>,
}

impl std::ops::Deref for Matched {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        &self.stanzas
    }
}

impl State {
    /// Reads timestamps that lack a year or a date as of `now` (epoch
    /// seconds) instead of the wall clock.
    pub fn set_now(&mut self, now: Option<f64>) {
        if now.is_some() {
            self.now = now;
        }
    }

    fn now(&mut self) -> f64 {
        *self.now.get_or_insert_with(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0)
        })
    }
}

/// Splunk's `MAX_DAYS_HENCE` default: a time without a year that would be
/// further ahead than this is taken from the year before.
const DAYS_HENCE: f64 = 2.0 * 86_400.0;

/// The time a timestamp rule reads from `text`: after the prefix's first
/// match (none: no time), at most `lookahead` characters, parsed with the
/// format (a missing year or date comes from `now`, a year earlier when
/// that would put the time more than two days ahead) or auto-detected.
pub(crate) fn read_time(tr: &TimeRule, text: &str, now: f64) -> Option<f64> {
    let start = match &tr.prefix {
        Some(re) => re.find(text).ok()??.end(),
        None => 0,
    };
    let rest = &text[start..];
    let end = rest
        .char_indices()
        .nth(tr.lookahead)
        .map_or(rest.len(), |(i, _)| i);
    let t = &rest[..end];
    match &tr.format {
        None => crate::time::parse_timestamp(t),
        Some(f) => {
            let v = crate::time::strptime_at(t, f, tr.zone, now)?;
            if v > now + DAYS_HENCE {
                let year_ago = crate::time::strptime_at(t, f, tr.zone, now - 366.0 * 86_400.0)?;
                if year_ago < v {
                    return Some(year_ago);
                }
            }
            Some(v)
        }
    }
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

/// Applies one extraction rule to the event (see [`ExtractKind`]).
fn extract(
    ev: &mut Event,
    x: &Extract,
    trace: &mut Option<&mut Trace>,
    label: &dyn Fn() -> String,
) {
    let Some(text) = ev
        .get(&x.input)
        .and_then(|v| v.as_text())
        .map(|c| c.into_owned())
    else {
        return;
    };
    match &x.kind {
        ExtractKind::Regex { regex, names } => {
            if let Ok(Some(caps)) = regex.captures(&text) {
                for n in names {
                    if let Some(m) = caps.name(n).filter(|m| !m.as_str().is_empty()) {
                        ev.set(n.clone(), Value::Str(m.as_str().to_string()));
                        note(trace, n, || format!("{}: extract", label()));
                    }
                }
            }
        }
        ExtractKind::Delims { delims, fields } => {
            let values = crate::content::knowledge::split_delimited(&text, delims);
            for (name, v) in fields.iter().zip(values) {
                if !name.is_empty() && !v.is_empty() {
                    ev.set(name.clone(), Value::Str(v.into_owned()));
                    note(trace, name, || format!("{}: extract (delims)", label()));
                }
            }
        }
        ExtractKind::Format {
            regex,
            name,
            value,
            mv_add,
            clean_keys,
        } => {
            // Names set by this rule in this text, in order, with their values.
            let mut found: IndexMap<String, Vec<Value>> = IndexMap::new();
            for caps in regex.captures_iter(&text) {
                let Ok(caps) = caps else { break };
                let mut k = name.expand(&caps);
                if *clean_keys {
                    k = crate::content::knowledge::clean_key(&k);
                }
                let v = value.expand(&caps);
                if k.is_empty() || k.starts_with('_') || v.is_empty() {
                    continue;
                }
                let vals = found.entry(k).or_default();
                if vals.is_empty() || *mv_add {
                    vals.push(Value::Str(v));
                }
            }
            for (k, vals) in found {
                note(trace, &k, || format!("{}: extract (format)", label()));
                ev.set(k, Value::multi(vals));
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

    /// [`Knowledge::apply`] to an event read without `_raw` (a projected
    /// one, see [`Knowledge::restrict`]): when a stanza it matches reads
    /// `_raw`, `raw` gives it first.
    pub fn apply_without_raw(&self, ev: &mut Event, state: &mut State, raw: &dyn Fn() -> Value) {
        self.apply_inner(ev, false, state, None, Some(raw));
    }

    /// [`Knowledge::apply`], recording which rule set each field.
    pub fn apply_traced(
        &self,
        ev: &mut Event,
        raw_only: bool,
        state: &mut State,
        trace: Option<&mut Trace>,
    ) {
        self.apply_inner(ev, raw_only, state, trace, None);
    }

    fn apply_inner(
        &self,
        ev: &mut Event,
        raw_only: bool,
        state: &mut State,
        mut trace: Option<&mut Trace>,
        raw: Option<&dyn Fn() -> Value>,
    ) {
        if self.stanzas.is_empty() {
            if raw_only {
                kv_extract(ev, KvMode::Auto, &mut trace, "kv_mode auto (default)");
            }
            return;
        }
        // `_raw` for the stanzas matched before and after the rewrites.
        let give_raw = |ev: &mut Event, matched: &[usize]| {
            if let Some(raw) = raw {
                if matched.iter().any(|&i| self.stanzas[i].reads_raw) && !ev.contains("_raw") {
                    ev.set("_raw", raw());
                }
            }
        };
        let ctx = FnCtx::default();
        // Index time: timestamp, then metadata rewrites.
        let first = self.matching(ev, state);
        give_raw(ev, &first);
        for &i in first.iter() {
            let s = &self.stanzas[i];
            if let Some(tr) = &s.timestamp {
                let now = state.now();
                if let Some(t) = ev
                    .get(&tr.field)
                    .and_then(|v| v.as_text())
                    .and_then(|t| read_time(tr, &t, now))
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
                    let v = match v {
                        Value::Str(_) => v,
                        other => Value::Str(other.to_display("\n")),
                    };
                    if ev.get(field) != Some(&v) {
                        rewritten = true;
                    }
                    ev.set_named(field, v);
                    note(&mut trace, field, || {
                        format!("{}: rewrite {field}", s.label())
                    });
                }
            }
        }
        let matched = if rewritten {
            let m = self.matching(ev, state);
            give_raw(ev, &m);
            m
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
                extract(ev, x, &mut trace, &|| s.label());
            }
        }
        for &i in matched.iter() {
            let s = &self.stanzas[i];
            for (to, from) in &s.alias {
                if let Some(v) = ev.get(from).cloned() {
                    ev.set_named(to, v);
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
        let program = self.program(&matched, ev, state, &ctx);
        let mut out: Vec<(usize, &str, Value)> = Vec::new();
        for g in 0..groups {
            out.clear();
            let mut keep = |i: usize, field, v: crate::base::diag::Result<Value>| {
                if let Ok(v) = v {
                    if !v.is_null() && !matches!(v, Value::Bool(_)) {
                        out.push((i, field, v));
                    }
                }
            };
            match &program {
                Some(p) => {
                    for (i, j, c) in &p.groups[g] {
                        let field = &self.stanzas[*i].eval[g][*j].0;
                        keep(*i, field, eval::eval(c, ev, &ctx));
                    }
                }
                None => {
                    for &i in matched.iter() {
                        let Some(group) = self.stanzas[i].eval.get(g) else {
                            continue;
                        };
                        for (field, c) in group {
                            keep(i, field, eval::eval(c, ev, &ctx));
                        }
                    }
                }
            }
            for (i, field, v) in out.drain(..) {
                ev.set_named(field, v);
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

    /// The matched set's evals specialised to the event's value of the
    /// set's key field; None when the set has no key or the value is a
    /// multivalue.
    fn program(
        &self,
        matched: &Matched,
        ev: &Event,
        state: &mut State,
        ctx: &FnCtx,
    ) -> Option<Arc<Program>> {
        let value = ev.get(matched.programs.key()?);
        let slot = (matched.id, KeyValue::of(value)?);
        if let Some(p) = state.programs.get(&slot) {
            return Some(p.clone());
        }
        let p = self.program_for(&matched.programs, &matched.stanzas, &slot.1, value, ctx);
        if state.programs.len() >= LOCAL_PROGRAMS {
            state.programs.clear();
        }
        state.programs.insert(slot, p.clone());
        Some(p)
    }

    /// The stanzas matching the event's sourcetype, source and host.
    fn matching(&self, ev: &Event, state: &mut State) -> Arc<Matched> {
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
                let stanzas: Vec<usize> = self
                    .stanzas
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.matches(&key.0, &key.1, &key.2))
                    .map(|(i, _)| i)
                    .collect();
                state.sets += 1;
                let v = Arc::new(Matched {
                    id: state.sets,
                    programs: self.set_programs(&stanzas),
                    stanzas,
                });
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

    #[test]
    fn timestamps_after_a_prefix_and_without_a_year() {
        let mut k = Knowledge::empty();
        k.add_text(
            "t.yml",
            r#"
- name: audit
  sourcetype: audit
  timestamp: {prefix: 'msg=audit\(', format: '%s.%3N', lookahead: 14}
- name: syslog
  sourcetype: syslog
  timestamp: {field: _raw, format: '%b %d %H:%M:%S'}
- name: clock
  sourcetype: clock
  timestamp: {field: _raw, format: '%H:%M:%S'}
"#,
        )
        .unwrap();
        let time = |st: &str, raw: &str, now: f64| {
            let mut e = ev(&[("sourcetype", st), ("_raw", raw)]);
            let mut state = k.state();
            state.set_now(Some(now));
            k.apply(&mut e, true, &mut state);
            e.get("_time").and_then(|v| v.as_num())
        };
        // 2024-08-07T15:31:24.257Z; the serial after `:` is not read.
        assert_eq!(
            time(
                "audit",
                "type=EXECVE msg=audit(1723044684.257:15795): argc=3",
                0.0
            ),
            Some(1723044684.257)
        );
        assert_eq!(time("audit", "type=EXECVE no audit stamp", 0.0), None);
        // 2024-06-01T00:00:00Z as now: May 27 is this year's, 09:28:36 UTC.
        let june = 1717200000.0;
        assert_eq!(
            time("syslog", "May 27 09:28:36 h sshd[1]: x", june),
            Some(1716802116.0)
        );
        // Dec 31 would be seven months ahead: last year's (2023-12-31T23:59:59Z).
        assert_eq!(
            time("syslog", "Dec 31 23:59:59 h x", june),
            Some(1704067199.0)
        );
        // Jun 2 is one day ahead: still this year.
        assert_eq!(
            time("syslog", "Jun  2 00:00:00 h x", june),
            Some(1717286400.0)
        );
        // A time of day is on the day of now.
        assert_eq!(
            time("clock", "12:18:18: x", june + 10.0),
            Some(june + 44298.0)
        );
    }

    #[test]
    fn format_and_delims_extractions() {
        let mut k = Knowledge::empty();
        k.add_text(
            "t.yml",
            r#"
- name: kv
  sourcetype: kv
  kv_mode: none
  extract:
    - {regex: '(\w+)=(?:"([^"]*)"|(\S+))', format: '$1::$2$3'}
    - {regex: '(\w+)@(\S+)', format: 'at_$1::$2', mv_add: true}
    - {regex: 'x(\d)=(\w+)', format: '$1-$1::$2'}
    - {regex: '([\w-]+)#(\S+)', format: '$1::$2', clean_keys: false}
- name: csv
  sourcetype: csv
  extract:
    - {delims: ',', fields: [first, '', third, fourth, fifth]}
    - {in: third, regex: '^(?<third_head>\w)'}
"#,
        )
        .unwrap();
        let mut e = ev(&[
            ("sourcetype", "kv"),
            (
                "_raw",
                r#"a=1 b="x y" a=2 c= u@h1 u@h2 x1=q _raw#zap k-1#v"#,
            ),
        ]);
        k.apply(&mut e, true, &mut k.state());
        let get = |e: &Event, k: &str| e.get(k).map(|v| v.to_display(","));
        assert_eq!(get(&e, "a").as_deref(), Some("1"), "first value stays");
        assert_eq!(get(&e, "b").as_deref(), Some("x y"));
        assert_eq!(get(&e, "c"), None, "empty values are not set");
        assert_eq!(get(&e, "at_u").as_deref(), Some("h1,h2"), "mv_add");
        // `1-1` cleaned: `-` becomes `_`, leading digits and `_` go.
        assert_eq!(get(&e, "1"), None);
        assert_eq!(get(&e, "x1").as_deref(), Some("q"));
        assert!(
            get(&e, "_raw").unwrap().starts_with("a=1"),
            "`_` names are not set"
        );
        assert_eq!(get(&e, "k-1").as_deref(), Some("v"), "clean_keys: false");
        let mut e = ev(&[("sourcetype", "csv"), ("_raw", r#"1,skip,"a,b",,x"#)]);
        k.apply(&mut e, true, &mut k.state());
        assert_eq!(get(&e, "first").as_deref(), Some("1"));
        assert_eq!(get(&e, "third").as_deref(), Some("a,b"));
        assert_eq!(get(&e, "fourth"), None);
        assert_eq!(get(&e, "fifth").as_deref(), Some("x"));
        assert_eq!(
            get(&e, "third_head").as_deref(),
            Some("a"),
            "reads an earlier extraction"
        );
        assert_eq!(get(&e, "skip"), None, "an empty name skips its value");
    }

    #[test]
    fn raw_only_for_the_stanzas_that_read_it() {
        let mut k = Knowledge::empty();
        k.add_text(
            "t.yml",
            r#"
- name: route
  sourcetype: json
  rewrite: {source: '"S:" . Channel'}
- name: text
  source: "S:audit"
  extract: ['comm=(?<comm>\w+)']
- name: fields
  sourcetype: other
  alias: {b: a}
"#,
        )
        .unwrap();
        let calls = std::cell::Cell::new(0);
        let raw = || {
            calls.set(calls.get() + 1);
            Value::from("type=X comm=ls")
        };
        // Matched only after the rewrite.
        let mut e = ev(&[("sourcetype", "json"), ("Channel", "audit")]);
        k.apply_without_raw(&mut e, &mut k.state(), &raw);
        assert_eq!(e.get("comm"), Some(&Value::from("ls")));
        assert_eq!(calls.get(), 1);
        // No stanza it matches reads `_raw`: not asked for.
        for st in [("json", "other"), ("other", "x")] {
            let mut e = ev(&[("sourcetype", st.0), ("Channel", st.1), ("a", "1")]);
            k.apply_without_raw(&mut e, &mut k.state(), &raw);
            assert_eq!(e.get("_raw"), None);
        }
        assert_eq!(calls.get(), 1);
    }
}
