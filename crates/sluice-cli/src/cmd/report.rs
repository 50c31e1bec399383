//! `sluice report pending|runbook|log|status`: the documents teams write by hand, written
//! from the files and the databases, as text, Markdown, HTML or JSON. Never writes to a
//! database (`runbook --run-verify` runs the verify checks in transactions it rolls back).

use std::io::Write;

use sluice_core::Migration;
use sluice_core::engine::EventFilter;
use sluice_core::run::{self, Overview};
use sluice_core::time::Timestamp;
use sluice_engine::Access;
use sluice_report::doc::{self, Doc};
use sluice_report::reports::{
    LogInput, LogReport, PendingInput, PendingReport, RunbookInput, RunbookReport, StatusReport,
};
use sluice_report::{StatusDoc, Target};

use crate::args::{Format, ReportArgs, ReportKind, TargetArgs};
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(args: ReportArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    if args.run_verify && args.kind != ReportKind::Runbook {
        return Err(Failure::new(
            Exit::Input,
            "--run-verify is for `sluice report runbook`",
        ));
    }
    if !matches!(
        s.format,
        Format::Text | Format::Md | Format::Html | Format::Json
    ) {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "report does not write --format {}: use text, md, html or json",
                s.format.name()
            ),
        ));
    }
    let now = Timestamp::now().rfc3339();
    let generated_at = sluice_core::time::display(&now);
    let mut exit = Exit::Success;
    let mut buf: Vec<u8> = Vec::new();
    match args.kind {
        ReportKind::Pending => {
            let r = pending(s, generated_at)?;
            write(s, &r, || r.doc(), &mut buf)?;
        }
        ReportKind::Runbook => {
            let r = runbook(s, generated_at, args.run_verify)?;
            if r.verdict.as_ref().is_some_and(|v| v.overall != "PASS") {
                exit = Exit::ChecksFailed;
            }
            write(s, &r, || r.doc(), &mut buf)?;
        }
        ReportKind::Log => {
            let r = log(s, generated_at)?;
            write(s, &r, || r.doc(), &mut buf)?;
        }
        ReportKind::Status => {
            let r = status(s, generated_at)?;
            write(s, &r, || r.doc(), &mut buf)?;
        }
    }
    match &args.out {
        None => out.write_all(&buf)?,
        Some(path) => {
            std::fs::write(path, &buf).map_err(|e| {
                Failure::new(
                    Exit::Output,
                    format!("{}: cannot write the report: {e}", path.display()),
                )
            })?;
            writeln!(
                out,
                "wrote the {} report ({}) to {}",
                args.kind.name(),
                s.format.name(),
                path.display()
            )?;
        }
    }
    Ok(exit)
}

/// Writes a report in the chosen format: JSON from its data, the rest from its document.
fn write<T: serde::Serialize>(
    s: &Settings,
    data: &T,
    doc: impl FnOnce() -> Doc,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    match s.format {
        Format::Json => sluice_report::json(data, out)?,
        Format::Md => doc::markdown(&doc(), out)?,
        Format::Html => doc::html(&doc(), out)?,
        _ => doc::text(&doc(), s.style, out)?,
    }
    Ok(())
}

/// Whether the environment takes a backup before `up`.
fn backup(s: &Settings) -> bool {
    s.env_cfg.as_ref().is_some_and(|e| e.backup)
}

fn pending(s: &Settings, generated_at: String) -> Result<PendingReport, Failure> {
    let planned = super::plan::prepare(&TargetArgs::default(), s)?;
    let ms: Vec<&Migration> = planned
        .doc
        .migrations
        .iter()
        .filter_map(|i| planned.plan.get(&i.id))
        .collect();
    let mut report = PendingReport::new(PendingInput {
        generated_at,
        plan: &planned.doc,
        migrations: &ms,
        reports: &planned.reports,
        backup: backup(s),
    });
    if let Some(c) = planned.doc.compatibility.clone() {
        report.compatibility = c;
    }
    Ok(report)
}

fn runbook(s: &Settings, generated_at: String, run_verify: bool) -> Result<RunbookReport, Failure> {
    let (plan, mut history) = super::plan_and_history(s)?;
    let overview = history.overview(&plan, &s.env);
    // The order of application: applied ones as recorded, then the rest in plan order.
    let mut applied: Vec<(&Migration, sluice_core::State, i64)> = Vec::new();
    let mut rest: Vec<(&Migration, sluice_core::State)> = Vec::new();
    for e in &overview.entries {
        let Some(m) = e.migration else { continue };
        match (&e.record, e.state) {
            (Some(r), sluice_core::State::Applied) => {
                applied.push((m, e.state, r.applied_seq.unwrap_or(i64::MAX)));
            }
            _ if e.runs_here => rest.push((m, e.state)),
            _ => {}
        }
    }
    applied.sort_by_key(|(_, _, seq)| *seq);
    let order: Vec<(&Migration, sluice_core::State)> = applied
        .into_iter()
        .map(|(m, st, _)| (m, st))
        .chain(rest)
        .collect();
    let ms: Vec<&Migration> = order.iter().map(|(m, _)| *m).collect();
    super::analysis::check_allows(ms.iter().copied())?;
    let mut o = super::analysis::options(s, s.dialect)?;
    let reports = super::analysis::analyse_plan(&ms, &mut o, None)?;
    let mut engine = s.open(
        if run_verify {
            Access::Existing
        } else {
            Access::ReadOnly
        },
        "report",
    )?;
    let pending: Vec<&Migration> = order
        .iter()
        .filter(|(_, st)| *st != sluice_core::State::Applied)
        .map(|(m, _)| *m)
        .collect();
    let pending_reports: Vec<sluice_core::lint::Report> = order
        .iter()
        .zip(&reports)
        .filter(|((_, st), _)| *st != sluice_core::State::Applied)
        .map(|(_, r)| r.clone())
        .collect();
    let gates = if s.env_cfg.is_some() && !pending.is_empty() {
        let events = match engine.as_deref_mut() {
            Some(e) => super::gates::own_events(e)?,
            None => Vec::new(),
        };
        let assessed = super::analysis::assessed(&pending_reports);
        super::gates::check(s, &pending, &assessed, &events, &[])
    } else {
        Vec::new()
    };
    let verify = if run_verify {
        let Some(e) = engine.as_deref_mut() else {
            return Err(Failure::new(
                Exit::Refused,
                format!(
                    "the database {} does not exist: apply the migrations with `sluice up` before verifying them",
                    s.masked_url()
                ),
            ));
        };
        Some(run::verify(e, &plan, &s.env, &[])?)
    } else {
        None
    };
    Ok(RunbookReport::new(RunbookInput {
        generated_at,
        target: s.target(history.server),
        order,
        reports: &reports,
        gates,
        backup: backup(s),
        verify,
    }))
}

