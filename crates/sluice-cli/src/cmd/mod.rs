//! One module per command, each with `run(args, &settings, out)`.

mod adopt;
mod analysis;
mod compat;
mod down;
mod drift;
mod envs;
mod fleet;
mod gates;
mod init;
mod lint;
mod log;
mod new;
mod plan;
mod report;
mod resolve;
mod schema;
mod serve;

mod status;
mod test;
mod up;
mod verify;

use std::io::Write;

use crate::args::{Cli, Command, Format};
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

/// Runs the command; returns the exit code of a run that did not fail outright.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<Exit, Failure> {
    // `lint` works offline unless told which database to read (`--env`, `--url`).
    // `test` uses a scratch database only: the environment's URL is needed only when the
    // scratch database goes on its server.
    let offline = (matches!(cli.command, Command::Lint(_))
        && cli.global.env.is_none()
        && cli.global.url.is_none())
        || matches!(cli.command, Command::Test(_) | Command::Fleet(_));
    let settings = Settings::resolve(&cli.global, offline)?;
    match cli.command {
        Command::Init(a) => init::run(a, &settings, out),
        Command::New(a) => new::run(a, &settings, out),
        Command::Status(a) => status::run(a, &settings, out),
        Command::Plan(a) => plan::run(a, &settings, out),
        Command::Lint(a) => lint::run(a, &settings, out),
        Command::Up(a) => up::run(a, &settings, out),
        Command::Down(a) => down::run(a, &settings, out),
        Command::Verify(a) => verify::run(a, &settings, out),
        Command::Log(a) => log::run(a, &settings, out),
        Command::Report(a) => report::run(a, &settings, out),
        Command::Resolve(a) => resolve::run(a, &settings, out),
        Command::Unlock(a) => resolve::unlock(a, &settings, out),
        Command::Schema(a) => schema::run(a, &settings, out),
        Command::Test(a) => test::run(a, &settings, out),
        Command::Drift(a) => drift::run(a, &settings, out),
        Command::Compat(a) => compat::run(a, &settings, out),
        Command::Serve(a) => serve::run(a, &settings, out),
        Command::Adopt(a) => adopt::adopt(a, &settings, out),
        Command::Baseline(a) => adopt::baseline(a, &settings, out),
        Command::Approve(a) => envs::approve(a, &settings, out),
        Command::Backups => envs::backups(&settings, out),
        Command::Restore(a) => envs::restore(a, &settings, out),
        Command::Reset(a) => envs::reset(a, &settings, out),
        Command::Config(_) => envs::config_check(&settings, out),
        Command::Fleet(a) => fleet::run(a, &settings, out),
    }
}

/// What a reading command knows about the database: its records, when it has sluice's
/// tables, and the server's version, when it exists.
pub struct History {
    /// The history rows (empty when sluice's tables do not exist).
    pub records: Vec<sluice_core::engine::Record>,
    /// The server or library version; `None` when the database does not exist.
    pub server: Option<String>,
    /// Whether sluice's tables exist.
    pub initialised: bool,
    /// Who holds the migration lock now, if anyone: a row left `applying` by any other
    /// run belongs to a run that stopped.
    pub live: Option<sluice_core::engine::LockHolder>,
}

impl History {
    /// The history merged with the plan (the records move into it), read with the run
    /// that holds the lock now.
    pub fn overview<'p>(
        &mut self,
        plan: &'p sluice_core::Plan,
        env: &str,
    ) -> sluice_core::run::Overview<'p> {
        let live = self.live.as_ref().map(|h| h.run_id.clone());
        sluice_core::run::Overview::new(plan, std::mem::take(&mut self.records), env, live.as_ref())
    }
}

/// The run that holds the migration lock now (`None` when nobody does, or when it cannot
/// be read).
fn live_run(engine: &mut dyn sluice_core::Engine) -> Option<sluice_core::RunId> {
    engine.lock_status().ok().flatten().map(|h| h.run_id)
}

/// Loads the plan and reads the history at the same time (files on one thread, the
/// database on this one); opens the database read-only and never creates anything.
fn plan_and_history(s: &Settings) -> Result<(sluice_core::Plan, History), Failure> {
    std::thread::scope(|scope| {
        let plan = scope.spawn(|| s.plan());
        let history = (|| -> Result<History, Failure> {
            Ok(match s.open(sluice_engine::Access::ReadOnly, "read")? {
                None => History {
                    records: Vec::new(),
                    server: None,
                    initialised: false,
                    live: None,
                },
                Some(mut e) => {
                    let server = Some(e.info().server);
                    if e.state_exists()? {
                        History {
                            live: e.lock_status().ok().flatten(),
                            records: e.records()?,
                            server,
                            initialised: true,
                        }
                    } else {
                        History {
                            records: Vec::new(),
                            server,
                            initialised: false,
                            live: None,
                        }
                    }
                }
            })
        })();
        let plan = plan
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))?;
        Ok((plan, history?))
    })
}

/// Writes a document in the chosen format.
fn emit<T: serde::Serialize>(
    settings: &Settings,
    doc: &T,
    text: impl FnOnce(&T, sluice_report::table::Style, &mut dyn Write) -> std::io::Result<()>,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    match settings.format {
        Format::Text => text(doc, settings.style, out)?,
        Format::Json => sluice_report::json(doc, out)?,
        other => return Err(unsupported("this command", other.name())),
    }
    Ok(())
}

/// `--format` asked for something this command does not write.
fn unsupported(command: &str, format: &str) -> Failure {
    Failure::new(
        Exit::Input,
        format!(
            "{command} does not write --format {format}: use text or json (junit is for `sluice test`, md for `sluice drift`, md and html for `sluice report`)"
        ),
    )
}

