//! CLI tests: the real binary on real SQLite files, exit code + stdout + stderr snapshotted.

mod adopt;
mod analysis;
mod backend;
mod compat;
mod engines;
mod faults;
mod fleet;
mod galera;
mod gates;
mod library;
mod lint;
mod my;
mod notify;
mod pg;
mod proof;
mod replicas;
mod reports;
mod roundtrips;
mod serve;
mod session;
mod support;
mod watch;

use std::path::Path;

use sluice_testkit::{Project, TempDir, copy_tree};
use support::{db, redact, sluice, sluice_cmd, snap, snapshot, strings, user_tables};

fn quickstart() -> TempDir {
    let dir = TempDir::new("quickstart");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/quickstart");
    copy_tree(&src.join("migrations"), &dir.path().join("migrations"));
    std::fs::copy(src.join("sluice.toml"), dir.path().join("sluice.toml"))
        .expect("copy sluice.toml");
    dir
}

#[test]
fn help_of_every_command() {
    let dir = TempDir::new("help");
    snap("help", dir.path(), &["--help"]).code(0);
    for cmd in [
        "init", "new", "status", "plan", "lint", "up", "down", "verify", "log", "report",
        "resolve", "schema", "test", "drift",
    ] {
        snap(&format!("help_{cmd}"), dir.path(), &[cmd, "--help"]).code(0);
    }
    snap("usage_error", dir.path(), &["up", "--count", "many"]).code(2);
}

#[test]
fn quickstart_end_to_end() {
    let dir = quickstart();
    let d = dir.path();
    snap("qs_01_status_fresh", d, &["status"]).code(0);
    assert!(
        !d.join("quickstart.db").exists(),
        "status must not create the database"
    );
    snap("qs_02_plan", d, &["plan"]).code(0);
    assert!(
        !d.join("quickstart.db").exists(),
        "plan must not create the database"
    );
    snap("qs_03_up", d, &["up"]).code(0);
    snap("qs_04_status", d, &["status"]).code(0);
    snap("qs_05_verify", d, &["verify"]).code(0);
    snap("qs_06_down_count_2", d, &["down", "--count", "2"]).code(0);
    snap("qs_07_status_after_down", d, &["status"]).code(0);
    let conn = db(&d.join("quickstart.db"));
    assert!(!user_tables(&conn).contains(&"queue_jobs".to_string()));
    snap("qs_08_plan_two_left", d, &["plan", "--format", "json"]).code(0);
    snap("qs_09_up_again", d, &["up"]).code(0);
    assert!(user_tables(&conn).contains(&"queue_jobs".to_string()));
    snap("qs_10_log_tail", d, &["log", "--limit", "4"]).code(0);
    snap(
        "qs_11_verify_json",
        d,
        &[
            "verify",
            "--format",
            "json",
            "20251101_030000_add_status_map_tables",
        ],
    )
    .code(0);
    snap("qs_12_status_json", d, &["status", "--format", "json"]).code(0);
    snap(
        "qs_13_log_json",
        d,
        &["log", "--format", "json", "--limit", "2"],
    )
    .code(0);
    snap("qs_14_up_nothing", d, &["up"]).code(0);
    // Verification left nothing behind.
    assert_eq!(
        strings(&conn, "SELECT count(*) FROM api_idempotency_keys"),
        ["0"]
    );
    assert_eq!(strings(&conn, "SELECT count(*) FROM transfers"), ["3"]);
    // The history: one applied row per migration, in the order they were applied.
    assert_eq!(
        strings(
            &conn,
            "SELECT count(*) FROM sluice_migrations WHERE state = 'applied'"
        ),
        ["7"]
    );
}

#[test]
fn drift_is_reported_and_up_refuses() {
    let dir = quickstart();
    let d = dir.path();
    sluice(d, &["up"]).code(0);
    let file = d.join("migrations/20251103_000000_add_transfer_priority.sql");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("DEFAULT 0;", "DEFAULT 1;")).unwrap();
    snap("drift_status", d, &["status"]).code(0);
    snap("drift_up_refused", d, &["up"]).code(4);
    // White space at line ends and CRLF do not count as edits.
    std::fs::write(&file, text.replace('\n', "  \r\n")).unwrap();
    let s = sluice(d, &["status", "--format", "json"]);
    assert!(!s.stdout.contains("\"drift\": true"), "{}", s.stdout);
}

