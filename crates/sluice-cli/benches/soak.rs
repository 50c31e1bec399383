//! The soak harness: real faults at random moments, many times, on every engine, and after
//! each one the history checked against the live catalog.
//!
//! ```sh
//! cargo bench -p sluice-cli --bench soak -- --engine all --mode kill --trials 200
//! cargo bench -p sluice-cli --bench soak -- --engine postgres --mode restart --trials 20
//! cargo bench -p sluice-cli --bench soak -- --engine postgres --mode lockloss --trials 20
//! cargo bench -p sluice-cli --bench soak -- --engine galera --mode nodekill --trials 10
//! ```
//!
//! Each trial starts `sluice up` on a fresh database over a generated project (transactional
//! migrations, step-by-step ones with `CREATE INDEX CONCURRENTLY`, `ALTER TABLE`, views
//! and data, slow statements), and at a random moment:
//!
//! - `kill`: sends it SIGKILL;
//! - `restart` (PostgreSQL): restarts the server (`pg_ctl -m fast`, then `immediate`,
//!   alternating) while the runner goes on with `--reconnect 60s`;
//! - `lockloss` (PostgreSQL): terminates the lock's own connection and starts a second
//!   runner at once;
//! - `nodekill` (`--engine galera`, a three-node MariaDB Galera cluster from the test kit):
//!   SIGKILLs the node the runner is connected to, starts it again and waits until the
//!   cluster is `Synced` (`kill` works on Galera too; a killed runner's lease runs out
//!   15 s later, which the recovery waits for).
//!
//! Then it reads `sluice status --format json` and compares every migration's recorded
//! state with the catalog, statement by statement: a statement recorded done must show, one
//! not started must not, one in doubt may do either (and counts as recorded only because
//! `status` says it is in doubt). Then it recovers with `sluice up --resume` alone; a run
//! that stops on a statement in doubt the catalog cannot judge (a `DO` block) is answered
//! with `sluice resolve --statement-done`, and counted. Finally everything must be applied
//! exactly once and match the catalog.
//!
//! `--seed N` repeats a series; `--keep` keeps the failing trial's database.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sluice_testkit::postgres::{OwnServer, psql};
use sluice_testkit::{Project, TempDir};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Engine {
    Sqlite,
    Postgres,
    Mariadb,
    /// MariaDB SQL, on a node of a three-node Galera cluster.
    Galera,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
            Engine::Mariadb => "mariadb",
            Engine::Galera => "galera",
        }
    }
}

/// xorshift64*: repeatable series from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// One statement of a generated migration and how to see its effect in the catalog.
struct Stmt {
    sql: String,
    /// A query whose first value is 1 when the statement's effect is there; `None` for a
    /// statement with no effect to see (a sleep).
    check: Option<String>,
}

struct Mig {
    id: String,
    transactional: bool,
    stmts: Vec<Stmt>,
}

fn exists_table(e: Engine, t: &str) -> String {
    match e {
        Engine::Sqlite => format!(
            "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = '{t}'"
        ),
        Engine::Postgres => format!(
            "SELECT count(*) FROM pg_class WHERE relname = '{t}' AND relnamespace = 'public'::regnamespace"
        ),
        Engine::Mariadb | Engine::Galera => format!(
            "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{t}'"
        ),
    }
}

fn exists_index(e: Engine, table: &str, i: &str) -> String {
    match e {
        Engine::Sqlite => {
            format!("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '{i}'")
        }
        // An INVALID index (an interrupted CONCURRENTLY build) is not the statement's effect.
        Engine::Postgres => format!(
            "SELECT count(*) FROM pg_index WHERE indexrelid = to_regclass('{i}') AND indisvalid"
        ),
        Engine::Mariadb | Engine::Galera => format!(
            "SELECT count(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}' AND INDEX_NAME = '{i}'"
        ),
    }
}

