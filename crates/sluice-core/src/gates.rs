//! Environment gates: what must hold before `up` may run a migration in an environment —
//! promotion from the environment before it, approvals of risky migrations, confirmation of
//! destructive ones, a backup. Each gate is checked before the first statement runs and,
//! when it blocks, says why and which command satisfies it.
//!
//! This module decides from data the caller reads (the environments' histories and
//! events); it opens nothing.

use serde::Serialize;

use crate::config::EnvConfig;
use crate::engine::{EventRow, Record};
use crate::file::{Migration, Risk};
use crate::state::State;

/// What the environment before this one (`after = "staging"`) has.
#[derive(Clone, Debug)]
pub struct Upstream {
    /// Its name.
    pub name: String,
    /// Its history.
    pub records: Vec<Record>,
    /// Its events (for verifications).
    pub events: Vec<EventRow>,
}

/// One gate's verdict for one migration (or for the run).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gate {
    /// `promotion`, `approval`, `destructive`, `backup`, `hooks`.
    pub gate: &'static str,
    /// The migration, when the gate is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migration: Option<String>,
    /// Whether it lets the run through.
    pub passed: bool,
    /// Why.
    pub reason: String,
    /// The command that satisfies it, when it blocks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// What the safety analysis found for one migration: its risk and the rules behind it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assessed {
    /// The highest severity among findings that are not allowed (`None`: no finding).
    pub risk: Option<Risk>,
    /// The rules of the findings at that severity.
    pub rules: Vec<&'static str>,
}

impl Assessed {
    /// From a migration's analysis.
    pub fn of(report: &crate::lint::Report) -> Assessed {
        let open: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.allowed.is_none())
            .collect();
        let Some(top) = open.iter().map(|f| f.severity).max() else {
            return Assessed::default();
        };
        let mut rules: Vec<&'static str> = Vec::new();
        // `risk-understated` restates the others: name the rules behind the risk.
        for f in open
            .iter()
            .filter(|f| f.severity == top && f.rule != "risk-understated")
        {
            if !rules.contains(&f.rule) {
                rules.push(f.rule);
            }
        }
        Assessed {
            risk: Some(top.into()),
            rules,
        }
    }
}

/// Everything the gates look at.
#[derive(Debug)]
pub struct Inputs<'a> {
    /// The environment's name.
    pub env: &'a str,
    /// Its settings.
    pub cfg: &'a EnvConfig,
    /// The migrations `up` would apply, in order.
    pub apply: &'a [&'a Migration],
    /// This environment's events (approvals).
    pub events: &'a [EventRow],
    /// The environment before this one, or why it could not be read.
    pub upstream: Option<Result<Upstream, String>>,
    /// Migrations confirmed with `--confirm <id>`.
    pub confirmed: &'a [String],
    /// The safety analysis of each migration of `apply`, in the same order (empty: the
    /// headers' `risk:` alone decide).
    pub assessed: &'a [Assessed],
}

/// The latest verification of `m` recorded in `events` for its current checksum.
pub fn verified(events: &[EventRow], m: &Migration) -> Option<bool> {
    events
        .iter()
        .rev()
        .filter(|e| e.event.migration_id.as_ref() == Some(&m.id))
        .filter(|e| e.event.checksum.as_ref() == Some(&m.checksum))
        .find_map(|e| e.event.details.get("verify").and_then(|v| v.as_str()))
        .map(|v| v == "PASS")
}

/// The destructive statements of `m`'s `up`, described.
pub fn destructive(m: &Migration) -> Vec<String> {
    m.up.statements
        .iter()
        .filter_map(|s| sluice_sql::destructive(&s.sql).map(|d| format!("{d} (line {})", s.line)))
        .collect()
}

fn risk_name(r: Risk) -> &'static str {
    match r {
        Risk::Low => "low",
        Risk::Medium => "medium",
        Risk::High => "high",
    }
}

