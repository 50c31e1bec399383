//! The syntax tree of a migration statement: what a safety analysis needs to know, and
//! nothing else. Names are folded as the server folds them (bare words to lower case),
//! expressions are kept as text with the facts the rules ask about (a volatile call, a
//! literal).

use std::fmt;

/// A possibly schema-qualified name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name {
    /// The schema (or database), when written.
    pub schema: Option<String>,
    /// The object's own name.
    pub name: String,
}

impl Name {
    /// An unqualified name.
    pub fn bare(name: impl Into<String>) -> Name {
        Name {
            schema: None,
            name: name.into(),
        }
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "{s}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// An expression, kept as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expr {
    /// The expression's text.
    pub text: String,
    /// The first volatile function it calls (`random`, `gen_random_uuid`, `nextval`, …).
    pub volatile: Option<String>,
    /// Whether it is the literal `NULL`.
    pub is_null: bool,
    /// Whether it is written in parentheses (a MySQL expression default).
    pub parenthesized: bool,
}

/// A column type: its canonical name, arguments and array-ness.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DataType {
    /// Canonical lower-case name: `integer`, `bigint`, `varchar`, `timestamptz`, …
    pub name: String,
    /// Arguments as written (`varchar(20)` → `["20"]`).
    pub args: Vec<String>,
    /// `[]` or `ARRAY`.
    pub array: bool,
    /// MySQL `UNSIGNED`.
    pub unsigned: bool,
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if !self.args.is_empty() {
            write!(f, "({})", self.args.join(","))?;
        }
        if self.unsigned {
            f.write_str(" unsigned")?;
        }
        if self.array {
            f.write_str("[]")?;
        }
        Ok(())
    }
}

/// How a generated column is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generated {
    /// `GENERATED … AS (expr) STORED` / MySQL `STORED` / MariaDB `PERSISTENT`.
    Stored,
    /// `VIRTUAL`.
    Virtual,
    /// `GENERATED … AS IDENTITY`.
    Identity,
}

/// A column definition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its type (absent for untyped SQLite columns).
    pub ty: Option<DataType>,
    /// `NOT NULL` (or implied by `PRIMARY KEY`).
    pub not_null: bool,
    /// `DEFAULT …`.
    pub default: Option<Expr>,
    /// Column-level `PRIMARY KEY`.
    pub primary_key: bool,
    /// Column-level `UNIQUE`.
    pub unique: bool,
    /// Column-level `REFERENCES`.
    pub references: Option<ForeignKey>,
    /// Column-level `CHECK`.
    pub check: bool,
    /// Generated or identity.
    pub generated: Option<Generated>,
    /// MySQL `AUTO_INCREMENT` / SQLite `AUTOINCREMENT`.
    pub auto_increment: bool,
    /// MySQL `FIRST` / `AFTER col`.
    pub positioned: bool,
    /// `CHARACTER SET` / `CHARSET` / `COLLATE` given.
    pub charset: bool,
}

impl Column {
    /// `serial`, `bigserial`, `smallserial`.
    pub fn is_serial(&self) -> bool {
        self.ty.as_ref().is_some_and(|t| t.name.ends_with("serial"))
    }
}

/// A foreign key's target.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ForeignKey {
    /// The referencing columns (empty for a column-level `REFERENCES`).
    pub columns: Vec<String>,
    /// The referenced table.
    pub table: Name,
    /// The referenced columns, when written.
    pub ref_columns: Vec<String>,
    /// `ON DELETE` action, upper case (`CASCADE`, `SET NULL`, …).
    pub on_delete: Option<String>,
}

/// What a table constraint is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstraintKind {
    /// `PRIMARY KEY (cols)` or `PRIMARY KEY USING INDEX idx`.
    PrimaryKey {
        /// The key columns.
        columns: Vec<String>,
        /// `USING INDEX idx`.
        using_index: Option<String>,
    },
    /// `UNIQUE (cols)` or `UNIQUE USING INDEX idx`.
    Unique {
        /// The key columns.
        columns: Vec<String>,
        /// `USING INDEX idx`.
        using_index: Option<String>,
    },
    /// `FOREIGN KEY (cols) REFERENCES …`.
    ForeignKey(ForeignKey),
    /// `CHECK (expr)`.
    Check(Expr),
    /// `EXCLUDE USING …`.
    Exclude,
    /// MySQL `INDEX`/`KEY`, `FULLTEXT`, `SPATIAL` inside a table definition.
    Index {
        /// The indexed columns.
        columns: Vec<String>,
        /// `FULLTEXT` or `SPATIAL`.
        special: Option<String>,
    },
}

