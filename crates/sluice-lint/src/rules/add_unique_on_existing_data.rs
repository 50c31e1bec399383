//! Rule `add-unique-on-existing-data`: see the doc comment of [`RULE`].

use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::parse::{Action, Constraint, ConstraintKind, Stmt};

crate::rule! {
    /// Flags `CREATE UNIQUE INDEX` and `ADD … UNIQUE` on a table that existed before the migration.
    ///
    /// **Why it is dangerous.** The outcome depends on production data: duplicates make the
    /// migration fail (and `CONCURRENTLY` leaves an `INVALID` index to drop).
    ///
    /// **Instead.** A duplicate check in the migration's `verify` section or before it.
    ///
    /// ```sql
    /// -- flagged
    /// CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);
    /// ```
    pub static RULE = Rule {
        id: "add-unique-on-existing-data",
        severity: Severity::Medium,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "a new unique index or constraint on existing rows fails if they hold duplicates (a failed CONCURRENTLY build also leaves an INVALID index behind)",
        instead: "check for duplicates first (SELECT col, count(*) … GROUP BY col HAVING count(*) > 1); after CONCURRENTLY, check pg_index.indisvalid",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    match cx.stmt {
        Stmt::CreateIndex {
            table,
            unique: true,
            ..
        } if !cx.is_new(table) => {
            out.push(
                Hit::new(format!(
                    "unique index on existing rows of {table}: fails if they hold duplicates"
                ))
                .mark("UNIQUE"),
            );
        }
        Stmt::AlterTable { name, actions, .. } if !cx.is_new(name) => {
            for a in actions {
                if let Action::AddConstraint(Constraint {
                    kind:
                        ConstraintKind::Unique {
                            using_index: None, ..
                        },
                    ..
                }) = a
                {
                    out.push(Hit::new(format!("unique constraint on existing rows of {name}: fails if they hold duplicates")).mark("UNIQUE"));
                }
            }
        }
        _ => {}
    }
}
