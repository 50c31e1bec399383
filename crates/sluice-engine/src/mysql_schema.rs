//! Introspection of a MySQL / MariaDB database through `information_schema`, into the
//! same normalised snapshot model as PostgreSQL and SQLite: tables (columns in ordinal
//! order; primary key, foreign keys and checks sorted by name; engine, collation,
//! comment), indexes, views, triggers and routines (with a hash of the body). Names are
//! not qualified by the database, so two databases built by the same migrations compare
//! equal. sluice's own tables (`sluice_*`) are left out.

use mysql::Conn;
use mysql::prelude::Queryable;
use sha2::{Digest, Sha256};
use sluice_core::engine::DbError;
use sluice_core::schema::{SchemaObject, TableStats};

use crate::mysql::{map_error, quote_ident, text};

type Rows = Vec<Vec<Option<String>>>;

fn rows(conn: &mut Conn, sql: &str) -> Result<Rows, DbError> {
    let rows: Vec<mysql::Row> = conn.query(sql).map_err(|e| map_error(&e))?;
    Ok(rows
        .into_iter()
        .map(|r| r.unwrap().iter().map(text).collect())
        .collect())
}

fn s(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("")
}

fn quote_str(v: &str) -> String {
    format!("'{}'", v.replace('\\', "\\\\").replace('\'', "''"))
}

