//! `sluice plan`: what `up` would run, in order, with its SQL. Never writes.

use std::io::Write;

use sluice_core::run::{UpOptions, plan_up};
use sluice_report::{PlanDoc, PlanItem, SCHEMA_VERSION};

use crate::args::TargetArgs;
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(args: TargetArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let planned = prepare(&args, s)?;
    super::emit(
        s,
        &planned.doc,
        |d, st, o| sluice_report::plan_text(d, st, o),
        out,
    )?;
    // The process ends here: the system takes the memory back faster than freeing the
    // analysis of every migration one allocation at a time would.
    std::mem::forget(planned);
    Ok(Exit::Success)
}

/// What `plan` shows, and what `report pending` is built from: the plan, `plan`'s
/// document and the analysis of each migration in it.
pub struct Planned {
    /// The migrations as loaded.
    pub plan: sluice_core::Plan,
    /// `plan`'s document.
    pub doc: PlanDoc,
    /// The safety analysis of each migration of `doc`, in order.
    pub reports: Vec<sluice_core::lint::Report>,
}

/// Reads the files and the database and analyses what `up` would apply.
pub fn prepare(args: &TargetArgs, s: &Settings) -> Result<Planned, Failure> {
    let (plan, mut history) = super::plan_and_history(s)?;
    let overview = history.overview(&plan, &s.env);
    let opts = UpOptions {
        to: args.to.clone(),
        count: args.count,
        late: Some(s.run.late),
        ..UpOptions::default()
    };
    let chosen = plan_up(&plan, &overview, &opts, &s.env)?;
    let apply: Vec<&sluice_core::Migration> = chosen.apply.iter().map(|(m, _)| *m).collect();
    let mut engine = if apply.is_empty() {
        None
    } else {
        s.open(sluice_engine::Access::ReadOnly, "plan")?
    };
    let reports = super::analysis::assess(s, &apply, engine.as_mut())?;
    let gates = if s.env_cfg.is_some() && !apply.is_empty() {
        let events = match engine.as_deref_mut() {
            Some(e) => super::gates::own_events(e)?,
            None => Vec::new(),
        };
        let assessed = super::analysis::assessed(&reports);
        super::gates::check(s, &apply, &assessed, &events, &args.confirm)
    } else {
        Vec::new()
    };
    let doc = PlanDoc {
        schema_version: SCHEMA_VERSION,
        target: s.target(history.server),
        migrations: chosen
            .apply
            .iter()
            .zip(&reports)
            .map(|((m, late), r)| PlanItem::new(m, *late, r))
            .collect(),
        skipped: chosen
            .skipped_env
            .iter()
            .map(|m| m.id.to_string())
            .collect(),
        gates,
        session: s.run.session.clone(),
        compatibility: if apply.is_empty() {
            None
        } else {
            super::compat::summary(s)
        },
    };
    drop(chosen);
    drop(overview);
    Ok(Planned { plan, doc, reports })
}
