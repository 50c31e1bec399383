//! Commands about environments: `approve`, `backups`, `restore`, `reset`, `config check`.

use std::io::Write;

use sluice_core::run;
use sluice_engine::Access;

use crate::args::{ApproveArgs, ConfirmArgs, RestoreArgs};
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

/// `sluice approve ID --reason …`: an approval event for the file as it is now.
pub fn approve(a: ApproveArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let plan = s.plan()?;
    let Some(m) = plan.get(&a.id) else {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "{} is not a migration of this project (see `sluice status`)",
                a.id
            ),
        ));
    };
    if a.reason.trim().is_empty() {
        return Err(Failure::new(
            Exit::Input,
            "--reason must say why it may run",
        ));
    }
    let ctx = s.run_context();
    let Some(mut engine) = s.open(Access::Create, ctx.run_id.as_str())? else {
        unreachable!("Access::Create always opens")
    };
    engine.create_state()?;
    run::record_note(
        engine.as_mut(),
        &ctx,
        Some(m),
        format!("approved: {}", a.reason.trim()),
        serde_json::json!({ "approval": true, "env": s.env, "risk": m.meta.risk }),
    )?;
    writeln!(
        out,
        "{} approved {} in {} for checksum {} (by {}); editing the file voids this approval",
        ctx.run_id, m.id, s.env, m.checksum, ctx.actor
    )?;
    Ok(Exit::Success)
}

