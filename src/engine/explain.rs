//! `--explain` / `.explain`: per command, rows in, rows out and the time
//! spent in the command itself (not in the commands after it).

use std::time::Duration;

use crate::commands::support::pipeline::StageStats;
use crate::input::Summary;

/// Renders the stage counters as an aligned table, one line per command
/// (stages the planner inserted, such as the search-order sort, in
/// parentheses), then a total line.
pub fn render(stages: &[StageStats], expanded: &str, input: &Summary, total: Duration) -> String {
    let events_read = input.events;
    // The line prefilter, when one ran: lines tested, lines left to parse.
    let prefilter = (!input.prefilter.is_empty()).then(|| {
        let lits: Vec<String> = input.prefilter.iter().map(|l| format!("{l:?}")).collect();
        [
            format!("(prefilter {})", lits.join(" ")),
            input.prefilter_lines.to_string(),
            (input.prefilter_lines - input.prefiltered).to_string(),
            "-".to_string(),
        ]
    });
    let rows: Vec<[String; 4]> = prefilter
        .into_iter()
        .chain(stages.iter().map(|s| {
            [
                command_text(s, expanded),
                s.rows_in.to_string(),
                s.rows_out.to_string(),
                ms(s.time),
            ]
        }))
        .collect();
    let head = [
        "command".to_string(),
        "rows in".to_string(),
        "rows out".to_string(),
        "time".to_string(),
    ];
    let mut width = [0usize; 4];
    for r in std::iter::once(&head).chain(rows.iter()) {
        for (w, c) in width.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in std::iter::once(&head).chain(rows.iter()) {
        let pad = width[0] - r[0].chars().count();
        out.push_str(&format!(
            "{}{}  {:>w1$}  {:>w2$}  {:>w3$}\n",
            r[0],
            " ".repeat(pad),
            r[1],
            r[2],
            r[3],
            w1 = width[1],
            w2 = width[2],
            w3 = width[3],
        ));
    }
    let results = stages.last().map_or(0, |s| s.rows_out);
    out.push_str(&format!(
        "{events_read} event(s) read, {results} result(s), {} in all\n",
        ms(total)
    ));
    out
}

/// The command as written in the expanded search, whitespace collapsed and cut to 50 characters.
fn command_text(s: &StageStats, expanded: &str) -> String {
    let Some(span) = s.span else {
        return s.name.clone();
    };
    let text = expanded.get(span.start..span.end).unwrap_or(&s.name);
    let mut t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !t
        .to_ascii_lowercase()
        .starts_with(&s.name.to_ascii_lowercase())
    {
        // The implicit leading search.
        t = format!("{} {t}", s.name);
    }
    const MAX: usize = 50;
    if t.chars().count() > MAX {
        t = t.chars().take(MAX - 1).collect::<String>() + "…";
    }
    t
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spl::ast::Span;

    #[test]
    fn one_line_per_stage_then_total() {
        let text = "sourcetype=x a=1 | stats count by user";
        let stages = vec![
            StageStats {
                name: "search".into(),
                span: Some(Span::new(0, 16)),
                rows_in: 6,
                rows_out: 4,
                time: Duration::from_micros(12),
            },
            StageStats {
                name: "stats".into(),
                span: Some(Span::new(19, text.len())),
                rows_in: 4,
                rows_out: 2,
                time: Duration::from_micros(30),
            },
        ];
        let input = Summary {
            events: 6,
            ..Default::default()
        };
        let out = render(&stages, text, &input, Duration::from_millis(1));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4, "{out}");
        assert!(lines[1].starts_with("search sourcetype=x a=1"), "{out}");
        assert!(lines[1].ends_with("6         4  0.012 ms"), "{out}");
        assert!(lines[2].starts_with("stats count by user"), "{out}");
        assert_eq!(lines[3], "6 event(s) read, 2 result(s), 1.000 ms in all");
        // With a prefilter: a first line with the lines it tested and kept.
        let input = Summary {
            events: 6,
            prefilter: vec!["whoami.exe".into()],
            prefilter_lines: 100,
            prefiltered: 94,
            ..Default::default()
        };
        let out = render(&stages, text, &input, Duration::from_millis(1));
        let first = out.lines().nth(1).unwrap();
        assert!(first.starts_with("(prefilter \"whoami.exe\")"), "{out}");
        assert!(first.contains(" 100 ") && first.contains(" 6 "), "{out}");
    }
}
