//! The knowledge one search needs, planned once: only the rules that derive
//! a field the search reads (and, transitively, what those rules read), and
//! which derived fields a filter on the raw text may look through.

use std::collections::HashSet;

use super::{ExtractKind, Knowledge};

/// Lookups through derived fields stop here (a cycle of aliases, or a pack
/// deeper than any real one).
const MAX_DEPTH: usize = 16;

impl Knowledge {
    /// The knowledge a search that reads `needed` requires: metadata
    /// rewrites and `kv_mode` always (they decide which stanzas apply and
    /// what a raw event holds), then every timestamp, extraction (a
    /// `format` whose names come from the text may write any field), alias,
    /// eval and lookup that writes a needed field, with what it reads added to `needed` until nothing
    /// changes. Stanzas left with nothing to do are dropped. The fields in
    /// `needed` then come out as the full knowledge would make them.
    ///
    /// `_raw` is in `needed` afterwards only when it was before: a reader
    /// that leaves it out of an event (the projecting NDJSON reader)
    /// applies the knowledge with [`Knowledge::apply_without_raw`].
    ///
    /// None when a needed rule may read any field (`searchmatch` in an
    /// eval): the search then needs whole events and all the knowledge.
    pub fn restrict(&self, needed: &mut HashSet<String>) -> Option<Knowledge> {
        let search_reads_raw = needed.contains("_raw");
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
        needed.extend(reads.drain(..));
        needed.extend(["sourcetype", "source", "host"].map(String::from));
        loop {
            let before = needed.len();
            for s in &self.stanzas {
                if let Some(t) = s.timestamp.as_ref().filter(|_| needed.contains("_time")) {
                    reads.push(t.field.clone());
                }
                for x in &s.extract {
                    if x.sets_any(needed) {
                        reads.push(x.input.clone());
                    }
                }
                for (to, from) in &s.alias {
                    if needed.contains(to) {
                        reads.push(from.clone());
                    }
                }
                for (f, c) in s.eval.iter().flatten() {
                    if needed.contains(f) && !c.read_fields(&mut reads) {
                        return None;
                    }
                }
                for l in &s.lookup {
                    if l.output.iter().any(|o| needed.contains(o)) {
                        reads.push(l.input.clone());
                    }
                }
            }
            needed.extend(reads.drain(..));
            if needed.len() == before {
                break;
            }
        }
        let stanzas = self
            .stanzas
            .iter()
            .filter_map(|s| {
                let mut s = s.clone();
                if !needed.contains("_time") {
                    s.timestamp = None;
                }
                s.extract.retain(|x| x.sets_any(needed));
                s.alias.retain(|(to, _)| needed.contains(to));
                for g in &mut s.eval {
                    g.retain(|(f, _)| needed.contains(f));
                }
                s.eval.retain(|g| !g.is_empty());
                s.lookup
                    .retain(|l| l.output.iter().any(|o| needed.contains(o)));
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
        // `_raw` read only by rules stays out: a reader that leaves it out
        // gives it to the events whose stanzas read it
        // ([`Knowledge::apply_without_raw`]), so a search that does not read
        // it does not decode it for every event.
        if !search_reads_raw {
            needed.remove("_raw");
        }
        Some(Knowledge { stanzas })
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
                let mut from = Vec::new();
                if !c.text_sources(needle, &mut from) || !from.iter().all(|f| deeper(f)) {
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
    }
}
