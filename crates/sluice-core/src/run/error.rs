//! Why a run stopped, and what a failed migration left behind.

use std::path::PathBuf;
use std::time::Duration;

use crate::engine::{DbError, LockError, LockHolder};
use crate::id::{Checksum, MigrationId, RunId};
use crate::state::State;

/// What kind of stop an error is: the CLI's exit code and the library's error kind come
/// from it, so that a new kind of error has to be classed here, once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Bad input: arguments, files, the plan, an unknown id.
    Input,
    /// A migration failed while running.
    MigrationFailed,
    /// sluice refused: drift, late or partial migrations, dependants, gates.
    Refused,
    /// Another run held the lock, or this run lost it.
    Locked,
    /// The database failed or could not be reached.
    Database,
}

/// Why a run stopped. Each message names the object and what to do next.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The database failed outside a migration.
    #[error("database error: {0}")]
    Db(DbError),
    /// Another run held the lock for the whole wait.
    #[error("another sluice run holds the migration lock{}; waited {:.1} s: wait for it to finish, or pass a longer --lock-wait", .holder.as_ref().map(|h| format!(": {h}")).unwrap_or_default(), .waited.as_secs_f64())]
    LockTimeout {
        /// Who holds it.
        holder: Option<Box<LockHolder>>,
        /// How long sluice waited.
        waited: Duration,
    },
    /// An applied migration's file was edited.
    #[error("{} was edited after it was applied (recorded checksum {recorded}, file now {actual}): restore the applied version of the file, or put the change in a new migration", .path.display())]
    ChecksumMismatch {
        /// The migration.
        id: MigrationId,
        /// Its file.
        path: PathBuf,
        /// What the history says.
        recorded: Checksum,
        /// What the file says now.
        actual: Checksum,
    },
    /// An applied migration has no file.
    #[error(
        "migration {id} is {state} in this database but no migration of the project has that id: restore its file from version control; if another project migrates this database too, give each project its own state (`[project] state` in sluice.toml)"
    )]
    MissingFile {
        /// The migration.
        id: MigrationId,
        /// Its recorded state.
        state: State,
    },
    /// Late migrations in an environment that refuses them.
    #[error("late migrations (pending, but ordered before applied ones): {}; environment `{env}` refuses them (late = \"refuse\"): rename them to sort after the applied ones, or set late = \"allow\" for this environment", .ids.join(", "))]
    LateRefused {
        /// The late ones.
        ids: Vec<String>,
        /// The environment.
        env: String,
    },
    /// A step-by-step migration stopped part way: it failed, or its run stopped.
    #[error("{}", partial_message(.id, *.done, *.total, .stopped.as_ref()))]
    Partial {
        /// The migration.
        id: MigrationId,
        /// Statements that ran.
        done: u32,
        /// Statements in all.
        total: u32,
        /// When its run stopped (killed, cut off) rather than failed: the statement then in
        /// doubt, if any.
        stopped: Option<Option<u32>>,
    },
    /// `up --resume` of a migration whose statements that already ran (or the one in
    /// doubt) were edited.
    #[error(
        "{id} cannot be resumed: its statements 1–{}, which already ran{}, are not the same in the file any more; restore them (only the failed statement and those after it may change), or repair by hand and use `sluice resolve`", .in_doubt.unwrap_or(*.done), .in_doubt.map(|k| format!(" or may have run (statement {k} is in doubt)")).unwrap_or_default()
    )]
    ResumeChanged {
        /// The migration.
        id: MigrationId,
        /// Statements that ran.
        done: u32,
        /// The statement in doubt, when there is one.
        in_doubt: Option<u32>,
    },
    /// A migration is `reverting` with nobody running it: its run died.
    #[error(
        "{id} is {state} but no sluice run holds the lock: the run that started reverting it stopped part way; check the database, then record what it is with `sluice resolve {id} --applied|--reverted --reason …`"
    )]
    Interrupted {
        /// The migration.
        id: MigrationId,
        /// Its state.
        state: State,
        /// Statements done.
        done: u32,
        /// Statements in all.
        total: u32,
    },
    /// The database has no sluice tables.
    #[error(
        "this database has no sluice history: nothing was applied here, so there is nothing to revert"
    )]
    NoHistory,
    /// No migration with that id.
    #[error("there is no migration `{0}` in this project: see `sluice status` for the ids")]
    UnknownId(String),
    /// A transition the state machine refuses (recorded as a refused event).
    #[error("{id} {reason}")]
    Refused {
        /// The migration.
        id: MigrationId,
        /// Why, and what to do.
        reason: String,
    },
    /// A threshold of the environment (replica lag) stopped the run between migrations.
    #[error(
        "{why}: the run stops before {before}, which stays pending; the {applied} migration(s) this run applied stay applied. Run `sluice up` again once the replicas have caught up"
    )]
    Paced {
        /// The migration it stopped before.
        before: MigrationId,
        /// Why.
        why: String,
        /// How many this run applied.
        applied: usize,
    },
    /// `down` of a migration that applied migrations require.
    #[error("{id} cannot be reverted while these applied migrations require it: {}; revert them first, or pass --cascade to revert them too (newest first)", .dependants.join(", "))]
    HasDependants {
        /// The migration.
        id: MigrationId,
        /// The applied migrations that require it.
        dependants: Vec<String>,
    },
    /// A migration requires one that does not run in this environment.
    #[error(
        "{id} requires {required}, which does not run in environment `{env}` (its header limits it to other environments): remove the requirement or widen `environments`"
    )]
    RequiresSkipped {
        /// The migration.
        id: MigrationId,
        /// What it requires.
        required: MigrationId,
        /// The environment.
        env: String,
    },
    /// A migration failed.
    #[error(transparent)]
    MigrationFailed(Box<MigrationFailure>),
    /// The migration lock was lost while the run went on.
    #[error(
        "the migration lock was lost{}: {cause}. This run stopped at once, so it cannot overwrite another run's work. {standing} See who holds the lock with `sluice status`; once no other run is active, `sluice up --resume` goes on", .during.as_ref().map(|m| format!(" while applying {m}")).unwrap_or_default()
    )]
    LockLost {
        /// The migration in flight.
        during: Option<MigrationId>,
        /// How it was lost.
        cause: String,
        /// What the history records.
        standing: String,
    },
    /// A history row is not as this run left it: another run changed it.
    #[error(
        "{id}: its history row is now {found}, not {expected} as this run last saw it: another run changed it meanwhile. This run stopped and overwrote nothing; `sluice log --migration {id}` shows who did what"
    )]
    HistoryChanged {
        /// The migration.
        id: MigrationId,
        /// What this run expected.
        expected: String,
        /// What the row is.
        found: String,
    },
    /// The connection to the database was lost and not restored.
    #[error(
        "the connection to the database was lost{}: {error}{}. {standing}", .during.as_ref().map(|m| format!(" while applying {m}")).unwrap_or_default(), if .waited.is_zero() { String::new() } else { format!("; sluice tried to reconnect for {:.0} s", .waited.as_secs_f64()) }
    )]
    ConnectionLost {
        /// The migration in flight.
        during: Option<MigrationId>,
        /// The error that said so.
        error: Box<DbError>,
        /// How long sluice tried to reconnect.
        waited: Duration,
        /// What the history records, as far as this run knows.
        standing: String,
    },
    /// A run that stopped left its statement running on the server.
    #[error(
        "run {run} stopped, but the server still runs its statement: {what}; sluice does not work beside it, and waited {:.0} s. Wait for it to end (pass a longer --lock-wait), or end it on the server, then run again", .waited.as_secs_f64()
    )]
    StillRunning {
        /// The run that stopped.
        run: RunId,
        /// What its session runs.
        what: String,
        /// How long sluice waited.
        waited: Duration,
    },
    /// A statement is in doubt and the catalog cannot tell whether it took effect.
    #[error(
        "{id}: statement {statement} of {total} ({}:{line}) had started when its run stopped, and {why}: sluice never guesses. Check the database, then record what you found with `sluice resolve {id} --statement-done --reason …` (it took effect) or `--statement-not-done` (it did not); `sluice up --resume` goes on from there", .path.display()
    )]
    InDoubt {
        /// The migration.
        id: MigrationId,
        /// The statement (1-based).
        statement: u32,
        /// Statements in `up`.
        total: u32,
        /// The file.
        path: PathBuf,
        /// The statement's line.
        line: usize,
        /// Why the catalog cannot tell.
        why: String,
    },
}