fn exists_column(e: Engine, t: &str, c: &str) -> String {
    match e {
        Engine::Sqlite => {
            format!("SELECT count(*) FROM pragma_table_info('{t}') WHERE name = '{c}'")
        }
        Engine::Postgres => format!(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass('{t}') AND attname = '{c}' AND NOT attisdropped"
        ),
        Engine::Mariadb | Engine::Galera => format!(
            "SELECT count(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{t}' AND COLUMN_NAME = '{c}'"
        ),
    }
}

fn sleep_sql(e: Engine, ms: u64) -> String {
    match e {
        Engine::Sqlite => format!(
            "SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {}) SELECT x FROM c)",
            ms * 4000
        ),
        Engine::Postgres => format!("SELECT pg_sleep({})", ms as f64 / 1000.0),
        Engine::Mariadb | Engine::Galera => format!("SELECT SLEEP({})", ms as f64 / 1000.0),
    }
}

/// Inserts `n` rows into `t` (so that its index takes a moment to build).
fn rows_sql(e: Engine, t: &str, n: u32) -> String {
    match e {
        Engine::Postgres => {
            format!("INSERT INTO {t} (x, v) SELECT g, md5(g::text) FROM generate_series(1, {n}) g")
        }
        // MariaDB's sequence engine.
        Engine::Mariadb | Engine::Galera => {
            format!("INSERT INTO {t} (x, v) SELECT seq, MD5(seq) FROM seq_1_to_{n}")
        }
        Engine::Sqlite => format!(
            "INSERT INTO {t} (x, v) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < {n}) SELECT n, hex(randomblob(8)) FROM c"
        ),
    }
}

/// The generated project: every kind of migration, each statement's effect visible.
fn generate(e: Engine, n: usize) -> Vec<Mig> {
    let mut v = Vec::new();
    for i in 0..n {
        let id = format!("{:03}_m{i}", i + 1);
        if i % 3 == 0 {
            let t = format!("a_{i}");
            v.push(Mig {
                id,
                transactional: true,
                stmts: vec![
                    Stmt {
                        sql: format!("CREATE TABLE {t} (x INTEGER, v VARCHAR(40))"),
                        check: Some(exists_table(e, &t)),
                    },
                    Stmt {
                        sql: format!("INSERT INTO {t} (x, v) VALUES (1, 'a'), (2, 'b')"),
                        check: None,
                    },
                    Stmt {
                        sql: sleep_sql(e, 40),
                        check: None,
                    },
                ],
            });
        } else {
            let t = format!("b_{i}");
            let idx = format!("bi_{i}");
            let view = format!("bv_{i}");
            let concurrently = if e == Engine::Postgres {
                "CONCURRENTLY "
            } else {
                ""
            };
            let mut stmts = vec![
                Stmt {
                    sql: format!("CREATE TABLE {t} (x INTEGER, v VARCHAR(40))"),
                    check: Some(exists_table(e, &t)),
                },
                Stmt {
                    sql: rows_sql(e, &t, 20_000),
                    check: None,
                },
                Stmt {
                    sql: sleep_sql(e, 30),
                    check: None,
                },
                Stmt {
                    sql: format!("CREATE INDEX {concurrently}{idx} ON {t} (v)"),
                    check: Some(exists_index(e, &t, &idx)),
                },
                Stmt {
                    sql: format!("ALTER TABLE {t} ADD COLUMN y INTEGER"),
                    check: Some(exists_column(e, &t, "y")),
                },
                Stmt {
                    sql: format!("CREATE VIEW {view} AS SELECT x, y FROM {t}"),
                    check: Some(exists_table(e, &view)),
                },
            ];
            if e == Engine::Postgres && i % 5 == 4 {
                // A statement whose effect no catalog shows: in doubt, it is asked about.
                stmts.insert(
                    3,
                    Stmt {
                        sql: "DO $$ BEGIN PERFORM pg_sleep(0.03); END $$".into(),
                        check: None,
                    },
                );
            }
            v.push(Mig {
                id,
                transactional: false,
                stmts,
            });
        }
    }
    v
}

