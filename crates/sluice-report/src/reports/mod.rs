//! The four reports a reviewer reads, written from the files and the databases: the
//! pending changes (`pending`), the runbook with its verdict (`runbook`), the migration
//! log (`log`) and the status across environments (`status`).
//!
//! Each report is a serialisable struct (its JSON form, with a `schema_version`) built
//! from the same data `plan`, `status` and `verify` show, and a [`Doc`] built from that
//! struct for text, Markdown and HTML. Nothing here reads a database.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sluice_core::engine::{EventRow, Record};
use sluice_core::file::Risk;
use sluice_core::gates::Gate;
use sluice_core::lint::Report;
use sluice_core::run::CheckResult;
use sluice_core::time::display as show_time;
use sluice_core::{Migration, State};
use sluice_lint::estimate::human_seconds;
use sluice_lint::{Effects, Object};
use sluice_sql::parse::ObjectKind;

mod log;
mod pending;
mod runbook;
mod status;

pub use log::*;
pub use pending::*;
pub use runbook::*;
pub use status::*;

use crate::doc::Doc;
use crate::{PlanDoc, SCHEMA_VERSION, StatusDoc, Target};

/// `low`, `medium`, `high`.
pub fn risk_word(r: Risk) -> &'static str {
    match r {
        Risk::Low => "low",
        Risk::Medium => "medium",
        Risk::High => "high",
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes".into() } else { "no".into() }
}

/// An object created, altered or dropped.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectRef {
    /// `table`, `column`, `index`, `type`, `function`, `policy`, …
    pub kind: &'static str,
    /// Its name (`table.column` for a column).
    pub name: String,
    /// What else a reviewer wants to know (`unique, partial, on boms (listing_id)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl From<&Object> for ObjectRef {
    fn from(o: &Object) -> ObjectRef {
        ObjectRef {
            kind: o.kind.as_str(),
            name: o.name.clone(),
            detail: o.detail.clone(),
        }
    }
}

impl ObjectRef {
    fn line(&self) -> String {
        match &self.detail {
            Some(d) => format!("{} `{}` ({d})", self.kind, self.name),
            None => format!("{} `{}`", self.kind, self.name),
        }
    }
}

/// A foreign key a migration adds.
#[derive(Clone, Debug, Serialize)]
pub struct ForeignKeyRef {
    /// `table (columns)`.
    pub from: String,
    /// `table (columns)`.
    pub to: String,
    /// `CASCADE`, `SET NULL`, `RESTRICT`, …; `NO ACTION` when not written.
    pub on_delete: String,
}

/// A statement that destroys data.
#[derive(Clone, Debug, Serialize)]
pub struct Destructive {
    /// Line in the file.
    pub line: usize,
    /// What it destroys.
    pub what: String,
}

/// A statement that changes rows (a data migration).
#[derive(Clone, Debug, Serialize)]
pub struct DataChange {
    /// The migration.
    pub migration: String,
    /// Line in the file.
    pub line: usize,
    /// `INSERT`, `UPDATE`, `DELETE`, …
    pub kind: String,
    /// Its first line.
    pub statement: String,
}

/// The objects, keys, locks and destruction of one migration's `up`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Changes {
    /// Created.
    pub created: Vec<ObjectRef>,
    /// Altered.
    pub altered: Vec<ObjectRef>,
    /// Dropped.
    pub dropped: Vec<ObjectRef>,
    /// Foreign keys added.
    pub foreign_keys: Vec<ForeignKeyRef>,
    /// Statements that destroy data.
    pub destructive: Vec<Destructive>,
    /// `line N: MODE on table`.
    pub locks: Vec<String>,
    /// Statements that change rows.
    pub data_changes: Vec<DataChange>,
}

fn cols(t: &impl std::fmt::Display, c: &[String]) -> String {
    if c.is_empty() {
        t.to_string()
    } else {
        format!("{t} ({})", c.join(", "))
    }
}

