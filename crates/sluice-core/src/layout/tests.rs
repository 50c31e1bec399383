//! Each layout's fixture, written with the tool's own conventions and edge cases, read in
//! the order the tool itself applies.

use std::path::{Path, PathBuf};

use sluice_sql::Dialect;

use super::{Layout, load};

struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let p = std::env::temp_dir().join(format!(
            "sluice-layout-{name}-{}-{}",
            std::process::id(),
            crate::time::Timestamp::now().unix_nanos()
        ));
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
    fn put(&self, rel: &str, text: &str) -> &Dir {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn ids(layout: Layout, dirs: &[&Path], d: Dialect) -> Vec<String> {
    let dirs: Vec<PathBuf> = dirs.iter().map(|p| p.to_path_buf()).collect();
    let loaded = load(layout, &dirs, d).unwrap_or_else(|e| panic!("{e}"));
    let plan = crate::Plan::new(loaded.migrations).unwrap_or_else(|e| panic!("{e}"));
    plan.migrations().iter().map(|m| m.id.to_string()).collect()
}

fn err(layout: Layout, dir: &Path) -> String {
    load(layout, &[dir.to_path_buf()], Dialect::Postgres)
        .map(|_| ())
        .unwrap_err()
        .to_string()
}

#[test]
fn dbmate_orders_by_version_and_reads_blocks_and_options() {
    let d = Dir::new("dbmate");
    d.put("20240102000000_b.sql", "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (x);\n-- migrate:down\nDROP INDEX i;\n")
        .put("20240101000000_a.sql", "-- a comment first is fine\n-- migrate:up\nCREATE TABLE t (x int);\n\n-- migrate:down\nDROP TABLE t;\n")
        .put("20231231000000_forward.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n")
        .put("README.md", "x")
        .put("helpers.sql", "SELECT 1;");
    assert_eq!(
        ids(Layout::Dbmate, &[&d.0], Dialect::Postgres),
        [
            "20231231000000_forward",
            "20240101000000_a",
            "20240102000000_b"
        ]
    );
    let l = load(
        Layout::Dbmate,
        std::slice::from_ref(&d.0),
        Dialect::Postgres,
    )
    .unwrap();
    let names: Vec<_> = l
        .ignored
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["README.md", "helpers.sql"]);
    let b = &l.migrations[2];
    assert!(!b.meta.transaction);
    assert_eq!(b.up.statements[0].line, 2);
    assert_eq!(b.origin.as_ref().unwrap().version, "20240102000000");
    assert!(l.migrations[1].meta.transaction);
    assert_eq!(l.migrations[1].down.as_ref().unwrap().statements[0].line, 6);
    // An empty down block undoes nothing: irreversible.
    assert!(l.migrations[0].meta.irreversible);
    let bad = Dir::new("dbmate-bad");
    bad.put(
        "1_x.sql",
        "CREATE TABLE t (x int);\n-- migrate:up\nSELECT 1;\n",
    );
    assert!(err(Layout::Dbmate, &bad.0).contains("1_x.sql:1: SQL before `-- migrate:up`"));
    let cic = Dir::new("dbmate-cic");
    cic.put(
        "1_x.sql",
        "-- migrate:up\nCREATE INDEX CONCURRENTLY i ON t (x);\n",
    );
    assert!(err(Layout::Dbmate, &cic.0).contains("add `transaction:false` after `-- migrate:up`"));
}

