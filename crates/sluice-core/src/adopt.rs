//! Taking over another tool's history: read its table, match every row to a migration of
//! the project (read in that tool's layout), compare checksums where the tool kept them,
//! and say exactly what would be recorded — or why adoption must stop.
//!
//! Nothing here writes: [`crate::run::mark_applied`] records the result.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use sluice_sql::Dialect;

use crate::engine::{DbError, Engine};
use crate::file::Migration;
use crate::id::MigrationId;
use crate::layout::Layout;
use crate::plan::Plan;
use crate::time::parse_to_rfc3339;

/// Why adoption stops, in words that say what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdoptError(pub String);

impl fmt::Display for AdoptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AdoptError {}

/// One migration to record as applied.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Adoption {
    /// The migration.
    pub id: MigrationId,
    /// When the other tool applied it (RFC 3339, UTC), where it kept that.
    pub applied_at: Option<String>,
    /// Who applied it, where the tool kept that.
    pub applied_by: Option<String>,
    /// What the tool's history says, as read.
    pub original: serde_json::Value,
    /// How the file was checked against the tool's checksum: `"match"`, or why not.
    pub checksum: String,
}

/// The outcome of reading and matching a tool's history.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct AdoptPlan {
    /// The tool.
    pub tool: Layout,
    /// The table read.
    pub table: String,
    /// Rows read.
    pub rows: usize,
    /// What to record, in plan order.
    pub adopt: Vec<Adoption>,
    /// Migrations of the project the tool has not applied (left pending), in plan order.
    pub pending: Vec<MigrationId>,
    /// Notes for the reader (rows that were rolled back, repeatables that changed…).
    pub notes: Vec<String>,
}

/// One row of a tool's history, as text.
type Row = Vec<Option<String>>;

/// A migration picked for adoption: its index among the layout's migrations, when and by
/// whom, the row as read, and the checksum verdict.
type Picked = (
    usize,
    Option<String>,
    Option<String>,
    serde_json::Value,
    String,
);

fn text_cast(d: Dialect, col: &str) -> String {
    match d {
        Dialect::MySql => format!("CAST({col} AS CHAR)"),
        _ => format!("CAST({col} AS TEXT)"),
    }
}

fn hex_of(d: Dialect, col: &str) -> String {
    match d {
        Dialect::Postgres => format!("encode({col}, 'hex')"),
        _ => format!("lower(hex({col}))"),
    }
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The history table a tool keeps (the default name).
pub fn default_table(tool: Layout) -> &'static str {
    match tool {
        Layout::Dbmate | Layout::GolangMigrate => "schema_migrations",
        Layout::Flyway => "flyway_schema_history",
        Layout::Sqlx => "_sqlx_migrations",
        Layout::Diesel => "__diesel_schema_migrations",
        Layout::Prisma => "_prisma_migrations",
        Layout::Sqitch => "sqitch.changes",
        Layout::Pop => "schema_migration",
        Layout::Sluice | Layout::UpDown => "sluice_migrations",
    }
}

/// Whether a schema object is the history another tool keeps for the project's layout (its
/// table, that table's indexes and triggers, Sqitch's whole `sqitch` schema): not part of
/// the schema the migrations make, so `drift` leaves it out.
pub fn is_tool_history(tool: Layout, o: &crate::schema::SchemaObject) -> bool {
    if matches!(tool, Layout::Sluice | Layout::UpDown) {
        return false;
    }
    let table = default_table(tool);
    let unquote = |s: &str| s.trim_matches(['"', '`']).to_string();
    let parts: Vec<String> = o.name.split('.').map(unquote).collect();
    if tool == Layout::Sqitch {
        return parts.first().is_some_and(|s| s == "sqitch");
    }
    let last = parts.last().map(String::as_str).unwrap_or("");
    if o.kind == "table" || o.kind == "sequence" {
        return last == table;
    }
    // An index or trigger of that table: `… ON public.schema_migrations …`.
    let def = o.definition.replace(['"', '`'], "");
    [
        format!(" ON {table} "),
        format!(".{table} "),
        format!(" ON {table}("),
    ]
    .iter()
    .any(|needle| def.contains(needle.as_str()))
        && matches!(o.kind.as_str(), "index" | "trigger")
}

