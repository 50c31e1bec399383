//! Rule `mysql-not-null-implicit-default`: see the doc comment of [`RULE`].

use super::alter;
use crate::{Cx, Hit, MY, Severity};
use sluice_sql::parse::Action;

crate::rule! {
    /// Flags `ADD COLUMN … NOT NULL` without `DEFAULT` on an existing MySQL/MariaDB table.
    ///
    /// **Why it is dangerous.** Verified on MariaDB 10.11: the ALTER succeeds INSTANT and every
    /// existing row holds the zero value, which looks like real data.
    ///
    /// **Instead.** An explicit default.
    pub static RULE = Rule {
        id: "mysql-not-null-implicit-default",
        severity: Severity::Medium,
        dialects: MY,
        default_on: true,
        why: "existing rows silently get the type's implicit zero value (0, '', a zero date) for a NOT NULL column added without DEFAULT",
        instead: "give an explicit DEFAULT, or add nullable + backfill + NOT NULL",
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
        if let Action::AddColumn { column, .. } = a
            && column.not_null
            && column.default.is_none()
            && !column.auto_increment
            && column.generated.is_none()
        {
            out.push(
                Hit::new(format!(
                    "existing rows of {table} get an implicit zero value in {}",
                    column.name
                ))
                .mark("NOT"),
            );
        }
    }
}
