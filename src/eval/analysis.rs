//! What a compiled expression reads, and whether its value can only hold a
//! given text when one of its input fields holds it: the facts the planner
//! needs to derive only the knowledge a search reads, and to push a filter on
//! a derived field down to the raw text it comes from.

use super::{Compiled, Special};
use crate::base::value::Value;
use crate::spl::expr::BinOp;

impl Compiled {
    /// Adds the fields the expression reads; false when it may read any field
    /// (`searchmatch`, whose search string names fields at run time).
    pub fn read_fields(&self, out: &mut Vec<String>) -> bool {
        match self {
            Compiled::Lit(_) => true,
            Compiled::Field(f) => {
                out.push(f.clone());
                true
            }
            Compiled::Special(Special::SearchMatch(_), _) => false,
            Compiled::Special(Special::MvFilter(f) | Special::MvMap(f), args) => {
                out.push(f.clone());
                args.iter().all(|a| a.read_fields(out))
            }
            Compiled::Special(_, args) | Compiled::Call { args, .. } => {
                args.iter().all(|a| a.read_fields(out))
            }
            Compiled::Unary(_, e) => e.read_fields(out),
            Compiled::Binary(_, l, r) => l.read_fields(out) && r.read_fields(out),
            Compiled::In(e, list) => e.read_fields(out) && list.iter().all(|a| a.read_fields(out)),
        }
    }

    /// The fields whose text the expression's value is cut from, when any
    /// value it yields that contains `needle` (ASCII case-insensitively;
    /// `needle` lower-cased) implies one of those fields contains it too:
    /// field references, case changes, trims, pieces (`substr`, `split`,
    /// `mvindex`), a prefix removed by `replace(x, "^…", "")`, and the value
    /// branches of `if`/`case`/`coalesce`. A literal branch qualifies only
    /// when it does not contain the needle. None: the value may hold the
    /// needle with no input holding it (a concatenation, a lookup, a
    /// rendered number).
    pub fn text_sources(&self, needle: &str, out: &mut Vec<String>) -> bool {
        match self {
            Compiled::Lit(v) => !lit_contains(v, needle),
            Compiled::Field(f) => {
                out.push(f.clone());
                true
            }
            Compiled::Call { name, args, .. } => match name.as_str() {
                "lower" | "upper" | "trim" | "ltrim" | "rtrim" | "substr" | "split" | "mvindex"
                | "mvdedup" | "mvsort" => args.first().is_some_and(|a| a.text_sources(needle, out)),
                "replace" => replace_sources(args, needle, out),
                _ => false,
            },
            Compiled::Special(s, args) => match s {
                // `replace` with a literal regex, compiled at plan time.
                Special::Replace(..) => replace_sources(args, needle, out),
                Special::Null => true,
                Special::Coalesce => args.iter().all(|a| a.text_sources(needle, out)),
                Special::If => args.iter().skip(1).all(|a| a.text_sources(needle, out)),
                Special::Case => args
                    .iter()
                    .skip(1)
                    .step_by(2)
                    .all(|a| a.text_sources(needle, out)),
                _ => false,
            },
            Compiled::Binary(BinOp::Concat, ..) => false,
            _ => false,
        }
    }
}

/// `replace(x, "^…", "")`: what is left is a suffix of `x`.
fn replace_sources(args: &[Compiled], needle: &str, out: &mut Vec<String>) -> bool {
    match args {
        [x, Compiled::Lit(Value::Str(re)), Compiled::Lit(Value::Str(with))]
            if with.is_empty() && strips_prefix(re) =>
        {
            x.text_sources(needle, out)
        }
        _ => false,
    }
}

fn lit_contains(v: &Value, needle: &str) -> bool {
    match v {
        Value::Null => false,
        other => other.to_display("\n").to_ascii_lowercase().contains(needle),
    }
}

/// A regex that can match only once, at the start of the text (`^…`, no
/// alternation, no multi-line flag): removing its match leaves a suffix.
fn strips_prefix(re: &str) -> bool {
    re.starts_with('^') && !re.contains('|') && !re.contains("(?")
}

#[cfg(test)]
mod tests {
    use crate::eval::compile_text;

    fn sources(text: &str, needle: &str) -> Option<Vec<String>> {
        let c = compile_text(text).unwrap();
        let mut out = Vec::new();
        c.text_sources(needle, &mut out).then_some(out)
    }

    #[test]
    fn substring_preserving_expressions() {
        assert_eq!(
            sources(r#"replace(process_path, "^.*[\\\\/]", "")"#, "whoami.exe"),
            Some(vec!["process_path".to_string()])
        );
        assert_eq!(
            sources(
                "case(EventCode=8, SourceImage, isnotnull(Image), Image)",
                "x"
            )
            .unwrap(),
            ["SourceImage", "Image"]
        );
        assert_eq!(
            sources(r#"coalesce(lower(a), "none")"#, "whoami").unwrap(),
            ["a"]
        );
        // A literal branch that holds the needle, a concatenation, a
        // replacement that can cut the middle out: not preserving.
        assert_eq!(sources(r#"if(x=1, "whoami.exe", a)"#, "whoami.exe"), None);
        assert_eq!(sources(r#"a . b"#, "ab"), None);
        assert_eq!(sources(r#"replace(a, "x", "")"#, "ab"), None);
        assert_eq!(sources(r#"replace(a, "^x|y", "")"#, "ab"), None);
        assert_eq!(sources("tostring(a)", "1"), None);
    }

    #[test]
    fn read_fields_of_expressions() {
        let c = compile_text(r#"if(isnotnull(a), b . c, mvfilter(match(d, "x")))"#).unwrap();
        let mut out = Vec::new();
        assert!(c.read_fields(&mut out));
        out.sort();
        out.dedup();
        assert_eq!(out, ["a", "b", "c", "d"]);
        let c = compile_text(r#"searchmatch("x=1")"#).unwrap();
        assert!(!c.read_fields(&mut Vec::new()));
    }
}
