//! `max_blocked_sessions`: a migration that keeps more sessions waiting behind its locks
//! than the environment allows stops — a step-by-step one between statements, a
//! transactional one rolled back before its `COMMIT` — and says which sessions it
//! blocked; the history is exact.

use std::time::{Duration, Instant};

use sluice_testkit::Project;
use sluice_testkit::postgres::{psql, server};

use crate::support::sluice_cmd;

const CONFIG: &str = "[project]\ndialect = \"postgres\"\n\n[environments.prod]\nurl = \"env:DATABASE_URL\"\nmax_blocked_sessions = 1\n";

/// Waits until a session of sluice holds `ACCESS EXCLUSIVE` on `t`, then starts two
/// readers of `t`, which wait behind it; returns them.
fn readers_behind_the_lock(url: &str) -> Vec<std::thread::JoinHandle<()>> {
    let started = Instant::now();
    loop {
        let held = psql(
            url,
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
             WHERE c.relname = 't' AND l.mode = 'AccessExclusiveLock' AND l.granted",
        )
        .unwrap_or_default();
        if held.trim() == "1" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the migration never took its lock"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (0..2)
        .map(|_| {
            let reader = format!("{url}?application_name=blocked_reader");
            std::thread::spawn(move || {
                let _ = psql(&reader, "SELECT count(*) FROM t");
            })
        })
        .collect()
}

/// Applies the first migration, then runs `up` with two readers waiting behind the
/// second's lock; the run must fail: its output.
fn up_with_readers(p: &Project, url: &str) -> (String, String) {
    let first = sluice_cmd(p.path(), &["--env", "prod", "up", "--count", "1"])
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(0));
    let run = sluice_cmd(p.path(), &["--env", "prod", "up"])
        .env("DATABASE_URL", url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let readers = readers_behind_the_lock(url);
    let out = run.wait_with_output().unwrap();
    for r in readers {
        r.join().unwrap();
    }
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert_ne!(out.status.code(), Some(0), "{stdout}{stderr}");
    (stdout, stderr)
}

fn history(url: &str, id: &str) -> String {
    psql(
        url,
        &format!(
            "SELECT state || ' ' || statements_done || ' ' || coalesce(last_error, '') FROM sluice.migrations WHERE id = '{id}'"
        ),
    )
    .unwrap()
    .trim()
    .to_string()
}

#[test]
fn a_step_by_step_migration_that_blocks_too_many_sessions_stops_between_statements() {
    let db = server().database("watch_steps");
    let p = Project::new("watch-steps");
    p.config(CONFIG);
    p.migration(
        "001_table",
        "-- sluice:up\nCREATE TABLE t (id int PRIMARY KEY);\n\n-- sluice:down\nDROP TABLE t;\n",
    );
    p.migration(
        "002_hold",
        "-- transaction: false\n-- sluice:up\nDO $$ BEGIN LOCK TABLE t IN ACCESS EXCLUSIVE MODE; PERFORM pg_sleep(4); END $$;\nALTER TABLE t ADD COLUMN later int;\n\n-- sluice:down\nALTER TABLE t DROP COLUMN IF EXISTS later;\n",
    );

    let (stdout, stderr) = up_with_readers(&p, &db.url);
    assert!(
        stderr.contains("stopped after statement 1 of 2")
            && stderr.contains("kept 2 other session(s) waiting behind its locks, more than max_blocked_sessions = 1")
            && stderr.matches("blocked_reader").count() == 2,
        "{stdout}{stderr}"
    );
    // Statement 1 stays done, statement 2 never ran: partial, 1 done, and why.
    let h = history(&db.url, "002_hold");
    assert!(
        h.starts_with("partial 1 ") && h.contains("max_blocked_sessions = 1"),
        "{h}"
    );
    let later = psql(
        &db.url,
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'later'",
    )
    .unwrap();
    assert_eq!(later.trim(), "0");
    // With nobody waiting, `up --resume` goes on from statement 2.
    let resumed = sluice_cmd(p.path(), &["--env", "prod", "up", "--resume"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert_eq!(
        resumed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    assert!(history(&db.url, "002_hold").starts_with("applied 2"));
}

#[test]
fn a_transactional_migration_that_blocks_too_many_sessions_is_rolled_back_before_commit() {
    let db = server().database("watch_tx");
    let p = Project::new("watch-tx");
    p.config(CONFIG);
    p.migration(
        "001_table",
        "-- sluice:up\nCREATE TABLE t (id int PRIMARY KEY);\n\n-- sluice:down\nDROP TABLE t;\n",
    );
    p.migration(
        "002_hold",
        "-- sluice:up\nLOCK TABLE t IN ACCESS EXCLUSIVE MODE;\nSELECT pg_sleep(2);\nALTER TABLE t ADD COLUMN c int;\n\n-- sluice:down\nALTER TABLE t DROP COLUMN c;\n",
    );

    let (stdout, stderr) = up_with_readers(&p, &db.url);
    assert!(
        stderr.contains("was stopped and its transaction rolled back")
            && stderr.contains("kept 2 other session(s) waiting")
            && stderr.contains("blocked_reader"),
        "{stdout}{stderr}"
    );
    let h = history(&db.url, "002_hold");
    assert!(h.starts_with("failed 0 "), "{h}");
    let c = psql(
        &db.url,
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'c'",
    )
    .unwrap();
    assert_eq!(c.trim(), "0", "the migration's work was rolled back");
    // Without the readers it goes through.
    let again = sluice_cmd(p.path(), &["--env", "prod", "up"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(history(&db.url, "002_hold").starts_with("applied 3"));
}
