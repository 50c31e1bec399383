//! The safety analysis as `lint`, `plan` and `up` run it: the options from `[lint]` and
//! the environment's timeouts, and, when connected, the server's version and the live size
//! of its tables.

use std::collections::BTreeSet;

use sluice_core::gates::Assessed;
use sluice_core::lint::{self, Options, Report, Version};
use sluice_core::{Engine, Migration};
use sluice_sql::Dialect;

use crate::exit::{Exit, Failure};
use crate::settings::Settings;

/// The analysis options for `dialect`, from `[lint]` and the environment's timeouts
/// (sluice's runner bounds every lock wait unless the environment sets
/// `lock_timeout = "0"`).
pub fn options(s: &Settings, dialect: Dialect) -> Result<Options, Failure> {
    let mut o = lint::options(s.config.as_ref().map(|c| &c.lint), dialect)
        .map_err(|m| Failure::new(Exit::Input, m))?;
    o.runner_lock_timeout = s.lock_timeout.is_some_and(|d| !d.is_zero());
    o.runner_statement_timeout = s.statement_timeout.is_some_and(|d| !d.is_zero());
    Ok(o)
}

/// Adds what the connected database knows: its version (unless one is set), and the sizes
/// of its tables (`only` those, when given: lower-case bare names).
pub fn connect(
    o: &mut Options,
    engine: &mut dyn Engine,
    only: Option<&BTreeSet<String>>,
) -> Result<(), Failure> {
    version(o, engine);
    let dialect = engine.info().dialect;
    o.sizes = Some(lint::live_sizes(engine, dialect, only)?);
    Ok(())
}

/// The server's version, unless one is set (`--server-version` wins).
fn version(o: &mut Options, engine: &dyn Engine) {
    if o.version.is_none()
        && let Some(v) = engine
            .info()
            .server
            .split_whitespace()
            .nth(1)
            .and_then(Version::parse)
    {
        o.version = Some(v);
    }
}

/// Analyses `ms` in plan order, each knowing the tables the earlier ones create.
/// Connected: with the server's version, first as if none of the tables they touch held a
/// row, which names those tables; then again with their live sizes, unless none of them
/// exists yet (a new database), when the first analysis is already that one.
pub fn analyse_plan(
    ms: &[&Migration],
    o: &mut Options,
    engine: Option<&mut dyn Engine>,
) -> Result<Vec<Report>, Failure> {
    let run = |o: &Options| -> Vec<Report> {
        lint::check_plan(ms.iter().copied(), o, true)
            .into_iter()
            .map(|(_, r)| r)
            .collect()
    };
    match engine {
        Some(e) if !ms.is_empty() => {
            version(o, e);
            o.sizes = Some(Default::default());
            let first = run(o);
            let dialect = e.info().dialect;
            let sizes = lint::live_sizes(e, dialect, Some(&lint::touched_tables(&first)))?;
            if sizes.is_empty() {
                return Ok(first);
            }
            o.sizes = Some(sizes);
            Ok(run(o))
        }
        _ => Ok(run(o)),
    }
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
    let mut bad = Vec::new();
    for m in ms {
        for (line, msg) in lint::bad_allows(m) {
            bad.push(format!("{}:{line}: {msg}", m.path.display()));
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        let mut f = Failure::new(Exit::Input, bad.join("\n"));
        f.many = true;
        Err(f)
    }
}
