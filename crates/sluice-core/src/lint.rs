//! The safety analysis applied to migrations: `sluice lint`, and the risk `plan` and the
//! gates read. The analysis itself is `sluice_lint`; this module feeds it a
//! migration's `up` section, applies `[lint]` from `sluice.toml`, and compares the result
//! with the migration's `risk:` header.

use std::collections::{BTreeMap, BTreeSet};

use sluice_lint::{self as analysis, Before, Input};
pub use sluice_lint::{Finding, Options, Report, Severity, TableSize, Version, rules};

use crate::config::LintConfig;
use crate::engine::{DbError, Engine};
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
    o.galera = cfg.galera;
    if let Some(n) = cfg.large_rows {
        o.large_rows = n;
    }
    if let Some(n) = cfg.small_rows {
        o.small_rows = n;
    }
    if o.small_rows > o.large_rows {
        return Err(format!(
            "sluice.toml [lint]: small_rows ({}) is above large_rows ({}): small tables must be smaller than large ones",
            o.small_rows, o.large_rows
        ));
    }
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

impl From<Severity> for Risk {
    fn from(s: Severity) -> Risk {
        match s {
            Severity::Low => Risk::Low,
            Severity::Medium => Risk::Medium,
            Severity::High => Risk::High,
        }
    }
}

fn severity_of(r: Risk) -> Severity {
    match r {
        Risk::Low => Severity::Low,
        Risk::Medium => Severity::Medium,
        Risk::High => Severity::High,
    }
}

/// Analyses the `up` section of `m`. `before` is what the earlier migrations of the same
/// plan left. Adds `risk-understated` when the header claims less than the findings
/// (allowed findings do not count).
pub fn check(m: &Migration, options: &Options, before: &Before) -> Report {
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
    let mut report = analysis::check(&input, options, before);
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
    // Not a risk of the change: after `risk-understated`, which must not count it.
    let rule = rules::find("missing-down").expect("registered");
    if m.down_missing && options.enabled(rule) {
        report.findings.insert(
            0,
            Finding {
                rule: rule.id,
                severity: options.ratings.get(rule.id).copied().unwrap_or(rule.severity),
                message: "no `-- sluice:down` section and no `irreversible: true`: every command but lint refuses this file".into(),
                why: rule.why,
                instead: rule.instead,
                statement: 0,
                line: m.up.marker_line,
                column: 1,
                width: "-- sluice:up".len(),
                allowed: None,
                rated: None,
            },
        );
    }
    report
}

