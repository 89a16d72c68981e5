#!/usr/bin/env python3
"""Run an SPL search or a detection over many event files with Apache Spark.

Splunk splits a search between indexers (the streaming part and a
pre-aggregation) and the search head (the merge). This driver does the same
on Spark: each partition runs `spleval run --partial` over its files, the
driver collects the partial states (small: one line per group, not per
event) and runs `spleval merge`, which prints what `spleval run` over all the
files would print.

    python3 examples/spark_run.py --master 'local[2]' --bin target/release/spleval \
        --spl 'EventID=1 | stats count by Image' events/*.json.gz

    python3 examples/spark_run.py --master 'local[2]' --bin target/release/spleval \
        --rules ../shared/security_content --sourcetype windows:json \
        ../shared/security_content/detections/endpoint/system_user_discovery_with_whoami.yml \
        shard1.json shard2.json

Inputs are local files or folders (every file under a folder), read by the
executors from the same path (local mode, or a shared file system), or
object-store / HDFS URLs (`s3a://bucket/prefix/`, `hdfs://…`): those are
read by Spark (`binaryFiles`) and fed to spleval on stdin. On a cluster, ship
the binary with the job (`--ship`: `SparkContext.addFile`, then each
executor runs its copy), e.g.

    spark-submit --master yarn examples/spark_run.py --ship \
        --bin target/release/spleval --spl '…' s3a://logs/windows/2026/

The binary must run on the executors' OS (build it there or statically).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile


def search_args(a):
    """The arguments naming the search, shared by `run --partial` and `merge`."""
    out = []
    if a.rules:
        out += ["--rules", a.rules]
    if a.now is not None:
        out += ["--now", str(a.now)]
    if a.spl is not None:
        out += ["--spl", a.spl]
    else:
        out.append(a.rule)
    return out


def local_files(paths):
    """Files named, and every file under the folders named, sorted."""
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                files += [os.path.join(root, n) for n in names]
        else:
            files.append(p)
    return sorted(files)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--master", default=None, help="Spark master (e.g. local[2]); default: spark-submit's")
    ap.add_argument("--bin", required=True, help="the spleval binary")
    ap.add_argument("--ship", action="store_true", help="ship the binary to the executors (SparkContext.addFile)")
    ap.add_argument("--spl", help="the search (else RULE, the first positional argument)")
    ap.add_argument("--rules", help="rules root (macros, lookups) for a detection or --spl")
    ap.add_argument("--sourcetype", help="sourcetype for events that lack one")
    ap.add_argument("--now", type=float, help="fix now() (epoch seconds)")
    ap.add_argument("--format", default="json", help="output format of the merge (as `spleval run`)")
    ap.add_argument("--partitions", type=int, default=0, help="partitions (default: one per input file)")
    ap.add_argument("inputs", nargs="+", help="[RULE] then event files, folders or URLs")
    a = ap.parse_args()
    a.rule = None
    if a.spl is None:
        a.rule, a.inputs = a.inputs[0], a.inputs[1:]
    if not a.inputs:
        ap.error("no inputs")

    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("spleval")
    if a.master:
        builder = builder.master(a.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("ERROR")

    binary = os.path.abspath(a.bin)
    name = os.path.basename(binary)
    if a.ship:
        sc.addFile(binary)
    # Rule files and rules roots are read by the executors from these paths
    # (ship them with --files, or use a shared file system, on a cluster).
    args = search_args(a)
    if a.rule:
        args[-1] = os.path.abspath(a.rule)
    if a.rules:
        args[args.index("--rules") + 1] = os.path.abspath(a.rules)
    # How the shards read their events (the merge reads no events).
    reading = ["--sourcetype", a.sourcetype] if a.sourcetype else []
    ship = a.ship

    def exe():
        if ship:
            from pyspark import SparkFiles

            path = SparkFiles.get(name)
            os.chmod(path, 0o755)
            return path
        return binary

    def partial(cmd, stdin=None):
        r = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:3])} … failed: {r.stderr.decode(errors='replace')[-2000:]}")
        return r.stdout.decode()

    urls = [i for i in a.inputs if "://" in i]
    files = local_files([i for i in a.inputs if "://" not in i])
    partials = []
    if files:
        n = a.partitions or len(files)
        rdd = sc.parallelize(list(enumerate(files)), n)
        # One partial per file: a partial knows its inputs, so the merge
        # orders them the same way whatever order Spark returns them in.
        partials += rdd.map(lambda kv: (kv[0], partial([exe(), "run", "--partial"] + reading + args + [kv[1]]))).collect()
    for url in urls:
        rdd = sc.binaryFiles(url, a.partitions or None)
        partials += (
            rdd.zipWithIndex()
            .map(
                lambda kv: (
                    len(files) + kv[1],
                    # The URL is the events' source, as a file name would be.
                    partial([exe(), "run", "--partial", "--source", kv[0][0]] + reading + args + ["-"], kv[0][1]),
                )
            )
            .collect()
        )
    spark.stop()

    tmp = tempfile.mkdtemp(prefix="spleval-partials-")
    try:
        paths = []
        for idx, text in sorted(partials):
            p = os.path.join(tmp, f"part-{idx:06d}.ndjson")
            with open(p, "w") as f:
                f.write(text)
            paths.append(p)
        size = sum(os.path.getsize(p) for p in paths)
        print(f"spark_run: {len(paths)} partial(s), {size} bytes", file=sys.stderr)
        r = subprocess.run([binary, "merge", "--format", a.format] + args + paths)
        return r.returncode
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
