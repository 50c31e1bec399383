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
use sluice_core::config::{FleetConfig, FleetTarget, mask_url};
use sluice_core::time::Timestamp;
use sluice_core::{RunId, State};
use sluice_engine::Access;
use sluice_report::reports::{FleetMigration, FleetStatus};

use crate::args::{
    FleetAction, FleetArgs, FleetDigestArgs, FleetResumeArgs, FleetStatusArgs, Format, TargetArgs,
    UpArgs,
};
use crate::exit::{Exit, Failure};
use crate::settings::Settings;

pub fn run(a: FleetArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    match a.action {
        FleetAction::Up(u) => {
            super::lock_wait(&u.lock_wait)?;
            rollout(s, &u.name, (&u.lock_wait, &u.target), None, out)
        }
        FleetAction::Status(st) => status(st, s, out),
        FleetAction::Resume(r) => resume(r, s, out),
        FleetAction::Digest(d) => digest(d, s, out),
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
    Ok(labeled_targets(s, name, f)?
        .into_iter()
        .map(|(t, _)| t)
        .collect())
}

/// A database of the fleet and its labels.
type Labeled = (String, std::collections::BTreeMap<String, String>);

/// [`targets`], each with its labels.
fn labeled_targets(s: &Settings, name: &str, f: &FleetConfig) -> Result<Vec<Labeled>, Failure> {
    let mut out: Vec<Labeled> = Vec::new();
    let resolve = |u: &str| {
        match &s.config {
            Some(c) => c.resolve_url(&s.env, u),
            None => sluice_core::config::resolve_url(&s.env, u),
        }
        .map_err(|e| Failure::new(Exit::Input, format!("[fleets.{name}] targets: {e}")))
    };
    let by_url = |t: &str| -> Result<Vec<String>, Failure> {
        Ok(match t.strip_prefix("sqlite:") {
            Some(pattern) if pattern.contains(['*', '?']) => matching(&s.project, pattern)
                .map_err(|e| Failure::new(Exit::Input, format!("[fleets.{name}] {t}: {e}")))?,
            _ => vec![resolve(t)?],
        })
    };
    let none = std::collections::BTreeMap::new();
    for t in &f.targets {
        let (found, labels) = match t {
            FleetTarget::Url(t) => (by_url(t)?, &none),
            FleetTarget::Labeled { url, labels } => (by_url(url)?, labels),
            FleetTarget::Command { command, labels } => {
                let argv = command.argv();
                let printed = printed(&s.project, &argv).map_err(|e| {
                    Failure::new(
                        Exit::Input,
                        format!("[fleets.{name}] targets: `{}`: {e}", argv.join(" ")),
                    )
                })?;
                let mut found = Vec::new();
                for line in printed {
                    found.extend(by_url(&line)?);
                }
                (found, labels)
            }
            FleetTarget::Query {
                server,
                query,
                schemas,
                labels,
            } => {
                if *schemas && s.dialect != sluice_sql::Dialect::Postgres {
                    return Err(Failure::new(
                        Exit::Input,
                        format!(
                            "[fleets.{name}] `schemas = true` is a PostgreSQL fleet (a tenant per schema, by search_path); this project is {}",
                            s.dialect.name()
                        ),
                    ));
                }
                let found = listed(s, &resolve(server)?, query, *schemas).map_err(|e| {
                    Failure::new(
                        Exit::Database,
                        format!("[fleets.{name}] the query on {}: {e}", mask_url(server)),
                    )
                })?;
                (found, labels)
            }
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
            if !out.iter().any(|(t, _)| *t == u) {
                out.push((u, labels.clone()));
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

/// The lines a command prints (trimmed, blank ones and `#` comments left out); it must
/// succeed.
fn printed(project: &Path, argv: &[String]) -> Result<Vec<String>, String> {
    let (program, args) = argv.split_first().ok_or("the command is empty")?;
    let out = std::process::Command::new(program)
        .args(args)
        .current_dir(project)
        .output()
        .map_err(|e| format!("cannot run it: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "it failed ({}): {}",
            out.status
                .code()
                .map_or("killed by a signal".to_string(), |c| format!("exit {c}")),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect())
}

/// The databases `query` lists (its first column) on `server`, each as `server`'s URL
/// with its database replaced.
fn listed(s: &Settings, server: &str, query: &str, schemas: bool) -> Result<Vec<String>, String> {
    let mut t = s.clone();
    t.url = server.to_string();
    let mut e = t
        .open(Access::ReadOnly, "fleet-targets")
        .map_err(|f| f.error.to_string())?
        .ok_or("the server's database does not exist")?;
    let rows = e.query_rows(query).map_err(|e| e.to_string())?;
    rows.into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .map(|name| {
            if schemas {
                Ok(format!("{server}{SCHEMA}{name}"))
            } else {
                with_database(server, &name)
            }
        })
        .collect()
}

/// What follows a database URL to name a tenant schema in it: `postgres://…/app#schema=t1`.
const SCHEMA: &str = "#schema=";

/// A target's database URL, and its tenant schema if it is one.
fn split_schema(target: &str) -> (&str, Option<&str>) {
    match target.rsplit_once(SCHEMA) {
        Some((url, schema)) => (url, Some(schema)),
        None => (target, None),
    }
}

/// The settings of one target: its URL; for a tenant schema, `search_path` set to it on
/// every connection and a state schema of its own (`<state>_<schema>`, shortened with a
/// hash when the schema's name is long or not plain).
fn settings_for(s: &Settings, target: &str) -> Settings {
    let (url, schema) = split_schema(target);
    let mut t = s.clone();
    t.url = url.to_string();
    if let Some(schema) = schema {
        t.run.session.push(format!(
            "SET search_path TO \"{}\"",
            schema.replace('"', "\"\"")
        ));
        t.state = tenant_state(&s.state, schema);
    }
    t
}

/// The name of a tenant schema's state: `<state>_<schema>`, kept to sluice's rule for
/// state names (lower-case letters, digits, `_`, at most 48 bytes) with a hash of the
/// schema's name when it does not fit as it is.
fn tenant_state(state: &str, schema: &str) -> String {
    let plain = format!("{state}_{schema}");
    if sluice_core::config::state_name_ok(&plain) {
        return plain;
    }
    let clean: String = schema
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(24)
        .collect();
    let hash = sluice_core::Checksum::v1(schema).to_string();
    let short = hash.rsplit(':').next().unwrap_or(&hash);
    format!("{state}_{clean}_{}", &short[..8.min(short.len())])
}

/// `url` naming database `db` instead of its own (`scheme://who@host:port/db?params`).
fn with_database(url: &str, db: &str) -> Result<String, String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!("{} is not a server URL", mask_url(url)));
    };
    let (before_params, params) = match rest.split_once('?') {
        Some((a, p)) => (a, Some(p)),
        None => (rest, None),
    };
    let authority = before_params.split('/').next().unwrap_or_default();
    // Characters a database name may hold that a URL path may not, escaped.
    let name: String = db
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    Ok(match params {
        Some(p) => format!("{scheme}://{authority}/{name}?{p}"),
        None => format!("{scheme}://{authority}/{name}"),
    })
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

/// The server a database is on (`scheme://host:port`, without the user), or `None` for
/// a SQLite file (opened in-process: no connection to spare).
fn server_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or(authority);
    Some(format!("{scheme}://{host}"))
}

/// The databases of a wave still to start, handed to the workers in order, never more
/// than `per_server` of one server at once.
struct Queue<'a> {
    state: std::sync::Mutex<(
        std::collections::VecDeque<usize>,
        std::collections::HashMap<&'a str, usize>,
    )>,
    freed: std::sync::Condvar,
    servers: &'a [Option<String>],
    per_server: usize,
}

impl<'a> Queue<'a> {
    fn new(wave: &[usize], servers: &'a [Option<String>], per_server: usize) -> Self {
        Queue {
            state: std::sync::Mutex::new((
                wave.iter().copied().collect(),
                std::collections::HashMap::new(),
            )),
            freed: std::sync::Condvar::new(),
            servers,
            per_server,
        }
    }

    /// The next database whose server has room, waiting for one to finish if none has;
    /// `None` when the wave is all started, or once `stop` or Ctrl-C says to stop.
    fn take(&self, stop: &AtomicBool) -> Option<usize> {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if stop.load(Ordering::SeqCst) || INTERRUPTED.load(Ordering::SeqCst) {
                return None;
            }
            let (waiting, busy) = &mut *st;
            let free = |i: &usize| {
                self.servers[*i]
                    .as_deref()
                    .is_none_or(|k| busy.get(k).copied().unwrap_or(0) < self.per_server)
            };
            if let Some(pos) = waiting.iter().position(free) {
                let i = waiting.remove(pos).expect("found above");
                if let Some(k) = self.servers[i].as_deref() {
                    *busy.entry(k).or_default() += 1;
                }
                return Some(i);
            }
            if waiting.is_empty() {
                return None;
            }
            st = self
                .freed
                .wait_timeout(st, std::time::Duration::from_millis(200))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Database `i` has finished: its server has room again.
    fn done(&self, i: usize) {
        if let Some(k) = self.servers[i].as_deref() {
            let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(n) = st.1.get_mut(k) {
                *n = n.saturating_sub(1);
            }
        }
        self.freed.notify_all();
    }
}

/// What happened to one database of a run.
#[derive(Debug, Serialize)]
struct Outcome {
    target: String,
    /// `done`, `failed`, `not started`.
    outcome: &'static str,
    /// Migrations applied by this run.
    applied: usize,
    /// The run of `up` on this database (its events carry it).
    #[serde(skip_serializing_if = "Option::is_none")]
    run_id: Option<String>,
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

/// Set by Ctrl-C during a rollout: no new database starts.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The first Ctrl-C stops starting databases (the ones in flight finish, each exact);
/// a second one ends sluice at once (each database is still exact: a transaction cut off
/// rolls back, a step-by-step migration is resumable).
fn on_ctrl_c() {
    static HANDLER: std::sync::Once = std::sync::Once::new();
    HANDLER.call_once(|| {
        #[allow(clippy::disallowed_methods)]
        let _ = ctrlc::set_handler(|| {
            if INTERRUPTED.swap(true, Ordering::SeqCst) {
                eprintln!("interrupted again: stopping now");
                std::process::exit(130);
            }
            eprintln!(
                "interrupted: no new database starts; the ones in flight finish (Ctrl-C again to stop at once)"
            );
        });
    });
}

/// What a resumed run leaves out: the databases its journal says are done.
struct Resuming {
    run: String,
    done: std::collections::HashSet<String>,
}

fn resume(a: FleetResumeArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    super::lock_wait(&a.lock_wait)?;
    let root = s.project.join(".sluice").join("fleets");
    let found = std::fs::read_dir(&root)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|d| d.path().join(format!("{}.jsonl", a.run)))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            Failure::new(
                Exit::Input,
                format!(
                    "no journal of fleet run {} in {}: give the run id `fleet up` printed",
                    a.run,
                    root.display()
                ),
            )
        })?;
    let name = read_journal(&found)?.0;
    // The databases done by the run, and by every run that resumed it since.
    let dir = found.parent().map(Path::to_path_buf).unwrap_or_default();
    let journals: Vec<(String, Option<String>, Vec<String>)> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let p = e.path();
            let run = p.file_stem()?.to_str()?.to_string();
            let (_, resumes, done) = read_journal(&p).ok()?;
            Some((run, resumes, done))
        })
        .collect();
    let mut chain = vec![a.run.clone()];
    let mut done = std::collections::HashSet::new();
    while let Some(run) = chain.pop() {
        for (r, resumes, d) in &journals {
            if *r == run {
                done.extend(d.iter().cloned());
            }
            if resumes.as_deref() == Some(run.as_str()) {
                chain.push(r.clone());
            }
        }
    }
    rollout(
        s,
        &name,
        (&a.lock_wait, &a.target),
        Some(Resuming { run: a.run, done }),
        out,
    )
}

