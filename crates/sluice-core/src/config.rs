//! `sluice.toml`: the project and its environments, and how a database URL is resolved.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sluice_sql::Dialect;

/// The parsed `sluice.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[project]`.
    #[serde(default)]
    pub project: ProjectConfig,
    /// `[environments.<name>]`.
    #[serde(default)]
    pub environments: BTreeMap<String, EnvConfig>,
    /// `[lint]`.
    #[serde(default)]
    pub lint: LintConfig,
    /// `[fleets.<name>]`: databases that get the same migrations.
    #[serde(default)]
    pub fleets: BTreeMap<String, FleetConfig>,
    /// `[notify]`: where run events go (signed webhooks).
    #[serde(default)]
    pub notify: NotifyConfig,
    /// The variables of the `.env` file next to `sluice.toml` (for `env:NAME` URLs).
    #[serde(skip)]
    pub dotenv: BTreeMap<String, String>,
}

/// `[notify]`: webhooks that receive run events.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyConfig {
    /// Each receiver.
    #[serde(default)]
    pub webhooks: Vec<WebhookConfig>,
    /// How long sluice waits, when a run is over, for deliveries still being tried
    /// (default 10s); what is not delivered by then is recorded as not delivered.
    #[serde(default)]
    pub wait: Option<String>,
}

/// One webhook of `[notify]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    /// Where to POST (a URL, or `env:NAME`).
    pub url: String,
    /// The key of the HMAC-SHA256 signature (`env:NAME`, or the key itself).
    pub secret: String,
    /// `json` (the event, default), `chat` (`{"text": …}` for Slack, Mattermost, Teams
    /// incoming webhooks), or `text` (plain text for e-mail).
    #[serde(default)]
    pub format: WebhookFormat,
    /// The events it receives (none: all of them).
    #[serde(default)]
    pub events: Vec<String>,
}

/// The body of a webhook.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    /// The event as JSON.
    #[default]
    Json,
    /// `{"text": "<one line>"}`.
    Chat,
    /// Plain text, a subject line first.
    Text,
}

/// `[fleets.<name>]`: many databases (a database or a file per tenant, per shard) that get
/// the same migrations, one `sluice fleet up` for all of them.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetConfig {
    /// The databases: URLs, `env:NAME`, SQLite files by a pattern of their name
    /// (`sqlite:tenants/*.db`: `*` and `?` in the file name, relative to the project), or
    /// `{ server = URL, query = "SELECT datname …" }`: the databases a query lists on a
    /// server.
    pub targets: Vec<FleetTarget>,
    /// The most databases of one server migrated at once (default: `parallel`).
    #[serde(default)]
    pub per_server: Option<usize>,
    /// How many databases are migrated at once (default 4).
    #[serde(default)]
    pub parallel: Option<usize>,
    /// After how many failed databases no new one starts: a count (`3`) or a share of the
    /// fleet (`"10%"`) (default 1: the first failure stops the rollout).
    #[serde(default)]
    pub max_failures: Option<FailureBudget>,
    /// The rollout in waves, in order: `{ size = 1 }` takes the next database,
    /// `{ percent = 10 }` brings the fleet up to 10 % of its databases; what the last
    /// wave leaves is one more wave. None: one wave of everything.
    #[serde(default)]
    pub waves: Vec<Wave>,
    /// How long to wait after a wave before the next one (`5m`; default none).
    #[serde(default)]
    pub bake: Option<String>,
    /// A command that must succeed after each wave (after the bake) before the next one
    /// starts, as an argument list (like hooks); it gets `SLUICE_FLEET`, `SLUICE_WAVE`
    /// and `SLUICE_FLEET_RUN`.
    #[serde(default)]
    pub health: Option<HookCommand>,
}

/// One wave of a fleet's rollout.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wave {
    /// Only databases with this label: `tier=canary` (that value of that label) or
    /// `canary` (any label with that value).
    #[serde(default)]
    pub select: Option<String>,
    /// This many more databases (of those it selects).
    #[serde(default)]
    pub size: Option<usize>,
    /// Up to this share of the fleet's databases, counted from the start (with `select`:
    /// this share of the databases it selects).
    #[serde(default)]
    pub percent: Option<f64>,
}

