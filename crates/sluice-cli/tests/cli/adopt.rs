//! Other tools' layouts and histories: real dbmate and Sqitch apply a project, sluice
//! takes their history over and goes on alone; hand-made history tables of the other
//! tools (with their documented columns) test what stops adoption.

use std::path::{Path, PathBuf};
use std::process::Command;

use sluice_testkit::postgres::{psql, server};
use sluice_testkit::{Project, TempDir};

use crate::support::sluice;

fn put(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A program the test needs: `$SLUICE_TEST_<NAME>`, else on PATH. Missing fails the test
/// with what to install; it never skips.
fn program(name: &str, install: &str) -> PathBuf {
    let var = format!("SLUICE_TEST_{}", name.to_ascii_uppercase());
    if let Some(p) = std::env::var_os(&var) {
        return p.into();
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} is not installed: {install} (or set {var})"))
}

fn run_tool(cmd: &mut Command) -> String {
    let out = cmd.output().expect("start the tool");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

fn config(p: &Path, layout: &str, migrations: &str, url: &str) {
    put(
        p,
        "sluice.toml",
        &format!(
            "[project]\nmigrations = \"{migrations}\"\nlayout = \"{layout}\"\ndialect = \"postgres\"\n\n[environments.dev]\nurl = \"{url}\"\n"
        ),
    );
}

#[test]
fn dbmate_history_is_taken_over_and_sluice_goes_on_alone() {
    let dbmate = program("dbmate", "npm install -g dbmate");
    let db = server().database("adopt_dbmate");
    let dir = TempDir::new("adopt-dbmate");
    let p = dir.path();
    put(
        p,
        "db/migrations/20240101000000_create_users.sql",
        "-- migrate:up\nCREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n\n-- migrate:down\nDROP TABLE users;\n",
    );
    put(
        p,
        "db/migrations/20240102000000_index_email.sql",
        "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n\n-- migrate:down\nDROP INDEX users_email;\n",
    );
    put(p, "db/migrations/README.md", "# how we write migrations\n");
    run_tool(
        Command::new(&dbmate)
            .args(["--no-dump-schema", "--url", &db.url, "up"])
            .current_dir(p),
    );

    let detect = sluice(p, &["init", "--detect", "--dialect", "postgres"]).code(0);
    assert!(
        detect.stdout.contains("found    dbmate migrations in db/migrations: 2 .sql file(s) with dbmate's `-- migrate:up` marker"),
        "{}",
        detect.stdout
    );
    let written = std::fs::read_to_string(p.join("sluice.toml")).unwrap();
    assert!(
        written.contains("layout = \"dbmate\"")
            && written.contains("migrations = \"db/migrations\"")
    );
    config(p, "dbmate", "db/migrations", &db.url);

    let dry = sluice(p, &["adopt", "--from", "dbmate", "--dry-run"]).code(0);
    assert!(
        dry.stdout.contains("dry run: nothing recorded"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stderr
            .contains("ignored db/migrations/README.md (not a dbmate migration)")
    );
    let st = sluice(p, &["status"]).code(0);
    assert!(st.stdout.contains("0 applied, 2 pending"), "{}", st.stdout);

    let adopted = sluice(p, &["adopt", "--from", "dbmate"]).code(0);
    assert!(
        adopted
            .stdout
            .contains("recorded 2 migration(s) as applied by adoption, nothing executed"),
        "{}",
        adopted.stdout
    );
    let st = sluice(p, &["status"]).code(0);
    assert!(st.stdout.contains("2 applied, 0 pending"), "{}", st.stdout);
    // dbmate's own history table is dbmate's: not drift.
    let scratch = format!("{}/postgres", server().base_url());
    let drift = sluice(p, &["drift", "--scratch-url", &scratch]);
    assert_eq!(drift.code, 0, "{}{}", drift.stdout, drift.stderr);
    let log = sluice(p, &["log"]).code(0);
    assert_eq!(
        log.stdout
            .matches("adopted from dbmate (schema_migrations): not executed")
            .count(),
        2,
        "{}",
        log.stdout
    );
    // Adopting again changes nothing.
    let again = sluice(p, &["adopt", "--from", "dbmate"]).code(0);
    assert!(
        again.stdout.contains("recorded 0 migration(s)")
            && again.stdout.contains("2 already applied"),
        "{}",
        again.stdout
    );

    // The next migration, in dbmate's layout, is applied by sluice alone.
    put(
        p,
        "db/migrations/20240103000000_add_name.sql",
        "-- migrate:up\nALTER TABLE users ADD COLUMN name text;\n-- migrate:down\nALTER TABLE users DROP COLUMN name;\n",
    );
    let up = sluice(p, &["up"]).code(0);
    assert!(
        up.stdout.contains("applied 20240103000000_add_name"),
        "{}",
        up.stdout
    );
    assert!(
        !up.stdout.contains("applied 20240101000000_create_users"),
        "nothing runs twice"
    );
    assert_eq!(
        psql(&db.url, "SELECT count(*) FROM schema_migrations").unwrap(),
        "2",
        "dbmate's table is left untouched"
    );
    assert_eq!(psql(&db.url, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'name'").unwrap(), "1");
    // And dbmate's own migrations run both ways under sluice.
    sluice(p, &["down", "--count", "3"]).code(0);
    sluice(p, &["up"]).code(0);

    // The same on SQLite, the embedded default.
    let dir = TempDir::new("adopt-dbmate-sqlite");
    let p = dir.path();
    put(
        p,
        "db/migrations/20240101000000_create_users.sql",
        "-- migrate:up\nCREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);\n-- migrate:down\nDROP TABLE users;\n",
    );
    run_tool(
        Command::new(&dbmate)
            .args(["--no-dump-schema", "--url", "sqlite:app.db", "up"])
            .current_dir(p),
    );
    put(
        p,
        "sluice.toml",
        "[project]\nmigrations = \"db/migrations\"\nlayout = \"dbmate\"\n\n[environments.dev]\nurl = \"sqlite:app.db\"\n",
    );
    sluice(p, &["adopt", "--from", "dbmate"]).code(0);
    let st = sluice(p, &["status"]).code(0);
    assert!(st.stdout.contains("1 applied, 0 pending"), "{}", st.stdout);
    let drift = sluice(p, &["drift"]);
    assert_eq!(drift.code, 0, "{}{}", drift.stdout, drift.stderr);
}

const PLAN_HEAD: &str =
    "%syntax-version=1.0.0\n%project=flipr\n%uri=https://example.com/flipr/\n\n";

#[test]
fn sqitch_history_with_a_rework_is_taken_over() {
    let sqitch = program("sqitch", "apt-get install sqitch libdbd-pg-perl");
    let db = server().database("adopt_sqitch");
    let dir = TempDir::new("adopt-sqitch");
    let p = dir.path();
    let target = db.url.replacen("postgres://", "db:pg://", 1);
    put(p, "sqitch.conf", "[core]\n\tengine = pg\n");
    let mut plan = String::from(PLAN_HEAD);
    plan.push_str("appschema 2024-01-01T00:00:00Z Marge <marge@example.com> # Add schema\n");
    plan.push_str("users [appschema] 2024-01-01T00:01:00Z Marge <marge@example.com> # Users\n");
    plan.push_str("@v1.0 2024-01-01T00:02:00Z Marge <marge@example.com> # Tag v1.0\n");
    put(p, "sqitch.plan", &plan);
    put(
        p,
        "deploy/appschema.sql",
        "-- Deploy flipr:appschema to pg\n\nBEGIN;\n\nCREATE SCHEMA flipr;\n\nCOMMIT;\n",
    );
    put(
        p,
        "revert/appschema.sql",
        "BEGIN;\nDROP SCHEMA flipr;\nCOMMIT;\n",
    );
    put(
        p,
        "verify/appschema.sql",
        "BEGIN;\nSELECT pg_catalog.has_schema_privilege('flipr', 'usage');\nROLLBACK;\n",
    );
    put(
        p,
        "deploy/users.sql",
        "BEGIN;\nCREATE TABLE flipr.users (nickname text PRIMARY KEY);\nCOMMIT;\n",
    );
    put(
        p,
        "revert/users.sql",
        "BEGIN;\nDROP TABLE flipr.users;\nCOMMIT;\n",
    );
    put(
        p,
        "verify/users.sql",
        "BEGIN;\nSELECT nickname FROM flipr.users WHERE false;\nROLLBACK;\n",
    );
    run_tool(
        Command::new(&sqitch)
            .args(["deploy", &target])
            .current_dir(p),
    );
    // Rework users after the tag, as `sqitch rework` lays it out.
    for d in ["deploy", "revert", "verify"] {
        std::fs::copy(
            p.join(format!("{d}/users.sql")),
            p.join(format!("{d}/users@v1.0.sql")),
        )
        .unwrap();
    }
    put(
        p,
        "deploy/users.sql",
        "BEGIN;\nALTER TABLE flipr.users ADD COLUMN fullname text;\nCOMMIT;\n",
    );
    put(
        p,
        "revert/users.sql",
        "BEGIN;\nALTER TABLE flipr.users DROP COLUMN fullname;\nCOMMIT;\n",
    );
    put(
        p,
        "verify/users.sql",
        "BEGIN;\nSELECT nickname, fullname FROM flipr.users WHERE false;\nROLLBACK;\n",
    );
    plan.push_str(
        "users [users@v1.0] 2024-01-02T00:00:00Z Marge <marge@example.com> # Add fullname\n",
    );
    put(p, "sqitch.plan", &plan);
    run_tool(
        Command::new(&sqitch)
            .args(["deploy", &target])
            .current_dir(p),
    );

    config(p, "sqitch", ".", &db.url);
    let adopted = sluice(p, &["adopt", "--from", "sqitch"]).code(0);
    for id in ["appschema", "users@v1.0", "users"] {
        assert!(
            adopted.stdout.contains(&format!("applied  {id} ")),
            "{}",
            adopted.stdout
        );
    }
    assert_eq!(
        adopted.stdout.matches("checksum: match").count(),
        3,
        "{}",
        adopted.stdout
    );
    let st = sluice(p, &["status"]).code(0);
    assert!(st.stdout.contains("3 applied, 0 pending"), "{}", st.stdout);
    let committer = psql(
        &db.url,
        "SELECT committer_name || ' <' || committer_email || '>' FROM sqitch.changes LIMIT 1",
    )
    .unwrap();
    assert!(
        st.stdout.contains(&committer),
        "applied_by is Sqitch's committer {committer}:\n{}",
        st.stdout
    );
    let v = sluice(p, &["verify"]).code(0);
    assert!(v.stdout.contains("verdict: PASS"), "{}", v.stdout);

    // A new change is applied by sluice alone; Sqitch's registry is left untouched.
    plan.push_str("flips [users] 2024-01-03T00:00:00Z Marge <marge@example.com> # Flips\n");
    put(p, "sqitch.plan", &plan);
    put(
        p,
        "deploy/flips.sql",
        "BEGIN;\nCREATE TABLE flipr.flips (id bigint PRIMARY KEY, nickname text REFERENCES flipr.users);\nCOMMIT;\n",
    );
    put(
        p,
        "revert/flips.sql",
        "BEGIN;\nDROP TABLE flipr.flips;\nCOMMIT;\n",
    );
    let up = sluice(p, &["up"]).code(0);
    assert!(
        up.stdout.contains("done: 1 migration applied"),
        "{}",
        up.stdout
    );
    assert_eq!(
        psql(&db.url, "SELECT count(*) FROM sqitch.changes").unwrap(),
        "3"
    );

    // A plan whose dependency is missing stops adoption, naming the plan line.
    plan.push_str("likes [flipz] 2024-01-04T00:00:00Z Marge <marge@example.com> # Likes\n");
    put(p, "sqitch.plan", &plan);
    put(p, "deploy/likes.sql", "SELECT 1;\n");
    let bad = sluice(p, &["adopt", "--from", "sqitch"]).code(2);
    assert!(
        bad.stderr.contains("sqitch.plan:10: `likes` requires `flipz`, which is not a change earlier in sqitch.plan: fix the name"),
        "{}",
        bad.stderr
    );
}

/// CRC-32 the way Flyway computes it (over the lines, breaks left out), by Python's zlib:
/// an implementation independent of sluice's.
fn flyway_crc(text: &str) -> i32 {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys, zlib; t = sys.stdin.read(); v = zlib.crc32(''.join(t.splitlines()).encode()); print(v - (1 << 32) if v >= 1 << 31 else v)",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(text.as_bytes())?;
            c.wait_with_output()
        })
        .expect("python3 computes the CRC-32");
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

#[test]
fn dirty_or_failed_histories_and_edited_files_stop_adoption() {
    // golang-migrate: one row, the current version, and a dirty flag.
    let db = server().database("adopt_golang");
    let p = Project::new("adopt-golang");
    for (v, t) in [("1", "a"), ("2", "b"), ("3", "c")] {
        put(
            p.path(),
            &format!("migrations/{v}_{t}.up.sql"),
            &format!("CREATE TABLE {t} (x int);\n"),
        );
        put(
            p.path(),
            &format!("migrations/{v}_{t}.down.sql"),
            &format!("DROP TABLE {t};\n"),
        );
    }
    config(p.path(), "golang-migrate", "migrations", &db.url);
    psql(&db.url, "CREATE TABLE a (x int); CREATE TABLE b (x int); CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (2, true)").unwrap();
    let dirty = sluice(p.path(), &["adopt", "--from", "golang-migrate"]).code(4);
    assert!(
        dirty
            .stderr
            .contains("schema_migrations marks version 2 dirty")
            && dirty.stderr.contains("migrate force 2"),
        "{}",
        dirty.stderr
    );
    sluice(p.path(), &["status"])
        .code(0)
        .stdout
        .contains("0 applied")
        .then_some(())
        .expect("nothing recorded");
    psql(&db.url, "UPDATE schema_migrations SET dirty = false").unwrap();
    let ok = sluice(p.path(), &["adopt", "--from", "golang-migrate"]).code(0);
    assert!(
        ok.stdout.contains("applied  1_a ")
            && ok.stdout.contains("applied  2_b ")
            && ok.stdout.contains("pending  3_c"),
        "{}",
        ok.stdout
    );
    sluice(p.path(), &["up"]).code(0);
    assert_eq!(
        psql(&db.url, "SELECT to_regclass('c') IS NOT NULL").unwrap(),
        "t"
    );

    // Flyway: a failed row stops adoption; matching CRC-32s are accepted.
    let db = server().database("adopt_flyway");
    let p = Project::new("adopt-flyway");
    let v1 = "CREATE TABLE t (x int);\r\nCREATE INDEX t_x ON t (x);\n";
    let v2 = "ALTER TABLE t ADD COLUMN y int;\n";
    put(p.path(), "sql/V1__init.sql", v1);
    put(p.path(), "sql/V1_1__add_y.sql", v2);
    config(p.path(), "flyway", "sql", &db.url);
    psql(&db.url, &format!(
        "CREATE TABLE t (x int); CREATE INDEX t_x ON t (x); \
         CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL, installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success boolean NOT NULL); \
         INSERT INTO flyway_schema_history VALUES (1, '1', 'init', 'SQL', 'V1__init.sql', {}, 'deploy', '2024-05-01 10:00:00', 12, true), (2, '1.1', 'add y', 'SQL', 'V1_1__add_y.sql', {}, 'deploy', '2024-05-02 10:00:00', 3, false)",
        flyway_crc(v1), flyway_crc(v2)
    )).unwrap();
    let failed = sluice(p.path(), &["adopt", "--from", "flyway"]).code(4);
    assert!(
        failed
            .stderr
            .contains("flyway_schema_history row 2 (SQL 1.1, V1_1__add_y.sql) failed")
            && failed.stderr.contains("flyway repair"),
        "{}",
        failed.stderr
    );
    psql(
        &db.url,
        "DELETE FROM flyway_schema_history WHERE installed_rank = 2",
    )
    .unwrap();
    let ok = sluice(p.path(), &["adopt", "--from", "flyway"]).code(0);
    assert!(
        ok.stdout.contains("applied  V1__init ")
            && ok.stdout.contains("2024-05-01 10:00:00Z")
            && ok.stdout.contains("deploy  checksum: match"),
        "{}",
        ok.stdout
    );
    sluice(p.path(), &["up"]).code(0);

    // sqlx: a file edited since sqlx applied it (its SHA-384 differs) stops adoption.
    let db = server().database("adopt_sqlx");
    let p = Project::new("adopt-sqlx");
    put(
        p.path(),
        "migrations/20240101000000_init.sql",
        "CREATE TABLE s (x int);\n",
    );
    config(p.path(), "sqlx", "migrations", &db.url);
    psql(&db.url, "CREATE TABLE s (x int); CREATE TABLE _sqlx_migrations (version bigint PRIMARY KEY, description text NOT NULL, installed_on timestamptz NOT NULL DEFAULT now(), success boolean NOT NULL, checksum bytea NOT NULL, execution_time bigint NOT NULL); \
        INSERT INTO _sqlx_migrations VALUES (20240101000000, 'init', now(), true, sha384(convert_to(E'CREATE TABLE s (x int);\\n', 'UTF8')), 1)").unwrap();
    sluice(p.path(), &["adopt", "--from", "sqlx", "--dry-run"])
        .code(0)
        .stdout
        .contains("checksum: match")
        .then_some(())
        .expect("sha384 matches");
    put(
        p.path(),
        "migrations/20240101000000_init.sql",
        "CREATE TABLE s (x bigint);\n",
    );
    let edited = sluice(p.path(), &["adopt", "--from", "sqlx"]).code(4);
    assert!(
        edited
            .stderr
            .contains("20240101000000_init.sql differs from what sqlx applied"),
        "{}",
        edited.stderr
    );

    // Prisma: a migration started and never finished stops adoption.
    let db = server().database("adopt_prisma");
    let p = Project::new("adopt-prisma");
    put(
        p.path(),
        "prisma/migrations/migration_lock.toml",
        "provider = \"postgresql\"\n",
    );
    put(
        p.path(),
        "prisma/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE pr (x int);\n",
    );
    config(p.path(), "prisma", "prisma/migrations", &db.url);
    psql(&db.url, "CREATE TABLE pr (x int); CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY, checksum varchar(64) NOT NULL, finished_at timestamptz, migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz, started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count int NOT NULL DEFAULT 0); \
        INSERT INTO _prisma_migrations VALUES ('a', encode(sha256(convert_to(E'CREATE TABLE pr (x int);\\n', 'UTF8')), 'hex'), NULL, '20240101000000_init', NULL, NULL, now(), 0)").unwrap();
    let unfinished = sluice(p.path(), &["adopt", "--from", "prisma"]).code(4);
    assert!(
        unfinished
            .stderr
            .contains("prisma migrate resolve --applied 20240101000000_init"),
        "{}",
        unfinished.stderr
    );
    psql(
        &db.url,
        "UPDATE _prisma_migrations SET finished_at = now(), applied_steps_count = 1",
    )
    .unwrap();
    sluice(p.path(), &["adopt", "--from", "prisma"]).code(0);

    // diesel: versions without dashes; the layout must be the tool's.
    let db = server().database("adopt_diesel");
    let p = Project::new("adopt-diesel");
    put(
        p.path(),
        "migrations/2024-01-31-120000_add users/up.sql",
        "CREATE TABLE du (x int);\n",
    );
    put(
        p.path(),
        "migrations/2024-01-31-120000_add users/down.sql",
        "DROP TABLE du;\n",
    );
    config(p.path(), "diesel", "migrations", &db.url);
    psql(&db.url, "CREATE TABLE du (x int); CREATE TABLE __diesel_schema_migrations (version varchar(50) PRIMARY KEY, run_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP); INSERT INTO __diesel_schema_migrations VALUES ('20240131120000', '2024-02-01 08:00:00')").unwrap();
    let wrong = sluice(p.path(), &["adopt", "--from", "dbmate"]).code(2);
    assert!(
        wrong
            .stderr
            .contains("the project's layout is diesel, not dbmate"),
        "{}",
        wrong.stderr
    );
    let ok = sluice(p.path(), &["adopt", "--from", "diesel"]).code(0);
    assert!(
        ok.stdout.contains("applied  2024-01-31-120000_add_users")
            && ok.stdout.contains("2024-02-01 08:00:00Z"),
        "{}",
        ok.stdout
    );
}

#[test]
fn baseline_marks_a_database_without_history_after_checking_its_schema() {
    let p = Project::new("baseline");
    p.simple(
        "M1",
        &[],
        &["CREATE TABLE a (x INTEGER)"],
        &["DROP TABLE a"],
    );
    p.simple(
        "M2",
        &[],
        &["CREATE TABLE b (y INTEGER)"],
        &["DROP TABLE b"],
    );
    p.simple(
        "M3",
        &[],
        &["CREATE TABLE c (z INTEGER)"],
        &["DROP TABLE c"],
    );
    let conn = crate::support::db(&p.path().join("sluice.db"));
    conn.execute_batch("CREATE TABLE a (x INTEGER); CREATE TABLE b (y INTEGER, extra TEXT);")
        .unwrap();
    let differs = sluice(p.path(), &["baseline", "--to", "M2", "--check"]).code(4);
    assert!(
        differs.stdout.contains("~ table b (defined differently"),
        "{}",
        differs.stdout
    );
    assert!(
        differs.stderr.contains("nothing recorded"),
        "{}",
        differs.stderr
    );
    conn.execute_batch("ALTER TABLE b DROP COLUMN extra;")
        .unwrap();
    let ok = sluice(p.path(), &["baseline", "--to", "M2", "--check"]).code(0);
    assert!(
        ok.stdout.contains(
            "check: the live schema matches a scratch build of the 2 migration(s) up to M2"
        ),
        "{}",
        ok.stdout
    );
    assert!(
        ok.stdout
            .contains("recorded 2 migration(s) as applied by baseline"),
        "{}",
        ok.stdout
    );
    let log = sluice(p.path(), &["log"]).code(0);
    assert_eq!(
        log.stdout
            .matches("baseline up to M2: not executed")
            .count(),
        2,
        "{}",
        log.stdout
    );
    sluice(p.path(), &["up"])
        .code(0)
        .stdout
        .contains("applied M3")
        .then_some(())
        .expect("M3 runs");
    let again = sluice(p.path(), &["baseline", "--to", "M1"]).code(4);
    assert!(
        again
            .stderr
            .contains("already has sluice history (3 migration(s) recorded)"),
        "{}",
        again.stderr
    );
}

/// The ids `sluice plan` lists, in order.
fn planned(p: &Path) -> Vec<String> {
    let out = sluice(p, &["plan"]).code(0).stdout;
    out.lines()
        .filter_map(|l| {
            let (n, rest) = l.split_once(". ")?;
            n.parse::<usize>().ok()?;
            Some(rest.split(' ').next()?.to_string())
        })
        .collect()
}

/// A project as a team writes one over a few years: tables with foreign keys, indexes,
/// columns added later, enums, views, a trigger function with `$$`, files wrapped in
/// BEGIN/COMMIT, an index built concurrently outside a transaction.
fn public_style(i: usize) -> (String, String, bool) {
    let t = format!("t{i:03}");
    match i % 6 {
        0 => (
            format!(
                "CREATE TABLE {t} (id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\n"
            ),
            format!("DROP TABLE {t};\n"),
            false,
        ),
        1 => (
            format!(
                "BEGIN;\nCREATE TABLE {t} (id bigserial PRIMARY KEY, parent_id bigint REFERENCES t{:03} (id) ON DELETE CASCADE);\nCREATE INDEX {t}_parent ON {t} (parent_id);\nCOMMIT;\n",
                i - 1
            ),
            format!("BEGIN;\nDROP TABLE {t};\nCOMMIT;\n"),
            false,
        ),
        2 => (
            format!(
                "ALTER TABLE t{:03} ADD COLUMN note text;\nCOMMENT ON COLUMN t{:03}.note IS 'free text; may be ''empty''';\n",
                i - 2,
                i - 2
            ),
            format!("ALTER TABLE t{:03} DROP COLUMN note;\n", i - 2),
            false,
        ),
        3 => (
            format!(
                "CREATE TYPE {t}_state AS ENUM ('new', 'done');\nCREATE TABLE {t} (id bigint PRIMARY KEY, state {t}_state NOT NULL DEFAULT 'new');\n"
            ),
            format!("DROP TABLE {t};\nDROP TYPE {t}_state;\n"),
            false,
        ),
        4 => (
            format!(
                "CREATE FUNCTION {t}_touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.created_at := now();\n  RETURN NEW;\nEND;\n$$;\nCREATE TRIGGER {t}_touch BEFORE UPDATE ON t{:03} FOR EACH ROW EXECUTE FUNCTION {t}_touch();\nCREATE VIEW {t}_v AS SELECT id, name FROM t{:03};\n",
                i - 4,
                i - 4
            ),
            format!(
                "DROP VIEW {t}_v;\nDROP TRIGGER {t}_touch ON t{:03};\nDROP FUNCTION {t}_touch();\n",
                i - 4
            ),
            false,
        ),
        _ => (
            format!(
                "CREATE INDEX CONCURRENTLY t{:03}_name ON t{:03} (name);\n",
                i - 5,
                i - 5
            ),
            format!("DROP INDEX CONCURRENTLY t{:03}_name;\n", i - 5),
            true,
        ),
    }
}

#[test]
fn a_few_hundred_golang_migrate_and_diesel_migrations_plan_up_and_test() {
    const N: usize = 240;
    // golang-migrate: unpadded versions, so 10 must follow 9 and 100 follow 99.
    let db = server().database("many_golang");
    let p = Project::new("many-golang");
    let mut expected = Vec::new();
    for i in 0..N {
        let (up, down, _) = public_style(i);
        let v = i + 1;
        put(p.path(), &format!("migrations/{v}_step_{i}.up.sql"), &up);
        put(
            p.path(),
            &format!("migrations/{v}_step_{i}.down.sql"),
            &down,
        );
        expected.push(format!("{v}_step_{i}"));
    }
    config(p.path(), "golang-migrate", "migrations", &db.url);
    assert_eq!(planned(p.path()), expected);
    let up = sluice(p.path(), &["up"]).code(0);
    assert!(
        up.stdout.contains(&format!("done: {N} migrations applied")),
        "{}",
        up.stdout
    );
    let scratch = format!("{}/postgres", server().base_url());
    let t = sluice(p.path(), &["test", "--scratch-url", &scratch]).code(0);
    assert!(
        t.stdout.contains("verdict: PASS") && t.stdout.contains(" 0 failed"),
        "{}",
        t.stdout
    );

    // diesel: dated folders, dashes dropped from the version, a name with spaces, and
    // `run_in_transaction = false` where an index is built concurrently.
    let db = server().database("many_diesel");
    let p = Project::new("many-diesel");
    put(p.path(), "migrations/.keep", "");
    put(
        p.path(),
        "migrations/00000000000000_diesel_initial_setup/up.sql",
        "CREATE OR REPLACE FUNCTION diesel_manage_updated_at(_tbl regclass) RETURNS VOID AS $$\nBEGIN\n    EXECUTE format('SELECT 1 FROM %s LIMIT 0', _tbl);\nEND;\n$$ LANGUAGE plpgsql;\n",
    );
    put(
        p.path(),
        "migrations/00000000000000_diesel_initial_setup/down.sql",
        "DROP FUNCTION IF EXISTS diesel_manage_updated_at(_tbl regclass);\n",
    );
    let mut expected = vec!["00000000000000_diesel_initial_setup".to_string()];
    for i in 0..N {
        let (up, down, no_tx) = public_style(i);
        let (day, sec) = (i / 24, i % 24);
        let name = if i % 7 == 3 {
            format!("step {i} with spaces")
        } else {
            format!("step_{i}")
        };
        let folder = format!(
            "2023-{:02}-{:02}-{sec:02}0000_{name}",
            1 + day / 28,
            1 + day % 28
        );
        put(p.path(), &format!("migrations/{folder}/up.sql"), &up);
        put(p.path(), &format!("migrations/{folder}/down.sql"), &down);
        if no_tx {
            put(
                p.path(),
                &format!("migrations/{folder}/metadata.toml"),
                "run_in_transaction = false\n",
            );
        }
        expected.push(folder.replace(' ', "_"));
    }
    config(p.path(), "diesel", "migrations", &db.url);
    assert_eq!(planned(p.path()), expected);
    sluice(p.path(), &["up"]).code(0);
    let t = sluice(p.path(), &["test", "--scratch-url", &scratch]).code(0);
    assert!(
        t.stdout.contains("verdict: PASS") && t.stdout.contains(" 0 failed"),
        "{}",
        t.stdout
    );
}

/// `init --detect` on three real layouts `--detect` used to miss, then `plan`, `up` and
/// `down` of what it wrote: diesel with a folder per dialect, Spring's two Flyway
/// locations, and up/down pairs that share versions.
#[test]
fn detect_finds_dialect_folders_spring_locations_and_shared_versions() {
    // diesel, one folder per backend: --dialect picks the folder.
    let dir = TempDir::new("detect-diesel-dialects");
    let p = dir.path();
    for (db, id) in [("postgres", "serial"), ("sqlite", "integer")] {
        for (v, name, up, down) in [
            (
                "2020-01-01-000000",
                "users",
                format!("CREATE TABLE users (id {id} PRIMARY KEY);"),
                "DROP TABLE users;",
            ),
            (
                "2020-02-01-000000",
                "posts",
                format!(
                    "CREATE TABLE posts (id {id} PRIMARY KEY, user_id integer REFERENCES users (id));"
                ),
                "DROP TABLE posts;",
            ),
        ] {
            put(p, &format!("migrations/{db}/{v}_{name}/up.sql"), &up);
            put(p, &format!("migrations/{db}/{v}_{name}/down.sql"), down);
        }
    }
    let run = sluice(p, &["init", "--detect", "--dialect", "sqlite"]).code(0);
    assert!(
        run.stdout
            .contains("found    diesel migrations in migrations/postgres:")
            && run.stdout.contains(
                "chose    diesel in migrations/sqlite (the folder for sqlite; edit sluice.toml to choose another)"
            ),
        "{}",
        run.stdout
    );
    let up = sluice(p, &["up"]).code(0);
    assert!(
        up.stdout.contains("done: 2 migrations applied"),
        "{}",
        up.stdout
    );
    sluice(p, &["down", "--to", "2020-01-01-000000_users"]).code(0);
    let st = sluice(p, &["status"]).code(0);
    assert!(st.stdout.contains("1 applied, 1 pending"), "{}", st.stdout);

    // Spring Boot with a second Flyway location: V3 lives in the second one.
    let dir = TempDir::new("detect-spring");
    let p = dir.path();
    put(
        p,
        "src/main/resources/application.properties",
        "spring.datasource.url=jdbc:sqlite:app.db\nspring.flyway.locations=classpath:db/migration,classpath:db/seed\n",
    );
    put(
        p,
        "src/main/resources/db/migration/V1__users.sql",
        "CREATE TABLE users (id integer PRIMARY KEY, name text);",
    );
    put(
        p,
        "src/main/resources/db/migration/V2__posts.sql",
        "CREATE TABLE posts (id integer PRIMARY KEY);",
    );
    put(
        p,
        "src/main/resources/db/seed/V3__seed.sql",
        "INSERT INTO users (name) VALUES ('admin');",
    );
    let run = sluice(p, &["init", "--detect"]).code(0);
    assert!(
        run.stdout.contains("in 2 location(s) named by spring.flyway.locations in src/main/resources/application.properties"),
        "{}",
        run.stdout
    );
    let written = std::fs::read_to_string(p.join("sluice.toml")).unwrap();
    assert!(
        written.contains(
            "locations = [\"src/main/resources/db/migration\", \"src/main/resources/db/seed\"]"
        ),
        "{written}"
    );
    let up = sluice(p, &["up"]).code(0);
    assert!(
        up.stdout.contains("done: 3 migrations applied"),
        "{}",
        up.stdout
    );

    // Pairs sharing a version, one named by its version alone.
    let dir = TempDir::new("detect-updown");
    let p = dir.path();
    put(
        p,
        "migrations/001.up.sql",
        "CREATE TABLE a (id integer PRIMARY KEY);",
    );
    put(p, "migrations/001.down.sql", "DROP TABLE a;");
    put(
        p,
        "migrations/002_users.up.sql",
        "CREATE TABLE users (id integer PRIMARY KEY);",
    );
    put(p, "migrations/002_users.down.sql", "DROP TABLE users;");
    put(
        p,
        "migrations/002_orders.up.sql",
        "CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users (id));",
    );
    put(p, "migrations/002_orders.down.sql", "DROP TABLE orders;");
    let run = sluice(p, &["init", "--detect"]).code(0);
    assert!(
        run.stdout.contains("found    updown migrations in migrations: 3 .up.sql file(s), 1 named by their version alone, 1 sharing a version with another"),
        "{}",
        run.stdout
    );
    assert_eq!(planned(p), ["001", "002_orders", "002_users"]);
    sluice(p, &["up"]).code(0);
    let down = sluice(p, &["down", "--to", "001"]).code(0);
    assert!(
        down.stdout.contains("002_users") && down.stdout.contains("002_orders"),
        "{}",
        down.stdout
    );
    let adopt = sluice(p, &["adopt", "--from", "golang-migrate"]).code(2);
    assert!(
        adopt.stderr.contains("sluice baseline --to <id> --check"),
        "{}",
        adopt.stderr
    );
}

/// Two Sqitch projects in one database, the second requiring a change of the first
/// (`[flipr:users]`): deployed by Sqitch, adopted by sluice with no `[project] state` set
/// (each project gets its own), and `down` and `up` keep the requirement as Sqitch does.
#[test]
fn two_sqitch_projects_keep_their_cross_project_requirements() {
    let sqitch = program("sqitch", "apt-get install sqitch libdbd-pg-perl");
    let db = server().database("two_sqitch");
    let target = db.url.replacen("postgres://", "db:pg://", 1);
    let dir = TempDir::new("two-sqitch");
    let (a, b) = (dir.path().join("flipr"), dir.path().join("social"));
    // flipr: users reworked after two tags; its first scripts are named after the first.
    put(&a, "sqitch.conf", "[core]\n\tengine = pg\n");
    let mut plan = String::from(PLAN_HEAD);
    plan.push_str("users 2024-01-01T00:01:00Z Marge <marge@example.com> # Users\n");
    plan.push_str("@v1.0 2024-01-01T00:02:00Z Marge <marge@example.com> # Tag\n");
    plan.push_str("@v1.1 2024-01-01T00:03:00Z Marge <marge@example.com> # Tag\n");
    plan.push_str(
        "users [users@v1.0] 2024-01-02T00:00:00Z Marge <marge@example.com> # Add fullname\n",
    );
    put(&a, "sqitch.plan", &plan);
    for (f, t) in [
        (
            "deploy/users@v1.0.sql",
            "CREATE TABLE users (nickname text PRIMARY KEY);",
        ),
        ("revert/users@v1.0.sql", "DROP TABLE users;"),
        (
            "deploy/users.sql",
            "ALTER TABLE users ADD COLUMN fullname text;",
        ),
        (
            "revert/users.sql",
            "ALTER TABLE users DROP COLUMN fullname;",
        ),
    ] {
        put(&a, f, t);
    }
    put(&b, "sqitch.conf", "[core]\n\tengine = pg\n");
    put(
        &b,
        "sqitch.plan",
        "%syntax-version=1.0.0\n%project=flipr_social\n\nlikes [flipr:users] 2024-02-01T00:00:00Z Homer <homer@example.com> # Likes\n",
    );
    put(
        &b,
        "deploy/likes.sql",
        "CREATE TABLE likes (nickname text REFERENCES users (nickname), what text);",
    );
    put(&b, "revert/likes.sql", "DROP TABLE likes;");
    for p in [&a, &b] {
        run_tool(
            Command::new(&sqitch)
                .args(["deploy", &target])
                .current_dir(p),
        );
        config(p, "sqitch", ".", &db.url);
        // No `[project] state`: each project's own is `sluice_<project>`.
        sluice(p, &["adopt", "--from", "sqitch"]).code(0);
    }
    assert_eq!(
        psql(
            &db.url,
            "SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace WHERE nspname LIKE 'sluice%'"
        )
        .unwrap(),
        "sluice_flipr,sluice_flipr_social"
    );
    assert!(
        sluice(&b, &["status"])
            .code(0)
            .stdout
            .contains("1 applied, 0 pending")
    );

    // flipr cannot revert users while flipr_social's likes needs it.
    let refused = sluice(&a, &["down", "--to", "users@v1.0"]).code(4);
    assert!(
        refused.stderr.contains(
            "is required by changes of other projects deployed in this database: flipr_social:likes (sluice state sluice_flipr_social)"
        ),
        "{}",
        refused.stderr
    );
    sluice(&b, &["down"]).code(0);
    // Sqitch's registry still lists likes, but sluice manages it now: not a dependant.
    sluice(&a, &["down", "--to", "users@v1.0"]).code(0);
    sluice(&a, &["down"]).code(0);

    // flipr_social's up needs flipr:users deployed first.
    let refused = sluice(&b, &["up"]).code(4);
    assert!(
        refused.stderr.contains(
            "requires `flipr:users` of another project, which is not deployed in this database"
        ),
        "{}",
        refused.stderr
    );
    sluice(&a, &["up"]).code(0);
    sluice(&b, &["up"]).code(0);
    let refused = sluice(&a, &["down"]).code(4);
    assert!(
        refused.stderr.contains("flipr_social:likes"),
        "{}",
        refused.stderr
    );
}

/// The same on MariaDB, both projects deployed by sluice alone (no Sqitch registry): the
/// requirement is known from what sluice's runs recorded in each project's own state.
#[test]
fn sqitch_projects_deployed_by_sluice_on_mariadb_keep_their_requirements() {
    let db = sluice_testkit::mariadb::server().database("two_sqitch_my");
    let dir = TempDir::new("two-sqitch-my");
    let (a, b) = (dir.path().join("flipr"), dir.path().join("social"));
    put(
        &a,
        "sqitch.plan",
        &format!("{PLAN_HEAD}users 2024-01-01T00:01:00Z Marge <marge@example.com> # Users\n"),
    );
    put(
        &a,
        "deploy/users.sql",
        "CREATE TABLE users (nickname VARCHAR(50) PRIMARY KEY);",
    );
    put(&a, "revert/users.sql", "DROP TABLE users;");
    put(
        &b,
        "sqitch.plan",
        "%syntax-version=1.0.0\n%project=flipr_social\n\nlikes [flipr:users] 2024-02-01T00:00:00Z Homer <homer@example.com> # Likes\n",
    );
    put(
        &b,
        "deploy/likes.sql",
        "CREATE TABLE likes (nickname VARCHAR(50), what TEXT);",
    );
    put(&b, "revert/likes.sql", "DROP TABLE likes;");
    for p in [&a, &b] {
        put(
            p,
            "sluice.toml",
            &format!(
                "[project]\nmigrations = \".\"\nlayout = \"sqitch\"\ndialect = \"mysql\"\n\n[environments.dev]\nurl = \"{}\"\n",
                db.url
            ),
        );
    }
    let refused = sluice(&b, &["up"]).code(4);
    assert!(
        refused.stderr.contains("requires `flipr:users`"),
        "{}",
        refused.stderr
    );
    sluice(&a, &["up"]).code(0);
    sluice(&b, &["up"]).code(0);
    let refused = sluice(&a, &["down"]).code(4);
    assert!(
        refused
            .stderr
            .contains("flipr_social:likes (sluice state sluice_flipr_social)"),
        "{}",
        refused.stderr
    );
    sluice(&b, &["down"]).code(0);
    sluice(&a, &["down"]).code(0);
}

/// Two applications keep their own history in one SQLite file (`[project] state`), and
/// two Sqitch projects do so by default, with the cross-project requirement kept.
#[test]
fn applications_share_one_sqlite_file_each_with_its_own_state() {
    let dir = TempDir::new("shared-sqlite");
    let (a, b) = (dir.path().join("billing"), dir.path().join("shop"));
    let db = dir.path().join("shared.db");
    for (p, state, table) in [(&a, "billing", "invoices"), (&b, "shop", "orders")] {
        put(
            p,
            "sluice.toml",
            &format!(
                "[project]\nstate = \"{state}\"\n\n[environments.dev]\nurl = \"sqlite:{}\"\n",
                db.display()
            ),
        );
        put(
            p,
            "migrations/001_init.sql",
            &format!(
                "-- sluice:up\nCREATE TABLE {table} (id integer PRIMARY KEY);\n\n-- sluice:down\nDROP TABLE {table};\n"
            ),
        );
    }
    sluice(&a, &["up"]).code(0);
    sluice(&b, &["up"]).code(0);
    for p in [&a, &b] {
        let st = sluice(p, &["status"]).code(0);
        assert!(st.stdout.contains("1 applied, 0 pending"), "{}", st.stdout);
    }
    let tables: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        tables,
        "billing_events,billing_lock,billing_migrations,invoices,orders,shop_events,shop_lock,shop_migrations"
    );
    // One application's down touches only its own history.
    sluice(&a, &["down"]).code(0);
    let st = sluice(&b, &["status"]).code(0);
    assert!(st.stdout.contains("1 applied, 0 pending"), "{}", st.stdout);
    assert!(dir.path().join("shared.db.billing-lock").exists());

    // Two Sqitch projects in one file: their own states by default, the requirement kept.
    let (f, s) = (dir.path().join("flipr"), dir.path().join("social"));
    put(
        &f,
        "sqitch.plan",
        &format!("{PLAN_HEAD}users 2024-01-01T00:01:00Z Marge <marge@example.com> # Users\n"),
    );
    put(
        &f,
        "deploy/users.sql",
        "CREATE TABLE users (nickname text PRIMARY KEY);",
    );
    put(&f, "revert/users.sql", "DROP TABLE users;");
    put(
        &s,
        "sqitch.plan",
        "%syntax-version=1.0.0\n%project=flipr_social\n\nlikes [flipr:users] 2024-02-01T00:00:00Z Homer <homer@example.com> # Likes\n",
    );
    put(
        &s,
        "deploy/likes.sql",
        "CREATE TABLE likes (nickname text REFERENCES users (nickname));",
    );
    put(&s, "revert/likes.sql", "DROP TABLE likes;");
    for p in [&f, &s] {
        put(
            p,
            "sluice.toml",
            &format!(
                "[project]\nmigrations = \".\"\nlayout = \"sqitch\"\n\n[environments.dev]\nurl = \"sqlite:{}\"\n",
                db.display()
            ),
        );
    }
    sluice(&f, &["up"]).code(0);
    sluice(&s, &["up"]).code(0);
    let refused = sluice(&f, &["down"]).code(4);
    assert!(
        refused
            .stderr
            .contains("flipr_social:likes (sluice state sluice_flipr_social)"),
        "{}",
        refused.stderr
    );
}