/// A journal's fleet, the run it resumed, and the databases it finished.
fn read_journal(path: &Path) -> Result<(String, Option<String>, Vec<String>), Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::new(Exit::Input, format!("{}: {e}", path.display())))?;
    let mut lines = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok());
    let head = lines
        .next()
        .filter(|h| h["fleet"].is_string())
        .ok_or_else(|| {
            Failure::new(
                Exit::Input,
                format!("{}: not a fleet journal", path.display()),
            )
        })?;
    let done = lines
        .filter(|l| l["outcome"] == "done")
        .filter_map(|l| l["target"].as_str().map(str::to_string))
        .collect();
    Ok((
        head["fleet"].as_str().unwrap_or_default().to_string(),
        head["resumes"].as_str().map(str::to_string),
        done,
    ))
}

/// Whether a database with `labels` is one `select` names: `key=value`, or a bare value
/// that any of its labels has.
fn selects(select: &str, labels: &std::collections::BTreeMap<String, String>) -> bool {
    match select.split_once('=') {
        Some((k, v)) => labels.get(k.trim()).is_some_and(|x| x == v.trim()),
        None => labels.values().any(|x| x == select.trim()),
    }
}

/// The waves of a rollout: the databases of each (indexes into `labels`), in order.
fn waves(
    f: &FleetConfig,
    labels: &[std::collections::BTreeMap<String, String>],
    name: &str,
) -> Result<Vec<Vec<usize>>, Failure> {
    let n = labels.len();
    let mut taken = vec![false; n];
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut count = 0usize;
    for (k, w) in f.waves.iter().enumerate() {
        let chosen = |i: &usize| {
            w.select
                .as_deref()
                .is_none_or(|sel| selects(sel, &labels[*i]))
        };
        let want = match (w.size, w.percent) {
            (Some(size), None) if size > 0 => size,
            // A share of the databases it selects.
            (None, Some(p)) if p > 0.0 && p <= 100.0 && w.select.is_some() => {
                (((0..n).filter(chosen).count() as f64 * p / 100.0).ceil() as usize).max(1)
            }
            // Up to a share of the fleet, counted from the start.
            (None, Some(p)) if p > 0.0 && p <= 100.0 => ((n as f64 * p / 100.0).ceil() as usize)
                .saturating_sub(count)
                .max(1),
            (None, None) if w.select.is_some() => usize::MAX,
            _ => {
                return Err(Failure::new(
                    Exit::Input,
                    format!(
                        "[fleets.{name}] waves[{k}]: write `size = N` (N more databases) or `percent = P` (up to P % of the fleet, 0 < P <= 100), with or without `select = \"label=value\"`"
                    ),
                ));
            }
        };
        let wave: Vec<usize> = (0..n)
            .filter(|&i| !taken[i])
            .filter(chosen)
            .take(want)
            .collect();
        if wave.is_empty() {
            continue;
        }
        for &i in &wave {
            taken[i] = true;
        }
        count += wave.len();
        out.push(wave);
    }
    let rest: Vec<usize> = (0..n).filter(|&i| !taken[i]).collect();
    if !rest.is_empty() {
        out.push(rest);
    }
    Ok(out)
}