/// A table constraint (or MySQL inline index).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    /// `CONSTRAINT name` (or the MySQL index name).
    pub name: Option<String>,
    /// What it is.
    pub kind: ConstraintKind,
    /// `NOT VALID`.
    pub not_valid: bool,
}

/// One action of an `ALTER TABLE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `ADD [COLUMN] [IF NOT EXISTS] col`.
    AddColumn {
        /// The new column.
        column: Column,
        /// `IF NOT EXISTS`.
        if_not_exists: bool,
    },
    /// `DROP [COLUMN] [IF EXISTS] col [CASCADE]`.
    DropColumn {
        /// The column.
        column: String,
        /// `IF EXISTS`.
        if_exists: bool,
        /// `CASCADE`.
        cascade: bool,
    },
    /// `ALTER COLUMN c TYPE t`, or a MySQL `MODIFY`/`CHANGE` that changes the type.
    AlterType {
        /// The column.
        column: String,
        /// The new type.
        ty: DataType,
        /// `USING expr`.
        using: bool,
    },
    /// `ALTER COLUMN c SET NOT NULL`.
    SetNotNull(String),
    /// `ALTER COLUMN c DROP NOT NULL`.
    DropNotNull(String),
    /// `ALTER COLUMN c SET DEFAULT e`.
    SetDefault(String, Expr),
    /// `ALTER COLUMN c DROP DEFAULT`.
    DropDefault(String),
    /// `ALTER COLUMN c DROP EXPRESSION` / `DROP IDENTITY`.
    DropGenerated(String),
    /// `ALTER COLUMN c ADD GENERATED … AS IDENTITY` and other identity changes.
    AlterIdentity(String),
    /// `ALTER COLUMN c SET STATISTICS / STORAGE / (options)` and other metadata.
    AlterColumnOther(String),
    /// MySQL `MODIFY [COLUMN] col` (`old` is the same name) or `CHANGE old col`.
    Redefine {
        /// The column's old name.
        old: String,
        /// The new definition.
        column: Column,
    },
    /// `ADD [CONSTRAINT c] …`, or MySQL `ADD INDEX`.
    AddConstraint(Constraint),
    /// `VALIDATE CONSTRAINT c`.
    ValidateConstraint(String),
    /// `DROP CONSTRAINT [IF EXISTS] c [CASCADE]`; MySQL `DROP FOREIGN KEY`/`CHECK`.
    DropConstraint {
        /// The constraint.
        name: String,
        /// A foreign key (MySQL `DROP FOREIGN KEY`).
        foreign_key: bool,
        /// `CASCADE`.
        cascade: bool,
    },
    /// MySQL `DROP PRIMARY KEY`.
    DropPrimaryKey,
    /// MySQL `DROP INDEX`/`DROP KEY`.
    DropIndex(String),
    /// `RENAME [COLUMN] a TO b`, MySQL `RENAME COLUMN`.
    RenameColumn {
        /// Old name.
        from: String,
        /// New name.
        to: String,
    },
    /// `RENAME TO n`.
    RenameTable(Name),
    /// `RENAME CONSTRAINT`, MySQL `RENAME INDEX`/`KEY`.
    RenameOther,
    /// `SET SCHEMA s`.
    SetSchema(String),
    /// `ATTACH PARTITION p FOR VALUES …`.
    AttachPartition(Name),
    /// `DETACH PARTITION p [CONCURRENTLY | FINALIZE]`.
    DetachPartition {
        /// The partition.
        partition: Name,
        /// `CONCURRENTLY`.
        concurrently: bool,
    },
    /// `ENABLE/DISABLE/FORCE/NO FORCE ROW LEVEL SECURITY`.
    RowLevelSecurity(String),
    /// `ENABLE/DISABLE … TRIGGER`.
    Trigger(String),
    /// `REPLICA IDENTITY …`.
    ReplicaIdentity(String),
    /// `SET LOGGED`, `SET UNLOGGED`, `SET TABLESPACE`, `SET ACCESS METHOD`, MySQL
    /// `ENGINE=`, `ROW_FORMAT=`, `FORCE`, `CONVERT TO CHARACTER SET`: the table is rebuilt.
    Rebuild(String),
    /// `SET (storage_parameter = value, …)`; the options as written, lower case.
    SetOptions(Vec<(String, String)>),
    /// MySQL `ALGORITHM = x`.
    Algorithm(String),
    /// MySQL `LOCK = x`.
    Lock(String),
    /// MySQL `AUTO_INCREMENT = n`.
    AutoIncrement,
    /// Metadata only (`OWNER TO`, `CLUSTER ON`, `COMMENT =`, `INHERIT`, …), as written.
    Metadata(String),
}