#[test]
fn golang_migrate_pairs_by_number_even_when_names_differ() {
    let d = Dir::new("golang");
    d.put("10_ten.up.sql", "CREATE TABLE ten (x int);")
        .put("10_ten.down.sql", "DROP TABLE ten;")
        .put(
            "2_two.up.sql",
            "BEGIN;\nCREATE TABLE two (x int);\nCOMMIT;\n",
        )
        .put("2_renamed_later.down.sql", "DROP TABLE two;")
        .put("0001_one.up.sql", "CREATE TABLE one (x int);")
        .put("notes.txt", "");
    let loaded = load(
        Layout::GolangMigrate,
        std::slice::from_ref(&d.0),
        Dialect::Postgres,
    )
    .unwrap();
    assert_eq!(
        ids(Layout::GolangMigrate, &[&d.0], Dialect::Postgres),
        ["0001_one", "2_two", "10_ten"]
    );
    let two = &loaded.migrations[1];
    assert_eq!(
        two.up.statements.len(),
        1,
        "BEGIN/COMMIT around the file are sluice's own"
    );
    assert!(two.meta.transaction);
    assert!(
        two.down
            .as_ref()
            .unwrap()
            .file
            .as_ref()
            .unwrap()
            .ends_with("2_renamed_later.down.sql")
    );
    assert!(loaded.migrations[0].meta.irreversible);
    assert_eq!(loaded.migrations[0].origin.as_ref().unwrap().version, "1");
    d.put("2_again.up.sql", "SELECT 1;");
    assert!(err(Layout::GolangMigrate, &d.0).contains("version 2 has two up files"));
}

#[test]
fn flyway_merges_locations_and_compares_versions_as_flyway_does() {
    let a = Dir::new("flyway-a");
    let b = Dir::new("flyway-b");
    a.put("V1__init.sql", "CREATE TABLE t (x int);")
        .put("V1.10__ten.sql", "SELECT 10;")
        .put("V1_2__two.sql", "SELECT 2;")
        .put("U1_2__two.sql", "SELECT -2;")
        .put(
            "R__views.sql",
            "CREATE OR REPLACE VIEW v AS SELECT 1 AS one;",
        )
        .put("sub/V1.1.5__nested.sql", "SELECT 115;");
    b.put("V2__vendor.sql", "SELECT 20;")
        .put("R__a_first.sql", "SELECT 'a';")
        .put("readme.txt", "");
    assert_eq!(
        ids(Layout::Flyway, &[&a.0, &b.0], Dialect::Postgres),
        [
            "V1__init",
            "V1.1.5__nested",
            "V1_2__two",
            "V1.10__ten",
            "V2__vendor",
            "R__a_first",
            "R__views"
        ]
    );
    let l = load(
        Layout::Flyway,
        &[a.0.clone(), b.0.clone()],
        Dialect::Postgres,
    )
    .unwrap();
    assert!(
        l.migrations
            .iter()
            .any(|m| m.id.as_str() == "V1_2__two" && m.down.is_some())
    );
    b.put("V1.0__same_as_one.sql", "SELECT 1;");
    let e = load(
        Layout::Flyway,
        &[a.0.clone(), b.0.clone()],
        Dialect::Postgres,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("version 1 is also used by"), "{e}");
}

#[test]
fn flyway_checksum_is_a_crc32_over_lines() {
    // The CRC-32 check value, and line breaks of any kind not counted.
    assert_eq!(super::flyway_checksum("123456789") as u32, 0xCBF4_3926);
    assert_eq!(
        super::flyway_checksum("1234\n56789\n"),
        super::flyway_checksum("1234\r\n56789")
    );
    assert_eq!(
        super::flyway_checksum("\u{feff}123456789") as u32,
        0xCBF4_3926
    );
}

#[test]
fn sqlx_reads_both_forms_and_no_transaction() {
    let d = Dir::new("sqlx");
    d.put("20240101000000_init.sql", "CREATE TABLE t (x int);")
        .put(
            "20240102000000_idx.up.sql",
            "-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);",
        )
        .put("20240102000000_idx.down.sql", "DROP INDEX i;");
    let l = load(Layout::Sqlx, std::slice::from_ref(&d.0), Dialect::Postgres).unwrap();
    assert_eq!(l.migrations[0].id.as_str(), "20240101000000_init");
    assert!(l.migrations[0].meta.irreversible);
    assert!(!l.migrations[1].meta.transaction);
    assert_eq!(
        l.migrations[1]
            .origin
            .as_ref()
            .unwrap()
            .tool_checksum
            .as_ref()
            .unwrap()
            .len(),
        96
    );
}

