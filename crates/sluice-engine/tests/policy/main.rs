//! The run policy, in process: the real SQLite engine under a decorator that injects
//! faults (a statement, a history write or a commit that fails; a lost lock; a dropped
//! connection, before or after the statement it carried took effect), and a clock that
//! does not wait, so backoff is asserted in milliseconds. After each fault the history
//! must say exactly what the database holds.

mod faulty;

use std::sync::Arc;
use std::time::Duration;

use faulty::{FakeClock, Faults, Faulty};
use sluice_core::engine::{Capabilities, DbError};
use sluice_core::run::{self, FailedAt, Overview, RunContext, RunError, UpOptions};
use sluice_core::{Plan, RunId, State};
use sluice_engine::sqlite::{Access, Sqlite};
use sluice_sql::Dialect;
use sluice_testkit::Project;

fn plan(p: &Project) -> Plan {
    let loaded = sluice_core::load::load_dir(&p.migrations(), Dialect::Sqlite).unwrap();
    Plan::new(loaded.migrations).unwrap()
}

fn sqlite(p: &Project) -> Sqlite {
    let path = p.path().join("sluice.db");
    Sqlite::open(&path, "sqlite:sluice.db", Access::Create)
        .unwrap()
        .unwrap()
}

fn ctx(n: u8) -> RunContext {
    RunContext {
        run_id: RunId::from_recorded(format!("run_20260101_000000_00000000000000{n:02x}")),
        actor: "tester".into(),
        host: "here".into(),
        git_commit: None,
        ci_run: None,
        env: "dev".into(),
        session: Vec::new(),
    }
}

fn opts(clock: &Arc<FakeClock>) -> UpOptions {
    UpOptions {
        lock_wait: Duration::from_secs(2),
        clock: clock.clone(),
        ..UpOptions::default()
    }
}

/// One column of a query on the database, every value as text.
fn q(p: &Project, sql: &str) -> Vec<String> {
    let c = rusqlite::Connection::open(p.path().join("sluice.db")).unwrap();
    let mut st = c.prepare(sql).unwrap();
    st.query_map([], |r| {
        let v: rusqlite::types::Value = r.get(0)?;
        Ok(match v {
            rusqlite::types::Value::Null => "NULL".to_string(),
            rusqlite::types::Value::Integer(i) => i.to_string(),
            rusqlite::types::Value::Text(t) => t,
            other => format!("{other:?}"),
        })
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn tables(p: &Project) -> Vec<String> {
    q(
        p,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sluice%' AND name NOT LIKE 'sqlite%' ORDER BY name",
    )
}

fn state(p: &Project, id: &str) -> String {
    q(
        p,
        &format!(
            "SELECT state || ' ' || statements_done || ' ' || coalesce(started_statement, '-') FROM sluice_migrations WHERE id = '{id}'"
        ),
    )
    .pop()
    .unwrap_or_else(|| "none".into())
}

fn up(
    engine: &mut dyn sluice_core::Engine,
    p: &Project,
    n: u8,
    opts: &UpOptions,
) -> Result<Vec<String>, RunError> {
    run::up(engine, &ctx(n), &plan(p), opts, &mut |_| {})
        .map(|s| s.applied.iter().map(ToString::to_string).collect())
}

fn step_by_step(p: &Project, id: &str, statements: &[&str]) {
    let mut text = String::from("-- transaction: false\n-- sluice:up\n");
    for s in statements {
        text.push_str(s);
        text.push_str(";\n");
    }
    text.push_str("-- sluice:down\nSELECT 1;\n");
    p.migration(id, &text);
}

fn lost_lock(e: &RunError) -> bool {
    matches!(e, RunError::LockLost { .. })
}

#[test]
fn a_failed_statement_rolls_back_and_is_recorded_failed() {
    let p = Project::new("pol-fail");
    p.simple("M1", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    p.simple(
        "M2",
        &[],
        &["CREATE TABLE b (x)", "INSERT INTO b VALUES (1)"],
        &["DROP TABLE b"],
    );
    let clock = FakeClock::new();
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            fail_statement: Some(("INSERT INTO b".into(), DbError::msg("boom"))),
            ..Faults::default()
        },
    );
    let err = up(&mut e, &p, 1, &opts(&clock)).unwrap_err();
    let RunError::MigrationFailed(f) = &err else {
        panic!("{err}")
    };
    assert_eq!((f.id.as_str(), f.at), ("M2", FailedAt::Statement(2)));
    assert_eq!(f.applied_before.len(), 1);
    assert_eq!(state(&p, "M1"), "applied 1 -");
    assert_eq!(state(&p, "M2"), "failed 0 -");
    assert_eq!(tables(&p), ["a"], "nothing of M2 remains");
}

#[test]
fn a_failed_step_is_partial_at_its_statement_and_resumes() {
    let p = Project::new("pol-partial");
    step_by_step(
        &p,
        "M1",
        &[
            "CREATE TABLE a (x)",
            "CREATE TABLE b (x)",
            "CREATE TABLE c (x)",
        ],
    );
    let clock = FakeClock::new();
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            fail_statement: Some(("TABLE c".into(), DbError::msg("boom"))),
            ..Faults::default()
        },
    );
    let err = up(&mut e, &p, 1, &opts(&clock)).unwrap_err();
    assert!(matches!(&err, RunError::MigrationFailed(f) if f.at == FailedAt::Statement(3)));
    assert_eq!(state(&p, "M1"), "partial 2 -");
    assert_eq!(tables(&p), ["a", "b"]);
    // Plain `up` refuses; `--resume` goes on after statement 2.
    let mut e = sqlite(&p);
    assert!(matches!(
        up(&mut e, &p, 2, &opts(&clock)),
        Err(RunError::Partial { done: 2, .. })
    ));
    let resume = UpOptions {
        resume: true,
        ..opts(&clock)
    };
    assert_eq!(up(&mut e, &p, 2, &resume).unwrap(), ["M1"]);
    assert_eq!(state(&p, "M1"), "applied 3 -");
    assert_eq!(tables(&p), ["a", "b", "c"]);
}

