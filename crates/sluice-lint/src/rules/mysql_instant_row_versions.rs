//! Rule `mysql-instant-row-versions`: see the doc comment of [`RULE`].

use crate::analyze::Algorithm;
use crate::{Cx, Hit, LockMode, MY, Severity};
use sluice_sql::parse::{Action, Stmt};

/// MySQL's limit of row versions per table (8.0.29+).
const LIMIT: u32 = 64;
/// From how many used versions the rule speaks.
const NEAR: u32 = 54;

crate::rule! {
    /// Flags an `INSTANT` `ADD COLUMN` or `DROP COLUMN` on a MySQL 8.0.29+ table that has used
    /// 54 or more of its 64 row versions (`INFORMATION_SCHEMA.INNODB_TABLES.TOTAL_ROW_VERSIONS`,
    /// read when connected with `--env`). Low near the limit, medium at it.
    ///
    /// **Why it matters.** Each INSTANT column change uses one row version. At 64, MySQL refuses
    /// `ALGORITHM=INSTANT`, and without an explicit algorithm it silently falls back to a
    /// rebuild that blocks or copies the table.
    ///
    /// **Instead.** Rebuild the table at a quiet time (`OPTIMIZE TABLE`, or an online tool such
    /// as gh-ost) to reset the counter, then make the change; or give `ALGORITHM=INSTANT` so
    /// that the statement fails rather than rebuilds.
    ///
    /// ```sql
    /// -- flagged when orders has used 60 row versions
    /// ALTER TABLE orders ADD COLUMN note varchar(200);
    /// ```
    pub static RULE = Rule {
        id: "mysql-instant-row-versions",
        severity: Severity::Low,
        dialects: MY,
        default_on: true,
        why: "each INSTANT ADD/DROP COLUMN uses one of a table's 64 row versions; at the limit MySQL refuses INSTANT and silently falls back to a rebuild",
        instead: "rebuild the table at a quiet time (OPTIMIZE TABLE, gh-ost) to reset the counter first, or write ALGORITHM=INSTANT so the statement fails instead of rebuilding",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let Stmt::AlterTable { name, actions, .. } = cx.stmt else {
        return;
    };
    let columns = actions
        .iter()
        .any(|a| matches!(a, Action::AddColumn { .. } | Action::DropColumn { .. }));
    let instant = cx.effects.locks.iter().any(|l| {
        matches!(
            l.mode,
            LockMode::MySql {
                algorithm: Algorithm::Instant,
                ..
            }
        )
    });
    if cx.mariadb() || !columns || !instant || cx.is_new(name) {
        return;
    }
    let Some(used) = cx.options.size_of(name).and_then(|s| s.row_versions) else {
        return;
    };
    if used >= LIMIT {
        out.push(
            Hit::new(format!(
                "{name} has used all {LIMIT} row versions: INSTANT is refused and this ALTER rebuilds the table"
            ))
            .mark("ALTER")
            .severity(Severity::Medium),
        );
    } else if used >= NEAR {
        out.push(
            Hit::new(format!(
                "{name} has used {used} of {LIMIT} row versions: INSTANT column changes stop at {LIMIT}"
            ))
            .mark("ALTER"),
        );
    }
}