#[test]
fn diesel_versions_drop_dashes_and_names_may_hold_spaces() {
    let d = Dir::new("diesel");
    d.put("00000000000000_diesel_initial_setup/up.sql", "SELECT 0;")
        .put("00000000000000_diesel_initial_setup/down.sql", "SELECT 0;")
        .put(
            "2024-01-31-120000_add users/up.sql",
            "CREATE TABLE users (id int);",
        )
        .put("2024-01-31-120000_add users/down.sql", "DROP TABLE users;")
        .put(
            "2024-01-05-000000_early/up.sql",
            "CREATE INDEX CONCURRENTLY i ON x (y);",
        )
        .put(
            "2024-01-05-000000_early/metadata.toml",
            "run_in_transaction = false\n",
        )
        .put(".keep", "");
    let l = load(
        Layout::Diesel,
        std::slice::from_ref(&d.0),
        Dialect::Postgres,
    )
    .unwrap();
    let got: Vec<_> = l
        .migrations
        .iter()
        .map(|m| (m.id.to_string(), m.origin.as_ref().unwrap().version.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "00000000000000_diesel_initial_setup".to_string(),
                "00000000000000".to_string()
            ),
            ("2024-01-05-000000_early".into(), "20240105000000".into()),
            (
                "2024-01-31-120000_add_users".into(),
                "20240131120000".into()
            ),
        ]
    );
    assert!(!l.migrations[1].meta.transaction);
}

#[test]
fn prisma_is_forward_only_in_folder_order() {
    let d = Dir::new("prisma");
    d.put("migration_lock.toml", "provider = \"postgresql\"\n")
        .put("20240201000000_second/migration.sql", "SELECT 2;")
        .put(
            "20240101000000_init/migration.sql",
            "CREATE TABLE t (x int);",
        );
    let l = load(
        Layout::Prisma,
        std::slice::from_ref(&d.0),
        Dialect::Postgres,
    )
    .unwrap();
    assert_eq!(l.migrations[0].id.as_str(), "20240101000000_init");
    assert!(l.migrations.iter().all(|m| m.meta.irreversible));
    assert_eq!(l.ignored.len(), 1);
}

#[test]
fn sqitch_follows_the_plan_with_reworks_and_dependencies() {
    let d = Dir::new("sqitch");
    d.put(
        "sqitch.plan",
        "%syntax-version=1.0.0\n%project=flipr\n\nzeta 2024-01-01T00:00:00Z A <a@x> # first, though named last\nusers [zeta] 2024-01-01T00:00:01Z A <a@x> # users\n@v1.0 2024-01-01T00:00:02Z A <a@x> # tag\nusers [users@v1.0 !legacy other:roles] 2024-01-01T00:00:03Z A <a@x> # rework\nalpha [users] 2024-01-01T00:00:04Z A <a@x>\n",
    );
    for (f, t) in [
        ("deploy/zeta.sql", "BEGIN;\nCREATE SCHEMA z;\nCOMMIT;\n"),
        ("deploy/users@v1.0.sql", "CREATE TABLE z.users (n text);"),
        ("deploy/users.sql", "ALTER TABLE z.users ADD COLUMN f text;"),
        ("revert/users.sql", "ALTER TABLE z.users DROP COLUMN f;"),
        ("deploy/alpha.sql", "SELECT 1;"),
        (
            "verify/alpha.sql",
            "BEGIN;\nSELECT 1/COUNT(*) FROM z.users;\nROLLBACK;\n",
        ),
        ("deploy/stray.sql", "SELECT 1;"),
    ] {
        d.put(f, t);
    }
    let l = load(
        Layout::Sqitch,
        std::slice::from_ref(&d.0),
        Dialect::Postgres,
    )
    .unwrap();
    assert_eq!(
        ids(Layout::Sqitch, &[&d.0], Dialect::Postgres),
        ["zeta", "users@v1.0", "users", "alpha"]
    );
    let users = &l.migrations[2];
    assert_eq!(users.meta.requires[0].as_str(), "users@v1.0");
    let o = users.origin.as_ref().unwrap();
    assert_eq!(o.conflicts, ["legacy"]);
    assert_eq!(o.external_requires, ["other:roles"]);
    assert_eq!(l.migrations[3].meta.requires[0].as_str(), "users");
    assert_eq!(l.migrations[3].verify.len(), 1);
    assert_eq!(l.migrations[0].up.statements.len(), 1);
    assert!(l.ignored.iter().any(|p| p.ends_with("deploy/stray.sql")));
    d.put("sqitch.plan", "%project=flipr\nzeta 2024-01-01T00:00:00Z A <a@x>\nusers [zetta] 2024-01-01T00:00:01Z A <a@x>\n");
    let e = err(Layout::Sqitch, &d.0);
    assert!(
        e.contains(
            "sqitch.plan:3: `users` requires `zetta`, which is not a change earlier in sqitch.plan"
        ),
        "{e}"
    );
}

