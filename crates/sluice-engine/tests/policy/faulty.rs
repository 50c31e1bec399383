//! A decorator over a real engine that injects faults: a statement that fails, a history
//! write or a commit that fails, a lock that is lost, a connection that drops (after or
//! before the statement it carried took effect), reconnects that fail. Everything it does
//! not inject, the real engine does.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sluice_core::Engine;
use sluice_core::engine::{
    Capabilities, DbError, EngineInfo, Event, EventFilter, EventRow, Expected, LockError,
    LockGuard, LockHolder, QueryOutcome, Record, StatementError, Timeouts, WriteError,
};
use sluice_core::run::Clock;
use sluice_core::schema::{SchemaObject, TableStats};
use sluice_sql::Dialect;
use sluice_sql::footprint::{Presence, Thing};

/// What to break.
#[derive(Debug, Default)]
pub struct Faults {
    /// A statement whose text contains this fails with this error (and does nothing), the
    /// first `fail_times` times it runs (every time when 0).
    pub fail_statement: Option<(String, DbError)>,
    /// How often `fail_statement` fails (0: always).
    pub fail_times: usize,
    /// What the engine says it can do, instead of the real engine's answer.
    pub capabilities: Option<Capabilities>,
    /// The connection drops when a statement containing this runs: after it took effect
    /// (`true`) or before (`false`).
    pub drop_at: Option<(String, bool)>,
    /// The n-th history write (1-based) fails.
    pub fail_record: Option<usize>,
    /// The n-th commit (1-based) fails.
    pub fail_commit: Option<usize>,
    /// The n-th commit (1-based) reaches the server, and the connection drops before its
    /// answer comes back.
    pub drop_after_commit: Option<usize>,
    /// The lock is lost right after this many history writes were made.
    pub lose_lock_after: Option<usize>,
    /// Reconnecting fails this many times before it works.
    pub reconnect_failures: usize,
    /// Pretend to be this dialect (a database where DDL commits on its own).
    pub dialect: Option<Dialect>,
    /// Run this on the real engine just before the n-th history write (another run's
    /// write, say).
    pub before_record: Option<(usize, String)>,
}

/// The engine with faults.
pub struct Faulty<E: Engine> {
    pub inner: E,
    pub faults: Faults,
    records: usize,
    commits: usize,
    connected: bool,
    in_tx: bool,
    failed: usize,
    pub reconnects: usize,
    dropped: HashSet<String>,
    lock_lost: Arc<AtomicBool>,
}

impl<E: Engine> std::fmt::Debug for Faulty<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Faulty")
            .field("faults", &self.faults)
            .finish()
    }
}

impl<E: Engine> Faulty<E> {
    pub fn new(inner: E, faults: Faults) -> Faulty<E> {
        Faulty {
            inner,
            faults,
            records: 0,
            commits: 0,
            connected: true,
            in_tx: false,
            failed: 0,
            reconnects: 0,
            dropped: HashSet::new(),
            lock_lost: Arc::new(AtomicBool::new(false)),
        }
    }

    fn alive(&self) -> Result<(), DbError> {
        if self.connected {
            Ok(())
        } else {
            Err(DbError::lost("connection closed (injected)"))
        }
    }

    /// Runs one statement with the faults that concern it.
    fn statement(&mut self, sql: &str) -> Result<(), DbError> {
        self.alive()?;
        if let Some((needle, e)) = &self.faults.fail_statement
            && sql.contains(needle.as_str())
            && (self.faults.fail_times == 0 || self.failed < self.faults.fail_times)
        {
            self.failed += 1;
            return Err(e.clone());
        }
        if let Some((needle, after)) = &self.faults.drop_at
            && sql.contains(needle.as_str())
            && !self.dropped.contains(needle)
        {
            let (needle, after) = (needle.clone(), *after);
            self.dropped.insert(needle);
            // A statement that ran outside a transaction stays; one inside is undone with
            // the connection.
            if after {
                self.inner.execute(sql)?;
            }
            // Whatever transaction was open (sluice's or the file's own) goes with it.
            self.inner.rollback()?;
            self.in_tx = false;
            self.connected = false;
            return Err(DbError::lost(
                "server closed the connection unexpectedly (injected)",
            ));
        }
        self.inner.execute(sql)
    }
}

