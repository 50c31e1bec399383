//! # sluice-migrate — sluice inside your application
//!
//! Embed a migrations folder at compile time and apply it when the application starts,
//! with the same history, audit log, lock, safety analysis and environment gates as the
//! `sluice` command line tool — the CLI's `sluice status` reads what this crate writes.
//!
//! ```
//! static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
//!
//! # fn main() -> Result<(), sluice_migrate::Error> {
//! # let dir = std::env::temp_dir().join(format!("sluice-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! # let database_url = format!("sqlite:{}/crate.db", dir.display());
//! let report = sluice_migrate::Migrator::new(&MIGRATIONS)
//!     .table_prefix("billing_") // one history per application in a shared database
//!     .up(&database_url)?;
//! println!("applied {:?}", report.applied);
//! # Ok(())
//! # }
//! ```
//!
//! - [`embed_migrations!`] reads the folder with the CLI's loader, in every layout sluice
//!   reads (its own, dbmate, diesel, Flyway, sqlx, Sqitch, …): a malformed file, a cycle,
//!   an unknown `requires` or a migration without a rollback is a **compile error naming
//!   the file and line**.
//! - [`Migrator`] applies, plans, reports the status and verifies, over a URL or an engine.
//! - Drivers are cargo features: `sqlite` (default), `postgres`, `mysql`, `tls`.
//! - Every call is safe from inside an async runtime (an axum handler, `#[tokio::main]`):
//!   the database work runs on a thread of its own, and [`Migrator::up_async`] is a future
//!   that does not block the executor. See `docs/library.md` for the choice.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use sluice_core::config::{Config, EnvConfig, RunSettings};
use sluice_core::deploy::{self, Deploy, DeployError, DeployEvent};
use sluice_core::engine::DbError;
use sluice_core::run::{self, Overview, Progress, RunContext, RunError};
use sluice_core::time::Timestamp;
use sluice_core::{Engine, Migration, Plan, RunId};
use sluice_engine::{Access, OpenError, OpenOptions};

/// Embeds the migrations of a folder, checked at compile time.
///
/// The path is relative to the crate's `Cargo.toml`. Optional arguments pin the dialect
/// (how statements are split; by default the files are checked as SQLite, PostgreSQL and
/// MySQL and the one the database speaks is used) and the layout (by default `sluice.toml`'s
/// `[project] layout`, else what the folder looks like):
///
/// ```
/// static MIGRATIONS: sluice_migrate::Embedded =
///     sluice_migrate::embed_migrations!("migrations", dialect = "sqlite");
/// assert_eq!(MIGRATIONS.folder(), "migrations");
/// ```
///
/// A `sluice.toml` beside `Cargo.toml` is embedded too: its `[project]` settings and its
/// environments (for [`Migrator::environment`]). The crate is rebuilt when an embedded
/// file changes; a file *added* to the folder is seen at the next build of the crate (add
/// `println!("cargo:rerun-if-changed=migrations")` to a `build.rs` to rebuild on that too).
pub use sluice_migrate_macros::embed_migrations;

/// A migrations folder embedded by [`embed_migrations!`].
///
/// ```
/// static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
/// assert_eq!(MIGRATIONS.ids().unwrap(), ["001_accounts", "002_invoices"]);
/// ```
#[derive(Debug)]
pub struct Embedded {
    folder: &'static str,
    sets: &'static [(&'static str, &'static str)],
    config: Option<&'static str>,
    state: &'static str,
    layout: &'static str,
}

impl Embedded {
    #[doc(hidden)]
    pub const fn __new(
        folder: &'static str,
        sets: &'static [(&'static str, &'static str)],
        config: Option<&'static str>,
        state: &'static str,
        layout: &'static str,
    ) -> Embedded {
        Embedded {
            folder,
            sets,
            config,
            state,
            layout,
        }
    }

