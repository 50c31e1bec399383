//! `sluice up`: applies pending migrations in plan order, under the migration lock — a
//! printer of `sluice_core::deploy`'s events.

use std::io::Write;
use std::time::Instant;

use sluice_core::deploy::{self, Deploy, DeployError, DeployEvent};
use sluice_core::run::{self, Progress, UpOptions};
use sluice_engine::Access;

use crate::args::UpArgs;
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(args: UpArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let lock_wait = super::lock_wait(&args.lock_wait)?;
    let plan = s.plan()?;
    let ctx = s.run_context();
    // A webhook that cannot be used is refused before anything is opened.
    let notifier = crate::notify::Notifier::new(s)?;
    let run_id = ctx.run_id.clone();
    let note = |kind: &str, fields: serde_json::Value| {
        if let Some(n) = &notifier {
            let mut f = fields;
            f["run_id"] = run_id.as_str().into();
            f["actor"] = ctx.actor.as_str().into();
            n.send(kind, f);
        }
    };
    if let Err(refused) = super::compat::gate(s, &ctx.run_id, out) {
        // The webhooks hear of it too (there is no audit log to record a miss in yet).
        note("run_started", serde_json::json!({}));
        note(
            "gate_blocked",
            serde_json::json!({ "gate": "compat", "reason": refused.error.to_string() }),
        );
        note(
            "run_finished",
            serde_json::json!({ "result": if refused.exit == Exit::Refused { "refused" } else { "failed" }, "applied": 0 }),
        );
        if let Some(n) = notifier {
            for u in n.finish() {
                eprintln!(
                    "warning: {run_id}: the webhook {} did not get {}: {}",
                    u.url, u.event, u.why
                );
            }
        }
        return Err(refused);
    }
    let Some(mut engine) = s.open(Access::Create, ctx.run_id.as_str())? else {
        unreachable!("Access::Create always opens")
    };
    writeln!(
        out,
        "{run_id} up on {} (env {}, {})",
        s.masked_url(),
        s.env,
        engine.info().server
    )?;
    out.flush()?;
    note("run_started", serde_json::json!({}));
    let mut opts = UpOptions {
        to: args.target.to,
        count: args.target.count,
        lock_wait,
        resume: args.resume,
        ..s.run.up_options()
    };
    if let Some(r) = &args.reconnect {
        opts.reconnect =
            sluice_core::time::parse_duration_at_most(r, sluice_core::config::MAX_RECONNECT)
                .map_err(|e| Failure::new(Exit::Input, format!("--reconnect: {e}")))?;
    }
    opts.pace = sluice_engine::replicas::for_env(
        s.dialect,
        &s.env,
        s.env_cfg.as_ref(),
        s.config.as_ref(),
        &s.run,
        opts.clock.clone(),
    )
    .map_err(|e| Failure::new(Exit::Input, e))?;
    opts.watch = sluice_engine::watch::for_env(s.dialect, &s.url, &s.run)
        .map_err(|e| Failure::new(Exit::Input, e))?;
    opts.rolling =
        sluice_engine::rolling::for_env(s.dialect, &s.env, s.env_cfg.as_ref(), s.config.as_ref())
            .map_err(|e| Failure::new(Exit::Input, e))?;
    let deploy = Deploy {
        plan: &plan,
        env: &s.env,
        env_cfg: s.env_cfg.as_ref(),
        analysis: super::analysis::options(s, s.dialect)?,
        opts,
        confirmed: &args.target.confirm,
        project: &s.project,
    };
    let started = Instant::now();
    let mut io_error = None;
    // Drawn once the gates have passed and the count is known.
    let mut bar: Option<crate::progress::Bar> = None;
    let result = deploy::up(engine.as_mut(), &ctx, deploy, &mut s.around(), &mut |ev| {
        let line = match ev {
            DeployEvent::Risk {
                migration,
                risk,
                rules,
            } => format!(
                "{run_id} analysis: {} is {} risk ({}); sluice plan shows why",
                migration.id,
                format!("{risk:?}").to_ascii_lowercase(),
                rules.join(", ")
            ),
            DeployEvent::GatePassed(g) => format!(
                "{run_id} gate {} passed for {}: {}",
                g.gate,
                g.migration.as_deref().unwrap_or("the run"),
                g.reason
            ),
            DeployEvent::HookRan { output, .. } => {
                eprint!("{output}");
                return;
            }
            DeployEvent::BackupTaken(b) => format!(
                "{run_id} backup {} ({} bytes, sha256 {})",
                crate::settings::tidy(&b.path).display(),
                b.size,
                &b.sha256[..16]
            ),
            DeployEvent::GateBlocked(g) => {
                note(
                    "gate_blocked",
                    serde_json::json!({ "gate": g.gate, "migration": g.migration, "reason": g.reason, "fix": g.fix }),
                );
                return;
            }
            DeployEvent::Planned(n) => {
                bar = Some(crate::progress::Bar::new(n, "migrations"));
                return;
            }
            DeployEvent::Run(p) => {
                if let (Progress::Started { migration }, Some(bar)) = (&p, &bar) {
                    bar.doing(&format!(
                        "applying {} ({} statement{})",
                        migration.id,
                        migration.up.statements.len(),
                        if migration.up.statements.len() == 1 {
                            ""
                        } else {
                            "s"
                        }
                    ));
                }
                if let (
                    Progress::Statement {
                        migration,
                        index,
                        total,
                        line,
                    },
                    Some(bar),
                ) = (&p, &bar)
                {
                    bar.doing(&format!(
                        "statement {index}/{total} (line {line}) of {}",
                        migration.id
                    ));
                }
                if let (Progress::Applied { .. }, Some(bar)) = (&p, &bar) {
                    bar.step();
                }
                if let Progress::Applied {
                    migration,
                    duration,
                    ..
                } = &p
                {
                    note(
                        "migration_applied",
                        serde_json::json!({ "migration": migration.id.as_str(), "duration_ms": duration.as_millis() as u64, "statements": migration.up.statements.len() }),
                    );
                }
                match progress_line(&run_id, &s.env, p) {
                    Some(line) => line,
                    None => return,
                }
            }
            DeployEvent::RunFinished(summary) => {
                for id in &summary.late {
                    eprintln!(
                        "warning: {run_id}: {id} was late (ordered before migrations applied earlier); it was applied because this environment allows late migrations"
                    );
                }
                match summary.applied.len() {
                    0 => format!("{run_id} nothing to apply: the database is up to date"),
                    n => format!(
                        "{run_id} done: {n} migration{} applied in {}",
                        if n == 1 { "" } else { "s" },
                        super::human(started.elapsed())
                    ),
                }
            }
            // Blocked gates are said by the refusal.
            _ => return,
        };
        let mut say = || writeln!(out, "{line}").and_then(|()| out.flush());
        let said = match &bar {
            Some(b) => b.above(say),
            None => say(),
        };
        if let Err(e) = said {
            io_error.get_or_insert(e);
        }
    });
    if let Some(b) = bar {
        b.done();
    }
    // What the webhooks hear of the end of the run.
    let (result_word, applied) = match &result {
        Ok(summary) => ("succeeded", summary.applied.len()),
        Err(DeployError::Run(run::RunError::MigrationFailed(f))) => {
            let partial = !f.transactional
                && match f.at {
                    run::FailedAt::Statement(n) => n > 1,
                    run::FailedAt::Stopped(n) => n > 0,
                    _ => false,
                };
            note(
                if partial {
                    "migration_partial"
                } else {
                    "migration_failed"
                },
                serde_json::json!({
                    "migration": f.id.as_str(), "file": crate::settings::tidy(&f.path).display().to_string(),
                    "line": f.line, "error": f.error.short(),
                }),
            );
            ("failed", f.applied_before.len())
        }
        Err(e) if e.class() == run::Class::Refused => ("refused", 0),
        Err(_) => ("failed", 0),
    };
    note(
        "run_finished",
        serde_json::json!({
            "result": result_word, "applied": applied,
            "error": result.as_ref().err().map(|e| e.to_string().lines().next().unwrap_or("").to_string()),
        }),
    );
    if let Some(n) = notifier {
        for u in n.finish() {
            eprintln!(
                "warning: {run_id}: the webhook {} did not get {}: {} (recorded in the audit log)",
                u.url, u.event, u.why
            );
            let recorded = engine.create_state().and_then(|()| {
                run::record_note(
                    engine.as_mut(),
                    &ctx,
                    None,
                    format!("webhook not delivered: {} to {}: {}", u.event, u.url, u.why),
                    serde_json::json!({ "env": s.env, "notify": { "url": u.url, "event": u.event, "error": u.why } }),
                )
            });
            if let Err(e) = recorded {
                eprintln!("warning: {run_id}: could not record it: {e}");
            }
        }
    }
    if let Some(e) = io_error {
        return Err(e.into());
    }
    match result {
        Ok(_) => Ok(Exit::Success),
        Err(e) => {
            if let DeployError::Run(run::RunError::MigrationFailed(f)) = &e
                && !f.applied_before.is_empty()
            {
                writeln!(
                    out,
                    "{run_id} {} migration(s) applied before the failure stay applied",
                    f.applied_before.len()
                )?;
            }
            Err(super::with_run(&run_id, e))
        }
    }
}

