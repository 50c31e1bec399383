//! What one statement does: the objects it creates, alters and drops, the lock it takes on
//! each table, whether it rewrites or scans, loses data, can be re-run, and may run in a
//! transaction. The lock facts are those of `shared/research/safety-rules.md` §B (measured
//! on PostgreSQL 15 and MariaDB 10.11) and are checked against real servers by the tests.

use std::fmt;

use super::{Options, State};
use sluice_sql::Dialect;
use sluice_sql::parse::{
    Action, Column, Constraint, ConstraintKind, ForeignKey, Generated, Name, ObjectKind, Stmt, Tx,
};

/// PostgreSQL table-lock modes, weakest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PgLock {
    /// `SELECT`.
    AccessShare,
    /// `SELECT … FOR UPDATE`.
    RowShare,
    /// `INSERT`/`UPDATE`/`DELETE`.
    RowExclusive,
    /// Blocks other DDL and VACUUM; reads and writes continue.
    ShareUpdateExclusive,
    /// Blocks writes; reads continue.
    Share,
    /// Blocks writes and other SHARE ROW EXCLUSIVE; reads continue.
    ShareRowExclusive,
    /// Blocks writes and `SELECT FOR UPDATE`; plain reads continue.
    Exclusive,
    /// Blocks everything, plain `SELECT` included.
    AccessExclusive,
}

impl PgLock {
    /// The mode as PostgreSQL names it (`ACCESS EXCLUSIVE`).
    pub fn as_str(self) -> &'static str {
        match self {
            PgLock::AccessShare => "ACCESS SHARE",
            PgLock::RowShare => "ROW SHARE",
            PgLock::RowExclusive => "ROW EXCLUSIVE",
            PgLock::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            PgLock::Share => "SHARE",
            PgLock::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            PgLock::Exclusive => "EXCLUSIVE",
            PgLock::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// The name `pg_locks.mode` uses (`AccessExclusiveLock`).
    pub fn pg_locks_name(self) -> &'static str {
        match self {
            PgLock::AccessShare => "AccessShareLock",
            PgLock::RowShare => "RowShareLock",
            PgLock::RowExclusive => "RowExclusiveLock",
            PgLock::ShareUpdateExclusive => "ShareUpdateExclusiveLock",
            PgLock::Share => "ShareLock",
            PgLock::ShareRowExclusive => "ShareRowExclusiveLock",
            PgLock::Exclusive => "ExclusiveLock",
            PgLock::AccessExclusive => "AccessExclusiveLock",
        }
    }

    /// What it blocks, in words.
    pub fn blocks(self) -> &'static str {
        match self {
            PgLock::AccessShare | PgLock::RowShare | PgLock::RowExclusive => "nothing but DDL",
            PgLock::ShareUpdateExclusive => "other DDL and VACUUM; reads and writes continue",
            PgLock::Share | PgLock::ShareRowExclusive | PgLock::Exclusive => {
                "writes; reads continue"
            }
            PgLock::AccessExclusive => "reads and writes",
        }
    }

    fn from_words(mode: &str) -> PgLock {
        match mode {
            "ACCESS SHARE" => PgLock::AccessShare,
            "ROW SHARE" => PgLock::RowShare,
            "ROW EXCLUSIVE" => PgLock::RowExclusive,
            "SHARE UPDATE EXCLUSIVE" => PgLock::ShareUpdateExclusive,
            "SHARE" => PgLock::Share,
            "SHARE ROW EXCLUSIVE" => PgLock::ShareRowExclusive,
            "EXCLUSIVE" => PgLock::Exclusive,
            _ => PgLock::AccessExclusive,
        }
    }
}

/// MySQL/MariaDB `ALTER TABLE` algorithms, cheapest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Algorithm {
    /// Metadata only.
    Instant,
    /// MariaDB NOCOPY: no clustered-index rebuild (e.g. a secondary index build).
    Nocopy,
    /// In-place rebuild.
    Inplace,
    /// Table copy; concurrent writes blocked.
    Copy,
}

impl Algorithm {
    /// `INSTANT`, `NOCOPY`, `INPLACE`, `COPY`.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Instant => "INSTANT",
            Algorithm::Nocopy => "NOCOPY",
            Algorithm::Inplace => "INPLACE",
            Algorithm::Copy => "COPY",
        }
    }
}

/// The lock a statement takes on a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LockMode {
    /// A PostgreSQL table-lock mode.
    Pg(PgLock),
    /// MySQL/MariaDB: the cheapest algorithm the server can use, and whether concurrent
    /// writes continue (`LOCK=NONE`).
    MySql {
        /// Algorithm.
        algorithm: Algorithm,
        /// Concurrent DML allowed.
        concurrent_dml: bool,
    },
    /// SQLite: the database write lock (all writers wait).
    SqliteWrite,
}

impl LockMode {
    /// Whether other sessions' writes to the table wait while it is held.
    pub fn blocks_writes(self) -> bool {
        match self {
            LockMode::Pg(m) => m >= PgLock::Share,
            LockMode::MySql { concurrent_dml, .. } => !concurrent_dml,
            LockMode::SqliteWrite => true,
        }
    }
}

impl fmt::Display for LockMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockMode::Pg(m) => f.write_str(m.as_str()),
            LockMode::MySql {
                algorithm,
                concurrent_dml,
            } => write!(
                f,
                "ALGORITHM={}{}",
                algorithm.as_str(),
                if *concurrent_dml {
                    ", LOCK=NONE"
                } else {
                    ", writes blocked"
                }
            ),
            LockMode::SqliteWrite => f.write_str("database write lock"),
        }
    }
}

/// A lock on one table (or, for `DROP INDEX`, on the table of the named index).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableLock {
    /// The table (or index, when `via_index`).
    pub table: Name,
    /// The mode.
    pub mode: LockMode,
    /// `table` names an index; the lock is on its table.
    pub via_index: bool,
}

