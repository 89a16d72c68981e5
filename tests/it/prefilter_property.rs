//! The reader's shortcuts never change results: generated NDJSON events
//! (escaped characters, `\u` escapes, unicode, case-folding characters,
//! numbers in several spellings, nested objects, escaped keys, export
//! wrappers) give the same output with the literal prefilter and the
//! projection (decoding only the fields a search reads) as without them.

use assert_cmd::Command;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Pieces of JSON string content (already escaped for JSON).
const PIECES: &[&str] = &[
    "powershell.exe",
    "PowerShell.EXE",
    "\\u0070owershell.exe",
    "power\\u017fhell.exe",
    "power\u{17f}hell.exe",
    "\u{212a}ill",
    "kill",
    "C:\\\\Windows\\\\System32\\\\",
    "\\\"quoted\\\"",
    "caf\u{e9}",
    "caf\\u00e9",
    "Microsoft-Windows-Sysmon/Operational",
    "Microsoft-Windows-Sysmon\\/Operational",
    "cmd.exe",
    " -enc ",
    "1",
    "01",
    "1.0",
    "\u{65e5}\u{672c}",
    "\\n\\t",
    "skk",
];

fn string(rng: &mut StdRng) -> String {
    let n = rng.random_range(0..4);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(PIECES[rng.random_range(0..PIECES.len())]);
    }
    format!("\"{s}\"")
}

fn value(rng: &mut StdRng, depth: u32) -> String {
    match rng.random_range(0..10) {
        0 => rng.random_range(0..5).to_string(),
        1 => format!("{}.0", rng.random_range(0..3)),
        2 => "1e0".into(),
        3 => "true".into(),
        4 if depth < 2 => format!("{{\"Image\":{}}}", value(rng, depth + 1)),
        5 if depth < 2 => format!("[{},{}]", value(rng, depth + 1), value(rng, depth + 1)),
        _ => string(rng),
    }
}

fn corpus(seed: u64, n: usize) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    let keys = [
        "Image",
        "EventID",
        "CommandLine",
        "Channel",
        "Hostname",
        "User",
    ];
    let mut out = String::new();
    for _ in 0..n {
        let mut fields = Vec::new();
        for k in keys {
            if rng.random_range(0..5) > 0 {
                let key = if rng.random_range(0..20) == 0 {
                    // An escaped key: `Image` written with a \u escape.
                    k.replacen('I', "\\u0049", 1)
                } else {
                    k.to_string()
                };
                fields.push(format!("\"{key}\":{}", value(&mut rng, 0)));
            }
        }
        if rng.random_range(0..30) == 0 {
            out.push_str(&format!("{{\"result\":{{{}}}}}\n", fields.join(",")));
        } else {
            out.push_str(&format!("{{{}}}\n", fields.join(",")));
        }
    }
    out
}

const QUERIES: &[&str] = &[
    r#"Image="*powershell.exe""#,
    r#"EventID=1 Image="*powershell.exe" | stats count by Hostname"#,
    "powershell",
    "kill",
    r#"Image="*skk*" User=*"#,
    r#"Channel="Microsoft-Windows-Sysmon/Operational" | stats count by EventID"#,
    r#"CommandLine="*café*""#,
    r#"Image="*\"quoted*""#,
    r#"Image.Image="*exe" | table Image.Image"#,
    r#"Image{}="*powershell*" | stats count"#,
    r#"CommandLine="*-enc*" NOT Image=cmd.exe"#,
    r#"User="*kill*" | eval x=upper(User) | table x"#,
    // Projection: only the fields these read are decoded.
    "* | stats count dc(Image) values(Hostname) by EventID",
    "EventID=* | eval l=len(CommandLine) | where l > 5 | stats max(l) as m by Channel",
    "* | rename Image as img | stats count by img",
    "* | sort - EventID | head 5 | table EventID Image",
    "* | dedup Hostname | table Hostname User",
    "* | stats count by Image.Image",
    "* | stats count values(Image{}) by User",
    "* | fields + EventID Channel | stats count by EventID Channel",
    "* | bin EventID span=2 | stats count by EventID",
];

fn run(file: &std::path::Path, q: &str, prefilter: bool) -> String {
    let mut cmd = Command::cargo_bin("spleval").unwrap();
    if !prefilter {
        cmd.env("SPLEVAL_NO_PREFILTER", "1");
        cmd.env("SPLEVAL_NO_PROJECTION", "1");
    } else {
        cmd.env_remove("SPLEVAL_NO_PREFILTER");
        cmd.env_remove("SPLEVAL_NO_PROJECTION");
    }
    let out = cmd
        .args(["run", "--format", "json", "--spl", q])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{q}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn shortcuts_never_change_results() {
    let dir = tempfile::tempdir().unwrap();
    // The last corpus spans several parallel pieces of the reader.
    for (seed, n) in [(7u64, 1500), (42, 1500), (1234, 6000)] {
        let file = dir.path().join(format!("events-{seed}.json"));
        std::fs::write(&file, corpus(seed, n)).unwrap();
        for q in QUERIES {
            let with = run(&file, q, true);
            let without = run(&file, q, false);
            assert_eq!(with, without, "seed {seed}, query {q}");
        }
    }
}

#[test]
fn prefilter_plans_literals() {
    use spleval::input::prefilter::Prefilter;
    let p = spleval::commands::parse_pipeline(r#"EventID=1 Image="*powershell.exe" | stats count"#)
        .unwrap();
    let pf = Prefilter::plan(&p, &Default::default()).unwrap();
    assert_eq!(pf.literals(), ["powershell.exe"]);
    let p = spleval::commands::parse_pipeline("EventID=1 | stats count").unwrap();
    assert!(Prefilter::plan(&p, &Default::default()).is_none());
    let p = spleval::commands::parse_pipeline("sourcetype=foo host=bar").unwrap();
    assert!(Prefilter::plan(&p, &Default::default()).is_none());
}
