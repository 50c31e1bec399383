//! Checking an application's statements against a schema without running them: what
//! `sluice compat` asks of a scratch database after each statement of the pending
//! migrations.
//!
//! - PostgreSQL: `PREPARE` (the parameters typed by the server on the current schema, and
//!   given those types on the new one, so a changed column type shows), then `EXPLAIN
//!   (FORMAT JSON) EXECUTE` of the generic plan with sequential scans disabled: the indexes
//!   a plan can use, whatever the (empty) tables hold.
//! - MySQL/MariaDB: `PREPARE … FROM '…'` (names and types resolved, nothing run); the
//!   indexes a statement could use are `possible_keys` of a prepared `EXPLAIN`.
//! - SQLite: `EXPLAIN` (the statement compiled, nothing run), and `EXPLAIN QUERY PLAN` for
//!   the indexes.

use sluice_core::Engine;
use sluice_core::engine::DbError;
use sluice_sql::Dialect;

/// What a statement needs that held on the current schema.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prepared {
    /// PostgreSQL: the type of each parameter `$1…`, as the server inferred it.
    pub params: Vec<String>,
    /// The indexes its plan uses (or, on MySQL, could use), by name.
    pub indexes: Vec<String>,
}

const NAME: &str = "sluice_compat";

/// Sets a scratch connection up for checking (PostgreSQL: plans that prefer any usable
/// index, generic plans for prepared statements).
pub fn prepare_session(e: &mut dyn Engine, dialect: Dialect) -> Result<(), DbError> {
    if dialect == Dialect::Postgres {
        e.execute("SET enable_seqscan = off")?;
        e.execute("SET plan_cache_mode = force_generic_plan")?;
    }
    Ok(())
}

/// Checks `sql` on the schema the connection sees, without running it. `before`: what it
/// had on the current schema (its parameter types are then given to the server, not
/// inferred again). `plans`: also read the indexes its plan uses.
pub fn check(
    e: &mut dyn Engine,
    dialect: Dialect,
    sql: &str,
    before: Option<&Prepared>,
    plans: bool,
) -> Result<Prepared, DbError> {
    let sql = sql.trim().trim_end_matches(';').trim_end();
    match dialect {
        Dialect::Postgres => postgres(e, sql, before, plans),
        Dialect::MySql => mysql(e, sql, plans),
        Dialect::Sqlite => sqlite(e, sql, plans),
    }
}

fn postgres(
    e: &mut dyn Engine,
    sql: &str,
    before: Option<&Prepared>,
    plans: bool,
) -> Result<Prepared, DbError> {
    let _ = e.execute(&format!("DEALLOCATE {NAME}"));
    let head = match before {
        Some(b) if !b.params.is_empty() => format!("PREPARE {NAME}({}) AS ", b.params.join(", ")),
        _ => format!("PREPARE {NAME} AS "),
    };
    e.execute(&format!("{head}{sql}"))?;
    let result = (|| {
        let types = e.query_rows(&format!(
            "SELECT parameter_types::text FROM pg_prepared_statements WHERE name = '{NAME}'"
        ))?;
        let params = types
            .first()
            .and_then(|r| r.first().cloned().flatten())
            .map(|t| pg_array(&t))
            .unwrap_or_default();
        let mut indexes = Vec::new();
        if plans {
            let nulls = vec!["NULL"; params.len()].join(", ");
            let args = if params.is_empty() {
                String::new()
            } else {
                format!("({nulls})")
            };
            let plan = e.query_rows(&format!("EXPLAIN (FORMAT JSON) EXECUTE {NAME}{args}"))?;
            let text: String = plan
                .iter()
                .filter_map(|r| r.first().cloned().flatten())
                .collect();
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
                index_names(&v, &mut indexes);
            }
        }
        Ok(Prepared { params, indexes })
    })();
    let _ = e.execute(&format!("DEALLOCATE {NAME}"));
    result
}

/// Every `"Index Name"` of a PostgreSQL JSON plan.
fn index_names(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            // An index searched with a condition; a whole index read in its order (a
            // count, with sequential scans disabled) says nothing of what the statement
            // needs.
            if m.contains_key("Index Cond")
                && let Some(n) = m.get("Index Name").and_then(|x| x.as_str())
                && !out.iter().any(|o| o == n)
            {
                out.push(n.to_string());
            }
            for x in m.values() {
                index_names(x, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| index_names(x, out)),
        _ => {}
    }
}

/// The elements of a PostgreSQL array's text (`{integer,"character varying"}`).
fn pg_array(text: &str) -> Vec<String> {
    let inner = text.trim().trim_start_matches('{').trim_end_matches('}');
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if quoted => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if !inner.is_empty() {
        out.push(cur);
    }
    out
}

fn mysql_string(sql: &str) -> String {
    format!("'{}'", sql.replace('\\', "\\\\").replace('\'', "''"))
}

