//! Rule `non-idempotent-ddl`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG_LITE, Severity};
use sluice_sql::parse::{Action, Stmt};

crate::rule! {
    /// Flags `CREATE`/`DROP`/`ADD COLUMN`/`ADD VALUE` without `IF [NOT] EXISTS` (and `INSERT`
    /// without `ON CONFLICT`/`IGNORE`) in a migration that is not atomic (declared `-- transaction: false`), where statements
    /// before it may have committed. On MySQL/MariaDB, where every DDL statement commits, the same
    /// concern is `mysql-implicit-commit`.
    ///
    /// **Why it is dangerous.** sluice marks such a migration failed and names the statement; a
    /// re-run starts from the first statement, which now fails because its object exists.
    ///
    /// **Instead.** Guards, so a re-run skips what is done.
    ///
    /// ```sql
    /// -- flagged (in a `-- transaction: false` migration)
    /// CREATE INDEX CONCURRENTLY orders_idx ON orders (customer_id);
    /// -- instead
    /// CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_idx ON orders (customer_id);
    /// ```
    pub static RULE = Rule {
        id: "non-idempotent-ddl",
        severity: Severity::Medium,
        dialects: PG_LITE,
        default_on: true,
        why: "when a non-atomic migration fails halfway, re-running it fails again on the statements that already ran",
        instead: "IF [NOT] EXISTS guards, or keep the migration transactional",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if cx.in_transaction() || cx.effects.idempotent || cx.all.len() < 2 {
        return;
    }
    let guardable = matches!(
        cx.stmt,
        Stmt::CreateTable { .. }
            | Stmt::CreateIndex { .. }
            | Stmt::Drop { .. }
            | Stmt::CreateSequence { .. }
            | Stmt::Create { .. }
            | Stmt::AlterTypeAddValue { .. }
            | Stmt::CreateView { .. }
    ) || matches!(cx.stmt, Stmt::AlterTable { actions, .. } if actions.iter().any(|a| matches!(a, Action::AddColumn { .. } | Action::DropColumn { .. })));
    if guardable {
        out.push(Hit::new(format!("{} has no IF [NOT] EXISTS guard, and this migration is not atomic: a re-run after a failure stops here", cx.effects.kind)));
    }
}
