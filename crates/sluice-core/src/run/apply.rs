//! Applying one migration: in one transaction, or step by step with intent before effect.
//!
//! Every history write here is conditional on `row`, the migration's row as this run last
//! read or wrote it, and `row` follows every write that commits; so after any error the
//! caller knows exactly what the history says.

use std::time::Instant;

use sluice_sql::footprint;

use super::doubt::{self, Verdict};
use super::up::{Progress, UpOptions, backoff};
use super::{Direction, FailedAt, MigrationFailure, RunContext, RunError};
use super::{check_lock, in_tx, ms, new_record, write, write_failed};
use crate::engine::{DbError, Engine, Event, Expected, LockGuard, Record, StatementError};
use crate::file::{Migration, Section};
use crate::id::Checksum;
use crate::state::State;
use crate::time::Timestamp;

/// One migration to apply, and what is known of it.
pub(super) struct Job<'a> {
    /// The migration.
    pub m: &'a Migration,
    /// Its place in the order of application.
    pub seq: i64,
    /// Pending but ordered before an applied migration.
    pub late: bool,
    /// Its state as this run found it (a stopped run's `applying` row reads as `partial`
    /// or `failed`).
    pub from: State,
    /// Events to write with the first write (what this run found when it took over).
    pub pre: Vec<Event>,
    /// Continue after the statements already done (`up --resume`, or after reconnecting).
    pub resume: bool,
}

/// Where a statement failed: 1-based index (`None`: not identified; 0: bookkeeping) and
/// its line.
pub(super) struct Failed {
    pub(super) at: FailedAt,
    pub(super) line: usize,
    pub(super) error: DbError,
}

impl Failed {
    pub(super) fn bookkeeping(section: &Section, error: DbError) -> Failed {
        Failed {
            at: FailedAt::Bookkeeping,
            line: section.marker_line,
            error,
        }
    }

    pub(super) fn statement(section: &Section, e: StatementError) -> Failed {
        match e.index {
            Some(i) => Failed {
                at: FailedAt::Statement(i + 1),
                line: section.statements[i].line + e.line_offset.unwrap_or(0),
                error: e.error,
            },
            None => Failed {
                at: FailedAt::Unidentified,
                line: section.marker_line,
                error: e.error,
            },
        }
    }
}

pub(super) fn failure_text(m: &Migration, section: &Section, failed: &Failed) -> String {
    match failed.at {
        FailedAt::Bookkeeping => format!("bookkeeping failed: {}", failed.error.short()),
        FailedAt::Statement(i) => format!(
            "statement {i}/{} at {}:{}: {}",
            section.statements.len(),
            m.path.display(),
            failed.line,
            failed.error.short()
        ),
        FailedAt::Unidentified => format!(
            "a statement of {} (not identified: the server did not say which): {}",
            m.path.display(),
            failed.error.short()
        ),
    }
}

fn late_details(ctx: &RunContext, late: bool) -> serde_json::Value {
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

/// Checksum of statement `k` (1-based) alone: what a started statement records.
fn statement_checksum(m: &Migration, k: usize) -> Checksum {
    Checksum::v1(&m.up.statements[k - 1].sql)
}

/// Whether a section runs in one transaction: when the migration allows it and the
/// database can roll its statements back (all of them, or, where DDL commits on its own as
/// on MySQL, when the section holds only data changes).
pub(super) fn in_transaction(
    m: &Migration,
    section: &Section,
    caps: crate::engine::Capabilities,
) -> bool {
    m.meta.transaction
        && (caps.transactional_ddl
            || section
                .statements
                .iter()
                .all(|s| sluice_sql::is_data_change(&s.sql)))
}

/// What the server knows of who held a lock, for a lock-timeout message: "attempt a of n;
/// the lock was held by …".
fn lock_note(engine: &mut dyn Engine, sqls: &[&str], attempt: u32, attempts: u32) -> String {
    let tables: Vec<String> = sqls
        .iter()
        .flat_map(|s| sluice_sql::tables_touched(s))
        .collect();
    let holders = engine.lock_holders(&tables);
    let mut n = format!("attempt {attempt} of {attempts}");
    if !holders.is_empty() {
        n.push_str(&format!("; the lock was held by {}", holders.join("; ")));
    }
    n
}

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
            ev.details = late_details(ctx, job.late);
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
        return Err(stop_at(engine, ctx, job, row, failed, note, true, elapsed));
    }
}

fn with_note(message: String, note: Option<&str>) -> String {
    match note {
        Some(n) => format!("{message} ({n})"),
        None => message,
    }
}

