//! Rule `drop-schema-or-database`: see the doc comment of [`RULE`].

use crate::{ALL_DIALECTS, Cx, Hit, Severity};
use sluice_sql::parse::{ObjectKind, Stmt};

crate::rule! {
    /// Flags `DROP SCHEMA` and `DROP DATABASE`.
    ///
    /// **Why it is dangerous.** Mass data loss, in one statement.
    ///
    /// **Instead.** Out of band, with backups and a second pair of eyes.
    ///
    /// ```sql
    /// -- flagged
    /// DROP SCHEMA reporting CASCADE;
    /// ```
    pub static RULE = Rule {
        id: "drop-schema-or-database",
        severity: Severity::High,
        dialects: ALL_DIALECTS,
        default_on: true,
        why: "dropping a schema or database destroys everything in it",
        instead: "never in a migration: do it by hand, after a backup",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if let Stmt::Drop {
        kind: k @ (ObjectKind::Schema | ObjectKind::Database),
        names,
        ..
    } = cx.stmt
    {
        for n in names {
            out.push(
                Hit::new(format!(
                    "{} {n} and everything in it are dropped",
                    k.as_str()
                ))
                .mark("DROP"),
            );
        }
    }
}
