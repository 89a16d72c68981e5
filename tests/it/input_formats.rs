//! Each input format, detected by content, with a malformed record in each:
//! the record is reported with file:line (and its record number where lines
//! do not delimit records), skipped and counted; the rest is read.

use std::io::Write;
use std::path::Path;

use crate::common::{col, rows, spleval};

/// Runs `| table` over the files; returns (rows, stderr).
fn read(files: &[&Path], extra: &[&str]) -> (Vec<serde_json::Value>, String) {
    let mut c = spleval();
    c.args([
        "run",
        "--format",
        "json",
        "--spl",
        "search * | sort 0 a | table a source sourcetype _time",
    ]);
    c.args(extra);
    for f in files {
        c.arg(f);
    }
    let out = c.output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        rows(&out.stdout),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, data: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, data).unwrap();
    p
}

#[test]
fn ndjson_keeps_its_messages() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "e.log",
        b"{\"a\":\"1\"}\n{\"a\": oops}\n\n{\"a\":\"2\"}\n",
    );
    let (r, err) = read(&[&f], &[]);
    assert_eq!(col(&r, "a"), ["1", "2"]);
    assert!(err.contains("e.log:2: malformed JSON"), "{err}");
    assert!(
        err.contains("1 malformed record(s) skipped, 2 event(s) read"),
        "{err}"
    );
}

#[test]
fn json_array_reports_the_record() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "arr.json",
        b"[\n  {\"a\": \"1\", \"time\": \"2024-01-02T03:04:05Z\"},\n  {\"a\": \"2\",},\n  {\"a\": \"3\"}\n]\n",
    );
    let (r, err) = read(&[&f], &[]);
    assert_eq!(col(&r, "a"), ["1", "3"]);
    assert_eq!(col(&r, "_time")[0], "1704164645");
    assert!(
        err.contains("arr.json:3: record 2: malformed JSON"),
        "{err}"
    );
}

#[test]
fn splunk_export_lines_and_documents() {
    let d = tempfile::tempdir().unwrap();
    let lines = write(
        d.path(),
        "export.json",
        b"{\"preview\":false,\"result\":{\"_raw\":\"r1\",\"_time\":\"2024-01-02T03:04:05.000+00:00\",\"a\":\"1\",\"sourcetype\":\"st1\"}}\n{\"result\":{\"a\":\n{\"result\":{\"a\":\"2\"}}\n",
    );
    let (r, err) = read(&[&lines], &[]);
    assert_eq!(col(&r, "a"), ["1", "2"]);
    assert_eq!(col(&r, "sourcetype")[0], "st1");
    assert_eq!(col(&r, "_time")[0], "1704164645");
    assert!(err.contains("export.json:2: malformed JSON"), "{err}");
    let doc = write(
        d.path(),
        "results.json",
        b"{\n  \"results\": [\n    {\"a\": \"1\"},\n    {\"a\": \"2\"}\n  ]\n}\n{\n  \"results\": [ {\"a\": 3,} ]\n}\n",
    );
    let (r, err) = read(&[&doc], &[]);
    assert_eq!(col(&r, "a"), ["1", "2"]);
    assert!(
        err.contains("results.json:7: record 2: malformed JSON"),
        "{err}"
    );
}

const EV: &str = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4624</EventID><TimeCreated SystemTime='2024-01-02T03:04:05.000Z'/><EventRecordID>7</EventRecordID><Channel>Security</Channel><Computer>dc1.example.com</Computer></System><EventData><Data Name='TargetUserName'>bob</Data><Data Name='IpAddress'>::ffff:10.0.0.5</Data></EventData></Event>";

#[test]
fn windows_xml_events() {
    let d = tempfile::tempdir().unwrap();
    let data = format!(
        "{EV}\n<Event xmlns='x'><System><EventID>1</System></Event>\n{}\n",
        EV.replace("bob", "alice")
    );
    let f = write(d.path(), "sec.xml", data.as_bytes());
    let out = spleval()
        .args([
            "run",
            "--format",
            "json",
            "--sourcetype",
            "XmlWinEventLog",
            "--source",
            "XmlWinEventLog:Security",
            "--spl",
            "search EventCode=4624 | table user src_ip dest host signature action _time",
        ])
        .arg(&f)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let r = rows(&out.stdout);
    assert_eq!(col(&r, "user"), ["bob", "alice"]);
    assert_eq!(col(&r, "src_ip")[0], "10.0.0.5");
    assert_eq!(col(&r, "dest")[0], "dc1.example.com");
    assert_eq!(col(&r, "host")[0], "dc1.example.com");
    assert_eq!(
        col(&r, "signature")[0],
        "An account was successfully logged on"
    );
    assert_eq!(col(&r, "_time")[0], "1704164645");
    assert!(err.contains("sec.xml:2: malformed XML"), "{err}");
}

