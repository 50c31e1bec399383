//! Rule `missing-lock-timeout`: see the doc comment of [`RULE`].

use crate::analyze::{LockMode, PgLock};
use crate::{Cx, Hit, PG_MY, Severity};
use sluice_sql::Dialect;
use sluice_sql::parse::Stmt;

crate::rule! {
    /// Flags a statement that takes `ACCESS EXCLUSIVE`, `SHARE ROW EXCLUSIVE` or `SHARE` on an
    /// existing table (PostgreSQL), or any `ALTER TABLE` on an existing table (MySQL/MariaDB,
    /// metadata lock), when nothing bounds the wait: no earlier `SET lock_timeout` /
    /// `lock_wait_timeout` in the migration, and the runner does not set one.
    ///
    /// sluice's own runner sets `lock_timeout` (PostgreSQL) or `lock_wait_timeout` (MySQL/MariaDB)
    /// for every migration — 5 s unless the environment's `lock_timeout` says otherwise — and
    /// retries with back-off, so in a sluice project this rule fires only where an environment
    /// sets `lock_timeout = "0"`, or for plain SQL files run by something else.
    ///
    /// **Why it is dangerous.** Lock requests queue first-in first-out: an `ALTER TABLE` waiting
    /// behind one long `SELECT` makes every later `SELECT` wait too. MySQL's default
    /// `lock_wait_timeout` is a year; MariaDB's a day. High for `ACCESS EXCLUSIVE`, medium
    /// otherwise.
    ///
    /// **Instead.** A short lock timeout and retries.
    ///
    /// ```sql
    /// -- flagged (plain SQL file, no timeout)
    /// ALTER TABLE orders ADD COLUMN note text;
    /// -- instead
    /// SET lock_timeout = '2s';
    /// ALTER TABLE orders ADD COLUMN note text;
    /// ```
    pub static RULE = Rule {
        id: "missing-lock-timeout",
        severity: Severity::High,
        dialects: PG_MY,
        default_on: true,
        why: "a DDL statement waiting for its lock blocks every later query on the table (the lock queue): an outage even for an instant change",
        instead: "SET lock_timeout = '2s' (PostgreSQL) / SET SESSION lock_wait_timeout = 5 (MySQL) first — sluice's runner does this unless the environment sets lock_timeout = 0",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if cx.options.runner_lock_timeout || cx.state.lock_timeout {
        return;
    }
    match cx.dialect() {
        Dialect::Postgres => {
            let worst = cx
                .effects
                .locks
                .iter()
                .filter(|l| l.via_index || !cx.is_new(&l.table))
                .filter_map(|l| match l.mode {
                    LockMode::Pg(m)
                        if m >= PgLock::Share && m != PgLock::Exclusive
                            || m == PgLock::AccessExclusive =>
                    {
                        Some((m, l))
                    }
                    _ => None,
                })
                .max_by_key(|(m, _)| *m);
            if let Some((m, l)) = worst {
                let sev = if m == PgLock::AccessExclusive {
                    Severity::High
                } else {
                    Severity::Medium
                };
                out.push(
                    Hit::new(format!(
                        "{} waits for {} on {} with no lock timeout: queries queue behind it",
                        cx.effects.kind,
                        m.as_str(),
                        l.table
                    ))
                    .severity(sev),
                );
            }
        }
        Dialect::MySql => {
            if let Stmt::AlterTable { name, .. } | Stmt::CreateIndex { table: name, .. } = cx.stmt
                && !cx.is_new(name)
            {
                out.push(Hit::new(format!("{} waits for the metadata lock on {name} with no lock_wait_timeout (default: a year on MySQL, a day on MariaDB)", cx.effects.kind)).severity(Severity::Medium));
            }
        }
        Dialect::Sqlite => {}
    }
}
