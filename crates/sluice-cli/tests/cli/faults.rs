//! Real faults, real processes, real servers: a lock connection terminated mid-run, a
//! runner killed inside another PID namespace, a server restarted mid-run, a runner killed
//! while its `CREATE INDEX CONCURRENTLY` waits, a lock queue that must not be joined twice.

use std::process::{Child, Stdio};
use std::time::Duration;

use sluice_testkit::Project;
use sluice_testkit::postgres::{OwnServer, psql, tool};

use crate::backend::Backend;
use crate::pg::wait_for;
use crate::support::{sluice, sluice_cmd};

fn spawn(p: &Project, args: &[&str]) -> Child {
    sluice_cmd(p.path(), args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish(c: Child) -> (i32, String) {
    let out = c.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A session that holds a transaction (and so a snapshot) open until it is ended.
fn hold_snapshot(url: &str, app: &str) -> Child {
    std::process::Command::new(tool("psql"))
        .args([
            "-X",
            "-q",
            "-d",
            url,
            "-c",
            "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1; SELECT pg_sleep(60); COMMIT;",
        ])
        .env("PGAPPNAME", app)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn end_sessions(url: &str, app: &str) {
    psql(
        url,
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{app}'"
        ),
    )
    .unwrap();
}

#[test]
fn a_terminated_lock_connection_stops_the_run_and_nothing_is_overwritten() {
    let b = Backend::postgres("locklost");
    let url = b.url();
    let p = Project::new("pg-locklost");
    for i in 1..=6 {
        p.simple(
            &format!("M{i}"),
            &[],
            &[
                &format!("CREATE TABLE t{i} (x INTEGER)"),
                "SELECT pg_sleep(0.4)",
            ],
            &[&format!("DROP TABLE t{i}")],
        );
    }
    let a = spawn(&p, &["--url", &url, "up"]);
    wait_for("the first runner to apply M2", || {
        psql(
            &url,
            "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'sluice/run_%' AND query LIKE '%CREATE TABLE t2%'",
        )
        .unwrap()
            == "1"
    });
    // The lock's own connection goes (a pooler, idle_session_timeout, a DBA).
    psql(
        &url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'sluice/%/lock' AND datname = current_database()",
    )
    .unwrap();
    // A second runner starts at once and gets the lock.
    let second = spawn(&p, &["--url", &url, "up", "--lock-wait", "20s"]);
    let (code_a, out_a) = finish(a);
    let (code_b, out_b) = finish(second);
    assert_eq!(code_a, 5, "{out_a}");
    assert!(
        out_a.contains("the migration lock was lost while applying M2"),
        "{out_a}"
    );
    assert_eq!(code_b, 0, "{out_b}");
    let e = b.t("events");
    // Every migration applied exactly once, by one runner or the other; the first applied
    // M1 only; nothing failed, so no applied row was overwritten.
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT migration_id || ' ' || count(*) FROM {e} WHERE to_state = 'applied' GROUP BY migration_id ORDER BY migration_id")
        ),
        ["M1 1", "M2 1", "M3 1", "M4 1", "M5 1", "M6 1"]
    );
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT count(*) FROM {e} WHERE to_state = 'failed'")
        ),
        ["0"]
    );
    let m = b.t("migrations");
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT count(DISTINCT run_id) FROM {m} WHERE state = 'applied'")
        ),
        ["2"]
    );
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT count(*) FROM {m} WHERE state = 'applied'")
        ),
        ["6"]
    );
}