#[test]
fn a_failed_history_write_rolls_the_migration_back() {
    let p = Project::new("pol-record");
    p.simple("M1", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    let clock = FakeClock::new();
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            fail_record: Some(1),
            ..Faults::default()
        },
    );
    let err = up(&mut e, &p, 1, &opts(&clock)).unwrap_err();
    assert!(
        matches!(&err, RunError::MigrationFailed(f) if f.at == FailedAt::Bookkeeping),
        "{err}"
    );
    assert_eq!(state(&p, "M1"), "failed 0 -");
    assert!(tables(&p).is_empty(), "the migration went with its record");
}

#[test]
fn a_failed_commit_rolls_the_migration_back() {
    let p = Project::new("pol-commit");
    p.simple("M1", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    let clock = FakeClock::new();
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            fail_commit: Some(1),
            ..Faults::default()
        },
    );
    let err = up(&mut e, &p, 1, &opts(&clock)).unwrap_err();
    assert!(
        matches!(&err, RunError::MigrationFailed(f) if f.at == FailedAt::Bookkeeping),
        "{err}"
    );
    assert_eq!(state(&p, "M1"), "failed 0 -");
    assert!(tables(&p).is_empty());
}

#[test]
fn a_lost_lock_stops_the_run_before_the_next_migration() {
    let p = Project::new("pol-lock");
    for (i, t) in ["a", "b", "c"].iter().enumerate() {
        p.simple(
            &format!("M{}", i + 1),
            &[],
            &[&format!("CREATE TABLE {t} (x)")],
            &[&format!("DROP TABLE {t}")],
        );
    }
    let clock = FakeClock::new();
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            lose_lock_after: Some(1),
            ..Faults::default()
        },
    );
    let err = up(&mut e, &p, 1, &opts(&clock)).unwrap_err();
    assert!(lost_lock(&err), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("while applying M2") && msg.contains("no row for M2"),
        "{msg}"
    );
    assert_eq!(state(&p, "M1"), "applied 1 -");
    assert_eq!(state(&p, "M2"), "none");
    assert_eq!(tables(&p), ["a"], "M2 never started");
}

#[test]
fn a_lost_lock_stops_a_step_by_step_migration_within_one_statement() {
    let p = Project::new("pol-lock-steps");
    step_by_step(
        &p,
        "M1",
        &[
            "CREATE TABLE a (x)",
            "CREATE TABLE b (x)",
            "CREATE TABLE c (x)",
        ],
    );
    let clock = FakeClock::new();
    // Write 1: applying; write 2: statement 1 done. Then the lock goes.
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            lose_lock_after: Some(2),
            ..Faults::default()
        },
    );
    let err = up(&mut e, &p, 1, &opts(&clock)).unwrap_err();
    assert!(lost_lock(&err), "{err}");
    assert!(
        err.to_string().contains("statements 1–1 of 3 done"),
        "{err}"
    );
    assert_eq!(state(&p, "M1"), "applying 1 -");
    assert_eq!(tables(&p), ["a"]);
}