    /// The folder, as given to [`embed_migrations!`].
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// assert_eq!(MIGRATIONS.folder(), "migrations");
    /// ```
    pub fn folder(&self) -> &'static str {
        self.folder
    }

    /// The layout it was read in (`sluice`, `dbmate`, `diesel`, …).
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// assert_eq!(MIGRATIONS.layout(), "sluice");
    /// ```
    pub fn layout(&self) -> &'static str {
        self.layout
    }

    /// The migrations' ids, in plan order.
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// assert_eq!(MIGRATIONS.ids().unwrap().len(), 2);
    /// ```
    pub fn ids(&self) -> Result<Vec<String>, Error> {
        let (dialect, _) = self
            .sets
            .first()
            .ok_or_else(|| Error::new(ErrorKind::Input, "embed_migrations! embedded no dialect"))?;
        Ok(self
            .plan(dialect)?
            .migrations()
            .iter()
            .map(|m| m.id.to_string())
            .collect())
    }

    fn plan(&self, dialect: &str) -> Result<Plan, Error> {
        let Some((_, json)) = self.sets.iter().find(|(d, _)| *d == dialect) else {
            let have: Vec<&str> = self.sets.iter().map(|(d, _)| *d).collect();
            return Err(Error::new(
                ErrorKind::Input,
                format!(
                    "the migrations of {} were embedded for {}, and this database is {dialect}: pin the dialect the database speaks in embed_migrations!",
                    self.folder,
                    have.join(", ")
                ),
            ));
        };
        let migrations: Vec<Migration> = serde_json::from_str(json).map_err(|e| {
            Error::new(
                ErrorKind::Input,
                format!("the embedded migrations cannot be read ({e}): rebuild the application"),
            )
        })?;
        Plan::new(migrations).map_err(|e| Error::new(ErrorKind::Input, e))
    }

    fn config(&self) -> Result<Option<Config>, Error> {
        self.config
            .map(|text| {
                sluice_core::config::parse(text, std::path::Path::new("sluice.toml"))
                    .map_err(|e| Error::new(ErrorKind::Input, e))
            })
            .transpose()
    }
}

/// What kind of failure an [`Error`] is; the same classes as the CLI's exit codes.
///
/// ```
/// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
/// use sluice_migrate::ErrorKind;
/// match sluice_migrate::Migrator::new(&MIGRATIONS).up("sqlite:/nonexistent/dir/app.db") {
///     Err(e) if e.kind() == ErrorKind::Locked => eprintln!("another deploy is running"),
///     Err(e) => assert_eq!(e.kind(), ErrorKind::Database, "{e}"),
///     Ok(_) => unreachable!("the folder does not exist"),
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Bad input: the embedded files, `sluice.toml`, an unknown environment or URL.
    Input,
    /// A migration failed while running; the database is as the message says.
    MigrationFailed,
    /// sluice refused: a gate, drift, late or partial migrations.
    Refused,
    /// Another run held the migration lock for the whole wait, or this run lost it.
    Locked,
    /// The database could not be opened or read.
    Database,
}

