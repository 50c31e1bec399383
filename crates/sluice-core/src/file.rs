//! The migration file format (docs/file-format.md): a header of `-- key: value` lines, then
//! `-- sluice:up`, `-- sluice:down`, `-- sluice:verify` sections; `-- expect:` lines in
//! `verify`. Parsing is strict: every problem is a [`FileError`] with the file and line.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sluice_sql::Dialect;

use crate::expect::Expect;
use crate::id::{Checksum, MigrationId};

/// The header keys sluice knows, in the order the docs list them.
pub const KNOWN_KEYS: [&str; 12] = [
    "author",
    "description",
    "requires",
    "risk",
    "transaction",
    "environments",
    "irreversible",
    "idempotent",
    "tags",
    "lock_timeout",
    "statement_timeout",
    "galera",
];

/// The author's claim about a migration's risk.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// New objects only, or trivially safe.
    Low,
    /// Worth a second look.
    Medium,
    /// Needs care, approval, a window.
    High,
}

/// The header of a migration file. Absent keys take their documented defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    /// `author`.
    pub author: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `requires`, with the line it stands on (for errors).
    pub requires: Vec<MigrationId>,
    /// Line of the `requires` key, 0 when absent.
    pub requires_line: usize,
    /// `risk`.
    pub risk: Option<Risk>,
    /// `transaction` (default true).
    pub transaction: bool,
    /// `environments`: only these run it; empty means all.
    pub environments: Vec<String>,
    /// `irreversible`: no `down` on purpose.
    pub irreversible: bool,
    /// `idempotent`: `up` may run twice.
    pub idempotent: bool,
    /// `tags`.
    pub tags: Vec<String>,
    /// `lock_timeout`.
    pub lock_timeout: Option<Duration>,
    /// `statement_timeout`.
    pub statement_timeout: Option<Duration>,
    /// `galera: rsu`: on a MariaDB Galera cluster, applied node by node with
    /// `wsrep_OSU_method = RSU` (Rolling Schema Upgrade) instead of in total order (TOI).
    #[serde(default)]
    pub galera_rsu: bool,
}

/// One statement of a section, with its line in the file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stmt {
    /// The statement text, without its delimiter.
    pub sql: String,
    /// 1-based line in the file.
    pub line: usize,
}

/// A section (`up` or `down`): its statements and the line of its marker.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Section {
    /// Line of the `-- sluice:…` marker.
    pub marker_line: usize,
    /// The file the statements are in, when it is not the migration's own file (another
    /// tool's separate `down` script).
    pub file: Option<PathBuf>,
    /// The statements, in order.
    pub statements: Vec<Stmt>,
}

/// One verification check: a statement and what it must give.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Check {
    /// What the statement must give (`-- expect:`; `ok` by default).
    pub expect: Expect,
    /// The statement.
    pub sql: String,
    /// 1-based line of the statement in the file.
    pub line: usize,
}

/// A migration as read from its file.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Migration {
    /// The id (file stem).
    pub id: MigrationId,
    /// The file, as the user named it (relative to the working directory when possible).
    pub path: PathBuf,
    /// The header.
    pub meta: Meta,
    /// The forward section.
    pub up: Section,
    /// The rollback section; `None` only when `irreversible: true`.
    pub down: Option<Section>,
    /// The verification checks (may be empty).
    pub verify: Vec<Check>,
    /// Checksum of the `up` section.
    pub checksum: Checksum,
    /// Where a migration read from another tool's layout came from; `None` for sluice's own.
    pub origin: Option<crate::layout::Origin>,
    /// Neither a `down` section nor `irreversible: true`: `lint` reports it, every other
    /// command refuses the plan ([`Migration::missing_down`]).
    pub down_missing: bool,
}