impl<E: Engine> Engine for Faulty<E> {
    fn info(&self) -> EngineInfo {
        let mut i = self.inner.info();
        if let Some(d) = self.faults.dialect {
            i.dialect = d;
        }
        i
    }
    fn capabilities(&self) -> Capabilities {
        self.faults
            .capabilities
            .unwrap_or_else(|| self.inner.capabilities())
    }
    fn state_exists(&mut self) -> Result<bool, DbError> {
        self.alive()?;
        self.inner.state_exists()
    }
    fn create_state(&mut self) -> Result<(), DbError> {
        self.alive()?;
        self.inner.create_state()
    }
    fn records(&mut self) -> Result<Vec<Record>, DbError> {
        self.alive()?;
        self.inner.records()
    }
    fn events(&mut self, filter: &EventFilter) -> Result<Vec<EventRow>, DbError> {
        self.alive()?;
        self.inner.events(filter)
    }
    fn lock(
        &mut self,
        holder: &LockHolder,
        wait: Duration,
    ) -> Result<Box<dyn LockGuard>, LockError> {
        self.alive()?;
        let inner = self.inner.lock(holder, wait)?;
        self.lock_lost.store(false, Ordering::SeqCst);
        Ok(Box::new(FaultyGuard {
            inner,
            lost: Arc::clone(&self.lock_lost),
        }))
    }
    fn begin(&mut self) -> Result<(), DbError> {
        self.alive()?;
        self.in_tx = true;
        self.inner.begin()
    }
    fn commit(&mut self) -> Result<(), DbError> {
        self.alive()?;
        self.commits += 1;
        if self.faults.fail_commit == Some(self.commits) {
            return Err(DbError::msg("commit failed (injected)"));
        }
        self.in_tx = false;
        self.inner.commit()?;
        if self.faults.drop_after_commit == Some(self.commits) {
            self.connected = false;
            return Err(DbError::lost(
                "server closed the connection unexpectedly (injected)",
            ));
        }
        Ok(())
    }
    fn rollback(&mut self) -> Result<(), DbError> {
        if !self.connected {
            return Ok(()); // the server rolled it back with the connection
        }
        self.in_tx = false;
        self.inner.rollback()
    }
    fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        self.statement(sql)
    }
    fn execute_all(&mut self, statements: &[&str]) -> Result<(), StatementError> {
        for (i, s) in statements.iter().enumerate() {
            self.statement(s).map_err(|error| StatementError {
                index: Some(i),
                line_offset: None,
                error,
            })?;
        }
        Ok(())
    }
    fn query(&mut self, sql: &str) -> Result<QueryOutcome, DbError> {
        self.alive()?;
        self.inner.query(sql)
    }
    fn query_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, DbError> {
        self.alive()?;
        self.inner.query_rows(sql)
    }
    fn record(
        &mut self,
        record: &Record,
        expected: &Expected,
        events: &[Event],
    ) -> Result<(), WriteError> {
        self.alive()?;
        self.records += 1;
        if let Some((n, sql)) = &self.faults.before_record
            && *n == self.records
        {
            // Another session's write: outside this transaction, as another run's would be.
            let other = sql.clone();
            self.inner.rollback()?;
            self.inner.execute(&other)?;
            self.inner.begin()?;
        }
        if self.faults.fail_record == Some(self.records) {
            return Err(WriteError::Db(DbError::msg(
                "history write failed (injected)",
            )));
        }
        if self.lock_lost.load(Ordering::SeqCst) {
            return Err(WriteError::LockLost);
        }
        self.inner.record(record, expected, events)?;
        if self.faults.lose_lock_after == Some(self.records) {
            self.lock_lost.store(true, Ordering::SeqCst);
        }
        Ok(())
    }
    fn append_event(&mut self, event: &Event) -> Result<(), DbError> {
        self.alive()?;
        self.inner.append_event(event)
    }
    fn set_timeouts(&mut self, timeouts: Timeouts) -> Result<(), DbError> {
        self.alive()?;
        self.inner.set_timeouts(timeouts)
    }
    fn snapshot(&mut self, stats: bool) -> Result<(Vec<SchemaObject>, Vec<TableStats>), DbError> {
        self.alive()?;
        self.inner.snapshot(stats)
    }
    fn forget_snapshot(&mut self) {
        self.inner.forget_snapshot()
    }
    fn plan_indexes(&mut self, sql: &str) -> Result<Vec<String>, DbError> {
        self.inner.plan_indexes(sql)
    }
    fn probe(&mut self, thing: &Thing) -> Result<Presence, DbError> {
        self.alive()?;
        self.inner.probe(thing)
    }
    fn lock_status(&mut self) -> Result<Option<LockHolder>, DbError> {
        self.alive()?;
        self.inner.lock_status()
    }
    fn break_lock(&mut self) -> Result<Option<LockHolder>, DbError> {
        self.inner.break_lock()
    }
    fn session(&self) -> Option<i64> {
        self.inner.session()
    }
    fn still_running(
        &mut self,
        session: i64,
        run: &sluice_core::RunId,
    ) -> Result<Option<String>, DbError> {
        self.inner.still_running(session, run)
    }
    fn reconnect(&mut self) -> Result<(), DbError> {
        self.reconnects += 1;
        if self.reconnects <= self.faults.reconnect_failures {
            return Err(DbError::lost("connection refused (injected)"));
        }
        self.connected = true;
        self.inner.reconnect()
    }
    fn new_session(&mut self) -> Result<(), DbError> {
        self.inner.new_session()
    }
}

/// The lock, lost on demand.
#[derive(Debug)]
struct FaultyGuard {
    inner: Box<dyn LockGuard>,
    lost: Arc<AtomicBool>,
}

impl LockGuard for FaultyGuard {
    fn release(self: Box<Self>) -> Result<(), DbError> {
        self.inner.release()
    }
    fn took_over(&self) -> Option<&LockHolder> {
        self.inner.took_over()
    }
    fn held(&mut self) -> Result<(), DbError> {
        if self.lost.load(Ordering::SeqCst) {
            return Err(DbError::msg(
                "the lock's connection was terminated (injected)",
            ));
        }
        self.inner.held()
    }
}

/// A clock that does not wait: it moves on by what it is asked to sleep, and keeps a list.
#[derive(Debug)]
pub struct FakeClock {
    start: Instant,
    offset: Mutex<Duration>,
    pub sleeps: Mutex<Vec<Duration>>,
}

impl FakeClock {
    pub fn new() -> Arc<FakeClock> {
        Arc::new(FakeClock {
            start: Instant::now(),
            offset: Mutex::new(Duration::ZERO),
            sleeps: Mutex::new(Vec::new()),
        })
    }

    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().unwrap().clone()
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Instant {
        self.start + *self.offset.lock().unwrap()
    }
    fn sleep(&self, d: Duration) {
        *self.offset.lock().unwrap() += d;
        self.sleeps.lock().unwrap().push(d);
    }
}
