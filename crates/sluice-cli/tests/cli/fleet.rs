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

/// The journal of fleet run `run` (the first word `fleet up` prints).
fn journal(p: &Project, run: &str) -> Vec<Value> {
    let path = p.path().join(format!(".sluice/fleets/tenants/{run}.jsonl"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn run_id(stdout: &str) -> &str {
    stdout.split_whitespace().next().expect("the run id")
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
        run.stderr.contains(
            "fleet tenants stopped: max_failures = 1 was reached; 1 database(s) failed and 1 were not started"
        ),
        "{}",
        run.stderr
    );
    let resume_from = run
        .stdout
        .split_whitespace()
        .next()
        .expect("the run id")
        .to_string();
    assert!(
        run.stderr
            .contains(&format!("`sluice fleet resume {resume_from}` goes on")),
        "{}",
        run.stderr
    );
    // The journal: the run, a line per database, the end.
    let j = journal(&p, run_id(&run.stdout));
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
    // Each database's line names its own run of `up`, as its events do.
    assert!(
        j[1]["run_id"]
            .as_str()
            .is_some_and(|r| r.starts_with("run_") && r != run_id(&run.stdout)),
        "{j:?}"
    );

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
    // The status report has the fleet beside the environments.
    let report = sluice(p.path(), &["report", "status", "--format", "md"]).code(0);
    assert!(
        report.stdout.contains("## Fleet tenants")
            && report.stdout.contains("| 002_b | 2 | 1 | 1 | 0 |")
            && report.stdout.contains("sqlite:tenants/c.db: failed 002_b"),
        "{}",
        report.stdout
    );

    // Fixed by hand; resuming the run touches only the two databases it did not finish.
    exec(&c, "DROP TABLE b");
    let again = sluice(p.path(), &["fleet", "resume", &resume_from]).code(0);
    assert!(
        again
            .stdout
            .contains(&format!("2 database(s) left by {resume_from}"))
            && !again.stdout.contains("tenants/a.db")
            && !again.stdout.contains("tenants/b.db")
            && again.stdout.contains("sqlite:tenants/c.db: 1 applied")
            && again.stdout.contains("sqlite:tenants/d.db: 2 applied")
            && again
                .stdout
                .contains("2 of 2 up to date, 0 failed, 0 not started"),
        "{}",
        again.stdout
    );
    let resumed = journal(&p, run_id(&again.stdout));
    assert_eq!(resumed[0]["resumes"], resume_from.as_str());
    // Everything done: a second resume has nothing left.
    let nothing = sluice(p.path(), &["fleet", "resume", &resume_from]).code(0);
    assert!(
        nothing.stdout.contains("nothing to resume"),
        "{}",
        nothing.stdout
    );
    let st = sluice(p.path(), &["fleet", "status", "tenants"]).code(0);
    assert!(
        st.stdout
            .contains("4 database(s) (env dev), 100 % applied (8 of 8)")
            && st
                .stdout
                .contains("every database is at the same migration"),
        "{}",
        st.stdout
    );
    // And a second rollout has nothing to do.
    let again = sluice(p.path(), &["fleet", "up", "tenants"]).code(0);
    assert_eq!(
        again.stdout.matches(": up to date").count(),
        4,
        "{}",
        again.stdout
    );
}

#[test]
fn a_fleet_mixes_patterns_and_urls_of_one_dialect_and_refuses_another() {
    let p = project(
        "fleet-mixed",
        "[fleets.tenants]\ntargets = [\"sqlite:tenants/t_?.db\", \"env:EXTRA\", { command = [\"sh\", \"-c\", \"echo '# one more'; echo sqlite:listed.db\"] }]\n\n[fleets.wrong]\ntargets = [\"env:PG\"]\n",
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
        stdout.contains("4 database(s), 4 at a time")
            && !stdout.contains("other.db")
            && stdout.contains("sqlite:listed.db: 2 applied")
            && stdout.contains("4 of 4 up to date"),
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

#[test]
fn a_fleet_rolls_out_in_waves_bakes_and_stops_when_the_health_check_fails() {
    let p = project(
        "fleet-waves",
        "[fleets.tenants]\ntargets = [\"sqlite:tenants/*.db\"]\nparallel = 2\nwaves = [{ size = 1 }, { percent = 50 }, { percent = 100 }]\nbake = \"300ms\"\nhealth = [\"sh\", \"-c\", \"echo wave $SLUICE_WAVE of $SLUICE_FLEET >> health.log; test ! -f unhealthy\"]\n",
    );
    tenants(&p, &["a", "b", "c", "d", "e", "f"]);
    let run = sluice(p.path(), &["fleet", "up", "tenants"]).code(0);
    assert!(
        run.stdout.contains("3 wave(s)")
            && run.stdout.contains("wave 1/3: 1 database(s)")
            && run.stdout.contains("wave 2/3: 2 database(s)")
            && run.stdout.contains("wave 3/3: 3 database(s)")
            && run
                .stdout
                .contains("wave 1 done: baking 300 ms before wave 2")
            && run.stdout.contains("health check after wave 2 passed")
            && run.stdout.contains("6 of 6 up to date"),
        "{}",
        run.stdout
    );
    let log = std::fs::read_to_string(p.path().join("health.log")).unwrap();
    assert_eq!(log, "wave 1 of tenants\nwave 2 of tenants\n");
    // Unhealthy after the first wave: the rest is not started (exit 4).
    p.migration(
        "003_c",
        "-- sluice:up\nCREATE TABLE c (id INTEGER PRIMARY KEY);\n\n-- sluice:down\nDROP TABLE c;\n",
    );
    std::fs::write(p.path().join("unhealthy"), b"").unwrap();
    let run = sluice(p.path(), &["fleet", "up", "tenants"]).code(4);
    assert!(
        run.stdout.contains("[1/6] sqlite:tenants/a.db: 1 applied")
            && run.stdout.contains("health check after wave 1 failed")
            && run.stdout.contains("sqlite:tenants/f.db: not started")
            && run
                .stdout
                .contains("1 of 6 up to date, 0 failed, 5 not started"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("the health check after wave 1 failed"),
        "{}",
        run.stderr
    );
}

#[test]
fn ctrl_c_stops_starting_databases_and_lets_the_one_in_flight_finish() {
    let p = project(
        "fleet-interrupt",
        "[environments.dev]\nurl = \"sqlite:unused.db\"\nhooks.before = [[\"sleep\", \"1\"]]\n\n[fleets.tenants]\ntargets = [\"sqlite:tenants/*.db\"]\nparallel = 1\n",
    );
    tenants(&p, &["a", "b", "c"]);
    let child = crate::support::sluice_cmd(p.path(), &["fleet", "up", "tenants"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(130), "{stdout}{stderr}");
    assert!(
        stdout.contains("[1/3] sqlite:tenants/a.db: 2 applied")
            && stdout.contains("sqlite:tenants/b.db: not started")
            && stdout.contains("sqlite:tenants/c.db: not started"),
        "{stdout}{stderr}"
    );
    assert!(
        stderr.contains("interrupted: no new database starts")
            && stderr.contains("stopped: interrupted (Ctrl-C)"),
        "{stderr}"
    );
}

#[test]
fn a_fleet_lists_its_databases_with_a_query_and_keeps_to_per_server() {
    let pg = server();
    let dbs: Vec<_> = (1..=3)
        .map(|i| pg.database(&format!("fleetq{i}")))
        .collect();
    let p = Project::new("fleet-query");
    p.config(
        "[project]\ndialect = \"postgres\"\n\n[fleets.shards]\ntargets = [{ server = \"env:PG\", query = \"SELECT datname FROM pg_database WHERE datname LIKE 't\\\\_fleetq%' ORDER BY 1\" }]\nparallel = 3\nper_server = 1\n",
    );
    p.migration(
        "001_slow",
        "-- sluice:up\nCREATE TABLE s (id int PRIMARY KEY);\nSELECT pg_sleep(0.5);\n\n-- sluice:down\nDROP TABLE s;\n",
    );
    let started = std::time::Instant::now();
    let run = crate::support::sluice_cmd(p.path(), &["fleet", "up", "shards"])
        .env("PG", format!("{}/postgres", pg.base_url()))
        .output()
        .unwrap();
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("3 database(s), 3 at a time"), "{stdout}");
    for db in &dbs {
        let name = db.url.rsplit('/').next().unwrap();
        assert!(stdout.contains(&format!("/{name}: 1 applied")), "{stdout}");
        let has =
            sluice_testkit::postgres::psql(&db.url, "SELECT to_regclass('s') IS NOT NULL").unwrap();
        assert_eq!(has.trim(), "t");
    }
    // One server, per_server = 1: the three ran one after the other.
    assert!(
        took >= std::time::Duration::from_millis(1500),
        "three half-second migrations on one server took {took:?}"
    );
}

#[test]
fn a_fleet_of_tenant_schemas_migrates_each_by_search_path_with_its_own_history() {
    let db = server().database("fleet_schemas");
    sluice_testkit::postgres::psql(
        &db.url,
        "CREATE SCHEMA tenant_a; CREATE SCHEMA tenant_b; CREATE SCHEMA other",
    )
    .unwrap();
    let p = Project::new("fleet-schemas");
    p.config(
        "[project]\ndialect = \"postgres\"\n\n[fleets.tenants]\ntargets = [{ server = \"env:DB\", query = \"SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\\\_%' ORDER BY 1\", schemas = true }]\nparallel = 2\n",
    );
    p.migration(
        "001_t",
        "-- sluice:up\nCREATE TABLE t (id int PRIMARY KEY);\nINSERT INTO t VALUES (1);\n\n-- sluice:down\nDROP TABLE t;\n",
    );
    let run = crate::support::sluice_cmd(p.path(), &["fleet", "up", "tenants"])
        .env("DB", &db.url)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.contains("#schema=tenant_a: 1 applied")
            && stdout.contains("#schema=tenant_b: 1 applied")
            && !stdout.contains("other"),
        "{stdout}"
    );
    let q = |sql: &str| {
        sluice_testkit::postgres::psql(&db.url, sql)
            .unwrap()
            .trim()
            .to_string()
    };
    assert_eq!(
        q(
            "SELECT string_agg(table_schema, ',' ORDER BY table_schema) FROM information_schema.tables WHERE table_name = 't'"
        ),
        "tenant_a,tenant_b"
    );
    assert_eq!(
        q(
            "SELECT (SELECT state FROM sluice_tenant_a.migrations WHERE id = '001_t') || ' ' || (SELECT state FROM sluice_tenant_b.migrations WHERE id = '001_t')"
        ),
        "applied applied"
    );
    let st = crate::support::sluice_cmd(p.path(), &["fleet", "status", "tenants"])
        .env("DB", &db.url)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&st.stdout);
    assert!(
        said.contains("2 database(s)")
            && said.contains("001_t            2        0")
            && said.contains("every database is at the same migration"),
        "{said}"
    );
}

#[test]
fn a_wave_selects_its_databases_by_label() {
    let p = project(
        "fleet-labels",
        "[fleets.tenants]\ntargets = [{ url = \"sqlite:tenants/c.db\", labels = { tier = \"canary\" } }, \"sqlite:tenants/*.db\"]\nparallel = 1\nwaves = [{ select = \"tier=canary\" }, { percent = 100 }]\n",
    );
    tenants(&p, &["a", "b", "c", "d"]);
    let run = sluice(p.path(), &["fleet", "up", "tenants"]).code(0);
    let canary = run.stdout.find("[1/4] sqlite:tenants/c.db: 2 applied");
    let second = run.stdout.find("wave 2/2: 3 database(s)");
    assert!(
        run.stdout.contains("wave 1/2: 1 database(s)")
            && canary.is_some()
            && second.is_some()
            && canary < second
            && run.stdout.contains("4 of 4 up to date"),
        "{}",
        run.stdout
    );
    // A wave that names no label is refused before anything runs.
    p.config(
        "[project]\ndialect = \"sqlite\"\n\n[fleets.tenants]\ntargets = [\"sqlite:tenants/*.db\"]\nwaves = [{ percent = 0 }]\n",
    );
    let run = sluice(p.path(), &["fleet", "up", "tenants"]).code(2);
    assert!(
        run.stderr.contains("waves[0]: write `size = N`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_terminal_gets_a_progress_line_and_a_pipe_does_not() {
    let p = project(
        "fleet-progress",
        "[fleets.tenants]\ntargets = [\"sqlite:tenants/*.db\"]\nparallel = 1\n",
    );
    tenants(&p, &["a", "b", "c"]);
    // A pipe: plain lines only.
    let piped = sluice(p.path(), &["fleet", "up", "tenants"]).code(0);
    assert!(
        !piped.stderr.contains("\x1b[K") && !piped.stdout.contains("\x1b[K"),
        "{:?}",
        piped.stderr
    );
    // A terminal (`script` gives the command one): the line, redrawn after each database.
    p.migration(
        "003_c",
        "-- sluice:up\nCREATE TABLE c (id INTEGER PRIMARY KEY);\n\n-- sluice:down\nDROP TABLE c;\n",
    );
    let (code, said) = crate::support::on_a_terminal(p.path(), "fleet up tenants");
    assert_eq!(code, Some(0), "{said}");
    assert!(
        said.contains("] 1/3 databases (")
            && said.contains(", 0 failed, about")
            && said.contains("[########################] 3/3 databases ("),
        "{said}"
    );
}

#[test]
fn a_killed_fleet_run_leaves_every_database_exact_and_resume_finishes_it() {
    let p = project(
        "fleet-kill",
        "[environments.dev]\nurl = \"sqlite:unused.db\"\nhooks.before = [[\"sleep\", \"1\"]]\n\n[fleets.tenants]\ntargets = [\"sqlite:tenants/*.db\"]\nparallel = 2\n",
    );
    tenants(&p, &["a", "b", "c", "d", "e"]);
    let mut child = crate::support::sluice_cmd(p.path(), &["fleet", "up", "tenants"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The first line names the run; then the first two databases are in flight.
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut first,
    )
    .unwrap();
    let run = run_id(&first).to_string();
    std::thread::sleep(std::time::Duration::from_millis(1300));
    child.kill().unwrap();
    child.wait().unwrap();
    // Every database is applied or untouched, never half-way.
    let st = sluice(
        p.path(),
        &["--format", "json", "fleet", "status", "tenants"],
    )
    .code(0);
    let doc: Value = serde_json::from_str(&st.stdout).unwrap();
    for m in doc["migrations"].as_array().unwrap() {
        assert_eq!(m["failed"], 0, "{doc}");
        assert_eq!(m["partial"], 0, "{doc}");
    }
    let resumed = sluice(p.path(), &["fleet", "resume", &run]).code(0);
    assert!(
        resumed.stdout.contains(&format!("left by {run}")),
        "{}",
        resumed.stdout
    );
    let st = sluice(p.path(), &["fleet", "status", "tenants"]).code(0);
    assert!(
        st.stdout.contains("100 % applied (10 of 10)"),
        "{}",
        st.stdout
    );
}

#[test]
fn a_fleet_passes_its_environments_gates_once_before_any_database() {
    let p = Project::new("fleet-gates");
    p.config(
        "[project]\ndialect = \"sqlite\"\n\n[environments.staging]\nurl = \"sqlite:staging.db\"\n\n[environments.prod]\nurl = \"sqlite:control.db\"\nafter = \"staging\"\napprove_at = \"high\"\nconfirm_destructive = true\n\n[fleets.tenants]\ntargets = [\"sqlite:tenants/*.db\"]\nparallel = 2\n",
    );
    p.migration(
        "001_a",
        "-- sluice:up\nCREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TABLE old (x INTEGER);\n\n-- sluice:down\nDROP TABLE old;\nDROP TABLE a;\n",
    );
    p.migration(
        "002_drop",
        "-- risk: high\n-- sluice:up\nDROP TABLE old;\n\n-- sluice:down\nCREATE TABLE old (x INTEGER);\n",
    );
    tenants(&p, &["a", "b", "c"]);
    let untouched = |p: &Project| {
        for t in ["a", "b", "c"] {
            let len = std::fs::metadata(p.path().join(format!("tenants/{t}.db")))
                .unwrap()
                .len();
            assert_eq!(len, 0, "tenant {t} was touched");
        }
    };
    // Not in staging yet: the promotion gate refuses the fleet before any database.
    let run = sluice(p.path(), &["--env", "prod", "fleet", "up", "tenants"]).code(4);
    assert!(
        run.stderr
            .contains("promotion gate, 001_a: not applied in staging")
            && run.stderr.contains("promotion gate, 002_drop"),
        "{}",
        run.stderr
    );
    untouched(&p);
    sluice(p.path(), &["--env", "staging", "up"]).code(0);
    // Promoted; 002_drop still needs an approval (once, in prod's database) and a --confirm.
    let run = sluice(p.path(), &["--env", "prod", "fleet", "up", "tenants"]).code(4);
    assert!(
        run.stderr
            .contains("approval gate, 002_drop: risk high needs an approval in prod")
            && run.stderr.contains("destructive gate, 002_drop")
            && !run.stderr.contains("promotion gate"),
        "{}",
        run.stderr
    );
    untouched(&p);
    sluice(
        p.path(),
        &[
            "approve", "002_drop", "--env", "prod", "--reason", "reviewed",
        ],
    )
    .code(0);
    let run = sluice(
        p.path(),
        &[
            "--env",
            "prod",
            "fleet",
            "up",
            "tenants",
            "--confirm",
            "002_drop",
        ],
    )
    .code(0);
    assert!(
        run.stdout.contains(
            "gate approval passed for 002_drop (once for the fleet): risk high approved by"
        ) && run
            .stdout
            .contains("gate promotion passed for 001_a (once for the fleet): applied in staging")
            && run.stdout.contains("3 of 3 up to date"),
        "{}",
        run.stdout
    );
    // Each database applied both, without an approval of its own.
    for t in ["a", "b", "c"] {
        let st = sluice(
            p.path(),
            &[
                "--env",
                "prod",
                "--url",
                &format!("sqlite:tenants/{t}.db"),
                "status",
                "--format",
                "json",
            ],
        )
        .code(0);
        let doc: Value = serde_json::from_str(&st.stdout).unwrap();
        assert_eq!(doc["summary"]["applied"], 2, "{}", st.stdout);
    }
    // A migration every database has needs no gate again: a new low-risk one passes alone.
    p.migration(
        "003_c",
        "-- sluice:up\nCREATE TABLE c (id INTEGER PRIMARY KEY);\n\n-- sluice:down\nDROP TABLE c;\n",
    );
    sluice(p.path(), &["--env", "staging", "up"]).code(0);
    let run = sluice(p.path(), &["--env", "prod", "fleet", "up", "tenants"]).code(0);
    assert!(
        run.stdout.contains("gate promotion passed for 003_c")
            && !run.stdout.contains("for 002_drop")
            && run.stdout.contains("3 of 3 up to date"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_fleet_digest_says_whether_every_database_is_at_the_same_migrations() {
    let p = project(
        "fleet-digest",
        "[fleets.tenants]\ntargets = [\"sqlite:tenants/*.db\"]\nparallel = 2\n",
    );
    tenants(&p, &["a", "b", "c"]);
    sluice(p.path(), &["fleet", "up", "tenants"]).code(0);
    let d = sluice(
        p.path(),
        &["fleet", "digest", "tenants", "--expect", "files"],
    )
    .code(0);
    let first = d.stdout.lines().next().unwrap().to_string();
    assert!(
        first.starts_with("sha256:")
            && first.len() == 71
            && d.stdout.contains(
                "every database of tenants (3) has the same 2 migration(s) applied, every migration of the files"
            )
            && d.stdout.contains(&format!("matches the expected {first}")),
        "{}",
        d.stdout
    );
    // A new migration applied to one database only: the fleet differs.
    p.migration(
        "003_c",
        "-- sluice:up\nCREATE TABLE c (id INTEGER PRIMARY KEY);\n\n-- sluice:down\nDROP TABLE c;\n",
    );
    sluice(p.path(), &["--url", "sqlite:tenants/b.db", "up"]).code(0);
    let d = sluice(p.path(), &["fleet", "digest", "tenants"]).code(1);
    assert!(
        d.stdout.contains("fleet tenants: the databases differ (2 digest(s))")
            && d.stdout.contains(&format!(
                "{first}: 2 database(s) with 2 migration(s) applied: sqlite:tenants/a.db, sqlite:tenants/c.db"
            ))
            && d.stdout.contains("1 database(s) with 3 migration(s) applied (all of the files): sqlite:tenants/b.db"),
        "{}",
        d.stdout
    );
    sluice(
        p.path(),
        &["fleet", "digest", "tenants", "--expect", &first],
    )
    .code(1);
    let md = sluice(p.path(), &["fleet", "status", "tenants", "--format", "md"]).code(0);
    assert!(
        md.stdout.contains("# Fleet status: tenants")
            && md.stdout.contains("77 % (7 of 9)")
            && md.stdout.contains("| 003_c | 1 | 2 | 0 | 0 | 0 |")
            && md
                .stdout
                .contains("sqlite:tenants/a.db: 1 pending from 003_c"),
        "{}",
        md.stdout
    );
    let html = sluice(
        p.path(),
        &["fleet", "status", "tenants", "--format", "html"],
    )
    .code(0);
    assert!(
        html.stdout.starts_with("<!DOCTYPE html>") && html.stdout.contains("003_c"),
        "{}",
        html.stdout
    );
    sluice(p.path(), &["fleet", "up", "tenants"]).code(0);
    let d = sluice(
        p.path(),
        &[
            "fleet", "digest", "tenants", "--expect", "files", "--format", "json",
        ],
    )
    .code(0);
    let doc: Value = serde_json::from_str(&d.stdout).unwrap();
    assert_eq!(doc["uniform"], true);
    assert_eq!(doc["matches"], true);
    assert_eq!(doc["digest"], doc["files"]["digest"]);
    assert_ne!(doc["digest"].as_str(), Some(first.as_str()));
    sluice(
        p.path(),
        &["fleet", "digest", "tenants", "--expect", "v1:abc"],
    )
    .code(2);
    // A file edited after it was applied everywhere: drift, counted and named.
    p.migration(
        "001_a",
        "-- sluice:up\nCREATE TABLE a (id INTEGER PRIMARY KEY, note TEXT);\n\n-- sluice:down\nDROP TABLE a;\n",
    );
    let st = sluice(p.path(), &["fleet", "status", "tenants"]).code(0);
    assert!(
        st.stdout
            .contains("migration  applied  pending  failed  partial  drifted")
            && st
                .stdout
                .contains("001_a            3        0       0        0        3")
            && st.stdout.contains(
                "sqlite:tenants/b.db: drifted 001_a (applied from a file that changed since)"
            ),
        "{}",
        st.stdout
    );
    sluice(
        p.path(),
        &["fleet", "digest", "tenants", "--expect", "files"],
    )
    .code(1);
}
