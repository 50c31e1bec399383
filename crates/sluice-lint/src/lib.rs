//! # sluice-lint — what a statement does to a running database
//!
//! *Internal to sluice: this API may change in any release. Applications use the crate
//! `sluice-migrate`; people use the `sluice` command.*
//!
//! Safety analysis of a migration: every statement parsed (by `sluice-sql`) and classified
//! ([`analyze::Effects`]: objects, locks, rewrites, data loss, idempotency, transaction
//! rules), then checked by the rules of [`rules::ALL`], one file per rule.
//!
//! The analysis walks a migration's statements in order and keeps a [`State`]: the tables
//! created earlier in the migration (or in earlier migrations of the same plan), the
//! transaction it is in, the session settings it made, the locks it holds. A rule sees the
//! state *before* its statement.
//!
//! A statement the parser cannot read is reported as "not analysed" with the parser's
//! message — never as safe.

pub mod analyze;
pub mod estimate;
pub mod render;
pub mod rules;
mod state;

use std::collections::BTreeMap;
use std::fmt;

pub use analyze::{Effects, LockMode, NewForeignKey, Object, TableLock};
pub use state::{Before, Learned, State};

use sluice_sql::Dialect;
use sluice_sql::parse::{self, Name, Stmt};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Hygiene, or only matters at scale.
    Low,
    /// A brief exclusive lock that can queue traffic, a conditional failure, or a
    /// behavioural break for running code.
    Medium,
    /// Blocks reads or writes for a time proportional to the table, loses data, or fails.
    High,
}

impl Severity {
    /// `low`, `medium`, `high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    /// Parses `low`, `medium`, `high`.
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A server version, as far as rules care: PostgreSQL `15`, `14.2`; MySQL `8.0`;
/// MariaDB `10.11` (a MySQL-dialect major of 10 or more is MariaDB).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
}

impl Version {
    /// Parses `15`, `14.2`, `8.0.36`, `10.11.9-MariaDB`.
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim();
        let mut it = s
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty());
        let major = it.next()?.parse().ok()?;
        let minor = it.next().and_then(|m| m.parse().ok()).unwrap_or(0);
        Some(Version { major, minor })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The dialects a rule applies to.
pub const ALL_DIALECTS: &[Dialect] = &[Dialect::Postgres, Dialect::MySql, Dialect::Sqlite];
/// PostgreSQL only.
pub const PG: &[Dialect] = &[Dialect::Postgres];
/// MySQL and MariaDB only.
pub const MY: &[Dialect] = &[Dialect::MySql];
/// SQLite only.
pub const LITE: &[Dialect] = &[Dialect::Sqlite];
/// PostgreSQL and SQLite.
pub const PG_LITE: &[Dialect] = &[Dialect::Postgres, Dialect::Sqlite];
/// PostgreSQL, MySQL and MariaDB.
pub const PG_MY: &[Dialect] = &[Dialect::Postgres, Dialect::MySql];

/// A lint rule. Declared with [`rule!`](crate::rule), so that its doc comment is its
/// documentation.
#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Dialects it applies to.
    pub dialects: &'static [Dialect],
    /// Whether it runs unless `[lint]` enables it.
    pub default_on: bool,
    /// One line: why the flagged statement is dangerous.
    pub why: &'static str,
    /// One line: what to do instead.
    pub instead: &'static str,
    /// The rule's documentation: its doc comment.
    pub doc: &'static str,
    /// The check, run once per analysed statement.
    pub check: fn(&Cx<'_>, &mut Vec<Hit>),
    /// What it flags breaks the application running against the schema (a rename, a type
    /// change, a new `NOT NULL`): the pending report lists it under "Breaking changes".
    pub breaking: bool,
}

impl Rule {
    /// The fields a `rule!` leaves out: not breaking.
    #[doc(hidden)]
    pub const DEFAULTS: Rule = Rule {
        id: "",
        severity: Severity::Low,
        dialects: &[],
        default_on: false,
        why: "",
        instead: "",
        doc: "",
        check: |_, _| {},
        breaking: false,
    };

    /// The rule with id `id`.
    pub fn by_id(id: &str) -> Option<&'static Rule> {
        rules::ALL.iter().copied().find(|r| r.id == id)
    }

    /// Whether the rule applies to `d`.
    pub fn applies_to(&self, d: Dialect) -> bool {
        self.dialects.contains(&d)
    }
}

