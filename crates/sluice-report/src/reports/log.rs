//! `sluice report log`: every migration in the migration-log format, and the audit events.

use super::*;

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
