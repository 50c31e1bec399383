//! Raw command-line arguments (clap derive). Settings are resolved from them in `settings`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// sluice — schema migrations you can trust: plain SQL files with up, down and verify
/// sections, a dependency-ordered plan, an audit log in the database, and rollbacks that
/// are tested. SQLite is the embedded default; no server or config file is needed.
#[derive(Debug, Parser)]
#[command(name = "sluice", version, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Run as if sluice was started in this folder (where sluice.toml and migrations/ are).
    #[arg(short = 'C', long = "project", global = true, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// The migrations folder [default: `migrations` next to sluice.toml].
    #[arg(long, global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The database URL, e.g. sqlite:app.db [default: the environment's url, else $DATABASE_URL, else sqlite:sluice.db].
    #[arg(long, global = true, value_name = "URL")]
    pub url: Option<String>,
    /// The environment of sluice.toml to use [default: dev].
    #[arg(long, global = true, env = "SLUICE_ENV", value_name = "NAME")]
    pub env: Option<String>,
    /// Output format of reading commands (status, plan, verify, log, test, drift, report);
    /// junit is for test, md for drift and report, html for report.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for people.
    Text,
    /// JSON for programs, with a schema_version.
    Json,
    /// JUnit XML for CI (`sluice test`).
    Junit,
    /// Markdown for a review (`sluice drift`, `sluice report`).
    Md,
    /// One self-contained HTML file (`sluice report`).
    Html,
    /// SARIF 2.1.0 for code scanning (`sluice lint`).
    Sarif,
    /// GitHub Actions workflow annotations (`sluice lint`).
    Github,
}

impl Format {
    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Junit => "junit",
            Format::Md => "md",
            Format::Html => "html",
            Format::Sarif => "sarif",
            Format::Github => "github",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write sluice.toml, migrations/ and .gitattributes in the project folder.
    Init(InitArgs),
    /// Write a new migration file migrations/<YYYYMMDD_HHMMSS>_<name>.sql.
    New(NewArgs),
    /// Show each migration's state in the database: applied, pending, failed, drift.
    Status(StatusArgs),
    /// Show what `up` would run, in order, with its SQL; nothing is executed.
    Plan(TargetArgs),
    /// Safety analysis of every statement: locks, rewrites, data loss, risk, with the
    /// rule, the reason and the safe alternative. Exit 1 on a finding at or above
    /// --fail-on.
    Lint(LintArgs),
    /// Apply pending migrations in plan order.
    Up(UpArgs),
    /// Revert applied migrations, newest first (the order they were applied in).
    Down(DownArgs),
    /// Run the verify sections of applied migrations; a PASS/FAIL verdict per check.
    Verify(VerifyArgs),
    /// Show the audit log: every transition tried, with who, when and why.
    Log(LogArgs),
    /// Write a report a reviewer reads: the pending changes, the runbook (with its
    /// verdict), the migration log or the status of every environment.
    Report(ReportArgs),
    /// Record a manual repair of a failed, partial or interrupted migration, or what a
    /// statement in doubt did (audited).
    Resolve(ResolveArgs),
    /// Free the migration lock of a run that is hung or gone (audited).
    Unlock(UnlockArgs),
    /// Read a schema: dump it in a stable form, or compare two.
    Schema(SchemaArgs),
    /// Prove every migration on a scratch database: up, verify, down restores the schema,
    /// up again gives the same schema.
    Test(TestArgs),
    /// Compare a live database with what its applied migrations should have made.
    Drift(DriftArgs),
    /// A live dashboard of every environment and fleet, a page per migration and per run,
    /// and the same as JSON under /api/ (read-only; off loopback it needs
    /// SLUICE_SERVE_TOKEN).
    Serve(ServeArgs),
    /// Will the running application still work? Check its statements (from --queries, or
    /// what the server recorded) against the schema after the pending migrations, on a
    /// scratch database, without running them; exit 1 when one breaks.
    Compat(CompatArgs),
    /// Take over another tool's history (dbmate, golang-migrate, flyway, sqlx, diesel,
    /// prisma, sqitch): record what it applied as applied, without running anything.
    Adopt(AdoptArgs),
    /// Mark every migration up to ID applied in a database that has no history, without
    /// running them; --check first compares the live schema with a scratch build.
    Baseline(BaselineArgs),
    /// Record an approval of a migration in this environment (needed at or above the
    /// environment's approve_at); an approval counts only for the file as it is now.
    Approve(ApproveArgs),
    /// List the backups taken before runs in this environment.
    Backups,
    /// Put this environment's database back to a backup: everything in it now is replaced.
    Restore(RestoreArgs),
    /// Development: revert every applied migration, newest first, then apply everything
    /// again (dev-only seed migrations included).
    Reset(ConfirmArgs),
    /// Check sluice.toml: keys, values, environments, promotion order; every URL it can
    /// resolve, masked.
    Config(ConfigArgs),
    /// Many databases that get the same migrations (`[fleets.<name>]` of sluice.toml):
    /// migrate them all, or see where each stands.
    Fleet(FleetArgs),
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// One table with a column per environment of sluice.toml.
    #[arg(long)]
    pub all_envs: bool,
    /// For a statement in doubt, read the catalog and say whether it took effect (what `up
    /// --resume` would decide). Never writes.
    #[arg(long, conflicts_with = "all_envs")]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The migration.
    pub id: String,
    /// Why it may run (recorded with the approval).
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file (see `sluice backups`).
    pub file: std::path::PathBuf,
    /// The environment's name, to confirm (sluice never prompts).
    #[arg(long, value_name = "ENV")]
    pub confirm: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// The environment's name, to confirm where it is required.
    #[arg(long, value_name = "ENV")]
    pub confirm: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: ConfigAction,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Validate sluice.toml and .env; exit 2 with the file, key and what to do.
    Check,
}

