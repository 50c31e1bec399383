//! Rule `mixed-transactional-modes`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags a non-transactional migration (`-- transaction: false`) that mixes a statement which
    /// cannot run in a transaction (`CREATE INDEX CONCURRENTLY`, `VACUUM`, …) with other schema
    /// changes.
    ///
    /// **Why it is dangerous.** Without a transaction each statement commits on its own; a failure
    /// halfway leaves the migration half-applied.
    ///
    /// **Instead.** One non-transactional statement per migration.
    ///
    /// ```sql
    /// -- flagged (transaction: false)
    /// ALTER TABLE orders ADD COLUMN region text;
    /// CREATE INDEX CONCURRENTLY orders_region_idx ON orders (region);
    /// ```
    pub static RULE = Rule {
        id: "mixed-transactional-modes",
        severity: Severity::Medium,
        dialects: PG,
        default_on: true,
        why: "a statement that must run outside a transaction forces the whole file to run statement by statement: a failure leaves the other statements applied",
        instead: "split the file: the non-transactional statement alone in its own migration",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if cx.transactional || cx.effects.transactional || cx.in_transaction() {
        return;
    }
    let others = cx
        .all
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            *i != cx.index
                && matches!(
                    s,
                    Ok(Stmt::AlterTable { .. }
                        | Stmt::CreateTable { .. }
                        | Stmt::Drop {
                            concurrently: false,
                            ..
                        }
                        | Stmt::CreateIndex {
                            concurrently: false,
                            ..
                        }
                        | Stmt::Insert { .. }
                        | Stmt::Update { .. }
                        | Stmt::Delete { .. })
                )
        })
        .count();
    if others > 0 {
        out.push(Hit::new(format!("{} must run outside a transaction, and this migration has {others} other change(s): a failure leaves part of it applied", cx.effects.kind)));
    }
}
