#!/usr/bin/env python3
"""Lint throughput: sluice vs squawk on the same generated PostgreSQL corpus.

    cargo build --release && pip install squawk-cli
    python3 bench/lint_vs_squawk.py [--mb 20] [--runs 3]

Writes a deterministic corpus of migration-sized .sql files (about 10 kB each) to a
temporary folder, then runs, in this one script and on the same files:

    sluice lint --dialect postgres --format json <folder>
    squawk --reporter json <files…>

Both produce their machine-readable output (to /dev/null). For each tool it reports the
best of --runs runs: CPU seconds (user + system of the child, all threads), MB per
CPU-second, wall seconds and peak RSS (ru_maxrss of the child). Exit codes are ignored:
both tools exit 1 when they find something, and the corpus is made to have findings.
"""
import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def corpus(folder, target_bytes):
    rnd = random.Random(42)
    size, i, k, buf = 0, 0, 0, []
    while size < target_bytes:
        i += 1
        t = f"t{i}"
        parts = [
            f"""CREATE TABLE {t} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES t{max(1, i - 1)}(id) ON DELETE CASCADE,
    name text NOT NULL DEFAULT 'x',
    tags text[] NOT NULL DEFAULT '{{}}',
    created_at timestamptz NOT NULL DEFAULT now()
);""",
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {t}_acc_idx ON {t} (account_id) WHERE name <> '';",
            f"ALTER TABLE {t} ADD CONSTRAINT {t}_fk FOREIGN KEY (account_id) REFERENCES t1(id) NOT VALID;",
            f"ALTER TABLE {t} VALIDATE CONSTRAINT {t}_fk;",
            f"""CREATE OR REPLACE FUNCTION {t}_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.created_at := now();
  RETURN NEW;
END;
$$;""",
            f"CREATE TRIGGER {t}_trg BEFORE UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION {t}_touch();",
            f"UPDATE {t} SET name = 'y' WHERE id < {rnd.randint(1, 10**6)};",
            f"INSERT INTO {t} (account_id, name) VALUES (1, 'a') ON CONFLICT DO NOTHING;",
            f"ALTER TABLE {t} ALTER COLUMN name TYPE varchar({rnd.randint(20, 400)});",
            f"CREATE VIEW {t}_v AS SELECT id, name FROM {t} WHERE created_at > now() - interval '1 day';",
            f"COMMENT ON TABLE {t} IS 'table {i}';",
            f"ALTER TABLE {t} ADD COLUMN extra integer;",
            f"CREATE INDEX {t}_name_idx ON {t} (name);",
        ]
        s = "\n\n".join(parts) + "\n\n"
        buf.append(s)
        size += len(s)
        if sum(len(x) for x in buf) > 10_000:
            k += 1
            with open(os.path.join(folder, f"{k:05d}_m.sql"), "w") as f:
                f.write("".join(buf))
            buf = []
    if buf:
        k += 1
        with open(os.path.join(folder, f"{k:05d}_m.sql"), "w") as f:
            f.write("".join(buf))
    return size, k


def measure(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(os.devnull, "w") as devnull:
        p = subprocess.Popen(cmd, stdout=devnull, stderr=subprocess.PIPE)
        _, err = p.communicate()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed ({p.returncode}): {err.decode()[:500]}")
    return cpu, wall


def peak_rss(cmd):
    """Peak RSS in MB of one run, read from /usr/bin/time -v."""
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in r.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split()[-1]) / 1024
    return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sluice", default=os.path.join(ROOT, "target/release/sluice"))
    a = ap.parse_args()
    squawk = shutil.which("squawk")
    if not squawk:
        sys.exit("squawk not found: pip install squawk-cli")
    if not os.path.exists(a.sluice):
        sys.exit(f"{a.sluice} not found: cargo build --release")
    folder = tempfile.mkdtemp(prefix="sluice-lint-bench-")
    try:
        size, files = corpus(folder, int(a.mb * 1e6))
        names = sorted(os.path.join(folder, f) for f in os.listdir(folder))
        mb = size / 1e6
        print(f"corpus: {mb:.1f} MB in {files} files")
        cmds = {
            "sluice": [a.sluice, "lint", "--dialect", "postgres", "--format", "json", folder],
            "squawk": [squawk, "--reporter", "json"] + names,
        }
        res = {}
        for name, cmd in cmds.items():
            best = min((measure(cmd) for _ in range(a.runs)), key=lambda x: x[0])
            res[name] = (best[0], best[1], peak_rss(cmd))
        for name, (cpu, wall, rss) in res.items():
            print(f"{name:7} cpu {cpu:6.2f} s  {mb / cpu:6.1f} MB/cpu-s  wall {wall:6.2f} s  peak RSS {rss:6.1f} MB")
        ratio = (mb / res["sluice"][0]) / (mb / res["squawk"][0])
        print(f"throughput per CPU-second: sluice = {ratio:.2f} x squawk")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