#[test]
fn a_row_another_run_changed_is_never_overwritten() {
    let p = Project::new("pol-changed");
    p.simple("M1", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    let clock = FakeClock::new();
    let other = "INSERT INTO sluice_migrations (id, state, checksum, run_id, statements_total, statements_done, updated_at) \
                 VALUES ('M1', 'applied', 'v1:x', 'run_20260101_000000_00000000000000ff', 1, 1, '2026-01-01T00:00:00.000Z')";
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            before_record: Some((1, other.into())),
            ..Faults::default()
        },
    );
    let err = up(&mut e, &p, 1, &opts(&clock)).unwrap_err();
    assert!(matches!(err, RunError::HistoryChanged { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("applied (run run_20260101_000000_00000000000000ff)")
    );
    assert_eq!(
        q(&p, "SELECT state || ' ' || run_id FROM sluice_migrations"),
        ["applied run_20260101_000000_00000000000000ff"],
        "the other run's row stands"
    );
    assert!(tables(&p).is_empty(), "this run's work was rolled back");
}

/// A database where DDL commits on its own (the policy reads the dialect): each DDL
/// statement of a step-by-step migration runs alone, recorded started before, done after.
fn ddl_commits() -> Faults {
    Faults {
        dialect: Some(Dialect::MySql),
        ..Faults::default()
    }
}

#[test]
fn a_statement_in_doubt_that_took_effect_is_recorded_done_and_not_run_again() {
    let p = Project::new("pol-doubt");
    step_by_step(
        &p,
        "M1",
        &[
            "CREATE TABLE a (x)",
            "CREATE TABLE b (x)",
            "CREATE TABLE c (x)",
        ],
    );
    let clock = FakeClock::new();
    let no_reconnect = UpOptions {
        reconnect: Duration::ZERO,
        ..opts(&clock)
    };
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            drop_at: Some(("TABLE b".into(), true)),
            ..ddl_commits()
        },
    );
    let err = up(&mut e, &p, 1, &no_reconnect).unwrap_err();
    assert!(matches!(err, RunError::ConnectionLost { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("statement 2 started and not recorded done, so it is in doubt"),
        "{err}"
    );
    assert_eq!(state(&p, "M1"), "applying 1 2");
    assert_eq!(tables(&p), ["a", "b"]);
    drop(e);
    // Read as the runner that comes next sees it: partial, statement 2 in doubt.
    let mut e = Faulty::new(sqlite(&p), ddl_commits());
    let pl = plan(&p);
    let ov = Overview::new(
        &pl,
        sluice_core::Engine::records(&mut e).unwrap(),
        "dev",
        None,
    );
    let entry = ov.get("M1").unwrap();
    assert_eq!(
        (entry.state, entry.interrupted, entry.in_doubt),
        (State::Partial, true, Some(2))
    );
    assert!(matches!(
        run::judge(&mut e, pl.get("M1").unwrap(), 2).unwrap(),
        run::Verdict::Done(_)
    ));
    let err = up(&mut e, &p, 2, &opts(&clock)).unwrap_err();
    assert!(err.to_string().contains("statement 2 is in doubt"), "{err}");
    let resume = UpOptions {
        resume: true,
        ..opts(&clock)
    };
    assert_eq!(up(&mut e, &p, 2, &resume).unwrap(), ["M1"]);
    assert_eq!(state(&p, "M1"), "applied 3 -");
    assert_eq!(tables(&p), ["a", "b", "c"]);
    let reasons = q(
        &p,
        "SELECT from_state || '>' || to_state || ': ' || coalesce(reason, '') FROM sluice_events WHERE migration_id = 'M1' ORDER BY seq",
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("applying>partial: run ")
                && r.contains("statement 2 started and not recorded done: in doubt")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(
            |r| r.starts_with("partial>applying: resuming after statement 2/3")
                && r.contains("took effect (table b exists)")
        ),
        "{reasons:?}"
    );
}

#[test]
fn a_statement_in_doubt_that_did_not_run_runs_now() {
    let p = Project::new("pol-doubt-not");
    step_by_step(&p, "M1", &["CREATE TABLE a (x)", "CREATE TABLE b (x)"]);
    let clock = FakeClock::new();
    let no_reconnect = UpOptions {
        reconnect: Duration::ZERO,
        ..opts(&clock)
    };
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            drop_at: Some(("TABLE b".into(), false)),
            ..ddl_commits()
        },
    );
    up(&mut e, &p, 1, &no_reconnect).unwrap_err();
    assert_eq!(state(&p, "M1"), "applying 1 2");
    assert_eq!(tables(&p), ["a"]);
    let mut e = Faulty::new(sqlite(&p), ddl_commits());
    let resume = UpOptions {
        resume: true,
        ..opts(&clock)
    };
    assert_eq!(up(&mut e, &p, 2, &resume).unwrap(), ["M1"]);
    assert_eq!(tables(&p), ["a", "b"]);
}