/// Why a call failed: its [`ErrorKind`], the message the CLI would print, and the error
/// it came from ([`std::error::Error::source`]).
///
/// ```
/// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
/// let err = sluice_migrate::Migrator::new(&MIGRATIONS).up("oracle://db").unwrap_err();
/// assert_eq!(err.kind(), sluice_migrate::ErrorKind::Input);
/// ```
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    run_id: Option<String>,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl Error {
    fn new(kind: ErrorKind, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Error {
        Error {
            kind,
            run_id: None,
            source: e.into(),
        }
    }

    /// What kind of failure it is.
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// # let err = sluice_migrate::Migrator::new(&MIGRATIONS).up("oracle://db").unwrap_err();
    /// assert_eq!(err.kind(), sluice_migrate::ErrorKind::Input);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The run that failed, when one had started (its events are in the audit log:
    /// `sluice log --run <id>`).
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// # let err = sluice_migrate::Migrator::new(&MIGRATIONS).up("oracle://db").unwrap_err();
    /// assert_eq!(err.run_id(), None); // no run started: the URL was refused
    /// ```
    pub fn run_id(&self) -> Option<&str> {
        self.run_id.as_deref()
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(run) = &self.run_id {
            write!(f, "{run}: ")?;
        }
        self.source.fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.source()
    }
}

impl ErrorKind {
    fn of(class: run::Class) -> ErrorKind {
        match class {
            run::Class::Input => ErrorKind::Input,
            run::Class::MigrationFailed => ErrorKind::MigrationFailed,
            run::Class::Refused => ErrorKind::Refused,
            run::Class::Locked => ErrorKind::Locked,
            run::Class::Database => ErrorKind::Database,
        }
    }
}

impl From<RunError> for Error {
    fn from(e: RunError) -> Self {
        Error::new(ErrorKind::of(e.class()), e)
    }
}

impl From<DeployError> for Error {
    fn from(e: DeployError) -> Self {
        match e {
            DeployError::Run(r) => r.into(),
            e => Error::new(ErrorKind::of(e.class()), e),
        }
    }
}

impl From<DbError> for Error {
    fn from(e: DbError) -> Self {
        Error::new(ErrorKind::Database, e)
    }
}

impl From<OpenError> for Error {
    fn from(e: OpenError) -> Self {
        Error::new(ErrorKind::of(e.class()), e)
    }
}

/// What happens as [`Migrator::up`] goes, for [`Migrator::on_event`].
///
/// ```
/// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
/// use sluice_migrate::Event;
/// let m = sluice_migrate::Migrator::new(&MIGRATIONS).on_event(|e| {
///     if let Event::Applied { migration, .. } = e {
///         eprintln!("applied {migration}");
///     }
/// });
/// # let _ = m;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The analysis rates a migration above low risk.
    Risk {
        /// The migration.
        migration: String,
        /// `medium` or `high`.
        risk: String,
        /// The rules behind it.
        rules: Vec<String>,
    },
    /// A gate of the environment let the run through.
    GatePassed {
        /// `promotion`, `approval`, `destructive`, …
        gate: String,
        /// The migration, when the gate is about one.
        migration: Option<String>,
        /// Why.
        reason: String,
    },
    /// A gate blocks the run; [`Migrator::up`] then fails with [`ErrorKind::Refused`].
    GateBlocked {
        /// The gate.
        gate: String,
        /// The migration, when the gate is about one.
        migration: Option<String>,
        /// Why.
        reason: String,
        /// What satisfies it.
        fix: Option<String>,
    },
    /// A hook of the environment ran.
    HookRan {
        /// `before` or `after`.
        when: String,
        /// The program and its arguments.
        command: Vec<String>,
        /// It succeeded.
        ok: bool,
        /// What it printed.
        output: String,
    },
    /// The backup before the run was taken.
    BackupTaken {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// Its SHA-256, hex.
        sha256: String,
    },
    /// A migration was applied.
    Applied {
        /// The migration.
        migration: String,
        /// Its number of statements.
        statements: usize,
        /// How long it took.
        duration: Duration,
    },
    /// A migration does not run in this environment (`environments:` header).
    Skipped {
        /// The migration.
        migration: String,
    },
    /// A resumed migration's first act (a statement in doubt decided, …).
    Recovered {
        /// The migration.
        migration: String,
        /// What, in one line.
        note: String,
    },
    /// The connection dropped mid-run; sluice reconnects.
    Reconnecting {
        /// The migration in flight.
        migration: String,
        /// What the connection said.
        error: String,
    },
    /// The connection is back.
    Reconnected {
        /// How long it took.
        waited: Duration,
    },
    /// The run under the lock finished.
    Finished {
        /// How many migrations it applied.
        applied: usize,
    },
}

impl Event {
    fn of(e: &DeployEvent<'_>) -> Option<Event> {
        let gate = |g: &sluice_core::gates::Gate| (g.gate.to_string(), g.migration.clone());
        Some(match e {
            DeployEvent::Risk {
                migration,
                risk,
                rules,
            } => Event::Risk {
                migration: migration.id.to_string(),
                risk: format!("{risk:?}").to_ascii_lowercase(),
                rules: rules.iter().map(|r| r.to_string()).collect(),
            },
            DeployEvent::GatePassed(g) => {
                let (gate, migration) = gate(g);
                Event::GatePassed {
                    gate,
                    migration,
                    reason: g.reason.clone(),
                }
            }
            DeployEvent::GateBlocked(g) => {
                let (gate, migration) = gate(g);
                Event::GateBlocked {
                    gate,
                    migration,
                    reason: g.reason.clone(),
                    fix: g.fix.clone(),
                }
            }
            DeployEvent::HookRan {
                when,
                command,
                ok,
                output,
            } => Event::HookRan {
                when: when.to_string(),
                command: command.to_vec(),
                ok: *ok,
                output: output.to_string(),
            },
            DeployEvent::BackupTaken(b) => Event::BackupTaken {
                path: b.path.clone(),
                size: b.size,
                sha256: b.sha256.clone(),
            },
            DeployEvent::Run(p) => match p {
                Progress::Applied {
                    migration,
                    duration,
                    ..
                } => Event::Applied {
                    migration: migration.id.to_string(),
                    statements: migration.up.statements.len(),
                    duration: *duration,
                },
                Progress::SkippedEnv { migration } => Event::Skipped {
                    migration: migration.id.to_string(),
                },
                Progress::Recovered { migration, note } => Event::Recovered {
                    migration: migration.id.to_string(),
                    note: note.clone(),
                },
                Progress::Reconnecting {
                    migration, error, ..
                } => Event::Reconnecting {
                    migration: migration.id.to_string(),
                    error: error.clone(),
                },
                Progress::Reconnected { waited, .. } => Event::Reconnected { waited: *waited },
                _ => return None,
            },
            DeployEvent::RunFinished(s) => Event::Finished {
                applied: s.applied.len(),
            },
            _ => return None,
        })
    }
}

