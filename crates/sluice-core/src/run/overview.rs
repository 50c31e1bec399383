//! One database's history merged with the plan: the state of every migration, and the
//! problems that forbid writing.

use super::RunError;
use crate::engine::Record;
use crate::file::Migration;
use crate::id::{Checksum, MigrationId};
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
    /// The state (pending when there is no row).
    pub state: State,
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
    /// Merges the plan with the history rows.
    pub fn new(plan: &'p Plan, mut records: Vec<Record>, env: &str) -> Overview<'p> {
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
                let state = record.as_ref().map_or(State::Pending, |r| r.state);
                let drift = record
                    .as_ref()
                    .filter(|r| {
                        matches!(r.state, State::Applied | State::Partial)
                            && r.checksum != m.checksum
                    })
                    .map(|_| m.checksum.clone());
                Entry {
                    id: m.id.clone(),
                    migration: Some(m),
                    record,
                    state,
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
            entries.push(Entry {
                id: r.id.clone(),
                migration: None,
                state: r.state,
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
                    });
                }
                State::Applying | State::Reverting if !resume || e.state == State::Reverting => {
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
