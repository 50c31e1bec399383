//! Environments and gates: promotion, approvals, destructive confirmations, backups and
//! restores, hooks, protection — on SQLite (with the refusals as snapshots) and on three
//! environments on PostgreSQL and on MariaDB servers.

use sluice_testkit::Project;

use crate::backend::Backend;
use crate::support::{sluice, snap};

const M1: &str = "-- risk: low\n-- sluice:up\nCREATE TABLE t (x INTEGER);\nINSERT INTO t VALUES (1);\n-- sluice:down\nDROP TABLE t;\n-- sluice:verify\n-- expect: rows >= 1\nSELECT * FROM t;\n";
const M2: &str = "-- risk: high\n-- sluice:up\nALTER TABLE t ADD COLUMN y INTEGER;\n-- sluice:down\nALTER TABLE t DROP COLUMN y;\n";
const M2_EDITED: &str = "-- risk: high\n-- sluice:up\nALTER TABLE t ADD COLUMN y INTEGER DEFAULT 0;\n-- sluice:down\nALTER TABLE t DROP COLUMN y;\n";
const M3: &str = "-- sluice:up\nCREATE TABLE old_log (x INTEGER);\nDROP TABLE old_log;\n-- sluice:down\nSELECT 1;\n";

fn config(dev: &str, prod: &str) -> String {
    format!(
        "[project]\ndialect = \"{}\"\n\n[environments.dev]\nurl = \"{dev}\"\n\n[environments.staging]\nurl = \"env:STAGING_URL\"\n\n[environments.prod]\nurl = \"env:PROD_URL\"\nafter = \"staging\"\nbackup = true\napprove_at = \"high\"\nconfirm_destructive = true\nprotected = true\nhooks.before = [[\"sh\", \"-c\", \"test ! -e stop\"]]\nhooks.after = [[\"sh\", \"-c\", \"env > hook_env.txt\"]]\n",
        sluice_engine::dialect_of(prod).map_or("sqlite", |d| d.name()),
    )
}

#[test]
fn gate_refusals_name_the_gate_and_the_command() {
    let p = Project::new("g-sqlite");
    p.config(&config("sqlite:dev.db", "sqlite:prod.db"));
    std::fs::write(
        p.path().join(".env"),
        "STAGING_URL=sqlite:staging.db\nPROD_URL=\"sqlite:prod.db\"\n",
    )
    .unwrap();
    p.migration("M1", M1);
    p.migration("M2", M2);
    snap("gate_config_check", p.path(), &["config", "check"]).code(0);
    snap("gate_promotion", p.path(), &["up", "--env", "prod"]).code(4);
    // An approval of the file as it was does not count once the file changed.
    sluice(
        p.path(),
        &["approve", "M2", "--env", "prod", "--reason", "reviewed"],
    )
    .code(0);
    p.migration("M2", M2_EDITED);
    sluice(p.path(), &["up", "--env", "staging"]).code(0);
    snap("gate_verify_missing", p.path(), &["up", "--env", "prod"]).code(4);
    sluice(p.path(), &["verify", "--env", "staging"]).code(0);
    snap("gate_approval_stale", p.path(), &["up", "--env", "prod"]).code(4);
    sluice(
        p.path(),
        &[
            "approve",
            "M2",
            "--env",
            "prod",
            "--reason",
            "reviewed again",
        ],
    )
    .code(0);
    snap("gate_plan_prod", p.path(), &["plan", "--env", "prod"]).code(0);
    snap("gate_up_prod", p.path(), &["up", "--env", "prod"]).code(0);
    // Destructive: needs --confirm.
    p.migration("M3", M3);
    sluice(p.path(), &["up", "--env", "staging"]).code(0);
    snap("gate_destructive", p.path(), &["up", "--env", "prod"]).code(4);
    // A failing before hook stops the run with nothing applied.
    std::fs::write(p.path().join("stop"), "").unwrap();
    snap(
        "gate_before_hook",
        p.path(),
        &["up", "--env", "prod", "--confirm", "M3"],
    )
    .code(4);
    std::fs::remove_file(p.path().join("stop")).unwrap();
    sluice(p.path(), &["up", "--env", "prod", "--confirm", "M3"]).code(0);
    snap("gate_status_all_envs", p.path(), &["status", "--all-envs"]).code(0);
    snap("gate_down_protected", p.path(), &["down", "--env", "prod"]).code(4);
    snap(
        "gate_reset_protected",
        p.path(),
        &["reset", "--env", "prod"],
    )
    .code(4);
    // Development: reset reverts what is applied, newest first, and applies everything.
    sluice(p.path(), &["up", "--env", "dev", "--count", "1"]).code(0);
    let reset = sluice(p.path(), &["reset", "--env", "dev"]).code(0);
    assert!(
        reset.stdout.contains("reverted M1") && reset.stdout.contains("done: 3 migrations applied"),
        "{}",
        reset.stdout
    );
    let backups = std::fs::read_dir(p.path().join("backups/prod"))
        .unwrap()
        .count();
    assert_eq!(
        backups, 2,
        "a backup before each prod run that applied something"
    );
    snap(
        "gate_restore_unconfirmed",
        p.path(),
        &["restore", "backups/prod/x.sqlite", "--env", "prod"],
    )
    .code(4);
    // The hook saw the run's variables.
    let env = std::fs::read_to_string(p.path().join("hook_env.txt")).unwrap();
    assert!(
        env.contains("SLUICE_ENV=prod") && env.contains("SLUICE_MIGRATIONS=M3"),
        "{env}"
    );
}

