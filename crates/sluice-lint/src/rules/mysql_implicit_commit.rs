//! Rule `mysql-implicit-commit`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, MY, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags a MySQL/MariaDB migration with more than one DDL statement (or DDL after a data
    /// change), once, at the second statement. Low when the migration only creates new objects.
    ///
    /// **Why it is dangerous.** DDL commits implicitly. If the third statement fails, the first
    /// two stay applied; sluice records the migration as failed and says where, but a re-run
    /// starts again from the first statement, which now fails.
    ///
    /// **Instead.** One DDL per migration, or idempotent statements (MariaDB accepts `IF NOT
    /// EXISTS` on most `ALTER` actions; MySQL 8.0 not on `ADD COLUMN`).
    ///
    /// ```sql
    /// -- flagged (second statement)
    /// CREATE TABLE a (id int PRIMARY KEY);
    /// CREATE TABLE b (id int PRIMARY KEY);
    /// ```
    pub static RULE = Rule {
        id: "mysql-implicit-commit",
        severity: Severity::Medium,
        dialects: MY,
        default_on: true,
        why: "every MySQL/MariaDB DDL statement commits on its own: a migration with several is not atomic, and a failure leaves it half-applied",
        instead: "one DDL statement per migration, or statements that can be re-run (IF [NOT] EXISTS on MariaDB)",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    // Reported once per migration: at the first DDL statement that follows another one.
    let earlier = cx.state.ddl + cx.state.dml;
    if !cx.effects.ddl || earlier == 0 {
        return;
    }
    let ddl_before = cx.all[..cx.index]
        .iter()
        .filter(|s| matches!(s, Ok(s) if is_ddl(s)))
        .count();
    let dml_before = cx.state.dml;
    if ddl_before + dml_before != earlier
        || cx.all[..cx.index]
            .iter()
            .filter(|s| matches!(s, Ok(s) if is_ddl(s) || is_dml(s)))
            .count()
            > 1
    {
        return;
    }
    let total = cx
        .all
        .iter()
        .filter(|s| matches!(s, Ok(s) if is_ddl(s)))
        .count();
    // A migration that only creates new objects leaves only new, empty objects behind.
    let only_creates = cx.all.iter().all(|s| {
        matches!(
            s,
            Ok(Stmt::CreateTable {
                or_replace: false,
                ..
            } | Stmt::CreateIndex { .. }
                | Stmt::CreateView { .. }
                | Stmt::CreateSequence { .. }
                | Stmt::CreateTrigger { .. }
                | Stmt::CreateFunction { .. }
                | Stmt::Create { .. }
                | Stmt::Set { .. }
                | Stmt::Insert { .. }
                | Stmt::Select { .. })
        )
    });
    let mut hit = Hit::new(if total == 1 {
        "this DDL statement commits on its own, and commits the statements before it first: if it fails, they stay applied".to_string()
    } else {
        format!(
            "this migration has {total} DDL statements, each committing on its own: if one fails, the ones before it stay applied"
        )
    });
    if only_creates {
        hit.message
            .push_str(" (only new objects: drop them to retry)");
        hit = hit.severity(Severity::Low);
    }
    out.push(hit);
}

fn is_ddl(s: &Stmt) -> bool {
    !matches!(
        s,
        Stmt::Insert { .. }
            | Stmt::Update { .. }
            | Stmt::Delete { .. }
            | Stmt::Select { .. }
            | Stmt::Set { .. }
            | Stmt::Transaction(_)
            | Stmt::Call
            | Stmt::Do
            | Stmt::Lock { .. }
            | Stmt::Unlock
            | Stmt::Analyze
    )
}

fn is_dml(s: &Stmt) -> bool {
    matches!(
        s,
        Stmt::Insert { .. } | Stmt::Update { .. } | Stmt::Delete { .. }
    )
}
