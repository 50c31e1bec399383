//! `sluice resolve`: records a manual repair of a half-done migration, as an audited event.

use std::io::Write;

use sluice_core::run::{self, Resolution};

use crate::args::ResolveArgs;
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(args: ResolveArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let lock_wait = super::lock_wait(&args.lock_wait)?;
    if args.reason.trim().is_empty() {
        return Err(Failure::new(
            Exit::Input,
            "--reason is empty: say what was done, for the audit log",
        ));
    }
    let resolution = if args.applied {
        Resolution::Applied
    } else {
        Resolution::Reverted
    };
    let plan = s.plan()?;
    let ctx = s.run_context();
    let mut engine = super::open_existing(s, &ctx.run_id, "resolve")?;
    let run_id = ctx.run_id.clone();
    let to = run::resolve(
        engine.as_mut(),
        &ctx,
        &plan,
        &args.id,
        resolution,
        args.reason.trim(),
        lock_wait,
    )
    .map_err(|e| super::with_run(&run_id, e))?;
    writeln!(
        out,
        "{run_id} resolved {}: recorded as {to} (by hand: {})",
        args.id,
        args.reason.trim()
    )?;
    Ok(Exit::Success)
}