/// Checks every gate; the run may go ahead only when all passed.
pub fn check(i: &Inputs<'_>) -> Vec<Gate> {
    let mut out = Vec::new();
    let env = i.env;
    if i.apply.is_empty() {
        return out;
    }
    for (k, m) in i.apply.iter().enumerate() {
        let id = m.id.to_string();
        let gate = |gate, passed, reason: String, fix: Option<String>| Gate {
            gate,
            migration: Some(id.clone()),
            passed,
            reason,
            fix,
        };
        if let Some(up) = &i.upstream {
            let name = i.cfg.after.as_deref().unwrap_or("upstream");
            out.push(match up {
                Err(why) => gate(
                    "promotion",
                    false,
                    format!("{name} could not be read ({why}); the gate fails closed"),
                    Some(format!("make {name} reachable, then run again (sluice status --env {name})")),
                ),
                Ok(u) => match u.records.iter().find(|r| r.id == m.id) {
                    Some(r) if r.state == State::Applied && r.checksum != m.checksum => gate(
                        "promotion",
                        false,
                        format!(
                            "applied in {name} with another checksum ({}): the file changed since it ran there",
                            r.checksum
                        ),
                        Some(format!("apply this file in {name} first: sluice down {id} --env {name} && sluice up --env {name}")),
                    ),
                    Some(r) if r.state == State::Applied => {
                        let has_checks = !m.verify.is_empty();
                        match (has_checks, verified(&u.events, m)) {
                            (false, _) => gate("promotion", true, format!("applied in {name}"), None),
                            (true, Some(true)) => gate("promotion", true, format!("applied and verified in {name}"), None),
                            (true, Some(false)) => gate(
                                "promotion",
                                false,
                                format!("its verify failed in {name}"),
                                Some(format!("fix it, then sluice verify --env {name} {id}")),
                            ),
                            (true, None) => gate(
                                "promotion",
                                false,
                                format!("applied in {name} but its verify has not passed there"),
                                Some(format!("sluice verify --env {name} {id}")),
                            ),
                        }
                    }
                    other => gate(
                        "promotion",
                        false,
                        format!(
                            "not applied in {name} (there: {})",
                            other.map_or("pending".to_string(), |r| r.state.to_string())
                        ),
                        Some(format!("sluice up --env {name}, then sluice verify --env {name}")),
                    ),
                },
            });
        }
        if let Some(level) = i.cfg.approve_at {
            let claimed = m.meta.risk.unwrap_or(Risk::Low);
            let found = i.assessed.get(k).cloned().unwrap_or_default();
            let risk = claimed.max(found.risk.unwrap_or(Risk::Low));
            // Where the risk comes from, when the analysis raised it above the header.
            let source = if risk > claimed {
                format!(
                    " (the analysis: {}; the header says {})",
                    found.rules.join(", "),
                    m.meta.risk.map_or("nothing", risk_name)
                )
            } else {
                String::new()
            };
            if risk >= level {
                let approvals: Vec<&EventRow> = i
                    .events
                    .iter()
                    .filter(|e| e.event.migration_id.as_ref() == Some(&m.id))
                    .filter(|e| {
                        e.event.details.get("approval").and_then(|v| v.as_bool()) == Some(true)
                    })
                    .collect();
                let current = approvals
                    .iter()
                    .rev()
                    .find(|e| e.event.checksum.as_ref() == Some(&m.checksum));
                let fix = Some(format!("sluice approve {id} --env {env} --reason \"…\""));
                out.push(match (current, approvals.last()) {
                    (Some(a), _) => gate(
                        "approval",
                        true,
                        format!("risk {}{source} approved by {} at {}", risk_name(risk), a.event.actor, a.event.at),
                        None,
                    ),
                    (None, Some(old)) => gate(
                        "approval",
                        false,
                        format!(
                            "risk {}{source} needs an approval in {env}; the approval by {} was for checksum {}, and the file changed since",
                            risk_name(risk),
                            old.event.actor,
                            old.event.checksum.as_ref().map_or("?".to_string(), ToString::to_string)
                        ),
                        fix,
                    ),
                    (None, None) => gate(
                        "approval",
                        false,
                        format!("risk {}{source} needs an approval in {env} (approve_at = \"{}\")", risk_name(risk), risk_name(level)),
                        fix,
                    ),
                });
            }
        }
        if i.cfg.confirm_destructive {
            let found = destructive(m);
            if !found.is_empty() {
                let ok = i.confirmed.iter().any(|c| c == m.id.as_str());
                out.push(gate(
                    "destructive",
                    ok,
                    if ok {
                        format!("confirmed: {}", found.join(", "))
                    } else {
                        format!("it destroys data: {}", found.join(", "))
                    },
                    (!ok).then(|| format!("sluice up --env {env} --confirm {id}")),
                ));
            }
        }
    }
    if i.cfg.backup {
        out.push(Gate {
            gate: "backup",
            migration: None,
            passed: true,
            reason: "a backup is taken before the first migration; no backup, no apply".into(),
            fix: None,
        });
    }
    if !i.cfg.hooks.before.is_empty() {
        out.push(Gate {
            gate: "hooks",
            migration: None,
            passed: true,
            reason: format!(
                "{} before hook(s) run first; a failure stops the run with nothing applied",
                i.cfg.hooks.before.len()
            ),
            fix: None,
        });
    }
    out
}
