//! # sluice-engine — the databases
//!
//! *Internal to sluice: this API may change in any release. Applications use the crate
//! `sluice-migrate`; people use the `sluice` command.*
//!
//! Implementations of [`sluice_core::Engine`]: they execute statements, take the migration
//! lock, store sluice's state next to the user's schema and read it back. They hold no
//! policy: which migration runs, in what order, and what a failure means is decided in
//! `sluice-core`.
//!
//! - [`sqlite`]: the embedded default (`sqlite:path/to/file.db`);
//! - [`postgres`]: PostgreSQL (`postgres://user@host:port/db`);
//! - [`mysql`]: MySQL and MariaDB (`mysql://user@host:port/db`).
//!
//! The entry point is [`open`], which picks the engine from the URL.

// A build with only some drivers leaves helpers of the others unused.
#![cfg_attr(
    not(all(
        feature = "sqlite",
        feature = "postgres",
        feature = "mysql",
        feature = "tls"
    )),
    allow(unused_variables, dead_code, unused_imports)
)]

pub mod around;
pub mod backup;
pub mod compat;
mod lease;
#[cfg(feature = "mysql")]
pub mod mysql;
#[cfg(feature = "mysql")]
mod mysql_schema;
#[cfg(feature = "postgres")]
mod pg_client;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "postgres")]
mod postgres_schema;
pub mod replicas;
pub mod rolling;
pub mod scratch;
#[cfg(feature = "sqlite")]
pub mod sqlite;
#[cfg(all(feature = "tls", feature = "postgres"))]
pub mod tls;
pub mod watch;

use std::path::{Path, PathBuf};

use sluice_core::Engine;
use sluice_core::engine::DbError;
use sluice_sql::Dialect;

/// How to open a database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Read only; a missing database is not created.
    ReadOnly,
    /// Read and write an existing database; a missing one is not created.
    Existing,
    /// Read and write, creating a missing SQLite file (in WAL mode).
    Create,
}

/// Whether this build has the driver for `dialect` (cargo features `sqlite`, `postgres`,
/// `mysql`); the error names the feature to enable.
pub fn compiled(dialect: Dialect) -> Result<(), OpenError> {
    let (on, feature) = match dialect {
        Dialect::Sqlite => (cfg!(feature = "sqlite"), "sqlite"),
        Dialect::Postgres => (cfg!(feature = "postgres"), "postgres"),
        Dialect::MySql => (cfg!(feature = "mysql"), "mysql"),
    };
    if on {
        Ok(())
    } else {
        Err(OpenError::NotCompiled { feature })
    }
}

/// Percent-decoding of URL parts.
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
pub(crate) fn decode(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or("a % escape is cut short")?;
            out.push(
                u8::from_str_radix(hex, 16)
                    .map_err(|_| format!("`%{hex}` is not a percent escape"))?,
            );
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "a percent escape is not UTF-8".to_string())
}

/// Why no engine could be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The URL's scheme is not a database sluice knows.
    #[error(
        "`{url}` is not a database URL sluice knows: write sqlite:path/to/file.db, postgres://… or mysql://…"
    )]
    UnknownScheme {
        /// The URL, masked.
        url: String,
    },
    /// The server is a distributed database sluice has not been proven on, and the
    /// command would write.
    #[error(
        "{url} is {database}, which speaks the protocol of {protocol} but whose locks and DDL differ (docs/engines.md): sluice has not been proven on it and will not write to it with a lock that may not exclude; read-only commands work"
    )]
    Unproven {
        /// The URL, masked.
        url: String,
        /// The database (`CockroachDB`, …).
        database: &'static str,
        /// Whose protocol it speaks.
        protocol: &'static str,
    },
    /// This build has no driver for the URL's database.
    #[error(
        "this build of sluice has no driver for this database: enable the `{feature}` feature of sluice-migrate"
    )]
    NotCompiled {
        /// The cargo feature that brings the driver.
        feature: &'static str,
    },
    /// The URL is malformed or has a parameter sluice does not know.
    #[error(transparent)]
    BadUrl(DbError),
    /// A session setting of the environment failed.
    #[error("{0}: fix the environment's `session` in sluice.toml")]
    Session(DbError),
    /// The database failed to open.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl OpenError {
    /// What kind of stop it is: a database that failed is the database's; the rest is
    /// input (a URL, a setting, a driver not built).
    pub fn class(&self) -> sluice_core::run::Class {
        use sluice_core::run::Class;
        match self {
            OpenError::Db(_) => Class::Database,
            OpenError::Unproven { .. } => Class::Refused,
            OpenError::UnknownScheme { .. }
            | OpenError::NotCompiled { .. }
            | OpenError::BadUrl(_)
            | OpenError::Session(_) => Class::Input,
        }
    }
}

/// The distributed database a server's version string names, when sluice has not been
/// proven on it.
pub(crate) fn unproven(version: &str) -> Option<&'static str> {
    let v = version.to_ascii_lowercase();
    [
        ("cockroachdb", "CockroachDB"),
        ("-yb-", "YugabyteDB"),
        ("yugabyte", "YugabyteDB"),
        ("tidb", "TiDB"),
        ("vitess", "Vitess"),
    ]
    .into_iter()
    .find_map(|(needle, name)| v.contains(needle).then_some(name))
}

