//! Rule `unbounded-dml`: see the doc comment of [`RULE`].

use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags `UPDATE` and `DELETE` without a `WHERE` clause on a table that existed before the
    /// migration (high for `DELETE`, medium for `UPDATE`). squawk does not check this.
    ///
    /// **Why it is dangerous.** Every row is locked and written in one transaction.
    ///
    /// **Instead.** Batches with a `WHERE` on the key, outside the schema change's transaction.
    ///
    /// ```sql
    /// -- flagged
    /// UPDATE orders SET status = 'open';
    /// ```
    pub static RULE = Rule {
        id: "unbounded-dml",
        severity: Severity::High,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "an UPDATE or DELETE without WHERE touches every row: long row locks, a burst of WAL/binlog, bloat and replica lag — and for DELETE, data loss",
        instead: "a batched, throttled backfill outside the DDL transaction (WHERE id BETWEEN … AND …)",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    match cx.stmt {
        Stmt::Update {
            table,
            has_where: false,
        } if !cx.is_new(table) => {
            out.push(
                Hit::new(format!(
                    "every row of {table} is updated in one transaction"
                ))
                .mark("UPDATE")
                .sized(table)
                .severity(Severity::Medium),
            );
        }
        Stmt::Delete {
            table,
            has_where: false,
        } if !cx.is_new(table) => {
            out.push(
                Hit::new(format!("every row of {table} is deleted"))
                    .mark("DELETE")
                    .sized(table),
            );
        }
        _ => {}
    }
}