/// An object a statement creates, alters or drops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object {
    /// Its kind.
    pub kind: ObjectKind,
    /// Its name (`table.column` for columns).
    pub name: String,
    /// What a reviewer wants to know besides (`unique, partial, on boms`,
    /// `enum: a, b`, `SECURITY DEFINER`), when there is something.
    pub detail: Option<String>,
}

impl Object {
    /// Its own name, lower-case, without schema, table, arguments or `on table`: what a
    /// `DROP` of the same object names.
    pub fn bare_name(&self) -> String {
        let n = self.name.split('(').next().unwrap_or("");
        let n = n.split(" on ").next().unwrap_or("");
        n.rsplit('.')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }
}

impl fmt::Display for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.as_str(), self.name)
    }
}

/// A foreign key a statement adds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewForeignKey {
    /// The referencing table.
    pub table: Name,
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub references: Name,
    /// The referenced columns, when written.
    pub ref_columns: Vec<String>,
    /// `ON DELETE` action, upper case; `None` when not written (NO ACTION).
    pub on_delete: Option<String>,
}

/// What a statement does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Effects {
    /// Its kind (`CREATE INDEX`, `ALTER TABLE`, …).
    pub kind: String,
    /// Objects created.
    pub created: Vec<Object>,
    /// Objects altered.
    pub altered: Vec<Object>,
    /// Objects dropped.
    pub dropped: Vec<Object>,
    /// Foreign keys added.
    pub foreign_keys: Vec<NewForeignKey>,
    /// Table locks (and, for `ALTER INDEX`, the lock on the index itself).
    pub locks: Vec<TableLock>,
    /// Tables rewritten (every row written again, indexes rebuilt).
    pub rewrites: Vec<Name>,
    /// Tables read in full (validation scan, index build).
    pub scans: Vec<Name>,
    /// Tables on which an index is built (read in full and sorted; also in `scans`).
    pub builds: Vec<Name>,
    /// Whether it destroys data.
    pub data_loss: bool,
    /// Whether running it twice is harmless.
    pub idempotent: bool,
    /// Whether it may run inside a transaction block.
    pub transactional: bool,
    /// Whether it is DDL (commits implicitly on MySQL).
    pub ddl: bool,
}

impl Effects {
    fn lock(&mut self, table: &Name, mode: LockMode) {
        if let Some(l) = self
            .locks
            .iter_mut()
            .find(|l| &l.table == table && !l.via_index)
        {
            l.mode = stronger(l.mode, mode);
        } else {
            self.locks.push(TableLock {
                table: table.clone(),
                mode,
                via_index: false,
            });
        }
    }

    fn obj(list: &mut Vec<Object>, kind: ObjectKind, name: impl fmt::Display) {
        list.push(Object {
            kind,
            name: name.to_string(),
            detail: None,
        });
    }

    /// The strongest PostgreSQL lock this statement takes on any table.
    pub fn strongest_pg(&self) -> Option<(PgLock, &Name)> {
        self.locks
            .iter()
            .filter_map(|l| match l.mode {
                LockMode::Pg(m) => Some((m, &l.table)),
                _ => None,
            })
            .max_by_key(|(m, _)| *m)
    }
}

fn stronger(a: LockMode, b: LockMode) -> LockMode {
    match (a, b) {
        (LockMode::Pg(x), LockMode::Pg(y)) => LockMode::Pg(x.max(y)),
        (
            LockMode::MySql {
                algorithm: a1,
                concurrent_dml: c1,
            },
            LockMode::MySql {
                algorithm: a2,
                concurrent_dml: c2,
            },
        ) => LockMode::MySql {
            algorithm: a1.max(a2),
            concurrent_dml: c1 && c2,
        },
        (x, _) => x,
    }
}

fn my(algorithm: Algorithm, concurrent_dml: bool) -> LockMode {
    LockMode::MySql {
        algorithm,
        concurrent_dml,
    }
}

