//! The table of what spleval does with each command and function of
//! Splunk's Search Reference (`grammar/commands.md`), generated from the
//! registries: the command registry ([`crate::commands::COMMANDS`]) and the
//! known commands it parses without running ([`crate::commands::generic`]),
//! the eval functions ([`crate::functions::all_names`]) and the stats
//! functions ([`crate::functions::stats::STATS_FUNCTIONS`]). Names the
//! Search Reference documents that no registry has are listed as not
//! supported. `tests/it/catalog_doc.rs` regenerates the table and fails when
//! the file differs; `SPLEVAL_BLESS=1` rewrites it.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::commands::generic::{self, Provenance};

/// What spleval does with a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Runs,
    /// Parsed (options checked, prints back) but planning it is an error.
    ParseOnly,
    /// Not in the registry: parsed generically at most, never run.
    NotSupported,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Runs => "runs",
            Status::ParseOnly => "parse-only",
            Status::NotSupported => "not supported",
        }
    }
}

/// Registry commands that parse but never run, and why (each plans into an
/// error saying so; `tests/it/catalog_doc.rs` checks that).
pub const PARSE_ONLY: &[(&str, &str)] = &[
    (
        "rest",
        "queries a Splunk server's REST API; spleval runs offline",
    ),
    ("mstats", "needs a metric store"),
    ("geostats", crate::commands::geostats::SHAPE.why),
    ("metadata", crate::commands::metadata::SHAPE.why),
    ("tags", crate::commands::tags::SHAPE.why),
    ("typer", crate::commands::typer::SHAPE.why),
];

/// Registry commands that run in some forms only.
pub const PARTLY: &[(&str, &str)] = &[
    ("union", "runs subsearches, `datamodel:` and `inputlookup:` datasets; `savedsearch:` and untyped named datasets are parsed only"),
    ("from", "runs `from datamodel:<model>.<dataset>`, `lookup:<name>` and `inputlookup:<name>`; saved searches are parsed only"),
    ("tstats", "runs over data models and plain events; other namespaces are parsed only"),
    ("datamodel", "runs the `search` and `flat` modes; describing models is parsed only"),
    ("anomalydetection", "runs method=histogram and method=iqr (as outlier, with its action/param/uselower/mark options); method=zscore is parsed only: it performs like anomalousvalue, which spleval does not implement"),
    ("makecontinuous", "runs with span= (seconds-based or numeric); automatic spans, month and log spans are parsed only"),
    ("return", "its text serves a subsearch in a search; eval expressions take no subsearch"),
];

/// The eval functions of the Search Reference's function list.
pub const REFERENCE_EVAL_FUNCTIONS: &[&str] = &[
    // comparison and conditional
    "case",
    "cidrmatch",
    "coalesce",
    "false",
    "if",
    "in",
    "like",
    "lookup",
    "match",
    "null",
    "nullif",
    "searchmatch",
    "true",
    "validate",
    // conversion
    "ipmask",
    "printf",
    "tonumber",
    "tostring",
    // cryptographic
    "md5",
    "sha1",
    "sha256",
    "sha512",
    // date and time
    "now",
    "relative_time",
    "strftime",
    "strptime",
    "time",
    // informational
    "isarray",
    "isbool",
    "isdouble",
    "isint",
    "ismv",
    "isnotnull",
    "isnull",
    "isnum",
    "isobject",
    "isstr",
    "typeof",
    // JSON
    "json_append",
    "json_array",
    "json_array_to_mv",
    "json_delete",
    "json_entries",
    "json_extend",
    "json_extract",
    "json_extract_exact",
    "json_has_key_exact",
    "json_keys",
    "json_object",
    "json_set",
    "json_set_exact",
    "json_valid",
    // mathematical
    "abs",
    "ceiling",
    "exact",
    "exp",
    "floor",
    "ln",
    "log",
    "pi",
    "pow",
    "round",
    "sigfig",
    "sqrt",
    "sum",
    // multivalue
    "commands",
    "mvappend",
    "mvcount",
    "mvdedup",
    "mvfilter",
    "mvfind",
    "mvindex",
    "mvjoin",
    "mvmap",
    "mvrange",
    "mvsort",
    "mvzip",
    "mv_to_json_array",
    "split",
    // statistical
    "avg",
    "max",
    "min",
    "random",
    // text
    "len",
    "lower",
    "ltrim",
    "replace",
    "rtrim",
    "spath",
    "substr",
    "trim",
    "upper",
    "urldecode",
    // trigonometry and hyperbolic
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "cos",
    "cosh",
    "hypot",
    "sin",
    "sinh",
    "tan",
    "tanh",
    // bitwise
    "bit_and",
    "bit_or",
    "bit_not",
    "bit_xor",
    "bit_shift_left",
    "bit_shift_right",
];

/// The statistical and charting functions of the Search Reference.
pub const REFERENCE_STATS_FUNCTIONS: &[&str] = &[
    "avg",
    "count",
    "distinct_count",
    "dc",
    "estdc",
    "estdc_error",
    "exactperc",
    "max",
    "mean",
    "median",
    "min",
    "mode",
    "perc",
    "range",
    "stdev",
    "stdevp",
    "sum",
    "sumsq",
    "upperperc",
    "var",
    "varp",
    "first",
    "last",
    "list",
    "values",
    "earliest",
    "earliest_time",
    "latest",
    "latest_time",
    "per_day",
    "per_hour",
    "per_minute",
    "per_second",
    "rate",
    "rate_avg",
    "rate_sum",
    "sparkline",
];