#[test]
fn malformed_file_is_exit_2_and_changes_nothing() {
    let p = Project::new("malformed");
    p.simple(
        "001_a",
        &[],
        &["CREATE TABLE a (x INTEGER)"],
        &["DROP TABLE a"],
    );
    sluice(p.path(), &["up"]).code(0);
    let conn = db(&p.path().join("sluice.db"));
    let before = strings(&conn, "SELECT count(*) FROM sluice_events");
    p.migration(
        "002_b",
        "-- author: x\n-- sluice:up\nCREATE TABLE b (x INTEGER);\n",
    );
    p.migration(
        "003_c",
        "-- risk: extreme\n-- sluice:up\nSELECT 1;\n-- sluice:down\nSELECT 1;\n",
    );
    snap("malformed_up", p.path(), &["up"]).code(2);
    snap("malformed_status", p.path(), &["status"]).code(2);
    assert_eq!(strings(&conn, "SELECT count(*) FROM sluice_events"), before);
    assert_eq!(user_tables(&conn), ["a"]);
}

#[test]
fn a_failed_migration_is_reported_and_retried_once_fixed() {
    let p = Project::new("fail3");
    p.simple(
        "001_ok",
        &[],
        &["CREATE TABLE base (x INTEGER)"],
        &["DROP TABLE base"],
    );
    p.simple(
        "002_breaks",
        &[],
        &[
            "CREATE TABLE one (x INTEGER)",
            "INSERT INTO base VALUES (1)",
            "INSERT INTO missing VALUES (2)",
        ],
        &["DROP TABLE one"],
    );
    // What the database holds afterwards is asserted on both engines in engines.rs; here,
    // what the user reads.
    snap("fail3_up", p.path(), &["up"]).code(3);
    let conn = db(&p.path().join("sluice.db"));
    let err = strings(
        &conn,
        "SELECT last_error FROM sluice_migrations WHERE id = '002_breaks'",
    );
    assert!(
        err[0].contains("statement 3/3") && err[0].contains("no such table: missing"),
        "{err:?}"
    );
    snap("fail3_status", p.path(), &["status"]).code(0);
    // Fixed file: up retries the failed migration.
    p.simple(
        "002_breaks",
        &[],
        &[
            "CREATE TABLE one (x INTEGER)",
            "INSERT INTO base VALUES (1)",
            "CREATE TABLE missing (y INTEGER)",
        ],
        &["DROP TABLE missing", "DROP TABLE one"],
    );
    sluice(p.path(), &["up"]).code(0);
    assert_eq!(
        strings(
            &conn,
            "SELECT state FROM sluice_migrations WHERE id = '002_breaks'"
        ),
        ["applied"]
    );
}

#[test]
fn non_transactional_failure_is_partial_and_blocks_up() {
    let p = Project::new("partial");
    p.migration(
        "001_nt",
        "-- transaction: false\n-- sluice:up\nCREATE TABLE a (x INTEGER);\nCREATE TABLE b (x INTEGER);\nINSERT INTO nowhere VALUES (1);\n-- sluice:down\nDROP TABLE IF EXISTS b;\nDROP TABLE IF EXISTS a;\n",
    );
    snap("partial_up", p.path(), &["up"]).code(3);
    let conn = db(&p.path().join("sluice.db"));
    assert_eq!(
        user_tables(&conn),
        ["a", "b"],
        "statements before the failure stay applied outside a transaction"
    );
    assert_eq!(
        strings(
            &conn,
            "SELECT state || ' ' || statements_done || '/' || statements_total FROM sluice_migrations"
        ),
        ["partial 2/3"]
    );
    snap("partial_status", p.path(), &["status"]).code(0);
    snap("partial_up_refused", p.path(), &["up"]).code(4);
    // Editing a statement that already ran: resume refuses.
    p.migration(
        "001_nt",
        "-- transaction: false\n-- sluice:up\nCREATE TABLE a (x BIGINT);\nCREATE TABLE b (x INTEGER);\nINSERT INTO a VALUES (1);\n-- sluice:down\nDROP TABLE IF EXISTS b;\nDROP TABLE IF EXISTS a;\n",
    );
    snap("partial_resume_changed", p.path(), &["up", "--resume"]).code(4);
    // Fixing only the failed statement: resume runs statement 3 and finishes.
    p.migration(
        "001_nt",
        "-- transaction: false\n-- sluice:up\nCREATE TABLE a (x INTEGER);\nCREATE TABLE b (x INTEGER);\nINSERT INTO a VALUES (1);\n-- sluice:down\nDROP TABLE IF EXISTS b;\nDROP TABLE IF EXISTS a;\n",
    );
    snap("partial_resume", p.path(), &["up", "--resume"]).code(0);
    assert_eq!(strings(&conn, "SELECT count(*) FROM a"), ["1"]);
    assert_eq!(
        strings(
            &conn,
            "SELECT from_state || '>' || to_state || coalesce(' ' || reason, '') FROM sluice_events ORDER BY seq"
        ),
        [
            "pending>applying",
            "applying>partial statement 3/3 at migrations/001_nt.sql:5: no such table: nowhere (SQLITE_ERROR, SQLSTATE 42P01)",
            "partial>applying 001_nt cannot be resumed: its statements 1–2, which already ran, are not the same in the file any more; restore them (only the failed statement and those after it may change), or repair by hand and use `sluice resolve`",
            "partial>applying resuming after statement 2/3",
            "applying>applied"
        ]
    );
    snap("partial_resumed_status", p.path(), &["status"]).code(0);
}

