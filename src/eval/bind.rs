//! Specialising a compiled expression to one value of one field: every read
//! of the field becomes that value, and what then no longer depends on the
//! event is computed once. Search-time knowledge uses it to turn a long
//! `case(EventCode=4688, …, EventCode=4624 OR …, …)` into the one branch an
//! event code reaches, once per code instead of once per event.
//!
//! The result evaluates to the same value, or the same error, as the
//! original on every event whose field holds the bound value. A part is
//! computed at plan time only when it reads no field and calls nothing that
//! varies between calls (`random()`); a part whose computation fails is kept
//! as it was, so the event still meets the error.

use super::{eval, Compiled, Special};
use crate::base::event::Event;
use crate::base::value::Value;
use crate::functions::FnCtx;
use crate::spl::expr::{BinOp, UnOp};

impl Compiled {
    /// The expression with every read of `field` replaced by `value`
    /// (`Null` for a field the event lacks), its constant parts computed.
    pub fn bind(&self, field: &str, value: &Value, ctx: &FnCtx) -> Compiled {
        Binder { field, value, ctx }.bind(self)
    }

    /// The fields compared with a literal (`EventCode=4688`, `x>5`), once per
    /// comparison: how much a [`Compiled::bind`] on each would fold away.
    pub fn compared_fields<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Compiled::Lit(_) | Compiled::Field(_) => {}
            Compiled::Binary(op, l, r) => {
                if is_comparison(*op) {
                    match (l.as_ref(), r.as_ref()) {
                        (Compiled::Field(f), Compiled::Lit(_))
                        | (Compiled::Lit(_), Compiled::Field(f)) => out.push(f),
                        _ => {}
                    }
                }
                l.compared_fields(out);
                r.compared_fields(out);
            }
            Compiled::Unary(_, e) => e.compared_fields(out),
            Compiled::In(e, list) => {
                if let Compiled::Field(f) = e.as_ref() {
                    if list.iter().all(|x| matches!(x, Compiled::Lit(_))) {
                        out.push(f);
                    }
                }
                e.compared_fields(out);
                list.iter().for_each(|x| x.compared_fields(out));
            }
            Compiled::Special(_, args) | Compiled::Call { args, .. } => {
                args.iter().for_each(|x| x.compared_fields(out))
            }
        }
    }

    fn lit(&self) -> Option<&Value> {
        match self {
            Compiled::Lit(v) => Some(v),
            _ => None,
        }
    }
}

fn is_comparison(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq | BinOp::EqEq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
    )
}

/// Evaluating it cannot fail, whatever the event holds: skipping it (as
/// `x AND false` may) loses no error.
fn infallible(c: &Compiled) -> bool {
    match c {
        Compiled::Lit(_) | Compiled::Field(_) => true,
        Compiled::Unary(UnOp::Not, e) => infallible(e),
        Compiled::Binary(op, l, r) => {
            (is_comparison(*op) || matches!(op, BinOp::And | BinOp::Or | BinOp::Xor))
                && infallible(l)
                && infallible(r)
        }
        Compiled::Special(
            Special::IsNull | Special::IsNotNull | Special::True | Special::False | Special::Null,
            args,
        ) => args.iter().all(infallible),
        _ => false,
    }
}

struct Binder<'a> {
    field: &'a str,
    value: &'a Value,
    ctx: &'a FnCtx,
}

