//! `sluice test`, `sluice drift` and `schema dump --check`, on all three engines.

use std::process::Stdio;
use std::time::Duration;

use sluice_testkit::Project;

use crate::backend::Backend;
use crate::on_both;
use crate::support::sluice_cmd;

/// Runs `sluice test` (with the backend's scratch server) as a child, so its pid is known.
fn test_run(b: &Backend, p: &Project, extra: &[&str]) -> (u32, i32, String, String) {
    let url = b.url();
    let mut args: Vec<String> = vec!["--url".into(), url, "test".into()];
    args.extend(b.scratch_args());
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let child = sluice_cmd(p.path(), &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    (
        pid,
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

on_both!(test_names_a_down_that_forgets_an_index, |b| {
    let p = Project::new("t-broken");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t (x INTEGER, y INTEGER)"],
        &["DROP TABLE t"],
    );
    p.simple("M2", &[], &["CREATE INDEX t_y ON t (y)"], &["SELECT 1"]);
    p.simple(
        "M3",
        &[],
        &["CREATE TABLE u (a INTEGER)"],
        &["DROP TABLE u"],
    );
    let (pid, code, stdout, stderr) = test_run(&b, &p, &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let fail: Vec<&str> = stdout.lines().filter(|l| l.contains("  FAIL  ")).collect();
    assert_eq!(fail.len(), 1, "one finding, reported once: {stdout}");
    assert!(
        fail[0].starts_with("M2") && fail[0].contains("schema restored"),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.starts_with("M2")
            && l.contains("up again")
            && l.contains("SKIP")
            && l.contains("the down left the schema changed")
            && l.contains("t_y")),
        "the index survived the down, so up again fails on it: said, not counted again: {stdout}"
    );
    // The difference, readable: the index that the down left behind.
    assert!(
        stdout
            .lines()
            .any(|l| l.trim_start().starts_with("+ index") && l.contains("t_y")),
        "{stdout}"
    );
    // M3 is proven all the same, on a new scratch database holding M1 and M2.
    assert!(
        stdout.lines().any(|l| l.starts_with("M3")
            && l.contains("fresh scratch")
            && l.contains("2 migration(s) applied (up to M2)")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("M3") && l.contains("same schema") && l.contains("PASS")),
        "{stdout}"
    );
    // --fail-fast stops at M2 and says why M3 was not proven.
    let (pid2, code, stdout, stderr) = test_run(&b, &p, &["--fail-fast"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("M3") && l.contains("not run: M2 failed (--fail-fast)")),
        "what was not tested says why: {stdout}"
    );
    assert!(b.scratch_left(pid2).is_empty());
    assert!(
        b.scratch_left(pid).is_empty(),
        "the scratch database of a failed run is gone"
    );
    // The database of the environment was never touched.
    match &b {
        Backend::Sqlite => assert!(!p.path().join("sluice.db").exists()),
        _ => assert!(b.user_tables(p.path()).is_empty()),
    }
});

on_both!(test_passes_a_sound_project_and_writes_junit_and_json, |b| {
    let p = Project::new("t-sound");
    p.migration(
        "M1",
        "-- sluice:up\nCREATE TABLE t (x INTEGER NOT NULL);\nCREATE INDEX t_x ON t (x);\n-- sluice:down\nDROP TABLE t;\n-- sluice:verify\n-- expect: empty\nSELECT * FROM t;\n",
    );
    p.migration(
        "M2",
        "-- idempotent: true\n-- sluice:up\nCREATE TABLE IF NOT EXISTS v (a INTEGER);\n-- sluice:down\nDROP TABLE v;\n",
    );
    p.migration(
        "M3",
        "-- idempotent: true\n-- sluice:up\nCREATE TABLE w (a INTEGER);\n-- sluice:down\nDROP TABLE w;\n",
    );
    let (_, code, stdout, stderr) = test_run(&b, &p, &["--idempotent"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let fails: Vec<&str> = stdout.lines().filter(|l| l.contains("  FAIL  ")).collect();
    assert_eq!(fails.len(), 1, "{stdout}");
    assert!(
        fails[0].starts_with("M3")
            && fails[0].contains("idempotent")
            && fails[0].contains("the second up failed"),
        "M3 claims idempotent: true but CREATE TABLE w fails the second time: {stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("M2") && l.contains("idempotent") && l.contains("PASS")),
        "{stdout}"
    );
    // Without the false claim, everything passes.
    p.migration(
        "M3",
        "-- sluice:up\nCREATE TABLE w (a INTEGER);\n-- sluice:down\nDROP TABLE w;\n",
    );
    let (_, code, stdout, _) = test_run(&b, &p, &["--idempotent"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("verdict: PASS"), "{stdout}");
    let (_, code, junit, _) = test_run(&b, &p, &["--format", "junit"]);
    assert_eq!(code, 0);
    assert!(
        junit.starts_with("<?xml")
            && junit.contains(r#"<testcase classname="M1" name="schema restored""#),
        "{junit}"
    );
    let (_, _, json, _) = test_run(&b, &p, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["verdict"], "PASS");
    assert_eq!(v["failed"], 0);
    assert!(v["steps"].as_array().unwrap().len() >= 12, "{json}");
});

on_both!(with_data_flags_a_down_that_destroys_data, |b| {
    let p = Project::new("t-data");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)"],
        &["DROP TABLE t"],
    );
    // The down puts a column named b back, empty: the schema may look restored, the
    // data that b held before the migration is gone.
    p.simple(
        "M2",
        &[],
        &["ALTER TABLE t RENAME COLUMN b TO c"],
        &[
            "ALTER TABLE t DROP COLUMN c",
            "ALTER TABLE t ADD COLUMN b TEXT",
        ],
    );
    let (_, code, stdout, stderr) = test_run(&b, &p, &[]);
    assert!(
        !stdout.contains("data kept"),
        "without --with-data there is no data step: {stdout}{stderr}"
    );
    let _ = code;
    let (_, code, stdout, stderr) = test_run(&b, &p, &["--with-data"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("M2") && l.contains("data kept"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        line.contains("FAIL") && line.contains("t.b held 3 value(s) before the migration"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("M1") && l.contains("data kept") && l.contains("PASS"))
            || !stdout.contains("M1  data kept"),
        "{stdout}"
    );
});

on_both!(drift_names_what_was_changed_by_hand, |b| {
    let p = Project::new("t-drift");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t (x INTEGER)"],
        &["DROP TABLE t"],
    );
    b.sluice(p.path(), &["up"]).code(0);
    let scratch = b.scratch_args();
    let drift = |extra: &[&str]| {
        let mut args: Vec<&str> = vec!["drift"];
        args.extend(scratch.iter().map(String::as_str));
        args.extend_from_slice(extra);
        b.sluice(p.path(), &args)
    };
    let clean = drift(&[]).code(0);
    assert!(clean.stdout.contains("no drift"), "{}", clean.stdout);
    b.q(p.path(), "ALTER TABLE t ADD COLUMN by_hand INTEGER");
    let run = drift(&[]).code(3);
    assert!(
        run.stdout.lines().any(|l| l.contains("by_hand")) && run.stdout.contains("1 changed"),
        "{}",
        run.stdout
    );
    let md = drift(&["--format", "md"]).code(3);
    assert!(md.stdout.starts_with("# Schema drift"), "{}", md.stdout);
    let json = drift(&["--format", "json"]).code(3);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["drift"], true);
    b.q(p.path(), "ALTER TABLE t DROP COLUMN by_hand");
    drift(&[]).code(0);
    // A file edited after it was applied is a finding of its own.
    p.simple("M1", &[], &["CREATE TABLE t (x BIGINT)"], &["DROP TABLE t"]);
    let edited = drift(&[]).code(3);
    assert!(
        edited
            .stdout
            .contains("M1.sql was edited after it was applied"),
        "{}",
        edited.stdout
    );
});

#[test]
fn scratch_is_never_an_environment_database_but_defaults_to_its_server() {
    let b = Backend::postgres("notscratch");
    let p = Project::new("t-notscratch");
    let url = b.url();
    p.config(&format!(
        "[project]\ndialect = \"postgres\"\n\n[environments.dev]\nurl = \"{url}\"\n\n[environments.prod]\nurl = \"{url}\"\nprotected = true\n\n[environments.ci]\nurl = \"env:SLUICE_TEST_UNSET_URL\"\n"
    ));
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t (x INTEGER)"],
        &["DROP TABLE t"],
    );
    let run = crate::support::sluice(p.path(), &["test", "--scratch-url", &url]).code(4);
    assert!(
        run.stderr.contains("is the url of environment dev"),
        "{}",
        run.stderr
    );
    // No scratch server given: a temporary database on the environment's own server,
    // said, and dropped; the environment's database is not touched.
    let (pid, code, stdout, stderr) = {
        let child = sluice_cmd(p.path(), &["test"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        let out = child.wait_with_output().unwrap();
        (
            pid,
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stderr.contains("a temporary one on the server of environment dev"),
        "{stderr}"
    );
    assert!(stdout.contains("scratch  postgres://"), "{stdout}");
    assert!(b.scratch_left(pid).is_empty());
    assert!(b.user_tables(p.path()).is_empty());
    // Never on a protected environment's server.
    let run = crate::support::sluice(p.path(), &["--env", "prod", "test"]).code(2);
    assert!(
        run.stderr.contains("environment prod is protected")
            && run.stderr.contains("--scratch-url"),
        "{}",
        run.stderr
    );
    // An environment whose URL is not set: test needs it only for the default scratch.
    let run = crate::support::sluice(p.path(), &["--env", "ci", "test"]).code(2);
    assert!(
        run.stderr.contains("the URL of environment ci is not set"),
        "{}",
        run.stderr
    );
    let scratch = format!("{}/postgres", sluice_testkit::postgres::server().base_url());
    crate::support::sluice(
        p.path(),
        &["--env", "ci", "test", "--scratch-url", &scratch],
    )
    .code(0);
}

#[test]
fn ctrl_c_drops_the_scratch_database() {
    for b in [Backend::postgres("sigint"), Backend::Sqlite] {
        let p = Project::new("t-sigint");
        let sleep = match b {
            Backend::Postgres(_) => "SELECT pg_sleep(20)",
            _ => {
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) SELECT count(*) FROM c"
            }
        };
        p.simple(
            "M1",
            &[],
            &["CREATE TABLE t (x INTEGER)", sleep],
            &["DROP TABLE t"],
        );
        let url = b.url();
        let mut args: Vec<String> = vec!["--url".into(), url, "test".into()];
        args.extend(b.scratch_args());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let child = sluice_cmd(p.path(), &args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        crate::pg::wait_for("the scratch database", || !b.scratch_left(pid).is_empty());
        std::thread::sleep(Duration::from_millis(300));
        std::process::Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(130),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("the scratch database was dropped"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            b.scratch_left(pid).is_empty(),
            "left behind: {:?}",
            b.scratch_left(pid)
        );
    }
}

#[test]
fn schema_dump_check_keeps_the_committed_schema_honest() {
    let p = Project::new("t-dumpcheck");
    p.simple(
        "M1",
        &[],
        &[
            "CREATE TABLE t (x INTEGER NOT NULL)",
            "CREATE INDEX t_x ON t (x)",
        ],
        &["DROP TABLE t"],
    );
    crate::support::sluice(p.path(), &["up"]).code(0);
    let dump = crate::support::sluice(p.path(), &["schema", "dump"]).code(0);
    std::fs::write(p.path().join("schema.sql"), &dump.stdout).unwrap();
    let ok = crate::support::sluice(p.path(), &["schema", "dump", "--check", "schema.sql"]).code(0);
    assert!(ok.stdout.contains("schema.sql is current"), "{}", ok.stdout);
    // A new migration that nobody dumped: the committed file is stale.
    p.simple(
        "M2",
        &[],
        &["CREATE TABLE u (a INTEGER)"],
        &["DROP TABLE u"],
    );
    let stale =
        crate::support::sluice(p.path(), &["schema", "dump", "--check", "schema.sql"]).code(1);
    assert!(
        stale
            .stdout
            .lines()
            .any(|l| l.trim_start().starts_with("+ CREATE TABLE") && l.contains("u")),
        "{}",
        stale.stdout
    );
    let missing =
        crate::support::sluice(p.path(), &["schema", "dump", "--check", "nope.sql"]).code(2);
    assert!(
        missing.stderr.contains("cannot read nope.sql"),
        "{}",
        missing.stderr
    );
}

#[test]
fn quickstart_passes_sluice_test() {
    let dir = crate::pg::example("quickstart");
    for f in ["quickstart.db", "quickstart.db-wal", "quickstart.db-shm"] {
        let _ = std::fs::remove_file(dir.path().join(f));
    }
    let run = crate::support::sluice(dir.path(), &["test", "--idempotent", "--with-data"]).code(0);
    assert!(run.stdout.contains("verdict: PASS"), "{}", run.stdout);
    assert!(
        run.stdout.contains("irreversible: no down to prove"),
        "{}",
        run.stdout
    );
    assert!(
        !dir.path().join("quickstart.db").exists(),
        "the project's database is untouched"
    );
}

/// One `sluice test --format json` reports every finding of a project: downs that fail
/// (with the server's DETAIL), downs that do nothing, a down that moves a column, and
/// goes on past each of them; a down that needs a session of its own has one.
#[test]
fn test_reports_every_finding_in_one_run() {
    let b = Backend::postgres("allfindings");
    let p = Project::new("t-allfindings");
    // In golang-migrate's layout, whose down files may be empty.
    p.config(
        "[project]\nmigrations = \"db\"\nlayout = \"golang-migrate\"\ndialect = \"postgres\"\n",
    );
    let db = p.path().join("db");
    std::fs::create_dir_all(&db).unwrap();
    let files = [
        (
            "1_a",
            "CREATE TABLE a (id INTEGER PRIMARY KEY, b TEXT, c INTEGER);",
            "DROP TABLE a;",
        ),
        ("2_d", "ALTER TABLE a ADD COLUMN d INTEGER;", "-- noop\n"),
        // Its down drops the wrong table: the server refuses, and says why in DETAIL.
        (
            "3_child",
            "CREATE TABLE child (id INTEGER REFERENCES a (id));",
            "DROP TABLE a;",
        ),
        // The up leaves a temporary table in its session; the down makes it again.
        (
            "4_m4",
            "CREATE TEMPORARY TABLE scratch_rows AS SELECT 1 AS x;\nCREATE TABLE m4 (x INTEGER);",
            "CREATE TEMPORARY TABLE scratch_rows AS SELECT 1 AS x;\nDROP TABLE m4;",
        ),
        // Its down puts the column back at the end.
        (
            "5_c",
            "ALTER TABLE a DROP COLUMN c;",
            "ALTER TABLE a ADD COLUMN c INTEGER;",
        ),
        ("6_index", "CREATE INDEX a_b ON a (b);", ""),
        ("7_m7", "CREATE TABLE m7 (x INTEGER);", "DROP TABLE m7;"),
    ];
    for (name, up, down) in files {
        std::fs::write(db.join(format!("{name}.up.sql")), up).unwrap();
        std::fs::write(db.join(format!("{name}.down.sql")), down).unwrap();
    }
    let (pid, code, json, stderr) = test_run(&b, &p, &["--format", "json"]);
    assert_eq!(code, 1, "{json}{stderr}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let steps = v["steps"].as_array().unwrap();
    let step = |m: &str, name: &str| -> &serde_json::Value {
        steps
            .iter()
            .find(|s| s["migration"] == m && s["step"] == name)
            .unwrap_or_else(|| panic!("no step {m} {name}: {json}"))
    };
    assert_eq!(step("2_d", "down")["verdict"], "NOOP", "{json}");
    assert!(
        step("2_d", "down")["detail"]
            .as_str()
            .unwrap()
            .contains("the down does nothing"),
        "{json}"
    );
    assert_eq!(step("6_index", "down")["verdict"], "NOOP", "{json}");
    let m3 = step("3_child", "down");
    assert_eq!(m3["verdict"], "FAIL", "{json}");
    assert!(
        m3["detail"].as_str().unwrap().contains("DETAIL:")
            && m3["detail"].as_str().unwrap().contains("child"),
        "the server's DETAIL names what depends on the table: {json}"
    );
    // M4 goes on from a new scratch database, and its down runs on a session of its own.
    assert_eq!(step("4_m4", "fresh scratch")["verdict"], "PASS", "{json}");
    assert_eq!(step("4_m4", "down")["verdict"], "PASS", "{json}");
    assert_eq!(step("4_m4", "same schema")["verdict"], "PASS", "{json}");
    let m5 = step("5_c", "schema restored");
    assert_eq!(m5["verdict"], "FAIL", "{json}");
    let diff = m5["diff"].as_str().unwrap();
    assert!(
        diff.contains("~ moved from line") && diff.contains("c integer"),
        "the diff says the column moved: {diff}"
    );
    assert_eq!(step("7_m7", "same schema")["verdict"], "PASS", "{json}");
    assert_eq!(v["noop"], 2, "{json}");
    assert_eq!(v["failed"], 2, "3_child's down and 5_c's schema: {json}");
    assert!(
        b.scratch_left(pid).is_empty(),
        "every scratch database is dropped"
    );
}

/// Another tool's empty down files: one verdict each, not a failure of the step after.
#[test]
fn empty_down_files_of_another_layout_are_said_once() {
    let p = Project::new("t-golang-noop");
    p.config("[project]\nmigrations = \"db\"\nlayout = \"golang-migrate\"\n");
    let db = p.path().join("db");
    std::fs::create_dir_all(&db).unwrap();
    let files = [
        ("1_a.up.sql", "CREATE TABLE a (x INTEGER);"),
        ("1_a.down.sql", "DROP TABLE a;"),
        ("2_b.up.sql", "CREATE TABLE b (x INTEGER);"),
        ("2_b.down.sql", ""),
        ("3_seed.up.sql", "INSERT INTO a VALUES (1);"),
        ("3_seed.down.sql", "-- noop\n"),
        ("4_c.up.sql", "CREATE TABLE c (x INTEGER);"),
        ("4_c.down.sql", "  \n-- nothing to undo\n"),
    ];
    for (name, text) in files {
        std::fs::write(db.join(name), text).unwrap();
    }
    let run = crate::support::sluice(p.path(), &["test"]).code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let noop: Vec<&&str> = lines.iter().filter(|l| l.contains("  NOOP  ")).collect();
    assert_eq!(noop.len(), 2, "{}", run.stdout);
    assert!(noop[0].starts_with('2') && noop[0].contains("2_b.down.sql has no statements"));
    assert!(noop[1].starts_with('4'), "{}", run.stdout);
    assert!(
        lines.iter().any(|l| l.starts_with('3')
            && l.contains("down")
            && l.contains("SKIP")
            && l.contains("the up changed no schema")),
        "a data-only up with a no-op down is not a finding: {}",
        run.stdout
    );
    assert!(!run.stdout.contains("  FAIL  "), "{}", run.stdout);
    assert!(run.stdout.contains("2 downs do nothing"), "{}", run.stdout);
}

/// On SQLite the down gets a new connection when the up left something in its session
/// (a temporary table, a PRAGMA), as `sluice down` in a new process would.
#[test]
fn the_down_of_an_up_that_leaves_session_state_runs_on_a_new_connection() {
    let p = Project::new("t-temp-sqlite");
    p.migration(
        "001_a",
        "-- sluice:up\nCREATE TEMP TABLE tmp AS SELECT 1 AS x;\nCREATE TABLE a (x);\n-- sluice:down\nCREATE TEMP TABLE tmp AS SELECT 1 AS x;\nDROP TABLE a;\n",
    );
    p.migration(
        "002_b",
        "-- sluice:up\nPRAGMA foreign_keys = OFF;\nCREATE TABLE b (x);\n-- sluice:down\nDROP TABLE b;\n",
    );
    let run = crate::support::sluice(p.path(), &["test"]).code(0);
    assert!(run.stdout.contains("verdict: PASS"), "{}", run.stdout);
}

// The down and the second up run on a session as a new connection would have it, on every
// engine: a temporary table of the up (or of the down) is gone, a session setting is back
// to its default (PostgreSQL: a new connection when the session holds something; MySQL and
// MariaDB: the session reset in place).
on_both!(the_down_runs_on_a_fresh_session_on_every_engine, |b| {
    let p = Project::new("t-fresh-session");
    p.simple(
        "M1",
        &[],
        &[
            "CREATE TEMPORARY TABLE scratch_rows AS SELECT 1 AS x",
            "CREATE TABLE m1 (x INTEGER)",
        ],
        &[
            "CREATE TEMPORARY TABLE scratch_rows AS SELECT 1 AS x",
            "DROP TABLE m1",
        ],
    );
    p.simple(
        "M2",
        &[],
        &["CREATE TABLE m2 (x INTEGER)"],
        &["DROP TABLE m2"],
    );
    let (_, code, stdout, stderr) = test_run(&b, &p, &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("verdict: PASS"), "{stdout}");
});
