//! # sluice-report — what a reader sees
//!
//! *Internal to sluice: this API may change in any release. Applications use the crate
//! `sluice-migrate`; people use the `sluice` command.*
//!
//! Renderers for sluice's documents: `status`, `plan`, `verify` and `log`, as aligned
//! terminal tables or as JSON with a `schema_version` (a stable API). Every renderer
//! writes to an `impl io::Write`, so each format is testable in memory.
//!
//! The documents are plain serialisable structs ([`StatusDoc`], [`PlanDoc`],
//! [`VerifyDoc`], [`LogDoc`]) built from the core's types; the text form is one function
//! per document. This crate never touches a database and never decides anything: it shows
//! what the core found.

pub mod doc;
pub mod reports;
pub mod table;

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;
use sluice_core::engine::EventRow;
use sluice_core::run::{CheckResult, Entry};
use sluice_core::time::display as show_time;
use sluice_core::{Migration, State};

use table::{Color, Style, Table};

/// The version of every JSON document's shape.
pub const SCHEMA_VERSION: u32 = 1;

/// Where the documents were read from.
#[derive(Clone, Debug, Serialize)]
pub struct Target {
    /// The database URL, password masked.
    pub database: String,
    /// The engine and its version, when connected.
    pub server: Option<String>,
    /// The environment.
    pub environment: String,
}

/// `sluice status`.
#[derive(Clone, Debug, Serialize)]
pub struct StatusDoc {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Where.
    #[serde(flatten)]
    pub target: Target,
    /// Whether the database (and sluice's tables) exist yet.
    pub initialised: bool,
    /// Who holds the migration lock now (a run in progress), with its last heartbeat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock: Option<String>,
    /// Counts.
    pub summary: Summary,
    /// One row per migration.
    pub migrations: Vec<StatusRow>,
}

/// Counts by state.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Migrations in the plan plus applied ones without a file.
    pub total: usize,
    /// Applied.
    pub applied: usize,
    /// Pending (for this environment).
    pub pending: usize,
    /// Failed.
    pub failed: usize,
    /// Partial.
    pub partial: usize,
    /// Not for this environment.
    pub skipped: usize,
    /// Applied migrations whose file changed.
    pub drifted: usize,
    /// Percent of the migrations for this environment that are applied.
    pub percent_applied: u32,
}

/// One migration in `status`.
#[derive(Clone, Debug, Serialize)]
pub struct StatusRow {
    /// Id.
    pub id: String,
    /// File, unless missing.
    pub file: Option<String>,
    /// State.
    pub state: State,
    /// When applied.
    pub applied_at: Option<String>,
    /// By whom.
    pub applied_by: Option<String>,
    /// The run that last changed it.
    pub run_id: Option<String>,
    /// Checksum recorded in the database.
    pub checksum_recorded: Option<String>,
    /// Checksum of the file.
    pub checksum_file: Option<String>,
    /// The applied file was edited.
    pub drift: bool,
    /// Pending but ordered before an applied migration.
    pub late: bool,
    /// Runs in this environment.
    pub runs_here: bool,
    /// Statements done / total (for partial).
    pub statements_done: Option<u32>,
    /// Statements in `up`.
    pub statements_total: Option<u32>,
    /// The run that was applying (or reverting) it stopped part way: killed, or cut off
    /// from the server. Its row still says `applying`; `state` says what that means.
    pub interrupted: bool,
    /// The statement (1-based) that had started and was not recorded done: in flight while
    /// its run holds the lock, in doubt once it is gone (`interrupted`).
    pub in_doubt: Option<u32>,
    /// What the catalog says of the statement in doubt (`status --check`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// The last error.
    pub last_error: Option<String>,
}

