//! The narrow interface every database engine implements. Engines execute, lock, store
//! state and read it back; all policy (order, states, what to run) stays in this crate.

use std::fmt;
use std::time::Duration;

use sluice_sql::Dialect;
use sluice_sql::footprint::{Presence, Thing};

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
    /// The connection is gone (closed, reset, terminated, the server shut down): what the
    /// statement it carried did is not known from here.
    pub connection_lost: bool,
}

impl DbError {
    /// An error with a message only.
    pub fn msg(message: impl Into<String>) -> Self {
        DbError {
            message: message.into(),
            sqlstate: None,
            native_code: None,
            connection_lost: false,
        }
    }

    /// An error that says the connection is gone.
    pub fn lost(message: impl Into<String>) -> Self {
        DbError {
            connection_lost: true,
            ..DbError::msg(message)
        }
    }

    /// Whether the statement gave up waiting for a lock: PostgreSQL's `lock_timeout`
    /// (SQLSTATE 55P03), MySQL's `lock_wait_timeout` / `innodb_lock_wait_timeout` (1205).
    pub fn is_lock_timeout(&self) -> bool {
        self.sqlstate.as_deref() == Some("55P03") || self.native_code.as_deref() == Some("1205")
    }

    /// Whether the statement was cancelled by a timeout or a cancel request (PostgreSQL
    /// 57014; MySQL 3024 and MariaDB 1969, the statement time limits).
    pub fn is_cancelled(&self) -> bool {
        self.sqlstate.as_deref() == Some("57014")
            || matches!(self.native_code.as_deref(), Some("3024" | "1969"))
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
    /// 0-based index of the statement in the batch; `None` when the server did not say
    /// which (a lock or statement timeout in a batch is not re-run to find out: that would
    /// queue for the lock again).
    pub index: Option<usize>,
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
    /// A statement of a step-by-step run that started and was not recorded done (1-based):
    /// in flight while its run lives, *in doubt* once the run is gone.
    pub started_statement: Option<u32>,
    /// Checksum of that statement's text.
    pub started_checksum: Option<Checksum>,
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
    /// The holder's last heartbeat, when the lock row has one.
    pub heartbeat: Option<String>,
    /// The server's id of the holder's main session (PostgreSQL backend pid, MySQL
    /// connection id), where its statements run.
    pub main_session: Option<i64>,
    /// What the server knows of the holder's session (backend pid, application, client).
    pub session: Option<String>,
}

impl LockHolder {
    /// A holder the server shows but no lock row names (`why`, in place of the run id).
    pub fn unknown(why: &str) -> LockHolder {
        LockHolder {
            run_id: RunId::from_recorded(format!("({why})")),
            pid: 0,
            host: "?".into(),
            actor: "?".into(),
            since: "?".into(),
            heartbeat: None,
            main_session: None,
            session: None,
        }
    }
}

impl fmt::Display for LockHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (pid {} on {}, {}, since {}",
            self.run_id, self.pid, self.host, self.actor, self.since
        )?;
        if let Some(h) = &self.heartbeat {
            write!(f, ", last heartbeat {h}")?;
        }
        f.write_str(")")?;
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

/// A held migration lock, released on drop (and explicitly, to see the error). While it is
/// held, its heartbeat renews the lease in the lock row.
pub trait LockGuard: fmt::Debug + Send {
    /// Releases the lock.
    fn release(self: Box<Self>) -> Result<(), DbError>;
    /// The holder this lock was taken over from, when that one was dead.
    fn took_over(&self) -> Option<&LockHolder>;
    /// Whether the lock is still held; the error says how it was lost (its connection
    /// closed, the heartbeat failed, the lock file was replaced).
    fn held(&mut self) -> Result<(), DbError>;
}

/// How often a lock's heartbeat renews its lease.
pub const HEARTBEAT: Duration = Duration::from_secs(5);

/// How long a lease lasts without a heartbeat: three beats.
pub const LEASE: Duration = Duration::from_secs(15);

/// The history row a write expects to find: the row as this run last read or wrote it.
/// Every write of a history row is conditional on it, so that a run can never overwrite a
/// row that another run changed meanwhile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// No row.
    Absent,
    /// A row in this state, last written by this run.
    Row {
        /// Its state.
        state: State,
        /// The run that wrote it.
        run_id: RunId,
    },
}

impl Expected {
    /// What a write after reading `r` expects.
    pub fn of(r: Option<&Record>) -> Expected {
        match r {
            None => Expected::Absent,
            Some(r) => Expected::Row {
                state: r.state,
                run_id: r.run_id.clone(),
            },
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Absent => f.write_str("no row"),
            Expected::Row { state, run_id } => write!(f, "{state} (run {run_id})"),
        }
    }
}

/// Why a history write was not made. Nothing of it was written.
#[derive(Debug)]
pub enum WriteError {
    /// The database failed.
    Db(DbError),
    /// This run no longer holds the migration lock.
    LockLost,
    /// The row is not what this run expected: another run changed it.
    Changed {
        /// What the row is now.
        found: Expected,
    },
}

