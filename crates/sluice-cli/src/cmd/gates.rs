//! The environment gates, as `plan` shows them and `up` enforces them: reads what the
//! gates look at (this environment's events, the history of the environment before it)
//! and asks `sluice_core::gates`.

use sluice_core::Migration;
use sluice_core::engine::{Engine, EventFilter, EventRow};
use sluice_core::gates::{self, Assessed, Gate, Upstream};

use crate::exit::{Exit, Failure};
use crate::settings::Settings;

/// What a reading command finds in one environment of `sluice.toml`.
pub struct EnvRead {
    /// Its URL, password masked.
    pub database: String,
    /// The server's version; `None` when the database does not exist.
    pub server: Option<String>,
    /// Whether sluice's tables exist.
    pub initialised: bool,
    /// The history rows.
    pub records: Vec<sluice_core::engine::Record>,
    /// The audit events, oldest first.
    pub events: Vec<EventRow>,
    /// The run that holds the migration lock now.
    pub live: Option<sluice_core::RunId>,
}

/// Reads the history and events of the environment `name` (read-only).
pub fn read_env_full(s: &Settings, name: &str) -> Result<EnvRead, String> {
    let cfg = s.config.as_ref().ok_or("no sluice.toml")?;
    let env = cfg
        .environments
        .get(name)
        .ok_or_else(|| format!("environment {name} is not defined"))?;
    let url = cfg.resolve_url(name, &env.url).map_err(|e| e.to_string())?;
    let opts = sluice_engine::OpenOptions {
        access: sluice_engine::Access::ReadOnly,
        application: "sluice/read".into(),
        state: s.state.clone(),
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
    let Some(mut e) = sluice_engine::open(&url, &s.project, &opts).map_err(|e| e.to_string())?
    else {
        return Ok(read);
    };
    read.server = Some(e.info().server);
    if e.state_exists().map_err(|e| e.to_string())? {
        read.initialised = true;
        read.live = super::live_run(e.as_mut());
        read.records = e.records().map_err(|e| e.to_string())?;
        read.events = e
            .events(&EventFilter::default())
            .map_err(|e| e.to_string())?;
    }
    Ok(read)
}

/// Reads the history and events of the environment `name` (read-only).
fn read_env(s: &Settings, name: &str) -> Result<Upstream, String> {
    let r = read_env_full(s, name)?;
    Ok(Upstream {
        name: name.into(),
        records: r.records,
        events: r.events,
    })
}

/// This environment's events, when it has sluice's tables.
pub fn own_events(engine: &mut dyn Engine) -> Result<Vec<EventRow>, Failure> {
    Ok(if engine.state_exists()? {
        engine.events(&EventFilter::default())?
    } else {
        Vec::new()
    })
}

/// The gates for applying `apply` (analysed as `assessed`) in the chosen environment. No
/// environment in `sluice.toml`: no gates.
pub fn check(
    s: &Settings,
    apply: &[&Migration],
    assessed: &[Assessed],
    events: &[EventRow],
    confirmed: &[String],
) -> Vec<Gate> {
    let Some(cfg) = &s.env_cfg else {
        return Vec::new();
    };
    let upstream = cfg.after.as_deref().map(|name| read_env(s, name));
    gates::check(&gates::Inputs {
        env: &s.env,
        cfg,
        apply,
        events,
        upstream,
        confirmed,
        assessed,
    })
}

/// The refusal when a gate blocks: each gate, why, and the command that satisfies it.
pub fn refusal(s: &Settings, gates: &[Gate]) -> Option<Failure> {
    let blocked: Vec<&Gate> = gates.iter().filter(|g| !g.passed).collect();
    if blocked.is_empty() {
        return None;
    }
    let mut msg = format!(
        "{} gate(s) of environment {} block this run; nothing was applied:",
        blocked.len(),
        s.env
    );
    for g in blocked {
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
    Some(Failure::new(Exit::Refused, msg))
}
