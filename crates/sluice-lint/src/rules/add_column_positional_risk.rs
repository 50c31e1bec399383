//! Rule `add-column-positional-risk`: see the doc comment of [`RULE`].

use super::alter;
use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::parse::Action;

crate::rule! {
    /// Flags `ADD COLUMN` on an existing table. Off by default.
    ///
    /// **Why it matters.** Positional consumers see a different row shape.
    ///
    /// **Instead.** Explicit column lists in application code.
    pub static RULE = Rule {
        id: "add-column-positional-risk",
        severity: Severity::Low,
        dialects: ALL_DIALECTS,
        default_on: false,
        why: "a new column changes the table's shape: code that reads with SELECT * or writes with positional INSERT … VALUES breaks",
        instead: "explicit column lists in application code",
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
        if let Action::AddColumn { column, .. } = a {
            out.push(
                Hit::new(format!(
                    "{table} gains column {}: SELECT * and positional INSERTs change",
                    column.name
                ))
                .mark("ADD"),
            );
        }
    }
}
