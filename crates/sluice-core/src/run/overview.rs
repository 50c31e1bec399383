//! One database's history merged with the plan: the state of every migration, and the
//! problems that forbid writing.

use super::{RunContext, RunError};
use crate::engine::{Event, Record};
use crate::file::Migration;
use crate::id::{Checksum, MigrationId, RunId};
use crate::plan::Plan;
use crate::state::State;

/// One migration as the database sees it, merged with its file.
#[derive(Clone, Debug)]
pub struct Entry<'p> {
    /// The id.
    pub id: MigrationId,
    /// The file, unless it is missing.
    pub migration: Option<&'p Migration>,
    /// The history row, if any.
    pub record: Option<Record>,
    /// The state (pending when there is no row). A row left `applying` by a run that no
    /// longer holds the lock reads as what it is: `partial` when statements ran or one is
    /// in doubt, `failed` when none ran (the row itself still says `applying`).
    pub state: State,
    /// The row belongs to a run that stopped part way (killed, or cut off from the server):
    /// it says `applying` or `reverting`, and that run no longer holds the lock.
    pub interrupted: bool,
    /// The statement (1-based) that had started and was not recorded done: in flight while
    /// its run holds the lock, in doubt once that run is gone.
    pub in_doubt: Option<u32>,
    /// The file's checksum when it differs from the recorded one of an applied migration.
    pub drift: Option<Checksum>,
    /// Pending, but ordered before an applied migration.
    pub late: bool,
    /// Whether it runs in this environment (`environments` header).
    pub runs_here: bool,
}

/// The state of every migration of the plan in one database.
#[derive(Clone, Debug)]
pub struct Overview<'p> {
    /// Plan order first, then applied migrations whose file is missing.
    pub entries: Vec<Entry<'p>>,
}

