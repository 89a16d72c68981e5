//! Hostile input ends in a clear error or the right answer, never a crash:
//! nesting and pipeline limits, macro expansion budgets, printf sizes,
//! a closed standard output, transaction over many keys.

use std::fs;

use spleval::spl::lex::MAX_DEPTH;

use crate::common::{self, spleval};

fn rule(dir: &std::path::Path, name: &str, search: &str) -> std::path::PathBuf {
    fs::create_dir_all(dir.join("macros")).unwrap();
    let p = dir.join(name);
    fs::write(
        &p,
        format!(
            "name: t\nsearch: {}\n",
            serde_json::to_string(search).unwrap()
        ),
    )
    .unwrap();
    p
}

/// Right under the limit everything works on a 2 MiB stack (rayon's and
/// the test harness's), parsing, evaluating and dropping; one more level
/// is an error at its place.
#[test]
fn nesting_up_to_the_limit_works_on_a_small_stack_and_past_it_is_an_error() {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let n = MAX_DEPTH - 1;
            let parens = "(".repeat(n) + "1" + &")".repeat(n);
            let c = spleval::eval::compile_text(&parens).unwrap();
            let ctx = spleval::functions::FnCtx::default();
            let ev = spleval::base::event::Event::new();
            assert_eq!(
                spleval::eval::eval(&c, &ev, &ctx).unwrap().to_display(","),
                "1"
            );
            let chain = vec!["1"; n].join("+");
            let c = spleval::eval::compile_text(&chain).unwrap();
            assert_eq!(
                spleval::eval::eval(&c, &ev, &ctx).unwrap().to_display(","),
                n.to_string()
            );
            let search = format!("search {}a=1{}", "(".repeat(n), ")".repeat(n));
            let p = spleval::commands::parse_pipeline(&search).unwrap();
            drop(p);
            let nots = format!("search {}a=1", "NOT ".repeat(n));
            spleval::commands::parse_pipeline(&nots).unwrap();
            // Subsearches take many frames a level: their own limit.
            let k = spleval::spl::lex::MAX_SUBSEARCH_DEPTH;
            let subs = |k: usize| format!("search {}a=1{}", "[search ".repeat(k), "]".repeat(k));
            spleval::commands::parse_pipeline(&subs(k)).unwrap();
            let e = spleval::commands::parse_pipeline(&subs(k + 1)).unwrap_err();
            assert!(e.msg.contains("subsearches nested too deeply"), "{e:?}");
            // One level more.
            let e = spleval::eval::compile_text(&format!("(({parens}))")).unwrap_err();
            assert!(e.contains("nested too deeply"), "{e}");
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn deep_nesting_is_an_error_at_its_place() {
    let t = tempfile::tempdir().unwrap();
    let deep = format!("search {}a=1{}", "(".repeat(10_000), ")".repeat(10_000));
    let r = rule(t.path(), "deep.yml", &deep);
    let out = spleval().args(["parse"]).arg(&r).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nested too deeply: more than 400 levels"),
        "{err}"
    );
    // The caret is at the 401st parenthesis: column 8 + 400.
    assert!(err.contains("deep.yml:2 (search):1:408"), "{err}");
    // Long flat chains too: 20,000 ANDs in where, 20,000 terms in eval.
    let and = format!(
        "| makeresults | where {}",
        vec!["x=1"; 20_000].join(" AND ")
    );
    let r = rule(t.path(), "and.yml", &and);
    let out = spleval()
        .args(["run", "--rules"])
        .arg(t.path())
        .arg(&r)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nested too deeply"));
    // A flat OR of 20,000 search terms is a list, not a nest: it runs.
    let or = format!(
        "| makeresults | eval x=19999 | search {}",
        (0..20_000)
            .map(|i| format!("x={i}"))
            .collect::<Vec<_>>()
            .join(" OR ")
    );
    let r = rule(t.path(), "or.yml", &or);
    let out = spleval()
        .args(["run", "--format", "json", "--rules"])
        .arg(t.path())
        .arg(&r)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(common::rows(&out.stdout).len(), 1);
}

