//! Rule `backfill-in-ddl-transaction`: see the doc comment of [`RULE`].

use crate::analyze::PgLock;
use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags an `UPDATE` or `INSERT … SELECT` on a table that an earlier statement of the same
    /// transaction altered (taking `ACCESS EXCLUSIVE` or `SHARE ROW EXCLUSIVE`), when the table
    /// existed before the migration.
    ///
    /// **Why it is dangerous.** Locks are held to commit: every query on the table waits for the
    /// backfill.
    ///
    /// **Instead.** Backfill in a later migration, in batches.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE orders ADD COLUMN region text;
    /// UPDATE orders SET region = 'eu';
    /// ```
    pub static RULE = Rule {
        id: "backfill-in-ddl-transaction",
        severity: Severity::High,
        dialects: PG,
        default_on: true,
        why: "the DDL's lock is held until commit, so a backfill in the same transaction keeps the table locked for the whole backfill",
        instead: "a separate, batched backfill in its own migration (or outside the DDL's transaction)",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let table = match cx.stmt {
        Stmt::Update { table, .. } => table,
        Stmt::Insert {
            table,
            select: true,
            ..
        } => table,
        _ => return,
    };
    if cx.is_new(table) || !cx.in_transaction() {
        return;
    }
    let key = table.name.to_ascii_lowercase();
    if cx.state.ddl_tables.contains(&key)
        && let Some(m) = cx.state.held.get(&key)
        && *m >= PgLock::ShareRowExclusive
    {
        out.push(
            Hit::new(format!(
                "{} of {table} runs while this transaction holds {} on it",
                cx.effects.kind,
                m.as_str()
            ))
            .sized(table),
        );
    }
}