impl StatusDoc {
    /// Builds the document from the merged overview.
    pub fn new(target: Target, initialised: bool, entries: &[Entry<'_>]) -> StatusDoc {
        let mut s = Summary {
            total: entries.len(),
            ..Summary::default()
        };
        let rows: Vec<StatusRow> = entries
            .iter()
            .map(|e| {
                match e.state {
                    State::Applied => s.applied += 1,
                    State::Failed => s.failed += 1,
                    State::Partial => s.partial += 1,
                    _ if !e.runs_here => s.skipped += 1,
                    _ => s.pending += 1,
                }
                if e.drift.is_some() {
                    s.drifted += 1;
                }
                let r = e.record.as_ref();
                StatusRow {
                    id: e.id.to_string(),
                    file: e.migration.map(|m| m.path.display().to_string()),
                    state: e.state,
                    applied_at: r
                        .and_then(|r| r.applied_at.clone())
                        .filter(|_| e.state == State::Applied),
                    applied_by: r
                        .and_then(|r| r.applied_by.clone())
                        .filter(|_| e.state == State::Applied),
                    run_id: r.map(|r| r.run_id.to_string()),
                    checksum_recorded: r.map(|r| r.checksum.to_string()),
                    checksum_file: e.migration.map(|m| m.checksum.to_string()),
                    drift: e.drift.is_some(),
                    late: e.late,
                    runs_here: e.runs_here,
                    statements_done: r.map(|r| r.statements_done),
                    statements_total: r.map(|r| r.statements_total),
                    interrupted: e.interrupted,
                    in_doubt: e.in_doubt,
                    check: None,
                    last_error: r.and_then(|r| r.last_error.clone()),
                }
            })
            .collect();
        let relevant = s.total - s.skipped;
        s.percent_applied = (s.applied * 100)
            .checked_div(relevant)
            .map_or(100, |p| p as u32);
        StatusDoc {
            schema_version: SCHEMA_VERSION,
            target,
            initialised,
            lock: None,
            summary: s,
            migrations: rows,
        }
    }
}

fn state_color(s: State) -> Color {
    match s {
        State::Applied => Color::Green,
        State::Pending => Color::Yellow,
        State::Failed | State::Partial => Color::Red,
        State::Applying | State::Reverting => Color::Cyan,
    }
}

fn header(out: &mut dyn Write, t: &Target) -> io::Result<()> {
    match &t.server {
        Some(s) => writeln!(out, "database     {} ({s})", t.database)?,
        None => writeln!(out, "database     {} (does not exist yet)", t.database)?,
    }
    writeln!(out, "environment  {}", t.environment)
}

/// Renders `status` as text.
pub fn status_text(doc: &StatusDoc, style: Style, out: &mut dyn Write) -> io::Result<()> {
    header(out, &doc.target)?;
    if let Some(l) = &doc.lock {
        writeln!(out, "lock         held by {l}")?;
    }
    writeln!(out)?;
    if doc.migrations.is_empty() {
        return writeln!(out, "no migrations yet: write one with `sluice new <name>`");
    }
    let mut t = Table::new(["MIGRATION", "STATE", "APPLIED AT", "BY", "NOTE"]);
    for r in &doc.migrations {
        let mut notes = Vec::new();
        if r.drift {
            notes.push("DRIFT: file edited after apply".to_string());
        }
        if r.late {
            notes.push("late".to_string());
        }
        let skipped_here = !r.runs_here && r.state == State::Pending;
        if !r.runs_here && !skipped_here {
            notes.push("not for this environment".to_string());
        }
        if r.file.is_none() {
            notes.push("FILE MISSING".to_string());
        }
        let (done, total) = (
            r.statements_done.unwrap_or(0),
            r.statements_total.unwrap_or(0),
        );
        match (r.state, r.interrupted, r.in_doubt) {
            (State::Partial, true, Some(k)) => notes.push(format!(
                "its run stopped while statement {k}/{total} ran: statement {k} IN DOUBT (`sluice status --check`, then `sluice up --resume`)"
            )),
            (State::Partial, true, None) => notes.push(format!(
                "its run stopped after statement {done}/{total} (`sluice up --resume` goes on)"
            )),
            (State::Partial, false, _) => {
                notes.push(format!("stopped after statement {done}/{total}"))
            }
            (State::Failed, true, _) => {
                notes.push("its run stopped before any statement ran".to_string())
            }
            (State::Reverting, true, _) => notes.push(
                "its run stopped while reverting it (`sluice resolve`)".to_string(),
            ),
            (State::Applying, false, Some(k)) => notes.push(format!(
                "in flight: statement {k}/{total}, run {}",
                r.run_id.as_deref().unwrap_or("?")
            )),
            _ => {}
        }
        if let Some(c) = &r.check {
            notes.push(format!("statement {}: {c}", r.in_doubt.unwrap_or(0)));
        }
        if let Some(e) = &r.last_error {
            match r.state {
                State::Failed | State::Partial if !r.interrupted => notes.push(e.clone()),
                // A down that failed and was rolled back leaves the migration applied.
                State::Applied => notes.push(format!("last attempt: {e}")),
                _ => {}
            }
        }
        t.row([
            (r.id.clone(), None),
            if skipped_here {
                ("not for this environment".to_string(), Some(Color::Dim))
            } else {
                (r.state.to_string(), Some(state_color(r.state)))
            },
            (
                r.applied_at.as_deref().map(show_time).unwrap_or_default(),
                None,
            ),
            (r.applied_by.clone().unwrap_or_default(), None),
            (
                notes.join("; "),
                if r.drift || r.file.is_none() || (r.interrupted && r.in_doubt.is_some()) {
                    Some(Color::Red)
                } else {
                    None
                },
            ),
        ]);
    }
    t.render(out, style)?;
    let s = &doc.summary;
    writeln!(out)?;
    let mut parts = vec![
        format!("{} applied", s.applied),
        format!("{} pending", s.pending),
    ];
    for (n, w) in [
        (s.failed, "failed"),
        (s.partial, "partial"),
        (s.skipped, "not for this environment"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {w}"));
        }
    }
    let noun = if s.total == 1 {
        "migration"
    } else {
        "migrations"
    };
    writeln!(
        out,
        "{} {noun}: {} — {}% applied",
        s.total,
        parts.join(", "),
        s.percent_applied
    )?;
    for r in doc.migrations.iter().filter(|r| r.drift) {
        writeln!(
            out,
            "drift: {} was edited after it was applied: recorded {}, file {}",
            r.file.as_deref().unwrap_or(&r.id),
            r.checksum_recorded.as_deref().unwrap_or("?"),
            r.checksum_file.as_deref().unwrap_or("?")
        )?;
    }
    Ok(())
}

/// `sluice plan`.
#[derive(Clone, Debug, Serialize)]
pub struct PlanDoc {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Where.
    #[serde(flatten)]
    pub target: Target,
    /// What `up` would apply, in order.
    pub migrations: Vec<PlanItem>,
    /// Pending migrations that do not run in this environment.
    pub skipped: Vec<String>,
    /// The environment's gates for this plan: PASS or BLOCKED, and why.
    pub gates: Vec<sluice_core::gates::Gate>,
    /// The environment's session settings, made on every connection.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub session: Vec<String>,
    /// Whether the application's statements still work after it (`sluice compat`), when
    /// the environment names them (`compat_queries`, `compat`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compatibility: Option<reports::Compatibility>,
}

/// One migration in `plan`.
#[derive(Clone, Debug, Serialize)]
pub struct PlanItem {
    /// Id.
    pub id: String,
    /// File.
    pub file: String,
    /// Pending but ordered before an applied migration.
    pub late: bool,
    /// Runs in one transaction.
    pub transaction: bool,
    /// The author's risk claim.
    pub risk: Option<sluice_core::file::Risk>,
    /// The risk the safety analysis finds: the highest finding not allowed (`low` when
    /// there is none).
    pub analysed_risk: sluice_core::file::Risk,
    /// Requirements.
    pub requires: Vec<String>,
    /// Checksum of `up`.
    pub checksum: String,
    /// The statements, in order.
    pub statements: Vec<PlanStatement>,
    /// The safety analysis' findings, in statement order.
    pub findings: Vec<PlanFinding>,
}

/// One statement in `plan`.
#[derive(Clone, Debug, Serialize)]
pub struct PlanStatement {
    /// Line in the file.
    pub line: usize,
    /// The SQL.
    pub sql: String,
    /// The table locks it takes (`SHARE on orders`).
    pub locks: Vec<String>,
    /// Tables it rewrites.
    pub rewrites: Vec<String>,
    /// Its estimated duration from live table sizes, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate: Option<String>,
    /// The same, in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate_seconds: Option<f64>,
    /// Why the analysis could not read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_analysed: Option<String>,
}

/// One finding of the safety analysis in `plan`.
#[derive(Clone, Debug, Serialize)]
pub struct PlanFinding {
    /// The rule.
    pub rule: &'static str,
    /// `low`, `medium`, `high`.
    pub severity: &'static str,
    /// Line in the file.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// What to do instead.
    pub instead: &'static str,
    /// Why the severity differs from the rule's (live size, configuration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rated: Option<String>,
    /// The reason given with `-- sluice:allow`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<String>,
}

impl PlanItem {
    /// From a migration and its safety analysis.
    pub fn new(m: &Migration, late: bool, report: &sluice_core::lint::Report) -> PlanItem {
        PlanItem {
            id: m.id.to_string(),
            file: m.path.display().to_string(),
            late,
            transaction: m.meta.transaction,
            risk: m.meta.risk,
            analysed_risk: report.risk().into(),
            requires: m.meta.requires.iter().map(ToString::to_string).collect(),
            checksum: m.checksum.to_string(),
            statements: m
                .up
                .statements
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let a = report.statements.get(i);
                    let fx = a.and_then(|a| a.effects.as_ref());
                    let est = a.and_then(|a| a.estimate.as_ref());
                    PlanStatement {
                        line: s.line,
                        sql: s.sql.clone(),
                        locks: fx.map_or_else(Vec::new, |fx| {
                            fx.locks
                                .iter()
                                .map(|l| {
                                    // Sized once: a plan of thousands of migrations makes
                                    // tens of thousands of these.
                                    let via = if l.via_index {
                                        " on the table of index "
                                    } else {
                                        " on "
                                    };
                                    let mut text = String::with_capacity(64 + via.len());
                                    let _ = write!(text, "{}{via}{}", l.mode, l.table);
                                    text
                                })
                                .collect()
                        }),
                        rewrites: fx.map_or_else(Vec::new, |fx| {
                            fx.rewrites.iter().map(ToString::to_string).collect()
                        }),
                        estimate: est.map(|e| e.describe()),
                        estimate_seconds: est.map(|e| e.seconds),
                        not_analysed: a.and_then(|a| a.not_analysed.clone()),
                    }
                })
                .collect(),
            findings: report
                .findings
                .iter()
                .map(|f| PlanFinding {
                    rule: f.rule,
                    severity: f.severity.as_str(),
                    line: f.line,
                    message: f.message.clone(),
                    instead: f.instead,
                    rated: f.rated.clone(),
                    allowed: f.allowed.clone(),
                })
                .collect(),
        }
    }
}

