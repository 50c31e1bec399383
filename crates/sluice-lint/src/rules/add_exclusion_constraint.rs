//! Rule `add-exclusion-constraint`: see the doc comment of [`RULE`].

use super::alter;
use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::{Action, Constraint, ConstraintKind};

crate::rule! {
    /// Flags `ADD CONSTRAINT … EXCLUDE` on a table that existed before the migration.
    ///
    /// **Why it is dangerous.** Measured on PostgreSQL 15: 3.8 s per million rows under `ACCESS
    /// EXCLUSIVE`; `NOT VALID` is refused (`EXCLUDE constraints cannot be marked NOT VALID`).
    ///
    /// **Instead.** A new table with the constraint, filled and swapped, or a window.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);
    /// ```
    pub static RULE = Rule {
        id: "add-exclusion-constraint",
        severity: Severity::High,
        dialects: PG,
        default_on: true,
        why: "the exclusion constraint's index is built under ACCESS EXCLUSIVE; there is no NOT VALID or USING INDEX way around it",
        instead: "build it on a new table and swap, or accept a maintenance window",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let Some((table, actions)) = alter(cx) else {
        return;
    };
    if cx.is_new(table) {
        return;
    }
    for a in actions {
        if let Action::AddConstraint(Constraint {
            kind: ConstraintKind::Exclude,
            ..
        }) = a
        {
            out.push(
                Hit::new(format!(
                    "exclusion constraint on {table} builds its index under ACCESS EXCLUSIVE"
                ))
                .mark("EXCLUDE")
                .sized(table),
            );
        }
    }
}
