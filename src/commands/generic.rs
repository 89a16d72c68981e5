//! Commands spleval recognises but does not run: third-party commands
//! (`apply` from the ML toolkit, `cyberchef`, …) and Splunk commands that
//! are documented but not implemented here. They parse into a generic node
//! (name, options, arguments and subsearches, each with its span) so a
//! search using them still parses, prints back and is reported as
//! *parsed, not runnable*.

use std::any::Any;
use std::fmt;

use serde::Serialize;

use super::ToOperator;
use crate::base::diag::{Result, SplError};
use crate::commands::support::pipeline::{Operator, PlanCtx};
use crate::spl::ast::{Command, CommandKind, Pipeline, Span};
use crate::spl::lex::{self, cut, fail, ws, PResult, Src};

/// Where a recognised-but-not-implemented command comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Provenance {
    /// A command in Splunk's Search Reference that spleval does not run yet.
    Splunk,
    /// An add-on's command (ML toolkit, CyberChef, URL Toolbox, …).
    ThirdParty,
}

/// Every command in Splunk's Search Reference (those spleval implements are
/// found in the registry first).
pub const SPLUNK_COMMANDS: &[&str] = &[
    "abstract",
    "accum",
    "addcoltotals",
    "addinfo",
    "addtotals",
    "analyzefields",
    "anomalies",
    "anomalousvalue",
    "anomalydetection",
    "append",
    "appendcols",
    "appendpipe",
    "arules",
    "associate",
    "audit",
    "autoregress",
    "bin",
    "bucket",
    "bucketdir",
    "chart",
    "cluster",
    "cofilter",
    "collect",
    "concurrency",
    "contingency",
    "convert",
    "correlate",
    "datamodel",
    "dbinspect",
    "dbxquery",
    "dedup",
    "delete",
    "delta",
    "diff",
    "erex",
    "eval",
    "eventcount",
    "eventstats",
    "extract",
    "kv",
    "fieldformat",
    "fields",
    "fieldsummary",
    "filldown",
    "fillnull",
    "findtypes",
    "folderize",
    "foreach",
    "format",
    "from",
    "fromjson",
    "gauge",
    "gentimes",
    "geom",
    "geomfilter",
    "geostats",
    "head",
    "highlight",
    "history",
    "iconify",
    "inputcsv",
    "inputintelligence",
    "inputlookup",
    "iplocation",
    "join",
    "kmeans",
    "kvform",
    "loadjob",
    "localize",
    "localop",
    "lookup",
    "makecontinuous",
    "makemv",
    "makeresults",
    "map",
    "mcatalog",
    "mcollect",
    "metadata",
    "metasearch",
    "meventcollect",
    "mpreview",
    "msearch",
    "mstats",
    "multikv",
    "multisearch",
    "mvcombine",
    "mvexpand",
    "nomv",
    "outlier",
    "outputcsv",
    "outputlookup",
    "outputtext",
    "overlap",
    "pivot",
    "predict",
    "rangemap",
    "rare",
    "redistribute",
    "regex",
    "reltime",
    "rename",
    "replace",
    "require",
    "rest",
    "return",
    "reverse",
    "rex",
    "rtorder",
    "run",
    "savedsearch",
    "script",
    "scrub",
    "search",
    "searchtxn",
    "selfjoin",
    "sendalert",
    "sendemail",
    "set",
    "setfields",
    "sichart",
    "sirare",
    "sistats",
    "sitimechart",
    "sitop",
    "sort",
    "spath",
    "stats",
    "strcat",
    "streamstats",
    "table",
    "tags",
    "tail",
    "timechart",
    "timewrap",
    "tojson",
    "top",
    "transaction",
    "transpose",
    "trendline",
    "tscollect",
    "tstats",
    "typeahead",
    "typelearner",
    "typer",
    "union",
    "uniq",
    "untable",
    "walklex",
    "where",
    "x11",
    "xmlkv",
    "xmlunescape",
    "xpath",
    "xyseries",
];

/// Add-on commands security_content and common SOC content use.
pub const THIRD_PARTY_COMMANDS: &[&str] = &[
    // Machine Learning Toolkit
    "apply",
    "fit",
    "score",
    "summary",
    "sample",
    "deletemodel",
    "listmodels",
    // CyberChef for Splunk
    "cyberchef",
    // URL Toolbox
    "ut_parse",
    "ut_parse_extended",
    "ut_shannon",
    "ut_levenshtein",
    "ut_countset",
    "ut_netloc",
    "ut_suites",
    "ut_meaning",
    "ut_bayesian",
    "ut_markovchain",
    // misc add-ons
    "base64",
    "decrypt",
    "nslookup",
    "whois",
    "tldextract",
    "entropy",
    "lookup_threat",
];

