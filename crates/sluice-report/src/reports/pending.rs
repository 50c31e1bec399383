//! `sluice report pending`: the migrations pending in an environment, for review.

use super::*;

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
    /// Whether the running application keeps working on the new schema (`sluice compat`).
    pub compatibility: Compatibility,
}

/// Whether the application's statements still work after the pending migrations: the
/// verdict of `sluice compat`, or why it was not checked.
#[derive(Clone, Debug, Serialize)]
pub struct Compatibility {
    /// `passes`, `breaks` or `not_checked`.
    pub verdict: String,
    /// Why it was not checked, when it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Where the statements came from.
    pub sources: Vec<String>,
    /// Statements that pass.
    pub passes: usize,
    /// Statements that break or lose an index.
    pub breaks: usize,
    /// Statements that could not be checked.
    pub not_checked: usize,
    /// Each statement that breaks or loses an index.
    pub findings: Vec<CompatFinding>,
}

impl Compatibility {
    /// Not checked, for `reason`.
    pub fn not_checked(reason: impl Into<String>) -> Compatibility {
        Compatibility {
            verdict: "not_checked".into(),
            reason: Some(reason.into()),
            sources: Vec::new(),
            passes: 0,
            breaks: 0,
            not_checked: 0,
            findings: Vec::new(),
        }
    }

    /// One line: the verdict and its counts.
    pub fn line(&self) -> String {
        match self.verdict.as_str() {
            "not_checked" => format!(
                "not checked: {}",
                self.reason
                    .as_deref()
                    .unwrap_or("no statement could be checked")
            ),
            v => format!(
                "{}: {} statement(s) of the application break, {} pass, {} not checked (sluice compat)",
                if v == "breaks" {
                    "BREAKS"
                } else {
                    "backward compatible"
                },
                self.breaks,
                self.passes,
                self.not_checked
            ),
        }
    }
}

/// A statement of the application that a pending migration breaks.
#[derive(Clone, Debug, Serialize)]
pub struct CompatFinding {
    /// The statement.
    pub statement: String,
    /// Where it came from.
    pub origin: String,
    /// What goes wrong: the kind and the server's error, or the index its plan loses.
    pub problem: String,
    /// The migration, file and line that cause it.
    pub cause: String,
    /// How to split the change (expand now, contract later), when sluice knows.
    pub advice: Vec<String>,
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
    /// Bytes of WAL (or binlog) the rewrites of existing tables of known size write, for
    /// the replicas to replay: each rewritten table's size, its indexes included.
    pub replication_bytes: u64,
    /// Which statements write them, and the index builds, whose size is not known before.
    pub replication: Vec<String>,
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
        let (mut replication_bytes, mut replication) = (0u64, Vec::new());
        for ((m, r), item) in i.migrations.iter().zip(i.reports).zip(&i.plan.migrations) {
            let changes = Changes::of(m, r);
            for o in &changes.dropped {
                if !matches!(o.kind, "index" | "constraint" | "trigger" | "policy") {
                    breaking.push(format!("{}: drops {} {}", m.id, o.kind, o.name));
                }
            }
            for f in r.findings.iter().filter(|f| f.allowed.is_none()) {
                if sluice_lint::Rule::by_id(f.rule).is_some_and(|r| r.breaking) {
                    breaking.push(format!("{}: line {}: {}", m.id, f.line, f.message));
                }
            }
            for (a, s) in r.statements.iter().zip(&m.up.statements) {
                let Some(fx) = &a.effects else { continue };
                if let Some(e) = &a.estimate {
                    total += e.seconds;
                    estimated = true;
                    for t in &e.tables {
                        use sluice_lint::estimate::Work;
                        match t.work {
                            Work::Rewrite => {
                                replication_bytes += t.size.bytes;
                                replication.push(format!(
                                    "{}: line {}: rewrite of {}: {}",
                                    m.id,
                                    s.line,
                                    t.table,
                                    sluice_lint::human_bytes(t.size.bytes)
                                ));
                            }
                            Work::Index | Work::ConcurrentIndex => replication.push(format!(
                                "{}: line {}: {} on {}: the new index's size",
                                m.id,
                                s.line,
                                t.work.as_str(),
                                t.table
                            )),
                            Work::Scan => {}
                        }
                    }
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
            replication_bytes,
            replication,
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
            compatibility: Compatibility::not_checked(
                "the application's statements are not known: set compat_queries for the environment in sluice.toml (or compat = \"block\" to read them from the server), or run sluice compat",
            ),
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
            (
                "Replication load",
                if s.replication.is_empty() {
                    "nothing large: no statement rewrites or indexes an existing table of known size".into()
                } else if s.replication_bytes > 0 {
                    format!(
                        "about {} of WAL for the replicas to replay (rewrites of existing tables, indexes included), plus any index builds: {}",
                        sluice_lint::human_bytes(s.replication_bytes),
                        s.replication.join("; ")
                    )
                } else {
                    format!("index builds, each about its index's size: {}", s.replication.join("; "))
                },
            ),
            ("Breaking changes", yes_no(s.breaking_changes)),
            ("Backward compatibility", self.compatibility.line()),
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
        d.h(2, "Backward compatibility");
        let c = &self.compatibility;
        d.p(c.line());
        if !c.sources.is_empty() {
            d.fields(vec![("Statements from", c.sources.join("; "))]);
        }
        for f in &c.findings {
            d.h(3, format!("{}: {}", f.origin, f.problem));
            d.code("sql", f.statement.clone());
            d.p(format!("Caused by {}.", f.cause));
            if !f.advice.is_empty() {
                d.list(f.advice.clone());
            }
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
