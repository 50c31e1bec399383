//! Rule `on-delete-cascade`: see the doc comment of [`RULE`].

use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::parse::{Action, Constraint, ConstraintKind, ForeignKey, Stmt};

crate::rule! {
    /// Flags `ON DELETE CASCADE` foreign keys. Off by default.
    ///
    /// **Why it matters.** One DELETE can remove large amounts of data in other tables and hold many row locks.
    ///
    /// **Instead.** Explicit deletes in application code.
    pub static RULE = Rule {
        id: "on-delete-cascade",
        severity: Severity::Low,
        dialects: ALL_DIALECTS,
        default_on: false,
        why: "one DELETE can remove large amounts of data in other tables and hold many row locks",
        instead: "explicit deletes in application code",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let fks: Vec<&ForeignKey> = match cx.stmt {
        Stmt::CreateTable {
            columns,
            constraints,
            ..
        } => columns
            .iter()
            .filter_map(|c| c.references.as_ref())
            .chain(constraints.iter().filter_map(|c| match &c.kind {
                ConstraintKind::ForeignKey(fk) => Some(fk),
                _ => None,
            }))
            .collect(),
        Stmt::AlterTable { actions, .. } => actions
            .iter()
            .filter_map(|a| match a {
                Action::AddConstraint(Constraint {
                    kind: ConstraintKind::ForeignKey(fk),
                    ..
                }) => Some(fk),
                Action::AddColumn { column, .. } => column.references.as_ref(),
                _ => None,
            })
            .collect(),
        _ => return,
    };
    for fk in fks
        .into_iter()
        .filter(|fk| fk.on_delete.as_deref() == Some("CASCADE"))
    {
        out.push(
            Hit::new(format!(
                "deleting a row of {} deletes its referencing rows",
                fk.table
            ))
            .mark("CASCADE"),
        );
    }
}
