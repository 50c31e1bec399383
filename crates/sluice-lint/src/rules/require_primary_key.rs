//! Rule `require-primary-key`: see the doc comment of [`RULE`].

use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::parse::{ConstraintKind, Stmt};

crate::rule! {
    /// Flags `CREATE TABLE` without a primary key. Off by default.
    ///
    /// **Why it matters.** Logical replication cannot replicate UPDATE/DELETE on a table without a replica identity, and gh-ost/pt-osc need a key.
    ///
    /// **Instead.** Add a primary key (bigint identity).
    pub static RULE = Rule {
        id: "require-primary-key",
        severity: Severity::Medium,
        dialects: ALL_DIALECTS,
        default_on: false,
        why: "logical replication cannot replicate UPDATE/DELETE on a table without a replica identity, and gh-ost/pt-osc need a key",
        instead: "add a primary key (bigint identity)",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::CreateTable {
        name,
        columns,
        constraints,
        copies: false,
        partition_of: None,
        ..
    } = cx.stmt
    {
        let has = columns.iter().any(|c| c.primary_key)
            || constraints
                .iter()
                .any(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }));
        if !has && !columns.is_empty() {
            out.push(Hit::new(format!("table {name} has no primary key")).mark("TABLE"));
        }
    }
}
