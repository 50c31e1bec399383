//! `verify`: the checks of applied migrations, and their verdicts as events.

use std::path::PathBuf;

use super::{Overview, RunContext, RunError, in_tx};
use crate::engine::{DbError, Engine};
use crate::file::Migration;
use crate::id::MigrationId;
use crate::plan::Plan;
use crate::state::State;

/// Records, per migration, the verdict of its checks (for the promotion gate of the
/// environments after this one): an event with `details.verify` = PASS or FAIL and the
/// checksum that was verified.
pub fn record_verification(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    plan: &Plan,
    results: &[CheckResult],
) -> Result<(), DbError> {
    let mut events = Vec::new();
    let mut ids: Vec<&MigrationId> = results.iter().map(|r| &r.migration).collect();
    ids.dedup();
    for id in ids {
        let mine: Vec<&CheckResult> = results.iter().filter(|r| &r.migration == id).collect();
        let failed = mine.iter().filter(|r| !r.passed).count();
        let verdict = if failed == 0 { "PASS" } else { "FAIL" };
        let mut ev = ctx.event(Some(id), None, None, true);
        ev.checksum = plan.get(id.as_str()).map(|m| m.checksum.clone());
        ev.reason = Some(format!(
            "verify {verdict}: {} of {} checks passed",
            mine.len() - failed,
            mine.len()
        ));
        ev.details = serde_json::json!({ "verify": verdict, "checks": mine.len(), "failed": failed, "env": ctx.env });
        events.push(ev);
    }
    in_tx(engine, |e| {
        events.iter().try_for_each(|ev| e.append_event(ev))
    })
}

/// The verdict of one verification check.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CheckResult {
    /// The migration.
    pub migration: MigrationId,
    /// The file.
    pub path: PathBuf,
    /// Line of the statement.
    pub line: usize,
    /// The statement.
    pub sql: String,
    /// The expectation, as written.
    pub expect: String,
    /// PASS or FAIL.
    pub passed: bool,
    /// What happened.
    pub detail: String,
}

/// Runs the `verify` sections of applied migrations (all, or those named), each
/// migration's checks in one transaction that is always rolled back.
pub fn verify(
    engine: &mut dyn Engine,
    plan: &Plan,
    env: &str,
    ids: &[String],
) -> Result<Vec<CheckResult>, RunError> {
    let records = if engine.state_exists()? {
        engine.records()?
    } else {
        Vec::new()
    };
    let overview = Overview::new(plan, records, env, None);
    let mut targets: Vec<&Migration> = Vec::new();
    if ids.is_empty() {
        let mut applied = overview.applied_newest_first();
        applied.reverse();
        targets.extend(
            applied
                .into_iter()
                .filter(|e| e.state == State::Applied)
                .filter_map(|e| e.migration),
        );
    } else {
        for id in ids {
            let Some(m) = plan.get(id) else {
                return Err(RunError::UnknownId(id.clone()));
            };
            let state = overview.get(id).map_or(State::Pending, |e| e.state);
            if state != State::Applied {
                return Err(RunError::Refused {
                    id: m.id.clone(),
                    reason: format!(
                        "is {state}, not applied: apply it with `sluice up` before verifying it"
                    ),
                });
            }
            targets.push(m);
        }
    }
    let mut results = Vec::new();
    for m in targets {
        if m.verify.is_empty() {
            continue;
        }
        engine.begin()?;
        for c in &m.verify {
            // Each check in a savepoint: an expected error does not end the transaction.
            let uses_index = matches!(c.expect, crate::expect::Expect::UsesIndex(_));
            let verdict = match engine.execute("SAVEPOINT sluice_check") {
                Err(e) => c.expect.judge(&Err(e)),
                Ok(()) => {
                    let (verdict, ok) = if uses_index {
                        let plan = engine.plan_indexes(&c.sql);
                        (c.expect.judge_plan(&plan), plan.is_ok())
                    } else {
                        let rows = engine.query(&c.sql);
                        (c.expect.judge(&rows), rows.is_ok())
                    };
                    let undo = if ok {
                        "RELEASE SAVEPOINT sluice_check"
                    } else {
                        "ROLLBACK TO SAVEPOINT sluice_check"
                    };
                    match engine.execute(undo) {
                        Ok(()) => verdict,
                        Err(e) => Err(format!("could not undo the check: {}", e.short())),
                    }
                }
            };
            results.push(CheckResult {
                migration: m.id.clone(),
                path: m.path.clone(),
                line: c.line,
                sql: c.sql.clone(),
                expect: c.expect.describe(),
                passed: verdict.is_ok(),
                detail: verdict.unwrap_or_else(|e| e),
            });
        }
        engine.rollback()?;
    }
    Ok(results)
}