fn write_project(p: &Project, migs: &[Mig]) {
    for m in migs {
        let mut text = String::new();
        if !m.transactional {
            text.push_str("-- transaction: false\n");
        }
        text.push_str("-- sluice:up\n");
        for s in &m.stmts {
            text.push_str(&s.sql);
            text.push_str(";\n");
        }
        text.push_str("-- sluice:down\nSELECT 1;\n");
        p.migration(&m.id, &text);
    }
}

/// A database for one trial.
struct Target {
    engine: Engine,
    url: String,
    /// Galera: the node the runner is connected to.
    node: usize,
    /// SQLite: the folder of the file.
    dir: Option<TempDir>,
}

impl Target {
    fn query(&self, sql: &str) -> String {
        match self.engine {
            Engine::Sqlite => {
                let c =
                    rusqlite::Connection::open(self.dir.as_ref().unwrap().path().join("soak.db"))
                        .unwrap();
                c.query_row(sql, [], |r| {
                    let v: rusqlite::types::Value = r.get(0)?;
                    Ok(match v {
                        rusqlite::types::Value::Integer(i) => i.to_string(),
                        rusqlite::types::Value::Text(t) => t,
                        _ => String::new(),
                    })
                })
                .unwrap_or_default()
            }
            Engine::Postgres => psql(&self.url, sql).unwrap_or_else(|e| format!("error: {e}")),
            Engine::Mariadb | Engine::Galera => sluice_testkit::mariadb::client(&self.url, sql)
                .unwrap_or_else(|e| format!("error: {e}")),
        }
    }

    fn present(&self, check: &str) -> bool {
        self.query(check).trim().parse::<i64>().unwrap_or(0) > 0
    }
}

fn sluice(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sluice"));
    c.args(args)
        .current_dir(dir)
        .env("SLUICE_ACTOR", "soak")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    c
}

fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = sluice(dir, args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Compares the history with the catalog: the mismatches, and how many statements were
/// in doubt (named by `status`).
fn compare(t: &Target, dir: &Path, migs: &[Mig]) -> (Vec<String>, usize) {
    let (code, out) = run(dir, &["--url", &t.url, "status", "--format", "json"]);
    if code != 0 {
        return (vec![format!("status failed ({code}): {out}")], 0);
    }
    let json: Value = match serde_json::from_str(&out) {
        Ok(v) => v,
        Err(e) => return (vec![format!("status json: {e}: {out}")], 0),
    };
    let rows = json["migrations"].as_array().cloned().unwrap_or_default();
    let mut bad = Vec::new();
    let mut doubts = 0;
    for m in migs {
        let row = rows.iter().find(|r| r["id"] == m.id.as_str());
        let state = row
            .and_then(|r| r["state"].as_str())
            .unwrap_or("pending")
            .to_string();
        let done = row.and_then(|r| r["statements_done"].as_u64()).unwrap_or(0) as usize;
        let interrupted = row.is_some_and(|r| r["interrupted"] == true);
        // Started and not recorded done: in doubt once its run is gone, in flight while
        // sluice still sees the run hold the lock (a Galera lease that has not run out);
        // either way it may or may not have taken effect.
        let doubt = row.and_then(|r| r["in_doubt"].as_u64()).map(|k| k as usize);
        if doubt.is_some() && interrupted {
            doubts += 1;
        }
        let (done, doubt) = match state.as_str() {
            "applied" => (m.stmts.len(), None),
            "pending" | "failed" => (0, None),
            "partial" | "applying" => (done, doubt),
            other => {
                bad.push(format!("{}: unexpected state {other}", m.id));
                continue;
            }
        };
        for (i, s) in m.stmts.iter().enumerate() {
            let k = i + 1;
            let Some(check) = &s.check else { continue };
            if doubt == Some(k) {
                continue;
            }
            let should = k <= done;
            let is = t.present(check);
            if should != is {
                bad.push(format!(
                    "{}: recorded {state} {done}/{}{}, but statement {k} ({}) is {}",
                    m.id,
                    m.stmts.len(),
                    doubt
                        .map(|d| format!(" (statement {d} in doubt)"))
                        .unwrap_or_default(),
                    s.sql,
                    if is { "there" } else { "not there" }
                ));
            }
        }
    }
    (bad, doubts)
}

#[derive(Default)]
struct Tally {
    trials: usize,
    stopped_mid_run: usize,
    mismatches: usize,
    in_doubt_named: usize,
    asked: usize,
    stuck_locks: usize,
    recovered: usize,
    completed_after_reconnect: usize,
    applied_twice: usize,
    failures: Vec<String>,
}

/// Recovers with `up --resume` alone (answering a statement the catalog cannot judge),
/// then checks that everything is applied once and matches the catalog.
fn recover(t: &Target, dir: &Path, migs: &[Mig], tally: &mut Tally, trial: usize) {
    for _ in 0..5 {
        let (code, out) = run(
            dir,
            &["--url", &t.url, "up", "--resume", "--lock-wait", "30s"],
        );
        match code {
            0 => {
                let (bad, _) = compare(t, dir, migs);
                let all = migs.len().to_string();
                let applied = t.query(&match t.engine {
                    Engine::Postgres => {
                        "SELECT count(*) FROM sluice.migrations WHERE state = 'applied'".into()
                    }
                    _ => {
                        "SELECT count(*) FROM sluice_migrations WHERE state = 'applied'".to_string()
                    }
                });
                let twice = t.query(&match t.engine {
                    Engine::Postgres => "SELECT count(*) FROM (SELECT migration_id FROM sluice.events WHERE to_state = 'applied' GROUP BY migration_id HAVING count(*) > 1) x".into(),
                    _ => "SELECT count(*) FROM (SELECT migration_id FROM sluice_events WHERE to_state = 'applied' GROUP BY migration_id HAVING count(*) > 1) x".to_string(),
                });
                if twice.trim() != "0" {
                    tally.applied_twice += 1;
                    tally
                        .failures
                        .push(format!("trial {trial}: a migration applied twice"));
                }
                if bad.is_empty() && applied.trim() == all {
                    tally.recovered += 1;
                } else {
                    tally.failures.push(format!(
                        "trial {trial}: after recovery {applied}/{all} applied; {}",
                        bad.join("; ")
                    ));
                }
                return;
            }
            4 if out.contains("--statement-done") => {
                let id = migs
                    .iter()
                    .find(|m| out.contains(&format!("{}: statement", m.id)))
                    .map(|m| m.id.clone());
                let Some(id) = id else {
                    tally.failures.push(format!("trial {trial}: {out}"));
                    return;
                };
                tally.asked += 1;
                if std::env::var_os("SOAK_VERBOSE").is_some() {
                    println!(
                        "  asked (trial {trial}): {}",
                        out.lines().last().unwrap_or("")
                    );
                }
                // The only such statements here are DO blocks that change nothing.
                run(
                    dir,
                    &[
                        "--url",
                        &t.url,
                        "resolve",
                        &id,
                        "--statement-done",
                        "--reason",
                        "soak: the DO block changes nothing",
                    ],
                );
            }
            5 => {
                tally.stuck_locks += 1;
                tally.failures.push(format!("trial {trial}: lock: {out}"));
                return;
            }
            _ => {
                tally
                    .failures
                    .push(format!("trial {trial}: recovery exit {code}: {out}"));
                return;
            }
        }
    }
}

fn fresh(engine: Engine, own: Option<&OwnServer>, n: usize) -> Target {
    match engine {
        Engine::Sqlite => {
            let dir = TempDir::new("soak-db");
            Target {
                engine,
                url: format!("sqlite:{}", dir.path().join("soak.db").display()),
                node: 0,
                dir: Some(dir),
            }
        }
        Engine::Postgres => {
            let url = match own {
                Some(s) => s.database(&format!("soak{n}")),
                None => {
                    let db = sluice_testkit::postgres::server().database(&format!("soak{n}"));
                    let url = db.url.clone();
                    std::mem::forget(db); // dropped with the server at the end
                    url
                }
            };
            Target {
                engine,
                url,
                node: 0,
                dir: None,
            }
        }
        Engine::Galera => {
            let db = sluice_testkit::galera::cluster().database(&format!("soak{n}"));
            let node = n % 3;
            let url = db.urls[node].clone();
            std::mem::forget(db);
            Target {
                engine,
                url,
                node,
                dir: None,
            }
        }
        Engine::Mariadb => {
            let db = sluice_testkit::mariadb::server().database(&format!("soak{n}"));
            let url = db.url.clone();
            std::mem::forget(db);
            Target {
                engine,
                url,
                node: 0,
                dir: None,
            }
        }
    }
}

fn spawn_up(dir: &Path, url: &str, extra: &[&str]) -> Child {
    let mut args = vec!["--url", url, "up"];
    args.extend_from_slice(extra);
    sluice(dir, &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn soak(engine: Engine, mode: &str, trials: usize, rng: &mut Rng) -> Tally {
    let migs = generate(engine, 12);
    let project = Project::new("soak");
    write_project(&project, &migs);
    let dir = project.path();
    let own = (mode == "restart").then(|| OwnServer::start("soak"));
    // Calibrate: how long a whole run takes.
    let t0 = fresh(engine, own.as_ref(), 0);
    let started = Instant::now();
    let (code, out) = run(dir, &["--url", &t0.url, "up"]);
    assert_eq!(code, 0, "a clean run must pass: {out}");
    let full = started.elapsed();
    println!(
        "{} {mode}: a whole run takes {} ms",
        engine.name(),
        full.as_millis()
    );
    let mut tally = Tally::default();
    for trial in 1..=trials {
        tally.trials += 1;
        let t = fresh(engine, own.as_ref(), trial);
        let delay = Duration::from_millis(rng.below(full.as_millis() as u64 + 50));
        match mode {
            "kill" => {
                let mut child = spawn_up(dir, &t.url, &[]);
                std::thread::sleep(delay);
                if child.try_wait().unwrap().is_none() {
                    tally.stopped_mid_run += 1;
                }
                let _ = child.kill();
                let _ = child.wait();
            }
            "restart" => {
                let child = spawn_up(dir, &t.url, &["--reconnect", "60s"]);
                std::thread::sleep(delay);
                let m = if trial % 2 == 0 { "immediate" } else { "fast" };
                own.as_ref().unwrap().restart(m);
                let out = child.wait_with_output().unwrap();
                if out.status.success() {
                    tally.completed_after_reconnect += 1;
                } else {
                    tally.stopped_mid_run += 1;
                    if std::env::var_os("SOAK_VERBOSE").is_some() {
                        let err = String::from_utf8_lossy(&out.stderr);
                        println!("  stopped (trial {trial}): {}", err.trim());
                    }
                }
            }
            "lockloss" => {
                let first = spawn_up(dir, &t.url, &[]);
                std::thread::sleep(delay);
                let _ = psql(
                    &t.url,
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'sluice/%/lock' AND datname = current_database()",
                );
                let second = spawn_up(dir, &t.url, &["--resume", "--lock-wait", "30s"]);
                let a = first.wait_with_output().unwrap();
                let _ = second.wait_with_output().unwrap();
                if !a.status.success() {
                    tally.stopped_mid_run += 1;
                }
            }
            "nodekill" => {
                let cluster = sluice_testkit::galera::cluster();
                let child = spawn_up(dir, &t.url, &["--reconnect", "3s"]);
                std::thread::sleep(delay);
                cluster.kill(t.node);
                let out = child.wait_with_output().unwrap();
                if !out.status.success() {
                    tally.stopped_mid_run += 1;
                    if std::env::var_os("SOAK_VERBOSE").is_some() {
                        let err = String::from_utf8_lossy(&out.stderr);
                        println!("  stopped (trial {trial}): {}", err.trim());
                    }
                }
                cluster.restart(t.node);
                cluster
                    .wait_synced(Duration::from_secs(120))
                    .unwrap_or_else(|e| panic!("trial {trial}: the cluster did not heal: {e}"));
            }
            other => panic!("unknown mode {other}"),
        }
        let (bad, doubts) = compare(&t, dir, &migs);
        tally.in_doubt_named += doubts;
        if !bad.is_empty() {
            tally.mismatches += bad.len();
            tally
                .failures
                .push(format!("trial {trial}: {}", bad.join("; ")));
        }
        recover(&t, dir, &migs, &mut tally, trial);
        if trial % 20 == 0 {
            println!(
                "  {trial}/{trials}: {} mismatches, {} recovered",
                tally.mismatches, tally.recovered
            );
        }
    }
    tally
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    if args.iter().any(|a| a == "--bench") && args.len() <= 2 {
        // `cargo bench` without arguments runs every bench: this one only on request.
        println!("soak: pass --engine, --mode and --trials (see the file's documentation)");
        return;
    }
    let engines: Vec<Engine> = match arg("--engine").as_deref().unwrap_or("sqlite") {
        "all" => vec![Engine::Sqlite, Engine::Postgres, Engine::Mariadb],
        "sqlite" => vec![Engine::Sqlite],
        "postgres" => vec![Engine::Postgres],
        "mariadb" | "mysql" => vec![Engine::Mariadb],
        "galera" => vec![Engine::Galera],
        other => panic!("unknown engine {other}"),
    };
    let modes: Vec<String> = match arg("--mode").as_deref().unwrap_or("kill") {
        "all" => vec![
            "kill".into(),
            "restart".into(),
            "lockloss".into(),
            "nodekill".into(),
        ],
        m => vec![m.to_string()],
    };
    let trials: usize = arg("--trials").map_or(20, |t| t.parse().unwrap());
    let seed: u64 = arg("--seed").map_or_else(
        || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        },
        |s| s.parse().unwrap(),
    );
    println!("soak: seed {seed}");
    let mut rng = Rng(seed);
    let mut report = Vec::new();
    for e in &engines {
        for m in &modes {
            let fits = match m.as_str() {
                "kill" => true,
                "nodekill" => *e == Engine::Galera,
                _ => *e == Engine::Postgres,
            };
            if !fits {
                continue;
            }
            let t = soak(*e, m, trials, &mut rng);
            for f in t.failures.iter().take(10) {
                println!("  FAIL {f}");
            }
            report.push((e.name(), m.clone(), t));
        }
    }
    println!(
        "\n{:<9} {:<9} {:>6} {:>9} {:>11} {:>9} {:>6} {:>6} {:>10} {:>10} {:>7}",
        "engine",
        "mode",
        "trials",
        "mid-run",
        "mismatches",
        "in doubt",
        "asked",
        "stuck",
        "recovered",
        "reconnect",
        "twice"
    );
    for (e, m, t) in &report {
        println!(
            "{e:<9} {m:<9} {:>6} {:>9} {:>11} {:>9} {:>6} {:>6} {:>10} {:>10} {:>7}",
            t.trials,
            t.stopped_mid_run,
            t.mismatches,
            t.in_doubt_named,
            t.asked,
            t.stuck_locks,
            t.recovered,
            t.completed_after_reconnect,
            t.applied_twice
        );
    }
}
