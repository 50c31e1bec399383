//! `sluice compat`: will the running application still work after the pending migrations?
//!
//! The application's statements (from files, or what the server recorded:
//! `pg_stat_statements`, `performance_schema` digests) are checked — prepared, never run —
//! on a scratch database built to the environment's current schema, then again after each
//! statement of the pending migrations, so a statement that breaks is tied to the
//! migration and line that break it. A statement that could not be checked says why; it
//! never counts as passing.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sluice_core::State;
use sluice_engine::Access;
use sluice_engine::compat::{self, Prepared};
use sluice_sql::Dialect;

use crate::args::{CompatArgs, Format};
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

/// One statement of the application.
#[derive(Clone, Debug, Serialize)]
pub struct Query {
    /// Its text.
    pub sql: String,
    /// Where it came from: `queries.sql:12`, `pg_stat_statements`.
    pub origin: String,
    /// How often the server saw it, when the server said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calls: Option<u64>,
}

/// What changed it: a statement of a pending migration.
#[derive(Clone, Debug, Serialize)]
pub struct Cause {
    pub migration: String,
    pub file: String,
    pub line: usize,
    pub statement: String,
}

/// How to split a change the application cannot take into an expand migration now and a
/// contract migration after the application is deployed.
#[derive(Clone, Debug, Serialize)]
pub struct Advice {
    /// Why.
    pub why: String,
    /// The expand migration's statements (empty: keep what is there).
    pub expand: Vec<String>,
    /// The contract migration's statements.
    pub contract: Vec<String>,
}

/// The verdict on one statement.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Prepares on the new schema, and its plan keeps the indexes it used.
    Passes,
    /// Does not prepare after `cause`.
    Breaks {
        kind: &'static str,
        error: String,
        cause: Cause,
        #[serde(skip_serializing_if = "Option::is_none")]
        advice: Option<Advice>,
    },
    /// Prepares, but its plan lost indexes it used after `cause`.
    LosesIndex { indexes: Vec<String>, cause: Cause },
    /// Could not be checked, and why.
    NotChecked { reason: String },
}

/// One statement and its verdict.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    #[serde(flatten)]
    pub query: Query,
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// What `compat` found.
#[derive(Clone, Debug, Serialize)]
pub struct CompatDoc {
    pub schema_version: u32,
    pub environment: String,
    pub database: String,
    /// Where the statements came from.
    pub sources: Vec<String>,
    /// The pending migrations checked, in order.
    pub pending: Vec<String>,
    /// `passes`, `breaks` or `not_checked` (nothing could be checked).
    pub verdict: &'static str,
    pub passes: usize,
    pub breaks: usize,
    pub not_checked: usize,
    pub statements: Vec<Finding>,
}

pub fn run(a: CompatArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let doc = check(s, &a)?;
    match s.format {
        Format::Json => {
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            )?;
        }
        Format::Text => text(&doc, out)?,
        other => return Err(super::unsupported("compat", other.name())),
    }
    Ok(if doc.breaks > 0 {
        Exit::ChecksFailed
    } else {
        Exit::Success
    })
}

/// Session statements with nothing to check against a schema.
fn is_session(sql: &str) -> bool {
    let first = sql
        .split(|c: char| c.is_whitespace() || c == ';' || c == '(')
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_ascii_uppercase();
    matches!(
        first.as_str(),
        "BEGIN"
            | "START"
            | "COMMIT"
            | "END"
            | "ROLLBACK"
            | "SAVEPOINT"
            | "RELEASE"
            | "SET"
            | "SHOW"
            | "RESET"
            | "DISCARD"
            | "DEALLOCATE"
            | "LISTEN"
            | "UNLISTEN"
            | "USE"
    )
}

/// The first word of a statement that is not a query (`CREATE`, `DROP`, `CALL`, …).
fn not_a_query(sql: &str) -> Option<String> {
    let first = sql
        .trim_start_matches(|c: char| c.is_whitespace() || c == '(')
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    let queries = [
        "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES", "WITH", "TABLE", "REPLACE",
    ];
    (!queries.contains(&first.as_str())).then_some(first)
}

