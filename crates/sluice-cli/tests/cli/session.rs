//! An environment's `session` settings: made on every connection sluice opens there
//! (scratch databases included), shown by `plan`, recorded in the run's first event.

use sluice_testkit::Project;

use crate::backend::Backend;
use crate::support::sluice;

#[test]
fn sqlite_runs_with_foreign_keys_on_unless_the_environment_says_otherwise() {
    let p = Project::new("session-sqlite");
    p.simple(
        "M1",
        &[],
        &[
            "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
            "CREATE TABLE child (id INTEGER, parent_id INTEGER REFERENCES parent (id))",
            // A row whose parent comes later (a data load in dependency-violating order).
            "INSERT INTO child VALUES (1, 7)",
            "INSERT INTO parent VALUES (7)",
        ],
        &["DROP TABLE child", "DROP TABLE parent"],
    );
    // sluice's SQLite default: foreign keys are enforced.
    let run = sluice(p.path(), &["up"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("FOREIGN KEY constraint failed"),
        "{}",
        run.stderr
    );
    p.config("[environments.dev]\nurl = \"sqlite:sluice.db\"\nsession = [\"PRAGMA foreign_keys = OFF\"]\n");
    let plan = sluice(p.path(), &["plan"]).code(0);
    assert!(
        plan.stdout
            .contains("session      PRAGMA foreign_keys = OFF"),
        "{}",
        plan.stdout
    );
    sluice(p.path(), &["up"]).code(0);
    let log = sluice(p.path(), &["log", "--format", "json"]).code(0);
    assert!(
        log.stdout
            .contains("session settings: PRAGMA foreign_keys = OFF"),
        "{}",
        log.stdout
    );
    // The scratch database of `sluice test` gets them too.
    sluice(p.path(), &["test"]).code(0);
}

#[test]
fn a_session_entry_that_is_not_a_setting_is_refused() {
    let p = Project::new("session-bad");
    p.simple("M1", &[], &["CREATE TABLE a (x)"], &["DROP TABLE a"]);
    p.config("[environments.dev]\nurl = \"sqlite:sluice.db\"\nsession = [\"DROP TABLE a\"]\n");
    let run = sluice(p.path(), &["plan"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("session: `DROP TABLE a` is not a session setting"),
        "{}",
        run.stderr
    );
}

#[test]
fn mariadb_creates_tables_out_of_dependency_order_with_foreign_key_checks_off() {
    let b = Backend::mysql("session_fk");
    let url = b.url();
    let p = Project::new("session-mysql");
    p.simple(
        "M1",
        &[],
        &[
            "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, FOREIGN KEY (parent_id) REFERENCES parent (id))",
            "CREATE TABLE parent (id INT PRIMARY KEY)",
        ],
        &["DROP TABLE child", "DROP TABLE parent"],
    );
    let run = sluice(p.path(), &["--url", &url, "up"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    // Statement 1 failed: nothing of it ran, and the history says so.
    sluice(p.path(), &["--url", &url, "status"]).code(0);
    // A setting the server refuses is bad configuration, named.
    p.config(
        "[project]\ndialect = \"mysql\"\n\n[environments.dev]\nurl = \"env:SESSION_URL\"\nsession = [\"SET no_such_variable_here = 1\"]\n",
    );
    std::fs::write(p.path().join(".env"), format!("SESSION_URL={url}\n")).unwrap();
    let run = sluice(p.path(), &["status"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("session setting `SET no_such_variable_here = 1` failed")
            && run.stderr.contains("fix the environment's `session`"),
        "{}",
        run.stderr
    );
    p.config(
        "[project]\ndialect = \"mysql\"\n\n[environments.dev]\nurl = \"env:SESSION_URL\"\nsession = [\"SET FOREIGN_KEY_CHECKS = 0\", \"SET sql_mode = 'STRICT_ALL_TABLES'\"]\n",
    );
    std::fs::write(p.path().join(".env"), format!("SESSION_URL={url}\n")).unwrap();
    sluice(p.path(), &["up"]).code(0);
    let e = b.t("events");
    assert_eq!(
        b.q(
            p.path(),
            &format!("SELECT count(*) FROM {e} WHERE reason LIKE 'session settings: SET FOREIGN_KEY_CHECKS = 0%'")
        ),
        ["1"]
    );
}