/// One entry of a fleet's `targets`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum FleetTarget {
    /// A URL, `env:NAME`, or a SQLite file pattern.
    Url(String),
    /// The databases whose names `query` returns (its first column) on `server` (a URL or
    /// `env:NAME`, naming the database the query runs in): each is `server` with its
    /// database replaced.
    Query {
        /// Where the query runs.
        server: String,
        /// Returns one database name per row (or schema name, with `schemas`).
        query: String,
        /// The query lists schemas of the server's database (PostgreSQL): a tenant per
        /// schema, migrated with `search_path` set to it, its history in a state schema of
        /// its own (`<state>_<schema>`).
        #[serde(default)]
        schemas: bool,
        /// Labels of every database the query lists.
        #[serde(default)]
        labels: BTreeMap<String, String>,
    },
    /// The databases a command prints, one URL (or `env:NAME`) a line, run in the project
    /// folder (`["./scripts/tenants.sh"]`).
    Command {
        /// The program and its arguments.
        command: HookCommand,
        /// Labels of every database it prints.
        #[serde(default)]
        labels: BTreeMap<String, String>,
    },
    /// A URL (or `env:NAME`, or a SQLite pattern) with labels (`region`, `tier`) that
    /// waves select by.
    Labeled {
        /// The database.
        url: String,
        /// `{ tier = "canary", region = "eu" }`.
        labels: BTreeMap<String, String>,
    },
}

/// `max_failures`: a count or a share of the fleet.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum FailureBudget {
    /// This many.
    Count(u64),
    /// `"10%"`.
    Share(String),
}

impl FailureBudget {
    /// How many failed databases stop a rollout of `targets`; an error names the value.
    pub fn of(&self, targets: usize) -> Result<usize, String> {
        match self {
            FailureBudget::Count(0) => {
                Err("max_failures = 0 would stop before the first database: write 1 or more".into())
            }
            FailureBudget::Count(n) => Ok(*n as usize),
            FailureBudget::Share(s) => {
                let share: f64 = s
                    .strip_suffix('%')
                    .and_then(|p| p.trim().parse().ok())
                    .filter(|p: &f64| *p > 0.0 && *p <= 100.0)
                    .ok_or_else(|| {
                        format!("max_failures = {s:?}: write a count (3) or a share (\"10%\")")
                    })?;
                Ok(((targets as f64 * share / 100.0).ceil() as usize).max(1))
            }
        }
    }
}

/// `[lint]`: which safety rules run and how severe they are.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintConfig {
    /// Rules to switch on (rules that are off by default, e.g. `prefer-bigint-keys`).
    #[serde(default)]
    pub enable: Vec<String>,
    /// Rules to switch off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Rules re-rated: `{ "drop-column" = "medium" }`.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// Switch on `table-without-rls`: every new table must enable row-level security.
    #[serde(default)]
    pub require_rls: bool,
    /// The project deploys to MariaDB Galera: check what Galera cannot replicate also when
    /// `lint` is not connected to a node.
    #[serde(default)]
    pub galera: bool,
    /// The lowest severity that makes `sluice lint` exit 1 (default `high`).
    #[serde(default)]
    pub fail_on: Option<String>,
    /// Connected: rows from which a size-sensitive finding is high (default 1,000,000).
    #[serde(default)]
    pub large_rows: Option<u64>,
    /// Connected: rows below which a size-sensitive finding is low (default 10,000).
    #[serde(default)]
    pub small_rows: Option<u64>,
}

/// `[project]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectConfig {
    /// The migrations folder, relative to `sluice.toml`.
    #[serde(default = "default_migrations")]
    pub migrations: String,
    /// `sqlite` (default), `postgres` or `mysql`.
    #[serde(default)]
    pub dialect: Option<String>,
    /// The folder layout: `sluice` (default) or another tool's, read in place.
    #[serde(default)]
    pub layout: Option<String>,
    /// Flyway only: several folders merged, relative to `sluice.toml` (replaces
    /// `migrations`).
    #[serde(default)]
    pub locations: Vec<String>,
    /// The name of sluice's state: the schema on PostgreSQL (default `sluice`).
    #[serde(default)]
    pub state: Option<String>,
}

