//! Rule `validate-in-same-transaction`: see the doc comment of [`RULE`].

use super::alter;
use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::Action;

crate::rule! {
    /// Flags `VALIDATE CONSTRAINT` in the same transaction as the `ADD … NOT VALID` of that
    /// constraint.
    ///
    /// **Why it is dangerous.** The `ADD` took `SHARE ROW EXCLUSIVE` (foreign key) or `ACCESS
    /// EXCLUSIVE` (check), and that lock is held to the end of the transaction, so the scan runs
    /// under it (verified on PostgreSQL 15).
    ///
    /// **Instead.** Validate in a later migration.
    ///
    /// ```sql
    /// -- flagged (one migration)
    /// ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) NOT VALID;
    /// ALTER TABLE orders VALIDATE CONSTRAINT fk;
    /// ```
    pub static RULE = Rule {
        id: "validate-in-same-transaction",
        severity: Severity::High,
        dialects: PG,
        default_on: true,
        why: "locks are held until commit, so the validation scan runs under the strong lock the ADD … NOT VALID took, and the split buys nothing",
        instead: "commit between ADD … NOT VALID and VALIDATE CONSTRAINT: put them in separate migrations",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let Some((table, actions)) = alter(cx) else {
        return;
    };
    for a in actions {
        if let Action::ValidateConstraint(c) = a
            && cx.in_transaction()
            && cx
                .state
                .not_valid_here
                .contains_key(&c.to_ascii_lowercase())
        {
            out.push(Hit::new(format!("constraint {c} is validated in the transaction that added it: the scan of {table} runs under the ADD's lock")).mark("VALIDATE").sized(table));
        }
    }
}