fn partial_message(
    id: &MigrationId,
    done: u32,
    total: u32,
    stopped: Option<&Option<u32>>,
) -> String {
    match stopped {
        None => format!(
            "migration {id} is partial: statements 1–{done} of {total} ran before it failed; sluice never guesses how to finish it. Fix the failed statement in the file and run `sluice up --resume` to continue after statement {done}, or repair the database by hand and record it with `sluice resolve {id} --applied|--reverted --reason …`"
        ),
        Some(None) => format!(
            "migration {id} is partial: the run that applied it stopped (killed, or cut off from the server) after statement {done} of {total}, before statement {} started. `sluice up --resume` goes on from there",
            done + 1
        ),
        Some(Some(k)) => format!(
            "migration {id} is partial: the run that applied it stopped (killed, or cut off from the server) while statement {k} of {total} ran, so statement {k} is in doubt: it may or may not have taken effect. `sluice status --check` shows what the catalog says; `sluice up --resume` decides from it and goes on (or stops and asks, when the catalog cannot tell)"
        ),
    }
}

/// A migration that failed: where, why, and what state it was left in.
#[derive(Debug)]
pub struct MigrationFailure {
    /// The migration.
    pub id: MigrationId,
    /// Its file.
    pub path: PathBuf,
    /// Whether `up` or `down` failed.
    pub direction: Direction,
    /// Line of the failing statement (of the section's marker when not identified).
    pub line: usize,
    /// What failed.
    pub at: FailedAt,
    /// Statements in the section.
    pub total: usize,
    /// The database's error.
    pub error: DbError,
    /// What sluice learned besides (attempts, who held a lock).
    pub note: Option<String>,
    /// Whether it ran in one transaction.
    pub transactional: bool,
    /// What ran before it in this run.
    pub applied_before: Vec<MigrationId>,
}

