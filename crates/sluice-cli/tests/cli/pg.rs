//! What only PostgreSQL has: lock timeouts and their retries, advisory locks across dead
//! processes, passwords in URLs.

use std::process::Stdio;
use std::time::{Duration, Instant};

use sluice_testkit::Project;
use sluice_testkit::postgres::{psql, tool};

use crate::backend::Backend;
use crate::support::sluice_cmd;

pub(crate) fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let started = Instant::now();
    while !f() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn lock_timeout_retries_with_backoff_and_names_the_holder() {
    let b = Backend::postgres("locktimeout");
    let url = b.url();
    let p = Project::new("pg-locktimeout");
    p.config(&format!(
        "[project]\ndialect = \"postgres\"\n\n[environments.dev]\nurl = \"{url}\"\nlock_timeout = \"400ms\"\nretries = 2\nretry_cap = \"300ms\"\n"
    ));
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t (x INTEGER)", "INSERT INTO t VALUES (1)"],
        &["DROP TABLE t"],
    );
    crate::support::sluice(p.path(), &["up"]).code(0);
    // Another session reads t and keeps its transaction open.
    let mut holder = std::process::Command::new(tool("psql"))
        .args([
            "-X",
            "-q",
            "-d",
            &url,
            "-c",
            "BEGIN; SELECT count(*) FROM t; SELECT pg_sleep(8); COMMIT;",
        ])
        .env("PGAPPNAME", "report-job")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the reader to hold its lock", || {
        psql(&url, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'report-job' AND query LIKE '%pg_sleep%'").unwrap() == "1"
    });
    p.simple(
        "M2",
        &[],
        &["ALTER TABLE t ADD COLUMN y INTEGER"],
        &["ALTER TABLE t DROP COLUMN y"],
    );
    let started = Instant::now();
    let runner = sluice_cmd(p.path(), &["up"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Meanwhile, other sessions keep querying t: each waits at most about one lock_timeout
    // behind the migration's queued ACCESS EXCLUSIVE request, never for the whole run.
    let mut worst = Duration::ZERO;
    while started.elapsed() < Duration::from_millis(1800) {
        let q = Instant::now();
        psql(&url, "SELECT count(*) FROM t").unwrap();
        worst = worst.max(q.elapsed());
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = runner.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("canceling statement due to lock timeout"),
        "{stderr}"
    );
    assert!(stderr.contains("attempt 3 of 3"), "{stderr}");
    assert!(
        stderr.contains("application report-job") && stderr.contains("AccessShareLock on t"),
        "{stderr}"
    );
    assert!(
        worst < Duration::from_millis(400 + 700),
        "a reader waited {worst:?}, more than the lock timeout"
    );
    let e = b.t("events");
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT to_state || ' ' || (reason LIKE '%next attempt in%') FROM {e} WHERE migration_id = 'M2' ORDER BY seq")
        ),
        ["applying true", "applying true", "failed false"],
        "every attempt is an event; the migration stays applying while it waits"
    );
    // Killing psql does not end its server session; end it on the server.
    psql(&url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'report-job'").unwrap();
    let _ = holder.wait();
    // Once the reader is gone, the same migration applies.
    crate::support::sluice(p.path(), &["up"]).code(0);
}

#[test]
fn a_killed_runner_leaves_no_lock_and_a_true_state() {
    let b = Backend::postgres("sigkill");
    let url = b.url();
    let p = Project::new("pg-sigkill");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE k (x INTEGER)", "SELECT pg_sleep(2)"],
        &["DROP TABLE k"],
    );
    let mut child = sluice_cmd(p.path(), &["--url", &url, "up"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the migration to run", || {
        psql(&url, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'sluice/run_%' AND query LIKE '%pg_sleep%'").unwrap() == "1"
    });
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // The server releases the advisory lock with the lock's connection.
    wait_for("the advisory lock to go", || {
        psql(&url, "SELECT count(*) FROM pg_locks WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND locktype = 'advisory' AND granted").unwrap() == "0"
    });
    let st = b.sluice(p.path(), &["status"]).code(0);
    assert!(st.stdout.contains("M1         pending"), "{}", st.stdout);
    b.sluice(p.path(), &["up", "--lock-wait", "10s"]).code(0);
    let e = b.t("events");
    let notes = b.q(
        p.path(),
        &format!("SELECT reason FROM {e} WHERE migration_id IS NULL"),
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("took over the migration lock")),
        "{notes:?}"
    );
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT count(*) FROM {e} WHERE to_state = 'applied'")
        ),
        ["1"]
    );
}

