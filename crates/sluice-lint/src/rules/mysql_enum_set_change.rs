//! Rule `mysql-enum-set-change`: see the doc comment of [`RULE`].

use super::alter;
use crate::{Cx, Hit, MY, Severity};
use sluice_sql::parse::{Action, Column};

crate::rule! {
    /// Flags `MODIFY`/`CHANGE` of a column to an `ENUM` or `SET` type on an existing table.
    ///
    /// **Why it is dangerous.** Only appending members at the end (without crossing a storage
    /// size) is INSTANT; a middle insert is COPY (verified on MariaDB 10.11).
    ///
    /// **Instead.** Append at the end, or a lookup table with a foreign key.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE orders MODIFY status ENUM('new', 'held', 'paid');
    /// ```
    pub static RULE = Rule {
        id: "mysql-enum-set-change",
        breaking: true,
        severity: Severity::Medium,
        dialects: MY,
        default_on: true,
        why: "changing an ENUM/SET other than appending members at the end copies the table; removing a member that rows use fails (strict) or stores ''",
        instead: "append members only, or use a lookup table",
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
        if let Action::Redefine {
            old,
            column: Column { ty: Some(ty), .. },
        } = a
            && matches!(ty.name.as_str(), "enum" | "set")
        {
            out.push(Hit::new(format!("{table}.{old} gets a new {} definition: anything but appending at the end copies the table", ty.name.to_ascii_uppercase())).sized(table));
        }
    }
}
