//! What only MySQL / MariaDB has: DDL that commits on its own (so every DDL migration runs
//! statement by statement), metadata-lock waits, GET_LOCK across dead processes, warnings.

use std::process::Stdio;
use std::time::{Duration, Instant};

use sluice_testkit::Project;
use sluice_testkit::mariadb::{client, client_args};

use crate::backend::Backend;
use crate::pg::{example, wait_for};
use crate::support::sluice_cmd;

fn columns(b: &Backend, dir: &std::path::Path, table: &str) -> Vec<String> {
    b.q(
        dir,
        &format!("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}' ORDER BY ORDINAL_POSITION"),
    )
}

#[test]
fn consignments_applies_verifies_reverts_to_the_baseline_and_reapplies() {
    let b = Backend::mysql("consignments");
    let dir = example("consignments-mysql");
    let d = dir.path();
    let up = b.sluice(d, &["up"]).code(0);
    assert!(
        up.stdout.contains("done: 3 migrations applied"),
        "{}",
        up.stdout
    );
    let status = b.sluice(d, &["status"]).code(0);
    assert!(status.stdout.contains("(MariaDB 10."), "{}", status.stdout);
    let verify = b.sluice(d, &["verify"]).code(0);
    assert!(
        verify
            .stdout
            .contains("verdict: PASS — 9 of 9 checks passed"),
        "{}",
        verify.stdout
    );
    assert_eq!(b.q(d, "SELECT count(*) FROM consignment_status_map"), ["6"]);
    let first = b.sluice(d, &["schema", "dump"]).code(0).stdout;
    assert!(
        first.contains("CREATE TABLE `consignment_status_map`")
            && first.contains("CREATE UNIQUE INDEX `uk_internal_status` ON `consignment_status_map` (`internal_status`) USING BTREE;")
            && first.contains("ON UPDATE RESTRICT ON DELETE CASCADE"),
        "{first}"
    );
    assert!(!first.contains("sluice_"), "{first}");
    b.sluice(
        d,
        &[
            "down",
            "--to",
            "20241015_000000_initial_consignments_schema",
        ],
    )
    .code(0);
    assert_eq!(b.user_tables(d).len(), 10, "{:?}", b.user_tables(d));
    // The baseline is irreversible: down stops there and says so.
    let refused = b.sluice(d, &["down"]).code(4);
    assert!(
        refused.stderr.contains("irreversible"),
        "{}",
        refused.stderr
    );
    b.sluice(d, &["up"]).code(0);
    let mut args = vec!["test".to_string(), "--idempotent".into()];
    args.extend(b.scratch_args());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let proof = b.sluice(d, &args).code(0);
    assert!(proof.stdout.contains("verdict: PASS"), "{}", proof.stdout);
    let again = b.sluice(d, &["schema", "dump"]).code(0).stdout;
    assert!(
        first == again,
        "the schema after up → down → up differs:\n{}",
        sluice_core::schema::line_diff(&first, &again).join("\n")
    );
    b.sluice(d, &["verify"]).code(0);
}

