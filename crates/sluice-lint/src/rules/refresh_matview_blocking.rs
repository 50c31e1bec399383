//! Rule `refresh-matview-blocking`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags `REFRESH MATERIALIZED VIEW` without `CONCURRENTLY`. squawk does not check this.
    ///
    /// **Why it is dangerous.** The view is rewritten under `ACCESS EXCLUSIVE` (measured: new
    /// relfilenode), so every query on it waits.
    ///
    /// **Instead.** `REFRESH MATERIALIZED VIEW CONCURRENTLY` takes `EXCLUSIVE` (plain reads
    /// continue) and needs a unique index on the view.
    ///
    /// ```sql
    /// -- flagged
    /// REFRESH MATERIALIZED VIEW daily_totals;
    /// ```
    pub static RULE = Rule {
        id: "refresh-matview-blocking",
        severity: Severity::Medium,
        dialects: PG,
        default_on: true,
        why: "REFRESH MATERIALIZED VIEW takes ACCESS EXCLUSIVE on the view: readers wait for the whole refresh",
        instead: "REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view; reads continue)",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::RefreshMaterializedView {
        name,
        concurrently: false,
    } = cx.stmt
    {
        out.push(
            Hit::new(format!(
                "refreshing {name} blocks every read of it until the refresh ends"
            ))
            .mark("REFRESH"),
        );
    }
}
