//! The runner: what `status`, `up`, `down` and `verify` do, as policy over an [`Engine`].
//!
//! Every state change goes through [`State::can_go_to`] and leaves an event. On an engine
//! with transactional DDL a migration, its history row and its events commit together; a
//! failure rolls all of it back and then records `failed` with the error, in a
//! transaction of its own. A migration with `transaction: false` runs statement by
//! statement, with its progress recorded after each, so a failure leaves `partial k/n`.

mod apply;
mod down;
mod error;
mod mark;
mod overview;
mod resolve;
mod up;
mod verify;

pub use down::{DownTarget, down, plan_down};
pub use error::{Direction, MigrationFailure, RunError};
pub use mark::{AdoptSummary, MarkApplied, mark_applied};
pub use overview::{Entry, Overview};
pub use resolve::{Resolution, resolve};
pub use up::{Progress, UpOptions, UpPlan, UpSummary, backoff, plan_up, up};
pub use verify::{CheckResult, record_verification, verify};

use std::time::Duration;

use crate::engine::{DbError, Engine, Event, LockHolder, Record};
use crate::file::Migration;
use crate::id::{MigrationId, RunId};
use crate::state::State;
use crate::time::Timestamp;

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

/// Takes the migration lock; a takeover from a dead holder is recorded as an event.
pub(super) fn lock(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    wait: Duration,
) -> Result<Box<dyn crate::engine::LockGuard>, RunError> {
    let guard = engine.lock(&ctx.holder(), wait)?;
    if let Some(dead) = guard.took_over() {
        let mut ev = ctx.event(None, None, None, true);
        ev.reason = Some(format!(
            "took over the migration lock from a run whose process is gone: {dead}"
        ));
        in_tx(engine, |e| e.append_event(&ev))?;
    }
    Ok(guard)
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
