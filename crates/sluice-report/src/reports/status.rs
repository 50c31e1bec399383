//! `sluice report status`: per environment, how far along it is and what went wrong.

use super::*;

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
    /// Per fleet of `sluice.toml` (`sluice fleet status`), in name order.
    pub fleets: Vec<FleetStatus>,
}

/// One fleet in `status`: where each migration stands across its databases.
#[derive(Clone, Debug, Serialize)]
pub struct FleetStatus {
    /// Its name.
    pub fleet: String,
    /// Why its databases could not be listed, when they could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// How many databases it has.
    pub databases: usize,
    /// Per migration, in plan order.
    pub migrations: Vec<FleetMigration>,
    /// The databases behind the others or in trouble, each with why.
    pub behind: Vec<String>,
}

impl FleetStatus {
    /// Its section of a document: the counts per migration and the databases behind.
    pub fn section(&self, d: &mut Doc) {
        let f = self;
        d.h(2, format!("Fleet {}", f.fleet));
        if let Some(e) = &f.error {
            d.p(format!("Could not be read: {e}"));
            return;
        }
        d.fields(vec![("Databases", f.databases.to_string())]);
        d.table(
            &[
                "Migration",
                "Applied",
                "Pending",
                "Failed",
                "Partial",
                "Drifted",
            ],
            f.migrations
                .iter()
                .map(|m| {
                    vec![
                        m.id.clone(),
                        m.applied.to_string(),
                        m.pending.to_string(),
                        m.failed.to_string(),
                        m.partial.to_string(),
                        m.drifted.to_string(),
                    ]
                })
                .collect(),
        );
        if f.behind.is_empty() {
            d.p("Every database is at the same migration.");
        } else {
            d.p("Behind the others or in trouble:");
            d.list(f.behind.clone());
        }
    }
}

/// One migration across a fleet.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FleetMigration {
    /// The migration.
    pub id: String,
    /// Databases where it is applied.
    pub applied: usize,
    /// Pending.
    pub pending: usize,
    /// Failed.
    pub failed: usize,
    /// Partial (or a run stopped inside it).
    pub partial: usize,
    /// Applied from a file that has changed since (the recorded checksum differs).
    pub drifted: usize,
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
pub(super) fn millis(at: &str) -> Option<i64> {
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
    pub fn new(
        generated_at: String,
        envs: Vec<(String, Result<EnvRead, String>)>,
        fleets: Vec<FleetStatus>,
    ) -> StatusReport {
        StatusReport {
            schema_version: SCHEMA_VERSION,
            report: "status",
            generated_at,
            fleets,
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
        for f in &self.fleets {
            f.section(&mut d);
        }
        d
    }
}
