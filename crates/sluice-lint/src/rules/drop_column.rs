//! Rule `drop-column`: see the doc comment of [`RULE`].

use super::alter;
use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::parse::Action;

crate::rule! {
    /// Flags `ALTER TABLE … DROP COLUMN` on a table that existed before the migration.
    ///
    /// **Why it is dangerous.** The data is gone; Rails, Django and other ORMs that cache the
    /// column list fail on the next write until restarted.
    ///
    /// **Instead.** Stop using the column (e.g. Rails `ignored_columns`), deploy, and drop it in a
    /// later release.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE users DROP COLUMN legacy_flag;
    /// ```
    pub static RULE = Rule {
        id: "drop-column",
        severity: Severity::High,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "the column's data is lost, and running code (ORMs that cache column lists) fails until it is redeployed",
        instead: "expand/contract: stop reading and writing the column, deploy, then drop it in a later migration",
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
        if let Action::DropColumn { column, .. } = a {
            out.push(
                Hit::new(format!("column {table}.{column} and its data are dropped")).mark("DROP"),
            );
        }
    }
}
