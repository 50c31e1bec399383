//! Rule `concurrent-index-pg14-bug`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags `CREATE INDEX CONCURRENTLY` and `REINDEX … CONCURRENTLY` when the server is known to be
    /// PostgreSQL 14.0 to 14.3 (connected, or `--server-version`).
    ///
    /// **Why it is dangerous.** A known bug in those releases produced corrupt indexes without an
    /// error.
    ///
    /// **Instead.** Upgrade to 14.4 or later.
    ///
    /// ```sql
    /// -- flagged on 14.2
    /// CREATE INDEX CONCURRENTLY orders_idx ON orders (id);
    /// ```
    pub static RULE = Rule {
        id: "concurrent-index-pg14-bug",
        severity: Severity::High,
        dialects: PG,
        default_on: true,
        why: "PostgreSQL 14.0–14.3 can silently corrupt indexes built or rebuilt CONCURRENTLY",
        instead: "upgrade the server to 14.4 or later first",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let Some(v) = cx.options.version else { return };
    if v.major == 14
        && v.minor < 4
        && matches!(
            cx.stmt,
            Stmt::CreateIndex {
                concurrently: true,
                ..
            } | Stmt::Reindex {
                concurrently: true,
                ..
            }
        )
    {
        out.push(
            Hit::new(format!(
                "PostgreSQL {v} can corrupt indexes built CONCURRENTLY"
            ))
            .mark("CONCURRENTLY"),
        );
    }
}
