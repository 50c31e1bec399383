//! Rule `enum-add-value`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags `ALTER TYPE … ADD VALUE` on a type not created in the same migration: high before
    /// PostgreSQL 12 (refused in a transaction block), medium when the migration goes on to use
    /// the type, low otherwise (ordering and old clients).
    ///
    /// **Why it is dangerous.** PostgreSQL 12+ refuses to use the value in the same transaction
    /// (`unsafe use of new value`, verified); without `BEFORE`/`AFTER` it sorts last, which
    /// changes queries that order by the enum.
    ///
    /// **Instead.** Its own migration, `IF NOT EXISTS`, and an explicit position.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TYPE order_status ADD VALUE 'refunded';
    /// -- instead
    /// ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'paid';
    /// ```
    pub static RULE = Rule {
        id: "enum-add-value",
        severity: Severity::Medium,
        dialects: PG,
        default_on: true,
        why: "the new value cannot be used in the transaction that adds it (PostgreSQL 12+), cannot be added in a transaction at all before 12, and old clients may not understand it",
        instead: "ADD VALUE IF NOT EXISTS … BEFORE/AFTER …, in its own migration; ship readers first",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::AlterTypeAddValue {
        name,
        value,
        positioned,
        ..
    } = cx.stmt
    {
        let later_use = cx.all[cx.index + 1..].iter().any(|s| {
            matches!(
                s,
                Ok(Stmt::Insert { .. }
                    | Stmt::Update { .. }
                    | Stmt::CreateFunction { .. }
                    | Stmt::CreateTable { .. }
                    | Stmt::AlterTable { .. })
            )
        });
        let sev = if cx.older_than(12, 0) && cx.in_transaction() {
            Severity::High
        } else if later_use && cx.in_transaction() {
            Severity::Medium
        } else {
            Severity::Low
        };
        if *positioned && sev == Severity::Low {
            return;
        }
        let mut msg = format!("value '{value}' added to {name}");
        if !positioned {
            msg.push_str(" without BEFORE/AFTER: it sorts last");
        }
        if later_use && cx.in_transaction() {
            msg.push_str("; later statements of this transaction cannot use it");
        }
        out.push(Hit::new(msg).mark("ADD").severity(sev));
    }
}
