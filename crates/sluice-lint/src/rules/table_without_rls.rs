//! Rule `table-without-rls`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG, Severity};
use sluice_sql::parse::{Action, Stmt};

crate::rule! {
    /// Flags a `CREATE TABLE` whose migration does not `ENABLE ROW LEVEL SECURITY` on it. Off by
    /// default; on when `sluice.toml` has `[lint] require_rls = true`, for projects that enable
    /// RLS on every table.
    ///
    /// **Why it is dangerous.** Supabase exposes every table in `public` through its API; without
    /// RLS, the `anon` and `authenticated` roles see every row their grants allow.
    ///
    /// **Instead.**
    ///
    /// ```sql
    /// CREATE TABLE notes (id uuid PRIMARY KEY, body text);
    /// ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
    /// CREATE POLICY notes_owner ON notes USING (owner = auth.uid());
    /// ```
    pub static RULE = Rule {
        id: "table-without-rls",
        severity: Severity::Medium,
        dialects: PG,
        default_on: false,
        why: "in a project that relies on row-level security (Supabase, PostgREST), a table without it is readable and writable by every role that has table privileges",
        instead: "ALTER TABLE … ENABLE ROW LEVEL SECURITY in the same migration, with the policies the table needs",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let Stmt::CreateTable {
        name,
        temporary: false,
        ..
    } = cx.stmt
    else {
        return;
    };
    let enabled = cx.all.iter().any(|s| match s {
        Ok(Stmt::AlterTable { name: n, actions, .. }) => n.name == name.name && actions.iter().any(|a| matches!(a, Action::RowLevelSecurity(w) if w.starts_with("ENABLE") || w.starts_with("FORCE"))),
        _ => false,
    });
    if !enabled {
        out.push(
            Hit::new(format!(
                "table {name} is created without ENABLE ROW LEVEL SECURITY"
            ))
            .mark("TABLE"),
        );
    }
}
