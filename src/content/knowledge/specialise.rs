//! Search-time evals specialised per value of the field they test most.
//!
//! Windows knowledge computes most CIM fields with long `case(EventCode=…)`
//! chains, so every event would walk dozens of comparisons to reach the one
//! branch its event code selects. The stanzas an event matches are known
//! before their evals run, and their evals do not set the field they test:
//! binding that field to the event's value ([`Compiled::bind`]) leaves one
//! small program per value, made on first use and shared by every reader
//! of the same [`Knowledge`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use super::Knowledge;
use crate::base::value::Value;
use crate::eval::Compiled;
use crate::functions::FnCtx;

/// Comparisons of one field with literals in a set's evals below which
/// specialising on it is not worth a program per value.
const KEY_MIN_COMPARISONS: usize = 4;
/// Programs kept per set of stanzas; past it the set's programs start over.
const PROGRAMS_MAX: usize = 4096;

/// The programs of every set of stanzas events have matched.
#[derive(Default)]
pub(crate) struct Specialised {
    sets: Mutex<HashMap<Vec<usize>, Arc<SetPrograms>>>,
}

impl std::fmt::Debug for Specialised {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Specialised")
    }
}

/// One set of stanzas (those matching some metadata): the field its evals
/// are specialised on, when one is worth it, and a program per value seen.
pub(crate) struct SetPrograms {
    key: Option<String>,
    programs: RwLock<HashMap<KeyValue, Arc<Program>>>,
}

impl SetPrograms {
    pub(crate) fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
}

/// A value of a set's key field that evals are specialised to.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) enum KeyValue {
    Absent,
    Num(u64),
    Str(String),
}

impl KeyValue {
    /// None for a value not given a program of its own (a multivalue).
    pub(crate) fn of(v: Option<&Value>) -> Option<KeyValue> {
        match v {
            None | Some(Value::Null) => Some(KeyValue::Absent),
            Some(Value::Num(n)) => Some(KeyValue::Num(n.to_bits())),
            Some(Value::Str(s)) => Some(KeyValue::Str(s.clone())),
            Some(Value::Bool(_) | Value::Multi(_)) => None,
        }
    }
}

/// A set's search-time evals with its key field bound to one value, by eval
/// group: (stanza, index in its group, expression). Evals that can only be
/// null or a boolean (neither is ever set) are left out.
pub(crate) struct Program {
    pub(crate) groups: Vec<Vec<(usize, usize, Compiled)>>,
}

impl Knowledge {
    /// The programs of a set of stanzas (indices in load order).
    pub(crate) fn set_programs(&self, stanzas: &[usize]) -> Arc<SetPrograms> {
        let mut sets = self
            .specialised
            .sets
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(s) = sets.get(stanzas) {
            return s.clone();
        }
        // `SPLEVAL_NO_SPECIALISE` turns it off, for comparing results.
        let off = std::env::var_os("SPLEVAL_NO_SPECIALISE").is_some();
        let s = Arc::new(SetPrograms {
            key: self.key_field(stanzas).filter(|_| !off),
            programs: RwLock::default(),
        });
        sets.insert(stanzas.to_vec(), s.clone());
        s
    }

    /// The set's evals for events whose key field holds `value`.
    pub(crate) fn program_for(
        &self,
        set: &SetPrograms,
        stanzas: &[usize],
        kv: &KeyValue,
        value: Option<&Value>,
        ctx: &FnCtx,
    ) -> Arc<Program> {
        let read = set.programs.read().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = read.get(kv) {
            return p.clone();
        }
        drop(read);
        let key = set.key.as_deref().unwrap_or_default();
        let bound = value.cloned().unwrap_or(Value::Null);
        let depth = stanzas
            .iter()
            .map(|&i| self.stanzas[i].eval.len())
            .max()
            .unwrap_or(0);
        let groups = (0..depth)
            .map(|g| {
                let mut list = Vec::new();
                for &i in stanzas {
                    let group = self.stanzas[i].eval.get(g).into_iter().flatten();
                    for (j, (_, c)) in group.enumerate() {
                        let b = c.bind(key, &bound, ctx);
                        if !matches!(b, Compiled::Lit(Value::Null | Value::Bool(_))) {
                            list.push((i, j, b));
                        }
                    }
                }
                list
            })
            .collect();
        let p = Arc::new(Program { groups });
        let mut write = set.programs.write().unwrap_or_else(|p| p.into_inner());
        if write.len() >= PROGRAMS_MAX {
            write.clear();
        }
        write.insert(kv.clone(), p.clone());
        p
    }

