//! Watching the database while a migration runs: the other sessions blocked behind the
//! run's own (`max_blocked_sessions` of the environment), sampled every second on a
//! connection of its own, and once more when the run asks (before a `COMMIT`, between
//! two statements). PostgreSQL only: `pg_blocking_pids` names the sessions a backend
//! blocks, whether they wait for its table locks, row locks or advisory locks.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use sluice_core::Engine;
use sluice_core::config::mask_url;
use sluice_core::run::{Watch, Watching};
use sluice_sql::Dialect;

use crate::Access;

/// How often the sessions blocked behind a running migration are sampled.
pub const EVERY: Duration = Duration::from_secs(1);

/// Watches the sessions a migration blocks, against `max_blocked_sessions`.
pub struct BlockWatch {
    url: String,
    max: u32,
    every: Duration,
    /// The watch's connection, kept from one migration to the next.
    idle: Arc<Mutex<Option<Box<dyn Engine>>>>,
}

impl std::fmt::Debug for BlockWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockWatch")
            .field("url", &mask_url(&self.url))
            .field("max", &self.max)
            .finish()
    }
}

impl BlockWatch {
    /// A watch of the database at `url` (the run's own), allowing `max` blocked sessions;
    /// only PostgreSQL can say which sessions a session blocks (`dialect` says why not).
    pub fn new(dialect: Dialect, url: &str, max: u32) -> Result<BlockWatch, String> {
        if dialect != Dialect::Postgres {
            return Err(format!(
                "max_blocked_sessions is watched on PostgreSQL only (pg_blocking_pids); this environment is {}: remove it",
                dialect.name()
            ));
        }
        Ok(BlockWatch {
            url: url.to_string(),
            max,
            every: EVERY,
            idle: Arc::new(Mutex::new(None)),
        })
    }
}

/// The watch an environment asks for (`max_blocked_sessions`), if any.
pub fn for_env(
    dialect: Dialect,
    url: &str,
    settings: &sluice_core::config::RunSettings,
) -> Result<Option<Arc<dyn Watch>>, String> {
    match settings.max_blocked_sessions {
        None => Ok(None),
        Some(max) => Ok(Some(Arc::new(BlockWatch::new(dialect, url, max)?))),
    }
}

impl Watch for BlockWatch {
    fn start(&self, session: i64) -> Result<Box<dyn Watching>, String> {
        let kept = self.idle.lock().unwrap_or_else(|p| p.into_inner()).take();
        let engine = match kept {
            Some(e) => e,
            None => crate::open_aside(&self.url, "sluice/watch", Access::ReadOnly)
                .map_err(|e| format!("{}: {e}", mask_url(&self.url)))?,
        };
        let seen = Arc::new(Mutex::new(Seen {
            engine: Some(engine),
            worst: Vec::new(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (seen, stop, every) = (seen.clone(), stop.clone(), self.every);
            std::thread::Builder::new()
                .name("sluice-watch".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::park_timeout(every);
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        lock(&seen).sample(session);
                    }
                })
                .map_err(|e| format!("cannot start the watch: {e}"))?
        };
        Ok(Box::new(Blocking {
            seen,
            stop,
            thread: Some(thread),
            session,
            max: self.max,
            idle: self.idle.clone(),
        }))
    }
}

/// What the watch has seen of one migration.
struct Seen {
    /// The watch's connection (given back when the watch ends).
    engine: Option<Box<dyn Engine>>,
    /// The most sessions blocked at once, each described.
    worst: Vec<String>,
}

impl Seen {
    /// Samples the sessions `session` blocks now (a sample that fails is skipped: the
    /// next one, a second later, may see).
    fn sample(&mut self, session: i64) {
        let sql = format!(
            "SELECT pid::text, coalesce(nullif(application_name, ''), '-'), coalesce(usename::text, '-'), \
             round(extract(epoch FROM now() - coalesce(state_change, query_start))::numeric, 1)::text, \
             left(regexp_replace(coalesce(query, ''), '\\s+', ' ', 'g'), 80) \
             FROM pg_stat_activity WHERE {session} = ANY (pg_blocking_pids(pid)) ORDER BY pid"
        );
        let Some(engine) = self.engine.as_mut() else {
            return;
        };
        match engine.query_rows(&sql) {
            Ok(rows) => {
                let col = |r: &Vec<Option<String>>, i: usize| {
                    r.get(i).cloned().flatten().unwrap_or_default()
                };
                let now: Vec<String> = rows
                    .iter()
                    .map(|r| {
                        format!(
                            "pid {} ({}, user {}) waiting {}s on `{}`",
                            col(r, 0),
                            col(r, 1),
                            col(r, 2),
                            col(r, 3),
                            col(r, 4)
                        )
                    })
                    .collect();
                if now.len() > self.worst.len() {
                    self.worst = now;
                }
            }
            // A connection that failed is not kept: the next migration opens another.
            Err(e) if e.connection_lost => self.engine = None,
            Err(_) => {}
        }
    }
}

fn lock(seen: &Mutex<Seen>) -> std::sync::MutexGuard<'_, Seen> {
    seen.lock().unwrap_or_else(|p| p.into_inner())
}

/// A watch in progress.
struct Blocking {
    seen: Arc<Mutex<Seen>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    session: i64,
    max: u32,
    idle: Arc<Mutex<Option<Box<dyn Engine>>>>,
}

impl Watching for Blocking {
    fn over(&mut self) -> Option<String> {
        let mut seen = lock(&self.seen);
        seen.sample(self.session);
        (seen.worst.len() > self.max as usize).then(|| {
            format!(
                "it kept {} other session(s) waiting behind its locks, more than max_blocked_sessions = {}: {}",
                seen.worst.len(),
                self.max,
                seen.worst.join("; ")
            )
        })
    }
}

impl Drop for Blocking {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
        if let Some(e) = lock(&self.seen).engine.take() {
            *self.idle.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
        }
    }
}