#[test]
fn too_many_commands_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    let long = format!("| makeresults {}", "| eval x=1 ".repeat(20_000));
    let r = rule(t.path(), "long.yml", &long);
    let out = spleval().args(["parse"]).arg(&r).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("too many commands: a search may have at most 1000"),
        "{err}"
    );
    let ok = format!("| makeresults {}", "| eval x=1 ".repeat(998));
    let r = rule(t.path(), "ok.yml", &ok);
    let out = spleval().args(["parse"]).arg(&r).output().unwrap();
    assert!(out.status.success());
}

/// A macro calling the next one twice, 39 levels deep: 2^39 calls.
#[test]
fn exponential_macro_expansion_stops_with_its_chain() {
    let t = tempfile::tempdir().unwrap();
    let m = t.path().join("macros");
    fs::create_dir_all(&m).unwrap();
    for i in 0..39 {
        fs::write(
            m.join(format!("m{i}.yml")),
            format!("name: m{i}\ndefinition: '`m{}` `m{}`'\n", i + 1, i + 1),
        )
        .unwrap();
    }
    fs::write(m.join("m39.yml"), "name: m39\ndefinition: 'x=1'\n").unwrap();
    let r = rule(t.path(), "b.yml", "`m0` | stats count");
    let out = spleval()
        .args(["expand", "--rules"])
        .arg(t.path())
        .arg(&r)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("macro expansion too large: more than 100000 macro calls"),
        "{err}"
    );
    assert!(err.contains("m0 ->"), "the chain is named: {err}");
    let out = spleval()
        .args(["macro", "check", "--rules"])
        .arg(t.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).is_empty());
}

#[test]
fn dedup_with_a_negative_count_is_an_error() {
    let out = spleval()
        .args(["run", "--spl", "| makeresults | eval x=1 | dedup -1 x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}

/// `>&-`: results have nowhere to go; that is an error, not exit 0. A
/// reader that goes away (`| head`) stays quiet.
#[test]
fn closed_stdout_is_an_error() {
    let bin = assert_cmd::cargo::cargo_bin("spleval");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' run --spl '| makeresults count=3' >&-",
            bin.display()
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard output is closed"));
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' run --format json --spl '| makeresults count=100000' | head -1",
            bin.display()
        ))
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}

/// 40,000 transactions, one per id: each event its own transaction (the
/// open ones are found by value, not by a scan of all of them).
#[test]
fn transaction_over_many_distinct_ids() {
    let mut events = String::new();
    for i in 0..40_000 {
        events.push_str(&format!(
            "{{\"_time\":{},\"id\":\"u{}\"}}\n",
            1_700_000_000 + i,
            i % 20_000
        ));
    }
    let out = spleval()
        .args([
            "run",
            "--format",
            "json",
            "--spl",
            "* | transaction id | stats count by eventcount",
        ])
        .write_stdin(events)
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows = common::rows(&out.stdout);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["eventcount"], 2);
    assert_eq!(rows[0]["count"], 20000);
}

/// Replaces the temporary folder's path, so snapshots do not depend on it.
fn scrub(text: &[u8], dir: &std::path::Path) -> String {
    let t = String::from_utf8_lossy(text).replace(&dir.display().to_string(), "[DIR]");
    // Where a diagnostic wraps the path.
    regex::Regex::new(r"/tmp/\.tmp\w+")
        .unwrap()
        .replace_all(&t, "[DIR]")
        .into_owned()
}

/// In a folder: a binary file is skipped with one warning (an `.evtx`
/// would be read), a FIFO is never opened (it would hang), a file that
/// cannot be opened is warned about and skipped; the others are read, and
/// the exit status says something was skipped.
#[test]
fn folder_with_binary_fifo_and_unreadable_files() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    fs::write(d.join("a.json"), "{\"x\":\"1\"}\n").unwrap();
    let mut bin = b"\x7fELF\x02\x01\x01\0\0\0\0\0".to_vec();
    bin.extend((0..4000u32).map(|i| (i * 7 % 256) as u8));
    fs::write(d.join("b.bin"), &bin).unwrap();
    let st = std::process::Command::new("mkfifo")
        .arg(d.join("d.fifo"))
        .status()
        .unwrap();
    assert!(st.success());
    std::os::unix::fs::symlink(d.join("missing.json"), d.join("e.json")).unwrap();
    let out = spleval()
        .args(["run", "--format", "json", "--spl", "* | stats count"])
        .arg(d)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "an unreadable file: exit 1");
    assert_eq!(common::rows(&out.stdout)[0]["count"], 1, "a.json");
    insta::assert_snapshot!(scrub(&out.stderr, d));
    // Without the unreadable one: exit 0, the binary and FIFO still warned.
    fs::remove_file(d.join("e.json")).unwrap();
    let out = spleval()
        .args(["run", "--format", "json", "--spl", "* | stats count"])
        .arg(d)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.matches("b.bin").count(),
        1,
        "one warning per file: {err}"
    );
    assert!(err.contains("d.fifo: a FIFO, not a regular file"), "{err}");
}

