//! The `extract` rules of a stanza, compiled: a regex with named groups
//! (props.conf `EXTRACT-`), a regex whose every match names and values a
//! field through a `format` (transforms.conf `REGEX` + `FORMAT = $1::$2`),
//! and positional fields split at delimiters (transforms.conf `DELIMS` +
//! `FIELDS`). Applied by [`crate::input::knowledge`]; the text helpers they
//! need ([`split_delimited`], [`Template::expand`], [`clean_key`]) are here
//! so they are tested next to the rules.

use std::borrow::Cow;
use std::sync::Arc;

use super::{strings, text_of};

/// At most this many names in one `delims` extraction's `fields`.
pub const MAX_DELIM_FIELDS: usize = 512;
/// At most this many characters in one extraction regex.
pub const MAX_REGEX_LEN: usize = 8192;

/// One extraction rule, reading the field `input` (`_raw` by default).
#[derive(Debug, Clone)]
pub(crate) struct Extract {
    pub(crate) input: String,
    pub(crate) kind: ExtractKind,
}

#[derive(Debug, Clone)]
pub(crate) enum ExtractKind {
    /// The first match; each non-empty named group sets its field.
    Regex {
        regex: Arc<fancy_regex::Regex>,
        names: Vec<String>,
    },
    /// Every match sets the field `name` expands to (cleaned by
    /// [`clean_key`] when `clean_keys`) to what `value` expands to; a name
    /// seen again in the same text adds a value when `mv_add`, else the
    /// first value stays (Splunk's `MV_ADD = false`). Names starting with
    /// `_` (`_raw`, `_time`, …) are never set.
    Format {
        regex: Arc<fancy_regex::Regex>,
        name: Template,
        value: Template,
        mv_add: bool,
        clean_keys: bool,
    },
    /// The text split at any of `delims` (`"`-quoted values may hold
    /// them); the n-th value sets the n-th field (an empty name skips it).
    Delims {
        delims: Vec<char>,
        fields: Vec<String>,
    },
}

/// A `format` half: literal text and `$n` capture groups.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Template(Vec<Part>);

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Lit(String),
    Group(usize),
}

impl Template {
    fn parse(t: &str, groups: usize) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut chars = t.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                let mut n = 0usize;
                while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(d as usize);
                    chars.next();
                }
                if n == 0 || n > groups {
                    return Err(format!(
                        "format refers to ${n}, but the regex has {groups} capture group(s)"
                    ));
                }
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                parts.push(Part::Group(n));
            } else {
                lit.push(c);
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        Ok(Template(parts))
    }

    /// The text with each `$n` replaced by group n of `caps` (empty when
    /// the group did not take part in the match).
    pub(crate) fn expand(&self, caps: &fancy_regex::Captures<'_>) -> String {
        let mut out = String::new();
        for p in &self.0 {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Group(n) => {
                    if let Some(m) = caps.get(*n) {
                        out.push_str(m.as_str());
                    }
                }
            }
        }
        out
    }

    /// The literal text when the template has no group.
    pub(crate) fn literal(&self) -> Option<String> {
        self.0
            .iter()
            .map(|p| match p {
                Part::Lit(s) => Some(s.as_str()),
                Part::Group(_) => None,
            })
            .collect()
    }

    /// Whether the expansion is exactly one capture group (so a piece of
    /// its value is a piece of the text read).
    pub(crate) fn single_group(&self) -> bool {
        matches!(self.0.as_slice(), [Part::Group(_)])
    }
}

impl Extract {
    /// Whether this rule may set `field`.
    pub(crate) fn may_set(&self, field: &str) -> bool {
        match &self.kind {
            ExtractKind::Regex { names, .. } => names.iter().any(|n| n == field),
            ExtractKind::Delims { fields, .. } => fields.iter().any(|n| n == field),
            ExtractKind::Format { name, .. } => {
                !field.starts_with('_')
                    && match name.literal() {
                        Some(n) => n == field,
                        None => true,
                    }
            }
        }
    }
}

fn compile_regex(re: &str) -> Result<Arc<fancy_regex::Regex>, String> {
    let n = re.chars().count();
    if n > MAX_REGEX_LEN {
        return Err(format!(
            "extract regex is {n} characters long; at most {MAX_REGEX_LEN}"
        ));
    }
    crate::base::regex_util::compile(re)
}