fn mysql(e: &mut dyn Engine, sql: &str, plans: bool) -> Result<Prepared, DbError> {
    e.execute(&format!("PREPARE {NAME} FROM {}", mysql_string(sql)))?;
    let _ = e.execute(&format!("DEALLOCATE PREPARE {NAME}"));
    let mut indexes = Vec::new();
    if plans {
        let explain = format!("EXPLAIN {sql}");
        // A statement EXPLAIN cannot take (or a server that refuses it prepared) has no
        // plan to compare; the check above stands.
        if e.execute(&format!("PREPARE {NAME} FROM {}", mysql_string(&explain)))
            .is_ok()
        {
            let n = placeholders(sql, Dialect::MySql);
            // The parameters as the string '1' (an index on a number or a string column
            // serves it), else as the number 1 (`LIMIT ?` takes numbers only); NULL would
            // make the optimizer see an impossible condition.
            e.execute("SET @sluice_compat_s = '1', @sluice_compat_i = 1")?;
            let explained = ["@sluice_compat_s", "@sluice_compat_i"]
                .iter()
                .find_map(|v| {
                    let using = if n == 0 {
                        String::new()
                    } else {
                        format!(" USING {}", vec![*v; n].join(", "))
                    };
                    e.query_rows(&format!("EXECUTE {NAME}{using}")).ok()
                });
            // Columns: id, select_type, table, type, possible_keys, key, …
            for r in explained.unwrap_or_default() {
                for col in [4usize, 5] {
                    if let Some(Some(keys)) = r.get(col) {
                        for k in keys.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                            if k != "PRIMARY" && !indexes.iter().any(|i| i == k) {
                                indexes.push(k.to_string());
                            }
                        }
                    }
                }
            }
            let _ = e.execute(&format!("DEALLOCATE PREPARE {NAME}"));
        }
    }
    Ok(Prepared {
        params: Vec::new(),
        indexes,
    })
}

/// How many `?` placeholders `sql` holds outside strings, comments and quoted names.
fn placeholders(sql: &str, dialect: Dialect) -> usize {
    sluice_sql::parse::lex::tokens(sql, dialect)
        .iter()
        .filter(|t| t.kind == sluice_sql::parse::lex::Kind::Param && t.text == "?")
        .count()
}

/// `sql` with each parameter replaced by `NULL`: SQLite compiles it the same way, and
/// nothing needs binding.
fn unbound(sql: &str, dialect: Dialect) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut at = 0;
    for t in sluice_sql::parse::lex::tokens(sql, dialect) {
        if t.kind == sluice_sql::parse::lex::Kind::Param {
            out.push_str(&sql[at..t.at]);
            out.push_str("NULL");
            at = t.at + t.text.len();
        }
    }
    out.push_str(&sql[at..]);
    out
}

fn sqlite(e: &mut dyn Engine, sql: &str, plans: bool) -> Result<Prepared, DbError> {
    let sql = &unbound(sql, Dialect::Sqlite);
    e.query_rows(&format!("EXPLAIN {sql}")).map_err(|mut err| {
        // SQLite quotes the statement it compiled: ours, not the application's.
        if let Some(at) = err.message.find(" in EXPLAIN ") {
            err.message.truncate(at);
        }
        err
    })?;
    let mut indexes = Vec::new();
    if plans {
        for r in e.query_rows(&format!("EXPLAIN QUERY PLAN {sql}"))? {
            let Some(Some(detail)) = r.last() else {
                continue;
            };
            // A search by the index; a whole index read in its order is not one.
            if !detail.starts_with("SEARCH") {
                continue;
            }
            for marker in ["USING COVERING INDEX ", "USING INDEX "] {
                if let Some(at) = detail.find(marker) {
                    let name: String = detail[at + marker.len()..]
                        .chars()
                        .take_while(|c| !c.is_whitespace())
                        .collect();
                    if !name.is_empty() && !indexes.contains(&name) {
                        indexes.push(name);
                    }
                    break;
                }
            }
        }
    }
    Ok(Prepared {
        params: Vec::new(),
        indexes,
    })
}

/// What kind of break an error is, from its SQLSTATE or the engine's own code and text.
pub fn kind(err: &DbError) -> &'static str {
    let state = err.sqlstate.as_deref().unwrap_or("");
    let native = err.native_code.as_deref().unwrap_or("");
    let msg = err.message.to_ascii_lowercase();
    match (state, native) {
        ("42703", _) | (_, "1054") => "missing column",
        ("42P01", _) | (_, "1146") => "missing table",
        ("42702", _) | (_, "1052") => "ambiguous column",
        ("42883", _) | (_, "1305") | (_, "1630") => "missing function or operator",
        ("42804" | "42846" | "22P02" | "42P18" | "42725", _) => "type mismatch",
        ("42501", _) | (_, "1142") | (_, "1143") => "permission",
        ("42601", _) | (_, "1064") => "syntax",
        _ if msg.contains("no such column") || msg.contains("has no column named") => {
            "missing column"
        }
        _ if msg.contains("no such table") => "missing table",
        _ if msg.contains("ambiguous column") => "ambiguous column",
        _ if msg.contains("no such function") => "missing function or operator",
        _ => "error",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn postgres_arrays_are_read() {
        assert_eq!(
            super::pg_array("{integer,\"character varying\",text}"),
            ["integer", "character varying", "text"]
        );
        assert!(super::pg_array("{}").is_empty());
    }
}