/// What [`Migrator::up`] did.
///
/// ```
/// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
/// # let dir = std::env::temp_dir().join(format!("sluice-doc-report-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let url = format!("sqlite:{}/app.db", dir.display());
/// let first = sluice_migrate::Migrator::new(&MIGRATIONS).up(&url).unwrap();
/// let second = sluice_migrate::Migrator::new(&MIGRATIONS).up(&url).unwrap();
/// assert_eq!(first.applied.len(), 2);
/// assert!(second.applied.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// The run's id, as the audit log records it (`sluice log` shows the run).
    pub run_id: String,
    /// The migrations applied, in order.
    pub applied: Vec<String>,
    /// Of those, the ones that were late (ordered before migrations applied earlier).
    pub late: Vec<String>,
}

/// One migration's standing in one database, from [`Migrator::status`].
///
/// ```
/// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
/// # let dir = std::env::temp_dir().join(format!("sluice-doc-status-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let url = format!("sqlite:{}/app.db", dir.display());
/// let status = sluice_migrate::Migrator::new(&MIGRATIONS).status(&url).unwrap();
/// assert!(status.iter().all(|s| s.state == "pending"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Status {
    /// The migration.
    pub id: String,
    /// `pending`, `applied`, `failed`, `partial`, `reverted`, …
    pub state: String,
    /// When it was applied.
    pub applied_at: Option<String>,
    /// The embedded file differs from what was applied.
    pub drift: bool,
    /// Pending, but ordered before an applied migration.
    pub late: bool,
}

/// One verification check's result, from [`Migrator::verify`].
///
/// ```
/// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
/// # let dir = std::env::temp_dir().join(format!("sluice-doc-verify-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let url = format!("sqlite:{}/app.db", dir.display());
/// let m = sluice_migrate::Migrator::new(&MIGRATIONS);
/// m.up(&url).unwrap();
/// assert!(m.verify(&url).unwrap().iter().all(|c| c.passed));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Check {
    /// The migration.
    pub migration: String,
    /// The file and line of the check.
    pub at: String,
    /// The statement.
    pub sql: String,
    /// PASS.
    pub passed: bool,
    /// What happened.
    pub detail: String,
}

type Listener = Arc<Mutex<dyn FnMut(&Event) + Send>>;

/// Applies embedded migrations to a database: the same plan, lock, history, audit log,
/// analysis and gates as `sluice up`.
///
/// ```
/// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
/// # let dir = std::env::temp_dir().join(format!("sluice-doc-migrator-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let url = format!("sqlite:{}/app.db", dir.display());
/// let report = sluice_migrate::Migrator::new(&MIGRATIONS)
///     .table_prefix("billing_")
///     .lock_wait(std::time::Duration::from_secs(60))
///     .up(&url)
///     .unwrap();
/// assert_eq!(report.applied, ["001_accounts", "002_invoices"]);
/// ```
#[derive(Clone)]
pub struct Migrator {
    embedded: &'static Embedded,
    state: Option<String>,
    env: Option<String>,
    env_cfg: Option<EnvConfig>,
    confirmed: Vec<String>,
    project: PathBuf,
    actor: Option<String>,
    lock_wait: Duration,
    listener: Option<Listener>,
}

impl std::fmt::Debug for Migrator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Migrator")
            .field("folder", &self.embedded.folder)
            .field("state", &self.state_name())
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

impl Migrator {
    /// A migrator of `embedded`, in environment `dev` with no gates, sluice's state named
    /// as `sluice.toml` says (else `sluice`).
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// let m = sluice_migrate::Migrator::new(&MIGRATIONS);
    /// # let _ = m;
    /// ```
    pub fn new(embedded: &'static Embedded) -> Migrator {
        Migrator {
            embedded,
            state: None,
            env: None,
            env_cfg: None,
            confirmed: Vec::new(),
            project: PathBuf::from("."),
            actor: None,
            lock_wait: Duration::from_secs(30),
            listener: None,
        }
    }