impl Default for ProjectConfig {
    fn default() -> Self {
        ProjectConfig {
            migrations: default_migrations(),
            dialect: None,
            layout: None,
            locations: Vec::new(),
            state: None,
        }
    }
}

fn default_migrations() -> String {
    "migrations".into()
}

/// `[environments.<name>]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvConfig {
    /// The database URL, or `env:NAME` to read it from the environment.
    pub url: String,
    /// Late migrations: `allow` or `refuse` (default: allow in `dev`, refuse elsewhere).
    #[serde(default)]
    pub late: Option<LatePolicy>,
    /// How long a statement may wait for a lock (PostgreSQL; default 5s).
    #[serde(default)]
    pub lock_timeout: Option<String>,
    /// How long a statement may run (default: no limit).
    #[serde(default)]
    pub statement_timeout: Option<String>,
    /// How often a migration that hit the lock timeout is tried again (default 3, at most
    /// 100).
    #[serde(default)]
    pub retries: Option<u32>,
    /// How long to try to reconnect when the connection drops mid-run (default 30s; "0s"
    /// stops at once).
    #[serde(default)]
    pub reconnect: Option<String>,
    /// Session settings made on every connection sluice opens for this environment (and
    /// its scratch databases): `SET …` statements, or SQLite `PRAGMA`s.
    #[serde(default)]
    pub session: Vec<String>,
    /// The longest wait between two attempts (default 30s).
    #[serde(default)]
    pub retry_cap: Option<String>,
    /// A server where `sluice test`, `drift` and `schema dump --check` may create and drop
    /// scratch databases (PostgreSQL, MySQL), or `env:NAME`.
    #[serde(default)]
    pub scratch_url: Option<String>,
    /// Promotion: a migration runs here only once it is applied, with the same checksum,
    /// and verified in this environment.
    #[serde(default)]
    pub after: Option<String>,
    /// Take a backup before the first migration of every run (no backup, no apply).
    #[serde(default)]
    pub backup: bool,
    /// Migrations at or above this risk need a recorded approval (`sluice approve`).
    #[serde(default)]
    pub approve_at: Option<crate::file::Risk>,
    /// A migration that drops or truncates needs `--confirm <id>`.
    #[serde(default)]
    pub confirm_destructive: bool,
    /// No `reset`, no `restore` and no `down` without `--confirm <env>`.
    #[serde(default)]
    pub protected: bool,
    /// Commands run before and after `up`.
    #[serde(default)]
    pub hooks: Hooks,
    /// PostgreSQL streaming replicas of this environment's database (URLs or `env:NAME`):
    /// before each migration `up` waits until their replay lag is at most
    /// `max_replica_lag`.
    #[serde(default)]
    pub replicas: Vec<String>,
    /// The most replay lag a replica may have when a migration starts (default 10s).
    #[serde(default)]
    pub max_replica_lag: Option<String>,
    /// How long `up` waits for the replicas before it stops (default 5m).
    #[serde(default)]
    pub replica_wait: Option<String>,
    /// The most other sessions a migration may keep waiting behind its locks
    /// (PostgreSQL): past it, a transactional migration is rolled back before its
    /// `COMMIT`, and a step-by-step one stops before its next statement.
    #[serde(default)]
    pub max_blocked_sessions: Option<u32>,
    /// MariaDB Galera: the URL of every node of the cluster (URLs or `env:NAME`), for
    /// migrations marked `-- galera: rsu`, applied node by node.
    #[serde(default)]
    pub galera_nodes: Vec<String>,
    /// `"block"`: `up` first checks the application's statements against the schema the
    /// pending migrations make (`sluice compat`), and refuses when one would break.
    #[serde(default)]
    pub compat: Option<CompatGate>,
    /// The application's statements for that check: files or folders of `.sql`, relative
    /// to the project (none: what the server recorded, `pg_stat_statements` or
    /// `performance_schema`).
    #[serde(default)]
    pub compat_queries: Vec<String>,
}

