//! Exit codes (docs/exit-codes.md) and the one error type `main` prints.

use std::fmt;

use sluice_core::config::ConfigError;
use sluice_core::load::LoadError;
use sluice_core::plan::PlanError;
use sluice_core::run::RunError;
use sluice_engine::OpenError;

/// sluice's documented exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Everything asked for was done.
    Success = 0,
    /// A check failed (a FAIL in `verify`).
    ChecksFailed = 1,
    /// Bad input: arguments, sluice.toml, a migration file, the plan, an unknown id.
    Input = 2,
    /// A migration failed while running; the database is as sluice reported.
    MigrationFailed = 3,
    /// sluice refused: drift, late or partial migrations, dependants, irreversible.
    Refused = 4,
    /// Another run held the migration lock for the whole --lock-wait, or this run lost it.
    Locked = 5,
    /// The database could not be opened or read.
    Database = 6,
    /// sluice could not write its output: stdout, `--out`, a file it was asked to create.
    Output = 7,
    /// Interrupted (Ctrl-C) where sluice stops cleanly: `fleet up` started no new database
    /// and let the ones in flight finish.
    Interrupted = 130,
}

/// An error on its way to `main`: what to print and which exit code to use.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub exit: Exit,
    /// The error.
    pub error: Box<dyn std::error::Error + Send + Sync>,
    /// Each line of the message is an error of its own (several bad files).
    pub many: bool,
}

impl Failure {
    pub fn new(exit: Exit, error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Failure {
        Failure {
            exit,
            error: error.into(),
            many: false,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        Failure {
            exit: Exit::Input,
            error: Box::new(e),
            many: true,
        }
    }
}

impl From<PlanError> for Failure {
    fn from(e: PlanError) -> Self {
        Failure::new(Exit::Input, e)
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Failure::new(Exit::Input, e)
    }
}

impl From<OpenError> for Failure {
    fn from(e: OpenError) -> Self {
        Failure::new(Exit::of(e.class()), e)
    }
}

impl From<sluice_core::engine::DbError> for Failure {
    fn from(e: sluice_core::engine::DbError) -> Self {
        Failure::new(Exit::Database, e)
    }
}

/// The `?` on a write: stdout, `--out`, a file `init` or `new` creates. (Reads of files
/// map their errors where they happen, with the file's name.)
impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::new(Exit::Output, e)
    }
}

impl Exit {
    /// The exit code of a kind of stop.
    pub fn of(class: sluice_core::run::Class) -> Exit {
        use sluice_core::run::Class;
        match class {
            Class::Input => Exit::Input,
            Class::MigrationFailed => Exit::MigrationFailed,
            Class::Refused => Exit::Refused,
            Class::Locked => Exit::Locked,
            Class::Database => Exit::Database,
        }
    }
}

impl From<RunError> for Failure {
    fn from(e: RunError) -> Self {
        Failure::new(Exit::of(e.class()), e)
    }
}

impl From<sluice_core::deploy::DeployError> for Failure {
    fn from(e: sluice_core::deploy::DeployError) -> Self {
        use sluice_core::deploy::DeployError as D;
        match e {
            D::Run(r) => r.into(),
            D::BadAllows(lines) => Failure {
                exit: Exit::Input,
                error: lines.join("\n").into(),
                many: true,
            },
            e => Failure::new(Exit::of(e.class()), e),
        }
    }
}
