//! Rule `prefer-timestamptz`: see the doc comment of [`RULE`].

use super::new_columns;
use crate::{Cx, Hit, PG, Severity};

crate::rule! {
    /// Flags `timestamp` (without time zone) columns. Off by default.
    ///
    /// **Why it matters.** Timestamp without time zone drops the offset: values are ambiguous once servers or clients change zones.
    ///
    /// **Instead.** Timestamptz.
    pub static RULE = Rule {
        id: "prefer-timestamptz",
        severity: Severity::Low,
        dialects: PG,
        default_on: false,
        why: "timestamp without time zone drops the offset: values are ambiguous once servers or clients change zones",
        instead: "timestamptz",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for c in new_columns(cx) {
        if c.ty.as_ref().is_some_and(|t| t.name == "timestamp") {
            out.push(Hit::new(format!(
                "column {} is timestamp without time zone",
                c.name
            )));
        }
    }
}
