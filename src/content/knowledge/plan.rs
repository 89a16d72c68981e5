//! The knowledge one search needs, planned once: only the rules that derive
//! a field the search reads (and, transitively, what those rules read), and
//! which derived fields a filter on the raw text may look through.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::{ExtractKind, Knowledge};

/// Who needs a field: the search (on every event), or the rules of these
/// stanzas (on the events they apply to).
enum Need {
    All,
    From(BTreeSet<usize>),
}

impl Need {
    fn none() -> Need {
        Need::From(BTreeSet::new())
    }

    /// Whether stanza `i`'s rules must derive the field: it may apply to an
    /// event where the field is needed.
    fn from(&self, i: usize, co: &[Vec<bool>]) -> bool {
        match self {
            Need::All => true,
            Need::From(set) => set.iter().any(|&j| co[i][j]),
        }
    }

    /// Adds stanza `i` as a reader; whether that changed anything.
    fn add(&mut self, i: usize) -> bool {
        match self {
            Need::All => false,
            Need::From(set) => set.insert(i),
        }
    }
}

/// Lookups through derived fields stop here (a cycle of aliases, or a pack
/// deeper than any real one).
const MAX_DEPTH: usize = 16;

impl Knowledge {
    /// The knowledge a search that reads `needed` requires: metadata
    /// rewrites and `kv_mode` always (they decide which stanzas apply and
    /// what a raw event holds), then every timestamp, extraction (a
    /// `format` whose names come from the text may write any field), alias,
    /// eval and lookup that writes a needed field, with what it reads added
    /// to `needed` until nothing changes. A field a rule reads is needed
    /// only from the stanzas that may apply to the same events
    /// ([`Knowledge::co_apply`]): the Palo Alto stanza's `user` reading
    /// `src_user` keeps no Windows rule that sets `src_user`. Stanzas left
    /// with nothing to do are dropped. The fields in `needed` then come out
    /// as the full knowledge would make them.
    ///
    /// `_raw` is in `needed` afterwards only when it was before: a reader
    /// that leaves it out of an event (the projecting NDJSON reader)
    /// applies the knowledge with [`Knowledge::apply_without_raw`].
    ///
    /// None when a needed rule may read any field (`searchmatch` in an
    /// eval): the search then needs whole events and all the knowledge.
    pub fn restrict(&self, needed: &mut HashSet<String>) -> Option<Knowledge> {
        let search_reads_raw = needed.contains("_raw");
        let co = self.co_apply();
        // Field → who needs it: the search (every event), or rules of these stanzas.
        let mut need: HashMap<String, Need> =
            needed.iter().map(|f| (f.clone(), Need::All)).collect();
        let mut reads = Vec::new();
        for s in &self.stanzas {
            for (_, c) in &s.rewrite {
                if !c.read_fields(&mut reads) {
                    return None;
                }
            }
            // `kv_mode` reads `_raw`, but only of events read as raw text,
            // which always carry it: it adds nothing to what is decoded.
        }
        reads.extend(["sourcetype", "source", "host"].map(String::from));
        for f in reads.drain(..) {
            need.insert(f, Need::All);
        }
        // Whether stanza i's rule writing `f` is needed.
        let wanted = |need: &HashMap<String, Need>, i: usize, f: &str| {
            need.get(f).is_some_and(|n| n.from(i, &co))
        };
        let sets = |need: &HashMap<String, Need>, i: usize, x: &super::Extract| {
            need.iter().any(|(f, n)| x.may_set(f) && n.from(i, &co))
        };
        loop {
            let mut changed = false;
            for (i, s) in self.stanzas.iter().enumerate() {
                if let Some(t) = s.timestamp.as_ref().filter(|_| wanted(&need, i, "_time")) {
                    reads.push(t.field.clone());
                }
                for x in &s.extract {
                    if sets(&need, i, x) {
                        reads.push(x.input.clone());
                    }
                }
                for (to, from) in &s.alias {
                    if wanted(&need, i, to) {
                        reads.push(from.clone());
                    }
                }
                for (f, c) in s.eval.iter().flatten() {
                    if wanted(&need, i, f) && !c.read_fields(&mut reads) {
                        return None;
                    }
                }
                for l in &s.lookup {
                    if l.output.iter().any(|o| wanted(&need, i, o)) {
                        reads.push(l.input.clone());
                    }
                }
                for f in reads.drain(..) {
                    changed |= need.entry(f).or_insert_with(Need::none).add(i);
                }
            }
            if !changed {
                break;
            }
        }
        let stanzas = self
            .stanzas
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let mut s = s.clone();
                let wanted = |f: &str| wanted(&need, i, f);
                if !wanted("_time") {
                    s.timestamp = None;
                }
                s.extract.retain(|x| sets(&need, i, x));
                s.alias.retain(|(to, _)| wanted(to));
                for g in &mut s.eval {
                    g.retain(|(f, _)| wanted(f));
                }
                s.eval.retain(|g| !g.is_empty());
                s.lookup.retain(|l| l.output.iter().any(|o| wanted(o)));
                let idle = s.timestamp.is_none()
                    && s.rewrite.is_empty()
                    && s.kv_mode.is_none()
                    && s.extract.is_empty()
                    && s.alias.is_empty()
                    && s.eval.is_empty()
                    && s.lookup.is_empty();
                s.reads_raw = s.reading_raw();
                (!idle).then_some(s)
            })
            .collect();
        needed.extend(need.into_keys());
        // `_raw` read only by rules stays out: a reader that leaves it out
        // gives it to the events whose stanzas read it
        // ([`Knowledge::apply_without_raw`]), so a search that does not read
        // it does not decode it for every event.
        if !search_reads_raw {
            needed.remove("_raw");
        }
        Some(Knowledge {
            stanzas,
            ..Default::default()
        })
    }

    /// For each pair of stanzas, whether both may apply to one event: not
    /// when both select on the sourcetype (or source, or host) with no
    /// pattern in common and no stanza rewrites that key.
    pub(crate) fn co_apply(&self) -> Vec<Vec<bool>> {
        let rewritten = |k: &str| {
            self.stanzas
                .iter()
                .any(|s| s.rewrite.iter().any(|(f, _)| f == k))
        };
        type Selector = fn(&super::Stanza) -> &[super::Pat];
        let keys: [(bool, Selector); 3] = [
            (rewritten("sourcetype"), |s| &s.sourcetype),
            (rewritten("source"), |s| &s.source),
            (rewritten("host"), |s| &s.host),
        ];
        let disjoint = |a: &super::Stanza, b: &super::Stanza| {
            keys.iter().any(|(moved, get)| {
                let (pa, pb) = (get(a), get(b));
                !moved
                    && !pa.is_empty()
                    && !pb.is_empty()
                    && !pa.iter().any(|x| pb.iter().any(|y| x.overlaps(y)))
            })
        };
        self.stanzas
            .iter()
            .map(|a| self.stanzas.iter().map(|b| !disjoint(a, b)).collect())
            .collect()
    }

    /// Whether a record whose text does not contain `needle` (lower-cased;
    /// compared ASCII case-insensitively) surely gives `field` no value
    /// containing it: the field is read from the record as it is, or every
    /// rule that may set it cuts its value from such fields (aliases,
    /// extractions, and evals that [`crate::eval::Compiled::text_sources`]
    /// accepts). Metadata rewrites, timestamps and lookups do not qualify.
    pub fn text_visible(&self, field: &str, needle: &str) -> bool {
        self.visible(field, needle, 0)
    }

    fn visible(&self, field: &str, needle: &str, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        let deeper = |f: &str| self.visible(f, needle, depth + 1);
        for s in &self.stanzas {
            if (field == "_time" && s.timestamp.is_some())
                || s.rewrite.iter().any(|(f, _)| f == field)
                || s.lookup.iter().any(|l| l.output.iter().any(|o| o == field))
            {
                return false;
            }
            for x in &s.extract {
                if !x.may_set(field) {
                    continue;
                }
                // A regex group or a delimited value is a piece of the text
                // read (a delimited value loses the quotes around it and
                // the doubling of quotes in it); a format's value is when it
                // is one group.
                let verbatim = match &x.kind {
                    ExtractKind::Regex { .. } => true,
                    ExtractKind::Delims { .. } => !needle.contains('"'),
                    ExtractKind::Format { value, .. } => value.single_group(),
                };
                if !verbatim || !deeper(&x.input) {
                    return false;
                }
            }
            for (to, from) in &s.alias {
                if to == field && !deeper(from) {
                    return false;
                }
            }
            for (f, c) in s.eval.iter().flatten() {
                if f != field {
                    continue;
                }
                // An eval reading the field it sets (`x = upper(x)`) reads
                // what the record or the other rules for it gave: those are
                // all looked at here.
                let mut from = Vec::new();
                if !c.text_sources(needle, &mut from)
                    || !from.iter().all(|g| g == field || deeper(g))
                {
                    return false;
                }
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack() -> Knowledge {
        let mut k = Knowledge::empty();
        k.add_text(
            "t.yml",
            r#"
- name: a
  sourcetype: st
  timestamp: {field: ts}
  rewrite: {source: '"S:" . Channel'}
  extract: [{in: Hashes, regex: 'MD5=(?<MD5>\w+)'}]
  alias: {EventCode: EventID, Computer: Hostname}
  eval:
    - {path: 'coalesce(Image, NewProcessName)', vendor: '"Microsoft"', label: 'Image . "!"'}
    - {name: 'replace(path, "^.*[\\\\/]", "")'}
  lookup:
    - {input: EventCode, output: [signature], table: {"1": "Process Create"}}
- name: b
  source: "S:*"
  eval: {other: 'Computer'}
"#,
        )
        .unwrap();
        k
    }

    fn set(names: &[&str]) -> HashSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn restrict_keeps_what_derives_the_needed_fields() {
        let k = pack();
        let mut needed = set(&["name", "signature"]);
        let r = k.restrict(&mut needed).unwrap();
        for f in [
            "Image",
            "NewProcessName",
            "path",
            "EventID",
            "EventCode",
            "Channel",
        ] {
            assert!(needed.contains(f), "{f} needed: {needed:?}");
        }
        for f in ["Hostname", "Hashes", "vendor", "label", "other", "ts"] {
            assert!(!needed.contains(f), "{f} not needed");
        }
        // Stanza b derives nothing needed: gone. Stanza a keeps only its
        // rewrite, one alias, two evals and the lookup (no `_time`: no timestamp).
        assert_eq!(r.stanzas.len(), 1);
        let a = &r.stanzas[0];
        assert!(a.timestamp.is_none() && a.rewrite.len() == 1 && a.extract.is_empty());
        assert_eq!(a.alias, [("EventCode".to_string(), "EventID".to_string())]);
        assert_eq!(a.eval.iter().flatten().count(), 2);
        assert_eq!(a.lookup.len(), 1);
        let mut needed = set(&["_time"]);
        let r = k.restrict(&mut needed).unwrap();
        assert!(needed.contains("ts") && r.stanzas[0].timestamp.is_some());
    }

    #[test]
    fn restricted_knowledge_derives_the_same_needed_fields() {
        use crate::base::event::Event;
        use crate::base::value::Value;
        let k = pack();
        let mut needed = set(&["name", "signature", "other"]);
        let r = k.restrict(&mut needed).unwrap();
        let mut ev = Event::new();
        for (f, v) in [
            ("sourcetype", "st"),
            ("Channel", "Sec"),
            ("Image", "C:\\x\\whoami.exe"),
            ("EventID", "1"),
            ("Hostname", "h1"),
            ("Hashes", "MD5=ab"),
        ] {
            ev.set(f, Value::from(v));
        }
        let (mut full, mut part) = (ev.clone(), ev);
        k.apply(&mut full, false, &mut k.state());
        r.apply(&mut part, false, &mut r.state());
        for f in &needed {
            assert_eq!(full.get(f), part.get(f), "{f}");
        }
        assert_eq!(part.get("name"), Some(&Value::from("whoami.exe")));
        assert_eq!(part.get("MD5"), None, "not needed, not derived");
    }

    #[test]
    fn visibility_through_derivations() {
        let k = pack();
        assert!(k.text_visible("Image", "whoami.exe"), "read as it is");
        assert!(k.text_visible("name", "whoami.exe"), "a suffix of Image");
        assert!(k.text_visible("MD5", "ab"), "extracted from Hashes");
        assert!(k.text_visible("other", "h1"), "alias of an alias");
        assert!(!k.text_visible("label", "whoami"), "a concatenation");
        assert!(
            !k.text_visible("vendor", "microsoft"),
            "the literal holds it"
        );
        assert!(
            k.text_visible("vendor", "whoami"),
            "the literal cannot hold it"
        );
        assert!(!k.text_visible("signature", "process"), "from a lookup");
        assert!(!k.text_visible("source", "s:"), "a rewrite");
    }

    #[test]
    fn text_extractions_in_plans() {
        let mut k = Knowledge::empty();
        k.add_text(
            "t.yml",
            r#"
- name: text
  sourcetype: text
  kv_mode: none
  timestamp: {prefix: 'at=', format: '%s'}
  extract:
    - {delims: ',', fields: [first, second]}
    - {regex: '(\w+)=(?:"([^"]*)"|(\S+))', format: '$1::$2$3'}
    - {regex: '(\w+):(\S+)', format: '$1::$2'}
    - {in: second, regex: 'u=(\w+)', format: 'user::$1'}
  eval: {label: 'first . "!"'}
"#,
        )
        .unwrap();
        // Names from the text: those rules may set any field, so they stay.
        let mut needed = set(&["label"]);
        let r = k.restrict(&mut needed).unwrap();
        assert_eq!(
            r.stanzas[0].extract.len(),
            3,
            "delims (first) and both dynamic formats"
        );
        assert!(!needed.contains("second"));
        assert!(r.stanzas[0].timestamp.is_none());
        // Rules read `_raw`, the search does not: `_raw` stays out of
        // `needed`, and the stanza says its events need it.
        assert!(!needed.contains("_raw") && r.stanzas[0].reads_raw);
        let mut needed = set(&["_time", "_raw"]);
        k.restrict(&mut needed).unwrap();
        assert!(needed.contains("_raw"), "the search reads it");
        let mut plain = Knowledge::empty();
        plain
            .add_text(
                "p.yml",
                "- {name: p, sourcetype: p, kv_mode: none, alias: {a: b}}",
            )
            .unwrap();
        assert!(!plain.stanzas[0].reads_raw, "kv_mode alone");
        // The fixed name `user` is set from `second`, cut from `_raw`.
        let mut needed = set(&["user"]);
        let r = k.restrict(&mut needed).unwrap();
        assert!(needed.contains("second") && r.stanzas[0].reads_raw);
        let mut needed = set(&["nothing_derives_this"]);
        let r = k.restrict(&mut needed).unwrap();
        assert!(r.stanzas[0].reads_raw, "the dynamic formats stay");
        assert!(!k.text_visible("anything", "abc"), "`$2$3` joins groups");
        assert!(
            !k.text_visible("first", "abc"),
            "the joining format may set it too"
        );
        let mut d = Knowledge::empty();
        d.add_text(
            "d.yml",
            "- {name: d, sourcetype: d, extract: [{delims: ',', fields: [first]}]}",
        )
        .unwrap();
        assert!(d.text_visible("first", "abc"), "a delimited value");
        assert!(
            !d.text_visible("first", "a\"b"),
            "quotes may be doubled or dropped"
        );
        assert!(!k.text_visible("_time", "2024"));
        let mut one = Knowledge::empty();
        one.add_text(
            "o.yml",
            "- {name: o, sourcetype: o, extract: [{regex: '(\\w+):(\\S+)', format: '$1::$2'}]}",
        )
        .unwrap();
        assert!(
            one.text_visible("anything", "abc"),
            "one group is a piece of the text"
        );
        let mut own = Knowledge::empty();
        own.add_text(
            "s.yml",
            "- {name: s, sourcetype: s, eval: {m: 'upper(m)', n: 'n . \"x\"'}}",
        )
        .unwrap();
        assert!(own.text_visible("m", "post"), "an eval of the field itself");
        assert!(!own.text_visible("n", "post"), "still a concatenation");
    }

    #[test]
    fn reads_are_needed_only_where_the_reader_applies() {
        let pack = |extra: &str| {
            let mut k = Knowledge::empty();
            k.add_text(
                "t.yml",
                &format!(
                    r#"
- name: pan
  sourcetype: pan:threat
  eval: {{user: 'coalesce(src_user, "unknown")'}}
- name: win
  sourcetype: ["XmlWinEventLog:*", windows:json]
  alias: {{src_user: SubjectUserName}}
- name: win-any
  source: "XmlWinEventLog:*"
  alias: {{src_user: Caller}}
- name: pan-wild
  sourcetype: "pan:*"
  alias: {{src_user: suser}}
{extra}"#
                ),
            )
            .unwrap();
            k
        };
        let k = pack("");
        let mut needed = set(&["user"]);
        let r = k.restrict(&mut needed).unwrap();
        let names: Vec<&str> = r.stanzas.iter().map(|s| s.name.as_str()).collect();
        // win selects other sourcetypes; win-any selects on the source
        // only, so it may apply to pan:threat events; pan:* overlaps.
        assert_eq!(names, ["pan", "win-any", "pan-wild"]);
        assert!(needed.contains("src_user") && needed.contains("suser"));
        assert!(!needed.contains("SubjectUserName"));
        // The search reads src_user itself: every stanza's rule for it.
        let mut needed = set(&["user", "src_user"]);
        assert_eq!(k.restrict(&mut needed).unwrap().stanzas.len(), 4);
        // A sourcetype rewrite anywhere: sourcetypes no longer tell stanzas apart.
        let k = pack("- {name: re, source: x, rewrite: {sourcetype: '\"pan:threat\"'}}");
        let mut needed = set(&["user"]);
        let r = k.restrict(&mut needed).unwrap();
        assert!(r.stanzas.iter().any(|s| s.name == "win"));
    }
}
