//! `resolve`: an audited record of a manual repair.

use std::time::Duration;

use super::{RunContext, RunError, in_tx, lock, new_record, refuse};
use crate::engine::Engine;
use crate::plan::Plan;
use crate::state::State;
use crate::time::Timestamp;

/// What `sluice resolve` records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// The migration is, in truth, applied (the repair finished it).
    Applied,
    /// The migration is, in truth, not applied (the repair undid it).
    Reverted,
}

/// Records a manual repair of a half-done migration, as an audited event. It changes no
/// schema: it says what the database now is, after a person made it so.
pub fn resolve(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    plan: &Plan,
    id: &str,
    resolution: Resolution,
    reason: &str,
    lock_wait: Duration,
) -> Result<State, RunError> {
    if !engine.state_exists()? {
        return Err(RunError::NoHistory);
    }
    let Some(m) = plan.get(id) else {
        return Err(RunError::UnknownId(id.to_string()));
    };
    engine.create_state()?; // brings tables of an earlier sluice up to date
    let guard = lock(engine, ctx, lock_wait)?;
    let result = (|| {
        let records = engine.records()?;
        let next_seq = records
            .iter()
            .filter_map(|r| r.applied_seq)
            .max()
            .unwrap_or(0)
            + 1;
        let prior = records.into_iter().find(|r| r.id == m.id);
        let from = prior.as_ref().map_or(State::Pending, |r| r.state);
        let to = match resolution {
            Resolution::Applied => State::Applied,
            Resolution::Reverted => State::Pending,
        };
        if !from.can_resolve_to(to) {
            let reason = format!(
                "is {from}: only a failed, partial or interrupted migration can be resolved by hand (use `sluice up` or `sluice down` for the others)"
            );
            return Err(refuse(engine, ctx, &m.id, from, to, reason));
        }
        let total = m.up.statements.len();
        let mut r = new_record(ctx, m, to, total);
        if to == State::Applied {
            r.applied_seq = Some(next_seq);
            r.applied_at = Some(Timestamp::now().rfc3339());
            r.applied_by = Some(ctx.actor.clone());
            r.statements_done = total as u32;
        }
        let mut ev = ctx.step(m, from, to);
        ev.reason = Some(format!("resolved by hand: {reason}"));
        ev.details["manual"] = serde_json::json!(true);
        in_tx(engine, |e| e.record(&r, &[ev]))?;
        Ok(to)
    })();
    let released = guard.release();
    let to = result?;
    released?;
    Ok(to)
}