fn log(s: &Settings, generated_at: String) -> Result<LogReport, Failure> {
    let (plan, history) = super::plan_and_history(s)?;
    let events = match s.open(Access::ReadOnly, "report")? {
        Some(mut e) if history.initialised => e.events(&EventFilter::default())?,
        _ => Vec::new(),
    };
    let records = history.records;
    let ms: Vec<&Migration> = plan.migrations().iter().collect();
    super::analysis::check_allows(ms.iter().copied())?;
    let mut o = super::analysis::options(s, s.dialect)?;
    let reports = super::analysis::analyse_plan(&ms, &mut o, None)?;
    let environments = match &s.config {
        Some(cfg) if !cfg.environments.is_empty() => super::status::promotion_order(cfg)
            .into_iter()
            .map(|name| {
                let read = if name == s.env {
                    Ok(records.clone())
                } else {
                    super::gates::read_env_full(s, name).map(|r| r.records)
                };
                (name.to_string(), read)
            })
            .collect(),
        _ => vec![(s.env.clone(), Ok(records.clone()))],
    };
    let by_id = |id: &str| records.iter().find(|r| r.id.as_str() == id);
    Ok(LogReport::new(LogInput {
        generated_at,
        target: s.target(history.server),
        migrations: ms.iter().map(|m| (*m, by_id(m.id.as_str()))).collect(),
        missing: records
            .iter()
            .filter(|r| plan.get(r.id.as_str()).is_none())
            .collect(),
        reports: &reports,
        environments,
        events,
    }))
}

/// `report status`'s data: every environment and fleet, read now (`sluice serve` too).
/// An environment that cannot be read is shown as such, as the others are, instead of
/// failing the whole report: a dashboard goes on showing the rest.
pub(super) fn status_report(s: &Settings, generated_at: String) -> Result<StatusReport, Failure> {
    status_of(s, generated_at, true)
}

fn status(s: &Settings, generated_at: String) -> Result<StatusReport, Failure> {
    status_of(s, generated_at, false)
}

fn status_of(s: &Settings, generated_at: String, tolerant: bool) -> Result<StatusReport, Failure> {
    let own = |plan: &sluice_core::Plan| -> Result<Result<_, String>, Failure> {
        match own_status(s, plan) {
            Ok(r) => Ok(Ok(r)),
            Err(f) if tolerant => Ok(Err(f.error.to_string())),
            Err(f) => Err(f),
        }
    };
    let plan = s.plan()?;
    let mut envs = Vec::new();
    let names: Vec<String> = match &s.config {
        Some(cfg) if !cfg.environments.is_empty() => super::status::promotion_order(cfg)
            .into_iter()
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    if names.is_empty() {
        envs.push((s.env.clone(), own(&plan)?));
    }
    for name in names {
        // The chosen environment is read where this command points (`--url` wins).
        let read = if name == s.env {
            own(&plan)?
        } else {
            super::gates::read_env_full(s, &name).map(|r| {
                let overview = Overview::new(&plan, r.records, &name, r.live.as_ref());
                let doc = StatusDoc::new(
                    Target {
                        database: r.database,
                        server: r.server,
                        environment: name.clone(),
                    },
                    r.initialised,
                    &overview.entries,
                );
                (doc, r.events)
            })
        };
        envs.push((name, read));
    }
    let fleets = super::fleet::report(s, &plan);
    Ok(StatusReport::new(generated_at, envs, fleets))
}

/// `status`'s document and the events of the database this command points at.
fn own_status(
    s: &Settings,
    plan: &sluice_core::Plan,
) -> Result<(StatusDoc, Vec<sluice_core::engine::EventRow>), Failure> {
    let (server, initialised, records, events, live) = match s.open(Access::ReadOnly, "report")? {
        None => (None, false, Vec::new(), Vec::new(), None),
        Some(mut e) => {
            let server = Some(e.info().server);
            if e.state_exists()? {
                (
                    server,
                    true,
                    e.records()?,
                    e.events(&EventFilter::default())?,
                    super::live_run(e.as_mut()),
                )
            } else {
                (server, false, Vec::new(), Vec::new(), None)
            }
        }
    };
    let overview = Overview::new(plan, records, &s.env, live.as_ref());
    let doc = StatusDoc::new(s.target(server), initialised, &overview.entries);
    Ok((doc, events))
}