#[test]
fn a_terminated_lock_connection_stops_a_step_by_step_run_within_one_statement() {
    let b = Backend::postgres("locklost_steps");
    let url = b.url();
    let p = Project::new("pg-locklost-steps");
    p.migration(
        "M1",
        "-- transaction: false\n-- sluice:up\nCREATE TABLE a (x INTEGER);\nSELECT pg_sleep(1.5);\nCREATE TABLE b (x INTEGER);\nCREATE TABLE c (x INTEGER);\n-- sluice:down\nDROP TABLE IF EXISTS c;\nDROP TABLE IF EXISTS b;\nDROP TABLE IF EXISTS a;\n",
    );
    let a = spawn(&p, &["--url", &url, "up"]);
    wait_for("the sleep", || {
        psql(
            &url,
            "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'sluice/run_%' AND query LIKE '%SELECT pg_sleep(1.5)%'",
        )
        .unwrap()
            == "1"
    });
    psql(
        &url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'sluice/%/lock' AND datname = current_database()",
    )
    .unwrap();
    let (code, out) = finish(a);
    assert_eq!(code, 5, "{out}");
    // The sleep's record did not commit (it shares a transaction with it): statement 1
    // is the last recorded done, and nothing after the sleep ran.
    let m = b.t("migrations");
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT state || ' ' || statements_done FROM {m}")
        ),
        ["applying 1"]
    );
    assert_eq!(
        psql(
            &url,
            "SELECT count(*) FROM pg_class WHERE relname IN ('b', 'c')"
        )
        .unwrap(),
        "0"
    );
    assert!(out.contains("statements 1–1 of 4 done"), "{out}");
    // The next run finds it partial (its run is gone) and resumes it.
    sluice(p.path(), &["--url", &url, "up", "--resume"]).code(0);
}

