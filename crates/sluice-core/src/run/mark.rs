//! Recording migrations as applied without running them: `adopt` and `baseline`.

use std::time::Duration;

use super::{RunContext, RunError, lock, new_record, refuse, write_failed};
use crate::engine::{Engine, Expected};
use crate::id::MigrationId;
use crate::plan::Plan;
use crate::state::State;
use crate::time::Timestamp;

/// What `sluice adopt` and `sluice baseline` did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct AdoptSummary {
    /// Recorded as applied now.
    pub recorded: Vec<MigrationId>,
    /// Already applied in sluice's history (left as they were).
    pub already: Vec<MigrationId>,
}

/// One migration to mark applied without running it, with what is known of its past.
#[derive(Clone, Debug)]
pub struct MarkApplied {
    /// The migration.
    pub id: MigrationId,
    /// When it was applied, where known (else now).
    pub applied_at: Option<String>,
    /// Who applied it, where known (else the one running sluice).
    pub applied_by: Option<String>,
    /// Why: "adopted from dbmate …", "baseline …".
    pub reason: String,
    /// What else to keep in the event.
    pub details: serde_json::Value,
}

/// Records migrations as applied without running anything — adoption of another tool's
/// history, or a baseline — each with an audited event, all in one transaction under the
/// lock. A migration already applied in sluice's history is left as it is; one in any
/// other recorded state (failed, partial…) refuses the whole act.
pub fn mark_applied(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    plan: &Plan,
    items: &[MarkApplied],
    lock_wait: Duration,
) -> Result<AdoptSummary, RunError> {
    engine.create_state()?;
    let guard = lock(engine, ctx, lock_wait, &super::SystemClock)?;
    let result = (|| {
        let records = engine.records()?;
        let mut next_seq = records
            .iter()
            .filter_map(|r| r.applied_seq)
            .max()
            .unwrap_or(0)
            + 1;
        let mut summary = AdoptSummary::default();
        let mut rows = Vec::new();
        let mut events = Vec::new();
        for item in items {
            let Some(m) = plan.get(item.id.as_str()) else {
                return Err(RunError::UnknownId(item.id.to_string()));
            };
            let prior = records.iter().find(|r| r.id == m.id);
            let expected = (Expected::of(prior), prior.cloned());
            match prior.map(|r| r.state) {
                None | Some(State::Pending) => {}
                Some(State::Applied) => {
                    summary.already.push(m.id.clone());
                    continue;
                }
                Some(other) => {
                    let reason = format!(
                        "is {other} in sluice's history: repair it first (`sluice resolve {}`), then adopt again",
                        m.id
                    );
                    return Err(refuse(engine, ctx, &m.id, other, State::Applied, reason));
                }
            }
            let total = m.up.statements.len();
            let mut r = new_record(ctx, m, State::Applied, total);
            r.applied_seq = Some(next_seq);
            next_seq += 1;
            r.applied_at = Some(
                item.applied_at
                    .clone()
                    .unwrap_or_else(|| Timestamp::now().rfc3339()),
            );
            r.applied_by = Some(item.applied_by.clone().unwrap_or_else(|| ctx.actor.clone()));
            r.statements_done = total as u32;
            let mut ev = ctx.step(m, State::Pending, State::Applied);
            ev.reason = Some(item.reason.clone());
            ev.details = item.details.clone();
            ev.details["executed"] = serde_json::json!(false);
            if let Some(s) = crate::projects::event_details(m) {
                ev.details["sqitch"] = s;
            }
            rows.push((r, expected));
            events.push(ev);
            summary.recorded.push(m.id.clone());
        }
        engine.begin()?;
        for ((r, (expected, prior)), ev) in rows.iter().zip(&events) {
            if let Err(e) = engine.record(r, expected, std::slice::from_ref(ev)) {
                let _ = engine.rollback();
                return Err(write_failed(e, &r.id, prior.as_ref()));
            }
        }
        engine.commit()?;
        Ok(summary)
    })();
    let released = engine.release_lock(guard);
    let summary = result?;
    released?;
    Ok(summary)
}
