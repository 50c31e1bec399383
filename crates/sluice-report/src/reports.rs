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
use sluice_sql::lint::estimate::human_seconds;
use sluice_sql::lint::{Effects, Object};
use sluice_sql::parse::ObjectKind;

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

// ---------------------------------------------------------------------------------------
// pending
// ---------------------------------------------------------------------------------------

/// `sluice report pending`: the migrations pending in an environment, for review.
#[derive(Clone, Debug, Serialize)]
pub struct PendingReport {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `pending`.
    pub report: &'static str,
    /// When it was written (UTC).
    pub generated_at: String,
    /// Where.
    #[serde(flatten)]
    pub target: Target,
    /// The summary.
    pub summary: PendingSummary,
    /// Per migration, in the order `up` applies them.
    pub migrations: Vec<PendingMigration>,
    /// Pending migrations that do not run in this environment.
    pub skipped: Vec<String>,
    /// The environment's gates for this run.
    pub gates: Vec<Gate>,
    /// Statements that change rows.
    pub data_migration: Vec<DataChange>,
    /// How each migration is rolled back, newest first.
    pub rollback_plan: Vec<RollbackStep>,
}

/// The summary of `pending`.
#[derive(Clone, Debug, Serialize)]
pub struct PendingSummary {
    /// Migrations pending here.
    pub count: usize,
    /// The highest risk of them (the header's claim or the analysis, whichever is higher).
    pub risk: Risk,
    /// Estimated duration of their DDL from the live table sizes, seconds (0 when no size
    /// is known).
    pub estimated_seconds: f64,
    /// Whether some statement's duration could be estimated.
    pub estimated: bool,
    /// Something existing is dropped, renamed or retyped.
    pub breaking_changes: bool,
    /// Why.
    pub breaking: Vec<String>,
    /// Some statement changes rows.
    pub data_migration: bool,
    /// Some statement blocks writes on an existing table while it reads or rewrites it.
    pub downtime_expected: bool,
    /// Why.
    pub downtime: Vec<String>,
    /// Migrations with a `down` section.
    pub down_scripts: usize,
    /// Migrations marked irreversible.
    pub irreversible: Vec<String>,
    /// The environment takes a backup before `up`.
    pub backup: bool,
}

/// One migration of `pending`.
#[derive(Clone, Debug, Serialize)]
pub struct PendingMigration {
    /// Id.
    pub id: String,
    /// File.
    pub file: String,
    /// `author`.
    pub author: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// The header's claim.
    pub claimed_risk: Option<Risk>,
    /// What the analysis finds.
    pub analysed_risk: Risk,
    /// The higher of the two.
    pub risk: Risk,
    /// The findings behind it: `rule (severity, line N): message`.
    pub reasons: Vec<String>,
    /// What it creates, alters, drops, locks and destroys.
    #[serde(flatten)]
    pub changes: Changes,
    /// Estimated duration, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_seconds: Option<f64>,
    /// Runs in one transaction.
    pub transaction: bool,
    /// The gates about this migration.
    pub gates: Vec<Gate>,
}

/// How one migration is rolled back.
#[derive(Clone, Debug, Serialize)]
pub struct RollbackStep {
    /// The migration.
    pub migration: String,
    /// `down` statements (0 when irreversible).
    pub statements: usize,
    /// `sluice down …`, or what to do instead.
    pub how: String,
    /// The `down` section destroys data (typically what `up` created).
    pub destroys: Vec<String>,
}

/// What the `pending` report reads.
#[derive(Debug)]
pub struct PendingInput<'a> {
    /// When.
    pub generated_at: String,
    /// `plan`'s document for the same run: the same items the terminal shows.
    pub plan: &'a PlanDoc,
    /// The migrations of the plan, in order.
    pub migrations: &'a [&'a Migration],
    /// Their analyses.
    pub reports: &'a [Report],
    /// The environment takes a backup before `up`.
    pub backup: bool,
}

