//! Rule `add-unique-constraint`: see the doc comment of [`RULE`].

use super::alter;
use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::{Action, Constraint, ConstraintKind};

crate::rule! {
    /// Flags `ADD CONSTRAINT … UNIQUE (…)` and `ADD COLUMN … UNIQUE` without `USING INDEX` on a
    /// table that existed before the migration.
    ///
    /// **Why it is dangerous.** The index is built while `ACCESS EXCLUSIVE` is held (measured:
    /// 692 ms per million rows). `NOT VALID` is refused for UNIQUE (`UNIQUE constraints cannot be
    /// marked NOT VALID`, verified) — squawk suggests it anyway; sluice does not.
    ///
    /// **Instead.** `CREATE UNIQUE INDEX CONCURRENTLY i …` in a non-transactional migration, then
    /// `ALTER TABLE … ADD CONSTRAINT c UNIQUE USING INDEX i` (brief lock, no build).
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
    /// -- instead
    /// CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);
    /// ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;
    /// ```
    pub static RULE = Rule {
        id: "add-unique-constraint",
        severity: Severity::High,
        dialects: PG,
        default_on: true,
        why: "the unique index is built under ACCESS EXCLUSIVE: reads and writes wait for the whole build (UNIQUE cannot be NOT VALID)",
        instead: "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX",
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
        match a {
            Action::AddConstraint(Constraint {
                kind:
                    ConstraintKind::Unique {
                        using_index: None, ..
                    },
                ..
            }) => {
                out.push(
                    Hit::new(format!(
                        "unique constraint on {table} builds its index under ACCESS EXCLUSIVE"
                    ))
                    .mark("UNIQUE")
                    .sized(table),
                );
            }
            Action::AddColumn { column, .. } if column.unique => {
                out.push(
                    Hit::new(format!(
                        "UNIQUE column {table}.{} builds its index under ACCESS EXCLUSIVE",
                        column.name
                    ))
                    .mark("UNIQUE")
                    .sized(table),
                );
            }
            _ => {}
        }
    }
}
