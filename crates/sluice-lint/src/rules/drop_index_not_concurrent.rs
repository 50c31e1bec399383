//! Rule `drop-index-not-concurrent`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::{ObjectKind, Stmt};

crate::rule! {
    /// Flags `DROP INDEX` without `CONCURRENTLY`, unless the index's table was created earlier in
    /// the migration.
    ///
    /// **Why it is dangerous.** The drop takes `ACCESS EXCLUSIVE` on the index's table. It is
    /// quick once granted, but while it waits behind one long query, every later query on the
    /// table waits behind it.
    ///
    /// **Instead.** `DROP INDEX CONCURRENTLY IF EXISTS` (not allowed for the index of a
    /// constraint, or on a partitioned parent), in a migration with `-- transaction: false`.
    ///
    /// ```sql
    /// -- flagged
    /// DROP INDEX orders_status_idx;
    /// -- instead
    /// DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
    /// ```
    pub static RULE = Rule {
        id: "drop-index-not-concurrent",
        severity: Severity::Medium,
        dialects: PG,
        default_on: true,
        why: "DROP INDEX takes ACCESS EXCLUSIVE on the table: short, but it queues behind running queries and every later query queues behind it",
        instead: "DROP INDEX CONCURRENTLY IF EXISTS, in a migration with `-- transaction: false`",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::Drop {
        kind: ObjectKind::Index,
        concurrently: false,
        names,
        ..
    } = cx.stmt
    {
        for n in names {
            out.push(
                Hit::new(format!(
                    "index {n} dropped without CONCURRENTLY: its table is locked ACCESS EXCLUSIVE"
                ))
                .mark("INDEX"),
            );
        }
    }
}
