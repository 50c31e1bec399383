//! Applying one migration: what both ways share — the job, where a statement failed, the
//! checksums a resume compares, and how a stop is recorded. `transactional` runs a
//! migration in one transaction, `steps` step by step with intent before effect.
//!
//! Every history write is conditional on `row`, the migration's row as this run last read
//! or wrote it, and `row` follows every write that commits; so after any error the caller
//! knows exactly what the history says.

use super::{Direction, FailedAt, MigrationFailure, RunContext, RunError};
use super::{ms, new_record, write, write_failed};
use crate::engine::{DbError, Engine, Event, Expected, Record, StatementError};
use crate::file::{Migration, Section};
use crate::id::Checksum;
use crate::state::State;

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
    /// The watch of the database while it runs, when the environment sets thresholds.
    pub watching: Option<Box<dyn super::up::Watching>>,
}

impl Job<'_> {
    /// What the watch saw past its threshold since the migration started, if anything.
    pub(super) fn watched_over(&mut self) -> Option<String> {
        self.watching.as_mut().and_then(|w| w.over())
    }
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
    // A down section may live in a file of its own (another tool's layout).
    let path = section.file.as_deref().unwrap_or(&m.path);
    match failed.at {
        FailedAt::Bookkeeping => format!("bookkeeping failed: {}", failed.error.short()),
        FailedAt::Statement(i) => format!(
            "statement {i}/{} at {}:{}: {}",
            section.statements.len(),
            path.display(),
            failed.line,
            failed.error.short()
        ),
        FailedAt::Unidentified => format!(
            "a statement of {} (not identified: the server did not say which): {}",
            path.display(),
            failed.error.short()
        ),
        FailedAt::Stopped(0) => format!(
            "stopped, its transaction rolled back ({}): {}",
            path.display(),
            failed.error.short()
        ),
        FailedAt::Stopped(n) => format!(
            "stopped after statement {n}/{} ({}): {}",
            section.statements.len(),
            path.display(),
            failed.error.short()
        ),
    }
}

pub(super) fn late_details(ctx: &RunContext, late: bool) -> serde_json::Value {
    serde_json::json!({ "env": ctx.env, "late": late })
}

/// The details of a job's events: the environment, whether it is late, and for a Sqitch
/// change its project and its requirements on other projects (read by those projects'
/// `down`, see [`crate::projects`]).
pub(super) fn job_details(ctx: &RunContext, job: &Job<'_>) -> serde_json::Value {
    let mut d = late_details(ctx, job.late);
    if let Some(s) = crate::projects::event_details(job.m) {
        d["sqitch"] = s;
    }
    d
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
pub(super) fn statement_checksum(m: &Migration, k: usize) -> Checksum {
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
pub(super) fn lock_note(
    engine: &mut dyn Engine,
    sqls: &[&str],
    attempt: u32,
    attempts: u32,
) -> String {
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

pub(super) fn with_note(message: String, note: Option<&str>) -> String {
    match note {
        Some(n) => format!("{message} ({n})"),
        None => message,
    }
}

/// Records that the migration stopped at `failed` — `failed` when nothing of it remains
/// (it ran in one transaction, or its first statement failed), else `partial` with the
/// statements before it done — and returns the failure to report.
#[allow(clippy::too_many_arguments)]
pub(super) fn stop_at(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    job: &mut Job<'_>,
    row: &mut Option<Record>,
    failed: Failed,
    note: Option<String>,
    kept: Kept,
    elapsed: std::time::Duration,
) -> RunError {
    let m = job.m;
    let transactional = kept == Kept::Nothing;
    let done = match (kept, failed.at) {
        (Kept::Upto(n), _) => n,
        (Kept::Before, FailedAt::Statement(i)) => i - 1,
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

/// What of a migration that failed stays done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kept {
    /// Nothing: it ran in one transaction, rolled back.
    Nothing,
    /// The statements before the one that failed.
    Before,
    /// Statements 1…n (the failed statement's transaction block, from n + 1, rolled back).
    Upto(usize),
}

/// Records that the migration stopped at statement `done + 1`: `failed` (nothing of it
/// remains) or `partial` (statements 1…`done` stay).
#[allow(clippy::too_many_arguments)]
pub(super) fn record_failure(
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
