//! Rule `prefer-jsonb`: see the doc comment of [`RULE`].

use super::new_columns;
use crate::{Cx, Hit, PG, Severity};

crate::rule! {
    /// Flags `json` columns. Off by default.
    ///
    /// **Why it matters.** Json has no equality operator: DISTINCT, GROUP BY and UNION on it fail, and it is re-parsed on every access.
    ///
    /// **Instead.** Jsonb.
    pub static RULE = Rule {
        id: "prefer-jsonb",
        severity: Severity::Low,
        dialects: PG,
        default_on: false,
        why: "json has no equality operator: DISTINCT, GROUP BY and UNION on it fail, and it is re-parsed on every access",
        instead: "jsonb",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for c in new_columns(cx) {
        if c.ty.as_ref().is_some_and(|t| t.name == "json") {
            out.push(Hit::new(format!("column {} is json", c.name)));
        }
    }
}
