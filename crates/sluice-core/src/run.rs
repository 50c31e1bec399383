//! The runner: what `status`, `up`, `down` and `verify` do, as policy over an [`Engine`].
//!
//! Every state change goes through [`State::can_go_to`] and leaves an event. On an engine
//! with transactional DDL a migration, its history row and its events commit together; a
//! failure rolls all of it back and then records `failed` with the error, in a
//! transaction of its own. A migration with `transaction: false` runs statement by
//! statement, with its progress recorded after each, so a failure leaves `partial k/n`.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::config::LatePolicy;
use crate::engine::{
    DbError, Engine, Event, LockError, LockHolder, Record, StatementError, Timeouts,
};
use crate::file::{Migration, Section};
use crate::id::{Checksum, MigrationId, RunId};
use crate::plan::Plan;
use crate::state::State;
use crate::time::Timestamp;

/// Who runs, where, and in which environment; stamped on every event.
#[derive(Clone, Debug)]
pub struct RunContext {
    /// This run.
    pub run_id: RunId,
    /// `SLUICE_ACTOR`, else git's user, else the OS user.
    pub actor: String,
    /// The host name.
    pub host: String,
    /// The project's git commit, when there is one.
    pub git_commit: Option<String>,
    /// The CI run, when in CI.
    pub ci_run: Option<String>,
    /// The environment's name.
    pub env: String,
}

impl RunContext {
    fn event(
        &self,
        m: Option<&MigrationId>,
        from: Option<State>,
        to: Option<State>,
        allowed: bool,
    ) -> Event {
        Event {
            run_id: self.run_id.clone(),
            migration_id: m.cloned(),
            from_state: from,
            to_state: to,
            allowed,
            reason: None,
            actor: self.actor.clone(),
            host: self.host.clone(),
            sluice_version: env!("CARGO_PKG_VERSION").to_string(),
            git_commit: self.git_commit.clone(),
            ci_run: self.ci_run.clone(),
            checksum: None,
            duration_ms: None,
            at: Timestamp::now().rfc3339(),
            details: serde_json::json!({ "env": self.env }),
        }
    }

    /// An allowed transition of migration `m`, stamped with its checksum.
    fn step(&self, m: &Migration, from: State, to: State) -> Event {
        let mut ev = self.event(Some(&m.id), Some(from), Some(to), true);
        ev.checksum = Some(m.checksum.clone());
        ev
    }

    fn holder(&self) -> LockHolder {
        LockHolder {
            run_id: self.run_id.clone(),
            pid: std::process::id(),
            host: self.host.clone(),
            actor: self.actor.clone(),
            since: Timestamp::now().rfc3339(),
            session: None,
        }
    }
}

