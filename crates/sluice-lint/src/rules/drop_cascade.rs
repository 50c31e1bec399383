//! Rule `drop-cascade`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::{Action, Stmt};

crate::rule! {
    /// Flags `DROP … CASCADE` (table, schema, type, column, extension, function, constraint).
    ///
    /// **Why it is dangerous.** PostgreSQL removes whatever depends on the object without naming
    /// it in the migration.
    ///
    /// **Instead.** Drop the dependents explicitly first.
    ///
    /// ```sql
    /// -- flagged
    /// DROP TYPE order_status CASCADE;
    /// ```
    pub static RULE = Rule {
        id: "drop-cascade",
        severity: Severity::High,
        dialects: PG,
        default_on: true,
        why: "CASCADE silently drops every dependent object: views, foreign keys, defaults, even columns of other tables",
        instead: "drop the dependents explicitly, one by one, so the migration says what goes",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    match cx.stmt {
        Stmt::Drop {
            cascade: true,
            kind,
            names,
            ..
        } => {
            for n in names {
                out.push(
                    Hit::new(format!(
                        "{} {n} is dropped with everything that depends on it",
                        kind.as_str()
                    ))
                    .mark("CASCADE"),
                );
            }
        }
        Stmt::AlterTable { name, actions, .. } => {
            for a in actions {
                match a {
                    Action::DropColumn {
                        column,
                        cascade: true,
                        ..
                    } => out.push(
                        Hit::new(format!(
                            "column {name}.{column} is dropped with everything that depends on it"
                        ))
                        .mark("CASCADE"),
                    ),
                    Action::DropConstraint {
                        name: c,
                        cascade: true,
                        ..
                    } => out.push(
                        Hit::new(format!(
                            "constraint {c} on {name} is dropped with everything that depends on it"
                        ))
                        .mark("CASCADE"),
                    ),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}
