//! Rule `drop-table`: see the doc comment of [`RULE`].

use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::Dialect;
use sluice_sql::parse::{Action, Name, ObjectKind, Stmt};

/// The table a later statement of the migration renames to `table`, when rows were
/// copied into it before this drop (a rebuild: create, copy, drop, rename).
fn rebuilt_as<'a>(cx: &Cx<'a>, table: &Name) -> Option<&'a Name> {
    let to_table = |to: &Name| to.name.eq_ignore_ascii_case(&table.name);
    cx.all[cx.index + 1..]
        .iter()
        .find_map(|s| match s {
            Ok(Stmt::AlterTable { name, actions, .. }) => actions
                .iter()
                .any(|a| matches!(a, Action::RenameTable(to) if to_table(to)))
                .then_some(name),
            Ok(Stmt::RenameTables(pairs)) => pairs
                .iter()
                .find(|(_, to)| to_table(to))
                .map(|(from, _)| from),
            _ => None,
        })
        .filter(|copy| cx.state.was_filled(copy))
}

crate::rule! {
    /// Flags `DROP TABLE` of a table that was not created earlier in the same migration.
    /// A rebuild (rows copied into a new table, the old one dropped, the new one renamed to
    /// its name) is not a loss of rows: on SQLite `sqlite-table-rebuild` reports it instead;
    /// elsewhere the finding names the copy and the rows written after it.
    ///
    /// **Why it is dangerous.** The data is gone, and the application version still running may
    /// query it. PostgreSQL also takes `ACCESS EXCLUSIVE` on every table the dropped one
    /// references by foreign key (verified).
    ///
    /// **Instead.** Expand/contract: remove the code that uses it, deploy, then drop in a later
    /// migration — with a backup (sluice's `backup = true` gate) and `--confirm`.
    ///
    /// ```sql
    /// -- flagged
    /// DROP TABLE legacy_orders;
    /// ```
    pub static RULE = Rule {
        id: "drop-table",
        severity: Severity::High,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "dropping a table destroys its data for good and breaks code that still uses it; PostgreSQL also locks every table it references ACCESS EXCLUSIVE",
        instead: "stop using the table in code first, keep a backup (or rename it), and drop it in a later release",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::Drop {
        kind: ObjectKind::Table,
        names,
        ..
    } = cx.stmt
    {
        for n in names {
            if cx.is_new(n) {
                continue;
            }
            match rebuilt_as(cx, n) {
                // SQLite's rebuild: `sqlite-table-rebuild` reports it at the rename.
                Some(_) if cx.dialect() == Dialect::Sqlite => {}
                Some(copy) => out.push(Hit::new(format!("table {n} is dropped and replaced by {copy}, which its rows were copied into: rows written between the copy and the drop are lost")).mark("DROP")),
                None => out.push(Hit::new(format!("table {n} and all its rows are dropped")).mark("DROP")),
            }
        }
    }
}
