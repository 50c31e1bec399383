//! The SQLite engine: the embedded default.
//!
//! State lives in `sluice_migrations`, `sluice_events` (append-only, enforced by triggers)
//! and `sluice_lock`, next to the user's tables (`<state>_…` for another state name, so
//! several applications keep their own history in one file). Transactions are `BEGIN
//! IMMEDIATE`, so two runners serialise on SQLite's write lock.
//!
//! The migration lock is an operating-system file lock (`flock`; `LockFileEx` on Windows)
//! on `<database>.sluice-lock` (`.<state>-lock`), beside the database, held for the whole run: the kernel
//! releases it when the process ends in any way, whatever PID or UTS namespace it ran in (a
//! container, a pod on a shared volume), on every platform. The row in `sluice_lock` only
//! names the holder, with a heartbeat; a row found by a run that got the file lock belongs
//! to a run that is gone. The lock file is never deleted (deleting a lock file others may
//! hold open would let two runs lock two different files).
//!
//! A database file that sluice creates is put in WAL journal mode.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sluice_core::engine::{
    Capabilities, DbError, EngineInfo, Event, EventFilter, EventRow, Expected, LockError,
    LockGuard, LockHolder, QueryOutcome, Record, Value, WriteError,
};
use sluice_core::schema::{SchemaObject, TableStats};
use sluice_core::{Checksum, Engine, MigrationId, RunId, State};
use sluice_sql::Dialect;
use sluice_sql::footprint::{Presence, Thing};

/// sluice's tables in a new database. The history is keyed by id alone (`WITHOUT ROWID`:
/// one b-tree, not a table and its index) and the append-only events take the next `seq`
/// without `AUTOINCREMENT` (no `sqlite_sequence` row to update; rows are never deleted,
/// so a number is never used twice): each migration's commit writes fewer pages. The
/// check on `state` is a chain of `=` (SQLite evaluates `IN (…)` in a `CHECK` by building
/// a temporary table of the list at every insert). Tables made by an earlier sluice keep
/// their shape and are written the same way.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sluice_migrations (
    id TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL CHECK (state = 'pending' OR state = 'applying' OR state = 'applied' OR state = 'reverting' OR state = 'failed' OR state = 'partial'),
    checksum TEXT NOT NULL,
    applied_seq INTEGER,
    applied_at TEXT,
    applied_by TEXT,
    run_id TEXT NOT NULL,
    duration_ms INTEGER,
    statements_total INTEGER NOT NULL,
    statements_done INTEGER NOT NULL,
    done_checksum TEXT,
    started_statement INTEGER,
    started_checksum TEXT,
    last_error TEXT,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sluice_events (
    seq INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    migration_id TEXT,
    from_state TEXT,
    to_state TEXT,
    allowed INTEGER NOT NULL,
    reason TEXT,
    actor TEXT NOT NULL,
    host TEXT NOT NULL,
    sluice_version TEXT NOT NULL,
    git_commit TEXT,
    ci_run TEXT,
    checksum TEXT,
    duration_ms INTEGER,
    at TEXT NOT NULL,
    details TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS sluice_events_no_update BEFORE UPDATE ON sluice_events
BEGIN SELECT RAISE(ABORT, 'sluice_events is append-only'); END;
CREATE TRIGGER IF NOT EXISTS sluice_events_no_delete BEFORE DELETE ON sluice_events
BEGIN SELECT RAISE(ABORT, 'sluice_events is append-only'); END;
CREATE TABLE IF NOT EXISTS sluice_lock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    run_id TEXT NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    actor TEXT NOT NULL,
    since TEXT NOT NULL,
    heartbeat TEXT NOT NULL,
    expires TEXT
);
";

/// Columns added to sluice's tables after their first release: added to older tables by
/// `create_state`, read around by readers (which never write).
const ADDED: [(&str, &str, &str); 4] = [
    ("sluice_migrations", "done_checksum", "TEXT"),
    ("sluice_migrations", "started_statement", "INTEGER"),
    ("sluice_migrations", "started_checksum", "TEXT"),
    ("sluice_lock", "expires", "TEXT"),
];

/// How long a statement waits on another connection's write lock by default.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A connection to one SQLite database file.
#[derive(Debug)]
pub struct Sqlite {
    conn: Connection,
    path: PathBuf,
    url: String,
    /// The environment's session settings, made again on a new connection.
    session: Vec<String>,
    /// How it was opened (a new connection opens it the same way, never creating it).
    flags: OpenFlags,
    /// The name of sluice's state: its tables are `<state>_migrations`, `<state>_events`
    /// and `<state>_lock` (`sluice_…` by default), so several applications can keep their
    /// own history in one file.
    state: String,
    /// The lock this connection took: its run and the flag that tells the lock's own
    /// connection that the row is being deleted here.
    held_lock: Option<(String, Arc<AtomicBool>)>,
}