/// Analyses `stmt` in `state`.
pub fn effects(stmt: &Stmt, o: &Options, state: &State) -> Effects {
    use PgLock::*;
    let d = o.dialect;
    let pg = d == Dialect::Postgres;
    let mut fx = Effects {
        transactional: true,
        ..Effects::default()
    };
    let write = |fx: &mut Effects, t: &Name, pg_mode: PgLock| match d {
        Dialect::Postgres => fx.lock(t, LockMode::Pg(pg_mode)),
        Dialect::Sqlite => fx.lock(t, LockMode::SqliteWrite),
        Dialect::MySql => {}
    };
    match stmt {
        Stmt::CreateTable {
            name,
            if_not_exists,
            or_replace,
            columns,
            constraints,
            partition_of,
            ..
        } => {
            fx.kind = "CREATE TABLE".into();
            fx.ddl = true;
            fx.idempotent = *if_not_exists;
            Effects::obj(&mut fx.created, ObjectKind::Table, name);
            if *or_replace {
                fx.data_loss = true;
            }
            let fks = columns.iter().filter_map(|c| c.references.as_ref()).chain(
                constraints.iter().filter_map(|c| match &c.kind {
                    ConstraintKind::ForeignKey(fk) => Some(fk),
                    _ => None,
                }),
            );
            for fk in fks {
                if pg && &fk.table != name {
                    fx.lock(&fk.table, LockMode::Pg(ShareRowExclusive));
                }
            }
            if let Some(parent) = partition_of {
                if pg {
                    fx.lock(parent, LockMode::Pg(AccessExclusive));
                }
                Effects::obj(&mut fx.altered, ObjectKind::Table, parent);
            }
        }
        Stmt::AlterTable {
            name,
            if_exists: _,
            actions,
        } => {
            fx.kind = "ALTER TABLE".into();
            fx.ddl = true;
            fx.idempotent = true;
            Effects::obj(&mut fx.altered, ObjectKind::Table, name);
            match d {
                Dialect::Postgres => alter_pg(&mut fx, name, actions, o, state),
                Dialect::MySql => alter_my(&mut fx, name, actions, o, state),
                Dialect::Sqlite => alter_lite(&mut fx, name, actions),
            }
        }
        Stmt::CreateIndex {
            name,
            table,
            unique,
            concurrently,
            if_not_exists,
            special,
            options,
            ..
        } => {
            fx.kind = if *unique {
                "CREATE UNIQUE INDEX"
            } else {
                "CREATE INDEX"
            }
            .into();
            fx.ddl = true;
            fx.idempotent = *if_not_exists;
            fx.transactional = !*concurrently;
            if let Some(n) = name {
                Effects::obj(&mut fx.created, ObjectKind::Index, n);
            }
            Effects::obj(&mut fx.altered, ObjectKind::Table, table);
            fx.scans.push(table.clone());
            fx.builds.push(table.clone());
            match d {
                Dialect::Postgres => fx.lock(
                    table,
                    LockMode::Pg(if *concurrently {
                        ShareUpdateExclusive
                    } else {
                        Share
                    }),
                ),
                Dialect::MySql => {
                    let mut m = if special.is_some() {
                        my(Algorithm::Inplace, false)
                    } else {
                        my(Algorithm::Nocopy, true)
                    };
                    for opt in options {
                        m = stronger(m, explicit(opt).unwrap_or(m));
                    }
                    fx.lock(table, m);
                }
                Dialect::Sqlite => fx.lock(table, LockMode::SqliteWrite),
            }
        }
        Stmt::Drop {
            kind,
            names,
            if_exists,
            cascade: _,
            concurrently,
            on,
        } => {
            fx.kind = format!("DROP {}", kind.as_str().to_ascii_uppercase());
            fx.ddl = true;
            fx.idempotent = *if_exists;
            fx.transactional = !*concurrently && !matches!(kind, ObjectKind::Database);
            for n in names {
                Effects::obj(&mut fx.dropped, *kind, n);
            }
            match kind {
                ObjectKind::Table | ObjectKind::Schema | ObjectKind::Database => {
                    fx.data_loss = true;
                    if *kind == ObjectKind::Table {
                        for n in names {
                            write(&mut fx, n, AccessExclusive);
                        }
                    }
                }
                ObjectKind::MaterializedView => fx.data_loss = true,
                ObjectKind::Index => match (d, on) {
                    (Dialect::MySql, Some(t)) => fx.lock(t, my(Algorithm::Nocopy, true)),
                    (Dialect::Postgres, _) => {
                        for n in names {
                            fx.locks.push(TableLock {
                                table: n.clone(),
                                mode: LockMode::Pg(if *concurrently {
                                    ShareUpdateExclusive
                                } else {
                                    AccessExclusive
                                }),
                                via_index: true,
                            });
                        }
                    }
                    _ => {}
                },
                ObjectKind::Trigger | ObjectKind::Policy => {
                    if let Some(t) = on {
                        write(&mut fx, t, AccessExclusive);
                    }
                }
                _ => {}
            }
        }
        Stmt::Truncate { tables, .. } => {
            fx.kind = "TRUNCATE".into();
            fx.ddl = d == Dialect::MySql;
            fx.data_loss = true;
            fx.idempotent = true;
            for t in tables {
                write(&mut fx, t, AccessExclusive);
                Effects::obj(&mut fx.altered, ObjectKind::Table, t);
            }
        }
        Stmt::RenameTables(pairs) => {
            fx.kind = "RENAME TABLE".into();
            fx.ddl = true;
            for (a, b) in pairs {
                Effects::obj(&mut fx.altered, ObjectKind::Table, format!("{a} → {b}"));
                fx.lock(a, my(Algorithm::Instant, true));
            }
        }
        Stmt::CreateView {
            name,
            materialized,
            or_replace,
            if_not_exists,
        } => {
            fx.kind = if *materialized {
                "CREATE MATERIALIZED VIEW"
            } else {
                "CREATE VIEW"
            }
            .into();
            fx.ddl = true;
            fx.idempotent = *or_replace || *if_not_exists;
            let k = if *materialized {
                ObjectKind::MaterializedView
            } else {
                ObjectKind::View
            };
            if *or_replace {
                Effects::obj(&mut fx.altered, k, name);
            } else {
                Effects::obj(&mut fx.created, k, name);
            }
        }
        Stmt::RefreshMaterializedView { name, concurrently } => {
            fx.kind = "REFRESH MATERIALIZED VIEW".into();
            fx.idempotent = true;
            fx.lock(
                name,
                LockMode::Pg(if *concurrently {
                    Exclusive
                } else {
                    AccessExclusive
                }),
            );
            fx.rewrites.push(name.clone());
            Effects::obj(&mut fx.altered, ObjectKind::MaterializedView, name);
        }
        Stmt::CreateFunction {
            kind,
            name,
            or_replace,
            ..
        } => {
            fx.kind = format!("CREATE {}", kind.as_str().to_ascii_uppercase());
            fx.ddl = true;
            fx.idempotent = *or_replace;
            if *or_replace {
                Effects::obj(&mut fx.altered, *kind, name);
            } else {
                Effects::obj(&mut fx.created, *kind, name);
            }
        }
        Stmt::CreateTrigger {
            name,
            table,
            or_replace,
            if_not_exists,
        } => {
            fx.kind = "CREATE TRIGGER".into();
            fx.ddl = true;
            fx.idempotent = *or_replace || *if_not_exists;
            Effects::obj(&mut fx.created, ObjectKind::Trigger, name);
            write(&mut fx, table, ShareRowExclusive);
            if d == Dialect::MySql {
                fx.lock(table, my(Algorithm::Instant, true));
            }
        }
        Stmt::CreateType { name, enum_values } => {
            fx.kind = if enum_values.is_some() {
                "CREATE TYPE … AS ENUM"
            } else {
                "CREATE TYPE"
            }
            .into();
            fx.ddl = true;
            Effects::obj(&mut fx.created, ObjectKind::Type, name);
        }
        Stmt::AlterTypeAddValue {
            name,
            if_not_exists,
            ..
        } => {
            fx.kind = "ALTER TYPE … ADD VALUE".into();
            fx.ddl = true;
            fx.idempotent = *if_not_exists;
            // PostgreSQL < 12 refuses it inside a transaction block.
            fx.transactional = o.version.is_none_or(|v| v.major >= 12);
            Effects::obj(&mut fx.altered, ObjectKind::Type, name);
        }
        Stmt::AlterObject {
            kind,
            name,
            sequence_values,
            ..
        } => {
            fx.kind = format!("ALTER {}", kind.as_str().to_ascii_uppercase());
            fx.ddl = true;
            Effects::obj(&mut fx.altered, *kind, name);
            if *sequence_values && pg {
                fx.lock(name, LockMode::Pg(ShareRowExclusive));
            }
            if *kind == ObjectKind::Index && pg {
                // The index itself is locked, not its table (verified on 15).
                fx.locks.push(TableLock {
                    table: name.clone(),
                    mode: LockMode::Pg(ShareUpdateExclusive),
                    via_index: false,
                });
            }
        }
        Stmt::CreateSequence {
            name,
            if_not_exists,
        } => {
            fx.kind = "CREATE SEQUENCE".into();
            fx.ddl = true;
            fx.idempotent = *if_not_exists;
            Effects::obj(&mut fx.created, ObjectKind::Sequence, name);
        }
        Stmt::CreatePolicy { name, table } | Stmt::AlterPolicy { name, table } => {
            let create = matches!(stmt, Stmt::CreatePolicy { .. });
            fx.kind = if create {
                "CREATE POLICY"
            } else {
                "ALTER POLICY"
            }
            .into();
            fx.ddl = true;
            let list = if create {
                &mut fx.created
            } else {
                &mut fx.altered
            };
            Effects::obj(list, ObjectKind::Policy, format!("{name} on {table}"));
            fx.lock(table, LockMode::Pg(AccessExclusive));
        }
        Stmt::Create {
            kind,
            name,
            if_not_exists,
        } => {
            fx.kind = format!("CREATE {}", kind.as_str().to_ascii_uppercase());
            fx.ddl = true;
            fx.idempotent = *if_not_exists;
            Effects::obj(&mut fx.created, *kind, name);
        }
        Stmt::CreateDatabase => {
            fx.kind = "CREATE DATABASE".into();
            fx.ddl = true;
            fx.transactional = false;
        }
        Stmt::Grant { revoke, .. } => {
            fx.kind = if *revoke { "REVOKE" } else { "GRANT" }.into();
            fx.ddl = true;
            fx.idempotent = true;
        }
        Stmt::Comment => {
            fx.kind = "COMMENT".into();
            fx.ddl = true;
            fx.idempotent = true;
        }
        Stmt::Vacuum { full, tables } => {
            fx.kind = if *full { "VACUUM FULL" } else { "VACUUM" }.into();
            fx.idempotent = true;
            fx.transactional = false;
            for t in tables {
                if *full {
                    fx.lock(t, LockMode::Pg(AccessExclusive));
                    fx.rewrites.push(t.clone());
                } else if pg {
                    fx.lock(t, LockMode::Pg(ShareUpdateExclusive));
                }
            }
        }
        Stmt::Analyze => {
            fx.kind = "ANALYZE".into();
            fx.idempotent = true;
        }
        Stmt::Cluster { table } => {
            fx.kind = "CLUSTER".into();
            fx.idempotent = true;
            if let Some(t) = table {
                fx.lock(t, LockMode::Pg(AccessExclusive));
                fx.rewrites.push(t.clone());
            }
        }
        Stmt::Reindex {
            kind,
            name,
            concurrently,
        } => {
            fx.kind = "REINDEX".into();
            fx.idempotent = true;
            fx.transactional =
                !*concurrently && !matches!(kind, ObjectKind::Schema | ObjectKind::Database);
            if let Some(n) = name {
                let mode = if *concurrently {
                    ShareUpdateExclusive
                } else {
                    Share
                };
                match kind {
                    ObjectKind::Table => fx.lock(n, LockMode::Pg(mode)),
                    ObjectKind::Index => fx.locks.push(TableLock {
                        table: n.clone(),
                        mode: LockMode::Pg(mode),
                        via_index: true,
                    }),
                    _ => {}
                }
                if d == Dialect::Sqlite {
                    fx.lock(n, LockMode::SqliteWrite);
                }
            }
        }
        Stmt::Lock { tables, mode } => {
            fx.kind = "LOCK TABLE".into();
            for t in tables {
                if pg {
                    fx.lock(t, LockMode::Pg(PgLock::from_words(mode)));
                } else {
                    fx.lock(t, my(Algorithm::Instant, mode != "WRITE"));
                }
            }
        }
        Stmt::Unlock => fx.kind = "UNLOCK TABLES".into(),
        Stmt::Set { .. } => {
            fx.kind = "SET".into();
            fx.idempotent = true;
        }
        Stmt::Transaction(t) => {
            fx.kind = match t {
                Tx::Begin => "BEGIN",
                Tx::Commit => "COMMIT",
                Tx::Rollback => "ROLLBACK",
                Tx::Savepoint => "SAVEPOINT",
            }
            .into();
        }
        Stmt::Insert {
            table, idempotent, ..
        } => {
            fx.kind = "INSERT".into();
            fx.idempotent = *idempotent;
            write(&mut fx, table, RowExclusive);
        }
        Stmt::Update { table, .. } => {
            fx.kind = "UPDATE".into();
            write(&mut fx, table, RowExclusive);
        }
        Stmt::Delete { table, .. } => {
            fx.kind = "DELETE".into();
            fx.data_loss = true;
            write(&mut fx, table, RowExclusive);
        }
        Stmt::Select { .. } => {
            fx.kind = "SELECT".into();
            fx.idempotent = true;
        }
        Stmt::Do => fx.kind = "DO".into(),
        Stmt::Call => fx.kind = "CALL".into(),
        Stmt::Pragma { name, .. } => {
            fx.kind = format!("PRAGMA {name}");
            fx.idempotent = true;
        }
        Stmt::Optimize { tables } => {
            fx.kind = "OPTIMIZE TABLE".into();
            fx.ddl = true;
            fx.idempotent = true;
            for t in tables {
                fx.lock(t, my(Algorithm::Inplace, true));
                fx.rewrites.push(t.clone());
            }
        }
        Stmt::AlterServer { what } => {
            fx.kind = format!("ALTER {what}");
            fx.ddl = true;
            fx.transactional = what != "SYSTEM";
        }
    }
    if d == Dialect::MySql && fx.ddl {
        // Every MySQL DDL statement commits: it never runs inside a transaction.
        fx.transactional = false;
    }
    describe(stmt, &mut fx);
    fx
}

