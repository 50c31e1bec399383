//! The safety analysis applied to migrations: `sluice lint`, and the risk `plan` and the
//! gates read. The analysis itself is `sluice_sql::lint`; this module feeds it a
//! migration's `up` section, applies `[lint]` from `sluice.toml`, and compares the result
//! with the migration's `risk:` header.

use std::collections::BTreeMap;

use sluice_sql::lint::{self as analysis, Input};
pub use sluice_sql::lint::{Finding, Options, Report, Severity, TableSize, Version, rules};
use sluice_sql::parse::Name;

use crate::config::LintConfig;
use crate::file::{Migration, Risk};

/// Builds the analysis options from `[lint]`, checking every rule id and severity named.
pub fn options(cfg: Option<&LintConfig>, dialect: sluice_sql::Dialect) -> Result<Options, String> {
    let mut o = Options::new(dialect);
    let Some(cfg) = cfg else { return Ok(o) };
    let known = |id: &str| -> Result<(), String> {
        if rules::find(id).is_some() {
            Ok(())
        } else {
            Err(format!(
                "sluice.toml [lint]: there is no rule `{id}`; `sluice lint --explain` lists them"
            ))
        }
    };
    for id in &cfg.enable {
        known(id)?;
        o.switches.insert(id.clone(), true);
    }
    for id in &cfg.disable {
        known(id)?;
        o.switches.insert(id.clone(), false);
    }
    for (id, sev) in &cfg.severity {
        known(id)?;
        let s = Severity::parse(sev).ok_or_else(|| {
            format!("sluice.toml [lint] severity.{id} = {sev:?}: write low, medium or high")
        })?;
        o.ratings.insert(id.clone(), s);
    }
    o.require_rls = cfg.require_rls;
    Ok(o)
}

/// The `fail_on` level of `[lint]` (default high).
pub fn fail_on(cfg: Option<&LintConfig>) -> Result<Severity, String> {
    match cfg.and_then(|c| c.fail_on.as_deref()) {
        None => Ok(Severity::High),
        Some(s) => Severity::parse(s).ok_or_else(|| {
            format!("sluice.toml [lint] fail_on = {s:?}: write low, medium or high")
        }),
    }
}

fn severity_of(r: Risk) -> Severity {
    match r {
        Risk::Low => Severity::Low,
        Risk::Medium => Severity::Medium,
        Risk::High => Severity::High,
    }
}

/// Analyses the `up` section of `m`. `created_before` names tables created by earlier
/// migrations of the same plan. Adds `risk-understated` when the header claims less than
/// the findings (allowed findings do not count).
pub fn check(m: &Migration, options: &Options, created_before: &[Name]) -> Report {
    let input = analysis::Migration {
        statements: m
            .up
            .statements
            .iter()
            .map(|s| Input {
                sql: &s.sql,
                line: s.line,
            })
            .collect(),
        transactional: m.meta.transaction,
    };
    let mut report = analysis::check(&input, options, created_before);
    if let Some(claimed) = m.meta.risk.map(severity_of) {
        let found = report.risk();
        let rule = rules::find("risk-understated").expect("registered");
        if found > claimed && options.enabled(rule) {
            let line = std::fs::read_to_string(&m.path)
                .ok()
                .and_then(|t| {
                    t.lines()
                        .position(|l| l.trim_start().starts_with("-- risk:"))
                        .map(|i| i + 1)
                })
                .unwrap_or(1);
            let mut reasons_unique: Vec<&str> = Vec::new();
            for f in &report.findings {
                if f.allowed.is_none() && f.severity == found && !reasons_unique.contains(&f.rule) {
                    reasons_unique.push(f.rule);
                }
            }
            report.findings.insert(
                0,
                Finding {
                    rule: rule.id,
                    severity: options.ratings.get(rule.id).copied().unwrap_or(found),
                    message: format!(
                        "the header says risk: {claimed}, the analysis finds {found} ({})",
                        reasons_unique.join(", ")
                    ),
                    why: rule.why,
                    instead: rule.instead,
                    statement: 0,
                    line,
                    column: 1,
                    width: "-- risk:".len(),
                    allowed: None,
                    rated: None,
                },
            );
        }
    }
    report
}

/// Analyses migrations in plan order, each knowing the tables the earlier ones create.
pub fn check_plan<'a>(
    migrations: impl IntoIterator<Item = &'a Migration>,
    options: &Options,
) -> Vec<(&'a Migration, Report)> {
    let mut created: Vec<Name> = Vec::new();
    let mut out = Vec::new();
    for m in migrations {
        let r = check(m, options, &created);
        created.extend(r.created_tables.iter().cloned());
        out.push((m, r));
    }
    out
}

/// Malformed `-- sluice:allow` lines of `m`'s up section: (line, message).
pub fn bad_allows(m: &Migration) -> Vec<(usize, String)> {
    m.up.statements
        .iter()
        .flat_map(|s| {
            analysis::bad_allow_directives(&s.sql)
                .into_iter()
                .map(move |(k, msg)| (s.line + k, msg))
        })
        .collect()
}

/// Counts of unallowed findings by severity.
pub fn counts(findings: &[Finding]) -> BTreeMap<Severity, usize> {
    let mut c = BTreeMap::new();
    for f in findings.iter().filter(|f| f.allowed.is_none()) {
        *c.entry(f.severity).or_insert(0) += 1;
    }
    c
}
