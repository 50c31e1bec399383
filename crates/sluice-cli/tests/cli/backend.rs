//! One behavioural test, three engines: `on_both!` runs a test body on SQLite, on a
//! PostgreSQL database and on a MariaDB database of its own (from the test kit's
//! throwaway servers).

use std::path::Path;

use sluice_testkit::mariadb::MyDatabase;
use sluice_testkit::postgres::{PgDatabase, psql, server};

use crate::support::{Run, sluice};

/// Where a test's database lives.
#[derive(Debug)]
pub enum Backend {
    /// `sqlite:sluice.db` in the project folder.
    Sqlite,
    /// A database of the throwaway PostgreSQL server.
    Postgres(PgDatabase),
    /// A database of the throwaway MariaDB server.
    Mysql(MyDatabase),
}

impl Backend {
    pub fn postgres(label: &str) -> Backend {
        Backend::Postgres(server().database(label))
    }

    pub fn mysql(label: &str) -> Backend {
        Backend::Mysql(sluice_testkit::mariadb::server().database(label))
    }

    /// The database URL.
    pub fn url(&self) -> String {
        match self {
            Backend::Sqlite => "sqlite:sluice.db".into(),
            Backend::Postgres(db) => db.url.clone(),
            Backend::Mysql(db) => db.url.clone(),
        }
    }

    /// The `--scratch-url` arguments for `sluice test` / `drift` (none on SQLite: a temp
    /// file).
    pub fn scratch_args(&self) -> Vec<String> {
        match self {
            Backend::Sqlite => Vec::new(),
            Backend::Postgres(_) => vec![
                "--scratch-url".into(),
                format!("{}/postgres", server().base_url()),
            ],
            Backend::Mysql(_) => vec![
                "--scratch-url".into(),
                sluice_testkit::mariadb::server().base_url().to_string(),
            ],
        }
    }

    /// Scratch databases (or files) that the sluice process `pid` left behind.
    pub fn scratch_left(&self, pid: u32) -> Vec<String> {
        let prefix = format!("sluice_scratch_{pid}_");
        match self {
            Backend::Sqlite => std::fs::read_dir(std::env::temp_dir())
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(&prefix))
                .collect(),
            Backend::Postgres(db) => psql(
                &db.url,
                &format!("SELECT datname FROM pg_database WHERE datname LIKE '{prefix}%'"),
            )
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect(),
            Backend::Mysql(db) => sluice_testkit::mariadb::client(
                &db.url,
                &format!("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '{prefix}%'"),
            )
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect(),
        }
    }

    /// Runs sluice in `dir` against this backend's database.
    pub fn sluice(&self, dir: &Path, args: &[&str]) -> Run {
        let url = self.url();
        let mut all = vec!["--url", url.as_str()];
        all.extend_from_slice(args);
        sluice(dir, &all)
    }

    /// A sluice table by its short name: `migrations`, `events`, `lock`.
    pub fn t(&self, name: &str) -> String {
        match self {
            Backend::Sqlite | Backend::Mysql(_) => format!("sluice_{name}"),
            Backend::Postgres(_) => format!("sluice.{name}"),
        }
    }

    /// The first column of every row of `sql`, as text (booleans as 1/0 on both).
    pub fn q(&self, dir: &Path, sql: &str) -> Vec<String> {
        match self {
            Backend::Sqlite => {
                crate::support::strings(&crate::support::db(&dir.join("sluice.db")), sql)
            }
            Backend::Postgres(db) => {
                let out = psql(&db.url, sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                out.lines()
                    .map(|l| match l {
                        "t" => "1".into(),
                        "f" => "0".into(),
                        other => other.to_string(),
                    })
                    .collect()
            }
            Backend::Mysql(db) => {
                // `||` concatenates, as on the other two.
                let sql =
                    format!("SET SESSION sql_mode = CONCAT(@@sql_mode, ',PIPES_AS_CONCAT'); {sql}");
                let out = sluice_testkit::mariadb::client(&db.url, &sql)
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                out.lines().map(str::to_string).collect()
            }
        }
    }

    /// The user's tables, sorted.
    pub fn user_tables(&self, dir: &Path) -> Vec<String> {
        match self {
            Backend::Sqlite => {
                crate::support::user_tables(&crate::support::db(&dir.join("sluice.db")))
            }
            Backend::Postgres(_) => self.q(
                dir,
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
            ),
            Backend::Mysql(_) => self.q(
                dir,
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'sluice\\_%' ORDER BY 1",
            ),
        }
    }
}

/// Defines `mod $name { fn sqlite(); fn postgres(); fn mysql(); }` running the same body.
#[macro_export]
macro_rules! on_both {
    ($name:ident, |$b:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[test]
            fn sqlite() {
                let $b = $crate::backend::Backend::Sqlite;
                $body
            }
            #[test]
            fn postgres() {
                let $b = $crate::backend::Backend::postgres(stringify!($name));
                $body
            }
            #[test]
            fn mysql() {
                let $b = $crate::backend::Backend::mysql(stringify!($name));
                $body
            }
        }
    };
}
