//! The safety analysis connected to a database: live table sizes re-rate findings and give
//! duration estimates (`lint --url`, `plan`), and the analysed risk drives the approval
//! gate of `up`.

use serde_json::Value;
use sluice_testkit::Project;

use crate::backend::Backend;
use crate::on_both;
use crate::support::sluice;

/// `big` (5,000 rows) and `small` (10 rows), applied; a pending migration touches both.
fn sized_project(b: &Backend) -> Project {
    let p = Project::new("live-sizes");
    p.config("[lint]\nsmall_rows = 100\nlarge_rows = 1000\n");
    p.simple(
        "M1",
        &[],
        &[
            "CREATE TABLE big (id INTEGER PRIMARY KEY, a INTEGER NOT NULL)",
            "CREATE TABLE small (id INTEGER PRIMARY KEY, a INTEGER NOT NULL)",
        ],
        &["DROP TABLE small", "DROP TABLE big"],
    );
    b.sluice(p.path(), &["up"]).code(0);
    let fill = |table: &str, n: u32| match b {
        Backend::Sqlite => format!(
            "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < {n}) \
             INSERT INTO {table} SELECT i, i FROM g"
        ),
        Backend::Postgres(_) => {
            format!(
                "INSERT INTO {table} SELECT g, g FROM generate_series(1, {n}) g; ANALYZE {table}"
            )
        }
        Backend::Mysql(_) => {
            format!("INSERT INTO {table} SELECT seq, seq FROM seq_1_to_{n}; ANALYZE TABLE {table}")
        }
    };
    b.q(p.path(), &fill("big", 5000));
    b.q(p.path(), &fill("small", 10));
    p.simple(
        "M2",
        &["M1"],
        &[
            "UPDATE big SET a = 0",
            "UPDATE small SET a = 0",
            "CREATE INDEX big_a ON big (a)",
        ],
        &["DROP INDEX big_a"],
    );
    p
}

fn findings(doc: &Value) -> Vec<(String, String, String)> {
    doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .flat_map(|f| f["findings"].as_array().cloned().unwrap_or_default())
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["severity"].as_str().unwrap_or_default().to_string(),
                f["rated"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

on_both!(lint_reads_live_sizes, |b| {
    let p = sized_project(&b);
    // Offline, the same UPDATEs are medium: the sizes are unknown.
    let offline = sluice(p.path(), &["lint", "--format", "json", "--fail-on", "low"]);
    let doc: Value = serde_json::from_str(&offline.stdout).expect("json");
    let f = findings(&doc);
    assert!(
        f.iter()
            .filter(|(r, ..)| r == "unbounded-dml")
            .all(|(_, s, rated)| s == "medium" && rated.is_empty()),
        "{f:?}"
    );

    let run = b
        .sluice(p.path(), &["lint", "--format", "json", "--fail-on", "low"])
        .code(1);
    let doc: Value = serde_json::from_str(&run.stdout).expect("json");
    // Only the pending migration is linted.
    assert_eq!(doc["files"].as_array().map(Vec::len), Some(1), "{doc}");
    let f = findings(&doc);
    let dml: Vec<_> = f.iter().filter(|(r, ..)| r == "unbounded-dml").collect();
    assert_eq!(dml.len(), 2, "{f:?}");
    assert_eq!(dml[0].1, "high", "{f:?}");
    assert!(dml[0].2.starts_with("large table: big has about"), "{f:?}");
    assert_eq!(dml[1].1, "low", "{f:?}");
    assert!(
        dml[1].2.starts_with("small table: small has about"),
        "{f:?}"
    );
    // The index build on `big` has an estimate, from the table's bytes.
    let stmts = doc["files"][0]["statements"]
        .as_array()
        .expect("statements");
    let est = &stmts[2]["estimate"];
    assert!(est["seconds"].as_f64().is_some_and(|s| s > 0.0), "{doc}");
    assert!(
        est["text"]
            .as_str()
            .is_some_and(|t| t.contains("index build of big: 5")),
        "{doc}"
    );
    assert!(stmts[0]["estimate"].is_null(), "{doc}");

    // The pending report counts what the replicas will replay: here an index build.
    let pending = b
        .sluice(p.path(), &["report", "pending", "--format", "json"])
        .code(0);
    let doc: Value = serde_json::from_str(&pending.stdout).expect("json");
    let load = &doc["summary"]["replication"];
    assert!(
        load.as_array().is_some_and(|l| l.len() == 1
            && l[0].as_str().is_some_and(|t| t.contains("M2: line")
                && t.contains("index build on big: the new index's size"))),
        "{doc}"
    );

    // `plan` shows the same analysis beside the SQL.
    let plan = b.sluice(p.path(), &["plan"]).code(0);
    assert!(
        plan.stdout
            .contains("high[unbounded-dml] line 3: every row of big is updated")
            && plan.stdout.contains("large table: big has about")
            && plan.stdout.contains("risk high by the analysis"),
        "{}",
        plan.stdout
    );
});

/// The approval gate acts on the analysed risk when the header understates it, and says so.
#[test]
fn the_approval_gate_uses_the_analysed_risk() {
    let p = Project::new("analysed-gate");
    p.config("[environments.prod]\nurl = \"sqlite:prod.db\"\napprove_at = \"high\"\n");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE t (id INTEGER PRIMARY KEY)"],
        &["DROP TABLE t"],
    );
    sluice(p.path(), &["up", "--env", "prod"]).code(0);
    p.migration(
        "M2",
        "-- requires: M1\n-- risk: low\n-- sluice:up\nDROP TABLE t;\n-- sluice:down\nCREATE TABLE t (id INTEGER PRIMARY KEY);\n",
    );
    let plan = sluice(p.path(), &["plan", "--env", "prod"]).code(0);
    assert!(
        plan.stdout.contains(
            "risk high (the analysis: drop-table; the header says low) needs an approval in prod"
        ),
        "{}",
        plan.stdout
    );
    let up = sluice(p.path(), &["up", "--env", "prod"]).code(4);
    assert!(up.stderr.contains("approval gate, M2"), "{}", up.stderr);
    sluice(
        p.path(),
        &[
            "approve",
            "M2",
            "--env",
            "prod",
            "--reason",
            "t is unused since v2",
        ],
    )
    .code(0);
    let up = sluice(p.path(), &["up", "--env", "prod"]).code(0);
    assert!(
        up.stdout
            .contains("analysis: M2 is high risk (drop-table); sluice plan shows why"),
        "{}",
        up.stdout
    );
}
