//! `sluice fleet`: one set of migrations across many databases (`[fleets.<name>]`).
//!
//! `up` migrates each database as `sluice up` would (its own lock, history, gates and
//! hooks), `parallel` at a time, in the order the fleet lists them (a pattern's files in
//! name order); once `max_failures` databases have failed, no new one starts and the
//! ones in flight finish. Every run has a journal, a JSON line per database in
//! `.sluice/fleets/<name>/<run id>.jsonl`. `status` reads every database and counts, per
//! migration, where it is applied, pending, failed or partial.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use serde::Serialize;
use sluice_core::config::{FleetConfig, mask_url};
use sluice_core::time::Timestamp;
use sluice_core::{RunId, State};
use sluice_engine::Access;

use crate::args::{
    FleetAction, FleetArgs, FleetStatusArgs, FleetUpArgs, Format, TargetArgs, UpArgs,
};
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(a: FleetArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    match a.action {
        FleetAction::Up(u) => up(u, s, out),
        FleetAction::Status(st) => status(st, s, out),
    }
}

/// The fleet `name` of sluice.toml.
fn fleet<'s>(s: &'s Settings, name: &str) -> Result<&'s FleetConfig, Failure> {
    let fleets = s.config.as_ref().map(|c| &c.fleets);
    fleets.and_then(|f| f.get(name)).ok_or_else(|| {
        let known: Vec<&str> = fleets
            .into_iter()
            .flat_map(|f| f.keys().map(String::as_str))
            .collect();
        Failure::new(
            Exit::Input,
            if known.is_empty() {
                format!(
                    "sluice.toml has no fleet `{name}`: declare it as [fleets.{name}] with `targets = [\"sqlite:tenants/*.db\", \"env:TENANT_URL\", …]`"
                )
            } else {
                format!(
                    "sluice.toml has no fleet `{name}`; it has {}",
                    known.join(", ")
                )
            },
        )
    })
}

/// The fleet's databases: each target resolved (`env:NAME`), a `sqlite:` pattern
/// expanded to its files in name order; each once.
fn targets(s: &Settings, name: &str, f: &FleetConfig) -> Result<Vec<String>, Failure> {
    let mut out: Vec<String> = Vec::new();
    for t in &f.targets {
        let found = match t.strip_prefix("sqlite:") {
            Some(pattern) if pattern.contains(['*', '?']) => matching(&s.project, pattern)
                .map_err(|e| Failure::new(Exit::Input, format!("[fleets.{name}] {t}: {e}")))?,
            _ => vec![
                match &s.config {
                    Some(c) => c.resolve_url(&s.env, t),
                    None => sluice_core::config::resolve_url(&s.env, t),
                }
                .map_err(|e| Failure::new(Exit::Input, format!("[fleets.{name}] targets: {e}")))?,
            ],
        };
        for u in found {
            let dialect = sluice_engine::dialect_of(&u);
            if dialect != Some(s.dialect) {
                return Err(Failure::new(
                    Exit::Input,
                    format!(
                        "[fleets.{name}] {} is not a {} database, and the project's migrations are {}",
                        mask_url(&u),
                        s.dialect.name(),
                        s.dialect.name()
                    ),
                ));
            }
            if !out.contains(&u) {
                out.push(u);
            }
        }
    }
    if out.is_empty() {
        return Err(Failure::new(
            Exit::Input,
            format!("[fleets.{name}] names no database (its patterns match no file)"),
        ));
    }
    Ok(out)
}

/// The SQLite files whose name matches `pattern` (`dir/*.db`, relative to the project):
/// `*` any run of characters, `?` one; the folder part is taken as written.
fn matching(project: &Path, pattern: &str) -> Result<Vec<String>, String> {
    let path = Path::new(pattern);
    let (dir, name) = match (path.parent(), path.file_name().and_then(|n| n.to_str())) {
        (Some(d), Some(n)) => (d, n),
        _ => return Err("write a file pattern such as `sqlite:tenants/*.db`".into()),
    };
    if dir.to_string_lossy().contains(['*', '?']) {
        return Err("only the file name may hold `*` or `?`, not the folder".into());
    }
    let full: PathBuf = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        project.join(dir)
    };
    let entries = std::fs::read_dir(&full).map_err(|e| format!("{}: {e}", full.display()))?;
    let mut files: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| wildcard(name, n))
        .map(|n| format!("sqlite:{}", dir.join(n).display()))
        .collect();
    files.sort();
    Ok(files)
}