/// What `up` does with the application's statements (`compat = "block"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CompatGate {
    /// Refuse the run when a statement would break.
    Block,
}

/// `[environments.<name>.hooks]`: commands as argument lists (no shell unless written
/// `["sh", "-c", "…"]`); a string is split on white space.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hooks {
    /// Run before the first migration; a failure stops the run with nothing applied.
    #[serde(default)]
    pub before: Vec<HookCommand>,
    /// Run after the last migration; a failure marks the run failed.
    #[serde(default)]
    pub after: Vec<HookCommand>,
}

/// One hook command.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum HookCommand {
    /// `["./notify.sh", "start"]`.
    Args(Vec<String>),
    /// `"./notify.sh start"`, split on white space.
    Line(String),
}

impl HookCommand {
    /// The program and its arguments.
    pub fn argv(&self) -> Vec<String> {
        match self {
            HookCommand::Args(a) => a.clone(),
            HookCommand::Line(l) => l.split_whitespace().map(str::to_string).collect(),
        }
    }
}

/// What to do with a *late* migration (pending, but ordered before an applied one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LatePolicy {
    /// Apply it, with a warning.
    Allow,
    /// Refuse the run, naming it.
    Refuse,
}

/// Problems with the configuration; each says what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown keys.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The parser's message (with line and column).
        message: String,
    },
    /// A value is wrong.
    #[error("{path}: {message}")]
    Value {
        /// The file.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// `--env` names an environment the file does not define.
    #[error("environment `{name}` is not defined in {path}: the environments are {known}")]
    UnknownEnv {
        /// The name asked for.
        name: String,
        /// The file.
        path: PathBuf,
        /// The names it defines.
        known: String,
    },
    /// `env:NAME` names an unset variable.
    #[error("environment `{env}` reads its URL from ${var}, which is not set: export {var}=<url>")]
    UnsetVar {
        /// The environment.
        env: String,
        /// The variable.
        var: String,
    },
    /// No environment could be chosen.
    #[error(
        "{path} defines several environments ({known}) and none is called `dev`: pass --env <name>"
    )]
    NoDefaultEnv {
        /// The file.
        path: PathBuf,
        /// The names it defines.
        known: String,
    },
}

/// The longest `lock_timeout` (PostgreSQL keeps it in milliseconds in a 32-bit integer).
pub const MAX_LOCK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
/// The longest `statement_timeout`.
pub const MAX_STATEMENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
/// The longest wait between two attempts.
pub const MAX_RETRY_CAP: std::time::Duration = std::time::Duration::from_secs(3600);
/// The longest time to try to reconnect.
pub const MAX_RECONNECT: std::time::Duration = std::time::Duration::from_secs(3600);
/// The longest `replica_wait`.
pub const MAX_REPLICA_WAIT: std::time::Duration = std::time::Duration::from_secs(24 * 3600);
/// The most retries after a lock timeout.
pub const MAX_RETRIES: u32 = 100;
/// The largest row count a `[lint]` threshold may name.
pub const MAX_ROWS: u64 = 1_000_000_000_000;

/// Reads `sluice.toml` at `path` (and the `.env` beside it).
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.into(),
        source,
    })?;
    let mut cfg: Config = toml::from_str(&text).map_err(|e| ConfigError::Invalid {
        path: path.into(),
        message: e.to_string(),
    })?;
    read_dotenv(&mut cfg, path)?;
    check(&cfg, path)?;
    Ok(cfg)
}

/// Reads the text of a `sluice.toml` (an embedded one: no `.env` is read); errors name
/// `path`.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let cfg: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
        path: path.into(),
        message: e.to_string(),
    })?;
    check(&cfg, path)?;
    Ok(cfg)
}