#[test]
fn resolve_records_a_manual_repair() {
    let p = Project::new("resolve");
    p.migration(
        "001_nt",
        "-- transaction: false\n-- sluice:up\nCREATE TABLE a (x INTEGER);\nINSERT INTO nowhere VALUES (1);\n-- sluice:down\nDROP TABLE IF EXISTS a;\n",
    );
    sluice(p.path(), &["up"]).code(3);
    snap(
        "resolve_refuses_applied_state",
        p.path(),
        &["resolve", "nope", "--applied", "--reason", "x"],
    )
    .code(2);
    snap(
        "resolve_applied",
        p.path(),
        &[
            "resolve",
            "001_nt",
            "--applied",
            "--reason",
            "created nowhere by hand and inserted the row",
        ],
    )
    .code(0);
    let conn = db(&p.path().join("sluice.db"));
    assert_eq!(
        strings(&conn, "SELECT state FROM sluice_migrations"),
        ["applied"]
    );
    let last = strings(
        &conn,
        "SELECT from_state || '>' || to_state || ' ' || reason || ' ' || details FROM sluice_events ORDER BY seq DESC LIMIT 1",
    );
    assert!(
        last[0].starts_with("partial>applied resolved by hand: created nowhere")
            && last[0].contains("\"manual\":true"),
        "{last:?}"
    );
    // An applied migration is not a repair: refused, and the refusal recorded.
    snap(
        "resolve_applied_again",
        p.path(),
        &["resolve", "001_nt", "--reverted", "--reason", "oops"],
    )
    .code(4);
    assert_eq!(
        strings(
            &conn,
            "SELECT count(*) FROM sluice_events WHERE allowed = 0"
        ),
        ["1"]
    );
    snap(
        "resolve_no_reason",
        p.path(),
        &["resolve", "001_nt", "--applied", "--reason", " "],
    )
    .code(2);
}

#[test]
fn transaction_control_in_a_transactional_migration_is_refused() {
    let p = Project::new("txctl");
    p.migration("001_tx", "-- sluice:up\nBEGIN;\nCREATE TABLE a (x INTEGER);\nCOMMIT;\n-- sluice:down\nDROP TABLE a;\n");
    snap("txctl_up", p.path(), &["up"]).code(2);
}

#[test]
fn down_refusals_are_recorded() {
    let dir = quickstart();
    let d = dir.path();
    sluice(d, &["up"]).code(0);
    snap(
        "down_dependants",
        d,
        &["down", "20251101_030000_add_status_map_tables"],
    )
    .code(4);
    snap("down_irreversible", d, &["down", "--count", "99"]).code(4);
    snap("down_unknown", d, &["down", "nope"]).code(2);
    snap(
        "down_cascade",
        d,
        &["down", "--cascade", "20251101_030000_add_status_map_tables"],
    )
    .code(0);
    snap(
        "down_pending",
        d,
        &["down", "20251101_030000_add_status_map_tables"],
    )
    .code(4);
    let conn = db(&d.join("quickstart.db"));
    assert_eq!(
        strings(
            &conn,
            "SELECT migration_id || ' ' || from_state || '>' || to_state FROM sluice_events WHERE allowed = 0 ORDER BY seq"
        ),
        [
            "20241015_000000_initial_consignments_schema applied>reverting",
            "20251101_030000_add_status_map_tables pending>reverting"
        ]
    );
    // The audit log is append-only.
    let tamper = conn.execute("DELETE FROM sluice_events", []);
    assert!(tamper.unwrap_err().to_string().contains("append-only"));
}

