//! Rule `alter-sequence`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::parse::{Action, ObjectKind, Stmt};

crate::rule! {
    /// Flags `ALTER SEQUENCE … RESTART | START | INCREMENT | MINVALUE | MAXVALUE | AS`,
    /// `SELECT setval(…)`, and MySQL `ALTER TABLE … AUTO_INCREMENT = n`.
    ///
    /// **Why it is dangerous.** A restart below the largest key in use makes later inserts fail
    /// with duplicate keys. `ALTER SEQUENCE` takes `SHARE ROW EXCLUSIVE` on the sequence
    /// (verified on PostgreSQL 15), so every insert that calls `nextval()` waits until commit.
    /// `setval()` is not transactional: a rollback does not undo it.
    ///
    /// **Instead.** A short transaction, and a value above `max(id)`.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER SEQUENCE orders_id_seq RESTART WITH 1;
    /// ```
    pub static RULE = Rule {
        id: "alter-sequence",
        severity: Severity::Medium,
        dialects: PG_MY,
        default_on: true,
        why: "restarting a sequence below the current maximum produces duplicate-key errors; ALTER SEQUENCE takes SHARE ROW EXCLUSIVE, which blocks nextval() (inserts) until commit",
        instead: "keep it in a tiny transaction; never restart below max(id)",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    match cx.stmt {
        Stmt::AlterObject {
            kind: ObjectKind::Sequence,
            name,
            sequence_values: true,
            ..
        } => {
            out.push(Hit::new(format!("sequence {name} changed: inserts calling nextval() wait until commit, and a restart below max(id) breaks them")).mark("SEQUENCE"));
        }
        Stmt::Select { calls } if calls.iter().any(|c| c == "setval") => {
            out.push(Hit::new("setval() moves a sequence outside the transaction: a rollback does not undo it").mark("setval"));
        }
        Stmt::AlterTable { name, actions, .. } if actions.contains(&Action::AutoIncrement) => {
            out.push(
                Hit::new(format!(
                    "AUTO_INCREMENT of {name} changed: a value below max(id) makes inserts fail"
                ))
                .mark("AUTO_INCREMENT"),
            );
        }
        _ => {}
    }
}