    /// Names sluice's tables with `prefix`, so that several applications keep their own
    /// history, audit log and lock in one database: `billing_` gives `billing_migrations`,
    /// `billing_events` and `billing_lock` on SQLite and MySQL, and the schema `billing` on
    /// PostgreSQL. The same as `[project] state = "billing"` in `sluice.toml`, which the CLI
    /// reads. Lower-case letters, digits and `_`; a trailing `_` is the separator.
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// let m = sluice_migrate::Migrator::new(&MIGRATIONS).table_prefix("billing_");
    /// # let _ = m;
    /// ```
    pub fn table_prefix(mut self, prefix: &str) -> Migrator {
        self.state = Some(prefix.strip_suffix('_').unwrap_or(prefix).to_string());
        self
    }

    /// Applies the settings and gates of environment `name` of the embedded
    /// `sluice.toml`: promotion, approvals, destructive confirmation, backups, hooks,
    /// timeouts, late policy, replicas. An environment it does not define makes every call
    /// of the migrator fail with [`ErrorKind::Input`].
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// let m = sluice_migrate::Migrator::new(&MIGRATIONS).environment("prod");
    /// # let _ = m;
    /// ```
    pub fn environment(mut self, name: &str) -> Migrator {
        self.env = Some(name.to_string());
        self
    }

    /// Sets the environment's gates and settings in code, as a `[environments.<name>]`
    /// table of `sluice.toml` would (its `url` is not used: the URL is the call's).
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// let m = sluice_migrate::Migrator::new(&MIGRATIONS)
    ///     .gates("prod", "confirm_destructive = true\napprove_at = \"high\"")
    ///     .unwrap();
    /// # let _ = m;
    /// ```
    pub fn gates(mut self, env: &str, toml: &str) -> Result<Migrator, Error> {
        let text = format!("[environments.{env}]\nurl = \"sqlite:unused.db\"\n{toml}\n");
        let cfg = sluice_core::config::parse(&text, std::path::Path::new("(gates)"))
            .map_err(|e| Error::new(ErrorKind::Input, e))?;
        self.env = Some(env.to_string());
        self.env_cfg = cfg.environments.get(env).cloned();
        Ok(self)
    }

    /// Confirms a destructive migration, as `--confirm <id>` does.
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// let m = sluice_migrate::Migrator::new(&MIGRATIONS).confirm("002_invoices");
    /// # let _ = m;
    /// ```
    pub fn confirm(mut self, id: &str) -> Migrator {
        self.confirmed.push(id.to_string());
        self
    }

    /// The folder hooks run in and backups are written under (`backups/<env>/`); the
    /// working directory by default.
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// let m = sluice_migrate::Migrator::new(&MIGRATIONS).project_dir("/srv/app");
    /// # let _ = m;
    /// ```
    pub fn project_dir(mut self, dir: impl Into<PathBuf>) -> Migrator {
        self.project = dir.into();
        self
    }

    /// Who the audit log names as the actor (default: `SLUICE_ACTOR`, else the OS user).
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// let m = sluice_migrate::Migrator::new(&MIGRATIONS).actor("billing-service");
    /// # let _ = m;
    /// ```
    pub fn actor(mut self, actor: &str) -> Migrator {
        self.actor = Some(actor.to_string());
        self
    }

    /// How long to wait for the migration lock another run holds (default 30 s).
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// let m = sluice_migrate::Migrator::new(&MIGRATIONS).lock_wait(std::time::Duration::from_secs(5));
    /// # let _ = m;
    /// ```
    pub fn lock_wait(mut self, wait: Duration) -> Migrator {
        self.lock_wait = wait;
        self
    }

    /// Calls `f` with every [`Event`] of a run (gates, hooks, backup, each migration).
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// let m = sluice_migrate::Migrator::new(&MIGRATIONS).on_event(|e| eprintln!("{e:?}"));
    /// # let _ = m;
    /// ```
    pub fn on_event(mut self, f: impl FnMut(&Event) + Send + 'static) -> Migrator {
        self.listener = Some(Arc::new(Mutex::new(f)));
        self
    }

    fn state_name(&self) -> String {
        self.state
            .clone()
            .unwrap_or_else(|| self.embedded.state.to_string())
    }

    fn env_name(&self) -> String {
        self.env.clone().unwrap_or_else(|| "dev".into())
    }

