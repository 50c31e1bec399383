//! Rule `mysql-require-algorithm-lock`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, MY, Severity};
use sluice_sql::parse::{Action, Stmt};

crate::rule! {
    /// Flags MySQL/MariaDB `ALTER TABLE` on an existing table without an explicit `ALGORITHM=`.
    /// Off by default (a team policy, like Bytebase's); sluice already computes the algorithm the
    /// server will pick.
    ///
    /// **Why it matters.** A change that cannot run INSTANT silently copies the table.
    ///
    /// **Instead.**
    ///
    /// ```sql
    /// ALTER TABLE orders ADD COLUMN note text, ALGORITHM=INSTANT;
    /// ```
    pub static RULE = Rule {
        id: "mysql-require-algorithm-lock",
        severity: Severity::Low,
        dialects: MY,
        default_on: false,
        why: "without ALGORITHM= and LOCK=, the server silently falls back to a more blocking algorithm when the cheap one is impossible; with them it refuses instead",
        instead: "append `, ALGORITHM=INSTANT` (or `ALGORITHM=INPLACE, LOCK=NONE`) so the server refuses rather than blocks",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::AlterTable { name, actions, .. } = cx.stmt
        && !cx.is_new(name)
        && !actions.iter().any(|a| matches!(a, Action::Algorithm(_)))
    {
        out.push(Hit::new(format!(
            "ALTER TABLE {name} names no ALGORITHM: the server may silently pick a blocking one"
        )));
    }
}