/// Analyses migrations in plan order, each knowing the column types the earlier ones
/// declare. `in_one_run`: the plan is applied in one go, so the tables the earlier ones
/// create are still empty; otherwise (offline `lint`) each migration is analysed as if
/// those before it were applied long ago, their tables grown.
pub fn check_plan<'a>(
    migrations: impl IntoIterator<Item = &'a Migration>,
    options: &Options,
    in_one_run: bool,
) -> Vec<(&'a Migration, Report)> {
    let mut before = Before::new();
    let mut out = Vec::new();
    for m in migrations {
        let mut r = check(m, options, &before);
        before.learn(&mut r, in_one_run);
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

/// Tables smaller than this whose row count the server does not know yet are counted.
const COUNT_BELOW_BYTES: u64 = 256 * 1024 * 1024;

/// The live size of every table of the database `engine` is connected to, keyed as
/// [`Options::sizes`] wants: lower-case `schema.table`, and bare `table` for the current
/// schema. Reads the catalog only (PostgreSQL `pg_class.reltuples` and
/// `pg_total_relation_size`; MySQL/MariaDB `information_schema.TABLES`); a PostgreSQL
/// table never analysed, and every SQLite table, is counted when it is smaller than 256 MB.
///
/// `only` (lower-case bare names) limits the work to those tables: SQLite counts only
/// them. `None` reads every table.
pub fn live_sizes(
    engine: &mut dyn Engine,
    dialect: sluice_sql::Dialect,
    only: Option<&BTreeSet<String>>,
) -> Result<BTreeMap<String, TableSize>, DbError> {
    let wanted = |table: &str| only.is_none_or(|o| o.contains(&table.to_ascii_lowercase()));
    use sluice_sql::Dialect;
    let num = |v: &Option<String>| -> u64 {
        v.as_deref()
            .and_then(|t| t.parse::<f64>().ok())
            .map_or(0, |f| f.max(0.0) as u64)
    };
    let mut out = BTreeMap::new();
    let mut put = |schema: &str, table: &str, current: bool, size: TableSize| {
        let t = table.to_ascii_lowercase();
        out.insert(format!("{}.{t}", schema.to_ascii_lowercase()), size);
        if current {
            out.insert(t, size);
        }
    };
    match dialect {
        Dialect::Postgres => {
            // Only the tables asked for are sized: `pg_total_relation_size` reads the files
            // of every relation it is given, and a database of many schemas (a tenant
            // each) has many.
            // A bare name is looked for in the schemas of the search path, a qualified one
            // where it says.
            let names = match only {
                Some(o) if o.is_empty() => return Ok(out),
                Some(o) => {
                    let list = |qualified: bool| {
                        let items: Vec<String> = o
                            .iter()
                            .filter(|t| t.contains('.') == qualified)
                            .map(|t| format!("'{}'", t.replace('\'', "''")))
                            .collect();
                        if items.is_empty() {
                            "NULL".to_string()
                        } else {
                            items.join(", ")
                        }
                    };
                    format!(
                        "AND ((n.nspname = ANY (current_schemas(false)) AND lower(c.relname) IN ({})) \
                         OR lower(n.nspname) || '.' || lower(c.relname) IN ({}))",
                        list(false),
                        list(true)
                    )
                }
                None => String::new(),
            };
            let rows = engine.query_rows(&format!(
                "SELECT n.nspname, c.relname, \
                   CASE WHEN c.relkind = 'p' THEN (SELECT sum(greatest(p.reltuples, 0)) FROM pg_partition_tree(c.oid) t JOIN pg_class p ON p.oid = t.relid) ELSE c.reltuples END, \
                   CASE WHEN c.relkind = 'p' THEN (SELECT sum(pg_total_relation_size(t.relid)) FROM pg_partition_tree(c.oid) t) ELSE pg_total_relation_size(c.oid) END, \
                   n.nspname = current_schema() \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind IN ('r', 'p', 'm') \
                   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' {names}"
            ))?;
            for r in rows {
                let (schema, table) = (
                    r[0].clone().unwrap_or_default(),
                    r[1].clone().unwrap_or_default(),
                );
                let bytes = num(&r[3]);
                let never_analysed = r[2]
                    .as_deref()
                    .and_then(|t| t.parse::<f64>().ok())
                    .is_some_and(|f| f < 0.0);
                let rows = if never_analysed && bytes < COUNT_BELOW_BYTES {
                    let q = format!(
                        "SELECT count(*) FROM {}.{}",
                        pg_ident(&schema),
                        pg_ident(&table)
                    );
                    engine.query_rows(&q)?.first().map_or(0, |r| num(&r[0]))
                } else if never_analysed {
                    bytes / 100
                } else {
                    num(&r[2])
                };
                let current = r[4].as_deref() == Some("t");
                put(
                    &schema,
                    &table,
                    current,
                    TableSize {
                        rows,
                        bytes,
                        row_versions: None,
                    },
                );
            }
        }
        Dialect::MySql => {
            let rows = engine.query_rows(
                "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH, TABLE_SCHEMA = DATABASE() \
                 FROM information_schema.TABLES \
                 WHERE TABLE_TYPE = 'BASE TABLE' \
                   AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')",
            )?;
            // MySQL 8.0.29+ counts the row versions INSTANT column changes use (MariaDB
            // has no such column: the query fails there and the counts stay unknown).
            let versions: BTreeMap<String, u32> = engine
                .query_rows("SELECT NAME, TOTAL_ROW_VERSIONS FROM information_schema.INNODB_TABLES")
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| {
                    Some((
                        r[0].clone()?.to_ascii_lowercase(),
                        r[1].as_deref()?.parse().ok()?,
                    ))
                })
                .collect();
            for r in rows {
                let (schema, table) = (
                    r[0].clone().unwrap_or_default(),
                    r[1].clone().unwrap_or_default(),
                );
                let row_versions = versions
                    .get(&format!("{schema}/{table}").to_ascii_lowercase())
                    .copied();
                let current = r[4].as_deref() == Some("1");
                put(
                    &schema,
                    &table,
                    current,
                    TableSize {
                        rows: num(&r[2]),
                        bytes: num(&r[3]),
                        row_versions,
                    },
                );
            }
        }
        Dialect::Sqlite => {
            let tables = engine.query_rows(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )?;
            for t in tables {
                let Some(name) = t[0].clone().filter(|n| wanted(n)) else {
                    continue;
                };
                let quoted = format!("\"{}\"", name.replace('"', "\"\""));
                // dbstat (in the bundled SQLite) gives the pages of the table and its indexes.
                let bytes = engine
                    .query_rows(&format!(
                        "SELECT sum(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_schema WHERE tbl_name = '{}')",
                        name.replace('\'', "''")
                    ))
                    .ok()
                    .and_then(|r| r.first().map(|r| num(&r[0])));
                let rows = if bytes.is_none_or(|b| b < COUNT_BELOW_BYTES) {
                    engine
                        .query_rows(&format!("SELECT count(*) FROM {quoted}"))?
                        .first()
                        .map_or(0, |r| num(&r[0]))
                } else {
                    bytes.unwrap_or(0) / 100
                };
                put(
                    "main",
                    &name,
                    true,
                    TableSize {
                        rows,
                        bytes: bytes.unwrap_or(rows * 100),
                        row_versions: None,
                    },
                );
            }
        }
    }
    Ok(out)
}

fn pg_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The tables the analysed statements lock, rewrite or scan (lower-case bare names): those
/// whose live size matters.
pub fn touched_tables<'a>(reports: impl IntoIterator<Item = &'a Report>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for r in reports {
        for fx in r.statements.iter().filter_map(|s| s.effects.as_ref()) {
            let names = fx
                .locks
                .iter()
                .map(|l| &l.table)
                .chain(&fx.rewrites)
                .chain(&fx.scans);
            for n in names {
                out.insert(n.name.to_ascii_lowercase());
                if let Some(schema) = &n.schema {
                    out.insert(format!(
                        "{}.{}",
                        schema.to_ascii_lowercase(),
                        n.name.to_ascii_lowercase()
                    ));
                }
            }
        }
    }
    out
}

