//! `up`: what it applies, in which order, under the lock, with retries.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use super::apply::{apply_in_transaction, apply_step_by_step};
use super::{Overview, RunContext, RunError, lock, new_record};
use crate::config::LatePolicy;
use crate::engine::{Engine, Record, Timeouts};
use crate::file::{Migration, Section};
use crate::id::MigrationId;
use crate::plan::Plan;
use crate::state::State;
use crate::time::Timestamp;

/// What `up` should apply, and how.
#[derive(Clone, Debug)]
pub struct UpOptions {
    /// Stop after this migration (in plan order).
    pub to: Option<String>,
    /// Apply at most this many.
    pub count: Option<usize>,
    /// What to do with late migrations.
    pub late: Option<LatePolicy>,
    /// How long to wait for the migration lock.
    pub lock_wait: Duration,
    /// Continue partial (or interrupted) migrations after their last good statement.
    pub resume: bool,
    /// Lock timeout of every statement, unless the migration says otherwise.
    pub lock_timeout: Option<Duration>,
    /// Statement timeout, unless the migration says otherwise.
    pub statement_timeout: Option<Duration>,
    /// How often a migration that hit the lock timeout is tried again.
    pub retries: u32,
    /// The longest wait between two attempts.
    pub retry_cap: Duration,
    /// Apply only these (the plan the gates passed); `None`: everything the plan chooses.
    pub only: Option<Vec<String>>,
}

impl Default for UpOptions {
    fn default() -> Self {
        UpOptions {
            to: None,
            count: None,
            late: None,
            lock_wait: Duration::from_secs(30),
            resume: false,
            lock_timeout: None,
            statement_timeout: None,
            retries: 0,
            retry_cap: Duration::from_secs(30),
            only: None,
        }
    }
}

/// What happens as a run goes, for the caller to print.
#[derive(Clone, Debug)]
pub enum Progress<'a> {
    /// A migration was applied.
    Applied {
        /// It.
        migration: &'a Migration,
        /// It was late.
        late: bool,
        /// How long it took.
        duration: Duration,
        /// What the server warned about (MySQL's `SHOW WARNINGS`), one line each.
        warnings: Vec<String>,
    },
    /// A migration was reverted.
    Reverted {
        /// It.
        migration: &'a Migration,
        /// How long it took.
        duration: Duration,
    },
    /// A migration does not run in this environment.
    SkippedEnv {
        /// It.
        migration: &'a Migration,
    },
}

/// The plan of an `up`: what would run, in order, and what is left out.
#[derive(Clone, Debug)]
pub struct UpPlan<'p> {
    /// To apply, in order, with their late flag.
    pub apply: Vec<(&'p Migration, bool)>,
    /// Pending but not for this environment.
    pub skipped_env: Vec<&'p Migration>,
}

/// Chooses what `up` applies, applying every rule that does not need the database to change.
pub fn plan_up<'p>(
    plan: &'p Plan,
    overview: &Overview<'p>,
    opts: &UpOptions,
    env: &str,
) -> Result<UpPlan<'p>, RunError> {
    overview.check_writable(opts.resume)?;
    if let Some(to) = &opts.to
        && plan.get(to).is_none()
    {
        return Err(RunError::UnknownId(to.clone()));
    }
    let mut apply = Vec::new();
    let mut skipped_env = Vec::new();
    let applied: HashSet<&str> = overview
        .entries
        .iter()
        .filter(|e| e.state == State::Applied)
        .map(|e| e.id.as_str())
        .collect();
    let mut will_have: HashSet<&str> = applied.clone();
    for e in &overview.entries {
        let Some(m) = e.migration else { continue };
        let past_target = opts.count.is_some_and(|c| apply.len() >= c);
        let resumable = opts.resume && matches!(e.state, State::Partial | State::Applying);
        if !past_target && (matches!(e.state, State::Pending | State::Failed) || resumable) {
            if !e.runs_here {
                skipped_env.push(m);
            } else {
                for r in &m.meta.requires {
                    if !will_have.contains(r.as_str())
                        && let Some(req) = plan.get(r.as_str())
                        && !req.runs_in(env)
                    {
                        return Err(RunError::RequiresSkipped {
                            id: m.id.clone(),
                            required: r.clone(),
                            env: env.into(),
                        });
                    }
                }
                will_have.insert(m.id.as_str());
                apply.push((m, e.late));
            }
        }
        if opts.to.as_deref() == Some(m.id.as_str()) {
            break;
        }
    }
    let late: Vec<String> = apply
        .iter()
        .filter(|(_, l)| *l)
        .map(|(m, _)| m.id.to_string())
        .collect();
    if !late.is_empty() && opts.late == Some(LatePolicy::Refuse) {
        return Err(RunError::LateRefused {
            ids: late,
            env: env.into(),
        });
    }
    if let Some(only) = &opts.only {
        // The gates passed this list: under the lock, apply nothing else (another run may
        // have applied some of it meanwhile).
        apply.retain(|(m, _)| only.iter().any(|o| o == m.id.as_str()));
    }
    Ok(UpPlan { apply, skipped_env })
}

