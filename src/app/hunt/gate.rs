//! The gate on a borrowed event and the equality keys of each detection,
//! from its leading search or its data model's root constraint.

use super::index::{best_req, required, Req};

use crate::commands::datamodel::DatamodelCmd;
use crate::commands::from::{FromCmd, FromSource};
use crate::commands::search::SearchCmd;
use crate::commands::support::pipeline::PlanCtx;
use crate::commands::tstats::{TstatsCmd, TstatsSource};
use crate::spl::ast::Pipeline;
use crate::spl::search_expr::SearchExpr;

/// How an event is tested before it is cloned and pushed.
pub(crate) enum Gate {
    /// [`Plan::accepts`] (the leading search's matcher).
    Plan,
    /// A tstats data model view, shared by the detections on the same
    /// dataset and built once per event, and the tstats `where` on it.
    View {
        view: usize,
        where_: Option<std::sync::Arc<crate::eval::matcher::Matcher>>,
    },
    /// Every event it is offered by the index (a recorder whose detection's
    /// first command waits for a subsearch: the detection's own gate is
    /// applied when the recorded events are replayed).
    Any,
}

/// The requirements of a data model dataset's root constraint, which holds
/// for every dataset below it.
pub(crate) fn root_reqs(ctx: &PlanCtx, model_name: &str, dataset: Option<&str>) -> Vec<Req> {
    let mut reqs = Vec::new();
    let Some(model) = ctx.datamodels().model(model_name) else {
        return reqs;
    };
    let Some(mut i) = dataset.and_then(|d| model.dataset(d)) else {
        return reqs;
    };
    let mut hops = 0;
    while let Some(parent) = &model.datasets[i].parent {
        match model.datasets.iter().position(|d| &d.name == parent) {
            Some(pi) if hops <= model.datasets.len() => i = pi,
            _ => break,
        }
        hops += 1;
    }
    if model.datasets[i].parent.is_none() {
        if let Some(c) = model.datasets[i].constraint.as_deref() {
            let src = crate::commands::src(c);
            if let Ok((_, Some(e))) = crate::spl::search_expr::parse_search(&src, c) {
                reqs.extend(required(&e));
            }
        }
    }
    reqs
}

/// The event fields a pipeline's gate and index key read (its first
/// command's), when they can be told: what an event must hold for a member
/// that needs whole events to be offered it before it is completed. A
/// subsearch in a leading search reads the fields of the rows it returned
/// (`subs`, by the subsearch's text), and for `search`/`query` rows the
/// fields their text names (with `_raw`, for its terms).
pub(crate) fn gate_fields(
    p: &Pipeline,
    ctx: &PlanCtx,
    subs: &std::collections::HashMap<String, Vec<crate::base::event::Event>>,
) -> Option<Vec<String>> {
    let first = p.commands.first()?;
    if let Some(t) = first.cmd.as_any().downcast_ref::<TstatsCmd>() {
        // The gate: the view's constraints and the `where` on it.
        let mut names = Vec::new();
        if let Some(w) = &t.where_ {
            if !crate::spl::fields::search_fields(w, &mut names) {
                return None;
            }
        }
        return match t.view(ctx) {
            Some(v) => v.input_fields(&names),
            None if t.source.is_none() => Some(names),
            None => None,
        };
    }
    if let Some(f) = first.cmd.as_any().downcast_ref::<FromCmd>() {
        // `| from datamodel X.Y`: the datasets' constraints.
        let FromSource::Datamodel { datamodel } = &f.source else {
            return None;
        };
        return ctx
            .datamodels()
            .view(&datamodel.model, datamodel.dataset.as_deref(), &ctx.fn_ctx)
            .ok()?
            .input_fields(&[]);
    }
    if let Some(s) = first.cmd.as_any().downcast_ref::<SearchCmd>() {
        let Some(e) = &s.expr else {
            return Some(Vec::new());
        };
        let mut names = Vec::new();
        let mut known = true;
        e.walk(&mut |x| match x {
            SearchExpr::Subsearch {
                cmp: Some((field, op)),
                pipeline,
                ..
            } => match subs.get(&pipeline.to_string()) {
                // `field>[ … ]`: the comparison its text makes.
                Some(rows) => {
                    known &= crate::eval::matcher::compare_text(field, *op, rows)
                        .is_ok_and(|t| text_fields(&t, &mut names));
                }
                None => known = false,
            },
            SearchExpr::Subsearch { pipeline, .. } => match subs.get(&pipeline.to_string()) {
                Some(rows) => {
                    for r in rows {
                        for (k, v) in r.iter() {
                            if k == "search" || k == "query" {
                                // Search text (`format`, `return`): the
                                // fields it names.
                                known &= v.as_text().is_some_and(|t| text_fields(&t, &mut names));
                            } else {
                                names.push(k.to_string());
                            }
                        }
                    }
                    names.push("_raw".into());
                }
                None => known = false,
            },
            SearchExpr::And { .. } | SearchExpr::Or { .. } | SearchExpr::Not { .. } => {}
            other => known &= crate::spl::fields::search_fields(other, &mut names),
        });
        return known.then_some(names);
    }
    match first.cmd.field_flow() {
        crate::spl::fields::Flow::Reads(v) | crate::spl::fields::Flow::Replaces(v) => Some(v),
        crate::spl::fields::Flow::Any => None,
    }
}