/// Adds what a reviewer reads besides the locks: the details of the objects created, and
/// the foreign keys added.
fn describe(stmt: &Stmt, fx: &mut Effects) {
    let mut detail = |kind: ObjectKind, text: String| {
        if let Some(o) = fx.created.iter_mut().find(|o| o.kind == kind) {
            o.detail = Some(text);
        }
    };
    let fk = |table: &Name, columns: &[String], fk: &ForeignKey| NewForeignKey {
        table: table.clone(),
        columns: if fk.columns.is_empty() {
            columns.to_vec()
        } else {
            fk.columns.clone()
        },
        references: fk.table.clone(),
        ref_columns: fk.ref_columns.clone(),
        on_delete: fk.on_delete.clone(),
    };
    match stmt {
        Stmt::CreateTable {
            name,
            columns,
            constraints,
            ..
        } => {
            if !columns.is_empty() {
                detail(
                    ObjectKind::Table,
                    format!(
                        "{} column{}",
                        columns.len(),
                        if columns.len() == 1 { "" } else { "s" }
                    ),
                );
            }
            for c in columns {
                if let Some(r) = &c.references {
                    fx.foreign_keys
                        .push(fk(name, std::slice::from_ref(&c.name), r));
                }
            }
            for c in constraints {
                if let ConstraintKind::ForeignKey(r) = &c.kind {
                    fx.foreign_keys.push(fk(name, &[], r));
                }
            }
        }
        Stmt::AlterTable { name, actions, .. } => {
            for a in actions {
                match a {
                    Action::AddColumn { column, .. } => {
                        if let Some(r) = &column.references {
                            fx.foreign_keys
                                .push(fk(name, std::slice::from_ref(&column.name), r));
                        }
                    }
                    Action::AddConstraint(Constraint {
                        kind: ConstraintKind::ForeignKey(r),
                        ..
                    }) => fx.foreign_keys.push(fk(name, &[], r)),
                    _ => {}
                }
            }
        }
        Stmt::CreateIndex {
            table,
            unique,
            partial,
            columns,
            ..
        } => {
            let mut words = Vec::new();
            if *unique {
                words.push("unique".to_string());
            }
            if *partial {
                words.push("partial".to_string());
            }
            words.push(format!("on {table} ({})", columns.join(", ")));
            detail(ObjectKind::Index, words.join(", "));
        }
        Stmt::CreateType {
            enum_values: Some(v),
            ..
        } => detail(ObjectKind::Type, format!("enum: {}", v.join(", "))),
        Stmt::CreateFunction {
            security_definer: true,
            ..
        } => {
            for o in fx.created.iter_mut().chain(fx.altered.iter_mut()) {
                if matches!(o.kind, ObjectKind::Function | ObjectKind::Procedure) {
                    o.detail = Some("SECURITY DEFINER".into());
                }
            }
        }
        _ => {}
    }
}