/// Runs `cmd` (the fleet's health check) after wave `wave`; `Err` says why it failed.
fn health_check(
    s: &Settings,
    name: &str,
    run: &RunId,
    wave: usize,
    argv: &[String],
) -> Result<(), String> {
    let Some((program, args)) = argv.split_first() else {
        return Err("`health` is empty".into());
    };
    let out = std::process::Command::new(program)
        .args(args)
        .current_dir(&s.project)
        .env("SLUICE_FLEET", name)
        .env("SLUICE_WAVE", wave.to_string())
        .env("SLUICE_FLEET_RUN", run.as_str())
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", argv.join(" ")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{}` failed ({}): {}{}",
            argv.join(" "),
            out.status
                .code()
                .map_or("killed by a signal".to_string(), |c| format!("exit {c}")),
            String::from_utf8_lossy(&out.stdout).trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn rollout(
    s: &Settings,
    name: &str,
    (lock_wait, how_far): (&str, &TargetArgs),
    resuming: Option<Resuming>,
    out: &mut dyn Write,
) -> Result<Exit, Failure> {
    let f = fleet(s, name)?;
    // The files are read and checked once, before any database is touched; every
    // database's `up` takes this plan.
    let mut shared = s.clone();
    shared.shared_plan = Some(std::sync::Arc::new(s.plan()?));
    let s = &shared;
    let mut labeled = labeled_targets(s, name, f)?;
    if let Some(r) = &resuming {
        labeled.retain(|(t, _)| !r.done.contains(&mask_url(t)));
    }
    let (targets, labels): (Vec<String>, Vec<_>) = labeled.into_iter().unzip();
    if let Some(r) = &resuming
        && targets.is_empty()
    {
        writeln!(
            out,
            "fleet {name}: nothing to resume: every database of {} is done",
            r.run
        )?;
        return Ok(Exit::Success);
    }
    let n = targets.len();
    let parallel = f.parallel.unwrap_or(4).clamp(1, n);
    let budget = match &f.max_failures {
        None => 1,
        Some(b) => b
            .of(n)
            .map_err(|e| Failure::new(Exit::Input, format!("[fleets.{name}] {e}")))?,
    };
    let ends = waves(f, &labels, name)?;
    let per_server = f.per_server.unwrap_or(parallel).max(1);
    let servers: Vec<Option<String>> = targets.iter().map(|t| server_of(t)).collect();
    let bake = f
        .bake
        .as_deref()
        .map(sluice_core::time::parse_duration)
        .transpose()
        .map_err(|e| Failure::new(Exit::Input, format!("[fleets.{name}] bake: {e}")))?
        .unwrap_or_default();
    let health = f.health.as_ref().map(|h| h.argv());
    let run = s.run_context().run_id;
    let gated = fleet_gates(s, &targets, how_far, parallel, &run, out)?;
    // Each database runs without webhooks of its own: the fleet sends its own events.
    let mut quiet = gated.unwrap_or_else(|| s.clone());
    if let Some(c) = quiet.config.as_mut() {
        c.notify = Default::default();
    }
    let each: &Settings = &quiet;
    let notifier = crate::notify::Notifier::new(s)?;
    let note = |kind: &str, mut fields: serde_json::Value| {
        if let Some(n) = &notifier {
            fields["run_id"] = run.as_str().into();
            fields["fleet"] = name.into();
            n.send(kind, fields);
        }
    };
    note(
        "run_started",
        serde_json::json!({ "databases": targets.len() }),
    );
    let mut journal = Journal::create(&s.project, name, &run)?;
    let shown: Vec<String> = targets.iter().map(|t| mask_url(t)).collect();
    journal.write(&serde_json::json!({
        "run_id": run.as_str(), "fleet": name, "env": s.env, "started_at": Timestamp::now().rfc3339(),
        "targets": shown, "parallel": parallel, "max_failures": budget,
        "waves": ends.iter().map(Vec::len).collect::<Vec<_>>(),
        "resumes": resuming.as_ref().map(|r| r.run.clone()),
    }))?;
    writeln!(
        out,
        "{run} fleet {name}: {n} database(s){}, {parallel} at a time, stopping after {budget} failed, {} wave(s) (env {})",
        resuming
            .as_ref()
            .map(|r| format!(" left by {}", r.run))
            .unwrap_or_default(),
        ends.len(),
        s.env
    )?;
    out.flush()?;
    on_ctrl_c();
    let started = Instant::now();
    let failures = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let mut done: Vec<Option<Outcome>> = (0..n).map(|_| None).collect();
    let (mut failed, mut current) = (0usize, 0usize);
    let mut halted: Option<(Exit, String)> = None;
    let progress = crate::progress::Bar::new(n, "databases");
    for (k, members) in ends.iter().enumerate() {
        let wave = k + 1;
        if ends.len() > 1 {
            writeln!(
                out,
                "{run} wave {wave}/{}: {} database(s)",
                ends.len(),
                members.len()
            )?;
        }
        let mut trouble: Option<Failure> = None;
        let queue = Queue::new(members, &servers, per_server);
        let (tx, rx) = mpsc::channel::<(usize, Outcome)>();
        std::thread::scope(|scope| {
            for _ in 0..parallel.min(members.len()) {
                let (tx, queue, stop, failures) = (tx.clone(), &queue, &stop, &failures);
                let (targets, shown) = (&targets, &shown);
                scope.spawn(move || {
                    // A database taken once the budget is spent (or after Ctrl-C) is not
                    // started: `take` checks `stop` each time.
                    while let Some(i) = queue.take(stop) {
                        let o = up_one(each, &targets[i], &shown[i], (lock_wait, how_far));
                        // The budget is counted here, before this worker takes the next.
                        if o.outcome == "failed"
                            && failures.fetch_add(1, Ordering::SeqCst) + 1 >= budget
                        {
                            stop.store(true, Ordering::SeqCst);
                        }
                        queue.done(i);
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
                // The bar: the databases done and failed, and the time left at the pace
                // so far; redrawn as the line goes above it.
                let left = started
                    .elapsed()
                    .mul_f64((n - current) as f64 / current as f64);
                progress.doing(&format!(
                    "{failed} failed, about {} left",
                    super::human(left)
                ));
                progress.step();
                let written = progress.above(|| writeln!(out, "{line}").and_then(|()| out.flush()));
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
        if INTERRUPTED.load(Ordering::SeqCst) {
            halted = Some((Exit::Interrupted, "interrupted (Ctrl-C)".into()));
        } else if stop.load(Ordering::SeqCst) {
            halted = Some((
                Exit::MigrationFailed,
                format!("max_failures = {budget} was reached"),
            ));
        }
        if halted.is_some() || wave == ends.len() {
            break;
        }
        journal.write(&serde_json::json!({ "wave": wave, "finished_at": Timestamp::now().rfc3339(), "failed_so_far": failed }))?;
        note(
            "wave_finished",
            serde_json::json!({ "wave": wave, "waves": ends.len(), "done_so_far": current, "failed_so_far": failed }),
        );
        if !bake.is_zero() {
            writeln!(
                out,
                "{run} wave {wave} done: baking {} before wave {}",
                super::human(bake),
                wave + 1
            )?;
            out.flush()?;
            let until = Instant::now() + bake;
            while Instant::now() < until && !INTERRUPTED.load(Ordering::SeqCst) {
                std::thread::sleep(
                    until
                        .saturating_duration_since(Instant::now())
                        .min(std::time::Duration::from_millis(100)),
                );
            }
            if INTERRUPTED.load(Ordering::SeqCst) {
                halted = Some((
                    Exit::Interrupted,
                    "interrupted (Ctrl-C) while baking".into(),
                ));
                break;
            }
        }
        if let Some(argv) = &health {
            let checked = health_check(s, name, &run, wave, argv);
            journal.write(&serde_json::json!({
                "health": argv, "wave": wave, "ok": checked.is_ok(), "error": checked.as_ref().err(),
            }))?;
            match checked {
                Ok(()) => writeln!(out, "{run} health check after wave {wave} passed")?,
                Err(why) => {
                    writeln!(out, "{run} health check after wave {wave} failed: {why}")?;
                    halted = Some((
                        Exit::Refused,
                        format!("the health check after wave {wave} failed"),
                    ));
                    break;
                }
            }
        }
    }
    progress.done();
    let mut not_started = 0;
    for (i, slot) in done.iter_mut().enumerate() {
        if slot.is_none() {
            not_started += 1;
            let o = Outcome {
                target: shown[i].clone(),
                outcome: "not started",
                applied: 0,
                run_id: None,
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
        "stopped": halted.as_ref().map(|h| h.1.clone()),
    }))?;
    writeln!(
        out,
        "{run} fleet {name}: {ok} of {n} up to date, {failed} failed, {not_started} not started, in {} (journal {})",
        super::human(started.elapsed()),
        crate::settings::tidy(&journal.path).display()
    )?;
    note(
        "run_finished",
        serde_json::json!({
            "result": if halted.is_none() && failed == 0 { "succeeded" } else { "failed" },
            "applied": ok, "failed": failed, "not_started": not_started,
            "stopped": halted.as_ref().map(|h| h.1.clone()),
        }),
    );
    if let Some(n) = notifier {
        for u in n.finish() {
            eprintln!(
                "warning: {run}: the webhook {} did not get {}: {} (written to the journal)",
                u.url, u.event, u.why
            );
            journal.write(&serde_json::json!({ "notify": { "url": u.url, "event": u.event, "error": u.why } }))?;
        }
    }
    let resume_hint = if failed + not_started > 0 {
        format!("; `sluice fleet resume {run}` goes on with the rest")
    } else {
        String::new()
    };
    match (halted, failed) {
        (None, 0) => Ok(Exit::Success),
        (None, _) => Err(Failure::new(
            Exit::MigrationFailed,
            format!(
                "fleet {name}: {failed} database(s) failed; each is as its own `sluice status` reports{resume_hint}"
            ),
        )),
        (Some((exit, why)), _) => Err(Failure::new(
            exit,
            format!(
                "fleet {name} stopped: {why}; {failed} database(s) failed and {not_started} were not started; each is as its own `sluice status` reports{resume_hint}"
            ),
        )),
    }
}

/// The environment's gates of promotion, approval and destructive confirmation, checked
/// once for the whole fleet before any database is touched, over every migration that some
/// database of the fleet would apply (each database's history read first, read-only; one
/// that cannot be read counts as needing every migration). Approvals are read from the
/// environment's own database (its `url`), where `sluice approve --env <env>` records
/// them. `Ok(None)`: the environment has none of these gates; `Ok(Some(s))`: they passed,
/// and `s` are the settings each database then runs with (the same, without those gates;
/// its backup and hooks stay per database).
fn fleet_gates(
    s: &Settings,
    targets: &[String],
    how_far: &TargetArgs,
    parallel: usize,
    run: &RunId,
    out: &mut dyn Write,
) -> Result<Option<Settings>, Failure> {
    let Some(cfg) = s.env_cfg.as_ref() else {
        return Ok(None);
    };
    if cfg.after.is_none()
        && cfg.approve_at.is_none()
        && !cfg.confirm_destructive
        && cfg.compat.is_none()
    {
        return Ok(None);
    }
    // The application's statements against what the environment's own database would
    // be given, once.
    super::compat::gate(s, run, out)?;
    let plan = s.plan()?;
    let opts = sluice_core::run::UpOptions {
        to: how_far.to.clone(),
        count: how_far.count,
        ..s.run.up_options()
    };
    // Which migrations each database would apply, `parallel` databases read at once.
    let next = AtomicUsize::new(0);
    let wanted: std::sync::Mutex<std::collections::HashSet<String>> = Default::default();
    std::thread::scope(|scope| {
        for _ in 0..parallel.min(targets.len()).max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(target) = targets.get(i) else { break };
                    let t = settings_for(s, target);
                    let records = (|| -> Result<Vec<sluice_core::engine::Record>, Failure> {
                        let Some(mut e) = t.open(Access::ReadOnly, "fleet-gates")? else {
                            return Ok(Vec::new());
                        };
                        Ok(if e.state_exists()? {
                            e.records()?
                        } else {
                            Vec::new()
                        })
                    })();
                    let ids: Vec<String> = match records.map(|r| {
                        let overview = sluice_core::run::Overview::new(&plan, r, &s.env, None);
                        sluice_core::run::plan_up(&plan, &overview, &opts, &s.env)
                            .map(|u| u.apply.iter().map(|(m, _)| m.id.to_string()).collect())
                    }) {
                        Ok(Ok(ids)) => ids,
                        // Unreadable, or a history `up` refuses: it may need any of them.
                        _ => plan.migrations().iter().map(|m| m.id.to_string()).collect(),
                    };
                    wanted.lock().unwrap_or_else(|p| p.into_inner()).extend(ids);
                }
            });
        }
    });
    let wanted = wanted.into_inner().unwrap_or_else(|p| p.into_inner());
    let apply: Vec<&sluice_core::Migration> = plan
        .migrations()
        .iter()
        .filter(|m| wanted.contains(m.id.as_str()))
        .collect();
    let mut analysis = super::analysis::options(s, s.dialect)?;
    let reports = sluice_core::lint::analyse_plan(&apply, &mut analysis, None)?;
    let assessed: Vec<_> = reports
        .iter()
        .map(sluice_core::gates::Assessed::of)
        .collect();
    let events = match s.open(Access::ReadOnly, "fleet-gates")? {
        Some(mut e) => sluice_core::deploy::own_events(e.as_mut())?,
        None => Vec::new(),
    };
    let mut gates = sluice_core::deploy::gates(
        &s.env,
        Some(cfg),
        &apply,
        &assessed,
        &events,
        &how_far.confirm,
        &mut s.around(),
    );
    gates.retain(|g| g.gate != "backup" && g.gate != "hooks");
    let blocked: Vec<_> = gates.iter().filter(|g| !g.passed).cloned().collect();
    if !blocked.is_empty() {
        return Err(super::with_run(
            run,
            sluice_core::deploy::DeployError::Blocked {
                env: s.env.clone(),
                gates: blocked,
            },
        ));
    }
    for g in &gates {
        writeln!(
            out,
            "{run} gate {} passed for {} (once for the fleet): {}",
            g.gate,
            g.migration.as_deref().unwrap_or("the run"),
            g.reason
        )?;
    }
    let mut each = s.clone();
    if let Some(c) = each.env_cfg.as_mut() {
        c.after = None;
        c.approve_at = None;
        c.confirm_destructive = false;
        c.compat = None;
    }
    Ok(Some(each))
}

/// `sluice up` on one database of the fleet.
fn up_one(
    s: &Settings,
    target: &str,
    shown: &str,
    (lock_wait, how_far): (&str, &TargetArgs),
) -> Outcome {
    let t = settings_for(s, target);
    let args = UpArgs {
        target: how_far.clone(),
        lock_wait: lock_wait.to_string(),
        resume: false,
        reconnect: None,
    };
    let started = Instant::now();
    let mut said = Vec::new();
    let result = super::up::run(args, &t, &mut said);
    // `<run id> applied <migration> (…)`: one line per migration applied; every line
    // starts with the run's id.
    let said = String::from_utf8_lossy(&said);
    let applied = said
        .lines()
        .filter(|l| l.split(' ').nth(1) == Some("applied"))
        .count();
    let run_id = said
        .split_whitespace()
        .next()
        .filter(|w| w.starts_with("run_"))
        .map(str::to_string);
    let duration_ms = Some(started.elapsed().as_millis() as u64);
    match result {
        Ok(_) => Outcome {
            target: shown.to_string(),
            outcome: "done",
            applied,
            run_id,
            exit: Some(0),
            error: None,
            duration_ms,
        },
        Err(f) => Outcome {
            target: shown.to_string(),
            outcome: "failed",
            applied,
            run_id,
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
    /// Why it could not be read, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    applied: usize,
    pending: Vec<String>,
    failed: Vec<String>,
    partial: Vec<String>,
    /// Applied from a file that has changed since (the history's checksum differs).
    drifted: Vec<String>,
    /// Every migration its history has applied (file or not): id and checksum, by id.
    #[serde(skip)]
    has: Vec<(String, String)>,
}

impl TargetStatus {
    /// Why it is behind the others (`most` applied) or in trouble, if it is.
    fn behind(&self, most: usize) -> Option<String> {
        let mut why = Vec::new();
        if let Some(e) = &self.error {
            why.push(format!("not read: {e}"));
        }
        if !self.failed.is_empty() {
            why.push(format!("failed {}", self.failed.join(", ")));
        }
        if !self.partial.is_empty() {
            why.push(format!("partial {}", self.partial.join(", ")));
        }
        if !self.drifted.is_empty() {
            why.push(format!(
                "drifted {} (applied from a file that changed since)",
                self.drifted.join(", ")
            ));
        }
        if self.error.is_none() && self.applied < most && !self.pending.is_empty() {
            why.push(format!(
                "{} pending from {}",
                self.pending.len(),
                self.pending[0]
            ));
        }
        (!why.is_empty()).then(|| format!("{}: {}", self.target, why.join("; ")))
    }
}

/// Every database of fleet `name` read (read-only), and each migration counted across
/// them.
fn read(
    s: &Settings,
    name: &str,
    plan: &sluice_core::Plan,
) -> Result<(Vec<TargetStatus>, Vec<FleetMigration>), Failure> {
    let f = fleet(s, name)?;
    let targets = targets(s, name, f)?;
    let mut counts: Vec<FleetMigration> = plan
        .migrations()
        .iter()
        .map(|m| FleetMigration {
            id: m.id.to_string(),
            ..FleetMigration::default()
        })
        .collect();
    let mut dbs = Vec::new();
    for url in &targets {
        let t = settings_for(s, url);
        let records = (|| -> Result<Vec<sluice_core::engine::Record>, Failure> {
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
            drifted: Vec::new(),
            has: Vec::new(),
        };
        match records {
            Err(e) => st.error = Some(e.error.to_string()),
            Ok(records) => {
                st.has = records
                    .iter()
                    .filter(|r| r.state == State::Applied)
                    .map(|r| (r.id.to_string(), r.checksum.to_string()))
                    .collect();
                st.has.sort();
                let by_id: std::collections::HashMap<&str, &sluice_core::engine::Record> =
                    records.iter().map(|r| (r.id.as_str(), r)).collect();
                for (c, m) in counts.iter_mut().zip(plan.migrations()) {
                    let record = by_id.get(c.id.as_str());
                    let state = record.map_or(State::Pending, |r| r.state);
                    match state {
                        State::Applied => {
                            c.applied += 1;
                            st.applied += 1;
                            // Applied from a file that has changed since.
                            if record.is_some_and(|r| r.checksum != m.checksum) {
                                c.drifted += 1;
                                st.drifted.push(c.id.clone());
                            }
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
    Ok((dbs, counts))
}

/// Every fleet of `sluice.toml`, for `report status`.
pub(super) fn report(s: &Settings, plan: &sluice_core::Plan) -> Vec<FleetStatus> {
    let names: Vec<String> = s
        .config
        .iter()
        .flat_map(|c| c.fleets.keys().cloned())
        .collect();
    names
        .into_iter()
        .map(|name| match read(s, &name, plan) {
            Err(e) => FleetStatus {
                fleet: name,
                error: Some(e.error.to_string()),
                databases: 0,
                migrations: Vec::new(),
                behind: Vec::new(),
            },
            Ok((dbs, migrations)) => fleet_status(name, &dbs, migrations),
        })
        .collect()
}

/// A fleet's standing as the reports show it.
fn fleet_status(
    name: String,
    dbs: &[TargetStatus],
    migrations: Vec<FleetMigration>,
) -> FleetStatus {
    let most = dbs.iter().map(|d| d.applied).max().unwrap_or(0);
    FleetStatus {
        fleet: name,
        error: None,
        databases: dbs.len(),
        behind: dbs.iter().filter_map(|d| d.behind(most)).collect(),
        migrations,
    }
}

fn status(a: FleetStatusArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let plan = s.plan()?;
    let (dbs, counts) = read(s, &a.name, &plan)?;
    // Of every migration on every database, the share applied.
    let cells = dbs.len() * counts.len();
    let applied: usize = counts.iter().map(|c| c.applied).sum();
    let percent = (applied * 100).checked_div(cells).unwrap_or(100);
    if s.format == Format::Json {
        let doc = serde_json::json!({
            "fleet": a.name, "env": s.env, "percent_applied": percent,
            "databases": dbs, "migrations": counts,
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        )?;
        return Ok(Exit::Success);
    }
    if matches!(s.format, Format::Md | Format::Html) {
        let mut d = sluice_report::doc::Doc::new(format!("Fleet status: {}", a.name));
        d.fields(vec![
            ("Environment", s.env.clone()),
            ("Applied", format!("{percent} % ({applied} of {cells})")),
        ]);
        fleet_status(a.name.clone(), &dbs, counts).section(&mut d);
        if s.format == Format::Md {
            sluice_report::doc::markdown(&d, out)?;
        } else {
            sluice_report::doc::html(&d, out)?;
        }
        return Ok(Exit::Success);
    }
    writeln!(
        out,
        "fleet {}: {} database(s) (env {}), {percent} % applied ({applied} of {cells})",
        a.name,
        dbs.len(),
        s.env
    )?;
    let width = counts.iter().map(|c| c.id.len()).max().unwrap_or(9).max(9);
    writeln!(
        out,
        "{:width$}  applied  pending  failed  partial  drifted",
        "migration"
    )?;
    for c in &counts {
        writeln!(
            out,
            "{:width$}  {:>7}  {:>7}  {:>6}  {:>7}  {:>7}",
            c.id, c.applied, c.pending, c.failed, c.partial, c.drifted
        )?;
    }
    let most = dbs.iter().map(|d| d.applied).max().unwrap_or(0);
    let behind: Vec<String> = dbs.iter().filter_map(|d| d.behind(most)).collect();
    if behind.is_empty() {
        writeln!(out, "every database is at the same migration")?;
    } else {
        writeln!(out, "behind the others or in trouble:")?;
        for b in behind {
            writeln!(out, "  {b}")?;
        }
    }
    Ok(Exit::Success)
}

/// The digest of a set of applied migrations: SHA-256 over a line `<id> <checksum>` per
/// migration, in id order.
fn digest_of(has: &[(String, String)]) -> String {
    let lines: String = has
        .iter()
        .map(|(id, sum)| format!("{id} {sum}\n"))
        .collect();
    let sum = sluice_core::Checksum::v1(&lines).to_string();
    format!("sha256:{}", sum.trim_start_matches("v1:"))
}

/// `sluice fleet digest`: one hash of the migrations applied on every database, for a
/// deploy pipeline to compare with what the application expects (`--expect files`: every
/// migration of the files; `--expect sha256:…`: a digest recorded earlier). Exit 0 when
/// every database has the same migrations applied (and the expectation holds), 1 otherwise.
fn digest(a: FleetDigestArgs, s: &Settings, out: &mut dyn Write) -> Result<Exit, Failure> {
    let plan = s.plan()?;
    let (dbs, _) = read(s, &a.name, &plan)?;
    let mut files: Vec<(String, String)> = plan
        .migrations()
        .iter()
        .map(|m| (m.id.to_string(), m.checksum.to_string()))
        .collect();
    files.sort();
    let files_digest = digest_of(&files);
    // Databases grouped by digest, the unreadable ones apart.
    let mut groups: Vec<(String, usize, Vec<&TargetStatus>)> = Vec::new();
    let mut unread = Vec::new();
    for d in &dbs {
        if d.error.is_some() {
            unread.push(d);
            continue;
        }
        let h = digest_of(&d.has);
        match groups.iter_mut().find(|g| g.0 == h) {
            Some(g) => g.2.push(d),
            None => groups.push((h, d.has.len(), vec![d])),
        }
    }
    groups.sort_by(|x, y| y.2.len().cmp(&x.2.len()).then(x.0.cmp(&y.0)));
    let uniform = groups.len() == 1 && unread.is_empty();
    let expected = match a.expect.as_deref() {
        None => None,
        Some("files") => Some(files_digest.clone()),
        Some(h) if h.starts_with("sha256:") && h.len() == 71 => Some(h.to_string()),
        Some(h) => {
            return Err(Failure::new(
                Exit::Input,
                format!(
                    "--expect {h}: give `files` or a digest this command printed (sha256:<64 hex>)"
                ),
            ));
        }
    };
    let digest = uniform.then(|| groups[0].0.clone());
    let met = match (&expected, &digest) {
        (None, _) => uniform,
        (Some(e), Some(d)) => e == d,
        (Some(_), None) => false,
    };
    if s.format == Format::Json {
        let doc = serde_json::json!({
            "fleet": a.name,
            "digest": digest,
            "uniform": uniform,
            "expected": expected,
            "matches": met,
            "files": { "digest": files_digest, "migrations": files.len() },
            "groups": groups.iter().map(|(h, n, ds)| serde_json::json!({
                "digest": h, "migrations": n,
                "databases": ds.iter().map(|d| d.target.clone()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "unreadable": unread.iter().map(|d| serde_json::json!({ "database": d.target, "error": d.error })).collect::<Vec<_>>(),
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        )?;
    } else {
        match &digest {
            Some(d) => {
                let n = groups[0].1;
                writeln!(
                    out,
                    "{d}\nevery database of {} ({}) has the same {n} migration(s) applied{}",
                    a.name,
                    dbs.len(),
                    if *d == files_digest {
                        ", every migration of the files".to_string()
                    } else {
                        format!(
                            "; the files ({} migrations) would give {files_digest}",
                            files.len()
                        )
                    }
                )?;
            }
            None => {
                writeln!(
                    out,
                    "fleet {}: the databases differ ({} digest(s){})",
                    a.name,
                    groups.len(),
                    if unread.is_empty() {
                        String::new()
                    } else {
                        format!(", {} not read", unread.len())
                    }
                )?;
                for (h, n, ds) in &groups {
                    let names: Vec<&str> = ds.iter().take(5).map(|d| d.target.as_str()).collect();
                    writeln!(
                        out,
                        "  {h}: {} database(s) with {n} migration(s) applied{}: {}{}",
                        ds.len(),
                        if *h == files_digest {
                            " (all of the files)"
                        } else {
                            ""
                        },
                        names.join(", "),
                        if ds.len() > names.len() { ", …" } else { "" }
                    )?;
                }
                for d in &unread {
                    writeln!(
                        out,
                        "  {}: not read: {}",
                        d.target,
                        d.error.as_deref().unwrap_or("")
                    )?;
                }
            }
        }
        if let Some(e) = &expected {
            writeln!(
                out,
                "{}",
                if met {
                    format!("matches the expected {e}")
                } else {
                    format!("does not match the expected {e}")
                }
            )?;
        }
    }
    Ok(if met {
        Exit::Success
    } else {
        Exit::ChecksFailed
    })
}

#[cfg(test)]
mod tests {
    use super::wildcard;

    #[test]
    fn a_server_url_names_another_database() {
        use super::with_database;
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres?sslmode=disable", "tenant_1").unwrap(),
            "postgres://u:p@h:5432/tenant_1?sslmode=disable"
        );
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306", "t 2").unwrap(),
            "mysql://root@127.0.0.1:3306/t%202"
        );
        assert!(with_database("sqlite:x.db", "a").is_err());
    }

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