#[test]
fn a_ddl_migration_failing_at_statement_3_of_5_is_partial_and_resumes() {
    let b = Backend::mysql("partial");
    let p = Project::new("my-partial");
    let text = |first: &str, third: &str| {
        format!(
            "-- sluice:up\n{first};\nALTER TABLE a ADD COLUMN b INT;\n{third};\nCREATE INDEX a_b ON a (b);\nALTER TABLE a ADD COLUMN d INT;\n-- sluice:down\nDROP TABLE IF EXISTS a;\n"
        )
    };
    let first = "CREATE TABLE a (id INT PRIMARY KEY)";
    p.migration(
        "001_ddl",
        &text(
            first,
            "ALTER TABLE a ADD COLUMN c INT NOT NULL DEFAULT oops",
        ),
    );
    let run = b.sluice(p.path(), &["up"]).code(3);
    assert!(
        run.stderr
            .contains("001_ddl failed at statement 3 of 5 (migrations/001_ddl.sql:4)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("its state is now partial"),
        "{}",
        run.stderr
    );
    // Exactly what statements 1 and 2 did.
    assert_eq!(columns(&b, p.path(), "a"), ["id", "b"]);
    let m = b.t("migrations");
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT state || ' ' || statements_done || '/' || statements_total FROM {m}")
        ),
        ["partial 2/5"]
    );
    let status = b.sluice(p.path(), &["status"]).code(0);
    assert!(
        status.stdout.contains("stopped after statement 2/5; statement 3/5 at migrations/001_ddl.sql:4: Unknown column 'oops'"),
        "{}",
        status.stdout
    );
    // Statement 1 changed since it ran: resuming would build on something else.
    p.migration(
        "001_ddl",
        &text(
            "CREATE TABLE a (id BIGINT PRIMARY KEY)",
            "ALTER TABLE a ADD COLUMN c INT NOT NULL DEFAULT 0",
        ),
    );
    let refused = b.sluice(p.path(), &["up", "--resume"]).code(4);
    assert!(
        refused.stderr.contains(
            "its statements 1–2, which already ran, are not the same in the file any more"
        ),
        "{}",
        refused.stderr
    );
    assert_eq!(columns(&b, p.path(), "a"), ["id", "b"]);
    p.migration(
        "001_ddl",
        &text(first, "ALTER TABLE a ADD COLUMN c INT NOT NULL DEFAULT 0"),
    );
    b.sluice(p.path(), &["up", "--resume"]).code(0);
    assert_eq!(columns(&b, p.path(), "a"), ["id", "b", "c", "d"]);
    let e = b.t("events");
    let story = b.q(
        p.path(),
        &format!("SELECT from_state || '>' || to_state || coalesce(' ' || reason, '') FROM {e} ORDER BY seq"),
    );
    assert_eq!(story.len(), 5, "{story:?}");
    assert_eq!(story[0], "pending>applying");
    assert!(
        story[1].starts_with("applying>partial statement 3/5 at migrations/001_ddl.sql:4"),
        "{story:?}"
    );
    assert!(
        story[2].starts_with("partial>applying 001_ddl cannot be resumed"),
        "the refusal: {story:?}"
    );
    assert_eq!(story[3], "partial>applying resuming after statement 2/5");
    assert_eq!(story[4], "applying>applied");
}

#[test]
fn down_of_a_partial_migration_runs_only_its_authors_rollback() {
    let b = Backend::mysql("partialdown");
    let p = Project::new("my-partialdown");
    p.simple(
        "001_base",
        &[],
        &["CREATE TABLE base (x INT)"],
        &["DROP TABLE base"],
    );
    p.migration(
        "002_half",
        "-- sluice:up\nCREATE TABLE a (id INT PRIMARY KEY);\nALTER TABLE a ADD COLUMN b INT;\nALTER TABLE a ADD COLUMN c INT DEFAULT oops;\n-- sluice:down\nDROP TABLE IF EXISTS a;\n",
    );
    b.sluice(p.path(), &["up"]).code(3);
    assert_eq!(b.user_tables(p.path()), ["a", "base"]);
    // `down` undoes the newest thing: the partial migration, with the down section as
    // written (sluice invents no inverse of the two statements that ran).
    let run = b.sluice(p.path(), &["down"]).code(0);
    assert!(run.stdout.contains("reverted 002_half"), "{}", run.stdout);
    assert_eq!(b.user_tables(p.path()), ["base"]);
    let e = b.t("events");
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT from_state || '>' || to_state FROM {e} WHERE migration_id = '002_half' ORDER BY seq")
        ),
        ["pending>applying", "applying>partial", "partial>reverting", "reverting>pending"]
    );
    let m = b.t("migrations");
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT id || ' ' || state FROM {m} ORDER BY id")
        ),
        ["001_base applied", "002_half pending"]
    );
}

#[test]
fn a_data_only_migration_runs_in_one_transaction() {
    let b = Backend::mysql("dml");
    let p = Project::new("my-dml");
    p.simple(
        "001_t",
        &[],
        &["CREATE TABLE t (x INT PRIMARY KEY)"],
        &["DROP TABLE t"],
    );
    p.simple(
        "002_rows",
        &[],
        &[
            "INSERT INTO t VALUES (1)",
            "UPDATE t SET x = 2 WHERE x = 1",
            "INSERT INTO t VALUES (2)",
        ],
        &["DELETE FROM t"],
    );
    let run = b.sluice(p.path(), &["up"]).code(3);
    assert!(
        run.stderr.contains("rolled back") || !run.stderr.contains("partial"),
        "{}",
        run.stderr
    );
    assert_eq!(b.q(p.path(), "SELECT count(*) FROM t"), ["0"]);
    let m = b.t("migrations");
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT state FROM {m} WHERE id = '002_rows'")
        ),
        ["failed"]
    );
}