impl PendingReport {
    /// Builds the report.
    pub fn new(i: PendingInput<'_>) -> PendingReport {
        let mut created_in_plan: BTreeSet<String> = BTreeSet::new();
        let mut migrations = Vec::new();
        let (mut breaking, mut downtime, mut data, mut rollback) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut total = 0.0;
        let mut estimated = false;
        for ((m, r), item) in i.migrations.iter().zip(i.reports).zip(&i.plan.migrations) {
            let changes = Changes::of(m, r);
            for o in &changes.dropped {
                if !matches!(o.kind, "index" | "constraint" | "trigger" | "policy") {
                    breaking.push(format!("{}: drops {} {}", m.id, o.kind, o.name));
                }
            }
            for f in r.findings.iter().filter(|f| f.allowed.is_none()) {
                if sluice_sql::lint::Rule::by_id(f.rule).is_some_and(|r| r.breaking) {
                    breaking.push(format!("{}: line {}: {}", m.id, f.line, f.message));
                }
            }
            for (a, s) in r.statements.iter().zip(&m.up.statements) {
                let Some(fx) = &a.effects else { continue };
                if let Some(e) = &a.estimate {
                    total += e.seconds;
                    estimated = true;
                }
                if let Some(why) = blocks_existing(fx, &created_in_plan) {
                    downtime.push(format!("{}: line {}: {why}", m.id, s.line));
                }
                note_created(fx, &mut created_in_plan);
            }
            created_in_plan.extend(r.created_tables.iter().map(|n| n.name.to_lowercase()));
            data.extend(changes.data_changes.iter().cloned());
            rollback.push(RollbackStep {
                migration: m.id.to_string(),
                statements: m.down.as_ref().map_or(0, |d| d.statements.len()),
                how: match &m.down {
                    Some(_) => format!("sluice down --to {}", m.id),
                    None => "irreversible: restore the backup taken before the run".into(),
                },
                destroys: down_destroys(m),
            });
            let seconds: f64 = r
                .statements
                .iter()
                .filter_map(|a| a.estimate.as_ref().map(|e| e.seconds))
                .sum();
            migrations.push(PendingMigration {
                id: m.id.to_string(),
                file: item.file.clone(),
                author: m.meta.author.clone(),
                description: m.meta.description.clone(),
                claimed_risk: m.meta.risk,
                analysed_risk: item.analysed_risk,
                // Destroying data is high risk whatever the table's size.
                risk: m
                    .meta
                    .risk
                    .unwrap_or(Risk::Low)
                    .max(item.analysed_risk)
                    .max(if changes.destructive.is_empty() {
                        Risk::Low
                    } else {
                        Risk::High
                    }),
                reasons: item
                    .findings
                    .iter()
                    .filter(|f| f.allowed.is_none())
                    .map(|f| {
                        format!(
                            "{} ({}, line {}): {}",
                            f.rule, f.severity, f.line, f.message
                        )
                    })
                    .chain(
                        changes
                            .destructive
                            .iter()
                            .map(|x| format!("destroys data (high, line {}): {}", x.line, x.what)),
                    )
                    .collect(),
                changes,
                estimated_seconds: r
                    .statements
                    .iter()
                    .any(|a| a.estimate.is_some())
                    .then_some(seconds),
                transaction: m.meta.transaction,
                gates: i
                    .plan
                    .gates
                    .iter()
                    .filter(|g| g.migration.as_deref() == Some(m.id.as_str()))
                    .cloned()
                    .collect(),
            });
        }
        // The rollback plan runs newest first; each step's `down --to` names the
        // migration before it.
        rollback.reverse();
        for k in 0..rollback.len() {
            if rollback[k].statements > 0 {
                let before = rollback.get(k + 1).map(|s| s.migration.clone());
                rollback[k].how = match before {
                    Some(b) => format!("sluice down --to {b}"),
                    None => "sluice down --count 1".into(),
                };
            }
        }
        let summary = PendingSummary {
            count: migrations.len(),
            risk: migrations.iter().map(|m| m.risk).max().unwrap_or(Risk::Low),
            estimated_seconds: total,
            estimated,
            breaking_changes: !breaking.is_empty(),
            breaking,
            data_migration: !data.is_empty(),
            downtime_expected: !downtime.is_empty(),
            downtime,
            down_scripts: i.migrations.iter().filter(|m| m.down.is_some()).count(),
            irreversible: i
                .migrations
                .iter()
                .filter(|m| m.down.is_none())
                .map(|m| m.id.to_string())
                .collect(),
            backup: i.backup,
        };
        PendingReport {
            schema_version: SCHEMA_VERSION,
            report: "pending",
            generated_at: i.generated_at,
            target: i.plan.target.clone(),
            summary,
            migrations,
            skipped: i.plan.skipped.clone(),
            gates: i
                .plan
                .gates
                .iter()
                .filter(|g| g.migration.is_none())
                .cloned()
                .collect(),
            data_migration: data,
            rollback_plan: rollback,
        }
    }

