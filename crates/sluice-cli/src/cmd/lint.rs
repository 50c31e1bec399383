//! `sluice lint`: the safety analysis of migrations or plain SQL files, as text (rustc
//! style), JSON, SARIF or GitHub annotations. Never connects, never writes.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use sluice_core::lint::{self, Finding, Options, Report, Severity, Version, rules};
use sluice_lint::Input;
use sluice_sql::Dialect;

use crate::args::{Format, LintArgs};
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

/// One analysed file.
struct Linted {
    path: String,
    source: String,
    id: Option<String>,
    declared: Option<String>,
    report: Report,
}

pub fn run(args: LintArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let lint_cfg = s.config.as_ref().map(|c| &c.lint);
    if let Some(rule) = &args.explain {
        return explain(rule, out);
    }
    let input = |m: String| Failure::new(Exit::Input, m);
    let dialect = match args.dialect.as_deref() {
        Some("postgres") => Dialect::Postgres,
        Some("mysql") => Dialect::MySql,
        Some("sqlite") => Dialect::Sqlite,
        _ => s.dialect,
    };
    let mut options = super::analysis::options(s, dialect)?;
    let fail_on = match &args.fail_on {
        Some(l) => Severity::parse(l).unwrap_or(Severity::High),
        None => lint::fail_on(lint_cfg).map_err(input)?,
    };
    // `--env` or `--url`: the analysis reads the server's version and its tables' sizes,
    // and lints what `up` would apply there.
    let mut engine = if s.connect {
        let e = s.open(sluice_engine::Access::ReadOnly, "lint")?;
        if e.is_none() {
            return Err(input(format!(
                "{}: the database does not exist; lint without --env, or create it with sluice up",
                s.masked_url()
            )));
        }
        e
    } else {
        None
    };
    if let Some(v) = &args.server_version {
        options.version = Some(Version::parse(v).ok_or_else(|| {
            input(format!(
                "--server-version {v}: write a version such as 15, 14.2, 8.0 or 10.11"
            ))
        })?);
    }

    let mut files = Vec::new();
    if args.paths.is_empty() {
        let plan = s.plan_to_lint()?;
        let migrations: Vec<&sluice_core::Migration> = match engine.as_mut() {
            Some(e) => pending(s, &plan, e.as_mut(), out)?,
            None => plan.migrations().iter().collect(),
        };
        super::analysis::check_allows(migrations.iter().copied())?;
        let reports: Vec<Report> = if let Some(e) = engine.as_mut() {
            // Connected: what `up` would apply, each knowing what the earlier ones create.
            super::analysis::analyse_plan(&migrations, &mut options, Some(e.as_mut()))?
        } else {
            // Offline, each migration is analysed as if those before it were applied long
            // ago: their tables exist and may be large (the column types they declare
            // still hold).
            lint::check_plan(migrations.iter().copied(), &options, false)
                .into_iter()
                .map(|(_, r)| r)
                .collect()
        };
        for (m, report) in migrations.into_iter().zip(reports) {
            files.push(Linted {
                path: m.path.display().to_string(),
                source: std::fs::read_to_string(&m.path).unwrap_or_default(),
                id: Some(m.id.to_string()),
                declared: m.meta.risk.map(|r| format!("{r:?}").to_ascii_lowercase()),
                report,
            });
        }
    } else {
        let paths = sql_files(&args.paths).map_err(input)?;
        if let Some(e) = engine.as_mut() {
            // Files given by path: every table's size and the server's version.
            super::analysis::connect(&mut options, e.as_mut(), None)?;
        }
        // Files in the project's own migrations folders are run by sluice, which bounds
        // every statement's lock wait; anything else may be run by anything.
        let ours: Vec<PathBuf> = std::iter::once(&s.migrations)
            .chain(&s.locations)
            .filter_map(|d| d.canonicalize().ok())
            .collect();
        for path in paths {
            let by_sluice = path
                .canonicalize()
                .is_ok_and(|p| ours.iter().any(|d| p.starts_with(d)));
            files.push(lint_file(&path, dialect, &options, by_sluice)?);
        }
    }

    match s.format {
        Format::Text => text(&files, fail_on, out)?,
        Format::Json => json_doc(&files, fail_on, dialect, out)?,
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif(&files))
                .map_err(std::io::Error::other)?;
            writeln!(out)?;
        }
        Format::Github => github(&files, out)?,
        other => return Err(super::unsupported("lint", other.name())),
    }
    let failing = files
        .iter()
        .flat_map(|f| &f.report.findings)
        .any(|f| f.allowed.is_none() && f.severity >= fail_on);
    Ok(if failing {
        Exit::ChecksFailed
    } else {
        Exit::Success
    })
}