/// Declares a rule: `rule! { /// docs… pub static RULE = Rule { id: …, … }; }`. The doc
/// comment becomes [`Rule::doc`].
#[macro_export]
macro_rules! rule {
    ($(#[doc = $d:literal])* pub static $name:ident = Rule { $($f:ident : $v:expr),* $(,)? };) => {
        $(#[doc = $d])*
        #[allow(clippy::needless_update)] // a breaking rule names every field
        pub static $name: $crate::Rule = $crate::Rule {
            doc: concat!($($d, "\n"),*),
            $($f: $v,)*
            ..$crate::Rule::DEFAULTS
        };
    };
}

/// What a rule reports about one statement.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hit {
    /// What this statement does wrong, specifically (names the table, the column…).
    pub message: String,
    /// The word or clause to underline (first case-insensitive match in the statement's
    /// code); the statement's first line when `None`.
    pub mark: Option<String>,
    /// The table concerned, for severities that depend on its size.
    pub table: Option<Name>,
    /// A severity other than the rule's default (e.g. `TRUNCATE … CASCADE`).
    pub severity: Option<Severity>,
    /// Whether the cost grows with the table (so live statistics can raise or lower it).
    pub size_sensitive: bool,
}

impl Hit {
    /// A hit with a message.
    pub fn new(message: impl Into<String>) -> Hit {
        Hit {
            message: message.into(),
            ..Hit::default()
        }
    }

    /// Underlines `word`.
    pub fn mark(mut self, word: &str) -> Hit {
        self.mark = Some(word.to_string());
        self
    }

    /// The table concerned; the cost grows with it.
    pub fn sized(mut self, table: &Name) -> Hit {
        self.table = Some(table.clone());
        self.size_sensitive = true;
        self
    }

    /// Overrides the severity.
    pub fn severity(mut self, s: Severity) -> Hit {
        self.severity = Some(s);
        self
    }
}

/// Live size of one table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TableSize {
    /// Estimated rows.
    pub rows: u64,
    /// Bytes, indexes included.
    pub bytes: u64,
    /// MySQL 8.0.29+: row versions INSTANT column changes have used
    /// (`INNODB_TABLES.TOTAL_ROW_VERSIONS`, at most 64).
    pub row_versions: Option<u32>,
}

/// What the analysis knows besides the SQL.
#[derive(Clone, Debug)]
pub struct Options {
    /// The dialect.
    pub dialect: Dialect,
    /// The server version, when known (connected, or `--server-version`).
    pub version: Option<Version>,
    /// The runner sets `lock_timeout` / `lock_wait_timeout` itself (sluice does, unless the
    /// environment sets `lock_timeout = "0"`).
    pub runner_lock_timeout: bool,
    /// The runner sets `statement_timeout` / `max_statement_time` itself.
    pub runner_statement_timeout: bool,
    /// Rule ids switched on or off by configuration (`true` = on).
    pub switches: BTreeMap<String, bool>,
    /// Severities re-rated by configuration.
    pub ratings: BTreeMap<String, Severity>,
    /// `[lint] require_rls`.
    pub require_rls: bool,
    /// Live table sizes, by lower-case `schema.table` and bare `table`.
    pub sizes: Option<BTreeMap<String, TableSize>>,
    /// Rows from which a size-sensitive finding is high (default 1,000,000).
    pub large_rows: u64,
    /// Rows below which a size-sensitive finding is low (default 10,000).
    pub small_rows: u64,
    /// The server is a MariaDB Galera node (connected), or `[lint] galera = true`.
    pub galera: bool,
}

impl Options {
    /// Defaults for `dialect`: every default rule, no live sizes, no runner timeouts.
    pub fn new(dialect: Dialect) -> Options {
        Options {
            dialect,
            version: None,
            runner_lock_timeout: false,
            runner_statement_timeout: false,
            switches: BTreeMap::new(),
            ratings: BTreeMap::new(),
            require_rls: false,
            sizes: None,
            large_rows: 1_000_000,
            small_rows: 10_000,
            galera: false,
        }
    }

    /// Whether `rule` runs.
    pub fn enabled(&self, rule: &Rule) -> bool {
        if !rule.applies_to(self.dialect) {
            return false;
        }
        if rule.id == "table-without-rls" && self.require_rls {
            return self.switches.get(rule.id).copied().unwrap_or(true);
        }
        self.switches
            .get(rule.id)
            .copied()
            .unwrap_or(rule.default_on)
    }