/// Renders `plan` as text: the SQL that `up` would run, in order.
pub fn plan_text(doc: &PlanDoc, style: Style, out: &mut dyn Write) -> io::Result<()> {
    header(out, &doc.target)?;
    for s in &doc.session {
        writeln!(out, "session      {s}")?;
    }
    writeln!(out)?;
    if doc.migrations.is_empty() {
        writeln!(out, "nothing to apply: the database is up to date")?;
    }
    for (i, m) in doc.migrations.iter().enumerate() {
        let mut tags = vec![
            if m.transaction {
                "in one transaction"
            } else {
                "statement by statement (transaction: false)"
            }
            .to_string(),
        ];
        let name = |r: sluice_core::file::Risk| {
            serde_json::to_value(r)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        match m.risk {
            Some(r) if r >= m.analysed_risk => tags.push(format!("risk {}", name(r))),
            Some(r) => tags.push(style.paint(
                &format!(
                    "risk {} by the analysis (the header says {})",
                    name(m.analysed_risk),
                    name(r)
                ),
                Color::Yellow,
            )),
            None => tags.push(format!("risk {} by the analysis", name(m.analysed_risk))),
        }
        if m.late {
            tags.push(style.paint("LATE: ordered before an applied migration", Color::Yellow));
        }
        writeln!(
            out,
            "{}. {} ({})",
            i + 1,
            style.paint(&m.id, Color::Bold),
            tags.join(", ")
        )?;
        writeln!(out, "   file: {}", m.file)?;
        if !m.requires.is_empty() {
            writeln!(out, "   requires: {}", m.requires.join(", "))?;
        }
        for s in &m.statements {
            let mut head = format!("-- line {}", s.line);
            if !s.locks.is_empty() {
                head.push_str(&format!(" · locks {}", s.locks.join(", ")));
            }
            if !s.rewrites.is_empty() {
                head.push_str(&format!(" · rewrites {}", s.rewrites.join(", ")));
            }
            if let Some(e) = &s.estimate {
                head.push_str(&format!(" · {e}"));
            }
            if let Some(n) = &s.not_analysed {
                head.push_str(&format!(" · not analysed ({n})"));
            }
            writeln!(out, "   {}", style.paint(&head, Color::Dim))?;
            for l in s.sql.lines() {
                writeln!(out, "   {l}")?;
            }
            writeln!(out, "   ;")?;
        }
        for f in &m.findings {
            let color = match f.severity {
                "high" => Color::Red,
                "medium" => Color::Yellow,
                _ => Color::Dim,
            };
            let mut line = format!(
                "   {} line {}: {}",
                style.paint(&format!("{}[{}]", f.severity, f.rule), color),
                f.line,
                f.message
            );
            if let Some(r) = &f.rated {
                line.push_str(&format!(" ({r})"));
            }
            match &f.allowed {
                Some(why) => line.push_str(&format!(" — allowed: {why}")),
                None => line.push_str(&format!("\n     instead: {}", f.instead)),
            }
            writeln!(out, "{line}")?;
        }
        writeln!(out)?;
    }
    if !doc.skipped.is_empty() {
        writeln!(
            out,
            "not for this environment (skipped): {}",
            doc.skipped.join(", ")
        )?;
    }
    if !doc.gates.is_empty() {
        let mut t = Table::new(["GATE", "MIGRATION", "RESULT", "WHY"]);
        for g in &doc.gates {
            let (word, color) = if g.passed {
                ("PASS", Color::Green)
            } else {
                ("BLOCKED", Color::Red)
            };
            let why = match &g.fix {
                Some(f) => format!("{} — to pass it: {f}", g.reason),
                None => g.reason.clone(),
            };
            t.row([
                (g.gate.to_string(), None),
                (
                    g.migration.clone().unwrap_or_else(|| "(the run)".into()),
                    None,
                ),
                (word.to_string(), Some(color)),
                (why, None),
            ]);
        }
        writeln!(out, "gates of environment {}:", doc.target.environment)?;
        t.render(out, style)?;
        writeln!(out)?;
    }
    if let Some(c) = &doc.compatibility {
        let line = format!("backward compatibility: {}", c.line());
        let color = match c.verdict.as_str() {
            "breaks" => Color::Red,
            "passes" => Color::Green,
            _ => Color::Yellow,
        };
        writeln!(out, "{}", style.paint(&line, color))?;
        for f in &c.findings {
            writeln!(
                out,
                "  {}: {}
    caused by {}",
                f.origin, f.problem, f.cause
            )?;
        }
        writeln!(out)?;
    }
    let n = doc.migrations.len();
    let stmts: usize = doc.migrations.iter().map(|m| m.statements.len()).sum();
    writeln!(
        out,
        "{n} migration{} and {stmts} statement{} would run; nothing was executed",
        if n == 1 { "" } else { "s" },
        if stmts == 1 { "" } else { "s" }
    )
}

/// `sluice verify`.
#[derive(Clone, Debug, Serialize)]
pub struct VerifyDoc {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Where.
    #[serde(flatten)]
    pub target: Target,
    /// PASS when every check passed.
    pub verdict: &'static str,
    /// Checks that passed.
    pub passed: usize,
    /// Checks that failed.
    pub failed: usize,
    /// Every check.
    pub checks: Vec<CheckResult>,
}

impl VerifyDoc {
    /// From the results.
    pub fn new(target: Target, checks: Vec<CheckResult>) -> VerifyDoc {
        let passed = checks.iter().filter(|c| c.passed).count();
        let failed = checks.len() - passed;
        VerifyDoc {
            schema_version: SCHEMA_VERSION,
            target,
            verdict: if failed == 0 { "PASS" } else { "FAIL" },
            passed,
            failed,
            checks,
        }
    }
}

/// `text`, cut to `max` characters with an ellipsis.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    } else {
        text.to_string()
    }
}

