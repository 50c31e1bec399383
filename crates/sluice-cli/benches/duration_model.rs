//! Calibrates the duration model of the safety analysis (`sluice_lint::estimate`).
//!
//! On each dialect it builds a table on the test kit's server (SQLite: a temp file), reads
//! its live size the way `plan --env` does, then runs one statement of each kind of work
//! (index build, rewrite, scan) and prints the measured time beside the model's estimate
//! and the rate the measurement implies. The model's rates are set from these figures.
//!
//! `cargo bench -p sluice-cli --bench duration_model` (`-- --rows N` for another table
//! size; default 1,000,000 rows on PostgreSQL and SQLite, 300,000 on MariaDB).

use std::path::Path;
use std::time::Instant;

use sluice_core::Engine;
use sluice_lint::{self as lint, Options};
use sluice_sql::Dialect;

struct Case {
    sql: &'static str,
}

fn engine(url: &str, dir: &Path) -> Box<dyn Engine> {
    let opts = sluice_engine::OpenOptions {
        access: sluice_engine::Access::Create,
        application: "sluice/bench".into(),
        state: "sluice".into(),
        session: Vec::new(),
    };
    sluice_engine::open(url, dir, &opts)
        .expect("open")
        .expect("database exists")
}

fn run(dialect: Dialect, e: &mut dyn Engine, setup: &[String], cases: &[Case]) {
    for s in setup {
        e.execute(s).unwrap_or_else(|err| panic!("{s}: {err}"));
    }
    println!("\n{} ({})", dialect.name(), e.info().server);
    println!(
        "{:<58} {:>9} {:>9} {:>9} {:>7} {:>10}",
        "statement", "MB", "model s", "measured", "ratio", "MB/s"
    );
    for c in cases {
        let mut o = Options::new(dialect);
        o.sizes = Some(sluice_core::lint::live_sizes(e, dialect, None).expect("sizes"));
        let m = lint::Migration {
            statements: vec![lint::Input {
                sql: c.sql,
                line: 1,
            }],
            transactional: false,
        };
        let report = lint::check(&m, &o, &lint::Before::new());
        let est = report.statements[0]
            .estimate
            .clone()
            .expect("the statement does work on a known table");
        let bytes: u64 = est.tables.iter().map(|t| t.size.bytes).sum();
        let t = Instant::now();
        e.execute(c.sql)
            .unwrap_or_else(|err| panic!("{}: {err}", c.sql));
        let measured = t.elapsed().as_secs_f64();
        println!(
            "{:<58} {:>9.1} {:>9.2} {:>9.2} {:>7.2} {:>10.1}   ({})",
            c.sql,
            bytes as f64 / 1e6,
            est.seconds,
            measured,
            measured / est.seconds,
            bytes as f64 / 1e6 / measured,
            est.tables
                .iter()
                .map(|t| t.work.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rows: Option<u64> = args
        .iter()
        .position(|a| a == "--rows")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok());
    let dir = sluice_testkit::TempDir::new("duration-model");

    let n = rows.unwrap_or(1_000_000);
    let db = sluice_testkit::postgres::server().database("duration_model");
    let mut e = engine(&db.url, dir.path());
    run(
        Dialect::Postgres,
        e.as_mut(),
        &[
            "CREATE TABLE t (id bigint PRIMARY KEY, a int NOT NULL, b text, c timestamptz)".into(),
            format!(
                "INSERT INTO t SELECT g, g % 1000, md5(g::text), now() FROM generate_series(1, {n}) g"
            ),
            "VACUUM ANALYZE t".into(),
        ],
        &[
            Case {
                sql: "CREATE INDEX t_a ON t (a)",
            },
            Case {
                sql: "CREATE INDEX CONCURRENTLY t_b ON t (b)",
            },
            Case {
                sql: "ALTER TABLE t ADD CONSTRAINT t_a_ck CHECK (a >= 0)",
            },
            Case {
                sql: "ALTER TABLE t ALTER COLUMN a TYPE bigint",
            },
        ],
    );
    drop(e);

    let n = rows.unwrap_or(300_000);
    let db = sluice_testkit::mariadb::server().database("duration_model");
    let mut e = engine(&db.url, dir.path());
    run(
        Dialect::MySql,
        e.as_mut(),
        &[
            "CREATE TABLE t (id bigint PRIMARY KEY, a int NOT NULL, b varchar(64), c datetime) ENGINE=InnoDB".into(),
            format!("INSERT INTO t SELECT seq, seq % 1000, md5(seq), now() FROM seq_1_to_{n}"),
            "ANALYZE TABLE t".into(),
        ],
        &[
            Case { sql: "ALTER TABLE t ADD INDEX t_a (a)" },
            Case { sql: "ALTER TABLE t FORCE" },
            Case { sql: "ALTER TABLE t MODIFY a bigint NOT NULL" },
        ],
    );
    drop(e);

    let n = rows.unwrap_or(1_000_000);
    let url = format!("sqlite:{}", dir.path().join("model.db").display());
    let mut e = engine(&url, dir.path());
    run(
        Dialect::Sqlite,
        e.as_mut(),
        &[
            "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b TEXT, c TEXT)".into(),
            format!(
                "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < {n}) INSERT INTO t SELECT i, i % 1000, hex(randomblob(16)), datetime('now') FROM g"
            ),
        ],
        &[
            Case {
                sql: "CREATE INDEX t_a ON t (a)",
            },
            Case {
                sql: "ALTER TABLE t DROP COLUMN c",
            },
        ],
    );
}