/// Why a known Splunk command that spleval does not implement is not run,
/// where there is more to say than "not implemented".
pub const NOT_RUN_WHY: &[(&str, &str)] = &[
    ("collect", "it writes to a Splunk index"),
    ("mcollect", "it writes to a Splunk metrics index"),
    ("meventcollect", "it writes to a Splunk metrics index"),
    ("tscollect", "it writes tsidx files"),
    ("delete", "it deletes indexed data"),
    ("sendemail", "it sends mail"),
    ("sendalert", "it triggers an alert action"),
    ("outputcsv", "it writes a file on the Splunk server"),
    ("outputtext", "it writes to the Splunk server"),
    ("dbinspect", "it reads Splunk index buckets"),
    ("eventcount", "it counts events in Splunk indexes"),
    ("audit", "it reads Splunk's audit index"),
    ("history", "it reads the Splunk search history"),
    ("loadjob", "it reads a Splunk search job's artifacts"),
    ("savedsearch", "it runs a saved search of a Splunk server"),
    ("inputcsv", "it reads a file on the Splunk server"),
    ("walklex", "it reads index lexicons"),
    ("mcatalog", "it reads a metrics catalog"),
    ("mpreview", "it reads a metrics index"),
    ("msearch", "it reads a metrics index"),
    ("redistribute", "it runs a parallel reduce on a Splunk cluster"),
    (
        "localop",
        "it places work on a search head or indexers, which means nothing offline",
    ),
    ("script", "it runs a script on the Splunk server"),
    ("run", "it runs a script on the Splunk server"),
    ("dbxquery", "it queries a database through DB Connect"),
    (
        "cluster",
        "the reference does not define its similarity measure closely enough to reproduce Splunk's clusters",
    ),
    ("kmeans", "k-means clustering is not implemented"),
    ("predict", "forecasting is not implemented"),
    ("x11", "seasonal decomposition is not implemented"),
    ("sichart", "it writes summary-index statistics"),
    ("sirare", "it writes summary-index statistics"),
    ("sistats", "it writes summary-index statistics"),
    ("sitimechart", "it writes summary-index statistics"),
    ("sitop", "it writes summary-index statistics"),
    (
        "xpath",
        "its page defines paths by Python ElementTree's XPath subset, which no maintained Rust crate implements (spath reads XML)",
    ),
];

/// The reason a known Splunk command is not run, when there is more to say
/// than "not implemented".
pub fn not_run_why(name: &str) -> Option<&'static str> {
    let l = name.to_ascii_lowercase();
    NOT_RUN_WHY.iter().find(|w| w.0 == l).map(|w| w.1)
}

/// Is `name` a command we know of but do not implement?
pub fn provenance(name: &str) -> Option<Provenance> {
    let l = name.to_ascii_lowercase();
    if SPLUNK_COMMANDS.contains(&l.as_str()) {
        Some(Provenance::Splunk)
    } else if THIRD_PARTY_COMMANDS.contains(&l.as_str()) {
        Some(Provenance::ThirdParty)
    } else {
        None
    }
}

/// One argument of a generic command.
#[derive(Debug, Serialize)]
#[serde(tag = "type")]
pub enum Arg {
    Option {
        key: String,
        value: String,
        quoted: bool,
        span: Span,
    },
    Quoted {
        value: String,
        span: Span,
    },
    Word {
        value: String,
        span: Span,
    },
    Comma {
        span: Span,
    },
    Subsearch {
        #[serde(serialize_with = "ser_pipeline")]
        pipeline: Pipeline,
        span: Span,
    },
}

fn ser_pipeline<S: serde::Serializer>(p: &Pipeline, s: S) -> std::result::Result<S::Ok, S::Error> {
    p.to_json().serialize(s)
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Option {
                key, value, quoted, ..
            } => {
                if *quoted || value.is_empty() {
                    write!(f, "{key}={}", lex::quote(value))
                } else {
                    write!(f, "{key}={value}")
                }
            }
            Arg::Quoted { value, .. } => f.write_str(&lex::quote(value)),
            Arg::Word { value, .. } => f.write_str(value),
            Arg::Comma { .. } => f.write_str(","),
            Arg::Subsearch { pipeline, .. } => write!(f, "[{pipeline}]"),
        }
    }
}

#[derive(Debug)]
pub struct GenericCmd {
    pub name: String,
    pub provenance: Provenance,
    pub args: Vec<Arg>,
}