fn first_code_line(sql: &str) -> String {
    let line = sql
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("--"))
        .unwrap_or("");
    if line.chars().count() > 48 {
        format!("{}…", line.chars().take(47).collect::<String>())
    } else {
        line.to_string()
    }
}

/// Renders `verify` as a verdict table.
pub fn verify_text(doc: &VerifyDoc, style: Style, out: &mut dyn Write) -> io::Result<()> {
    header(out, &doc.target)?;
    writeln!(out)?;
    if doc.checks.is_empty() {
        return writeln!(
            out,
            "no checks to run: no applied migration has a verify section"
        );
    }
    let mut t = Table::new(["MIGRATION", "LINE", "CHECK", "EXPECT", "RESULT", "DETAIL"]);
    for c in &doc.checks {
        let (word, color) = if c.passed {
            ("PASS", Color::Green)
        } else {
            ("FAIL", Color::Red)
        };
        t.row([
            (c.migration.to_string(), None),
            (c.line.to_string(), None),
            (first_code_line(&c.sql), None),
            (cut(&c.expect, 40), None),
            (word.to_string(), Some(color)),
            (c.detail.clone(), None),
        ]);
    }
    t.render(out, style)?;
    writeln!(out)?;
    let color = if doc.failed == 0 {
        Color::Green
    } else {
        Color::Red
    };
    writeln!(
        out,
        "verdict: {} — {} of {} checks passed (all changes made by the checks were rolled back)",
        style.paint(doc.verdict, color),
        doc.passed,
        doc.checks.len()
    )
}

