//! What the analysis knows about a migration between two statements.

use std::collections::{BTreeMap, BTreeSet};

use super::analyze::{Effects, LockMode, PgLock};
use crate::Dialect;
use crate::parse::{Action, ConstraintKind, Name, ObjectKind, Stmt, Tx};

/// The state of a migration before a statement.
#[derive(Clone, Debug, Default)]
pub struct State {
    /// Lower-case bare names of tables created earlier in the migration or the plan.
    new_tables: BTreeSet<String>,
    /// Tables created by this migration, in order.
    created_here: Vec<Name>,
    /// Objects created by this migration: (kind, lower-case bare name).
    objects: BTreeSet<(ObjectKind, String)>,
    /// Tables dropped by this migration.
    dropped_here: BTreeSet<String>,
    /// Inside an explicit `BEGIN` (not the runner's transaction).
    explicit_tx: bool,
    /// `SET lock_timeout` / `lock_wait_timeout` seen (to a non-zero value).
    pub lock_timeout: bool,
    /// `SET statement_timeout` / `max_statement_time` seen.
    pub statement_timeout: bool,
    /// MySQL `SET foreign_key_checks = 0` in force.
    pub foreign_key_checks_off: bool,
    /// SQLite `PRAGMA foreign_keys = OFF` issued.
    pub sqlite_foreign_keys_off: bool,
    /// DDL statements so far.
    pub ddl: usize,
    /// Data-changing statements so far.
    pub dml: usize,
    /// Statements the parser could not read.
    pub unknown: usize,
    /// PostgreSQL table locks held in the current transaction: table → strongest mode.
    pub held: BTreeMap<String, PgLock>,
    /// Constraints added `NOT VALID` in the current transaction: name → table.
    pub not_valid_here: BTreeMap<String, String>,
    /// `(table, column)` with a `CHECK (col IS NOT NULL)` added by this migration.
    pub not_null_checks: BTreeSet<(String, String)>,
    /// Tables altered (DDL) in the current transaction.
    pub ddl_tables: BTreeSet<String>,
    /// Partitioned tables created in the plan → whether a partition exists.
    partitioned: BTreeMap<String, bool>,
    /// Tables whose rows were written in this migration (`INSERT … SELECT`, backfills).
    pub filled: BTreeSet<String>,
}

fn key(n: &Name) -> String {
    n.name.to_ascii_lowercase()
}

impl State {
    pub(crate) fn new(_dialect: Dialect, created_before: &[Name]) -> State {
        State {
            new_tables: created_before.iter().map(key).collect(),
            ..State::default()
        }
    }

    /// Whether `table` was created earlier in the migration or plan.
    pub fn is_new(&self, table: &Name) -> bool {
        self.new_tables.contains(&key(table))
    }

    /// Whether `table` was dropped earlier in this migration.
    pub fn was_dropped(&self, table: &Name) -> bool {
        self.dropped_here.contains(&key(table))
    }

    /// Whether `table` is a partitioned table created in this plan.
    pub fn is_partitioned(&self, table: &Name) -> bool {
        self.partitioned.contains_key(&key(table))
    }

    /// Whether `table` is a partitioned table (created in this plan) that has partitions.
    pub fn partitioned_with_children(&self, table: &Name) -> bool {
        self.partitioned.get(&key(table)).copied().unwrap_or(false)
    }

    /// Whether the next statement runs in a transaction block.
    pub fn in_transaction(&self, runner_wraps: bool) -> bool {
        runner_wraps || self.explicit_tx
    }

    /// Tables created by this migration.
    pub fn tables_created_here(&self) -> Vec<Name> {
        self.created_here.clone()
    }

    /// Whether this migration created the `kind` object `name` earlier.
    pub fn created_here(&self, kind: ObjectKind, name: &Name) -> bool {
        self.objects.contains(&(kind, key(name)))
    }

    pub(crate) fn unknown_statement(&mut self) {
        self.unknown += 1;
    }

