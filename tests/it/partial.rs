//! Split searches (issue 20): `run --partial` per shard, then `merge`, must
//! print byte for byte what one `run` over all the shards' events prints,
//! however the events are cut and in whatever order the partials are given.

use std::path::Path;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::common::spleval;

const NOW: &str = "1700000000";

/// `n` events as NDJSON lines: tied times, hosts (some missing), users (some
/// multivalue), numbers, a few strings where numbers are expected.
fn events(rng: &mut StdRng, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let mut o = serde_json::Map::new();
            o.insert(
                "_time".into(),
                serde_json::json!(1_699_990_000 + 600 * rng.random_range(0..15)),
            );
            if rng.random_range(0..12) > 0 {
                o.insert(
                    "host".into(),
                    serde_json::json!(
                        ["web1", "web2", "db1", "DB1", "mail"][rng.random_range(0..5) as usize]
                    ),
                );
            }
            let users = ["alice", "bob", "carol", "dave", "10", "9"];
            o.insert(
                "user".into(),
                if rng.random_range(0..10) == 0 {
                    serde_json::json!([
                        users[rng.random_range(0..6) as usize],
                        users[rng.random_range(0..6) as usize]
                    ])
                } else {
                    serde_json::json!(users[rng.random_range(0..6) as usize])
                },
            );
            o.insert("bytes".into(), serde_json::json!(rng.random_range(0..5000)));
            if rng.random_range(0..15) == 0 {
                o.insert("bytes".into(), serde_json::json!("n/a"));
            }
            o.insert(
                "pid".into(),
                serde_json::json!(100 + rng.random_range(0..30)),
            );
            o.insert("i".into(), serde_json::json!(i));
            serde_json::Value::Object(o).to_string()
        })
        .collect()
}

/// Runs spleval in `dir` (relative names, so messages are stable); returns (status, stdout, stderr).
fn sp(dir: &Path, args: &[&str]) -> (bool, Vec<u8>, String) {
    let out = spleval()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.success(),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Writes `shards` (lines each) as shard<N>.json, runs `--partial` over each,
/// merges the partials (in reversed order when asked) and compares with one
/// run over all the shard files, in every row format.
fn check_split(spl: &str, shards: &[Vec<String>], reversed: bool, formats: &[&str]) {
    check_split_reading(spl, shards, reversed, formats, &[]);
}

/// [`check_split`] with flags for reading the events (`--sourcetype …`),
/// given to the shards and to the one run.
fn check_split_reading(
    spl: &str,
    shards: &[Vec<String>],
    reversed: bool,
    formats: &[&str],
    reading: &[&str],
) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut files = Vec::new();
    let mut partials = Vec::new();
    for (k, lines) in shards.iter().enumerate() {
        let f = format!("shard{k}.json");
        let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(d.join(&f), body).unwrap();
        let mut args = vec!["run", "--now", NOW, "--partial"];
        args.extend_from_slice(reading);
        args.extend(["--spl", spl, &f]);
        let (ok, out, err) = sp(d, &args);
        assert!(ok, "run --partial {spl:?} over {f}: {err}");
        let p = format!("part{k}.ndjson");
        std::fs::write(d.join(&p), out).unwrap();
        files.push(f);
        partials.push(p);
    }
    if reversed {
        partials.reverse();
    }
    for fmt in formats {
        let mut run = vec!["run", "--now", NOW, "--format", fmt];
        run.extend_from_slice(reading);
        run.extend(["--spl", spl]);
        run.extend(files.iter().map(String::as_str));
        let (ok1, want, err1) = sp(d, &run);
        assert!(ok1, "run {spl:?}: {err1}");
        let mut merge = vec!["merge", "--now", NOW, "--format", fmt, "--spl", spl];
        merge.extend(partials.iter().map(String::as_str));
        let (ok2, got, err2) = sp(d, &merge);
        assert!(ok2, "merge {spl:?}: {err2}");
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
            "merge of {} shard(s) (sizes {:?}, reversed: {reversed}) differs from one run for {spl:?} --format {fmt}",
            shards.len(),
            shards.iter().map(Vec::len).collect::<Vec<_>>()
        );
        assert_eq!(err2, err1, "stderr differs for {spl:?} --format {fmt}");
    }
}

/// Cuts `evs` into `n` shards at random points (some may be empty).
fn cut(rng: &mut StdRng, evs: &[String], n: usize) -> Vec<Vec<String>> {
    let mut at: Vec<usize> = (1..n)
        .map(|_| rng.random_range(0..evs.len() as u64 + 1) as usize)
        .collect();
    at.push(0);
    at.push(evs.len());
    at.sort();
    at.windows(2).map(|w| evs[w[0]..w[1]].to_vec()).collect()
}