impl Migration {
    /// The refusal for a file with neither a `down` section nor `irreversible: true`.
    pub fn missing_down(&self) -> Option<FileError> {
        self.down_missing.then(|| FileError {
            path: self.path.clone(),
            line: self.up.marker_line,
            message: MISSING_DOWN.into(),
        })
    }

    /// Whether this migration runs in environment `env`.
    pub fn runs_in(&self, env: &str) -> bool {
        self.meta.environments.is_empty() || self.meta.environments.iter().any(|e| e == env)
    }
}

/// A problem in one file, at one line (0 when it concerns the whole file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line, or 0.
    pub line: usize,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path.display(), self.message)
        } else {
            write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
        }
    }
}

impl std::error::Error for FileError {}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SectionKind {
    Up,
    Down,
    Verify,
}

impl SectionKind {
    fn name(self) -> &'static str {
        match self {
            SectionKind::Up => "up",
            SectionKind::Down => "down",
            SectionKind::Verify => "verify",
        }
    }
}

/// What a line is, as far as the file format cares.
enum LineKind<'a> {
    Marker(SectionKind),
    UnknownMarker(&'a str),
    Other,
}

fn classify_line(line: &str) -> LineKind<'_> {
    let t = line.trim();
    let Some(rest) = t.strip_prefix("--") else {
        return LineKind::Other;
    };
    let Some(word) = rest.trim_start().strip_prefix("sluice:") else {
        return LineKind::Other;
    };
    let word = word.split_whitespace().next().unwrap_or("");
    match word {
        "up" => LineKind::Marker(SectionKind::Up),
        "down" => LineKind::Marker(SectionKind::Down),
        "verify" => LineKind::Marker(SectionKind::Verify),
        // Per-statement directives (e.g. `-- sluice:allow <rule> <reason>`) live in sections.
        "allow" => LineKind::Other,
        other => LineKind::UnknownMarker(other),
    }
}