impl Changes {
    /// From a migration and its analysis.
    pub fn of(m: &Migration, r: &Report) -> Changes {
        let mut c = Changes::default();
        for (i, s) in m.up.statements.iter().enumerate() {
            let Some(fx) = r.statements.get(i).and_then(|a| a.effects.as_ref()) else {
                continue;
            };
            c.created.extend(fx.created.iter().map(ObjectRef::from));
            // `CREATE OR REPLACE FUNCTION | VIEW` creates it, or replaces the one there.
            let replaces = fx.kind.starts_with("CREATE");
            for o in fx
                .altered
                .iter()
                .filter(|o| replaces && o.kind != ObjectKind::Table)
            {
                let mut r = ObjectRef::from(o);
                r.detail = Some(match r.detail {
                    Some(d) => format!("{d}, or replace"),
                    None => "or replace".into(),
                });
                c.created.push(r);
            }
            for o in fx
                .altered
                .iter()
                .filter(|o| !replaces || o.kind == ObjectKind::Table)
            {
                // A table altered because an object was created on it is shown once.
                let r = ObjectRef::from(o);
                if !c
                    .altered
                    .iter()
                    .any(|a| a.kind == r.kind && a.name == r.name)
                {
                    c.altered.push(r);
                }
            }
            c.dropped.extend(fx.dropped.iter().map(ObjectRef::from));
            c.foreign_keys
                .extend(fx.foreign_keys.iter().map(|k| ForeignKeyRef {
                    from: cols(&k.table, &k.columns),
                    to: cols(&k.references, &k.ref_columns),
                    on_delete: k.on_delete.clone().unwrap_or_else(|| "NO ACTION".into()),
                }));
            if fx.data_loss {
                c.destructive.push(Destructive {
                    line: s.line,
                    what: sluice_sql::destructive(&s.sql).unwrap_or_else(|| fx.kind.clone()),
                });
            }
            for l in &fx.locks {
                c.locks.push(format!(
                    "line {}: {} on {}{}",
                    s.line,
                    l.mode,
                    if l.via_index {
                        "the table of index "
                    } else {
                        ""
                    },
                    l.table
                ));
            }
            if sluice_sql::is_data_change(&s.sql) {
                c.data_changes.push(DataChange {
                    migration: m.id.to_string(),
                    line: s.line,
                    kind: fx.kind.clone(),
                    statement: first_line(&s.sql),
                });
            }
        }
        // Tables created here are not also "altered" by their own indexes.
        let created: BTreeSet<(&str, String)> =
            c.created.iter().map(|o| (o.kind, o.name.clone())).collect();
        c.altered
            .retain(|o| !created.contains(&(o.kind, o.name.clone())));
        c
    }
}

/// The first line of code of a statement, cut at 100 characters.
fn first_line(sql: &str) -> String {
    let l = sql
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("--"))
        .unwrap_or("");
    if l.chars().count() > 100 {
        format!("{}…", l.chars().take(99).collect::<String>())
    } else {
        l.to_string()
    }
}

/// A check's name: its first comment line, else its first line of code.
pub fn check_name(sql: &str) -> String {
    sql.lines()
        .map(str::trim)
        .find_map(|l| {
            l.strip_prefix("--")
                .map(str::trim)
                .filter(|c| !c.is_empty() && !c.starts_with("expect:"))
        })
        .map(str::to_string)
        .unwrap_or_else(|| first_line(sql))
}

/// A statement's SQL without its leading comment lines.
fn code_of(sql: &str) -> String {
    let lines: Vec<&str> = sql.lines().collect();
    let start = lines
        .iter()
        .position(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with("--")
        })
        .unwrap_or(lines.len());
    lines[start..].join("\n")
}

