//! `sluice resolve`: records a manual repair of a half-done migration, or what a statement
//! in doubt did, as an audited event; `sluice unlock --force` frees a lock a run left.

use std::io::Write;

use sluice_core::run::{self, Resolution};

use crate::args::{ResolveArgs, UnlockArgs};
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(args: ResolveArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let lock_wait = super::lock_wait(&args.lock_wait)?;
    let reason = nonempty_reason(&args.reason)?;
    let plan = s.plan()?;
    let ctx = s.run_context();
    let mut engine = super::open_existing(s, &ctx.run_id, "resolve")?;
    let run_id = ctx.run_id.clone();
    if args.statement_done || args.statement_not_done {
        let done = run::resolve_statement(
            engine.as_mut(),
            &ctx,
            &plan,
            &args.id,
            args.statement_done,
            reason,
            lock_wait,
        )
        .map_err(|e| super::with_run(&run_id, e))?;
        writeln!(
            out,
            "{run_id} resolved {}: the statement in doubt {} (by hand: {reason}); it is partial with statements 1–{done} done: `sluice up --resume` goes on",
            args.id,
            if args.statement_done {
                "took effect"
            } else {
                "did not take effect"
            }
        )?;
        return Ok(Exit::Success);
    }
    let resolution = if args.applied {
        Resolution::Applied
    } else {
        Resolution::Reverted
    };
    let to = run::resolve(
        engine.as_mut(),
        &ctx,
        &plan,
        &args.id,
        resolution,
        reason,
        lock_wait,
    )
    .map_err(|e| super::with_run(&run_id, e))?;
    writeln!(
        out,
        "{run_id} resolved {}: recorded as {to} (by hand: {reason})",
        args.id
    )?;
    Ok(Exit::Success)
}

/// `sluice unlock --force --reason …`.
pub fn unlock(args: UnlockArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let reason = nonempty_reason(&args.reason)?;
    let ctx = s.run_context();
    let run_id = ctx.run_id.clone();
    let mut engine = super::open_existing(s, &run_id, "unlock")?;
    let holder =
        run::unlock(engine.as_mut(), &ctx, reason).map_err(|e| super::with_run(&run_id, e))?;
    match holder {
        Some(h) => writeln!(
            out,
            "{run_id} unlocked: the migration lock held by {h} is free (recorded: {reason})"
        )?,
        None => writeln!(
            out,
            "{run_id} unlocked: nobody held the migration lock (recorded: {reason})"
        )?,
    }
    Ok(Exit::Success)
}

fn nonempty_reason(reason: &str) -> Result<&str, Failure> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(Failure::new(
            Exit::Input,
            "--reason is empty: say what was done, for the audit log",
        ));
    }
    Ok(r)
}