    /// The live size of `table`, when connected and known.
    pub fn size_of(&self, table: &Name) -> Option<TableSize> {
        let sizes = self.sizes.as_ref()?;
        let bare = table.name.to_ascii_lowercase();
        match &table.schema {
            Some(s) => sizes
                .get(&format!("{}.{bare}", s.to_ascii_lowercase()))
                .copied(),
            None => sizes.get(&bare).copied(),
        }
    }
}

/// One statement to analyse: its text (leading comments included) and its line.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// The statement.
    pub sql: &'a str,
    /// 1-based line of its first character in the file.
    pub line: usize,
}

/// A migration to analyse.
#[derive(Clone, Debug)]
pub struct Migration<'a> {
    /// Its statements, in order.
    pub statements: Vec<Input<'a>>,
    /// Whether the runner wraps it in one transaction.
    pub transactional: bool,
}

/// Everything a rule sees.
#[derive(Debug)]
pub struct Cx<'a> {
    /// The statement.
    pub stmt: &'a Stmt,
    /// Its text.
    pub sql: &'a str,
    /// Its index in the migration.
    pub index: usize,
    /// What it does (locks, objects, …).
    pub effects: &'a Effects,
    /// The state before it.
    pub state: &'a State<'a>,
    /// Every statement of the migration (parsed, or the parser's message).
    pub all: &'a [Result<Stmt, parse::ParseError>],
    /// Whether the runner wraps the migration in a transaction.
    pub transactional: bool,
    /// Options.
    pub options: &'a Options,
}

impl Cx<'_> {
    /// The dialect.
    pub fn dialect(&self) -> Dialect {
        self.options.dialect
    }

    /// Whether the server is older than `major.minor` (false when unknown: rules assume a
    /// supported, current server unless told otherwise).
    pub fn older_than(&self, major: u32, minor: u32) -> bool {
        self.options
            .version
            .is_some_and(|v| v < Version { major, minor })
    }

    /// Whether this is MariaDB (a MySQL-dialect version of 10 or more).
    pub fn mariadb(&self) -> bool {
        self.dialect() == Dialect::MySql && self.options.version.is_some_and(|v| v.major >= 10)
    }

    /// Whether `table` was created earlier in this migration or plan (so it is empty).
    pub fn is_new(&self, table: &Name) -> bool {
        self.state.is_new(table)
    }

    /// The declared type of `table.column` before this statement, when the plan declared it.
    pub fn column_type(&self, table: &Name, column: &str) -> Option<&parse::DataType> {
        self.state.column_type(table, column)
    }

    /// Whether this statement runs inside a transaction block (the runner's, or `BEGIN`).
    pub fn in_transaction(&self) -> bool {
        self.state.in_transaction(self.transactional)
    }
}

/// One finding: a rule's hit on a statement, with where and how bad.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub rule: &'static str,
    /// The severity after configuration and live sizes.
    pub severity: Severity,
    /// What is wrong here.
    pub message: String,
    /// Why it is dangerous (the rule's).
    pub why: &'static str,
    /// What to do instead (the rule's).
    pub instead: &'static str,
    /// Index of the statement in the migration.
    pub statement: usize,
    /// 1-based line and column of the mark.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// Length of the mark in characters (on its line).
    pub width: usize,
    /// `-- sluice:allow <rule> <reason>`: the reason.
    pub allowed: Option<String>,
    /// What decided the severity besides the rule, when something did: configuration, or
    /// the live size of the table (with the estimated duration).
    pub rated: Option<String>,
}

/// The analysis of one statement.
#[derive(Clone, Debug)]
pub struct Analysed {
    /// 1-based line of the statement's code (after leading comments).
    pub line: usize,
    /// The statement's effects, when parsed.
    pub effects: Option<Effects>,
    /// The parser's message when the statement could not be analysed.
    pub not_analysed: Option<String>,
    /// How long it works on its tables, when their live sizes are known.
    pub estimate: Option<estimate::Estimate>,
}

/// The result for one migration.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Per statement.
    pub statements: Vec<Analysed>,
    /// Findings, in statement order.
    pub findings: Vec<Finding>,
    /// Tables this migration creates (for later migrations of the same plan).
    pub created_tables: Vec<Name>,
    /// What the later migrations of the plan learn from this one ([`Before::learn`]).
    pub learned: Learned,
}