/// Parses the text of the migration file at `path` (whose stem is the id).
pub fn parse(path: &Path, text: &str, dialect: Dialect) -> Result<Migration, FileError> {
    let err = |line: usize, message: String| FileError {
        path: path.to_path_buf(),
        line,
        message,
    };

    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let id = MigrationId::parse(stem).map_err(|e| {
        err(
            0,
            format!("the file name is not a migration id: {e}; rename the file to <id>.sql"),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(at) = text.find('\0') {
        return Err(err(
            text[..at].matches('\n').count() + 1,
            "this line holds a NUL byte (\\0): a database would stop reading there; remove it (`cat -A` shows it as ^@)".into(),
        ));
    }

    // Pass 1: find the section markers and their byte ranges.
    let mut header_lines: Vec<(usize, &str)> = Vec::new();
    let mut sections: Vec<(SectionKind, usize, usize, usize)> = Vec::new(); // kind, marker line, body start byte, body end byte
    let mut pos = 0;
    for (idx, raw) in text.split_inclusive('\n').enumerate() {
        let lineno = idx + 1;
        let line = raw.trim_end_matches(['\n', '\r']);
        match classify_line(line) {
            LineKind::Marker(kind) => {
                if let Some(prev) = sections.iter().find(|s| s.0 == kind) {
                    return Err(err(
                        lineno,
                        format!(
                            "section `-- sluice:{}` is given twice (first on line {}): merge them into one",
                            kind.name(),
                            prev.1
                        ),
                    ));
                }
                if let Some(last) = sections.last_mut() {
                    last.3 = pos;
                }
                sections.push((kind, lineno, pos + raw.len(), text.len()));
            }
            LineKind::UnknownMarker(word) => {
                return Err(err(
                    lineno,
                    format!(
                        "unknown section marker `-- sluice:{word}`: the sections are up, down and verify"
                    ),
                ));
            }
            LineKind::Other => {
                if sections.is_empty() {
                    header_lines.push((lineno, line));
                }
            }
        }
        pos += raw.len();
    }

    let meta = parse_header(&header_lines, &err)?;

    let Some(&(_, up_line, up_start, up_end)) = sections.iter().find(|s| s.0 == SectionKind::Up)
    else {
        return Err(err(1, "this file has no `-- sluice:up` section: write the forward SQL under a `-- sluice:up` line".into()));
    };
    let up_text = &text[up_start..up_end];
    let up = parse_section(path, text, up_start, up_end, up_line, dialect)?;
    if up.statements.is_empty() {
        return Err(err(
            up_line,
            "the `up` section is empty: write the forward SQL under `-- sluice:up`".into(),
        ));
    }

    if meta.transaction
        && let Some(s) = up
            .statements
            .iter()
            .find(|s| is_transaction_control(&s.sql))
    {
        return Err(err(
            s.line,
            "transaction control inside a migration: sluice runs each migration in its own transaction; remove this statement, or declare `-- transaction: false`".into(),
        ));
    }

    if meta.galera_rsu
        && let Some(s) = up.statements.iter().find(|s| !rolling_ok(&s.sql))
    {
        return Err(err(
            s.line,
            "`-- galera: rsu` runs each statement on every node by itself, without replicating it: only schema changes belong here (CREATE, ALTER, DROP, RENAME, TRUNCATE, OPTIMIZE, ANALYZE); a data change would be applied once per node — move it to a migration of its own".into(),
        ));
    }

    if meta.transaction {
        let refused = |sql: &str| match dialect {
            Dialect::Postgres => outside_transaction_only(sql),
            // SQLite: "cannot VACUUM from within a transaction".
            Dialect::Sqlite => outside_transaction_only(sql).filter(|w| *w == "VACUUM"),
            Dialect::MySql => None,
        };
        let all = up.statements.iter();
        if let Some((s, what)) = all.filter_map(|s| refused(&s.sql).map(|w| (s, w))).next() {
            return Err(err(
                s.line,
                format!(
                    "{what} cannot run inside a transaction block, and this migration runs in one: declare `-- transaction: false` (and keep this statement in a migration of its own, so a failure cannot leave half of it applied)"
                ),
            ));
        }
    }

    let down = match sections.iter().find(|s| s.0 == SectionKind::Down) {
        Some(&(_, line, start, end)) => {
            let s = parse_section(path, text, start, end, line, dialect)?;
            if meta.irreversible {
                return Err(err(
                    line,
                    "the header says `irreversible: true` but there is a `down` section: remove one of the two".into(),
                ));
            }
            if s.statements.is_empty() {
                return Err(err(
                    line,
                    "the `down` section is empty: write the rollback SQL, or remove the section and declare `-- irreversible: true`".into(),
                ));
            }
            Some(s)
        }
        None => None,
    };
    let down_missing = down.is_none() && !meta.irreversible;

    let verify = match sections.iter().find(|s| s.0 == SectionKind::Verify) {
        Some(&(_, _, start, end)) => parse_verify(path, text, start, end, dialect)?,
        None => Vec::new(),
    };

    Ok(Migration {
        id,
        path: path.to_path_buf(),
        meta,
        checksum: Checksum::v1(up_text),
        up,
        down,
        verify,
        origin: None,
        down_missing,
    })
}

/// What a file with neither a `down` section nor `irreversible: true` is told.
pub const MISSING_DOWN: &str = "this migration has no `-- sluice:down` section: write the rollback SQL under `-- sluice:down`, or declare `-- irreversible: true` in the header";

/// The PostgreSQL statements that refuse to run inside a transaction block, by their words.
pub(crate) fn outside_transaction_only(sql: &str) -> Option<&'static str> {
    // The first words, compared without case (no allocation per word: every statement of
    // every file is looked at when a plan loads).
    let mut words = [""; 12];
    let mut n = 0;
    for word in sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .flat_map(|l| l.split(|c: char| c.is_whitespace() || c == '(' || c == ';'))
        .filter(|w| !w.is_empty())
        .take(words.len())
    {
        words[n] = word;
        n += 1;
    }
    let w = &words[..n];
    let is = |i: usize, kw: &str| w.get(i).is_some_and(|x| x.eq_ignore_ascii_case(kw));
    let has = |kw: &str| w.iter().any(|x| x.eq_ignore_ascii_case(kw));
    if is(0, "CREATE") {
        if is(1, "INDEX") && is(2, "CONCURRENTLY")
            || is(1, "UNIQUE") && is(2, "INDEX") && is(3, "CONCURRENTLY")
        {
            return Some("CREATE INDEX CONCURRENTLY");
        }
        if is(1, "DATABASE") {
            return Some("CREATE DATABASE");
        }
        if is(1, "TABLESPACE") {
            return Some("CREATE TABLESPACE");
        }
    } else if is(0, "DROP") {
        if is(1, "INDEX") && is(2, "CONCURRENTLY") {
            return Some("DROP INDEX CONCURRENTLY");
        }
        if is(1, "DATABASE") {
            return Some("DROP DATABASE");
        }
        if is(1, "TABLESPACE") {
            return Some("DROP TABLESPACE");
        }
    } else if is(0, "REINDEX") && has("CONCURRENTLY") {
        return Some("REINDEX … CONCURRENTLY");
    } else if is(0, "ALTER") {
        if is(1, "TABLE") && has("DETACH") && has("CONCURRENTLY") {
            return Some("DETACH PARTITION … CONCURRENTLY");
        }
        if is(1, "SYSTEM") {
            return Some("ALTER SYSTEM");
        }
    } else if is(0, "VACUUM") {
        return Some("VACUUM");
    }
    None
}

/// Whether a statement may run node by node under Galera's Rolling Schema Upgrade: a
/// schema change, which RSU keeps on the node it runs on (data changes replicate anyway).
fn rolling_ok(sql: &str) -> bool {
    let first = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or("").trim())
        .find(|l| !l.is_empty())
        .and_then(|l| l.split(|c: char| c.is_whitespace() || c == ';').next())
        .unwrap_or("");
    [
        "CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE", "OPTIMIZE", "ANALYZE",
    ]
    .iter()
    .any(|k| first.eq_ignore_ascii_case(k))
}

/// `BEGIN`, `COMMIT`, `END`, `ROLLBACK` (not `ROLLBACK TO`), `ABORT`, `START TRANSACTION`,
/// `PREPARE TRANSACTION`: each ends or starts the transaction a migration runs in.
pub(crate) fn is_transaction_control(sql: &str) -> bool {
    // The first two words of the code (comment lines skipped), without copying it.
    let mut words = sql
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("--"))
        .flat_map(|l| l.split(|c: char| c.is_whitespace() || c == ';'))
        .filter(|w| !w.is_empty());
    let first = words.next().unwrap_or("").to_ascii_uppercase();
    let second = words.next().unwrap_or("").to_ascii_uppercase();
    match first.as_str() {
        "BEGIN" => {
            second.is_empty()
                || matches!(
                    second.as_str(),
                    "TRANSACTION" | "WORK" | "DEFERRED" | "IMMEDIATE" | "EXCLUSIVE"
                )
        }
        "COMMIT" | "END" | "ABORT" => true,
        "ROLLBACK" => second != "TO",
        "START" | "PREPARE" => second == "TRANSACTION",
        _ => false,
    }
}

