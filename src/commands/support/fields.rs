//! Field names as commands write them: one with its span, lists of them up
//! to a keyword, and Splunk's `*` wildcards in field names.

use crate::base::span::Span;
use crate::spl::lex::{self, fail, ws, PResult, Src};

/// A field name as written in a command, with its span.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FieldRef {
    pub name: String,
    pub span: Span,
}

impl std::fmt::Display for FieldRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&lex::print_field(&self.name))
    }
}

/// One item of a field list written with spaces or commas: a field name,
/// then the blanks and the one `,` that may follow it.
pub fn list_item<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, FieldRef> {
    let (r, f) = field_ref(src, i)?;
    let r = ws(r);
    Ok((r.strip_prefix(',').unwrap_or(r), f))
}

/// A field-name pattern of `fields` or `rename` as matched against names:
/// two backslashes stand for one ("use 2 backslashes for each backslash",
/// Search Reference, fields and rename, "Support for backslash characters").
pub fn unescape_backslashes(pattern: &str) -> String {
    pattern.replace("\\\\", "\\")
}

/// One field name.
pub fn field_ref<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, FieldRef> {
    let i = ws(i);
    if lex::at_command_end(i) {
        return fail(i, "expected a field name");
    }
    let (rest, name) = lex::field_name(i)?;
    Ok((
        rest,
        FieldRef {
            name,
            span: src.span(i, rest),
        },
    ))
}

/// Is the input at one of these keywords (case-insensitive)?
pub fn at_keyword<'a>(i: &'a str, kws: &[&str]) -> Option<&'a str> {
    let i = ws(i);
    kws.iter().find_map(|k| lex::keyword(i, k))
}

/// Field names separated by spaces and/or commas, up to the end of the command
/// or one of `stop` keywords.
pub fn field_list<'a>(src: &Src<'a>, i: &'a str, stop: &[&str]) -> PResult<'a, Vec<FieldRef>> {
    let mut out = Vec::new();
    let mut rest = ws(i);
    loop {
        if lex::at_command_end(rest) || at_keyword(rest, stop).is_some() {
            break;
        }
        let (r, f) = field_ref(src, rest)?;
        out.push(f);
        rest = ws(r);
        // Commas separate fields; Splunk tolerates repeated ones (`a, , b`).
        while let Some(r) = rest.strip_prefix(',') {
            rest = ws(r);
        }
    }
    Ok((rest, out))
}

pub fn join_fields(fields: &[FieldRef]) -> String {
    fields
        .iter()
        .map(|f| f.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splunk wildcard field-name matching (`Processes.*`, `*_ip`): returns the
/// parts the `*`s matched, or None.
pub fn wildcard_captures(pattern: &str, name: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return (pattern == name).then(Vec::new);
    }
    let mut caps = Vec::new();
    let first = parts[0];
    let last = parts[parts.len() - 1];
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return None;
    }
    let mut pos = first.len();
    let end_limit = name.len() - last.len();
    for mid in &parts[1..parts.len() - 1] {
        let hay = &name[pos..end_limit];
        let found = hay.find(mid)?;
        caps.push(hay[..found].to_string());
        pos += found + mid.len();
    }
    caps.push(name[pos..end_limit].to_string());
    Some(caps)
}

/// Substitutes captured wildcard parts into a target pattern's `*`s, in order.
pub fn wildcard_fill(target: &str, caps: &[String]) -> String {
    let mut out = String::new();
    let mut it = caps.iter();
    for (n, part) in target.split('*').enumerate() {
        if n > 0 {
            out.push_str(it.next().map(String::as_str).unwrap_or(""));
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_capture_and_fill() {
        assert_eq!(
            wildcard_captures("Processes.*", "Processes.dest"),
            Some(vec!["dest".to_string()])
        );
        assert_eq!(wildcard_captures("Processes.*", "Other.dest"), None);
        assert_eq!(
            wildcard_captures("*_ip", "src_ip"),
            Some(vec!["src".to_string()])
        );
        assert_eq!(wildcard_fill("*", &["dest".to_string()]), "dest");
        assert_eq!(wildcard_fill("new_*", &["x".to_string()]), "new_x");
    }
}