#[test]
fn a_busy_lock_names_its_holder() {
    let b = Backend::postgres("lockwait");
    let url = b.url();
    let p = Project::new("pg-lockwait");
    p.simple("M1", &[], &["SELECT pg_sleep(3)"], &["SELECT 1"]);
    let mut first = sluice_cmd(p.path(), &["--url", &url, "up"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the first run to hold the lock", || {
        psql(&url, "SELECT count(*) FROM pg_locks WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND locktype = 'advisory' AND granted").unwrap() == "1"
    });
    let second = b.sluice(p.path(), &["up", "--lock-wait", "500ms"]).code(5);
    assert!(
        second
            .stderr
            .contains("another sluice run holds the migration lock: run_"),
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains("server session pid")
            && second.stderr.contains("application sluice/run_"),
        "{}",
        second.stderr
    );
    assert!(first.wait().unwrap().success());
}

#[test]
fn the_password_never_appears() {
    let secret = "Sw0rdf1sh-9x";
    // Both forms: in the user part, and as the documented `password=` parameter (with
    // `sslpassword`, another secret parameter, beside it).
    for form in ["user", "parameter"] {
        let b = Backend::postgres(&format!("secret_{form}"));
        // The test server trusts local connections, so any password is accepted.
        let url = if form == "user" {
            b.url()
                .replacen("postgres@", &format!("postgres:{secret}@"), 1)
        } else {
            format!("{}?password={secret}&sslmode=disable", b.url())
        };
        password_never_appears(&b, &url, secret, form);
    }
}