/// Whether `name` matches `pattern` (`*`, `?`).
fn wildcard(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    // The last `*` seen and where in `name` it stands for, to go back to.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(st) = star {
            i = st + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// What happened to one database of a run.
#[derive(Debug, Serialize)]
struct Outcome {
    target: String,
    /// `done`, `failed`, `not started`.
    outcome: &'static str,
    /// Migrations applied by this run.
    applied: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    exit: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_ms: Option<u64>,
}

/// The journal of a fleet run: a JSON line per event, appended as they happen.
struct Journal {
    path: PathBuf,
    file: std::fs::File,
}

impl Journal {
    fn create(project: &Path, fleet: &str, run: &RunId) -> Result<Journal, Failure> {
        let dir = project.join(".sluice").join("fleets").join(fleet);
        std::fs::create_dir_all(&dir).map_err(|e| {
            Failure::new(
                Exit::Output,
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
        let path = dir.join(format!("{run}.jsonl"));
        let file = std::fs::OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(|e| {
                Failure::new(
                    Exit::Output,
                    format!("cannot create {}: {e}", path.display()),
                )
            })?;
        Ok(Journal { path, file })
    }

    fn write(&mut self, line: &serde_json::Value) -> Result<(), Failure> {
        writeln!(self.file, "{line}")
            .and_then(|()| self.file.sync_data())
            .map_err(|e| {
                Failure::new(
                    Exit::Output,
                    format!("cannot write the journal {}: {e}", self.path.display()),
                )
            })
    }
}

fn up(a: FleetUpArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    super::lock_wait(&a.lock_wait)?;
    let f = fleet(s, &a.name)?;
    // The files are read and checked once, before any database is touched.
    s.plan()?;
    let targets = targets(s, &a.name, f)?;
    let n = targets.len();
    let parallel = f.parallel.unwrap_or(4).clamp(1, n);
    let budget = match &f.max_failures {
        None => 1,
        Some(b) => b
            .of(n)
            .map_err(|e| Failure::new(Exit::Input, format!("[fleets.{}] {e}", a.name)))?,
    };
    let run = s.run_context().run_id;
    let mut journal = Journal::create(&s.project, &a.name, &run)?;
    let shown: Vec<String> = targets.iter().map(|t| mask_url(t)).collect();
    journal.write(&serde_json::json!({
        "run_id": run.as_str(), "fleet": a.name, "env": s.env, "started_at": Timestamp::now().rfc3339(),
        "targets": shown, "parallel": parallel, "max_failures": budget,
    }))?;
    writeln!(
        out,
        "{run} fleet {}: {n} database(s), {parallel} at a time, stopping after {budget} failed (env {})",
        a.name, s.env
    )?;
    out.flush()?;
    let started = Instant::now();
    let (next, stop, failures) = (
        AtomicUsize::new(0),
        AtomicBool::new(false),
        AtomicUsize::new(0),
    );
    let (tx, rx) = mpsc::channel::<(usize, Outcome)>();
    let mut done: Vec<Option<Outcome>> = (0..n).map(|_| None).collect();
    let (mut failed, mut current) = (0usize, 0usize);
    let mut trouble: Option<Failure> = None;
    std::thread::scope(|scope| {
        for _ in 0..parallel {
            let (tx, next, stop, failures) = (tx.clone(), &next, &stop, &failures);
            let (targets, shown) = (&targets, &shown);
            let lock_wait = a.lock_wait.clone();
            scope.spawn(move || {
                loop {
                    // Checked after taking a database too: one taken once the budget is
                    // spent is not started.
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= targets.len() || stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let o = up_one(s, &targets[i], &shown[i], &lock_wait);
                    // The budget is counted here, before this worker takes the next one.
                    if o.outcome == "failed"
                        && failures.fetch_add(1, Ordering::SeqCst) + 1 >= budget
                    {
                        stop.store(true, Ordering::SeqCst);
                    }
                    if tx.send((i, o)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, o) in rx {
            current += 1;
            let line = match o.outcome {
                "failed" => {
                    failed += 1;
                    format!(
                        "{run} [{current}/{n}] {}: failed (exit {}): {}",
                        o.target,
                        o.exit.unwrap_or(1),
                        o.error.as_deref().unwrap_or("")
                    )
                }
                _ => format!(
                    "{run} [{current}/{n}] {}: {}",
                    o.target,
                    match o.applied {
                        0 => "up to date".to_string(),
                        k => format!("{k} applied"),
                    }
                ),
            };
            let written = writeln!(out, "{line}").and_then(|()| out.flush());
            if let Err(e) = written {
                trouble.get_or_insert(e.into());
            }
            if let Err(e) = journal.write(&serde_json::to_value(&o).unwrap_or_default()) {
                trouble.get_or_insert(e);
                stop.store(true, Ordering::SeqCst);
            }
            done[i] = Some(o);
        }
    });
    if let Some(t) = trouble {
        return Err(t);
    }
    let mut not_started = 0;
    for (i, slot) in done.iter_mut().enumerate() {
        if slot.is_none() {
            not_started += 1;
            let o = Outcome {
                target: shown[i].clone(),
                outcome: "not started",
                applied: 0,
                exit: None,
                error: None,
                duration_ms: None,
            };
            writeln!(out, "{run} {}: not started", o.target)?;
            journal.write(&serde_json::to_value(&o).unwrap_or_default())?;
            *slot = Some(o);
        }
    }
    let ok = n - failed - not_started;
    journal.write(&serde_json::json!({
        "finished_at": Timestamp::now().rfc3339(), "succeeded": ok, "failed": failed,
        "not_started": not_started, "duration_ms": started.elapsed().as_millis() as u64,
    }))?;
    writeln!(
        out,
        "{run} fleet {}: {ok} of {n} up to date, {failed} failed, {not_started} not started, in {} (journal {})",
        a.name,
        super::human(started.elapsed()),
        crate::settings::tidy(&journal.path).display()
    )?;
    if failed == 0 {
        Ok(Exit::Success)
    } else {
        Err(Failure::new(
            Exit::MigrationFailed,
            format!(
                "fleet {}: {failed} database(s) failed{}; each is as its own `sluice status` reports",
                a.name,
                if not_started > 0 {
                    format!(
                        " and {not_started} were not started (max_failures = {budget} was reached)"
                    )
                } else {
                    String::new()
                }
            ),
        ))
    }
}

/// `sluice up` on one database of the fleet.
fn up_one(s: &Settings, url: &str, shown: &str, lock_wait: &str) -> Outcome {
    let mut t = s.clone();
    t.url = url.to_string();
    let args = UpArgs {
        target: TargetArgs::default(),
        lock_wait: lock_wait.to_string(),
        resume: false,
        reconnect: None,
    };
    let started = Instant::now();
    let mut said = Vec::new();
    let result = super::up::run(args, &t, &mut said);
    // `<run id> applied <migration> (…)`: one line per migration applied.
    let applied = String::from_utf8_lossy(&said)
        .lines()
        .filter(|l| l.split(' ').nth(1) == Some("applied"))
        .count();
    let duration_ms = Some(started.elapsed().as_millis() as u64);
    match result {
        Ok(_) => Outcome {
            target: shown.to_string(),
            outcome: "done",
            applied,
            exit: Some(0),
            error: None,
            duration_ms,
        },
        Err(f) => Outcome {
            target: shown.to_string(),
            outcome: "failed",
            applied,
            exit: Some(f.exit as i32),
            error: Some(f.error.to_string().lines().next().unwrap_or("").to_string()),
            duration_ms,
        },
    }
}

/// One database's standing.
#[derive(Debug, Serialize)]
struct TargetStatus {
    target: String,
    /// `None` when it could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    applied: usize,
    pending: Vec<String>,
    failed: Vec<String>,
    partial: Vec<String>,
}

/// One migration across the fleet.
#[derive(Debug, Default, Serialize)]
struct MigrationCounts {
    id: String,
    applied: usize,
    pending: usize,
    failed: usize,
    partial: usize,
}

fn status(a: FleetStatusArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let f = fleet(s, &a.name)?;
    let plan = s.plan()?;
    let targets = targets(s, &a.name, f)?;
    let mut counts: Vec<MigrationCounts> = plan
        .migrations()
        .iter()
        .map(|m| MigrationCounts {
            id: m.id.to_string(),
            ..MigrationCounts::default()
        })
        .collect();
    let mut dbs = Vec::new();
    for url in &targets {
        let mut t = s.clone();
        t.url = url.clone();
        let read = (|| -> Result<Vec<sluice_core::engine::Record>, Failure> {
            let Some(mut e) = t.open(Access::ReadOnly, "fleet-status")? else {
                return Ok(Vec::new());
            };
            if e.state_exists()? {
                Ok(e.records()?)
            } else {
                Ok(Vec::new())
            }
        })();
        let mut st = TargetStatus {
            target: mask_url(url),
            error: None,
            applied: 0,
            pending: Vec::new(),
            failed: Vec::new(),
            partial: Vec::new(),
        };
        match read {
            Err(e) => st.error = Some(e.error.to_string()),
            Ok(records) => {
                for c in &mut counts {
                    let state = records
                        .iter()
                        .find(|r| r.id.as_str() == c.id)
                        .map_or(State::Pending, |r| r.state);
                    match state {
                        State::Applied => {
                            c.applied += 1;
                            st.applied += 1;
                        }
                        State::Failed => {
                            c.failed += 1;
                            st.failed.push(c.id.clone());
                        }
                        State::Partial | State::Applying | State::Reverting => {
                            c.partial += 1;
                            st.partial.push(c.id.clone());
                        }
                        State::Pending => {
                            c.pending += 1;
                            st.pending.push(c.id.clone());
                        }
                    }
                }
            }
        }
        dbs.push(st);
    }
    if s.format == Format::Json {
        let doc = serde_json::json!({
            "fleet": a.name, "env": s.env, "databases": dbs, "migrations": counts,
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        )?;
        return Ok(Exit::Success);
    }
    writeln!(
        out,
        "fleet {}: {} database(s) (env {})",
        a.name,
        dbs.len(),
        s.env
    )?;
    let width = counts.iter().map(|c| c.id.len()).max().unwrap_or(9).max(9);
    writeln!(
        out,
        "{:width$}  applied  pending  failed  partial",
        "migration"
    )?;
    for c in &counts {
        writeln!(
            out,
            "{:width$}  {:>7}  {:>7}  {:>6}  {:>7}",
            c.id, c.applied, c.pending, c.failed, c.partial
        )?;
    }
    let behind: Vec<&TargetStatus> = dbs
        .iter()
        .filter(|d| {
            d.error.is_some()
                || !d.failed.is_empty()
                || !d.partial.is_empty()
                || d.applied < dbs.iter().map(|x| x.applied).max().unwrap_or(0)
        })
        .collect();
    if behind.is_empty() {
        writeln!(out, "every database is at the same migration")?;
    } else {
        writeln!(out, "behind the others or in trouble:")?;
        for d in behind {
            let mut why = Vec::new();
            if let Some(e) = &d.error {
                why.push(format!("not read: {e}"));
            }
            if !d.failed.is_empty() {
                why.push(format!("failed {}", d.failed.join(", ")));
            }
            if !d.partial.is_empty() {
                why.push(format!("partial {}", d.partial.join(", ")));
            }
            if !d.pending.is_empty() && d.error.is_none() {
                why.push(format!("{} pending from {}", d.pending.len(), d.pending[0]));
            }
            writeln!(out, "  {}: {}", d.target, why.join("; "))?;
        }
    }
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::wildcard;

    #[test]
    fn wildcards_match_like_a_shell() {
        assert!(wildcard("*.db", "tenant_a.db"));
        assert!(wildcard("tenant_?.db", "tenant_a.db"));
        assert!(!wildcard("tenant_?.db", "tenant_ab.db"));
        assert!(wildcard("t*a*.db", "tenant_a.db"));
        assert!(!wildcard("*.db", "tenant_a.db-wal"));
        assert!(wildcard("*", ""));
        assert!(!wildcard("a*b", "ac"));
    }
}
