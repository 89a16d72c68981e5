//! `eval(<expression over aggregations>)` in `chart` and `timechart`
//! (`chart eval(avg(size)/max(delay)) AS ratio BY host user`): planning the
//! aggregations it names and the accumulator that computes the expression
//! over their results once a group is complete.

use crate::base::diag::{Result, SplError};
use crate::base::value::Value;
use crate::commands::stats::Input;
use crate::commands::support::pipeline::PlanCtx;
use crate::commands::support::stats_spark::per_unit_refused;
use crate::eval::{self, Compiled};
use crate::functions::stats::{self, Accumulator};
use crate::functions::FnCtx;
use crate::spl::expr::Expr;

/// A planned `eval(…)` over aggregations: the aggregations it names, each
/// fed like a plain one, and the expression computed over their results
/// once the group is complete.
pub struct Over {
    /// Each aggregation's function and input, in the order they are written.
    inner: Vec<(String, Input)>,
    /// The expression with each aggregation replaced by a field holding its
    /// result (named by [`over_field`]).
    prog: std::sync::Arc<Compiled>,
    ctx: FnCtx,
}

/// The name the expression of an [`Over`] reads its `i`th aggregation's
/// result under (a name no event or search can spell).
fn over_field(i: usize) -> String {
    format!("\u{1}agg{i}")
}

impl Over {
    /// A fresh accumulator for one group.
    pub(crate) fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(OverAcc {
            inner: self
                .inner
                .iter()
                .map(|(f, _)| stats::make(f).expect("checked at plan time"))
                .collect(),
            prog: self.prog.clone(),
            ctx: self.ctx.clone(),
        })
    }

    /// The inputs of the aggregations it names, in order.
    pub(crate) fn inputs(&self) -> impl Iterator<Item = &Input> {
        self.inner.iter().map(|(_, i)| i)
    }

    /// Plans `eval(<expr>)`: each outermost call of a stats function is an
    /// aggregation over a field (`avg(size)`), `eval(<expr>)` (`count(eval(x>1))`)
    /// or nothing (`count()`); a field anywhere else is an error at its
    /// position, since a group has no single value of it.
    /// `per_unit`: per_second … per_day may be named (timechart).
    pub(crate) fn plan(expr: &Expr, ctx: &PlanCtx, per_unit: bool) -> Result<Over> {
        let mut inner = Vec::new();
        let lifted = Self::lift(expr, &mut inner, ctx, per_unit)?;
        Ok(Over {
            inner,
            prog: std::sync::Arc::new(eval::compile(&lifted, &ctx.fn_ctx)?),
            ctx: ctx.fn_ctx.clone(),
        })
    }

    fn lift(
        e: &Expr,
        inner: &mut Vec<(String, Input)>,
        ctx: &PlanCtx,
        per_unit: bool,
    ) -> Result<Expr> {
        Ok(match e {
            Expr::Num { .. } | Expr::Str { .. } => e.clone(),
            Expr::Field { name, span, .. } => {
                return Err(SplError::plan(format!(
                    "field '{name}' is outside an aggregation: an eval over aggregations reads \
                     fields through stats functions, e.g. avg({name})"
                ))
                .at(*span))
            }
            Expr::Call { name, args, span } if stats::lookup(name).is_some() => {
                let (fun, _) = stats::lookup(name).expect("checked");
                if !per_unit && stats::per_unit(name) {
                    return Err(per_unit_refused(name).at(*span));
                }
                let input = match args.as_slice() {
                    [] if fun.arg_optional => Input::Event,
                    [Expr::Field { name, .. }] => Input::Field(name.clone()),
                    [Expr::Call { name: e, args, .. }]
                        if e.eq_ignore_ascii_case("eval") && args.len() == 1 =>
                    {
                        Input::Eval(eval::compile(&args[0], &ctx.fn_ctx)?)
                    }
                    _ => {
                        return Err(SplError::plan(format!(
                            "{name}() in an eval over aggregations takes one field, e.g. \
                             {name}(size)"
                        ))
                        .at(*span))
                    }
                };
                inner.push((name.clone(), input));
                Expr::Field {
                    name: over_field(inner.len() - 1),
                    quoted: true,
                    span: *span,
                }
            }
            Expr::Call { name, args, span } => Expr::Call {
                name: name.clone(),
                args: args
                    .iter()
                    .map(|x| Self::lift(x, inner, ctx, per_unit))
                    .collect::<Result<_>>()?,
                span: *span,
            },
            Expr::Unary { op, expr, span } => Expr::Unary {
                op: *op,
                expr: Box::new(Self::lift(expr, inner, ctx, per_unit)?),
                span: *span,
            },
            Expr::Binary {
                op,
                left,
                right,
                span,
            } => Expr::Binary {
                op: *op,
                left: Box::new(Self::lift(left, inner, ctx, per_unit)?),
                right: Box::new(Self::lift(right, inner, ctx, per_unit)?),
                span: *span,
            },
            Expr::In { expr, list, span } => Expr::In {
                expr: Box::new(Self::lift(expr, inner, ctx, per_unit)?),
                list: list
                    .iter()
                    .map(|x| Self::lift(x, inner, ctx, per_unit))
                    .collect::<Result<_>>()?,
                span: *span,
            },
        })
    }
}

/// The accumulator of an [`Over`]: one accumulator per aggregation it names,
/// and the expression computed over their results.
struct OverAcc {
    inner: Vec<Box<dyn Accumulator>>,
    prog: std::sync::Arc<Compiled>,
    ctx: FnCtx,
}

/// The results of an [`OverAcc`]'s aggregations, as the fields its
/// expression reads (a null result is a missing field).
struct OverFields(Vec<(String, Value)>);

impl crate::base::event::Fields for OverFields {
    fn field(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
    fn each(&self, f: &mut dyn FnMut(&str, &Value)) {
        for (n, v) in &self.0 {
            f(n, v)
        }
    }
}

impl Accumulator for OverAcc {
    fn add(&mut self, _v: &Value, _time: Option<f64>) {}
    fn parts(&self) -> Option<usize> {
        Some(self.inner.len())
    }
    fn add_inner(&mut self, i: usize, v: &Value, time: Option<f64>, arrival: f64) {
        self.inner[i].add_ordered(v, time, arrival);
    }
    fn set_bucket_width(&mut self, secs: f64) {
        for a in &mut self.inner {
            a.set_bucket_width(secs);
        }
    }
    fn result(&self) -> Value {
        let fields = OverFields(
            self.inner
                .iter()
                .enumerate()
                .map(|(i, a)| (over_field(i), a.result()))
                .filter(|(_, v)| !matches!(v, Value::Null))
                .collect(),
        );
        // An expression that fails on these results (a type error the plan
        // could not see) gives no value, as eval's null.
        eval::eval(&self.prog, &fields, &self.ctx).unwrap_or(Value::Null)
    }
    fn state(&self) -> serde_json::Value {
        serde_json::Value::Array(self.inner.iter().map(|a| a.state()).collect())
    }
    fn merge(&mut self, state: &serde_json::Value) -> std::result::Result<(), String> {
        let parts = state
            .as_array()
            .filter(|p| p.len() == self.inner.len())
            .ok_or("an eval over aggregations: state is not one entry per aggregation")?;
        for (a, p) in self.inner.iter_mut().zip(parts) {
            a.merge(p)?;
        }
        Ok(())
    }
}
