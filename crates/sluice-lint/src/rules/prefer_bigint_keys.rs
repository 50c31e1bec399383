//! Rule `prefer-bigint-keys`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::parse::{Action, Column, Stmt};

crate::rule! {
    /// Flags `integer`, `smallint`, `serial` and `smallserial` primary-key and foreign-key columns
    /// (not on SQLite, whose integers are 64-bit). Off by default.
    ///
    /// **Why it matters.** An int or smallint key overflows later, and widening it is a full rewrite of the largest table.
    ///
    /// **Instead.** Bigint / bigserial / bigint GENERATED AS IDENTITY.
    pub static RULE = Rule {
        id: "prefer-bigint-keys",
        severity: Severity::Low,
        dialects: PG_MY,
        default_on: false,
        why: "an int or smallint key overflows later, and widening it is a full rewrite of the largest table",
        instead: "bigint / bigserial / bigint GENERATED AS IDENTITY",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let cols: Vec<&Column> = match cx.stmt {
        Stmt::CreateTable { columns, .. } => columns.iter().collect(),
        Stmt::AlterTable { actions, .. } => actions
            .iter()
            .filter_map(|a| match a {
                Action::AddColumn { column, .. } => Some(column),
                _ => None,
            })
            .collect(),
        _ => return,
    };
    for c in cols {
        let small = c.ty.as_ref().is_some_and(|t| {
            matches!(
                t.name.as_str(),
                "integer" | "smallint" | "serial" | "smallserial" | "tinyint"
            )
        });
        if small && (c.primary_key || c.references.is_some()) {
            out.push(Hit::new(format!(
                "key column {} is {}: it can overflow",
                c.name,
                c.ty.as_ref().map(|t| t.name.as_str()).unwrap_or("")
            )));
        }
    }
}