#[test]
fn a_statement_in_doubt_the_catalog_cannot_judge_stops_and_asks() {
    let p = Project::new("pol-doubt-unknown");
    step_by_step(
        &p,
        "M1",
        &[
            "CREATE TABLE a (x)",
            "ATTACH DATABASE ':memory:' AS aux1",
            "CREATE TABLE b (x)",
        ],
    );
    let clock = FakeClock::new();
    let no_reconnect = UpOptions {
        reconnect: Duration::ZERO,
        ..opts(&clock)
    };
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            drop_at: Some(("ATTACH".into(), true)),
            ..ddl_commits()
        },
    );
    up(&mut e, &p, 1, &no_reconnect).unwrap_err();
    let mut e = Faulty::new(sqlite(&p), ddl_commits());
    let resume = UpOptions {
        resume: true,
        ..opts(&clock)
    };
    let err = up(&mut e, &p, 2, &resume).unwrap_err();
    assert!(
        matches!(err, RunError::InDoubt { statement: 2, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("--statement-done"), "{err}");
    assert_eq!(state(&p, "M1"), "applying 1 2", "nothing changed");
    // A person checks, and says it ran; then resume goes on after it.
    let done = run::resolve_statement(
        &mut e,
        &ctx(3),
        &plan(&p),
        "M1",
        true,
        "checked: aux1 was attached",
        Duration::from_secs(1),
    )
    .unwrap();
    assert_eq!(done, 2);
    assert_eq!(state(&p, "M1"), "partial 2 -");
    assert_eq!(up(&mut e, &p, 4, &resume).unwrap(), ["M1"]);
    assert_eq!(tables(&p), ["a", "b"]);
}

#[test]
fn a_dropped_connection_reconnects_with_backoff_and_goes_on() {
    let p = Project::new("pol-reconnect");
    p.simple("M1", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    p.simple(
        "M2",
        &[],
        &["CREATE TABLE b (x)", "INSERT INTO b VALUES (1)"],
        &["DROP TABLE b"],
    );
    let clock = FakeClock::new();
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            drop_at: Some(("INSERT INTO b".into(), true)),
            reconnect_failures: 2,
            ..Faults::default()
        },
    );
    let mut lines = Vec::new();
    let summary = run::up(&mut e, &ctx(1), &plan(&p), &opts(&clock), &mut |pr| {
        lines.push(format!("{pr:?}"));
    })
    .unwrap();
    assert_eq!(summary.applied.len(), 2);
    assert_eq!(e.reconnects, 3, "two refused, the third works");
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 2, "{sleeps:?}");
    // Backoff: about 250 ms, then 500 ms, each ±50 %.
    assert!((125..=375).contains(&sleeps[0].as_millis()), "{sleeps:?}");
    assert!((250..=750).contains(&sleeps[1].as_millis()), "{sleeps:?}");
    assert_eq!(q(&p, "SELECT count(*) FROM b"), ["1"], "applied once");
    assert!(
        lines.iter().any(|l| l.starts_with("Reconnected")),
        "{lines:?}"
    );
}