impl Report {
    /// The highest severity among findings that are not allowed.
    pub fn risk(&self) -> Severity {
        self.findings
            .iter()
            .filter(|f| f.allowed.is_none())
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Low)
    }
}

/// Analyses one migration. `before` is what the earlier migrations of the same plan left
/// (empty when linting files one by one).
pub fn check(m: &Migration<'_>, options: &Options, before: &Before) -> Report {
    let parsed: Vec<Result<Stmt, parse::ParseError>> = m
        .statements
        .iter()
        .map(|s| parse::parse(s.sql, options.dialect))
        .collect();
    let mut state = State::new(options.dialect, before);
    let mut report = Report::default();
    let rules: Vec<&Rule> = rules::ALL
        .iter()
        .copied()
        .filter(|r| options.enabled(r))
        .collect();
    let mut hits = Vec::new();
    for (index, (input, stmt)) in m.statements.iter().zip(&parsed).enumerate() {
        let code_at = code_start(input.sql);
        let line = input.line + input.sql[..code_at].matches('\n').count();
        let stmt = match stmt {
            Ok(s) => s,
            Err(e) => {
                let at = e.at.min(input.sql.len());
                let (l, _) = position(input, at);
                report.statements.push(Analysed {
                    line,
                    effects: None,
                    not_analysed: Some(format!("line {l}: {e}")),
                    estimate: None,
                });
                if let Some(rule) = rules::find("statement-not-analysed")
                    && options.enabled(rule)
                {
                    let allows = allow_directives(input.sql);
                    let at_stmt = At {
                        input,
                        index,
                        code_at,
                        allows: &allows,
                        estimate: None,
                    };
                    let mut f = finding(
                        rule,
                        Hit::new(format!("not analysed: {e}")),
                        &at_stmt,
                        options,
                    );
                    let (line, column) = position(input, at);
                    f.line = line;
                    f.column = column;
                    f.width = input.sql[at..]
                        .split(|c: char| c.is_whitespace())
                        .next()
                        .map_or(1, |w| w.chars().count().max(1));
                    report.findings.push(f);
                }
                state.unknown_statement();
                continue;
            }
        };
        let effects = analyze::effects(stmt, options, &state);
        let estimate = estimate::estimate(&effects, options);
        let cx = Cx {
            stmt,
            sql: input.sql,
            index,
            effects: &effects,
            state: &state,
            all: &parsed,
            transactional: m.transactional,
            options,
        };
        let allows = allow_directives(input.sql);
        let at = At {
            input,
            index,
            code_at,
            allows: &allows,
            estimate: estimate.as_ref(),
        };
        for rule in &rules {
            hits.clear();
            (rule.check)(&cx, &mut hits);
            for hit in hits.drain(..) {
                report.findings.push(finding(rule, hit, &at, options));
            }
        }
        state.after(stmt, &effects, m.transactional);
        report.statements.push(Analysed {
            line,
            effects: Some(effects),
            not_analysed: None,
            estimate,
        });
    }
    report.created_tables = state.tables_created_here();
    report.learned = state.into_learned();
    report
}

/// Where a finding is: the statement, and what the analysis knows of it.
struct At<'a> {
    input: &'a Input<'a>,
    index: usize,
    /// Byte offset of the statement's code (after leading comments).
    code_at: usize,
    /// Its `-- sluice:allow` lines.
    allows: &'a [(String, String)],
    /// Its estimated duration.
    estimate: Option<&'a estimate::Estimate>,
}

