//! Generated rows for `sluice test --with-data`, and fingerprints of table contents: fill
//! every table with a few rows, then tell whether a `down` destroyed values its `up` did
//! not create.
//!
//! Values come from each column's type (numbers 1900000001…, short text, fixed dates, `{}` for
//! JSON, the first label of an enum); `GENERATED ALWAYS` identity and computed columns keep
//! their defaults. Keys are written too, with the same numbers, so they satisfy foreign keys
//! to tables filled before (tables are filled in passes until no more can be), and stay
//! clear of the small ids that seed migrations insert. A table that cannot be filled is
//! reported with the server's reason, never skipped silently.

use std::collections::BTreeMap;

use sluice_sql::Dialect;

use crate::engine::{DbError, Engine};

/// Rows per table.
pub const ROWS: usize = 3;

/// A column as the catalog describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its type, as the catalog prints it.
    pub type_name: String,
    /// NULL allowed.
    pub nullable: bool,
    /// It has a default.
    pub defaulted: bool,
    /// `GENERATED ALWAYS` identity, or computed: never written.
    pub automatic: bool,
    /// For a PostgreSQL enum: the type, to take its first label.
    pub enum_type: Option<String>,
}

/// `name` as an identifier of `dialect` (backticks on MySQL, double quotes elsewhere).
pub(crate) fn quote(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::MySql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

fn truthy(v: &Option<String>) -> bool {
    matches!(v.as_deref(), Some("t" | "1" | "true" | "TRUE"))
}

/// The columns of `table` (a name as the snapshot gives it).
pub fn columns(
    engine: &mut dyn Engine,
    dialect: Dialect,
    table: &str,
) -> Result<Vec<Column>, DbError> {
    let lit = table.replace('\'', "''");
    let sql = match dialect {
        Dialect::Sqlite => format!(
            "SELECT name, type, \"notnull\" = 0, dflt_value IS NOT NULL, hidden <> 0, NULL \
             FROM pragma_table_xinfo('{lit}') ORDER BY cid"
        ),
        Dialect::Postgres => format!(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, a.atthasdef, \
             a.attidentity = 'a' OR a.attgenerated <> '', \
             CASE WHEN t.typtype = 'e' THEN format_type(a.atttypid, NULL) END \
             FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid \
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE a.attrelid = '{lit}'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"
        ),
        Dialect::MySql => format!(
            "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE = 'YES', COLUMN_DEFAULT IS NOT NULL AND COLUMN_DEFAULT <> 'NULL', \
             coalesce(GENERATION_EXPRESSION, '') <> '', NULL \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{lit}' ORDER BY ORDINAL_POSITION"
        ),
    };
    Ok(engine
        .query_rows(&sql)?
        .into_iter()
        .map(|r| Column {
            name: r[0].clone().unwrap_or_default(),
            type_name: r[1].clone().unwrap_or_default(),
            nullable: truthy(&r[2]),
            defaulted: truthy(&r[3]),
            automatic: truthy(&r[4]),
            enum_type: r[5].clone(),
        })
        .collect())
}

/// The SQL value of row `i` (1-based) for a column, or `None` when sluice cannot make one.
fn value(dialect: Dialect, c: &Column, i: usize) -> Option<String> {
    let t = c.type_name.to_ascii_lowercase();
    if let Some(e) = &c.enum_type {
        return Some(format!("(enum_range(NULL::{e}))[1]"));
    }
    if let Some(rest) = t.strip_prefix("enum(").or_else(|| t.strip_prefix("set(")) {
        let first = rest.split(',').next()?.trim_end_matches(')');
        return Some(first.to_string());
    }
    let has = |w: &[&str]| w.iter().any(|x| t.contains(x));
    Some(if has(&["bool"]) || t == "tinyint(1)" {
        if dialect == Dialect::Postgres {
            "true".into()
        } else {
            "1".into()
        }
    } else if has(&["tinyint"]) {
        i.to_string()
    } else if has(&["smallint", "int2"]) {
        (30_000 + i).to_string()
    } else if has(&["int", "serial"]) {
        (1_900_000_000 + i).to_string()
    } else if has(&["numeric", "decimal", "real", "double", "float", "money"]) {
        i.to_string()
    } else if has(&["timestamp", "datetime"]) {
        format!("'2024-01-01 00:00:0{i}'")
    } else if has(&["date"]) {
        format!("'2024-01-0{i}'")
    } else if has(&["time"]) {
        format!("'00:00:0{i}'")
    } else if has(&["json"]) {
        "'{}'".into()
    } else if has(&["uuid"]) {
        format!("'00000000-0000-4000-8000-00000000000{i}'")
    } else if has(&["char", "text", "clob", "string"]) || t.is_empty() {
        format!("'s{i}'")
    } else {
        return None;
    })
}

/// Inserts [`ROWS`] rows into `table`: every column sluice can make a value for; when the
/// server refuses, only the columns that need one. Returns the server's reason when both
/// fail.
pub fn fill(
    engine: &mut dyn Engine,
    dialect: Dialect,
    table: &str,
    transactional: bool,
) -> Result<(), String> {
    let cols = columns(engine, dialect, table).map_err(|e| e.short())?;
    let writable: Vec<&Column> = cols.iter().filter(|c| !c.automatic).collect();
    let attempt = |engine: &mut dyn Engine, only_required: bool| -> Result<(), DbError> {
        let chosen: Vec<&&Column> = writable
            .iter()
            .filter(|c| !only_required || (!c.nullable && !c.defaulted))
            .collect();
        let mut statements = Vec::new();
        for i in 1..=ROWS {
            let values: Option<Vec<String>> = chosen.iter().map(|c| value(dialect, c, i)).collect();
            let Some(values) = values else {
                return Err(DbError::msg(format!(
                    "no value for a column of type {}",
                    chosen
                        .iter()
                        .find(|c| value(dialect, c, i).is_none())
                        .map_or("?", |c| c.type_name.as_str())
                )));
            };
            statements.push(if chosen.is_empty() {
                match dialect {
                    Dialect::MySql => format!("INSERT INTO {table} () VALUES ()"),
                    _ => format!("INSERT INTO {table} DEFAULT VALUES"),
                }
            } else {
                format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    chosen
                        .iter()
                        .map(|c| quote(dialect, &c.name))
                        .collect::<Vec<_>>()
                        .join(", "),
                    values.join(", ")
                )
            });
        }
        if transactional {
            engine.begin()?;
        }
        for s in &statements {
            if let Err(e) = engine.execute(s) {
                if transactional {
                    let _ = engine.rollback();
                }
                return Err(e);
            }
        }
        if transactional {
            engine.commit()?;
        }
        Ok(())
    };
    match attempt(engine, false) {
        Ok(()) => Ok(()),
        Err(_) => attempt(engine, true).map_err(|e| e.short()),
    }
}

