//! `sluice verify`: runs verify sections; a PASS/FAIL verdict per check. Everything the
//! checks change is rolled back.

use std::io::Write;

use sluice_core::run;
use sluice_engine::Access;
use sluice_report::VerifyDoc;

use crate::args::VerifyArgs;
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(args: VerifyArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let plan = s.plan()?;
    let Some(mut engine) = s.open(Access::Existing, "verify")? else {
        return Err(Failure::new(
            Exit::Refused,
            format!(
                "the database {} does not exist: apply the migrations with `sluice up` before verifying them",
                s.masked_url()
            ),
        ));
    };
    let checks = run::verify(engine.as_mut(), &plan, &s.env, &args.ids)?;
    // The verdicts are recorded, so that the environments after this one can see that
    // these migrations were verified here (the promotion gate).
    if !checks.is_empty() && engine.state_exists()? {
        run::record_verification(engine.as_mut(), &s.run_context(), &plan, &checks)?;
    }
    let doc = VerifyDoc::new(s.target(Some(engine.info().server)), checks);
    super::emit(
        s,
        &doc,
        |d, st, o| sluice_report::verify_text(d, st, o),
        out,
    )?;
    let mut failed = doc.failed;
    if args.on_replicas {
        failed += on_replicas(&args, s, &plan, engine.as_mut(), out)?;
    }
    Ok(if failed == 0 {
        Exit::Success
    } else {
        Exit::ChecksFailed
    })
}

/// The checks again on each replica, once it has replayed everything the primary wrote;
/// the number that failed. A check that writes cannot run on a read-only replica: it is
/// left out, and said so.
fn on_replicas(
    args: &VerifyArgs,
    s: &Settings,
    plan: &sluice_core::Plan,
    primary: &mut dyn sluice_core::Engine,
    out: &mut dyn Write,
) -> Result<usize, Failure> {
    let Some(replicas) = sluice_engine::replicas::of_env(
        s.dialect,
        &s.env,
        s.env_cfg.as_ref(),
        s.config.as_ref(),
        &s.run,
        std::sync::Arc::new(sluice_core::run::SystemClock),
    )
    .map_err(|e| Failure::new(Exit::Input, e))?
    else {
        return Err(Failure::new(
            Exit::Input,
            format!(
                "--on-replicas: environment {} has no replicas: list them in sluice.toml (`replicas = [\"env:REPLICA_URL\"]`)",
                s.env
            ),
        ));
    };
    replicas
        .wait_caught_up(primary)
        .map_err(|e| Failure::new(Exit::Refused, format!("--on-replicas: {e}")))?;
    let ctx = s.run_context();
    let mut failed = 0;
    for url in replicas.urls() {
        let shown = sluice_core::config::mask_url(url);
        let opts = sluice_engine::OpenOptions {
            access: Access::ReadOnly,
            application: "sluice/verify-replica".into(),
            state: s.state.clone(),
            session: s.run.session.clone(),
        };
        let Some(mut replica) = sluice_engine::open(url, &s.project, &opts)? else {
            return Err(Failure::new(
                Exit::Database,
                format!("replica {shown} does not exist"),
            ));
        };
        let checks = run::verify(replica.as_mut(), plan, &s.env, &args.ids)?;
        let (writes, checks): (Vec<_>, Vec<_>) = checks
            .into_iter()
            .partition(|c| !c.passed && c.detail.contains("read-only transaction"));
        let doc = VerifyDoc::new(
            sluice_report::Target {
                database: format!("{shown} (replica)"),
                server: Some(replica.info().server),
                environment: s.env.clone(),
            },
            checks,
        );
        super::emit(
            s,
            &doc,
            |d, st, o| sluice_report::verify_text(d, st, o),
            out,
        )?;
        if !writes.is_empty() && s.format == crate::args::Format::Text {
            writeln!(
                out,
                "{} check(s) that write were not run on {shown}: a replica is read-only",
                writes.len()
            )?;
        }
        failed += doc.failed;
        run::record_note(
            primary,
            &ctx,
            None,
            format!(
                "verified on replica {shown}: {} passed, {} failed, {} not run (they write)",
                doc.passed,
                doc.failed,
                writes.len()
            ),
            serde_json::json!({ "replica": shown, "passed": doc.passed, "failed": doc.failed, "not_run": writes.len(), "env": s.env }),
        )?;
    }
    Ok(failed)
}
