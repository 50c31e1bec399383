//! `sluice adopt` (take over another tool's history) and `sluice baseline` (mark a
//! database with no history as having the migrations up to one id). Neither runs a
//! migration: both record what the database already is, each migration with an event.

use std::io::Write;

use sluice_core::adopt::{self, AdoptPlan};
use sluice_core::layout::{self, Layout};
use sluice_core::run::{self, MarkApplied};
use sluice_core::schema::{self, Snapshot};

use crate::args::{AdoptArgs, BaselineArgs, Format};
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn adopt(args: AdoptArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let lock_wait = super::lock_wait(&args.lock_wait)?;
    let tool = Layout::parse(&args.from).map_err(|e| Failure::new(Exit::Input, e))?;
    if s.layout == Layout::UpDown {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "the project's layout is updown: plain up/down pairs that {tool} does not read (it refuses shared or bare versions), so there is no {tool} history to take over; mark a database that already has them with `sluice baseline --to <id> --check`"
            ),
        ));
    }
    if s.layout != tool {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "the project's layout is {}, not {tool}: set `[project] layout = \"{tool}\"` in sluice.toml so sluice reads {tool}'s files in place (`sluice init --detect` shows what a folder holds)",
                s.layout
            ),
        ));
    }
    let plan = s.plan()?;
    let ctx = s.run_context();
    let mut engine = super::open_existing(s, &ctx.run_id, "adopt")?;
    let project = layout::sqitch_project(&s.migrations);
    let found = adopt::prepare(
        engine.as_mut(),
        &plan,
        tool,
        args.table.as_deref(),
        project.as_deref(),
    )
    .map_err(|e| Failure::new(Exit::Refused, format!("adoption stopped: {e}")))?;
    let items: Vec<MarkApplied> = found
        .adopt
        .iter()
        .map(|a| MarkApplied {
            id: a.id.clone(),
            applied_at: a.applied_at.clone(),
            applied_by: a.applied_by.clone(),
            reason: format!("adopted from {tool} ({}): not executed", found.table),
            details: serde_json::json!({
                "adopted_from": tool.name(),
                "table": found.table,
                "original": a.original,
                "tool_checksum": a.checksum,
            }),
        })
        .collect();
    let summary = if args.dry_run {
        None
    } else {
        let run_id = ctx.run_id.clone();
        Some(
            run::mark_applied(engine.as_mut(), &ctx, &plan, &items, lock_wait)
                .map_err(|e| super::with_run(&run_id, e))?,
        )
    };
    match s.format {
        Format::Json => sluice_report::json(
            &serde_json::json!({ "adoption": found, "dry_run": args.dry_run, "result": summary }),
            out,
        )?,
        Format::Text => {
            write_found(&found, out)?;
            match &summary {
                None => writeln!(
                    out,
                    "dry run: nothing recorded; without --dry-run sluice records {} migration(s) as applied",
                    found.adopt.len()
                )?,
                Some(sum) => {
                    writeln!(
                        out,
                        "{} recorded {} migration(s) as applied by adoption, nothing executed{}",
                        ctx.run_id,
                        sum.recorded.len(),
                        if sum.already.is_empty() {
                            String::new()
                        } else {
                            format!(
                                "; {} already applied in sluice's history, left as they were",
                                sum.already.len()
                            )
                        }
                    )?;
                    writeln!(
                        out,
                        "{tool}'s table {} is left untouched; from now on apply new migrations with `sluice up`",
                        found.table
                    )?;
                }
            }
        }
        other => return Err(super::unsupported("adopt", other.name())),
    }
    Ok(Exit::Success)
}

fn write_found(found: &AdoptPlan, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "read {} row(s) of {} ({})",
        found.rows, found.table, found.tool
    )?;
    for a in &found.adopt {
        let at = a
            .applied_at
            .as_deref()
            .map_or("time not kept".to_string(), sluice_core::time::display);
        let by = a.applied_by.as_deref().unwrap_or("-");
        writeln!(
            out,
            "  applied  {:<40} {at:<22} {by}  checksum: {}",
            a.id.as_str(),
            a.checksum
        )?;
    }
    for id in &found.pending {
        writeln!(out, "  pending  {id}")?;
    }
    for n in &found.notes {
        writeln!(out, "note: {n}")?;
    }
    Ok(())
}

pub fn baseline(args: BaselineArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let lock_wait = super::lock_wait(&args.lock_wait)?;
    let plan = s.plan()?;
    let Some(pos) = plan
        .migrations()
        .iter()
        .position(|m| m.id.as_str() == args.to)
    else {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "--to {}: no migration has that id (`sluice status` lists them)",
                args.to
            ),
        ));
    };
    let upto: Vec<&sluice_core::Migration> = plan.migrations()[..=pos]
        .iter()
        .filter(|m| m.runs_in(&s.env))
        .collect();
    let ctx = s.run_context();
    let mut engine = super::open_existing(s, &ctx.run_id, "baseline")?;
    if engine.state_exists()? {
        let records = engine.records()?;
        if !records.is_empty() {
            return Err(Failure::new(
                Exit::Refused,
                format!(
                    "{} already has sluice history ({} migration(s) recorded): baseline is for a database with none; take over another tool's history with `sluice adopt`, or repair one migration with `sluice resolve`",
                    s.masked_url(),
                    records.len()
                ),
            ));
        }
    }
    if args.check {
        let dialect = engine.info().dialect.name();
        let (objects, _) = engine.snapshot(false)?;
        let actual = Snapshot::new(dialect, objects);
        let expected =
            super::drift::build_expected(s, args.scratch_url.as_deref(), &upto, dialect)?;
        let diffs = schema::diff(&expected, &actual);
        if diffs.is_empty() {
            writeln!(
                out,
                "check: the live schema matches a scratch build of the {} migration(s) up to {}",
                upto.len(),
                args.to
            )?;
        } else {
            writeln!(
                out,
                "check: the live schema differs from a scratch build of the migrations up to {}:",
                args.to
            )?;
            let server = engine.info().server;
            let doc = sluice_report::DriftDoc::new(
                s.target(Some(server)),
                Vec::new(),
                &diffs,
                upto.len(),
            );
            sluice_report::drift_text(&doc, s.style, out)?;
            return Err(Failure::new(
                Exit::Refused,
                format!(
                    "baseline stopped: the database is not what the migrations up to {} make ({} difference(s) above); nothing recorded. Pick the --to that matches, or bring the schema in line first",
                    args.to,
                    diffs.len()
                ),
            ));
        }
    }
    if args.dry_run {
        for m in &upto {
            writeln!(out, "  applied  {}", m.id)?;
        }
        writeln!(
            out,
            "dry run: nothing recorded; without --dry-run sluice records {} migration(s) as applied",
            upto.len()
        )?;
        return Ok(Exit::Success);
    }
    let items: Vec<MarkApplied> = upto
        .iter()
        .map(|m| MarkApplied {
            id: m.id.clone(),
            applied_at: None,
            applied_by: None,
            reason: format!("baseline up to {}: not executed", args.to),
            details: serde_json::json!({ "baseline": args.to, "checked": args.check }),
        })
        .collect();
    let run_id = ctx.run_id.clone();
    let sum = run::mark_applied(engine.as_mut(), &ctx, &plan, &items, lock_wait)
        .map_err(|e| super::with_run(&run_id, e))?;
    for id in &sum.recorded {
        writeln!(out, "  applied  {id}")?;
    }
    writeln!(
        out,
        "{run_id} recorded {} migration(s) as applied by baseline, nothing executed; the rest are pending for `sluice up`",
        sum.recorded.len()
    )?;

    Ok(Exit::Success)
}