pub use crate::Access;

impl Sqlite {
    /// Makes the session settings (`PRAGMA …`) of the environment on this connection.
    pub fn set_session(&mut self, session: &[String]) -> Result<(), DbError> {
        self.session = session.to_vec();
        for s in session {
            self.conn.execute_batch(s).map_err(|e| {
                let mut d = map_error(e);
                d.message = format!("session setting `{s}` failed: {}", d.message);
                d
            })?;
        }
        Ok(())
    }

    /// Opens `path`; `None` when the file is missing and `access` does not create it.
    pub fn open(path: &Path, url: &str, access: Access) -> Result<Option<Sqlite>, DbError> {
        let exists = path.exists();
        if !exists && access != Access::Create {
            return Ok(None);
        }
        // A file that is there but empty is new too (a runner stopped as it made it).
        let empty = std::fs::metadata(path)
            .map(|m| m.len() == 0)
            .unwrap_or(true);
        let flags = match access {
            Access::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
            Access::Existing => OpenFlags::SQLITE_OPEN_READ_WRITE,
            Access::Create => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| {
            DbError::msg(format!(
                "cannot open SQLite database {}: {}",
                path.display(),
                map_error(e).message
            ))
        })?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(map_error)?;
        let conn = if access == Access::ReadOnly {
            recover_hot_journal(conn, path)?
        } else {
            conn
        };
        if empty && access == Access::Create {
            // A new database: WAL lets readers run while a migration writes.
            set_wal(&conn)?;
        }
        Ok(Some(Sqlite {
            conn,
            path: path.to_path_buf(),
            url: url.to_string(),
            session: Vec::new(),
            flags: flags - OpenFlags::SQLITE_OPEN_CREATE,
            state: "sluice".into(),
            held_lock: None,
        }))
    }

    /// Keeps sluice's state in the tables of `state` (`<state>_migrations`, …); `sluice`
    /// by default. A lower-case name of letters, digits and `_` (the configuration
    /// checks it).
    pub fn with_state(mut self, state: &str) -> Sqlite {
        self.state = state.to_string();
        self
    }

    /// `sql`, written for the default state, for this one.
    fn q(&self, sql: &str) -> String {
        if self.state == "sluice" {
            return sql.to_string();
        }
        let s = &self.state;
        sql.replace("sluice_migrations", &format!("{s}_migrations"))
            .replace("sluice_events", &format!("{s}_events"))
            .replace("sluice_lock", &format!("{s}_lock"))
    }

    /// Which of the columns added later this table has (readers read around the others).
    fn has_column(&self, table: &str, column: &str) -> Result<bool, DbError> {
        self.conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2",
                [table, column],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)
            .map_err(map_error)
    }

    fn lock_row(conn: &Connection, state: &str) -> Result<Option<LockHolder>, DbError> {
        conn.query_row(
            &format!(
                "SELECT run_id, pid, host, actor, since, heartbeat FROM {state}_lock WHERE id = 1"
            ),
            [],
            |r| {
                Ok(LockHolder {
                    run_id: RunId::from_recorded(r.get(0)?),
                    pid: r.get(1)?,
                    host: r.get(2)?,
                    actor: r.get(3)?,
                    since: r.get(4)?,
                    heartbeat: r.get(5)?,
                    main_session: None,
                    session: None,
                })
            },
        )
        .optional()
        .map_err(map_error)
    }

    /// `column` of the history table, or NULL for a table of an earlier sluice without it.
    fn column_or_null(&self, column: &'static str) -> Result<&'static str, DbError> {
        Ok(
            if self.has_column(&format!("{}_migrations", self.state), column)? {
                column
            } else {
                "NULL"
            },
        )
    }

    /// The lock file beside the database.
    fn lock_path(&self) -> PathBuf {
        lock_path(&self.path, &self.state)
    }

    /// The row naming the holder of the file lock, or one that says nobody is named.
    fn named_holder(&self) -> LockHolder {
        let exists = self.state_exists_quietly();
        exists
            .then(|| Self::lock_row(&self.conn, &self.state).ok().flatten())
            .flatten()
            .unwrap_or_else(|| LockHolder::unknown("unknown: the lock row is not written yet"))
    }

    fn state_exists_quietly(&self) -> bool {
        self.conn
            .query_row(
                &self.q("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sluice_lock'"),
                [],
                |r| r.get::<_, i64>(0),
            )
            .is_ok_and(|n| n > 0)
    }

    /// Writes this run's row in `sluice_lock` (the file lock is held): who held it before,
    /// when a run that is gone left its row.
    fn write_lock_row(&mut self, me: &LockHolder) -> Result<Option<LockHolder>, DbError> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(map_error)?;
        let result = (|| {
            let took_over = Self::lock_row(&self.conn, &self.state)?;
            let now = sluice_core::time::Timestamp::now();
            self.conn
                .execute(
                    &self.q("INSERT OR REPLACE INTO sluice_lock (id, run_id, pid, host, actor, since, heartbeat, expires) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
                    params![me.run_id.as_str(), me.pid, me.host, me.actor, me.since, now.rfc3339(), lease_end(now)],
                )
                .map_err(map_error)?;
            Ok(took_over)
        })();
        match &result {
            Ok(_) => self.conn.execute_batch("COMMIT").map_err(map_error)?,
            Err(_) => {
                let _ = self.conn.execute_batch("ROLLBACK");
            }
        }
        result
    }
}

