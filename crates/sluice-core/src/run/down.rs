//! `down`: reverting in the order of application, newest first.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use super::apply::{Failed, failure_text, in_transaction};
use super::up::Progress;
use super::{Direction, Entry, FailedAt, MigrationFailure, Overview, RunContext, RunError};
use super::{check_lock, lock, ms, new_record, refuse, write, write_failed};
use crate::engine::{
    DbError, Engine, Event, Expected, LockGuard, StatementError, Timeouts, WriteError,
};
use crate::file::Migration;
use crate::id::MigrationId;
use crate::plan::Plan;
use crate::state::State;
use crate::time::Timestamp;

/// What `down` should revert.
#[derive(Clone, Debug)]
pub enum DownTarget {
    /// The last N applied.
    Count(usize),
    /// Everything applied after this one (it stays applied).
    To(String),
    /// This one; with `cascade`, its applied dependants first.
    One {
        /// The migration.
        id: String,
        /// Revert applied dependants first instead of refusing.
        cascade: bool,
    },
}

/// Chooses what `down` reverts, newest first.
pub fn plan_down<'p>(
    plan: &'p Plan,
    overview: &Overview<'p>,
    target: &DownTarget,
) -> Result<Vec<&'p Migration>, RunError> {
    overview.check_revertable()?;
    let applied = overview.applied_newest_first();
    let chosen: Vec<&Entry<'p>> = match target {
        DownTarget::Count(n) => applied.into_iter().take(*n).collect(),
        DownTarget::To(id) => {
            let Some(pos) = applied.iter().position(|e| e.id.as_str() == id) else {
                return match plan.get(id) {
                    None => Err(RunError::UnknownId(id.clone())),
                    Some(m) => Err(RunError::Refused {
                        id: m.id.clone(),
                        reason: "is not applied, so `down --to` has no point to return to: pick an applied migration (see `sluice status`)".into(),
                    }),
                };
            };
            applied.into_iter().take(pos).collect()
        }
        DownTarget::One { id, cascade } => {
            let Some(target) = applied.iter().find(|e| e.id.as_str() == id) else {
                return match plan.get(id) {
                    None => Err(RunError::UnknownId(id.clone())),
                    Some(m) => Err(RunError::Refused {
                        id: m.id.clone(),
                        reason: format!(
                            "is {}, not applied: there is nothing to revert",
                            overview.get(id).map_or(State::Pending, |e| e.state)
                        ),
                    }),
                };
            };
            let deps: HashSet<&str> = plan.dependants(id).iter().map(|m| m.id.as_str()).collect();
            let applied_deps: Vec<&Entry<'p>> = applied
                .iter()
                .copied()
                .filter(|e| deps.contains(e.id.as_str()))
                .collect();
            if !applied_deps.is_empty() && !cascade {
                return Err(RunError::HasDependants {
                    id: target.id.clone(),
                    dependants: applied_deps.iter().map(|e| e.id.to_string()).collect(),
                });
            }
            let mut v = applied_deps;
            v.push(target);
            v
        }
    };
    Ok(chosen.into_iter().filter_map(|e| e.migration).collect())
}