/// Why a run stopped. Each message names the object and what to do next.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The database failed outside a migration.
    #[error("database error: {0}")]
    Db(DbError),
    /// Another run held the lock for the whole wait.
    #[error("another sluice run holds the migration lock{}; waited {:.1} s: wait for it to finish, or pass a longer --lock-wait", .holder.as_ref().map(|h| format!(": {h}")).unwrap_or_default(), .waited.as_secs_f64())]
    LockTimeout {
        /// Who holds it.
        holder: Option<Box<LockHolder>>,
        /// How long sluice waited.
        waited: Duration,
    },
    /// An applied migration's file was edited.
    #[error("{} was edited after it was applied (recorded checksum {recorded}, file now {actual}): restore the applied version of the file, or put the change in a new migration", .path.display())]
    ChecksumMismatch {
        /// The migration.
        id: MigrationId,
        /// Its file.
        path: PathBuf,
        /// What the history says.
        recorded: Checksum,
        /// What the file says now.
        actual: Checksum,
    },
    /// An applied migration has no file.
    #[error(
        "migration {id} is {state} in this database but has no file in the migrations folder: restore {id}.sql from version control"
    )]
    MissingFile {
        /// The migration.
        id: MigrationId,
        /// Its recorded state.
        state: State,
    },
    /// Late migrations in an environment that refuses them.
    #[error("late migrations (pending, but ordered before applied ones): {}; environment `{env}` refuses them (late = \"refuse\"): rename them to sort after the applied ones, or set late = \"allow\" for this environment", .ids.join(", "))]
    LateRefused {
        /// The late ones.
        ids: Vec<String>,
        /// The environment.
        env: String,
    },
    /// A non-transactional migration stopped part way.
    #[error(
        "migration {id} is partial: statements 1–{done} of {total} ran before it failed; sluice never guesses how to finish it. Fix the failed statement in the file and run `sluice up --resume` to continue after statement {done}, or repair the database by hand and record it with `sluice resolve {id} --applied|--reverted --reason …`"
    )]
    Partial {
        /// The migration.
        id: MigrationId,
        /// Statements that ran.
        done: u32,
        /// Statements in all.
        total: u32,
    },
    /// `up --resume` of a migration whose statements that already ran were edited.
    #[error(
        "{id} cannot be resumed: its statements 1–{done}, which already ran, are not the same in the file any more; restore them (only the failed statement and those after it may change), or repair by hand and use `sluice resolve`"
    )]
    ResumeChanged {
        /// The migration.
        id: MigrationId,
        /// Statements that ran.
        done: u32,
    },
    /// A migration is `applying` or `reverting` with nobody running it: its run died.
    #[error(
        "{id} is {state} but no sluice run holds the lock: the run that started it died after statement {done} of {total}; check the database, then `sluice up --resume` to continue it or `sluice resolve {id} --applied|--reverted --reason …` to record what you did"
    )]
    Interrupted {
        /// The migration.
        id: MigrationId,
        /// Its state.
        state: State,
        /// Statements done.
        done: u32,
        /// Statements in all.
        total: u32,
    },
    /// The database has no sluice tables.
    #[error(
        "this database has no sluice history: nothing was applied here, so there is nothing to revert"
    )]
    NoHistory,
    /// No migration with that id.
    #[error("there is no migration `{0}` in this project: see `sluice status` for the ids")]
    UnknownId(String),
    /// A transition the state machine refuses (recorded as a refused event).
    #[error("{id} {reason}")]
    Refused {
        /// The migration.
        id: MigrationId,
        /// Why, and what to do.
        reason: String,
    },
    /// `down` of a migration that applied migrations require.
    #[error("{id} cannot be reverted while these applied migrations require it: {}; revert them first, or pass --cascade to revert them too (newest first)", .dependants.join(", "))]
    HasDependants {
        /// The migration.
        id: MigrationId,
        /// The applied migrations that require it.
        dependants: Vec<String>,
    },
    /// A migration requires one that does not run in this environment.
    #[error(
        "{id} requires {required}, which does not run in environment `{env}` (its header limits it to other environments): remove the requirement or widen `environments`"
    )]
    RequiresSkipped {
        /// The migration.
        id: MigrationId,
        /// What it requires.
        required: MigrationId,
        /// The environment.
        env: String,
    },
    /// A migration failed.
    #[error(transparent)]
    MigrationFailed(Box<MigrationFailure>),
}

/// A migration that failed: where, why, and what state it was left in.
#[derive(Debug)]
pub struct MigrationFailure {
    /// The migration.
    pub id: MigrationId,
    /// Its file.
    pub path: PathBuf,
    /// Whether `up` or `down` failed.
    pub direction: Direction,
    /// Line of the failing statement.
    pub line: usize,
    /// 1-based index of the failing statement (0: sluice's own bookkeeping failed).
    pub index: usize,
    /// Statements in the section.
    pub total: usize,
    /// The database's error.
    pub error: DbError,
    /// What sluice learned besides (attempts, who held a lock).
    pub note: Option<String>,
    /// Whether it ran in one transaction.
    pub transactional: bool,
    /// What ran before it in this run.
    pub applied_before: Vec<MigrationId>,
}

/// Which section ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Forward.
    Up,
    /// Rollback.
    Down,
}

impl std::fmt::Display for MigrationFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.direction {
            Direction::Up => format!("{}", self.id),
            Direction::Down => format!("the down section of {}", self.id),
        };
        if self.index == 0 {
            write!(f, "{what}: recording its progress failed: {}", self.error)?;
        } else {
            write!(
                f,
                "{what} failed at statement {} of {} ({}:{}): {}",
                self.index,
                self.total,
                self.path.display(),
                self.line,
                self.error
            )?;
        }
        if let Some(n) = &self.note {
            write!(f, " ({n})")?;
        }
        // The server's DETAIL and HINT lines, when it gave them.
        for extra in self.error.message.lines().skip(1) {
            write!(f, "\n{extra}")?;
        }
        let next = match (self.direction, self.transactional) {
            (Direction::Up, true) => {
                "the migration was rolled back: nothing of it remains; its state is now failed. Fix the file and run `sluice up` again"
            }
            (Direction::Up, false) => {
                "it ran outside a transaction, so the statements before it stay applied; its state is now partial"
            }
            (Direction::Down, true) => {
                "the rollback was itself rolled back: the migration is still applied, untouched. Fix its down section and run `sluice down` again"
            }
            (Direction::Down, false) => {
                "it ran outside a transaction, so the down statements before it stay done; its state is now partial"
            }
        };
        write!(f, "\n{next}")
    }
}

