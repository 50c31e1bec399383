//! What a deploy reads and writes outside its target database, with real engines: the
//! history of another environment of `sluice.toml` (read-only) and backups.

use std::path::Path;

use sluice_core::config::Config;
use sluice_core::deploy::{Backup, Surroundings};
use sluice_core::engine::{EventFilter, EventRow, Record};
use sluice_core::gates::Upstream;

/// What a reading command finds in one environment of `sluice.toml`.
#[derive(Debug)]
pub struct EnvRead {
    /// Its URL, password masked.
    pub database: String,
    /// The server's version; `None` when the database does not exist.
    pub server: Option<String>,
    /// Whether sluice's tables exist.
    pub initialised: bool,
    /// The history rows.
    pub records: Vec<Record>,
    /// The audit events, oldest first.
    pub events: Vec<EventRow>,
    /// The run that holds the migration lock now.
    pub live: Option<sluice_core::RunId>,
}

/// Reads the history and events of environment `name` of `cfg` (read-only; relative
/// SQLite paths from `project`; sluice's state named `state`).
pub fn read_env(cfg: &Config, name: &str, project: &Path, state: &str) -> Result<EnvRead, String> {
    let env = cfg
        .environments
        .get(name)
        .ok_or_else(|| format!("environment {name} is not defined"))?;
    let url = cfg.resolve_url(name, &env.url).map_err(|e| e.to_string())?;
    let opts = crate::OpenOptions {
        access: crate::Access::ReadOnly,
        application: "sluice/read".into(),
        state: state.to_string(),
        session: env.session.clone(),
    };
    let mut read = EnvRead {
        database: sluice_core::config::mask_url(&url),
        server: None,
        initialised: false,
        records: Vec::new(),
        events: Vec::new(),
        live: None,
    };
    let Some(mut e) = crate::open(&url, project, &opts).map_err(|e| e.to_string())? else {
        return Ok(read);
    };
    read.server = Some(e.info().server);
    if e.state_exists().map_err(|e| e.to_string())? {
        read.initialised = true;
        read.live = e.lock_status().ok().flatten().map(|h| h.run_id);
        read.records = e.records().map_err(|e| e.to_string())?;
        read.events = e
            .events(&EventFilter::default())
            .map_err(|e| e.to_string())?;
    }
    Ok(read)
}

/// The surroundings of a deploy to `url`: the other environments of `config`, backups
/// with the database's own tools.
#[derive(Debug)]
pub struct Around<'a> {
    /// `sluice.toml`, when there is one.
    pub config: Option<&'a Config>,
    /// The project folder (relative SQLite paths).
    pub project: &'a Path,
    /// The name of sluice's state.
    pub state: &'a str,
    /// The target database (empty when the caller gave an engine, not a URL: no backup).
    pub url: &'a str,
}

impl Surroundings for Around<'_> {
    fn upstream(&mut self, name: &str) -> Result<Upstream, String> {
        let cfg = self.config.ok_or("no sluice.toml")?;
        let r = read_env(cfg, name, self.project, self.state)?;
        Ok(Upstream {
            name: name.into(),
            records: r.records,
            events: r.events,
        })
    }

    fn backup(&mut self, dir: &Path, stem: &str) -> Result<Backup, String> {
        if self.url.is_empty() {
            return Err(
                "a backup is taken from the database's URL, and this run was given an engine: pass the URL".into(),
            );
        }
        let dialect = crate::dialect_of(self.url).ok_or("not a database URL")?;
        let path = dir.join(format!("{stem}.{}", crate::backup::extension(dialect)));
        crate::backup::take(self.url, self.project, &path)
    }
}
