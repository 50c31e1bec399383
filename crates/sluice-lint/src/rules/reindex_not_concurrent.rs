//! Rule `reindex-not-concurrent`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags `REINDEX INDEX | TABLE | SCHEMA | DATABASE` without `CONCURRENTLY`.
    ///
    /// **Why it is dangerous.** Measured on PostgreSQL 15: `SHARE` on the table and `ACCESS
    /// EXCLUSIVE` on every index rebuilt, for seconds per million rows.
    ///
    /// **Instead.** `REINDEX … CONCURRENTLY` (PostgreSQL 12 and later), outside a transaction.
    ///
    /// ```sql
    /// -- flagged
    /// REINDEX TABLE orders;
    /// -- instead
    /// REINDEX TABLE CONCURRENTLY orders;
    /// ```
    pub static RULE = Rule {
        id: "reindex-not-concurrent",
        severity: Severity::High,
        dialects: PG,
        default_on: true,
        why: "REINDEX takes SHARE on the table (writes blocked) and ACCESS EXCLUSIVE on each index being rebuilt (reads that use it blocked)",
        instead: "REINDEX … CONCURRENTLY (PostgreSQL 12+), in a migration with `-- transaction: false`",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::Reindex {
        concurrently: false,
        name,
        ..
    } = cx.stmt
    {
        let what = name
            .as_ref()
            .map_or("the database".to_string(), |n| n.to_string());
        let mut hit = Hit::new(format!("{what} reindexed without CONCURRENTLY: writes wait, and reads that use the rebuilt indexes wait")).mark("REINDEX");
        if cx.older_than(12, 0) {
            hit = hit.severity(Severity::Medium);
        }
        out.push(hit);
    }
}