impl std::error::Error for MigrationFailure {}

impl From<DbError> for RunError {
    fn from(e: DbError) -> Self {
        RunError::Db(e)
    }
}

impl From<LockError> for RunError {
    fn from(e: LockError) -> Self {
        match e {
            LockError::Timeout { holder, waited } => RunError::LockTimeout { holder, waited },
            LockError::Db(e) => RunError::Db(e),
        }
    }
}

/// One migration as the database sees it, merged with its file.
#[derive(Clone, Debug)]
pub struct Entry<'p> {
    /// The id.
    pub id: MigrationId,
    /// The file, unless it is missing.
    pub migration: Option<&'p Migration>,
    /// The history row, if any.
    pub record: Option<Record>,
    /// The state (pending when there is no row).
    pub state: State,
    /// The file's checksum when it differs from the recorded one of an applied migration.
    pub drift: Option<Checksum>,
    /// Pending, but ordered before an applied migration.
    pub late: bool,
    /// Whether it runs in this environment (`environments` header).
    pub runs_here: bool,
}

/// The state of every migration of the plan in one database.
#[derive(Clone, Debug)]
pub struct Overview<'p> {
    /// Plan order first, then applied migrations whose file is missing.
    pub entries: Vec<Entry<'p>>,
}

impl<'p> Overview<'p> {
    /// Merges the plan with the history rows.
    pub fn new(plan: &'p Plan, mut records: Vec<Record>, env: &str) -> Overview<'p> {
        records.sort_by_key(|r| r.applied_seq.unwrap_or(i64::MAX));
        let mut by_id: std::collections::HashMap<String, Record> = records
            .into_iter()
            .map(|r| (r.id.as_str().to_string(), r))
            .collect();
        let mut entries: Vec<Entry<'p>> = plan
            .migrations()
            .iter()
            .map(|m| {
                let record = by_id.remove(m.id.as_str());
                let state = record.as_ref().map_or(State::Pending, |r| r.state);
                let drift = record
                    .as_ref()
                    .filter(|r| {
                        matches!(r.state, State::Applied | State::Partial)
                            && r.checksum != m.checksum
                    })
                    .map(|_| m.checksum.clone());
                Entry {
                    id: m.id.clone(),
                    migration: Some(m),
                    record,
                    state,
                    drift,
                    late: false,
                    runs_here: m.runs_in(env),
                }
            })
            .collect();
        let last_applied = entries.iter().rposition(|e| e.state == State::Applied);
        if let Some(last) = last_applied {
            for e in &mut entries[..last] {
                e.late = e.runs_here && matches!(e.state, State::Pending | State::Failed);
            }
        }
        let mut missing: Vec<Record> = by_id
            .into_values()
            .filter(|r| r.state != State::Pending)
            .collect();
        missing.sort_by_key(|r| r.applied_seq.unwrap_or(i64::MAX));
        for r in missing {
            entries.push(Entry {
                id: r.id.clone(),
                migration: None,
                state: r.state,
                record: Some(r),
                drift: None,
                late: false,
                runs_here: true,
            });
        }
        Overview { entries }
    }

    /// The entry for `id`.
    pub fn get(&self, id: &str) -> Option<&Entry<'p>> {
        self.entries.iter().find(|e| e.id.as_str() == id)
    }

