#!/usr/bin/env python3
"""Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from the
real detections' `search:` strings and macros, and from sample events.

    python3 fuzz/seed.py [path/to/security_content]
"""
import hashlib, json, os, re, sys, glob
import yaml

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
sc = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "security_content")


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    if not data or len(data) > 16384:
        return
    d = os.path.join(here, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def load(p):
    try:
        with open(p) as f:
            return yaml.safe_load(f)
    except Exception:
        return None


searches = []
for p in sorted(glob.glob(os.path.join(sc, "detections", "**", "*.yml"), recursive=True)):
    d = load(p)
    if isinstance(d, dict) and isinstance(d.get("search"), str):
        searches.append(d["search"])
macros = []
for p in sorted(glob.glob(os.path.join(sc, "macros", "*.yml"))):
    d = load(p)
    if isinstance(d, dict) and isinstance(d.get("definition"), str) and isinstance(d.get("name"), str):
        args = d.get("arguments") or []
        head = d["name"] + ("(" + ",".join(args) + ")" if args else "")
        macros.append(head + "=" + d["definition"].replace("\n", " "))

for s in searches:
    put("parse", s)
    calls = set(re.findall(r"`([A-Za-z0-9_]+)", s))
    defs = [m for m in macros if m.split("=", 1)[0].split("(")[0] in calls]
    put("macros", "\n".join(defs + [s.replace("\n", " ")]))
    for e in re.findall(r"\beval\s+[A-Za-z_][\w.]*\s*=\s*(.+?)(?=\||$)", s, re.S):
        put("eval", e.strip())
    for e in re.findall(r"\bwhere\s+(.+?)(?=\||$)", s, re.S):
        put("eval", e.strip())

samples = glob.glob(os.path.join(root, "rules", "samples", "*.json*"))
for p in samples:
    with open(p, "rb") as f:
        for i, line in enumerate(f):
            if i >= 50:
                break
            put("json_diff", line.rstrip(b"\r\n"))
for line in [b'{"a":1e400,"b":123456789012345678901234567890}', b'{"a":{"b":[1,{"c":"x"}]},"a":2}',
             b'{"a":"\x01","k":"\\ud83d\\ude00"}', b'{"result":{"a":1}}', b'{"results":[{"a":1},2]}']:
    put("json_diff", line)

xml = glob.glob(os.path.join(root, "..", "shared", "datasets", "**", "*.log"), recursive=True)
n = 0
for p in sorted(xml):
    try:
        with open(p, "rb") as f:
            head = f.read(65536)
    except OSError:
        continue
    if not head.startswith(b"<Event"):
        continue
    for line in head.split(b"\n")[:5]:
        if line.startswith(b"<Event"):
            put("winxml", line[len(b"<Event"):])
            n += 1
    if n > 300:
        break
# The Windows XML the repository's own tests use.
for p in glob.glob(os.path.join(root, "tests", "it", "*.rs")) + glob.glob(os.path.join(root, "src", "input", "*.rs")):
    with open(p, encoding="utf-8") as f:
        for m in re.finditer(r'<Event[ >].*?</Event>', f.read(), re.S):
            put("winxml", m.group(0)[len("<Event"):].replace('\\"', '"'))
mordor = sorted(glob.glob(os.path.join(root, "..", "shared", "datasets", "mordor", "*.json.gz")))[:20]
import gzip
for p in mordor:
    try:
        with gzip.open(p) as f:
            for i, line in enumerate(f):
                if i >= 20:
                    break
                put("json_diff", line.rstrip(b"\r\n"))
    except OSError:
        pass
put("winxml", b" xmlns='x'><System><EventID>1</EventID></System><EventData><Data Name='a'>b</Data></EventData></Event>")
for t in ["parse", "macros", "json_diff", "winxml", "eval"]:
    d = os.path.join(here, "corpus", t)
    print(t, len(os.listdir(d)) if os.path.isdir(d) else 0)
