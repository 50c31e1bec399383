//! Rule `sqlite-alter-restrictions`: see the doc comment of [`RULE`].

use super::alter;
use crate::{Cx, Hit, LITE, Severity};
use sluice_sql::parse::{Action, Generated};

crate::rule! {
    /// Flags `ALTER TABLE … ADD COLUMN` forms SQLite refuses: a `PRIMARY KEY` or `UNIQUE` column,
    /// a non-constant default (`CURRENT_TIMESTAMP`, an expression in parentheses), `NOT NULL`
    /// without a non-NULL default, a `STORED` generated column; and `ALTER COLUMN`, `ADD
    /// CONSTRAINT`, `DROP CONSTRAINT`, which SQLite does not have.
    ///
    /// **Why it is dangerous.** The statement fails at run time.
    ///
    /// **Instead.** A table rebuild.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE orders ADD COLUMN created_at text NOT NULL DEFAULT CURRENT_TIMESTAMP;
    /// ```
    pub static RULE = Rule {
        id: "sqlite-alter-restrictions",
        severity: Severity::High,
        dialects: LITE,
        default_on: true,
        why: "SQLite refuses this ALTER TABLE form, so the migration fails",
        instead: "rebuild the table (SQLite's 12-step procedure)",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let Some((table, actions)) = alter(cx) else {
        return;
    };
    for a in actions {
        let why = match a {
            Action::AddColumn { column, .. } => {
                let d = column.default.as_ref();
                let non_constant = d.is_some_and(|e| {
                    let t = e.text.to_ascii_uppercase();
                    e.parenthesized || t.starts_with("CURRENT_") || e.volatile.is_some()
                });
                if column.primary_key || column.unique {
                    Some("a PRIMARY KEY or UNIQUE column cannot be added")
                } else if non_constant {
                    Some("an added column's default must be constant")
                } else if column.not_null && d.is_none_or(|e| e.is_null) {
                    Some("a NOT NULL column needs a non-NULL default")
                } else if column.generated == Some(Generated::Stored) {
                    Some("a STORED generated column cannot be added")
                } else {
                    None
                }
            }
            Action::AlterType { .. }
            | Action::SetNotNull(_)
            | Action::DropNotNull(_)
            | Action::SetDefault(..)
            | Action::DropDefault(_) => Some("SQLite has no ALTER COLUMN"),
            Action::AddConstraint(_) | Action::DropConstraint { .. } => {
                Some("SQLite cannot add or drop constraints")
            }
            _ => None,
        };
        if let Some(why) = why {
            out.push(Hit::new(format!("SQLite refuses this on {table}: {why}")));
        }
    }
}