/// Records that the migration stopped at `failed` — `failed` when nothing of it remains
/// (it ran in one transaction, or its first statement failed), else `partial` with the
/// statements before it done — and returns the failure to report.
#[allow(clippy::too_many_arguments)]
fn stop_at(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    job: &mut Job<'_>,
    row: &mut Option<Record>,
    failed: Failed,
    note: Option<String>,
    transactional: bool,
    elapsed: std::time::Duration,
) -> RunError {
    let m = job.m;
    let done = match failed.at {
        FailedAt::Statement(i) if !transactional => i - 1,
        _ => 0,
    };
    let to = if done == 0 {
        State::Failed
    } else {
        State::Partial
    };
    let message = with_note(failure_text(m, &m.up, &failed), note.as_deref());
    if let Err(e) = record_failure(engine, ctx, job, row, to, done, &message, elapsed) {
        return e;
    }
    RunError::MigrationFailed(Box::new(MigrationFailure {
        id: m.id.clone(),
        path: m.path.clone(),
        direction: Direction::Up,
        line: failed.line,
        at: failed.at,
        total: m.up.statements.len(),
        error: failed.error,
        note,
        transactional,
        applied_before: Vec::new(),
    }))
}

/// One attempt: `Ok(Ok(warnings))` applied, `Ok(Err(failed))` rolled back (to be recorded
/// or tried again), `Err` the run stops (connection lost, lock lost, row changed).
fn try_in_transaction(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    job: &Job<'_>,
    row: &mut Option<Record>,
    statements: &[&str],
    attempt: u32,
) -> Result<Result<Vec<String>, Failed>, RunError> {
    let m = job.m;
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
    let elapsed = started.elapsed();
    let mut r = new_record(ctx, m, State::Applied, m.up.statements.len());
    r.applied_seq = Some(job.seq);
    r.applied_at = Some(Timestamp::now().rfc3339());
    r.applied_by = Some(ctx.actor.clone());
    r.duration_ms = Some(ms(elapsed));
    r.statements_done = m.up.statements.len() as u32;
    let mut events = job.pre.clone();
    let mut first = ctx.step(m, job.from, State::Applying);
    first.details = late_details(ctx, job.late);
    if attempt > 1 {
        first.details["attempt"] = serde_json::json!(attempt);
    }
    let mut done = ctx.step(m, State::Applying, State::Applied);
    done.duration_ms = Some(ms(elapsed));
    done.details = first.details.clone();
    if !warnings.is_empty() {
        done.details["warnings"] = serde_json::json!(warnings);
    }
    if job.from != State::Applying {
        events.push(first);
    }
    events.push(done);
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

/// Records that the migration stopped at statement `done + 1`: `failed` (nothing of it
/// remains) or `partial` (statements 1…`done` stay).
#[allow(clippy::too_many_arguments)]
fn record_failure(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    job: &mut Job<'_>,
    row: &mut Option<Record>,
    to: State,
    done: usize,
    message: &str,
    elapsed: std::time::Duration,
) -> Result<(), RunError> {
    let m = job.m;
    let mut r = new_record(ctx, m, to, m.up.statements.len());
    r.statements_done = done as u32;
    r.done_checksum = (to == State::Partial).then(|| prefix_checksum(m, done));
    r.last_error = Some(message.to_string());
    r.duration_ms = Some(ms(elapsed));
    let mut events = std::mem::take(&mut job.pre);
    if job.from != State::Applying {
        events.push(ctx.step(m, job.from, State::Applying));
    }
    let mut ev = ctx.step(m, State::Applying, to);
    ev.reason = Some(message.to_string());
    ev.duration_ms = Some(ms(elapsed));
    events.push(ev);
    let expected = Expected::of(row.as_ref());
    write(engine, &r, &expected, &events).map_err(|e| write_failed(e, &m.id, row.as_ref()))?;
    *row = Some(r);
    job.from = to;
    Ok(())
}

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
    first.details = late_details(ctx, job.late);
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
    for i in next..total {
        if !(intent_now && i == next) {
            check_lock(engine, guard, Some(&m.id), row.as_ref())?;
        }
        let s = &m.up.statements[i];
        let last = i + 1 == total;
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
            return Err(stop_at(engine, ctx, job, row, failed, note, false, elapsed));
        }
        if !shared {
            if last {
                finish(engine, ctx, job, row, started, opts, &warnings, false)?;
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
        finish(engine, ctx, job, row, started, opts, &warnings, false)?;
    }
    Ok(warnings)
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
        finish(engine, ctx, job, row, started, opts, &warnings, true)?;
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
    in_open: bool,
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
    ev.details = late_details(ctx, job.late);
    if !warnings.is_empty() {
        ev.details["warnings"] = serde_json::json!(warnings);
    }
    let events = [ev];
    let expected = Expected::of(row.as_ref());
    if in_open {
        let written = engine
            .record(&r, &expected, &events)
            .map_err(|e| write_failed(e, &m.id, row.as_ref()))
            .and_then(|()| engine.commit().map_err(RunError::from));
        if let Err(e) = written {
            let _ = engine.rollback();
            return Err(e);
        }
    } else {
        write(engine, &r, &expected, &events).map_err(|e| write_failed(e, &m.id, row.as_ref()))?;
    }
    *row = Some(r);
    Ok(())
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
