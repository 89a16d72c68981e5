//! Splunk's JSON paths (`cities{}.Bridges{0}.name`): parsing, selecting the
//! nodes a path names, and setting a value at a path.

use serde_json::{Map, Value as J};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Seg {
    Key(String),
    Index(i64),
    All,
}

/// Parses `a.b{0}.c{}`; `{0}` or `{}` may also start the path (the document
/// itself is the array). The empty path is the document itself.
pub(crate) fn parse_path(path: &str) -> Result<Vec<Seg>, String> {
    let mut segs = Vec::new();
    if path.is_empty() {
        return Ok(segs);
    }
    for part in path.split('.') {
        let (name, mut rest) = match part.find('{') {
            Some(i) => part.split_at(i),
            None => (part, ""),
        };
        if !name.is_empty() || rest.is_empty() {
            segs.push(Seg::Key(name.to_string()));
        }
        while !rest.is_empty() {
            let close = rest
                .find('}')
                .filter(|_| rest.starts_with('{'))
                .ok_or_else(|| format!("invalid JSON path {path:?}"))?;
            let inner = rest[1..close].trim();
            if inner.is_empty() {
                segs.push(Seg::All);
            } else {
                let i = inner
                    .parse::<i64>()
                    .map_err(|_| format!("invalid JSON path {path:?}"))?;
                segs.push(Seg::Index(i));
            }
            rest = &rest[close + 1..];
        }
    }
    Ok(segs)
}

pub(crate) fn array_index(len: usize, i: i64) -> Option<usize> {
    let len = len as i64;
    let i = if i < 0 { i + len } else { i };
    (0..len).contains(&i).then_some(i as usize)
}

/// Collects the nodes a path selects. `expanded` is set when a `{}` ran over
/// an actual array (the result is then a list even with one match). `{}` on
/// anything other than an array selects that value itself.
pub(crate) fn select<'a>(node: &'a J, segs: &[Seg], out: &mut Vec<&'a J>, expanded: &mut bool) {
    let Some((seg, rest)) = segs.split_first() else {
        out.push(node);
        return;
    };
    match (seg, node) {
        (Seg::Key(k), J::Object(m)) => {
            if let Some(child) = m.get(k) {
                select(child, rest, out, expanded);
            }
        }
        (Seg::Index(i), J::Array(a)) => {
            if let Some(idx) = array_index(a.len(), *i) {
                select(&a[idx], rest, out, expanded);
            }
        }
        (Seg::All, J::Array(a)) => {
            *expanded = true;
            for child in a {
                select(child, rest, out, expanded);
            }
        }
        (Seg::All, other) => select(other, rest, out, expanded),
        _ => {}
    }
}

/// The JSON result of one path: None when nothing matched.
pub(crate) fn extract_one(doc: &J, path: &str) -> Option<J> {
    let segs = parse_path(path).ok()?;
    let mut out = Vec::new();
    let mut expanded = false;
    select(doc, &segs, &mut out, &mut expanded);
    match (out.len(), expanded) {
        (0, _) => None,
        (1, false) => Some(out[0].clone()),
        _ => Some(J::Array(out.into_iter().cloned().collect())),
    }
}

/// Nodes a path selects, mutably; `{}` runs over arrays only.
pub(crate) fn select_mut<'a>(node: &'a mut J, segs: &[Seg], out: &mut Vec<&'a mut J>) {
    let Some((seg, rest)) = segs.split_first() else {
        out.push(node);
        return;
    };
    match (seg, node) {
        (Seg::Key(k), J::Object(m)) => {
            if let Some(child) = m.get_mut(k) {
                select_mut(child, rest, out);
            }
        }
        (Seg::Index(i), J::Array(a)) => {
            if let Some(idx) = array_index(a.len(), *i) {
                select_mut(&mut a[idx], rest, out);
            }
        }
        (Seg::All, J::Array(a)) => {
            for child in a.iter_mut() {
                select_mut(child, rest, out);
            }
        }
        _ => {}
    }
}

/// Writes `val` at the path, creating missing object keys along the way.
/// A path that disagrees with the document (a key under a string, an index
/// past the end) leaves it unchanged.
pub(crate) fn set_path(node: &mut J, segs: &[Seg], val: &J) {
    let Some((seg, rest)) = segs.split_first() else {
        *node = val.clone();
        return;
    };
    match (seg, node) {
        (Seg::Key(k), J::Object(m)) => {
            if let Some(child) = m.get_mut(k) {
                set_path(child, rest, val);
            } else if let Some(created) = build_missing(rest, val) {
                m.insert(k.clone(), created);
            }
        }
        (Seg::Index(i), J::Array(a)) => {
            if let Some(idx) = array_index(a.len(), *i) {
                set_path(&mut a[idx], rest, val);
            }
        }
        (Seg::All, J::Array(a)) => {
            for child in a.iter_mut() {
                set_path(child, rest, val);
            }
        }
        _ => {}
    }
}

/// The value a missing key gets: nested objects for the remaining keys, then
/// `val`. None when the rest of the path needs an array (it cannot be made up).
pub(crate) fn build_missing(rest: &[Seg], val: &J) -> Option<J> {
    let mut built = val.clone();
    for seg in rest.iter().rev() {
        let Seg::Key(k) = seg else { return None };
        let mut m = Map::new();
        m.insert(k.clone(), built);
        built = J::Object(m);
    }
    Some(built)
}
