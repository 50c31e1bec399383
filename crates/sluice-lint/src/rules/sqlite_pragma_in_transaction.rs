//! Rule `sqlite-pragma-in-transaction`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, LITE, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags `PRAGMA foreign_keys = …` inside a transaction (every sluice migration runs in one
    /// unless it declares `-- transaction: false`), and `PRAGMA legacy_alter_table = ON`.
    ///
    /// **Why it is dangerous.** SQLite ignores `foreign_keys` changes inside a transaction
    /// (documented), silently.
    ///
    /// **Instead.** A non-transactional migration that sets the pragma before its `BEGIN`.
    ///
    /// ```sql
    /// -- flagged (in a transactional migration)
    /// PRAGMA foreign_keys = OFF;
    /// ```
    pub static RULE = Rule {
        id: "sqlite-pragma-in-transaction",
        severity: Severity::Medium,
        dialects: LITE,
        default_on: true,
        why: "PRAGMA foreign_keys is a no-op inside a transaction, so the statements after it run with the enforcement the author thinks is off (or on)",
        instead: "issue the PRAGMA in a migration declared `-- transaction: false`, before BEGIN",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::Pragma { name, value } = cx.stmt {
        if name == "foreign_keys" && cx.in_transaction() {
            out.push(Hit::new("PRAGMA foreign_keys has no effect inside a transaction, and this statement runs in one").mark("PRAGMA"));
        }
        if name == "legacy_alter_table" && matches!(value.as_deref(), Some("on" | "1" | "true")) {
            out.push(
                Hit::new("legacy_alter_table = ON makes RENAME leave references to the old name")
                    .mark("PRAGMA"),
            );
        }
    }
}