fn explicit(a: &Action) -> Option<LockMode> {
    match a {
        Action::Algorithm(v) => Some(my(
            match v.as_str() {
                "COPY" => Algorithm::Copy,
                "INPLACE" => Algorithm::Inplace,
                "NOCOPY" => Algorithm::Nocopy,
                _ => Algorithm::Instant,
            },
            true,
        )),
        Action::Lock(v) => Some(my(
            Algorithm::Instant,
            !matches!(v.as_str(), "SHARED" | "EXCLUSIVE"),
        )),
        _ => None,
    }
}

/// How a column's new type relates to the type an earlier migration declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeChange {
    /// The same type: nothing to convert.
    Same,
    /// Every old value fits the new type; `rewrite`: the server still rewrites or copies
    /// the table to change it.
    Wider {
        /// The table is rewritten (PostgreSQL) or copied (MySQL/MariaDB).
        rewrite: bool,
    },
    /// Anything else (narrower, another family, or not known).
    Other,
}

fn int_rank(name: &str) -> Option<u8> {
    Some(match name {
        "tinyint" => 1,
        "smallint" => 2,
        "integer" => 4,
        "bigint" => 8,
        _ => return None,
    })
}

/// Bytes per character of a MySQL character set, at most (`None`: not known).
fn bytes_per_char(charset: &str) -> Option<u64> {
    Some(match charset {
        "latin1" | "ascii" | "binary" | "latin2" | "cp1250" | "cp1251" | "cp1252" => 1,
        "ucs2" => 2,
        "utf8" | "utf8mb3" => 3,
        "utf8mb4" | "utf16" | "utf32" => 4,
        _ => return None,
    })
}