/// Splits the section `text[start..end]`: its line offset in the file, its text, and its
/// statements; a split error gets the file and the line in the file.
fn split_body<'t>(
    path: &Path,
    text: &'t str,
    start: usize,
    end: usize,
    dialect: Dialect,
) -> Result<(usize, &'t str, Vec<sluice_sql::Statement<'t>>), FileError> {
    let base = line_base(text, start);
    let body = &text[start..end];
    let stmts = sluice_sql::split(body, dialect).map_err(|e| FileError {
        path: path.to_path_buf(),
        line: base + e.line,
        message: split_message(&e),
    })?;
    Ok((base, body, stmts))
}

fn line_base(text: &str, start: usize) -> usize {
    text[..start].bytes().filter(|&b| b == b'\n').count()
}

fn parse_section(
    path: &Path,
    text: &str,
    start: usize,
    end: usize,
    marker_line: usize,
    dialect: Dialect,
) -> Result<Section, FileError> {
    let (base, _, stmts) = split_body(path, text, start, end, dialect)?;
    for s in &stmts {
        if let Some(off) = find_expect(s.text) {
            let line = base + s.line + s.text[..off].matches('\n').count();
            return Err(FileError {
                path: path.to_path_buf(),
                line,
                message: "`-- expect:` belongs in the `verify` section: move the check there"
                    .into(),
            });
        }
    }
    Ok(Section {
        marker_line,
        file: None,
        statements: stmts
            .into_iter()
            .map(|s| Stmt {
                sql: s.text.to_string(),
                line: base + s.line,
            })
            .collect(),
    })
}

