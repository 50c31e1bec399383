#!/usr/bin/env python3
"""sluice benchmarks, run side by side with their baselines in one script.

    cargo build --release && python3 bench/bench.py [--quick] [--scaling-only | --sqlite-only | --postgres-only | --mysql-only | --test-only]

0. Scaling: `plan` and `lint` (no database) on 1,000, 2,500, 5,000 and 10,000 generated
   migrations, beside `cat` of the same files; the ratio of each size's time to the
   1,000 one shows whether the work stays linear (10× the migrations: about 10× the time).
1. `status` and `plan` on 10,000 generated migrations (no database yet, then all applied):
   wall time and peak RSS of the sluice process (wait4), median of N runs.
2. `up` of 1,000 small generated migrations on a fresh SQLite file, against the `sqlite3`
   shell running the same statements with the same per-migration BEGIN/COMMIT in WAL
   journal mode; runs alternate, each on a fresh file; the ratio of medians is reported.

3. PostgreSQL: `up` of 1,000 small migrations against `psql -f` running the same
   statements with the same per-migration BEGIN/COMMIT in one session (fresh database
   each run), and a no-op `up` when all 1,000 are applied. The server is a throwaway one
   started here (initdb, default durability settings) unless SLUICE_BENCH_PG_URL points at
   one (a URL whose database part is ignored: databases are created and dropped).

4. MariaDB: `up` of 1,000 small migrations against the `mariadb` client running the same
   statements in one session (fresh database each run; DDL commits on its own there, so
   sluice runs these migrations statement by statement and records progress after each).
   The server is a throwaway one (mariadb-install-db, default durability) unless
   SLUICE_BENCH_MYSQL_URL points at one (e.g. mysql://root@127.0.0.1:3306).

Figures vary with the machine; compare the ratios, which are measured in the same run.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLUICE = os.path.join(ROOT, "target", "release", "sluice")
QUICK = "--quick" in sys.argv
RUNS = 3 if QUICK else 7


def run(cmd, cwd, stdin=None):
    """Runs cmd; returns (seconds, peak RSS in MiB) of that one process."""
    env = dict(os.environ, SLUICE_ACTOR="bench", NO_COLOR="1")
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    err = p.stderr.read().decode()
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd} failed: {err}")
    return elapsed, usage.ru_maxrss / 1024.0


def small_migration(i, mysql=False):
    text = "VARCHAR(100)" if mysql else "TEXT"
    up = [
        f"CREATE TABLE t_{i} (id INTEGER PRIMARY KEY, name {text} NOT NULL, created_at {text})",
        f"CREATE INDEX t_{i}_name ON t_{i} (name)",
        f"INSERT INTO t_{i} (id, name, created_at) VALUES (1, 'row {i}', '2026-11-21')",
    ]
    return up, [f"DROP TABLE t_{i}"]


def write_project(path, n, requires_every=10, mysql=False):
    mig = os.path.join(path, "migrations")
    os.makedirs(mig)
    ids = []
    for i in range(n):
        mid = f"{20250101000000 + i}_m{i}"
        ids.append(mid)
        up, down = small_migration(i, mysql)
        head = f"-- author: bench\n-- description: generated migration {i}\n-- risk: low\n"
        if requires_every and i % requires_every == 0 and i > 0:
            head += f"-- requires: {ids[i - 5]}\n"
        body = head + "\n-- sluice:up\n" + ";\n".join(up) + ";\n\n-- sluice:down\n" + ";\n".join(down) + ";\n"
        body += f"\n-- sluice:verify\n-- expect: rows 1\nSELECT * FROM t_{i};\n"
        with open(os.path.join(mig, mid + ".sql"), "w") as f:
            f.write(body)
    return ids


def median_of(cmd, cwd, runs):
    times, mems = [], []
    for _ in range(runs):
        t, m = run(cmd, cwd)
        times.append(t)
        mems.append(m)
    return statistics.median(times), max(mems)


def bench_status_plan():
    n = 10_000
    with tempfile.TemporaryDirectory() as tmp:
        write_project(tmp, n)
        print(f"## status and plan on {n} migrations (median of {RUNS} runs; peak RSS of the process)")
        files = sorted(os.path.join(tmp, "migrations", f) for f in os.listdir(os.path.join(tmp, "migrations")))
        for label in ("no database yet", "all applied"):
            if label == "all applied":
                t, _ = run([SLUICE, "up"], tmp)
                print(f"(setup: up of {n} migrations took {t:.1f} s; the database now holds {n} tables and {n} indexes)")
                base_cmd = ["sqlite3", os.path.join(tmp, "sluice.db"), "SELECT * FROM sluice_migrations"]
                base_label = "sqlite3 shell reading sluice_migrations"
            else:
                base_cmd = ["cat"] + files
                base_label = f"cat of the {n} files"
            b, bm = median_of(base_cmd, tmp, RUNS)
            print(f"baseline {label:<16} {base_label}: {b * 1000:7.1f} ms   peak RSS {bm:6.1f} MiB")
            for cmd in ("status", "plan"):
                t, m = median_of([SLUICE, cmd], tmp, RUNS)
                print(f"{cmd:<8} {label:<16} median {t * 1000:7.1f} ms   peak RSS {m:6.1f} MiB   ratio to baseline {t / b:.2f}x")


def bench_scaling():
    print("## scaling: plan and lint with no database (median of %d runs each)" % RUNS)
    base = {}
    for n in (1_000, 2_500, 5_000, 10_000):
        with tempfile.TemporaryDirectory() as tmp:
            write_project(tmp, n)
            files = sorted(os.path.join(tmp, "migrations", f) for f in os.listdir(os.path.join(tmp, "migrations")))
            c, _ = median_of(["cat"] + files, tmp, RUNS)
            row = [f"{n:>6} migrations   cat {c * 1000:7.1f} ms"]
            for cmd in ("plan", "lint"):
                t, m = median_of([SLUICE, cmd], tmp, RUNS)
                base.setdefault(cmd, t / n * 1000)
                row.append(f"{cmd} {t * 1000:7.1f} ms ({t / (base[cmd] * n / 1000):4.2f}× linear from 1,000; peak {m:5.1f} MiB)")
            print("   ".join(row))


def bench_up():
    n = 1_000
    print(f"\n## up of {n} small migrations (3 statements each) on a fresh SQLite file, WAL")
    with tempfile.TemporaryDirectory() as tmp:
        proj = os.path.join(tmp, "proj")
        write_project(proj, n, requires_every=0)
        script = os.path.join(tmp, "baseline.sql")
        with open(script, "w") as f:
            f.write("PRAGMA journal_mode=WAL;\n")
            for i in range(n):
                up, _ = small_migration(i)
                f.write("BEGIN;\n" + ";\n".join(up) + ";\nCOMMIT;\n")
        sluice_t, shell_t = [], []
        for _ in range(RUNS):
            for name in ("sluice.db", "sluice.db-wal", "sluice.db-shm", "shell.db", "shell.db-wal", "shell.db-shm"):
                for d in (proj, tmp):
                    p = os.path.join(d, name)
                    if os.path.exists(p):
                        os.remove(p)
            with open(script) as f:
                t, _ = run(["sqlite3", os.path.join(tmp, "shell.db")], tmp, stdin=f)
            shell_t.append(t)
            t, _ = run([SLUICE, "up"], proj)
            sluice_t.append(t)
        s, b = statistics.median(sluice_t), statistics.median(shell_t)
        print(f"sqlite3 shell  median {b * 1000:8.1f} ms  (runs: {', '.join(f'{x * 1000:.0f}' for x in shell_t)})")
        print(f"sluice up      median {s * 1000:8.1f} ms  (runs: {', '.join(f'{x * 1000:.0f}' for x in sluice_t)})")
        print(f"ratio sluice / sqlite3 shell: {s / b:.2f}x  (target: at most 1.2x, bookkeeping included)")


def pg_bin():
    for d in [os.path.dirname(shutil.which("initdb") or "")] + sorted(
        (os.path.join("/usr/lib/postgresql", v, "bin") for v in os.listdir("/usr/lib/postgresql")) if os.path.isdir("/usr/lib/postgresql") else [],
        reverse=True,
    ):
        if d and os.path.exists(os.path.join(d, "initdb")):
            return d
    sys.exit("PostgreSQL binaries (initdb, postgres, psql) are needed: apt-get install -y postgresql")


class PgServer:
    """A throwaway server (as the `postgres` user when run as root), stopped on exit."""

    def __enter__(self):
        url = os.environ.get("SLUICE_BENCH_PG_URL")
        if url:
            self.base, self.proc, self.dir = url.rsplit("/", 1)[0], None, None
            return self
        b = pg_bin()
        self.dir = tempfile.mkdtemp(prefix="sluice-bench-pg-")
        os.chmod(self.dir, 0o755)
        pre = []
        if os.geteuid() == 0:
            import pwd
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            pre = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--clear-groups", "--"]
        data = os.path.join(self.dir, "data")
        subprocess.run(pre + [os.path.join(b, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import socket
        s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
        self.proc = subprocess.Popen(pre + [os.path.join(b, "postgres"), "-D", data, "-p", str(port), "-k", self.dir,
                                            "-c", "listen_addresses=127.0.0.1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"postgres://postgres@127.0.0.1:{port}"
        for _ in range(100):
            if subprocess.run(["psql", "-X", "-q", "-d", self.base + "/postgres", "-c", "SELECT 1"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        return self

    def psql(self, db, sql):
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", f"{self.base}/{db}", "-c", sql], check=True, capture_output=True)

    def fresh(self, name):
        self.psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.psql("postgres", f"CREATE DATABASE {name}")
        return f"{self.base}/{name}"

    def __exit__(self, *exc):
        if self.proc:
            self.proc.send_signal(2)
            self.proc.wait()
            shutil.rmtree(self.dir, ignore_errors=True)


def bench_pg_up():
    n = 1_000
    with PgServer() as pg, tempfile.TemporaryDirectory() as tmp:
        proj = os.path.join(tmp, "proj")
        write_project(proj, n, requires_every=0)
        script = os.path.join(tmp, "baseline.sql")
        with open(script, "w") as f:
            for i in range(n):
                up, _ = small_migration(i)
                f.write("BEGIN;\n" + ";\n".join(up) + ";\nCOMMIT;\n")
        print(f"\n## PostgreSQL: up of {n} small migrations (3 statements each), fresh database each run")
        sluice_t, psql_t = [], []
        for _ in range(RUNS):
            url = pg.fresh("bench_psql")
            t, _ = run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", script], tmp)
            psql_t.append(t)
            url = pg.fresh("bench_sluice")
            t, _ = run([SLUICE, "--url", url, "up"], proj)
            sluice_t.append(t)
        s, b = statistics.median(sluice_t), statistics.median(psql_t)
        print(f"psql -f        median {b * 1000:8.1f} ms  (runs: {', '.join(f'{x * 1000:.0f}' for x in psql_t)})")
        print(f"sluice up      median {s * 1000:8.1f} ms  (runs: {', '.join(f'{x * 1000:.0f}' for x in sluice_t)})")
        print(f"ratio sluice / psql: {s / b:.2f}x  (target: at most 1.10x, bookkeeping included)")
        noop = [run([SLUICE, "--url", url, "up"], proj)[0] for _ in range(RUNS)]
        print(f"no-op up with {n} applied: median {statistics.median(noop) * 1000:.1f} ms (target: under 50 ms)")

        tables = 500
        url = pg.fresh("bench_dump")
        ddl = os.path.join(tmp, "dump.sql")
        with open(ddl, "w") as f:
            f.write("CREATE TYPE state AS ENUM ('new', 'open', 'closed');\n")
            for i in range(tables):
                ref = f", parent_id bigint REFERENCES t_{i - 1} (id) ON DELETE CASCADE" if i else ""
                f.write(f"CREATE TABLE t_{i} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE, "
                        f"state state NOT NULL DEFAULT 'new', amount numeric(12, 2) CHECK (amount >= 0), created_at timestamptz DEFAULT now(){ref});\n"
                        f"CREATE INDEX t_{i}_state ON t_{i} (state, created_at DESC) WHERE state <> 'closed';\n")
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", ddl], check=True, capture_output=True)
        pg_dump = shutil.which("pg_dump") or os.path.join(pg_bin(), "pg_dump")
        b, _ = median_of([pg_dump, "--schema-only", "-d", url, "-f", os.devnull], tmp, RUNS)
        s, m = median_of([SLUICE, "--url", url, "schema", "dump"], tmp, RUNS)
        print(f"\n## schema dump of {tables} tables (with PKs, unique, FK, check, enum, partial indexes)")
        print(f"pg_dump --schema-only  median {b * 1000:7.1f} ms")
        print(f"sluice schema dump     median {s * 1000:7.1f} ms   peak RSS {m:5.1f} MiB   ratio {s / b:.2f}x")


class MyServer:
    """A throwaway MariaDB server (as the `mysql` user when run as root), stopped on exit."""

    def __enter__(self):
        url = os.environ.get("SLUICE_BENCH_MYSQL_URL")
        self.proc, self.dir = None, None
        if url:
            self.base = url.rstrip("/")
            rest = self.base.split("://", 1)[1]
            auth, hostport = rest.rsplit("@", 1) if "@" in rest else ("root", rest)
            host, port = hostport.split(":") if ":" in hostport else (hostport, "3306")
            self.args = ["--no-defaults", f"--user={auth.split(':')[0]}", f"--host={host}", f"--port={port}", "--protocol=tcp"]
            if ":" in auth:
                self.args.append(f"--password={auth.split(':', 1)[1]}")
            return self
        mariadbd = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
        if not os.path.exists(mariadbd) or shutil.which("mariadb") is None:
            sys.exit("MariaDB is needed: apt-get install -y mariadb-server mariadb-client")
        self.dir = tempfile.mkdtemp(prefix="sluice-bench-my-")
        os.chmod(self.dir, 0o755)
        pre = []
        if os.geteuid() == 0:
            import pwd
            pw = pwd.getpwnam("mysql")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            pre = ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--clear-groups", "--"]
        data, tmpd = os.path.join(self.dir, "data"), self.dir
        subprocess.run(pre + ["mariadb-install-db", "--no-defaults", f"--datadir={data}", f"--tmpdir={tmpd}",
                              "--auth-root-authentication-method=normal", "--skip-test-db"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import socket
        s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
        self.proc = subprocess.Popen(pre + [mariadbd, "--no-defaults", f"--datadir={data}", f"--tmpdir={tmpd}",
                                            f"--socket={self.dir}/mysqld.sock", f"--port={port}", "--bind-address=127.0.0.1",
                                            f"--pid-file={self.dir}/mysqld.pid", "--skip-name-resolve"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"mysql://root@127.0.0.1:{port}"
        self.args = ["--no-defaults", "--user=root", "--host=127.0.0.1", f"--port={port}", "--protocol=tcp"]
        for _ in range(100):
            if subprocess.run(["mariadb"] + self.args + ["-e", "SELECT 1"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        return self

    def sql(self, sql):
        subprocess.run(["mariadb"] + self.args + ["-e", sql], check=True, capture_output=True)

    def fresh(self, name):
        self.sql(f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}")
        return f"{self.base}/{name}"

    def __exit__(self, *exc):
        if self.proc:
            self.proc.terminate()
            self.proc.wait()
            shutil.rmtree(self.dir, ignore_errors=True)


def bench_mysql_up():
    n = 1_000
    with MyServer() as my, tempfile.TemporaryDirectory() as tmp:
        proj = os.path.join(tmp, "proj")
        write_project(proj, n, requires_every=0, mysql=True)
        script = os.path.join(tmp, "baseline.sql")
        with open(script, "w") as f:
            for i in range(n):
                up, _ = small_migration(i, mysql=True)
                f.write(";\n".join(up) + ";\n")
        print(f"\n## MariaDB: up of {n} small migrations (3 statements each), fresh database each run")
        sluice_t, client_t = [], []
        for _ in range(RUNS):
            my.fresh("bench_client")
            with open(script) as f:
                t, _ = run(["mariadb"] + my.args + ["bench_client"], tmp, stdin=f)
            client_t.append(t)
            url = my.fresh("bench_sluice")
            t, _ = run([SLUICE, "--url", url, "up"], proj)
            sluice_t.append(t)
        s, b = statistics.median(sluice_t), statistics.median(client_t)
        print(f"mariadb client median {b * 1000:8.1f} ms  (runs: {', '.join(f'{x * 1000:.0f}' for x in client_t)})")
        print(f"sluice up      median {s * 1000:8.1f} ms  (runs: {', '.join(f'{x * 1000:.0f}' for x in sluice_t)})")
        print(f"ratio sluice / mariadb client: {s / b:.2f}x  (target: at most 1.0x, bookkeeping included)")
        noop = [run([SLUICE, "--url", url, "up"], proj)[0] for _ in range(RUNS)]
        print(f"no-op up with {n} applied: median {statistics.median(noop) * 1000:.1f} ms")


def bench_test():
    """`sluice test` on 200 generated migrations: wall time, and how much of it was spent
    inside the database (sluice times every engine call) against sluice's own work."""
    import json
    n = 200
    print(f"\n## sluice test on {n} generated migrations (up, verify, down, schema compare, up again each)")
    with tempfile.TemporaryDirectory() as tmp:
        proj = os.path.join(tmp, "proj")
        write_project(proj, n, requires_every=0)

        def one(extra):
            env = dict(os.environ, SLUICE_ACTOR="bench", NO_COLOR="1")
            walls, db = [], []
            for _ in range(RUNS):
                start = time.perf_counter()
                p = subprocess.run([SLUICE, "--format", "json", "test"] + extra, cwd=proj, env=env, capture_output=True, text=True)
                walls.append(time.perf_counter() - start)
                if p.returncode != 0:
                    sys.exit(f"sluice test failed: {p.stderr}{p.stdout[:2000]}")
                doc = json.loads(p.stdout)
                db.append(doc["database_ms"] / max(doc["duration_ms"], 1))
            return statistics.median(walls), statistics.median(db)

        w, share = one([])
        print(f"SQLite      median {w * 1000:8.1f} ms   in the database {share * 100:4.1f} %   in sluice {100 - share * 100:4.1f} %")
        if "--sqlite-only" not in sys.argv:
            # The limit: up, down and up again of each migration with psql, one session,
            # a transaction each (what `sluice test` runs, without its checks).
            script = os.path.join(tmp, "updownup.sql")
            with open(script, "w") as f:
                for i in range(n):
                    up, down = small_migration(i)
                    u = "BEGIN;\n" + ";\n".join(up) + ";\nCOMMIT;\n"
                    f.write(u + "BEGIN;\n" + ";\n".join(down) + ";\nCOMMIT;\n" + u)
            with PgServer() as pg:
                base = []
                for _ in range(RUNS):
                    url = pg.fresh("updownup")
                    t, _ = run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", script], tmp)
                    base.append(t)
                b = statistics.median(base)
                print(f"psql up, down, up of each, one session: median {b * 1000:8.1f} ms")
                w, share = one(["--url", pg.base + "/unused", "--scratch-url", pg.base + "/postgres"])
                print(f"PostgreSQL  median {w * 1000:8.1f} ms   in the database {share * 100:4.1f} %   in sluice {100 - share * 100:4.1f} %   ratio to psql {w / b:.2f}x (target: at most 3x)")


if __name__ == "__main__":
    if not os.path.exists(SLUICE):
        sys.exit("build first: cargo build --release")
    only = [a for a in sys.argv if a.endswith("-only")]
    if not only or "--scaling-only" in only:
        bench_scaling()
    if not only or "--sqlite-only" in only:
        if shutil.which("sqlite3") is None:
            sys.exit("the sqlite3 shell is needed for the baseline: apt-get install -y sqlite3")
        bench_status_plan()
        bench_up()
    if not only or "--postgres-only" in only:
        bench_pg_up()
    if not only or "--mysql-only" in only:
        bench_mysql_up()
    if not only or "--test-only" in only:
        bench_test()
