//! `sluice down`: reverts applied migrations, newest first, under the migration lock.

use std::io::Write;

use sluice_core::engine::Timeouts;
use sluice_core::run::{self, DownTarget, Progress};

use crate::args::DownArgs;
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(args: DownArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let lock_wait = super::lock_wait(&args.lock_wait)?;
    let target = match (args.id, args.to, args.count) {
        (Some(id), _, _) => DownTarget::One {
            id,
            cascade: args.cascade,
        },
        (None, Some(to), _) => DownTarget::To(to),
        (None, None, count) => DownTarget::Count(count.unwrap_or(1)),
    };
    if s.env_cfg.as_ref().is_some_and(|e| e.protected)
        && args.confirm.as_deref() != Some(s.env.as_str())
    {
        return Err(Failure::new(
            Exit::Refused,
            format!(
                "environment {} is protected: down there needs --confirm {} (sluice never prompts)",
                s.env, s.env
            ),
        ));
    }
    let plan = s.plan()?;
    let ctx = s.run_context();
    let mut engine = super::open_existing(s, &ctx.run_id, "revert")?;
    let run_id = ctx.run_id.clone();
    writeln!(
        out,
        "{run_id} down on {} (env {}, {})",
        s.masked_url(),
        s.env,
        engine.info().server
    )?;
    out.flush()?;
    let mut io_error = None;
    let result = run::down(
        engine.as_mut(),
        &ctx,
        &plan,
        &target,
        (
            lock_wait,
            Timeouts {
                lock: s.run.lock_timeout,
                statement: s.run.statement_timeout,
            },
        ),
        &mut |p| {
            if let Progress::Reverted {
                migration,
                duration,
            } = p
            {
                let n = migration.down.as_ref().map_or(0, |d| d.statements.len());
                let line = format!(
                    "{run_id} reverted {} ({n} statement{}, {})",
                    migration.id,
                    if n == 1 { "" } else { "s" },
                    super::human(duration)
                );
                if let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush()) {
                    io_error.get_or_insert(e);
                }
            }
        },
    );
    if let Some(e) = io_error {
        return Err(e.into());
    }
    let done = result.map_err(|e| super::with_run(&run_id, e))?;
    if done.is_empty() {
        writeln!(out, "{run_id} nothing to revert: no migration is applied")?;
    } else {
        writeln!(
            out,
            "{run_id} done: {} migration{} reverted",
            done.len(),
            if done.len() == 1 { "" } else { "s" }
        )?;
    }
    Ok(Exit::Success)
}
