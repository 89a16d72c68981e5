//! The path and extraction machinery of `spath`, shared by the `spath`
//! command and the `spath()` eval function: paths (`a.b{}.c{2}.d{@x}`),
//! selecting them in JSON or XML, auto extraction, and a small XML reader.

use indexmap::IndexMap;
use serde_json::Value as J;

use crate::base::value::{format_number, Value};

// ---------------------------------------------------------------- paths

#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    Key(String),
    /// `{}`
    All,
    /// `{N}`: zero-based in JSON, one-based in XML (spath page, Usage:
    /// "JSON uses zero-based indexing"; in XML `{3}` "refers to the third
    /// desc child"); negative counts from the end.
    Index(i64),
    /// `{@name}` (XML attributes)
    Attr(String),
}

/// `a.b{}.c{2}.d{@x}` → segments. Text that is not a valid index is a key.
pub fn parse_path(path: &str) -> Vec<Seg> {
    let mut segs = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('{') {
            Some(i) => part.split_at(i),
            None => (part, ""),
        };
        if !name.is_empty() {
            segs.push(Seg::Key(name.to_string()));
        }
        while let Some(close) = rest.find('}').filter(|_| rest.starts_with('{')) {
            let inner = rest[1..close].trim();
            if inner.is_empty() {
                segs.push(Seg::All);
            } else if let Some(a) = inner.strip_prefix('@') {
                segs.push(Seg::Attr(a.to_string()));
            } else if let Ok(n) = inner.parse::<i64>() {
                segs.push(Seg::Index(n));
            } else {
                segs.push(Seg::Key(inner.to_string()));
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            segs.push(Seg::Key(rest.to_string()));
        }
    }
    segs
}

/// The values a path selects in a JSON or XML text.
pub fn extract_path(text: &str, segs: &[Seg]) -> Vec<String> {
    let t = text.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        if let Ok(doc) = serde_json::from_str::<J>(t) {
            let mut out = Vec::new();
            select_json(&doc, segs, &mut out);
            return out.into_iter().map(render_json).collect();
        }
    }
    if t.starts_with('<') {
        if let Some(root) = xml::parse(t) {
            return xml::select(&root, segs);
        }
    }
    Vec::new()
}

fn select_json<'a>(node: &'a J, segs: &[Seg], out: &mut Vec<&'a J>) {
    let Some((seg, rest)) = segs.split_first() else {
        out.push(node);
        return;
    };
    match (seg, node) {
        (Seg::Key(k), J::Object(m)) => {
            if let Some(c) = m.get(k) {
                select_json(c, rest, out);
            }
        }
        (Seg::All, J::Array(a)) => {
            for c in a {
                select_json(c, rest, out);
            }
        }
        (Seg::Index(i), J::Array(a)) => {
            let n = a.len() as i64;
            let idx = if *i < 0 { n + i } else { *i };
            if (0..n).contains(&idx) {
                select_json(&a[idx as usize], rest, out);
            }
        }
        _ => {}
    }
}