/// Reverts migrations in the order they were applied, newest first, under the lock.
pub fn down(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    plan: &Plan,
    target: &DownTarget,
    (lock_wait, timeouts): (Duration, Timeouts),
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Vec<MigrationId>, RunError> {
    if !engine.state_exists()? {
        return Err(RunError::NoHistory);
    }
    engine.create_state()?; // brings tables of an earlier sluice up to date
    let mut guard = lock(engine, ctx, lock_wait, &super::SystemClock)?;
    let result = engine
        .set_timeouts(timeouts)
        .map_err(RunError::from)
        .and_then(|()| down_locked(engine, ctx, plan, target, &mut guard, progress));
    let released = engine.release_lock(guard);
    let done = result?;
    released?;
    Ok(done)
}

/// Reverts migrations under a lock [`super::hold`] took (and keeps).
pub fn down_held(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    plan: &Plan,
    target: &DownTarget,
    timeouts: Timeouts,
    guard: &mut Box<dyn LockGuard>,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Vec<MigrationId>, RunError> {
    engine.set_timeouts(timeouts)?;
    down_locked(engine, ctx, plan, target, guard, progress)
}

pub(super) fn down_locked(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    plan: &Plan,
    target: &DownTarget,
    guard: &mut Box<dyn LockGuard>,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Vec<MigrationId>, RunError> {
    let records = engine.records()?;
    let overview = Overview::new(plan, records, &ctx.env, Some(&ctx.run_id));
    let chosen = match plan_down(plan, &overview, target) {
        Ok(c) => c,
        Err(RunError::Refused { id, reason }) => {
            let from = overview
                .get(id.as_str())
                .map_or(State::Pending, |e| e.state);
            return Err(refuse(engine, ctx, &id, from, State::Reverting, reason));
        }
        Err(e) => return Err(e),
    };
    // Refuse before anything runs if one of them cannot be reverted.
    if let Some(m) = chosen.iter().find(|m| m.down.is_none()) {
        let reason = "is irreversible (`irreversible: true`, no down section): it cannot be reverted; restore a backup or write a new migration that undoes it".to_string();
        let from = overview
            .get(m.id.as_str())
            .map_or(State::Applied, |e| e.state);
        return Err(refuse(engine, ctx, &m.id, from, State::Reverting, reason));
    }
    // Changes of other projects deployed here that still require one of these: Sqitch
    // refuses to revert it, and so does sluice.
    let sqitch = |m: &Migration| {
        m.origin
            .as_ref()
            .filter(|o| o.layout == crate::layout::Layout::Sqitch)
            .and_then(|o| Some((o.project.clone()?, o.version.clone())))
    };
    if chosen.iter().any(|m| sqitch(m).is_some()) {
        let deployed = crate::projects::deployed(engine)?;
        for m in &chosen {
            let Some((project, change)) = sqitch(m) else {
                continue;
            };
            let deps = crate::projects::dependents(&deployed, &project, &change);
            if !deps.is_empty() {
                let reason = format!(
                    "is required by changes of other projects deployed in this database: {}; revert those in their projects first (Sqitch refuses this too)",
                    deps.join(", ")
                );
                let from = overview
                    .get(m.id.as_str())
                    .map_or(State::Applied, |e| e.state);
                return Err(refuse(engine, ctx, &m.id, from, State::Reverting, reason));
            }
        }
    }
    let mut done = Vec::new();
    for m in chosen {
        let started = Instant::now();
        let Some(entry) = overview.get(m.id.as_str()).filter(|e| e.record.is_some()) else {
            return Err(RunError::Db(DbError::msg(format!(
                "{} is applied but has no history row",
                m.id
            ))));
        };
        check_lock(engine, guard, Some(&m.id), entry.record.as_ref())?;
        revert_one(engine, ctx, m, entry)?;
        progress(Progress::Reverted {
            migration: m,
            duration: started.elapsed(),
        });
        done.push(m.id.clone());
    }
    Ok(done)
}

fn revert_one(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    m: &Migration,
    entry: &Entry<'_>,
) -> Result<(), RunError> {
    let Some(down) = &m.down else {
        unreachable!("checked by the caller")
    };
    let Some(stored) = &entry.record else {
        unreachable!("checked by the caller")
    };
    let mut last = stored.clone();
    let mut expected = Expected::of(Some(&last));
    let mut pre: Vec<Event> = entry.takeover_event(ctx).into_iter().collect();
    let from = entry.state;
    let started = Instant::now();
    let transactional = in_transaction(m, down, engine.capabilities());
    let statements: Vec<&str> = down.statements.iter().map(|s| s.sql.as_str()).collect();
    let begin_ev = ctx.step(m, from, State::Reverting);
    let result = if transactional {
        engine.begin()?;
        engine
            .execute_all(&statements)
            .map_err(|e| Failed::statement(down, e))
    } else {
        let mut r = stored.clone();
        r.state = State::Reverting;
        r.run_id = ctx.run_id.clone();
        r.started_statement = None;
        r.started_checksum = None;
        r.updated_at = Timestamp::now().rfc3339();
        let mut events = std::mem::take(&mut pre);
        events.push(begin_ev.clone());
        write(engine, &r, &expected, &events).map_err(|e| write_failed(e, &m.id, Some(&last)))?;
        expected = Expected::of(Some(&r));
        last = r;
        statements.iter().enumerate().try_for_each(|(i, sql)| {
            engine.execute(sql).map_err(|error| {
                Failed::statement(
                    down,
                    StatementError {
                        index: Some(i),
                        line_offset: None,
                        error,
                    },
                )
            })
        })
    };
    if let Err(f) = &result
        && f.error.connection_lost
    {
        let _ = engine.rollback();
        return Err(RunError::from(f.error.clone()));
    }
    let result = result.and_then(|()| {
        let elapsed = started.elapsed();
        let mut r = new_record(ctx, m, State::Pending, m.up.statements.len());
        r.duration_ms = Some(ms(elapsed));
        let mut done = ctx.step(m, State::Reverting, State::Pending);
        done.duration_ms = Some(ms(elapsed));
        let mut events = std::mem::take(&mut pre);
        if transactional {
            events.push(begin_ev.clone());
        }
        events.push(done);
        let written = if transactional {
            engine
                .record(&r, &expected, &events)
                .and_then(|()| engine.commit().map_err(WriteError::Db))
        } else {
            write(engine, &r, &expected, &events)
        };
        match written {
            Ok(()) => Ok(()),
            Err(WriteError::Db(e)) if !e.connection_lost => Err(Failed::bookkeeping(down, e)),
            Err(other) => {
                let _ = engine.rollback();
                Err(Failed {
                    at: FailedAt::Bookkeeping,
                    line: 0,
                    error: DbError::msg(write_failed(other, &m.id, Some(&last)).to_string()),
                })
            }
        }
    });
    let Err(failed) = result else { return Ok(()) };
    let _ = engine.rollback();
    if failed.line == 0 || failed.error.connection_lost {
        // The lock or the row was lost, or the connection: nothing more may be written.
        return Err(RunError::Db(failed.error));
    }
    let message = format!("down failed: {}", failure_text(m, down, &failed));
    // Rolled back, or the first down statement failed: as before (applied, or partial).
    // Otherwise some (or, when only the bookkeeping failed, all) of the down statements ran
    // outside a transaction: partial.
    let to = if transactional || failed.at == FailedAt::Statement(1) {
        from
    } else {
        State::Partial
    };
    let mut events = pre;
    if transactional {
        events.push(begin_ev);
    }
    let mut ev = ctx.step(m, State::Reverting, to);
    ev.reason = Some(message.clone());
    ev.duration_ms = Some(ms(started.elapsed()));
    events.push(ev);
    let mut r = stored.clone();
    r.state = to;
    r.last_error = Some(message);
    r.run_id = ctx.run_id.clone();
    r.started_statement = None;
    r.started_checksum = None;
    r.updated_at = Timestamp::now().rfc3339();
    write(engine, &r, &expected, &events).map_err(|e| write_failed(e, &m.id, Some(&last)))?;
    Err(RunError::MigrationFailed(Box::new(MigrationFailure {
        id: m.id.clone(),
        path: down.file.clone().unwrap_or_else(|| m.path.clone()),
        direction: Direction::Down,
        line: failed.line,
        at: failed.at,
        total: down.statements.len(),
        error: failed.error,
        note: None,
        transactional,
        applied_before: Vec::new(),
    })))
}