/// The statements of a file, or of every `.sql` file of a folder (in name order).
fn from_files(paths: &[PathBuf], project: &Path, dialect: Dialect) -> Result<Vec<Query>, Failure> {
    let mut out = Vec::new();
    for p in paths {
        let full = if p.is_absolute() {
            p.clone()
        } else {
            project.join(p)
        };
        let files = if full.is_dir() {
            let mut f: Vec<PathBuf> = std::fs::read_dir(&full)
                .map_err(|e| Failure::new(Exit::Input, format!("{}: {e}", p.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "sql"))
                .collect();
            f.sort();
            f
        } else {
            vec![full]
        };
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(|e| {
                Failure::new(
                    Exit::Input,
                    format!("--queries {}: {e}", crate::settings::tidy(&f).display()),
                )
            })?;
            let shown = crate::settings::tidy(&f).display().to_string();
            let split = sluice_sql::split(&text, dialect)
                .map_err(|e| Failure::new(Exit::Input, format!("{shown}: {e}")))?;
            for st in split {
                let (sql, skipped) = strip_comments(st.text);
                if sql.is_empty() {
                    continue;
                }
                out.push(Query {
                    sql,
                    origin: format!("{shown}:{}", st.line + skipped),
                    calls: None,
                });
            }
        }
    }
    Ok(out)
}

/// The statement without its leading `--` comment lines, and how many lines those were.
fn strip_comments(text: &str) -> (String, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let skip = lines
        .iter()
        .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with("--"))
        .count();
    (lines[skip..].join("\n").trim().to_string(), skip)
}

/// What the server recorded: the `top` statements by calls, and the length at which the
/// server cuts a statement's text (`None`: it does not).
fn from_server(s: &Settings, top: usize) -> Result<(Vec<Query>, Option<usize>, String), Failure> {
    let Some(mut e) = s.open(Access::ReadOnly, "compat")? else {
        return Err(Failure::new(
            Exit::Refused,
            format!(
                "the database {} does not exist: it has recorded no statements; give --queries",
                s.masked_url()
            ),
        ));
    };
    let state = s.state.replace('\'', "''");
    let url = s.masked_url();
    // What to ask, the server's limit on a statement's text, how to name the source, and
    // what to do when it cannot be read.
    let (rows_sql, limit_sql, origin, said, fix) = match s.dialect {
        Dialect::Postgres => (
            format!(
                "SELECT query, calls::text FROM pg_stat_statements \
                 WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                   AND query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE '%{state}.%' \
                   AND query NOT LIKE '%\"{state}\".%' AND query NOT LIKE '%pg_backend_pid(), version()%' \
                   AND query <> 'SELECT to_regclass($1) IS NOT NULL' \
                   AND query NOT LIKE '%sluice\\_scratch\\_%' \
                 ORDER BY calls DESC, query LIMIT {top}"
            ),
            "SELECT current_setting('track_activity_query_size')",
            "pg_stat_statements",
            format!("pg_stat_statements of {url} (the {top} most called)"),
            "load it (shared_preload_libraries = 'pg_stat_statements', then CREATE EXTENSION pg_stat_statements in this database)",
        ),
        Dialect::MySql => (
            format!(
                "SELECT digest_text, CAST(count_star AS CHAR) FROM performance_schema.events_statements_summary_by_digest \
                 WHERE schema_name = DATABASE() AND digest_text IS NOT NULL \
                   AND digest_text NOT LIKE '%performance_schema%' AND digest_text NOT LIKE '%`{state}\\_%' \
                   AND digest_text NOT LIKE '%sluice\\_scratch\\_%' \
                 ORDER BY count_star DESC, digest_text LIMIT {top}"
            ),
            "SELECT @@performance_schema_max_digest_length",
            "performance_schema digest",
            format!("performance_schema digests of {url} (the {top} most run)"),
            "start the server with performance_schema = ON",
        ),
        Dialect::Sqlite => {
            return Err(Failure::new(
                Exit::Input,
                "SQLite records no statements of the application: give them with --queries <file or folder>, or compat_queries in sluice.toml",
            ));
        }
    };
    let rows = e.query_rows(&rows_sql).map_err(|err| {
        Failure::new(
            Exit::Database,
            format!(
                "{origin} could not be read in {url} ({}): {fix}, or give --queries",
                err.short()
            ),
        )
    })?;
    let limit = e
        .query_rows(limit_sql)
        .ok()
        .and_then(|r| r.first().and_then(|r| r.first().cloned().flatten()))
        .and_then(|v| parse_size(&v));
    let queries = rows
        .into_iter()
        .filter_map(|r| {
            let sql = r.first().cloned().flatten()?;
            let calls = r.get(1).cloned().flatten().and_then(|c| c.parse().ok());
            let sql = match s.dialect {
                Dialect::MySql => from_digest(&sql),
                _ => sql,
            };
            Some(Query {
                sql,
                origin: origin.into(),
                calls,
            })
        })
        .collect();
    Ok((queries, limit, said))
}