/// Parses the arguments of a recognised command generically.
pub fn parse<'a>(
    src: &Src<'a>,
    name: &str,
    prov: Provenance,
    i: &'a str,
) -> PResult<'a, Box<dyn Command>> {
    let (rest, cmd) = parse_args(src, name, prov, i)?;
    Ok((rest, Box::new(cmd)))
}

/// Parses the arguments of a recognised command generically, into the node.
pub fn parse_args<'a>(
    src: &Src<'a>,
    name: &str,
    prov: Provenance,
    i: &'a str,
) -> PResult<'a, GenericCmd> {
    let mut args = Vec::new();
    let mut rest = ws(i);
    while !lex::at_command_end(rest) {
        let start = rest;
        if let Some(r) = rest.strip_prefix(',') {
            args.push(Arg::Comma {
                span: src.span(start, r),
            });
            rest = ws(r);
            continue;
        }
        if let Some(r) = rest.strip_prefix('[') {
            let (r, pipeline) = cut(crate::spl::parser::pipeline(src, r, true))?;
            let r2 = ws(r);
            let Some(r) = r2.strip_prefix(']') else {
                return cut(fail(r2, "expected ']' to close the subsearch"));
            };
            args.push(Arg::Subsearch {
                pipeline,
                span: src.span(start, r),
            });
            rest = ws(r);
            continue;
        }
        if let Some((r, o)) = lex::option(rest, src) {
            args.push(Arg::Option {
                key: o.key,
                value: o.value,
                quoted: o.quoted,
                span: o.span,
            });
            rest = ws(r);
            continue;
        }
        if rest.starts_with('"') {
            let (r, value) = lex::dquoted(rest)?;
            args.push(Arg::Quoted {
                value,
                span: src.span(start, r),
            });
            rest = ws(r);
            continue;
        }
        let end = word_end(rest);
        if end == 0 {
            return cut(fail(
                rest,
                format!("unexpected input in '{name}' arguments"),
            ));
        }
        let r = &rest[end..];
        args.push(Arg::Word {
            value: rest[..end].to_string(),
            span: src.span(start, r),
        });
        rest = ws(r);
    }
    Ok((
        rest,
        GenericCmd {
            name: name.to_ascii_lowercase(),
            provenance: prov,
            args,
        },
    ))
}

/// A word runs to whitespace, a comma, `|`, `]`, a quote, or an unbalanced `)`.
fn word_end(s: &str) -> usize {
    let mut depth = 0i32;
    let mut in_q = false;
    for (n, c) in s.char_indices() {
        if in_q {
            if c == '"' {
                in_q = false;
            }
            continue;
        }
        match c {
            '"' if n > 0 => in_q = true,
            '"' => return n,
            '(' => depth += 1,
            ')' if depth == 0 => return n,
            ')' => depth -= 1,
            c if depth == 0 && (c.is_whitespace() || matches!(c, ',' | '|' | ']' | '[')) => {
                return n
            }
            _ => {}
        }
    }
    s.len()
}

impl fmt::Display for GenericCmd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        for a in &self.args {
            match a {
                Arg::Comma { .. } => f.write_str(",")?,
                other => write!(f, " {other}")?,
            }
        }
        Ok(())
    }
}

impl Command for GenericCmd {
    fn name(&self) -> &'static str {
        // Names are interned from the known lists so they can be 'static.
        SPLUNK_COMMANDS
            .iter()
            .chain(THIRD_PARTY_COMMANDS)
            .find(|n| **n == self.name)
            .copied()
            .unwrap_or("unknown")
    }
    fn kind(&self) -> CommandKind {
        CommandKind::Streaming
    }
    fn runnable(&self) -> bool {
        false
    }
    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name, "provenance": self.provenance, "generic": true, "args": self.args
        })
    }
    fn subsearches(&self) -> Vec<&Pipeline> {
        self.args
            .iter()
            .filter_map(|a| match a {
                Arg::Subsearch { pipeline, .. } => Some(pipeline),
                _ => None,
            })
            .collect()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl ToOperator for GenericCmd {
    fn plan(&self, _ctx: &PlanCtx) -> Result<Box<dyn Operator>> {
        let why = match self.provenance {
            Provenance::ThirdParty => "it is a third-party command".to_string(),
            Provenance::Splunk => match not_run_why(&self.name) {
                Some(why) => why.to_string(),
                None => "it is not implemented yet".to_string(),
            },
        };
        // The pipeline planner names the command around this reason.
        Err(SplError::plan(why))
    }
}