/// A `{"results":[…]}` export with elements that are not objects: each is
/// warned about with its position, the others are events.
#[test]
fn export_with_odd_elements_keeps_the_objects() {
    let t = tempfile::tempdir().unwrap();
    let f = t.path().join("export.json");
    fs::write(
        &f,
        "{\"results\":[{\"a\":\"1\"},42,{\"a\":\"2\"},\"x\",null]}\n",
    )
    .unwrap();
    let out = spleval()
        .args(["run", "--format", "json", "--spl", "* | table a"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(common::col(&common::rows(&out.stdout), "a"), ["1", "2"]);
    insta::assert_snapshot!(scrub(&out.stderr, t.path()));
    // Pretty-printed, read as a document: the same.
    fs::write(
        &f,
        "{\n  \"results\": [\n    {\"a\": \"1\"},\n    [1],\n    {\"a\": \"2\"}\n  ]\n}\n",
    )
    .unwrap();
    let out = spleval()
        .args(["run", "--format", "json", "--spl", "* | table a"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(common::col(&common::rows(&out.stdout), "a"), ["1", "2"]);
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("result 2 of 3 is not a JSON object but an array"));
}

fn run_both(file: &std::path::Path, spl: &str) -> [(String, String); 2] {
    [true, false].map(|projection| {
        let mut cmd = spleval();
        cmd.env_remove("SPLEVAL_NO_PREFILTER");
        if projection {
            cmd.env_remove("SPLEVAL_NO_PROJECTION");
        } else {
            cmd.env("SPLEVAL_NO_PREFILTER", "1");
            cmd.env("SPLEVAL_NO_PROJECTION", "1");
        }
        let out = cmd
            .args(["run", "--no-knowledge", "--format", "json", "--spl", spl])
            .arg(file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
}

/// Numbers f64 cannot hold exactly keep their text (as Splunk does), on the
/// projecting path and the whole-event path alike.
#[test]
fn numbers_beyond_f64_keep_their_text() {
    let t = tempfile::tempdir().unwrap();
    let f = t.path().join("n.json");
    fs::write(
        &f,
        "{\"a\":1e400,\"b\":123456789012345678901234567890,\"c\":1.50,\"d\":{\"e\":[1e-400,-0.1]},\"f\":9007199254740993}\n",
    )
    .unwrap();
    for (out, err) in run_both(&f, "* | table a b c d.e{} f") {
        assert!(err.is_empty(), "{err}");
        let rows = common::rows(out.as_bytes());
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["a"], "1e400");
        assert_eq!(rows[0]["b"], "123456789012345678901234567890");
        assert_eq!(rows[0]["c"], "1.5");
        assert_eq!(rows[0]["d.e{}"], serde_json::json!(["1e-400", "-0.1"]));
        assert_eq!(rows[0]["f"], "9007199254740993");
    }
}

/// JSON values that break one reader or the other.
const NASTY: &[&str] = &[
    "\"plain\"",
    "\"raw\u{1}control\ttab\"",
    "\"esc\\u0041\\n\"",
    "\"bad escape \\q\"",
    "\"lone \\ud800 surrogate\"",
    "\"low \\udc00 alone\"",
    "\"pair \\ud83d\\ude00\"",
    "1e400",
    "-1e400",
    "1e-400",
    "123456789012345678901234567890",
    "12345678901234567",
    "0.1234567890123456789",
    "1.50",
    "-0",
    "01",
    "1.",
    ".5",
    "1.2.3",
    "--1",
    "+1",
    "1e",
    "true",
    "tru",
    "null",
    "[1 2]",
    "[1,]",
    "{\"k\" 1}",
    "{\"k\":1,}",
    "[]",
    "{}",
    "{\"k\":[1,{\"m\":\"v\"}]}",
    "[\"a\",[\"b\"]]",
];

fn nasty_value(rng: &mut rand::rngs::StdRng) -> String {
    use rand::Rng;
    match rng.random_range(0..10) {
        // Deep nesting around the limits (the scanner's 100, serde_json's 128).
        0 => {
            let n = [5, 99, 100, 101, 126, 127, 128, 129, 2000][rng.random_range(0..9)];
            let (o, c) = if rng.random_bool(0.5) {
                ("[", "]")
            } else {
                ("{\"k\":", "}")
            };
            format!("{}1{}", o.repeat(n), c.repeat(n))
        }
        _ => NASTY[rng.random_range(0..NASTY.len())].to_string(),
    }
}

/// One answer whatever path reads a field: over generated nasty events
/// (duplicate keys, raw control characters, bad escapes and surrogates,
/// numbers beyond f64 and not numbers at all, broken structure in values
/// nobody reads, deep nesting, invalid UTF-8), the projecting scanner and
/// the whole-event reader give the same results and the same warnings.
#[test]
fn projection_and_whole_event_agree_on_nasty_events() {
    use rand::{Rng, SeedableRng};
    let t = tempfile::tempdir().unwrap();
    let keys = ["a", "b", "c", "x"];
    for seed in [1u64, 2, 3] {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let mut data: Vec<u8> = Vec::new();
        for _ in 0..600 {
            let n = rng.random_range(1..6);
            let mut fields = Vec::new();
            for _ in 0..n {
                let k = keys[rng.random_range(0..keys.len())];
                fields.push(format!("\"{k}\":{}", nasty_value(&mut rng)));
            }
            let mut line = format!("{{{}}}", fields.join(",")).into_bytes();
            if rng.random_range(0..25) == 0 {
                // An invalid UTF-8 byte somewhere.
                let at = rng.random_range(1..line.len());
                line.insert(at, 0xff);
            }
            data.extend(line);
            data.push(b'\n');
        }
        let f = t.path().join(format!("nasty-{seed}.json"));
        fs::write(&f, &data).unwrap();
        for spl in [
            "* | table a",
            "* | table a b",
            "* | stats count by c",
            "* | stats values(a.k) as v count by b",
            "* | eval n=mvcount(a{}) | stats count by n",
            "* | table _raw",
        ] {
            let [(p_out, p_err), (w_out, w_err)] = run_both(&f, spl);
            assert_eq!(p_out, w_out, "seed {seed}, {spl}");
            assert_eq!(p_err, w_err, "seed {seed}, {spl}");
        }
    }
}

/// `filter --write` edits the definition in the file that defines the
/// macro in force (here not the file named after it), and keeps every
/// other byte: comments, other keys, their order.
#[test]
fn filter_write_edits_the_defining_file_in_place() {
    const FILTER: &str = "o365_user_consent_denied_for_oauth_application_filter";
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("rules");
    fs::create_dir_all(root.join("detections")).unwrap();
    fs::create_dir_all(root.join("macros")).unwrap();
    fs::copy(
        common::root().join(common::SEED),
        root.join("detections/seed.yml"),
    )
    .unwrap();
    for m in fs::read_dir(common::root().join("rules/macros")).unwrap() {
        let m = m.unwrap().path();
        fs::copy(&m, root.join("macros").join(m.file_name().unwrap())).unwrap();
    }
    let before = format!(
        "# Our tuning, reviewed 2026-11-02.\nname: {FILTER}\n# keep the old one for reference:\n#   search *\ndefinition: |\n  search *\nowner: secops   # who to ask\ndescription: Site filter.\n"
    );
    let defining = root.join("macros/site_tuning.yml");
    fs::write(&defining, &before).unwrap();
    let with = "search NOT user=\"bob@*\"";
    let out = spleval()
        .args(["filter", "--write", "--with", with])
        .arg(root.join("detections/seed.yml"))
        .arg(common::SEED_SAMPLE)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !root.join(format!("macros/{FILTER}.yml")).exists(),
        "no file named after the macro"
    );
    let after = fs::read_to_string(&defining).unwrap();
    assert_eq!(
        after,
        before.replace("|\n  search *\n", "\"search NOT user=\\\"bob@*\\\"\"\n")
    );
    assert_eq!(
        spleval::content::macros::load_file(&defining)
            .unwrap()
            .definition,
        with
    );
    // No temporary file left behind.
    let names: Vec<String> = fs::read_dir(root.join("macros"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");
}

/// `outputlookup` writes through a temporary file renamed over the table:
/// the table is whole afterwards and no temporary file is left.
#[test]
fn outputlookup_writes_whole_tables() {
    let t = tempfile::tempdir().unwrap();
    fs::create_dir_all(t.path().join("lookups")).unwrap();
    fs::write(t.path().join("lookups/t.csv"), "a\nold\n").unwrap();
    let out = spleval()
        .args(["run", "--write-lookups", "--format", "json", "--rules"])
        .arg(t.path())
        .args([
            "--spl",
            "| makeresults count=3 | streamstats count as a | table a | outputlookup t.csv",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        fs::read_to_string(t.path().join("lookups/t.csv")).unwrap(),
        "a\n1\n2\n3\n"
    );
    assert_eq!(fs::read_dir(t.path().join("lookups")).unwrap().count(), 1);
}

/// Lookups read and written resolve inside `lookups/` after following
/// symbolic links: `..`, a symlinked folder leading out, a link to nothing
/// are refused with a clear error.
#[test]
fn lookup_paths_stay_inside_the_folder() {
    let t = tempfile::tempdir().unwrap();
    let rules = t.path().join("rules");
    let lk = rules.join("lookups");
    let outside = t.path().join("outside");
    fs::create_dir_all(&lk).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("secret.csv"), "a\nsecret\n").unwrap();
    std::os::unix::fs::symlink(&outside, lk.join("away")).unwrap();
    std::os::unix::fs::symlink(outside.join("nothing.csv"), lk.join("dangling.csv")).unwrap();
    let run = |spl: &str| {
        let out = spleval()
            .current_dir(t.path())
            .args([
                "run",
                "--write-lookups",
                "--format",
                "json",
                "--rules",
                "rules",
            ])
            .args(["--spl", spl])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{spl}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        scrub(&out.stderr, t.path())
    };
    let mut all = String::new();
    for spl in [
        "| inputlookup ../outside/secret.csv",
        "| inputlookup away/secret.csv",
        "| makeresults | eval a=1 | table a | outputlookup away/new.csv",
        "| makeresults | eval a=1 | table a | outputlookup dangling.csv",
        "| makeresults | eval a=1 | table a | outputlookup /../../tmp/x.csv",
    ] {
        all.push_str(&format!("$ {spl}\n{}\n", run(spl)));
    }
    insta::assert_snapshot!(all);
    assert!(!outside.join("new.csv").exists());
    assert!(!outside.join("nothing.csv").exists());
}

/// `spleval test` reads attack_data only inside `--data`.
#[test]
fn test_datasets_stay_inside_the_data_folder() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    fs::create_dir_all(&data).unwrap();
    fs::write(t.path().join("secret.log"), "{\"user\":\"x\"}\n").unwrap();
    std::os::unix::fs::symlink(t.path(), data.join("up")).unwrap();
    let det = t.path().join("det.yml");
    fs::write(
        &det,
        "name: t\nsearch: '* | stats count by user'\ntests:\n- name: dotdot\n  attack_data:\n  - data: ../secret.log\n- name: rooted\n  attack_data:\n  - data: /../../tmp/x\n- name: link\n  attack_data:\n  - data: https://media.githubusercontent.com/media/splunk/attack_data/master/up/secret.log\n",
    )
    .unwrap();
    let out = spleval()
        .args(["test", "--data"])
        .arg(&data)
        .arg(&det)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = scrub(&out.stdout, t.path()) + &scrub(&out.stderr, t.path());
    let refusals: Vec<&str> = text.lines().filter(|l| l.contains("refused")).collect();
    assert_eq!(refusals.len(), 3, "{text}");
    insta::assert_snapshot!(refusals.join("\n"));
}

/// Memory budgets: past each, a clear error naming the command and the
/// limit (and the variable that raises it), never an allocation abort.
#[test]
fn memory_budgets_stop_with_the_command_and_the_limit() {
    let run = |env: &[(&str, &str)], spl: &str| {
        let mut c = spleval();
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c
            .args(["run", "--format", "json", "--spl", spl])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{spl}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let mut all = String::new();
    for (env, spl) in [
        // The default budget: a fan-out past a million values.
        (
            &[][..],
            "| makeresults | eval x=mvrange(0,600000) | eval y=mvappend(x,x)",
        ),
        (
            &[("SPLEVAL_MAX_VALUES", "10")][..],
            "| makeresults | eval y=split(\"a,b,c,d,e,f,g,h,i,j,k,l\", \",\")",
        ),
        (
            &[("SPLEVAL_MAX_VALUES", "10")][..],
            "| makeresults | eval y=mvrange(0, 20)",
        ),
        (
            &[("SPLEVAL_MAX_STRING", "1000")][..],
            "| makeresults | eval s=printf(\"%0400d\", 1) | eval t=s.s.s",
        ),
        (
            &[("SPLEVAL_MAX_GROUPS", "10")][..],
            "| makeresults count=50 | streamstats count as n | stats count by n",
        ),
        (
            &[("SPLEVAL_MAX_ROWS", "10")][..],
            "| makeresults count=50 | eventstats count",
        ),
        (
            &[("SPLEVAL_MAX_ROWS", "10")][..],
            "| makeresults count=50 | streamstats window=100 count",
        ),
        (
            &[("SPLEVAL_MAX_ROWS", "10")][..],
            "| makeresults count=50 | streamstats count as n | outlier n",
        ),
        (
            &[("SPLEVAL_MAX_ROWS", "10")][..],
            "| makeresults count=50 | streamstats count as n | anomalydetection n",
        ),
        (
            &[("SPLEVAL_MAX_GROUPS", "10")][..],
            "| makeresults count=50 | streamstats count as n | eventstats count by n",
        ),
        // Per-group windows: each group keeps its own.
        (
            &[("SPLEVAL_MAX_GROUPS", "10")][..],
            "| makeresults count=50 | streamstats count as n | streamstats window=3 global=false count by n",
        ),
    ] {
        all.push_str(&format!("$ {env:?} {spl}\n{}\n", run(env, spl)));
    }
    insta::assert_snapshot!(all);
    // Raised, the same search runs.
    let out = spleval()
        .env("SPLEVAL_MAX_VALUES", "2_000_000")
        .args([
            "run",
            "--format",
            "json",
            "--spl",
            "| makeresults | eval x=mvrange(0,600000) | eval y=mvcount(mvappend(x,x)) | table y",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(common::rows(&out.stdout)[0]["y"], 1_200_000);
}

/// `sort` holds no more rows than it returns: with a limit (Splunk's
/// default 10,000) it keeps the first rows as they come; `sort 0` keeps
/// all, sorted on disk past the memory budget. Either way the rows are
/// those of a whole in-memory stable sort, ties in arrival order.
#[test]
fn sort_keeps_its_limit_or_sorts_on_disk_with_the_same_rows() {
    let run = |budget: &str, spl: &str| {
        let out = spleval()
            .env("SPLEVAL_SORT_MEMORY", budget)
            .args(["run", "--format", "json", "--spl", spl])
            .output()
            .unwrap();
        common::rows(&common::stdout_ok(out))
    };
    // 30,000 rows, keys with many ties (k), arrival order in n.
    let spl = |sort: &str| {
        format!(
            "| makeresults count=30000 | streamstats count as n | eval k=(n*7919)%97, s=\"x\".(n%13) | {sort} | fields n k s"
        )
    };
    let keys = |rows: &[serde_json::Value]| -> Vec<(i64, i64)> {
        rows.iter()
            .map(|r| (r["k"].as_i64().unwrap(), r["n"].as_i64().unwrap()))
            .collect()
    };
    // What a whole stable sort gives: by k descending, then arrival.
    let mut want: Vec<(i64, i64)> = (1..=30000).map(|n| ((n * 7919) % 97, n)).collect();
    want.sort_by_key(|w| std::cmp::Reverse(w.0));
    let all_mem = run("100000000000", &spl("sort 0 - k"));
    let all_disk = run("100000", &spl("sort 0 - k"));
    assert_eq!(keys(&all_mem), want);
    assert_eq!(keys(&all_disk), want);
    // Whole rows alike (but `_time`: makeresults stamps the time of each run).
    let strip = |rows: Vec<serde_json::Value>| -> Vec<serde_json::Value> {
        rows.into_iter()
            .map(|mut r| {
                r.as_object_mut().unwrap().remove("_time");
                r
            })
            .collect()
    };
    assert_eq!(strip(all_mem), strip(all_disk));
    // The default limit: the first 10,000 of the same order.
    let limited = run("100000000000", &spl("sort - k"));
    assert_eq!(keys(&limited), want[..10_000].to_vec());
    // Two keys, one of them text.
    let two = run("100000", &spl("sort 0 s, -n"));
    let mut want2: Vec<(String, i64)> = (1..=30000).map(|n| (format!("x{}", n % 13), n)).collect();
    want2.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let got2: Vec<(String, i64)> = two
        .iter()
        .map(|r| {
            (
                r["s"].as_str().unwrap().to_string(),
                r["n"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got2, want2);
}

/// Found by fuzzing (`macros`): a macro call whose `)` comes before its
/// `(` panicked on a reversed range; it is an error at the call.
#[test]
fn fuzz_macro_call_with_a_parenthesis_before_its_opening() {
    use spleval::content::macros::{calls, expand, MacroSet, Mapped, Origin};
    assert!(calls("`a)b(c` x").is_empty());
    let m = Mapped::from_origin(Origin {
        label: "t".into(),
        text: "x | `a) OR (b` y".into(),
    });
    let e = expand(&m, &MacroSet::with_builtins()).unwrap_err();
    assert!(e.msg.contains("missing ')'"), "{}", e.msg);
    let out = spleval()
        .args(["parse", "--spl", "search `a)b(c`"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}

/// Found by fuzzing (`macros`): a subsearch whose first word names a
/// command was parsed as that command, then, the command not being a
/// generating one, parsed again as search terms, nested subsearches and
/// all: time doubled at every level of nesting (20 levels of `[ append [
/// search a` took 2.8 s, 39 levels would not end). Now only commands that
/// can generate are tried first, and a subsearch that failed once is not
/// parsed again, so both readings end at once, right or wrong.
#[test]
fn fuzz_nested_subsearches_parse_in_linear_time() {
    let parse = |spl: &str| {
        spleval()
            .args(["parse", "--spl", spl])
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap()
    };
    let levels = 39;
    let closed = format!(
        "search x {}a{}",
        "[ append ".repeat(levels),
        " ]".repeat(levels)
    );
    let out = parse(&closed);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The first word of each subsearch is a search term, as in Splunk.
    let ast = spleval::commands::parse_pipeline(&closed).unwrap();
    assert_eq!(ast.to_string().matches("append").count(), levels);
    for open in [
        format!("search x {}", "[ append ".repeat(levels)),
        format!("search x {}", "[ tstats count where ".repeat(levels)),
        format!(
            "search x {}",
            "[ append [ mstats vv\",\"v=\"True\" ".repeat(levels / 2)
        ),
    ] {
        let out = parse(&open);
        assert_eq!(out.status.code(), Some(2), "{open}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("expected ']' to close the subsearch")
                || err.contains("nested too deeply"),
            "{err}"
        );
    }
    // A generating command first still is one: `[tstats …]` nested in `[tstats …]`.
    let gen =
        "| tstats count where [ tstats count where [ inputlookup t.csv ] | fields host ] by host";
    let printed = spleval::commands::parse_pipeline(gen).unwrap().to_string();
    assert!(
        printed.contains("[| tstats count WHERE [| inputlookup t.csv] | fields host]"),
        "{printed}"
    );
}
