//! `foreach [mode=multifield|multivalue|json_array|auto_collections]
//! <wc-field-list> [fieldstr=<s>] [matchstr=<s>] [matchseg1=<s>]
//! [matchseg2=<s>] [matchseg3=<s>] [itemstr=<s>] [iterstr=<s>] [ <template> ]`.
//!
//! The template is SPL (streaming commands, usually one `eval`) in which
//! `<<FIELD>>` is replaced by a field name, `<<MATCHSTR>>` by what the
//! wildcards matched, `<<MATCHSEGn>>` by what the n-th wildcard matched, and
//! (multivalue / json_array / auto_collections modes) `<<ITEM>>` by each
//! value and `<<ITER>>` by its zero-based index. The substitution is
//! textual, as in Splunk, except that an `<<ITEM>>` standing alone whose
//! value is not a number becomes a string literal (the page's
//! `json_append(employees_array, "", <<ITEM>>)` appends the names); each distinct substituted text is
//! parsed and planned once and then reused. The template is checked when the
//! search is parsed, so its syntax errors point into it.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;

use super::support::fields::{join_fields, wildcard_captures, FieldRef};
use super::support::xutil::{self, get, known_option};
use super::{CommandSpec, ToOperator};
use crate::base::diag::{Result, SplError};
use crate::base::event::Event;
use crate::commands::support::pipeline::{Emit, Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Opt, Span};
use crate::spl::lex::{self, cut, fail, ws, PErr, PResult, Src};

pub const SPEC: CommandSpec = CommandSpec {
    name: "foreach",
    aliases: &[],
    parse,
    syntax: "foreach [mode=multifield|multivalue|json_array|auto_collections] <wc-field-list> [fieldstr=…] [matchstr=…] [matchseg1=…] [itemstr=…] [iterstr=…] [ <streaming SPL with <<FIELD>>> ]",
    plan: super::planner::<ForeachCmd>,
};

const OPTIONS: &[&str] = &[
    "mode",
    "fieldstr",
    "matchstr",
    "matchseg1",
    "matchseg2",
    "matchseg3",
    "itemstr",
    "iterstr",
];

#[derive(Debug)]
pub struct ForeachCmd {
    pub options: Vec<Opt>,
    pub fields: Vec<FieldRef>,
    /// The template between the brackets, trimmed.
    pub template: String,
    pub template_span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Multifield,
    Multivalue,
    JsonArray,
    /// A JSON array when the value is one, else the values of the field.
    Auto,
}

/// The placeholder tokens, possibly renamed by options.
struct Tokens {
    field: String,
    matchstr: String,
    segs: [String; 3],
    item: String,
    iter: String,
}

impl Tokens {
    fn from(opts: &[Opt]) -> Tokens {
        let t = |k: &str, d: &str| {
            get(opts, k)
                .map(|o| o.value.clone())
                .unwrap_or_else(|| d.into())
        };
        Tokens {
            field: t("fieldstr", "<<FIELD>>"),
            matchstr: t("matchstr", "<<MATCHSTR>>"),
            segs: [
                t("matchseg1", "<<MATCHSEG1>>"),
                t("matchseg2", "<<MATCHSEG2>>"),
                t("matchseg3", "<<MATCHSEG3>>"),
            ],
            item: t("itemstr", "<<ITEM>>"),
            iter: t("iterstr", "<<ITER>>"),
        }
    }
    fn all(&self) -> Vec<&str> {
        let mut v = vec![
            self.field.as_str(),
            self.matchstr.as_str(),
            self.item.as_str(),
            self.iter.as_str(),
        ];
        v.extend(self.segs.iter().map(String::as_str));
        v.sort_by_key(|s| std::cmp::Reverse(s.len()));
        v
    }
}

