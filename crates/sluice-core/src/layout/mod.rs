//! Other tools' migration folders, read in place: dbmate, golang-migrate, Flyway, sqlx,
//! diesel, Prisma, Sqitch and pop/popx. Each reader returns the migrations in the order the
//! tool itself would apply them, with the version the tool records in its history table
//! (see [`Origin`]), so `sluice adopt` can take that history over.
//!
//! Files that are not migrations (READMEs, helper scripts) are returned as ignored, by
//! name, never skipped silently; a file that looks like a migration but cannot be read is
//! an error with the file and line.

mod dbmate;
mod detect;
mod diesel;
mod flyway;
mod golang;
mod pop;
mod prisma;
mod sqitch;
mod sqlx;
mod updown;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use sluice_sql::Dialect;

pub use detect::{Detected, classify_folder, detect};
pub use flyway::{Version as FlywayVersion, flyway_checksum};
pub use sqitch::sqitch_project;

use crate::expect::Expect;
use crate::file::{self, Check, FileError, Meta, Migration, Section, Stmt};
use crate::id::{Checksum, MigrationId};
use crate::load::{LoadError, Loaded};

/// A folder layout sluice reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// sluice's own format (docs/file-format.md).
    Sluice,
    /// `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down`.
    Dbmate,
    /// `<version>_<name>.up.sql` / `.down.sql`.
    GolangMigrate,
    /// `V<version>__<desc>.sql`, `U…` undo, `R__…` repeatable.
    Flyway,
    /// `<version>_<desc>.sql` or `.up.sql` / `.down.sql`.
    Sqlx,
    /// `<version>_<name>/up.sql` + `down.sql`.
    Diesel,
    /// `<timestamp>_<name>/migration.sql`.
    Prisma,
    /// `sqitch.plan` with `deploy/`, `revert/`, `verify/`.
    Sqitch,
    /// `<version>_<name>[.<dialect>][.autocommit].up.sql` (pop / popx).
    Pop,
    /// Plain `<version>[…].up.sql` / `.down.sql` pairs, versions shared or bare.
    UpDown,
}

impl Layout {
    /// Every layout, in the order the docs list them.
    pub const ALL: [Layout; 10] = [
        Layout::Sluice,
        Layout::Dbmate,
        Layout::GolangMigrate,
        Layout::Flyway,
        Layout::Sqlx,
        Layout::Diesel,
        Layout::Prisma,
        Layout::Sqitch,
        Layout::Pop,
        Layout::UpDown,
    ];

    /// The name used in `sluice.toml` and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Sluice => "sluice",
            Layout::Dbmate => "dbmate",
            Layout::GolangMigrate => "golang-migrate",
            Layout::Flyway => "flyway",
            Layout::Sqlx => "sqlx",
            Layout::Diesel => "diesel",
            Layout::Prisma => "prisma",
            Layout::Sqitch => "sqitch",
            Layout::Pop => "pop",
            Layout::UpDown => "updown",
        }
    }

    /// Reads a layout name; the error lists the known ones.
    pub fn parse(s: &str) -> Result<Layout, String> {
        let s = s.trim().to_ascii_lowercase();
        let alias = match s.as_str() {
            "migrate" | "golang_migrate" => "golang-migrate",
            "popx" => "pop",
            other => other,
        };
        Layout::ALL
            .into_iter()
            .find(|l| l.name() == alias)
            .ok_or_else(|| {
                let names: Vec<_> = Layout::ALL.iter().map(|l| l.name()).collect();
                format!("unknown layout `{s}`: the layouts are {}", names.join(", "))
            })
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a migration read from another tool's layout came from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Origin {
    /// The layout.
    pub layout: Layout,
    /// The version as the tool records it in its history table (Sqitch: the change name;
    /// Flyway repeatables: the description).
    pub version: String,
    /// Position in the tool's own order.
    pub rank: usize,
    /// The tool's own checksum of the file, where its history keeps one: Flyway's CRC-32
    /// (as a signed integer), sqlx's SHA-384, Prisma's SHA-256, Sqitch's SHA-1 (hex).
    pub tool_checksum: Option<String>,
    /// Sqitch: requirements on changes of other projects (`project:change`).
    pub external_requires: Vec<String>,
    /// Sqitch: the plan's `%project`.
    pub project: Option<String>,
    /// Sqitch: changes that must not be deployed (`!change`).
    pub conflicts: Vec<String>,
    /// Flyway: a repeatable (`R__`) migration.
    pub repeatable: bool,
}

impl Origin {
    fn new(layout: Layout, version: impl Into<String>) -> Origin {
        Origin {
            layout,
            version: version.into(),
            rank: 0,
            tool_checksum: None,
            external_requires: Vec::new(),
            project: None,
            conflicts: Vec::new(),
            repeatable: false,
        }
    }
}

