//! Every error case of issue 2: the rendered diagnostic (NO_COLOR, snapshot
//! in tests/snapshots/) and the exit code (0 success, 1 runtime or input
//! error, 2 usage, parse or macro error).

use crate::common;

use std::path::{Path, PathBuf};

use crate::common::{root, spleval};

/// What a run printed and returned.
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs spleval in `cwd` (the project root when None) with `stdin`, and
/// replaces `cwd` in the output by `[TMP]` so snapshots do not depend on it.
fn run_in(cwd: Option<&Path>, args: &[&str], stdin: &str) -> Outcome {
    let mut c = spleval();
    if let Some(d) = cwd {
        c.current_dir(d);
    }
    let out = c
        .args(args)
        .write_stdin(stdin.to_string())
        .output()
        .unwrap();
    let clean = |b: &[u8]| {
        let mut s = String::from_utf8_lossy(b).into_owned();
        if let Some(d) = cwd {
            for p in [d.canonicalize().unwrap(), d.to_path_buf()] {
                s = s.replace(&p.display().to_string(), "[TMP]");
            }
        }
        s
    };
    Outcome {
        code: out.status.code().expect("exited"),
        stdout: clean(&out.stdout),
        stderr: clean(&out.stderr),
    }
}

fn run(args: &[&str]) -> Outcome {
    run_in(None, args, "")
}

/// A temporary rules folder in the security_content layout, with our macros.
fn rules_tmp() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("rules/detections")).unwrap();
    std::fs::create_dir_all(d.path().join("rules/macros")).unwrap();
    for e in std::fs::read_dir(root().join("rules/macros")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(
            &p,
            d.path().join("rules/macros").join(p.file_name().unwrap()),
        )
        .unwrap();
    }
    d
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

// ---- limits ----------------------------------------------------------------