/// The message of a split error without its own line number (the caller adds file:line).
pub(crate) fn split_message(e: &sluice_sql::SplitError) -> String {
    let full = e.to_string();
    full.replacen(&format!(" on line {}", e.line), "", 1)
        .replacen(&format!("line {} holds", e.line), "this line holds", 1)
}

/// Byte offset of a `-- expect:` line among the leading comment lines of `stmt`, if any.
fn find_expect(stmt: &str) -> Option<usize> {
    let mut off = 0;
    for line in stmt.split_inclusive('\n') {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("--") {
            if rest.trim_start().starts_with("expect:") {
                return Some(off);
            }
        } else if !t.is_empty() {
            return None;
        }
        off += line.len();
    }
    None
}

fn parse_verify(
    path: &Path,
    text: &str,
    start: usize,
    end: usize,
    dialect: Dialect,
) -> Result<Vec<Check>, FileError> {
    let (base, body, stmts) = split_body(path, text, start, end, dialect)?;
    let err = |line: usize, message: String| FileError {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut checks = Vec::new();
    let mut used_expect_lines = Vec::new();
    for s in &stmts {
        let mut expect = None;
        let mut code_line = base + s.line;
        for (line, l) in (base + s.line..).zip(s.text.split('\n')) {
            let t = l.trim();
            if let Some(rest) = t.strip_prefix("--") {
                if let Some(e) = rest.trim_start().strip_prefix("expect:") {
                    if expect.is_some() {
                        return Err(err(
                            line,
                            "a check has two `-- expect:` lines: keep one per statement".into(),
                        ));
                    }
                    expect = Some(Expect::parse(e.trim()).map_err(|m| err(line, m))?);
                    used_expect_lines.push(line);
                }
            } else if !t.is_empty() {
                code_line = line;
                break;
            }
        }
        checks.push(Check {
            expect: expect.unwrap_or(Expect::Ok),
            sql: s.text.to_string(),
            line: code_line,
        });
    }
    // An `-- expect:` that no statement follows would be silently ignored: refuse it.
    for (idx, l) in body.split('\n').enumerate() {
        let lineno = base + idx + 1;
        let t = l.trim();
        if t.strip_prefix("--")
            .is_some_and(|r| r.trim_start().starts_with("expect:"))
            && !used_expect_lines.contains(&lineno)
        {
            return Err(err(
                lineno,
                "this `-- expect:` line is not followed by a statement: put it on the line just before the statement it checks".into(),
            ));
        }
    }
    Ok(checks)
}

fn parse_header<E>(lines: &[(usize, &str)], err: &E) -> Result<Meta, FileError>
where
    E: Fn(usize, String) -> FileError,
{
    let mut meta = Meta {
        transaction: true,
        ..Meta::default()
    };
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for &(lineno, line) in lines {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let Some(rest) = t.strip_prefix("--") else {
            return Err(err(
                lineno,
                "SQL before the first section marker: put it under `-- sluice:up` (the header holds only `-- key: value` comments)".into(),
            ));
        };
        let rest = rest.trim();
        let Some((key, value)) = rest.split_once(':') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty()
            || !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            continue; // free text that happens to contain a colon
        }
        let value = value.trim();
        let Some(&known) = KNOWN_KEYS.iter().find(|k| **k == key) else {
            return Err(err(
                lineno,
                format!(
                    "unknown header key `{key}`: the known keys are {}",
                    KNOWN_KEYS.join(", ")
                ),
            ));
        };
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == known) {
            return Err(err(
                lineno,
                format!("header key `{key}` is given twice (first on line {first}): keep one"),
            ));
        }
        seen.push((known, lineno));
        if value.is_empty() {
            return Err(err(
                lineno,
                format!("header key `{key}` has no value: give one or remove the line"),
            ));
        }
        let bad = |what: &str| err(lineno, format!("`{key}: {value}` is not valid: {what}"));
        match known {
            "author" => meta.author = Some(value.to_string()),
            "description" => meta.description = Some(value.to_string()),
            "requires" => {
                meta.requires_line = lineno;
                for part in list(value) {
                    let id = MigrationId::parse(part)
                        .map_err(|e| bad(&format!("{e}; list ids separated by commas")))?;
                    if !meta.requires.contains(&id) {
                        meta.requires.push(id);
                    }
                }
            }
            "risk" => {
                meta.risk = Some(match value.to_ascii_lowercase().as_str() {
                    "low" => Risk::Low,
                    "medium" => Risk::Medium,
                    "high" => Risk::High,
                    _ => return Err(bad("write low, medium or high")),
                })
            }
            "transaction" => {
                meta.transaction = boolean(value).ok_or_else(|| bad("write true or false"))?
            }
            "irreversible" => {
                meta.irreversible = boolean(value).ok_or_else(|| bad("write true or false"))?
            }
            "idempotent" => {
                meta.idempotent = boolean(value).ok_or_else(|| bad("write true or false"))?
            }
            "environments" => {
                for e in list(value) {
                    if !e
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                    {
                        return Err(bad(
                            "environment names use letters, digits, `_` and `-`, separated by commas",
                        ));
                    }
                    meta.environments.push(e.to_string());
                }
            }
            "tags" => meta.tags = list(value).map(str::to_string).collect(),
            "lock_timeout" => {
                meta.lock_timeout = Some(crate::time::parse_duration(value).map_err(|e| bad(&e))?)
            }
            "statement_timeout" => {
                meta.statement_timeout =
                    Some(crate::time::parse_duration(value).map_err(|e| bad(&e))?)
            }
            "galera" => {
                meta.galera_rsu = match value.to_ascii_lowercase().as_str() {
                    "rsu" => true,
                    "toi" => false,
                    _ => return Err(bad("write rsu (node by node) or toi (the default)")),
                }
            }
            _ => unreachable!("every known key is handled"),
        }
    }
    Ok(meta)
}

