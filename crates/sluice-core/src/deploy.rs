//! A deploy: everything `up` does around the run itself — the safety analysis of what it
//! would apply, the environment's gates, the `before` hooks, the backup, the run under the
//! lock ([`run::up`]) and the `after` hooks — as one call that reports typed
//! [`DeployEvent`]s. The CLI prints them; a library user receives them in a callback.
//!
//! What a deploy needs from outside the target database (the history of the environment
//! before this one, a backup file) comes through [`Surroundings`]; who runs and when comes
//! in the [`RunContext`] and the clock of [`UpOptions`]. Nothing here reads the process's
//! environment variables.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::config::{EnvConfig, HookCommand};
use crate::engine::{DbError, Engine, EventFilter, EventRow};
use crate::file::{Migration, Risk};
use crate::gates::{self, Assessed, Gate, Upstream};
use crate::lint::{self, Options};
use crate::plan::Plan;
use crate::run::{self, Class, Overview, Progress, RunContext, RunError, UpOptions, UpSummary};

/// A backup written before a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backup {
    /// Where.
    pub path: PathBuf,
    /// Bytes.
    pub size: u64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
}

/// What a deploy reads or writes outside the target database.
pub trait Surroundings {
    /// The history and events of environment `name` (the promotion gate's upstream), or
    /// why they cannot be read.
    fn upstream(&mut self, name: &str) -> Result<Upstream, String>;
    /// Writes a backup of the target database into `dir`, in a file whose name starts with
    /// `stem` (the implementation adds the extension), or says why it could not.
    fn backup(&mut self, dir: &Path, stem: &str) -> Result<Backup, String>;
}

/// What to deploy, where, and under which environment's rules.
#[derive(Debug)]
pub struct Deploy<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// The environment's name.
    pub env: &'a str,
    /// Its gates, hooks and backup (`None`: no gates).
    pub env_cfg: Option<&'a EnvConfig>,
    /// The safety analysis's options (from `[lint]`; the server's version and table sizes
    /// are added from the database).
    pub analysis: Options,
    /// How to run.
    pub opts: UpOptions,
    /// Migrations confirmed with `--confirm <id>`.
    pub confirmed: &'a [String],
    /// The project folder: hooks run there, backups go to `backups/<env>/` in it.
    pub project: &'a Path,
}