fn read_dotenv(cfg: &mut Config, path: &Path) -> Result<(), ConfigError> {
    let dotenv_path = path.with_file_name(".env");
    if dotenv_path.is_file() {
        let text = std::fs::read_to_string(&dotenv_path).map_err(|source| ConfigError::Read {
            path: dotenv_path.clone(),
            source,
        })?;
        cfg.dotenv = parse_dotenv(&text).map_err(|(line, why)| ConfigError::Value {
            path: dotenv_path.clone(),
            message: format!("line {line}: {why}"),
        })?;
    }
    Ok(())
}

/// Everything `sluice.toml` must satisfy beyond its shape.
fn check(cfg: &Config, path: &Path) -> Result<(), ConfigError> {
    check_environments(cfg, path)?;
    let layout = cfg.layout(path)?;
    if !cfg.project.locations.is_empty() && layout != crate::layout::Layout::Flyway {
        return Err(ConfigError::Value {
            path: path.into(),
            message: format!(
                "[project] locations is read for layout = \"flyway\" only (this project's layout is \"{layout}\"): use `migrations` instead"
            ),
        });
    }
    cfg.dialect(path)?;
    if let Some(state) = &cfg.project.state
        && !state_name_ok(state)
    {
        return Err(ConfigError::Value {
            path: path.into(),
            message: format!(
                "[project] state = \"{state}\" is not a name sluice can use: lower-case letters, digits and `_`, at most 48"
            ),
        });
    }
    for (name, env) in &cfg.environments {
        for (key, value, max) in [
            ("lock_timeout", &env.lock_timeout, MAX_LOCK_TIMEOUT),
            (
                "statement_timeout",
                &env.statement_timeout,
                MAX_STATEMENT_TIMEOUT,
            ),
            ("retry_cap", &env.retry_cap, MAX_RETRY_CAP),
            ("reconnect", &env.reconnect, MAX_RECONNECT),
            ("max_replica_lag", &env.max_replica_lag, MAX_RECONNECT),
            ("replica_wait", &env.replica_wait, MAX_REPLICA_WAIT),
        ] {
            if let Some(v) = value
                && let Err(e) = crate::time::parse_duration_at_most(v, max)
            {
                return Err(ConfigError::Value {
                    path: path.into(),
                    message: format!("[environments.{name}] {key}: {e}"),
                });
            }
        }
        let dialect = cfg.dialect(path)?;
        for s in &env.session {
            if !sluice_sql::footprint::is_session_setting(s, dialect) {
                return Err(ConfigError::Value {
                    path: path.into(),
                    message: format!(
                        "[environments.{name}] session: `{s}` is not a session setting: write `SET name = value`{} (statements that change the schema belong in migrations)",
                        if dialect == Dialect::Sqlite {
                            " or `PRAGMA name = value`"
                        } else {
                            ""
                        }
                    ),
                });
            }
        }
        if let Some(r) = env.retries
            && r > MAX_RETRIES
        {
            return Err(ConfigError::Value {
                path: path.into(),
                message: format!(
                    "[environments.{name}] retries = {r}: at most {MAX_RETRIES} (each retry waits up to retry_cap)"
                ),
            });
        }
    }
    for (key, value) in [
        ("large_rows", cfg.lint.large_rows),
        ("small_rows", cfg.lint.small_rows),
    ] {
        if let Some(v) = value
            && v > MAX_ROWS
        {
            return Err(ConfigError::Value {
                path: path.into(),
                message: format!("[lint] {key} = {v}: at most {MAX_ROWS}"),
            });
        }
    }
    Ok(())
}

impl Config {
    /// The project's layout (`sluice` when not set).
    pub fn layout(&self, path: &Path) -> Result<crate::layout::Layout, ConfigError> {
        match self.project.layout.as_deref() {
            None => Ok(crate::layout::Layout::Sluice),
            Some(l) => crate::layout::Layout::parse(l).map_err(|m| ConfigError::Value {
                path: path.into(),
                message: format!("[project] layout: {m}"),
            }),
        }
    }

