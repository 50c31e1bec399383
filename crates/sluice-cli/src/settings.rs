//! Resolved settings: the project folder, sluice.toml, the environment, the URL, the
//! migrations folder and the plan — from the raw flags, once, before any command runs.

use std::io::IsTerminal;
use std::path::PathBuf;

use sluice_core::config;
use sluice_core::load::{self, Loaded};
use sluice_core::run::RunContext;
use sluice_core::time::Timestamp;
use sluice_core::{Plan, RunId, whoami};
use sluice_engine::Access;
use sluice_report::Target;
use sluice_report::table::Style;
use sluice_sql::Dialect;

use crate::args::{Format, Global};
use crate::exit::{Exit, Failure};

/// Everything a command needs to know about where it works.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The project folder (`-C`, else the working directory).
    pub project: PathBuf,
    /// The migrations folder.
    pub migrations: PathBuf,
    /// Flyway's further locations (the first is `migrations`).
    pub locations: Vec<PathBuf>,
    /// The folder layout.
    pub layout: sluice_core::layout::Layout,
    /// The dialect of the migrations.
    pub dialect: Dialect,
    /// The environment's name.
    pub env: String,
    /// The database URL (secret; print [`Settings::masked_url`]).
    pub url: String,
    /// The name of sluice's state (schema on PostgreSQL).
    pub state: String,
    /// The environment's run settings (late policy, timeouts, retries, reconnect, session,
    /// replica lag), with sluice's defaults.
    pub run: config::RunSettings,
    /// Output format.
    pub format: Format,
    /// The environment's `scratch_url`, resolved.
    pub scratch_url: Option<String>,
    /// Every environment's URL, resolved where it can be (to refuse them as scratch).
    pub env_urls: Vec<(String, String)>,
    /// `sluice.toml`, when there is one.
    pub config: Option<config::Config>,
    /// The chosen environment's settings, when `sluice.toml` defines it.
    pub env_cfg: Option<config::EnvConfig>,
    /// Terminal colours.
    pub style: Style,
    /// `--env` or `--url` was given: a command that can work offline (`lint`) connects.
    pub connect: bool,
    /// Who runs and at which commit (asked of git once: a fleet runs many databases in one
    /// process, and its clones of these settings share the answer).
    who: std::sync::OnceLock<(String, Option<String>)>,
    /// The plan, once read, when these settings are shared by many runs (a fleet reads and
    /// checks the files once, and each database's `up` takes this copy).
    pub shared_plan: Option<std::sync::Arc<Plan>>,
}

impl Settings {
    /// Resolves the global flags. `offline` commands (`lint` without `--env` or `--url`)
    /// do not need the database URL: one that cannot be resolved (an unset variable) is
    /// left empty.
    pub fn resolve(g: &Global, offline: bool) -> Result<Settings, Failure> {
        let project = match &g.project {
            Some(p) => {
                if !p.is_dir() {
                    return Err(Failure::new(
                        Exit::Input,
                        format!(
                            "-C {}: no such folder; pass the folder that holds sluice.toml or migrations/",
                            p.display()
                        ),
                    ));
                }
                p.clone()
            }
            None => PathBuf::from("."),
        };
        let project = tidy(&project);
        let toml_path = tidy(&project.join("sluice.toml"));
        let cfg = if toml_path.is_file() {
            Some(config::load(&toml_path)?)
        } else {
            None
        };
        let (env, env_cfg) = match &cfg {
            Some(c) => match c.pick_env(g.env.as_deref(), &toml_path)? {
                Some((name, e)) => (name.to_string(), Some(e.clone())),
                None => (g.env.clone().unwrap_or_else(|| "dev".into()), None),
            },
            None => (g.env.clone().unwrap_or_else(|| "dev".into()), None),
        };
        let url = match (&g.url, &env_cfg) {
            (Some(u), _) => u.clone(),
            (None, Some(e)) => match cfg.as_ref().map_or_else(
                || config::resolve_url(&env, &e.url),
                |c| c.resolve_url(&env, &e.url),
            ) {
                Ok(u) => u,
                Err(_) if offline => String::new(),
                Err(e) => return Err(e.into()),
            },
            (None, None) => std::env::var("DATABASE_URL")
                .ok()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| "sqlite:sluice.db".into()),
        };
        let url_dialect = sluice_engine::dialect_of(&url);
        let dialect = match &cfg {
            Some(c) if c.project.dialect.is_some() => c.dialect(&toml_path)?,
            _ => url_dialect.unwrap_or(Dialect::Sqlite),
        };
        if let Some(d) = url_dialect.filter(|_| !offline)
            && d != dialect
        {
            return Err(Failure::new(
                Exit::Input,
                format!(
                    "the project's dialect is {} but the database URL {} is {}: fix [project] dialect in sluice.toml or the URL",
                    dialect.name(),
                    config::mask_url(&url),
                    d.name()
                ),
            ));
        }
        let migrations = match (&g.dir, &cfg) {
            (Some(d), _) => d.clone(),
            (None, Some(c)) if !c.project.locations.is_empty() => {
                project.join(&c.project.locations[0])
            }
            (None, Some(c)) => project.join(&c.project.migrations),
            (None, None) => project.join("migrations"),
        };
        let locations = match (&g.dir, &cfg) {
            (None, Some(c)) => c
                .project
                .locations
                .iter()
                .skip(1)
                .map(|l| tidy(&project.join(l)))
                .collect(),
            _ => Vec::new(),
        };
        let layout = match &cfg {
            Some(c) => c.layout(&toml_path)?,
            None => sluice_core::layout::Layout::Sluice,
        };
        let run = config::RunSettings::of(&env, env_cfg.as_ref(), dialect)
            .map_err(|e| Failure::new(Exit::Input, e))?;
        // A Sqitch project's state is its own (`sluice_<project>`), so that several
        // projects can share a database as they do under Sqitch.
        let state = cfg
            .as_ref()
            .and_then(|c| c.project.state.clone())
            .or_else(|| {
                (layout == sluice_core::layout::Layout::Sqitch)
                    .then(|| sluice_core::layout::sqitch_project(&migrations))
                    .flatten()
                    .map(|p| sluice_core::projects::default_state(&p))
            })
            .unwrap_or_else(|| "sluice".into());
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let style = Style {
            color: !no_color && std::io::stdout().is_terminal(),
        };
        let scratch_url = env_cfg
            .as_ref()
            .and_then(|e| e.scratch_url.as_deref())
            .map(|u| match &cfg {
                Some(c) => c.resolve_url(&env, u),
                None => config::resolve_url(&env, u),
            })
            .transpose()?;
        let env_urls = cfg
            .as_ref()
            .map(|c| {
                c.environments
                    .iter()
                    .filter_map(|(n, e)| c.resolve_url(n, &e.url).ok().map(|u| (n.clone(), u)))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Settings {
            scratch_url,
            env_urls,
            config: cfg.clone(),
            env_cfg: env_cfg.clone(),
            project,
            migrations: tidy(&migrations),
            locations,
            layout,
            dialect,
            env,
            url,
            state,
            run,
            format: g.format,
            style,
            connect: g.env.is_some() || g.url.is_some(),
            who: std::sync::OnceLock::new(),
            shared_plan: None,
        })
    }

