//! What a statement leaves in the catalog, and whether it can commit together with the
//! runner's own bookkeeping.
//!
//! A runner that loses track of a statement (killed while it ran, or cut off from the
//! server) must not guess whether it took effect, and must not run it again if it may have
//! run. [`footprint`] says how to tell from the live catalog: the objects whose presence
//! (or absence) proves the statement ran — `CREATE TABLE t` leaves table `t`, `ALTER TABLE t
//! DROP COLUMN c` removes column `c`, `CREATE INDEX CONCURRENTLY i` leaves index `i`, valid
//! or not. A statement whose effect is not visible in the catalog (`UPDATE`, a function
//! call) is [`Footprint::Unknown`]; one that may run twice with the same result (`CREATE
//! OR REPLACE VIEW`, `VACUUM`) is [`Footprint::Rerunnable`].
//!
//! [`shares_transaction`] says whether a statement of a step-by-step migration may run in
//! one transaction with the record of its progress, which closes the window in which it is
//! in doubt at all: only statements the parser reads and knows to be transactional on the
//! dialect qualify.

use std::fmt;

use crate::Dialect;
use crate::parse::{self, Action, ConstraintKind, Name, ObjectKind, Stmt};

/// A catalog object whose presence a statement changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Thing {
    /// A table.
    Table(Name),
    /// A view or materialized view.
    View(Name),
    /// An index; `table` where the dialect scopes index names by table (MySQL).
    Index {
        /// The index.
        name: Name,
        /// Its table, when the statement names it.
        table: Option<Name>,
    },
    /// A column of a table.
    Column {
        /// The table.
        table: Name,
        /// The column.
        column: String,
    },
    /// A `NOT NULL` on a column.
    NotNull {
        /// The table.
        table: Name,
        /// The column.
        column: String,
    },
    /// A named constraint of a table.
    Constraint {
        /// The table.
        table: Name,
        /// The constraint.
        name: String,
    },
    /// A type or domain.
    Type(Name),
    /// A value of an enum type.
    EnumValue {
        /// The type.
        ty: Name,
        /// The value.
        value: String,
    },
    /// A function or procedure, by name (any overload).
    Function(Name),
    /// A trigger; `table` when the statement names it.
    Trigger {
        /// The trigger.
        name: Name,
        /// Its table.
        table: Option<Name>,
    },
    /// A sequence.
    Sequence(Name),
    /// A schema.
    Schema(String),
    /// An extension.
    Extension(String),
    /// A row-level security policy.
    Policy {
        /// The table.
        table: Name,
        /// The policy.
        name: String,
    },
}

impl fmt::Display for Thing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Thing::Table(n) => write!(f, "table {n}"),
            Thing::View(n) => write!(f, "view {n}"),
            Thing::Index { name, table: None } => write!(f, "index {name}"),
            Thing::Index {
                name,
                table: Some(t),
            } => write!(f, "index {name} on {t}"),
            Thing::Column { table, column } => write!(f, "column {table}.{column}"),
            Thing::NotNull { table, column } => write!(f, "NOT NULL on {table}.{column}"),
            Thing::Constraint { table, name } => write!(f, "constraint {name} on {table}"),
            Thing::Type(n) => write!(f, "type {n}"),
            Thing::EnumValue { ty, value } => write!(f, "value '{value}' of type {ty}"),
            Thing::Function(n) => write!(f, "function {n}"),
            Thing::Trigger { name, table: None } => write!(f, "trigger {name}"),
            Thing::Trigger {
                name,
                table: Some(t),
            } => write!(f, "trigger {name} on {t}"),
            Thing::Sequence(n) => write!(f, "sequence {n}"),
            Thing::Schema(n) => write!(f, "schema {n}"),
            Thing::Extension(n) => write!(f, "extension {n}"),
            Thing::Policy { table, name } => write!(f, "policy {name} on {table}"),
        }
    }
}

/// What the catalog holds of a [`Thing`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Not there.
    Absent,
    /// There.
    Present,
    /// There, but not usable: an index a failed or interrupted `CREATE INDEX
    /// CONCURRENTLY` left INVALID (PostgreSQL).
    Invalid,
}

