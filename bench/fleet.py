#!/usr/bin/env python3
"""`sluice fleet up` beside the ways a team migrates many databases without it.

    cargo build --release && python3 bench/fleet.py [--quick] [--sqlite N] [--postgres N] [--sqlite-only]

The same 10 generated migrations (a table and an index each) are brought to every database
of a fleet, from empty, three ways, alternating, each on fresh databases:

- `sluice fleet up` (in one process, `parallel` = the core count);
- a shell loop running `sluice up` once per database (what a team writes first);
- `xargs -P <cores>` running `sluice up` per database, at the same parallelism.

SQLite: N empty tenant files (default 1,000). PostgreSQL: N databases (default 200) spread
over two throwaway servers (fleet targets listed by a query on each). Reported: wall time
(median), the ratios, databases per second, and the fleet process's peak RSS.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

QUICK = "--quick" in sys.argv
RUNS = 1 if QUICK else 3
CORES = os.cpu_count() or 2


def arg(name, default):
    if name in sys.argv:
        return int(sys.argv[sys.argv.index(name) + 1])
    return default


def project(path, dialect, fleet):
    os.makedirs(os.path.join(path, "migrations"))
    with open(os.path.join(path, "sluice.toml"), "w") as f:
        f.write(f'[project]\ndialect = "{dialect}"\n\n[fleets.all]\n{fleet}parallel = {CORES}\n')
    for i in range(10):
        with open(os.path.join(path, "migrations", f"{i + 1:03}_t{i}.sql"), "w") as f:
            f.write(f"-- sluice:up\nCREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
                    f"CREATE INDEX t{i}_name ON t{i} (name);\n\n-- sluice:down\nDROP TABLE t{i};\n")


def timed(cmd, cwd, shell=False):
    env = dict(os.environ, SLUICE_ACTOR="bench", NO_COLOR="1")
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    took = time.perf_counter() - start
    err = p.stderr.read().decode()
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd} failed: {err[-2000:]}")
    return took, usage.ru_maxrss / 1024.0


def report(label, n, results):
    fleet, loop, xargs = (statistics.median(results[k]) for k in ("fleet", "loop", "xargs"))
    rss = max(results["rss"])
    print(f"{label}: {n} databases, parallel {CORES}")
    print(f"  sluice fleet up     median {fleet:7.2f} s   {n / fleet:7.1f} databases/s   peak RSS {rss:.1f} MiB")
    print(f"  shell loop of up    median {loop:7.2f} s   {n / loop:7.1f} databases/s   fleet is {loop / fleet:.1f}x faster")
    print(f"  xargs -P{CORES} of up    median {xargs:7.2f} s   {n / xargs:7.1f} databases/s   fleet is {xargs / fleet:.2f}x faster")


def rounds(proj, fresh, loop, xargs, label, n):
    """The three ways, each on fresh databases, in an order rotated every round."""
    results = {"fleet": [], "loop": [], "xargs": [], "rss": []}
    for r in range(RUNS):
        order = ["fleet", "loop", "xargs"][r % 3:] + ["fleet", "loop", "xargs"][:r % 3]
        for way in order:
            fresh()
            if way == "fleet":
                t, rss = timed([bench.SLUICE, "fleet", "up", "all"], proj)
                results["rss"].append(rss)
            else:
                t, _ = timed(loop if way == "loop" else xargs, proj, shell=True)
            results[way].append(t)
    report(label, n, results)


def sqlite(n):
    with tempfile.TemporaryDirectory() as tmp:
        proj = os.path.join(tmp, "p")
        project(proj, "sqlite", 'targets = ["sqlite:tenants/*.db"]\n')
        tenants = os.path.join(proj, "tenants")

        def fresh():
            shutil.rmtree(tenants, ignore_errors=True)
            shutil.rmtree(os.path.join(proj, ".sluice"), ignore_errors=True)
            os.makedirs(tenants)
            for i in range(n):
                open(os.path.join(tenants, f"t{i:05}.db"), "w").close()

        rounds(proj, fresh,
               f'for f in tenants/*.db; do "{bench.SLUICE}" --url "sqlite:$f" up || exit 1; done',
               f'ls tenants/*.db | xargs -P {CORES} -I{{}} "{bench.SLUICE}" --url "sqlite:{{}}" up',
               "SQLite", n)


def postgres(n):
    with bench.PgServer() as a, bench.PgServer() as b, tempfile.TemporaryDirectory() as tmp:
        proj = os.path.join(tmp, "p")
        project(proj, "postgres",
                'targets = [{ server = "env:A", query = "SELECT datname FROM pg_database WHERE datname LIKE \'tenant%\' ORDER BY 1" }, '
                '{ server = "env:B", query = "SELECT datname FROM pg_database WHERE datname LIKE \'tenant%\' ORDER BY 1" }]\n')
        urls = [f"{(a if i % 2 == 0 else b).base}/tenant{i:04}" for i in range(n)]

        def fresh():
            for srv in (a, b):
                dbs = subprocess.run(["psql", "-X", "-At", "-d", f"{srv.base}/postgres", "-c",
                                      "SELECT datname FROM pg_database WHERE datname LIKE 'tenant%'"],
                                     capture_output=True, text=True, check=True).stdout.split()
                script = "".join(f"DROP DATABASE {d};\n" for d in dbs)
                if script:
                    subprocess.run(["psql", "-X", "-q", "-d", f"{srv.base}/postgres"], input=script, text=True, check=True)
            for srv, half in ((a, 0), (b, 1)):
                script = "".join(f"CREATE DATABASE tenant{i:04};\n" for i in range(half, n, 2))
                subprocess.run(["psql", "-X", "-q", "-d", f"{srv.base}/postgres"], input=script, text=True, check=True)
            shutil.rmtree(os.path.join(proj, ".sluice"), ignore_errors=True)

        with open(os.path.join(tmp, "urls"), "w") as f:
            f.write("\n".join(urls) + "\n")
        os.environ["A"] = f"{a.base}/postgres"
        os.environ["B"] = f"{b.base}/postgres"
        rounds(proj, fresh,
               f'while read u; do "{bench.SLUICE}" --url "$u" up || exit 1; done < ../urls',
               f'xargs -P {CORES} -I{{}} "{bench.SLUICE}" --url "{{}}" up < ../urls',
               "PostgreSQL (two servers)", n)


if __name__ == "__main__":
    if not os.path.exists(bench.SLUICE):
        sys.exit("build first: cargo build --release")
    sqlite(arg("--sqlite", 1000))
    if "--sqlite-only" not in sys.argv:
        postgres(arg("--postgres", 200))