/// What failed in a migration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailedAt {
    /// This statement (1-based).
    Statement(usize),
    /// A statement the server did not identify (a lock or statement timeout in a batch).
    Unidentified,
    /// sluice's own bookkeeping.
    Bookkeeping,
    /// Not a failure of the SQL: the run stopped it after this many statements (0: its
    /// transaction rolled back) because the database's watch went past a threshold of
    /// the environment (`max_blocked_sessions`).
    Stopped(usize),
}

/// Which section ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Forward.
    Up,
    /// Rollback.
    Down,
}

impl std::fmt::Display for MigrationFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.direction {
            Direction::Up => format!("{}", self.id),
            Direction::Down => format!("the down section of {}", self.id),
        };
        match self.at {
            FailedAt::Bookkeeping => {
                write!(f, "{what}: recording its progress failed: {}", self.error)?
            }
            FailedAt::Statement(i) => write!(
                f,
                "{what} failed at statement {i} of {} ({}:{}): {}",
                self.total,
                self.path.display(),
                self.line,
                self.error
            )?,
            FailedAt::Unidentified => write!(
                f,
                "{what} failed ({}; the server did not say which of its {} statements was waiting, and sluice does not run them again to find out): {}",
                self.path.display(),
                self.total,
                self.error
            )?,
            FailedAt::Stopped(0) => write!(
                f,
                "{what} was stopped and its transaction rolled back ({}): {}",
                self.path.display(),
                self.error
            )?,
            FailedAt::Stopped(n) => write!(
                f,
                "{what} was stopped after statement {n} of {} ({}): {}",
                self.total,
                self.path.display(),
                self.error
            )?,
        }
        if let Some(n) = &self.note {
            write!(f, " ({n})")?;
        }
        // The server's DETAIL and HINT lines, when it gave them.
        for extra in self.error.message.lines().skip(1) {
            write!(f, "\n{extra}")?;
        }
        let next = match (self.direction, self.transactional) {
            _ if matches!(self.at, FailedAt::Stopped(0)) => {
                "its work was rolled back, and its locks with it: nothing of it remains; its state is now failed. Run `sluice up` again when fewer sessions use what it locks (or raise max_blocked_sessions)"
            }
            _ if matches!(self.at, FailedAt::Stopped(_)) => {
                "the statements before it stay applied; its state is now partial. `sluice up --resume` goes on from the next statement once what stopped it has passed"
            }
            (Direction::Up, true) => {
                "the migration was rolled back: nothing of it remains; its state is now failed. Fix the file and run `sluice up` again"
            }
            (Direction::Up, false) if self.at == FailedAt::Statement(1) => {
                "nothing of it ran (the first statement failed, and a failed statement changes nothing); its state is now failed. Fix the file and run `sluice up` again"
            }
            (Direction::Up, false) => {
                "it ran step by step, so the statements before it stay applied; its state is now partial"
            }
            (Direction::Down, true) => {
                "the rollback was itself rolled back: the migration is still applied, untouched. Fix its down section and run `sluice down` again"
            }
            (Direction::Down, false) if self.at == FailedAt::Statement(1) => {
                "nothing of the down section ran (its first statement failed, and a failed statement changes nothing): the migration is still as it was. Fix its down section and run `sluice down` again"
            }
            (Direction::Down, false) => {
                "it ran outside a transaction, so the down statements before it stay done; its state is now partial"
            }
        };
        write!(f, "\n{next}")
    }
}

impl std::error::Error for MigrationFailure {}

impl From<DbError> for RunError {
    fn from(e: DbError) -> Self {
        if e.connection_lost {
            RunError::ConnectionLost {
                during: None,
                error: Box::new(e),
                waited: Duration::ZERO,
                standing: String::new(),
            }
        } else {
            RunError::Db(e)
        }
    }
}

impl From<LockError> for RunError {
    fn from(e: LockError) -> Self {
        match e {
            LockError::Timeout { holder, waited } => RunError::LockTimeout { holder, waited },
            LockError::Db(e) => RunError::from(e),
        }
    }
}

impl RunError {
    /// What kind of stop it is.
    pub fn class(&self) -> Class {
        match self {
            RunError::Db(_) | RunError::ConnectionLost { .. } => Class::Database,
            RunError::LockTimeout { .. }
            | RunError::LockLost { .. }
            | RunError::StillRunning { .. } => Class::Locked,
            RunError::UnknownId(_) => Class::Input,
            RunError::MigrationFailed(_) => Class::MigrationFailed,
            RunError::ChecksumMismatch { .. }
            | RunError::MissingFile { .. }
            | RunError::LateRefused { .. }
            | RunError::Partial { .. }
            | RunError::ResumeChanged { .. }
            | RunError::Interrupted { .. }
            | RunError::NoHistory
            | RunError::Refused { .. }
            | RunError::HasDependants { .. }
            | RunError::RequiresSkipped { .. }
            | RunError::HistoryChanged { .. }
            | RunError::InDoubt { .. }
            | RunError::Paced { .. } => Class::Refused,
        }
    }
}
