//! `up`: what it applies, in which order, under the lock; retries, and reconnecting when
//! the connection drops mid-run.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use super::apply::{Job, in_transaction};
use super::steps::apply_step_by_step;
use super::transactional::apply_transactional;
use super::{Clock, Overview, RunContext, RunError, SystemClock, check_lock, lock, standing};
use crate::config::LatePolicy;
use crate::engine::{DbError, Engine, Expected, LockGuard, Record, Timeouts};
use crate::file::Migration;
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
    /// Continue partial (or interrupted) migrations after their last good statement,
    /// deciding a statement in doubt from the catalog.
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
    /// How long to try to reconnect when the connection drops mid-run (zero: stop at once).
    pub reconnect: Duration,
    /// The clock for waits and deadlines.
    pub clock: Arc<dyn Clock>,
    /// What the run waits for between migrations (replicas catching up), if anything.
    pub pace: Option<Arc<dyn Pace>>,
    /// What watches the database while each migration runs (sessions blocked behind it).
    pub watch: Option<Arc<dyn Watch>>,
    /// The nodes of a Galera cluster, for migrations marked `-- galera: rsu`.
    pub rolling: Option<Arc<dyn super::rolling::Rolling>>,
}

/// What watches the database while a migration runs: the other sessions blocked behind
/// the run's own (the environment's `max_blocked_sessions`).
pub trait Watch: std::fmt::Debug + Send + Sync {
    /// Starts watching for the migration about to run on the run's session `session`
    /// ([`Engine::session`]).
    fn start(&self, session: i64) -> Result<Box<dyn Watching>, String>;
}

/// A watch in progress, sampling in the background; it stops when dropped.
pub trait Watching: Send {
    /// Samples now, and says what went past the threshold since the watch started (the
    /// sessions blocked, by name), if anything did.
    fn over(&mut self) -> Option<String>;
}

/// What a run waits for before each migration, under the lock: replicas that must catch
/// up, a threshold of the environment.
pub trait Pace: std::fmt::Debug + Send + Sync {
    /// Called before `next` runs. `Ok(Some((reason, details)))` goes on and records that
    /// as an event (the lag it saw, how long it waited); `Ok(None)` goes on silently;
    /// `Err(why)` stops the run before `next`, which stays pending.
    fn before(
        &self,
        engine: &mut dyn Engine,
        next: &Migration,
    ) -> Result<Option<(String, serde_json::Value)>, String>;

    /// Called between two statements of a migration that runs step by step, before
    /// statement `next` (1-based) of `m`, the ones before it committed: the same
    /// answers as [`Pace::before`]; `Err` stops `m` there (`partial`). By default,
    /// nothing to wait for.
    fn between(
        &self,
        _engine: &mut dyn Engine,
        _m: &Migration,
        _next: usize,
    ) -> Result<Option<(String, serde_json::Value)>, String> {
        Ok(None)
    }
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
            reconnect: Duration::from_secs(30),
            clock: Arc::new(SystemClock),
            pace: None,
            watch: None,
            rolling: None,
        }
    }
}

/// What happens as a run goes, for the caller to print.
#[derive(Clone, Debug)]
pub enum Progress<'a> {
    /// A migration starts (its statements are about to run).
    Started {
        /// It.
        migration: &'a Migration,
    },
    /// A step-by-step migration starts its statement `index` (1-based) of `total`.
    Statement {
        /// It.
        migration: &'a Migration,
        /// The statement, from 1.
        index: usize,
        /// How many it has.
        total: usize,
        /// Its line in the file.
        line: usize,
    },
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
    /// What a resumed migration found and did first (a statement in doubt decided, an
    /// INVALID index dropped, session settings made again).
    Recovered {
        /// It.
        migration: &'a Migration,
        /// What, in one line.
        note: String,
    },
    /// The connection dropped; sluice is reconnecting.
    Reconnecting {
        /// The migration in flight.
        migration: &'a Migration,
        /// What the connection said.
        error: String,
        /// The attempt (1, 2, …).
        attempt: u32,
    },
    /// The connection is back.
    Reconnected {
        /// The migration in flight.
        migration: &'a Migration,
        /// How long it took.
        waited: Duration,
        /// Whether the lock had to be taken again.
        relocked: bool,
        /// What the history said of the migration in flight, afterwards.
        standing: String,
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
    let mut guard = start(engine, ctx, opts)?;
    let result = up_locked(engine, ctx, plan, opts, &mut guard, progress);
    // Release explicitly so a failure to release is seen; the guard also releases on drop.
    let released = engine.release_lock(guard);
    let summary = result?;
    released?;
    Ok(summary)
}