#[test]
fn a_literal_password_outside_dev_is_refused() {
    let p = Project::new("g-literal");
    p.config("[environments.prod]\nurl = \"postgres://app:hunter2@db/app\"\n");
    let run = snap("gate_literal_password", p.path(), &["config", "check"]).code(2);
    assert!(!run.stderr.contains("hunter2"));
    p.config("[environments.prod]\nurl = \"env:X\"\nbackups = true\n");
    snap("gate_unknown_key", p.path(), &["config", "check"]).code(2);
}

/// Three environments on one server kind, each a database of its own.
fn three_environments(dev: Backend, staging: Backend, prod: Backend) {
    let p = Project::new("g-server");
    let (s_url, p_url) = (staging.url(), prod.url());
    p.config(&config(&dev.url(), &p_url));
    std::fs::write(
        p.path().join(".env"),
        format!("STAGING_URL={s_url}\nPROD_URL={p_url}\n"),
    )
    .unwrap();
    p.migration("M1", M1);
    p.migration("M2", M2);
    let out = sluice(p.path(), &["up", "--env", "prod"]).code(4);
    assert!(
        out.stderr
            .contains("promotion gate, M1: not applied in staging"),
        "{}",
        out.stderr
    );
    sluice(p.path(), &["up", "--env", "staging"]).code(0);
    sluice(p.path(), &["verify", "--env", "staging"]).code(0);
    let out = sluice(p.path(), &["up", "--env", "prod"]).code(4);
    assert!(
        out.stderr
            .contains("approval gate, M2: risk high needs an approval in prod"),
        "{}",
        out.stderr
    );
    assert!(prod.user_tables(p.path()).is_empty(), "nothing ran in prod");
    sluice(
        p.path(),
        &["approve", "M2", "--env", "prod", "--reason", "ok"],
    )
    .code(0);
    let out = sluice(p.path(), &["up", "--env", "prod"]).code(0);
    assert!(
        out.stdout.contains("backup backups/prod/"),
        "{}",
        out.stdout
    );
    // Before the next run: what prod is now, to compare with the restore.
    let before = sluice(p.path(), &["--env", "prod", "schema", "dump"])
        .code(0)
        .stdout;
    p.migration("M3", M3);
    p.migration(
        "M4",
        "-- sluice:up\nCREATE TABLE u (a INTEGER);\nINSERT INTO t (x) VALUES (2);\n-- sluice:down\nDROP TABLE u;\n",
    );
    sluice(p.path(), &["up", "--env", "staging"]).code(0);
    sluice(p.path(), &["verify", "--env", "staging"]).code(0);
    let out = sluice(p.path(), &["up", "--env", "prod"]).code(4);
    assert!(
        out.stderr
            .contains("destructive gate, M3: it destroys data: DROP TABLE"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("sluice up --env prod --confirm M3"),
        "{}",
        out.stderr
    );
    std::fs::write(p.path().join("stop"), "").unwrap();
    let out = sluice(p.path(), &["up", "--env", "prod", "--confirm", "M3"]).code(4);
    assert!(
        out.stderr
            .contains("before hook `sh -c test ! -e stop` failed"),
        "{}",
        out.stderr
    );
    assert_eq!(
        prod.q(p.path(), "SELECT count(*) FROM t"),
        ["1"],
        "nothing applied"
    );
    std::fs::remove_file(p.path().join("stop")).unwrap();
    sluice(p.path(), &["up", "--env", "prod", "--confirm", "M3"]).code(0);
    assert_eq!(prod.q(p.path(), "SELECT count(*) FROM t"), ["2"]);
    let all = sluice(p.path(), &["status", "--all-envs"]).code(0);
    let m4 = all
        .stdout
        .lines()
        .find(|l| l.starts_with("M4"))
        .unwrap()
        .to_string();
    assert_eq!(
        m4.split_whitespace().collect::<Vec<_>>(),
        ["M4", "pending", "applied", "applied"],
        "{}",
        all.stdout
    );
    // The newest backup was taken before this run: restoring it undoes M3 and M4.
    let mut files: Vec<_> = std::fs::read_dir(p.path().join("backups/prod"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2);
    let newest = files.last().unwrap().display().to_string();
    sluice(
        p.path(),
        &["restore", &newest, "--env", "prod", "--confirm", "prod"],
    )
    .code(0);
    let after = sluice(p.path(), &["--env", "prod", "schema", "dump"])
        .code(0)
        .stdout;
    assert!(
        before == after,
        "{}",
        sluice_core::schema::line_diff(&before, &after).join("\n")
    );
    assert_eq!(prod.q(p.path(), "SELECT count(*) FROM t"), ["1"]);
    let status = sluice(p.path(), &["status", "--env", "prod"]).code(0);
    assert!(
        status
            .stdout
            .lines()
            .any(|l| l.starts_with("M4") && l.contains("pending")),
        "{}",
        status.stdout
    );
}

#[test]
fn three_environments_on_postgres() {
    three_environments(
        Backend::postgres("gdev"),
        Backend::postgres("gstaging"),
        Backend::postgres("gprod"),
    );
}

#[test]
fn three_environments_on_mariadb() {
    three_environments(
        Backend::mysql("gdev"),
        Backend::mysql("gstaging"),
        Backend::mysql("gprod"),
    );
}

#[test]
fn secrets_stay_out_of_output_events_backups_and_hooks() {
    let prod = Backend::mysql("gsecret");
    let Backend::Mysql(db) = &prod else {
        unreachable!()
    };
    let secret = "Gate-S3cret-77";
    sluice_testkit::mariadb::client(
        &prod.url(),
        &format!(
            "CREATE USER IF NOT EXISTS 'gate'@'%' IDENTIFIED BY '{secret}'; GRANT ALL ON *.* TO 'gate'@'%'"
        ),
    )
    .unwrap();
    let url = prod.url().replacen("root@", &format!("gate:{secret}@"), 1);
    let p = Project::new("g-secret");
    p.config("[project]\ndialect = \"mysql\"\n\n[environments.prod]\nurl = \"env:PROD_URL\"\nbackup = true\nhooks.before = [[\"sh\", \"-c\", \"env > before_env.txt\"]]\nhooks.after = [\"sh -c true\"]\n");
    std::fs::write(p.path().join(".env"), format!("PROD_URL={url}\n")).unwrap();
    p.migration("M1", M1);
    let mut everything = String::new();
    for args in [
        &["config", "check"][..],
        &["plan", "--env", "prod"],
        &["up", "--env", "prod"],
        &["backups", "--env", "prod"],
        &["status", "--all-envs"],
        &["log", "--env", "prod", "--format", "json"],
    ] {
        let run = sluice(p.path(), args);
        everything.push_str(&run.stdout);
        everything.push_str(&run.stderr);
    }
    assert!(everything.contains("gate:***@"), "{everything}");
    assert!(
        !everything.contains(secret),
        "the password leaked:\n{everything}"
    );
    let hook_env = std::fs::read_to_string(p.path().join("before_env.txt")).unwrap();
    assert!(
        !hook_env.contains(secret),
        "the hook was given the password: {hook_env}"
    );
    for f in std::fs::read_dir(p.path().join("backups/prod"))
        .unwrap()
        .flatten()
    {
        assert!(!f.file_name().to_string_lossy().contains(secret));
    }
    let e = prod.t("events");
    assert_eq!(
        prod.q(
            p.path(),
            &format!("SELECT count(*) FROM {e} WHERE CONCAT_WS('|', reason, details, actor, host) LIKE '%{secret}%'")
        ),
        ["0"]
    );
    let _ = &db.name;
}

#[test]
fn a_failing_after_hook_marks_the_run_failed() {
    let p = Project::new("g-after");
    p.config("[environments.dev]\nurl = \"sqlite:dev.db\"\nhooks.after = [[\"sh\", \"-c\", \"echo deploy notice failed >&2; exit 7\"]]\n");
    p.migration("M1", M1);
    let run = snap("gate_after_hook", p.path(), &["up"]).code(3);
    assert!(
        run.stderr.contains("deploy notice failed"),
        "{}",
        run.stderr
    );
    let status = sluice(p.path(), &["status"]).code(0);
    assert!(
        status
            .stdout
            .lines()
            .any(|l| l.starts_with("M1") && l.contains("applied")),
        "{}",
        status.stdout
    );
    let log = sluice(p.path(), &["log"]).code(0);
    assert!(
        log.stdout
            .contains("after hook `sh -c echo deploy notice failed >&2; exit 7` failed (exit 7)"),
        "{}",
        log.stdout
    );
}