    /// The environment's settings: set in code, else the embedded `sluice.toml`'s.
    fn env_settings(&self) -> Result<(Option<Config>, Option<EnvConfig>), Error> {
        let config = self.embedded.config()?;
        if self.env_cfg.is_some() {
            return Ok((config, self.env_cfg.clone()));
        }
        let Some(name) = &self.env else {
            return Ok((config, None));
        };
        let env_cfg = config
            .as_ref()
            .and_then(|c| c.environments.get(name).cloned());
        if env_cfg.is_none() {
            return Err(Error::new(
                ErrorKind::Input,
                format!(
                    "environment {name} is not defined in the embedded sluice.toml: add [environments.{name}] beside Cargo.toml, or set its gates with Migrator::gates"
                ),
            ));
        }
        Ok((config, env_cfg))
    }

    fn check_state(&self) -> Result<String, Error> {
        let state = self.state_name();
        if sluice_core::config::state_name_ok(&state) {
            Ok(state)
        } else {
            Err(Error::new(
                ErrorKind::Input,
                format!(
                    "table prefix `{state}_` is not one sluice can use: lower-case letters, digits and `_`, at most 48"
                ),
            ))
        }
    }

    fn context(&self, session: Vec<String>) -> RunContext {
        let host = sluice_core::whoami::host_name();
        RunContext {
            run_id: RunId::new(Timestamp::now(), &host),
            actor: self
                .actor
                .clone()
                .unwrap_or_else(|| sluice_core::whoami::actor(&self.project)),
            host,
            git_commit: None,
            ci_run: None,
            env: self.env_name(),
            session,
        }
    }

    fn open(&self, url: &str, access: Access, run: &str) -> Result<Option<Box<dyn Engine>>, Error> {
        let (_, env_cfg) = self.env_settings()?;
        let opts = OpenOptions {
            access,
            application: format!("sluice/{run}"),
            state: self.check_state()?,
            session: env_cfg.map(|e| e.session).unwrap_or_default(),
        };
        Ok(sluice_engine::open(url, &self.project, &opts)?)
    }

    /// Applies the pending migrations to the database at `url` (`sqlite:app.db`,
    /// `postgres://…`, `mysql://…`), under the migration lock, after the environment's
    /// gates: what `sluice up` does. Safe to call from inside an async runtime: the work
    /// runs on a thread of its own while this call waits.
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// # let dir = std::env::temp_dir().join(format!("sluice-doc-up-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let url = format!("sqlite:{}/app.db", dir.display());
    /// let report = sluice_migrate::Migrator::new(&MIGRATIONS).up(&url).unwrap();
    /// assert_eq!(report.applied.len(), 2);
    /// ```
    pub fn up(&self, url: &str) -> Result<Report, Error> {
        off_runtime(|| {
            let ctx = self.context(Vec::new());
            let Some(mut engine) = self.open(url, Access::Create, ctx.run_id.as_str())? else {
                unreachable!("Access::Create always opens")
            };
            self.deploy(engine.as_mut(), ctx, url)
        })
    }

    /// Applies the pending migrations through an engine the caller opened (a fault
    /// injector around a real engine, a connection with its own settings). The engine's
    /// state name is the caller's.
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// # let dir = std::env::temp_dir().join(format!("sluice-doc-with-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let url = format!("sqlite:{}/app.db", dir.display());
    /// let opts = sluice_migrate::engine::OpenOptions {
    ///     access: sluice_migrate::engine::Access::Create,
    ///     application: "app".into(),
    ///     state: "sluice".into(),
    ///     session: vec![],
    /// };
    /// let mut engine = sluice_migrate::engine::open(&url, &dir, &opts).unwrap().unwrap();
    /// let report = sluice_migrate::Migrator::new(&MIGRATIONS).up_with(engine.as_mut()).unwrap();
    /// assert_eq!(report.applied.len(), 2);
    /// ```
    pub fn up_with(&self, engine: &mut dyn Engine) -> Result<Report, Error> {
        off_runtime(|| {
            let ctx = self.context(Vec::new());
            self.deploy(engine, ctx, "")
        })
    }

    /// [`Migrator::up`] as a future: the work runs on a thread of its own and the future
    /// completes when it is done, so an async executor is never blocked. Works with any
    /// executor (tokio, async-std, smol); nothing of tokio is linked in.
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// # let dir = std::env::temp_dir().join(format!("sluice-doc-async-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let url = format!("sqlite:{}/app.db", dir.display());
    /// let fut = sluice_migrate::Migrator::new(&MIGRATIONS).up_async(&url);
    /// // In an async fn: `let report = fut.await?;`
    /// # let _ = fut;
    /// ```
    pub fn up_async(
        &self,
        url: &str,
    ) -> impl Future<Output = Result<Report, Error>> + Send + use<> {
        let me = self.clone();
        let url = url.to_string();
        on_thread(move || me.up(&url))
    }

