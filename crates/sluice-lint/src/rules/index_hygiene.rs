//! Rule `index-hygiene`: see the doc comment of [`RULE`].

use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags non-unique indexes with more than three columns. Off by default.
    ///
    /// **Why it matters.** Wide non-unique indexes cost every write and are rarely used whole.
    ///
    /// **Instead.** Narrower indexes.
    pub static RULE = Rule {
        id: "index-hygiene",
        severity: Severity::Low,
        dialects: ALL_DIALECTS,
        default_on: false,
        why: "wide non-unique indexes cost every write and are rarely used whole",
        instead: "narrower indexes",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::CreateIndex {
        unique: false,
        columns,
        table,
        ..
    } = cx.stmt
        && columns.len() > 3
    {
        out.push(Hit::new(format!("index on {table} has {} columns", columns.len())).mark("INDEX"));
    }
}
