//! Rule `transaction-control-in-migration`: see the doc comment of [`RULE`].

use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::parse::{Stmt, Tx};

crate::rule! {
    /// Flags `BEGIN`, `START TRANSACTION`, `COMMIT`, `ROLLBACK` in a migration the runner wraps
    /// in a transaction (sluice's loader refuses these; this rule reports it for plain SQL files
    /// too), a nested `BEGIN`, and a `BEGIN` never committed.
    ///
    /// **Why it is dangerous.** The driver errors, or commits what should have been atomic.
    ///
    /// **Instead.** One transaction, owned by the runner.
    ///
    /// ```sql
    /// -- flagged
    /// BEGIN;
    /// CREATE TABLE a (id int);
    /// COMMIT;
    /// ```
    pub static RULE = Rule {
        id: "transaction-control-in-migration",
        severity: Severity::Medium,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "BEGIN/COMMIT inside a migration the runner wraps in a transaction errors, or silently commits part of the work",
        instead: "let the runner own the transaction; declare `-- transaction: false` to manage it yourself",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let Stmt::Transaction(tx) = cx.stmt else {
        return;
    };
    match tx {
        Tx::Begin if cx.transactional => out.push(Hit::new(
            "BEGIN inside a migration that already runs in a transaction",
        )),
        Tx::Begin if cx.state.in_transaction(false) => out.push(Hit::new(
            "nested BEGIN: the first transaction is still open",
        )),
        Tx::Begin => {
            let closed = cx.all[cx.index + 1..]
                .iter()
                .any(|s| matches!(s, Ok(Stmt::Transaction(Tx::Commit | Tx::Rollback))));
            if !closed {
                out.push(Hit::new(
                    "BEGIN is never committed: the work is rolled back when the session ends",
                ));
            }
        }
        Tx::Commit | Tx::Rollback if cx.transactional => out.push(Hit::new(format!(
            "{} inside a migration that runs in a transaction",
            cx.effects.kind
        ))),
        _ => {}
    }
}
