//! Rule `narrowing-type-change`: see the doc comment of [`RULE`].

use super::alter;
use crate::analyze::{MySqlTable, TypeChange, type_change};
use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::parse::{Action, Column};

crate::rule! {
    /// Flags type changes that can fail on existing data: to `smallint`/`integer` (from a wider
    /// integer), to a `varchar(n)`/`char(n)` with a length, to a `numeric` with a precision, and
    /// `USING` casts — on a table that existed before the migration. Not flagged when an
    /// earlier migration of the project declared the column with a type the new one holds
    /// (`varchar(50)` → `varchar(100)`, `integer` → `bigint`).
    ///
    /// **Why it is dangerous.** PostgreSQL and strict MySQL stop the migration on the first value
    /// that does not fit; non-strict MySQL truncates it.
    ///
    /// **Instead.** Query the current maximum first; expand/contract.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE products ALTER COLUMN sku TYPE varchar(12);
    /// ```
    pub static RULE = Rule {
        id: "narrowing-type-change",
        breaking: true,
        severity: Severity::High,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "a narrower type fails on existing values that do not fit (or, in non-strict MySQL, silently truncates them) — in addition to the rewrite",
        instead: "check max(length(col)) / the value range first; expand/contract",
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
        let (column, ty) = match a {
            Action::AlterType { column, ty, .. } => (column.as_str(), ty),
            Action::Redefine {
                old,
                column: Column { ty: Some(ty), .. },
            } => (old.as_str(), ty),
            _ => continue,
        };
        // The old type declared by an earlier migration settles it.
        if let Some(old) = cx.column_type(table, column)
            && matches!(
                type_change(
                    old,
                    ty,
                    cx.dialect(),
                    MySqlTable::of(table, cx.options, cx.state)
                ),
                TypeChange::Same | TypeChange::Wider { .. }
            )
        {
            continue;
        }
        let narrowing = matches!(ty.name.as_str(), "smallint" | "integer" | "tinyint")
            || (matches!(ty.name.as_str(), "varchar" | "char" | "numeric") && !ty.args.is_empty());
        if narrowing {
            out.push(
                Hit::new(format!(
                    "{table}.{column} becomes {ty}: values that do not fit make the migration fail"
                ))
                .mark("TYPE"),
            );
        }
    }
}
