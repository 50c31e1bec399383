//! Rule `rename-table`: see the doc comment of [`RULE`].

use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::parse::{Action, Stmt};

crate::rule! {
    /// Flags `ALTER TABLE … RENAME TO` and MySQL `RENAME TABLE` of a table that existed before the
    /// migration (a rebuild's final rename is `sqlite-table-rebuild`'s business).
    ///
    /// **Why it is dangerous.** Old code queries the old name.
    ///
    /// **Instead.** Expand/contract, or a compatibility view with the old name.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE customers RENAME TO clients;
    /// ```
    pub static RULE = Rule {
        id: "rename-table",
        breaking: true,
        severity: Severity::High,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "the application version still running uses the old name: its queries fail during and after the deploy",
        instead: "expand/contract, or rename and create a view with the old name (simple PostgreSQL views are updatable)",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    match cx.stmt {
        Stmt::AlterTable { name, actions, .. } if !cx.is_new(name) => {
            for a in actions {
                if let Action::RenameTable(to) = a {
                    out.push(
                        Hit::new(format!(
                            "table {name} is renamed to {to}: running code still uses {name}"
                        ))
                        .mark("RENAME"),
                    );
                }
            }
        }
        Stmt::RenameTables(pairs) => {
            for (a, b) in pairs.iter().filter(|(a, _)| !cx.is_new(a)) {
                out.push(
                    Hit::new(format!(
                        "table {a} is renamed to {b}: running code still uses {a}"
                    ))
                    .mark("RENAME"),
                );
            }
        }
        _ => {}
    }
}
