//! `run --explain-fields`: the first event with the origin of each field.

use indexmap::IndexMap;
use std::path::Path;

use super::source::{read_stream, Source};
use super::{InputMeta, Item, Meta};
use crate::base::diag::Result;

/// The first event of the sources with, for each field, what produced it:
/// the input, the metadata (`--sourcetype`, the file name, …) or a knowledge
/// rule (the last one that set it). Rows are (field, value, origin).
pub fn explain_first(
    sources: &[Source],
    meta: &Meta,
) -> Result<Option<Vec<(String, String, String)>>> {
    let knowledge = meta.knowledge();
    let mut state = knowledge.state();
    state.set_now(meta.now);
    for src in sources {
        let (src, fmeta) = src.split_meta();
        let inputs = src.inputs(&mut 0)?;
        for (name, reader, path) in inputs {
            let mut found = None;
            read_stream(reader, &name, path.as_deref(), &mut |item| {
                let Item::Event {
                    mut ev, raw_only, ..
                } = item
                else {
                    return Ok(true);
                };
                let short = Path::new(&name)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| name.clone());
                let mut origin: IndexMap<String, String> = ev
                    .names()
                    .map(|n| (n.to_string(), format!("input ({short})")))
                    .collect();
                InputMeta::new(fmeta, meta, &name).fill(&mut ev, &|_| true);
                for n in ev.names() {
                    if !origin.contains_key(n.as_str()) {
                        let how = match n.as_str() {
                            "source" if meta.source.is_none() => "metadata (the file name)".into(),
                            other => format!("metadata (--{other})"),
                        };
                        origin.insert(n.to_string(), how);
                    }
                }
                let mut trace = Vec::new();
                knowledge.apply_traced(&mut ev, raw_only, &mut state, Some(&mut trace));
                for (f, rule) in trace {
                    origin.insert(f, rule);
                }
                let rows = ev
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.to_string(),
                            v.to_display(" | "),
                            origin
                                .get(k.as_str())
                                .cloned()
                                .unwrap_or_else(|| "input".into()),
                        )
                    })
                    .collect::<Vec<_>>();
                found = Some(rows);
                Ok(false)
            })?;
            if found.is_some() {
                return Ok(found);
            }
        }
    }
    Ok(None)
}
