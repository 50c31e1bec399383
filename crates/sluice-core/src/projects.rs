//! Sqitch's requirements across projects (`other_project:change`) when several projects
//! migrate one database. Each sluice project keeps its own state there (a Sqitch
//! project's defaults to `sluice_<project>`); the runs record, in the details of each
//! Sqitch change's `applied` (or adopted) event, its project and the changes of other
//! projects it requires. From those, and from Sqitch's own registry for changes sluice does
//! not manage, sluice answers what Sqitch answers: is `project:change` deployed here, and
//! which deployed changes of other projects still require it.

use std::collections::BTreeSet;

use sluice_sql::Dialect;

use crate::engine::{DbError, Engine};
use crate::file::Migration;
use crate::layout::Layout;
use crate::testdata::quote;

/// A change deployed in this database, as far as other projects are concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployed {
    /// Its Sqitch project.
    pub project: String,
    /// The change (a reworked one's earlier version as `change@tag`).
    pub change: String,
    /// Changes of other projects it requires (`project:change[@tag]`).
    pub requires: Vec<String>,
    /// Where this is known from: `sluice state <name>` or `Sqitch's registry`.
    pub source: String,
}

impl Deployed {
    /// Whether this is `change` (any version of it) of `project`.
    fn is(&self, project: &str, change: &str) -> bool {
        self.project == project && name_of(&self.change) == name_of(change)
    }
}

/// A change's name without `@tag`.
fn name_of(change: &str) -> &str {
    change.split('@').next().unwrap_or(change)
}

/// The details a Sqitch change's `applied` or adopted event carries; `None` for others.
pub fn event_details(m: &Migration) -> Option<serde_json::Value> {
    let o = m.origin.as_ref().filter(|o| o.layout == Layout::Sqitch)?;
    Some(serde_json::json!({
        "project": o.project,
        "requires": o.external_requires,
    }))
}

/// The default state of a Sqitch project: `sluice_<project>` (lower case, other characters
/// as `_`, at most 40 characters), so two projects in one database keep apart.
pub fn default_state(project: &str) -> String {
    let mut s: String = project
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    s.truncate(33);
    format!("sluice_{s}")
}

/// Every sluice state in the database: (name, migrations table, events table).
fn states(engine: &mut dyn Engine) -> Result<Vec<(String, String, String)>, DbError> {
    let d = engine.info().dialect;
    Ok(match d {
        Dialect::Sqlite => prefixed(
            engine,
            d,
            "SELECT name FROM sqlite_master WHERE type = 'table'",
        )?,
        Dialect::Postgres => engine
            .query_rows(
                "SELECT n.nspname FROM pg_namespace n \
                 WHERE EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relname = 'migrations') \
                   AND EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relname = 'events') \
                   AND EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relname = 'lock') \
                 ORDER BY 1",
            )?
            .into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .map(|s| {
                let m = format!("{}.migrations", quote(d, &s));
                let e = format!("{}.events", quote(d, &s));
                (s, m, e)
            })
            .collect(),
        Dialect::MySql => prefixed(
            engine,
            d,
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
        )?,
    })
}

/// The states kept as prefixed tables (MySQL/MariaDB, SQLite): every `<p>_events` with its
/// `<p>_migrations` and `<p>_lock`, from the table names `list` reads.
fn prefixed(
    engine: &mut dyn Engine,
    d: Dialect,
    list: &str,
) -> Result<Vec<(String, String, String)>, DbError> {
    let tables: BTreeSet<String> = engine
        .query_rows(list)?
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect();
    Ok(tables
        .iter()
        .filter_map(|t| t.strip_suffix("_events"))
        .filter(|p| {
            tables.contains(&format!("{p}_migrations")) && tables.contains(&format!("{p}_lock"))
        })
        .map(|p| {
            (
                p.to_string(),
                quote(d, &format!("{p}_migrations")),
                quote(d, &format!("{p}_events")),
            )
        })
        .collect())
}

