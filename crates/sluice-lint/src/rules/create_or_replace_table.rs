//! Rule `create-or-replace-table`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, MY, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags MariaDB `CREATE OR REPLACE TABLE`.
    ///
    /// **Why it is dangerous.** If the table exists, its rows are gone without a word.
    ///
    /// **Instead.** `CREATE TABLE` (or `IF NOT EXISTS` when re-runs must pass).
    pub static RULE = Rule {
        id: "create-or-replace-table",
        severity: Severity::High,
        dialects: MY,
        default_on: true,
        why: "CREATE OR REPLACE TABLE silently drops an existing table and its data",
        instead: "plain CREATE TABLE, which fails if the table exists",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::CreateTable {
        name,
        or_replace: true,
        ..
    } = cx.stmt
    {
        out.push(
            Hit::new(format!(
                "CREATE OR REPLACE drops {name} and its rows if it exists"
            ))
            .mark("REPLACE"),
        );
    }
}