fn password_never_appears(b: &Backend, url: &str, secret: &str, form: &str) {
    let p = Project::new("pg-secret");
    p.migration(
        "M1",
        "-- sluice:up\nCREATE TABLE t (x INTEGER);\n-- sluice:down\nDROP TABLE t;\n-- sluice:verify\n-- expect: rows 1\nSELECT * FROM t;\n",
    );
    p.migration(
        "M2",
        "-- sluice:up\nINSERT INTO nope VALUES (1);\n-- sluice:down\nSELECT 1;\n",
    );
    let mut everything = String::new();
    for args in [
        &["status"][..],
        &["plan"],
        &["plan", "--format", "json"],
        &["up"],
        &["verify"],
        &["status", "--format", "json"],
        &["status", "--check"],
        &["log", "--format", "json"],
        &["report", "status", "--format", "md"],
        &["report", "pending", "--format", "html"],
        &["report", "runbook", "--format", "json"],
        &["report", "log", "--format", "md"],
        &["lint", "--format", "json"],
        &["down"],
        &["log"],
        &["up", "--lock-wait", "x"],
        &["unlock", "--force", "--reason", "test"],
    ] {
        let mut all = vec!["--url", url];
        all.extend_from_slice(args);
        let run = crate::support::sluice(p.path(), &all);
        everything.push_str(&run.stdout);
        everything.push_str(&run.stderr);
    }
    // Errors that echo the URL: a bad value, an unknown parameter.
    let sep = if url.contains('?') { '&' } else { '?' };
    for extra in ["sslmode=nonsense", "pool=3"] {
        let bad = format!("{url}{sep}{extra}");
        let run = crate::support::sluice(p.path(), &["--url", &bad, "status"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        everything.push_str(&run.stderr);
    }
    let shown = if form == "user" {
        "postgres:***@"
    } else {
        "password=***"
    };
    assert!(
        everything.contains(shown),
        "the URL is shown, masked:\n{everything}"
    );
    assert!(
        !everything.contains(secret),
        "the password leaked:\n{everything}"
    );
    for table in ["events", "migrations", "lock"] {
        let t = b.t(table);
        let p = &p;
        assert_eq!(
            b.q(
                p.path(),
                &format!("SELECT count(*) FROM {t} x WHERE x::text LIKE '%{secret}%'")
            ),
            ["0"]
        );
    }
}

pub(crate) fn example(name: &str) -> sluice_testkit::TempDir {
    let dir = sluice_testkit::TempDir::new(name);
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    sluice_testkit::copy_tree(&src, dir.path());
    dir
}

fn seed_example_round_trip(name: &str, migrations: usize) {
    let b = Backend::postgres(name);
    let dir = example(name);
    let d = dir.path();
    let up = b.sluice(d, &["up"]).code(0);
    assert!(
        up.stdout
            .contains(&format!("done: {migrations} migrations applied")),
        "{}",
        up.stdout
    );
    let verify = b.sluice(d, &["verify"]).code(0);
    assert!(verify.stdout.contains("verdict: PASS"), "{}", verify.stdout);
    assert!(
        !verify.stdout.lines().any(|l| l.contains("  FAIL  ")),
        "{}",
        verify.stdout
    );
    let first = b.sluice(d, &["schema", "dump"]).code(0).stdout;
    assert!(first.contains("CREATE TABLE public."), "{first}");
    b.sluice(d, &["down", "--count", "100"]).code(0);
    assert!(
        b.user_tables(d).is_empty(),
        "down to zero left tables: {:?}",
        b.user_tables(d)
    );
    assert_eq!(
        b.q(d, "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e'"),
        ["0"]
    );
    b.sluice(d, &["up"]).code(0);
    let again = b.sluice(d, &["schema", "dump"]).code(0).stdout;
    assert!(
        first == again,
        "the schema after up → down to zero → up differs:\n{}",
        sluice_core::schema::line_diff(&first, &again).join("\n")
    );
    b.sluice(d, &["verify"]).code(0);
    // And every migration proven on a scratch database.
    let mut args = vec!["test".to_string(), "--idempotent".into()];
    args.extend(b.scratch_args());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let proof = b.sluice(d, &args).code(0);
    assert!(proof.stdout.contains("verdict: PASS"), "{}", proof.stdout);
}

#[test]
fn listing_helper_applies_verifies_reverts_and_reapplies() {
    seed_example_round_trip("listing-helper", 5);
}

#[test]
fn bakery_supabase_applies_verifies_reverts_and_reapplies() {
    seed_example_round_trip("bakery-supabase", 10);
}

#[test]
fn tls_modes_behave_like_libpq() {
    let b = Backend::postgres("tls");
    let ca = sluice_testkit::postgres::server()
        .ca_file
        .clone()
        .expect("the test server speaks TLS");
    let base = b.url();
    let p = Project::new("pg-tls");
    // The migration records whether its own session is encrypted.
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE s AS SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"],
        &["DROP TABLE s"],
    );
    let encrypted = |url: &str| {
        crate::support::sluice(p.path(), &["--url", url, "up"]).code(0);
        let ssl = b.q(p.path(), "SELECT ssl FROM s");
        crate::support::sluice(p.path(), &["--url", url, "down"]).code(0);
        ssl == ["1"]
    };
    let local = base.replace("127.0.0.1", "localhost");
    assert!(!encrypted(&format!("{base}?sslmode=disable")));
    assert!(encrypted(&format!("{base}?sslmode=prefer")));
    assert!(encrypted(&format!("{base}?sslmode=require")));
    assert!(encrypted(&format!(
        "{base}?sslmode=verify-ca&sslrootcert={}",
        ca.display()
    )));
    assert!(encrypted(&format!(
        "{local}?sslmode=verify-full&sslrootcert={}",
        ca.display()
    )));
    // The certificate names localhost, not 127.0.0.1: verify-full refuses.
    let wrong_name = crate::support::sluice(
        p.path(),
        &[
            "--url",
            &format!("{base}?sslmode=verify-full&sslrootcert={}", ca.display()),
            "status",
        ],
    );
    let wrong_name = wrong_name.code(6);
    assert!(
        wrong_name.stderr.contains("cannot connect") && wrong_name.stderr.contains("certificate"),
        "{}",
        wrong_name.stderr
    );
    // A self-signed certificate is not in the public roots: verify-full without sslrootcert refuses.
    let unknown = crate::support::sluice(
        p.path(),
        &["--url", &format!("{local}?sslmode=verify-full"), "status"],
    )
    .code(6);
    assert!(unknown.stderr.contains("certificate"), "{}", unknown.stderr);
    let bad_root = crate::support::sluice(
        p.path(),
        &[
            "--url",
            &format!("{local}?sslmode=verify-full&sslrootcert=/nonexistent.pem"),
            "status",
        ],
    );
    assert!(
        bad_root
            .code(6)
            .stderr
            .contains("cannot read sslrootcert /nonexistent.pem")
    );
}

#[test]
fn a_file_of_two_transaction_blocks_runs_as_two_blocks() {
    let b = Backend::postgres("twoblocks");
    let url = b.url();
    let p = Project::new("pg-twoblocks");
    p.config("[project]\nlayout = \"golang-migrate\"\ndialect = \"postgres\"\n");
    std::fs::write(
        p.migrations().join("1_two.up.sql"),
        "BEGIN;\nCREATE TABLE a (x int);\nINSERT INTO a VALUES (1);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (x int);\nINSERT INTO b VALUES (1);\nCOMMIT;\n",
    )
    .unwrap();
    std::fs::write(
        p.migrations().join("1_two.down.sql"),
        "DROP TABLE IF EXISTS b;\nDROP TABLE IF EXISTS a;\n",
    )
    .unwrap();
    let lint = crate::support::sluice(p.path(), &["lint"]).code(0);
    assert!(
        !lint.stdout.contains("never committed") && lint.stdout.contains("8 statement(s)"),
        "{}",
        lint.stdout
    );
    crate::support::sluice(p.path(), &["--url", &url, "up"]).code(0);
    assert_eq!(
        psql(
            &url,
            "SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b)"
        )
        .unwrap(),
        "2"
    );
    let m = b.t("migrations");
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT state || ' ' || statements_done FROM {m}")
        ),
        ["applied 8"]
    );
    crate::support::sluice(p.path(), &["--url", &url, "down"]).code(0);
}

