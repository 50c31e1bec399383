//! The runner: what `status`, `up`, `down` and `verify` do, as policy over an [`Engine`].
//!
//! Every state change goes through [`State::can_go_to`] and leaves an event, and every
//! write of a history row is conditional on the row being as this run last left it and on
//! the run still holding the migration lock ([`Expected`]): a run that lost its lock, or
//! whose row another run changed, stops and overwrites nothing.
//!
//! On an engine with transactional DDL a migration, its history row and its events commit
//! together; a failure rolls all of it back and then records `failed` with the error, in
//! a transaction of its own (`transactional`). A migration that cannot run in one
//! transaction runs step by step (`steps`): each statement either commits together with the record of its
//! progress, or — when it cannot run inside a transaction (`CREATE INDEX CONCURRENTLY`,
//! DDL on MySQL) — is recorded as *started* before it runs and *done* after. A run that
//! dies between the two leaves that statement *in doubt*; `doubt` decides from the live
//! catalog whether it took effect, and never guesses where the catalog cannot tell.
//!
//! The modules, by concern: `overview` merges the plan with the history (and says which
//! rows belong to a run that is gone), `up` chooses and applies under the lock and
//! reconnects when the connection drops, `transactional` and `steps` apply one
//! migration (with what they share in `apply`), `doubt` reconciles a statement in doubt, `down`, `resolve`, `verify` and `mark` the other
//! acts, `error` the ways a run stops.

mod apply;
mod doubt;
mod down;
mod error;
mod mark;
mod overview;
mod resolve;
mod rolling;
mod steps;
mod transactional;
mod up;
mod verify;

pub use doubt::{Verdict, judge};
pub use down::{DownTarget, down, down_held, plan_down};
pub use error::{Class, Direction, FailedAt, MigrationFailure, RunError};
pub use mark::{AdoptSummary, MarkApplied, mark_applied};
pub use overview::{Entry, Overview};
pub use resolve::{Resolution, resolve, resolve_statement, unlock};
pub use rolling::Rolling;
pub use up::{
    Pace, Progress, UpOptions, UpPlan, UpSummary, Watch, Watching, backoff, plan_up, up, up_held,
};
pub use verify::{CheckResult, record_verification, verify};

use std::fmt;
use std::time::{Duration, Instant};

use crate::engine::{DbError, Engine, Event, Expected, LockGuard, LockHolder, Record, WriteError};
use crate::file::Migration;
use crate::id::{MigrationId, RunId};
use crate::state::State;
use crate::time::Timestamp;

/// Time as the runner sees it: waits between attempts and the reconnect deadline go
/// through it, so that tests assert them in milliseconds without sleeping.
pub trait Clock: fmt::Debug + Send + Sync {
    /// Now.
    fn now(&self) -> Instant;
    /// Waits `d`.
    fn sleep(&self, d: Duration);
}

/// The real clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d)
    }
}

/// Who runs, where, and in which environment; stamped on every event.
#[derive(Clone, Debug)]
pub struct RunContext {
    /// This run.
    pub run_id: RunId,
    /// `SLUICE_ACTOR`, else git's user, else the OS user.
    pub actor: String,
    /// The host name.
    pub host: String,
    /// The project's git commit, when there is one.
    pub git_commit: Option<String>,
    /// The CI run, when in CI.
    pub ci_run: Option<String>,
    /// The environment's name.
    pub env: String,
    /// The environment's session settings (recorded in the run's first event).
    pub session: Vec<String>,
}

impl RunContext {
    fn event(
        &self,
        m: Option<&MigrationId>,
        from: Option<State>,
        to: Option<State>,
        allowed: bool,
    ) -> Event {
        Event {
            run_id: self.run_id.clone(),
            migration_id: m.cloned(),
            from_state: from,
            to_state: to,
            allowed,
            reason: None,
            actor: self.actor.clone(),
            host: self.host.clone(),
            sluice_version: env!("CARGO_PKG_VERSION").to_string(),
            git_commit: self.git_commit.clone(),
            ci_run: self.ci_run.clone(),
            checksum: None,
            duration_ms: None,
            at: Timestamp::now().rfc3339(),
            details: serde_json::json!({ "env": self.env }),
        }
    }