/// What kind of object a `DROP`, `COMMENT`, rename … is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    /// Table.
    Table,
    /// Index.
    Index,
    /// View.
    View,
    /// Materialized view.
    MaterializedView,
    /// Sequence.
    Sequence,
    /// Type (enum, composite, …).
    Type,
    /// Domain.
    Domain,
    /// Function.
    Function,
    /// Procedure.
    Procedure,
    /// Trigger.
    Trigger,
    /// Row-level security policy.
    Policy,
    /// Extension.
    Extension,
    /// Schema.
    Schema,
    /// Database.
    Database,
    /// Role or user.
    Role,
    /// Column.
    Column,
    /// Constraint.
    Constraint,
    /// Anything else (rule, publication, …).
    Other,
}

impl ObjectKind {
    /// Its name in lower case, as a reviewer reads it.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Table => "table",
            ObjectKind::Index => "index",
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized view",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Type => "type",
            ObjectKind::Domain => "domain",
            ObjectKind::Function => "function",
            ObjectKind::Procedure => "procedure",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Policy => "policy",
            ObjectKind::Extension => "extension",
            ObjectKind::Schema => "schema",
            ObjectKind::Database => "database",
            ObjectKind::Role => "role",
            ObjectKind::Column => "column",
            ObjectKind::Constraint => "constraint",
            ObjectKind::Other => "object",
        }
    }
}

/// A transaction-control statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tx {
    /// `BEGIN`, `START TRANSACTION`.
    Begin,
    /// `COMMIT`, `END`.
    Commit,
    /// `ROLLBACK` (not `ROLLBACK TO`).
    Rollback,
    /// `SAVEPOINT`, `RELEASE`, `ROLLBACK TO`.
    Savepoint,
}

