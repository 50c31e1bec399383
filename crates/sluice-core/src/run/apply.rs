//! Applying one migration: in one transaction, or statement by statement with its
//! progress recorded.

use std::time::{Duration, Instant};

use super::up::{UpOptions, backoff};
use super::{Direction, MigrationFailure, RunError};
use super::{RunContext, in_tx, ms, new_record};
use crate::engine::{DbError, Engine, Record, StatementError};
use crate::file::{Migration, Section};
use crate::id::Checksum;
use crate::state::State;
use crate::time::Timestamp;

pub(super) fn late_details(ctx: &RunContext, late: bool) -> serde_json::Value {
    serde_json::json!({ "env": ctx.env, "late": late })
}

/// Checksum of the first `k` statements of `up` (what a partial migration already ran).
pub(super) fn prefix_checksum(m: &Migration, k: usize) -> Checksum {
    let done: Vec<&str> = m.up.statements[..k.min(m.up.statements.len())]
        .iter()
        .map(|s| s.sql.as_str())
        .collect();
    Checksum::v1(&done.join("\n;\n"))
}

/// Where a statement failed: its 1-based index (0: sluice's own bookkeeping) and its line.
pub(super) struct Failed {
    pub(super) index: usize,
    pub(super) line: usize,
    pub(super) error: DbError,
}

impl Failed {
    pub(super) fn bookkeeping(section: &Section, error: DbError) -> Failed {
        Failed {
            index: 0,
            line: section.marker_line,
            error,
        }
    }

    pub(super) fn statement(section: &Section, e: StatementError) -> Failed {
        let s = &section.statements[e.index];
        Failed {
            index: e.index + 1,
            line: s.line + e.line_offset.unwrap_or(0),
            error: e.error,
        }
    }
}

pub(super) fn apply_in_transaction(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    m: &Migration,
    prior: Option<&Record>,
    seq: i64,
    late: bool,
    (attempt, attempts): (u32, u32),
) -> Result<Vec<String>, RunError> {
    let from = prior.map_or(State::Pending, |r| r.state);
    let started = Instant::now();
    let mut first = ctx.step(m, from, State::Applying);
    first.details = late_details(ctx, late);
    if attempts > 1 {
        first.details["attempt"] = serde_json::json!(attempt);
    }
    engine.begin()?;
    let statements: Vec<&str> = m.up.statements.iter().map(|s| s.sql.as_str()).collect();
    let attempt_result = (|| -> Result<Vec<String>, Failed> {
        engine
            .execute_all(&statements)
            .map_err(|e| Failed::statement(&m.up, e))?;
        let warnings = engine.take_warnings();
        let elapsed = started.elapsed();
        let mut r = new_record(ctx, m, State::Applied, m.up.statements.len());
        r.applied_seq = Some(seq);
        r.applied_at = Some(Timestamp::now().rfc3339());
        r.applied_by = Some(ctx.actor.clone());
        r.duration_ms = Some(ms(elapsed));
        r.statements_done = m.up.statements.len() as u32;
        let mut done = ctx.step(m, State::Applying, State::Applied);
        done.duration_ms = Some(ms(elapsed));
        done.details = first.details.clone();
        if !warnings.is_empty() {
            done.details["warnings"] = serde_json::json!(warnings);
        }
        engine
            .record(&r, &[first.clone(), done])
            .map_err(|e| Failed::bookkeeping(&m.up, e))?;
        engine.commit().map_err(|e| Failed::bookkeeping(&m.up, e))?;
        Ok(warnings)
    })();
    let failed = match attempt_result {
        Ok(warnings) => return Ok(warnings),
        Err(failed) => failed,
    };
    let _ = engine.rollback();
    // The migration left nothing behind; now record the failure on its own.
    let mut message = failure_text(m, &m.up, &failed);
    let mut note = None;
    if failed.error.is_lock_timeout() {
        let tables = failed
            .index
            .checked_sub(1)
            .map(|i| sluice_sql::tables_touched(&m.up.statements[i].sql))
            .unwrap_or_default();
        let holders = engine.lock_holders(&tables);
        let mut n = format!("attempt {attempt} of {attempts}");
        if !holders.is_empty() {
            n.push_str(&format!("; the lock was held by {}", holders.join("; ")));
        }
        message.push_str(&format!(" ({n})"));
        note = Some(n);
    }
    record_failure(
        engine,
        ctx,
        m,
        from,
        State::Failed,
        0,
        None,
        &message,
        started.elapsed(),
    )?;
    Err(RunError::MigrationFailed(Box::new(MigrationFailure {
        id: m.id.clone(),
        path: m.path.clone(),
        direction: Direction::Up,
        line: failed.line,
        index: failed.index,
        total: m.up.statements.len(),
        error: failed.error,
        note,
        transactional: true,
        applied_before: Vec::new(),
    })))
}