/// The migrations `up` would apply on the connected database; says first (in text) how
/// many are already applied and so not linted.
fn pending<'p>(
    s: &Settings,
    plan: &'p sluice_core::Plan,
    engine: &mut dyn sluice_core::Engine,
    out: &mut dyn Write,
) -> Result<Vec<&'p sluice_core::Migration>, Failure> {
    let records = if engine.state_exists()? {
        engine.records()?
    } else {
        Vec::new()
    };
    let live = super::live_run(engine);
    let overview = sluice_core::run::Overview::new(plan, records, &s.env, live.as_ref());
    let opts = sluice_core::run::UpOptions {
        late: Some(s.run.late),
        ..sluice_core::run::UpOptions::default()
    };
    let chosen = sluice_core::run::plan_up(plan, &overview, &opts, &s.env)?;
    let applied = plan.migrations().len() - chosen.apply.len() - chosen.skipped_env.len();
    if s.format == Format::Text {
        writeln!(
            out,
            "{} on {}: {} pending migration(s) linted with live table sizes; {applied} applied, not linted\n",
            s.env,
            s.masked_url(),
            chosen.apply.len()
        )?;
    }
    Ok(chosen.apply.iter().map(|(m, _)| *m).collect())
}

/// The `.sql` files named, folders read recursively in name order.
fn sql_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut stack = vec![p.clone()];
            let mut found = Vec::new();
            while let Some(d) = stack.pop() {
                let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
                for e in entries {
                    let path = e.map_err(|e| format!("{}: {e}", d.display()))?.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|x| x == "sql") {
                        found.push(path);
                    }
                }
            }
            found.sort();
            out.extend(found);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(format!("{}: no such file or folder", p.display()));
        }
    }
    Ok(out)
}

fn lint_file(
    path: &Path,
    dialect: Dialect,
    options: &Options,
    by_sluice: bool,
) -> Result<Linted, Failure> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| Failure::new(Exit::Input, format!("{}: {e}", path.display())))?;
    let shown = path.display().to_string();
    if source.lines().any(|l| l.trim() == "-- sluice:up") {
        let m = sluice_core::file::parse(path, &source, dialect)
            .map_err(|e| Failure::new(Exit::Input, e.to_string()))?;
        super::analysis::check_allows(std::iter::once(&m))?;
        let report = lint::check(&m, options, &sluice_lint::Before::new());
        return Ok(Linted {
            path: shown,
            id: Some(m.id.to_string()),
            declared: m.meta.risk.map(|r| format!("{r:?}").to_ascii_lowercase()),
            source,
            report,
        });
    }
    // Plain SQL: one migration, assumed to run in one transaction, by some other runner.
    let stmts = sluice_sql::split(&source, dialect)
        .map_err(|e| Failure::new(Exit::Input, format!("{shown}:{}: {e}", e.line)))?;
    let m = sluice_lint::Migration {
        statements: stmts
            .iter()
            .map(|s| Input {
                sql: s.text,
                line: s.line,
            })
            .collect(),
        transactional: true,
    };
    // Outside the project's migrations, its runner is not sluice: nothing bounds its lock
    // waits but the file itself.
    let mut o = options.clone();
    if !by_sluice {
        o.runner_lock_timeout = false;
        o.runner_statement_timeout = false;
    }
    let report = sluice_lint::check(&m, &o, &sluice_lint::Before::new());
    Ok(Linted {
        path: shown,
        source,
        id: None,
        declared: None,
        report,
    })
}

fn explain(rule: &str, out: &mut dyn Write) -> Result<Exit, Failure> {
    if rule == "all" {
        writeln!(
            out,
            "{:<42} {:<7} {:<24} default",
            "rule", "level", "dialects"
        )?;
        for r in rules::ALL {
            writeln!(
                out,
                "{:<42} {:<7} {:<24} {}",
                r.id,
                r.severity.as_str(),
                dialects(r),
                if r.default_on { "on" } else { "off" }
            )?;
        }
        return Ok(Exit::Success);
    }
    let Some(r) = rules::find(rule) else {
        return Err(Failure::new(
            Exit::Input,
            format!("there is no rule `{rule}`; `sluice lint --explain all` lists them"),
        ));
    };
    writeln!(
        out,
        "{} — {}, {}, {} by default\n",
        r.id,
        r.severity,
        dialects(r),
        if r.default_on { "on" } else { "off" }
    )?;
    for l in r.doc.lines() {
        writeln!(out, "{}", l.strip_prefix(' ').unwrap_or(l))?;
    }
    Ok(Exit::Success)
}

