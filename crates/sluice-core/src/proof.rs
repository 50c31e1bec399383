//! `sluice test`: every migration proven on a scratch database, in plan order:
//!
//! snapshot S0 → `up` → `verify` → snapshot S1 → `down` → snapshot S2 = S0 → `up` again →
//! snapshot = S1 → next migration, whose S0 is that last snapshot (the database has not
//! changed in between).
//!
//! An irreversible migration skips the down steps and says so. With `idempotent`, a
//! migration marked `idempotent: true` runs its `up` a second time, which must succeed and
//! change nothing. With `with_data`, tables are filled with a few generated rows before
//! each `up`, and a `down` that destroys values its `up` did not create fails.
//!
//! The engine given here must be a scratch database: this module applies and reverts
//! freely.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::engine::DbError;
use crate::engine::{Engine, LockGuard, Timeouts};
use crate::file::{Migration, Section};
use crate::plan::Plan;
use crate::run::{self, DownTarget, RunContext, RunError, UpOptions};
use crate::schema::{self, Snapshot};
use crate::testdata;
use crate::timed::Timed;

/// What to prove beyond the round trip.
#[derive(Clone, Copy, Debug, Default)]
pub struct TestOptions {
    /// Run `up` twice for `idempotent: true` migrations.
    pub idempotent: bool,
    /// Fill tables with generated rows and check that `down` keeps them.
    pub with_data: bool,
    /// Stop at the first migration with a finding (by default every migration is
    /// proven, from a fresh scratch database where a step left the last one unusable).
    pub fail_fast: bool,
}

/// A step's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    /// It held.
    Pass,
    /// It did not.
    Fail,
    /// It did not apply (and why is in the detail).
    Skip,
    /// The down does nothing (no statements) although the up changed the schema.
    Noop,
}

impl Verdict {
    /// Whether this verdict fails the proof.
    pub fn fails(self) -> bool {
        matches!(self, Verdict::Fail | Verdict::Noop)
    }
}

/// One step of one migration.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    /// The migration.
    pub migration: String,
    /// `up`, `verify`, `down`, `schema restored`, `up again`, `same schema`,
    /// `idempotent`, `data kept`.
    pub step: String,
    /// PASS, FAIL or SKIP.
    pub verdict: Verdict,
    /// What happened, in one line.
    pub detail: String,
    /// For a failed comparison: the schema difference, readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// How long the step took, in milliseconds.
    pub duration_ms: u64,
}

/// The whole proof.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TestReport {
    /// Every step, in order.
    pub steps: Vec<Step>,
    /// Time spent in snapshots (catalog reads).
    #[serde(skip)]
    pub snapshot_time: Duration,
    /// Time spent inside the database (every engine call).
    #[serde(skip)]
    pub database_time: Duration,
}

impl TestReport {
    /// Whether every step passed or was skipped.
    pub fn passed(&self) -> bool {
        !self.steps.iter().any(|s| s.verdict.fails())
    }

    fn push(
        &mut self,
        m: &Migration,
        step: &str,
        verdict: Verdict,
        detail: String,
        started: Instant,
    ) {
        self.steps.push(Step {
            migration: m.id.to_string(),
            step: step.into(),
            verdict,
            detail,
            diff: None,
            duration_ms: started.elapsed().as_millis() as u64,
        });
    }

    /// Compares snapshots: `pass` says what held, `fail` what differs from what.
    fn compare(
        &mut self,
        m: &Migration,
        step: &str,
        (want, got): (&Snapshot, &Snapshot),
        (pass, fail): (&str, &str),
    ) -> bool {
        let diffs = schema::diff(want, got);
        let same = diffs.is_empty();
        let (verdict, detail, diff) = if diffs.is_empty() {
            (
                Verdict::Pass,
                format!("{pass} ({} objects)", got.objects.len()),
                None,
            )
        } else {
            (
                Verdict::Fail,
                format!("{} object(s) differ from {fail}", diffs.len()),
                Some(schema::render_diff(&diffs)),
            )
        };
        self.steps.push(Step {
            migration: m.id.to_string(),
            step: step.into(),
            verdict,
            detail,
            diff,
            duration_ms: 0,
        });
        same
    }
}

/// Settings the runs inside the proof use.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Lock timeout of every statement.
    pub timeouts: Timeouts,
}

fn snapshot(engine: &mut dyn Engine, report: &mut TestReport) -> Result<Snapshot, RunError> {
    let started = Instant::now();
    let dialect = engine.info().dialect.name();
    let (objects, _) = engine.snapshot(false)?;
    report.snapshot_time += started.elapsed();
    Ok(Snapshot::new(dialect, objects))
}