    /// The document people read.
    pub fn doc(&self) -> Doc {
        let s = &self.summary;
        let mut d = Doc::new(format!(
            "Pending database schema changes: {}",
            self.target.environment
        ));
        target_fields(&mut d, &self.target, &self.generated_at);
        d.h(2, "Summary");
        d.fields(vec![
            ("Pending migrations", s.count.to_string()),
            ("Risk level", risk_word(s.risk).into()),
            (
                "Estimated migration time",
                if s.estimated {
                    format!(
                        "{} (DDL work on the live table sizes; lock waits not included)",
                        human_seconds(s.estimated_seconds)
                    )
                } else {
                    "not estimated: no statement works on an existing table of known size (sizes are read from the environment's database)".into()
                },
            ),
            ("Breaking changes", yes_no(s.breaking_changes)),
            ("Data migration required", yes_no(s.data_migration)),
            ("Downtime expected", yes_no(s.downtime_expected)),
            (
                "Rollback strategy",
                format!(
                    "down scripts for {} of {}{}{}",
                    s.down_scripts,
                    s.count,
                    if s.irreversible.is_empty() {
                        String::new()
                    } else {
                        format!(" (irreversible: {})", s.irreversible.join(", "))
                    },
                    if s.backup {
                        "; a backup is taken before the run"
                    } else {
                        "; no backup is taken by sluice in this environment"
                    }
                ),
            ),
        ]);
        for (title, items) in [("Breaking", &s.breaking), ("Downtime", &s.downtime)] {
            if !items.is_empty() {
                d.p(format!("{title}:"));
                d.list(items.clone());
            }
        }
        if s.count == 0 {
            d.p("Nothing is pending: the database is up to date.");
        }
        d.h(2, "Pending migrations");
        for (n, m) in self.migrations.iter().enumerate() {
            d.h(3, format!("Migration {}: {}", n + 1, m.id));
            d.fields(vec![
                ("File", format!("`{}`", m.file)),
                ("Author", m.author.clone().unwrap_or_else(|| "—".into())),
                (
                    "Description",
                    m.description.clone().unwrap_or_else(|| "—".into()),
                ),
                ("Risk", risk_word(m.risk).into()),
                (
                    "Risk claimed / analysed",
                    format!(
                        "{} / {}",
                        m.claimed_risk.map_or("not stated", risk_word),
                        risk_word(m.analysed_risk)
                    ),
                ),
                (
                    "Transaction",
                    if m.transaction {
                        "one transaction".into()
                    } else {
                        "statement by statement (transaction: false)".into()
                    },
                ),
                (
                    "Estimated duration",
                    m.estimated_seconds
                        .map_or_else(|| "not estimated".into(), human_seconds),
                ),
            ]);
            if !m.reasons.is_empty() {
                d.h(4, "Risk reasons");
                d.list(m.reasons.clone());
            }
            objects_section(&mut d, &m.changes);
            if !m.changes.foreign_keys.is_empty() {
                d.h(4, "New foreign keys");
                d.table(
                    &["From", "References", "On delete"],
                    m.changes
                        .foreign_keys
                        .iter()
                        .map(|k| vec![k.from.clone(), k.to.clone(), k.on_delete.clone()])
                        .collect(),
                );
            }
            d.h(4, "Destructive operations");
            if m.changes.destructive.is_empty() {
                d.p("None.");
            } else {
                d.list(
                    m.changes
                        .destructive
                        .iter()
                        .map(|x| format!("DESTRUCTIVE: line {}: {}", x.line, x.what))
                        .collect(),
                );
            }
            if !m.changes.locks.is_empty() {
                d.h(4, "Locks taken");
                d.list(m.changes.locks.clone());
            }
            if !m.gates.is_empty() {
                d.h(4, "Gates");
                d.table(&["Gate", "Status", "Why"], gate_rows(&m.gates));
            }
        }
        if !self.skipped.is_empty() {
            d.h(2, "Not for this environment");
            d.list(self.skipped.iter().map(|s| format!("`{s}`")).collect());
        }
        if !self.gates.is_empty() {
            d.h(2, "Gates of the run");
            d.table(&["Gate", "Status", "Why"], gate_rows(&self.gates));
        }
        d.h(2, "Data migration requirements");
        if self.data_migration.is_empty() {
            d.p("No statement changes rows: every change is to the schema.");
        } else {
            d.table(
                &["Migration", "Line", "Kind", "Statement"],
                self.data_migration
                    .iter()
                    .map(|c| {
                        vec![
                            c.migration.clone(),
                            c.line.to_string(),
                            c.kind.clone(),
                            c.statement.clone(),
                        ]
                    })
                    .collect(),
            );
        }
        let destructive: usize = self
            .migrations
            .iter()
            .map(|m| m.changes.destructive.len())
            .sum();
        d.p(if destructive == 0 {
            "No destructive operations: nothing is dropped or truncated.".to_string()
        } else {
            format!("{destructive} destructive operation(s): see the migrations above.")
        });
        d.h(2, "Rollback plan");
        d.p(if s.backup {
            "sluice takes a backup before the run (`sluice backups` lists it; `sluice restore <file> --confirm <env>` puts it back). Each migration is reverted by its tested `down` section, newest first:"
        } else {
            "Each migration is reverted by its `down` section, newest first (`sluice test` proves each one on a scratch database):"
        });
        d.table(
            &["Migration", "Down statements", "How", "Destroys"],
            self.rollback_plan
                .iter()
                .map(|r| {
                    vec![
                        r.migration.clone(),
                        r.statements.to_string(),
                        r.how.clone(),
                        r.destroys.join("; "),
                    ]
                })
                .collect(),
        );
        d
    }
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

fn gate_rows(gates: &[Gate]) -> Vec<Vec<String>> {
    gates
        .iter()
        .map(|g| {
            vec![
                g.gate.to_string(),
                if g.passed { "PASS" } else { "BLOCKED" }.to_string(),
                match &g.fix {
                    Some(f) if !g.passed => format!("{} — to pass it: `{f}`", g.reason),
                    _ => g.reason.clone(),
                },
            ]
        })
        .collect()
}

fn objects_section(d: &mut Doc, c: &Changes) {
    for (title, list) in [
        ("Creates", &c.created),
        ("Alters", &c.altered),
        ("Drops", &c.dropped),
    ] {
        if !list.is_empty() {
            d.h(4, title);
            d.list(list.iter().map(ObjectRef::line).collect());
        }
    }
}

// ---------------------------------------------------------------------------------------
// runbook
// ---------------------------------------------------------------------------------------

/// `sluice report runbook`: the execution order, pre-flight checks, commands,
/// verification, rollback and (with `--run-verify`) the verdict.
#[derive(Clone, Debug, Serialize)]
pub struct RunbookReport {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `runbook`.
    pub report: &'static str,
    /// When.
    pub generated_at: String,
    /// Where.
    #[serde(flatten)]
    pub target: Target,
    /// Every migration for this environment, in the order applied (applied ones first,
    /// as recorded), then pending ones in plan order.
    pub order: Vec<RunbookStep>,
    /// The diagram of `order`.
    pub diagram: String,
    /// What to check before running.
    pub preflight: Vec<String>,
    /// The gates of a run of the pending migrations.
    pub gates: Vec<Gate>,
    /// The commands, in order.
    pub commands: Vec<String>,
    /// Rollback, newest first.
    pub rollback: Vec<RollbackScript>,
    /// The verdict, with `--run-verify`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

/// One migration of the runbook.
#[derive(Clone, Debug, Serialize)]
pub struct RunbookStep {
    /// Id.
    pub id: String,
    /// State in this environment.
    pub state: State,
    /// `requires`.
    pub requires: Vec<String>,
    /// Objects it creates (tables, types, functions, …; not columns or indexes).
    pub creates: Vec<String>,
    /// Existing tables it changes, with what it does to each.
    pub modifies: Vec<String>,
    /// Tables it uses that it does not create.
    pub depends_on: Vec<String>,
    /// Its verify checks.
    pub checks: Vec<RunbookCheck>,
}

/// One verify check.
#[derive(Clone, Debug, Serialize)]
pub struct RunbookCheck {
    /// Its name (its comment).
    pub name: String,
    /// Line in the file.
    pub line: usize,
    /// The expectation.
    pub expect: String,
    /// The statement.
    pub sql: String,
}

impl RunbookCheck {
    /// A migration's verify checks.
    fn all(m: &Migration) -> Vec<RunbookCheck> {
        m.verify
            .iter()
            .map(|c| RunbookCheck {
                name: check_name(&c.sql),
                line: c.line,
                expect: c.expect.describe(),
                sql: code_of(&c.sql),
            })
            .collect()
    }
}

/// One migration's rollback.
#[derive(Clone, Debug, Serialize)]
pub struct RollbackScript {
    /// The migration.
    pub migration: String,
    /// Its `down` section, or `None` when irreversible.
    pub sql: Option<String>,
}

/// The verdict of running the verify sections.
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    /// PASS when every check passed.
    pub overall: &'static str,
    /// Per check.
    pub checks: Vec<VerdictRow>,
}

/// One check's result.
#[derive(Clone, Debug, Serialize)]
pub struct VerdictRow {
    /// The migration.
    pub migration: String,
    /// Line.
    pub line: usize,
    /// Its name.
    pub check: String,
    /// PASS or FAIL.
    pub status: &'static str,
    /// What happened.
    pub detail: String,
}

/// What the `runbook` reads.
#[derive(Debug)]
pub struct RunbookInput<'a> {
    /// When.
    pub generated_at: String,
    /// Where.
    pub target: Target,
    /// The migrations for this environment in the order applied, with their state.
    pub order: Vec<(&'a Migration, State)>,
    /// Their analyses (same order).
    pub reports: &'a [Report],
    /// The gates of a run of the pending ones.
    pub gates: Vec<Gate>,
    /// The environment takes a backup before `up`.
    pub backup: bool,
    /// The results of `--run-verify`.
    pub verify: Option<Vec<CheckResult>>,
}

impl RunbookReport {
    /// Builds the report.
    pub fn new(i: RunbookInput<'_>) -> RunbookReport {
        let mut made: BTreeSet<String> = BTreeSet::new();
        let mut needed_before: BTreeMap<String, String> = BTreeMap::new();
        let mut order = Vec::new();
        for ((m, state), r) in i.order.iter().zip(i.reports) {
            let c = Changes::of(m, r);
            let own: BTreeSet<String> = c
                .created
                .iter()
                .filter(|o| o.kind == "table")
                .map(|o| o.name.to_lowercase())
                .collect();
            let creates: Vec<String> = c
                .created
                .iter()
                .filter(|o| !matches!(o.kind, "column" | "constraint" | "index"))
                .map(|o| match o.kind {
                    "table" => o.name.clone(),
                    k => format!("{k} {}", o.name),
                })
                .collect();
            let mut modifies: BTreeMap<String, Vec<String>> = BTreeMap::new();
            let mut touch = |table: &str, what: String| {
                if !own.contains(&table.to_lowercase()) {
                    modifies.entry(table.to_string()).or_default().push(what);
                }
            };
            for o in &c.created {
                match o.kind {
                    "column" | "constraint" => {
                        if let Some((t, n)) = o.name.rsplit_once('.') {
                            let what = if o.kind == "column" {
                                format!("add {n}")
                            } else {
                                format!("add constraint {n}")
                            };
                            touch(t, what);
                        }
                    }
                    "index" => {
                        if let Some(t) = o
                            .detail
                            .as_deref()
                            .and_then(|d| d.split("on ").nth(1))
                            .and_then(|t| t.split(' ').next())
                        {
                            touch(t, format!("add index {}", o.name));
                        }
                    }
                    _ => {}
                }
            }
            for o in &c.dropped {
                if let Some((t, n)) = o.name.rsplit_once('.') {
                    touch(t, format!("drop {} {n}", o.kind));
                }
            }
            for o in c.altered.iter().filter(|o| o.kind == "column") {
                if let Some((t, n)) = o.name.rsplit_once('.') {
                    touch(t, format!("alter {n}"));
                }
            }
            let mut depends: BTreeSet<String> = BTreeSet::new();
            for fx in r.statements.iter().filter_map(|a| a.effects.as_ref()) {
                let tables = fx
                    .locks
                    .iter()
                    .filter(|l| !l.via_index)
                    .map(|l| &l.table)
                    .chain(fx.foreign_keys.iter().map(|k| &k.references));
                for t in tables {
                    let key = t.name.to_lowercase();
                    if !own.contains(&key) && !key.is_empty() {
                        depends.insert(t.name.clone());
                    }
                }
                for o in fx.altered.iter().filter(|o| o.kind == ObjectKind::Table) {
                    let key = o.name.to_lowercase();
                    if !own.contains(&key) && !o.name.contains('→') {
                        depends.insert(o.name.clone());
                    }
                }
            }
            for t in &depends {
                if !made.contains(&t.to_lowercase()) {
                    needed_before
                        .entry(t.clone())
                        .or_insert_with(|| m.id.to_string());
                }
            }
            made.extend(own);
            order.push(RunbookStep {
                id: m.id.to_string(),
                state: *state,
                requires: m.meta.requires.iter().map(ToString::to_string).collect(),
                creates,
                modifies: modifies
                    .into_iter()
                    .map(|(t, w)| format!("{t} ({})", w.join(", ")))
                    .collect(),
                depends_on: depends.into_iter().collect(),
                checks: RunbookCheck::all(m),
            });
        }
        let mut preflight: Vec<String> = needed_before
            .iter()
            .map(|(t, by)| format!("table `{t}` exists (used by {by}, created by no migration)"))
            .collect();
        preflight.push(if i.backup {
            "a backup is taken by `sluice up` before the run (`sluice backups` lists them)".into()
        } else {
            "take a backup first: this environment has no `backup = true`".into()
        });
        for g in &i.gates {
            preflight.push(format!(
                "{} gate{}: {} — {}",
                g.gate,
                g.migration
                    .as_deref()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default(),
                if g.passed { "PASS" } else { "BLOCKED" },
                g.reason
            ));
        }
        let env = &i.target.environment;
        let commands = vec![
            format!("sluice --env {env} status"),
            format!("sluice --env {env} lint"),
            format!("sluice --env {env} plan"),
            format!("sluice --env {env} up"),
            format!("sluice --env {env} verify"),
            format!("sluice --env {env} report runbook --run-verify"),
        ];
        let rollback = i
            .order
            .iter()
            .rev()
            .map(|(m, _)| RollbackScript {
                migration: m.id.to_string(),
                sql: m.down.as_ref().map(|d| script(&d.statements)),
            })
            .collect();
        let verdict = i.verify.map(|checks| {
            let rows: Vec<VerdictRow> = checks
                .iter()
                .map(|c| VerdictRow {
                    migration: c.migration.to_string(),
                    line: c.line,
                    check: check_name(&c.sql),
                    status: if c.passed { "PASS" } else { "FAIL" },
                    detail: c.detail.clone(),
                })
                .collect();
            Verdict {
                overall: if rows.iter().all(|r| r.status == "PASS") {
                    "PASS"
                } else {
                    "FAIL"
                },
                checks: rows,
            }
        });
        let diagram = diagram(&order);
        RunbookReport {
            schema_version: SCHEMA_VERSION,
            report: "runbook",
            generated_at: i.generated_at,
            target: i.target,
            order,
            diagram,
            preflight,
            gates: i.gates,
            commands,
            rollback,
            verdict,
        }
    }

