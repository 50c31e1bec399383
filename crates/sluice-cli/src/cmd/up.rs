//! `sluice up`: applies pending migrations in plan order, under the migration lock.

use std::io::Write;
use std::time::Instant;

use sluice_core::run::{self, Progress, UpOptions};
use sluice_engine::Access;

use crate::args::UpArgs;
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(args: UpArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let lock_wait = super::lock_wait(&args.lock_wait)?;
    let plan = s.plan()?;
    let ctx = s.run_context();
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
    let opts = UpOptions {
        to: args.target.to,
        count: args.target.count,
        late: Some(s.late),
        lock_wait,
        resume: args.resume,
        lock_timeout: s.lock_timeout,
        statement_timeout: s.statement_timeout,
        retries: s.retries,
        retry_cap: s.retry_cap,
        only: None,
        reconnect: match &args.reconnect {
            Some(r) => {
                sluice_core::time::parse_duration_at_most(r, sluice_core::config::MAX_RECONNECT)
                    .map_err(|e| Failure::new(Exit::Input, format!("--reconnect: {e}")))?
            }
            None => s.reconnect,
        },
        ..UpOptions::default()
    };
    let mut opts = opts;
    let mut to_apply: Vec<String> = Vec::new();
    // The gates, on the plan as the database stands now: nothing runs unless all pass.
    // (A plan that cannot be made is refused by `run::up` itself, with its reason.)
    let records = if engine.state_exists()? {
        engine.records()?
    } else {
        Vec::new()
    };
    let live = super::live_run(engine.as_mut());
    let overview = run::Overview::new(&plan, records, &s.env, live.as_ref());
    if let Ok(chosen) = run::plan_up(&plan, &overview, &opts, &s.env) {
        let apply: Vec<&sluice_core::Migration> = chosen.apply.iter().map(|(m, _)| *m).collect();
        let reports = super::analysis::assess(s, &apply, Some(&mut engine))
            .map_err(|f| super::with_run(&run_id, f))?;
        let assessed = super::analysis::assessed(&reports);
        let events = super::gates::own_events(engine.as_mut())?;
        let gates = super::gates::check(s, &apply, &assessed, &events, &args.target.confirm);
        if let Some(f) = super::gates::refusal(s, &gates) {
            return Err(super::with_run(&run_id, f));
        }
        // What the analysis found above low, so that the log of the run says it.
        for (m, a) in apply.iter().zip(&assessed) {
            if let Some(risk) = a.risk.filter(|r| *r > sluice_core::file::Risk::Low) {
                writeln!(
                    out,
                    "{run_id} analysis: {} is {} risk ({}); sluice plan shows why",
                    m.id,
                    format!("{risk:?}").to_ascii_lowercase(),
                    a.rules.join(", ")
                )?;
            }
        }
        for g in gates
            .iter()
            .filter(|g| g.gate != "backup" && g.gate != "hooks")
        {
            writeln!(
                out,
                "{run_id} gate {} passed for {}: {}",
                g.gate,
                g.migration.as_deref().unwrap_or("the run"),
                g.reason
            )?;
        }
        to_apply = apply.iter().map(|m| m.id.to_string()).collect();
        opts.only = Some(to_apply.clone());
    }
    let env_cfg = s.env_cfg.clone().unwrap_or_default();
    if !to_apply.is_empty() {
        if !env_cfg.hooks.before.is_empty() {
            engine.create_state()?;
            if let Err(why) = super::hooks::run_hooks(
                s,
                &ctx,
                engine.as_mut(),
                "before",
                &env_cfg.hooks.before,
                &to_apply,
            ) {
                return Err(super::with_run(
                    &run_id,
                    Failure::new(
                        Exit::Refused,
                        format!("{why}: the run stops here, nothing was applied"),
                    ),
                ));
            }
        }
        if env_cfg.backup {
            let b = super::hooks::backup(s, &ctx, engine.as_mut())
                .map_err(|f| super::with_run(&run_id, f))?;
            writeln!(
                out,
                "{run_id} backup {} ({} bytes, sha256 {})",
                crate::settings::tidy(&b.path).display(),
                b.size,
                &b.sha256[..16]
            )?;
        }
    }
    let started = Instant::now();
    let mut io_error = None;
    let result = run::up(engine.as_mut(), &ctx, &plan, &opts, &mut |p| {
        let line = match p {
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
                    "{run_id} skipped {}: not for environment {}",
                    migration.id, s.env
                )
            }
            Progress::Recovered { migration, note } => {
                format!("{run_id} {}: {note}", migration.id)
            }
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
            Progress::Reverted { .. } => return,
        };
        if let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush()) {
            io_error.get_or_insert(e);
        }
    });
    if let Some(e) = io_error {
        return Err(e.into());
    }
    match result {
        Ok(summary) => {
            let n = summary.applied.len();
            if n == 0 {
                writeln!(out, "{run_id} nothing to apply: the database is up to date")?;
            } else {
                writeln!(
                    out,
                    "{run_id} done: {n} migration{} applied in {}",
                    if n == 1 { "" } else { "s" },
                    super::human(started.elapsed())
                )?;
            }
            for id in summary.late {
                eprintln!(
                    "warning: {run_id}: {id} was late (ordered before migrations applied earlier); it was applied because this environment allows late migrations"
                );
            }
            if n > 0
                && !env_cfg.hooks.after.is_empty()
                && let Err(why) = super::hooks::run_hooks(
                    s,
                    &ctx,
                    engine.as_mut(),
                    "after",
                    &env_cfg.hooks.after,
                    &summary
                        .applied
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>(),
                )
            {
                return Err(super::with_run(
                    &run_id,
                    Failure::new(
                        Exit::MigrationFailed,
                        format!(
                            "{why}: the {n} migration(s) stay applied, but this run is marked failed"
                        ),
                    ),
                ));
            }
            Ok(Exit::Success)
        }
        Err(e) => {
            if let run::RunError::MigrationFailed(f) = &e
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
