//! The SQLite engine: the embedded default.
//!
//! State lives in `sluice_migrations`, `sluice_events` (append-only, enforced by triggers)
//! and `sluice_lock`, next to the user's tables. Transactions are `BEGIN IMMEDIATE`, so two
//! runners serialise on SQLite's write lock; the migration lock is a row in `sluice_lock`
//! that names its holder, taken over only when its process is gone from this host.
//! A database file that sluice creates is put in WAL journal mode.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use sluice_core::engine::{
    Capabilities, DbError, EngineInfo, Event, EventFilter, EventRow, LockError, LockGuard,
    LockHolder, QueryOutcome, Record, Value,
};
use sluice_core::schema::{SchemaObject, TableStats};
use sluice_core::{Checksum, Engine, MigrationId, RunId, State};
use sluice_sql::Dialect;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sluice_migrations (
    id TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending','applying','applied','reverting','failed','partial')),
    checksum TEXT NOT NULL,
    applied_seq INTEGER,
    applied_at TEXT,
    applied_by TEXT,
    run_id TEXT NOT NULL,
    duration_ms INTEGER,
    statements_total INTEGER NOT NULL,
    statements_done INTEGER NOT NULL,
    done_checksum TEXT,
    last_error TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sluice_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
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
    heartbeat TEXT NOT NULL
);
";

/// How long a statement waits on another connection's write lock by default.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// A connection to one SQLite database file.
#[derive(Debug)]
pub struct Sqlite {
    conn: Connection,
    path: PathBuf,
    url: String,
}

/// How to open the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Read only; a missing file is not created.
    ReadOnly,
    /// Read and write an existing file; a missing file is not created.
    Existing,
    /// Read and write, creating the file (in WAL mode) if it is missing.
    Create,
}

impl Sqlite {
    /// Opens `path`; `None` when the file is missing and `access` does not create it.
    pub fn open(path: &Path, url: &str, access: Access) -> Result<Option<Sqlite>, DbError> {
        let exists = path.exists();
        if !exists && access != Access::Create {
            return Ok(None);
        }
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
        if !exists {
            // A new database: WAL lets readers run while a migration writes.
            set_wal(&conn)?;
        }
        Ok(Some(Sqlite {
            conn,
            path: path.to_path_buf(),
            url: url.to_string(),
        }))
    }

    /// Whether the history table has `done_checksum` (added after the first release of
    /// the state tables; read commands must not add it, so they read around it).
    fn has_done_checksum(&self) -> Result<bool, DbError> {
        self.conn
            .query_row("SELECT count(*) FROM pragma_table_info('sluice_migrations') WHERE name = 'done_checksum'", [], |r| r.get::<_, i64>(0))
            .map(|n| n > 0)
            .map_err(map_error)
    }

    fn lock_row(conn: &Connection) -> Result<Option<LockHolder>, DbError> {
        conn.query_row(
            "SELECT run_id, pid, host, actor, since FROM sluice_lock WHERE id = 1",
            [],
            |r| {
                Ok(LockHolder {
                    run_id: RunId::from_recorded(r.get(0)?),
                    pid: r.get(1)?,
                    host: r.get(2)?,
                    actor: r.get(3)?,
                    since: r.get(4)?,
                    session: None,
                })
            },
        )
        .optional()
        .map_err(map_error)
    }