/// Reads the migrations of `layout` from `dirs` (several only for Flyway's locations).
pub fn load(layout: Layout, dirs: &[PathBuf], dialect: Dialect) -> Result<Loaded, LoadError> {
    let Some(first) = dirs.first() else {
        return Err(one(
            Path::new("."),
            "no migrations folder is configured".into(),
        ));
    };
    let found = match layout {
        Layout::Sluice => {
            if dirs.len() > 1 {
                return Err(one(
                    first,
                    "several `locations` are read for the flyway layout only: set `[project] migrations` instead".into(),
                ));
            }
            return crate::load::load_dir(first, dialect);
        }
        Layout::Dbmate => dbmate::read(first, dialect),
        Layout::GolangMigrate => golang::read(first, dialect),
        Layout::Flyway => flyway::read(dirs, dialect),
        Layout::Sqlx => sqlx::read(first, dialect),
        Layout::Diesel => diesel::read(first, dialect),
        Layout::Prisma => prisma::read(first, dialect),
        Layout::Sqitch => sqitch::read(first, dialect),
        Layout::Pop => pop::read(first, dialect),
        Layout::UpDown => updown::read(first, dialect),
    };
    if layout != Layout::Flyway && dirs.len() > 1 {
        return Err(one(
            first,
            "several `locations` are read for the flyway layout only: set `[project] migrations` instead".into(),
        ));
    }
    let Found {
        mut migrations,
        mut ignored,
        mut errors,
    } = found;
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for (rank, m) in migrations.iter_mut().enumerate() {
        if let Some(o) = m.origin.as_mut() {
            o.rank = rank;
        }
        if let Some(first) = seen.insert(m.id.as_str().to_ascii_lowercase(), m.path.clone()) {
            errors.push(FileError {
                path: m.path.clone(),
                line: 0,
                message: format!(
                    "two migrations get the id `{}` ({} and this one): rename one",
                    m.id,
                    first.display()
                ),
            });
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
        return Err(LoadError { errors });
    }
    ignored.sort();
    ignored.dedup();
    Ok(Loaded {
        migrations,
        ignored,
    })
}

/// What one reader found: migrations in the tool's order.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub migrations: Vec<Migration>,
    pub ignored: Vec<PathBuf>,
    pub errors: Vec<FileError>,
}

impl Found {
    /// The entries of `dir`, or `None` with the error recorded.
    fn list(&mut self, dir: &Path) -> Option<Vec<(String, PathBuf, bool)>> {
        entries(dir).map_err(|e| self.errors.push(e)).ok()
    }

    fn push(&mut self, r: Result<Migration, FileError>) {
        match r {
            Ok(m) => self.migrations.push(m),
            Err(e) => self.errors.push(e),
        }
    }
}

fn one(path: &Path, message: String) -> LoadError {
    LoadError {
        errors: vec![FileError {
            path: path.into(),
            line: 0,
            message,
        }],
    }
}

/// The entries of a folder, sorted by name, hidden ones left out; `Err` when it cannot be
/// read.
pub(crate) fn entries(dir: &Path) -> Result<Vec<(String, PathBuf, bool)>, FileError> {
    let rd = std::fs::read_dir(dir).map_err(|e| FileError {
        path: dir.into(),
        line: 0,
        message: format!("cannot read the migrations folder: {e}; check `[project] migrations` in sluice.toml or pass --dir"),
    })?;
    let mut out = Vec::new();
    for e in rd {
        let e = e.map_err(|e| FileError {
            path: dir.into(),
            line: 0,
            message: format!("cannot list the migrations folder: {e}"),
        })?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = e.path();
        let is_dir = path.is_dir();
        out.push((name, path, is_dir));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Reads an optional second file (a down script), keeping its path for [`Script`].
pub(crate) fn read_optional(path: Option<&Path>) -> Result<Option<(PathBuf, String)>, FileError> {
    path.map(|p| Ok((p.to_path_buf(), read_text(p)?)))
        .transpose()
}

/// Reads a file as UTF-8, with the error sluice gives for its own files.
pub(crate) fn read_text(path: &Path) -> Result<String, FileError> {
    let bytes = std::fs::read(path).map_err(|e| FileError {
        path: path.into(),
        line: 0,
        message: format!("cannot read: {e}"),
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
        FileError {
            path: path.into(),
            line,
            message: "is not valid UTF-8: save it as UTF-8".into(),
        }
    })
}

/// How the tool decides whether a migration runs in a transaction.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Tx {
    /// In a transaction unless the file opts out; the text says how to opt out.
    Default(&'static str),
    /// Declared outside a transaction.
    Off,
    /// Decided by the content: a script wrapped in `BEGIN … COMMIT` runs in a transaction
    /// (sluice's own), one with statements that refuse a transaction runs outside one,
    /// anything else runs in a transaction.
    Auto,
}

/// A script of a migration: a whole file, or a section of one starting after `base_line`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Script<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub base_line: usize,
}

impl<'a> Script<'a> {
    pub fn whole(path: &'a Path, text: &'a str) -> Script<'a> {
        Script {
            path,
            text,
            base_line: 0,
        }
    }
}

/// Everything a reader knows about one migration.
#[derive(Debug)]
pub(crate) struct Parts<'a> {
    pub id: &'a str,
    pub path: PathBuf,
    pub up: Script<'a>,
    pub down: Option<Script<'a>>,
    pub verify: Option<Script<'a>>,
    pub tx: Tx,
    pub description: Option<String>,
    pub requires: Vec<MigrationId>,
    pub origin: Origin,
}