/// Splits 30–300 events several ways: one shard, random cuts, a shard left
/// empty, five shards merged in reversed order.
fn check_all_ways(spl: &str, seed: u64, formats: &[&str]) {
    let mut rng = StdRng::seed_from_u64(seed);
    let n = 30 + rng.random_range(0..271) as usize;
    let evs = events(&mut rng, n);
    check_split(spl, std::slice::from_ref(&evs), false, formats);
    let two = cut(&mut rng, &evs, 2);
    check_split(spl, &two, false, formats);
    let mut three = cut(&mut rng, &evs, 2);
    three.insert(1, Vec::new());
    check_split(spl, &three, true, formats);
    let five = cut(&mut rng, &evs, 5);
    check_split(spl, &five, true, formats);
}

const ALL_FORMATS: &[&str] = &["json", "csv", "table"];

#[test]
fn partial_stats_count() {
    check_all_ways("* | stats count", 1, ALL_FORMATS);
    check_all_ways("* | stats count by host", 2, &["json"]);
}

#[test]
fn partial_dc_values() {
    check_all_ways("* | stats dc(user) values(user) by host", 3, ALL_FORMATS);
}

#[test]
fn partial_avg_max() {
    check_all_ways(
        "* | stats avg(bytes) max(bytes) min(user) by host",
        4,
        &["json"],
    );
}

#[test]
fn partial_list_first_last() {
    check_all_ways(
        "* | stats list(i) first(i) last(i) by host",
        5,
        &["json", "csv"],
    );
    check_all_ways("* | stats list(user) first(user) last(user)", 6, &["json"]);
}

#[test]
fn partial_percentiles() {
    check_all_ways(
        "* | stats p95(bytes) median(pid) mode(user) stdev(pid) range(pid) by host",
        7,
        &["json"],
    );
}

#[test]
fn partial_times_and_ties() {
    check_all_ways(
        "* | stats earliest(i) latest(i) max(_time) min(_time) latest_time(i) by user",
        8,
        &["json"],
    );
}

// Sums are of whole numbers: a sum of fractions added in another order may
// differ from one run in the last bits (README, "Partial results and merge").
#[test]
fn partial_eval_where_stats_by() {
    check_all_ways(
        "* | eval kb=round(bytes/100), who=lower(user) | where pid > 105 | stats count sum(kb) avg(pid) dc(who) by host, who",
        9,
        &["json", "table"],
    );
}

#[test]
fn partial_stats_sort_head() {
    check_all_ways(
        "* | stats count values(pid) by user | sort - count | head 3",
        10,
        ALL_FORMATS,
    );
}

#[test]
fn partial_allnum() {
    check_all_ways("* | stats allnum=t avg(bytes) count by host", 11, &["json"]);
}

#[test]
fn partial_rows_when_no_stats_split() {
    // `dedup` depends on order: the shards ship rows, the merge runs the rest.
    check_all_ways(
        "* | eval x=pid*2 | dedup user | stats count by user",
        12,
        &["json"],
    );
    // No stats at all: rows in search order.
    check_all_ways("* | eval x=pid*2 | where x > 230", 13, &["json", "table"]);
    check_all_ways("* | head 7", 14, &["json"]);
    // Before a dedup, each shard ships only the first N rows per combination.
    check_all_ways("* | dedup 2 user | table user pid host", 16, &["json"]);
    check_all_ways(
        "* | dedup host keepempty=true | table user host",
        17,
        &["json"],
    );
    // A wildcard aggregation has no states: the shards ship rows.
    check_all_ways("* | stats values(*) as * by host", 15, &["json"]);
}

