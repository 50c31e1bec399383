//! Rule `add-primary-key`: see the doc comment of [`RULE`].

use super::alter;
use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::Dialect;
use sluice_sql::parse::{Action, Constraint, ConstraintKind};

crate::rule! {
    /// Flags `ADD PRIMARY KEY (…)` without `USING INDEX` on a table that existed before the
    /// migration, and MySQL `DROP PRIMARY KEY` without an `ADD PRIMARY KEY` in the same statement.
    ///
    /// **Why it is dangerous.** PostgreSQL builds the index and checks every key column for NULLs
    /// under `ACCESS EXCLUSIVE` (measured: 889 ms per million rows). MariaDB rebuilds the table
    /// (INPLACE); dropping the key alone is a COPY (measured).
    ///
    /// **Instead.** `CREATE UNIQUE INDEX CONCURRENTLY`, `SET NOT NULL` via a validated check, then
    /// `ADD CONSTRAINT pk PRIMARY KEY USING INDEX idx`.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE events ADD PRIMARY KEY (id);
    /// ```
    pub static RULE = Rule {
        id: "add-primary-key",
        severity: Severity::High,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "the key's index is built (and its columns checked for NULLs) under ACCESS EXCLUSIVE on PostgreSQL; MySQL/MariaDB rebuild the table, or copy it when the key is dropped alone",
        instead: "PostgreSQL: CREATE UNIQUE INDEX CONCURRENTLY, make the columns NOT NULL the safe way, then ADD CONSTRAINT … PRIMARY KEY USING INDEX",
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
    let adds = actions.iter().any(|a| {
        matches!(
            a,
            Action::AddConstraint(Constraint {
                kind: ConstraintKind::PrimaryKey { .. },
                ..
            })
        )
    });
    for a in actions {
        match a {
            Action::AddConstraint(Constraint {
                kind:
                    ConstraintKind::PrimaryKey {
                        using_index: None, ..
                    },
                ..
            }) => {
                out.push(
                    Hit::new(format!(
                        "primary key on {table} is built under a lock that blocks {}",
                        if cx.dialect() == Dialect::Postgres {
                            "reads and writes"
                        } else {
                            "the table for a rebuild"
                        }
                    ))
                    .mark("PRIMARY")
                    .sized(table),
                );
            }
            Action::DropPrimaryKey if !adds => {
                out.push(
                    Hit::new(format!(
                        "dropping the primary key of {table} alone copies the table"
                    ))
                    .mark("PRIMARY")
                    .sized(table),
                );
            }
            _ => {}
        }
    }
}