#[test]
fn reconnecting_gives_up_at_its_deadline_and_says_what_is_recorded() {
    let p = Project::new("pol-reconnect-deadline");
    p.simple("M1", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    let clock = FakeClock::new();
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            drop_at: Some(("TABLE a".into(), true)),
            reconnect_failures: usize::MAX,
            ..Faults::default()
        },
    );
    let o = UpOptions {
        reconnect: Duration::from_secs(2),
        ..opts(&clock)
    };
    let err = up(&mut e, &p, 1, &o).unwrap_err();
    let RunError::ConnectionLost { during, waited, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(during.as_ref().map(|d| d.as_str()), Some("M1"));
    assert!(*waited <= Duration::from_secs(2), "{waited:?}");
    let slept: Duration = clock.sleeps().iter().sum();
    assert!(
        slept <= Duration::from_secs(2) && slept >= Duration::from_millis(500),
        "{slept:?}"
    );
    assert!(err.to_string().contains("no row for M1"), "{err}");
    assert!(
        tables(&p).is_empty(),
        "the transaction went with the connection"
    );
}

#[test]
fn a_commit_whose_answer_was_lost_is_read_back_and_not_applied_twice() {
    let p = Project::new("pol-commit-lost");
    p.simple("M1", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    p.simple("M2", &[], &["CREATE TABLE b (x)"], &["DROP TABLE b"]);
    let clock = FakeClock::new();
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            drop_after_commit: Some(1),
            ..Faults::default()
        },
    );
    assert_eq!(up(&mut e, &p, 1, &opts(&clock)).unwrap(), ["M1", "M2"]);
    assert_eq!(
        q(
            &p,
            "SELECT count(*) FROM sluice_events WHERE migration_id = 'M1' AND to_state = 'applied'"
        ),
        ["1"]
    );
    assert_eq!(tables(&p), ["a", "b"]);
}

#[test]
fn lock_timeouts_are_retried_with_backoff_and_stay_applying() {
    let p = Project::new("pol-retry");
    p.simple("M1", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    let clock = FakeClock::new();
    let timeout = DbError {
        sqlstate: Some("55P03".into()),
        ..DbError::msg("canceling statement due to lock timeout")
    };
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            fail_statement: Some(("TABLE a".into(), timeout)),
            fail_times: 2,
            capabilities: Some(Capabilities {
                transactional_ddl: true,
                advisory_lock: false,
                lock_timeout: true,
            }),
            ..Faults::default()
        },
    );
    let o = UpOptions {
        retries: 3,
        ..opts(&clock)
    };
    assert_eq!(up(&mut e, &p, 1, &o).unwrap(), ["M1"]);
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 2);
    assert!((125..=375).contains(&sleeps[0].as_millis()), "{sleeps:?}");
    assert!((250..=750).contains(&sleeps[1].as_millis()), "{sleeps:?}");
    assert_eq!(
        q(
            &p,
            "SELECT from_state || '>' || to_state FROM sluice_events WHERE migration_id = 'M1' ORDER BY seq"
        ),
        ["pending>applying", "applying>applying", "applying>applied"]
    );
}

