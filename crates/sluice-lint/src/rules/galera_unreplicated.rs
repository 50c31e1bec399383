//! Rule `galera-unreplicated`: see the doc comment of [`RULE`].

use crate::{Cx, Hit, MY, Severity};
use sluice_sql::parse::{ConstraintKind, Stmt};

crate::rule! {
    /// On a MariaDB Galera cluster (connected to a node, or `[lint] galera = true`), flags
    /// what Galera does not replicate, or replicates badly: a table in a non-transactional
    /// engine (`ENGINE=MyISAM`, `Aria`, `MEMORY`, …), `LOCK TABLES`, a table without a
    /// primary key, and `GET_LOCK()` in a migration.
    ///
    /// **Why it is dangerous.** Galera replicates InnoDB write sets only: rows written to a
    /// MyISAM or Aria table stay on the node that wrote them, and the nodes drift apart.
    /// `LOCK TABLES` and `GET_LOCK()` lock one node, not the cluster. Rows of a table
    /// without a primary key are found by a full scan on every node for every replicated
    /// `UPDATE` or `DELETE`, and such tables can make nodes diverge.
    ///
    /// **Instead.** `ENGINE=InnoDB`; a primary key on every table; no explicit locks (sluice
    /// takes the cluster-wide migration lock itself).
    ///
    /// ```sql
    /// -- flagged (on a Galera node)
    /// CREATE TABLE audit (at DATETIME, what TEXT) ENGINE=MyISAM;
    /// ```
    pub static RULE = Rule {
        id: "galera-unreplicated",
        severity: Severity::High,
        dialects: MY,
        default_on: true,
        why: "Galera replicates InnoDB write sets only: non-InnoDB tables stay on one node, LOCK TABLES and GET_LOCK lock one node, and tables without a primary key replicate by full scans",
        instead: "ENGINE=InnoDB and a primary key on every table; no explicit locks (sluice takes the cluster-wide migration lock)",
        check: check,
    };
}

/// Engines whose writes Galera does not replicate.
const NOT_REPLICATED: [&str; 7] = [
    "myisam", "aria", "memory", "heap", "csv", "archive", "merge",
];

/// The storage engine an `ENGINE = x` clause of `sql` names, lower-case.
fn engine_clause(sql: &str) -> Option<String> {
    let lower = sql.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("engine") {
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let end = at + "engine".len();
        let whole = (at == 0 || !word(rest.as_bytes()[at - 1]))
            && rest.as_bytes().get(end).is_none_or(|b| !word(*b));
        let after = rest[end..].trim_start();
        rest = &rest[end..];
        if !whole {
            continue;
        }
        let after = after.strip_prefix('=').map_or(after, str::trim_start);
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            return Some(name);
        }
    }
    None
}

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if !cx.options.galera {
        return;
    }
    let code = cx.sql.to_ascii_lowercase();
    match cx.stmt {
        Stmt::CreateTable {
            name,
            columns,
            constraints,
            copies,
            ..
        } => {
            let has_key = columns.iter().any(|c| c.primary_key)
                || constraints
                    .iter()
                    .any(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }));
            if !has_key && !columns.is_empty() && !copies {
                out.push(
                    Hit::new(format!(
                        "table {name} has no primary key: Galera finds its rows by full scans on every node"
                    ))
                    .mark("TABLE"),
                );
            }
        }
        Stmt::Lock { .. } => {
            out.push(Hit::new("LOCK TABLES locks one node, not the cluster").mark("LOCK"));
        }
        _ => {}
    }
    if matches!(cx.stmt, Stmt::CreateTable { .. } | Stmt::AlterTable { .. })
        && let Some(engine) = engine_clause(cx.sql)
        && NOT_REPLICATED.contains(&engine.as_str())
    {
        out.push(
            Hit::new(format!(
                "ENGINE={engine}: Galera does not replicate its rows; the nodes drift apart"
            ))
            .mark("ENGINE"),
        );
    }
    if code.contains("get_lock(") {
        out.push(Hit::new("GET_LOCK() locks one node, not the cluster").mark("GET_LOCK"));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn engine_clauses() {
        use super::engine_clause;
        assert_eq!(
            engine_clause("CREATE TABLE t (x INT) ENGINE=MyISAM").as_deref(),
            Some("myisam")
        );
        assert_eq!(
            engine_clause("create table t (x int) engine = Aria").as_deref(),
            Some("aria")
        );
        assert_eq!(engine_clause("CREATE TABLE t (engine_id INT)"), None);
        assert_eq!(engine_clause("CREATE TABLE t (x INT)"), None);
    }
}