impl From<DbError> for WriteError {
    fn from(e: DbError) -> Self {
        WriteError::Db(e)
    }
}

/// Why [`Engine::apply_at_once`] did not apply a migration. Nothing of it remains, except
/// when the connection was lost around `COMMIT` (then the caller reads the row back).
#[derive(Debug)]
pub enum AtOnceError {
    /// A statement failed.
    Statement(StatementError),
    /// The history write was refused or failed.
    Write(WriteError),
    /// `COMMIT` failed, or its answer was lost (`connection_lost`).
    Commit(DbError),
}

/// A database engine: about a dozen primitives and no policy.
pub trait Engine: Send {
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
    /// Writes a history row and its events (one round trip where the engine can), when the
    /// row is as `expected` and, while this engine holds the migration lock, the lock is
    /// still held; else writes nothing and says why. Joins an open transaction.
    fn record(
        &mut self,
        record: &Record,
        expected: &Expected,
        events: &[Event],
    ) -> Result<(), WriteError>;
    /// Appends an event.
    fn append_event(&mut self, event: &Event) -> Result<(), DbError>;

    /// Executes the statements of a section in order, stopping at the first error. An
    /// engine may send them in fewer round trips; the error still names the statement.
    fn execute_all(&mut self, statements: &[&str]) -> Result<(), StatementError> {
        for (index, sql) in statements.iter().enumerate() {
            self.execute(sql).map_err(|error| StatementError {
                index: Some(index),
                line_offset: None,
                error,
            })?;
        }
        Ok(())
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

    /// Makes the next [`Engine::snapshot`] read everything again: an engine whose
    /// snapshots read only what changed since its last one forgets what that one saw.
    fn forget_snapshot(&mut self) {}

    /// The names of the indexes the plan of `sql` uses (for `-- expect: uses-index`).
    fn plan_indexes(&mut self, sql: &str) -> Result<Vec<String>, DbError>;

    /// Describes the sessions holding locks on these tables (for a lock-timeout message).
    fn lock_holders(&mut self, tables: &[String]) -> Vec<String> {
        let _ = tables;
        Vec::new()
    }

    /// What the catalog holds of `thing` now (for a statement in doubt). Never writes.
    fn probe(&mut self, thing: &Thing) -> Result<Presence, DbError>;

    /// Who holds the migration lock now, if anyone (read from the server's own lock, not
    /// only from the lock row). Never writes.
    fn lock_status(&mut self) -> Result<Option<LockHolder>, DbError>;

    /// Frees the migration lock for `sluice unlock --force`: ends the holder's session
    /// where the server can, removes a lock row nobody holds; returns who held it. A lock
    /// held by a live process that cannot be ended from here is an error that names it.
    fn break_lock(&mut self) -> Result<Option<LockHolder>, DbError>;

    /// Opens a new connection in place of one that was lost (nothing for an embedded
    /// database). Session settings made by statements are gone; the caller sets them again.
    fn reconnect(&mut self) -> Result<(), DbError> {
        Ok(())
    }

    /// Makes this session what a new connection would be (what a later `sluice down` or
    /// `up` would see): temporary tables, settings and session locks gone. By default a new
    /// connection ([`Engine::reconnect`]); an engine that can reset its session in place
    /// does that instead.
    fn new_session(&mut self) -> Result<(), DbError> {
        self.reconnect()
    }

    /// Whether this session holds something a new one would not have (temporary tables):
    /// `true` when the engine cannot tell, so that a caller that needs a clean session
    /// opens a new one ([`Engine::reconnect`]).
    fn session_has_state(&mut self) -> Result<bool, DbError> {
        Ok(true)
    }

    /// The server's id of this engine's session (PostgreSQL backend pid, MySQL connection
    /// id); `None` for an embedded database.
    fn session(&self) -> Option<i64> {
        None
    }

    /// What the session `session` of run `run` is still executing on the server, if it is:
    /// a run that was killed or cut off leaves its statement running until the server
    /// notices. Never writes.
    fn still_running(&mut self, session: i64, run: &RunId) -> Result<Option<String>, DbError> {
        let _ = (session, run);
        Ok(None)
    }

    /// Applies a migration in one transaction — `BEGIN`, `statements`, the history write of
    /// `record` and `events`, `COMMIT` — in one exchange with the server, when the engine
    /// can send them together; `None` when it cannot (the caller takes the steps one by
    /// one). A `None` duration in `record`, and in the event that ends in `record`'s state,
    /// is filled with the server's time for the statements. On `Err` the transaction is
    /// over: nothing of it remains (the connection lost around `COMMIT` excepted).
    fn apply_at_once(
        &mut self,
        statements: &[&str],
        record: &Record,
        expected: &Expected,
        events: &[Event],
    ) -> Option<Result<(), AtOnceError>> {
        let _ = (statements, record, expected, events);
        None
    }

    /// Releases `guard`, a lock this engine took. An engine may do part of the release on
    /// its own connection when that is cheaper; the guard alone releases it otherwise (and
    /// still does when dropped).
    fn release_lock(&mut self, guard: Box<dyn LockGuard>) -> Result<(), DbError> {
        guard.release()
    }
}
