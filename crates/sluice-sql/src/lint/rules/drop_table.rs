//! Rule `drop-table`: see the doc comment of [`RULE`].

use crate::lint::{ALL_DIALECTS, Cx, Hit, Severity};
use crate::parse::{ObjectKind, Stmt};

crate::rule! {
    /// Flags `DROP TABLE` of a table that was not created earlier in the same migration.
    ///
    /// **Why it is dangerous.** The data is gone, and the application version still running may
    /// query it. PostgreSQL also takes `ACCESS EXCLUSIVE` on every table the dropped one
    /// references by foreign key (verified).
    ///
    /// **Instead.** Expand/contract: remove the code that uses it, deploy, then drop in a later
    /// migration — with a backup (sluice's `backup = true` gate) and `--confirm`.
    ///
    /// ```sql
    /// -- flagged
    /// DROP TABLE legacy_orders;
    /// ```
    pub static RULE = Rule {
        id: "drop-table",
        severity: Severity::High,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "dropping a table destroys its data for good and breaks code that still uses it; PostgreSQL also locks every table it references ACCESS EXCLUSIVE",
        instead: "stop using the table in code first, keep a backup (or rename it), and drop it in a later release",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::Drop {
        kind: ObjectKind::Table,
        names,
        ..
    } = cx.stmt
    {
        for n in names {
            if !cx.is_new(n) {
                out.push(Hit::new(format!("table {n} and all its rows are dropped")).mark("DROP"));
            }
        }
    }
}