    /// The document people read.
    pub fn doc(&self) -> Doc {
        let mut d = Doc::new(format!("Migration runbook: {}", self.target.environment));
        target_fields(&mut d, &self.target, &self.generated_at);
        d.h(2, "1. Migration execution order");
        d.blocks.push(crate::doc::Block::Pre(self.diagram.clone()));
        d.h(2, "2. Pre-flight checks");
        d.list(self.preflight.clone());
        d.h(2, "3. Commands");
        d.p("From the project folder:");
        d.code("sh", self.commands.join("\n"));
        d.h(2, "4. Verification");
        for s in &self.order {
            d.h(3, format!("{} ({})", s.id, s.state));
            if s.checks.is_empty() {
                d.p("No verify section.");
            }
            for c in &s.checks {
                d.h(4, c.name.clone());
                d.p(format!("Line {}, expect `{}`:", c.line, c.expect));
                d.code("sql", c.sql.clone());
            }
        }
        d.h(2, "5. Rollback procedure");
        d.p("Newest first. `sluice down` runs each `down` section in its own transaction and records it; the SQL is shown for review.");
        for r in &self.rollback {
            d.h(3, format!("Roll back {}", r.migration));
            match &r.sql {
                Some(sql) => d.code("sql", sql.clone()),
                None => {
                    d.p("Irreversible (no `down` section): restore the backup taken before it ran.")
                }
            }
        }
        d.h(2, "6. Verdict");
        match &self.verdict {
            None => d.p("Not run: `sluice report runbook --run-verify` runs the verify sections against this environment and fills this table."),
            Some(v) => {
                let mut rows: Vec<Vec<String>> = v
                    .checks
                    .iter()
                    .map(|c| {
                        vec![
                            c.migration.clone(),
                            c.check.clone(),
                            c.status.to_string(),
                            c.detail.clone(),
                        ]
                    })
                    .collect();
                rows.push(vec![
                    "Overall".into(),
                    format!(
                        "{} of {} checks passed",
                        v.checks.iter().filter(|c| c.status == "PASS").count(),
                        v.checks.len()
                    ),
                    v.overall.to_string(),
                    String::new(),
                ]);
                d.table(&["Migration", "Check", "Status", "Detail"], rows);
                if v.checks.is_empty() {
                    d.p("No applied migration has a verify section.");
                }
            }
        }
        d
    }
}

/// Wraps `items` after `label` into lines of at most `width` characters.
fn wrap(label: &str, items: &[String], width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let indent = " ".repeat(label.chars().count());
    let mut cur = label.to_string();
    for (k, it) in items.iter().enumerate() {
        let piece = if k + 1 < items.len() {
            format!("{it}, ")
        } else {
            it.clone()
        };
        if cur.chars().count() + piece.chars().count() > width && cur.trim() != label.trim() {
            lines.push(cur.trim_end().to_string());
            cur = indent.clone();
        }
        cur.push_str(&piece);
    }
    lines.push(cur.trim_end().to_string());
    lines
}

/// The execution order as a boxed text diagram.
fn diagram(order: &[RunbookStep]) -> String {
    const W: usize = 70;
    let mut body: Vec<String> = Vec::new();
    for (k, s) in order.iter().enumerate() {
        body.push(format!("{}  [{}]", s.id, s.state));
        let mut pre = s.requires.clone();
        if pre.is_empty() && k > 0 {
            pre.push(format!("{} complete", order[k - 1].id));
        }
        for (label, items) in [
            ("Prerequisites: ", &pre),
            ("Creates: ", &s.creates),
            ("Modifies: ", &s.modifies),
            ("Depends on: ", &s.depends_on),
        ] {
            if !items.is_empty() {
                for (n, l) in wrap(label, items, W - 8).into_iter().enumerate() {
                    body.push(format!("  {} {l}", if n == 0 { "└─►" } else { "   " }));
                }
            }
        }
        body.push(String::new());
    }
    let width = body
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(30)
        + 4;
    let mut out = String::new();
    out.push_str(&format!("┌{}┐\n", "─".repeat(width)));
    let title = "MIGRATION SEQUENCE";
    let pad = width - title.len();
    out.push_str(&format!(
        "│{}{title}{}│\n",
        " ".repeat(pad / 2),
        " ".repeat(pad - pad / 2)
    ));
    out.push_str(&format!("├{}┤\n", "─".repeat(width)));
    out.push_str(&format!("│{}│\n", " ".repeat(width)));
    for l in body {
        out.push_str(&format!(
            "│  {l}{}│\n",
            " ".repeat(width - 2 - l.chars().count())
        ));
    }
    out.push_str(&format!("└{}┘", "─".repeat(width)));
    out
}

// ---------------------------------------------------------------------------------------
// log
// ---------------------------------------------------------------------------------------

/// `sluice report log`: every migration in the migration-log format, and the audit events.
#[derive(Clone, Debug, Serialize)]
pub struct LogReport {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `log`.
    pub report: &'static str,
    /// When.
    pub generated_at: String,
    /// Where.
    #[serde(flatten)]
    pub target: Target,
    /// Per migration, newest first (as the seed's log).
    pub migrations: Vec<LogEntry>,
    /// The audit events of this environment, oldest first.
    pub events: Vec<EventRow>,
}

/// One migration in the log.
#[derive(Clone, Debug, Serialize)]
pub struct LogEntry {
    /// Id.
    pub id: String,
    /// File (`None` when applied but missing).
    pub file: Option<String>,
    /// `author`.
    pub author: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// State here.
    pub status: State,
    /// When and by whom it was applied, per environment.
    pub applied: Vec<AppliedIn>,
    /// The `up` section.
    pub forward_sql: Option<String>,
    /// The `down` section (`None`: irreversible or missing).
    pub rollback_sql: Option<String>,
    /// The risk assessment.
    pub risk: Option<RiskAssessment>,
    /// The verify checks.
    pub verification: Vec<RunbookCheck>,
}

/// Where a migration is applied.
#[derive(Clone, Debug, Serialize)]
pub struct AppliedIn {
    /// The environment.
    pub environment: String,
    /// Its state there (`unreachable` when the database could not be read).
    pub state: String,
    /// When.
    pub at: Option<String>,
    /// By whom.
    pub by: Option<String>,
}

/// The risk assessment of one migration.
#[derive(Clone, Debug, Serialize)]
pub struct RiskAssessment {
    /// The higher of claim and analysis.
    pub impact: Risk,
    /// `none`, or why traffic stops.
    pub downtime: String,
    /// How safe the rollback is.
    pub rollback_safety: String,
    /// The findings.
    pub findings: Vec<String>,
}

/// What the `log` report reads.
#[derive(Debug)]
pub struct LogInput<'a> {
    /// When.
    pub generated_at: String,
    /// Where.
    pub target: Target,
    /// Every migration of the plan, with its record here.
    pub migrations: Vec<(&'a Migration, Option<&'a Record>)>,
    /// Records here with no file.
    pub missing: Vec<&'a Record>,
    /// Their analyses (same order as `migrations`).
    pub reports: &'a [Report],
    /// The records of every environment (name, records or why they could not be read).
    pub environments: Vec<(String, Result<Vec<Record>, String>)>,
    /// The events here.
    pub events: Vec<EventRow>,
}

