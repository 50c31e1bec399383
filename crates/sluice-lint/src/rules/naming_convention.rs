//! Rule `naming-convention`: see the doc comment of [`RULE`].

use super::new_columns;
use crate::{ALL_DIALECTS, Cx, Hit, Severity};

crate::rule! {
    /// Flags created tables, columns and indexes whose names are not lower-case snake_case. Off
    /// by default.
    ///
    /// **Why it matters.** Names that need quoting (upper case, spaces) must be quoted everywhere, forever.
    ///
    /// **Instead.** Lower-case snake_case names.
    pub static RULE = Rule {
        id: "naming-convention",
        severity: Severity::Low,
        dialects: ALL_DIALECTS,
        default_on: false,
        why: "names that need quoting (upper case, spaces) must be quoted everywhere, forever",
        instead: "lower-case snake_case names",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let ok = |n: &str| {
        n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    let mut names: Vec<String> = cx
        .effects
        .created
        .iter()
        .map(|o| o.name.rsplit('.').next().unwrap_or("").to_string())
        .collect();
    names.extend(new_columns(cx).map(|c| c.name.clone()));
    for n in names.into_iter().filter(|n| !n.is_empty() && !ok(n)) {
        out.push(Hit::new(format!("name {n:?} is not lower-case snake_case")));
    }
}
