//! Rule `prefer-identity`: see the doc comment of [`RULE`].

use super::new_columns;
use crate::{Cx, Hit, PG, Severity};

crate::rule! {
    /// Flags `serial`/`bigserial`/`smallserial` columns. Off by default.
    ///
    /// **Why it matters.** Serial columns own an implicit sequence with its own permissions and ownership quirks.
    ///
    /// **Instead.** Bigint GENERATED ALWAYS AS IDENTITY.
    pub static RULE = Rule {
        id: "prefer-identity",
        severity: Severity::Low,
        dialects: PG,
        default_on: false,
        why: "serial columns own an implicit sequence with its own permissions and ownership quirks",
        instead: "bigint GENERATED ALWAYS AS IDENTITY",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for c in new_columns(cx) {
        if c.is_serial() {
            out.push(Hit::new(format!(
                "column {} is serial: prefer GENERATED … AS IDENTITY",
                c.name
            )));
        }
    }
}
