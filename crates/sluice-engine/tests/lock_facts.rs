//! The safety analysis' lock claims, checked against real servers.
//!
//! PostgreSQL: each statement runs in a transaction of its own session; a second session
//! reads the locks it holds from `pg_locks` before it rolls back, and the first compares
//! `pg_class.relfilenode` before and after (a new file means a rewrite). Statements that
//! cannot run in a transaction are observed waiting: the second session holds
//! `SHARE UPDATE EXCLUSIVE` on the table, and `pg_locks` shows the mode the statement
//! asks for.
//!
//! MariaDB: each `ALTER` is tried on a fresh table with `ALGORITHM=INSTANT`, then `NOCOPY`,
//! `INPLACE` and `COPY`; the cheapest the server accepts, and whether it accepts `LOCK=NONE`
//! with it, are compared with the analysis.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use mysql::prelude::Queryable;
use postgres::{Client, NoTls, SimpleQueryMessage};
use sluice_lint::analyze::{Algorithm, PgLock};
use sluice_lint::{self as lint, Effects, LockMode, Options, Version};
use sluice_sql::Dialect;

/// The analysis of one statement.
fn analyse(sql: &str, dialect: Dialect, version: Version) -> Effects {
    analyse_after(&[], sql, dialect, version)
}

/// The analysis of one statement of a migration that follows `earlier` (one migration
/// each), as a project's plan knows them: their tables and declared column types.
fn analyse_after(earlier: &[&str], sql: &str, dialect: Dialect, version: Version) -> Effects {
    let mut o = Options::new(dialect);
    o.version = Some(version);
    let mut before = lint::Before::new();
    for e in earlier {
        let m = lint::Migration {
            statements: vec![lint::Input { sql: e, line: 1 }],
            transactional: false,
        };
        let mut r = lint::check(&m, &o, &before);
        before.learn(&mut r, false);
    }
    let m = lint::Migration {
        statements: vec![lint::Input { sql, line: 1 }],
        transactional: false,
    };
    let report = lint::check(&m, &o, &before);
    report.statements[0]
        .effects
        .clone()
        .unwrap_or_else(|| panic!("{sql}: not analysed: {:?}", report.statements[0]))
}

