//! Rule `drop-dependent-object`: see the doc comment of [`RULE`].

use super::{recreated_in_transaction, recreated_later, rest_of_transaction};
use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::parse::{Action, ObjectKind, Stmt};

crate::rule! {
    /// Flags `DROP VIEW | FUNCTION | PROCEDURE | TYPE | DOMAIN | SEQUENCE | EXTENSION | TRIGGER |
    /// POLICY | MATERIALIZED VIEW`, `ALTER TABLE … DROP CONSTRAINT` and `DROP DEFAULT`, for objects
    /// not created earlier in the migration. Not flagged when a later statement of the same
    /// transaction creates the object again (PostgreSQL and SQLite: no other session sees it
    /// missing); on MySQL/MariaDB each DDL statement commits, so a drop and re-create is
    /// still flagged there, as is one in a migration that runs outside a transaction,
    /// unless the drop is `IF EXISTS` and no earlier migration of the plan created the
    /// object (its first creation, written to be re-runnable).
    ///
    /// **Why it is dangerous.** Callers break, or a guarantee (a constraint, a policy) disappears.
    /// Dropping a foreign key in PostgreSQL also takes `ACCESS EXCLUSIVE` on the referenced table.
    ///
    /// **Instead.** Deprecate, remove the callers, drop later.
    ///
    /// ```sql
    /// -- flagged
    /// DROP FUNCTION complete_order(uuid);
    /// ```
    pub static RULE = Rule {
        id: "drop-dependent-object",
        severity: Severity::Medium,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "dropping a view, function, type, trigger, policy, constraint or default breaks callers or silently removes a guarantee",
        instead: "deprecate first, drop in a later release",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    match cx.stmt {
        Stmt::Drop {
            kind,
            names,
            if_exists,
            ..
        } if !matches!(
            kind,
            ObjectKind::Table
                | ObjectKind::Schema
                | ObjectKind::Database
                | ObjectKind::Index
                | ObjectKind::Role
                | ObjectKind::Other
        ) =>
        {
            for n in names.iter().filter(|n| {
                !cx.state.created_here(*kind, n)
                    && !recreated_in_transaction(cx, *kind, &n.name.to_ascii_lowercase())
            }) {
                let recreated = recreated_later(cx, *kind, &n.name.to_ascii_lowercase());
                // `DROP … IF EXISTS` of an object no earlier migration created, made again
                // here: the object is new (the drop only makes the file re-runnable).
                if recreated && *if_exists && !cx.state.created_before(*kind, n) {
                    continue;
                }
                let what = if recreated {
                    let between = match kind {
                        ObjectKind::Trigger => "writes in between skip it",
                        ObjectKind::Policy => "queries in between are checked without it",
                        _ => "callers in between fail",
                    };
                    format!(
                        "{} {n} is dropped and created again later, but not in the same transaction: {between}",
                        kind.as_str()
                    )
                } else {
                    format!(
                        "{} {n} is dropped: callers that use it break",
                        kind.as_str()
                    )
                };
                out.push(Hit::new(what).mark("DROP"));
            }
        }
        Stmt::AlterTable { name, actions, .. } if !cx.is_new(name) => {
            let later = rest_of_transaction(cx);
            let default_set_again = |c: &str| {
                later.iter().any(|s| {
                    matches!(s, Stmt::AlterTable { name: t, actions, .. }
                        if t.name.eq_ignore_ascii_case(&name.name)
                            && actions.iter().any(|a| matches!(a, Action::SetDefault(d, _) if d.eq_ignore_ascii_case(c))))
                })
            };
            for a in actions {
                match a {
                    Action::DropConstraint { name: c, .. }
                        if recreated_in_transaction(cx, ObjectKind::Constraint, &c.to_ascii_lowercase()) => {}
                    Action::DropDefault(c) if default_set_again(c) => {}
                    Action::DropConstraint { name: c, .. } => out.push(Hit::new(format!("constraint {c} on {name} is dropped: what it guaranteed is no longer checked")).mark("DROP")),
                    Action::DropDefault(c) => out.push(Hit::new(format!("default of {name}.{c} is dropped: inserts that relied on it fail or store NULL")).mark("DROP")),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}
