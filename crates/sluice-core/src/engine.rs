//! The narrow interface every database engine implements. Engines execute, lock, store
//! state and read it back; all policy (order, states, what to run) stays in this crate.

use std::fmt;
use std::time::Duration;

use sluice_sql::Dialect;

use crate::id::{Checksum, MigrationId, RunId};
use crate::state::State;

/// An error reported by the database, with the codes expectations match against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbError {
    /// The server's message.
    pub message: String,
    /// The SQLSTATE, native or mapped (`23505`).
    pub sqlstate: Option<String>,
    /// The engine's own code (`SQLITE_CONSTRAINT_UNIQUE`, `1062`).
    pub native_code: Option<String>,
}

impl DbError {
    /// An error with a message only.
    pub fn msg(message: impl Into<String>) -> Self {
        DbError {
            message: message.into(),
            sqlstate: None,
            native_code: None,
        }
    }

    /// Whether the statement gave up waiting for a lock: PostgreSQL's `lock_timeout`
    /// (SQLSTATE 55P03), MySQL's `lock_wait_timeout` / `innodb_lock_wait_timeout` (1205).
    pub fn is_lock_timeout(&self) -> bool {
        self.sqlstate.as_deref() == Some("55P03") || self.native_code.as_deref() == Some("1205")
    }

    /// One line: the message and the codes.
    pub fn short(&self) -> String {
        let first = self.message.lines().next().unwrap_or("");
        match (&self.sqlstate, &self.native_code) {
            (Some(s), Some(n)) => format!("{first} ({n}, SQLSTATE {s})"),
            (Some(s), None) => format!("{first} (SQLSTATE {s})"),
            (None, Some(n)) => format!("{first} ({n})"),
            (None, None) => first.to_string(),
        }
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.short())
    }
}

impl std::error::Error for DbError {}

/// A value read back from a query.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// NULL.
    Null,
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Real(f64),
    /// Text.
    Text(String),
    /// A blob, by length.
    Blob(usize),
}

impl Value {
    /// The value as text, as a table shows it.
    pub fn render(&self) -> String {
        match self {
            Value::Null => "NULL".into(),
            Value::Int(i) => i.to_string(),
            Value::Real(r) => r.to_string(),
            Value::Text(t) => t.clone(),
            Value::Blob(n) => format!("<{n} bytes>"),
        }
    }
}

/// What a query gave: how many rows, and the first one.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryOutcome {
    /// Number of rows returned.
    pub row_count: u64,
    /// The first row, if any.
    pub first_row: Option<Vec<Value>>,
}

/// What an engine can do, as data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// DDL can be rolled back (SQLite, PostgreSQL; not MySQL).
    pub transactional_ddl: bool,
    /// The lock is a server-side advisory lock (else a row in the lock table).
    pub advisory_lock: bool,
    /// Statements can wait for locks with a timeout ([`DbError::is_lock_timeout`] when it
    /// expires).
    pub lock_timeout: bool,
}

/// Session timeouts for the statements of a migration.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timeouts {
    /// How long a statement may wait for a lock.
    pub lock: Option<Duration>,
    /// How long a statement may run.
    pub statement: Option<Duration>,
}

/// A statement of a batch failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementError {
    /// 0-based index of the statement in the batch.
    pub index: usize,
    /// Lines into the statement where the error is, when the server says where.
    pub line_offset: Option<usize>,
    /// The error.
    pub error: DbError,
}

/// What the engine is connected to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineInfo {
    /// The dialect.
    pub dialect: Dialect,
    /// The URL with any password masked.
    pub url: String,
    /// Server or library version.
    pub server: String,
}

/// One row of the history table (`sluice_migrations`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The migration.
    pub id: MigrationId,
    /// Its state.
    pub state: State,
    /// Checksum of the `up` that was applied (or tried).
    pub checksum: Checksum,
    /// Position in the order of application (for `down`), while applied.
    pub applied_seq: Option<i64>,
    /// When it was applied.
    pub applied_at: Option<String>,
    /// Who applied it.
    pub applied_by: Option<String>,
    /// The run that last changed it.
    pub run_id: RunId,
    /// How long the last apply/revert took.
    pub duration_ms: Option<u64>,
    /// Statements in `up`.
    pub statements_total: u32,
    /// Statements of `up` that succeeded (for `partial`).
    pub statements_done: u32,
    /// Checksum of the statements that succeeded (for `partial`): `up --resume` refuses
    /// to continue when they changed.
    pub done_checksum: Option<Checksum>,
    /// The last error, kept until the next success.
    pub last_error: Option<String>,
    /// When the row last changed.
    pub updated_at: String,
}

/// One event of the append-only audit log (`sluice_events`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Event {
    /// The run.
    pub run_id: RunId,
    /// The migration, when the event concerns one.
    pub migration_id: Option<MigrationId>,
    /// State before.
    pub from_state: Option<State>,
    /// State after (or asked for, when refused).
    pub to_state: Option<State>,
    /// Whether the transition was allowed.
    pub allowed: bool,
    /// Why it was refused, or the error, or a note.
    pub reason: Option<String>,
    /// Who ran sluice.
    pub actor: String,
    /// On which host.
    pub host: String,
    /// Which sluice.
    pub sluice_version: String,
    /// The project's git commit, when it is a git checkout.
    pub git_commit: Option<String>,
    /// The CI run, when in CI.
    pub ci_run: Option<String>,
    /// The migration's checksum.
    pub checksum: Option<Checksum>,
    /// Duration of the step.
    pub duration_ms: Option<u64>,
    /// When.
    pub at: String,
    /// Anything else, as JSON.
    pub details: serde_json::Value,
}