/// The error in one line: its first, and the server's DETAIL and HINT lines.
fn error_text(e: &RunError) -> String {
    let text = e.to_string();
    let mut lines = text.lines().map(str::trim);
    let mut out = lines.next().unwrap_or_default().to_string();
    for l in lines {
        if l.starts_with("DETAIL:") || l.starts_with("HINT:") {
            out.push(' ');
            out.push_str(l);
        }
    }
    out
}

/// Makes a new, empty scratch database (for going on after a step left the last one
/// unusable).
pub type Fresh<'a> = dyn FnMut() -> Result<Box<dyn Engine>, DbError> + 'a;

/// What a migration's proof left behind.
enum After {
    /// The scratch database holds this migration applied, as the next one expects.
    Usable,
    /// It holds something else (a down that failed half-way, an up again that failed):
    /// the next migration starts on a fresh one.
    Unusable,
    /// The migration did not apply at all: the ones after it cannot be proven.
    NotApplied,
}

/// Proves every migration of `plan` for `ctx.env`, starting on the scratch database
/// `engine` and going on from a `fresh` one when a step leaves it unusable, so that one
/// run reports every finding (or, with `fail_fast`, stops at the first).
pub fn test(
    mut engine: Box<dyn Engine>,
    fresh: &mut Fresh<'_>,
    ctx: &RunContext,
    plan: &Plan,
    opts: TestOptions,
    limits: &Limits,
    progress: &mut dyn FnMut(&Migration),
) -> Result<TestReport, RunError> {
    let mut timed = Timed::new(engine.as_mut());
    let held = run::hold(&mut timed, ctx, LOCK_WAIT);
    let spent = timed.spent;
    let mut p = Prover {
        report: TestReport::default(),
        guard: held?,
        carried: None,
        filled: BTreeSet::new(),
        ctx,
        plan,
        opts,
        limits,
    };
    p.report.database_time += spent;
    let mut stopped: Option<String> = None;
    let mut unusable: Option<String> = None;
    let mut last_applied: Option<&str> = None;
    for m in plan.migrations() {
        progress(m);
        if let Some(why) = &stopped {
            p.report.push(
                m,
                "up",
                Verdict::Skip,
                format!("not run: {why}"),
                Instant::now(),
            );
            continue;
        }
        if !m.meta.environments.is_empty() && !m.meta.environments.contains(&ctx.env) {
            p.report.push(
                m,
                "up",
                Verdict::Skip,
                format!("not for environment {}", ctx.env),
                Instant::now(),
            );
            continue;
        }
        if let Some(by) = unusable.take() {
            let started = Instant::now();
            // The lock of the unusable database goes with it (released; it may fail).
            let _ = std::mem::replace(&mut p.guard, Box::new(Released)).release();
            engine = fresh()?;
            p.filled.clear();
            p.carried = None;
            let mut timed = Timed::new(engine.as_mut());
            let brought = run::hold(&mut timed, ctx, LOCK_WAIT).and_then(|guard| {
                p.guard = guard;
                match last_applied {
                    Some(prev) => run::up_held(
                        &mut timed,
                        ctx,
                        plan,
                        &p.up_opts(prev),
                        &mut p.guard,
                        &mut |_| {},
                    )
                    .map(|s| (prev, s.applied.len())),
                    None => Ok(("nothing", 0)),
                }
            });
            p.report.database_time += timed.spent;
            match brought {
                Ok((prev, n)) => p.report.push(
                    m,
                    "fresh scratch",
                    Verdict::Pass,
                    format!(
                        "{by} left the scratch database unusable: going on from a new one, {n} migration(s) applied (up to {prev})"
                    ),
                    started,
                ),
                Err(e) => {
                    p.report.push(
                        m,
                        "fresh scratch",
                        Verdict::Fail,
                        format!(
                            "{by} left the scratch database unusable, and a new one could not be brought up to {}: {}",
                            last_applied.unwrap_or("nothing"),
                            error_text(&e)
                        ),
                        started,
                    );
                    stopped = Some("no usable scratch database".into());
                    continue;
                }
            }
        }
        let before = p.report.steps.len();
        let mut timed = Timed::new(engine.as_mut());
        let after = p.prove(&mut timed, m);
        p.report.database_time += timed.spent;
        let id = m.id.as_str();
        match after? {
            After::Usable => last_applied = Some(id),
            After::Unusable => {
                last_applied = Some(id);
                unusable = Some(id.to_string());
            }
            After::NotApplied => stopped = Some(format!("{id} did not apply")),
        }
        if opts.fail_fast
            && stopped.is_none()
            && p.report.steps[before..].iter().any(|s| s.verdict.fails())
        {
            stopped = Some(format!("{id} failed (--fail-fast)"));
        }
    }
    if let Some(m) =
        last_applied.and_then(|id| plan.migrations().iter().find(|m| m.id.as_str() == id))
    {
        p.check_snapshots(engine.as_mut(), m)?;
    }
    engine.release_lock(p.guard)?;
    Ok(p.report)
}