#[test]
fn the_lock_file_is_taken_over_when_its_holder_is_gone() {
    let p = Project::new("pol-flock");
    p.simple("M1", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    let mut setup = sqlite(&p);
    sluice_core::Engine::create_state(&mut setup).unwrap();
    // A holder in another PID namespace, on another host name: only its file lock counts.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(p.path().join("sluice.db.sluice-lock"))
        .unwrap();
    file.lock().unwrap();
    sluice_core::Engine::execute(
        &mut setup,
        "INSERT INTO sluice_lock (id, run_id, pid, host, actor, since, heartbeat) VALUES (1, 'run_20260101_000000_00000000000000ee', 1, 'pod-7f9c', 'ci', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
    )
    .unwrap();
    let clock = FakeClock::new();
    let mut other = sqlite(&p);
    let short = UpOptions {
        lock_wait: Duration::from_millis(200),
        ..opts(&clock)
    };
    match up(&mut other, &p, 1, &short) {
        Err(RunError::LockTimeout {
            holder: Some(h), ..
        }) => assert_eq!(h.host, "pod-7f9c"),
        other => panic!("{other:?}"),
    }
    // The holder dies: the kernel closes its files and so frees the lock; its row stays.
    drop(file);
    assert_eq!(up(&mut other, &p, 1, &short).unwrap(), ["M1"]);
    let notes = q(
        &p,
        "SELECT reason FROM sluice_events WHERE migration_id IS NULL",
    );
    assert!(notes[0].contains("from a run that is gone"), "{notes:?}");
    assert!(notes[0].contains("pod-7f9c"), "{notes:?}");
    assert_eq!(q(&p, "SELECT count(*) FROM sluice_lock"), ["0"]);
}

/// A step-by-step migration made of the file's own `BEGIN … COMMIT` blocks.
fn two_blocks(p: &Project) {
    p.migration(
        "M1",
        "-- transaction: false\n-- sluice:up\nBEGIN;\nCREATE TABLE a (x);\nINSERT INTO a VALUES (1);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (x);\nINSERT INTO b VALUES (1);\nCOMMIT;\n-- sluice:down\nDROP TABLE IF EXISTS b;\nDROP TABLE IF EXISTS a;\n",
    );
}

#[test]
fn the_files_own_transaction_blocks_commit_with_their_record() {
    let p = Project::new("pol-blocks");
    two_blocks(&p);
    let clock = FakeClock::new();
    assert_eq!(up(&mut sqlite(&p), &p, 1, &opts(&clock)).unwrap(), ["M1"]);
    assert_eq!(state(&p, "M1"), "applied 8 -");
    assert_eq!(tables(&p), ["a", "b"]);
}

#[test]
fn a_failure_inside_a_block_rolls_the_block_back_and_records_the_block_before() {
    let p = Project::new("pol-blocks-fail");
    two_blocks(&p);
    let clock = FakeClock::new();
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            fail_statement: Some(("INSERT INTO b".into(), DbError::msg("boom"))),
            ..Faults::default()
        },
    );
    let err = up(&mut e, &p, 1, &opts(&clock)).unwrap_err();
    assert!(
        err.to_string()
            .contains("its transaction block, statements 5–7, was rolled back"),
        "{err}"
    );
    assert_eq!(state(&p, "M1"), "partial 4 -");
    assert_eq!(tables(&p), ["a"], "block 2 went back as a whole");
    let resume = UpOptions {
        resume: true,
        ..opts(&clock)
    };
    assert_eq!(up(&mut sqlite(&p), &p, 2, &resume).unwrap(), ["M1"]);
    assert_eq!(tables(&p), ["a", "b"]);
    assert_eq!(q(&p, "SELECT count(*) FROM b"), ["1"]);
}

#[test]
fn a_crash_inside_a_block_leaves_it_not_done_and_resume_runs_it() {
    let p = Project::new("pol-blocks-crash");
    two_blocks(&p);
    let clock = FakeClock::new();
    let no_reconnect = UpOptions {
        reconnect: Duration::ZERO,
        ..opts(&clock)
    };
    let mut e = Faulty::new(
        sqlite(&p),
        Faults {
            drop_at: Some(("INSERT INTO b".into(), true)),
            ..Faults::default()
        },
    );
    up(&mut e, &p, 1, &no_reconnect).unwrap_err();
    drop(e);
    // The connection went inside block 2: its transaction with it.
    assert_eq!(state(&p, "M1"), "applying 4 5");
    assert_eq!(tables(&p), ["a"]);
    let mut e = sqlite(&p);
    let pl = plan(&p);
    assert!(matches!(
        run::judge(&mut e, pl.get("M1").unwrap(), 5).unwrap(),
        run::Verdict::NotDone(_)
    ));
    let resume = UpOptions {
        resume: true,
        ..opts(&clock)
    };
    assert_eq!(up(&mut e, &p, 2, &resume).unwrap(), ["M1"]);
    assert_eq!(tables(&p), ["a", "b"]);
    assert_eq!(q(&p, "SELECT count(*) FROM a"), ["1"], "block 1 ran once");
}