#[test]
fn csv_with_a_header() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "t.txt",
        b"a,user,_time\n1,bob,2024-01-02T03:04:05Z\n2,alice,x,extra\n3,carol,\n",
    );
    let (r, err) = read(&[&f], &[]);
    assert_eq!(col(&r, "a"), ["1", "3"]);
    assert!(
        err.contains("t.txt:3: record 2: malformed CSV row"),
        "{err}"
    );
}

#[test]
fn raw_text_lines() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "app.log",
        b"2024-01-02 03:04:05 login a=1 user=bob\nno time a=2\nbin\x00ary\n",
    );
    let (r, err) = read(&[&f], &[]);
    assert_eq!(col(&r, "a"), ["1", "2"]);
    assert_eq!(col(&r, "_time"), ["1704164645", ""]);
    assert!(err.contains("app.log:3: not text"), "{err}");
}

#[test]
fn gzip_zstd_and_folders() {
    let d = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"{\"a\":\"1\"}\n{bad\n").unwrap();
    write(d.path(), "x/one.json.gz", &gz.finish().unwrap());
    let zst = zstd::encode_all(&b"a,b\n2,x\n3,y,z\n"[..], 3).unwrap();
    write(d.path(), "x/sub/two.zst", &zst);
    write(d.path(), "x/.hidden", b"{\"a\":\"9\"}\n");
    let (r, err) = read(&[&d.path().join("x")], &[]);
    assert_eq!(col(&r, "a"), ["1", "2"]);
    let src = col(&r, "source");
    assert!(
        src[0].ends_with("one.json.gz") && src[1].ends_with("two.zst"),
        "{src:?}"
    );
    assert!(err.contains("one.json.gz:2: malformed JSON"), "{err}");
    assert!(
        err.contains("two.zst:3: record 2: malformed CSV row"),
        "{err}"
    );
}

#[test]
fn user_knowledge_folders_apply_later_and_win() {
    let d = tempfile::tempdir().unwrap();
    let k1 = d.path().join("k1");
    let k2 = d.path().join("k2");
    write(
        &k1,
        "mine.yml",
        br#"
- name: mine
  sourcetype: "my:*"
  extract: ['id=(?<ident>\d+)']
  alias: {who: usr}
  eval: {tag: '"one"', twice: 'n * 2'}
"#,
    );
    write(
        &k2,
        "more.yml",
        br#"
- name: more
  sourcetype: my:app
  eval: {tag: '"two"'}
"#,
    );
    let f = write(
        d.path(),
        "e.json",
        b"{\"usr\":\"bob\",\"n\":\"21\",\"_raw\":\"id=42\"}\n",
    );
    let out = spleval()
        .args([
            "run",
            "--format",
            "json",
            "--sourcetype",
            "my:app",
            "--knowledge",
        ])
        .arg(&k1)
        .arg("--knowledge")
        .arg(&k2)
        .args(["--spl", "search * | table who tag twice ident"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = rows(&out.stdout);
    assert_eq!(col(&r, "who"), ["bob"]);
    assert_eq!(col(&r, "tag"), ["two"]);
    assert_eq!(col(&r, "twice"), ["42"]);
    assert_eq!(col(&r, "ident"), ["42"]);
    // A broken knowledge file is a rule error naming the file.
    write(
        &k2,
        "bad.yml",
        b"- {name: x, sourcetype: y, eval: {z: 'foo('}}\n",
    );
    let out = spleval()
        .args(["run", "--knowledge"])
        .arg(&k2)
        .args(["--spl", "search *"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.yml"));
}

#[test]
fn per_file_metadata() {
    use spleval::input::{read_all, FileMeta, Meta, Source};
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "a.json", b"{\"x\":\"1\"}\n");
    let b = write(d.path(), "b.json", b"{\"x\":\"2\",\"host\":\"own\"}\n");
    let sources = vec![
        Source::File(a).with_meta(FileMeta {
            sourcetype: Some("st:a".into()),
            host: Some("ha".into()),
            ..Default::default()
        }),
        Source::File(b).with_meta(FileMeta {
            sourcetype: Some("st:b".into()),
            host: Some("hb".into()),
            ..Default::default()
        }),
    ];
    let meta = Meta {
        sourcetype: Some("global".into()),
        index: Some("main".into()),
        ..Default::default()
    };
    let mut seen = Vec::new();
    read_all(&sources, &meta, &mut |ev| {
        let g = |k: &str| ev.get(k).map(|v| v.to_display(",")).unwrap_or_default();
        seen.push((g("sourcetype"), g("host"), g("index")));
        Ok(true)
    })
    .unwrap();
    assert_eq!(
        seen,
        [
            ("st:a".into(), "ha".into(), "main".into()),
            ("st:b".into(), "own".into(), "main".into())
        ]
    );
}
