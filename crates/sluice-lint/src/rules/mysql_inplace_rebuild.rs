//! Rule `mysql-inplace-rebuild`: see the doc comment of [`RULE`].

use crate::analyze::{Algorithm, LockMode};
use crate::{Cx, Hit, MY, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags MySQL/MariaDB ALTERs whose cheapest algorithm rebuilds the clustered index in place:
    /// NULL ↔ NOT NULL, `ADD PRIMARY KEY`, `ROW_FORMAT=`, `KEY_BLOCK_SIZE=`, `ENGINE=`, `FORCE`.
    /// An explicit `ALGORITHM=INPLACE` names the least efficient algorithm allowed: MariaDB
    /// still takes a cheaper one (an `ADD INDEX …, ALGORITHM=INPLACE` rebuilds nothing, checked
    /// on 10.11), so it is not flagged there; MySQL (a server version below 10) runs an
    /// INSTANT operation in place, rebuilding, when INPLACE is named.
    ///
    /// **Why it is dangerous.** Every row is rewritten; `innodb_online_alter_log_max_size` caps the
    /// writes it can buffer, and replicas replay the ALTER single-threaded.
    ///
    /// **Instead.** A quiet time, or an online schema-change tool.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE orders FORCE;
    /// ```
    pub static RULE = Rule {
        id: "mysql-inplace-rebuild",
        severity: Severity::Medium,
        dialects: MY,
        default_on: true,
        why: "the table is rebuilt in place: writes continue, but the rebuild is I/O heavy, its online log can overflow and abort it, and replicas lag for its duration",
        instead: "off-peak for small tables; gh-ost or pt-online-schema-change for large ones",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if !matches!(cx.stmt, Stmt::AlterTable { .. }) {
        return;
    }
    for l in &cx.effects.locks {
        if let LockMode::MySql {
            algorithm: Algorithm::Inplace,
            concurrent_dml: true,
        } = l.mode
            && !cx.is_new(&l.table)
        {
            out.push(
                Hit::new(format!(
                    "ALGORITHM=INPLACE rebuilds {} (writes continue)",
                    l.table
                ))
                .sized(&l.table),
            );
        }
    }
}