#[test]
fn a_new_state_is_lean_and_still_refuses_what_it_must() {
    let p = Project::new("pol-lean");
    p.simple("M1", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    p.simple("M2", &[], &["CREATE TABLE b (x)"], &["DROP TABLE b"]);
    let clock = FakeClock::new();
    let mut e = sqlite(&p);
    assert_eq!(up(&mut e, &p, 1, &opts(&clock)).unwrap(), ["M1", "M2"]);
    drop(e);
    let sql = q(
        &p,
        "SELECT sql FROM sqlite_master WHERE name = 'sluice_migrations'",
    );
    assert!(sql[0].ends_with("WITHOUT ROWID"), "{sql:?}");
    // No AUTOINCREMENT, so no sqlite_sequence; the events are numbered 1, 2, … all the same.
    assert!(
        q(
            &p,
            "SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'"
        )
        .is_empty()
    );
    let seqs = q(&p, "SELECT seq FROM sluice_events ORDER BY seq");
    let expected: Vec<String> = (1..=seqs.len()).map(|i| i.to_string()).collect();
    assert_eq!(seqs, expected);
    // The lock row went with the run (deleted on the run's own connection).
    assert!(q(&p, "SELECT run_id FROM sluice_lock").is_empty());
    let c = rusqlite::Connection::open(p.path().join("sluice.db")).unwrap();
    // The state check still holds, and the audit log is still append-only.
    let bad = c.execute(
        "UPDATE sluice_migrations SET state = 'done' WHERE id = 'M1'",
        [],
    );
    assert!(
        bad.unwrap_err().to_string().contains("CHECK"),
        "a bad state was stored"
    );
    let changed = c.execute("UPDATE sluice_events SET actor = 'x'", []);
    assert!(changed.unwrap_err().to_string().contains("append-only"));
    assert_eq!(state(&p, "M1"), "applied 1 -");
}

#[test]
fn tables_made_by_an_earlier_sluice_keep_their_shape_and_work() {
    let p = Project::new("pol-older");
    p.simple("M1", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    p.simple("M2", &[], &["CREATE TABLE b (x)"], &["DROP TABLE b"]);
    // The state as the first sluice made it: rowid history with an IN check, events with
    // AUTOINCREMENT, and none of the columns added since.
    let c = rusqlite::Connection::open(p.path().join("sluice.db")).unwrap();
    c.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE sluice_migrations (
             id TEXT PRIMARY KEY NOT NULL,
             state TEXT NOT NULL CHECK (state IN ('pending','applying','applied','reverting','failed','partial')),
             checksum TEXT NOT NULL, applied_seq INTEGER, applied_at TEXT, applied_by TEXT,
             run_id TEXT NOT NULL, duration_ms INTEGER, statements_total INTEGER NOT NULL,
             statements_done INTEGER NOT NULL, last_error TEXT, updated_at TEXT NOT NULL);
         CREATE TABLE sluice_events (
             seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, migration_id TEXT,
             from_state TEXT, to_state TEXT, allowed INTEGER NOT NULL, reason TEXT,
             actor TEXT NOT NULL, host TEXT NOT NULL, sluice_version TEXT NOT NULL,
             git_commit TEXT, ci_run TEXT, checksum TEXT, duration_ms INTEGER, at TEXT NOT NULL,
             details TEXT NOT NULL);
         CREATE TABLE sluice_lock (
             id INTEGER PRIMARY KEY CHECK (id = 1), run_id TEXT NOT NULL, pid INTEGER NOT NULL,
             host TEXT NOT NULL, actor TEXT NOT NULL, since TEXT NOT NULL, heartbeat TEXT NOT NULL);",
    )
    .unwrap();
    drop(c);
    let clock = FakeClock::new();
    let mut e = sqlite(&p);
    assert_eq!(up(&mut e, &p, 1, &opts(&clock)).unwrap(), ["M1", "M2"]);
    drop(e);
    assert_eq!(state(&p, "M2"), "applied 1 -");
    let sql = q(
        &p,
        "SELECT sql FROM sqlite_master WHERE name = 'sluice_migrations'",
    );
    assert!(!sql[0].contains("WITHOUT ROWID"), "{sql:?}");
    assert_eq!(
        q(
            &p,
            "SELECT seq FROM sqlite_sequence WHERE name = 'sluice_events'"
        ),
        q(&p, "SELECT max(seq) FROM sluice_events")
    );
    assert!(q(&p, "SELECT run_id FROM sluice_lock").is_empty());
}

#[test]
fn the_lock_row_goes_when_a_run_fails_too() {
    let p = Project::new("pol-release");
    p.simple("M1", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    p.simple("M2", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    let clock = FakeClock::new();
    let mut e = sqlite(&p);
    assert!(up(&mut e, &p, 1, &opts(&clock)).is_err());
    // The engine is still open: its connection deleted the row before the file lock went.
    assert!(q(&p, "SELECT run_id FROM sluice_lock").is_empty());
    assert_eq!(state(&p, "M2"), "failed 0 -");
    // The next run takes the lock with nothing to take over.
    let mut other = sqlite(&p);
    assert!(up(&mut other, &p, 2, &opts(&clock)).is_err());
    assert!(q(&p, "SELECT run_id FROM sluice_lock").is_empty());
    let notes = q(
        &p,
        "SELECT coalesce(reason, '') FROM sluice_events WHERE migration_id IS NULL",
    );
    assert!(notes.iter().all(|n| !n.contains("gone")), "{notes:?}");
}