/// What a MySQL-dialect type change depends on besides the types.
#[derive(Clone, Copy, Debug, Default)]
pub struct MySqlTable<'a> {
    /// The table's character set, where the plan declared it.
    pub charset: Option<&'a str>,
    /// The server is MariaDB 10.4 or later, which widens any `VARCHAR` instantly
    /// (measured on 10.11: `varchar(10)` → `varchar(100)` in utf8mb4 is INSTANT).
    pub mariadb: bool,
}

impl MySqlTable<'_> {
    /// The facts of `table` for a statement analysed with `o` and `state`.
    pub fn of<'s>(table: &Name, o: &Options, state: &'s State<'_>) -> MySqlTable<'s> {
        MySqlTable {
            charset: state.charset(table),
            mariadb: o
                .version
                .is_some_and(|v| v.major > 10 || v.major == 10 && v.minor >= 4),
        }
    }
}

/// How `new` relates to `old` on `dialect`. PostgreSQL changes without a rewrite (checked by
/// relfilenode on PostgreSQL 15): `varchar(n)` → `varchar(m ≥ n)`, `varchar` or `text`;
/// `numeric(p, s)` → `numeric(p' ≥ p, s)` or unconstrained `numeric`. MySQL extends a
/// `VARCHAR` in place while its length prefix keeps its size (one byte up to 255 bytes, two
/// above): with the table's character set known, from its bytes per character; without it,
/// provably so only when the old length is at least 256 characters or the new one at most
/// 63 (true for every character set). MariaDB 10.4 and later widen any `VARCHAR` in place.
pub fn type_change(
    old: &sluice_sql::parse::DataType,
    new: &sluice_sql::parse::DataType,
    d: Dialect,
    my: MySqlTable<'_>,
) -> TypeChange {
    if old == new {
        return TypeChange::Same;
    }
    if old.array != new.array || old.unsigned != new.unsigned {
        return TypeChange::Other;
    }
    let num = |ty: &sluice_sql::parse::DataType, i: usize| {
        ty.args.get(i).and_then(|a| a.trim().parse::<u64>().ok())
    };
    let pg = d == Dialect::Postgres;
    match (old.name.as_str(), new.name.as_str()) {
        ("varchar", "varchar") => match (num(old, 0), new.args.is_empty(), num(new, 0)) {
            (_, true, _) if pg => TypeChange::Wider { rewrite: false },
            (Some(n), false, Some(m)) if m >= n => {
                let same_prefix = my.mariadb
                    || match my.charset.and_then(bytes_per_char) {
                        Some(b) => (n * b > 255) == (m * b > 255),
                        None => n >= 256 || m <= 63,
                    };
                TypeChange::Wider {
                    rewrite: !(pg || same_prefix),
                }
            }
            _ => TypeChange::Other,
        },
        ("varchar", "text") | ("char", "text") | ("varchar", "citext") if pg => TypeChange::Wider {
            rewrite: old.name == "char",
        },
        ("char", "char") => match (num(old, 0), num(new, 0)) {
            (Some(n), Some(m)) if m >= n => TypeChange::Wider { rewrite: true },
            _ => TypeChange::Other,
        },
        ("numeric", "numeric") => {
            if new.args.is_empty() {
                return TypeChange::Wider { rewrite: !pg };
            }
            let (p, s) = (num(old, 0), num(old, 1).unwrap_or(0));
            let (q, t) = (num(new, 0), num(new, 1).unwrap_or(0));
            match (p, q) {
                (Some(p), Some(q)) if t == s && q >= p => TypeChange::Wider { rewrite: !pg },
                (Some(p), Some(q)) if t > s && q - t >= p - s => {
                    TypeChange::Wider { rewrite: true }
                }
                _ => TypeChange::Other,
            }
        }
        (a, b) => match (int_rank(a), int_rank(b)) {
            (Some(x), Some(y)) if y >= x => TypeChange::Wider { rewrite: true },
            _ => TypeChange::Other,
        },
    }
}

/// A column's default rewrites the table (PostgreSQL): volatile, or any default before 11.
pub fn pg_default_rewrites(c: &Column, o: &Options) -> bool {
    let old = o.version.is_some_and(|v| v.major < 11);
    c.default
        .as_ref()
        .is_some_and(|e| e.volatile.is_some() || (old && !e.is_null))
        || c.is_serial()
        || matches!(c.generated, Some(Generated::Identity | Generated::Stored))
}

