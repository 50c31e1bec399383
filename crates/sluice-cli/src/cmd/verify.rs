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
    Ok(if doc.failed == 0 {
        Exit::Success
    } else {
        Exit::ChecksFailed
    })
}
