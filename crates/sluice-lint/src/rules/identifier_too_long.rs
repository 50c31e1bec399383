//! Rule `identifier-too-long`: see the doc comment of [`RULE`].

use super::new_columns;
use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::Dialect;

crate::rule! {
    /// Flags created objects and columns whose names exceed the server's limit. Off by default.
    ///
    /// **Why it matters.** PostgreSQL silently truncates names longer than 63 bytes (two long names can collide); MySQL refuses names over 64 characters.
    ///
    /// **Instead.** Shorter names.
    pub static RULE = Rule {
        id: "identifier-too-long",
        severity: Severity::Low,
        dialects: PG_MY,
        default_on: false,
        why: "PostgreSQL silently truncates names longer than 63 bytes (two long names can collide); MySQL refuses names over 64 characters",
        instead: "shorter names",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let limit = if cx.dialect() == Dialect::Postgres {
        63
    } else {
        64
    };
    let mut names: Vec<String> = cx
        .effects
        .created
        .iter()
        .map(|o| o.name.rsplit('.').next().unwrap_or("").to_string())
        .collect();
    names.extend(new_columns(cx).map(|c| c.name.clone()));
    for n in names {
        if n.len() > limit {
            out.push(Hit::new(format!(
                "name {n} is {} bytes (limit {limit})",
                n.len()
            )));
        }
    }
}