/// One fact a statement changes: `thing` is present once it ran (`after`), or absent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// The object.
    pub thing: Thing,
    /// Whether it is present after the statement ran.
    pub after: bool,
    /// The statement builds this index with `CONCURRENTLY`: interrupted, it leaves it
    /// INVALID, to be dropped and built again.
    pub concurrent_build: bool,
}

/// How to tell whether a statement took effect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Footprint {
    /// The statement ran if and only if every mark holds (the statement is atomic).
    Marks(Vec<Mark>),
    /// Running it again gives the same result as running it once; the reason.
    Rerunnable(&'static str),
    /// The catalog cannot tell; the reason.
    Unknown(String),
}

fn mark(thing: Thing, after: bool) -> Mark {
    Mark {
        thing,
        after,
        concurrent_build: false,
    }
}

/// How to tell from the catalog whether `sql` took effect.
pub fn footprint(sql: &str, dialect: Dialect) -> Footprint {
    let stmt = match parse::parse(sql, dialect) {
        Ok(s) => s,
        Err(e) => {
            return Footprint::Unknown(format!("sluice cannot read this statement ({e})"));
        }
    };
    let unknown = |what: &str| {
        Footprint::Unknown(format!(
            "{what} leaves nothing in the catalog that shows whether it ran"
        ))
    };
    let marks = match &stmt {
        Stmt::CreateTable {
            temporary: true, ..
        } => {
            return Footprint::Rerunnable("a temporary table ends with its session");
        }
        Stmt::CreateTable {
            or_replace: true, ..
        } => return Footprint::Rerunnable("CREATE OR REPLACE"),
        Stmt::CreateTable { name, .. } => vec![mark(Thing::Table(name.clone()), true)],
        Stmt::AlterTable { name, actions, .. } => {
            let marks: Vec<Mark> = actions.iter().flat_map(|a| action_marks(name, a)).collect();
            if marks.is_empty() {
                return unknown("this ALTER TABLE");
            }
            marks
        }
        Stmt::CreateIndex { name: None, .. } => {
            return Footprint::Unknown(
                "an index without a name cannot be found in the catalog: name it".into(),
            );
        }
        Stmt::CreateIndex {
            name: Some(n),
            table,
            concurrently,
            ..
        } => vec![Mark {
            thing: Thing::Index {
                name: n.clone(),
                table: index_table(dialect, Some(table)),
            },
            after: true,
            concurrent_build: *concurrently,
        }],
        Stmt::Drop {
            kind, names, on, ..
        } => {
            let mut v = Vec::new();
            for n in names {
                let thing = match kind {
                    ObjectKind::Table => Thing::Table(n.clone()),
                    ObjectKind::View | ObjectKind::MaterializedView => Thing::View(n.clone()),
                    ObjectKind::Index => Thing::Index {
                        name: n.clone(),
                        table: index_table(dialect, on.as_ref()),
                    },
                    ObjectKind::Sequence => Thing::Sequence(n.clone()),
                    ObjectKind::Type | ObjectKind::Domain => Thing::Type(n.clone()),
                    ObjectKind::Function | ObjectKind::Procedure => Thing::Function(n.clone()),
                    ObjectKind::Trigger => Thing::Trigger {
                        name: n.clone(),
                        table: on.clone(),
                    },
                    ObjectKind::Schema => Thing::Schema(n.name.clone()),
                    ObjectKind::Extension => Thing::Extension(n.name.clone()),
                    ObjectKind::Policy => match on {
                        Some(t) => Thing::Policy {
                            table: t.clone(),
                            name: n.name.clone(),
                        },
                        None => return unknown("this DROP POLICY"),
                    },
                    other => return unknown(&format!("DROP {}", other.as_str().to_uppercase())),
                };
                v.push(mark(thing, false));
            }
            v
        }
        Stmt::RenameTables(pairs) => pairs
            .iter()
            .flat_map(|(from, to)| {
                [
                    mark(Thing::Table(to.clone()), true),
                    mark(Thing::Table(from.clone()), false),
                ]
            })
            .collect(),
        Stmt::CreateView {
            or_replace: true, ..
        } => return Footprint::Rerunnable("CREATE OR REPLACE"),
        Stmt::CreateView { name, .. } => vec![mark(Thing::View(name.clone()), true)],
        Stmt::CreateFunction {
            or_replace: true, ..
        } => return Footprint::Rerunnable("CREATE OR REPLACE"),
        Stmt::CreateFunction { name, .. } => vec![mark(Thing::Function(name.clone()), true)],
        Stmt::CreateTrigger {
            or_replace: true, ..
        } => return Footprint::Rerunnable("CREATE OR REPLACE"),
        Stmt::CreateTrigger { name, table, .. } => vec![mark(
            Thing::Trigger {
                name: name.clone(),
                table: Some(table.clone()),
            },
            true,
        )],
        Stmt::CreateType { name, .. } => vec![mark(Thing::Type(name.clone()), true)],
        Stmt::AlterTypeAddValue { name, value, .. } => vec![mark(
            Thing::EnumValue {
                ty: name.clone(),
                value: value.clone(),
            },
            true,
        )],
        Stmt::CreateSequence { name, .. } => vec![mark(Thing::Sequence(name.clone()), true)],
        Stmt::CreatePolicy { name, table } => vec![mark(
            Thing::Policy {
                table: table.clone(),
                name: name.clone(),
            },
            true,
        )],
        Stmt::Create { kind, name, .. } => match kind {
            ObjectKind::Schema => vec![mark(Thing::Schema(name.name.clone()), true)],
            ObjectKind::Extension => vec![mark(Thing::Extension(name.name.clone()), true)],
            ObjectKind::Domain | ObjectKind::Type => vec![mark(Thing::Type(name.clone()), true)],
            other => return unknown(&format!("CREATE {}", other.as_str().to_uppercase())),
        },
        Stmt::Grant { .. } => return Footprint::Rerunnable("GRANT and REVOKE"),
        Stmt::Comment => return Footprint::Rerunnable("COMMENT"),
        Stmt::Vacuum { .. } => return Footprint::Rerunnable("VACUUM"),
        Stmt::Analyze => return Footprint::Rerunnable("ANALYZE"),
        Stmt::Reindex { .. } => return Footprint::Rerunnable("REINDEX"),
        Stmt::Set { .. } => return Footprint::Rerunnable("SET"),
        Stmt::Pragma { .. } => return Footprint::Rerunnable("PRAGMA"),
        Stmt::Optimize { .. } => return Footprint::Rerunnable("OPTIMIZE TABLE"),
        Stmt::RefreshMaterializedView { .. } => {
            return Footprint::Rerunnable("REFRESH MATERIALIZED VIEW");
        }
        Stmt::Insert { .. } => return unknown("an INSERT"),
        Stmt::Update { .. } => return unknown("an UPDATE"),
        Stmt::Delete { .. } => return unknown("a DELETE"),
        Stmt::Truncate { .. } => return unknown("a TRUNCATE"),
        Stmt::Select { .. } => return unknown("a SELECT (it may call functions that write)"),
        Stmt::Do => return unknown("a DO block"),
        Stmt::Call => return unknown("a CALL"),
        _ => return unknown("this statement"),
    };
    Footprint::Marks(marks)
}

