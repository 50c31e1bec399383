//! Rule `autovacuum-disabled`: see the doc comment of [`RULE`].

use super::alter;
use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::Action;

crate::rule! {
    /// Flags `SET (autovacuum_enabled = off)`. Off by default.
    ///
    /// **Why it matters.** A table without autovacuum bloats and risks transaction-ID wraparound.
    ///
    /// **Instead.** Keep autovacuum on; tune its thresholds instead.
    pub static RULE = Rule {
        id: "autovacuum-disabled",
        severity: Severity::Low,
        dialects: PG,
        default_on: false,
        why: "a table without autovacuum bloats and risks transaction-ID wraparound",
        instead: "keep autovacuum on; tune its thresholds instead",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let Some((table, actions)) = alter(cx) else {
        return;
    };
    for a in actions {
        if let Action::SetOptions(opts) = a
            && opts.iter().any(|(k, v)| {
                k == "autovacuum_enabled" && matches!(v.as_str(), "off" | "false" | "0")
            })
        {
            out.push(
                Hit::new(format!("autovacuum disabled on {table}")).mark("autovacuum_enabled"),
            );
        }
    }
}