#[derive(Debug, Args)]
pub struct FleetArgs {
    #[command(subcommand)]
    pub action: FleetAction,
}

#[derive(Debug, Subcommand)]
pub enum FleetAction {
    /// Apply the pending migrations to every database of the fleet, `parallel` at a time,
    /// each as `sluice up` would; once `max_failures` databases have failed no new one
    /// starts. Every run is journaled in .sluice/fleets/<name>/<run id>.jsonl.
    Up(FleetUpArgs),
    /// Per migration, how many databases of the fleet have it applied, pending, failed or
    /// partial, and which databases lag behind.
    Status(FleetStatusArgs),
    /// Go on with a fleet run that stopped: only its databases that did not finish (failed,
    /// not started, or cut off), found in its journal.
    Resume(FleetResumeArgs),
    /// One hash of the migrations applied on every database, for a deploy pipeline: exit 0
    /// when every database has the same ones applied (and --expect holds), 1 otherwise.
    Digest(FleetDigestArgs),
}

#[derive(Debug, Args)]
pub struct FleetDigestArgs {
    /// The fleet, as named in sluice.toml (`[fleets.<name>]`).
    pub name: String,
    /// `files`: every migration of the files must be applied everywhere; or a digest
    /// printed earlier (sha256:<64 hex>) that every database must match.
    #[arg(long, value_name = "files|DIGEST")]
    pub expect: Option<String>,
}

#[derive(Debug, Args)]
pub struct FleetResumeArgs {
    /// The run id of the fleet run (its journal is .sluice/fleets/<name>/<run id>.jsonl).
    pub run: String,
    #[command(flatten)]
    pub target: TargetArgs,
    /// How long to wait for another run's migration lock on each database, e.g. 30s.
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    pub lock_wait: String,
}