fn rows(c: &mut Client, sql: &str) -> Vec<Vec<String>> {
    c.simple_query(sql)
        .unwrap_or_else(|e| panic!("{sql}: {}", pg_message(&e)))
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(
                (0..r.len())
                    .map(|i| r.get(i).unwrap_or("").to_string())
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

const PG_SETUP: &str = "
    DROP SCHEMA public CASCADE; CREATE SCHEMA public;
    CREATE TABLE p (id int PRIMARY KEY);
    INSERT INTO p SELECT g FROM generate_series(1, 100) g;
    CREATE TABLE t (id int PRIMARY KEY, a int, b text, v varchar(10), p_id int);
    INSERT INTO t SELECT g, g, g::text, 'x', g % 100 + 1 FROM generate_series(1, 1000) g;
    CREATE INDEX t_b ON t (b);
    ALTER TABLE t ADD CONSTRAINT t_a_nv CHECK (a >= 0) NOT VALID;
    CREATE SEQUENCE s;
    CREATE MATERIALIZED VIEW mv AS SELECT id FROM p;
    CREATE TABLE m (k int) PARTITION BY RANGE (k);
    CREATE TABLE m0 PARTITION OF m FOR VALUES FROM (0) TO (10);
    CREATE TABLE m1 (k int);
    CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
";

fn pg_message(e: &postgres::Error) -> String {
    e.as_db_error()
        .map_or_else(|| e.to_string(), |d| d.message().to_string())
}

/// The relation a lock claim is about: the table, or the table of a named index.
fn pg_relation(c: &mut Client, name: &str, via_index: bool) -> String {
    if via_index {
        rows(
            c,
            &format!("SELECT indrelid::regclass::text FROM pg_index WHERE indexrelid = '{name}'::regclass"),
        )[0][0]
            .clone()
    } else {
        name.to_string()
    }
}

/// The strongest mode `pid` holds (or waits for, when `waiting`) on each relation.
fn pg_held(c: &mut Client, pid: &str, waiting: bool) -> BTreeMap<String, PgLock> {
    let modes = [
        PgLock::AccessShare,
        PgLock::RowShare,
        PgLock::RowExclusive,
        PgLock::ShareUpdateExclusive,
        PgLock::Share,
        PgLock::ShareRowExclusive,
        PgLock::Exclusive,
        PgLock::AccessExclusive,
    ];
    let mut out: BTreeMap<String, PgLock> = BTreeMap::new();
    let sql = format!(
        "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
         WHERE l.pid = {pid} AND l.granted = {} AND l.locktype = 'relation'",
        !waiting
    );
    for r in rows(c, &sql) {
        let mode = modes
            .iter()
            .copied()
            .find(|m| m.pg_locks_name() == r[1])
            .unwrap_or_else(|| panic!("unknown mode {}", r[1]));
        let e = out.entry(r[0].clone()).or_insert(mode);
        *e = (*e).max(mode);
    }
    out
}

#[test]
fn postgres_lock_modes_and_rewrites_match_the_server() {
    let db = sluice_testkit::postgres::server().database("lock_facts");
    let mut a = Client::connect(&db.url, NoTls).expect("connect");
    let mut b = Client::connect(&db.url, NoTls).expect("connect");
    let b_pid = rows(&mut b, "SELECT pg_backend_pid()")[0][0].clone();
    let v15 = Version {
        major: 15,
        minor: 0,
    };
    let in_transaction = [
        "CREATE INDEX t_a ON t (a)",
        "CREATE UNIQUE INDEX t_a ON t (a)",
        "DROP INDEX t_b",
        "ALTER INDEX t_b RENAME TO t_b2",
        "REINDEX INDEX t_b",
        "ALTER TABLE t ADD COLUMN c int",
        "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0",
        "ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now()",
        "ALTER TABLE t ADD COLUMN c float8 DEFAULT random()",
        "ALTER TABLE t ADD COLUMN c bigserial",
        "ALTER TABLE t ADD COLUMN c int GENERATED ALWAYS AS (a + 1) STORED",
        "ALTER TABLE t ADD COLUMN c int REFERENCES p (id)",
        "ALTER TABLE t ADD COLUMN c int UNIQUE",
        "ALTER TABLE t ALTER COLUMN a TYPE bigint",
        "ALTER TABLE t ALTER COLUMN v TYPE varchar(20)",
        "ALTER TABLE t ALTER COLUMN v TYPE text",
        "ALTER TABLE t ALTER COLUMN a SET NOT NULL",
        "ALTER TABLE t ALTER COLUMN a DROP NOT NULL",
        "ALTER TABLE t ALTER COLUMN a SET DEFAULT 1",
        "ALTER TABLE t ALTER COLUMN a SET STATISTICS 500",
        "ALTER TABLE t DROP COLUMN b",
        "ALTER TABLE t RENAME COLUMN b TO bb",
        "ALTER TABLE t RENAME TO t2",
        "ALTER TABLE t SET (fillfactor = 70)",
        "ALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (p_id) REFERENCES p (id)",
        "ALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID",
        "ALTER TABLE t ADD CONSTRAINT t_ck CHECK (a > 0)",
        "ALTER TABLE t ADD CONSTRAINT t_ck CHECK (a > 0) NOT VALID",
        "ALTER TABLE t VALIDATE CONSTRAINT t_a_nv",
        "ALTER TABLE t ADD CONSTRAINT t_uq UNIQUE (b)",
        "ALTER TABLE t DROP CONSTRAINT t_a_nv",
        "ALTER TABLE t ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE t REPLICA IDENTITY FULL",
        "ALTER TABLE t SET UNLOGGED",
        "ALTER TABLE m ATTACH PARTITION m1 FOR VALUES FROM (10) TO (20)",
        "ALTER TABLE m DETACH PARTITION m0",
        "CREATE TRIGGER t_noop BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION noop()",
        "CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p (id))",
        "CREATE POLICY t_all ON t USING (true)",
        "CLUSTER t USING t_pkey",
        "TRUNCATE t",
        "DROP TABLE t",
        "LOCK TABLE t",
        "REFRESH MATERIALIZED VIEW mv",
        "ALTER SEQUENCE s RESTART WITH 10",
        "VACUUM FULL t",
        "UPDATE t SET a = 1",
        "DELETE FROM t WHERE id = 1",
    ];
    let mut failures = Vec::new();
    let mut checked = 0;
    for sql in in_transaction {
        rows(&mut a, PG_SETUP);
        let fx = analyse(sql, Dialect::Postgres, v15);
        if fx.locks.is_empty() {
            failures.push(format!("{sql}: the analysis claims no lock"));
            continue;
        }
        // Files are compared by oid: the statement may rename or drop the table.
        let relfile = |c: &mut Client, oid: &str| {
            rows(c, &format!("SELECT pg_relation_filenode({oid})::text"))[0][0].clone()
        };
        let rels: Vec<(String, LockMode)> = fx
            .locks
            .iter()
            .map(|l| (pg_relation(&mut a, &l.table.name, l.via_index), l.mode))
            .collect();
        let oids: Vec<String> = rels
            .iter()
            .map(|(r, _)| rows(&mut a, &format!("SELECT '{r}'::regclass::oid::text"))[0][0].clone())
            .collect();
        let before: Vec<String> = oids.iter().map(|o| relfile(&mut a, o)).collect();
        // VACUUM FULL cannot run in a transaction block; it is observed waiting below.
        if sql.starts_with("VACUUM") {
            continue;
        }
        rows(&mut b, "BEGIN");
        if let Err(e) = b.simple_query(sql) {
            failures.push(format!("{sql}: the server refused it: {}", pg_message(&e)));
            rows(&mut b, "ROLLBACK");
            continue;
        }
        let after: Vec<String> = oids.iter().map(|o| relfile(&mut b, o)).collect();
        let held = pg_held(&mut a, &b_pid, false);
        rows(&mut b, "ROLLBACK");
        for (k, (rel, mode)) in rels.iter().enumerate() {
            let LockMode::Pg(want) = mode else {
                failures.push(format!("{sql}: not a PostgreSQL lock: {mode}"));
                continue;
            };
            match held.get(rel) {
                Some(got) if got == want => {}
                got => failures.push(format!(
                    "{sql}: on {rel} the analysis says {}, the server took {:?}",
                    want.as_str(),
                    got.map(|g| g.as_str())
                )),
            }
            // A new file. TRUNCATE's is empty and a sequence's holds one row: neither
            // writes the table's rows again.
            let rewritten = !after[k].is_empty() && before[k] != after[k];
            let claimed = fx.rewrites.iter().any(|n| n.name == *rel);
            let not_rows = sql.starts_with("TRUNCATE") || sql.starts_with("ALTER SEQUENCE");
            if rewritten != claimed && !not_rows {
                failures.push(format!(
                    "{sql}: on {rel} the analysis says rewrite = {claimed}, the server: {rewritten}"
                ));
            }
            checked += 1;
        }
    }

    // Statements that cannot run in a transaction block: observed waiting behind
    // SHARE UPDATE EXCLUSIVE held by the other session (which lets their brief ACCESS SHARE
    // look-up through, and blocks the lock they work under).
    let outside = [
        "CREATE INDEX CONCURRENTLY t_a ON t (a)",
        "DROP INDEX CONCURRENTLY t_b",
        "REINDEX INDEX CONCURRENTLY t_b",
        "VACUUM t",
        "VACUUM FULL t",
    ];
    for sql in outside {
        rows(&mut a, PG_SETUP);
        let fx = analyse(sql, Dialect::Postgres, v15);
        let Some(lock) = fx.locks.first() else {
            failures.push(format!("{sql}: the analysis claims no lock"));
            continue;
        };
        let rel = pg_relation(&mut a, &lock.table.name, lock.via_index);
        rows(
            &mut a,
            &format!("BEGIN; LOCK TABLE {rel} IN SHARE UPDATE EXCLUSIVE MODE"),
        );
        let url = db.url.clone();
        let stmt = sql.to_string();
        let runner = std::thread::spawn(move || {
            let mut c = Client::connect(&url, NoTls).expect("connect");
            let pid = rows(&mut c, "SELECT pg_backend_pid()")[0][0].clone();
            (
                pid,
                c.simple_query(&stmt).map(|_| ()).map_err(|e| e.to_string()),
            )
        });
        // Find the waiting session by its query text.
        let started = Instant::now();
        let waiting = loop {
            let w = rows(
                &mut a,
                &format!(
                    "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
                     JOIN pg_stat_activity s ON s.pid = l.pid \
                     WHERE NOT l.granted AND s.query = '{}'",
                    sql.replace('\'', "''")
                ),
            );
            if !w.is_empty() || started.elapsed() > Duration::from_secs(20) {
                break w;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        rows(&mut a, "ROLLBACK");
        let (_, result) = runner.join().expect("runner");
        if let Err(e) = result {
            failures.push(format!("{sql}: the server refused it: {e}"));
        }
        let LockMode::Pg(want) = lock.mode else {
            failures.push(format!("{sql}: not a PostgreSQL lock"));
            continue;
        };
        match waiting.first() {
            Some(r) if r[0] == rel && r[1] == want.pg_locks_name() => checked += 1,
            got => failures.push(format!(
                "{sql}: on {rel} the analysis says {}, the server asked for {got:?}",
                want.pg_locks_name()
            )),
        }
        if fx.transactional {
            failures.push(format!(
                "{sql}: the analysis says it may run in a transaction"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} claim(s) differ from PostgreSQL:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 50, "only {checked} lock claims checked");
}

/// How a MariaDB verdict compares with the analysis.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Claim {
    /// The analysis names the server's algorithm and DML verdict.
    Exact,
    /// The analysis cannot know (e.g. the old column type) and claims a costlier algorithm.
    Conservative,
    /// Exact, knowing the table's `CREATE TABLE` from an earlier migration of the plan.
    Planned,
}

#[test]
fn mariadb_algorithms_match_the_server() {
    let server = sluice_testkit::mariadb::server();
    let db = server.database("lock_facts");
    let mut c = mysql::Conn::new(mysql::Opts::from_url(&db.url).expect("url")).expect("connect");
    let create_t = "CREATE TABLE t (id int PRIMARY KEY, a int, b varchar(200), v varchar(10), \
            e enum('x','y'), p_id int, KEY t_b (b)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
    let setup = &format!(
        "DROP TABLE IF EXISTS t, p; \
        CREATE TABLE p (id int PRIMARY KEY) ENGINE=InnoDB; \
        {create_t}; \
        INSERT INTO p SELECT seq FROM seq_1_to_100; \
        INSERT INTO t SELECT seq, seq, seq, 'x', 'x', seq % 100 + 1 FROM seq_1_to_200"
    );
    let version: String = c
        .query_first("SELECT VERSION()")
        .expect("version")
        .expect("a row");
    let v = Version::parse(&version).expect("version");
    use Claim::*;
    let cases = [
        ("ALTER TABLE t ADD COLUMN c int", Exact),
        ("ALTER TABLE t ADD COLUMN c int AFTER id", Exact),
        ("ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0", Exact),
        ("ALTER TABLE t ADD COLUMN c int AS (a + 1) VIRTUAL", Exact),
        ("ALTER TABLE t ADD COLUMN c int AS (a + 1) STORED", Exact),
        (
            "ALTER TABLE t ADD COLUMN c char(36) DEFAULT (UUID())",
            Exact,
        ),
        ("ALTER TABLE t DROP COLUMN a", Exact),
        ("ALTER TABLE t RENAME COLUMN a TO aa", Exact),
        ("ALTER TABLE t ALTER COLUMN a SET DEFAULT 5", Exact),
        ("ALTER TABLE t MODIFY a bigint", Exact),
        ("ALTER TABLE t MODIFY a int NOT NULL", Conservative),
        ("ALTER TABLE t MODIFY v varchar(60)", Conservative),
        ("ALTER TABLE t ADD INDEX t_a (a)", Exact),
        ("ALTER TABLE t ADD UNIQUE INDEX t_a (a)", Exact),
        ("ALTER TABLE t DROP INDEX t_b", Exact),
        ("ALTER TABLE t RENAME INDEX t_b TO t_b2", Exact),
        ("ALTER TABLE t ADD FULLTEXT INDEX t_ft (b)", Exact),
        ("ALTER TABLE t DROP PRIMARY KEY", Exact),
        (
            "ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, a)",
            Exact,
        ),
        ("ALTER TABLE t ADD CONSTRAINT t_ck CHECK (a >= 0)", Exact),
        (
            "ALTER TABLE t ADD CONSTRAINT t_p FOREIGN KEY (p_id) REFERENCES p (id)",
            Exact,
        ),
        ("ALTER TABLE t CONVERT TO CHARACTER SET latin1", Exact),
        ("ALTER TABLE t FORCE", Exact),
        ("ALTER TABLE t COMMENT = 'x'", Exact),
        // With the table's earlier CREATE known (its types and utf8mb4): VARCHAR widenings
        // that keep the length prefix (b: 800 → 1600 bytes; v: 40 → 240 bytes), one that
        // crosses 255 bytes, a MODIFY that keeps the type but not NULL, and renames and a
        // MODIFY that keep everything.
        ("ALTER TABLE t MODIFY b varchar(400)", Planned),
        ("ALTER TABLE t MODIFY v varchar(60)", Planned),
        ("ALTER TABLE t MODIFY v varchar(100)", Planned),
        ("ALTER TABLE t MODIFY a int NOT NULL", Planned),
        ("ALTER TABLE t CHANGE a a2 int", Planned),
        ("ALTER TABLE t CHANGE b b2 varchar(200)", Planned),
        ("ALTER TABLE t MODIFY v varchar(10)", Planned),
    ];
    let ladder = [
        Algorithm::Instant,
        Algorithm::Nocopy,
        Algorithm::Inplace,
        Algorithm::Copy,
    ];
    let mut failures = Vec::new();
    for (sql, claim) in cases {
        let fx = if claim == Planned {
            analyse_after(&[create_t], sql, Dialect::MySql, v)
        } else {
            analyse(sql, Dialect::MySql, v)
        };
        let Some(LockMode::MySql {
            algorithm,
            concurrent_dml,
        }) = fx.locks.first().map(|l| l.mode)
        else {
            failures.push(format!("{sql}: the analysis claims no ALTER lock"));
            continue;
        };
        let mut refusals = Vec::new();
        let mut accepts = |c: &mut mysql::Conn, extra: &str| -> bool {
            c.query_drop(setup).expect("setup");
            match c.query_drop(format!("{sql}, {extra}")) {
                Ok(()) => true,
                Err(e) => {
                    refusals.push(format!("{extra}: {e}"));
                    false
                }
            }
        };
        let Some(cheapest) = ladder
            .iter()
            .copied()
            .find(|a| accepts(&mut c, &format!("ALGORITHM={}", a.as_str())))
        else {
            failures.push(format!(
                "{sql}: the server refused every algorithm: {}",
                refusals.join("; ")
            ));
            continue;
        };
        let dml = accepts(
            &mut c,
            &format!("ALGORITHM={}, LOCK=NONE", cheapest.as_str()),
        );
        let ok = match claim {
            Exact | Planned => algorithm == cheapest && concurrent_dml == dml,
            Conservative => algorithm > cheapest || (algorithm == cheapest && !concurrent_dml),
        };
        if !ok {
            failures.push(format!(
                "{sql}: the analysis says ALGORITHM={} (DML {}), {version} takes {} (DML {}) [{claim:?}]",
                algorithm.as_str(),
                concurrent_dml,
                cheapest.as_str(),
                dml
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} claim(s) differ from MariaDB:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The errors the analysis predicts statically (safety-rules.md §B.3): the server refuses
/// each migration, and the analysis flags it with the rule that says why.
#[test]
fn postgres_refuses_what_the_analysis_predicts() {
    let db = sluice_testkit::postgres::server().database("predicted_errors");
    let mut a = Client::connect(&db.url, NoTls).expect("connect");
    let mut b = Client::connect(&db.url, NoTls).expect("connect");
    // (statements, run in one transaction, the rule, the server's message)
    let cases: [(&[&str], bool, &str, &str); 6] = [
        (
            &["CREATE INDEX CONCURRENTLY t_a ON t (a)"],
            true,
            "concurrently-in-transaction",
            "cannot run inside a transaction block",
        ),
        (
            &["DROP INDEX CONCURRENTLY t_b"],
            true,
            "concurrently-in-transaction",
            "cannot run inside a transaction block",
        ),
        (
            &["ALTER TABLE t ADD COLUMN zz int NOT NULL"],
            true,
            "add-not-null-column-without-default",
            "contains null values",
        ),
        (
            &[
                "CREATE TABLE m2 (k int) PARTITION BY RANGE (k)",
                "CREATE INDEX CONCURRENTLY m2_k ON m2 (k)",
            ],
            false,
            "index-on-partitioned-table",
            "cannot create index on partitioned table",
        ),
        (
            &["ALTER TYPE mood ADD VALUE 'b'", "SELECT 'b'::mood"],
            true,
            "enum-add-value",
            "unsafe use of new value",
        ),
        (
            &["ALTER TABLE t ADD CONSTRAINT t_u UNIQUE (b) NOT VALID"],
            true,
            "add-unique-constraint",
            "UNIQUE constraints cannot be marked NOT VALID",
        ),
    ];
    let mut failures = Vec::new();
    for (stmts, transactional, rule, message) in cases {
        rows(&mut a, PG_SETUP);
        rows(&mut a, "CREATE TYPE mood AS ENUM ('a')");
        let m = lint::Migration {
            statements: stmts
                .iter()
                .map(|sql| lint::Input { sql, line: 1 })
                .collect(),
            transactional,
        };
        let report = lint::check(&m, &Options::new(Dialect::Postgres), &lint::Before::new());
        if !report.findings.iter().any(|f| f.rule == rule) {
            failures.push(format!("{stmts:?}: the analysis does not flag {rule}"));
        }
        if transactional {
            rows(&mut b, "BEGIN");
        }
        let refused = stmts
            .iter()
            .find_map(|sql| b.simple_query(sql).err().map(|e| pg_message(&e)));
        if transactional {
            rows(&mut b, "ROLLBACK");
        }
        match refused {
            Some(m) if m.contains(message) => {}
            other => failures.push(format!(
                "{stmts:?}: expected the server to refuse it with {message:?}, got {other:?}"
            )),
        }
    }
    // The safe alternative for UNIQUE is not NOT VALID, which the server refuses.
    let unique = lint::rules::find("add-unique-constraint").expect("rule");
    assert!(!unique.instead.contains("NOT VALID"), "{}", unique.instead);
    assert!(
        failures.is_empty(),
        "{} prediction(s) differ from PostgreSQL:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
