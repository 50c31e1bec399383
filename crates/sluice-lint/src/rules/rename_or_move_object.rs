//! Rule `rename-or-move-object`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::parse::{Action, Stmt};

crate::rule! {
    /// Flags renaming schemas, types, enum values, sequences, views, indexes and functions, and
    /// `SET SCHEMA`.
    ///
    /// **Why it is dangerous.** Code, views and functions that use the old name fail.
    ///
    /// **Instead.** Create-new, migrate callers, drop-old.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TYPE order_status RENAME VALUE 'done' TO 'complete';
    /// ```
    pub static RULE = Rule {
        id: "rename-or-move-object",
        breaking: true,
        severity: Severity::Medium,
        dialects: PG_MY,
        default_on: true,
        why: "callers that reference the old name or schema break",
        instead: "create the new object, move the callers, drop the old one",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    match cx.stmt {
        Stmt::AlterObject {
            kind,
            name,
            renames: true,
            ..
        } => {
            out.push(
                Hit::new(format!(
                    "{} {name} is renamed or moved: callers using the old name break",
                    kind.as_str()
                ))
                .mark("RENAME"),
            );
        }
        Stmt::AlterTable { name, actions, .. } if !cx.is_new(name) => {
            for a in actions {
                if let Action::SetSchema(s) = a {
                    out.push(
                        Hit::new(format!(
                            "table {name} moves to schema {s}: callers using the old name break"
                        ))
                        .mark("SCHEMA"),
                    );
                }
            }
        }
        _ => {}
    }
}