    fn deploy(
        &self,
        engine: &mut dyn Engine,
        mut ctx: RunContext,
        url: &str,
    ) -> Result<Report, Error> {
        let dialect = engine.info().dialect;
        let plan = self.embedded.plan(dialect.name())?;
        let (config, env_cfg) = self.env_settings()?;
        let env = self.env_name();
        let settings = RunSettings::of(&env, env_cfg.as_ref(), dialect)
            .map_err(|e| Error::new(ErrorKind::Input, e))?;
        ctx.session = settings.session.clone();
        let mut opts = settings.up_options();
        opts.lock_wait = self.lock_wait;
        opts.pace = sluice_engine::replicas::for_env(
            dialect,
            &env,
            env_cfg.as_ref(),
            config.as_ref(),
            &settings,
            opts.clock.clone(),
        )
        .map_err(|e| Error::new(ErrorKind::Input, e))?;
        if url.is_empty() && settings.max_blocked_sessions.is_some() {
            return Err(Error::new(
                ErrorKind::Input,
                "max_blocked_sessions watches the database on a connection of its own, which needs its URL: call `up(url)` rather than `up_with(engine)`",
            ));
        }
        opts.watch = sluice_engine::watch::for_env(dialect, url, &settings)
            .map_err(|e| Error::new(ErrorKind::Input, e))?;
        opts.rolling =
            sluice_engine::rolling::for_env(dialect, &env, env_cfg.as_ref(), config.as_ref())
                .map_err(|e| Error::new(ErrorKind::Input, e))?;
        let analysis =
            sluice_core::lint::run_options(config.as_ref().map(|c| &c.lint), dialect, &settings)
                .map_err(|e| Error::new(ErrorKind::Input, e))?;
        let state = self.check_state()?;
        let mut around = sluice_engine::around::Around {
            config: config.as_ref(),
            project: &self.project,
            state: &state,
            url,
        };
        let d = Deploy {
            plan: &plan,
            env: &env,
            env_cfg: env_cfg.as_ref(),
            analysis,
            opts,
            confirmed: &self.confirmed,
            project: &self.project,
        };
        let listener = self.listener.clone();
        let summary = deploy::up(engine, &ctx, d, &mut around, &mut |e| {
            if let (Some(l), Some(e)) = (&listener, Event::of(&e)) {
                let mut f = l.lock().unwrap_or_else(|p| p.into_inner());
                f(&e);
            }
        })
        .map_err(|e| Error {
            run_id: Some(ctx.run_id.to_string()),
            ..Error::from(e)
        })?;
        Ok(Report {
            run_id: ctx.run_id.to_string(),
            applied: summary.applied.iter().map(ToString::to_string).collect(),
            late: summary.late.iter().map(ToString::to_string).collect(),
        })
    }

    /// The standing of every embedded migration in the database at `url`, read-only (a
    /// database that does not exist yet has every migration pending).
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// # let dir = std::env::temp_dir().join(format!("sluice-doc-st-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let url = format!("sqlite:{}/app.db", dir.display());
    /// let pending = sluice_migrate::Migrator::new(&MIGRATIONS).status(&url).unwrap();
    /// assert_eq!(pending.len(), 2);
    /// ```
    pub fn status(&self, url: &str) -> Result<Vec<Status>, Error> {
        off_runtime(|| {
            let dialect = sluice_engine::dialect_of(url).ok_or_else(|| {
                Error::from(OpenError::UnknownScheme {
                    url: sluice_core::config::mask_url(url),
                })
            })?;
            let plan = self.embedded.plan(dialect.name())?;
            let (mut records, mut live) = (Vec::new(), None);
            if let Some(mut e) = self.open(url, Access::ReadOnly, "read")?
                && e.state_exists()?
            {
                records = e.records()?;
                live = e.lock_status().ok().flatten().map(|h| h.run_id);
            }
            let env = self.env_name();
            let overview = Overview::new(&plan, records, &env, live.as_ref());
            Ok(overview
                .entries
                .iter()
                .map(|e| Status {
                    id: e.id.to_string(),
                    state: e.state.to_string(),
                    applied_at: e.record.as_ref().and_then(|r| r.applied_at.clone()),
                    drift: e.drift.is_some(),
                    late: e.late,
                })
                .collect())
        })
    }

