//! Rule `mysql-merge-alters`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, MY, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags the second and later `ALTER TABLE` on the same existing table in one MySQL/MariaDB
    /// migration.
    ///
    /// **Why it matters.** Each ALTER is a separate rebuild, lock and commit.
    ///
    /// **Instead.** One ALTER with comma-separated actions.
    pub static RULE = Rule {
        id: "mysql-merge-alters",
        severity: Severity::Low,
        dialects: MY,
        default_on: true,
        why: "several ALTER TABLE statements on one table may each rebuild or copy it",
        instead: "combine them into one ALTER TABLE with several actions",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let Stmt::AlterTable { name, .. } = cx.stmt else {
        return;
    };
    if cx.is_new(name) {
        return;
    }
    let before = cx.all[..cx.index]
        .iter()
        .any(|s| matches!(s, Ok(Stmt::AlterTable { name: n, .. }) if n == name));
    if before {
        out.push(Hit::new(format!(
            "{name} is altered again: merge the ALTERs into one"
        )));
    }
}