/// The analysis options of a run: `[lint]`'s, and whether the runner bounds every lock
/// wait and statement itself (it does unless the environment sets them to `"0"`).
pub fn run_options(
    cfg: Option<&LintConfig>,
    dialect: sluice_sql::Dialect,
    run: &crate::config::RunSettings,
) -> Result<Options, String> {
    let mut o = options(cfg, dialect)?;
    o.runner_lock_timeout = run.lock_timeout.is_some_and(|d| !d.is_zero());
    o.runner_statement_timeout = run.statement_timeout.is_some_and(|d| !d.is_zero());
    Ok(o)
}

/// Sets the server's version from a connected engine, unless one is set
/// (`--server-version` and `[lint] server_version` win).
pub fn version_from(o: &mut Options, engine: &dyn Engine) {
    if engine.info().server.contains("(Galera node") {
        o.galera = true;
    }
    if o.version.is_none()
        && let Some(v) = engine
            .info()
            .server
            .split_whitespace()
            .nth(1)
            .and_then(Version::parse)
    {
        o.version = Some(v);
    }
}

/// Analyses `ms` in plan order, each knowing the tables the earlier ones create.
/// Connected: with the server's version, first as if none of the tables they touch held a
/// row, which names those tables; then again with their live sizes, unless none of them
/// exists yet (a new database), when the first analysis is already that one.
pub fn analyse_plan(
    ms: &[&Migration],
    o: &mut Options,
    engine: Option<&mut dyn Engine>,
) -> Result<Vec<Report>, DbError> {
    let run = |o: &Options| -> Vec<Report> {
        check_plan(ms.iter().copied(), o, true)
            .into_iter()
            .map(|(_, r)| r)
            .collect()
    };
    match engine {
        Some(e) if !ms.is_empty() => {
            version_from(o, e);
            o.sizes = Some(Default::default());
            let first = run(o);
            let dialect = e.info().dialect;
            let sizes = live_sizes(e, dialect, Some(&touched_tables(&first)))?;
            if sizes.is_empty() {
                return Ok(first);
            }
            o.sizes = Some(sizes);
            Ok(run(o))
        }
        _ => Ok(run(o)),
    }
}

/// The malformed `-- sluice:allow` lines of `ms`, each as `file:line: what is wrong`.
pub fn bad_allow_lines<'a>(ms: impl Iterator<Item = &'a Migration>) -> Vec<String> {
    let mut bad = Vec::new();
    for m in ms {
        for (line, msg) in bad_allows(m) {
            bad.push(format!("{}:{line}: {msg}", m.path.display()));
        }
    }
    bad
}
