//! Rule `mysql-copy-algorithm`: see the doc comment of [`RULE`].

use crate::analyze::{Algorithm, LockMode};
use crate::{Cx, Hit, MY, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags a MySQL/MariaDB `ALTER TABLE` or `CREATE INDEX` whose cheapest algorithm is COPY
    /// (type change, `DROP PRIMARY KEY` alone, a foreign key with checks on, a `STORED` generated
    /// column, a `CHECK`, a charset conversion, an expression default calling `UUID()`) or that
    /// forces `ALGORITHM=COPY` / `LOCK=SHARED|EXCLUSIVE`.
    ///
    /// **Why it is dangerous.** The server copies the table row by row while concurrent writes
    /// wait (measured on MariaDB 10.11 with the `ALGORITHM=` ladder), and replicas replay the
    /// ALTER as one statement.
    ///
    /// **Instead.** gh-ost (binlog-driven; no foreign keys or triggers on the table) or
    /// pt-online-schema-change (trigger-driven) for large tables.
    ///
    /// ```sql
    /// -- flagged
    /// ALTER TABLE orders MODIFY amount BIGINT NOT NULL;
    /// ```
    pub static RULE = Rule {
        id: "mysql-copy-algorithm",
        severity: Severity::High,
        dialects: MY,
        default_on: true,
        why: "the ALTER copies the whole table with concurrent writes blocked, and replicas replay it single-threaded: replica lag equal to the copy",
        instead: "gh-ost or pt-online-schema-change for large tables; or split the change so each part is INSTANT/INPLACE",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if !matches!(cx.stmt, Stmt::AlterTable { .. } | Stmt::CreateIndex { .. }) {
        return;
    }
    for l in &cx.effects.locks {
        if let LockMode::MySql {
            algorithm,
            concurrent_dml,
        } = l.mode
            && (algorithm == Algorithm::Copy || !concurrent_dml)
            && !cx.is_new(&l.table)
        {
            let how = if algorithm == Algorithm::Copy {
                "copies"
            } else {
                "rebuilds"
            };
            out.push(
                Hit::new(format!(
                    "ALGORITHM={}: the server {how} {} with concurrent writes blocked",
                    algorithm.as_str(),
                    l.table
                ))
                .sized(&l.table),
            );
        }
    }
}
