//! `sluice lint`: the example projects, every output format, --explain, --fail-on,
//! `-- sluice:allow` and `[lint]` in sluice.toml.

use std::path::Path;

use sluice_testkit::{TempDir, copy_tree};

use crate::support::{sluice, snap};

fn example(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    copy_tree(&src, dir.path());
    dir
}

/// The examples: nothing above low except the risks their seeds name (the listing-helper
/// runbook's "No CONCURRENTLY on indexes" and the foreign key "added in 003 via ALTER").
#[test]
fn example_projects() {
    let d = example("listing-helper");
    let run = snap("lint_listing_helper", d.path(), &["lint"]).code(1);
    assert!(
        run.stdout.contains("high[create-index-not-concurrent]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("high[add-foreign-key-validating]"),
        "{}",
        run.stdout
    );
    for name in ["bakery-supabase", "consignments-mysql", "quickstart"] {
        let d = example(name);
        let run = snap(
            &format!("lint_{}", name.replace('-', "_")),
            d.path(),
            &["lint"],
        )
        .code(0);
        let above_low = run
            .stdout
            .lines()
            .filter(|l| {
                (l.starts_with("high[") || l.starts_with("medium[")) && !l.contains("(allowed)")
            })
            .count();
        assert_eq!(above_low, 0, "{name}: {}", run.stdout);
    }
    // The bakery's one index on an existing table is allowed, with its reason shown.
    let d = example("bakery-supabase");
    let run = sluice(d.path(), &["lint", "--fail-on", "low"]);
    assert!(
        run.stdout.contains("allowed: work_queue is created by M3"),
        "{}",
        run.stdout
    );
}

const RISKY: &str = "-- author: t\n-- description: risky\n-- risk: low\n\n-- sluice:up\nALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();\nCREATE INDEX orders_token_idx ON orders (token);\n-- sluice:allow drop-column kept for a week, nothing reads it\nALTER TABLE orders DROP COLUMN legacy;\n\n-- sluice:down\nSELECT 1;\n";

fn risky() -> TempDir {
    let d = TempDir::new("lint-risky");
    std::fs::create_dir_all(d.path().join("migrations")).unwrap();
    std::fs::write(d.path().join("migrations/20250101_000000_risky.sql"), RISKY).unwrap();
    std::fs::write(
        d.path().join("sluice.toml"),
        "[project]\ndialect = \"postgres\"\n",
    )
    .unwrap();
    d
}

#[test]
fn formats() {
    let d = risky();
    snap("lint_risky_text", d.path(), &["lint"]).code(1);
    let run = snap("lint_risky_json", d.path(), &["lint", "--format", "json"]).code(1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["files"][0]["risk"], "high");
    assert_eq!(v["files"][0]["declared_risk"], "low");
    let locks = &v["files"][0]["statements"][1]["locks"][0];
    assert_eq!(locks["mode"], "SHARE", "{locks}");
    let run = sluice(d.path(), &["lint", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "drop-column"
        && r["suppressions"][0]["justification"] == "kept for a week, nothing reads it"));
    snap(
        "lint_risky_github",
        d.path(),
        &["lint", "--format", "github"],
    )
    .code(1);
}

#[test]
fn fail_on_and_config() {
    let d = risky();
    // The two highs: one disabled, one re-rated medium; fail_on = medium still fails.
    std::fs::write(
        d.path().join("sluice.toml"),
        "[project]\ndialect = \"postgres\"\n\n[lint]\ndisable = [\"add-column-volatile-default\", \"risk-understated\"]\nseverity = { \"create-index-not-concurrent\" = \"medium\" }\nfail_on = \"medium\"\n",
    )
    .unwrap();
    let run = sluice(d.path(), &["lint"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("medium[create-index-not-concurrent]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("rated medium in [lint]"),
        "{}",
        run.stdout
    );
    let run = sluice(d.path(), &["lint", "--fail-on", "high"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    std::fs::write(
        d.path().join("sluice.toml"),
        "[project]\ndialect = \"postgres\"\n\n[lint]\nseverity = { \"no-such-rule\" = \"low\" }\n",
    )
    .unwrap();
    snap("lint_config_unknown_rule", d.path(), &["lint"]).code(2);
}

#[test]
fn allow_needs_a_reason() {
    let d = risky();
    let text = RISKY.replace(
        "drop-column kept for a week, nothing reads it",
        "drop-column",
    );
    std::fs::write(d.path().join("migrations/20250101_000000_risky.sql"), text).unwrap();
    snap("lint_allow_without_reason", d.path(), &["lint"]).code(2);
}

#[test]
fn plain_sql_files_and_explain() {
    let d = TempDir::new("lint-plain");
    std::fs::write(
        d.path().join("a.sql"),
        "ALTER TABLE t ADD COLUMN c int NOT NULL;\nREFRESH MATERIALIZED VIEW mv;\nFROBNICATE t;\n",
    )
    .unwrap();
    snap(
        "lint_plain_file",
        d.path(),
        &["lint", "--dialect", "postgres", "a.sql"],
    )
    .code(1);
    snap(
        "lint_explain",
        d.path(),
        &["lint", "--explain", "set-not-null"],
    )
    .code(0);
    let run = sluice(d.path(), &["lint", "--explain", "all"]);
    assert!(run.stdout.lines().count() > 70, "{}", run.stdout);
    snap(
        "lint_explain_unknown",
        d.path(),
        &["lint", "--explain", "nope"],
    )
    .code(2);
}

#[test]
fn files_of_the_project_that_sluice_runs_need_no_lock_timeout_of_their_own() {
    let p = sluice_testkit::Project::new("lint-ours");
    p.config("[project]\nlayout = \"golang-migrate\"\ndialect = \"postgres\"\n");
    let up = "ALTER TABLE t ADD COLUMN x int;\n";
    std::fs::write(p.migrations().join("1_a.up.sql"), up).unwrap();
    std::fs::write(
        p.migrations().join("1_a.down.sql"),
        "ALTER TABLE t DROP COLUMN IF EXISTS x;\n",
    )
    .unwrap();
    std::fs::create_dir(p.path().join("elsewhere")).unwrap();
    std::fs::write(p.path().join("elsewhere/a.sql"), up).unwrap();
    let run = sluice(p.path(), &["lint", "migrations", "elsewhere"]);
    // sluice sets lock_timeout for every statement of the project it runs; a file it does
    // not run may be run by anything.
    assert_eq!(
        run.stdout.matches("[missing-lock-timeout]").count(),
        1,
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("elsewhere/a.sql:1:1"), "{}", run.stdout);
}

/// A file without a rollback is a finding of `lint`, next to the others of the project;
/// every other command refuses the plan with the same words.
#[test]
fn a_missing_down_is_reported_by_lint_and_refused_by_the_rest() {
    let p = sluice_testkit::Project::new("lint-no-down");
    p.config("[project]\ndialect = \"postgres\"\n");
    p.migration(
        "001_users",
        "-- sluice:up\nCREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));\n\n-- sluice:down\nDROP TABLE users;\n",
    );
    p.migration(
        "002_wider",
        "-- risk: low\n-- sluice:up\nALTER TABLE users ALTER COLUMN email TYPE varchar(255);\n",
    );
    p.migration(
        "003_narrower",
        "-- sluice:up\nALTER TABLE users ALTER COLUMN email TYPE varchar(50);\n\n-- sluice:down\nALTER TABLE users ALTER COLUMN email TYPE varchar(255);\n",
    );
    let run = sluice(p.path(), &["lint"]).code(1);
    assert!(
        run.stdout
            .contains("high[missing-down]: no `-- sluice:down` section"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("migrations/002_wider.sql:2:1"),
        "{}",
        run.stdout
    );
    // The widening of 002 knows 001's type: no rewrite, no narrowing, and its `risk: low`
    // stands. 003 narrows it.
    assert!(!run.stdout.contains("risk-understated"), "{}", run.stdout);
    assert_eq!(
        run.stdout.matches("[change-column-type]").count(),
        1,
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("high[narrowing-type-change]: users.email becomes varchar(50)"),
        "{}",
        run.stdout
    );
    // The same file on the embedded default, for the commands that open the database.
    let p = sluice_testkit::Project::new("no-down");
    p.migration(
        "002_wider",
        "-- sluice:up\nCREATE TABLE t (id integer PRIMARY KEY);\n",
    );
    for cmd in [&["plan"][..], &["up"], &["status"], &["test"]] {
        let run = sluice(p.path(), cmd).code(2);
        assert!(
            run.stderr.contains(
                "migrations/002_wider.sql:1: this migration has no `-- sluice:down` section"
            ),
            "{cmd:?}: {}",
            run.stderr
        );
    }
}