/// Compiles one `extract` item: a string (a regex on `_raw`), or a map with
/// `regex` (and optionally `format`, `mv_add`, `clean_keys`) or `delims`
/// and `fields`, and `in`.
pub(crate) fn compile(x: &serde_json::Value) -> Result<Extract, String> {
    let m = match x {
        serde_json::Value::String(s) => {
            let mut m = serde_json::Map::new();
            m.insert("regex".into(), serde_json::Value::String(s.clone()));
            m
        }
        serde_json::Value::Object(m) => m.clone(),
        _ => return Err("extract items are a regex or a map (regex or delims, …)".into()),
    };
    const KEYS: &[&str] = &[
        "regex",
        "in",
        "format",
        "mv_add",
        "clean_keys",
        "delims",
        "fields",
    ];
    if let Some(k) = m.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!(
            "unknown extract key `{k}` (known: {})",
            KEYS.join(", ")
        ));
    }
    let input = m.get("in").map(text_of).unwrap_or_else(|| "_raw".into());
    let flag = |k: &str, default: bool| match m.get(k) {
        None => Ok(default),
        Some(serde_json::Value::Bool(b)) => Ok(*b),
        Some(other) => Err(format!("`{k}` must be true or false, not {other}")),
    };
    let kind = match (m.get("regex"), m.get("delims")) {
        (Some(_), Some(_)) => return Err("give `regex` or `delims`, not both".into()),
        (None, None) => return Err("extract needs `regex` or `delims`".into()),
        (None, Some(d)) => {
            for k in ["format", "mv_add", "clean_keys"] {
                if m.contains_key(k) {
                    return Err(format!("`{k}` goes with `regex`, not `delims`"));
                }
            }
            let delims: Vec<char> = text_of(d).chars().collect();
            if delims.is_empty() || delims.contains(&'"') {
                return Err("`delims` must be one or more characters other than `\"`".into());
            }
            let fields = strings(m.get("fields"), "fields")?;
            if fields.iter().all(|f| f.is_empty()) {
                return Err("`delims` needs `fields` (the names, in order)".into());
            }
            if fields.len() > MAX_DELIM_FIELDS {
                return Err(format!(
                    "`fields` names {} fields; at most {MAX_DELIM_FIELDS}",
                    fields.len()
                ));
            }
            ExtractKind::Delims { delims, fields }
        }
        (Some(r), None) => {
            if m.contains_key("fields") {
                return Err("`fields` goes with `delims`, not `regex`".into());
            }
            let re = text_of(r);
            let regex = compile_regex(&re)?;
            match m.get("format") {
                None => {
                    for k in ["mv_add", "clean_keys"] {
                        if m.contains_key(k) {
                            return Err(format!("`{k}` goes with `format`"));
                        }
                    }
                    let names: Vec<String> = regex
                        .capture_names()
                        .flatten()
                        .map(str::to_string)
                        .collect();
                    if names.is_empty() {
                        return Err(format!(
                            "extract regex {re:?} has no named group (or give `format`)"
                        ));
                    }
                    ExtractKind::Regex { regex, names }
                }
                Some(f) => {
                    let f = text_of(f);
                    let Some((n, v)) = f.split_once("::") else {
                        return Err(format!("format {f:?} must be `name::value`, e.g. `$1::$2`"));
                    };
                    let groups = regex.captures_len().saturating_sub(1);
                    let name = Template::parse(n, groups)?;
                    let value = Template::parse(v, groups)?;
                    if name.0.is_empty() {
                        return Err(format!("format {f:?} has an empty field name"));
                    }
                    ExtractKind::Format {
                        regex,
                        name,
                        value,
                        mv_add: flag("mv_add", false)?,
                        clean_keys: flag("clean_keys", true)?,
                    }
                }
            }
        }
    };
    Ok(Extract { input, kind })
}

/// Splunk's `CLEAN_KEYS`: characters other than letters, digits and `_`
/// become `_`, and leading digits and underscores are dropped.
pub fn clean_key(k: &str) -> String {
    let mapped: String = k
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    mapped
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '_')
        .to_string()
}