    /// The project's dialect (`sqlite` when not set).
    pub fn dialect(&self, path: &Path) -> Result<Dialect, ConfigError> {
        match self.project.dialect.as_deref() {
            None | Some("sqlite") => Ok(Dialect::Sqlite),
            Some("postgres" | "postgresql") => Ok(Dialect::Postgres),
            Some("mysql" | "mariadb") => Ok(Dialect::MySql),
            Some(other) => Err(ConfigError::Value {
                path: path.into(),
                message: format!(
                    "[project] dialect = \"{other}\" is unknown: write sqlite, postgres or mysql"
                ),
            }),
        }
    }

    /// The environment to use: `requested`, else `dev`, else the only one.
    pub fn pick_env<'a>(
        &'a self,
        requested: Option<&str>,
        path: &Path,
    ) -> Result<Option<(&'a str, &'a EnvConfig)>, ConfigError> {
        let known = || {
            self.environments
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Some(name) = requested {
            return match self.environments.get_key_value(name) {
                Some((k, v)) => Ok(Some((k.as_str(), v))),
                None => Err(ConfigError::UnknownEnv {
                    name: name.into(),
                    path: path.into(),
                    known: known(),
                }),
            };
        }
        if let Some((k, v)) = self.environments.get_key_value("dev") {
            return Ok(Some((k.as_str(), v)));
        }
        match self.environments.len() {
            0 => Ok(None),
            1 => Ok(self
                .environments
                .iter()
                .next()
                .map(|(k, v)| (k.as_str(), v))),
            _ => Err(ConfigError::NoDefaultEnv {
                path: path.into(),
                known: known(),
            }),
        }
    }
}

/// The rules every environment must follow, beyond the file's shape.
fn check_environments(cfg: &Config, path: &Path) -> Result<(), ConfigError> {
    let bad = |message: String| ConfigError::Value {
        path: path.into(),
        message,
    };
    for (name, env) in &cfg.environments {
        if name != "dev" && !env.url.starts_with("env:") && mask_url(&env.url) != env.url {
            return Err(bad(format!(
                "[environments.{name}] url holds a password in the file: write url = \"env:{}_DATABASE_URL\" and put the URL in that variable or in .env next to sluice.toml (kept out of git); only dev may hold a literal password",
                name.to_ascii_uppercase().replace('-', "_")
            )));
        }
        if let Some(after) = &env.after {
            if after == name {
                return Err(bad(format!(
                    "[environments.{name}] after = \"{after}\": an environment cannot come after itself"
                )));
            }
            if !cfg.environments.contains_key(after) {
                return Err(bad(format!(
                    "[environments.{name}] after = \"{after}\" names no environment: the environments are {}",
                    cfg.environments
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            // No cycle: follow `after` until it ends.
            let mut seen = vec![name.as_str()];
            let mut cur = after.as_str();
            while let Some(next) = cfg.environments.get(cur).and_then(|e| e.after.as_deref()) {
                if seen.contains(&cur) {
                    return Err(bad(format!(
                        "[environments.{name}] after: the promotion order has a cycle ({} → {cur})",
                        seen.join(" → ")
                    )));
                }
                seen.push(cur);
                cur = next;
            }
        }
        for (when, list) in [("before", &env.hooks.before), ("after", &env.hooks.after)] {
            if list.iter().any(|c| c.argv().is_empty()) {
                return Err(bad(format!(
                    "[environments.{name}.hooks] {when}: a command is empty"
                )));
            }
        }
    }
    Ok(())
}

/// Parses a `.env` file: `KEY=value`, `export KEY=value`, `# comments`, values in single
/// or double quotes. Errors give the line.
pub fn parse_dotenv(text: &str) -> Result<BTreeMap<String, String>, (usize, String)> {
    let mut out = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            return Err((i + 1, "expected KEY=value".into()));
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err((i + 1, format!("`{key}` is not a variable name")));
        }
        let value = value.trim();
        let value = if let Some(v) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            v.replace("\\n", "\n").replace("\\\"", "\"")
        } else if let Some(v) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
            v.to_string()
        } else {
            value.split(" #").next().unwrap_or(value).trim().to_string()
        };
        out.insert(key.to_string(), value);
    }
    Ok(out)
}