/// `<database>.<state>-lock` (`.sluice-lock` for the default state).
fn lock_path(db: &Path, state: &str) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{state}-lock"));
    db.with_file_name(name)
}

/// When a lease renewed `now` ends.
fn lease_end(now: sluice_core::time::Timestamp) -> String {
    now.plus(sluice_core::engine::LEASE).rfc3339()
}

/// Whether the file at `path` is still the one `file` has open (a lock on a file that was
/// removed or replaced protects nothing).
#[cfg(unix)]
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &std::fs::File, path: &Path) -> bool {
    path.exists()
}

/// Puts a new database in WAL mode. The switch needs an exclusive lock and SQLite may
/// answer BUSY at once, without its busy handler, when another process opens the same new
/// file at the same moment; so retry for as long as the busy timeout.
fn set_wal(conn: &Connection) -> Result<(), DbError> {
    let started = Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())) {
            Ok(()) => return Ok(()),
            Err(e) if is_busy(&e) && started.elapsed() < BUSY_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(5))
            }
            Err(e) => return Err(map_error(e)),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

/// Maps a SQLite error to a [`DbError`] with a SQLSTATE where one fits.
/// SQLITE_READONLY_ROLLBACK: a read-only connection found a hot journal.
const READONLY_ROLLBACK: i32 = 776;

/// A writer killed inside a transaction of a rollback-journal database leaves a hot
/// journal, and a read-only connection cannot read until some connection rolls it
/// back. That rollback is SQLite's own recovery (it puts back the last committed
/// state, which is what every reader must see), so a reader that may write does it
/// once, then reads read-only as asked.
fn recover_hot_journal(conn: Connection, path: &Path) -> Result<Connection, DbError> {
    let first = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    });
    match first {
        Err(rusqlite::Error::SqliteFailure(f, _)) if f.extended_code == READONLY_ROLLBACK => {}
        _ => return Ok(conn),
    }
    drop(conn);
    let cannot = |e: rusqlite::Error| {
        let journal = format!("{}-journal", path.display());
        DbError::msg(format!(
            "SQLite database {} has a hot journal {journal} left by a writer that stopped \
             inside a transaction, and rolling it back needs write access: {}. Open the \
             database once with write access (any `sluice up`, or `sqlite3 {} 'SELECT 1'`) \
             and SQLite puts back the last committed state",
            path.display(),
            map_error(e).message,
            path.display()
        ))
    };
    let writer = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(cannot)?;
    writer.busy_timeout(BUSY_TIMEOUT).map_err(map_error)?;
    writer
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(cannot)?;
    drop(writer);
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(map_error)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(map_error)?;
    Ok(conn)
}

pub fn map_error(e: rusqlite::Error) -> DbError {
    map_error_ref(&e)
}

fn map_error_ref(e: &rusqlite::Error) -> DbError {
    match e {
        rusqlite::Error::SqliteFailure(f, msg) => {
            let message = msg.clone().unwrap_or_else(|| f.to_string());
            let (native, state) = match f.extended_code {
                2067 => ("SQLITE_CONSTRAINT_UNIQUE", Some("23505")),
                1555 => ("SQLITE_CONSTRAINT_PRIMARYKEY", Some("23505")),
                787 => ("SQLITE_CONSTRAINT_FOREIGNKEY", Some("23503")),
                1299 => ("SQLITE_CONSTRAINT_NOTNULL", Some("23502")),
                275 => ("SQLITE_CONSTRAINT_CHECK", Some("23514")),
                1811 => ("SQLITE_CONSTRAINT_TRIGGER", Some("P0001")),
                19 => ("SQLITE_CONSTRAINT", Some("23000")),
                5 | 261 | 517 => ("SQLITE_BUSY", Some("55P03")),
                6 => ("SQLITE_LOCKED", Some("55P03")),
                8 => ("SQLITE_READONLY", Some("25006")),
                READONLY_ROLLBACK => ("SQLITE_READONLY_ROLLBACK", Some("25006")),
                1 => ("SQLITE_ERROR", sqlstate_from_message(&message)),
                _ => ("SQLITE_ERROR", None),
            };
            let native = if native == "SQLITE_ERROR" && f.extended_code != 1 {
                format!("SQLITE_ERROR_{}", f.extended_code)
            } else {
                native.to_string()
            };
            DbError {
                message,
                sqlstate: state.map(str::to_string),
                native_code: Some(native),
                connection_lost: false,
            }
        }
        other => DbError::msg(other.to_string()),
    }
}

