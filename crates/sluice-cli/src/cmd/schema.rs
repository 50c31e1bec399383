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
        SchemaAction::Dump {
            check: Some(file),
            scratch_url,
            ..
        } => check(s, &file, scratch_url.as_deref(), out),
        SchemaAction::Dump { stats, .. } => {
            let snap = snapshot_of(s, &s.url, stats)?;
            match s.format {
                Format::Text => out.write_all(snap.to_sql().as_bytes())?,
                Format::Json => sluice_report::json(&snap, out)?,
                other => return Err(unsupported_format(other)),
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
                other => return Err(unsupported_format(other)),
            }
            Ok(if diffs.is_empty() {
                Exit::Success
            } else {
                Exit::ChecksFailed
            })
        }
    }
}

fn unsupported_format(f: Format) -> Failure {
    Failure::new(
        Exit::Input,
        format!("schema does not write --format {f:?}: use text (SQL) or json"),
    )
}

/// `schema dump --check FILE`: every migration applied, in plan order, to a scratch
/// database; its schema must be the committed file (SQL or JSON, as `schema dump` writes).
fn check(
    s: &Settings,
    file: &std::path::Path,
    scratch_url: Option<&str>,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let committed = std::fs::read_to_string(file).map_err(|e| {
        Failure::new(
            Exit::Input,
            format!(
                "cannot read {}: {e}; write it with `sluice schema dump > {}`",
                file.display(),
                file.display()
            ),
        )
    })?;
    let plan = s.plan()?;
    let scratch = super::scratch(s, scratch_url)?;
    let ctx = s.run_context();
    let built = {
        let mut e = super::open_scratch(s, &scratch.url, ctx.run_id.as_str())?;
        let opts = sluice_core::run::UpOptions {
            to: None,
            count: None,
            late: Some(sluice_core::config::LatePolicy::Allow),
            lock_wait: std::time::Duration::from_secs(10),
            resume: false,
            lock_timeout: s.run.lock_timeout,
            statement_timeout: s.run.statement_timeout,
            retries: 0,
            retry_cap: std::time::Duration::from_secs(1),
            only: None,
            reconnect: std::time::Duration::ZERO,
            ..sluice_core::run::UpOptions::default()
        };
        sluice_core::run::up(e.as_mut(), &ctx, &plan, &opts, &mut |_| {})?;
        let dialect = e.info().dialect.name();
        Snapshot::new(dialect, e.snapshot(false)?.0)
    };
    scratch.remove()?;
    let is_json = committed.trim_start().starts_with('{');
    let (want, got) = if is_json {
        let want: Snapshot = serde_json::from_str(&committed).map_err(|e| {
            Failure::new(
                Exit::Input,
                format!("{} is not a schema dump: {e}", file.display()),
            )
        })?;
        (want.to_sql(), built.to_sql())
    } else {
        (committed, built.to_sql())
    };
    if want == got {
        writeln!(
            out,
            "{} is current: it is the schema the {} migrations make",
            file.display(),
            plan.migrations().len()
        )?;
        return Ok(Exit::Success);
    }
    writeln!(
        out,
        "{} differs from the schema the migrations make (- committed, + from the migrations):",
        file.display()
    )?;
    for l in schema::line_diff(&want, &got) {
        writeln!(out, "  {l}")?;
    }
    writeln!(
        out,
        "\nupdate it with `sluice schema dump > {}` on a database where every migration is applied",
        file.display()
    )?;
    Ok(Exit::ChecksFailed)
}

/// A live snapshot of the database at `url`.
fn snapshot_of(s: &Settings, url: &str, stats: bool) -> Result<Snapshot, Failure> {
    let opts = sluice_engine::OpenOptions {
        access: Access::ReadOnly,
        application: "sluice/schema".into(),
        state: s.state.clone(),
        session: Vec::new(),
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