#[test]
fn down_to_reverts_in_applied_order_not_id_order() {
    let p = Project::new("downto");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t1 (x INTEGER)"],
        &["DROP TABLE t1"],
    );
    p.simple(
        "M3",
        &[],
        &["CREATE TABLE t3 (x INTEGER)"],
        &["DROP TABLE t3"],
    );
    sluice(p.path(), &["up"]).code(0);
    // M2 arrives late (merged from an old branch): applied after M3 in dev.
    p.simple(
        "M2",
        &[],
        &["CREATE TABLE t2 (x INTEGER)"],
        &["DROP TABLE t2"],
    );
    snap("late_status", p.path(), &["status"]).code(0);
    snap("late_up_dev", p.path(), &["up"]).code(0);
    // Applied order is M1, M3, M2: `down --to M3` reverts only M2.
    snap("downto_m3", p.path(), &["down", "--to", "M3"]).code(0);
    let conn = db(&p.path().join("sluice.db"));
    assert_eq!(user_tables(&conn), ["t1", "t3"]);
}

#[test]
fn late_migrations_are_refused_where_the_environment_says_so() {
    let p = Project::new("late");
    p.config("[environments.dev]\nurl = \"sqlite:dev.db\"\n\n[environments.staging]\nurl = \"sqlite:staging.db\"\n");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t1 (x INTEGER)"],
        &["DROP TABLE t1"],
    );
    p.simple(
        "M3",
        &[],
        &["CREATE TABLE t3 (x INTEGER)"],
        &["DROP TABLE t3"],
    );
    sluice(p.path(), &["--env", "staging", "up"]).code(0);
    p.simple(
        "M2",
        &[],
        &["CREATE TABLE t2 (x INTEGER)"],
        &["DROP TABLE t2"],
    );
    snap("late_staging_plan", p.path(), &["--env", "staging", "plan"]).code(4);
    snap("late_staging_up", p.path(), &["--env", "staging", "up"]).code(4);
    snap("unknown_env", p.path(), &["--env", "prod", "status"]).code(2);
}

#[test]
fn environments_header_limits_where_a_migration_runs() {
    let p = Project::new("envs");
    p.config("[environments.dev]\nurl = \"sqlite:dev.db\"\n\n[environments.prod]\nurl = \"sqlite:prod.db\"\n");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t (x INTEGER)"],
        &["DROP TABLE t"],
    );
    p.migration("M2_seed", "-- environments: dev\n-- sluice:up\nINSERT INTO t VALUES (1);\n-- sluice:down\nDELETE FROM t;\n");
    snap("envs_prod_up", p.path(), &["--env", "prod", "up"]).code(0);
    snap("envs_prod_status", p.path(), &["--env", "prod", "status"]).code(0);
    sluice(p.path(), &["up"]).code(0);
    assert_eq!(
        strings(&db(&p.path().join("dev.db")), "SELECT count(*) FROM t"),
        ["1"]
    );
    assert_eq!(
        strings(&db(&p.path().join("prod.db")), "SELECT count(*) FROM t"),
        ["0"]
    );
}

#[test]
fn read_commands_never_create_tables() {
    let p = Project::new("readonly");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t (x INTEGER)"],
        &["DROP TABLE t"],
    );
    for cmd in [&["status"][..], &["plan"], &["log"]] {
        sluice(p.path(), cmd).code(0);
        assert!(
            !p.path().join("sluice.db").exists(),
            "{cmd:?} created the database file"
        );
    }
    snap("verify_no_db", p.path(), &["verify"]).code(4);
    // An existing database without sluice's tables stays without them.
    rusqlite::Connection::open(p.path().join("sluice.db"))
        .unwrap()
        .execute_batch("CREATE TABLE app (x INTEGER)")
        .unwrap();
    for cmd in [&["status"][..], &["plan"], &["log"], &["verify"]] {
        sluice(p.path(), cmd).code(0);
    }
    assert_eq!(
        strings(
            &db(&p.path().join("sluice.db")),
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        ),
        ["app"]
    );
}