#[test]
fn subsearches_nested_past_the_limit() {
    let spl = format!("search {}a=1{}", "[search ".repeat(41), "]".repeat(41));
    let o = run(&["parse", "--spl", &spl]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

// ---- macros ----------------------------------------------------------------

#[test]
fn unknown_macro() {
    let o = run(&["run", "--spl", "`no_such_macro` | stats count"]);
    assert_eq!(o.code, 2);
    assert!(o.stdout.is_empty());
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn unknown_macro_in_a_rule_names_the_yaml_file_and_line() {
    let d = rules_tmp();
    write(
        d.path(),
        "rules/detections/r.yml",
        "name: R\nid: 1\n# a comment line\nsearch: '`o365_graph` | `o365_grahp_filter_x`'\n",
    );
    let o = run_in(Some(d.path()), &["run", "rules/detections/r.yml"], "");
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn wrong_macro_arity() {
    let d = rules_tmp();
    write(
        d.path(),
        "rules/detections/r.yml",
        "name: R\nsearch: '`o365_graph` | stats max(_time) as t | `security_content_ctime(t, u)`'\n",
    );
    let o = run_in(Some(d.path()), &["run", "rules/detections/r.yml"], "");
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
    // Zero arguments is another arity too.
    let o = run(&["expand", "--spl", "`security_content_ctime`"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("wrong_macro_arity_zero", o.stderr);
}

#[test]
fn macro_cycle() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "m/a.yml", "name: a\ndefinition: x=1 `b`\n");
    write(
        d.path(),
        "m/b.yml",
        "name: b\narguments: []\ndefinition: 'y=2 | search `a`'\n",
    );
    let o = run_in(
        Some(d.path()),
        &["run", "--macros", "m", "--spl", "foo `a`"],
        "",
    );
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
    // A macro calling itself.
    write(d.path(), "m/c.yml", "name: c\ndefinition: '`c`'\n");
    let o = run_in(
        Some(d.path()),
        &["expand", "--macros", "m", "--spl", "`c`"],
        "",
    );
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("macro_cycle_self", o.stderr);
}

#[test]
fn parse_error_inside_a_macro_points_into_its_definition() {
    let d = rules_tmp();
    write(
        d.path(),
        "rules/macros/broken.yml",
        "name: broken\ndescription: a macro with an error\ndefinition: 'eval x=lenght(user)'\n",
    );
    write(
        d.path(),
        "rules/detections/r.yml",
        "name: R\nsearch: '`o365_graph` | `broken` | stats count'\n",
    );
    let o = run_in(Some(d.path()), &["run", "rules/detections/r.yml"], "");
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn parse_error_after_a_macro_points_at_the_search() {
    // The definition opens a parenthesis; the parser fails at the `|` that follows
    // the call in the rule's search, and says what the expansion was.
    let d = rules_tmp();
    write(
        d.path(),
        "rules/macros/open.yml",
        "name: open\ndefinition: 'eval x=(1+2'\n",
    );
    write(
        d.path(),
        "rules/detections/r.yml",
        "name: R\nsearch: '`o365_graph` | `open` | stats count'\n",
    );
    let o = run_in(Some(d.path()), &["run", "rules/detections/r.yml"], "");
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn malformed_macro_file() {
    let d = rules_tmp();
    write(
        d.path(),
        "rules/macros/bad.yml",
        "name: bad\ndefinition: [x\n",
    );
    write(
        d.path(),
        "rules/detections/r.yml",
        "name: R\nsearch: '`o365_graph`'\n",
    );
    let o = run_in(Some(d.path()), &["run", "rules/detections/r.yml"], "");
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

// ---- parser ------------------------------------------------------------------

#[test]
fn unknown_command() {
    let o = run(&["run", "--spl", "index=main | frobnicate x=1 | stats count"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn unknown_eval_function() {
    let o = run(&["run", "--spl", "| makeresults | eval x=lenght(\"abc\")"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn wrong_function_arity() {
    let o = run(&["run", "--spl", "| makeresults | eval x=if(a>1, \"y\")"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
    let o = run(&[
        "run",
        "--spl",
        "| makeresults | where len(\"a\", \"b\") > 1",
    ]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("wrong_function_arity_where", o.stderr);
}

/// The alias form of join (`left=L right=R where L.a=R.b`): each misuse.
#[test]
fn join_alias_diagnostics() {
    let many: String = (0..=100).map(|n| format!(" L.a{n}=R.b{n}")).collect();
    let many = format!("a | join left=L right=R where{many} [search b]");
    for (name, spl) in [
        (
            "join_alias_incomplete",
            "a | join left=L right=R [search b]",
        ),
        (
            "join_alias_where_first",
            "a | join where L.a=R.b [search b]",
        ),
        (
            "join_alias_two_where",
            "a | join left=L right=R where L.a=R.b where L.c=R.d [search b]",
        ),
        (
            "join_alias_empty_where",
            "a | join left=L right=R where [search b]",
        ),
        (
            "join_alias_dotted",
            "a | join left=L.x right=R where L.a=R.b [search b]",
        ),
        (
            "join_alias_no_equals",
            "a | join left=L right=R where L.a R.b [search b]",
        ),
        (
            "join_alias_wrong_alias",
            "a | join left=L right=R where L.a=X.b [search b]",
        ),
        (
            "join_alias_same",
            "a | join left=L right=L where L.a=L.b [search b]",
        ),
        (
            "join_alias_and_fields",
            "a | join k left=L right=R where L.a=R.b [search b]",
        ),
        ("join_alias_too_many", many.as_str()),
    ] {
        let o = run(&["run", "--spl", spl]);
        assert_eq!(o.code, 2, "{spl}");
        insta::assert_snapshot!(name, o.stderr);
    }
}

/// `agg=<stats-agg-term>` on chart/timechart: unclosed, or not a function.
#[test]
fn chart_agg_diagnostics() {
    for (name, spl) in [
        (
            "chart_agg_unclosed",
            "* | timechart agg=max(size count by host",
        ),
        (
            "chart_agg_not_a_function",
            "* | chart agg=foo(size) count over a by b",
        ),
    ] {
        let o = run(&["run", "--spl", spl]);
        assert_eq!(o.code, 2, "{spl}");
        insta::assert_snapshot!(name, o.stderr);
    }
}

/// Bin options on chart's split fields and timechart's `minspan=`/`aligntime=`:
/// a bad value is an error at the option.
#[test]
fn chart_bin_option_diagnostics() {
    for (name, spl) in [
        ("chart_bins_zero", "* | chart max(delay) BY size bins=0"),
        ("chart_span_foo", "* | chart count BY date_mday span=foo"),
        (
            "chart_column_span_zero",
            "* | chart count BY date_mday span=3 date_hour span=0",
        ),
        (
            "chart_bins_huge",
            "* | chart count BY size bins=99999999999999999999999",
        ),
        (
            "chart_aligntime_bad",
            "* | chart count BY _time span=12h aligntime=@zz",
        ),
        ("timechart_minspan_foo", "* | timechart minspan=foo count"),
        (
            "timechart_aligntime_latest",
            "* | timechart span=1h aligntime=latest count",
        ),
    ] {
        let o = run(&["run", "--spl", spl]);
        assert_eq!(o.code, 2, "{spl}");
        insta::assert_snapshot!(name, o.stderr);
    }
}

/// An eval over aggregations: outside chart/timechart, a field outside an
/// aggregation, an aggregation with two arguments.
#[test]
fn eval_over_aggregations_diagnostics() {
    for (name, spl) in [
        ("over_aggs_in_stats", "* | stats eval(avg(size) * 2) AS y"),
        (
            "over_aggs_bare_field",
            "* | chart eval(avg(size) / delay) AS r BY host",
        ),
        (
            "over_aggs_two_args",
            "* | timechart eval(max(size, delay)) AS m",
        ),
    ] {
        let o = run(&["run", "--spl", spl]);
        assert_eq!(o.code, 2, "{spl}");
        insta::assert_snapshot!(name, o.stderr);
    }
}

#[test]
fn unterminated_quote() {
    let o = run(&["run", "--spl", "user=\"alice | stats count"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
    let o = run(&["run", "--spl", "| makeresults | eval x=\"abc"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("unterminated_quote_eval", o.stderr);
}

#[test]
fn unbalanced_parenthesis() {
    let o = run(&["run", "--spl", "(a=1 OR b=2 | stats count"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
    let o = run(&["run", "--spl", "a=1 OR b=2) | stats count"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("unbalanced_parenthesis_close", o.stderr);
    let o = run(&["run", "--spl", "| makeresults | eval x=(1+2"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("unbalanced_parenthesis_eval", o.stderr);
}

#[test]
fn unbalanced_bracket() {
    let o = run(&["run", "--spl", "a [search b | fields c"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
    let o = run(&["run", "--spl", "a ] b"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("unbalanced_bracket_close", o.stderr);
}

#[test]
fn bad_option_value() {
    let o = run(&["run", "--spl", "* | head limit=ten"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
    let o = run(&["run", "--spl", "* | dedup user keepempty=maybe"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("bad_option_value_bool", o.stderr);
    let o = run(&["run", "--spl", "| makeresults count=many"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("bad_option_value_count", o.stderr);
}

#[test]
fn eval_boolean_assignment() {
    let o = run(&["run", "--spl", "| makeresults | eval ok=len(\"a\")==1"]);
    assert_eq!(o.code, 2);
    assert!(o.stdout.is_empty());
    insta::assert_snapshot!(o.stderr);
}

// ---- rule files ----------------------------------------------------------------

#[test]
fn rule_file_missing() {
    let o = run(&[
        "run",
        "rules/detections/no_such_rule.yml",
        "rules/samples/o365_graph_signins.jsonl",
    ]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn rule_yaml_malformed() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "bad.yml",
        "name: Broken\nid: 1\nsearch: 'sourcetype=x | stats count\ntags:\n  - a\n",
    );
    let o = run_in(Some(d.path()), &["run", "bad.yml"], "");
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn rule_without_search() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "nosearch.yml",
        "name: No search\nid: 1\ntype: TTP\n",
    );
    let o = run_in(Some(d.path()), &["run", "nosearch.yml"], "");
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn rules_folder_missing() {
    let o = run(&["run", "--rules", "no/such/dir", "--spl", "*"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

// ---- knowledge packs -----------------------------------------------------------

/// Runs a search with a knowledge folder holding `bad.yml`; the pack's error.
fn knowledge_error(yaml: &str) -> Outcome {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "k/bad.yml", yaml);
    let o = run_in(
        Some(d.path()),
        &["run", "--knowledge", "k", "--spl", "| makeresults"],
        "",
    );
    assert_eq!(o.code, 2);
    assert!(o.stdout.is_empty());
    o
}

#[test]
fn knowledge_yaml_malformed() {
    let o = knowledge_error("- name: a\n  sourcetype: [pan:threat\n  kv_mode: none\n");
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn knowledge_too_many_delimited_fields() {
    let fields: Vec<String> = (1..=513).map(|i| format!("f{i}")).collect();
    let o = knowledge_error(&format!(
        "- name: wide\n  sourcetype: csvish\n  extract:\n    - {{regex: 'a=(?<a>\\w+)'}}\n    - delims: ','\n      # one name more than allowed\n      fields: [{}]\n",
        fields.join(", ")
    ));
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn knowledge_regex_too_long() {
    let long = "(?:abcdefgh)?".repeat(700);
    let o = knowledge_error(&format!(
        "- name: long\n  sourcetype: text\n  extract:\n    - in: _raw\n      regex: >-\n        (?<x>a){long}\n"
    ));
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn knowledge_format_names_a_missing_group() {
    let o = knowledge_error(
        "stanzas:\n  - name: kv\n    sourcetype: linux:audit\n    extract:\n      - {regex: '(\\w+)=(\\S+)', format: '$1::$3'}\n",
    );
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn knowledge_timestamp_lookahead_out_of_range() {
    let o = knowledge_error(
        "- name: t\n  sourcetype: text\n  timestamp: {prefix: '^', format: '%s', lookahead: 5000}\n",
    );
    insta::assert_snapshot!(o.stderr);
}

// ---- events ----------------------------------------------------------------

#[test]
fn events_file_missing() {
    let o = run(&["run", common::SEED, "rules/samples/no_such_events.jsonl"]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.is_empty());
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn malformed_json_line_is_skipped_and_counted() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "ev.jsonl",
        "{\"user\":\"a\",\"_time\":1}\n{\"user\": \"b\",\n\n[1,2]\n{\"user\":\"c\",\"_time\":3}\nnot json\n",
    );
    let o = run_in(
        Some(d.path()),
        &[
            "run",
            "--format",
            "json",
            "--spl",
            "* | stats count values(user) as users",
            "ev.jsonl",
        ],
        "",
    );
    // The run goes on: exit 0, the good lines counted.
    assert_eq!(o.code, 0);
    assert_eq!(o.stdout, "{\"count\":2,\"users\":[\"a\",\"c\"]}\n");
    insta::assert_snapshot!(o.stderr);
    // From stdin the file is called stdin.
    let o = run_in(
        None,
        &["run", "--format", "json", "--spl", "* | stats count"],
        "{\"a\":1}\n{oops\n",
    );
    assert_eq!(o.code, 0);
    assert_eq!(o.stdout, "{\"count\":1}\n");
    insta::assert_snapshot!("malformed_json_line_stdin", o.stderr);
}

// ---- command line ------------------------------------------------------------

#[test]
fn spl_and_rule_together_is_a_usage_error() {
    let o = run(&["run", "--spl", "*", common::SEED, common::SEED_SAMPLE]);
    assert_eq!(o.code, 2);
    assert!(o.stdout.is_empty());
    insta::assert_snapshot!(o.stderr);
    let o = run(&["expand", common::SEED, "--spl", "*"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!("spl_and_rule_together_expand", o.stderr);
}

#[test]
fn neither_rule_nor_spl() {
    let o = run(&["run"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn bad_tz() {
    let o = run(&["run", "--tz", "Mars/Olympus_Mons", "--spl", "| makeresults"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn bad_format_is_a_usage_error() {
    let o = run(&["run", "--format", "xml", "--spl", "*"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("invalid value 'xml'"), "{}", o.stderr);
}

#[test]
fn success_and_help_exit_zero() {
    assert_eq!(run(&["run", common::SEED, common::SEED_SAMPLE]).code, 0);
    assert_eq!(run(&["--help"]).code, 0);
    assert_eq!(run(&["expand", common::SEED]).code, 0);
    assert_eq!(run(&["parse", common::SEED]).code, 0);
}

#[test]
fn damaged_evtx_records_and_chunks_are_named() {
    let Some(shared) = crate::common::shared() else {
        return;
    };
    let orig = std::fs::read(
        shared.join("datasets/evtx/AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx"),
    )
    .unwrap();
    let d = tempfile::tempdir().unwrap();
    // Chunk 1's fourth record overwritten, the file cut inside chunk 2.
    let mut data = orig[..4096 + 2 * 65536 + 30000].to_vec();
    let chunk1 = 4096 + 65536;
    let mut off = 512;
    for _ in 0..3 {
        off += u32::from_le_bytes(data[chunk1 + off + 4..chunk1 + off + 8].try_into().unwrap())
            as usize;
    }
    data[chunk1 + off + 24..chunk1 + off + 88].fill(0xff);
    std::fs::write(d.path().join("damaged.evtx"), &data).unwrap();
    let o = run_in(
        Some(d.path()),
        &[
            "run",
            "--format",
            "csv",
            "--no-knowledge",
            "--spl",
            "* | stats count",
            "damaged.evtx",
        ],
        "",
    );
    assert_eq!(o.code, 0);
    insta::assert_snapshot!(o.stderr);
}

// ---- stats functions: per_* outside timechart, bad sparklines -------------

// Search Reference, "Time functions": per_second … per_day are for
// timechart ("You can use this function with the timechart command").
#[test]
fn per_unit_outside_timechart() {
    let o = run(&["run", "--spl", "* | stats per_second(kb) BY host"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn sparkline_zero_span() {
    let o = run(&["run", "--spl", "* | stats sparkline(count, 0s)"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn sparkline_month_span() {
    let o = run(&["run", "--spl", "* | stats sparkline(dc(source),1mon)"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

#[test]
fn sparkline_function_not_allowed() {
    let o = run(&["run", "--spl", "* | stats sparkline(perc95(x))"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}

// "If the sparkline is not scoped to a field, only the count aggregator is
// permitted."
#[test]
fn sparkline_function_without_field() {
    let o = run(&["run", "--spl", "* | stats sparkline(avg)"]);
    assert_eq!(o.code, 2);
    insta::assert_snapshot!(o.stderr);
}