/// Adds the fields a subsearch's search text reads; false when not known.
fn text_fields(text: &str, out: &mut Vec<String>) -> bool {
    let src = crate::spl::lex::Src::new(text);
    match crate::spl::search_expr::parse_search(&src, text) {
        Ok((_, None)) => true,
        Ok((_, Some(e))) => crate::spl::fields::search_fields(&e, out),
        Err(_) => false,
    }
}

/// The gate and index key of a pipeline.
pub(crate) fn gate_and_key(
    p: &Pipeline,
    ctx: &PlanCtx,
    views: &mut Vec<crate::content::datamodels::View>,
    view_keys: &mut Vec<String>,
) -> (Gate, Option<Req>) {
    let Some(first) = p.commands.first() else {
        return (Gate::Plan, None);
    };
    if let Some(s) = first.cmd.as_any().downcast_ref::<SearchCmd>() {
        // A subsearch in it is one more ANDed condition: the others still hold.
        let key = s.expr.as_ref().and_then(|e| best_req(required(e)));
        return (Gate::Plan, key);
    }
    if let Some(f) = first.cmd.as_any().downcast_ref::<FromCmd>() {
        // `| from datamodel X.Y`: gated by the plan (the view's constraints);
        // keyed by the root dataset's constraint.
        let reqs = match &f.source {
            FromSource::Datamodel { datamodel } => {
                root_reqs(ctx, &datamodel.model, datamodel.dataset.as_deref())
            }
            FromSource::Named { .. } => Vec::new(),
        };
        return (Gate::Plan, best_req(reqs));
    }
    if let Some(d) = first.cmd.as_any().downcast_ref::<DatamodelCmd>() {
        let reqs = match &d.model {
            Some(m) => root_reqs(ctx, m, d.dataset.as_deref()),
            None => Vec::new(),
        };
        return (Gate::Plan, best_req(reqs));
    }
    let Some(t) = first.cmd.as_any().downcast_ref::<TstatsCmd>() else {
        return (Gate::Plan, None);
    };
    let Some(TstatsSource::Datamodel { datamodel, .. }) = &t.source else {
        return (Gate::Plan, None);
    };
    let mut reqs = root_reqs(ctx, &datamodel.model, datamodel.dataset.as_deref());
    let vkey = datamodel.to_string().to_ascii_lowercase();
    let view = match view_keys.iter().position(|k| *k == vkey) {
        Some(v) => Some(v),
        None => {
            match ctx
                .datamodels()
                .view(&datamodel.model, datamodel.dataset.as_deref(), &ctx.fn_ctx)
            {
                Ok(v) => {
                    views.push(v);
                    view_keys.push(vkey);
                    Some(views.len() - 1)
                }
                Err(_) => None,
            }
        }
    };
    let Some(view) = view else {
        return (Gate::Plan, best_req(reqs));
    };
    // The where clause tests view fields; those copied from an event field
    // give keys on that field.
    let mut has_sub = false;
    if let Some(w) = &t.where_ {
        w.walk(&mut |x| has_sub |= matches!(x, SearchExpr::Subsearch { .. }));
        for r in required(w) {
            let mapped: Option<Req> = r
                .iter()
                .map(|(f, v)| {
                    views[view]
                        .source_field(f)
                        .map(|src| (src.to_string(), v.clone()))
                })
                .collect();
            reqs.extend(mapped);
        }
    }
    let where_ = match &t.where_ {
        None => None,
        Some(_) if has_sub => return (Gate::Plan, best_req(reqs)),
        Some(w) => match crate::eval::matcher::Matcher::compile(w, ctx) {
            Ok(m) => Some(std::sync::Arc::new(m)),
            Err(_) => return (Gate::Plan, best_req(reqs)),
        },
    };
    (Gate::View { view, where_ }, best_req(reqs))
}