/// How long the proof waits for the scratch database's lock.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// What stands for the lock between releasing one scratch database's and taking the next
/// one's.
#[derive(Debug)]
struct Released;

impl LockGuard for Released {
    fn release(self: Box<Self>) -> Result<(), DbError> {
        Ok(())
    }
    fn took_over(&self) -> Option<&crate::engine::LockHolder> {
        None
    }
    fn held(&mut self) -> Result<(), DbError> {
        Err(DbError::msg("the scratch database's lock was released"))
    }
}

struct Prover<'a> {
    report: TestReport,
    /// The scratch database's migration lock, held for the whole proof.
    guard: Box<dyn LockGuard>,
    /// The snapshot of the scratch database as the last proof left it (its "same schema"
    /// snapshot), so the next migration's "before" needs no catalog read of its own.
    carried: Option<Snapshot>,
    /// Tables already filled with generated rows on this scratch database.
    filled: BTreeSet<String>,
    ctx: &'a RunContext,
    plan: &'a Plan,
    opts: TestOptions,
    limits: &'a Limits,
}

impl Prover<'_> {
    /// The last snapshot of the run against one that reads everything again: the engine's
    /// snapshots after the first read only what changed, and this proves they kept up.
    /// Silent when they agree; a difference is a bug of sluice and fails the proof.
    fn check_snapshots(&mut self, engine: &mut dyn Engine, m: &Migration) -> Result<(), RunError> {
        let Some(last) = self.carried.take() else {
            return Ok(());
        };
        let mut timed = Timed::new(engine);
        timed.forget_snapshot();
        let full = snapshot(&mut timed, &mut self.report);
        self.report.database_time += timed.spent;
        let full = full?;
        if !schema::diff(&last, &full).is_empty() {
            self.report.compare(
                m,
                "snapshot check",
                (&full, &last),
                (
                    "",
                    "a full read of the schema: sluice's incremental snapshots missed a change (a bug of sluice: please report it; the verdicts above may be wrong)",
                ),
            );
        }
        self.carried = Some(full);
        Ok(())
    }

    /// `up` to `id` under the proof's lock.
    fn up(&mut self, engine: &mut dyn Engine, id: &str) -> Result<(), RunError> {
        let opts = self.up_opts(id);
        run::up_held(
            engine,
            self.ctx,
            self.plan,
            &opts,
            &mut self.guard,
            &mut |_| {},
        )
        .map(|_| ())
    }

    fn up_opts(&self, id: &str) -> UpOptions {
        UpOptions {
            to: Some(id.to_string()),
            count: None,
            late: Some(crate::config::LatePolicy::Allow),
            lock_wait: LOCK_WAIT,
            resume: false,
            lock_timeout: self.limits.timeouts.lock,
            statement_timeout: self.limits.timeouts.statement,
            retries: 0,
            retry_cap: Duration::from_secs(1),
            only: None,
            reconnect: Duration::ZERO,
            ..UpOptions::default()
        }
    }

    /// Fills the tables not filled yet; returns every table's fingerprint.
    fn fill(
        &mut self,
        engine: &mut dyn Engine,
        m: &Migration,
        s0: &Snapshot,
    ) -> Result<Vec<(String, testdata::Fingerprint)>, RunError> {
        let dialect = engine.info().dialect;
        let transactional = engine.capabilities().transactional_ddl;
        let tables: Vec<String> = s0
            .objects
            .iter()
            .filter(|o| o.kind == "table")
            .map(|o| o.name.clone())
            .collect();
        let started = Instant::now();
        let mut problems = Vec::new();
        // Passes, so that tables referenced by foreign keys are filled first.
        // Each table once: filled, or reported as not fillable.
        let mut todo: Vec<String> = tables
            .iter()
            .filter(|t| !self.filled.contains(*t))
            .cloned()
            .collect();
        self.filled.extend(todo.iter().cloned());
        let new_tables = todo.len();
        loop {
            let mut left = Vec::new();
            problems.clear();
            for t in &todo {
                if let Err(e) = testdata::fill(engine, dialect, t, transactional) {
                    problems.push(format!("{t}: {e}"));
                    left.push(t.clone());
                }
            }
            if left.len() == todo.len() {
                break;
            }
            todo = left;
        }
        let (verdict, detail) = if problems.is_empty() {
            (
                Verdict::Pass,
                format!("{new_tables} new table(s) hold generated rows"),
            )
        } else {
            (
                Verdict::Skip,
                format!("could not fill {}", problems.join("; ")),
            )
        };
        if new_tables > 0 {
            self.report.push(m, "fill", verdict, detail, started);
        }
        let mut before = Vec::new();
        for t in &tables {
            before.push((t.clone(), testdata::fingerprint(engine, dialect, t)?));
        }
        Ok(before)
    }

    /// Runs `up` a second time and compares.
    fn idempotent(
        &mut self,
        engine: &mut dyn Engine,
        m: &Migration,
        s1: &Snapshot,
    ) -> Result<bool, RunError> {
        let started = Instant::now();
        let in_tx = engine.capabilities().transactional_ddl && m.meta.transaction;
        let again = (|| {
            if in_tx {
                engine.begin()?;
            }
            for s in &m.up.statements {
                engine.execute(&s.sql)?;
            }
            if in_tx {
                engine.commit()?;
            }
            Ok::<(), DbError>(())
        })();
        if let Err(e) = again {
            if in_tx {
                let _ = engine.rollback();
            }
            self.report.push(
                m,
                "idempotent",
                Verdict::Fail,
                format!("the second up failed: {}", e.short()),
                started,
            );
            return Ok(in_tx);
        }
        let s = snapshot(engine, &mut self.report)?;
        Ok(self.report.compare(
            m,
            "idempotent",
            (s1, &s),
            (
                "a second up changed nothing",
                "the schema after the first up",
            ),
        ))
    }

    /// Whether the down kept every value its up did not create.
    fn data_kept(
        &mut self,
        engine: &mut dyn Engine,
        m: &Migration,
        before: &[(String, testdata::Fingerprint)],
        s2: &Snapshot,
    ) -> Result<(), RunError> {
        let dialect = engine.info().dialect;
        let mut lost = Vec::new();
        for (t, fp) in before {
            let now = if s2.objects.iter().any(|o| o.kind == "table" && &o.name == t) {
                testdata::fingerprint(engine, dialect, t)?
            } else {
                testdata::Fingerprint::new()
            };
            lost.extend(testdata::lost(t, fp, &now));
        }
        let (verdict, detail) = if lost.is_empty() {
            (
                Verdict::Pass,
                format!("{} table(s) as before up", before.len()),
            )
        } else {
            (
                Verdict::Fail,
                format!(
                    "down destroyed data its up did not create: {}",
                    lost.join("; ")
                ),
            )
        };
        self.report
            .push(m, "data kept", verdict, detail, Instant::now());
        Ok(())
    }

    /// Proves one migration on `engine`, which holds every migration before it.
    fn prove(&mut self, engine: &mut dyn Engine, m: &Migration) -> Result<After, RunError> {
        let s0 = match self.carried.take() {
            Some(s) => s,
            None => snapshot(engine, &mut self.report)?,
        };
        let before = if self.opts.with_data {
            self.fill(engine, m, &s0)?
        } else {
            Vec::new()
        };
        let id = m.id.as_str();
        let started = Instant::now();
        if let Err(e) = self.up(engine, id) {
            self.report
                .push(m, "up", Verdict::Fail, error_text(&e), started);
            return Ok(After::NotApplied);
        }
        self.report.push(
            m,
            "up",
            Verdict::Pass,
            format!("{} statement(s)", m.up.statements.len()),
            started,
        );
        self.verify(engine, m);
        let s1 = snapshot(engine, &mut self.report)?;
        let mut usable = true;
        if self.opts.idempotent && m.meta.idempotent {
            usable = self.idempotent(engine, m, &s1)?;
        }
        let Some(down) = &m.down else {
            self.report.push(
                m,
                "down",
                Verdict::Skip,
                "irreversible: no down to prove".into(),
                Instant::now(),
            );
            return Ok(if usable {
                self.carried = Some(s1);
                After::Usable
            } else {
                After::Unusable
            });
        };
        if down.statements.is_empty() {
            // A down file with nothing to run (another tool's empty `down.sql`, a `--
            // noop`): said once, as what it is, and the migration stays applied.
            let file = down_file(m, down);
            let changed = !schema::diff(&s0, &s1).is_empty();
            let (verdict, detail) = if changed {
                (
                    Verdict::Noop,
                    format!(
                        "the down does nothing ({file} has no statements) but the up changed the schema"
                    ),
                )
            } else {
                (
                    Verdict::Skip,
                    format!(
                        "the down does nothing ({file} has no statements), and the up changed no schema"
                    ),
                )
            };
            self.report.push(m, "down", verdict, detail, Instant::now());
            return Ok(if usable {
                self.carried = Some(s1);
                After::Usable
            } else {
                After::Unusable
            });
        }
        // The down runs on a session of its own, as `sluice down` would: what the up left
        // in its session (temporary tables, settings) is gone.
        new_session(engine, &m.up)?;
        let started = Instant::now();
        let target = DownTarget::One {
            id: id.to_string(),
            cascade: false,
        };
        if let Err(e) = run::down_held(
            engine,
            self.ctx,
            self.plan,
            &target,
            self.limits.timeouts,
            &mut self.guard,
            &mut |_| {},
        ) {
            self.report
                .push(m, "down", Verdict::Fail, error_text(&e), started);
            return Ok(After::Unusable);
        }
        self.report.push(
            m,
            "down",
            Verdict::Pass,
            format!("{} statement(s)", down.statements.len()),
            started,
        );
        let s2 = snapshot(engine, &mut self.report)?;
        let restored = self.report.compare(
            m,
            "schema restored",
            (&s0, &s2),
            ("the schema is as before up", "the schema before up"),
        );
        if self.opts.with_data {
            self.data_kept(engine, m, &before, &s2)?;
        }
        // And up again on another, as the next `sluice up` would.
        new_session(engine, down)?;
        let started = Instant::now();
        if let Err(e) = self.up(engine, id) {
            let (verdict, detail) = if restored {
                (Verdict::Fail, error_text(&e))
            } else {
                // The consequence of the difference reported above, not a finding of its own.
                (
                    Verdict::Skip,
                    format!(
                        "not proven: the down left the schema changed, and up failed on it: {}",
                        error_text(&e)
                    ),
                )
            };
            self.report.push(m, "up again", verdict, detail, started);
            return Ok(After::Unusable);
        }
        self.report.push(
            m,
            "up again",
            Verdict::Pass,
            "applied after its down".into(),
            started,
        );
        let s3 = snapshot(engine, &mut self.report)?;
        let same = self.report.compare(
            m,
            "same schema",
            (&s1, &s3),
            (
                "the schema is as after the first up",
                "the schema after the first up",
            ),
        );
        Ok(if same && usable {
            self.carried = Some(s3);
            After::Usable
        } else {
            After::Unusable
        })
    }

    /// The verify step.
    fn verify(&mut self, engine: &mut dyn Engine, m: &Migration) {
        let started = Instant::now();
        let id = m.id.as_str();
        match run::verify(engine, self.plan, &self.ctx.env, &[id.to_string()]) {
            Ok(c) if c.is_empty() => {
                self.report
                    .push(m, "verify", Verdict::Skip, "no checks".into(), started)
            }
            Ok(c) => {
                let failed: Vec<String> = c
                    .iter()
                    .filter(|r| !r.passed)
                    .map(|r| format!("line {}: {} ({})", r.line, r.expect, r.detail))
                    .collect();
                if failed.is_empty() {
                    self.report.push(
                        m,
                        "verify",
                        Verdict::Pass,
                        format!("{} check(s)", c.len()),
                        started,
                    );
                } else {
                    self.report
                        .push(m, "verify", Verdict::Fail, failed.join("; "), started);
                }
            }
            Err(e) => self
                .report
                .push(m, "verify", Verdict::Fail, error_text(&e), started),
        }
    }
}

/// Gives the statements after `section` a session as a new process would have: a new
/// connection when `section` changed a session setting or the session holds temporary
/// objects (a new connection is dear on SQLite, where it parses the whole schema again).
fn new_session(engine: &mut dyn Engine, section: &Section) -> Result<(), DbError> {
    let dialect = engine.info().dialect;
    let settings = section
        .statements
        .iter()
        .any(|s| sluice_sql::footprint::is_session_setting(&s.sql, dialect));
    if settings || engine.session_has_state()? {
        engine.new_session()?;
    }
    Ok(())
}

/// The file a migration's down comes from (its own file in another tool's layout).
fn down_file(m: &Migration, down: &Section) -> String {
    down.file
        .as_deref()
        .unwrap_or(&m.path)
        .display()
        .to_string()
}