impl LogReport {
    /// Builds the report.
    pub fn new(i: LogInput<'_>) -> LogReport {
        let applied_in = |id: &str| -> Vec<AppliedIn> {
            i.environments
                .iter()
                .map(|(env, recs)| match recs {
                    Err(_) => AppliedIn {
                        environment: env.clone(),
                        state: "unreachable".into(),
                        at: None,
                        by: None,
                    },
                    Ok(recs) => match recs.iter().find(|r| r.id.as_str() == id) {
                        Some(r) => AppliedIn {
                            environment: env.clone(),
                            state: r.state.to_string(),
                            at: r.applied_at.clone().filter(|_| r.state == State::Applied),
                            by: r.applied_by.clone().filter(|_| r.state == State::Applied),
                        },
                        None => AppliedIn {
                            environment: env.clone(),
                            state: "pending".into(),
                            at: None,
                            by: None,
                        },
                    },
                })
                .collect()
        };
        let mut created: BTreeSet<String> = BTreeSet::new();
        let mut entries: Vec<LogEntry> = i
            .migrations
            .iter()
            .zip(i.reports)
            .map(|((m, rec), r)| {
                let c = Changes::of(m, r);
                let downtime = r
                    .statements
                    .iter()
                    .zip(&m.up.statements)
                    .filter_map(|(a, s)| {
                        let fx = a.effects.as_ref()?;
                        let why = blocks_existing(fx, &created);
                        note_created(fx, &mut created);
                        why.map(|w| format!("line {}: {w}", s.line))
                    })
                    .collect::<Vec<_>>();
                created.extend(r.created_tables.iter().map(|n| n.name.to_lowercase()));
                let down_destroys = down_destroys(m);
                let analysed: Risk = r.risk().into();
                LogEntry {
                    id: m.id.to_string(),
                    file: Some(m.path.display().to_string()),
                    author: m.meta.author.clone(),
                    description: m.meta.description.clone(),
                    status: rec.map_or(State::Pending, |r| r.state),
                    applied: applied_in(m.id.as_str()),
                    forward_sql: Some(script(&m.up.statements)),
                    rollback_sql: m.down.as_ref().map(|d| script(&d.statements)),
                    risk: Some(RiskAssessment {
                        impact: m.meta.risk.unwrap_or(Risk::Low).max(analysed),
                        downtime: if downtime.is_empty() {
                            "none expected: no statement blocks writes on an existing table while it reads or rewrites it".into()
                        } else {
                            downtime.join("; ")
                        },
                        rollback_safety: match &m.down {
                            None => "irreversible: restore a backup".into(),
                            Some(_) if down_destroys.is_empty() => {
                                "safe: the down section destroys nothing".into()
                            }
                            Some(_) => format!(
                                "the down section destroys data: {}",
                                down_destroys.join("; ")
                            ),
                        },
                        findings: r
                            .findings
                            .iter()
                            .filter(|f| f.allowed.is_none())
                            .map(|f| format!("{} ({}): {}", f.rule, f.severity, f.message))
                            .chain(
                                c.destructive
                                    .iter()
                                    .map(|x| format!("destructive: line {}: {}", x.line, x.what)),
                            )
                            .collect(),
                    }),
                    verification: RunbookCheck::all(m),
                }
            })
            .collect();
        entries.extend(i.missing.iter().map(|r| LogEntry {
            id: r.id.to_string(),
            file: None,
            author: None,
            description: None,
            status: r.state,
            applied: applied_in(r.id.as_str()),
            forward_sql: None,
            rollback_sql: None,
            risk: None,
            verification: Vec::new(),
        }));
        entries.reverse();
        LogReport {
            schema_version: SCHEMA_VERSION,
            report: "log",
            generated_at: i.generated_at,
            target: i.target,
            migrations: entries,
            events: i.events,
        }
    }

