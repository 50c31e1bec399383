//! Rule `missing-statement-timeout`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags the first statement that locks an existing table when no statement timeout is in
    /// force (none set earlier in the migration, and the environment sets no
    /// `statement_timeout`). Off by default.
    ///
    /// **Why it is dangerous.** A migration stuck on a slow scan keeps its locks until someone
    /// kills it.
    ///
    /// **Instead.** A statement timeout generous enough for known-long builds.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE orders ADD COLUMN note text;
    /// ```
    pub static RULE = Rule {
        id: "missing-statement-timeout",
        severity: Severity::Low,
        dialects: PG_MY,
        default_on: false,
        why: "a runaway statement holds its locks indefinitely",
        instead: "SET statement_timeout (PostgreSQL) / max_statement_time (MariaDB) per migration, or set `statement_timeout` on the environment",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if cx.options.runner_statement_timeout || cx.state.statement_timeout {
        return;
    }
    let first = !cx.all[..cx.index]
        .iter()
        .any(|s| matches!(s, Ok(Stmt::AlterTable { .. } | Stmt::CreateIndex { .. })));
    if first && matches!(cx.stmt, Stmt::AlterTable { .. } | Stmt::CreateIndex { .. }) {
        out.push(Hit::new("no statement timeout is set for this migration"));
    }
}
