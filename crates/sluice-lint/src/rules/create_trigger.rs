//! Rule `create-trigger`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::parse::{Action, Stmt};

crate::rule! {
    /// Flags `CREATE TRIGGER` and `ENABLE/DISABLE TRIGGER` on a table that existed before the
    /// migration.
    ///
    /// **Why it is dangerous.** PostgreSQL takes `SHARE ROW EXCLUSIVE` (measured), so writes queue
    /// behind it; on MySQL, gh-ost cannot migrate tables with triggers and pt-online-schema-change
    /// needs its own. Every later write runs the trigger.
    ///
    /// **Instead.** A lock timeout (sluice sets one) and a note in the migration's description.
    ///
    /// ```sql
    /// -- flagged
    /// CREATE TRIGGER orders_audit AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION audit();
    /// ```
    pub static RULE = Rule {
        id: "create-trigger",
        severity: Severity::Medium,
        dialects: PG_MY,
        default_on: true,
        why: "CREATE TRIGGER takes SHARE ROW EXCLUSIVE on the table (writes wait while it is queued or held) and changes what every write does",
        instead: "keep the statement in a short transaction with a lock timeout, and document the behaviour change",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    match cx.stmt {
        Stmt::CreateTrigger { table, name, .. } if !cx.is_new(table) => {
            out.push(Hit::new(format!("trigger {name} on existing table {table}: writes wait for the lock, then every write runs it")).mark("TRIGGER"));
        }
        Stmt::AlterTable { name, actions, .. } if !cx.is_new(name) => {
            for a in actions {
                if let Action::Trigger(what) = a {
                    out.push(
                        Hit::new(format!("{what} on {name}: changes what every write does"))
                            .mark("TRIGGER"),
                    );
                }
            }
        }
        _ => {}
    }
}
