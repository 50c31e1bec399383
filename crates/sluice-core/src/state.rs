//! The states of one migration in one database, and which transitions are allowed.
//!
//! `pending → applying → applied → reverting → pending`, with `failed` (a transactional
//! migration that failed: rolled back, error kept) and `partial` (a non-transactional one
//! that stopped at statement k of n). Every other transition is refused, and the refusal
//! is recorded as an event with its reason.

use std::fmt;
use std::str::FromStr;

/// The state of a migration in a database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Not applied.
    Pending,
    /// Being applied (only ever seen from outside while a non-transactional one runs).
    Applying,
    /// Applied.
    Applied,
    /// Being reverted.
    Reverting,
    /// A transactional migration failed and was rolled back; the error is kept.
    Failed,
    /// A non-transactional migration stopped part way; `statements_done` says where.
    Partial,
}

impl State {
    /// The state's name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Applying => "applying",
            State::Applied => "applied",
            State::Reverting => "reverting",
            State::Failed => "failed",
            State::Partial => "partial",
        }
    }

    /// Whether `self → to` is an allowed transition.
    pub fn can_go_to(self, to: State) -> bool {
        use State::*;
        matches!(
            (self, to),
            (Pending | Failed | Partial, Applying)
                | (Applying, Applied | Failed | Partial)
                | (Applied | Partial, Reverting)
                | (Reverting, Pending | Applied | Partial)
        )
    }
}

impl State {
    /// Whether a manual repair (`sluice resolve`) may record `self → to`: only a migration
    /// left half-way (failed, partial, or a run that died while applying or reverting) can
    /// be declared applied or reverted by hand.
    pub fn can_resolve_to(self, to: State) -> bool {
        use State::*;
        matches!(self, Failed | Partial | Applying | Reverting) && matches!(to, Applied | Pending)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for State {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "pending" => State::Pending,
            "applying" => State::Applying,
            "applied" => State::Applied,
            "reverting" => State::Reverting,
            "failed" => State::Failed,
            "partial" => State::Partial,
            other => return Err(format!("unknown state `{other}` in the history table")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::State::*;
    use super::*;

    #[test]
    fn only_the_documented_transitions_are_allowed() {
        let all = [Pending, Applying, Applied, Reverting, Failed, Partial];
        let allowed: Vec<_> = all
            .iter()
            .flat_map(|&a| all.iter().map(move |&b| (a, b)))
            .filter(|(a, b)| a.can_go_to(*b))
            .map(|(a, b)| format!("{a}->{b}"))
            .collect();
        assert_eq!(
            allowed,
            [
                "pending->applying",
                "applying->applied",
                "applying->failed",
                "applying->partial",
                "applied->reverting",
                "reverting->pending",
                "reverting->applied",
                "reverting->partial",
                "failed->applying",
                "partial->applying",
                "partial->reverting",
            ]
        );
        for s in all {
            assert_eq!(s.as_str().parse::<State>().unwrap(), s);
        }
    }
}