    /// An allowed transition of migration `m`, stamped with its checksum.
    fn step(&self, m: &Migration, from: State, to: State) -> Event {
        let mut ev = self.event(Some(&m.id), Some(from), Some(to), true);
        ev.checksum = Some(m.checksum.clone());
        ev
    }

    fn holder(&self) -> LockHolder {
        LockHolder {
            run_id: self.run_id.clone(),
            pid: std::process::id(),
            host: self.host.clone(),
            actor: self.actor.clone(),
            since: Timestamp::now().rfc3339(),
            heartbeat: None,
            main_session: None,
            session: None,
        }
    }
}

/// Appends one audited note (an approval, a backup, a hook, a restore), about a migration
/// or about the run.
pub fn record_note(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    m: Option<&Migration>,
    reason: String,
    details: serde_json::Value,
) -> Result<(), DbError> {
    let mut ev = ctx.event(m.map(|m| &m.id), None, None, true);
    ev.checksum = m.map(|m| m.checksum.clone());
    ev.reason = Some(reason);
    ev.details = details;
    in_tx(engine, |e| e.append_event(&ev))
}

/// Creates sluice's tables if needed and takes the migration lock, for several runs on
/// one database under one lock ([`up_held`], [`down_held`]): `sluice test` proves every
/// migration of a plan on its scratch database this way. Release the guard when done.
pub fn hold(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    wait: Duration,
) -> Result<Box<dyn LockGuard>, RunError> {
    engine.create_state()?;
    lock(engine, ctx, wait, &SystemClock)
}

/// Takes the migration lock; a takeover from a run that is gone is recorded as an event,
/// after that run's last statement, if the server is still running it, has ended.
pub(super) fn lock(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    wait: Duration,
    clock: &dyn Clock,
) -> Result<Box<dyn crate::engine::LockGuard>, RunError> {
    let started = clock.now();
    let guard = engine.lock(&ctx.holder(), wait)?;
    if let Some(dead) = guard.took_over().cloned()
        && dead.run_id != ctx.run_id
        && let Some(session) = dead.main_session
    {
        let left = wait.saturating_sub(clock.now() - started);
        wait_for_session(engine, clock, session, &dead.run_id, left)?;
    }
    if !ctx.session.is_empty() {
        let mut ev = ctx.event(None, None, None, true);
        ev.reason = Some(format!("session settings: {}", ctx.session.join("; ")));
        ev.details["session"] = serde_json::json!(ctx.session);
        in_tx(engine, |e| e.append_event(&ev))?;
    }
    if let Some(dead) = guard.took_over() {
        let mut ev = ctx.event(None, None, None, true);
        ev.reason = Some(if dead.run_id == ctx.run_id {
            "took the migration lock again after the connection was restored".to_string()
        } else {
            format!("took over the migration lock from a run that is gone: {dead}")
        });
        in_tx(engine, |e| e.append_event(&ev))?;
    }
    Ok(guard)
}

/// Waits, up to `wait`, until the server no longer runs a statement for session `session`
/// of run `run` (killed or cut off, its statement runs on until the server notices): a new
/// run never works beside it, nor judges a statement that may still take effect.
pub(super) fn wait_for_session(
    engine: &mut dyn Engine,
    clock: &dyn Clock,
    session: i64,
    run: &RunId,
    wait: Duration,
) -> Result<(), RunError> {
    let started = clock.now();
    loop {
        let Some(what) = engine.still_running(session, run)? else {
            return Ok(());
        };
        if clock.now() - started >= wait {
            return Err(RunError::StillRunning {
                run: run.clone(),
                what,
                waited: clock.now() - started,
            });
        }
        clock.sleep(Duration::from_millis(200).min(wait));
    }
}

pub(super) fn new_record(ctx: &RunContext, m: &Migration, state: State, total: usize) -> Record {
    Record {
        id: m.id.clone(),
        state,
        checksum: m.checksum.clone(),
        applied_seq: None,
        applied_at: None,
        applied_by: None,
        run_id: ctx.run_id.clone(),
        duration_ms: None,
        statements_total: total as u32,
        statements_done: 0,
        done_checksum: None,
        started_statement: None,
        started_checksum: None,
        last_error: None,
        updated_at: Timestamp::now().rfc3339(),
    }
}