#[test]
fn a_metadata_lock_wait_gives_up_retries_and_names_the_holder() {
    let b = Backend::mysql("mdl");
    let url = b.url();
    let p = Project::new("my-mdl");
    p.config(&format!(
        "[project]\ndialect = \"mysql\"\n\n[environments.dev]\nurl = \"{url}\"\nlock_timeout = \"1s\"\nretries = 2\nretry_cap = \"300ms\"\n"
    ));
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t (x INT)", "INSERT INTO t VALUES (1)"],
        &["DROP TABLE t"],
    );
    crate::support::sluice(p.path(), &["up"]).code(0);
    // Another session reads t and keeps its transaction open.
    let mut holder = std::process::Command::new("mariadb")
        .args(client_args(&url))
        .args([
            "-e",
            "BEGIN; SELECT count(*) FROM t; SELECT SLEEP(9) AS report_job; COMMIT;",
        ])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the reader to hold its lock", || {
        client(&url, "SELECT count(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(9)%'").unwrap() == "1"
    });
    p.simple(
        "M2",
        &[],
        &["ALTER TABLE t ADD COLUMN y INT"],
        &["ALTER TABLE t DROP COLUMN y"],
    );
    let started = Instant::now();
    let runner = sluice_cmd(p.path(), &["up"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Meanwhile other sessions read t: queued behind the ALTER's exclusive request, each
    // waits at most about one lock_wait_timeout, never for the whole run.
    let mut worst = Duration::ZERO;
    while started.elapsed() < Duration::from_millis(3000) {
        let q = Instant::now();
        client(&url, "SELECT count(*) FROM t").unwrap();
        worst = worst.max(q.elapsed());
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = runner.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("Lock wait timeout exceeded"), "{stderr}");
    assert!(stderr.contains("attempt 3 of 3"), "{stderr}");
    assert!(
        stderr.contains("the lock was held by connection") && stderr.contains("root@"),
        "{stderr}"
    );
    assert!(
        worst < Duration::from_millis(1000 + 800),
        "a reader waited {worst:?}, more than the lock timeout"
    );
    let e = b.t("events");
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT to_state || ' ' || (coalesce(reason, '') LIKE '%gave up waiting for a lock%') FROM {e} WHERE migration_id = 'M2' ORDER BY seq")
        ),
        ["applying 0", "applying 1", "applying 1", "failed 0"],
        "every attempt is an event"
    );
    // End the reader on the server; then the same migration applies.
    client(
        &url,
        "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(9)%'",
    )
    .unwrap()
    .lines()
    .for_each(|id| {
        let _ = client(&url, &format!("KILL {id}"));
    });
    let _ = holder.wait();
    crate::support::sluice(p.path(), &["up"]).code(0);
    assert_eq!(columns(&b, p.path(), "t"), ["x", "y"]);
}

#[test]
fn a_killed_runner_leaves_no_lock_and_a_true_state() {
    let b = Backend::mysql("sigkill");
    let url = b.url();
    let p = Project::new("my-sigkill");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE k (x INT)", "SELECT SLEEP(3)"],
        &["DROP TABLE k"],
    );
    let mut child = sluice_cmd(p.path(), &["--url", &url, "up"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the migration to run", || {
        client(
            &url,
            "SELECT count(*) FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(3)'",
        )
        .unwrap()
            == "1"
    });
    let lock = client(&url, "SELECT CONCAT('sluice:', DATABASE(), ':sluice')").unwrap();
    assert_ne!(
        client(&url, &format!("SELECT IS_USED_LOCK('{lock}') IS NOT NULL")).unwrap(),
        "0",
        "the runner holds the lock"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    wait_for("the server to release the lock", || {
        client(&url, &format!("SELECT IS_USED_LOCK('{lock}') IS NULL")).unwrap() == "1"
    });
    // Statement 1 committed; statement 2 was running: applying, 1 of 2 done.
    let m = b.t("migrations");
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT state || ' ' || statements_done FROM {m}")
        ),
        ["applying 1"]
    );
    // Its run is gone: status says so (partial, stopped after statement 1 of 2).
    let st = b.sluice(p.path(), &["status"]).code(0);
    assert!(
        st.stdout.contains("partial") && st.stdout.contains("stopped after statement 1/2"),
        "{}",
        st.stdout
    );
    b.sluice(p.path(), &["up", "--resume", "--lock-wait", "10s"])
        .code(0);
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
    let b = Backend::mysql("lockwait");
    let url = b.url();
    let p = Project::new("my-lockwait");
    p.simple("M1", &[], &["SELECT SLEEP(3)"], &["SELECT 1"]);
    let mut first = sluice_cmd(p.path(), &["--url", &url, "up"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the first run to sleep", || {
        client(
            &url,
            "SELECT count(*) FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(3)'",
        )
        .unwrap()
            == "1"
    });
    let second = b.sluice(p.path(), &["up", "--lock-wait", "500ms"]).code(5);
    assert!(
        second
            .stderr
            .contains("another sluice run holds the migration lock: run_"),
        "{}",
        second.stderr
    );
    assert!(second.stderr.contains("[connection "), "{}", second.stderr);
    assert!(first.wait().unwrap().success());
}