/// On MySQL an index name is unique per table only: look it up with its table.
fn index_table(dialect: Dialect, table: Option<&Name>) -> Option<Name> {
    match dialect {
        Dialect::MySql => table.cloned(),
        _ => None,
    }
}

fn action_marks(table: &Name, a: &Action) -> Vec<Mark> {
    let col = |c: &str| Thing::Column {
        table: table.clone(),
        column: c.to_string(),
    };
    match a {
        Action::AddColumn { column, .. } => vec![mark(col(&column.name), true)],
        Action::DropColumn { column, .. } => vec![mark(col(column), false)],
        Action::SetNotNull(c) => vec![mark(
            Thing::NotNull {
                table: table.clone(),
                column: c.clone(),
            },
            true,
        )],
        Action::DropNotNull(c) => vec![mark(
            Thing::NotNull {
                table: table.clone(),
                column: c.clone(),
            },
            false,
        )],
        Action::AddConstraint(c) => match (&c.name, &c.kind) {
            (Some(n), ConstraintKind::Index { .. }) => vec![mark(
                Thing::Index {
                    name: Name::bare(n.clone()),
                    table: Some(table.clone()),
                },
                true,
            )],
            (Some(n), _) => vec![mark(
                Thing::Constraint {
                    table: table.clone(),
                    name: n.clone(),
                },
                true,
            )],
            (None, _) => Vec::new(),
        },
        Action::DropConstraint { name, .. } => vec![mark(
            Thing::Constraint {
                table: table.clone(),
                name: name.clone(),
            },
            false,
        )],
        Action::DropIndex(n) => vec![mark(
            Thing::Index {
                name: Name::bare(n.clone()),
                table: Some(table.clone()),
            },
            false,
        )],
        Action::RenameColumn { from, to } => vec![mark(col(to), true), mark(col(from), false)],
        Action::RenameTable(to) => vec![
            mark(Thing::Table(to.clone()), true),
            mark(Thing::Table(table.clone()), false),
        ],
        _ => Vec::new(),
    }
}

