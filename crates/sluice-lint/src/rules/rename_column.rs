//! Rule `rename-column`: see the doc comment of [`RULE`].

use super::alter;
use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::parse::Action;

crate::rule! {
    /// Flags `RENAME COLUMN` (and MySQL `CHANGE old new …` with a different name) on a table that
    /// existed before the migration.
    ///
    /// **Why it is dangerous.** Old code keeps using the old name until every instance is
    /// replaced.
    ///
    /// **Instead.** Expand/contract; on MySQL/MariaDB/SQLite a `VIRTUAL` generated column with the
    /// old name can bridge the transition.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE users RENAME COLUMN name TO full_name;
    /// ```
    pub static RULE = Rule {
        id: "rename-column",
        breaking: true,
        severity: Severity::High,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "the application version still running uses the old name: its queries fail during and after the deploy",
        instead: "expand/contract: add the new column, dual-write, backfill, switch reads, drop the old one",
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
            Action::RenameColumn { from, to } => out.push(
                Hit::new(format!(
                    "column {table}.{from} is renamed to {to}: running code still uses {from}"
                ))
                .mark("RENAME"),
            ),
            Action::Redefine { old, column } if !old.eq_ignore_ascii_case(&column.name) => out
                .push(
                    Hit::new(format!(
                        "column {table}.{old} is renamed to {}: running code still uses {old}",
                        column.name
                    ))
                    .mark("CHANGE"),
                ),
            _ => {}
        }
    }
}
