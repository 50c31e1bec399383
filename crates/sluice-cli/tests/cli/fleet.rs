//! `sluice fleet`: a fleet of SQLite tenant files (by a pattern) and a PostgreSQL
//! database in one rollout; the failure budget stops it, the journal and `fleet status`
//! say where every database stands, and a second rollout finishes the fleet.

use serde_json::Value;
use sluice_testkit::Project;
use sluice_testkit::postgres::server;

use crate::support::sluice;

fn tenants(p: &Project, names: &[&str]) {
    std::fs::create_dir_all(p.path().join("tenants")).unwrap();
    for n in names {
        // An empty file is an empty SQLite database.
        std::fs::write(p.path().join("tenants").join(format!("{n}.db")), b"").unwrap();
    }
}

fn project(label: &str, fleet: &str) -> Project {
    let p = Project::new(label);
    p.config(&format!("[project]\ndialect = \"sqlite\"\n\n{fleet}"));
    p.migration(
        "001_a",
        "-- sluice:up\nCREATE TABLE a (id INTEGER PRIMARY KEY);\n\n-- sluice:down\nDROP TABLE a;\n",
    );
    p.migration(
        "002_b",
        "-- sluice:up\nCREATE TABLE b (id INTEGER PRIMARY KEY);\n\n-- sluice:down\nDROP TABLE b;\n",
    );
    p
}

fn journal(p: &Project) -> Vec<Value> {
    let dir = p.path().join(".sluice/fleets/tenants");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let last = files.last().expect("a journal");
    std::fs::read_to_string(last)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

#[test]
fn a_fleet_rollout_stops_at_its_failure_budget_and_status_names_the_stragglers() {
    let p = project(
        "fleet-budget",
        "[fleets.tenants]\ntargets = [\"sqlite:tenants/*.db\"]\nparallel = 1\nmax_failures = 1\n",
    );
    tenants(&p, &["a", "b", "c", "d"]);
    // Tenant c already has a table `b`: 002_b fails there.
    let c = p.path().join("tenants/c.db");
    exec(&c, "CREATE TABLE b (x int)");

    let run = sluice(p.path(), &["fleet", "up", "tenants"]).code(3);
    assert!(
        run.stdout
            .contains("4 database(s), 1 at a time, stopping after 1 failed"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("[1/4] sqlite:tenants/a.db: 2 applied")
            && run.stdout.contains("[2/4] sqlite:tenants/b.db: 2 applied")
            && run
                .stdout
                .contains("[3/4] sqlite:tenants/c.db: failed (exit 3)")
            && run.stdout.contains("sqlite:tenants/d.db: not started")
            && run
                .stdout
                .contains("2 of 4 up to date, 1 failed, 1 not started"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("1 database(s) failed and 1 were not started (max_failures = 1 was reached)"),
        "{}",
        run.stderr
    );
    // The journal: the run, a line per database, the end.
    let j = journal(&p);
    assert_eq!(j.len(), 6, "{j:?}");
    assert_eq!(j[0]["fleet"], "tenants");
    assert_eq!(j[0]["max_failures"], 1);
    let outcomes: Vec<(&str, &str)> = j[1..5]
        .iter()
        .map(|l| {
            (
                l["target"].as_str().unwrap(),
                l["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("sqlite:tenants/a.db", "done"),
            ("sqlite:tenants/b.db", "done"),
            ("sqlite:tenants/c.db", "failed"),
            ("sqlite:tenants/d.db", "not started"),
        ]
    );
    assert_eq!(j[5]["failed"], 1);

    // Status: per migration, and who is behind.
    let st = sluice(p.path(), &["fleet", "status", "tenants"]).code(0);
    assert!(
        st.stdout
            .contains("001_a            3        1       0        0")
            && st
                .stdout
                .contains("002_b            2        1       1        0")
            && st.stdout.contains("sqlite:tenants/c.db: failed 002_b")
            && st
                .stdout
                .contains("sqlite:tenants/d.db: 2 pending from 001_a"),
        "{}",
        st.stdout
    );
    let doc: Value = serde_json::from_str(
        &sluice(
            p.path(),
            &["--format", "json", "fleet", "status", "tenants"],
        )
        .code(0)
        .stdout,
    )
    .unwrap();
    assert_eq!(doc["migrations"][1]["failed"], 1, "{doc}");
    assert_eq!(doc["databases"][3]["pending"][0], "001_a", "{doc}");

    // Fixed by hand, and the next rollout finishes the fleet.
    exec(&c, "DROP TABLE b");
    let again = sluice(p.path(), &["fleet", "up", "tenants"]).code(0);
    assert!(
        again.stdout.contains("sqlite:tenants/a.db: up to date")
            && again.stdout.contains("sqlite:tenants/c.db: 1 applied")
            && again.stdout.contains("sqlite:tenants/d.db: 2 applied")
            && again
                .stdout
                .contains("4 of 4 up to date, 0 failed, 0 not started"),
        "{}",
        again.stdout
    );
    let st = sluice(p.path(), &["fleet", "status", "tenants"]).code(0);
    assert!(
        st.stdout
            .contains("every database is at the same migration"),
        "{}",
        st.stdout
    );
}

#[test]
fn a_fleet_mixes_patterns_and_urls_of_one_dialect_and_refuses_another() {
    let p = project(
        "fleet-mixed",
        "[fleets.tenants]\ntargets = [\"sqlite:tenants/t_?.db\", \"env:EXTRA\"]\n\n[fleets.wrong]\ntargets = [\"env:PG\"]\n",
    );
    tenants(&p, &["t_1", "t_2", "other"]);
    let extra = p.path().join("extra.db");
    let run = crate::support::sluice_cmd(p.path(), &["fleet", "up", "tenants"])
        .env("EXTRA", format!("sqlite:{}", extra.display()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("3 database(s), 3 at a time")
            && !stdout.contains("other.db")
            && stdout.contains("3 of 3 up to date"),
        "{stdout}"
    );
    // A PostgreSQL database in a SQLite project's fleet is refused before anything runs.
    let db = server().database("fleet_wrong");
    let run = crate::support::sluice_cmd(p.path(), &["fleet", "up", "wrong"])
        .env("PG", &db.url)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is not a sqlite database, and the project's migrations are sqlite"),
        "{stderr}"
    );
    // And a fleet that is not declared says which are.
    let run = sluice(p.path(), &["fleet", "status", "nope"]).code(2);
    assert!(
        run.stderr
            .contains("sluice.toml has no fleet `nope`; it has tenants, wrong"),
        "{}",
        run.stderr
    );
}

/// Runs `sql` on the SQLite file `db`, behind sluice's back.
fn exec(db: &std::path::Path, sql: &str) {
    rusqlite::Connection::open(db)
        .and_then(|c| c.execute_batch(sql))
        .unwrap_or_else(|e| panic!("{}: {e}", db.display()));
}