/// A MySQL/MariaDB statement digest made preparable again: the digest writes a space
/// between a function and its `(` (`COUNT ( * )`, `` `DATE_FORMAT` ( ``), which the server
/// then reads as a call of a stored function of that name, and folds the rows of an
/// `INSERT` into `VALUES (...)`, which has as many values as the column list names.
fn from_digest(text: &str) -> String {
    use sluice_sql::parse::lex::{Kind, tokens};
    let toks = tokens(text, Dialect::MySql);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let next = toks.get(i + 1);
        // VALUES (...) [, (...)]…: one row of placeholders, as many as the column list.
        if t.is("VALUES")
            && toks.get(i + 1).is_some_and(|x| x.text == "(")
            && toks[i + 2..]
                .iter()
                .take_while(|x| x.text != ")")
                .all(|x| x.text == ".")
            && let Some(n) = insert_columns(&toks[..i])
        {
            out.push_str(&format!("VALUES ({})", vec!["?"; n].join(", ")));
            // Skip `( ... )` and any further `, ( ... )`.
            i += 1;
            loop {
                while i < toks.len() && toks[i].text != ")" {
                    i += 1;
                }
                i += 1;
                if toks.get(i).is_some_and(|x| x.text == ",")
                    && toks.get(i + 1).is_some_and(|x| x.text == "(")
                    && toks.get(i + 2).is_some_and(|x| x.text == ".")
                {
                    i += 1;
                    continue;
                }
                break;
            }
            out.push(' ');
            continue;
        }
        // A name before `(` is a call, unless it is the table of `INSERT INTO t (…)`.
        let after_into = i > 0 && (toks[i - 1].is("INTO") || toks[i - 1].is("TABLE"));
        let call = next.is_some_and(|x| x.text == "(")
            && matches!(t.kind, Kind::Word | Kind::Quoted)
            && !after_into
            && ![
                "IN", "VALUES", "AS", "ON", "FROM", "JOIN", "EXISTS", "AND", "OR", "NOT", "WHERE",
                "SELECT", "USING", "INTO", "INDEX", "KEY",
            ]
            .iter()
            .any(|k| t.is(k));
        if call && t.kind == Kind::Quoted {
            out.push_str(&t.ident());
        } else {
            out.push_str(t.text);
        }
        if !call {
            out.push(' ');
        }
        i += 1;
    }
    out.trim_end().to_string()
}