impl Config {
    /// Resolves `env:NAME` URLs from the process environment, then from `.env`.
    pub fn resolve_url(&self, env_name: &str, url: &str) -> Result<String, ConfigError> {
        match url.strip_prefix("env:") {
            Some(var) => std::env::var(var)
                .ok()
                .filter(|v| !v.is_empty())
                .or_else(|| self.dotenv.get(var).cloned())
                .ok_or_else(|| ConfigError::UnsetVar {
                    env: env_name.into(),
                    var: var.into(),
                }),
            None => Ok(url.to_string()),
        }
    }
}

/// Resolves `env:NAME` URLs.
pub fn resolve_url(env_name: &str, url: &str) -> Result<String, ConfigError> {
    match url.strip_prefix("env:") {
        Some(var) => std::env::var(var).map_err(|_| ConfigError::UnsetVar {
            env: env_name.into(),
            var: var.into(),
        }),
        None => Ok(url.to_string()),
    }
}

/// URL parameters whose values are secrets: masked wherever a URL is shown.
const SECRET_PARAMS: [&str; 6] = [
    "password",
    "pass",
    "pwd",
    "sslpassword",
    "sslkey",
    "sslkey_contents",
];

/// A URL with any password replaced by `***`, for everything sluice prints or stores: the
/// `user:password@` form, and secret-bearing parameters (`?password=`, `sslpassword=`,
/// `sslkey=`).
pub fn mask_url(url: &str) -> String {
    let (main, query) = match url.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (url, None),
    };
    let mut out = mask_userinfo(main);
    if let Some(q) = query {
        out.push('?');
        let (q, fragment) = q.split_once('#').map_or((q, None), |(a, b)| (a, Some(b)));
        let pairs: Vec<String> = q
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, v))
                    if !v.is_empty()
                        && SECRET_PARAMS
                            .contains(&k.to_ascii_lowercase().replace('-', "_").as_str()) =>
                {
                    format!("{k}=***")
                }
                _ => pair.to_string(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(f);
        }
    }
    out
}

fn mask_userinfo(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..auth_end].rfind('@') else {
        return url.to_string();
    };
    let userinfo = &rest[..at];
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{}://{user}:***@{}", &url[..scheme_end], &rest[at + 1..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_passwords() {
        assert_eq!(
            mask_url("postgres://bob:s3cr%40t@db:5432/app?sslmode=require"),
            "postgres://bob:***@db:5432/app?sslmode=require"
        );
        assert_eq!(mask_url("postgres://bob@db/app"), "postgres://bob@db/app");
        assert_eq!(mask_url("sqlite:dev.db"), "sqlite:dev.db");
        assert_eq!(
            mask_url("postgres://bob@db/app?sslmode=require&password=hunter2&sslpassword=k3y"),
            "postgres://bob@db/app?sslmode=require&password=***&sslpassword=***"
        );
        assert_eq!(
            mask_url("postgresql:///app?host=/run/pg&PASSWORD=x#frag"),
            "postgresql:///app?host=/run/pg&PASSWORD=***#frag"
        );
    }

    #[test]
    fn unknown_keys_are_errors() {
        let e = toml::from_str::<Config>("[project]\nmigration = 'm'\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown field `migration`") && e.contains("migrations"),
            "{e}"
        );
        let e = toml::from_str::<Config>("[environments.dev]\nurl = 'sqlite:x'\nbackups = true\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("backups"), "{e}");
    }

    #[test]
    fn picks_dev_by_default() {
        let c: Config = toml::from_str(
            "[environments.dev]\nurl='sqlite:a'\n[environments.prod]\nurl='sqlite:b'\n",
        )
        .unwrap();
        let p = Path::new("sluice.toml");
        assert_eq!(c.pick_env(None, p).unwrap().unwrap().0, "dev");
        assert_eq!(c.pick_env(Some("prod"), p).unwrap().unwrap().0, "prod");
        assert!(
            c.pick_env(Some("qa"), p)
                .unwrap_err()
                .to_string()
                .contains("dev, prod")
        );
    }
}