fn finding(rule: &Rule, hit: Hit, at: &At<'_>, options: &Options) -> Finding {
    let At {
        input,
        index,
        code_at,
        allows,
        estimate,
    } = *at;
    let mut severity = hit.severity.unwrap_or(rule.severity);
    let mut rated = None;
    if let Some(s) = options.ratings.get(rule.id) {
        severity = *s;
        rated = Some(format!("rated {s} in [lint]"));
    } else if hit.size_sensitive
        && let Some(table) = &hit.table
        && let Some(size) = options.size_of(table)
    {
        let (new, why) = if size.rows < options.small_rows {
            (Severity::Low, "small")
        } else if size.rows >= options.large_rows {
            (Severity::High, "large")
        } else {
            (severity, "mid-size")
        };
        let mut r = format!(
            "{why} table: {table} has about {} rows ({})",
            estimate::human_count(size.rows),
            human_bytes(size.bytes)
        );
        if let Some(e) = estimate {
            r.push_str(&format!(
                "; estimated {}",
                estimate::human_seconds(e.seconds)
            ));
        }
        rated = Some(r);
        severity = new;
    }
    let (at, len) = hit
        .mark
        .as_deref()
        .and_then(|w| find_word(input.sql, code_at, w).map(|a| (a, w.len())))
        .unwrap_or_else(|| {
            let rest = &input.sql[code_at..];
            (code_at, rest.find('\n').unwrap_or(rest.len()))
        });
    let (line, column) = position(input, at);
    let width = input.sql[at..at + len].chars().count().max(1);
    Finding {
        rule: rule.id,
        severity,
        message: hit.message,
        why: rule.why,
        instead: rule.instead,
        statement: index,
        line,
        column,
        width,
        allowed: allows
            .iter()
            .find(|(r, _)| r == rule.id)
            .map(|(_, why)| why.clone()),
        rated,
    }
}

/// `1.2 GB`, `35 MB`, `512 kB`.
pub fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 || v >= 10.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Line and 1-based column (in characters) of byte `at` of the statement.
fn position(input: &Input<'_>, at: usize) -> (usize, usize) {
    let before = &input.sql[..at];
    let line = input.line + before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Byte offset where the statement's code starts (after leading comments and blanks).
pub fn code_start(sql: &str) -> usize {
    let mut rest = sql;
    loop {
        let t = rest.trim_start();
        if t.starts_with("--") || t.starts_with('#') {
            rest = t.find('\n').map_or("", |i| &t[i + 1..]);
        } else if let Some(body) = t.strip_prefix("/*")
            && !body.starts_with('!')
        {
            rest = body.find("*/").map_or("", |i| &body[i + 2..]);
        } else {
            return sql.len() - t.len();
        }
    }
}

/// The first case-insensitive, whole-word match of `word` from `from`.
fn find_word(sql: &str, from: usize, word: &str) -> Option<usize> {
    let hay = sql.as_bytes();
    let w = word.as_bytes();
    let n = w.len();
    let boundary =
        |i: usize| i == 0 || i >= hay.len() || !(hay[i].is_ascii_alphanumeric() || hay[i] == b'_');
    (from..=hay.len().saturating_sub(n)).find(|&i| {
        hay[i..i + n].eq_ignore_ascii_case(w) && (i == 0 || boundary(i - 1)) && boundary(i + n)
    })
}

/// `-- sluice:allow <rule-id> <reason>` lines before the statement's code.
fn allow_directives(sql: &str) -> Vec<(String, String)> {
    sql[..code_start(sql)]
        .lines()
        .filter_map(|l| {
            let rest = l
                .trim()
                .strip_prefix("--")?
                .trim()
                .strip_prefix("sluice:allow")?;
            let rest = rest.trim();
            let (rule, reason) = rest.split_once(char::is_whitespace)?;
            let reason = reason.trim();
            (!reason.is_empty()).then(|| (rule.to_string(), reason.to_string()))
        })
        .collect()
}

/// `-- sluice:allow` lines that are malformed: a rule that does not exist, or no reason.
/// Each item is (line offset in the statement, message).
pub fn bad_allow_directives(sql: &str) -> Vec<(usize, String)> {
    sql[..code_start(sql)]
        .lines()
        .enumerate()
        .filter_map(|(k, l)| {
            let rest = l.trim().strip_prefix("--")?.trim().strip_prefix("sluice:allow")?;
            let mut words = rest.split_whitespace();
            let Some(rule) = words.next() else {
                return Some((k, "`-- sluice:allow` names no rule: write `-- sluice:allow <rule-id> <reason>`".to_string()));
            };
            if rules::find(rule).is_none() {
                return Some((k, format!("`-- sluice:allow {rule}`: there is no rule `{rule}`; `sluice lint --explain` lists them")));
            }
            if words.next().is_none() {
                return Some((k, format!("`-- sluice:allow {rule}` gives no reason: write why the statement is safe here, e.g. `-- sluice:allow {rule} table is empty`")));
            }
            None
        })
        .collect()
}

#[cfg(test)]
mod tests;