/// A JSON value as spath writes it: scalars as text (`null` included),
/// objects and arrays as compact JSON.
pub fn render_json(j: &J) -> String {
    match j {
        J::Null => "null".into(),
        J::Bool(b) => b.to_string(),
        J::Number(n) => {
            let s = n.to_string();
            if s.contains(['e', 'E']) {
                n.as_f64().map(format_number).unwrap_or(s)
            } else {
                s
            }
        }
        J::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Auto mode: every value under its flattened name.
pub fn auto_extract(text: &str, acc: &mut IndexMap<String, Vec<Value>>) {
    let t = text.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        if let Ok(doc) = serde_json::from_str::<J>(t) {
            match &doc {
                J::Object(m) => {
                    for (k, v) in m {
                        flatten_json(k, v, acc);
                    }
                }
                other => flatten_json("", other, acc),
            }
            return;
        }
    }
    if t.starts_with('<') {
        if let Some(root) = xml::parse(t) {
            xml::flatten(&root, "", acc);
        }
    }
}

fn flatten_json(name: &str, v: &J, acc: &mut IndexMap<String, Vec<Value>>) {
    match v {
        J::Object(o) => {
            for (k, x) in o {
                let n = if name.is_empty() {
                    k.clone()
                } else {
                    format!("{name}.{k}")
                };
                flatten_json(&n, x, acc);
            }
        }
        J::Array(a) => {
            let key = format!("{name}{{}}");
            for x in a {
                flatten_json(&key, x, acc);
            }
        }
        other => acc
            .entry(name.to_string())
            .or_default()
            .push(Value::Str(render_json(other))),
    }
}

// ---------------------------------------------------------------- XML

/// A small XML reader: elements, attributes, text, CDATA; declarations,
/// comments and processing instructions are skipped. Enough for event XML.
pub mod xml {
    use indexmap::IndexMap;

    use super::Seg;
    use crate::base::value::Value;

    #[derive(Debug, Clone, PartialEq)]
    pub struct Element {
        pub name: String,
        pub attrs: Vec<(String, String)>,
        pub children: Vec<Node>,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub enum Node {
        Element(Element),
        Text(String),
    }

    impl Element {
        /// Direct text content, trimmed.
        pub fn text(&self) -> String {
            let mut s = String::new();
            for c in &self.children {
                if let Node::Text(t) = c {
                    s.push_str(t);
                }
            }
            s.trim().to_string()
        }
        fn has_elements(&self) -> bool {
            self.children.iter().any(|c| matches!(c, Node::Element(_)))
        }
        fn elements(&self) -> impl Iterator<Item = &Element> {
            self.children.iter().filter_map(|c| match c {
                Node::Element(e) => Some(e),
                _ => None,
            })
        }
        /// Inner XML, written back.
        pub fn inner_xml(&self) -> String {
            let mut s = String::new();
            for c in &self.children {
                write_node(c, &mut s);
            }
            s.trim().to_string()
        }
    }

    fn write_node(n: &Node, out: &mut String) {
        match n {
            Node::Text(t) => out.push_str(&escape(t)),
            Node::Element(e) => {
                out.push('<');
                out.push_str(&e.name);
                for (k, v) in &e.attrs {
                    out.push_str(&format!(" {k}=\"{}\"", escape(v)));
                }
                if e.children.is_empty() {
                    out.push_str("/>");
                } else {
                    out.push('>');
                    for c in &e.children {
                        write_node(c, out);
                    }
                    out.push_str(&format!("</{}>", e.name));
                }
            }
        }
    }

    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }

    pub fn unescape(s: &str) -> String {
        if !s.contains('&') {
            return s.to_string();
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(p) = rest.find('&') {
            out.push_str(&rest[..p]);
            let after = &rest[p..];
            let Some(end) = after.find(';').filter(|e| *e <= 10) else {
                out.push('&');
                rest = &after[1..];
                continue;
            };
            let ent = &after[1..end];
            let ch = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            match ch {
                Some(c) => {
                    out.push(c);
                    rest = &after[end + 1..];
                }
                None => {
                    out.push('&');
                    rest = &after[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    struct P<'a> {
        s: &'a str,
        pos: usize,
    }

    impl<'a> P<'a> {
        fn rest(&self) -> &'a str {
            &self.s[self.pos..]
        }
        fn skip_ws(&mut self) {
            let r = self.rest();
            self.pos += r.len() - r.trim_start().len();
        }
        /// Skips `<?…?>`, `<!--…-->`, `<!DOCTYPE…>`; true when something was skipped.
        fn skip_misc(&mut self) -> bool {
            let r = self.rest();
            let end = if r.starts_with("<?") {
                r.find("?>").map(|e| e + 2)
            } else if r.starts_with("<!--") {
                r.find("-->").map(|e| e + 3)
            } else if r.starts_with("<!") && !r.starts_with("<![CDATA[") {
                r.find('>').map(|e| e + 1)
            } else {
                return false;
            };
            match end {
                Some(e) => {
                    self.pos += e;
                    true
                }
                None => {
                    self.pos = self.s.len();
                    false
                }
            }
        }
        fn name(&mut self) -> Option<String> {
            let r = self.rest();
            let n = r
                .char_indices()
                .find(|(_, c)| c.is_whitespace() || matches!(c, '>' | '/' | '=' | '<'))
                .map(|(i, _)| i)
                .unwrap_or(r.len());
            if n == 0 {
                return None;
            }
            self.pos += n;
            Some(r[..n].to_string())
        }
        fn element(&mut self, depth: usize) -> Option<Element> {
            if depth > 200 {
                return None;
            }
            self.pos += 1; // '<'
            let name = self.name()?;
            let mut attrs = Vec::new();
            loop {
                self.skip_ws();
                let r = self.rest();
                if let Some(x) = r.strip_prefix("/>") {
                    let _ = x;
                    self.pos += 2;
                    return Some(Element {
                        name,
                        attrs,
                        children: Vec::new(),
                    });
                }
                if r.starts_with('>') {
                    self.pos += 1;
                    break;
                }
                let k = self.name()?;
                self.skip_ws();
                if !self.rest().starts_with('=') {
                    return None;
                }
                self.pos += 1;
                self.skip_ws();
                let r = self.rest();
                let q = r.chars().next()?;
                if q != '"' && q != '\'' {
                    return None;
                }
                let end = r[1..].find(q)?;
                attrs.push((k, unescape(&r[1..1 + end])));
                self.pos += end + 2;
            }
            let mut children = Vec::new();
            loop {
                let r = self.rest();
                if r.is_empty() {
                    return None;
                }
                if let Some(after) = r.strip_prefix("</") {
                    let end = after.find('>')?;
                    if after[..end].trim() != name {
                        return None;
                    }
                    self.pos += 2 + end + 1;
                    return Some(Element {
                        name,
                        attrs,
                        children,
                    });
                }
                if let Some(after) = r.strip_prefix("<![CDATA[") {
                    let end = after.find("]]>")?;
                    children.push(Node::Text(after[..end].to_string()));
                    self.pos += 9 + end + 3;
                    continue;
                }
                if self.skip_misc() {
                    continue;
                }
                if r.starts_with('<') {
                    children.push(Node::Element(self.element(depth + 1)?));
                    continue;
                }
                let end = r.find('<').unwrap_or(r.len());
                children.push(Node::Text(unescape(&r[..end])));
                self.pos += end;
            }
        }
    }

    /// Parses a document with one root element; None when it is not well-formed.
    pub fn parse(text: &str) -> Option<Element> {
        let mut p = P { s: text, pos: 0 };
        loop {
            p.skip_ws();
            if !p.skip_misc() {
                break;
            }
        }
        if !p.rest().starts_with('<') {
            return None;
        }
        p.element(0)
    }

    /// Auto mode names: `a.b` (text), `a.b{@x}` (attributes).
    pub fn flatten(e: &Element, prefix: &str, acc: &mut IndexMap<String, Vec<Value>>) {
        let name = if prefix.is_empty() {
            e.name.clone()
        } else {
            format!("{prefix}.{}", e.name)
        };
        for (k, v) in &e.attrs {
            acc.entry(format!("{name}{{@{k}}}"))
                .or_default()
                .push(Value::Str(v.clone()));
        }
        let t = e.text();
        if !t.is_empty() {
            acc.entry(name.clone()).or_default().push(Value::Str(t));
        }
        for c in e.elements() {
            flatten(c, &name, acc);
        }
    }

    /// Path mode over XML: the first step names the root element.
    pub fn select(root: &Element, segs: &[Seg]) -> Vec<String> {
        let mut cur: Vec<&Element> = Vec::new();
        let mut segs = segs;
        match segs.first() {
            Some(Seg::Key(k)) if *k == root.name => {
                cur.push(root);
                segs = &segs[1..];
            }
            Some(_) => return Vec::new(),
            None => return vec![root.inner_xml()],
        }
        let mut out_attr: Option<String> = None;
        for (n, seg) in segs.iter().enumerate() {
            match seg {
                Seg::Key(k) => {
                    cur = cur
                        .iter()
                        .flat_map(|e| e.elements().filter(|c| c.name == *k))
                        .collect();
                }
                Seg::All => {}
                Seg::Index(i) => {
                    let idx = if *i < 0 { cur.len() as i64 + i } else { i - 1 };
                    cur = if (0..cur.len() as i64).contains(&idx) {
                        vec![cur[idx as usize]]
                    } else {
                        Vec::new()
                    };
                }
                Seg::Attr(a) => {
                    if n + 1 == segs.len() {
                        out_attr = Some(a.clone());
                    } else {
                        return Vec::new();
                    }
                }
            }
        }
        cur.iter()
            .filter_map(|e| match &out_attr {
                Some(a) => e.attrs.iter().find(|(k, _)| k == a).map(|(_, v)| v.clone()),
                None if e.has_elements() => Some(e.inner_xml()),
                None => Some(e.text()),
            })
            .collect()
    }
}