    /// Applied migrations, newest first (the order of `down`).
    pub fn applied_newest_first(&self) -> Vec<&Entry<'p>> {
        let mut v: Vec<&Entry<'p>> = self
            .entries
            .iter()
            .filter(|e| matches!(e.state, State::Applied | State::Partial))
            .collect();
        // A migration left partial by `up` has no place in the applied order yet: it is
        // the newest (up stops at the first failure).
        v.sort_by_key(|e| {
            std::cmp::Reverse(
                e.record
                    .as_ref()
                    .and_then(|r| r.applied_seq)
                    .unwrap_or(i64::MAX),
            )
        });
        v
    }

    /// The first problem that forbids writing: drift, a missing file, a partial or
    /// interrupted migration (unless `resume`, which continues those).
    pub fn check_writable(&self, resume: bool) -> Result<(), RunError> {
        self.check(resume, false)
    }

    /// As [`Overview::check_writable`], for `down`: a partial migration may be reverted by
    /// the down section its author wrote.
    fn check_revertable(&self) -> Result<(), RunError> {
        self.check(false, true)
    }

    fn check(&self, resume: bool, down: bool) -> Result<(), RunError> {
        for e in &self.entries {
            match (e.migration, &e.drift, &e.record) {
                (Some(m), Some(actual), Some(r)) if !(resume && e.state == State::Partial) => {
                    return Err(RunError::ChecksumMismatch {
                        id: e.id.clone(),
                        path: m.path.clone(),
                        recorded: r.checksum.clone(),
                        actual: actual.clone(),
                    });
                }
                (None, _, Some(r)) => {
                    return Err(RunError::MissingFile {
                        id: e.id.clone(),
                        state: r.state,
                    });
                }
                _ => {}
            }
            let Some(r) = &e.record else { continue };
            match e.state {
                State::Partial if !resume && !down => {
                    return Err(RunError::Partial {
                        id: e.id.clone(),
                        done: r.statements_done,
                        total: r.statements_total,
                    });
                }
                State::Applying | State::Reverting if !resume || e.state == State::Reverting => {
                    return Err(RunError::Interrupted {
                        id: e.id.clone(),
                        state: e.state,
                        done: r.statements_done,
                        total: r.statements_total,
                    });
                }
                _ => {}
            }
        }
        Ok(())
    }
}

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

