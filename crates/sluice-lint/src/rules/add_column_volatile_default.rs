//! Rule `add-column-volatile-default`: see the doc comment of [`RULE`].

use super::alter;
use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::Dialect;
use sluice_sql::parse::Action;

crate::rule! {
    /// Flags `ADD COLUMN … DEFAULT <volatile>` (`random()`, `gen_random_uuid()`, `clock_timestamp()`,
    /// `uuid_generate_v4()`, `nextval()`, MySQL `UUID()`/`RAND()`), and on PostgreSQL before 11 any
    /// non-NULL default, on a table that existed before the migration.
    ///
    /// **Why it is dangerous.** PostgreSQL evaluates a volatile default once per existing row:
    /// the table and every index are rewritten under `ACCESS EXCLUSIVE` (measured: 5.7 s for a
    /// million rows). A constant or stable default (`0`, `now()`) is metadata only since
    /// PostgreSQL 11. MariaDB 10.11 (measured): `DEFAULT (UUID())` silently runs as a table copy;
    /// `DEFAULT (RAND())` runs INSTANT but gives every existing row one and the same value.
    ///
    /// **Instead.** Add the column with no default, `ALTER COLUMN … SET DEFAULT …` (applies to new
    /// rows), backfill existing rows in batches, then add `NOT NULL` the safe way.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();
    /// -- instead
    /// ALTER TABLE orders ADD COLUMN token uuid;
    /// ALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();
    /// -- then, in batches: UPDATE orders SET token = gen_random_uuid() WHERE id BETWEEN … AND … AND token IS NULL;
    /// ```
    pub static RULE = Rule {
        id: "add-column-volatile-default",
        severity: Severity::High,
        dialects: PG_MY,
        default_on: true,
        why: "PostgreSQL rewrites the whole table and its indexes under ACCESS EXCLUSIVE; MariaDB either copies the table or gives every existing row the same single value",
        instead: "add the column without a default, then SET DEFAULT (new rows only), then backfill in batches",
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
        let Action::AddColumn { column, .. } = a else {
            continue;
        };
        let Some(default) = &column.default else {
            continue;
        };
        match (&default.volatile, cx.dialect()) {
            (Some(f), Dialect::Postgres) => out.push(
                Hit::new(format!("column {}.{} gets a volatile default ({f}()): every row of {table} is rewritten", table, column.name))
                    .mark("DEFAULT")
                    .sized(table),
            ),
            (None, Dialect::Postgres) if cx.older_than(11, 0) && !default.is_null => out.push(
                Hit::new(format!("before PostgreSQL 11 any default rewrites the table: column {}.{}", table, column.name))
                    .mark("DEFAULT")
                    .sized(table),
            ),
            (Some(f), Dialect::MySql) => out.push(
                Hit::new(format!("column {}.{} gets an expression default ({f}()): MariaDB copies the table for UUID(), or gives every existing row one value", table, column.name))
                    .mark("DEFAULT")
                    .sized(table),
            ),
            _ => {}
        }
    }
}
