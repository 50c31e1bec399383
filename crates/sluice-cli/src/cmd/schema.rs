//! `sluice schema dump | diff`: the normalised schema of a database, and the difference
//! between two. Never writes.

use std::io::Write;

use sluice_core::schema::{self, Snapshot};
use sluice_engine::Access;

use crate::args::{Format, SchemaAction, SchemaArgs};
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(args: SchemaArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    match args.action {
        SchemaAction::Dump { stats } => {
            let snap = snapshot_of(s, &s.url, stats)?;
            match s.format {
                Format::Text => out.write_all(snap.to_sql().as_bytes())?,
                Format::Json => sluice_report::json(&snap, out)?,
            }
            Ok(Exit::Success)
        }
        SchemaAction::Diff { a, b } => {
            let (left, right) = (load(s, &a)?, load(s, &b)?);
            let diffs = schema::diff(&left, &right);
            match s.format {
                Format::Text if diffs.is_empty() => writeln!(
                    out,
                    "the schemas are identical ({} objects)",
                    left.objects.len()
                )?,
                Format::Text => out.write_all(schema::render_diff(&diffs).as_bytes())?,
                Format::Json => sluice_report::json(
                    &serde_json::json!({ "schema_version": 1, "identical": diffs.is_empty(), "differences": diffs }),
                    out,
                )?,
            }
            Ok(if diffs.is_empty() {
                Exit::Success
            } else {
                Exit::ChecksFailed
            })
        }
    }
}

/// A live snapshot of the database at `url`.
fn snapshot_of(s: &Settings, url: &str, stats: bool) -> Result<Snapshot, Failure> {
    let opts = sluice_engine::OpenOptions {
        access: Access::ReadOnly,
        application: "sluice/schema".into(),
        state: s.state.clone(),
    };
    let Some(mut engine) = sluice_engine::open(url, &s.project, &opts)? else {
        return Err(Failure::new(
            Exit::Refused,
            format!(
                "the database {} does not exist: there is no schema to read",
                sluice_core::config::mask_url(url)
            ),
        ));
    };
    let dialect = engine.info().dialect.name();
    let (objects, sizes) = engine.snapshot(stats)?;
    let mut snap = Snapshot::new(dialect, objects);
    snap.stats = sizes;
    Ok(snap)
}

/// A URL is read live; anything else is a file from `schema dump --format json`.
fn load(s: &Settings, what: &str) -> Result<Snapshot, Failure> {
    if sluice_engine::dialect_of(what).is_some() {
        return snapshot_of(s, what, false);
    }
    let text = std::fs::read_to_string(what)
        .map_err(|e| Failure::new(Exit::Input, format!("cannot read {what}: {e}; give a database URL or a file from `sluice schema dump --format json`")))?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::new(Exit::Input, format!("{what} is not a schema dump: {e}; write one with `sluice schema dump --format json > {what}`"))
    })
}
