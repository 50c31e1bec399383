//! Rule `foreign-key-without-index`: see the doc comment of [`RULE`].

use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::parse::{ConstraintKind, Stmt};

crate::rule! {
    /// Flags a foreign key (table-level, on a table created in this migration) whose columns no
    /// index created in the same migration starts with. Off by default.
    ///
    /// **Why it matters.** Deletes and key updates on the parent scan the child table for references, holding locks longer.
    ///
    /// **Instead.** An index whose first columns are the foreign key's.
    pub static RULE = Rule {
        id: "foreign-key-without-index",
        severity: Severity::Low,
        dialects: ALL_DIALECTS,
        default_on: false,
        why: "deletes and key updates on the parent scan the child table for references, holding locks longer",
        instead: "an index whose first columns are the foreign key's",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let Stmt::CreateTable {
        name,
        constraints,
        columns,
        ..
    } = cx.stmt
    else {
        return;
    };
    let mut fks: Vec<Vec<String>> = constraints
        .iter()
        .filter_map(|c| match &c.kind {
            ConstraintKind::ForeignKey(fk) => Some(fk.columns.clone()),
            _ => None,
        })
        .collect();
    fks.extend(
        columns
            .iter()
            .filter(|c| c.references.is_some() && !c.primary_key)
            .map(|c| vec![c.name.clone()]),
    );
    for cols in fks {
        let indexed = cx.all.iter().any(|s| matches!(s, Ok(Stmt::CreateIndex { table, columns, .. }) if table.name == name.name && columns.starts_with(&cols)))
            || constraints.iter().any(|c| matches!(&c.kind, ConstraintKind::PrimaryKey { columns, .. } | ConstraintKind::Unique { columns, .. } | ConstraintKind::Index { columns, .. } if columns.starts_with(&cols)));
        if !indexed && !cols.is_empty() {
            out.push(Hit::new(format!(
                "foreign key ({}) on {name} has no index",
                cols.join(", ")
            )));
        }
    }
}
