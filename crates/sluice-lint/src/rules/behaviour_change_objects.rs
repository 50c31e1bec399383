//! Rule `behaviour-change-objects`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::{Action, Stmt};

crate::rule! {
    /// Flags `CREATE OR REPLACE VIEW | FUNCTION`, `SET DEFAULT`, `REPLICA IDENTITY`, RLS on/off,
    /// `CREATE/ALTER POLICY`, `REVOKE`, `ALTER ROLE | DATABASE | SYSTEM | EXTENSION`. Off by
    /// default.
    ///
    /// **Why it matters.** Replacing a view or function, changing defaults, RLS, policies, grants or replica identity silently changes behaviour or permissions for existing clients.
    ///
    /// **Instead.** Review the change, and roll it out in stages.
    pub static RULE = Rule {
        id: "behaviour-change-objects",
        severity: Severity::Low,
        dialects: PG,
        default_on: false,
        why: "replacing a view or function, changing defaults, RLS, policies, grants or replica identity silently changes behaviour or permissions for existing clients",
        instead: "review the change, and roll it out in stages",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let what = match cx.stmt {
        Stmt::CreateView {
            or_replace: true,
            name,
            ..
        } => Some(format!("view {name} is replaced")),
        Stmt::CreateFunction {
            or_replace: true,
            name,
            ..
        } => Some(format!("function {name} is replaced")),
        Stmt::CreatePolicy { name, table } | Stmt::AlterPolicy { name, table } => Some(format!(
            "policy {name} on {table} changes who sees which rows"
        )),
        Stmt::Grant { revoke: true, .. } => Some("privileges are revoked".to_string()),
        Stmt::AlterServer { what } => Some(format!("ALTER {what} changes server-wide behaviour")),
        Stmt::AlterTable { name, actions, .. } => actions.iter().find_map(|a| match a {
            Action::SetDefault(c, _) => Some(format!("default of {name}.{c} changes")),
            Action::ReplicaIdentity(w) | Action::RowLevelSecurity(w) => {
                Some(format!("{w} on {name}"))
            }
            _ => None,
        }),
        _ => None,
    };
    if let Some(w) = what {
        out.push(Hit::new(w));
    }
}