/// `sluice log`.
#[derive(Clone, Debug, Serialize)]
pub struct LogDoc {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Where.
    #[serde(flatten)]
    pub target: Target,
    /// The events, oldest first.
    pub events: Vec<EventRow>,
}

/// Renders `log` as text.
pub fn log_text(doc: &LogDoc, style: Style, out: &mut dyn Write) -> io::Result<()> {
    header(out, &doc.target)?;
    writeln!(out)?;
    if doc.events.is_empty() {
        return writeln!(out, "no events recorded");
    }
    let mut t = Table::new([
        "SEQ",
        "AT",
        "RUN",
        "MIGRATION",
        "TRANSITION",
        "ACTOR",
        "NOTE",
    ]);
    for r in &doc.events {
        let e = &r.event;
        let transition = match (e.from_state, e.to_state) {
            (Some(f), Some(to)) => format!("{f} → {to}"),
            _ => "—".into(),
        };
        let (transition, color) = if e.allowed {
            (transition, None)
        } else {
            (format!("REFUSED {transition}"), Some(Color::Red))
        };
        let mut note = e.reason.clone().unwrap_or_default();
        if let Some(d) = e.duration_ms {
            note = if note.is_empty() {
                format!("{d} ms")
            } else {
                format!("{note} ({d} ms)")
            };
        }
        t.row([
            (r.seq.to_string(), None),
            (show_time(&e.at), None),
            (e.run_id.to_string(), None),
            (
                e.migration_id
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                None,
            ),
            (transition, color),
            (e.actor.clone(), None),
            (note, None),
        ]);
    }
    t.render(out, style)
}

