//! Issue 20: `examples/spark_run.py` runs a search on Apache Spark (local
//! mode, two workers): each partition runs `spleval run --partial` over its
//! files and the driver merges; the rows are those of one `spleval run`
//! over all the files. Needs PySpark and Java (CI installs PySpark from
//! .ci/requirements.txt); says SKIPPED without them.

use crate::common::{ndjson, root, spleval};
use serde_json::json;

fn pyspark() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import pyspark"])
        .output()
        .is_ok_and(|o| o.status.success())
        && std::process::Command::new("java")
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success())
}

#[test]
fn spark_run_prints_the_rows_of_one_run() {
    if !pyspark() {
        eprintln!("SKIPPED: spark_run: PySpark or Java is not installed (pip install -r .ci/requirements.txt)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut all = Vec::new();
    let mut shards = Vec::new();
    for s in 0..3 {
        let evs: Vec<serde_json::Value> = (0..40)
            .map(|i| {
                let n = s * 40 + i;
                json!({"_time": 1_700_000_000 + n * 7 % 113, "host": format!("h{}", n % 4),
                       "user": format!("u{}", n % 7), "bytes": n * 13 % 50})
            })
            .collect();
        let p = dir.path().join(format!("shard{s}.json"));
        std::fs::write(&p, ndjson(&evs)).unwrap();
        all.push(p.clone());
        shards.push(p);
    }
    let bin = env!("CARGO_BIN_EXE_spleval");
    for spl in [
        "* | stats count dc(user) values(user) avg(bytes) max(bytes) by host",
        "bytes>10 | eval kb=bytes/1024 | stats sum(kb) as kb count by user | sort - count | head 3",
    ] {
        let mut one = spleval();
        one.args([
            "run",
            "--format",
            "json",
            "--now",
            "1700000000",
            "--spl",
            spl,
        ]);
        one.args(&all);
        let want = one.output().unwrap();
        assert!(want.status.success());
        let mut spark = std::process::Command::new("python3");
        spark
            .arg(root().join("examples/spark_run.py"))
            .args(["--master", "local[2]", "--bin"])
            .arg(bin)
            .args(["--now", "1700000000", "--spl", spl])
            .args(shards.iter().rev());
        let got = spark.output().unwrap();
        assert!(
            got.status.success(),
            "{}",
            String::from_utf8_lossy(&got.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&got.stdout),
            String::from_utf8_lossy(&want.stdout),
            "{spl}"
        );
        assert!(!want.stdout.is_empty());
    }
}