#[test]
fn pop_prefers_the_dialect_file_over_the_generic_one() {
    let d = Dir::new("pop");
    d.put(
        "20210101000000_init.up.sql",
        "CREATE TABLE generic (x int);",
    )
    .put(
        "20210101000000_init.postgres.up.sql",
        "CREATE TABLE pg (x int);",
    )
    .put(
        "20210101000000_init.mysql.up.sql",
        "CREATE TABLE my (x int);",
    )
    .put("20210101000000_init.down.sql", "DROP TABLE generic;")
    .put(
        "20210102000000_idx.postgres.autocommit.up.sql",
        "CREATE INDEX CONCURRENTLY i ON pg (x);",
    );
    let l = load(Layout::Pop, std::slice::from_ref(&d.0), Dialect::Postgres).unwrap();
    assert_eq!(l.migrations.len(), 2);
    assert!(l.migrations[0].up.statements[0].sql.contains("pg"));
    assert!(l.migrations[0].down.is_some());
    assert!(!l.migrations[1].meta.transaction);
    let my = load(Layout::Pop, std::slice::from_ref(&d.0), Dialect::MySql).unwrap();
    assert!(my.migrations[0].up.statements[0].sql.contains("my"));
    assert_eq!(my.migrations.len(), 1);
}

#[test]
fn detect_names_the_layout_and_why() {
    let d = Dir::new("detect");
    d.put(
        "db/migrations/20240101000000_a.sql",
        "-- migrate:up\nSELECT 1;\n",
    );
    let found = super::detect(&d.0);
    assert_eq!(found[0].layout, Layout::Dbmate);
    assert_eq!(found[0].dir, Path::new("db/migrations"));
    let p = Dir::new("detect-prisma");
    p.put("prisma/migrations/migration_lock.toml", "")
        .put("prisma/migrations/20240101_init/migration.sql", "SELECT 1;");
    assert_eq!(super::detect(&p.0)[0].layout, Layout::Prisma);
    let g = Dir::new("detect-golang");
    g.put("migrations/1_a.up.sql", "SELECT 1;").put(
        "go.mod",
        "require github.com/golang-migrate/migrate/v4 v4.17.0",
    );
    let found = super::detect(&g.0);
    assert_eq!(found[0].layout, Layout::GolangMigrate);
    assert!(found[0].why.contains("go.mod"));
}

#[test]
fn a_file_of_two_transaction_blocks_keeps_both() {
    let d = Dir::new("twoblocks");
    d.put(
        "1_two.up.sql",
        "BEGIN;\nCREATE TABLE a (x int);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (x int);\nCOMMIT;\n",
    )
    .put("1_two.down.sql", "DROP TABLE b;\nDROP TABLE a;\n");
    let loaded = load(
        Layout::GolangMigrate,
        std::slice::from_ref(&d.0),
        Dialect::Postgres,
    )
    .unwrap();
    let m = &loaded.migrations[0];
    let sqls: Vec<&str> = m.up.statements.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(
        sqls,
        [
            "BEGIN",
            "CREATE TABLE a (x int)",
            "COMMIT",
            "BEGIN",
            "CREATE TABLE b (x int)",
            "COMMIT"
        ],
        "no wrapper to strip: block 1 keeps its BEGIN, block 2 its COMMIT"
    );
    assert!(
        !m.meta.transaction,
        "the file's own blocks: it runs step by step"
    );
}