impl<'p> Overview<'p> {
    /// Merges the plan with the history rows; `live` is the run that holds the migration
    /// lock now (`None`: nobody), so that rows of runs that are gone read as what they are.
    pub fn new(
        plan: &'p Plan,
        mut records: Vec<Record>,
        env: &str,
        live: Option<&RunId>,
    ) -> Overview<'p> {
        records.sort_by_key(|r| r.applied_seq.unwrap_or(i64::MAX));
        let mut by_id: std::collections::HashMap<String, Record> = records
            .into_iter()
            .map(|r| (r.id.as_str().to_string(), r))
            .collect();
        let mut entries: Vec<Entry<'p>> = plan
            .migrations()
            .iter()
            .map(|m| {
                let record = by_id.remove(m.id.as_str());
                let (state, interrupted, in_doubt) = effective(record.as_ref(), live);
                let drift = record
                    .as_ref()
                    .filter(|r| {
                        matches!(state, State::Applied | State::Partial) && r.checksum != m.checksum
                    })
                    .map(|_| m.checksum.clone());
                Entry {
                    id: m.id.clone(),
                    migration: Some(m),
                    record,
                    state,
                    interrupted,
                    in_doubt,
                    drift,
                    late: false,
                    runs_here: m.runs_in(env),
                }
            })
            .collect();
        let last_applied = entries.iter().rposition(|e| e.state == State::Applied);
        if let Some(last) = last_applied {
            for e in &mut entries[..last] {
                e.late = e.runs_here && matches!(e.state, State::Pending | State::Failed);
            }
        }
        let mut missing: Vec<Record> = by_id
            .into_values()
            .filter(|r| r.state != State::Pending)
            .collect();
        missing.sort_by_key(|r| r.applied_seq.unwrap_or(i64::MAX));
        for r in missing {
            let (state, interrupted, in_doubt) = effective(Some(&r), live);
            entries.push(Entry {
                id: r.id.clone(),
                migration: None,
                state,
                interrupted,
                in_doubt,
                record: Some(r),
                drift: None,
                late: false,
                runs_here: true,
            });
        }
        Overview { entries }
    }

    /// The entry for `id`.
    pub fn get(&self, id: &str) -> Option<&Entry<'p>> {
        self.entries.iter().find(|e| e.id.as_str() == id)
    }

    /// Applied migrations, newest first (the order of `down`).
    pub fn applied_newest_first(&self) -> Vec<&Entry<'p>> {
        let mut v: Vec<&Entry<'p>> = self
            .entries
            .iter()
            .filter(|e| matches!(e.state, State::Applied | State::Partial))
            .collect();
        // A migration left partial by `up` has no place in the applied order yet: it is
        // the newest (up stops at the first failure).
        v.sort_by_key(|e| {
            std::cmp::Reverse(
                e.record
                    .as_ref()
                    .and_then(|r| r.applied_seq)
                    .unwrap_or(i64::MAX),
            )
        });
        v
    }

    /// The first problem that forbids writing: drift, a missing file, a partial or
    /// interrupted migration (unless `resume`, which continues those).
    pub fn check_writable(&self, resume: bool) -> Result<(), RunError> {
        self.check(resume, false)
    }

    /// As [`Overview::check_writable`], for `down`: a partial migration may be reverted by
    /// the down section its author wrote.
    pub(super) fn check_revertable(&self) -> Result<(), RunError> {
        self.check(false, true)
    }

    fn check(&self, resume: bool, down: bool) -> Result<(), RunError> {
        for e in &self.entries {
            match (e.migration, &e.drift, &e.record) {
                (Some(m), Some(actual), Some(r)) if !(resume && e.state == State::Partial) => {
                    return Err(RunError::ChecksumMismatch {
                        id: e.id.clone(),
                        path: m.path.clone(),
                        recorded: r.checksum.clone(),
                        actual: actual.clone(),
                    });
                }
                (None, _, Some(r)) => {
                    return Err(RunError::MissingFile {
                        id: e.id.clone(),
                        state: r.state,
                    });
                }
                _ => {}
            }
            let Some(r) = &e.record else { continue };
            match e.state {
                State::Partial if !resume && !down => {
                    return Err(RunError::Partial {
                        id: e.id.clone(),
                        done: r.statements_done,
                        total: r.statements_total,
                        stopped: e.interrupted.then_some(e.in_doubt),
                    });
                }
                State::Partial if down && e.in_doubt.is_some() => {
                    // The down section was written for a known point; this one is not.
                    return Err(RunError::Partial {
                        id: e.id.clone(),
                        done: r.statements_done,
                        total: r.statements_total,
                        stopped: Some(e.in_doubt),
                    });
                }
                State::Reverting | State::Applying => {
                    return Err(RunError::Interrupted {
                        id: e.id.clone(),
                        state: e.state,
                        done: r.statements_done,
                        total: r.statements_total,
                    });
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl Entry<'_> {
    /// The event that records what a run found when it took over this migration from a
    /// run that stopped: `applying → partial` (or `→ failed` when none of it ran), with the
    /// statement in doubt. `None` when the row is not interrupted.
    pub(super) fn takeover_event(&self, ctx: &RunContext) -> Option<Event> {
        let r = self.record.as_ref().filter(|_| self.interrupted)?;
        let what = match (self.in_doubt, r.statements_done) {
            (Some(k), done) => format!(
                "statements 1–{done} of {} done, statement {k} started and not recorded done: in doubt",
                r.statements_total
            ),
            (None, 0) => "none of its statements had run".to_string(),
            (None, done) => format!("statements 1–{done} of {} done", r.statements_total),
        };
        let mut ev = ctx.event(Some(&self.id), Some(r.state), Some(self.state), true);
        ev.checksum = Some(r.checksum.clone());
        ev.reason = Some(format!(
            "run {} stopped while {} it (killed, or cut off from the server): {what}",
            r.run_id,
            if r.state == State::Reverting {
                "reverting"
            } else {
                "applying"
            }
        ));
        ev.details["stopped_run"] = serde_json::json!(r.run_id.as_str());
        if let Some(k) = self.in_doubt {
            ev.details["in_doubt"] = serde_json::json!(k);
        }
        Some(ev)
    }
}

/// What a history row means now: its state, whether its run stopped part way, and the
/// statement in flight (or in doubt).
fn effective(r: Option<&Record>, live: Option<&RunId>) -> (State, bool, Option<u32>) {
    let Some(r) = r else {
        return (State::Pending, false, None);
    };
    let gone = live != Some(&r.run_id);
    match r.state {
        State::Applying if gone => match (r.started_statement, r.statements_done) {
            (Some(k), _) => (State::Partial, true, Some(k)),
            (None, 0) => (State::Failed, true, None),
            (None, _) => (State::Partial, true, None),
        },
        State::Reverting if gone => (State::Reverting, true, None),
        s => (
            s,
            false,
            r.started_statement.filter(|_| s == State::Applying),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::Checksum;

    fn row(state: State, run: &str, done: u32, started: Option<u32>) -> Record {
        Record {
            id: MigrationId::parse("M1").unwrap(),
            state,
            checksum: Checksum::v1("x"),
            applied_seq: None,
            applied_at: None,
            applied_by: None,
            run_id: RunId::from_recorded(run.into()),
            duration_ms: None,
            statements_total: 3,
            statements_done: done,
            done_checksum: None,
            started_statement: started,
            started_checksum: None,
            last_error: None,
            updated_at: String::new(),
        }
    }

    #[test]
    fn a_row_of_a_run_that_is_gone_reads_as_what_it_is() {
        let live = RunId::from_recorded("run_live".into());
        let gone = "run_gone";
        // A statement started and not recorded done: partial, that statement in doubt.
        let r = row(State::Applying, gone, 1, Some(2));
        assert_eq!(effective(Some(&r), None), (State::Partial, true, Some(2)));
        assert_eq!(
            effective(Some(&r), Some(&live)),
            (State::Partial, true, Some(2))
        );
        // Statements done, none started: partial, nothing in doubt.
        let r = row(State::Applying, gone, 2, None);
        assert_eq!(effective(Some(&r), None), (State::Partial, true, None));
        // None ran (a transactional migration whose run died, or one waiting to retry).
        let r = row(State::Applying, gone, 0, None);
        assert_eq!(effective(Some(&r), None), (State::Failed, true, None));
        // Its own run still holds the lock: in flight, not interrupted.
        let r = row(State::Applying, "run_live", 1, Some(2));
        assert_eq!(
            effective(Some(&r), Some(&live)),
            (State::Applying, false, Some(2))
        );
        let r = row(State::Reverting, gone, 3, None);
        assert_eq!(effective(Some(&r), None), (State::Reverting, true, None));
        let r = row(State::Applied, gone, 3, None);
        assert_eq!(effective(Some(&r), None), (State::Applied, false, None));
        assert_eq!(effective(None, None), (State::Pending, false, None));
    }
}