    /// One attempt: `Ok(Ok(took_over))` when taken, `Ok(Err(holder))` when held by someone else.
    fn try_lock(
        &mut self,
        me: &LockHolder,
    ) -> Result<Result<Option<LockHolder>, Option<LockHolder>>, DbError> {
        match self.conn.execute_batch("BEGIN IMMEDIATE") {
            Ok(()) => {}
            Err(e) if is_busy(&e) => return Ok(Err(None)),
            Err(e) => return Err(map_error(e)),
        }
        let result = (|| {
            let current = Self::lock_row(&self.conn)?;
            let took_over = match current {
                Some(h) if !holder_is_dead(&h) => return Ok(Err(Some(h))),
                other => other,
            };
            self.conn
                .execute(
                    "INSERT OR REPLACE INTO sluice_lock (id, run_id, pid, host, actor, since, heartbeat) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?5)",
                    params![me.run_id.as_str(), me.pid, me.host, me.actor, me.since],
                )
                .map_err(map_error)?;
            Ok(Ok(took_over))
        })();
        match &result {
            Ok(Ok(_)) => self.conn.execute_batch("COMMIT").map_err(map_error)?,
            _ => {
                let _ = self.conn.execute_batch("ROLLBACK");
            }
        }
        result
    }
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

/// Whether the holder's process is gone: only decidable for a process on this host.
fn holder_is_dead(h: &LockHolder) -> bool {
    let proc_fs = Path::new("/proc/self").exists();
    proc_fs && h.host == crate::host_name() && !Path::new(&format!("/proc/{}", h.pid)).exists()
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

/// Maps a SQLite error to a [`DbError`] with a SQLSTATE where one fits.
pub fn map_error(e: rusqlite::Error) -> DbError {
    match &e {
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
            .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sluice_migrations'", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n > 0)
            .map_err(map_error)
    }

    fn create_state(&mut self) -> Result<(), DbError> {
        if self.state_exists()? {
            // Tables from an earlier sluice: add what they lack (never drop or rewrite).
            if !self.has_done_checksum()? {
                self.conn
                    .execute_batch("ALTER TABLE sluice_migrations ADD COLUMN done_checksum TEXT")
                    .map_err(map_error)?;
            }
            return Ok(());
        }
        self.conn
            .execute_batch(&format!("BEGIN IMMEDIATE; {SCHEMA} COMMIT;"))
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
                    "SELECT id, state, checksum, applied_seq, applied_at, applied_by, run_id, duration_ms, statements_total, statements_done, {}, last_error, updated_at FROM sluice_migrations",
                    if self.has_done_checksum()? { "done_checksum" } else { "NULL" }
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
                })
            })
            .map_err(map_error)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(map_error)
    }

    fn events(&mut self, filter: &EventFilter) -> Result<Vec<EventRow>, DbError> {
        let mut sql = String::from(
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
        let started = Instant::now();
        let mut last_holder = None;
        let result = loop {
            let left = wait.saturating_sub(started.elapsed());
            self.conn
                .busy_timeout(left.max(Duration::from_millis(1)))
                .map_err(map_error)?;
            match self.try_lock(holder)? {
                Ok(took_over) => {
                    break Ok(Box::new(SqliteLock {
                        path: self.path.clone(),
                        run_id: holder.run_id.as_str().to_string(),
                        took_over,
                        released: false,
                    }) as Box<dyn LockGuard>);
                }
                Err(h) => {
                    if h.is_some() {
                        last_holder = h;
                    }
                    if started.elapsed() >= wait {
                        break Err(LockError::Timeout {
                            holder: last_holder.map(Box::new),
                            waited: started.elapsed(),
                        });
                    }
                    std::thread::sleep(Duration::from_millis(20).min(left));
                }
            }
        };
        self.conn.busy_timeout(BUSY_TIMEOUT).map_err(map_error)?;
        result
    }

    fn begin(&mut self) -> Result<(), DbError> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(map_error)
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.conn.execute_batch("COMMIT").map_err(map_error)
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
            .prepare(
                "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' \
                 AND name NOT LIKE 'sluice_%' AND tbl_name NOT LIKE 'sluice_%'",
            )
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

    fn put_record(&mut self, r: &Record) -> Result<(), DbError> {
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO sluice_migrations (id, state, checksum, applied_seq, applied_at, applied_by, run_id, duration_ms, statements_total, statements_done, done_checksum, last_error, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )
            .and_then(|mut st| {
                st.execute(params![
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
                    r.updated_at
                ])
            })
            .map(|_| ())
            .map_err(map_error)
    }

    fn append_event(&mut self, e: &Event) -> Result<(), DbError> {
        self.conn
            .prepare_cached(
                "INSERT INTO sluice_events (run_id, migration_id, from_state, to_state, allowed, reason, actor, host, sluice_version, git_commit, ci_run, checksum, duration_ms, at, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
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

/// The migration lock on SQLite: the row in `sluice_lock`, deleted on release or drop.
#[derive(Debug)]
struct SqliteLock {
    path: PathBuf,
    run_id: String,
    took_over: Option<LockHolder>,
    released: bool,
}

impl SqliteLock {
    fn delete(&mut self) -> Result<(), DbError> {
        self.released = true;
        let conn = Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .map_err(map_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(map_error)?;
        conn.execute(
            "DELETE FROM sluice_lock WHERE id = 1 AND run_id = ?1",
            params![self.run_id],
        )
        .map_err(map_error)?;
        Ok(())
    }
}

impl LockGuard for SqliteLock {
    fn release(mut self: Box<Self>) -> Result<(), DbError> {
        self.delete()
    }

    fn took_over(&self) -> Option<&LockHolder> {
        self.took_over.as_ref()
    }
}

impl Drop for SqliteLock {
    fn drop(&mut self) {
        if !self.released {
            let _ = self.delete();
        }
    }
}