#[test]
fn the_password_never_appears() {
    let b = Backend::mysql("secret");
    let secret = "Sw0rdf1sh-9x";
    let Backend::Mysql(db) = &b else {
        unreachable!()
    };
    let admin = b.url();
    client(
        &admin,
        &format!(
            "CREATE USER IF NOT EXISTS 'sec'@'%' IDENTIFIED BY '{secret}'; GRANT ALL ON `{}`.* TO 'sec'@'%'",
            db.name
        ),
    )
    .unwrap();
    let url = admin.replacen("root@", &format!("sec:{secret}@"), 1);
    let p = Project::new("my-secret");
    p.migration(
        "M1",
        "-- sluice:up\nCREATE TABLE t (x INT);\n-- sluice:down\nDROP TABLE t;\n-- sluice:verify\n-- expect: rows 0\nSELECT * FROM t;\n",
    );
    p.migration(
        "M2",
        "-- sluice:up\nINSERT INTO nope VALUES (1);\n-- sluice:down\nSELECT 1;\n",
    );
    let mut everything = String::new();
    for args in [
        &["status"][..],
        &["plan"],
        &["up"],
        &["verify"],
        &["status", "--format", "json"],
        &["log", "--format", "json"],
        &["down"],
        &["log"],
        &["schema", "dump"],
    ] {
        let mut all = vec!["--url", url.as_str()];
        all.extend_from_slice(args);
        let run = crate::support::sluice(p.path(), &all);
        everything.push_str(&run.stdout);
        everything.push_str(&run.stderr);
    }
    let wrong = url.replace(secret, "not-the-password");
    let run = crate::support::sluice(p.path(), &["--url", &wrong, "status"]);
    everything.push_str(&run.stderr);
    let bad = format!("{url}?ssl-mode=sometimes");
    let run = crate::support::sluice(p.path(), &["--url", &bad, "status"]);
    everything.push_str(&run.stderr);
    assert!(everything.contains("sec:***@"), "the URL is shown, masked");
    assert!(
        everything.contains("Access denied"),
        "a wrong password is reported: {everything}"
    );
    assert!(
        !everything.contains(secret),
        "the password leaked:\n{everything}"
    );
    for (table, cols) in [
        (
            "events",
            "run_id, migration_id, reason, actor, host, details",
        ),
        ("migrations", "id, run_id, last_error, applied_by"),
        ("lock", "run_id, host, actor"),
    ] {
        let t = b.t(table);
        assert_eq!(
            b.q(
                p.path(),
                &format!("SELECT count(*) FROM {t} WHERE CONCAT_WS('|', {cols}) LIKE '%{secret}%'")
            ),
            ["0"]
        );
    }
}

#[test]
fn warnings_are_shown_and_stored() {
    let b = Backend::mysql("warnings");
    let p = Project::new("my-warnings");
    p.simple("M1", &[], &["CREATE TABLE w (x INT)"], &["DROP TABLE w"]);
    p.simple(
        "M2",
        &[],
        &["CREATE TABLE IF NOT EXISTS w (x INT)"],
        &["SELECT 1"],
    );
    let run = b.sluice(p.path(), &["up"]).code(0);
    assert!(
        run.stdout
            .contains("warning: statement 1/1 (line 2): Note 1050: Table 'w' already exists"),
        "{}",
        run.stdout
    );
    let e = b.t("events");
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT count(*) FROM {e} WHERE migration_id = 'M2' AND to_state = 'applied' AND details LIKE '%already exists%'")
        ),
        ["1"]
    );
}

