//! `sluice status`: each migration's state, drift and counts. Never writes.

use std::io::Write;

use sluice_core::run::Overview;
use sluice_report::StatusDoc;

use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let (plan, history) = super::plan_and_history(s)?;
    let overview = Overview::new(&plan, history.records, &s.env);
    let doc = StatusDoc::new(
        s.target(history.server),
        history.initialised,
        &overview.entries,
    );
    super::emit(
        s,
        &doc,
        |d, st, o| sluice_report::status_text(d, st, o),
        out,
    )?;
    Ok(Exit::Success)
}