/// Appends one audited note (an approval, a backup, a hook, a restore), about a migration
/// or about the run.
pub fn record_note(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    m: Option<&Migration>,
    reason: String,
    details: serde_json::Value,
) -> Result<(), DbError> {
    let mut ev = ctx.event(m.map(|m| &m.id), None, None, true);
    ev.checksum = m.map(|m| m.checksum.clone());
    ev.reason = Some(reason);
    ev.details = details;
    in_tx(engine, |e| e.append_event(&ev))
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

/// Takes the migration lock; a takeover from a dead holder is recorded as an event.
fn lock(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    wait: Duration,
) -> Result<Box<dyn crate::engine::LockGuard>, RunError> {
    let guard = engine.lock(&ctx.holder(), wait)?;
    if let Some(dead) = guard.took_over() {
        let mut ev = ctx.event(None, None, None, true);
        ev.reason = Some(format!(
            "took over the migration lock from a run whose process is gone: {dead}"
        ));
        in_tx(engine, |e| e.append_event(&ev))?;
    }
    Ok(guard)
}

fn up_locked(
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
fn apply_with_retries(
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
fn in_transaction(m: &Migration, section: &Section, caps: crate::engine::Capabilities) -> bool {
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

fn new_record(ctx: &RunContext, m: &Migration, state: State, total: usize) -> Record {
    Record {
        id: m.id.clone(),
        state,
        checksum: m.checksum.clone(),
        applied_seq: None,
        applied_at: None,
        applied_by: None,
        run_id: ctx.run_id.clone(),
        duration_ms: None,
        statements_total: total as u32,
        statements_done: 0,
        done_checksum: None,
        last_error: None,
        updated_at: Timestamp::now().rfc3339(),
    }
}

fn ms(d: Duration) -> u64 {
    d.as_millis() as u64
}

fn late_details(ctx: &RunContext, late: bool) -> serde_json::Value {
    serde_json::json!({ "env": ctx.env, "late": late })
}

/// Checksum of the first `k` statements of `up` (what a partial migration already ran).
fn prefix_checksum(m: &Migration, k: usize) -> Checksum {
    let done: Vec<&str> = m.up.statements[..k.min(m.up.statements.len())]
        .iter()
        .map(|s| s.sql.as_str())
        .collect();
    Checksum::v1(&done.join("\n;\n"))
}

/// Where a statement failed: its 1-based index (0: sluice's own bookkeeping) and its line.
struct Failed {
    index: usize,
    line: usize,
    error: DbError,
}

impl Failed {
    fn bookkeeping(section: &Section, error: DbError) -> Failed {
        Failed {
            index: 0,
            line: section.marker_line,
            error,
        }
    }

    fn statement(section: &Section, e: StatementError) -> Failed {
        let s = &section.statements[e.index];
        Failed {
            index: e.index + 1,
            line: s.line + e.line_offset.unwrap_or(0),
            error: e.error,
        }
    }
}

fn apply_in_transaction(
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

fn failure_text(m: &Migration, section: &Section, failed: &Failed) -> String {
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
fn record_failure(
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

/// One bookkeeping transaction: `f` inside BEGIN … COMMIT, rolled back on error.
fn in_tx(
    engine: &mut dyn Engine,
    f: impl FnOnce(&mut dyn Engine) -> Result<(), DbError>,
) -> Result<(), DbError> {
    engine.begin()?;
    match f(engine) {
        Ok(()) => engine.commit(),
        Err(e) => {
            let _ = engine.rollback();
            Err(e)
        }
    }
}

/// Runs `up` statement by statement, outside a transaction, recording progress after each.
/// With `resume_from = Some(k)`, statements 1…k ran before and are skipped, after checking
/// that they did not change.
#[allow(clippy::too_many_arguments)]
fn apply_step_by_step(
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
fn execute_one(engine: &mut dyn Engine, sql: &str, shared: bool) -> Result<(), DbError> {
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
fn finish_shared(
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

/// Records a refused transition, then returns the refusal as an error.
fn refuse(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    id: &MigrationId,
    from: State,
    to: State,
    reason: String,
) -> RunError {
    let mut ev = ctx.event(Some(id), Some(from), Some(to), false);
    ev.reason = Some(reason.clone());
    if let Err(e) = in_tx(engine, |e| e.append_event(&ev)) {
        return RunError::Db(e);
    }
    RunError::Refused {
        id: id.clone(),
        reason,
    }
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
    let guard = lock(engine, ctx, lock_wait)?;
    let result = engine
        .set_timeouts(timeouts)
        .map_err(RunError::Db)
        .and_then(|()| down_locked(engine, ctx, plan, target, progress));
    let released = guard.release();
    let done = result?;
    released?;
    Ok(done)
}

fn down_locked(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    plan: &Plan,
    target: &DownTarget,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Vec<MigrationId>, RunError> {
    let records = engine.records()?;
    let overview = Overview::new(plan, records, &ctx.env);
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
    let mut done = Vec::new();
    for m in chosen {
        let started = Instant::now();
        let prior = overview
            .get(m.id.as_str())
            .and_then(|e| e.record.clone())
            .ok_or_else(|| {
                RunError::Db(DbError::msg(format!(
                    "{} is applied but has no history row",
                    m.id
                )))
            })?;
        revert_one(engine, ctx, m, &prior)?;
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
    prior: &Record,
) -> Result<(), RunError> {
    let Some(down) = &m.down else {
        unreachable!("checked by the caller")
    };
    let started = Instant::now();
    let transactional = in_transaction(m, down, engine.capabilities());
    let statements: Vec<&str> = down.statements.iter().map(|s| s.sql.as_str()).collect();
    let begin_ev = ctx.step(m, prior.state, State::Reverting);
    let result = if transactional {
        engine.begin()?;
        engine
            .execute_all(&statements)
            .map_err(|e| Failed::statement(down, e))
    } else {
        let mut r = prior.clone();
        r.state = State::Reverting;
        r.run_id = ctx.run_id.clone();
        in_tx(engine, |e| e.record(&r, std::slice::from_ref(&begin_ev)))?;
        statements.iter().enumerate().try_for_each(|(i, sql)| {
            engine.execute(sql).map_err(|error| {
                Failed::statement(
                    down,
                    StatementError {
                        index: i,
                        line_offset: None,
                        error,
                    },
                )
            })
        })
    };
    let result = result.and_then(|()| {
        let elapsed = started.elapsed();
        let mut r = new_record(ctx, m, State::Pending, m.up.statements.len());
        r.duration_ms = Some(ms(elapsed));
        let mut done = ctx.step(m, State::Reverting, State::Pending);
        done.duration_ms = Some(ms(elapsed));
        let events = if transactional {
            vec![begin_ev.clone(), done]
        } else {
            vec![done]
        };
        let write = if transactional {
            engine.record(&r, &events).and_then(|()| engine.commit())
        } else {
            in_tx(engine, |e| e.record(&r, &events))
        };
        write.map_err(|e| Failed::bookkeeping(down, e))
    });
    let Err(failed) = result else { return Ok(()) };
    let _ = engine.rollback();
    let message = format!("down failed: {}", failure_text(m, down, &failed));
    // Rolled back, or the first down statement failed: as before (applied, or partial).
    // Otherwise some (or, when only the bookkeeping failed, all) of the down statements ran
    // outside a transaction: partial.
    let to = if transactional || failed.index == 1 {
        prior.state
    } else {
        State::Partial
    };
    let mut events = Vec::new();
    if transactional {
        events.push(begin_ev);
    }
    let mut ev = ctx.step(m, State::Reverting, to);
    ev.reason = Some(message.clone());
    ev.duration_ms = Some(ms(started.elapsed()));
    events.push(ev);
    let mut r = prior.clone();
    r.state = to;
    r.last_error = Some(message);
    r.run_id = ctx.run_id.clone();
    r.updated_at = Timestamp::now().rfc3339();
    in_tx(engine, |e| e.record(&r, &events))?;
    Err(RunError::MigrationFailed(Box::new(MigrationFailure {
        id: m.id.clone(),
        path: down.file.clone().unwrap_or_else(|| m.path.clone()),
        direction: Direction::Down,
        line: failed.line,
        index: failed.index,
        total: down.statements.len(),
        error: failed.error,
        note: None,
        transactional,
        applied_before: Vec::new(),
    })))
}

/// What `sluice resolve` records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// The migration is, in truth, applied (the repair finished it).
    Applied,
    /// The migration is, in truth, not applied (the repair undid it).
    Reverted,
}

/// Records a manual repair of a half-done migration, as an audited event. It changes no
/// schema: it says what the database now is, after a person made it so.
pub fn resolve(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    plan: &Plan,
    id: &str,
    resolution: Resolution,
    reason: &str,
    lock_wait: Duration,
) -> Result<State, RunError> {
    if !engine.state_exists()? {
        return Err(RunError::NoHistory);
    }
    let Some(m) = plan.get(id) else {
        return Err(RunError::UnknownId(id.to_string()));
    };
    engine.create_state()?; // brings tables of an earlier sluice up to date
    let guard = lock(engine, ctx, lock_wait)?;
    let result = (|| {
        let records = engine.records()?;
        let next_seq = records
            .iter()
            .filter_map(|r| r.applied_seq)
            .max()
            .unwrap_or(0)
            + 1;
        let prior = records.into_iter().find(|r| r.id == m.id);
        let from = prior.as_ref().map_or(State::Pending, |r| r.state);
        let to = match resolution {
            Resolution::Applied => State::Applied,
            Resolution::Reverted => State::Pending,
        };
        if !from.can_resolve_to(to) {
            let reason = format!(
                "is {from}: only a failed, partial or interrupted migration can be resolved by hand (use `sluice up` or `sluice down` for the others)"
            );
            return Err(refuse(engine, ctx, &m.id, from, to, reason));
        }
        let total = m.up.statements.len();
        let mut r = new_record(ctx, m, to, total);
        if to == State::Applied {
            r.applied_seq = Some(next_seq);
            r.applied_at = Some(Timestamp::now().rfc3339());
            r.applied_by = Some(ctx.actor.clone());
            r.statements_done = total as u32;
        }
        let mut ev = ctx.step(m, from, to);
        ev.reason = Some(format!("resolved by hand: {reason}"));
        ev.details["manual"] = serde_json::json!(true);
        in_tx(engine, |e| e.record(&r, &[ev]))?;
        Ok(to)
    })();
    let released = guard.release();
    let to = result?;
    released?;
    Ok(to)
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
    let overview = Overview::new(plan, records, env);
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
    let guard = lock(engine, ctx, lock_wait)?;
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
            rows.push(r);
            events.push(ev);
            summary.recorded.push(m.id.clone());
        }
        in_tx(engine, |e| {
            for (r, ev) in rows.iter().zip(&events) {
                e.record(r, std::slice::from_ref(ev))?;
            }
            Ok(())
        })?;
        Ok(summary)
    })();
    let released = guard.release();
    let summary = result?;
    released?;
    Ok(summary)
}