/// A section's statements as one script.
fn script(stmts: &[sluice_core::file::Stmt]) -> String {
    stmts
        .iter()
        .map(|s| format!("{};", s.sql.trim_end().trim_end_matches(';')))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// What a migration's `down` section destroys: one entry per destructive statement.
fn down_destroys(m: &Migration) -> Vec<String> {
    m.down
        .iter()
        .flat_map(|d| &d.statements)
        .filter_map(|s| sluice_sql::destructive(&s.sql))
        .collect()
}

/// `url (server)`, or that the database does not exist yet.
fn database_line(t: &Target) -> String {
    match &t.server {
        Some(s) => format!("{} ({s})", t.database),
        None => format!("{} (does not exist yet)", t.database),
    }
}

fn target_fields(doc: &mut Doc, t: &Target, generated_at: &str) {
    doc.fields(vec![
        ("Environment", t.environment.clone()),
        ("Database", database_line(t)),
        ("Generated", generated_at.to_string()),
    ]);
}

/// Adds the tables a statement creates to `created`.
fn note_created(fx: &Effects, created: &mut BTreeSet<String>) {
    for o in fx.created.iter().filter(|o| o.kind == ObjectKind::Table) {
        let bare = o.name.rsplit('.').next().unwrap_or(&o.name);
        created.insert(bare.to_lowercase());
    }
}

/// Why a statement stops traffic on a table that existed before the plan, if it does.
fn blocks_existing(fx: &Effects, created: &BTreeSet<String>) -> Option<String> {
    let busy: Vec<&sluice_sql::parse::Name> = fx
        .rewrites
        .iter()
        .chain(&fx.scans)
        .chain(&fx.builds)
        .collect();
    fx.locks
        .iter()
        .filter(|l| !l.via_index && l.mode.blocks_writes())
        .filter(|l| !created.contains(&l.table.name.to_lowercase()))
        .find(|l| {
            busy.iter()
                .any(|t| t.name.eq_ignore_ascii_case(&l.table.name))
        })
        .map(|l| {
            format!(
                "{} holds {} on {} while it {} the table",
                fx.kind,
                l.mode,
                l.table,
                if fx.rewrites.iter().any(|t| t == &l.table) {
                    "rewrites"
                } else {
                    "reads"
                }
            )
        })
}

#[cfg(test)]
mod tests {
    use super::runbook::diagram;
    use super::status::millis;
    use super::*;

    #[test]
    fn timestamps_to_millis() {
        assert_eq!(millis("1970-01-01T00:00:00.000Z"), Some(0));
        assert_eq!(millis("2000-03-01T00:00:01.500Z"), Some(951_868_801_500));
        assert_eq!(
            millis("2026-11-22T04:34:49.120Z").unwrap()
                - millis("2026-11-21T23:59:59.000Z").unwrap(),
            ((4 * 60 + 34) * 60 + 50) * 1000 + 120
        );
    }

    #[test]
    fn check_names_come_from_their_comment() {
        assert_eq!(
            check_name("-- 4.1 One-active-BOM invariant\n-- expect: rows 1\nSELECT 1"),
            "4.1 One-active-BOM invariant"
        );
        assert_eq!(check_name("-- expect: ok\nSELECT 1"), "SELECT 1");
        assert_eq!(code_of("-- a\n-- b\nSELECT 1\nFROM t"), "SELECT 1\nFROM t");
    }

    #[test]
    fn the_diagram_is_a_closed_box() {
        let step = RunbookStep {
            id: "001_a".into(),
            state: State::Pending,
            requires: Vec::new(),
            creates: (0..12).map(|i| format!("table_number_{i}")).collect(),
            modifies: vec!["listings (add marketplace_id)".into()],
            depends_on: vec!["listings".into()],
            checks: Vec::new(),
        };
        let d = diagram(&[step]);
        let widths: BTreeSet<usize> = d.lines().map(|l| l.chars().count()).collect();
        assert_eq!(widths.len(), 1, "{d}");
        assert!(d.contains("└─► Creates: table_number_0,"), "{d}");
        assert!(
            d.contains("└─► Modifies: listings (add marketplace_id)"),
            "{d}"
        );
    }
}
