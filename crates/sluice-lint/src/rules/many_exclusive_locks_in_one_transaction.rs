//! Rule `many-exclusive-locks-in-one-transaction`: see the doc comment of [`RULE`].

use crate::analyze::{LockMode, PgLock};
use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::Name;

crate::rule! {
    /// Flags the statement that makes a transaction hold `ACCESS EXCLUSIVE` on a second (third…)
    /// table that existed before the migration.
    ///
    /// **Why it is dangerous.** Every table stays locked until the last statement commits; app
    /// transactions that lock the same tables in another order deadlock with it.
    ///
    /// **Instead.** Split the migration per table.
    ///
    /// ```sql
    /// -- flagged (second statement)
    /// ALTER TABLE orders ADD COLUMN a int;
    /// ALTER TABLE customers ADD COLUMN b int;
    /// ```
    pub static RULE = Rule {
        id: "many-exclusive-locks-in-one-transaction",
        severity: Severity::Medium,
        dialects: PG,
        default_on: true,
        why: "locks accumulate until commit: one transaction holding ACCESS EXCLUSIVE on several existing tables widens the outage and invites lock-ordering deadlocks",
        instead: "one table per migration, or a consistent order across migrations",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if !cx.in_transaction() {
        return;
    }
    let mut new_ae: Vec<&Name> = Vec::new();
    for l in &cx.effects.locks {
        if l.mode == LockMode::Pg(PgLock::AccessExclusive)
            && !l.via_index
            && !cx.is_new(&l.table)
            && !cx
                .state
                .held
                .contains_key(&l.table.name.to_ascii_lowercase())
        {
            new_ae.push(&l.table);
        }
    }
    let held: Vec<&String> = cx
        .state
        .held
        .iter()
        .filter(|(_, m)| **m == PgLock::AccessExclusive)
        .map(|(t, _)| t)
        .filter(|t| !cx.is_new(&Name::bare(t.as_str())))
        .collect();
    if let Some(t) = new_ae.first()
        && !held.is_empty()
    {
        let list = held
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        out.push(Hit::new(format!(
            "{t} is locked ACCESS EXCLUSIVE while this transaction still holds {list}"
        )));
    }
}