#[derive(Debug, Args)]
pub struct FleetUpArgs {
    /// The fleet, as named in sluice.toml (`[fleets.<name>]`).
    pub name: String,
    #[command(flatten)]
    pub target: TargetArgs,
    /// How long to wait for another run's migration lock on each database, e.g. 30s.
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    pub lock_wait: String,
}

#[derive(Debug, Args)]
pub struct FleetStatusArgs {
    /// The fleet, as named in sluice.toml (`[fleets.<name>]`).
    pub name: String,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// A server where a scratch database is created and dropped (PostgreSQL, MySQL)
    /// [default: the environment's scratch_url, else a temporary database on the
    /// environment's own server unless it is protected; SQLite: a temp file].
    #[arg(long, value_name = "URL")]
    pub scratch_url: Option<String>,
    /// Also run up twice for migrations marked `idempotent: true`; the second must change
    /// nothing.
    #[arg(long)]
    pub idempotent: bool,
    /// Fill tables with generated rows before each up, and fail a down that destroys data
    /// its up did not create.
    #[arg(long)]
    pub with_data: bool,
    /// Stop at the first migration with a finding (by default every migration is proven
    /// and every finding reported, going on from a fresh scratch database where a step
    /// left the last one unusable).
    #[arg(long)]
    pub fail_fast: bool,
}

#[derive(Debug, Args)]
pub struct CompatArgs {
    /// The application's statements: a .sql file (statements separated by `;`) or a
    /// folder of them; repeat for more. Without it, the environment's `compat_queries`,
    /// else the statements the server recorded (PostgreSQL: pg_stat_statements;
    /// MySQL/MariaDB: performance_schema digests).
    #[arg(long = "queries", value_name = "PATH")]
    pub queries: Vec<std::path::PathBuf>,
    /// Also take the server's recorded statements when --queries is given.
    #[arg(long)]
    pub from_server: bool,
    /// How many of the server's recorded statements, the most run first.
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub top: usize,
    /// A server where the schemas are built in a scratch database (PostgreSQL, MySQL)
    /// [default: the environment's scratch_url, else a temporary database on the
    /// environment's own server unless it is protected; SQLite: a temp file].
    #[arg(long, value_name = "URL")]
    pub scratch_url: Option<String>,
    /// Check nothing when nothing is pending (the `compat` gate of `up`).
    #[arg(skip)]
    pub only_pending: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on. Anything but loopback needs SLUICE_SERVE_TOKEN.
    #[arg(long, default_value = "127.0.0.1:7878", value_name = "ADDR")]
    pub listen: String,
}