fn sqlstate_from_message(m: &str) -> Option<&'static str> {
    if m.starts_with("no such table") {
        Some("42P01")
    } else if m.starts_with("no such column") {
        Some("42703")
    } else if m.starts_with("no such function") {
        Some("42883")
    } else if m.contains("syntax error") || m.starts_with("incomplete input") {
        Some("42601")
    } else if m.contains("already exists") {
        Some("42P07")
    } else {
        None
    }
}

fn state_col(s: Option<String>) -> rusqlite::Result<Option<State>> {
    s.map(|s| {
        s.parse::<State>().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
        })
    })
    .transpose()
}

fn id_col(s: String) -> rusqlite::Result<MigrationId> {
    MigrationId::stored(&s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })
}

impl Engine for Sqlite {
    /// A new connection to the same file: what a new process would have (no temporary
    /// tables, no `PRAGMA`s but the environment's session settings).
    fn reconnect(&mut self) -> Result<(), DbError> {
        let conn = Connection::open_with_flags(&self.path, self.flags).map_err(map_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(map_error)?;
        self.conn = conn;
        let session = std::mem::take(&mut self.session);
        self.set_session(&session)
    }

    /// Temporary tables, views, triggers and indexes live in the connection.
    fn session_has_state(&mut self) -> Result<bool, DbError> {
        self.conn
            .query_row("SELECT count(*) FROM temp.sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n > 0)
            .map_err(map_error)
    }

    fn info(&self) -> EngineInfo {
        EngineInfo {
            dialect: Dialect::Sqlite,
            url: self.url.clone(),
            server: format!("SQLite {}", rusqlite::version()),
        }
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: true,
            advisory_lock: false,
            lock_timeout: false,
        }
    }

    fn state_exists(&mut self) -> Result<bool, DbError> {
        self.conn
            .query_row(&self.q("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sluice_migrations'"), [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n > 0)
            .map_err(map_error)
    }

    fn create_state(&mut self) -> Result<(), DbError> {
        if self.state_exists()? {
            // Tables from an earlier sluice: add what they lack (never drop or rewrite).
            for (table, column, ty) in ADDED {
                let table = self.q(table);
                if !self.has_column(&table, column)? {
                    self.conn
                        .execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {ty}"))
                        .map_err(map_error)?;
                }
            }
            return Ok(());
        }
        let schema = self.q(SCHEMA);
        self.conn
            .execute_batch(&format!("BEGIN IMMEDIATE; {schema} COMMIT;"))
            .map_err(|e| {
                let _ = self.conn.execute_batch("ROLLBACK");
                map_error(e)
            })
    }

    fn records(&mut self) -> Result<Vec<Record>, DbError> {
        let mut st = self
            .conn
            .prepare_cached(
                &format!(
                    "SELECT id, state, checksum, applied_seq, applied_at, applied_by, run_id, duration_ms, statements_total, statements_done, {}, last_error, updated_at, {}, {} FROM {}_migrations",
                    self.column_or_null("done_checksum")?,
                    self.column_or_null("started_statement")?,
                    self.column_or_null("started_checksum")?,
                    self.state,
                ),
            )
            .map_err(map_error)?;
        let rows = st
            .query_map([], |r| {
                Ok(Record {
                    id: id_col(r.get(0)?)?,
                    state: state_col(Some(r.get(1)?))?.unwrap_or(State::Pending),
                    checksum: Checksum::from_recorded(r.get(2)?),
                    applied_seq: r.get(3)?,
                    applied_at: r.get(4)?,
                    applied_by: r.get(5)?,
                    run_id: RunId::from_recorded(r.get(6)?),
                    duration_ms: r.get::<_, Option<i64>>(7)?.map(|d| d as u64),
                    statements_total: r.get(8)?,
                    statements_done: r.get(9)?,
                    done_checksum: r.get::<_, Option<String>>(10)?.map(Checksum::from_recorded),
                    last_error: r.get(11)?,
                    updated_at: r.get(12)?,
                    started_statement: r.get(13)?,
                    started_checksum: r.get::<_, Option<String>>(14)?.map(Checksum::from_recorded),
                })
            })
            .map_err(map_error)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(map_error)
    }

    fn events(&mut self, filter: &EventFilter) -> Result<Vec<EventRow>, DbError> {
        let mut sql = self.q(
            "SELECT seq, run_id, migration_id, from_state, to_state, allowed, reason, actor, host, sluice_version, git_commit, ci_run, checksum, duration_ms, at, details FROM sluice_events WHERE (?1 IS NULL OR migration_id = ?1) AND (?2 IS NULL OR run_id = ?2) ORDER BY seq DESC",
        );
        if filter.limit.is_some() {
            sql.push_str(" LIMIT ?3");
        }
        let mut st = self.conn.prepare(&sql).map_err(map_error)?;
        let map = |r: &rusqlite::Row<'_>| {
            let details: String = r.get(15)?;
            Ok(EventRow {
                seq: r.get(0)?,
                event: Event {
                    run_id: RunId::from_recorded(r.get(1)?),
                    migration_id: r.get::<_, Option<String>>(2)?.map(id_col).transpose()?,
                    from_state: state_col(r.get(3)?)?,
                    to_state: state_col(r.get(4)?)?,
                    allowed: r.get(5)?,
                    reason: r.get(6)?,
                    actor: r.get(7)?,
                    host: r.get(8)?,
                    sluice_version: r.get(9)?,
                    git_commit: r.get(10)?,
                    ci_run: r.get(11)?,
                    checksum: r.get::<_, Option<String>>(12)?.map(Checksum::from_recorded),
                    duration_ms: r.get::<_, Option<i64>>(13)?.map(|d| d as u64),
                    at: r.get(14)?,
                    details: serde_json::from_str(&details)
                        .unwrap_or(serde_json::Value::String(details)),
                },
            })
        };
        let rows: Vec<EventRow> = match filter.limit {
            Some(l) => st.query_map(params![filter.migration, filter.run, l as i64], map),
            None => st.query_map(params![filter.migration, filter.run], map),
        }
        .map_err(map_error)?
        .collect::<Result<_, _>>()
        .map_err(map_error)?;
        Ok(rows.into_iter().rev().collect())
    }

    fn lock(
        &mut self,
        holder: &LockHolder,
        wait: Duration,
    ) -> Result<Box<dyn LockGuard>, LockError> {
        let path = self.lock_path();
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| {
                DbError::msg(format!(
                    "cannot open the lock file {}: {e}; sluice keeps it beside the database and needs to write in that folder",
                    path.display()
                ))
            })?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    if started.elapsed() >= wait {
                        return Err(LockError::Timeout {
                            holder: Some(Box::new(self.named_holder())),
                            waited: started.elapsed(),
                        });
                    }
                    std::thread::sleep(
                        Duration::from_millis(20).min(wait.saturating_sub(started.elapsed())),
                    );
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(LockError::Db(DbError::msg(format!(
                        "cannot lock {}: {e}",
                        path.display()
                    ))));
                }
            }
        }
        // Holding the file lock, any row left in sluice_lock is a gone run's.
        let took_over = self.write_lock_row(holder)?;
        let beat_conn = Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .map_err(map_error)?;
        beat_conn
            .busy_timeout(Duration::from_millis(200))
            .map_err(map_error)?;
        let run_id = holder.run_id.as_str().to_string();
        let release_run = run_id.clone();
        let beat_sql = self
            .q("UPDATE sluice_lock SET heartbeat = ?1, expires = ?2 WHERE id = 1 AND run_id = ?3");
        let release_sql = self.q("DELETE FROM sluice_lock WHERE id = 1 AND run_id = ?1");
        let released_here = Arc::new(AtomicBool::new(false));
        self.held_lock = Some((run_id.clone(), Arc::clone(&released_here)));
        let (beating, releasing) = (Arc::clone(&released_here), released_here);
        let lease = crate::lease::Lease::start(
            beat_conn,
            move |c: &mut Connection| {
                if beating.load(Ordering::SeqCst) {
                    return Ok(()); // the run is releasing the lock
                }
                let now = sluice_core::time::Timestamp::now();
                match c.execute(&beat_sql, params![now.rfc3339(), lease_end(now), run_id]) {
                    Ok(1) => Ok(()),
                    Ok(_) => Err(DbError::msg(
                        "the lock row no longer names this run (it was removed by hand)",
                    )),
                    // The migration holds SQLite's write lock: beat next time.
                    Err(e) if is_busy(&e) => Ok(()),
                    Err(e) => Err(map_error(e)),
                }
            },
            move |c: Connection| {
                if releasing.load(Ordering::SeqCst) {
                    return Ok(()); // the row was deleted on the run's connection
                }
                c.busy_timeout(BUSY_TIMEOUT).map_err(map_error)?;
                c.execute(&release_sql, params![release_run])
                    .map(|_| ())
                    .map_err(map_error)
            },
        );
        Ok(Box::new(SqliteLock {
            file: Some(file),
            path,
            lease,
            took_over,
        }))
    }

    // BEGIN and COMMIT are compiled once (they name no table, so a migration's DDL does
    // not make SQLite compile them again).
    fn begin(&mut self) -> Result<(), DbError> {
        self.conn
            .prepare_cached("BEGIN IMMEDIATE")
            .and_then(|mut st| st.execute([]))
            .map(|_| ())
            .map_err(map_error)
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.conn
            .prepare_cached("COMMIT")
            .and_then(|mut st| st.execute([]))
            .map(|_| ())
            .map_err(map_error)
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        if self.conn.is_autocommit() {
            return Ok(());
        }
        self.conn.execute_batch("ROLLBACK").map_err(map_error)
    }

    fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        self.conn.execute_batch(sql).map_err(map_error)
    }

    fn query_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, DbError> {
        use rusqlite::types::ValueRef;
        let mut st = self.conn.prepare(sql).map_err(map_error)?;
        let ncols = st.column_count();
        let mut rows = st.query([]).map_err(map_error)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(map_error)? {
            let mut vals = Vec::with_capacity(ncols);
            for i in 0..ncols {
                vals.push(match row.get_ref(i).map_err(map_error)? {
                    ValueRef::Null => None,
                    ValueRef::Integer(i) => Some(i.to_string()),
                    ValueRef::Real(r) => Some(r.to_string()),
                    ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Some(b.iter().map(|x| format!("{x:02x}")).collect()),
                });
            }
            out.push(vals);
        }
        Ok(out)
    }

    fn query(&mut self, sql: &str) -> Result<QueryOutcome, DbError> {
        let mut st = self.conn.prepare(sql).map_err(map_error)?;
        let ncols = st.column_count();
        let mut rows = st.query([]).map_err(map_error)?;
        let mut count = 0u64;
        let mut first = None;
        while let Some(row) = rows.next().map_err(map_error)? {
            if count == 0 {
                let mut vals = Vec::with_capacity(ncols);
                for i in 0..ncols {
                    use rusqlite::types::ValueRef;
                    vals.push(match row.get_ref(i).map_err(map_error)? {
                        ValueRef::Null => Value::Null,
                        ValueRef::Integer(i) => Value::Int(i),
                        ValueRef::Real(r) => Value::Real(r),
                        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Blob(b) => Value::Blob(b.len()),
                    });
                }
                first = Some(vals);
            }
            count += 1;
        }
        Ok(QueryOutcome {
            row_count: count,
            first_row: first,
        })
    }

    fn snapshot(&mut self, stats: bool) -> Result<(Vec<SchemaObject>, Vec<TableStats>), DbError> {
        let mut st = self
            .conn
            .prepare(&self.q(
                "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' \
                 AND tbl_name NOT IN ('sluice_migrations', 'sluice_events', 'sluice_lock')",
            ))
            .map_err(map_error)?;
        let objects: Vec<SchemaObject> = st
            .query_map([], |r| {
                Ok(SchemaObject {
                    kind: r.get(0)?,
                    name: r.get(1)?,
                    definition: r.get(2)?,
                })
            })
            .map_err(map_error)?
            .collect::<Result<_, _>>()
            .map_err(map_error)?;
        let mut sizes = Vec::new();
        if stats {
            for o in objects.iter().filter(|o| o.kind == "table") {
                let quoted = format!("\"{}\"", o.name.replace('"', "\"\""));
                let rows: i64 = self
                    .conn
                    .query_row(&format!("SELECT count(*) FROM {quoted}"), [], |r| r.get(0))
                    .map_err(map_error)?;
                let bytes: i64 = self
                    .conn
                    .query_row(
                        "SELECT coalesce(sum(pgsize), -1) FROM dbstat WHERE name = ?1",
                        [&o.name],
                        |r| r.get(0),
                    )
                    .unwrap_or(-1);
                sizes.push(TableStats {
                    table: o.name.clone(),
                    rows_estimate: rows,
                    bytes,
                });
            }
        }
        Ok((objects, sizes))
    }

    fn plan_indexes(&mut self, sql: &str) -> Result<Vec<String>, DbError> {
        let mut st = self
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .map_err(map_error)?;
        let details: Vec<String> = st
            .query_map([], |r| r.get::<_, String>(3))
            .map_err(map_error)?
            .collect::<Result<_, _>>()
            .map_err(map_error)?;
        // "SEARCH t USING INDEX name (x=?)", "SCAN t USING COVERING INDEX name"
        Ok(details
            .iter()
            .filter_map(|d| {
                d.split_once(" INDEX ")
                    .map(|(_, rest)| rest.split_whitespace().next().unwrap_or("").to_string())
            })
            .collect())
    }

    fn record(
        &mut self,
        r: &Record,
        expected: &Expected,
        events: &[Event],
    ) -> Result<(), WriteError> {
        let values = params![
            r.id.as_str(),
            r.state.as_str(),
            r.checksum.as_str(),
            r.applied_seq,
            r.applied_at,
            r.applied_by,
            r.run_id.as_str(),
            r.duration_ms.map(|d| d as i64),
            r.statements_total,
            r.statements_done,
            r.done_checksum.as_ref().map(|c| c.as_str()),
            r.last_error,
            r.updated_at,
            r.started_statement,
            r.started_checksum.as_ref().map(|c| c.as_str()),
        ];
        let written = match expected {
            Expected::Absent => {
                let mut st = self
                    .conn
                    .prepare_cached(
                        &self.q("INSERT INTO sluice_migrations (id, state, checksum, applied_seq, applied_at, applied_by, run_id, duration_ms, statements_total, statements_done, done_checksum, last_error, updated_at, started_statement, started_checksum) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"),
                    )
                    .map_err(map_error)?;
                match st.execute(values) {
                    Ok(n) => n,
                    Err(e) if map_error_ref(&e).sqlstate.as_deref() == Some("23505") => 0,
                    Err(e) => return Err(map_error(e).into()),
                }
            }
            Expected::Row { state, run_id } => {
                let mut st = self
                    .conn
                    .prepare_cached(
                        &self.q("UPDATE sluice_migrations SET state = ?2, checksum = ?3, applied_seq = ?4, applied_at = ?5, applied_by = ?6, run_id = ?7, duration_ms = ?8, \
                         statements_total = ?9, statements_done = ?10, done_checksum = ?11, last_error = ?12, updated_at = ?13, started_statement = ?14, started_checksum = ?15 \
                         WHERE id = ?1 AND state = ?16 AND run_id = ?17"),
                    )
                    .map_err(map_error)?;
                let mut all: Vec<&dyn rusqlite::ToSql> = values.to_vec();
                let (s, run) = (state.as_str(), run_id.as_str());
                all.push(&s);
                all.push(&run);
                st.execute(all.as_slice()).map_err(map_error)?
            }
        };
        if written != 1 {
            let found = self.records()?.into_iter().find(|x| x.id == r.id);
            return Err(WriteError::Changed {
                found: Expected::of(found.as_ref()),
            });
        }
        for e in events {
            self.append_event(e)?;
        }
        Ok(())
    }

    fn probe(&mut self, thing: &Thing) -> Result<Presence, DbError> {
        let master = |schema: &Option<String>| match schema {
            Some(s) if !s.eq_ignore_ascii_case("main") => {
                format!("\"{}\".sqlite_master", s.replace('"', "\"\""))
            }
            _ => "sqlite_master".to_string(),
        };
        let exists = |sql: &str, args: &[&str]| -> Result<Presence, DbError> {
            let n: i64 = self
                .conn
                .query_row(sql, rusqlite::params_from_iter(args.iter()), |r| r.get(0))
                .map_err(map_error)?;
            Ok(if n > 0 {
                Presence::Present
            } else {
                Presence::Absent
            })
        };
        let object = |kind: &str, n: &sluice_sql::parse::Name| {
            exists(
                &format!(
                    "SELECT count(*) FROM {} WHERE type = ?1 AND name = ?2 COLLATE NOCASE",
                    master(&n.schema)
                ),
                &[kind, &n.name],
            )
        };
        match thing {
            Thing::Table(n) => object("table", n),
            Thing::View(n) => object("view", n),
            Thing::Index { name, .. } => object("index", name),
            Thing::Trigger { name, .. } => object("trigger", name),
            Thing::Column { table, column } => exists(
                "SELECT count(*) FROM pragma_table_info(?1, ?2) WHERE name = ?3 COLLATE NOCASE",
                &[
                    &table.name,
                    table.schema.as_deref().unwrap_or("main"),
                    column,
                ],
            ),
            Thing::NotNull { table, column } => exists(
                "SELECT count(*) FROM pragma_table_info(?1, ?2) WHERE name = ?3 COLLATE NOCASE AND \"notnull\"",
                &[
                    &table.name,
                    table.schema.as_deref().unwrap_or("main"),
                    column,
                ],
            ),
            // SQLite has none of these: a statement that makes one failed.
            _ => Ok(Presence::Absent),
        }
    }

    /// Deletes the lock row on this connection, whose schema is loaded, before the guard
    /// lets the file lock go: the lock's own connection would first read the whole schema
    /// again after the migrations' DDL (milliseconds once there are thousands of objects).
    /// When the delete fails here, the guard's connection deletes the row as before.
    fn release_lock(&mut self, guard: Box<dyn LockGuard>) -> Result<(), DbError> {
        if let Some((run, released_here)) = self.held_lock.take()
            && self.conn.is_autocommit()
        {
            released_here.store(true, Ordering::SeqCst);
            let sql = self.q("DELETE FROM sluice_lock WHERE id = 1 AND run_id = ?1");
            if self.conn.execute(&sql, params![run]).is_err() {
                released_here.store(false, Ordering::SeqCst);
            }
        }
        guard.release()
    }

    fn lock_status(&mut self) -> Result<Option<LockHolder>, DbError> {
        let path = self.lock_path();
        let Ok(file) = std::fs::File::open(&path) else {
            return Ok(None); // never locked by this sluice
        };
        match file.try_lock_shared() {
            Ok(()) => Ok(None),
            Err(std::fs::TryLockError::WouldBlock) => Ok(Some(self.named_holder())),
            Err(std::fs::TryLockError::Error(e)) => Err(DbError::msg(format!(
                "cannot read the lock file {}: {e}",
                path.display()
            ))),
        }
    }

    fn break_lock(&mut self) -> Result<Option<LockHolder>, DbError> {
        let path = self.lock_path();
        let file = match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
        {
            Ok(f) => Some(f),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(DbError::msg(format!(
                    "cannot open the lock file {}: {e}",
                    path.display()
                )));
            }
        };
        if let Some(f) = &file {
            match f.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    let h = self.named_holder();
                    return Err(DbError::msg(format!(
                        "the migration lock is held by a live process, {h}: the operating system holds its lock on {} until that process ends, and no other process can take it. Stop that process (pid {} on host {}, or its container), and the lock is free at once",
                        path.display(),
                        h.pid,
                        h.host
                    )));
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(DbError::msg(format!("cannot lock {}: {e}", path.display())));
                }
            }
        }
        if !self.state_exists_quietly() {
            return Ok(None);
        }
        let holder = Self::lock_row(&self.conn, &self.state)?;
        self.conn
            .execute(&self.q("DELETE FROM sluice_lock WHERE id = 1"), [])
            .map_err(map_error)?;
        Ok(holder)
    }

    fn append_event(&mut self, e: &Event) -> Result<(), DbError> {
        self.conn
            .prepare_cached(
                &self.q("INSERT INTO sluice_events (run_id, migration_id, from_state, to_state, allowed, reason, actor, host, sluice_version, git_commit, ci_run, checksum, duration_ms, at, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"),
            )
            .and_then(|mut st| {
                st.execute(params![
                    e.run_id.as_str(),
                    e.migration_id.as_ref().map(|m| m.as_str()),
                    e.from_state.map(State::as_str),
                    e.to_state.map(State::as_str),
                    e.allowed,
                    e.reason,
                    e.actor,
                    e.host,
                    e.sluice_version,
                    e.git_commit,
                    e.ci_run,
                    e.checksum.as_ref().map(|c| c.as_str()),
                    e.duration_ms.map(|d| d as i64),
                    e.at,
                    e.details.to_string()
                ])
            })
            .map(|_| ())
            .map_err(map_error)
    }
}

/// The migration lock on SQLite: the file lock, held until release or drop, and the row
/// that names this run (kept alive by the heartbeat, deleted on release).
#[derive(Debug)]
struct SqliteLock {
    file: Option<std::fs::File>,
    path: PathBuf,
    lease: crate::lease::Lease,
    took_over: Option<LockHolder>,
}

impl LockGuard for SqliteLock {
    fn release(mut self: Box<Self>) -> Result<(), DbError> {
        let deleted = self.lease.release();
        // Dropping the file closes it, which releases the file lock.
        self.file.take();
        deleted
    }

    fn took_over(&self) -> Option<&LockHolder> {
        self.took_over.as_ref()
    }

    fn held(&mut self) -> Result<(), DbError> {
        if let Some(why) = self.lease.lost() {
            return Err(DbError::msg(why));
        }
        match &self.file {
            Some(f) if same_file(f, &self.path) => Ok(()),
            _ => Err(DbError::msg(format!(
                "the lock file {} was removed or replaced while this run held it",
                self.path.display()
            ))),
        }
    }
}
