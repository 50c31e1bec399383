//! `sluice test`: every migration proven on a scratch database that is dropped afterwards.

use std::io::Write;
use std::time::Instant;

use sluice_core::engine::{DbError, Timeouts};
use sluice_core::proof::{self, Limits, TestOptions};
use sluice_report::TestDoc;

use crate::args::{Format, TestArgs};
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(args: TestArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let plan = s.plan()?;
    let started = Instant::now();
    let ctx = s.run_context();
    let first = super::scratch(s, args.scratch_url.as_deref())?;
    let engine = super::open_scratch(s, &first.url, ctx.run_id.as_str())?;
    let shown = sluice_core::config::mask_url(&first.url);
    // More scratch databases when a step leaves one unusable; all dropped at the end.
    let mut more: Vec<sluice_engine::scratch::Scratch> = Vec::new();
    let mut fresh = || -> Result<Box<dyn sluice_core::Engine>, DbError> {
        let next = super::scratch(s, args.scratch_url.as_deref())
            .map_err(|f| DbError::msg(format!("a new scratch database: {}", f.error)))?;
        let engine = super::open_scratch(s, &next.url, ctx.run_id.as_str())
            .map_err(|f| DbError::msg(format!("a new scratch database: {}", f.error)))?;
        more.push(next);
        Ok(engine)
    };
    // On a terminal: the migrations proven so far, the one being proven and the time.
    let bar = crate::progress::Bar::new(plan.migrations().len(), "migrations");
    let mut seen = 0usize;
    let mut progress = |m: &sluice_core::Migration| {
        if seen > 0 {
            bar.step();
        }
        seen += 1;
        bar.doing(&format!("proving {}: up, verify, down, up", m.id));
    };
    let report = proof::test(
        engine,
        &mut fresh,
        &ctx,
        &plan,
        TestOptions {
            idempotent: args.idempotent,
            with_data: args.with_data,
            fail_fast: args.fail_fast,
        },
        &Limits {
            timeouts: Timeouts {
                lock: s.run.lock_timeout,
                statement: s.run.statement_timeout,
            },
        },
        &mut progress,
    );
    bar.done();
    first.remove()?;
    for m in &more {
        m.remove()?;
    }
    let report = report?;
    let doc = TestDoc::new(
        shown,
        &report,
        started.elapsed().as_millis() as u64,
        report.database_time.as_millis() as u64,
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