#[test]
fn a_runner_killed_in_another_pid_namespace_leaves_no_stuck_lock() {
    let p = Project::new("sqlite-pidns");
    p.simple("M1", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    p.simple(
        "M2",
        &[],
        &["CREATE TABLE big AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000000) SELECT x FROM c"],
        &["DROP TABLE big"],
    );
    sluice(p.path(), &["up", "--count", "1"]).code(0);
    // A runner in a PID namespace of its own (as in a container): its pid there is 1.
    let bin = env!("CARGO_BIN_EXE_sluice");
    let mut ns = std::process::Command::new("unshare");
    ns.args(["--pid", "--fork", "--kill-child"]);
    if !is_root() {
        ns.args(["--user", "--map-root-user"]);
    }
    let mut child = ns
        .args([bin, "up"])
        .current_dir(p.path())
        .env("SLUICE_ACTOR", "tester")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run unshare (util-linux) for this test: {e}"));
    let conn = crate::support::db(&p.path().join("sluice.db"));
    wait_for("the namespaced runner to hold the lock", || {
        if let Ok(Some(st)) = child.try_wait() {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("the namespaced runner ended early ({st}): {err}");
        }
        crate::support::strings(&conn, "SELECT count(*) FROM sluice_lock") == ["1"]
    });
    assert_eq!(
        crate::support::strings(&conn, "SELECT pid FROM sluice_lock"),
        ["1"],
        "the holder's pid is its pid in its own namespace"
    );
    child.kill().unwrap(); // SIGKILL to unshare: its child dies with it (--kill-child)
    child.wait().unwrap();
    // The next run takes the lock over at once (and has nothing to record of M2: its
    // transaction died with its process).
    sluice(p.path(), &["up", "--count", "0", "--lock-wait", "2s"]).code(0);
    assert_eq!(
        crate::support::strings(
            &conn,
            "SELECT count(*) FROM sluice_migrations WHERE id = 'M2'"
        ),
        ["0"]
    );
    let notes = crate::support::strings(
        &conn,
        "SELECT reason FROM sluice_events WHERE migration_id IS NULL",
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("took over the migration lock")),
        "{notes:?}"
    );
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[test]
fn a_transactional_migration_behind_a_long_transaction_queues_once_per_attempt() {
    let b = Backend::postgres("lockqueue");
    let url = b.url();
    let p = Project::new("pg-lockqueue");
    p.config(&format!(
        "[project]\ndialect = \"postgres\"\n\n[environments.dev]\nurl = \"{url}\"\nlock_timeout = \"200ms\"\nretries = 3\nretry_cap = \"100ms\"\n"
    ));
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE queue_probe_q1 (x INTEGER)"],
        &["DROP TABLE queue_probe_q1"],
    );
    sluice(p.path(), &["up"]).code(0);
    let mut holder = std::process::Command::new(tool("psql"))
        .args([
            "-X",
            "-q",
            "-d",
            &url,
            "-c",
            "BEGIN; SELECT count(*) FROM queue_probe_q1; SELECT pg_sleep(20); COMMIT;",
        ])
        .env("PGAPPNAME", "queue-holder")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the holder", || {
        psql(&url, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'queue-holder' AND query LIKE '%pg_sleep%'").unwrap() == "1"
    });
    // Two statements: the batch fails without saying which statement waited.
    p.simple(
        "M2",
        &[],
        &[
            "ALTER TABLE queue_probe_q1 ADD COLUMN y INTEGER",
            "ALTER TABLE queue_probe_q1 ADD COLUMN z INTEGER",
        ],
        &["ALTER TABLE queue_probe_q1 DROP COLUMN y, DROP COLUMN z"],
    );
    let run = sluice(p.path(), &["up"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("attempt 4 of 4"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("did not say which of its 2 statements was waiting"),
        "{}",
        run.stderr
    );
    end_sessions(&url, "queue-holder");
    let _ = holder.wait();
    // The server's log: each attempt joined the lock queue once (an ERROR line whose
    // STATEMENT is this migration's).
    let log = std::fs::read_to_string(
        sluice_testkit::postgres::server()
            .log
            .as_ref()
            .expect("the test kit's server has a log"),
    )
    .unwrap();
    let lines: Vec<&str> = log.lines().collect();
    let waits = lines
        .windows(4)
        .filter(|w| {
            w[0].contains("canceling statement due to lock timeout")
                && w[1].contains("STATEMENT:")
                && w[1..]
                    .iter()
                    .any(|l| l.contains("queue_probe_q1 ADD COLUMN y"))
        })
        .count();
    assert_eq!(waits, 4, "one wait per attempt, 4 attempts");
}

#[test]
fn a_server_restart_mid_run_is_survived_and_an_interrupted_cic_is_rebuilt() {
    let server = OwnServer::start("restart");
    let url = server.database("restart");
    let p = Project::new("pg-restart");
    p.simple(
        "M1",
        &[],
        &[
            "CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT)",
            "INSERT INTO items SELECT g, 'x' || g FROM generate_series(1, 20000) g",
        ],
        &["DROP TABLE items"],
    );
    p.migration(
        "M2",
        "-- transaction: false\n-- sluice:up\nCREATE INDEX CONCURRENTLY items_v ON items (v);\nCREATE TABLE after_index (x INTEGER);\n-- sluice:down\nDROP TABLE IF EXISTS after_index;\nDROP INDEX CONCURRENTLY IF EXISTS items_v;\n",
    );
    p.simple(
        "M3",
        &[],
        &["CREATE TABLE last (x INTEGER)"],
        &["DROP TABLE last"],
    );
    sluice(p.path(), &["--url", &url, "up", "--count", "1"]).code(0);
    // An old snapshot makes the index build wait (its index already in the catalog,
    // INVALID) until the snapshot goes.
    let mut holder = hold_snapshot(&url, "snapshot-holder");
    wait_for("the snapshot", || {
        psql(&url, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'snapshot-holder' AND query LIKE '%pg_sleep%'").unwrap() == "1"
    });
    let run = spawn(&p, &["--url", &url, "up", "--reconnect", "60s"]);
    wait_for("the index build to wait", || {
        psql(
            &url,
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'",
        )
        .unwrap()
            == "1"
    });
    // A crash of the server: every session ends, the build is cut off.
    server.restart("immediate");
    let _ = holder.wait();
    let (code, out) = finish(run);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("reconnected after"), "{out}");
    assert!(
        out.contains("left index items_v INVALID") && out.contains("it is built again now"),
        "{out}"
    );
    assert_eq!(
        psql(
            &url,
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_v'::regclass"
        )
        .unwrap(),
        "t"
    );
    assert_eq!(
        psql(
            &url,
            "SELECT count(*) FROM sluice.migrations WHERE state = 'applied'"
        )
        .unwrap(),
        "3"
    );
    // A fast shutdown between migrations: same story, nothing in doubt.
    let st = sluice(p.path(), &["--url", &url, "status", "--format", "json"]).code(0);
    assert!(
        st.stdout.contains("\"percent_applied\": 100"),
        "{}",
        st.stdout
    );
}

#[test]
fn a_runner_killed_while_its_index_build_waits_is_resumed_after_the_build_ends() {
    let b = Backend::postgres("cic_kill");
    let url = b.url();
    let p = Project::new("pg-cic-kill");
    p.simple(
        "M1",
        &[],
        &[
            "CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT)",
            "INSERT INTO items SELECT g, 'x' || g FROM generate_series(1, 5000) g",
        ],
        &["DROP TABLE items"],
    );
    p.migration(
        "M2",
        "-- transaction: false\n-- sluice:up\nCREATE INDEX CONCURRENTLY items_v ON items (v);\nCREATE TABLE after_index (x INTEGER);\n-- sluice:down\nDROP TABLE IF EXISTS after_index;\nDROP INDEX CONCURRENTLY IF EXISTS items_v;\n",
    );
    sluice(p.path(), &["--url", &url, "up", "--count", "1"]).code(0);
    let mut holder = hold_snapshot(&url, "cic-kill-holder");
    wait_for("the snapshot", || {
        psql(&url, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cic-kill-holder' AND query LIKE '%pg_sleep%'").unwrap() == "1"
    });
    let mut run = spawn(&p, &["--url", &url, "up"]);
    wait_for("the index build to wait", || {
        psql(
            &url,
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'",
        )
        .unwrap()
            == "1"
    });
    run.kill().unwrap(); // SIGKILL: the server goes on with the build
    run.wait().unwrap();
    let st = sluice(p.path(), &["--url", &url, "status"]).code(0);
    assert!(st.stdout.contains("statement 1 IN DOUBT"), "{}", st.stdout);
    // The resumed run waits for the stopped run's build to end, then judges it.
    let resume = spawn(&p, &["--url", &url, "up", "--resume", "--lock-wait", "30s"]);
    std::thread::sleep(Duration::from_millis(1500));
    end_sessions(&url, "cic-kill-holder");
    let _ = holder.wait();
    let (code, out) = finish(resume);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("statement 1 was in doubt and took effect (index items_v exists)"),
        "{out}"
    );
    let m = b.t("migrations");
    assert_eq!(
        b.q(p.path(), &format!("SELECT state FROM {m} WHERE id = 'M2'")),
        ["applied"]
    );
}

#[test]
fn a_hot_journal_left_by_a_killed_writer_does_not_stop_status() {
    // An application's database in rollback-journal mode (sluice creates WAL databases,
    // but it adopts whatever it is given).
    let p = Project::new("sqlite-hot-journal");
    let live = p.path().join("app.db");
    let conn = rusqlite::Connection::open(&live).unwrap();
    conn.execute_batch("PRAGMA journal_mode = DELETE; CREATE TABLE app_setting (k TEXT)")
        .unwrap();
    drop(conn);
    let url = format!("sqlite:{}", live.display());
    p.simple("M1", &[], &["CREATE TABLE t (x)"], &["DROP TABLE t"]);
    sluice(p.path(), &["--url", &url, "up"]).code(0);
    // A writer stops inside a transaction whose pages spilled to the file: what is on
    // disk is then a database with a hot journal. Copy it as a killed writer leaves it.
    let conn = rusqlite::Connection::open(&live).unwrap();
    conn.execute_batch(
        "PRAGMA cache_size = 10;
         BEGIN;
         INSERT INTO t WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000)
             SELECT randomblob(200) FROM c;",
    )
    .unwrap();
    let crashed = p.path().join("crashed.db");
    std::fs::copy(&live, &crashed).unwrap();
    let journal = p.path().join("app.db-journal");
    assert!(journal.exists(), "the transaction spilled to the file");
    std::fs::copy(&journal, p.path().join("crashed.db-journal")).unwrap();
    drop(conn); // rolls the live one back
    let url = format!("sqlite:{}", crashed.display());
    let out = sluice(p.path(), &["--url", &url, "status"]).code(0);
    assert!(out.stdout.contains("M1"), "{}", out.stdout);
    // The last committed state: the table the migration made, without the rows.
    let conn = crate::support::db(&crashed);
    assert_eq!(
        crate::support::strings(&conn, "SELECT count(*) FROM t"),
        ["0"]
    );
    assert!(!p.path().join("crashed.db-journal").exists());
}