/// The Sqitch changes deployed in this database: those sluice applied or adopted (any
/// state), then those only Sqitch's registry (`sqitch.changes`) knows of.
pub fn deployed(engine: &mut dyn Engine) -> Result<Vec<Deployed>, DbError> {
    let d = engine.info().dialect;
    let mut out = Vec::new();
    // (project, change) that sluice has a row for, applied or not: sluice manages them.
    let mut managed: BTreeSet<(String, String)> = BTreeSet::new();
    for (name, migrations, events) in states(engine)? {
        let details = if d == Dialect::Postgres {
            "e.details::text"
        } else {
            "e.details"
        };
        let rows = engine.query_rows(&format!(
            "SELECT m.id, m.state, {details} FROM {migrations} m JOIN {events} e ON e.migration_id = m.id \
             WHERE {details} LIKE '%\"sqitch\"%' ORDER BY e.seq"
        ))?;
        let mut seen = BTreeSet::new();
        for r in rows {
            let (Some(id), Some(state), Some(text)) = (r[0].clone(), r[1].clone(), r[2].clone())
            else {
                continue;
            };
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            let s = &v["sqitch"];
            let Some(project) = s["project"].as_str() else {
                continue;
            };
            managed.insert((project.to_string(), name_of(&id).to_string()));
            if state != "applied" || !seen.insert(id.clone()) {
                continue;
            }
            out.push(Deployed {
                project: project.to_string(),
                change: id,
                requires: s["requires"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
                source: format!("sluice state {name}"),
            });
        }
    }
    if let Some(rows) = sqitch_registry(engine, d)? {
        let mut by_change: Vec<Deployed> = Vec::new();
        for r in rows {
            let (Some(project), Some(change)) = (r[0].clone(), r[1].clone()) else {
                continue;
            };
            if managed.contains(&(project.clone(), name_of(&change).to_string())) {
                continue;
            }
            let dep = r[2].clone();
            match by_change
                .iter_mut()
                .find(|x| x.project == project && x.change == change)
            {
                Some(x) => x.requires.extend(dep),
                None => by_change.push(Deployed {
                    project,
                    change,
                    requires: dep.into_iter().collect(),
                    source: "Sqitch's registry".into(),
                }),
            }
        }
        out.extend(by_change);
    }
    Ok(out)
}

/// Sqitch's deployed changes with their requirements on other projects, when its registry
/// is in this database (`sqitch.changes`, `sqitch.dependencies`).
fn sqitch_registry(
    engine: &mut dyn Engine,
    d: Dialect,
) -> Result<Option<Vec<Vec<Option<String>>>>, DbError> {
    let exists = match d {
        Dialect::Postgres => {
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'sqitch' AND c.relname IN ('changes', 'dependencies')"
        }
        Dialect::MySql => {
            "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'sqitch' AND TABLE_NAME IN ('changes', 'dependencies')"
        }
        Dialect::Sqlite => return Ok(None),
    };
    let n = engine.query_rows(exists)?;
    if n.first().and_then(|r| r[0].as_deref()) != Some("2") {
        return Ok(None);
    }
    engine
        .query_rows(
            "SELECT c.project, c.change, d.dependency FROM sqitch.changes c \
             LEFT JOIN sqitch.dependencies d ON d.change_id = c.change_id AND d.type = 'require' AND d.dependency LIKE '%:%' \
             ORDER BY c.committed_at",
        )
        .map(Some)
}

/// Whether `requirement` (`project:change[@tag]`) is among `deployed`.
pub fn is_deployed(deployed: &[Deployed], requirement: &str) -> bool {
    let (project, change) = requirement.split_once(':').unwrap_or(("", requirement));
    deployed.iter().any(|x| x.is(project, change))
}

/// The deployed changes of other projects that require `change` of `project`, named
/// `project:change (source)`.
pub fn dependents(deployed: &[Deployed], project: &str, change: &str) -> Vec<String> {
    deployed
        .iter()
        .filter(|x| x.project != project)
        .filter(|x| {
            x.requires.iter().any(|r| {
                let (p, c) = r.split_once(':').unwrap_or(("", r));
                p == project && name_of(c) == name_of(change)
            })
        })
        .map(|x| format!("{}:{} ({})", x.project, x.change, x.source))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(project: &str, change: &str, requires: &[&str]) -> Deployed {
        Deployed {
            project: project.into(),
            change: change.into(),
            requires: requires.iter().map(|s| s.to_string()).collect(),
            source: "sluice state x".into(),
        }
    }

    #[test]
    fn requirements_match_by_project_and_change_name() {
        let d = vec![
            dep("flipr", "users@v1.0", &[]),
            dep("social", "likes", &["flipr:users@v1.0", "flipr:posts"]),
        ];
        assert!(is_deployed(&d, "flipr:users"));
        assert!(!is_deployed(&d, "flipr:posts"));
        assert!(!is_deployed(&d, "other:users"));
        assert_eq!(
            dependents(&d, "flipr", "users"),
            ["social:likes (sluice state x)"]
        );
        assert!(dependents(&d, "social", "likes").is_empty());
        assert_eq!(default_state("Flipr-Social"), "sluice_flipr_social");
    }
}
