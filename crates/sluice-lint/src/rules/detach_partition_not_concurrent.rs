//! Rule `detach-partition-not-concurrent`: see the doc comment of [`RULE`].

use super::alter;
use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::Action;

crate::rule! {
    /// Flags `ALTER TABLE … DETACH PARTITION` without `CONCURRENTLY`.
    ///
    /// **Why it is dangerous.** `ACCESS EXCLUSIVE` on the partitioned parent blocks reads and
    /// writes on all its partitions while the statement waits or runs.
    ///
    /// **Instead.** `DETACH PARTITION … CONCURRENTLY` (PostgreSQL 14 and later; not for a default
    /// partition), outside a transaction.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE measurements DETACH PARTITION measurements_2020;
    /// ```
    pub static RULE = Rule {
        id: "detach-partition-not-concurrent",
        severity: Severity::Medium,
        dialects: PG,
        default_on: true,
        why: "DETACH PARTITION takes ACCESS EXCLUSIVE on the parent: every partition is unreadable while it is queued or held",
        instead: "DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+), in a migration with `-- transaction: false`",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let Some((table, actions)) = alter(cx) else {
        return;
    };
    for a in actions {
        if let Action::DetachPartition {
            partition,
            concurrently: false,
        } = a
        {
            let mut hit = Hit::new(format!(
                "detaching {partition} locks all of {table} ACCESS EXCLUSIVE"
            ))
            .mark("DETACH");
            if cx.older_than(14, 0) {
                hit.message.push_str(" (CONCURRENTLY needs PostgreSQL 14)");
                hit = hit.severity(Severity::Low);
            }
            out.push(hit);
        }
    }
}
