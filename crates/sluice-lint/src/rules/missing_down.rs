//! Rule `missing-down`: see the doc comment of [`RULE`].

use crate::{ALL_DIALECTS, Cx, Hit, Severity};

crate::rule! {
    /// Reported once per sluice migration file with neither a `-- sluice:down` section nor
    /// `-- irreversible: true` in its header, at its `-- sluice:up` line. `lint` reports it
    /// with everything else it finds; every other command refuses the plan until the file
    /// says how it is rolled back.
    ///
    /// **Why it matters.** `sluice down`, `sluice test` and the rollback plan of the reports
    /// need to know whether a migration can be undone.
    ///
    /// **Instead.** Write the rollback SQL under `-- sluice:down`, or declare
    /// `-- irreversible: true`.
    pub static RULE = Rule {
        id: "missing-down",
        severity: Severity::High,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "without a down section or `irreversible: true`, nobody knows how this migration is undone; every command but lint refuses the plan",
        instead: "write the rollback SQL under `-- sluice:down`, or declare `-- irreversible: true` in the header",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let _ = (cx, out);
}
