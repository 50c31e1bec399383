//! Hooks and backups around `up`: what an environment asks to happen before the first
//! migration and after the last.

use std::process::Command;

use sluice_core::Engine;
use sluice_core::config::HookCommand;
use sluice_core::run::{self, RunContext};

use crate::exit::{Exit, Failure};
use crate::settings::Settings;

/// Runs the hooks of one kind; the first failure is returned, described. Hooks get
/// `SLUICE_ENV`, `SLUICE_RUN_ID` and `SLUICE_MIGRATIONS` (the ids, space-separated) and run
/// in the project folder; what they print goes to stderr.
pub fn run_hooks(
    s: &Settings,
    ctx: &RunContext,
    engine: &mut dyn Engine,
    when: &str,
    hooks: &[HookCommand],
    ids: &[String],
) -> Result<(), String> {
    for h in hooks {
        let argv = h.argv();
        let shown = argv.join(" ");
        let out = Command::new(&argv[0])
            .args(&argv[1..])
            .current_dir(&s.project)
            .env("SLUICE_ENV", &s.env)
            .env("SLUICE_RUN_ID", ctx.run_id.as_str())
            .env("SLUICE_MIGRATIONS", ids.join(" "))
            .output();
        let (ok, detail) = match &out {
            Ok(o) => {
                eprint!("{}", String::from_utf8_lossy(&o.stdout));
                eprint!("{}", String::from_utf8_lossy(&o.stderr));
                (
                    o.status.success(),
                    o.status
                        .code()
                        .map_or("killed by a signal".to_string(), |c| format!("exit {c}")),
                )
            }
            Err(e) => (false, format!("cannot run it: {e}")),
        };
        let reason = format!(
            "{when} hook `{shown}` {}",
            if ok {
                "succeeded".to_string()
            } else {
                format!("failed ({detail})")
            }
        );
        // The audit log must say every hook that ran: a failed write stops the run.
        if let Err(e) = run::record_note(
            engine,
            ctx,
            None,
            reason.clone(),
            serde_json::json!({ "hook": when, "command": argv, "ok": ok, "env": s.env }),
        ) {
            return Err(format!(
                "{reason}, and recording that in the audit log failed: {e}"
            ));
        }
        if !ok {
            return Err(reason);
        }
    }
    Ok(())
}

/// Takes the backup an environment with `backup = true` asks for, records it as an event,
/// and says where it is. No backup, no apply.
pub fn backup(
    s: &Settings,
    ctx: &RunContext,
    engine: &mut dyn Engine,
) -> Result<sluice_engine::backup::Backup, Failure> {
    let id = ctx.run_id.as_str();
    // Names sort by time, to the millisecond: 20261122T015854123Z_<run id>.
    let stamp: String = sluice_core::time::Timestamp::now()
        .rfc3339()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let path = s.project.join("backups").join(&s.env).join(format!(
        "{stamp}_{id}.{}",
        sluice_engine::backup::extension(s.dialect)
    ));
    let b = sluice_engine::backup::take(&s.url, &s.project, &path).map_err(|e| {
        Failure::new(
            Exit::Refused,
            format!("backup gate: the backup before this run failed, so nothing was applied: {e}"),
        )
    })?;
    engine.create_state()?;
    run::record_note(
        engine,
        ctx,
        None,
        format!(
            "backup before the run: {} ({} bytes, sha256 {})",
            crate::settings::tidy(&b.path).display(),
            b.size,
            b.sha256
        ),
        serde_json::json!({ "backup": { "path": crate::settings::tidy(&b.path).display().to_string(), "size": b.size, "sha256": b.sha256 }, "env": s.env }),
    )?;
    Ok(b)
}
