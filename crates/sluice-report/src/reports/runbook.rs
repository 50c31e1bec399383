//! `sluice report runbook`: the execution order, pre-flight checks, commands, verification,
//! rollback and the verdict.

use super::*;

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
    pub(crate) fn all(m: &Migration) -> Vec<RunbookCheck> {
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
pub(super) fn diagram(order: &[RunbookStep]) -> String {
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