/// One row: name, status, note.
pub type Row = (String, Status, String);

/// Every command: the registry's, then the known ones it does not run.
pub fn commands() -> Vec<Row> {
    let mut rows: BTreeMap<String, (Status, String)> = BTreeMap::new();
    for c in crate::commands::COMMANDS {
        let (status, mut note) = if let Some((_, why)) = PARSE_ONLY.iter().find(|p| p.0 == c.name) {
            (Status::ParseOnly, why.to_string())
        } else if let Some((_, how)) = PARTLY.iter().find(|p| p.0 == c.name) {
            (Status::Runs, how.to_string())
        } else {
            (Status::Runs, String::new())
        };
        if !c.aliases.is_empty() {
            let a = format!("alias {}", c.aliases.join(", "));
            note = if note.is_empty() {
                a
            } else {
                format!("{a}; {note}")
            };
        }
        rows.insert(c.name.to_string(), (status, note));
    }
    for name in generic::SPLUNK_COMMANDS {
        if crate::commands::lookup(name).is_some() {
            continue;
        }
        let why = generic::not_run_why(name).unwrap_or("not implemented");
        rows.entry(name.to_string()).or_insert((
            Status::NotSupported,
            format!("parsed generically, not run: {why}"),
        ));
    }
    for name in generic::THIRD_PARTY_COMMANDS {
        if crate::commands::lookup(name).is_some() {
            continue;
        }
        debug_assert_eq!(generic::provenance(name), Some(Provenance::ThirdParty));
        rows.entry(name.to_string()).or_insert((
            Status::NotSupported,
            "parsed generically, not run: an add-on's command".to_string(),
        ));
    }
    rows.into_iter().map(|(n, (s, w))| (n, s, w)).collect()
}

/// Every eval function: the registry's, then the reference's others.
pub fn eval_functions() -> Vec<Row> {
    let mut rows: BTreeMap<String, (Status, String)> = BTreeMap::new();
    for n in crate::functions::all_names() {
        let note = if REFERENCE_EVAL_FUNCTIONS.contains(&n) {
            ""
        } else {
            "not in the reference's function list (an alias or an extension)"
        };
        rows.insert(n.to_string(), (Status::Runs, note.to_string()));
    }
    for n in REFERENCE_EVAL_FUNCTIONS {
        rows.entry(n.to_string())
            .or_insert((Status::NotSupported, "not implemented".to_string()));
    }
    rows.into_iter().map(|(n, (s, w))| (n, s, w)).collect()
}

/// Every stats function (names and aliases): the registry's, then the reference's others.
pub fn stats_functions() -> Vec<Row> {
    let mut rows: BTreeMap<String, (Status, String)> = BTreeMap::new();
    for f in crate::functions::stats::STATS_FUNCTIONS {
        let note = if crate::functions::stats::per_unit(f.name) {
            "timechart only".to_string()
        } else if f.aliases.is_empty() {
            String::new()
        } else {
            format!("also {}", f.aliases.join(", "))
        };
        rows.insert(f.name.to_string(), (Status::Runs, note));
        for a in f.aliases {
            rows.insert(
                a.to_string(),
                (Status::Runs, format!("alias of {}", f.name)),
            );
        }
    }
    for n in REFERENCE_STATS_FUNCTIONS {
        if crate::functions::stats::lookup(n).is_some() && !rows.contains_key(*n) {
            rows.insert(n.to_string(), (Status::Runs, String::new()));
        }
        rows.entry(n.to_string())
            .or_insert((Status::NotSupported, "not implemented".to_string()));
    }
    rows.into_iter().map(|(n, (s, w))| (n, s, w)).collect()
}

fn table(out: &mut String, title: &str, what: &str, rows: &[Row]) {
    let count = |s: Status| rows.iter().filter(|r| r.1 == s).count();
    let _ = writeln!(out, "## {title}\n");
    let _ = writeln!(
        out,
        "{} {what}: {} run, {} parse only, {} not supported.\n",
        rows.len(),
        count(Status::Runs),
        count(Status::ParseOnly),
        count(Status::NotSupported)
    );
    let _ = writeln!(out, "| name | status | notes |");
    let _ = writeln!(out, "| --- | --- | --- |");
    for (n, s, w) in rows {
        let w = w.replace('|', "\\|");
        let _ = writeln!(out, "| `{n}` | {} | {w} |", s.label());
    }
    out.push('\n');
}

/// The whole of `grammar/commands.md`.
pub fn render() -> String {
    let mut out = String::new();
    out.push_str(
        "<!-- Generated from the registries by src/catalog.rs; do not edit.\n     \
         Regenerate: SPLEVAL_BLESS=1 cargo test --release --test it catalog -->\n\n",
    );
    out.push_str("# Commands and functions: what spleval does with each\n\n");
    out.push_str(
        "*runs*: spleval runs it (notes say when only some forms run). \
         *parse-only*: it parses, with its options checked, and prints back, \
         but planning it is an error saying why. *not supported*: a name the \
         Search Reference (or a common add-on) documents that spleval has no \
         implementation of; a command of that kind still parses generically, \
         so a search using it can be read and checked, and is reported as not \
         runnable. Differences from Splunk in what runs are listed in \
         `grammar/README.md`, \"Differences we chose\".\n\n",
    );
    table(&mut out, "Commands", "commands", &commands());
    table(&mut out, "Eval functions", "functions", &eval_functions());
    table(&mut out, "Stats functions", "functions", &stats_functions());
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