/// `postgres, mysql` …
pub fn dialects(r: &sluice_lint::Rule) -> String {
    r.dialects
        .iter()
        .map(|d| d.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn text(files: &[Linted], fail_on: Severity, out: &mut dyn Write) -> std::io::Result<()> {
    let mut all: Vec<&Finding> = Vec::new();
    let mut not_analysed = 0;
    for f in files {
        sluice_lint::render::text(out, &f.path, &f.source, &f.report.findings)?;
        all.extend(&f.report.findings);
        not_analysed += f
            .report
            .statements
            .iter()
            .filter(|s| s.not_analysed.is_some())
            .count();
    }
    let statements: usize = files.iter().map(|f| f.report.statements.len()).sum();
    let c = |s: Severity| {
        all.iter()
            .filter(|f| f.allowed.is_none() && f.severity == s)
            .count()
    };
    let allowed = all.iter().filter(|f| f.allowed.is_some()).count();
    writeln!(
        out,
        "{} file(s), {statements} statement(s) ({not_analysed} not analysed): {} high, {} medium, {} low, {allowed} allowed; failing at {fail_on} and above",
        files.len(),
        c(Severity::High),
        c(Severity::Medium),
        c(Severity::Low),
    )
}

fn finding_json(f: &Finding) -> Value {
    json!({
        "rule": f.rule,
        "severity": f.severity.as_str(),
        "message": f.message,
        "why": f.why,
        "instead": f.instead,
        "statement": f.statement,
        "line": f.line,
        "column": f.column,
        "end_column": f.column + f.width,
        "allowed": f.allowed,
        "rated": f.rated,
    })
}

/// The JSON document, written one file at a time (one line each), so that memory stays
/// flat on large corpora.
fn json_doc(
    files: &[Linted],
    fail_on: Severity,
    dialect: Dialect,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{{\"schema_version\": {}, \"dialect\": \"{}\", \"fail_on\": \"{}\", \"files\": [",
        sluice_report::SCHEMA_VERSION,
        dialect.name(),
        fail_on.as_str()
    )?;
    for (k, f) in files.iter().enumerate() {
        let v = json_file(f);
        serde_json::to_writer(&mut *out, &v).map_err(std::io::Error::other)?;
        writeln!(out, "{}", if k + 1 < files.len() { "," } else { "" })?;
    }
    writeln!(out, "]}}")
}

fn json_file(f: &Linted) -> Value {
    {
        {
            let statements: Vec<Value> = f
                .report
                .statements
                .iter()
                .map(|s| match &s.effects {
                    Some(e) => json!({
                        "line": s.line,
                        "kind": e.kind,
                        "creates": e.created.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
                        "alters": e.altered.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
                        "drops": e.dropped.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
                        "locks": e.locks.iter().map(|l| json!({
                            "table": l.table.to_string(),
                            "mode": l.mode.to_string(),
                            "via_index": l.via_index,
                        })).collect::<Vec<_>>(),
                        "rewrites": e.rewrites.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
                        "scans": e.scans.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
                        "data_loss": e.data_loss,
                        "idempotent": e.idempotent,
                        "transactional": e.transactional,
                        "estimate": s.estimate.as_ref().map(|est| json!({
                            "seconds": est.seconds,
                            "text": est.describe(),
                        })),
                    }),
                    None => json!({ "line": s.line, "not_analysed": s.not_analysed }),
                })
                .collect();
            json!({
                "path": f.path,
                "id": f.id,
                "declared_risk": f.declared,
                "risk": f.report.risk().as_str(),
                "statements": statements,
                "findings": f.report.findings.iter().map(finding_json).collect::<Vec<_>>(),
            })
        }
    }
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

fn sarif(files: &[Linted]) -> Value {
    let rules: Vec<Value> = rules::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": { "text": r.why },
                "fullDescription": { "text": r.doc.trim() },
                "help": { "text": r.instead },
                "defaultConfiguration": { "level": sarif_level(r.severity), "enabled": r.default_on },
            })
        })
        .collect();
    let mut results = Vec::new();
    for f in files {
        for x in &f.report.findings {
            let mut r = json!({
                "ruleId": x.rule,
                "level": sarif_level(x.severity),
                "message": { "text": format!("{} — instead: {}", x.message, x.instead) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": f.path.replace('\\', "/") },
                        "region": {
                            "startLine": x.line,
                            "startColumn": x.column,
                            "endColumn": x.column + x.width,
                        }
                    }
                }],
            });
            if let Some(reason) = &x.allowed {
                r["suppressions"] = json!([{ "kind": "inSource", "justification": reason }]);
            }
            results.push(r);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "sluice",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }]
    })
}

/// GitHub workflow commands: `::error file=…,line=…::message`.
fn github(files: &[Linted], out: &mut dyn Write) -> std::io::Result<()> {
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    for f in files {
        for x in f.report.findings.iter().filter(|x| x.allowed.is_none()) {
            let kind = match x.severity {
                Severity::High => "error",
                Severity::Medium => "warning",
                Severity::Low => "notice",
            };
            writeln!(
                out,
                "::{kind} file={},line={},col={},endColumn={},title={}::{}",
                prop(&f.path),
                x.line,
                x.column,
                x.column + x.width,
                prop(&format!("sluice {} ({})", x.rule, x.severity)),
                data(&format!("{}. Instead: {}", x.message, x.instead))
            )?;
        }
    }
    Ok(())
}
