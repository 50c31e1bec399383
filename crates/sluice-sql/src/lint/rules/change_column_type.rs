//! Rule `change-column-type`: see the doc comment of [`RULE`].

use super::alter;
use crate::Dialect;
use crate::lint::{ALL_DIALECTS, Cx, Hit, Severity};
use crate::parse::Action;

crate::rule! {
    /// Flags `ALTER COLUMN … TYPE` (MySQL `MODIFY`/`CHANGE` with a type) on a table that existed
    /// before the migration, unless the change is on PostgreSQL's no-rewrite list: to `text`, or to
    /// `varchar` without a length.
    ///
    /// **Why it is dangerous.** A type change that is not binary-coercible rewrites the table and
    /// rebuilds every index on it under `ACCESS EXCLUSIVE` (measured on PostgreSQL 15: 5–6 s per
    /// million rows). MySQL and MariaDB copy the table (INT→BIGINT is COPY on MariaDB 10.11, even
    /// with `ROW_FORMAT=REDUNDANT`). Old application code may not read the new type.
    ///
    /// **Instead.** Expand/contract. Safe without a rewrite on PostgreSQL: `varchar(n)` →
    /// `varchar(m ≥ n)`, `varchar` → `text`, `numeric(p,s)` → `numeric(p' ≥ p, s)`; on MariaDB a
    /// `VARCHAR` widening that keeps the length prefix (≤ 255 bytes) is INSTANT — sluice cannot
    /// prove those without the old type, so silence them with `-- sluice:allow change-column-type
    /// <reason>`.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE orders ALTER COLUMN amount TYPE bigint;
    /// ```
    pub static RULE = Rule {
        id: "change-column-type",
        severity: Severity::High,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "PostgreSQL rewrites the table and every index under ACCESS EXCLUSIVE; MySQL/MariaDB copy the table with writes blocked; running code may break on the new type",
        instead: "expand/contract: add a column of the new type, dual-write, backfill in batches, switch reads, drop the old column",
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
        match a {
            Action::AlterType { column, ty, .. } => {
                let coercible = cx.dialect() == Dialect::Postgres
                    && (ty.name == "text"
                        || ty.name == "citext"
                        || (ty.name == "varchar" && ty.args.is_empty()));
                if !coercible {
                    out.push(
                        Hit::new(format!(
                            "column {table}.{column} changes type to {ty}: {table} is rewritten"
                        ))
                        .mark("TYPE")
                        .sized(table),
                    );
                }
            }
            Action::Redefine { old, column } if column.ty.is_some() => {
                let ty = column
                    .ty
                    .as_ref()
                    .map(|t| t.to_string())
                    .unwrap_or_default();
                out.push(Hit::new(format!("column {table}.{old} is redefined as {ty}: unless the type is unchanged, MySQL/MariaDB copy {table}")).sized(table));
            }
            _ => {}
        }
    }
}