#[test]
fn sqitch_finds_a_reworked_script_under_any_tag_before_its_rework() {
    let d = Dir::new("sqitch-tags");
    // users is reworked after three tags; its old scripts were named after the second,
    // as Sqitch does when the change was reworked at that point.
    d.put(
        "sqitch.plan",
        "%project=flipr\nusers 2024-01-01T00:00:00Z A <a@x>\n@v1.0 2024-01-01T00:00:01Z A <a@x>\nposts 2024-01-01T00:00:02Z A <a@x>\n@v1.1 2024-01-01T00:00:03Z A <a@x>\n@v2.0 2024-01-01T00:00:04Z A <a@x>\nusers [users@v2.0] 2024-01-01T00:00:05Z A <a@x>\n@v2.5.0 2024-01-01T00:00:06Z A <a@x>\n",
    );
    for (f, t) in [
        ("deploy/users@v1.1.sql", "CREATE TABLE users (n text);"),
        ("revert/users@v1.1.sql", "DROP TABLE users;"),
        ("deploy/posts.sql", "CREATE TABLE posts (n text);"),
        ("deploy/users.sql", "ALTER TABLE users ADD COLUMN f text;"),
    ] {
        d.put(f, t);
    }
    assert_eq!(
        ids(Layout::Sqitch, &[&d.0], Dialect::Postgres),
        ["users@v1.1", "posts", "users"]
    );
    let l = load(
        Layout::Sqitch,
        std::slice::from_ref(&d.0),
        Dialect::Postgres,
    )
    .unwrap();
    assert!(l.migrations[0].down.is_some(), "the revert of the same tag");
    // No script under any of the tags: the error names the first, as Sqitch would.
    std::fs::remove_file(d.0.join("deploy/users@v1.1.sql")).unwrap();
    let e = err(Layout::Sqitch, &d.0);
    assert!(e.contains("deploy/users@v1.0.sql"), "{e}");
}

#[test]
fn detect_looks_one_folder_deeper_and_names_the_dialect() {
    // diesel with one folder per backend, as multi-database Rust projects keep them.
    let d = Dir::new("detect-dialects");
    for (db, sql) in [
        ("postgresql", "CREATE TABLE a (id serial);"),
        (
            "mysql",
            "CREATE TABLE a (id int auto_increment primary key);",
        ),
        ("sqlite", "CREATE TABLE a (id integer primary key);"),
    ] {
        d.put(&format!("migrations/{db}/2020-01-01-000000_a/up.sql"), sql)
            .put(
                &format!("migrations/{db}/2020-01-01-000000_a/down.sql"),
                "DROP TABLE a;",
            );
    }
    let found = super::detect(&d.0);
    let got: Vec<(Layout, String, Option<Dialect>)> = found
        .iter()
        .map(|f| (f.layout, f.dir.display().to_string(), f.dialect))
        .collect();
    assert_eq!(
        got,
        [
            (
                Layout::Diesel,
                "migrations/mysql".into(),
                Some(Dialect::MySql)
            ),
            (
                Layout::Diesel,
                "migrations/postgresql".into(),
                Some(Dialect::Postgres)
            ),
            (
                Layout::Diesel,
                "migrations/sqlite".into(),
                Some(Dialect::Sqlite)
            ),
        ]
    );
    // pop's files one level below its documented folder (Ory keeps them in sql/).
    let p = Dir::new("detect-pop-deeper");
    p.put(
        "persistence/sql/migrations/sql/20200101000000_a.postgres.up.sql",
        "CREATE TABLE a (id int);",
    );
    let found = super::detect(&p.0);
    assert_eq!(found[0].layout, Layout::Pop);
    assert_eq!(found[0].dir, Path::new("persistence/sql/migrations/sql"));
    // pop without dialect names: its database.yml says whose they are.
    let q = Dir::new("detect-pop-yml");
    q.put(
        "migrations/20200101000000_a.up.sql",
        "CREATE TABLE a (id int);",
    )
    .put("database.yml", "development:\n  dialect: postgres\n");
    assert_eq!(super::detect(&q.0)[0].layout, Layout::Pop);
}