#[test]
fn uses_index_reads_the_plan() {
    let b = Backend::mysql("usesindex");
    let p = Project::new("my-usesindex");
    p.migration(
        "M1",
        "-- sluice:up\nCREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, x INT, y INT, INDEX idx_x (x));\nINSERT INTO t (x, y) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 300) SELECT n, n FROM s;\n-- sluice:down\nDROP TABLE t;\n-- sluice:verify\n-- expect: uses-index idx_x\nSELECT * FROM t WHERE x = 5;\n",
    );
    b.sluice(p.path(), &["up"]).code(0);
    let run = b.sluice(p.path(), &["verify"]).code(0);
    assert!(run.stdout.contains("verdict: PASS"), "{}", run.stdout);
    p.migration(
        "M1",
        "-- sluice:up\nCREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, x INT, y INT, INDEX idx_x (x));\nINSERT INTO t (x, y) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 300) SELECT n, n FROM s;\n-- sluice:down\nDROP TABLE t;\n-- sluice:verify\n-- expect: uses-index idx_x\nSELECT * FROM t WHERE y = 5;\n",
    );
    // The edited file is drift for up, but verify judges the checks as written.
    let run = b.sluice(p.path(), &["verify"]);
    assert!(run.stdout.contains("FAIL"), "{}", run.stdout);
}

#[test]
fn tls_modes_behave_like_the_mysql_client() {
    let b = Backend::mysql("tls");
    let ca = sluice_testkit::mariadb::server()
        .ca_file
        .clone()
        .expect("the test server speaks TLS");
    let base = b.url();
    let p = Project::new("my-tls");
    // The migration records whether its own session is encrypted.
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE s AS SELECT VARIABLE_VALUE <> '' AS tls FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_cipher'"],
        &["DROP TABLE s"],
    );
    let encrypted = |url: &str| {
        crate::support::sluice(p.path(), &["--url", url, "up"]).code(0);
        let tls = b.q(p.path(), "SELECT tls FROM s");
        crate::support::sluice(p.path(), &["--url", url, "down"]).code(0);
        tls == ["1"]
    };
    let local = base.replace("127.0.0.1", "localhost");
    assert!(!encrypted(&format!("{base}?ssl-mode=DISABLED")));
    assert!(encrypted(&base), "PREFERRED is the default");
    assert!(encrypted(&format!("{base}?ssl-mode=REQUIRED")));
    assert!(encrypted(&format!(
        "{base}?ssl-mode=VERIFY_CA&ssl-ca={}",
        ca.display()
    )));
    assert!(encrypted(&format!(
        "{local}?ssl-mode=VERIFY_IDENTITY&ssl-ca={}",
        ca.display()
    )));
    // The certificate names localhost, not 127.0.0.1: VERIFY_IDENTITY refuses.
    let wrong_name = crate::support::sluice(
        p.path(),
        &[
            "--url",
            &format!("{base}?ssl-mode=VERIFY_IDENTITY&ssl-ca={}", ca.display()),
            "status",
        ],
    )
    .code(6);
    assert!(
        wrong_name.stderr.contains("cannot connect"),
        "{}",
        wrong_name.stderr
    );
    // Not signed by a public root: VERIFY_CA without ssl-ca refuses.
    let unknown = crate::support::sluice(
        p.path(),
        &["--url", &format!("{local}?ssl-mode=VERIFY_CA"), "status"],
    )
    .code(6);
    assert!(
        unknown.stderr.contains("cannot connect"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn a_down_whose_first_statement_fails_names_its_own_file_and_leaves_it_applied() {
    let b = Backend::mysql("downfile");
    let url = b.url();
    let p = Project::new("my-downfile");
    p.config("[project]\nlayout = \"golang-migrate\"\ndialect = \"mysql\"\n");
    std::fs::write(
        p.migrations().join("1_t.up.sql"),
        "CREATE TABLE t (x INT);\n",
    )
    .unwrap();
    std::fs::write(
        p.migrations().join("1_t.down.sql"),
        "DROP TABLE nope;\nDROP TABLE t;\n",
    )
    .unwrap();
    crate::support::sluice(p.path(), &["--url", &url, "up"]).code(0);
    let run = crate::support::sluice(p.path(), &["--url", &url, "down"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("migrations/1_t.down.sql:1")
            && run.stderr.contains("nothing of the down section ran"),
        "{}",
        run.stderr
    );
    let st = crate::support::sluice(p.path(), &["--url", &url, "status"]).code(0);
    assert!(
        st.stdout.contains("applied") && st.stdout.contains("1_t.down.sql:1"),
        "{}",
        st.stdout
    );
    assert!(!st.stdout.contains("1_t.up.sql:1"), "{}", st.stdout);
}