/// Writes any document as pretty JSON followed by a newline.
pub fn json<T: Serialize>(doc: &T, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, doc).map_err(io::Error::other)?;
    writeln!(out)
}

/// `sluice test`: the verdict table of every migration and step.
#[derive(Clone, Debug, Serialize)]
pub struct TestDoc {
    /// Format version.
    pub schema_version: u32,
    /// The scratch database the proof ran on, masked.
    pub scratch: String,
    /// PASS when no step failed.
    pub verdict: &'static str,
    /// Steps that passed, failed, were skipped.
    pub passed: usize,
    /// Steps that failed.
    pub failed: usize,
    /// Steps skipped.
    pub skipped: usize,
    /// Downs that do nothing although their up changed the schema (verdict NOOP).
    pub noop: usize,
    /// Wall time of the proof, in milliseconds.
    pub duration_ms: u64,
    /// Of that, time spent inside the database (every engine call), in milliseconds.
    pub database_ms: u64,
    /// Every step.
    pub steps: Vec<sluice_core::proof::Step>,
}

impl TestDoc {
    /// The document of a proof.
    pub fn new(
        scratch: String,
        report: &sluice_core::proof::TestReport,
        duration_ms: u64,
        database_ms: u64,
    ) -> TestDoc {
        use sluice_core::proof::Verdict;
        let count = |v: Verdict| report.steps.iter().filter(|s| s.verdict == v).count();
        TestDoc {
            schema_version: SCHEMA_VERSION,
            scratch,
            verdict: if report.passed() { "PASS" } else { "FAIL" },
            passed: count(Verdict::Pass),
            failed: count(Verdict::Fail),
            skipped: count(Verdict::Skip),
            noop: count(Verdict::Noop),
            duration_ms,
            database_ms,
            steps: report.steps.clone(),
        }
    }
}

