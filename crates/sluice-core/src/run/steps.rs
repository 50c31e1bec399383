//! A migration step by step: each statement commits with the record of its progress, or
//! is recorded as started before it runs and done after (intent before effect); a resume
//! first decides a statement in doubt from the catalog.

use std::time::Instant;

use sluice_sql::footprint;

use super::apply::{
    Failed, Job, Kept, job_details, lock_note, prefix_checksum, statement_checksum, stop_at,
};
use super::doubt::{self, Verdict};
use super::up::{Progress, UpOptions, backoff};
use super::{FailedAt, RunContext, RunError};
use super::{check_lock, in_tx, ms, new_record, write, write_failed};
use crate::engine::{DbError, Engine, Expected, LockGuard, Record};
use crate::state::State;
use crate::time::Timestamp;

/// Runs `up` statement by statement, outside a transaction. Each statement either commits
/// together with the record of its progress, or, when it cannot run inside a transaction,
/// is recorded as started before it runs (with its checksum) and done after. With
/// `job.resume`, the statements done are skipped (after checking that they did not change)
/// and a statement in doubt is reconciled from the catalog first.
pub(super) fn apply_step_by_step(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    job: &mut Job<'_>,
    row: &mut Option<Record>,
    opts: &UpOptions,
    guard: &mut Box<dyn LockGuard>,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Vec<String>, RunError> {
    let m = job.m;
    let total = m.up.statements.len();
    let dialect = engine.info().dialect;
    let started = opts.clock.now();
    let mut notes: Vec<String> = Vec::new();
    let mut next = 0usize;
    let resumable = row
        .as_ref()
        .filter(|r| job.resume && matches!(r.state, State::Partial | State::Applying))
        .cloned();
    if let Some(r) = &resumable {
        next = r.statements_done.min(total as u32) as usize;
        if next > 0 && r.done_checksum.as_ref() != Some(&prefix_checksum(m, next)) {
            return Err(refuse_resume(engine, ctx, job, next as u32, None));
        }
        if let Some(k) = r.started_statement {
            let k = k as usize;
            if k != next + 1
                || k > total
                || r.started_checksum.as_ref() != Some(&statement_checksum(m, k))
            {
                return Err(refuse_resume(engine, ctx, job, next as u32, Some(k as u32)));
            }
            let s = &m.up.statements[k - 1];
            match doubt::judge(engine, m, k as u32)? {
                Verdict::Done(evidence) => {
                    notes.push(format!(
                        "statement {k} was in doubt and took effect ({evidence}): it is recorded done"
                    ));
                    next = k;
                }
                Verdict::NotDone(evidence) => notes.push(format!(
                    "statement {k} was in doubt and did not take effect ({evidence}): it runs now"
                )),
                Verdict::Rerun(why) => notes.push(format!(
                    "statement {k} was in doubt; {why}, so it runs again"
                )),
                Verdict::InvalidIndex { thing, drop_sql } => {
                    engine.execute(&drop_sql)?;
                    notes.push(format!(
                        "statement {k} was in doubt and left {thing} INVALID (an interrupted CREATE INDEX CONCURRENTLY): dropped it ({drop_sql}); it is built again now"
                    ));
                }
                Verdict::Unknown(why) => {
                    let err = RunError::InDoubt {
                        id: m.id.clone(),
                        statement: k as u32,
                        total: total as u32,
                        path: m.path.clone(),
                        line: s.line,
                        why,
                    };
                    let mut events = std::mem::take(&mut job.pre);
                    let mut ev =
                        ctx.event(Some(&m.id), Some(job.from), Some(State::Applying), false);
                    ev.reason = Some(err.to_string());
                    ev.details["in_doubt"] = serde_json::json!(k);
                    events.push(ev);
                    in_tx(engine, |e| {
                        events.iter().try_for_each(|ev| e.append_event(ev))
                    })?;
                    return Err(err);
                }
            }
        }
    }
    // A statement tried before: a CREATE INDEX CONCURRENTLY that failed or was cut off
    // left its index INVALID, and building it again would fail on the name.
    let cleaned = notes.iter().any(|n| n.contains("INVALID"));
    let tried = row
        .as_ref()
        .is_some_and(|r| matches!(r.state, State::Failed | State::Partial | State::Applying));
    if tried
        && next < total
        && !cleaned
        && let Some((thing, drop_sql)) = doubt::invalid_leftover(engine, m, next + 1)?
    {
        engine.execute(&drop_sql)?;
        notes.push(format!(
            "statement {} left {thing} INVALID when it was tried before: dropped it ({drop_sql}); it is built again now",
            next + 1
        ));
    }
    // A new session: the settings the statements done had made are gone.
    if next > 0 {
        let settings: Vec<&str> = m.up.statements[..next]
            .iter()
            .map(|s| s.sql.as_str())
            .filter(|s| footprint::is_session_setting(s, dialect))
            .collect();
        for s in &settings {
            engine.execute(s)?;
        }
        if !settings.is_empty() {
            notes.push(format!(
                "{} session setting(s) of the statements done made again",
                settings.len()
            ));
        }
    }
    for n in &notes {
        progress(Progress::Recovered {
            migration: m,
            note: n.clone(),
        });
    }

    let mut r = new_record(ctx, m, State::Applying, total);
    r.statements_done = next as u32;
    r.done_checksum = Some(prefix_checksum(m, next));
    let intent_now =
        next < total && !footprint::shares_transaction(&m.up.statements[next].sql, dialect);
    if intent_now {
        // The first statement runs on its own: this write is also its intent (and checked
        // the lock).
        r.started_statement = Some((next + 1) as u32);
        r.started_checksum = Some(statement_checksum(m, next + 1));
    }
    let mut events = std::mem::take(&mut job.pre);
    let mut first = ctx.step(m, job.from, State::Applying);
    first.details = job_details(ctx, job);
    let mut reason = Vec::new();
    if next > 0 || resumable.is_some() {
        reason.push(format!("resuming after statement {next}/{total}"));
    }
    reason.extend(notes);
    if !reason.is_empty() {
        first.reason = Some(reason.join("; "));
    }
    events.push(first);
    let expected = Expected::of(row.as_ref());
    write(engine, &r, &expected, &events).map_err(|e| write_failed(e, &m.id, row.as_ref()))?;
    *row = Some(r);
    job.from = State::Applying;

    let attempts = if engine.capabilities().lock_timeout {
        opts.retries.saturating_add(1)
    } else {
        1
    };
    let mut warnings = Vec::new();
    // The file's own `BEGIN … COMMIT` block in progress: where it began.
    let mut block: Option<usize> = None;
    for i in next..total {
        // Between statements (never inside the file's own transaction block): a statement
        // that blocked more sessions than the environment allows is the last one, and so is
        // one after which the replicas did not catch up in time.
        if i > next
            && block.is_none()
            && let Some(why) = between_statements(engine, ctx, job, opts, i)?
        {
            let failed = Failed {
                at: FailedAt::Stopped(i),
                line: m.up.statements[i].line,
                error: DbError::msg(why),
            };
            let elapsed = opts.clock.now() - started;
            return Err(stop_at(
                engine,
                ctx,
                job,
                row,
                failed,
                None,
                Kept::Upto(i),
                elapsed,
            ));
        }
        progress(Progress::Statement {
            migration: m,
            index: i + 1,
            total,
            line: m.up.statements[i].line,
        });
        if !(intent_now && i == next) && block.is_none() {
            check_lock(engine, guard, Some(&m.id), row.as_ref())?;
        }
        let s = &m.up.statements[i];
        let last = i + 1 == total;
        let control = footprint::transaction_control(&s.sql, dialect);
        if let Some(b) = block {
            // Inside the file's own transaction: statements run as written, and the record
            // of the block's progress travels inside it, so the two commit together.
            let elapsed = opts.clock.now() - started;
            match in_block(engine, ctx, job, row, i, control, started, opts)? {
                Ok(ended) => {
                    if ended {
                        block = None;
                    }
                    continue;
                }
                Err(error) => {
                    let failed = Failed {
                        at: FailedAt::Statement(i + 1),
                        line: s.line,
                        error,
                    };
                    let note = Some(format!(
                        "its transaction block, statements {}–{}, was rolled back",
                        b + 1,
                        i + 1
                    ));
                    return Err(stop_at(
                        engine,
                        ctx,
                        job,
                        row,
                        failed,
                        note,
                        Kept::Upto(b),
                        elapsed,
                    ));
                }
            }
        }
        if control == Some(footprint::Tx::Begin) {
            // Recorded as started; what comes next runs in the file's own transaction.
            if let Err(error) = run_alone(engine, ctx, job, row, i)? {
                if error.connection_lost {
                    return Err(RunError::from(error));
                }
                let failed = Failed {
                    at: FailedAt::Statement(i + 1),
                    line: s.line,
                    error,
                };
                let elapsed = opts.clock.now() - started;
                return Err(stop_at(
                    engine,
                    ctx,
                    job,
                    row,
                    failed,
                    None,
                    Kept::Before,
                    elapsed,
                ));
            }
            block = Some(i);
            continue;
        }
        let mut shared = footprint::shares_transaction(&s.sql, dialect);
        let mut outcome;
        let mut attempt = 1;
        loop {
            outcome = if shared {
                run_shared(engine, ctx, job, row, i, started, opts)?
            } else {
                run_alone(engine, ctx, job, row, i)?
            };
            match &outcome {
                // A statement that cannot run inside a transaction after all (a server
                // older than the parser assumed): run it on its own.
                Err(e) if shared && e.sqlstate.as_deref() == Some("25001") => {
                    shared = false;
                    continue;
                }
                Err(e) if e.is_lock_timeout() && attempt < attempts => {
                    // It changed nothing: wait, then try again, each attempt an event.
                    let delay = backoff(attempt, opts.retry_cap);
                    let mut ev = ctx.step(m, State::Applying, State::Applying);
                    ev.reason = Some(format!(
                        "statement {}/{total} at {}:{} gave up waiting for a lock ({}); attempt {} of {attempts} in {} ms",
                        i + 1,
                        m.path.display(),
                        s.line,
                        e.short(),
                        attempt + 1,
                        delay.as_millis()
                    ));
                    ev.details = serde_json::json!({ "statement": i + 1, "attempt": attempt, "retry_in_ms": ms(delay) });
                    in_tx(engine, |e| e.append_event(&ev))?;
                    opts.clock.sleep(delay);
                    attempt += 1;
                }
                _ => break,
            }
        }
        for w in engine.take_warnings() {
            warnings.push(format!(
                "statement {}/{total} (line {}): {w}",
                i + 1,
                s.line
            ));
        }
        if let Err(error) = outcome {
            if error.connection_lost {
                return Err(RunError::from(error));
            }
            let mut note = None;
            if error.is_lock_timeout() {
                note = Some(lock_note(engine, &[&s.sql], attempt, attempts));
            } else if let Some((thing, _)) = doubt::invalid_leftover(engine, m, i + 1)? {
                note = Some(format!(
                    "it left {thing} INVALID; `sluice up --resume` drops it and builds it again"
                ));
            }
            let failed = Failed {
                at: FailedAt::Statement(i + 1),
                line: s.line,
                error,
            };
            let elapsed = opts.clock.now() - started;
            return Err(stop_at(
                engine,
                ctx,
                job,
                row,
                failed,
                note,
                Kept::Before,
                elapsed,
            ));
        }
        if !shared {
            if last {
                finish(
                    engine,
                    ctx,
                    job,
                    row,
                    started,
                    opts,
                    &warnings,
                    Finish::Alone,
                )?;
            } else if footprint::shares_transaction(&m.up.statements[i + 1].sql, dialect) {
                // The next statement's record comes only when it commits: say now that
                // this one is done.
                let mut r = new_record(ctx, m, State::Applying, total);
                r.statements_done = (i + 1) as u32;
                r.done_checksum = Some(prefix_checksum(m, i + 1));
                let expected = Expected::of(row.as_ref());
                write(engine, &r, &expected, &[])
                    .map_err(|e| write_failed(e, &m.id, row.as_ref()))?;
                *row = Some(r);
            }
        }
    }
    if total == next {
        // Nothing left to run (the statement in doubt was the last, and it took effect).
        finish(
            engine,
            ctx,
            job,
            row,
            started,
            opts,
            &warnings,
            Finish::Alone,
        )?;
    }
    Ok(warnings)
}

/// Why a step-by-step migration stops before its statement `i + 1`, the ones before it
/// committed: the watch saw more sessions blocked than the environment allows, or the
/// replicas did not come within `max_replica_lag` in `replica_wait` (waited for here, and
/// the wait recorded when there was one).
fn between_statements(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    job: &mut Job<'_>,
    opts: &UpOptions,
    i: usize,
) -> Result<Option<String>, RunError> {
    if let Some(why) = job.watched_over() {
        return Ok(Some(why));
    }
    let Some(pace) = &opts.pace else {
        return Ok(None);
    };
    match pace.between(engine, job.m, i + 1) {
        Ok(Some((reason, details))) => {
            if details["waited_ms"].as_u64().unwrap_or(0) >= 100 {
                super::record_note(engine, ctx, Some(job.m), reason, details)?;
            }
            Ok(None)
        }
        Ok(None) => Ok(None),
        Err(why) => Ok(Some(why)),
    }
}

/// Runs statement `i` inside the file's own transaction block, which began at statement
/// `b`: its `COMMIT` carries the record of the block's progress (the final record when it
/// is the last statement), so they commit together; a `ROLLBACK` ends it with nothing of it
/// done. `Ok(Ok(ended))`: ran, and whether the block ended; `Ok(Err(e))`: the statement
/// failed and the block was rolled back.
#[allow(clippy::too_many_arguments)]
fn in_block(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    job: &Job<'_>,
    row: &mut Option<Record>,
    i: usize,
    control: Option<footprint::Tx>,
    started: Instant,
    opts: &UpOptions,
) -> Result<Result<bool, DbError>, RunError> {
    let m = job.m;
    let total = m.up.statements.len();
    let sql = &m.up.statements[i].sql;
    match control {
        Some(footprint::Tx::Commit) => {
            if i + 1 == total {
                finish(
                    engine,
                    ctx,
                    job,
                    row,
                    started,
                    opts,
                    &[],
                    Finish::InBlock(sql),
                )?;
            } else {
                let mut r = new_record(ctx, m, State::Applying, total);
                r.statements_done = (i + 1) as u32;
                r.done_checksum = Some(prefix_checksum(m, i + 1));
                let expected = Expected::of(row.as_ref());
                engine
                    .record(&r, &expected, &[])
                    .map_err(|e| write_failed(e, &m.id, row.as_ref()))?;
                if let Err(e) = engine.execute(sql) {
                    let _ = engine.execute("ROLLBACK");
                    return Ok(Err(e));
                }
                *row = Some(r);
            }
            Ok(Ok(true))
        }
        Some(footprint::Tx::Rollback) => {
            engine.execute(sql)?;
            // Nothing of the block is done; the statements through this one ran.
            let mut r = new_record(ctx, m, State::Applying, total);
            r.statements_done = (i + 1) as u32;
            r.done_checksum = Some(prefix_checksum(m, i + 1));
            let expected = Expected::of(row.as_ref());
            write(engine, &r, &expected, &[]).map_err(|e| write_failed(e, &m.id, row.as_ref()))?;
            *row = Some(r);
            Ok(Ok(true))
        }
        _ => match engine.execute(sql) {
            Ok(()) => Ok(Ok(false)),
            Err(e) if e.connection_lost => Err(RunError::from(e)),
            Err(e) => {
                let _ = engine.execute("ROLLBACK");
                Ok(Err(e))
            }
        },
    }
}

/// Runs statement `i` in one transaction with the record of its progress (the final record
/// when it is the last). `Ok(Err(e))`: the statement failed and was rolled back.
fn run_shared(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    job: &Job<'_>,
    row: &mut Option<Record>,
    i: usize,
    started: Instant,
    opts: &UpOptions,
) -> Result<Result<(), DbError>, RunError> {
    let m = job.m;
    let total = m.up.statements.len();
    engine.begin()?;
    if let Err(e) = engine.execute(&m.up.statements[i].sql) {
        let _ = engine.rollback();
        return Ok(Err(e));
    }
    if i + 1 == total {
        let warnings = engine.take_warnings();
        finish(
            engine,
            ctx,
            job,
            row,
            started,
            opts,
            &warnings,
            Finish::Open,
        )?;
        return Ok(Ok(()));
    }
    let mut r = new_record(ctx, m, State::Applying, total);
    r.statements_done = (i + 1) as u32;
    r.done_checksum = Some(prefix_checksum(m, i + 1));
    let expected = Expected::of(row.as_ref());
    let written = engine
        .record(&r, &expected, &[])
        .map_err(|e| write_failed(e, &m.id, row.as_ref()))
        .and_then(|()| engine.commit().map_err(RunError::from));
    if let Err(e) = written {
        let _ = engine.rollback();
        return Err(e);
    }
    *row = Some(r);
    Ok(Ok(()))
}

/// Runs statement `i` on its own: recorded as started (with its checksum) before it runs;
/// the next write records it done. `Ok(Err(e))`: the server refused it.
fn run_alone(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    job: &Job<'_>,
    row: &mut Option<Record>,
    i: usize,
) -> Result<Result<(), DbError>, RunError> {
    let m = job.m;
    let total = m.up.statements.len();
    let r0 = row.as_ref();
    let already = r0.is_some_and(|r| {
        r.state == State::Applying
            && r.run_id == ctx.run_id
            && r.statements_done as usize == i
            && r.started_statement == Some((i + 1) as u32)
    });
    if !already {
        let mut r = new_record(ctx, m, State::Applying, total);
        r.statements_done = i as u32;
        r.done_checksum = Some(prefix_checksum(m, i));
        r.started_statement = Some((i + 1) as u32);
        r.started_checksum = Some(statement_checksum(m, i + 1));
        let expected = Expected::of(r0);
        write(engine, &r, &expected, &[]).map_err(|e| write_failed(e, &m.id, row.as_ref()))?;
        *row = Some(r);
    }
    Ok(engine.execute(&m.up.statements[i].sql))
}

/// Records the migration applied: in the open transaction (`in_open`) or in one of its own.
#[allow(clippy::too_many_arguments)]
fn finish(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    job: &Job<'_>,
    row: &mut Option<Record>,
    started: Instant,
    opts: &UpOptions,
    warnings: &[String],
    how: Finish<'_>,
) -> Result<(), RunError> {
    let m = job.m;
    let total = m.up.statements.len();
    let elapsed = opts.clock.now() - started;
    let mut r = new_record(ctx, m, State::Applied, total);
    r.applied_seq = Some(job.seq);
    r.applied_at = Some(Timestamp::now().rfc3339());
    r.applied_by = Some(ctx.actor.clone());
    r.duration_ms = Some(ms(elapsed));
    r.statements_done = total as u32;
    let mut ev = ctx.step(m, State::Applying, State::Applied);
    ev.duration_ms = Some(ms(elapsed));
    ev.details = job_details(ctx, job);
    if !warnings.is_empty() {
        ev.details["warnings"] = serde_json::json!(warnings);
    }
    let events = [ev];
    let expected = Expected::of(row.as_ref());
    match how {
        Finish::Open => {
            let written = engine
                .record(&r, &expected, &events)
                .map_err(|e| write_failed(e, &m.id, row.as_ref()))
                .and_then(|()| engine.commit().map_err(RunError::from));
            if let Err(e) = written {
                let _ = engine.rollback();
                return Err(e);
            }
        }
        Finish::InBlock(commit) => {
            // The file's own COMMIT, the last statement, commits the record with its block.
            engine
                .record(&r, &expected, &events)
                .map_err(|e| write_failed(e, &m.id, row.as_ref()))?;
            engine.execute(commit)?;
        }
        Finish::Alone => {
            write(engine, &r, &expected, &events)
                .map_err(|e| write_failed(e, &m.id, row.as_ref()))?;
        }
    }
    *row = Some(r);
    Ok(())
}

/// How the final record is written.
#[derive(Clone, Copy, Debug)]
enum Finish<'a> {
    /// In a transaction of its own.
    Alone,
    /// In the transaction open with the last statement, then committed.
    Open,
    /// Before the file's own `COMMIT` (this statement), which commits it with its block.
    InBlock(&'a str),
}

/// `up --resume` of a migration whose statements done (or the one in doubt) changed in the
/// file: refused, and the refusal recorded.
fn refuse_resume(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    job: &mut Job<'_>,
    done: u32,
    in_doubt: Option<u32>,
) -> RunError {
    let m = job.m;
    let err = RunError::ResumeChanged {
        id: m.id.clone(),
        done,
        in_doubt,
    };
    let mut events = std::mem::take(&mut job.pre);
    let mut ev = ctx.event(Some(&m.id), Some(job.from), Some(State::Applying), false);
    ev.reason = Some(err.to_string());
    events.push(ev);
    if let Err(e) = in_tx(engine, |e| {
        events.iter().try_for_each(|ev| e.append_event(ev))
    }) {
        return RunError::from(e);
    }
    err
}
