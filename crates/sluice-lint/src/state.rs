//! What the analysis knows about a migration between two statements.

use std::collections::{BTreeMap, BTreeSet};

use super::analyze::{Effects, LockMode, PgLock};
use sluice_sql::Dialect;
use sluice_sql::parse::{Action, ConstraintKind, DataType, Name, ObjectKind, Stmt, Tx};

/// A column: lower-case bare table name, lower-case column name.
type Col = (String, String);

/// What the plan declared of a column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    /// Its type.
    pub ty: DataType,
    /// `NOT NULL` (or part of the primary key).
    pub not_null: bool,
}

/// What a migration knows of the migrations before it in the plan: the tables they created
/// (empty when the plan runs in one go) and the declared type of every column they made.
/// Shared by reference, so a plan of n migrations is analysed in time linear in n.
#[derive(Clone, Debug, Default)]
pub struct Before {
    new_tables: BTreeSet<String>,
    types: BTreeMap<Col, Declared>,
    /// MySQL tables' character sets (`DEFAULT CHARSET=`), where declared.
    charsets: BTreeMap<String, String>,
    /// Objects the earlier migrations created: (kind, lower-case bare name).
    objects: BTreeSet<(ObjectKind, String)>,
}

impl Before {
    /// Nothing known.
    pub fn new() -> Before {
        Before::default()
    }

    /// Takes in what the migration of `report` did, for the migrations after it.
    /// `tables_are_new`: the tables it created are still empty when the later ones run
    /// (a plan applied in one go), or not (files linted as if applied long ago); the
    /// column types it declared are learned either way.
    pub fn learn(&mut self, report: &mut super::Report, tables_are_new: bool) {
        // Taken, not copied: the report keeps its findings, the plan keeps what it learns.
        let l = std::mem::take(&mut report.learned);
        for t in &l.shadowed {
            let cols: Vec<Col> = table_range(&self.types, t)
                .map(|(k, _)| k.clone())
                .collect();
            for c in cols {
                self.types.remove(&c);
            }
        }
        for (c, ty) in l.types {
            match ty {
                Some(ty) => self.types.insert(c, ty),
                None => self.types.remove(&c),
            };
        }
        for t in &l.gone {
            self.new_tables.remove(t);
        }
        self.objects.extend(l.objects);
        for (t, c) in l.charsets {
            match c {
                Some(c) => self.charsets.insert(t, c),
                None => self.charsets.remove(&t),
            };
        }
        if tables_are_new {
            self.new_tables
                .extend(report.created_tables.iter().map(key));
        }
    }
}

/// What a column definition declares, when it has a type.
fn declared(c: &sluice_sql::parse::Column) -> Option<Declared> {
    c.ty.as_ref().map(|ty| Declared {
        ty: ty.clone(),
        not_null: c.not_null || c.primary_key,
    })
}

/// The entries of `map` for table `t`.
fn table_range<'m, V>(
    map: &'m BTreeMap<Col, V>,
    t: &str,
) -> impl Iterator<Item = (&'m Col, &'m V)> + 'm {
    let t = t.to_string();
    map.range((t.clone(), String::new())..)
        .take_while(move |((table, _), _)| *table == t)
}

/// What one migration changed of [`Before`]: declared types (`None`: the column is gone),
/// tables whose earlier columns no longer hold (dropped, re-created or renamed), and
/// tables dropped or renamed away.
#[derive(Clone, Debug, Default)]
pub struct Learned {
    types: BTreeMap<Col, Option<Declared>>,
    shadowed: BTreeSet<String>,
    gone: BTreeSet<String>,
    charsets: BTreeMap<String, Option<String>>,
    objects: BTreeSet<(ObjectKind, String)>,
}

/// The state of a migration before a statement.
#[derive(Clone, Debug)]
pub struct State<'b> {
    /// What the earlier migrations of the plan left.
    before: &'b Before,
    /// What this migration changed of it so far (types, tables gone).
    learned: Learned,
    /// Lower-case bare names of tables created earlier in this migration.
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