/// `text` split at any of `delims`. A value that starts with `"` runs to
/// the `"` that closes it (delimiters inside are kept, `""` is one `"`)
/// and is given without its quotes; text after the closing quote up to
/// the next delimiter is kept. Every delimiter separates: two in a row
/// give an empty value.
pub fn split_delimited<'a>(text: &'a str, delims: &[char]) -> Vec<Cow<'a, str>> {
    let is_delim = |c: char| delims.contains(&c);
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        if let Some(after) = rest.strip_prefix('"') {
            let mut val = String::new();
            let mut chars = after.char_indices();
            let mut end = after.len();
            let mut closed = false;
            while let Some((i, c)) = chars.next() {
                if c == '"' {
                    if after[i + 1..].starts_with('"') {
                        val.push('"');
                        chars.next();
                    } else {
                        end = i + 1;
                        closed = true;
                        break;
                    }
                } else {
                    val.push(c);
                }
            }
            let tail = &after[end..];
            let stop = tail.find(is_delim).unwrap_or(tail.len());
            if closed {
                val.push_str(&tail[..stop]);
            }
            out.push(Cow::Owned(val));
            match tail[stop..].chars().next() {
                Some(d) => rest = &tail[stop + d.len_utf8()..],
                None => return out,
            }
        } else {
            match rest.find(is_delim) {
                Some(i) => {
                    out.push(Cow::Borrowed(&rest[..i]));
                    let d = rest[i..].chars().next().map_or(1, char::len_utf8);
                    rest = &rest[i + d..];
                }
                None => {
                    out.push(Cow::Borrowed(rest));
                    return out;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(yaml: &str) -> Result<Extract, String> {
        let v: serde_json::Value = serde_saphyr::from_str(yaml).unwrap();
        compile(&v)
    }

    #[test]
    fn delimited_values_with_quotes() {
        let s = |t: &str, d: &str| -> Vec<String> {
            split_delimited(t, &d.chars().collect::<Vec<_>>())
                .into_iter()
                .map(|c| c.into_owned())
                .collect()
        };
        assert_eq!(s("a,b,,c", ","), ["a", "b", "", "c"]);
        assert_eq!(s(r#"1,"x,y",2"#, ","), ["1", "x,y", "2"]);
        assert_eq!(s(r#""say ""hi""",z"#, ","), [r#"say "hi""#, "z"]);
        assert_eq!(s(r#"a,"open,b"#, ","), ["a", "open,b"]);
        assert_eq!(s("a,", ","), ["a", ""]);
        assert_eq!(s("", ","), [""]);
        assert_eq!(s("2 123 eni-1", " "), ["2", "123", "eni-1"]);
        assert_eq!(s("a\tb c", "\t "), ["a", "b", "c"]);
        assert_eq!(s("é,ü", ","), ["é", "ü"]);
        // A quote in the middle of a value is text.
        assert_eq!(s(r#"ab"c,d"#, ","), [r#"ab"c"#, "d"]);
    }

    #[test]
    fn clean_keys_like_splunk() {
        assert_eq!(clean_key("user-name"), "user_name");
        assert_eq!(clean_key("_1abc"), "abc");
        assert_eq!(clean_key("a.b"), "a_b");
        assert_eq!(clean_key("123"), "");
    }

    #[test]
    fn format_templates() {
        let x = ex(r#"{regex: '(\w+)=(?:"([^"]*)"|(\S+))', format: '$1::$2$3'}"#).unwrap();
        let ExtractKind::Format {
            regex, name, value, ..
        } = &x.kind
        else {
            panic!("format kind")
        };
        let found: Vec<(String, String)> = regex
            .captures_iter(r#"a=1 b="x y" c=z"#)
            .map(|c| {
                let c = c.unwrap();
                (name.expand(&c), value.expand(&c))
            })
            .collect();
        assert_eq!(
            found,
            [("a", "1"), ("b", "x y"), ("c", "z")].map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert!(name.single_group() && !value.single_group());
        assert!(x.may_set("anything"), "names come from the text");
        let fixed = ex(r#"{regex: 'u=(\w+)', format: 'user::$1'}"#).unwrap();
        assert!(fixed.may_set("user") && !fixed.may_set("u"));
    }

    #[test]
    fn bad_extracts_are_errors() {
        for (y, want) in [
            ("{regex: 'a=(\\w+)', format: '$1::$2'}", "capture group"),
            ("{regex: 'a=(\\w+)', format: '$1'}", "name::value"),
            ("{regex: 'a=(\\w+)'}", "no named group"),
            ("{delims: ',', fields: []}", "needs `fields`"),
            ("{delims: '\"', fields: [a]}", "other than"),
            ("{delims: ',', regex: 'x'}", "not both"),
            ("{delims: ',', fields: [a], format: '$1::$1'}", "goes with"),
            ("{regex: '(?<a>x)', fields: [a]}", "goes with `delims`"),
            ("{regex: '(?<a>x)', mv_add: true}", "goes with `format`"),
            (
                "{regex: '(\\w)=(\\w)', format: '$1::$2', mv_add: 1}",
                "true or false",
            ),
            ("{regx: 'x'}", "unknown extract key"),
            ("{regex: '(?<a>x'}", "invalid regex"),
        ] {
            let e = ex(y).expect_err(y);
            assert!(e.contains(want), "{y}: {e}");
        }
        let many: Vec<String> = (0..=MAX_DELIM_FIELDS).map(|i| format!("f{i}")).collect();
        let e = ex(&format!("{{delims: ',', fields: [{}]}}", many.join(","))).unwrap_err();
        assert!(e.contains("at most 512"), "{e}");
        let long = format!("{{regex: '(?<a>{})'}}", "x".repeat(MAX_REGEX_LEN));
        assert!(ex(&long).unwrap_err().contains("at most 8192"));
    }
}