pub(super) fn ms(d: Duration) -> u64 {
    d.as_millis() as u64
}

/// One bookkeeping transaction: `f` inside BEGIN … COMMIT, rolled back on error.
pub(super) fn in_tx(
    engine: &mut dyn Engine,
    f: impl FnOnce(&mut dyn Engine) -> Result<(), DbError>,
) -> Result<(), DbError> {
    engine.begin()?;
    match f(engine) {
        Ok(()) => engine.commit(),
        Err(e) => {
            let _ = engine.rollback();
            Err(e)
        }
    }
}

/// Writes a history row (when it is as `expected`) and its events, in a transaction of
/// their own.
pub(super) fn write(
    engine: &mut dyn Engine,
    record: &Record,
    expected: &Expected,
    events: &[Event],
) -> Result<(), WriteError> {
    engine.begin()?;
    match engine.record(record, expected, events) {
        Ok(()) => engine.commit().map_err(WriteError::Db),
        Err(e) => {
            let _ = engine.rollback();
            Err(e)
        }
    }
}

/// The error for a history write that was not made, about migration `id`.
/// `row` is the row as this run last saw it (what the write expected).
pub(super) fn write_failed(e: WriteError, id: &MigrationId, row: Option<&Record>) -> RunError {
    match e {
        WriteError::Db(e) => RunError::from(e),
        WriteError::LockLost => RunError::LockLost {
            during: Some(id.clone()),
            cause: "the lock is no longer held by this run".into(),
            standing: standing(id, row),
        },
        WriteError::Changed { found } => RunError::HistoryChanged {
            id: id.clone(),
            expected: Expected::of(row).to_string(),
            found: found.to_string(),
        },
    }
}

/// Checks the lock before a step: a lock that is gone stops the run, unless the database
/// connection is gone too (the server restarted), which the caller may recover from.
pub(super) fn check_lock(
    engine: &mut dyn Engine,
    guard: &mut Box<dyn LockGuard>,
    during: Option<&MigrationId>,
    row: Option<&Record>,
) -> Result<(), RunError> {
    let Err(cause) = guard.held() else {
        return Ok(());
    };
    // The lock's own connection failed: is the main connection alive?
    if let Err(e) = engine.lock_status()
        && e.connection_lost
    {
        return Err(RunError::from(e));
    }
    Err(RunError::LockLost {
        during: during.cloned(),
        cause: cause.message,
        standing: match during {
            Some(id) => standing(id, row),
            None => String::new(),
        },
    })
}

/// What the history says of `id`, for a message: the row as this run last saw it.
pub(super) fn standing(id: &MigrationId, row: Option<&Record>) -> String {
    let Some(r) = row else {
        return format!("The history holds no row for {id}: it is pending.");
    };
    let n = r.statements_total;
    match (r.state, r.started_statement) {
        (State::Applying, Some(k)) => format!(
            "The history records {id} as applying: statements 1–{} of {n} done, statement {k} started and not recorded done, so it is in doubt.",
            r.statements_done
        ),
        (State::Applying, None) if r.statements_done > 0 => format!(
            "The history records {id} as applying: statements 1–{} of {n} done, statement {} not started.",
            r.statements_done,
            r.statements_done + 1
        ),
        (State::Applying, None) => {
            format!("The history records {id} as applying, with none of its statements run.")
        }
        (State::Partial, _) => format!(
            "The history records {id} as partial: statements 1–{} of {n} done.",
            r.statements_done
        ),
        (s, _) => format!("The history records {id} as {s}."),
    }
}

/// Records a refused transition, then returns the refusal as an error.
pub(super) fn refuse(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    id: &MigrationId,
    from: State,
    to: State,
    reason: String,
) -> RunError {
    let mut ev = ctx.event(Some(id), Some(from), Some(to), false);
    ev.reason = Some(reason.clone());
    if let Err(e) = in_tx(engine, |e| e.append_event(&ev)) {
        return RunError::Db(e);
    }
    RunError::Refused {
        id: id.clone(),
        reason,
    }
}
