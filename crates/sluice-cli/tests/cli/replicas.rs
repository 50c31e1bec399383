//! A PostgreSQL primary with a streaming replica (`pg_basebackup -R`): `up` waits for the
//! replica between migrations, stops with the exact state when its replay is paused, and
//! finishes once it is resumed; the events record the lags.

use std::time::{Duration, Instant};

use sluice_testkit::Project;
use sluice_testkit::postgres::{OwnServer, psql};

use crate::support::sluice_cmd;

fn wait_until(url: &str, sql: &str, what: &str) {
    let started = Instant::now();
    while psql(url, sql).map(|o| o.trim() != "t").unwrap_or(true) {
        assert!(started.elapsed() < Duration::from_secs(30), "{what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn up_waits_for_a_lagging_replica_and_stops_with_the_exact_state() {
    let primary = OwnServer::start("replica-primary");
    let replica = primary.replica("replica-standby");
    let url = primary.database("replicated");
    let name = url.rsplit('/').next().unwrap().to_string();
    let replica_url = format!("{}/{name}", replica.base_url);
    // The replica has replayed the database's creation (and so knows a replayed commit).
    wait_until(
        &replica_url,
        "SELECT pg_last_xact_replay_timestamp() IS NOT NULL",
        "the replica never replayed",
    );
    let p = Project::new("replicas");
    p.config(
        "[project]\ndialect = \"postgres\"\n\n[environments.dev]\nurl = \"env:DATABASE_URL\"\n\n[environments.prod]\nurl = \"env:DATABASE_URL\"\nreplicas = [\"env:REPLICA_URL\"]\nmax_replica_lag = \"2s\"\nreplica_wait = \"4s\"\n",
    );
    for i in 1..=3 {
        p.migration(
            &format!("00{i}_t{i}"),
            &format!(
                "-- sluice:up\nCREATE TABLE t{i} (id bigint PRIMARY KEY);\n\n-- sluice:down\nDROP TABLE t{i};\n\n-- sluice:verify\n-- expect: empty\nSELECT id FROM t{i};\n-- expect: ok\nINSERT INTO t{i} VALUES (1);\n"
            ),
        );
    }
    let up_args = |args: &[&str]| {
        let mut all = vec!["--env", "prod", "up"];
        all.extend_from_slice(args);
        sluice_cmd(p.path(), &all)
            .env("DATABASE_URL", &url)
            .env("REPLICA_URL", &replica_url)
            .output()
            .unwrap()
    };
    let up = || up_args(&[]);
    // With the replica replaying, the first migration goes through (and waits, if at all,
    // only for the replica to replay the creation of sluice's tables).
    let out = up_args(&["--count", "1"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    wait_until(
        &replica_url,
        "SELECT to_regclass('t1') IS NOT NULL",
        "t1 never reached the replica",
    );
    // Replay paused for longer than max_replica_lag: whatever the run writes first (its
    // lock row) leaves the replica behind, and it stays so: the run waits replica_wait
    // before 002_t2, then stops there.
    psql(&replica_url, "SELECT pg_wal_replay_pause()").unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    let waited = Instant::now();
    let out = up();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert_eq!(out.status.code(), Some(4), "{stdout}{stderr}");
    assert!(
        waited.elapsed() >= Duration::from_secs(4),
        "it waited replica_wait first"
    );
    assert!(
        stderr.contains("did not come within max_replica_lag")
            && stderr.contains("stops before 002_t2"),
        "{stderr}"
    );
    assert!(!stdout.contains("applied 002_t2"), "{stdout}");
    let states = psql(
        &url,
        "SELECT string_agg(id || ' ' || state, ', ' ORDER BY id) FROM sluice.migrations",
    )
    .unwrap();
    assert_eq!(states.trim(), "001_t1 applied");
    let lags = psql(
        &url,
        "SELECT count(*) FROM sluice.events WHERE details::jsonb ? 'replicas'",
    )
    .unwrap();
    assert!(
        lags.trim().parse::<i32>().unwrap() >= 1,
        "the events record the lags"
    );
    // Replay resumed: the rest goes through, and the events say what the replica was at.
    psql(&replica_url, "SELECT pg_wal_replay_resume()").unwrap();
    let out = up();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let applied = psql(
        &url,
        "SELECT count(*) FROM sluice.migrations WHERE state = 'applied'",
    )
    .unwrap();
    assert_eq!(applied.trim(), "3");
    let notes = psql(
        &url,
        "SELECT string_agg(reason, ' | ' ORDER BY seq) FROM sluice.events WHERE details::jsonb ? 'replicas'",
    )
    .unwrap();
    assert!(notes.contains("before 003_t3"), "{notes}");
    let stopped = psql(
        &url,
        "SELECT count(*) FROM sluice.events WHERE reason LIKE 'the run stopped before 002_t2: the replicas did not come within%'",
    )
    .unwrap();
    assert_eq!(stopped.trim(), "1", "the stop is in the audit log");
    // And the replica has the schema: `verify --on-replicas` runs the checks there too,
    // once it has replayed everything, leaving out the ones that write.
    let out = sluice_cmd(p.path(), &["--env", "prod", "verify", "--on-replicas"])
        .env("DATABASE_URL", &url)
        .env("REPLICA_URL", &replica_url)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("(replica)"), "{said}");
    assert!(
        said.contains("3 check(s) that write were not run"),
        "{said}"
    );
    let noted = psql(
        &url,
        "SELECT reason FROM sluice.events WHERE reason LIKE 'verified on replica%'",
    )
    .unwrap();
    assert!(noted.contains("3 passed, 0 failed, 3 not run"), "{noted}");
    // A step-by-step migration: replay paused while its first statement runs, the run
    // waits for the replica between its statements and stops there, `partial`; once
    // replay resumes, `up --resume` goes on from statement 2.
    p.migration(
        "004_steps",
        "-- transaction: false\n-- sluice:up\nCREATE TABLE t4 (id bigint PRIMARY KEY);\nSELECT pg_sleep(3);\nCREATE INDEX t4_id ON t4 (id);\n\n-- sluice:down\nDROP TABLE t4;\n",
    );
    let run = sluice_cmd(p.path(), &["--env", "prod", "up"])
        .env("DATABASE_URL", &url)
        .env("REPLICA_URL", &replica_url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_until(
        &url,
        "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND state = 'active' AND pid <> pg_backend_pid())",
        "statement 2 of 004_steps never ran",
    );
    psql(&replica_url, "SELECT pg_wal_replay_pause()").unwrap();
    let out = run.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert_ne!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stderr.contains("004_steps was stopped after statement 2 of 3")
            && stderr.contains("did not come within max_replica_lag"),
        "{stdout}{stderr}"
    );
    let state = psql(
        &url,
        "SELECT state || ' ' || statements_done FROM sluice.migrations WHERE id = '004_steps'",
    )
    .unwrap();
    assert_eq!(state.trim(), "partial 2");
    psql(&replica_url, "SELECT pg_wal_replay_resume()").unwrap();
    let out = up_args(&["--resume"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let state = psql(
        &url,
        "SELECT state FROM sluice.migrations WHERE id = '004_steps'",
    )
    .unwrap();
    assert_eq!(state.trim(), "applied");
    // Without replicas in the environment, --on-replicas is a mistake, said so.
    let out = sluice_cmd(p.path(), &["--env", "dev", "verify", "--on-replicas"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("has no replicas"), "{err}");
}