/// `sluice test` as a table, each failed comparison's difference below it, and a verdict.
pub fn test_text(doc: &TestDoc, style: Style, out: &mut dyn Write) -> io::Result<()> {
    use sluice_core::proof::Verdict;
    writeln!(out, "scratch  {}", doc.scratch)?;
    writeln!(out)?;
    let mut t = Table::new(["MIGRATION", "STEP", "RESULT", "DETAIL"]);
    for s in &doc.steps {
        let (word, color) = match s.verdict {
            Verdict::Pass => ("PASS", Color::Green),
            Verdict::Fail => ("FAIL", Color::Red),
            Verdict::Skip => ("SKIP", Color::Yellow),
            Verdict::Noop => ("NOOP", Color::Red),
        };
        t.row([
            (s.migration.clone(), None),
            (s.step.clone(), None),
            (word.to_string(), Some(color)),
            (s.detail.clone(), None),
        ]);
    }
    t.render(out, style)?;
    for s in doc.steps.iter().filter(|s| s.diff.is_some()) {
        writeln!(out)?;
        writeln!(out, "{} — {}: {}", s.migration, s.step, s.detail)?;
        for l in s.diff.as_deref().unwrap_or_default().lines() {
            writeln!(out, "  {l}")?;
        }
    }
    writeln!(out)?;
    let color = if doc.failed + doc.noop == 0 {
        Color::Green
    } else {
        Color::Red
    };
    let noop = match doc.noop {
        0 => String::new(),
        1 => ", 1 down does nothing".to_string(),
        n => format!(", {n} downs do nothing"),
    };
    writeln!(
        out,
        "verdict: {} — {} passed, {} failed{noop}, {} skipped ({} ms, {} ms of it in the database; the scratch database was dropped)",
        style.paint(doc.verdict, color),
        doc.passed,
        doc.failed,
        doc.skipped,
        doc.duration_ms,
        doc.database_ms
    )
}

fn xml(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&apos;".to_string(),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => " ".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// `sluice test` as JUnit XML: a test case per migration and step.
pub fn test_junit(doc: &TestDoc, out: &mut dyn Write) -> io::Result<()> {
    use sluice_core::proof::Verdict;
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="sluice test" tests="{}" failures="{}" skipped="{}" time="{:.3}">"#,
        doc.steps.len(),
        doc.failed + doc.noop,
        doc.skipped,
        doc.duration_ms as f64 / 1000.0
    )?;
    writeln!(
        out,
        r#"  <testsuite name="sluice test" tests="{}" failures="{}" skipped="{}">"#,
        doc.steps.len(),
        doc.failed + doc.noop,
        doc.skipped
    )?;
    for s in &doc.steps {
        write!(
            out,
            r#"    <testcase classname="{}" name="{}" time="{:.3}""#,
            xml(&s.migration),
            xml(&s.step),
            s.duration_ms as f64 / 1000.0
        )?;
        match s.verdict {
            Verdict::Pass => writeln!(out, "/>")?,
            Verdict::Skip => writeln!(
                out,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                xml(&s.detail)
            )?,
            Verdict::Fail | Verdict::Noop => writeln!(
                out,
                ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                xml(&s.detail),
                xml(s.diff.as_deref().unwrap_or(&s.detail))
            )?,
        }
    }
    writeln!(out, "  </testsuite>\n</testsuites>")
}