/// A statement, as far as the analysis needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // the field names say what they hold
pub enum Stmt {
    CreateTable {
        name: Name,
        if_not_exists: bool,
        /// MariaDB `CREATE OR REPLACE TABLE`.
        or_replace: bool,
        temporary: bool,
        columns: Vec<Column>,
        constraints: Vec<Constraint>,
        /// `PARTITION OF parent`.
        partition_of: Option<Name>,
        /// `AS SELECT …` / `LIKE other`.
        copies: bool,
        /// `PARTITION BY …`.
        partitioned: bool,
        /// MySQL `[DEFAULT] CHARSET` / `CHARACTER SET` table option, lower case.
        charset: Option<String>,
    },
    AlterTable {
        name: Name,
        if_exists: bool,
        actions: Vec<Action>,
    },
    CreateIndex {
        name: Option<Name>,
        table: Name,
        unique: bool,
        concurrently: bool,
        if_not_exists: bool,
        /// `ON ONLY parent`.
        only: bool,
        columns: Vec<String>,
        /// MySQL `FULLTEXT`/`SPATIAL`.
        special: Option<String>,
        /// MySQL `ALGORITHM=` / `LOCK=` clauses.
        options: Vec<Action>,
        /// A partial index: `WHERE …`.
        partial: bool,
    },
    Drop {
        kind: ObjectKind,
        names: Vec<Name>,
        if_exists: bool,
        cascade: bool,
        concurrently: bool,
        /// `DROP TRIGGER t ON table`, MySQL `DROP INDEX i ON table`.
        on: Option<Name>,
    },
    Truncate {
        tables: Vec<Name>,
        cascade: bool,
    },
    /// MySQL `RENAME TABLE a TO b, …`.
    RenameTables(Vec<(Name, Name)>),
    CreateView {
        name: Name,
        materialized: bool,
        or_replace: bool,
        if_not_exists: bool,
    },
    RefreshMaterializedView {
        name: Name,
        concurrently: bool,
    },
    CreateFunction {
        kind: ObjectKind,
        name: Name,
        or_replace: bool,
        security_definer: bool,
        /// `SET search_path …` among its options.
        sets_search_path: bool,
    },
    CreateTrigger {
        name: Name,
        table: Name,
        or_replace: bool,
        if_not_exists: bool,
    },
    CreateType {
        name: Name,
        enum_values: Option<Vec<String>>,
    },
    AlterTypeAddValue {
        name: Name,
        value: String,
        if_not_exists: bool,
        positioned: bool,
    },
    /// Other `ALTER TYPE`/`DOMAIN`/`SEQUENCE`/`VIEW`/`INDEX`/`FUNCTION`/`SCHEMA`
    /// statements: a rename, a move, or a change of options.
    AlterObject {
        kind: ObjectKind,
        name: Name,
        /// `RENAME …` or `SET SCHEMA`.
        renames: bool,
        /// `ALTER SEQUENCE … RESTART | START | INCREMENT | MINVALUE | MAXVALUE | AS`.
        sequence_values: bool,
        /// `ALTER INDEX … ATTACH PARTITION`.
        attach_partition: bool,
    },
    CreateSequence {
        name: Name,
        if_not_exists: bool,
    },
    CreatePolicy {
        name: String,
        table: Name,
    },
    AlterPolicy {
        name: String,
        table: Name,
    },
    Create {
        kind: ObjectKind,
        name: Name,
        if_not_exists: bool,
    },
    Grant {
        /// `TO PUBLIC` / `FROM PUBLIC`.
        public: bool,
        revoke: bool,
        /// `ON [TABLE] x` when it names objects.
        objects: Vec<Name>,
    },
    Comment,
    Vacuum {
        full: bool,
        tables: Vec<Name>,
    },
    Analyze,
    Cluster {
        table: Option<Name>,
    },
    Reindex {
        kind: ObjectKind,
        name: Option<Name>,
        concurrently: bool,
    },
    Lock {
        tables: Vec<Name>,
        /// The PostgreSQL mode, upper case; `ACCESS EXCLUSIVE` when not written. MySQL:
        /// `READ`/`WRITE`.
        mode: String,
    },
    Unlock,
    Set {
        /// Lower-case variable name (`lock_timeout`, `foreign_key_checks`, …).
        name: String,
        value: String,
        /// `SET LOCAL`.
        local: bool,
    },
    Transaction(Tx),
    Insert {
        table: Name,
        /// `INSERT … SELECT`.
        select: bool,
        /// `ON CONFLICT`, `ON DUPLICATE KEY`, `INSERT IGNORE`, `OR IGNORE/REPLACE`.
        idempotent: bool,
    },
    Update {
        table: Name,
        has_where: bool,
    },
    Delete {
        table: Name,
        has_where: bool,
    },
    Select {
        /// Functions called at the top level of the select list (`setval`, …).
        calls: Vec<String>,
    },
    Do,
    Call,
    Pragma {
        name: String,
        value: Option<String>,
    },
    /// MySQL `OPTIMIZE TABLE`.
    Optimize {
        tables: Vec<Name>,
    },
    /// `ALTER SYSTEM`, `ALTER DATABASE`, `ALTER ROLE`, `ALTER EXTENSION`, …
    AlterServer {
        what: String,
    },
    /// `CREATE DATABASE`.
    CreateDatabase,
}
