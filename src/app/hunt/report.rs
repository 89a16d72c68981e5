//! What a hunt reports: detections in name order, and the `--summary`
//! document (counts, and per detection its results or why it did not run).

use super::{Hunt, PassReport};

impl Hunt {
    /// Indices of the detections, sorted by name (then load order).
    pub fn by_name(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.hunters().len()).collect();
        order.sort_by(|&x, &y| {
            self.hunters()[x]
                .name
                .cmp(&self.hunters()[y].name)
                .then(x.cmp(&y))
        });
        order
    }

    /// The `--summary` document.
    pub fn summary(
        &self,
        order: &[usize],
        report: &PassReport,
        rereads: u64,
        seconds: f64,
    ) -> serde_json::Value {
        let with_results = self.hunters().iter().filter(|d| !d.rows.is_empty()).count();
        let results: usize = self.hunters().iter().map(|d| d.rows.len()).sum();
        let dets: Vec<serde_json::Value> = order
            .iter()
            .map(|&i| {
                let d = &self.hunters()[i];
                serde_json::json!({
                    "detection": d.name,
                    "path": d.path.display().to_string(),
                    "runnable": true,
                    "results": d.rows.len(),
                    "events_taken": d.pushed,
                    "whole_events": !d.projected(),
                    "error": d.error.as_ref().map(|e| e.msg.clone()),
                })
            })
            .chain(self.left_out.iter().map(|s| {
                serde_json::json!({
                    "detection": s.name,
                    "path": s.path.display().to_string(),
                    "runnable": true,
                    "left_out": s.reason,
                })
            }))
            .chain(self.skipped.iter().map(|s| {
                serde_json::json!({
                    "detection": s.name,
                    "path": s.path.display().to_string(),
                    "runnable": false,
                    "reason": s.reason,
                    "error": s.detail,
                })
            }))
            .collect();
        let reasons: serde_json::Map<String, serde_json::Value> = self
            .skip_reasons()
            .into_iter()
            .map(|(k, n)| (k, serde_json::json!(n)))
            .collect();
        let failed: Vec<serde_json::Value> = order
            .iter()
            .map(|&i| &self.hunters()[i])
            .filter_map(|d| {
                d.error.as_ref().map(|e| {
                    serde_json::json!({
                        "detection": d.name,
                        "path": d.path.display().to_string(),
                        "error": e.msg,
                    })
                })
            })
            .collect();
        serde_json::json!({
            "loaded": self.loaded,
            "retired": self.retired,
            "runnable": self.hunters().len(),
            "not_runnable": self.skipped.len(),
            "left_out_map": self.left_out.len(),
            "not_runnable_reasons": reasons,
            "events": report.input.events,
            "malformed": report.input.malformed,
            "detections_with_results": with_results,
            "failed": failed,
            "results": results,
            "subsearch_passes": rereads,
            "seconds": seconds,
            "detections": dets,
        })
    }
}
