//! `sluice log`: the audit events, oldest first. Never writes.

use std::io::Write;

use sluice_core::engine::EventFilter;
use sluice_engine::Access;
use sluice_report::{LogDoc, SCHEMA_VERSION};

use crate::args::LogArgs;
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(args: LogArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let filter = EventFilter {
        migration: args.migration,
        run: args.run,
        limit: args.limit,
    };
    let (events, server) = match s.open(Access::ReadOnly, "log")? {
        None => (Vec::new(), None),
        Some(mut e) => {
            let server = Some(e.info().server);
            (
                if e.state_exists()? {
                    e.events(&filter)?
                } else {
                    Vec::new()
                },
                server,
            )
        }
    };
    let doc = LogDoc {
        schema_version: SCHEMA_VERSION,
        target: s.target(server),
        events,
    };
    super::emit(s, &doc, |d, st, o| sluice_report::log_text(d, st, o), out)?;
    Ok(Exit::Success)
}
