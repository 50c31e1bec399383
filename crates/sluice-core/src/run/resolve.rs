//! The audited manual acts: `resolve` (what a repair by hand made of a half-done
//! migration, or of a statement in doubt) and `unlock --force`.

use std::time::Duration;

use super::apply::prefix_checksum;
use super::{Overview, RunContext, RunError, in_tx, lock, new_record, refuse, write, write_failed};
use crate::engine::{Engine, Expected, LockHolder};
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
    let guard = lock(engine, ctx, lock_wait, &super::SystemClock)?;
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
        let expected = Expected::of(prior.as_ref());
        write(engine, &r, &expected, &[ev]).map_err(|e| write_failed(e, &m.id, prior.as_ref()))?;
        Ok(to)
    })();
    let released = engine.release_lock(guard);
    let to = result?;
    released?;
    Ok(to)
}

/// Records what a person found of a statement in doubt: it took effect (`done`), or it did
/// not. The migration is then `partial` at a known point, and `up --resume` goes on from
/// there. Returns the statements now recorded done.
#[allow(clippy::too_many_arguments)]
pub fn resolve_statement(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    plan: &Plan,
    id: &str,
    done: bool,
    reason: &str,
    lock_wait: Duration,
) -> Result<u32, RunError> {
    if !engine.state_exists()? {
        return Err(RunError::NoHistory);
    }
    let Some(m) = plan.get(id) else {
        return Err(RunError::UnknownId(id.to_string()));
    };
    engine.create_state()?;
    let guard = lock(engine, ctx, lock_wait, &super::SystemClock)?;
    let result = (|| {
        let records = engine.records()?;
        let overview = Overview::new(plan, records, &ctx.env, Some(&ctx.run_id));
        let entry = overview.get(id).filter(|e| e.record.is_some());
        let (Some(e), Some(k)) = (entry, entry.and_then(|e| e.in_doubt)) else {
            let from = entry.map_or(State::Pending, |e| e.state);
            let reason = format!(
                "has no statement in doubt (it is {from}): --statement-done and --statement-not-done are for a statement that had started when its run stopped (see `sluice status`)"
            );
            return Err(refuse(engine, ctx, &m.id, from, State::Partial, reason));
        };
        let stored = e.record.clone().expect("filtered above");
        let total = m.up.statements.len();
        let now_done = if done { k } else { k - 1 };
        let mut r = new_record(ctx, m, State::Partial, total);
        r.statements_done = now_done;
        r.done_checksum = Some(prefix_checksum(m, now_done as usize));
        r.last_error = stored.last_error.clone();
        let mut events: Vec<_> = e.takeover_event(ctx).into_iter().collect();
        let mut ev = ctx.event(Some(&m.id), None, None, true);
        ev.checksum = Some(m.checksum.clone());
        ev.reason = Some(format!(
            "resolved by hand: statement {k} of {total} {}: {reason}",
            if done {
                "took effect"
            } else {
                "did not take effect"
            }
        ));
        ev.details["manual"] = serde_json::json!(true);
        ev.details["statement"] = serde_json::json!(k);
        ev.details["statement_done"] = serde_json::json!(done);
        events.push(ev);
        let expected = Expected::of(Some(&stored));
        write(engine, &r, &expected, &events).map_err(|e| write_failed(e, &m.id, Some(&stored)))?;
        Ok(now_done)
    })();
    let released = engine.release_lock(guard);
    let n = result?;
    released?;
    Ok(n)
}

/// `sluice unlock --force`: frees the migration lock (ends the holder's session where the
/// server can) and records who held it and why it was forced. Returns the holder.
pub fn unlock(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    reason: &str,
) -> Result<Option<LockHolder>, RunError> {
    let holder = engine.break_lock()?;
    if engine.state_exists()? {
        let mut ev = ctx.event(None, None, None, true);
        ev.reason = Some(match &holder {
            Some(h) => format!("migration lock forced free (held by {h}): {reason}"),
            None => format!("migration lock forced free (nobody held it): {reason}"),
        });
        ev.details["unlock"] = serde_json::json!(true);
        in_tx(engine, |e| e.append_event(&ev))?;
    }
    Ok(holder)
}