fn list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty())
}

fn boolean(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "yes" => Some(true),
        "false" | "no" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Migration, FileError> {
        parse(Path::new("migrations/M1_x.sql"), text, Dialect::Sqlite)
    }

    const GOOD: &str = "-- author: Pearce\n-- description: Status map: canonical\n-- requires: M0, M0b\n-- risk: low\n\n-- sluice:up\nCREATE TABLE a (x int);\nINSERT INTO a VALUES (1);\n\n-- sluice:down\nDROP TABLE a;\n\n-- sluice:verify\n-- expect: rows 1\nSELECT * FROM a;\n-- expect: error unique_violation\nINSERT INTO a VALUES (1);\nSELECT 1;\n";

    #[test]
    fn galera_rsu_takes_schema_changes_only_and_says_which_line_is_not() {
        let mysql = |text: &str| parse(Path::new("migrations/M1_x.sql"), text, Dialect::MySql);
        let ok = mysql("-- galera: rsu\n-- sluice:up\nALTER TABLE t ADD INDEX t_v (v);\n-- a comment\nCREATE INDEX t_w ON t (w);\n").unwrap();
        assert!(ok.meta.galera_rsu);
        assert!(
            !mysql("-- galera: TOI\n-- sluice:up\nUPDATE t SET v = 1;\n")
                .unwrap()
                .meta
                .galera_rsu
        );
        let e = mysql(
            "-- galera: rsu\n-- sluice:up\nALTER TABLE t ADD COLUMN c int;\nUPDATE t SET c = 1;\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 4);
        assert!(
            e.message.contains("only schema changes belong here"),
            "{}",
            e.message
        );
        let e = mysql("-- galera: rolling\n-- sluice:up\nALTER TABLE t ADD COLUMN c int;\n")
            .unwrap_err();
        assert_eq!(e.line, 1);
        assert!(
            e.message.contains("write rsu (node by node) or toi"),
            "{}",
            e.message
        );
    }

    #[test]
    fn parses_a_full_file() {
        let m = p(GOOD).unwrap();
        assert_eq!(m.id.as_str(), "M1_x");
        assert_eq!(m.meta.author.as_deref(), Some("Pearce"));
        assert_eq!(m.meta.description.as_deref(), Some("Status map: canonical"));
        assert_eq!(m.meta.requires.len(), 2);
        assert!(m.meta.transaction);
        assert_eq!(m.up.statements.len(), 2);
        assert_eq!(m.up.statements[1].line, 8);
        assert_eq!(m.down.as_ref().unwrap().statements[0].line, 11);
        assert_eq!(m.verify.len(), 3);
        assert_eq!(m.verify[0].expect, Expect::Rows(1));
        assert_eq!(m.verify[0].line, 15);
        assert_eq!(m.verify[1].expect, Expect::Error("unique_violation".into()));
        assert_eq!(m.verify[2].expect, Expect::Ok);
    }

    #[test]
    fn strict_errors_name_the_line() {
        let cases: &[(&str, usize, &str)] = &[
            (
                "-- auther: x\n-- sluice:up\nSELECT 1;\n-- sluice:down\nSELECT 1;",
                1,
                "unknown header key `auther`",
            ),
            (
                "-- sluice:up\nSELECT 1;\n-- sluice:up\nSELECT 2;",
                3,
                "given twice (first on line 1)",
            ),
            (
                "-- sluice:up\n\n-- sluice:down\nSELECT 1;",
                1,
                "`up` section is empty",
            ),
            (
                "SELECT 1;\n-- sluice:up\nSELECT 1;",
                1,
                "SQL before the first section marker",
            ),
            (
                "-- risk: extreme\n-- sluice:up\nSELECT 1;\n-- sluice:down\nSELECT 1;",
                1,
                "write low, medium or high",
            ),
            (
                "-- sluice:up\nSELECT 'x;\n-- sluice:down\nSELECT 1;",
                2,
                "never closed",
            ),
            ("-- sluice:upp\nSELECT 1;", 1, "unknown section marker"),
            (
                "-- sluice:up\nSELECT 1;\n-- sluice:down\nSELECT 1;\n-- sluice:verify\nSELECT 1;\n-- expect: rows 1\n",
                7,
                "not followed by a statement",
            ),
            (
                "-- sluice:up\nSELECT 1;\n-- sluice:down\nSELECT 1;\n-- sluice:verify\n-- expect: rows many\nSELECT 1;",
                6,
                "expect",
            ),
            (
                "-- irreversible: true\n-- sluice:up\nSELECT 1;\n-- sluice:down\nSELECT 1;",
                4,
                "irreversible",
            ),
            (
                "-- sluice:up\nBEGIN;\nSELECT 1;\nCOMMIT;\n-- sluice:down\nSELECT 1;",
                2,
                "transaction control",
            ),
            (
                "-- sluice:up\nCREATE TABLE t (x int);\nABORT;\nCREATE TABLE u (x int);\n-- sluice:down\nSELECT 1;",
                3,
                "transaction control",
            ),
            (
                "-- sluice:up\nPREPARE q AS SELECT 1;\nPREPARE TRANSACTION 'x';\n-- sluice:down\nSELECT 1;",
                3,
                "transaction control",
            ),
            (
                "-- requires: a b\n-- sluice:up\nSELECT 1;\n-- sluice:down\nSELECT 1;",
                1,
                "contains ` `",
            ),
        ];
        for (text, line, needle) in cases {
            let e = p(text).unwrap_err();
            assert_eq!(e.line, *line, "{text:?}: {e}");
            assert!(e.to_string().contains(needle), "{text:?}: {e}");
        }
        // No rollback: read (lint reports it), and refused by every other command.
        let m = p("-- sluice:up\nSELECT 1;").unwrap();
        let e = m.missing_down().expect("refused");
        assert_eq!(e.line, 1);
        assert!(e.to_string().contains("no `-- sluice:down` section"), "{e}");
        let m = p("-- irreversible: true\n-- sluice:up\nSELECT 1;").unwrap();
        assert!(m.missing_down().is_none());
    }

    #[test]
    fn postgres_statements_that_need_no_transaction_are_reported() {
        let pg = |text: &str| parse(Path::new("migrations/M1_x.sql"), text, Dialect::Postgres);
        for (sql, what) in [
            (
                "CREATE INDEX CONCURRENTLY i ON t (x)",
                "CREATE INDEX CONCURRENTLY",
            ),
            (
                "create unique index concurrently i on t(x)",
                "CREATE INDEX CONCURRENTLY",
            ),
            (
                "DROP INDEX CONCURRENTLY IF EXISTS i",
                "DROP INDEX CONCURRENTLY",
            ),
            ("REINDEX INDEX CONCURRENTLY i", "REINDEX"),
            (
                "ALTER TABLE m DETACH PARTITION m1 CONCURRENTLY",
                "DETACH PARTITION",
            ),
            ("VACUUM (ANALYZE) t", "VACUUM"),
            ("ALTER SYSTEM SET work_mem = '64MB'", "ALTER SYSTEM"),
        ] {
            let e = pg(&format!(
                "-- sluice:up\nSELECT 1;\n{sql};\n-- sluice:down\nSELECT 1;"
            ))
            .unwrap_err();
            assert_eq!(e.line, 3, "{sql}");
            assert!(
                e.message.contains(what) && e.message.contains("-- transaction: false"),
                "{e}"
            );
            assert!(
                pg(&format!(
                    "-- transaction: false\n-- sluice:up\n{sql};\n-- sluice:down\nSELECT 1;"
                ))
                .is_ok()
            );
        }
        assert!(pg("-- sluice:up\nCREATE INDEX i ON t (x);\n-- sluice:down\nSELECT 1;").is_ok());
        assert!(
            p("-- sluice:up\nVACUUM;\n-- sluice:down\nSELECT 1;")
                .unwrap_err()
                .message
                .contains("VACUUM")
        );
    }

    #[test]
    fn irreversible_needs_no_down() {
        let m = p("-- irreversible: true\n-- sluice:up\nSELECT 1;").unwrap();
        assert!(m.down.is_none());
    }

    #[test]
    fn bad_file_name() {
        let e = parse(
            Path::new("migrations/_bad.sql"),
            "-- sluice:up\nSELECT 1;",
            Dialect::Sqlite,
        )
        .unwrap_err();
        assert!(e.to_string().contains("rename"), "{e}");
    }
}