/// Where a `sqlite:` URL points, relative paths taken from `base`.
pub fn sqlite_path(url: &str, base: &Path) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let rest = rest.split('?').next().unwrap_or(rest);
    if rest.is_empty() {
        return None;
    }
    let p = Path::new(rest);
    Some(if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    })
}

/// The dialect a URL speaks.
pub fn dialect_of(url: &str) -> Option<Dialect> {
    let scheme = url.split(':').next()?;
    match scheme {
        "sqlite" => Some(Dialect::Sqlite),
        "postgres" | "postgresql" => Some(Dialect::Postgres),
        "mysql" | "mariadb" => Some(Dialect::MySql),
        _ => None,
    }
}

/// How to open a database.
#[derive(Clone, Debug)]
pub struct OpenOptions {
    /// Read, write, create.
    pub access: Access,
    /// Who is connecting, for the server's view of sessions: `sluice/<run id>`.
    pub application: String,
    /// The name of sluice's state: the schema on PostgreSQL, the prefix of its tables'
    /// names on MySQL/MariaDB and SQLite (`sluice`: `sluice_migrations`, …).
    pub state: String,
    /// Session settings made on the connection when it opens (and reopens): the
    /// environment's `session`.
    pub session: Vec<String>,
}

/// Opens `url` on a connection of sluice's own beside a run (a replica, the watch of a
/// run, a node of a cluster): no session settings, sluice's state named `sluice`; the
/// error says in one line why not, a missing database included.
pub fn open_aside(
    url: &str,
    application: &str,
    access: Access,
) -> Result<Box<dyn sluice_core::Engine>, String> {
    let opts = OpenOptions {
        access,
        application: application.into(),
        state: "sluice".into(),
        session: Vec::new(),
    };
    open(url, Path::new("."), &opts)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "the database does not exist".to_string())
}

/// Opens the database at `url`; `Ok(None)` when it does not exist and `access` does not
/// create it (read commands never create anything).
pub fn open(
    url: &str,
    base: &Path,
    opts: &OpenOptions,
) -> Result<Option<Box<dyn Engine>>, OpenError> {
    let masked = sluice_core::config::mask_url(url);
    if let Some(d) = dialect_of(url) {
        compiled(d)?;
    }
    match dialect_of(url) {
        #[cfg(feature = "sqlite")]
        Some(Dialect::Sqlite) => {
            if let Some((_, q)) = url.split_once('?') {
                return Err(OpenError::BadUrl(DbError::msg(format!(
                    "{masked}: sqlite: URLs take no parameters (`?{q}`): write sqlite:path/to/file.db"
                ))));
            }
            let path = sqlite_path(url, base).ok_or(OpenError::UnknownScheme {
                url: masked.clone(),
            })?;
            let Some(e) = sqlite::Sqlite::open(&path, &masked, opts.access)? else {
                return Ok(None);
            };
            let mut e = e.with_state(&opts.state);
            e.set_session(&opts.session).map_err(OpenError::Session)?;
            Ok(Some(Box::new(e)))
        }
        #[cfg(feature = "postgres")]
        Some(Dialect::Postgres) => {
            let target = postgres::parse_url(url).map_err(OpenError::BadUrl)?;
            let read_only = opts.access == Access::ReadOnly;
            let mut engine =
                postgres::Postgres::connect(target, &opts.application, &opts.state, read_only)?;
            if let Some(database) = engine.unproven().filter(|_| !read_only) {
                return Err(OpenError::Unproven {
                    url: masked,
                    database,
                    protocol: "PostgreSQL",
                });
            }
            engine
                .set_session(&opts.session)
                .map_err(OpenError::Session)?;
            Ok(Some(Box::new(engine)))
        }
        #[cfg(feature = "mysql")]
        Some(Dialect::MySql) => {
            let target = mysql::parse_url(url).map_err(OpenError::BadUrl)?;
            let read_only = opts.access == Access::ReadOnly;
            let mut engine =
                mysql::Mysql::connect(target, &opts.application, &opts.state, read_only)?;
            if let Some(database) = engine.unproven().filter(|_| !read_only) {
                return Err(OpenError::Unproven {
                    url: masked,
                    database,
                    protocol: "MySQL",
                });
            }
            engine
                .set_session(&opts.session)
                .map_err(OpenError::Session)?;
            Ok(Some(Box::new(engine)))
        }
        None => Err(OpenError::UnknownScheme { url: masked }),
        #[allow(unreachable_patterns)]
        Some(_) => unreachable!("compiled() refused the dialects this build has no driver for"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn distributed_databases_are_recognised_by_their_version_strings() {
        let cases = [
            (
                "CockroachDB CCL v23.1.11 (x86_64-pc-linux-gnu, built 2023/09/27 01:53:43, go1.19.10)",
                Some("CockroachDB"),
            ),
            (
                "PostgreSQL 11.2-YB-2.20.1.0-b0 on x86_64-pc-linux-gnu, compiled by clang version 16.0.6",
                Some("YugabyteDB"),
            ),
            ("8.0.11-TiDB-v7.5.0", Some("TiDB")),
            ("8.0.30-Vitess", Some("Vitess")),
            (
                "PostgreSQL 15.10 (Debian 15.10-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc",
                None,
            ),
            ("10.11.19-MariaDB-0+deb12u1", None),
            ("8.0.36", None),
        ];
        for (version, want) in cases {
            assert_eq!(super::unproven(version), want, "{version}");
        }
    }
}
