//! `sluice test`: every migration proven on a scratch database that is dropped afterwards.

use std::io::Write;
use std::time::Instant;

use sluice_core::engine::Timeouts;
use sluice_core::proof::{self, Limits, TestOptions};
use sluice_report::TestDoc;

use crate::args::{Format, TestArgs};
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(args: TestArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let plan = s.plan()?;
    let started = Instant::now();
    let scratch = super::scratch(s, args.scratch_url.as_deref())?;
    let ctx = s.run_context();
    let (report, database) = {
        let mut engine = super::open_scratch(s, &scratch.url, ctx.run_id.as_str())?;
        let mut timed = sluice_core::timed::Timed::new(engine.as_mut());
        let report = proof::test(
            &mut timed,
            &ctx,
            &plan,
            TestOptions {
                idempotent: args.idempotent,
                with_data: args.with_data,
            },
            &Limits {
                timeouts: Timeouts {
                    lock: s.lock_timeout,
                    statement: s.statement_timeout,
                },
            },
        )?;
        (report, timed.spent)
    };
    let shown = sluice_core::config::mask_url(&scratch.url);
    scratch.remove()?;
    let doc = TestDoc::new(
        shown,
        &report,
        started.elapsed().as_millis() as u64,
        database.as_millis() as u64,
    );
    match s.format {
        Format::Text => sluice_report::test_text(&doc, s.style, out)?,
        Format::Json => sluice_report::json(&doc, out)?,
        Format::Junit => sluice_report::test_junit(&doc, out)?,
        other => return Err(super::unsupported("test", other.name())),
    }
    Ok(if report.passed() {
        Exit::Success
    } else {
        Exit::ChecksFailed
    })
}
