//! The environment gates, as `plan` and the reports show them (`up` enforces them through
//! `sluice_core::deploy`): reads what the gates look at and asks `sluice_core::gates`.

use sluice_core::Migration;
use sluice_core::engine::{Engine, EventRow};
use sluice_core::gates::{Assessed, Gate};
pub use sluice_engine::around::EnvRead;

use crate::exit::Failure;
use crate::settings::Settings;

/// Reads the history and events of the environment `name` (read-only).
pub fn read_env_full(s: &Settings, name: &str) -> Result<EnvRead, String> {
    let cfg = s.config.as_ref().ok_or("no sluice.toml")?;
    sluice_engine::around::read_env(cfg, name, &s.project, &s.state)
}

/// This environment's events, when it has sluice's tables.
pub fn own_events(engine: &mut dyn Engine) -> Result<Vec<EventRow>, Failure> {
    Ok(sluice_core::deploy::own_events(engine)?)
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
    sluice_core::deploy::gates(
        &s.env,
        s.env_cfg.as_ref(),
        apply,
        assessed,
        events,
        confirmed,
        &mut s.around(),
    )
}
