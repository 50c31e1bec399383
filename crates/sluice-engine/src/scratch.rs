//! Scratch databases: created empty for `sluice test`, `drift` and `schema dump --check`,
//! and always dropped afterwards — when the value drops, and, through
//! [`cleanup_all`], when the process is interrupted (the CLI calls it on Ctrl-C).
//!
//! - SQLite: a new file in the system's temp folder.
//! - PostgreSQL and MySQL/MariaDB: a new database `sluice_scratch_<pid>_<n>` on the server
//!   of the given URL (only its server part is used; the database it names, if any, is
//!   where sluice connects to create and drop the scratch one).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sluice_core::Engine;
use sluice_core::engine::DbError;
use sluice_sql::Dialect;

use crate::{Access, OpenError, OpenOptions};

/// What to remove.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Leftover {
    File(PathBuf),
    Database {
        dialect: Dialect,
        admin_url: String,
        name: String,
    },
}

static LIVE: Mutex<Vec<Leftover>> = Mutex::new(Vec::new());

/// A scratch database; dropped (removed) when this value drops.
#[derive(Debug)]
pub struct Scratch {
    /// Its URL.
    pub url: String,
    leftover: Leftover,
}

/// Replaces (or adds) the database part of a server URL.
pub fn with_database(url: &str, db: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (main, query) = match rest.split_once('?') {
        Some((m, q)) => (m, format!("?{q}")),
        None => (rest, String::new()),
    };
    let authority = main.split_once('/').map_or(main, |(a, _)| a);
    format!("{scheme}://{authority}/{db}{query}")
}

/// The database a server URL names.
pub fn database_name(url: &str) -> Option<String> {
    database_of(url)
}

fn database_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let main = rest.split('?').next().unwrap_or(rest);
    let db = main.split_once('/')?.1;
    (!db.is_empty()).then(|| db.to_string())
}

fn admin(dialect: Dialect, url: &str) -> String {
    match dialect {
        // A database that always exists, when the URL names none.
        Dialect::Postgres if database_of(url).is_none() => with_database(url, "postgres"),
        Dialect::MySql => with_database(url, "information_schema"),
        _ => url.to_string(),
    }
}

/// A connection to the server of `url` for creating and dropping databases: PostgreSQL's
/// `postgres` database, MySQL's `information_schema`.
pub fn admin_connection(dialect: Dialect, url: &str) -> Result<Box<dyn Engine>, OpenError> {
    let target = match dialect {
        Dialect::Postgres => with_database(url, "postgres"),
        _ => admin(dialect, url),
    };
    connect(&target)
}

fn connect(url: &str) -> Result<Box<dyn Engine>, OpenError> {
    let opts = OpenOptions {
        access: Access::Existing,
        application: "sluice/scratch".into(),
        state: "sluice".into(),
        session: Vec::new(),
    };
    crate::open(url, Path::new("."), &opts)?.ok_or_else(|| {
        OpenError::Db(DbError::msg(format!(
            "cannot reach {}",
            sluice_core::config::mask_url(url)
        )))
    })
}

impl Scratch {
    /// Creates an empty scratch database of `dialect`; `server` is required for the server
    /// engines (`--scratch-url`).
    pub fn create(dialect: Dialect, server: Option<&str>) -> Result<Scratch, OpenError> {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!(
            "sluice_scratch_{}_{}_{n}",
            std::process::id(),
            sluice_core::time::Timestamp::now().unix_nanos() % 1_000_000
        );
        let (url, leftover) = match dialect {
            Dialect::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                (format!("sqlite:{}", path.display()), Leftover::File(path))
            }
            Dialect::Postgres | Dialect::MySql => {
                let Some(server) = server else {
                    return Err(OpenError::Db(DbError::msg(format!(
                        "a scratch {} database needs a server: give --scratch-url (e.g. {}) or `scratch_url` for the environment in sluice.toml",
                        dialect.name(),
                        if dialect == Dialect::Postgres {
                            "postgres://user@localhost/postgres"
                        } else {
                            "mysql://root@localhost:3306"
                        }
                    ))));
                };
                let admin_url = admin(dialect, server);
                let mut e = connect(&admin_url)?;
                let quoted = if dialect == Dialect::Postgres {
                    format!("\"{name}\"")
                } else {
                    format!("`{name}`")
                };
                e.execute(&format!("CREATE DATABASE {quoted}"))?;
                (
                    with_database(server, &name),
                    Leftover::Database {
                        dialect,
                        admin_url,
                        name,
                    },
                )
            }
        };
        LIVE.lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(leftover.clone());
        Ok(Scratch { url, leftover })
    }

    /// Removes the scratch database now (also done on drop).
    pub fn remove(&self) -> Result<(), DbError> {
        let result = remove(&self.leftover);
        LIVE.lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|l| l != &self.leftover);
        result
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = self.remove();
    }
}

fn remove(l: &Leftover) -> Result<(), DbError> {
    match l {
        Leftover::File(p) => {
            for suffix in ["", "-wal", "-shm", "-journal", ".sluice-lock"] {
                let mut f = p.clone().into_os_string();
                f.push(suffix);
                let _ = std::fs::remove_file(f);
            }
            Ok(())
        }
        Leftover::Database {
            dialect,
            admin_url,
            name,
        } => {
            let mut e = connect(admin_url).map_err(|e| DbError::msg(e.to_string()))?;
            if *dialect == Dialect::Postgres {
                e.execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            } else {
                // Sessions still inside it would hold metadata locks: end them first.
                let ids = e.query_rows(&format!(
                    "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '{name}' AND ID <> CONNECTION_ID()"
                ))?;
                for id in ids.into_iter().flatten().flatten() {
                    let _ = e.execute(&format!("KILL {id}"));
                }
                e.execute(&format!("DROP DATABASE IF EXISTS `{name}`"))
            }
        }
    }
}

/// Removes every scratch database this process still has (on Ctrl-C).
pub fn cleanup_all() {
    let live = std::mem::take(&mut *LIVE.lock().unwrap_or_else(|p| p.into_inner()));
    for l in &live {
        let _ = remove(l);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres?sslmode=disable", "x"),
            "postgres://u:p@h:5432/x?sslmode=disable"
        );
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306", "x"),
            "mysql://root@127.0.0.1:3306/x"
        );
        assert_eq!(database_of("mysql://root@h:1"), None);
        assert_eq!(database_of("postgres://h/db?a=b").as_deref(), Some("db"));
    }
}