fn split(s: &Script<'_>, dialect: Dialect) -> Result<Vec<Stmt>, FileError> {
    let stmts = sluice_sql::split(s.text, dialect).map_err(|e| FileError {
        path: s.path.into(),
        line: s.base_line + e.line,
        message: file::split_message(&e),
    })?;
    Ok(stmts
        .into_iter()
        .map(|st| Stmt {
            sql: st.text.to_string(),
            line: s.base_line + st.line,
        })
        .collect())
}

/// The first word of a statement, upper-cased, comments skipped.
fn first_words(sql: &str) -> (String, String) {
    let code = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ");
    let mut w = code
        .split(|c: char| c.is_whitespace() || c == ';')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase);
    (w.next().unwrap_or_default(), w.next().unwrap_or_default())
}

/// Removes a `BEGIN` first and a `COMMIT` (or, for verify scripts, `ROLLBACK`) last that
/// wrap the whole script — one block, with no other transaction control between them (a
/// file of two `BEGIN … COMMIT` blocks keeps both); says whether it did.
fn unwrap_transaction(stmts: &mut Vec<Stmt>, closing: &[&str]) -> bool {
    let opens = stmts.first().is_some_and(|s| {
        let (a, b) = first_words(&s.sql);
        file::is_transaction_control(&s.sql)
            && (a == "BEGIN" || (a == "START" && b == "TRANSACTION"))
    });
    let closes = stmts.len() >= 2
        && stmts.last().is_some_and(|s| {
            let (a, _) = first_words(&s.sql);
            file::is_transaction_control(&s.sql) && closing.contains(&a.as_str())
        });
    let one_block = stmts.len() >= 2
        && !stmts[1..stmts.len() - 1]
            .iter()
            .any(|s| file::is_transaction_control(&s.sql));
    if opens && closes && one_block {
        stmts.pop();
        stmts.remove(0);
        true
    } else {
        false
    }
}

fn refused(dialect: Dialect, sql: &str) -> Option<&'static str> {
    match dialect {
        Dialect::Postgres => file::outside_transaction_only(sql),
        Dialect::Sqlite => file::outside_transaction_only(sql).filter(|w| *w == "VACUUM"),
        Dialect::MySql => None,
    }
}

/// Builds a [`Migration`] from a reader's parts.
pub(crate) fn build(p: Parts<'_>, dialect: Dialect) -> Result<Migration, FileError> {
    let tool = p.origin.layout.name();
    let id = MigrationId::lenient(p.id);
    let mut up = split(&p.up, dialect)?;
    unwrap_transaction(&mut up, &["COMMIT", "END"]);
    let control = up.iter().find(|s| file::is_transaction_control(&s.sql));
    let refuses = up
        .iter()
        .find_map(|s| refused(dialect, &s.sql).map(|w| (s.line, w)));
    let transaction = match p.tx {
        Tx::Off => false,
        Tx::Auto => control.is_none() && refuses.is_none(),
        Tx::Default(hint) => {
            if let Some(s) = control {
                return Err(FileError {
                    path: p.up.path.into(),
                    line: s.line,
                    message: format!(
                        "transaction control inside a migration that {tool} runs in a transaction: remove it, or {hint}"
                    ),
                });
            }
            if let Some((line, what)) = refuses {
                return Err(FileError {
                    path: p.up.path.into(),
                    line,
                    message: format!(
                        "{what} cannot run inside a transaction block, and {tool} runs this migration in one: {hint}"
                    ),
                });
            }
            true
        }
    };
    let down = match &p.down {
        None => None,
        Some(d) => {
            let mut stmts = split(d, dialect)?;
            unwrap_transaction(&mut stmts, &["COMMIT", "END"]);
            Some(Section {
                marker_line: d.base_line,
                file: (d.path != p.up.path).then(|| d.path.to_path_buf()),
                statements: stmts,
            })
        }
    };
    let verify = match &p.verify {
        None => Vec::new(),
        Some(v) => {
            let mut stmts = split(v, dialect)?;
            unwrap_transaction(&mut stmts, &["ROLLBACK", "COMMIT", "END"]);
            stmts
                .into_iter()
                .map(|s| Check {
                    expect: Expect::Ok,
                    sql: s.sql,
                    line: s.line,
                })
                .collect()
        }
    };
    let meta = Meta {
        description: p.description,
        requires: p.requires,
        transaction,
        irreversible: down.is_none(),
        ..Meta::default()
    };
    Ok(Migration {
        id,
        path: p.path,
        meta,
        up: Section {
            marker_line: p.up.base_line,
            file: None,
            statements: up,
        },
        down,
        verify,
        checksum: Checksum::v1(p.up.text),
        origin: Some(p.origin),
        down_missing: false,
    })
}

/// The leading ASCII digits of `s`.
pub(crate) fn leading_digits(s: &str) -> &str {
    let end = s
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    &s[..end]
}

/// Lower-case hex of a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