/// Applies pending migrations under a lock [`super::hold`] took (and keeps).
pub fn up_held(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    plan: &Plan,
    opts: &UpOptions,
    guard: &mut Box<dyn LockGuard>,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<UpSummary, RunError> {
    up_locked(engine, ctx, plan, opts, guard, progress)
}

/// Creates sluice's tables if needed and takes the lock; when the connection drops on the
/// way (a restart), reconnects within `opts.reconnect` and starts over: both steps may run
/// again.
fn start(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    opts: &UpOptions,
) -> Result<Box<dyn LockGuard>, RunError> {
    let started = opts.clock.now();
    let mut attempt = 1;
    loop {
        let result = engine
            .create_state()
            .map_err(RunError::from)
            .and_then(|()| lock(engine, ctx, opts.lock_wait, opts.clock.as_ref()));
        match result {
            Err(RunError::ConnectionLost { .. }) if opts.clock.now() - started < opts.reconnect => {
                opts.clock.sleep(backoff(attempt, Duration::from_secs(2)));
                attempt += 1;
                if let Err(e) = engine.reconnect()
                    && opts.clock.now() - started >= opts.reconnect
                {
                    return Err(RunError::ConnectionLost {
                        during: None,
                        error: Box::new(e),
                        waited: opts.clock.now() - started,
                        standing: "Nothing was applied.".into(),
                    });
                }
            }
            other => return other,
        }
    }
}

fn next_seq(records: &[Record]) -> i64 {
    records
        .iter()
        .filter_map(|r| r.applied_seq)
        .max()
        .unwrap_or(0)
        + 1
}

pub(super) fn up_locked(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    plan: &Plan,
    opts: &UpOptions,
    guard: &mut Box<dyn LockGuard>,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<UpSummary, RunError> {
    let records = engine.records()?;
    let mut seq = next_seq(&records);
    let overview = Overview::new(plan, records, &ctx.env, Some(&ctx.run_id));
    let chosen = plan_up(plan, &overview, opts, &ctx.env)?;
    // A Sqitch change that requires a change of another project: that project must have
    // deployed it in this database, as Sqitch checks before it deploys.
    if chosen.apply.iter().any(|(m, _)| {
        m.origin
            .as_ref()
            .is_some_and(|o| !o.external_requires.is_empty())
    }) {
        let deployed = crate::projects::deployed(engine)?;
        for (m, _) in &chosen.apply {
            let Some(o) = &m.origin else { continue };
            if let Some(r) = o
                .external_requires
                .iter()
                .find(|r| !crate::projects::is_deployed(&deployed, r))
            {
                let from = overview
                    .get(m.id.as_str())
                    .map_or(State::Pending, |e| e.state);
                let reason = format!(
                    "requires `{r}` of another project, which is not deployed in this database: deploy that project first (Sqitch refuses this too)"
                );
                return Err(super::refuse(
                    engine,
                    ctx,
                    &m.id,
                    from,
                    State::Applied,
                    reason,
                ));
            }
        }
    }
    // A Rolling Schema Upgrade needs every node of the cluster: checked before anything
    // runs.
    let mut rsu_nodes = Vec::new();
    if let Some((m, _)) = chosen.apply.iter().find(|(m, _)| m.meta.galera_rsu) {
        let from = overview
            .get(m.id.as_str())
            .map_or(State::Pending, |e| e.state);
        let checked = match &opts.rolling {
            None => Err(
                "it is applied node by node, which needs the URL of every node of the cluster: list them in `galera_nodes` of the environment".to_string(),
            ),
            Some(r) => r.nodes(engine),
        };
        match checked {
            Ok(nodes) => rsu_nodes = nodes,
            Err(why) => {
                let reason = format!("is `-- galera: rsu`: {why}");
                return Err(super::refuse(
                    engine,
                    ctx,
                    &m.id,
                    from,
                    State::Applied,
                    reason,
                ));
            }
        }
    }
    for m in &chosen.skipped_env {
        progress(Progress::SkippedEnv { migration: m });
    }
    let mut summary = UpSummary::default();
    let mut current_timeouts = None;
    for (m, late) in chosen.apply {
        if let Some(pace) = &opts.pace {
            match pace.before(engine, m) {
                Ok(Some((reason, details))) => {
                    super::record_note(engine, ctx, Some(m), reason, details)?;
                }
                Ok(None) => {}
                Err(why) => {
                    let _ = super::record_note(
                        engine,
                        ctx,
                        Some(m),
                        format!("the run stopped before {}: {why}", m.id),
                        serde_json::json!({ "env": ctx.env, "paced": why }),
                    );
                    return Err(RunError::Paced {
                        before: m.id.clone(),
                        why,
                        applied: summary.applied.len(),
                    });
                }
            }
        }
        let entry = overview.get(m.id.as_str());
        let mut row = entry.and_then(|e| e.record.clone());
        let mut job = Job {
            m,
            seq,
            late,
            from: entry.map_or(State::Pending, |e| e.state),
            pre: entry
                .and_then(|e| e.takeover_event(ctx))
                .into_iter()
                .collect(),
            resume: opts.resume,
            watching: match (&opts.watch, engine.session()) {
                (Some(w), Some(session)) => {
                    Some(w.start(session).map_err(|why| RunError::Paced {
                        before: m.id.clone(),
                        why: format!("cannot watch the database: {why}"),
                        applied: summary.applied.len(),
                    })?)
                }
                _ => None,
            },
        };
        let started = opts.clock.now();
        progress(Progress::Started { migration: m });
        let outcome = loop {
            let attempt = (|| {
                check_lock(engine, guard, Some(&m.id), row.as_ref())?;
                let timeouts = Timeouts {
                    lock: m.meta.lock_timeout.or(opts.lock_timeout),
                    statement: m.meta.statement_timeout.or(opts.statement_timeout),
                };
                if current_timeouts != Some(timeouts) {
                    engine.set_timeouts(timeouts)?;
                    current_timeouts = Some(timeouts);
                }
                if m.meta.galera_rsu
                    && let Some(rolling) = &opts.rolling
                {
                    super::rolling::apply_rolling(
                        engine,
                        ctx,
                        &mut job,
                        &mut row,
                        rolling.as_ref(),
                        &rsu_nodes,
                    )
                } else if in_transaction(m, &m.up, engine.capabilities()) {
                    apply_transactional(engine, ctx, &mut job, &mut row, opts)
                } else {
                    apply_step_by_step(engine, ctx, &mut job, &mut row, opts, guard, progress)
                }
            })();
            match attempt {
                Err(RunError::ConnectionLost { error, .. }) if !opts.reconnect.is_zero() => {
                    current_timeouts = None;
                    let relocked = reconnect(engine, ctx, opts, guard, progress, m, *error, &row)?;
                    // What the work in flight left: the row says (it commits with it).
                    let records = engine.records()?;
                    seq = next_seq(&records);
                    job.seq = seq;
                    let now = records.into_iter().find(|r| r.id == m.id);
                    progress(Progress::Reconnected {
                        migration: m,
                        waited: opts.clock.now() - started,
                        relocked,
                        standing: standing(&m.id, now.as_ref()),
                    });
                    match &now {
                        Some(r) if r.run_id == ctx.run_id && r.state == State::Applied => {
                            row = now;
                            break Ok(Vec::new());
                        }
                        Some(r) if r.run_id == ctx.run_id => {
                            job.from = r.state;
                            job.resume = r.state == State::Applying || job.resume;
                            job.pre.clear();
                            row = now;
                        }
                        r if Expected::of(r.as_ref()) == Expected::of(row.as_ref()) => {}
                        other => {
                            break Err(RunError::HistoryChanged {
                                id: m.id.clone(),
                                expected: Expected::of(row.as_ref()).to_string(),
                                found: Expected::of(other.as_ref()).to_string(),
                            });
                        }
                    }
                }
                other => break other,
            }
        };
        let warnings = match outcome {
            Ok(w) => w,
            Err(mut e) => {
                match &mut e {
                    RunError::MigrationFailed(f) => f.applied_before = summary.applied,
                    RunError::ConnectionLost {
                        during,
                        standing: s,
                        ..
                    } => {
                        *during = Some(m.id.clone());
                        *s = standing(&m.id, row.as_ref());
                    }
                    _ => {}
                }
                return Err(e);
            }
        };
        seq += 1;
        progress(Progress::Applied {
            migration: m,
            late,
            duration: opts.clock.now() - started,
            warnings,
        });
        summary.applied.push(m.id.clone());
        if late {
            summary.late.push(m.id.clone());
        }
    }
    Ok(summary)
}

/// Reconnects with backoff until `opts.reconnect` has passed, then takes the lock again if
/// it was lost with the connection. Returns whether it did.
#[allow(clippy::too_many_arguments)]
fn reconnect(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    opts: &UpOptions,
    guard: &mut Box<dyn LockGuard>,
    progress: &mut dyn FnMut(Progress<'_>),
    m: &Migration,
    error: DbError,
    row: &Option<Record>,
) -> Result<bool, RunError> {
    let started = opts.clock.now();
    let old_session = engine.session();
    let mut attempt = 1;
    let mut last = error;
    loop {
        progress(Progress::Reconnecting {
            migration: m,
            error: last.short(),
            attempt,
        });
        match engine.reconnect() {
            Ok(()) => break,
            Err(e) => {
                let waited = opts.clock.now() - started;
                let delay = backoff(attempt, Duration::from_secs(2));
                if waited + delay > opts.reconnect {
                    return Err(RunError::ConnectionLost {
                        during: Some(m.id.clone()),
                        error: Box::new(e),
                        waited,
                        standing: standing(&m.id, row.as_ref()),
                    });
                }
                last = e;
                opts.clock.sleep(delay);
                attempt += 1;
            }
        }
    }
    // Cut off (not restarted), the server may still run this run's last statement.
    if let Some(s) = old_session {
        let left = opts.reconnect.saturating_sub(opts.clock.now() - started);
        super::wait_for_session(engine, opts.clock.as_ref(), s, &ctx.run_id, left)?;
    }
    // Still ours only if the server says so (a restart ends the lock's session too, and
    // the heartbeat may not have noticed yet).
    let ours = engine
        .lock_status()?
        .is_some_and(|h| h.run_id == ctx.run_id);
    if ours && guard.held().is_ok() {
        return Ok(false);
    }
    let fresh = lock(engine, ctx, opts.lock_wait, opts.clock.as_ref())?;
    let old = std::mem::replace(guard, fresh);
    drop(old);
    Ok(true)
}

/// Exponential backoff with jitter: about 250 ms · 2^(attempt-1), ±50 %, at most `cap`.
pub fn backoff(attempt: u32, cap: Duration) -> Duration {
    let base = Duration::from_millis(250).saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let nanos = Timestamp::now().unix_nanos() as u64;
    let jitter =
        0.5 + (nanos.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) as f64 / (1u64 << 53) as f64;
    base.mul_f64(jitter).min(cap)
}