/// What happens as a deploy goes.
#[derive(Debug)]
#[non_exhaustive]
pub enum DeployEvent<'a> {
    /// The analysis rates a migration above low risk.
    Risk {
        /// It.
        migration: &'a Migration,
        /// Its risk.
        risk: Risk,
        /// The rules behind it.
        rules: &'a [&'static str],
    },
    /// A gate let the run through.
    GatePassed(&'a Gate),
    /// A gate blocks the run (the deploy then stops with [`DeployError::Blocked`]).
    GateBlocked(&'a Gate),
    /// Every gate passed: this many migrations are about to be applied.
    Planned(usize),
    /// A hook ran.
    HookRan {
        /// `before` or `after`.
        when: &'static str,
        /// The program and its arguments.
        command: &'a [String],
        /// It succeeded.
        ok: bool,
        /// What it printed (standard output, then standard error).
        output: &'a str,
    },
    /// The backup was taken.
    BackupTaken(&'a Backup),
    /// The run itself: a migration applied, skipped, recovered; a reconnect.
    Run(Progress<'a>),
    /// The run under the lock finished (the `after` hooks come next).
    RunFinished(&'a UpSummary),
}

/// Why a deploy stopped.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// Malformed `-- sluice:allow` lines, each `file:line: what`.
    #[error("{}", .0.join("\n"))]
    BadAllows(Vec<String>),
    /// The database could not be read for the analysis or the gates.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Gates block the run; nothing was applied.
    #[error("{}", blocked_message(env, gates))]
    Blocked {
        /// The environment.
        env: String,
        /// The gates that block.
        gates: Vec<Gate>,
    },
    /// A `before` hook failed; nothing was applied.
    #[error("{0}: the run stops here, nothing was applied")]
    BeforeHook(String),
    /// The backup failed; nothing was applied.
    #[error("backup gate: the backup before this run failed, so nothing was applied: {0}")]
    Backup(String),
    /// An `after` hook failed: the migrations stay applied, the run is failed.
    #[error("{why}: the {applied} migration(s) stay applied, but this run is marked failed")]
    AfterHook {
        /// The hook and how it failed.
        why: String,
        /// How many migrations this run applied.
        applied: usize,
    },
    /// The run stopped.
    #[error(transparent)]
    Run(#[from] RunError),
}

impl DeployError {
    /// What kind of stop it is.
    pub fn class(&self) -> Class {
        match self {
            DeployError::BadAllows(_) => Class::Input,
            DeployError::Db(_) => Class::Database,
            DeployError::Blocked { .. } | DeployError::BeforeHook(_) | DeployError::Backup(_) => {
                Class::Refused
            }
            DeployError::AfterHook { .. } => Class::MigrationFailed,
            DeployError::Run(r) => r.class(),
        }
    }
}

fn blocked_message(env: &str, gates: &[Gate]) -> String {
    let mut msg = format!(
        "{} gate(s) of environment {env} block this run; nothing was applied:",
        gates.len()
    );
    for g in gates {
        msg.push_str(&format!(
            "\n  {} gate, {}: {}",
            g.gate,
            g.migration.as_deref().unwrap_or("the run"),
            g.reason
        ));
        if let Some(f) = &g.fix {
            msg.push_str(&format!("\n    to pass it: {f}"));
        }
    }
    msg
}

/// This environment's events, when it has sluice's tables.
pub fn own_events(engine: &mut dyn Engine) -> Result<Vec<EventRow>, DbError> {
    Ok(if engine.state_exists()? {
        engine.events(&EventFilter::default())?
    } else {
        Vec::new()
    })
}

/// The gates of `env_cfg` for applying `apply` (analysed as `assessed`). No environment
/// settings: no gates.
pub fn gates(
    env: &str,
    env_cfg: Option<&EnvConfig>,
    apply: &[&Migration],
    assessed: &[Assessed],
    events: &[EventRow],
    confirmed: &[String],
    around: &mut dyn Surroundings,
) -> Vec<Gate> {
    let Some(cfg) = env_cfg else {
        return Vec::new();
    };
    let upstream = cfg.after.as_deref().map(|name| around.upstream(name));
    gates::check(&gates::Inputs {
        env,
        cfg,
        apply,
        events,
        upstream,
        confirmed,
        assessed,
    })
}

/// Deploys: analysis, gates, `before` hooks, backup, the run, `after` hooks. Nothing is
/// applied unless every gate passes; `on` hears every step.
pub fn up(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    d: Deploy<'_>,
    around: &mut dyn Surroundings,
    on: &mut dyn FnMut(DeployEvent<'_>),
) -> Result<UpSummary, DeployError> {
    let Deploy {
        plan,
        env,
        env_cfg,
        mut analysis,
        mut opts,
        confirmed,
        project,
    } = d;
    let mut to_apply: Vec<String> = Vec::new();
    // The gates, on the plan as the database stands now: nothing runs unless all pass.
    // (A plan that cannot be made is refused by `run::up` itself, with its reason.)
    let records = if engine.state_exists()? {
        engine.records()?
    } else {
        Vec::new()
    };
    let live = engine.lock_status().ok().flatten().map(|h| h.run_id);
    let overview = Overview::new(plan, records, env, live.as_ref());
    if let Ok(chosen) = run::plan_up(plan, &overview, &opts, env) {
        let apply: Vec<&Migration> = chosen.apply.iter().map(|(m, _)| *m).collect();
        let bad = lint::bad_allow_lines(apply.iter().copied());
        if !bad.is_empty() {
            return Err(DeployError::BadAllows(bad));
        }
        let reports = lint::analyse_plan(&apply, &mut analysis, Some(engine))?;
        let assessed: Vec<Assessed> = reports.iter().map(Assessed::of).collect();
        let events = own_events(engine)?;
        let gates = gates(env, env_cfg, &apply, &assessed, &events, confirmed, around);
        let blocked: Vec<Gate> = gates.iter().filter(|g| !g.passed).cloned().collect();
        if !blocked.is_empty() {
            for g in &blocked {
                on(DeployEvent::GateBlocked(g));
            }
            return Err(DeployError::Blocked {
                env: env.to_string(),
                gates: blocked,
            });
        }
        for (m, a) in apply.iter().zip(&assessed) {
            if let Some(risk) = a.risk.filter(|r| *r > Risk::Low) {
                on(DeployEvent::Risk {
                    migration: m,
                    risk,
                    rules: &a.rules,
                });
            }
        }
        for g in gates
            .iter()
            .filter(|g| g.gate != "backup" && g.gate != "hooks")
        {
            on(DeployEvent::GatePassed(g));
        }
        to_apply = apply.iter().map(|m| m.id.to_string()).collect();
        on(DeployEvent::Planned(to_apply.len()));
        opts.only = Some(to_apply.clone());
    }
    let no_cfg = EnvConfig::default();
    let cfg = env_cfg.unwrap_or(&no_cfg);
    if !to_apply.is_empty() {
        if !cfg.hooks.before.is_empty() {
            engine.create_state()?;
            run_hooks(
                engine,
                ctx,
                project,
                "before",
                &cfg.hooks.before,
                &to_apply,
                on,
            )
            .map_err(DeployError::BeforeHook)?;
        }
        if cfg.backup {
            let b = backup(engine, ctx, project, around)?;
            on(DeployEvent::BackupTaken(&b));
        }
    }
    let summary = run::up(engine, ctx, plan, &opts, &mut |p| on(DeployEvent::Run(p)))?;
    on(DeployEvent::RunFinished(&summary));
    let n = summary.applied.len();
    if n > 0 && !cfg.hooks.after.is_empty() {
        let ids: Vec<String> = summary.applied.iter().map(ToString::to_string).collect();
        if let Err(why) = run_hooks(engine, ctx, project, "after", &cfg.hooks.after, &ids, on) {
            return Err(DeployError::AfterHook { why, applied: n });
        }
    }
    Ok(summary)
}

/// Runs the hooks of one kind; the first failure is returned, described. Hooks get
/// `SLUICE_ENV`, `SLUICE_RUN_ID` and `SLUICE_MIGRATIONS` (the ids, space-separated) and run
/// in the project folder; every hook that ran is recorded in the audit log.
fn run_hooks(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    project: &Path,
    when: &'static str,
    hooks: &[HookCommand],
    ids: &[String],
    on: &mut dyn FnMut(DeployEvent<'_>),
) -> Result<(), String> {
    for h in hooks {
        let argv = h.argv();
        let shown = argv.join(" ");
        let out = Command::new(&argv[0])
            .args(&argv[1..])
            .current_dir(project)
            .env("SLUICE_ENV", &ctx.env)
            .env("SLUICE_RUN_ID", ctx.run_id.as_str())
            .env("SLUICE_MIGRATIONS", ids.join(" "))
            .output();
        let (ok, detail, output) = match &out {
            Ok(o) => (
                o.status.success(),
                o.status
                    .code()
                    .map_or("killed by a signal".to_string(), |c| format!("exit {c}")),
                format!(
                    "{}{}",
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                ),
            ),
            Err(e) => (false, format!("cannot run it: {e}"), String::new()),
        };
        on(DeployEvent::HookRan {
            when,
            command: &argv,
            ok,
            output: &output,
        });
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
            serde_json::json!({ "hook": when, "command": argv, "ok": ok, "env": ctx.env }),
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

/// Takes the backup an environment with `backup = true` asks for, into
/// `backups/<env>/<time>_<run id>.<ext>`, and records it as an event. No backup, no apply.
fn backup(
    engine: &mut dyn Engine,
    ctx: &RunContext,
    project: &Path,
    around: &mut dyn Surroundings,
) -> Result<Backup, DeployError> {
    // Names sort by time, to the millisecond: 20261122T015854123Z_<run id>.
    let stamp: String = crate::time::Timestamp::now()
        .rfc3339()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let dir = project.join("backups").join(&ctx.env);
    let b = around
        .backup(&dir, &format!("{stamp}_{}", ctx.run_id.as_str()))
        .map_err(DeployError::Backup)?;
    let shown = tidy(&b.path);
    engine.create_state()?;
    run::record_note(
        engine,
        ctx,
        None,
        format!(
            "backup before the run: {} ({} bytes, sha256 {})",
            shown.display(),
            b.size,
            b.sha256
        ),
        serde_json::json!({ "backup": { "path": shown.display().to_string(), "size": b.size, "sha256": b.sha256 }, "env": ctx.env }),
    )?;
    Ok(b)
}

/// `./x` → `x`, so the paths sluice prints are the ones a user would type.
pub fn tidy(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        if c != std::path::Component::CurDir {
            out.push(c);
        }
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}