/// An event as stored, with its sequence number.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct EventRow {
    /// Position in the log.
    pub seq: i64,
    /// The event.
    #[serde(flatten)]
    pub event: Event,
}

/// Which events to read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only this migration.
    pub migration: Option<String>,
    /// Only this run.
    pub run: Option<String>,
    /// Only the last N.
    pub limit: Option<u64>,
}

/// Who holds (or wants) the migration lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockHolder {
    /// The run.
    pub run_id: RunId,
    /// The process.
    pub pid: u32,
    /// The host.
    pub host: String,
    /// The actor.
    pub actor: String,
    /// Since when.
    pub since: String,
    /// What the server knows of the holder's session (backend pid, application, client).
    pub session: Option<String>,
}

impl fmt::Display for LockHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (pid {} on {}, {}, since {})",
            self.run_id, self.pid, self.host, self.actor, self.since
        )?;
        if let Some(s) = &self.session {
            write!(f, " [{s}]")?;
        }
        Ok(())
    }
}

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Someone else held it for the whole wait.
    Timeout {
        /// Who, when known.
        holder: Option<Box<LockHolder>>,
        /// How long sluice waited.
        waited: Duration,
    },
    /// The database failed.
    Db(DbError),
}

impl From<DbError> for LockError {
    fn from(e: DbError) -> Self {
        LockError::Db(e)
    }
}

/// A held migration lock, released on drop (and explicitly, to see the error).
pub trait LockGuard: fmt::Debug {
    /// Releases the lock.
    fn release(self: Box<Self>) -> Result<(), DbError>;
    /// The holder this lock was taken over from, when that one was dead.
    fn took_over(&self) -> Option<&LockHolder>;
}

/// A database engine: about a dozen primitives and no policy.
pub trait Engine {
    /// What it is connected to.
    fn info(&self) -> EngineInfo;
    /// What it can do.
    fn capabilities(&self) -> Capabilities;
    /// Whether sluice's tables exist (never creates them).
    fn state_exists(&mut self) -> Result<bool, DbError>;
    /// Creates sluice's tables if they do not exist.
    fn create_state(&mut self) -> Result<(), DbError>;
    /// All rows of the history table.
    fn records(&mut self) -> Result<Vec<Record>, DbError>;
    /// Events, oldest first.
    fn events(&mut self, filter: &EventFilter) -> Result<Vec<EventRow>, DbError>;
    /// Takes the migration lock, waiting up to `wait`.
    fn lock(
        &mut self,
        holder: &LockHolder,
        wait: Duration,
    ) -> Result<Box<dyn LockGuard>, LockError>;
    /// Starts a transaction that takes the write lock at once where the engine can.
    fn begin(&mut self) -> Result<(), DbError>;
    /// Commits.
    fn commit(&mut self) -> Result<(), DbError>;
    /// Rolls back.
    fn rollback(&mut self) -> Result<(), DbError>;
    /// Executes one statement of a migration.
    fn execute(&mut self, sql: &str) -> Result<(), DbError>;
    /// Runs one statement and reads its rows (verification).
    fn query(&mut self, sql: &str) -> Result<QueryOutcome, DbError>;
    /// Runs one statement and reads all its rows, every value as text (`None` for NULL):
    /// for catalog reads and data fingerprints, not for large results.
    fn query_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, DbError>;
    /// Inserts or replaces a history row.
    fn put_record(&mut self, record: &Record) -> Result<(), DbError>;
    /// Appends an event.
    fn append_event(&mut self, event: &Event) -> Result<(), DbError>;

    /// Executes the statements of a section in order, stopping at the first error. An
    /// engine may send them in fewer round trips; the error still names the statement.
    fn execute_all(&mut self, statements: &[&str]) -> Result<(), StatementError> {
        for (index, sql) in statements.iter().enumerate() {
            self.execute(sql).map_err(|error| StatementError {
                index,
                line_offset: None,
                error,
            })?;
        }
        Ok(())
    }

    /// Writes a history row and events together (one round trip where the engine can).
    fn record(&mut self, record: &Record, events: &[Event]) -> Result<(), DbError> {
        self.put_record(record)?;
        events.iter().try_for_each(|e| self.append_event(e))
    }

    /// The warnings the server raised for the statements executed since the last call
    /// (`SHOW WARNINGS` on MySQL), one line each.
    fn take_warnings(&mut self) -> Vec<String> {
        Vec::new()
    }

    /// Sets the session's lock and statement timeouts (no-op where there are none).
    fn set_timeouts(&mut self, timeouts: Timeouts) -> Result<(), DbError> {
        let _ = timeouts;
        Ok(())
    }

    /// Every object of the user's schema (sluice's own excluded), and table sizes when
    /// `stats` is set. Never writes.
    fn snapshot(
        &mut self,
        stats: bool,
    ) -> Result<
        (
            Vec<crate::schema::SchemaObject>,
            Vec<crate::schema::TableStats>,
        ),
        DbError,
    >;

    /// The names of the indexes the plan of `sql` uses (for `-- expect: uses-index`).
    fn plan_indexes(&mut self, sql: &str) -> Result<Vec<String>, DbError>;

    /// Describes the sessions holding locks on these tables (for a lock-timeout message).
    fn lock_holders(&mut self, tables: &[String]) -> Vec<String> {
        let _ = tables;
        Vec::new()
    }
}