/// Finds the `]` closing a `[` (the input starts just after it), skipping
/// quoted strings and nested brackets. Returns the inner text's length.
fn closing_bracket(i: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = i.char_indices();
    while let Some((n, c)) = chars.next() {
        match c {
            '"' => {
                let mut esc = false;
                for (_, d) in chars.by_ref() {
                    if esc {
                        esc = false;
                    } else if d == '\\' {
                        esc = true;
                    } else if d == '"' {
                        break;
                    }
                }
            }
            '[' => depth += 1,
            ']' if depth == 0 => return Some(n),
            ']' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Does the token stand alone (no name character or quote right before or
/// after it)?
fn alone(before: Option<char>, after: Option<char>) -> bool {
    let joins = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || "_.'\"{}".contains(c));
    !joins(before) && !joins(after)
}

/// Replaces every token with `value(token, stands alone)`.
fn substitute(template: &str, tokens: &[&str], value: &dyn Fn(&str, bool) -> String) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    'outer: while !rest.is_empty() {
        for t in tokens {
            if !t.is_empty() && rest.starts_with(t) {
                let after = rest[t.len()..].chars().next();
                out.push_str(&value(t, alone(out.chars().next_back(), after)));
                rest = &rest[t.len()..];
                continue 'outer;
            }
        }
        let c = rest.chars().next().expect("not empty");
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The template as a pipeline: `| <template>` unless it starts with a pipe.
fn as_pipeline(text: &str) -> (String, usize) {
    if text.trim_start().starts_with('|') {
        (text.to_string(), 0)
    } else {
        (format!("| {text}"), 2)
    }
}

fn parse<'a>(src: &Src<'a>, i: &'a str) -> PResult<'a, Box<dyn Command>> {
    let mut rest = ws(i);
    let mut options = Vec::new();
    let mut fields = Vec::new();
    let template;
    let template_span;
    loop {
        rest = ws(rest);
        if let Some(r) = rest.strip_prefix(',') {
            rest = ws(r);
        }
        if let Some(after) = rest.strip_prefix('[') {
            let Some(len) = closing_bracket(after) else {
                return cut(fail(rest, "unterminated '[' in foreach"));
            };
            let inner = &after[..len];
            let lead = inner.len() - inner.trim_start().len();
            let t = inner.trim();
            template_span = Span::new(src.pos(after) + lead, src.pos(after) + lead + t.len());
            template = t.to_string();
            rest = &after[len + 1..];
            break;
        }
        if lex::at_command_end(rest) {
            return cut(fail(
                rest,
                "foreach needs a template in brackets, e.g. [eval <<FIELD>>=<<FIELD>>*2]",
            ));
        }
        let (r, o) = known_option(src, rest, "foreach", OPTIONS)?;
        if let Some(o) = o {
            if o.key.eq_ignore_ascii_case("mode")
                && !["multifield", "multivalue", "json_array", "auto_collections"]
                    .contains(&o.value.to_ascii_lowercase().as_str())
            {
                return xutil::fail_at(
                    o.span,
                    "foreach mode must be multifield, multivalue, json_array or auto_collections",
                );
            }
            options.push(o);
            rest = r;
            continue;
        }
        let (r, f) = super::support::fields::field_ref(src, rest)?;
        fields.push(f);
        rest = r;
    }
    if fields.is_empty() {
        return cut(fail(
            i,
            "foreach needs fields (wildcards allowed) before the template",
        ));
    }
    if template.is_empty() {
        return xutil::fail_at(template_span, "empty foreach template");
    }
    let cmd = ForeachCmd {
        options,
        fields,
        template,
        template_span,
    };
    // Check the template: tokens become names of the same length, so error
    // positions stay where they were written.
    let tokens = Tokens::from(&cmd.options);
    let probe = substitute(&cmd.template, &tokens.all(), &|t, _| {
        let mut s = String::from("x");
        s.push_str(&"_".repeat(t.len().saturating_sub(1)));
        s
    });
    let (text, shift) = as_pipeline(&probe);
    if let Err(e) = crate::commands::parse_pipeline(&text) {
        let off = e.offset(text.len()).saturating_sub(shift);
        let start = cmd.template_span.start + off.min(cmd.template.len());
        return Err(nom::Err::Failure(PErr {
            at: lex::ErrAt::Abs(start),
            len: e.len,
            msg: format!("in the foreach template: {}", e.msg),
            help: e.help,
        }));
    }
    Ok((rest, Box::new(cmd)))
}

impl ForeachCmd {
    fn mode(&self) -> Mode {
        match get(&self.options, "mode").map(|o| o.value.to_ascii_lowercase()) {
            Some(m) if m == "multivalue" => Mode::Multivalue,
            Some(m) if m == "json_array" => Mode::JsonArray,
            Some(m) if m == "auto_collections" => Mode::Auto,
            _ => Mode::Multifield,
        }
    }
}

impl fmt::Display for ForeachCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("foreach")?;
        let (mode, rest): (Vec<&Opt>, Vec<&Opt>) = self
            .options
            .iter()
            .partition(|o| o.key.eq_ignore_ascii_case("mode"));
        for o in mode {
            write!(f, " {o}")?;
        }
        write!(f, " {}", join_fields(&self.fields))?;
        for o in rest {
            write!(f, " {o}")?;
        }
        write!(f, " [{}]", self.template)
    }
}

impl Command for ForeachCmd {
    fn name(&self) -> &'static str {
        "foreach"
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "options": self.options,
            "fields": self.fields,
            "template": self.template,
            "template_span": self.template_span,
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for ForeachCmd {
    fn plan(&self, ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let mode = self.mode();
        if mode != Mode::Multifield && self.fields.len() != 1 {
            return Err(SplError::plan(
                "foreach mode=multivalue, json_array and auto_collections take exactly one field",
            )
            .at(self.fields[1.min(self.fields.len() - 1)].span));
        }
        let mut op = ForeachOp {
            mode,
            patterns: self.fields.iter().map(|f| f.name.clone()).collect(),
            tokens: Tokens::from(&self.options),
            template: self.template.clone(),
            span: self.template_span,
            ctx: ctx.clone(),
            cache: HashMap::new(),
        };
        // Plan the template once with placeholder names so that commands foreach
        // cannot run (non-streaming ones) are reported before any event is read.
        let probe = substitute(&op.template, &op.tokens.all(), &|_, _| "x".into());
        op.chain(&probe)?;
        op.cache.clear();
        Ok(Box::new(op))
    }
}

struct ForeachOp {
    mode: Mode,
    patterns: Vec<String>,
    tokens: Tokens,
    template: String,
    span: Span,
    ctx: PlanCtx,
    cache: HashMap<String, Vec<Box<dyn Operator>>>,
}

impl ForeachOp {
    /// The planned operators for one substituted template (cached).
    fn chain(&mut self, text: &str) -> Result<&mut Vec<Box<dyn Operator>>> {
        if !self.cache.contains_key(text) {
            let (full, _) = as_pipeline(text);
            let p = crate::commands::parse_pipeline(&full).map_err(|e| {
                SplError::plan(format!(
                    "foreach template {text:?} does not parse: {}",
                    e.msg
                ))
                .at(self.span)
            })?;
            // The page: modes other than multifield "only support searches
            // with the eval command", and a single eval statement.
            if self.mode != Mode::Multifield
                && (p.commands.len() != 1 || p.commands[0].cmd.name() != "eval")
            {
                return Err(SplError::plan(
                    "foreach mode=multivalue, json_array and auto_collections take one eval command as the template",
                )
                .at(self.span));
            }
            let mut ops = Vec::new();
            for node in &p.commands {
                if node.cmd.kind() != CommandKind::Streaming {
                    return Err(SplError::plan(format!(
                        "'{}' cannot run inside foreach: the template takes streaming commands such as eval",
                        node.cmd.name()
                    ))
                    .at(self.span));
                }
                ops.push(
                    crate::commands::plan(&*node.cmd, &self.ctx).map_err(|e| e.at(self.span))?,
                );
            }
            if self.cache.len() > 10_000 {
                self.cache.clear();
            }
            self.cache.insert(text.to_string(), ops);
        }
        Ok(self.cache.get_mut(text).expect("inserted above"))
    }

    /// The substitutions for one event: one map per iteration.
    fn iterations(&self, ev: &Event) -> Vec<HashMap<String, String>> {
        let t = &self.tokens;
        let mut out = Vec::new();
        match self.mode {
            Mode::Multifield => {
                let mut seen: Vec<(String, Vec<String>)> = Vec::new();
                for p in &self.patterns {
                    if p.contains('*') {
                        let mut names: Vec<&crate::base::event::Name> = ev
                            .names()
                            .filter(|n| !n.starts_with('_') || p.starts_with('_'))
                            .collect();
                        names.sort();
                        for n in names {
                            if let Some(caps) = wildcard_captures(p, n) {
                                if !seen.iter().any(|(s, _)| s == n) {
                                    seen.push((n.to_string(), caps));
                                }
                            }
                        }
                    } else if !seen.iter().any(|(s, _)| s == p) {
                        seen.push((p.clone(), Vec::new()));
                    }
                }
                for (name, caps) in seen {
                    let mut m = HashMap::new();
                    m.insert(t.field.clone(), name.clone());
                    m.insert(t.matchstr.clone(), caps.concat());
                    for (k, seg) in t.segs.iter().enumerate() {
                        m.insert(seg.clone(), caps.get(k).cloned().unwrap_or_default());
                    }
                    out.push(m);
                }
            }
            Mode::Multivalue | Mode::JsonArray | Mode::Auto => {
                let field = &self.patterns[0];
                let array = |v: &crate::base::value::Value| match v
                    .as_text()
                    .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
                {
                    Some(serde_json::Value::Array(a)) => {
                        Some(a.iter().map(super::spath::render_json).collect())
                    }
                    _ => None,
                };
                let values = |v: &crate::base::value::Value| {
                    v.values().iter().map(|x| x.to_display("\n")).collect()
                };
                let items: Vec<String> = match ev.get(field) {
                    None => Vec::new(),
                    Some(v) if self.mode == Mode::Multivalue => values(v),
                    Some(v) if self.mode == Mode::JsonArray => array(v).unwrap_or_default(),
                    Some(v) if v.values().len() == 1 => array(v).unwrap_or_else(|| values(v)),
                    Some(v) => values(v),
                };
                for (n, item) in items.into_iter().enumerate() {
                    let mut m = HashMap::new();
                    m.insert(t.field.clone(), field.clone());
                    m.insert(t.item.clone(), item);
                    m.insert(t.iter.clone(), n.to_string());
                    out.push(m);
                }
            }
        }
        out
    }
}

/// Pushes events through a chain of streaming operators.
fn run_chain(ops: &mut [Box<dyn Operator>], evs: Vec<Event>) -> Result<Vec<Event>> {
    let mut cur = evs;
    for op in ops.iter_mut() {
        let mut next = Vec::with_capacity(cur.len());
        for ev in cur {
            op.push(ev, &mut |e| {
                next.push(e);
                Ok(())
            })?;
        }
        op.finish(&mut |e| {
            next.push(e);
            Ok(())
        })?;
        cur = next;
    }
    Ok(cur)
}

impl Operator for ForeachOp {
    fn push(&mut self, ev: Event, out: &mut Emit<'_>) -> Result<()> {
        let iters = self.iterations(&ev);
        let tokens: Vec<String> = self.tokens.all().into_iter().map(String::from).collect();
        let token_refs: Vec<&str> = tokens.iter().map(String::as_str).collect();
        let mut evs = vec![ev];
        for m in iters {
            let item = &self.tokens.item;
            let text = substitute(&self.template, &token_refs, &|tok, alone| {
                match m.get(tok) {
                    // A text item standing alone is a string literal.
                    Some(v) if alone && tok == item && v.trim().parse::<f64>().is_err() => {
                        format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
                    }
                    Some(v) => v.clone(),
                    None => tok.to_string(),
                }
            });
            let ops = self.chain(&text)?;
            evs = run_chain(ops, evs)?;
            if evs.is_empty() {
                break;
            }
        }
        for e in evs {
            out(e)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_and_substitution() {
        assert_eq!(closing_bracket(r#"eval a="]" . b[1]] rest"#), Some(17));
        assert_eq!(closing_bracket("eval a=1"), None);
        let s = substitute(
            "eval <<FIELD>>=<<FIELD>>*2, x=\"<<MATCHSTR>>\"",
            &["<<MATCHSTR>>", "<<FIELD>>"],
            &|t, _| {
                if t == "<<FIELD>>" {
                    "f1".into()
                } else {
                    "1".into()
                }
            },
        );
        assert_eq!(s, "eval f1=f1*2, x=\"1\"");
    }
}
