//! A migration in one transaction: its statements, its history row and its events commit
//! together; a lock timeout rolls it back and tries again, `applying` meanwhile.

use std::time::Instant;

use super::apply::{Failed, Job, Kept, failure_text, job_details, lock_note, stop_at, with_note};
use super::up::{UpOptions, backoff};
use super::{FailedAt, RunContext, RunError};
use super::{ms, new_record, write, write_failed};
use crate::engine::{AtOnceError, Engine, Event, Expected, Record};
use crate::state::State;
use crate::time::Timestamp;

/// Applies a migration in one transaction; one that gives up waiting for a lock is rolled
/// back and tried again with backoff, staying `applying` meanwhile (each attempt an event).
pub(super) fn apply_transactional(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    job: &mut Job<'_>,
    row: &mut Option<Record>,
    opts: &UpOptions,
) -> Result<Vec<String>, RunError> {
    let m = job.m;
    let attempts = if engine.capabilities().lock_timeout {
        opts.retries.saturating_add(1)
    } else {
        1
    };
    let started = opts.clock.now();
    let statements: Vec<&str> = m.up.statements.iter().map(|s| s.sql.as_str()).collect();
    let mut attempt = 1;
    loop {
        let failed = match try_in_transaction(engine, ctx, job, row, &statements, attempt)? {
            Ok(warnings) => return Ok(warnings),
            Err(f) => f,
        };
        let failing: Vec<&str> = match failed.at {
            FailedAt::Statement(i) => vec![statements[i - 1]],
            _ => statements.clone(),
        };
        let note = failed
            .error
            .is_lock_timeout()
            .then(|| lock_note(engine, &failing, attempt, attempts));
        if failed.error.is_lock_timeout() && attempt < attempts {
            let message = with_note(failure_text(m, &m.up, &failed), note.as_deref());
            // Nothing of it remains; it stays `applying` while it waits for the next try.
            let delay = backoff(attempt, opts.retry_cap);
            let mut r = new_record(ctx, m, State::Applying, m.up.statements.len());
            r.last_error = Some(format!(
                "{message}; next attempt in {} ms",
                delay.as_millis()
            ));
            let mut events = std::mem::take(&mut job.pre);
            let mut ev = ctx.step(m, job.from, State::Applying);
            ev.reason = r.last_error.clone();
            ev.details = job_details(ctx, job);
            ev.details["attempt"] = serde_json::json!(attempt);
            ev.details["retry_in_ms"] = serde_json::json!(ms(delay));
            events.push(ev);
            let expected = Expected::of(row.as_ref());
            write(engine, &r, &expected, &events)
                .map_err(|e| write_failed(e, &m.id, row.as_ref()))?;
            *row = Some(r);
            job.from = State::Applying;
            opts.clock.sleep(delay);
            attempt += 1;
            continue;
        }
        let elapsed = opts.clock.now() - started;
        return Err(stop_at(
            engine,
            ctx,
            job,
            row,
            failed,
            note,
            Kept::Nothing,
            elapsed,
        ));
    }
}