    /// The field a set's evals compare with literals most, when it is
    /// compared at least [`KEY_MIN_COMPARISONS`] times and none of the
    /// set's evals sets it (binding it is then sound for every group).
    fn key_field(&self, stanzas: &[usize]) -> Option<String> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        let mut set: Vec<&str> = Vec::new();
        for &i in stanzas {
            for (field, c) in self.stanzas[i].eval.iter().flatten() {
                set.push(field);
                let mut compared = Vec::new();
                c.compared_fields(&mut compared);
                for f in compared {
                    *counts.entry(f).or_default() += 1;
                }
            }
        }
        counts
            .into_iter()
            .filter(|(f, n)| *n >= KEY_MIN_COMPARISONS && !set.contains(f))
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            .map(|(f, _)| f.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(text: &str) -> Knowledge {
        let mut k = Knowledge::empty();
        k.add_text("test.yml", text).expect("loads");
        k
    }

    #[test]
    fn the_most_compared_field_is_the_key_unless_an_eval_sets_it() {
        let k = pack(
            "- name: a\n  sourcetype: x\n  eval:\n    f: 'case(code=1, a, code=2, b, code=3, c, code=4, d, kind=\"x\", e)'\n",
        );
        assert_eq!(k.set_programs(&[0]).key(), Some("code"));
        let k = pack(
            "- name: a\n  sourcetype: x\n  eval:\n    f: 'case(code=1, a, code=2, b, code=3, c, code=4, d)'\n    code: 'coalesce(code, 0)'\n",
        );
        assert_eq!(k.set_programs(&[0]).key(), None);
        // Too few comparisons to be worth a program per value.
        let k = pack("- name: a\n  sourcetype: x\n  eval:\n    f: 'if(code=1, a, b)'\n");
        assert_eq!(k.set_programs(&[0]).key(), None);
    }

    #[test]
    fn a_program_keeps_only_the_evals_that_can_set_a_field() {
        let k = pack(
            "- name: a\n  sourcetype: x\n  eval:\n    f: 'case(code=1, a, code=2, b, code=3, c)'\n    g: 'if(code=4, \"four\", null())'\n    h: 'coalesce(x, y)'\n",
        );
        let set = k.set_programs(&[0]);
        assert_eq!(set.key(), Some("code"));
        let ctx = FnCtx::default();
        let four = Value::Num(4.0);
        let p = k.program_for(
            &set,
            &[0],
            &KeyValue::of(Some(&four)).unwrap(),
            Some(&four),
            &ctx,
        );
        let kept: Vec<usize> = p.groups[0].iter().map(|(_, j, _)| *j).collect();
        // f is null for code 4; g is the literal "four"; h does not read code.
        assert_eq!(kept.len(), 2);
        let fields: Vec<&str> = kept
            .iter()
            .map(|&j| k.stanzas[0].eval[0][j].0.as_str())
            .collect();
        assert!(fields.contains(&"g") && fields.contains(&"h"), "{fields:?}");
        // The same value gives the same program, made once.
        let again = k.program_for(
            &set,
            &[0],
            &KeyValue::Num(4f64.to_bits()),
            Some(&four),
            &ctx,
        );
        assert!(Arc::ptr_eq(&p, &again));
    }
}