/// Creates a scratch database for `test`, `drift` and `schema dump --check`, on the
/// server of `flag` (else the environment's `scratch_url`; SQLite: a temp file). A URL
/// that is an environment's `url` is refused: a scratch server is never a real database.
/// Ctrl-C drops it before sluice exits.
fn scratch(s: &Settings, flag: Option<&str>) -> Result<sluice_engine::scratch::Scratch, Failure> {
    let given = flag.map(str::to_string).or_else(|| s.scratch_url.clone());
    let server = match given {
        Some(u) => Some(u),
        None if s.dialect == sluice_sql::Dialect::Sqlite => None,
        None => Some(default_scratch_server(s)?),
    };
    if let Some(u) = server
        .as_deref()
        .filter(|_| flag.is_some() || s.scratch_url.is_some())
    {
        let bare = |x: &str| {
            x.split('?')
                .next()
                .unwrap_or(x)
                .trim_end_matches('/')
                .to_string()
        };
        if let Some((name, _)) = s.env_urls.iter().find(|(_, e)| bare(e) == bare(u)) {
            return Err(Failure::new(
                Exit::Refused,
                format!(
                    "{} is the url of environment {name}: sluice creates and drops scratch databases only on a server given for that (--scratch-url or scratch_url), never on an environment's database",
                    sluice_core::config::mask_url(u)
                ),
            ));
        }
        match sluice_engine::dialect_of(u) {
            Some(d) if d == s.dialect => {}
            _ => {
                return Err(Failure::new(
                    Exit::Input,
                    format!(
                        "the scratch server {} is not a {} URL, the project's dialect",
                        sluice_core::config::mask_url(u),
                        s.dialect.name()
                    ),
                ));
            }
        }
    }
    static HANDLER: std::sync::Once = std::sync::Once::new();
    HANDLER.call_once(|| {
        // The one place sluice exits from elsewhere than main: the main thread is busy in
        // a database call, and the scratch database must go before the process does.
        #[allow(clippy::disallowed_methods)]
        let _ = ctrlc::set_handler(|| {
            sluice_engine::scratch::cleanup_all();
            eprintln!("interrupted: the scratch database was dropped");
            std::process::exit(130);
        });
    });
    Ok(sluice_engine::scratch::Scratch::create(
        s.dialect,
        server.as_deref(),
    )?)
}

/// Where a scratch database goes when none was given: a temporary database on the
/// environment's own server (as Prisma's shadow database), unless the environment is
/// `protected`.
fn default_scratch_server(s: &Settings) -> Result<String, Failure> {
    let give = "give --scratch-url or set `scratch_url` for the environment in sluice.toml";
    if s.env_cfg.as_ref().is_some_and(|e| e.protected) {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "environment {} is protected: sluice makes no scratch database on its server; {give}",
                s.env
            ),
        ));
    }
    if s.url.is_empty() {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "a scratch {} database needs a server, and the URL of environment {} is not set: {give}, or set the environment's URL so sluice makes one on that server",
                s.dialect.name(),
                s.env
            ),
        ));
    }
    if sluice_engine::dialect_of(&s.url) != Some(s.dialect) {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "a scratch {} database needs a server, and environment {}'s URL {} is not one: {give}",
                s.dialect.name(),
                s.env,
                s.masked_url()
            ),
        ));
    }
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        eprintln!(
            "note: the scratch database is a temporary one on the server of environment {} ({}), dropped afterwards",
            s.env,
            s.masked_url()
        )
    });
    Ok(s.url.clone())
}

/// Opens a scratch database created by [`scratch`].
fn open_scratch(
    s: &Settings,
    url: &str,
    who: &str,
) -> Result<Box<dyn sluice_core::Engine>, Failure> {
    let opts = sluice_engine::OpenOptions {
        access: sluice_engine::Access::Create,
        application: format!("sluice/{who}"),
        state: s.state.clone(),
        // The migrations need on a scratch database what they need in the environment.
        session: s.run.session.clone(),
    };
    sluice_engine::open(url, &s.project, &opts)?
        .ok_or_else(|| Failure::new(Exit::Database, "the scratch database did not open"))
}

/// Opens an existing database for a writing command that has nothing to do on a missing
/// one (`down`, `resolve`); `what` says what there would have been to do.
fn open_existing(
    s: &Settings,
    run_id: &sluice_core::RunId,
    what: &str,
) -> Result<Box<dyn sluice_core::Engine>, Failure> {
    s.open(sluice_engine::Access::Existing, run_id.as_str())?
        .ok_or_else(|| {
            Failure::new(
                Exit::Refused,
                format!(
                    "the database {} does not exist: there is nothing to {what}",
                    s.masked_url()
                ),
            )
        })
}

/// Parses a `--lock-wait` value (at most a day).
fn lock_wait(s: &str) -> Result<std::time::Duration, Failure> {
    sluice_core::time::parse_duration_at_most(s, std::time::Duration::from_secs(24 * 3600))
        .map_err(|e| Failure::new(Exit::Input, format!("--lock-wait: {e}")))
}

/// `12 ms`, `1.3 s`.
pub(crate) fn human(d: std::time::Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Prefixes a run's failure with its run id, so the log line can be followed.
fn with_run(run: &sluice_core::RunId, f: impl Into<Failure>) -> Failure {
    let f = f.into();
    Failure {
        error: Box::new(InRun {
            run: run.clone(),
            error: f.error,
        }),
        ..f
    }
}

/// An error of a run: said with the run's id in front, its cause chain kept.
#[derive(Debug)]
struct InRun {
    run: sluice_core::RunId,
    error: Box<dyn std::error::Error + Send + Sync>,
}

impl std::fmt::Display for InRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.run, self.error)
    }
}

impl std::error::Error for InRun {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}