#[test]
fn detect_reads_springs_flyway_locations() {
    let d = Dir::new("detect-spring");
    d.put(
        "src/main/resources/application.yml",
        "spring:\n  datasource:\n    url: jdbc:postgresql://db/app\n  flyway:\n    enabled: true\n    locations:\n      - classpath:db/migration\n      - classpath:db/{vendor}\n",
    )
    .put("src/main/resources/db/migration/V1__a.sql", "CREATE TABLE a (id int);")
    .put("src/main/resources/db/postgresql/V2__b.sql", "CREATE TABLE b (id int);")
    .put("src/main/resources/db/mysql/V2__b.sql", "CREATE TABLE b (id int);");
    let found = super::detect(&d.0);
    assert_eq!(found[0].layout, Layout::Flyway);
    assert_eq!(found[0].dialect, Some(Dialect::MySql));
    assert_eq!(
        found[0].locations,
        [
            PathBuf::from("src/main/resources/db/migration"),
            PathBuf::from("src/main/resources/db/mysql")
        ]
    );
    assert_eq!(found[1].dialect, Some(Dialect::Postgres));
    assert!(found[0].why.contains("application.yml"), "{}", found[0].why);
    // The default folder is not offered again on its own.
    assert_eq!(found.len(), 2, "{found:?}");
    // A properties file, with a filesystem location.
    let p = Dir::new("detect-spring-props");
    p.put(
        "src/main/resources/application.properties",
        "spring.flyway.locations=classpath:db/migration, filesystem:extra/sql\n",
    )
    .put("src/main/resources/db/migration/V1__a.sql", "SELECT 1;")
    .put("extra/sql/V3__c.sql", "SELECT 1;");
    let found = super::detect(&p.0);
    assert_eq!(
        found[0].locations,
        [
            PathBuf::from("src/main/resources/db/migration"),
            PathBuf::from("extra/sql")
        ]
    );
}

#[test]
fn up_down_pairs_with_shared_or_bare_versions() {
    let d = Dir::new("updown");
    d.put("migrations/0001.up.sql", "CREATE TABLE a (id int);")
        .put("migrations/0001.down.sql", "DROP TABLE a;")
        .put(
            "migrations/0002_users.up.sql",
            "CREATE TABLE users (id int);",
        )
        .put("migrations/0002_users.down.sql", "DROP TABLE users;")
        .put(
            "migrations/0002_orders.up.sql",
            "CREATE TABLE orders (id int);",
        )
        .put("migrations/10_late.up.sql", "CREATE TABLE late (id int);")
        .put("migrations/README.md", "notes");
    let found = super::detect(&d.0);
    assert_eq!(found[0].layout, Layout::UpDown);
    assert!(
        found[0].why.contains("1 named by their version alone"),
        "{}",
        found[0].why
    );
    assert!(
        found[0].why.contains("1 sharing a version"),
        "{}",
        found[0].why
    );
    let dir = d.0.join("migrations");
    assert_eq!(
        ids(Layout::UpDown, &[&dir], Dialect::Sqlite),
        ["0001", "0002_orders", "0002_users", "10_late"]
    );
    let l = load(Layout::UpDown, std::slice::from_ref(&dir), Dialect::Sqlite).unwrap();
    assert!(l.migrations[0].down.is_some());
    assert!(l.migrations[1].down.is_none() && l.migrations[1].meta.irreversible);
    assert_eq!(l.ignored.len(), 1);
    std::fs::remove_file(dir.join("0002_users.up.sql")).unwrap();
    let e = err(Layout::UpDown, &dir);
    assert!(
        e.contains("0002_users.down.sql has no 0002_users.up.sql"),
        "{e}"
    );
}
