//! `sluice test`: every migration proven on a scratch database, in plan order:
//!
//! snapshot S0 → `up` → `verify` → snapshot S1 → `down` → snapshot S2 = S0 → `up` again →
//! snapshot = S1 → next migration.
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

use crate::engine::{Engine, Timeouts};
use crate::file::Migration;
use crate::plan::Plan;
use crate::run::{self, DownTarget, RunContext, RunError, UpOptions};
use crate::schema::{self, Snapshot};
use crate::testdata;

/// What to prove beyond the round trip.
#[derive(Clone, Copy, Debug, Default)]
pub struct TestOptions {
    /// Run `up` twice for `idempotent: true` migrations.
    pub idempotent: bool,
    /// Fill tables with generated rows and check that `down` keeps them.
    pub with_data: bool,
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
}

impl TestReport {
    /// Whether every step passed or was skipped.
    pub fn passed(&self) -> bool {
        self.steps.iter().all(|s| s.verdict != Verdict::Fail)
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
    ) {
        let diffs = schema::diff(want, got);
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

fn error_text(e: &RunError) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

/// Proves every migration of `plan` for `ctx.env` on the scratch database `engine`.
pub fn test(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    plan: &Plan,
    opts: TestOptions,
    limits: &Limits,
) -> Result<TestReport, RunError> {
    let mut report = TestReport::default();
    let dialect = engine.info().dialect;
    let transactional = engine.capabilities().transactional_ddl;
    let up_opts = |id: &str| UpOptions {
        to: Some(id.to_string()),
        count: None,
        late: Some(crate::config::LatePolicy::Allow),
        lock_wait: Duration::from_secs(10),
        resume: false,
        lock_timeout: limits.timeouts.lock,
        statement_timeout: limits.timeouts.statement,
        retries: 0,
        retry_cap: Duration::from_secs(1),
        only: None,
        reconnect: Duration::ZERO,
        ..UpOptions::default()
    };
    let mut filled: BTreeSet<String> = BTreeSet::new();
    let mut stopped: Option<String> = None;
    for m in plan.migrations() {
        if let Some(why) = &stopped {
            report.push(
                m,
                "up",
                Verdict::Skip,
                format!("not run: {why}"),
                Instant::now(),
            );
            continue;
        }
        if !m.meta.environments.is_empty() && !m.meta.environments.contains(&ctx.env) {
            report.push(
                m,
                "up",
                Verdict::Skip,
                format!("not for environment {}", ctx.env),
                Instant::now(),
            );
            continue;
        }
        let s0 = snapshot(engine, &mut report)?;
        let tables: Vec<String> = s0
            .objects
            .iter()
            .filter(|o| o.kind == "table")
            .map(|o| o.name.clone())
            .collect();
        let mut before = Vec::new();
        if opts.with_data {
            let started = Instant::now();
            let mut problems = Vec::new();
            // Passes, so that tables referenced by foreign keys are filled first.
            // Each table once: filled, or reported as not fillable.
            let mut todo: Vec<String> = tables
                .iter()
                .filter(|t| !filled.contains(*t))
                .cloned()
                .collect();
            filled.extend(todo.iter().cloned());
            let new_tables = todo.len();
            loop {
                let mut left = Vec::new();
                problems.clear();
                for t in &todo {
                    match testdata::fill(engine, dialect, t, transactional) {
                        Ok(()) => {}
                        Err(e) => {
                            problems.push(format!("{t}: {e}"));
                            left.push(t.clone());
                        }
                    }
                }
                if left.len() == todo.len() {
                    break;
                }
                todo = left;
            }
            let detail = if problems.is_empty() {
                format!("{new_tables} new table(s) hold generated rows")
            } else {
                format!("could not fill {}", problems.join("; "))
            };
            let verdict = if problems.is_empty() {
                Verdict::Pass
            } else {
                Verdict::Skip
            };
            if new_tables > 0 {
                report.push(m, "fill", verdict, detail, started);
            }
            for t in &tables {
                before.push((t.clone(), testdata::fingerprint(engine, dialect, t)?));
            }
        }
        let id = m.id.as_str();
        let started = Instant::now();
        match run::up(engine, ctx, plan, &up_opts(id), &mut |_| {}) {
            Ok(_) => report.push(
                m,
                "up",
                Verdict::Pass,
                format!("{} statement(s)", m.up.statements.len()),
                started,
            ),
            Err(e) => {
                report.push(m, "up", Verdict::Fail, error_text(&e), started);
                stopped = Some(format!("{id} did not apply"));
                continue;
            }
        }
        let started = Instant::now();
        let checks = run::verify(engine, plan, &ctx.env, &[id.to_string()]);
        match checks {
            Ok(c) if c.is_empty() => {
                report.push(m, "verify", Verdict::Skip, "no checks".into(), started)
            }
            Ok(c) => {
                let failed: Vec<String> = c
                    .iter()
                    .filter(|r| !r.passed)
                    .map(|r| format!("line {}: {} ({})", r.line, r.expect, r.detail))
                    .collect();
                if failed.is_empty() {
                    report.push(
                        m,
                        "verify",
                        Verdict::Pass,
                        format!("{} check(s)", c.len()),
                        started,
                    );
                } else {
                    report.push(m, "verify", Verdict::Fail, failed.join("; "), started);
                }
            }
            Err(e) => report.push(m, "verify", Verdict::Fail, error_text(&e), started),
        }
        let s1 = snapshot(engine, &mut report)?;
        if opts.idempotent && m.meta.idempotent {
            let started = Instant::now();
            let in_tx = transactional && m.meta.transaction;
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
                Ok::<(), crate::engine::DbError>(())
            })();
            match again {
                Err(e) => {
                    if in_tx {
                        let _ = engine.rollback();
                    }
                    report.push(
                        m,
                        "idempotent",
                        Verdict::Fail,
                        format!("the second up failed: {}", e.short()),
                        started,
                    );
                }
                Ok(()) => {
                    let s = snapshot(engine, &mut report)?;
                    report.compare(
                        m,
                        "idempotent",
                        (&s1, &s),
                        (
                            "a second up changed nothing",
                            "the schema after the first up",
                        ),
                    );
                }
            }
        }

        if m.down.is_none() {
            report.push(
                m,
                "down",
                Verdict::Skip,
                "irreversible: no down to prove".into(),
                Instant::now(),
            );
            continue;
        }
        let started = Instant::now();
        let target = DownTarget::One {
            id: id.to_string(),
            cascade: false,
        };
        if let Err(e) = run::down(
            engine,
            ctx,
            plan,
            &target,
            (Duration::from_secs(10), limits.timeouts),
            &mut |_| {},
        ) {
            report.push(m, "down", Verdict::Fail, error_text(&e), started);
            stopped = Some(format!("the down of {id} failed"));
            continue;
        }
        report.push(
            m,
            "down",
            Verdict::Pass,
            format!(
                "{} statement(s)",
                m.down.as_ref().map_or(0, |d| d.statements.len())
            ),
            started,
        );
        let s2 = snapshot(engine, &mut report)?;
        report.compare(
            m,
            "schema restored",
            (&s0, &s2),
            ("the schema is as before up", "the schema before up"),
        );
        if opts.with_data {
            let mut lost = Vec::new();
            for (t, fp) in &before {
                let now = if s2.objects.iter().any(|o| o.kind == "table" && &o.name == t) {
                    testdata::fingerprint(engine, dialect, t)?
                } else {
                    testdata::Fingerprint::new()
                };
                lost.extend(testdata::lost(t, fp, &now));
            }
            if lost.is_empty() {
                report.push(
                    m,
                    "data kept",
                    Verdict::Pass,
                    format!("{} table(s) as before up", before.len()),
                    Instant::now(),
                );
            } else {
                report.push(
                    m,
                    "data kept",
                    Verdict::Fail,
                    format!(
                        "down destroyed data its up did not create: {}",
                        lost.join("; ")
                    ),
                    Instant::now(),
                );
            }
        }
        let started = Instant::now();
        match run::up(engine, ctx, plan, &up_opts(id), &mut |_| {}) {
            Ok(_) => report.push(
                m,
                "up again",
                Verdict::Pass,
                "applied after its down".into(),
                started,
            ),
            Err(e) => {
                report.push(m, "up again", Verdict::Fail, error_text(&e), started);
                stopped = Some(format!("{id} did not apply again"));
                continue;
            }
        }
        let s3 = snapshot(engine, &mut report)?;
        report.compare(
            m,
            "same schema",
            (&s1, &s3),
            (
                "the schema is as after the first up",
                "the schema after the first up",
            ),
        );
    }
    Ok(report)
}