    /// The ids `up` would apply to the database at `url` now, in order (read-only).
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// # let dir = std::env::temp_dir().join(format!("sluice-doc-plan-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let url = format!("sqlite:{}/app.db", dir.display());
    /// let todo = sluice_migrate::Migrator::new(&MIGRATIONS).plan(&url).unwrap();
    /// assert_eq!(todo, ["001_accounts", "002_invoices"]);
    /// ```
    pub fn plan(&self, url: &str) -> Result<Vec<String>, Error> {
        Ok(self
            .status(url)?
            .into_iter()
            .filter(|s| s.state == "pending")
            .map(|s| s.id)
            .collect())
    }

    /// Runs the `verify` checks of every applied migration against the database at `url`
    /// and records the result in the audit log, as `sluice verify` does.
    ///
    /// ```
    /// # static MIGRATIONS: sluice_migrate::Embedded = sluice_migrate::embed_migrations!("migrations");
    /// # let dir = std::env::temp_dir().join(format!("sluice-doc-vf-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let url = format!("sqlite:{}/app.db", dir.display());
    /// let m = sluice_migrate::Migrator::new(&MIGRATIONS);
    /// m.up(&url).unwrap();
    /// let checks = m.verify(&url).unwrap();
    /// assert!(!checks.is_empty() && checks.iter().all(|c| c.passed));
    /// ```
    pub fn verify(&self, url: &str) -> Result<Vec<Check>, Error> {
        off_runtime(|| {
            let ctx = self.context(Vec::new());
            let Some(mut engine) = self.open(url, Access::Existing, ctx.run_id.as_str())? else {
                return Err(Error::new(
                    ErrorKind::Database,
                    format!(
                        "{}: the database does not exist",
                        sluice_core::config::mask_url(url)
                    ),
                ));
            };
            let plan = self.embedded.plan(engine.info().dialect.name())?;
            let results = run::verify(engine.as_mut(), &plan, &ctx.env, &[])?;
            run::record_verification(engine.as_mut(), &ctx, &plan, &results)?;
            Ok(results
                .into_iter()
                .map(|r| Check {
                    migration: r.migration.to_string(),
                    at: format!("{}:{}", r.path.display(), r.line),
                    sql: r.sql,
                    passed: r.passed,
                    detail: r.detail,
                })
                .collect())
        })
    }
}

/// The drivers this build has, by cargo feature: re-exported for [`Migrator::up_with`]
/// and for tests that wrap a real engine.
///
/// ```
/// use sluice_migrate::engine::{Access, OpenOptions, open};
/// let dir = std::env::temp_dir().join(format!("sluice-doc-engine-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let opts = OpenOptions {
///     access: Access::ReadOnly,
///     application: "app".into(),
///     state: "sluice".into(),
///     session: vec![],
/// };
/// // Read-only access never creates the file.
/// assert!(open("sqlite:missing.db", &dir, &opts).unwrap().is_none());
/// ```
pub mod engine {
    pub use sluice_core::Engine;
    pub use sluice_engine::{Access, OpenError, OpenOptions, open};
}

/// Runs `f` on a thread of its own and waits for it. The PostgreSQL and MySQL clients
/// block; the PostgreSQL one starts (and drops) a runtime of its own, which panics on a
/// thread that is already inside an async runtime. A fresh thread is outside every
/// runtime, whatever the caller's thread is; it costs tens of microseconds.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| match s.spawn(f).join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// The state a [`ThreadFuture`] shares with its thread.
struct Shared<T> {
    value: Option<std::thread::Result<T>>,
    waker: Option<Waker>,
}

/// A future that completes when a thread of its own returns.
struct ThreadFuture<T> {
    shared: Arc<Mutex<Shared<T>>>,
}

fn on_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ThreadFuture<T> {
    let shared = Arc::new(Mutex::new(Shared {
        value: None,
        waker: None,
    }));
    let theirs = Arc::clone(&shared);
    std::thread::spawn(move || {
        let v = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        let mut s = theirs.lock().unwrap_or_else(|p| p.into_inner());
        s.value = Some(v);
        if let Some(w) = s.waker.take() {
            w.wake();
        }
    });
    ThreadFuture { shared }
}

impl<T> Future for ThreadFuture<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut s = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        match s.value.take() {
            Some(Ok(v)) => Poll::Ready(v),
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}