#[test]
fn verify_failures_exit_1() {
    let p = Project::new("verifyfail");
    p.migration(
        "M1",
        "-- sluice:up\nCREATE TABLE t (x INTEGER UNIQUE);\nINSERT INTO t VALUES (1), (2);\n-- sluice:down\nDROP TABLE t;\n-- sluice:verify\n-- expect: rows 3\nSELECT * FROM t;\n-- expect: error unique_violation\nINSERT INTO t VALUES (3);\n-- expect: value 2\nSELECT max(x) FROM t;\n",
    );
    sluice(p.path(), &["up"]).code(0);
    snap("verify_fail", p.path(), &["verify"]).code(1);
    snap("verify_pending_id", p.path(), &["verify", "nope"]).code(2);
}

#[test]
fn lock_held_by_a_live_run_times_out_with_exit_5() {
    let p = Project::new("lock");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t (x INTEGER)"],
        &["DROP TABLE t"],
    );
    sluice(p.path(), &["up", "--count", "0"]).code(0);
    let conn = db(&p.path().join("sluice.db"));
    let host = sluice_core::whoami::host_name();
    // A live holder: this test process holds the file lock, and the row names it.
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(p.path().join("sluice.db.sluice-lock"))
        .unwrap();
    lock.lock().unwrap();
    conn.execute(
        "INSERT INTO sluice_lock VALUES (1, 'run_20260101_000000_00000000000000aa', ?1, ?2, 'someone', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', NULL)",
        rusqlite::params![std::process::id(), host],
    )
    .unwrap();
    snap("lock_timeout", p.path(), &["up", "--lock-wait", "300ms"]).code(5);
    assert_eq!(
        strings(
            &conn,
            "SELECT count(*) FROM sluice_migrations WHERE state = 'applied'"
        ),
        ["0"]
    );
    // The holder ends (its process dies: the kernel frees its file lock); the row it left
    // is taken over at once, and that is recorded.
    drop(lock);
    sluice(p.path(), &["up", "--lock-wait", "300ms"]).code(0);
    let notes = strings(
        &conn,
        "SELECT reason FROM sluice_events WHERE migration_id IS NULL",
    );
    assert!(
        notes[0].starts_with("took over the migration lock"),
        "{notes:?}"
    );
    assert_eq!(
        strings(&conn, "SELECT count(*) FROM sluice_lock"),
        ["0"],
        "the lock is released after the run"
    );
}

