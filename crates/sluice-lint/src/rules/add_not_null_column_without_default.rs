//! Rule `add-not-null-column-without-default`: see the doc comment of [`RULE`].

use super::alter;
use crate::{Cx, Hit, PG_LITE, Severity};
use sluice_sql::Dialect;
use sluice_sql::parse::Action;

crate::rule! {
    /// Flags `ADD COLUMN … NOT NULL` with no `DEFAULT` (and not generated or auto-numbered) on a
    /// table that existed before the migration.
    ///
    /// **Why it is dangerous.** PostgreSQL: `column "c" of relation "t" contains null values`
    /// (verified) on any non-empty table. SQLite refuses it always. On MySQL/MariaDB the same statement
    /// silently gives existing rows a zero value: see `mysql-not-null-implicit-default`.
    ///
    /// **Instead.** A constant default, or nullable + backfill + `SET NOT NULL` via a validated
    /// check.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE orders ADD COLUMN region text NOT NULL;
    /// -- instead
    /// ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT 'eu';
    /// ```
    pub static RULE = Rule {
        id: "add-not-null-column-without-default",
        breaking: true,
        severity: Severity::High,
        dialects: PG_LITE,
        default_on: true,
        why: "a NOT NULL column without a default cannot be added to a table with rows: PostgreSQL and SQLite refuse it; MySQL/MariaDB fill existing rows with the type's zero value",
        instead: "add it with a constant DEFAULT (metadata only on PostgreSQL 11+), or nullable + backfill + NOT NULL the safe way",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let Some((table, actions)) = alter(cx) else {
        return;
    };
    if cx.is_new(table) && cx.dialect() != Dialect::Sqlite {
        return;
    }
    for a in actions {
        if let Action::AddColumn { column, .. } = a
            && column.not_null
            && column.default.as_ref().is_none_or(|d| d.is_null)
            && column.generated.is_none()
            && !column.auto_increment
            && !column.is_serial()
        {
            out.push(
                Hit::new(format!(
                    "NOT NULL column {table}.{} has no default: existing rows have no value for it",
                    column.name
                ))
                .mark("NOT"),
            );
        }
    }
}
