//! `spath [input=<field>] [output=<field>] [path=<datapath> | <datapath>]`:
//! extracts from JSON or XML held in a field (default `_raw`).
//!
//! Without a path (auto mode) every value is extracted under Splunk's
//! flattened names: `a.b` for nested objects, `list{}` for arrays (values
//! become multivalue fields), `list{}.k` inside arrays of objects; XML gives
//! `root.child` for element text and `root.child{@attr}` for attributes.
//! With a path, `{}` runs over an array, `{N}` picks an element (JSON
//! counts from 0, XML from 1, as the page says) and `{@attr}` an XML
//! attribute; an object or array found at the end of the path is written as
//! JSON text.

use std::any::Any;
use std::fmt;

use indexmap::IndexMap;

use super::support::xutil::{self, get, known_option};
use super::{CommandSpec, ToOperator};
use crate::base::diag::Result;
use crate::base::event::Event;
use crate::base::value::Value;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt, Span};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "spath",
    aliases: &[],
    parse,
    syntax: "spath [input=<field>] [output=<field>] [path=<datapath> | <datapath>]",
    plan: super::planner::<SpathCmd>,
};

const OPTIONS: &[&str] = &["input", "output", "path"];

#[derive(Debug)]
pub struct SpathCmd {
    pub options: Vec<Opt>,
    /// A path written without `path=`.
    pub bare_path: Option<(String, Span)>,
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut options = Vec::new();
    let mut bare_path = None;
    loop {
        rest = ws(rest);
        if lex::at_command_end(rest) {
            break;
        }
        let (r, o) = known_option(src, rest, "spath", OPTIONS)?;
        if let Some(o) = o {
            options.push(o);
            rest = r;
            continue;
        }
        if bare_path.is_some() {
            return cut(fail(rest, "spath takes one path"));
        }
        let (r, (p, _)) = cut(lex::option_value(rest))?;
        bare_path = Some((p, src.span(rest, r)));
        rest = r;
    }
    let cmd = SpathCmd { options, bare_path };
    if let (Some(o), Some((_, s))) = (get(&cmd.options, "path"), &cmd.bare_path) {
        return xutil::fail_at(
            o.span.to(*s),
            "spath takes either path=<datapath> or a bare path, not both",
        );
    }
    Ok((rest, Box::new(cmd)))
}

impl SpathCmd {
    fn path(&self) -> Option<String> {
        get(&self.options, "path")
            .map(|o| o.value.clone())
            .or_else(|| self.bare_path.as_ref().map(|(p, _)| p.clone()))
    }
}

impl fmt::Display for SpathCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("spath")?;
        xutil::print_opts(f, &self.options)?;
        if let Some((p, _)) = &self.bare_path {
            if p.is_empty() || p.contains(|c: char| c.is_whitespace() || "|],)\"=".contains(c)) {
                write!(f, " {}", lex::quote(p))?;
            } else {
                write!(f, " {p}")?;
            }
        }
        Ok(())
    }
}

impl Command for SpathCmd {
    fn name(&self) -> &'static str {
        "spath"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "options": self.options,
            "path": self.bare_path.as_ref().map(|(p, s)| serde_json::json!({"path": p, "span": s})),
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for SpathCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let path = self.path();
        let output = get(&self.options, "output").map(|o| o.value.clone());
        Ok(Box::new(SpathOp {
            input: get(&self.options, "input")
                .map(|o| o.value.clone())
                .unwrap_or_else(|| "_raw".into()),
            output: match (&path, output) {
                (Some(p), None) => Some(p.clone()),
                (Some(_), Some(o)) => Some(o),
                // Output without a path: Splunk ignores it and auto-extracts.
                (None, _) => None,
            },
            path: path.map(|p| parse_path(&p)),
        }))
    }
}

struct SpathOp {
    input: String,
    output: Option<String>,
    path: Option<Vec<Seg>>,
}

impl Operator for SpathOp {
    fn push(&mut self, mut ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let texts: Vec<String> = match ev.get(&self.input) {
            Some(v) => v
                .values()
                .iter()
                .filter_map(|x| x.as_text().map(|t| t.into_owned()))
                .collect(),
            None => return out(ev),
        };
        match (&self.path, &self.output) {
            (Some(segs), Some(output)) => {
                let mut vals = Vec::new();
                for t in &texts {
                    vals.extend(extract_path(t, segs));
                }
                if !vals.is_empty() {
                    ev.set(
                        output.clone(),
                        Value::multi(vals.into_iter().map(Value::Str).collect()),
                    );
                }
            }
            _ => {
                let mut acc: IndexMap<String, Vec<Value>> = IndexMap::new();
                for t in &texts {
                    auto_extract(t, &mut acc);
                }
                for (k, v) in acc {
                    ev.set(k, Value::multi(v));
                }
            }
        }
        out(ev)
    }
}

// ---------------------------------------------------------------- paths

pub use crate::functions::spath_path::{
    auto_extract, extract_path, parse_path, render_json, xml, Seg,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse_path("a.b{}.c{2}.d{@x}"),
            vec![
                Seg::Key("a".into()),
                Seg::Key("b".into()),
                Seg::All,
                Seg::Key("c".into()),
                Seg::Index(2),
                Seg::Key("d".into()),
                Seg::Attr("x".into())
            ]
        );
        assert_eq!(parse_path("{}"), vec![Seg::All]);
    }

    #[test]
    fn json_paths() {
        let doc = r#"{"a":{"b":[{"c":1},{"c":2}]},"l":["x","y"],"n":null}"#;
        assert_eq!(extract_path(doc, &parse_path("a.b{}.c")), vec!["1", "2"]);
        // JSON arrays count from zero (spath page, Usage).
        assert_eq!(extract_path(doc, &parse_path("a.b{1}.c")), vec!["2"]);
        assert_eq!(extract_path(doc, &parse_path("a.b{0}.c")), vec!["1"]);
        assert!(extract_path(doc, &parse_path("a.b{2}.c")).is_empty());
        assert_eq!(extract_path(doc, &parse_path("l")), vec![r#"["x","y"]"#]);
        assert_eq!(extract_path(doc, &parse_path("l{}")), vec!["x", "y"]);
        assert_eq!(extract_path(doc, &parse_path("n")), vec!["null"]);
        assert!(extract_path(doc, &parse_path("zz")).is_empty());
    }

    #[test]
    fn xml_auto_and_paths() {
        let doc = r#"<?xml version="1.0"?><set><product><desc><locDesc locale="en">Hello &amp; bye</locDesc><locDesc locale="fr">Salut</locDesc></desc></product></set>"#;
        let mut acc = IndexMap::new();
        auto_extract(doc, &mut acc);
        assert_eq!(
            acc.get("set.product.desc.locDesc{@locale}").unwrap().len(),
            2
        );
        assert_eq!(
            acc.get("set.product.desc.locDesc").unwrap()[0],
            Value::from("Hello & bye")
        );
        assert_eq!(
            extract_path(doc, &parse_path("set.product.desc.locDesc{@locale}")),
            vec!["en", "fr"]
        );
        assert_eq!(
            extract_path(doc, &parse_path("set.product.desc.locDesc{2}")),
            vec!["Salut"]
        );
        assert!(xml::parse("<a><b></a>").is_none());
    }
}
