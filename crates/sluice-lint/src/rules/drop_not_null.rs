//! Rule `drop-not-null`: see the doc comment of [`RULE`].

use super::alter;
use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::parse::Action;

crate::rule! {
    /// Flags `ALTER COLUMN … DROP NOT NULL` on a table that existed before the migration.
    ///
    /// **Why it is dangerous.** Code written for a non-NULL column meets NULLs.
    ///
    /// **Instead.** Make readers NULL-safe first.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE orders ALTER COLUMN placed_at DROP NOT NULL;
    /// ```
    pub static RULE = Rule {
        id: "drop-not-null",
        severity: Severity::Low,
        dialects: PG_MY,
        default_on: true,
        why: "readers that assume the column is never NULL break when NULLs appear",
        instead: "update readers first",
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
        if let Action::DropNotNull(c) = a {
            out.push(Hit::new(format!("{table}.{c} may hold NULL from now on")).mark("DROP"));
        }
    }
}