/// The line a step of the run prints (`None`: nothing to say).
fn progress_line(run_id: &sluice_core::RunId, env: &str, p: Progress<'_>) -> Option<String> {
    Some(match p {
        Progress::Applied {
            migration,
            late,
            duration,
            warnings,
        } => {
            let n = migration.up.statements.len();
            let late = if late {
                " [late: ordered before an applied migration]"
            } else {
                ""
            };
            let mut line = format!(
                "{run_id} applied {} ({n} statement{}, {}){late}",
                migration.id,
                if n == 1 { "" } else { "s" },
                super::human(duration)
            );
            for w in warnings {
                line.push_str(&format!("\n  warning: {w}"));
            }
            line
        }
        Progress::SkippedEnv { migration } => {
            format!(
                "{run_id} skipped {}: not for environment {env}",
                migration.id
            )
        }
        Progress::Recovered { migration, note } => format!("{run_id} {}: {note}", migration.id),
        Progress::Reconnecting {
            migration,
            error,
            attempt,
        } => format!(
            "{run_id} connection lost while applying {} ({error}); reconnecting (attempt {attempt})",
            migration.id
        ),
        Progress::Reconnected {
            migration: _,
            waited,
            relocked,
            standing,
        } => format!(
            "{run_id} reconnected after {}{}. {standing}",
            super::human(waited),
            if relocked {
                ", and took the migration lock again"
            } else {
                ""
            }
        ),
        Progress::Reverted { .. } | Progress::Started { .. } | Progress::Statement { .. } => {
            return None;
        }
    })
}