#[derive(Debug, Args)]
pub struct DriftArgs {
    /// A server where the expected schema is built in a scratch database (PostgreSQL,
    /// MySQL) [default: the environment's scratch_url, else a temporary database on the
    /// environment's own server unless it is protected; SQLite: a temp file].
    #[arg(long, value_name = "URL")]
    pub scratch_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The dialect to write into sluice.toml (sqlite unless given; with --detect, the
    /// dialect of the folder found when its name says, and the folder of this dialect when
    /// there is one per dialect).
    #[arg(long, value_parser = ["sqlite", "postgres", "mysql"])]
    pub dialect: Option<String>,
    /// Find the migrations of another tool in this project (dbmate, golang-migrate,
    /// flyway, sqlx, diesel, prisma, sqitch, pop), say what was found and why, and write a
    /// sluice.toml that reads them in place.
    #[arg(long)]
    pub detect: bool,
}

#[derive(Debug, Args)]
pub struct AdoptArgs {
    /// The tool whose history to take over.
    #[arg(long, value_name = "TOOL", value_parser = ["dbmate", "golang-migrate", "flyway", "sqlx", "diesel", "prisma", "sqitch"])]
    pub from: String,
    /// The tool's history table, when not its default (schema_migrations,
    /// flyway_schema_history, _sqlx_migrations, __diesel_schema_migrations,
    /// _prisma_migrations, sqitch.changes).
    #[arg(long, value_name = "TABLE")]
    pub table: Option<String>,
    /// Show what would be recorded; record nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// How long to wait for another run's migration lock, e.g. 30s, 2min.
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    pub lock_wait: String,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or folders to analyse (default: the project's migrations). A file with a
    /// `-- sluice:up` marker is read as a sluice migration (its up section); any other
    /// .sql file as plain SQL run in one transaction.
    pub paths: Vec<PathBuf>,
    /// The lowest severity that makes the exit code 1 (default: [lint] fail_on, else high).
    #[arg(long, value_name = "LEVEL", value_parser = ["low", "medium", "high"])]
    pub fail_on: Option<String>,
    /// Print a rule's documentation (`--explain all` lists every rule).
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,
    /// The SQL dialect, when not the project's: postgres, mysql or sqlite.
    #[arg(long, value_parser = ["postgres", "mysql", "sqlite"])]
    pub dialect: Option<String>,
    /// The server version the migrations will run on (e.g. 14.2, 8.0, 10.11 for MariaDB).
    #[arg(long, value_name = "VERSION")]
    pub server_version: Option<String>,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The last migration (in plan order) the database already has.
    #[arg(long, value_name = "ID")]
    pub to: String,
    /// First build those migrations on a scratch database and compare its schema with the
    /// live one; record nothing when they differ.
    #[arg(long)]
    pub check: bool,
    /// The server to create the scratch database on (else the environment's scratch_url;
    /// SQLite: a temp file).
    #[arg(long, value_name = "URL")]
    pub scratch_url: Option<String>,
    /// Show what would be recorded; record nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// How long to wait for another run's migration lock, e.g. 30s, 2min.
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    pub lock_wait: String,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// What the migration does, in snake_case (letters, digits, `_`): add_status_map_tables.
    pub name: String,
}

/// How far `up` and `plan` go.
#[derive(Clone, Debug, Default, Args)]
pub struct TargetArgs {
    /// Stop after this migration (in plan order).
    #[arg(long, value_name = "ID", conflicts_with = "count")]
    pub to: Option<String>,
    /// Apply at most N migrations.
    #[arg(long, value_name = "N")]
    pub count: Option<usize>,
    /// Confirm a migration that destroys data, where the environment asks for it
    /// (`confirm_destructive`); repeat for several.
    #[arg(long, value_name = "ID")]
    pub confirm: Vec<String>,
}

#[derive(Debug, Args)]
pub struct UpArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// How long to wait for another run's migration lock, e.g. 30s, 2min.
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    pub lock_wait: String,
    /// Continue a partial (or interrupted) migration after its last statement that
    /// succeeded, once the failed statement is fixed; the statements that ran must be
    /// unchanged. A statement in doubt (its run stopped while it ran) is decided from the
    /// catalog first.
    #[arg(long)]
    pub resume: bool,
    /// How long to try to reconnect when the connection drops mid-run, e.g. 30s; 0 stops
    /// at once [default: the environment's `reconnect`, else 30s].
    #[arg(long, value_name = "DURATION")]
    pub reconnect: Option<String>,
}

#[derive(Debug, Args)]
pub struct UnlockArgs {
    /// Free the lock even though a run may hold it: ends the holder's session (PostgreSQL,
    /// MySQL) or removes a lock row nobody holds. Required.
    #[arg(long, required = true)]
    pub force: bool,
    /// Why, for the audit log.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    #[command(subcommand)]
    pub action: SchemaAction,
}

#[derive(Debug, Subcommand)]
pub enum SchemaAction {
    /// Print the database's schema, normalised and in a stable order (the same database
    /// gives the same bytes); sluice's own tables are left out. Text is SQL.
    Dump {
        /// Add table sizes (row estimates, bytes) to the JSON form.
        #[arg(long)]
        stats: bool,
        /// Instead of reading the database, apply every migration to a scratch database
        /// and compare its schema with this committed file (SQL or JSON, as `schema dump`
        /// writes it); exit 1 when they differ.
        #[arg(long, value_name = "FILE")]
        check: Option<std::path::PathBuf>,
        /// The server for the scratch database of --check (PostgreSQL, MySQL).
        #[arg(long, value_name = "URL", requires = "check")]
        scratch_url: Option<String>,
    },
    /// Compare two schemas, each a database URL or a file written by `schema dump --format
    /// json`; exit 1 when they differ.
    Diff {
        /// The first schema.
        #[arg(value_name = "A")]
        a: String,
        /// The second schema.
        #[arg(value_name = "B")]
        b: String,
    },
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The migration that was repaired by hand.
    #[arg(value_name = "ID")]
    pub id: String,
    /// The repair finished it: record it as applied.
    #[arg(long, group = "what", required_unless_present_any = ["reverted", "statement_done", "statement_not_done"])]
    pub applied: bool,
    /// The repair undid it: record it as not applied.
    #[arg(long, group = "what")]
    pub reverted: bool,
    /// The statement in doubt took effect (you checked): record it done; `up --resume`
    /// goes on after it.
    #[arg(long, group = "what")]
    pub statement_done: bool,
    /// The statement in doubt did not take effect (you checked): `up --resume` runs it.
    #[arg(long, group = "what")]
    pub statement_not_done: bool,
    /// What was done, for the audit log.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// How long to wait for another run's migration lock, e.g. 30s, 2min.
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    pub lock_wait: String,
}

#[derive(Debug, Args)]
pub struct DownArgs {
    /// Revert this migration (refused while applied migrations require it, unless --cascade).
    #[arg(value_name = "ID", conflicts_with_all = ["to", "count"])]
    pub id: Option<String>,
    /// Revert everything applied after this migration; it stays applied.
    #[arg(long, value_name = "ID", conflicts_with = "count")]
    pub to: Option<String>,
    /// Revert the last N applied migrations [default: 1].
    #[arg(long, value_name = "N")]
    pub count: Option<usize>,
    /// With ID: revert the applied migrations that require it first, newest first.
    #[arg(long, requires = "id")]
    pub cascade: bool,
    /// How long to wait for another run's migration lock, e.g. 30s, 2min.
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    pub lock_wait: String,
    /// The environment's name, to confirm a down in a protected environment.
    #[arg(long, value_name = "ENV")]
    pub confirm: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Only these migrations [default: every applied migration].
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Then run the checks on each replica of the environment (`replicas` in sluice.toml),
    /// once it has replayed everything the primary wrote; checks that write are not run
    /// there (a replica is read-only).
    #[arg(long)]
    pub on_replicas: bool,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only events of this migration.
    #[arg(long, value_name = "ID")]
    pub migration: Option<String>,
    /// Only events of this run.
    #[arg(long, value_name = "RUN_ID")]
    pub run: Option<String>,
    /// Only the last N events.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report.
    #[arg(value_enum)]
    pub kind: ReportKind,
    /// Write it to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
    /// runbook: run the verify sections against the environment and fill in the verdict
    /// (exit 1 when a check fails). Everything the checks change is rolled back.
    #[arg(long)]
    pub run_verify: bool,
}

/// The reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportKind {
    /// The migrations pending in the environment, for review: risk, objects, locks,
    /// duration, destruction, gates, rollback plan.
    Pending,
    /// Execution order, pre-flight checks, commands, verification, rollback, verdict.
    Runbook,
    /// Every migration with its forward and rollback SQL, risk and verification; the
    /// audit events.
    Log,
    /// Every environment: percent applied, counts, last run, failures, drift, history.
    Status,
}

impl ReportKind {
    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ReportKind::Pending => "pending",
            ReportKind::Runbook => "runbook",
            ReportKind::Log => "log",
            ReportKind::Status => "status",
        }
    }
}