#[test]
fn partial_explain_and_header_say_where_it_splits() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.json"), "{\"host\":\"x\",\"_time\":1}\n").unwrap();
    let (ok, out, err) = sp(
        d,
        &[
            "run",
            "--partial",
            "--explain",
            "--spl",
            "* | stats count by host",
            "a.json",
        ],
    );
    assert!(ok, "{err}");
    assert!(err.contains("split at stats (command 2)"), "{err}");
    let text = String::from_utf8(out).unwrap();
    let header: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(header["spleval_partial"], 1);
    assert_eq!(header["split"], "stats");
    assert_eq!(header["inputs"], serde_json::json!(["a.json"]));
    assert_eq!(header["events"], 1);
    assert_eq!(
        text.lines().nth(1).unwrap(),
        r#"{"key":["x"],"states":[1]}"#
    );
    let (ok, out, err) = sp(
        d,
        &[
            "run",
            "--partial",
            "--explain",
            "--spl",
            "* | head 1 | stats count",
            "a.json",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        err.contains("no split at stats: `head` (command 2)"),
        "{err}"
    );
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with(r#"{"spleval_partial":1,"#), "{text}");
    assert!(text.contains(r#""split":"rows""#), "{text}");
}

/// A partial of `* | stats count by host` over one event, in a temp folder.
fn one_partial() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.json"), "{\"host\":\"x\"}\n{\"host\":\"y\"}\n").unwrap();
    let (ok, out, err) = sp(
        d,
        &[
            "run",
            "--partial",
            "--spl",
            "* | stats count by host",
            "a.json",
        ],
    );
    assert!(ok, "{err}");
    std::fs::write(d.join("a.partial"), out).unwrap();
    dir
}

#[test]
fn partial_merge_refuses_another_version() {
    let dir = one_partial();
    let d = dir.path();
    let text = std::fs::read_to_string(d.join("a.partial")).unwrap();
    std::fs::write(
        d.join("a.partial"),
        text.replace(r#""spleval_partial":1"#, r#""spleval_partial":2"#),
    )
    .unwrap();
    let (ok, _, err) = sp(
        d,
        &["merge", "--spl", "* | stats count by host", "a.partial"],
    );
    assert!(!ok);
    insta::assert_snapshot!(err);
}

#[test]
fn partial_merge_refuses_another_search() {
    let dir = one_partial();
    let (ok, _, err) = sp(
        dir.path(),
        &["merge", "--spl", "* | stats dc(user) by host", "a.partial"],
    );
    assert!(!ok);
    insta::assert_snapshot!(err);
}

#[test]
fn partial_merge_refuses_a_malformed_line() {
    let dir = one_partial();
    let d = dir.path();
    let mut text = std::fs::read_to_string(d.join("a.partial")).unwrap();
    text.push_str("{\"key\": [\"z\"], \"states\": \n");
    std::fs::write(d.join("a.partial"), text).unwrap();
    let (ok, _, err) = sp(
        d,
        &["merge", "--spl", "* | stats count by host", "a.partial"],
    );
    assert!(!ok);
    insta::assert_snapshot!(err);
}

/// The first 2000 lines of a Mordor dataset in 4 shards: merged as one run.
#[test]
fn partial_mordor_four_shards() {
    let data = crate::common::root()
        .join("../shared/datasets/mordor/aptsimulator_cobaltstrike_2021-06-11T21081492.json.gz");
    if !data.exists() {
        eprintln!("SKIPPED: ../shared absent ({} is missing)", data.display());
        return;
    }
    use std::io::BufRead;
    let gz = flate2::read::GzDecoder::new(std::fs::File::open(&data).unwrap());
    let lines: Vec<String> = std::io::BufReader::new(gz)
        .lines()
        .take(2000)
        .map(Result::unwrap)
        .collect();
    let spl =
        "EventID=1 | stats count dc(Image) values(User) avg(ProcessId) max(_time) by Hostname";
    let shards: Vec<Vec<String>> = lines.chunks(500).map(<[String]>::to_vec).collect();
    check_split(spl, &shards, true, &["json", "table"]);
    // A leading tstats over a data model, with the windows:json knowledge:
    // split at the tstats (its states per group).
    let tstats = "| tstats count dc(Processes.process_name) values(Processes.user) latest(Processes.process) earliest(Processes.process) min(_time) from datamodel=Endpoint.Processes by Processes.dest Processes.parent_process_name";
    let reading = ["--sourcetype", "windows:json"];
    check_split_reading(tstats, &shards, true, &["json"], &reading);
    // And the results are not empty.
    let dir = tempfile::tempdir().unwrap();
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.path().join("all.json"), body).unwrap();
    let (ok, out, err) = sp(
        dir.path(),
        &[
            "run",
            "--partial",
            "--sourcetype",
            "windows:json",
            "--spl",
            tstats,
            "all.json",
        ],
    );
    assert!(ok, "{err}");
    let header = String::from_utf8_lossy(&out);
    assert!(header.contains("\"split\":\"stats\""), "{header}");
    let (ok, out, err) = sp(
        dir.path(),
        &[
            "run",
            "--format",
            "json",
            "--sourcetype",
            "windows:json",
            "--spl",
            tstats,
            "all.json",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        !crate::common::rows(&out).is_empty(),
        "no Endpoint.Processes rows"
    );
    let dir = tempfile::tempdir().unwrap();
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.path().join("all.json"), body).unwrap();
    let (ok, out, err) = sp(
        dir.path(),
        &["run", "--format", "json", "--spl", spl, "all.json"],
    );
    assert!(ok, "{err}");
    assert!(!crate::common::rows(&out).is_empty(), "no EventID=1 rows");
}
