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
    assert_eq!(fail.len(), 2, "{stdout}");
    assert!(
        fail[0].starts_with("M2") && fail[0].contains("schema restored"),
        "{stdout}"
    );
    assert!(
        fail[1].starts_with("M2") && fail[1].contains("up again") && fail[1].contains("t_y"),
        "the index survived the down, so up again fails on it: {stdout}"
    );
    // The difference, readable: the index that the down left behind.
    assert!(
        stdout
            .lines()
            .any(|l| l.trim_start().starts_with("+ index") && l.contains("t_y")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("M3") && l.contains("not run: M2 did not apply again")),
        "what was not tested says why: {stdout}"
    );
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
fn scratch_is_never_an_environment_database() {
    let b = Backend::postgres("notscratch");
    let p = Project::new("t-notscratch");
    let url = b.url();
    p.config(&format!(
        "[project]\ndialect = \"postgres\"\n\n[environments.dev]\nurl = \"{url}\"\n"
    ));
    p.simple("M1", &[], &["SELECT 1"], &["SELECT 1"]);
    let run = crate::support::sluice(p.path(), &["test", "--scratch-url", &url]).code(4);
    assert!(
        run.stderr.contains("is the url of environment dev"),
        "{}",
        run.stderr
    );
    let run = crate::support::sluice(p.path(), &["test"]).code(6);
    assert!(run.stderr.contains("--scratch-url"), "{}", run.stderr);
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
