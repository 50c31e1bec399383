//! The safety analysis as `lint`, `plan` and `up` run it: the options from `[lint]` and
//! the environment's timeouts, and, when connected, the server's version and the live size
//! of its tables.

use std::collections::BTreeSet;

use sluice_core::gates::Assessed;
use sluice_core::lint::{self, Options, Report};
use sluice_core::{Engine, Migration};
use sluice_sql::Dialect;

use crate::exit::{Exit, Failure};
use crate::settings::Settings;

/// The analysis options for `dialect`, from `[lint]` and the environment's timeouts
/// (sluice's runner bounds every lock wait unless the environment sets
/// `lock_timeout = "0"`).
pub fn options(s: &Settings, dialect: Dialect) -> Result<Options, Failure> {
    lint::run_options(s.config.as_ref().map(|c| &c.lint), dialect, &s.run)
        .map_err(|m| Failure::new(Exit::Input, m))
}

/// Adds what the connected database knows: its version (unless one is set), and the sizes
/// of its tables (`only` those, when given: lower-case bare names).
pub fn connect(
    o: &mut Options,
    engine: &mut dyn Engine,
    only: Option<&BTreeSet<String>>,
) -> Result<(), Failure> {
    lint::version_from(o, engine);
    let dialect = engine.info().dialect;
    o.sizes = Some(lint::live_sizes(engine, dialect, only)?);
    Ok(())
}

/// Analyses `ms` in plan order (see [`lint::analyse_plan`]).
pub fn analyse_plan(
    ms: &[&Migration],
    o: &mut Options,
    engine: Option<&mut dyn Engine>,
) -> Result<Vec<Report>, Failure> {
    Ok(lint::analyse_plan(ms, o, engine)?)
}

/// Analyses the migrations `up` would apply (see [`analyse_plan`]), and refuses malformed
/// `-- sluice:allow` lines.
pub fn assess(
    s: &Settings,
    apply: &[&Migration],
    engine: Option<&mut Box<dyn Engine>>,
) -> Result<Vec<Report>, Failure> {
    check_allows(apply.iter().copied())?;
    let mut o = options(s, s.dialect)?;
    analyse_plan(apply, &mut o, engine.map(|e| e.as_mut() as &mut dyn Engine))
}

/// What the gates need of each report: the risk and the rules behind it.
pub fn assessed(reports: &[Report]) -> Vec<Assessed> {
    reports.iter().map(Assessed::of).collect()
}

/// Refuses malformed `-- sluice:allow` lines: each with its file and line.
pub fn check_allows<'a>(ms: impl Iterator<Item = &'a Migration>) -> Result<(), Failure> {
    let bad = lint::bad_allow_lines(ms);
    if bad.is_empty() {
        Ok(())
    } else {
        let mut f = Failure::new(Exit::Input, bad.join("\n"));
        f.many = true;
        Err(f)
    }
}
