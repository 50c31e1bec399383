//! Rule `truncate`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags `TRUNCATE`, naming `CASCADE` when present.
    ///
    /// **Why it is dangerous.** All rows are gone; with `CASCADE`, every table with a foreign key
    /// to this one is emptied too. PostgreSQL takes `ACCESS EXCLUSIVE`, and concurrent
    /// transactions with older snapshots see the table empty.
    ///
    /// **Instead.** A batched `DELETE`, or dropping the table later.
    ///
    /// ```sql
    /// -- flagged
    /// TRUNCATE audit_log CASCADE;
    /// ```
    pub static RULE = Rule {
        id: "truncate",
        severity: Severity::High,
        dialects: PG_MY,
        default_on: true,
        why: "TRUNCATE deletes every row (CASCADE: also every row of the referencing tables), takes ACCESS EXCLUSIVE, and is not MVCC-safe",
        instead: "DELETE in batches, or drop the table in a later release",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::Truncate { tables, cascade } = cx.stmt {
        for t in tables.iter().filter(|t| !cx.is_new(t)) {
            let extra = if *cascade {
                ", and CASCADE empties every table that references it"
            } else {
                ""
            };
            out.push(Hit::new(format!("every row of {t} is deleted{extra}")).mark("TRUNCATE"));
        }
    }
}
