#!/usr/bin/env python3
"""sluice beside its peers, in one run: the same generated migrations in each tool's layout,
applied to a fresh database by each tool, with the database's own client as the limit.

    cargo build --release && python3 bench/peers.py [--quick] [--n 1000] [--sqlite-only | --postgres-only]

Tools, each only where it is on the machine (the script says which it skipped and why):

    limit     sqlite3 shell (WAL) / psql -f: the same statements, BEGIN/COMMIT per migration, one session
    sluice    target/release/sluice up (its own layout)
    dbmate    dbmate up (npm install -g dbmate@2), `-- migrate:up` files, one transaction each
    sqlx      sqlx migrate run (cargo install sqlx-cli --no-default-features --features sqlite,postgres,rustls),
              reversible .up.sql/.down.sql files; found on PATH or as $SQLX

Runs alternate between tools (tool order rotated each round) so the machine's drift hits
them alike; each run starts from a fresh database. Reported: the median of each tool, and
its ratio to the limit's median.
"""
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the helpers and the PostgreSQL server of bench.py)

N = int(sys.argv[sys.argv.index("--n") + 1]) if "--n" in sys.argv else 1000
RUNS = bench.RUNS


def write_layouts(root, n):
    """The same migrations as sluice, dbmate and sqlx files, and the limit's script."""
    bench.write_project(os.path.join(root, "sluice"), n, requires_every=0)
    dbm = os.path.join(root, "dbmate", "db", "migrations")
    sqx = os.path.join(root, "sqlx", "migrations")
    os.makedirs(dbm)
    os.makedirs(sqx)
    with open(os.path.join(root, "limit.sql"), "w") as limit:
        for i in range(n):
            up, down = bench.small_migration(i)
            version = 20250101000000 + i
            body_up = ";\n".join(up) + ";\n"
            body_down = ";\n".join(down) + ";\n"
            with open(os.path.join(dbm, f"{version}_m{i}.sql"), "w") as f:
                f.write("-- migrate:up\n" + body_up + "\n-- migrate:down\n" + body_down)
            with open(os.path.join(sqx, f"{version}_m{i}.up.sql"), "w") as f:
                f.write(body_up)
            with open(os.path.join(sqx, f"{version}_m{i}.down.sql"), "w") as f:
                f.write(body_down)
            limit.write("BEGIN;\n" + body_up + "COMMIT;\n")


def tools():
    found = {"sluice": bench.SLUICE}
    skipped = []
    d = shutil.which("dbmate")
    if d:
        found["dbmate"] = d
    else:
        skipped.append("dbmate: not installed (npm install -g dbmate@2)")
    s = os.environ.get("SQLX") or shutil.which("sqlx")
    if s:
        found["sqlx"] = s
    else:
        skipped.append("sqlx-cli: not installed (cargo install sqlx-cli --no-default-features --features sqlite,postgres,rustls; set $SQLX to its path)")
    return found, skipped


def report(title, times, limit_name):
    print(f"\n## {title}: up of {N} migrations (3 statements each), median of {RUNS} alternating runs")
    base = statistics.median(times[limit_name])
    for name, ts in times.items():
        m = statistics.median(ts)
        print(f"{name:<8} median {m * 1000:8.1f} ms   ratio to {limit_name} {m / base:5.2f}x   (runs: {', '.join(f'{t * 1000:.0f}' for t in ts)})")


def rotate(xs, k):
    k %= len(xs)
    return xs[k:] + xs[:k]


def sqlite_round(root, found):
    times = {"sqlite3": [], **{t: [] for t in found}}
    for r in range(RUNS):
        for name in rotate(list(times), r):
            for f in os.listdir(root):
                if f.startswith("run.db"):
                    os.remove(os.path.join(root, f))
            db = os.path.join(root, "run.db")
            if name == "sqlite3":
                with open(os.path.join(root, "limit.sql")) as script:
                    # WAL, as sluice and the others create the file.
                    bench.run(["sqlite3", db, "PRAGMA journal_mode=WAL;"], root)
                    t, _ = bench.run(["sqlite3", db], root, stdin=script)
            elif name == "sluice":
                t, _ = bench.run([found[name], "--url", f"sqlite:{db}", "up"], os.path.join(root, "sluice"))
            elif name == "dbmate":
                t, _ = bench.run([found[name], "--no-dump-schema", "--url", f"sqlite:{db}", "up"], os.path.join(root, "dbmate"))
            else:
                t, _ = bench.run([found[name], "migrate", "run", "--database-url", f"sqlite://{db}?mode=rwc"], os.path.join(root, "sqlx"))
            times[name].append(t)
    report("SQLite (fresh file, WAL)", times, "sqlite3")


def postgres_round(root, found):
    times = {"psql": [], **{t: [] for t in found}}
    with bench.PgServer() as pg:
        for r in range(RUNS):
            for name in rotate(list(times), r):
                url = pg.fresh("peers")
                if name == "psql":
                    t, _ = bench.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", os.path.join(root, "limit.sql")], root)
                elif name == "sluice":
                    t, _ = bench.run([found[name], "--url", url, "up"], os.path.join(root, "sluice"))
                elif name == "dbmate":
                    t, _ = bench.run([found[name], "--no-dump-schema", "--url", url + "?sslmode=disable", "up"], os.path.join(root, "dbmate"))
                else:
                    t, _ = bench.run([found[name], "migrate", "run", "--database-url", url], os.path.join(root, "sqlx"))
                times[name].append(t)
    report("PostgreSQL (fresh database, default durability)", times, "psql")


def main():
    if not os.path.exists(bench.SLUICE):
        sys.exit("build first: cargo build --release")
    found, skipped = tools()
    for s in skipped:
        print(f"skipped {s}")
    with tempfile.TemporaryDirectory() as root:
        write_layouts(root, N)
        if "--postgres-only" not in sys.argv:
            if shutil.which("sqlite3") is None:
                sys.exit("the sqlite3 shell is the SQLite limit: apt-get install -y sqlite3")
            sqlite_round(root, found)
        if "--sqlite-only" not in sys.argv:
            postgres_round(root, found)


if __name__ == "__main__":
    main()