fn read(
    engine: &mut dyn Engine,
    tool: Layout,
    table: &str,
    sql: &str,
) -> Result<Vec<Row>, AdoptError> {
    engine.query_rows(sql).map_err(|e: DbError| {
        AdoptError(format!(
            "cannot read {tool}'s history table {table} in {}: {}; is this the database {tool} migrated? (name another table with --table)",
            engine.info().url,
            e.short()
        ))
    })
}

fn col(r: &Row, i: usize) -> Option<String> {
    r.get(i).cloned().flatten()
}

fn truthy(v: Option<String>) -> bool {
    matches!(v.as_deref(), Some("1" | "t" | "true" | "TRUE" | "True"))
}

/// Reads `tool`'s history from the database and matches it against `plan`.
/// `table` overrides the tool's table name; `sqitch_project` is the plan's `%project`.
pub fn prepare(
    engine: &mut dyn Engine,
    plan: &Plan,
    tool: Layout,
    table: Option<&str>,
    sqitch_project: Option<&str>,
) -> Result<AdoptPlan, AdoptError> {
    if matches!(tool, Layout::Sluice | Layout::Pop | Layout::UpDown) {
        return Err(AdoptError(format!(
            "sluice cannot take over {tool}'s history: adopt reads dbmate, golang-migrate, flyway, sqlx, diesel, prisma and sqitch; mark a database that already has the migrations with `sluice baseline --to <id> --check`"
        )));
    }
    let mine: Vec<&Migration> = plan
        .migrations()
        .iter()
        .filter(|m| m.origin.as_ref().is_some_and(|o| o.layout == tool))
        .collect();
    if mine.is_empty() && !plan.migrations().is_empty() {
        return Err(AdoptError(format!(
            "the project's migrations are not in {tool}'s layout: set `[project] layout = \"{tool}\"` in sluice.toml (sluice init --detect says which layout a folder is in)"
        )));
    }
    let d = engine.info().dialect;
    let table = table.unwrap_or(default_table(tool)).to_string();
    let t = &table;
    let mut notes = Vec::new();
    // (migration, at, by, original, checksum note)
    let mut picked: Vec<Picked> = Vec::new();
    let index_of = |pred: &dyn Fn(&Migration) -> bool| mine.iter().position(|m| pred(m));
    let version = |m: &Migration| {
        m.origin
            .as_ref()
            .map_or("", |o| o.version.as_str())
            .to_string()
    };
    let tool_sum = |m: &Migration| m.origin.as_ref().and_then(|o| o.tool_checksum.clone());
    let missing = |v: &str, what: &str| {
        AdoptError(format!(
            "{t} records {what} {v} as applied, but no migration of the project has it: restore the file (from version control) into the migrations folder, then adopt"
        ))
    };
    let mismatch = |m: &Migration, recorded: &str, now: &str, fix: &str| {
        AdoptError(format!(
            "{} differs from what {tool} applied ({t} has checksum {recorded}, the file now gives {now}): restore the applied version of the file{fix}, then adopt",
            m.path.display()
        ))
    };
    let rows: Vec<Row>;
    match tool {
        Layout::Dbmate => {
            rows = read(
                engine,
                tool,
                t,
                &format!("SELECT version FROM {t} ORDER BY version"),
            )?;
            for r in &rows {
                let v = col(r, 0).unwrap_or_default();
                let i = index_of(&|m| version(m) == v).ok_or_else(|| missing(&v, "version"))?;
                picked.push((
                    i,
                    None,
                    None,
                    serde_json::json!({ "version": v }),
                    "dbmate keeps no checksum".into(),
                ));
            }
        }
        Layout::GolangMigrate => {
            rows = read(
                engine,
                tool,
                t,
                &format!("SELECT version, CASE WHEN dirty THEN 1 ELSE 0 END FROM {t}"),
            )?;
            if let Some(r) = rows.first() {
                let v = col(r, 0).unwrap_or_default();
                if truthy(col(r, 1)) {
                    return Err(AdoptError(format!(
                        "{t} marks version {v} dirty: golang-migrate stopped part-way through it, so the database is between two versions. Finish or undo that migration by hand, run `migrate force {v}` (finished) or `migrate force <previous version>` (undone), then adopt"
                    )));
                }
                let n = |s: &str| s.trim_start_matches('0').to_string();
                let cur = n(&v);
                let at =
                    index_of(&|m| n(&version(m)) == cur).ok_or_else(|| missing(&v, "version"))?;
                for i in 0..=at {
                    picked.push((
                        i,
                        None,
                        None,
                        serde_json::json!({ "current_version": v }),
                        "golang-migrate keeps no checksum".into(),
                    ));
                }
            }
        }
        Layout::Flyway => {
            rows = read(
                engine,
                tool,
                t,
                &format!(
                    "SELECT installed_rank, version, description, type, script, {}, installed_by, {}, CASE WHEN success THEN 1 ELSE 0 END FROM {t} ORDER BY installed_rank",
                    text_cast(d, "checksum"),
                    text_cast(d, "installed_on")
                ),
            )?;
            let parse = |s: &str| crate::layout::FlywayVersion::parse(s);
            // version text → (row index); repeatables: description → latest row.
            let mut applied: Vec<(usize, usize)> = Vec::new(); // (migration, row)
            let mut repeat: HashMap<String, usize> = HashMap::new();
            for (ri, r) in rows.iter().enumerate() {
                let rank = col(r, 0).unwrap_or_default();
                let kind = col(r, 3).unwrap_or_default();
                let script = col(r, 4).unwrap_or_default();
                if !truthy(col(r, 8)) {
                    return Err(AdoptError(format!(
                        "{t} row {rank} ({kind} {}, {script}) failed: Flyway stopped there. Fix the database so that migration is either fully applied or not at all, run `flyway repair` to remove the failed row, then adopt",
                        col(r, 1).unwrap_or_else(|| "repeatable".into())
                    )));
                }
                let Some(v) = col(r, 1).and_then(|v| parse(&v)) else {
                    if col(r, 1).is_none() && kind != "DELETE" {
                        repeat.insert(col(r, 2).unwrap_or_default(), ri);
                    }
                    continue;
                };
                let same = |m: &Migration| {
                    m.origin.as_ref().is_some_and(|o| !o.repeatable)
                        && parse(&version(m)).as_ref() == Some(&v)
                };
                match kind.as_str() {
                    "BASELINE" | "SQL_BASELINE" => {
                        for (i, m) in mine.iter().enumerate() {
                            let below = m.origin.as_ref().is_some_and(|o| !o.repeatable)
                                && parse(&version(m)).is_some_and(|x| x <= v);
                            if below && !applied.iter().any(|(a, _)| *a == i) {
                                applied.push((i, ri));
                            }
                        }
                    }
                    "UNDO_SQL" | "UNDO_JDBC" | "DELETE" => {
                        applied.retain(|(i, _)| !same(mine[*i]));
                    }
                    _ => {
                        let i = index_of(&same).ok_or_else(|| missing(&v.text(), "version"))?;
                        applied.retain(|(a, _)| *a != i);
                        applied.push((i, ri));
                    }
                }
            }
            for (i, ri) in applied {
                let r = &rows[ri];
                let m = mine[i];
                let kind = col(r, 3).unwrap_or_default();
                let note = if kind.contains("BASELINE") {
                    format!(
                        "below Flyway's baseline (row {})",
                        col(r, 0).unwrap_or_default()
                    )
                } else {
                    let recorded = col(r, 5).unwrap_or_default();
                    let now = tool_sum(m).unwrap_or_default();
                    if recorded != now {
                        return Err(mismatch(
                            m,
                            &recorded,
                            &now,
                            ", or run `flyway repair` if the edit is meant",
                        ));
                    }
                    "match".into()
                };
                picked.push((i, col(r, 7), col(r, 6), flyway_row(r), note));
            }
            for (desc, ri) in repeat {
                let r = &rows[ri];
                let Some(i) = index_of(&|m| {
                    m.origin
                        .as_ref()
                        .is_some_and(|o| o.repeatable && o.version == desc)
                }) else {
                    notes.push(format!("the repeatable migration `{desc}` ({}) is in {t} but not in the folder: nothing to adopt", col(r, 4).unwrap_or_default()));
                    continue;
                };
                let recorded = col(r, 5).unwrap_or_default();
                if Some(recorded.clone()) == tool_sum(mine[i]) {
                    picked.push((i, col(r, 7), col(r, 6), flyway_row(r), "match".into()));
                } else {
                    notes.push(format!(
                        "{} changed since Flyway last applied it (checksum {recorded}): left pending, so `sluice up` applies it again, as Flyway would",
                        mine[i].path.display()
                    ));
                }
            }
        }
        Layout::Sqlx => {
            rows = read(
                engine,
                tool,
                t,
                &format!(
                    "SELECT version, description, {}, CASE WHEN success THEN 1 ELSE 0 END, {} FROM {t} ORDER BY version",
                    text_cast(d, "installed_on"),
                    hex_of(d, "checksum")
                ),
            )?;
            for r in &rows {
                let v = col(r, 0).unwrap_or_default();
                if !truthy(col(r, 3)) {
                    return Err(AdoptError(format!(
                        "{t} marks version {v} as not successful (sqlx calls the database dirty): sqlx stopped part-way through it. Finish or undo it by hand, delete that row from {t}, then adopt"
                    )));
                }
                let i = index_of(&|m| version(m) == v).ok_or_else(|| missing(&v, "version"))?;
                let recorded = col(r, 4).unwrap_or_default();
                let now = tool_sum(mine[i]).unwrap_or_default();
                if recorded != now {
                    return Err(mismatch(mine[i], &recorded, &now, ""));
                }
                picked.push((
                    i,
                    col(r, 2),
                    None,
                    serde_json::json!({ "version": v, "description": col(r, 1) }),
                    "match".into(),
                ));
            }
        }
        Layout::Diesel => {
            rows = read(
                engine,
                tool,
                t,
                &format!(
                    "SELECT version, {} FROM {t} ORDER BY version",
                    text_cast(d, "run_on")
                ),
            )?;
            for r in &rows {
                let v = col(r, 0).unwrap_or_default();
                let i = index_of(&|m| version(m) == v).ok_or_else(|| missing(&v, "version"))?;
                picked.push((
                    i,
                    col(r, 1),
                    None,
                    serde_json::json!({ "version": v }),
                    "diesel keeps no checksum".into(),
                ));
            }
        }
        Layout::Prisma => {
            rows = read(
                engine,
                tool,
                t,
                &format!(
                    "SELECT migration_name, checksum, {}, {}, {} FROM {t} ORDER BY started_at",
                    text_cast(d, "finished_at"),
                    text_cast(d, "rolled_back_at"),
                    text_cast(d, "started_at")
                ),
            )?;
            for r in &rows {
                let name = col(r, 0).unwrap_or_default();
                if col(r, 3).is_some() {
                    notes.push(format!("{name} was marked rolled back in {t}: not adopted"));
                    continue;
                }
                if col(r, 2).is_none() {
                    return Err(AdoptError(format!(
                        "{t} shows {name} as started but never finished: Prisma stopped part-way through it. Finish or undo it by hand, then run `prisma migrate resolve --applied {name}` or `--rolled-back {name}`, then adopt"
                    )));
                }
                let i =
                    index_of(&|m| version(m) == name).ok_or_else(|| missing(&name, "migration"))?;
                let recorded = col(r, 1).unwrap_or_default();
                let now = tool_sum(mine[i]).unwrap_or_default();
                if recorded != now {
                    return Err(mismatch(mine[i], &recorded, &now, ""));
                }
                picked.push((
                    i,
                    col(r, 2),
                    None,
                    serde_json::json!({ "migration_name": name }),
                    "match".into(),
                ));
            }
        }
        Layout::Sqitch => {
            let project = sqitch_project.unwrap_or_default();
            rows = read(
                engine,
                tool,
                t,
                &format!(
                    "SELECT change, script_hash, {}, committer_name, committer_email, change_id FROM {t} WHERE project = {} ORDER BY committed_at",
                    text_cast(d, "committed_at"),
                    quote(project)
                ),
            )?;
            let mut occurrence: HashMap<String, usize> = HashMap::new();
            for r in &rows {
                let name = col(r, 0).unwrap_or_default();
                let k = occurrence.entry(name.clone()).or_default();
                let i = mine
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| version(m) == name)
                    .nth(*k)
                    .map(|(i, _)| i)
                    .ok_or_else(|| missing(&name, "change"))?;
                *k += 1;
                let recorded = col(r, 1).unwrap_or_default();
                let now = tool_sum(mine[i]).unwrap_or_default();
                let note = if recorded.is_empty() {
                    "Sqitch recorded no script hash".to_string()
                } else if recorded != now {
                    return Err(mismatch(mine[i], &recorded, &now, ""));
                } else {
                    "match".into()
                };
                let by = match (col(r, 3), col(r, 4)) {
                    (Some(n), Some(e)) => Some(format!("{n} <{e}>")),
                    (n, _) => n,
                };
                picked.push((
                    i,
                    col(r, 2),
                    by,
                    serde_json::json!({ "change": name, "change_id": col(r, 5) }),
                    note,
                ));
            }
            // Conflicts and other projects' changes, as Sqitch would check them.
            let deployed: BTreeSet<String> = rows.iter().filter_map(|r| col(r, 0)).collect();
            for (i, ..) in &picked {
                let o = mine[*i]
                    .origin
                    .as_ref()
                    .expect("layout migrations have an origin");
                if let Some(c) = o.conflicts.iter().find(|c| deployed.contains(*c)) {
                    return Err(AdoptError(format!(
                        "sqitch.plan says `{}` conflicts with `{c}`, and both are deployed: revert one with Sqitch, then adopt",
                        o.version
                    )));
                }
                for ext in &o.external_requires {
                    let (p, c) = ext.split_once(':').unwrap_or(("", ext));
                    let found = engine
                        .query_rows(&format!(
                            "SELECT 1 FROM {t} WHERE project = {} AND change = {}",
                            quote(p),
                            quote(c)
                        ))
                        .map(|r| !r.is_empty())
                        .unwrap_or(false);
                    if !found {
                        return Err(AdoptError(format!(
                            "`{}` requires `{ext}`, which is not deployed in this database: deploy that project's change first, then adopt",
                            o.version
                        )));
                    }
                }
            }
        }
        Layout::Sluice | Layout::Pop | Layout::UpDown => unreachable!("refused above"),
    }
    let chosen: BTreeSet<usize> = picked.iter().map(|p| p.0).collect();
    let mut by_index: HashMap<usize, Adoption> = HashMap::new();
    for (i, at, by, original, checksum) in picked {
        let applied_at = at.as_deref().and_then(parse_to_rfc3339);
        by_index.insert(
            i,
            Adoption {
                id: mine[i].id.clone(),
                applied_at,
                applied_by: by,
                original,
                checksum,
            },
        );
    }
    let mut adopt = Vec::new();
    let mut pending = Vec::new();
    for m in plan.migrations() {
        match mine.iter().position(|x| x.id == m.id) {
            Some(i) if chosen.contains(&i) => adopt.push(by_index.remove(&i).expect("chosen")),
            _ => pending.push(m.id.clone()),
        }
    }
    Ok(AdoptPlan {
        tool,
        table,
        rows: rows.len(),
        adopt,
        pending,
        notes,
    })
}

fn flyway_row(r: &Row) -> serde_json::Value {
    serde_json::json!({
        "installed_rank": col(r, 0),
        "version": col(r, 1),
        "description": col(r, 2),
        "type": col(r, 3),
        "script": col(r, 4),
        "checksum": col(r, 5),
    })
}
