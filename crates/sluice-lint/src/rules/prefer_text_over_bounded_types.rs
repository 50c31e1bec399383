//! Rule `prefer-text-over-bounded-types`: see the doc comment of [`RULE`].

use super::new_columns;
use crate::{Cx, Hit, PG, Severity};

crate::rule! {
    /// Flags `varchar(n)` and `char(n)` columns. Off by default.
    ///
    /// **Why it matters.** A later length change of varchar(n) is a type change; char(n) pads with spaces.
    ///
    /// **Instead.** Text with CHECK (length(col) <= n).
    pub static RULE = Rule {
        id: "prefer-text-over-bounded-types",
        severity: Severity::Low,
        dialects: PG,
        default_on: false,
        why: "a later length change of varchar(n) is a type change; char(n) pads with spaces",
        instead: "text with CHECK (length(col) <= n)",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for c in new_columns(cx) {
        if c.ty
            .as_ref()
            .is_some_and(|t| matches!(t.name.as_str(), "varchar" | "char") && !t.args.is_empty())
        {
            out.push(Hit::new(format!(
                "column {} has a bounded character type",
                c.name
            )));
        }
    }
}