/// Two applications with states of their own migrate one database at the same time: each
/// has its own lock (the second does not wait for the first) and sees only its own
/// history.
#[test]
fn two_applications_with_their_own_states_do_not_block_each_other() {
    let b = Backend::postgres("two_apps");
    let url = b.url();
    let (a, c) = (Project::new("pg-app-a"), Project::new("pg-app-b"));
    for (p, state) in [(&a, "billing"), (&c, "shop")] {
        p.config(&format!(
            "[project]\ndialect = \"postgres\"\nstate = \"{state}\"\n"
        ));
    }
    a.simple(
        "A1",
        &[],
        &["SELECT pg_sleep(3)", "CREATE TABLE invoices (id int)"],
        &["DROP TABLE invoices"],
    );
    c.simple(
        "B1",
        &[],
        &["CREATE TABLE orders (id int)"],
        &["DROP TABLE orders"],
    );
    let mut first = sluice_cmd(a.path(), &["--url", &url, "up"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the first application to hold its lock", || {
        psql(&url, "SELECT count(*) FROM pg_locks WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND locktype = 'advisory' AND granted").unwrap() == "1"
    });
    // The first still holds its lock; the second's own is free.
    let second = b.sluice(c.path(), &["up", "--lock-wait", "500ms"]).code(0);
    assert!(second.stdout.contains("applied B1"), "{}", second.stdout);
    assert!(first.wait().unwrap().success());
    for (p, id) in [(&a, "A1"), (&c, "B1")] {
        let st = b.sluice(p.path(), &["status"]).code(0);
        assert!(
            st.stdout.contains("1 applied, 0 pending") && st.stdout.contains(id),
            "{}",
            st.stdout
        );
    }
    assert_eq!(
        psql(&url, "SELECT count(*) FROM billing.migrations").unwrap(),
        "1"
    );
    assert_eq!(
        psql(&url, "SELECT count(*) FROM shop.migrations").unwrap(),
        "1"
    );
}