impl Binder<'_> {
    fn bind(&self, c: &Compiled) -> Compiled {
        match c {
            Compiled::Lit(v) => Compiled::Lit(v.clone()),
            Compiled::Field(f) if f == self.field => Compiled::Lit(self.value.clone()),
            Compiled::Field(f) => Compiled::Field(f.clone()),
            Compiled::Unary(op, e) => self.fold(Compiled::Unary(*op, Box::new(self.bind(e)))),
            Compiled::Binary(op, l, r) => self.binary(*op, self.bind(l), self.bind(r)),
            Compiled::In(e, list) => self.fold(Compiled::In(
                Box::new(self.bind(e)),
                list.iter().map(|x| self.bind(x)).collect(),
            )),
            Compiled::Call { name, imp, args } => {
                let call = Compiled::Call {
                    name: name.clone(),
                    imp: *imp,
                    args: self.all(args),
                };
                if name == "random" {
                    call
                } else {
                    self.fold(call)
                }
            }
            Compiled::Special(s, args) => self.special(s, args),
        }
    }

    fn all(&self, args: &[Compiled]) -> Vec<Compiled> {
        args.iter().map(|a| self.bind(a)).collect()
    }

    /// The node computed, when all its operands are literals and computing
    /// it succeeds; else the node.
    fn fold(&self, node: Compiled) -> Compiled {
        let operands_fixed = match &node {
            Compiled::Unary(_, e) => e.lit().is_some(),
            Compiled::Binary(_, l, r) => l.lit().is_some() && r.lit().is_some(),
            Compiled::In(e, list) => e.lit().is_some() && list.iter().all(|x| x.lit().is_some()),
            Compiled::Call { args, .. } | Compiled::Special(_, args) => {
                args.iter().all(|x| x.lit().is_some())
            }
            Compiled::Lit(_) | Compiled::Field(_) => false,
        };
        if !operands_fixed {
            return node;
        }
        match eval(&node, &Event::new(), self.ctx) {
            Ok(v) => Compiled::Lit(v),
            Err(_) => node,
        }
    }

    fn binary(&self, op: BinOp, l: Compiled, r: Compiled) -> Compiled {
        let truth = |c: &Compiled| c.lit().map(Value::truthy_bool);
        match op {
            // `false AND x` never reads x; `x AND false` is false once x is
            // read, which cannot fail when x is infallible. OR likewise.
            BinOp::And if truth(&l) == Some(false) => Compiled::Lit(Value::Bool(false)),
            BinOp::And if truth(&r) == Some(false) && infallible(&l) => {
                Compiled::Lit(Value::Bool(false))
            }
            BinOp::Or if truth(&l) == Some(true) => Compiled::Lit(Value::Bool(true)),
            BinOp::Or if truth(&r) == Some(true) && infallible(&l) => {
                Compiled::Lit(Value::Bool(true))
            }
            _ => self.fold(Compiled::Binary(op, Box::new(l), Box::new(r))),
        }
    }

    fn special(&self, s: &Special, args: &[Compiled]) -> Compiled {
        match s {
            Special::If if args.len() == 3 => {
                let cond = self.bind(&args[0]);
                match cond.lit() {
                    Some(v) if v.truthy_bool() => self.bind(&args[1]),
                    Some(_) => self.bind(&args[2]),
                    None => Compiled::Special(
                        Special::If,
                        vec![cond, self.bind(&args[1]), self.bind(&args[2])],
                    ),
                }
            }
            Special::Case => {
                // Pairs whose condition is false go; the first true one ends
                // the list (and is the value when nothing open precedes it).
                let mut kept = Vec::new();
                for pair in args.chunks_exact(2) {
                    let cond = self.bind(&pair[0]);
                    match cond.lit().map(Value::truthy_bool) {
                        Some(false) => {}
                        Some(true) if kept.is_empty() => return self.bind(&pair[1]),
                        Some(true) => {
                            kept.push(Compiled::Lit(Value::Bool(true)));
                            kept.push(self.bind(&pair[1]));
                            break;
                        }
                        None => {
                            kept.push(cond);
                            kept.push(self.bind(&pair[1]));
                        }
                    }
                }
                if kept.is_empty() {
                    Compiled::Lit(Value::Null)
                } else {
                    Compiled::Special(Special::Case, kept)
                }
            }
            Special::Coalesce => {
                // Null literals are passed over; a non-null one ends the list.
                let mut kept = Vec::new();
                for a in args {
                    let a = self.bind(a);
                    match a.lit() {
                        Some(Value::Null) => {}
                        Some(_) => {
                            kept.push(a);
                            break;
                        }
                        None => kept.push(a),
                    }
                }
                match kept.len() {
                    0 => Compiled::Lit(Value::Null),
                    // coalesce(x) is x: its value, or null.
                    1 => kept.pop().expect("one argument"),
                    _ => Compiled::Special(Special::Coalesce, kept),
                }
            }
            Special::IsNull
            | Special::IsNotNull
            | Special::True
            | Special::False
            | Special::Null
            | Special::In
            | Special::Validate
            | Special::Replace(..)
            | Special::Match(_)
            | Special::If => self.fold(Compiled::Special(s.clone(), self.all(args))),
            // The body of mvfilter/mvmap reads the field per value: binding
            // it there would replace each value with the whole.
            Special::MvFilter(f) | Special::MvMap(f) if f == self.field => {
                Compiled::Special(s.clone(), args.to_vec())
            }
            // Read the clock or the event itself (searchmatch), or keep
            // their operands' text (sigfig): bound, never computed here.
            Special::MvFilter(_)
            | Special::MvMap(_)
            | Special::Now
            | Special::SearchMatch(_)
            | Special::SigFig { .. } => Compiled::Special(s.clone(), self.all(args)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn compile(src: &str) -> Compiled {
        crate::eval::compile_text(src).expect("compiles")
    }

    fn ev(pairs: &[(&str, Value)]) -> Event {
        let mut e = Event::new();
        for (k, v) in pairs {
            e.set(*k, v.clone());
        }
        e
    }

    const PROCESS_ID: &str = "case(EventCode=8 OR EventCode=10, SourceProcessId, EventCode=4688, NewProcessId, isnotnull(ProcessId), ProcessId, isnotnull(ProcessID) AND NOT match(Channel, \"(?i)sysmon\"), ProcessID)";

    #[test]
    fn a_case_on_the_bound_field_becomes_its_branch() {
        let c = compile(PROCESS_ID);
        let ctx = FnCtx::default();
        let b = c.bind("EventCode", &Value::Num(4688.0), &ctx);
        assert!(
            matches!(&b, Compiled::Field(f) if f == "NewProcessId"),
            "{b:?}"
        );
        let b = c.bind("EventCode", &Value::Num(10.0), &ctx);
        assert!(
            matches!(&b, Compiled::Field(f) if f == "SourceProcessId"),
            "{b:?}"
        );
        // No code matches: the open conditions stay, in order.
        let b = c.bind("EventCode", &Value::Num(1.0), &ctx);
        assert!(
            matches!(&b, Compiled::Special(Special::Case, a) if a.len() == 4),
            "{b:?}"
        );
    }

    #[test]
    fn bound_expressions_agree_with_the_original_on_every_event() {
        let exprs = [
            PROCESS_ID,
            "case(EventCode=4781, Old, EventCode=4703 OR (EventCode>=4720 AND EventCode<=4742), Target)",
            "coalesce(Name, if(EventCode=20 OR EventCode=21, Consumer, null()), \"none\")",
            "case(isnotnull(p) AND EventCode=1149, p, true(), \"other\")",
            "coalesce(null(), EventCode, x)",
            "if(EventCode IN (1, 4688), split(\"a,b\", \",\"), mvfilter(EventCode > 2))",
            "EventCode . \"-\" . lower(x)",
            "case(EventCode=\"4688\", \"text\", EventCode==4688, \"num\")",
            "validate(EventCode>5, \"small\", isnum(x), \"nan\")",
            "tonumber(\"zz\", 99) + EventCode",
        ];
        let codes = [
            Value::Null,
            Value::Num(4688.0),
            Value::Num(10.0),
            Value::Num(1149.0),
            Value::Num(4725.0),
            Value::Num(20.0),
            Value::Num(1.0),
            Value::from("4688"),
            Value::from("abc"),
        ];
        let ctx = FnCtx::default();
        let others: [&[(&str, Value)]; 3] = [
            &[],
            &[
                ("SourceProcessId", Value::from("s")),
                ("NewProcessId", Value::from("n")),
                ("ProcessID", Value::from("pid")),
                ("Channel", Value::from("Security")),
                ("p", Value::from("pp")),
                ("x", Value::from("X")),
                ("Old", Value::from("o")),
                ("Target", Value::from("t")),
            ],
            &[
                ("ProcessId", Value::from("q")),
                ("Name", Value::from("name")),
                ("Consumer", Value::from("c")),
                ("x", Value::Num(3.0)),
            ],
        ];
        for src in exprs {
            let c = compile(src);
            for code in &codes {
                let b = c.bind("EventCode", code, &ctx);
                for rest in others {
                    let mut e = ev(rest);
                    if !code.is_null() {
                        e.set("EventCode", code.clone());
                    }
                    let want = eval(&c, &e, &ctx).map_err(|e| e.to_string());
                    let got = eval(&b, &e, &ctx).map_err(|e| e.to_string());
                    assert_eq!(got, want, "{src} with EventCode={code:?}: {b:?}");
                }
            }
        }
    }

    #[test]
    fn a_failing_constant_part_is_kept_for_the_event_to_meet() {
        // 1/0 is null in Splunk, but a budget error or a bad call must stay.
        let c = compile("if(EventCode=1, mvrange(0, 100000000), \"x\")");
        let b = c.bind("EventCode", &Value::Num(1.0), &FnCtx::default());
        assert!(matches!(b, Compiled::Call { .. }), "{b:?}");
        assert!(eval(&b, &Event::new(), &FnCtx::default()).is_err());
    }

    #[test]
    fn random_is_never_computed_ahead() {
        let c = compile("if(EventCode=1, random(), 0)");
        let b = c.bind("EventCode", &Value::Num(1.0), &FnCtx::default());
        assert!(
            matches!(&b, Compiled::Call { name, .. } if name == "random"),
            "{b:?}"
        );
    }

    #[test]
    fn compared_fields_counts_comparisons_with_literals() {
        let c = compile(PROCESS_ID);
        let mut out = Vec::new();
        c.compared_fields(&mut out);
        assert_eq!(out, ["EventCode", "EventCode", "EventCode"]);
    }
}