/// `sluice backups`: the files under `backups/<env>/`, newest last.
pub fn backups(s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let dir = s.project.join("backups").join(&s.env);
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .map(|r| {
            r.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    if files.is_empty() {
        writeln!(out, "no backups of {} in {}", s.env, dir.display())?;
        return Ok(Exit::Success);
    }
    let mut t = sluice_report::table::Table::new(["FILE", "BYTES", "SHA-256"]);
    for f in &files {
        let (size, sha) =
            sluice_engine::backup::digest(f).map_err(|e| Failure::new(Exit::Database, e))?;
        t.row([
            (crate::settings::tidy(f).display().to_string(), None),
            (size.to_string(), None),
            (sha[..16].to_string(), None),
        ]);
    }
    t.render(out, s.style)?;
    writeln!(
        out,
        "\nrestore one with: sluice restore <file> --env {} --confirm {}",
        s.env, s.env
    )?;
    Ok(Exit::Success)
}

fn confirmed(s: &Settings, confirm: Option<&str>, what: &str) -> Result<(), Failure> {
    if confirm == Some(s.env.as_str()) {
        return Ok(());
    }
    Err(Failure::new(
        Exit::Refused,
        format!(
            "{what} in environment {}: sluice never prompts; add --confirm {} to say you mean it",
            s.env, s.env
        ),
    ))
}

/// `sluice restore FILE --confirm ENV`.
pub fn restore(a: RestoreArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    confirmed(
        s,
        a.confirm.as_deref(),
        &format!(
            "restore replaces everything in {} with {}",
            s.masked_url(),
            a.file.display()
        ),
    )?;
    let (size, sha) =
        sluice_engine::backup::digest(&a.file).map_err(|e| Failure::new(Exit::Input, e))?;
    sluice_engine::backup::restore(&s.url, &s.project, &a.file)
        .map_err(|e| Failure::new(Exit::Database, format!("restore failed: {e}")))?;
    let ctx = s.run_context();
    if let Some(mut engine) = s.open(Access::Existing, ctx.run_id.as_str())? {
        engine.create_state()?;
        run::record_note(
            engine.as_mut(),
            &ctx,
            None,
            format!(
                "restored from {} ({size} bytes, sha256 {sha})",
                a.file.display()
            ),
            serde_json::json!({ "restore": { "path": a.file.display().to_string(), "size": size, "sha256": sha }, "env": s.env }),
        )?;
    }
    writeln!(
        out,
        "{} restored {} from {} ({size} bytes)",
        ctx.run_id,
        s.masked_url(),
        a.file.display()
    )?;
    Ok(Exit::Success)
}

/// Whether a URL is a local file or a server on this machine.
fn is_local(url: &str) -> bool {
    if url.starts_with("sqlite:") {
        return true;
    }
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let auth = rest.split(['/', '?']).next().unwrap_or("");
    let host = auth.rsplit_once('@').map_or(auth, |(_, h)| h);
    let host = host.rsplit_once(':').map_or(host, |(h, p)| {
        if p.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    matches!(host, "" | "localhost" | "127.0.0.1" | "[::1]" | "::1") || url.contains("socket=")
}

/// `sluice reset`: down everything, then up.
pub fn reset(a: ConfirmArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    if s.env_cfg.as_ref().is_some_and(|e| e.protected) {
        return Err(Failure::new(
            Exit::Refused,
            format!(
                "environment {} is protected: reset would revert every migration there; it is for development databases only",
                s.env
            ),
        ));
    }
    if !is_local(&s.url) {
        confirmed(
            s,
            a.confirm.as_deref(),
            &format!(
                "reset reverts every migration of {}, which is not on this machine",
                s.masked_url()
            ),
        )?;
    }
    let down = super::down::run(
        crate::args::DownArgs {
            id: None,
            to: None,
            count: Some(usize::MAX),
            cascade: false,
            lock_wait: "30s".into(),
            confirm: Some(s.env.clone()),
        },
        s,
        out,
    );
    match down {
        Ok(_) => {}
        // Nothing applied yet: nothing to revert.
        Err(f) if f.exit == Exit::Refused && f.error.to_string().contains("does not exist") => {}
        Err(f) => return Err(f),
    }
    super::up::run(
        crate::args::UpArgs {
            target: crate::args::TargetArgs {
                to: None,
                count: None,
                confirm: Vec::new(),
            },
            lock_wait: "30s".into(),
            resume: false,
            reconnect: None,
        },
        s,
        out,
    )
}

/// `sluice config check`.
pub fn config_check(s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let Some(cfg) = &s.config else {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "there is no sluice.toml in {}: write one with `sluice init`",
                s.project.display()
            ),
        ));
    };
    writeln!(
        out,
        "sluice.toml is valid: dialect {}, migrations in {}",
        s.dialect.name(),
        s.migrations.display()
    )?;
    if !cfg.dotenv.is_empty() {
        writeln!(out, ".env defines {} variable(s)", cfg.dotenv.len())?;
    }
    let mut t = sluice_report::table::Table::new(["ENVIRONMENT", "URL", "GATES"]);
    let mut unresolved = 0;
    for (name, e) in &cfg.environments {
        let url = match cfg.resolve_url(name, &e.url) {
            Ok(u) => sluice_core::config::mask_url(&u),
            Err(err) => {
                unresolved += 1;
                format!("unresolved: {err}")
            }
        };
        let mut gates = Vec::new();
        if let Some(a) = &e.after {
            gates.push(format!("after {a}"));
        }
        if e.backup {
            gates.push("backup".into());
        }
        if let Some(r) = e.approve_at {
            gates.push(format!(
                "approve at {}",
                serde_json::to_value(r)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            ));
        }
        if e.confirm_destructive {
            gates.push("confirm destructive".into());
        }
        if e.protected {
            gates.push("protected".into());
        }
        if !e.hooks.before.is_empty() || !e.hooks.after.is_empty() {
            gates.push(format!(
                "hooks {}+{}",
                e.hooks.before.len(),
                e.hooks.after.len()
            ));
        }
        t.row([(name.clone(), None), (url, None), (gates.join(", "), None)]);
    }
    t.render(out, s.style)?;
    if unresolved > 0 {
        writeln!(
            out,
            "\n{unresolved} URL(s) cannot be resolved here (their variables are not set); commands on those environments will say so"
        )?;
    }
    Ok(Exit::Success)
}
