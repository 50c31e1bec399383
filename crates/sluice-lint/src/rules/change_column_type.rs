//! Rule `change-column-type`: see the doc comment of [`RULE`].

use super::alter;
use crate::analyze::{MySqlTable, TypeChange, type_change};
use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::Dialect;
use sluice_sql::parse::{Action, DataType};

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
    /// Not flagged when an earlier migration of the project declared the column and the change
    /// keeps the table in place: on PostgreSQL `varchar(n)` → `varchar(m ≥ n)`, `varchar` or
    /// `text`, and `numeric(p,s)` → `numeric(p' ≥ p, s)` (checked by relfilenode); on MySQL
    /// a `VARCHAR` widening that keeps its length prefix (one byte up to 255 bytes: counted
    /// with the table's `CHARSET` when its `CREATE TABLE` says it, else only old length ≥ 256
    /// characters or new length ≤ 63); on MariaDB 10.4 and later (the server's version known)
    /// any `VARCHAR` widening, which is INSTANT (checked on 10.11); and a `MODIFY` that keeps
    /// the type.
    ///
    /// **Instead.** Expand/contract. When the old type is not in the project (the column
    /// came from elsewhere), silence a widening with `-- sluice:allow change-column-type
    /// <reason>`.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE orders ALTER COLUMN amount TYPE bigint;
    /// ```
    pub static RULE = Rule {
        id: "change-column-type",
        breaking: true,
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
    // With the old type declared by an earlier migration, a change that keeps the table in
    // place is not flagged.
    let in_place = |column: &str, ty: &DataType| {
        cx.column_type(table, column).is_some_and(|old| {
            matches!(
                type_change(
                    old,
                    ty,
                    cx.dialect(),
                    MySqlTable::of(table, cx.options, cx.state)
                ),
                TypeChange::Same | TypeChange::Wider { rewrite: false }
            )
        })
    };
    for a in actions {
        match a {
            Action::AlterType { column, ty, using } => {
                let coercible = cx.dialect() == Dialect::Postgres
                    && (ty.name == "text"
                        || ty.name == "citext"
                        || (ty.name == "varchar" && ty.args.is_empty()));
                if !coercible && (*using || !in_place(column, ty)) {
                    out.push(
                        Hit::new(format!(
                            "column {table}.{column} changes type to {ty}: {table} is rewritten"
                        ))
                        .mark("TYPE")
                        .sized(table),
                    );
                }
            }
            Action::Redefine { old, column }
                if column.ty.as_ref().is_some_and(|ty| !in_place(old, ty)) =>
            {
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