fn alter_pg(fx: &mut Effects, t: &Name, actions: &[Action], o: &Options, state: &State) {
    use PgLock::*;
    for a in actions {
        let mut mode = AccessExclusive;
        match a {
            Action::AddColumn {
                column,
                if_not_exists,
            } => {
                fx.idempotent &= *if_not_exists;
                Effects::obj(
                    &mut fx.created,
                    ObjectKind::Column,
                    format!("{t}.{}", column.name),
                );
                if pg_default_rewrites(column, o) {
                    fx.rewrites.push(t.clone());
                }
                if column.unique || column.primary_key {
                    fx.scans.push(t.clone());
                }
                if let Some(fk) = &column.references {
                    fx.lock(&fk.table, LockMode::Pg(ShareRowExclusive));
                }
            }
            Action::DropColumn {
                column, if_exists, ..
            } => {
                fx.idempotent &= *if_exists;
                fx.data_loss = true;
                Effects::obj(&mut fx.dropped, ObjectKind::Column, format!("{t}.{column}"));
            }
            Action::AlterType { column, ty, using } => {
                fx.idempotent = false;
                Effects::obj(&mut fx.altered, ObjectKind::Column, format!("{t}.{column}"));
                let rewrites = match state.column_type(t, column) {
                    Some(old) if !using => !matches!(
                        type_change(old, ty, Dialect::Postgres, MySqlTable::default()),
                        TypeChange::Same | TypeChange::Wider { rewrite: false }
                    ),
                    _ => {
                        !matches!(ty.name.as_str(), "text" | "varchar" | "citext")
                            || !ty.args.is_empty() && ty.name != "varchar"
                    }
                };
                if rewrites {
                    fx.rewrites.push(t.clone());
                }
            }
            Action::SetNotNull(c) => {
                Effects::obj(&mut fx.altered, ObjectKind::Column, format!("{t}.{c}"));
                let covered = o.version.is_none_or(|v| v.major >= 12)
                    && state
                        .not_null_checks
                        .contains(&(t.name.to_ascii_lowercase(), c.to_ascii_lowercase()));
                if !covered {
                    fx.scans.push(t.clone());
                }
            }
            Action::DropNotNull(c)
            | Action::SetDefault(c, _)
            | Action::DropDefault(c)
            | Action::DropGenerated(c)
            | Action::AlterIdentity(c) => {
                Effects::obj(&mut fx.altered, ObjectKind::Column, format!("{t}.{c}"));
            }
            Action::AlterColumnOther(text) => {
                if text.to_ascii_uppercase().contains("STATISTICS") {
                    mode = ShareUpdateExclusive;
                }
            }
            Action::Redefine { .. } => {}
            Action::AddConstraint(c) => {
                fx.idempotent = false;
                Effects::obj(
                    &mut fx.created,
                    ObjectKind::Constraint,
                    format!("{t}.{}", c.name.as_deref().unwrap_or("(unnamed)")),
                );
                match &c.kind {
                    ConstraintKind::ForeignKey(fk) => {
                        mode = ShareRowExclusive;
                        fx.lock(&fk.table, LockMode::Pg(ShareRowExclusive));
                        if !c.not_valid {
                            fx.scans.push(t.clone());
                        }
                    }
                    ConstraintKind::Check(_) => {
                        if !c.not_valid {
                            fx.scans.push(t.clone());
                        }
                    }
                    ConstraintKind::PrimaryKey { using_index, .. }
                    | ConstraintKind::Unique { using_index, .. } => {
                        if using_index.is_none() {
                            fx.scans.push(t.clone());
                            fx.builds.push(t.clone());
                        }
                    }
                    ConstraintKind::Exclude => {
                        fx.scans.push(t.clone());
                        fx.builds.push(t.clone());
                    }
                    ConstraintKind::Index { .. } => {}
                }
            }
            Action::ValidateConstraint(_) => {
                mode = ShareUpdateExclusive;
                fx.scans.push(t.clone());
            }
            Action::DropConstraint { name, .. } => {
                Effects::obj(
                    &mut fx.dropped,
                    ObjectKind::Constraint,
                    format!("{t}.{name}"),
                );
            }
            Action::DropPrimaryKey | Action::DropIndex(_) => {}
            Action::RenameColumn { from, to } => {
                Effects::obj(
                    &mut fx.altered,
                    ObjectKind::Column,
                    format!("{t}.{from} → {to}"),
                );
            }
            Action::RenameTable(_) | Action::RenameOther | Action::SetSchema(_) => {}
            Action::AttachPartition(p) => {
                mode = ShareUpdateExclusive;
                fx.lock(p, LockMode::Pg(AccessExclusive));
                fx.scans.push(p.clone());
            }
            Action::DetachPartition { concurrently, .. } => {
                if *concurrently {
                    mode = ShareUpdateExclusive;
                    fx.transactional = false;
                }
            }
            Action::RowLevelSecurity(_) | Action::ReplicaIdentity(_) => {}
            Action::Trigger(_) => mode = ShareRowExclusive,
            Action::Rebuild(_) => fx.rewrites.push(t.clone()),
            Action::SetOptions(_) => mode = ShareUpdateExclusive,
            Action::Algorithm(_) | Action::Lock(_) | Action::AutoIncrement => {}
            Action::Metadata(text) => {
                if text.to_ascii_uppercase().starts_with("CLUSTER ON") {
                    mode = ShareUpdateExclusive;
                }
            }
        }
        fx.lock(t, LockMode::Pg(mode));
    }
}

