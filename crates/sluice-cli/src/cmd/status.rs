//! `sluice status`: each migration's state, drift and counts. Never writes.

use std::io::Write;

use sluice_core::run::Overview;
use sluice_engine::Access;
use sluice_report::StatusDoc;

use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let plan = s.plan()?;
    let (records, server, initialised) = match s.open(Access::ReadOnly)? {
        None => (Vec::new(), None, false),
        Some(mut e) => {
            let server = Some(e.info().server);
            if e.state_exists()? {
                (e.records()?, server, true)
            } else {
                (Vec::new(), server, false)
            }
        }
    };
    let overview = Overview::new(&plan, records, &s.env);
    let doc = StatusDoc::new(s.target(server), initialised, &overview.entries);
    super::emit(
        s,
        &doc,
        |d, st, o| sluice_report::status_text(d, st, o),
        out,
    )?;
    Ok(Exit::Success)
}