    pub(crate) fn after(&mut self, stmt: &Stmt, fx: &Effects, runner_wraps: bool) {
        if fx.ddl {
            self.ddl += 1;
        }
        for o in &fx.created {
            let bare = o.name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
            self.objects.insert((o.kind, bare));
        }
        for lock in &fx.locks {
            if let LockMode::Pg(mode) = lock.mode {
                let e = self.held.entry(key(&lock.table)).or_insert(mode);
                *e = (*e).max(mode);
                if fx.ddl {
                    self.ddl_tables.insert(key(&lock.table));
                }
            }
        }
        match stmt {
            Stmt::CreateTable {
                name,
                partitioned,
                partition_of,
                ..
            } => {
                self.new_tables.insert(key(name));
                self.created_here.push(name.clone());
                if *partitioned {
                    self.partitioned.insert(key(name), false);
                }
                if let Some(p) = partition_of
                    && let Some(has) = self.partitioned.get_mut(&key(p))
                {
                    *has = true;
                }
            }
            Stmt::Drop {
                kind: ObjectKind::Table,
                names,
                ..
            } => {
                for n in names {
                    self.new_tables.remove(&key(n));
                    self.dropped_here.insert(key(n));
                }
            }
            Stmt::RenameTables(pairs) => {
                for (a, b) in pairs {
                    if self.new_tables.remove(&key(a)) {
                        self.new_tables.insert(key(b));
                    }
                }
            }
            Stmt::AlterTable { name, actions, .. } => {
                for a in actions {
                    match a {
                        Action::RenameTable(to) if self.new_tables.remove(&key(name)) => {
                            self.new_tables.insert(key(to));
                        }
                        Action::AttachPartition(_) => {
                            if let Some(has) = self.partitioned.get_mut(&key(name)) {
                                *has = true;
                            }
                        }
                        Action::AddConstraint(c) => {
                            if c.not_valid
                                && let Some(n) = &c.name
                            {
                                self.not_valid_here
                                    .insert(n.to_ascii_lowercase(), key(name));
                            }
                            if let ConstraintKind::Check(e) = &c.kind {
                                let t = e.text.to_ascii_lowercase();
                                let t = t.trim_start_matches('(').trim_end_matches(')');
                                if let Some(col) = t.strip_suffix(" is not null") {
                                    self.not_null_checks
                                        .insert((key(name), col.trim().to_string()));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            Stmt::Set { name, value, .. } => {
                let off = matches!(value.to_ascii_lowercase().as_str(), "0" | "default" | "off");
                match name.as_str() {
                    "lock_timeout" | "lock_wait_timeout" => self.lock_timeout = !off,
                    "statement_timeout" | "max_statement_time" | "max_execution_time" => {
                        self.statement_timeout = !off
                    }
                    "foreign_key_checks" => self.foreign_key_checks_off = off,
                    _ => {}
                }
            }
            Stmt::Pragma { name, value } if name == "foreign_keys" => {
                self.sqlite_foreign_keys_off =
                    matches!(value.as_deref(), Some("off" | "0" | "false" | "no"));
            }
            Stmt::Transaction(Tx::Begin) => self.explicit_tx = true,
            Stmt::Transaction(Tx::Commit | Tx::Rollback) => {
                self.explicit_tx = false;
                if !runner_wraps {
                    self.end_transaction();
                }
            }
            Stmt::Insert { table, .. } | Stmt::Update { table, .. } => {
                self.dml += 1;
                self.filled.insert(key(table));
            }
            Stmt::Delete { .. } => self.dml += 1,
            _ => {}
        }
        // Outside any transaction each statement commits by itself.
        if !runner_wraps && !self.explicit_tx {
            self.end_transaction();
        }
    }

    fn end_transaction(&mut self) {
        self.held.clear();
        self.not_valid_here.clear();
        self.ddl_tables.clear();
    }
}