/// The snapshot of the current database; `own` is a LIKE pattern for sluice's tables.
pub fn snapshot(
    conn: &mut Conn,
    prefix: &str,
    mariadb: bool,
    stats: bool,
) -> Result<(Vec<SchemaObject>, Vec<TableStats>), DbError> {
    let own_prefix = format!("{prefix}_");
    let mut out = Vec::new();
    let tables = rows(
        conn,
        "SELECT TABLE_NAME, ENGINE, TABLE_COLLATION, TABLE_COMMENT, TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH \
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' \
         ORDER BY TABLE_NAME",
    )?;
    let tables: Rows = tables
        .into_iter()
        .filter(|t| !s(&t[0]).starts_with(&own_prefix))
        .collect();
    let columns = rows(
        conn,
        "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, GENERATION_EXPRESSION, \
         COLLATION_NAME, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
         ORDER BY TABLE_NAME, ORDINAL_POSITION",
    )?;
    let indexes = rows(
        conn,
        "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION, INDEX_TYPE \
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
    )?;
    let fks = rows(
        conn,
        "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, \
         r.UPDATE_RULE, r.DELETE_RULE FROM information_schema.KEY_COLUMN_USAGE k \
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA \
         AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME \
         WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
         ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    )?;
    // MariaDB names checks per table (CHECK_CONSTRAINTS has TABLE_NAME); MySQL per schema.
    let same_table = if mariadb {
        "AND k.TABLE_NAME = c.TABLE_NAME"
    } else {
        ""
    };
    let checks = rows(
        conn,
        &format!(
            "SELECT c.TABLE_NAME, c.CONSTRAINT_NAME, k.CHECK_CLAUSE FROM information_schema.TABLE_CONSTRAINTS c \
             JOIN information_schema.CHECK_CONSTRAINTS k ON k.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA \
             AND k.CONSTRAINT_NAME = c.CONSTRAINT_NAME {same_table} \
             WHERE c.TABLE_SCHEMA = DATABASE() AND c.CONSTRAINT_TYPE = 'CHECK' ORDER BY c.TABLE_NAME, c.CONSTRAINT_NAME"
        ),
    )?;
    let mut sizes = Vec::new();
    for t in &tables {
        let name = s(&t[0]);
        let mut lines: Vec<String> = columns
            .iter()
            .filter(|c| s(&c[0]) == name)
            .map(|c| {
                let mut l = format!("{} {}", quote_ident(s(&c[1])), s(&c[2]));
                if let Some(coll) = &c[7] {
                    l.push_str(&format!(" COLLATE {coll}"));
                }
                let generated = c[6].as_deref().filter(|g| !g.is_empty());
                if let Some(g) = generated {
                    let kind = if s(&c[5]).to_ascii_uppercase().contains("STORED") {
                        "STORED"
                    } else {
                        "VIRTUAL"
                    };
                    l.push_str(&format!(" GENERATED ALWAYS AS ({g}) {kind}"));
                }
                if s(&c[3]) == "NO" {
                    l.push_str(" NOT NULL");
                }
                if generated.is_none()
                    && let Some(d) = &c[4]
                {
                    l.push_str(&format!(" DEFAULT {d}"));
                }
                let extra = s(&c[5])
                    .split_whitespace()
                    .filter(|w| {
                        !["DEFAULT_GENERATED", "VIRTUAL", "STORED", "GENERATED"]
                            .contains(&w.to_ascii_uppercase().as_str())
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                if !extra.is_empty() {
                    l.push_str(&format!(" {}", extra.to_ascii_uppercase()));
                }
                if !s(&c[8]).is_empty() {
                    l.push_str(&format!(" COMMENT {}", quote_str(s(&c[8]))));
                }
                l
            })
            .collect();
        let pk: Vec<String> = indexes
            .iter()
            .filter(|i| s(&i[0]) == name && s(&i[1]) == "PRIMARY")
            .map(|p| index_part(p))
            .collect();
        if !pk.is_empty() {
            lines.push(format!("PRIMARY KEY ({})", pk.join(", ")));
        }
        let mut fk_names: Vec<&str> = fks
            .iter()
            .filter(|f| s(&f[0]) == name)
            .map(|f| s(&f[1]))
            .collect();
        fk_names.dedup();
        for fk in fk_names {
            let parts: Vec<&Vec<Option<String>>> = fks
                .iter()
                .filter(|f| s(&f[0]) == name && s(&f[1]) == fk)
                .collect();
            let cols: Vec<String> = parts.iter().map(|f| quote_ident(s(&f[2]))).collect();
            let refs: Vec<String> = parts.iter().map(|f| quote_ident(s(&f[4]))).collect();
            lines.push(format!(
                "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON UPDATE {} ON DELETE {}",
                quote_ident(fk),
                cols.join(", "),
                quote_ident(s(&parts[0][3])),
                refs.join(", "),
                s(&parts[0][5]),
                s(&parts[0][6]),
            ));
        }
        for c in checks.iter().filter(|c| s(&c[0]) == name) {
            lines.push(format!(
                "CONSTRAINT {} CHECK ({})",
                quote_ident(s(&c[1])),
                s(&c[2])
            ));
        }
        let mut def = format!("CREATE TABLE {} (\n", quote_ident(name));
        def.push_str(
            &lines
                .iter()
                .map(|l| format!("  {l}"))
                .collect::<Vec<_>>()
                .join(",\n"),
        );
        def.push_str(&format!("\n) ENGINE={} COLLATE={}", s(&t[1]), s(&t[2])));
        if !s(&t[3]).is_empty() {
            def.push_str(&format!(" COMMENT={}", quote_str(s(&t[3]))));
        }
        def.push(';');
        out.push(SchemaObject {
            kind: "table".into(),
            name: name.to_string(),
            definition: def,
        });
        // Indexes other than the primary key, one object each.
        let mut names: Vec<&str> = indexes
            .iter()
            .filter(|i| s(&i[0]) == name && s(&i[1]) != "PRIMARY")
            .map(|i| s(&i[1]))
            .collect();
        names.dedup();
        for idx in names {
            let parts: Vec<&Vec<Option<String>>> = indexes
                .iter()
                .filter(|i| s(&i[0]) == name && s(&i[1]) == idx)
                .collect();
            let unique = if s(&parts[0][2]) == "0" {
                "UNIQUE "
            } else {
                ""
            };
            let kind = s(&parts[0][6]);
            let (prefix, using) = match kind {
                "FULLTEXT" | "SPATIAL" => (format!("{kind} "), String::new()),
                "" => (String::new(), String::new()),
                other => (String::new(), format!(" USING {other}")),
            };
            let cols: Vec<String> = parts.iter().map(|p| index_part(p)).collect();
            out.push(SchemaObject {
                kind: "index".into(),
                name: format!("{name}.{idx}"),
                definition: format!(
                    "CREATE {unique}{prefix}INDEX {} ON {} ({}){using};",
                    quote_ident(idx),
                    quote_ident(name),
                    cols.join(", ")
                ),
            });
        }
        if stats {
            sizes.push(TableStats {
                table: name.to_string(),
                rows_estimate: t[4].as_deref().and_then(|v| v.parse().ok()).unwrap_or(-1),
                bytes: t[5].as_deref().and_then(|v| v.parse().ok()).unwrap_or(0),
            });
        }
    }
    // A view's body names its tables with the database (`db`.`t`): drop that, so the same
    // view in two databases reads the same.
    let db: Option<String> = conn
        .query_first("SELECT DATABASE()")
        .map_err(|e| map_error(&e))?;
    let db_prefix = db.map(|d| format!("{}.", quote_ident(&d)));
    for v in rows(
        conn,
        "SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, SECURITY_TYPE FROM information_schema.VIEWS \
         WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
    )? {
        let body = match &db_prefix {
            Some(p) => s(&v[1]).replace(p.as_str(), ""),
            None => s(&v[1]).to_string(),
        };
        out.push(SchemaObject {
            kind: "view".into(),
            name: s(&v[0]).to_string(),
            definition: format!(
                "CREATE SQL SECURITY {} VIEW {} AS {}{};",
                s(&v[3]),
                quote_ident(s(&v[0])),
                body,
                match s(&v[2]) {
                    "NONE" | "" => String::new(),
                    o => format!(" WITH {o} CHECK OPTION"),
                }
            ),
        });
    }
    for t in rows(
        conn,
        "SELECT TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_ORIENTATION, ACTION_STATEMENT \
         FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY TRIGGER_NAME",
    )? {
        let table = s(&t[3]);
        if table.starts_with(&own_prefix) {
            continue;
        }
        out.push(SchemaObject {
            kind: "trigger".into(),
            name: format!("{table}.{}", s(&t[0])),
            definition: format!(
                "CREATE TRIGGER {} {} {} ON {} FOR EACH {} {};",
                quote_ident(s(&t[0])),
                s(&t[1]),
                s(&t[2]),
                quote_ident(table),
                s(&t[4]),
                s(&t[5])
            ),
        });
    }
    let params = rows(
        conn,
        "SELECT SPECIFIC_NAME, ROUTINE_TYPE, PARAMETER_MODE, PARAMETER_NAME, DTD_IDENTIFIER FROM information_schema.PARAMETERS \
         WHERE SPECIFIC_SCHEMA = DATABASE() AND ORDINAL_POSITION > 0 ORDER BY SPECIFIC_NAME, ORDINAL_POSITION",
    )?;
    for r in rows(
        conn,
        "SELECT ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, IS_DETERMINISTIC, SQL_DATA_ACCESS, SECURITY_TYPE, ROUTINE_DEFINITION \
         FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY ROUTINE_TYPE, ROUTINE_NAME",
    )? {
        let name = s(&r[0]);
        let kind = s(&r[1]).to_ascii_lowercase();
        let args: Vec<String> = params
            .iter()
            .filter(|p| s(&p[0]) == name && s(&p[1]).eq_ignore_ascii_case(&kind))
            .map(|p| {
                let mode = if kind == "procedure" {
                    format!("{} ", s(&p[2]))
                } else {
                    String::new()
                };
                format!("{mode}{} {}", quote_ident(s(&p[3])), s(&p[4]))
            })
            .collect();
        let returns = if kind == "function" {
            format!(" RETURNS {}", s(&r[2]))
        } else {
            String::new()
        };
        let body_hash = Sha256::digest(s(&r[6]).as_bytes());
        let hex: String = body_hash.iter().map(|b| format!("{b:02x}")).collect();
        out.push(SchemaObject {
            kind: kind.clone(),
            name: name.to_string(),
            definition: format!(
                "CREATE {} {}({}){returns}{} {} SQL SECURITY {} -- body sha256:{};",
                kind.to_ascii_uppercase(),
                quote_ident(name),
                args.join(", "),
                if s(&r[3]) == "YES" {
                    " DETERMINISTIC"
                } else {
                    ""
                },
                s(&r[4]),
                s(&r[5]),
                &hex[..16]
            ),
        });
    }
    Ok((out, sizes))
}

fn index_part(p: &[Option<String>]) -> String {
    let mut part = quote_ident(s(&p[3]));
    if let Some(len) = &p[4] {
        part.push_str(&format!("({len})"));
    }
    if s(&p[5]) == "D" {
        part.push_str(" DESC");
    }
    part
}