    /// The document people read.
    pub fn doc(&self) -> Doc {
        let mut d = Doc::new(format!("Migration log: {}", self.target.environment));
        target_fields(&mut d, &self.target, &self.generated_at);
        d.p("Every migration with its forward and rollback SQL, risk assessment and verification, newest first; then the audit log. Generated from the migration files and the databases.");
        d.h(2, "Migrations");
        for e in &self.migrations {
            d.h(3, e.id.clone());
            let mut f = vec![
                (
                    "File",
                    e.file
                        .as_deref()
                        .map_or("MISSING (applied, but no file)".into(), |f| {
                            format!("`{f}`")
                        }),
                ),
                ("Author", e.author.clone().unwrap_or_else(|| "—".into())),
                ("Status", e.status.to_string()),
            ];
            if let Some(desc) = &e.description {
                f.push(("Description", desc.clone()));
            }
            d.fields(f);
            d.table(
                &["Environment", "State", "Applied at", "By"],
                e.applied
                    .iter()
                    .map(|a| {
                        vec![
                            a.environment.clone(),
                            a.state.clone(),
                            a.at.as_deref().map(show_time).unwrap_or_default(),
                            a.by.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
            );
            if let Some(sql) = &e.forward_sql {
                d.p("**Forward SQL:**");
                d.code("sql", sql.clone());
            }
            d.p("**Rollback SQL:**");
            match &e.rollback_sql {
                Some(sql) => d.code("sql", sql.clone()),
                None => d.p("Not available (irreversible, or the file is missing)."),
            }
            if let Some(r) = &e.risk {
                d.p("**Risk assessment:**");
                d.fields(vec![
                    ("Impact", risk_word(r.impact).into()),
                    ("Downtime", r.downtime.clone()),
                    ("Rollback safety", r.rollback_safety.clone()),
                ]);
                d.list(r.findings.clone());
            }
            d.p("**Verification:**");
            if e.verification.is_empty() {
                d.p("No verify section.");
            }
            for c in &e.verification {
                d.code(
                    "sql",
                    format!("-- {} (expect: {})\n{}", c.name, c.expect, c.sql),
                );
            }
        }
        d.h(2, "Audit log");
        if self.events.is_empty() {
            d.p("No events recorded.");
        }
        d.table(
            &[
                "Seq",
                "At",
                "Run",
                "Migration",
                "Transition",
                "Actor",
                "Note",
            ],
            self.events.iter().map(event_row).collect(),
        );
        d
    }
}

fn event_row(r: &EventRow) -> Vec<String> {
    let e = &r.event;
    let t = match (e.from_state, e.to_state) {
        (Some(f), Some(to)) => format!("{f} → {to}"),
        _ => "—".into(),
    };
    let mut note = e.reason.clone().unwrap_or_default();
    if let Some(ms) = e.duration_ms {
        note = if note.is_empty() {
            format!("{ms} ms")
        } else {
            format!("{note} ({ms} ms)")
        };
    }
    vec![
        r.seq.to_string(),
        show_time(&e.at),
        e.run_id.to_string(),
        e.migration_id
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        if e.allowed { t } else { format!("REFUSED {t}") },
        e.actor.clone(),
        note,
    ]
}

// ---------------------------------------------------------------------------------------
// status
// ---------------------------------------------------------------------------------------

/// `sluice report status`: per environment, how far along it is and what went wrong.
#[derive(Clone, Debug, Serialize)]
pub struct StatusReport {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `status`.
    pub report: &'static str,
    /// When.
    pub generated_at: String,
    /// Per environment, in promotion order.
    pub environments: Vec<EnvStatus>,
}

/// What `status` reads of one environment: its `status` document and its events.
pub type EnvRead = (StatusDoc, Vec<EventRow>);

/// One environment in `status`.
#[derive(Clone, Debug, Serialize)]
pub struct EnvStatus {
    /// Its name.
    pub environment: String,
    /// Why it could not be read, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// `status`'s document for it (the same data the terminal shows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusDoc>,
    /// The last run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_run: Option<RunSummary>,
    /// Every run, oldest first, with the percent applied after it.
    pub history: Vec<RunSummary>,
}

/// One run, from the audit events.
#[derive(Clone, Debug, Serialize)]
pub struct RunSummary {
    /// The run.
    pub run_id: String,
    /// Who.
    pub actor: String,
    /// When it started.
    pub started_at: String,
    /// How long its steps took, ms.
    pub duration_ms: u64,
    /// Migrations applied.
    pub applied: usize,
    /// Migrations reverted.
    pub reverted: usize,
    /// Steps that failed or were refused.
    pub failed: usize,
    /// `succeeded`, `failed`, `refused`, `recorded`.
    pub result: &'static str,
    /// Percent applied after it.
    pub percent_applied: u32,
}

/// Milliseconds since the epoch of a stored `YYYY-MM-DDTHH:MM:SS.mmmZ` timestamp.
fn millis(at: &str) -> Option<i64> {
    let n = |r: std::ops::Range<usize>| at.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (h, mi, sec) = (n(11..13)?, n(14..16)?, n(17..19)?);
    let ms = n(20..23).unwrap_or(0);
    // Days since 1970-01-01 in the proleptic Gregorian calendar (years from March).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + ms)
}

/// Runs from events, oldest first; `relevant` is the number of migrations for the
/// environment (the percent's denominator).
pub fn runs(events: &[EventRow], relevant: usize) -> Vec<RunSummary> {
    let mut applied: BTreeSet<String> = BTreeSet::new();
    let mut out: Vec<RunSummary> = Vec::new();
    for r in events {
        let e = &r.event;
        if out.last().is_none_or(|l| l.run_id != e.run_id.as_str()) {
            out.push(RunSummary {
                run_id: e.run_id.to_string(),
                actor: e.actor.clone(),
                started_at: e.at.clone(),
                duration_ms: 0,
                applied: 0,
                reverted: 0,
                failed: 0,
                result: "recorded",
                percent_applied: 0,
            });
        }
        let Some(run) = out.last_mut() else { continue };
        // From the first event of the run to the end of its last step.
        if let (Some(a), Some(b)) = (millis(&run.started_at), millis(&e.at)) {
            run.duration_ms = run
                .duration_ms
                .max((b - a).max(0) as u64 + e.duration_ms.unwrap_or(0));
        }
        let id = e.migration_id.as_ref().map(ToString::to_string);
        match (e.allowed, e.from_state, e.to_state, id) {
            (false, ..) => run.failed += 1,
            (true, _, Some(State::Applied), Some(id)) if applied.insert(id.clone()) => {
                run.applied += 1
            }
            (true, Some(State::Applied | State::Reverting), Some(to), Some(id))
                if to != State::Applied && applied.remove(&id) =>
            {
                run.reverted += 1;
            }
            (true, _, Some(State::Failed | State::Partial), _) => run.failed += 1,
            _ => {}
        }
        run.result = if run.failed > 0 {
            if run.applied + run.reverted == 0 && !e.allowed {
                "refused"
            } else {
                "failed"
            }
        } else if run.applied + run.reverted > 0 {
            "succeeded"
        } else {
            "recorded"
        };
        run.percent_applied = (applied.len() * 100)
            .checked_div(relevant)
            .map_or(100, |p| p.min(100) as u32);
    }
    out
}

impl StatusReport {
    /// Builds the report from each environment's `status` document and events.
    pub fn new(generated_at: String, envs: Vec<(String, Result<EnvRead, String>)>) -> StatusReport {
        StatusReport {
            schema_version: SCHEMA_VERSION,
            report: "status",
            generated_at,
            environments: envs
                .into_iter()
                .map(|(name, read)| match read {
                    Err(e) => EnvStatus {
                        environment: name,
                        error: Some(e),
                        status: None,
                        last_run: None,
                        history: Vec::new(),
                    },
                    Ok((doc, events)) => {
                        let relevant = doc.summary.total - doc.summary.skipped;
                        let history = runs(&events, relevant);
                        EnvStatus {
                            environment: name,
                            error: None,
                            last_run: history.last().cloned(),
                            history,
                            status: Some(doc),
                        }
                    }
                })
                .collect(),
        }
    }

    /// The document people read.
    pub fn doc(&self) -> Doc {
        let mut d = Doc::new("Migration status");
        d.fields(vec![("Generated", self.generated_at.clone())]);
        d.h(2, "Completion overview");
        d.table(
            &[
                "Environment",
                "Applied",
                "Pending",
                "Failed",
                "Partial",
                "Drift",
                "Completion",
                "Status",
            ],
            self.environments
                .iter()
                .map(|e| match &e.status {
                    None => vec![
                        e.environment.clone(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        "?".into(),
                        format!("unreachable: {}", e.error.as_deref().unwrap_or("")),
                    ],
                    Some(s) => {
                        let m = &s.summary;
                        vec![
                            e.environment.clone(),
                            m.applied.to_string(),
                            m.pending.to_string(),
                            m.failed.to_string(),
                            m.partial.to_string(),
                            m.drifted.to_string(),
                            format!("{}%", m.percent_applied),
                            if m.failed + m.partial > 0 {
                                "failed".into()
                            } else if m.drifted > 0 {
                                "drift".into()
                            } else if m.pending == 0 {
                                "applied".into()
                            } else {
                                "pending".into()
                            },
                        ]
                    }
                })
                .collect(),
        );
        for e in &self.environments {
            d.h(2, format!("Environment {}", e.environment));
            let Some(s) = &e.status else {
                d.p(format!(
                    "Could not be read: {}",
                    e.error.as_deref().unwrap_or("")
                ));
                continue;
            };
            let m = &s.summary;
            d.fields(vec![
                ("Database", database_line(&s.target)),
                (
                    "Completion",
                    format!(
                        "{}% ({} of {} applied)",
                        m.percent_applied,
                        m.applied,
                        m.total - m.skipped
                    ),
                ),
                (
                    "Counts",
                    format!(
                        "{} applied, {} pending, {} failed, {} partial, {} not for this environment",
                        m.applied, m.pending, m.failed, m.partial, m.skipped
                    ),
                ),
                (
                    "Last run",
                    match &e.last_run {
                        None => "none".into(),
                        Some(r) => format!(
                            "{} by {} at {}, {} ms: {}",
                            r.run_id,
                            r.actor,
                            show_time(&r.started_at),
                            r.duration_ms,
                            r.result
                        ),
                    },
                ),
                (
                    "Drift",
                    if m.drifted == 0 {
                        "no migration file was edited after it was applied".into()
                    } else {
                        format!("{} applied file(s) edited since", m.drifted)
                    },
                ),
            ]);
            let problems: Vec<Vec<String>> = s
                .migrations
                .iter()
                .filter(|r| matches!(r.state, State::Failed | State::Partial) || r.drift)
                .map(|r| {
                    vec![
                        r.id.clone(),
                        if r.drift && r.state == State::Applied {
                            "drift".into()
                        } else {
                            r.state.to_string()
                        },
                        match (r.state, r.statements_done, r.statements_total) {
                            (State::Partial, Some(a), Some(b)) => {
                                format!("stopped after statement {a}/{b}")
                            }
                            _ if r.drift => format!(
                                "file edited: recorded {}, file {}",
                                r.checksum_recorded.as_deref().unwrap_or("?"),
                                r.checksum_file.as_deref().unwrap_or("?")
                            ),
                            _ => String::new(),
                        },
                        r.last_error.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            if !problems.is_empty() {
                d.h(3, "Failures, partial migrations and drift");
                d.table(&["Migration", "State", "Where", "Error"], problems);
            }
            d.h(3, "Migrations");
            d.table(
                &["Migration", "State", "Applied at", "By"],
                s.migrations
                    .iter()
                    .map(|r| {
                        vec![
                            r.id.clone(),
                            if r.runs_here || r.state != State::Pending {
                                r.state.to_string()
                            } else {
                                "not for this environment".into()
                            },
                            r.applied_at.as_deref().map(show_time).unwrap_or_default(),
                            r.applied_by.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
            );
            d.h(3, "Progress history");
            if e.history.is_empty() {
                d.p("No runs recorded.");
            }
            d.list(
                e.history
                    .iter()
                    .map(|r| {
                        format!(
                            "{}: {} by {}: {} applied, {} reverted{} → {}% applied ({})",
                            show_time(&r.started_at),
                            r.run_id,
                            r.actor,
                            r.applied,
                            r.reverted,
                            if r.failed > 0 {
                                format!(", {} failed or refused", r.failed)
                            } else {
                                String::new()
                            },
                            r.percent_applied,
                            r.result
                        )
                    })
                    .collect(),
            );
        }
        d
    }
}

#[cfg(test)]
mod tests {
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
