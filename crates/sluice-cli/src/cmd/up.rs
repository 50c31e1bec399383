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
    super::compat::gate(s, &ctx.run_id, out)?;
    let Some(mut engine) = s.open(Access::Create, ctx.run_id.as_str())? else {
        unreachable!("Access::Create always opens")
    };
    let run_id = ctx.run_id.clone();
    writeln!(
        out,
        "{run_id} up on {} (env {}, {})",
        s.masked_url(),
        s.env,
        engine.info().server
    )?;
    out.flush()?;
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
            DeployEvent::Run(p) => match progress_line(&run_id, &s.env, p) {
                Some(line) => line,
                None => return,
            },
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
        if let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush()) {
            io_error.get_or_insert(e);
        }
    });
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
        Progress::Reverted { .. } => return None,
    })
}