/// One attempt: `Ok(Ok(warnings))` applied, `Ok(Err(failed))` rolled back (to be recorded
/// or tried again), `Err` the run stops (connection lost, lock lost, row changed).
fn try_in_transaction(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    job: &mut Job<'_>,
    row: &mut Option<Record>,
    statements: &[&str],
    attempt: u32,
) -> Result<Result<Vec<String>, Failed>, RunError> {
    let m = job.m;
    if job.watching.is_none() {
        // Nothing to look at between the statements and COMMIT: the engine may send the
        // whole transaction at once (its server times the statements).
        let started = Instant::now();
        let (mut r, events) = applied(ctx, job, attempt, None, &[]);
        let expected = Expected::of(row.as_ref());
        if let Some(outcome) = engine.apply_at_once(statements, &r, &expected, &events) {
            return match outcome {
                Ok(()) => {
                    r.duration_ms = Some(ms(started.elapsed()));
                    *row = Some(r);
                    Ok(Ok(Vec::new()))
                }
                Err(AtOnceError::Statement(e)) => {
                    let _ = engine.rollback();
                    if e.error.connection_lost {
                        return Err(RunError::from(e.error));
                    }
                    Ok(Err(Failed::statement(&m.up, e)))
                }
                Err(AtOnceError::Write(crate::engine::WriteError::Db(e))) if !e.connection_lost => {
                    Ok(Err(Failed::bookkeeping(&m.up, e)))
                }
                Err(AtOnceError::Write(other)) => Err(write_failed(other, &m.id, row.as_ref())),
                // Did the COMMIT reach the server? The caller reads the row after reconnecting.
                Err(AtOnceError::Commit(e)) if e.connection_lost => Err(RunError::from(e)),
                Err(AtOnceError::Commit(e)) => Ok(Err(Failed::bookkeeping(&m.up, e))),
            };
        }
    }
    let started = Instant::now();
    engine.begin()?;
    if let Err(e) = engine.execute_all(statements) {
        let _ = engine.rollback();
        if e.error.connection_lost {
            // The server rolls back a transaction whose connection is gone.
            return Err(RunError::from(e.error));
        }
        return Ok(Err(Failed::statement(&m.up, e)));
    }
    let warnings = engine.take_warnings();
    if let Some(why) = job.watched_over() {
        // Its locks go with the rollback: what it blocked goes on.
        let _ = engine.rollback();
        return Ok(Err(Failed {
            at: FailedAt::Stopped(0),
            line: m.up.statements.first().map_or(1, |s| s.line),
            error: crate::engine::DbError::msg(why),
        }));
    }
    let (r, events) = applied(ctx, job, attempt, Some(started.elapsed()), &warnings);
    let expected = Expected::of(row.as_ref());
    if let Err(e) = engine.record(&r, &expected, &events) {
        let _ = engine.rollback();
        return match e {
            crate::engine::WriteError::Db(e) if !e.connection_lost => {
                Ok(Err(Failed::bookkeeping(&m.up, e)))
            }
            other => Err(write_failed(other, &m.id, row.as_ref())),
        };
    }
    match engine.commit() {
        Ok(()) => {
            *row = Some(r);
            Ok(Ok(warnings))
        }
        // Did the COMMIT reach the server? The caller reads the row after reconnecting.
        Err(e) if e.connection_lost => Err(RunError::from(e)),
        Err(e) => {
            let _ = engine.rollback();
            Ok(Err(Failed::bookkeeping(&m.up, e)))
        }
    }
}

/// The history row and events of `job`'s migration applied, `elapsed` taken by its
/// statements (`None`: left for the engine to fill in).
fn applied(
    ctx: &RunContext,
    job: &Job<'_>,
    attempt: u32,
    elapsed: Option<std::time::Duration>,
    warnings: &[String],
) -> (Record, Vec<Event>) {
    let m = job.m;
    let mut r = new_record(ctx, m, State::Applied, m.up.statements.len());
    r.applied_seq = Some(job.seq);
    r.applied_at = Some(Timestamp::now().rfc3339());
    r.applied_by = Some(ctx.actor.clone());
    r.duration_ms = elapsed.map(ms);
    r.statements_done = m.up.statements.len() as u32;
    let mut events = job.pre.clone();
    let mut first = ctx.step(m, job.from, State::Applying);
    first.details = job_details(ctx, job);
    if attempt > 1 {
        first.details["attempt"] = serde_json::json!(attempt);
    }
    let mut done = ctx.step(m, State::Applying, State::Applied);
    done.duration_ms = elapsed.map(ms);
    done.details = first.details.clone();
    if !warnings.is_empty() {
        done.details["warnings"] = serde_json::json!(warnings);
    }
    if job.from != State::Applying {
        events.push(first);
    }
    events.push(done);
    (r, events)
}