/// `sluice drift`: how a live database differs from what its applied migrations make.
#[derive(Clone, Debug, Serialize)]
pub struct DriftDoc {
    /// Format version.
    pub schema_version: u32,
    /// The live database.
    pub target: Target,
    /// Whether anything differs (objects, or files changed since they were applied).
    pub drift: bool,
    /// Applied migrations whose file changed or is gone.
    pub files: Vec<String>,
    /// Objects in the live database that the migrations do not make (added by hand).
    pub added: Vec<String>,
    /// Objects the migrations make that the live database lacks.
    pub missing: Vec<String>,
    /// Objects defined differently, with the lines (`- ` expected, `+ ` live).
    pub changed: Vec<DriftChange>,
    /// Migrations the expected schema was built from, in applied order.
    pub applied: usize,
}

/// One changed object.
#[derive(Clone, Debug, Serialize)]
pub struct DriftChange {
    /// `table public.orders`.
    pub object: String,
    /// The differing lines.
    pub lines: Vec<String>,
}

impl DriftDoc {
    /// The document from the differences expected → live.
    pub fn new(
        target: Target,
        files: Vec<String>,
        diffs: &[sluice_core::schema::Difference],
        applied: usize,
    ) -> DriftDoc {
        use sluice_core::schema::Difference;
        let (mut added, mut missing, mut changed) = (Vec::new(), Vec::new(), Vec::new());
        for d in diffs {
            match d {
                Difference::Added { kind, name } => added.push(format!("{kind} {name}")),
                Difference::Removed { kind, name } => missing.push(format!("{kind} {name}")),
                Difference::Changed { kind, name, lines } => changed.push(DriftChange {
                    object: format!("{kind} {name}"),
                    lines: lines.clone(),
                }),
            }
        }
        DriftDoc {
            schema_version: SCHEMA_VERSION,
            target,
            drift: !(files.is_empty() && diffs.is_empty()),
            files,
            added,
            missing,
            changed,
            applied,
        }
    }
}

/// `sluice drift` for people.
pub fn drift_text(doc: &DriftDoc, style: Style, out: &mut dyn Write) -> io::Result<()> {
    header(out, &doc.target)?;
    writeln!(out)?;
    if !doc.drift {
        return writeln!(
            out,
            "{}: the live schema is what the {} applied migrations make",
            style.paint("no drift", Color::Green),
            doc.applied
        );
    }
    for f in &doc.files {
        writeln!(out, "{} {f}", style.paint("file", Color::Red))?;
    }
    for a in &doc.added {
        writeln!(
            out,
            "{} {a} (not made by any migration: added by hand?)",
            style.paint("+", Color::Red)
        )?;
    }
    for m in &doc.missing {
        writeln!(
            out,
            "{} {m} (made by the migrations, missing in the database)",
            style.paint("-", Color::Red)
        )?;
    }
    for c in &doc.changed {
        writeln!(
            out,
            "{} {} (defined differently; - expected, + live)",
            style.paint("~", Color::Red),
            c.object
        )?;
        for l in &c.lines {
            writeln!(out, "    {l}")?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}: {} added, {} missing, {} changed, {} file problem(s), against {} applied migrations",
        style.paint("drift", Color::Red),
        doc.added.len(),
        doc.missing.len(),
        doc.changed.len(),
        doc.files.len(),
        doc.applied
    )
}

/// `sluice drift` as Markdown, for a review or a ticket.
pub fn drift_md(doc: &DriftDoc, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "# Schema drift: {}", doc.target.database)?;
    writeln!(out)?;
    writeln!(
        out,
        "Environment `{}`, {} applied migrations. Verdict: **{}**.",
        doc.target.environment,
        doc.applied,
        if doc.drift { "drift" } else { "no drift" }
    )?;
    let section = |out: &mut dyn Write, title: &str, items: &[String]| -> io::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        writeln!(out, "\n## {title}\n")?;
        for i in items {
            writeln!(out, "- `{i}`")?;
        }
        Ok(())
    };
    section(out, "Migration files changed or missing", &doc.files)?;
    section(out, "Added by hand (not made by any migration)", &doc.added)?;
    section(out, "Missing (made by the migrations)", &doc.missing)?;
    if !doc.changed.is_empty() {
        writeln!(out, "\n## Defined differently\n")?;
        for c in &doc.changed {
            writeln!(out, "### `{}`\n\n```diff", c.object)?;
            for l in &c.lines {
                writeln!(out, "{l}")?;
            }
            writeln!(out, "```\n")?;
        }
    }
    Ok(())
}
