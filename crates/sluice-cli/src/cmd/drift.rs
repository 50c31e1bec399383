//! `sluice drift`: builds, on a scratch database, the schema that the migrations recorded
//! as applied in the environment should make, and compares it with the live one.

use std::io::Write;

use sluice_core::State;
use sluice_core::schema::{self, Snapshot};
use sluice_engine::Access;
use sluice_report::DriftDoc;

use crate::args::{DriftArgs, Format};
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(args: DriftArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let plan = s.plan()?;
    let Some(mut live) = s.open(Access::ReadOnly, "drift")? else {
        return Err(Failure::new(
            Exit::Refused,
            format!(
                "the database {} does not exist: there is nothing to compare",
                s.masked_url()
            ),
        ));
    };
    let server = live.info().server;
    let mut records = if live.state_exists()? {
        live.records()?
    } else {
        Vec::new()
    };
    records.retain(|r| r.state == State::Applied);
    records.sort_by_key(|r| r.applied_seq.unwrap_or(i64::MAX));
    let mut files = Vec::new();
    let mut to_apply = Vec::new();
    for r in &records {
        match plan.get(r.id.as_str()) {
            None => files.push(format!(
                "{} is applied but its file is gone: the expected schema lacks what it made",
                r.id
            )),
            Some(m) => {
                if m.checksum != r.checksum {
                    files.push(format!(
                        "{} was edited after it was applied (recorded {}, file {}): the expected schema uses the file as it is now",
                        m.path.display(),
                        short(r.checksum.as_str()),
                        short(m.checksum.as_str())
                    ));
                }
                to_apply.push(m);
            }
        }
    }
    let dialect = live.info().dialect.name();
    let (mut objects, _) = live.snapshot(false)?;
    drop(live);
    // The history table of the tool whose layout this is (kept after `adopt`) is that
    // tool's, not the migrations'.
    objects.retain(|o| !sluice_core::adopt::is_tool_history(s.layout, o));
    let actual = Snapshot::new(dialect, objects);
    let expected = build_expected(s, args.scratch_url.as_deref(), &to_apply, dialect)?;
    let diffs = schema::diff(&expected, &actual);
    let doc = DriftDoc::new(s.target(Some(server)), files, &diffs, to_apply.len());
    match s.format {
        Format::Text => sluice_report::drift_text(&doc, s.style, out)?,
        Format::Json => sluice_report::json(&doc, out)?,
        Format::Md => sluice_report::drift_md(&doc, out)?,
        other => return Err(super::unsupported("drift", other.name())),
    }
    Ok(if doc.drift {
        Exit::MigrationFailed
    } else {
        Exit::Success
    })
}

/// `v1:1a2b3c4d5e6f` — enough of a checksum to tell two apart.
fn short(c: &str) -> &str {
    &c[..c.len().min(15)]
}

/// The schema `migrations` make, applied in order on a fresh scratch database (dropped
/// again before this returns).
pub(super) fn build_expected(
    s: &Settings,
    scratch_url: Option<&str>,
    to_apply: &[&sluice_core::Migration],
    dialect: &'static str,
) -> Result<Snapshot, Failure> {
    let scratch = super::scratch(s, scratch_url)?;
    let expected = {
        let mut e = super::open_scratch(s, &scratch.url, "drift")?;
        let transactional = e.capabilities().transactional_ddl;
        for m in to_apply {
            let in_tx = transactional && m.meta.transaction;
            let applied = (|| {
                if in_tx {
                    e.begin()?;
                }
                for st in &m.up.statements {
                    e.execute(&st.sql).map_err(|err| {
                        sluice_core::engine::DbError::msg(format!(
                            "{}:{}: {}",
                            m.path.display(),
                            st.line,
                            err.short()
                        ))
                    })?;
                }
                if in_tx {
                    e.commit()?;
                }
                Ok::<(), sluice_core::engine::DbError>(())
            })();
            if let Err(err) = applied {
                return Err(Failure::new(
                    Exit::MigrationFailed,
                    format!(
                        "cannot build the expected schema: {} failed on the scratch database: {err}",
                        m.id
                    ),
                ));
            }
        }
        let (objects, _) = e.snapshot(false)?;
        Snapshot::new(dialect, objects)
    };
    scratch.remove()?;
    Ok(expected)
}