/// A table's contents, column by column: the sorted values of each column.
pub type Fingerprint = BTreeMap<String, Vec<String>>;

/// The contents of `table`.
pub fn fingerprint(
    engine: &mut dyn Engine,
    dialect: Dialect,
    table: &str,
) -> Result<Fingerprint, DbError> {
    let cols = columns(engine, dialect, table)?;
    if cols.is_empty() {
        return Ok(Fingerprint::new());
    }
    let list: Vec<String> = cols.iter().map(|c| quote(dialect, &c.name)).collect();
    let rows = engine.query_rows(&format!("SELECT {} FROM {table}", list.join(", ")))?;
    let mut out = Fingerprint::new();
    for (i, c) in cols.iter().enumerate() {
        let mut values: Vec<String> = rows
            .iter()
            .map(|r| r[i].clone().unwrap_or_else(|| "NULL".into()))
            .collect();
        values.sort();
        out.insert(c.name.clone(), values);
    }
    Ok(out)
}

/// What a `down` destroyed: the columns of `before` whose non-NULL values are gone or
/// changed in `after`, described for people.
pub fn lost(table: &str, before: &Fingerprint, after: &Fingerprint) -> Vec<String> {
    let mut out = Vec::new();
    for (col, values) in before {
        let held = values.iter().filter(|v| v.as_str() != "NULL").count();
        if held == 0 {
            continue;
        }
        match after.get(col) {
            None => out.push(format!(
                "{table}.{col} held {held} value(s) before the migration and is gone after its down"
            )),
            Some(now) if now != values => out.push(format!(
                "{table}.{col} held {held} value(s) before the migration; after its down they differ ({} → {} rows)",
                values.len(),
                now.len()
            )),
            _ => {}
        }
    }
    out
}
