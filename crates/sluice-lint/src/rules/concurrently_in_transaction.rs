//! Rule `concurrently-in-transaction`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG, Severity};
use sluice_sql::Dialect;

crate::rule! {
    /// Flags statements that cannot run inside a transaction block when the migration runs in
    /// one (sluice wraps every migration unless it declares `-- transaction: false`) or after an
    /// explicit `BEGIN`: `CREATE/DROP INDEX CONCURRENTLY`, `REINDEX … CONCURRENTLY`, `DETACH
    /// PARTITION … CONCURRENTLY`, `VACUUM`, `CREATE DATABASE`, `ALTER SYSTEM`, and `ALTER TYPE …
    /// ADD VALUE` on PostgreSQL before 12.
    ///
    /// **Why it is dangerous.** PostgreSQL answers `… cannot run inside a transaction block`
    /// (verified on 15). sluice's loader already refuses such a file; this rule reports the same
    /// fact for plain SQL files and explicit `BEGIN` blocks.
    ///
    /// **Instead.** One statement in its own migration with `-- transaction: false`.
    ///
    /// ```sql
    /// -- flagged (in a transactional migration)
    /// CREATE INDEX CONCURRENTLY orders_idx ON orders (id);
    /// ```
    pub static RULE = Rule {
        id: "concurrently-in-transaction",
        severity: Severity::High,
        dialects: PG,
        default_on: true,
        why: "the server refuses it inside a transaction block (SQLSTATE 25001), so the migration fails — or, after earlier statements committed, is left half-applied",
        instead: "put the statement alone in a migration declared `-- transaction: false`",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if !cx.effects.transactional && cx.in_transaction() && cx.dialect() == Dialect::Postgres {
        out.push(Hit::new(format!(
            "{} cannot run inside a transaction block, and this statement runs in one",
            cx.effects.kind
        )));
    }
}