#[test]
fn two_processes_apply_each_migration_exactly_once() {
    let p = Project::new("race");
    for i in 0..40 {
        // No IF NOT EXISTS: a second application would fail loudly.
        p.simple(
            &format!("M{i:03}"),
            &[],
            &[&format!("CREATE TABLE t{i} (x INTEGER)")],
            &[&format!("DROP TABLE t{i}")],
        );
    }
    for round in 0..3 {
        let _ = std::fs::remove_file(p.path().join("sluice.db"));
        let _ = std::fs::remove_file(p.path().join("sluice.db-wal"));
        let _ = std::fs::remove_file(p.path().join("sluice.db-shm"));
        let mut a = sluice_cmd(p.path(), &["up"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut b = sluice_cmd(p.path(), &["up"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let (sa, sb) = (a.wait().unwrap(), b.wait().unwrap());
        assert!(
            sa.success() && sb.success(),
            "round {round}: both runners succeed ({sa}, {sb})"
        );
        let conn = db(&p.path().join("sluice.db"));
        assert_eq!(
            strings(
                &conn,
                "SELECT count(*) FROM sluice_migrations WHERE state = 'applied'"
            ),
            ["40"]
        );
        let per_migration = strings(
            &conn,
            "SELECT count(*) FROM sluice_events WHERE to_state = 'applied' GROUP BY migration_id HAVING count(*) <> 1",
        );
        assert!(
            per_migration.is_empty(),
            "round {round}: a migration was applied more than once"
        );
        assert_eq!(
            strings(
                &conn,
                "SELECT count(DISTINCT applied_seq) FROM sluice_migrations"
            ),
            ["40"]
        );
    }
}

#[test]
fn init_and_new() {
    let dir = TempDir::new("init");
    snap("init", dir.path(), &["init"]).code(0);
    snap("init_again", dir.path(), &["init"]).code(0);
    let run = sluice(dir.path(), &["new", "add_status_map_tables"]).code(0);
    let stamp = regex_lite::Regex::new(r"\d{8}_\d{6}_").unwrap();
    snapshot(
        "new",
        &stamp.replace_all(&run.render(dir.path()), "[STAMP]_"),
    );
    let created: Vec<_> = std::fs::read_dir(dir.path().join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(created.len(), 1);
    let text = std::fs::read_to_string(&created[0]).unwrap();
    snapshot("new_file", &text);
    // The new file is refused until its up section holds SQL, with a line number.
    let st = sluice(dir.path(), &["status"]).code(2);
    assert!(
        st.stderr.contains(":5: the `up` section is empty"),
        "{}",
        st.stderr
    );
    snap("new_bad_name", dir.path(), &["new", "add status"]).code(2);
}

#[test]
fn bad_config_names_the_file_and_key() {
    let p = Project::new("badcfg");
    p.config("[project]\nmigration = \"m\"\n");
    snap("bad_config", p.path(), &["status"]).code(2);
    p.config("[environments.prod]\nurl = \"env:SLUICE_TEST_UNSET_VAR\"\n");
    snap("unset_url_var", p.path(), &["status"]).code(2);
    p.config("[environments.dev]\nurl = \"postgres://app:hunter2@127.0.0.1:1/app\"\n");
    let run = snap("postgres_unreachable", p.path(), &["status"]).code(6);
    assert!(
        !run.stderr.contains("hunter2") && !run.stdout.contains("hunter2"),
        "the password leaked"
    );
    p.config("[environments.dev]\nurl = \"mysql://app:hunter2@127.0.0.1:1/app\"\n");
    let run = snap("mysql_unreachable", p.path(), &["status"]).code(6);
    assert!(!run.stderr.contains("hunter2"), "the password leaked");
}

#[test]
fn plan_errors_name_the_files() {
    let p = Project::new("planerr");
    p.simple("A", &["B"], &["SELECT 1"], &["SELECT 1"]);
    p.simple("B", &["C"], &["SELECT 1"], &["SELECT 1"]);
    p.simple("C", &["A"], &["SELECT 1"], &["SELECT 1"]);
    snap("plan_cycle", p.path(), &["plan"]).code(2);
    let run = sluice(p.path(), &["plan"]);
    assert_eq!(redact(&run.stderr, p.path()).lines().count(), 1);
}

#[test]
fn failing_down_is_rolled_back_and_stays_applied() {
    let p = Project::new("downfail");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t (x INTEGER)", "INSERT INTO t VALUES (1)"],
        &["DELETE FROM t", "DROP TABLE nope"],
    );
    sluice(p.path(), &["up"]).code(0);
    snap("down_fails", p.path(), &["down"]).code(3);
    let conn = db(&p.path().join("sluice.db"));
    assert_eq!(
        strings(&conn, "SELECT count(*) FROM t"),
        ["1"],
        "the DELETE of the failed down was rolled back"
    );
    assert_eq!(
        strings(&conn, "SELECT state FROM sluice_migrations"),
        ["applied"]
    );
    let err = strings(&conn, "SELECT last_error FROM sluice_migrations");
    assert!(err[0].starts_with("down failed: statement 2/2"), "{err:?}");
    assert_eq!(
        strings(
            &conn,
            "SELECT from_state || '>' || to_state FROM sluice_events ORDER BY seq"
        ),
        [
            "pending>applying",
            "applying>applied",
            "applied>reverting",
            "reverting>applied"
        ]
    );
    snap("down_fails_status", p.path(), &["status"]).code(0);
}

#[test]
fn state_tables_of_an_earlier_sluice_are_read_and_upgraded() {
    let p = Project::new("oldstate");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t (x INTEGER)"],
        &["DROP TABLE t"],
    );
    p.simple(
        "M2",
        &[],
        &["CREATE TABLE u (x INTEGER)"],
        &["DROP TABLE u"],
    );
    sluice(p.path(), &["up", "--count", "1"]).code(0);
    // The history table as the first version wrote it: no done_checksum, no record of a
    // statement started, no lease in the lock table.
    let conn = db(&p.path().join("sluice.db"));
    conn.execute_batch(
        "ALTER TABLE sluice_migrations DROP COLUMN done_checksum; \
         ALTER TABLE sluice_migrations DROP COLUMN started_statement; \
         ALTER TABLE sluice_migrations DROP COLUMN started_checksum; \
         ALTER TABLE sluice_lock DROP COLUMN expires;",
    )
    .unwrap();
    let st = sluice(p.path(), &["status"]).code(0);
    assert!(st.stdout.contains("1 applied, 1 pending"), "{}", st.stdout);
    let cols =
        "SELECT count(*) FROM pragma_table_info('sluice_migrations') WHERE name = 'done_checksum'";
    assert_eq!(
        strings(&conn, cols),
        ["0"],
        "a read command changed the table"
    );
    sluice(p.path(), &["up"]).code(0);
    assert_eq!(strings(&conn, cols), ["1"]);
    assert_eq!(
        strings(
            &conn,
            "SELECT count(*) FROM pragma_table_info('sluice_migrations') WHERE name LIKE 'started_%'"
        ),
        ["2"]
    );
    sluice(p.path(), &["down", "--count", "2"]).code(0);
}

#[test]
fn input_that_cannot_run_as_written_is_refused_with_its_place() {
    let p = Project::new("badinput");
    p.simple("M1", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    sluice(p.path(), &["up"]).code(0);
    let conn = db(&p.path().join("sluice.db"));
    let events = || strings(&conn, "SELECT count(*) FROM sluice_events");
    let before = events();
    let refused = |what: &str, want: &str| {
        let run = sluice(p.path(), &["up"]);
        assert_eq!(run.code, 2, "{what}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{what}: {}", run.stderr);
        assert_eq!(events(), before, "{what}: the database was written");
        assert_eq!(user_tables(&conn), ["a"], "{what}");
    };
    // A NUL byte: SQLite would stop reading there and skip what follows.
    p.migration(
        "M2",
        "-- sluice:up\nCREATE TABLE b (x);\nCREATE TABLE c (x);\0\nCREATE TABLE d (x);\n-- sluice:down\nSELECT 1;\n",
    );
    refused("NUL", "M2.sql:3: this line holds a NUL byte");
    // A control character outside a string; inside one it is data.
    p.migration(
        "M2",
        "-- sluice:up\nCREATE TABLE b (x);\nINSERT INTO b VALUES ('ok\u{1}');\nCREATE\u{1b} TABLE c (x);\n-- sluice:down\nSELECT 1;\n",
    );
    refused(
        "control",
        "M2.sql:4: this line holds the control character U+001B",
    );
    std::fs::remove_file(p.migrations().join("M2.sql")).unwrap();
    // .sql entries that are not files: a dangling link, a link loop, a FIFO, a folder.
    let m = p.migrations();
    std::os::unix::fs::symlink(m.join("nowhere.sql"), m.join("M3.sql")).unwrap();
    refused(
        "dangling link",
        "M3.sql: cannot be read (a symbolic link whose target cannot be opened",
    );
    std::fs::remove_file(m.join("M3.sql")).unwrap();
    std::os::unix::fs::symlink(m.join("M4.sql"), m.join("M4.sql")).unwrap();
    refused("link loop", "M4.sql: cannot be read");
    std::fs::remove_file(m.join("M4.sql")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(m.join("M5.sql"))
        .status()
        .unwrap();
    assert!(fifo.success());
    refused("fifo", "M5.sql: is a named pipe (FIFO), not a file");
    std::fs::remove_file(m.join("M5.sql")).unwrap();
    std::fs::create_dir(m.join("M6.sql")).unwrap();
    refused("folder", "M6.sql: is a folder, not a file");
    std::fs::remove_dir(m.join("M6.sql")).unwrap();
    // URLs: malformed, or with a parameter sluice does not know.
    for (url, want) in [
        ("postgres://u@h:port/d", "port `port` is not a number"),
        ("postgres://u@h/d?pool=3", "unknown parameter `pool`"),
        ("mysql://u@h/d?pool=3", "unknown parameter `pool`"),
        (
            "sqlite:sluice.db?mode=rwc",
            "sqlite: URLs take no parameters",
        ),
    ] {
        let run = sluice(p.path(), &["--url", url, "status"]);
        assert_eq!(run.code, 2, "{url}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{url}: {}", run.stderr);
    }
    // Numbers out of bounds in sluice.toml.
    for (line, want) in [
        ("retries = 4294967295", "retries = 4294967295: at most 100"),
        ("lock_timeout = \"99999999999999h\"", "too long a duration"),
        ("reconnect = \"48h\"", "longer than sluice allows here (1h)"),
        (
            "statement_timeout = \"25h\"",
            "longer than sluice allows here (24h)",
        ),
    ] {
        p.config(&format!(
            "[environments.dev]\nurl = \"sqlite:sluice.db\"\n{line}\n"
        ));
        let run = sluice(p.path(), &["up"]);
        assert_eq!(run.code, 2, "{line}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{line}: {}", run.stderr);
        assert!(run.stderr.contains("sluice.toml"), "{line}: {}", run.stderr);
    }
    let run = sluice(p.path(), &["up", "--lock-wait", "100000h"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(events(), before);
}

#[test]
fn output_that_cannot_be_written_is_exit_7_and_a_closed_pipe_is_not_an_error() {
    let p = Project::new("output-errors");
    p.simple(
        "001_a",
        &[],
        &["CREATE TABLE a (x INTEGER)"],
        &["DROP TABLE a"],
    );
    sluice(p.path(), &["up"]).code(0);
    // A full disk on stdout.
    let full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = sluice_cmd(p.path(), &["status"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(7),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("No space left on device"));
    // --out in a folder that does not exist.
    let run = sluice(
        p.path(),
        &["report", "status", "--out", "no/such/folder/status.md"],
    )
    .code(7);
    assert!(
        run.stderr.contains("cannot write the report"),
        "{}",
        run.stderr
    );
    // `sluice log | head -0`: the reader went away; that is not a failure.
    let mut child = sluice_cmd(p.path(), &["log"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

/// On a terminal `up` draws a bar (the migrations done of those to apply, the one running
/// and the time); through a pipe it prints its lines only.
#[test]
fn up_shows_a_progress_bar_on_a_terminal_only() {
    let dir = quickstart();
    let d = dir.path();
    let piped = sluice(d, &["up", "--count", "2"]).code(0);
    assert!(
        !piped.stderr.contains("migrations (") && !piped.stdout.contains("migrations ("),
        "{:?}",
        piped.stderr
    );
    let (code, said) = crate::support::on_a_terminal(d, "up");
    assert_eq!(code, Some(0), "{said}");
    // A step-by-step migration names the statement running.
    std::fs::write(
        d.join("migrations/20260101_000000_steps.sql"),
        "-- transaction: false\n-- sluice:up\nCREATE TABLE s1 (x INTEGER);\nCREATE TABLE s2 (x INTEGER);\n\n-- sluice:down\nDROP TABLE s2;\nDROP TABLE s1;\n",
    )
    .unwrap();
    let (_, steps) = crate::support::on_a_terminal(d, "up");
    assert!(
        steps.contains(", statement 2/2 (line 4) of 2026"),
        "{steps}"
    );
    sluice(d, &["down", "--count", "1"]).code(0);
    std::fs::remove_file(d.join("migrations/20260101_000000_steps.sql")).unwrap();
    assert!(
        said.contains("[------------------------] 0/5 migrations (")
            && !said.contains("0/0 migrations")
            && said.contains(", applying 20251101_040000_add_ide")
            && said.contains("[########################] 5/5 migrations (")
            && said.contains("done: 5 migrations applied"),
        "{said}"
    );
    // `sluice test` too: the migrations proven so far and the one being proven.
    let (_, said) = crate::support::on_a_terminal(d, "test");
    assert!(
        said.contains("] 0/7 migrations (")
            && said.contains(", proving 20241015_000000_initial_")
            && said.contains("] 6/7 migrations ("),
        "{said}"
    );
    let piped = sluice(d, &["test"]).code(0);
    assert!(!piped.stderr.contains("proving"), "{}", piped.stderr);
}