pub(super) fn failure_text(m: &Migration, section: &Section, failed: &Failed) -> String {
    if failed.index == 0 {
        return format!("bookkeeping failed: {}", failed.error.short());
    }
    format!(
        "statement {}/{} at {}:{}: {}",
        failed.index,
        section.statements.len(),
        m.path.display(),
        failed.line,
        failed.error.short()
    )
}

#[allow(clippy::too_many_arguments)]
pub(super) fn record_failure(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    m: &Migration,
    from: State,
    to: State,
    done: usize,
    done_checksum: Option<Checksum>,
    message: &str,
    elapsed: Duration,
) -> Result<(), RunError> {
    let mut r = new_record(ctx, m, to, m.up.statements.len());
    r.statements_done = done as u32;
    r.done_checksum = done_checksum;
    r.last_error = Some(message.to_string());
    r.duration_ms = Some(ms(elapsed));
    let mut events = Vec::new();
    if from != State::Applying {
        events.push(ctx.step(m, from, State::Applying));
    }
    let mut ev = ctx.step(m, State::Applying, to);
    ev.reason = Some(message.to_string());
    ev.duration_ms = Some(ms(elapsed));
    events.push(ev);
    in_tx(engine, |e| e.record(&r, &events))?;
    Ok(())
}

/// Runs `up` statement by statement, outside a transaction, recording progress after each.
/// With `resume_from = Some(k)`, statements 1…k ran before and are skipped, after checking
/// that they did not change.
#[allow(clippy::too_many_arguments)]
pub(super) fn apply_step_by_step(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    m: &Migration,
    prior: Option<&Record>,
    resume_from: Option<usize>,
    seq: i64,
    late: bool,
    opts: &UpOptions,
) -> Result<Vec<String>, RunError> {
    let from = prior.map_or(State::Pending, |r| r.state);
    let total = m.up.statements.len();
    let mut warnings = Vec::new();
    let skip = resume_from.unwrap_or(0);
    if let (Some(k), Some(r)) = (resume_from, prior)
        && k > 0
    {
        let now = prefix_checksum(m, k);
        if r.done_checksum.as_ref() != Some(&now) {
            let err = RunError::ResumeChanged {
                id: m.id.clone(),
                done: k as u32,
            };
            // The refusal is part of the story: recorded as a transition not allowed.
            let mut ev = ctx.event(Some(&m.id), Some(from), Some(State::Applying), false);
            ev.reason = Some(err.to_string());
            in_tx(engine, |e| e.append_event(&ev))?;
            return Err(err);
        }
    }
    let started = Instant::now();
    let mut first = ctx.step(m, from, State::Applying);
    first.details = late_details(ctx, late);
    if skip > 0 {
        first.reason = Some(format!("resuming after statement {skip}/{total}"));
    }
    let mut r = new_record(ctx, m, State::Applying, total);
    r.statements_done = skip as u32;
    r.done_checksum = Some(prefix_checksum(m, skip));
    in_tx(engine, |e| e.record(&r, &[first]))?;
    let attempts = if engine.capabilities().lock_timeout {
        opts.retries + 1
    } else {
        1
    };
    let transactional_ddl = engine.capabilities().transactional_ddl;
    for (i, s) in m.up.statements.iter().enumerate().skip(skip) {
        // Where DDL commits on its own (MySQL), a data change still rolls back: it runs in
        // one transaction with the bookkeeping that records it, so the record is exact.
        let shared = !transactional_ddl && sluice_sql::is_data_change(&s.sql);
        let mut result = execute_one(engine, &s.sql, shared);
        // A statement that gave up waiting for a lock changed nothing: wait, then try it
        // again, each attempt an event.
        let mut attempt = 1;
        while attempt < attempts
            && let Err(e) = &result
            && e.is_lock_timeout()
        {
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
            std::thread::sleep(delay);
            attempt += 1;
            result = execute_one(engine, &s.sql, shared);
        }
        for w in engine.take_warnings() {
            warnings.push(format!(
                "statement {}/{total} (line {}): {w}",
                i + 1,
                s.line
            ));
        }
        if let Err(error) = result {
            let mut message_note = None;
            if error.is_lock_timeout() {
                let holders = engine.lock_holders(&sluice_sql::tables_touched(&s.sql));
                let mut n = format!("attempt {attempt} of {attempts}");
                if !holders.is_empty() {
                    n.push_str(&format!("; the lock was held by {}", holders.join("; ")));
                }
                message_note = Some(n);
            }
            let failed = Failed {
                index: i + 1,
                line: s.line,
                error,
            };
            let mut message = failure_text(m, &m.up, &failed);
            if let Some(n) = &message_note {
                message.push_str(&format!(" ({n})"));
            }
            let to = if i == 0 {
                State::Failed
            } else {
                State::Partial
            };
            record_failure(
                engine,
                ctx,
                m,
                State::Applying,
                to,
                i,
                Some(prefix_checksum(m, i)),
                &message,
                started.elapsed(),
            )?;
            return Err(RunError::MigrationFailed(Box::new(MigrationFailure {
                id: m.id.clone(),
                path: m.path.clone(),
                direction: Direction::Up,
                line: s.line,
                index: i + 1,
                total,
                error: failed.error,
                note: message_note,
                transactional: false,
                applied_before: Vec::new(),
            })));
        }
        if i + 1 == total {
            // The last statement's record is the final one, below.
            break;
        }
        let mut r = new_record(ctx, m, State::Applying, total);
        r.statements_done = (i + 1) as u32;
        r.done_checksum = Some(prefix_checksum(m, i + 1));
        if shared {
            finish_shared(engine, |e| e.put_record(&r))?;
        } else {
            in_tx(engine, |e| e.put_record(&r))?;
        }
    }
    let last_shared = !transactional_ddl
        && total > skip
        && m.up
            .statements
            .last()
            .is_some_and(|s| sluice_sql::is_data_change(&s.sql));
    let elapsed = started.elapsed();
    let mut r = new_record(ctx, m, State::Applied, total);
    r.applied_seq = Some(seq);
    r.applied_at = Some(Timestamp::now().rfc3339());
    r.applied_by = Some(ctx.actor.clone());
    r.duration_ms = Some(ms(elapsed));
    r.statements_done = total as u32;
    let mut ev = ctx.step(m, State::Applying, State::Applied);
    ev.duration_ms = Some(ms(elapsed));
    if !warnings.is_empty() {
        ev.details = serde_json::json!({ "warnings": warnings });
    }
    if last_shared {
        finish_shared(engine, |e| e.record(&r, std::slice::from_ref(&ev)))?;
    } else {
        in_tx(engine, |e| e.record(&r, &[ev]))?;
    }
    Ok(warnings)
}

/// Executes one statement of a statement-by-statement run; with `shared`, inside a
/// transaction that [`finish_shared`] commits together with its bookkeeping.
pub(super) fn execute_one(engine: &mut dyn Engine, sql: &str, shared: bool) -> Result<(), DbError> {
    if !shared {
        return engine.execute(sql);
    }
    engine.begin()?;
    let result = engine.execute(sql);
    if result.is_err() {
        let _ = engine.rollback();
    }
    result
}

/// Writes the bookkeeping of a statement run by [`execute_one`] with `shared`, and commits
/// both; on failure both roll back, and the history stays true.
pub(super) fn finish_shared(
    engine: &mut dyn Engine,
    f: impl FnOnce(&mut dyn Engine) -> Result<(), DbError>,
) -> Result<(), DbError> {
    match f(engine).and_then(|()| engine.commit()) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = engine.rollback();
            Err(e)
        }
    }
}