fn alter_my(fx: &mut Effects, t: &Name, actions: &[Action], o: &Options, state: &State) {
    use Algorithm::*;
    let adds_pk = actions.iter().any(|a| {
        matches!(a, Action::AddConstraint(c) if matches!(c.kind, ConstraintKind::PrimaryKey { .. }))
    });
    let mut mode = my(Instant, true);
    let mut forced: Option<LockMode> = None;
    for a in actions {
        let m = match a {
            Action::AddColumn {
                column,
                if_not_exists,
            } => {
                fx.idempotent &= *if_not_exists;
                Effects::obj(
                    &mut fx.created,
                    ObjectKind::Column,
                    format!("{t}.{}", column.name),
                );
                if column.auto_increment {
                    my(Inplace, false)
                } else if column.generated == Some(Generated::Stored)
                    || column
                        .default
                        .as_ref()
                        .is_some_and(|e| e.parenthesized && e.volatile.as_deref() == Some("uuid"))
                {
                    my(Copy, false)
                } else if column.primary_key || column.unique {
                    my(Inplace, true)
                } else {
                    my(Instant, true)
                }
            }
            Action::DropColumn {
                column, if_exists, ..
            } => {
                fx.idempotent &= *if_exists;
                fx.data_loss = true;
                Effects::obj(&mut fx.dropped, ObjectKind::Column, format!("{t}.{column}"));
                my(Instant, true)
            }
            Action::Redefine { old, column } => {
                fx.idempotent = false;
                Effects::obj(&mut fx.altered, ObjectKind::Column, format!("{t}.{old}"));
                // With the old type declared earlier in the plan: a VARCHAR widening that
                // keeps its length prefix changes metadata only; the same type (a new
                // default, NULL / NOT NULL) rebuilds in place. Without it, or for any other
                // type change, the table is copied; reordering alone is in place.
                match (&column.ty, state.column_type(t, old)) {
                    (Some(new), Some(prev)) => {
                        let facts = MySqlTable::of(t, o, state);
                        match type_change(prev, new, Dialect::MySql, facts) {
                            TypeChange::Wider { rewrite: false } if facts.mariadb => {
                                my(Instant, true)
                            }
                            TypeChange::Wider { rewrite: false } => my(Nocopy, true),
                            // A rename, or nothing: metadata only. NULL to NOT NULL (or
                            // back) rebuilds in place.
                            TypeChange::Same
                                if state.column(t, old).map(|d| d.not_null)
                                    == Some(column.not_null || column.primary_key) =>
                            {
                                my(Instant, true)
                            }
                            TypeChange::Same => my(Inplace, true),
                            _ => my(Copy, false),
                        }
                    }
                    (Some(_), None) => my(Copy, false),
                    (None, _) => my(Inplace, true),
                }
            }
            Action::AlterType { column, .. } => {
                Effects::obj(&mut fx.altered, ObjectKind::Column, format!("{t}.{column}"));
                my(Copy, false)
            }
            Action::SetNotNull(_) | Action::DropNotNull(_) => my(Inplace, true),
            Action::SetDefault(..) | Action::DropDefault(_) | Action::AutoIncrement => {
                my(Instant, true)
            }
            Action::AddConstraint(c) => {
                fx.idempotent = false;
                match &c.kind {
                    ConstraintKind::ForeignKey(_) => {
                        if state.foreign_key_checks_off {
                            my(Instant, true)
                        } else {
                            my(Copy, false)
                        }
                    }
                    ConstraintKind::Check(_) => my(Copy, false),
                    ConstraintKind::PrimaryKey { .. } => my(Inplace, true),
                    ConstraintKind::Index {
                        special: Some(_), ..
                    } => my(Inplace, false),
                    ConstraintKind::Unique { .. } | ConstraintKind::Index { .. } => {
                        fx.scans.push(t.clone());
                        fx.builds.push(t.clone());
                        my(Nocopy, true)
                    }
                    ConstraintKind::Exclude => my(Copy, false),
                }
            }
            Action::DropPrimaryKey => {
                if adds_pk {
                    my(Inplace, true)
                } else {
                    my(Copy, false)
                }
            }
            Action::DropIndex(_) => my(Nocopy, true),
            Action::DropConstraint { .. } => my(Instant, true),
            Action::RenameColumn { .. } | Action::RenameTable(_) | Action::RenameOther => {
                my(Instant, true)
            }
            Action::Rebuild(what) => {
                fx.rewrites.push(t.clone());
                if what.starts_with("CONVERT") {
                    my(Copy, false)
                } else {
                    my(Inplace, true)
                }
            }
            Action::Algorithm(_) | Action::Lock(_) => {
                let e = explicit(a).unwrap_or(mode);
                forced = Some(forced.map_or(e, |f| stronger(f, e)));
                continue;
            }
            _ => my(Instant, true),
        };
        if let LockMode::MySql {
            algorithm: Copy, ..
        } = m
        {
            fx.rewrites.push(t.clone());
        }
        mode = stronger(mode, m);
    }
    // ALGORITHM= names the least efficient algorithm allowed, not the one used: MariaDB
    // still takes a cheaper one the operation supports (checked on 10.11: `ADD INDEX …,
    // ALGORITHM=INPLACE` and `ADD COLUMN …, ALGORITHM=INPLACE` rebuild nothing); MySQL runs
    // an INSTANT operation in place when INPLACE is named. COPY always copies. LOCK=SHARED
    // or EXCLUSIVE blocks writes whatever the algorithm.
    if let (
        Some(LockMode::MySql {
            algorithm: asked,
            concurrent_dml: dml,
        }),
        LockMode::MySql {
            algorithm,
            concurrent_dml,
        },
    ) = (forced, &mut mode)
    {
        let mariadb = o.version.is_some_and(|v| v.major >= 10);
        if asked == Copy {
            *algorithm = Copy;
            *concurrent_dml = false;
            fx.rewrites.push(t.clone());
        } else if asked == Inplace && *algorithm == Instant && !mariadb {
            *algorithm = Inplace;
        }
        *concurrent_dml &= dml;
    }
    fx.rewrites.dedup();
    fx.lock(t, mode);
}

fn alter_lite(fx: &mut Effects, t: &Name, actions: &[Action]) {
    for a in actions {
        match a {
            Action::AddColumn { column, .. } => {
                Effects::obj(
                    &mut fx.created,
                    ObjectKind::Column,
                    format!("{t}.{}", column.name),
                );
                fx.idempotent = false;
            }
            Action::DropColumn { column, .. } => {
                fx.data_loss = true;
                fx.idempotent = false;
                fx.rewrites.push(t.clone());
                Effects::obj(&mut fx.dropped, ObjectKind::Column, format!("{t}.{column}"));
            }
            Action::RenameColumn { from, to } => {
                Effects::obj(
                    &mut fx.altered,
                    ObjectKind::Column,
                    format!("{t}.{from} → {to}"),
                );
            }
            _ => {}
        }
    }
    fx.lock(t, LockMode::SqliteWrite);
}