impl<'b> State<'b> {
    pub(crate) fn new(_dialect: Dialect, before: &'b Before) -> State<'b> {
        State {
            before,
            learned: Learned::default(),
            new_tables: BTreeSet::new(),
            created_here: Vec::new(),
            objects: BTreeSet::new(),
            dropped_here: BTreeSet::new(),
            explicit_tx: false,
            lock_timeout: false,
            statement_timeout: false,
            foreign_key_checks_off: false,
            sqlite_foreign_keys_off: false,
            ddl: 0,
            dml: 0,
            unknown: 0,
            held: BTreeMap::new(),
            not_valid_here: BTreeMap::new(),
            not_null_checks: BTreeSet::new(),
            ddl_tables: BTreeSet::new(),
            partitioned: BTreeMap::new(),
            filled: BTreeSet::new(),
        }
    }

    /// Whether `table` was created earlier in the migration or plan.
    pub fn is_new(&self, table: &Name) -> bool {
        let k = key(table);
        self.new_tables.contains(&k)
            || (!self.learned.gone.contains(&k) && self.before.new_tables.contains(&k))
    }

    /// The declared type of `table.column`, when a migration of the plan declared it and
    /// nothing since changed it.
    pub fn column_type(&self, table: &Name, column: &str) -> Option<&DataType> {
        self.column(table, column).map(|d| &d.ty)
    }

    /// What the plan declared of `table.column`, when nothing since changed it.
    pub fn column(&self, table: &Name, column: &str) -> Option<&Declared> {
        let c = (key(table), column.to_ascii_lowercase());
        match self.learned.types.get(&c) {
            Some(t) => t.as_ref(),
            None if self.learned.shadowed.contains(&c.0) => None,
            None => self.before.types.get(&c),
        }
    }

    /// The character set `table` was created with (MySQL), when the plan declared it.
    pub fn charset(&self, table: &Name) -> Option<&str> {
        let t = key(table);
        match self.learned.charsets.get(&t) {
            Some(c) => c.as_deref(),
            None => self.before.charsets.get(&t).map(String::as_str),
        }
    }

    /// Whether `table` was filled (`INSERT`, `UPDATE`) earlier in this migration.
    pub fn was_filled(&self, table: &Name) -> bool {
        self.filled.contains(&key(table))
    }

    /// What this migration changed of what the plan knows.
    pub(crate) fn into_learned(mut self) -> Learned {
        self.learned.objects = std::mem::take(&mut self.objects);
        self.learned
    }

    fn set_type(&mut self, table: &str, column: &str, d: Option<Declared>) {
        self.learned
            .types
            .insert((table.to_string(), column.to_ascii_lowercase()), d);
    }

    /// The columns of `t` as known now.
    fn columns_of(&self, t: &str) -> Vec<(String, Declared)> {
        let mut out: Vec<(String, Declared)> = table_range(&self.learned.types, t)
            .filter_map(|((_, c), ty)| ty.clone().map(|ty| (c.clone(), ty)))
            .collect();
        if !self.learned.shadowed.contains(t) {
            for ((_, c), ty) in table_range(&self.before.types, t) {
                if !self.learned.types.contains_key(&(t.to_string(), c.clone())) {
                    out.push((c.clone(), ty.clone()));
                }
            }
        }
        out
    }

    /// Forgets every column of `t` known so far (the table is dropped or replaced).
    fn shadow(&mut self, t: &str) {
        let mine: Vec<Col> = table_range(&self.learned.types, t)
            .map(|(k, _)| k.clone())
            .collect();
        for c in mine {
            self.learned.types.remove(&c);
        }
        self.learned.shadowed.insert(t.to_string());
    }

    /// Table `from` is renamed `to`: it keeps its newness and its columns.
    fn rename_table(&mut self, from: &Name, to: &Name) {
        let was_new = self.is_new(from);
        let charset = self.charset(from).map(String::from);
        let (a, b) = (key(from), key(to));
        self.learned.charsets.insert(a.clone(), None);
        self.learned.charsets.insert(b.clone(), charset);
        let cols = self.columns_of(&a);
        self.new_tables.remove(&a);
        self.learned.gone.insert(a.clone());
        if was_new {
            self.new_tables.insert(b.clone());
        }
        self.shadow(&a);
        self.shadow(&b);
        for (c, ty) in cols {
            self.learned.types.insert((b.clone(), c), Some(ty));
        }
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

    /// Whether an earlier migration of the plan created the `kind` object `name`.
    pub fn created_before(&self, kind: ObjectKind, name: &Name) -> bool {
        self.before.objects.contains(&(kind, key(name)))
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
            self.objects.insert((o.kind, o.bare_name()));
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
                columns,
                charset,
                ..
            } => {
                self.new_tables.insert(key(name));
                self.created_here.push(name.clone());
                let t = key(name);
                self.learned.charsets.insert(t.clone(), charset.clone());
                self.shadow(&t);
                for c in columns {
                    self.set_type(&t, &c.name, declared(c));
                }
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
                    self.learned.gone.insert(key(n));
                    self.dropped_here.insert(key(n));
                    self.shadow(&key(n));
                    self.learned.charsets.insert(key(n), None);
                }
            }
            Stmt::RenameTables(pairs) => {
                for (a, b) in pairs {
                    self.rename_table(a, b);
                }
            }
            Stmt::AlterTable { name, actions, .. } => {
                let t = key(name);
                for a in actions {
                    match a {
                        Action::RenameTable(to) => self.rename_table(name, to),
                        Action::AddColumn { column, .. } => {
                            self.set_type(&t, &column.name, declared(column));
                        }
                        Action::AlterType { column, ty, .. } => {
                            let not_null = self.column(name, column).is_some_and(|d| d.not_null);
                            self.set_type(
                                &t,
                                column,
                                Some(Declared {
                                    ty: ty.clone(),
                                    not_null,
                                }),
                            );
                        }
                        Action::Redefine { old, column } => {
                            let d = declared(column).or_else(|| {
                                self.column_type(name, old).map(|ty| Declared {
                                    ty: ty.clone(),
                                    not_null: column.not_null || column.primary_key,
                                })
                            });
                            self.set_type(&t, old, None);
                            self.set_type(&t, &column.name, d);
                        }
                        Action::DropColumn { column, .. } => self.set_type(&t, column, None),
                        Action::RenameColumn { from, to } => {
                            let d = self.column(name, from).cloned();
                            self.set_type(&t, from, None);
                            self.set_type(&t, to, d);
                        }
                        Action::SetNotNull(c) | Action::DropNotNull(c) => {
                            if let Some(mut d) = self.column(name, c).cloned() {
                                d.not_null = matches!(a, Action::SetNotNull(_));
                                self.set_type(&t, c, Some(d));
                            }
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
