//! An engine wrapper that measures the time spent inside the database (every call into
//! the engine), so a command can say how much of its run was sluice's own work.

use std::time::{Duration, Instant};

use sluice_sql::footprint::{Presence, Thing};

use crate::engine::{
    AtOnceError, Capabilities, DbError, Engine, EngineInfo, Event, EventFilter, EventRow, Expected,
    LockError, LockGuard, LockHolder, QueryOutcome, Record, StatementError, Timeouts, WriteError,
};
use crate::schema::{SchemaObject, TableStats};

/// Forwards every call to `inner` and adds up how long the calls took.
pub struct Timed<'a> {
    inner: &'a mut dyn Engine,
    /// Time spent in the engine so far.
    pub spent: Duration,
}

impl std::fmt::Debug for Timed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timed").field("spent", &self.spent).finish()
    }
}

impl<'a> Timed<'a> {
    /// Wraps `inner`.
    pub fn new(inner: &'a mut dyn Engine) -> Timed<'a> {
        Timed {
            inner,
            spent: Duration::ZERO,
        }
    }

    fn time<T>(&mut self, f: impl FnOnce(&mut dyn Engine) -> T) -> T {
        let started = Instant::now();
        let out = f(&mut *self.inner);
        self.spent += started.elapsed();
        out
    }
}

impl Engine for Timed<'_> {
    fn info(&self) -> EngineInfo {
        self.inner.info()
    }
    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }
    fn state_exists(&mut self) -> Result<bool, DbError> {
        self.time(|e| e.state_exists())
    }
    fn create_state(&mut self) -> Result<(), DbError> {
        self.time(|e| e.create_state())
    }
    fn records(&mut self) -> Result<Vec<Record>, DbError> {
        self.time(|e| e.records())
    }
    fn events(&mut self, filter: &EventFilter) -> Result<Vec<EventRow>, DbError> {
        self.time(|e| e.events(filter))
    }
    fn lock(
        &mut self,
        holder: &LockHolder,
        wait: Duration,
    ) -> Result<Box<dyn LockGuard>, LockError> {
        self.time(|e| e.lock(holder, wait))
    }
    fn begin(&mut self) -> Result<(), DbError> {
        self.time(|e| e.begin())
    }
    fn commit(&mut self) -> Result<(), DbError> {
        self.time(|e| e.commit())
    }
    fn rollback(&mut self) -> Result<(), DbError> {
        self.time(|e| e.rollback())
    }
    fn execute(&mut self, sql: &str) -> Result<(), DbError> {
        self.time(|e| e.execute(sql))
    }
    fn query(&mut self, sql: &str) -> Result<QueryOutcome, DbError> {
        self.time(|e| e.query(sql))
    }
    fn query_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, DbError> {
        self.time(|e| e.query_rows(sql))
    }
    fn append_event(&mut self, event: &Event) -> Result<(), DbError> {
        self.time(|e| e.append_event(event))
    }
    fn execute_all(&mut self, statements: &[&str]) -> Result<(), StatementError> {
        self.time(|e| e.execute_all(statements))
    }
    fn record(
        &mut self,
        record: &Record,
        expected: &Expected,
        events: &[Event],
    ) -> Result<(), WriteError> {
        self.time(|e| e.record(record, expected, events))
    }
    fn take_warnings(&mut self) -> Vec<String> {
        self.inner.take_warnings()
    }
    fn set_timeouts(&mut self, timeouts: Timeouts) -> Result<(), DbError> {
        self.time(|e| e.set_timeouts(timeouts))
    }
    fn snapshot(&mut self, stats: bool) -> Result<(Vec<SchemaObject>, Vec<TableStats>), DbError> {
        self.time(|e| e.snapshot(stats))
    }
    fn forget_snapshot(&mut self) {
        self.inner.forget_snapshot()
    }
    fn apply_at_once(
        &mut self,
        statements: &[&str],
        record: &Record,
        expected: &Expected,
        events: &[Event],
    ) -> Option<Result<(), AtOnceError>> {
        self.time(|e| e.apply_at_once(statements, record, expected, events))
    }
    fn release_lock(&mut self, guard: Box<dyn LockGuard>) -> Result<(), DbError> {
        self.time(|e| e.release_lock(guard))
    }
    fn plan_indexes(&mut self, sql: &str) -> Result<Vec<String>, DbError> {
        self.time(|e| e.plan_indexes(sql))
    }
    fn lock_holders(&mut self, tables: &[String]) -> Vec<String> {
        self.time(|e| e.lock_holders(tables))
    }
    fn probe(&mut self, thing: &Thing) -> Result<Presence, DbError> {
        self.time(|e| e.probe(thing))
    }
    fn lock_status(&mut self) -> Result<Option<LockHolder>, DbError> {
        self.time(|e| e.lock_status())
    }
    fn break_lock(&mut self) -> Result<Option<LockHolder>, DbError> {
        self.time(|e| e.break_lock())
    }
    fn reconnect(&mut self) -> Result<(), DbError> {
        self.time(|e| e.reconnect())
    }
    fn session_has_state(&mut self) -> Result<bool, DbError> {
        self.time(|e| e.session_has_state())
    }
    fn new_session(&mut self) -> Result<(), DbError> {
        self.time(|e| e.new_session())
    }
    fn session(&self) -> Option<i64> {
        self.inner.session()
    }
    fn still_running(
        &mut self,
        session: i64,
        run: &crate::id::RunId,
    ) -> Result<Option<String>, DbError> {
        self.time(|e| e.still_running(session, run))
    }
}
