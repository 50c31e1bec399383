//! Rule `explicit-lock-table`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags `LOCK TABLE` (PostgreSQL) and `LOCK TABLES` (MySQL) in a migration.
    ///
    /// **Why it is dangerous.** PostgreSQL's default mode is `ACCESS EXCLUSIVE`, held until
    /// commit: nothing reads or writes the table meanwhile.
    ///
    /// **Instead.** Drop the statement; rely on per-statement locks and a lock timeout.
    ///
    /// ```sql
    /// -- flagged
    /// LOCK TABLE orders;
    /// ```
    pub static RULE = Rule {
        id: "explicit-lock-table",
        severity: Severity::Medium,
        dialects: PG_MY,
        default_on: true,
        why: "an explicit LOCK TABLE (ACCESS EXCLUSIVE by default) blocks everything on the table for the rest of the transaction",
        instead: "remove it: each statement takes the lock it needs, and sluice's lock timeout bounds the wait",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::Lock { tables, mode } = cx.stmt {
        for t in tables {
            out.push(
                Hit::new(format!("{t} locked {mode} until the transaction ends")).mark("LOCK"),
            );
        }
    }
}