/// The result of `up`.
#[derive(Clone, Debug, Default)]
pub struct UpSummary {
    /// Applied, in order.
    pub applied: Vec<MigrationId>,
    /// Of those, the late ones.
    pub late: Vec<MigrationId>,
}

/// Applies pending migrations under the lock.
pub fn up(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    plan: &Plan,
    opts: &UpOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<UpSummary, RunError> {
    engine.create_state()?;
    let guard = lock(engine, ctx, opts.lock_wait)?;
    let result = up_locked(engine, ctx, plan, opts, progress);
    // Release explicitly so a failure to release is seen; the guard also releases on drop.
    let released = guard.release();
    let summary = result?;
    released?;
    Ok(summary)
}

pub(super) fn up_locked(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    plan: &Plan,
    opts: &UpOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<UpSummary, RunError> {
    let records = engine.records()?;
    let mut next_seq = records
        .iter()
        .filter_map(|r| r.applied_seq)
        .max()
        .unwrap_or(0)
        + 1;
    let overview = Overview::new(plan, records, &ctx.env);
    let chosen = plan_up(plan, &overview, opts, &ctx.env)?;
    for m in &chosen.skipped_env {
        progress(Progress::SkippedEnv { migration: m });
    }
    let mut summary = UpSummary::default();
    let mut current_timeouts = None;
    for (m, late) in chosen.apply {
        let prior = overview.get(m.id.as_str()).and_then(|e| e.record.clone());
        let timeouts = Timeouts {
            lock: m.meta.lock_timeout.or(opts.lock_timeout),
            statement: m.meta.statement_timeout.or(opts.statement_timeout),
        };
        if current_timeouts != Some(timeouts) {
            engine.set_timeouts(timeouts)?;
            current_timeouts = Some(timeouts);
        }
        let started = Instant::now();
        let warnings = match apply_with_retries(engine, ctx, m, prior, next_seq, late, opts) {
            Ok(w) => w,
            Err(mut e) => {
                if let RunError::MigrationFailed(f) = &mut e {
                    f.applied_before = summary.applied;
                }
                return Err(e);
            }
        };
        next_seq += 1;
        progress(Progress::Applied {
            migration: m,
            late,
            duration: started.elapsed(),
            warnings,
        });
        summary.applied.push(m.id.clone());
        if late {
            summary.late.push(m.id.clone());
        }
    }
    Ok(summary)
}

/// Applies one migration; a transactional one that hits a lock timeout is rolled back and
/// tried again with exponential backoff and jitter, each attempt recorded.
pub(super) fn apply_with_retries(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    m: &Migration,
    mut prior: Option<Record>,
    seq: i64,
    late: bool,
    opts: &UpOptions,
) -> Result<Vec<String>, RunError> {
    let caps = engine.capabilities();
    if !in_transaction(m, &m.up, caps) {
        let resume = prior
            .as_ref()
            .filter(|r| matches!(r.state, State::Partial | State::Applying));
        return apply_step_by_step(
            engine,
            ctx,
            m,
            prior.as_ref(),
            resume.map(|r| r.statements_done as usize),
            seq,
            late,
            opts,
        );
    }
    let attempts = if caps.lock_timeout {
        opts.retries + 1
    } else {
        1
    };
    for attempt in 1..=attempts {
        match apply_in_transaction(
            engine,
            ctx,
            m,
            prior.as_ref(),
            seq,
            late,
            (attempt, attempts),
        ) {
            Err(RunError::MigrationFailed(f))
                if attempt < attempts && f.error.is_lock_timeout() =>
            {
                let delay = backoff(attempt, opts.retry_cap);
                // The failure was recorded (failed); the next attempt starts from there.
                prior = Some(Record {
                    state: State::Failed,
                    ..new_record(ctx, m, State::Failed, m.up.statements.len())
                });
                std::thread::sleep(delay);
            }
            other => return other,
        }
    }
    unreachable!("the last attempt returns")
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

/// Exponential backoff with jitter: about 250 ms · 2^(attempt-1), ±50 %, at most `cap`.
pub fn backoff(attempt: u32, cap: Duration) -> Duration {
    let base = Duration::from_millis(250).saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let nanos = Timestamp::now().unix_nanos() as u64;
    let jitter =
        0.5 + (nanos.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) as f64 / (1u64 << 53) as f64;
    base.mul_f64(jitter).min(cap)
}