    /// The URL with any password masked.
    pub fn masked_url(&self) -> String {
        config::mask_url(&self.url)
    }

    /// Loads the migrations folder and orders it; notes ignored files on stderr.
    pub fn plan(&self) -> Result<Plan, Failure> {
        if let Some(p) = &self.shared_plan {
            return Ok(Plan::clone(p));
        }
        let plan = self.plan_to_lint()?;
        let errors: Vec<_> = plan
            .migrations()
            .iter()
            .filter_map(sluice_core::Migration::missing_down)
            .collect();
        if !errors.is_empty() {
            return Err(sluice_core::load::LoadError { errors }.into());
        }
        Ok(plan)
    }

    /// The plan, with files that have no rollback kept (`lint` reports them; every other
    /// command refuses them through [`Settings::plan`]).
    pub fn plan_to_lint(&self) -> Result<Plan, Failure> {
        let Loaded {
            migrations,
            ignored,
        } = self.load()?;
        for p in ignored {
            eprintln!("note: ignored {} ({})", p.display(), self.ignored_why());
        }
        Ok(Plan::new(migrations)?)
    }

    /// Reads the migrations in the project's layout.
    pub fn load(&self) -> Result<load::Loaded, Failure> {
        let mut dirs = vec![self.migrations.clone()];
        dirs.extend(self.locations.iter().cloned());
        Ok(sluice_core::layout::load(self.layout, &dirs, self.dialect)?)
    }

    fn ignored_why(&self) -> String {
        match self.layout {
            sluice_core::layout::Layout::Sluice => "not a .sql file".into(),
            l => format!("not a {l} migration"),
        }
    }

    /// Opens the database; `None` when it does not exist and `access` does not create it.
    /// `who` names the session on the server: the run id, or the reading command.
    pub fn open(
        &self,
        access: Access,
        who: &str,
    ) -> Result<Option<Box<dyn sluice_core::Engine>>, Failure> {
        let opts = sluice_engine::OpenOptions {
            access,
            application: format!("sluice/{who}"),
            state: self.state.clone(),
            session: self.run.session.clone(),
        };
        Ok(sluice_engine::open(&self.url, &self.project, &opts)?)
    }

    /// The header of every document.
    pub fn target(&self, server: Option<String>) -> Target {
        Target {
            database: self.masked_url(),
            server,
            environment: self.env.clone(),
        }
    }

    /// What a deploy here reads and writes besides the database: the other environments,
    /// backups.
    pub fn around(&self) -> sluice_engine::around::Around<'_> {
        sluice_engine::around::Around {
            config: self.config.as_ref(),
            project: &self.project,
            state: &self.state,
            url: &self.url,
        }
    }

    /// Who runs, for a writing command.
    pub fn run_context(&self) -> RunContext {
        let host = whoami::host_name();
        let (actor, git_commit) = self
            .who
            .get_or_init(|| {
                (
                    whoami::actor(&self.project),
                    whoami::git_commit(&self.project),
                )
            })
            .clone();
        RunContext {
            run_id: RunId::new(Timestamp::now(), &host),
            actor,
            host,
            git_commit,
            ci_run: whoami::ci_run(),
            env: self.env.clone(),
            session: self.run.session.clone(),
        }
    }
}

pub use sluice_core::deploy::tidy;