/// What an environment sets for a run, with sluice's defaults where it is silent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSettings {
    /// What to do with late migrations (allow in `dev`, refuse elsewhere).
    pub late: LatePolicy,
    /// Lock timeout of migration statements (5s on PostgreSQL and MySQL by default).
    pub lock_timeout: Option<std::time::Duration>,
    /// Statement timeout of migration statements (none by default).
    pub statement_timeout: Option<std::time::Duration>,
    /// Attempts after a lock timeout (3).
    pub retries: u32,
    /// The longest wait between attempts (30s).
    pub retry_cap: std::time::Duration,
    /// How long to try to reconnect when the connection drops mid-run (30s).
    pub reconnect: std::time::Duration,
    /// Session settings made on every connection.
    pub session: Vec<String>,
    /// The most replay lag a replica may have when a migration starts (10s).
    pub max_replica_lag: std::time::Duration,
    /// How long to wait for the replicas before the run stops (5m).
    pub replica_wait: std::time::Duration,
    /// The most sessions a migration may block (none: not watched).
    pub max_blocked_sessions: Option<u32>,
}

impl RunSettings {
    /// The settings of environment `env` (`env_cfg`, when `sluice.toml` defines it) for a
    /// database of `dialect`; an error names the malformed duration.
    pub fn of(env: &str, env_cfg: Option<&EnvConfig>, dialect: Dialect) -> Result<Self, String> {
        use std::time::Duration;
        let duration = |v: Option<&String>| v.map(|v| crate::time::parse_duration(v)).transpose();
        let late = env_cfg.and_then(|e| e.late).unwrap_or(if env == "dev" {
            LatePolicy::Allow
        } else {
            LatePolicy::Refuse
        });
        let lock_timeout = duration(env_cfg.and_then(|e| e.lock_timeout.as_ref()))?.or(matches!(
            dialect,
            Dialect::Postgres | Dialect::MySql
        )
        .then_some(Duration::from_secs(5)));
        Ok(RunSettings {
            late,
            lock_timeout,
            statement_timeout: duration(env_cfg.and_then(|e| e.statement_timeout.as_ref()))?,
            retries: env_cfg.and_then(|e| e.retries).unwrap_or(3),
            retry_cap: duration(env_cfg.and_then(|e| e.retry_cap.as_ref()))?
                .unwrap_or(Duration::from_secs(30)),
            reconnect: duration(env_cfg.and_then(|e| e.reconnect.as_ref()))?
                .unwrap_or(Duration::from_secs(30)),
            session: env_cfg.map(|e| e.session.clone()).unwrap_or_default(),
            max_replica_lag: duration(env_cfg.and_then(|e| e.max_replica_lag.as_ref()))?
                .unwrap_or(Duration::from_secs(10)),
            replica_wait: duration(env_cfg.and_then(|e| e.replica_wait.as_ref()))?
                .unwrap_or(Duration::from_secs(300)),
            max_blocked_sessions: env_cfg.and_then(|e| e.max_blocked_sessions),
        })
    }

    /// The options of an `up` with these settings (the rest as [`UpOptions::default`]).
    ///
    /// [`UpOptions::default`]: crate::run::UpOptions
    pub fn up_options(&self) -> crate::run::UpOptions {
        crate::run::UpOptions {
            late: Some(self.late),
            lock_timeout: self.lock_timeout,
            statement_timeout: self.statement_timeout,
            retries: self.retries,
            retry_cap: self.retry_cap,
            reconnect: self.reconnect,
            ..Default::default()
        }
    }
}

/// Whether `state` can name sluice's state (a PostgreSQL schema, a table-name prefix):
/// lower-case letters, digits and `_`, not starting with a digit, at most 48 bytes.
pub fn state_name_ok(state: &str) -> bool {
    state
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && state
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && state.len() <= 48
}