/// Whether a statement of a step-by-step migration may run in one transaction with the
/// record of its progress, so that the two commit together. Only statements the parser
/// reads, and that the dialect runs inside a transaction without changing what they do:
/// not `CREATE INDEX CONCURRENTLY`, `VACUUM`, transaction control, `CALL` and `DO` (they
/// may commit), SQLite's `PRAGMA` (several are no-ops inside a transaction); on MySQL,
/// where every DDL statement commits on its own, data changes only.
pub fn shares_transaction(sql: &str, dialect: Dialect) -> bool {
    if dialect == Dialect::MySql {
        return crate::is_data_change(sql);
    }
    let Ok(stmt) = parse::parse(sql, dialect) else {
        return false;
    };
    match &stmt {
        Stmt::Transaction(_)
        | Stmt::Call
        | Stmt::Do
        | Stmt::Pragma { .. }
        | Stmt::Vacuum { .. }
        | Stmt::Lock { .. }
        | Stmt::Unlock
        | Stmt::CreateDatabase => false,
        Stmt::CreateIndex { concurrently, .. } => !concurrently,
        Stmt::Drop { concurrently, .. } => !concurrently,
        Stmt::Reindex {
            kind, concurrently, ..
        } => !concurrently && !matches!(kind, ObjectKind::Schema | ObjectKind::Database),
        Stmt::RefreshMaterializedView { concurrently, .. } => !concurrently,
        Stmt::AlterServer { what } => what != "SYSTEM",
        Stmt::AlterTable { actions, .. } => !actions.iter().any(|a| {
            matches!(
                a,
                Action::DetachPartition {
                    concurrently: true,
                    ..
                }
            )
        }),
        _ => true,
    }
}

pub use crate::parse::Tx;

/// The transaction control `sql` is (`BEGIN`, `COMMIT`, `ROLLBACK`, a savepoint), if any.
pub fn transaction_control(sql: &str, dialect: Dialect) -> Option<Tx> {
    match parse::parse(sql, dialect) {
        Ok(Stmt::Transaction(t)) => Some(t),
        _ => None,
    }
}