/// How many columns the `INSERT … (a, b, c)` before `VALUES` names.
fn insert_columns(before: &[sluice_sql::parse::lex::Token<'_>]) -> Option<usize> {
    let close = before.iter().rposition(|t| t.text == ")")?;
    if close + 1 != before.len() {
        return None;
    }
    let open = before[..close].iter().rposition(|t| t.text == "(")?;
    let inner = &before[open + 1..close];
    if inner.is_empty() || inner.iter().any(|t| t.text == "(") {
        return None;
    }
    Some(inner.iter().filter(|t| t.text == ",").count() + 1)
}

/// `1kB`, `1024`: a size setting in bytes.
fn parse_size(v: &str) -> Option<usize> {
    let v = v.trim();
    let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
    let n: usize = digits.parse().ok()?;
    Some(match v[digits.len()..].trim() {
        "" | "B" => n,
        "kB" => n * 1024,
        "MB" => n * 1024 * 1024,
        _ => return None,
    })
}

/// Why a statement's text cannot be trusted as the application sent it, if it cannot.
fn untrusted(q: &Query, limit: Option<usize>) -> Option<String> {
    if q.sql.ends_with("...") || q.sql.ends_with('…') {
        return Some("its text was cut by the server (it ends in \"...\")".into());
    }
    if let Some(limit) = limit
        && q.sql.len() + 1 >= limit
    {
        return Some(format!(
            "its text is {} bytes, at the server's limit of {limit}: it may have been cut, so a check of it proves nothing",
            q.sql.len()
        ));
    }
    if q.sql.contains("(...)") || q.sql.contains("( ... )") {
        return Some("the server folded a list of values into `...`".into());
    }
    None
}

/// A column renamed or dropped by an `ALTER TABLE`: the table, the column and the new
/// name (`None`: dropped).
fn column_change(sql: &str, dialect: Dialect) -> Option<(String, String, Option<String>)> {
    use sluice_sql::parse::lex::{Kind, tokens};
    let toks: Vec<_> = tokens(sql, dialect)
        .into_iter()
        .filter(|t| t.kind != Kind::Punct || t.text != ";")
        .collect();
    let name = |i: usize| -> Option<String> {
        let t = toks.get(i)?;
        matches!(t.kind, Kind::Word | Kind::Quoted).then(|| t.ident())
    };
    if !(toks.first()?.is("ALTER") && toks.get(1)?.is("TABLE")) {
        return None;
    }
    let mut i = 2;
    if toks.get(i)?.is("IF") {
        i += 2;
    }
    if toks.get(i)?.is("ONLY") {
        i += 1;
    }
    // A qualified name: keep its last part.
    let mut table = name(i)?;
    while toks.get(i + 1).is_some_and(|t| t.text == ".") {
        i += 2;
        table = name(i)?;
    }
    i += 1;
    if toks.get(i)?.is("RENAME") {
        i += 1;
        if toks.get(i)?.is("COLUMN") {
            i += 1;
        }
        let old = name(i)?;
        if !toks.get(i + 1)?.is("TO") || toks.get(i).is_some_and(|t| t.is("TO")) {
            return None;
        }
        return Some((table, old, Some(name(i + 2)?)));
    }
    if toks.get(i)?.is("DROP") {
        i += 1;
        if toks.get(i)?.is("COLUMN") {
            i += 1;
        } else if toks.get(i).is_some_and(|t| {
            [
                "CONSTRAINT",
                "INDEX",
                "KEY",
                "PRIMARY",
                "FOREIGN",
                "CHECK",
                "DEFAULT",
            ]
            .iter()
            .any(|k| t.is(k))
        }) {
            return None;
        }
        if toks.get(i)?.is("IF") {
            i += 2;
        }
        return Some((table, name(i)?, None));
    }
    None
}

/// The type of column `col` of `table` on the scratch database, if it is there.
fn column_type(
    e: &mut dyn sluice_core::Engine,
    dialect: Dialect,
    table: &str,
    col: &str,
) -> Option<String> {
    let (t, c) = (table.replace('\'', "''"), col.replace('\'', "''"));
    let sql = match dialect {
        Dialect::Postgres => format!(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass('\"{}\"') AND attname = '{c}' AND NOT attisdropped",
            t.replace('"', "\"\"")
        ),
        Dialect::MySql => format!(
            "SELECT column_type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '{t}' AND column_name = '{c}'"
        ),
        Dialect::Sqlite => format!("SELECT type FROM pragma_table_info('{t}') WHERE name = '{c}'"),
    };
    e.query_rows(&sql)
        .ok()?
        .first()?
        .first()?
        .clone()
        .filter(|t| !t.is_empty())
}

/// How to split a rename or a drop of a column the application uses into an expand
/// migration now and a contract migration after the application no longer uses it.
fn advice(dialect: Dialect, table: &str, old: &str, new: Option<&str>, ty: Option<&str>) -> Advice {
    let ty = ty.unwrap_or("<its type>");
    let Some(new) = new else {
        return Advice {
            why: format!(
                "the running application still uses {table}.{old}: drop it only after the application that no longer does is deployed everywhere"
            ),
            expand: vec![match dialect {
                Dialect::MySql => format!(
                    "ALTER TABLE {table} MODIFY {old} {ty} NULL;  -- if it is NOT NULL: let the new application leave it out"
                ),
                _ => format!(
                    "ALTER TABLE {table} ALTER COLUMN {old} DROP NOT NULL;  -- if it is NOT NULL: let the new application leave it out"
                ),
            }],
            contract: vec![format!("ALTER TABLE {table} DROP COLUMN {old};")],
        };
    };
    let sync = format!("{table}_{old}_{new}_sync");
    let (triggers, drop) = match dialect {
        Dialect::Postgres => (
            vec![
                format!(
                    "CREATE FUNCTION {sync}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'INSERT' THEN NEW.{new} := COALESCE(NEW.{new}, NEW.{old}); NEW.{old} := COALESCE(NEW.{old}, NEW.{new}); ELSIF NEW.{old} IS DISTINCT FROM OLD.{old} THEN NEW.{new} := NEW.{old}; ELSIF NEW.{new} IS DISTINCT FROM OLD.{new} THEN NEW.{old} := NEW.{new}; END IF; RETURN NEW; END $$;"
                ),
                format!(
                    "CREATE TRIGGER {sync} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {sync}();"
                ),
            ],
            vec![
                format!("DROP TRIGGER {sync} ON {table};"),
                format!("DROP FUNCTION {sync}();"),
            ],
        ),
        Dialect::MySql => (
            vec![
                format!(
                    "CREATE TRIGGER {sync}_ins BEFORE INSERT ON {table} FOR EACH ROW SET NEW.{new} = COALESCE(NEW.{new}, NEW.{old}), NEW.{old} = COALESCE(NEW.{old}, NEW.{new});"
                ),
                format!(
                    "CREATE TRIGGER {sync}_upd BEFORE UPDATE ON {table} FOR EACH ROW SET NEW.{new} = IF(NEW.{old} <=> OLD.{old}, NEW.{new}, NEW.{old}), NEW.{old} = IF(NEW.{old} <=> OLD.{old}, NEW.{new}, NEW.{old});"
                ),
            ],
            vec![
                format!("DROP TRIGGER {sync}_ins;"),
                format!("DROP TRIGGER {sync}_upd;"),
            ],
        ),
        Dialect::Sqlite => (
            vec![format!(
                "CREATE TRIGGER {sync} AFTER INSERT ON {table} BEGIN UPDATE {table} SET {new} = COALESCE(NEW.{new}, NEW.{old}), {old} = COALESCE(NEW.{old}, NEW.{new}) WHERE rowid = NEW.rowid; END;"
            )],
            vec![format!("DROP TRIGGER {sync};")],
        ),
    };
    let mut expand = vec![
        format!("ALTER TABLE {table} ADD COLUMN {new} {ty};"),
        format!("UPDATE {table} SET {new} = {old};"),
    ];
    expand.extend(triggers);
    let mut contract = drop;
    contract.push(format!("ALTER TABLE {table} DROP COLUMN {old};"));
    Advice {
        why: format!(
            "the running application still uses {table}.{old}: add {new} beside it now (backfilled, in batches on a large table) and kept in step by a trigger, and drop {old} after the application that uses {new} is deployed everywhere"
        ),
        expand,
        contract,
    }
}

/// Builds the current schema on a scratch database, checks every statement, then applies
/// the pending migrations a statement at a time and checks again after each.
pub fn check(s: &Settings, a: &CompatArgs) -> Result<CompatDoc, Failure> {
    let plan = s.plan()?;
    let dialect = s.dialect;
    // The environment's history: what is applied (the current schema) and what `up`
    // would apply.
    let records = match s.open(Access::ReadOnly, "compat")? {
        Some(mut e) => {
            if e.state_exists()? {
                e.records()?
            } else {
                Vec::new()
            }
        }
        None => Vec::new(),
    };
    let overview = sluice_core::run::Overview::new(&plan, records.clone(), &s.env, None);
    let opts = s.run.up_options();
    let chosen = sluice_core::run::plan_up(&plan, &overview, &opts, &s.env)?;
    let pending: Vec<&sluice_core::Migration> = chosen.apply.iter().map(|(m, _)| *m).collect();
    let mut applied: Vec<&sluice_core::engine::Record> = records
        .iter()
        .filter(|r| r.state == State::Applied)
        .collect();
    applied.sort_by_key(|r| r.applied_seq.unwrap_or(i64::MAX));
    if a.only_pending && pending.is_empty() {
        return Ok(CompatDoc {
            schema_version: 1,
            environment: s.env.clone(),
            database: s.masked_url(),
            sources: Vec::new(),
            pending: Vec::new(),
            verdict: "passes",
            passes: 0,
            breaks: 0,
            not_checked: 0,
            statements: Vec::new(),
        });
    }
    // The statements, once it is known there is something to check them against.
    let mut sources = Vec::new();
    // --queries, else the environment's compat_queries.
    let files: Vec<PathBuf> = if a.queries.is_empty() {
        s.env_cfg
            .iter()
            .flat_map(|c| c.compat_queries.iter().map(PathBuf::from))
            .collect()
    } else {
        a.queries.clone()
    };
    let mut queries = from_files(&files, &s.project, dialect)?;
    if !files.is_empty() {
        sources.push(
            files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    let mut limit = None;
    if files.is_empty() || a.from_server {
        let (q, l, said) = from_server(s, a.top)?;
        queries.extend(q);
        limit = l;
        sources.push(said);
    }
    let current: Vec<&sluice_core::Migration> = applied
        .iter()
        .filter_map(|r| plan.get(r.id.as_str()))
        .collect();

    let scratch = super::scratch(s, a.scratch_url.as_deref())?;
    let findings = {
        let mut e = super::open_scratch(s, &scratch.url, "compat")?;
        for m in &current {
            for st in &m.up.statements {
                e.execute(&st.sql).map_err(|err| {
                    Failure::new(
                        Exit::MigrationFailed,
                        format!(
                            "cannot build the current schema on the scratch database: {}:{}: {}",
                            m.path.display(),
                            st.line,
                            err.short()
                        ),
                    )
                })?;
            }
        }
        compat::prepare_session(e.as_mut(), dialect)?;
        // On the current schema: what each statement needs.
        let mut verdicts: Vec<Option<Verdict>> = Vec::new();
        let mut before: Vec<Option<Prepared>> = Vec::new();
        for q in &queries {
            let reason = if is_session(&q.sql) {
                Some(
                    "a session statement: there is nothing in it to check against a schema"
                        .to_string(),
                )
            } else if let Some(word) = not_a_query(&q.sql) {
                Some(format!(
                    "a {word} statement: only queries (SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, WITH) can be prepared without running them"
                ))
            } else {
                untrusted(q, limit)
            };
            if let Some(reason) = reason {
                verdicts.push(Some(Verdict::NotChecked { reason }));
                before.push(None);
                continue;
            }
            match compat::check(e.as_mut(), dialect, &q.sql, None, true) {
                Ok(p) => {
                    verdicts.push(None);
                    before.push(Some(p));
                }
                Err(err) => {
                    verdicts.push(Some(Verdict::NotChecked {
                        reason: format!(
                            "it does not prepare on the current schema either ({}: {})",
                            compat::kind(&err),
                            err.short()
                        ),
                    }));
                    before.push(None);
                }
            }
        }
        // After each statement of the pending migrations.
        'all: for m in &pending {
            for st in &m.up.statements {
                let change = column_change(&st.sql, dialect);
                let ty = change
                    .as_ref()
                    .and_then(|(t, c, _)| column_type(e.as_mut(), dialect, t, c));
                if let Err(err) = e.execute(&st.sql) {
                    for v in verdicts.iter_mut().filter(|v| v.is_none()) {
                        *v = Some(Verdict::NotChecked {
                            reason: format!(
                                "the pending migrations do not apply on the scratch database: {}:{}: {}",
                                m.path.display(),
                                st.line,
                                err.short()
                            ),
                        });
                    }
                    break 'all;
                }
                if dialect == Dialect::Postgres && sluice_sql::is_data_change(&st.sql) {
                    continue;
                }
                let cause = || Cause {
                    migration: m.id.to_string(),
                    file: crate::settings::tidy(&m.path).display().to_string(),
                    line: st.line,
                    statement: st.sql.clone(),
                };
                for (k, q) in queries.iter().enumerate() {
                    if verdicts[k].is_some() {
                        continue;
                    }
                    let Some(b) = before[k].as_ref() else {
                        continue;
                    };
                    let plans = !b.indexes.is_empty();
                    match compat::check(e.as_mut(), dialect, &q.sql, Some(b), plans) {
                        Err(err) => {
                            let kind = compat::kind(&err);
                            let advice = change.as_ref().filter(|_| kind == "missing column").map(
                                |(t, c, n)| advice(dialect, t, c, n.as_deref(), ty.as_deref()),
                            );
                            verdicts[k] = Some(Verdict::Breaks {
                                kind,
                                error: err.short(),
                                cause: cause(),
                                advice,
                            });
                        }
                        Ok(now) if plans => {
                            let lost: Vec<String> = b
                                .indexes
                                .iter()
                                .filter(|i| !now.indexes.contains(i))
                                .cloned()
                                .collect();
                            if !lost.is_empty() && now.indexes.len() < b.indexes.len() {
                                verdicts[k] = Some(Verdict::LosesIndex {
                                    indexes: lost,
                                    cause: cause(),
                                });
                            }
                        }
                        Ok(_) => {}
                    }
                }
            }
        }
        queries
            .into_iter()
            .zip(verdicts)
            .map(|(query, v)| Finding {
                query,
                verdict: v.unwrap_or(Verdict::Passes),
            })
            .collect::<Vec<_>>()
    };
    scratch.remove()?;
    let count = |f: fn(&Verdict) -> bool| findings.iter().filter(|x| f(&x.verdict)).count();
    let breaks = count(|v| matches!(v, Verdict::Breaks { .. } | Verdict::LosesIndex { .. }));
    let passes = count(|v| matches!(v, Verdict::Passes));
    let not_checked = count(|v| matches!(v, Verdict::NotChecked { .. }));
    Ok(CompatDoc {
        schema_version: 1,
        environment: s.env.clone(),
        database: s.masked_url(),
        sources,
        pending: pending.iter().map(|m| m.id.to_string()).collect(),
        verdict: if breaks > 0 {
            "breaks"
        } else if passes == 0 && not_checked > 0 {
            "not_checked"
        } else {
            "passes"
        },
        passes,
        breaks,
        not_checked,
        statements: findings,
    })
}

/// The `compat = "block"` gate of `up`: the application's statements (`compat_queries`,
/// else what the server recorded) against the schema after what `up` would apply; a
/// statement that would break refuses the run before anything is applied.
pub fn gate(s: &Settings, run: &sluice_core::RunId, out: &mut dyn Write) -> Result<(), Failure> {
    let Some(cfg) = s.env_cfg.as_ref() else {
        return Ok(());
    };
    if cfg.compat != Some(sluice_core::config::CompatGate::Block) {
        return Ok(());
    }
    let a = CompatArgs {
        queries: cfg.compat_queries.iter().map(PathBuf::from).collect(),
        from_server: false,
        top: 200,
        scratch_url: None,
        only_pending: true,
    };
    let doc = check(s, &a)?;
    if doc.pending.is_empty() {
        return Ok(());
    }
    if doc.breaks == 0 {
        writeln!(
            out,
            "{run} gate compat passed: {} statement(s) of the application checked against the schema after {}, none breaks ({} not checked)",
            doc.statements.len(),
            doc.pending.join(", "),
            doc.not_checked
        )?;
        return Ok(());
    }
    let mut msg = format!(
        "{run}: the compat gate of environment {} blocks this run; nothing was applied: {} statement(s) of the application would break:",
        s.env, doc.breaks
    );
    for f in &doc.statements {
        match &f.verdict {
            Verdict::Breaks {
                kind, error, cause, ..
            } => msg.push_str(&format!(
                "\n  {}: {}\n    {kind}: {error}, after {}:{}",
                origin(&f.query),
                one_line(&f.query.sql),
                cause.file,
                cause.line
            )),
            Verdict::LosesIndex { indexes, cause } => msg.push_str(&format!(
                "\n  {}: {}\n    its plan no longer uses {}, after {}:{}",
                origin(&f.query),
                one_line(&f.query.sql),
                indexes.join(", "),
                cause.file,
                cause.line
            )),
            _ => {}
        }
    }
    msg.push_str(&format!(
        "\n    to pass it: split the change into an expand migration now and a contract migration after the application is deployed (sluice compat --env {} shows how)",
        s.env
    ));
    Err(Failure::new(Exit::Refused, msg))
}

/// The verdict for `plan` and the pending report, when the environment names the
/// application's statements (`compat_queries`) or gates on them (`compat`); `None`
/// otherwise. A check that cannot run is "not checked", with why.
pub fn summary(s: &Settings) -> Option<sluice_report::reports::Compatibility> {
    use sluice_report::reports::{CompatFinding, Compatibility};
    let cfg = s.env_cfg.as_ref()?;
    if cfg.compat.is_none() && cfg.compat_queries.is_empty() {
        return None;
    }
    let a = CompatArgs {
        queries: Vec::new(),
        from_server: false,
        top: 200,
        scratch_url: None,
        only_pending: true,
    };
    let doc = match check(s, &a) {
        Ok(d) => d,
        Err(f) => {
            return Some(Compatibility::not_checked(format!(
                "sluice compat could not run: {}",
                f.error
            )));
        }
    };
    if doc.pending.is_empty() {
        return Some(Compatibility::not_checked("nothing is pending"));
    }
    let findings = doc
        .statements
        .iter()
        .filter_map(|f| {
            let (problem, cause, advice) = match &f.verdict {
                Verdict::Breaks {
                    kind,
                    error,
                    cause,
                    advice,
                } => (format!("{kind}: {error}"), cause, advice.as_ref()),
                Verdict::LosesIndex { indexes, cause } => (
                    format!("its plan no longer uses {}", indexes.join(", ")),
                    cause,
                    None,
                ),
                _ => return None,
            };
            Some(CompatFinding {
                statement: f.query.sql.clone(),
                origin: origin(&f.query),
                problem,
                cause: format!(
                    "{}:{} ({}): {}",
                    cause.file,
                    cause.line,
                    cause.migration,
                    one_line(&cause.statement)
                ),
                advice: advice
                    .map(|a| {
                        vec![
                            format!("Expand/contract: {}", a.why),
                            format!("Expand, a migration now: {}", a.expand.join(" ")),
                            format!(
                                "Contract, a migration after the deploy: {}",
                                a.contract.join(" ")
                            ),
                        ]
                    })
                    .unwrap_or_default(),
            })
        })
        .collect();
    Some(Compatibility {
        verdict: doc.verdict.to_string(),
        reason: (doc.verdict == "not_checked")
            .then(|| "no statement of the application could be checked".to_string()),
        sources: doc.sources.clone(),
        passes: doc.passes,
        breaks: doc.breaks,
        not_checked: doc.not_checked,
        findings,
    })
}

/// One line of a statement, shortened.
fn one_line(sql: &str) -> String {
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 110 {
        format!("{}…", flat.chars().take(109).collect::<String>())
    } else {
        flat
    }
}

/// Where a statement came from, with how often the server saw it.
fn origin(q: &Query) -> String {
    match q.calls {
        Some(1) => format!("{} (1 call)", q.origin),
        Some(n) => format!("{} ({n} calls)", q.origin),
        None => q.origin.clone(),
    }
}

fn text(doc: &CompatDoc, out: &mut dyn Write) -> Result<(), Failure> {
    writeln!(
        out,
        "compat: {} statement(s) from {}, checked against {} on a scratch database",
        doc.statements.len(),
        doc.sources.join(" and "),
        match doc.pending.len() {
            0 => "the current schema (nothing is pending)".to_string(),
            n => format!(
                "the schema after {n} pending migration(s) ({})",
                doc.pending.join(", ")
            ),
        }
    )?;
    let mut n = 0;
    let mut advised: Vec<(String, usize)> = Vec::new();
    for f in &doc.statements {
        let said = match &f.verdict {
            Verdict::Breaks {
                kind,
                error,
                cause,
                advice,
            } => {
                let mut t = format!(
                    "BREAKS  {}\n        {}\n        {kind}: {error}\n        caused by {}:{} ({}): {}",
                    origin(&f.query),
                    one_line(&f.query.sql),
                    cause.file,
                    cause.line,
                    cause.migration,
                    one_line(&cause.statement)
                );
                let key = (cause.migration.clone(), cause.line);
                if advice.is_some() && advised.contains(&key) {
                    t.push_str("\n        expand/contract: as above");
                } else if let Some(a) = advice {
                    advised.push(key);
                    t.push_str(&format!("\n        expand/contract: {}", a.why));
                    t.push_str("\n        expand, a migration now:");
                    for x in &a.expand {
                        t.push_str(&format!("\n          {x}"));
                    }
                    t.push_str("\n        contract, a migration after the deploy:");
                    for x in &a.contract {
                        t.push_str(&format!("\n          {x}"));
                    }
                }
                t
            }
            Verdict::LosesIndex { indexes, cause } => format!(
                "SLOWER  {}\n        {}\n        its plan no longer uses {} after {}:{} ({}): {}",
                origin(&f.query),
                one_line(&f.query.sql),
                indexes.join(", "),
                cause.file,
                cause.line,
                cause.migration,
                one_line(&cause.statement)
            ),
            _ => continue,
        };
        n += 1;
        writeln!(out, "{said}")?;
    }
    let (session, unchecked): (Vec<&Finding>, Vec<&Finding>) = doc
        .statements
        .iter()
        .filter(|f| matches!(f.verdict, Verdict::NotChecked { .. }))
        .partition(|f| is_session(&f.query.sql));
    if !unchecked.is_empty() {
        writeln!(out, "not checked ({}):", unchecked.len())?;
        for f in unchecked {
            if let Verdict::NotChecked { reason } = &f.verdict {
                writeln!(
                    out,
                    "  {}: {}\n    {reason}",
                    origin(&f.query),
                    one_line(&f.query.sql)
                )?;
            }
        }
    }
    if !session.is_empty() {
        writeln!(
            out,
            "not checked: {} session statement(s) (BEGIN, SET, …): nothing in them to check against a schema",
            session.len()
        )?;
    }
    if n == 0 && doc.breaks == 0 {
        writeln!(out, "no statement breaks")?;
    }
    writeln!(
        out,
        "verdict: {} — {} break, {} pass, {} not checked",
        match doc.verdict {
            "breaks" => "BREAKS",
            "not_checked" => "NOT CHECKED",
            _ => "PASSES",
        },
        doc.breaks,
        doc.passes,
        doc.not_checked
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::column_change;
    use sluice_sql::Dialect;

    #[test]
    fn digests_are_made_preparable_again() {
        use super::from_digest;
        assert_eq!(
            from_digest("SELECT COUNT ( * ) FROM `t` WHERE `DATE_FORMAT` ( `c` , ? ) = ?"),
            "SELECT COUNT( * ) FROM `t` WHERE DATE_FORMAT( `c` , ? ) = ?"
        );
        assert_eq!(
            from_digest(
                "INSERT INTO `t` ( `a` , `b` ) VALUES (...) , (...) ON DUPLICATE KEY UPDATE `b` = VALUES ( `b` )"
            ),
            "INSERT INTO `t` ( `a` , `b` ) VALUES (?, ?) ON DUPLICATE KEY UPDATE `b` = VALUES ( `b` )"
        );
        assert_eq!(
            from_digest("INSERT INTO `t` VALUES (...)"),
            "INSERT INTO `t` VALUES ( . . . )"
        );
    }

    #[test]
    fn renames_and_drops_of_columns_are_recognised() {
        let pg = Dialect::Postgres;
        assert_eq!(
            column_change(
                "ALTER TABLE public.users RENAME COLUMN name TO full_name",
                pg
            ),
            Some(("users".into(), "name".into(), Some("full_name".into())))
        );
        assert_eq!(
            column_change("alter table \"Users\" drop column if exists email;", pg),
            Some(("Users".into(), "email".into(), None))
        );
        assert_eq!(
            column_change("ALTER TABLE users DROP CONSTRAINT users_pkey", pg),
            None
        );
        assert_eq!(
            column_change("ALTER TABLE users RENAME TO people", pg),
            None
        );
        assert_eq!(
            column_change("ALTER TABLE users ADD COLUMN x int", pg),
            None
        );
    }
}
