//! Rule `mysql-inline-references-ignored`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, MY, Severity};
use sluice_sql::parse::{Action, Column, Stmt};

crate::rule! {
    /// Flags column-level `REFERENCES` on MySQL (MariaDB 10.5+ honours it; with
    /// `--server-version 10.x` or a MariaDB connection this rule stays quiet).
    ///
    /// **Why it is dangerous.** The author believes a foreign key protects the data; none exists.
    ///
    /// **Instead.** `FOREIGN KEY (col) REFERENCES t (id)`.
    pub static RULE = Rule {
        id: "mysql-inline-references-ignored",
        severity: Severity::Medium,
        dialects: MY,
        default_on: true,
        why: "MySQL parses a column-level REFERENCES and ignores it: no foreign key is created",
        instead: "a table-level FOREIGN KEY (…) REFERENCES … clause",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if cx.mariadb() {
        return;
    }
    let cols: Vec<&Column> = match cx.stmt {
        Stmt::CreateTable { columns, .. } => columns.iter().collect(),
        Stmt::AlterTable { actions, .. } => actions
            .iter()
            .filter_map(|a| match a {
                Action::AddColumn { column, .. } => Some(column),
                _ => None,
            })
            .collect(),
        _ => return,
    };
    for c in cols.into_iter().filter(|c| c.references.is_some()) {
        out.push(
            Hit::new(format!(
                "column {}: MySQL ignores an inline REFERENCES, no foreign key is created",
                c.name
            ))
            .mark("REFERENCES"),
        );
    }
}
