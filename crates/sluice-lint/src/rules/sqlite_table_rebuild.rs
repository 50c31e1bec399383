//! Rule `sqlite-table-rebuild`: see the doc comment of [`RULE`].

use super::alter;
use crate::{Cx, Hit, LITE, Severity};
use sluice_sql::parse::Action;

crate::rule! {
    /// Flags the SQLite table rebuild: `ALTER TABLE new RENAME TO old` after `old` was dropped and
    /// `new` created in the same migration.
    ///
    /// **Why it is dangerous.** The copy runs under the single database write lock (every writer
    /// waits). Indexes, triggers and views on the old table are gone unless recreated; with
    /// `foreign_keys` on, dropping the old table breaks or cascades references.
    ///
    /// **Instead.** Follow SQLite's documented procedure: `PRAGMA foreign_keys = OFF` outside the
    /// transaction, create/copy/drop/rename, recreate indexes, triggers and views, run `PRAGMA
    /// foreign_key_check`, commit, re-enable.
    ///
    /// ```sql
    /// -- flagged (last statement)
    /// CREATE TABLE orders_new (id integer PRIMARY KEY, amount integer NOT NULL);
    /// INSERT INTO orders_new SELECT id, amount FROM orders;
    /// DROP TABLE orders;
    /// ALTER TABLE orders_new RENAME TO orders;
    /// ```
    pub static RULE = Rule {
        id: "sqlite-table-rebuild",
        severity: Severity::High,
        dialects: LITE,
        default_on: true,
        why: "the create-copy-drop-rename rebuild copies every row under the database write lock; indexes, triggers and views must be recreated, and foreign keys break if enforcement is on",
        instead: "SQLite's 12-step procedure: PRAGMA foreign_keys=OFF before the transaction, recreate indexes/triggers/views, PRAGMA foreign_key_check before commit",
        check: check,
    };
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let Some((table, actions)) = alter(cx) else {
        return;
    };
    for a in actions {
        if let Action::RenameTable(to) = a
            && cx.state.was_dropped(to)
        {
            out.push(Hit::new(format!("{to} is rebuilt through {table}: every row is copied under the write lock; recreate its indexes, triggers and views")).mark("RENAME").sized(to));
        }
    }
}