/// Whether `sql` only changes settings of the session (`SET x = …` but not `SET LOCAL`;
/// SQLite's `PRAGMA`): what a resumed run in a new session applies again before it goes on.
pub fn is_session_setting(sql: &str, dialect: Dialect) -> bool {
    match parse::parse(sql, dialect) {
        Ok(Stmt::Set { local, name, .. }) => !local && !name.eq_ignore_ascii_case("transaction"),
        Ok(Stmt::Pragma { .. }) => dialect == Dialect::Sqlite,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(sql: &str, d: Dialect) -> Vec<String> {
        match footprint(sql, d) {
            Footprint::Marks(m) => m
                .iter()
                .map(|m| {
                    format!(
                        "{}{}{}",
                        if m.after { "+" } else { "-" },
                        m.thing,
                        if m.concurrent_build {
                            " (concurrently)"
                        } else {
                            ""
                        }
                    )
                })
                .collect(),
            other => vec![format!("{other:?}")],
        }
    }

    #[test]
    fn ddl_leaves_marks() {
        let pg = Dialect::Postgres;
        assert_eq!(marks("CREATE TABLE a.t (x int)", pg), ["+table a.t"]);
        assert_eq!(
            marks("ALTER TABLE t ADD COLUMN c int, DROP COLUMN d", pg),
            ["+column t.c", "-column t.d"]
        );
        assert_eq!(
            marks("CREATE INDEX CONCURRENTLY i ON t (x)", pg),
            ["+index i (concurrently)"]
        );
        assert_eq!(
            marks("DROP INDEX CONCURRENTLY IF EXISTS i", pg),
            ["-index i"]
        );
        assert_eq!(
            marks(
                "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id) NOT VALID",
                pg
            ),
            ["+constraint fk on t"]
        );
        assert_eq!(
            marks("ALTER TABLE t ALTER COLUMN c SET NOT NULL", pg),
            ["+NOT NULL on t.c"]
        );
        assert_eq!(marks("CREATE TYPE mood AS ENUM ('a')", pg), ["+type mood"]);
        assert_eq!(
            marks("ALTER TYPE mood ADD VALUE 'b'", pg),
            ["+value 'b' of type mood"]
        );
        assert_eq!(marks("CREATE SCHEMA s", pg), ["+schema s"]);
        assert_eq!(
            marks(
                "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()",
                pg
            ),
            ["+trigger tr on t"]
        );
        assert_eq!(
            marks("CREATE INDEX i ON t (x)", Dialect::MySql),
            ["+index i on t"]
        );
        assert_eq!(
            marks("ALTER TABLE t ADD INDEX i (x)", Dialect::MySql),
            ["+index i on t"]
        );
        assert_eq!(
            marks("RENAME TABLE a TO b", Dialect::MySql),
            ["+table b", "-table a"]
        );
    }

    #[test]
    fn data_changes_are_unknown_and_replaceables_rerun() {
        let pg = Dialect::Postgres;
        assert!(matches!(
            footprint("UPDATE t SET a = 1", pg),
            Footprint::Unknown(_)
        ));
        assert!(matches!(
            footprint("ALTER TABLE t ALTER COLUMN a TYPE bigint", pg),
            Footprint::Unknown(_)
        ));
        assert!(matches!(
            footprint("CREATE INDEX ON t (a)", pg),
            Footprint::Unknown(_)
        ));
        assert!(matches!(
            footprint("CREATE OR REPLACE VIEW v AS SELECT 1", pg),
            Footprint::Rerunnable(_)
        ));
        assert!(matches!(
            footprint("VACUUM t", pg),
            Footprint::Rerunnable(_)
        ));
    }

    #[test]
    fn what_shares_a_transaction() {
        let pg = Dialect::Postgres;
        assert!(shares_transaction("CREATE TABLE t (a int)", pg));
        assert!(shares_transaction("UPDATE t SET a = 1", pg));
        assert!(!shares_transaction(
            "CREATE INDEX CONCURRENTLY i ON t (a)",
            pg
        ));
        assert!(!shares_transaction("VACUUM t", pg));
        assert!(!shares_transaction("COMMIT", pg));
        assert!(!shares_transaction("CALL p()", pg));
        assert!(!shares_transaction("this is not sql", pg));
        assert!(!shares_transaction(
            "PRAGMA foreign_keys = OFF",
            Dialect::Sqlite
        ));
        assert!(shares_transaction("CREATE TABLE t (a)", Dialect::Sqlite));
        assert!(!shares_transaction(
            "CREATE TABLE t (a int)",
            Dialect::MySql
        ));
        assert!(shares_transaction(
            "INSERT INTO t VALUES (1)",
            Dialect::MySql
        ));
        assert!(is_session_setting("SET search_path = app", pg));
        assert!(!is_session_setting("SET LOCAL lock_timeout = '1s'", pg));
    }
}
